//! A photo of a letter (JPEG, PNG) on one A4 page of PDF, so that it
//! travels on like every PDF letter (an Encapsulated PDF in the study, a
//! file in the inbox). Decoding and its bounds are in
//! [`mailslot_shared::photo`]; here the picture is placed (upright by its
//! EXIF orientation, as large as fits with 10 mm margins, portrait or
//! landscape as the picture is) and the work is scheduled.
//!
//! The page is small by construction: a JPEG that fits the page is
//! embedded as it is (`DCTDecode`, less its metadata), anything else is
//! reduced to the page's 300 dpi and encoded as a JPEG — never more than
//! about [`PAGE_BYTES`].
//!
//! [`Photos`] runs the work off the request: on its own thread, within one
//! byte budget ([`BUDGET_BYTES`]) that covers the file read, the decoder's
//! buffers and the page. A request waiting for the budget holds nothing
//! but its connection (no body place, no blocking thread) and gives up
//! after the wait it was started with (the server's: 5 s; then
//! `rate-limited`, and the sender sends the last part again).

use std::path::PathBuf;
use std::sync::mpsc;
use std::time::Duration;

use mailslot_shared::letter::{LetterKind, MAX_PHOTO_BYTES};
use mailslot_shared::photo::{self, Photo, PhotoColor, PhotoError, Pixels, PAGE_LONG, PAGE_SHORT};
use printpdf::{
    ColorBits, ColorSpace, Image, ImageFilter, ImageRotation, ImageTransform, ImageXObject, Mm,
    PdfDocument, Px,
};
use tokio::sync::{oneshot, Semaphore, SemaphorePermit};

/// The memory all photo work may hold at once, server-wide: room for two
/// of the largest accepted photos at a time.
pub const BUDGET_BYTES: u64 = 512 * MIB;
/// The most a page made from a photo takes (a 300 dpi colour page, as
/// JPEG at most its raw size, and the PDF around it).
pub const PAGE_BYTES: u64 = PAGE_LONG as u64 * PAGE_SHORT as u64 * 3 + 64 * 1024;
const MIB: u64 = 1024 * 1024;
/// JPEG quality of a reduced page (a letter's text stays sharp).
const QUALITY: u8 = 88;

/// Why a photo did not become a page; [`code`](Self::code) is the
/// upload's refusal reason.
#[derive(Debug, thiserror::Error)]
pub enum PhotoPageError {
    /// The picture itself is refused.
    #[error(transparent)]
    Photo(#[from] PhotoError),
    /// The file is larger than [`MAX_PHOTO_BYTES`] (it is read whole).
    #[error("the photo file is larger than accepted")]
    FileTooLarge,
    /// The budget was not free in time: the request is refused as busy and
    /// the sender tries again.
    #[error("photo work is busy")]
    Busy,
    /// Reading the file or making the PDF failed (an internal error).
    #[error("cannot make the page: {0}")]
    Pdf(String),
}

impl PhotoPageError {
    /// Stable kebab-case code.
    pub fn code(&self) -> &'static str {
        match self {
            PhotoPageError::Photo(e) => e.code(),
            PhotoPageError::FileTooLarge => PhotoError::TooLarge.code(),
            PhotoPageError::Busy => "photo-busy",
            PhotoPageError::Pdf(_) => "photo-page-failed",
        }
    }

    /// Whether the photo itself is refused (a verdict), rather than the
    /// work failing.
    pub fn is_refusal(&self) -> bool {
        matches!(
            self,
            PhotoPageError::Photo(_) | PhotoPageError::FileTooLarge
        )
    }
}

type Work = Box<dyn FnOnce() + Send>;

/// The photo work of the server: one thread, one byte budget.
#[derive(Debug)]
pub struct Photos {
    /// The budget in MiB.
    budget: Semaphore,
    budget_mib: u32,
    /// How long a page waits for its budget.
    wait: Duration,
    work: mpsc::Sender<Work>,
}

impl Photos {
    /// Starts the thread; at most `budget_bytes` held at once, waited for
    /// at most `wait`.
    pub fn start(budget_bytes: u64, wait: Duration) -> std::io::Result<Self> {
        let (work, jobs) = mpsc::channel::<Work>();
        std::thread::Builder::new()
            .name("photos".into())
            .spawn(move || {
                while let Ok(job) = jobs.recv() {
                    job();
                }
            })?;
        let budget_mib = u32::try_from(budget_bytes / MIB).unwrap_or(u32::MAX);
        Ok(Photos {
            budget: Semaphore::new(budget_mib as usize),
            budget_mib,
            wait,
            work,
        })
    }

