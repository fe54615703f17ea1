//! The page ↔ worker protocol: typed messages that travel through
//! `postMessage` as structured clones (serde via `serde-wasm-bindgen`).
//! Large files travel as `File`/`Blob` handles (the browser shares them
//! without copying); a small file the page has read, as its bytes, moved
//! rather than copied ([`Content`]). The scan's report comes back as JSON
//! bytes ([`PackedReport`]), found files named by their place in the scan.
//! A found file keeps its handle, label and summary together in one
//! [`Found`], from the worker's reply to the upload job.

use js_sys::{Array, Uint8Array};
use mailslot_shared::dicom::{RejectCode, Summary};
use serde::{Deserialize, Serialize};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::Blob;

/// An object the scan accepted, with its file. In the worker and on the
/// wire `H` is a [`FoundFile`]; in the page's model it is the page's
/// handle for it ([`FileRef`](crate::tree::FileRef)).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Found<H> {
    /// The file.
    pub file: H,
    /// Where it was: the path inside the chosen folder or ZIP.
    pub path: String,
    /// What the rules read from it.
    pub summary: Summary,
}

/// A found object's file as the worker names it to the page: a file the
/// page chose is named by its position in the scan (the page holds it
/// already, and sending ten thousand `File`s back costs seconds of the
/// page's main thread); a ZIP member is a blob the worker made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FoundFile {
    /// The n-th file of the scan's request (counting over all batches).
    Chosen(u32),
    /// A blob unpacked from a ZIP archive.
    Unpacked(#[serde(with = "serde_wasm_bindgen::preserve")] Blob),
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

/// What one scan found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScanReport<H> {
    /// Acceptable objects, in the order found.
    pub found: Vec<Found<H>>,
    /// Everything left out.
    pub ignored: Vec<Ignored>,
    /// DICOMDIRs, for the cross-check.
    pub dicomdirs: Vec<Dicomdir>,
}

impl<H> Default for ScanReport<H> {
    fn default() -> Self {
        ScanReport {
            found: Vec::new(),
            ignored: Vec::new(),
            dicomdirs: Vec::new(),
        }
    }
}

impl ScanReport<FoundFile> {
    /// The report with the page's handles: `chosen(n)` for the scan's n-th
    /// file, `unpacked(blob)` for a ZIP member. An object naming a file the
    /// scan was not given (this worker never does) is listed as unreadable
    /// rather than dropped.
    pub fn resolve<H>(
        self,
        chosen: impl Fn(u32) -> Option<H>,
        mut unpacked: impl FnMut(Blob) -> H,
    ) -> ScanReport<H> {
        let mut ignored = self.ignored;
        let mut found = Vec::with_capacity(self.found.len());
        for f in self.found {
            let file = match f.file {
                FoundFile::Chosen(n) => chosen(n),
                FoundFile::Unpacked(blob) => Some(unpacked(blob)),
            };
            match file {
                Some(file) => found.push(Found {
                    file,
                    path: f.path,
                    summary: f.summary,
                }),
                None => ignored.push(Ignored {
                    path: f.path,
                    size: f.summary.size,
                    reason: IgnoreReason::Unreadable,
                }),
            }
        }
        ScanReport {
            found,
            ignored,
            dicomdirs: self.dicomdirs,
        }
    }
}

/// A file to scan and its label (path within the chosen folder).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Chosen {
    /// The file.
    #[serde(with = "serde_wasm_bindgen::preserve")]
    pub file: Blob,
    /// Its label.
    pub label: String,
}

/// A file as the page hands it to the worker: a small file's bytes, read
/// by the page ([`blob::read_small`](crate::blob::read_small)), a larger
/// file with its first bytes read by the page, or the file itself, which
/// the worker reads.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Content {
    /// All of the file.
    Bytes(#[serde(with = "serde_wasm_bindgen::preserve")] Uint8Array),
    /// The file, with its first bytes ([`FIRST`](crate::blob::FIRST) or
    /// more) at hand.
    Head {
        /// The first bytes.
        #[serde(with = "serde_wasm_bindgen::preserve")]
        head: Uint8Array,
        /// The file, for the rest.
        #[serde(with = "serde_wasm_bindgen::preserve")]
        file: Blob,
    },
    /// The file, to be read by the worker.
    File(#[serde(with = "serde_wasm_bindgen::preserve")] Blob),
}

/// One file of a scan on the wire, with its label.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Given {
    /// Its label (path within the chosen folder).
    pub label: String,
    /// Its bytes, or the file.
    pub content: Content,
}

impl From<Chosen> for Given {
    /// A file the worker reads itself.
    fn from(c: Chosen) -> Given {
        Given {
            label: c.label,
            content: Content::File(c.file),
        }
    }
}

