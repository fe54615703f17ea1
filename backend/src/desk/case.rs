//! One case at the desk: the sender's record, the letters, and per study
//! the patient and its series — what `mailslot submissions show` prints,
//! read from the same files (`casefile`), laid out as a page.
//!
//! Every value a sender typed or a file carried is shown with its hidden
//! characters (controls, bidi overrides, zero-width) as U+FFFD, as on the
//! console, so that no one can reorder or hide what staff read; maud
//! escapes the rest.

use std::collections::BTreeMap;

use mailslot_shared::wire::{Purpose, Role};
use maud::{html, Markup};

use super::pages::{frame, purpose_words, role_words, t, Lang};
use crate::casefile::{self, ObjectRecord};
use crate::mailbox::Layout;
use crate::staff::sessions::Signed;

/// `text` with every hidden character shown as U+FFFD.
fn shown(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\n' | '\t' => c,
            c if casefile::text::hidden(c) => '\u{fffd}',
            c => c,
        })
        .collect()
}

/// A DICOM date (`YYYYMMDD`) as `YYYY-MM-DD`; anything else as it is.
fn date(v: &Option<String>) -> String {
    match v.as_deref().map(str::trim) {
        Some(d) if d.len() == 8 && d.bytes().all(|b| b.is_ascii_digit()) => {
            format!("{}-{}-{}", &d[..4], &d[4..6], &d[6..])
        }
        Some(d) if !d.is_empty() => shown(d),
        _ => "–".into(),
    }
}

/// A case as the page shows it.
#[derive(Debug, Default)]
pub struct Detail {
    /// The sender's record (`submission.json`), if the case completed.
    sender: Option<serde_json::Value>,
    /// The letters' names as the sender's computer called them.
    letters: Vec<String>,
    /// The objects' records.
    objects: Vec<ObjectRecord>,
}

/// Whether `reference` has the form of one (`K7M-4QX-9TD`).
fn is_reference(r: &str) -> bool {
    r.len() == 11
        && r.bytes()
            .all(|b| b == b'-' || b.is_ascii_uppercase() || b.is_ascii_digit())
}

/// The case `reference`, if its folder exists. Blocking (the inbox).
pub fn read(layout: &Layout, reference: &str) -> Option<Detail> {
    let dir = layout.submission(reference);
    if !is_reference(reference) || !dir.is_dir() {
        return None;
    }
    let sender: Option<serde_json::Value> = std::fs::read(dir.join("submission.json"))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok());
    let names: BTreeMap<String, String> = sender
        .as_ref()
        .and_then(|s| s["sender"]["letters"].as_array())
        .into_iter()
        .flatten()
        .filter_map(|l| {
            Some((
                l["upload"].as_str()?.to_owned(),
                l["name"].as_str()?.to_owned(),
            ))
        })
        .collect();
    let mut letters: Vec<String> = std::fs::read_dir(dir.join("letters"))
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| {
            let file = e.file_name().to_string_lossy().into_owned();
            let upload = file.strip_suffix(".pdf").unwrap_or(&file).to_owned();
            names.get(&upload).cloned().unwrap_or(file)
        })
        .collect();
    letters.sort();
    Some(Detail {
        sender,
        letters,
        objects: casefile::objects(layout, reference),
    })
}

/// The case's page.
pub fn page(l: Lang, signed: &Signed, reference: &str, d: &Detail) -> Markup {
    let zone = crate::clock::local_zone();
    let title = format!("{} {reference}", t(l, "Fall", "Case"));
    let text = |v: &serde_json::Value| shown(v.as_str().unwrap_or(""));
    let when = |v: &serde_json::Value| {
        v.as_i64()
            .map(|at| crate::clock::readable_in(at, &zone))
            .unwrap_or_else(|| "–".into())
    };
    // Per study (by UID) its first object and its series with their
    // image counts.
    let mut by_study: BTreeMap<&str, Vec<&ObjectRecord>> = BTreeMap::new();
    for o in &d.objects {
        by_study.entry(o.study.as_str()).or_default().push(o);
    }
    let studies: Vec<(&ObjectRecord, Vec<(&ObjectRecord, usize)>)> = by_study
        .values()
        .map(|items| {
            let mut series: BTreeMap<&str, (&ObjectRecord, usize)> = BTreeMap::new();
            for o in items {
                series.entry(o.series.as_str()).or_insert((o, 0)).1 += 1;
            }
            (items[0], series.into_values().collect())
        })
        .collect();
    let opt = |v: &Option<String>| shown(v.as_deref().unwrap_or("–"));
    let main = html! {
        p { a href="/cases" { (t(l, "Zurück zur Liste", "Back to the list")) } }
        h1 { (title) }
        h2 { (t(l, "Absender", "Sender")) }
        @if let Some(r) = &d.sender {
            @let s = &r["sender"];
            dl.details {
                dt { (t(l, "Eingang", "Arrived")) } dd { (when(&r["received_at"])) }
                dt { (t(l, "Name", "Name")) } dd { (text(&s["name"])) }
                dt { (t(l, "Absender ist", "Sent by")) }
                dd { (role_words(l, s["role"].as_str().and_then(Role::parse))) }
                dt { (t(l, "Zweck", "Purpose")) }
                dd { (purpose_words(l, s["purpose"].as_str().and_then(Purpose::parse))) }
                dt { (t(l, "Telefon", "Phone")) } dd { (text(&s["phone"])) }
                dt { (t(l, "E-Mail", "E-mail")) } dd { (text(&s["email"])) }
                dt { (t(l, "Ansprechperson", "Contact person")) } dd { (text(&s["contact"])) }
                dt { (t(l, "Anliegen", "Request")) } dd.request { (text(&s["request"])) }
                dt { (t(l, "Einwilligung", "Consent")) }
                dd {
                    (t(l, "Datenschutzerklärung Fassung ", "privacy statement version "))
                    (text(&r["consent_statement_version"])) ", " (when(&r["consent_at"]))
                }
            }
        } @else {
            p { (t(l, "Noch nicht abgeschlossen: die Angaben des Absenders fehlen.",
                   "Not completed yet: the sender's details are missing.")) }
        }
        h2 { (t(l, "Briefe", "Letters")) " (" (d.letters.len()) ")" }
        @if !d.letters.is_empty() {
            ul { @for name in &d.letters { li { (shown(name)) } } }
        }
        h2 { (t(l, "Studien", "Studies")) " (" (studies.len()) ")" }
        @for (i, (first, series)) in studies.iter().enumerate() {
            section.study aria-labelledby={ "study-" (i) } {
                h3 id={ "study-" (i) } {
                    (date(&first.study_date)) " – " (opt(&first.study_description))
                }
                p {
                    (t(l, "Patient/in", "Patient")) ": " (opt(&first.patient_name))
                    ", " (t(l, "ID", "ID")) " " (opt(&first.patient_id))
                    ", " (t(l, "geboren", "born")) " " (date(&first.birth_date))
                }
                table {
                    caption { (t(l, "Serien", "Series")) }
                    thead { tr {
                        th scope="col" { (t(l, "Beschreibung", "Description")) }
                        th scope="col" { (t(l, "Modalität", "Modality")) }
                        th scope="col" { (t(l, "Bilder", "Images")) }
                    } }
                    tbody {
                        @for (o, n) in series {
                            tr {
                                td { (opt(&o.series_description)) }
                                td { (opt(&o.modality)) }
                                td { (n) }
                            }
                        }
                    }
                }
            }
        }
    };
    frame(
        l,
        &title,
        Some(signed),
        &format!("/cases/{reference}"),
        main,
    )
}
