//! Reconciliation against dicom-rs: files written by dicom-object in every
//! encoding the server accepts, reconciled, read back by dicom-object.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use dicom_core::header::Header as _;
use dicom_core::value::DataSetSequence;
use dicom_core::{DataElement, PrimitiveValue, Tag, VR};
use dicom_dictionary_std::{tags, uids};
use dicom_object::file::ReadPreamble;
use dicom_object::{FileMetaTableBuilder, InMemDicomObject, OpenFileOptions};

use super::*;

const TARGET_TAGS: [Tag; 10] = [
    tags::SPECIFIC_CHARACTER_SET,
    tags::ACCESSION_NUMBER,
    tags::PATIENT_NAME,
    tags::PATIENT_ID,
    tags::ISSUER_OF_PATIENT_ID,
    tags::ISSUER_OF_PATIENT_ID_QUALIFIERS_SEQUENCE,
    tags::PATIENT_BIRTH_DATE,
    tags::PATIENT_SEX,
    tags::OTHER_PATIENT_I_DS_SEQUENCE,
    Tag(0x0010, 0x0000),
];

fn str_el(tag: Tag, vr: VR, v: &str) -> DataElement<InMemDicomObject> {
    DataElement::new(tag, vr, PrimitiveValue::from(v))
}

/// A sender's CT image: an existing Other Patient IDs item, a referenced
/// image sequence before the patient, private data, 4 KB of pixels.
fn senders_file(syntax: &str, charset: Option<&str>) -> Vec<u8> {
    let mut o = InMemDicomObject::new_empty();
    if let Some(cs) = charset {
        o.put(str_el(tags::SPECIFIC_CHARACTER_SET, VR::CS, cs));
    }
    o.put(str_el(tags::SOP_CLASS_UID, VR::UI, uids::CT_IMAGE_STORAGE));
    o.put(str_el(tags::SOP_INSTANCE_UID, VR::UI, "1.2.3.4.5.6"));
    o.put(str_el(tags::ACCESSION_NUMBER, VR::SH, "SENDER-ACC"));
    o.put(str_el(tags::MODALITY, VR::CS, "CT"));
    let referenced = InMemDicomObject::from_element_iter([
        str_el(
            tags::REFERENCED_SOP_CLASS_UID,
            VR::UI,
            uids::CT_IMAGE_STORAGE,
        ),
        str_el(tags::REFERENCED_SOP_INSTANCE_UID, VR::UI, "1.2.3.4.5.5"),
    ]);
    o.put(DataElement::new(
        tags::REFERENCED_IMAGE_SEQUENCE,
        VR::SQ,
        DataSetSequence::from(vec![referenced]),
    ));
    o.put(str_el(Tag(0x0009, 0x0010), VR::LO, "ACME 1.0"));
    o.put(DataElement::new(
        Tag(0x0009, 0x1001),
        VR::OB,
        PrimitiveValue::from(vec![3u8; 100]),
    ));
    o.put(str_el(tags::PATIENT_NAME, VR::PN, "Sender^Patient"));
    o.put(str_el(tags::PATIENT_ID, VR::LO, "SENDER-1"));
    o.put(str_el(tags::ISSUER_OF_PATIENT_ID, VR::LO, "PRAXIS"));
    o.put(str_el(tags::PATIENT_BIRTH_DATE, VR::DA, "19500101"));
    let older = InMemDicomObject::from_element_iter([
        str_el(tags::PATIENT_ID, VR::LO, "OLDER-7"),
        str_el(tags::TYPE_OF_PATIENT_ID, VR::CS, "TEXT"),
    ]);
    o.put(DataElement::new(
        tags::OTHER_PATIENT_I_DS_SEQUENCE,
        VR::SQ,
        DataSetSequence::from(vec![older]),
    ));
    o.put(str_el(tags::PATIENT_COMMENTS, VR::LT, "kept"));
    o.put(str_el(tags::STUDY_INSTANCE_UID, VR::UI, "1.2.3.4"));
    o.put(str_el(tags::SERIES_INSTANCE_UID, VR::UI, "1.2.3.4.5"));
    o.put(DataElement::new(
        tags::PIXEL_DATA,
        VR::OW,
        PrimitiveValue::from(vec![7u8; 4096]),
    ));
    let file = o
        .with_meta(
            FileMetaTableBuilder::new()
                .transfer_syntax(syntax)
                .media_storage_sop_class_uid(uids::CT_IMAGE_STORAGE)
                .media_storage_sop_instance_uid("1.2.3.4.5.6"),
        )
        .unwrap();
    let mut out = Vec::new();
    file.write_all(&mut out).unwrap();
    out
}

