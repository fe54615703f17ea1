//! A PDF as a DICOM object in a patient's study: Encapsulated PDF Storage
//! (PS3.3 A.45.1), its own series ("Arztbriefe / Letters"), fresh UIDs
//! under 2.25 (UUID-derived, PS3.5 B.2: no registered root needed). The
//! patient and study attributes are copied from the study's images as the
//! acceptance rules recorded them; the server verifies the result with
//! the same rules as every other object before it is forwarded.

use dicom_core::value::DataSetSequence;
use dicom_core::{DataElement, PrimitiveValue, VR};
use dicom_dictionary_std::{tags, uids};
use dicom_object::{FileMetaTableBuilder, InMemDicomObject};

use crate::casefile::ObjectRecord;

/// Encapsulated PDF Storage.
pub const ENCAPSULATED_PDF: &str = "1.2.840.10008.5.1.4.1.1.104.1";

/// Why a PDF could not be wrapped (an internal error: the inputs are ours).
#[derive(Debug, thiserror::Error)]
pub enum EncapsulateError {
    /// dicom-rs refused to build the file meta group or write the file.
    #[error("cannot write the encapsulated document: {0}")]
    Write(String),
}

impl EncapsulateError {
    /// Stable kebab-case code.
    pub fn code(&self) -> &'static str {
        "encapsulate-failed"
    }
}

/// A fresh UID: `2.25.` and 128 random bits in decimal.
pub fn fresh_uid() -> String {
    let mut bytes = [0u8; 16];
    // Without the OS's randomness nothing the server makes is safe anyway.
    if getrandom::fill(&mut bytes).is_err() {
        bytes = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos().to_be_bytes())
            .unwrap_or_default();
    }
    format!("2.25.{}", u128::from_be_bytes(bytes))
}

/// What goes into one encapsulated document.
#[derive(Debug)]
pub struct Document<'a> {
    /// The study it joins (patient and study attributes).
    pub study: &'a ObjectRecord,
    /// Series Instance UID (one series per submission and study).
    pub series_uid: &'a str,
    /// Series Number.
    pub series_number: u32,
    /// Instance Number within the series.
    pub instance_number: u32,
    /// Series Description.
    pub series_description: &'a str,
    /// Document Title.
    pub title: &'a str,
    /// Content Date and Time (`YYYYMMDD`, `HHMMSS`).
    pub when: (String, String),
    /// The PDF's length in bytes.
    pub pdf_len: u64,
}

/// The most bytes a document adds to its PDF (file meta, attributes, the
/// pad byte): every value is bounded by its VR ([`clamp`]).
pub const OVERHEAD_BYTES: u64 = 8 * 1024;

/// `value` as a value of a single-valued text VR of at most `max` bytes
/// (UTF-8, cut at a character; checkers count bytes): no control
/// characters, no backslash (the value separator).
pub fn clamp(value: &str, max: usize) -> String {
    let mut out = String::new();
    for c in value.chars().filter(|c| !c.is_control()) {
        let c = if c == '\\' { '/' } else { c };
        if out.len() + c.len_utf8() > max {
            break;
        }
        out.push(c);
    }
    out.trim_end().to_owned()
}

/// A Person Name within its VR: at most 64 bytes in each of its three
/// component groups (alphabetic, ideographic, phonetic).
fn clamp_pn(value: &str) -> String {
    value
        .split('=')
        .take(3)
        .map(|group| clamp(group, 64))
        .collect::<Vec<_>>()
        .join("=")
}

/// `value` if every character is allowed by `ok` and it is at most `max`
/// long, else empty: dates, times and codes are copied only when valid.
fn valid(value: &Option<String>, max: usize, ok: impl Fn(char) -> bool) -> String {
    match value {
        Some(v) if v.len() <= max && v.chars().all(ok) => v.clone(),
        _ => String::new(),
    }
}

