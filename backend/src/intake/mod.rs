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

mod error;
mod receive;

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use mailslot_shared::envelope::{envelope_len, Header, MIN_RECORD_SIZE};
use mailslot_shared::wire::{UploadKind, UploadMetadata, UploadState};
use rusqlite::{params, OptionalExtension};
use serde::Serialize;

pub use error::IntakeError;

use crate::config::Config;
use crate::forward::Forwarder;
use crate::keys::{random32, Keyring};
use crate::mailbox::{committed_bytes, Layout};
use crate::secret::ServerSecret;
use crate::session::Session;
use crate::store::{now, Store, StoreError};

type Result<T, E = IntakeError> = std::result::Result<T, E>;

/// How long closing a session waits for an upload being finished.
pub const CLOSE_WAIT: std::time::Duration = std::time::Duration::from_secs(60);

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
}

impl Limits {
    /// The limits of `config`.
    pub fn of(config: &Config) -> Self {
        Limits {
            max_file_bytes: config.max_file_bytes,
            max_session_bytes: config.max_session_bytes,
            quota_bytes: config.quota_bytes,
            upload_expiry_hours: config.upload_expiry_hours,
            reservation_idle_secs: config.reservation_idle_secs,
            max_uploads_in_flight: config.max_uploads_in_flight,
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

/// Ends every upload still receiving past its expiry at time `at` and
/// removes its partial plaintext (housekeeping calls this); returns how
/// many were ended. Each is written to the audit log.
pub fn expire_due(store: &Store, layout: &Layout, at: i64) -> Result<usize, StoreError> {
    let expired: Vec<String> = {
        let conn = store.conn()?;
        let mut stmt =
            conn.prepare("SELECT id FROM uploads WHERE state = ?1 AND expires_at < ?2")?;
        let rows = stmt.query_map(params![UploadState::Receiving.as_str(), at], |r| r.get(0))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    for id in &expired {
        let _ = std::fs::remove_file(layout.part(id));
        store.conn()?.execute(
            "UPDATE uploads SET state = ?1, code = ?1 WHERE id = ?2 AND state = ?3",
            params![
                UploadState::Expired.as_str(),
                id,
                UploadState::Receiving.as_str()
            ],
        )?;
        store.audit("upload-expired", &format!("upload={id}"))?;
    }
    Ok(expired.len())
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
}

/// A stored vocabulary word (`UploadState`, `UploadKind`) read back.
fn word<T>(s: String, parse: fn(&str) -> Option<T>) -> rusqlite::Result<T> {
    parse(&s).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, s.into())
    })
}

fn state_of(s: String) -> rusqlite::Result<UploadState> {
    word(s, UploadState::parse)
}

fn kind_of(s: String) -> rusqlite::Result<UploadKind> {
    word(s, UploadKind::parse)
}

/// Marks an upload busy for the duration of one request.
struct BusyGuard<'a>(&'a Mutex<HashSet<String>>, String);

impl Drop for BusyGuard<'_> {
    fn drop(&mut self) {
        if let Ok(mut b) = self.0.lock() {
            b.remove(&self.1);
        }
    }
}

