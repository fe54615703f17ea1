//! Envelope tests: golden vectors (also run under wasm32 in a JS engine) and
//! tamper tests. Regenerate the vectors only on a deliberate format change:
//! `MAILSLOT_WRITE_VECTORS=1 cargo test -p mailslot-shared --test envelope`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use aes_gcm::aead::{AeadInOut, KeyInit, Nonce};
use aes_gcm::Aes256Gcm;
use mailslot_shared::envelope::{
    open_all, record_nonce, seal_all, Header, Id16, OpenError, Opener, PrivateKey, SealParams,
    Sealer, HEADER_LEN, TAG_LEN,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

const VECTORS: &str = include_str!("vectors/envelope-v1.json");

#[derive(Debug, Serialize, Deserialize, PartialEq)]
struct Vector {
    name: String,
    recipient_ikm: String,
    recipient_public: String,
    kid: String,
    session_id: String,
    file_id: String,
    ephemeral_ikm: String,
    record_size: u32,
    plaintext: String,
    metadata: String,
    payload_key: String,
    envelope: String,
    sealed_metadata: String,
}

fn arr32(hex_str: &str) -> [u8; 32] {
    hex::decode(hex_str).unwrap().try_into().unwrap()
}

fn pattern(len: usize, seed: u8) -> Vec<u8> {
    (0..len)
        .map(|i| (i as u32 * 7 + u32::from(seed)) as u8)
        .collect()
}

/// Builds a vector from its inputs with the current code.
fn make(name: &str, len: usize, record_size: u32, metadata: &[u8], seed: u8) -> Vector {
    let recipient_ikm = [seed; 32];
    let ephemeral_ikm = [seed.wrapping_add(1); 32];
    let sk = PrivateKey::derive(&recipient_ikm);
    let pk = sk.public_key();
    let session_id = Id16([seed.wrapping_add(2); 16]);
    let file_id = Id16([seed.wrapping_add(3); 16]);
    let plaintext = pattern(len, seed);
    let sealer = Sealer::new(
        &SealParams {
            recipient: &pk,
            session_id,
            file_id,
            plaintext_len: len as u64,
            record_size,
        },
        &ephemeral_ikm,
    )
    .unwrap();
    Vector {
        name: name.into(),
        recipient_ikm: hex::encode(recipient_ikm),
        recipient_public: hex::encode(pk.to_bytes()),
        kid: pk.kid().to_hex(),
        session_id: session_id.to_hex(),
        file_id: file_id.to_hex(),
        ephemeral_ikm: hex::encode(ephemeral_ikm),
        record_size,
        plaintext: hex::encode(&plaintext),
        metadata: hex::encode(metadata),
        payload_key: hex::encode(sealer.payload_key()),
        envelope: hex::encode(seal_all(&sealer, &plaintext).unwrap()),
        sealed_metadata: hex::encode(sealer.seal_metadata(metadata).unwrap()),
    }
}

fn all_cases() -> Vec<Vector> {
    vec![
        make("empty", 0, 1024, b"", 1),
        make("short", 1000, 1024, b"{\"request\":\"second opinion\"}", 2),
        make("one-full-record", 1024, 1024, b"", 3),
        make(
            "three-records",
            2500,
            1024,
            b"{\"phone\":\"+49 30 1234\"}",
            4,
        ),
        make("default-record-size", 100, 64 * 1024, b"", 5),
    ]
}

#[cfg(not(target_arch = "wasm32"))]
#[test]
fn write_vectors_when_asked() {
    if std::env::var_os("MAILSLOT_WRITE_VECTORS").is_some() {
        let json = serde_json::to_string_pretty(&all_cases()).unwrap();
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/vectors/envelope-v1.json"
        );
        std::fs::write(path, json + "\n").unwrap();
    }
}

#[test]
fn golden_vectors_seal_identically() {
    let stored: Vec<Vector> = serde_json::from_str(VECTORS).unwrap();
    assert_eq!(stored.len(), 5);
    assert_eq!(
        stored,
        all_cases(),
        "sealing no longer matches the committed vectors"
    );
}

#[test]
fn golden_vectors_open() {
    let stored: Vec<Vector> = serde_json::from_str(VECTORS).unwrap();
    for v in stored {
        let sk = PrivateKey::derive(&arr32(&v.recipient_ikm));
        let envelope = hex::decode(&v.envelope).unwrap();
        let plaintext = open_all(&envelope, &sk).unwrap();
        assert_eq!(hex::encode(&plaintext), v.plaintext, "{}", v.name);
        let header = Header::decode(&envelope[..HEADER_LEN]).unwrap();
        assert_eq!(header.envelope_len(), envelope.len() as u64);
        assert_eq!(header.kid.to_hex(), v.kid);
        let opener = Opener::new(header, &sk).unwrap();
        let meta = opener
            .open_metadata(&hex::decode(&v.sealed_metadata).unwrap())
            .unwrap();
        assert_eq!(hex::encode(meta), v.metadata);
    }
}

