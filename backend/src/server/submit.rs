//! `POST /api/submissions`: completes a session. A multipart form with
//! - `details`: the sender's details and request ([`SenderDetails`] as JSON),
//!   sealed in an envelope bound to this session — personal data never
//!   travels as plaintext form fields;
//! - `department` (optional): where the hospital routes the submission —
//!   one of the department ids in the hospital's texts, never free text.
//!
//! Uploads still incomplete are ended and reported as such. The submission
//! record (details, consent, verdicts) goes to `<inbox>/<reference>/
//! submission.json` (mode 0600) for staff; the reply is the receipt. A
//! session already completed answers the same receipt again (a client
//! repeating a request whose reply was lost) and changes nothing.

use crate::params;
use crate::store::{OptionalExtension as _, Sql};
use actix_multipart::Multipart;
use actix_web::{web, HttpRequest, HttpResponse};
use futures_util::TryStreamExt as _;
use mailslot_shared::envelope::{open_all, Header, HEADER_LEN};
use mailslot_shared::wire::{
    ErrorCode, Language, Purpose, Receipt, SenderDetails, UploadKind, UploadState,
};
use serde::Serialize;

use super::session::{authenticate, bearer};
use super::{ApiFailure, AppState};
use crate::durable;
use crate::intake::FileRecord;
use crate::mailbox::count_inbox_bytes;
use crate::session::Session;
use crate::store::now;

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
        if session.finalized {
            return receipt_again(&st, &session);
        }
        let sender = open_details(&st, &session, &details)?;
        finalize(&st, &session, sender, department)
    })
    .await??;
    Ok(HttpResponse::Created()
        .insert_header(("Cache-Control", "no-store"))
        .json(receipt))
}

