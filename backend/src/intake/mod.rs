//! Intake: the lifecycle of every upload, from creation to its verdict,
//! and the only code that writes the `uploads` table.
//!
//! ```text
//! create ──→ receiving ──(records opened, fsynced)──→ finish
//!                │                                     ├─ letter → inbox/<ref>/letters
//!                │                                     ├─ rules refuse → rejected
//!                │                                     ├─ same instance → duplicate
//!                │                                     └─ accepted: spool + forward queue
//!                ├─ bad header / record → failed        (one transaction)
//!                ├─ sender ends it → terminated
//!                ├─ submission completed first → incomplete
//!                └─ expiry (retention) → expired
//! ```
//!
//! Dependencies are explicit ([`Intake::new`]): the limits, the database,
//! the key ring, the mailbox layout and the forwarder to wake. HTTP parsing
//! and replies are `server::tus`; errors are [`IntakeError`].

pub(crate) mod end;
mod error;
mod letters;
mod made;
mod receive;
#[cfg(test)]
mod tests;

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use crate::params;
use crate::store::{OptionalExtension, Sql, StoreError};
use mailslot_shared::envelope::{envelope_len, Header, MIN_RECORD_SIZE};
use mailslot_shared::wire::{UploadKind, UploadMetadata, UploadState};
use serde::Serialize;

pub use end::{expire_due, files_of, forget_session, CLOSE_WAIT};
pub use error::IntakeError;
pub use letters::{PhotoJob, Received};
pub use made::{Made, PdfSource};

use crate::clock::now;
use crate::config::Config;
use crate::forward::Forwarder;
use crate::keys::Keyring;
use crate::mailbox::{committed_bytes, Layout};
use crate::secret::ServerSecret;
use crate::session::Session;
use crate::store::Store;

type Result<T, E = IntakeError> = std::result::Result<T, E>;

/// The limits intake enforces.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest file (plaintext bytes).
    pub max_file_bytes: u64,
    /// Largest session (plaintext bytes).
    pub max_session_bytes: u64,
    /// The mailbox's quota.
    pub quota_bytes: u64,
    /// Hours an unfinished upload lives.
    pub upload_expiry_hours: u64,
    /// Seconds a reservation lasts without progress.
    pub reservation_idle_secs: u64,
    /// Active unfinished uploads per session.
    pub max_uploads_in_flight: usize,
    /// Accepted objects are held for staff (`mode = "hold"`), not queued
    /// for the archive.
    pub hold: bool,
}

impl Limits {
    /// The limits of `config`.
    pub fn of(config: &Config) -> Self {
        Limits {
            max_file_bytes: config.max_file_bytes,
            max_session_bytes: config.max_session_bytes,
            quota_bytes: config.quota_bytes,
            upload_expiry_hours: config.upload_expiry.as_secs() / 3600,
            reservation_idle_secs: config.reservation_idle.as_secs(),
            max_uploads_in_flight: config.max_uploads_in_flight,
            hold: config.mode == crate::config::Mode::Hold,
        }
    }
}

/// One row of the uploads table.
#[derive(Debug, Clone)]
pub struct Upload {
    /// Opaque id (URL, part and spool file names).
    pub id: String,
    /// The envelope's file id (hex).
    pub file_id: String,
    /// What it carries.
    pub kind: UploadKind,
    /// Envelope length announced at creation.
    pub length: u64,
    /// Envelope bytes received and kept.
    pub offset: u64,
    /// `offset` as the database holds it: a request's progress is written
    /// together with its last write (see `receive`).
    pub(super) saved_offset: u64,
    /// The envelope header, once received.
    pub header: Option<Vec<u8>>,
    /// Its state.
    pub state: UploadState,
    /// Reason code of a refusal or failure.
    pub code: Option<String>,
    /// Unix seconds after which an unfinished upload is ended.
    pub expires_at: i64,
}

impl Upload {
    /// The offset to report: a finished upload has all its bytes.
    pub fn acknowledged_offset(&self) -> u64 {
        if self.state.is_final() {
            self.length
        } else {
            self.offset
        }
    }
}

/// One upload of a completed session, as the submission record lists it.
#[derive(Debug, Clone, Serialize)]
pub struct FileRecord {
    /// Upload id.
    pub upload: String,
    /// What it carried.
    pub kind: UploadKind,
    /// Its final state.
    pub state: UploadState,
    /// Its reason code, if refused.
    pub code: Option<String>,
    /// Plaintext bytes, once known.
    pub bytes: Option<i64>,
}

/// The uploads' lifecycle (see the module docs).
#[derive(Debug)]
pub struct Intake {
    limits: Limits,
    store: Arc<Store>,
    keys: Arc<Keyring>,
    layout: Layout,
    forwarder: Forwarder,
    /// Keys the SOP Instance UID hashes.
    secret: ServerSecret,
    /// Uploads a request is writing right now.
    busy: Mutex<HashSet<String>>,
    /// Photo letters whose page is being made (off the request's thread).
    converting: Arc<Mutex<HashSet<String>>>,
}

