//! Identity reconciliation (IHE Import Reconciliation Workflow): an object
//! a sender brought is taken into the hospital's record under the
//! hospital's identity. The hospital's Patient ID, Issuer of Patient ID,
//! name, birth date and sex (and an accession number staff give, else an
//! empty one: the sender's could name another order here) replace the
//! sender's; the sender's Patient ID and issuer move into Other Patient
//! IDs Sequence (0010,1002), after any items already there; an Issuer of
//! Patient ID Qualifiers Sequence (0010,0024) goes, as it qualified the
//! sender's issuer. Everything else — UIDs, pixel data, private elements —
//! is copied byte for byte, streamed: memory does not grow with the file.
//!
//! The file's encoding is kept (explicit or implicit VR, little or big
//! endian, deflated). The new values are written in the data set's
//! character set: none declared (ASCII) gains `ISO_IR 192` when a name
//! needs more; `ISO_IR 100` takes Latin-1; others take ASCII only (else
//! [`ReconcileError::Unencodable`]).
//!
//! Nothing is trusted: top-level elements must come in ascending order (a
//! second Patient ID after ours would make two identities), every length is
//! checked against the stream, nesting is bounded; a file that breaks any
//! of this is refused, never half-written. The caller re-checks the result
//! with the acceptance rules before anything is sent. Fuzzed
//! (`fuzz_targets/reconcile.rs`).

mod identity;

use std::io::{self, BufRead, Read, Write};

use crate::dicom::elements::{self as codec, read_head, read_short, ElementError, Encoding, Head};
use identity::{encode, Text};

pub use identity::Identity;

/// Why an object cannot be reconciled.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReconcileError {
    /// A value staff gave is not one DICOM can hold.
    #[error("invalid {field}: {why}")]
    Invalid {
        /// Which value.
        field: &'static str,
        /// What is wrong.
        why: &'static str,
    },
    /// The name cannot be written in the images' character set.
    #[error("the name cannot be written in the images' character set; write it without accents")]
    Unencodable,
    /// The file cannot be walked (truncated, unsound, unreadable).
    #[error(transparent)]
    Walk(#[from] ElementError),
}

impl From<io::Error> for ReconcileError {
    fn from(e: io::Error) -> Self {
        ReconcileError::Walk(ElementError::Io(e))
    }
}

impl ReconcileError {
    /// Stable kebab-case code.
    pub fn code(&self) -> &'static str {
        match self {
            ReconcileError::Invalid { .. } => "identity-invalid",
            ReconcileError::Unencodable => "identity-unencodable",
            ReconcileError::Walk(ElementError::Truncated) => "object-truncated",
            ReconcileError::Walk(ElementError::Io(_)) => "io-failed",
            ReconcileError::Walk(_) => "object-malformed",
        }
    }
}

const CHARSET: (u16, u16) = (0x0008, 0x0005);
const ACCESSION: (u16, u16) = (0x0008, 0x0050);
const NAME: (u16, u16) = (0x0010, 0x0010);
const ID: (u16, u16) = (0x0010, 0x0020);
const ISSUER: (u16, u16) = (0x0010, 0x0021);
const ID_TYPE: (u16, u16) = (0x0010, 0x0022);
const QUALIFIERS: (u16, u16) = (0x0010, 0x0024);
const BIRTH_DATE: (u16, u16) = (0x0010, 0x0030);
const SEX: (u16, u16) = (0x0010, 0x0040);
const OTHER_IDS: (u16, u16) = (0x0010, 0x1002);

/// The elements this module writes or reads, in tag order.
const TARGETS: [(u16, u16); 9] = [
    CHARSET, ACCESSION, NAME, ID, ISSUER, QUALIFIERS, BIRTH_DATE, SEX, OTHER_IDS,
];

