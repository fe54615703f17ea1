//! Previews for the desk: one small PNG per series, rendered on the
//! server from an object's first frame with dicom-rs's pixel data support
//! (dicom-pixeldata: native and deflated, RLE Lossless, and the JPEG
//! processes jpeg-decoder reads — baseline, extended 8-bit, lossless).
//! What it cannot decode (JPEG-LS, JPEG 2000, video, …) is an error naming
//! the transfer syntax ([`PreviewError::Undecodable`]), which the desk
//! shows beside a [`placeholder`]. Owns no table; its only files are the
//! cache of rendered previews (`<data_dir>/previews/<upload>/`, 0700/0600),
//! removed with the case ([`forget`]).
//!
//! Bounds: before anything is decoded the header is read and the memory
//! the render takes is costed ([`render::Header::cost`]: the object, a
//! native object's pixel data copied once, one decoded frame, the
//! preview); above [`MAX_RENDER_BYTES`] it is refused
//! ([`PreviewError::TooLarge`]). Only the first frame is decoded. The work
//! runs on [`Previews`]' own threads (never actix's blocking pool, which
//! intake uses), all renders within one byte budget: a render waits for
//! its share at most the wait it was started with, then is refused as
//! busy; a caller waits for a render at most [`RENDER_WAIT`]. A panic in a
//! decoder is caught and becomes [`PreviewError::Broken`].

mod picture;
mod render;
mod series;
mod slim;
#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};
use std::sync::{mpsc, Arc, Mutex};
use std::time::Duration;

use tokio::sync::{oneshot, Semaphore, SemaphorePermit};

pub use picture::fit;
pub use render::Header;
pub use series::{instance_number, series_previews, Member};

const MIB: u64 = 1024 * 1024;
/// The most memory one render may take (see [`Header::cost`]).
pub const MAX_RENDER_BYTES: u64 = 256 * MIB;
/// The memory all renders may hold at once, server-wide.
pub const BUDGET_BYTES: u64 = 512 * MIB;
/// The long side of the desk's previews, in pixels.
pub const SIDE: u32 = 256;
/// How long a caller waits for a render that has its budget.
pub const RENDER_WAIT: Duration = Duration::from_secs(30);

/// A rendered preview: a PNG, 8-bit grey or RGB.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preview {
    /// The PNG file's bytes.
    pub png: Vec<u8>,
    /// Its width in pixels.
    pub width: u32,
    /// Its height in pixels.
    pub height: u32,
}

/// Why an object has no preview; [`code`](Self::code) is stable. No
/// variant carries patient data.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PreviewError {
    /// The pixel data's transfer syntax is one this server cannot decode.
    #[error("cannot decode pixel data in {name}")]
    Undecodable {
        /// The transfer syntax's UID.
        uid: String,
        /// Its name (the UID if unknown).
        name: String,
    },
    /// The object has no image (a report, a PDF, a structure set).
    #[error("the object has no image")]
    NoImage,
    /// Samples or bits this renderer does not show (e.g. 4 samples).
    #[error("the image's pixel format is not supported")]
    Unsupported,
    /// Rendering would take more than [`MAX_RENDER_BYTES`].
    #[error("the image is too large to preview")]
    TooLarge,
    /// The file or its pixel data cannot be read (a decoder's message).
    #[error("cannot read the image: {0}")]
    Broken(String),
    /// The byte budget or the render was not ready in time.
    #[error("previews are busy")]
    Busy,
    /// The render threads have stopped, or the cache failed.
    #[error("preview failed: {0}")]
    Internal(String),
}

