//! Element headers of a DICOM data set as they stand in the file, read and
//! written in the data set's own encoding, and values passed over while
//! they are copied (or dropped), for the server's walks that rewrite or
//! pick from a file without a parser that trusts it: reconciliation
//! (`reconcile`, whose bytes go through unchanged but for the identity)
//! and the previews (only the image's elements kept).
//!
//! Every length is checked against what the stream holds; a value is never
//! read into memory except the few short ones asked for ([`read_short`]),
//! and undefined-length values (sequences, CP-246's UN, encapsulated pixel
//! data) are followed item by item at most [`MAX_NESTING`] levels deep.

use std::io::{self, Read, Write};

/// Why a walk over elements stopped.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ElementError {
    /// The stream ends inside an element.
    #[error("the file ends inside an element")]
    Truncated,
    /// The structure cannot be followed safely.
    #[error("the file's structure is not sound: {0}")]
    Malformed(&'static str),
    /// Reading or writing failed.
    #[error("reading or writing failed: {0}")]
    Io(#[from] io::Error),
}

/// Sequences and items open at once, at most (as the acceptance rules).
pub const MAX_NESTING: usize = 128;

/// Longest value [`read_short`] reads (LO is 64 characters, PN 64 per
/// group; 1 KiB holds any legal one).
const MAX_SHORT: u32 = 1024;

const UNDEFINED: u32 = 0xFFFF_FFFF;
const ITEM: (u16, u16) = (0xFFFE, 0xE000);
const ITEM_END: (u16, u16) = (0xFFFE, 0xE00D);
const SEQUENCE_END: (u16, u16) = (0xFFFE, 0xE0DD);

/// How a data set is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Encoding {
    /// Value representations written out (else implied by the dictionary).
    pub explicit: bool,
    /// Big endian (a retired transfer syntax senders still have on CDs).
    pub big_endian: bool,
}

impl Encoding {
    /// Implicit VR little endian: CP-246 sequences of VR UN hold it.
    pub const IMPLICIT_LE: Encoding = Encoding {
        explicit: false,
        big_endian: false,
    };

    fn u16(self, b: [u8; 2]) -> u16 {
        if self.big_endian {
            u16::from_be_bytes(b)
        } else {
            u16::from_le_bytes(b)
        }
    }

    fn u32(self, b: [u8; 4]) -> u32 {
        if self.big_endian {
            u32::from_be_bytes(b)
        } else {
            u32::from_le_bytes(b)
        }
    }

    fn put16(self, v: u16) -> [u8; 2] {
        if self.big_endian {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        }
    }

    fn put32(self, v: u32) -> [u8; 4] {
        if self.big_endian {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        }
    }
}

/// One element's header as it stands in the stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    /// (group, element).
    pub tag: (u16, u16),
    /// The VR, in an explicit encoding (items and delimiters have none).
    pub vr: Option<[u8; 2]>,
    /// The value's length, or `0xFFFFFFFF` for undefined.
    pub len: u32,
    /// The header's bytes, to copy it unchanged.
    pub raw: Vec<u8>,
}

impl Head {
    /// A value of undefined length (a sequence, or CP-246's UN).
    pub fn undefined(&self) -> bool {
        self.len == UNDEFINED
    }
}

/// VRs whose explicit header has two reserved bytes and a 4-byte length.
fn long_header(vr: [u8; 2]) -> bool {
    matches!(
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
    )
}

fn truncated(e: io::Error) -> ElementError {
    if e.kind() == io::ErrorKind::UnexpectedEof {
        ElementError::Truncated
    } else {
        ElementError::Io(e)
    }
}

