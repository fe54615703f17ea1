//! Desk sessions: owns `staff_sessions`.
//!
//! A session is a random 32-byte token (the cookie's value), stored only
//! as its SHA-256 (a copy of the database signs no one in), with a CSRF
//! token of its own (32 random bytes) that every form of the session
//! carries. It ends after [`IDLE_SECS`] without a request, after
//! [`MAX_SECS`] in any case, at sign-out, and when the account is removed.

use super::{Role, StaffError};
use crate::params;
use crate::store::{OptionalExtension, Sql, Store, StoreError};

/// A session ends after this long without a request.
pub const IDLE_SECS: i64 = 15 * 60;
/// The page warns this long before the idle end.
pub const WARN_SECS: i64 = 2 * 60;
/// A session ends this long after sign-in, however busy.
pub const MAX_SECS: i64 = 12 * 3600;

/// A signed-in person, as a request finds them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signed {
    /// The account's id.
    pub staff_id: i64,
    /// The account's name (for the page and the audit log).
    pub name: String,
    /// The account's role.
    pub role: Role,
    /// The session's CSRF token: every form carries it, every POST is
    /// checked against it.
    pub csrf: String,
}

fn token_hash(token: &str) -> String {
    hex::encode(crate::session::token_hash(token))
}

/// Opens a session for account `staff_id`; returns (token, CSRF token).
/// Sessions past their end are removed on the way.
pub fn open(store: &Store, staff_id: i64, at: i64) -> Result<(String, String), StaffError> {
    let token = hex::encode(crate::random::bytes32().map_err(|_| StaffError::Random)?);
    let csrf = hex::encode(crate::random::bytes32().map_err(|_| StaffError::Random)?);
    let conn = store.conn()?;
    conn.execute(
        "DELETE FROM staff_sessions WHERE last_seen < ?1 OR created_at < ?2",
        params![at - IDLE_SECS, at - MAX_SECS],
    )?;
    conn.execute(
        "INSERT INTO staff_sessions (token_hash, staff_id, csrf, created_at, last_seen)
         VALUES (?1, ?2, ?3, ?4, ?4)",
        params![token_hash(&token), staff_id, csrf, at],
    )?;
    Ok((token, csrf))
}

/// The person `token` signs in at `at`, if its session has not ended; the
/// request counts as activity (the idle time starts again).
pub fn authenticate(store: &Store, token: &str, at: i64) -> Result<Option<Signed>, StoreError> {
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(None);
    }
    let hash = token_hash(token);
    let conn = store.conn()?;
    let row: Option<(i64, String, String, String, i64, i64)> = conn
        .query_row(
            "SELECT s.staff_id, a.name, a.role, s.csrf, s.created_at, s.last_seen
             FROM staff_sessions s JOIN staff a ON a.id = s.staff_id
             WHERE s.token_hash = ?1",
            params![hash],
            |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            },
        )
        .optional()?;
    let Some((staff_id, name, role, csrf, created_at, last_seen)) = row else {
        return Ok(None);
    };
    let role = Role::parse(&role);
    if last_seen < at - IDLE_SECS || created_at < at - MAX_SECS || role.is_none() {
        conn.execute(
            "DELETE FROM staff_sessions WHERE token_hash = ?1",
            params![hash],
        )?;
        return Ok(None);
    }
    conn.execute(
        "UPDATE staff_sessions SET last_seen = ?2 WHERE token_hash = ?1 AND last_seen < ?2",
        params![hash, at],
    )?;
    Ok(role.map(|role| Signed {
        staff_id,
        name,
        role,
        csrf,
    }))
}

/// Ends the session of `token` (sign-out).
pub fn end(store: &Store, token: &str) -> Result<(), StoreError> {
    store.conn()?.execute(
        "DELETE FROM staff_sessions WHERE token_hash = ?1",
        params![token_hash(token)],
    )?;
    Ok(())
}

/// Whether `given` is `expected`, compared in constant time (the lengths
/// are public: every token is 64 hex digits).
pub fn same_token(given: &str, expected: &str) -> bool {
    let (a, b) = (given.as_bytes(), expected.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_ends_when_idle_at_sign_out_and_with_its_account() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("db")).unwrap();
        let id = super::super::add(&store, "bob", Role::Desk, "long enough pw").unwrap();
        let t = 1_000_000;
        let (token, csrf) = open(&store, id, t).unwrap();
        let s = authenticate(&store, &token, t + 60).unwrap().unwrap();
        assert_eq!(
            (s.name.as_str(), s.role, &s.csrf),
            ("bob", Role::Desk, &csrf)
        );
        // Activity moved the idle end.
        assert!(authenticate(&store, &token, t + 60 + IDLE_SECS - 1)
            .unwrap()
            .is_some());
        // Idle too long: gone, and stays gone.
        let last = t + 60 + IDLE_SECS - 1;
        assert!(authenticate(&store, &token, last + IDLE_SECS + 1)
            .unwrap()
            .is_none());
        assert!(authenticate(&store, &token, last).unwrap().is_none());
        // Sign-out.
        let (token, _) = open(&store, id, t).unwrap();
        end(&store, &token).unwrap();
        assert!(authenticate(&store, &token, t).unwrap().is_none());
        // The account removed.
        let (token, _) = open(&store, id, t).unwrap();
        super::super::remove(&store, "bob").unwrap();
        assert!(authenticate(&store, &token, t).unwrap().is_none());
        // No session lives past its maximum, however busy.
        let id = super::super::add(&store, "eve", Role::Desk, "long enough pw").unwrap();
        let (token, _) = open(&store, id, t).unwrap();
        let mut at = t;
        while at < t + MAX_SECS {
            at += IDLE_SECS - 1;
            let _ = authenticate(&store, &token, at).unwrap();
        }
        assert!(authenticate(&store, &token, at).unwrap().is_none());
        assert!(authenticate(&store, "not a token", t).unwrap().is_none());
    }

    #[test]
    fn tokens_compare_whole() {
        assert!(same_token("abc", "abc"));
        assert!(!same_token("abc", "abd"));
        assert!(!same_token("ab", "abc"));
        assert!(!same_token("", "abc"));
    }
}
