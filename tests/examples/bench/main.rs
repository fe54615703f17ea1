//! The end-to-end benchmarks of issue 12, each against the baseline a
//! hospital or a sender would otherwise use, measured in the same run on
//! the same files and reported as ratios (`BENCHMARKS.md`):
//!
//! - `scan`: the page's scan of a CD folder vs the npm `dicom-parser`
//!   package in a plain page (`tests/e2e/bench-scan.mjs`), warm and cold
//!   file cache, at several folder sizes (the growth plot);
//! - `path`: choose → all in Orthanc (C-STORE) through the page and through
//!   `mailslot send`, vs serial `curl POST /instances` into the same
//!   Orthanc (`tests/e2e/path.mjs`);
//! - `size`: the same three ways with one file of 1 MB to 2 GB (how the
//!   path grows with the size of a file; the second plot);
//! - `forward`: the server's C-STORE forwarding vs `dcmsend` (one
//!   association, and four in parallel);
//! - `memory`: the server's peak resident memory growth receiving one
//!   2 GB file, and 100 uploads at once (over its idle size, measured in
//!   the same run);
//! - `preview`: the desk's preview of a 512×512 CT and of a 512×512 JPEG
//!   baseline image vs dcmtk's `dcmj2pnm` on the same files (issue 28).
//!
//! `cargo run --release -p mailslot-tests --example bench -- [scan|path|size|forward|memory|preview|all]`
//! (after `cargo xtask page`). Results go to `target/bench/*.json` and the
//! growth plots to `docs/bench-growth.svg` and `docs/bench-size.svg` (`plot` draws it again from the
//! results).

#![allow(clippy::expect_used, clippy::panic)]

use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

use mailslot_tests::root;
use serde_json::{json, Value};

mod memory;
mod pacs;
mod plot;
mod preview;
mod scan;

fn main() {
    let what = std::env::args().nth(1).unwrap_or_else(|| "all".into());
    let out = root().join("target/bench");
    std::fs::create_dir_all(&out).expect("mkdir target/bench");
    let mut results = Vec::new();
    if what == "scan" || what == "all" {
        results.push(("scan", scan::scan()));
    }
    if what == "path" || what == "all" {
        results.push(("path", pacs::path()));
    }
    if what == "size" || what == "all" {
        results.push(("size", pacs::size()));
    }
    if what == "forward" || what == "all" {
        results.push(("forward", pacs::forward()));
    }
    if what == "memory" || what == "all" {
        results.push(("memory", memory::memory()));
    }
    if what == "preview" || what == "all" {
        results.push(("preview", preview::preview()));
    }
    if results.is_empty() && what != "plot" {
        eprintln!("usage: bench [scan|path|size|forward|memory|preview|all|plot]");
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
        let svg = plot::plot(
            &serde_json::from_str(&scan).unwrap_or_default(),
            &serde_json::from_str(&path).unwrap_or_default(),
        );
        std::fs::write(root().join("docs/bench-growth.svg"), svg).expect("write plot");
    }
    if let Ok(size) = std::fs::read_to_string(out.join("size.json")) {
        let svg = plot::size(&serde_json::from_str(&size).unwrap_or_default());
        std::fs::write(root().join("docs/bench-size.svg"), svg).expect("write plot");
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

/// The median of `key` over `rounds` (where it is a number).
fn median_of(rounds: &[Value], key: &str) -> f64 {
    median(rounds.iter().filter_map(|r| r[key].as_f64()).collect())
}

/// Folder sizes from `var` (comma-separated), else `default`.
fn sizes(var: &str, default: &[usize]) -> Vec<usize> {
    std::env::var(var)
        .ok()
        .map(|s| s.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| default.to_vec())
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
                "{} files: page {} ms, dicom-parser {} ms; dicom-parser/page warm {} cold {}; progress shown {} ms, first advance {} ms (dicom-parser's first file {} ms); first step interactive {} ms; JS heap page {} + worker {} MB; renderer {} MB",
                s["files"], f(&s["page_ms"]), f(&s["baseline_ms"]), f(&s["ratio_warm"]),
                f(&s["ratio_cold"]), f(&s["progress_shown_ms"]), f(&s["first_progress_ms"]),
                f(&s["baseline_first_ms"]), f(&s["interactive_ms"]), f(&s["page_heap_mb"]),
                f(&s["worker_heap_mb"]), f(&s["renderer_peak_mb"])
            )
        }),
        "size" => each("sizes", &|s| {
            format!(
                "{} MB: page {} ms, mailslot send {} ms, curl {} ms; page/curl {}, send/curl {}",
                s["megabytes"], f(&s["page_ms"]), f(&s["send_ms"]), f(&s["curl_ms"]),
                f(&s["page_over_curl"]), f(&s["send_over_curl"])
            )
        }),
        "path" => each("sizes", &|s| {
            format!(
                "{} files: page {} ms, mailslot send {} ms, curl {} ms; page/curl {}, send/curl {}",
                s["files"], f(&s["page_ms"]), f(&s["send_ms"]), f(&s["curl_ms"]),
                f(&s["page_over_curl"]), f(&s["send_over_curl"])
            )
        }),
        "preview" => ["ct_512", "jpeg_baseline_512"]
            .iter()
            .map(|k| {
                format!(
                    "{k}: ours {} ms, dcmj2pnm {} ms (its start alone {} ms); dcmj2pnm/ours {}",
                    f(&v[k]["ours_ms"]), f(&v[k]["dcmj2pnm_ms"]),
                    f(&v["dcmj2pnm_start_ms"]), f(&v[k]["dcmj2pnm_over_ours"])
                )
            })
            .collect::<Vec<_>>()
            .join("\n  "),
        "memory" => format!(
            "one 2 GB file: +{} MB peak RSS in {} ms; 100 uploads at once ({} accepted): +{} MB in {} ms",
            f(&v["one_file_growth_mb"]), f(&v["one_file_ms"]), v["concurrent_accepted"],
            f(&v["concurrent_growth_mb"]), f(&v["concurrent_ms"])
        ),
        _ => format!(
            "{} files: forward {} ms, dcmsend {} ms, 4× dcmsend {} ms; dcmsend/forward {}, 4× dcmsend/forward {}",
            v["files"], f(&v["forward_ms"]), f(&v["dcmsend_ms"]), f(&v["dcmsend4_ms"]),
            f(&v["speedup_vs_dcmsend"]), f(&v["speedup_vs_dcmsend4"])
        ),
    }
}

fn elapsed(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
}
