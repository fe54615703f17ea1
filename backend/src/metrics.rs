//! Prometheus metrics, served on the admin address only
//! ([`crate::server::admin`]); the `prometheus` crate does the
//! exposition.
//!
//! Counters are counted where things happen (one process-wide registry);
//! the queue, notification and mailbox figures are read from the database
//! when scraped ([`Metrics::gather`]), so they are right after a restart
//! too. No label ever holds patient data, a reference or an id: labels
//! are verdicts and stable error codes only.

use std::sync::LazyLock;

use prometheus::{Encoder, IntCounter, IntCounterVec, IntGauge, IntGaugeVec, Opts, Registry};

use crate::clock::now;
use crate::mailbox::committed_bytes;
use crate::store::{QueueState, Store, StoreError};

/// Every metric the server exposes.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    /// Upload sessions opened (password accepted).
    pub sessions: IntCounter,
    /// Wrong upload passwords, and attempts refused while locked out.
    pub password_refusals: IntCounter,
    /// Uploads finished, by verdict (`accepted`, `rejected`, `duplicate`,
    /// `failed`).
    pub uploads: IntCounterVec,
    /// Plaintext bytes received and kept (before the verdict).
    pub received_bytes: IntCounter,
    /// API requests refused, by stable error code.
    pub refusals: IntCounterVec,
    /// Objects the PACS (or the inbox) took.
    pub forwarded: IntCounter,
    /// Forwarding attempts that failed, by code and whether it is retried
    /// (`transient`) or given up (`permanent`).
    pub forward_failures: IntCounterVec,
    /// Inbox submissions removed, by reason (`age`, `quota`).
    pub purges: IntCounterVec,
    forward_queue: IntGaugeVec,
    forward_oldest: IntGauge,
    notifications_pending: IntGauge,
    mailbox_bytes: IntGauge,
    mailbox_quota: IntGauge,
    disk_free: IntGauge,
}

type Made<T> = Result<T, prometheus::Error>;

fn counter(registry: &Registry, name: &str, help: &str) -> Made<IntCounter> {
    let c = IntCounter::new(name, help)?;
    registry.register(Box::new(c.clone()))?;
    Ok(c)
}

fn counter_vec(
    registry: &Registry,
    name: &str,
    help: &str,
    labels: &[&str],
) -> Made<IntCounterVec> {
    let c = IntCounterVec::new(Opts::new(name, help), labels)?;
    registry.register(Box::new(c.clone()))?;
    Ok(c)
}

fn gauge(registry: &Registry, name: &str, help: &str) -> Made<IntGauge> {
    let g = IntGauge::new(name, help)?;
    registry.register(Box::new(g.clone()))?;
    Ok(g)
}

impl Metrics {
    fn new() -> Made<Self> {
        let r = Registry::new();
        Ok(Metrics {
            sessions: counter(&r, "mailslot_sessions_total", "Upload sessions opened.")?,
            password_refusals: counter(
                &r,
                "mailslot_password_refusals_total",
                "Upload passwords refused (wrong, or the client was locked out).",
            )?,
            uploads: counter_vec(
                &r,
                "mailslot_uploads_total",
                "Uploads finished, by verdict.",
                &["verdict"],
            )?,
            received_bytes: counter(
                &r,
                "mailslot_received_bytes_total",
                "Plaintext bytes received and kept.",
            )?,
            refusals: counter_vec(
                &r,
                "mailslot_refusals_total",
                "API requests refused, by error code.",
                &["code"],
            )?,
            forwarded: counter(
                &r,
                "mailslot_forwarded_total",
                "Objects delivered to the PACS or the inbox.",
            )?,
            forward_failures: counter_vec(
                &r,
                "mailslot_forward_failures_total",
                "Failed forwarding attempts, by code and kind.",
                &["code", "kind"],
            )?,
            purges: counter_vec(
                &r,
                "mailslot_purges_total",
                "Inbox submissions removed, by reason.",
                &["reason"],
            )?,
            forward_queue: {
                let g = IntGaugeVec::new(
                    Opts::new(
                        "mailslot_forward_queue",
                        "Objects in the forward queue, by state.",
                    ),
                    &["state"],
                )?;
                r.register(Box::new(g.clone()))?;
                g
            },
            forward_oldest: gauge(
                &r,
                "mailslot_forward_queue_oldest_age_seconds",
                "Age of the oldest object waiting to be forwarded (0 when none).",
            )?,
            notifications_pending: gauge(
                &r,
                "mailslot_notifications_pending",
                "Notifications to staff not yet delivered.",
            )?,
            mailbox_bytes: gauge(
                &r,
                "mailslot_mailbox_bytes",
                "Bytes the mailbox holds against its quota.",
            )?,
            mailbox_quota: gauge(&r, "mailslot_mailbox_quota_bytes", "The mailbox quota.")?,
            disk_free: gauge(
                &r,
                "mailslot_data_disk_free_bytes",
                "Free bytes on the data directory's file system.",
            )?,
            registry: r,
        })
    }

