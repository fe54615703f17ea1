//! Upload sessions in the database, and the only code that writes the
//! `sessions` table: a session opened for a consent ([`open`]), what a
//! bearer token stands for and the idle and absolute expiry every
//! authenticated call checks ([`authenticate`]), the sender's announcement
//! ([`announce`]), its end at the submission ([`mark_finalized`]) and its
//! removal after the retention ([`forget`]). The HTTP side (password
//! exchange, lockout, preflight) is `server::session`.

use crate::params;
use crate::store::{OptionalExtension, Sql};
use sha2::{Digest, Sha256};

use crate::clock::now;
use crate::config::Config;
use crate::store::{Store, StoreError, Tx};

/// A valid session, as found from the bearer token.
#[derive(Debug, Clone)]
pub struct Session {
    /// Session id (hex).
    pub id: String,
    /// The reference number the receipt will show.
    pub reference: String,
    /// The privacy statement version consented to.
    pub consent_version: String,
    /// When consent was given (Unix seconds).
    pub consent_at: i64,
    /// Whether the submission was completed.
    pub finalized: bool,
}

/// Why a token does not open a session.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SessionError {
    /// No token, an unknown one, or the session expired.
    #[error("the session has ended")]
    Expired,
    /// No free reference number after five draws (never in practice).
    #[error("no free reference number")]
    NoReference,
    /// The operating system gave no randomness.
    #[error(transparent)]
    Random(#[from] crate::random::NoRandomness),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A session just opened: what the sender's page is told.
#[derive(Debug, Clone)]
pub struct Opened {
    /// The bearer token (a credential: only its hash is kept).
    pub token: String,
    /// Session id (hex).
    pub id: String,
    /// Unix seconds it was opened.
    pub created: i64,
}

/// Opens a session for `client`, who consented to privacy statement
/// `consent_version`: a fresh token, id and reference number (9 random
/// characters; drawn again on the rare collision).
pub fn open(store: &Store, consent_version: &str, client: &str) -> Result<Opened, SessionError> {
    let token = hex::encode(crate::random::bytes32()?);
    let hash = token_hash(&token);
    let id = crate::random::hex_id()?;
    let created = now();
    for _ in 0..5 {
        let mut r = [0u8; 9];
        r.copy_from_slice(&crate::random::bytes32()?[..9]);
        let reference = mailslot_shared::wire::reference_from_random(&r);
        let inserted = store.conn()?.execute(
            "INSERT INTO sessions (id, token_hash, reference, created_at, last_seen, consent_version, consent_at, client)
             VALUES (?1, ?2, ?3, ?4, ?4, ?5, ?4, ?6) ON CONFLICT DO NOTHING",
            params![id, hash, reference, created, consent_version, client],
        )?;
        if inserted == 1 {
            store.audit(
                "session-created",
                &format!("session={id} consent-version={consent_version}"),
            )?;
            return Ok(Opened { token, id, created });
        }
    }
    tracing::error!("no free reference number after 5 tries");
    Err(SessionError::NoReference)
}

/// A client's sessions still open: not completed, within their lifetime
/// (`session_max_hours`) and active within the idle timeout
/// (`session_idle_minutes`) — what [`authenticate`] would still accept.
pub(crate) const OPEN_SESSIONS: &str = "SELECT COUNT(*) FROM sessions
     WHERE client = ?1 AND created_at >= ?2 AND last_seen >= ?3 AND finalized_at IS NULL";

/// How many sessions `client` holds open at `t` (see [`OPEN_SESSIONS`]).
/// An abandoned session stops counting once it idles out: behind one NAT,
/// a few senders who closed their page do not block the next for an hour.
pub fn open_sessions(
    store: &Store,
    config: &Config,
    client: &str,
    t: i64,
) -> Result<i64, StoreError> {
    let born_since = t - config.session_max.as_secs() as i64;
    let seen_since = t - config.session_idle.as_secs() as i64;
    store.conn()?.query_row(
        OPEN_SESSIONS,
        params![client, born_since, seen_since],
        |r| r.get(0),
    )
}

/// Records what the sender announced before the first byte (pre-flight).
pub fn announce(store: &Store, id: &str, files: u64, bytes: u64) -> Result<(), StoreError> {
    store.conn()?.execute(
        "UPDATE sessions SET announced_files = ?1, announced_bytes = ?2 WHERE id = ?3",
        params![files as i64, bytes as i64, id],
    )?;
    Ok(())
}

/// Ends session `id` at its submission, in the submission's transaction.
pub fn mark_finalized(tx: &Tx<'_>, id: &str, at: i64) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE sessions SET finalized_at = ?1 WHERE id = ?2",
        params![at, id],
    )?;
    Ok(())
}

