//! One case at the desk: its state and deletion date, the sender's
//! record, the letters, and per study the patient, its series with one
//! preview each, and what staff may do (take over, keep as consult; close
//! the case) — read through the case lifecycle (`case::Cases::show`) and
//! the same files as `mailslot submissions show`.
//!
//! Every value a sender typed or a file carried is shown with its hidden
//! characters (controls, bidi overrides, zero-width) as U+FFFD, as on the
//! console, so that no one can reorder or hide what staff read; maud
//! escapes the rest.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use mailslot_shared::wire::{Purpose, Role};
use maud::{html, Markup};

use super::cases::State;
use super::pages::{
    date, frame, is_reference, purpose_words, role_words, shown, state_words, t, Lang,
};
use super::takeover;
use crate::case::{CaseError, Cases};
use crate::casefile::ObjectRecord;
use crate::forward::queue::{QueueState, SessionItem, Target};
use crate::mailbox::Layout;
use crate::preview::{instance_number, series_previews, Member};
use crate::staff::sessions::Signed;

/// A case as the page shows it.
#[derive(Debug)]
pub struct Detail {
    /// The sender's record (`submission.json`), if the case completed.
    sender: Option<serde_json::Value>,
    /// The letters: upload id, and name as the sender's computer called it.
    letters: Vec<(String, String)>,
    /// Staff's notes and "contacted" markers (from the case's folder).
    notes: Vec<super::notes::Note>,
    /// The objects' records.
    pub objects: Vec<ObjectRecord>,
    /// Where the case stands.
    state: State,
    /// When what is not taken over is deleted (Unix seconds).
    delete_at: i64,
    /// Each queued object by upload id: held, or on its way where.
    items: HashMap<String, SessionItem>,
    /// Per series (UID) the object that stands for it.
    pub chosen: Vec<(String, String)>,
    /// Per series (UID) its preview: `None` shown, else why not.
    pub pictures: HashMap<String, Option<String>>,
}

/// Where upload `upload` of case `reference` is: the spool while held or
/// queued, else the inbox (a consult or `forward = "inbox"`).
pub fn object_path(layout: &Layout, reference: &str, upload: &str) -> PathBuf {
    let spooled = layout.spooled(upload);
    if spooled.is_file() {
        spooled
    } else {
        layout.inbox_object(reference, upload)
    }
}

/// The case `reference`, if there is one; which object stands for each
/// series. Blocking (database and inbox).
pub fn read(
    cases: &Cases<'_>,
    layout: &Layout,
    reference: &str,
) -> Result<Option<Detail>, CaseError> {
    if !is_reference(reference) {
        return Ok(None);
    }
    let case = match cases.show(reference) {
        Ok(c) => c,
        Err(CaseError::Unknown(_)) => return Ok(None),
        Err(e) => return Err(e),
    };
    let dir = layout.submission(reference);
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
    let mut letters: Vec<(String, String)> = std::fs::read_dir(dir.join("letters"))
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let file = e.file_name().to_string_lossy().into_owned();
            let upload = file.strip_suffix(".pdf")?.to_owned();
            let name = names.get(&upload).cloned().unwrap_or_else(|| file.clone());
            Some((upload, name))
        })
        .collect();
    letters.sort_by(|a, b| a.1.cmp(&b.1));
    let numbers: Vec<Option<i64>> = case
        .objects
        .iter()
        .map(|o| instance_number(&object_path(layout, reference, &o.upload)))
        .collect();
    let chosen = series_previews(case.objects.iter().zip(&numbers).map(|(o, n)| Member {
        series: &o.series,
        upload: &o.upload,
        instance: *n,
    }));
    Ok(Some(Detail {
        sender,
        letters,
        notes: super::notes::read(layout, reference),
        state: State::of(case.case.state),
        delete_at: case.case.delete_at,
        items: case
            .items
            .into_iter()
            .map(|i| (i.upload_id.clone(), i))
            .collect(),
        objects: case.objects,
        chosen,
        pictures: HashMap::new(),
    }))
}

/// What became of a study's objects: held, taken over, kept as consult.
fn study_counts(d: &Detail, items: &[&ObjectRecord]) -> (usize, usize, usize) {
    let mut n = (0, 0, 0);
    for o in items {
        match d.items.get(&o.upload) {
            Some(i) if i.state == QueueState::Held && i.target.is_none() => n.0 += 1,
            Some(i) if i.target == Some(Target::Archive) => n.1 += 1,
            Some(i) if i.target == Some(Target::Consult) => n.2 += 1,
            _ => {}
        }
    }
    n
}

/// What the page says after an action (`?done=…&n=…`).
pub struct Done {
    /// `take-over` or `consult`.
    pub what: String,
    /// Objects queued.
    pub objects: usize,
}

