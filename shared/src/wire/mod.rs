//! The JSON bodies and header names of the upload API, shared by the page,
//! `mailslot send` and the server, with its vocabulary: error codes and the
//! retry policy (`error`), upload kinds, states and metadata (`upload`),
//! the sender's details (`sender`) and the words they choose from: role,
//! purpose, language (`vocab`); what becomes of a sending (`keeping`).
//! Nothing here carries patient data in the clear: files and the sender's
//! details travel sealed (see `envelope`).

mod error;
mod keeping;
mod sender;
mod upload;
mod vocab;

use serde::{Deserialize, Serialize};

pub use error::{ends_session, is_transient, ErrorCode};
pub use keeping::{retention_period, Keeping, WhenFull};
pub use sender::{DetailsError, DicomdirCheck, LetterName, SenderDetails};
pub use upload::{
    headers, metadata, records_per_request, MetadataError, UploadKind, UploadMetadata, UploadState,
    UploadVerdict, MAX_PATCH_BYTES, RECORDS_PER_PATCH,
};
pub use vocab::{Language, Purpose, Role, UnknownWord};

use crate::envelope::PublicKey;

/// `GET /api/key`: the key senders encrypt to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerKey {
    /// Key id, 32 hex digits.
    pub kid: String,
    /// X25519 public key, 64 hex digits.
    pub public_key: String,
    /// Envelope suite (1).
    pub suite: u8,
    /// Record size senders should use.
    pub record_size: u32,
}

/// Why a `GET /api/key` reply cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyReplyError {
    /// The key is not 32 bytes of hex, or not a usable X25519 key.
    #[error("the server's public key is malformed")]
    Malformed,
    /// The key id is not the one this key has.
    #[error("the server's key id does not match its key")]
    KidMismatch,
}

impl ServerKey {
    /// The reply announcing `key`.
    pub fn announce(key: &PublicKey, record_size: u32) -> Self {
        let hex: String = key.to_bytes().iter().map(|b| format!("{b:02x}")).collect();
        ServerKey {
            kid: key.kid().to_hex(),
            public_key: hex,
            suite: crate::envelope::SUITE_X25519_SHA256_AES256GCM,
            record_size,
        }
    }

    /// The public key, checked against its id (what a sender must do
    /// before sealing anything to it).
    pub fn public_key(&self) -> Result<PublicKey, KeyReplyError> {
        let hex = self.public_key.as_bytes();
        if hex.len() != 64 {
            return Err(KeyReplyError::Malformed);
        }
        let mut bytes = [0u8; 32];
        for (i, pair) in hex.chunks_exact(2).enumerate() {
            let text = core::str::from_utf8(pair).map_err(|_| KeyReplyError::Malformed)?;
            bytes[i] = u8::from_str_radix(text, 16).map_err(|_| KeyReplyError::Malformed)?;
        }
        let key = PublicKey::from_bytes(&bytes).ok_or(KeyReplyError::Malformed)?;
        if key.kid().to_hex() != self.kid.to_ascii_lowercase() {
            return Err(KeyReplyError::KidMismatch);
        }
        Ok(key)
    }
}

/// The sender's consent, recorded with the session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Consent {
    /// Version of the privacy statement the sender was shown.
    pub statement_version: String,
    /// "I agree to the privacy statement".
    pub accepted: bool,
    /// "I am the patient, or send with the patient's agreement".
    pub may_send: bool,
}

/// `POST /api/session`: exchange the upload password for a session.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionRequest {
    /// The upload password given out by phone.
    pub password: String,
    /// The consent the page collected.
    pub consent: Consent,
}

impl core::fmt::Debug for SessionRequest {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("SessionRequest")
            .field("password", &"…")
            .field("consent", &self.consent)
            .finish()
    }
}

/// Limits the server enforces, announced with the session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadLimits {
    /// Largest file (plaintext bytes).
    pub max_file_bytes: u64,
    /// Largest total of one session (plaintext bytes).
    pub max_session_bytes: u64,
    /// Largest body of one upload `PATCH`.
    pub max_chunk_bytes: u64,
}

/// Reply to `POST /api/session`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionCreated {
    /// Bearer token for every further call; keep in memory only.
    pub token: String,
    /// The session id (32 hex digits): goes into every envelope header.
    pub session_id: String,
    /// Seconds of inactivity after which the session ends.
    pub idle_timeout_secs: u64,
    /// Unix seconds when the session ends regardless of activity.
    pub expires_at: i64,
    /// The server's limits.
    pub limits: UploadLimits,
}

impl core::fmt::Debug for SessionCreated {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("SessionCreated")
            .field("session_id", &self.session_id)
            .finish_non_exhaustive()
    }
}

