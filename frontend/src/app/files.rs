//! Getting files into the page: the three choose buttons, drag and drop
//! (folders read completely: `readEntries` is called until it returns
//! nothing, as Chromium hands out at most 100 entries per call), and the
//! scan worker.

use std::rc::Rc;

use js_sys::{Array, Function, Object, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    DragEvent, File, FileSystemDirectoryEntry, FileSystemDirectoryReader, FileSystemEntry,
    FileSystemFileEntry, HtmlInputElement, MessageEvent, Worker,
};

use crate::js::{get, set};
use crate::scan::ScanReport;

/// A chosen file and its label (path within the chosen folder).
pub type Chosen = (File, String);

/// The files of an `<input type=file>`, labelled by their relative path.
pub fn from_input(input: &HtmlInputElement) -> Picked {
    let mut out = Vec::new();
    if let Some(list) = input.files() {
        for i in 0..list.length() {
            if let Some(f) = list.get(i) {
                // `webkitRelativePath` is set for folder picks only.
                let rel = get(&f, "webkitRelativePath")
                    .as_string()
                    .unwrap_or_default();
                let label = if rel.is_empty() { f.name() } else { rel };
                out.push((f, label));
            }
        }
    }
    // Choosing the same folder again must fire `change` again.
    input.set_value("");
    Picked {
        files: out,
        unreadable: Vec::new(),
    }
}

/// The entries of a drop, taken synchronously (they are only valid during
/// the event).
pub fn dropped_entries(event: &DragEvent) -> (Vec<FileSystemEntry>, Vec<File>) {
    let mut entries = Vec::new();
    let mut loose = Vec::new();
    if let Some(dt) = event.data_transfer() {
        let items = dt.items();
        for i in 0..items.length() {
            let Some(item) = items.get(i) else { continue };
            if item.kind() != "file" {
                continue;
            }
            match item.webkit_get_as_entry() {
                Ok(Some(entry)) => entries.push(entry),
                _ => {
                    if let Ok(Some(f)) = item.get_as_file() {
                        loose.push(f);
                    }
                }
            }
        }
    }
    (entries, loose)
}

/// Calls an entry API that takes (success, error) callbacks.
async fn callback_promise(call: impl FnOnce(&Function, &Function)) -> Result<JsValue, JsValue> {
    let mut call = Some(call);
    let promise = Promise::new(&mut |resolve, reject| {
        if let Some(c) = call.take() {
            c(&resolve, &reject);
        }
    });
    JsFuture::from(promise).await
}

/// One `readEntries` call: the next batch (empty at the end), or `Err`
/// when the browser could not read the folder.
async fn read_batch(reader: &FileSystemDirectoryReader) -> Result<Vec<FileSystemEntry>, ()> {
    let batch = callback_promise(|ok, err| {
        if let Err(e) = reader.read_entries_with_callback_and_callback(ok, err) {
            let _ = err.call1(&JsValue::NULL, &e);
        }
    })
    .await
    .map_err(|_| ())?;
    // The browser hands out entries only; no class check, so that nothing
    // it hands out is dropped without a word.
    Ok(Array::from(&batch)
        .iter()
        .filter(JsValue::is_object)
        .map(JsCast::unchecked_into)
        .collect())
}

async fn entry_file(entry: &FileSystemFileEntry) -> Option<File> {
    callback_promise(|ok, err| entry.file_with_callback_and_callback(ok, err))
        .await
        .ok()?
        .dyn_into()
        .ok()
}

/// What was chosen or dropped.
#[derive(Debug, Default)]
pub struct Picked {
    /// Every file, labelled by its path within the drop, sorted.
    pub files: Vec<Chosen>,
    /// Files and folders (these end in `/`) the browser could not read;
    /// the page lists them as ignored ("could not be read").
    pub unreadable: Vec<String>,
}

