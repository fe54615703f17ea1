//! Whom a submission's images are of, as staff and the PACS see them:
//! its patients told apart (Patient ID, name and birth date as the
//! images say), its studies as a cover sheet lists them (modalities as
//! DICOM's defined terms, values cut to their VR), and the study each
//! letter goes into — never another patient's (see `documents.rs`).

use mailslot_shared::wire::{SenderDetails, UploadKind, UploadState};

use crate::casefile::ObjectRecord;
use crate::coversheet::StudyLine;
use crate::encapsulate::clamp;
use crate::intake::FileRecord;

/// Modalities (0008,0060) as staff see them: only the defined terms of
/// PS3.3 C.7.3.1.1.1 (and a few retired ones senders still write); any
/// other value a sender's file holds counts as `OT`. Notifications and
/// cover sheets never carry the value itself.
const MODALITIES: &[&str] = &[
    "AR",
    "ASMT",
    "AU",
    "BDUS",
    "BI",
    "BMD",
    "CD",
    "CR",
    "CT",
    "CTPROTOCOL",
    "DD",
    "DG",
    "DM",
    "DMS",
    "DOC",
    "DX",
    "EC",
    "ECG",
    "EEG",
    "EMG",
    "EOG",
    "EPS",
    "ES",
    "FID",
    "GM",
    "HC",
    "HD",
    "IO",
    "IOL",
    "IVOCT",
    "IVUS",
    "KER",
    "KO",
    "LEN",
    "LS",
    "M3D",
    "MG",
    "MR",
    "NM",
    "OAM",
    "OCT",
    "OP",
    "OPM",
    "OPT",
    "OPTBSV",
    "OPTENF",
    "OPV",
    "OSS",
    "OT",
    "PA",
    "PLAN",
    "POS",
    "PR",
    "PT",
    "PX",
    "REG",
    "RESP",
    "RF",
    "RG",
    "RTDOSE",
    "RTIMAGE",
    "RTINTENT",
    "RTPLAN",
    "RTRAD",
    "RTRECORD",
    "RTSEGANN",
    "RTSTRUCT",
    "RWV",
    "SEG",
    "SM",
    "SMR",
    "SR",
    "SRF",
    "STAIN",
    "TEXTUREMAP",
    "TG",
    "US",
    "VA",
    "XA",
    "XAPROTOCOL",
    "XC",
];

/// The most modalities a study line or notification names.
pub const MAX_MODALITIES: usize = 8;

/// `value` as one of [`MODALITIES`], else `OT`.
pub fn modality_code(value: &str) -> &'static str {
    let v = value.trim();
    MODALITIES
        .iter()
        .find(|m| **m == v)
        .copied()
        .unwrap_or("OT")
}

/// The studies of `objects` (in order of arrival) as a cover sheet lists
/// them: dates only when they are dates, descriptions cut to their VR,
/// modalities as [`modality_code`].
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
            let mut modalities: Vec<String> = of
                .iter()
                .filter_map(|o| o.modality.as_deref())
                .map(|m| modality_code(m).to_owned())
                .collect();
            modalities.sort();
            modalities.dedup();
            modalities.truncate(MAX_MODALITIES);
            StudyLine {
                date: of
                    .first()
                    .and_then(|o| o.study_date.clone())
                    .filter(|d| d.len() == 8 && d.bytes().all(|b| b.is_ascii_digit())),
                description: of
                    .first()
                    .and_then(|o| o.study_description.as_deref())
                    .map(|d| clamp(d, 64))
                    .filter(|d| !d.is_empty()),
                modalities,
                series: series.len(),
                images: of.len(),
            }
        })
        .collect()
}

/// The modalities of `lines` together, each once, sorted: at most
/// [`MAX_MODALITIES`] (a staff message names a few, never many).
pub fn modalities(lines: &[StudyLine]) -> Vec<String> {
    let mut all: Vec<String> = lines
        .iter()
        .flat_map(|s| s.modalities.iter().cloned())
        .collect();
    all.sort();
    all.dedup();
    all.truncate(MAX_MODALITIES);
    all
}

