//! The HTTP server (`mailslot serve`): routes, shared state, start-up.
//!
//! Routes (all JSON errors carry a stable `code`; see `openapi.json`):
//! - `GET  /api/key` — the current public key
//! - `POST /api/session` — password + consent → session token
//! - `POST /api/session/preflight` — announce files/bytes; refused when full
//! - `POST /api/session/keepalive` — the sender is still there (idle time restarts)
//! - `OPTIONS|POST /api/uploads`, `HEAD|PATCH|DELETE /api/uploads/{id}` — tus 1.0.0
//! - `GET  /api/uploads/{id}/verdict` — what became of one upload
//! - `POST /api/submissions` — sealed sender details → receipt
//! - `GET  /api/openapi.json`, `GET /api/health`
//!
//! No route returns uploaded data or lists uploads or submissions.
//! Readiness and metrics are on a separate address ([`admin`]), the staff
//! desk on another ([`crate::desk`]).
//!
//! Over 400 lines: the shared state, the route table, the headers every
//! reply carries, the session rate limit's key and the start-up are the
//! one place the server is put together; each is short.

pub mod admin;
mod error;
mod gate;
pub(crate) mod session;
mod submit;
mod tus;

use std::sync::Arc;

use actix_web::middleware::DefaultHeaders;
use actix_web::{web, App, HttpResponse, HttpServer};

pub use error::ApiFailure;

use crate::config::Config;
use crate::forward::Forwarder;
use crate::intake::{self, Intake};
use crate::keys::Keyring;
use crate::mailbox::Layout;
use crate::store::Store;

/// Everything the handlers share.
#[derive(Debug)]
pub struct AppState {
    /// The validated configuration.
    pub config: Config,
    /// The database.
    pub store: Arc<Store>,
    /// The key pairs.
    pub keys: Arc<Keyring>,
    /// Wrong-password lockout per client.
    pub lockout: Arc<crate::lockout::Lockout>,
    /// Upload bodies being read, server-wide.
    pub bodies: gate::Gate,
    /// Password checks running, server-wide.
    pub password_checks: gate::Gate,
    /// Photo letters made into pages, within one byte budget.
    pub photos: crate::photopage::Photos,
    /// The uploads' lifecycle.
    pub intake: Intake,
    /// Where the mailbox keeps its files.
    pub layout: Layout,
    /// `GET /api/hospital`, serialised once at start.
    pub hospital_json: String,
    /// `GET /api/openapi.json`, with this server's privacy statement
    /// version as the only one a session request may name.
    pub openapi_json: String,
    /// The departments a submission may name (the hospital's texts).
    pub departments: Vec<mailslot_shared::wire::Department>,
    /// `GET /api/instructions/{de,en}`: the printable instructions, made
    /// once at start.
    pub instructions: (Vec<u8>, Vec<u8>),
}

/// Opens the data directory and builds the shared state.
pub fn state(config: Config) -> Result<AppState, crate::Error> {
    // The hospital's texts first: a broken file should stop the start
    // before anything is created.
    let hospital = crate::hospital::load(
        config.hospital_dir.as_deref(),
        &config.privacy_statement_version,
        crate::hospital::Facts::of(&config),
    )?;
    let departments = hospital.departments.clone();
    let hospital_json = serde_json::to_string(&hospital)
        .map_err(|e| crate::Error::Usage(format!("hospital texts: {e}")))?;
    let openapi_json = openapi_document(&config.privacy_statement_version)?;
    let instructions = crate::instructions::pdfs(&hospital)
        .map_err(|e| crate::Error::Usage(format!("instructions: {e}")))?;
    // Before anything is created: the data must never be served.
    page_folder_apart_from_data(config.static_dir.as_deref(), &config.data_dir)?;
    let layout = Layout::of(&config.data_dir);
    crate::durable::create_dir_all(&config.data_dir)
        .and_then(|()| layout.create())
        .map_err(|e| crate::Error::DataDir(config.data_dir.clone(), e))?;
    // Patient data lives below: only the service's own user may enter.
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&config.data_dir, std::fs::Permissions::from_mode(0o700))
            .map_err(|e| crate::Error::DataDir(config.data_dir.clone(), e))?;
    }
    let store = Arc::new(Store::for_config(&config)?);
    let keys = Arc::new(Keyring::open(&config.data_dir.join("keys"))?);
    // Keys the hashes the database keeps (clients, SOP Instance UIDs); it
    // never leaves the data directory.
    let secret_file = config.data_dir.join("server.secret");
    let secret = crate::secret::ServerSecret::load_or_create(&secret_file)
        .map_err(|e| crate::Error::DataDir(secret_file, e))?;
    let forwarder = Forwarder::start(config.clone(), store.clone())?;
    crate::notify::start(config.clone(), store.clone())?;
    let intake = Intake::new(
        intake::Limits::of(&config),
        store.clone(),
        keys.clone(),
        layout.clone(),
        forwarder,
        secret.clone(),
    );
    // Uploads a crash left between spooling and their verdict.
    intake.recover()?;
    let lockout = Arc::new(crate::lockout::Lockout::new(store.clone(), secret));
    Ok(AppState {
        bodies: gate::Gate::new(config.max_concurrent_bodies),
        password_checks: gate::Gate::new(config.max_concurrent_password_checks),
        photos: crate::photopage::Photos::start(crate::photopage::BUDGET_BYTES, gate::WAIT)
            .map_err(crate::intake::IntakeError::from)?,
        config,
        store,
        keys,
        lockout,
        intake,
        layout,
        hospital_json,
        openapi_json,
        departments,
        instructions,
    })
}

