//! Finding the patient in the hospital's Modality Worklist while taking a
//! study over: `GET /cases/{reference}/worklist?study=&name=&birth=&id=`
//! searches (C-FIND, off the async workers) and lists the entries, each
//! with a link to `GET /cases/{reference}/take-over?study=…`, the study's
//! take-over form filled with that entry. The POST then goes through the
//! usual checks and the confirmation of what differs from the images.
//! Searches are audited with the count of matches only (no names, no
//! query).

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use maud::html;

use super::auth::on_case;
use super::failure::{DeskError, Fail};
use super::pages::{frame, shown, t, Lang};
use super::takeover::{birth_dicom, fields, Typed};
use super::{blocking_case, page, Desk};
use crate::staff::Right;
use crate::worklist::{Entry, Query, Worklist, WorklistError};

fn query_value(q: &HashMap<String, String>, k: &str) -> String {
    q.get(k).map(|v| v.trim().to_owned()).unwrap_or_default()
}

/// Whether `study` is held in case `reference` (else `study-not-held`).
async fn held_study(desk: &web::Data<Desk>, l: Lang, r: &str, study: &str) -> Result<(), Fail> {
    let (d, r, s) = (desk.clone(), r.to_owned(), study.to_owned());
    let found = blocking_case(l, move || {
        Ok(crate::casefile::objects(&d.layout, &r)
            .iter()
            .any(|o| o.study == s))
    })
    .await?;
    if found {
        Ok(())
    } else {
        Err(Fail(
            DeskError::Case("study-not-held", StatusCode::UNPROCESSABLE_ENTITY),
            l,
        ))
    }
}

/// The desk's refusal for a worklist failure: its stable code.
fn refusal(e: &WorklistError, l: Lang) -> Fail {
    let status = match e {
        WorklistError::BadQuery(_) => StatusCode::UNPROCESSABLE_ENTITY,
        _ => {
            tracing::warn!(code = e.code(), "desk: worklist search");
            StatusCode::BAD_GATEWAY
        }
    };
    Fail(DeskError::Case(e.code(), status), l)
}

/// `YYYYMMDD` as `YYYY-MM-DD` (else as it is).
fn iso(d: &str) -> String {
    match birth_dicom(d) {
        Some(d) => format!("{}-{}-{}", &d[..4], &d[4..6], &d[6..]),
        None => d.to_owned(),
    }
}

/// `s` percent-encoded for a query (all but unreserved characters).
fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The take-over link that fills the form with `e`.
fn use_link(reference: &str, study: &str, e: &Entry) -> String {
    let mut name = e.name.splitn(2, '^');
    let family = name.next().unwrap_or_default().trim();
    let given = name
        .next()
        .unwrap_or_default()
        .split('^')
        .next()
        .unwrap_or_default()
        .trim();
    let sex = if ["M", "F", "O"].contains(&e.sex.as_str()) {
        e.sex.as_str()
    } else {
        ""
    };
    let pairs = [
        ("study", study),
        ("patient_id", e.patient_id.as_str()),
        ("family", family),
        ("given", given),
        ("birth", &iso(&e.birth_date)),
        ("sex", sex),
        ("accession", e.accession.as_str()),
    ]
    .map(|(k, v)| format!("{k}={}", encode(v)));
    format!("/cases/{reference}/take-over?{}", pairs.join("&"))
}

