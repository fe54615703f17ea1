//! Taking a study over with the hospital's Modality Worklist (dcmtk's
//! `wlmscpfs`): the case page offers the search, the search lists the
//! entry, "use this entry" fills the take-over form with it, a search
//! that matches nothing says so, and the search is audited without names.

#![allow(clippy::expect_used, clippy::panic)]

use std::time::Duration;

use mailslot_tests::ports::wait_for;
use mailslot_tests::sender::send_a_case;
use mailslot_tests::server::Server;
use mailslot_tests::worklist::{Scheduled, WorklistScp, AE_TITLE};
use mailslot_tests::Failures;

use super::desk::{field_value, request, sign_in, ANNA};

/// The value of the input named `name` (its first `value="…"` after it).
fn input_value(body: &str, name: &str) -> String {
    let Some(at) = body.find(&format!("name=\"{name}\"")) else {
        return String::new();
    };
    let Some(v) = body[at..].find("value=\"").map(|v| at + v + 7) else {
        return String::new();
    };
    body[v..v + body[v..].find('"').unwrap_or(0)].to_owned()
}

/// `&amp;` in an attribute as the link it stands for.
fn unescape(href: &str) -> String {
    href.replace("&amp;", "&")
}

#[test]
fn staff_fill_the_take_over_form_from_the_worklist() {
    let scp = WorklistScp::start(&[Scheduled {
        name: "MUSTERFRAU^ERIKA",
        id: "H-2001",
        issuer: "KLINIKUM",
        birth_date: "19700131",
        sex: "F",
        accession: "ACC-9",
    }]);
    let server = Server::start(
        "inbox",
        &[
            ("MAILSLOT_MODE", "hold"),
            (
                "MAILSLOT_WORKLIST",
                &format!("dimse://{AE_TITLE}@127.0.0.1:{}", scp.port),
            ),
        ],
    );
    server.add_staff(ANNA.0, "desk", ANNA.1);
    let reference = send_a_case(&server);
    let desk = |p: &str| format!("{}{p}", server.desk_url);
    let mut f = Failures::default();
    f.context(format!("server log:\n{}", server.log()));
    f.check(
        wait_for(Duration::from_secs(30), || server.queue("held") >= 2),
        || format!("{} held, 2 images expected", server.queue("held")),
    );
    let anna =
        sign_in(&server, ANNA).unwrap_or_else(|r| panic!("sign-in: {} {}", r.status, r.body));
    let case = request("GET", &desk(&format!("/cases/{reference}")), &anna, &[]);
    let search_form = format!("action=\"/cases/{reference}/worklist\"");
    let at = case.body.find(&search_form);
    f.check(case.status == 200 && at.is_some(), || {
        format!("the case page offers no worklist search:\n{}", case.body)
    });
    let study = field_value(&case.body, "study", at.unwrap_or(0)).expect("the search's study");

    // By name and birth date (as staff type it): the entry, with its ID.
    let search = |name: &str, birth: &str| {
        request(
            "GET",
            &desk(&format!(
                "/cases/{reference}/worklist?study={study}&name={name}&birth={birth}&id="
            )),
            &anna,
            &[],
        )
    };
    let found = search("musterfrau*", "31.01.1970");
    f.check(
        found.status == 200
            && found.body.contains("H-2001")
            && found.body.contains("KLINIKUM")
            && found.body.contains("ACC-9"),
        || format!("the search ({}):\n{}", found.status, found.body),
    );
    let link = found
        .body
        .find(&format!("href=\"/cases/{reference}/take-over?"))
        .map(|at| {
            let from = at + "href=\"".len();
            unescape(&found.body[from..from + found.body[from..].find('"').unwrap_or(0)])
        });
    f.check(link.is_some(), || "no \"use this entry\" link".into());

    // "Use this entry": the take-over form carries the entry's identity.
    let form = request("GET", &desk(&link.unwrap_or_default()), &anna, &[]);
    let value = |name: &str| input_value(&form.body, name);
    f.check(
        form.status == 200
            && value("study") == study
            && value("patient_id") == "H-2001"
            && value("family") == "MUSTERFRAU"
            && value("given") == "ERIKA"
            && value("birth") == "1970-01-31"
            && value("accession") == "ACC-9"
            && form.body.contains("<option value=\"F\" selected"),
        || format!("the filled form ({}):\n{}", form.status, form.body),
    );
    f.check(
        form.body.contains("method=\"post\"")
            && form.body.contains(&format!("/cases/{reference}/take-over")),
        || "the filled form posts to the take-over".into(),
    );

    // No match: said so.
    let none = search("NIEMAND", "");
    f.check(
        none.status == 200 && none.body.contains("Kein Eintrag in der Arbeitsliste passt"),
        || format!("no match ({}):\n{}", none.status, none.body),
    );
    // A birth date that is none: the worklist's code.
    let bad = search("MUSTERFRAU", "31.13.1970");
    f.check(
        bad.status == 422 && bad.header("mailslot-error") == Some("worklist-query-invalid"),
        || {
            format!(
                "a bad birth date: {} {:?}",
                bad.status,
                bad.header("mailslot-error")
            )
        },
    );

    let audit = server.admin(&["audit"]);
    for matches in [1, 0] {
        let event =
            format!("desk-worklist-searched  staff=anna reference={reference} matches={matches}");
        f.check(audit.contains(&event), || {
            format!("audited: {event}\n{audit}")
        });
    }
    f.check(
        !audit.contains("MUSTERFRAU") && !audit.contains("H-2001"),
        || "patient data in the audit log".into(),
    );
    f.finish();
}
