//! The forward queue's workers: a background thread pool that survives
//! restarts (the queue lives in SQLite). Each accepted object is forwarded
//! to the configured destination; on success its spool file is removed.
//!
//! What becomes of a delivery attempt ([`Delivery`]): `Done`; `Transient`
//! (refused connection, abort, timeout, out of resources) → retried with
//! exponential backoff; `Permanent` (the PACS refused the object) →
//! recorded for staff with the status and code, never silently dropped.

pub mod dimse;
pub mod inbox;
mod pdata;
pub mod queue;
pub mod stow;

use std::path::PathBuf;
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use crate::clock::now;
use crate::config::{Config, Destination};
use crate::store::{Store, StoreError};

pub use queue::{failures, queue_counts, Failure, Target};

/// One object to forward.
#[derive(Debug, Clone)]
pub struct Item {
    /// Upload id (also the spool file's name).
    pub upload_id: String,
    /// The submission's reference number (the inbox folder).
    pub reference: String,
    /// The spool file.
    pub path: PathBuf,
    /// Earlier attempts.
    pub attempts: u32,
}

/// What became of one forwarding attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    /// Stored by the destination.
    Done,
    /// Try again later.
    Transient {
        /// Stable code.
        code: &'static str,
        /// DIMSE status or HTTP status, if any.
        status: Option<u32>,
    },
    /// The destination refused the object.
    Permanent {
        /// Stable code.
        code: &'static str,
        /// DIMSE status or HTTP status, if any.
        status: Option<u32>,
    },
}

/// Classifies a DICOM storage status (PS3.4 B.2.3, PS3.7 C): a C-STORE
/// response's Status, or a STOW-RS Failure Reason (0008,1197).
pub fn classify(status: u16) -> Delivery {
    let s = Some(u32::from(status));
    match status {
        0x0000 | 0x0001 | 0x0107 | 0x0116 | 0xB000..=0xBFFF => Delivery::Done,
        0xA700..=0xA7FF => Delivery::Transient {
            code: "pacs-out-of-resources",
            status: s,
        },
        0xA900..=0xA9FF => Delivery::Permanent {
            code: "pacs-data-set-mismatch",
            status: s,
        },
        0xC000..=0xCFFF => Delivery::Permanent {
            code: "pacs-cannot-understand",
            status: s,
        },
        0x0122 => Delivery::Permanent {
            code: "pacs-sop-class-not-supported",
            status: s,
        },
        _ => Delivery::Permanent {
            code: "pacs-refused",
            status: s,
        },
    }
}

/// What a forwarder needs to know of a spooled object.
#[derive(Debug)]
pub(crate) struct Spooled {
    /// The acceptance rules' summary; its (data set) UIDs are authoritative.
    pub summary: mailslot_shared::dicom::Summary,
    /// The file's length.
    pub len: u64,
}

/// Reads the start of a spooled file and runs the acceptance rules on it.
pub(crate) fn identify(path: &std::path::Path) -> Result<Spooled, Delivery> {
    use std::io::Read;
    let unreadable = Delivery::Permanent {
        code: "spool-unreadable",
        status: None,
    };
    let mut file = std::fs::File::open(path).map_err(|_| Delivery::Transient {
        code: "spool-io",
        status: None,
    })?;
    let len = file.metadata().map_err(|_| unreadable.clone())?.len();
    let mut prefix = Vec::new();
    (&mut file)
        .take(256 * 1024)
        .read_to_end(&mut prefix)
        .map_err(|_| unreadable.clone())?;
    let verdict =
        mailslot_shared::dicom::inspect(&prefix, len, &mailslot_shared::dicom::Limits::default());
    let summary = verdict.accepted().ok_or(unreadable)?.clone();
    Ok(Spooled { summary, len })
}

/// Wakes the workers; the handle the server keeps.
#[derive(Debug, Clone)]
pub struct Forwarder {
    signal: Arc<(Mutex<u64>, Condvar)>,
}

impl Forwarder {
    /// Starts the workers for `config.forward` (the archive) and, if set,
    /// `config.consult`: each claims only its own destination's items.
    pub fn start(config: Config, store: Arc<Store>) -> Result<Self, StoreError> {
        // Items a crash left in flight go back to the queue (with several
        // nodes: those of nodes that no longer run; housekeeping repeats it).
        store.requeue_orphans(crate::store::Queue::Forward)?;
        let signal = Arc::new((Mutex::new(0u64), Condvar::new()));
        let mut targets = vec![(Target::Archive, config.forward.clone())];
        if let Some(consult) = &config.consult {
            targets.push((Target::Consult, consult.clone()));
        }
        for (target, destination) in targets {
            let workers = match destination {
                Destination::Dimse { .. } => config.dimse_associations,
                Destination::Stow { .. } => 2,
                Destination::Inbox => 1,
            };
            for n in 0..workers {
                let (config, store, signal) = (config.clone(), store.clone(), signal.clone());
                let destination = destination.clone();
                let spawned = std::thread::Builder::new()
                    .name(format!("forward-{}-{n}", target.as_str()))
                    .spawn(move || worker(&config, &store, &signal, target, &destination));
                if let Err(e) = spawned {
                    tracing::error!(error = %e, "cannot start a forward worker");
                }
            }
        }
        Ok(Forwarder { signal })
    }

    /// Tells the workers new work is queued.
    pub fn wake(&self) {
        let (lock, cvar) = &*self.signal;
        if let Ok(mut n) = lock.lock() {
            *n += 1;
            cvar.notify_all();
        }
    }
}

/// Backoff after `attempts` failures: `base` seconds doubling, at most 10 minutes.
pub fn backoff(base: u64, attempts: u32) -> i64 {
    ((base as i64) << attempts.min(10)).min(600)
}

