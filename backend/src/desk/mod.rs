//! The staff desk: server-rendered pages on an address of its own
//! (`desk_listen`, loopback by default), never on the public port. No
//! WebAssembly; one stylesheet and one small script (the idle warning),
//! both served here; a strict CSP (`default-src 'self'`, no inline
//! script).
//!
//! Routes (every page but sign-in needs a session; every POST its form's
//! CSRF token, else `403 csrf-missing` / `csrf-invalid`):
//! - `GET /` → `/cases`; `GET /signin`, `POST /signin`; `POST /signout`;
//!   `POST /extend` (the idle warning's "stay signed in");
//! - `GET /cases` (`?state=&department=&reference=`), `GET /cases/{reference}`,
//!   `GET /cases/{reference}/preview/{upload}.png` (`actions.rs`);
//! - `POST /cases/{reference}/take-over` (`takeover.rs`: a step to confirm
//!   what differs from the images); with a worklist, `GET
//!   /cases/{reference}/worklist` (the search) and `GET
//!   /cases/{reference}/take-over` (the form filled from an entry), both
//!   `mwl.rs`; `POST /cases/{reference}/consult`,
//!   `POST /cases/{reference}/close` (a step to confirm), both `actions.rs`;
//! - `GET /cases/{reference}/letters/{upload}` (a letter, inline and
//!   sandboxed), `POST /cases/{reference}/notes` (a note or "contacted"
//!   marker, kept in the case's folder), both `actions.rs`;
//! - `GET /staff` (admin only);
//! - `GET /lang/{de|en}?back=` (the language switch), `GET /desk.css`,
//!   `GET /desk.js`.
//!
//! Every action is audited (`desk-…` events) with the staff member's
//! name and, where one is concerned, the case's reference; never patient
//! or sender data.
//!
//! About 455 lines: the state, the listener, the route table and one
//! short handler per route (a case's page and actions are in
//! `actions.rs` and `takeover.rs`).

mod actions;
mod auth;
mod case;
pub mod cases;
mod failure;
mod mwl;
mod notes;
mod pages;
mod takeover;

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use actix_web::middleware::DefaultHeaders;
use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use mailslot_shared::wire::Department;

use crate::case::Cases;
use crate::config::Config;
use crate::forward::Forwarder;
use crate::lockout::Lockout;
use crate::mailbox::Layout;
use crate::preview::Previews;
use crate::staff::{sessions, Right};
use crate::store::Store;
use auth::{cookie, csrf, lang, set_cookie, signed_in, LANG, PRE, SESSION};
use failure::{DeskError, Fail};
use pages::{Lang, SignInProblem};

/// What the desk's handlers share.
#[derive(Debug)]
pub struct Desk {
    /// The validated configuration.
    pub config: Config,
    /// The database.
    pub store: Arc<Store>,
    /// The wrong-password lockout (the same counters as upload passwords).
    pub lockout: Arc<Lockout>,
    /// The mailbox's files.
    pub layout: Layout,
    /// The hospital's departments.
    pub departments: Vec<Department>,
    /// Wakes this server's forwarder after a take-over or consult.
    pub forwarder: Option<Forwarder>,
    /// The previews' threads, budget and cache.
    pub previews: Previews,
    /// Password checks running (Argon2id's memory each).
    checks: AtomicUsize,
}

/// Password checks the desk runs at once; more are refused (`busy`).
const MAX_CHECKS: usize = 2;

impl Desk {
    /// The desk's state.
    pub fn new(
        config: Config,
        store: Arc<Store>,
        lockout: Arc<Lockout>,
        layout: Layout,
        departments: Vec<Department>,
        forwarder: Option<Forwarder>,
        previews: Previews,
    ) -> Self {
        Desk {
            config,
            store,
            lockout,
            layout,
            departments,
            forwarder,
            previews,
            checks: AtomicUsize::new(0),
        }
    }
}

impl Desk {
    /// The case lifecycle, for one call.
    pub fn cases(&self) -> Cases<'_> {
        Cases {
            store: &self.store,
            config: &self.config,
            forwarder: self.forwarder.as_ref(),
        }
    }
}

