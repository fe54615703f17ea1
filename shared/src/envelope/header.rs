//! The fixed-size envelope header: its wire layout and its codec.
//!
//! The layout is specified in `docs/envelope.md`; every field is checked
//! against its allowed range when decoding, and the codec accepts exactly
//! [`HEADER_LEN`] bytes (no short input, no trailing bytes).

use sha2::{Digest, Sha256};

use super::HeaderError;

/// The magic bytes that start every envelope.
pub const MAGIC: [u8; 4] = *b"MSLT";
/// The only envelope version this crate reads and writes.
pub const VERSION: u8 = 1;
/// Suite 1: HPKE base mode with DHKEM(X25519, HKDF-SHA256), HKDF-SHA256 and the
/// export-only AEAD; payload records sealed with AES-256-GCM.
pub const SUITE_X25519_SHA256_AES256GCM: u8 = 1;
/// Length of an encoded header in bytes.
pub const HEADER_LEN: usize = 132;
/// Smallest record size (plaintext bytes per record) a header may declare.
pub const MIN_RECORD_SIZE: u32 = 1024;
/// Largest record size a header may declare.
pub const MAX_RECORD_SIZE: u32 = 1024 * 1024;
/// The record size senders use: 64 KiB of plaintext per record.
pub const DEFAULT_RECORD_SIZE: u32 = 64 * 1024;
/// Largest plaintext one envelope may carry (1 TiB). Keeps every length
/// computation far from overflow; the DICOM size limit is much lower.
pub const MAX_PLAINTEXT_LEN: u64 = 1 << 40;
/// AES-GCM tag length, added to every record.
pub const TAG_LEN: usize = 16;

/// A 16-byte identifier (server key id, upload session id, file id).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Id16(pub [u8; 16]);

impl Id16 {
    /// Lower-case hex, the form used in URLs, logs and JSON.
    pub fn to_hex(&self) -> String {
        let mut s = String::with_capacity(32);
        for b in self.0 {
            s.push(char::from(HEX[usize::from(b >> 4)]));
            s.push(char::from(HEX[usize::from(b & 0x0f)]));
        }
        s
    }

    /// Parses exactly 32 hex digits (either case).
    pub fn from_hex(s: &str) -> Option<Self> {
        let b = s.as_bytes();
        if b.len() != 32 {
            return None;
        }
        let mut out = [0u8; 16];
        for (i, pair) in b.chunks_exact(2).enumerate() {
            out[i] = (hex_val(pair[0])? << 4) | hex_val(pair[1])?;
        }
        Some(Id16(out))
    }
}

const HEX: &[u8; 16] = b"0123456789abcdef";

fn hex_val(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

impl core::fmt::Debug for Id16 {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl core::fmt::Display for Id16 {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.to_hex())
    }
}

/// The decoded header. All fields are public information (they travel in
/// the clear); they are authenticated because every record's AAD is the
/// SHA-256 of the encoded header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header {
    /// Identifies the server key the sender encapsulated to.
    pub kid: Id16,
    /// The upload session the file belongs to.
    pub session_id: Id16,
    /// The sender's id for this file (unique within the session).
    pub file_id: Id16,
    /// The HPKE encapsulated key (X25519 ephemeral public key).
    pub enc: [u8; 32],
    /// Plaintext bytes per record (the final record may be shorter).
    pub record_size: u32,
    /// Total plaintext length.
    pub plaintext_len: u64,
    /// HPKE-exported key commitment; checked by the receiver.
    pub commitment: [u8; 32],
}

impl Header {
    /// Number of records: at least one, even for an empty plaintext.
    pub fn record_count(&self) -> u64 {
        record_count(self.plaintext_len, self.record_size)
    }

    /// Plaintext length of record `index`, or `None` past the final record.
    pub fn record_plaintext_len(&self, index: u64) -> Option<usize> {
        if index >= self.record_count() {
            return None;
        }
        let rs = u64::from(self.record_size);
        let start = index * rs;
        let len = (self.plaintext_len - start).min(rs);
        usize::try_from(len).ok()
    }

    /// Exact length of the whole envelope (header and all records).
    pub fn envelope_len(&self) -> u64 {
        envelope_len(self.plaintext_len, self.record_size)
    }

    /// Envelope bytes one sealed record takes (plaintext plus tag); the
    /// final record may be shorter.
    pub fn sealed_record_len(&self) -> u64 {
        u64::from(self.record_size) + TAG_LEN as u64
    }

    /// Whole records that lie before envelope offset `offset`: the index
    /// of the record a transfer resumes with. Offsets inside the header
    /// count no record; the result never exceeds [`Header::record_count`].
    pub fn records_before(&self, offset: u64) -> u64 {
        if offset >= self.envelope_len() {
            return self.record_count();
        }
        let Some(body) = offset.checked_sub(HEADER_LEN as u64) else {
            return 0;
        };
        (body / self.sealed_record_len()).min(self.record_count())
    }

