//! Deleting a case: at once when staff close it (all but what is on its
//! way to the archive), at its deletion date by housekeeping (all). What
//! goes: the spool files, the inbox folder (letters, records,
//! `submission.json`, objects a consult delivered there) and the rows
//! (queue items, uploads, notifications, submission, case, session)
//! through each table's owner. What stays: the audit rows (reference,
//! counts, staff's names; no patient or sender data).
//!
//! An item being sent (`sending`) is never pulled from under a worker:
//! the deletion leaves the case as it is and housekeeping tries again at
//! its next pass (every minute). A closed case whose taken-over objects
//! are still queued for the archive keeps them (and the rows they need)
//! until they are delivered; then housekeeping deletes the rest.

use super::table::{self, CaseState};
use super::{check_by, normal, Action, CaseError, Cases, Result};
use crate::config::Mode;
use crate::forward::queue::{self, QueueState, Target};

/// What closing a case did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Closed {
    /// Objects deleted.
    pub deleted: usize,
    /// Objects still on their way to the archive (deleted once delivered).
    pub waiting: usize,
    /// Whether nothing of the case is left but its audit rows.
    pub gone: bool,
}

impl Cases<'_> {
    /// Closes case `reference` for `by`: deletes at once everything of it
    /// not on its way to the archive (see the module docs).
    pub fn close(&self, reference: &str, by: &str) -> Result<Closed> {
        let by = check_by(by)?;
        let reference = normal(reference);
        let _lock = self.lock(&reference)?;
        let row = table::get(&*self.store.conn()?, &reference)?
            .ok_or_else(|| CaseError::Unknown(reference.clone()))?;
        if row.state != CaseState::Closed {
            self.record(&row, Action::Close, by, "")?;
        }
        self.delete(&row, false, "closed")
    }

    /// Housekeeping at `at`: deletes held cases past their deletion date
    /// (`mode = "hold"`; in forward mode the records' retention does) and
    /// finishes closed ones; returns how many cases are gone. A case some
    /// node is acting on, or with an item in flight, waits for the next
    /// pass.
    pub fn housekeeping(&self, at: i64) -> Result<usize> {
        let mut gone = 0;
        // Bound first: a `for` keeps its expression's temporaries (the
        // connection, SQLite's only one) for the whole loop.
        let due = table::to_delete(&*self.store.conn()?, at)?;
        for reference in due {
            let Some(row) = table::get(&*self.store.conn()?, &reference)? else {
                continue;
            };
            let due = row.delete_at <= at && self.config.mode == Mode::Hold;
            if !due && row.state != CaseState::Closed {
                continue;
            }
            let Some(_lock) = self
                .store
                .try_lock(crate::store::LockSpace::Case, &reference)?
            else {
                continue;
            };
            let reason = if due { "deletion-date" } else { "closed" };
            if self.delete(&row, due, reason)?.gone {
                gone += 1;
            }
        }
        Ok(gone)
    }

    /// Deletes case `row`: everything (`all`) or all but the items on
    /// their way to the archive; nothing while an item is being sent.
    fn delete(&self, row: &table::Row, all: bool, reason: &str) -> Result<Closed> {
        let layout = self.layout();
        let sid = &row.session_id;
        let mut conn = self.store.conn()?;
        let tx = conn.transaction()?;
        let items = queue::session_items(&tx, sid)?;
        let sending = |i: &queue::SessionItem| i.state == QueueState::Sending;
        let kept = |i: &queue::SessionItem| {
            !all && i.state == QueueState::Pending && i.target == Some(Target::Archive)
        };
        if items.iter().any(sending) {
            let waiting = items.iter().filter(|i| sending(i) || kept(i)).count();
            return Ok(Closed {
                deleted: 0,
                waiting,
                gone: false,
            });
        }
        let (keep, drop): (Vec<_>, Vec<_>) = items.into_iter().partition(kept);
        let gone = keep.is_empty();
        if gone {
            queue::remove_session(&tx, sid)?;
            crate::intake::forget_session(&tx, sid)?;
            crate::notify::queue::remove_session(&tx, sid)?;
            crate::submission::forget(&tx, sid)?;
            table::forget_session(&tx, sid)?;
            crate::session::forget(&tx, sid)?;
        } else {
            for item in &drop {
                queue::remove(&tx, &item.upload_id)?;
            }
        }
        crate::mailbox::forget_inbox(&tx, &row.reference)?;
        let folder = layout.submission(&row.reference);
        if !drop.is_empty() || gone || folder.exists() {
            crate::store::audit_in(
                &tx,
                "case-deleted",
                &format!(
                    "reference={} reason={reason} objects={} waiting={} complete={gone}",
                    row.reference,
                    drop.len(),
                    keep.len()
                ),
            )?;
        }
        tx.commit()?;
        // After the commit: a crash in between leaves files no row owns,
        // which the hourly sweep removes.
        for item in &drop {
            for path in [
                layout.spooled(&item.upload_id),
                layout.reconciled(&item.upload_id),
            ] {
                if let Err(e) = std::fs::remove_file(&path) {
                    if e.kind() != std::io::ErrorKind::NotFound {
                        return Err(e.into());
                    }
                }
            }
        }
        match std::fs::remove_dir_all(&folder) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e.into()),
            _ => {}
        }
        Ok(Closed {
            deleted: drop.len(),
            waiting: keep.len(),
            gone,
        })
    }
}
