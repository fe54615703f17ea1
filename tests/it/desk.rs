//! The staff desk (`desk_listen`): only on its own address; sign-in
//! required for every page; every POST needs its form's CSRF token; a
//! role lacking a right is refused; wrong passwords lock the address out
//! (the same counters as upload passwords); a case sent through the API
//! is listed; and Chromium walks it keyboard-only (`tests/e2e/desk.mjs`:
//! axe-core, 320 px, the idle warning). Staff act on a held case through
//! it against a real Orthanc: take-over (after a confirmation of what
//! differs from the images), consult, close.
//!
//! (Over 400 lines: one request helper for three tests that share it.)

#![allow(clippy::expect_used, clippy::panic)]

use std::process::Command;
use std::time::Duration;

use mailslot_sender::client::ClientError;
use mailslot_tests::http::get;
use mailslot_tests::pacs::Orthanc;
use mailslot_tests::ports::wait_for;
use mailslot_tests::sender::send_a_case;
use mailslot_tests::server::{Server, PASSWORD};
use mailslot_tests::{root, Failures};

pub(crate) const ANNA: (&str, &str) = ("anna", "desk password 1");
const ROOT: (&str, &str) = ("root", "admin password 1");

/// A reply: status, headers (lower-case names), body.
pub(crate) struct Reply {
    pub(crate) status: u16,
    headers: Vec<(String, String)>,
    pub(crate) body: String,
}

impl Reply {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The value a `Set-Cookie` gives `name`.
    fn cookie(&self, name: &str) -> Option<String> {
        self.headers
            .iter()
            .filter(|(k, _)| k == "set-cookie")
            .find_map(|(_, v)| v.strip_prefix(&format!("{name}=")))
            .map(|v| v.split(';').next().unwrap_or_default().to_owned())
    }

    /// The CSRF token of the page's first form.
    fn csrf(&self) -> String {
        let at = self.body.find("name=\"csrf\" value=\"").expect("a form") + 19;
        self.body[at..at + 64].to_owned()
    }
}

/// One request, redirects not followed.
pub(crate) fn request(method: &str, url: &str, cookies: &str, form: &[(&str, &str)]) -> Reply {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .into();
    let body = form
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&");
    let mut req = ureq::http::Request::builder().method(method).uri(url);
    if !cookies.is_empty() {
        req = req.header("Cookie", cookies);
    }
    if method == "POST" {
        req = req.header("Content-Type", "application/x-www-form-urlencoded");
    }
    let mut resp = agent
        .run(req.body(body.into_bytes()).expect("a request"))
        .expect("an answer");
    Reply {
        status: resp.status().as_u16(),
        headers: resp
            .headers()
            .iter()
            .map(|(k, v)| (k.as_str().to_owned(), v.to_str().unwrap_or("").to_owned()))
            .collect(),
        body: resp.body_mut().read_to_string().unwrap_or_default(),
    }
}

/// A GET's status, content type and body bytes.
fn raw(url: &str, cookies: &str) -> (u16, String, Vec<u8>) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .into();
    let mut req = agent.get(url);
    if !cookies.is_empty() {
        req = req.header("Cookie", cookies);
    }
    let mut resp = req.call().expect("an answer");
    let kind = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let body = resp.body_mut().read_to_vec().unwrap_or_default();
    (resp.status().as_u16(), kind, body)
}

/// `s` percent-encoded for a form body.
fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Signs in; the session cookie header, or the refused reply.
pub(crate) fn sign_in(server: &Server, (name, password): (&str, &str)) -> Result<String, Reply> {
    let form = request("GET", &format!("{}/signin", server.desk_url), "", &[]);
    let pre = form
        .cookie("mailslot-desk-pre")
        .expect("a pre-session cookie");
    let csrf = form.csrf();
    let r = request(
        "POST",
        &format!("{}/signin", server.desk_url),
        &format!("mailslot-desk-pre={pre}"),
        &[("csrf", &csrf), ("name", name), ("password", password)],
    );
    match r.cookie("mailslot-desk") {
        Some(token) if r.status == 303 => Ok(format!("mailslot-desk={token}")),
        _ => Err(r),
    }
}

