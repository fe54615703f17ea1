//! The case as staff look it up on the server's console (`mailslot
//! submissions`): what was sent, by whom, for which patients. Patient and
//! sender data live only in the submission's folder of the inbox
//! (`inbox/<reference>/`, files 0600): `submission.json` (the sender's
//! details, written at finalize) and `records/<upload>.json` (one file per
//! accepted object, written at acceptance; a submission written before
//! kept them as lines of `objects.jsonl`, still read). Never in the
//! database, a log or an HTTP reply.

use std::collections::BTreeMap;

pub(crate) mod text;

use crate::params;
use crate::store::Sql;
use mailslot_shared::dicom::Summary;
use serde::{Deserialize, Serialize};

use crate::mailbox::{count_inbox_bytes, Layout};
use crate::store::{Store, StoreError};
use text::{block, one_line};

/// The per-object records' file in a submission's folder as it was
/// written before one file per object: read, never written.
pub const OBJECTS: &str = "objects.jsonl";

/// The folder in a submission's folder holding one record per accepted
/// object, `<upload>.json`.
pub const RECORDS: &str = "records";

/// What staff need of one accepted object.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectRecord {
    /// Upload id (the object's file name in the inbox or spool).
    pub upload: String,
    /// Patient's Name.
    pub patient_name: Option<String>,
    /// Patient ID.
    pub patient_id: Option<String>,
    /// Patient's Birth Date.
    pub birth_date: Option<String>,
    /// Study Instance UID.
    pub study: String,
    /// Study Date.
    pub study_date: Option<String>,
    /// Study Description.
    pub study_description: Option<String>,
    /// Series Instance UID.
    pub series: String,
    /// Series Description.
    pub series_description: Option<String>,
    /// Modality.
    pub modality: Option<String>,
    /// Plaintext bytes.
    pub bytes: u64,
    /// Patient's Sex.
    #[serde(default)]
    pub patient_sex: Option<String>,
    /// Study Time.
    #[serde(default)]
    pub study_time: Option<String>,
    /// Accession Number.
    #[serde(default)]
    pub accession_number: Option<String>,
}

impl ObjectRecord {
    /// The record of upload `upload`, from the rules' summary.
    pub fn of(upload: &str, s: &Summary) -> Self {
        ObjectRecord {
            upload: upload.to_owned(),
            patient_name: s.patient_name.clone(),
            patient_id: s.patient_id.clone(),
            birth_date: s.patient_birth_date.clone(),
            study: s.study_instance_uid.clone(),
            study_date: s.study_date.clone(),
            study_description: s.study_description.clone(),
            series: s.series_instance_uid.clone(),
            series_description: s.series_description.clone(),
            modality: s.modality.clone(),
            bytes: s.size,
            patient_sex: s.patient_sex.clone(),
            study_time: s.study_time.clone(),
            accession_number: s.accession_number.clone(),
        }
    }
}

/// An object's record as kept on disk: the record and when it was
/// written (Unix nanoseconds), which orders the records as they arrived.
#[derive(Serialize, Deserialize)]
struct Stored {
    at: u64,
    #[serde(flatten)]
    record: ObjectRecord,
}

/// Writes `record` as `records/<upload>.json` in the submission's folder
/// (0600; written to a temporary name, fsynced, renamed, the folder
/// fsynced); its bytes count towards the inbox. One file per object, so
/// that nodes sharing the data directory (over NFS too) never write the
/// same file: an append to one shared file is not atomic there. A record
/// already there (a retried acceptance) is kept as it is and not counted
/// again.
pub fn record_object(
    store: &Store,
    layout: &Layout,
    reference: &str,
    record: &ObjectRecord,
) -> Result<(), std::io::Error> {
    let upload = &record.upload;
    if upload.is_empty()
        || !upload
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "an upload id that is no file name",
        ));
    }
    let folder = layout.submission(reference);
    crate::durable::create_dir_all(&folder)?;
    let dir = folder.join(RECORDS);
    crate::durable::create_dir_all(&dir)?;
    let path = dir.join(format!("{upload}.json"));
    if path.exists() {
        return Ok(());
    }
    let at = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX));
    let stored = Stored {
        at,
        record: record.clone(),
    };
    let bytes = serde_json::to_vec(&stored).map_err(std::io::Error::other)?;
    crate::durable::write_atomic(&path, &bytes, 0o600)?;
    count_inbox_bytes(store, reference, bytes.len() as u64).map_err(std::io::Error::other)
}

