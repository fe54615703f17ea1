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

// ---- JPEG ------------------------------------------------------------------

/// What a JPEG's markers say, read without decoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct JpegStructure {
    width: u16,
    height: u16,
    components: u8,
    progressive: bool,
    scans: u32,
}

/// Walks a JPEG's segments and entropy-coded data to its end (or `EOI`):
/// one frame, its size within bounds, at least one and at most
/// [`MAX_SCANS`] scans covering at most [`MAX_SCAN_WORK`] component
/// pixels, a progressive frame within [`MAX_PROGRESSIVE_PIXELS`].
fn jpeg_structure(bytes: &[u8]) -> Result<JpegStructure, PhotoError> {
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

fn jpeg(bytes: &[u8]) -> Result<Photo, PhotoError> {
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

// ---- PNG -------------------------------------------------------------------

/// Width, height and whether it is interlaced, from a PNG's header.
fn png_header(bytes: &[u8]) -> Result<(u32, u32, bool), PhotoError> {
    let reader = png_reader(bytes)?;
    let info = reader.info();
    Ok((info.width, info.height, info.interlaced))
}

fn png_reader(bytes: &[u8]) -> Result<png::Reader<&[u8]>, PhotoError> {
    let limits = png::Limits {
        bytes: MAX_INTERLACED_PIXELS as usize * 4,
    };
    let mut decoder = png::Decoder::new_with_limits(bytes, limits);
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let reader = decoder.read_info().map_err(|e| match e {
        png::DecodingError::LimitsExceeded => PhotoError::TooLarge,
        _ => PhotoError::Unreadable,
    })?;
    let info = reader.info();
    check_size(u64::from(info.width), u64::from(info.height))?;
    if info.interlaced && u64::from(info.width) * u64::from(info.height) > MAX_INTERLACED_PIXELS {
        return Err(PhotoError::TooLarge);
    }
    Ok(reader)
}

fn png(bytes: &[u8]) -> Result<Photo, PhotoError> {
    let mut reader = png_reader(bytes)?;
    let (width, height) = (reader.info().width as usize, reader.info().height as usize);
    let (color_type, depth) = reader.output_color_type();
    if depth != png::BitDepth::Eight {
        return Err(PhotoError::Unreadable);
    }
    let (color, per) = match color_type {
        png::ColorType::Grayscale => (PhotoColor::Gray, 1),
        png::ColorType::GrayscaleAlpha => (PhotoColor::Gray, 2),
        png::ColorType::Rgb => (PhotoColor::Rgb, 3),
        png::ColorType::Rgba => (PhotoColor::Rgb, 4),
        // EXPAND turns a palette into RGB(A).
        png::ColorType::Indexed => return Err(PhotoError::Unreadable),
    };
    let mut shrink = Shrink::new(width, height, color.components());
    let mut row = Vec::with_capacity(width * color.components());
    let mut push = |src: &[u8], shrink: &mut Shrink| -> Result<(), PhotoError> {
        if src.len() != width * per {
            return Err(PhotoError::Unreadable);
        }
        row.clear();
        if per == 2 || per == 4 {
            // Transparency laid over white.
            for px in src.chunks_exact(per) {
                let alpha = u16::from(px[per - 1]);
                row.extend(
                    px[..per - 1]
                        .iter()
                        .map(|&v| ((u16::from(v) * alpha + 255 * (255 - alpha)) / 255) as u8),
                );
            }
        } else {
            row.extend_from_slice(src);
        }
        shrink.push(&row);
        Ok(())
    };
    if reader.info().interlaced {
        // Passes need the whole frame (bounded by MAX_INTERLACED_PIXELS).
        let mut frame = vec![0; reader.output_buffer_size()];
        let out = reader
            .next_frame(&mut frame)
            .map_err(|_| PhotoError::Unreadable)?;
        frame.truncate(out.buffer_size());
        if frame.len() != width * height * per {
            return Err(PhotoError::Unreadable);
        }
        for src in frame.chunks_exact(width * per) {
            push(src, &mut shrink)?;
        }
    } else {
        for _ in 0..height {
            let r = reader
                .next_row()
                .map_err(|_| PhotoError::Unreadable)?
                .ok_or(PhotoError::Unreadable)?;
            push(r.data(), &mut shrink)?;
        }
    }
    // Every row is in; the file must also end as a PNG ends (the rest of
    // the data, its checksums, IEND): a cut file is not a whole picture.
    reader.finish().map_err(|_| PhotoError::Unreadable)?;
    shrink.finish(color, 0)
}

// ---- Reducing to the page ----------------------------------------------------

/// Reduces rows of `width` pixels by a whole factor (the mean of each
/// factor × factor box), so that the result fits the page.
struct Shrink {
    width: usize,
    height: usize,
    per: usize,
    factor: usize,
    out_width: usize,
    /// Sums of the output row being gathered.
    sums: Vec<u32>,
    rows_in: usize,
    out: Vec<u8>,
}

impl Shrink {
    fn new(width: usize, height: usize, per: usize) -> Self {
        let factor = factor(width as u64, height as u64) as usize;
        let out_width = width.div_ceil(factor);
        let out_height = height.div_ceil(factor);
        Shrink {
            width,
            height,
            per,
            factor,
            out_width,
            sums: vec![0; out_width * per],
            rows_in: 0,
            out: Vec::with_capacity(out_width * out_height * per),
        }
    }

    /// Adds the next source row (`width` × `per` bytes).
    fn push(&mut self, row: &[u8]) {
        for (x, px) in row.chunks_exact(self.per).take(self.width).enumerate() {
            let at = (x / self.factor) * self.per;
            for (c, &v) in px.iter().enumerate() {
                self.sums[at + c] += u32::from(v);
            }
        }
        self.rows_in += 1;
        if self.rows_in.is_multiple_of(self.factor) || self.rows_in == self.height {
            self.emit();
        }
    }

    fn emit(&mut self) {
        let rows = match self.rows_in % self.factor {
            0 => self.factor,
            n => n,
        };
        for ox in 0..self.out_width {
            let cols = self.factor.min(self.width - ox * self.factor);
            let n = (cols * rows) as u32;
            for c in 0..self.per {
                let s = &mut self.sums[ox * self.per + c];
                self.out.push(((*s + n / 2) / n) as u8);
                *s = 0;
            }
        }
    }

    fn finish(self, color: PhotoColor, quarter_turns: u8) -> Result<Photo, PhotoError> {
        if self.rows_in != self.height {
            return Err(PhotoError::Unreadable);
        }
        let height = self.height.div_ceil(self.factor);
        Ok(Photo {
            width: self.out_width as u32,
            height: height as u32,
            color,
            pixels: Pixels::Raw(self.out),
            quarter_turns,
        })
    }
}

// ---- EXIF orientation --------------------------------------------------------

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
    let mut tiff = None;
    walk_segments(jpeg, |marker, segment| {
        if marker == 0xE1 {
            tiff = segment.get(4..).and_then(|b| b.strip_prefix(b"Exif\0\0"));
        }
        tiff.is_none()
    });
    tiff_orientation(tiff?)
}

/// Walks a JPEG's segments before its first scan, handing `visit` each
/// one's marker and whole bytes (marker and length included) for as long
/// as it answers `true`. Returns where the first scan starts; `None` if
/// `visit` stopped the walk, a segment runs past the end, or no marker
/// stands where one must.
fn walk_segments<'a>(jpeg: &'a [u8], mut visit: impl FnMut(u8, &'a [u8]) -> bool) -> Option<usize> {
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
            return Some(at);
        }
        let len = usize::from(u16::from_be_bytes([marker[2], marker[3]]));
        let segment = jpeg.get(at..(at + 2).checked_add(len)?)?;
        if !visit(marker[1], segment) {
            return None;
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
#[path = "photo_tests.rs"]
mod tests;