#[test]
fn the_desk_is_its_own_signed_in_csrf_checked_and_role_bound() {
    let server = Server::start("inbox", &[]);
    server.add_staff(ANNA.0, "desk", ANNA.1);
    server.add_staff(ROOT.0, "admin", ROOT.1);
    let reference = send_a_case(&server);
    let desk = |p: &str| format!("{}{p}", server.desk_url);
    let mut f = Failures::default();
    f.context(format!("server log:\n{}", server.log()));

    // Not on the public port.
    for path in ["/signin", "/cases", "/staff", "/desk.css", "/desk.js"] {
        let r = request("GET", &format!("{}{path}", server.url), "", &[]);
        f.check(r.status == 404, || {
            format!("{path} on the public port: {}", r.status)
        });
    }
    // Every page needs a session.
    for path in ["/cases", &format!("/cases/{reference}"), "/staff"] {
        let r = request("GET", &desk(path), "", &[]);
        f.check(
            r.status == 303 && r.header("location") == Some("/signin"),
            || format!("{path} signed out: {} {:?}", r.status, r.header("location")),
        );
    }
    let r = request("GET", &desk("/no-such-page"), "", &[]);
    f.check(
        r.status == 404 && r.header("mailslot-error") == Some("not-found"),
        || format!("an unknown desk path: {}", r.status),
    );
    // A sign-in form without its token, or with another's, is refused.
    let r = request(
        "POST",
        &desk("/signin"),
        "",
        &[("name", ANNA.0), ("password", ANNA.1)],
    );
    f.check(
        r.status == 403 && r.header("mailslot-error") == Some("csrf-missing"),
        || {
            format!(
                "sign-in without CSRF token: {} {:?}",
                r.status,
                r.header("mailslot-error")
            )
        },
    );
    let r = request(
        "POST",
        &desk("/signin"),
        &format!("mailslot-desk-pre={}", "a".repeat(64)),
        &[
            ("csrf", &"b".repeat(64)),
            ("name", ANNA.0),
            ("password", ANNA.1),
        ],
    );
    f.check(r.header("mailslot-error") == Some("csrf-invalid"), || {
        format!("sign-in with a foreign CSRF token: {}", r.status)
    });

    // Signed in as desk staff: the case sent through the API is listed.
    let anna =
        sign_in(&server, ANNA).unwrap_or_else(|r| panic!("sign-in: {} {}", r.status, r.body));
    let list = request("GET", &desk("/cases"), &anna, &[]);
    f.check(list.status == 200 && list.body.contains(&reference), || {
        format!(
            "the list ({}) lacks {reference}:\n{}",
            list.status, list.body
        )
    });
    f.check(
        list.body.contains("Radiologie") && list.body.contains("Zweitmeinung"),
        || "the list names the department and purpose in German".into(),
    );
    let csp = list.header("content-security-policy").unwrap_or_default();
    f.check(
        csp.contains("default-src 'self'") && !csp.contains("unsafe"),
        || format!("the desk's CSP: {csp}"),
    );
    f.check(!list.body.contains("Müller"), || {
        "the list shows no sender's or patient's name".into()
    });
    let found = request(
        "GET",
        &desk(&format!(
            "/cases?reference={}",
            reference.replace('-', "").to_lowercase()
        )),
        &anna,
        &[],
    );
    f.check(found.body.contains(&reference), || {
        "found by reference".into()
    });
    let closed = request("GET", &desk("/cases?state=closed"), &anna, &[]);
    f.check(!closed.body.contains(&format!(">{reference}<")), || {
        "a new case is not among the closed".into()
    });
    let case = request("GET", &desk(&format!("/cases/{reference}")), &anna, &[]);
    f.check(
        case.status == 200
            && case.body.contains("Jürgen Müller")
            && case.body.contains("+49 30 1234567")
            && case.body.contains("Befund Müller.pdf"),
        || format!("the case page ({}):\n{}", case.status, case.body),
    );
    // What the sender typed cannot send a terminal or page anything: the
    // escape shows as U+FFFD.
    f.check(
        case.body.contains("Zweitmeinung Knie\u{fffd}[2J") && !case.body.contains('\u{1b}'),
        || "the request's escape character is shown, not passed on".into(),
    );

    // Desk staff may not see the accounts; an admin may.
    let r = request("GET", &desk("/staff"), &anna, &[]);
    f.check(
        r.status == 403 && r.header("mailslot-error") == Some("role-lacks-right"),
        || format!("/staff as desk staff: {}", r.status),
    );
    let root = sign_in(&server, ROOT).unwrap_or_else(|r| panic!("admin sign-in: {}", r.status));
    let r = request("GET", &desk("/staff"), &root, &[]);
    f.check(r.status == 200 && r.body.contains(">anna<"), || {
        format!("/staff as admin: {}", r.status)
    });

    // A signed-in POST without its token, or with another session's, is
    // refused, and the session lives on; with it, sign-out ends it.
    let r = request("POST", &desk("/signout"), &anna, &[]);
    f.check(
        r.status == 403 && r.header("mailslot-error") == Some("csrf-missing"),
        || format!("sign-out without CSRF token: {}", r.status),
    );
    let root_csrf = request("GET", &desk("/cases"), &root, &[]).csrf();
    let r = request("POST", &desk("/signout"), &anna, &[("csrf", &root_csrf)]);
    f.check(r.header("mailslot-error") == Some("csrf-invalid"), || {
        format!("sign-out with another session's token: {}", r.status)
    });
    let page = request("GET", &desk("/cases"), &anna, &[]);
    f.check(page.status == 200, || "the session survived".into());
    let r = request("POST", &desk("/signout"), &anna, &[("csrf", &page.csrf())]);
    f.check(r.status == 303, || format!("sign-out: {}", r.status));
    let r = request("GET", &desk("/cases"), &anna, &[]);
    f.check(r.status == 303, || {
        "signed out, the list needs a sign-in".into()
    });

    // Every action audited by name and case; no patient or sender data.
    let audit = server.admin(&["audit"]);
    for event in [
        "desk-signed-in  staff=anna".to_owned(),
        format!("desk-case-viewed  staff=anna reference={reference}"),
        "desk-refused  staff=anna code=role-lacks-right".into(),
        "desk-signed-out  staff=anna".into(),
    ] {
        f.check(audit.contains(&event), || {
            format!("audited: {event}\n{audit}")
        });
    }
    f.check(!audit.contains("Müller"), || {
        "no names in the audit".into()
    });

    // Wrong passwords lock the address out, by the upload passwords'
    // rule and counters: then even the right one waits, and so does an
    // upload session from the same address.
    for _ in 0..mailslot_backend::lockout::FREE_FAILURES {
        let r = sign_in(&server, (ANNA.0, "wrong password")).err();
        f.check(r.as_ref().is_some_and(|r| r.status == 401), || {
            format!("a wrong password: {:?}", r.map(|r| r.status))
        });
    }
    let r = sign_in(&server, ANNA).err();
    f.check(
        r.as_ref()
            .is_some_and(|r| r.status == 429 && r.body.contains("Zu viele falsche Versuche")),
        || format!("locked out: {:?}", r.map(|r| r.status)),
    );
    let mut sender = mailslot_sender::client::Client::new(&server.url);
    sender.fetch_key().expect("the server's key");
    let upload = sender.start_session(PASSWORD, mailslot_tests::consent());
    f.check(
        matches!(&upload, Err(ClientError::Api { code, .. }) if code == "locked-out"),
        || {
            format!(
                "an upload session from the locked-out address: {:?}",
                upload.err()
            )
        },
    );
    f.finish();
}