    async fn reserve(&self, bytes: u64) -> Result<SemaphorePermit<'_>, PhotoPageError> {
        let mib = u32::try_from(bytes.div_ceil(MIB))
            .unwrap_or(u32::MAX)
            .max(1);
        if mib > self.budget_mib {
            return Err(PhotoError::TooLarge.into());
        }
        let waited = tokio::time::timeout(self.wait, self.budget.acquire_many(mib)).await;
        match waited {
            Ok(Ok(permit)) => Ok(permit),
            _ => Err(PhotoPageError::Busy),
        }
    }

    async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, PhotoPageError> {
        let (tx, rx) = oneshot::channel();
        self.work
            .send(Box::new(move || {
                let _ = tx.send(f());
            }))
            .map_err(|_| PhotoPageError::Pdf("the photo thread has stopped".into()))?;
        rx.await
            .map_err(|_| PhotoPageError::Pdf("the photo thread has stopped".into()))
    }

    /// The one-page PDF of the `kind` photo in file `path` (`len` bytes):
    /// the file's bytes are reserved and read, then what its headers say
    /// decoding takes, then it is decoded and placed.
    pub async fn page(
        &self,
        kind: LetterKind,
        path: PathBuf,
        len: u64,
    ) -> Result<Vec<u8>, PhotoPageError> {
        if len > MAX_PHOTO_BYTES {
            return Err(PhotoPageError::FileTooLarge);
        }
        let _file = self.reserve(len).await?;
        let (bytes, cost) = self
            .run(move || {
                let bytes = std::fs::read(path).map_err(|e| PhotoPageError::Pdf(e.to_string()))?;
                if bytes.len() as u64 > MAX_PHOTO_BYTES {
                    return Err(PhotoPageError::FileTooLarge);
                }
                let cost = photo::cost(kind, &bytes)?;
                Ok((bytes, cost))
            })
            .await??;
        let _work = self.reserve(cost + PAGE_BYTES).await?;
        self.run(move || photo_pdf(kind, &bytes)).await?
    }
}

/// A4 in millimetres, and the margin kept free around the picture.
const A4: (f32, f32) = (210.0, 297.0);
const MARGIN: f32 = 10.0;

/// The one-page PDF showing the photo in `bytes` (a `kind` JPEG or PNG),
/// decoded and placed now, on this thread (see [`Photos`] for the
/// budget).
pub fn photo_pdf(kind: LetterKind, bytes: &[u8]) -> Result<Vec<u8>, PhotoPageError> {
    if bytes.len() as u64 > MAX_PHOTO_BYTES {
        return Err(PhotoPageError::FileTooLarge);
    }
    let photo = photo::decode(kind, bytes)?;
    place(photo)
}

/// `raw` pixels as a baseline JPEG.
fn encode_jpeg(
    raw: &[u8],
    width: u32,
    height: u32,
    color: PhotoColor,
) -> Result<Vec<u8>, PhotoPageError> {
    let err = |e: jpeg_encoder::EncodingError| PhotoPageError::Pdf(e.to_string());
    let (w, h) = (
        u16::try_from(width).map_err(|_| PhotoPageError::Pdf("width".into()))?,
        u16::try_from(height).map_err(|_| PhotoPageError::Pdf("height".into()))?,
    );
    let mut out = Vec::new();
    let encoder = jpeg_encoder::Encoder::new(&mut out, QUALITY);
    let color = match color {
        PhotoColor::Gray => jpeg_encoder::ColorType::Luma,
        PhotoColor::Rgb => jpeg_encoder::ColorType::Rgb,
    };
    encoder.encode(raw, w, h, color).map_err(err)?;
    Ok(out)
}

