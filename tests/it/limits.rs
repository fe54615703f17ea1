//! The limits on what one sender can take: the mailbox's quota (each byte
//! counted once, reservations only while they progress), a session's
//! bytes and uploads, sessions per client, and request bodies (read only
//! after authentication, given up when they stall).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::Command;
use std::time::Duration;

use mailslot_sender::client::{Client, ClientError};
use mailslot_tests::http::{raw_request, reply};
use mailslot_tests::ports::wait_for;
use mailslot_tests::sender::{preflight, session};
use mailslot_tests::server::{Server, PASSWORD};
use mailslot_tests::{consent, corpus, mailslot_bin, Failures};

/// The quota counts what occupies the disk now: an object delivered into
/// the inbox once (not once as an accepted upload and again in the inbox),
/// and nothing once a purge removed it.
#[test]
fn the_mailbox_counts_each_byte_once_and_is_free_again_after_a_purge() {
    let file = corpus().join("real/pydicom/CT_small.dcm");
    let size = std::fs::metadata(&file).unwrap().len();
    let quota = size * 5 / 2;
    let server = Server::start("inbox", &[("MAILSLOT_QUOTA_BYTES", &quota.to_string())]);
    let (code, out, err) = server.send(&[&file], &[]);
    assert_eq!(code, 0, "send failed:\n{out}\n{err}");
    assert!(
        wait_for(Duration::from_secs(30), || server.queue("done") == 1),
        "not delivered into the inbox"
    );
    let mut f = Failures::default();
    f.context(server.log());
    // One object of `size` in the inbox: another one fits.
    let second = preflight(&server, size);
    f.check(second.is_ok(), || {
        format!("a second file of the same size is refused: {second:?}")
    });
    // Purge the inbox (as housekeeping does when over quota).
    let purge = Command::new(mailslot_bin())
        .args(["purge", "--data-dir"])
        .arg(&server.data)
        .envs(server.env_vars())
        .env("MAILSLOT_QUOTA_BYTES", "1")
        .output()
        .unwrap();
    f.check(purge.status.success(), || {
        format!("purge failed: {}", String::from_utf8_lossy(&purge.stderr))
    });
    // The mailbox is empty again: twice the size fits.
    let after = preflight(&server, 2 * size);
    f.check(after.is_ok(), || {
        format!("after the purge the mailbox is still full: {after:?}")
    });
    f.finish();
}

/// An announced upload reserves its length against the quota only while
/// it makes progress: one password holder announcing huge uploads cannot
/// block the mailbox for 48 hours.
#[test]
fn reservations_without_progress_are_released() {
    let server = Server::start(
        "inbox",
        &[
            ("MAILSLOT_QUOTA_BYTES", "200000000"),
            ("MAILSLOT_RESERVATION_IDLE_SECS", "2"),
        ],
    );
    let hog = session(&server);
    let id = mailslot_shared::envelope::Id16([7; 16]);
    hog.create_upload(id, mailslot_shared::wire::UploadKind::Dicom, 190_000_000)
        .unwrap();
    // Right after the announcement the room is taken …
    assert_eq!(preflight(&server, 50_000_000), Err("mailbox-full".into()));
    // … but not for longer than the reservation is idle.
    std::thread::sleep(Duration::from_secs(3));
    let after = preflight(&server, 50_000_000);
    assert!(after.is_ok(), "after the idle reservation: {after:?}");
}

/// What a session sent counts against its limit even when it was refused:
/// refused files cannot make the server open and check without end.
#[test]
fn refused_bytes_count_against_the_session() {
    let server = Server::start("inbox", &[("MAILSLOT_MAX_SESSION_BYTES", "300000")]);
    let dir = tempfile::tempdir().unwrap();
    let fake = dir.path().join("letter.pdf");
    std::fs::write(&fake, vec![b'x'; 200_000]).unwrap();
    let client = session(&server);
    let kind = mailslot_shared::wire::UploadKind::Letter;
    let first = client.upload_file(&fake, kind, &|_| {}).unwrap();
    assert_eq!(first.verdict, mailslot_shared::wire::UploadState::Rejected);
    match client.begin_upload(&fake, kind) {
        Err(ClientError::Api { code, .. }) => assert_eq!(code, "session-too-large"),
        other => panic!("a second 200 kB upload in a 300 kB session: {other:?}"),
    }
}

