//! The embedded folder inbox: `<data>/inbox/<reference>/` holds the exact
//! bytes received (`<upload>.dcm`), letters, and `submission.json`.

use rusqlite::params;

use super::{Item, Outcome};
use crate::config::Config;
use crate::durable;
use crate::store::{now, Store, StoreError};

/// Moves a spooled object into its submission's folder.
pub fn deliver(config: &Config, store: &Store, item: &Item) -> Outcome {
    let dir = config.data_dir.join("inbox").join(&item.reference);
    let target = dir.join(format!("{}.dcm", item.upload_id));
    let moved = durable::create_dir_all(&dir).and_then(|()| {
        let len = std::fs::metadata(&item.path)?.len();
        durable::rename(&item.path, &target)?;
        Ok(len)
    });
    match moved {
        Ok(len) => match count_bytes(store, &item.reference, len) {
            Ok(()) => Outcome::Done,
            Err(_) => Outcome::Transient {
                code: "storage-failed",
                status: None,
            },
        },
        // Moved already by an attempt a crash interrupted.
        Err(_) if target.exists() => Outcome::Done,
        Err(e) => {
            tracing::error!(error = %e, upload = %item.upload_id, "cannot move into the inbox");
            Outcome::Transient {
                code: "inbox-io",
                status: None,
            }
        }
    }
}

/// Adds `bytes` to a submission's inbox size (retention and quota).
pub fn count_bytes(store: &Store, reference: &str, bytes: u64) -> Result<(), StoreError> {
    store.conn()?.execute(
        "INSERT INTO inbox (reference, created_at, bytes) VALUES (?1, ?2, ?3)
         ON CONFLICT(reference) DO UPDATE SET bytes = bytes + excluded.bytes",
        params![reference, now(), bytes as i64],
    )?;
    Ok(())
}
