//! A case's page and what staff do with it: the page (with one preview
//! per series, rendered by `preview::Previews` off the request's thread),
//! the preview images, keeping a study as consult and closing the case
//! (after a confirmation step; its previews are forgotten with it), its
//! letters opened inline, staff's notes and "contacted" markers. The
//! take-over is `takeover.rs`. Every action goes through the case
//! lifecycle (`case::Cases`), which audits it; its refusals become the
//! desk's error page with the lifecycle's stable code.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use maud::html;

use super::auth::{acting_on_case, on_case};
use super::case::{self, object_path};
use super::failure::{DeskError, Fail};
use super::notes;
use super::pages::{frame, t};
use super::{blocking_case, page, see_other, Desk};
use crate::case::CaseError;
use crate::preview::{self, PreviewError, SIDE};
use crate::staff::Right;

/// `GET /cases/{reference}`: the case, its state, studies, series and
/// their previews, and the actions its state allows.
pub async fn case_page(
    req: HttpRequest,
    desk: web::Data<Desk>,
    reference: web::Path<String>,
    q: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, Fail> {
    let (l, signed, reference) = on_case(&req, &desk, Right::SeeCases, &reference).await?;
    let (d, name, r) = (desk.clone(), signed.name.clone(), reference.clone());
    let mut detail = blocking_case(l, move || {
        let Some(detail) = case::read(&d.cases(), &d.layout, &r)? else {
            return Ok(None);
        };
        d.store
            .audit("desk-case-viewed", &format!("staff={name} reference={r}"))?;
        Ok(Some(detail))
    })
    .await?
    .ok_or(Fail(DeskError::NotFound, l))?;
    // Each series' preview now (cached after the first time), so that
    // the page can say why one cannot be shown.
    for (series, upload) in detail.chosen.clone() {
        let path = object_path(&desk.layout, &reference, &upload);
        let why = match desk.previews.preview(&upload, path, SIDE).await {
            Ok(_) => None,
            Err(e) => Some(match e.transfer_syntax() {
                Some(ts) => ts.to_owned(),
                None => why_not(l, &e).to_owned(),
            }),
        };
        detail.pictures.insert(series, why);
    }
    let done = match (q.get("done").map(String::as_str), q.get("n")) {
        (Some(what @ ("take-over" | "consult")), Some(n)) => Some(case::Done {
            what: what.to_owned(),
            objects: n.parse().unwrap_or(0),
        }),
        _ => None,
    };
    let worklist = crate::worklist::Worklist::of(&desk.config).is_some();
    Ok(page(
        StatusCode::OK,
        case::page(l, &signed, &reference, &detail, done.as_ref(), worklist),
    ))
}

/// Why a preview is missing, in words.
fn why_not(l: super::pages::Lang, e: &PreviewError) -> &'static str {
    match e {
        PreviewError::NoImage => t(l, "kein Bild (Dokument)", "no image (a document)"),
        PreviewError::TooLarge => t(l, "Bild zu groß", "image too large"),
        PreviewError::Busy => t(l, "gerade belegt, bitte neu laden", "busy, please reload"),
        PreviewError::Unsupported => t(
            l,
            "Bildformat nicht unterstützt",
            "pixel format not supported",
        ),
        _ => t(l, "Bild nicht lesbar", "image unreadable"),
    }
}