/// The case's page.
pub fn page(
    l: Lang,
    signed: &Signed,
    reference: &str,
    d: &Detail,
    done: Option<&Done>,
    worklist: bool,
) -> Markup {
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
    type Study<'a> = (
        &'a ObjectRecord,
        Vec<(&'a ObjectRecord, usize)>,
        (usize, usize, usize),
    );
    let studies: Vec<Study<'_>> = by_study
        .values()
        .map(|items| {
            let mut series: BTreeMap<&str, (&ObjectRecord, usize)> = BTreeMap::new();
            for o in items {
                series.entry(o.series.as_str()).or_insert((o, 0)).1 += 1;
            }
            (
                items[0],
                series.into_values().collect(),
                study_counts(d, items),
            )
        })
        .collect();
    let upload_of: HashMap<&str, &str> = d
        .chosen
        .iter()
        .map(|(s, u)| (s.as_str(), u.as_str()))
        .collect();
    let open = d.state != State::Closed;
    let opt = |v: &Option<String>| shown(v.as_deref().unwrap_or("–"));
    let main = html! {
        p { a href="/cases" { (t(l, "Zurück zur Liste", "Back to the list")) } }
        h1 { (title) }
        @if let Some(done) = done {
            div.note role="status" {
                p { (match done.what.as_str() {
                    "take-over" => t(l, "Übernommen. Objekte auf dem Weg ins Archiv: ", "Taken over. Objects on their way to the archive: "),
                    _ => t(l, "Als Konsil behalten. Objekte an das Konsil gesendet: ", "Kept as consult. Objects sent to the consult: "),
                }) (done.objects) }
            }
        }
        dl.details {
            dt { (t(l, "Stand", "State")) } dd { (state_words(l, d.state)) }
            dt { (t(l, "Wird gelöscht am", "Deleted on")) }
            dd { (crate::clock::readable_in(d.delete_at, &zone)) }
        }
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
            ul { @for (upload, name) in &d.letters {
                li { a href={ "/cases/" (reference) "/letters/" (upload) } { (shown(name)) } }
            } }
        }
        @if let Some(r) = &d.sender { (super::notes::dicomdir(l, r)) }
        (super::notes::section(l, signed, reference, &d.notes, open))
        h2 { (t(l, "Studien", "Studies")) " (" (studies.len()) ")" }
        @for (i, (first, series, (held, archived, consulted))) in studies.iter().enumerate() {
            section.study aria-labelledby={ "study-" (i) } {
                h3 id={ "study-" (i) } {
                    (t(l, "Studie ", "Study ")) (i + 1) ": "
                    (date(&first.study_date)) " – " (opt(&first.study_description))
                }
                p {
                    (t(l, "Patient/in laut Bildern", "Patient according to the images")) ": " (opt(&first.patient_name))
                    ", " (t(l, "ID", "ID")) " " (opt(&first.patient_id))
                    ", " (t(l, "geboren", "born")) " " (date(&first.birth_date))
                }
                p {
                    (t(l, "Hier gehalten: ", "Held here: ")) (held)
                    @if *archived > 0 { ", " (t(l, "übernommen: ", "taken over: ")) (archived) }
                    @if *consulted > 0 { ", " (t(l, "als Konsil: ", "as consult: ")) (consulted) }
                }
                table.series {
                    caption { (t(l, "Serien", "Series")) }
                    thead { tr {
                        th scope="col" { (t(l, "Vorschau", "Preview")) }
                        th scope="col" { (t(l, "Beschreibung", "Description")) }
                        th scope="col" { (t(l, "Datum", "Date")) }
                        th scope="col" { (t(l, "Modalität", "Modality")) }
                        th scope="col" { (t(l, "Bilder", "Images")) }
                    } }
                    tbody {
                        @for (o, n) in series {
                            @let name = format!("{} ({})", opt(&o.series_description), opt(&o.modality));
                            tr {
                                td data-label=(t(l, "Vorschau", "Preview")) {
                                    @if let Some(upload) = upload_of.get(o.series.as_str()) {
                                        figure.preview {
                                            img src={ "/cases/" (reference) "/preview/" (upload) ".png" }
                                                width="128" height="128"
                                                alt={ (t(l, "Vorschau der Serie ", "Preview of series ")) (name) };
                                            @match d.pictures.get(o.series.as_str()) {
                                                Some(Some(why)) => figcaption {
                                                    (t(l, "Keine Vorschau möglich: ", "No preview possible: ")) (why)
                                                },
                                                _ => {},
                                            }
                                        }
                                    } @else { "–" }
                                }
                                td data-label=(t(l, "Beschreibung", "Description")) { (opt(&o.series_description)) }
                                td data-label=(t(l, "Datum", "Date")) { (date(&o.study_date)) }
                                td data-label=(t(l, "Modalität", "Modality")) { (opt(&o.modality)) }
                                td data-label=(t(l, "Bilder", "Images")) { (n) }
                            }
                        }
                    }
                }
                @if open && *held > 0 {
                    (takeover::form(l, signed, reference, i, first, worklist))
                    form.consult method="post" action={ "/cases/" (reference) "/consult" } {
                        input type="hidden" name="csrf" value=(signed.csrf);
                        input type="hidden" name="study" value=(first.study);
                        button type="submit" {
                            (t(l, "Studie ", "Keep study ")) (i + 1)
                            (t(l, " als Konsil behalten", " as consult"))
                        }
                    }
                }
            }
        }
        @if open {
            h2 { (t(l, "Fall schließen", "Close the case")) }
            p { (t(l, "Schließen löscht sofort alles, was nicht übernommen wurde.",
                   "Closing deletes at once everything not taken over.")) }
            form method="post" action={ "/cases/" (reference) "/close" } {
                input type="hidden" name="csrf" value=(signed.csrf);
                button type="submit" { (t(l, "Fall schließen …", "Close the case …")) }
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