impl Intake {
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
        }
    }

    /// At start-up: finishes every upload whose bytes are all in but whose
    /// verdict a crash kept from being recorded (its object may already be
    /// in the spool). Returns how many were finished.
    pub fn recover(&self) -> Result<usize> {
        let pending: Vec<(String, String, String)> = {
            let conn = self.store.conn()?;
            let mut stmt = conn.prepare(
                "SELECT u.id, s.id, s.reference FROM uploads u JOIN sessions s ON s.id = u.session_id
                 WHERE u.state = ?1 AND u.header IS NOT NULL AND u.offset >= u.length",
            )?;
            let rows = stmt.query_map(params![UploadState::Receiving.as_str()], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        for (id, session_id, reference) in &pending {
            let session = Session {
                id: session_id.clone(),
                reference: reference.clone(),
                consent_version: String::new(),
                consent_at: 0,
                finalized: false,
            };
            let mut u = self.find(&session, id)?;
            if let Some(header) = Self::stored_header(&u)? {
                self.finish(&session, &mut u, &header)?;
                self.store.audit(
                    "upload-recovered",
                    &format!("upload={id} verdict={}", u.state),
                )?;
            }
        }
        Ok(pending.len())
    }

    /// Largest envelope a file of the maximum size produces.
    pub fn max_envelope(&self) -> u64 {
        envelope_len(self.limits.max_file_bytes, MIN_RECORD_SIZE)
    }

    /// Creates an upload of `length` envelope bytes, or finds the one the
    /// same file created before (a reloaded page). Returns its id and expiry.
    pub fn create(
        &self,
        session: &Session,
        meta: UploadMetadata,
        length: u64,
    ) -> Result<(String, i64)> {
        if session.finalized {
            return Err(IntakeError::SessionFinished);
        }
        if length > self.max_envelope() {
            return Err(IntakeError::FileTooLarge);
        }
        let file_id = meta.file_id.to_hex();
        let conn = self.store.conn()?;
        if let Some(found) = conn
            .query_row(
                "SELECT id, expires_at FROM uploads WHERE session_id = ?1 AND file_id = ?2 AND length = ?3",
                params![session.id, file_id, length as i64],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?
        {
            return Ok(found);
        }
        // Everything the session sent or announced counts, refused files
        // too: a session cannot make the server open and check more than
        // its limit by sending what will be refused.
        let total: i64 = conn.query_row(
            "SELECT COALESCE(SUM(length), 0) FROM uploads WHERE session_id = ?1",
            params![session.id],
            |r| r.get(0),
        )?;
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
        drop(conn);
        if committed_bytes(&self.store, active_since)? + length > self.limits.quota_bytes {
            self.store.audit(
                "mailbox-full",
                &format!("session={} upload-bytes={length}", session.id),
            )?;
            return Err(IntakeError::MailboxFull);
        }
        let id = hex::encode(&random32()?[..16]);
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
        Ok((id, expires))
    }

    /// The upload `id` of `session`.
    pub fn find(&self, session: &Session, id: &str) -> Result<Upload> {
        self.store
            .conn()?
            .query_row(
                "SELECT id, file_id, kind, length, offset, header, state, code, expires_at
                 FROM uploads WHERE id = ?1 AND session_id = ?2",
                params![id, session.id],
                |r| {
                    Ok(Upload {
                        id: r.get(0)?,
                        file_id: r.get(1)?,
                        kind: kind_of(r.get(2)?)?,
                        length: r.get::<_, i64>(3)? as u64,
                        offset: r.get::<_, i64>(4)? as u64,
                        header: r.get(5)?,
                        state: state_of(r.get(6)?)?,
                        code: r.get(7)?,
                        expires_at: r.get(8)?,
                    })
                },
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
        Ok(BusyGuard(&self.busy, id.to_owned()))
    }

    /// Ends an unfinished upload at the sender's request (tus termination).
    pub fn terminate(&self, session: &Session, id: &str) -> Result<()> {
        let _guard = self.claim(id)?;
        let u = self.find(session, id)?;
        if u.state.is_final() {
            return Err(IntakeError::UploadFinished);
        }
        self.remove_part(&u.id);
        self.store.conn()?.execute(
            "UPDATE uploads SET state = ?1 WHERE id = ?2",
            params![UploadState::Terminated.as_str(), u.id],
        )?;
        Ok(())
    }

    /// Closes a session's intake at its submission: uploads still receiving
    /// end as `incomplete` (their partial plaintext is removed); returns
    /// every upload of the session in the order created.
    ///
    /// An upload a request is finishing right now is waited for (at most
    /// [`CLOSE_WAIT`]): its verdict, not `incomplete`, goes on the receipt.
    /// The busy set is held while marking, so no PATCH starts meanwhile.
    pub fn close(&self, session: &Session) -> Result<Vec<FileRecord>> {
        let deadline = std::time::Instant::now() + CLOSE_WAIT;
        let _busy = loop {
            let busy = self
                .busy
                .lock()
                .map_err(|_| IntakeError::Internal("lock-poisoned"))?;
            let receiving: Vec<String> = {
                let conn = self.store.conn()?;
                let mut stmt =
                    conn.prepare("SELECT id FROM uploads WHERE session_id = ?1 AND state = ?2")?;
                let rows = stmt
                    .query_map(params![session.id, UploadState::Receiving.as_str()], |r| {
                        r.get(0)
                    })?;
                rows.collect::<rusqlite::Result<_>>()?
            };
            if !receiving.iter().any(|id| busy.contains(id))
                || std::time::Instant::now() >= deadline
            {
                break busy;
            }
            drop(busy);
            std::thread::sleep(std::time::Duration::from_millis(50));
        };
        let files: Vec<FileRecord> = {
            let mut conn = self.store.conn()?;
            let tx = conn.transaction()?;
            let incomplete = UploadState::Incomplete.as_str();
            tx.execute(
                "UPDATE uploads SET state = ?1, code = ?1 WHERE session_id = ?2 AND state = ?3",
                params![incomplete, session.id, UploadState::Receiving.as_str()],
            )?;
            let files = {
                let mut stmt = tx.prepare(
                    "SELECT id, kind, state, code, plaintext_len FROM uploads WHERE session_id = ?1 ORDER BY created_at, id",
                )?;
                let rows = stmt.query_map(params![session.id], |r| {
                    Ok(FileRecord {
                        upload: r.get(0)?,
                        kind: kind_of(r.get(1)?)?,
                        state: state_of(r.get(2)?)?,
                        code: r.get(3)?,
                        bytes: r.get(4)?,
                    })
                })?;
                rows.collect::<rusqlite::Result<Vec<_>>>()?
            };
            tx.commit()?;
            files
        };
        for f in files.iter().filter(|f| f.state == UploadState::Incomplete) {
            self.remove_part(&f.upload);
        }
        Ok(files)
    }

    fn remove_part(&self, id: &str) {
        let _ = std::fs::remove_file(self.layout.part(id));
    }

    /// The stored header of `u`, decoded.
    fn stored_header(u: &Upload) -> Result<Option<Header>> {
        u.header
            .as_deref()
            .map(|b| Header::decode(b).map_err(|_| IntakeError::Internal("stored-header-invalid")))
            .transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Flags;

    /// A submission that completes while a final PATCH is being finished
    /// marked the upload `incomplete`, and the finishing PATCH accepted and
    /// forwarded it anyway: the receipt said "incomplete" for an object
    /// the PACS got. `close` now waits for uploads in flight.
    #[test]
    fn closing_waits_for_an_upload_being_finished() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let flags = Flags {
            data_dir: Some(data.clone()),
            ..Flags::default()
        };
        let config = Config::load_from(&flags, |_| None).unwrap();
        let layout = Layout::of(&data);
        layout.create().unwrap();
        let store = Arc::new(Store::open(&data.join("db")).unwrap());
        let keys = Arc::new(Keyring::open(&data.join("keys")).unwrap());
        let secret = ServerSecret::load_or_create(&data.join("secret")).unwrap();
        let forwarder = Forwarder::start(config.clone(), store.clone()).unwrap();
        let intake = Intake::new(
            Limits::of(&config),
            store.clone(),
            keys,
            layout,
            forwarder,
            secret,
        );
        let t = now();
        store
            .conn()
            .unwrap()
            .execute(
                "INSERT INTO sessions (id, token_hash, reference, created_at, last_seen, consent_version, consent_at)
                 VALUES ('s', x'00', 'R', ?1, ?1, '1', ?1)",
                params![t],
            )
            .unwrap();
        store
            .conn()
            .unwrap()
            .execute(
                "INSERT INTO uploads (id, session_id, file_id, kind, length, state, created_at, expires_at)
                 VALUES ('u', 's', 'f', 'dicom', 100, 'receiving', ?1, ?1)",
                params![t],
            )
            .unwrap();
        let session = Session {
            id: "s".into(),
            reference: "R".into(),
            consent_version: "1".into(),
            consent_at: t,
            finalized: false,
        };
        std::thread::scope(|scope| {
            // A PATCH holds the upload and is finishing it …
            let guard = intake.claim("u").unwrap();
            let closing = scope.spawn(|| intake.close(&session).unwrap());
            std::thread::sleep(std::time::Duration::from_millis(300));
            // … and accepts it (what `finish` writes), then lets go.
            store
                .conn()
                .unwrap()
                .execute(
                    "UPDATE uploads SET state = 'accepted' WHERE id = 'u' AND state = 'receiving'",
                    [],
                )
                .unwrap();
            drop(guard);
            let files = closing.join().unwrap();
            assert_eq!(files.len(), 1);
            assert_eq!(files[0].state, UploadState::Accepted, "{files:?}");
        });
    }
}
