//! The end-to-end benchmarks of issue 12, each against the baseline a
//! hospital or a sender would otherwise use, measured in the same run on
//! the same files and reported as ratios (`BENCHMARKS.md`):
//!
//! - `scan`: the page's scan of a CD folder vs the npm `dicom-parser`
//!   package in a plain page (`tests/e2e/bench-scan.mjs`), warm and cold
//!   file cache, at several folder sizes (the growth plot);
//! - `path`: choose → all in Orthanc (C-STORE) through the page and through
//!   `mailslot send`, vs serial `curl POST /instances` into the same
//!   Orthanc (`tests/e2e/bench-path.mjs`);
//! - `forward`: the server's C-STORE forwarding vs `dcmsend` (one
//!   association, and four in parallel).
//!
//! `cargo run --release -p mailslot-tests --example bench -- [scan|path|forward|all]`
//! (after `cargo xtask page`). Results go to `target/bench/*.json` and the
//! growth plot to `docs/bench-growth.svg` (`plot` draws it again from the
//! results).

#![allow(clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use mailslot_shared::dicom::synth::ct_image;
use mailslot_tests::fixtures::{get, wait_for, Orthanc, Server, PASSWORD};
use mailslot_tests::root;
use serde_json::{json, Value};

fn main() {
    let what = std::env::args().nth(1).unwrap_or_else(|| "all".into());
    let out = root().join("target/bench");
    std::fs::create_dir_all(&out).expect("mkdir target/bench");
    let mut results = Vec::new();
    if what == "scan" || what == "all" {
        results.push(("scan", scan()));
    }
    if what == "path" || what == "all" {
        results.push(("path", path()));
    }
    if what == "forward" || what == "all" {
        results.push(("forward", forward()));
    }
    if results.is_empty() && what != "plot" {
        eprintln!("usage: bench [scan|path|forward|all|plot]");
        std::process::exit(2);
    }
    for (name, value) in results {
        let file = out.join(format!("{name}.json"));
        std::fs::write(&file, serde_json::to_string_pretty(&value).expect("json"))
            .expect("write results");
        println!("{name}: {}", summary(name, &value));
        println!("  → {}", file.display());
    }
    let scan = std::fs::read_to_string(out.join("scan.json")).ok();
    let path = std::fs::read_to_string(out.join("path.json")).ok();
    if let (Some(scan), Some(path)) = (scan, path) {
        let svg = plot(
            &serde_json::from_str(&scan).unwrap_or_default(),
            &serde_json::from_str(&path).unwrap_or_default(),
        );
        std::fs::write(root().join("docs/bench-growth.svg"), svg).expect("write plot");
    }
}

/// The built page; exits naming the command when it is missing.
fn dist() -> PathBuf {
    let dist = root().join("dist");
    if !dist.join("page_bg.wasm").is_file() {
        eprintln!("the page is not built; run `cargo xtask page`");
        std::process::exit(2);
    }
    dist
}

/// `n` extension-less CT images of `pixels` bytes of pixel data in
/// `studies` studies under `cd/DICOM/`, and a DICOMDIR (dcmmkdir) when
/// `dicomdir`. Returns the image files.
fn make_cd(cd: &Path, n: usize, studies: usize, pixels: usize, dicomdir: bool) -> Vec<PathBuf> {
    let mut files = Vec::with_capacity(n);
    for i in 0..n {
        let s = i * studies / n + 1;
        let study = format!("1.2.826.0.1.3680043.9.7.12.{n}.{s}");
        let path = cd.join(format!("DICOM/ST{s:06}/IM{i:06}"));
        if i == 0 || (i * studies / n) != ((i - 1) * studies / n) {
            std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        }
        let image = ct_image(&format!("{study}.1.{i}"), &study, "MUSTER^ERIKA", pixels, 0);
        std::fs::write(&path, image).expect("write image");
        files.push(path);
    }
    if dicomdir {
        let out = Command::new("dcmmkdir")
            .current_dir(cd)
            .args(["+r", "+I", "-Pgp", "DICOM"])
            .output()
            .expect("dcmmkdir (dcmtk)");
        if !cd.join("DICOMDIR").is_file() {
            eprintln!("dcmmkdir: {}", String::from_utf8_lossy(&out.stderr));
        }
    }
    files
}

/// A command that drops `dir`'s files from the page cache (as if read from
/// a CD for the first time): `posix_fadvise(DONTNEED)` on each file.
fn drop_cache_command(dir: &Path) -> String {
    format!(
        "python3 -c 'import os,sys\nfor r,_,fs in os.walk(sys.argv[1]):\n for f in fs:\n  fd=os.open(os.path.join(r,f),os.O_RDONLY); os.posix_fadvise(fd,0,0,os.POSIX_FADV_DONTNEED); os.close(fd)' {}",
        dir.display()
    )
}

