//! The inspector: one streaming pass over a file that applies the rules.

use std::cell::RefCell;
use std::io::{self, Read, Seek};

use dicom_core::dictionary::{UidDictionary, UidType};
use dicom_core::header::Header as _;
use dicom_core::{PrimitiveValue, Tag};
use dicom_dictionary_std::{sop_class, tags, uids};
use dicom_encoding::text::SpecificCharacterSet;
use dicom_encoding::transfer_syntax::{Codec, TransferSyntaxIndex};
use dicom_object::meta::FileMetaTable;
use dicom_parser::dataset::lazy_read::LazyDataSetReader;
use dicom_parser::dataset::LazyDataToken;
use dicom_parser::stateful::decode::{DynStatefulDecoder, StatefulDecode};
use dicom_transfer_syntax_registry::TransferSyntaxRegistry;

use super::meta::{read_meta_group, MetaProblem};
use super::reason::{RejectCode, WarningCode};
use super::source::{Feed, Prefixed, Seekable, Shared, Skip, Streamed};
use super::uid::is_valid_uid;
use super::{Limits, Rejection, Scope, Summary, Verdict};

/// Largest value the inspector reads into memory for an attribute it
/// summarises; longer values are skipped (and a UID that long is invalid).
const MAX_READ_VALUE: u32 = 1024;

/// Applies the rules to `bytes`, the first `bytes.len()` bytes of a file of
/// `file_len` bytes. When `bytes` is the whole file the check is full;
/// otherwise the verdict rests on the prefix (reading stops at Pixel Data).
pub fn inspect(bytes: &[u8], file_len: u64, limits: &Limits) -> Verdict {
    inspect_reader(bytes, file_len, bytes.len() as u64, limits)
}

/// Applies the rules to a stream holding the first `available` bytes of a
/// file of `file_len` bytes. Memory use is bounded by the parser's buffers,
/// whatever the file size: values that are not summarised are skipped.
pub fn inspect_reader<R: Read>(
    reader: R,
    file_len: u64,
    available: u64,
    limits: &Limits,
) -> Verdict {
    verdict(run(Streamed(reader), file_len, available, limits, None))
}

/// Applies the rules to a whole file of `file_len` bytes that can be read
/// out of order (`reader` at its start): the same check as over the whole
/// stream, but the values it does not look at — the pixel data above all —
/// are passed over rather than read. What the page does for every file.
pub fn inspect_seekable<R: Read + Seek>(reader: R, file_len: u64, limits: &Limits) -> Verdict {
    verdict(run(
        Seekable::new(reader, file_len),
        file_len,
        file_len,
        limits,
        None,
    ))
}

fn verdict(ran: Result<Summary, Rejection>) -> Verdict {
    match ran {
        Ok(summary) => Verdict::Accepted(Box::new(summary)),
        Err(rejection) => Verdict::Rejected(rejection),
    }
}

/// Sequences and items open at once, at most. Real objects nest a few
/// levels (structured reports a dozen or two); dicom-parser keeps state for
/// every level, so a small deflated file of nothing but nesting could
/// otherwise take gigabytes.
pub const MAX_NESTING: usize = 128;

/// The walk's message for nesting deeper than [`MAX_NESTING`].
const TOO_DEEP: &str = "sequences are nested deeper than any real object";

