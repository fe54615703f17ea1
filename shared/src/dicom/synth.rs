//! Small DICOM files built in memory (explicit VR little endian), for the
//! tests and benchmarks of every crate: the rules' tests here, the page's
//! browser tests and benchmarks. Real files come from the corpus; these
//! are for cases the corpus lacks (a missing UID, a long vendor header).

/// CT Image Storage.
pub const CT_IMAGE_STORAGE: &str = "1.2.840.10008.5.1.4.1.1.2";
/// Explicit VR Little Endian.
pub const EXPLICIT_VR_LITTLE_ENDIAN: &str = "1.2.840.10008.1.2.1";

/// Appends one explicit-VR little-endian element, padding odd values (UI
/// and OB with NUL, text with a space).
pub fn element(out: &mut Vec<u8>, group: u16, element: u16, vr: &[u8; 2], value: &[u8]) {
    let pad = usize::from(value.len() % 2 == 1);
    let len = value.len() + pad;
    out.extend_from_slice(&group.to_le_bytes());
    out.extend_from_slice(&element.to_le_bytes());
    out.extend_from_slice(vr);
    if matches!(vr, b"OB" | b"OW" | b"SQ" | b"UN" | b"UT") {
        out.extend_from_slice(&[0, 0]);
        out.extend_from_slice(&u32::try_from(len).unwrap_or(u32::MAX).to_le_bytes());
    } else {
        out.extend_from_slice(&u16::try_from(len).unwrap_or(u16::MAX).to_le_bytes());
    }
    out.extend_from_slice(value);
    if pad == 1 {
        out.push(if vr == b"UI" || vr == b"OB" { 0 } else { b' ' });
    }
}

/// The 128-byte preamble, `DICM` and a file meta group (with its group
/// length) naming `sop_class` and `instance`, explicit VR little endian.
/// The data set's elements follow, appended with [`element`].
pub fn file_head(sop_class: &str, instance: &str) -> Vec<u8> {
    let mut meta = Vec::new();
    element(&mut meta, 0x0002, 0x0001, b"OB", &[0, 1]);
    element(&mut meta, 0x0002, 0x0002, b"UI", sop_class.as_bytes());
    element(&mut meta, 0x0002, 0x0003, b"UI", instance.as_bytes());
    element(
        &mut meta,
        0x0002,
        0x0010,
        b"UI",
        EXPLICIT_VR_LITTLE_ENDIAN.as_bytes(),
    );
    let mut out = vec![0u8; 128];
    out.extend_from_slice(b"DICM");
    let len = u32::try_from(meta.len()).unwrap_or(u32::MAX);
    element(&mut out, 0x0002, 0x0000, b"UL", &len.to_le_bytes());
    out.extend_from_slice(&meta);
    out
}

/// `file` (as [`file_head`] writes it) without its file meta group length
/// (0002,0000): as some tools write files.
pub fn without_group_length(file: &[u8]) -> Vec<u8> {
    let mut out = file.get(..132).unwrap_or_default().to_vec();
    out.extend_from_slice(file.get(144..).unwrap_or_default());
    out
}

/// A CT image of one patient: `pixels` bytes of pixel data and, if
/// `private` > 0, a vendor element of that many bytes before the patient's
/// name.
pub fn ct_image(
    instance: &str,
    study: &str,
    patient: &str,
    pixels: usize,
    private: usize,
) -> Vec<u8> {
    let mut out = file_head(CT_IMAGE_STORAGE, instance);
    element(&mut out, 0x0008, 0x0016, b"UI", CT_IMAGE_STORAGE.as_bytes());
    element(&mut out, 0x0008, 0x0018, b"UI", instance.as_bytes());
    element(&mut out, 0x0008, 0x0020, b"DA", b"20240131");
    element(&mut out, 0x0008, 0x0060, b"CS", b"CT");
    if private > 0 {
        element(&mut out, 0x0009, 0x0010, b"LO", b"ACME 1.0");
        element(&mut out, 0x0009, 0x1001, b"OB", &vec![3u8; private]);
    }
    element(&mut out, 0x0010, 0x0010, b"PN", patient.as_bytes());
    element(&mut out, 0x0020, 0x000D, b"UI", study.as_bytes());
    element(
        &mut out,
        0x0020,
        0x000E,
        b"UI",
        format!("{study}.1").as_bytes(),
    );
    element(&mut out, 0x7FE0, 0x0010, b"OW", &vec![7u8; pixels]);
    out
}
