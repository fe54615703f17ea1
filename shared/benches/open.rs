//! The server's work per core on a received file — open every record of
//! its envelope and check the object with the acceptance rules — against
//! the least any receiver must do: the `aes-gcm` crate decrypting the same
//! bytes in the same records, alone. Reported as a ratio (issue 12's
//! target: at least 0.5).
//!
//! Run: `cargo bench -p mailslot-shared --bench open` (criterion's
//! estimates, then one line with the ratio).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::time::Instant;

use aes_gcm::aead::{AeadInOut, KeyInit, Nonce, Tag};
use aes_gcm::Aes256Gcm;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use mailslot_shared::dicom::synth::ct_image;
use mailslot_shared::dicom::{inspect, Limits};
use mailslot_shared::envelope::{
    open_all, seal_all, Header, Id16, Opener, PrivateKey, SealParams, Sealer, HEADER_LEN,
};

/// A 32 MiB CT-like object, as the page's records (64 KiB) carry it.
const PIXELS: usize = 32 << 20;
const RECORD: usize = 65536;

struct Case {
    plain: Vec<u8>,
    envelope: Vec<u8>,
    key: PrivateKey,
    /// The same plaintext, sealed record by record with a bare key.
    records: Vec<(Nonce<Aes256Gcm>, Vec<u8>, Tag<Aes256Gcm>)>,
    bare: Aes256Gcm,
}

fn case() -> Case {
    let plain = ct_image("1.2.3.4.5", "1.2.3.4", "DOE^JANE", PIXELS, 0);
    let key = PrivateKey::derive(&[3u8; 32]);
    let sealer = Sealer::new(
        &SealParams {
            recipient: &key.public_key(),
            session_id: Id16([1; 16]),
            file_id: Id16([2; 16]),
            plaintext_len: plain.len() as u64,
            record_size: RECORD as u32,
        },
        &[7u8; 32],
    )
    .unwrap();
    let envelope = seal_all(&sealer, &plain).unwrap();
    let bare = Aes256Gcm::new(&[9u8; 32].into());
    let records = plain
        .chunks(RECORD)
        .enumerate()
        .map(|(i, chunk)| {
            let mut nonce = [0u8; 12];
            nonce[4..].copy_from_slice(&(i as u64).to_be_bytes());
            let nonce = Nonce::<Aes256Gcm>::from(nonce);
            let mut body = chunk.to_vec();
            let tag = bare
                .encrypt_inout_detached(&nonce, b"", body.as_mut_slice().into())
                .unwrap();
            (nonce, body, tag)
        })
        .collect();
    Case {
        plain,
        envelope,
        key,
        records,
        bare,
    }
}

/// What the server does (`intake/receive.rs`): decode the header, set up
/// the opener, open each record into one reused buffer (where the server
/// writes it to the part file), then check the object.
fn open_and_check(c: &Case) -> usize {
    let header = Header::decode(&c.envelope[..HEADER_LEN]).unwrap();
    let mut opener = Opener::new(header, &c.key).unwrap();
    let mut rest = &c.envelope[HEADER_LEN..];
    let mut plain = Vec::new();
    let mut total = 0;
    while let Some(n) = opener.next_record_len() {
        let (record, tail) = rest.split_at(n);
        plain.clear();
        opener.open_next_into(record, &mut plain).unwrap();
        total += black_box(&plain).len();
        rest = tail;
    }
    assert!(inspect(&c.plain, c.plain.len() as u64, &Limits::default())
        .accepted()
        .is_some());
    total
}

/// The baseline: decrypt each record, nothing else.
fn decrypt_alone(c: &Case) -> usize {
    c.records
        .iter()
        .map(|(nonce, body, tag)| {
            let mut out = body.clone();
            c.bare
                .decrypt_inout_detached(nonce, b"", out.as_mut_slice().into(), tag)
                .unwrap();
            out.len()
        })
        .sum()
}

fn median_secs(n: usize, mut f: impl FnMut()) -> f64 {
    let mut t: Vec<f64> = (0..n)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed().as_secs_f64()
        })
        .collect();
    t.sort_by(f64::total_cmp);
    t[n / 2]
}

fn open_against_aes_gcm(cr: &mut Criterion) {
    let c = case();
    assert_eq!(open_and_check(&c), c.plain.len());
    assert_eq!(decrypt_alone(&c), c.plain.len());
    let mut g = cr.benchmark_group("receive 32 MiB");
    g.throughput(Throughput::Bytes(c.plain.len() as u64));
    g.sample_size(10);
    g.bench_function("aes-gcm decrypt alone (baseline)", |b| {
        b.iter(|| black_box(decrypt_alone(&c)))
    });
    g.bench_function("open envelope + acceptance rules", |b| {
        b.iter(|| black_box(open_and_check(&c)))
    });
    g.finish();
    let base = median_secs(7, || {
        black_box(decrypt_alone(&c));
    });
    let ours = median_secs(7, || {
        black_box(open_and_check(&c));
    });
    // `open_all` (a whole envelope into one new buffer; tests and small
    // files) is reported too: fresh memory costs page faults.
    let open_all_secs = median_secs(7, || {
        black_box(open_all(&c.envelope, &c.key).unwrap());
    });
    let check_only = median_secs(7, || {
        black_box(inspect(&c.plain, c.plain.len() as u64, &Limits::default()));
    });
    let mb = c.plain.len() as f64 / 1e6;
    println!(
        "the rules alone {:.0} MB/s; open_all into a new buffer {:.0} MB/s",
        mb / check_only,
        mb / open_all_secs
    );
    println!(
        "open+check / aes-gcm alone = {:.2} ({:.0} MB/s vs {:.0} MB/s per core)",
        base / ours,
        mb / ours,
        mb / base
    );
}

criterion_group!(benches, open_against_aes_gcm);
criterion_main!(benches);
