//! The documents the server makes for a submission once it is complete:
//! each accepted letter becomes an Encapsulated PDF in the sender's study
//! ([`crate::encapsulate`]), and each patient gets one cover sheet; each
//! is made, checked and queued by intake like an uploaded image
//! ([`crate::intake::Intake::queue_made`]: reserved against the session's
//! limit and the quota first).
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

use mailslot_shared::wire::SenderDetails;

use super::studies::{letter_studies, patients, study_lines};
use super::{SubmissionError, Submissions};
use crate::casefile::ObjectRecord;
use crate::clock::{dicom_date_time, now};
use crate::coversheet::{cover_pdf, Cover};
use crate::encapsulate::{clamp, fresh_uid, Document};
use crate::intake::{FileRecord, Made, PdfSource};
use crate::session::Session;

/// The cover sheet's and the letters' series numbers (high, so they sort
/// after the images').
const COVER_SERIES_NUMBER: u32 = 9900;
const LETTERS_SERIES_NUMBER: u32 = 9901;

/// The most study lines a cover sheet lists (the rest are counted).
pub const MAX_STUDY_LINES: usize = 20;

impl Submissions<'_> {
    /// Puts one cover sheet into each patient's first study (the first the
    /// sender picked that arrived, else the first that arrived), naming
    /// only that patient's studies and letters; returns how many were
    /// queued.
    pub(super) fn queue_cover_sheets(
        &self,
        session: &Session,
        objects: &[ObjectRecord],
        files: &[FileRecord],
        cover: &Cover<'_>,
    ) -> Result<usize, SubmissionError> {
        let patients = patients(objects);
        let letters = letter_studies(objects, cover.sender, files);
        let when = dicom_date_time(cover.received_at);
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
            let pdf = cover_pdf(&sheet)?;
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
            if self.intake.queue_made(session, &made)? {
                queued += 1;
            }
        }
        Ok(queued)
    }

    /// Wraps the session's accepted letters into their studies (see
    /// [`letter_studies`]) and queues them for the PACS; returns how many
    /// were queued. Each study gets one letters series.
    pub(super) fn queue_letters(
        &self,
        session: &Session,
        objects: &[ObjectRecord],
        sender: &SenderDetails,
        files: &[FileRecord],
    ) -> Result<usize, SubmissionError> {
        let when = dicom_date_time(now());
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
            queued += usize::from(self.intake.queue_made(session, &made)?);
        }
        Ok(queued)
    }
}
