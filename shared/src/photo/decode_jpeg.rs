//! A JPEG: its structure walked before decoding, decoded scaled towards
//! the page, or kept as it is less its metadata.

use super::exif::{exif_quarter_turns, walk_segments};
use super::shrink::Shrink;
use super::{
    check_size, fits_page, page_size, Photo, PhotoColor, PhotoError, Pixels, MAX_PIXELS,
    MAX_PROGRESSIVE_PIXELS, MAX_SCANS, MAX_SCAN_WORK,
};

/// What a JPEG's markers say, read without decoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct JpegStructure {
    pub(super) width: u16,
    pub(super) height: u16,
    pub(super) components: u8,
    pub(super) progressive: bool,
    pub(super) scans: u32,
}

/// Walks a JPEG's segments and entropy-coded data to its end (or `EOI`):
/// one frame, its size within bounds, at least one and at most
/// [`MAX_SCANS`] scans covering at most [`MAX_SCAN_WORK`] component
/// pixels, a progressive frame within [`MAX_PROGRESSIVE_PIXELS`].
pub(super) fn jpeg_structure(bytes: &[u8]) -> Result<JpegStructure, PhotoError> {
    const BAD: PhotoError = PhotoError::Unreadable;
    if bytes.get(..2) != Some(&[0xFF, 0xD8]) {
        return Err(BAD);
    }
    let mut frame: Option<JpegStructure> = None;
    let mut work: u64 = 0;
    let mut scans = 0u32;
    let mut at = 2usize;
    while at < bytes.len() {
        if bytes[at] != 0xFF {
            return Err(BAD);
        }
        // Fill bytes before a marker.
        while bytes.get(at + 1) == Some(&0xFF) {
            at += 1;
        }
        let Some(&marker) = bytes.get(at + 1) else {
            break;
        };
        at += 2;
        match marker {
            0xD9 => break,
            0xD0..=0xD7 | 0x01 => continue,
            0x00 | 0xD8 => return Err(BAD),
            _ => {}
        }
        let len_bytes = bytes.get(at..at + 2).ok_or(BAD)?;
        let len = usize::from(u16::from_be_bytes([len_bytes[0], len_bytes[1]]));
        let body = bytes
            .get(at + 2..at.checked_add(len).ok_or(BAD)?)
            .ok_or(BAD)?;
        if len < 2 {
            return Err(BAD);
        }
        at += len;
        match marker {
            // Start of frame, every kind but DHT (C4), JPG (C8), DAC (CC).
            0xC0..=0xCF if !matches!(marker, 0xC4 | 0xC8 | 0xCC) => {
                if frame.is_some() || body.len() < 6 {
                    return Err(BAD);
                }
                let height = u16::from_be_bytes([body[1], body[2]]);
                let width = u16::from_be_bytes([body[3], body[4]]);
                let components = body[5];
                if components == 0 || components > 4 {
                    return Err(BAD);
                }
                check_size(u64::from(width), u64::from(height))?;
                let progressive = matches!(marker, 0xC2 | 0xC6 | 0xCA | 0xCE);
                if progressive && u64::from(width) * u64::from(height) > MAX_PROGRESSIVE_PIXELS {
                    return Err(PhotoError::TooLarge);
                }
                frame = Some(JpegStructure {
                    width,
                    height,
                    components,
                    progressive,
                    scans: 0,
                });
            }
            0xDA => {
                let f = frame.ok_or(BAD)?;
                scans += 1;
                let in_scan = u64::from(*body.first().ok_or(BAD)?);
                work += in_scan * u64::from(f.width) * u64::from(f.height);
                if scans > MAX_SCANS || work > MAX_SCAN_WORK {
                    return Err(BAD);
                }
                // The entropy-coded data: up to the next marker that is
                // neither a stuffed zero nor a restart.
                while at < bytes.len() {
                    if bytes[at] == 0xFF {
                        match bytes.get(at + 1) {
                            Some(0x00 | 0xD0..=0xD7) => at += 2,
                            Some(0xFF) => at += 1,
                            _ => break,
                        }
                    } else {
                        at += 1;
                    }
                }
            }
            _ => {}
        }
    }
    match frame {
        Some(f) if scans > 0 => Ok(JpegStructure { scans, ..f }),
        _ => Err(BAD),
    }
}

