//! One object's first frame as a small PNG, on the calling thread: the
//! header is walked out of the file and costed first ([`Header::read`],
//! [`Header::cost`]), then the image's elements and pixel data
//! ([`slim`]), one frame decoded by dicom-pixeldata, mapped to 8 bits
//! (rescale, then the first VOI LUT, else the first window, else min–max;
//! MONOCHROME1 inverted; YBR to RGB) and averaged down to the preview's
//! size as it is mapped: besides the pixel data and the decoded frame,
//! only the preview is held.

use std::path::Path;

use dicom_dictionary_std::tags;
use dicom_object::{DefaultDicomObject, InMemDicomObject, OpenFileOptions};
use dicom_pixeldata::{
    DecodedPixelData, PhotometricInterpretation, PixelDecoder, PixelRepresentation,
    PlanarConfiguration, VoiLutFunction, WindowLevelTransform,
};
use dicom_transfer_syntax_registry::{TransferSyntaxIndex, TransferSyntaxRegistry};

use super::picture::{fit, Accumulator};
use super::slim::slim;
use super::{Preview, PreviewError, MAX_RENDER_BYTES};

const RLE_LOSSLESS: &str = "1.2.840.10008.1.2.5";

/// What the header says about the pixels, read before any pixel data.
#[derive(Debug, Clone)]
pub struct Header {
    rows: u64,
    columns: u64,
    frames: u64,
    samples: u64,
    bits_allocated: u16,
    photometric: String,
    ts_uid: String,
    encapsulated: bool,
    pixel_len: Option<u64>,
}

/// An object from the bytes of a [`Slim`] file.
fn parse(file: &[u8]) -> Result<DefaultDicomObject, PreviewError> {
    OpenFileOptions::new()
        .from_reader(file)
        .map_err(|e| PreviewError::Broken(e.to_string()))
}

fn undecodable(uid: &str) -> PreviewError {
    PreviewError::Undecodable {
        uid: uid.to_string(),
        name: TransferSyntaxRegistry
            .get(uid)
            .map_or(uid, |ts| ts.name())
            .to_string(),
    }
}

fn int(obj: &InMemDicomObject, tag: dicom_core::Tag) -> Option<u64> {
    let e = obj.element_opt(tag).ok().flatten()?;
    e.to_int::<u64>()
        .ok()
        .or_else(|| e.to_str().ok()?.trim().parse().ok())
}

impl Header {
    /// The header of the object at `path` (read up to its pixel data):
    /// refuses what has no image, cannot be decoded here, or is malformed.
    pub fn read(path: &Path) -> Result<Header, PreviewError> {
        let slim = slim(path, &[], false, 0)?;
        let obj = parse(&slim.file)?;
        let ts_uid = slim.ts_uid;
        let ts = TransferSyntaxRegistry
            .get(&ts_uid)
            .filter(|ts| ts.can_decode_all())
            .ok_or_else(|| undecodable(&ts_uid))?;
        let (Some(rows), Some(columns), Some(pixel_len)) = (
            int(&obj, tags::ROWS),
            int(&obj, tags::COLUMNS),
            slim.pixel_len,
        ) else {
            return Err(PreviewError::NoImage);
        };
        let bits = int(&obj, tags::BITS_ALLOCATED).unwrap_or(0);
        let samples = int(&obj, tags::SAMPLES_PER_PIXEL).unwrap_or(1);
        let frames = int(&obj, tags::NUMBER_OF_FRAMES).unwrap_or(1).max(1);
        if rows == 0 || columns == 0 {
            return Err(PreviewError::NoImage);
        }
        if !matches!(bits, 1 | 8 | 16 | 32) || !matches!(samples, 1 | 3) {
            return Err(PreviewError::Unsupported);
        }
        let photometric = obj
            .element_opt(tags::PHOTOMETRIC_INTERPRETATION)
            .ok()
            .flatten()
            .and_then(|e| e.to_str().ok().map(|s| s.trim().to_string()))
            .unwrap_or_default();
        Ok(Header {
            rows,
            columns,
            frames,
            samples,
            bits_allocated: bits as u16,
            photometric,
            ts_uid,
            encapsulated: ts.is_encapsulated_pixel_data(),
            pixel_len,
        })
    }

    /// Bytes one decoded frame takes.
    fn frame_bytes(&self) -> u64 {
        let per_sample = u64::from(self.bits_allocated.div_ceil(8).max(1));
        self.rows
            .saturating_mul(self.columns)
            .saturating_mul(self.samples)
            .saturating_mul(per_sample)
    }

