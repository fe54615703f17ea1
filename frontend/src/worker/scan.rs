//! The scan: what each chosen file is. Runs in the scan worker
//! (`worker/mod.rs`); the acceptance rules themselves are `shared`'s, the same
//! the server applies again after upload.
//!
//! Files are read through [`BlobReader`]: small files whole, large ones in
//! chunks, passing over the values the rules do not look at (the pixel
//! data) — so the page's verdict is the server's. ZIP archives are opened over blob
//! slices and their members extracted into browser-held blobs
//! (`zipscan.rs`). A DICOMDIR is read for cross-checking only: every file
//! is looked at whether the DICOMDIR lists it or not.

use std::io::{self, Read, Seek, SeekFrom};

use mailslot_shared::dicom::{inspect_seekable, listed_instances, Limits, RejectCode, Verdict};
use web_sys::Blob;

use super::protocol::{Dicomdir, Found, FoundFile, IgnoreReason, Ignored, ScanReport};
use super::zipscan::{scan_zip, Member};
use crate::blob::{self, BlobReader};

/// Scans files one by one, collecting a report of what was found (with
/// each found file's blob) and what was left out.
#[derive(Debug)]
pub struct Scanner {
    limits: Limits,
    /// Budget left for unpacking ZIP members (bytes).
    unpack_budget: u64,
    report: ScanReport<FoundFile>,
}

impl Scanner {
    /// A scanner applying `limits`, unpacking at most `unpack_budget` bytes
    /// out of ZIP archives in total.
    pub fn new(limits: Limits, unpack_budget: u64) -> Self {
        Scanner {
            limits,
            unpack_budget,
            report: ScanReport::default(),
        }
    }

    /// The limits in force.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Looks at the scan's `index`-th chosen file, opened as `reader`: a
    /// ZIP archive is opened, anything else is checked by the rules.
    pub fn add(&mut self, path: &str, index: u32, reader: io::Result<BlobReader>) {
        let Ok(mut reader) = reader else {
            // Its size is unknown too: the browser could not read it.
            return self.ignore(path, 0, IgnoreReason::Unreadable);
        };
        let size = reader.len();
        let mut magic = [0u8; 4];
        let is_zip = size >= 22
            && reader.read_exact(&mut magic).is_ok()
            && (magic == *b"PK\x03\x04" || magic == *b"PK\x05\x06");
        if is_zip {
            let max = self.limits.max_file_size;
            let mut budget = self.unpack_budget;
            scan_zip(reader, path, max, &mut budget, |member| match member {
                Member::File(blob, label) => self.add_member(&blob, &label),
                Member::Ignored(label, size, reason) => self.ignore(&label, size, reason),
            });
            self.unpack_budget = budget;
        } else if reader.seek(SeekFrom::Start(0)).is_ok() {
            self.check(FoundFile::Chosen(index), reader, path);
        } else {
            self.ignore(path, size, IgnoreReason::Unreadable);
        }
    }

    /// Checks a ZIP member.
    fn add_member(&mut self, file: &Blob, path: &str) {
        match BlobReader::open(file) {
            Ok(reader) => self.check(FoundFile::Unpacked(file.clone()), reader, path),
            Err(_) => self.ignore(path, blob::size(file), IgnoreReason::Unreadable),
        }
    }

    /// Applies the rules to the file named `handle` in the report, read
    /// through `reader` (at its start).
    fn check(&mut self, handle: FoundFile, mut reader: BlobReader, path: &str) {
        let size = reader.len();
        // The whole file's structure, as the server checks it: values the
        // rules do not look at (the pixel data) are passed over by seeking,
        // so a large file costs its headers and its end, not its size.
        match inspect_seekable(&mut reader, size, &self.limits) {
            Verdict::Accepted(summary) => {
                self.report.found.push(Found {
                    file: handle,
                    path: path.to_owned(),
                    summary: *summary,
                });
            }
            Verdict::Rejected(r) => {
                if r.code == RejectCode::Dicomdir {
                    self.report.dicomdirs.push(Dicomdir {
                        path: path.to_owned(),
                        listed: read_dicomdir(reader).unwrap_or_default(),
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

    /// The report.
    pub fn finish(self) -> ScanReport<FoundFile> {
        self.report
    }
}

/// The SOP Instance UIDs a DICOMDIR lists (`shared`'s reading, streamed
/// through its reader); `None` if it cannot be read (it is only a
/// cross-check, so that is not an error).
fn read_dicomdir(mut reader: BlobReader) -> Option<Vec<String>> {
    reader.seek(SeekFrom::Start(0)).ok()?;
    let size = reader.len();
    listed_instances(reader, size)
}