/// The value of the first `name="{name}" value="…"` at or after `from`.
pub(crate) fn field_value(body: &str, name: &str, from: usize) -> Option<String> {
    let key = format!("name=\"{name}\" value=\"");
    let at = body[from..].find(&key)? + from + key.len();
    Some(body[at..at + body[at..].find('"')?].to_owned())
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

/// A note staff write (it might name the patient: never in the database).
const NOTE: &str = "Rueckruf erbeten Notiztext-7Q2";

/// The href of the first link on `body` containing `part`.
fn link(body: &str, part: &str) -> Option<String> {
    let at = body.find(part)?;
    let start = body[..at].rfind('"')? + 1;
    Some(body[start..at + body[at..].find('"')?].to_owned())
}

/// Case `reference`'s letter opens inline, sandboxed and uncached, for
/// staff only and only as a letter of this case (not `other`'s, not an
/// image); a note and a "contacted" marker are on the page and in the
/// case's folder (0600), never in the database; a note without its CSRF
/// token is refused.
fn letters_and_notes(
    server: &Server,
    reference: &str,
    other: &str,
    body: &str,
    previews: &[&str],
    anna: &str,
    f: &mut Failures,
) {
    let desk = |p: &str| format!("{}{p}", server.desk_url);
    let case_path = format!("/cases/{reference}");
    let Some(letter) = link(body, "/letters/") else {
        f.check(false, || {
            format!("no letter link on the case page:\n{body}")
        });
        return;
    };
    f.check(body.contains("Befund Müller.pdf</a>"), || {
        "the letter is not linked by its name".into()
    });
    let r = request("GET", &desk(&letter), anna, &[]);
    f.check(
        r.status == 200
            && r.header("content-type") == Some("application/pdf")
            && r.header("content-disposition") == Some("inline")
            && r.header("cache-control") == Some("no-store")
            && r.header("x-content-type-options") == Some("nosniff")
            && r.header("content-security-policy") == Some("default-src 'none'; sandbox")
            && r.body.starts_with("%PDF-"),
        || format!("the letter {letter}: {} {:?}", r.status, r.headers),
    );
    let r = request("GET", &desk(&letter), "", &[]);
    f.check(
        r.status == 303 && r.header("location") == Some("/signin"),
        || format!("the letter signed out: {}", r.status),
    );
    let upload = |href: &str| href.rsplit('/').next().unwrap_or_default().to_owned();
    let other_letter = mailslot_tests::files_under(&server.data.join("inbox").join(other))
        .iter()
        .find_map(|p| Some(p.file_name()?.to_str()?.strip_suffix(".pdf")?.to_owned()));
    let image = previews
        .first()
        .map(|p| upload(p).trim_end_matches(".png").to_owned());
    for foreign in [other_letter, image, Some("..%2Fsubmission.json".into())] {
        let Some(foreign) = foreign else {
            f.check(false, || "no upload to try".into());
            continue;
        };
        let r = request(
            "GET",
            &desk(&format!("{case_path}/letters/{foreign}")),
            anna,
            &[],
        );
        f.check(r.status == 404, || {
            format!("{foreign} as a letter of {reference}: {}", r.status)
        });
    }

    let notes = desk(&format!("{case_path}/notes"));
    let r = request("POST", &notes, anna, &[("kind", "note"), ("text", NOTE)]);
    f.check(
        r.status == 403 && r.header("mailslot-error") == Some("csrf-missing"),
        || format!("a note without CSRF token: {}", r.status),
    );
    let csrf = Reply {
        status: 200,
        headers: vec![],
        body: body.to_owned(),
    }
    .csrf();
    for form in [
        vec![("csrf", csrf.as_str()), ("kind", "note"), ("text", NOTE)],
        vec![("csrf", csrf.as_str()), ("kind", "contacted")],
    ] {
        let r = request("POST", &notes, anna, &form);
        f.check(r.status == 303, || {
            format!("a note or marker: {} {}", r.status, r.body)
        });
    }
    let page = request("GET", &desk(&case_path), anna, &[]);
    f.check(
        page.body.contains(NOTE)
            && page.body.contains("Absender kontaktiert am")
            && page.body.contains(" von anna"),
        || format!("the note and marker on the page:\n{}", page.body),
    );
    let file = server
        .data
        .join("inbox")
        .join(reference)
        .join("notes.jsonl");
    let kept = std::fs::read_to_string(&file).unwrap_or_default();
    f.check(kept.contains(NOTE) && kept.lines().count() == 2, || {
        format!("the case's notes file: {kept:?}")
    });
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&file).map(|m| m.permissions().mode() & 0o777);
    f.check(mode.as_ref().is_ok_and(|m| *m == 0o600), || {
        format!("the notes file's mode: {mode:?}")
    });
    let db = server.database_bytes();
    f.check(
        !db.windows(NOTE.len()).any(|w| w == NOTE.as_bytes()),
        || "the note is in the database".into(),
    );
}

