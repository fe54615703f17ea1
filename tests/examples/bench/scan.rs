//! The scan: the page vs a plain dicom-parser page (`tests/e2e/bench-scan.mjs`).

use std::path::Path;

use mailslot_tests::cd::ct_cd;
use mailslot_tests::server::{Server, PASSWORD};
use serde_json::{json, Value};

use super::{dist, machine, median, node, sizes};

/// A command that drops `dir`'s files from the page cache (as if read from
/// a CD for the first time): `posix_fadvise(DONTNEED)` on each file.
pub fn drop_cache_command(dir: &Path) -> String {
    format!(
        "python3 -c 'import os,sys\nfor r,_,fs in os.walk(sys.argv[1]):\n for f in fs:\n  fd=os.open(os.path.join(r,f),os.O_RDONLY); os.posix_fadvise(fd,0,0,os.POSIX_FADV_DONTNEED); os.close(fd)' {}",
        dir.display()
    )
}

/// The page's scan vs the dicom-parser page, at growing folder sizes.
pub fn scan() -> Value {
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
        ct_cd(&cd, n, 8.min(n), 24_000, true);
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
            // The plain page's first file read and parsed, from `change`:
            // what the browser takes before any page can show an advance.
            "baseline_first_ms": pick("firstMs", "baseline"),
            "interactive_ms": pick("interactiveMs", "page"),
            "page_heap_mb": pick("pageHeapMB", "page"),
            "worker_heap_mb": pick("workerHeapMB", "page"),
            "renderer_peak_mb": pick("rendererPeakMB", "page"),
            "baseline_renderer_peak_mb": pick("rendererPeakMB", "baseline"),
            "rounds": r,
        }));
    }
    json!({ "machine": machine(), "sizes": results })
}