/// `POST /api/session/preflight`: what the sender is about to upload, so a
/// full mailbox is refused before the first byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Preflight {
    /// Number of files.
    pub files: u64,
    /// Total plaintext bytes.
    pub bytes: u64,
}

/// Every error reply: a stable code and a sentence (English; the page maps
/// codes to its own words).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    /// Stable kebab-case code.
    pub code: String,
    /// A sentence for people, without patient data.
    pub message: String,
}

/// The upload id in an upload's URL (`…/api/uploads/<id>`).
pub fn upload_id(location: &str) -> &str {
    location.rsplit('/').next().unwrap_or(location)
}

/// Reply to `POST /api/submissions`: the receipt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    /// The reference number to quote on the phone, e.g. `K7M-4QX-9TD`.
    pub reference: String,
    /// DICOM objects received and accepted (letters are in `letters`).
    pub files: u64,
    /// Their total size in bytes.
    pub bytes: u64,
    /// Letters (PDF) received.
    pub letters: u64,
    /// Files refused, by reason code.
    pub refused: Vec<(String, u64)>,
    /// Unix seconds when the submission was completed.
    pub received_at: i64,
}

/// A text in both languages of the page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Localized {
    /// German.
    pub de: String,
    /// English.
    pub en: String,
}

/// A phone number senders may call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Phone {
    /// Who answers it (e.g. "Radiology office").
    pub label: Localized,
    /// The number as it should be dialled and shown.
    pub number: String,
}

/// A department or contact person senders may address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Department {
    /// Stable identifier (sent unsealed with the submission so staff can
    /// route it; it names no patient).
    pub id: String,
    /// What the page shows.
    pub name: Localized,
}

/// The privacy statement senders consent to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrivacyStatement {
    /// Its version; the consent records it and the server checks it.
    pub version: String,
    /// The text: paragraphs separated by blank lines.
    pub text: Localized,
}

/// The hospital's accessibility statement ("Erklärung zur
/// Barrierefreiheit", BITV 2.0 § 7) and where to report barriers.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Accessibility {
    /// The hospital's own statement, if it publishes one; else the page
    /// shows the statement it comes with (`?view=accessibility`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub statement_url: Option<String>,
    /// Where barriers are reported (an e-mail address); else the
    /// hospital's e-mail and phones.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feedback_email: Option<String>,
    /// When the statement was last reviewed (`YYYY-MM-DD`).
    #[serde(default)]
    pub reviewed: String,
}

/// `GET /api/hospital`: the hospital's own words for the page. Another
/// hospital deploys the same build with its own file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HospitalInfo {
    /// The hospital's name.
    pub name: Localized,
    /// Phone numbers to call (the first is the main one).
    pub phones: Vec<Phone>,
    /// When the phones are answered.
    pub hours: Localized,
    /// E-mail address for senders, if the hospital gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Fax number, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fax: Option<String>,
    /// Postal address (lines separated by newlines), if given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<Localized>,
    /// Departments and contact people senders may choose.
    pub departments: Vec<Department>,
    /// Help shown on every step.
    pub help: Localized,
    /// The privacy statement.
    pub privacy: PrivacyStatement,
    /// Days after arrival by which the mailbox deletes what it holds of a
    /// sending (`retention_days`).
    pub retention_days: u64,
    /// Where accepted images go (the server's `mode` and destination).
    #[serde(default)]
    pub keeping: Keeping,
    /// What the mailbox does when it is full.
    #[serde(default)]
    pub when_full: WhenFull,
    /// The hospital's sentence on costs, if it gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub costs: Option<Localized>,
    /// The accessibility statement and feedback contact.
    #[serde(default)]
    pub accessibility: Accessibility,
}

/// The characters of a reference number: no 0/O, 1/I/L or U/V look-alikes.
pub const REFERENCE_ALPHABET: &[u8; 28] = b"23456789ABCDEFGHJKMNPQRSTWXY";

/// Formats 9 random bytes as a reference number `XXX-XXX-XXX`.
pub fn reference_from_random(random: &[u8; 9]) -> String {
    let mut out = String::with_capacity(11);
    for (i, b) in random.iter().enumerate() {
        if i > 0 && i % 3 == 0 {
            out.push('-');
        }
        out.push(char::from(
            REFERENCE_ALPHABET[usize::from(*b) % REFERENCE_ALPHABET.len()],
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_format() {
        let r = reference_from_random(&[0, 1, 2, 27, 28, 255, 100, 7, 9]);
        assert_eq!(r.len(), 11);
        assert_eq!(&r[3..4], "-");
        assert!(r
            .chars()
            .all(|c| c == '-' || REFERENCE_ALPHABET.contains(&(c as u8))));
        assert_eq!(&r[..3], "234");
    }
}
