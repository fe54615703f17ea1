//! The DICOM acceptance rules: the one place that decides whether a file is
//! an image (or document) the hospital can receive.
//!
//! [`inspect`] takes a file's bytes — either a prefix (the page's quick scan
//! reads up to Pixel Data) or the whole file (the server's final check) —
//! and returns a [`Verdict`]. [`inspect_reader`] is the same check over a
//! byte stream, with memory bounded independently of the file size.
//!
//! Rules, in order (see `docs/acceptance.md`):
//! 1. not empty, not over [`Limits::max_file_size`];
//! 2. a PS3.10 file: 128-byte preamble and `DICM` (otherwise the content is
//!    sniffed to name what it is: a program, an archive, a PDF, an old-style
//!    DICOM data set without file meta — rejected, see the docs — or other);
//! 3. a parsable file meta group with a transfer syntax this build reads
//!    (all native and encapsulated syntaxes, deflated, big endian);
//! 4. the data set parses; in a full check it parses completely, nothing is
//!    cut short and every sequence is closed;
//! 5. not a DICOMDIR; a storage SOP class;
//! 6. SOP Class, SOP Instance, Study and Series Instance UIDs present and
//!    valid. The data set's SOP UIDs are authoritative; a file meta group
//!    that disagrees earns a warning, not a rejection.

mod dicomdir;
pub mod elements;
mod inspect;
mod iso2022;
mod meta;
mod reason;
mod source;
mod uid;
mod walk;

use serde::{Deserialize, Serialize};

pub mod synth;

pub use dicomdir::{listed_instances, MAX_DICOMDIR_LEN};
pub use inspect::{inspect, inspect_reader, inspect_seekable};
pub use reason::{Lang, RejectCode, WarningCode};
pub use uid::is_valid_uid;

/// Limits applied by the rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limits {
    /// Largest file accepted, in bytes.
    pub max_file_size: u64,
}

/// Default maximum file size: 4 GiB, the most a single DICOM element can hold.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 4 * 1024 * 1024 * 1024;

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_size: DEFAULT_MAX_FILE_SIZE,
        }
    }
}

/// How much of the file the verdict is based on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// Only a prefix was read (up to Pixel Data at most).
    Prefix,
    /// The whole file was read and parsed.
    Full,
}

/// The outcome of the rules for one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "verdict", rename_all = "lowercase")]
pub enum Verdict {
    /// An image or document to forward.
    Accepted(Box<Summary>),
    /// Not something to forward, and why.
    Rejected(Rejection),
}

impl Verdict {
    /// The summary of an accepted file.
    pub fn accepted(&self) -> Option<&Summary> {
        match self {
            Verdict::Accepted(s) => Some(s),
            Verdict::Rejected(_) => None,
        }
    }

    /// The rejection of a rejected file.
    pub fn rejected(&self) -> Option<&Rejection> {
        match self {
            Verdict::Accepted(_) => None,
            Verdict::Rejected(r) => Some(r),
        }
    }
}

/// Why a file was rejected. Holds no patient data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rejection {
    /// The stable reason code.
    pub code: RejectCode,
    /// A technical detail safe to show and log (a transfer syntax or SOP
    /// class UID, a parser message without values), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

impl Rejection {
    pub(crate) fn new(code: RejectCode) -> Self {
        Rejection { code, detail: None }
    }

    pub(crate) fn with(code: RejectCode, detail: impl Into<String>) -> Self {
        Rejection {
            code,
            detail: Some(detail.into()),
        }
    }
}

/// What an accepted file is. Contains patient data: show it to the sender,
/// never log it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Summary {
    /// Whether the whole file or only a prefix was checked.
    pub scope: Option<Scope>,
    /// File size in bytes.
    pub size: u64,
    /// (0008,0016), from the data set.
    pub sop_class_uid: String,
    /// The SOP class's name from the standard, when known.
    pub sop_class_name: Option<String>,
    /// (0008,0018), from the data set.
    pub sop_instance_uid: String,
    /// (0020,000D).
    pub study_instance_uid: String,
    /// (0020,000E).
    pub series_instance_uid: String,
    /// (0002,0010).
    pub transfer_syntax_uid: String,
    /// The transfer syntax's name.
    pub transfer_syntax_name: String,
    /// (0010,0010), decoded with the file's Specific Character Set.
    pub patient_name: Option<String>,
    /// (0010,0020).
    pub patient_id: Option<String>,
    /// (0010,0030), `YYYYMMDD` as stored.
    pub patient_birth_date: Option<String>,
    /// (0010,0040).
    pub patient_sex: Option<String>,
    /// (0008,0020).
    pub study_date: Option<String>,
    /// (0008,0030).
    pub study_time: Option<String>,
    /// (0008,1030).
    pub study_description: Option<String>,
    /// (0008,0050).
    pub accession_number: Option<String>,
    /// (0008,0060).
    pub modality: Option<String>,
    /// (0020,0011).
    pub series_number: Option<String>,
    /// (0008,103E).
    pub series_description: Option<String>,
    /// (0028,0008); absent means one frame.
    pub number_of_frames: Option<u32>,
    /// (0008,0005) as stored.
    pub specific_character_set: Option<String>,
    /// Unusual but acceptable properties.
    pub warnings: Vec<WarningCode>,
    /// Where the data set starts in the file (after the file meta group):
    /// what a C-STORE sends.
    #[serde(default)]
    pub dataset_offset: u64,
    /// Where the data set ends when zero padding follows it
    /// ([`WarningCode::TrailingPadding`]); `None`: at the end of the file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dataset_end: Option<u64>,
}