    /// The memory rendering takes at most, for a file of `file_bytes`:
    /// the pixel data kept from the file and the object read from it, a
    /// native object's pixel data copied once more (all frames:
    /// dicom-pixeldata takes the frame from a copy), the decoded frame
    /// and the preview. Refused ([`PreviewError::TooLarge`])
    /// above [`MAX_RENDER_BYTES`], before anything is decoded.
    pub fn cost(&self, file_bytes: u64, max_side: u32) -> Result<u64, PreviewError> {
        let frame = self.frame_bytes();
        let all = frame
            .saturating_mul(self.frames)
            .max(self.pixel_len.unwrap_or(0));
        let out = u64::from(max_side).pow(2).saturating_mul(3 * 2);
        let cost = if self.encapsulated {
            file_bytes
                .saturating_mul(2)
                .saturating_add(frame.saturating_mul(2))
                .saturating_add(out)
        } else {
            file_bytes
                .max(all)
                .saturating_mul(3)
                .saturating_add(frame)
                .saturating_add(out)
        };
        if cost > MAX_RENDER_BYTES {
            return Err(PreviewError::TooLarge);
        }
        Ok(cost)
    }
}

/// Renders the first frame of the object at `path` (its [`Header`]
/// already read and costed) at most `max_side` pixels on its long side.
pub fn render_checked(
    path: &Path,
    header: &Header,
    max_side: u32,
) -> Result<Preview, PreviewError> {
    let obj = parse(&slim(path, &[], true, MAX_RENDER_BYTES)?.file)?;
    // The decoders index and allocate by the header: a file whose header
    // changed since it was costed is refused.
    let again = frame_fields(&obj);
    if again
        != (
            header.rows,
            header.columns,
            header.samples,
            header.bits_allocated,
        )
    {
        return Err(PreviewError::Broken("header changed".into()));
    }
    if !header.encapsulated && header.photometric == "YBR_FULL_422" {
        return ybr_422(&obj, header, max_side);
    }
    // A codec that fails on this file (12-bit JPEG, 32-bit RLE) is named
    // like one that is missing.
    let frame = obj.decode_pixel_data_frame(0).map_err(|e| {
        if header.encapsulated {
            undecodable(&header.ts_uid)
        } else {
            PreviewError::Broken(e.to_string())
        }
    })?;
    let ycc = header.ts_uid == RLE_LOSSLESS && header.photometric == "YBR_FULL";
    let (width, height) = (frame.columns(), frame.rows());
    let (out_w, out_h) = fit(width, height, max_side);
    let mut acc = Accumulator::new(width, height, out_w, out_h, frame.samples_per_pixel());
    match frame.samples_per_pixel() {
        1 => grey(&frame, &mut acc)?,
        3 => color(&frame, ycc, &mut acc)?,
        _ => return Err(PreviewError::Unsupported),
    }
    acc.png()
}

fn frame_fields(obj: &DefaultDicomObject) -> (u64, u64, u64, u16) {
    (
        int(obj, tags::ROWS).unwrap_or(0),
        int(obj, tags::COLUMNS).unwrap_or(0),
        int(obj, tags::SAMPLES_PER_PIXEL).unwrap_or(1),
        int(obj, tags::BITS_ALLOCATED).unwrap_or(0) as u16,
    )
}

/// The pixel count of a decoded frame, checked against its bytes.
fn pixels(frame: &DecodedPixelData<'_>, bytes_per_pixel: usize) -> Result<usize, PreviewError> {
    let n = frame.columns() as usize * frame.rows() as usize;
    if frame.data().len() < n * bytes_per_pixel {
        return Err(PreviewError::Broken("short pixel data".into()));
    }
    Ok(n)
}

/// A monochrome (or palette, shown by its indices) frame through rescale
/// and VOI to 8 bits.
fn grey(frame: &DecodedPixelData<'_>, acc: &mut Accumulator) -> Result<(), PreviewError> {
    let data = frame.data();
    let bits = frame.bits_allocated();
    let bytes = usize::from(bits.div_ceil(8).max(1));
    let n = pixels(frame, bytes)?;
    // One bit per pixel comes decoded as 0 or 255 per byte.
    let stored = if bits == 1 {
        8
    } else {
        frame.bits_stored().clamp(1, bits)
    };
    let signed = frame.pixel_representation() == PixelRepresentation::Signed && bits != 1;
    let mask: u64 = (1u64 << stored) - 1;
    let raw = |i: usize| -> i64 {
        let at = i * bytes;
        let v = match bytes {
            1 => u64::from(data[at]),
            2 => u64::from(u16::from_le_bytes([data[at], data[at + 1]])),
            _ => u64::from(u32::from_le_bytes([
                data[at],
                data[at + 1],
                data[at + 2],
                data[at + 3],
            ])),
        } & mask;
        if signed && v >> (stored - 1) & 1 == 1 {
            v as i64 - (1i64 << stored)
        } else {
            v as i64
        }
    };
    let monochrome = frame.photometric_interpretation().is_monochrome();
    let rescale = frame
        .rescale()
        .ok()
        .and_then(|r| r.first().copied())
        .filter(|_| monochrome)
        .map_or((1.0, 0.0), |r| (r.slope, r.intercept));
    let value = |i: usize| rescale.0 * raw(i) as f64 + rescale.1;
    let invert = *frame.photometric_interpretation() == PhotometricInterpretation::Monochrome1;
    let lut = monochrome
        .then(|| frame.voi_lut_sequence().ok().flatten())
        .flatten()
        .and_then(|l| l.first())
        .filter(|l| !l.data.is_empty());
    let window = monochrome
        .then(|| frame.window().ok().flatten())
        .flatten()
        .and_then(|w| w.first().copied())
        .filter(|w| w.width.is_finite() && w.center.is_finite());
    let function = frame
        .voi_lut_function()
        .ok()
        .flatten()
        .and_then(|f| f.first().copied())
        .unwrap_or(VoiLutFunction::Linear);
    let mut put = |i: usize, g: f64| {
        let g = g.round().clamp(0.0, 255.0) as u8;
        acc.add(i, &[if invert { 255 - g } else { g }]);
    };
    if let Some(lut) = lut {
        let top = ((1u64 << lut.bits_stored.clamp(1, 16)) - 1) as f64;
        let last = lut.data.len() - 1;
        for i in 0..n {
            let at =
                (value(i).round() as i64 - i64::from(lut.min_pixel_value)).clamp(0, last as i64);
            put(i, f64::from(lut.data[at as usize]) * 255.0 / top);
        }
    } else if let Some(window) = window {
        let transform = WindowLevelTransform::new(function, window);
        for i in 0..n {
            put(i, transform.apply(value(i), 255.0));
        }
    } else {
        let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
        for i in 0..n {
            let v = value(i);
            lo = lo.min(v);
            hi = hi.max(v);
        }
        let span = if hi > lo { hi - lo } else { 1.0 };
        for i in 0..n {
            put(i, (value(i) - lo) * 255.0 / span);
        }
    }
    Ok(())
}

