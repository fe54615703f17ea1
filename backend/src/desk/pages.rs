//! The desk's pages as maud templates, in German (the default) and
//! English: the frame every page shares (skip link, language switch,
//! who is signed in, the idle warning), sign-in, the case list, a case,
//! the staff list (the failure page is `failure.rs`). Every word is here, as a pair
//! (`t(l, de, en)`); every value shown is escaped by maud.

use mailslot_shared::wire::{Department, Purpose, Role};
use maud::{html, Markup, DOCTYPE};

use super::cases::{Filter, Row, State};
use crate::staff::sessions::{Signed, IDLE_SECS, WARN_SECS};

/// The desk's two languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// German (the default).
    De,
    /// English.
    En,
}

impl Lang {
    fn tag(self) -> &'static str {
        match self {
            Lang::De => "de",
            Lang::En => "en",
        }
    }
}

/// The word for `l`.
pub(super) fn t(l: Lang, de: &'static str, en: &'static str) -> &'static str {
    match l {
        Lang::De => de,
        Lang::En => en,
    }
}

/// A page's frame. `back` is the page's own path (the language switch
/// and the idle warning return to it).
pub(super) fn frame(
    l: Lang,
    title: &str,
    signed: Option<&Signed>,
    back: &str,
    main: Markup,
) -> Markup {
    let (other, other_name) = match l {
        Lang::De => ("en", "English"),
        Lang::En => ("de", "Deutsch"),
    };
    let switch = format!("/lang/{other}?back={}", encode(back));
    html! {
        (DOCTYPE)
        html lang=(l.tag()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " – " (t(l, "Mailslot-Empfang", "Mailslot desk")) }
                link rel="stylesheet" href="/desk.css";
                @if signed.is_some() { script src="/desk.js" defer {} }
            }
            body data-idle=[signed.map(|_| IDLE_SECS)] data-warn=[signed.map(|_| WARN_SECS)] {
                a.skip href="#main" { (t(l, "Zum Inhalt springen", "Skip to content")) }
                header.top {
                    p.brand { (t(l, "Mailslot-Empfang", "Mailslot desk")) }
                    nav aria-label=(t(l, "Sprache", "Language")) {
                        a href=(switch) lang=(other) hreflang=(other) { (other_name) }
                    }
                    @if let Some(s) = signed {
                        nav aria-label=(t(l, "Bereiche", "Sections")) {
                            ul.sections {
                                li { a href="/cases" { (t(l, "Fälle", "Cases")) } }
                                @if s.role.may(crate::staff::Right::ManageStaff) {
                                    li { a href="/staff" { (t(l, "Mitarbeitende", "Staff")) } }
                                }
                            }
                        }
                        form.signout method="post" action="/signout" {
                            span { (t(l, "Angemeldet als", "Signed in as")) " " strong { (s.name) } }
                            input type="hidden" name="csrf" value=(s.csrf);
                            button type="submit" { (t(l, "Abmelden", "Sign out")) }
                        }
                    }
                }
                main id="main" tabindex="-1" { (main) }
                @if let Some(s) = signed {
                    div id="idle-warning" class="idle" role="alert" hidden {
                        p { (t(l, "Sie werden in 2 Minuten wegen Inaktivität abgemeldet.",
                               "You will be signed out in 2 minutes for inactivity.")) }
                        form method="post" action="/extend" {
                            input type="hidden" name="csrf" value=(s.csrf);
                            input type="hidden" name="back" value=(back);
                            button type="submit" { (t(l, "Angemeldet bleiben", "Stay signed in")) }
                        }
                    }
                }
            }
        }
    }
}

/// `s` for a query string.
fn encode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// What went wrong at sign-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignInProblem {
    /// Name or password empty.
    Empty,
    /// Wrong name or password.
    Wrong,
    /// Too many wrong attempts from this address: wait this many seconds.
    LockedOut(u64),
}

