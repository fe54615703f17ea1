//! Forwarding: the corpus through `mailslot send` → `mailslot serve` into
//! the embedded inbox, Orthanc over STOW-RS and C-STORE, and dcmtk's
//! storescp. Objects must arrive byte-identical; a refusal is recorded.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;

use mailslot_shared::dicom::{inspect, Limits};
use mailslot_tests::dicom::{check_arrivals, sources, Same};
use mailslot_tests::documents::{
    cover_sheets_arrived, cover_texts, letters_arrived, patients_of, photo_letter_upright,
    studies_of, ENCAPSULATED_PDF,
};
use mailslot_tests::pacs::{Orthanc, StoreScp};
use mailslot_tests::server::Server;
use mailslot_tests::{corpus, files_under, reference, Failures};

#[test]
fn inbox_keeps_exact_bytes_and_the_sealed_request() {
    let server = Server::start("inbox", &[]);
    let dir = corpus();
    let real = dir.join("real/pydicom-data");
    let letter_dir = tempfile::tempdir().unwrap();
    let letter = letter_dir.path().join("letter.pdf");
    std::fs::write(
        &letter,
        b"%PDF-1.1\n1 0 obj <</Type/Catalog>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n",
    )
    .unwrap();
    // Several patients: the letter names its study (without a choice it
    // would stay in the mailbox).
    let images: Vec<PathBuf> = sources(&real).into_values().flatten().collect();
    let study = studies_of(&images[..1])[0].clone();
    let (code, stdout, stderr) = server.send(
        &[&real, &dir.join("broken")],
        &[
            "--letter-study",
            &study,
            "--name",
            "Erika Mustermann",
            "--phone",
            "+49 30 1234567",
            "--request",
            "Zweitmeinung Knie",
            "--department",
            "radiology",
            "--contact",
            "Dr. Radiologie",
            "--letter",
            letter.to_str().unwrap(),
        ],
    );
    let mut f = Failures::default();
    f.context(format!("stdout:\n{stdout}\nstderr:\n{stderr}"));
    assert_eq!(code, 0, "send failed:\n{stdout}\n{stderr}");
    let reference = reference(&stdout);
    let expected = sources(&real);
    f.check(server.drained(expected.len()), || {
        "the queue did not drain".into()
    });
    f.check(
        stderr.contains("VIEWER.EXE") && stderr.contains("program"),
        || "the .exe was not reported ignored".into(),
    );

    let folder = server.data.join("inbox").join(&reference);
    let (letters_as_dicom, images): (Vec<Vec<u8>>, Vec<Vec<u8>>) = files_under(&folder)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "dcm"))
        .map(|p| std::fs::read(&p).unwrap())
        .partition(|b| {
            inspect(b, b.len() as u64, &Limits::default())
                .accepted()
                .is_some_and(|s| s.sop_class_uid == ENCAPSULATED_PDF)
        });
    // The letter joins a study of the images, as an Encapsulated PDF.
    let sources_of_images: Vec<PathBuf> = expected.values().flatten().cloned().collect();
    let complaint = letters_arrived(
        &letters_as_dicom,
        &[std::fs::read(&letter).unwrap()],
        &sources_of_images,
    );
    f.check(complaint.is_none(), || {
        complaint.clone().unwrap_or_default()
    });
    let received: Vec<(String, Vec<u8>)> = images
        .into_iter()
        .map(|bytes| {
            let uid = inspect(&bytes, bytes.len() as u64, &Limits::default())
                .accepted()
                .unwrap()
                .sop_instance_uid
                .clone();
            (uid, bytes)
        })
        .collect();
    f.check(received.len() == expected.len(), || {
        format!(
            "{} objects in the inbox, expected {}",
            received.len(),
            expected.len()
        )
    });
    check_arrivals(&mut f, &received, &expected, Same::File);

    let letters = files_under(&folder.join("letters"));
    f.check(
        letters.len() == 1
            && std::fs::read(&letters[0]).unwrap() == std::fs::read(&letter).unwrap(),
        || "the letter did not arrive intact".into(),
    );
    let record_path = folder.join("submission.json");
    let record = std::fs::read_to_string(&record_path).unwrap_or_default();
    f.check(
        record.contains("Erika Mustermann") && record.contains("Zweitmeinung Knie"),
        || "submission.json lacks the request".into(),
    );
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&record_path)
        .map(|m| m.permissions().mode() & 0o777)
        .unwrap_or(0);
    f.check(mode == 0o600, || {
        format!("submission.json has mode {mode:o}")
    });

    // No patient data in the server's log or audit trail.
    let log: String = files_under(server.data.parent().unwrap())
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "log"))
        .map(|p| std::fs::read_to_string(p).unwrap_or_default())
        .collect();
    f.check(log.contains("submission-finalized"), || {
        "the server log has no audit lines".into()
    });
    for path in expected.values().flatten() {
        let bytes = std::fs::read(path).unwrap();
        let s = inspect(&bytes, bytes.len() as u64, &Limits::default());
        let s = s.accepted().unwrap();
        for phi in [&s.patient_name, &s.patient_id]
            .into_iter()
            .flatten()
            // A short run of (hex) digits such as the Patient ID "0010"
            // turns up by chance inside hex ids and timestamps; only values
            // that cannot occur by coincidence prove a leak.
            .filter(|v| v.len() >= 10 || (v.len() > 3 && !v.bytes().all(|b| b.is_ascii_hexdigit())))
        {
            f.check(!log.contains(phi.as_str()), || {
                format!(
                    "the log contains patient data ({phi}) from {}",
                    path.display()
                )
            });
        }
        f.check(!log.contains(&s.sop_instance_uid), || {
            "the log contains a SOP Instance UID".into()
        });
    }
    f.check(!log.contains("Erika"), || {
        "the log contains the sender's name".into()
    });
    f.finish();
}

