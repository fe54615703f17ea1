//! A photo of a letter (JPEG or PNG), decoded once to prove it is a whole
//! picture and to learn what a PDF page around it needs. The server wraps
//! the result into a one-page PDF (the letter then travels like any PDF
//! letter); the page only sniffs ([`crate::letter::sniff`]).
//!
//! Memory is bounded by [`MAX_PIXELS`] before any pixel buffer is
//! allocated, whatever the file's header claims: the decoders read the
//! dimensions first, and both are told the limit. Nothing here trusts a
//! length: the EXIF walk reads through checked slices only. The
//! `letter_photo` fuzz target runs [`decode`] on arbitrary bytes.

use crate::letter::LetterKind;

/// The most pixels a photo may have (about 50 megapixels: more than a
/// phone's camera makes by default). A JPEG's decoded buffer is then at
/// most 150 MB, a PNG's 200 MB.
pub const MAX_PIXELS: u64 = 50_000_000;

/// Why a photo cannot become a letter. Its [`code`](Self::code) is the
/// upload's stable refusal reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PhotoError {
    /// The picture cannot be decoded (damaged, cut short, or a variant the
    /// decoders do not know).
    #[error("the picture cannot be read")]
    Unreadable,
    /// More than [`MAX_PIXELS`] pixels, or a dimension of zero.
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

/// Where the page's pixels come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pixels {
    /// The JPEG as given, for a PDF's `DCTDecode` (8-bit grey or RGB):
    /// nothing re-encoded, nothing lost.
    Original,
    /// Decoded pixels, row by row, in [`Photo::color`] (a PNG, with any
    /// transparency laid over white; or a JPEG the PDF cannot carry as
    /// it is: 16-bit grey, CMYK).
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

/// Decodes a photo of `kind` (PDFs are not photos: `Unreadable`).
pub fn decode(kind: LetterKind, bytes: &[u8]) -> Result<Photo, PhotoError> {
    match kind {
        LetterKind::Jpeg => jpeg(bytes),
        LetterKind::Png => png(bytes),
        _ => Err(PhotoError::Unreadable),
    }
}

fn check_size(width: u64, height: u64) -> Result<(), PhotoError> {
    if width == 0 || height == 0 || width.saturating_mul(height) > MAX_PIXELS {
        return Err(PhotoError::TooLarge);
    }
    Ok(())
}

fn jpeg(bytes: &[u8]) -> Result<Photo, PhotoError> {
    use jpeg_decoder::PixelFormat;
    let mut decoder = jpeg_decoder::Decoder::new(bytes);
    decoder.read_info().map_err(|_| PhotoError::Unreadable)?;
    let info = decoder.info().ok_or(PhotoError::Unreadable)?;
    check_size(u64::from(info.width), u64::from(info.height))?;
    decoder.set_max_decoding_buffer_size(MAX_PIXELS as usize * 4);
    let decoded = decoder.decode().map_err(|_| PhotoError::Unreadable)?;
    let count = usize::from(info.width) * usize::from(info.height);
    let (color, pixels) = match info.pixel_format {
        PixelFormat::L8 => (PhotoColor::Gray, Pixels::Original),
        PixelFormat::RGB24 => (PhotoColor::Rgb, Pixels::Original),
        // Big-endian 16-bit grey: keep the high byte.
        PixelFormat::L16 => (
            PhotoColor::Gray,
            Pixels::Raw(decoded.chunks_exact(2).map(|p| p[0]).collect()),
        ),
        PixelFormat::CMYK32 => (
            PhotoColor::Rgb,
            Pixels::Raw(
                decoded
                    .chunks_exact(4)
                    .flat_map(|p| {
                        let k = u16::from(255 - p[3]);
                        let ink = |c: u8| ((u16::from(255 - c) * k) / 255) as u8;
                        [ink(p[0]), ink(p[1]), ink(p[2])]
                    })
                    .collect(),
            ),
        ),
    };
    if let Pixels::Raw(raw) = &pixels {
        let per = if color == PhotoColor::Gray { 1 } else { 3 };
        if raw.len() != pixels_len(count, per) {
            return Err(PhotoError::Unreadable);
        }
    }
    Ok(Photo {
        width: u32::from(info.width),
        height: u32::from(info.height),
        color,
        pixels,
        quarter_turns: exif_quarter_turns(bytes),
    })
}