/// The sign-in page. `pre` is the token the form carries back; `ended`
/// says a session just ended for inactivity.
pub fn sign_in(
    l: Lang,
    pre: &str,
    name: &str,
    problem: Option<SignInProblem>,
    ended: bool,
) -> Markup {
    let message = problem.map(|p| match (p, l) {
        (SignInProblem::Empty, _) => t(
            l,
            "Geben Sie Name und Passwort ein.",
            "Enter your name and password.",
        )
        .to_owned(),
        (SignInProblem::Wrong, _) => t(
            l,
            "Name oder Passwort ist falsch.",
            "The name or password is wrong.",
        )
        .to_owned(),
        (SignInProblem::LockedOut(s), Lang::De) => {
            format!("Zu viele falsche Versuche. Bitte warten Sie {s} Sekunden.")
        }
        (SignInProblem::LockedOut(s), Lang::En) => {
            format!("Too many wrong attempts. Please wait {s} seconds.")
        }
    });
    let title = t(l, "Anmelden", "Sign in");
    let main = html! {
        h1 { (title) }
        @if ended && problem.is_none() {
            p.note role="status" { (t(l, "Ihre Sitzung wurde wegen Inaktivität beendet. Bitte melden Sie sich neu an.",
                "Your session ended for inactivity. Please sign in again.")) }
        }
        @if let Some(m) = &message {
            div.error-summary role="alert" aria-labelledby="error-title" {
                h2 id="error-title" { (t(l, "Es gibt ein Problem", "There is a problem")) }
                ul { li { a href="#name" { (m) } } }
            }
        }
        form method="post" action="/signin" novalidate {
            input type="hidden" name="csrf" value=(pre);
            div.field {
                label for="name" { (t(l, "Name", "Name")) }
                input id="name" name="name" type="text" autocomplete="username" autocapitalize="none"
                    spellcheck="false" value=(name) aria-invalid=[message.as_ref().map(|_| "true")]
                    aria-describedby=[message.as_ref().map(|_| "name-error")];
                @if let Some(m) = &message { p.error id="name-error" { (m) } }
            }
            div.field {
                label for="password" { (t(l, "Passwort", "Password")) }
                input id="password" name="password" type="password" autocomplete="current-password"
                    aria-invalid=[message.as_ref().map(|_| "true")];
            }
            button type="submit" { (t(l, "Anmelden", "Sign in")) }
        }
    };
    frame(l, title, None, "/signin", main)
}

pub(super) fn state_words(l: Lang, s: State) -> &'static str {
    match s {
        State::New => t(l, "Neu", "New"),
        State::InProgress => t(l, "In Bearbeitung", "In progress"),
        State::TakenOver => t(l, "Übernommen", "Taken over"),
        State::Consult => t(l, "Konsil", "Consult"),
        State::Closed => t(l, "Geschlossen", "Closed"),
    }
}

pub(super) fn purpose_words(l: Lang, p: Option<Purpose>) -> &'static str {
    match p {
        Some(Purpose::Treatment) => t(l, "Mitbehandlung", "Further treatment"),
        Some(Purpose::SecondOpinion) => t(l, "Zweitmeinung / Konsil", "Second opinion"),
        Some(Purpose::Other) => t(l, "Sonstiges", "Other"),
        None => "–",
    }
}

pub(super) fn role_words(l: Lang, r: Option<Role>) -> &'static str {
    match r {
        Some(Role::Patient) => t(l, "Patient/in oder Angehörige", "Patient or relative"),
        Some(Role::Doctor) => t(l, "Ärztin/Arzt", "Doctor"),
        Some(Role::Other) => t(l, "Andere", "Someone else"),
        None => "–",
    }
}

fn department_name(l: Lang, departments: &[Department], id: Option<&str>) -> String {
    let Some(id) = id else { return "–".into() };
    departments
        .iter()
        .find(|d| d.id == id)
        .map(|d| match l {
            Lang::De => d.name.de.clone(),
            Lang::En => d.name.en.clone(),
        })
        .unwrap_or_else(|| id.to_owned())
}