/// `GET /cases/{reference}/preview/{upload}.png`: the preview of one
/// object of the case (the placeholder when it has none).
pub async fn preview(
    req: HttpRequest,
    desk: web::Data<Desk>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, Fail> {
    let (reference, file) = path.into_inner();
    let (l, _, reference) = on_case(&req, &desk, Right::SeeCases, &reference).await?;
    let upload = file
        .strip_suffix(".png")
        .ok_or(Fail(DeskError::NotFound, l))?
        .to_owned();
    // Only an object of this case.
    let (d, r, u) = (desk.clone(), reference.clone(), upload.clone());
    let ours = blocking_case(l, move || {
        Ok(crate::casefile::objects(&d.layout, &r)
            .iter()
            .any(|o| o.upload == u))
    })
    .await?;
    if !ours {
        return Err(Fail(DeskError::NotFound, l));
    }
    let object = object_path(&desk.layout, &reference, &upload);
    let png = match desk.previews.preview(&upload, object, SIDE).await {
        Ok(p) => p.png,
        Err(_) => preview::placeholder(SIDE).png,
    };
    Ok(HttpResponse::Ok().content_type("image/png").body(png))
}

/// `POST /cases/{reference}/consult` (`study`): the study kept as a
/// consult (sent unchanged to `consult` if configured).
pub async fn consult(
    req: HttpRequest,
    desk: web::Data<Desk>,
    reference: web::Path<String>,
    form: web::Form<HashMap<String, String>>,
) -> Result<HttpResponse, Fail> {
    let (l, signed, reference) = acting_on_case(&req, &desk, &form, &reference).await?;
    let study: Vec<String> = form
        .get("study")
        .map(|s| s.trim().to_owned())
        .into_iter()
        .collect();
    let (d, r, by) = (desk.clone(), reference.clone(), signed.name.clone());
    let done = blocking_case(l, move || d.cases().consult(&r, &study, &by)).await?;
    Ok(see_other(format!(
        "/cases/{reference}?done=consult&n={}",
        done.objects
    )))
}

/// `POST /cases/{reference}/close`: first a confirmation page; with
/// `confirmed=yes` the case is closed (everything not taken over deleted
/// at once) and its previews forgotten.
pub async fn close(
    req: HttpRequest,
    desk: web::Data<Desk>,
    reference: web::Path<String>,
    form: web::Form<HashMap<String, String>>,
) -> Result<HttpResponse, Fail> {
    let (l, signed, reference) = acting_on_case(&req, &desk, &form, &reference).await?;
    if form.get("confirmed").map(String::as_str) != Some("yes") {
        let title = t(l, "Fall schließen?", "Close the case?");
        let main = html! {
            p { a href={ "/cases/" (reference) } { (t(l, "Zurück zum Fall", "Back to the case")) } }
            h1 { (title) }
            p { (t(l, "Alles von Fall ", "Everything of case ")) (reference)
                (t(l, ", was nicht übernommen wurde, wird sofort und endgültig gelöscht: Bilder, Briefe, Angaben des Absenders. Übrig bleibt nur der Eintrag im Protokoll.",
                      " that was not taken over is deleted at once and for good: images, letters, the sender's details. Only the audit record stays.")) }
            form method="post" action={ "/cases/" (reference) "/close" } {
                input type="hidden" name="csrf" value=(signed.csrf);
                input type="hidden" name="confirmed" value="yes";
                button type="submit" { (t(l, "Ja, Fall schließen und löschen", "Yes, close and delete the case")) }
            }
        };
        return Ok(page(
            StatusCode::OK,
            frame(
                l,
                title,
                Some(&signed),
                &format!("/cases/{reference}"),
                main,
            ),
        ));
    }
    let (d, r, by) = (desk.clone(), reference.clone(), signed.name.clone());
    blocking_case(l, move || {
        let uploads: Vec<String> = crate::casefile::objects(&d.layout, &r)
            .into_iter()
            .map(|o| o.upload)
            .collect();
        let closed = d.cases().close(&r, &by)?;
        preview::forget(
            &preview::cache_dir(&d.config.data_dir),
            uploads.iter().map(String::as_str),
        )?;
        Ok(closed)
    })
    .await?;
    Ok(see_other(format!("/cases?closed={reference}")))
}

/// Whether `upload` can be an upload's id (a tus id: letters, digits,
/// `-`, `_`), so that it can name no other file.
fn is_upload_id(upload: &str) -> bool {
    !upload.is_empty()
        && upload.len() <= 128
        && upload
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// `GET /cases/{reference}/letters/{upload}`: an accepted letter of the
/// case, opened in the browser. Sandboxed (`default-src 'none'; sandbox`):
/// a hostile PDF can run nothing in the desk's origin. Never cached; the
/// file's name (it may name the patient) is not sent.
pub async fn letter(
    req: HttpRequest,
    desk: web::Data<Desk>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, Fail> {
    let (reference, upload) = path.into_inner();
    let (l, signed, reference) = on_case(&req, &desk, Right::SeeCases, &reference).await?;
    if !is_upload_id(&upload) {
        return Err(Fail(DeskError::NotFound, l));
    }
    let (d, r, name) = (desk.clone(), reference.clone(), signed.name.clone());
    let pdf = blocking_case(l, move || {
        let open = crate::case::table::get(&*d.store.conn()?, &r)?
            .is_some_and(|row| row.state != crate::case::CaseState::Closed);
        if !open {
            return Ok(None);
        }
        let pdf = match std::fs::read(d.layout.letter(&r, &upload)) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        d.store
            .audit("desk-letter-opened", &format!("staff={name} reference={r}"))?;
        Ok(Some(pdf))
    })
    .await?
    .ok_or(Fail(DeskError::NotFound, l))?;
    Ok(HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header(("Content-Disposition", "inline"))
        .insert_header(("Content-Security-Policy", "default-src 'none'; sandbox"))
        .insert_header(("Cache-Control", "no-store"))
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .body(pdf))
}

/// `POST /cases/{reference}/notes` (`kind` = `note` with `text`, or
/// `contacted`): a note or a "contacted the sender" marker, kept in the
/// case's folder (never the database: a note may hold patient data). A
/// marker also marks the case (new → in progress).
pub async fn note(
    req: HttpRequest,
    desk: web::Data<Desk>,
    reference: web::Path<String>,
    form: web::Form<HashMap<String, String>>,
) -> Result<HttpResponse, Fail> {
    let (l, signed, reference) = acting_on_case(&req, &desk, &form, &reference).await?;
    let contacted = form.get("kind").map(String::as_str) == Some("contacted");
    let text = if contacted {
        String::new()
    } else {
        form.get("text")
            .map(|t| t.trim().to_owned())
            .unwrap_or_default()
    };
    if !contacted && (text.is_empty() || text.chars().count() > notes::MAX_NOTE) {
        return Err(Fail(
            DeskError::Case("note-invalid", StatusCode::UNPROCESSABLE_ENTITY),
            l,
        ));
    }
    let (d, r, by) = (desk.clone(), reference.clone(), signed.name.clone());
    blocking_case(l, move || {
        if contacted {
            d.cases().mark(&r, &by)?;
        } else {
            let row = crate::case::table::get(&*d.store.conn()?, &r)?
                .ok_or_else(|| CaseError::Unknown(r.clone()))?;
            if row.state == crate::case::CaseState::Closed {
                return Err(CaseError::Closed(r));
            }
        }
        let note = notes::Note {
            at: crate::clock::now(),
            by: by.clone(),
            contacted,
            text,
        };
        match notes::append(&d.layout, &r, &note) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(CaseError::Unknown(r))
            }
            other => other?,
        }
        let event = if contacted {
            "desk-contacted"
        } else {
            "desk-note"
        };
        d.store.audit(event, &format!("staff={by} reference={r}"))?;
        Ok(())
    })
    .await?;
    Ok(see_other(format!("/cases/{reference}#notes")))
}
