//! Configuration in layers: embedded defaults → TOML file (`--config`) →
//! environment (`MAILSLOT_…`) → command-line flags. Validated once at start;
//! a bad value stops the program with a message naming the setting.
//!
//! `mailslot.example.toml` documents every setting.
//!
//! Longer than 400 lines on purpose: one list of settings, each with its
//! default, layer merge and validation, reads best in one place.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use serde::Deserialize;

/// Why the configuration is unusable.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The TOML file could not be read.
    #[error("cannot read the configuration file {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The TOML file does not parse or has unknown keys.
    #[error("the configuration file {path} is invalid: {message}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// A setting has an invalid value.
    #[error("invalid setting `{key}`: {message}")]
    Invalid {
        /// The setting's name (TOML key / env suffix).
        key: &'static str,
        /// What is wrong.
        message: String,
    },
}

impl ConfigError {
    /// Stable kebab-case code.
    pub fn code(&self) -> &'static str {
        match self {
            ConfigError::Read { .. } => "config-unreadable",
            ConfigError::Parse { .. } => "config-invalid",
            ConfigError::Invalid { .. } => "config-value-invalid",
        }
    }
}

/// Where accepted objects go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    /// The embedded folder inbox under the data directory.
    Inbox,
    /// DICOM C-STORE to `ae_title@host:port`.
    Dimse {
        /// Called AE title.
        ae_title: String,
        /// Host name or address.
        host: String,
        /// TCP port.
        port: u16,
    },
    /// STOW-RS to this base URL (`http://pacs:8042/dicom-web`, or `https://…`:
    /// the public roots, or `stow_ca_file`, verify the PACS).
    Stow {
        /// The base URL, without a trailing slash.
        base_url: String,
    },
}

impl FromStr for Destination {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s == "inbox" {
            return Ok(Destination::Inbox);
        }
        if let Some(rest) = s.strip_prefix("dimse://") {
            let (ae, addr) = rest
                .split_once('@')
                .ok_or("expected dimse://AET@HOST:PORT")?;
            let (host, port) = addr
                .rsplit_once(':')
                .ok_or("expected dimse://AET@HOST:PORT")?;
            let port: u16 = port.parse().map_err(|_| format!("bad port `{port}`"))?;
            if ae.is_empty() || ae.len() > 16 || !ae.bytes().all(|b| b.is_ascii_graphic()) {
                return Err("the AE title must be 1–16 printable ASCII characters".into());
            }
            if host.is_empty() {
                return Err("missing host".into());
            }
            return Ok(Destination::Dimse {
                ae_title: ae.to_owned(),
                host: host.to_owned(),
                port,
            });
        }
        for scheme in ["http", "https"] {
            if let Some(rest) = s.strip_prefix(&format!("stow+{scheme}://")) {
                if rest.is_empty() || rest.starts_with('/') {
                    return Err(format!("expected stow+{scheme}://HOST:PORT/PATH"));
                }
                return Ok(Destination::Stow {
                    base_url: format!("{scheme}://{}", rest.trim_end_matches('/')),
                });
            }
        }
        Err("expected `inbox`, `dimse://AET@HOST:PORT` or `stow+http(s)://HOST:PORT/PATH`".into())
    }
}

impl std::fmt::Display for Destination {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Destination::Inbox => f.write_str("inbox"),
            Destination::Dimse {
                ae_title,
                host,
                port,
            } => write!(f, "dimse://{ae_title}@{host}:{port}"),
            Destination::Stow { base_url } => {
                write!(f, "stow+{base_url}")
            }
        }
    }
}

