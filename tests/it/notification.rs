//! The hospital is told of each case: an e-mail (plain, STARTTLS, SMTPS,
//! with a login, verified with the hospital's CA; waiting while the mail
//! server is down) and a signed webhook, neither holding patient or
//! sender data.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use mailslot_shared::dicom::{inspect, Limits};
use mailslot_tests::ca::HospitalCa;
use mailslot_tests::notify::{SmtpServer, SmtpTls, WebhookReceiver};
use mailslot_tests::ports::{free_port, wait_for};
use mailslot_tests::sender::send_a_case;
use mailslot_tests::server::Server;
use mailslot_tests::{corpus, Failures};

/// Staff are told at once: an e-mail to the department the sender picked
/// (over a real SMTP server) and a signed webhook, both naming the case by
/// its reference and holding no patient or sender data. While the mail
/// server is down the e-mail waits in the queue; it goes out once it is up.
#[test]
fn the_hospital_is_told_by_mail_and_webhook_without_patient_data() {
    use hmac::{KeyInit, Mac};
    let smtp_port = free_port();
    let hook = WebhookReceiver::start();
    let secret = "the hospital's webhook secret";
    let smtp_url = format!("smtp://127.0.0.1:{smtp_port}");
    let server = Server::start(
        "inbox",
        &[
            ("MAILSLOT_NOTIFY_SMTP_URL", &smtp_url),
            ("MAILSLOT_NOTIFY_FROM", "mailslot@klinikum.example"),
            ("MAILSLOT_NOTIFY_TO", "leitstelle@klinikum.example"),
            (
                "MAILSLOT_NOTIFY_DEPARTMENT_TO",
                "radiology=radiologie@klinikum.example",
            ),
            ("MAILSLOT_NOTIFY_WEBHOOK_URL", &hook.url),
            ("MAILSLOT_NOTIFY_WEBHOOK_SECRET", secret),
        ],
    );
    let real = corpus().join("real/pydicom");
    let files = [real.join("CT_small.dcm"), real.join("MR_small.dcm")];
    // What no notification may hold: the sender's details, and the
    // patients' names, IDs and birth dates as the files carry them.
    let mut private: Vec<String> = vec![
        "Müller".into(),
        "+49 30 1234567".into(),
        "Zweitmeinung Knie".into(),
    ];
    for f in &files {
        let bytes = std::fs::read(f).unwrap();
        let s = inspect(&bytes, bytes.len() as u64, &Limits::default())
            .accepted()
            .unwrap()
            .clone();
        private.extend(
            [s.patient_name, s.patient_id, s.patient_birth_date]
                .into_iter()
                .flatten()
                .filter(|v| v.trim().len() >= 3),
        );
    }
    assert!(private.len() > 3, "the test files name their patients");
    let reference = send_a_case(&server);
    let mut f = Failures::default();

    // The webhook: at once, signed over the exact body.
    f.check(
        wait_for(Duration::from_secs(30), || !hook.received().is_empty()),
        || "no webhook arrived".into(),
    );
    if let Some(got) = hook.received().first() {
        let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(&got.body);
        let want = format!("sha256={}", hex::encode(mac.finalize().into_bytes()));
        f.check(
            got.header("x-mailslot-signature") == Some(want.as_str()),
            || {
                format!(
                    "webhook signature {:?}, want {want}",
                    got.header("x-mailslot-signature")
                )
            },
        );
        let body: serde_json::Value = serde_json::from_slice(&got.body).unwrap_or_default();
        f.check(
            body["reference"] == reference.as_str()
                && body["department"] == "radiology"
                && body["purpose"] == "second-opinion"
                && body["images"] == 2
                && body["studies"] == 2
                && body["modalities"] == serde_json::json!(["CT", "MR"]),
            || format!("webhook body: {body}"),
        );
        holds_none(
            &mut f,
            "the webhook",
            &String::from_utf8_lossy(&got.body),
            &private,
        );
    }

    // The mail server is down: the e-mail waits and is retried.
    f.check(
        wait_for(Duration::from_secs(30), || {
            server.admin(&["queue"]).contains("notify email pending: 1")
                && server.log().contains("notification will be retried")
        }),
        || format!("mailslot queue:\n{}", server.admin(&["queue"])),
    );
    let smtp = SmtpServer::start(smtp_port);
    f.check(
        wait_for(Duration::from_secs(90), || !smtp.mails().is_empty()),
        || {
            format!(
                "no mail arrived; mailslot queue:\n{}",
                server.admin(&["queue"])
            )
        },
    );
    let mails = smtp.mails();
    f.check(mails.len() == 1, || format!("{} mails", mails.len()));
    if let Some(mail) = mails.first() {
        f.check(
            mail.contains("X-RcptTo: radiologie@klinikum.example")
                && mail.contains(&reference)
                && mail.contains("Department:  Radiologie (radiology)"),
            || format!("the mail:\n{mail}"),
        );
        holds_none(&mut f, "the mail", mail, &private);
    }
    f.check(
        wait_for(Duration::from_secs(10), || {
            server.admin(&["queue"]).contains("notify email done: 1")
        }),
        || format!("mailslot queue:\n{}", server.admin(&["queue"])),
    );
    f.finish();
}

