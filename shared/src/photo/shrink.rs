//! Reducing rows of pixels to the page by a whole factor.

use super::{factor, Photo, PhotoColor, PhotoError, Pixels};

/// Reduces rows of `width` pixels by a whole factor (the mean of each
/// factor × factor box), so that the result fits the page.
pub(super) struct Shrink {
    pub(super) width: usize,
    pub(super) height: usize,
    pub(super) per: usize,
    pub(super) factor: usize,
    pub(super) out_width: usize,
    /// Sums of the output row being gathered.
    pub(super) sums: Vec<u32>,
    pub(super) rows_in: usize,
    pub(super) out: Vec<u8>,
}

impl Shrink {
    pub(super) fn new(width: usize, height: usize, per: usize) -> Self {
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
    pub(super) fn push(&mut self, row: &[u8]) {
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

    pub(super) fn finish(self, color: PhotoColor, quarter_turns: u8) -> Result<Photo, PhotoError> {
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