fn hospital() -> Identity {
    Identity {
        patient_id: "H-0042".into(),
        issuer: "KLINIKUM".into(),
        name: "Muster^Erika".into(),
        birth_date: "19500102".into(),
        sex: "F".into(),
        accession: "A77".into(),
    }
}

fn read(bytes: &[u8]) -> dicom_object::DefaultDicomObject {
    OpenFileOptions::new()
        .read_preamble(ReadPreamble::Always)
        .from_reader(bytes)
        .expect("dicom-object reads the reconciled file")
}

fn text(o: &dicom_object::DefaultDicomObject, tag: Tag) -> String {
    o.element(tag)
        .ok()
        .and_then(|e| e.to_str().ok())
        .map(|s| s.trim_end_matches([' ', '\0']).to_owned())
        .unwrap_or_default()
}

fn reconciled(input: &[u8], identity: &Identity) -> Vec<u8> {
    let mut out = Vec::new();
    reconcile(&mut &input[..], &mut out, identity).unwrap();
    out
}

#[test]
fn every_encoding_takes_the_hospitals_identity_and_keeps_the_rest() {
    for syntax in [
        uids::EXPLICIT_VR_LITTLE_ENDIAN,
        uids::IMPLICIT_VR_LITTLE_ENDIAN,
        #[allow(deprecated)]
        uids::EXPLICIT_VR_BIG_ENDIAN,
        uids::DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN,
    ] {
        let input = senders_file(syntax, None);
        let out = reconciled(&input, &hospital());
        let (before, after) = (read(&input), read(&out));
        assert_eq!(text(&after, tags::PATIENT_ID), "H-0042", "{syntax}");
        assert_eq!(text(&after, tags::ISSUER_OF_PATIENT_ID), "KLINIKUM");
        assert_eq!(text(&after, tags::PATIENT_NAME), "Muster^Erika");
        assert_eq!(text(&after, tags::PATIENT_BIRTH_DATE), "19500102");
        assert_eq!(text(&after, tags::PATIENT_SEX), "F");
        assert_eq!(text(&after, tags::ACCESSION_NUMBER), "A77");
        // The sender's ID and issuer follow the items already there.
        let items = after
            .element(tags::OTHER_PATIENT_I_DS_SEQUENCE)
            .unwrap()
            .items()
            .unwrap();
        assert_eq!(items.len(), 2, "{syntax}");
        let id_of = |i: usize, tag| {
            items[i]
                .element(tag)
                .ok()
                .and_then(|e| e.to_str().ok())
                .map(|s| s.trim().to_owned())
        };
        assert_eq!(id_of(0, tags::PATIENT_ID).as_deref(), Some("OLDER-7"));
        assert_eq!(id_of(1, tags::PATIENT_ID).as_deref(), Some("SENDER-1"));
        assert_eq!(
            id_of(1, tags::ISSUER_OF_PATIENT_ID).as_deref(),
            Some("PRAXIS")
        );
        assert_eq!(id_of(1, tags::TYPE_OF_PATIENT_ID).as_deref(), Some("TEXT"));
        // Everything else is as it was, meta included.
        assert_eq!(before.meta(), after.meta());
        for e in before.iter().filter(|e| !TARGET_TAGS.contains(&e.tag())) {
            // (Debug: a nested object's PartialEq also compares how it was read.)
            assert_eq!(
                format!("{:?}", Some(e)),
                format!("{:?}", after.get(e.tag())),
                "{syntax} {}",
                e.tag()
            );
        }
        assert_eq!(
            after.iter().count(),
            before.iter().count() + 1,
            "{syntax}: one element more (the sex)"
        );
    }
}