/// Recomputes each record with plain AES-256-GCM from the vector's payload
/// key, the documented nonce and AAD = SHA-256(header): what WebCrypto does.
#[test]
fn golden_vectors_follow_the_spec_construction() {
    let stored: Vec<Vector> = serde_json::from_str(VECTORS).unwrap();
    for v in stored {
        let envelope = hex::decode(&v.envelope).unwrap();
        let plaintext = hex::decode(&v.plaintext).unwrap();
        let aad: [u8; 32] = Sha256::digest(&envelope[..HEADER_LEN]).into();
        let cipher = Aes256Gcm::new_from_slice(&hex::decode(&v.payload_key).unwrap()).unwrap();
        let rs = v.record_size as usize;
        let count = plaintext.len().div_ceil(rs).max(1);
        let mut expected = envelope[..HEADER_LEN].to_vec();
        for i in 0..count {
            let chunk = &plaintext[i * rs..((i + 1) * rs).min(plaintext.len())];
            let mut buf = chunk.to_vec();
            let nonce = Nonce::<Aes256Gcm>::from(record_nonce(i as u64, i + 1 == count));
            let tag = cipher
                .encrypt_inout_detached(&nonce, &aad, buf.as_mut_slice().into())
                .unwrap();
            expected.extend_from_slice(&buf);
            expected.extend_from_slice(&tag);
        }
        assert_eq!(hex::encode(expected), v.envelope, "{}", v.name);
    }
}

// ---- tamper tests -------------------------------------------------------

struct Fixture {
    sk: PrivateKey,
    a: Vec<u8>,
    b: Vec<u8>,
    plaintext: Vec<u8>,
}

/// Two files of 4 records each (1024-byte records), same session and key.
fn fixture() -> Fixture {
    let sk = PrivateKey::derive(&[9; 32]);
    let pk = sk.public_key();
    let plaintext = pattern(3500, 9);
    let seal = |file: u8, eph: u8| {
        let sealer = Sealer::new(
            &SealParams {
                recipient: &pk,
                session_id: Id16([1; 16]),
                file_id: Id16([file; 16]),
                plaintext_len: plaintext.len() as u64,
                record_size: 1024,
            },
            &[eph; 32],
        )
        .unwrap();
        seal_all(&sealer, &plaintext).unwrap()
    };
    let (a, b) = (seal(1, 11), seal(2, 12));
    Fixture {
        sk,
        a,
        b,
        plaintext,
    }
}

const REC: usize = 1024 + TAG_LEN;

fn records(env: &[u8]) -> Vec<Vec<u8>> {
    env[HEADER_LEN..].chunks(REC).map(<[u8]>::to_vec).collect()
}

fn join(header: &[u8], recs: &[Vec<u8>]) -> Vec<u8> {
    let mut out = header.to_vec();
    for r in recs {
        out.extend_from_slice(r);
    }
    out
}

#[test]
fn intact_envelope_opens() {
    let f = fixture();
    assert_eq!(open_all(&f.a, &f.sk).unwrap(), f.plaintext);
    assert_eq!(records(&f.a).len(), 4);
}

#[test]
fn every_flipped_bit_fails() {
    let f = fixture();
    // Every bit of the header and a sample of bits across all records.
    let positions = (0..HEADER_LEN * 8).chain((HEADER_LEN * 8..f.a.len() * 8).step_by(61));
    for bit in positions {
        let mut t = f.a.clone();
        t[bit / 8] ^= 1 << (bit % 8);
        assert!(
            open_all(&t, &f.sk).is_err(),
            "bit {bit} flipped still opened"
        );
    }
}

#[test]
fn dropped_reordered_duplicated_records_fail() {
    let f = fixture();
    let h = &f.a[..HEADER_LEN];
    let r = records(&f.a);
    for drop in 0..r.len() {
        let mut v = r.clone();
        v.remove(drop);
        assert!(open_all(&join(h, &v), &f.sk).is_err(), "dropped {drop}");
    }
    let mut swapped = r.clone();
    swapped.swap(0, 1);
    assert!(open_all(&join(h, &swapped), &f.sk).is_err());
    let mut dup = r.clone();
    dup.insert(1, r[1].clone());
    assert!(open_all(&join(h, &dup), &f.sk).is_err());
    let mut replaced = r.clone();
    replaced[2] = r[1].clone();
    assert!(open_all(&join(h, &replaced), &f.sk).is_err());
}

