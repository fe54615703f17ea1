//! Files crafted to hurt: a small deflated file that inflates into deep
//! nesting or past the size limit, an image that is also a Windows
//! program. The rules refuse them before they cost memory or reach the
//! PACS.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use mailslot_tests::sender::session;
use mailslot_tests::server::Server;
use mailslot_tests::{corpus, files_under, Failures};

/// `levels` nested sequences, each holding one item (explicit VR little
/// endian, undefined lengths), never closed: what a crafted file inflates
/// to, produced as it is read (never held whole).
struct Nesting {
    pos: usize,
    end: usize,
}

impl Nesting {
    /// (0008,1115) SQ, undefined length; (FFFE,E000) item, undefined length.
    const LEVEL: [u8; 20] = [
        0x08, 0x00, 0x15, 0x11, b'S', b'Q', 0, 0, 0xff, 0xff, 0xff, 0xff, 0xfe, 0xff, 0x00, 0xe0,
        0xff, 0xff, 0xff, 0xff,
    ];

    fn new(levels: usize) -> Self {
        Nesting {
            pos: 0,
            end: levels * Self::LEVEL.len(),
        }
    }
}

impl std::io::Read for Nesting {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = buf.len().min(self.end - self.pos);
        for b in &mut buf[..n] {
            *b = Self::LEVEL[self.pos % Self::LEVEL.len()];
            self.pos += 1;
        }
        Ok(n)
    }
}

/// A deflated DICOM file (the file meta group of the corpus's deflated CT)
/// whose data set inflates to `levels` levels of nesting.
fn deflated_nesting(levels: usize, out: &std::path::Path) {
    use std::io::Write;
    let ct = std::fs::read(corpus().join("generated/ct_deflated.dcm")).unwrap();
    // Preamble, DICM, then (0002,0000) UL 4 with the group's length.
    let group = u32::from_le_bytes(ct[140..144].try_into().unwrap()) as usize;
    let meta_end = 144 + group;
    let mut file = std::fs::File::create(out).unwrap();
    file.write_all(&ct[..meta_end]).unwrap();
    let mut deflate = flate2::write::DeflateEncoder::new(file, flate2::Compression::best());
    std::io::copy(&mut Nesting::new(levels), &mut deflate).unwrap();
    deflate.finish().unwrap().sync_all().unwrap();
}

/// A small deflated file of nested sequences inflated into gigabytes of
/// the parser's nesting state; now the walk refuses deep nesting first.
#[test]
fn a_deeply_nested_file_is_refused_without_taking_the_servers_memory() {
    let dir = tempfile::tempdir().unwrap();
    let bomb = dir.path().join("nested.dcm");
    // 15 M levels: 300 MB inflated, well under a megabyte deflated.
    deflated_nesting(15_000_000, &bomb);
    let packed = std::fs::metadata(&bomb).unwrap().len();
    assert!(packed < 4 << 20, "the crafted file is {packed} bytes");
    let server = Server::start("inbox", &[]);
    let client = session(&server);
    let sent = client
        .upload_file(&bomb, mailslot_shared::wire::UploadKind::Dicom, &|_| {})
        .unwrap();
    let peak = server.peak_rss().expect("the server's VmHWM");
    let mut f = Failures::default();
    f.context(server.log());
    f.check(
        sent.verdict == mailslot_shared::wire::UploadState::Rejected
            && sent.reason.as_deref() == Some("malformed"),
        || format!("verdict {sent:?}"),
    );
    f.check(peak < 100 << 20, || {
        format!("server peak RSS {} MiB", peak >> 20)
    });
    f.finish();
}

/// A deflated data set may inflate to no more than the largest file the
/// server accepts: a real deflated CT plus a private element of zeros that
/// inflates to 64 MiB, checked with a 16 MiB limit.
#[test]
fn a_deflated_data_set_may_not_inflate_beyond_the_file_limit() {
    use std::io::{Read, Write};
    let ct = std::fs::read(corpus().join("generated/ct_deflated.dcm")).unwrap();
    let group = u32::from_le_bytes(ct[140..144].try_into().unwrap()) as usize;
    let meta_end = 144 + group;
    let mut dataset = Vec::new();
    flate2::read::DeflateDecoder::new(&ct[meta_end..])
        .read_to_end(&mut dataset)
        .unwrap();
    let mut bomb = ct[..meta_end].to_vec();
    let mut deflate = flate2::write::DeflateEncoder::new(&mut bomb, flate2::Compression::best());
    deflate.write_all(&dataset).unwrap();
    // (7FE1,1010) OB, 64 MiB of zeros, after Pixel Data.
    let zeros = 64u32 << 20;
    deflate
        .write_all(&[0xe1, 0x7f, 0x10, 0x10, b'O', b'B', 0, 0])
        .unwrap();
    deflate.write_all(&zeros.to_le_bytes()).unwrap();
    std::io::copy(&mut std::io::repeat(0).take(zeros.into()), &mut deflate).unwrap();
    deflate.finish().unwrap();
    let limits = mailslot_shared::dicom::Limits {
        max_file_size: 16 << 20,
    };
    let len = bomb.len() as u64;
    assert!(len < 1 << 20, "the crafted file is {len} bytes");
    let verdict = mailslot_shared::dicom::inspect(&bomb, len, &limits);
    assert_eq!(
        verdict.rejected().map(|r| r.code),
        Some(mailslot_shared::dicom::RejectCode::TooLarge),
        "{verdict:?}"
    );
    // The same file within a larger limit is accepted: only the size counts.
    let roomy = mailslot_shared::dicom::Limits {
        max_file_size: 128 << 20,
    };
    assert!(mailslot_shared::dicom::inspect(&bomb, len, &roomy)
        .accepted()
        .is_some());
}

/// A real image whose preamble starts like a Windows program was accepted
/// and delivered: a file that is an image and an executable at once.
#[test]
fn an_image_with_a_program_in_its_preamble_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = std::fs::read(corpus().join("real/pydicom/CT_small.dcm")).unwrap();
    bytes[..4].copy_from_slice(b"MZ\x90\x00");
    let polyglot = dir.path().join("IM0001");
    std::fs::write(&polyglot, &bytes).unwrap();
    let server = Server::start("inbox", &[]);
    let client = session(&server);
    let sent = client
        .upload_file(&polyglot, mailslot_shared::wire::UploadKind::Dicom, &|_| {})
        .unwrap();
    assert_eq!(
        (sent.verdict, sent.reason.as_deref()),
        (
            mailslot_shared::wire::UploadState::Rejected,
            Some("executable-preamble")
        )
    );
    assert!(files_under(&server.data.join("spool")).is_empty());
}
