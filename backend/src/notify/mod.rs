//! Tells the hospital at once that a submission arrived: an e-mail over
//! SMTP (to the department the sender picked, else the default address)
//! and/or a webhook (JSON, signed with HMAC-SHA256 when a secret is set).
//!
//! Invariants:
//! - A notification carries the reference number, department, purpose,
//!   counts, modalities, sizes and the forwarding state — never a patient's
//!   name, ID or birth date, nor anything the sender typed or wrote into a
//!   file: the department is one of the hospital's ids, the purpose a
//!   `wire::Purpose`, and modalities are DICOM's defined terms (any other
//!   value counts as `OT`; at most `submission::studies::MAX_MODALITIES`). Staff open the
//!   case with `mailslot submissions show REFERENCE`.
//! - Notifications are queued in the same transaction that completes the
//!   submission (`notify_queue`), so none is lost to a crash; failures are
//!   retried with the forwarder's backoff and survive restarts. An SMTP
//!   server's permanent refusal (5xx) is recorded as `failed` for
//!   `mailslot queue --failed`. The queue's table has one owner, `queue`.

pub mod queue;

use std::collections::BTreeMap;
use std::time::Duration;

use crate::store::Tx;
use hmac::{KeyInit, Mac};
use mailslot_shared::wire::Purpose;
use serde::{Deserialize, Serialize};

use crate::clock::now;
use crate::config::Config;
use crate::forward::backoff;
use crate::store::{Store, StoreError};

use queue::Queued;
pub use queue::{failures, queue_counts};

/// The channels a notification goes out on.
const EMAIL: &str = "email";
const WEBHOOK: &str = "webhook";

/// The header that carries the webhook body's signature:
/// `sha256=<hex HMAC-SHA256 of the body under the shared secret>`.
pub const SIGNATURE_HEADER: &str = "X-Mailslot-Signature";

/// What staff are told of one submission (no patient or sender data).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    /// The reference number the sender quotes.
    pub reference: String,
    /// Unix seconds of completion.
    pub received_at: i64,
    /// The department id the sender picked, if any.
    pub department: Option<String>,
    /// Its name in the hospital's texts (German), if any.
    #[serde(default)]
    pub department_name: Option<String>,
    /// What the images are for, if given.
    pub purpose: Option<Purpose>,
    /// Studies among the accepted images.
    pub studies: u64,
    /// Accepted images.
    pub images: u64,
    /// Their bytes.
    pub bytes: u64,
    /// Modalities among them (CT, MR …), sorted.
    pub modalities: Vec<String>,
    /// Letters attached.
    pub letters: u64,
    /// Files refused.
    pub refused: u64,
    /// Forward queue states and counts when the message left.
    #[serde(default)]
    pub forwarding: BTreeMap<String, i64>,
}

impl Message {
    /// The e-mail's subject.
    pub fn subject(&self) -> String {
        format!("DICOM Mailslot: submission {}", self.reference)
    }

    /// The e-mail's plain text.
    pub fn text(&self) -> String {
        let or_dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
        let received = crate::clock::readable_utc(self.received_at);
        let department = match (&self.department_name, &self.department) {
            (Some(name), Some(id)) => format!("{name} ({id})"),
            _ => or_dash(&self.department),
        };
        let forwarding: Vec<String> = self
            .forwarding
            .iter()
            .map(|(k, n)| format!("{k} {n}"))
            .collect();
        format!(
            "A submission arrived through DICOM Mailslot.\n\n\
             Reference:   {}\n\
             Received:    {}\n\
             Department:  {}\n\
             Purpose:     {}\n\
             Images:      {} in {} studies ({}), {:.1} MB\n\
             Letters:     {}\n\
             Refused:     {}\n\
             Forwarding:  {}\n\n\
             The sender will call and quote the reference number. On the server,\n\
             `mailslot submissions show {}` prints the case.\n",
            self.reference,
            received,
            department,
            self.purpose.map_or("-", Purpose::as_str),
            self.images,
            self.studies,
            if self.modalities.is_empty() {
                "-".into()
            } else {
                self.modalities.join(", ")
            },
            self.bytes as f64 / 1e6,
            self.letters,
            self.refused,
            if forwarding.is_empty() {
                "-".into()
            } else {
                forwarding.join(", ")
            },
            self.reference,
        )
    }
}

