//! Taking a study over at the desk: the form (prefilled from the images'
//! name, birth date and sex; the hospital's Patient ID is typed, never
//! copied from the sender's), its checks, and — where what staff typed
//! differs from what the images say (name or birth date) — a
//! confirmation step that says so plainly before anything is sent. Then
//! `case::Cases::take_over` (IHE IRWF, audited by the case module).
//!
//! (Over 400 lines: the form, its checks, the confirmation step and the
//! handler belong together; the last 40 are tests. The worklist search
//! and the form filled from an entry are `mwl.rs`.)

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use maud::{html, Markup};

use super::auth::acting_on_case;
use super::failure::{DeskError, Fail};
use super::pages::{date, frame, shown, t, Lang};
use super::{blocking_case, page, see_other, Desk};
use crate::casefile::ObjectRecord;
use crate::staff::sessions::Signed;
use mailslot_shared::reconcile::Identity;

/// What staff typed into a take-over form.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Typed {
    /// The study's UID.
    pub study: String,
    /// The hospital's Patient ID.
    pub patient_id: String,
    /// Family name.
    pub family: String,
    /// Given name(s).
    pub given: String,
    /// Birth date as typed.
    pub birth: String,
    /// `M`, `F`, `O` or empty.
    pub sex: String,
    /// Accession number, or empty.
    pub accession: String,
}

impl Typed {
    pub(super) fn of(form: &HashMap<String, String>) -> Typed {
        let get = |k: &str| form.get(k).map(|v| v.trim().to_owned()).unwrap_or_default();
        Typed {
            study: get("study"),
            patient_id: get("patient_id"),
            family: get("family"),
            given: get("given"),
            birth: get("birth"),
            sex: get("sex").to_ascii_uppercase(),
            accession: get("accession"),
        }
    }

    /// Prefilled from the images: name, birth date, sex (not the
    /// sender's Patient ID: the hospital's is typed).
    fn from_images(o: &ObjectRecord) -> Typed {
        let name = o.patient_name.clone().unwrap_or_default();
        let mut parts = name.split('^');
        let family = parts.next().unwrap_or_default().trim().to_owned();
        let given = parts.next().unwrap_or_default().trim().to_owned();
        let birth = birth_dicom(o.birth_date.as_deref().unwrap_or(""))
            .map(|d| format!("{}-{}-{}", &d[..4], &d[4..6], &d[6..]))
            .unwrap_or_default();
        let sex = match o.patient_sex.as_deref().map(str::trim) {
            Some(s @ ("M" | "F" | "O")) => s.to_owned(),
            _ => String::new(),
        };
        Typed {
            study: o.study.clone(),
            family: shown(&family),
            given: shown(&given),
            birth,
            sex,
            ..Typed::default()
        }
    }

    /// The name as DICOM writes it.
    fn dicom_name(&self) -> String {
        if self.given.is_empty() {
            self.family.clone()
        } else {
            format!("{}^{}", self.family, self.given)
        }
    }

    /// What is wrong with it: (field id, words).
    fn problems(&self, l: Lang) -> Vec<(&'static str, &'static str)> {
        let mut p = Vec::new();
        if self.patient_id.is_empty() || self.patient_id.chars().count() > 64 {
            p.push((
                "patient_id",
                t(
                    l,
                    "Geben Sie die Patienten-ID des Hauses an (höchstens 64 Zeichen).",
                    "Give the hospital's patient ID (at most 64 characters).",
                ),
            ));
        }
        if self.family.is_empty() || self.family.contains('^') || self.given.contains('^') {
            p.push((
                "family",
                t(
                    l,
                    "Geben Sie den Familiennamen an (ohne ^).",
                    "Give the family name (without ^).",
                ),
            ));
        }
        if !self.birth.is_empty() && birth_dicom(&self.birth).is_none() {
            p.push((
                "birth",
                t(
                    l,
                    "Geben Sie das Geburtsdatum als TT.MM.JJJJ oder JJJJ-MM-TT an.",
                    "Give the birth date as YYYY-MM-DD or DD.MM.YYYY.",
                ),
            ));
        }
        if !["", "M", "F", "O"].contains(&self.sex.as_str()) {
            p.push((
                "sex",
                t(
                    l,
                    "Wählen Sie das Geschlecht aus der Liste.",
                    "Choose the sex from the list.",
                ),
            ));
        }
        if self.accession.chars().count() > 16 {
            p.push((
                "accession",
                t(
                    l,
                    "Die Accession-Nummer hat höchstens 16 Zeichen.",
                    "The accession number has at most 16 characters.",
                ),
            ));
        }
        p
    }

