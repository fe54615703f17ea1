//! The encryption envelope, version 1 (specified in `docs/envelope.md`).
//!
//! One envelope per file. The sender agrees a per-file secret with the
//! server's long-term X25519 key through HPKE (RFC 9180, base mode) and uses
//! HPKE's exporter to derive three values: the payload key, the metadata key
//! and a key commitment. The payload is cut into fixed-size records, each
//! sealed with AES-256-GCM under the payload key; the nonce is the record
//! counter followed by a final-record flag (the STREAM construction used by
//! `age`), and the AAD is the SHA-256 of the header. Hence:
//!
//! * dropping, reordering or duplicating a record changes its nonce → fails;
//! * truncating is caught because the header fixes the record count and the
//!   final record carries the final flag; bytes after it are refused;
//! * records spliced from another file or session fail, because the header
//!   (ids, `enc`, lengths) is the AAD and the key differs.
//!
//! Sealing is deterministic once the sender is set up, so a resumed upload
//! re-sends byte-identical records. This module does no IO and draws no
//! randomness: callers pass in the ephemeral key material.
//!
//! Record bytes can be produced by WebCrypto AES-GCM as well: import
//! [`Sealer::payload_key`] raw, and use [`record_nonce`] as the 12-byte IV
//! and [`Sealer::aad`] as `additionalData` — the output is identical.

mod header;

use aes_gcm::aead::{AeadInOut, KeyInit, Nonce, Tag};
use aes_gcm::Aes256Gcm;
use hpke::aead::ExportOnlyAead;
use hpke::kdf::HkdfSha256;
use hpke::kem::X25519HkdfSha256;
use hpke::{Deserializable, Kem as _, OpModeR, OpModeS, Serializable};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

pub use header::{
    envelope_len, record_count, Header, Id16, DEFAULT_RECORD_SIZE, HEADER_LEN, MAGIC,
    MAX_PLAINTEXT_LEN, MAX_RECORD_SIZE, MIN_RECORD_SIZE, SUITE_X25519_SHA256_AES256GCM, TAG_LEN,
    VERSION,
};

/// Largest metadata blob one envelope may carry sealed (contact data, request).
pub const MAX_METADATA_LEN: usize = 64 * 1024;

const INFO_LABEL: &[u8] = b"mailslot envelope";
const EXPORT_PAYLOAD: &[u8] = b"mailslot v1 payload key";
const EXPORT_METADATA: &[u8] = b"mailslot v1 metadata key";
const EXPORT_COMMITMENT: &[u8] = b"mailslot v1 key commitment";
const KID_LABEL: &[u8] = b"mailslot v1 kid";

/// Why a header was refused. Header fields are public, so these may be
/// specific; anything involving keys or ciphertext is a [`DecryptError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum HeaderError {
    /// The header is not exactly [`HEADER_LEN`] bytes.
    #[error("envelope header has the wrong length")]
    Length,
    /// The header does not start with [`MAGIC`].
    #[error("not a Mailslot envelope")]
    Magic,
    /// An envelope version this build does not read.
    #[error("unsupported envelope version {0}")]
    Version(u8),
    /// A cipher suite this build does not know.
    #[error("unsupported envelope suite {0}")]
    Suite(u8),
    /// The reserved bytes are not zero.
    #[error("reserved header bytes are not zero")]
    Reserved,
    /// The record size is outside [`MIN_RECORD_SIZE`]..=[`MAX_RECORD_SIZE`].
    #[error("record size {0} is out of range")]
    RecordSize(u32),
    /// The plaintext length exceeds [`MAX_PLAINTEXT_LEN`].
    #[error("plaintext length {0} exceeds the maximum")]
    PlaintextLen(u64),
}

/// Decryption failed. Deliberately carries no detail (no oracle): a wrong
/// key, a bad commitment, a flipped bit, a missing, repeated, reordered or
/// extra record all look the same.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("decryption failed")]
pub struct DecryptError;

/// The server's long-term X25519 public key.
#[derive(Clone, PartialEq, Eq)]
pub struct PublicKey(<X25519HkdfSha256 as hpke::Kem>::PublicKey);

/// The server's long-term X25519 private key. Not `Debug`-printable.
#[derive(Clone)]
pub struct PrivateKey(<X25519HkdfSha256 as hpke::Kem>::PrivateKey);

impl core::fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "PublicKey(kid={})", self.kid())
    }
}

impl core::fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("PrivateKey(..)")
    }
}

