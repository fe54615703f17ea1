//! Upload sessions in the database: what a bearer token stands for, and the
//! idle and absolute expiry every authenticated call checks. The HTTP side
//! (password exchange, lockout, preflight) is `server::session`.

use crate::params;
use crate::store::{OptionalExtension, Sql};
use sha2::{Digest, Sha256};

use crate::config::Config;
use crate::store::{now, Store, StoreError};

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
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
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
