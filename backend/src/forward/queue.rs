//! The forward queue (`forward_queue`), its one owner: every statement on
//! the table is here, each state bound as a [`QueueState`], never written
//! as a literal. Intake queues an accepted object ([`enqueue`], in the
//! transaction that accepts it); the workers claim and record outcomes;
//! staff tooling, the metrics, the case file, notifications, the
//! mailbox's accounting and sweep, and housekeeping read and purge
//! through the functions below.
//!
//! Longer than 400 lines with its tests: one owner for every statement
//! on the table outweighs the length.
//!
//! A leaf: it imports nothing but the store, so that the metrics, the
//! mailbox and intake can use it while the forwarding uses them.

use crate::params;
use crate::store::{OptionalExtension, Sql, Store, StoreError};

pub use crate::store::QueueState;

type Result<T, E = StoreError> = std::result::Result<T, E>;

/// The states whose object is still in the spool: queued, in flight,
/// refused for good and kept for staff, or held for staff; every state
/// but `Done`.
pub const IN_SPOOL: [QueueState; 4] = [
    QueueState::Pending,
    QueueState::Sending,
    QueueState::Failed,
    QueueState::Held,
];

/// Where an item goes (its `destination` column): each destination has
/// workers of its own that claim only its items.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Target {
    /// `forward`: the hospital's archive.
    Archive,
    /// `consult`: a second opinion's destination, never the archive.
    Consult,
}

impl Target {
    /// As stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Target::Archive => "archive",
            Target::Consult => "consult",
        }
    }

    /// The target a stored word names (`None`: not decided yet, or a word
    /// this version does not know, which no worker claims either).
    pub fn parse(s: &str) -> Option<Self> {
        [Target::Archive, Target::Consult]
            .into_iter()
            .find(|t| t.as_str() == s)
    }
}

impl crate::store::ToSql for Target {
    fn to_value(&self) -> crate::store::Value {
        crate::store::Value::Text(self.as_str().to_owned())
    }
}

/// Queues upload `upload_id` of session `session_id`, inside the
/// transaction that accepts it: due at once for the archive, or (`held`:
/// `mode = "hold"`) held for staff with no destination yet. Queued
/// already (a retry after a crash): nothing changes.
pub fn enqueue(
    tx: &impl Sql,
    upload_id: &str,
    session_id: &str,
    now: i64,
    held: bool,
) -> Result<()> {
    let (state, target) = match held {
        true => (QueueState::Held, None),
        false => (QueueState::Pending, Some(Target::Archive)),
    };
    tx.execute(
        "INSERT INTO forward_queue (upload_id, session_id, state, next_attempt, updated_at, destination)
         VALUES (?1, ?2, ?3, ?4, ?4, ?5) ON CONFLICT DO NOTHING",
        params![upload_id, session_id, state, now, target],
    )?;
    Ok(())
}

/// One item of a session, as the case module sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionItem {
    /// The upload (the spool file's name).
    pub upload_id: String,
    /// Its state.
    pub state: QueueState,
    /// Where it goes, once decided.
    pub target: Option<Target>,
}

/// Every item of session `session_id`, by upload id.
pub fn session_items(conn: &impl Sql, session_id: &str) -> Result<Vec<SessionItem>> {
    conn.query_map(
        "SELECT upload_id, state, destination FROM forward_queue WHERE session_id = ?1 ORDER BY upload_id",
        params![session_id],
        |r| {
            Ok(SessionItem {
                upload_id: r.get(0)?,
                state: r.state(1)?,
                target: r.get::<Option<String>>(2)?.as_deref().and_then(Target::parse),
            })
        },
    )
}

/// Marks held item `upload_id` as going to `target` once released (a
/// take-over whose rewritten file is written but not yet in place);
/// `false` if it is not held without a destination.
pub fn destine(conn: &impl Sql, upload_id: &str, target: Target, at: i64) -> Result<bool> {
    Ok(conn.execute(
        "UPDATE forward_queue SET destination = ?1, updated_at = ?2
         WHERE upload_id = ?3 AND state = ?4 AND destination IS NULL",
        params![target, at, upload_id, QueueState::Held],
    )? == 1)
}