pub(super) fn jpeg(bytes: &[u8]) -> Result<Photo, PhotoError> {
    use jpeg_decoder::PixelFormat;
    let structure = jpeg_structure(bytes)?;
    let mut decoder = jpeg_decoder::Decoder::new(bytes);
    decoder.read_info().map_err(|_| PhotoError::Unreadable)?;
    let info = decoder.info().ok_or(PhotoError::Unreadable)?;
    if (info.width, info.height) != (structure.width, structure.height) {
        return Err(PhotoError::Unreadable);
    }
    // Scaled in the DCT domain towards the page's size (never below it in
    // both sides; the rest is done by [`Shrink`]).
    let (pw, ph) = page_size(u64::from(info.width), u64::from(info.height));
    let (w, h) = decoder
        .scale(pw as u16, ph as u16)
        .map_err(|_| PhotoError::Unreadable)?;
    decoder.set_max_decoding_buffer_size(MAX_PIXELS as usize * 4);
    let decoded = decoder.decode().map_err(|_| PhotoError::Unreadable)?;
    let (w, h) = (usize::from(w), usize::from(h));
    let quarter_turns = exif_quarter_turns(bytes);
    let (color, per) = match info.pixel_format {
        PixelFormat::L8 => (PhotoColor::Gray, 1),
        PixelFormat::RGB24 => (PhotoColor::Rgb, 3),
        PixelFormat::L16 => (PhotoColor::Gray, 2),
        PixelFormat::CMYK32 => (PhotoColor::Rgb, 4),
    };
    if decoded.len() != w.saturating_mul(h).saturating_mul(per) {
        return Err(PhotoError::Unreadable);
    }
    let as_is = matches!(info.pixel_format, PixelFormat::L8 | PixelFormat::RGB24);
    if as_is && fits_page(info.width.into(), info.height.into()) {
        return Ok(Photo {
            width: u32::from(info.width),
            height: u32::from(info.height),
            color,
            pixels: Pixels::Jpeg(strip_jpeg_metadata(bytes).ok_or(PhotoError::Unreadable)?),
            quarter_turns,
        });
    }
    let mut shrink = Shrink::new(w, h, color.components());
    let mut row = Vec::with_capacity(w * color.components());
    for src in decoded.chunks_exact(w * per) {
        row.clear();
        match info.pixel_format {
            PixelFormat::L8 | PixelFormat::RGB24 => row.extend_from_slice(src),
            // Big-endian 16-bit grey: the high byte.
            PixelFormat::L16 => row.extend(src.chunks_exact(2).map(|p| p[0])),
            PixelFormat::CMYK32 => row.extend(src.chunks_exact(4).flat_map(|p| {
                let k = u16::from(255 - p[3]);
                let ink = |c: u8| ((u16::from(255 - c) * k) / 255) as u8;
                [ink(p[0]), ink(p[1]), ink(p[2])]
            })),
        }
        shrink.push(&row);
    }
    drop(decoded);
    shrink.finish(color, quarter_turns)
}

/// `jpeg` without its metadata: application segments other than JFIF
/// (`APP0`) and Adobe's colour transform (`APP14`), comments, and
/// anything after the image's end. `None` if it is no JPEG.
pub fn strip_jpeg_metadata(jpeg: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(jpeg.len());
    out.extend_from_slice(jpeg.get(..2)?);
    let at = walk_segments(jpeg, |marker, segment| {
        let body = segment.get(4..).unwrap_or_default();
        let keep = match marker {
            0xE0 => body.starts_with(b"JFIF\0"),
            0xEE => body.starts_with(b"Adobe"),
            0xE1..=0xED | 0xEF | 0xFE => false,
            _ => true,
        };
        if keep {
            out.extend_from_slice(segment);
        }
        true
    })?;
    // The scans as they are, up to the last end-of-image marker.
    let rest = &jpeg[at..];
    let end = rest
        .windows(2)
        .rposition(|w| w == [0xFF, 0xD9])
        .map_or(rest.len(), |e| e + 2);
    out.extend_from_slice(&rest[..end]);
    Some(out)
}