/// Bytes as staff read them: `12,3 MB` / `12.3 MB`.
fn size(l: Lang, bytes: i64) -> String {
    let b = bytes.max(0) as f64;
    let (v, unit) = if b >= 1e9 {
        (b / 1e9, "GB")
    } else if b >= 1e6 {
        (b / 1e6, "MB")
    } else {
        (b / 1e3, "kB")
    };
    let s = format!("{v:.1} {unit}");
    match l {
        Lang::De => s.replace('.', ","),
        Lang::En => s,
    }
}

/// What the case list page shows.
pub struct CaseList<'a> {
    /// The rows that pass the filter.
    pub rows: &'a [Row],
    /// Cases per state, over all cases.
    pub counts: &'a [(State, usize)],
    /// The filter as given.
    pub filter: &'a Filter,
    /// The hospital's departments.
    pub departments: &'a [Department],
    /// The page's own path with its query.
    pub back: &'a str,
    /// A case just closed (`?closed=`), to say so.
    pub closed: Option<&'a str>,
}

/// The case list.
pub fn cases(l: Lang, signed: &Signed, list: &CaseList<'_>) -> Markup {
    let zone = crate::clock::local_zone();
    let when = |at: i64| crate::clock::readable_in(at, &zone);
    let title = t(l, "Fälle", "Cases");
    let f = list.filter;
    let main = html! {
        h1 { (title) }
        @if let Some(r) = list.closed {
            div.note role="status" {
                p { (t(l, "Fall ", "Case ")) (r) (t(l, " ist geschlossen; was nicht übernommen wurde, ist gelöscht.",
                    " is closed; what was not taken over is deleted.")) }
            }
        }
        section aria-labelledby="counts-title" {
            h2 id="counts-title" { (t(l, "Fälle je Stand", "Cases by state")) }
            ul.counts {
                @for (s, n) in list.counts {
                    li { a href={ "/cases?state=" (s.as_str()) } { (state_words(l, *s)) ": " strong { (n) } } }
                }
            }
        }
        section aria-labelledby="filter-title" {
            h2 id="filter-title" { (t(l, "Suchen und filtern", "Find and filter")) }
            form.filter method="get" action="/cases" role="search" {
                div.field {
                    label for="reference" { (t(l, "Vorgangsnummer", "Reference")) }
                    input id="reference" name="reference" type="text" autocomplete="off" spellcheck="false"
                        value=(f.reference.as_deref().unwrap_or(""));
                }
                div.field {
                    label for="state" { (t(l, "Stand", "State")) }
                    select id="state" name="state" {
                        option value="" { (t(l, "Alle", "All")) }
                        @for s in State::ALL {
                            option value=(s.as_str()) selected[f.state == Some(s)] { (state_words(l, s)) }
                        }
                    }
                }
                div.field {
                    label for="department" { (t(l, "Abteilung", "Department")) }
                    select id="department" name="department" {
                        option value="" { (t(l, "Alle", "All")) }
                        @for d in list.departments {
                            option value=(d.id) selected[f.department.as_deref() == Some(d.id.as_str())] {
                                (department_name(l, list.departments, Some(&d.id)))
                            }
                        }
                    }
                }
                button type="submit" { (t(l, "Anzeigen", "Show")) }
            }
        }
        @if list.rows.is_empty() {
            p role="status" { (t(l, "Keine Fälle gefunden.", "No cases found.")) }
        } @else {
            table.cases {
                caption { (t(l, "Gefundene Fälle, neueste zuerst", "Cases found, newest first")) " (" (list.rows.len()) ")" }
                thead { tr {
                    th scope="col" { (t(l, "Vorgang", "Reference")) }
                    th scope="col" { (t(l, "Eingang", "Arrived")) }
                    th scope="col" { (t(l, "Abteilung", "Department")) }
                    th scope="col" { (t(l, "Zweck", "Purpose")) }
                    th scope="col" { (t(l, "Absender", "Sender")) }
                    th scope="col" { (t(l, "Studien / Bilder / Größe", "Studies / images / size")) }
                    th scope="col" { (t(l, "Briefe", "Letters")) }
                    th scope="col" { (t(l, "Stand", "State")) }
                    th scope="col" { (t(l, "Löschung am", "Deleted on")) }
                } }
                tbody {
                    @for r in list.rows {
                        tr {
                            th scope="row" data-label=(t(l, "Vorgang", "Reference")) {
                                a href={ "/cases/" (r.reference) } { (r.reference) }
                            }
                            td data-label=(t(l, "Eingang", "Arrived")) { (when(r.arrived_at)) }
                            td data-label=(t(l, "Abteilung", "Department")) { (department_name(l, list.departments, r.department.as_deref())) }
                            td data-label=(t(l, "Zweck", "Purpose")) { (purpose_words(l, r.purpose)) }
                            td data-label=(t(l, "Absender", "Sender")) { (role_words(l, r.role)) }
                            td data-label=(t(l, "Studien / Bilder / Größe", "Studies / images / size")) {
                                (r.studies) " / " (r.images) " / " (size(l, r.bytes))
                            }
                            td data-label=(t(l, "Briefe", "Letters")) { (r.letters) }
                            td data-label=(t(l, "Stand", "State")) { (state_words(l, r.state)) }
                            td data-label=(t(l, "Löschung am", "Deleted on")) { (when(r.delete_at)) }
                        }
                    }
                }
            }
        }
    };
    frame(l, title, Some(signed), list.back, main)
}