fn place(photo: Photo) -> Result<Vec<u8>, PhotoPageError> {
    let err = |e: printpdf::Error| PhotoPageError::Pdf(e.to_string());
    let turned = photo.quarter_turns % 2 == 1;
    // Width and height as shown, in pixels.
    let (shown_w, shown_h) = if turned {
        (photo.height, photo.width)
    } else {
        (photo.width, photo.height)
    };
    let (page_w, page_h) = if shown_w > shown_h { (A4.1, A4.0) } else { A4 };
    // Pixels per inch that make the shown picture fit inside the margins.
    let inch = |mm: f32| (mm - 2.0 * MARGIN) / 25.4;
    let dpi = (shown_w as f32 / inch(page_w)).max(shown_h as f32 / inch(page_h));
    let jpeg = match photo.pixels {
        Pixels::Jpeg(jpeg) => jpeg,
        Pixels::Raw(raw) => encode_jpeg(&raw, photo.width, photo.height, photo.color)?,
    };
    let (doc, page, layer) = PdfDocument::new("Brief / Letter", Mm(page_w), Mm(page_h), "photo");
    let layer = doc.get_page(page).get_layer(layer);
    let image = ImageXObject {
        width: Px(photo.width as usize),
        height: Px(photo.height as usize),
        color_space: match photo.color {
            PhotoColor::Gray => ColorSpace::Greyscale,
            PhotoColor::Rgb => ColorSpace::Rgb,
        },
        bits_per_component: ColorBits::Bit8,
        interpolate: true,
        image_data: jpeg,
        image_filter: Some(ImageFilter::DCT),
        smask: None,
        clipping_bbox: None,
    };
    // The stored picture's size on the page; it is turned about its own
    // centre, then that centre is moved to the page's centre.
    let to_mm = |px: u32| px as f32 / dpi * 25.4;
    let (w, h) = (to_mm(photo.width), to_mm(photo.height));
    Image::from(image).add_to_layer(
        layer,
        ImageTransform {
            translate_x: Some(Mm((page_w - w) / 2.0)),
            translate_y: Some(Mm((page_h - h) / 2.0)),
            rotate: (!photo.quarter_turns.is_multiple_of(4)).then(|| ImageRotation {
                angle_ccw_degrees: -90.0 * f32::from(photo.quarter_turns % 4),
                rotation_center_x: Px(photo.width as usize / 2),
                rotation_center_y: Px(photo.height as usize / 2),
            }),
            scale_x: None,
            scale_y: None,
            dpi: Some(dpi),
        },
    );
    doc.save_to_bytes().map_err(err)
}

/// Test pictures: a JPEG or PNG whose left half is black and right half
/// white, optionally with an EXIF orientation.
#[cfg(any(test, feature = "test-pictures"))]
#[allow(clippy::unwrap_used)]
pub mod pictures {
    /// Grey pixels, `w`×`h`, black left of the middle.
    fn halves(w: u16, h: u16) -> Vec<u8> {
        (0..h)
            .flat_map(|_| (0..w).map(move |x| if x < w / 2 { 0 } else { 255 }))
            .collect()
    }

    /// A JPEG, with EXIF orientation `orientation` if given.
    pub fn jpeg(w: u16, h: u16, orientation: Option<u16>) -> Vec<u8> {
        let mut out = Vec::new();
        let mut enc = jpeg_encoder::Encoder::new(&mut out, 90);
        if let Some(o) = orientation {
            // TIFF, little-endian, IFD0 with one entry: Orientation.
            let mut exif = b"Exif\0\0II\x2a\0\x08\0\0\0\x01\0\x12\x01\x03\0\x01\0\0\0".to_vec();
            exif.extend(o.to_le_bytes());
            exif.extend([0, 0, 0, 0, 0, 0]);
            enc.add_app_segment(1, &exif).unwrap();
        }
        enc.encode(&halves(w, h), w, h, jpeg_encoder::ColorType::Luma)
            .unwrap();
        out
    }

    /// A PNG with an alpha channel (fully opaque).
    pub fn png(w: u16, h: u16) -> Vec<u8> {
        let mut out = Vec::new();
        let mut enc = png::Encoder::new(&mut out, u32::from(w), u32::from(h));
        enc.set_color(png::ColorType::GrayscaleAlpha);
        enc.set_depth(png::BitDepth::Eight);
        let pixels: Vec<u8> = halves(w, h).into_iter().flat_map(|v| [v, 255]).collect();
        enc.write_header()
            .unwrap()
            .write_image_data(&pixels)
            .unwrap();
        out
    }

    /// A progressive grey JPEG of `w`×`h` whose last scan is repeated
    /// until it has `scans` (a decoder does the work of every one).
    pub fn scan_bomb(w: u16, h: u16, scans: usize) -> Vec<u8> {
        let mut base = Vec::new();
        let mut enc = jpeg_encoder::Encoder::new(&mut base, 90);
        enc.set_progressive(true);
        enc.set_progressive_scans(2);
        enc.encode(&halves(w, h), w, h, jpeg_encoder::ColorType::Luma)
            .unwrap();
        let sos: Vec<usize> = (0..base.len() - 1)
            .filter(|&i| base[i] == 0xFF && base[i + 1] == 0xDA)
            .collect();
        let (last, eoi) = (*sos.last().unwrap(), base.len() - 2);
        let mut out = base[..eoi].to_vec();
        for _ in sos.len()..scans {
            out.extend_from_slice(&base[last..eoi]);
        }
        out.extend_from_slice(&base[eoi..]);
        out
    }

