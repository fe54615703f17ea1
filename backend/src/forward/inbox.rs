//! The embedded folder inbox: `<data>/inbox/<reference>/` holds the exact
//! bytes received (`<upload>.dcm`), letters, and `submission.json`.

use super::{Delivery, Item};
use crate::config::Config;
use crate::durable;
use crate::mailbox::{count_inbox_bytes, Layout};
use crate::store::Store;

/// Moves a spooled object into its submission's folder.
pub fn deliver(config: &Config, store: &Store, item: &Item) -> Delivery {
    let layout = Layout::of(&config.data_dir);
    let dir = layout.submission(&item.reference);
    let target = layout.inbox_object(&item.reference, &item.upload_id);
    let moved = durable::create_dir_all(&dir).and_then(|()| {
        let len = std::fs::metadata(&item.path)?.len();
        durable::rename(&item.path, &target)?;
        Ok(len)
    });
    match moved {
        Ok(len) => match count_inbox_bytes(store, &item.reference, len) {
            Ok(()) => Delivery::Done,
            Err(_) => Delivery::Transient {
                code: "storage-failed",
                status: None,
            },
        },
        // Moved already by an attempt a crash interrupted.
        Err(_) if target.exists() => Delivery::Done,
        Err(e) => {
            tracing::error!(error = %e, upload = %item.upload_id, "cannot move into the inbox");
            Delivery::Transient {
                code: "inbox-io",
                status: None,
            }
        }
    }
}
