//! Large files: objects over 64 MiB arrive whole over C-STORE and STOW-RS,
//! and a 256 MiB file is received in memory far below its size.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

use mailslot_sender::client::Client;
use mailslot_shared::dicom::{inspect, Limits};
use mailslot_shared::wire::{SenderDetails, UploadKind, UploadState};
use mailslot_tests::dicom::{digest, Same};
use mailslot_tests::pacs::Orthanc;
use mailslot_tests::server::{Server, PASSWORD};
use mailslot_tests::{consent, corpus, files_under, sha256, Failures};

/// One object of 80 MB to `dest` of an Orthanc: it arrives equal (per
/// `same`) and the queue says done.
fn a_large_object_arrives_whole(dest: impl Fn(&Orthanc) -> String, same: Same) {
    let orthanc = Orthanc::start();
    let server = Server::start(&dest(&orthanc), &[]);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("IM000001");
    // 80 MB of pixels that differ along the way (a truncation shows).
    let mut image = mailslot_shared::dicom::synth::ct_image(
        "1.2.826.0.1.3680043.10.543.80.1",
        "1.2.826.0.1.3680043.10.543.80",
        "GROSS^DATEI",
        80 << 20,
        0,
    );
    let len = image.len();
    for (i, b) in image[len - (80 << 20)..].iter_mut().enumerate() {
        *b = (i / 4093) as u8;
    }
    std::fs::write(&path, &image).unwrap();
    let (code, stdout, stderr) = server.send(&[&path], &[]);
    assert_eq!(code, 0, "send failed:\n{stdout}\n{stderr}");
    let mut f = Failures::default();
    f.context(format!("server log:\n{}", server.log()));
    f.check(server.drained(1) && server.queue("done") == 1, || {
        format!("not forwarded: {}", server.admin(&["queue"]))
    });
    let stored = orthanc.files();
    f.check(
        stored.len() == 1 && digest(&stored[0].1, same) == digest(&image, same),
        || format!("Orthanc holds {} objects, not the one sent", stored.len()),
    );
    f.finish();
}

/// An object larger than 64 MiB goes over C-STORE whole. dicom-ul's
/// P-DATA writer failed a write that ended where a PDU filled exactly
/// (with Orthanc's 16 KiB PDUs, first after 67,084,288 bytes) and, dropped,
/// sent what it held as the object's last fragment: Orthanc stored an
/// image whose pixels after 64 MB were not the sender's, at every retry,
/// while the queue said it was still trying.
#[test]
fn an_object_larger_than_64_mib_arrives_whole_over_c_store() {
    a_large_object_arrives_whole(
        |o| format!("dimse://ORTHANC@127.0.0.1:{}", o.dicom_port),
        Same::Normalized,
    );
}

/// The same object over STOW-RS arrives byte for byte.
#[test]
fn an_object_larger_than_64_mib_arrives_whole_over_stow_rs() {
    a_large_object_arrives_whole(
        |o| format!("stow+http://127.0.0.1:{}/dicom-web", o.http_port),
        Same::File,
    );
}

/// Writes a copy of `src` whose final Pixel Data element (explicit VR
/// little endian, OB/OW) holds `pixel_bytes` bytes: a large multi-frame
/// stand-in with real headers.
fn enlarge(src: &Path, pixel_bytes: u32, out: &Path) {
    use std::io::Write;
    let bytes = std::fs::read(src).unwrap();
    let at = bytes
        .windows(6)
        .rposition(|w| {
            w == [0xe0, 0x7f, 0x10, 0x00, b'O', b'W'] || w == [0xe0, 0x7f, 0x10, 0x00, b'O', b'B']
        })
        .expect("explicit VR little endian Pixel Data");
    let mut file = std::io::BufWriter::new(std::fs::File::create(out).unwrap());
    file.write_all(&bytes[..at + 8]).unwrap();
    file.write_all(&pixel_bytes.to_le_bytes()).unwrap();
    let block = vec![0x5a_u8; 1 << 20];
    let mut left = pixel_bytes as usize;
    while left > 0 {
        let n = left.min(block.len());
        file.write_all(&block[..n]).unwrap();
        left -= n;
    }
    file.flush().unwrap();
}

#[test]
fn a_large_file_is_received_with_memory_bounded_below_its_size() {
    const SIZE: u32 = 256 << 20;
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.dcm");
    enlarge(&corpus().join("real/pydicom/CT_small.dcm"), SIZE, &big);
    let bytes = std::fs::read(&big).unwrap();
    assert!(inspect(&bytes, bytes.len() as u64, &Limits::default())
        .accepted()
        .is_some());
    let want = sha256(&bytes);
    drop(bytes);

    let server = Server::start("inbox", &[]);
    let mut client = Client::new(&server.url);
    client.fetch_key().unwrap();
    client.start_session(PASSWORD, consent()).unwrap();
    let verdict = client
        .upload_file(&big, UploadKind::Dicom, &|_| {})
        .unwrap();
    assert_eq!(verdict.verdict, UploadState::Accepted);
    let receipt = client.submit(&SenderDetails::default(), "").unwrap();
    assert!(server.drained(1));
    let peak = server.peak_rss().expect("the server's VmHWM");
    let received = files_under(&server.data.join("inbox").join(&receipt.reference))
        .into_iter()
        .find(|p| p.extension().is_some_and(|e| e == "dcm"))
        .unwrap();
    assert_eq!(sha256(&std::fs::read(received).unwrap()), want);
    // The server streams: decrypting, verifying and spooling a 256 MiB file
    // must not cost memory in proportion to it.
    assert!(
        peak < u64::from(SIZE) / 3,
        "server peak RSS {} MiB for a {} MiB file",
        peak >> 20,
        SIZE >> 20
    );
}
