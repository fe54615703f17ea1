//! Receiving an upload's bytes and deciding its verdict.
//!
//! Records are opened as they arrive. The offset advances only over whole
//! records that authenticated and whose plaintext was fsynced; bytes of a
//! partial record at the end of a `PATCH` are dropped and the sender
//! resumes from the returned offset. A record that fails to authenticate
//! ends the upload (`decrypt-failed`). When the last record is in, the
//! whole plaintext is checked with the shared acceptance rules, streaming;
//! an accepted object is moved into the spool and queued for forwarding in
//! one transaction before the verdict is returned. A letter's verdict is
//! `letters.rs`.
//!
//! A request's progress (its header, its new offset) is written with the
//! request's last database write, in one transaction: a small file sent in
//! one `PATCH` costs one commit (one fsync of the database's log) instead
//! of four. Until then the database holds the previous offset; the part
//! file is cut back to it whenever the upload goes on.

use std::fs::{File, OpenOptions};
use std::io::{BufReader, Seek, SeekFrom, Write};

use crate::params;
use crate::store::Sql;
use mailslot_shared::dicom::{inspect_reader, Limits, Verdict};
use mailslot_shared::envelope::{Header, Opener, HEADER_LEN};
use mailslot_shared::wire::{UploadKind, UploadState};

use super::{Intake, IntakeError, Received, Result, Upload};
use crate::clock::now;
use crate::durable;
use crate::session::Session;
use crate::store::audit_in;

impl Intake {
    /// Opens the records in `data` (which starts at the sender's
    /// `client_offset`), appends their plaintext durably and advances the
    /// offset; finishes the upload when the last record is in — but for a
    /// photo letter, whose page is made off this thread
    /// ([`Received::Photo`]). Blocking.
    pub fn receive(
        &self,
        session: &Session,
        id: &str,
        client_offset: u64,
        data: &[u8],
    ) -> Result<Received> {
        let _guard = self.claim(id)?;
        let mut u = self.find(session, id)?;
        if u.state.is_final() {
            return Err(IntakeError::UploadFinished);
        }
        if client_offset != u.offset {
            return Err(IntakeError::OffsetMismatch);
        }
        let mut data = data;
        let header = match Self::stored_header(&u)? {
            Some(header) => header,
            None => {
                let Some(head) = data.get(..HEADER_LEN) else {
                    // Not even the header yet: nothing to keep.
                    return Ok(Received::Upload(u));
                };
                let header = self.check_header(session, &mut u, head)?;
                data = &data[HEADER_LEN..];
                header
            }
        };
        if u.offset >= header.envelope_len() {
            // Every record is in: a crash came between moving the object
            // and recording its verdict. Finish it (from the spool, if it
            // is there already); there is nothing to receive.
            if !data.is_empty() {
                return Err(self.fail(&u, IntakeError::DecryptFailed));
            }
            return self.finish(session, u, &header);
        }
        let key = self
            .keys
            .get(&header.kid)
            .ok_or_else(|| self.fail(&u, IntakeError::UnknownKey))?;
        let mut opener = Opener::new(header.clone(), &key)
            .map_err(|_| self.fail(&u, IntakeError::DecryptFailed))?;
        let done = header.records_before(u.offset);
        opener
            .resume_at(done)
            .map_err(|_| IntakeError::Internal("offset-inconsistent"))?;

        let mut part = OpenOptions::new()
            .write(true)
            .open(self.layout.part(&u.id))?;
        // Drop plaintext written after the last recorded offset (a crash
        // between write and database update).
        part.set_len(header.plaintext_before(u.offset))?;
        part.seek(SeekFrom::End(0))?;
        let mut offset = u.offset;
        // One buffer for every record of the request (a record at most).
        let mut plain = Vec::new();
        while let Some(n) = opener.next_record_len() {
            let Some(rec) = data.get(..n) else { break };
            plain.clear();
            opener
                .open_next_into(rec, &mut plain)
                .map_err(|_| self.fail(&u, IntakeError::DecryptFailed))?;
            part.write_all(&plain)?;
            crate::metrics::count(|m| m.received_bytes.inc_by(plain.len() as u64));
            data = &data[n..];
            offset += n as u64;
        }
        if !data.is_empty() && opener.is_done() {
            return Err(self.fail(&u, IntakeError::DecryptFailed));
        }
        part.sync_all()?;
        drop(part);
        u.offset = offset;
        if opener.is_done() {
            // The rename into the spool makes both folders durable.
            return self.finish(session, u, &header);
        }
        // The part file's name, before its offset is recorded.
        durable::sync_dir(&self.layout.uploads)?;
        save_progress(&*self.store.conn()?, &mut u)?;
        Ok(Received::Upload(u))
    }