/// What the page asks of the worker.
#[derive(Debug, Clone, Serialize, Deserialize)]
// Externally tagged: an internally tagged enum is buffered by serde, and
// `serde_wasm_bindgen::preserve` (the blobs) cannot pass through a buffer.
#[serde(rename_all = "kebab-case")]
pub enum ToWorker {
    /// Scan these files: one batch of a scan. A scan's files come in
    /// batches, so that the page's main thread hands them over in short
    /// tasks and the worker starts on the first batch at once.
    Scan {
        /// Which scan (the page's number for it).
        scan: u32,
        /// The scan's files in all batches.
        total: u32,
        /// This batch's files, labelled, in order.
        files: Vec<Given>,
        /// The server's largest file.
        max_file_size: u64,
        /// Bytes that may be unpacked from ZIP archives in all.
        unpack_budget: u64,
    },
}

/// What the worker tells the page.
#[derive(Debug, Clone, Serialize, Deserialize)]
// Externally tagged: an internally tagged enum is buffered by serde, and
// `serde_wasm_bindgen::preserve` (the blobs) cannot pass through a buffer.
#[serde(rename_all = "kebab-case")]
pub enum FromWorker {
    /// Started; scans may be sent.
    Ready,
    /// Files scanned so far (a few times a second at most).
    Progress {
        /// Which scan.
        scan: u32,
        /// Done.
        done: u32,
        /// Of.
        total: u32,
    },
    /// One scan finished.
    Done {
        /// Which scan.
        scan: u32,
        /// What it found.
        report: PackedReport,
    },
}

/// A scan's report as it crosses to the page: JSON bytes, and beside them
/// the blobs unpacked from ZIP archives (JSON cannot carry them), named in
/// it by their place in `blobs`. As a tree of JS objects (serde-wasm-bindgen)
/// the report of a 10,000-image CD cost the worker ~100 ms to build and the
/// page about as much to clone and take apart, at the end of the scan, when
/// nothing else is left to do (`BENCHMARKS.md`, scan).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PackedReport {
    #[serde(with = "serde_wasm_bindgen::preserve")]
    json: Uint8Array,
    #[serde(with = "serde_wasm_bindgen::preserve")]
    blobs: Array,
}

/// A found file inside a [`PackedReport`]'s JSON.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum PackedFile {
    /// As [`FoundFile::Chosen`].
    Chosen(u32),
    /// The blob at this place in [`PackedReport::blobs`].
    Unpacked(u32),
}

impl PackedReport {
    /// Packs `report`.
    pub fn pack(report: ScanReport<FoundFile>) -> Self {
        let blobs = Array::new();
        // Never `None`: every file has its place.
        let packed = report
            .map_files(|file| {
                Some(match file {
                    FoundFile::Chosen(n) => PackedFile::Chosen(n),
                    FoundFile::Unpacked(blob) => PackedFile::Unpacked(blobs.push(&blob) - 1),
                })
            })
            .unwrap_or_default();
        // Strings, numbers and enums always make JSON; were it to fail,
        // the page could not unpack the empty bytes and would say that the
        // scan failed.
        let json = serde_json::to_vec(&packed).unwrap_or_default();
        PackedReport {
            json: Uint8Array::from(json.as_slice()),
            blobs,
        }
    }

    /// The report; `None` if the bytes are not one or name a blob that is
    /// not there.
    pub fn unpack(self) -> Option<ScanReport<FoundFile>> {
        let packed: ScanReport<PackedFile> = serde_json::from_slice(&self.json.to_vec()).ok()?;
        packed.map_files(|file| match file {
            PackedFile::Chosen(n) => Some(FoundFile::Chosen(n)),
            PackedFile::Unpacked(i) => self.blobs.get(i).dyn_into().ok().map(FoundFile::Unpacked),
        })
    }
}

impl<H> ScanReport<H> {
    /// The report with each found object's file named by `f` instead;
    /// `None` if `f` could not name one.
    fn map_files<H2>(self, mut f: impl FnMut(H) -> Option<H2>) -> Option<ScanReport<H2>> {
        let found = self
            .found
            .into_iter()
            .map(|x| {
                Some(Found {
                    file: f(x.file)?,
                    path: x.path,
                    summary: x.summary,
                })
            })
            .collect::<Option<_>>()?;
        Some(ScanReport {
            found,
            ignored: self.ignored,
            dicomdirs: self.dicomdirs,
        })
    }
}

/// A message as a structured-clone value for `postMessage`.
pub fn encode<T: Serialize>(msg: &T) -> Option<JsValue> {
    msg.serialize(&serde_wasm_bindgen::Serializer::new().serialize_maps_as_objects(true))
        .ok()
}

/// A message from `postMessage`'s data; `None` if it is not one.
pub fn decode<T: for<'de> Deserialize<'de>>(data: JsValue) -> Option<T> {
    serde_wasm_bindgen::from_value(data).ok()
}