/// Runs a browser script in `tests/e2e` and parses its JSON line.
fn node(script: &str, env: &[(&str, String)]) -> Value {
    let out = Command::new("node")
        .arg(script)
        .current_dir(root().join("tests/e2e"))
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .output()
        .expect("node");
    let stdout = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        panic!(
            "{script} failed:\n{}\n{stdout}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    serde_json::from_str(stdout.lines().last().unwrap_or_default()).expect("bench JSON")
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

/// The page's scan vs the dicom-parser page, at growing folder sizes.
fn scan() -> Value {
    let dist = dist();
    let server = Server::start(
        "inbox",
        &[("MAILSLOT_STATIC_DIR", dist.to_str().expect("utf-8"))],
    );
    let mut results = Vec::new();
    for n in sizes("BENCH_SCAN_FILES", &[1, 100, 1000, 10_000]) {
        let dir = tempfile::tempdir().expect("tempdir");
        let cd = dir.path().join("CD");
        // ~25 KB per file, 8 studies, with DICOMDIR.
        make_cd(&cd, n, 8.min(n), 24_000, true);
        let biggest = n >= 10_000;
        let r = node(
            "bench-scan.mjs",
            &[
                ("MAILSLOT_URL", server.url.clone()),
                ("CD_DIR", cd.display().to_string()),
                ("PASSWORD", PASSWORD.into()),
                ("ROUNDS", "3".into()),
                (
                    "COLD",
                    if biggest {
                        drop_cache_command(&cd)
                    } else {
                        String::new()
                    },
                ),
            ],
        );
        let ratio = |rounds: &Value| -> Option<f64> {
            let rounds = rounds.as_array()?;
            if rounds.is_empty() {
                return None;
            }
            let page = median(
                rounds
                    .iter()
                    .filter_map(|r| r["page"]["ms"].as_f64())
                    .collect(),
            );
            let base = median(
                rounds
                    .iter()
                    .filter_map(|r| r["baseline"]["ms"].as_f64())
                    .collect(),
            );
            Some(base / page)
        };
        let pick = |key: &str, who: &str| {
            median(
                r["warm"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|x| x[who][key].as_f64())
                    .collect(),
            )
        };
        results.push(json!({
            "files": n,
            "page_ms": pick("ms", "page"),
            "baseline_ms": pick("ms", "baseline"),
            "ratio_warm": ratio(&r["warm"]),
            "ratio_cold": ratio(&r["cold"]),
            "progress_shown_ms": pick("progressShownMs", "page"),
            "first_progress_ms": pick("firstProgressMs", "page"),
            "page_heap_mb": pick("pageHeapMB", "page"),
            "renderer_peak_mb": pick("rendererPeakMB", "page"),
            "baseline_renderer_peak_mb": pick("rendererPeakMB", "baseline"),
            "rounds": r,
        }));
    }
    json!({ "machine": machine(), "sizes": results })
}

/// Orthanc's instance count.
fn count(o: &Orthanc) -> u64 {
    get(&format!("{}/statistics", o.rest()))
        .and_then(|(_, b)| serde_json::from_slice::<Value>(&b).ok())
        .and_then(|v| v["CountInstances"].as_u64())
        .unwrap_or(0)
}

/// Waits until `o` holds `n` instances; the time it did (or panics after
/// ten minutes).
fn arrived(o: &Orthanc, n: usize) -> SystemTime {
    assert!(
        wait_for(Duration::from_secs(600), || count(o) >= n as u64),
        "Orthanc holds {} of {n}",
        count(o)
    );
    SystemTime::now()
}

fn epoch_ms(t: SystemTime) -> f64 {
    t.duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs_f64() * 1000.0)
        .unwrap_or(0.0)
}

/// 1,000 CT slices (512×512×16 bit) into Orthanc over C-STORE: through the
/// page and through `mailslot send`, against serial `curl POST /instances`.
fn path() -> Value {
    let sizes: Vec<Value> = sizes("BENCH_PATH_FILES", &[10, 100, 1000])
        .into_iter()
        .map(path_at)
        .collect();
    json!({ "machine": machine(), "sizes": sizes })
}

/// Folder sizes from `var` (comma-separated), else `default`.
fn sizes(var: &str, default: &[usize]) -> Vec<usize> {
    std::env::var(var)
        .ok()
        .map(|s| s.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| default.to_vec())
}

fn path_at(n: usize) -> Value {
    let dist = dist();
    let dir = tempfile::tempdir().expect("tempdir");
    let cd = dir.path().join("CD");
    let files = make_cd(&cd, n, 2, 512 * 512 * 2, false);
    let mut rounds = Vec::new();
    for round in 0..2 {
        let mut r = serde_json::Map::new();
        let mut order = ["curl", "page", "send"];
        if round % 2 == 1 {
            order.reverse();
        }
        for who in order {
            let orthanc = Orthanc::start();
            let ms = match who {
                "curl" => {
                    let t = Instant::now();
                    for f in &files {
                        let ok = Command::new("curl")
                            .args(["-sf", "-o", "/dev/null", "-X", "POST", "--data-binary"])
                            .arg(format!("@{}", f.display()))
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
                        "bench-path.mjs",
                        &[
                            ("MAILSLOT_URL", server.url.clone()),
                            ("CD_DIR", cd.display().to_string()),
                            ("PASSWORD", PASSWORD.into()),
                            ("EXPECT_IMAGES", n.to_string()),
                        ],
                    );
                    let done = epoch_ms(arrived(&orthanc, n));
                    r.insert("page_scan_ms".into(), page["scannedMs"].clone());
                    r.insert("page_receipt_ms".into(), page["receiptMs"].clone());
                    done - page["chosenAt"].as_f64().unwrap_or(f64::NAN)
                }
                _ => {
                    let server = Server::start(
                        &format!("dimse://ORTHANC@127.0.0.1:{}", orthanc.dicom_port),
                        &[],
                    );
                    let t = Instant::now();
                    let (code, _, err) = server.send(&[&cd], &[]);
                    assert_eq!(code, 0, "mailslot send: {err}");
                    arrived(&orthanc, n);
                    elapsed(t)
                }
            };
            r.insert(format!("{who}_ms"), json!(ms));
        }
        rounds.push(Value::Object(r));
    }
    let med = |k: &str| median(rounds.iter().filter_map(|r| r[k].as_f64()).collect());
    json!({
        "files": n,
        "bytes": files.iter().filter_map(|f| f.metadata().ok()).map(|m| m.len()).sum::<u64>(),
        "curl_ms": med("curl_ms"),
        "page_ms": med("page_ms"),
        "send_ms": med("send_ms"),
        "page_scan_ms": med("page_scan_ms"),
        "page_receipt_ms": med("page_receipt_ms"),
        "page_over_curl": med("page_ms") / med("curl_ms"),
        "send_over_curl": med("send_ms") / med("curl_ms"),
        "rounds": rounds,
    })
}

/// The server's C-STORE forwarding of 1,000 CT slices already received,
/// against `dcmsend` of the same files (one association; four in
/// parallel) into the same kind of fresh Orthanc.
fn forward() -> Value {
    let n = sizes("BENCH_FORWARD_FILES", &[1000])[0];
    let dir = tempfile::tempdir().expect("tempdir");
    let cd = dir.path().join("CD");
    let files = make_cd(&cd, n, 2, 512 * 512 * 2, false);
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
        rounds.push(json!({
            "dcmsend_ms": single,
            "dcmsend4_ms": parallel,
            "forward_ms": forwarded,
            "associations": 4,
        }));
    }
    let med = |k: &str| median(rounds.iter().filter_map(|r| r[k].as_f64()).collect());
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

/// What the figures were measured on.
fn machine() -> Value {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|s| s.trim().to_owned())
        })
        .unwrap_or_default();
    let chromium = Command::new("chromium")
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    json!({
        "cpus": std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0),
        "cpu": cpu,
        "chromium": chromium,
        "date": String::from_utf8_lossy(&Command::new("date").arg("-u").arg("+%F").output().map(|o| o.stdout).unwrap_or_default()).trim(),
    })
}

