//! What a sender does in the tests, against a [`Server`]: a session, a
//! preflight, a case sent with `mailslot send`, a file submitted and found
//! in the inbox.

use std::path::Path;

use mailslot_sender::client::{Client, ClientError};
use mailslot_shared::wire::SenderDetails;

use crate::server::{Server, PASSWORD};
use crate::{consent, corpus, files_under, reference, sha256};

/// A client with a fresh session on `server`.
pub fn session(server: &Server) -> Client {
    let mut client = Client::new(&server.url);
    client.fetch_key().expect("the server's key");
    client
        .start_session(PASSWORD, consent())
        .expect("a session");
    client
}

/// A fresh session's preflight for `bytes`: `Ok` or the refusal's code.
pub fn preflight(server: &Server, bytes: u64) -> Result<(), String> {
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

/// Sends CT_small and MR_small (two patients, two studies) and the letter
/// "Befund Müller.pdf" as Jürgen Müller, +49 30 1234567, to radiology for
/// a second opinion, with a request that tries a terminal escape; returns
/// the reference number.
pub fn send_a_case(server: &Server) -> String {
    let real = corpus().join("real/pydicom");
    let letter_dir = tempfile::tempdir().expect("tempdir");
    let letter = letter_dir.path().join("Befund Müller.pdf");
    std::fs::write(
        &letter,
        b"%PDF-1.1\n1 0 obj <</Type/Catalog>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n",
    )
    .expect("the letter");
    let (code, stdout, stderr) = server.send(
        &[&real.join("CT_small.dcm"), &real.join("MR_small.dcm")],
        &[
            "--name",
            "Jürgen Müller",
            "--phone",
            "+49 30 1234567",
            "--request",
            "Zweitmeinung Knie\u{1b}[2J",
            "--department",
            "radiology",
            "--purpose",
            "second-opinion",
            "--letter",
            letter.to_str().expect("a UTF-8 path"),
        ],
    );
    assert_eq!(code, 0, "send failed:\n{stdout}\n{stderr}");
    reference(&stdout)
}

/// Submits the session's one file and checks that it arrived in the inbox
/// byte-identical.
pub fn submitted_and_in_the_inbox(server: &Server, client: &Client, file: &Path) {
    let receipt = client
        .submit(&SenderDetails::default(), "")
        .expect("the receipt");
    assert_eq!(receipt.files, 1);
    assert!(server.drained(1));
    let inbox = files_under(&server.data.join("inbox").join(&receipt.reference));
    let dcm: Vec<_> = inbox
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "dcm"))
        .collect();
    assert_eq!(dcm.len(), 1);
    assert_eq!(
        sha256(&std::fs::read(dcm[0]).expect("the delivered file")),
        sha256(&std::fs::read(file).expect("the sent file"))
    );
}
