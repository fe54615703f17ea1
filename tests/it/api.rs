//! The API against its own document: `schemathesis` (PyPI) generates
//! requests from `/api/openapi.json` — valid and invalid, with and without
//! the session — and checks every answer: no 5xx, status codes, headers,
//! content types and bodies as documented. Before this test the server
//! answered malformed JSON with a plain-text sentence and no code, an
//! unknown method with an empty 404, the session's rate limit without its
//! `Mailslot-Error` header, and a `PATCH` without a session with 400
//! instead of 401; the document listed few of the statuses.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::Command;

use mailslot_backend::client::Client;
use mailslot_shared::wire::Consent;
use mailslot_tests::http::{call, code_of};
use mailslot_tests::root;
use mailslot_tests::server::{Server, PASSWORD};

/// `schemathesis`, installed by `cargo xtask deps` into `target/py`.
fn schemathesis() -> std::path::PathBuf {
    let bin = root().join("target/py/bin/schemathesis");
    assert!(
        bin.is_file(),
        "schemathesis is missing: run `cargo xtask deps` (it installs it into target/py)"
    );
    bin
}

#[test]
fn the_api_answers_as_its_document_says() {
    let server = Server::start("inbox", &[]);
    let mut client = Client::new(&server.url);
    let session = client
        .start_session(
            PASSWORD,
            Consent {
                statement_version: "2".into(),
                accepted: true,
                may_send: true,
            },
        )
        .expect("session");
    let out = Command::new(schemathesis())
        .args(["run", &format!("{}/api/openapi.json", server.url)])
        .args(["--url", &server.url])
        // Every check but one: data the schema allows yet the server must
        // refuse on what the schema cannot say (a sealed envelope, the
        // mailbox's room, a session's ids) is not a fault.
        .args([
            "--checks",
            "all",
            "--exclude-checks",
            "positive_data_acceptance",
        ])
        .args([
            "--header",
            &format!("Authorization: Bearer {}", session.token),
        ])
        .args(["--max-examples", "50", "--seed", "1", "--workers", "2"])
        .env("PYTHONPATH", root().join("tests/schemathesis"))
        .env("SCHEMATHESIS_HOOKS", "mailslot_hooks")
        .env("NO_COLOR", "1")
        .current_dir(server.data.parent().expect("data's parent"))
        .output()
        .expect("schemathesis");
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "schemathesis found answers that do not match /api/openapi.json:\n{report}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // It did test: every operation, hundreds of requests.
    assert!(report.contains("Tested: 14"), "{report}");
}

/// The defects schemathesis found, each pinned by its own request.
#[test]
fn malformed_requests_get_a_code_not_a_bare_status() {
    let server = Server::start("inbox", &[]);
    let url = |p: &str| format!("{}{p}", server.url);
    let header = |hs: &[(String, String)], name: &str| {
        hs.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    };
    // JSON the server cannot read: the API's error, not actix's sentence.
    let json = [("Content-Type", "application/json".to_owned())];
    let (status, hs, body) = call(
        "POST",
        &url("/api/session"),
        &json,
        br#"{"password": "x", "consent": {"statement_version": "2", "accepted": true, "may_send": {}}}"#,
    );
    assert_eq!(
        (status, code_of(&body).as_str()),
        (400, "bad-request"),
        "{body}"
    );
    assert_eq!(
        header(&hs, "mailslot-error").as_deref(),
        Some("bad-request")
    );
    assert!(header(&hs, "content-type").is_some_and(|c| c.starts_with("application/json")));
    // A method the path does not have: 405 with what it has.
    let (status, hs, body) = call("TRACE", &url("/api/key"), &[], b"");
    assert_eq!(
        (status, code_of(&body).as_str()),
        (405, "method-not-allowed"),
        "{body}"
    );
    assert_eq!(header(&hs, "allow").as_deref(), Some("GET"));
    let (status, hs, _) = call("PUT", &url("/api/uploads/abc"), &[], b"");
    assert_eq!(status, 405);
    assert_eq!(header(&hs, "allow").as_deref(), Some("HEAD, PATCH, DELETE"));
    // No session comes before a malformed request: 401, not 400.
    let (status, _, body) = call("PATCH", &url("/api/uploads/abc"), &[], b"");
    assert_eq!(
        (status, code_of(&body).as_str()),
        (401, "session-expired"),
        "{body}"
    );
    let (status, _, body) = call("POST", &url("/api/submissions"), &[], b"");
    assert_eq!(
        (status, code_of(&body).as_str()),
        (401, "session-expired"),
        "{body}"
    );
    // The served document names this server's privacy statement version.
    let (_, _, doc) = call("GET", &url("/api/openapi.json"), &[], b"");
    let doc: serde_json::Value = serde_json::from_str(&doc).expect("JSON");
    assert_eq!(
        doc.pointer("/components/schemas/Consent/properties/statement_version/enum"),
        Some(&serde_json::json!(["2"]))
    );
}
