//! Reading `Blob`s (and `File`s, which are blobs) without loading them
//! whole: a synchronous `Read + Seek` over `FileReaderSync` for the scan
//! worker, and an async range read for the page.

use std::io::{self, Read, Seek, SeekFrom};

use js_sys::{Array, Uint8Array};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, FileReaderSync};

/// Bytes fetched by the first read of a blob: enough for the header of
/// almost every DICOM file, and blobs this small are read whole in one call
/// (`slice()` costs about as much as reading a small file).
pub const FIRST: u64 = 64 * 1024;
/// Bytes fetched per later read, when a header is longer or a whole file
/// is read (ZIP members, DICOMDIR).
pub const CHUNK: u64 = 256 * 1024;
/// Bytes read after a seek past the bytes at hand.
const AFTER_JUMP: u64 = 16 * 1024;

/// A blob's size in bytes.
pub fn size(blob: &Blob) -> u64 {
    // `size` is a JS number holding a whole byte count.
    blob.size() as u64
}

/// `blob[start..end]` as a blob (no bytes are copied); the blob itself when
/// that is all of it (`slice()` costs about as much as reading a small
/// file).
pub fn slice(blob: &Blob, start: u64, end: u64) -> Result<Blob, io::Error> {
    if start == 0 && end >= size(blob) {
        return Ok(blob.clone());
    }
    blob.slice_with_f64_and_f64(start as f64, end as f64)
        .map_err(|_| io::Error::other("cannot slice the file"))
}

/// Reads `blob[start..end]` into Wasm memory (async; page and workers).
pub async fn read_range(blob: &Blob, start: u64, end: u64) -> Result<Vec<u8>, io::Error> {
    Ok(read_range_js(blob, start, end).await?.to_vec())
}

/// Reads `blob[start..end]`, leaving the bytes with the browser (for
/// WebCrypto and `fetch`, which would otherwise copy them back out).
pub async fn read_range_js(blob: &Blob, start: u64, end: u64) -> Result<Uint8Array, io::Error> {
    let part = slice(blob, start, end)?;
    let buf = JsFuture::from(part.array_buffer())
        .await
        .map_err(|_| io::Error::other("the file can no longer be read"))?;
    Ok(Uint8Array::new(&buf))
}

/// Starts reading a blob's first [`FIRST`] bytes (all of a small file) in
/// the background: the browser reads several files at once while the
/// worker checks the one before (`worker::scan`).
pub fn read_head(blob: &Blob) -> impl std::future::Future<Output = Result<Vec<u8>, io::Error>> {
    let started = slice(blob, 0, FIRST).map(|part| JsFuture::from(part.array_buffer()));
    async move {
        let buf = started?
            .await
            .map_err(|_| io::Error::other("the file can no longer be read"))?;
        Ok(Uint8Array::new(&buf).to_vec())
    }
}

/// The first `n` bytes of `blob` (all of it, if shorter), read with
/// `slice`: dearer than [`read_small`] for a small file (Chromium asks the
/// browser process for the file's size), but it reads only the head of a
/// large one, where [`read_small`] has read all of a file of a few hundred
/// kilobytes before its first progress report.
pub async fn read_first(blob: &Blob, n: u64) -> Result<Uint8Array, io::Error> {
    let part = blob
        .slice_with_f64_and_f64(0.0, n as f64)
        .map_err(|_| io::Error::other("cannot slice the file"))?;
    let buf = JsFuture::from(part.array_buffer())
        .await
        .map_err(|_| io::Error::other("the file can no longer be read"))?;
    Ok(Uint8Array::new(&buf))
}