#[test]
fn the_desk_takes_a_study_over_keeps_a_consult_and_closes_the_case() {
    let orthanc = Orthanc::start();
    let server = Server::start(
        &format!("stow+http://127.0.0.1:{}/dicom-web", orthanc.http_port),
        &[
            ("MAILSLOT_MODE", "hold"),
            ("MAILSLOT_CONSULT", "inbox"),
            ("MAILSLOT_PATIENT_ID_ISSUER", "HOSPITAL-X"),
        ],
    );
    server.add_staff(ANNA.0, "desk", ANNA.1);
    let reference = send_a_case(&server);
    let other = send_a_case(&server);
    let desk = |p: &str| format!("{}{p}", server.desk_url);
    let case_path = format!("/cases/{reference}");
    let mut f = Failures::default();
    f.check(
        wait_for(Duration::from_secs(30), || server.queue("held") >= 4),
        || format!("{} held, 2 images expected", server.queue("held")),
    );
    let anna =
        sign_in(&server, ANNA).unwrap_or_else(|r| panic!("sign-in: {} {}", r.status, r.body));
    let list = request("GET", &desk("/cases"), &anna, &[]);
    f.check(
        list.body.contains(&reference) && list.body.contains("Neu"),
        || format!("the list shows the held case as new:\n{}", list.body),
    );

    // The case: two studies, a decoded preview per series (not the
    // placeholder), a take-over form per study.
    let page = request("GET", &desk(&case_path), &anna, &[]);
    let previews: Vec<&str> = page
        .body
        .match_indices("/preview/")
        .map(|(at, _)| {
            let start = page.body[..at].rfind('"').map_or(0, |q| q + 1);
            &page.body[start..at + page.body[at..].find('"').unwrap_or(0)]
        })
        .collect();
    f.check(page.status == 200 && previews.len() == 2, || {
        format!(
            "the case page ({}), previews {previews:?}:\n{}",
            page.status, page.body
        )
    });
    let placeholder = mailslot_backend::preview::placeholder(mailslot_backend::preview::SIDE).png;
    for src in &previews {
        let (status, kind, png) = raw(&desk(src), &anna);
        f.check(
            status == 200
                && kind == "image/png"
                && png.starts_with(b"\x89PNG")
                && png != placeholder,
            || {
                format!(
                    "preview {src}: {status} {kind}, the placeholder: {}",
                    png == placeholder
                )
            },
        );
    }
    let (status, _, _) = raw(&desk(previews.first().copied().unwrap_or("/")), "");
    f.check(status == 303, || format!("a preview signed out: {status}"));
    let first = page.body.find("form class=\"takeover\"").unwrap_or(0);
    let study = field_value(&page.body, "study", first).expect("a take-over form");
    let second = page.body[first + 1..]
        .find("form class=\"takeover\"")
        .map(|at| at + first + 1)
        .expect("a second study's form");
    let study2 = field_value(&page.body, "study", second).expect("study 2");
    let csrf = page.csrf();
    letters_and_notes(
        &server, &reference, &other, &page.body, &previews, &anna, &mut f,
    );

    // Without its token: refused, nothing sent.
    let form = [
        ("study", study.as_str()),
        ("patient_id", "H-0042"),
        ("family", "Muster"),
        ("given", "Erika"),
        ("birth", "01.01.1970"),
        ("sex", "F"),
        ("accession", ""),
    ];
    let r = request(
        "POST",
        &desk(&format!("{case_path}/take-over")),
        &anna,
        &form,
    );
    f.check(
        r.status == 403 && r.header("mailslot-error") == Some("csrf-missing"),
        || format!("take-over without CSRF token: {}", r.status),
    );
    // A name and birth date unlike the images': a confirmation first.
    let mut with = vec![("csrf", csrf.as_str())];
    with.extend(form);
    let r = request(
        "POST",
        &desk(&format!("{case_path}/take-over")),
        &anna,
        &with,
    );
    f.check(
        r.status == 200 && r.body.contains("Abweichung bestätigen") && r.body.contains("Muster"),
        || {
            format!(
                "the difference is named before sending: {}\n{}",
                r.status, r.body
            )
        },
    );
    f.check(orthanc.instances().is_empty(), || {
        "the archive got something before the confirmation".into()
    });
    with.push(("confirmed", "yes"));
    let r = request(
        "POST",
        &desk(&format!("{case_path}/take-over")),
        &anna,
        &with,
    );
    let outcome = r.header("location").unwrap_or("/").to_owned();
    f.check(
        r.status == 303
            && r.header("location")
                .is_some_and(|l| l.starts_with(&format!("{case_path}?done=take-over&n="))),
        || {
            format!(
                "take-over: {} {:?}\n{}",
                r.status,
                r.header("location"),
                r.body
            )
        },
    );
    f.check(
        wait_for(Duration::from_secs(60), || !orthanc.instances().is_empty()),
        || format!("nothing in the archive after take-over\n{}", server.log()),
    );
    server.drained(1);
    let stored = archived(&orthanc);
    for tags in &stored {
        let ok = tags["PatientID"] == "H-0042"
            && tags["IssuerOfPatientID"] == "HOSPITAL-X"
            && tags["PatientName"] == "Muster^Erika"
            && tags["PatientBirthDate"] == "19700101"
            && tags["StudyInstanceUID"] == study.as_str()
            && tags["OtherPatientIDsSequence"][0]["PatientID"].is_string();
        f.check(ok, || {
            format!("an archived object not under the hospital's identity: {tags}")
        });
    }
    let shown = request("GET", &desk(&outcome), &anna, &[]);
    f.check(
        shown.body.contains("role=\"status\"") && shown.body.contains("Übernommen"),
        || format!("the outcome is shown:\n{}", shown.body),
    );

    // Study 2 as a consult: into the inbox, not the archive.
    let r = request(
        "POST",
        &desk(&format!("{case_path}/consult")),
        &anna,
        &[("csrf", &csrf), ("study", &study2)],
    );
    f.check(r.status == 303, || {
        format!("consult: {} {}", r.status, r.body)
    });
    let archived_before = stored.len();
    server.drained(2);
    f.check(
        archived(&orthanc)
            .iter()
            .all(|t| t["StudyInstanceUID"] == study.as_str())
            && orthanc.instances().len() == archived_before,
        || "the consult reached the archive".into(),
    );

    // Closed after a confirmation: the case and its previews are gone.
    let r = request(
        "POST",
        &desk(&format!("{case_path}/close")),
        &anna,
        &[("csrf", &csrf)],
    );
    f.check(
        r.status == 200 && r.body.contains("Fall schließen?"),
        || format!("close asks first: {}", r.status),
    );
    let r = request(
        "POST",
        &desk(&format!("{case_path}/close")),
        &anna,
        &[("csrf", &csrf), ("confirmed", "yes")],
    );
    f.check(
        r.status == 303 && r.header("location") == Some(&*format!("/cases?closed={reference}")),
        || format!("close: {} {:?}\n{}", r.status, r.header("location"), r.body),
    );
    let gone = request("GET", &desk(&case_path), &anna, &[]);
    f.check(gone.status == 404, || {
        format!("the closed case: {}", gone.status)
    });
    f.check(!server.data.join("inbox").join(&reference).exists(), || {
        "the case's inbox folder (and its notes) is still there".into()
    });
    let cached = mailslot_tests::files_under(&server.data.join("previews"));
    f.check(cached.is_empty(), || format!("previews left: {cached:?}"));
    let r = request(
        "POST",
        &desk(&format!("{case_path}/consult")),
        &anna,
        &[("csrf", &csrf), ("study", &study2)],
    );
    f.check(
        r.status == 404 && r.header("mailslot-error") == Some("not-found"),
        || {
            format!(
                "an action on a deleted case: {} {:?}",
                r.status,
                r.header("mailslot-error")
            )
        },
    );
    let audit = server.admin(&["audit"]);
    for event in ["case-take-over", "case-consult", "case-close", "case-mark"] {
        f.check(audit.contains(event) && audit.contains("by=anna"), || {
            format!("no {event} by anna in the audit log:\n{audit}")
        });
    }
    f.check(
        !audit.contains("Muster") && !audit.contains("H-0042") && !audit.contains(NOTE),
        || "patient data in the audit log".into(),
    );
    for event in ["desk-letter-opened", "desk-note", "desk-contacted"] {
        let line = format!("{event}  staff=anna reference={reference}");
        f.check(audit.lines().any(|l| l.ends_with(&line)), || {
            format!("no {line:?} in the audit log:\n{audit}")
        });
    }
    f.context(server.log());
    f.finish();
}