/// Reads the next header, or `None` at a clean end of the stream.
pub fn read_head(r: &mut impl Read, enc: Encoding) -> Result<Option<Head>, ElementError> {
    let mut first = [0u8; 4];
    let mut got = 0;
    while got < 4 {
        match r.read(&mut first[got..]) {
            Ok(0) if got == 0 => return Ok(None),
            Ok(0) => return Err(ElementError::Truncated),
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(ElementError::Io(e)),
        }
    }
    let tag = (enc.u16([first[0], first[1]]), enc.u16([first[2], first[3]]));
    let mut raw = first.to_vec();
    let mut take = |n: usize, raw: &mut Vec<u8>| -> Result<Vec<u8>, ElementError> {
        let mut b = vec![0u8; n];
        r.read_exact(&mut b).map_err(truncated)?;
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
        return Err(ElementError::Malformed(
            "a value representation is not two letters",
        ));
    }
    let len = if long_header(vr) {
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

/// Copies the value of `head` (already read, not written) from `r` to `w`:
/// a defined length as bytes, an undefined one item by item.
pub fn copy_value(
    r: &mut impl Read,
    w: &mut impl Write,
    head: &Head,
    enc: Encoding,
    depth: usize,
) -> Result<(), ElementError> {
    if !head.undefined() {
        let n = io::copy(&mut r.take(u64::from(head.len)), w)?;
        return match n == u64::from(head.len) {
            true => Ok(()),
            false => Err(ElementError::Truncated),
        };
    }
    if depth >= MAX_NESTING {
        return Err(ElementError::Malformed("sequences are nested too deep"));
    }
    // CP-246: a sequence of VR UN with undefined length holds implicit VR
    // little endian, whatever the data set's encoding.
    let inner = match head.vr {
        Some(vr) if &vr == b"UN" => Encoding::IMPLICIT_LE,
        // Encapsulated pixel data (OB/OW of undefined length) is items
        // of fragments, as a sequence is items of data sets.
        Some(vr) if matches!(&vr, b"SQ" | b"OB" | b"OW") => enc,
        Some(_) => {
            return Err(ElementError::Malformed(
                "an undefined length outside a sequence",
            ))
        }
        None => enc,
    };
    loop {
        let item = read_head(r, inner)?.ok_or(ElementError::Truncated)?;
        w.write_all(&item.raw)?;
        match item.tag {
            SEQUENCE_END => return Ok(()),
            ITEM if !item.undefined() => copy_value(r, w, &item, inner, depth + 1)?,
            ITEM => copy_data_set(r, w, inner, depth + 1)?,
            _ => {
                return Err(ElementError::Malformed(
                    "a sequence holds something not an item",
                ))
            }
        }
    }
}

/// Copies an undefined-length item's elements up to and including its
/// delimiter.
fn copy_data_set(
    r: &mut impl Read,
    w: &mut impl Write,
    enc: Encoding,
    depth: usize,
) -> Result<(), ElementError> {
    if depth >= MAX_NESTING {
        return Err(ElementError::Malformed("sequences are nested too deep"));
    }
    loop {
        let head = read_head(r, enc)?.ok_or(ElementError::Truncated)?;
        w.write_all(&head.raw)?;
        if head.tag == ITEM_END {
            return Ok(());
        }
        if head.tag.0 == 0xFFFE {
            return Err(ElementError::Malformed(
                "a delimiter where an element belongs",
            ));
        }
        copy_value(r, w, &head, enc, depth + 1)?;
    }
}

/// Reads a short value (an ID, an issuer, a character set) into memory.
pub fn read_short(r: &mut impl Read, head: &Head) -> Result<Vec<u8>, ElementError> {
    if head.undefined() || head.len > MAX_SHORT {
        return Err(ElementError::Malformed("an identifying value is too long"));
    }
    let mut b = vec![0u8; head.len as usize];
    r.read_exact(&mut b).map_err(truncated)?;
    Ok(b)
}

/// Writes one element with a defined-length value, padded to even length
/// (`pad`: a space for text, NUL for UIDs).
pub fn write_element(
    w: &mut impl Write,
    enc: Encoding,
    tag: (u16, u16),
    vr: [u8; 2],
    value: &[u8],
    pad: u8,
) -> Result<(), ElementError> {
    let mut v = value.to_vec();
    if v.len() % 2 == 1 {
        v.push(pad);
    }
    let len = u32::try_from(v.len()).map_err(|_| ElementError::Malformed("a value is too long"))?;
    w.write_all(&enc.put16(tag.0))?;
    w.write_all(&enc.put16(tag.1))?;
    if enc.explicit {
        w.write_all(&vr)?;
        if long_header(vr) {
            w.write_all(&[0, 0])?;
            w.write_all(&enc.put32(len))?;
        } else {
            let short =
                u16::try_from(len).map_err(|_| ElementError::Malformed("a value is too long"))?;
            w.write_all(&enc.put16(short))?;
        }
    } else {
        w.write_all(&enc.put32(len))?;
    }
    w.write_all(&v)?;
    Ok(())
}

/// Writes a sequence header of undefined length, an item of defined
/// length holding `item` (already encoded), and nothing else: the caller
/// adds items and then [`end_sequence`].
pub fn start_sequence(w: &mut impl Write, enc: Encoding, tag: (u16, u16)) -> io::Result<()> {
    w.write_all(&enc.put16(tag.0))?;
    w.write_all(&enc.put16(tag.1))?;
    if enc.explicit {
        w.write_all(b"SQ\0\0")?;
    }
    w.write_all(&enc.put32(UNDEFINED))
}

/// Writes one item of defined length holding `body` (encoded elements).
pub fn write_item(w: &mut impl Write, enc: Encoding, body: &[u8]) -> Result<(), ElementError> {
    let len =
        u32::try_from(body.len()).map_err(|_| ElementError::Malformed("an item is too long"))?;
    w.write_all(&enc.put16(ITEM.0))?;
    w.write_all(&enc.put16(ITEM.1))?;
    w.write_all(&enc.put32(len))?;
    w.write_all(body)?;
    Ok(())
}

/// Ends a sequence begun with [`start_sequence`].
pub fn end_sequence(w: &mut impl Write, enc: Encoding) -> io::Result<()> {
    w.write_all(&enc.put16(SEQUENCE_END.0))?;
    w.write_all(&enc.put16(SEQUENCE_END.1))?;
    w.write_all(&enc.put32(0))
}

/// Copies the items of an existing sequence's value (after its header)
/// without its sequence delimiter, so that items can be added after them.
/// A value that is not a sequence of items in the data set's encoding
/// (another VR, CP-246's UN) is passed over: its items cannot sit beside
/// ours.
pub fn copy_items(
    r: &mut impl Read,
    w: &mut impl Write,
    head: &Head,
    enc: Encoding,
) -> Result<(), ElementError> {
    if head.vr.is_some_and(|vr| &vr != b"SQ") {
        return copy_value(r, &mut io::sink(), head, enc, 0);
    }
    if !head.undefined() {
        // Defined length: items to exactly its end, each checked.
        let mut value = r.take(u64::from(head.len));
        while let Some(item) = read_head(&mut value, enc)? {
            if item.tag != ITEM {
                return Err(ElementError::Malformed(
                    "a sequence holds something not an item",
                ));
            }
            w.write_all(&item.raw)?;
            match item.undefined() {
                true => copy_data_set(&mut value, w, enc, 1)?,
                false => copy_value(&mut value, w, &item, enc, 1)?,
            }
        }
        return match value.limit() {
            0 => Ok(()),
            _ => Err(ElementError::Truncated),
        };
    }
    loop {
        let item = read_head(r, enc)?.ok_or(ElementError::Truncated)?;
        match item.tag {
            SEQUENCE_END => return Ok(()),
            ITEM => {
                w.write_all(&item.raw)?;
                match item.undefined() {
                    true => copy_data_set(r, w, enc, 1)?,
                    false => copy_value(r, w, &item, enc, 1)?,
                }
            }
            _ => {
                return Err(ElementError::Malformed(
                    "a sequence holds something not an item",
                ))
            }
        }
    }
}
