//! Configuration: one typed [`Config`], each setting declared once with
//! its default in `impl Default`, read with figment in layers, a later one
//! overriding an earlier one key by key:
//!
//! 1. `Config::default()`;
//! 2. the TOML file named by `--config FILE` or `MAILSLOT_CONFIG`
//!    (figment's `Toml` provider; a key that is no setting is refused);
//! 3. the environment: `MAILSLOT_<KEY IN CAPITALS>` (`layers::Environment`,
//!    which also holds the variables' syntax: comma lists, `id=address`
//!    maps, `true`/`false`);
//! 4. the command-line flags `--data-dir`, `--listen`, `--forward`.
//!
//! A value is checked as it is read, by its type or by the check its field
//! names (`checks`); [`Config::validate`] holds only the rules that span
//! several settings. Every error names the key and where its value came
//! from (the file, the environment variable, the flag). Durations keep
//! their keys' names and units (`session_idle_minutes = 30`).
//!
//! `mailslot.example.toml` documents every setting.

mod checks;
mod destination;
mod layers;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use figment::providers::{Format, Toml};
use figment::Figment;
use serde::{Deserialize, Serialize};

pub use destination::Destination;
pub use layers::Flags;

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
    /// The TOML file does not parse.
    #[error("the configuration file {path} is invalid: {message}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// A key that is no setting (misspelt, or of another version).
    #[error("unknown setting `{key}` in {origin}")]
    Unknown {
        /// The key as written.
        key: String,
        /// Where it was written (`file /etc/mailslot.toml`).
        origin: String,
    },
    /// A setting has an invalid value.
    #[error("invalid setting `{key}` ({origin}): {message}")]
    Invalid {
        /// The setting's name (TOML key; in capitals after `MAILSLOT_`
        /// its environment variable).
        key: String,
        /// Where the value came from: `file …`, `environment variable
        /// MAILSLOT_…`, `flag --…`, or `unset`.
        origin: String,
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
            ConfigError::Unknown { .. } => "config-key-unknown",
            ConfigError::Invalid { .. } => "config-value-invalid",
        }
    }
}

/// How log lines are written (`log_format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// One readable line per event.
    #[default]
    Text,
    /// One JSON object per line, for a log collector.
    Json,
}

/// What happens to an accepted object (`mode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Forwarded at once to the archive (`forward`), under the sender's
    /// identity: for a PACS with its own quarantine.
    #[default]
    Forward,
    /// Held in the mailbox until staff take it over into the archive
    /// under the hospital's identity, send it to `consult`, or close the
    /// case; deleted at its deletion date whatever its state.
    Hold,
}