/// The whole of `blob`, unless it turns out to hold more than `limit`
/// bytes (then `None`, having read little of it). Read with a
/// `FileReader` that is aborted at its first progress report of a larger
/// size: unlike `size` or `slice`, and unlike cloning the file into a
/// message, that does not make Chromium ask the browser process for the
/// file's size while the page waits (about 0.3 ms a file, seconds for a
/// CD of small files); and once read, the file's size is known, so
/// handing it to the worker afterwards is cheap too.
pub async fn read_small(blob: &Blob, limit: u32) -> Result<Option<Uint8Array>, io::Error> {
    use std::cell::{Cell, RefCell};
    use std::rc::Rc;
    use wasm_bindgen::closure::Closure;
    let unreadable = || io::Error::other("the file can no longer be read");
    let reader = web_sys::FileReader::new().map_err(|_| unreadable())?;
    // One handler for `progress` and `loadend` (which follows `load`,
    // `error` and `abort` alike), and a channel rather than a promise: the
    // page reads thousands of small files one after the other on its own
    // thread, and every closure and promise per file is paid for there.
    //
    // The handler must be re-entrant: `abort()` inside it fires `abort` and
    // `loadend` synchronously, calling it again before it returns. So it is
    // an `Fn` (wasm-bindgen refuses to re-enter an `FnMut`), its state is
    // in cells, and no borrow is held across `abort()`.
    let (done, outcome) = futures::channel::oneshot::channel::<()>();
    let done = RefCell::new(Some(done));
    let too_large = Rc::new(Cell::new(false));
    let (r, large) = (reader.clone(), too_large.clone());
    let on_event =
        Closure::<dyn Fn(web_sys::ProgressEvent)>::new(move |e: web_sys::ProgressEvent| {
            if e.type_() == "progress" {
                if e.length_computable() && e.total() > f64::from(limit) && !large.replace(true) {
                    r.abort();
                }
            } else {
                let sender = done.borrow_mut().take();
                if let Some(sender) = sender {
                    let _ = sender.send(());
                }
            }
        });
    reader.set_onprogress(Some(on_event.as_ref().unchecked_ref()));
    reader.set_onloadend(Some(on_event.as_ref().unchecked_ref()));
    reader
        .read_as_array_buffer(blob)
        .map_err(|_| unreadable())?;
    let ended = outcome.await;
    // The handlers (and with them the closure) are done with.
    reader.set_onprogress(None);
    reader.set_onloadend(None);
    ended.map_err(|_| unreadable())?;
    if too_large.get() {
        return Ok(None);
    }
    // `result` is the bytes after `load`, `null` after `error`.
    let buf: js_sys::ArrayBuffer = reader
        .result()
        .map_err(|_| unreadable())?
        .dyn_into()
        .map_err(|_| unreadable())?;
    Ok(Some(Uint8Array::new(&buf)))
}

/// A blob built from byte pieces, kept by the browser (in memory or on
/// disk) rather than in Wasm memory.
pub fn from_parts(parts: &Array) -> Result<Blob, io::Error> {
    Blob::new_with_u8_array_sequence(parts).map_err(|_| io::Error::other("cannot build a blob"))
}

/// Synchronous `Read + Seek` over a blob, for the scan worker
/// (`FileReaderSync` exists only in workers). Keeps one chunk cached.
#[derive(Debug)]
pub struct BlobReader {
    /// `None` when all the bytes are at hand ([`BlobReader::from_bytes`]).
    blob: Option<Blob>,
    /// Made by the first read that needs the blob (most small files never
    /// do).
    reader: Option<FileReaderSync>,
    len: u64,
    pos: u64,
    buf: Vec<u8>,
    buf_start: u64,
    /// The last seek left the bytes at hand: the rules passed over a value
    /// (pixel data, a fragment) and want the next header, not a chunk.
    jumped: bool,
}

impl BlobReader {
    /// A reader over `len` bytes of `blob`, whose first bytes `head` are at
    /// hand (all of them when there is no blob).
    fn at_hand(blob: Option<Blob>, len: u64, head: Vec<u8>) -> Self {
        BlobReader {
            blob,
            reader: None,
            len,
            pos: 0,
            buf: head,
            buf_start: 0,
            jumped: false,
        }
    }