/// The desk's HTTP server on `addr`, bound, not yet running.
pub fn server(
    desk: Desk,
    addr: std::net::SocketAddr,
) -> Result<actix_web::dev::Server, crate::Error> {
    let tls = desk.config.tls;
    let desk = web::Data::new(desk);
    let server = HttpServer::new(move || {
        App::new()
            .app_data(desk.clone())
            .wrap(headers(tls))
            .configure(routes)
            .default_service(web::to(|req: HttpRequest| async move {
                Err::<HttpResponse, _>(Fail(DeskError::NotFound, lang(&req)))
            }))
    })
    .workers(1)
    .bind(addr)
    .map_err(|e| crate::Error::Listen(addr, e))?;
    for a in server.addrs() {
        println!("mailslot: staff desk on http://{a}/");
    }
    Ok(server.run())
}

/// Headers on every reply: no inline script or style, nothing from
/// elsewhere, never framed, never cached (pages show patient data).
fn headers(tls: bool) -> DefaultHeaders {
    let mut h = DefaultHeaders::new()
        .add((
            "Content-Security-Policy",
            "default-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
             frame-ancestors 'none'",
        ))
        .add(("Cross-Origin-Opener-Policy", "same-origin"))
        .add(("Cross-Origin-Resource-Policy", "same-origin"))
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("Referrer-Policy", "no-referrer"))
        .add(("X-Frame-Options", "DENY"))
        .add(("Cache-Control", "no-store"));
    if tls {
        h = h.add(("Strict-Transport-Security", "max-age=31536000"));
    }
    h
}

/// The desk's routes.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(|| async { see_other("/cases".into()) }))
        .route("/signin", web::get().to(sign_in_page))
        .route("/signin", web::post().to(sign_in))
        .route("/signout", web::post().to(sign_out))
        .route("/extend", web::post().to(extend))
        .route("/cases", web::get().to(case_list))
        .route("/cases/{reference}", web::get().to(actions::case_page))
        .route(
            "/cases/{reference}/preview/{upload}",
            web::get().to(actions::preview),
        )
        .route(
            "/cases/{reference}/take-over",
            web::post().to(takeover::take_over),
        )
        .route("/cases/{reference}/take-over", web::get().to(mwl::filled))
        .route("/cases/{reference}/worklist", web::get().to(mwl::search))
        .route(
            "/cases/{reference}/consult",
            web::post().to(actions::consult),
        )
        .route("/cases/{reference}/close", web::post().to(actions::close))
        .route(
            "/cases/{reference}/letters/{upload}",
            web::get().to(actions::letter),
        )
        .route("/cases/{reference}/notes", web::post().to(actions::note))
        .route("/staff", web::get().to(staff))
        .route("/lang/{lang}", web::get().to(switch_language))
        .route(
            "/desk.css",
            web::get().to(|| async { asset("text/css; charset=utf-8", include_str!("desk.css")) }),
        )
        .route(
            "/desk.js",
            web::get()
                .to(|| async { asset("text/javascript; charset=utf-8", include_str!("desk.js")) }),
        );
}

fn asset(content_type: &str, body: &'static str) -> HttpResponse {
    HttpResponse::Ok().content_type(content_type).body(body)
}

fn see_other(to: String) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header(("Location", to))
        .finish()
}

fn page(status: actix_web::http::StatusCode, markup: maud::Markup) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(markup.into_string())
}

/// Runs `f` off the async workers; its failure is `internal`.
async fn blocking<T: Send + 'static, E: std::fmt::Display + Send + 'static>(
    l: Lang,
    f: impl FnOnce() -> Result<T, E> + Send + 'static,
) -> Result<T, Fail> {
    match web::block(f).await {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => {
            tracing::error!(error = %e, "desk");
            Err(Fail(DeskError::Internal, l))
        }
        Err(_) => Err(Fail(DeskError::Internal, l)),
    }
}

