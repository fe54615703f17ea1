//! Staff on the server's console: a case looked up (the list names no
//! one, `show` names sender and patients), a speakable password made.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::Command;

use mailslot_sender::client::Client;
use mailslot_tests::sender::send_a_case;
use mailslot_tests::server::Server;
use mailslot_tests::{consent, mailslot_bin, Failures};

/// Staff look a case up on the server's console: the list names no one,
/// `show` names the sender and the patients — and neither the log nor the
/// database holds those names.
#[test]
fn staff_can_look_a_case_up_on_the_console() {
    let server = Server::start("inbox", &[]);
    let reference = send_a_case(&server);
    assert!(server.drained(2));
    let mut f = Failures::default();
    let listed = server.admin(&["submissions"]);
    f.check(
        listed.contains(&reference)
            && listed.contains("department=radiology")
            && listed.contains("purpose=second-opinion")
            && listed.contains("files=2")
            && !listed.contains("Müller"),
        || format!("mailslot submissions:\n{listed}"),
    );
    // Times for people: `2026-12-08 09:30 CET`, not Unix seconds.
    let readable = |line: &str| {
        line.as_bytes().windows(16).any(|w| {
            w.iter().enumerate().all(|(i, b)| match i {
                4 | 7 => *b == b'-',
                10 => *b == b' ',
                13 => *b == b':',
                _ => b.is_ascii_digit(),
            })
        })
    };
    f.check(
        !listed.contains("unix") && listed.lines().all(readable),
        || format!("mailslot submissions prints readable times:\n{listed}"),
    );
    let later = server.admin(&["submissions", "--since", "2999-01-01"]);
    f.check(later.trim().is_empty(), || {
        format!("--since in the future:\n{later}")
    });
    let shown = server.admin(&["submissions", "show", &reference]);
    f.check(!shown.contains('\u{1b}'), || {
        format!("show passes a terminal escape through:\n{shown:?}")
    });
    for want in [
        "Letters: 1 (Befund Müller.pdf [",
        "Jürgen Müller",
        "Zweitmeinung Knie",
        "Purpose: second-opinion",
        "CompressedSamples^CT1",
        "CompressedSamples^MR1",
        "CT",
        "MR",
    ] {
        f.check(shown.contains(want), || {
            format!("show lacks {want}:\n{shown}")
        });
    }
    let log = server.log();
    let db = server.database_bytes();
    for secret in ["Müller", "Befund", "CompressedSamples"] {
        f.check(!log.contains(secret), || format!("the log holds {secret}"));
        let needle = secret.as_bytes();
        let found = db.windows(needle.len()).any(|w| w == needle);
        f.check(!found, || format!("the database holds {secret}"));
    }
    f.finish();
}

/// `mailslot password add --generate` makes a passphrase a secretary can
/// read out on the phone, and it opens a session.
#[test]
fn a_generated_password_is_speakable_and_works() {
    let server = Server::start("inbox", &[]);
    let out = Command::new(mailslot_bin())
        .args(["password", "add", "--generate", "--data-dir"])
        .arg(&server.data)
        .envs(server.env_vars())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let phrase = stdout
        .lines()
        .find_map(|l| l.strip_prefix("password: "))
        .expect("the generated password is printed")
        .trim()
        .to_owned();
    let words: Vec<&str> = phrase.split('-').collect();
    assert!(
        words.len() >= 3 && phrase.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'),
        "not speakable: {phrase}"
    );
    let mut client = Client::new(&server.url);
    client.fetch_key().unwrap();
    assert!(client.start_session(&phrase, consent()).is_ok());
}
