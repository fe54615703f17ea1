//! The server's X25519 key pairs. Key files live in `<data>/keys/` as
//! `<kid>.key` (32 raw bytes, mode 0600); `current` names the key senders
//! get. After a rotation old keys stay until nothing references them (no
//! open session or upload), then they are destroyed.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::RwLock;

use mailslot_shared::envelope::{Id16, PrivateKey, PublicKey};

use crate::durable;

/// A key store failure.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// Reading or writing a key file failed.
    #[error("key file {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A key file does not hold a valid key, or its name does not match it.
    #[error("key file {0} is damaged")]
    Damaged(PathBuf),
    /// The operating system gave no randomness.
    #[error("no randomness available")]
    Random,
    /// The lock was poisoned.
    #[error("key store lock poisoned")]
    Poisoned,
}

impl KeyError {
    /// Stable kebab-case code.
    pub fn code(&self) -> &'static str {
        match self {
            KeyError::Io { .. } => "key-file-io",
            KeyError::Damaged(_) => "key-file-damaged",
            KeyError::Random => "no-randomness",
            KeyError::Poisoned => "key-store-poisoned",
        }
    }
}

#[derive(Debug)]
struct Keys {
    all: BTreeMap<Id16, PrivateKey>,
    current: Id16,
}

/// All key pairs, one of them current.
#[derive(Debug)]
pub struct Keyring {
    dir: PathBuf,
    keys: RwLock<Keys>,
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> KeyError + '_ {
    move |source| KeyError::Io {
        path: path.to_owned(),
        source,
    }
}

impl Keyring {
    /// Loads the keys in `dir`, generating the first key on first start.
    pub fn open(dir: &Path) -> Result<Self, KeyError> {
        durable::create_dir_all(dir).map_err(io(dir))?;
        let mut all = BTreeMap::new();
        for entry in std::fs::read_dir(dir).map_err(io(dir))? {
            let path = entry.map_err(io(dir))?.path();
            if path.extension().and_then(|e| e.to_str()) != Some("key") {
                continue;
            }
            let bytes = std::fs::read(&path).map_err(io(&path))?;
            let key =
                PrivateKey::from_bytes(&bytes).ok_or_else(|| KeyError::Damaged(path.clone()))?;
            let kid = key.public_key().kid();
            if path.file_stem().and_then(|s| s.to_str()) != Some(kid.to_hex().as_str()) {
                return Err(KeyError::Damaged(path));
            }
            all.insert(kid, key);
        }
        let current_file = dir.join("current");
        let current = std::fs::read_to_string(&current_file)
            .ok()
            .and_then(|s| Id16::from_hex(s.trim()))
            .filter(|kid| all.contains_key(kid));
        let ring = Keyring {
            dir: dir.to_owned(),
            keys: RwLock::new(Keys {
                current: current.unwrap_or(Id16([0; 16])),
                all,
            }),
        };
        if current.is_none() {
            ring.rotate()?;
        }
        Ok(ring)
    }

    /// Picks up a rotation made by another process (`mailslot key rotate`
    /// while the server runs): reads the `current` pointer and loads that
    /// key if it is new. Cheap (one small file read); called per request.
    pub fn refresh(&self) -> Result<(), KeyError> {
        let pointer = self.dir.join("current");
        let Some(kid) = std::fs::read_to_string(&pointer)
            .ok()
            .and_then(|s| Id16::from_hex(s.trim()))
        else {
            return Ok(());
        };
        if self.keys.read().map_err(|_| KeyError::Poisoned)?.current == kid {
            return Ok(());
        }
        let path = self.dir.join(format!("{}.key", kid.to_hex()));
        let bytes = std::fs::read(&path).map_err(io(&path))?;
        let key = PrivateKey::from_bytes(&bytes).ok_or_else(|| KeyError::Damaged(path.clone()))?;
        if key.public_key().kid() != kid {
            return Err(KeyError::Damaged(path));
        }
        let mut keys = self.keys.write().map_err(|_| KeyError::Poisoned)?;
        keys.all.insert(kid, key);
        keys.current = kid;
        Ok(())
    }

    /// The current public key and its id.
    pub fn current(&self) -> Result<(Id16, PublicKey), KeyError> {
        let keys = self.keys.read().map_err(|_| KeyError::Poisoned)?;
        let key = keys.all.get(&keys.current).ok_or(KeyError::Poisoned)?;
        Ok((keys.current, key.public_key()))
    }

    /// The private key with this id, if we still have it.
    pub fn get(&self, kid: &Id16) -> Option<PrivateKey> {
        if let Some(key) = self.keys.read().ok()?.all.get(kid) {
            return Some(key.clone());
        }
        // Made by another process since we loaded: take it from its file.
        let bytes = std::fs::read(self.dir.join(format!("{}.key", kid.to_hex()))).ok()?;
        let key = PrivateKey::from_bytes(&bytes).filter(|k| k.public_key().kid() == *kid)?;
        self.keys.write().ok()?.all.insert(*kid, key.clone());
        Some(key)
    }