/// Releases held item `upload_id` to `target`, due at `at`: pending, to
/// be claimed by that destination's workers. Only a held item whose
/// destination is `target` or not decided is released; `false` otherwise.
pub fn release(conn: &impl Sql, upload_id: &str, target: Target, at: i64) -> Result<bool> {
    Ok(conn.execute(
        "UPDATE forward_queue SET state = ?1, destination = ?2, next_attempt = ?3, updated_at = ?3
         WHERE upload_id = ?4 AND state = ?5 AND (destination IS NULL OR destination = ?2)",
        params![QueueState::Pending, target, at, upload_id, QueueState::Held],
    )? == 1)
}

/// An item a worker claimed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claimed {
    /// The upload (also the spool file's name).
    pub upload_id: String,
    /// Its submission's reference number.
    pub reference: String,
    /// Earlier attempts.
    pub attempts: u32,
}

/// [`claim`]'s query: due items (`?1` pending, due at `?2`) for
/// destination `?4`, oldest first, at most `?3`.
pub(crate) const CLAIM: &str = "SELECT q.upload_id, s.reference, q.attempts FROM forward_queue q JOIN sessions s ON s.id = q.session_id
             WHERE q.state = ?1 AND q.next_attempt <= ?2 AND q.destination = ?4 ORDER BY q.next_attempt, q.upload_id LIMIT ?3";

/// Takes up to `n` items for `target` due at `at` and marks them in
/// flight for this node.
pub fn claim(store: &Store, target: Target, n: usize, at: i64) -> Result<Vec<Claimed>> {
    let mut conn = store.conn()?;
    let tx = conn.transaction()?;
    let items: Vec<Claimed> = tx.query_map(
        &tx.claiming(CLAIM, "q"),
        params![QueueState::Pending, at, n as i64, target],
        |r| {
            Ok(Claimed {
                upload_id: r.get(0)?,
                reference: r.get(1)?,
                attempts: r.get(2)?,
            })
        },
    )?;
    for item in &items {
        tx.execute(
            "UPDATE forward_queue SET state = ?1, updated_at = ?2, node = ?3 WHERE upload_id = ?4",
            params![QueueState::Sending, at, store.node(), item.upload_id],
        )?;
    }
    tx.commit()?;
    Ok(items)
}

/// Records that `upload_id` was delivered.
pub fn mark_done(store: &Store, upload_id: &str, at: i64) -> Result<()> {
    store.conn()?.execute(
        "UPDATE forward_queue SET state = ?1, attempts = attempts + 1, updated_at = ?2, last_code = NULL
         WHERE upload_id = ?3",
        params![QueueState::Done, at, upload_id],
    )?;
    Ok(())
}

/// Records a transient failure of `upload_id`: pending again, due at
/// `next_attempt`.
pub fn mark_retry(
    store: &Store,
    upload_id: &str,
    next_attempt: i64,
    code: &str,
    status: Option<u32>,
    at: i64,
) -> Result<()> {
    store.conn()?.execute(
        "UPDATE forward_queue SET state = ?1, attempts = attempts + 1, next_attempt = ?2,
         last_code = ?3, last_status = ?4, updated_at = ?5 WHERE upload_id = ?6",
        params![
            QueueState::Pending,
            next_attempt,
            code,
            status,
            at,
            upload_id
        ],
    )?;
    Ok(())
}

/// Records that the destination refused `upload_id` for good.
pub fn mark_failed(
    store: &Store,
    upload_id: &str,
    code: &str,
    status: Option<u32>,
    at: i64,
) -> Result<()> {
    store.conn()?.execute(
        "UPDATE forward_queue SET state = ?1, attempts = attempts + 1, last_code = ?2, last_status = ?3,
         updated_at = ?4 WHERE upload_id = ?5",
        params![QueueState::Failed, code, status, at, upload_id],
    )?;
    Ok(())
}

/// Puts the items refused for good whose file is still there (`spooled`
/// says) back into the queue, due at `at`, and audits how many; returns
/// how many.
pub fn retry_failed(store: &Store, spooled: impl Fn(&str) -> bool, at: i64) -> Result<usize> {
    let mut conn = store.conn()?;
    let tx = conn.transaction()?;
    let failed: Vec<String> = tx.query_map(
        "SELECT upload_id FROM forward_queue WHERE state = ?1",
        params![QueueState::Failed],
        |r| r.get(0),
    )?;
    let mut again = 0;
    for id in failed.iter().filter(|id| spooled(id)) {
        again += tx.execute(
            "UPDATE forward_queue SET state = ?1, next_attempt = ?2, updated_at = ?2
             WHERE upload_id = ?3 AND state = ?4",
            params![QueueState::Pending, at, id, QueueState::Failed],
        )?;
    }
    crate::store::audit_in(&tx, "forward-requeued", &format!("objects={again}"))?;
    tx.commit()?;
    Ok(again)
}

