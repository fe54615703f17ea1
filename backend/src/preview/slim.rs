//! The few elements a preview needs, walked out of a file without
//! dicom-object's parser: on some files the acceptance rules take (CP-246
//! sequences of VR UN, odd vendor data) dicom-parser 0.10 allocates
//! gigabytes for a file of a few hundred bytes. Here every value is
//! passed over by its length, undefined lengths item by item (at most
//! [`MAX_NESTING`] deep), and only the image's elements (group 0028, the
//! functional groups a multi-frame object keeps its windows in, and on
//! request the pixel data) are kept, each within a cap. What is kept is a
//! small file of its own — file meta, those elements, the pixel data —
//! which dicom-object then reads in its stead.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::path::Path;

use mailslot_shared::dicom::synth::element;

use super::PreviewError;

/// Sequences and items open at once, at most (as the acceptance rules).
const MAX_NESTING: usize = 128;
/// The most an image element besides the pixel data may take.
const MAX_KEPT: u64 = 4 * 1024 * 1024;
const UNDEFINED: u32 = 0xFFFF_FFFF;
const ITEM: (u16, u16) = (0xFFFE, 0xE000);
const ITEM_END: (u16, u16) = (0xFFFE, 0xE00D);
const SEQUENCE_END: (u16, u16) = (0xFFFE, 0xE0DD);
/// Pixel Data.
pub const PIXEL_DATA: (u16, u16) = (0x7FE0, 0x0010);
const IMPLICIT_LE: &str = "1.2.840.10008.1.2";
const EXPLICIT_LE: &str = "1.2.840.10008.1.2.1";
const DEFLATED: &str = "1.2.840.10008.1.2.1.99";
const EXPLICIT_BE: &str = "1.2.840.10008.1.2.2";

#[derive(Debug, Clone, Copy)]
struct Enc {
    explicit: bool,
    big: bool,
}

impl Enc {
    const IMPLICIT_LE: Enc = Enc {
        explicit: false,
        big: false,
    };
    const EXPLICIT_LE: Enc = Enc {
        explicit: true,
        big: false,
    };
    fn u16(self, b: [u8; 2]) -> u16 {
        if self.big {
            u16::from_be_bytes(b)
        } else {
            u16::from_le_bytes(b)
        }
    }
    fn u32(self, b: [u8; 4]) -> u32 {
        if self.big {
            u32::from_be_bytes(b)
        } else {
            u32::from_le_bytes(b)
        }
    }
}

struct Head {
    tag: (u16, u16),
    vr: Option<[u8; 2]>,
    len: u32,
    raw: Vec<u8>,
}

fn broken(why: &str) -> PreviewError {
    PreviewError::Broken(why.to_string())
}

fn io_broken(e: io::Error) -> PreviewError {
    match e.kind() {
        io::ErrorKind::UnexpectedEof => broken("the file ends early"),
        _ => PreviewError::Broken(e.kind().to_string()),
    }
}