impl PublicKey {
    /// The 32 raw bytes.
    pub fn to_bytes(&self) -> [u8; 32] {
        let mut out = [0u8; 32];
        out.copy_from_slice(&self.0.to_bytes());
        out
    }

    /// From 32 raw bytes.
    pub fn from_bytes(bytes: &[u8]) -> Option<Self> {
        <X25519HkdfSha256 as hpke::Kem>::PublicKey::from_bytes(bytes)
            .ok()
            .map(PublicKey)
    }

    /// The key id: the first 16 bytes of SHA-256("mailslot v1 kid" ‖ key).
    pub fn kid(&self) -> Id16 {
        let digest = Sha256::new()
            .chain_update(KID_LABEL)
            .chain_update(self.to_bytes())
            .finalize();
        let mut out = [0u8; 16];
        out.copy_from_slice(&digest[..16]);
        Id16(out)
    }
}

impl PrivateKey {
    /// Derives a key pair from 32 bytes of fresh randomness (RFC 9180
    /// `DeriveKeyPair`). The caller supplies the randomness.
    pub fn derive(ikm: &[u8; 32]) -> Self {
        let (sk, _) = X25519HkdfSha256::derive_keypair(ikm);
        PrivateKey(sk)
    }

    /// The matching public key.
    pub fn public_key(&self) -> PublicKey {
        PublicKey(X25519HkdfSha256::sk_to_pk(&self.0))
    }

    /// The 32 raw secret bytes, for storing in a key file.
    pub fn to_bytes(&self) -> Zeroizing<[u8; 32]> {
        let mut out = Zeroizing::new([0u8; 32]);
        out.copy_from_slice(&self.0.to_bytes());
        out
    }

    /// From 32 raw secret bytes.
    pub fn from_bytes(bytes: &[u8]) -> Option<Self> {
        <X25519HkdfSha256 as hpke::Kem>::PrivateKey::from_bytes(bytes)
            .ok()
            .map(PrivateKey)
    }
}

/// The HPKE `info`: binds the version, suite, server kid, session and file.
fn hpke_info(kid: &Id16, session_id: &Id16, file_id: &Id16) -> [u8; 17 + 2 + 48] {
    let mut info = [0u8; 17 + 2 + 48];
    info[..17].copy_from_slice(INFO_LABEL);
    info[17] = VERSION;
    info[18] = SUITE_X25519_SHA256_AES256GCM;
    info[19..35].copy_from_slice(&kid.0);
    info[35..51].copy_from_slice(&session_id.0);
    info[51..67].copy_from_slice(&file_id.0);
    info
}

/// The keys both sides derive from the HPKE context.
struct Keys {
    payload: Aes256Gcm,
    metadata: Aes256Gcm,
    payload_raw: Zeroizing<[u8; 32]>,
    commitment: [u8; 32],
}

fn derive_keys<F>(export: F) -> Result<Keys, hpke::HpkeError>
where
    F: Fn(&[u8], &mut [u8]) -> Result<(), hpke::HpkeError>,
{
    let mut payload_raw = Zeroizing::new([0u8; 32]);
    let mut metadata_raw = Zeroizing::new([0u8; 32]);
    let mut commitment = [0u8; 32];
    export(EXPORT_PAYLOAD, payload_raw.as_mut())?;
    export(EXPORT_METADATA, metadata_raw.as_mut())?;
    export(EXPORT_COMMITMENT, &mut commitment)?;
    let payload = Aes256Gcm::new_from_slice(payload_raw.as_ref())
        .map_err(|_| hpke::HpkeError::KdfOutputTooLong)?;
    let metadata = Aes256Gcm::new_from_slice(metadata_raw.as_ref())
        .map_err(|_| hpke::HpkeError::KdfOutputTooLong)?;
    Ok(Keys {
        payload,
        metadata,
        payload_raw,
        commitment,
    })
}

/// The 12-byte nonce of record `index`: an 11-byte big-endian counter
/// followed by `0x01` for the final record and `0x00` otherwise.
pub fn record_nonce(index: u64, is_final: bool) -> [u8; 12] {
    let mut nonce = [0u8; 12];
    nonce[3..11].copy_from_slice(&index.to_be_bytes());
    nonce[11] = u8::from(is_final);
    nonce
}

/// The nonce of the single metadata message (its key is used once).
const METADATA_NONCE: [u8; 12] = [0xff; 12];

/// An RNG that yields the caller's 32 bytes of ephemeral key material once,
/// so that HPKE's `encap` performs RFC 9180 `DeriveKeyPair(ikm)`.
struct OneShotIkm<'a>(&'a [u8; 32], usize);

