//! How uploads end other than by their verdict: the sender terminates one,
//! the submission closes the session, an unfinished one expires, or a
//! crash left one between spooling and its verdict (recovered at start-up);
//! and how their rows end: forgotten with their session past the retention.

use crate::params;
use crate::store::Sql;
use mailslot_shared::wire::UploadState;

use super::{kind_of, state_of, FileRecord, Intake, IntakeError, Received, Result};
use crate::mailbox::Layout;
use crate::session::Session;
use crate::store::{LockSpace, Store, StoreError};

/// How long closing a session waits for an upload being finished.
pub const CLOSE_WAIT: std::time::Duration = std::time::Duration::from_secs(60);

/// [`expire_due`]'s query.
pub(crate) const EXPIRED: &str = "SELECT id FROM uploads WHERE state = ?1 AND expires_at < ?2";

/// A session's uploads in the order created.
const FILES_OF: &str = "SELECT id, kind, state, code, plaintext_len FROM uploads
     WHERE session_id = ?1 ORDER BY created_at, id";

fn file_record(r: &crate::store::Row) -> Result<FileRecord, StoreError> {
    Ok(FileRecord {
        upload: r.get(0)?,
        kind: kind_of(r.get(1)?)?,
        state: state_of(r.get(2)?)?,
        code: r.get(3)?,
        bytes: r.get(4)?,
    })
}

/// Every upload of session `session_id` in the order created, as
/// [`Intake::close`] returned them (a receipt given again).
pub fn files_of(store: &Store, session_id: &str) -> Result<Vec<FileRecord>, StoreError> {
    store
        .conn()?
        .query_map(FILES_OF, params![session_id], file_record)
}

/// Ends every upload still receiving past its expiry at time `at` and
/// removes its partial plaintext (housekeeping calls this); returns how
/// many were ended. Each is written to the audit log.
pub fn expire_due(store: &Store, layout: &Layout, at: i64) -> Result<usize, StoreError> {
    let expired: Vec<String> =
        store
            .conn()?
            .query_map(EXPIRED, params![UploadState::Receiving.as_str(), at], |r| {
                r.get(0)
            })?;
    for id in &expired {
        let _ = std::fs::remove_file(layout.part(id));
        let _ = std::fs::remove_file(layout.spooled(id));
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

/// Forgets session `session_id`'s uploads, inside housekeeping's
/// transaction that removes the session past its retention (after its
/// forward queue items, which refer to them); returns how many.
pub fn forget_session(tx: &impl Sql, session_id: &str) -> Result<usize, StoreError> {
    tx.execute(
        "DELETE FROM uploads WHERE session_id = ?1",
        params![session_id],
    )
}

impl Intake {
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
    /// The busy set is held while marking, so no PATCH starts meanwhile here
    /// (one starting on another node finds the upload closed when it
    /// finishes, and removes what it wrote).
    pub fn close(&self, session: &Session) -> Result<Vec<FileRecord>> {
        let deadline = std::time::Instant::now() + CLOSE_WAIT;
        let _busy = loop {
            let busy = self
                .busy
                .lock()
                .map_err(|_| IntakeError::Internal("lock-poisoned"))?;
            let receiving: Vec<String> = self.store.conn()?.query_map(
                "SELECT id FROM uploads WHERE session_id = ?1 AND state = ?2",
                params![session.id, UploadState::Receiving.as_str()],
                |r| r.get(0),
            )?;
            // Busy here, or (several nodes) on another node: its lock is
            // held. Only looked at, not kept: a session may have many.
            let mut elsewhere = false;
            for id in &receiving {
                if self.store.try_lock(LockSpace::Upload, id)?.is_none() {
                    elsewhere = true;
                    break;
                }
            }
            // A photo letter whose page is being made counts as busy.
            let converting = self
                .converting
                .lock()
                .map(|c| receiving.iter().any(|id| c.contains(id)))
                .unwrap_or(false);
            if !(elsewhere || converting || receiving.iter().any(|id| busy.contains(id)))
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
            let files = tx.query_map(FILES_OF, params![session.id], file_record)?;
            tx.commit()?;
            files
        };
        for f in files.iter().filter(|f| f.state == UploadState::Incomplete) {
            self.remove_part(&f.upload);
        }
        Ok(files)
    }

    /// At start-up: finishes every upload whose bytes are all in but whose
    /// verdict a crash kept from being recorded (its object may already be
    /// in the spool). Returns how many were finished.
    pub fn recover(&self) -> Result<usize> {
        let pending: Vec<(String, String, String)> = self.store.conn()?.query_map(
            "SELECT u.id, s.id, s.reference FROM uploads u JOIN sessions s ON s.id = u.session_id
             WHERE u.state = ?1 AND u.header IS NOT NULL AND u.offset >= u.length",
            params![UploadState::Receiving.as_str()],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        for (id, session_id, reference) in &pending {
            let session = Session {
                id: session_id.clone(),
                reference: reference.clone(),
                consent_version: String::new(),
                consent_at: 0,
                finalized: false,
            };
            // Another node may be finishing it right now (several nodes
            // on one database): leave it to that node, and look again only
            // once it is ours, since its verdict may be in meanwhile.
            let finished = {
                let _guard = match self.claim(id) {
                    Err(IntakeError::UploadBusy) => continue,
                    other => other?,
                };
                let u = self.find(&session, id)?;
                if u.state != UploadState::Receiving {
                    continue;
                }
                let Some(header) = Self::stored_header(&u)? else {
                    continue;
                };
                self.finish(&session, u, &header)?
            };
            let u = match finished {
                Received::Upload(u) => u,
                // At start-up: the page is made here and now (it claims
                // the upload again to record the verdict).
                Received::Photo(job) => {
                    let page = crate::photopage::photo_pdf(job.kind, &std::fs::read(&job.part)?);
                    self.finish_photo(&session, job, page)?
                }
            };
            self.store.audit(
                "upload-recovered",
                &format!("upload={id} verdict={}", u.state),
            )?;
        }
        Ok(pending.len())
    }
}
