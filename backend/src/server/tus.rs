//! tus 1.0.0 (core, creation, creation-with-upload, expiration,
//! termination): one upload per
//! file, ciphertext only. These handlers parse the request, authenticate
//! it and reply; what happens to the bytes is [`crate::intake`].

use actix_web::http::header::HttpDate;
use actix_web::web::Bytes;
use actix_web::{web, HttpRequest, HttpResponse};
use mailslot_shared::envelope::{HEADER_LEN, TAG_LEN};
use mailslot_shared::wire::{headers, UploadMetadata, UploadVerdict};

use super::session::{authenticate, bearer};
use super::{ApiFailure, AppState};
use crate::intake::{Received, Upload};
use crate::photopage::PhotoPageError;

const TUS_VERSION: &str = "1.0.0";

fn tus(mut resp: actix_web::HttpResponseBuilder) -> actix_web::HttpResponseBuilder {
    resp.insert_header(("Tus-Resumable", TUS_VERSION));
    resp.insert_header(("Cache-Control", "no-store"));
    resp
}

fn header_str<'a>(req: &'a HttpRequest, name: &str) -> Option<&'a str> {
    req.headers().get(name)?.to_str().ok()
}

fn check_tus_version(req: &HttpRequest) -> Result<(), ApiFailure> {
    match header_str(req, "Tus-Resumable") {
        Some(TUS_VERSION) => Ok(()),
        _ => Err(ApiFailure::BadRequest("Tus-Resumable: 1.0.0 is required")),
    }
}

fn http_date(unix: i64) -> String {
    let t = std::time::UNIX_EPOCH + std::time::Duration::from_secs(unix.max(0) as u64);
    HttpDate::from(t).to_string()
}

/// The verdict headers of a finished upload.
fn with_verdict(
    mut resp: actix_web::HttpResponseBuilder,
    u: &Upload,
) -> actix_web::HttpResponseBuilder {
    if u.state.is_final() {
        resp.insert_header((headers::VERDICT, u.state.as_str()));
        if let Some(code) = &u.code {
            resp.insert_header((headers::REASON, code.clone()));
        }
    }
    resp
}

/// `OPTIONS /api/uploads`
pub async fn options(state: web::Data<AppState>) -> HttpResponse {
    tus(HttpResponse::NoContent())
        .insert_header(("Tus-Version", TUS_VERSION))
        .insert_header((
            "Tus-Extension",
            "creation,creation-with-upload,expiration,termination",
        ))
        .insert_header(("Tus-Max-Size", state.intake.max_envelope().to_string()))
        .finish()
}

/// `POST /api/uploads` (creation; with a body, creation-with-upload: the
/// body is the upload's first bytes, taken as a `PATCH` at offset 0 would
/// be, after the upload exists — one request instead of two for a file
/// that fits in one).
pub async fn create(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Payload,
) -> Result<HttpResponse, ApiFailure> {
    // Who is asking comes before what is asked: the headers are judged
    // once the session is known (in the same trip to the database).
    let well_formed = check_tus_version(&req).and_then(|()| {
        let length: u64 = header_str(&req, "Upload-Length")
            .and_then(|v| v.parse().ok())
            .ok_or(ApiFailure::BadRequest("Upload-Length is required"))?;
        let meta = UploadMetadata::decode(header_str(&req, "Upload-Metadata").unwrap_or(""))
            .map_err(|e| ApiFailure::BadRequest(e.message()))?;
        if length < (HEADER_LEN + TAG_LEN) as u64 {
            return Err(ApiFailure::BadRequest(
                "Upload-Length is shorter than an envelope",
            ));
        }
        let with_upload = match header_str(&req, "Content-Type") {
            None => false,
            Some(OFFSET_STREAM) => true,
            Some(_) => return Err(wrong_content_type()),
        };
        Ok((length, meta, with_upload))
    });
    let (st, token) = (state.clone(), bearer(&req));
    let (session, upload, with_upload) = web::block(move || -> Result<_, ApiFailure> {
        let session = authenticate(&st, token.as_deref())?;
        let (length, meta, with_upload) = well_formed?;
        let upload = st.intake.create(&session, meta, length)?;
        Ok((session, upload, with_upload))
    })
    .await??;
    let created = tus(HttpResponse::Created())
        .insert_header(("Location", format!("/api/uploads/{}", upload.id)))
        .insert_header(("Upload-Expires", http_date(upload.expires_at)))
        .take();
    // The same file created its upload before (a retry whose first answer
    // was lost, a reloaded page): its state is the answer, and a body is
    // taken only where the upload starts.
    let u = if with_upload && upload.offset == 0 && !upload.state.is_final() {
        let (id, length) = (upload.id.clone(), upload.length);
        take_body(&state, session, id, 0, length, body).await?
    } else {
        upload
    };
    Ok(with_verdict(created, &u)
        .insert_header(("Upload-Offset", u.acknowledged_offset().to_string()))
        .finish())
}

const OFFSET_STREAM: &str = "application/offset+octet-stream";

/// A body in anything but [`OFFSET_STREAM`] (creation and `PATCH` alike).
fn wrong_content_type() -> ApiFailure {
    ApiFailure::BadRequest("Content-Type must be application/offset+octet-stream")
}

