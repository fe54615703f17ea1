//! Objects the server makes for a submission once it is complete: each
//! accepted letter becomes an Encapsulated PDF in the sender's study
//! ([`crate::encapsulate`]), verified with the acceptance rules, spooled
//! and queued like an uploaded image.
//!
//! Which study: the one the sender picked for the letter on the page, if
//! it arrived; else the first study the sender picked that arrived, else
//! the first study that arrived. Never every study: a submission may hold
//! several patients, and a letter must not land in another patient's
//! record. Without images, letters stay in the inbox only.

use crate::params;
use crate::store::Sql;
use mailslot_shared::dicom::{inspect, Limits};
use mailslot_shared::wire::{SenderDetails, UploadKind, UploadState};

use super::{random32, FileRecord, Intake, Result};
use crate::casefile::ObjectRecord;
use crate::coversheet::{cover_pdf, Cover, StudyLine};
use crate::encapsulate::{encapsulated_pdf, fresh_uid, Document};
use crate::session::Session;
use crate::store::now;

/// The cover sheet's and the letters' series numbers (high, so they sort
/// after the images').
const COVER_SERIES_NUMBER: u32 = 9900;
const LETTERS_SERIES_NUMBER: u32 = 9901;

/// The studies of a submission as the cover sheet lists them.
pub fn study_lines(objects: &[ObjectRecord]) -> Vec<StudyLine> {
    let mut order: Vec<&str> = Vec::new();
    for o in objects {
        if !order.contains(&o.study.as_str()) {
            order.push(&o.study);
        }
    }
    order
        .into_iter()
        .map(|uid| {
            let of: Vec<&ObjectRecord> = objects.iter().filter(|o| o.study == uid).collect();
            let mut series: Vec<&str> = of.iter().map(|o| o.series.as_str()).collect();
            series.sort_unstable();
            series.dedup();
            let mut modalities: Vec<String> =
                of.iter().filter_map(|o| o.modality.clone()).collect();
            modalities.sort();
            modalities.dedup();
            StudyLine {
                date: of.first().and_then(|o| o.study_date.clone()),
                description: of.first().and_then(|o| o.study_description.clone()),
                modalities,
                series: series.len(),
                images: of.len(),
            }
        })
        .collect()
}

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

impl Intake {
    /// Wraps `doc`, checks it with the acceptance rules, spools it and
    /// queues it for the PACS; `false` if the rules refused it (logged).
    fn queue_document(&self, session: &Session, doc: &Document<'_>) -> Result<bool> {
        let (bytes, _) =
            encapsulated_pdf(doc).map_err(|e| super::IntakeError::Internal(e.code()))?;
        let limits = Limits {
            max_file_size: self.limits.max_file_bytes,
        };
        if inspect(&bytes, bytes.len() as u64, &limits)
            .accepted()
            .is_none()
        {
            tracing::error!(reference = %session.reference, series = doc.series_description, "a document the server made fails the acceptance rules; not forwarded");
            return Ok(false);
        }
        let id = hex::encode(&random32()?[..16]);
        crate::durable::write_atomic(&self.layout.spooled(&id), &bytes, 0o600)?;
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
                bytes.len() as i64,
                UploadState::Accepted.as_str(),
                t
            ],
        )?;
        tx.execute(
            "INSERT INTO forward_queue (upload_id, session_id, state, next_attempt, updated_at)
             VALUES (?1, ?2, 'pending', ?3, ?3)",
            params![id, session.id, t],
        )?;
        tx.commit()?;
        Ok(true)
    }

    /// Puts the cover sheet into every study of the submission; returns
    /// how many were queued.
    pub fn queue_cover_sheets(
        &self,
        session: &Session,
        objects: &[ObjectRecord],
        cover: &Cover<'_>,
    ) -> Result<usize> {
        let mut firsts: Vec<&ObjectRecord> = Vec::new();
        for o in objects {
            if !firsts.iter().any(|f| f.study == o.study) {
                firsts.push(o);
            }
        }
        if firsts.is_empty() {
            return Ok(0);
        }
        let pdf = cover_pdf(cover).map_err(|e| super::IntakeError::Internal(e.code()))?;
        let when = utc_date_time(cover.received_at);
        let mut queued = 0;
        for study in firsts {
            let series_uid = fresh_uid();
            let doc = Document {
                study,
                series_uid: &series_uid,
                series_number: COVER_SERIES_NUMBER,
                instance_number: 1,
                series_description: "Begleitblatt / Cover sheet",
                title: cover.title(),
                when: when.clone(),
                pdf: &pdf,
            };
            if self.queue_document(session, &doc)? {
                queued += 1;
            }
        }
        if queued > 0 {
            self.forwarder.wake();
        }
        Ok(queued)
    }

    /// Wraps the session's accepted letters into their studies and queues
    /// them for the PACS; returns how many were queued. A letter goes
    /// where the sender put it, if that study arrived; else into the
    /// default study. Each study gets one letters series.
    pub fn queue_letters(
        &self,
        session: &Session,
        objects: &[ObjectRecord],
        sender: &SenderDetails,
        files: &[FileRecord],
    ) -> Result<usize> {
        let arrived = |uid: &str| objects.iter().find(|o| o.study == uid);
        let default: Option<&ObjectRecord> = sender
            .studies
            .iter()
            .find_map(|uid| arrived(uid))
            .or_else(|| objects.first());
        let Some(default) = default else {
            return Ok(0);
        };
        let when = utc_date_time(now());
        // Per study: its letters series and the next instance number.
        let mut series: Vec<(&str, String, u32)> = Vec::new();
        let letters = files
            .iter()
            .filter(|f| f.kind == UploadKind::Letter && f.state == UploadState::Accepted);
        let mut queued = 0;
        for letter in letters {
            let path = self
                .layout
                .letters(&session.reference)
                .join(format!("{}.pdf", letter.upload));
            let pdf = std::fs::read(&path)?;
            let named = sender.letters.iter().find(|l| l.upload == letter.upload);
            let title = named.map_or("Arztbrief / Letter", |l| l.name.as_str());
            let study = named.and_then(|l| arrived(&l.study)).unwrap_or(default);
            let at = match series.iter().position(|(uid, ..)| *uid == study.study) {
                Some(at) => at,
                None => {
                    series.push((&study.study, fresh_uid(), 0));
                    series.len() - 1
                }
            };
            let (_, series_uid, number) = &mut series[at];
            *number += 1;
            let queued_one = self.queue_document(
                session,
                &Document {
                    study,
                    series_uid,
                    series_number: LETTERS_SERIES_NUMBER,
                    instance_number: *number,
                    series_description: "Arztbriefe / Letters",
                    title,
                    when: when.clone(),
                    pdf: &pdf,
                },
            )?;
            queued += usize::from(queued_one);
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