impl rand_core::TryRng for OneShotIkm<'_> {
    type Error = core::convert::Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        let mut b = [0u8; 4];
        self.try_fill_bytes(&mut b)?;
        Ok(u32::from_le_bytes(b))
    }

    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        let mut b = [0u8; 8];
        self.try_fill_bytes(&mut b)?;
        Ok(u64::from_le_bytes(b))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        // hpke asks for exactly 32 bytes once (the test
        // `encapsulation_draws_exactly_the_ikm` checks this).
        for b in dst.iter_mut() {
            *b = self.0.get(self.1).copied().unwrap_or(0);
            self.1 += 1;
        }
        Ok(())
    }
}

impl rand_core::TryCryptoRng for OneShotIkm<'_> {}

/// The sending side of one envelope.
pub struct Sealer {
    header: Header,
    encoded: [u8; HEADER_LEN],
    aad: [u8; 32],
    keys: Keys,
}

impl core::fmt::Debug for Sealer {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Sealer")
            .field("header", &self.header)
            .finish_non_exhaustive()
    }
}

/// Everything a sender needs to start an envelope, apart from randomness.
#[derive(Debug, Clone)]
pub struct SealParams<'a> {
    /// The server's current public key.
    pub recipient: &'a PublicKey,
    /// The upload session id the server handed out.
    pub session_id: Id16,
    /// The sender's id for this file.
    pub file_id: Id16,
    /// Total plaintext length.
    pub plaintext_len: u64,
    /// Plaintext bytes per record; use [`DEFAULT_RECORD_SIZE`].
    pub record_size: u32,
}

impl Sealer {
    /// Sets up an envelope. `ephemeral_ikm` must be 32 fresh random bytes
    /// (the HPKE ephemeral key is derived from them); reusing them for two
    /// files reuses keys.
    pub fn new(params: &SealParams<'_>, ephemeral_ikm: &[u8; 32]) -> Result<Self, SealError> {
        if !(MIN_RECORD_SIZE..=MAX_RECORD_SIZE).contains(&params.record_size) {
            return Err(SealError::Params(HeaderError::RecordSize(
                params.record_size,
            )));
        }
        if params.plaintext_len > MAX_PLAINTEXT_LEN {
            return Err(SealError::Params(HeaderError::PlaintextLen(
                params.plaintext_len,
            )));
        }
        let kid = params.recipient.kid();
        let info = hpke_info(&kid, &params.session_id, &params.file_id);
        let mut rng = OneShotIkm(ephemeral_ikm, 0);
        // X25519 encapsulation fails only for a low-order recipient point.
        let (enc, ctx) =
            hpke::setup_sender_with_rng::<ExportOnlyAead, HkdfSha256, X25519HkdfSha256>(
                &OpModeS::Base,
                &params.recipient.0,
                &info,
                &mut rng,
            )
            .map_err(|_| SealError::Encapsulation)?;
        let keys = derive_keys(|label, out| ctx.export(label, out))
            .map_err(|_| SealError::Encapsulation)?;
        let mut enc_bytes = [0u8; 32];
        enc_bytes.copy_from_slice(&enc.to_bytes());
        let header = Header {
            kid,
            session_id: params.session_id,
            file_id: params.file_id,
            enc: enc_bytes,
            record_size: params.record_size,
            plaintext_len: params.plaintext_len,
            commitment: keys.commitment,
        };
        let encoded = header.encode();
        let aad = header::header_digest(&encoded);
        Ok(Sealer {
            header,
            encoded,
            aad,
            keys,
        })
    }

    /// The decoded header.
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// The encoded header: the first bytes of the envelope.
    pub fn header_bytes(&self) -> &[u8; HEADER_LEN] {
        &self.encoded
    }

    /// The AAD of every record (SHA-256 of the header).
    pub fn aad(&self) -> &[u8; 32] {
        &self.aad
    }

    /// The raw AES-256-GCM payload key, for importing into WebCrypto as a
    /// non-extractable key. Treat as secret.
    pub fn payload_key(&self) -> &[u8; 32] {
        &self.keys.payload_raw
    }