/// A permanently failed item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The upload.
    pub upload_id: String,
    /// Its submission's reference number.
    pub reference: String,
    /// The stable code.
    pub code: Option<String>,
    /// DIMSE or HTTP status, if any.
    pub status: Option<i64>,
}

/// Permanently failed items, for staff (`mailslot queue --failed`).
pub fn failures(store: &Store) -> Result<Vec<Failure>> {
    store.conn()?.query_map(
        "SELECT q.upload_id, s.reference, q.last_code, q.last_status FROM forward_queue q
         JOIN sessions s ON s.id = q.session_id WHERE q.state = ?1 ORDER BY q.updated_at",
        params![QueueState::Failed],
        |r| {
            Ok(Failure {
                upload_id: r.get(0)?,
                reference: r.get(1)?,
                code: r.get(2)?,
                status: r.get(3)?,
            })
        },
    )
}

/// Counts by state (for `mailslot queue` and `/metrics`); states without
/// items are left out.
pub fn queue_counts(store: &Store) -> Result<Vec<(QueueState, i64)>> {
    store.conn()?.query_map(
        "SELECT state, COUNT(*) FROM forward_queue GROUP BY state ORDER BY state",
        params![],
        |r| Ok((r.state(0)?, r.get(1)?)),
    )
}

/// Counts by state of session `session_id`'s items (the case list).
pub fn session_counts(conn: &impl Sql, session_id: &str) -> Result<Vec<(QueueState, i64)>> {
    conn.query_map(
        "SELECT state, COUNT(*) FROM forward_queue WHERE session_id = ?1 GROUP BY state ORDER BY state",
        params![session_id],
        |r| Ok((r.state(0)?, r.get(1)?)),
    )
}

/// Counts by state of the items of submission `reference` (what a
/// notification tells).
pub fn submission_counts(store: &Store, reference: &str) -> Result<Vec<(QueueState, i64)>> {
    store.conn()?.query_map(
        "SELECT q.state, COUNT(*) FROM forward_queue q JOIN submissions s ON s.session_id = q.session_id
         WHERE s.reference = ?1 GROUP BY q.state ORDER BY q.state",
        params![reference],
        |r| Ok((r.state(0)?, r.get(1)?)),
    )
}

/// When the oldest object still waiting for the PACS (pending or in
/// flight) was uploaded, if any waits.
pub fn oldest_waiting(store: &Store) -> Result<Option<i64>> {
    store.conn()?.query_row(
        "SELECT MIN(u.created_at) FROM forward_queue q JOIN uploads u ON u.id = q.upload_id
         WHERE q.state IN (?1, ?2)",
        params![QueueState::Pending, QueueState::Sending],
        |r| r.get(0),
    )
}

/// Whether upload `upload_id` is queued and not done: its file belongs
/// in the spool.
pub fn upload_unfinished(conn: &impl Sql, upload_id: &str) -> Result<bool> {
    let n: i64 = conn.query_row(
        "SELECT COUNT(*) FROM forward_queue WHERE upload_id = ?1 AND state != ?2",
        params![upload_id, QueueState::Done],
        |r| r.get(0),
    )?;
    Ok(n > 0)
}

/// Whether session `session_id` has an item not done (queued, in flight,
/// or refused and kept for staff).
pub fn session_unfinished(conn: &impl Sql, session_id: &str) -> Result<bool> {
    Ok(conn
        .query_row(
            "SELECT 1 FROM forward_queue WHERE session_id = ?1 AND state != ?2 LIMIT 1",
            params![session_id, QueueState::Done],
            |r| r.get::<i64>(0),
        )
        .optional()?
        .is_some())
}

