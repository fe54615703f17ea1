//! `POST /api/submissions`: completes a session. A multipart form with
//! - `details`: the sender's details and request ([`SenderDetails`] as JSON),
//!   sealed in an envelope bound to this session — personal data never
//!   travels as plaintext form fields;
//! - `department` (optional): where the hospital routes the submission —
//!   one of the department ids in the hospital's texts, never free text.
//!
//! This file reads the form, opens the sealed details and replies;
//! completing the submission is [`crate::submission`]. The reply is the
//! receipt; a session already completed answers the same receipt again (a
//! client repeating a request whose reply was lost) and changes nothing.

use actix_multipart::Multipart;
use actix_web::{web, HttpRequest, HttpResponse};
use futures_util::TryStreamExt as _;
use mailslot_shared::envelope::{open_all, Header, HEADER_LEN};
use mailslot_shared::wire::{Receipt, SenderDetails};

use super::session::{authenticate, bearer};
use super::{ApiFailure, AppState};
use crate::session::Session;

const MAX_DETAILS: usize = 256 * 1024;
const MAX_DEPARTMENT: usize = 200;

async fn read_field(
    field: &mut actix_multipart::Field,
    limit: usize,
) -> Result<Vec<u8>, ApiFailure> {
    let mut out = Vec::new();
    while let Some(chunk) = field
        .try_next()
        .await
        .map_err(|_| ApiFailure::BadRequest("the form could not be read"))?
    {
        if out.len() + chunk.len() > limit {
            return Err(ApiFailure::BadRequest("a form field is too large"));
        }
        out.extend_from_slice(&chunk);
    }
    Ok(out)
}

/// `POST /api/submissions`
pub async fn submit(
    state: web::Data<AppState>,
    req: HttpRequest,
    mut form: Multipart,
) -> Result<HttpResponse, ApiFailure> {
    // Who is asking comes before what is asked: no session, no form read.
    let (st, token) = (state.clone(), bearer(&req));
    web::block(move || authenticate(&st, token.as_deref())).await??;
    let mut details = None;
    let mut department = None;
    while let Some(mut field) = form
        .try_next()
        .await
        .map_err(|_| ApiFailure::BadRequest("a multipart form is required"))?
    {
        match field.name() {
            Some("details") => details = Some(read_field(&mut field, MAX_DETAILS).await?),
            Some("department") => {
                let raw = read_field(&mut field, MAX_DEPARTMENT).await?;
                let text = String::from_utf8(raw)
                    .map_err(|_| ApiFailure::BadRequest("department must be UTF-8"))?;
                let id = text.trim();
                // Unsealed, so never free text: one of the hospital's ids.
                if !id.is_empty() && !state.departments.iter().any(|d| d.id == id) {
                    return Err(ApiFailure::BadRequest(
                        "department must be one of the ids the hospital lists",
                    ));
                }
                department = (!id.is_empty()).then(|| id.to_owned());
            }
            _ => {
                read_field(&mut field, 0).await.ok();
            }
        }
    }
    let details = details.ok_or(ApiFailure::BadRequest("the sealed details part is missing"))?;
    let token = bearer(&req);
    let st = state.clone();
    let receipt = web::block(move || -> Result<Receipt, ApiFailure> {
        let session = authenticate(&st, token.as_deref())?;
        let submissions = crate::submission::Submissions {
            store: &st.store,
            intake: &st.intake,
            layout: &st.layout,
            config: &st.config,
            departments: &st.departments,
        };
        if session.finalized {
            return Ok(submissions.receipt_again(&session)?);
        }
        let sender = open_details(&st, &session, &details)?;
        Ok(submissions.finalize(&session, sender, department)?)
    })
    .await??;
    Ok(HttpResponse::Created()
        .insert_header(("Cache-Control", "no-store"))
        .json(receipt))
}

/// Opens the sealed details: an envelope for this session whose plaintext
/// is the JSON of [`SenderDetails`].
fn open_details(
    state: &AppState,
    session: &Session,
    sealed: &[u8],
) -> Result<SenderDetails, ApiFailure> {
    let head = sealed.get(..HEADER_LEN).ok_or(ApiFailure::BadEnvelope)?;
    let header = Header::decode(head).map_err(|_| ApiFailure::BadEnvelope)?;
    if header.session_id.to_hex() != session.id {
        return Err(ApiFailure::BadEnvelope);
    }
    let key = state.keys.get(&header.kid).ok_or(ApiFailure::UnknownKey)?;
    let plain = open_all(sealed, &key).map_err(|_| ApiFailure::DecryptFailed)?;
    SenderDetails::from_json(&plain).map_err(|e| {
        tracing::info!(reference = %session.reference, code = e.code(), "sender details refused");
        ApiFailure::BadRequest(e.sentence())
    })
}
