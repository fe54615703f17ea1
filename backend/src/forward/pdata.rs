//! A C-STORE's data set as P-DATA-TF PDUs (PS3.8 9.3.5), laid out here
//! rather than by dicom-ul (see [`send_dataset`]). Small and on its own:
//! it decides what the PACS takes for a whole object.

use std::io::{Read, Write};

/// Largest data fragment per P-DATA PDU when the PACS accepts PDUs of any
/// size (a maximum of 0): a few system calls per megabyte, little memory.
const MAX_FRAGMENT: u32 = 256 * 1024;
/// A P-DATA-TF PDU's bytes before its one fragment (PS3.8 9.3.5): type,
/// reserved, PDU length (4), item length (4), presentation context,
/// message control header.
const PDATA_HEAD: usize = 12;

/// Sends `len` bytes of `source` as one message's data set: P-DATA-TF PDUs
/// of one fragment each, no larger than the PACS accepts (`max_pdu`, from
/// its A-ASSOCIATE-AC), each fragment even, the last marked last — and that
/// one only once every byte before it went out, so a send that fails
/// midway never looks like a whole object to the PACS (it discards a
/// message without its last fragment when the association is aborted).
///
/// Written here rather than with dicom-ul's `PDataWriter` (0.10): its
/// `write` returns `Ok(0)` after a write that filled a PDU exactly (with
/// Orthanc's 16 KiB PDUs and `io::copy`'s 8 KiB pieces, first after
/// 67,084,288 bytes), which fails `write_all`; and dropping the writer then
/// sends what it holds as the last fragment, so the PACS stored a
/// truncated object as whole. Nor with `send(&Pdu::PData)`, which copies
/// each fragment three times. The file's bytes are read into the PDU's
/// buffer and written from there, once.
pub(super) fn send_dataset(
    stream: &mut impl Write,
    pc: u8,
    max_pdu: u32,
    source: &mut impl Read,
    len: u64,
) -> std::io::Result<()> {
    // PS3.8 9.3.5: fragments are of even length. Only a deflated data set
    // can be odd, and PS3.5 A.5 pads a deflated stream with one NUL byte.
    let padded = len + len % 2;
    // A PDU holds its fragment and 6 bytes (item length, context, header).
    let fragment = max_pdu.saturating_sub(6).clamp(2, MAX_FRAGMENT) & !1;
    let mut pdu = Vec::with_capacity(PDATA_HEAD + fragment as usize);
    let mut sent = 0u64;
    loop {
        // At most `fragment` (a u32): the casts below cannot truncate.
        let n = u64::from(fragment).min(padded - sent);
        let from_file = n.min(len.saturating_sub(sent));
        let last = sent + n == padded;
        pdu.clear();
        pdu.push(0x04); // P-DATA-TF
        pdu.push(0);
        pdu.extend_from_slice(&(n as u32 + 6).to_be_bytes());
        pdu.extend_from_slice(&(n as u32 + 2).to_be_bytes());
        pdu.push(pc);
        pdu.push(if last { 0x02 } else { 0x00 }); // data set, last or not
        pdu.resize(PDATA_HEAD + n as usize, 0);
        source.read_exact(&mut pdu[PDATA_HEAD..PDATA_HEAD + from_file as usize])?;
        stream.write_all(&pdu)?;
        sent += n;
        if last {
            return Ok(());
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// The PDUs in `wire`: (item length, context, control header, fragment).
    fn pdus(mut wire: &[u8]) -> Vec<(u32, u8, u8, Vec<u8>)> {
        let mut out = Vec::new();
        while !wire.is_empty() {
            assert_eq!(&wire[..2], &[0x04, 0]);
            let pdu_len = u32::from_be_bytes(wire[2..6].try_into().unwrap()) as usize;
            let item_len = u32::from_be_bytes(wire[6..10].try_into().unwrap());
            assert_eq!(pdu_len, item_len as usize + 4, "one item per PDU");
            out.push((item_len, wire[10], wire[11], wire[12..6 + pdu_len].to_vec()));
            wire = &wire[6 + pdu_len..];
        }
        out
    }

    #[test]
    fn a_data_set_goes_in_even_fragments_the_peer_accepts_the_last_marked_last() {
        let data: Vec<u8> = (0..40_001u32).map(|i| (i % 251) as u8).collect();
        // The PACS's maximum comes from the network: every small value and
        // the extremes, with every short length and a few long ones.
        let maxima = (0..=20).chain([64, 16_383, 16_384, 16_385, u32::MAX]);
        let lengths: Vec<usize> = (0..=70).chain([16_378, 16_379, 40_000, 40_001]).collect();
        let cases = maxima.flat_map(|m| lengths.iter().map(move |&l| (l, m)));
        for (len, max_pdu) in cases {
            let mut wire = Vec::new();
            send_dataset(&mut wire, 3, max_pdu, &mut &data[..len], len as u64).unwrap();
            let pdus = pdus(&wire);
            // No maximum: 256 KiB. A peer announcing less than 8 bytes (none
            // does) still gets fragments of 2: even and not empty.
            let limit = if max_pdu == 0 { MAX_FRAGMENT } else { max_pdu };
            let mut joined = Vec::new();
            for (i, (item_len, pc, control, fragment)) in pdus.iter().enumerate() {
                let last = i + 1 == pdus.len();
                assert_eq!(*item_len as usize, fragment.len() + 2);
                assert!(
                    fragment.len() as u32 + 6 <= limit.max(8),
                    "{len}/{max_pdu}: too long"
                );
                assert_eq!(fragment.len() % 2, 0, "{len}/{max_pdu}: odd fragment");
                assert!(
                    fragment.len() as u32 <= MAX_FRAGMENT,
                    "{len}/{max_pdu}: over the cap"
                );
                assert_eq!((*pc, *control), (3, if last { 0x02 } else { 0x00 }));
                joined.extend_from_slice(fragment);
            }
            // The bytes, and one NUL after an odd-length data set.
            assert_eq!(&joined[..len], &data[..len]);
            assert_eq!(joined.len(), len + len % 2);
            assert!(joined[len..].iter().all(|b| *b == 0));
        }
    }

    #[test]
    fn a_source_that_ends_early_sends_no_last_fragment() {
        let data = vec![7u8; 50_000];
        let mut wire = Vec::new();
        let sent = send_dataset(&mut wire, 1, 16_384, &mut &data[..], 80_000);
        assert!(sent.is_err());
        assert!(
            pdus(&wire).iter().all(|p| p.2 & 0x02 == 0),
            "a PDU says last"
        );
    }
}