/// The page folder is served to anyone: it must neither hold the data
/// directory (keys, database, images) nor lie inside it. Paths are
/// compared resolved (symbolic links followed where they exist).
fn page_folder_apart_from_data(
    static_dir: Option<&std::path::Path>,
    data_dir: &std::path::Path,
) -> Result<(), crate::Error> {
    let Some(page) = static_dir else {
        return Ok(());
    };
    let resolve = |p: &std::path::Path| {
        p.canonicalize()
            .or_else(|_| std::path::absolute(p))
            .map_err(|e| crate::Error::DataDir(p.to_owned(), e))
    };
    let (page, data) = (resolve(page)?, resolve(data_dir)?);
    if page.starts_with(&data) || data.starts_with(&page) {
        return Err(crate::config::ConfigError::Invalid {
            key: "static_dir".into(),
            origin: "with data_dir".into(),
            message: format!(
                "{} and the data directory {} must not contain each other: the page folder is served to anyone",
                page.display(),
                data.display()
            ),
        }
        .into());
    }
    Ok(())
}

/// Security headers on every response.
fn security_headers(tls: bool) -> DefaultHeaders {
    let mut h = DefaultHeaders::new()
        .add((
            "Content-Security-Policy",
            "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; object-src 'none'; \
             base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
        ))
        .add(("Cross-Origin-Opener-Policy", "same-origin"))
        .add(("Cross-Origin-Resource-Policy", "same-origin"))
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("Referrer-Policy", "no-referrer"))
        .add(("X-Frame-Options", "DENY"));
    if tls {
        h = h.add(("Strict-Transport-Security", "max-age=31536000"));
    }
    h
}

/// The per-address rate limit on `POST /api/session` (a maintained crate,
/// `actix-governor`): a burst of `max_sessions_per_client` (20), then one
/// attempt per 2 seconds. The wrong-password lockout in
/// [`crate::lockout::Lockout`] comes on top.
pub type SessionLimit =
    actix_governor::GovernorConfig<ClientIp, actix_governor::governor::middleware::NoOpMiddleware>;

/// The session endpoint's rate limit; create once and share with every worker.
///
/// A client may open `burst` sessions at once (`max_sessions_per_client`:
/// a practice behind one address that sends many at once raises both
/// together), then one every 2 s.
pub fn session_limit(trusted_proxies: &[crate::proxy::Cidr], burst: usize) -> Option<SessionLimit> {
    actix_governor::GovernorConfigBuilder::default()
        .key_extractor(ClientIp(Arc::new(trusted_proxies.to_vec())))
        .seconds_per_request(2)
        .burst_size(u32::try_from(burst.max(1)).unwrap_or(u32::MAX))
        .finish()
}

/// Rate-limit key: the client's address (see [`crate::proxy::client_ip`]);
/// refusals in the API's error shape.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ClientIp(pub Arc<Vec<crate::proxy::Cidr>>);

impl actix_governor::KeyExtractor for ClientIp {
    type Key = std::net::IpAddr;
    type KeyExtractionError = actix_governor::SimpleKeyExtractionError<&'static str>;

    fn extract(
        &self,
        req: &actix_web::dev::ServiceRequest,
    ) -> Result<Self::Key, Self::KeyExtractionError> {
        Ok(session::request_ip(
            req.peer_addr().map(|a| a.ip()),
            req.headers(),
            &self.0,
        ))
    }