#[test]
fn names_are_written_in_the_files_character_set() {
    let umlaut = Identity {
        name: "Müller^Jürgen".into(),
        ..hospital()
    };
    // None declared: UTF-8 is declared (ASCII is a part of it).
    let out = reconciled(
        &senders_file(uids::EXPLICIT_VR_LITTLE_ENDIAN, None),
        &umlaut,
    );
    let o = read(&out);
    assert_eq!(text(&o, tags::SPECIFIC_CHARACTER_SET), "ISO_IR 192");
    assert_eq!(text(&o, tags::PATIENT_NAME), "Müller^Jürgen");
    // Latin-1 declared: written in Latin-1.
    let input = senders_file(uids::EXPLICIT_VR_LITTLE_ENDIAN, Some("ISO_IR 100"));
    let out = reconciled(&input, &umlaut);
    let o = read(&out);
    assert_eq!(text(&o, tags::SPECIFIC_CHARACTER_SET), "ISO_IR 100");
    assert_eq!(text(&o, tags::PATIENT_NAME), "Müller^Jürgen");
    assert!(out.windows(6).any(|w| w == b"M\xfcller"));
    // A set that cannot hold it: refused, nothing claimed.
    let input = senders_file(uids::EXPLICIT_VR_LITTLE_ENDIAN, Some("ISO_IR 144"));
    let mut sink = Vec::new();
    let e = reconcile(&mut &input[..], &mut sink, &umlaut).unwrap_err();
    assert_eq!(e.code(), "identity-unencodable");
    let cyrillic = Identity {
        name: "Иванов^Иван".into(),
        ..hospital()
    };
    let input = senders_file(uids::EXPLICIT_VR_LITTLE_ENDIAN, Some("ISO_IR 100"));
    let e = reconcile(&mut &input[..], &mut Vec::new(), &cyrillic).unwrap_err();
    assert_eq!(e.code(), "identity-unencodable");
}

#[test]
fn bad_values_and_unsound_files_are_refused() {
    let input = senders_file(uids::EXPLICIT_VR_LITTLE_ENDIAN, None);
    for (field, identity) in [
        (
            "empty ID",
            Identity {
                patient_id: " ".into(),
                ..hospital()
            },
        ),
        (
            "backslash",
            Identity {
                patient_id: "A\\B".into(),
                ..hospital()
            },
        ),
        (
            "line break",
            Identity {
                name: "A^B\r\nC".into(),
                ..hospital()
            },
        ),
        (
            "date",
            Identity {
                birth_date: "19500230".into(),
                ..hospital()
            },
        ),
        (
            "sex",
            Identity {
                sex: "X".into(),
                ..hospital()
            },
        ),
        (
            "accession",
            Identity {
                accession: "12345678901234567".into(),
                ..hospital()
            },
        ),
    ] {
        let e = reconcile(&mut &input[..], &mut Vec::new(), &identity).unwrap_err();
        assert_eq!(e.code(), "identity-invalid", "{field}");
    }
    // Cut anywhere: an error, or (cut between elements) a file that
    // dicom-object reads; never a panic.
    for cut in (0..input.len()).step_by(5) {
        let mut out = Vec::new();
        if reconcile(&mut &input[..cut], &mut out, &hospital()).is_ok() {
            read(&out);
        }
    }
    // A second Patient ID after the pixel data is out of order.
    let mut twice = input.clone();
    crate::dicom::synth::element(&mut twice, 0x0010, 0x0020, b"LO", b"X1");
    let e = reconcile(&mut &twice[..], &mut Vec::new(), &hospital()).unwrap_err();
    assert_eq!(e.code(), "object-malformed");
}

