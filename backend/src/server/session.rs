//! The public key, password → session exchange, pre-flight, and the
//! session check every other call makes.

use crate::params;
use crate::store::Sql;
use actix_web::{web, HttpRequest, HttpResponse};
use mailslot_shared::envelope::DEFAULT_RECORD_SIZE;
use mailslot_shared::wire::{
    ErrorCode, Preflight, ServerKey, SessionCreated, SessionRequest, UploadLimits,
};

use super::{ApiFailure, AppState};
use crate::keys::random32;
use crate::mailbox::committed_bytes;
use crate::session::{token_hash, Session};
use crate::store::now;

/// `GET /api/key`
pub async fn key(state: web::Data<AppState>) -> Result<HttpResponse, ApiFailure> {
    state.keys.refresh()?;
    let (_, pk) = state.keys.current()?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-cache"))
        .json(ServerKey::announce(&pk, DEFAULT_RECORD_SIZE)))
}

/// The sender's address (see [`crate::lockout::client_ip`]): every
/// `X-Forwarded-For` line is read.
pub fn request_ip(
    peer: Option<std::net::IpAddr>,
    headers: &actix_web::http::header::HeaderMap,
    trusted: &[crate::lockout::Cidr],
) -> std::net::IpAddr {
    let lines: Vec<&str> = headers
        .get_all("X-Forwarded-For")
        .filter_map(|v| v.to_str().ok())
        .collect();
    crate::lockout::client_ip(peer, &lines, trusted)
}

fn random_hex16() -> Result<String, ApiFailure> {
    Ok(hex::encode(&random32()?[..16]))
}

/// Sessions a client opened in the last hour and has not finished.
pub(crate) const OPEN_SESSIONS: &str =
    "SELECT COUNT(*) FROM sessions WHERE client = ?1 AND created_at > ?2 AND finalized_at IS NULL";

/// `POST /api/session`
pub async fn create(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<SessionRequest>,
) -> Result<HttpResponse, ApiFailure> {
    let ip = request_ip(
        req.peer_addr().map(|a| a.ip()),
        req.headers(),
        &state.config.trusted_proxies,
    );
    // Booked before the password is hashed: guesses in flight count.
    // Every database call runs off the async workers (`web::block`).
    let lockout = state.lockout.clone();
    let attempt = web::block(move || lockout.reserve(ip))
        .await?
        .map_err(|retry_after| {
            crate::metrics::count(|m| m.password_refusals.inc());
            ApiFailure::LockedOut { retry_after }
        })?;
    let body = body.into_inner();
    let c = &body.consent;
    if !c.accepted || !c.may_send || c.statement_version != state.config.privacy_statement_version {
        return Err(ApiFailure::ConsentRequired);
    }
    let st = state.clone();
    let password = body.password;
    // Argon2id takes ~19 MiB per check: a bounded number at once.
    let permit = state
        .password_checks
        .enter_within(super::gate::WAIT)
        .await
        .ok_or(ApiFailure::Busy)?;
    let max_sessions = state.config.max_sessions_per_client;
    let ok = web::block(move || crate::passwords::check(&st.store, &password, now())).await??;
    drop(permit);
    let st = state.clone();
    let client = web::block(move || -> Result<String, ApiFailure> {
        if !ok {
            let detail = format!("wrong or expired password client={}", attempt.client());
            attempt.failed()?;
            crate::metrics::count(|m| m.password_refusals.inc());
            st.store.audit("session-refused", &detail)?;
            return Err(ApiFailure::WrongPassword);
        }
        let client = attempt.client().to_owned();
        attempt.succeeded()?;
        // One client cannot open sessions (and their reservations) without end.
        let opened: i64 =
            st.store
                .conn()?
                .query_row(OPEN_SESSIONS, params![client, now() - 3600], |r| r.get(0))?;
        if opened as usize >= max_sessions {
            return Err(ApiFailure::Busy);
        }
        Ok(client)
    })
    .await??;

    let token = hex::encode(random32()?);
    let token_hash = token_hash(&token);
    let session_id = random_hex16()?;
    let consent_version = c.statement_version.clone();
    let st = state.clone();
    let sid = session_id.clone();
    let created = now();
    web::block(move || -> Result<(), ApiFailure> {
        // A reference is 9 random characters; retry on the rare collision.
        for _ in 0..5 {
            let mut r = [0u8; 9];
            r.copy_from_slice(&random32()?[..9]);
            let reference = mailslot_shared::wire::reference_from_random(&r);
            let inserted = st.store.conn()?.execute(
                "INSERT INTO sessions (id, token_hash, reference, created_at, last_seen, consent_version, consent_at, client)
                 VALUES (?1, ?2, ?3, ?4, ?4, ?5, ?4, ?6) ON CONFLICT DO NOTHING",
                params![sid, token_hash, reference, created, consent_version, client],
            )?;
            if inserted == 1 {
                st.store.audit("session-created", &format!("session={sid} consent-version={consent_version}"))?;
                crate::metrics::count(|m| m.sessions.inc());
                return Ok(());
            }
        }
        tracing::error!("no free reference number after 5 tries");
        Err(ApiFailure::Internal(ErrorCode::InternalError))
    })
    .await??;
    let cfg = &state.config;
    Ok(HttpResponse::Created()
        // The token is a credential: no cache may keep the reply.
        .insert_header(("Cache-Control", "no-store"))
        .json(SessionCreated {
            token,
            session_id,
            idle_timeout_secs: cfg.session_idle_minutes * 60,
            expires_at: created + (cfg.session_max_hours * 3600) as i64,
            limits: UploadLimits {
                max_file_bytes: cfg.max_file_bytes,
                max_session_bytes: cfg.max_session_bytes,
                max_chunk_bytes: cfg.max_chunk_bytes,
            },
        }))
}