    /// Seals record `index`. `plaintext` must be exactly
    /// [`Header::record_plaintext_len`] bytes. Deterministic: sealing the
    /// same record twice gives the same bytes (for resumed uploads).
    pub fn seal_record(&self, index: u64, plaintext: &[u8]) -> Result<Vec<u8>, SealError> {
        let expected = self
            .header
            .record_plaintext_len(index)
            .ok_or(SealError::NoSuchRecord)?;
        if plaintext.len() != expected {
            return Err(SealError::RecordLength);
        }
        let is_final = index + 1 == self.header.record_count();
        let nonce = Nonce::<Aes256Gcm>::from(record_nonce(index, is_final));
        let mut out = Vec::with_capacity(plaintext.len() + TAG_LEN);
        out.extend_from_slice(plaintext);
        let tag = self
            .keys
            .payload
            .encrypt_inout_detached(&nonce, &self.aad, out.as_mut_slice().into())
            .map_err(|_| SealError::RecordLength)?;
        out.extend_from_slice(&tag);
        Ok(out)
    }

    /// Seals the envelope's one metadata message (e.g. the sender's contact
    /// details and request) under the metadata key.
    pub fn seal_metadata(&self, plaintext: &[u8]) -> Result<Vec<u8>, SealError> {
        if plaintext.len() > MAX_METADATA_LEN {
            return Err(SealError::RecordLength);
        }
        let nonce = Nonce::<Aes256Gcm>::from(METADATA_NONCE);
        let mut out = plaintext.to_vec();
        let tag = self
            .keys
            .metadata
            .encrypt_inout_detached(&nonce, &self.aad, out.as_mut_slice().into())
            .map_err(|_| SealError::RecordLength)?;
        out.extend_from_slice(&tag);
        Ok(out)
    }
}

/// A sender-side mistake (never caused by received data).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SealError {
    /// A parameter is out of the range a header allows.
    #[error(transparent)]
    Params(HeaderError),
    /// HPKE encapsulation failed (a low-order recipient key).
    #[error("key encapsulation failed")]
    Encapsulation,
    /// The record index is past the final record.
    #[error("no such record")]
    NoSuchRecord,
    /// The plaintext is not the length the header fixes for this record.
    #[error("record plaintext has the wrong length")]
    RecordLength,
}

/// The receiving side of one envelope: opens records strictly in order.
pub struct Opener {
    header: Header,
    aad: [u8; 32],
    keys: Keys,
    next: u64,
}

impl core::fmt::Debug for Opener {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Opener")
            .field("header", &self.header)
            .field("next", &self.next)
            .finish_non_exhaustive()
    }
}

impl Opener {
    /// Sets up decryption for an envelope whose header was already decoded
    /// (so the caller could pick the private key by [`Header::kid`]).
    /// Checks the key commitment.
    pub fn new(header: Header, key: &PrivateKey) -> Result<Self, DecryptError> {
        let encoded = header.encode();
        let info = hpke_info(&header.kid, &header.session_id, &header.file_id);
        let enc = <X25519HkdfSha256 as hpke::Kem>::EncappedKey::from_bytes(&header.enc)
            .map_err(|_| DecryptError)?;
        let ctx = hpke::setup_receiver::<ExportOnlyAead, HkdfSha256, X25519HkdfSha256>(
            &OpModeR::Base,
            &key.0,
            &enc,
            &info,
        )
        .map_err(|_| DecryptError)?;
        let keys = derive_keys(|label, out| ctx.export(label, out)).map_err(|_| DecryptError)?;
        if !bool::from(keys.commitment.ct_eq(&header.commitment)) {
            return Err(DecryptError);
        }
        Ok(Opener {
            aad: header::header_digest(&encoded),
            header,
            keys,
            next: 0,
        })
    }

    /// The header this opener was built from.
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// Index of the next record [`Opener::open_next`] expects.
    pub fn next_index(&self) -> u64 {
        self.next
    }

    /// Continue at record `index` (after a restart, when records before it
    /// were already opened and stored). `index` may equal the record count.
    pub fn resume_at(&mut self, index: u64) -> Result<(), DecryptError> {
        if index > self.header.record_count() {
            return Err(DecryptError);
        }
        self.next = index;
        Ok(())
    }

    /// Whether the final record has been opened.
    pub fn is_done(&self) -> bool {
        self.next >= self.header.record_count()
    }

    /// Ciphertext length of the next record, or `None` when done.
    pub fn next_record_len(&self) -> Option<usize> {
        self.header
            .record_plaintext_len(self.next)
            .map(|n| n + TAG_LEN)
    }

    /// Opens the next record; returns its plaintext.
    pub fn open_next(&mut self, record: &[u8]) -> Result<Vec<u8>, DecryptError> {
        let mut out = Vec::new();
        self.open_next_into(record, &mut out)?;
        Ok(out)
    }

