//! The page's own code in headless Chromium, inside a dedicated worker
//! (where the scan runs: `FileReaderSync` exists only there):
//! the scan of chosen files (in batches, small files read by the page),
//! ZIP reading, and WebCrypto sealing giving the same bytes as the
//! `aes-gcm` fallback. One file (longer than most) because each test
//! binary costs a Chromium start in CI.
//!
//! Run: `CHROMEDRIVER=/usr/bin/chromedriver cargo test -p mailslot-frontend
//! --target wasm32-unknown-unknown --test browser` (`cargo xtask test` does).

#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{Cursor, Write};

use js_sys::{Array, Uint8Array};
use mailslot_frontend::seal::{Engine, FileSeal};
use mailslot_frontend::worker::protocol::{
    self, Chosen, FromWorker, Given, IgnoreReason, PackedReport, ScanReport,
};
use mailslot_frontend::{blob, worker};
use mailslot_shared::dicom::synth::ct_image;
use mailslot_shared::dicom::RejectCode;
use mailslot_shared::envelope::{open_all, Id16, PrivateKey, SealParams, Sealer, HEADER_LEN};
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_dedicated_worker);

fn dicom(instance: &str, study: &str, name: &str, pixels: usize) -> Vec<u8> {
    ct_image(instance, study, name, pixels, 0)
}

/// Scans `files` as the worker does and returns the report as the page
/// receives it: through the typed message's encoding, blobs and all, each
/// found file named by its place in `files` or unpacked from a ZIP.
async fn scan_blobs(
    files: &[(Vec<u8>, &str)],
    max_file: u64,
    budget: u64,
) -> ScanReport<web_sys::Blob> {
    let chosen: Vec<Chosen> = files
        .iter()
        .map(|(bytes, path)| Chosen {
            file: blob::from_bytes(bytes).unwrap(),
            label: (*path).to_owned(),
        })
        .collect();
    let blobs: Vec<web_sys::Blob> = chosen.iter().map(|c| c.file.clone()).collect();
    let progress = std::cell::Cell::new(0);
    let given = chosen.into_iter().map(Given::from).collect();
    let report = worker::scan(given, max_file, budget, |done, _| progress.set(done)).await;
    assert_eq!(
        progress.get(),
        files.len() as u32,
        "progress reaches the end"
    );
    let report = PackedReport::pack(report);
    let sent = protocol::encode(&FromWorker::Done { scan: 7, report }).unwrap();
    match protocol::decode::<FromWorker>(sent) {
        Some(FromWorker::Done { scan: 7, report }) => report
            .unpack()
            .unwrap()
            .resolve(|n| blobs.get(n as usize).cloned(), |b| b),
        other => panic!("the report did not survive its encoding: {other:?}"),
    }
}

fn reason_of(report: &ScanReport<web_sys::Blob>, path: &str) -> Option<IgnoreReason> {
    report
        .ignored
        .iter()
        .find(|i| i.path == path)
        .map(|i| i.reason)
}

