//! DICOM bytes for comparisons: what "byte-identical" means for each
//! receiver, the files sent by SOP Instance UID, a file's data set, one
//! element's header, the data set as dcmtk re-writes it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use mailslot_shared::dicom::{inspect, Limits};

use crate::{files_under, sha256, Failures};

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

/// Accepted files under `dir`, grouped by SOP Instance UID (several files
/// may carry one instance in different encodings; the first to arrive wins).
pub fn sources(dir: &Path) -> BTreeMap<String, Vec<PathBuf>> {
    let mut by_uid: BTreeMap<String, Vec<PathBuf>> = BTreeMap::new();
    for path in files_under(dir) {
        let bytes = std::fs::read(&path).expect("a corpus file");
        if let Some(s) = inspect(&bytes, bytes.len() as u64, &Limits::default()).accepted() {
            by_uid
                .entry(s.sop_instance_uid.clone())
                .or_default()
                .push(path);
        }
    }
    by_uid
}

/// What "byte-identical" can mean for a receiver.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Same {
    /// The whole file (embedded inbox, STOW-RS: the receiver keeps our bytes).
    File,
    /// The data set (C-STORE to a bit-preserving receiver, which writes its
    /// own file meta group).
    Dataset,
    /// The data set after both sides went through dcmtk's writer: Orthanc
    /// re-encodes what it receives over C-STORE (e.g. undefined-length
    /// sequences become explicit-length), so only that can be compared.
    Normalized,
}

/// The SHA-256 of what `same` compares of `bytes`.
pub fn digest(bytes: &[u8], same: Same) -> String {
    match same {
        Same::File => sha256(bytes),
        // An odd-length (deflated) data set travels with its PS3.5 A.5 pad byte.
        Same::Dataset => {
            let mut d = dataset(without_padding(bytes)).to_vec();
            if d.len() % 2 == 1 {
                d.push(0);
            }
            sha256(&d)
        }
        Same::Normalized => sha256(&normalized_dataset(without_padding(bytes))),
    }
}

/// `file` without zero padding after its data set: not part of the data
/// set, so a C-STORE does not send it (dcmtk would read it as an element).
pub fn without_padding(file: &[u8]) -> &[u8] {
    let end = inspect(file, file.len() as u64, &Limits::default())
        .accepted()
        .and_then(|s| s.dataset_end)
        .map_or(file.len(), |e| e as usize);
    &file[..end]
}

/// Checks that every received object equals (per `same`) a source file
/// with the same SOP Instance UID.
pub fn check_arrivals(
    f: &mut Failures,
    received: &[(String, Vec<u8>)],
    sources: &BTreeMap<String, Vec<PathBuf>>,
    same: Same,
) {
    for (uid, file) in received {
        let Some(candidates) = sources.get(uid) else {
            f.check(false, || {
                format!("received an instance we did not send: {uid}")
            });
            continue;
        };
        let got = digest(file, same);
        let matches = candidates
            .iter()
            .any(|p| got == digest(&std::fs::read(p).expect("a source file"), same));
        f.check(matches, || {
            format!("{uid}: bytes differ from every source ({candidates:?})")
        });
    }
}