/// Where the e-mail for `department` goes: its own address, else the default.
fn recipient(config: &Config, department: Option<&str>) -> Option<String> {
    department
        .and_then(|d| config.notify_department_to.get(d).cloned())
        .or_else(|| config.notify_to.clone())
}

/// Queues `message` on every configured channel, inside the transaction
/// that completes the submission.
pub fn enqueue(config: &Config, tx: &Tx<'_>, message: &Message) -> Result<(), StoreError> {
    let mut channels = Vec::new();
    if config.notify_smtp_url.is_some() {
        if let Some(to) = recipient(config, message.department.as_deref()) {
            channels.push((EMAIL, to));
        }
    }
    if let Some(url) = &config.notify_webhook_url {
        channels.push((WEBHOOK, url.clone()));
    }
    // Strings, numbers and a string-keyed map: serialising cannot fail.
    let body = serde_json::to_string(message).unwrap_or_default();
    let t = now();
    for (channel, target) in channels {
        queue::enqueue(tx, &message.reference, channel, &target, &body, t)?;
    }
    Ok(())
}

/// What became of one attempt.
#[derive(Debug, PartialEq, Eq)]
enum Sent {
    Done,
    Retry(&'static str),
    Failed(&'static str),
}

/// Starts the notification thread (when a channel is configured).
pub fn start(config: Config, store: std::sync::Arc<Store>) -> Result<(), StoreError> {
    if config.notify_smtp_url.is_none() && config.notify_webhook_url.is_none() {
        return Ok(());
    }
    store.requeue_orphans(crate::store::Queue::Notify)?;
    let spawned = std::thread::Builder::new()
        .name("notify".into())
        .spawn(move || loop {
            match queue::claim(&store, now()) {
                Ok(Some(item)) => {
                    let outcome = deliver(&config, &store, &item);
                    if let Err(e) = record(&store, &item, &outcome, config.retry_base.as_secs()) {
                        tracing::error!(code = e.code(), error = %e, "cannot record a notification");
                    }
                }
                Ok(None) => std::thread::sleep(Duration::from_millis(500)),
                Err(e) => {
                    tracing::error!(code = e.code(), error = %e, "notification queue unreadable");
                    std::thread::sleep(Duration::from_secs(5));
                }
            }
        });
    if let Err(e) = spawned {
        tracing::error!(error = %e, "cannot start the notification thread");
    }
    Ok(())
}

/// The forwarding state of a submission, counted now.
fn forwarding(store: &Store, reference: &str) -> BTreeMap<String, i64> {
    crate::forward::queue::submission_counts(store, reference)
        .map(|rows| {
            rows.into_iter()
                .map(|(state, n)| (state.as_str().to_owned(), n))
                .collect()
        })
        .unwrap_or_default()
}

fn deliver(config: &Config, store: &Store, item: &Queued) -> Sent {
    let Ok(mut message) = serde_json::from_str::<Message>(&item.body) else {
        return Sent::Failed("notify-corrupt");
    };
    message.forwarding = forwarding(store, &item.reference);
    match item.channel.as_str() {
        EMAIL => email(config, &item.target, &message),
        WEBHOOK => webhook(config, &item.target, &message),
        _ => Sent::Failed("notify-corrupt"),
    }
}

fn email(config: &Config, to: &str, message: &Message) -> Sent {
    use lettre::Transport;
    let Some(url) = &config.notify_smtp_url else {
        return Sent::Retry("notify-smtp-unconfigured");
    };
    let (Ok(from), Ok(to)) = (config.notify_from.parse(), to.parse()) else {
        return Sent::Failed("notify-address-invalid");
    };
    let Ok(mail) = lettre::Message::builder()
        .from(from)
        .to(to)
        .subject(message.subject())
        .header(lettre::message::header::ContentType::TEXT_PLAIN)
        .body(message.text())
    else {
        return Sent::Failed("notify-address-invalid");
    };
    let transport = match smtp_transport(url, config.notify_smtp_ca_file.as_deref()) {
        Ok(t) => t,
        // The CA file can be mended while the mail waits.
        Err(code @ "notify-smtp-tls-config") => return Sent::Retry(code),
        Err(code) => return Sent::Failed(code),
    };
    match transport.send(&mail) {
        Ok(_) => Sent::Done,
        Err(e) if e.is_permanent() => Sent::Failed("notify-smtp-refused"),
        Err(_) => Sent::Retry("notify-smtp-unavailable"),
    }
}

/// The SMTP transport `url` describes (see `Config::notify_smtp_url`),
/// verifying the server's certificate also against the CAs in `ca_file`
/// when TLS is used.
fn smtp_transport(
    url: &str,
    ca_file: Option<&std::path::Path>,
) -> Result<lettre::SmtpTransport, &'static str> {
    use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
    let invalid = "notify-smtp-url-invalid";
    let mut builder = lettre::SmtpTransport::from_url(url).map_err(|_| invalid)?;
    if let Some(ca_file) = ca_file {
        let parsed = url::Url::parse(url).map_err(|_| invalid)?;
        let host = parsed.host_str().ok_or(invalid)?.to_owned();
        let tls = parsed
            .query_pairs()
            .find(|(k, _)| k == "tls")
            .map(|(_, v)| v.into_owned());
        let params = std::fs::read(ca_file)
            .ok()
            .and_then(|pem| Certificate::from_pem(&pem).ok())
            .and_then(|ca| {
                TlsParameters::builder(host)
                    .add_root_certificate(ca)
                    .build()
                    .ok()
            })
            .ok_or("notify-smtp-tls-config")?;
        builder = match (parsed.scheme(), tls.as_deref()) {
            ("smtps", _) => builder.tls(Tls::Wrapper(params)),
            (_, Some("required")) => builder.tls(Tls::Required(params)),
            (_, Some("opportunistic")) => builder.tls(Tls::Opportunistic(params)),
            _ => builder,
        };
    }
    Ok(builder.timeout(Some(Duration::from_secs(30))).build())
}

/// `sha256=<hex>`: the HMAC-SHA256 of `body` under `secret`.
pub fn signature(secret: &[u8], body: &[u8]) -> String {
    // HMAC takes a key of any length: this cannot fail.
    let Ok(mut mac) = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret) else {
        return String::new();
    };
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

fn webhook(config: &Config, url: &str, message: &Message) -> Sent {
    let Ok(body) = serde_json::to_vec(message) else {
        return Sent::Failed("notify-corrupt");
    };
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(30)))
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .into();
    let mut request = agent.post(url).header("Content-Type", "application/json");
    if let Some(secret) = &config.notify_webhook_secret {
        request = request.header(SIGNATURE_HEADER, signature(secret.as_bytes(), &body));
    }
    match request.send(&body[..]) {
        Ok(reply) if reply.status().is_success() => Sent::Done,
        Ok(_) | Err(_) => Sent::Retry("notify-webhook-unavailable"),
    }
}