#[wasm_bindgen_test]
async fn the_scan_finds_images_in_extensionless_files_and_names_every_ignored_file() {
    let small = dicom("1.2.3.1", "1.2.3", "DOE^JANE", 4096);
    // Larger than the whole-file read: checked from a prefix up to Pixel Data.
    let large = dicom("1.2.3.2", "1.2.3", "DOE^JANE", 3 * 1024 * 1024);
    // A header far longer than the first read: the rest is read on demand.
    let long_header = ct_image("1.2.3.4", "1.2.3", "DOE^JANE", 1 << 20, 300_000);
    let mut truncated = dicom("1.2.3.3", "1.2.3", "DOE^JANE", 4096);
    truncated.truncate(truncated.len() - 1000);
    let exe = [b"MZ\x90\x00".to_vec(), vec![0u8; 2000]].concat();
    // Issue 14: large files as the server sees them, whole — cut short,
    // padded with zeros (as a viewer wrote one), followed by other data.
    let large_cut = large[..large.len() - 1000].to_vec();
    let large_padded = [&large[..], &vec![0u8; 2_400_000]].concat();
    let large_trailing = [&large[..], &[0u8; 64], b"not an image"].concat();
    let files = [
        (small.clone(), "CD/DICOM/IM000001"),
        (large.clone(), "CD/DICOM/IM000002"),
        (truncated, "CD/DICOM/IM000003"),
        (long_header, "CD/DICOM/IM000004"),
        (
            b"[autorun]\r\nopen=VIEWER.EXE\r\n".to_vec(),
            "CD/AUTORUN.INF",
        ),
        (exe, "CD/VIEWER.EXE"),
        (b"<html><body>viewer</body></html>".to_vec(), "CD/INDEX.HTM"),
        (Vec::new(), "CD/EMPTY"),
        (large_cut, "CD/DICOM/IM000005"),
        (large_padded, "CD/DICOM/IM000006"),
        (large_trailing, "CD/DICOM/IM000007"),
    ];
    let report = scan_blobs(&files, 4 << 30, 1 << 30).await;
    let found: Vec<&str> = report.found.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(
        found,
        [
            "CD/DICOM/IM000001",
            "CD/DICOM/IM000002",
            "CD/DICOM/IM000004",
            "CD/DICOM/IM000006"
        ]
    );
    // Each found image keeps its own file: sizes match what was chosen.
    let sizes: Vec<u64> = report.found.iter().map(|f| blob::size(&f.file)).collect();
    assert_eq!(
        sizes,
        [
            files[0].0.len(),
            files[1].0.len(),
            files[3].0.len(),
            files[9].0.len()
        ]
        .map(|n| n as u64)
    );
    assert_eq!(
        report.found[2].summary.patient_name.as_deref(),
        Some("DOE^JANE")
    );
    assert_eq!(blob::size(&report.found[1].file), large.len() as u64);
    let s = &report.found[0].summary;
    assert_eq!(s.patient_name.as_deref(), Some("DOE^JANE"));
    assert_eq!(s.study_instance_uid, "1.2.3");
    assert_eq!(s.modality.as_deref(), Some("CT"));
    assert_eq!(report.found[1].summary.sop_instance_uid, "1.2.3.2");
    for (path, code) in [
        ("CD/DICOM/IM000003", RejectCode::Truncated),
        ("CD/DICOM/IM000005", RejectCode::Truncated),
        ("CD/DICOM/IM000007", RejectCode::TrailingData),
        ("CD/AUTORUN.INF", RejectCode::NotDicom),
        ("CD/VIEWER.EXE", RejectCode::Program),
        ("CD/INDEX.HTM", RejectCode::NotDicom),
        ("CD/EMPTY", RejectCode::Empty),
    ] {
        assert_eq!(
            reason_of(&report, path),
            Some(IgnoreReason::Rule(code)),
            "{path}"
        );
    }
    assert!(report.found[3]
        .summary
        .warnings
        .contains(&mailslot_shared::dicom::WarningCode::TrailingPadding));

    // The server's file size limit applies in the browser too.
    let report = scan_blobs(&files[..1], 1000, 1 << 30).await;
    assert_eq!(
        reason_of(&report, "CD/DICOM/IM000001"),
        Some(IgnoreReason::Rule(RejectCode::TooLarge))
    );
}