/// Checks that `text` (`what`) holds none of `private`.
fn holds_none(f: &mut Failures, what: &str, text: &str, private: &[String]) {
    for p in private {
        f.check(!text.contains(p.as_str()), || {
            format!("{what} holds {p}:\n{text}")
        });
    }
}

/// The notification mail goes over TLS, as a hospital's mail server
/// demands: STARTTLS (required before any mail), implicit TLS (SMTPS), and
/// STARTTLS with a login, each verified against the hospital's own CA
/// (`notify_smtp_ca_file`). Without that CA the server's certificate is
/// not trusted: nothing is sent, the mail waits in the queue. With a wrong
/// password the mail server refuses for good: recorded as failed.
#[test]
fn the_mail_goes_over_starttls_or_implicit_tls_verified_with_the_hospitals_ca() {
    #[derive(Debug, PartialEq)]
    enum Outcome {
        Delivered,
        Waits,
        Refused,
    }
    let ca = HospitalCa::new();
    let ca_file = ca.ca_cert.to_str().unwrap();
    let login = SmtpTls::StartTlsLogin(&ca, "mailslot", "s3cret");
    let mut f = Failures::default();
    for (tls, url, trusted, outcome) in [
        (
            SmtpTls::StartTls(&ca),
            "smtp://127.0.0.1:{port}?tls=required",
            false,
            Outcome::Waits,
        ),
        (
            SmtpTls::StartTls(&ca),
            "smtp://127.0.0.1:{port}?tls=required",
            true,
            Outcome::Delivered,
        ),
        (
            SmtpTls::Implicit(&ca),
            "smtps://127.0.0.1:{port}",
            true,
            Outcome::Delivered,
        ),
        (
            login,
            "smtp://mailslot:s3cret@127.0.0.1:{port}?tls=required",
            true,
            Outcome::Delivered,
        ),
        (
            login,
            "smtp://mailslot:wrong@127.0.0.1:{port}?tls=required",
            true,
            Outcome::Refused,
        ),
    ] {
        let port = free_port();
        let smtp = SmtpServer::start_with(port, tls);
        let url = url.replace("{port}", &port.to_string());
        let mut env = vec![
            ("MAILSLOT_NOTIFY_SMTP_URL", url.as_str()),
            ("MAILSLOT_NOTIFY_TO", "leitstelle@klinikum.example"),
        ];
        if trusted {
            env.push(("MAILSLOT_NOTIFY_SMTP_CA_FILE", ca_file));
        }
        let server = Server::start("inbox", &env);
        let reference = send_a_case(&server);
        let queue = || server.admin(&["queue"]);
        match outcome {
            Outcome::Delivered => {
                f.check(
                    wait_for(Duration::from_secs(30), || !smtp.mails().is_empty()),
                    || format!("{url}: no mail; log:\n{}", server.log()),
                );
                f.check(smtp.mails().iter().any(|m| m.contains(&reference)), || {
                    format!("{url}: the mail lacks {reference}")
                });
            }
            Outcome::Waits => f.check(
                wait_for(Duration::from_secs(30), || {
                    queue().contains("notify email pending: 1")
                        && server.log().contains("notification will be retried")
                }),
                || format!("{url}: {}", queue()),
            ),
            Outcome::Refused => f.check(
                wait_for(Duration::from_secs(30), || {
                    queue().contains("notify email failed: 1")
                }),
                || format!("{url}: {}", queue()),
            ),
        }
        if outcome != Outcome::Delivered {
            f.check(smtp.mails().is_empty(), || {
                format!("{url}: a mail went out")
            });
        }
    }
    f.finish();
}
