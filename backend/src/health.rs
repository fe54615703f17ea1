//! Readiness: whether this server can take uploads and deliver them now.
//! Each check says why not, in a sentence for the administrator (no
//! patient data can appear: only paths, addresses and counts).
//!
//! - `database`: a write transaction can be begun (not read-only, not
//!   locked, the file is there);
//! - `disk`: the data directory's file system has at least
//!   `min_free_disk_bytes` free;
//! - `pacs`: C-ECHO for DIMSE, an HTTP answer (any status) for STOW-RS;
//!   the embedded inbox lives on the data disk, so `disk` covers it.
//!
//! Liveness (`/api/health`) stays on the public port and says only that
//! the process answers.

use std::path::Path;
use std::time::Duration;

use serde::Serialize;

use crate::config::{Config, Destination};
use crate::forward::stow;
use crate::store::Store;

/// The longest a PACS check may take: a probe must answer quickly.
const PACS_TIMEOUT: Duration = Duration::from_secs(5);

/// One check's result.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Check {
    /// `database`, `disk` or `pacs`.
    pub name: &'static str,
    /// Whether it passed.
    pub ok: bool,
    /// Why not (or what was found, when it passed).
    pub detail: String,
}

/// All checks; ready when every one passed.
#[derive(Debug, Clone, Serialize)]
pub struct Readiness {
    /// Whether the server is ready.
    pub ready: bool,
    /// Each check.
    pub checks: Vec<Check>,
}

/// Runs every check (blocking: C-ECHO and the database).
pub fn readiness(config: &Config, store: &Store) -> Readiness {
    let checks = vec![
        database(store),
        disk(&config.data_dir, config.min_free_disk_bytes),
        pacs(config),
    ];
    Readiness {
        ready: checks.iter().all(|c| c.ok),
        checks,
    }
}

fn check(name: &'static str, result: Result<String, String>) -> Check {
    match result {
        Ok(detail) => Check {
            name,
            ok: true,
            detail,
        },
        Err(detail) => Check {
            name,
            ok: false,
            detail,
        },
    }
}

/// Whether a write transaction can be begun (and is rolled back at once).
pub fn database(store: &Store) -> Check {
    let result = store
        .conn()
        .map_err(|e| e.to_string())
        .and_then(|c| {
            c.check_writable()
                .map_err(|e| format!("the database cannot be written: {e}"))
        })
        .map(|()| "writable".to_owned());
    check("database", result)
}

/// Free bytes on the file system holding `dir`.
pub fn free_bytes(dir: &Path) -> std::io::Result<u64> {
    let st = rustix::fs::statvfs(dir)?;
    Ok(st.f_bavail.saturating_mul(st.f_frsize))
}

/// Whether the data disk has at least `min_free` bytes free.
pub fn disk(dir: &Path, min_free: u64) -> Check {
    let result = match free_bytes(dir) {
        Err(e) => Err(format!("cannot read free space of {}: {e}", dir.display())),
        Ok(free) if free < min_free => Err(format!(
            "the data disk is nearly full: {} MiB free, at least {} MiB wanted (min_free_disk_bytes)",
            free >> 20,
            min_free >> 20
        )),
        Ok(free) => Ok(format!("{} MiB free", free >> 20)),
    };
    check("disk", result)
}

/// Whether the PACS answers.
pub fn pacs(config: &Config) -> Check {
    let result = match &config.forward {
        Destination::Inbox => Ok("embedded inbox on the data disk".to_owned()),
        Destination::Dimse {
            ae_title,
            host,
            port,
        } => crate::forward::dimse::echo(&crate::forward::dimse::Peer {
            calling: &config.calling_ae_title,
            called: ae_title,
            host,
            port: *port,
            timeout: PACS_TIMEOUT.min(config.dimse_timeout),
        })
        .map(|()| format!("C-ECHO to {ae_title}@{host}:{port} answered")),
        Destination::Stow { base_url } => {
            stow::answers(&stow::Target::of(base_url, config), PACS_TIMEOUT)
        }
    };
    check("pacs", result)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_disk_with_less_free_space_than_wanted_is_not_ready() {
        let dir = tempfile::tempdir().unwrap();
        let free = free_bytes(dir.path()).unwrap();
        assert!(disk(dir.path(), free / 2).ok);
        let full = disk(dir.path(), free.saturating_mul(2).max(1 << 40));
        assert!(!full.ok);
        assert!(full.detail.contains("nearly full"), "{}", full.detail);
        let gone = disk(&dir.path().join("missing"), 1);
        assert!(!gone.ok);
    }

    #[test]
    fn a_database_another_process_holds_is_not_ready() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db");
        let store = Store::open(&path).unwrap();
        assert!(database(&store).ok);
        let other = rusqlite::Connection::open(&path).unwrap();
        other.execute_batch("BEGIN EXCLUSIVE;").unwrap();
        let held = database(&store);
        assert!(!held.ok);
        assert!(held.detail.contains("cannot be written"), "{}", held.detail);
        other.execute_batch("ROLLBACK;").unwrap();
        assert!(database(&store).ok);
    }

    #[test]
    fn a_stow_server_that_is_not_there_does_not_answer() {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .unwrap()
            .port();
        let target = stow::Target {
            base_url: format!("http://127.0.0.1:{port}/dicom-web"),
            timeout_secs: 1,
            authorization: None,
            ca_pem: None,
        };
        assert!(stow::answers(&target, PACS_TIMEOUT).is_err());
    }
}
