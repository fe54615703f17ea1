//! The inspector: one streaming pass over a file that applies the rules.

use std::cell::RefCell;
use std::io::{self, Read, Seek};

use dicom_core::dictionary::{UidDictionary, UidType};
use dicom_dictionary_std::{sop_class, uids};
use dicom_encoding::transfer_syntax::{Codec, TransferSyntaxIndex};
use dicom_object::meta::FileMetaTable;
use dicom_transfer_syntax_registry::TransferSyntaxRegistry;

use super::meta::{read_meta_group, MetaProblem};
use super::reason::{RejectCode, WarningCode};
use super::source::{read_up_to, Feed, Prefixed, Seekable, Skip, Streamed};
use super::uid::is_valid_uid;
use super::walk::{trim_uid, walk, Collect, End, Listing, Stop};
use super::{Limits, Rejection, Scope, Summary, Verdict};

/// Applies the rules to `bytes`, the first `bytes.len()` bytes of a file of
/// `file_len` bytes. When `bytes` is the whole file the check is full;
/// otherwise the verdict rests on the prefix (reading stops at Pixel Data).
pub fn inspect(bytes: &[u8], file_len: u64, limits: &Limits) -> Verdict {
    inspect_reader(bytes, file_len, bytes.len() as u64, limits)
}

/// Applies the rules to a stream holding the first `available` bytes of a
/// file of `file_len` bytes. Memory use is bounded by the parser's buffers,
/// whatever the file size: values that are not summarised are skipped.
pub fn inspect_reader<R: Read>(
    reader: R,
    file_len: u64,
    available: u64,
    limits: &Limits,
) -> Verdict {
    verdict(run(Streamed(reader), file_len, available, limits, None))
}

/// Applies the rules to a whole file of `file_len` bytes that can be read
/// out of order (`reader` at its start): the same check as over the whole
/// stream, but the values it does not look at — the pixel data above all —
/// are passed over rather than read. What the page does for every file.
pub fn inspect_seekable<R: Read + Seek>(reader: R, file_len: u64, limits: &Limits) -> Verdict {
    verdict(run(
        Seekable::new(reader, file_len),
        file_len,
        file_len,
        limits,
        None,
    ))
}

fn verdict(ran: Result<Summary, Rejection>) -> Verdict {
    match ran {
        Ok(summary) => Verdict::Accepted(Box::new(summary)),
        Err(rejection) => Verdict::Rejected(rejection),
    }
}

/// The images a whole DICOMDIR of `file_len` bytes lists (its directory
/// records' Referenced SOP Instance UIDs in File, as read), or `None` when
/// the stream is not a DICOMDIR the rules can read to its end.
pub(super) fn dicomdir_listing<R: Read>(reader: R, file_len: u64) -> Option<Vec<String>> {
    let mut listing = Listing::default();
    let verdict = run(
        Streamed(reader),
        file_len,
        file_len,
        &Limits::default(),
        Some(&mut listing),
    );
    match verdict {
        Err(r) if r.code == RejectCode::Dicomdir && listing.complete => Some(listing.uids),
        _ => None,
    }
}

