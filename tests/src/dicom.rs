//! DICOM bytes for comparisons: a file's data set, one element's header,
//! the data set as dcmtk re-writes it.

use std::process::Command;

/// The data set bytes of a PS3.10 file (after preamble and file meta):
/// the file meta group's elements (explicit VR little endian, group 0002)
/// walked one by one, so that a group without its length (0002,0000) is
/// found as well.
pub fn dataset(file: &[u8]) -> &[u8] {
    let mut at = 132;
    while file.get(at..at + 2) == Some(&[0x02, 0x00][..]) {
        let Some((head, len)) = explicit_le_element(file, at) else {
            break;
        };
        at += head + len as usize;
    }
    file.get(at..).unwrap_or(&[])
}

/// The explicit VR little endian element header at `at` in `file`: its own
/// length (8 or 12 bytes) and the value length it declares (0 where the
/// file ends inside the length field); `None` where it ends before the VR.
pub fn explicit_le_element(file: &[u8], at: usize) -> Option<(usize, u32)> {
    let vr = file.get(at + 4..at + 6)?;
    let long = matches!(
        vr,
        b"OB" | b"OW" | b"OF" | b"SQ" | b"UN" | b"UT" | b"UC" | b"UR" | b"OD" | b"OL" | b"OV"
    );
    Some(if long {
        let l = file.get(at + 8..at + 12).unwrap_or(&[0; 4]);
        (12, u32::from_le_bytes([l[0], l[1], l[2], l[3]]))
    } else {
        let l = file.get(at + 6..at + 8).unwrap_or(&[0; 2]);
        (8, u32::from(u16::from_le_bytes([l[0], l[1]])))
    })
}

/// The data set of `file` after a round trip through dcmtk's `dcmconv`
/// (explicit lengths, dcmtk's padding): how Orthanc re-writes what it
/// receives over C-STORE, applied to both sides of a comparison.
pub fn normalized_dataset(file: &[u8]) -> Vec<u8> {
    let dir = tempfile::tempdir().expect("tempdir");
    let (input, output) = (dir.path().join("in.dcm"), dir.path().join("out.dcm"));
    std::fs::write(&input, file).expect("write");
    let ok = Command::new("dcmconv")
        .arg(&input)
        .arg(&output)
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        return Vec::new();
    }
    dataset(&std::fs::read(&output).unwrap_or_default()).to_vec()
}
