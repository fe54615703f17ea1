//! Defects found when the server was attacked and run for months
//! (issue 9): each test failed on the code before its fix.

use std::process::Command;
use std::time::Duration;

use mailslot_backend::client::{Client, ClientError};
use mailslot_shared::wire::Consent;
use mailslot_tests::fixtures::{wait_for, Server, PASSWORD};
use mailslot_tests::{corpus, mailslot_bin, Failures};

fn consent() -> Consent {
    Consent {
        statement_version: "1".into(),
        accepted: true,
        may_send: true,
    }
}

/// A fresh session's preflight for `bytes`: `Ok` or the refusal's code.
fn preflight(server: &Server, bytes: u64) -> Result<(), String> {
    let mut client = Client::new(&server.url);
    client.fetch_key().map_err(|e| e.to_string())?;
    client
        .start_session(PASSWORD, consent())
        .map_err(|e| e.to_string())?;
    match client.preflight(1, bytes) {
        Ok(()) => Ok(()),
        Err(ClientError::Api { code, .. }) => Err(code),
        Err(e) => Err(e.to_string()),
    }
}

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