/// The objects recorded for a submission, as they arrived: the lines of
/// `objects.jsonl` (written before records were kept one per file), then
/// the files in `records/` by the time each was written. What cannot be
/// read is skipped.
pub fn objects(layout: &Layout, reference: &str) -> Vec<ObjectRecord> {
    let folder = layout.submission(reference);
    let mut out: Vec<ObjectRecord> = std::fs::read_to_string(folder.join(OBJECTS))
        .unwrap_or_default()
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    let mut stored: Vec<Stored> = std::fs::read_dir(folder.join(RECORDS))
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().ends_with(".json"))
        .filter_map(|e| std::fs::read(e.path()).ok())
        .filter_map(|bytes| serde_json::from_slice(&bytes).ok())
        .collect();
    stored.sort_by(|a, b| (a.at, &a.record.upload).cmp(&(b.at, &b.record.upload)));
    let old: std::collections::HashSet<String> = out.iter().map(|o| o.upload.clone()).collect();
    out.extend(
        stored
            .into_iter()
            .map(|s| s.record)
            .filter(|r| !old.contains(&r.upload)),
    );
    out
}

/// One submission in the list (no patient or sender data).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    /// Reference number.
    pub reference: String,
    /// Unix seconds of completion.
    pub created_at: i64,
    /// Department id.
    pub department: Option<String>,
    /// What the images are for.
    pub purpose: Option<String>,
    /// Objects accepted.
    pub files: i64,
    /// Their bytes.
    pub bytes: i64,
    /// Forward queue states and counts (`done: 12`, `pending: 1` …).
    pub forwarding: Vec<(crate::forward::queue::QueueState, i64)>,
}

/// Submissions completed at or after `since`, oldest first.
pub fn list(store: &Store, since: i64) -> Result<Vec<Listed>, StoreError> {
    let conn = store.conn()?;
    type Row = (
        String,
        String,
        i64,
        Option<String>,
        i64,
        i64,
        Option<String>,
    );
    let rows: Vec<Row> = conn.query_map(
        "SELECT reference, session_id, created_at, department, files, bytes, purpose FROM submissions
         WHERE created_at >= ?1 ORDER BY created_at, reference",
        params![since],
        |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
            ))
        },
    )?;
    let mut out = Vec::new();
    for (reference, session, created_at, department, files, bytes, purpose) in rows {
        let forwarding = crate::forward::queue::session_counts(&*conn, &session)?;
        out.push(Listed {
            reference,
            created_at,
            department,
            purpose,
            files,
            bytes,
            forwarding,
        });
    }
    Ok(out)
}

/// Why a case cannot be shown.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CasefileError {
    /// No folder for this reference (never sent, or purged).
    #[error("no submission {0} in the inbox (never completed, or purged)")]
    Unknown(String),
    /// The folder's records cannot be read.
    #[error("the records of {0} cannot be read: {1}")]
    Unreadable(String, String),
}

impl CasefileError {
    /// Stable code.
    pub fn code(&self) -> &'static str {
        match self {
            CasefileError::Unknown(_) => "submission-unknown",
            CasefileError::Unreadable(..) => "submission-unreadable",
        }
    }
}

