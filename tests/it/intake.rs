//! Intake over the API: tus creation with the first bytes, requests cut to
//! the server's announced size, a code for each refusal (quota, a tampered
//! record, a stale offset), a submission repeated after its reply was
//! lost, and only the hospital's own departments.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use mailslot_sender::client::{Client, ClientError};
use mailslot_shared::wire::{SenderDetails, UploadKind, UploadState};
use mailslot_tests::http::{call, code_of, get};
use mailslot_tests::notify::WebhookReceiver;
use mailslot_tests::ports::wait_for;
use mailslot_tests::sender::{session, submitted_and_in_the_inbox};
use mailslot_tests::server::{Server, PASSWORD};
use mailslot_tests::{consent, corpus, Failures};

/// tus creation-with-upload: the envelope's first bytes in the creation
/// request (one request for a file that fits in one, as the page sends
/// small files); creating again for the same file finds the upload and
/// answers its state without taking the body a second time.
#[test]
fn an_upload_created_with_its_bytes_needs_one_request_and_a_repeat_finds_it() {
    let server = Server::start("inbox", &[]);
    let file = corpus().join("real/pydicom/CT_small.dcm");
    let mut client = Client::new(&server.url);
    client.fetch_key().unwrap();
    client.start_session(PASSWORD, consent()).unwrap();
    // The page's way: one file, one request.
    let mut up = client.begin_upload(&file, UploadKind::Dicom).unwrap();
    let (file_id, length) = (up.file_id(), up.envelope_len());
    let first = up.body_at(0).unwrap();
    assert_eq!(
        first.len() as u64,
        length,
        "a small file fits in one request"
    );
    let (location, offset, verdict) = client
        .create_upload_with(file_id, UploadKind::Dicom, length, &first)
        .unwrap();
    // `begin_upload` created it (plain creation) at offset 0: the body is
    // taken there.
    assert_eq!(location, up.location);
    assert_eq!(offset, length);
    assert_eq!(
        verdict.map(|v| v.verdict),
        Some(UploadState::Accepted),
        "the creation's body finished the upload"
    );
    // Again (a retry whose answer was lost): the same upload and verdict;
    // taking the body again would have been refused (`upload-finished`).
    let again = client
        .create_upload_with(file_id, UploadKind::Dicom, length, &first)
        .unwrap();
    assert_eq!(again.0, location);
    assert_eq!(again.1, length);
    assert_eq!(again.2.map(|v| v.verdict), Some(UploadState::Accepted));
    // A body that is not a tus stream is refused with its own code.
    let (_, _, created) = call(
        "POST",
        &format!("{}/api/session", server.url),
        &[("Content-Type", "application/json".into())],
        serde_json::json!({"password": PASSWORD, "consent": {"statement_version": "2", "accepted": true, "may_send": true}})
            .to_string()
            .as_bytes(),
    );
    let token = serde_json::from_str::<serde_json::Value>(&created).unwrap()["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, _, body) = call(
        "POST",
        &format!("{}/api/uploads", server.url),
        &[
            ("Authorization", format!("Bearer {token}")),
            ("Tus-Resumable", "1.0.0".into()),
            ("Upload-Length", length.to_string()),
            (
                "Upload-Metadata",
                mailslot_shared::wire::UploadMetadata {
                    file_id,
                    kind: UploadKind::Dicom,
                }
                .encode(),
            ),
            ("Content-Type", "text/plain".into()),
        ],
        b"hello",
    );
    assert_eq!(
        (status, code_of(&body).as_str()),
        (400, "bad-request"),
        "{body}"
    );
    submitted_and_in_the_inbox(&server, &client, &file);
}

#[test]
fn a_server_that_takes_smaller_requests_gets_a_large_file_whole() {
    // A hospital may lower the largest request body (`max_chunk_bytes`,
    // e.g. to fit a proxy's limit); the client cuts its requests to the
    // limit the session announced instead of sending 4 MiB and having
    // every request of a large file refused.
    let server = Server::start("inbox", &[("MAILSLOT_MAX_CHUNK_BYTES", "2097152")]);
    let file = corpus().join("real/pydicom-data/RG1_UNCI.dcm");
    assert!(std::fs::metadata(&file).unwrap().len() > 3 * 2097152);
    let mut client = Client::new(&server.url);
    client.fetch_key().unwrap();
    let created = client.start_session(PASSWORD, consent()).unwrap();
    assert_eq!(created.limits.max_chunk_bytes, 2097152);
    let sent = client
        .upload_file(&file, UploadKind::Dicom, &|_| {})
        .unwrap();
    assert_eq!(sent.verdict, UploadState::Accepted, "{:?}", sent.reason);
    submitted_and_in_the_inbox(&server, &client, &file);
}

