//! The scan worker's side of the conversation with the page. The page
//! posts `{files, paths, maxFileSize, unpackBudget}`; the worker answers
//! `{type: "ready"}` once at start, `{type: "progress", done, total}` while
//! scanning and `{type: "done", report, blobs}` at the end (`report` is a
//! [`ScanReport`](crate::scan::ScanReport) as JSON; `blobs[i]` holds
//! `report.found[i]`). Files travel as `File`/`Blob` handles, never as
//! bytes: the browser shares them without copying.

use js_sys::{Array, Object};
use mailslot_shared::dicom::Limits;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Blob, DedicatedWorkerGlobalScope, MessageEvent};

use crate::js::{get, set};
use crate::scan::Scanner;

/// Post a progress message at most every this many files.
const PROGRESS_EVERY: u32 = 20;

/// Starts the worker: installs the message handler and says "ready".
pub fn start() {
    let Ok(scope) = js_sys::global().dyn_into::<DedicatedWorkerGlobalScope>() else {
        return;
    };
    let poster = scope.clone();
    let handler = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        handle(&poster, &event.data());
    });
    scope.set_onmessage(Some(handler.as_ref().unchecked_ref()));
    // The handler lives as long as the worker.
    handler.forget();
    let ready = Object::new();
    set(&ready, "type", &"ready".into());
    let _ = scope.post_message(&ready);
}

fn handle(scope: &DedicatedWorkerGlobalScope, data: &JsValue) {
    let files: Array = get(data, "files").dyn_into().unwrap_or_default();
    let paths: Array = get(data, "paths").dyn_into().unwrap_or_default();
    let max_file_size = get(data, "maxFileSize")
        .as_f64()
        .map_or(Limits::default().max_file_size, |n| n as u64);
    let budget = get(data, "unpackBudget").as_f64().map_or(0, |n| n as u64);
    let (report, blobs) = scan(&files, &paths, max_file_size, budget, |done, total| {
        let msg = Object::new();
        set(&msg, "type", &"progress".into());
        set(&msg, "done", &done.into());
        set(&msg, "total", &total.into());
        let _ = scope.post_message(&msg);
    });
    let msg = Object::new();
    set(&msg, "type", &"done".into());
    set(&msg, "report", &report.into());
    set(&msg, "blobs", &blobs);
    let _ = scope.post_message(&msg);
}

/// Scans `files` (labelled by `paths`), reporting progress; returns the
/// report as JSON and the blobs of what was found.
pub fn scan(
    files: &Array,
    paths: &Array,
    max_file_size: u64,
    unpack_budget: u64,
    progress: impl Fn(u32, u32),
) -> (String, Array) {
    let mut scanner = Scanner::new(Limits { max_file_size }, unpack_budget);
    let total = files.length();
    for i in 0..total {
        let path = paths
            .get(i)
            .as_string()
            .unwrap_or_else(|| format!("#{}", i + 1));
        match files.get(i).dyn_into::<Blob>() {
            Ok(file) => scanner.add(&file, &path),
            Err(_) => scanner.ignore(&path, 0, crate::scan::IgnoreReason::Unreadable),
        }
        if (i + 1) % PROGRESS_EVERY == 0 {
            progress(i + 1, total);
        }
    }
    progress(total, total);
    let (report, blobs) = scanner.finish();
    // The report holds only strings and numbers; serialising cannot fail.
    (serde_json::to_string(&report).unwrap_or_default(), blobs)
}