/// Sends pydicom-data through a server forwarding to Orthanc at `dest` and
/// checks what Orthanc holds: all but the one file whose UIDs are stored
/// with VR UN (Orthanc refuses it), equal per `same`, and that refusal
/// recorded as a permanent failure with `failure_code`.
fn orthanc_receives_pydicom_data(
    dest: impl Fn(&Orthanc) -> String,
    same: Same,
    failure_code: &str,
) -> (Server, Failures) {
    let orthanc = Orthanc::start();
    let server = Server::start(&dest(&orthanc), &[("MAILSLOT_COVER_SHEETS", "true")]);
    let real = corpus().join("real/pydicom-data");
    let letter_dir = tempfile::tempdir().unwrap();
    let letter = letter_dir.path().join("Arztbrief.pdf");
    // Odd length: the PACS sees it padded, the document length says 47.
    let pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n\n".to_vec();
    std::fs::write(&letter, &pdf).unwrap();
    // A phone's photo of a letter: stored sideways, EXIF says turn it.
    let photo = letter_dir.path().join("IMG_0815.jpg");
    let jpeg = mailslot_backend::photopage::pictures::jpeg(200, 100, Some(6));
    std::fs::write(&photo, &jpeg).unwrap();
    // Zero padding after the data set (issue 14): STOW-RS keeps the file
    // as it is, C-STORE sends the data set without it.
    let padded = corpus().join("generated/mr_trailing_padding.dcm");
    let padded_study = studies_of(std::slice::from_ref(&padded))[0].clone();
    let (code, stdout, stderr) = server.send(
        &[&real, &padded],
        &[
            "--letter",
            letter.to_str().unwrap(),
            "--letter",
            photo.to_str().unwrap(),
            "--name",
            "Jürgen Müller",
            // Several patients: the letters name their study (the server
            // puts a letter without a choice into no other patient's).
            "--letter-study",
            &padded_study,
        ],
    );
    assert_eq!(code, 0, "send failed:\n{stdout}\n{stderr}");
    let reference = reference(&stdout);
    let mut expected = sources(&real);
    expected.insert("1.2.826.0.1.3680043.9.7.14.1".into(), vec![padded]);
    let mut f = Failures::default();
    f.check(server.drained(expected.len() + 2), || {
        "the queue did not drain".into()
    });
    f.context(orthanc.log());
    // The letter joins a study of the images as an Encapsulated PDF.
    let (letters, received): (Vec<_>, Vec<_>) = orthanc.files().into_iter().partition(|(_, b)| {
        inspect(b, b.len() as u64, &Limits::default())
            .accepted()
            .is_some_and(|s| s.sop_class_uid == ENCAPSULATED_PDF)
    });
    let letters: Vec<Vec<u8>> = letters.into_iter().map(|(_, b)| b).collect();
    let images: Vec<PathBuf> = expected.values().flatten().cloned().collect();
    // The photo's JPEG is inside its page as it was sent, less its EXIF
    // segment (a phone's position and serial stay with the phone).
    let kept = mailslot_shared::photo::strip_jpeg_metadata(&jpeg).unwrap();
    f.check(kept.len() < jpeg.len(), || {
        "the test photo has no EXIF".into()
    });
    let complaint = letters_arrived(&letters, &[pdf, kept.clone()], &images);
    f.check(complaint.is_none(), || {
        complaint.clone().unwrap_or_default()
    });
    let complaint = photo_letter_upright(&letters, &kept);
    f.check(complaint.is_none(), || {
        complaint.clone().unwrap_or_default()
    });
    // Every patient has its cover sheet, readable with the umlauts; the
    // padded MR's patient's names both letters; each names the (empty)
    // DICOMDIR cross-check.
    let complaint = cover_sheets_arrived(
        &letters,
        &images,
        patients_of(&images).len(),
        &[
            &reference,
            "Jürgen Müller",
            "Kein DICOMDIR unter den Dateien",
        ],
    );
    f.check(complaint.is_none(), || {
        complaint.clone().unwrap_or_default()
    });
    let naming = cover_texts(&letters)
        .iter()
        .filter(|t| t.contains("IMG_0815.jpg") && t.contains("Arztbrief.pdf"))
        .count();
    f.check(naming == 1, || {
        format!("{naming} cover sheets name the letters; one patient's should")
    });
    f.check(received.len() == expected.len() - 1, || {
        format!(
            "Orthanc holds {}, expected {}",
            received.len(),
            expected.len() - 1
        )
    });
    check_arrivals(&mut f, &received, &expected, same);
    let failed = server.admin(&["queue", "--failed"]);
    f.check(
        failed.lines().count() == 1 && failed.contains(&format!("code={failure_code}")),
        || format!("recorded failures:\n{failed}"),
    );
    f.check(server.queue("failed") == 1, || {
        "exactly one permanent failure expected".into()
    });
    (server, f)
}