#[test]
fn chromium_walks_the_desk_keyboard_only() {
    let e2e = root().join("tests/e2e");
    assert!(
        e2e.join("node_modules/playwright-core").is_dir(),
        "run `npm ci` in tests/e2e (or `cargo xtask test`)"
    );
    // Held; what is taken over goes to the inbox (the Orthanc round trip
    // is the test above).
    let server = Server::start("inbox", &[("MAILSLOT_MODE", "hold")]);
    server.add_staff(ANNA.0, "desk", ANNA.1);
    let reference = send_a_case(&server);
    let dir = tempfile::tempdir().expect("tempdir");
    let out = Command::new("node")
        .arg("desk.mjs")
        .current_dir(&e2e)
        .env("DESK_URL", &server.desk_url)
        .env("NAME", ANNA.0)
        .env("PASSWORD", ANNA.1)
        .env("REFERENCE", &reference)
        .env(
            "IDLE_SECS",
            mailslot_backend::staff::sessions::IDLE_SECS.to_string(),
        )
        .env(
            "WARN_SECS",
            mailslot_backend::staff::sessions::WARN_SECS.to_string(),
        )
        .env("ARTIFACTS", dir.path())
        .output()
        .expect("node (Debian nodejs)");
    let mut f = Failures::default();
    f.context(format!("server log:\n{}", server.log()));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
    let pages = report["pages"].as_array().map_or(0, Vec::len);
    f.check(out.status.success() && pages == 13, || {
        format!(
            "the browser walk failed ({pages} pages checked by axe):\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let audit = server.admin(&["audit"]);
    for event in ["case-take-over", "case-consult", "case-close"] {
        f.check(
            audit.contains(&format!("{event}  reference={reference} by=anna")),
            || format!("no {event} by anna in the audit log:\n{audit}"),
        );
    }
    f.finish();
}