fn worker(
    config: &Config,
    store: &Store,
    signal: &(Mutex<u64>, Condvar),
    target: Target,
    destination: &Destination,
) {
    let batch = match destination {
        Destination::Dimse { .. } => 32,
        Destination::Stow { .. } => config.stow_batch,
        Destination::Inbox => 64,
    };
    loop {
        let seen = signal.0.lock().map(|n| *n).unwrap_or(0);
        let items = match claim(config, store, target, batch) {
            Ok(items) => items,
            Err(e) => {
                tracing::error!(code = e.code(), error = %e, "forward queue unreadable");
                Vec::new()
            }
        };
        if items.is_empty() {
            if let Ok(guard) = signal.0.lock() {
                let _ = signal
                    .1
                    .wait_timeout_while(guard, Duration::from_secs(2), |n| *n == seen);
            }
            continue;
        }
        // Each outcome is recorded as soon as it is known (for C-STORE:
        // per response), so a crash repeats at most what is in flight.
        let mut record_one = |i: usize, outcome: Delivery| {
            let item = &items[i];
            if let Err(e) = record(store, item, &outcome, config.retry_base.as_secs()) {
                tracing::error!(code = e.code(), error = %e, upload = %item.upload_id, "cannot record a forward outcome");
            }
        };
        match destination {
            Destination::Inbox => {
                for (i, item) in items.iter().enumerate() {
                    record_one(i, inbox::deliver(config, store, item));
                }
            }
            Destination::Stow { base_url } => {
                let target = stow::Target::of(base_url, config);
                let replies = stow::send(&target, &items);
                for (i, outcome) in replies.into_iter().enumerate() {
                    record_one(i, outcome);
                }
            }
            Destination::Dimse {
                ae_title,
                host,
                port,
            } => dimse::send(
                &dimse::Peer {
                    calling: &config.calling_ae_title,
                    called: ae_title,
                    host,
                    port: *port,
                    timeout: config.dimse_timeout,
                },
                &items,
                &mut record_one,
            ),
        }
    }
}

/// Takes up to `n` due items for `target` and marks them in flight.
fn claim(
    config: &Config,
    store: &Store,
    target: Target,
    n: usize,
) -> Result<Vec<Item>, StoreError> {
    let layout = crate::mailbox::Layout::of(&config.data_dir);
    Ok(queue::claim(store, target, n, now())?
        .into_iter()
        .map(|c| Item {
            path: layout.spooled(&c.upload_id),
            upload_id: c.upload_id,
            reference: c.reference,
            attempts: c.attempts,
        })
        .collect())
}

fn record(
    store: &Store,
    item: &Item,
    outcome: &Delivery,
    retry_base: u64,
) -> Result<(), StoreError> {
    let t = now();
    match outcome {
        Delivery::Done => {
            queue::mark_done(store, &item.upload_id, t)?;
            // Only once "done" is recorded: a node that stops in between
            // leaves a file the hourly sweep removes (`sweep_orphans`), not
            // an item in flight without its file, which the node taking it
            // back would send again and find unreadable — a delivered
            // object recorded as failed. The inbox moved the file already;
            // other destinations leave it.
            let _ = std::fs::remove_file(&item.path);
            tracing::info!(upload = %item.upload_id, "forwarded");
            crate::metrics::count(|m| m.forwarded.inc());
        }
        Delivery::Transient { code, status } => {
            let next = t + backoff(retry_base, item.attempts);
            queue::mark_retry(store, &item.upload_id, next, code, *status, t)?;
            tracing::warn!(upload = %item.upload_id, code, status, attempts = item.attempts + 1, "forwarding will be retried");
            crate::metrics::count(|m| {
                m.forward_failures
                    .with_label_values(&[code, "transient"])
                    .inc()
            });
        }
        Delivery::Permanent { code, status } => {
            crate::metrics::count(|m| {
                m.forward_failures
                    .with_label_values(&[code, "permanent"])
                    .inc()
            });
            queue::mark_failed(store, &item.upload_id, code, *status, t)?;
            store.audit(
                "forward-failed",
                &format!(
                    "upload={} reference={} code={code} status={}",
                    item.upload_id,
                    item.reference,
                    status
                        .map(|s| format!("{s:#06x}"))
                        .unwrap_or_else(|| "-".into())
                ),
            )?;
        }
    }
    Ok(())
}

/// Puts the objects the PACS refused for good back into the queue (after
/// the PACS was fixed), those whose file is still in the spool; returns
/// how many. A running server picks them up within seconds.
pub fn retry_failed(store: &Store, layout: &crate::mailbox::Layout) -> Result<usize, StoreError> {
    queue::retry_failed(store, |id| layout.spooled(id).is_file(), now())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::store::Sql;

    /// The spooled file goes only after the item is recorded as done: when
    /// that cannot be written, the file stays for the item's next attempt.
    #[test]
    fn a_delivery_that_cannot_be_recorded_keeps_the_spooled_file() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("db")).unwrap();
        let path = dir.path().join("u1.dcm");
        std::fs::write(&path, b"DICM").unwrap();
        let item = Item {
            upload_id: "u1".into(),
            reference: "ABC-DEF-GHJ".into(),
            path: path.clone(),
            attempts: 0,
        };
        // The database refuses the write (as when a node stops between the
        // two steps, the record never happens).
        store
            .conn()
            .unwrap()
            .execute_batch("DROP TABLE forward_queue")
            .unwrap();
        assert!(record(&store, &item, &Delivery::Done, 1).is_err());
        assert!(path.exists(), "the file went before its item was done");
    }
}
