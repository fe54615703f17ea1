//! The page's side of the scan worker: starts it, sends scans in batches
//! once it says it is ready, and hands every reply to the page as a
//! [`FromWorker`] (or [`WorkerEvent::Failed`] when it could not start or
//! crashed).

use std::cell::Cell;
use std::rc::Rc;

use gloo_events::EventListener;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{MessageEvent, Worker};

use futures::stream::{self, StreamExt};
use js_sys::Array;

use super::protocol::{decode, encode, Chosen, Content, FromWorker, Given, ToWorker};
use crate::blob;

/// What the worker said.
#[derive(Debug)]
pub enum WorkerEvent {
    /// A message.
    Said(FromWorker),
    /// It could not start, crashed, or said something unreadable.
    Failed,
}

/// Files per message to the worker after the first: a batch is a short
/// task for the page, and the worker starts on the first batch while the
/// page reads the rest.
pub const BATCH: usize = 200;
/// Files in the first message: the worker starts, and the sender sees
/// progress, at once.
pub const FIRST_BATCH: usize = 8;
/// Small files the page reads at the same time. Each read costs the page's
/// thread little but waits on the browser process: on a 2-core machine a
/// 10,000-file scan took 7.1 s with 16, 5.5 s with 64 and 5.4 s with 128.
const LANES: usize = 128;
/// Files up to this size go to the worker as bytes, read by the page;
/// larger ones as files. Handing over a file costs the page's main thread
/// about 0.3 ms (Chromium asks the browser process for its size and date
/// while it clones it; seconds for a CD of small files); reading a small
/// file first does not, and makes handing it over cheap
/// ([`blob::read_small`]).
const SMALL: u32 = blob::FIRST as u32;
/// Files looked at before the page judges a folder to be mostly large
/// files (a CD of CT or MR slices, ~0.5 MB each): [`blob::read_small`]
/// then reads each whole before it learns the size (1,000 such slices: 2 s
/// of reading), so the page reads only their heads ([`blob::read_first`]).
const JUDGE_AFTER: u32 = 16;

/// The running worker. Dropping it ends the worker.
pub struct ScanWorker {
    worker: Worker,
    ready: Rc<Cell<bool>>,
    on: Rc<dyn Fn(WorkerEvent)>,
    next_scan: Cell<u32>,
    _listeners: [EventListener; 2],
}

impl std::fmt::Debug for ScanWorker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScanWorker").finish_non_exhaustive()
    }
}

impl ScanWorker {
    /// Starts the worker (`worker_loader.js`, built by Trunk).
    pub fn start(on: impl Fn(WorkerEvent) + 'static) -> Option<Self> {
        let worker = Worker::new("./worker_loader.js").ok()?;
        let ready = Rc::new(Cell::new(false));
        let on: Rc<dyn Fn(WorkerEvent)> = Rc::new(on);
        let (r, o) = (ready.clone(), on.clone());
        let onmessage = EventListener::new(&worker, "message", move |event| {
            let data = event
                .dyn_ref::<MessageEvent>()
                .map(MessageEvent::data)
                .unwrap_or(JsValue::UNDEFINED);
            match decode::<FromWorker>(data) {
                Some(FromWorker::Ready) => r.set(true),
                Some(msg) => o(WorkerEvent::Said(msg)),
                None => o(WorkerEvent::Failed),
            }
        });
        let o = on.clone();
        let onerror = EventListener::new(&worker, "error", move |_| o(WorkerEvent::Failed));
        Some(ScanWorker {
            worker,
            ready,
            on,
            next_scan: Cell::new(0),
            _listeners: [onmessage, onerror],
        })
    }

