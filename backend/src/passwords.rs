//! Upload passwords: Argon2id hashes in the database. Several may be valid
//! at once (rotation with overlap), each with an optional expiry.
//!
//! Checking runs Argon2 against every stored hash, expired or not, and
//! against a dummy hash when there are none, so the time taken does not
//! tell "no such password" from "expired".

use std::sync::Mutex;

use crate::params;
use crate::store::Sql;
use argon2::password_hash::{Output, PasswordHash, PasswordHasher, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};

use crate::clock::now;
use crate::store::{Store, StoreError};

/// A password store failure.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PasswordError {
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Hashing failed (should not happen with valid parameters).
    #[error("password hashing failed")]
    Hash,
    /// The password is empty or too long.
    #[error("a password must be 8 to 256 characters long")]
    Length,
    /// No randomness for the salt.
    #[error("no randomness available")]
    Random,
}

impl PasswordError {
    /// Stable kebab-case code.
    pub fn code(&self) -> &'static str {
        match self {
            PasswordError::Store(e) => e.code(),
            PasswordError::Hash => "password-hash-failed",
            PasswordError::Length => "password-length",
            PasswordError::Random => "no-randomness",
        }
    }
}

/// What `password list` shows: never the hash.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PasswordInfo {
    /// Row id, for `password remove`.
    pub id: i64,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds, if it expires.
    pub expires_at: Option<i64>,
}

/// Stores a new password; returns its id.
pub fn add(store: &Store, password: &str, expires_at: Option<i64>) -> Result<i64, PasswordError> {
    let hash = hash_new(password)?;
    let id = store.conn()?.query_row(
        "INSERT INTO passwords (hash, created_at, expires_at) VALUES (?1, ?2, ?3) RETURNING id",
        params![hash, now(), expires_at],
        |r| r.get(0),
    )?;
    Ok(id)
}

/// The Argon2id PHC string of a new password (8 to 256 characters) with a
/// fresh salt: upload passwords here, staff accounts in [`crate::staff`].
pub fn hash_new(password: &str) -> Result<String, PasswordError> {
    let len = password.chars().count();
    if !(8..=256).contains(&len) {
        return Err(PasswordError::Length);
    }
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|_| PasswordError::Random)?;
    let salt = SaltString::encode_b64(&salt).map_err(|_| PasswordError::Hash)?;
    Ok(Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map_err(|_| PasswordError::Hash)?
        .to_string())
}

/// Whether `password` matches the PHC string `hash`; with no hash (no such
/// account) a dummy is checked, so that the time taken does not tell.
pub fn matches(password: &str, hash: Option<&str>) -> bool {
    let mut memory = Memory::take();
    match hash {
        Some(h) => verify(password.as_bytes(), h, &mut memory.0),
        None => {
            let _ = verify(password.as_bytes(), dummy_hash(), &mut memory.0);
            false
        }
    }
}

/// Every stored password's id and dates.
pub fn list(store: &Store) -> Result<Vec<PasswordInfo>, PasswordError> {
    Ok(store.conn()?.query_map(
        "SELECT id, created_at, expires_at FROM passwords ORDER BY id",
        params![],
        |r| {
            Ok(PasswordInfo {
                id: r.get(0)?,
                created_at: r.get(1)?,
                expires_at: r.get(2)?,
            })
        },
    )?)
}

/// Removes a password; false when there was none with this id.
pub fn remove(store: &Store, id: i64) -> Result<bool, PasswordError> {
    let n = store
        .conn()?
        .execute("DELETE FROM passwords WHERE id = ?1", params![id])?;
    Ok(n > 0)
}

/// A hash of a random string, verified when no password is stored so that
/// the check costs the same; made once per process.
fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| {
        let mut bytes = [0u8; 16];
        let _ = getrandom::fill(&mut bytes);
        SaltString::encode_b64(&bytes)
            .ok()
            .and_then(|salt| {
                Argon2::default()
                    .hash_password(&bytes, &salt)
                    .ok()
                    .map(|h| h.to_string())
            })
            .unwrap_or_default()
    })
}

