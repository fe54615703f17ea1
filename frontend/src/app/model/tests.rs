//! The page's transitions, natively: each test walks the model through
//! actions and checks what it shows and which effects it asks for.
//!
//! Longer than 400 lines on purpose: every test starts from the shared
//! walks at the top (`with_session`, `with_scan`, `sending`), so they stay
//! in one file next to them.

#![allow(clippy::panic)]

use mailslot_shared::dicom::Summary;

use crate::i18n::Language;
use mailslot_shared::envelope::PrivateKey;
use mailslot_shared::wire::{
    ErrorCode, HospitalInfo, LetterName, Localized, PrivacyStatement, Purpose, Receipt, Role,
    SessionCreated, UploadKind, UploadLimits, UploadState,
};

use super::*;
use crate::net::Key;
use crate::store::StoredSession;
use crate::tree::FileRef;
use crate::upload::{Event, Finished};
use crate::worker::protocol::{Found, IgnoreReason, Ignored, ScanReport};

fn hospital() -> HospitalInfo {
    let text = |s: &str| Localized {
        de: s.into(),
        en: s.into(),
    };
    HospitalInfo {
        name: text("Klinikum"),
        phones: Vec::new(),
        hours: text("8-16"),
        departments: Vec::new(),
        help: text("help"),
        privacy: PrivacyStatement {
            version: "7".into(),
            text: text("privacy"),
        },
        retention_days: 42,
        keeping: Default::default(),
        when_full: Default::default(),
        costs: None,
        accessibility: Default::default(),
        email: Some("imaging@example.org".into()),
        fax: None,
        address: None,
    }
}

fn limits() -> UploadLimits {
    UploadLimits {
        max_file_bytes: 1 << 30,
        max_session_bytes: 1 << 34,
        max_chunk_bytes: 1 << 22,
    }
}

fn key() -> Key {
    Key {
        public: PrivateKey::derive(&[7; 32]).public_key(),
        record_size: 65536,
    }
}

fn created() -> SessionCreated {
    SessionCreated {
        token: "token".into(),
        session_id: "00112233445566778899aabbccddeeff".into(),
        idle_timeout_secs: 1800,
        expires_at: 0,
        limits: limits(),
    }
}

fn started() -> Started {
    Started {
        created: created(),
        key: key(),
        seal_secret: [9; 32],
    }
}

fn image(study: &str, sop: &str, size: u64) -> Summary {
    Summary {
        patient_name: Some("DOE^JANE".into()),
        study_instance_uid: study.into(),
        series_instance_uid: format!("{study}.1"),
        sop_instance_uid: sop.into(),
        size,
        ..Summary::default()
    }
}

fn found(file: u32, path: &str, summary: Summary) -> Found<FileRef> {
    Found {
        file: FileRef(file),
        path: path.into(),
        summary,
    }
}

fn has_focus(fx: &[Effect], id: &str) -> bool {
    fx.iter().any(|e| matches!(e, Effect::Focus(f) if *f == id))
}

/// A page with the hospital's texts, consent given and a session open, on
/// the Choose step.
fn with_session() -> Model {
    let mut m = Model::new(Language::En);
    m.reduce(Action::Hospital(Ok(Rc::new(hospital()))));
    m.reduce(Action::Agree(true));
    m.reduce(Action::MaySend(true));
    m.reduce(Action::WelcomeNext);
    m.reduce(Action::Password("secret".into()));
    m.reduce(Action::PasswordSubmit);
    m.reduce(Action::SessionStarted(Ok(started())));
    assert_eq!(m.step, Step::Choose);
    m
}

/// `with_session`, then two studies scanned (three images, one ignored).
fn with_scan() -> Model {
    let mut m = with_session();
    m.reduce(Action::Chosen {
        files: vec![(FileRef(0), "CD/A".into()), (FileRef(1), "CD/B".into())],
        unreadable: Vec::new(),
    });
    m.reduce(Action::Scanned(ScanReport {
        found: vec![
            found(0, "CD/A", image("1.1", "1.1.1.1", 1000)),
            found(1, "CD/B", image("1.1", "1.1.1.2", 2000)),
            found(2, "CD/C", image("1.2", "1.2.1.1", 4000)),
        ],
        ignored: vec![Ignored {
            path: "CD/AUTORUN.INF".into(),
            size: 10,
            reason: IgnoreReason::Rule(mailslot_shared::dicom::RejectCode::NotDicom),
        }],
        dicomdirs: Vec::new(),
    }));
    m
}

