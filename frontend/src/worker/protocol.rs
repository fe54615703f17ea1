//! The page ↔ worker protocol: typed messages that travel through
//! `postMessage` as structured clones (serde via `serde-wasm-bindgen`).
//! Files travel as `File`/`Blob` handles, never as bytes: the browser
//! shares them without copying. A found file keeps its handle, label and
//! summary together in one [`Found`], from the worker's reply to the
//! upload job.

use mailslot_shared::dicom::{RejectCode, Summary};
use serde::{Deserialize, Serialize};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::Blob;

/// An object the scan accepted, with its file. In the worker and on the
/// wire `H` is the browser's `Blob`; in the page's model it is the page's
/// handle for it ([`FileRef`](crate::tree::FileRef)).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(bound(serialize = "H: JsCast", deserialize = "H: JsCast"))]
pub struct Found<H> {
    /// The file.
    #[serde(with = "serde_wasm_bindgen::preserve")]
    pub file: H,
    /// Where it was: the path inside the chosen folder or ZIP.
    pub path: String,
    /// What the rules read from it.
    pub summary: Summary,
}

impl<H> Found<H> {
    /// The same object with another handle for its file.
    pub fn map<K>(self, f: impl FnOnce(H) -> K) -> Found<K> {
        Found {
            file: f(self.file),
            path: self.path,
            summary: self.summary,
        }
    }
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
#[serde(bound(serialize = "H: JsCast", deserialize = "H: JsCast"))]
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

impl<H> ScanReport<H> {
    /// The same report with other handles for its files.
    pub fn map<K>(self, mut f: impl FnMut(H) -> K) -> ScanReport<K> {
        ScanReport {
            found: self.found.into_iter().map(|x| x.map(&mut f)).collect(),
            ignored: self.ignored,
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

/// What the page asks of the worker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
// Externally tagged: an internally tagged enum is buffered by serde, and
// `serde_wasm_bindgen::preserve` (the blobs) cannot pass through a buffer.
#[serde(rename_all = "kebab-case")]
pub enum ToWorker {
    /// Scan these files.
    Scan {
        /// The files, labelled.
        files: Vec<Chosen>,
        /// The server's largest file.
        max_file_size: u64,
        /// Bytes that may be unpacked from ZIP archives in all.
        unpack_budget: u64,
    },
}

/// What the worker tells the page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
// Externally tagged: an internally tagged enum is buffered by serde, and
// `serde_wasm_bindgen::preserve` (the blobs) cannot pass through a buffer.
#[serde(rename_all = "kebab-case")]
pub enum FromWorker {
    /// Started; scans may be sent.
    Ready,
    /// Files scanned so far.
    Progress {
        /// Done.
        done: u32,
        /// Of.
        total: u32,
    },
    /// One scan finished.
    Done {
        /// What it found.
        report: ScanReport<Blob>,
    },
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