fn pixels_len(pixels: usize, per: usize) -> usize {
    pixels.saturating_mul(per)
}

fn png(bytes: &[u8]) -> Result<Photo, PhotoError> {
    let limits = png::Limits {
        bytes: MAX_PIXELS as usize * 4,
    };
    let mut decoder = png::Decoder::new_with_limits(bytes, limits);
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder.read_info().map_err(|e| match e {
        png::DecodingError::LimitsExceeded => PhotoError::TooLarge,
        _ => PhotoError::Unreadable,
    })?;
    let (width, height) = (reader.info().width, reader.info().height);
    check_size(u64::from(width), u64::from(height))?;
    let mut buf = vec![0; reader.output_buffer_size()];
    let frame = reader
        .next_frame(&mut buf)
        .map_err(|_| PhotoError::Unreadable)?;
    buf.truncate(frame.buffer_size());
    let (color, per) = match frame.color_type {
        png::ColorType::Grayscale => (PhotoColor::Gray, 1),
        png::ColorType::GrayscaleAlpha => (PhotoColor::Gray, 2),
        png::ColorType::Rgb => (PhotoColor::Rgb, 3),
        png::ColorType::Rgba => (PhotoColor::Rgb, 4),
        // EXPAND turns a palette into RGB(A).
        png::ColorType::Indexed => return Err(PhotoError::Unreadable),
    };
    let count = width as usize * height as usize;
    if frame.bit_depth != png::BitDepth::Eight || buf.len() != pixels_len(count, per) {
        return Err(PhotoError::Unreadable);
    }
    if per == 2 || per == 4 {
        // Lay transparency over white, in place: pixel i's colour moves
        // from i * per to i * (per - 1), never ahead of what is read.
        let out = per - 1;
        for i in 0..count {
            let alpha = u16::from(buf[i * per + out]);
            for c in 0..out {
                let v = u16::from(buf[i * per + c]);
                buf[i * out + c] = ((v * alpha + 255 * (255 - alpha)) / 255) as u8;
            }
        }
        buf.truncate(count * out);
    }
    Ok(Photo {
        width,
        height,
        color,
        pixels: Pixels::Raw(buf),
        quarter_turns: 0,
    })
}

/// Clockwise quarter turns from a JPEG's EXIF orientation (tag 0x0112 in
/// IFD0 of the first `APP1` "Exif" segment); 0 when there is none or it
/// cannot be read. Mirrored orientations are shown turned, not mirrored.
pub fn exif_quarter_turns(jpeg: &[u8]) -> u8 {
    match exif_orientation(jpeg) {
        Some(3 | 4) => 2,
        Some(5 | 6) => 1,
        Some(7 | 8) => 3,
        _ => 0,
    }
}

fn exif_orientation(jpeg: &[u8]) -> Option<u16> {
    if jpeg.get(..2)? != [0xFF, 0xD8] {
        return None;
    }
    let mut at = 2;
    loop {
        let marker = jpeg.get(at..at + 4)?;
        if marker[0] != 0xFF {
            return None;
        }
        // Start of scan: no more metadata before the image data.
        if marker[1] == 0xDA {
            return None;
        }
        let len = usize::from(u16::from_be_bytes([marker[2], marker[3]]));
        let body = jpeg.get(at + 4..(at + 2).checked_add(len)?)?;
        if marker[1] == 0xE1 {
            if let Some(tiff) = body.strip_prefix(b"Exif\0\0") {
                return tiff_orientation(tiff);
            }
        }
        at += 2 + len;
    }
}

