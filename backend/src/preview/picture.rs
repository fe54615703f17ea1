//! The preview as a picture: its size, the box filter that averages the
//! source down to it as pixels are mapped, the PNG.

use super::{Preview, PreviewError};

/// The preview's size: the picture's aspect, at most `max_side` on its
/// long side, never enlarged.
pub fn fit(width: u32, height: u32, max_side: u32) -> (u32, u32) {
    let long = width.max(height).max(1);
    if long <= max_side {
        return (width.max(1), height.max(1));
    }
    let scale = |v: u32| {
        ((u64::from(v) * u64::from(max_side) + u64::from(long) / 2) / u64::from(long)).max(1) as u32
    };
    (scale(width), scale(height))
}

/// Sums of source pixels per preview pixel (a box filter): every source
/// pixel falls into exactly one preview pixel.
pub(super) struct Accumulator {
    width: usize,
    out_w: usize,
    out_h: usize,
    channels: usize,
    col: Vec<usize>,
    row: Vec<usize>,
    col_count: Vec<u32>,
    row_count: Vec<u32>,
    sums: Vec<u32>,
}

impl Accumulator {
    pub(super) fn new(width: u32, height: u32, out_w: u32, out_h: u32, channels: u16) -> Self {
        let (width, height) = (width as usize, height as usize);
        let (out_w, out_h) = (out_w as usize, out_h as usize);
        let bucket = |n: usize, of: usize, out: usize| n * out / of.max(1);
        let col: Vec<usize> = (0..width).map(|x| bucket(x, width, out_w)).collect();
        let row: Vec<usize> = (0..height).map(|y| bucket(y, height, out_h)).collect();
        let mut col_count = vec![0u32; out_w];
        col.iter().for_each(|&c| col_count[c] += 1);
        let mut row_count = vec![0u32; out_h];
        row.iter().for_each(|&r| row_count[r] += 1);
        let channels = usize::from(channels.max(1));
        Accumulator {
            width,
            out_w,
            out_h,
            channels,
            col,
            row,
            col_count,
            row_count,
            sums: vec![0; out_w * out_h * channels],
        }
    }

    /// Adds source pixel `i` (row-major) with its channel values.
    #[inline]
    pub(super) fn add(&mut self, i: usize, values: &[u8]) {
        let (x, y) = (i % self.width, i / self.width);
        let at = (self.row[y] * self.out_w + self.col[x]) * self.channels;
        for (c, v) in values.iter().enumerate() {
            self.sums[at + c] += u32::from(*v);
        }
    }

    pub(super) fn png(self) -> Result<Preview, PreviewError> {
        let mut pixels = Vec::with_capacity(self.sums.len());
        for y in 0..self.out_h {
            for x in 0..self.out_w {
                let n = (self.row_count[y] * self.col_count[x]).max(1);
                let at = (y * self.out_w + x) * self.channels;
                for c in 0..self.channels {
                    pixels.push(((self.sums[at + c] + n / 2) / n) as u8);
                }
            }
        }
        let color = if self.channels == 3 {
            png::ColorType::Rgb
        } else {
            png::ColorType::Grayscale
        };
        encode_png(&pixels, self.out_w as u32, self.out_h as u32, color)
    }
}

/// `pixels` (8 bits per sample) as a PNG.
pub fn encode_png(
    pixels: &[u8],
    width: u32,
    height: u32,
    color: png::ColorType,
) -> Result<Preview, PreviewError> {
    let err = |e: png::EncodingError| PreviewError::Broken(e.to_string());
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, width, height);
    enc.set_color(color);
    enc.set_depth(png::BitDepth::Eight);
    enc.set_compression(png::Compression::Fast);
    let mut writer = enc.write_header().map_err(err)?;
    writer.write_image_data(pixels).map_err(err)?;
    writer.finish().map_err(err)?;
    Ok(Preview {
        png: out,
        width,
        height,
    })
}
