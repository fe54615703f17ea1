//! Objects the server makes for a submission once it is complete: each
//! accepted letter becomes an Encapsulated PDF in the sender's study
//! ([`crate::encapsulate`]), and each patient gets one cover sheet; each
//! is verified with the acceptance rules, spooled and queued like an
//! uploaded image.
//!
//! What goes into a patient's study names only that patient's images and
//! letters: a submission may hold several patients (as the images say:
//! Patient ID, name and birth date), and nothing of one may land in
//! another's record.
//! - A letter goes into the study the sender picked for it, if it arrived;
//!   else, when the images are of one patient, into the first study the
//!   sender picked that arrived, else the first that arrived; with
//!   several patients and no valid choice it stays in the mailbox only.
//! - One cover sheet per patient, in that patient's first study: that
//!   patient's studies (at most [`MAX_STUDY_LINES`] lines) and letters;
//!   the sender's request only when the submission holds one patient.
//!
//! What the server makes obeys the limits its senders obey: each object
//! is reserved against the session's limit and the mailbox's quota
//! ([`Intake::reserve`]) before it is written, and a letter is streamed
//! from its file into the spool, never held in memory.

use crate::params;
use crate::store::Sql;
use mailslot_shared::dicom::{inspect_reader, Limits};
use mailslot_shared::wire::{SenderDetails, UploadKind, UploadState};

use super::patients::{letter_studies, patients, study_lines};
use super::{random32, FileRecord, Intake, Result};
use crate::casefile::ObjectRecord;
use crate::coversheet::{cover_pdf, Cover};
use crate::encapsulate::{clamp, fresh_uid, write_encapsulated, Document, OVERHEAD_BYTES};
use crate::session::Session;
use crate::store::now;

/// The cover sheet's and the letters' series numbers (high, so they sort
/// after the images').
const COVER_SERIES_NUMBER: u32 = 9900;
const LETTERS_SERIES_NUMBER: u32 = 9901;

/// The most study lines a cover sheet lists (the rest are counted).
pub const MAX_STUDY_LINES: usize = 20;

/// `YYYYMMDD` and `HHMMSS` (UTC) of Unix time `t`.
pub fn utc_date_time(t: i64) -> (String, String) {
    let (days, secs) = (t.div_euclid(86_400), t.rem_euclid(86_400));
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (
        format!("{y:04}{m:02}{d:02}"),
        format!("{:02}{:02}{:02}", secs / 3600, secs / 60 % 60, secs % 60),
    )
}

/// Unix time `t` for people: `2026-12-01 18:30 UTC`.
pub fn utc_readable(t: i64) -> String {
    let (d, tm) = utc_date_time(t);
    format!(
        "{}-{}-{} {}:{} UTC",
        &d[..4],
        &d[4..6],
        &d[6..],
        &tm[..2],
        &tm[2..4]
    )
}

/// A document to make: what it says, and the PDF it wraps.
struct Made<'a> {
    doc: Document<'a>,
    pdf: PdfSource<'a>,
}