fn tiff_orientation(tiff: &[u8]) -> Option<u16> {
    let big = match tiff.get(..2)? {
        b"MM" => true,
        b"II" => false,
        _ => return None,
    };
    let u16_at = |at: usize| -> Option<u16> {
        let b: [u8; 2] = tiff.get(at..at.checked_add(2)?)?.try_into().ok()?;
        Some(if big {
            u16::from_be_bytes(b)
        } else {
            u16::from_le_bytes(b)
        })
    };
    let u32_at = |at: usize| -> Option<u32> {
        let b: [u8; 4] = tiff.get(at..at.checked_add(4)?)?.try_into().ok()?;
        Some(if big {
            u32::from_be_bytes(b)
        } else {
            u32::from_le_bytes(b)
        })
    };
    if u16_at(2)? != 42 {
        return None;
    }
    let ifd = usize::try_from(u32_at(4)?).ok()?;
    let entries = u16_at(ifd)?;
    for n in 0..usize::from(entries) {
        let entry = ifd.checked_add(2 + n * 12)?;
        // Tag 0x0112, type SHORT (3), count 1: the value in the first two
        // bytes of the value field.
        if u16_at(entry)? == 0x0112 && u16_at(entry + 2)? == 3 {
            return u16_at(entry + 8);
        }
    }
    None
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// SOI, an APP1 Exif segment with `orientation` in byte order `order`,
    /// and SOS.
    fn exif_jpeg(order: &[u8; 2], orientation: u16) -> Vec<u8> {
        let big = order == b"MM";
        let w16 = |v: u16| {
            if big {
                v.to_be_bytes()
            } else {
                v.to_le_bytes()
            }
        };
        let w32 = |v: u32| {
            if big {
                v.to_be_bytes()
            } else {
                v.to_le_bytes()
            }
        };
        let mut tiff = order.to_vec();
        tiff.extend(w16(42));
        tiff.extend(w32(8));
        tiff.extend(w16(2));
        // An unrelated tag first (ImageWidth, LONG).
        tiff.extend(w16(0x0100));
        tiff.extend(w16(4));
        tiff.extend(w32(1));
        tiff.extend(w32(640));
        tiff.extend(w16(0x0112));
        tiff.extend(w16(3));
        tiff.extend(w32(1));
        tiff.extend(w16(orientation));
        tiff.extend([0, 0]);
        let mut body = b"Exif\0\0".to_vec();
        body.extend(tiff);
        let mut out = vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 4, 0, 0, 0xFF, 0xE1];
        out.extend(((body.len() + 2) as u16).to_be_bytes());
        out.extend(body);
        out.extend([0xFF, 0xDA, 0, 2]);
        out
    }

    #[test]
    fn exif_orientation_in_either_byte_order() {
        for order in [b"II", b"MM"] {
            assert_eq!(exif_quarter_turns(&exif_jpeg(order, 1)), 0);
            assert_eq!(exif_quarter_turns(&exif_jpeg(order, 6)), 1);
            assert_eq!(exif_quarter_turns(&exif_jpeg(order, 3)), 2);
            assert_eq!(exif_quarter_turns(&exif_jpeg(order, 8)), 3);
        }
    }

    #[test]
    fn a_cut_exif_segment_means_no_orientation() {
        let whole = exif_jpeg(b"II", 6);
        for cut in 0..whole.len() - 4 {
            assert_eq!(exif_quarter_turns(&whole[..cut]), 0, "cut at {cut}");
        }
        // A segment length that points past the end.
        let mut long = whole.clone();
        long[13] = 0xFF;
        assert_eq!(exif_quarter_turns(&long), 0);
    }

    #[test]
    fn garbage_is_unreadable_not_a_panic() {
        for kind in [LetterKind::Jpeg, LetterKind::Png] {
            assert_eq!(decode(kind, b""), Err(PhotoError::Unreadable));
            assert_eq!(decode(kind, &[0xFF; 64]), Err(PhotoError::Unreadable));
        }
        assert_eq!(
            decode(LetterKind::Pdf, b"%PDF-1.7"),
            Err(PhotoError::Unreadable)
        );
    }
}