    /// Checks the envelope header against the upload and the server, and
    /// starts an empty part file; the header is recorded with the request's
    /// progress.
    fn check_header(&self, session: &Session, u: &mut Upload, head: &[u8]) -> Result<Header> {
        let header = Header::decode(head).map_err(|_| self.fail(u, IntakeError::BadEnvelope))?;
        if header.session_id.to_hex() != session.id
            || header.file_id.to_hex() != u.file_id
            || header.envelope_len() != u.length
        {
            return Err(self.fail(u, IntakeError::BadEnvelope));
        }
        if header.plaintext_len > self.limits.max_file_bytes {
            return Err(self.fail(u, IntakeError::FileTooLarge));
        }
        if self.keys.get(&header.kid).is_none() {
            return Err(self.fail(u, IntakeError::UnknownKey));
        }
        // Made durable with its first bytes (`receive`): most files arrive
        // in one request and go straight into the spool.
        durable::create_private(&self.layout.part(&u.id))?;
        u.header = Some(head.to_vec());
        u.offset = HEADER_LEN as u64;
        Ok(header)
    }

    /// Ends an upload as `failed` with `err`'s code; removes its plaintext.
    pub(super) fn fail(&self, u: &Upload, err: IntakeError) -> IntakeError {
        self.remove_part(&u.id);
        let code = err.code().as_str();
        let marked = self.store.conn().map(|c| {
            c.execute(
                "UPDATE uploads SET state = ?1, code = ?2 WHERE id = ?3",
                params![UploadState::Failed.as_str(), code, u.id],
            )
        });
        if !matches!(marked, Ok(Ok(_))) {
            tracing::error!(upload = %u.id, code, "could not record a failed upload");
        }
        count_verdict(UploadState::Failed);
        let _ = self
            .store
            .audit("upload-failed", &format!("upload={} code={code}", u.id));
        err
    }

    /// Checks the complete plaintext and commits or refuses it; a photo
    /// letter comes back as a [`PhotoJob`] (its page is made off this
    /// thread, then [`Intake::finish_photo`] records the verdict).
    pub(super) fn finish(
        &self,
        session: &Session,
        mut u: Upload,
        header: &Header,
    ) -> Result<Received> {
        if u.kind == UploadKind::Letter {
            return self.finish_letter(session, u, header);
        }
        self.finish_object(session, &mut u, header)?;
        Ok(Received::Upload(u))
    }

    /// A DICOM object: the rules, the duplicate claim, the spool and the
    /// queue.
    fn finish_object(&self, session: &Session, u: &mut Upload, header: &Header) -> Result<()> {
        let part = self.layout.part(&u.id);
        let len = header.plaintext_len;
        let limits = Limits {
            max_file_size: self.limits.max_file_bytes,
        };
        // After a crash between the spool rename and the commit, the file is
        // already in the spool; finishing again reads it from there.
        let spooled = self.layout.spooled(&u.id);
        let source = if part.exists() { &part } else { &spooled };
        let verdict = inspect_reader(
            BufReader::with_capacity(256 * 1024, File::open(source)?),
            len,
            len,
            &limits,
        );
        let summary = match verdict {
            Verdict::Rejected(r) => {
                self.remove_part(&u.id);
                self.set_verdict(u, UploadState::Rejected, Some(r.code.code()), None, len)?;
                return Ok(());
            }
            Verdict::Accepted(s) => s,
        };
        // Keyed: the database alone cannot confirm a guessed UID.
        let hash = self.secret.keyed(
            "mailslot instance v1",
            &[session.id.as_bytes(), summary.sop_instance_uid.as_bytes()],
        );
        // Claim the SOP Instance UID for this session, move the file into
        // the spool and queue it, all in one transaction: two uploads of
        // the same instance finishing together cannot both be accepted,
        // and nothing is queued whose file is not in the spool.
        let accepted = {
            let saved_before = u.saved_offset;
            let mut conn = self.store.conn()?;
            let tx = conn.transaction()?;
            save_progress(&tx, u)?;
            // Closed meanwhile (the submission gave up waiting): the
            // receipt said incomplete, so the object is not kept.
            let state: String = tx.query_row(
                "SELECT state FROM uploads WHERE id = ?1",
                params![u.id],
                |r| r.get(0),
            )?;
            if state != UploadState::Receiving.as_str() {
                drop(tx);
                drop(conn);
                self.remove_part(&u.id);
                u.state = UploadState::parse(&state).unwrap_or(UploadState::Incomplete);
                return Ok(());
            }
            // Two uploads of one instance finishing at once (two requests,
            // two nodes): the unique index `uploads_one_accepted_instance`
            // lets only the first accept it; the other is a duplicate.
            let claimed = tx.execute(
                "UPDATE uploads SET state = ?5, code = NULL, instance_hash = ?1, plaintext_len = ?2
                 WHERE id = ?3 AND state = ?6 AND NOT EXISTS (SELECT 1 FROM uploads WHERE session_id = ?4
                 AND instance_hash = ?1 AND state = ?5)",
                params![
                    hash,
                    len as i64,
                    u.id,
                    session.id,
                    UploadState::Accepted.as_str(),
                    UploadState::Receiving.as_str()
                ],
            );
            let claimed = match claimed {
                Err(e) if e.is_unique_violation() => 0,
                other => other?,
            };
            if claimed == 1 {
                // A retry after a crash finds the file already moved.
                if part.exists() || !spooled.exists() {
                    durable::rename(&part, &spooled)?;
                }
                crate::forward::queue::enqueue(&tx, &u.id, &session.id, now(), self.limits.hold)?;
                audit_verdict(&tx, u, UploadState::Accepted, None, len)?;
                tx.commit()?;
            }
            if claimed != 1 {
                // Rolled back with the transaction.
                u.saved_offset = saved_before;
            }
            claimed == 1
        };
        if !accepted {
            self.remove_part(&u.id);
            self.set_verdict(u, UploadState::Duplicate, None, Some(&hash), len)?;
            return Ok(());
        }
        u.state = UploadState::Accepted;
        u.code = None;
        count_verdict(UploadState::Accepted);
        // For staff (`mailslot submissions show`), beside the sender's
        // record; a failure here loses no image, so it is only logged.
        let record = crate::casefile::ObjectRecord::of(&u.id, &summary);
        if let Err(e) =
            crate::casefile::record_object(&self.store, &self.layout, &session.reference, &record)
        {
            tracing::error!(upload = %u.id, error = %e, "cannot record an accepted object for staff");
        }
        self.forwarder.wake();
        Ok(())
    }