    /// Opens the next record, appending its plaintext to `out` (decrypted
    /// in place there: no copy of its own). On an error `out` is as it
    /// was: nothing unauthenticated is left in it.
    pub fn open_next_into(&mut self, record: &[u8], out: &mut Vec<u8>) -> Result<(), DecryptError> {
        let expected = self.next_record_len().ok_or(DecryptError)?;
        if record.len() != expected {
            return Err(DecryptError);
        }
        let is_final = self.next + 1 == self.header.record_count();
        let nonce = Nonce::<Aes256Gcm>::from(record_nonce(self.next, is_final));
        let (body, tag) = record.split_at(record.len() - TAG_LEN);
        let tag = Tag::<Aes256Gcm>::try_from(tag).map_err(|_| DecryptError)?;
        let start = out.len();
        out.extend_from_slice(body);
        let opened = self.keys.payload.decrypt_inout_detached(
            &nonce,
            &self.aad,
            out[start..].as_mut().into(),
            &tag,
        );
        if opened.is_err() {
            out.truncate(start);
            return Err(DecryptError);
        }
        self.next += 1;
        Ok(())
    }

    /// Opens the envelope's metadata message.
    pub fn open_metadata(&self, sealed: &[u8]) -> Result<Vec<u8>, DecryptError> {
        if sealed.len() < TAG_LEN || sealed.len() > MAX_METADATA_LEN + TAG_LEN {
            return Err(DecryptError);
        }
        let nonce = Nonce::<Aes256Gcm>::from(METADATA_NONCE);
        let (body, tag) = sealed.split_at(sealed.len() - TAG_LEN);
        let tag = Tag::<Aes256Gcm>::try_from(tag).map_err(|_| DecryptError)?;
        let mut out = body.to_vec();
        self.keys
            .metadata
            .decrypt_inout_detached(&nonce, &self.aad, out.as_mut_slice().into(), &tag)
            .map_err(|_| DecryptError)?;
        Ok(out)
    }
}

/// Seals a whole plaintext held in memory (tests, small files, metadata-only
/// envelopes). Streaming callers use [`Sealer::seal_record`].
pub fn seal_all(sealer: &Sealer, plaintext: &[u8]) -> Result<Vec<u8>, SealError> {
    let header = sealer.header();
    if plaintext.len() as u64 != header.plaintext_len {
        return Err(SealError::RecordLength);
    }
    let mut out = Vec::with_capacity(usize::try_from(header.envelope_len()).unwrap_or(0));
    out.extend_from_slice(sealer.header_bytes());
    let rs = header.record_size as usize;
    for index in 0..header.record_count() {
        let start = usize::try_from(index).map_err(|_| SealError::NoSuchRecord)? * rs;
        let len = header
            .record_plaintext_len(index)
            .ok_or(SealError::NoSuchRecord)?;
        out.extend_from_slice(&sealer.seal_record(index, &plaintext[start..start + len])?);
    }
    Ok(out)
}

/// Opens a whole envelope held in memory, refusing trailing bytes.
pub fn open_all(envelope: &[u8], key: &PrivateKey) -> Result<Vec<u8>, OpenError> {
    let head = envelope
        .get(..HEADER_LEN)
        .ok_or(OpenError::Header(HeaderError::Length))?;
    let header = Header::decode(head).map_err(OpenError::Header)?;
    if envelope.len() as u64 != header.envelope_len() {
        return Err(OpenError::Decrypt(DecryptError));
    }
    let plaintext_len = usize::try_from(header.plaintext_len).unwrap_or(0);
    let mut opener = Opener::new(header, key).map_err(OpenError::Decrypt)?;
    // The length is the header's, checked against the envelope above.
    let mut out = Vec::with_capacity(plaintext_len);
    let mut rest = &envelope[HEADER_LEN..];
    while let Some(n) = opener.next_record_len() {
        let (record, tail) = rest.split_at(n.min(rest.len()));
        opener
            .open_next_into(record, &mut out)
            .map_err(OpenError::Decrypt)?;
        rest = tail;
    }
    if !rest.is_empty() {
        return Err(OpenError::Decrypt(DecryptError));
    }
    Ok(out)
}

