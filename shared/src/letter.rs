//! What the sender may attach as a letter: the one check the page (when a
//! letter is chosen), `mailslot send` (before uploading) and the server
//! (on the decrypted file) make.

/// How many leading bytes [`sniff`] needs.
pub const SNIFF_LEN: usize = 5;

/// The kinds of letters accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum LetterKind {
    /// A PDF document (`%PDF-`).
    Pdf,
}

/// The kind of letter a file's first bytes show, if it is one we accept.
pub fn sniff(head: &[u8]) -> Option<LetterKind> {
    head.starts_with(b"%PDF-").then_some(LetterKind::Pdf)
}

/// Stable code (`Mailslot-Reason`) for a letter that is none of the kinds.
pub const NOT_A_LETTER: &str = "not-pdf";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_pdf_headers_are_letters() {
        assert_eq!(sniff(b"%PDF-1.7\n"), Some(LetterKind::Pdf));
        assert_eq!(sniff(b"%PDF-"), Some(LetterKind::Pdf));
        assert_eq!(sniff(b"%PDF"), None);
        assert_eq!(sniff(b"\x89PNG\r\n"), None);
        assert_eq!(sniff(b""), None);
    }
}