    fn exceed_rate_limit_response(
        &self,
        negative: &actix_governor::governor::NotUntil<
            actix_governor::governor::clock::QuantaInstant,
        >,
        mut response: actix_web::HttpResponseBuilder,
    ) -> HttpResponse {
        use actix_governor::governor::clock::{Clock, DefaultClock};
        let wait = negative
            .wait_time_from(DefaultClock::default().now())
            .as_secs()
            .max(1);
        response
            .insert_header(("Retry-After", wait.to_string()))
            .insert_header(("Cache-Control", "no-store"))
            .insert_header((
                mailslot_shared::wire::headers::ERROR,
                mailslot_shared::wire::ErrorCode::RateLimited.as_str(),
            ))
            .json(mailslot_shared::wire::ApiError {
                code: mailslot_shared::wire::ErrorCode::RateLimited
                    .as_str()
                    .into(),
                message: "Too many attempts. Please wait before trying again.".into(),
            })
    }
}

/// Registers the API routes. Each path is one resource: a method it does
/// not have is answered `405 method-not-allowed` with `Allow`, not `404`.
pub fn routes(cfg: &mut web::ServiceConfig, limit: &SessionLimit) {
    use actix_web::http::Method;
    cfg.service(
        web::scope("/api")
            .service(
                resource("/health", "GET")
                    .route(web::get().to(|| async { HttpResponse::Ok().json("ok") })),
            )
            .service(resource("/openapi.json", "GET").route(web::get().to(openapi)))
            .service(resource("/hospital", "GET").route(web::get().to(hospital)))
            .service(resource("/instructions/{lang}", "GET").route(web::get().to(instructions)))
            .service(resource("/key", "GET").route(web::get().to(session::key)))
            .service(
                resource("/session", "POST")
                    .wrap(actix_governor::Governor::new(limit))
                    .route(web::post().to(session::create)),
            )
            .service(
                resource("/session/preflight", "POST").route(web::post().to(session::preflight)),
            )
            .service(
                resource("/session/keepalive", "POST").route(web::post().to(session::keepalive)),
            )
            .service(
                resource("/uploads", "OPTIONS, POST")
                    .route(web::method(Method::OPTIONS).to(tus::options))
                    .route(web::post().to(tus::create)),
            )
            .service(
                resource("/uploads/{id}", "HEAD, PATCH, DELETE")
                    .route(web::head().to(tus::head))
                    .route(web::patch().to(tus::patch))
                    .route(web::delete().to(tus::delete)),
            )
            .service(resource("/uploads/{id}/verdict", "GET").route(web::get().to(tus::verdict)))
            .service(resource("/submissions", "POST").route(web::post().to(submit::submit))),
    );
}

/// A resource at `path` that answers methods other than `allow` with
/// `405 method-not-allowed`.
fn resource(path: &str, allow: &'static str) -> actix_web::Resource {
    web::resource(path).default_service(web::to(move || async move {
        Err::<HttpResponse, _>(ApiFailure::MethodNotAllowed { allow })
    }))
}

/// The API document (`backend/openapi.json`) with `version` as the one
/// privacy statement version a session request may name.
fn openapi_document(version: &str) -> Result<String, crate::Error> {
    let mut doc: serde_json::Value = serde_json::from_str(include_str!("../../openapi.json"))
        .map_err(|e| crate::Error::Usage(format!("openapi.json: {e}")))?;
    let field = doc
        .pointer_mut("/components/schemas/Consent/properties/statement_version")
        .ok_or_else(|| crate::Error::Usage("openapi.json: no Consent.statement_version".into()))?;
    field["enum"] = serde_json::json!([version]);
    serde_json::to_string(&doc).map_err(|e| crate::Error::Usage(format!("openapi.json: {e}")))
}

async fn hospital(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(state.hospital_json.clone())
}

/// The printable instructions as a PDF download.
async fn instructions(
    state: web::Data<AppState>,
    lang: web::Path<String>,
) -> Result<HttpResponse, ApiFailure> {
    let (pdf, name) = match lang.as_str() {
        "de" => (&state.instructions.0, "Anleitung.pdf"),
        "en" => (&state.instructions.1, "Instructions.pdf"),
        _ => {
            return Err(ApiFailure::BadRequest(
                "the instructions exist in de and en",
            ))
        }
    };
    Ok(HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"{name}\""),
        ))
        .body(pdf.clone()))
}

async fn openapi(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(state.openapi_json.clone())
}

/// Blocking threads per HTTP worker (see `serve`).
const BLOCKING_THREADS: usize = 8;

