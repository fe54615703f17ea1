//! The mailbox on disk and its byte accounting: where an upload's partial
//! plaintext, a spooled object and the embedded inbox live under the data
//! directory, and how many bytes the mailbox holds or has promised. Used
//! by intake (receiving), forwarding (spool → PACS or inbox), submissions
//! and retention (purges), so no module rebuilds these paths from strings.

use std::path::{Path, PathBuf};

use crate::params;
use crate::store::{Sql, ToSql, Value};
use mailslot_shared::wire::UploadState;

use crate::clock::now;
use crate::durable;
use crate::store::{Store, StoreError};

/// Folders under the data directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    /// `<data>/uploads`: partial plaintext of uploads in progress.
    pub uploads: PathBuf,
    /// `<data>/spool`: accepted objects waiting to be forwarded.
    pub spool: PathBuf,
    /// `<data>/inbox`: the embedded inbox, one folder per submission.
    pub inbox: PathBuf,
}

impl Layout {
    /// The layout under `data_dir`.
    pub fn of(data_dir: &Path) -> Self {
        Layout {
            uploads: data_dir.join("uploads"),
            spool: data_dir.join("spool"),
            inbox: data_dir.join("inbox"),
        }
    }

    /// Creates every folder (durably), and makes durable what a crash may
    /// have left unsynced: [`durable::create_dir_all`] takes a folder it
    /// finds as durable, which holds once the folder holding its name has
    /// been synced — the data folder (these three), the inbox (each
    /// submission's folder) and each submission's folder (its `letters`).
    pub fn create(&self) -> std::io::Result<()> {
        for dir in [&self.uploads, &self.spool, &self.inbox] {
            durable::create_dir_all(dir)?;
        }
        if let Some(data) = self.inbox.parent().filter(|p| !p.as_os_str().is_empty()) {
            durable::sync_dir(data)?;
        }
        durable::sync_tree(&self.inbox)
    }

    /// The partial plaintext of upload `id`.
    pub fn part(&self, id: &str) -> PathBuf {
        self.uploads.join(format!("{id}.part"))
    }

    /// Upload `id`'s object in the spool.
    pub fn spooled(&self, id: &str) -> PathBuf {
        self.spool.join(format!("{id}.dcm"))
    }

    /// Upload `id`'s object rewritten under the hospital's identity (a
    /// take-over), before it replaces [`Layout::spooled`].
    pub fn reconciled(&self, id: &str) -> PathBuf {
        self.spool.join(format!("{id}.reconciled.dcm"))
    }

    /// The inbox folder of submission `reference`.
    pub fn submission(&self, reference: &str) -> PathBuf {
        self.inbox.join(reference)
    }

    /// Upload `id`'s object in the inbox folder of `reference`.
    pub fn inbox_object(&self, reference: &str, id: &str) -> PathBuf {
        self.submission(reference).join(format!("{id}.dcm"))
    }

    /// The folder for the letters of submission `reference`.
    pub fn letters(&self, reference: &str) -> PathBuf {
        self.submission(reference).join("letters")
    }

    /// Letter upload `id` of submission `reference`, as a PDF.
    pub fn letter(&self, reference: &str, id: &str) -> PathBuf {
        self.letters(reference).join(format!("{id}.pdf"))
    }
}

/// [`committed_bytes`]'s query (per upload creation and preflight; one
/// statement, one sum): `?1` the receiving state, `?2` since when a
/// reservation counts, `?3`–`?6` the forward queue's states whose object
/// is still in the spool (`forward::queue::IN_SPOOL`). The sum is cast:
/// PostgreSQL sums BIGINTs as NUMERIC.
pub(crate) const COMMITTED_BYTES: &str = r#"SELECT CAST(
            (SELECT COALESCE(SUM(CASE WHEN last_progress >= ?2 THEN length ELSE "offset" END), 0)
               FROM uploads WHERE state = ?1)
          + (SELECT COALESCE(SUM(u.plaintext_len), 0) FROM uploads u
               JOIN forward_queue q ON q.upload_id = u.id
               WHERE q.state IN (?3, ?4, ?5, ?6))
          + (SELECT COALESCE(SUM(bytes), 0) FROM inbox) AS BIGINT)"#;