fn record(store: &Store, item: &Queued, sent: &Sent, retry_base: u64) -> Result<(), StoreError> {
    let t = now();
    match sent {
        Sent::Done => {
            queue::mark_done(store, item.id, t)?;
            tracing::info!(reference = %item.reference, channel = %item.channel, "hospital notified");
        }
        Sent::Retry(code) => {
            let next = t + backoff(retry_base, item.attempts);
            queue::mark_retry(store, item.id, next, code, t)?;
            tracing::warn!(reference = %item.reference, channel = %item.channel, code, attempts = item.attempts + 1, "notification will be retried");
        }
        Sent::Failed(code) => {
            queue::mark_failed(store, item.id, code, t)?;
            tracing::error!(reference = %item.reference, channel = %item.channel, code, "notification failed");
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message() -> Message {
        Message {
            reference: "ABC-DEF-GHJ".into(),
            received_at: 1,
            department: Some("radiology".into()),
            department_name: Some("Radiologie".into()),
            purpose: Some(Purpose::SecondOpinion),
            studies: 2,
            images: 10,
            bytes: 5_000_000,
            modalities: vec!["CT".into(), "MR".into()],
            letters: 1,
            refused: 0,
            forwarding: BTreeMap::from([("done".into(), 10)]),
        }
    }

    #[test]
    fn the_mail_names_the_case_by_its_reference() {
        let text = message().text();
        assert!(text.contains("ABC-DEF-GHJ"));
        assert!(text.contains("Department:  Radiologie (radiology)"));
        assert!(text.contains("Received:    1970-01-01 00:00 UTC"));
        assert!(text.contains("10 in 2 studies (CT, MR), 5.0 MB"));
        assert!(text.contains("second-opinion"));
        assert!(text.contains("done 10"));
    }

    #[test]
    fn the_signature_is_rfc_4231_hmac_sha256() {
        // RFC 4231, test case 2.
        assert_eq!(
            signature(b"Jefe", b"what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
