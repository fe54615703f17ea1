//! The admin address (`admin_listen`, loopback by default): readiness
//! and Prometheus metrics for the hospital's monitoring, never on the
//! public port.
//!
//! - `GET /ready`: 200 when ready, 503 when not, with each check and why
//!   ([`crate::health`]);
//! - `GET /metrics`: Prometheus text format ([`crate::metrics`]);
//! - `GET /health`: liveness, as `/api/health` on the public port.

use actix_web::{web, HttpResponse};

use super::AppState;

/// The admin routes.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/ready", web::get().to(ready))
        .route("/metrics", web::get().to(metrics))
        .route("/health", web::get().to(health));
}

async fn health() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(r#"{"status":"ok"}"#)
}

async fn ready(state: web::Data<AppState>) -> HttpResponse {
    let s = state.clone();
    let checked = web::block(move || crate::health::readiness(&s.config, &s.store)).await;
    match checked {
        Ok(r) => {
            let mut resp = if r.ready {
                HttpResponse::Ok()
            } else {
                HttpResponse::ServiceUnavailable()
            };
            resp.insert_header(("Cache-Control", "no-store")).json(r)
        }
        Err(_) => HttpResponse::ServiceUnavailable()
            .content_type("application/json")
            .body(r#"{"ready":false,"checks":[]}"#),
    }
}

async fn metrics(state: web::Data<AppState>) -> HttpResponse {
    let s = state.clone();
    let gathered = web::block(move || {
        let m = crate::metrics::get().map_err(|e| e.to_string())?;
        m.gather(
            &s.store,
            &s.config.data_dir,
            s.config.quota_bytes,
            s.config.reservation_idle.as_secs(),
        )
        .map_err(|e| e.to_string())
    })
    .await;
    match gathered {
        Ok(Ok(text)) => HttpResponse::Ok()
            .content_type("text/plain; version=0.0.4; charset=utf-8")
            .body(text),
        Ok(Err(e)) => {
            tracing::error!(error = %e, "metrics not gathered");
            HttpResponse::InternalServerError().finish()
        }
        Err(_) => HttpResponse::InternalServerError().finish(),
    }
}
