//! The tus side of the API: what an upload is (`kind`), the states the
//! server records for it, its `Upload-Metadata` codec and the headers of a
//! completing `PATCH`. The server, the page and `mailslot send` use these
//! and no string literals of their own.

use base64::Engine as _;
use serde::{Deserialize, Serialize};

use crate::envelope::Id16;

/// Sealed records per `PATCH` the clients send (64 × 64 KiB = 4 MiB of
/// plaintext with the default record size) when the server takes requests
/// that large; see [`records_per_request`].
pub const RECORDS_PER_PATCH: u64 = 64;

/// The largest `PATCH` body the clients send: the envelope header and
/// [`RECORDS_PER_PATCH`] records of the default size with their tags.
pub const MAX_PATCH_BYTES: u64 = crate::envelope::HEADER_LEN as u64
    + RECORDS_PER_PATCH
        * (crate::envelope::DEFAULT_RECORD_SIZE as u64 + crate::envelope::TAG_LEN as u64);

/// How many sealed records of `record_size` plaintext bytes a client puts
/// in one request to a server that takes bodies of at most
/// `max_chunk_bytes` (its announced limit): 4 MiB of plaintext
/// ([`RECORDS_PER_PATCH`] records of the default size), fewer when the
/// limit is lower, so that every request — the first one with the
/// envelope header — fits. At least one (a server whose limit is below
/// one record refuses it with `chunk-too-large`).
pub fn records_per_request(record_size: u32, max_chunk_bytes: u64) -> u64 {
    let record = u64::from(record_size.max(1));
    let sealed = record + crate::envelope::TAG_LEN as u64;
    let wanted = (RECORDS_PER_PATCH * crate::envelope::DEFAULT_RECORD_SIZE as u64) / record;
    let fit = max_chunk_bytes.saturating_sub(crate::envelope::HEADER_LEN as u64) / sealed;
    wanted.min(fit).max(1)
}

/// What an upload carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum UploadKind {
    /// A DICOM object for the PACS.
    Dicom,
    /// A letter (PDF) for staff.
    Letter,
}

impl UploadKind {
    /// As it travels and is stored.
    pub fn as_str(self) -> &'static str {
        match self {
            UploadKind::Dicom => "dicom",
            UploadKind::Letter => "letter",
        }
    }

    /// The kind named `s`.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "dicom" => Some(UploadKind::Dicom),
            "letter" => Some(UploadKind::Letter),
            _ => None,
        }
    }
}

/// Every state the server records for an upload. Only `Receiving` takes
/// more bytes; every other state is final.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum UploadState {
    /// Bytes are still arriving.
    Receiving,
    /// Checked, spooled and queued (or, a letter, filed).
    Accepted,
    /// The same SOP Instance was already accepted in this session.
    Duplicate,
    /// The acceptance rules refused it (the reason code says why).
    Rejected,
    /// It could not be received (`decrypt-failed`, `bad-envelope` …).
    Failed,
    /// The submission was completed before it was whole.
    Incomplete,
    /// Nothing arrived before its expiry.
    Expired,
    /// The sender ended it (tus termination).
    Terminated,
}

impl UploadState {
    /// Every state.
    pub const ALL: &'static [UploadState] = &[
        UploadState::Receiving,
        UploadState::Accepted,
        UploadState::Duplicate,
        UploadState::Rejected,
        UploadState::Failed,
        UploadState::Incomplete,
        UploadState::Expired,
        UploadState::Terminated,
    ];

    /// As it travels (`Mailslot-Verdict`) and is stored.
    pub fn as_str(self) -> &'static str {
        match self {
            UploadState::Receiving => "receiving",
            UploadState::Accepted => "accepted",
            UploadState::Duplicate => "duplicate",
            UploadState::Rejected => "rejected",
            UploadState::Failed => "failed",
            UploadState::Incomplete => "incomplete",
            UploadState::Expired => "expired",
            UploadState::Terminated => "terminated",
        }
    }

    /// The state named `s`.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|v| v.as_str() == s)
    }

    /// Whether the upload has its verdict.
    pub fn is_final(self) -> bool {
        self != UploadState::Receiving
    }

    /// Whether the file arrived: accepted now, or as a duplicate of an
    /// object accepted before.
    pub fn arrived(self) -> bool {
        matches!(self, UploadState::Accepted | UploadState::Duplicate)
    }

    /// Whether the receipt lists it as refused (with its code).
    pub fn is_refused(self) -> bool {
        matches!(
            self,
            UploadState::Rejected | UploadState::Failed | UploadState::Incomplete
        )
    }
}

impl core::fmt::Display for UploadState {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What became of one upload (`GET /api/uploads/{id}/verdict`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadVerdict {
    /// Its state.
    pub state: UploadState,
    /// For `rejected`/`failed`: the reason code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
}

/// tus `Upload-Metadata` keys (values base64, all opaque).
pub mod metadata {
    /// The sender's file id (32 hex digits), as in the envelope header.
    pub const FILE_ID: &str = "file_id";
    /// `dicom` or `letter`.
    pub const KIND: &str = "kind";
}

/// Response headers the server adds to a completing `PATCH`.
pub mod headers {
    /// The upload's final [`UploadState`](super::UploadState).
    pub const VERDICT: &str = "Mailslot-Verdict";
    /// The reason code for `rejected` or `failed`.
    pub const REASON: &str = "Mailslot-Reason";
    /// On every error reply, its code (as in the JSON body): a reply sent
    /// before a request's body was read (the session is checked first)
    /// may reach a client whose connection closes before it reads the
    /// body, but after the headers.
    pub const ERROR: &str = "Mailslot-Error";
}

/// An upload's `Upload-Metadata`: nothing but opaque values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UploadMetadata {
    /// The envelope's file id.
    pub file_id: Id16,
    /// What the upload carries.
    pub kind: UploadKind,
}

/// Why `Upload-Metadata` was refused (each message names the rule).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum MetadataError {
    /// A value is not base64.
    NotBase64,
    /// A value is not UTF-8.
    NotUtf8,
    /// `file_id` is missing or not 32 hex digits.
    FileId,
    /// `kind` is neither `dicom` nor `letter`.
    Kind,
}