/// Bytes the mailbox occupies or has promised now, each counted once:
/// - uploads still receiving: their announced length while they make
///   progress (a reservation; progress at or after `active_since`), else
///   only the bytes that arrived;
/// - accepted objects still in the spool (queued, in flight, or refused by
///   the PACS for good), at their plaintext length;
/// - the embedded inbox (objects delivered there, letters, records).
///
/// An object forwarded to the PACS left the spool and counts no more; one
/// delivered into the inbox counts there only; a purge frees its bytes.
pub fn committed_bytes(store: &Store, active_since: i64) -> Result<u64, StoreError> {
    let [a, b, c, d] = crate::forward::queue::IN_SPOOL;
    let total: i64 = store.conn()?.query_row(
        COMMITTED_BYTES,
        params![UploadState::Receiving.as_str(), active_since, a, b, c, d],
        |r| r.get(0),
    )?;
    Ok(total.max(0) as u64)
}

/// Adds `bytes` to a submission's inbox size (retention and quota).
pub fn count_inbox_bytes(store: &Store, reference: &str, bytes: u64) -> Result<(), StoreError> {
    store.conn()?.execute(
        "INSERT INTO inbox (reference, created_at, bytes) VALUES (?1, ?2, ?3)
         ON CONFLICT(reference) DO UPDATE SET bytes = inbox.bytes + excluded.bytes",
        params![reference, now(), bytes as i64],
    )?;
    Ok(())
}

/// Removes submission `reference`'s inbox row (its folder is gone).
pub fn forget_inbox(conn: &impl Sql, reference: &str) -> Result<(), StoreError> {
    conn.execute("DELETE FROM inbox WHERE reference = ?1", params![reference])?;
    Ok(())
}

/// Files older than this (seconds) that no database row owns are swept:
/// older than any write in progress (a spool rename precedes its commit).
pub const ORPHAN_AGE_SECS: u64 = 3600;

/// Removes what no database row owns and nothing is still writing: part
/// files of uploads no longer receiving, spool files not queued (or
/// already forwarded), inbox folders no submission counts. Only entries
/// unchanged for [`ORPHAN_AGE_SECS`] before `at` are touched. Each removal
/// goes to the audit log; returns how many were removed.
pub fn sweep_orphans(store: &Store, layout: &Layout, at: i64) -> Result<usize, StoreError> {
    let cutoff = std::time::UNIX_EPOCH
        + std::time::Duration::from_secs((at.max(0) as u64).saturating_sub(ORPHAN_AGE_SECS));
    let old = |path: &Path| {
        std::fs::symlink_metadata(path)
            .and_then(|m| m.modified())
            .is_ok_and(|t| t < cutoff)
    };
    let owned = |sql: &str, values: &[&str]| -> Result<bool, StoreError> {
        let values: Vec<Value> = values.iter().map(ToSql::to_value).collect();
        Ok(store.conn()?.query_row(sql, &values, |r| r.get::<i64>(0))? > 0)
    };
    let mut swept = 0;
    let mut sweep = |kind: &str, path: &Path, name: &str| -> Result<(), StoreError> {
        let gone = if path.is_dir() {
            std::fs::remove_dir_all(path)
        } else {
            std::fs::remove_file(path)
        };
        match gone {
            Ok(()) => {
                swept += 1;
                store.audit("orphan-swept", &format!("kind={kind} name={name}"))
            }
            Err(e) => {
                tracing::error!(error = %e, kind, "cannot sweep an orphaned file");
                Ok(())
            }
        }
    };
    let entries = |dir: &Path| -> Vec<(std::path::PathBuf, String)> {
        std::fs::read_dir(dir)
            .into_iter()
            .flatten()
            .filter_map(Result::ok)
            .map(|e| (e.path(), e.file_name().to_string_lossy().into_owned()))
            .collect()
    };
    for (path, name) in entries(&layout.uploads) {
        let id = name.strip_suffix(".part").unwrap_or(&name);
        let receiving = owned(
            "SELECT COUNT(*) FROM uploads WHERE id = ?1 AND state = ?2",
            &[id, UploadState::Receiving.as_str()],
        )?;
        if !receiving && old(&path) {
            sweep("part", &path, id)?;
        }
    }
    for (path, name) in entries(&layout.spool) {
        let id = name.strip_suffix(".dcm").unwrap_or(&name);
        let id = id.strip_suffix(".reconciled").unwrap_or(id);
        let queued = crate::forward::queue::upload_unfinished(&*store.conn()?, id)?;
        if !queued && old(&path) {
            sweep("spool", &path, id)?;
        }
    }
    for (path, reference) in entries(&layout.inbox) {
        let counted = owned(
            "SELECT COUNT(*) FROM inbox WHERE reference = ?1",
            &[reference.as_str()],
        )?;
        if !counted && old(&path) {
            sweep("inbox", &path, &reference)?;
        }
    }
    Ok(swept)
}
