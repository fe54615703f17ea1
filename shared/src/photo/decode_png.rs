//! A PNG, read a row at a time (an interlaced one whole, within bounds).

use super::shrink::Shrink;
use super::{check_size, Photo, PhotoColor, PhotoError, MAX_INTERLACED_PIXELS};

/// Width, height and whether it is interlaced, from a PNG's header.
pub(super) fn png_header(bytes: &[u8]) -> Result<(u32, u32, bool), PhotoError> {
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

pub(super) fn png(bytes: &[u8]) -> Result<Photo, PhotoError> {
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
