//! What the server makes itself (cover sheets, letters, photo pages,
//! notifications, the printable instructions) against a real server: it
//! obeys the limits senders obey, names one patient per study, carries
//! nothing sender-made to staff; photos are decoded within bounds and
//! their work holds up no other sender (issue 26).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use mailslot_backend::photopage::pictures;
use mailslot_sender::client::Client;
use mailslot_shared::dicom::synth::{element, file_head};
use mailslot_shared::wire::{UploadKind, UploadState};
use mailslot_tests::cd::ct_cd;
use mailslot_tests::documents::cover_texts;
use mailslot_tests::http::get;
use mailslot_tests::notify::WebhookReceiver;
use mailslot_tests::ports::wait_for;
use mailslot_tests::sender::session;
use mailslot_tests::server::{Server, PASSWORD};
use mailslot_tests::{consent, files_under, reference, Failures};

const CT: &str = "1.2.840.10008.5.1.4.1.1.2";

fn drained(server: &Server) -> bool {
    wait_for(Duration::from_secs(120), || {
        server.queue("pending") == 0 && server.queue("sending") == 0
    })
}

/// A small CT image of `patient` in a study of its own, with a Study
/// Description and a Modality as long as a sender likes.
fn image(n: usize, patient: &str, description: &str, modality: &[u8]) -> Vec<u8> {
    let study = format!("1.2.826.0.1.3680043.9.7.26.{n}");
    let instance = format!("{study}.1.1");
    let mut out = file_head(CT, &instance);
    element(&mut out, 0x0008, 0x0016, b"UI", CT.as_bytes());
    element(&mut out, 0x0008, 0x0018, b"UI", instance.as_bytes());
    element(&mut out, 0x0008, 0x0020, b"DA", b"20240131");
    element(&mut out, 0x0008, 0x0060, b"CS", modality);
    element(&mut out, 0x0008, 0x1030, b"LO", description.as_bytes());
    element(
        &mut out,
        0x0010,
        0x0010,
        b"PN",
        format!("{patient}^Test").as_bytes(),
    );
    element(&mut out, 0x0010, 0x0020, b"LO", patient.as_bytes());
    element(&mut out, 0x0020, 0x000D, b"UI", study.as_bytes());
    element(
        &mut out,
        0x0020,
        0x000E,
        b"UI",
        format!("{study}.1").as_bytes(),
    );
    element(&mut out, 0x7FE0, 0x0010, b"OW", &[7u8; 512]);
    out
}

fn bytes_under(dir: &Path) -> u64 {
    files_under(dir)
        .iter()
        .filter_map(|f| std::fs::metadata(f).ok())
        .map(|m| m.len())
        .sum()
}

/// Regression (issue 26, H1, M7, M8): sixty small images of three
/// patients, each in a study of its own with a long description and a
/// Modality of 1 KB with line breaks, became sixty cover sheets listing
/// every study of every patient (their total growing with the square of
/// the studies), over the quota, and the purge then deleted an older
/// sender's submission; the notification carried the Modality as sent.
/// Now: one sheet per patient naming only that patient's studies, within
/// the quota, the older submission kept, and Modality as a defined term.
#[test]
fn what_the_server_makes_fits_the_mailbox_and_names_one_patient_per_sheet() {
    let hook = WebhookReceiver::start();
    let quota = 8_000_000u64;
    let server = Server::start(
        "inbox",
        &[
            ("MAILSLOT_QUOTA_BYTES", &quota.to_string()),
            ("MAILSLOT_NOTIFY_WEBHOOK_URL", &hook.url),
            ("MAILSLOT_COVER_SHEETS", "true"),
        ],
    );
    let mut f = Failures::default();
    let older = tempfile::tempdir().unwrap();
    ct_cd(older.path(), 4, 1, 200_000, false);
    let (code, stdout, stderr) = server.send(&[older.path()], &[]);
    assert_eq!(code, 0, "the older submission:\n{stdout}\n{stderr}");
    let older_ref = reference(&stdout);

    let attack = tempfile::tempdir().unwrap();
    let mut modality = b"CT\r\nSubject: call 0800 123".to_vec();
    modality.resize(1024, b'X');
    for n in 0..60 {
        let patient = ["PID-A", "PID-B", "PID-C"][n % 3];
        let description = format!("Knie-{patient}-{}", "x".repeat(990));
        std::fs::write(
            attack.path().join(format!("IM{n:04}")),
            image(n, patient, &description, &modality),
        )
        .unwrap();
    }
    let (code, stdout, stderr) = server.send(&[attack.path()], &["--request", "Bitte ansehen"]);
    assert_eq!(code, 0, "the second submission:\n{stdout}\n{stderr}");
    let attack_ref = reference(&stdout);
    f.check(drained(&server), || "the queue did not drain".into());
    server.admin(&["purge"]);
    f.context(server.log());

    let inbox = server.data.join("inbox");
    f.check(inbox.join(&older_ref).is_dir(), || {
        format!("the older submission {older_ref} was purged")
    });
    let held = bytes_under(&inbox);
    f.check(held <= quota, || {
        format!("the inbox holds {held} bytes, over the quota of {quota}")
    });
    let made: Vec<Vec<u8>> = files_under(&inbox.join(&attack_ref))
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "dcm"))
        .filter_map(|p| std::fs::read(p).ok())
        .collect();
    let texts = cover_texts(&made);
    f.check(texts.len() == 3, || {
        format!("{} cover sheets, one per patient (3) expected", texts.len())
    });
    for text in &texts {
        let named: Vec<&str> = ["PID-A", "PID-B", "PID-C"]
            .into_iter()
            .filter(|p| text.contains(&format!("Knie-{p}")))
            .collect();
        f.check(named.len() == 1, || {
            format!("a cover sheet names the studies of {named:?}:\n{text}")
        });
        f.check(
            !text.contains("Bitte ansehen") && text.contains("mehrerer Patienten"),
            || format!("the request of a submission of several patients on a sheet:\n{text}"),
        );
        f.check(!text.contains("0800"), || {
            format!("the sender's Modality on a sheet:\n{text}")
        });
    }
    f.check(
        wait_for(Duration::from_secs(30), || hook.received().len() >= 2),
        || "no webhook for the second submission".into(),
    );
    let bodies: Vec<serde_json::Value> = hook
        .received()
        .iter()
        .filter_map(|h| serde_json::from_slice(&h.body).ok())
        .collect();
    let second = bodies
        .iter()
        .find(|b| b["reference"] == attack_ref.as_str());
    f.check(
        second.is_some_and(|b| b["modalities"] == serde_json::json!(["OT"])),
        || format!("the webhook's modalities: {second:?}"),
    );
    f.finish();
}

