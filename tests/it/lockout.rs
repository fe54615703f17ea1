//! Wrong passwords: counted per client (behind trusted proxies, by every
//! `X-Forwarded-For` line; IPv6 per /64), booked before they are checked,
//! kept over a restart, and only a few checked at a time.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use mailslot_sender::client::{Client, ClientError};
use mailslot_tests::http::{call, code_of, raw_request, reply};
use mailslot_tests::server::{Server, PASSWORD};
use mailslot_tests::{consent, Failures};

/// One `POST /api/session` with a wrong password, through raw HTTP so that
/// `X-Forwarded-For` can be sent as several lines (as HAProxy appends its
/// own); returns the status line.
fn guess(server: &Server, forwarded: &[&str]) -> String {
    let body = r#"{"password":"wrong","consent":{"statement_version":"2","accepted":true,"may_send":true}}"#;
    let lines: String = forwarded
        .iter()
        .map(|f| format!("X-Forwarded-For: {f}\r\n"))
        .collect();
    let head = format!(
        "POST /api/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n{lines}\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let answer = reply(raw_request(&server.url, &head), 20);
    answer.lines().next().unwrap_or("").to_owned()
}

fn locked(status: &str) -> bool {
    status.starts_with("HTTP/1.1 429")
}

/// Behind a proxy that appends its own X-Forwarded-For line, only the
/// first line was read, so the client chose its address: wrong passwords
/// were never locked out. All lines are read now, from the right; the
/// proxies may be given as a CIDR range.
#[test]
fn a_client_cannot_choose_its_address_behind_a_proxy() {
    let server = Server::start("inbox", &[("MAILSLOT_TRUSTED_PROXIES", "127.0.0.0/8")]);
    let statuses: Vec<String> = (0..8)
        .map(|n| guess(&server, &[&format!("198.51.100.{n}"), "203.0.113.7"]))
        .collect();
    assert!(
        statuses.iter().skip(5).all(|s| locked(s)),
        "attempts 6-8 were not locked out: {statuses:?}"
    );
    // The audit names the client by a keyed hash, never by its address.
    let log = server.log();
    assert!(log.contains("client="), "refusals are not attributed");
    assert!(!log.contains("203.0.113.7"), "an address reached the log");
}

/// IPv6 clients are keyed by their /64: a new address of the same network
/// does not buy new guesses.
#[test]
fn ipv6_guesses_are_counted_per_network() {
    let server = Server::start("inbox", &[("MAILSLOT_TRUSTED_PROXIES", "127.0.0.1")]);
    let statuses: Vec<String> = (1..=7)
        .map(|n| guess(&server, &[&format!("2001:db8:1:2::{n:x}")]))
        .collect();
    assert!(
        statuses.iter().skip(5).all(|s| locked(s)),
        "attempts 6-7 from one /64 were not locked out: {statuses:?}"
    );
}

/// Twenty wrong guesses at once were all checked (the lockout was checked
/// before hashing and counted after). Now each attempt is reserved first.
#[test]
fn concurrent_guesses_are_counted_before_they_are_checked() {
    let server = Server::start(
        "inbox",
        &[
            ("MAILSLOT_TRUSTED_PROXIES", "127.0.0.1"),
            ("MAILSLOT_MAX_CONCURRENT_PASSWORD_CHECKS", "64"),
        ],
    );
    let server = std::sync::Arc::new(server);
    let threads: Vec<_> = (0..20)
        .map(|_| {
            let server = server.clone();
            std::thread::spawn(move || guess(&server, &["192.0.2.44"]))
        })
        .collect();
    let statuses: Vec<String> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    let checked = statuses
        .iter()
        .filter(|s| s.starts_with("HTTP/1.1 401"))
        .count();
    assert!(
        checked <= 5,
        "{checked} of 20 concurrent guesses were checked"
    );
}

/// The counters live in the database: a restart does not reset them.
#[test]
fn a_lockout_survives_a_restart() {
    let mut server = Server::start("inbox", &[("MAILSLOT_TRUSTED_PROXIES", "127.0.0.1")]);
    for _ in 0..6 {
        guess(&server, &["192.0.2.99"]);
    }
    assert!(locked(&guess(&server, &["192.0.2.99"])));
    server.restart();
    let after = guess(&server, &["192.0.2.99"]);
    assert!(locked(&after), "after a restart: {after}");
}

/// Twenty guesses at once: only a few Argon2id checks (~19 MiB each) run
/// at a time; the rest wait in line (a few seconds at most, then
/// `rate-limited`), so the memory a password-less client can occupy is
/// bounded.
#[test]
fn concurrent_password_guesses_are_capped() {
    let server = Server::start("inbox", &[]);
    let url = server.url.clone();
    let guesses: Vec<_> = (0..20)
        .map(|i| {
            let url = url.clone();
            std::thread::spawn(move || {
                let mut client = Client::new(&url);
                match client.start_session(&format!("guess {i}"), consent()) {
                    Err(ClientError::Api { code, .. }) => code,
                    other => format!("{other:?}"),
                }
            })
        })
        .collect();
    let codes: Vec<String> = guesses.into_iter().map(|t| t.join().unwrap()).collect();
    let peak = server.peak_rss().expect("the server's VmHWM");
    let mut f = Failures::default();
    f.context(server.log());
    f.check(
        codes
            .iter()
            .all(|c| c == "wrong-password" || c == "rate-limited" || c == "locked-out"),
        || format!("answers: {codes:?}"),
    );
    f.check(peak < 150 << 20, || {
        format!("server peak RSS {} MiB", peak >> 20)
    });
    f.finish();
}

#[test]
fn behind_a_trusted_proxy_one_senders_wrong_passwords_lock_out_only_that_sender() {
    let server = Server::start("inbox", &[("MAILSLOT_TRUSTED_PROXIES", "127.0.0.1")]);
    let attempt = |password: &str, from: &str| {
        let body = serde_json::json!({"password": password, "consent": {"statement_version": "2", "accepted": true, "may_send": true}});
        let headers = [
            ("Content-Type", "application/json".to_owned()),
            ("X-Forwarded-For", from.to_owned()),
        ];
        let (status, _, body) = call(
            "POST",
            &format!("{}/api/session", server.url),
            &headers,
            body.to_string().as_bytes(),
        );
        (status, code_of(&body))
    };
    for _ in 0..5 {
        assert_eq!(attempt("wrong password", "192.0.2.7").0, 401);
    }
    assert_eq!(
        attempt(PASSWORD, "192.0.2.7"),
        (429, "locked-out".to_owned())
    );
    // Another sender behind the same proxy is not affected.
    assert_eq!(attempt(PASSWORD, "192.0.2.8").0, 201);
}
