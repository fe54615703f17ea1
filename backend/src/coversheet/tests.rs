//! `coversheet`: what the sheet says, in which language, and its PDF.
use super::*;
use mailslot_shared::wire::DicomdirCheck;

#[test]
fn long_words_and_lines_are_wrapped() {
    assert_eq!(wrap("a bb ccc", 4), ["a bb", "ccc"]);
    assert_eq!(wrap("abcdefghij", 4), ["abcd", "efgh", "ij"]);
    assert!(wrap(&"wort ".repeat(100), WRAP)
        .iter()
        .all(|l| l.chars().count() <= WRAP));
}

#[test]
fn the_sheet_is_a_pdf_with_the_font_inside() {
    let sender = SenderDetails {
        name: "Jürgen Müller".into(),
        request: "Bitte Zweitmeinung zum Knie.\nDanke!".into(),
        purpose: Some(Purpose::SecondOpinion),
        ..SenderDetails::default()
    };
    let pdf = cover_pdf(&Cover {
        english: false,
        reference: "ABC-DEF-GHJ",
        received_at: 0,
        sender: &sender,
        department: Some("radiology"),
        consent: ("2", 0),
        studies: vec![StudyLine {
            date: Some("20261130".into()),
            description: Some("MRT Knie".into()),
            modalities: vec!["MR".into()],
            series: 2,
            images: 40,
        }],
        more_studies: 0,
        letters: vec!["Befund.pdf".into()],
        several_patients: false,
    })
    .unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    assert!(pdf.windows(9).any(|w| w == b"FontFile2"));
}

#[test]
fn the_dicomdir_cross_check_is_reported_as_the_sender_found_it() {
    let lines = |dicomdir: Option<Vec<DicomdirCheck>>| {
        let sender = SenderDetails {
            dicomdir,
            ..SenderDetails::default()
        };
        Cover {
            english: true,
            reference: "R",
            received_at: 0,
            sender: &sender,
            department: None,
            consent: ("2", 0),
            studies: vec![],
            more_studies: 0,
            letters: vec![],
            several_patients: false,
        }
        .dicomdir_lines()
        .join("\n")
    };
    assert!(lines(None).contains("Not reported"));
    assert!(lines(Some(vec![])).contains("No DICOMDIR"));
    let both = lines(Some(vec![
        DicomdirCheck {
            listed: 3,
            missing: 0,
        },
        DicomdirCheck {
            listed: 120,
            missing: 7,
        },
    ]));
    assert!(both.contains("lists 3 images: all were found"), "{both}");
    assert!(
        both.contains("lists 120 images: 7 of them were NOT found"),
        "{both}"
    );
}

/// Regression (issue 26, M7): the sheet in patient A's study carried
/// patient B's request when one submission held both.
#[test]
fn with_several_patients_the_request_stays_in_the_mailbox() {
    let sender = SenderDetails {
        request: "Bitte Befund für Herrn B.\u{2028}Telefon: 0800 …".into(),
        ..SenderDetails::default()
    };
    let cover = |several_patients| Cover {
        english: false,
        reference: "R",
        received_at: 0,
        sender: &sender,
        department: None,
        consent: ("2", 0),
        studies: vec![],
        more_studies: 3,
        letters: vec![],
        several_patients,
    };
    let text = |c: Cover<'_>| {
        c.lines()
            .into_iter()
            .map(|(l, _)| l)
            .collect::<Vec<_>>()
            .join("\n")
    };
    let one = text(cover(false));
    assert!(one.contains("Bitte Befund für Herrn B.Telefon"), "{one}");
    assert!(one.contains("3 weitere Untersuchungen"), "{one}");
    let several = text(cover(true));
    assert!(!several.contains("Herrn B."), "{several}");
    assert!(several.contains("mehrerer Patienten"), "{several}");
    assert!(several.contains("Angabe des Absenders"), "{several}");
}

fn text(cover: &Cover<'_>) -> String {
    cover
        .lines()
        .into_iter()
        .map(|(l, _)| l)
        .collect::<Vec<_>>()
        .join("\n")
}

/// Regression (issue 27): the German sheet printed the sender's role
/// as the API's English word ("Jürgen Müller (doctor)"). Staff read
/// it in the sheet's language, in the words the sender chose from.
#[test]
fn the_senders_role_is_printed_in_the_sheets_language() {
    let sender = SenderDetails {
        name: "Jürgen Müller".into(),
        role: Some(Role::Doctor),
        purpose: Some(Purpose::Treatment),
        ..SenderDetails::default()
    };
    let cover = |english| Cover {
        english,
        reference: "R",
        received_at: 0,
        sender: &sender,
        department: None,
        consent: ("2", 0),
        studies: vec![],
        more_studies: 0,
        letters: vec![],
        several_patients: false,
    };
    let de = text(&cover(false));
    assert!(de.contains("\nAbsender: Jürgen Müller\n"), "{de}");
    assert!(de.contains("\nAbsender ist: Ärztin bzw. Arzt\n"), "{de}");
    assert!(de.contains("\nZweck: Mitbehandlung\n"), "{de}");
    assert!(!de.contains("doctor"), "{de}");
    let en = text(&cover(true));
    assert!(en.contains("\nSender is: a doctor\n"), "{en}");
    assert!(en.contains("\nPurpose: Further treatment\n"), "{en}");
    let unsaid = SenderDetails::default();
    let de = text(&Cover {
        sender: &unsaid,
        ..cover(false)
    });
    assert!(de.contains("\nAbsender ist: –\n"), "{de}");
}

/// The sheet names the sender's role in the page's own words for it
/// (its German and English `about-role-*` messages).
#[test]
fn the_roles_are_the_pages_words() {
    let message = |ftl: &'static str, id: &str| {
        ftl.lines()
            .filter_map(|line| line.split_once('='))
            .find(|(key, _)| key.trim() == id)
            .map(|(_, words)| words.trim())
    };
    let de = include_str!("../../../frontend/locales/de.ftl");
    let en = include_str!("../../../frontend/locales/en.ftl");
    for role in Role::ALL {
        let id = format!("about-role-{role}");
        assert_eq!(message(de, &id), Some(role_words(role, false)), "{id}");
        assert_eq!(message(en, &id), Some(role_words(role, true)), "{id}");
    }
}