/// Runs a case action off the async workers; the case lifecycle's
/// refusal is shown with its code.
async fn blocking_case<T: Send + 'static>(
    l: Lang,
    f: impl FnOnce() -> Result<T, crate::case::CaseError> + Send + 'static,
) -> Result<T, Fail> {
    match web::block(f).await {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(Fail(DeskError::case(&e), l)),
        Err(_) => Err(Fail(DeskError::Internal, l)),
    }
}

/// `GET /signin`: the form, with a fresh pre-session token (cookie and
/// hidden field) unless the browser has one.
async fn sign_in_page(req: HttpRequest, desk: web::Data<Desk>) -> Result<HttpResponse, Fail> {
    let l = lang(&req);
    let pre = match cookie(&req, PRE).filter(|p| p.len() == 64) {
        Some(p) => p,
        None => hex::encode(crate::random::bytes32().map_err(|_| Fail(DeskError::Internal, l))?),
    };
    let ended = req.query_string().contains("ended=1");
    Ok(HttpResponse::Ok()
        .insert_header(("Set-Cookie", set_cookie(PRE, Some(&pre), desk.config.tls)))
        .content_type("text/html; charset=utf-8")
        .body(pages::sign_in(l, &pre, "", None, ended).into_string()))
}

/// `POST /signin`: the pre-session token, then the lockout, then the
/// password; a session and its cookie, or the form again with why.
async fn sign_in(
    req: HttpRequest,
    desk: web::Data<Desk>,
    form: web::Form<HashMap<String, String>>,
) -> Result<HttpResponse, Fail> {
    let l = lang(&req);
    let pre = cookie(&req, PRE).unwrap_or_default();
    csrf(&form, &pre, l)?;
    let name = form
        .get("name")
        .map(|n| n.trim().to_owned())
        .unwrap_or_default();
    let password = form.get("password").cloned().unwrap_or_default();
    let again = |status, problem| {
        Ok(page(
            status,
            pages::sign_in(l, &pre, &name, Some(problem), false),
        ))
    };
    if name.is_empty() || password.is_empty() {
        return again(
            actix_web::http::StatusCode::UNPROCESSABLE_ENTITY,
            SignInProblem::Empty,
        );
    }
    let ip = auth::client_ip(&req, &desk);
    let lockout = desk.lockout.clone();
    let attempt = match web::block(move || lockout.reserve(ip)).await {
        Ok(Ok(a)) => a,
        Ok(Err(wait)) => {
            return again(
                actix_web::http::StatusCode::TOO_MANY_REQUESTS,
                SignInProblem::LockedOut(wait),
            )
        }
        Err(_) => return Err(Fail(DeskError::Internal, l)),
    };
    if desk.checks.fetch_add(1, Ordering::SeqCst) >= MAX_CHECKS {
        desk.checks.fetch_sub(1, Ordering::SeqCst);
        return Err(Fail(DeskError::Busy, l));
    }
    let (d, n) = (desk.clone(), name.clone());
    let checked = web::block(move || crate::staff::check(&d.store, &n, &password)).await;
    desk.checks.fetch_sub(1, Ordering::SeqCst);
    let account = checked
        .map_err(|_| Fail(DeskError::Internal, l))?
        .map_err(|_| Fail(DeskError::Internal, l))?;
    let d = desk.clone();
    let opened = blocking(l, move || -> Result<_, crate::Error> {
        let Some(account) = account else {
            let detail = format!("client={}", attempt.client());
            attempt.failed()?;
            d.store.audit("desk-sign-in-refused", &detail)?;
            return Ok(None);
        };
        attempt.succeeded()?;
        let (token, _) = sessions::open(&d.store, account.id, crate::clock::now())?;
        d.store
            .audit("desk-signed-in", &format!("staff={}", account.name))?;
        Ok(Some(token))
    })
    .await?;
    match opened {
        None => again(
            actix_web::http::StatusCode::UNAUTHORIZED,
            SignInProblem::Wrong,
        ),
        Some(token) => Ok(HttpResponse::SeeOther()
            .insert_header(("Location", "/cases"))
            .append_header((
                "Set-Cookie",
                set_cookie(SESSION, Some(&token), desk.config.tls),
            ))
            .append_header(("Set-Cookie", set_cookie(PRE, None, desk.config.tls)))
            .finish()),
    }
}

