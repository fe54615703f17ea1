//! The scan worker: its own Wasm binary (`bin/worker.rs`), started by the
//! page for each session. It answers [`protocol::ToWorker::Scan`] with
//! progress and one [`protocol::FromWorker::Done`] per scan; the page side
//! of the conversation is [`client::ScanWorker`].
//!
//! - `protocol.rs` — the typed messages (also the scan's vocabulary:
//!   found, ignored, DICOMDIRs);
//! - `scan.rs` — what each file is (`shared`'s rules over blob readers);
//! - `zipscan.rs` — ZIP archives, members inflated into browser blobs.

pub mod client;
pub mod protocol;
pub mod scan;
pub mod zipscan;

use gloo_events::EventListener;
use mailslot_shared::dicom::Limits;
use wasm_bindgen::JsCast;
use web_sys::{Blob, DedicatedWorkerGlobalScope, MessageEvent};

use protocol::{decode, encode, Chosen, FromWorker, ScanReport, ToWorker};
use scan::Scanner;

/// Post a progress message at most every this many files.
const PROGRESS_EVERY: u32 = 20;

fn post(scope: &DedicatedWorkerGlobalScope, msg: &FromWorker) {
    if let Some(value) = encode(msg) {
        let _ = scope.post_message(&value);
    }
}

/// Starts the worker: listens for messages and says "ready".
pub fn start() {
    let Ok(scope) = js_sys::global().dyn_into::<DedicatedWorkerGlobalScope>() else {
        return;
    };
    let poster = scope.clone();
    let listener = EventListener::new(&scope, "message", move |event| {
        let Some(event) = event.dyn_ref::<MessageEvent>() else {
            return;
        };
        match decode::<ToWorker>(event.data()) {
            Some(ToWorker::Scan {
                files,
                max_file_size,
                unpack_budget,
            }) => {
                let report = scan(files, max_file_size, unpack_budget, |done, total| {
                    post(&poster, &FromWorker::Progress { done, total })
                });
                post(&poster, &FromWorker::Done { report });
            }
            None => {}
        }
    });
    // The listener lives as long as the worker.
    listener.forget();
    post(&scope, &FromWorker::Ready);
}

/// Scans `files`, reporting progress every few files and at the end.
pub fn scan(
    files: Vec<Chosen>,
    max_file_size: u64,
    unpack_budget: u64,
    progress: impl Fn(u32, u32),
) -> ScanReport<Blob> {
    let mut scanner = Scanner::new(Limits { max_file_size }, unpack_budget);
    let total = files.len() as u32;
    for (i, chosen) in files.iter().enumerate() {
        scanner.add(&chosen.file, &chosen.label);
        let done = i as u32 + 1;
        if done.is_multiple_of(PROGRESS_EVERY) {
            progress(done, total);
        }
    }
    progress(total, total);
    scanner.finish()
}
