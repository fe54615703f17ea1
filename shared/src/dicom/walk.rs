//! The walk over a data set: one pass of dicom-parser's lazy reader over
//! a [`Feed`], with the checks the parser does not make — delimiters that
//! close nothing, nesting depth, where the data set ends (padding or
//! trailing data), CP-246 sequences of VR UN — keeping the attributes a
//! [`Summary`] needs (or a DICOMDIR's listing) and passing over every other
//! value.
//!
//! A little over 400 lines: the pass and the checks it makes between the
//! parser's tokens read best together.

use std::cell::RefCell;

use dicom_core::header::Header as _;
use dicom_core::{PrimitiveValue, Tag};
use dicom_dictionary_std::{tags, uids};
use dicom_encoding::text::SpecificCharacterSet;
use dicom_parser::dataset::lazy_read::LazyDataSetReader;
use dicom_parser::dataset::LazyDataToken;
use dicom_parser::stateful::decode::{DynStatefulDecoder, StatefulDecode};

use super::reason::WarningCode;
use super::source::{Feed, Shared};
use super::Summary;

/// Largest value the walk reads into memory for an attribute it
/// summarises; longer values are skipped (and a UID that long is invalid).
const MAX_READ_VALUE: u32 = 1024;

/// Sequences and items open at once, at most. Real objects nest a few
/// levels (structured reports a dozen or two); dicom-parser keeps state for
/// every level, so a small deflated file of nothing but nesting could
/// otherwise take gigabytes.
pub const MAX_NESTING: usize = 128;

/// The walk's message for nesting deeper than [`MAX_NESTING`].
pub(super) const TOO_DEEP: &str = "sequences are nested deeper than any real object";

/// What a walk over a DICOMDIR collects.
#[derive(Debug, Default)]
pub(super) struct Listing {
    pub(super) uids: Vec<String>,
    /// The data set was read until the file ended, without a parse error
    /// (records running past the end are tolerated, as dcmtk does).
    pub(super) complete: bool,
}