/// One session may not hold more than `max_uploads_in_flight` unfinished
/// uploads, nor one client more than `max_sessions_per_client` open
/// sessions an hour.
#[test]
fn uploads_in_flight_and_sessions_per_client_are_capped() {
    let server = Server::start(
        "inbox",
        &[
            ("MAILSLOT_MAX_UPLOADS_IN_FLIGHT", "8"),
            ("MAILSLOT_MAX_SESSIONS_PER_CLIENT", "3"),
        ],
    );
    let client = session(&server);
    let created: Vec<Result<String, String>> = (0..10u8)
        .map(|n| {
            client
                .create_upload(
                    mailslot_shared::envelope::Id16([n; 16]),
                    mailslot_shared::wire::UploadKind::Dicom,
                    1_000_000,
                )
                .map_err(|e| match e {
                    ClientError::Api { code, .. } => code,
                    other => other.to_string(),
                })
        })
        .collect();
    let mut f = Failures::default();
    f.check(
        created[..8].iter().all(Result::is_ok)
            && created[8..]
                .iter()
                .all(|r| r == &Err("rate-limited".to_owned())),
        || format!("uploads created: {created:?}"),
    );
    // Two more sessions make three; the fourth is refused.
    let more: Vec<bool> = (0..3)
        .map(|_| {
            let mut c = Client::new(&server.url);
            c.fetch_key().unwrap();
            c.start_session(PASSWORD, consent()).is_ok()
        })
        .collect();
    f.check(more == [true, true, false], || {
        format!("sessions 2-4 opened: {more:?}")
    });
    f.finish();
}

/// Forty `PATCH`es of 32 MiB without a session token: refused before a
/// byte of body is read, so the server's memory stays small.
#[test]
fn unauthenticated_bodies_are_refused_before_they_are_read() {
    use std::io::Write;
    let server = Server::start("inbox", &[]);
    let body = 32usize << 20;
    let senders: Vec<_> = (0..40)
        .map(|_| {
            let head = format!(
                "PATCH /api/uploads/00000000000000000000000000000000 HTTP/1.1\r\nHost: x\r\n\
                 Tus-Resumable: 1.0.0\r\nContent-Type: application/offset+octet-stream\r\n\
                 Upload-Offset: 0\r\nContent-Length: {body}\r\n\r\n"
            );
            let mut stream = raw_request(&server.url, &head);
            std::thread::spawn(move || {
                let chunk = vec![0x5a_u8; 1 << 20];
                for _ in 0..32 {
                    if stream.write_all(&chunk).is_err() {
                        break;
                    }
                }
                reply(stream, 10)
            })
        })
        .collect();
    let replies: Vec<String> = senders.into_iter().map(|t| t.join().unwrap()).collect();
    let peak = server.peak_rss().expect("the server's VmHWM");
    let mut f = Failures::default();
    f.context(server.log());
    let refused = replies
        .iter()
        .filter(|r| r.starts_with("HTTP/1.1 401"))
        .count();
    f.check(refused == 40, || {
        format!("{refused} of 40 refused with 401: {:?}", replies.first())
    });
    f.check(peak < 100 << 20, || {
        format!("server peak RSS {} MiB", peak >> 20)
    });
    f.finish();
}

/// A body that stalls is given up after `body_timeout_secs` with
/// `request-timeout`, instead of holding the request open for good.
#[test]
fn a_stalled_body_times_out() {
    let server = Server::start("inbox", &[("MAILSLOT_BODY_TIMEOUT_SECS", "2")]);
    let mut client = Client::new(&server.url);
    client.fetch_key().unwrap();
    let created = client.start_session(PASSWORD, consent()).unwrap();
    let file = corpus().join("real/pydicom/CT_small.dcm");
    let up = client
        .begin_upload(&file, mailslot_shared::wire::UploadKind::Dicom)
        .unwrap();
    let head = format!(
        "PATCH {} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {}\r\n\
         Tus-Resumable: 1.0.0\r\nContent-Type: application/offset+octet-stream\r\n\
         Upload-Offset: 0\r\nContent-Length: 65000\r\n\r\n",
        up.location, created.token
    );
    let stream = raw_request(&server.url, &head);
    let started = std::time::Instant::now();
    let answer = reply(stream, 20);
    let mut f = Failures::default();
    f.context(server.log());
    f.check(answer.starts_with("HTTP/1.1 408"), || {
        format!("after {:?}: {answer:?}", started.elapsed())
    });
    f.check(started.elapsed() < Duration::from_secs(10), || {
        format!("answered after {:?}", started.elapsed())
    });
    f.finish();
}