#[test]
fn quota_tamper_and_offset_errors_have_codes() {
    let server = Server::start("inbox", &[("MAILSLOT_QUOTA_BYTES", "3000000")]);
    let mut client = Client::new(&server.url);
    client.fetch_key().unwrap();
    client.start_session(PASSWORD, consent()).unwrap();
    let mut f = Failures::default();
    match client.preflight(10, 50_000_000) {
        Err(mailslot_sender::client::ClientError::Api { status, code, .. }) => f
            .check(status == 507 && code == "mailbox-full", || {
                format!("preflight: {status} {code}")
            }),
        other => f.check(false, || format!("preflight over quota: {other:?}")),
    }
    client.preflight(1, 1_000_000).unwrap();

    let file = corpus().join("real/pydicom-data/US1_UNCR.dcm");
    let mut up = client.begin_upload(&file, UploadKind::Dicom).unwrap();
    up.records_per_patch = 2;
    client.continue_upload(&mut up, Some(1), &|_| {}).unwrap();
    // A PATCH at a stale offset is refused with its own code.
    match client.patch(&up.location, 0, b"x") {
        Err(mailslot_sender::client::ClientError::Api { status, code, .. }) => f
            .check(status == 409 && code == "offset-mismatch", || {
                format!("stale offset: {status} {code}")
            }),
        other => f.check(false, || format!("stale offset: {other:?}")),
    }
    // A flipped bit in a record ends the upload with decrypt-failed.
    let mut junk = vec![0u8; 65536 + 16];
    junk[7] = 1;
    match client.patch(&up.location, up.offset, &junk) {
        Err(mailslot_sender::client::ClientError::Api { status, code, .. }) => f
            .check(status == 422 && code == "decrypt-failed", || {
                format!("tampered: {status} {code}")
            }),
        other => f.check(false, || format!("tampered record: {other:?}")),
    }
    let (_, verdict) = client.upload_state(&up.location).unwrap();
    f.check(
        verdict.is_some_and(|v| v.verdict == UploadState::Failed),
        || "the tampered upload is not failed".into(),
    );
    let (status, _) = get(&format!("{}/api/health", server.url)).unwrap();
    f.check(status == 200, || "server unhealthy".into());
    f.finish();
}

/// Issue 26: a sender whose submission's reply was lost (the node died
/// under it, nginx answered 502) asks again. The same session's second
/// submission answers the same receipt (files, bytes, letters, refusals,
/// time) and makes nothing again: no second notification, no second cover
/// sheet or letter object for the PACS, no second audit event.
#[test]
fn a_repeated_submission_answers_the_same_receipt_and_makes_nothing_twice() {
    let hook = WebhookReceiver::start();
    let server = Server::start(
        "inbox",
        &[
            ("MAILSLOT_COVER_SHEETS", "true"),
            ("MAILSLOT_NOTIFY_WEBHOOK_URL", &hook.url),
        ],
    );
    let mut client = Client::new(&server.url);
    client.fetch_key().unwrap();
    client.start_session(PASSWORD, consent()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let letter = dir.path().join("letter.pdf");
    std::fs::write(
        &letter,
        b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
    )
    .unwrap();
    let mut letters = Vec::new();
    for (file, kind) in [
        (
            corpus().join("real/pydicom/CT_small.dcm"),
            UploadKind::Dicom,
        ),
        (corpus().join("broken/truncated.dcm"), UploadKind::Dicom),
        (letter, UploadKind::Letter),
    ] {
        let sent = client.upload_file(&file, kind, &|_| {}).unwrap();
        if kind == UploadKind::Letter {
            letters.push(mailslot_shared::wire::LetterName {
                upload: sent.upload,
                name: "letter.pdf".into(),
                study: String::new(),
            });
        }
    }
    let details = SenderDetails {
        letters,
        ..SenderDetails::default()
    };
    let first = client.submit(&details, "").unwrap();
    assert!(server.drained(first.files as usize));
    let queued = || server.queue("done") + server.queue("failed") + server.queue("pending");
    let objects = queued();
    let second = client.submit_once(&details, "").unwrap();
    let mut f = Failures::default();
    f.check(second == first, || {
        format!("the same receipt: {first:?} then {second:?}")
    });
    f.check(
        first.files == 1 && first.letters == 1 && !first.refused.is_empty(),
        || format!("the receipt counts the image, the letter and the refused file: {first:?}"),
    );
    f.check(
        wait_for(Duration::from_secs(30), || hook.received().len() == 1),
        || "the first submission's notification".into(),
    );
    // What a second finalize would make, given time to appear.
    std::thread::sleep(Duration::from_secs(3));
    f.check(hook.received().len() == 1, || {
        format!("one notification, not {}", hook.received().len())
    });
    f.check(queued() == objects, || {
        format!(
            "objects for the PACS: {objects} after the first, {} after the second",
            queued()
        )
    });
    let log = server.own_log();
    f.check(log.matches("submission-finalized").count() == 1, || {
        "one submission-finalized audit event".into()
    });
    f.context(log);
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
