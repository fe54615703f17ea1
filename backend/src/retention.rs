//! The mailbox's housekeeping ("Postfach"), every minute:
//! - unfinished uploads past their expiry are ended and their data removed;
//! - the embedded inbox drops submissions older than `retention_days`, then,
//!   while over `quota_bytes`, the oldest first;
//! - keys retired by a rotation are destroyed once no upload needs them.
//!
//! Every purge is written to the audit log.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use mailslot_shared::envelope::Id16;
use rusqlite::params;

use crate::config::Config;
use crate::keys::Keyring;
use crate::server::{AppState, Layout};
use crate::store::{now, Store, StoreError};

/// What one pass removed.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Report {
    /// Uploads ended for expiry.
    pub expired_uploads: usize,
    /// Inbox submissions purged (reference, reason).
    pub purged: Vec<(String, &'static str)>,
    /// Keys destroyed.
    pub keys_destroyed: usize,
}

/// Runs housekeeping in the background.
pub fn start(state: Arc<AppState>) {
    let spawned = std::thread::Builder::new()
        .name("retention".into())
        .spawn(move || loop {
            if let Err(e) = run_once(&state.config, &state.store, &state.keys, now()) {
                tracing::error!(error = %e, "retention pass failed");
            }
            std::thread::sleep(Duration::from_secs(60));
        });
    if let Err(e) = spawned {
        tracing::error!(error = %e, "cannot start the retention thread");
    }
}

/// One housekeeping pass at time `at`.
pub fn run_once(
    config: &Config,
    store: &Store,
    keys: &Keyring,
    at: i64,
) -> Result<Report, StoreError> {
    let layout = Layout::of(config);
    let mut report = Report::default();

    let expired: Vec<String> = {
        let conn = store.conn()?;
        let mut stmt =
            conn.prepare("SELECT id FROM uploads WHERE state = 'receiving' AND expires_at < ?1")?;
        let rows = stmt.query_map(params![at], |r| r.get(0))?;
        rows.collect::<Result<_, _>>()?
    };
    for id in &expired {
        let _ = std::fs::remove_file(layout.uploads.join(format!("{id}.part")));
        store.conn()?.execute(
            "UPDATE uploads SET state = 'expired', code = 'expired' WHERE id = ?1",
            params![id],
        )?;
        store.audit("upload-expired", &format!("upload={id}"))?;
    }
    report.expired_uploads = expired.len();

    let mut inbox: Vec<(String, i64, i64)> = {
        let conn = store.conn()?;
        let mut stmt = conn.prepare(
            "SELECT reference, created_at, bytes FROM inbox ORDER BY created_at, reference",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        rows.collect::<Result<_, _>>()?
    };
    let cutoff = at - (config.retention_days * 86_400) as i64;
    let mut total: i64 = inbox.iter().map(|(_, _, b)| *b).sum();
    let purge = |reference: &str,
                 bytes: i64,
                 reason: &'static str,
                 report: &mut Report|
     -> Result<(), StoreError> {
        let dir = layout.inbox.join(reference);
        if let Err(e) = std::fs::remove_dir_all(&dir) {
            if e.kind() != std::io::ErrorKind::NotFound {
                tracing::error!(error = %e, reference, "cannot purge an inbox folder");
                return Ok(());
            }
        }
        store
            .conn()?
            .execute("DELETE FROM inbox WHERE reference = ?1", params![reference])?;
        store.audit(
            "inbox-purged",
            &format!("reference={reference} reason={reason} bytes={bytes}"),
        )?;
        report.purged.push((reference.to_owned(), reason));
        Ok(())
    };
    inbox.retain(|(reference, created, bytes)| {
        if *created < cutoff {
            total -= bytes;
            let _ = purge(reference, *bytes, "age", &mut report);
            false
        } else {
            true
        }
    });
    for (reference, _, bytes) in &inbox {
        if total <= config.quota_bytes as i64 {
            break;
        }
        total -= bytes;
        purge(reference, *bytes, "quota", &mut report)?;
    }

    let in_use: HashSet<Id16> = {
        let conn = store.conn()?;
        let mut stmt = conn.prepare(
            "SELECT DISTINCT kid FROM uploads WHERE state = 'receiving' AND kid IS NOT NULL",
        )?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        rows.filter_map(|r| r.ok().and_then(|k| Id16::from_hex(&k)))
            .collect()
    };
    let grace = Duration::from_secs(config.session_max_hours * 3600);
    match keys.destroy_unused(&in_use, grace) {
        Ok(gone) => {
            for kid in &gone {
                store.audit("key-destroyed", &format!("kid={kid}"))?;
            }
            report.keys_destroyed = gone.len();
        }
        Err(e) => tracing::error!(error = %e, "cannot destroy retired keys"),
    }
    Ok(report)
}
