//! Acceptance rules on synthetic files built here, run natively and under
//! wasm32 (the page runs these rules in a Web Worker). The real corpus is
//! covered by the integration tests in `tests/`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use mailslot_shared::dicom::{
    inspect, inspect_reader, inspect_seekable, Limits, RejectCode, Scope, WarningCode,
};

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
    // A check of a prefix cannot know (the page now checks whole files,
    // passing over the pixel data: see below).
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

/// Issue 14: the verdict on bytes after the data set. Zero padding of any
/// length is accepted with a warning (it was accepted for 12, 24 or 48
/// bytes and refused as `truncated` for 8 or 1000: the parser read zero
/// runs as 12-byte elements); anything else after it is `trailing-data`.
#[test]
fn zero_padding_of_any_length_is_accepted_with_a_warning() {
    let good = file(&Spec::default());
    let mut lens: Vec<usize> = (0..=64).collect();
    lens.extend([1000, 4095, 2_400_000]);
    for n in lens {
        let mut f = good.clone();
        f.resize(good.len() + n, 0);
        for (how, v) in both(&f) {
            let s = v
                .accepted()
                .unwrap_or_else(|| panic!("{n} zero bytes, {how}: {v:?}"));
            let padded = s.warnings.contains(&WarningCode::TrailingPadding);
            assert_eq!(padded, n > 0, "{n} zero bytes, {how}");
            // A C-STORE sends the data set without the padding.
            let end = (n > 0).then_some(good.len() as u64);
            assert_eq!(s.dataset_end, end, "{n} zero bytes, {how}");
        }
    }
}

#[test]
fn other_bytes_after_the_data_set_are_trailing_data() {
    let good = file(&Spec::default());
    let tails: [(&str, Vec<u8>); 4] = [
        ("zeros then text", [&[0u8; 16][..], b"garbage!"].concat()),
        ("a zero tag then a byte", vec![0, 0, 0, 0, 0, 1]),
        // Tag (0008,0018) again, claiming more than the file holds.
        (
            "a tag going back",
            [&[8u8, 0, 0x18, 0, b'U', b'I', 0xff, 0x7f][..], b"1.2"].concat(),
        ),
        ("a copy of the file", good.clone()),
    ];
    for (name, tail) in tails {
        let f = [&good[..], &tail[..]].concat();
        for (how, v) in both(&f) {
            assert_eq!(
                v.rejected().map(|r| r.code),
                Some(RejectCode::TrailingData),
                "{name}, {how}"
            );
        }
    }
    // An element out of order that reads as one is accepted, as dcmtk
    // reads it: the order alone refuses nothing.
    let mut disordered = good.clone();
    el(&mut disordered, 0x0008, 0x0070, b"LO", b"ACME");
    for (how, v) in both(&disordered) {
        assert!(v.accepted().is_some(), "{how}: {v:?}");
    }
}

/// The page's check (the file read out of order, values passed over) and
/// the server's (the whole file streamed) agree on every cut and padding
/// of a file, and the page's reads only what it looks at.
#[test]
fn the_pages_check_and_the_servers_agree_on_every_cut_and_padding() {
    let mut good = file(&Spec::default());
    // A sequence with an item, so that cuts fall inside nesting too.
    el(&mut good, 0x7FE1, 0x0010, b"LO", b"ACME 1.0");
    let mut item = Vec::new();
    el(&mut item, 0x7FE1, 0x1001, b"LO", b"x");
    let mut seq = vec![0xfe, 0xff, 0x00, 0xe0];
    seq.extend_from_slice(&(item.len() as u32).to_le_bytes());
    seq.extend_from_slice(&item);
    el(&mut good, 0x7FE1, 0x1010, b"SQ", &seq);
    assert!(code(&good).is_none());
    for cut in 0..good.len() {
        let f = &good[..cut];
        let [(_, page), (_, server)] = both(f);
        assert_eq!(page, server, "cut at {cut}");
    }
    for n in 0..=64 {
        for fill in [0u8, 1, 0xff] {
            let mut f = good.clone();
            f.resize(good.len() + n, fill);
            let [(_, page), (_, server)] = both(&f);
            assert_eq!(page, server, "{n} bytes of {fill}");
        }
    }
}

