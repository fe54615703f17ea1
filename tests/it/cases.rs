//! Hold mode and staff's cases, driven from the console against a real
//! Orthanc (STOW-RS): nothing reaches the archive until staff take a study
//! over; then it arrives under the hospital's Patient ID with the sender's
//! in Other Patient IDs Sequence, its SOP Instance UIDs unchanged, its
//! cover sheet and letter beside it; a consult goes elsewhere (the inbox)
//! and never to the archive; closing leaves nothing of the case but its
//! audit rows; a held case past its deletion date goes at `mailslot purge`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;
use std::path::Path;
use std::time::Duration;

use mailslot_shared::dicom::synth::{element, file_head};
use mailslot_tests::http::get;
use mailslot_tests::pacs::Orthanc;
use mailslot_tests::ports::wait_for;
use mailslot_tests::server::Server;
use mailslot_tests::{files_under, reference, Failures};

const CT: &str = "1.2.840.10008.5.1.4.1.1.2";
const PDF: &str = "1.2.840.10008.5.1.4.1.1.104.1";
const STUDY: &str = "1.2.826.0.1.3680043.9.7.28";

/// Two images in each of studies `{STUDY}.{case}.1` and `.2`, of the
/// sender's patient `EXT-{case}`, under `dir`; returns the SOP Instance
/// UIDs per study.
fn two_studies(dir: &Path, case: u32) -> [Vec<String>; 2] {
    let mut uids: [Vec<String>; 2] = Default::default();
    for s in 1..=2 {
        let study = format!("{STUDY}.{case}.{s}");
        for i in 1..=2 {
            let instance = format!("{study}.1.{i}");
            let mut out = file_head(CT, &instance);
            element(&mut out, 0x0008, 0x0016, b"UI", CT.as_bytes());
            element(&mut out, 0x0008, 0x0018, b"UI", instance.as_bytes());
            element(&mut out, 0x0008, 0x0020, b"DA", b"20240131");
            element(&mut out, 0x0008, 0x0060, b"CS", b"CT");
            element(&mut out, 0x0010, 0x0010, b"PN", b"Sender^Patient");
            element(
                &mut out,
                0x0010,
                0x0020,
                b"LO",
                format!("EXT-{case}").as_bytes(),
            );
            element(&mut out, 0x0020, 0x000D, b"UI", study.as_bytes());
            element(
                &mut out,
                0x0020,
                0x000E,
                b"UI",
                format!("{study}.1").as_bytes(),
            );
            element(&mut out, 0x7FE0, 0x0010, b"OW", &[7u8; 256]);
            std::fs::write(dir.join(format!("S{s}I{i}")), out).unwrap();
            uids[s - 1].push(instance);
        }
    }
    uids
}

/// One value of `sql` on the server's database (SQLite or PostgreSQL).
fn sql(server: &Server, query: &str) -> String {
    match server.database_url() {
        Some(url) => mailslot_tests::postgres::cluster().psql(url, query),
        None => {
            let db = rusqlite::Connection::open(server.data.join("mailslot.sqlite3")).unwrap();
            db.busy_timeout(Duration::from_secs(10)).unwrap();
            db.query_row(query, [], |r| {
                Ok(match r.get_ref(0)? {
                    rusqlite::types::ValueRef::Integer(i) => i.to_string(),
                    rusqlite::types::ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned(),
                    _ => String::new(),
                })
            })
            .unwrap()
        }
    }
}

/// Runs statement `sql` on the server's database.
fn exec(server: &Server, statement: &str) {
    match server.database_url() {
        Some(url) => {
            mailslot_tests::postgres::cluster().psql(url, statement);
        }
        None => {
            let db = rusqlite::Connection::open(server.data.join("mailslot.sqlite3")).unwrap();
            db.busy_timeout(Duration::from_secs(10)).unwrap();
            db.execute(statement, []).unwrap();
        }
    }
}

/// Orthanc's instances with their tags (`?simplify`).
fn archived(orthanc: &Orthanc) -> Vec<serde_json::Value> {
    orthanc
        .instances()
        .iter()
        .filter_map(|id| get(&format!("{}/instances/{id}/tags?simplify", orthanc.rest())))
        .filter_map(|(_, body)| serde_json::from_slice(&body).ok())
        .collect()
}

