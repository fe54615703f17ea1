//! What the sender may attach as a letter: the one check the page (when a
//! letter is chosen), `mailslot send` (before uploading) and the server
//! (on the decrypted file) make. A PDF is kept as it is; a photo (JPEG,
//! PNG) is decoded by the server ([`crate::photo`], feature `photo`) and
//! wrapped into a one-page PDF.

/// How many leading bytes [`sniff`] needs.
pub const SNIFF_LEN: usize = 8;

/// The kinds of letters accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum LetterKind {
    /// A PDF document (`%PDF-`).
    Pdf,
    /// A JPEG photo (`FF D8 FF`).
    Jpeg,
    /// A PNG picture (its 8-byte signature).
    Png,
}

/// The kind of letter a file's first bytes show, if it is one we accept.
pub fn sniff(head: &[u8]) -> Option<LetterKind> {
    if head.starts_with(b"%PDF-") {
        Some(LetterKind::Pdf)
    } else if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(LetterKind::Jpeg)
    } else if head.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(LetterKind::Png)
    } else {
        None
    }
}

/// The largest photo (JPEG, PNG) accepted as a letter: the server reads
/// it whole to decode it. PDFs may be as large as any file.
pub const MAX_PHOTO_BYTES: u64 = 64 * 1024 * 1024;

/// Stable code (`Mailslot-Reason`) for a letter that is none of the kinds
/// (kept from when only PDFs were accepted: the code is part of the API).
pub const NOT_A_LETTER: &str = "not-pdf";

/// Stable code for a photo larger than [`MAX_PHOTO_BYTES`] (or, once
/// decoded, than the pixel bound of the server's `photo` module).
pub const PHOTO_TOO_LARGE: &str = "letter-too-large";

/// Why a file is not taken as a letter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LetterRefusal {
    /// None of PDF, JPEG, PNG.
    NotALetter,
    /// A photo larger than [`MAX_PHOTO_BYTES`].
    TooLarge,
}

impl LetterRefusal {
    /// Stable code (`Mailslot-Reason`).
    pub fn code(self) -> &'static str {
        match self {
            LetterRefusal::NotALetter => NOT_A_LETTER,
            LetterRefusal::TooLarge => PHOTO_TOO_LARGE,
        }
    }
}

/// The one check of a letter before its content is read: the kind a file
/// of `len` bytes starting with `head` ([`SNIFF_LEN`] bytes, or all of a
/// shorter file) is, or why it is refused.
pub fn check(head: &[u8], len: u64) -> Result<LetterKind, LetterRefusal> {
    match sniff(head) {
        None => Err(LetterRefusal::NotALetter),
        Some(LetterKind::Pdf) => Ok(LetterKind::Pdf),
        Some(_) if len > MAX_PHOTO_BYTES => Err(LetterRefusal::TooLarge),
        Some(photo) => Ok(photo),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pdf_jpeg_and_png_headers_are_letters() {
        assert_eq!(sniff(b"%PDF-1.7\n"), Some(LetterKind::Pdf));
        assert_eq!(sniff(b"%PDF-"), Some(LetterKind::Pdf));
        assert_eq!(sniff(b"%PDF"), None);
        assert_eq!(sniff(b"\xFF\xD8\xFF\xE0\0\x10JF"), Some(LetterKind::Jpeg));
        assert_eq!(sniff(b"\xFF\xD8\xFE"), None);
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n"), Some(LetterKind::Png));
        assert_eq!(sniff(b"\x89PNG\r\n"), None);
        assert_eq!(sniff(b"GIF89a"), None);
        assert_eq!(sniff(b""), None);
    }

    #[test]
    fn photos_are_bounded_pdfs_are_not() {
        let jpeg = b"\xFF\xD8\xFF\xE0\0\x10JF";
        assert_eq!(check(jpeg, MAX_PHOTO_BYTES), Ok(LetterKind::Jpeg));
        assert_eq!(
            check(jpeg, MAX_PHOTO_BYTES + 1),
            Err(LetterRefusal::TooLarge)
        );
        assert_eq!(check(b"%PDF-1.7", u64::MAX), Ok(LetterKind::Pdf));
        assert_eq!(check(b"GIF89a", 10), Err(LetterRefusal::NotALetter));
        assert_eq!(LetterRefusal::NotALetter.code(), "not-pdf");
    }
}
