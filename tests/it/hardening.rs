//! Defects found when the server was attacked and run for months
//! (issue 9): each test failed on the code before its fix.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use mailslot_backend::client::ClientError;
use mailslot_tests::sender::session;
use mailslot_tests::server::Server;
use mailslot_tests::Failures;

/// Photos of letters are decoded on the server: a cut one is refused as
/// `letter-unreadable`, one whose header claims more pixels than allowed
/// (a decompression bomb: 60,000 × 60,000 in a few hundred bytes) as
/// `letter-too-large` without the server allocating for it, and a whole
/// one is kept as a PDF page; nothing of the refused ones stays on disk.
#[test]
fn photo_letters_are_decoded_within_bounds() {
    use mailslot_backend::photopage::pictures;
    use mailslot_shared::wire::{UploadKind, UploadState};
    let server = Server::start("inbox", &[]);
    let dir = tempfile::tempdir().unwrap();
    let good = pictures::png(40, 60);
    let mut bomb = pictures::png(40, 60);
    // IHDR's width and height (bytes 16..24), with its CRC recomputed.
    bomb[16..20].copy_from_slice(&60_000u32.to_be_bytes());
    bomb[20..24].copy_from_slice(&60_000u32.to_be_bytes());
    let mut crc = flate2::Crc::new();
    crc.update(&bomb[12..29]);
    bomb[29..33].copy_from_slice(&crc.sum().to_be_bytes());
    let cases = [
        (
            "cut.png",
            good[..good.len() - 20].to_vec(),
            Some("letter-unreadable"),
        ),
        ("bomb.png", bomb, Some("letter-too-large")),
        ("good.png", good, None),
    ];
    let client = session(&server);
    let mut f = Failures::default();
    f.context(server.log());
    for (name, bytes, code) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let sent = client
            .upload_file(&path, UploadKind::Letter, &|_| {})
            .unwrap();
        let want = if code.is_some() {
            UploadState::Rejected
        } else {
            UploadState::Accepted
        };
        f.check(
            sent.verdict == want && sent.reason.as_deref() == code,
            || format!("{name}: {sent:?}"),
        );
    }
    let left = mailslot_tests::files_under(&server.data.join("uploads"));
    f.check(left.is_empty(), || format!("left in uploads: {left:?}"));
    let kept = mailslot_tests::files_under(&server.data.join("inbox"));
    f.check(
        kept.len() == 1 && std::fs::read(&kept[0]).is_ok_and(|b| b.starts_with(b"%PDF-")),
        || format!("kept: {kept:?}"),
    );
    f.finish();
}

/// `department` travels unsealed so staff can route: only the hospital's
/// own ids are taken, never free text (which could carry patient data).
#[test]
fn only_configured_departments_are_accepted() {
    let server = Server::start("inbox", &[]);
    let submit = |department: &str| {
        let client = session(&server);
        client
            .submit(&mailslot_shared::wire::SenderDetails::default(), department)
            .map(|r| r.reference)
            .map_err(|e| match e {
                ClientError::Api { code, .. } => code,
                other => other.to_string(),
            })
    };
    let mut f = Failures::default();
    let free = submit("Dr. Müller, Knie Erika Mustermann");
    f.check(free == Err("bad-request".into()), || {
        format!("free text as department: {free:?}")
    });
    let known = submit("radiology");
    f.check(known.is_ok(), || format!("a configured id: {known:?}"));
    let none = submit("");
    f.check(none.is_ok(), || format!("no department: {none:?}"));
    f.finish();
}