    /// Opens `blob` and reads its first chunk, so an unreadable file fails
    /// here rather than in the middle of parsing.
    pub fn open(blob: &Blob) -> Result<Self, io::Error> {
        let mut r = Self::at_hand(Some(blob.clone()), size(blob), Vec::new());
        if r.len > 0 {
            r.fill(0, FIRST)?;
        }
        Ok(r)
    }

    /// A reader whose first chunk (`head`, the blob's first bytes, as
    /// [`read_head`] fetched them) is already at hand.
    pub fn with_head(blob: &Blob, head: Vec<u8>) -> Self {
        Self::at_hand(Some(blob.clone()), size(blob), head)
    }

    /// A reader over a whole file the page has read already
    /// ([`read_small`]).
    pub fn from_bytes(bytes: Vec<u8>) -> Self {
        let len = bytes.len() as u64;
        Self::at_hand(None, len, bytes)
    }

    /// The blob's size.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether the blob is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn fill(&mut self, at: u64, want: u64) -> Result<(), io::Error> {
        let end = (at + want).min(self.len);
        let blob = self
            .blob
            .as_ref()
            .ok_or_else(|| io::Error::other("read beyond the bytes at hand"))?;
        let part = slice(blob, at, end)?;
        if self.reader.is_none() {
            let made = FileReaderSync::new().map_err(|_| io::Error::other("no FileReaderSync"))?;
            self.reader = Some(made);
        }
        let buf = self
            .reader
            .as_ref()
            .ok_or_else(|| io::Error::other("no FileReaderSync"))?
            .read_as_array_buffer(&part)
            .map_err(|_| io::Error::other("the file can no longer be read"))?;
        self.buf = Uint8Array::new(&buf).to_vec();
        self.buf_start = at;
        Ok(())
    }
}

impl Read for BlobReader {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if self.pos >= self.len || out.is_empty() {
            return Ok(0);
        }
        let cached = self.buf_start..self.buf_start + self.buf.len() as u64;
        if !cached.contains(&self.pos) {
            // After a jump, a small read: the rules look at a header and
            // may jump again (a fragment of every frame of a multi-frame
            // image); reading on in order, whole chunks.
            let want = if self.jumped { AFTER_JUMP } else { CHUNK };
            self.fill(self.pos, want)?;
            self.jumped = false;
        }
        let from = usize::try_from(self.pos - self.buf_start).map_err(io::Error::other)?;
        let n = out.len().min(self.buf.len() - from);
        out[..n].copy_from_slice(&self.buf[from..from + n]);
        self.pos += n as u64;
        Ok(n)
    }
}

impl Seek for BlobReader {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let target = match to {
            SeekFrom::Start(n) => Some(n),
            SeekFrom::End(d) => self.len.checked_add_signed(d),
            SeekFrom::Current(d) => self.pos.checked_add_signed(d),
        };
        self.pos = target.ok_or_else(|| io::Error::other("seek before the start"))?;
        let cached = self.buf_start..self.buf_start + self.buf.len() as u64;
        self.jumped = !cached.contains(&self.pos);
        Ok(self.pos)
    }
}

/// A `Blob` from bytes (tests and small generated files).
pub fn from_bytes(bytes: &[u8]) -> Result<Blob, io::Error> {
    let parts = Array::new();
    parts.push(&Uint8Array::from(bytes));
    from_parts(&parts)
}

/// The global scope's `crypto` (window or worker).
pub fn crypto() -> Option<web_sys::Crypto> {
    js_sys::Reflect::get(&js_sys::global(), &"crypto".into())
        .ok()?
        .dyn_into()
        .ok()
}

/// `n` random bytes from the browser's CSPRNG.
pub fn random<const N: usize>() -> Result<[u8; N], io::Error> {
    let mut out = [0u8; N];
    crypto()
        .ok_or_else(|| io::Error::other("no crypto"))?
        .get_random_values_with_u8_array(&mut out)
        .map_err(|_| io::Error::other("no random numbers"))?;
    Ok(out)
}
