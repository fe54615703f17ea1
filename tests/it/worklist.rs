//! Finding the patient in the hospital's Modality Worklist (C-FIND)
//! against dcmtk's `wlmscpfs`: a name beyond ASCII in a Latin-1
//! worklist, several matches, none, and an ID.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use mailslot_backend::worklist::{Query, Worklist};
use mailslot_tests::worklist::{Scheduled, WorklistScp, AE_TITLE};
use mailslot_tests::Failures;

#[test]
fn staff_find_the_patient_in_the_worklist() {
    let scp = WorklistScp::start(&[
        Scheduled {
            name: "MÜLLER^ERIKA",
            id: "H-1001",
            issuer: "KLINIKUM",
            birth_date: "19500102",
            sex: "F",
            accession: "ACC-1",
        },
        Scheduled {
            name: "MUSTERMANN^MAX",
            id: "H-1002",
            issuer: "KLINIKUM",
            birth_date: "19600303",
            sex: "M",
            accession: "ACC-2",
        },
        Scheduled {
            name: "MUSTERMANN^MAXIMILIAN",
            id: "H-1003",
            issuer: "KLINIKUM",
            birth_date: "19600303",
            sex: "M",
            accession: "ACC-3",
        },
    ]);
    let worklist = Worklist {
        calling: "MAILSLOT".into(),
        called: AE_TITLE.into(),
        host: "127.0.0.1".into(),
        port: scp.port,
        timeout: Duration::from_secs(10),
    };
    let find = |name: &str, birth_date: &str, patient_id: &str| {
        worklist.find(&Query {
            name: name.into(),
            birth_date: birth_date.into(),
            patient_id: patient_id.into(),
        })
    };
    let mut f = Failures::default();
    // A name with an umlaut, typed in lower case, in a Latin-1 worklist.
    let one = find("müller*", "", "");
    f.check(
        one.as_ref().is_ok_and(|r| {
            r.entries.len() == 1
                && r.entries[0].patient_id == "H-1001"
                && r.entries[0].name == "MÜLLER^ERIKA"
                && r.entries[0].issuer == "KLINIKUM"
                && r.entries[0].birth_date == "19500102"
                && r.entries[0].sex == "F"
                && r.entries[0].accession == "ACC-1"
                && r.entries[0].procedure == "CT Thorax"
                && !r.more
        }),
        || format!("MÜLLER*: {one:?}"),
    );
    // Name and birth date: both MUSTERMANNs.
    let two = find("MUSTERMANN*", "19600303", "");
    f.check(
        two.as_ref().is_ok_and(|r| {
            let mut ids: Vec<&str> = r.entries.iter().map(|e| e.patient_id.as_str()).collect();
            ids.sort_unstable();
            ids == ["H-1002", "H-1003"]
        }),
        || format!("MUSTERMANN* 19600303: {two:?}"),
    );
    // By ID.
    let by_id = find("", "", "H-1003");
    f.check(
        by_id
            .as_ref()
            .is_ok_and(|r| r.entries.len() == 1 && r.entries[0].name == "MUSTERMANN^MAXIMILIAN"),
        || format!("H-1003: {by_id:?}"),
    );
    // No match.
    let none = find("NIEMAND*", "", "");
    f.check(none.as_ref().is_ok_and(|r| r.entries.is_empty()), || {
        format!("NIEMAND*: {none:?}")
    });
    // A worklist that is not there: its own code.
    let gone = Worklist {
        port: mailslot_tests::ports::free_port(),
        ..worklist.clone()
    }
    .find(&Query {
        patient_id: "H-1".into(),
        ..Query::default()
    });
    f.check(
        gone.as_ref()
            .is_err_and(|e| e.code() == "worklist-unreachable"),
        || format!("no worklist: {gone:?}"),
    );
    f.finish();
}

/// More matches than a search returns: cut at `MAX_ENTRIES`, told so,
/// and the worklist cancelled cleanly (the next search works).
#[test]
fn a_search_of_too_many_matches_is_cut_and_says_so() {
    let names: Vec<(String, String)> = (0..mailslot_backend::worklist::MAX_ENTRIES + 3)
        .map(|n| (format!("PATIENT^N{n:03}"), format!("P-{n:03}")))
        .collect();
    let entries: Vec<Scheduled<'_>> = names
        .iter()
        .map(|(name, id)| Scheduled {
            name,
            id,
            issuer: "KLINIKUM",
            birth_date: "19700101",
            sex: "O",
            accession: "",
        })
        .collect();
    let scp = WorklistScp::start(&entries);
    let worklist = Worklist {
        calling: "MAILSLOT".into(),
        called: AE_TITLE.into(),
        host: "127.0.0.1".into(),
        port: scp.port,
        timeout: Duration::from_secs(10),
    };
    let all = worklist.find(&Query {
        name: "PATIENT*".into(),
        ..Query::default()
    });
    let mut f = Failures::default();
    f.check(
        all.as_ref()
            .is_ok_and(|r| r.more && r.entries.len() == mailslot_backend::worklist::MAX_ENTRIES),
        || {
            format!(
                "PATIENT*: {:?}",
                all.as_ref().map(|r| (r.entries.len(), r.more))
            )
        },
    );
    let next = worklist.find(&Query {
        patient_id: "P-052".into(),
        ..Query::default()
    });
    f.check(next.as_ref().is_ok_and(|r| r.entries.len() == 1), || {
        format!("after a cut search: {next:?}")
    });
    f.finish();
}