/// The validated configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// Address the HTTP server listens on.
    pub listen: SocketAddr,
    /// Address of readiness and metrics (`/ready`, `/metrics`), never the
    /// public one; `None` (`admin_listen = "off"`) serves neither.
    pub admin_listen: Option<SocketAddr>,
    /// Free bytes below which the data disk makes the server not ready.
    pub min_free_disk_bytes: u64,
    /// How log lines are written.
    pub log_format: LogFormat,
    /// All state: database, spool, inbox, keys.
    pub data_dir: PathBuf,
    /// A PostgreSQL database instead of the embedded SQLite one
    /// (`postgres://user:password@host/db`): several nodes share it and
    /// one `data_dir` on a shared file system.
    pub database_url: Option<String>,
    /// Where accepted objects are forwarded.
    pub forward: Destination,
    /// Our AE title for C-STORE.
    pub calling_ae_title: String,
    /// Parallel C-STORE associations.
    pub dimse_associations: usize,
    /// Seconds before a DICOM network operation times out.
    pub dimse_timeout_secs: u64,
    /// Instances per STOW-RS request.
    pub stow_batch: usize,
    /// PEM file of the CA certificates a `stow+https://` PACS is verified
    /// against instead of the public roots (a hospital's own CA).
    pub stow_ca_file: Option<PathBuf>,
    /// `Authorization` header value for STOW-RS (`Basic …`, `Bearer …`).
    pub stow_authorization: Option<String>,
    /// First retry delay in seconds after a transient forwarding failure
    /// (doubles per attempt, at most 10 minutes).
    pub retry_base_secs: u64,
    /// Days the embedded inbox keeps a submission.
    pub retention_days: u64,
    /// Bytes the embedded inbox may hold; oldest submissions go first.
    pub quota_bytes: u64,
    /// Largest accepted file (plaintext bytes).
    pub max_file_bytes: u64,
    /// Largest total per upload session (plaintext bytes).
    pub max_session_bytes: u64,
    /// Largest request body of one upload PATCH.
    pub max_chunk_bytes: u64,
    /// Seconds a request body may take to arrive.
    pub body_timeout_secs: u64,
    /// Upload bodies read at the same time, server-wide (each at most
    /// `max_chunk_bytes` in memory); more are refused with `rate-limited`.
    pub max_concurrent_bodies: usize,
    /// Password checks (Argon2id, ~19 MiB each) at the same time,
    /// server-wide; more are refused with `rate-limited`.
    pub max_concurrent_password_checks: usize,
    /// Seconds an announced upload keeps its length reserved against the
    /// quota without progress; after that only its received bytes count.
    pub reservation_idle_secs: u64,
    /// Unfinished, active uploads one session may hold at once.
    pub max_uploads_in_flight: usize,
    /// Open sessions one client (address, IPv6 /64) may start per hour.
    pub max_sessions_per_client: usize,
    /// Minutes an idle upload session stays valid.
    pub session_idle_minutes: u64,
    /// Hours an upload session stays valid at most.
    pub session_max_hours: u64,
    /// Hours an unfinished upload is kept.
    pub upload_expiry_hours: u64,
    /// Directory with the built upload page (served at `/`), if any.
    pub static_dir: Option<PathBuf>,
    /// Directory with the hospital's texts (`hospital.toml`,
    /// `privacy.de.txt`, `privacy.en.txt`); unset: the embedded defaults.
    pub hospital_dir: Option<PathBuf>,
    /// Version of the privacy statement the page shows; consent records it.
    pub privacy_statement_version: String,
    /// Whether requests arrive over TLS (a reverse proxy terminates it): sends HSTS.
    pub tls: bool,
    /// Reverse proxies whose `X-Forwarded-For` is believed when working out
    /// a client's address (lockout and rate limit). Empty: the TCP peer.
    pub trusted_proxies: Vec<crate::proxy::Cidr>,
    /// SMTP server for notifications, as a URL: `smtp://host:25` (plain),
    /// `smtp://host:587?tls=required` (STARTTLS), `smtps://host:465`
    /// (implicit TLS); `user:password@` before the host logs in.
    pub notify_smtp_url: Option<String>,
    /// PEM file of the CA certificates the mail server's TLS certificate
    /// is verified against besides the public roots (a hospital's own CA).
    pub notify_smtp_ca_file: Option<PathBuf>,
    /// Whether each study gets a cover sheet (Encapsulated PDF) naming the
    /// sender, the request and the consent.
    pub cover_sheets: bool,
    /// The notifications' sender address.
    pub notify_from: String,
    /// Where a notification goes when the sender picked no department, or
    /// one without its own address.
    pub notify_to: Option<String>,
    /// Department id → the address its notifications go to.
    pub notify_department_to: BTreeMap<String, String>,
    /// URL a notification is POSTed to as JSON.
    pub notify_webhook_url: Option<String>,
    /// Shared secret: signs the webhook body (HMAC-SHA256, header
    /// `X-Mailslot-Signature: sha256=<hex>`).
    pub notify_webhook_secret: Option<String>,
}

/// How log lines are written (`log_format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LogFormat {
    /// One readable line per event.
    #[default]
    Text,
    /// One JSON object per line, for a log collector.
    Json,
}

