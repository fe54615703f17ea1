//! Into a real Orthanc: the whole path (page, `mailslot send`, curl) by
//! number and by size of files, and C-STORE forwarding vs `dcmsend`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use mailslot_tests::cd::ct_cd;
use mailslot_tests::http::get;
use mailslot_tests::pacs::Orthanc;
use mailslot_tests::ports::wait_for;
use mailslot_tests::server::{Server, PASSWORD};
use serde_json::{json, Value};

use super::memory::write_large;
use super::{dist, elapsed, machine, median_of, node, sizes};

/// Orthanc's instance count.
pub fn count(o: &Orthanc) -> u64 {
    get(&format!("{}/statistics", o.rest()))
        .and_then(|(_, b)| serde_json::from_slice::<Value>(&b).ok())
        .and_then(|v| v["CountInstances"].as_u64())
        .unwrap_or(0)
}

/// Waits until `o` holds `n` instances; the time it did (or panics after
/// ten minutes).
pub fn arrived(o: &Orthanc, n: usize) -> SystemTime {
    assert!(
        wait_for(Duration::from_secs(600), || count(o) >= n as u64),
        "Orthanc holds {} of {n}",
        count(o)
    );
    SystemTime::now()
}

/// After the timing: the server's queue says every object was stored (a
/// count in Orthanc alone once timed a truncated object, 28e6285).
fn delivered(server: &Server, n: usize) {
    assert!(
        wait_for(Duration::from_secs(120), || server.queue("done") == n),
        "the server forwarded {} of {n}: {}",
        server.queue("done"),
        server.admin(&["queue"])
    );
}

pub fn epoch_ms(t: SystemTime) -> f64 {
    t.duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs_f64() * 1000.0)
        .unwrap_or(0.0)
}

/// 1,000 CT slices (512×512×16 bit) into Orthanc over C-STORE: through the
/// page and through `mailslot send`, against serial `curl POST /instances`.
pub fn path() -> Value {
    let sizes: Vec<Value> = sizes("BENCH_PATH_FILES", &[10, 100, 1000])
        .into_iter()
        .map(path_at)
        .collect();
    json!({ "machine": machine(), "sizes": sizes })
}

pub fn path_at(n: usize) -> Value {
    let dir = tempfile::tempdir().expect("tempdir");
    let cd = dir.path().join("CD");
    let files = ct_cd(&cd, n, 2, 512 * 512 * 2, false);
    let mut out = race(&cd, &files, 2);
    out["files"] = json!(n);
    out
}

/// One file of each size in `BENCH_SIZE_MB` (default 1, 16, 128, 1,024
/// and 2,000 MB of pixel data) through the same three ways into Orthanc:
/// how the whole path grows with the size of a file.
pub fn size() -> Value {
    let sizes: Vec<Value> = sizes("BENCH_SIZE_MB", &[1, 16, 128, 1024, 2000])
        .into_iter()
        .map(|mb| {
            let dir = tempfile::tempdir().expect("tempdir");
            let cd = dir.path().join("CD");
            std::fs::create_dir_all(cd.join("DICOM")).expect("mkdir");
            let file = cd.join("DICOM/IM000001");
            let pixels = u32::try_from(mb * 1_000_000).expect("at most 4 GB");
            write_large(&file, &format!("1.2.826.0.1.3680043.9.7.12.8.{mb}"), pixels);
            // The largest files once: each round is minutes of disk.
            let mut out = race(
                &cd,
                std::slice::from_ref(&file),
                if mb >= 1000 { 1 } else { 2 },
            );
            out["megabytes"] = json!(mb);
            out
        })
        .collect();
    json!({ "machine": machine(), "sizes": sizes })
}