/// `with_scan`, then the form filled in and the preflight passed: sending.
fn sending() -> (Model, Vec<UploadJob>) {
    sending_with(Vec::new(), 3, 7000)
}

/// The scanned images and `letters` up to sending; the preflight announces
/// `count` files of `total` bytes.
fn sending_with(letters: Vec<Letter>, count: u64, total: u64) -> (Model, Vec<UploadJob>) {
    let mut m = with_scan();
    m.reduce(Action::CheckNext);
    m.reduce(Action::Letters {
        letters,
        refused: Vec::new(),
    });
    for (field, value) in [
        (Field::Name, "Jane Doe"),
        (Field::Phone, "0123"),
        (Field::Request, "Please look"),
    ] {
        m.reduce(Action::Field(field, value.into()));
    }
    m.reduce(Action::Role(Role::Patient));
    m.reduce(Action::Purpose(Purpose::SecondOpinion));
    let fx = m.reduce(Action::Send);
    assert!(
        matches!(
            fx[..],
            [Effect::Preflight { files, bytes, .. }] if files == count && bytes == total
        ),
        "{fx:?}"
    );
    let fx = m.reduce(Action::Preflighted(Ok(())));
    assert_eq!(m.step, Step::Send);
    let jobs = fx
        .into_iter()
        .find_map(|e| match e {
            Effect::Upload { jobs, .. } => Some(jobs),
            _ => None,
        })
        .unwrap_or_default();
    (m, jobs)
}

#[test]
fn consent_is_required_before_the_password() {
    let mut m = Model::new(Language::De);
    m.reduce(Action::Hospital(Ok(Rc::new(hospital()))));
    let fx = m.reduce(Action::WelcomeNext);
    assert_eq!(m.step, Step::Welcome);
    let fields: Vec<&str> = m.problems.iter().map(|p| p.field).collect();
    assert_eq!(fields, ["consent-agree", "consent-may-send"]);
    assert!(has_focus(&fx, "error-summary"));
    m.reduce(Action::Agree(true));
    m.reduce(Action::WelcomeNext);
    assert!(m.invalid("consent-may-send"));
    assert!(!m.invalid("consent-agree"));
    m.reduce(Action::MaySend(true));
    let fx = m.reduce(Action::WelcomeNext);
    assert_eq!(m.step, Step::Password);
    assert!(m.problems.is_empty());
    assert!(has_focus(&fx, "step-heading"));
}

#[test]
fn the_password_is_checked_and_its_errors_are_said_with_the_wait() {
    let mut m = Model::new(Language::En);
    m.reduce(Action::Hospital(Ok(Rc::new(hospital()))));
    m.reduce(Action::Agree(true));
    m.reduce(Action::MaySend(true));
    m.reduce(Action::WelcomeNext);
    // Nothing typed: refused on the page, nothing sent.
    let fx = m.reduce(Action::PasswordSubmit);
    assert_eq!(m.problems[0].text, Text::id("password-missing"));
    assert!(!fx.iter().any(|e| matches!(e, Effect::StartSession { .. })));
    // Typed: the consent of the statement shown goes with it.
    m.reduce(Action::Password("wrong".into()));
    let fx = m.reduce(Action::PasswordSubmit);
    assert!(m.busy);
    match &fx[..] {
        [Effect::StartSession { password, consent }] => {
            assert_eq!(password, "wrong");
            assert_eq!(consent.statement_version, "7");
            assert!(consent.accepted && consent.may_send);
        }
        other => panic!("{other:?}"),
    }
    m.reduce(Action::SessionStarted(Err(NetError::Api {
        status: 401,
        code: ErrorCode::WrongPassword,
        retry_after: None,
    })));
    assert!(!m.busy);
    assert_eq!(m.step, Step::Password);
    assert_eq!(m.problems[0].field, "field-password");
    assert_eq!(m.problems[0].text, Text::error("wrong-password"));
    // Locked out: the sentence says how many minutes to wait.
    m.reduce(Action::SessionStarted(Err(NetError::Api {
        status: 429,
        code: ErrorCode::LockedOut,
        retry_after: Some(61),
    })));
    assert_eq!(
        m.problems[0].text,
        Text::Error {
            code: "locked-out".into(),
            wait_minutes: Some(2)
        }
    );
    // Right: the session is kept for a reload, the password forgotten.
    let fx = m.reduce(Action::SessionStarted(Ok(started())));
    assert!(fx
        .iter()
        .any(|e| matches!(e, Effect::SaveSession(s) if s.token == "token")));
    assert_eq!(m.step, Step::Choose);
    assert!(m.password.is_empty());
    assert_eq!(m.announce, Some(Text::id("announce-password-ok")));
}

