//! The page's side of the scan worker: starts it, queues scans until it
//! says it is ready, and hands every reply to the page as a
//! [`FromWorker`] (or [`WorkerEvent::Failed`] when it could not start or
//! crashed).

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use gloo_events::EventListener;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{MessageEvent, Worker};

use super::protocol::{decode, encode, Chosen, FromWorker, ToWorker};

/// What the worker said.
#[derive(Debug)]
pub enum WorkerEvent {
    /// A message.
    Said(FromWorker),
    /// It could not start, crashed, or said something unreadable.
    Failed,
}

/// The running worker. Dropping it ends the worker.
pub struct ScanWorker {
    worker: Worker,
    ready: Rc<Cell<bool>>,
    queue: Rc<RefCell<Vec<JsValue>>>,
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
        let queue: Rc<RefCell<Vec<JsValue>>> = Rc::default();
        let on = Rc::new(on);
        let (w, r, q, o) = (worker.clone(), ready.clone(), queue.clone(), on.clone());
        let onmessage = EventListener::new(&worker, "message", move |event| {
            let data = event
                .dyn_ref::<MessageEvent>()
                .map(MessageEvent::data)
                .unwrap_or(JsValue::UNDEFINED);
            match decode::<FromWorker>(data) {
                Some(FromWorker::Ready) => {
                    r.set(true);
                    for m in q.borrow_mut().drain(..) {
                        let _ = w.post_message(&m);
                    }
                }
                Some(msg) => o(WorkerEvent::Said(msg)),
                None => o(WorkerEvent::Failed),
            }
        });
        let onerror = EventListener::new(&worker, "error", move |_| on(WorkerEvent::Failed));
        Some(ScanWorker {
            worker,
            ready,
            queue,
            _listeners: [onmessage, onerror],
        })
    }

    /// Queues a scan of `files`; `false` if the request cannot be encoded.
    pub fn scan(&self, files: Vec<Chosen>, max_file_size: u64, unpack_budget: u64) -> bool {
        let Some(msg) = encode(&ToWorker::Scan {
            files,
            max_file_size,
            unpack_budget,
        }) else {
            return false;
        };
        if self.ready.get() {
            let _ = self.worker.post_message(&msg);
        } else {
            self.queue.borrow_mut().push(msg);
        }
        true
    }
}

impl Drop for ScanWorker {
    fn drop(&mut self) {
        self.worker.terminate();
    }
}