fn sends(server: &Server, dir: &Path, letter: &Path, study: &str) -> String {
    let (code, stdout, stderr) = server.send(
        &[dir],
        &[
            "--letter",
            letter.to_str().unwrap(),
            "--letter-study",
            study,
            "--request",
            "Bitte übernehmen",
        ],
    );
    assert_eq!(code, 0, "send failed:\n{stdout}\n{stderr}");
    reference(&stdout)
}

#[test]
fn a_held_case_is_taken_over_consulted_closed_and_deleted_at_its_date() {
    let orthanc = Orthanc::start();
    let server = Server::start(
        &format!("stow+http://127.0.0.1:{}/dicom-web", orthanc.http_port),
        &[
            ("MAILSLOT_MODE", "hold"),
            ("MAILSLOT_CONSULT", "inbox"),
            ("MAILSLOT_PATIENT_ID_ISSUER", "HOSPITAL-X"),
            ("MAILSLOT_COVER_SHEETS", "true"),
        ],
    );
    let mut f = Failures::default();
    let work = tempfile::tempdir().unwrap();
    let letter = work.path().join("letter.pdf");
    std::fs::write(
        &letter,
        b"%PDF-1.1\n1 0 obj <</Type/Catalog>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n",
    )
    .unwrap();
    let images = work.path().join("cd");
    std::fs::create_dir_all(&images).unwrap();
    let [study1, study2] = two_studies(&images, 1);
    let (s1, s2) = (format!("{STUDY}.1.1"), format!("{STUDY}.1.2"));
    let case = sends(&server, &images, &letter, &s1);
    f.context(format!("case {case}"));

    // Held: four images, the cover sheet and the letter; none sent.
    f.check(
        wait_for(Duration::from_secs(30), || server.queue("held") == 6),
        || format!("{} held, 6 expected", server.queue("held")),
    );
    f.check(orthanc.instances().is_empty(), || {
        "the archive got something before take-over".into()
    });
    let list = server.admin(&["case", "list"]);
    f.check(
        list.contains(&case) && list.contains("state=new") && list.contains("cases: new=1"),
        || format!("case list:\n{list}"),
    );
    let session = sql(
        &server,
        &format!("SELECT session_id FROM cases WHERE reference = '{case}'"),
    );

    // Study 1 taken over under the hospital's ID.
    let out = server.admin(&[
        "case",
        "take-over",
        &case,
        "--study",
        &s1,
        "--patient-id",
        "H-0042",
        "--name",
        "Muster^Erika",
        "--birth-date",
        "19700101",
        "--sex",
        "F",
        "--by",
        "Dr Desk",
    ]);
    f.check(out.contains("4 object(s) queued"), || {
        format!("take-over said: {out}")
    });
    f.check(
        wait_for(Duration::from_secs(60), || orthanc.instances().len() == 4),
        || {
            format!(
                "{} instances in the archive, 4 expected\n{}",
                orthanc.instances().len(),
                server.log()
            )
        },
    );
    let stored = archived(&orthanc);
    let uids: BTreeSet<String> = stored
        .iter()
        .filter_map(|t| t["SOPInstanceUID"].as_str().map(str::to_owned))
        .collect();
    f.check(study1.iter().all(|u| uids.contains(u)), || {
        format!("study 1's SOP Instance UIDs changed: {uids:?}")
    });
    let pdfs = stored.iter().filter(|t| t["SOPClassUID"] == PDF).count();
    f.check(pdfs == 2, || {
        format!("{pdfs} encapsulated PDFs (cover sheet and letter) in the archive")
    });
    for tags in &stored {
        let ok = tags["PatientID"] == "H-0042"
            && tags["IssuerOfPatientID"] == "HOSPITAL-X"
            && tags["PatientName"] == "Muster^Erika"
            && tags["StudyInstanceUID"] == s1.as_str()
            && tags["OtherPatientIDsSequence"][0]["PatientID"] == "EXT-1";
        f.check(ok, || {
            format!("an archived object not under the hospital's identity: {tags}")
        });
    }

    // Study 2 as a consult: into the inbox, never into the archive.
    let out = server.admin(&["case", "consult", &case, "--study", &s2, "--by", "Dr Desk"]);
    f.check(out.contains("2 object(s) queued for the consult"), || {
        format!("consult said: {out}")
    });
    let folder = server.data.join("inbox").join(&case);
    let consulted = || {
        files_under(&folder)
            .iter()
            .filter(|p| p.extension().is_some_and(|e| e == "dcm"))
            .count()
    };
    f.check(
        wait_for(Duration::from_secs(30), || consulted() == 2),
        || format!("{} objects in the consult inbox, 2 expected", consulted()),
    );
    f.check(server.drained(6), || "the queue did not drain".into());
    let later: Vec<String> = archived(&orthanc)
        .iter()
        .filter_map(|t| t["SOPInstanceUID"].as_str().map(str::to_owned))
        .collect();
    f.check(
        later.len() == 4 && !study2.iter().any(|u| later.contains(u)),
        || format!("the consult reached the archive: {later:?}"),
    );

    // Closed: nothing of the case but its audit rows.
    let out = server.admin(&["case", "close", &case, "--by", "Dr Desk"]);
    f.check(out.contains("nothing of it is left"), || {
        format!("close said: {out}")
    });
    f.check(!folder.exists(), || {
        "the case's inbox folder is still there".into()
    });
    let spool = files_under(&server.data.join("spool"));
    f.check(spool.is_empty(), || {
        format!("the spool still holds {spool:?}")
    });
    for (table, column, key) in [
        ("cases", "reference", &case),
        ("submissions", "reference", &case),
        ("inbox", "reference", &case),
        ("notify_queue", "reference", &case),
        ("sessions", "id", &session),
        ("uploads", "session_id", &session),
        ("forward_queue", "session_id", &session),
    ] {
        let n = sql(
            &server,
            &format!("SELECT COUNT(*) FROM {table} WHERE {column} = '{key}'"),
        );
        f.check(n == "0", || {
            format!("{table} still holds {n} row(s) of the case")
        });
    }
    let audit = server.admin(&["audit"]);
    for event in [
        "case-take-over",
        "case-consult",
        "case-close",
        "case-deleted",
    ] {
        f.check(audit.contains(event), || {
            format!("no {event} in the audit log:\n{audit}")
        });
    }
    f.check(
        !audit.contains("H-0042") && !audit.contains("Muster") && !audit.contains("EXT-1"),
        || format!("patient data in the audit log:\n{audit}"),
    );

    // A second case past its deletion date goes at the next purge.
    let second = work.path().join("second");
    std::fs::create_dir_all(&second).unwrap();
    two_studies(&second, 2);
    let other = sends(&server, &second, &letter, &format!("{STUDY}.2.1"));
    f.check(
        wait_for(Duration::from_secs(30), || server.queue("held") == 6),
        || {
            format!(
                "{} held of the second case, 6 expected",
                server.queue("held")
            )
        },
    );
    exec(
        &server,
        &format!("UPDATE cases SET delete_at = 0 WHERE reference = '{other}'"),
    );
    // (The server's own pass, every minute, may come first.)
    let out = server.admin(&["purge"]);
    f.check(out.contains("cases deleted: "), || {
        format!("purge said: {out}")
    });
    let n = sql(
        &server,
        &format!("SELECT COUNT(*) FROM cases WHERE reference = '{other}'"),
    );
    f.check(n == "0", || "the second case is still there".into());
    f.check(server.queue("held") == 0, || {
        "the second case's objects are still held".into()
    });
    f.check(!server.data.join("inbox").join(&other).exists(), || {
        "the second case's folder is still there".into()
    });
    let spool = files_under(&server.data.join("spool"));
    f.check(spool.is_empty(), || {
        format!("the spool still holds {spool:?}")
    });
    f.check(orthanc.instances().len() == 4, || {
        "the deleted case reached the archive".into()
    });
    f.context(server.log());
    f.finish();
}