/// Runs the server until it is stopped.
pub async fn serve(config: Config) -> Result<(), crate::Error> {
    let listen = config.listen;
    let static_dir = config.static_dir.clone();
    let tls = config.tls;
    let admin_listen = config.admin_listen;
    crate::metrics::get().map_err(|e| crate::Error::Usage(format!("metrics: {e}")))?;
    // Off the runtime: the state's database calls block (PostgreSQL's
    // client would refuse to run inside it).
    let state = std::thread::scope(|s| s.spawn(|| state(config)).join())
        .map_err(|_| crate::Error::Usage("the start panicked".into()))??;
    let state = web::Data::new(state);
    if let Some(warning) =
        crate::proxy::shared_address_warning(listen.ip(), &state.config.trusted_proxies)
    {
        tracing::warn!(listen = %listen, "{warning}");
    }
    match &static_dir {
        Some(dir) if !dir.join("index.html").is_file() => eprintln!(
            "mailslot: no upload page in {} (build it with `cargo xtask page`); serving the API only",
            dir.display()
        ),
        _ => {}
    }
    let limit = session_limit(
        &state.config.trusted_proxies,
        state.config.max_sessions_per_client,
    )
    .ok_or(crate::Error::Usage("invalid rate limit".into()))?;
    crate::retention::start(
        state.config.clone(),
        state.store.clone(),
        state.keys.clone(),
    );
    // Bound before the public address: a wrong admin address stops the
    // start rather than leaving the hospital's monitoring blind.
    let admin = match admin_listen {
        Some(addr) => {
            let s = state.clone();
            let admin = HttpServer::new(move || {
                App::new()
                    .app_data(s.clone())
                    .wrap(security_headers(false))
                    .configure(admin::routes)
            })
            .workers(1)
            .bind(addr)
            .map_err(|e| crate::Error::Listen(addr, e))?;
            for a in admin.addrs() {
                println!("mailslot: readiness and metrics on http://{a}/ready, /metrics");
            }
            Some(admin.run())
        }
        None => None,
    };
    // The staff desk on its own address, bound before the public one too.
    let desk = match state.config.desk_listen {
        Some(addr) => Some(crate::desk::server(
            crate::desk::Desk::new(
                state.config.clone(),
                state.store.clone(),
                state.lockout.clone(),
                state.layout.clone(),
                state.departments.clone(),
                Some(state.intake.forwarder().clone()),
                crate::preview::Previews::start(
                    1,
                    crate::preview::BUDGET_BYTES,
                    crate::preview::RENDER_WAIT,
                    Some(crate::preview::cache_dir(&state.config.data_dir)),
                )
                .map_err(|e| {
                    crate::Error::DataDir(crate::preview::cache_dir(&state.config.data_dir), e)
                })?,
            ),
            addr,
        )?),
        None => None,
    };
    let server = HttpServer::new(move || {
        let mut app = App::new()
            .app_data(state.clone())
            .app_data(
                web::JsonConfig::default()
                    .limit(64 * 1024)
                    // A JSON error like every other: code, sentence, header.
                    .error_handler(|_, _| {
                        ApiFailure::BadRequest(
                            "the body must be JSON as the API document describes",
                        )
                        .into()
                    }),
            )
            .wrap(security_headers(tls))
            .configure(|cfg| routes(cfg, &limit));
        if let Some(dir) = &static_dir {
            // The page's Wasm (about 1.4 MB each for page and worker)
            // shrinks to a third with gzip: patients on slow lines wait less.
            // The API is not compressed (its bodies are small or sealed).
            app = app.service(
                web::scope("")
                    .wrap(actix_web::middleware::Compress::default())
                    .service(actix_files::Files::new("/", dir).index_file("index.html")),
            );
        }
        app
    })
    // Blocking work (the database, decryption, fsync) runs on a few
    // threads per worker rather than actix's default of up to 256: the
    // database is one connection, so more threads only wait on its lock —
    // 50 senders at once had ~100 threads contending, more CPU in the
    // kernel than in the uploads, and the memory of every thread's malloc
    // arena.
    .worker_max_blocking_threads(BLOCKING_THREADS)
    .bind(listen)
    .map_err(|e| crate::Error::Listen(listen, e))?;
    for addr in server.addrs() {
        println!("mailslot: listening on http://{addr}");
    }
    let public = server.run();
    // The admin address and the desk run beside the public one and stop
    // with it.
    let beside: Vec<_> = admin
        .into_iter()
        .chain(desk)
        .map(|s| (s.handle(), actix_web::rt::spawn(s)))
        .collect();
    let result = public.await;
    for (handle, task) in beside {
        handle.stop(true).await;
        let _ = task.await;
    }
    result.map_err(|e| crate::Error::Listen(listen, e))
}
