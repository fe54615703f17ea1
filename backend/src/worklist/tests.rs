//! The worklist query's keys, name matching and DIMSE messages.

use super::dimse::has_data_set;
use super::*;

#[test]
fn a_query_needs_a_name_or_an_id_and_holds_to_its_vrs() {
    let bad = |q: Query| q.identifier().map_err(|e| e.code()).err();
    assert_eq!(bad(Query::default()), Some("worklist-query-invalid"));
    assert_eq!(
        bad(Query {
            name: "*".into(),
            ..Query::default()
        }),
        Some("worklist-query-invalid")
    );
    assert_eq!(
        bad(Query {
            patient_id: "A\\B".into(),
            ..Query::default()
        }),
        Some("worklist-query-invalid")
    );
    assert_eq!(
        bad(Query {
            name: "MUSTER*".into(),
            birth_date: "1.1.1950".into(),
            ..Query::default()
        }),
        Some("worklist-query-invalid")
    );
    let keys = Query {
        name: "MÜLLER*".into(),
        ..Query::default()
    }
    .identifier()
    .unwrap();
    let o = InMemDicomObject::read_dataset_with_ts(&keys[..], &IMPLICIT_VR_LITTLE_ENDIAN.erased())
        .unwrap();
    assert_eq!(
        o.get(tags::PATIENT_NAME).unwrap().to_str().unwrap().trim(),
        "M*LLER*"
    );
    let lower = Query {
        name: "müller*".into(),
        ..Query::default()
    }
    .identifier()
    .unwrap();
    let o = InMemDicomObject::read_dataset_with_ts(&lower[..], &IMPLICIT_VR_LITTLE_ENDIAN.erased())
        .unwrap();
    assert_eq!(
        o.get(tags::PATIENT_NAME).unwrap().to_str().unwrap().trim(),
        "M*LLER*"
    );
    assert!(o.get(tags::SCHEDULED_PROCEDURE_STEP_SEQUENCE).is_some());
}

#[test]
fn names_match_as_people_read_them() {
    assert_eq!(ascii_pattern("Müller^Jürgen"), "M*ller^J*rgen");
    assert_eq!(ascii_pattern("Ünal*"), "*nal*");
    assert!(matches("MÜLLER*", "Müller^Erika"));
    assert!(!matches("MÜLLER*", "Muller^Erika"));
    assert!(matches("M?LLER^ERIKA", "MÜLLER^ERIKA"));
    assert!(matches("*ERIKA", "MÜLLER^ERIKA"));
    assert!(!matches("MÜLLER", "MÜLLER^ERIKA"));
}

#[test]
fn a_cancel_names_the_search_it_cancels() {
    let c = cancel_command(7);
    assert_eq!(crate::forward::dimse::status_of(&c), None);
    assert!(!has_data_set(&c));
    assert!(has_data_set(&find_command(7)));
}
