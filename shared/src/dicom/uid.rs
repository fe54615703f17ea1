//! UID syntax (PS3.5 §9.1).

/// Largest UID length allowed by PS3.5.
pub const MAX_UID_LEN: usize = 64;

/// Whether `uid` (already stripped of trailing NUL/space padding) is a
/// syntactically valid UID: 1–64 characters, dot-separated non-empty runs of
/// digits. A leading zero in a component is tolerated: PS3.5 forbids it, but
/// real CDs carry such UIDs and archives store them, so refusing them would
/// lose real images.
pub fn is_valid_uid(uid: &str) -> bool {
    !uid.is_empty()
        && uid.len() <= MAX_UID_LEN
        && uid
            .split('.')
            .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::is_valid_uid;

    #[test]
    fn uid_syntax() {
        assert!(is_valid_uid("1.2.840.10008.5.1.4.1.1.2"));
        assert!(is_valid_uid("2.25.1234"));
        assert!(is_valid_uid("1.2.03"));
        assert!(!is_valid_uid(""));
        assert!(!is_valid_uid("1..2"));
        assert!(!is_valid_uid(".1.2"));
        assert!(!is_valid_uid("1.2."));
        assert!(!is_valid_uid("1.2.a"));
        assert!(!is_valid_uid("1.2 3"));
        assert!(!is_valid_uid(&format!("{}.1", "1.2".repeat(21))));
        assert!(is_valid_uid(&"1".repeat(64)));
        assert!(!is_valid_uid(&"1".repeat(65)));
    }
}