#[test]
fn the_pages_check_passes_over_pixel_data_without_reading_it() {
    let big = file(&Spec {
        pixels: 8 << 20,
        ..Spec::default()
    });
    let mut counted = Counted(std::io::Cursor::new(&big[..]), 0);
    let v = inspect_seekable(&mut counted, big.len() as u64, &Limits::default());
    assert!(v.accepted().is_some(), "{v:?}");
    assert!(counted.1 < 4096, "read {} bytes", counted.1);
    // Cut short: the page sees it too now (it stopped at Pixel Data).
    let cut = &big[..big.len() - 100];
    let v = inspect_seekable(
        std::io::Cursor::new(cut),
        cut.len() as u64,
        &Limits::default(),
    );
    assert_eq!(v.rejected().map(|r| r.code), Some(RejectCode::Truncated));
}

/// A reader counting the bytes read through it.
struct Counted<R>(R, usize);

impl<R: std::io::Read> std::io::Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.0.read(buf)?;
        self.1 += n;
        Ok(n)
    }
}

impl<R: std::io::Seek> std::io::Seek for Counted<R> {
    fn seek(&mut self, to: std::io::SeekFrom) -> std::io::Result<u64> {
        self.0.seek(to)
    }
}

/// The page's verdict and the server's on a whole file.
fn both(f: &[u8]) -> [(&'static str, mailslot_shared::dicom::Verdict); 2] {
    let len = f.len() as u64;
    [
        (
            "page",
            inspect_seekable(std::io::Cursor::new(f), len, &Limits::default()),
        ),
        ("server", inspect_reader(f, len, len, &Limits::default())),
    ]
}

/// A private sequence converted to VR UN with undefined length (CP-246):
/// its content is implicit VR little endian. dicom-rs 0.10 read it in the
/// file's syntax and the file was refused as `truncated` (issue 14).
fn un_sequence(tag: (u16, u16)) -> Vec<u8> {
    let implicit = |out: &mut Vec<u8>, g: u16, e: u16, value: &[u8]| {
        out.extend_from_slice(&g.to_le_bytes());
        out.extend_from_slice(&e.to_le_bytes());
        out.extend_from_slice(&(value.len() as u32).to_le_bytes());
        out.extend_from_slice(value);
    };
    let mut out = Vec::new();
    out.extend_from_slice(&tag.0.to_le_bytes());
    out.extend_from_slice(&tag.1.to_le_bytes());
    out.extend_from_slice(b"UN\0\0");
    out.extend_from_slice(&[0xff; 4]);
    out.extend_from_slice(&[0xfe, 0xff, 0x00, 0xe0, 0xff, 0xff, 0xff, 0xff]);
    implicit(&mut out, 0x0029, 0x1001, b"abcd");
    // A nested sequence (undefined length: implicit VR's only sign of one).
    out.extend_from_slice(&[0x29, 0x00, 0x02, 0x10, 0xff, 0xff, 0xff, 0xff]);
    out.extend_from_slice(&[0xfe, 0xff, 0x00, 0xe0, 0xff, 0xff, 0xff, 0xff]);
    implicit(&mut out, 0x0029, 0x1003, b"xy");
    out.extend_from_slice(&[0xfe, 0xff, 0x0d, 0xe0, 0, 0, 0, 0]);
    out.extend_from_slice(&[0xfe, 0xff, 0xdd, 0xe0, 0, 0, 0, 0]);
    out.extend_from_slice(&[0xfe, 0xff, 0x0d, 0xe0, 0, 0, 0, 0]);
    // An item of defined length.
    out.extend_from_slice(&[0xfe, 0xff, 0x00, 0xe0, 10, 0, 0, 0]);
    implicit(&mut out, 0x0029, 0x1001, b"zz");
    out.extend_from_slice(&[0xfe, 0xff, 0xdd, 0xe0, 0, 0, 0, 0]);
    out
}

/// `good` with `block` inserted before Pixel Data.
fn before_pixel_data(good: &[u8], block: &[u8]) -> Vec<u8> {
    let at = good
        .windows(6)
        .rposition(|w| w == [0xe0, 0x7f, 0x10, 0x00, b'O', b'W'])
        .unwrap();
    [&good[..at], block, &good[at..]].concat()
}

#[test]
fn un_sequences_in_items_and_at_the_top_are_read_as_implicit_vr() {
    let good = file(&Spec::default());
    let creator = {
        let mut c = Vec::new();
        el(&mut c, 0x0029, 0x0010, b"LO", b"ACME 1.0");
        c
    };
    // At the top level.
    let top = before_pixel_data(
        &good,
        &[&creator[..], &un_sequence((0x0029, 0x1010))].concat(),
    );
    // Nested in an item of an SQ of undefined length, and of an SQ and item
    // of defined length (which the parser ends by counting bytes).
    let nest = |defined: bool| {
        let inner = un_sequence((0x0029, 0x1020));
        let mut sq = Vec::new();
        let item_len: [u8; 4] = if defined {
            (inner.len() as u32).to_le_bytes()
        } else {
            [0xff; 4]
        };
        sq.extend_from_slice(&[0xfe, 0xff, 0x00, 0xe0]);
        sq.extend_from_slice(&item_len);
        sq.extend_from_slice(&inner);
        if !defined {
            sq.extend_from_slice(&[0xfe, 0xff, 0x0d, 0xe0, 0, 0, 0, 0]);
            sq.extend_from_slice(&[0xfe, 0xff, 0xdd, 0xe0, 0, 0, 0, 0]);
        }
        let mut block = creator.clone();
        block.extend_from_slice(&[0x29, 0x00, 0x10, 0x10, b'S', b'Q', 0, 0]);
        let sq_len: [u8; 4] = if defined {
            (sq.len() as u32).to_le_bytes()
        } else {
            [0xff; 4]
        };
        block.extend_from_slice(&sq_len);
        block.extend_from_slice(&sq);
        // An element after the sequence, read in the file's syntax again.
        el(&mut block, 0x0029, 0x1030, b"LO", b"after");
        before_pixel_data(&good, &block)
    };
    for (name, f) in [
        ("top", top.clone()),
        ("nested", nest(false)),
        ("nested, defined lengths", nest(true)),
    ] {
        for (how, v) in both(&f) {
            let s = v
                .accepted()
                .unwrap_or_else(|| panic!("{name}, {how}: {v:?}"));
            assert_eq!(s.sop_instance_uid, "1.2.3.4.5", "{name}, {how}");
            assert!(s.warnings.is_empty(), "{name}, {how}: {:?}", s.warnings);
        }
        // Cut inside the UN sequence: cut short, as before.
        let at = f
            .windows(4)
            .position(|w| w == [0x29, 0x00, 0x10, 0x10])
            .unwrap();
        let cut = &f[..at + 40];
        for (how, v) in both(cut) {
            assert_eq!(
                v.rejected().map(|r| r.code),
                Some(RejectCode::Truncated),
                "{name} cut, {how}"
            );
        }
    }
    // Content that does not nest right (an item delimiter where an item
    // should start) is malformed.
    let mut bad = un_sequence((0x0029, 0x1010));
    bad[12..16].copy_from_slice(&[0xfe, 0xff, 0x0d, 0xe0]);
    let f = before_pixel_data(&good, &[&creator[..], &bad].concat());
    for (how, v) in both(&f) {
        assert_eq!(
            v.rejected().map(|r| r.code),
            Some(RejectCode::Malformed),
            "{how}"
        );
    }
}