/// One line per figure, for the terminal.
fn summary(name: &str, v: &Value) -> String {
    let f = |x: &Value| x.as_f64().map_or("-".into(), |x| format!("{x:.2}"));
    let each = |key: &str, line: &dyn Fn(&Value) -> String| {
        v[key]
            .as_array()
            .into_iter()
            .flatten()
            .map(line)
            .collect::<Vec<_>>()
            .join("\n  ")
    };
    match name {
        "scan" => each("sizes", &|s| {
            format!(
                "{} files: page {} ms, dicom-parser {} ms; dicom-parser/page warm {} cold {}; progress shown {} ms, first advance {} ms; renderer {} MB",
                s["files"], f(&s["page_ms"]), f(&s["baseline_ms"]), f(&s["ratio_warm"]),
                f(&s["ratio_cold"]), f(&s["progress_shown_ms"]), f(&s["first_progress_ms"]),
                f(&s["renderer_peak_mb"])
            )
        }),
        "path" => each("sizes", &|s| {
            format!(
                "{} files: page {} ms, mailslot send {} ms, curl {} ms; page/curl {}, send/curl {}",
                s["files"], f(&s["page_ms"]), f(&s["send_ms"]), f(&s["curl_ms"]),
                f(&s["page_over_curl"]), f(&s["send_over_curl"])
            )
        }),
        _ => format!(
            "{} files: forward {} ms, dcmsend {} ms, 4× dcmsend {} ms; dcmsend/forward {}, 4× dcmsend/forward {}",
            v["files"], f(&v["forward_ms"]), f(&v["dcmsend_ms"]), f(&v["dcmsend4_ms"]),
            f(&v["speedup_vs_dcmsend"]), f(&v["speedup_vs_dcmsend4"])
        ),
    }
}