/// The configuration: every setting, its key the field's name (or the
/// `rename` beside it); defaults in `impl Default`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Address the HTTP server listens on.
    pub listen: SocketAddr,
    /// Address of readiness and metrics (`/ready`, `/metrics`), never the
    /// public one; `None` (`admin_listen = "off"`) serves neither.
    #[serde(with = "checks::admin_listen")]
    pub admin_listen: Option<SocketAddr>,
    /// Address of the staff desk (signed-in staff only), never the public
    /// one; `None` (`desk_listen = "off"`) serves no desk.
    #[serde(with = "checks::admin_listen")]
    pub desk_listen: Option<SocketAddr>,
    /// Free bytes below which the data disk makes the server not ready.
    pub min_free_disk_bytes: u64,
    /// How log lines are written.
    pub log_format: LogFormat,
    /// All state: database, spool, inbox, keys.
    pub data_dir: PathBuf,
    /// A PostgreSQL database instead of the embedded SQLite one
    /// (`postgres://user:password@host/db`): several nodes share it and
    /// one `data_dir` on a shared file system.
    #[serde(deserialize_with = "checks::database_url")]
    pub database_url: Option<String>,
    /// What happens to accepted objects: forwarded at once, or held for
    /// staff (the desk).
    pub mode: Mode,
    /// The archive: where accepted objects are forwarded (`mode =
    /// "forward"`) or taken over to (`mode = "hold"`).
    pub forward: Destination,
    /// Where staff send a case kept as a consult (second opinion), never
    /// the archive; unset: a consult is seen in the desk only.
    pub consult: Option<Destination>,
    /// The hospital's Modality Worklist (`dimse://AET@HOST:PORT`), where
    /// staff find the patient when taking a study over; unset: none.
    #[serde(deserialize_with = "checks::worklist")]
    pub worklist: Option<Destination>,
    /// Issuer of Patient ID (0010,0021) written with the hospital's
    /// patient ID when a study is taken over.
    #[serde(deserialize_with = "checks::not_empty")]
    pub patient_id_issuer: Option<String>,
    /// Our AE title for C-STORE.
    #[serde(deserialize_with = "checks::ae_title")]
    pub calling_ae_title: String,
    /// Parallel C-STORE associations (1 to 64).
    #[serde(deserialize_with = "checks::associations")]
    pub dimse_associations: usize,
    /// Before a DICOM network operation times out.
    #[serde(rename = "dimse_timeout_secs", with = "checks::secs")]
    pub dimse_timeout: Duration,
    /// Instances per STOW-RS request.
    #[serde(deserialize_with = "checks::positive")]
    pub stow_batch: usize,
    /// PEM file of the CA certificates a `stow+https://` PACS is verified
    /// against instead of the public roots (a hospital's own CA).
    #[serde(deserialize_with = "checks::pem_file")]
    pub stow_ca_file: Option<PathBuf>,
    /// `Authorization` header value for STOW-RS (`Basic …`, `Bearer …`).
    #[serde(deserialize_with = "checks::one_line")]
    pub stow_authorization: Option<String>,
    /// First retry delay after a transient forwarding failure (doubles
    /// per attempt, at most 10 minutes).
    #[serde(rename = "retry_base_secs", with = "checks::secs")]
    pub retry_base: Duration,
    /// How long the embedded inbox keeps a submission.
    #[serde(rename = "retention_days", with = "checks::days")]
    pub retention: Duration,
    /// Bytes the embedded inbox may hold; oldest submissions go first.
    pub quota_bytes: u64,
    /// Largest accepted file (plaintext bytes, at most 4 GiB).
    #[serde(deserialize_with = "checks::file_bytes")]
    pub max_file_bytes: u64,
    /// Largest total per upload session (plaintext bytes).
    #[serde(deserialize_with = "checks::positive")]
    pub max_session_bytes: u64,
    /// Largest request body of one upload PATCH (at least 2 MiB).
    #[serde(deserialize_with = "checks::chunk_bytes")]
    pub max_chunk_bytes: u64,
    /// How long a request body may take to arrive.
    #[serde(rename = "body_timeout_secs", with = "checks::secs")]
    pub body_timeout: Duration,
    /// Upload bodies read at the same time, server-wide (each at most
    /// `max_chunk_bytes` in memory); more are refused with `rate-limited`.
    #[serde(deserialize_with = "checks::positive")]
    pub max_concurrent_bodies: usize,
    /// Password checks (Argon2id, ~19 MiB each) at the same time,
    /// server-wide; more are refused with `rate-limited`.
    #[serde(deserialize_with = "checks::positive")]
    pub max_concurrent_password_checks: usize,
    /// How long an announced upload keeps its length reserved against the
    /// quota without progress; after that only its received bytes count.
    #[serde(rename = "reservation_idle_secs", with = "checks::secs")]
    pub reservation_idle: Duration,
    /// Unfinished, active uploads one session may hold at once.
    #[serde(deserialize_with = "checks::positive")]
    pub max_uploads_in_flight: usize,
    /// Open sessions one client (address, IPv6 /64) may start per hour.
    #[serde(deserialize_with = "checks::positive")]
    pub max_sessions_per_client: usize,
    /// How long an idle upload session stays valid.
    #[serde(rename = "session_idle_minutes", with = "checks::minutes")]
    pub session_idle: Duration,
    /// How long an upload session stays valid at most.
    #[serde(rename = "session_max_hours", with = "checks::hours")]
    pub session_max: Duration,
    /// How long an unfinished upload is kept.
    #[serde(rename = "upload_expiry_hours", with = "checks::hours")]
    pub upload_expiry: Duration,
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
    #[serde(deserialize_with = "checks::ranges")]
    pub trusted_proxies: Vec<crate::proxy::Cidr>,
    /// SMTP server for notifications, as a URL: `smtp://host:25` (plain),
    /// `smtp://host:587?tls=required` (STARTTLS), `smtps://host:465`
    /// (implicit TLS); `user:password@` before the host logs in.
    #[serde(deserialize_with = "checks::smtp_url")]
    pub notify_smtp_url: Option<String>,
    /// PEM file of the CA certificates the mail server's TLS certificate
    /// is verified against besides the public roots (a hospital's own CA).
    #[serde(deserialize_with = "checks::pem_file")]
    pub notify_smtp_ca_file: Option<PathBuf>,
    /// Whether each study gets a cover sheet (Encapsulated PDF) naming the
    /// sender, the request and the consent.
    pub cover_sheets: bool,
    /// The notifications' sender address.
    #[serde(deserialize_with = "checks::mailbox")]
    pub notify_from: String,
    /// Where a notification goes when the sender picked no department, or
    /// one without its own address.
    #[serde(deserialize_with = "checks::mailbox")]
    pub notify_to: Option<String>,
    /// Department id → the address its notifications go to.
    #[serde(deserialize_with = "checks::mailbox")]
    pub notify_department_to: BTreeMap<String, String>,
    /// URL a notification is POSTed to as JSON.
    #[serde(deserialize_with = "checks::http_url")]
    pub notify_webhook_url: Option<String>,
    /// Shared secret: signs the webhook body (HMAC-SHA256, header
    /// `X-Mailslot-Signature: sha256=<hex>`).
    #[serde(deserialize_with = "checks::not_empty")]
    pub notify_webhook_secret: Option<String>,
}