    /// Records `verdict` for `u`, with the request's progress, in one
    /// transaction — only while `u` is still receiving: a submission that
    /// closed it meanwhile reported it incomplete, and so it stays. Returns
    /// whether it was recorded (else `u` has the state the database holds).
    pub(super) fn set_verdict(
        &self,
        u: &mut Upload,
        verdict: UploadState,
        code: Option<&str>,
        hash: Option<&str>,
        plaintext_len: u64,
    ) -> Result<bool> {
        let saved_before = u.saved_offset;
        let mut conn = self.store.conn()?;
        let tx = conn.transaction()?;
        save_progress(&tx, u)?;
        let settled = tx.execute(
            "UPDATE uploads SET state = ?1, code = ?2, instance_hash = ?3, plaintext_len = ?4 WHERE id = ?5 AND state = ?6",
            params![
                verdict.as_str(),
                code,
                hash,
                plaintext_len as i64,
                u.id,
                UploadState::Receiving.as_str()
            ],
        )?;
        if settled == 0 {
            let state: String = tx.query_row(
                "SELECT state FROM uploads WHERE id = ?1",
                params![u.id],
                |r| r.get(0),
            )?;
            // Rolled back with the transaction.
            u.saved_offset = saved_before;
            u.state = UploadState::parse(&state).unwrap_or(UploadState::Incomplete);
            return Ok(false);
        }
        audit_verdict(&tx, u, verdict, code, plaintext_len)?;
        tx.commit()?;
        count_verdict(verdict);
        u.state = verdict;
        u.code = code.map(str::to_owned);
        Ok(true)
    }
}

fn count_verdict(verdict: UploadState) {
    crate::metrics::count(|m| m.uploads.with_label_values(&[verdict.as_str()]).inc());
}

/// Writes the progress of `u` the database does not hold yet: its header
/// (when this request brought it) and its offset.
fn save_progress(conn: &impl Sql, u: &mut Upload) -> Result<()> {
    if u.offset == u.saved_offset {
        return Ok(());
    }
    let header = if u.saved_offset == 0 {
        u.header.clone()
    } else {
        None
    };
    let kid = match &header {
        Some(h) => Some(
            Header::decode(h)
                .map_err(|_| IntakeError::Internal("stored-header-invalid"))?
                .kid
                .to_hex(),
        ),
        None => None,
    };
    conn.execute(
        "UPDATE uploads SET \"offset\" = ?1, last_progress = ?2, header = COALESCE(?3, header), kid = COALESCE(?4, kid)
         WHERE id = ?5 AND \"offset\" = ?6",
        params![u.offset as i64, now(), header, kid, u.id, u.saved_offset as i64],
    )?;
    u.saved_offset = u.offset;
    Ok(())
}

/// The audit event of an upload's verdict.
fn audit_verdict(
    conn: &impl Sql,
    u: &Upload,
    verdict: UploadState,
    code: Option<&str>,
    plaintext_len: u64,
) -> Result<()> {
    audit_in(
        conn,
        "upload-finished",
        &format!(
            "upload={} verdict={verdict} code={} bytes={plaintext_len}",
            u.id,
            code.unwrap_or("-")
        ),
    )?;
    Ok(())
}