    /// Generates a new key and makes it current; returns its id.
    pub fn rotate(&self) -> Result<Id16, KeyError> {
        // The outgoing key's grace period starts now: stamp its retirement.
        let outgoing = self.keys.read().map_err(|_| KeyError::Poisoned)?.current;
        let stamp = self.dir.join(format!("{}.retired", outgoing.to_hex()));
        let now = crate::clock::now().to_string();
        durable::write_atomic(&stamp, now.as_bytes(), 0o600).map_err(io(&stamp))?;
        let key = PrivateKey::derive(&crate::random::bytes32().map_err(|_| KeyError::Random)?);
        let kid = key.public_key().kid();
        let path = self.dir.join(format!("{}.key", kid.to_hex()));
        durable::write_atomic(&path, key.to_bytes().as_ref(), 0o600).map_err(io(&path))?;
        let current = self.dir.join("current");
        durable::write_atomic(&current, kid.to_hex().as_bytes(), 0o600).map_err(io(&current))?;
        let mut keys = self.keys.write().map_err(|_| KeyError::Poisoned)?;
        keys.all.insert(kid, key);
        keys.current = kid;
        Ok(kid)
    }

    /// Destroys every non-current key whose id is not in `in_use` and that
    /// was retired (by [`Keyring::rotate`]) at least `grace` ago: a sender
    /// may have fetched it just before the rotation, and a session lives at
    /// most `session_max_hours`. A key with no retirement stamp (retired by
    /// an older version) is given the grace from now on.
    pub fn destroy_unused(
        &self,
        in_use: &HashSet<Id16>,
        grace: std::time::Duration,
    ) -> Result<Vec<Id16>, KeyError> {
        let mut keys = self.keys.write().map_err(|_| KeyError::Poisoned)?;
        let current = keys.current;
        let t = crate::clock::now();
        let old_enough = |kid: &Id16| {
            let stamp = self.dir.join(format!("{}.retired", kid.to_hex()));
            match std::fs::read_to_string(&stamp) {
                Ok(text) => text
                    .trim()
                    .parse::<i64>()
                    .is_ok_and(|retired| t - retired >= grace.as_secs() as i64),
                Err(_) => {
                    let _ = durable::write_atomic(&stamp, t.to_string().as_bytes(), 0o600);
                    false
                }
            }
        };
        let doomed: Vec<Id16> = keys
            .all
            .keys()
            .filter(|k| **k != current && !in_use.contains(k) && old_enough(k))
            .copied()
            .collect();
        for kid in &doomed {
            let path = self.dir.join(format!("{}.key", kid.to_hex()));
            std::fs::remove_file(&path).map_err(io(&path))?;
            let _ = std::fs::remove_file(self.dir.join(format!("{}.retired", kid.to_hex())));
            keys.all.remove(kid);
        }
        durable::sync_dir(&self.dir).map_err(io(&self.dir))?;
        Ok(doomed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn first_start_generates_a_private_key_file_0600_and_reloads_it() {
        let dir = tempfile::tempdir().unwrap();
        let ring = Keyring::open(dir.path()).unwrap();
        let (kid, pk) = ring.current().unwrap();
        let file = dir.path().join(format!("{}.key", kid.to_hex()));
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let again = Keyring::open(dir.path()).unwrap();
        assert_eq!(again.current().unwrap().1, pk);
    }

    #[test]
    fn a_rotation_by_another_process_is_picked_up() {
        let dir = tempfile::tempdir().unwrap();
        let server = Keyring::open(dir.path()).unwrap();
        let (old, _) = server.current().unwrap();
        let new = Keyring::open(dir.path()).unwrap().rotate().unwrap();
        assert_eq!(server.current().unwrap().0, old);
        server.refresh().unwrap();
        assert_eq!(server.current().unwrap().0, new);
        assert!(
            server.get(&old).is_some(),
            "the old key stays for uploads in flight"
        );
    }

    #[test]
    fn rotation_keeps_old_keys_until_unused() {
        let dir = tempfile::tempdir().unwrap();
        let ring = Keyring::open(dir.path()).unwrap();
        let (old, _) = ring.current().unwrap();
        let new = ring.rotate().unwrap();
        assert_ne!(old, new);
        assert!(ring.get(&old).is_some());
        let zero = std::time::Duration::ZERO;
        let kept = ring.destroy_unused(&HashSet::from([old]), zero).unwrap();
        assert!(kept.is_empty());
        let young = ring
            .destroy_unused(&HashSet::new(), std::time::Duration::from_secs(3600))
            .unwrap();
        assert!(young.is_empty());
        let gone = ring.destroy_unused(&HashSet::new(), zero).unwrap();
        assert_eq!(gone, vec![old]);
        assert!(ring.get(&old).is_none());
        assert!(Keyring::open(dir.path()).unwrap().get(&old).is_none());
    }
}