/// Bytes that the client of session `?1` has announced and not sent, in
/// uploads still making progress (since `?3`) in any of its sessions
/// (`?2`: the receiving state): what it holds reserved of the mailbox.
pub(crate) const CLIENT_RESERVED: &str = "SELECT CAST(COALESCE(SUM(u.length - u.\"offset\"), 0) AS BIGINT)
     FROM sessions s JOIN uploads u ON u.session_id = s.id
     WHERE s.client = (SELECT client FROM sessions WHERE id = ?1) AND u.state = ?2 AND u.last_progress >= ?3";

/// What a session counts against its limit: every upload's announced
/// length (refused ones too), or what the server kept of it where that is
/// more (a photo letter's page), and the objects the server made for it.
pub(crate) const SESSION_BYTES: &str = "SELECT CAST(COALESCE(SUM(CASE WHEN plaintext_len > length THEN plaintext_len ELSE length END), 0) AS BIGINT)
     FROM uploads WHERE session_id = ?1";

/// A stored vocabulary word (`UploadState`, `UploadKind`) read back.
fn word<T>(s: String, parse: fn(&str) -> Option<T>) -> Result<T, StoreError> {
    parse(&s).ok_or(StoreError::Word(s))
}

fn state_of(s: String) -> Result<UploadState, StoreError> {
    word(s, UploadState::parse)
}

fn kind_of(s: String) -> Result<UploadKind, StoreError> {
    word(s, UploadKind::parse)
}

/// The columns [`upload_of`] reads, in its order.
const UPLOAD_COLUMNS: &str =
    "id, file_id, kind, length, \"offset\", header, state, code, expires_at";

/// An upload's row, selected as [`UPLOAD_COLUMNS`].
fn upload_of(r: &crate::store::Row) -> Result<Upload, StoreError> {
    Ok(Upload {
        id: r.get(0)?,
        file_id: r.get(1)?,
        kind: kind_of(r.get(2)?)?,
        length: r.get::<i64>(3)? as u64,
        offset: r.get::<i64>(4)? as u64,
        saved_offset: r.get::<i64>(4)? as u64,
        header: r.get(5)?,
        state: state_of(r.get(6)?)?,
        code: r.get(7)?,
        expires_at: r.get(8)?,
    })
}

/// Marks an upload busy for the duration of one request: in this process,
/// and (PostgreSQL) for every node, by the upload's advisory lock.
struct BusyGuard<'a>(
    &'a Mutex<HashSet<String>>,
    String,
    #[allow(dead_code)] Option<crate::store::Lock<'a>>,
);

impl Drop for BusyGuard<'_> {
    fn drop(&mut self) {
        if let Ok(mut b) = self.0.lock() {
            b.remove(&self.1);
        }
    }
}

impl Intake {
    /// The forwarder this intake wakes (the desk wakes it after a
    /// take-over or consult).
    pub fn forwarder(&self) -> &Forwarder {
        &self.forwarder
    }

    /// Intake over these parts.
    pub fn new(
        limits: Limits,
        store: Arc<Store>,
        keys: Arc<Keyring>,
        layout: Layout,
        forwarder: Forwarder,
        secret: ServerSecret,
    ) -> Self {
        Intake {
            limits,
            store,
            keys,
            layout,
            forwarder,
            secret,
            busy: Mutex::new(HashSet::new()),
            converting: Arc::default(),
        }
    }

    /// Whether `extra` bytes the server is about to keep for `session`
    /// (a photo letter's page, a document it makes) fit the session's
    /// limit and the mailbox's quota: what the server makes obeys the
    /// limits its senders obey.
    pub fn reserve(&self, session: &Session, extra: u64) -> Result<()> {
        let total: i64 = self
            .store
            .conn()?
            .query_row(SESSION_BYTES, params![session.id], |r| r.get(0))?;
        let max = self.limits.max_session_bytes;
        if total.max(0) as u64 + extra > max + max / 32 {
            return Err(IntakeError::SessionTooLarge);
        }
        self.within_quota(session, extra, "made-bytes")
    }

    /// Whether `bytes` more fit the mailbox's quota now (what it occupies
    /// or has promised: [`committed_bytes`]); a refusal is audited with
    /// `what` naming the bytes.
    fn within_quota(&self, session: &Session, bytes: u64, what: &str) -> Result<()> {
        let active_since = now() - self.limits.reservation_idle_secs as i64;
        if committed_bytes(&self.store, active_since)? + bytes > self.limits.quota_bytes {
            self.store.audit(
                "mailbox-full",
                &format!("session={} {what}={bytes}", session.id),
            )?;
            return Err(IntakeError::MailboxFull);
        }
        Ok(())
    }

    /// Largest envelope a file of the maximum size produces.
    pub fn max_envelope(&self) -> u64 {
        envelope_len(self.limits.max_file_bytes, MIN_RECORD_SIZE)
    }

