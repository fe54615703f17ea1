//! The API: its error codes are specific, nothing lists or returns what
//! was sent, its security headers are complete.
//!
//! And it answers as its own document says: `schemathesis` (PyPI)
//! generates requests from `/api/openapi.json` — valid and invalid, with
//! and without the session — and checks every answer: no 5xx, status codes, headers,
//! content types and bodies as documented. Before this test the server
//! answered malformed JSON with a plain-text sentence and no code, an
//! unknown method with an empty 404, the session's rate limit without its
//! `Mailslot-Error` header, and a `PATCH` without a session with 400
//! instead of 401; the document listed few of the statuses.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::Command;

use mailslot_sender::client::Client;
use mailslot_shared::wire::Consent;
use mailslot_tests::http::{call, code_of};
use mailslot_tests::server::{Server, PASSWORD};
use mailslot_tests::{root, Failures};

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

#[test]
fn api_errors_are_specific_and_the_api_is_one_way() {
    let server = Server::start("inbox", &[("MAILSLOT_QUOTA_BYTES", "2000000")]);
    let url = |p: &str| format!("{}{p}", server.url);
    let json = [("Content-Type", "application/json".to_owned())];
    let session = |password: &str, accepted: bool| {
        let body = serde_json::json!({"password": password, "consent": {"statement_version": "2", "accepted": accepted, "may_send": true}});
        call(
            "POST",
            &url("/api/session"),
            &json,
            body.to_string().as_bytes(),
        )
    };
    let mut f = Failures::default();

    let (status, _, body) = session(PASSWORD, false);
    f.check(
        status == 400 && code_of(&body) == "consent-required",
        || format!("no consent: {status} {body}"),
    );
    let (status, _, body) = session("wrong password", true);
    f.check(status == 401 && code_of(&body) == "wrong-password", || {
        format!("wrong password: {status} {body}")
    });
    for _ in 0..4 {
        session("wrong password", true);
    }
    let (status, headers, body) = session(PASSWORD, true);
    f.check(status == 429 && code_of(&body) == "locked-out", || {
        format!("after 5 wrong: {status} {body}")
    });
    f.check(headers.iter().any(|(k, _)| k == "retry-after"), || {
        "no Retry-After".into()
    });

    let (status, _, body) = call(
        "POST",
        &url("/api/uploads"),
        &[("Tus-Resumable", "1.0.0".into())],
        b"",
    );
    f.check(status == 401 && code_of(&body) == "session-expired", || {
        format!("no token: {status} {body}")
    });

    // One way: nothing lists or returns uploads.
    for path in [
        "/api/uploads",
        "/api/submissions",
        "/api/uploads/x/file",
        "/api/inbox",
    ] {
        let (status, _, _) = call("GET", &url(path), &[], b"");
        f.check(status == 404 || status == 405, || {
            format!("GET {path} answered {status}")
        });
    }
    let (status, headers, body) = call("GET", &url("/api/openapi.json"), &[], b"");
    f.check(
        status == 200 && body.contains("\"/api/uploads/{id}\""),
        || "no OpenAPI document".into(),
    );
    let header = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    f.check(
        header("content-security-policy").contains("frame-ancestors 'none'"),
        || "no CSP".into(),
    );
    f.check(
        header("x-content-type-options") == "nosniff" && header("referrer-policy") == "no-referrer",
        || "headers".into(),
    );
    f.finish();
}

/// The CSP names base-uri, form-action and object-src; the token reply is
/// never cached; the page is isolated from other origins' windows and
/// resources.
#[test]
fn security_headers_are_complete() {
    let server = Server::start("inbox", &[]);
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let body = serde_json::json!({"password": PASSWORD, "consent": {"statement_version": "2", "accepted": true, "may_send": true}});
    let resp = agent
        .post(format!("{}/api/session", server.url))
        .header("Content-Type", "application/json")
        .send(body.to_string())
        .unwrap();
    let header = |name: &str| {
        resp.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned()
    };
    let mut f = Failures::default();
    f.check(resp.status() == 201, || format!("status {}", resp.status()));
    let csp = header("content-security-policy");
    for directive in ["base-uri 'none'", "form-action 'self'", "object-src 'none'"] {
        f.check(csp.contains(directive), || {
            format!("CSP lacks {directive}: {csp}")
        });
    }
    f.check(header("cache-control") == "no-store", || {
        format!("token reply Cache-Control: {:?}", header("cache-control"))
    });
    f.check(
        header("cross-origin-opener-policy") == "same-origin",
        || "no Cross-Origin-Opener-Policy".into(),
    );
    f.check(
        header("cross-origin-resource-policy") == "same-origin",
        || "no Cross-Origin-Resource-Policy".into(),
    );
    f.finish();
}
