//! The file meta group (PS3.10 group 0002), read into a bounded buffer and
//! checked element by element before dicom-object parses it: dicom-object
//! reserves whatever length an element claims, so a crafted header could
//! make it reserve gigabytes. Security-sensitive: every length is checked
//! against what was read and against [`MAX_META_LEN`]; fuzzed through
//! `dicom_inspect`.

use std::io::Read;

use super::source::read_up_to;

/// Largest file meta group accepted; real ones are a few hundred bytes.
pub(super) const MAX_META_LEN: u32 = 64 * 1024;

/// Why the file meta group was not read.
pub(super) enum MetaProblem {
    /// The file ended inside it.
    Short,
    /// It is not a well-formed group 0002 within its declared length.
    Malformed,
}

/// The file meta group as read.
pub(super) struct ReadMeta {
    /// The group, explicit VR little endian, starting with (0002,0000).
    pub bytes: Vec<u8>,
    /// Bytes read past the group: the start of the data set.
    pub after: Vec<u8>,
    /// Where the data set starts in the file.
    pub dataset_offset: u64,
    /// The file had no (0002,0000): its length is made up in `bytes`.
    pub made_up_length: bool,
}

/// (0002,0000) UL, explicit VR little endian, before its 4-byte value.
const GROUP_LENGTH_HEAD: [u8; 8] = [0x02, 0x00, 0x00, 0x00, b'U', b'L', 0x04, 0x00];

/// Reads the file meta group (after `DICM`): (0002,0000) UL with the
/// group's length, then exactly that many bytes, whose elements must all be
/// group 0002, explicit VR little endian, and fit inside the group.
///
/// Without (0002,0000) — common tools write such files, and dcmtk and
/// Orthanc read them — the group is read element by element while the
/// tags are group 0002 (each element checked as above, the whole bounded
/// by [`MAX_META_LEN`]), and its length is made up so that dicom-object
/// can read it; the file's bytes are forwarded as they are.
pub(super) fn read_meta_group<R: Read>(reader: &mut R) -> Result<ReadMeta, MetaProblem> {
    let mut head = [0u8; 12];
    if read_up_to(reader, &mut head).map_err(|_| MetaProblem::Short)? < head.len() {
        return Err(MetaProblem::Short);
    }
    if head[..8] != GROUP_LENGTH_HEAD {
        return if head[..2] == [0x02, 0x00] {
            read_meta_elements(reader, &head)
        } else {
            Err(MetaProblem::Malformed)
        };
    }
    let len = u32::from_le_bytes([head[8], head[9], head[10], head[11]]);
    if len > MAX_META_LEN {
        return Err(MetaProblem::Malformed);
    }
    let mut rest = vec![0u8; len as usize];
    if read_up_to(reader, &mut rest).map_err(|_| MetaProblem::Short)? < rest.len() {
        return Err(MetaProblem::Short);
    }
    let mut at = 0usize;
    while at < rest.len() {
        let (value_len, header_len) = meta_element_extent(rest.get(at..).unwrap_or_default())?
            .ok_or(MetaProblem::Malformed)?;
        if rest.get(at..at + 2) != Some(&[0x02, 0x00][..]) {
            return Err(MetaProblem::Malformed);
        }
        at = at
            .checked_add(header_len)
            .and_then(|a| a.checked_add(value_len))
            .filter(|end| *end <= rest.len())
            .ok_or(MetaProblem::Malformed)?;
    }
    let mut bytes = Vec::with_capacity(12 + rest.len());
    bytes.extend_from_slice(&head);
    bytes.extend_from_slice(&rest);
    Ok(ReadMeta {
        dataset_offset: 132 + bytes.len() as u64,
        bytes,
        after: Vec::new(),
        made_up_length: false,
    })
}

/// The meta group without (0002,0000), `head` its first 12 bytes.
fn read_meta_elements<R: Read>(reader: &mut R, head: &[u8; 12]) -> Result<ReadMeta, MetaProblem> {
    let mut group = Vec::new();
    let mut pending = head.to_vec();
    loop {
        fill_to(reader, &mut pending, 8)?;
        if !pending.is_empty() && pending.len() < 8 {
            // The file ends inside an element's header.
            return Err(MetaProblem::Short);
        }
        if pending.len() < 8 || pending[..2] != [0x02, 0x00] {
            // The data set begins (or the file ends) here.
            break;
        }
        let extent = match meta_element_extent(&pending)? {
            Some(extent) => extent,
            None => {
                fill_to(reader, &mut pending, 12)?;
                meta_element_extent(&pending)?.ok_or(MetaProblem::Short)?
            }
        };
        let total = extent
            .0
            .checked_add(extent.1)
            .filter(|t| group.len() + t <= MAX_META_LEN as usize)
            .ok_or(MetaProblem::Malformed)?;
        fill_to(reader, &mut pending, total)?;
        if pending.len() < total {
            return Err(MetaProblem::Short);
        }
        group.extend(pending.drain(..total));
    }
    if group.is_empty() {
        return Err(MetaProblem::Malformed);
    }
    let len = u32::try_from(group.len()).map_err(|_| MetaProblem::Malformed)?;
    let mut bytes = Vec::with_capacity(12 + group.len());
    bytes.extend_from_slice(&GROUP_LENGTH_HEAD);
    bytes.extend_from_slice(&len.to_le_bytes());
    bytes.extend_from_slice(&group);
    Ok(ReadMeta {
        dataset_offset: 132 + group.len() as u64,
        bytes,
        after: pending,
        made_up_length: true,
    })
}

/// Reads from `reader` until `buf` holds `want` bytes or the source ends.
fn fill_to<R: Read>(reader: &mut R, buf: &mut Vec<u8>, want: usize) -> Result<(), MetaProblem> {
    if buf.len() >= want {
        return Ok(());
    }
    let have = buf.len();
    buf.resize(want, 0);
    let n = read_up_to(reader, &mut buf[have..]).map_err(|_| MetaProblem::Short)?;
    buf.truncate(have + n);
    Ok(())
}

/// An explicit VR little endian element's (value length, header length)
/// from its first bytes; `None` when more bytes are needed (8 are; 12 for
/// the VRs with a 4-byte length).
fn meta_element_extent(h: &[u8]) -> Result<Option<(usize, usize)>, MetaProblem> {
    let Some(vr) = h.get(4..6) else {
        return Ok(None);
    };
    match vr {
        b"OB" | b"OW" | b"OF" | b"OD" | b"OL" | b"OV" | b"SQ" | b"UC" | b"UN" | b"UR" | b"UT"
        | b"SV" | b"UV" => Ok(h
            .get(8..12)
            .map(|l| (u32::from_le_bytes([l[0], l[1], l[2], l[3]]) as usize, 12))),
        b"AE" | b"AS" | b"AT" | b"CS" | b"DA" | b"DS" | b"DT" | b"FL" | b"FD" | b"IS" | b"LO"
        | b"LT" | b"PN" | b"SH" | b"SL" | b"SS" | b"ST" | b"TM" | b"UI" | b"UL" | b"US" => Ok(h
            .get(6..8)
            .map(|l| (usize::from(u16::from_le_bytes([l[0], l[1]])), 8))),
        // An unknown VR: dicom-object would read it with a 4-byte
        // length taken from wherever that lands, and reserve it.
        _ => Err(MetaProblem::Malformed),
    }
}