/// Writes the DICOM file (Part 10, explicit VR little endian) of `doc`
/// to `out`, the PDF read from `pdf` (exactly `doc.pdf_len` bytes) on
/// the way: the document is never held in memory. Returns its SOP
/// Instance UID.
pub fn write_encapsulated(
    doc: &Document<'_>,
    pdf: &mut impl std::io::Read,
    out: &mut impl std::io::Write,
) -> Result<String, EncapsulateError> {
    let write_err = |e: std::io::Error| EncapsulateError::Write(e.to_string());
    let len = u32::try_from(doc.pdf_len)
        .ok()
        .filter(|l| *l < u32::MAX - 1)
        .ok_or_else(|| EncapsulateError::Write("the PDF is too large for one element".into()))?;
    let sop_uid = fresh_uid();
    let s = doc.study;
    let date = |v: &Option<String>| valid(v, 8, |c| c.is_ascii_digit());
    let mut obj = InMemDicomObject::new_empty();
    let mut put = |tag, vr, value: PrimitiveValue| {
        obj.put(DataElement::new(tag, vr, value));
    };
    put(tags::SPECIFIC_CHARACTER_SET, VR::CS, "ISO_IR 192".into());
    put(tags::SOP_CLASS_UID, VR::UI, ENCAPSULATED_PDF.into());
    put(tags::SOP_INSTANCE_UID, VR::UI, sop_uid.as_str().into());
    put(tags::STUDY_DATE, VR::DA, date(&s.study_date).into());
    put(tags::CONTENT_DATE, VR::DA, doc.when.0.as_str().into());
    put(
        tags::STUDY_TIME,
        VR::TM,
        valid(&s.study_time, 14, |c| c.is_ascii_digit() || c == '.').into(),
    );
    put(tags::CONTENT_TIME, VR::TM, doc.when.1.as_str().into());
    put(
        tags::ACQUISITION_DATE_TIME,
        VR::DT,
        format!("{}{}", doc.when.0, doc.when.1).into(),
    );
    put(
        tags::ACCESSION_NUMBER,
        VR::SH,
        clamp(s.accession_number.as_deref().unwrap_or(""), 16).into(),
    );
    put(tags::MODALITY, VR::CS, "DOC".into());
    put(tags::CONVERSION_TYPE, VR::CS, "WSD".into());
    put(tags::MANUFACTURER, VR::LO, "DICOM Mailslot".into());
    put(
        tags::REFERRING_PHYSICIAN_NAME,
        VR::PN,
        PrimitiveValue::Empty,
    );
    put(
        tags::STUDY_DESCRIPTION,
        VR::LO,
        clamp(s.study_description.as_deref().unwrap_or(""), 64).into(),
    );
    put(
        tags::SERIES_DESCRIPTION,
        VR::LO,
        clamp(doc.series_description, 64).into(),
    );
    put(
        tags::PATIENT_NAME,
        VR::PN,
        clamp_pn(s.patient_name.as_deref().unwrap_or("")).into(),
    );
    put(
        tags::PATIENT_ID,
        VR::LO,
        clamp(s.patient_id.as_deref().unwrap_or(""), 64).into(),
    );
    put(tags::PATIENT_BIRTH_DATE, VR::DA, date(&s.birth_date).into());
    put(
        tags::PATIENT_SEX,
        VR::CS,
        valid(&s.patient_sex, 1, |c| matches!(c, 'M' | 'F' | 'O')).into(),
    );
    put(tags::STUDY_INSTANCE_UID, VR::UI, s.study.as_str().into());
    put(tags::SERIES_INSTANCE_UID, VR::UI, doc.series_uid.into());
    put(tags::STUDY_ID, VR::SH, PrimitiveValue::Empty);
    put(
        tags::SERIES_NUMBER,
        VR::IS,
        doc.series_number.to_string().into(),
    );
    put(
        tags::INSTANCE_NUMBER,
        VR::IS,
        doc.instance_number.to_string().into(),
    );
    put(tags::BURNED_IN_ANNOTATION, VR::CS, "YES".into());
    // ST may hold a backslash, but a title is one line: the same rule.
    put(tags::DOCUMENT_TITLE, VR::ST, clamp(doc.title, 64).into());
    // Type 2: present, and empty.
    obj.put(DataElement::new(
        tags::CONCEPT_NAME_CODE_SEQUENCE,
        VR::SQ,
        DataSetSequence::<InMemDicomObject>::empty(),
    ));
    // Everything before (0042,0011) Encapsulated Document, with the file
    // meta group; then that element's header and the PDF, streamed; then
    // what follows it in tag order.
    let head = obj
        .with_meta(FileMetaTableBuilder::new().transfer_syntax(uids::EXPLICIT_VR_LITTLE_ENDIAN))
        .map_err(|e| EncapsulateError::Write(e.to_string()))?;
    head.write_all(&mut *out)
        .map_err(|e| EncapsulateError::Write(e.to_string()))?;
    let padded = len + len % 2;
    let mut element = Vec::with_capacity(12);
    element.extend(0x0042u16.to_le_bytes());
    element.extend(0x0011u16.to_le_bytes());
    element.extend(b"OB\0\0");
    element.extend(padded.to_le_bytes());
    out.write_all(&element).map_err(write_err)?;
    let copied = std::io::copy(&mut std::io::Read::take(&mut *pdf, u64::from(len)), out)
        .map_err(write_err)?;
    if copied != u64::from(len) {
        return Err(EncapsulateError::Write("the PDF ended early".into()));
    }
    if len % 2 == 1 {
        out.write_all(&[0]).map_err(write_err)?;
    }
    let mut tail = InMemDicomObject::new_empty();
    tail.put(DataElement::new(
        tags::MIME_TYPE_OF_ENCAPSULATED_DOCUMENT,
        VR::LO,
        PrimitiveValue::from("application/pdf"),
    ));
    tail.put(DataElement::new(
        tags::ENCAPSULATED_DOCUMENT_LENGTH,
        VR::UL,
        PrimitiveValue::from(len),
    ));
    let ts = dicom_transfer_syntax_registry::entries::EXPLICIT_VR_LITTLE_ENDIAN.erased();
    tail.write_dataset_with_ts(&mut *out, &ts)
        .map_err(|e| EncapsulateError::Write(e.to_string()))?;
    Ok(sop_uid)
}