/// The staff accounts (admin only).
pub fn staff(l: Lang, signed: &Signed, accounts: &[crate::staff::Account]) -> Markup {
    let zone = crate::clock::local_zone();
    let title = t(l, "Mitarbeitende", "Staff");
    let main = html! {
        h1 { (title) }
        p { (t(l, "Konten werden auf dem Server angelegt und entfernt: ",
               "Accounts are added and removed on the server: "))
            code { "mailslot staff add NAME --role desk|admin" } }
        table {
            caption { (t(l, "Konten", "Accounts")) }
            thead { tr {
                th scope="col" { (t(l, "Name", "Name")) }
                th scope="col" { (t(l, "Rolle", "Role")) }
                th scope="col" { (t(l, "Angelegt", "Created")) }
            } }
            tbody {
                @for a in accounts {
                    tr {
                        th scope="row" { (a.name) }
                        td { (a.role.as_str()) }
                        td { (crate::clock::readable_in(a.created_at, &zone)) }
                    }
                }
            }
        }
    };
    frame(l, title, Some(signed), "/staff", main)
}

/// `text` with every hidden character shown as U+FFFD.
pub(super) fn shown(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\n' | '\t' => c,
            c if crate::casefile::text::hidden(c) => '\u{fffd}',
            c => c,
        })
        .collect()
}

/// A DICOM date (`YYYYMMDD`) as `YYYY-MM-DD`; anything else as it is.
pub(super) fn date(v: &Option<String>) -> String {
    match v.as_deref().map(str::trim) {
        Some(d) if d.len() == 8 && d.bytes().all(|b| b.is_ascii_digit()) => {
            format!("{}-{}-{}", &d[..4], &d[4..6], &d[6..])
        }
        Some(d) if !d.is_empty() => shown(d),
        _ => "–".into(),
    }
}

/// Whether `reference` has the form of one (`K7M-4QX-9TD`).
pub(super) fn is_reference(r: &str) -> bool {
    r.len() == 11
        && r.bytes()
            .all(|b| b == b'-' || b.is_ascii_uppercase() || b.is_ascii_digit())
}