    /// Envelope offset at which record `index` starts (for `index` equal to
    /// the record count: the envelope's end).
    pub fn record_offset(&self, index: u64) -> u64 {
        let index = index.min(self.record_count());
        if index == self.record_count() {
            return self.envelope_len();
        }
        HEADER_LEN as u64 + index * self.sealed_record_len()
    }

    /// Plaintext bytes covered by the whole records before envelope offset
    /// `offset` (what a receiver holds once it acknowledged `offset`).
    pub fn plaintext_before(&self, offset: u64) -> u64 {
        (self.records_before(offset) * u64::from(self.record_size)).min(self.plaintext_len)
    }

    /// The records one transfer starting at envelope offset `offset` (a
    /// record boundary) carries when it may hold at most `records` of
    /// them (at least one): `first..end` record indices.
    pub fn records_from(&self, offset: u64, records: u64) -> core::ops::Range<u64> {
        let first = self.records_before(offset);
        first
            ..first
                .saturating_add(records.max(1))
                .min(self.record_count())
    }

    /// The plaintext byte range of records `first..end`.
    pub fn plaintext_of(&self, records: core::ops::Range<u64>) -> core::ops::Range<u64> {
        let rs = u64::from(self.record_size);
        let at = |i: u64| i.saturating_mul(rs).min(self.plaintext_len);
        at(records.start)..at(records.end)
    }

    /// Encodes the header into its fixed wire form.
    pub fn encode(&self) -> [u8; HEADER_LEN] {
        let mut out = [0u8; HEADER_LEN];
        out[0..4].copy_from_slice(&MAGIC);
        out[4] = VERSION;
        out[5] = SUITE_X25519_SHA256_AES256GCM;
        // out[6..8] reserved, zero
        out[8..24].copy_from_slice(&self.kid.0);
        out[24..40].copy_from_slice(&self.session_id.0);
        out[40..56].copy_from_slice(&self.file_id.0);
        out[56..88].copy_from_slice(&self.enc);
        out[88..92].copy_from_slice(&self.record_size.to_be_bytes());
        out[92..100].copy_from_slice(&self.plaintext_len.to_be_bytes());
        out[100..132].copy_from_slice(&self.commitment);
        out
    }

    /// Decodes exactly [`HEADER_LEN`] bytes, checking every field.
    pub fn decode(bytes: &[u8]) -> Result<Self, HeaderError> {
        let b: &[u8; HEADER_LEN] = bytes.try_into().map_err(|_| HeaderError::Length)?;
        if b[0..4] != MAGIC {
            return Err(HeaderError::Magic);
        }
        if b[4] != VERSION {
            return Err(HeaderError::Version(b[4]));
        }
        if b[5] != SUITE_X25519_SHA256_AES256GCM {
            return Err(HeaderError::Suite(b[5]));
        }
        if b[6] != 0 || b[7] != 0 {
            return Err(HeaderError::Reserved);
        }
        let record_size = u32::from_be_bytes(arr(&b[88..92]));
        if !(MIN_RECORD_SIZE..=MAX_RECORD_SIZE).contains(&record_size) {
            return Err(HeaderError::RecordSize(record_size));
        }
        let plaintext_len = u64::from_be_bytes(arr(&b[92..100]));
        if plaintext_len > MAX_PLAINTEXT_LEN {
            return Err(HeaderError::PlaintextLen(plaintext_len));
        }
        Ok(Header {
            kid: Id16(arr(&b[8..24])),
            session_id: Id16(arr(&b[24..40])),
            file_id: Id16(arr(&b[40..56])),
            enc: arr(&b[56..88]),
            record_size,
            plaintext_len,
            commitment: arr(&b[100..132]),
        })
    }
}

/// Copies a slice whose length the caller has fixed by range into an array.
fn arr<const N: usize>(s: &[u8]) -> [u8; N] {
    let mut out = [0u8; N];
    out.copy_from_slice(s);
    out
}

/// SHA-256 of the encoded header: the AAD of every record and of the metadata.
pub(crate) fn header_digest(encoded: &[u8; HEADER_LEN]) -> [u8; 32] {
    Sha256::digest(encoded).into()
}

/// Number of records for a plaintext length: `max(1, ceil(len / record_size))`.
pub fn record_count(plaintext_len: u64, record_size: u32) -> u64 {
    let rs = u64::from(record_size.max(1));
    plaintext_len.div_ceil(rs).max(1)
}

/// Exact envelope length for a plaintext length, known before any byte is
/// sealed: header, plaintext, and one tag per record.
pub fn envelope_len(plaintext_len: u64, record_size: u32) -> u64 {
    HEADER_LEN as u64 + plaintext_len + TAG_LEN as u64 * record_count(plaintext_len, record_size)
}
