//! Running the server as a hospital's IT would: readiness and Prometheus
//! metrics on the admin address (never the public one), structured logs.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::time::Duration;

use mailslot_tests::http::get;
use mailslot_tests::pacs::Orthanc;
use mailslot_tests::ports::wait_for;
use mailslot_tests::server::Server;
use mailslot_tests::{corpus, files_under, Failures};

/// `GET url` as (status, body text).
fn fetch(url: &str) -> (u16, String) {
    get(url)
        .map(|(s, b)| (s, String::from_utf8_lossy(&b).into_owned()))
        .unwrap_or((0, String::new()))
}

/// The readiness document: ready, and each check's (ok, detail).
fn readiness(server: &Server) -> (u16, bool, BTreeMap<String, (bool, String)>) {
    let (status, body) = fetch(&format!("{}/ready", server.admin_url));
    let doc: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
    let checks = doc["checks"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| {
            (
                c["name"].as_str().unwrap_or("").to_owned(),
                (
                    c["ok"].as_bool().unwrap_or(false),
                    c["detail"].as_str().unwrap_or("").to_owned(),
                ),
            )
        })
        .collect();
    (status, doc["ready"].as_bool().unwrap_or(false), checks)
}

/// Samples of the Prometheus text: `name{labels}` → value.
fn samples(text: &str) -> BTreeMap<String, f64> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| {
            let (k, v) = l.rsplit_once(' ')?;
            Some((k.to_owned(), v.parse().ok()?))
        })
        .collect()
}

/// Posts a session request with a wrong password (the API's refusal).
fn wrong_password(server: &Server) -> u16 {
    let body = serde_json::json!({"password": "not the password", "consent": {"statement_version": "2", "accepted": true, "may_send": true}});
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    agent
        .post(&format!("{}/api/session", server.url))
        .header("Content-Type", "application/json")
        .send(body.to_string())
        .map(|r| r.status().as_u16())
        .unwrap_or(0)
}

