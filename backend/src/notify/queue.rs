//! The notification queue (`notify_queue`), its one owner: every statement
//! on the table is here, each state bound as a [`QueueState`] (the forward
//! queue's states: an item is pending, claimed by a node, done, or failed
//! for good), never written as a literal. A leaf importing only the store,
//! for the metrics and housekeeping.

use crate::params;
use crate::store::{OptionalExtension, Sql, Store, StoreError};

pub use crate::store::QueueState;

type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Queues `body` for `target` on `channel`, due at `now`; inside the
/// transaction that completes submission `reference`.
pub fn enqueue(
    tx: &impl Sql,
    reference: &str,
    channel: &str,
    target: &str,
    body: &str,
    now: i64,
) -> Result<()> {
    tx.execute(
        "INSERT INTO notify_queue (reference, channel, target, body, state, next_attempt, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
        params![reference, channel, target, body, QueueState::Pending, now],
    )?;
    Ok(())
}

/// One claimed notification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Queued {
    /// Its row.
    pub id: i64,
    /// The submission it tells of.
    pub reference: String,
    /// `email` or `webhook`.
    pub channel: String,
    /// The address or URL.
    pub target: String,
    /// The message, JSON.
    pub body: String,
    /// Earlier attempts.
    pub attempts: u32,
}

/// [`claim`]'s query: the next notification due (`?1` pending, due at
/// `?2`).
pub(crate) const CLAIM: &str =
    "SELECT id, reference, channel, target, body, attempts FROM notify_queue
             WHERE state = ?1 AND next_attempt <= ?2 ORDER BY next_attempt, id LIMIT 1";

/// Takes the next notification due at `at`, if any, and marks it in
/// flight for this node.
pub fn claim(store: &Store, at: i64) -> Result<Option<Queued>> {
    let mut conn = store.conn()?;
    let tx = conn.transaction()?;
    let sql = tx.claiming(CLAIM, "notify_queue");
    let item = tx
        .query_row(&sql, params![QueueState::Pending, at], |r| {
            Ok(Queued {
                id: r.get(0)?,
                reference: r.get(1)?,
                channel: r.get(2)?,
                target: r.get(3)?,
                body: r.get(4)?,
                attempts: r.get(5)?,
            })
        })
        .optional()?;
    if let Some(item) = &item {
        tx.execute(
            "UPDATE notify_queue SET state = ?1, updated_at = ?2, node = ?3 WHERE id = ?4",
            params![QueueState::Sending, at, store.node(), item.id],
        )?;
    }
    tx.commit()?;
    Ok(item)
}

/// Records that notification `id` went out.
pub fn mark_done(store: &Store, id: i64, at: i64) -> Result<()> {
    store.conn()?.execute(
        "UPDATE notify_queue SET state = ?1, attempts = attempts + 1, last_code = NULL, updated_at = ?2
         WHERE id = ?3",
        params![QueueState::Done, at, id],
    )?;
    Ok(())
}

/// Records a transient failure of notification `id`: pending again, due
/// at `next_attempt`.
pub fn mark_retry(store: &Store, id: i64, next_attempt: i64, code: &str, at: i64) -> Result<()> {
    store.conn()?.execute(
        "UPDATE notify_queue SET state = ?1, attempts = attempts + 1, next_attempt = ?2,
         last_code = ?3, updated_at = ?4 WHERE id = ?5",
        params![QueueState::Pending, next_attempt, code, at, id],
    )?;
    Ok(())
}

/// Records that notification `id` failed for good.
pub fn mark_failed(store: &Store, id: i64, code: &str, at: i64) -> Result<()> {
    store.conn()?.execute(
        "UPDATE notify_queue SET state = ?1, attempts = attempts + 1, last_code = ?2, updated_at = ?3
         WHERE id = ?4",
        params![QueueState::Failed, code, at, id],
    )?;
    Ok(())
}

/// Notifications by channel and state (for `mailslot queue`).
pub fn queue_counts(store: &Store) -> Result<Vec<(String, QueueState, i64)>> {
    store.conn()?.query_map(
        "SELECT channel, state, COUNT(*) FROM notify_queue GROUP BY channel, state ORDER BY channel, state",
        params![],
        |r| Ok((r.get(0)?, r.state(1)?, r.get(2)?)),
    )
}

/// Notifications waiting to go out (for `/metrics`).
pub fn pending(store: &Store) -> Result<i64> {
    store.conn()?.query_row(
        "SELECT COUNT(*) FROM notify_queue WHERE state = ?1",
        params![QueueState::Pending],
        |r| r.get(0),
    )
}

/// Failed notifications: (reference, channel, code).
pub fn failures(store: &Store) -> Result<Vec<(String, String, Option<String>)>> {
    store.conn()?.query_map(
        "SELECT reference, channel, last_code FROM notify_queue WHERE state = ?1 ORDER BY updated_at",
        params![QueueState::Failed],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )
}

/// Removes the notifications of session `session_id`'s submission
/// (before the submission goes).
pub fn remove_session(tx: &impl Sql, session_id: &str) -> Result<()> {
    tx.execute(
        "DELETE FROM notify_queue WHERE reference IN (SELECT reference FROM submissions WHERE session_id = ?1)",
        params![session_id],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// A notification goes through the states its owner writes, and each
    /// reader sees it where it is; an unknown state is an error naming it.
    #[test]
    fn a_notification_goes_from_pending_to_failed_and_an_unknown_state_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("db")).unwrap();
        enqueue(
            &*store.conn().unwrap(),
            "R",
            "webhook",
            "http://x/",
            "{}",
            20,
        )
        .unwrap();
        assert_eq!(pending(&store).unwrap(), 1);
        assert!(claim(&store, 19).unwrap().is_none(), "not yet due");
        let item = claim(&store, 20).unwrap().unwrap();
        assert_eq!((item.reference.as_str(), item.attempts), ("R", 0));
        assert!(claim(&store, 20).unwrap().is_none(), "claimed once");
        mark_retry(&store, item.id, 30, "notify-webhook-unavailable", 21).unwrap();
        assert_eq!(claim(&store, 30).unwrap().unwrap().attempts, 1);
        mark_failed(&store, item.id, "notify-corrupt", 31).unwrap();
        assert_eq!(
            queue_counts(&store).unwrap(),
            [("webhook".to_owned(), QueueState::Failed, 1)]
        );
        assert_eq!(
            failures(&store).unwrap()[0].2.as_deref(),
            Some("notify-corrupt")
        );
        store
            .conn()
            .unwrap()
            .execute("UPDATE notify_queue SET state = 'archived'", params![])
            .unwrap();
        let e = queue_counts(&store).unwrap_err();
        assert!(
            matches!(&e, StoreError::Word(w) if w == "archived"),
            "{e:?}"
        );
    }
}