/// Reads a request's body (at most what upload `id` still `needed` and
/// `max_chunk_bytes`, within `body_timeout_secs`, while fewer than
/// `max_concurrent_bodies` bodies are being read) and hands it to the
/// intake at `offset`.
async fn take_body(
    state: &web::Data<AppState>,
    session: crate::session::Session,
    id: String,
    offset: u64,
    needed: u64,
    body: web::Payload,
) -> Result<Upload, ApiFailure> {
    let permit = state
        .bodies
        .enter_within(super::gate::WAIT)
        .await
        .ok_or(ApiFailure::Busy)?;
    let limit = usize::try_from(state.config.max_chunk_bytes.min(needed))
        .map_err(|_| ApiFailure::ChunkTooLarge)?;
    let deadline = state.config.body_timeout;
    let body: Bytes = actix_web::rt::time::timeout(deadline, body.to_bytes_limited(limit))
        .await
        .map_err(|_| ApiFailure::RequestTimeout)?
        .map_err(|_| ApiFailure::ChunkTooLarge)?
        .map_err(|_| ApiFailure::BadRequest("the request body could not be read"))?;
    let (st, for_photo) = (state.clone(), session.clone());
    let received = web::block(move || -> Result<Received, ApiFailure> {
        Ok(st.intake.receive(&session, &id, offset, &body)?)
    })
    .await??;
    let job = match received {
        Received::Upload(u) => return Ok(u),
        Received::Photo(job) => job,
    };
    // The body is consumed: its place goes back before the photo's page is
    // made, which holds only its own budget (`photopage::Photos`).
    drop(permit);
    let page = state
        .photos
        .page(job.kind, job.part.clone(), job.plaintext_len)
        .await;
    if let Err(PhotoPageError::Busy) = page {
        return Err(ApiFailure::Busy);
    }
    let st = state.clone();
    web::block(move || -> Result<Upload, ApiFailure> {
        Ok(st.intake.finish_photo(&for_photo, job, page)?)
    })
    .await?
}

/// The upload `id` of the request's session.
async fn find(
    state: &web::Data<AppState>,
    req: &HttpRequest,
    id: String,
) -> Result<Upload, ApiFailure> {
    let (st, token) = (state.clone(), bearer(req));
    web::block(move || -> Result<Upload, ApiFailure> {
        let session = authenticate(&st, token.as_deref())?;
        Ok(st.intake.find(&session, &id)?)
    })
    .await?
}

/// `HEAD /api/uploads/{id}`
pub async fn head(
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiFailure> {
    let u = find(&state, &req, id.into_inner()).await?;
    Ok(with_verdict(tus(HttpResponse::Ok()), &u)
        .insert_header(("Upload-Offset", u.acknowledged_offset().to_string()))
        .insert_header(("Upload-Length", u.length.to_string()))
        .insert_header(("Upload-Expires", http_date(u.expires_at)))
        .finish())
}

/// `GET /api/uploads/{id}/verdict`
pub async fn verdict(
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiFailure> {
    let u = find(&state, &req, id.into_inner()).await?;
    Ok(tus(HttpResponse::Ok()).json(UploadVerdict {
        state: u.state,
        code: u.code,
    }))
}

/// `PATCH /api/uploads/{id}`
///
/// Memory per request is bounded before and independently of what the
/// sender claims: the session and the upload are checked before a byte of
/// body is read; at most what the upload still needs (and at most
/// `max_chunk_bytes`) is read, within `body_timeout_secs`, and only while
/// fewer than `max_concurrent_bodies` bodies are being read server-wide.
pub async fn patch(
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<String>,
    body: web::Payload,
) -> Result<HttpResponse, ApiFailure> {
    // Who is asking comes before what is asked: the headers are judged
    // once the session is known (in the same trip to the database).
    let well_formed = check_tus_version(&req).and_then(|()| {
        if header_str(&req, "Content-Type") != Some(OFFSET_STREAM) {
            return Err(wrong_content_type());
        }
        header_str(&req, "Upload-Offset")
            .and_then(|v| v.parse::<u64>().ok())
            .ok_or(ApiFailure::BadRequest("Upload-Offset is required"))
    });
    let id = id.into_inner();
    let (st, token, upload_id) = (state.clone(), bearer(&req), id.clone());
    let (session, upload, offset) = web::block(move || -> Result<_, ApiFailure> {
        let session = authenticate(&st, token.as_deref())?;
        let offset = well_formed?;
        let upload = st.intake.find(&session, &upload_id)?;
        Ok((session, upload, offset))
    })
    .await??;
    if upload.state.is_final() {
        return Err(ApiFailure::UploadFinished);
    }
    if offset != upload.offset {
        return Err(ApiFailure::OffsetMismatch);
    }
    let needed = upload.length.saturating_sub(upload.offset);
    let u = take_body(&state, session, id, offset, needed, body).await?;
    Ok(with_verdict(tus(HttpResponse::NoContent()), &u)
        .insert_header(("Upload-Offset", u.acknowledged_offset().to_string()))
        .finish())
}

/// `DELETE /api/uploads/{id}` (termination)
pub async fn delete(
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiFailure> {
    let well_formed = check_tus_version(&req);
    let (st, token) = (state.clone(), bearer(&req));
    web::block(move || -> Result<(), ApiFailure> {
        let session = authenticate(&st, token.as_deref())?;
        well_formed?;
        Ok(st.intake.terminate(&session, &id)?)
    })
    .await??;
    Ok(tus(HttpResponse::NoContent()).finish())
}