    /// Creates an upload of `length` envelope bytes, or finds the one the
    /// same file created before (a reloaded page, a retried creation).
    pub fn create(&self, session: &Session, meta: UploadMetadata, length: u64) -> Result<Upload> {
        if session.finalized {
            return Err(IntakeError::SessionFinished);
        }
        if length > self.max_envelope() {
            return Err(IntakeError::FileTooLarge);
        }
        let file_id = meta.file_id.to_hex();
        let conn = self.store.conn()?;
        // A file id is one upload per session (a unique index): the same
        // id with another length can never be created, and saying so is
        // not a server fault a client would retry.
        if let Some(found) = conn
            .query_row(
                &format!(
                    "SELECT {UPLOAD_COLUMNS} FROM uploads WHERE session_id = ?1 AND file_id = ?2"
                ),
                params![session.id, file_id],
                upload_of,
            )
            .optional()?
        {
            if found.length != length {
                return Err(IntakeError::UploadLengthConflict);
            }
            return Ok(found);
        }
        // Everything the session sent or announced counts, refused files
        // too: a session cannot make the server open and check more than
        // its limit by sending what will be refused.
        let total: i64 = conn.query_row(SESSION_BYTES, params![session.id], |r| r.get(0))?;
        let max = self.limits.max_session_bytes;
        if total as u64 + length > max + max / 32 {
            return Err(IntakeError::SessionTooLarge);
        }
        let active_since = now() - self.limits.reservation_idle_secs as i64;
        let in_flight: i64 = conn.query_row(
            "SELECT COUNT(*) FROM uploads WHERE session_id = ?1 AND state = ?2 AND last_progress >= ?3",
            params![session.id, UploadState::Receiving.as_str(), active_since],
            |r| r.get(0),
        )?;
        if in_flight as usize >= self.limits.max_uploads_in_flight {
            return Err(IntakeError::TooManyUploads);
        }
        // What one client (its address, keyed) holds announced and unsent,
        // over all its sessions: at most a session's worth, and never more
        // than half the mailbox, so that no sender fills it with promises
        // (one upload alone is judged by the quota below). Transient: the
        // sender's other uploads make progress, then this one starts.
        let held: i64 = conn.query_row(
            CLIENT_RESERVED,
            params![session.id, UploadState::Receiving.as_str(), active_since],
            |r| r.get(0),
        )?;
        let cap = max.min(self.limits.quota_bytes / 2);
        if held > 0 && held as u64 + length > cap {
            drop(conn);
            self.store.audit(
                "reservations-capped",
                &format!("session={} upload-bytes={length}", session.id),
            )?;
            return Err(IntakeError::TooManyUploads);
        }
        drop(conn);
        self.within_quota(session, length, "upload-bytes")?;
        let id = crate::random::hex_id()?;
        let t = now();
        let expires = t + (self.limits.upload_expiry_hours * 3600) as i64;
        self.store.conn()?.execute(
            "INSERT INTO uploads (id, session_id, file_id, kind, length, state, created_at, expires_at, last_progress)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?7)",
            params![
                id,
                session.id,
                file_id,
                meta.kind.as_str(),
                length as i64,
                UploadState::Receiving.as_str(),
                t,
                expires
            ],
        )?;
        Ok(Upload {
            id,
            file_id,
            kind: meta.kind,
            length,
            offset: 0,
            saved_offset: 0,
            header: None,
            state: UploadState::Receiving,
            code: None,
            expires_at: expires,
        })
    }

    /// The upload `id` of `session`.
    pub fn find(&self, session: &Session, id: &str) -> Result<Upload> {
        self.store
            .conn()?
            .query_row(
                &format!("SELECT {UPLOAD_COLUMNS} FROM uploads WHERE id = ?1 AND session_id = ?2"),
                params![id, session.id],
                upload_of,
            )
            .optional()?
            .ok_or(IntakeError::UploadNotFound)
    }

    /// Claims upload `id` for one request: a second request for the same
    /// upload meanwhile is refused (`upload-busy`).
    fn claim(&self, id: &str) -> Result<BusyGuard<'_>> {
        let mut busy = self
            .busy
            .lock()
            .map_err(|_| IntakeError::Internal("lock-poisoned"))?;
        if !busy.insert(id.to_owned()) {
            return Err(IntakeError::UploadBusy);
        }
        let mut guard = BusyGuard(&self.busy, id.to_owned(), None);
        drop(busy);
        // Another node writing this upload's part file now: the sender
        // retries, and finds the offset that node recorded.
        match self.store.try_lock(crate::store::LockSpace::Upload, id)? {
            Some(lock) => guard.2 = Some(lock),
            None => return Err(IntakeError::UploadBusy),
        }
        Ok(guard)
    }

    /// Removes what an upload that ends unaccepted left: its part file,
    /// and a spooled copy a crash may have left between moving it there and
    /// committing (only accepted uploads keep one).
    fn remove_part(&self, id: &str) {
        let _ = std::fs::remove_file(self.layout.part(id));
        let _ = std::fs::remove_file(self.layout.spooled(id));
    }

    /// The stored header of `u`, decoded.
    fn stored_header(u: &Upload) -> Result<Option<Header>> {
        u.header
            .as_deref()
            .map(|b| Header::decode(b).map_err(|_| IntakeError::Internal("stored-header-invalid")))
            .transpose()
    }
}
