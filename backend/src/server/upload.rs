//! tus 1.0.0 (core, creation, expiration, termination): one upload per
//! file, ciphertext only.
//!
//! The server opens records as they arrive. `Upload-Offset` advances only
//! over whole records that authenticated and whose plaintext was fsynced;
//! bytes of a partial record at the end of a `PATCH` are dropped, and the
//! client resumes from the returned offset. A record that fails to
//! authenticate ends the upload (`decrypt-failed`). When the last record is
//! in, the whole plaintext is checked with the shared acceptance rules,
//! streaming; an accepted file is moved into the spool (rename, fsync) and
//! queued for forwarding before the final `PATCH` is answered.

use std::fs::{File, OpenOptions};
use std::io::{BufReader, Seek, SeekFrom, Write};
use std::path::PathBuf;

use actix_web::http::header::HttpDate;
use actix_web::web::Bytes;
use actix_web::{web, HttpRequest, HttpResponse};
use base64::Engine as _;
use mailslot_shared::dicom::{inspect_reader, Limits, Verdict};
use mailslot_shared::envelope::{Header, Opener, HEADER_LEN, TAG_LEN};
use mailslot_shared::wire::{headers, metadata, UploadVerdict};
use rusqlite::{params, OptionalExtension};
use sha2::{Digest, Sha256};

use super::session::{authenticate, bearer, Session};
use super::{ApiFailure, AppState, Layout};
use crate::durable;
use crate::store::now;

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

/// `OPTIONS /api/uploads`
pub async fn options(state: web::Data<AppState>) -> HttpResponse {
    tus(HttpResponse::NoContent())
        .insert_header(("Tus-Version", TUS_VERSION))
        .insert_header(("Tus-Extension", "creation,expiration,termination"))
        .insert_header(("Tus-Max-Size", max_envelope(&state).to_string()))
        .finish()
}

/// Largest envelope a file of the maximum size produces.
fn max_envelope(state: &AppState) -> u64 {
    mailslot_shared::envelope::envelope_len(
        state.config.max_file_bytes,
        mailslot_shared::envelope::MIN_RECORD_SIZE,
    )
}

/// One row of the uploads table.
#[derive(Debug, Clone)]
struct Upload {
    id: String,
    file_id: String,
    kind: String,
    length: u64,
    offset: u64,
    header: Option<Vec<u8>>,
    state: String,
    code: Option<String>,
    expires_at: i64,
}

fn load(state: &AppState, session: &Session, id: &str) -> Result<Upload, ApiFailure> {
    state
        .store
        .conn()?
        .query_row(
            "SELECT id, file_id, kind, length, offset, header, state, code, expires_at
             FROM uploads WHERE id = ?1 AND session_id = ?2",
            params![id, session.id],
            |r| {
                Ok(Upload {
                    id: r.get(0)?,
                    file_id: r.get(1)?,
                    kind: r.get(2)?,
                    length: r.get::<_, i64>(3)? as u64,
                    offset: r.get::<_, i64>(4)? as u64,
                    header: r.get(5)?,
                    state: r.get(6)?,
                    code: r.get(7)?,
                    expires_at: r.get(8)?,
                })
            },
        )
        .optional()?
        .ok_or(ApiFailure::UploadNotFound)
}

/// Parses tus `Upload-Metadata`: `key base64, key base64`.
fn parse_metadata(raw: &str) -> Result<Vec<(String, String)>, ApiFailure> {
    let mut out = Vec::new();
    for pair in raw.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once(' ').unwrap_or((pair, ""));
        let v = base64::engine::general_purpose::STANDARD
            .decode(v.trim())
            .map_err(|_| ApiFailure::BadRequest("Upload-Metadata values must be base64"))?;
        let v = String::from_utf8(v)
            .map_err(|_| ApiFailure::BadRequest("Upload-Metadata values must be UTF-8"))?;
        out.push((k.to_owned(), v));
    }
    Ok(out)
}

fn http_date(unix: i64) -> String {
    let t = std::time::UNIX_EPOCH + std::time::Duration::from_secs(unix.max(0) as u64);
    HttpDate::from(t).to_string()
}