/// The receipt of a submission completed before: a client repeats its
/// request when the reply was lost (the node died, a proxy answered 502).
/// Rebuilt from what [`finalize`] recorded (the submission's row and the
/// session's uploads, counted as it counts them), nothing written again:
/// no second submission, notification or cover sheet. The documents the
/// server made at finalize are accepted DICOM uploads, so they count
/// neither as letters nor as refused.
fn receipt_again(state: &AppState, session: &Session) -> Result<Receipt, ApiFailure> {
    let conn = state.store.conn()?;
    let (files, bytes, received_at): (i64, i64, i64) = conn
        .query_row(
            "SELECT files, bytes, created_at FROM submissions WHERE session_id = ?1",
            params![session.id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?
        .ok_or(ApiFailure::SessionFinished)?;
    let uploads: Vec<(String, String, Option<String>)> = conn.query_map(
        "SELECT kind, state, code FROM uploads WHERE session_id = ?1 ORDER BY created_at, id",
        params![session.id],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    let (mut letters, mut refused) = (0u64, Vec::<(String, u64)>::new());
    for (kind, word, code) in uploads {
        let Some(st) = UploadState::parse(&word) else {
            continue;
        };
        if st == UploadState::Accepted && kind == UploadKind::Letter.as_str() {
            letters += 1;
        } else if st.is_refused() {
            let code = code.unwrap_or(word);
            match refused.iter_mut().find(|(c, _)| *c == code) {
                Some((_, n)) => *n += 1,
                None => refused.push((code, 1)),
            }
        }
    }
    tracing::info!(reference = %session.reference, "submission repeated: the same receipt");
    Ok(Receipt {
        reference: session.reference.clone(),
        files: files.max(0) as u64,
        bytes: bytes.max(0) as u64,
        letters,
        refused,
        received_at,
    })
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

#[derive(Debug, Serialize)]
struct SubmissionRecord<'a> {
    reference: &'a str,
    received_at: i64,
    department: Option<&'a str>,
    consent_statement_version: &'a str,
    consent_at: i64,
    forwarded_to: String,
    sender: &'a SenderDetails,
    files: &'a [FileRecord],
}

fn finalize(
    state: &AppState,
    session: &Session,
    sender: SenderDetails,
    department: Option<String>,
) -> Result<Receipt, ApiFailure> {
    let t = now();
    let files = state.intake.close(session)?;
    let accepted = |kind: UploadKind| {
        files
            .iter()
            .filter(move |f| f.kind == kind && f.state == UploadState::Accepted)
    };
    let images = accepted(UploadKind::Dicom).count() as u64;
    let bytes: u64 = accepted(UploadKind::Dicom)
        .filter_map(|f| f.bytes)
        .sum::<i64>()
        .max(0) as u64;
    let letters = accepted(UploadKind::Letter).count() as u64;
    let mut refused: Vec<(String, u64)> = Vec::new();
    for f in files.iter().filter(|f| f.state.is_refused()) {
        let code = f
            .code
            .clone()
            .unwrap_or_else(|| f.state.as_str().to_owned());
        match refused.iter_mut().find(|(c, _)| *c == code) {
            Some((_, n)) => *n += 1,
            None => refused.push((code, 1)),
        }
    }

    let record = SubmissionRecord {
        reference: &session.reference,
        received_at: t,
        department: department.as_deref(),
        consent_statement_version: &session.consent_version,
        consent_at: session.consent_at,
        forwarded_to: state.config.forward.to_string(),
        sender: &sender,
        files: &files,
    };
    let json = serde_json::to_vec_pretty(&record).map_err(|e| {
        tracing::error!(error = %e, "cannot serialise a submission record");
        ApiFailure::Internal(ErrorCode::InternalError)
    })?;
    let dir = state.layout.submission(&session.reference);
    durable::create_dir_all(&dir)?;
    durable::write_atomic(&dir.join("submission.json"), &json, 0o600)?;
    count_inbox_bytes(&state.store, &session.reference, json.len() as u64)?;

    // What arrived, read once: the notification, the cover sheet and the
    // letters' study come from it.
    let objects = crate::casefile::objects(&state.layout, &session.reference);
    let study_lines = crate::intake::study_lines(&objects);
    let mut modalities: Vec<String> = study_lines
        .iter()
        .flat_map(|s| s.modalities.iter().cloned())
        .collect();
    modalities.sort();
    modalities.dedup();
    // Defined terms only (see `study_lines`), a few at most.
    modalities.truncate(crate::intake::MAX_MODALITIES);
    // The department as staff know it: its name in the hospital's texts.
    let picked = department
        .as_deref()
        .and_then(|id| state.departments.iter().find(|d| d.id == id));
    let message = crate::notify::Message {
        reference: session.reference.clone(),
        received_at: t,
        department: department.clone(),
        department_name: picked.map(|d| d.name.de.clone()),
        purpose: sender.purpose,
        studies: study_lines.len() as u64,
        images,
        bytes,
        modalities,
        letters,
        refused: refused.iter().map(|(_, n)| n).sum(),
        forwarding: Default::default(),
    };

    // The submission, its notifications and the session's end are one change.
    {
        let mut conn = state.store.conn()?;
        let tx = conn.transaction()?;
        tx.execute(
            "INSERT INTO submissions (reference, session_id, department, created_at, files, bytes, purpose)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                session.reference,
                session.id,
                department,
                t,
                images as i64,
                bytes as i64,
                sender.purpose.map(Purpose::as_str)
            ],
        )?;
        tx.execute(
            "UPDATE sessions SET finalized_at = ?1 WHERE id = ?2",
            params![t, session.id],
        )?;
        crate::notify::enqueue(&state.config, &tx, &message)?;
        tx.commit()?;
    }
    // The cover sheet and the letters join the studies in the PACS; if that
    // fails the case is still in the inbox, and the submission stands.
    let cover = crate::coversheet::Cover {
        english: sender.lang == Some(Language::En),
        reference: &session.reference,
        received_at: t,
        sender: &sender,
        department: picked.map(|d| {
            if sender.lang == Some(Language::En) {
                d.name.en.as_str()
            } else {
                d.name.de.as_str()
            }
        }),
        consent: (&session.consent_version, session.consent_at),
        studies: study_lines,
        more_studies: 0,
        letters: Vec::new(),
        several_patients: false,
    };
    let covers = match state.config.cover_sheets {
        true => state
            .intake
            .queue_cover_sheets(session, &objects, &files, &cover),
        false => Ok(0),
    };
    if let Err(e) = covers {
        tracing::error!(reference = %session.reference, error = %e, "cannot queue the cover sheets for the PACS");
    }
    match state
        .intake
        .queue_letters(session, &objects, &sender, &files)
    {
        Ok(0) => {}
        Ok(n) => {
            tracing::info!(reference = %session.reference, letters = n, "letters queued for the PACS")
        }
        Err(e) => {
            tracing::error!(reference = %session.reference, error = %e, "cannot queue the letters for the PACS; they stay in the inbox")
        }
    }
    state.store.audit(
        "submission-finalized",
        &format!(
            "reference={} session={} files={images} bytes={bytes} letters={letters}",
            session.reference, session.id
        ),
    )?;
    Ok(Receipt {
        reference: session.reference.clone(),
        files: images,
        bytes,
        letters,
        refused,
        received_at: t,
    })
}
