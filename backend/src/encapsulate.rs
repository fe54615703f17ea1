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
    /// The PDF.
    pub pdf: &'a [u8],
}

/// The DICOM file (Part 10, explicit VR little endian) of `doc`, and its
/// SOP Instance UID.
pub fn encapsulated_pdf(doc: &Document<'_>) -> Result<(Vec<u8>, String), EncapsulateError> {
    let sop_uid = fresh_uid();
    let s = doc.study;
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let mut pdf = doc.pdf.to_vec();
    if pdf.len() % 2 == 1 {
        pdf.push(0);
    }
    let mut obj = InMemDicomObject::new_empty();
    let mut put = |tag, vr, value: PrimitiveValue| {
        obj.put(DataElement::new(tag, vr, value));
    };
    put(tags::SPECIFIC_CHARACTER_SET, VR::CS, "ISO_IR 192".into());
    put(tags::SOP_CLASS_UID, VR::UI, ENCAPSULATED_PDF.into());
    put(tags::SOP_INSTANCE_UID, VR::UI, sop_uid.as_str().into());
    put(tags::STUDY_DATE, VR::DA, text(&s.study_date).into());
    put(tags::CONTENT_DATE, VR::DA, doc.when.0.as_str().into());
    put(tags::STUDY_TIME, VR::TM, PrimitiveValue::Empty);
    put(tags::CONTENT_TIME, VR::TM, doc.when.1.as_str().into());
    put(
        tags::ACQUISITION_DATE_TIME,
        VR::DT,
        format!("{}{}", doc.when.0, doc.when.1).into(),
    );
    put(tags::ACCESSION_NUMBER, VR::SH, PrimitiveValue::Empty);
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
        text(&s.study_description).into(),
    );
    put(
        tags::SERIES_DESCRIPTION,
        VR::LO,
        doc.series_description.into(),
    );
    put(tags::PATIENT_NAME, VR::PN, text(&s.patient_name).into());
    put(tags::PATIENT_ID, VR::LO, text(&s.patient_id).into());
    put(tags::PATIENT_BIRTH_DATE, VR::DA, text(&s.birth_date).into());
    put(tags::PATIENT_SEX, VR::CS, PrimitiveValue::Empty);
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
    put(tags::DOCUMENT_TITLE, VR::ST, doc.title.into());
    put(
        tags::MIME_TYPE_OF_ENCAPSULATED_DOCUMENT,
        VR::LO,
        "application/pdf".into(),
    );
    put(
        tags::ENCAPSULATED_DOCUMENT_LENGTH,
        VR::UL,
        PrimitiveValue::from(doc.pdf.len() as u32),
    );
    put(
        tags::ENCAPSULATED_DOCUMENT,
        VR::OB,
        PrimitiveValue::from(pdf),
    );
    // Type 2: present, and empty.
    obj.put(DataElement::new(
        tags::CONCEPT_NAME_CODE_SEQUENCE,
        VR::SQ,
        DataSetSequence::<InMemDicomObject>::empty(),
    ));
    let file = obj
        .with_meta(FileMetaTableBuilder::new().transfer_syntax(uids::EXPLICIT_VR_LITTLE_ENDIAN))
        .map_err(|e| EncapsulateError::Write(e.to_string()))?;
    let mut out = Vec::new();
    file.write_all(&mut out)
        .map_err(|e| EncapsulateError::Write(e.to_string()))?;
    Ok((out, sop_uid))
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
        };
        let pdf = b"%PDF-1.4\n%odd length\n%%EOF";
        let series = fresh_uid();
        let (bytes, sop) = encapsulated_pdf(&Document {
            study: &study,
            series_uid: &series,
            series_number: 9901,
            instance_number: 1,
            series_description: "Arztbriefe / Letters",
            title: "Befund.pdf",
            when: ("20261201".into(), "120000".into()),
            pdf,
        })
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
}
