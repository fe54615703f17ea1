//! Acceptance rules on synthetic files built here, run natively and under
//! wasm32 (the page runs these rules in a Web Worker). The real corpus is
//! covered by the integration tests in `tests/`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use mailslot_shared::dicom::{inspect, Limits, RejectCode, Scope, WarningCode};

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

const CT: &str = mailslot_shared::dicom::synth::CT_IMAGE_STORAGE;

use mailslot_shared::dicom::synth::{element as el, file_head};

struct Spec<'a> {
    meta_instance: &'a str,
    sop_class: Option<&'a str>,
    instance: Option<&'a str>,
    study: Option<&'a str>,
    pixels: usize,
}

impl Default for Spec<'_> {
    fn default() -> Self {
        Spec {
            meta_instance: "1.2.3.4.5",
            sop_class: Some(CT),
            instance: Some("1.2.3.4.5"),
            study: Some("1.2.3.4"),
            pixels: 4096,
        }
    }
}

fn file(spec: &Spec<'_>) -> Vec<u8> {
    let mut out = file_head(spec.sop_class.unwrap_or(CT), spec.meta_instance);
    el(&mut out, 0x0008, 0x0005, b"CS", b"ISO_IR 100");
    if let Some(c) = spec.sop_class {
        el(&mut out, 0x0008, 0x0016, b"UI", c.as_bytes());
    }
    if let Some(i) = spec.instance {
        el(&mut out, 0x0008, 0x0018, b"UI", i.as_bytes());
    }
    el(&mut out, 0x0008, 0x0060, b"CS", b"CT");
    // "Müller^Jörg" in ISO 8859-1.
    el(&mut out, 0x0010, 0x0010, b"PN", b"M\xfcller^J\xf6rg");
    if let Some(s) = spec.study {
        el(&mut out, 0x0020, 0x000D, b"UI", s.as_bytes());
    }
    el(&mut out, 0x0020, 0x000E, b"UI", b"1.2.3.4.1");
    el(&mut out, 0x7FE0, 0x0010, b"OW", &vec![7u8; spec.pixels]);
    out
}

fn code(bytes: &[u8]) -> Option<RejectCode> {
    inspect(bytes, bytes.len() as u64, &Limits::default())
        .rejected()
        .map(|r| r.code)
}

#[test]
fn accepts_a_valid_file_and_summarises_it() {
    let bytes = file(&Spec::default());
    let v = inspect(&bytes, bytes.len() as u64, &Limits::default());
    let s = v.accepted().unwrap_or_else(|| panic!("rejected: {v:?}"));
    assert_eq!(s.scope, Some(Scope::Full));
    assert_eq!(s.sop_class_uid, CT);
    assert_eq!(s.sop_class_name.as_deref(), Some("CT Image Storage"));
    assert_eq!(s.modality.as_deref(), Some("CT"));
    assert_eq!(s.patient_name.as_deref(), Some("Müller^Jörg"));
    assert_eq!(s.size, bytes.len() as u64);
    assert!(s.warnings.is_empty());
}

#[test]
fn prefix_scan_stops_at_pixel_data() {
    let bytes = file(&Spec {
        pixels: 1 << 20,
        ..Spec::default()
    });
    let prefix = &bytes[..bytes.len() - (1 << 20) + 10];
    let v = inspect(prefix, bytes.len() as u64, &Limits::default());
    assert_eq!(v.accepted().unwrap().scope, Some(Scope::Prefix));
}

#[test]
fn truncated_pixel_data_is_caught_by_the_full_check_only() {
    let bytes = file(&Spec::default());
    let cut = &bytes[..bytes.len() - 100];
    assert_eq!(code(cut), Some(RejectCode::Truncated));
    // The page's prefix scan cannot know; the server's full check decides.
    assert!(inspect(cut, bytes.len() as u64, &Limits::default())
        .accepted()
        .is_some());
}

#[test]
fn missing_and_invalid_uids_are_named() {
    assert_eq!(
        code(&file(&Spec {
            instance: None,
            ..Spec::default()
        })),
        Some(RejectCode::MissingSopInstanceUid)
    );
    assert_eq!(
        code(&file(&Spec {
            study: None,
            ..Spec::default()
        })),
        Some(RejectCode::MissingStudyInstanceUid)
    );
    assert_eq!(
        code(&file(&Spec {
            sop_class: None,
            ..Spec::default()
        })),
        Some(RejectCode::MissingSopClassUid)
    );
    assert_eq!(
        code(&file(&Spec {
            study: Some("1.2.x"),
            ..Spec::default()
        })),
        Some(RejectCode::InvalidStudyInstanceUid)
    );
}

#[test]
fn non_storage_and_dicomdir_classes_are_rejected() {
    let verification = file(&Spec {
        sop_class: Some("1.2.840.10008.1.1"),
        ..Spec::default()
    });
    assert_eq!(code(&verification), Some(RejectCode::NotStorage));
    let dicomdir = file(&Spec {
        sop_class: Some("1.2.840.10008.1.3.10"),
        ..Spec::default()
    });
    assert_eq!(code(&dicomdir), Some(RejectCode::Dicomdir));
}

#[test]
fn data_set_uids_win_over_file_meta() {
    let bytes = file(&Spec {
        meta_instance: "1.2.3.4.999",
        ..Spec::default()
    });
    let v = inspect(&bytes, bytes.len() as u64, &Limits::default());
    let s = v.accepted().unwrap();
    assert_eq!(s.sop_instance_uid, "1.2.3.4.5");
    assert_eq!(s.warnings, vec![WarningCode::MetaUidMismatch]);
}

#[test]
fn private_classes_are_accepted_with_a_warning() {
    let bytes = file(&Spec {
        sop_class: Some("1.3.12.2.1107.5.9.1"),
        ..Spec::default()
    });
    let v = inspect(&bytes, bytes.len() as u64, &Limits::default());
    assert_eq!(
        v.accepted().unwrap().warnings,
        vec![WarningCode::PrivateSopClass]
    );
}

#[test]
fn every_code_has_both_sentences_and_a_kebab_code() {
    use mailslot_shared::dicom::Lang;
    for c in RejectCode::ALL {
        assert!(!c.message(Lang::De).is_empty() && !c.message(Lang::En).is_empty());
        assert_ne!(c.message(Lang::De), c.message(Lang::En));
        assert!(c
            .code()
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b == b'-'));
        let json = serde_json::to_string(c).unwrap();
        assert_eq!(json, format!("\"{}\"", c.code()));
    }
}