/// What the walk keeps of the values it passes.
pub(super) enum Collect<'a> {
    /// The top-level attributes an image's summary needs.
    Summary(&'a mut Summary),
    /// Every (0004,1511) Referenced SOP Instance UID in File, at any depth.
    Listing(&'a mut Listing),
}

/// How the walk over the data set ended.
pub(super) enum End {
    /// The source ended at an element boundary at the top level.
    /// `assumed` is how many bytes the parser believes it consumed.
    Complete { assumed: u64 },
    /// The data set ended `at` bytes into its stream and only zero bytes
    /// followed it.
    Padded { at: u64 },
    /// The source ended inside an open sequence or item.
    Unclosed,
    /// A prefix scan reached Pixel Data and stopped there.
    StoppedAtPixelData,
}

/// Why the walk stopped short.
pub(super) enum Stop {
    /// The parser's message, without values (safe to show).
    Parser(String),
    /// The data set ended and bytes other than zeros followed it.
    TrailingData,
}

impl<E: std::fmt::Display> From<E> for Stop {
    fn from(e: E) -> Self {
        Stop::Parser(e.to_string())
    }
}

/// The outcome of a walk.
pub(super) struct Walked {
    pub(super) end: Result<End, Stop>,
    /// A top-level element did not ascend (PS3.5 7.1); dcmtk reads such
    /// files, so this alone refuses nothing.
    pub(super) out_of_order: bool,
}

/// A sequence or item the walk is inside.
#[derive(Debug, PartialEq, Eq)]
enum Nest {
    Sequence,
    Item,
}

/// The walk's message for a delimiter that closes nothing open.
const NESTING: &str = "a sequence or item delimiter does not match what is open";

/// Closes the innermost open `what`, or says the input's nesting is wrong.
fn close(open: &mut Vec<Nest>, what: Nest) -> Result<(), Stop> {
    if open.pop() == Some(what) {
        Ok(())
    } else {
        Err(Stop::Parser(NESTING.to_owned()))
    }
}

/// Walks the data set in `feed`, keeping what `collect` asks for and
/// passing over every other value.
pub(super) fn walk(
    feed: &RefCell<Feed<'_>>,
    ts: &dicom_encoding::TransferSyntax,
    full: bool,
    collect: Collect<'_>,
) -> Walked {
    let mut out_of_order = false;
    let end = walk_tokens(feed, ts, full, collect, &mut out_of_order);
    Walked { end, out_of_order }
}

/// Where the data set ends (PS3.5 7.1: top-level elements ascend). Looks
/// at the next element's tag before the parser reads it, `last` being the
/// previous top-level element's. A tag of zeros cannot follow any element:
/// the data set has ended, and the rest must be zeros (padding, as some
/// viewers write) — or it is data that does not belong to it. Any other tag
/// that does not ascend is noted (`out_of_order`) and read on.
fn data_set_ended(
    feed: &RefCell<Feed<'_>>,
    last: Tag,
    big_endian: bool,
    out_of_order: &mut bool,
) -> Result<Option<End>, Stop> {
    let mut feed = feed.borrow_mut();
    let next = feed.peek(4)?;
    if next.is_empty() {
        return Ok(None);
    }
    if next.iter().all(|&b| b == 0) {
        // Fewer than four bytes can only be padding if they are zeros;
        // otherwise the parser says what is wrong with them.
        let peeked = next.len() as u64;
        let at = feed.read - peeked;
        return if feed.rest_is_zero()? {
            Ok(Some(End::Padded { at }))
        } else {
            Err(Stop::TrailingData)
        };
    }
    if let [a, b, c, d] = *next {
        let (group, element) = if big_endian {
            (u16::from_be_bytes([a, b]), u16::from_be_bytes([c, d]))
        } else {
            (u16::from_le_bytes([a, b]), u16::from_le_bytes([c, d]))
        };
        if Tag(group, element) <= last {
            *out_of_order = true;
        }
    }
    Ok(None)
}

fn walk_tokens(
    feed: &RefCell<Feed<'_>>,
    ts: &dicom_encoding::TransferSyntax,
    full: bool,
    mut collect: Collect<'_>,
    out_of_order: &mut bool,
) -> Result<End, Stop> {
    let big_endian = ts.endianness() == dicom_encoding::transfer_syntax::Endianness::Big;
    // Implicit VR little endian is the one standard syntax without VRs.
    let explicit = ts.uid() != uids::IMPLICIT_VR_LITTLE_ENDIAN;
    let decoder =
        DynStatefulDecoder::new_with(Shared(feed), ts, SpecificCharacterSet::default(), 0)?;
    let mut tokens = LazyDataSetReader::new(decoder);
    // What is open, innermost last. dicom-parser 0.10's lazy reader trusts
    // the input's delimiters: a delimiter that closes nothing leaves it in
    // a state where the next item header panics. Every opening and closing
    // token is checked here, and the walk stops before the parser reads on.
    let mut open: Vec<Nest> = Vec::new();
    // The last top-level element's tag.
    let mut last: Option<Tag> = None;
    // Between two elements (not after an element's header, before its
    // value).
    let mut between = true;
    loop {
        // Before an element's header (not inside a sequence, where items
        // come, nor after a header).
        if between && open.last() != Some(&Nest::Sequence) {
            if let (true, Some(tag)) = (open.is_empty(), last) {
                if let Some(end) = data_set_ended(feed, tag, big_endian, out_of_order)? {
                    return Ok(end);
                }
            }
            if explicit {
                un_sequence(&mut feed.borrow_mut(), big_endian)?;
            }
        }
        let Some(token) = tokens.advance() else { break };
        let token = token?;
        let depth = open.len();
        if depth >= MAX_NESTING {
            return Err(Stop::Parser(TOO_DEEP.to_owned()));
        }
        if depth == 0 {
            last = top_level_tag(&token).or(last);
        }
        between = !matches!(token, LazyDataToken::ElementHeader(_));
        match token {
            LazyDataToken::ElementHeader(header)
                if depth == 0 && header.tag() == tags::PIXEL_DATA && !full =>
            {
                return Ok(End::StoppedAtPixelData);
            }
            LazyDataToken::PixelSequenceStart => {
                if depth == 0 && !full {
                    return Ok(End::StoppedAtPixelData);
                }
                open.push(Nest::Sequence);
            }
            LazyDataToken::SequenceStart { .. } => open.push(Nest::Sequence),
            LazyDataToken::ItemStart { .. } => {
                if open.last() != Some(&Nest::Sequence) {
                    return Err(Stop::Parser(NESTING.to_owned()));
                }
                open.push(Nest::Item);
            }
            LazyDataToken::ItemEnd => close(&mut open, Nest::Item)?,
            LazyDataToken::SequenceEnd => close(&mut open, Nest::Sequence)?,
            LazyDataToken::LazyValue { header, decoder } => {
                let tag = header.tag();
                let wanted = match collect {
                    Collect::Summary(_) => depth == 0 && WANTED.contains(&tag),
                    Collect::Listing(_) => tag == tags::REFERENCED_SOP_INSTANCE_UID_IN_FILE,
                };
                if wanted && header.len.0 <= MAX_READ_VALUE {
                    let token = LazyDataToken::LazyValue { header, decoder };
                    let value = token.into_value()?;
                    let text = clean(&value_text(&value));
                    match &mut collect {
                        Collect::Summary(summary) => keep(summary, tag, text),
                        Collect::Listing(listing) => listing.uids.push(trim_uid(&text).to_owned()),
                    }
                } else {
                    if let Some(len) = header.len.get() {
                        feed.borrow_mut().pass(u64::from(len))?;
                    }
                    LazyDataToken::LazyValue { header, decoder }.skip()?;
                }
            }
            LazyDataToken::LazyItemValue { len, decoder } => {
                feed.borrow_mut().pass(u64::from(len))?;
                LazyDataToken::LazyItemValue { len, decoder }.skip()?;
            }
            _ => {}
        }
    }
    if !open.is_empty() {
        return Ok(End::Unclosed);
    }
    Ok(End::Complete {
        assumed: tokens.into_decoder().position(),
    })
}

/// The walk's message for a sequence of VR UN that does not nest right.
const UN_NESTING: &str = "a sequence of VR UN with undefined length is not closed right";

/// CP-246: a sequence converted to VR UN (by a system that did not know
/// it, often a private one) keeps its undefined length, and its content is
/// implicit VR little endian whatever the file's transfer syntax.
/// dicom-parser 0.10 reads such content in the file's syntax and fails
/// (pydicom's `UN_sequence.dcm`), though dcmtk reads it. When the next
/// element is one, the walk reads past it here — items and their elements
/// in implicit VR, nested sequences by their delimiters — and hands the
/// parser a header with the length it found, so the parser passes over it
/// as one value. Nothing in it is summarised.
fn un_sequence(feed: &mut Feed<'_>, big_endian: bool) -> Result<(), Stop> {
    let head = feed.peek(12)?;
    let is_un_sequence = head.len() == 12
        && head[..2] != [0xfe, 0xff]
        && head[..2] != [0xff, 0xfe]
        && &head[4..6] == b"UN"
        && head[8..12] == [0xff; 4];
    if !is_un_sequence {
        return Ok(());
    }
    let mut header = feed.take_peeked(12);
    let mut open = vec![Nest::Sequence];
    let mut len: u64 = 0;
    while !open.is_empty() {
        if open.len() > MAX_NESTING {
            return Err(Stop::Parser(TOO_DEEP.to_owned()));
        }
        let mut h = [0u8; 8];
        if !feed.read_ahead(&mut h)? {
            return Err(Stop::Parser(UN_NESTING.to_owned()));
        }
        len += 8;
        let group = u16::from_le_bytes([h[0], h[1]]);
        let element = u16::from_le_bytes([h[2], h[3]]);
        let value = u32::from_le_bytes([h[4], h[5], h[6], h[7]]);
        let undefined = value == u32::MAX;
        match open.last() {
            Some(Nest::Sequence) => match (group, element) {
                (0xfffe, 0xe000) if undefined => open.push(Nest::Item),
                // An item of defined length: passed over whole.
                (0xfffe, 0xe000) => skip_ahead(feed, value, &mut len)?,
                (0xfffe, 0xe0dd) => {
                    open.pop();
                }
                _ => return Err(Stop::Parser(UN_NESTING.to_owned())),
            },
            Some(Nest::Item) => match (group, element) {
                (0xfffe, 0xe00d) => {
                    open.pop();
                }
                (0xfffe, _) => return Err(Stop::Parser(UN_NESTING.to_owned())),
                // In implicit VR only a sequence has an undefined length.
                _ if undefined => open.push(Nest::Sequence),
                _ => skip_ahead(feed, value, &mut len)?,
            },
            None => break,
        }
    }
    let len = u32::try_from(len)
        .ok()
        .filter(|&l| l != u32::MAX)
        .ok_or_else(|| Stop::Parser(UN_NESTING.to_owned()))?;
    header[8..12].copy_from_slice(&if big_endian {
        len.to_be_bytes()
    } else {
        len.to_le_bytes()
    });
    feed.put_back(&header);
    Ok(())
}

fn skip_ahead(feed: &mut Feed<'_>, n: u32, len: &mut u64) -> Result<(), Stop> {
    if !feed.skip_ahead(u64::from(n))? {
        return Err(Stop::Parser(UN_NESTING.to_owned()));
    }
    *len += u64::from(n);
    Ok(())
}

/// The tag of a token that starts a top-level element.
fn top_level_tag<D>(token: &LazyDataToken<D>) -> Option<Tag> {
    match token {
        LazyDataToken::ElementHeader(h) => Some(h.tag()),
        LazyDataToken::LazyValue { header, .. } => Some(header.tag()),
        LazyDataToken::SequenceStart { tag, .. } => Some(*tag),
        LazyDataToken::PixelSequenceStart => Some(tags::PIXEL_DATA),
        _ => None,
    }
}

const WANTED: &[Tag] = &[
    tags::SPECIFIC_CHARACTER_SET,
    tags::SOP_CLASS_UID,
    tags::SOP_INSTANCE_UID,
    tags::STUDY_DATE,
    tags::STUDY_TIME,
    tags::ACCESSION_NUMBER,
    tags::MODALITY,
    tags::STUDY_DESCRIPTION,
    tags::SERIES_DESCRIPTION,
    tags::PATIENT_NAME,
    tags::PATIENT_ID,
    tags::PATIENT_BIRTH_DATE,
    tags::PATIENT_SEX,
    tags::STUDY_INSTANCE_UID,
    tags::SERIES_INSTANCE_UID,
    tags::SERIES_NUMBER,
    tags::NUMBER_OF_FRAMES,
];

fn keep(s: &mut Summary, tag: Tag, text: String) {
    let text = match &s.specific_character_set {
        Some(cs) if cs.contains("2022") => super::iso2022::decode_extensions(&text),
        _ => text,
    };
    let opt = if text.is_empty() {
        None
    } else {
        Some(text.clone())
    };
    match tag {
        tags::SPECIFIC_CHARACTER_SET => {
            let first = text.split('\\').next().unwrap_or("").trim();
            if !first.is_empty() && SpecificCharacterSet::from_code(first).is_none() {
                s.warnings.push(WarningCode::UnknownCharacterSet);
            }
            s.specific_character_set = opt;
        }
        tags::SOP_CLASS_UID => s.sop_class_uid = text,
        tags::SOP_INSTANCE_UID => s.sop_instance_uid = text,
        tags::STUDY_INSTANCE_UID => s.study_instance_uid = text,
        tags::SERIES_INSTANCE_UID => s.series_instance_uid = text,
        tags::STUDY_DATE => s.study_date = opt,
        tags::STUDY_TIME => s.study_time = opt,
        tags::ACCESSION_NUMBER => s.accession_number = opt,
        tags::MODALITY => s.modality = opt,
        tags::STUDY_DESCRIPTION => s.study_description = opt,
        tags::SERIES_DESCRIPTION => s.series_description = opt,
        tags::PATIENT_NAME => s.patient_name = opt,
        tags::PATIENT_ID => s.patient_id = opt,
        tags::PATIENT_BIRTH_DATE => s.patient_birth_date = opt,
        tags::PATIENT_SEX => s.patient_sex = opt,
        tags::SERIES_NUMBER => s.series_number = opt,
        tags::NUMBER_OF_FRAMES => s.number_of_frames = text.parse().ok(),
        _ => {}
    }
}

/// The text of a value. Values with VR UN (implicit private dictionaries,
/// CP-246 conversions) arrive as bytes; the attributes summarised here are
/// all text, so bytes are read as text (ASCII-compatible, lossy).
fn value_text(value: &PrimitiveValue) -> String {
    match value {
        PrimitiveValue::U8(bytes) => String::from_utf8_lossy(bytes).into_owned(),
        other => other.to_str().into_owned(),
    }
}

/// Trims DICOM padding (spaces, NULs) from both ends.
fn clean(text: &str) -> String {
    text.trim_matches(|c: char| c == ' ' || c == '\0')
        .to_owned()
}

pub(super) fn trim_uid(uid: &str) -> &str {
    uid.trim_end_matches(['\0', ' '])
}
