//! What the forward queue holds, read for staff and monitoring
//! (`mailslot queue`, `/metrics`): a leaf that imports nothing of the
//! forwarding, so that the metrics can read it while forwarding counts
//! into the metrics.

use crate::params;
use crate::store::{Sql, Store, StoreError};

/// Counts of the forward queue by state (for `mailslot queue` and `/metrics`).
pub fn queue_counts(store: &Store) -> Result<Vec<(String, i64)>, StoreError> {
    store.conn()?.query_map(
        "SELECT state, COUNT(*) FROM forward_queue GROUP BY state ORDER BY state",
        params![],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
}