/// [`write_encapsulated`] into memory, for a PDF in memory (a cover sheet;
/// tests): the file and its SOP Instance UID.
pub fn encapsulated_pdf(
    doc: &Document<'_>,
    pdf: &[u8],
) -> Result<(Vec<u8>, String), EncapsulateError> {
    let mut out = Vec::with_capacity(pdf.len() + 2048);
    let uid = write_encapsulated(doc, &mut &pdf[..], &mut out)?;
    Ok((out, uid))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use mailslot_shared::dicom::{inspect, Limits};

    #[test]
    fn a_letter_joins_its_study_and_passes_the_acceptance_rules() {
        let study = ObjectRecord {
            upload: "u".into(),
            patient_name: Some("Müller^Jürgen".into()),
            patient_id: Some("PID-1".into()),
            birth_date: Some("19400312".into()),
            study: "1.2.3.4".into(),
            study_date: Some("20260101".into()),
            study_description: Some("Knie".into()),
            series: "1.2.3.4.5".into(),
            series_description: None,
            modality: Some("MR".into()),
            bytes: 1,
            ..Default::default()
        };
        let pdf = b"%PDF-1.4\n%odd length\n%%EOF";
        let series = fresh_uid();
        let (bytes, sop) = encapsulated_pdf(
            &Document {
                study: &study,
                series_uid: &series,
                series_number: 9901,
                instance_number: 1,
                series_description: "Arztbriefe / Letters",
                title: "Befund.pdf",
                when: ("20261201".into(), "120000".into()),
                pdf_len: pdf.len() as u64,
            },
            pdf,
        )
        .unwrap();
        let verdict = inspect(&bytes, bytes.len() as u64, &Limits::default());
        let s = verdict.accepted().unwrap_or_else(|| panic!("{verdict:?}"));
        assert_eq!(s.sop_instance_uid, sop);
        assert_eq!(s.study_instance_uid, "1.2.3.4");
        assert_eq!(s.series_instance_uid, series);
        assert_eq!(s.patient_id.as_deref(), Some("PID-1"));
        assert_eq!(s.patient_name.as_deref(), Some("Müller^Jürgen"));
        assert!(sop.len() <= 64 && sop.starts_with("2.25."));
        // The PDF is inside, whole.
        assert!(bytes.windows(pdf.len()).any(|w| w == pdf));
    }

    /// Regression (issue 26, L13): the server copied values past their VR
    /// limits (a PN of 1,000 characters, a title with backslashes) and left
    /// Accession Number, Study Time and Patient Sex empty.
    #[test]
    fn values_are_held_to_their_vr_and_the_studys_identity_is_copied() {
        let study = ObjectRecord {
            upload: "u".into(),
            patient_name: Some(format!("{}^Erika", "M".repeat(1000))),
            patient_id: Some("PID-1".into()),
            birth_date: Some("1940-03-12".into()),
            study: "1.2.3.4".into(),
            series: "1.2.3.4.5".into(),
            accession_number: Some("ACC-2024-0001".into()),
            study_time: Some("101500".into()),
            patient_sex: Some("F".into()),
            ..ObjectRecord::default()
        };
        let pdf = b"%PDF-1.4\n%%EOF";
        let series = fresh_uid();
        let (bytes, _) = encapsulated_pdf(
            &Document {
                study: &study,
                series_uid: &series,
                series_number: 9901,
                instance_number: 1,
                series_description: "Arztbriefe / Letters",
                title: "C:\\Befunde\\Knie\r\n.pdf",
                when: ("20261201".into(), "120000".into()),
                pdf_len: pdf.len() as u64,
            },
            pdf,
        )
        .unwrap();
        let verdict = inspect(&bytes, bytes.len() as u64, &Limits::default());
        let s = verdict.accepted().unwrap_or_else(|| panic!("{verdict:?}"));
        assert_eq!(
            s.patient_name.as_deref().map(|n| n.chars().count()),
            Some(64)
        );
        assert_eq!(s.accession_number.as_deref(), Some("ACC-2024-0001"));
        assert_eq!(s.study_time.as_deref(), Some("101500"));
        assert_eq!(s.patient_sex.as_deref(), Some("F"));
        // Not a date: left empty rather than copied.
        assert_eq!(s.patient_birth_date, None);
        let title = b"C:/Befunde/Knie.pdf";
        assert!(bytes.windows(title.len()).any(|w| w == title));
    }
}