/// The rules. With `listing`, a DICOMDIR's records are read into it before
/// the file is refused as a DICOMDIR.
fn run<S: Skip>(
    mut reader: S,
    file_len: u64,
    available: u64,
    limits: &Limits,
    listing: Option<&mut Listing>,
) -> Result<Summary, Rejection> {
    if file_len == 0 {
        return Err(Rejection::new(RejectCode::Empty));
    }
    if file_len > limits.max_file_size {
        return Err(Rejection::new(RejectCode::TooLarge));
    }
    let full = available >= file_len;

    let mut head = [0u8; 132];
    let n = read_up_to(&mut reader, &mut head)
        .map_err(|_| Rejection::with(RejectCode::Malformed, "read error"))?;
    if n < head.len() || &head[128..132] != b"DICM" {
        return Err(Rejection::new(sniff(&head[..n])));
    }
    // A preamble that runs as a program makes the file an executable too.
    if is_program(&head[..128]) {
        return Err(Rejection::new(RejectCode::ExecutablePreamble));
    }

    // The file meta group, read into a bounded buffer and checked before
    // dicom-object parses it (it reserves whatever length an element
    // claims, so a crafted header could make it reserve gigabytes).
    let read_meta = match read_meta_group(&mut reader) {
        Ok(meta) => meta,
        Err(MetaProblem::Short) if full => return Err(Rejection::new(RejectCode::Truncated)),
        Err(_) => return Err(Rejection::new(RejectCode::BadFileMeta)),
    };
    // What was read past the group belongs to the data set.
    let reader = Prefixed::new(read_meta.after, reader);
    let mut meta_src = io::Read::chain(&b"DICM"[..], &read_meta.bytes[..]);
    let meta = match FileMetaTable::from_reader(&mut meta_src) {
        Ok(meta) => meta,
        Err(_) => return Err(Rejection::new(RejectCode::BadFileMeta)),
    };
    let ts_uid = trim_uid(meta.transfer_syntax()).to_owned();
    if ts_uid.is_empty() {
        return Err(Rejection::new(RejectCode::BadFileMeta));
    }
    let ts = TransferSyntaxRegistry
        .get(&ts_uid)
        .ok_or_else(|| Rejection::with(RejectCode::UnknownTransferSyntax, ts_uid.clone()))?;

    let mut summary = Summary {
        scope: Some(if full { Scope::Full } else { Scope::Prefix }),
        size: file_len,
        dataset_offset: read_meta.dataset_offset,
        transfer_syntax_uid: ts_uid.clone(),
        transfer_syntax_name: ts.name().to_owned(),
        ..Summary::default()
    };

    if read_meta.made_up_length {
        summary.warnings.push(WarningCode::NoMetaGroupLength);
    }
    let meta_sop_class = trim_uid(meta.media_storage_sop_class_uid()).to_owned();
    if meta_sop_class == uids::MEDIA_STORAGE_DIRECTORY_STORAGE {
        if let (Some(listing), Some(source), true) = (listing, dataset(reader, ts), full) {
            let feed = RefCell::new(Feed::new(source, u64::MAX));
            let walked = walk(&feed, ts, true, Collect::Listing(&mut *listing));
            // Lenient like dcmtk: a DICOMDIR whose records run past its
            // end (a sequence length not updated after an edit) still
            // lists what it holds; only a parse error voids the list.
            listing.complete = walked.end.is_ok();
        }
        return Err(Rejection::new(RejectCode::Dicomdir));
    }

    // The data set, streamed.
    let Some(source) = dataset(reader, ts) else {
        return Err(Rejection::with(
            RejectCode::UnsupportedTransferSyntax,
            ts_uid,
        ));
    };
    let feed = RefCell::new(Feed::new(source, limits.max_file_size));
    let walked = walk(&feed, ts, full, Collect::Summary(&mut summary));
    let Feed { read, eof, cap, .. } = *feed.borrow();
    if read > cap {
        return Err(Rejection::new(RejectCode::TooLarge));
    }
    let (end, out_of_order) = (walked.end, walked.out_of_order);
    // The parser skips values by copying; a short copy is not an error to
    // it, so compare what it assumed with what arrived.
    let cut = match &end {
        Ok(End::Complete { assumed }) => full && *assumed > read,
        Ok(End::Unclosed) => full,
        Ok(End::StoppedAtPixelData | End::Padded { .. }) | Err(Stop::TrailingData) => false,
        Err(Stop::Parser(_)) => full && eof,
    };
    if out_of_order && (cut || matches!(end, Err(Stop::Parser(_)))) {
        // An element out of order after which nothing can be read: bytes
        // that are not part of the data set follow it.
        return Err(Rejection::new(RejectCode::TrailingData));
    }
    match end {
        _ if cut => return Err(Rejection::new(RejectCode::Truncated)),
        Ok(End::Padded { at }) => {
            summary.warnings.push(WarningCode::TrailingPadding);
            // What a C-STORE sends ends there (a deflated stream ends
            // where the inflater stops, before any padding).
            if !matches!(ts.codec(), Codec::Dataset(Some(_))) {
                summary.dataset_end = Some(summary.dataset_offset + at);
            }
        }
        Ok(_) => {}
        Err(Stop::TrailingData) => return Err(Rejection::new(RejectCode::TrailingData)),
        Err(Stop::Parser(_)) if eof && !full => {} // the prefix ended mid-element
        Err(Stop::Parser(e)) => return Err(Rejection::with(RejectCode::Malformed, e)),
    }

    check_identity(&mut summary, &meta, &meta_sop_class)?;
    Ok(summary)
}

