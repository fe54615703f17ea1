//! The public key, password → session exchange, pre-flight, and the
//! session check every other call makes.

use actix_web::{web, HttpRequest, HttpResponse};
use mailslot_shared::envelope::DEFAULT_RECORD_SIZE;
use mailslot_shared::wire::{Preflight, ServerKey, SessionCreated, SessionRequest, UploadLimits};

use super::{ApiFailure, AppState};
use crate::clock::now;
use crate::mailbox::committed_bytes;
use crate::session::Session;

/// `GET /api/key`
pub async fn key(state: web::Data<AppState>) -> Result<HttpResponse, ApiFailure> {
    state.keys.refresh()?;
    let (_, pk) = state.keys.current()?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-cache"))
        .json(ServerKey::announce(&pk, DEFAULT_RECORD_SIZE)))
}

/// The sender's address (see [`crate::proxy::client_ip`]): every
/// `X-Forwarded-For` line is read.
pub fn request_ip(
    peer: Option<std::net::IpAddr>,
    headers: &actix_web::http::header::HeaderMap,
    trusted: &[crate::proxy::Cidr],
) -> std::net::IpAddr {
    let lines: Vec<&str> = headers
        .get_all("X-Forwarded-For")
        .filter_map(|v| v.to_str().ok())
        .collect();
    // Said once per process: a proxy in front that `trusted_proxies`
    // leaves out makes all senders one client (and one lockout).
    static SAID: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    if crate::proxy::forwarded_from_untrusted(peer, &lines, trusted)
        && !SAID.swap(true, std::sync::atomic::Ordering::Relaxed)
    {
        tracing::warn!(
            "a request carries X-Forwarded-For from a peer that trusted_proxies does not name: \
             the header is ignored; if a reverse proxy is in front, add its address, or every \
             sender counts as the proxy for the password lockout and session limits"
        );
    }
    crate::proxy::client_ip(peer, &lines, trusted)
}

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
        let opened = crate::session::open_sessions(&st.store, &st.config, &client, now())?;
        if opened as usize >= max_sessions {
            return Err(ApiFailure::Busy);
        }
        Ok(client)
    })
    .await??;

    let consent_version = c.statement_version.clone();
    let st = state.clone();
    let opened =
        web::block(move || crate::session::open(&st.store, &consent_version, &client)).await??;
    crate::metrics::count(|m| m.sessions.inc());
    let cfg = &state.config;
    Ok(HttpResponse::Created()
        // The token is a credential: no cache may keep the reply.
        .insert_header(("Cache-Control", "no-store"))
        .json(SessionCreated {
            token: opened.token,
            session_id: opened.id,
            idle_timeout_secs: cfg.session_idle.as_secs(),
            expires_at: opened.created + cfg.session_max.as_secs() as i64,
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
        let active_since = now() - st.config.reservation_idle.as_secs() as i64;
        if committed_bytes(&st.store, active_since)?.saturating_add(body.bytes)
            > st.config.quota_bytes
        {
            st.store.audit(
                "mailbox-full",
                &format!("session={} announced-bytes={}", session.id, body.bytes),
            )?;
            return Err(ApiFailure::MailboxFull);
        }
        crate::session::announce(&st.store, &session.id, body.files, body.bytes)?;
        Ok(())
    })
    .await??;
    Ok(HttpResponse::NoContent().finish())
}