/// `cd`'s images (`files`) into a fresh Orthanc each, over C-STORE: through
/// the page, through `mailslot send`, and by serial `curl POST /instances`
/// (the baseline), `rounds` times in alternating order; the medians.
fn race(cd: &Path, files: &[PathBuf], rounds_n: usize) -> Value {
    let dist = dist();
    let n = files.len();
    let mut rounds = Vec::new();
    for round in 0..rounds_n {
        let mut r = serde_json::Map::new();
        let mut order = ["curl", "page", "send"];
        if round % 2 == 1 {
            order.reverse();
        }
        // `BENCH_PATH_ONLY=page` (or `send`, `curl`): one contender alone,
        // e.g. under a profiler; no ratios then.
        let only = std::env::var("BENCH_PATH_ONLY").ok();
        for who in order {
            if only.as_deref().is_some_and(|o| o != who) {
                continue;
            }
            let orthanc = Orthanc::start();
            let ms = match who {
                "curl" => {
                    let t = Instant::now();
                    for f in files {
                        let mut curl = Command::new("curl");
                        curl.args(["-sf", "-o", "/dev/null", "-X", "POST"]);
                        // `--data-binary @file` holds the file in memory
                        // (curl refuses 2 GB); `-T` streams it.
                        if f.metadata().map_or(0, |m| m.len()) > 256 << 20 {
                            curl.args(["-H", "Expect:", "-T"]).arg(f);
                        } else {
                            curl.arg("--data-binary").arg(format!("@{}", f.display()));
                        }
                        let ok = curl
                            .arg(format!("{}/instances", orthanc.rest()))
                            .status()
                            .is_ok_and(|s| s.success());
                        assert!(ok, "curl POST /instances {}", f.display());
                    }
                    arrived(&orthanc, n);
                    elapsed(t)
                }
                "page" => {
                    let server = Server::start(
                        &format!("dimse://ORTHANC@127.0.0.1:{}", orthanc.dicom_port),
                        &[
                            ("MAILSLOT_STATIC_DIR", dist.to_str().expect("utf-8")),
                            ("MAILSLOT_MAX_SESSIONS_PER_CLIENT", "10000"),
                        ],
                    );
                    let page = node(
                        "path.mjs",
                        &[
                            ("MAILSLOT_URL", server.url.clone()),
                            ("CD_DIR", cd.display().to_string()),
                            ("PASSWORD", PASSWORD.into()),
                            ("EXPECT_IMAGES", n.to_string()),
                        ],
                    );
                    let done = epoch_ms(arrived(&orthanc, n));
                    delivered(&server, n);
                    r.insert("page_scan_ms".into(), page["scannedMs"].clone());
                    r.insert("page_receipt_ms".into(), page["receiptMs"].clone());
                    r.insert("page_send_ms".into(), page["sendMs"].clone());
                    done - page["chosenAt"].as_f64().unwrap_or(f64::NAN)
                }
                _ => {
                    let server = Server::start(
                        &format!("dimse://ORTHANC@127.0.0.1:{}", orthanc.dicom_port),
                        &[],
                    );
                    let t = Instant::now();
                    let (code, _, err) = server.send(&[cd], &[]);
                    assert_eq!(code, 0, "mailslot send: {err}");
                    arrived(&orthanc, n);
                    let ms = elapsed(t);
                    delivered(&server, n);
                    ms
                }
            };
            r.insert(format!("{who}_ms"), json!(ms));
        }
        rounds.push(Value::Object(r));
    }
    let med = |k: &str| median_of(&rounds, k);
    json!({
        "bytes": files.iter().filter_map(|f| f.metadata().ok()).map(|m| m.len()).sum::<u64>(),
        "curl_ms": med("curl_ms"),
        "page_ms": med("page_ms"),
        "send_ms": med("send_ms"),
        "page_scan_ms": med("page_scan_ms"),
        "page_receipt_ms": med("page_receipt_ms"),
        "page_send_ms": med("page_send_ms"),
        "page_over_curl": med("page_ms") / med("curl_ms"),
        "send_over_curl": med("send_ms") / med("curl_ms"),
        "rounds": rounds,
    })
}

/// The server's C-STORE forwarding of 1,000 CT slices already received,
/// against `dcmsend` of the same files (one association; four in
/// parallel) into the same kind of fresh Orthanc.
pub fn forward() -> Value {
    let n = sizes("BENCH_FORWARD_FILES", &[1000])[0];
    let dir = tempfile::tempdir().expect("tempdir");
    let cd = dir.path().join("CD");
    let files = ct_cd(&cd, n, 2, 512 * 512 * 2, false);
    let dcmsend = |orthanc: &Orthanc, files: &[PathBuf]| {
        Command::new("dcmsend")
            .args(["-aec", "ORTHANC", "127.0.0.1"])
            .arg(orthanc.dicom_port.to_string())
            .args(files)
            .output()
            .expect("dcmsend (dcmtk)")
    };
    let mut rounds = Vec::new();
    for _ in 0..2 {
        // One association.
        let orthanc = Orthanc::start();
        let t = Instant::now();
        let out = dcmsend(&orthanc, &files);
        assert!(
            out.status.success(),
            "dcmsend: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        arrived(&orthanc, n);
        let single = elapsed(t);
        drop(orthanc);
        // Four associations.
        let orthanc = Orthanc::start();
        let t = Instant::now();
        std::thread::scope(|s| {
            for part in files.chunks(n.div_ceil(4)) {
                let o = &orthanc;
                s.spawn(move || dcmsend(o, part));
            }
        });
        arrived(&orthanc, n);
        let parallel = elapsed(t);
        drop(orthanc);
        // The server: received while the PACS is down, then forwarded
        // from a standing start once it is up.
        let mut orthanc = Orthanc::prepare();
        let mut server = Server::start(
            &format!("dimse://ORTHANC@127.0.0.1:{}", orthanc.dicom_port),
            &[],
        );
        let (code, _, err) = server.send(&[&cd], &[]);
        assert_eq!(code, 0, "mailslot send: {err}");
        server.stop();
        let db = rusqlite::Connection::open(server.data.join("mailslot.sqlite3")).expect("db");
        db.execute(
            "UPDATE forward_queue SET state = 'pending', next_attempt = 0 WHERE state != 'done'",
            [],
        )
        .expect("queue");
        drop(db);
        orthanc.run();
        let t = Instant::now();
        server.restart();
        arrived(&orthanc, n);
        let forwarded = elapsed(t);
        delivered(&server, n);
        rounds.push(json!({
            "dcmsend_ms": single,
            "dcmsend4_ms": parallel,
            "forward_ms": forwarded,
            "associations": 4,
        }));
    }
    let med = |k: &str| median_of(&rounds, k);
    json!({
        "machine": machine(),
        "files": n,
        "dcmsend_ms": med("dcmsend_ms"),
        "dcmsend4_ms": med("dcmsend4_ms"),
        "forward_ms": med("forward_ms"),
        "speedup_vs_dcmsend": med("dcmsend_ms") / med("forward_ms"),
        "speedup_vs_dcmsend4": med("dcmsend4_ms") / med("forward_ms"),
        "rounds": rounds,
    })
}
