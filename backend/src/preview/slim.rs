//! The few elements a preview needs, walked out of a file without
//! dicom-object's parser: on some files the acceptance rules take (CP-246
//! sequences of VR UN, odd vendor data) dicom-parser 0.10 allocates
//! gigabytes for a file of a few hundred bytes. Here every value is
//! passed over by its length, undefined lengths item by item (at most
//! [`MAX_NESTING`] deep), and only the image's elements (group 0028, the
//! functional groups a multi-frame object keeps its windows in, and on
//! request the pixel data) are kept, each within a cap (the walk is
//! `mailslot_shared::dicom::elements`, which reconciliation uses too). What is kept is a
//! small file of its own — file meta, those elements, the pixel data —
//! which dicom-object then reads in its stead.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::path::Path;

use mailslot_shared::dicom::elements::{self, ElementError, Encoding, Head};
use mailslot_shared::dicom::synth::element;

use super::PreviewError;

/// The most an image element besides the pixel data may take.
const MAX_KEPT: u64 = 4 * 1024 * 1024;
const SEQUENCE_END: (u16, u16) = (0xFFFE, 0xE0DD);
/// Pixel Data.
pub const PIXEL_DATA: (u16, u16) = (0x7FE0, 0x0010);
const IMPLICIT_LE: &str = "1.2.840.10008.1.2";
const EXPLICIT_LE: &str = "1.2.840.10008.1.2.1";
const DEFLATED: &str = "1.2.840.10008.1.2.1.99";
const EXPLICIT_BE: &str = "1.2.840.10008.1.2.2";

const EXPLICIT: Encoding = Encoding {
    explicit: true,
    big_endian: false,
};

fn broken(why: &str) -> PreviewError {
    PreviewError::Broken(why.to_string())
}

fn io_broken(e: io::Error) -> PreviewError {
    match e.kind() {
        io::ErrorKind::UnexpectedEof => broken("the file ends early"),
        _ => PreviewError::Broken(e.kind().to_string()),
    }
}

fn walk_broken(e: ElementError) -> PreviewError {
    match e {
        ElementError::Io(e) => io_broken(e),
        ElementError::Truncated => broken("the file ends early"),
        ElementError::Malformed(why) => broken(why),
        _ => broken("the file cannot be walked"),
    }
}

/// The next element header, or `None` at a clean end.
fn read_head(r: &mut impl Read, enc: Encoding) -> Result<Option<Head>, PreviewError> {
    elements::read_head(r, enc).map_err(walk_broken)
}

/// Passes `head`'s value from `r` into `w` (see [`elements::copy_value`]).
fn value(r: &mut impl Read, w: &mut Sink, head: &Head, enc: Encoding) -> Result<(), PreviewError> {
    elements::copy_value(r, w, head, enc, 0).map_err(walk_broken)
}

/// Where a value goes: kept up to a cap, or passed over.
struct Sink {
    kept: Vec<u8>,
    cap: u64,
    keep: bool,
    over: bool,
}