/// Regression (issue 26, H2, H1): a progressive JPEG of a thousand scans
/// took seconds of CPU each under one global lock, holding a body place
/// and a blocking thread, so that another sender's session and upload
/// waited tens of seconds or were refused; and a PNG of 24 megapixels that
/// compresses to little became a PDF page of 24 MB. Now the bombs are
/// refused by their structure, another sender goes on meanwhile, and the
/// PNG's page is small.
#[test]
fn photo_letters_hold_up_no_other_sender_and_their_pages_are_small() {
    let server = Server::start("inbox", &[]);
    let dir = tempfile::tempdir().unwrap();
    let bomb = dir.path().join("bomb.jpg");
    std::fs::write(&bomb, pictures::scan_bomb(512, 512, 1000)).unwrap();
    let png = dir.path().join("letter.png");
    std::fs::write(&png, pictures::compressible_png(6000, 4000)).unwrap();
    let ct = dir.path().join("cd");
    let images: Vec<PathBuf> = ct_cd(&ct, 1, 1, 10_000, false);
    let mut f = Failures::default();

    let started = Instant::now();
    let (bombs, other) = std::thread::scope(|scope| {
        // Four senders (the lockout books five password checks at once
        // from one address), three bombs each.
        let bombs: Vec<_> = (0..4)
            .map(|_| {
                let (url, bomb) = (server.url.clone(), bomb.clone());
                scope.spawn(move || {
                    let mut client = Client::new(&url);
                    client.fetch_key()?;
                    client.start_session(PASSWORD, consent())?;
                    (0..3)
                        .map(|_| client.upload_file(&bomb, UploadKind::Letter, &|_| {}))
                        .collect::<Result<Vec<_>, _>>()
                })
            })
            .collect();
        std::thread::sleep(Duration::from_millis(200));
        let mut client = Client::new(&server.url);
        client.fetch_key().unwrap();
        let other = client
            .start_session(PASSWORD, consent())
            .and_then(|_| client.upload_file(&images[0], UploadKind::Dicom, &|_| {}))
            .map(|sent| (sent, started.elapsed()));
        let bombs: Vec<_> = bombs.into_iter().map(|b| b.join().unwrap()).collect();
        (bombs, other)
    });
    for sent in &bombs {
        f.check(
            sent.as_ref().is_ok_and(|all| {
                all.iter().all(|s| {
                    s.verdict == UploadState::Rejected
                        && s.reason.as_deref() == Some("letter-unreadable")
                })
            }),
            || format!("scan bombs: {sent:?}"),
        );
    }
    match &other {
        Ok((sent, took)) => {
            f.check(sent.verdict == UploadState::Accepted, || {
                format!("the other sender's image: {sent:?}")
            });
            // Far above what it takes (well under a second), far below
            // what the bombs took before (minutes).
            f.check(*took < Duration::from_secs(30), || {
                format!("the other sender took {took:?}")
            });
        }
        Err(e) => f.check(false, || format!("the other sender: {e}")),
    }

    let mut client = Client::new(&server.url);
    client.fetch_key().unwrap();
    client.start_session(PASSWORD, consent()).unwrap();
    let sent = client.upload_file(&png, UploadKind::Letter, &|_| {});
    f.check(
        sent.as_ref()
            .is_ok_and(|s| s.verdict == UploadState::Accepted),
        || format!("the compressible PNG: {sent:?}"),
    );
    let pages: Vec<u64> = files_under(&server.data.join("inbox"))
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
        .filter_map(|p| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .collect();
    f.check(pages.len() == 1 && pages[0] < 2 * 1024 * 1024, || {
        format!("the PNG's page: {pages:?} bytes")
    });
    let left = files_under(&server.data.join("uploads"));
    f.check(left.is_empty(), || format!("left in uploads: {left:?}"));
    f.context(server.log());
    f.finish();
}

/// Photos of letters are decoded on the server: a cut one is refused as
/// `letter-unreadable`, one whose header claims more pixels than allowed
/// (a decompression bomb: 60,000 × 60,000 in a few hundred bytes) as
/// `letter-too-large` without the server allocating for it, and a whole
/// one is kept as a PDF page; nothing of the refused ones stays on disk.
#[test]
fn photo_letters_are_decoded_within_bounds() {
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
    let left = files_under(&server.data.join("uploads"));
    f.check(left.is_empty(), || format!("left in uploads: {left:?}"));
    let kept = files_under(&server.data.join("inbox"));
    f.check(
        kept.len() == 1 && std::fs::read(&kept[0]).is_ok_and(|b| b.starts_with(b"%PDF-")),
        || format!("kept: {kept:?}"),
    );
    f.finish();
}

/// The printable instructions as a PDF in both languages, with the page's
/// step names and the hospital's phone number; other languages are refused.
/// What they, the privacy statement and `GET /api/hospital` say of keeping
/// and deleting follows the configuration: held (though forwarding would
/// go to a PACS) for 10 days, the images stay in the mailbox and the rest
/// goes after 10 days; and the hospital's sentence on costs is said.
#[test]
fn the_instructions_pdf_speaks_the_pages_words_and_gives_the_phone() {
    let server = Server::start(
        "dimse://PACS@127.0.0.1:9",
        &[("MAILSLOT_MODE", "hold"), ("MAILSLOT_RETENTION_DAYS", "10")],
    );
    let (status, body) = get(&format!("{}/api/hospital", server.url)).unwrap();
    assert_eq!(status, 200);
    let hospital: serde_json::Value = serde_json::from_slice(&body).unwrap();
    let phone = hospital["phones"][0]["number"].as_str().unwrap().to_owned();
    let mut f = Failures::default();
    f.context(server.log());
    let facts = (
        &hospital["keeping"],
        &hospital["retention_days"],
        &hospital["when_full"],
    );
    f.check(
        facts == (&"mailbox".into(), &10.into(), &"refuse-new".into()),
        || format!("the facts of the configuration: {facts:?}"),
    );
    let privacy = hospital["privacy"]["text"]["en"]
        .as_str()
        .unwrap_or_default();
    f.check(
        privacy.contains("stay in the hospital's mailbox")
            && privacy.contains("after 10 days at the latest"),
        || format!("the privacy statement's keeping: {privacy}"),
    );
    let dir = tempfile::tempdir().unwrap();
    for (lang, title, step, keeping, costs) in [
        (
            "de",
            "Anleitung: Bilder senden",
            "Upload-Passwort",
            "spätestens nach 10 Tagen gelöscht",
            "können Kosten entstehen",
        ),
        (
            "en",
            "Instructions: sending images",
            "Upload password",
            "deleted after 10 days at the latest",
            "Costs may arise",
        ),
    ] {
        let (status, pdf) = get(&format!("{}/api/instructions/{lang}", server.url)).unwrap();
        f.check(status == 200 && pdf.starts_with(b"%PDF-"), || {
            format!("GET /api/instructions/{lang}: {status}")
        });
        let path = dir.path().join(format!("{lang}.pdf"));
        std::fs::write(&path, &pdf).unwrap();
        let out = std::process::Command::new("pdftotext")
            .arg(&path)
            .arg("-")
            .output()
            .expect("pdftotext (Debian poppler-utils)");
        // Words as pdftotext gives them, whatever the lines' breaks.
        let text = String::from_utf8_lossy(&out.stdout)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        for want in [title, step, phone.as_str(), keeping, costs] {
            f.check(text.contains(want), || {
                format!("the {lang} instructions lack {want}:\n{text}")
            });
        }
    }
    let other = get(&format!("{}/api/instructions/fr", server.url)).map(|(s, _)| s);
    f.check(other == Some(400), || format!("fr: {other:?}"));
    f.finish();
}
