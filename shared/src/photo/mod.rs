//! A photo of a letter (JPEG or PNG), decoded once to prove it is a whole
//! picture, at most at the resolution a printed A4 page needs. The server
//! wraps the result into a one-page PDF (the letter then travels like any
//! PDF letter); the page only sniffs ([`crate::letter::sniff`]).
//!
//! Work and memory are bounded before decoding starts, whatever the file's
//! header claims ([`cost`] reads headers only):
//! - at most [`MAX_PIXELS`] pixels and [`MAX_SIDE`] on a side;
//! - a JPEG: at most [`MAX_SCANS`] scans and [`MAX_SCAN_WORK`] component
//!   pixels over all scans (a progressive file of a thousand scans is work
//!   without end); a progressive one (whose coefficients are kept whole)
//!   at most [`MAX_PROGRESSIVE_PIXELS`]; it is decoded scaled down in the
//!   DCT domain where the page needs fewer pixels;
//! - a PNG is read a row at a time (an interlaced one, whose passes need
//!   the whole frame, at most [`MAX_INTERLACED_PIXELS`]).
//!
//! What comes out is never larger than the page ([`PAGE_LONG`] ×
//! [`PAGE_SHORT`], 300 dpi inside 10 mm margins): a photo of 50
//! megapixels that compresses to a few hundred kilobytes cannot become a
//! page of 150 MB. A JPEG that fits the page already is kept as it is,
//! less its metadata ([`strip_jpeg_metadata`]: EXIF with GPS position,
//! device serial and thumbnail, XMP, comments). Nothing here trusts a
//! length: every walk reads through checked slices. The `letter_photo`
//! fuzz target runs [`cost`] and [`decode`] on arbitrary bytes.

use crate::letter::LetterKind;

/// The most pixels a photo may have (about 50 megapixels: more than a
/// phone's camera makes by default).
pub const MAX_PIXELS: u64 = 50_000_000;
/// The longest side a photo may have, in pixels.
pub const MAX_SIDE: u32 = 20_000;
/// The most scans a JPEG may have (encoders make 1 to about 12).
pub const MAX_SCANS: u32 = 64;
/// The most component pixels a JPEG's scans may cover together: a
/// baseline colour photo of [`MAX_PIXELS`] covers 150 million once.
pub const MAX_SCAN_WORK: u64 = 600_000_000;
/// The most pixels of a progressive JPEG (its coefficients are held whole:
/// two bytes a pixel and component).
pub const MAX_PROGRESSIVE_PIXELS: u64 = 16_000_000;
/// The most pixels of an interlaced PNG (its passes need the whole frame).
pub const MAX_INTERLACED_PIXELS: u64 = 16_000_000;
/// The page's long side in pixels: 277 mm at 300 dpi.
pub const PAGE_LONG: u32 = 3272;
/// The page's short side in pixels: 190 mm at 300 dpi.
pub const PAGE_SHORT: u32 = 2244;

/// Why a photo cannot become a letter. Its [`code`](Self::code) is the
/// upload's stable refusal reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PhotoError {
    /// The picture cannot be decoded (damaged, cut short, a variant the
    /// decoders do not know, or more work to decode than accepted).
    #[error("the picture cannot be read")]
    Unreadable,
    /// More than [`MAX_PIXELS`] pixels, a side over [`MAX_SIDE`], or a
    /// dimension of zero.
    #[error("the picture is larger than accepted")]
    TooLarge,
}

impl PhotoError {
    /// Stable kebab-case code.
    pub fn code(self) -> &'static str {
        match self {
            PhotoError::Unreadable => "letter-unreadable",
            PhotoError::TooLarge => crate::letter::PHOTO_TOO_LARGE,
        }
    }
}

/// The colours of a decoded photo, 8 bits per component.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhotoColor {
    /// One component.
    Gray,
    /// Three components.
    Rgb,
}

impl PhotoColor {
    /// Bytes per pixel.
    pub fn components(self) -> usize {
        match self {
            PhotoColor::Gray => 1,
            PhotoColor::Rgb => 3,
        }
    }
}

/// The page's pixels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pixels {
    /// A JPEG that fits the page as it is, for a PDF's `DCTDecode` (8-bit
    /// grey or RGB), without its metadata segments: nothing re-encoded.
    Jpeg(Vec<u8>),
    /// Decoded pixels, row by row, in [`Photo::color`], at most the page's
    /// size (a PNG, with any transparency laid over white; a JPEG larger
    /// than the page, or one the PDF cannot carry as it is: 16-bit grey,
    /// CMYK).
    Raw(Vec<u8>),
}