    /// A grey PNG of `w`×`h` pixels of a fine checkerboard: it compresses
    /// to a few hundred kilobytes at 50 megapixels.
    pub fn compressible_png(w: u32, h: u32) -> Vec<u8> {
        let mut out = Vec::new();
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(png::ColorType::Grayscale);
        enc.set_depth(png::BitDepth::Eight);
        enc.set_compression(png::Compression::Best);
        let mut header = enc.write_header().unwrap();
        let mut writer = header.stream_writer().unwrap();
        let even: Vec<u8> = (0..w).map(|x| if x % 2 == 0 { 0 } else { 255 }).collect();
        let odd: Vec<u8> = even.iter().map(|v| 255 - v).collect();
        for y in 0..h {
            let row = if y % 2 == 0 { &even } else { &odd };
            std::io::Write::write_all(&mut writer, row).unwrap();
        }
        writer.finish().unwrap();
        drop(header);
        out
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn media_box(pdf: &[u8]) -> String {
        let text = String::from_utf8_lossy(pdf);
        let at = text.find("/MediaBox").unwrap();
        text[at..at + 40].split(']').next().unwrap().to_owned()
    }

    #[test]
    fn a_jpeg_is_embedded_as_it_is_on_a_page_of_its_orientation() {
        let landscape = pictures::jpeg(200, 100, None);
        let pdf = photo_pdf(LetterKind::Jpeg, &landscape).unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        assert!(pdf.windows(9).any(|w| w == b"DCTDecode"));
        assert!(pdf.windows(landscape.len()).any(|w| w == &landscape[..]));
        assert!(media_box(&pdf).contains("841.8"), "{}", media_box(&pdf));
        // Stored sideways, shown upright: a portrait page.
        let turned = pictures::jpeg(200, 100, Some(6));
        let pdf = photo_pdf(LetterKind::Jpeg, &turned).unwrap();
        assert!(media_box(&pdf).contains("595.2"), "{}", media_box(&pdf));
        assert!(!media_box(&pdf).contains("0 841.8"), "{}", media_box(&pdf));
        // The EXIF segment did not come along.
        assert!(!pdf.windows(4).any(|w| w == b"Exif"));
    }

    #[test]
    fn a_png_with_alpha_becomes_a_page() {
        let pdf = photo_pdf(LetterKind::Png, &pictures::png(100, 140)).unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        assert!(pdf.windows(9).any(|w| w == b"DCTDecode"));
    }

    /// Regression (issue 26, H1): a 50-megapixel PNG of a pattern that
    /// compresses well became a PDF of 150 MB.
    #[test]
    fn a_compressible_png_of_fifty_megapixels_becomes_a_small_page() {
        let png = pictures::compressible_png(10_000, 5_000);
        assert!(png.len() < 1024 * 1024, "{}", png.len());
        let pdf = photo_pdf(LetterKind::Png, &png).unwrap();
        assert!(pdf.len() as u64 <= PAGE_BYTES, "{}", pdf.len());
    }

    #[test]
    fn a_cut_photo_is_unreadable() {
        let whole = pictures::png(100, 140);
        let err = photo_pdf(LetterKind::Png, &whole[..whole.len() / 2]).unwrap_err();
        assert_eq!(err.code(), "letter-unreadable");
    }

    #[test]
    fn a_photo_too_large_to_read_whole_is_refused_before_decoding() {
        let big = vec![0u8; MAX_PHOTO_BYTES as usize + 1];
        let err = photo_pdf(LetterKind::Jpeg, &big).unwrap_err();
        assert_eq!(err.code(), "letter-too-large");
    }

    #[actix_web::test]
    async fn the_budget_is_waited_for_only_so_long_and_comes_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.png");
        std::fs::write(&path, pictures::png(100, 140)).unwrap();
        let photos = Photos::start(64 * MIB, Duration::from_millis(300)).unwrap();
        let len = std::fs::metadata(&path).unwrap().len();
        // All of the budget held elsewhere: the page waits, then is busy.
        let held = photos.budget.try_acquire_many(64).unwrap();
        let err = photos
            .page(LetterKind::Png, path.clone(), len)
            .await
            .unwrap_err();
        assert!(matches!(err, PhotoPageError::Busy), "{err}");
        drop(held);
        let pdf = photos.page(LetterKind::Png, path, len).await.unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        assert_eq!(photos.budget.available_permits(), 64);
    }
}