#[test]
fn stow_rs_to_orthanc_arrives_byte_identical_and_refusals_are_recorded() {
    let dest = |o: &Orthanc| format!("stow+http://127.0.0.1:{}/dicom-web", o.http_port);
    let (_server, f) = orthanc_receives_pydicom_data(dest, Same::File, "stow-");
    f.finish();
}

#[test]
fn c_store_to_orthanc_arrives_byte_identical_and_refusals_are_recorded() {
    let dest = |o: &Orthanc| format!("dimse://ORTHANC@127.0.0.1:{}", o.dicom_port);
    let (server, mut f) = orthanc_receives_pydicom_data(dest, Same::Normalized, "pacs-");
    let real = corpus().join("real/pydicom-data");
    let failed = server.admin(&["queue", "--failed"]);
    f.check(failed.contains("status=0x"), || {
        format!("no DIMSE status recorded:\n{failed}")
    });
    // The refused object stays in the spool for staff, byte-identical.
    let spooled = files_under(&server.data.join("spool"));
    let un = std::fs::read(real.join("explicit_VR-UN.dcm")).unwrap();
    f.check(
        spooled.len() == 1 && std::fs::read(&spooled[0]).unwrap() == un,
        || format!("spool holds {spooled:?}"),
    );
    // Staff queue it again (as after fixing the PACS): it waits to be
    // sent (this Orthanc is gone by now, so it stays waiting).
    let again = server.admin(&["queue", "--retry-failed"]);
    f.check(again.starts_with("1 refused object"), || again.clone());
    f.check(
        server.queue("failed") == 0 && server.queue("pending") + server.queue("sending") == 1,
        || format!("queued again:\n{}", server.admin(&["queue"])),
    );
    f.finish();
}

#[test]
fn c_store_to_dcmtk_storescp_arrives_byte_identical() {
    let scp = StoreScp::start();
    let server = Server::start(&format!("dimse://STORESCP@127.0.0.1:{}", scp.port), &[]);
    let dir = corpus().join("generated");
    let (code, stdout, stderr) = server.send(&[&dir], &[]);
    assert_eq!(code, 0, "send failed:\n{stdout}\n{stderr}");
    let expected = sources(&dir);
    let mut f = Failures::default();
    f.context(format!(
        "send stdout:\n{stdout}\nsend stderr:\n{stderr}\nserver log:\n{}",
        server.log()
    ));
    f.check(server.drained(expected.len()), || {
        "the queue did not drain".into()
    });
    f.check(server.queue("done") == expected.len(), || {
        format!("done: {}", server.admin(&["queue"]))
    });
    let received: Vec<(String, Vec<u8>)> = scp
        .files()
        .into_iter()
        .map(|b| {
            let uid = inspect(&b, b.len() as u64, &Limits::default())
                .accepted()
                .map(|s| s.sop_instance_uid.clone())
                .unwrap_or_default();
            (uid, b)
        })
        .collect();
    f.check(received.len() == expected.len(), || {
        format!(
            "storescp got {}, expected {}",
            received.len(),
            expected.len()
        )
    });
    check_arrivals(&mut f, &received, &expected, Same::Dataset);
    f.finish();
}