impl MetadataError {
    /// The rule that was broken, as a sentence for the API's `message`.
    pub fn message(self) -> &'static str {
        match self {
            MetadataError::NotBase64 => "Upload-Metadata values must be base64",
            MetadataError::NotUtf8 => "Upload-Metadata values must be UTF-8",
            MetadataError::FileId => "metadata file_id must be 32 hex digits",
            MetadataError::Kind => "metadata kind must be dicom or letter",
        }
    }
}

impl core::fmt::Display for MetadataError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.message())
    }
}

impl core::error::Error for MetadataError {}

impl UploadMetadata {
    /// The header value: `file_id <b64>,kind <b64>`.
    pub fn encode(&self) -> String {
        let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
        format!(
            "{} {},{} {}",
            metadata::FILE_ID,
            b64(&self.file_id.to_hex()),
            metadata::KIND,
            b64(self.kind.as_str())
        )
    }

    /// Parses the header value (`key base64` pairs separated by commas;
    /// unknown keys are ignored, a missing `kind` means `dicom`).
    pub fn decode(raw: &str) -> Result<Self, MetadataError> {
        let (mut file_id, mut kind) = (None, None);
        for pair in raw.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once(' ').unwrap_or((pair, ""));
            let value = base64::engine::general_purpose::STANDARD
                .decode(value.trim())
                .map_err(|_| MetadataError::NotBase64)?;
            let value = String::from_utf8(value).map_err(|_| MetadataError::NotUtf8)?;
            match key {
                metadata::FILE_ID => file_id = Some(value),
                metadata::KIND => kind = Some(value),
                _ => {}
            }
        }
        let file_id = file_id
            .as_deref()
            .and_then(Id16::from_hex)
            .ok_or(MetadataError::FileId)?;
        let kind = match kind {
            None => UploadKind::Dicom,
            Some(k) => UploadKind::parse(&k).ok_or(MetadataError::Kind)?,
        };
        Ok(UploadMetadata { file_id, kind })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_round_trips_and_refuses_what_it_cannot_use() {
        let m = UploadMetadata {
            file_id: Id16([0xab; 16]),
            kind: UploadKind::Letter,
        };
        assert_eq!(UploadMetadata::decode(&m.encode()), Ok(m));
        // Upper-case hex and unknown keys are fine; no kind means DICOM.
        let raw = "other eA==, file_id QUJBQkFCQUJBQkFCQUJBQkFCQUJBQkFCQUJBQkFCQUI=";
        assert_eq!(
            UploadMetadata::decode(raw).map(|m| m.kind),
            Ok(UploadKind::Dicom)
        );
        assert_eq!(UploadMetadata::decode(""), Err(MetadataError::FileId));
        assert_eq!(
            UploadMetadata::decode("file_id !!"),
            Err(MetadataError::NotBase64)
        );
        assert_eq!(
            UploadMetadata::decode("file_id /w=="),
            Err(MetadataError::NotUtf8)
        );
        let bad_kind = format!(
            "{},kind eA==",
            &m.encode()[..m.encode().find(',').unwrap_or(0)]
        );
        assert_eq!(UploadMetadata::decode(&bad_kind), Err(MetadataError::Kind));
    }

    #[test]
    fn requests_fit_the_servers_limit_and_carry_4_mib_when_they_may() {
        use crate::envelope::{DEFAULT_RECORD_SIZE, HEADER_LEN, TAG_LEN};
        let body =
            |records: u64, rs: u32| HEADER_LEN as u64 + records * (u64::from(rs) + TAG_LEN as u64);
        // The default limit is what the clients always sent: 64 records.
        assert_eq!(
            records_per_request(DEFAULT_RECORD_SIZE, MAX_PATCH_BYTES),
            64
        );
        assert_eq!(body(64, DEFAULT_RECORD_SIZE), MAX_PATCH_BYTES);
        // A larger limit does not make requests larger than 4 MiB of plaintext.
        assert_eq!(records_per_request(DEFAULT_RECORD_SIZE, 1 << 30), 64);
        assert_eq!(records_per_request(1 << 20, 1 << 30), 4);
        // A lower one: as many as fit, the header included.
        for limit in [2 << 20, 3 << 20, MAX_PATCH_BYTES - 1, 1 << 20, 70_000] {
            for rs in [1024, DEFAULT_RECORD_SIZE, 1 << 20] {
                let n = records_per_request(rs, limit);
                let fits = body(n, rs) <= limit;
                assert!(fits || n == 1, "{n} records of {rs} in {limit}");
                assert!(body(n + 1, rs) > limit || n * u64::from(rs) >= 4 << 20);
            }
        }
        assert_eq!(records_per_request(DEFAULT_RECORD_SIZE, 2 << 20), 31);
        // Below one record: one (the server refuses it with a code).
        assert_eq!(records_per_request(DEFAULT_RECORD_SIZE, 0), 1);
    }

    #[test]
    fn states_round_trip() {
        for s in UploadState::ALL {
            assert_eq!(UploadState::parse(s.as_str()), Some(*s));
            let json = serde_json::to_string(s).unwrap_or_default();
            assert_eq!(json, format!("\"{}\"", s.as_str()));
        }
        assert!(!UploadState::Receiving.is_final());
        assert!(UploadState::Duplicate.arrived() && !UploadState::Duplicate.is_refused());
    }
}
