//! What housekeeping removes: records and refused objects past their
//! retention (audited), a refused letter at once, and files no database
//! row owns.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::Command;
use std::time::Duration;

use mailslot_tests::sender::session;
use mailslot_tests::server::Server;
use mailslot_tests::{files_under, mailslot_bin, Failures};

/// Sessions, uploads, submissions, the audit log and objects the PACS
/// refused for good grew forever. Each now has a retention, and what is
/// removed is written to the audit log.
#[test]
fn old_records_and_refused_objects_are_purged() {
    if mailslot_tests::postgres::skip_sqlite_only() {
        return;
    }
    let server = Server::start("inbox", &[("MAILSLOT_RETENTION_DAYS", "7")]);
    let long_ago = mailslot_backend::clock::now() - 400 * 86_400;
    let recent = mailslot_backend::clock::now() - 60;
    let spooled = server
        .data
        .join("spool/0123456789abcdef0123456789abcdef.dcm");
    std::fs::write(&spooled, b"refused by the PACS long ago").unwrap();
    {
        let db = rusqlite::Connection::open(server.data.join("mailslot.sqlite3")).unwrap();
        db.busy_timeout(Duration::from_secs(10)).unwrap();
        for (sid, at) in [("old", long_ago), ("new", recent)] {
            db.execute(
                "INSERT INTO sessions (id, token_hash, reference, created_at, last_seen, consent_version, consent_at, finalized_at)
                 VALUES (?1, randomblob(32), ?1 || '-REF', ?2, ?2, '1', ?2, ?2)",
                rusqlite::params![sid, at],
            )
            .unwrap();
            db.execute(
                "INSERT INTO uploads (id, session_id, file_id, kind, length, state, created_at, expires_at)
                 VALUES (?1 || '-up', ?1, ?1, 'dicom', 10, 'accepted', ?2, ?2)",
                rusqlite::params![sid, at],
            )
            .unwrap();
            db.execute(
                "INSERT INTO forward_queue (upload_id, session_id, state, next_attempt, updated_at)
                 VALUES (?1 || '-up', ?1, 'done', ?2, ?2)",
                rusqlite::params![sid, at],
            )
            .unwrap();
            db.execute(
                "INSERT INTO submissions (reference, session_id, created_at, files, bytes) VALUES (?1 || '-REF', ?1, ?2, 1, 10)",
                rusqlite::params![sid, at],
            )
            .unwrap();
        }
        db.execute(
            "INSERT INTO uploads (id, session_id, file_id, kind, length, state, created_at, expires_at)
             VALUES ('0123456789abcdef0123456789abcdef', 'new', 'x', 'dicom', 10, 'accepted', ?1, ?1)",
            [long_ago],
        )
        .unwrap();
        db.execute(
            "INSERT INTO forward_queue (upload_id, session_id, state, next_attempt, updated_at)
             VALUES ('0123456789abcdef0123456789abcdef', 'new', 'failed', ?1, ?1)",
            [long_ago],
        )
        .unwrap();
        db.execute(
            "INSERT INTO audit (at, event, detail) VALUES (?1, 'ancient', 'x')",
            [long_ago],
        )
        .unwrap();
    }
    let purge = Command::new(mailslot_bin())
        .args(["purge", "--data-dir"])
        .arg(&server.data)
        .envs(server.env_vars())
        .env("MAILSLOT_RETENTION_DAYS", "7")
        .output()
        .unwrap();
    assert!(
        purge.status.success(),
        "{}",
        String::from_utf8_lossy(&purge.stderr)
    );
    let db = rusqlite::Connection::open(server.data.join("mailslot.sqlite3")).unwrap();
    let count = |sql: &str| -> i64 { db.query_row(sql, [], |r| r.get(0)).unwrap() };
    let mut f = Failures::default();
    f.check(
        count("SELECT COUNT(*) FROM sessions WHERE id = 'old'") == 0,
        || "the old session is still there".into(),
    );
    f.check(
        count("SELECT COUNT(*) FROM uploads WHERE session_id = 'old'") == 0
            && count("SELECT COUNT(*) FROM submissions WHERE session_id = 'old'") == 0,
        || "the old session's uploads or submission are still there".into(),
    );
    f.check(
        count("SELECT COUNT(*) FROM sessions WHERE id = 'new'") == 1,
        || "a recent session was purged".into(),
    );
    f.check(!spooled.exists(), || {
        "the long-refused object is still spooled".into()
    });
    f.check(
        count("SELECT COUNT(*) FROM audit WHERE event = 'ancient'") == 0,
        || "the year-old audit row is still there".into(),
    );
    f.check(
        count("SELECT COUNT(*) FROM audit WHERE event = 'records-purged'") == 1
            && count("SELECT COUNT(*) FROM audit WHERE event = 'spool-purged'") == 1,
        || "the purges were not audited".into(),
    );
    f.finish();
}

/// A "letter" that is not a PDF was decrypted and left in `uploads/`
/// forever. Now it is removed at once, and housekeeping sweeps any part,
/// spool or inbox file that no database row owns.
#[test]
fn refused_letters_and_orphans_leave_no_file_behind() {
    let server = Server::start("inbox", &[]);
    let dir = tempfile::tempdir().unwrap();
    let fake = dir.path().join("letter.pdf");
    std::fs::write(&fake, vec![b'x'; 200_000]).unwrap();
    let client = session(&server);
    let sent = client
        .upload_file(&fake, mailslot_shared::wire::UploadKind::Letter, &|_| {})
        .unwrap();
    let mut f = Failures::default();
    f.context(server.log());
    f.check(
        sent.verdict == mailslot_shared::wire::UploadState::Rejected,
        || format!("verdict {sent:?}"),
    );
    let left = files_under(&server.data.join("uploads"));
    f.check(left.is_empty(), || {
        format!("the refused letter is still on disk: {left:?}")
    });
    // Files no row owns, older than any write in progress.
    let orphans = [
        server
            .data
            .join("uploads/0123456789abcdef0123456789abcdef.part"),
        server
            .data
            .join("spool/0123456789abcdef0123456789abcdef.dcm"),
        server.data.join("inbox/ZZZ-ZZZ-ZZZ/x.dcm"),
    ];
    for o in &orphans {
        std::fs::create_dir_all(o.parent().unwrap()).unwrap();
        std::fs::write(o, b"orphan").unwrap();
    }
    let touched = Command::new("touch")
        .args(["-d", "3 hours ago"])
        .args(&orphans)
        .arg(server.data.join("inbox/ZZZ-ZZZ-ZZZ"))
        .status()
        .unwrap();
    assert!(touched.success());
    let purge = Command::new(mailslot_bin())
        .args(["purge", "--data-dir"])
        .arg(&server.data)
        .envs(server.env_vars())
        .output()
        .unwrap();
    f.check(purge.status.success(), || {
        format!("purge failed: {}", String::from_utf8_lossy(&purge.stderr))
    });
    for o in &orphans {
        f.check(!o.exists(), || format!("{} was not swept", o.display()));
    }
    f.check(!server.data.join("inbox/ZZZ-ZZZ-ZZZ").exists(), || {
        "the orphaned inbox folder was not swept".into()
    });
    f.finish();
}