#[test]
fn cut_after_any_record_or_inside_fails_and_append_fails() {
    let f = fixture();
    for cut in (HEADER_LEN..f.a.len())
        .step_by(REC)
        .chain([HEADER_LEN + 1, f.a.len() - 1])
    {
        assert!(open_all(&f.a[..cut], &f.sk).is_err(), "cut at {cut}");
    }
    let mut longer = f.a.clone();
    longer.extend_from_slice(&[0; TAG_LEN]);
    assert!(open_all(&longer, &f.sk).is_err());
    // A streaming opener refuses anything after the final record too.
    let header = Header::decode(&f.a[..HEADER_LEN]).unwrap();
    let mut opener = Opener::new(header, &f.sk).unwrap();
    for rec in records(&f.a) {
        opener.open_next(&rec).unwrap();
    }
    assert!(opener.is_done());
    assert!(opener.open_next(&records(&f.a)[3]).is_err());
}

#[test]
fn truncation_cannot_be_hidden_by_editing_the_length() {
    // Shorten the declared length to 3 records and drop the 4th: the header
    // changes, so the commitment/AAD no longer match.
    let f = fixture();
    let mut header = Header::decode(&f.a[..HEADER_LEN]).unwrap();
    header.plaintext_len = 3 * 1024;
    let r = records(&f.a);
    let forged = join(&header.encode(), &r[..3]);
    assert!(open_all(&forged, &f.sk).is_err());
}

#[test]
fn records_swapped_between_files_fail() {
    let f = fixture();
    let (ra, rb) = (records(&f.a), records(&f.b));
    for i in 0..ra.len() {
        let mut v = ra.clone();
        v[i] = rb[i].clone();
        assert!(
            open_all(&join(&f.a[..HEADER_LEN], &v), &f.sk).is_err(),
            "record {i}"
        );
    }
    // B's header with A's records, and vice versa.
    assert!(open_all(&join(&f.b[..HEADER_LEN], &ra), &f.sk).is_err());
}

#[test]
fn wrong_key_fails_without_detail() {
    let f = fixture();
    let other = PrivateKey::derive(&[10; 32]);
    assert_eq!(
        open_all(&f.a, &other),
        Err(OpenError::Decrypt(mailslot_shared::envelope::DecryptError))
    );
}

#[test]
fn sealing_is_deterministic_for_resume() {
    let sk = PrivateKey::derive(&[3; 32]);
    let pk = sk.public_key();
    let params = SealParams {
        recipient: &pk,
        session_id: Id16([4; 16]),
        file_id: Id16([5; 16]),
        plaintext_len: 3000,
        record_size: 1024,
    };
    let one = Sealer::new(&params, &[6; 32]).unwrap();
    let two = Sealer::new(&params, &[6; 32]).unwrap();
    let data = pattern(1024, 1);
    assert_eq!(one.header_bytes(), two.header_bytes());
    assert_eq!(
        one.seal_record(1, &data).unwrap(),
        two.seal_record(1, &data).unwrap()
    );
    // Different ephemeral randomness gives a different envelope.
    let three = Sealer::new(&params, &[7; 32]).unwrap();
    assert_ne!(one.header_bytes(), three.header_bytes());
    // Wrong lengths and indices are refused.
    assert!(one.seal_record(3, &data).is_err());
    assert!(one.seal_record(0, &data[..10]).is_err());
}

#[test]
fn header_codec_rejects_bad_fields_and_trailing_bytes() {
    let f = fixture();
    let h = &f.a[..HEADER_LEN];
    assert!(Header::decode(h).is_ok());
    assert!(Header::decode(&f.a[..HEADER_LEN + 1]).is_err());
    assert!(Header::decode(&h[..HEADER_LEN - 1]).is_err());
    let edit = |at: usize, val: u8| {
        let mut t = h.to_vec();
        t[at] = val;
        Header::decode(&t)
    };
    use mailslot_shared::envelope::HeaderError as E;
    assert_eq!(edit(0, b'X'), Err(E::Magic));
    assert_eq!(edit(4, 2), Err(E::Version(2)));
    assert_eq!(edit(5, 9), Err(E::Suite(9)));
    assert_eq!(edit(6, 1), Err(E::Reserved));
    assert!(matches!(edit(88, 0xff), Err(E::RecordSize(_))));
    assert!(matches!(edit(92, 0xff), Err(E::PlaintextLen(_))));
    let hdr = Header::decode(h).unwrap();
    assert_eq!(Header::decode(&hdr.encode()).unwrap(), hdr);
}

#[test]
fn resume_at_continues_opening() {
    let f = fixture();
    let header = Header::decode(&f.a[..HEADER_LEN]).unwrap();
    let r = records(&f.a);
    let mut opener = Opener::new(header.clone(), &f.sk).unwrap();
    opener.resume_at(2).unwrap();
    assert_eq!(opener.open_next(&r[2]).unwrap(), f.plaintext[2048..3072]);
    let mut fresh = Opener::new(header, &f.sk).unwrap();
    assert!(fresh.resume_at(5).is_err());
}
