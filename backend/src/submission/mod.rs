//! The submission: what completes a session, and the only code that writes
//! the `submissions` table.
//!
//! [`Submissions::finalize`] ends the session's intake (uploads still
//! receiving become `incomplete`), writes the record staff read
//! (`<inbox>/<reference>/submission.json`, mode 0600), records the
//! submission, opens its case (`case::table`), queues the staff
//! notification and ends the session in one transaction, then makes the cover sheets and wraps the letters into
//! the studies ([`documents`]); the receipt is what it counted
//! ([`Tally`]). A session completed before gets the same receipt again
//! ([`Submissions::receipt_again`]) and nothing is written twice.
//!
//! What the images are (patients, study lines, modalities as defined
//! terms) is [`studies`]. HTTP parsing and the reply are
//! `server::submit`; this module knows nothing of HTTP.

mod documents;
pub mod studies;

use mailslot_shared::wire::{
    Department, Language, Purpose, Receipt, SenderDetails, UploadKind, UploadState,
};
use serde::Serialize;

pub use documents::MAX_STUDY_LINES;

use crate::clock::now;
use crate::config::Config;
use crate::intake::{FileRecord, Intake, IntakeError};
use crate::mailbox::{count_inbox_bytes, Layout};
use crate::params;
use crate::session::Session;
use crate::store::{OptionalExtension as _, Sql, Store, StoreError, Tx};

/// Why a submission cannot be completed or its receipt given again.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SubmissionError {
    /// The session was completed but its submission is gone (purged).
    #[error("the submission of this session is no longer kept")]
    Gone,
    /// The record for staff cannot be serialised (never in practice).
    #[error("the submission record cannot be written: {0}")]
    Record(#[from] serde_json::Error),
    /// Intake failed (closing the uploads, queueing a document).
    #[error(transparent)]
    Intake(#[from] IntakeError),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The mailbox's files failed.
    #[error("the mailbox cannot be written: {0}")]
    Io(#[from] std::io::Error),
    /// A cover sheet could not be laid out.
    #[error(transparent)]
    Cover(#[from] crate::coversheet::CoverError),
}

impl SubmissionError {
    /// Stable kebab-case code.
    pub fn code(&self) -> &'static str {
        match self {
            SubmissionError::Gone => "submission-gone",
            SubmissionError::Record(_) => "submission-record-failed",
            SubmissionError::Intake(e) => e.code().as_str(),
            SubmissionError::Store(e) => e.code(),
            SubmissionError::Io(_) => "mailbox-write-failed",
            SubmissionError::Cover(e) => e.code(),
        }
    }
}

type Result<T, E = SubmissionError> = std::result::Result<T, E>;

/// What a submission needs of the server: borrowed for one call.
#[derive(Debug, Clone, Copy)]
pub struct Submissions<'a> {
    /// The database.
    pub store: &'a Store,
    /// The uploads' lifecycle.
    pub intake: &'a Intake,
    /// Where the mailbox keeps its files.
    pub layout: &'a Layout,
    /// The configuration.
    pub config: &'a Config,
    /// The departments a submission may name.
    pub departments: &'a [Department],
}

/// What a session's uploads came to, as the receipt counts them: the
/// server's own documents are accepted DICOM uploads made after
/// [`Tally::of`] ran at finalize, and count neither as letters nor as
/// refused when the receipt is given again.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    /// Images accepted.
    pub images: u64,
    /// Their plaintext bytes.
    pub bytes: u64,
    /// Letters accepted.
    pub letters: u64,
    /// Refused or unfinished uploads by reason code, in order of first
    /// appearance.
    pub refused: Vec<(String, u64)>,
}

