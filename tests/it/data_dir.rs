//! The data at rest: the data directory private to the service (0700,
//! 0600) and never inside the page folder it serves; the database holds
//! no hash anyone could recompute from it.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::Command;
use std::time::Duration;

use mailslot_sender::client::Client;
use mailslot_tests::ports::{free_port, wait_for};
use mailslot_tests::server::{Server, PASSWORD};
use mailslot_tests::{consent, corpus, mailslot_bin};

/// Patient data lives under the data directory: every folder there is
/// 0700 and every file 0600, whatever the umask.
#[test]
fn the_data_directory_is_private_to_the_service() {
    use std::os::unix::fs::PermissionsExt;
    let server = Server::start("inbox", &[]);
    let file = corpus().join("real/pydicom/CT_small.dcm");
    let (code, out, err) = server.send(&[&file], &[]);
    assert_eq!(code, 0, "send failed:\n{out}\n{err}");
    assert!(wait_for(Duration::from_secs(30), || server.queue("done") == 1));
    let mut open = Vec::new();
    let mut stack = vec![server.data.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            let meta = std::fs::symlink_metadata(&path).unwrap();
            let mode = meta.permissions().mode() & 0o777;
            let want = if meta.is_dir() { 0o700 } else { 0o600 };
            if mode != want {
                open.push(format!("{:o} {}", mode, path.display()));
            }
            if meta.is_dir() {
                stack.push(path);
            }
        }
    }
    assert!(open.is_empty(), "readable by others:\n{}", open.join("\n"));
}

/// With the page folder above the data folder, `GET /data/keys/<kid>.key`
/// served the private key. The server now refuses to start so.
#[test]
fn the_page_folder_may_not_hold_the_data_folder() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("site");
    std::fs::create_dir_all(&page).unwrap();
    std::fs::write(page.join("index.html"), "<!doctype html>").unwrap();
    for (static_dir, data_dir) in [
        (page.clone(), page.join("data")),
        (page.join("data").join("dist"), page.join("data")),
    ] {
        let port = free_port();
        let mut child = Command::new(mailslot_bin())
            .args([
                "serve",
                "--listen",
                &format!("127.0.0.1:{port}"),
                "--data-dir",
            ])
            .arg(&data_dir)
            .env("MAILSLOT_STATIC_DIR", &static_dir)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let exited = wait_for(Duration::from_secs(10), || {
            child.try_wait().ok().flatten().is_some()
        });
        if !exited {
            let _ = child.kill();
        }
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            exited && !out.status.success() && stderr.contains("static_dir"),
            "started with static_dir {static_dir:?} and data_dir {data_dir:?}: {stderr}"
        );
    }
}

/// The database kept SHA-256(session id ‖ SOP Instance UID), with the
/// session id beside it: anyone with the database could confirm a guessed
/// UID. The hash is now keyed with a secret that is not in the database.
#[test]
fn instance_hashes_cannot_be_recomputed_from_the_database() {
    if mailslot_tests::postgres::skip_sqlite_only() {
        return;
    }
    use sha2::{Digest, Sha256};
    let server = Server::start("inbox", &[]);
    let file = corpus().join("real/pydicom/CT_small.dcm");
    let mut client = Client::new(&server.url);
    client.fetch_key().unwrap();
    let created = client.start_session(PASSWORD, consent()).unwrap();
    let sent = client
        .upload_file(&file, mailslot_shared::wire::UploadKind::Dicom, &|_| {})
        .unwrap();
    assert_eq!(sent.verdict, mailslot_shared::wire::UploadState::Accepted);
    let uid = "1.3.6.1.4.1.5962.1.1.1.1.1.20040119072730.12322";
    let guessable = hex::encode(
        Sha256::new()
            .chain_update(created.session_id.as_bytes())
            .chain_update(uid.as_bytes())
            .finalize(),
    );
    let db = rusqlite::Connection::open(server.data.join("mailslot.sqlite3")).unwrap();
    let stored: String = db
        .query_row(
            "SELECT instance_hash FROM uploads WHERE session_id = ?1",
            [&created.session_id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(stored.len(), 64);
    assert_ne!(stored, guessable, "the hash is the unkeyed one");
}