/// The data set after the file meta group, inflated if the transfer syntax
/// is deflated; `None` for a data set codec this build lacks.
fn dataset<'r, S: Skip + 'r>(
    reader: S,
    ts: &dicom_encoding::TransferSyntax,
) -> Option<Box<dyn Skip + 'r>> {
    match ts.codec() {
        Codec::Dataset(Some(adapter)) => {
            Some(Box::new(Streamed(adapter.adapt_reader(Box::new(reader)))))
        }
        Codec::Dataset(None) => None,
        Codec::None | Codec::EncapsulatedPixelData(..) => Some(Box::new(reader)),
    }
}

/// Rules 5 and 6: SOP class kind and the four identifying UIDs.
fn check_identity(
    s: &mut Summary,
    meta: &FileMetaTable,
    meta_sop_class: &str,
) -> Result<(), Rejection> {
    let checks = [
        (
            &s.sop_class_uid,
            RejectCode::MissingSopClassUid,
            RejectCode::InvalidSopClassUid,
        ),
        (
            &s.sop_instance_uid,
            RejectCode::MissingSopInstanceUid,
            RejectCode::InvalidSopInstanceUid,
        ),
        (
            &s.study_instance_uid,
            RejectCode::MissingStudyInstanceUid,
            RejectCode::InvalidStudyInstanceUid,
        ),
        (
            &s.series_instance_uid,
            RejectCode::MissingSeriesInstanceUid,
            RejectCode::InvalidSeriesInstanceUid,
        ),
    ];
    for (value, missing, invalid) in checks {
        if value.is_empty() {
            return Err(Rejection::new(missing));
        }
        if !is_valid_uid(value) {
            return Err(Rejection::new(invalid));
        }
    }
    match storage_class(&s.sop_class_uid) {
        ClassKind::Dicomdir => return Err(Rejection::new(RejectCode::Dicomdir)),
        ClassKind::NotStorage => {
            return Err(Rejection::with(
                RejectCode::NotStorage,
                s.sop_class_uid.clone(),
            ))
        }
        ClassKind::Storage(name) => s.sop_class_name = Some(name.to_owned()),
        ClassKind::Private => s.warnings.push(WarningCode::PrivateSopClass),
    }
    let meta_instance = trim_uid(meta.media_storage_sop_instance_uid());
    if meta_sop_class != s.sop_class_uid || meta_instance != s.sop_instance_uid {
        s.warnings.push(WarningCode::MetaUidMismatch);
    }
    Ok(())
}