const GIB: u64 = 1024 * 1024 * 1024;

impl Default for Config {
    fn default() -> Self {
        let (secs, hours) = (Duration::from_secs, |h: u64| Duration::from_secs(h * 3600));
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            admin_listen: Some(SocketAddr::from(([127, 0, 0, 1], 8081))),
            desk_listen: Some(SocketAddr::from(([127, 0, 0, 1], 8082))),
            min_free_disk_bytes: 2 * GIB,
            log_format: LogFormat::Text,
            data_dir: PathBuf::from("mailslot-data"),
            database_url: None,
            mode: Mode::Forward,
            forward: Destination::Inbox,
            consult: None,
            worklist: None,
            patient_id_issuer: None,
            calling_ae_title: "MAILSLOT".into(),
            dimse_associations: 4,
            dimse_timeout: secs(30),
            stow_batch: 20,
            stow_ca_file: None,
            stow_authorization: None,
            retry_base: secs(5),
            retention: hours(42 * 24),
            quota_bytes: 100 * GIB,
            max_file_bytes: 4 * GIB,
            max_session_bytes: 20 * GIB,
            // What the page and `mailslot send` put in one PATCH.
            max_chunk_bytes: mailslot_shared::wire::MAX_PATCH_BYTES,
            body_timeout: secs(60),
            max_concurrent_bodies: 16,
            max_concurrent_password_checks: 4,
            reservation_idle: secs(600),
            max_uploads_in_flight: 32,
            max_sessions_per_client: 20,
            session_idle: secs(30 * 60),
            session_max: hours(12),
            upload_expiry: hours(48),
            static_dir: Some(PathBuf::from("dist")),
            hospital_dir: None,
            privacy_statement_version: "2".into(),
            tls: false,
            trusted_proxies: Vec::new(),
            notify_smtp_url: None,
            notify_smtp_ca_file: None,
            cover_sheets: true,
            notify_from: "DICOM Mailslot <mailslot@localhost>".into(),
            notify_to: None,
            notify_department_to: BTreeMap::new(),
            notify_webhook_url: None,
            notify_webhook_secret: None,
        }
    }
}

impl Config {
    /// Loads the layers (module docs) from the process's environment.
    pub fn load(flags: &Flags) -> Result<Self, ConfigError> {
        Self::load_from(flags, |k| std::env::var(k).ok())
    }

    /// As [`Config::load`], reading the environment through `env` (tests).
    pub fn load_from(
        flags: &Flags,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, ConfigError> {
        let mut figment = Figment::new();
        let file = flags
            .config
            .clone()
            .or_else(|| env("MAILSLOT_CONFIG").map(PathBuf::from));
        if let Some(path) = file {
            // Its own error: figment's would read as one of parsing.
            std::fs::read(&path).map_err(|source| ConfigError::Read {
                path: path.clone(),
                source,
            })?;
            figment = figment.merge(Toml::file_exact(path));
        }
        let figment = figment.merge(layers::Environment::read(env)).merge(flags);
        let config: Config = figment.extract().map_err(layers::explain)?;
        config
            .validate()
            .map_err(|(key, message)| layers::invalid(&figment, key, message))?;
        Ok(config)
    }

    /// The rules that span several settings: the setting to blame, and why.
    fn validate(&self) -> Result<(), (&'static str, &'static str)> {
        let (admin, public) = (self.admin_listen, self.listen);
        if admin.is_some_and(|a| {
            a == public
                || (a.port() == public.port()
                    && (a.ip().is_unspecified() || public.ip().is_unspecified()))
        }) {
            return Err((
                "admin_listen",
                "must not be the public address (`listen`): readiness and metrics are for the hospital's network only",
            ));
        }
        if let Some(desk) = self.desk_listen {
            let clash = |other: SocketAddr| {
                desk == other
                    || (desk.port() == other.port()
                        && (desk.ip().is_unspecified() || other.ip().is_unspecified()))
            };
            if clash(public) || admin.is_some_and(clash) {
                return Err((
                    "desk_listen",
                    "must not be the public address (`listen`) nor the admin address: the desk is for the hospital's staff only",
                ));
            }
        }
        if self.notify_smtp_url.is_some()
            && self.notify_to.is_none()
            && self.notify_department_to.is_empty()
        {
            return Err((
                "notify_to",
                "notify_smtp_url is set: give the address notifications go to",
            ));
        }
        Ok(())
    }
}