/// Writes the file read from `input` to `output` under `identity` (see the
/// module docs). `input` is a whole Part 10 file.
pub fn reconcile(
    input: &mut impl BufRead,
    output: &mut impl Write,
    identity: &Identity,
) -> Result<(), ReconcileError> {
    identity.check()?;
    let mut head = [0u8; 132];
    input
        .read_exact(&mut head)
        .map_err(|_| ReconcileError::Walk(ElementError::Truncated))?;
    if &head[128..] != b"DICM" {
        return Err(ElementError::Malformed("not a DICOM Part 10 file").into());
    }
    output.write_all(&head)?;
    // The file meta group: explicit VR little endian, copied unchanged.
    let meta = Encoding {
        explicit: true,
        big_endian: false,
    };
    let mut syntax = Vec::new();
    loop {
        let next = input.fill_buf()?;
        if next.len() < 2 || u16::from_le_bytes([next[0], next[1]]) != 0x0002 {
            break;
        }
        let h = read_head(input, meta)?.ok_or(ReconcileError::Walk(ElementError::Truncated))?;
        output.write_all(&h.raw)?;
        if h.tag == (0x0002, 0x0010) {
            syntax = read_short(input, &h)?;
            output.write_all(&syntax)?;
        } else {
            codec::copy_value(input, output, &h, meta, 0)?;
        }
    }
    let syntax = String::from_utf8_lossy(&syntax);
    let enc = match syntax.trim_end_matches(['\0', ' ']) {
        "1.2.840.10008.1.2" => Encoding::IMPLICIT_LE,
        "1.2.840.10008.1.2.2" => Encoding {
            explicit: true,
            big_endian: true,
        },
        _ => meta,
    };
    if syntax.trim_end_matches(['\0', ' ']) == "1.2.840.10008.1.2.1.99" {
        let mut inflated = io::BufReader::new(flate2::read::DeflateDecoder::new(input));
        let mut deflated =
            flate2::write::DeflateEncoder::new(output, flate2::Compression::default());
        Pass::new(identity).run(&mut inflated, &mut deflated, enc)?;
        deflated.finish()?;
        return Ok(());
    }
    Pass::new(identity).run(input, output, enc)
}

/// One pass over a data set's top level.
struct Pass<'a> {
    identity: &'a Identity,
    text: Text,
    /// Declared character set absent or ASCII, and the name needs more.
    declare_utf8: bool,
    original_id: Vec<u8>,
    original_issuer: Vec<u8>,
    /// The next of [`TARGETS`] not yet handled.
    next: usize,
}

impl<'a> Pass<'a> {
    fn new(identity: &'a Identity) -> Self {
        Pass {
            identity,
            text: Text::Ascii,
            declare_utf8: !identity.ascii(),
            original_id: Vec::new(),
            original_issuer: Vec::new(),
            next: 0,
        }
    }

    fn run(
        mut self,
        r: &mut impl Read,
        w: &mut impl Write,
        enc: Encoding,
    ) -> Result<(), ReconcileError> {
        if self.declare_utf8 {
            self.text = Text::Utf8;
        }
        let mut last: Option<(u16, u16)> = None;
        while let Some(h) = read_head(r, enc)? {
            // Checked to the end: a second Patient ID after the pixel
            // data would be a second identity.
            if h.tag.0 == 0xFFFE || last.is_some_and(|l| l >= h.tag) {
                return Err(ElementError::Malformed("elements out of order").into());
            }
            last = Some(h.tag);
            // Targets this file lacks are written where they belong.
            while self.next < TARGETS.len() && TARGETS[self.next] < h.tag {
                self.write_target(None, r, w, enc)?;
            }
            if self.next < TARGETS.len() && TARGETS[self.next] == h.tag {
                self.write_target(Some(&h), r, w, enc)?;
            } else if h.tag.1 == 0x0000 && matches!(h.tag.0, 0x0008 | 0x0010) {
                // A group length would be wrong once values change.
                codec::copy_value(r, &mut io::sink(), &h, enc, 0)?;
            } else {
                w.write_all(&h.raw)?;
                codec::copy_value(r, w, &h, enc, 0)?;
            }
        }
        while self.next < TARGETS.len() {
            self.write_target(None, r, w, enc)?;
        }
        Ok(())
    }