/// `POST /api/uploads` (creation)
pub async fn create(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiFailure> {
    check_tus_version(&req)?;
    // Who is asking comes before what is asked: no session, no details.
    let (st, token) = (state.clone(), bearer(&req));
    web::block(move || authenticate(&st, token)).await??;
    let length: u64 = header_str(&req, "Upload-Length")
        .and_then(|v| v.parse().ok())
        .ok_or(ApiFailure::BadRequest("Upload-Length is required"))?;
    let meta = parse_metadata(header_str(&req, "Upload-Metadata").unwrap_or(""))?;
    let get = |k: &str| meta.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    let file_id = get(metadata::FILE_ID)
        .filter(|f| mailslot_shared::envelope::Id16::from_hex(f).is_some())
        .ok_or(ApiFailure::BadRequest(
            "metadata file_id must be 32 hex digits",
        ))?
        .to_ascii_lowercase();
    let kind = get(metadata::KIND).unwrap_or_else(|| "dicom".into());
    if kind != "dicom" && kind != "letter" {
        return Err(ApiFailure::BadRequest(
            "metadata kind must be dicom or letter",
        ));
    }
    if length < (HEADER_LEN + TAG_LEN) as u64 {
        return Err(ApiFailure::BadRequest(
            "Upload-Length is shorter than an envelope",
        ));
    }
    if length > max_envelope(&state) {
        return Err(ApiFailure::FileTooLarge);
    }
    let token = bearer(&req);
    let st = state.clone();
    let (id, expires_at) = web::block(move || -> Result<(String, i64), ApiFailure> {
        let session = authenticate(&st, token)?;
        if session.finalized {
            return Err(ApiFailure::SessionFinished);
        }
        let conn = st.store.conn()?;
        // Creating the same file again (a reloaded page) finds the first upload.
        if let Some(found) = conn
            .query_row(
                "SELECT id, expires_at FROM uploads WHERE session_id = ?1 AND file_id = ?2 AND length = ?3",
                params![session.id, file_id, length as i64],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?
        {
            return Ok(found);
        }
        let total: i64 = conn.query_row(
            "SELECT COALESCE(SUM(length), 0) FROM uploads WHERE session_id = ?1 AND state IN ('receiving', 'accepted')",
            params![session.id],
            |r| r.get(0),
        )?;
        if total as u64 + length > st.config.max_session_bytes + st.config.max_session_bytes / 32 {
            return Err(ApiFailure::SessionTooLarge);
        }
        drop(conn);
        if super::session::committed_bytes(&st)? + length > st.config.quota_bytes {
            st.store.audit("mailbox-full", &format!("session={} upload-bytes={length}", session.id))?;
            return Err(ApiFailure::MailboxFull);
        }
        let id = hex::encode(&crate::keys::random32()?[..16]);
        let t = now();
        let expires = t + (st.config.upload_expiry_hours * 3600) as i64;
        st.store.conn()?.execute(
            "INSERT INTO uploads (id, session_id, file_id, kind, length, state, created_at, expires_at)
             VALUES (?1, ?2, ?3, ?4, ?5, 'receiving', ?6, ?7)",
            params![id, session.id, file_id, kind, length as i64, t, expires],
        )?;
        Ok((id, expires))
    })
    .await??;
    Ok(tus(HttpResponse::Created())
        .insert_header(("Location", format!("/api/uploads/{id}")))
        .insert_header(("Upload-Expires", http_date(expires_at)))
        .finish())
}

fn finished_offset(u: &Upload) -> u64 {
    if u.state == "receiving" {
        u.offset
    } else {
        u.length
    }
}

fn with_verdict(
    mut resp: actix_web::HttpResponseBuilder,
    u: &Upload,
) -> actix_web::HttpResponseBuilder {
    if u.state != "receiving" {
        resp.insert_header((headers::VERDICT, u.state.clone()));
        if let Some(code) = &u.code {
            resp.insert_header((headers::REASON, code.clone()));
        }
    }
    resp
}

/// The upload `id` of the request's session.
async fn find(
    state: &web::Data<AppState>,
    req: &HttpRequest,
    id: String,
) -> Result<Upload, ApiFailure> {
    let (st, token) = (state.clone(), bearer(req));
    web::block(move || -> Result<Upload, ApiFailure> {
        let session = authenticate(&st, token)?;
        load(&st, &session, &id)
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
        .insert_header(("Upload-Offset", finished_offset(&u).to_string()))
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

/// Marks an upload `busy` for the duration of one request.
struct BusyGuard<'a>(&'a AppState, String);

impl Drop for BusyGuard<'_> {
    fn drop(&mut self) {
        if let Ok(mut b) = self.0.busy.lock() {
            b.remove(&self.1);
        }
    }
}

fn claim<'a>(state: &'a AppState, id: &str) -> Result<BusyGuard<'a>, ApiFailure> {
    let mut busy = state
        .busy
        .lock()
        .map_err(|_| ApiFailure::Internal("lock-poisoned"))?;
    if !busy.insert(id.to_owned()) {
        return Err(ApiFailure::UploadBusy);
    }
    Ok(BusyGuard(state, id.to_owned()))
}

/// `PATCH /api/uploads/{id}`
pub async fn patch(
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<String>,
    body: web::Payload,
) -> Result<HttpResponse, ApiFailure> {
    check_tus_version(&req)?;
    if header_str(&req, "Content-Type") != Some("application/offset+octet-stream") {
        return Err(ApiFailure::BadRequest(
            "Content-Type must be application/offset+octet-stream",
        ));
    }
    let offset: u64 = header_str(&req, "Upload-Offset")
        .and_then(|v| v.parse().ok())
        .ok_or(ApiFailure::BadRequest("Upload-Offset is required"))?;
    let limit = state.config.max_chunk_bytes as usize;
    let body: Bytes = body
        .to_bytes_limited(limit)
        .await
        .map_err(|_| ApiFailure::ChunkTooLarge)?
        .map_err(|_| ApiFailure::BadRequest("the request body could not be read"))?;
    let token = bearer(&req);
    let st = state.clone();
    let u = web::block(move || -> Result<Upload, ApiFailure> {
        let session = authenticate(&st, token)?;
        let _guard = claim(&st, &id)?;
        receive(&st, &session, &id, offset, &body)
    })
    .await??;
    Ok(with_verdict(tus(HttpResponse::NoContent()), &u)
        .insert_header(("Upload-Offset", finished_offset(&u).to_string()))
        .finish())
}

/// `DELETE /api/uploads/{id}` (termination)
pub async fn delete(
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiFailure> {
    check_tus_version(&req)?;
    let token = bearer(&req);
    let st = state.clone();
    web::block(move || -> Result<(), ApiFailure> {
        let session = authenticate(&st, token)?;
        let _guard = claim(&st, &id)?;
        let u = load(&st, &session, &id)?;
        if u.state != "receiving" {
            return Err(ApiFailure::UploadFinished);
        }
        remove_part(&st, &u.id);
        st.store.conn()?.execute(
            "UPDATE uploads SET state = 'terminated' WHERE id = ?1",
            params![u.id],
        )?;
        Ok(())
    })
    .await??;
    Ok(tus(HttpResponse::NoContent()).finish())
}

fn part_path(state: &AppState, id: &str) -> PathBuf {
    Layout::of(&state.config).uploads.join(format!("{id}.part"))
}

fn remove_part(state: &AppState, id: &str) {
    let _ = std::fs::remove_file(part_path(state, id));
}

/// Ends an upload with a failure state and code; removes its plaintext.
fn fail(state: &AppState, u: &Upload, code: &'static str, err: ApiFailure) -> ApiFailure {
    remove_part(state, &u.id);
    let marked = state.store.conn().map(|c| {
        c.execute(
            "UPDATE uploads SET state = 'failed', code = ?1 WHERE id = ?2",
            params![code, u.id],
        )
    });
    if !matches!(marked, Ok(Ok(_))) {
        tracing::error!(upload = %u.id, code, "could not record a failed upload");
    }
    let _ = state
        .store
        .audit("upload-failed", &format!("upload={} code={code}", u.id));
    err
}

/// Opens the records in `data` (which starts at `client_offset`), appends
/// their plaintext durably and advances the offset; finishes the upload
/// when the last record is in. Blocking.
fn receive(
    state: &AppState,
    session: &Session,
    id: &str,
    client_offset: u64,
    data: &[u8],
) -> Result<Upload, ApiFailure> {
    let mut u = load(state, session, id)?;
    if u.state != "receiving" {
        return Err(ApiFailure::UploadFinished);
    }
    if client_offset != u.offset {
        return Err(ApiFailure::OffsetMismatch);
    }
    let mut data = data;
    let header = match &u.header {
        Some(bytes) => {
            Header::decode(bytes).map_err(|_| ApiFailure::Internal("stored-header-invalid"))?
        }
        None => {
            let Some(head) = data.get(..HEADER_LEN) else {
                return Ok(u); // not even the header yet: nothing to keep
            };
            let header = Header::decode(head)
                .map_err(|_| fail(state, &u, "bad-envelope", ApiFailure::BadEnvelope))?;
            if header.session_id.to_hex() != session.id
                || header.file_id.to_hex() != u.file_id
                || header.envelope_len() != u.length
            {
                return Err(fail(state, &u, "bad-envelope", ApiFailure::BadEnvelope));
            }
            if header.plaintext_len > state.config.max_file_bytes {
                return Err(fail(state, &u, "file-too-large", ApiFailure::FileTooLarge));
            }
            if state.keys.get(&header.kid).is_none() {
                return Err(fail(state, &u, "unknown-key", ApiFailure::UnknownKey));
            }
            File::create(part_path(state, &u.id))?.sync_all()?;
            durable::sync_dir(&Layout::of(&state.config).uploads)?;
            state.store.conn()?.execute(
                "UPDATE uploads SET header = ?1, kid = ?2, offset = ?3 WHERE id = ?4 AND offset = 0",
                params![head.to_vec(), header.kid.to_hex(), HEADER_LEN as i64, u.id],
            )?;
            u.header = Some(head.to_vec());
            u.offset = HEADER_LEN as u64;
            data = &data[HEADER_LEN..];
            header
        }
    };
    let key = state
        .keys
        .get(&header.kid)
        .ok_or_else(|| fail(state, &u, "unknown-key", ApiFailure::UnknownKey))?;
    let mut opener = Opener::new(header.clone(), &key)
        .map_err(|_| fail(state, &u, "decrypt-failed", ApiFailure::DecryptFailed))?;
    let record = u64::from(header.record_size) + TAG_LEN as u64;
    let done = (u.offset - HEADER_LEN as u64) / record;
    opener
        .resume_at(done)
        .map_err(|_| ApiFailure::Internal("offset-inconsistent"))?;

    let mut part = OpenOptions::new()
        .write(true)
        .open(part_path(state, &u.id))?;
    // Drop plaintext written after the last recorded offset (a crash
    // between write and database update).
    let kept = (done * u64::from(header.record_size)).min(header.plaintext_len);
    part.set_len(kept)?;
    part.seek(SeekFrom::End(0))?;
    let mut offset = u.offset;
    while let Some(n) = opener.next_record_len() {
        let Some(rec) = data.get(..n) else { break };
        let plain = opener
            .open_next(rec)
            .map_err(|_| fail(state, &u, "decrypt-failed", ApiFailure::DecryptFailed))?;
        part.write_all(&plain)?;
        data = &data[n..];
        offset += n as u64;
    }
    if !data.is_empty() && opener.is_done() {
        return Err(fail(state, &u, "decrypt-failed", ApiFailure::DecryptFailed));
    }
    part.sync_all()?;
    drop(part);
    if offset != u.offset {
        state.store.conn()?.execute(
            "UPDATE uploads SET offset = ?1 WHERE id = ?2 AND offset = ?3",
            params![offset as i64, u.id, u.offset as i64],
        )?;
        u.offset = offset;
    }
    if opener.is_done() {
        finish(state, session, &mut u, &header)?;
    }
    Ok(u)
}

/// Checks the complete plaintext and commits or refuses it.
fn finish(
    state: &AppState,
    session: &Session,
    u: &mut Upload,
    header: &Header,
) -> Result<(), ApiFailure> {
    let part = part_path(state, &u.id);
    let layout = Layout::of(&state.config);
    let len = header.plaintext_len;
    if u.kind == "letter" {
        let mut magic = [0u8; 5];
        let is_pdf = std::io::Read::read_exact(&mut File::open(&part)?, &mut magic).is_ok()
            && &magic == b"%PDF-";
        if !is_pdf {
            return set_verdict(state, u, "rejected", Some("not-pdf"), None, len);
        }
        let dir = layout.inbox.join(&session.reference).join("letters");
        durable::create_dir_all(&dir)?;
        durable::rename(&part, &dir.join(format!("{}.pdf", u.id)))?;
        crate::forward::inbox::count_bytes(&state.store, &session.reference, len)?;
        return set_verdict(state, u, "accepted", None, None, len);
    }
    let limits = Limits {
        max_file_size: state.config.max_file_bytes,
    };
    // After a crash between the spool rename and the commit, the file is
    // already in the spool; finishing again reads it from there.
    let spooled = layout.spool.join(format!("{}.dcm", u.id));
    let source = if part.exists() { &part } else { &spooled };
    let verdict = inspect_reader(
        BufReader::with_capacity(256 * 1024, File::open(source)?),
        len,
        len,
        &limits,
    );
    match verdict {
        Verdict::Rejected(r) => {
            remove_part(state, &u.id);
            set_verdict(state, u, "rejected", Some(r.code.code()), None, len)
        }
        Verdict::Accepted(s) => {
            let hash = hex::encode(
                Sha256::new()
                    .chain_update(session.id.as_bytes())
                    .chain_update(s.sop_instance_uid.as_bytes())
                    .finalize(),
            );
            // Claim the SOP Instance UID for this session, move the file into
            // the spool and queue it, all in one transaction: two uploads of
            // the same instance finishing together cannot both be accepted,
            // and nothing is queued whose file is not in the spool.
            let accepted = {
                let mut conn = state.store.conn()?;
                let tx = conn.transaction()?;
                let claimed = tx.execute(
                    "UPDATE uploads SET state = 'accepted', code = NULL, instance_hash = ?1, plaintext_len = ?2
                     WHERE id = ?3 AND NOT EXISTS (SELECT 1 FROM uploads WHERE session_id = ?4 AND instance_hash = ?1
                     AND state = 'accepted')",
                    params![hash, len as i64, u.id, session.id],
                )?;
                if claimed == 1 {
                    // A retry after a crash finds the file already moved.
                    if part.exists() || !spooled.exists() {
                        durable::rename(&part, &spooled)?;
                    }
                    tx.execute(
                        "INSERT OR IGNORE INTO forward_queue (upload_id, session_id, state, next_attempt, updated_at)
                         VALUES (?1, ?2, 'pending', ?3, ?3)",
                        params![u.id, session.id, now()],
                    )?;
                    tx.commit()?;
                }
                claimed == 1
            };
            if !accepted {
                remove_part(state, &u.id);
                return set_verdict(state, u, "duplicate", None, Some(&hash), len);
            }
            set_verdict(state, u, "accepted", None, Some(&hash), len)?;
            state.forwarder.wake();
            Ok(())
        }
    }
}

fn set_verdict(
    state: &AppState,
    u: &mut Upload,
    verdict: &str,
    code: Option<&str>,
    hash: Option<&str>,
    plaintext_len: u64,
) -> Result<(), ApiFailure> {
    state.store.conn()?.execute(
        "UPDATE uploads SET state = ?1, code = ?2, instance_hash = ?3, plaintext_len = ?4 WHERE id = ?5",
        params![verdict, code, hash, plaintext_len as i64, u.id],
    )?;
    state.store.audit(
        "upload-finished",
        &format!(
            "upload={} verdict={verdict} code={} bytes={plaintext_len}",
            u.id,
            code.unwrap_or("-")
        ),
    )?;
    u.state = verdict.to_owned();
    u.code = code.map(str::to_owned);
    Ok(())
}