/// Regression (found by `fuzz_targets/reconcile.rs`): an Other Patient IDs
/// Sequence written with another VR (PN "DOE^JANE") had its bytes copied
/// as if they were items, and the result broke the acceptance rules.
#[test]
fn a_foreign_value_in_place_of_the_other_ids_sequence_is_passed_over() {
    use crate::dicom::synth::{element, file_head};
    use crate::dicom::{inspect, Limits};
    let mut file = file_head(uids::CT_IMAGE_STORAGE, "1.2.3.9");
    element(
        &mut file,
        0x0008,
        0x0016,
        b"UI",
        uids::CT_IMAGE_STORAGE.as_bytes(),
    );
    element(&mut file, 0x0008, 0x0018, b"UI", b"1.2.3.9");
    element(&mut file, 0x0010, 0x0020, b"LO", b"SENDER-1");
    element(&mut file, 0x0010, 0x1002, b"PN", b"DOE^JANE");
    element(&mut file, 0x0020, 0x000D, b"UI", b"1.2.3");
    element(&mut file, 0x0020, 0x000E, b"UI", b"1.2.3.1");
    let limits = Limits::default();
    assert!(inspect(&file, file.len() as u64, &limits)
        .accepted()
        .is_some());
    let out = reconciled(&file, &hospital());
    let verdict = inspect(&out, out.len() as u64, &limits);
    assert_eq!(verdict.rejected(), None);
    let o = read(&out);
    let items = o
        .element(tags::OTHER_PATIENT_I_DS_SEQUENCE)
        .unwrap()
        .items()
        .unwrap();
    assert_eq!(items.len(), 1, "only the sender's ID");
}

/// Regression: encapsulated pixel data (OB of undefined length: items of
/// fragments) was refused as "an undefined length outside a sequence", so
/// no JPEG image could be taken over.
#[test]
fn an_encapsulated_image_keeps_its_fragments() {
    let mut o = InMemDicomObject::new_empty();
    o.put(str_el(tags::SOP_CLASS_UID, VR::UI, uids::CT_IMAGE_STORAGE));
    o.put(str_el(tags::SOP_INSTANCE_UID, VR::UI, "1.2.3.4.7"));
    o.put(str_el(tags::PATIENT_NAME, VR::PN, "Sender^Patient"));
    o.put(str_el(tags::PATIENT_ID, VR::LO, "SENDER-1"));
    o.put(str_el(tags::STUDY_INSTANCE_UID, VR::UI, "1.2.3.4"));
    o.put(DataElement::new(
        tags::PIXEL_DATA,
        VR::OB,
        dicom_core::value::PixelFragmentSequence::new(
            vec![0u32],
            vec![vec![0xFF, 0xD8, 1, 2, 3, 4, 0xFF, 0xD9]],
        ),
    ));
    let file = o
        .with_meta(
            FileMetaTableBuilder::new()
                .transfer_syntax(uids::JPEG_BASELINE8_BIT)
                .media_storage_sop_class_uid(uids::CT_IMAGE_STORAGE)
                .media_storage_sop_instance_uid("1.2.3.4.7"),
        )
        .unwrap();
    let mut input = Vec::new();
    file.write_all(&mut input).unwrap();
    let out = reconciled(&input, &hospital());
    let after = read(&out);
    assert_eq!(text(&after, tags::PATIENT_ID), "H-0042");
    let fragments = after
        .element(tags::PIXEL_DATA)
        .unwrap()
        .fragments()
        .unwrap();
    assert_eq!(fragments, [vec![0xFF, 0xD8, 1, 2, 3, 4, 0xFF, 0xD9]]);
}