enum ClassKind {
    Storage(&'static str),
    Dicomdir,
    NotStorage,
    Private,
}

/// Classifies a SOP class UID with the standard's UID registry. A class is
/// a storage class when its name says so (“… Storage”, “… Storage - For
/// Presentation”, retired ones included); classes outside the standard's
/// root `1.2.840.10008` are vendors' private classes.
fn storage_class(uid: &str) -> ClassKind {
    if uid == uids::MEDIA_STORAGE_DIRECTORY_STORAGE {
        return ClassKind::Dicomdir;
    }
    match sop_class::registry().by_uid(uid) {
        Some(entry) if entry.r#type == UidType::SopClass && is_storage_name(entry.name) => {
            ClassKind::Storage(entry.name)
        }
        Some(_) => ClassKind::NotStorage,
        None if uid.starts_with("1.2.840.10008.") => ClassKind::NotStorage,
        None => ClassKind::Private,
    }
}

/// Whether a standard SOP class name denotes a storage SOP class.
pub(crate) fn is_storage_name(name: &str) -> bool {
    let name = name.trim_end_matches(" (Retired)");
    !name.starts_with("Storage Commitment")
        && !name.starts_with("Storage Management")
        && (name.ends_with(" Storage")
            || name.contains(" Storage - For ")
            || name.ends_with(" Storage SOP Class"))
}

/// Whether bytes start like an executable: Windows PE (`MZ`), ELF, or
/// Mach-O (32/64 bit either byte order, and universal binaries).
fn is_program(head: &[u8]) -> bool {
    const MAGICS: [&[u8]; 7] = [
        b"MZ",
        b"\x7fELF",
        &[0xfe, 0xed, 0xfa, 0xce],
        &[0xfe, 0xed, 0xfa, 0xcf],
        &[0xce, 0xfa, 0xed, 0xfe],
        &[0xcf, 0xfa, 0xed, 0xfe],
        &[0xca, 0xfe, 0xba, 0xbe],
    ];
    MAGICS.iter().any(|m| head.starts_with(m))
}

/// Names what a non-PS3.10 file is from its first bytes.
fn sniff(head: &[u8]) -> RejectCode {
    let starts = |magic: &[u8]| head.starts_with(magic);
    if is_program(head) {
        RejectCode::Program
    } else if starts(b"PK\x03\x04")
        || starts(b"PK\x05\x06")
        || starts(&[0x1f, 0x8b])
        || starts(b"7z\xbc\xaf\x27\x1c")
        || starts(b"Rar!")
    {
        RejectCode::Archive
    } else if starts(b"%PDF-") {
        RejectCode::Pdf
    } else if looks_like_raw_dataset(head) {
        RejectCode::MissingFileMeta
    } else {
        RejectCode::NotDicom
    }
}

