//! `casefile`: what staff see on the console, and the records on disk.
use super::text::hidden;
use super::*;

/// A folder `inbox/<reference>/` with `submission.json` holding
/// `sender` and one object of patient `patient`.
fn case(sender: serde_json::Value, patient: &str) -> (tempfile::TempDir, Layout, String) {
    let dir = tempfile::tempdir().unwrap();
    let layout = Layout::of(dir.path());
    let reference = "ABCD-EFG-HJ".to_owned();
    let folder = layout.submission(&reference);
    std::fs::create_dir_all(&folder).unwrap();
    let record = serde_json::json!({
        "received_at": 1_800_000_000,
        "department": "radiology",
        "consent_statement_version": "1",
        "consent_at": 1_800_000_000,
        "sender": sender,
    });
    std::fs::write(folder.join("submission.json"), record.to_string()).unwrap();
    let object = ObjectRecord {
        upload: "u1".into(),
        patient_name: Some(patient.into()),
        patient_id: Some("PID-1".into()),
        birth_date: None,
        study: "1.2.3".into(),
        study_date: None,
        study_description: None,
        series: "1.2.3.4".into(),
        series_description: None,
        modality: Some("CT".into()),
        bytes: 10,
        ..Default::default()
    };
    let line = serde_json::to_string(&object).unwrap() + "\n";
    std::fs::write(folder.join(OBJECTS), line).unwrap();
    (dir, layout, reference)
}

/// A sender's newline, NEL, U+2028/U+2029, a bidi override (U+202E),
/// an isolate or a zero-width character printed as it came: a sender
/// could forge lines (a department, a patient) on staff's console or
/// turn what is shown around. Every value is now one line; the
/// request's own lines are indented under its label.
#[test]
fn sender_text_cannot_forge_lines_or_reorder_them() {
    let forged = [
        "Anna\nDepartment: cardiology",
        "Anna\u{85}Department: cardiology",
        "Anna\u{2028}Department: cardiology",
        "Anna\u{2029}Department: cardiology",
        "Anna\rDepartment: cardiology",
    ];
    for name in forged {
        let (_dir, layout, reference) = case(
            serde_json::json!({
                "name": name,
                "role": "doctor\u{202e}rotcod",
                "phone": "+49\u{200b}30\u{2066}1\u{2069}",
                "email": "a@example.org\u{feff}",
                "contact": "",
                "purpose": "other",
                "request": "Please compare.\nDepartment: cardiology\u{2028}Patient: X\r\nThanks",
                "letters": [],
            }),
            "Doe^Jane\nPatient: Forged",
        );
        let shown = show(&layout, &reference).unwrap();
        let lines: Vec<&str> = shown.lines().collect();
        assert_eq!(
            lines
                .iter()
                .filter(|l| l.starts_with("Department:"))
                .count(),
            1,
            "{name:?} forged a line:\n{shown}"
        );
        assert_eq!(
            lines.iter().filter(|l| l.starts_with("Patient:")).count(),
            1,
            "{shown}"
        );
        assert!(
            !shown.chars().any(|c| c != '\n' && hidden(c)),
            "hidden characters pass: {shown:?}"
        );
        assert!(
            shown.contains("Sender: Anna\u{fffd}Department: cardiology (doctor\u{fffd}rotcod)"),
            "{shown}"
        );
        assert!(
            shown.contains("Phone: +49\u{fffd}30\u{fffd}1\u{fffd}\n"),
            "{shown}"
        );
        assert!(
            shown.contains(
                "Request:\n  | Please compare.\n  | Department: cardiology\n  | Patient: X\n  | Thanks\n"
            ),
            "{shown}"
        );
    }
}

/// A request of one line stays on its label's line.
#[test]
fn a_one_line_request_stays_beside_its_label() {
    assert_eq!(
        block("Request", "Second opinion\n"),
        "Request: Second opinion\n"
    );
    assert_eq!(block("Request", ""), "Request: \n");
    assert_eq!(one_line("a\tb\u{1b}[2J"), "a b\u{fffd}[2J");
}

fn object(upload: &str, study: &str) -> ObjectRecord {
    ObjectRecord {
        upload: upload.into(),
        patient_name: Some("Doe^Jane".into()),
        patient_id: None,
        birth_date: None,
        study: study.into(),
        study_date: None,
        study_description: None,
        series: "1.2.3.4".into(),
        series_description: None,
        modality: None,
        bytes: 1,
        ..Default::default()
    }
}

/// Every node appended to one `objects.jsonl`: over NFS an append is
/// not atomic, and lines of two nodes could mix. Each object is now a
/// file of its own (0600), read back in the order written, after what
/// an older server wrote into `objects.jsonl`; its bytes count once.
#[test]
fn each_object_is_a_file_of_its_own_read_after_the_old_lines() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let layout = Layout::of(&dir.path().join("data"));
    layout.create().unwrap();
    let store = Store::open(&dir.path().join("db")).unwrap();
    let reference = "ABCD-EFG-HJ";
    let folder = layout.submission(reference);
    std::fs::create_dir_all(&folder).unwrap();
    let old = serde_json::to_string(&object("old", "1.1")).unwrap() + "\n";
    std::fs::write(folder.join(OBJECTS), &old).unwrap();
    // Written in this order; the names sort the other way round.
    let new = [
        object("zz", "2.2"),
        object("aa", "3.3"),
        object("mm", "2.2"),
    ];
    for o in &new {
        record_object(&store, &layout, reference, o).unwrap();
    }
    record_object(&store, &layout, reference, &new[0]).unwrap();
    let files: Vec<String> = std::fs::read_dir(folder.join(RECORDS))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(files.len(), 3, "{files:?}");
    let mut sizes = 0;
    for o in &new {
        let path = folder.join(RECORDS).join(format!("{}.json", o.upload));
        let meta = std::fs::metadata(&path).unwrap();
        assert_eq!(meta.permissions().mode() & 0o777, 0o600, "{path:?}");
        sizes += meta.len();
    }
    assert_eq!(
        std::fs::read_to_string(folder.join(OBJECTS)).unwrap(),
        old,
        "the old file is not written"
    );
    let read: Vec<String> = objects(&layout, reference)
        .into_iter()
        .map(|o| o.upload)
        .collect();
    assert_eq!(read, ["old", "zz", "aa", "mm"]);
    let counted: i64 = store
        .conn()
        .unwrap()
        .query_row(
            "SELECT bytes FROM inbox WHERE reference = ?1",
            crate::params![reference],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(counted as u64, sizes, "each record counted once");
    let bad = record_object(&store, &layout, reference, &object("../x", "1"));
    assert!(bad.is_err());
}
