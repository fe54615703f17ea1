//! A case's page and what staff do with it: the page (with one preview
//! per series, rendered by `preview::Previews` off the request's thread),
//! the preview images, keeping a study as consult and closing the case
//! (after a confirmation step; its previews are forgotten with it). The
//! take-over is `takeover.rs`. Every action goes through the case
//! lifecycle (`case::Cases`), which audits it; its refusals become the
//! desk's error page with the lifecycle's stable code.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use maud::html;

use super::auth::{csrf, lang, signed_in};
use super::case::{self, object_path};
use super::failure::{DeskError, Fail};
use super::pages::is_reference;
use super::pages::{frame, t};
use super::{blocking_case, page, see_other, Desk};
use crate::preview::{self, PreviewError, SIDE};
use crate::staff::Right;

/// The reference in a path, normalised; not one: `404`.
fn reference_of(path: String, l: super::pages::Lang) -> Result<String, Fail> {
    let r = path.trim().to_ascii_uppercase();
    if is_reference(&r) {
        Ok(r)
    } else {
        Err(Fail(DeskError::NotFound, l))
    }
}

/// `GET /cases/{reference}`: the case, its state, studies, series and
/// their previews, and the actions its state allows.
pub async fn case_page(
    req: HttpRequest,
    desk: web::Data<Desk>,
    reference: web::Path<String>,
    q: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, Fail> {
    let l = lang(&req);
    let signed = signed_in(&req, &desk, Right::SeeCases).await?;
    let reference = reference_of(reference.into_inner(), l)?;
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
    let l = lang(&req);
    signed_in(&req, &desk, Right::SeeCases).await?;
    let (reference, file) = path.into_inner();
    let reference = reference_of(reference, l)?;
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
    let l = lang(&req);
    let signed = signed_in(&req, &desk, Right::WorkCases).await?;
    csrf(&form, &signed.csrf, l)?;
    let reference = reference_of(reference.into_inner(), l)?;
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
    let l = lang(&req);
    let signed = signed_in(&req, &desk, Right::WorkCases).await?;
    csrf(&form, &signed.csrf, l)?;
    let reference = reference_of(reference.into_inner(), l)?;
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
