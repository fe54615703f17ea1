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

fn random_hex16() -> Result<String, ApiFailure> {
    Ok(hex::encode(&random32()?[..16]))
}

/// A client's sessions still open: not completed, within their lifetime
/// (`session_max_hours`) and active within the idle timeout
/// (`session_idle_minutes`) — what `authenticate` would still accept.
pub(crate) const OPEN_SESSIONS: &str = "SELECT COUNT(*) FROM sessions
     WHERE client = ?1 AND created_at >= ?2 AND last_seen >= ?3 AND finalized_at IS NULL";

/// How many sessions `client` holds open at `t` (see [`OPEN_SESSIONS`]).
/// An abandoned session stops counting once it idles out: behind one NAT,
/// a few senders who closed their page do not block the next for an hour.
pub(crate) fn open_sessions(
    store: &crate::store::Store,
    config: &crate::config::Config,
    client: &str,
    t: i64,
) -> Result<i64, crate::store::StoreError> {
    let born_since = t - config.session_max.as_secs() as i64;
    let seen_since = t - config.session_idle.as_secs() as i64;
    store.conn()?.query_row(
        OPEN_SESSIONS,
        params![client, born_since, seen_since],
        |r| r.get(0),
    )
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
        let opened = open_sessions(&st.store, &st.config, &client, now())?;
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
            idle_timeout_secs: cfg.session_idle.as_secs(),
            expires_at: created + cfg.session_max.as_secs() as i64,
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
        st.store.conn()?.execute(
            "UPDATE sessions SET announced_files = ?1, announced_bytes = ?2 WHERE id = ?3",
            params![body.files as i64, body.bytes as i64, session.id],
        )?;
        Ok(())
    })
    .await??;
    Ok(HttpResponse::NoContent().finish())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Config, Flags};
    use crate::store::Store;

    /// Sessions counted against `max_sessions_per_client` were every one
    /// opened in the last hour and not completed: behind one NAT, 20
    /// senders who gave up blocked everyone at that address for an hour.
    /// Now only sessions that could still be used count: active within
    /// the idle timeout, within their lifetime, not completed.
    #[test]
    fn sessions_idle_past_the_timeout_no_longer_count() {
        let dir = tempfile::tempdir().unwrap();
        let flags = Flags {
            data_dir: Some(dir.path().join("data")),
            ..Flags::default()
        };
        let config = Config::load_from(&flags, |_| None).unwrap();
        let store = Store::open(&dir.path().join("db")).unwrap();
        let t = now();
        let idle = config.session_idle.as_secs() as i64;
        assert!(
            idle + 120 < 3600,
            "the test needs an idle timeout under an hour"
        );
        // (id, client, created, last seen, completed)
        let rows: [(&str, &str, i64, i64, Option<i64>); 5] = [
            ("active", "c", t - 600, t - 60, None),
            ("idled-out", "c", t - idle - 100, t - idle - 1, None),
            ("completed", "c", t - 300, t - 10, Some(t - 10)),
            (
                "too-old",
                "c",
                t - config.session_max.as_secs() as i64 - 1,
                t,
                None,
            ),
            ("elsewhere", "d", t - 600, t - 60, None),
        ];
        for (n, (id, client, created, seen, done)) in rows.into_iter().enumerate() {
            store
                .conn()
                .unwrap()
                .execute(
                    "INSERT INTO sessions (id, token_hash, reference, created_at, last_seen,
                         consent_version, consent_at, client, finalized_at)
                     VALUES (?1, ?2, ?1, ?3, ?4, '1', ?3, ?5, ?6)",
                    params![id, vec![n as u8], created, seen, client, done],
                )
                .unwrap();
        }
        assert_eq!(open_sessions(&store, &config, "c", t).unwrap(), 1);
        assert_eq!(open_sessions(&store, &config, "d", t).unwrap(), 1);
    }
}