    /// Starts a scan of `files` and returns its number (the worker's
    /// replies carry it). The files go over in batches, small files as
    /// their bytes ([`SMALL`]); a batch that cannot be encoded ends the
    /// worker ([`WorkerEvent::Failed`]).
    pub fn scan(&self, files: Vec<Chosen>, max_file_size: u64, unpack_budget: u64) -> u32 {
        let scan = self.next_scan.get();
        self.next_scan.set(scan.wrapping_add(1));
        let total = files.len() as u32;
        let (worker, ready, on) = (self.worker.clone(), self.ready.clone(), self.on.clone());
        wasm_bindgen_futures::spawn_local(async move {
            // The first batch with few reads at a time: with many under
            // way, the first file comes back only when most of them do.
            let mut files = files;
            let rest = files.split_off(FIRST_BATCH.min(files.len()));
            let sizes = Rc::new(Sizes::default());
            let s = sizes.clone();
            let mut given = stream::iter(files)
                .map(move |c| give(c, s.clone()))
                .buffered(FIRST_BATCH)
                .chain(
                    stream::iter(rest)
                        .map(move |c| give(c, sizes.clone()))
                        .buffered(LANES),
                );
            let mut batch = Vec::with_capacity(FIRST_BATCH);
            let mut posted = 0;
            loop {
                let next = given.next().await;
                let end = next.is_none();
                batch.extend(next);
                let full = batch.len() == if posted == 0 { FIRST_BATCH } else { BATCH };
                // At least one batch, so that an empty scan is answered too.
                if full || (end && (posted == 0 || !batch.is_empty())) {
                    // Messages wait for the worker, rather than all going
                    // over in one long task when it is ready; once the
                    // page has let go of it (it failed), they are dropped.
                    while !ready.get() {
                        if Rc::strong_count(&ready) == 1 {
                            return;
                        }
                        gloo_timers::future::TimeoutFuture::new(20).await;
                    }
                    // The bytes move to the worker rather than being copied.
                    let moved = Array::new();
                    for g in &batch {
                        match &g.content {
                            Content::Bytes(bytes) | Content::Head { head: bytes, .. } => {
                                moved.push(&bytes.buffer());
                            }
                            Content::File(_) => {}
                        }
                    }
                    let Some(msg) = encode(&ToWorker::Scan {
                        scan,
                        total,
                        files: std::mem::take(&mut batch),
                        max_file_size,
                        unpack_budget,
                    }) else {
                        return on(WorkerEvent::Failed);
                    };
                    let _ = worker.post_message_with_transfer(&msg, &moved);
                    posted += 1;
                }
                if end {
                    return;
                }
            }
        });
        scan
    }
}

/// What the page has learnt of a folder's file sizes so far.
#[derive(Debug, Default)]
struct Sizes {
    seen: Cell<u32>,
    large: Cell<u32>,
}

impl Sizes {
    /// Whether most files so far were larger than [`SMALL`].
    fn mostly_large(&self) -> bool {
        let seen = self.seen.get();
        seen >= JUDGE_AFTER && self.large.get() * 4 >= seen * 3
    }

    fn note(&self, large: bool) {
        self.seen.set(self.seen.get() + 1);
        self.large.set(self.large.get() + u32::from(large));
    }
}

/// A chosen file as the worker gets it: a small one's bytes, a large one's
/// first bytes where the folder is mostly large files, else the file (also
/// when the page could not read it: the worker then says so).
async fn give(chosen: Chosen, sizes: Rc<Sizes>) -> Given {
    let content = if sizes.mostly_large() {
        match blob::read_first(&chosen.file, u64::from(SMALL) + 1).await {
            Ok(bytes) if bytes.length() <= SMALL => {
                sizes.note(false);
                Content::Bytes(bytes)
            }
            Ok(head) => {
                sizes.note(true);
                Content::Head {
                    head,
                    file: chosen.file,
                }
            }
            Err(_) => Content::File(chosen.file),
        }
    } else {
        match blob::read_small(&chosen.file, SMALL).await {
            Ok(Some(bytes)) => {
                sizes.note(false);
                Content::Bytes(bytes)
            }
            Ok(None) => {
                sizes.note(true);
                Content::File(chosen.file)
            }
            Err(_) => Content::File(chosen.file),
        }
    };
    Given {
        label: chosen.label,
        content,
    }
}

impl Drop for ScanWorker {
    fn drop(&mut self) {
        self.worker.terminate();
    }
}