/// The TOML file's shape: every key optional, unknown keys refused.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileLayer {
    listen: Option<String>,
    admin_listen: Option<String>,
    min_free_disk_bytes: Option<u64>,
    log_format: Option<String>,
    data_dir: Option<PathBuf>,
    database_url: Option<String>,
    forward: Option<String>,
    calling_ae_title: Option<String>,
    dimse_associations: Option<usize>,
    dimse_timeout_secs: Option<u64>,
    stow_batch: Option<usize>,
    stow_ca_file: Option<PathBuf>,
    notify_smtp_ca_file: Option<PathBuf>,
    stow_authorization: Option<String>,
    retry_base_secs: Option<u64>,
    retention_days: Option<u64>,
    quota_bytes: Option<u64>,
    max_file_bytes: Option<u64>,
    max_session_bytes: Option<u64>,
    max_chunk_bytes: Option<u64>,
    body_timeout_secs: Option<u64>,
    max_concurrent_bodies: Option<usize>,
    max_concurrent_password_checks: Option<usize>,
    reservation_idle_secs: Option<u64>,
    max_uploads_in_flight: Option<usize>,
    max_sessions_per_client: Option<usize>,
    session_idle_minutes: Option<u64>,
    session_max_hours: Option<u64>,
    upload_expiry_hours: Option<u64>,
    static_dir: Option<PathBuf>,
    hospital_dir: Option<PathBuf>,
    privacy_statement_version: Option<String>,
    tls: Option<bool>,
    trusted_proxies: Option<Vec<String>>,
    cover_sheets: Option<bool>,
    notify_smtp_url: Option<String>,
    notify_from: Option<String>,
    notify_to: Option<String>,
    notify_department_to: Option<BTreeMap<String, String>>,
    notify_webhook_url: Option<String>,
    notify_webhook_secret: Option<String>,
}

/// Overrides from the command line (`None` = not given).
#[derive(Debug, Default, Clone)]
pub struct Flags {
    /// `--config FILE`
    pub config: Option<PathBuf>,
    /// `--data-dir DIR`
    pub data_dir: Option<PathBuf>,
    /// `--listen ADDR`
    pub listen: Option<String>,
    /// `--forward DEST`
    pub forward: Option<String>,
}

impl Config {
    /// Loads defaults, then the file named by `--config` (or
    /// `MAILSLOT_CONFIG`), then `MAILSLOT_*` variables, then flags.
    pub fn load(flags: &Flags) -> Result<Self, ConfigError> {
        Self::load_from(flags, |k| std::env::var(k).ok())
    }

    /// As [`Config::load`], reading the environment through `env` (tests).
    pub fn load_from(
        flags: &Flags,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, ConfigError> {
        let mut raw = RawConfig::defaults();
        let file = flags
            .config
            .clone()
            .or_else(|| env("MAILSLOT_CONFIG").map(PathBuf::from));
        if let Some(path) = file {
            raw.apply_file(&path)?;
        }
        raw.apply_env(&env)?;
        if let Some(d) = &flags.data_dir {
            raw.data_dir = d.clone();
        }
        if let Some(l) = &flags.listen {
            raw.listen = l.clone();
        }
        if let Some(f) = &flags.forward {
            raw.forward = f.clone();
        }
        raw.validate()
    }
}

/// Values before validation (strings where parsing can fail).
#[derive(Debug)]
struct RawConfig {
    listen: String,
    admin_listen: String,
    min_free_disk_bytes: u64,
    log_format: String,
    data_dir: PathBuf,
    forward: String,
    calling_ae_title: String,
    dimse_associations: usize,
    dimse_timeout_secs: u64,
    stow_batch: usize,
    stow_ca_file: Option<PathBuf>,
    notify_smtp_ca_file: Option<PathBuf>,
    stow_authorization: Option<String>,
    retry_base_secs: u64,
    retention_days: u64,
    quota_bytes: u64,
    max_file_bytes: u64,
    max_session_bytes: u64,
    max_chunk_bytes: u64,
    body_timeout_secs: u64,
    max_concurrent_bodies: usize,
    max_concurrent_password_checks: usize,
    reservation_idle_secs: u64,
    max_uploads_in_flight: usize,
    max_sessions_per_client: usize,
    session_idle_minutes: u64,
    session_max_hours: u64,
    upload_expiry_hours: u64,
    static_dir: Option<PathBuf>,
    hospital_dir: Option<PathBuf>,
    privacy_statement_version: String,
    tls: bool,
    trusted_proxies: Vec<String>,
    cover_sheets: bool,
    notify_smtp_url: Option<String>,
    notify_from: String,
    notify_to: Option<String>,
    notify_department_to: BTreeMap<String, String>,
    notify_webhook_url: Option<String>,
    notify_webhook_secret: Option<String>,
    database_url: Option<String>,
}

const GIB: u64 = 1024 * 1024 * 1024;

impl RawConfig {
    fn defaults() -> Self {
        RawConfig {
            listen: "127.0.0.1:8080".into(),
            admin_listen: "127.0.0.1:8081".into(),
            min_free_disk_bytes: 2 * GIB,
            log_format: "text".into(),
            data_dir: PathBuf::from("mailslot-data"),
            forward: "inbox".into(),
            calling_ae_title: "MAILSLOT".into(),
            dimse_associations: 4,
            dimse_timeout_secs: 30,
            stow_batch: 20,
            stow_ca_file: None,
            notify_smtp_ca_file: None,
            stow_authorization: None,
            retry_base_secs: 5,
            retention_days: 42,
            quota_bytes: 100 * GIB,
            max_file_bytes: 4 * GIB,
            max_session_bytes: 20 * GIB,
            // What the page and `mailslot send` put in one PATCH.
            max_chunk_bytes: mailslot_shared::wire::MAX_PATCH_BYTES,
            body_timeout_secs: 60,
            max_concurrent_bodies: 16,
            max_concurrent_password_checks: 4,
            reservation_idle_secs: 600,
            max_uploads_in_flight: 32,
            max_sessions_per_client: 20,
            session_idle_minutes: 30,
            session_max_hours: 12,
            upload_expiry_hours: 48,
            static_dir: Some(PathBuf::from("dist")),
            hospital_dir: None,
            privacy_statement_version: "2".into(),
            tls: false,
            trusted_proxies: Vec::new(),
            cover_sheets: true,
            notify_smtp_url: None,
            notify_from: "DICOM Mailslot <mailslot@localhost>".into(),
            notify_to: None,
            notify_department_to: BTreeMap::new(),
            notify_webhook_url: None,
            notify_webhook_secret: None,
            database_url: None,
        }
    }