    /// Reads the database's figures and renders every metric in the
    /// Prometheus text format.
    pub fn gather(
        &self,
        store: &Store,
        data_dir: &std::path::Path,
        quota: u64,
        reservation_idle_secs: u64,
    ) -> Result<String, StoreError> {
        let t = now();
        // The states `mailslot queue` counts; a state without items is 0.
        let counts = crate::forward::queue::queue_counts(store)?;
        for state in [QueueState::Pending, QueueState::Sending, QueueState::Failed] {
            let n = counts.iter().find(|(s, _)| *s == state).map_or(0, |c| c.1);
            self.forward_queue
                .with_label_values(&[state.as_str()])
                .set(n);
        }
        // From the upload's creation: how long the oldest object still
        // waiting has been kept from the PACS.
        let oldest = crate::forward::queue::oldest_waiting(store)?;
        self.forward_oldest
            .set(oldest.map_or(0, |o| (t - o).max(0)));
        self.notifications_pending
            .set(crate::notify::queue::pending(store)?);
        let held = committed_bytes(store, t - reservation_idle_secs as i64)?;
        self.mailbox_bytes
            .set(i64::try_from(held).unwrap_or(i64::MAX));
        self.mailbox_quota
            .set(i64::try_from(quota).unwrap_or(i64::MAX));
        // Unreadable: -1, which no alert on "low" mistakes for room.
        let free = crate::health::free_bytes(data_dir)
            .map_or(-1, |b| i64::try_from(b).unwrap_or(i64::MAX));
        self.disk_free.set(free);
        let mut out = Vec::new();
        prometheus::TextEncoder::new()
            .encode(&self.registry.gather(), &mut out)
            .map_err(|e| StoreError::Io("metrics".into(), std::io::Error::other(e)))?;
        Ok(String::from_utf8_lossy(&out).into_owned())
    }
}

/// The process's metrics (an error only if a definition above is
/// invalid, which the unit test below rules out; `serve` refuses to start
/// then).
static METRICS: LazyLock<Made<Metrics>> = LazyLock::new(Metrics::new);

/// The process's metrics, if they could be defined.
pub fn get() -> Result<&'static Metrics, &'static prometheus::Error> {
    METRICS.as_ref()
}

/// Counts something: `f` with the metrics (nothing if they could not be
/// defined).
pub fn count(f: impl FnOnce(&Metrics)) {
    if let Ok(m) = get() {
        f(m);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_metric_is_registered_and_labels_are_codes() {
        let m = Metrics::new().unwrap();
        m.uploads.with_label_values(&["accepted"]).inc();
        m.refusals.with_label_values(&["wrong-password"]).inc();
        let families = m.registry.gather();
        let names: Vec<&str> = families.iter().map(|f| f.name()).collect();
        for want in [
            "mailslot_sessions_total",
            "mailslot_password_refusals_total",
            "mailslot_uploads_total",
            "mailslot_received_bytes_total",
            "mailslot_refusals_total",
            "mailslot_forwarded_total",
            "mailslot_forward_queue_oldest_age_seconds",
            "mailslot_notifications_pending",
            "mailslot_mailbox_bytes",
            "mailslot_mailbox_quota_bytes",
            "mailslot_data_disk_free_bytes",
        ] {
            assert!(names.contains(&want), "{want} missing from {names:?}");
        }
    }
}
