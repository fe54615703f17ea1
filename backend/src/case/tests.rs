//! The state machine, the errors, and a case through take-over, a refused
//! second action, close and housekeeping on a real store and spool.

use super::*;
use crate::config::{Flags, Mode};
use mailslot_shared::dicom::synth::ct_image;
use mailslot_shared::reconcile::Identity;

#[test]
fn the_state_machine_ends_at_closed_and_keeps_a_take_over() {
    use CaseState::*;
    let all = [
        Action::TakeOver,
        Action::Consult,
        Action::Mark,
        Action::Close,
    ];
    assert_eq!(next_state(New, Action::Mark), Some(InProgress));
    assert_eq!(next_state(InProgress, Action::Mark), Some(InProgress));
    assert_eq!(next_state(New, Action::Consult), Some(Consult));
    assert_eq!(next_state(Consult, Action::TakeOver), Some(TakenOver));
    assert_eq!(next_state(TakenOver, Action::Consult), Some(TakenOver));
    assert_eq!(next_state(Consult, Action::Mark), Some(Consult));
    for &s in CaseState::ALL {
        assert_eq!(next_state(s, Action::Close), Some(Closed));
        assert_eq!(CaseState::parse(s.as_str()), Some(s));
    }
    for a in all.into_iter().filter(|a| *a != Action::Close) {
        assert_eq!(next_state(Closed, a), None, "{a:?} on a closed case");
    }
}

#[test]
fn every_error_has_a_stable_code() {
    let codes = [
        CaseError::Unknown("R".into()).code(),
        CaseError::Closed("R".into()).code(),
        CaseError::Busy.code(),
        CaseError::NothingSelected.code(),
        CaseError::NotHeld.code(),
        CaseError::By.code(),
        CaseError::Refused("x").code(),
        CaseError::Unreadable.code(),
        CaseError::Io(std::io::Error::other("x")).code(),
    ];
    let unique: std::collections::HashSet<_> = codes.iter().collect();
    assert_eq!(unique.len(), codes.len());
    for c in codes {
        assert!(
            c.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'),
            "{c}"
        );
    }
    assert!(check_by("").is_err() && check_by("a\nb").is_err());
    assert!(check_by(&"x".repeat(65)).is_err());
    assert_eq!(check_by(" Dr. Weiß ").unwrap(), "Dr. Weiß");
}

const STUDY: &str = "1.2.826.0.1.3680043.9.7.28.1";

/// A held case `ABC-DEF-GHJ` of one image in study [`STUDY`].
fn held_case() -> (tempfile::TempDir, Config, Store) {
    let dir = tempfile::tempdir().unwrap();
    let flags = Flags {
        data_dir: Some(dir.path().join("data")),
        ..Flags::default()
    };
    let mut config = Config::load_from(&flags, |_| None).unwrap();
    config.mode = Mode::Hold;
    config.patient_id_issuer = Some("HOSPITAL".into());
    let layout = Layout::of(&config.data_dir);
    layout.create().unwrap();
    let store = Store::open(&config.data_dir.join("db")).unwrap();
    crate::store::testing::session_with_upload(&store, 10, "u1", 100, 10, 1000);
    let image = ct_image(&format!("{STUDY}.1.1"), STUDY, "Sender^Pat", 64, 0);
    std::fs::write(layout.spooled("u1"), image).unwrap();
    std::fs::create_dir_all(layout.submission("ABC-DEF-GHJ")).unwrap();
    let conn = store.conn().unwrap();
    conn.execute("UPDATE sessions SET reference = 'ABC-DEF-GHJ'", params![])
        .unwrap();
    conn.execute(
        "INSERT INTO submissions (reference, session_id, created_at, files, bytes) VALUES ('ABC-DEF-GHJ', 's', 10, 1, 100)",
        params![],
    )
    .unwrap();
    queue::enqueue(&*conn, "u1", "s", 10, true).unwrap();
    table::open(
        &*conn,
        &table::Opened {
            reference: "ABC-DEF-GHJ",
            session_id: "s",
            created_at: 10,
            delete_at: 100,
            role: Some("physician"),
            studies: 1,
            letters: 0,
        },
    )
    .unwrap();
    drop(conn);
    (dir, config, store)
}

fn identity() -> Identity {
    Identity {
        patient_id: "H-4711".into(),
        name: "Muster^Erika".into(),
        ..Identity::default()
    }
}

