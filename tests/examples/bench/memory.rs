//! The server's peak resident memory growth: one 2 GB file, 100 uploads at once.

use std::path::{Path, PathBuf};
use std::time::Instant;

use mailslot_sender::client::Client;
use mailslot_shared::dicom::synth::ct_image;
use mailslot_shared::wire::{Consent, UploadKind, UploadState};
use mailslot_tests::server::{Server, PASSWORD};
use serde_json::{json, Value};

use super::{elapsed, machine};

/// A CT object of `pixels` bytes of pixel data, written without holding
/// it in memory.
pub fn write_large(path: &Path, instance: &str, pixels: u32) {
    use std::io::Write;
    let mut head = ct_image(
        instance,
        "1.2.826.0.1.3680043.9.7.12.9",
        "MUSTER^ERIKA",
        0,
        0,
    );
    // The last element is Pixel Data, its 4-byte length last.
    let at = head.len() - 4;
    head[at..].copy_from_slice(&pixels.to_le_bytes());
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).expect("create"));
    out.write_all(&head).expect("write");
    let block = vec![7u8; 1 << 20];
    let mut left = pixels as usize;
    while left > 0 {
        let n = left.min(block.len());
        out.write_all(&block[..n]).expect("write");
        left -= n;
    }
    out.flush().expect("flush");
}

pub fn consent() -> Consent {
    Consent {
        statement_version: "2".into(),
        accepted: true,
        may_send: true,
    }
}

/// A client with a session on `server`.
pub fn client(server: &Server) -> Client {
    let mut c = Client::new(&server.url);
    c.fetch_key().expect("key");
    c.start_session(PASSWORD, consent()).expect("session");
    c
}

/// Peak RSS growth of the server: one 2 GB file, then (on a fresh server)
/// 100 uploads of 8 MB at once.
pub fn memory() -> Value {
    let dir = tempfile::tempdir().expect("tempdir");
    let big = dir.path().join("big.dcm");
    write_large(&big, "1.2.826.0.1.3680043.9.7.12.9.1", 2_000_000_000);
    let server = Server::start("inbox", &[("MAILSLOT_MAX_SESSIONS_PER_CLIENT", "10000")]);
    let c = client(&server);
    let idle = server.rss().expect("VmRSS");
    let t = Instant::now();
    let sent = c
        .upload_file(&big, UploadKind::Dicom, &|_| {})
        .expect("upload");
    assert_eq!(sent.verdict, UploadState::Accepted);
    let one_ms = elapsed(t);
    let one = server.peak_rss().expect("VmHWM").saturating_sub(idle);
    drop(server);
    let _ = std::fs::remove_file(&big);

    // A file of its own for each (one content twice in a session is one
    // upload).
    let files: Vec<PathBuf> = (0..100)
        .map(|i| {
            let file = dir.path().join(format!("IM{i:03}"));
            write_large(
                &file,
                &format!("1.2.826.0.1.3680043.9.7.12.9.2.{i}"),
                8_000_000,
            );
            file
        })
        .collect();
    let server = Server::start("inbox", &[("MAILSLOT_MAX_SESSIONS_PER_CLIENT", "10000")]);
    // Four sessions of 25 uploads each (a session holds at most 32 at once;
    // one address may open 20 sessions at once, then one per 2 s).
    let clients: Vec<Client> = (0..4).map(|_| client(&server)).collect();
    let idle_many = server.rss().expect("VmRSS");
    let t = Instant::now();
    let accepted = std::thread::scope(|s| {
        let runs: Vec<_> = (0..100)
            .map(|i| {
                let (c, file) = (&clients[i % 4], &files[i]);
                s.spawn(move || c.upload_file(file, UploadKind::Dicom, &|_| {}))
            })
            .collect();
        runs.into_iter()
            .filter_map(|r| r.join().ok())
            .filter(|r| r.as_ref().is_ok_and(|s| s.verdict == UploadState::Accepted))
            .count()
    });
    let many_ms = elapsed(t);
    let many = server.peak_rss().expect("VmHWM").saturating_sub(idle_many);
    json!({
        "machine": machine(),
        "one_file_bytes": 2_000_000_000u64,
        "one_file_ms": one_ms,
        "one_file_growth_mb": one as f64 / 1e6,
        "idle_mb": idle as f64 / 1e6,
        "concurrent_uploads": 100,
        "concurrent_accepted": accepted,
        "concurrent_file_bytes": 8_000_000u64,
        "concurrent_ms": many_ms,
        "concurrent_growth_mb": many as f64 / 1e6,
        "idle_with_sessions_mb": idle_many as f64 / 1e6,
    })
}