impl Tally {
    /// Counts `files` (a session's uploads, in the order created).
    pub fn of(files: &[FileRecord]) -> Self {
        let mut t = Tally::default();
        for f in files {
            match (f.kind, f.state) {
                (UploadKind::Dicom, UploadState::Accepted) => {
                    t.images += 1;
                    t.bytes += f.bytes.unwrap_or(0).max(0) as u64;
                }
                (UploadKind::Letter, UploadState::Accepted) => t.letters += 1,
                (_, state) if state.is_refused() => {
                    let code = f.code.clone().unwrap_or_else(|| state.as_str().to_owned());
                    match t.refused.iter_mut().find(|(c, _)| *c == code) {
                        Some((_, n)) => *n += 1,
                        None => t.refused.push((code, 1)),
                    }
                }
                _ => {}
            }
        }
        t
    }

    fn receipt(self, reference: &str, received_at: i64) -> Receipt {
        Receipt {
            reference: reference.to_owned(),
            files: self.images,
            bytes: self.bytes,
            letters: self.letters,
            refused: self.refused,
            received_at,
        }
    }
}

/// The record staff read (`submission.json`).
#[derive(Debug, Serialize)]
struct SubmissionRecord<'a> {
    reference: &'a str,
    received_at: i64,
    department: Option<&'a str>,
    consent_statement_version: &'a str,
    consent_at: i64,
    forwarded_to: String,
    sender: &'a SenderDetails,
    files: &'a [FileRecord],
}

