//! Key rotation: uploads sealed for the old key go on, on a running
//! server and after housekeeping; the retired key lives out its grace
//! from its retirement.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::Command;

use mailslot_sender::client::Client;
use mailslot_shared::wire::{SenderDetails, UploadKind, UploadState};
use mailslot_tests::http::get;
use mailslot_tests::sender::session;
use mailslot_tests::server::{Server, PASSWORD};
use mailslot_tests::{consent, corpus, mailslot_bin};

#[test]
fn a_key_rotation_on_a_running_server_keeps_uploads_in_flight_working() {
    let server = Server::start("inbox", &[]);
    let file = corpus().join("real/pydicom/CT_small.dcm");
    let other = corpus().join("real/pydicom/MR_small.dcm");
    let kid = || -> String {
        let (_, body) = get(&format!("{}/api/key", server.url)).unwrap();
        serde_json::from_slice::<serde_json::Value>(&body).unwrap()["kid"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let before = kid();
    let mut early = Client::new(&server.url);
    early.fetch_key().unwrap();
    early.start_session(PASSWORD, consent()).unwrap();

    let rotated = server.admin(&["key", "rotate"]);
    let after = kid();
    assert_ne!(before, after, "{rotated}");
    assert!(rotated.contains(&after));

    // A sender who fetched the old key before the rotation still succeeds…
    assert_eq!(
        early
            .upload_file(&file, UploadKind::Dicom, &|_| {})
            .unwrap()
            .verdict,
        UploadState::Accepted
    );
    early.submit(&SenderDetails::default(), "").unwrap();
    // …and so does one using the new key.
    let mut late = Client::new(&server.url);
    late.fetch_key().unwrap();
    late.start_session(PASSWORD, consent()).unwrap();
    assert_eq!(
        late.upload_file(&other, UploadKind::Dicom, &|_| {})
            .unwrap()
            .verdict,
        UploadState::Accepted
    );
    late.submit(&SenderDetails::default(), "").unwrap();
}

/// A retired key's grace period was measured from its file's creation: a
/// key in use for days was destroyed by the first housekeeping pass after
/// `mailslot key rotate`, and open sessions got `unknown-key`. Now the
/// grace runs from the retirement.
#[test]
fn a_rotated_key_lives_on_for_the_sessions_that_fetched_it() {
    let server = Server::start("inbox", &[]);
    let early = session(&server);
    // The key has been in use for two days.
    let keys = server.data.join("keys");
    let old: Vec<_> = std::fs::read_dir(&keys)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "key"))
        .collect();
    assert_eq!(old.len(), 1);
    assert!(Command::new("touch")
        .args(["-d", "2 days ago"])
        .arg(&old[0])
        .status()
        .unwrap()
        .success());
    server.admin(&["key", "rotate"]);
    let purge = Command::new(mailslot_bin())
        .args(["purge", "--data-dir"])
        .arg(&server.data)
        .envs(server.env_vars())
        .output()
        .unwrap();
    assert!(purge.status.success());
    let file = corpus().join("real/pydicom/CT_small.dcm");
    let sent = early.upload_file(&file, UploadKind::Dicom, &|_| {});
    assert!(
        matches!(&sent, Ok(s) if s.verdict == UploadState::Accepted),
        "an upload sealed for the key fetched before the rotation: {sent:?}"
    );
    assert!(old[0].exists(), "the retired key was destroyed at once");
}