/// Removes session `id`'s row (retention), in the caller's transaction.
pub fn forget(tx: &Tx<'_>, id: &str) -> Result<(), StoreError> {
    tx.execute("DELETE FROM sessions WHERE id = ?1", params![id])?;
    Ok(())
}

/// What the database keeps of a token: its SHA-256.
pub fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// How stale a session's recorded activity may be before a request
/// writes it again (see [`authenticate`]).
pub const LAST_SEEN_RESOLUTION_SECS: i64 = 30;

/// Finds the session of a bearer token, checks its idle and absolute
/// expiry, and marks it active. Blocking.
pub fn authenticate(
    store: &Store,
    config: &Config,
    token: Option<&str>,
) -> Result<Session, SessionError> {
    let token = token.ok_or(SessionError::Expired)?;
    let conn = store.conn()?;
    let row = conn
        .query_row(
            "SELECT id, reference, created_at, last_seen, consent_version, consent_at, finalized_at
             FROM sessions WHERE token_hash = ?1",
            params![token_hash(token)],
            |r| {
                Ok((
                    r.get::<String>(0)?,
                    r.get::<String>(1)?,
                    r.get::<i64>(2)?,
                    r.get::<i64>(3)?,
                    r.get::<String>(4)?,
                    r.get::<i64>(5)?,
                    r.get::<Option<i64>>(6)?,
                ))
            },
        )
        .optional()?;
    let (id, reference, created, last_seen, consent_version, consent_at, finalized) =
        row.ok_or(SessionError::Expired)?;
    let t = now();
    if t > last_seen + config.session_idle.as_secs() as i64
        || t > created + config.session_max.as_secs() as i64
    {
        return Err(SessionError::Expired);
    }
    // Activity is kept to the half minute: a write (and its fsync) per
    // request would cost more than the upload's own bookkeeping, and the
    // idle timeout is counted in minutes.
    if t - last_seen >= LAST_SEEN_RESOLUTION_SECS {
        conn.execute(
            "UPDATE sessions SET last_seen = ?1 WHERE id = ?2",
            params![t, id],
        )?;
    }
    Ok(Session {
        id,
        reference,
        consent_version,
        consent_at,
        finalized: finalized.is_some(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Flags;

    /// Sessions counted against `max_sessions_per_client` were every one
    /// opened in the last hour and not completed: behind one NAT, 20
    /// senders who gave up blocked everyone at that address for an hour.
    /// Now only sessions that could still be used count: active within
    /// the idle timeout, within their lifetime, not completed.
    #[test]
    fn sessions_idle_past_the_timeout_no_longer_count() {
        let dir = tempfile::tempdir().unwrap();
        let flags = Flags {
            data_dir: Some(dir.path().join("data")),
            ..Flags::default()
        };
        let config = Config::load_from(&flags, |_| None).unwrap();
        let store = Store::open(&dir.path().join("db")).unwrap();
        let t = now();
        let idle = config.session_idle.as_secs() as i64;
        assert!(
            idle + 120 < 3600,
            "the test needs an idle timeout under an hour"
        );
        // (id, client, created, last seen, completed)
        let rows: [(&str, &str, i64, i64, Option<i64>); 5] = [
            ("active", "c", t - 600, t - 60, None),
            ("idled-out", "c", t - idle - 100, t - idle - 1, None),
            ("completed", "c", t - 300, t - 10, Some(t - 10)),
            (
                "too-old",
                "c",
                t - config.session_max.as_secs() as i64 - 1,
                t,
                None,
            ),
            ("elsewhere", "d", t - 600, t - 60, None),
        ];
        for (n, (id, client, created, seen, done)) in rows.into_iter().enumerate() {
            store
                .conn()
                .unwrap()
                .execute(
                    "INSERT INTO sessions (id, token_hash, reference, created_at, last_seen,
                         consent_version, consent_at, client, finalized_at)
                     VALUES (?1, ?2, ?1, ?3, ?4, '1', ?3, ?5, ?6)",
                    params![id, vec![n as u8], created, seen, client, done],
                )
                .unwrap();
        }
        assert_eq!(open_sessions(&store, &config, "c", t).unwrap(), 1);
        assert_eq!(open_sessions(&store, &config, "d", t).unwrap(), 1);
    }
}