    fn apply_file(&mut self, path: &Path) -> Result<(), ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_owned(),
            source,
        })?;
        let layer: FileLayer = toml::from_str(&text).map_err(|e| ConfigError::Parse {
            path: path.to_owned(),
            message: e.to_string(),
        })?;
        macro_rules! take {
            ($($field:ident),*) => { $( if let Some(v) = layer.$field { self.$field = v; } )* };
        }
        take!(
            listen,
            admin_listen,
            min_free_disk_bytes,
            log_format,
            data_dir,
            forward,
            calling_ae_title,
            dimse_associations,
            dimse_timeout_secs,
            stow_batch,
            retry_base_secs,
            retention_days,
            quota_bytes,
            max_file_bytes,
            max_session_bytes,
            max_chunk_bytes,
            body_timeout_secs,
            max_concurrent_bodies,
            max_concurrent_password_checks,
            reservation_idle_secs,
            max_uploads_in_flight,
            max_sessions_per_client,
            session_idle_minutes,
            session_max_hours,
            upload_expiry_hours,
            privacy_statement_version,
            tls,
            cover_sheets,
            notify_from,
            notify_department_to
        );
        for (field, value) in [
            (&mut self.notify_smtp_url, layer.notify_smtp_url),
            (&mut self.notify_to, layer.notify_to),
            (&mut self.notify_webhook_url, layer.notify_webhook_url),
            (&mut self.notify_webhook_secret, layer.notify_webhook_secret),
            (&mut self.database_url, layer.database_url),
        ] {
            if value.is_some() {
                *field = value;
            }
        }
        if let Some(p) = layer.trusted_proxies {
            self.trusted_proxies = p;
        }
        if layer.static_dir.is_some() {
            self.static_dir = layer.static_dir;
        }
        if layer.hospital_dir.is_some() {
            self.hospital_dir = layer.hospital_dir;
        }
        if layer.stow_ca_file.is_some() {
            self.stow_ca_file = layer.stow_ca_file;
        }
        if layer.notify_smtp_ca_file.is_some() {
            self.notify_smtp_ca_file = layer.notify_smtp_ca_file;
        }
        if layer.stow_authorization.is_some() {
            self.stow_authorization = layer.stow_authorization;
        }
        Ok(())
    }

    fn apply_env(&mut self, env: &impl Fn(&str) -> Option<String>) -> Result<(), ConfigError> {
        macro_rules! string {
            ($($field:ident => $key:literal),*) => { $( if let Some(v) = env($key) { self.$field = v.into(); } )* };
        }
        macro_rules! number {
            ($($field:ident => $key:literal),*) => { $(
                if let Some(v) = env($key) {
                    self.$field = v.trim().parse().map_err(|_| ConfigError::Invalid {
                        key: stringify!($field),
                        message: format!("{} must be a whole number, not `{v}`", $key),
                    })?;
                }
            )* };
        }
        string!(listen => "MAILSLOT_LISTEN", admin_listen => "MAILSLOT_ADMIN_LISTEN",
            log_format => "MAILSLOT_LOG_FORMAT", data_dir => "MAILSLOT_DATA_DIR", forward => "MAILSLOT_FORWARD",
            calling_ae_title => "MAILSLOT_CALLING_AE_TITLE",
            privacy_statement_version => "MAILSLOT_PRIVACY_STATEMENT_VERSION");
        number!(dimse_associations => "MAILSLOT_DIMSE_ASSOCIATIONS", dimse_timeout_secs => "MAILSLOT_DIMSE_TIMEOUT_SECS",
            stow_batch => "MAILSLOT_STOW_BATCH", retry_base_secs => "MAILSLOT_RETRY_BASE_SECS", retention_days => "MAILSLOT_RETENTION_DAYS",
            quota_bytes => "MAILSLOT_QUOTA_BYTES", max_file_bytes => "MAILSLOT_MAX_FILE_BYTES",
            max_session_bytes => "MAILSLOT_MAX_SESSION_BYTES", max_chunk_bytes => "MAILSLOT_MAX_CHUNK_BYTES",
            body_timeout_secs => "MAILSLOT_BODY_TIMEOUT_SECS", max_concurrent_bodies => "MAILSLOT_MAX_CONCURRENT_BODIES",
            max_concurrent_password_checks => "MAILSLOT_MAX_CONCURRENT_PASSWORD_CHECKS",
            reservation_idle_secs => "MAILSLOT_RESERVATION_IDLE_SECS",
            max_uploads_in_flight => "MAILSLOT_MAX_UPLOADS_IN_FLIGHT",
            max_sessions_per_client => "MAILSLOT_MAX_SESSIONS_PER_CLIENT",
            session_idle_minutes => "MAILSLOT_SESSION_IDLE_MINUTES", session_max_hours => "MAILSLOT_SESSION_MAX_HOURS",
            upload_expiry_hours => "MAILSLOT_UPLOAD_EXPIRY_HOURS",
            min_free_disk_bytes => "MAILSLOT_MIN_FREE_DISK_BYTES");
        if let Some(v) = env("MAILSLOT_STATIC_DIR") {
            self.static_dir = Some(PathBuf::from(v));
        }
        if let Some(v) = env("MAILSLOT_HOSPITAL_DIR") {
            self.hospital_dir = Some(PathBuf::from(v));
        }
        if let Some(v) = env("MAILSLOT_STOW_CA_FILE") {
            self.stow_ca_file = Some(PathBuf::from(v));
        }
        if let Some(v) = env("MAILSLOT_NOTIFY_SMTP_CA_FILE") {
            self.notify_smtp_ca_file = Some(PathBuf::from(v));
        }
        if let Some(v) = env("MAILSLOT_STOW_AUTHORIZATION") {
            self.stow_authorization = Some(v);
        }
        if let Some(v) = env("MAILSLOT_TRUSTED_PROXIES") {
            self.trusted_proxies = v
                .split(',')
                .map(|p| p.trim().to_owned())
                .filter(|p| !p.is_empty())
                .collect();
        }
        string!(notify_from => "MAILSLOT_NOTIFY_FROM");
        for (field, key) in [
            (&mut self.notify_smtp_url, "MAILSLOT_NOTIFY_SMTP_URL"),
            (&mut self.notify_to, "MAILSLOT_NOTIFY_TO"),
            (&mut self.notify_webhook_url, "MAILSLOT_NOTIFY_WEBHOOK_URL"),
            (
                &mut self.notify_webhook_secret,
                "MAILSLOT_NOTIFY_WEBHOOK_SECRET",
            ),
            (&mut self.database_url, "MAILSLOT_DATABASE_URL"),
        ] {
            if let Some(v) = env(key) {
                *field = Some(v);
            }
        }
        // `id=address,id=address`
        if let Some(v) = env("MAILSLOT_NOTIFY_DEPARTMENT_TO") {
            self.notify_department_to = BTreeMap::new();
            for pair in v.split(',').map(str::trim).filter(|p| !p.is_empty()) {
                let (id, address) = pair.split_once('=').ok_or_else(|| ConfigError::Invalid {
                    key: "notify_department_to",
                    message: format!("MAILSLOT_NOTIFY_DEPARTMENT_TO: `{pair}` is not `id=address`"),
                })?;
                self.notify_department_to
                    .insert(id.trim().to_owned(), address.trim().to_owned());
            }
        }
        if let Some(v) = env("MAILSLOT_COVER_SHEETS") {
            self.cover_sheets = matches!(v.trim(), "1" | "true" | "yes");
        }
        if let Some(v) = env("MAILSLOT_TLS") {
            self.tls = matches!(v.trim(), "1" | "true" | "yes");
        }
        Ok(())
    }

    fn validate(self) -> Result<Config, ConfigError> {
        let invalid = |key: &'static str, message: String| ConfigError::Invalid { key, message };
        if let Some(url) = &self.database_url {
            // Not echoed: it may carry the database's password.
            if url.parse::<postgres::Config>().is_err()
                || !(url.starts_with("postgres://") || url.starts_with("postgresql://"))
            {
                return Err(invalid(
                    "database_url",
                    "must be a URL like postgres://mailslot:password@db.example/mailslot".into(),
                ));
            }
        }
        let listen: SocketAddr = self.listen.parse().map_err(|_| {
            invalid(
                "listen",
                format!("`{}` is not an address like 127.0.0.1:8080", self.listen),
            )
        })?;
        let admin_listen = match self.admin_listen.trim() {
            "" | "off" => None,
            a => {
                let addr: SocketAddr = a.parse().map_err(|_| {
                    invalid(
                        "admin_listen",
                        format!("`{a}` is not an address like 127.0.0.1:8081 (or `off`)"),
                    )
                })?;
                if addr == listen
                    || (addr.port() == listen.port()
                        && (addr.ip().is_unspecified() || listen.ip().is_unspecified()))
                {
                    return Err(invalid(
                        "admin_listen",
                        "must not be the public address: readiness and metrics are for the hospital's network only".into(),
                    ));
                }
                Some(addr)
            }
        };
        let log_format = match self.log_format.trim() {
            "text" => LogFormat::Text,
            "json" => LogFormat::Json,
            other => {
                return Err(invalid(
                    "log_format",
                    format!("`{other}` is neither `text` nor `json`"),
                ))
            }
        };
        let forward: Destination = self.forward.parse().map_err(|m| invalid("forward", m))?;
        let ae = &self.calling_ae_title;
        if ae.is_empty() || ae.len() > 16 || !ae.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(invalid(
                "calling_ae_title",
                "must be 1–16 printable ASCII characters".into(),
            ));
        }
        let positive: [(&'static str, u64); 16] = [
            ("dimse_associations", self.dimse_associations as u64),
            ("dimse_timeout_secs", self.dimse_timeout_secs),
            ("stow_batch", self.stow_batch as u64),
            ("retry_base_secs", self.retry_base_secs),
            ("retention_days", self.retention_days),
            ("max_file_bytes", self.max_file_bytes),
            ("max_session_bytes", self.max_session_bytes),
            ("max_chunk_bytes", self.max_chunk_bytes),
            ("body_timeout_secs", self.body_timeout_secs),
            ("max_concurrent_bodies", self.max_concurrent_bodies as u64),
            (
                "max_concurrent_password_checks",
                self.max_concurrent_password_checks as u64,
            ),
            ("reservation_idle_secs", self.reservation_idle_secs),
            ("max_uploads_in_flight", self.max_uploads_in_flight as u64),
            (
                "max_sessions_per_client",
                self.max_sessions_per_client as u64,
            ),
            ("session_idle_minutes", self.session_idle_minutes),
            ("session_max_hours", self.session_max_hours),
        ];
        for (key, value) in positive {
            if value == 0 {
                return Err(invalid(key, "must be greater than zero".into()));
            }
        }
        if self.dimse_associations > 64 {
            return Err(invalid("dimse_associations", "at most 64".into()));
        }
        if self.max_file_bytes > mailslot_shared::dicom::DEFAULT_MAX_FILE_SIZE {
            return Err(invalid(
                "max_file_bytes",
                "at most 4 GiB (the largest DICOM element)".into(),
            ));
        }
        if self.max_chunk_bytes < 2 * 1024 * 1024 {
            return Err(invalid(
                "max_chunk_bytes",
                "at least 2 MiB (a record must fit)".into(),
            ));
        }
        for (field, file) in [
            ("stow_ca_file", &self.stow_ca_file),
            ("notify_smtp_ca_file", &self.notify_smtp_ca_file),
        ] {
            let Some(f) = file else { continue };
            let pem = std::fs::read_to_string(f).unwrap_or_default();
            if !pem.contains("-----BEGIN CERTIFICATE-----") {
                return Err(invalid(
                    field,
                    format!("{} is not a readable PEM file of certificates", f.display()),
                ));
            }
        }
        if self
            .stow_authorization
            .as_deref()
            .is_some_and(|a| a.is_empty() || a.chars().any(char::is_control))
        {
            return Err(invalid(
                "stow_authorization",
                "must be one line, such as `Bearer …` or `Basic …`".into(),
            ));
        }
        let trusted_proxies = self
            .trusted_proxies
            .iter()
            .map(|p| {
                p.parse().map_err(|_| {
                    invalid(
                        "trusted_proxies",
                        format!("`{p}` is not an IP address or range (192.0.2.0/24)"),
                    )
                })
            })
            .collect::<Result<Vec<crate::proxy::Cidr>, _>>()?;
        self.validate_notify()?;
        Ok(Config {
            listen,
            admin_listen,
            min_free_disk_bytes: self.min_free_disk_bytes,
            log_format,
            data_dir: self.data_dir,
            forward,
            calling_ae_title: self.calling_ae_title,
            dimse_associations: self.dimse_associations,
            dimse_timeout_secs: self.dimse_timeout_secs,
            stow_batch: self.stow_batch,
            stow_ca_file: self.stow_ca_file,
            notify_smtp_ca_file: self.notify_smtp_ca_file,
            stow_authorization: self.stow_authorization,
            retry_base_secs: self.retry_base_secs,
            retention_days: self.retention_days,
            quota_bytes: self.quota_bytes,
            max_file_bytes: self.max_file_bytes,
            max_session_bytes: self.max_session_bytes,
            max_chunk_bytes: self.max_chunk_bytes,
            body_timeout_secs: self.body_timeout_secs,
            max_concurrent_bodies: self.max_concurrent_bodies,
            max_concurrent_password_checks: self.max_concurrent_password_checks,
            reservation_idle_secs: self.reservation_idle_secs,
            max_uploads_in_flight: self.max_uploads_in_flight,
            max_sessions_per_client: self.max_sessions_per_client,
            session_idle_minutes: self.session_idle_minutes,
            session_max_hours: self.session_max_hours,
            upload_expiry_hours: self.upload_expiry_hours,
            static_dir: self.static_dir,
            hospital_dir: self.hospital_dir,
            privacy_statement_version: self.privacy_statement_version,
            tls: self.tls,
            trusted_proxies,
            cover_sheets: self.cover_sheets,
            notify_smtp_url: self.notify_smtp_url,
            notify_from: self.notify_from,
            notify_to: self.notify_to,
            notify_department_to: self.notify_department_to,
            notify_webhook_url: self.notify_webhook_url,
            notify_webhook_secret: self.notify_webhook_secret,
            database_url: self.database_url,
        })
    }

    fn validate_notify(&self) -> Result<(), ConfigError> {
        let invalid = |key: &'static str, message: String| ConfigError::Invalid { key, message };
        let address = |key: &'static str, a: &str| {
            a.parse::<lettre::message::Mailbox>()
                .map(|_| ())
                .map_err(|_| invalid(key, format!("`{a}` is not an e-mail address")))
        };
        address("notify_from", &self.notify_from)?;
        if let Some(to) = &self.notify_to {
            address("notify_to", to)?;
        }
        for to in self.notify_department_to.values() {
            address("notify_department_to", to)?;
        }
        if let Some(url) = &self.notify_smtp_url {
            lettre::SmtpTransport::from_url(url).map_err(|_| {
                invalid(
                    "notify_smtp_url",
                    "must be a URL like smtp://host:25, smtp://host:587?tls=required or smtps://host:465".into(),
                )
            })?;
            if self.notify_to.is_none() && self.notify_department_to.is_empty() {
                return Err(invalid(
                    "notify_to",
                    "notify_smtp_url is set: give the address notifications go to".into(),
                ));
            }
        }
        if let Some(url) = &self.notify_webhook_url {
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                return Err(invalid(
                    "notify_webhook_url",
                    format!("`{url}` is not an http:// or https:// URL"),
                ));
            }
        }
        if self
            .notify_webhook_secret
            .as_deref()
            .is_some_and(str::is_empty)
        {
            return Err(invalid("notify_webhook_secret", "must not be empty".into()));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(flags: Flags, env: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let env: Vec<(String, String)> = env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::load_from(&flags, |k| {
            env.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone())
        })
    }

    #[test]
    fn defaults_are_valid() {
        let c = load(Flags::default(), &[]).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(c.listen.to_string(), "127.0.0.1:8080");
        assert_eq!(c.forward, Destination::Inbox);
        assert_eq!(c.retention_days, 42);
    }

    /// Readiness and metrics belong on their own address: the public one
    /// is refused for them, `off` turns them off.
    #[test]
    fn the_admin_address_is_never_the_public_one() {
        let c = load(Flags::default(), &[]).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            c.admin_listen.map(|a| a.to_string()).as_deref(),
            Some("127.0.0.1:8081")
        );
        assert_eq!(c.log_format, LogFormat::Text);
        for same in [
            [
                ("MAILSLOT_LISTEN", "127.0.0.1:9000"),
                ("MAILSLOT_ADMIN_LISTEN", "127.0.0.1:9000"),
            ],
            [
                ("MAILSLOT_LISTEN", "0.0.0.0:9000"),
                ("MAILSLOT_ADMIN_LISTEN", "127.0.0.1:9000"),
            ],
        ] {
            let e = load(Flags::default(), &same).err().map(|e| e.to_string());
            assert!(
                e.as_deref().is_some_and(|e| e.contains("admin_listen")),
                "{e:?}"
            );
        }
        let off = load(Flags::default(), &[("MAILSLOT_ADMIN_LISTEN", "off")])
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(off.admin_listen, None);
        let json = load(Flags::default(), &[("MAILSLOT_LOG_FORMAT", "json")])
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(json.log_format, LogFormat::Json);
        let e = load(Flags::default(), &[("MAILSLOT_LOG_FORMAT", "xml")]).err();
        assert!(e.is_some_and(|e| e.to_string().contains("log_format")));
    }

    #[test]
    fn layers_apply_in_order() {
        let dir = std::env::temp_dir().join(format!("mailslot-cfg-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
        let file = dir.join("m.toml");
        std::fs::write(
            &file,
            "listen = \"127.0.0.1:9000\"\nretention_days = 7\nstow_batch = 5\n",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let flags = Flags {
            config: Some(file),
            forward: Some("dimse://ORTHANC@localhost:4242".into()),
            ..Flags::default()
        };
        let c = load(
            flags,
            &[
                ("MAILSLOT_RETENTION_DAYS", "9"),
                ("MAILSLOT_FORWARD", "inbox"),
            ],
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(c.listen.port(), 9000); // file
        assert_eq!(c.retention_days, 9); // env over file
        assert_eq!(c.stow_batch, 5);
        assert_eq!(
            c.forward,
            Destination::Dimse {
                ae_title: "ORTHANC".into(),
                host: "localhost".into(),
                port: 4242
            }
        ); // flag over env
    }

    #[test]
    fn bad_values_name_the_setting() {
        let e = load(Flags::default(), &[("MAILSLOT_RETENTION_DAYS", "soon")]).err();
        assert!(matches!(
            e,
            Some(ConfigError::Invalid {
                key: "retention_days",
                ..
            })
        ));
        let e = load(
            Flags {
                forward: Some("ftp://x".into()),
                ..Flags::default()
            },
            &[],
        )
        .err();
        assert!(matches!(
            e,
            Some(ConfigError::Invalid { key: "forward", .. })
        ));
        let e = load(
            Flags {
                listen: Some("localhost".into()),
                ..Flags::default()
            },
            &[],
        )
        .err();
        assert!(matches!(
            e,
            Some(ConfigError::Invalid { key: "listen", .. })
        ));
    }

    #[test]
    fn notification_settings_are_checked() {
        let key = |env: &[(&str, &str)]| match load(Flags::default(), env) {
            Err(ConfigError::Invalid { key, .. }) => Some(key),
            _ => None,
        };
        let smtp = (
            "MAILSLOT_NOTIFY_SMTP_URL",
            "smtp://mail.example:587?tls=required",
        );
        assert_eq!(key(&[smtp]), Some("notify_to"), "mail needs an address");
        assert_eq!(
            key(&[smtp, ("MAILSLOT_NOTIFY_TO", "not an address")]),
            Some("notify_to")
        );
        assert_eq!(
            key(&[
                ("MAILSLOT_NOTIFY_SMTP_URL", "mail.example"),
                ("MAILSLOT_NOTIFY_TO", "a@b.example")
            ]),
            Some("notify_smtp_url")
        );
        assert_eq!(
            key(&[smtp, ("MAILSLOT_NOTIFY_DEPARTMENT_TO", "radiology")]),
            Some("notify_department_to")
        );
        assert_eq!(
            key(&[("MAILSLOT_NOTIFY_WEBHOOK_URL", "ftp://x")]),
            Some("notify_webhook_url")
        );
        let c = load(
            Flags::default(),
            &[
                smtp,
                (
                    "MAILSLOT_NOTIFY_DEPARTMENT_TO",
                    "radiology=r@b.example, oncology=o@b.example",
                ),
            ],
        )
        .unwrap();
        assert_eq!(
            c.notify_department_to.get("oncology").map(String::as_str),
            Some("o@b.example")
        );
        assert_eq!(c.notify_to, None);
    }

    #[test]
    fn destinations_parse() {
        assert_eq!(
            "stow+http://127.0.0.1:8042/dicom-web/".parse::<Destination>(),
            Ok(Destination::Stow {
                base_url: "http://127.0.0.1:8042/dicom-web".into()
            })
        );
        assert!("dimse://@h:1".parse::<Destination>().is_err());
        assert!("dimse://A@h:99999".parse::<Destination>().is_err());
    }
}

#[cfg(test)]
mod example {
    use super::*;

    /// The documented example must parse and state the embedded defaults.
    #[test]
    fn example_config_parses_and_states_the_defaults() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../mailslot.example.toml");
        let flags = Flags {
            config: Some(path),
            ..Flags::default()
        };
        let from_file = Config::load_from(&flags, |_| None).unwrap();
        let defaults = Config::load_from(&Flags::default(), |_| None).unwrap();
        assert_eq!(format!("{from_file:?}"), format!("{defaults:?}"));
    }
}