    /// Handles `TARGETS[self.next]`: `found` is its element in the file.
    fn write_target(
        &mut self,
        found: Option<&Head>,
        r: &mut impl Read,
        w: &mut impl Write,
        enc: Encoding,
    ) -> Result<(), ReconcileError> {
        let tag = TARGETS[self.next];
        self.next += 1;
        let id = self.identity;
        let element =
            |w: &mut dyn Write, tag, vr: &[u8; 2], v: &[u8]| -> Result<(), ReconcileError> {
                Ok(codec::write_element(
                    &mut WriteRef(w),
                    enc,
                    tag,
                    *vr,
                    v,
                    b' ',
                )?)
            };
        match tag {
            CHARSET => {
                let declared = match found {
                    Some(h) => read_short(r, h)?,
                    None => Vec::new(),
                };
                let d = String::from_utf8_lossy(&declared);
                let d = d.trim_matches([' ', '\0']);
                self.text = match d {
                    "" | "ISO_IR 6" if self.declare_utf8 => Text::Utf8,
                    "" | "ISO_IR 6" => Text::Ascii,
                    "ISO_IR 192" => Text::Utf8,
                    "ISO_IR 100" => Text::Latin1,
                    _ => Text::Ascii,
                };
                match (d, self.declare_utf8) {
                    ("" | "ISO_IR 6", true) => element(w, CHARSET, b"CS", b"ISO_IR 192")?,
                    _ if found.is_some() => element(w, CHARSET, b"CS", &declared)?,
                    _ => {}
                }
            }
            ACCESSION => {
                skip(found, r, enc)?;
                element(w, ACCESSION, b"SH", &encode(&id.accession, self.text)?)?;
            }
            NAME => {
                skip(found, r, enc)?;
                element(w, NAME, b"PN", &encode(&id.name, self.text)?)?;
            }
            ID => {
                if let Some(h) = found {
                    self.original_id = read_short(r, h)?;
                }
                element(w, ID, b"LO", &encode(&id.patient_id, self.text)?)?;
            }
            ISSUER => {
                if let Some(h) = found {
                    self.original_issuer = read_short(r, h)?;
                }
                if !id.issuer.is_empty() {
                    element(w, ISSUER, b"LO", &encode(&id.issuer, self.text)?)?;
                }
            }
            QUALIFIERS => skip(found, r, enc)?,
            BIRTH_DATE => {
                skip(found, r, enc)?;
                element(w, BIRTH_DATE, b"DA", id.birth_date.as_bytes())?;
            }
            SEX => {
                skip(found, r, enc)?;
                element(w, SEX, b"CS", id.sex.as_bytes())?;
            }
            _ => self.other_ids(found, r, w, enc)?,
        }
        Ok(())
    }

    /// Other Patient IDs Sequence: the items already there, then the
    /// sender's Patient ID and issuer.
    fn other_ids(
        &self,
        found: Option<&Head>,
        r: &mut impl Read,
        w: &mut impl Write,
        enc: Encoding,
    ) -> Result<(), ReconcileError> {
        let original = trim(&self.original_id);
        if found.is_none() && original.is_empty() {
            return Ok(());
        }
        codec::start_sequence(w, enc, OTHER_IDS)?;
        if let Some(h) = found {
            codec::copy_items(r, w, h, enc)?;
        }
        if !original.is_empty() {
            let mut item = Vec::new();
            codec::write_element(&mut item, enc, ID, *b"LO", original, b' ')?;
            let issuer = trim(&self.original_issuer);
            if !issuer.is_empty() {
                codec::write_element(&mut item, enc, ISSUER, *b"LO", issuer, b' ')?;
            }
            codec::write_element(&mut item, enc, ID_TYPE, *b"CS", b"TEXT", b' ')?;
            codec::write_item(w, enc, &item)?;
        }
        codec::end_sequence(w, enc)?;
        Ok(())
    }
}

/// Passes over a replaced element's value.
fn skip(found: Option<&Head>, r: &mut impl Read, enc: Encoding) -> Result<(), ReconcileError> {
    match found {
        Some(h) => Ok(codec::copy_value(r, &mut io::sink(), h, enc, 0)?),
        None => Ok(()),
    }
}

/// A value without its padding.
fn trim(v: &[u8]) -> &[u8] {
    let end = v
        .iter()
        .rposition(|b| !matches!(b, b' ' | 0))
        .map_or(0, |i| i + 1);
    let start = v.iter().position(|b| *b != b' ').unwrap_or(end).min(end);
    &v[start..end]
}

/// `&mut dyn Write` as a sized writer.
struct WriteRef<'a>(&'a mut dyn Write);

impl Write for WriteRef<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

#[cfg(test)]
mod tests;