/// The items refused for good and last touched before `cutoff`.
pub fn refused_before(store: &Store, cutoff: i64) -> Result<Vec<String>> {
    store.conn()?.query_map(
        "SELECT upload_id FROM forward_queue WHERE state = ?1 AND updated_at < ?2",
        params![QueueState::Failed, cutoff],
        |r| r.get(0),
    )
}

/// Removes upload `upload_id`'s item.
pub fn remove(conn: &impl Sql, upload_id: &str) -> Result<()> {
    conn.execute(
        "DELETE FROM forward_queue WHERE upload_id = ?1",
        params![upload_id],
    )?;
    Ok(())
}

/// Removes session `session_id`'s items (before its uploads go).
pub fn remove_session(tx: &impl Sql, session_id: &str) -> Result<()> {
    tx.execute(
        "DELETE FROM forward_queue WHERE session_id = ?1",
        params![session_id],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::store::testing::session_with_upload;

    fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("db")).unwrap();
        session_with_upload(&store, 10, "u1", 100, 10, 1000);
        (dir, store)
    }

    /// An item goes through the states its owner writes, and each reader
    /// sees it where it is.
    #[test]
    fn an_item_goes_from_pending_through_failed_back_to_done() {
        let (_dir, store) = store();
        let conn = || store.conn().unwrap();
        enqueue(&*conn(), "u1", "s", 20, false).unwrap();
        enqueue(&*conn(), "u1", "s", 30, false).unwrap();
        assert_eq!(queue_counts(&store).unwrap(), [(QueueState::Pending, 1)]);
        assert_eq!(oldest_waiting(&store).unwrap(), Some(10));
        assert!(
            claim(&store, Target::Archive, 8, 19).unwrap().is_empty(),
            "not yet due"
        );
        let claimed = claim(&store, Target::Archive, 8, 20).unwrap();
        assert_eq!(claimed.len(), 1);
        assert_eq!(claimed[0].reference, "R");
        assert_eq!(
            session_counts(&*conn(), "s").unwrap(),
            [(QueueState::Sending, 1)]
        );
        mark_retry(&store, "u1", 40, "pacs-unavailable", None, 21).unwrap();
        assert!(
            claim(&store, Target::Archive, 8, 39).unwrap().is_empty(),
            "backing off"
        );
        assert_eq!(
            claim(&store, Target::Archive, 8, 40).unwrap()[0].attempts,
            1
        );
        mark_failed(&store, "u1", "pacs-refused", Some(0xC000), 41).unwrap();
        assert_eq!(failures(&store).unwrap()[0].status, Some(0xC000));
        assert_eq!(oldest_waiting(&store).unwrap(), None);
        assert!(upload_unfinished(&*conn(), "u1").unwrap());
        assert!(session_unfinished(&*conn(), "s").unwrap());
        assert_eq!(refused_before(&store, 42).unwrap(), ["u1"]);
        assert_eq!(retry_failed(&store, |_| false, 50).unwrap(), 0);
        assert_eq!(retry_failed(&store, |_| true, 50).unwrap(), 1);
        claim(&store, Target::Archive, 8, 50).unwrap();
        mark_done(&store, "u1", 51).unwrap();
        assert_eq!(queue_counts(&store).unwrap(), [(QueueState::Done, 1)]);
        assert!(!upload_unfinished(&*conn(), "u1").unwrap());
        assert!(!session_unfinished(&*conn(), "s").unwrap());
        remove_session(&*conn(), "s").unwrap();
        assert!(queue_counts(&store).unwrap().is_empty());
    }

    /// A state this version does not know (written by a newer one, or by
    /// hand) is an error that names it, not a panic or a wrong count.
    #[test]
    fn an_unknown_state_in_the_database_is_an_error_naming_it() {
        let (_dir, store) = store();
        store
            .conn()
            .unwrap()
            .execute(
                "INSERT INTO forward_queue (upload_id, session_id, state, next_attempt, updated_at)
                 VALUES ('u1', 's', 'archived', 0, 0)",
                params![],
            )
            .unwrap();
        for e in [
            queue_counts(&store).unwrap_err(),
            session_counts(&*store.conn().unwrap(), "s").unwrap_err(),
        ] {
            assert!(
                matches!(&e, StoreError::Word(w) if w == "archived"),
                "{e:?}"
            );
            assert_eq!(e.to_string(), "unknown stored word \"archived\"");
        }
    }
}