/// `POST /signout`
async fn sign_out(
    req: HttpRequest,
    desk: web::Data<Desk>,
    form: web::Form<HashMap<String, String>>,
) -> Result<HttpResponse, Fail> {
    let (l, signed) = auth::posted(&req, &desk, &form, Right::SeeCases).await?;
    let token = cookie(&req, SESSION).unwrap_or_default();
    let d = desk.clone();
    blocking(l, move || -> Result<(), crate::Error> {
        sessions::end(&d.store, &token)?;
        d.store
            .audit("desk-signed-out", &format!("staff={}", signed.name))?;
        Ok(())
    })
    .await?;
    Ok(HttpResponse::SeeOther()
        .insert_header(("Location", "/signin"))
        .insert_header(("Set-Cookie", set_cookie(SESSION, None, desk.config.tls)))
        .finish())
}

/// `POST /extend`: the person is still there (the check itself restarts
/// the idle time); back to the page they were on.
async fn extend(
    req: HttpRequest,
    desk: web::Data<Desk>,
    form: web::Form<HashMap<String, String>>,
) -> Result<HttpResponse, Fail> {
    auth::posted(&req, &desk, &form, Right::SeeCases).await?;
    Ok(see_other(auth::local_path(form.get("back"))))
}

/// `GET /lang/{de|en}?back=`: remembers the language, back to the page.
async fn switch_language(
    desk: web::Data<Desk>,
    to: web::Path<String>,
    q: web::Query<HashMap<String, String>>,
) -> HttpResponse {
    let to = if to.as_str() == "en" { "en" } else { "de" };
    HttpResponse::SeeOther()
        .insert_header(("Location", auth::local_path(q.get("back"))))
        .insert_header(("Set-Cookie", set_cookie(LANG, Some(to), desk.config.tls)))
        .finish()
}

/// `GET /cases`: the list, filtered, with the counts per state.
async fn case_list(
    req: HttpRequest,
    desk: web::Data<Desk>,
    q: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, Fail> {
    let l = lang(&req);
    let signed = signed_in(&req, &desk, Right::SeeCases).await?;
    let given = |k: &str| {
        q.get(k)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    };
    let filter = cases::Filter {
        state: given("state").as_deref().and_then(cases::State::parse),
        department: given("department"),
        reference: given("reference"),
    };
    let (d, name) = (desk.clone(), signed.name.clone());
    let all = blocking(l, move || -> Result<_, crate::Error> {
        let rows = cases::rows(&d.cases(), &d.layout)?;
        let counts = cases::counts(&d.cases())?;
        d.store
            .audit("desk-cases-listed", &format!("staff={name}"))?;
        Ok((rows, counts))
    })
    .await?;
    let (all, counts) = all;
    let rows: Vec<cases::Row> = all.into_iter().filter(|r| filter.admits(r)).collect();
    let back = match req.query_string() {
        "" => "/cases".to_owned(),
        q => format!("/cases?{q}"),
    };
    let list = pages::CaseList {
        rows: &rows,
        counts: &counts,
        filter: &filter,
        departments: &desk.departments,
        back: &back,
        closed: q
            .get("closed")
            .map(String::as_str)
            .filter(|r| pages::is_reference(r)),
    };
    Ok(page(
        actix_web::http::StatusCode::OK,
        pages::cases(l, &signed, &list),
    ))
}

/// `GET /staff`: the accounts (admin only).
async fn staff(req: HttpRequest, desk: web::Data<Desk>) -> Result<HttpResponse, Fail> {
    let l = lang(&req);
    let signed = signed_in(&req, &desk, Right::ManageStaff).await?;
    let d = desk.clone();
    let accounts = blocking(l, move || crate::staff::list(&d.store)).await?;
    Ok(page(
        actix_web::http::StatusCode::OK,
        pages::staff(l, &signed, &accounts),
    ))
}