    fn identity(&self) -> Identity {
        Identity {
            patient_id: self.patient_id.clone(),
            issuer: String::new(),
            name: self.dicom_name(),
            birth_date: birth_dicom(&self.birth).unwrap_or_default(),
            sex: self.sex.clone(),
            accession: self.accession.clone(),
        }
    }
}

/// A birth date as typed (`YYYY-MM-DD`, `YYYYMMDD`, `DD.MM.YYYY`) as
/// DICOM's `YYYYMMDD`, if it is a plausible date.
pub(super) fn birth_dicom(s: &str) -> Option<String> {
    let s = s.trim();
    let digits: String = s.chars().filter(char::is_ascii_digit).collect();
    let d = match (s.len(), s.contains('.')) {
        (10, true) => format!(
            "{}{}{}",
            &digits.get(4..8)?,
            &digits.get(2..4)?,
            &digits.get(0..2)?
        ),
        (10 | 8, false) => digits,
        _ => return None,
    };
    let (y, m, day): (u32, u32, u32) = (
        d.get(..4)?.parse().ok()?,
        d.get(4..6)?.parse().ok()?,
        d.get(6..8)?.parse().ok()?,
    );
    (d.len() == 8 && (1850..=2200).contains(&y) && (1..=12).contains(&m) && (1..=31).contains(&day))
        .then_some(d)
}

/// Upper case, single spaces: how names are compared.
fn plain(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_uppercase()
}

/// Where `typed` differs from what the images say: (what, typed, images).
fn differences(
    l: Lang,
    typed: &Typed,
    images: &ObjectRecord,
) -> Vec<(&'static str, String, String)> {
    let mut out = Vec::new();
    let image_name = images.patient_name.clone().unwrap_or_default();
    let mut parts = image_name.split('^');
    let (family, given) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    if plain(family) != plain(&typed.family) || plain(given) != plain(&typed.given) {
        out.push((
            t(l, "Name", "Name"),
            format!("{}, {}", typed.family, typed.given),
            shown(&format!("{family}, {given}")),
        ));
    }
    let image_birth = birth_dicom(images.birth_date.as_deref().unwrap_or(""));
    if image_birth != birth_dicom(&typed.birth) {
        out.push((
            t(l, "Geburtsdatum", "Birth date"),
            if typed.birth.is_empty() {
                "–".into()
            } else {
                typed.birth.clone()
            },
            date(&images.birth_date),
        ));
    }
    out
}

/// One labelled text field of study `i`'s form.
fn field(
    id: String,
    name: &str,
    label: &str,
    value: &str,
    autocomplete: &str,
    invalid: bool,
) -> Markup {
    html! {
        div.field {
            label for=(id) { (label) }
            input id=(id) name=(name) type="text" value=(value) autocomplete=(autocomplete)
                aria-invalid=[invalid.then_some("true")];
        }
    }
}

/// The take-over form of study `i` (0-based) of case `reference`.
pub fn form(
    l: Lang,
    signed: &Signed,
    reference: &str,
    i: usize,
    first: &ObjectRecord,
    worklist: bool,
) -> Markup {
    let v = Typed::from_images(first);
    let name = v.dicom_name();
    html! {
        @if worklist {
            // GET: a search changes nothing, so it needs no CSRF token.
            form.takeover method="get" action={ "/cases/" (reference) "/worklist" } aria-labelledby={ "worklist-" (i) } {
                h4 id={ "worklist-" (i) } { (t(l, "Patient in der Arbeitsliste suchen", "Find the patient in the worklist")) }
                input type="hidden" name="study" value=(v.study);
                (field(format!("wl-name-{i}"), "name", t(l, "Name (Familienname^Vorname, * als Platzhalter)", "Name (family^given, * as wildcard)"), &name, "off", false))
                (field(format!("wl-birth-{i}"), "birth", t(l, "Geburtsdatum (TT.MM.JJJJ oder JJJJ-MM-TT)", "Birth date (YYYY-MM-DD or DD.MM.YYYY)"), &v.birth, "off", false))
                (field(format!("wl-id-{i}"), "id", t(l, "oder Patienten-ID des Hauses", "or the hospital's patient ID"), "", "off", false))
                button type="submit" { (t(l, "In der Arbeitsliste suchen", "Search the worklist")) }
            }
        }
        (fields(l, signed, reference, i, &v, &[]))
    }
}