/// Error of [`open_all`]: a header that does not decode, or a decryption failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum OpenError {
    /// The header did not decode.
    #[error(transparent)]
    Header(HeaderError),
    /// Decryption failed (no further detail on purpose).
    #[error(transparent)]
    Decrypt(DecryptError),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encapsulation_draws_exactly_the_ikm() {
        let pk = PrivateKey::derive(&[1; 32]).public_key();
        let ikm = [2; 32];
        let mut rng = OneShotIkm(&ikm, 0);
        let result = hpke::setup_sender_with_rng::<ExportOnlyAead, HkdfSha256, X25519HkdfSha256>(
            &OpModeS::Base,
            &pk.0,
            b"info",
            &mut rng,
        );
        assert!(result.is_ok());
        assert_eq!(rng.1, 32);
    }

    fn header(plaintext_len: u64, record_size: u32) -> Header {
        Header {
            kid: Id16([0; 16]),
            session_id: Id16([0; 16]),
            file_id: Id16([0; 16]),
            enc: [0; 32],
            record_size,
            plaintext_len,
            commitment: [0; 32],
        }
    }

    #[test]
    fn offsets_and_records_agree_with_the_sealed_layout() {
        // 2.5 records of 1024 bytes: 3 records, the last one 512 bytes.
        let h = header(2560, 1024);
        let (hl, rl) = (HEADER_LEN as u64, 1024 + TAG_LEN as u64);
        assert_eq!(h.sealed_record_len(), rl);
        for (offset, records, plain) in [
            (0, 0, 0),
            (hl - 1, 0, 0),
            (hl, 0, 0),
            (hl + rl - 1, 0, 0),
            (hl + rl, 1, 1024),
            (hl + 2 * rl, 2, 2048),
            (h.envelope_len(), 3, 2560),
            (u64::MAX, 3, 2560),
        ] {
            assert_eq!(h.records_before(offset), records, "offset {offset}");
            assert_eq!(h.plaintext_before(offset), plain, "offset {offset}");
        }
        assert_eq!(h.record_offset(0), hl);
        assert_eq!(h.record_offset(2), hl + 2 * rl);
        assert_eq!(h.record_offset(3), h.envelope_len());
        assert_eq!(h.record_offset(9), h.envelope_len());
        // A transfer of at most two records from the start, then the rest.
        assert_eq!(h.records_from(0, 2), 0..2);
        assert_eq!(h.records_from(hl + 2 * rl, 2), 2..3);
        assert_eq!(h.records_from(hl, 0), 0..1);
        assert_eq!(h.plaintext_of(0..2), 0..2048);
        assert_eq!(h.plaintext_of(2..3), 2048..2560);
        // An empty file still has one (empty) record.
        let empty = header(0, 1024);
        assert_eq!(empty.records_from(0, 64), 0..1);
        assert_eq!(empty.plaintext_of(0..1), 0..0);
    }

    /// A record that does not authenticate leaves the caller's buffer as
    /// it was (the server writes that buffer to disk), and the opener
    /// still expects the same record.
    #[test]
    fn a_forged_record_leaves_the_buffer_and_the_opener_as_they_were(
    ) -> Result<(), Box<dyn std::error::Error>> {
        let key = PrivateKey::derive(&[4; 32]);
        let plain = vec![6u8; 3000];
        let sealer = Sealer::new(
            &SealParams {
                recipient: &key.public_key(),
                session_id: Id16([1; 16]),
                file_id: Id16([2; 16]),
                plaintext_len: plain.len() as u64,
                record_size: 1024,
            },
            &[7; 32],
        )?;
        let envelope = seal_all(&sealer, &plain)?;
        let header = Header::decode(&envelope[..HEADER_LEN])?;
        let mut opener = Opener::new(header, &key)?;
        let n = opener.next_record_len().unwrap_or(0);
        let mut forged = envelope[HEADER_LEN..HEADER_LEN + n].to_vec();
        forged[10] ^= 1;
        let mut out = b"kept".to_vec();
        assert!(opener.open_next_into(&forged, &mut out).is_err());
        assert_eq!(out, b"kept");
        assert_eq!(opener.next_index(), 0);
        assert!(opener
            .open_next_into(&envelope[HEADER_LEN..HEADER_LEN + n], &mut out)
            .is_ok());
        assert_eq!(&out[..4], b"kept");
        assert_eq!(&out[4..], &plain[..1024]);
        Ok(())
    }

    #[test]
    fn nonce_layout() {
        assert_eq!(record_nonce(0, false), [0; 12]);
        assert_eq!(record_nonce(1, true), [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1]);
        assert_eq!(record_nonce(0x0102, false)[9..], [1, 2, 0]);
    }
}