/// The patients among `objects` as the images name them (Patient ID,
/// name and birth date together), each with its objects, in order of
/// arrival.
pub fn patients(objects: &[ObjectRecord]) -> Vec<Vec<&ObjectRecord>> {
    let mut out: Vec<Vec<&ObjectRecord>> = Vec::new();
    let same = |a: &ObjectRecord, b: &ObjectRecord| {
        a.patient_id == b.patient_id
            && a.patient_name == b.patient_name
            && a.birth_date == b.birth_date
    };
    for o in objects {
        match out.iter_mut().find(|p| same(p[0], o)) {
            Some(p) => p.push(o),
            None => out.push(vec![o]),
        }
    }
    out
}

/// The study (a record of one of its objects) each accepted letter goes
/// into, or `None` where it stays in the mailbox (see the module docs).
pub fn letter_studies<'a>(
    objects: &'a [ObjectRecord],
    sender: &SenderDetails,
    files: &[FileRecord],
) -> Vec<(String, Option<&'a ObjectRecord>)> {
    let arrived = |uid: &str| objects.iter().find(|o| o.study == uid);
    let one_patient = patients(objects).len() == 1;
    let default = sender
        .studies
        .iter()
        .find_map(|uid| arrived(uid))
        .or_else(|| objects.first())
        .filter(|_| one_patient);
    files
        .iter()
        .filter(|f| f.kind == UploadKind::Letter && f.state == UploadState::Accepted)
        .map(|letter| {
            let named = sender.letters.iter().find(|l| l.upload == letter.upload);
            let study = named.and_then(|l| arrived(&l.study)).or(default);
            (letter.upload.clone(), study)
        })
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn object(upload: &str, patient: &str, study: &str) -> ObjectRecord {
        ObjectRecord {
            upload: upload.into(),
            patient_id: Some(patient.into()),
            study: study.into(),
            series: format!("{study}.1"),
            ..ObjectRecord::default()
        }
    }

    fn letter(upload: &str) -> FileRecord {
        FileRecord {
            upload: upload.into(),
            kind: UploadKind::Letter,
            state: UploadState::Accepted,
            code: None,
            bytes: Some(10),
        }
    }

    /// Regression (issue 26, M8): Modality reached the notification as
    /// the file held it (1 KB, CR/LF, any text).
    #[test]
    fn only_defined_modalities_reach_staff() {
        assert_eq!(modality_code("CT"), "CT");
        assert_eq!(modality_code(" MR "), "MR");
        assert_eq!(modality_code("CT\r\nSubject: urgent, call 0800"), "OT");
        assert_eq!(modality_code(&"X".repeat(1024)), "OT");
        let mut objects: Vec<ObjectRecord> = (0..20)
            .map(|i| ObjectRecord {
                modality: Some(format!("M{i}\nPatient Erika")),
                ..object(&format!("u{i}"), "P", "1.2")
            })
            .collect();
        objects[0].modality = Some("US".into());
        objects[0].study_description = Some(format!("{}\\x", "d".repeat(300)));
        objects[0].study_date = Some("2024-01-31; rm".into());
        let lines = study_lines(&objects);
        assert_eq!(lines[0].modalities, ["OT", "US"]);
        let description = lines[0].description.as_deref().unwrap();
        assert_eq!(description.len(), 64);
        assert!(!description.contains('\\'));
        assert_eq!(lines[0].date, None);
    }

    /// Regression (issue 26, M7): a letter without a valid study choice
    /// went into the first study, which could be another patient's.
    #[test]
    fn a_letter_without_a_valid_choice_stays_out_of_another_patients_study() {
        let a = object("a", "PID-A", "1.1");
        let b = object("b", "PID-B", "2.2");
        let sender = SenderDetails {
            studies: vec!["2.2".into()],
            letters: vec![mailslot_shared::wire::LetterName {
                upload: "l1".into(),
                name: "Befund A.pdf".into(),
                study: "1.1".into(),
            }],
            ..SenderDetails::default()
        };
        let files = [letter("l1"), letter("l2")];
        let two = [a.clone(), b.clone()];
        let placed = letter_studies(&two, &sender, &files);
        assert_eq!(placed[0].1.map(|o| o.study.as_str()), Some("1.1"));
        assert_eq!(placed[1].1, None, "l2 has no choice and two patients");
        // One patient: the default study is the sender's pick.
        let b2 = object("c", "PID-B", "2.3");
        let one = [b2, b];
        let placed = letter_studies(&one, &sender, &files);
        assert_eq!(placed[1].1.map(|o| o.study.as_str()), Some("2.2"));
        assert_eq!(patients(&two).len(), 2);
        assert_eq!(patients(&one).len(), 1);
    }
}