pub(super) fn fields(
    l: Lang,
    signed: &Signed,
    reference: &str,
    i: usize,
    v: &Typed,
    problems: &[(&'static str, &'static str)],
) -> Markup {
    let bad = |f: &str| problems.iter().any(|(p, _)| *p == f);
    let n = i + 1;
    html! {
        form.takeover method="post" action={ "/cases/" (reference) "/take-over" } aria-labelledby={ "takeover-" (i) } {
            h4 id={ "takeover-" (i) } { (t(l, "Studie ", "Take study ")) (n) (t(l, " übernehmen", " over")) }
            input type="hidden" name="csrf" value=(signed.csrf);
            input type="hidden" name="study" value=(v.study);
            (field(format!("patient_id-{i}"), "patient_id", t(l, "Patienten-ID des Hauses", "Hospital's patient ID"), &v.patient_id, "off", bad("patient_id")))
            (field(format!("family-{i}"), "family", t(l, "Familienname", "Family name"), &v.family, "off", bad("family")))
            (field(format!("given-{i}"), "given", t(l, "Vorname(n)", "Given name(s)"), &v.given, "off", bad("given")))
            (field(format!("birth-{i}"), "birth", t(l, "Geburtsdatum (TT.MM.JJJJ oder JJJJ-MM-TT)", "Birth date (YYYY-MM-DD or DD.MM.YYYY)"), &v.birth, "off", bad("birth")))
            div.field {
                label for={ "sex-" (i) } { (t(l, "Geschlecht", "Sex")) }
                select id={ "sex-" (i) } name="sex" aria-invalid=[bad("sex").then_some("true")] {
                    @for (code, de, en) in [("", "unbekannt", "unknown"), ("F", "weiblich", "female"), ("M", "männlich", "male"), ("O", "divers", "other")] {
                        option value=(code) selected[v.sex == code] { (t(l, de, en)) }
                    }
                }
            }
            (field(format!("accession-{i}"), "accession", t(l, "Accession-Nummer (wenn vorhanden)", "Accession number (if any)"), &v.accession, "off", bad("accession")))
            button type="submit" { (t(l, "Studie ", "Take study ")) (n) (t(l, " übernehmen", " over")) }
        }
    }
}