/// Reads until `buf` is full or the source ends; returns how much was read.
pub(super) fn read_up_to<R: Read>(r: &mut R, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match r.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

/// The images a whole DICOMDIR of `file_len` bytes lists (its directory
/// records' Referenced SOP Instance UIDs in File, as read), or `None` when
/// the stream is not a DICOMDIR the rules can read to its end.
pub(super) fn dicomdir_listing<R: Read>(reader: R, file_len: u64) -> Option<Vec<String>> {
    let mut listing = Listing::default();
    let verdict = run(
        Streamed(reader),
        file_len,
        file_len,
        &Limits::default(),
        Some(&mut listing),
    );
    match verdict {
        Err(r) if r.code == RejectCode::Dicomdir && listing.complete => Some(listing.uids),
        _ => None,
    }
}

/// What a walk over a DICOMDIR collects.
#[derive(Debug, Default)]
struct Listing {
    uids: Vec<String>,
    /// The data set was read until the file ended, without a parse error
    /// (records running past the end are tolerated, as dcmtk does).
    complete: bool,
}

/// What the walk keeps of the values it passes.
enum Collect<'a> {
    /// The top-level attributes an image's summary needs.
    Summary(&'a mut Summary),
    /// Every (0004,1511) Referenced SOP Instance UID in File, at any depth.
    Listing(&'a mut Listing),
}

/// The rules. With `listing`, a DICOMDIR's records are read into it before
/// the file is refused as a DICOMDIR.
fn run<S: Skip>(
    mut reader: S,
    file_len: u64,
    available: u64,
    limits: &Limits,
    listing: Option<&mut Listing>,
) -> Result<Summary, Rejection> {
    if file_len == 0 {
        return Err(Rejection::new(RejectCode::Empty));
    }
    if file_len > limits.max_file_size {
        return Err(Rejection::new(RejectCode::TooLarge));
    }
    let full = available >= file_len;

    let mut head = [0u8; 132];
    let n = read_up_to(&mut reader, &mut head)
        .map_err(|_| Rejection::with(RejectCode::Malformed, "read error"))?;
    if n < head.len() || &head[128..132] != b"DICM" {
        return Err(Rejection::new(sniff(&head[..n])));
    }
    // A preamble that runs as a program makes the file an executable too.
    if is_program(&head[..128]) {
        return Err(Rejection::new(RejectCode::ExecutablePreamble));
    }

    // The file meta group, read into a bounded buffer and checked before
    // dicom-object parses it (it reserves whatever length an element
    // claims, so a crafted header could make it reserve gigabytes).
    let read_meta = match read_meta_group(&mut reader) {
        Ok(meta) => meta,
        Err(MetaProblem::Short) if full => return Err(Rejection::new(RejectCode::Truncated)),
        Err(_) => return Err(Rejection::new(RejectCode::BadFileMeta)),
    };
    // What was read past the group belongs to the data set.
    let reader = Prefixed::new(read_meta.after, reader);
    let mut meta_src = io::Read::chain(&b"DICM"[..], &read_meta.bytes[..]);
    let meta = match FileMetaTable::from_reader(&mut meta_src) {
        Ok(meta) => meta,
        Err(_) => return Err(Rejection::new(RejectCode::BadFileMeta)),
    };
    let ts_uid = trim_uid(meta.transfer_syntax()).to_owned();
    if ts_uid.is_empty() {
        return Err(Rejection::new(RejectCode::BadFileMeta));
    }
    let ts = TransferSyntaxRegistry
        .get(&ts_uid)
        .ok_or_else(|| Rejection::with(RejectCode::UnknownTransferSyntax, ts_uid.clone()))?;

    let mut summary = Summary {
        scope: Some(if full { Scope::Full } else { Scope::Prefix }),
        size: file_len,
        dataset_offset: read_meta.dataset_offset,
        transfer_syntax_uid: ts_uid.clone(),
        transfer_syntax_name: ts.name().to_owned(),
        ..Summary::default()
    };

    if read_meta.made_up_length {
        summary.warnings.push(WarningCode::NoMetaGroupLength);
    }
    let meta_sop_class = trim_uid(meta.media_storage_sop_class_uid()).to_owned();
    if meta_sop_class == uids::MEDIA_STORAGE_DIRECTORY_STORAGE {
        if let (Some(listing), Some(source), true) = (listing, dataset(reader, ts), full) {
            let feed = RefCell::new(Feed::new(source, u64::MAX));
            let walked = walk(&feed, ts, true, Collect::Listing(&mut *listing));
            // Lenient like dcmtk: a DICOMDIR whose records run past its
            // end (a sequence length not updated after an edit) still
            // lists what it holds; only a parse error voids the list.
            listing.complete = walked.end.is_ok();
        }
        return Err(Rejection::new(RejectCode::Dicomdir));
    }

    // The data set, streamed.
    let Some(source) = dataset(reader, ts) else {
        return Err(Rejection::with(
            RejectCode::UnsupportedTransferSyntax,
            ts_uid,
        ));
    };
    let feed = RefCell::new(Feed::new(source, limits.max_file_size));
    let walked = walk(&feed, ts, full, Collect::Summary(&mut summary));
    let Feed { read, eof, cap, .. } = *feed.borrow();
    if read > cap {
        return Err(Rejection::new(RejectCode::TooLarge));
    }
    let (end, out_of_order) = (walked.end, walked.out_of_order);
    // The parser skips values by copying; a short copy is not an error to
    // it, so compare what it assumed with what arrived.
    let cut = match &end {
        Ok(End::Complete { assumed }) => full && *assumed > read,
        Ok(End::Unclosed) => full,
        Ok(End::StoppedAtPixelData | End::Padded { .. }) | Err(Stop::TrailingData) => false,
        Err(Stop::Parser(_)) => full && eof,
    };
    if out_of_order && (cut || matches!(end, Err(Stop::Parser(_)))) {
        // An element out of order after which nothing can be read: bytes
        // that are not part of the data set follow it.
        return Err(Rejection::new(RejectCode::TrailingData));
    }
    match end {
        _ if cut => return Err(Rejection::new(RejectCode::Truncated)),
        Ok(End::Padded { at }) => {
            summary.warnings.push(WarningCode::TrailingPadding);
            // What a C-STORE sends ends there (a deflated stream ends
            // where the inflater stops, before any padding).
            if !matches!(ts.codec(), Codec::Dataset(Some(_))) {
                summary.dataset_end = Some(summary.dataset_offset + at);
            }
        }
        Ok(_) => {}
        Err(Stop::TrailingData) => return Err(Rejection::new(RejectCode::TrailingData)),
        Err(Stop::Parser(_)) if eof && !full => {} // the prefix ended mid-element
        Err(Stop::Parser(e)) => return Err(Rejection::with(RejectCode::Malformed, e)),
    }

    check_identity(&mut summary, &meta, &meta_sop_class)?;
    Ok(summary)
}

/// The data set after the file meta group, inflated if the transfer syntax
/// is deflated; `None` for a data set codec this build lacks.
fn dataset<'r, S: Skip + 'r>(
    reader: S,
    ts: &dicom_encoding::TransferSyntax,
) -> Option<Box<dyn Skip + 'r>> {
    match ts.codec() {
        Codec::Dataset(Some(adapter)) => {
            Some(Box::new(Streamed(adapter.adapt_reader(Box::new(reader)))))
        }
        Codec::Dataset(None) => None,
        Codec::None | Codec::EncapsulatedPixelData(..) => Some(Box::new(reader)),
    }
}

/// How the walk over the data set ended.
enum End {
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
enum Stop {
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
struct Walked {
    end: Result<End, Stop>,
    /// A top-level element did not ascend (PS3.5 7.1); dcmtk reads such
    /// files, so this alone refuses nothing.
    out_of_order: bool,
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
fn walk(
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
    let mut header = feed.take(12);
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

fn trim_uid(uid: &str) -> &str {
    uid.trim_end_matches(['\0', ' '])
}

/// Rules 5 and 6: SOP class kind and the four identifying UIDs.
fn check_identity(
    s: &mut Summary,
    meta: &FileMetaTable,
    meta_sop_class: &str,
) -> Result<(), Rejection> {
    let checks = [
        (
            &s.sop_class_uid,
            RejectCode::MissingSopClassUid,
            RejectCode::InvalidSopClassUid,
        ),
        (
            &s.sop_instance_uid,
            RejectCode::MissingSopInstanceUid,
            RejectCode::InvalidSopInstanceUid,
        ),
        (
            &s.study_instance_uid,
            RejectCode::MissingStudyInstanceUid,
            RejectCode::InvalidStudyInstanceUid,
        ),
        (
            &s.series_instance_uid,
            RejectCode::MissingSeriesInstanceUid,
            RejectCode::InvalidSeriesInstanceUid,
        ),
    ];
    for (value, missing, invalid) in checks {
        if value.is_empty() {
            return Err(Rejection::new(missing));
        }
        if !is_valid_uid(value) {
            return Err(Rejection::new(invalid));
        }
    }
    match storage_class(&s.sop_class_uid) {
        ClassKind::Dicomdir => return Err(Rejection::new(RejectCode::Dicomdir)),
        ClassKind::NotStorage => {
            return Err(Rejection::with(
                RejectCode::NotStorage,
                s.sop_class_uid.clone(),
            ))
        }
        ClassKind::Storage(name) => s.sop_class_name = Some(name.to_owned()),
        ClassKind::Private => s.warnings.push(WarningCode::PrivateSopClass),
    }
    let meta_instance = trim_uid(meta.media_storage_sop_instance_uid());
    if meta_sop_class != s.sop_class_uid || meta_instance != s.sop_instance_uid {
        s.warnings.push(WarningCode::MetaUidMismatch);
    }
    Ok(())
}

enum ClassKind {
    Storage(&'static str),
    Dicomdir,
    NotStorage,
    Private,
}

/// Classifies a SOP class UID with the standard's UID registry. A class is
/// a storage class when its name says so (“… Storage”, “… Storage - For
/// Presentation”, retired ones included); classes outside the standard's
/// root `1.2.840.10008` are vendors' private classes.
fn storage_class(uid: &str) -> ClassKind {
    if uid == uids::MEDIA_STORAGE_DIRECTORY_STORAGE {
        return ClassKind::Dicomdir;
    }
    match sop_class::registry().by_uid(uid) {
        Some(entry) if entry.r#type == UidType::SopClass && is_storage_name(entry.name) => {
            ClassKind::Storage(entry.name)
        }
        Some(_) => ClassKind::NotStorage,
        None if uid.starts_with("1.2.840.10008.") => ClassKind::NotStorage,
        None => ClassKind::Private,
    }
}

/// Whether a standard SOP class name denotes a storage SOP class.
pub(crate) fn is_storage_name(name: &str) -> bool {
    let name = name.trim_end_matches(" (Retired)");
    !name.starts_with("Storage Commitment")
        && !name.starts_with("Storage Management")
        && (name.ends_with(" Storage")
            || name.contains(" Storage - For ")
            || name.ends_with(" Storage SOP Class"))
}

/// Whether bytes start like an executable: Windows PE (`MZ`), ELF, or
/// Mach-O (32/64 bit either byte order, and universal binaries).
fn is_program(head: &[u8]) -> bool {
    const MAGICS: [&[u8]; 7] = [
        b"MZ",
        b"\x7fELF",
        &[0xfe, 0xed, 0xfa, 0xce],
        &[0xfe, 0xed, 0xfa, 0xcf],
        &[0xce, 0xfa, 0xed, 0xfe],
        &[0xcf, 0xfa, 0xed, 0xfe],
        &[0xca, 0xfe, 0xba, 0xbe],
    ];
    MAGICS.iter().any(|m| head.starts_with(m))
}

/// Names what a non-PS3.10 file is from its first bytes.
fn sniff(head: &[u8]) -> RejectCode {
    let starts = |magic: &[u8]| head.starts_with(magic);
    if is_program(head) {
        RejectCode::Program
    } else if starts(b"PK\x03\x04")
        || starts(b"PK\x05\x06")
        || starts(&[0x1f, 0x8b])
        || starts(b"7z\xbc\xaf\x27\x1c")
        || starts(b"Rar!")
    {
        RejectCode::Archive
    } else if starts(b"%PDF-") {
        RejectCode::Pdf
    } else if looks_like_raw_dataset(head) {
        RejectCode::MissingFileMeta
    } else {
        RejectCode::NotDicom
    }
}

/// A data set written without preamble and meta group starts with a small
/// even group number (0x0008 in practice) and a plausible element header,
/// in either byte order.
fn looks_like_raw_dataset(head: &[u8]) -> bool {
    if head.len() < 8 {
        return false;
    }
    let le = u16::from_le_bytes([head[0], head[1]]);
    let be = u16::from_be_bytes([head[0], head[1]]);
    let vr_ok = head[4].is_ascii_uppercase() && head[5].is_ascii_uppercase();
    let implicit_len_ok = u32::from_le_bytes([head[4], head[5], head[6], head[7]]) < 0x1_0000;
    (le == 0x0008 && (vr_ok || implicit_len_ok)) || (be == 0x0008 && vr_ok)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn storage_names() {
        assert!(is_storage_name("CT Image Storage"));
        assert!(is_storage_name(
            "Digital X-Ray Image Storage - For Presentation"
        ));
        assert!(is_storage_name("Encapsulated PDF Storage"));
        assert!(is_storage_name("Nuclear Medicine Image Storage (Retired)"));
        assert!(!is_storage_name("Storage Commitment Push Model SOP Class"));
        assert!(!is_storage_name("Verification SOP Class"));
        assert!(!is_storage_name(
            "Modality Worklist Information Model - FIND"
        ));
    }

    #[test]
    fn classes() {
        assert!(matches!(
            storage_class("1.2.840.10008.5.1.4.1.1.2"),
            ClassKind::Storage(_)
        ));
        assert!(matches!(
            storage_class("1.2.840.10008.1.3.10"),
            ClassKind::Dicomdir
        ));
        assert!(matches!(
            storage_class("1.2.840.10008.1.1"),
            ClassKind::NotStorage
        ));
        assert!(matches!(
            storage_class("1.2.840.10008.99.99"),
            ClassKind::NotStorage
        ));
        assert!(matches!(
            storage_class("1.3.12.2.1107.5.9.1"),
            ClassKind::Private
        ));
    }

    #[test]
    fn sniffing() {
        assert_eq!(sniff(b"MZ\x90\x00"), RejectCode::Program);
        assert_eq!(sniff(b"PK\x03\x04rest"), RejectCode::Archive);
        assert_eq!(sniff(&[0x1f, 0x8b, 8, 0]), RejectCode::Archive);
        assert_eq!(sniff(b"%PDF-1.4"), RejectCode::Pdf);
        assert_eq!(sniff(b"[autorun]\r\nopen=viewer.exe"), RejectCode::NotDicom);
        assert_eq!(
            sniff(b"\x08\x00\x05\x00CS\x0a\x00"),
            RejectCode::MissingFileMeta
        );
        assert_eq!(sniff(b""), RejectCode::NotDicom);
    }

    /// Found by the `dicom_inspect` fuzz target: an element of the file meta
    /// group claims 0xF2F2F2F2 bytes, and dicom-object reserved that much.
    #[test]
    fn meta_element_longer_than_its_group_is_refused_without_allocating() {
        let mut f = vec![0u8; 128];
        f.extend_from_slice(b"DICM");
        f.extend_from_slice(&[0x02, 0x00, 0x00, 0x00, b'U', b'L', 4, 0, 20, 0, 0, 0]);
        f.extend_from_slice(&[
            0x02, 0x00, 0x03, 0x00, b'U', b'T', 0, 0, 0xf2, 0xf2, 0xf2, 0xf2,
        ]);
        f.extend_from_slice(&[0u8; 8]);
        let v = inspect(&f, f.len() as u64, &Limits::default());
        assert_eq!(v.rejected().map(|r| r.code), Some(RejectCode::BadFileMeta));
        // A meta group longer than the maximum is refused before reading it.
        let mut g = vec![0u8; 128];
        g.extend_from_slice(b"DICM");
        g.extend_from_slice(&[
            0x02, 0x00, 0x00, 0x00, b'U', b'L', 4, 0, 0xff, 0xff, 0xff, 0x7f,
        ]);
        let v = inspect(
            &g,
            1 << 40,
            &Limits {
                max_file_size: u64::MAX,
            },
        );
        assert_eq!(v.rejected().map(|r| r.code), Some(RejectCode::BadFileMeta));
    }

    /// Issue 14: files whose file meta group has no (0002,0000) were
    /// refused as `bad-file-meta`, though dcmtk and Orthanc read them.
    #[test]
    #[allow(clippy::unwrap_used, clippy::panic)]
    fn a_file_meta_group_without_its_length_is_read_element_by_element() {
        use crate::dicom::synth::{ct_image, without_group_length};
        let good = ct_image("1.2.3.4", "1.2.3", "DOE^JANE", 64, 0);
        let bare = without_group_length(&good);
        assert_eq!(bare.len() + 12, good.len());
        let v = inspect(&bare, bare.len() as u64, &Limits::default());
        let s = v.accepted().unwrap_or_else(|| panic!("{v:?}"));
        assert_eq!(s.warnings, [WarningCode::NoMetaGroupLength]);
        assert_eq!(s.sop_instance_uid, "1.2.3.4");
        let w = inspect(&good, good.len() as u64, &Limits::default());
        let w = w.accepted().unwrap();
        assert!(w.warnings.is_empty());
        // The data set starts where it does in the file, in both.
        assert_eq!(s.dataset_offset + 12, w.dataset_offset);
        assert_eq!(
            bare[s.dataset_offset as usize..],
            good[w.dataset_offset as usize..]
        );
        // A prefix (as the page reads a large file) says the same.
        let head = &bare[..bare.len() - 40];
        let p = inspect(head, bare.len() as u64, &Limits::default());
        assert_eq!(
            p.accepted().map(|p| p.warnings.clone()),
            Some(s.warnings.clone())
        );
        // A group that is actually inconsistent is still refused: an
        // unknown VR, an element running past the limit, a file ending
        // inside the group.
        let mut unknown_vr = bare.clone();
        unknown_vr[132 + 4..132 + 6].copy_from_slice(b"ZZ");
        let mut too_long = bare.clone();
        too_long[132 + 8..132 + 12].copy_from_slice(&0x7fff_ffffu32.to_le_bytes());
        for (name, f) in [("unknown VR", &unknown_vr), ("too long", &too_long)] {
            let v = inspect(f, f.len() as u64, &Limits::default());
            assert_eq!(
                v.rejected().map(|r| r.code),
                Some(RejectCode::BadFileMeta),
                "{name}"
            );
        }
        let cut = &bare[..150];
        let v = inspect(cut, cut.len() as u64, &Limits::default());
        assert_eq!(v.rejected().map(|r| r.code), Some(RejectCode::Truncated));
    }

    /// Found by the `dicom_inspect` fuzz target in CI: an item delimiter
    /// at the top level followed by an item header made dicom-parser 0.10's
    /// lazy reader panic ("item header should be read only inside an
    /// existing sequence"). The walk now refuses a delimiter that closes
    /// nothing, before the parser reads on.
    #[test]
    fn nesting_deeper_than_the_limit_is_malformed_and_below_it_accepted() {
        use crate::dicom::synth::ct_image;
        // A valid image with `levels` nested sequences, each in an item,
        // after Pixel Data (a private SQ with undefined lengths), closed.
        let nested = |levels: usize| {
            let mut f = ct_image("1.2.3.4", "1.2.3", "DOE^JANE", 64, 0);
            for _ in 0..levels {
                f.extend_from_slice(&[0xe1, 0x7f, 0x10, 0x10, b'S', b'Q', 0, 0]);
                f.extend_from_slice(&[0xff; 4]);
                f.extend_from_slice(&[0xfe, 0xff, 0x00, 0xe0, 0xff, 0xff, 0xff, 0xff]);
            }
            for _ in 0..levels {
                f.extend_from_slice(&[0xfe, 0xff, 0x0d, 0xe0, 0, 0, 0, 0]);
                f.extend_from_slice(&[0xfe, 0xff, 0xdd, 0xe0, 0, 0, 0, 0]);
            }
            f
        };
        let shallow = nested(MAX_NESTING / 2 - 1);
        let v = inspect(&shallow, shallow.len() as u64, &Limits::default());
        assert!(v.accepted().is_some(), "{v:?}");
        let deep = nested(MAX_NESTING / 2 + 1);
        let v = inspect(&deep, deep.len() as u64, &Limits::default());
        assert_eq!(v.rejected().map(|r| r.code), Some(RejectCode::Malformed));
    }

    #[test]
    fn a_preamble_that_is_a_program_is_refused() {
        use crate::dicom::synth::ct_image;
        let good = ct_image("1.2.3.4", "1.2.3", "DOE^JANE", 64, 0);
        assert!(inspect(&good, good.len() as u64, &Limits::default())
            .accepted()
            .is_some());
        let magics: [&[u8]; 4] = [
            b"MZ\x90\x00",
            b"\x7fELF",
            &[0xcf, 0xfa, 0xed, 0xfe],
            &[0xfe, 0xed, 0xfa, 0xce],
        ];
        for magic in magics {
            let mut f = good.clone();
            f[..magic.len()].copy_from_slice(magic);
            let v = inspect(&f, f.len() as u64, &Limits::default());
            assert_eq!(
                v.rejected().map(|r| r.code),
                Some(RejectCode::ExecutablePreamble),
                "{magic:?}"
            );
        }
    }

    #[test]
    fn stray_item_delimiter_is_malformed_not_a_panic() {
        use crate::dicom::synth::{element, file_head, CT_IMAGE_STORAGE};
        let mut f = file_head(CT_IMAGE_STORAGE, "1.2.3.4");
        element(&mut f, 0x0008, 0x0016, b"UI", CT_IMAGE_STORAGE.as_bytes());
        // (FFFE,E00D) item delimitation item, then (FFFE,E000) an item.
        f.extend_from_slice(&[0xfe, 0xff, 0x0d, 0xe0, 0, 0, 0, 0]);
        f.extend_from_slice(&[0xfe, 0xff, 0x00, 0xe0, 4, 0, 0, 0, 1, 2, 3, 4]);
        element(&mut f, 0x0008, 0x0018, b"UI", b"1.2.3.4");
        let big = f.len() as u64 + (1 << 20);
        for file_len in [f.len() as u64, big] {
            // whole file, and a prefix of a longer one
            let v = inspect(&f, file_len, &Limits::default());
            assert_eq!(
                v.rejected().map(|r| r.code),
                Some(RejectCode::Malformed),
                "file_len {file_len}"
            );
        }
        // A sequence delimiter that closes nothing is refused alike.
        let mut g = file_head(CT_IMAGE_STORAGE, "1.2.3.4");
        element(&mut g, 0x0008, 0x0016, b"UI", CT_IMAGE_STORAGE.as_bytes());
        g.extend_from_slice(&[0xfe, 0xff, 0xdd, 0xe0, 0, 0, 0, 0]);
        g.extend_from_slice(&[0xfe, 0xff, 0x00, 0xe0, 4, 0, 0, 0, 1, 2, 3, 4]);
        element(&mut g, 0x0008, 0x0018, b"UI", b"1.2.3.4");
        let v = inspect(&g, g.len() as u64, &Limits::default());
        assert!(v.rejected().is_some());
    }

    /// Found by the `dicomdir` fuzz target: a meta element with an
    /// unknown VR ("UG") passed the group check with a 2-byte length, and
    /// dicom-object then read a 4-byte length from the value and reserved
    /// 3.5 GB. The group check now knows every VR's length size.
    #[test]
    fn meta_element_with_an_unknown_vr_is_refused_before_parsing() {
        use crate::dicom::synth::{file_head, CT_IMAGE_STORAGE};
        let good = file_head(CT_IMAGE_STORAGE, "1.2.3.4");
        // (0002,0003) UI: 128 + "DICM" + group length (12) + (0002,0001)
        // (14) + (0002,0002) (8 + 26).
        let at = 132 + 12 + 14 + 8 + CT_IMAGE_STORAGE.len() + 1;
        assert_eq!(good[at..at + 6], [0x02, 0x00, 0x03, 0x00, b'U', b'I']);
        let mut bad = good.clone();
        bad[at + 4..at + 6].copy_from_slice(b"UG");
        assert!(read_meta_group(&mut &good[132..]).is_ok());
        assert!(matches!(
            read_meta_group(&mut &bad[132..]),
            Err(MetaProblem::Malformed)
        ));
        let v = inspect(&bad, bad.len() as u64, &Limits::default());
        assert_eq!(v.rejected().map(|r| r.code), Some(RejectCode::BadFileMeta));
    }

    #[test]
    fn empty_and_too_large() {
        let limits = Limits { max_file_size: 10 };
        assert_eq!(
            inspect(b"", 0, &limits).rejected().map(|r| r.code),
            Some(RejectCode::Empty)
        );
        assert_eq!(
            inspect(&[0; 11], 11, &limits).rejected().map(|r| r.code),
            Some(RejectCode::TooLarge)
        );
    }
}