/// A data set written without preamble and meta group starts with a small
/// even group number (0x0008 in practice) and a plausible element header,
/// in either byte order.
fn looks_like_raw_dataset(head: &[u8]) -> bool {
    if head.len() < 8 {
        return false;
    }
    let le = u16::from_le_bytes([head[0], head[1]]);
    let be = u16::from_be_bytes([head[0], head[1]]);
    let vr_ok = head[4].is_ascii_uppercase() && head[5].is_ascii_uppercase();
    let implicit_len_ok = u32::from_le_bytes([head[4], head[5], head[6], head[7]]) < 0x1_0000;
    (le == 0x0008 && (vr_ok || implicit_len_ok)) || (be == 0x0008 && vr_ok)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn storage_names() {
        assert!(is_storage_name("CT Image Storage"));
        assert!(is_storage_name(
            "Digital X-Ray Image Storage - For Presentation"
        ));
        assert!(is_storage_name("Encapsulated PDF Storage"));
        assert!(is_storage_name("Nuclear Medicine Image Storage (Retired)"));
        assert!(!is_storage_name("Storage Commitment Push Model SOP Class"));
        assert!(!is_storage_name("Verification SOP Class"));
        assert!(!is_storage_name(
            "Modality Worklist Information Model - FIND"
        ));
    }

    #[test]
    fn classes() {
        assert!(matches!(
            storage_class("1.2.840.10008.5.1.4.1.1.2"),
            ClassKind::Storage(_)
        ));
        assert!(matches!(
            storage_class("1.2.840.10008.1.3.10"),
            ClassKind::Dicomdir
        ));
        assert!(matches!(
            storage_class("1.2.840.10008.1.1"),
            ClassKind::NotStorage
        ));
        assert!(matches!(
            storage_class("1.2.840.10008.99.99"),
            ClassKind::NotStorage
        ));
        assert!(matches!(
            storage_class("1.3.12.2.1107.5.9.1"),
            ClassKind::Private
        ));
    }

    #[test]
    fn sniffing() {
        assert_eq!(sniff(b"MZ\x90\x00"), RejectCode::Program);
        assert_eq!(sniff(b"PK\x03\x04rest"), RejectCode::Archive);
        assert_eq!(sniff(&[0x1f, 0x8b, 8, 0]), RejectCode::Archive);
        assert_eq!(sniff(b"%PDF-1.4"), RejectCode::Pdf);
        assert_eq!(sniff(b"[autorun]\r\nopen=viewer.exe"), RejectCode::NotDicom);
        assert_eq!(
            sniff(b"\x08\x00\x05\x00CS\x0a\x00"),
            RejectCode::MissingFileMeta
        );
        assert_eq!(sniff(b""), RejectCode::NotDicom);
    }

    /// Found by the `dicom_inspect` fuzz target: an element of the file meta
    /// group claims 0xF2F2F2F2 bytes, and dicom-object reserved that much.
    #[test]
    fn meta_element_longer_than_its_group_is_refused_without_allocating() {
        let mut f = vec![0u8; 128];
        f.extend_from_slice(b"DICM");
        f.extend_from_slice(&[0x02, 0x00, 0x00, 0x00, b'U', b'L', 4, 0, 20, 0, 0, 0]);
        f.extend_from_slice(&[
            0x02, 0x00, 0x03, 0x00, b'U', b'T', 0, 0, 0xf2, 0xf2, 0xf2, 0xf2,
        ]);
        f.extend_from_slice(&[0u8; 8]);
        let v = inspect(&f, f.len() as u64, &Limits::default());
        assert_eq!(v.rejected().map(|r| r.code), Some(RejectCode::BadFileMeta));
        // A meta group longer than the maximum is refused before reading it.
        let mut g = vec![0u8; 128];
        g.extend_from_slice(b"DICM");
        g.extend_from_slice(&[
            0x02, 0x00, 0x00, 0x00, b'U', b'L', 4, 0, 0xff, 0xff, 0xff, 0x7f,
        ]);
        let v = inspect(
            &g,
            1 << 40,
            &Limits {
                max_file_size: u64::MAX,
            },
        );
        assert_eq!(v.rejected().map(|r| r.code), Some(RejectCode::BadFileMeta));
    }

    /// Issue 14: files whose file meta group has no (0002,0000) were
    /// refused as `bad-file-meta`, though dcmtk and Orthanc read them.
    #[test]
    #[allow(clippy::unwrap_used, clippy::panic)]
    fn a_file_meta_group_without_its_length_is_read_element_by_element() {
        use crate::dicom::synth::{ct_image, without_group_length};
        let good = ct_image("1.2.3.4", "1.2.3", "DOE^JANE", 64, 0);
        let bare = without_group_length(&good);
        assert_eq!(bare.len() + 12, good.len());
        let v = inspect(&bare, bare.len() as u64, &Limits::default());
        let s = v.accepted().unwrap_or_else(|| panic!("{v:?}"));
        assert_eq!(s.warnings, [WarningCode::NoMetaGroupLength]);
        assert_eq!(s.sop_instance_uid, "1.2.3.4");
        let w = inspect(&good, good.len() as u64, &Limits::default());
        let w = w.accepted().unwrap();
        assert!(w.warnings.is_empty());
        // The data set starts where it does in the file, in both.
        assert_eq!(s.dataset_offset + 12, w.dataset_offset);
        assert_eq!(
            bare[s.dataset_offset as usize..],
            good[w.dataset_offset as usize..]
        );
        // A prefix (as the page reads a large file) says the same.
        let head = &bare[..bare.len() - 40];
        let p = inspect(head, bare.len() as u64, &Limits::default());
        assert_eq!(
            p.accepted().map(|p| p.warnings.clone()),
            Some(s.warnings.clone())
        );
        // A group that is actually inconsistent is still refused: an
        // unknown VR, an element running past the limit, a file ending
        // inside the group.
        let mut unknown_vr = bare.clone();
        unknown_vr[132 + 4..132 + 6].copy_from_slice(b"ZZ");
        let mut too_long = bare.clone();
        too_long[132 + 8..132 + 12].copy_from_slice(&0x7fff_ffffu32.to_le_bytes());
        for (name, f) in [("unknown VR", &unknown_vr), ("too long", &too_long)] {
            let v = inspect(f, f.len() as u64, &Limits::default());
            assert_eq!(
                v.rejected().map(|r| r.code),
                Some(RejectCode::BadFileMeta),
                "{name}"
            );
        }
        let cut = &bare[..150];
        let v = inspect(cut, cut.len() as u64, &Limits::default());
        assert_eq!(v.rejected().map(|r| r.code), Some(RejectCode::Truncated));
    }

    /// Found by the `dicom_inspect` fuzz target in CI: an item delimiter
    /// at the top level followed by an item header made dicom-parser 0.10's
    /// lazy reader panic ("item header should be read only inside an
    /// existing sequence"). The walk now refuses a delimiter that closes
    /// nothing, before the parser reads on.
    #[test]
    fn nesting_deeper_than_the_limit_is_malformed_and_below_it_accepted() {
        use crate::dicom::synth::ct_image;
        // A valid image with `levels` nested sequences, each in an item,
        // after Pixel Data (a private SQ with undefined lengths), closed.
        let nested = |levels: usize| {
            let mut f = ct_image("1.2.3.4", "1.2.3", "DOE^JANE", 64, 0);
            for _ in 0..levels {
                f.extend_from_slice(&[0xe1, 0x7f, 0x10, 0x10, b'S', b'Q', 0, 0]);
                f.extend_from_slice(&[0xff; 4]);
                f.extend_from_slice(&[0xfe, 0xff, 0x00, 0xe0, 0xff, 0xff, 0xff, 0xff]);
            }
            for _ in 0..levels {
                f.extend_from_slice(&[0xfe, 0xff, 0x0d, 0xe0, 0, 0, 0, 0]);
                f.extend_from_slice(&[0xfe, 0xff, 0xdd, 0xe0, 0, 0, 0, 0]);
            }
            f
        };
        use crate::dicom::walk::MAX_NESTING;
        let shallow = nested(MAX_NESTING / 2 - 1);
        let v = inspect(&shallow, shallow.len() as u64, &Limits::default());
        assert!(v.accepted().is_some(), "{v:?}");
        let deep = nested(MAX_NESTING / 2 + 1);
        let v = inspect(&deep, deep.len() as u64, &Limits::default());
        assert_eq!(v.rejected().map(|r| r.code), Some(RejectCode::Malformed));
    }

    #[test]
    fn a_preamble_that_is_a_program_is_refused() {
        use crate::dicom::synth::ct_image;
        let good = ct_image("1.2.3.4", "1.2.3", "DOE^JANE", 64, 0);
        assert!(inspect(&good, good.len() as u64, &Limits::default())
            .accepted()
            .is_some());
        let magics: [&[u8]; 4] = [
            b"MZ\x90\x00",
            b"\x7fELF",
            &[0xcf, 0xfa, 0xed, 0xfe],
            &[0xfe, 0xed, 0xfa, 0xce],
        ];
        for magic in magics {
            let mut f = good.clone();
            f[..magic.len()].copy_from_slice(magic);
            let v = inspect(&f, f.len() as u64, &Limits::default());
            assert_eq!(
                v.rejected().map(|r| r.code),
                Some(RejectCode::ExecutablePreamble),
                "{magic:?}"
            );
        }
    }

    #[test]
    fn stray_item_delimiter_is_malformed_not_a_panic() {
        use crate::dicom::synth::{element, file_head, CT_IMAGE_STORAGE};
        let mut f = file_head(CT_IMAGE_STORAGE, "1.2.3.4");
        element(&mut f, 0x0008, 0x0016, b"UI", CT_IMAGE_STORAGE.as_bytes());
        // (FFFE,E00D) item delimitation item, then (FFFE,E000) an item.
        f.extend_from_slice(&[0xfe, 0xff, 0x0d, 0xe0, 0, 0, 0, 0]);
        f.extend_from_slice(&[0xfe, 0xff, 0x00, 0xe0, 4, 0, 0, 0, 1, 2, 3, 4]);
        element(&mut f, 0x0008, 0x0018, b"UI", b"1.2.3.4");
        let big = f.len() as u64 + (1 << 20);
        for file_len in [f.len() as u64, big] {
            // whole file, and a prefix of a longer one
            let v = inspect(&f, file_len, &Limits::default());
            assert_eq!(
                v.rejected().map(|r| r.code),
                Some(RejectCode::Malformed),
                "file_len {file_len}"
            );
        }
        // A sequence delimiter that closes nothing is refused alike.
        let mut g = file_head(CT_IMAGE_STORAGE, "1.2.3.4");
        element(&mut g, 0x0008, 0x0016, b"UI", CT_IMAGE_STORAGE.as_bytes());
        g.extend_from_slice(&[0xfe, 0xff, 0xdd, 0xe0, 0, 0, 0, 0]);
        g.extend_from_slice(&[0xfe, 0xff, 0x00, 0xe0, 4, 0, 0, 0, 1, 2, 3, 4]);
        element(&mut g, 0x0008, 0x0018, b"UI", b"1.2.3.4");
        let v = inspect(&g, g.len() as u64, &Limits::default());
        assert!(v.rejected().is_some());
    }

    /// Found by the `dicomdir` fuzz target: a meta element with an
    /// unknown VR ("UG") passed the group check with a 2-byte length, and
    /// dicom-object then read a 4-byte length from the value and reserved
    /// 3.5 GB. The group check now knows every VR's length size.
    #[test]
    fn meta_element_with_an_unknown_vr_is_refused_before_parsing() {
        use crate::dicom::synth::{file_head, CT_IMAGE_STORAGE};
        let good = file_head(CT_IMAGE_STORAGE, "1.2.3.4");
        // (0002,0003) UI: 128 + "DICM" + group length (12) + (0002,0001)
        // (14) + (0002,0002) (8 + 26).
        let at = 132 + 12 + 14 + 8 + CT_IMAGE_STORAGE.len() + 1;
        assert_eq!(good[at..at + 6], [0x02, 0x00, 0x03, 0x00, b'U', b'I']);
        let mut bad = good.clone();
        bad[at + 4..at + 6].copy_from_slice(b"UG");
        assert!(read_meta_group(&mut &good[132..]).is_ok());
        assert!(matches!(
            read_meta_group(&mut &bad[132..]),
            Err(MetaProblem::Malformed)
        ));
        let v = inspect(&bad, bad.len() as u64, &Limits::default());
        assert_eq!(v.rejected().map(|r| r.code), Some(RejectCode::BadFileMeta));
    }

    #[test]
    fn empty_and_too_large() {
        let limits = Limits { max_file_size: 10 };
        assert_eq!(
            inspect(b"", 0, &limits).rejected().map(|r| r.code),
            Some(RejectCode::Empty)
        );
        assert_eq!(
            inspect(&[0; 11], 11, &limits).rejected().map(|r| r.code),
            Some(RejectCode::TooLarge)
        );
    }
}