/// Every file under the dropped entries, folders read to the end.
pub async fn walk(entries: Vec<FileSystemEntry>, loose: Vec<File>) -> Picked {
    let mut out = Picked {
        files: loose
            .into_iter()
            .map(|f| {
                let n = f.name();
                (f, n)
            })
            .collect(),
        unreadable: Vec::new(),
    };
    let mut stack = entries;
    while let Some(entry) = stack.pop() {
        let label = entry.full_path().trim_start_matches('/').to_owned();
        if entry.is_directory() {
            let dir: FileSystemDirectoryEntry = entry.unchecked_into();
            let reader = dir.create_reader();
            loop {
                match read_batch(&reader).await {
                    Ok(batch) if batch.is_empty() => break,
                    Ok(batch) => stack.extend(batch),
                    Err(()) => {
                        out.unreadable.push(format!("{label}/"));
                        break;
                    }
                }
            }
        } else if entry.is_file() {
            let fe: FileSystemFileEntry = entry.unchecked_into();
            match entry_file(&fe).await {
                Some(f) => out.files.push((f, label)),
                None => out.unreadable.push(label),
            }
        }
    }
    out.files.sort_by(|a, b| a.1.cmp(&b.1));
    out.unreadable.sort();
    out
}

/// What the worker says.
#[derive(Debug)]
pub enum WorkerMsg {
    /// Files scanned so far.
    Progress(u32, u32),
    /// One scan finished.
    Done(ScanReport, Array),
    /// The worker could not start or crashed.
    Failed,
}

/// The scan worker and the scans waiting for it to be ready.
pub struct ScanWorker {
    worker: Worker,
    ready: Rc<std::cell::Cell<bool>>,
    queue: Rc<std::cell::RefCell<Vec<JsValue>>>,
    _onmessage: Closure<dyn FnMut(MessageEvent)>,
    _onerror: Closure<dyn FnMut(JsValue)>,
}

impl std::fmt::Debug for ScanWorker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScanWorker").finish_non_exhaustive()
    }
}

impl ScanWorker {
    /// Starts the worker (`worker_loader.js`, built by Trunk).
    pub fn start(on: impl Fn(WorkerMsg) + 'static) -> Option<Self> {
        let worker = Worker::new("./worker_loader.js").ok()?;
        let ready = Rc::new(std::cell::Cell::new(false));
        let queue: Rc<std::cell::RefCell<Vec<JsValue>>> = Rc::default();
        let on = Rc::new(on);
        let (w, r, q, o) = (worker.clone(), ready.clone(), queue.clone(), on.clone());
        let onmessage = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
            let data = e.data();
            match get(&data, "type").as_string().as_deref() {
                Some("ready") => {
                    r.set(true);
                    for m in q.borrow_mut().drain(..) {
                        let _ = w.post_message(&m);
                    }
                }
                Some("progress") => {
                    let n = |k| get(&data, k).as_f64().unwrap_or(0.0) as u32;
                    o(WorkerMsg::Progress(n("done"), n("total")));
                }
                Some("done") => {
                    let report = get(&data, "report").as_string().unwrap_or_default();
                    let blobs: Array = get(&data, "blobs").dyn_into().unwrap_or_default();
                    match serde_json::from_str(&report) {
                        Ok(r) => o(WorkerMsg::Done(r, blobs)),
                        Err(_) => o(WorkerMsg::Failed),
                    }
                }
                _ => {}
            }
        });
        let onerror = Closure::<dyn FnMut(JsValue)>::new(move |_| on(WorkerMsg::Failed));
        worker.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
        worker.set_onerror(Some(onerror.as_ref().unchecked_ref()));
        Some(ScanWorker {
            worker,
            ready,
            queue,
            _onmessage: onmessage,
            _onerror: onerror,
        })
    }

    /// Queues a scan of `files`.
    pub fn scan(&self, files: &[Chosen], max_file_size: u64, unpack_budget: u64) {
        let msg = Object::new();
        let (f, p) = (Array::new(), Array::new());
        for (file, label) in files {
            f.push(file);
            p.push(&label.into());
        }
        set(&msg, "files", &f);
        set(&msg, "paths", &p);
        set(&msg, "maxFileSize", &(max_file_size as f64).into());
        set(&msg, "unpackBudget", &(unpack_budget as f64).into());
        if self.ready.get() {
            let _ = self.worker.post_message(&msg);
        } else {
            self.queue.borrow_mut().push(msg.into());
        }
    }
}

impl Drop for ScanWorker {
    fn drop(&mut self) {
        self.worker.terminate();
    }
}

/// Whether a file starts like a PDF (`%PDF-`).
pub async fn is_pdf(file: &File) -> bool {
    let size = crate::blob::size(file);
    match crate::blob::read_range(file, 0, size.min(5)).await {
        Ok(head) => head == b"%PDF-",
        Err(_) => false,
    }
}