/// Whether `password` matches a stored, unexpired password at time `at`.
pub fn check(store: &Store, password: &str, at: i64) -> Result<bool, PasswordError> {
    let rows: Vec<(String, Option<i64>)> =
        store
            .conn()?
            .query_map("SELECT hash, expires_at FROM passwords", params![], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?;
    let mut memory = Memory::take();
    let mut verify = |hash: &str| verify(password.as_bytes(), hash, &mut memory.0);
    if rows.is_empty() {
        let _ = verify(dummy_hash());
        return Ok(false);
    }
    let mut ok = false;
    for (hash, expires_at) in &rows {
        let matches = verify(hash);
        ok |= matches && expires_at.is_none_or(|e| e > at);
    }
    Ok(ok)
}

/// Argon2's working memory (19 MiB with the default parameters), kept
/// for the next check instead of freed. Allocated and freed per check,
/// glibc served later checks' 19 MiB from the checking thread's malloc
/// arena and kept it there (its mmap threshold rises to a freed mapping's
/// size), so the server's memory grew by up to ~19–38 MiB for every thread
/// that ever checked a password: 410–746 MB peak under 50 senders. The
/// pool holds at most as many buffers as checks ran at once (the password
/// gate bounds that: `max_concurrent_password_checks`).
struct Memory(Vec<Block>);

static POOL: Mutex<Vec<Vec<Block>>> = Mutex::new(Vec::new());

impl Memory {
    fn take() -> Memory {
        Memory(
            POOL.lock()
                .ok()
                .and_then(|mut p| p.pop())
                .unwrap_or_default(),
        )
    }
}

impl Drop for Memory {
    fn drop(&mut self) {
        if let Ok(mut pool) = POOL.lock() {
            pool.push(std::mem::take(&mut self.0));
        }
    }
}

/// Whether `password` matches the PHC string `hash`, computed as
/// `argon2`'s `verify_password` does (same algorithm, version, parameters
/// and salt from the string; outputs compared in constant time) but in
/// `memory`. Any malformed part of the string is a mismatch.
fn verify(password: &[u8], hash: &str, memory: &mut Vec<Block>) -> bool {
    let Ok(hash) = PasswordHash::new(hash) else {
        return false;
    };
    let (Some(expected), Some(salt)) = (hash.hash, hash.salt) else {
        return false;
    };
    let (Ok(params), Ok(algorithm)) =
        (Params::try_from(&hash), Algorithm::try_from(hash.algorithm))
    else {
        return false;
    };
    let Ok(version) = hash.version.map(Version::try_from).transpose() else {
        return false;
    };
    let mut salt_bytes = [0u8; 64];
    let Ok(salt) = salt.decode_b64(&mut salt_bytes) else {
        return false;
    };
    memory.resize(params.block_count(), Block::default());
    let argon = Argon2::new(algorithm, version.unwrap_or_default(), params);
    Output::init_with(expected.len(), |out| {
        argon
            .hash_password_into_with_memory(password, salt, out, &mut memory[..])
            .map_err(|_| argon2::password_hash::Error::Password)
    })
    .is_ok_and(|computed| computed == expected)
}

/// Consonants and vowels that are hard to mishear on the phone, in German
/// as in English (no c/q/v/x/y/j/h: ambiguous or silent).
const CONSONANTS: &[u8; 14] = b"bdfgklmnprstwz";
const VOWELS: &[u8; 5] = b"aeiou";
/// Syllables (consonant + vowel) per word, and words per passphrase.
const SYLLABLES: usize = 3;
const WORDS: usize = 3;

/// Bits of entropy of a [`generate`]d passphrase (≈ 55).
pub fn generated_bits() -> f64 {
    ((CONSONANTS.len() * VOWELS.len()) as f64).log2() * (SYLLABLES * WORDS) as f64
}

/// A passphrase a secretary can read out on the phone: three made-up
/// words of three syllables each, joined by hyphens (`kabire-tomusa-
/// wunifo`), about 55 bits, from the operating system's randomness.
pub fn generate() -> Result<String, PasswordError> {
    let per = CONSONANTS.len() * VOWELS.len();
    let mut words = Vec::with_capacity(WORDS);
    for _ in 0..WORDS {
        let mut word = String::with_capacity(2 * SYLLABLES);
        for _ in 0..SYLLABLES {
            // Rejection sampling: a uniform syllable from a random u16.
            let n = loop {
                let mut b = [0u8; 2];
                getrandom::fill(&mut b).map_err(|_| PasswordError::Random)?;
                let n = usize::from(u16::from_le_bytes(b));
                if n < (65536 / per) * per {
                    break n % per;
                }
            };
            word.push(char::from(CONSONANTS[n / VOWELS.len()]));
            word.push(char::from(VOWELS[n % VOWELS.len()]));
        }
        words.push(word);
    }
    Ok(words.join("-"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_passwords_are_speakable_and_strong() {
        assert!(generated_bits() >= 50.0, "{}", generated_bits());
        let a = generate().unwrap();
        let b = generate().unwrap();
        assert_ne!(a, b);
        assert_eq!(a.len(), 3 * 6 + 2, "{a}");
        assert!(a
            .split('-')
            .all(|w| w.len() == 6 && w.bytes().all(|c| c.is_ascii_lowercase())));
    }

    #[test]
    fn the_reused_memory_verifies_as_argon2_does() {
        use argon2::password_hash::PasswordVerifier;
        let salt = SaltString::encode_b64(&[7u8; 16]).unwrap();
        let hash = Argon2::default()
            .hash_password(b"right password", &salt)
            .unwrap()
            .to_string();
        // The memory keeps the previous check's state: each must be right.
        let mut memory = Vec::new();
        for (password, right) in [
            ("right password", true),
            ("wrong password", false),
            ("right password", true),
        ] {
            let theirs = Argon2::default()
                .verify_password(password.as_bytes(), &PasswordHash::new(&hash).unwrap())
                .is_ok();
            assert_eq!(theirs, right);
            assert_eq!(verify(password.as_bytes(), &hash, &mut memory), right);
        }
        // Malformed strings are mismatches.
        assert!(!verify(b"right password", "not a hash", &mut memory));
        assert!(!verify(
            b"right password",
            &hash[..hash.len() - 4],
            &mut memory
        ));
        // Sequential checks share one buffer.
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("db")).unwrap();
        add(&store, "correct horse battery", None).unwrap();
        for _ in 0..3 {
            assert!(check(&store, "correct horse battery", now()).unwrap());
        }
        assert!(POOL.lock().unwrap().len() <= 2);
    }

    #[test]
    fn add_check_expire_remove() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("db")).unwrap();
        assert!(!check(&store, "anything-at-all", now()).unwrap());
        assert!(matches!(
            add(&store, "short", None),
            Err(PasswordError::Length)
        ));
        let a = add(&store, "correct horse battery", None).unwrap();
        let b = add(&store, "old password 2026", Some(now() + 60)).unwrap();
        assert!(check(&store, "correct horse battery", now()).unwrap());
        assert!(check(&store, "old password 2026", now()).unwrap());
        assert!(!check(&store, "old password 2026", now() + 61).unwrap());
        assert!(!check(&store, "wrong", now()).unwrap());
        let listed = list(&store).unwrap();
        assert_eq!(listed.iter().map(|p| p.id).collect::<Vec<_>>(), vec![a, b]);
        assert!(remove(&store, a).unwrap());
        assert!(!remove(&store, a).unwrap());
        assert!(!check(&store, "correct horse battery", now()).unwrap());
        // The stored hash is Argon2id, never the password.
        let hash: String = store
            .query_opt("SELECT hash FROM passwords", params![])
            .unwrap()
            .unwrap();
        assert!(hash.starts_with("$argon2id$"));
    }
}