/// The growth plot: time against files (both logarithmic) for the scan
/// (page, dicom-parser) and the whole path (page, `mailslot send`, curl).
fn plot(scan: &Value, path: &Value) -> String {
    let series = |v: &Value, key: &str| -> Vec<(f64, f64)> {
        v["sizes"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|s| Some((s["files"].as_f64()?, s[key].as_f64()?)))
            .filter(|(x, y)| *x > 0.0 && *y > 0.0)
            .collect()
    };
    let lines = [
        ("scan: page", series(scan, "page_ms"), "#1f5fbf", ""),
        (
            "scan: dicom-parser page",
            series(scan, "baseline_ms"),
            "#1f5fbf",
            "6 4",
        ),
        ("path: page", series(path, "page_ms"), "#b3261e", ""),
        (
            "path: mailslot send",
            series(path, "send_ms"),
            "#2e7d32",
            "",
        ),
        (
            "path: curl POST /instances",
            series(path, "curl_ms"),
            "#b3261e",
            "6 4",
        ),
    ];
    let (w, h, left, bottom, top, right) = (720.0, 440.0, 70.0, 50.0, 20.0, 220.0);
    let all: Vec<(f64, f64)> = lines.iter().flat_map(|l| l.1.iter().copied()).collect();
    let lx = |x: f64| x.max(1.0).log10();
    let ly = |y: f64| y.max(1.0).log10();
    let x1 = all.iter().map(|p| lx(p.0)).fold(1.0, f64::max).ceil();
    let y0 = all
        .iter()
        .map(|p| ly(p.1))
        .fold(f64::INFINITY, f64::min)
        .floor()
        .min(2.0);
    let y1 = all.iter().map(|p| ly(p.1)).fold(1.0, f64::max).ceil();
    let px = |x: f64| left + lx(x) / x1.max(1.0) * (w - left - right);
    let py = |y: f64| h - bottom - (ly(y) - y0) / (y1 - y0).max(1.0) * (h - top - bottom);
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
    );
    for e in 0..=(x1 as i32) {
        let x = px(10f64.powi(e));
        svg += &format!("<line x1=\"{x:.1}\" y1=\"{top}\" x2=\"{x:.1}\" y2=\"{:.1}\" stroke=\"#ddd\"/><text x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>\n", h - bottom, h - bottom + 16.0, 10u64.pow(e as u32));
    }
    for e in (y0 as i32)..=(y1 as i32) {
        let y = py(10f64.powi(e));
        let label = if e >= 3 {
            format!("{} s", 10u64.pow(e as u32 - 3))
        } else {
            format!("{} ms", 10u64.pow(e as u32))
        };
        svg += &format!("<line x1=\"{left}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\" stroke=\"#ddd\"/><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{label}</text>\n", w - right, left - 6.0, y + 4.0);
    }
    svg += &format!(
        "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">files (log)</text>\n",
        (left + w - right) / 2.0,
        h - 12.0
    );
    for (i, (name, points, colour, dash)) in lines.iter().enumerate() {
        let d: Vec<String> = points
            .iter()
            .map(|(x, y)| format!("{:.1},{:.1}", px(*x), py(*y)))
            .collect();
        svg += &format!("<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\" stroke-dasharray=\"{dash}\" points=\"{}\"/>\n", d.join(" "));
        for (x, y) in points {
            svg += &format!(
                "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3\" fill=\"{colour}\"/>\n",
                px(*x),
                py(*y)
            );
        }
        let ly = top + 14.0 + i as f64 * 20.0;
        let lx0 = w - right + 12.0;
        svg += &format!("<line x1=\"{lx0:.1}\" y1=\"{ly:.1}\" x2=\"{:.1}\" y2=\"{ly:.1}\" stroke=\"{colour}\" stroke-width=\"2\" stroke-dasharray=\"{dash}\"/><text x=\"{:.1}\" y=\"{:.1}\">{name}</text>\n", lx0 + 24.0, lx0 + 30.0, ly + 4.0);
    }
    svg + "</svg>\n"
}

fn elapsed(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
}