impl Submissions<'_> {
    /// Completes `session` (see the module docs) and returns its receipt.
    /// `department` is one of the hospital's ids (checked by the caller).
    pub fn finalize(
        &self,
        session: &Session,
        sender: SenderDetails,
        department: Option<String>,
    ) -> Result<Receipt> {
        let t = now();
        let files = self.intake.close(session)?;
        let tally = Tally::of(&files);

        let record = SubmissionRecord {
            reference: &session.reference,
            received_at: t,
            department: department.as_deref(),
            consent_statement_version: &session.consent_version,
            consent_at: session.consent_at,
            forwarded_to: self.config.forward.to_string(),
            sender: &sender,
            files: &files,
        };
        let json = serde_json::to_vec_pretty(&record)?;
        let dir = self.layout.submission(&session.reference);
        crate::durable::create_dir_all(&dir)?;
        crate::durable::write_atomic(&dir.join("submission.json"), &json, 0o600)?;
        count_inbox_bytes(self.store, &session.reference, json.len() as u64)?;

        // What arrived, read once: the notification, the cover sheets and
        // the letters' studies come from it.
        let objects = crate::casefile::objects(self.layout, &session.reference);
        let study_lines = studies::study_lines(&objects);
        let picked = department
            .as_deref()
            .and_then(|id| self.departments.iter().find(|d| d.id == id));
        let purpose = sender.purpose;
        let message = crate::notify::Message {
            reference: session.reference.clone(),
            received_at: t,
            department: department.clone(),
            department_name: picked.map(|d| d.name.de.clone()),
            purpose,
            studies: study_lines.len() as u64,
            images: tally.images,
            bytes: tally.bytes,
            modalities: studies::modalities(&study_lines),
            letters: tally.letters,
            refused: tally.refused.iter().map(|(_, n)| n).sum(),
            forwarding: Default::default(),
        };

        // The submission, its notifications and the session's end are one change.
        {
            let mut conn = self.store.conn()?;
            let tx = conn.transaction()?;
            tx.execute(
                "INSERT INTO submissions (reference, session_id, department, created_at, files, bytes, purpose)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    session.reference,
                    session.id,
                    department,
                    t,
                    tally.images as i64,
                    tally.bytes as i64,
                    purpose.map(Purpose::as_str)
                ],
            )?;
            crate::session::mark_finalized(&tx, &session.id, t)?;
            crate::case::table::open(
                &tx,
                &crate::case::table::Opened {
                    reference: &session.reference,
                    session_id: &session.id,
                    created_at: t,
                    delete_at: t.saturating_add(self.config.retention.as_secs() as i64),
                    role: sender.role.map(|r| r.as_str()),
                    studies: message.studies,
                    letters: tally.letters,
                },
            )?;
            crate::notify::enqueue(self.config, &tx, &message)?;
            tx.commit()?;
        }
        // The cover sheets and the letters join the studies in the archive;
        // if that fails the case is still in the inbox, and the submission
        // stands.
        let english = sender.lang == Some(Language::En);
        let cover = crate::coversheet::Cover {
            english,
            reference: &session.reference,
            received_at: t,
            sender: &sender,
            department: picked.map(|d| {
                if english {
                    d.name.en.as_str()
                } else {
                    d.name.de.as_str()
                }
            }),
            consent: (&session.consent_version, session.consent_at),
            studies: study_lines,
            more_studies: 0,
            letters: Vec::new(),
            several_patients: false,
        };
        if self.config.cover_sheets {
            if let Err(e) = self.queue_cover_sheets(session, &objects, &files, &cover) {
                tracing::error!(reference = %session.reference, code = e.code(), error = %e, "cannot queue the cover sheets for the archive");
            }
        }
        match self.queue_letters(session, &objects, &sender, &files) {
            Ok(0) => {}
            Ok(n) => {
                tracing::info!(reference = %session.reference, letters = n, "letters queued for the archive")
            }
            Err(e) => {
                tracing::error!(reference = %session.reference, code = e.code(), error = %e, "cannot queue the letters for the archive; they stay in the inbox")
            }
        }
        self.store.audit(
            "submission-finalized",
            &format!(
                "reference={} session={} files={} bytes={} letters={}",
                session.reference, session.id, tally.images, tally.bytes, tally.letters
            ),
        )?;
        Ok(tally.receipt(&session.reference, t))
    }

    /// The receipt of a submission completed before: a client repeats its
    /// request when the reply was lost (the node died, a proxy answered
    /// 502). Rebuilt from what [`Submissions::finalize`] recorded (the
    /// submission's row, and the session's uploads counted by [`Tally`]);
    /// nothing is written again: no second submission, notification or
    /// cover sheet.
    pub fn receipt_again(&self, session: &Session) -> Result<Receipt> {
        let (images, bytes, received_at): (i64, i64, i64) = self
            .store
            .conn()?
            .query_row(
                "SELECT files, bytes, created_at FROM submissions WHERE session_id = ?1",
                params![session.id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?
            .ok_or(SubmissionError::Gone)?;
        let files = crate::intake::files_of(self.store, &session.id)?;
        let tally = Tally {
            images: images.max(0) as u64,
            bytes: bytes.max(0) as u64,
            ..Tally::of(&files)
        };
        tracing::info!(reference = %session.reference, "submission repeated: the same receipt");
        Ok(tally.receipt(&session.reference, received_at))
    }
}

/// Removes session `session_id`'s submission row (retention), in the
/// caller's transaction.
pub fn forget(tx: &Tx<'_>, session_id: &str) -> Result<(), StoreError> {
    tx.execute(
        "DELETE FROM submissions WHERE session_id = ?1",
        params![session_id],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(kind: UploadKind, state: UploadState, code: Option<&str>, bytes: i64) -> FileRecord {
        FileRecord {
            upload: format!("u{bytes}"),
            kind,
            state,
            code: code.map(str::to_owned),
            bytes: Some(bytes),
        }
    }

    /// The receipt at finalize and the one given again counted letters
    /// and refusals each in its own loop; one tally now serves both.
    #[test]
    fn the_tally_counts_images_letters_and_refusals_by_code() {
        use UploadKind::{Dicom, Letter};
        let files = [
            file(Dicom, UploadState::Accepted, None, 100),
            file(Dicom, UploadState::Accepted, None, 50),
            file(Letter, UploadState::Accepted, None, 7),
            file(Dicom, UploadState::Rejected, Some("not-dicom"), 1),
            file(Dicom, UploadState::Rejected, Some("not-dicom"), 2),
            file(Dicom, UploadState::Incomplete, None, 3),
            file(Dicom, UploadState::Receiving, None, 4),
        ];
        let t = Tally::of(&files);
        assert_eq!((t.images, t.bytes, t.letters), (2, 150, 1));
        assert_eq!(
            t.refused,
            [("not-dicom".to_owned(), 2), ("incomplete".to_owned(), 1)]
        );
    }
}