#[test]
fn readiness_and_metrics_tell_it_what_the_server_and_the_pacs_are_doing() {
    let mut orthanc = Orthanc::start();
    let server = Server::start(
        &format!("dimse://ORTHANC@127.0.0.1:{}", orthanc.dicom_port),
        &[],
    );
    let mut f = Failures::default();
    f.context(format!("server log:\n{}", server.log()));

    let (status, ready, checks) = readiness(&server);
    f.check(status == 200 && ready, || {
        format!("ready with Orthanc up: {status} {checks:?}")
    });
    f.check(
        checks
            .get("pacs")
            .is_some_and(|(ok, d)| *ok && d.contains("C-ECHO")),
        || format!("the PACS check is a C-ECHO: {checks:?}"),
    );
    for name in ["database", "disk"] {
        f.check(checks.get(name).is_some_and(|(ok, _)| *ok), || {
            format!("{name}: {checks:?}")
        });
    }
    // Neither is on the public port.
    for path in ["/ready", "/metrics"] {
        let (status, _) = fetch(&format!("{}{path}", server.url));
        f.check(status == 404, || format!("public {path}: {status}"));
    }

    f.check(wrong_password(&server) == 401, || "wrong password".into());
    let dir = corpus().join("generated");
    let (code, stdout, stderr) = server.send(&[&dir], &[]);
    f.check(code == 0, || format!("send: {stdout}\n{stderr}"));
    f.context(format!("send stdout:\n{stdout}"));
    let metrics = |f: &mut Failures| {
        let (status, text) = fetch(&format!("{}/metrics", server.admin_url));
        f.check(status == 200, || format!("metrics: {status}"));
        (text.clone(), samples(&text))
    };
    let forwarded = wait_for(Duration::from_secs(90), || {
        let (_, m) = metrics(&mut Failures::default());
        m.get("mailslot_forward_queue{state=\"pending\"}") == Some(&0.0)
            && m.get("mailslot_forward_queue{state=\"sending\"}") == Some(&0.0)
            && m.get("mailslot_forwarded_total").copied().unwrap_or(0.0) > 0.0
    });
    f.check(forwarded, || "the queue drained".into());
    let (text, m) = metrics(&mut f);
    f.context(format!("metrics:\n{text}"));
    let value = |k: &str| m.get(k).copied().unwrap_or(-1.0);
    let uploads = value("mailslot_uploads_total{verdict=\"accepted\"}");
    f.check(uploads > 0.0, || format!("accepted uploads: {uploads}"));
    let done = server.queue("done") as f64;
    f.check(uploads == done, || {
        format!("{uploads} accepted, the queue has {done} forwarded")
    });
    f.check(value("mailslot_forwarded_total") == done, || {
        "every forwarded object counted".into()
    });
    f.check(value("mailslot_sessions_total") == 1.0, || {
        "one session".into()
    });
    f.check(value("mailslot_password_refusals_total") == 1.0, || {
        "one password refused".into()
    });
    f.check(
        value("mailslot_refusals_total{code=\"wrong-password\"}") == 1.0,
        || "refusals by code".into(),
    );
    let bytes: u64 = files_under(&dir)
        .iter()
        .map(|p| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0))
        .sum();
    let received = value("mailslot_received_bytes_total");
    f.check(received > 0.0 && received <= bytes as f64, || {
        format!("received {received} of at most {bytes}")
    });
    f.check(
        value("mailslot_forward_queue_oldest_age_seconds") == 0.0,
        || "nothing waits".into(),
    );
    f.check(value("mailslot_mailbox_quota_bytes") > 0.0, || {
        "quota".into()
    });
    let free = mailslot_backend::health::free_bytes(&server.data).unwrap_or(0) as f64;
    let reported = value("mailslot_data_disk_free_bytes");
    f.check(
        reported > 0.0 && (reported - free).abs() < 0.1 * free,
        || format!("disk free {reported}, the test sees {free}"),
    );
    // Labels are codes and verdicts, never data.
    let labels_are_codes = m.keys().all(|k| {
        k.split_once('{').is_none_or(|(_, labels)| {
            labels.trim_end_matches('}').split(',').all(|kv| {
                kv.split_once('=').is_some_and(|(_, v)| {
                    v.trim_matches('"')
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                })
            })
        })
    });
    f.check(labels_are_codes, || "a label holds more than a code".into());
    // The audit log on the console: one line per event, times in UTC.
    let audit = server.admin(&["audit"]);
    let finished = audit
        .lines()
        .filter(|l| l.contains("  upload-finished  "))
        .count();
    f.check(
        finished as f64 >= uploads && audit.lines().all(|l| l.get(19..21) == Some("Z ")),
        || format!("mailslot audit:\n{audit}"),
    );

    // The PACS goes down: not ready, and why.
    orthanc.stop();
    let (status, ready, checks) = readiness(&server);
    f.check(status == 503 && !ready, || {
        format!("ready with Orthanc down: {status} {checks:?}")
    });
    f.check(
        checks
            .get("pacs")
            .is_some_and(|(ok, d)| !ok && d.contains(&orthanc.dicom_port.to_string())),
        || format!("the PACS check says which PACS: {checks:?}"),
    );
    f.finish();
}

#[test]
fn a_nearly_full_disk_makes_the_server_not_ready_and_logs_can_be_json() {
    let server = Server::start(
        "inbox",
        &[
            // More than any disk here has free.
            ("MAILSLOT_MIN_FREE_DISK_BYTES", "1000000000000000000"),
            ("MAILSLOT_LOG_FORMAT", "json"),
        ],
    );
    let mut f = Failures::default();
    let (status, ready, checks) = readiness(&server);
    f.check(status == 503 && !ready, || format!("{status} {checks:?}"));
    f.check(
        checks
            .get("disk")
            .is_some_and(|(ok, d)| !ok && d.contains("nearly full")),
        || format!("the disk check: {checks:?}"),
    );
    f.check(
        checks.get("pacs").is_some_and(|(ok, _)| *ok)
            && checks.get("database").is_some_and(|(ok, _)| *ok),
        || format!("only the disk is red: {checks:?}"),
    );

    let dir = corpus().join("generated");
    let (code, stdout, stderr) = server.send(&[&dir], &[]);
    f.check(code == 0, || format!("send: {stdout}\n{stderr}"));
    let log = server.log();
    f.context(format!("server log:\n{log}"));
    let mut audits = 0;
    for line in log.lines().filter(|l| !l.trim().is_empty()) {
        match serde_json::from_str::<serde_json::Value>(line) {
            Ok(v) => {
                f.check(v["level"].is_string() && v["timestamp"].is_string(), || {
                    format!("a JSON line without level or time: {line}")
                });
                if v["message"] == "audit" && v["event"] == "upload-finished" {
                    audits += 1;
                }
            }
            // What the binary prints itself before logging starts.
            Err(_) => f.check(line.starts_with("mailslot: "), || {
                format!("not JSON: {line}")
            }),
        }
    }
    f.check(audits > 0, || "upload verdicts are logged as JSON".into());
    f.finish();
}
