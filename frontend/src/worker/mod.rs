//! The scan worker: its own Wasm binary (`bin/worker.rs`), started by the
//! page for each session. A scan's files come in batches of
//! [`protocol::ToWorker::Scan`]; the worker answers with progress and one
//! [`protocol::FromWorker::Done`] per scan. It checks one file at a time
//! while the browser reads the next few ([`Scan::feed`]). The page side of
//! the conversation is [`client::ScanWorker`].
//!
//! - `protocol.rs` — the typed messages (also the scan's vocabulary:
//!   found, ignored, DICOMDIRs);
//! - `scan.rs` — what each file is (`shared`'s rules over blob readers);
//! - `zipscan.rs` — ZIP archives, members inflated into browser blobs.

pub mod client;
pub mod protocol;
pub mod scan;
pub mod zipscan;

use std::cell::RefCell;
use std::collections::VecDeque;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::rc::Rc;

use gloo_events::EventListener;
use mailslot_shared::dicom::Limits;
use wasm_bindgen::JsCast;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

use crate::blob::{self, BlobReader};
use protocol::{
    decode, encode, Content, FoundFile, FromWorker, Given, PackedReport, ScanReport, ToWorker,
};
use scan::Scanner;

/// Files whose first bytes the browser reads while the worker checks the
/// one before: reading one file at a time left the worker waiting on the
/// disk for most of a scan (issue 12's profile).
const READ_AHEAD: usize = 8;
/// Progress is posted after the first file and then at most this often
/// (ms): every message redraws the page.
const PROGRESS_MS: f64 = 100.0;

fn post(scope: &DedicatedWorkerGlobalScope, msg: &FromWorker) {
    if let Some(value) = encode(msg) {
        let _ = scope.post_message(&value);
    }
}

/// The worker's queue of scan batches: batches waiting, scans begun, and
/// whether the loop that works them off is running.
#[derive(Default)]
struct ScanQueue {
    batches: VecDeque<ToWorker>,
    scans: Vec<Scan>,
    running: bool,
}

/// Starts the worker: listens for messages and says "ready".
pub fn start() {
    let Ok(scope) = js_sys::global().dyn_into::<DedicatedWorkerGlobalScope>() else {
        return;
    };
    let queue: Rc<RefCell<ScanQueue>> = Rc::default();
    let poster = scope.clone();
    let listener = EventListener::new(&scope, "message", move |event| {
        let Some(msg) = event
            .dyn_ref::<MessageEvent>()
            .and_then(|e| decode::<ToWorker>(e.data()))
        else {
            return;
        };
        let mut i = queue.borrow_mut();
        i.batches.push_back(msg);
        if !i.running {
            i.running = true;
            wasm_bindgen_futures::spawn_local(work(queue.clone(), poster.clone()));
        }
    });
    // The listener lives as long as the worker.
    listener.forget();
    warm_up();
    post(&scope, &FromWorker::Ready);
}

/// Checks one small generated image the way a chosen file is checked. The
/// browser compiles a WebAssembly function when it is first called: the
/// first batch of a scan took ~110 ms in the worker for that alone
/// (`BENCHMARKS.md`, first advance). The worker starts while the password
/// is checked, so the sender's first files find the rules compiled.
fn warm_up() {
    let image = mailslot_shared::dicom::synth::ct_image("2.25.1", "2.25.2", "WARM^UP", 2048, 0);
    let mut scanner = Scanner::new(
        Limits {
            max_file_size: mailslot_shared::dicom::DEFAULT_MAX_FILE_SIZE,
        },
        0,
    );
    scanner.add("warm-up", 0, Ok(BlobReader::from_bytes(image)));
    drop(scanner.finish());
}