/// The session of a bearer token (see [`crate::session::authenticate`]).
/// Blocking: call from `web::block`.
pub fn authenticate(state: &AppState, token: Option<&str>) -> Result<Session, ApiFailure> {
    Ok(crate::session::authenticate(
        &state.store,
        &state.config,
        token,
    )?)
}

/// The bearer token of a request, if any.
pub fn bearer(req: &HttpRequest) -> Option<String> {
    req.headers()
        .get("Authorization")?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(|t| t.trim().to_owned())
}

/// `POST /api/session/keepalive`: the sender is still there. The check
/// of the token marks the session active, so its idle time starts again.
pub async fn keepalive(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiFailure> {
    let token = bearer(&req);
    web::block(move || authenticate(&state, token.as_deref())).await??;
    Ok(HttpResponse::NoContent().finish())
}

/// `POST /api/session/preflight`
pub async fn preflight(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<Preflight>,
) -> Result<HttpResponse, ApiFailure> {
    let token = bearer(&req);
    let body = body.into_inner();
    let st = state.clone();
    web::block(move || -> Result<(), ApiFailure> {
        let session = authenticate(&st, token.as_deref())?;
        if session.finalized {
            return Err(ApiFailure::SessionFinished);
        }
        if body.bytes > st.config.max_session_bytes {
            return Err(ApiFailure::SessionTooLarge);
        }
        let active_since = now() - st.config.reservation_idle_secs as i64;
        if committed_bytes(&st.store, active_since)?.saturating_add(body.bytes)
            > st.config.quota_bytes
        {
            st.store.audit(
                "mailbox-full",
                &format!("session={} announced-bytes={}", session.id, body.bytes),
            )?;
            return Err(ApiFailure::MailboxFull);
        }
        st.store.conn()?.execute(
            "UPDATE sessions SET announced_files = ?1, announced_bytes = ?2 WHERE id = ?3",
            params![body.files as i64, body.bytes as i64, session.id],
        )?;
        Ok(())
    })
    .await??;
    Ok(HttpResponse::NoContent().finish())
}