/// A photo ready to be placed on a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Photo {
    /// Width of the stored pixels.
    pub width: u32,
    /// Height of the stored pixels.
    pub height: u32,
    /// Colour of the pixels.
    pub color: PhotoColor,
    /// The pixels.
    pub pixels: Pixels,
    /// Clockwise quarter turns that show the photo upright (a JPEG's EXIF
    /// orientation; phones store portrait photos sideways and say so).
    pub quarter_turns: u8,
}

/// The most bytes decoding `bytes` as a `kind` photo holds at once
/// (besides `bytes` itself), from its headers alone; refuses what
/// [`decode`] would refuse for its size or work without decoding it.
pub fn cost(kind: LetterKind, bytes: &[u8]) -> Result<u64, PhotoError> {
    let (working, w, h) = match kind {
        LetterKind::Jpeg => {
            let j = jpeg_structure(bytes)?;
            let (w, h) = (u64::from(j.width), u64::from(j.height));
            let (sw, sh) = idct_scaled(j.width, j.height);
            let decoded = u64::from(sw) * u64::from(sh) * u64::from(j.components);
            // The decoder's planes beside its output; a progressive file's
            // coefficients (two bytes each), whole.
            let coefficients = if j.progressive {
                blocks(w) * blocks(h) * 128 * u64::from(j.components)
            } else {
                0
            };
            (2 * decoded + coefficients, w, h)
        }
        LetterKind::Png => {
            let p = png_header(bytes)?;
            let (w, h) = (u64::from(p.0), u64::from(p.1));
            let frame = if p.2 { w * h * 4 } else { 0 };
            (4 * w * 8 + frame, w, h)
        }
        _ => return Err(PhotoError::Unreadable),
    };
    // The page (the row being summed, four bytes a component; the
    // result) and what the caller encodes it into.
    let (pw, ph) = page_size(w, h);
    Ok(working + pw * 3 * 4 + pw * ph * 3 * 2)
}

fn blocks(n: u64) -> u64 {
    n.div_ceil(8) + 1
}

/// Decodes a photo of `kind` (PDFs are not photos: `Unreadable`).
pub fn decode(kind: LetterKind, bytes: &[u8]) -> Result<Photo, PhotoError> {
    match kind {
        LetterKind::Jpeg => jpeg(bytes),
        LetterKind::Png => png(bytes),
        _ => Err(PhotoError::Unreadable),
    }
}

fn check_size(width: u64, height: u64) -> Result<(), PhotoError> {
    if width == 0
        || height == 0
        || width.saturating_mul(height) > MAX_PIXELS
        || width.max(height) > u64::from(MAX_SIDE)
    {
        return Err(PhotoError::TooLarge);
    }
    Ok(())
}

/// The size on the page of a `w` × `h` picture: reduced by a whole factor
/// until its long side fits [`PAGE_LONG`] and its short side
/// [`PAGE_SHORT`] (so between 150 and 300 dpi when it was larger).
fn page_size(w: u64, h: u64) -> (u64, u64) {
    let f = factor(w, h);
    (w.div_ceil(f), h.div_ceil(f))
}

fn factor(w: u64, h: u64) -> u64 {
    let (long, short) = (w.max(h), w.min(h));
    long.div_ceil(u64::from(PAGE_LONG))
        .max(short.div_ceil(u64::from(PAGE_SHORT)))
        .max(1)
}

fn fits_page(w: u32, h: u32) -> bool {
    factor(u64::from(w), u64::from(h)) == 1
}

/// The most jpeg-decoder decodes a `w` × `h` JPEG at when asked for the
/// page's size: the smallest of 1/8, 1/4, 1/2 and 1 that is not smaller
/// on both sides (the decoder takes the first that is not smaller on
/// one).
fn idct_scaled(w: u16, h: u16) -> (u16, u16) {
    let (pw, ph) = page_size(u64::from(w), u64::from(h));
    for eighths in [1u32, 2, 4, 8] {
        let sw = (u32::from(w) * eighths).div_ceil(8);
        let sh = (u32::from(h) * eighths).div_ceil(8);
        if u64::from(sw) >= pw && u64::from(sh) >= ph {
            return (sw as u16, sh as u16);
        }
    }
    (w, h)
}

mod decode_jpeg;
mod decode_png;
mod exif;
mod shrink;

pub use decode_jpeg::strip_jpeg_metadata;
use decode_jpeg::{jpeg, jpeg_structure};
use decode_png::{png, png_header};
pub use exif::exif_quarter_turns;
#[cfg(test)]
use shrink::Shrink;

#[cfg(test)]
mod tests;