/// Works off the queue, one batch after the other, until it is empty.
async fn work(queue: Rc<RefCell<ScanQueue>>, scope: DedicatedWorkerGlobalScope) {
    loop {
        let next = queue.borrow_mut().batches.pop_front();
        let Some(ToWorker::Scan {
            scan: id,
            total,
            files,
            max_file_size,
            unpack_budget,
        }) = next
        else {
            queue.borrow_mut().running = false;
            return;
        };
        let begun = {
            let mut i = queue.borrow_mut();
            let at = i.scans.iter().position(|s| s.id == id);
            at.map(|at| i.scans.swap_remove(at))
        };
        let mut scan = begun.unwrap_or_else(|| Scan::new(id, total, max_file_size, unpack_budget));
        let progress = |done, total| {
            post(
                &scope,
                &FromWorker::Progress {
                    scan: id,
                    done,
                    total,
                },
            )
        };
        scan.feed(files, &progress).await;
        if scan.complete() {
            let report = scan.finish(&progress);
            let report = PackedReport::pack(report);
            post(&scope, &FromWorker::Done { scan: id, report });
        } else {
            queue.borrow_mut().scans.push(scan);
        }
    }
}

/// One scan under way; its files arrive in batches.
#[derive(Debug)]
pub struct Scan {
    id: u32,
    scanner: Scanner,
    total: u32,
    done: u32,
    last_progress: f64,
}

impl Scan {
    /// Scan `id` of `total` files under the server's limits.
    pub fn new(id: u32, total: u32, max_file_size: u64, unpack_budget: u64) -> Self {
        Scan {
            id,
            scanner: Scanner::new(Limits { max_file_size }, unpack_budget),
            total,
            done: 0,
            last_progress: f64::NEG_INFINITY,
        }
    }

    /// Scans the next batch in order, the browser reading up to
    /// [`READ_AHEAD`] files ahead of the one being checked (files the page
    /// has read already need no reading). Reports progress after the
    /// first file, then every [`PROGRESS_MS`].
    pub async fn feed(&mut self, files: Vec<Given>, progress: &impl Fn(u32, u32)) {
        let mut files = files.into_iter();
        let mut ahead: VecDeque<(String, Reading)> = VecDeque::with_capacity(READ_AHEAD);
        loop {
            while ahead.len() < READ_AHEAD {
                let Some(given) = files.next() else { break };
                ahead.push_back((given.label, open(given.content)));
            }
            let Some((label, reading)) = ahead.pop_front() else {
                return;
            };
            let reader = reading.await;
            self.scanner.add(&label, self.done, reader);
            self.done += 1;
            let now = js_sys::Date::now();
            if now - self.last_progress >= PROGRESS_MS {
                self.last_progress = now;
                progress(self.done, self.total);
            }
        }
    }

    /// Whether every file has come and been scanned.
    pub fn complete(&self) -> bool {
        self.done >= self.total
    }

    /// The report (and the last progress).
    pub fn finish(self, progress: &impl Fn(u32, u32)) -> ScanReport<FoundFile> {
        progress(self.done, self.total);
        self.scanner.finish()
    }
}

/// A file being opened: its first bytes on their way.
type Reading = Pin<Box<dyn Future<Output = io::Result<BlobReader>>>>;

/// Opens a file for the scan: bytes at hand at once, a file once its
/// first bytes are read (the read starts now).
fn open(content: Content) -> Reading {
    match content {
        Content::Bytes(bytes) => {
            let reader = BlobReader::from_bytes(bytes.to_vec());
            Box::pin(std::future::ready(Ok(reader)))
        }
        Content::Head { head, file } => {
            let reader = BlobReader::with_head(&file, head.to_vec());
            Box::pin(std::future::ready(Ok(reader)))
        }
        Content::File(file) => {
            let head = blob::read_head(&file);
            Box::pin(async move { Ok(BlobReader::with_head(&file, head.await?)) })
        }
    }
}

/// Scans `files` in one batch, as the worker does (tests and benches).
pub async fn scan(
    files: Vec<Given>,
    max_file_size: u64,
    unpack_budget: u64,
    progress: impl Fn(u32, u32),
) -> ScanReport<FoundFile> {
    let mut scan = Scan::new(0, files.len() as u32, max_file_size, unpack_budget);
    scan.feed(files, &progress).await;
    scan.finish(&progress)
}
