//! The page's hot paths in headless Chromium, in a dedicated worker (as
//! in the page), each against a baseline measured in the same run:
//!
//! - scanning a CD-like set of files vs. only reading the same files whole
//!   (the least any scan has to do): the ratio is the cost of the rules;
//! - sealing 4 MiB (one `PATCH`) with WebCrypto vs. with the `aes-gcm`
//!   fallback.
//!
//! Run: `cargo xtask bench-page` (criterion's estimates, then one line per
//! ratio). Not part of the tests: timings are reported, never asserted.

#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::rc::Rc;

use js_sys::Uint8Array;
use mailslot_frontend::seal::{Engine, FileSeal};
use mailslot_frontend::worker::protocol::{self, Chosen, FromWorker};
use mailslot_frontend::{blob, worker};
use mailslot_shared::dicom::synth::ct_image;
use mailslot_shared::envelope::{Id16, PrivateKey, SealParams, Sealer};
use wasm_bindgen_test::{
    console_log, wasm_bindgen_bench, wasm_bindgen_test_configure, Criterion, Instant,
};

wasm_bindgen_test_configure!(run_in_dedicated_worker);

/// Files in the scan bench: CT-sized images (512×512×2 bytes) and, as on a
/// CD, some junk.
const IMAGES: usize = 200;
const JUNK: usize = 20;

/// A CT-sized image (512 × 512 × 2 bytes of pixels).
fn image(i: usize) -> Vec<u8> {
    let uid = format!("1.2.826.0.1.3680043.2.1125.{i}");
    ct_image(
        &uid,
        "1.2.826.0.1.3680043.2.1125.1",
        "DOE^JANE",
        512 * 512 * 2,
        0,
    )
}

fn cd() -> Vec<Chosen> {
    let mut files = Vec::new();
    for i in 0..IMAGES {
        files.push(Chosen {
            file: blob::from_bytes(&image(i)).unwrap(),
            label: format!("DICOM/IM{i:06}"),
        });
    }
    for i in 0..JUNK {
        files.push(Chosen {
            file: blob::from_bytes(format!("[autorun]\r\nopen=viewer{i}.exe\r\n").as_bytes())
                .unwrap(),
            label: format!("JUNK{i}.INF"),
        });
    }
    files
}

/// The baseline: every file read whole, nothing else.
fn read_all(files: &[Chosen]) -> u64 {
    let reader = web_sys::FileReaderSync::new().unwrap();
    files
        .iter()
        .map(|f| {
            let buf = reader.read_as_array_buffer(&f.file).unwrap();
            Uint8Array::new(&buf).length() as u64
        })
        .sum()
}

/// The worker's work for one scan: check every file, encode the reply.
async fn scan(files: &[Chosen]) -> usize {
    let given = files.iter().cloned().map(protocol::Given::from).collect();
    let report = worker::scan(given, 4 << 30, 1 << 30, |_, _| {}).await;
    let found = report.found.len();
    let report = protocol::PackedReport::pack(report);
    assert!(protocol::encode(&FromWorker::Done { scan: 0, report }).is_some());
    found
}

/// Median of `n` timings of `f`, in milliseconds.
fn median_ms(n: usize, mut f: impl FnMut()) -> f64 {
    let mut t: Vec<f64> = (0..n)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    t.sort_by(f64::total_cmp);
    t[n / 2]
}