impl PreviewError {
    /// Stable kebab-case code.
    pub fn code(&self) -> &'static str {
        match self {
            PreviewError::Undecodable { .. } => "preview-undecodable",
            PreviewError::NoImage => "preview-no-image",
            PreviewError::Unsupported => "preview-unsupported",
            PreviewError::TooLarge => "preview-too-large",
            PreviewError::Broken(_) => "preview-broken",
            PreviewError::Busy => "preview-busy",
            PreviewError::Internal(_) => "preview-internal",
        }
    }

    /// The name of the transfer syntax that could not be decoded, for the
    /// placeholder's caption.
    pub fn transfer_syntax(&self) -> Option<&str> {
        match self {
            PreviewError::Undecodable { name, .. } => Some(name),
            _ => None,
        }
    }
}

/// Renders the first frame of the DICOM file at `path`, at most
/// `max_side` pixels on its long side, now, on this thread: the header is
/// read and costed first; nothing above [`MAX_RENDER_BYTES`] is decoded.
/// Never panics (a decoder's panic becomes [`PreviewError::Broken`]).
pub fn render(path: &Path, max_side: u32) -> Result<Preview, PreviewError> {
    let header = Header::read(path)?;
    let len = file_len(path)?;
    header.cost(len, max_side)?;
    render_header(path, &header, max_side)
}

fn file_len(path: &Path) -> Result<u64, PreviewError> {
    std::fs::metadata(path)
        .map(|m| m.len())
        .map_err(|e| PreviewError::Broken(e.to_string()))
}

fn render_header(path: &Path, header: &Header, max_side: u32) -> Result<Preview, PreviewError> {
    let max_side = max_side.clamp(1, 4096);
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        render::render_checked(path, header, max_side)
    }))
    .unwrap_or_else(|_| Err(PreviewError::Broken("the decoder panicked".into())))
}

/// A neutral picture in place of a preview, `side` pixels square: mid
/// grey with a darker frame and diagonals. The desk writes beside it why
/// (e.g. [`PreviewError::transfer_syntax`]).
pub fn placeholder(side: u32) -> Preview {
    let side = side.clamp(8, 4096);
    let s = side as usize;
    let pixels: Vec<u8> = (0..s * s)
        .map(|i| {
            let (x, y) = (i % s, i / s);
            let edge = x < 2 || y < 2 || x + 2 >= s || y + 2 >= s;
            let diagonal = x.abs_diff(y) < 2 || (x + y).abs_diff(s - 1) < 2;
            if edge || diagonal {
                0x70
            } else {
                0xc8
            }
        })
        .collect();
    picture::encode_png(&pixels, side, side, png::ColorType::Grayscale).unwrap_or(Preview {
        png: Vec::new(),
        width: side,
        height: side,
    })
}

/// The preview cache's folder in the data directory.
pub fn cache_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("previews")
}