/// The form again with what is wrong, or the confirmation of what
/// differs from the images.
fn step_page(
    l: Lang,
    signed: &Signed,
    reference: &str,
    typed: &Typed,
    problems: &[(&'static str, &'static str)],
    differs: &[(&'static str, String, String)],
) -> Markup {
    let title = if problems.is_empty() {
        t(l, "Abweichung bestätigen", "Confirm the difference")
    } else {
        t(l, "Angaben prüfen", "Check the details")
    };
    let main = html! {
        p { a href={ "/cases/" (reference) } { (t(l, "Zurück zum Fall", "Back to the case")) } }
        h1 { (title) }
        @if !problems.is_empty() {
            div.error-summary role="alert" tabindex="-1" {
                h2 { (t(l, "Bitte korrigieren", "Please correct")) }
                ul { @for (f, words) in problems { li { a href={ "#" (f) "-0" } { (words) } } } }
            }
            (fields(l, signed, reference, 0, typed, problems))
        } @else {
            p { (t(l, "Was Sie eingegeben haben, weicht von den Angaben in den Bildern ab. Bitte prüfen Sie, ob es wirklich dieselbe Person ist, bevor die Bilder unter Ihren Angaben ins Archiv gehen.",
                   "What you typed differs from what the images say. Please make sure it is the same person before the images go to the archive under your details.")) }
            table {
                caption { (t(l, "Abweichungen", "Differences")) }
                thead { tr {
                    th scope="col" { (t(l, "Angabe", "Detail")) }
                    th scope="col" { (t(l, "Ihre Eingabe", "You typed")) }
                    th scope="col" { (t(l, "In den Bildern", "In the images")) }
                } }
                tbody { @for (what, typed, images) in differs {
                    tr { th scope="row" { (what) } td { (typed) } td { (images) } }
                } }
            }
            form method="post" action={ "/cases/" (reference) "/take-over" } {
                input type="hidden" name="csrf" value=(signed.csrf);
                @for (k, v) in [("study", &typed.study), ("patient_id", &typed.patient_id), ("family", &typed.family),
                                ("given", &typed.given), ("birth", &typed.birth), ("sex", &typed.sex), ("accession", &typed.accession)] {
                    input type="hidden" name=(k) value=(v);
                }
                input type="hidden" name="confirmed" value="yes";
                button type="submit" { (t(l, "Ja, unter meinen Angaben übernehmen", "Yes, take over under my details")) }
            }
        }
    };
    frame(l, title, Some(signed), &format!("/cases/{reference}"), main)
}

/// `POST /cases/{reference}/take-over`
pub async fn take_over(
    req: HttpRequest,
    desk: web::Data<Desk>,
    reference: web::Path<String>,
    form: web::Form<HashMap<String, String>>,
) -> Result<HttpResponse, Fail> {
    let (l, signed, reference) = acting_on_case(&req, &desk, &form, &reference).await?;
    let typed = Typed::of(&form);
    let (d, r, study) = (desk.clone(), reference.clone(), typed.study.clone());
    let images = blocking_case(l, move || {
        Ok(crate::casefile::objects(&d.layout, &r)
            .into_iter()
            .find(|o| o.study == study))
    })
    .await?
    .ok_or(Fail(
        DeskError::Case("study-not-held", StatusCode::UNPROCESSABLE_ENTITY),
        l,
    ))?;
    let problems = typed.problems(l);
    if !problems.is_empty() {
        return Ok(page(
            StatusCode::UNPROCESSABLE_ENTITY,
            step_page(l, &signed, &reference, &typed, &problems, &[]),
        ));
    }
    let differs = differences(l, &typed, &images);
    if !differs.is_empty() && form.get("confirmed").map(String::as_str) != Some("yes") {
        return Ok(page(
            StatusCode::OK,
            step_page(l, &signed, &reference, &typed, &[], &differs),
        ));
    }
    let (d, r, by) = (desk.clone(), reference.clone(), signed.name.clone());
    let done = blocking_case(l, move || {
        d.cases().take_over(
            &r,
            std::slice::from_ref(&typed.study),
            typed.identity(),
            &by,
        )
    })
    .await?;
    Ok(see_other(format!(
        "/cases/{reference}?done=take-over&n={}",
        done.objects
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn birth_dates_are_read_as_staff_type_them() {
        assert_eq!(birth_dicom("1970-01-31").as_deref(), Some("19700131"));
        assert_eq!(birth_dicom("31.01.1970").as_deref(), Some("19700131"));
        assert_eq!(birth_dicom("19700131").as_deref(), Some("19700131"));
        assert_eq!(birth_dicom("1970-13-01"), None);
        assert_eq!(birth_dicom("1.1.1970"), None);
        assert_eq!(birth_dicom(""), None);
    }

    #[test]
    fn a_differing_name_or_birth_date_is_named() {
        let images = ObjectRecord {
            patient_name: Some("Sender^Patient".into()),
            birth_date: Some("19700101".into()),
            ..ObjectRecord::default()
        };
        let mut typed = Typed::from_images(&images);
        assert_eq!(
            (typed.family.as_str(), typed.birth.as_str()),
            ("Sender", "1970-01-01")
        );
        assert!(differences(Lang::En, &typed, &images).is_empty());
        typed.given = "patient ".into();
        assert!(
            differences(Lang::En, &typed, &images).is_empty(),
            "case and spaces are no difference"
        );
        typed.family = "Muster".into();
        typed.birth = "02.01.1970".into();
        let d = differences(Lang::En, &typed, &images);
        assert_eq!(
            d.iter().map(|x| x.0).collect::<Vec<_>>(),
            ["Name", "Birth date"]
        );
    }
}