#[test]
fn choosing_scans_in_the_worker_and_lists_what_could_not_be_read() {
    let mut m = with_session();
    // Nothing at all: said, nothing scanned.
    let fx = m.reduce(Action::Chosen {
        files: Vec::new(),
        unreadable: Vec::new(),
    });
    assert_eq!(m.problems[0].text, Text::id("choose-nothing"));
    assert!(!fx.iter().any(|e| matches!(e, Effect::Scan { .. })));
    let fx = m.reduce(Action::Chosen {
        files: vec![(FileRef(4), "CD/IM1".into())],
        unreadable: vec!["CD/LOCKED/".into()],
    });
    match &fx[..] {
        [Effect::Scan {
            files,
            max_file_bytes,
            unpack_budget,
        }] => {
            assert_eq!(files, &vec![(FileRef(4), "CD/IM1".to_owned())]);
            assert_eq!(*max_file_bytes, limits().max_file_bytes);
            assert_eq!(*unpack_budget, limits().max_session_bytes);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(m.scanning, Some((0, 1)));
    assert_eq!(m.scanned.ignored[0].path, "CD/LOCKED/");
    assert_eq!(m.scanned.ignored[0].reason, IgnoreReason::Unreadable);
    m.reduce(Action::ScanProgress(1, 1));
    assert_eq!(m.scanning, Some((1, 1)));
    // The worker crashed: said, and a new scan may start.
    m.reduce(Action::ScanFailed);
    assert_eq!(m.scanning, None);
    assert_eq!(m.scans_pending, 0);
    assert_eq!(m.problems[0].text, Text::id("scan-failed"));
}

#[test]
fn a_second_scan_is_merged_and_duplicates_are_set_aside() {
    let mut m = with_scan();
    assert_eq!(m.step, Step::Check);
    assert_eq!(m.scanned.found.len(), 3);
    assert_eq!(
        m.announce,
        Some(Text::with(
            "announce-scanned",
            vec![
                ("images", 3usize.into()),
                ("studies", 2usize.into()),
                ("ignored", 1usize.into())
            ]
        ))
    );
    // Add a ZIP: one new image, one already found under another name.
    m.reduce(Action::Go(Step::Choose));
    m.reduce(Action::Chosen {
        files: vec![(FileRef(9), "Download.zip".into())],
        unreadable: Vec::new(),
    });
    assert_eq!(m.step, Step::Choose, "stays until the scan reports");
    m.reduce(Action::Scanned(ScanReport {
        found: vec![
            found(10, "Download.zip/X", image("1.3", "1.3.1.1", 500)),
            found(11, "Download.zip/COPY", image("1.1", "1.1.1.1", 1000)),
        ],
        ..ScanReport::default()
    }));
    assert_eq!(m.step, Step::Check);
    let kept: Vec<(FileRef, &str)> = m
        .scanned
        .found
        .iter()
        .map(|f| (f.file, f.path.as_str()))
        .collect();
    assert_eq!(kept.len(), 4);
    assert_eq!(kept[3], (FileRef(10), "Download.zip/X"));
    let dup = m
        .scanned
        .ignored
        .last()
        .map(|i| (i.path.as_str(), i.reason));
    assert_eq!(dup, Some(("Download.zip/COPY", IgnoreReason::Duplicate)));
}

#[test]
fn studies_can_be_left_out_but_not_all() {
    let mut m = with_scan();
    m.reduce(Action::Study("1.1".into(), false));
    assert_eq!(m.selected(), vec![2]);
    m.reduce(Action::Study("1.2".into(), false));
    m.reduce(Action::CheckNext);
    assert_eq!(m.step, Step::Check);
    assert_eq!(m.problems[0].text, Text::id("check-nothing-selected"));
    m.reduce(Action::Study("1.1".into(), true));
    m.reduce(Action::CheckNext);
    assert_eq!(m.step, Step::About);
    assert_eq!(m.selected(), vec![0, 1]);
}

#[test]
fn the_form_is_checked_before_anything_is_sent() {
    let mut m = with_scan();
    m.reduce(Action::CheckNext);
    m.reduce(Action::Field(Field::Email, "jane@".into()));
    let fx = m.reduce(Action::Send);
    assert!(!fx.iter().any(|e| matches!(e, Effect::Preflight { .. })));
    let fields: Vec<&str> = m.problems.iter().map(|p| p.field).collect();
    assert_eq!(
        fields,
        [
            "field-name",
            "field-email",
            "role-patient",
            "purpose-treatment",
            "field-request"
        ]
    );
    // A file that is no letter and a photo too large are named, each
    // with its reason; the PDF is kept once.
    let letter = Letter {
        file: FileRef(20),
        name: "Brief.pdf".into(),
        size: 300,
        study: None,
    };
    m.reduce(Action::Letters {
        letters: vec![letter.clone()],
        refused: vec![
            ("Foto.heic".into(), LetterRefusal::NotALetter),
            ("Scan.png".into(), LetterRefusal::TooLarge),
            ("Brief.docx".into(), LetterRefusal::NotALetter),
        ],
    });
    let said: Vec<(&str, &Text)> = m.problems.iter().map(|p| (p.field, &p.text)).collect();
    assert_eq!(
        said,
        [
            (
                "field-letters",
                &Text::with(
                    "about-letters-not-pdf",
                    vec![("names", Arg::Str("Foto.heic, Brief.docx".into()))]
                )
            ),
            (
                "field-letters",
                &Text::with(
                    "about-letters-too-large",
                    vec![("names", Arg::Str("Scan.png".into()))]
                )
            ),
        ]
    );
    m.reduce(Action::Letters {
        letters: vec![letter.clone()],
        refused: Vec::new(),
    });
    assert_eq!(m.letters, vec![letter]);
    assert!(!m.invalid("field-letters"));
}

#[test]
fn sending_covers_images_then_letters_and_one_refusal_does_not_stop_the_rest() {
    let (mut m, jobs) = sending();
    let files: Vec<(usize, FileRef, UploadKind)> =
        jobs.iter().map(|j| (j.index, j.file, j.kind)).collect();
    assert_eq!(
        files,
        [
            (0, FileRef(0), UploadKind::Dicom),
            (1, FileRef(1), UploadKind::Dicom),
            (2, FileRef(2), UploadKind::Dicom)
        ]
    );
    assert_eq!(m.announce, Some(Text::id("announce-send-started")));
    let done = |index, finished, reason: Option<&str>| {
        Action::Upload(
            Event::Done {
                index,
                finished,
                reason: reason.map(str::to_owned),
            },
            1000.0,
        )
    };
    m.reduce(done(0, Finished::State(UploadState::Accepted), None));
    m.reduce(done(
        1,
        Finished::State(UploadState::Rejected),
        Some("truncated"),
    ));
    let s = m.sending.as_ref().map(Sending::totals);
    assert_eq!(s, Some((3000, 7000, 2, 3)));
    assert_eq!(m.announce, Some(Text::id("announce-send-started")));
    // Half of the bytes are there: said.
    m.reduce(done(2, Finished::State(UploadState::Accepted), None));
    assert_eq!(m.announce, Some(Text::id("announce-half")));
    let refused: Vec<&str> = m
        .sending
        .iter()
        .flat_map(|s| s.jobs.iter().filter(|j| j.refused()))
        .map(|j| j.label.as_str())
        .collect();
    assert_eq!(refused, ["CD/B"]);
    // Every file is done: the details are sealed and submitted.
    let fx = m.reduce(Action::UploadsFinished);
    match &fx[..] {
        [Effect::Submit { details, .. }] => {
            assert_eq!(details.name, "Jane Doe");
            assert_eq!(details.purpose, Some(Purpose::SecondOpinion));
            assert_eq!(details.role, Some(Role::Patient));
            assert_eq!(details.lang, Some(Language::En));
            assert_eq!(details.studies, ["1.1", "1.2"]);
        }
        other => panic!("{other:?}"),
    }
    assert!(m.busy);
}

#[test]
fn a_letter_is_put_into_one_of_the_picked_studies() {
    let mut m = with_scan();
    m.reduce(Action::CheckNext);
    let uids: Vec<String> = m.picked_studies().into_iter().map(|s| s.uid).collect();
    assert_eq!(uids, ["1.1", "1.2"]);
    m.reduce(Action::Letters {
        letters: vec![Letter {
            file: FileRef(20),
            name: "Brief.pdf".into(),
            size: 300,
            study: None,
        }],
        refused: Vec::new(),
    });
    m.reduce(Action::LetterStudy(0, "1.2".into()));
    // A letter that is gone is no crash.
    m.reduce(Action::LetterStudy(5, "1.1".into()));
    assert_eq!(m.letters[0].study.as_deref(), Some("1.2"));
    // Leaving a study out leaves one to choose: nothing to pick.
    m.reduce(Action::Study("1.1".into(), false));
    assert_eq!(m.picked_studies().len(), 1);
}

#[test]
fn the_letters_names_and_studies_are_sealed_with_the_details_by_their_upload() {
    let letter = Letter {
        file: FileRef(20),
        name: "Befund Müller.pdf".into(),
        size: 300,
        study: Some("1.2".into()),
    };
    let (mut m, jobs) = sending_with(vec![letter], 4, 7300);
    assert_eq!(jobs.len(), 4);
    let letter_job = jobs[3].index;
    m.reduce(Action::Upload(
        Event::Created {
            index: letter_job,
            upload: "u-letter".into(),
        },
        1000.0,
    ));
    for j in &jobs {
        m.reduce(Action::Upload(
            Event::Done {
                index: j.index,
                finished: Finished::State(UploadState::Accepted),
                reason: None,
            },
            1000.0,
        ));
    }
    let fx = m.reduce(Action::UploadsFinished);
    match &fx[..] {
        [Effect::Submit { details, .. }] => {
            assert_eq!(
                details.letters,
                [LetterName {
                    upload: "u-letter".into(),
                    name: "Befund Müller.pdf".into(),
                    study: "1.2".into(),
                }]
            );
            // The scan found no DICOMDIR, and says so.
            assert_eq!(details.dicomdir, Some(vec![]));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn progress_retries_and_pause_are_shown() {
    let (mut m, _) = sending();
    m.reduce(Action::Upload(
        Event::Progress {
            index: 2,
            sent: 1000,
        },
        0.0,
    ));
    m.reduce(Action::Upload(
        Event::Waiting {
            index: 2,
            secs: 4,
            code: "network-error".into(),
        },
        500.0,
    ));
    assert_eq!(m.announce, Some(Text::id("announce-connection-lost")));
    assert_eq!(
        m.sending.as_ref().map(|s| s.waiting.len()),
        Some(1),
        "one file waits"
    );
    m.reduce(Action::Upload(
        Event::Progress {
            index: 2,
            sent: 3000,
        },
        2500.0,
    ));
    let s = m.sending.as_ref();
    assert_eq!(
        s.map(|s| s.waiting.len()),
        Some(0),
        "progress ends the wait"
    );
    // 2000 bytes in 2.5 s.
    assert_eq!(s.and_then(Sending::speed), Some(800.0));
    let fx = m.reduce(Action::Pause(true));
    assert!(m.paused);
    assert!(matches!(fx[..], [Effect::Pause(true)]));
    assert_eq!(m.announce, Some(Text::id("announce-paused")));
    let fx = m.reduce(Action::Pause(false));
    assert!(!m.paused && matches!(fx[..], [Effect::Pause(false)]));
}

#[test]
fn a_session_that_ended_asks_for_the_password_and_sends_everything_again() {
    let (mut m, _) = sending();
    let fx = m.reduce(Action::Upload(
        Event::Fatal(NetError::Api {
            status: 401,
            code: ErrorCode::SessionExpired,
            retry_after: None,
        }),
        0.0,
    ));
    assert!(fx.iter().any(|e| matches!(e, Effect::ForgetSession)));
    assert!(has_focus(&fx, "error-summary"));
    // Nothing is submitted after a fatal error.
    let fx = m.reduce(Action::UploadsFinished);
    assert!(fx.is_empty(), "{fx:?}");
    m.reduce(Action::Reauthenticate);
    assert_eq!(m.step, Step::Password);
    assert!(m.session.is_none());
    assert_eq!(m.notice, Some(Text::id("session-ended-notice")));
    // Everything chosen and typed is kept.
    assert_eq!(m.scanned.found.len(), 3);
    assert_eq!(m.form.name, "Jane Doe");
    // The new session goes straight back to sending, all files again.
    m.reduce(Action::Password("secret".into()));
    m.reduce(Action::PasswordSubmit);
    let fx = m.reduce(Action::SessionStarted(Ok(started())));
    assert!(fx
        .iter()
        .any(|e| matches!(e, Effect::Preflight { files: 3, .. })));
    assert_eq!(m.notice, None);
    m.reduce(Action::Preflighted(Ok(())));
    assert_eq!(m.step, Step::Send);
}

#[test]
fn an_expired_session_at_the_preflight_asks_for_the_password() {
    let mut m = with_scan();
    m.reduce(Action::CheckNext);
    for (field, value) in [
        (Field::Name, "Jane Doe"),
        (Field::Email, "jane@example.org"),
        (Field::Request, "Second opinion"),
    ] {
        m.reduce(Action::Field(field, value.into()));
    }
    m.reduce(Action::Role(Role::Doctor));
    m.reduce(Action::Purpose(Purpose::Treatment));
    m.reduce(Action::Send);
    let fx = m.reduce(Action::Preflighted(Err(NetError::Api {
        status: 401,
        code: ErrorCode::SessionExpired,
        retry_after: None,
    })));
    assert_eq!(m.step, Step::Password);
    assert!(m.resend);
    assert!(fx.iter().any(|e| matches!(e, Effect::ForgetSession)));
    // A full mailbox is said where the sender is.
    let mut m = with_scan();
    m.reduce(Action::CheckNext);
    m.reduce(Action::Preflighted(Err(NetError::Api {
        status: 507,
        code: ErrorCode::MailboxFull,
        retry_after: None,
    })));
    assert_eq!(m.step, Step::About);
    assert_eq!(m.problems[0].text, Text::error("mailbox-full"));
}

#[test]
fn a_reload_resumes_on_choose_and_the_receipt_ends_the_session() {
    let mut m = Model::new(Language::En);
    m.reduce(Action::Hospital(Ok(Rc::new(hospital()))));
    let stored = StoredSession {
        token: "t".into(),
        session_id: "00112233445566778899aabbccddeeff".into(),
        limits: limits(),
        seal_secret: hex::encode([9u8; 32]),
        idle_timeout_secs: 1800,
    };
    m.reduce(Action::Resumed(Ok((stored, key()))));
    assert_eq!(m.step, Step::Choose);
    assert!(m.agree && m.may_send);
    assert_eq!(m.notice, Some(Text::id("resume-notice")));
    // A stored session the server no longer knows is forgotten.
    let mut fresh = Model::new(Language::En);
    let fx = fresh.reduce(Action::Resumed(Err(NetError::Offline)));
    assert!(matches!(fx[..], [Effect::ForgetSession]));
    assert_eq!(fresh.step, Step::Welcome);

    let (mut m, _) = sending();
    m.reduce(Action::UploadsFinished);
    m.reduce(Action::Submitted(Err(NetError::Offline)));
    assert!(m.sending.as_ref().is_some_and(|s| s.submit_error.is_some()));
    assert_eq!(m.step, Step::Send);
    let receipt = Receipt {
        reference: "K7M-4QX-9TD".into(),
        files: 2,
        bytes: 5000,
        letters: 0,
        refused: vec![("truncated".into(), 1)],
        received_at: 0,
    };
    let fx = m.reduce(Action::Submitted(Ok(receipt.clone())));
    assert!(fx.iter().any(|e| matches!(e, Effect::ForgetSession)));
    assert_eq!(m.step, Step::Receipt);
    assert_eq!(m.receipt, Some(receipt));
    assert_eq!(m.announce, Some(Text::id("announce-complete")));
}

#[test]
fn the_language_switch_changes_the_words_not_what_was_said() {
    let mut m = Model::new(Language::De);
    m.reduce(Action::Hospital(Ok(Rc::new(hospital()))));
    m.reduce(Action::WelcomeNext);
    let said = m.problems[0].text.clone();
    let de = said.render(Language::De);
    m.reduce(Action::Language(Language::En));
    assert_eq!(m.problems[0].text, said);
    assert_ne!(m.problems[0].text.render(Language::En), de);
    assert!(m.title().contains("Klinikum"));
}

const MINUTE: f64 = 60_000.0;

#[test]
fn an_idle_session_is_warned_of_ahead_and_continued_with_one_action() {
    // 30 minutes idle timeout: warned 2 minutes ahead, once.
    let mut m = with_scan();
    m.reduce(Action::CheckNext);
    m.reduce(Action::Tick(0.0));
    m.reduce(Action::Tick(27.0 * MINUTE));
    assert_eq!(m.idle.warning, None);
    m.reduce(Action::Tick(28.0 * MINUTE));
    let warning = Text::with("session-warning", vec![("minutes", Arg::Num(2))]);
    assert_eq!(m.idle.warning, Some(warning.clone()));
    assert_eq!(m.announce, Some(warning));
    m.announce = None;
    m.reduce(Action::Tick(28.5 * MINUTE));
    assert_eq!(m.announce, None, "warned once");
    // One action: the page tells the server, and the time starts again.
    let fx = m.reduce(Action::KeepAlive);
    assert!(matches!(fx[..], [Effect::KeepAlive(_)]), "{fx:?}");
    m.reduce(Action::KeptAlive(Ok(())));
    m.reduce(Action::Tick(29.0 * MINUTE));
    assert_eq!(m.idle.warning, None);
    assert_eq!(m.announce, Some(Text::id("announce-session-continued")));
    m.reduce(Action::Tick(55.0 * MINUTE));
    assert!(m.session.is_some(), "continued: 30 minutes from 29");
    assert_eq!(m.step, Step::About);
}

#[test]
fn an_idle_session_that_ran_out_asks_for_the_password_and_returns() {
    let mut m = with_scan();
    m.reduce(Action::CheckNext);
    m.reduce(Action::Tick(0.0));
    let fx = m.reduce(Action::Tick(30.0 * MINUTE));
    assert!(fx.iter().any(|e| matches!(e, Effect::ForgetSession)));
    assert!(m.session.is_none());
    assert_eq!(m.step, Step::Password);
    assert_eq!(m.notice, Some(Text::id("session-idle-ended-notice")));
    // After the password, back where the sender was; nothing is sent.
    let fx = m.reduce(Action::SessionStarted(Ok(started())));
    assert_eq!(m.step, Step::About);
    assert!(!fx.iter().any(|e| matches!(e, Effect::Preflight { .. })));
    assert_eq!(m.scanned.found.len(), 3, "what was chosen is kept");
}

#[test]
fn a_running_upload_never_lets_the_session_lapse_but_a_paused_one_may() {
    let (mut m, _) = sending();
    m.reduce(Action::Tick(0.0));
    // Hours pass with the engine running: no warning, no end.
    for minute in 1..=120 {
        m.reduce(Action::Tick(f64::from(minute) * MINUTE));
    }
    assert!(m.session.is_some() && m.idle.warning.is_none());
    // Paused and left: warned, then ended; sending again after the password.
    m.reduce(Action::Pause(true));
    m.reduce(Action::Tick(148.0 * MINUTE));
    assert!(m.idle.warning.is_some());
    m.reduce(Action::Tick(150.0 * MINUTE));
    assert_eq!(m.step, Step::Password);
    assert!(m.resend);
}
