//! The public key, password → session exchange, pre-flight, and the
//! session check every other call makes.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use actix_web::{web, HttpRequest, HttpResponse};
use mailslot_shared::envelope::DEFAULT_RECORD_SIZE;
use mailslot_shared::wire::{
    ErrorCode, Preflight, ServerKey, SessionCreated, SessionRequest, UploadLimits,
};
use rusqlite::params;

use super::{ApiFailure, AppState};
use crate::keys::random32;
use crate::mailbox::committed_bytes;
use crate::session::{token_hash, Session};
use crate::store::now;

/// Wrong passwords before an address is locked out.
const FREE_FAILURES: u32 = 5;
/// First lockout; doubles with every further failure.
const FIRST_LOCKOUT: Duration = Duration::from_secs(30);
/// Longest lockout.
const MAX_LOCKOUT: Duration = Duration::from_secs(3600);

/// Per-address count of wrong passwords, with exponential lockout.
#[derive(Debug, Default)]
pub struct Lockout {
    entries: Mutex<HashMap<IpAddr, (u32, Option<Instant>)>>,
}

impl Lockout {
    /// `Err(seconds)` while `ip` is locked out.
    pub fn check(&self, ip: IpAddr) -> Result<(), u64> {
        let Ok(map) = self.entries.lock() else {
            return Ok(());
        };
        match map.get(&ip) {
            Some((_, Some(until))) if *until > Instant::now() => Err(until
                .saturating_duration_since(Instant::now())
                .as_secs()
                .max(1)),
            _ => Ok(()),
        }
    }

    /// Records a wrong password from `ip`.
    pub fn fail(&self, ip: IpAddr) {
        let Ok(mut map) = self.entries.lock() else {
            return;
        };
        if map.len() > 100_000 {
            map.retain(|_, (_, until)| until.is_some_and(|u| u > Instant::now()));
        }
        let entry = map.entry(ip).or_insert((0, None));
        entry.0 += 1;
        if entry.0 >= FREE_FAILURES {
            let exp = (entry.0 - FREE_FAILURES).min(10);
            let wait = FIRST_LOCKOUT.saturating_mul(1 << exp).min(MAX_LOCKOUT);
            entry.1 = Some(Instant::now() + wait);
        }
    }

    /// Forgets `ip` after a right password.
    pub fn succeed(&self, ip: IpAddr) {
        if let Ok(mut map) = self.entries.lock() {
            map.remove(&ip);
        }
    }
}

/// `GET /api/key`
pub async fn key(state: web::Data<AppState>) -> Result<HttpResponse, ApiFailure> {
    state.keys.refresh()?;
    let (_, pk) = state.keys.current()?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-cache"))
        .json(ServerKey::announce(&pk, DEFAULT_RECORD_SIZE)))
}

/// The sender's address: the TCP peer, or — when the peer is a trusted
/// proxy — the right-most `X-Forwarded-For` entry that is not itself a
/// trusted proxy (entries further left are set by the client and prove
/// nothing).
pub fn client_ip(peer: Option<IpAddr>, forwarded_for: Option<&str>, trusted: &[IpAddr]) -> IpAddr {
    let peer = peer.unwrap_or(IpAddr::from([0, 0, 0, 0]));
    if !trusted.contains(&peer) {
        return peer;
    }
    forwarded_for
        .into_iter()
        .flat_map(|h| h.rsplit(','))
        .map(|entry| entry.trim().parse::<IpAddr>())
        .find(|ip| ip.as_ref().map_or(true, |ip| !trusted.contains(ip)))
        .and_then(Result::ok)
        .unwrap_or(peer)
}

fn request_ip(req: &HttpRequest, trusted: &[IpAddr]) -> IpAddr {
    let forwarded = req
        .headers()
        .get("X-Forwarded-For")
        .and_then(|v| v.to_str().ok());
    client_ip(req.peer_addr().map(|a| a.ip()), forwarded, trusted)
}

fn random_hex16() -> Result<String, ApiFailure> {
    Ok(hex::encode(&random32()?[..16]))
}

/// `POST /api/session`
pub async fn create(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<SessionRequest>,
) -> Result<HttpResponse, ApiFailure> {
    let ip = request_ip(&req, &state.config.trusted_proxies);
    state
        .lockout
        .check(ip)
        .map_err(|retry_after| ApiFailure::LockedOut { retry_after })?;
    let body = body.into_inner();
    let c = &body.consent;
    if !c.accepted || !c.may_send || c.statement_version != state.config.privacy_statement_version {
        return Err(ApiFailure::ConsentRequired);
    }
    let st = state.clone();
    let password = body.password;
    // Argon2id takes ~19 MiB per check: a bounded number at once.
    let permit = state.password_checks.try_enter().ok_or(ApiFailure::Busy)?;
    let ok = web::block(move || crate::passwords::check(&st.store, &password, now())).await??;
    drop(permit);
    if !ok {
        state.lockout.fail(ip);
        state
            .store
            .audit("session-refused", "wrong or expired password")?;
        return Err(ApiFailure::WrongPassword);
    }
    state.lockout.succeed(ip);

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
                "INSERT OR IGNORE INTO sessions (id, token_hash, reference, created_at, last_seen, consent_version, consent_at)
                 VALUES (?1, ?2, ?3, ?4, ?4, ?5, ?4)",
                params![sid, token_hash, reference, created, consent_version],
            )?;
            if inserted == 1 {
                st.store.audit("session-created", &format!("session={sid} consent-version={consent_version}"))?;
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
        if committed_bytes(&st.store)?.saturating_add(body.bytes) > st.config.quota_bytes {
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
    use super::client_ip;
    use std::net::IpAddr;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn forwarded_for_is_believed_only_from_trusted_proxies() {
        let proxy = [ip("127.0.0.1")];
        // No proxy configured: the peer, whatever the header says.
        assert_eq!(
            client_ip(Some(ip("127.0.0.1")), Some("192.0.2.7"), &[]),
            ip("127.0.0.1")
        );
        // From the proxy: the right-most address it added.
        assert_eq!(
            client_ip(
                Some(ip("127.0.0.1")),
                Some("198.51.100.1, 192.0.2.7"),
                &proxy
            ),
            ip("192.0.2.7")
        );
        // A client cannot claim another address past the proxy.
        assert_eq!(
            client_ip(Some(ip("192.0.2.9")), Some("192.0.2.7"), &proxy),
            ip("192.0.2.9")
        );
        // Chains of trusted proxies are skipped; garbage stops the search.
        assert_eq!(
            client_ip(Some(ip("127.0.0.1")), Some("192.0.2.7, 127.0.0.1"), &proxy),
            ip("192.0.2.7")
        );
        assert_eq!(
            client_ip(Some(ip("127.0.0.1")), Some("nonsense"), &proxy),
            ip("127.0.0.1")
        );
        assert_eq!(
            client_ip(Some(ip("127.0.0.1")), None, &proxy),
            ip("127.0.0.1")
        );
    }
}