enum PdfSource<'a> {
    Bytes(&'a [u8]),
    File(&'a std::path::Path),
}

impl Intake {
    /// Reserves, writes (streaming), checks with the acceptance rules,
    /// spools and queues `made` for the PACS; `false` if it was not made
    /// (no room left in the session or mailbox, or the rules refused it:
    /// logged and audited without patient data).
    fn queue_document(&self, session: &Session, made: &Made<'_>) -> Result<bool> {
        if let Err(e) = self.reserve(session, made.doc.pdf_len + OVERHEAD_BYTES) {
            tracing::warn!(reference = %session.reference, code = e.code().as_str(), "a document the server would make does not fit; kept in the mailbox only");
            self.store.audit(
                "document-not-made",
                &format!(
                    "reference={} series={} code={}",
                    session.reference,
                    made.doc.series_number,
                    e.code().as_str()
                ),
            )?;
            return Ok(false);
        }
        let id = hex::encode(&random32()?[..16]);
        let path = self.layout.spooled(&id);
        crate::durable::write_atomic_with(&path, 0o600, |file| {
            let mut out = std::io::BufWriter::with_capacity(256 * 1024, file);
            let written = match made.pdf {
                PdfSource::Bytes(b) => write_encapsulated(&made.doc, &mut &b[..], &mut out),
                PdfSource::File(p) => write_encapsulated(
                    &made.doc,
                    &mut std::io::BufReader::with_capacity(256 * 1024, std::fs::File::open(p)?),
                    &mut out,
                ),
            };
            written.map_err(std::io::Error::other)?;
            std::io::Write::flush(&mut out)
        })?;
        let len = std::fs::metadata(&path)?.len();
        let limits = Limits {
            max_file_size: self.limits.max_file_bytes.max(len),
        };
        let verdict = inspect_reader(
            std::io::BufReader::with_capacity(256 * 1024, std::fs::File::open(&path)?),
            len,
            len,
            &limits,
        );
        if verdict.accepted().is_none() {
            let _ = std::fs::remove_file(&path);
            tracing::error!(reference = %session.reference, series = made.doc.series_description, "a document the server made fails the acceptance rules; not forwarded");
            return Ok(false);
        }
        let t = now();
        let mut conn = self.store.conn()?;
        let tx = conn.transaction()?;
        tx.execute(
            "INSERT INTO uploads (id, session_id, file_id, kind, length, state, plaintext_len, created_at, expires_at, last_progress)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?5, ?7, ?7, ?7)",
            params![
                id,
                session.id,
                format!("made-{id}"),
                UploadKind::Dicom.as_str(),
                len as i64,
                UploadState::Accepted.as_str(),
                t
            ],
        )?;
        crate::forward::queue::enqueue(&tx, &id, &session.id, t)?;
        tx.commit()?;
        Ok(true)
    }

    /// Puts one cover sheet into each patient's first study (the first the
    /// sender picked that arrived, else the first that arrived), naming
    /// only that patient's studies and letters; returns how many were
    /// queued.
    pub fn queue_cover_sheets(
        &self,
        session: &Session,
        objects: &[ObjectRecord],
        files: &[FileRecord],
        cover: &Cover<'_>,
    ) -> Result<usize> {
        let patients = patients(objects);
        let letters = letter_studies(objects, cover.sender, files);
        let when = utc_date_time(cover.received_at);
        let mut queued = 0;
        for of in &patients {
            let first = cover
                .sender
                .studies
                .iter()
                .find_map(|uid| of.iter().find(|o| &o.study == uid))
                .unwrap_or(&of[0]);
            let names: Vec<String> = letters
                .iter()
                .filter(|(_, study)| study.is_some_and(|s| of.iter().any(|o| o.study == s.study)))
                .map(|(upload, _)| {
                    cover
                        .sender
                        .letters
                        .iter()
                        .find(|l| &l.upload == upload)
                        .map_or_else(|| "Arztbrief / Letter".to_owned(), |l| clamp(&l.name, 100))
                })
                .collect();
            let objects: Vec<ObjectRecord> = of.iter().map(|o| (*o).clone()).collect();
            let mut studies = study_lines(&objects);
            let more = studies.len().saturating_sub(MAX_STUDY_LINES);
            studies.truncate(MAX_STUDY_LINES);
            let sheet = Cover {
                studies,
                more_studies: more,
                letters: names,
                several_patients: patients.len() > 1,
                ..cover.clone()
            };
            let pdf = cover_pdf(&sheet).map_err(|e| super::IntakeError::Internal(e.code()))?;
            let series_uid = fresh_uid();
            let made = Made {
                doc: Document {
                    study: first,
                    series_uid: &series_uid,
                    series_number: COVER_SERIES_NUMBER,
                    instance_number: 1,
                    series_description: "Begleitblatt / Cover sheet",
                    title: sheet.title(),
                    when: when.clone(),
                    pdf_len: pdf.len() as u64,
                },
                pdf: PdfSource::Bytes(&pdf),
            };
            if self.queue_document(session, &made)? {
                queued += 1;
            }
        }
        if queued > 0 {
            self.forwarder.wake();
        }
        Ok(queued)
    }

    /// Wraps the session's accepted letters into their studies (see
    /// [`letter_studies`]) and queues them for the PACS; returns how many
    /// were queued. Each study gets one letters series.
    pub fn queue_letters(
        &self,
        session: &Session,
        objects: &[ObjectRecord],
        sender: &SenderDetails,
        files: &[FileRecord],
    ) -> Result<usize> {
        let when = utc_date_time(now());
        // Per study: its letters series and the next instance number.
        let mut series: Vec<(&str, String, u32)> = Vec::new();
        let mut queued = 0;
        for (upload, study) in letter_studies(objects, sender, files) {
            let Some(study) = study else {
                self.store.audit(
                    "letter-kept-in-mailbox",
                    &format!(
                        "reference={} upload={upload} reason=several-patients",
                        session.reference
                    ),
                )?;
                continue;
            };
            let path = self.layout.letter(&session.reference, &upload);
            let pdf_len = std::fs::metadata(&path)?.len();
            let named = sender.letters.iter().find(|l| l.upload == upload);
            let title = named.map_or("Arztbrief / Letter", |l| l.name.as_str());
            let at = match series.iter().position(|(uid, ..)| *uid == study.study) {
                Some(at) => at,
                None => {
                    series.push((&study.study, fresh_uid(), 0));
                    series.len() - 1
                }
            };
            let (_, series_uid, number) = &mut series[at];
            *number += 1;
            let made = Made {
                doc: Document {
                    study,
                    series_uid,
                    series_number: LETTERS_SERIES_NUMBER,
                    instance_number: *number,
                    series_description: "Arztbriefe / Letters",
                    title,
                    when: when.clone(),
                    pdf_len,
                },
                pdf: PdfSource::File(&path),
            };
            queued += usize::from(self.queue_document(session, &made)?);
        }
        if queued > 0 {
            self.forwarder.wake();
        }
        Ok(queued)
    }
}

#[cfg(test)]
mod tests {
    use super::utc_date_time;

    #[test]
    fn unix_time_becomes_a_dicom_date_and_time() {
        assert_eq!(utc_date_time(0), ("19700101".into(), "000000".into()));
        // 2024-02-29 23:59:59 UTC
        assert_eq!(
            utc_date_time(1_709_251_199),
            ("20240229".into(), "235959".into())
        );
    }
}