/// Whether `upload` may name a file: upload ids are hex.
fn cache_key(upload: &str) -> Option<&str> {
    (!upload.is_empty()
        && upload.len() <= 64
        && upload
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-'))
    .then_some(upload)
}

fn cached_path(cache: &Path, upload: &str, side: u32) -> Option<PathBuf> {
    Some(cache.join(cache_key(upload)?).join(format!("{side}.png")))
}

/// Removes the cached previews of `uploads` (with their case). A missing
/// preview is no error.
pub fn forget<'a>(cache: &Path, uploads: impl IntoIterator<Item = &'a str>) -> std::io::Result<()> {
    for upload in uploads {
        let Some(key) = cache_key(upload) else {
            continue;
        };
        match std::fs::remove_dir_all(cache.join(key)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
    }
    Ok(())
}

type Work = Box<dyn FnOnce() + Send>;

/// The server's preview work: its own threads, one byte budget, a cache.
#[derive(Debug)]
pub struct Previews {
    budget: Semaphore,
    budget_mib: u32,
    wait: Duration,
    work: mpsc::Sender<Work>,
    cache: Option<PathBuf>,
}

impl Previews {
    /// Starts `threads` render threads; at most `budget_bytes` held at
    /// once, waited for at most `wait`; renders kept in `cache` if given.
    pub fn start(
        threads: usize,
        budget_bytes: u64,
        wait: Duration,
        cache: Option<PathBuf>,
    ) -> std::io::Result<Self> {
        let (work, jobs) = mpsc::channel::<Work>();
        let jobs = Arc::new(Mutex::new(jobs));
        for n in 0..threads.max(1) {
            let jobs = Arc::clone(&jobs);
            std::thread::Builder::new()
                .name(format!("previews-{n}"))
                .spawn(move || loop {
                    let job = match jobs.lock() {
                        Ok(jobs) => jobs.recv(),
                        Err(_) => return,
                    };
                    match job {
                        Ok(job) => job(),
                        Err(_) => return,
                    }
                })?;
        }
        let budget_mib = u32::try_from(budget_bytes / MIB).unwrap_or(u32::MAX).max(1);
        Ok(Previews {
            budget: Semaphore::new(budget_mib as usize),
            budget_mib,
            wait,
            work,
            cache,
        })
    }

    async fn reserve(&self, bytes: u64) -> Result<SemaphorePermit<'_>, PreviewError> {
        let mib = u32::try_from(bytes.div_ceil(MIB))
            .unwrap_or(u32::MAX)
            .max(1);
        if mib > self.budget_mib {
            return Err(PreviewError::TooLarge);
        }
        match tokio::time::timeout(self.wait, self.budget.acquire_many(mib)).await {
            Ok(Ok(permit)) => Ok(permit),
            _ => Err(PreviewError::Busy),
        }
    }

    async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, PreviewError> {
        let stopped = || PreviewError::Internal("the preview threads have stopped".into());
        let (tx, rx) = oneshot::channel();
        self.work
            .send(Box::new(move || {
                let _ = tx.send(f());
            }))
            .map_err(|_| stopped())?;
        match tokio::time::timeout(RENDER_WAIT, rx).await {
            Ok(Ok(v)) => Ok(v),
            Ok(Err(_)) => Err(stopped()),
            Err(_) => Err(PreviewError::Busy),
        }
    }

    /// The preview of upload `upload`, the object at `object`, at most
    /// `max_side` pixels on its long side: from the cache, else rendered
    /// on the preview threads (its header within the file's share of the
    /// budget, then the render within its cost) and cached.
    pub async fn preview(
        &self,
        upload: &str,
        object: PathBuf,
        max_side: u32,
    ) -> Result<Preview, PreviewError> {
        let max_side = max_side.clamp(1, 4096);
        let cached = self
            .cache
            .as_deref()
            .and_then(|c| cached_path(c, upload, max_side));
        if let Some(path) = &cached {
            if let Some(hit) = read_cached(path) {
                return Ok(hit);
            }
        }
        let len = file_len(&object)?;
        if len > MAX_RENDER_BYTES {
            return Err(PreviewError::TooLarge);
        }
        let header = {
            let _file = self.reserve(len).await?;
            let path = object.clone();
            self.run(move || Header::read(&path)).await??
        };
        let cost = header.cost(len, max_side)?;
        let _work = self.reserve(cost).await?;
        self.run(move || {
            let preview = render_header(&object, &header, max_side)?;
            if let Some(path) = cached {
                write_cached(&path, &preview.png)?;
            }
            Ok(preview)
        })
        .await?
    }
}

fn read_cached(path: &Path) -> Option<Preview> {
    let png = std::fs::read(path).ok()?;
    let info = png::Decoder::new(std::io::Cursor::new(&png))
        .read_info()
        .ok()?
        .info()
        .size();
    Some(Preview {
        png,
        width: info.0,
        height: info.1,
    })
}

fn write_cached(path: &Path, png: &[u8]) -> Result<(), PreviewError> {
    let err = |e: std::io::Error| PreviewError::Internal(format!("preview cache: {e}"));
    if let Some(dir) = path.parent() {
        crate::durable::create_dir_all(dir).map_err(err)?;
    }
    crate::durable::write_atomic(path, png, 0o600).map_err(err)
}