#[wasm_bindgen_bench]
async fn scan_against_reading(c: &mut Criterion) {
    let files = Rc::new(cd());
    assert_eq!(scan(&files).await, IMAGES);
    c.bench_function("read 220 files whole (baseline)", |b| {
        b.iter(|| read_all(&files))
    });
    c.bench_async_function("scan 220 files", |b| {
        let files = files.clone();
        Box::pin(b.iter_future(move || {
            let files = files.clone();
            async move { scan(&files).await }
        }))
    })
    .await;
    let read = median_ms(9, || {
        read_all(&files);
    });
    let mut times = Vec::new();
    for _ in 0..9 {
        let start = Instant::now();
        scan(&files).await;
        times.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    let scanned = times[4];
    console_log!(
        "scan / read-only = {:.2} ({:.0} files/s scanned, {:.0} files/s read)",
        scanned / read,
        (IMAGES + JUNK) as f64 / scanned * 1000.0,
        (IMAGES + JUNK) as f64 / read * 1000.0
    );
}

#[wasm_bindgen_bench]
async fn webcrypto_against_aes_gcm(c: &mut Criterion) {
    let key = PrivateKey::derive(&[3u8; 32]).public_key();
    let plain = vec![5u8; 64 * 65536];
    let sealer = || {
        Sealer::new(
            &SealParams {
                recipient: &key,
                session_id: Id16([1; 16]),
                file_id: Id16([2; 16]),
                plaintext_len: plain.len() as u64,
                record_size: 65536,
            },
            &[7u8; 32],
        )
        .unwrap()
    };
    let web = Rc::new(FileSeal::new(sealer(), Engine::WebCrypto).await);
    let rust = Rc::new(FileSeal::new(sealer(), Engine::Rust).await);
    let js_plain = Rc::new(Uint8Array::from(&plain[..]));
    for (name, seal) in [
        ("seal 4 MiB, aes-gcm in Wasm (baseline)", rust.clone()),
        ("seal 4 MiB, WebCrypto", web.clone()),
    ] {
        c.bench_async_function(name, |b| {
            let (seal, plain) = (seal.clone(), js_plain.clone());
            Box::pin(b.iter_future(move || {
                let (seal, plain) = (seal.clone(), plain.clone());
                async move { seal.seal_records(&[], 0, &plain).await.unwrap() }
            }))
        })
        .await;
    }
    // The floor: crypto.subtle.encrypt over the same 64 records, the bytes
    // already in JavaScript, every record under way at once.
    let subtle = blob::crypto().unwrap().subtle();
    let usages = js_sys::Array::of1(&"encrypt".into());
    let raw_key: web_sys::CryptoKey = wasm_bindgen_futures::JsFuture::from(
        subtle
            .import_key_with_str(
                "raw",
                &Uint8Array::from(&[9u8; 32][..]),
                "AES-GCM",
                false,
                &usages,
            )
            .unwrap(),
    )
    .await
    .unwrap()
    .into();
    let records: Vec<Uint8Array> = plain.chunks(65536).map(Uint8Array::from).collect();
    // `aad`: with 32 bytes of additional data, as the page's records have;
    // `join`: the sealed records then joined into one body, as the page's
    // request needs. Neither is the target's baseline; they show where the
    // page's extra time goes.
    let reused = Uint8Array::new_with_length(64 * (65536 + 16));
    let raw = |aad: bool, join: bool, into_reused: bool| {
        let (subtle, raw_key, records, reused) = (&subtle, &raw_key, &records, &reused);
        async move {
            let additional = Uint8Array::from(&[8u8; 32][..]);
            let jobs = records.iter().enumerate().map(|(i, r)| {
                let mut nonce = [0u8; 12];
                nonce[4..].copy_from_slice(&(i as u64).to_be_bytes());
                let iv: js_sys::Object = Uint8Array::from(&nonce[..]).into();
                let params = web_sys::AesGcmParams::new("AES-GCM", &iv);
                if aad {
                    params.set_additional_data(&additional);
                }
                wasm_bindgen_futures::JsFuture::from(
                    subtle
                        .encrypt_with_object_and_buffer_source(&params, raw_key, r)
                        .unwrap(),
                )
            });
            let sealed = futures::future::try_join_all(jobs).await.unwrap();
            if join {
                let parts: Vec<Uint8Array> = sealed.iter().map(Uint8Array::new).collect();
                let len = parts.iter().map(Uint8Array::length).sum();
                let out = if into_reused {
                    reused.subarray(0, len)
                } else {
                    Uint8Array::new_with_length(len)
                };
                let mut at = 0;
                for p in &parts {
                    out.set(p, at);
                    at += p.length();
                }
            }
        }
    };
    let mut times = [
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
    ];
    for _ in 0..7 {
        let start = Instant::now();
        rust.seal_records(&[], 0, &js_plain).await.unwrap();
        times[0].push(start.elapsed().as_secs_f64());
        let start = Instant::now();
        web.seal_records(&[], 0, &js_plain).await.unwrap();
        times[1].push(start.elapsed().as_secs_f64());
        // (additional data, joined, into a reused body)
        let variants = [
            (false, false, false),
            (true, false, false),
            (true, true, false),
            (true, true, true),
        ];
        for (k, (aad, join, reused)) in variants.into_iter().enumerate() {
            let start = Instant::now();
            raw(aad, join, reused).await;
            times[2 + k].push(start.elapsed().as_secs_f64());
        }
    }
    for t in &mut times {
        t.sort_by(f64::total_cmp);
    }
    console_log!(
        "WebCrypto / aes-gcm = {:.2} ({:.0} MB/s vs {:.0} MB/s)",
        times[1][3] / times[0][3],
        4.194304 / times[1][3],
        4.194304 / times[0][3]
    );
    console_log!(
        "page sealing / raw crypto.subtle.encrypt = {:.2} ({:.0} MB/s vs {:.0} MB/s)",
        times[2][3] / times[1][3],
        4.194304 / times[1][3],
        4.194304 / times[2][3]
    );
    console_log!(
        "raw with the page's 32 bytes of additional data: {:.0} MB/s; and joined into one new body: {:.0} MB/s; into a reused one: {:.0} MB/s",
        4.194304 / times[3][3],
        4.194304 / times[4][3],
        4.194304 / times[5][3]
    );
}
