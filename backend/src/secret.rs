//! The server's own secret: 32 random bytes in `<data_dir>/server.secret`
//! (0600), made on first start and never sent anywhere. It keys the hashes
//! the database keeps instead of values that could identify someone: a
//! client's address (lockout) and a SOP Instance UID (duplicate check).
//! Without the file, nobody can confirm a guessed value against them.

use std::path::Path;

use sha2::{Digest, Sha256};

/// The secret. Its bytes are never printed (`Debug` shows nothing).
#[derive(Clone)]
pub struct ServerSecret([u8; 32]);

impl std::fmt::Debug for ServerSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ServerSecret(…)")
    }
}

impl ServerSecret {
    /// Reads the secret at `path`, making it (0600) if it is missing.
    pub fn load_or_create(path: &Path) -> std::io::Result<Self> {
        match std::fs::read(path) {
            Ok(bytes) => {
                let bytes: [u8; 32] = bytes
                    .try_into()
                    .map_err(|_| std::io::Error::other("the server secret is not 32 bytes"))?;
                Ok(ServerSecret(bytes))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let bytes = crate::random::bytes32().map_err(std::io::Error::other)?;
                crate::durable::write_atomic(path, &bytes, 0o600)?;
                Ok(ServerSecret(bytes))
            }
            Err(e) => Err(e),
        }
    }

    /// A keyed hash of `parts` for the purpose named by `label`:
    /// SHA-256(label ‖ secret ‖ len ‖ part ‖ …), hex. Each part is length
    /// prefixed, so different splits never collide.
    pub fn keyed(&self, label: &str, parts: &[&[u8]]) -> String {
        let mut h = Sha256::new()
            .chain_update(label.as_bytes())
            .chain_update(self.0);
        for part in parts {
            h.update((part.len() as u64).to_be_bytes());
            h.update(part);
        }
        hex::encode(h.finalize())
    }
}

#[cfg(test)]
mod tests {
    use super::ServerSecret;

    #[test]
    fn made_once_kept_private_and_keyed() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("server.secret");
        let a = ServerSecret::load_or_create(&path).unwrap();
        let b = ServerSecret::load_or_create(&path).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        assert_eq!(a.keyed("x", &[b"1"]), b.keyed("x", &[b"1"]));
        assert_ne!(a.keyed("x", &[b"1"]), a.keyed("y", &[b"1"]));
        assert_ne!(a.keyed("x", &[b"ab", b"c"]), a.keyed("x", &[b"a", b"bc"]));
        assert!(!format!("{a:?}").contains(&a.keyed("x", &[])[..4]));
    }
}