impl Write for Sink {
    fn write(&mut self, b: &[u8]) -> io::Result<usize> {
        if self.keep && !self.over {
            if self.kept.len() as u64 + b.len() as u64 > self.cap {
                self.over = true;
                self.kept = Vec::new();
            } else {
                self.kept.extend_from_slice(b);
            }
        }
        Ok(b.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// A slim copy of a DICOM file.
#[derive(Debug)]
pub struct Slim {
    /// The file's transfer syntax.
    pub ts_uid: String,
    /// File meta, the kept elements and (if asked for) the pixel data: a
    /// file dicom-object reads.
    pub file: Vec<u8>,
    /// The pixel data's length as its header says (`None`: undefined,
    /// encapsulated; absent: no pixel data).
    pub pixel_len: Option<Option<u64>>,
}

/// Walks the file at `path` up to its pixel data, keeping the image's
/// elements and those `also` names; with `pixels`, the pixel data too (at
/// most `pixel_cap` bytes, else [`PreviewError::TooLarge`]).
pub fn slim(
    path: &Path,
    also: &[(u16, u16)],
    pixels: bool,
    pixel_cap: u64,
) -> Result<Slim, PreviewError> {
    let file = File::open(path).map_err(io_broken)?;
    let mut r = BufReader::with_capacity(64 * 1024, file);
    let mut preamble = [0u8; 132];
    r.read_exact(&mut preamble)
        .map_err(|_| broken("not a DICOM file"))?;
    if &preamble[128..] != b"DICM" {
        return Err(broken("not a DICOM file"));
    }
    // File meta: explicit VR little endian while the group is 0002.
    let (mut class, mut instance, mut ts) = (Vec::new(), Vec::new(), Vec::new());
    loop {
        let next = r.fill_buf().map_err(io_broken)?;
        if next.len() < 2 || next[..2] != [0x02, 0x00] {
            break;
        }
        let head = read_head(&mut r, EXPLICIT)?.ok_or_else(|| broken("no file meta"))?;
        let mut sink = Sink {
            kept: Vec::new(),
            cap: 1024,
            keep: matches!(head.tag, (2, 2) | (2, 3) | (2, 0x10)),
            over: false,
        };
        value(&mut r, &mut sink, &head, EXPLICIT)?;
        match head.tag {
            (2, 2) => class = sink.kept,
            (2, 3) => instance = sink.kept,
            (2, 0x10) => ts = sink.kept,
            _ => {}
        }
    }
    let uid = |v: &[u8]| {
        String::from_utf8_lossy(v)
            .trim_end_matches(['\0', ' '])
            .to_string()
    };
    let ts_uid = uid(&ts);
    if ts_uid.is_empty() {
        return Err(broken("no transfer syntax"));
    }
    let (enc, out_ts) = match ts_uid.as_str() {
        IMPLICIT_LE => (Encoding::IMPLICIT_LE, IMPLICIT_LE),
        EXPLICIT_BE => (
            Encoding {
                explicit: true,
                big_endian: true,
            },
            EXPLICIT_BE,
        ),
        DEFLATED => (EXPLICIT, EXPLICIT_LE),
        other => (EXPLICIT, other),
    };
    let mut body: Box<dyn Read> = if ts_uid == DEFLATED {
        Box::new(flate2::read::DeflateDecoder::new(r))
    } else {
        Box::new(r)
    };
    let mut kept = Vec::new();
    let mut pixel_len = None;
    while let Some(head) = read_head(&mut body, enc)? {
        if head.tag == SEQUENCE_END || head.tag.0 == 0xFFFE || head.tag == (0, 0) {
            break;
        }
        if head.tag == PIXEL_DATA {
            pixel_len = Some((!head.undefined()).then_some(u64::from(head.len)));
            if pixels {
                let mut sink = Sink {
                    kept: head.raw.clone(),
                    cap: pixel_cap,
                    keep: true,
                    over: false,
                };
                value(&mut body, &mut sink, &head, enc)?;
                if sink.over {
                    return Err(PreviewError::TooLarge);
                }
                kept.extend(sink.kept);
            }
            break;
        }
        let wanted = (head.tag.0 == 0x0028 && head.tag.1 != 0)
            || matches!(head.tag, (0x5200, 0x9229) | (0x5200, 0x9230))
            || also.contains(&head.tag);
        let keep = wanted && head.vr.is_none_or(|vr| &vr != b"UN");
        let mut sink = Sink {
            kept: head.raw.clone(),
            cap: MAX_KEPT,
            keep,
            over: false,
        };
        value(&mut body, &mut sink, &head, enc)?;
        if keep && !sink.over {
            kept.extend(sink.kept);
        }
    }
    let or = |v: Vec<u8>| if v.is_empty() { b"1.2".to_vec() } else { v };
    let mut meta = Vec::new();
    element(&mut meta, 0x0002, 0x0001, b"OB", &[0, 1]);
    element(&mut meta, 0x0002, 0x0002, b"UI", &or(class));
    element(&mut meta, 0x0002, 0x0003, b"UI", &or(instance));
    element(&mut meta, 0x0002, 0x0010, b"UI", out_ts.as_bytes());
    let mut file = b"DICM".to_vec();
    element(
        &mut file,
        0x0002,
        0x0000,
        b"UL",
        &(meta.len() as u32).to_le_bytes(),
    );
    file.extend(meta);
    file.extend(kept);
    Ok(Slim {
        ts_uid,
        file,
        pixel_len,
    })
}
