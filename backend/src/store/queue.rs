//! What the two queues nodes claim items from have in common: the states
//! an item goes through ([`QueueState`]) and the taking back of what a
//! stopped node was sending ([`Store::requeue_orphans`]), which needs the
//! nodes' life locks only the store holds. Each queue's own queries live
//! with its owner (`forward::queue`, `notify::queue`) and bind these
//! states; no SQL names a state as a literal.
//!
//! One type for both queues: their items go through the same states with
//! the same meaning, and the take-back here moves both from `Sending` to
//! `Pending` alike.

use super::pool::{self, LockSpace};
use super::{Db, Result, Sql, Store, StoreError, ToSql, Value};
use crate::params;

/// A queue whose items nodes claim.
#[derive(Debug, Clone, Copy)]
pub enum Queue {
    /// Objects to the PACS (`forward_queue`).
    Forward,
    /// Notifications to staff (`notify_queue`).
    Notify,
}

impl Queue {
    fn table(self) -> &'static str {
        match self {
            Queue::Forward => "forward_queue",
            Queue::Notify => "notify_queue",
        }
    }
}

/// Every state a queue item is in, as stored in its `state` column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum QueueState {
    /// Waiting for its attempt (the first or, after a transient failure,
    /// the next one at `next_attempt`).
    Pending,
    /// Claimed by a node (its id in `node`) and being sent.
    Sending,
    /// Delivered; final.
    Done,
    /// Refused for good; kept for staff (who may queue it again).
    Failed,
    /// Kept in the spool for staff (`mode = "hold"`): never claimed;
    /// staff take it over (to the archive) or send it as a consult, which
    /// makes it `Pending`, or the case is deleted with it.
    Held,
}

impl QueueState {
    /// Every state.
    pub const ALL: &'static [QueueState] = &[
        QueueState::Pending,
        QueueState::Sending,
        QueueState::Done,
        QueueState::Failed,
        QueueState::Held,
    ];

    /// As it is stored (and printed by `mailslot queue`, labelled in
    /// `/metrics`, told in a notification).
    pub fn as_str(self) -> &'static str {
        match self {
            QueueState::Pending => "pending",
            QueueState::Sending => "sending",
            QueueState::Done => "done",
            QueueState::Failed => "failed",
            QueueState::Held => "held",
        }
    }

    /// The state named `s`.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|v| v.as_str() == s)
    }

    /// The state a stored word names; [`StoreError::Word`] for a word this
    /// version does not know (a newer version's, a hand-made row).
    pub fn read(s: String) -> Result<Self> {
        Self::parse(&s).ok_or(StoreError::Word(s))
    }
}

impl std::fmt::Display for QueueState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl ToSql for QueueState {
    fn to_value(&self) -> Value {
        Value::Text(self.as_str().to_owned())
    }
}

// Not `FromSql`: read through `Row::state`, so that an unknown word is
// reported as that word, not as a column of another type.
impl super::Row {
    /// Column `index` as a queue state: [`StoreError::Word`] naming the
    /// word when this version does not know it.
    pub fn state(&self, index: usize) -> Result<QueueState> {
        QueueState::read(self.get(index)?)
    }
}

impl Store {
    /// Puts back into `queue` the items being sent by a node that no
    /// longer runs (all of them with SQLite, where this is the one node,
    /// called at start; with PostgreSQL those whose node's lock is free),
    /// and logs each node's that went back. Returns how many went back.
    ///
    /// Safe on several nodes at once: a node taking back holds the dead
    /// node's lock meanwhile (another finds it held and leaves the items),
    /// and only items still `sending` for that node are touched.
    pub fn requeue_orphans(&self, queue: Queue) -> Result<usize> {
        let table = queue.table();
        let (pending, sending) = (QueueState::Pending, QueueState::Sending);
        let conn = self.conn()?;
        let Db::Postgres(pool) = &self.db else {
            return conn.execute(
                &format!("UPDATE {table} SET state = ?1 WHERE state = ?2"),
                params![pending, sending],
            );
        };
        let nodes: Vec<Option<String>> = conn.query_map(
            &format!("SELECT DISTINCT node FROM {table} WHERE state = ?1"),
            params![sending],
            |r| r.get(0),
        )?;
        let mut requeued = 0;
        for node in nodes {
            if node.as_deref() == Some(self.node.as_str()) {
                continue;
            }
            let key = node.as_deref().map_or(0, pool::key_of);
            // Taken: that node is gone (held until the items are back).
            let Some(_gone) = pool::Lease::try_take(pool, LockSpace::Node, key)? else {
                continue;
            };
            let n = conn.execute(
                &format!(
                    "UPDATE {table} SET state = ?1, node = NULL WHERE state = ?2 AND node IS NOT DISTINCT FROM ?3"
                ),
                params![pending, sending, node],
            )?;
            if n > 0 {
                // The node's id is random per start: no patient data.
                tracing::warn!(
                    queue = table,
                    node = node.as_deref().unwrap_or("-"),
                    items = n,
                    "took back what a stopped node was sending"
                );
            }
            requeued += n;
        }
        Ok(requeued)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn every_state_reads_back_as_itself() {
        for &state in QueueState::ALL {
            assert_eq!(QueueState::parse(state.as_str()), Some(state));
            assert_eq!(QueueState::read(state.to_string()).unwrap(), state);
            assert_eq!(state.to_value(), Value::Text(state.as_str().into()));
        }
        let words: std::collections::HashSet<_> =
            QueueState::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(words.len(), QueueState::ALL.len(), "two states, one word");
    }

    #[test]
    fn an_unknown_word_is_an_error_that_names_it() {
        assert_eq!(QueueState::parse("Pending"), None);
        let e = QueueState::read("archived".into()).unwrap_err();
        assert!(
            matches!(&e, StoreError::Word(w) if w == "archived"),
            "{e:?}"
        );
        assert_eq!(e.to_string(), "unknown stored word \"archived\"");
    }
}