#[test]
fn a_case_is_taken_over_refuses_a_second_action_and_is_deleted_once_delivered() {
    let (_dir, config, store) = held_case();
    let cases = Cases {
        store: &store,
        config: &config,
        forwarder: None,
    };
    let layout = Layout::of(&config.data_dir);
    let listed = cases.list(&Filter::default()).unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(
        (listed[0].state, listed[0].role.as_deref()),
        (CaseState::New, Some("physician"))
    );
    let by = "Dr. Weiß";
    let err = |e: CaseError| e.code();
    let study = [STUDY.to_owned()];
    assert_eq!(
        err(cases
            .take_over("abc-def-ghj", &[], identity(), by)
            .unwrap_err()),
        "nothing-selected"
    );
    assert_eq!(
        err(cases
            .take_over("abc-def-ghj", &["1.2.3".into()], identity(), by)
            .unwrap_err()),
        "study-not-held"
    );
    assert_eq!(
        err(cases
            .take_over("ZZZ-ZZZ-ZZZ", &study, identity(), by)
            .unwrap_err()),
        "case-unknown"
    );
    assert_eq!(
        err(cases
            .take_over("abc-def-ghj", &study, identity(), "")
            .unwrap_err()),
        "staff-name-invalid"
    );
    let bad = Identity {
        patient_id: String::new(),
        ..identity()
    };
    assert_eq!(
        err(cases.take_over("abc-def-ghj", &study, bad, by).unwrap_err()),
        "identity-invalid"
    );
    assert!(
        !layout.reconciled("u1").exists(),
        "a refused take-over leaves no file"
    );

    let done = cases
        .take_over("abc-def-ghj", &study, identity(), by)
        .unwrap();
    assert_eq!(
        done,
        Done {
            objects: 1,
            state: CaseState::TakenOver
        }
    );
    let spooled = crate::forward::identify(&layout.spooled("u1"))
        .unwrap()
        .summary;
    assert_eq!(spooled.patient_id.as_deref(), Some("H-4711"));
    assert_eq!(spooled.sop_instance_uid, format!("{STUDY}.1.1"));
    let items = queue::session_items(&*store.conn().unwrap(), "s").unwrap();
    assert_eq!(
        (items[0].state, items[0].target),
        (QueueState::Pending, Some(Target::Archive))
    );
    // Taken over: nothing of that study is held any more.
    assert_eq!(
        err(cases.consult("ABC-DEF-GHJ", &study, by).unwrap_err()),
        "study-not-held"
    );

    // Closing keeps what is on its way to the archive, refuses more work.
    let closed = cases.close("ABC-DEF-GHJ", by).unwrap();
    assert_eq!(
        closed,
        Closed {
            deleted: 0,
            waiting: 1,
            gone: false
        }
    );
    assert_eq!(
        err(cases.mark("ABC-DEF-GHJ", by).unwrap_err()),
        "case-closed"
    );
    // In flight: not pulled from under the worker.
    let later = crate::clock::now() + 10;
    let claimed = queue::claim(&store, Target::Archive, 8, later).unwrap();
    assert_eq!(claimed.len(), 1);
    assert_eq!(cases.housekeeping(later).unwrap(), 0);
    queue::mark_done(&store, "u1", 11).unwrap();
    assert_eq!(cases.housekeeping(12).unwrap(), 1);
    let conn = store.conn().unwrap();
    for table in [
        "cases",
        "sessions",
        "uploads",
        "forward_queue",
        "submissions",
    ] {
        let n: i64 = conn
            .query_row(&format!("SELECT COUNT(*) FROM {table}"), params![], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(n, 0, "{table} still holds the case");
    }
    assert!(!layout.submission("ABC-DEF-GHJ").exists());
    drop(conn);
    let audit = store.audit_log().unwrap();
    for event in ["case-take-over", "case-close", "case-deleted"] {
        assert!(
            audit.iter().any(|(_, e, _)| e == event),
            "no {event} in {audit:?}"
        );
    }
    assert!(audit
        .iter()
        .all(|(_, _, d)| !d.contains("H-4711") && !d.contains("Muster")));
}

#[test]
fn a_held_case_past_its_deletion_date_is_deleted_whatever_its_state() {
    let (_dir, config, store) = held_case();
    let cases = Cases {
        store: &store,
        config: &config,
        forwarder: None,
    };
    let layout = Layout::of(&config.data_dir);
    assert_eq!(
        cases.mark("ABC-DEF-GHJ", "desk").unwrap(),
        CaseState::InProgress
    );
    assert_eq!(cases.housekeeping(99).unwrap(), 0, "before its date");
    assert!(layout.spooled("u1").exists());
    assert_eq!(cases.housekeeping(100).unwrap(), 1);
    assert!(!layout.spooled("u1").exists());
    assert!(cases.list(&Filter::default()).unwrap().is_empty());
}