/// `GET /cases/{reference}/worklist?study=&name=&birth=&id=`
pub async fn search(
    req: HttpRequest,
    desk: web::Data<Desk>,
    reference: web::Path<String>,
    q: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, Fail> {
    let (l, signed, reference) = on_case(&req, &desk, Right::WorkCases, &reference).await?;
    let worklist = Worklist::of(&desk.config).ok_or(Fail(DeskError::NotFound, l))?;
    let study = query_value(&q, "study");
    held_study(&desk, l, &reference, &study).await?;
    let birth = query_value(&q, "birth");
    let query = Query {
        name: query_value(&q, "name"),
        birth_date: match birth.as_str() {
            "" => String::new(),
            b => birth_dicom(b).ok_or_else(|| {
                refusal(&WorklistError::BadQuery("a birth date as YYYY-MM-DD"), l)
            })?,
        },
        patient_id: query_value(&q, "id"),
    };
    let (d, by, r) = (desk.clone(), signed.name.clone(), reference.clone());
    let found = match web::block(move || {
        let found = worklist.find(&query)?;
        // The audit cannot fail the search; a failure to write it is logged.
        if let Err(e) = d.store.audit(
            "desk-worklist-searched",
            &format!("staff={by} reference={r} matches={}", found.entries.len()),
        ) {
            tracing::error!(error = %e, "desk: audit");
        }
        Ok::<_, WorklistError>(found)
    })
    .await
    {
        Ok(Ok(found)) => found,
        Ok(Err(e)) => return Err(refusal(&e, l)),
        Err(_) => return Err(Fail(DeskError::Internal, l)),
    };
    let title = t(l, "Treffer in der Arbeitsliste", "Worklist matches");
    let main = html! {
        p { a href={ "/cases/" (reference) } { (t(l, "Zurück zum Fall", "Back to the case")) } }
        h1 { (title) }
        @if found.more {
            p role="status" { (t(l, "Mehr Treffer, als sich zeigen lassen: bitte grenzen Sie die Suche ein (Vorname, Geburtsdatum oder Patienten-ID).",
                "More matches than can be shown: please narrow the search (given name, birth date or patient ID).")) }
        }
        @if found.entries.is_empty() {
            p role="status" { (t(l, "Kein Eintrag in der Arbeitsliste passt zu dieser Suche.", "No worklist entry matches this search.")) }
        } @else {
            table.cases {
                caption { (t(l, "Einträge der Arbeitsliste", "Worklist entries")) }
                thead { tr {
                    @for h in [t(l, "Name", "Name"), t(l, "Geburtsdatum", "Birth date"), t(l, "Geschlecht", "Sex"),
                               t(l, "Patienten-ID", "Patient ID"), t(l, "Herausgeber der ID", "Issuer"),
                               t(l, "Accession-Nummer", "Accession"), t(l, "Untersuchung", "Procedure"),
                               t(l, "Geplant am", "Scheduled"), t(l, "Auswahl", "Choice")] {
                        th scope="col" { (h) }
                    }
                } }
                tbody { @for e in &found.entries {
                    tr {
                        th scope="row" { (shown(&e.name.replace('^', ", "))) }
                        td data-label=(t(l, "Geburtsdatum", "Birth date")) { (shown(&iso(&e.birth_date))) }
                        td data-label=(t(l, "Geschlecht", "Sex")) { (shown(&e.sex)) }
                        td data-label=(t(l, "Patienten-ID", "Patient ID")) { (shown(&e.patient_id)) }
                        td data-label=(t(l, "Herausgeber der ID", "Issuer")) { (shown(&e.issuer)) }
                        td data-label=(t(l, "Accession-Nummer", "Accession")) { (shown(&e.accession)) }
                        td data-label=(t(l, "Untersuchung", "Procedure")) { (shown(&e.procedure)) }
                        td data-label=(t(l, "Geplant am", "Scheduled")) { (shown(&iso(&e.scheduled))) }
                        td { a.use href=(use_link(&reference, &study, e)) {
                            (t(l, "Diesen Eintrag verwenden", "Use this entry"))
                        } }
                    }
                } }
            }
        }
    };
    Ok(page(
        StatusCode::OK,
        frame(
            l,
            title,
            Some(&signed),
            &format!("/cases/{reference}"),
            main,
        ),
    ))
}

/// `GET /cases/{reference}/take-over?study=&patient_id=&family=&given=&birth=&sex=&accession=`:
/// the study's take-over form, filled as the query says (a worklist entry).
pub async fn filled(
    req: HttpRequest,
    desk: web::Data<Desk>,
    reference: web::Path<String>,
    q: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, Fail> {
    let (l, signed, reference) = on_case(&req, &desk, Right::WorkCases, &reference).await?;
    let typed = Typed::of(&q);
    held_study(&desk, l, &reference, &typed.study).await?;
    let title = t(l, "Studie übernehmen", "Take the study over");
    let main = html! {
        p { a href={ "/cases/" (reference) } { (t(l, "Zurück zum Fall", "Back to the case")) } }
        h1 { (title) }
        p { (t(l, "Aus der Arbeitsliste übernommen; bitte prüfen Sie die Angaben.",
               "Filled from the worklist; please check the details.")) }
        (fields(l, &signed, &reference, 0, &typed, &[]))
    };
    Ok(page(
        StatusCode::OK,
        frame(
            l,
            title,
            Some(&signed),
            &format!("/cases/{reference}"),
            main,
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_fills_the_form_by_its_parts() {
        let e = Entry {
            patient_id: "H 1&2".into(),
            name: "MÜLLER^ERIKA^M^DR".into(),
            birth_date: "19700131".into(),
            sex: "X".into(),
            accession: "A-1".into(),
            ..Entry::default()
        };
        assert_eq!(
            use_link("K7M-4QX-9TD", "1.2.3", &e),
            "/cases/K7M-4QX-9TD/take-over?study=1.2.3&patient_id=H%201%262&family=M%C3%9CLLER\
             &given=ERIKA&birth=1970-01-31&sex=&accession=A-1"
        );
    }
}