/// The whole case as text for staff: the sender's record and, per study,
/// the patient and what arrived. Every value a sender typed or a file
/// carried is one line without control or format characters
/// ([`one_line`]); the request, which may have several lines, is shown
/// line by line under its label ([`block`]).
pub fn show(layout: &Layout, reference: &str) -> Result<String, CasefileError> {
    let reference = reference.trim().to_ascii_uppercase();
    let valid = reference.len() == 11
        && reference
            .bytes()
            .all(|b| b == b'-' || b.is_ascii_uppercase() || b.is_ascii_digit());
    let dir = layout.submission(&reference);
    if !valid || !dir.is_dir() {
        return Err(CasefileError::Unknown(reference));
    }
    let unreadable = |e: String| CasefileError::Unreadable(reference.clone(), e);
    let mut out = format!("Submission {reference}\n");
    let mut letter_names: BTreeMap<String, String> = BTreeMap::new();
    match std::fs::read(dir.join("submission.json")) {
        Ok(bytes) => {
            let record: serde_json::Value =
                serde_json::from_slice(&bytes).map_err(|e| unreadable(e.to_string()))?;
            let text = |v: &serde_json::Value| v.as_str().unwrap_or("").to_owned();
            for l in record["sender"]["letters"].as_array().into_iter().flatten() {
                letter_names.insert(text(&l["upload"]), text(&l["name"]));
            }
            let sender = &record["sender"];
            let line = |v: &serde_json::Value| one_line(&text(v));
            out.push_str(&format!(
                "Received: {} (unix)\nDepartment: {}\nPurpose: {}\nConsent: statement {} at {} (unix)\n\
                 Sender: {} ({})\nPhone: {}\nE-mail: {}\nContact person: {}\n",
                one_line(&record["received_at"].to_string()),
                line(&record["department"]),
                line(&sender["purpose"]),
                line(&record["consent_statement_version"]),
                one_line(&record["consent_at"].to_string()),
                line(&sender["name"]),
                line(&sender["role"]),
                line(&sender["phone"]),
                line(&sender["email"]),
                line(&sender["contact"]),
            ));
            out.push_str(&block("Request", &text(&sender["request"])));
        }
        Err(_) => out.push_str("Not completed yet: the sender's details are missing.\n"),
    }
    // A letter is kept as `<upload>.pdf`; its name on the sender's computer
    // came sealed with the details.
    let mut letters: Vec<String> = std::fs::read_dir(dir.join("letters"))
        .map(|d| {
            d.flatten()
                .map(|e| {
                    let file = e.file_name().to_string_lossy().into_owned();
                    let upload = file.strip_suffix(".pdf").unwrap_or(&file);
                    match letter_names.get(upload) {
                        Some(name) => format!("{} [{}]", one_line(name), one_line(&file)),
                        None => one_line(&file),
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    letters.sort();
    out.push_str(&format!("Letters: {}", letters.len()));
    if !letters.is_empty() {
        out.push_str(&format!(" ({})", letters.join(", ")));
    }
    out.push('\n');
    let objects = objects(layout, &reference);
    let mut studies: BTreeMap<&str, Vec<&ObjectRecord>> = BTreeMap::new();
    for o in &objects {
        studies.entry(o.study.as_str()).or_default().push(o);
    }
    for (uid, items) in studies {
        let first = items[0];
        let opt = |v: &Option<String>| one_line(v.as_deref().unwrap_or_default());
        let mut modalities: Vec<String> = items
            .iter()
            .filter_map(|o| o.modality.as_deref().map(one_line))
            .collect();
        modalities.sort();
        modalities.dedup();
        let mut series: BTreeMap<&str, (String, usize)> = BTreeMap::new();
        for o in &items {
            let s = series
                .entry(o.series.as_str())
                .or_insert_with(|| (opt(&o.series_description), 0));
            s.1 += 1;
        }
        out.push_str(&format!(
            "\nPatient: {}  ID: {}  born: {}\nStudy {}: {} {} [{}], {} series, {} images, {} bytes\n",
            opt(&first.patient_name),
            opt(&first.patient_id),
            opt(&first.birth_date),
            one_line(uid),
            opt(&first.study_date),
            opt(&first.study_description),
            modalities.join(", "),
            series.len(),
            items.len(),
            items.iter().map(|o| o.bytes).sum::<u64>(),
        ));
        for (suid, (description, n)) in series {
            out.push_str(&format!(
                "  series {}: {description} ({n} images)\n",
                one_line(suid)
            ));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
