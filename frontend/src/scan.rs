//! The scan: what each chosen file is. Runs in the scan worker
//! (`worker.rs`); the acceptance rules themselves are `shared`'s, the same
//! the server applies again after upload.
//!
//! Files are read through [`BlobReader`]: small files whole, large ones in
//! chunks, and only up to Pixel Data. ZIP archives are opened over blob
//! slices and their members extracted into browser-held blobs
//! (`zipscan.rs`). A DICOMDIR is read for cross-checking only: every file
//! is looked at whether the DICOMDIR lists it or not.

use std::io::{Read, Seek, SeekFrom};

use mailslot_shared::dicom::{
    inspect_reader, listed_instances, Limits, RejectCode, Summary, Verdict,
};
use serde::{Deserialize, Serialize};
use web_sys::Blob;

use crate::blob::{self, BlobReader};

/// Files up to this size (read whole by the first read anyway) get the
/// full check; for larger ones the check stops at Pixel Data (the server
/// checks the whole file again).
pub const FULL_CHECK_MAX: u64 = blob::FIRST;

/// An image (or other DICOM object) the scan accepted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Found {
    /// Where it was: the path inside the chosen folder or ZIP.
    pub path: String,
    /// What the rules read from it.
    pub summary: Summary,
}

/// Why a file is not offered for sending.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "code", rename_all = "kebab-case")]
pub enum IgnoreReason {
    /// `shared`'s acceptance rules refused it.
    Rule(RejectCode),
    /// The same image (SOP Instance) was already found in another file.
    Duplicate,
    /// The browser could not read it.
    Unreadable,
    /// A ZIP archive that cannot be read.
    ZipBroken,
    /// A password-protected ZIP member.
    ZipEncrypted,
    /// A ZIP member whose name tries to leave the archive (`../`, `/etc`).
    ZipUnsafePath,
    /// A ZIP member that unpacks to far more than it could hold, or an
    /// archive beyond the session's size or entry limits.
    ZipTooLarge,
}

impl IgnoreReason {
    /// The page's own reasons (the rules' are `RejectCode::ALL`).
    pub const OWN: &'static [IgnoreReason] = &[
        IgnoreReason::Duplicate,
        IgnoreReason::Unreadable,
        IgnoreReason::ZipBroken,
        IgnoreReason::ZipEncrypted,
        IgnoreReason::ZipUnsafePath,
        IgnoreReason::ZipTooLarge,
    ];

    /// Stable code, also the Fluent message id suffix.
    pub fn code(self) -> &'static str {
        match self {
            IgnoreReason::Rule(c) => c.code(),
            IgnoreReason::Duplicate => "duplicate",
            IgnoreReason::Unreadable => "unreadable",
            IgnoreReason::ZipBroken => "zip-broken",
            IgnoreReason::ZipEncrypted => "zip-encrypted",
            IgnoreReason::ZipUnsafePath => "zip-unsafe-path",
            IgnoreReason::ZipTooLarge => "zip-too-large",
        }
    }
}

/// A file that is not offered, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ignored {
    /// Where it was.
    pub path: String,
    /// Its size in bytes.
    pub size: u64,
    /// Why it is left out.
    pub reason: IgnoreReason,
}

/// A DICOMDIR and the images it lists (SOP Instance UIDs).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dicomdir {
    /// Where it was.
    pub path: String,
    /// The Referenced SOP Instance UIDs of its records.
    pub listed: Vec<String>,
}

/// What one scan found. `found[i]` belongs to the i-th blob the worker
/// sends back with the report.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ScanReport {
    /// Acceptable objects, in the order found.
    pub found: Vec<Found>,
    /// Everything left out.
    pub ignored: Vec<Ignored>,
    /// DICOMDIRs, for the cross-check.
    pub dicomdirs: Vec<Dicomdir>,
}

/// Scans files one by one, collecting a report and the blobs to send.
#[derive(Debug)]
pub struct Scanner {
    limits: Limits,
    /// Budget left for unpacking ZIP members (bytes).
    pub(crate) unpack_budget: u64,
    report: ScanReport,
    blobs: js_sys::Array,
}

impl Scanner {
    /// A scanner applying `limits`, unpacking at most `unpack_budget` bytes
    /// out of ZIP archives in total.
    pub fn new(limits: Limits, unpack_budget: u64) -> Self {
        Scanner {
            limits,
            unpack_budget,
            report: ScanReport::default(),
            blobs: js_sys::Array::new(),
        }
    }

    /// The limits in force.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Looks at one chosen file: a ZIP archive is opened, anything else is
    /// checked by the rules.
    pub fn add(&mut self, file: &Blob, path: &str) {
        let size = blob::size(file);
        let Ok(mut reader) = BlobReader::open(file) else {
            return self.ignore(path, size, IgnoreReason::Unreadable);
        };
        let mut magic = [0u8; 4];
        let is_zip = size >= 22
            && reader.read_exact(&mut magic).is_ok()
            && (magic == *b"PK\x03\x04" || magic == *b"PK\x05\x06");
        if is_zip {
            crate::zipscan::scan_zip(self, reader, path);
        } else if reader.seek(SeekFrom::Start(0)).is_ok() {
            self.check(file, reader, path);
        } else {
            self.ignore(path, size, IgnoreReason::Unreadable);
        }
    }

    /// Checks a ZIP member.
    pub(crate) fn add_member(&mut self, file: &Blob, path: &str) {
        match BlobReader::open(file) {
            Ok(reader) => self.check(file, reader, path),
            Err(_) => self.ignore(path, blob::size(file), IgnoreReason::Unreadable),
        }
    }

    /// Applies the rules to `file`, read through `reader` (at its start).
    fn check(&mut self, file: &Blob, reader: BlobReader, path: &str) {
        let size = blob::size(file);
        // Claiming at most FULL_CHECK_MAX bytes available makes the rules
        // stop at Pixel Data for larger files; the reader still supplies
        // more if the header is longer than that.
        match inspect_reader(reader, size, size.min(FULL_CHECK_MAX), &self.limits) {
            Verdict::Accepted(summary) => {
                self.report.found.push(Found {
                    path: path.to_owned(),
                    summary: *summary,
                });
                self.blobs.push(file);
            }
            Verdict::Rejected(r) => {
                if r.code == RejectCode::Dicomdir {
                    self.report.dicomdirs.push(Dicomdir {
                        path: path.to_owned(),
                        listed: read_dicomdir(file).unwrap_or_default(),
                    });
                }
                self.ignore(path, size, IgnoreReason::Rule(r.code));
            }
        }
    }

    pub(crate) fn ignore(&mut self, path: &str, size: u64, reason: IgnoreReason) {
        self.report.ignored.push(Ignored {
            path: path.to_owned(),
            size,
            reason,
        });
    }

    /// The report and, aligned with `report.found`, the blobs.
    pub fn finish(self) -> (ScanReport, js_sys::Array) {
        (self.report, self.blobs)
    }
}

/// The SOP Instance UIDs a DICOMDIR lists (`shared`'s reading, streamed
/// from the blob); `None` if it cannot be read (it is only a cross-check,
/// so that is not an error).
fn read_dicomdir(file: &Blob) -> Option<Vec<String>> {
    let reader = BlobReader::open(file).ok()?;
    listed_instances(reader, blob::size(file))
}
