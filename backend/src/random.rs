//! Randomness from the operating system's CSPRNG and the ids made of it:
//! tokens, session, upload and node ids, key material. Imports nothing of
//! the crate: everything may use it.

/// The operating system gave no randomness (never in practice; nothing is
/// made up instead).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the operating system gave no randomness")]
pub struct NoRandomness;

impl NoRandomness {
    /// Stable kebab-case code.
    pub fn code(&self) -> &'static str {
        "no-randomness"
    }
}

/// 32 bytes from the operating system's CSPRNG.
pub fn bytes32() -> Result<[u8; 32], NoRandomness> {
    let mut b = [0u8; 32];
    getrandom::fill(&mut b).map_err(|_| NoRandomness)?;
    Ok(b)
}

/// A fresh id: 16 random bytes as 32 hex digits (sessions, uploads,
/// nodes).
pub fn hex_id() -> Result<String, NoRandomness> {
    Ok(hex::encode(&bytes32()?[..16]))
}

#[cfg(test)]
mod tests {
    #[test]
    fn ids_are_fresh_hex_of_16_bytes() {
        let (a, b) = (super::hex_id(), super::hex_id());
        assert_ne!(a, b);
        assert!(a.is_ok_and(|a| a.len() == 32 && a.bytes().all(|c| c.is_ascii_hexdigit())));
    }
}