/// A colour frame (RGB, YBR_FULL, YBR_FULL_422; planar or not) to RGB.
fn color(
    frame: &DecodedPixelData<'_>,
    ycc_rle: bool,
    acc: &mut Accumulator,
) -> Result<(), PreviewError> {
    let data = frame.data();
    let bits = frame.bits_allocated();
    if !matches!(bits, 8 | 16) {
        return Err(PreviewError::Unsupported);
    }
    let bytes = usize::from(bits / 8);
    let pi = frame.photometric_interpretation();
    let n = frame.columns() as usize * frame.rows() as usize;
    // A sample as 8 bits (16-bit samples by their stored bits).
    let shift = frame.bits_stored().clamp(8, 16) - 8;
    let sample = |at: usize| -> u8 {
        if bytes == 1 {
            data[at]
        } else {
            (u16::from_le_bytes([data[at], data[at + 1]]) >> shift).min(255) as u8
        }
    };
    let ycc = ycc_rle
        || matches!(
            pi,
            PhotometricInterpretation::YbrFull | PhotometricInterpretation::YbrFull422
        );
    let to_rgb = |a: u8, b: u8, c: u8| if ycc { ycbcr(a, b, c) } else { [a, b, c] };
    pixels(frame, 3 * bytes)?;
    let planar = frame.planar_configuration() == PlanarConfiguration::PixelFirst;
    for i in 0..n {
        let at = |c: usize| {
            if planar {
                (c * n + i) * bytes
            } else {
                (i * 3 + c) * bytes
            }
        };
        acc.add(i, &to_rgb(sample(at(0)), sample(at(1)), sample(at(2))));
    }
    Ok(())
}

/// YCbCr (full range) to RGB.
fn ycbcr(y: u8, cb: u8, cr: u8) -> [u8; 3] {
    let (y, cb, cr) = (f32::from(y), f32::from(cb) - 128.0, f32::from(cr) - 128.0);
    let c = |v: f32| v.round().clamp(0.0, 255.0) as u8;
    [
        c(y + 1.402 * cr),
        c(y - 0.344_136 * cb - 0.714_136 * cr),
        c(y + 1.772 * cb),
    ]
}

/// Native YBR_FULL_422 (dicom-pixeldata 0.10 takes its frames for three
/// full samples a pixel): Y Y Cb Cr for every two pixels of a row.
fn ybr_422(
    obj: &DefaultDicomObject,
    header: &Header,
    max_side: u32,
) -> Result<Preview, PreviewError> {
    let (w, h) = (header.columns as usize, header.rows as usize);
    if header.bits_allocated != 8 || w % 2 == 1 {
        return Err(PreviewError::Unsupported);
    }
    let data = obj
        .element(tags::PIXEL_DATA)
        .map_err(|e| PreviewError::Broken(e.to_string()))?
        .to_bytes()
        .map_err(|e| PreviewError::Broken(e.to_string()))?;
    let n = w * h;
    if data.len() < n * 2 {
        return Err(PreviewError::Broken("short pixel data".into()));
    }
    let (out_w, out_h) = fit(w as u32, h as u32, max_side);
    let mut acc = Accumulator::new(w as u32, h as u32, out_w, out_h, 3);
    for pair in 0..n / 2 {
        let at = pair * 4;
        let (cb, cr) = (data[at + 2], data[at + 3]);
        acc.add(pair * 2, &ycbcr(data[at], cb, cr));
        acc.add(pair * 2 + 1, &ycbcr(data[at + 1], cb, cr));
    }
    acc.png()
}