/// The next element header, or `None` at a clean end.
fn read_head(r: &mut impl Read, enc: Enc) -> Result<Option<Head>, PreviewError> {
    let mut first = [0u8; 4];
    let mut got = 0;
    while got < 4 {
        match r.read(&mut first[got..]) {
            Ok(0) if got == 0 => return Ok(None),
            Ok(0) => return Err(broken("the file ends early")),
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(io_broken(e)),
        }
    }
    let tag = (enc.u16([first[0], first[1]]), enc.u16([first[2], first[3]]));
    let mut raw = first.to_vec();
    let mut take = |n: usize, raw: &mut Vec<u8>| -> Result<Vec<u8>, PreviewError> {
        let mut b = vec![0u8; n];
        r.read_exact(&mut b).map_err(io_broken)?;
        raw.extend_from_slice(&b);
        Ok(b)
    };
    if tag.0 == 0xFFFE || !enc.explicit {
        let l = take(4, &mut raw)?;
        let len = enc.u32([l[0], l[1], l[2], l[3]]);
        return Ok(Some(Head {
            tag,
            vr: None,
            len,
            raw,
        }));
    }
    let v = take(2, &mut raw)?;
    let vr = [v[0], v[1]];
    if !vr.iter().all(u8::is_ascii_uppercase) {
        return Err(broken("a value representation is not two letters"));
    }
    let long = matches!(
        &vr,
        b"OB"
            | b"OD"
            | b"OF"
            | b"OL"
            | b"OV"
            | b"OW"
            | b"SQ"
            | b"SV"
            | b"UC"
            | b"UN"
            | b"UR"
            | b"UT"
            | b"UV"
    );
    let len = if long {
        let l = take(6, &mut raw)?;
        enc.u32([l[2], l[3], l[4], l[5]])
    } else {
        let l = take(2, &mut raw)?;
        u32::from(enc.u16([l[0], l[1]]))
    };
    Ok(Some(Head {
        tag,
        vr: Some(vr),
        len,
        raw,
    }))
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

/// Passes `head`'s value from `r` into `w`: a defined length as bytes, an
/// undefined one item by item.
fn value(
    r: &mut impl Read,
    w: &mut Sink,
    head: &Head,
    enc: Enc,
    depth: usize,
) -> Result<(), PreviewError> {
    if head.len != UNDEFINED {
        let n = io::copy(&mut r.take(u64::from(head.len)), w).map_err(io_broken)?;
        return match n == u64::from(head.len) {
            true => Ok(()),
            false => Err(broken("the file ends early")),
        };
    }
    if depth >= MAX_NESTING {
        return Err(broken("sequences are nested too deep"));
    }
    // CP-246: an undefined-length UN holds implicit VR little endian.
    let inner = match head.vr {
        Some(vr) if &vr == b"UN" => Enc::IMPLICIT_LE,
        Some(vr) if &vr == b"SQ" || &vr == b"OB" || &vr == b"OW" => enc,
        Some(_) => return Err(broken("an undefined length outside a sequence")),
        None => enc,
    };
    loop {
        let item = read_head(r, inner)?.ok_or_else(|| broken("the file ends early"))?;
        w.write_all(&item.raw).map_err(io_broken)?;
        match item.tag {
            SEQUENCE_END => return Ok(()),
            ITEM if item.len != UNDEFINED => value(r, w, &item, inner, depth + 1)?,
            ITEM => loop {
                let e = read_head(r, inner)?.ok_or_else(|| broken("the file ends early"))?;
                w.write_all(&e.raw).map_err(io_broken)?;
                if e.tag == ITEM_END {
                    break;
                }
                if e.tag.0 == 0xFFFE {
                    return Err(broken("a delimiter where an element belongs"));
                }
                value(r, w, &e, inner, depth + 2)?;
            },
            _ => return Err(broken("a sequence holds something not an item")),
        }
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
        let head = read_head(&mut r, Enc::EXPLICIT_LE)?.ok_or_else(|| broken("no file meta"))?;
        let mut sink = Sink {
            kept: Vec::new(),
            cap: 1024,
            keep: matches!(head.tag, (2, 2) | (2, 3) | (2, 0x10)),
            over: false,
        };
        value(&mut r, &mut sink, &head, Enc::EXPLICIT_LE, 0)?;
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
        IMPLICIT_LE => (Enc::IMPLICIT_LE, IMPLICIT_LE),
        EXPLICIT_BE => (
            Enc {
                explicit: true,
                big: true,
            },
            EXPLICIT_BE,
        ),
        DEFLATED => (Enc::EXPLICIT_LE, EXPLICIT_LE),
        other => (Enc::EXPLICIT_LE, other),
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
            pixel_len = Some((head.len != UNDEFINED).then_some(u64::from(head.len)));
            if pixels {
                let mut sink = Sink {
                    kept: head.raw.clone(),
                    cap: pixel_cap,
                    keep: true,
                    over: false,
                };
                value(&mut body, &mut sink, &head, enc, 0)?;
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
        value(&mut body, &mut sink, &head, enc, 0)?;
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