fn zip(entries: &[(&str, &[u8], bool)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, bytes, deflate) in entries {
        let method = if *deflate {
            zip::CompressionMethod::Deflated
        } else {
            zip::CompressionMethod::Stored
        };
        let opts = zip::write::SimpleFileOptions::default().compression_method(method);
        w.start_file(*name, opts).unwrap();
        w.write_all(bytes).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// The page hands a big folder over in batches: the worker names each
/// found file by its place in the whole scan, so the page can find its
/// own handle for it, and reports the scan complete only after the last.
#[wasm_bindgen_test]
async fn a_scan_fed_in_batches_names_found_files_by_their_place_in_the_whole_scan() {
    use protocol::{Content, FoundFile};
    let mut given = Vec::new();
    for i in 0..5 {
        let bytes = match i {
            2 => b"[autorun]\r\n".to_vec(),
            4 => dicom("1.2.5.4", "1.2.5", "DOE^JANE", 200_000),
            _ => dicom(&format!("1.2.5.{i}"), "1.2.5", "DOE^JANE", 100),
        };
        let file = blob::from_bytes(&bytes).unwrap();
        // The first two as the page hands small files over: read already;
        // the last, large one as in a folder of mostly large files: its
        // head read by the page.
        let content = match i {
            0 | 1 => Content::Bytes(blob::read_small(&file, 1 << 16).await.unwrap().unwrap()),
            4 => {
                let head = blob::read_first(&file, blob::FIRST + 1).await.unwrap();
                assert_eq!(u64::from(head.length()), blob::FIRST + 1);
                Content::Head { head, file }
            }
            _ => Content::File(file),
        };
        given.push(Given {
            label: format!("IM{i}"),
            content,
        });
    }
    let done = std::cell::Cell::new(0);
    let progress = |d, _| done.set(d);
    let mut scan = worker::Scan::new(1, 5, 4 << 30, 1 << 30);
    scan.feed(given[..2].to_vec(), &progress).await;
    assert!(!scan.complete(), "two of five files is not the whole scan");
    scan.feed(given[2..].to_vec(), &progress).await;
    assert!(scan.complete());
    let report = scan.finish(&progress);
    assert_eq!(done.get(), 5, "progress reaches the end");
    let named: Vec<FoundFile> = report.found.iter().map(|f| f.file.clone()).collect();
    assert_eq!(
        named,
        [0, 1, 3, 4].map(FoundFile::Chosen).to_vec(),
        "found files by their place across batches"
    );
    assert_eq!(report.found[0].summary.size, report.found[2].summary.size);
    assert!(
        report.found[3].summary.size > 200_000,
        "a file handed over with its head is read to its end"
    );
    assert_eq!(report.ignored.len(), 1);
    assert_eq!(report.ignored[0].path, "IM2");
    assert_eq!(
        report.ignored[0].size, 11,
        "the size of bytes read by the page"
    );
}

/// The page reads a small file whole, and leaves a large one to the
/// worker.
#[wasm_bindgen_test]
async fn small_files_are_read_whole_by_the_page_and_larger_ones_are_left() {
    let small = vec![9u8; 1000];
    let got = blob::read_small(&blob::from_bytes(&small).unwrap(), 1000)
        .await
        .unwrap();
    assert_eq!(got.map(|b| b.to_vec()), Some(small.clone()));
    let large = vec![9u8; 64 << 20];
    let got = blob::read_small(&blob::from_bytes(&large).unwrap(), 65_536)
        .await
        .unwrap();
    assert!(got.is_none(), "a file above the limit is not read whole");
    // Large enough (128 MiB in parts) that the browser reports progress
    // before the end, so the read is aborted inside its progress handler —
    // where `abort()` fires `loadend` at once. A single handler for both
    // events was re-entered there and the read never ended (the 64 MiB
    // blob above is reported only at its end, when `abort()` does
    // nothing).
    let mib = Uint8Array::new_with_length(1 << 20);
    let parts = Array::new();
    for _ in 0..128 {
        parts.push(&mib);
    }
    let huge = blob::from_parts(&parts).unwrap();
    let got = blob::read_small(&huge, 65_536).await.unwrap();
    assert!(got.is_none(), "a read aborted mid-way ends");
    let empty = blob::read_small(&blob::from_bytes(&[]).unwrap(), 10)
        .await
        .unwrap();
    assert_eq!(empty.map(|b| b.length()), Some(0));
    // Only the head of a large file, all of a small one.
    let head = blob::read_first(&blob::from_bytes(&large).unwrap(), 65_537)
        .await
        .unwrap();
    assert_eq!(head.length(), 65_537);
    let whole = blob::read_first(&blob::from_bytes(&small).unwrap(), 65_537)
        .await
        .unwrap();
    assert_eq!(whole.to_vec(), small);
}

#[wasm_bindgen_test]
async fn a_zip_is_unpacked_into_blobs_with_its_members_checked_and_its_tricks_refused() {
    let a = dicom("1.2.9.1", "1.2.9", "ROE^RICHARD", 100_000);
    let b = dicom("1.2.9.2", "1.2.9", "ROE^RICHARD", 2000);
    let archive = zip(&[
        ("Bilder/IM1", &a, true),
        ("Bilder/IM2", &b, false),
        ("Bilder/Readme.txt", b"Please open the viewer", true),
        ("../../evil", &b, true),
        ("Bilder/inner.zip", &zip(&[("x", b"x", false)]), false),
    ]);
    let report = scan_blobs(&[(archive.clone(), "Download.zip")], 4 << 30, 1 << 30).await;
    let found: Vec<&str> = report.found.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(
        found,
        ["Download.zip/Bilder/IM1", "Download.zip/Bilder/IM2"]
    );
    // The unpacked member is exactly the original file.
    let unpacked: web_sys::Blob = report.found[0].file.clone();
    let reader = web_sys::FileReaderSync::new().unwrap();
    let bytes = js_sys::Uint8Array::new(&reader.read_as_array_buffer(&unpacked).unwrap()).to_vec();
    assert_eq!(bytes, a);
    assert_eq!(
        reason_of(&report, "Download.zip/Bilder/Readme.txt"),
        Some(IgnoreReason::Rule(RejectCode::NotDicom))
    );
    assert!(
        report
            .ignored
            .iter()
            .any(|i| i.reason == IgnoreReason::ZipUnsafePath && i.path.contains("evil")),
        "a member named ../../evil is refused: {:?}",
        report.ignored
    );
    assert_eq!(
        reason_of(&report, "Download.zip/Bilder/inner.zip"),
        Some(IgnoreReason::Rule(RejectCode::Archive))
    );

    // Unpacking stops at the budget (the session's size limit), counted on
    // the bytes actually inflated.
    let report = scan_blobs(&[(archive.clone(), "Download.zip")], 4 << 30, 50_000).await;
    assert_eq!(
        reason_of(&report, "Download.zip/Bilder/IM1"),
        Some(IgnoreReason::ZipTooLarge)
    );

    // A cut-off archive is reported, not guessed at.
    let cut = &archive[..archive.len() / 2];
    let report = scan_blobs(&[(cut.to_vec(), "Cut.zip")], 4 << 30, 1 << 30).await;
    assert_eq!(report.found.len(), 0);
    assert_eq!(reason_of(&report, "Cut.zip"), Some(IgnoreReason::ZipBroken));
}

#[wasm_bindgen_test]
async fn webcrypto_and_the_aes_gcm_fallback_seal_identical_bytes() {
    let key = PrivateKey::derive(&[42u8; 32]);
    let public = key.public_key();
    // Four full records and a short final one.
    let plain: Vec<u8> = (0..(4 * 65536 + 1234u32))
        .map(|i| (i * 31 % 253) as u8)
        .collect();
    let sealer = || {
        Sealer::new(
            &SealParams {
                recipient: &public,
                session_id: Id16([1; 16]),
                file_id: Id16([2; 16]),
                plaintext_len: plain.len() as u64,
                record_size: 65536,
            },
            &[9u8; 32],
        )
        .unwrap()
    };
    let web = FileSeal::new(sealer(), Engine::WebCrypto).await;
    assert_eq!(
        web.engine(),
        Engine::WebCrypto,
        "WebCrypto is available in a secure worker"
    );
    let rust = FileSeal::new(sealer(), Engine::Rust).await;
    assert_eq!(rust.engine(), Engine::Rust);

    // Sealed in two calls (as two PATCHes would), from record 0 and 3, the
    // first one after the envelope header.
    let split = 3 * 65536;
    let (first, rest) = (
        Uint8Array::from(&plain[..split]),
        Uint8Array::from(&plain[split..]),
    );
    let header = web.sealer().header_bytes().to_vec();
    assert_eq!(header.len(), HEADER_LEN);
    let mut a = web.seal_records(&header, 0, &first).await.unwrap().to_vec();
    a.extend(web.seal_records(&[], 3, &rest).await.unwrap().to_vec());
    let mut b = rust
        .seal_records(&header, 0, &first)
        .await
        .unwrap()
        .to_vec();
    b.extend(rust.seal_records(&[], 3, &rest).await.unwrap().to_vec());
    assert_eq!(a.len(), b.len());
    assert!(a == b, "WebCrypto and aes-gcm differ");
    // Records that do not end where the plaintext does are refused.
    let odd = Uint8Array::from(&plain[..split + 1]);
    assert!(web.seal_records(&[], 0, &odd).await.is_err());

    // And the server's side opens it.
    let envelope = a;
    assert_eq!(open_all(&envelope, &key).unwrap(), plain);
}

// ---- folder drops -------------------------------------------------------

// Stand-ins for the entries a folder drop hands out (a mock: Chromium's
// DevTools drag carries files, never folders, so the real thing cannot be
// dropped by a test). Each reader hands out at most 100 entries per
// `readEntries` call, as Chromium does, asynchronously.
#[wasm_bindgen(inline_js = r#"
function fileEntry(path, readable) {
  const name = path.split('/').pop();
  return {
    isFile: true, isDirectory: false, name, fullPath: '/' + path,
    file(ok, err) {
      setTimeout(() => readable ? ok(new File([path], name))
        : err(new DOMException('gone', 'NotFoundError')), 0);
    },
  };
}
function dirEntry(path, children, log, readable) {
  return {
    isFile: false, isDirectory: true, name: path.split('/').pop(), fullPath: '/' + path,
    createReader() {
      let at = 0;
      return {
        readEntries(ok, err) {
          log.push(path);
          setTimeout(() => {
            if (!readable) { err(new DOMException('no', 'NotReadableError')); return; }
            const batch = children.slice(at, at + 100);
            at += batch.length;
            ok(batch);
          }, 0);
        },
      };
    },
  };
}
export function patient_cd(images, log) {
  const files = [];
  for (let i = 0; i < images; i++) {
    files.push(fileEntry('CD/DICOM/IM' + String(i).padStart(5, '0'), true));
  }
  return dirEntry('CD', [
    dirEntry('CD/DICOM', files, log, true),
    dirEntry('CD/LOCKED', [], log, false),
    fileEntry('CD/GONE.DCM', false),
    fileEntry('CD/DICOMDIR', true),
  ], log, true);
}
"#)]
extern "C" {
    fn patient_cd(images: u32, log: &Array) -> wasm_bindgen::JsValue;
}

#[wasm_bindgen_test]
async fn a_dropped_folder_is_read_to_the_end_and_what_cannot_be_read_is_named() {
    use wasm_bindgen::JsCast;
    let log = Array::new();
    let root = patient_cd(250, &log);
    let picked = mailslot_frontend::app::walk(vec![root.unchecked_into()], Vec::new()).await;

    // 250 images beyond Chromium's 100 per call, and the DICOMDIR.
    assert_eq!(picked.files.len(), 251);
    let labels: Vec<&str> = picked.files.iter().map(|(_, l)| l.as_str()).collect();
    assert_eq!(labels[0], "CD/DICOM/IM00000");
    assert_eq!(labels[249], "CD/DICOM/IM00249");
    assert_eq!(labels[250], "CD/DICOMDIR");
    // Each label belongs to its own file (the stand-in's content is its path).
    for (file, label) in &picked.files {
        assert_eq!(file.size() as usize, label.len(), "{label}");
    }
    // The images' folder was asked until it answered with nothing.
    let reads = log
        .iter()
        .filter(|p| p.as_string().as_deref() == Some("CD/DICOM"));
    assert_eq!(reads.count(), 4, "100 + 100 + 50 + the empty answer");
    // Nothing vanishes: the unreadable folder and file are named.
    assert_eq!(picked.unreadable, vec!["CD/GONE.DCM", "CD/LOCKED/"]);
}

/// Two ZIP members with the same label and size (and no modification
/// time) shared a reload's resume state and so the sealing secret: one
/// upload could continue another's envelope, key and nonces. A file's
/// identity is now derived from its content.
#[wasm_bindgen_test]
async fn different_files_with_one_name_and_size_never_share_a_key() {
    use mailslot_frontend::identity::{content_digest, digest_reading, FileIdentity};
    use sha2::{Digest, Sha256};
    let one = vec![1u8; 9 << 20];
    let mut other = one.clone();
    *other.last_mut().unwrap() = 2;
    let (a, b) = (
        blob::from_bytes(&one).unwrap(),
        blob::from_bytes(&other).unwrap(),
    );
    let (secret, session, kid) = ([5u8; 32], Id16([3; 16]), Id16([4; 16]));
    let da = content_digest(&a).await.unwrap();
    let db = content_digest(&b).await.unwrap();
    let ia = FileIdentity::derive(&secret, session, &da, kid);
    let ib = FileIdentity::derive(&secret, session, &db, kid);
    assert_ne!(ia.resume_key, ib.resume_key);
    assert_ne!(ia.file_id, ib.file_id);
    assert_ne!(ia.ikm, ib.ikm);
    // The digest is SHA-256 over the size and each 4 MiB piece's SHA-256
    // (WebCrypto's equal to the Rust crate's).
    let mut want = Sha256::new();
    want.update(b"mailslot content v1");
    want.update((one.len() as u64).to_be_bytes());
    for piece in one.chunks(4 << 20) {
        want.update(Sha256::digest(piece));
    }
    assert_eq!(da, <[u8; 32]>::from(want.finalize()));
    // The same content again: the same identity (a reload continues the
    // very same envelope); another key: another file id.
    let again = content_digest(&blob::from_bytes(&one).unwrap())
        .await
        .unwrap();
    assert_eq!(FileIdentity::derive(&secret, session, &again, kid), ia);
    assert_ne!(
        FileIdentity::derive(&secret, session, &da, Id16([8; 16])).file_id,
        ia.file_id
    );
    // A file of one piece is kept from the digest's read (it is sealed
    // from those bytes); a larger one is not.
    let small = vec![7u8; 4 << 20];
    let read = digest_reading(&blob::from_bytes(&small).unwrap())
        .await
        .unwrap();
    assert_eq!(read.whole.map(|w| w.to_vec()), Some(small.clone()));
    assert_eq!(
        read.digest,
        content_digest(&blob::from_bytes(&small).unwrap())
            .await
            .unwrap()
    );
    assert!(digest_reading(&a).await.unwrap().whole.is_none());
    // An empty file is one empty piece.
    let mut empty = Sha256::new();
    empty.update(b"mailslot content v1");
    empty.update(0u64.to_be_bytes());
    empty.update(Sha256::digest(b""));
    assert_eq!(
        content_digest(&blob::from_bytes(&[]).unwrap())
            .await
            .unwrap(),
        <[u8; 32]>::from(empty.finalize())
    );
}
