//! The store's unit tests, and rows for other modules' tests.

#[allow(clippy::unwrap_used)]
mod index_plans {
    use super::super::Store;

    /// The queries run per request or per forwarded object search an
    /// index: none reads a whole table that grows with every file (each
    /// did before `INDEXES`; `inbox` holds one row per submission).
    #[test]
    fn per_request_queries_search_an_index() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("db.sqlite3")).unwrap();
        let guard = store.conn().unwrap();
        let super::super::Conn::Sqlite(conn) = &*guard else {
            unreachable!("Store::open opens SQLite")
        };
        for (name, sql) in [
            ("committed bytes", crate::mailbox::COMMITTED_BYTES),
            ("forward claim", crate::forward::queue::CLAIM),
            ("notification claim", crate::notify::queue::CLAIM),
            ("expired uploads", crate::intake::end::EXPIRED),
            ("open sessions", crate::session::OPEN_SESSIONS),
            ("a client's reservations", crate::intake::CLIENT_RESERVED),
            ("a session's bytes", crate::intake::SESSION_BYTES),
        ] {
            let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
            let nulls = vec![rusqlite::types::Null; stmt.parameter_count()];
            let plan: Vec<String> = stmt
                .query_map(rusqlite::params_from_iter(nulls), |r| r.get(3))
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap();
            let scans: Vec<&String> = plan
                .iter()
                .filter(|l| {
                    l.starts_with("SCAN ")
                        && !matches!(l.as_str(), "SCAN inbox" | "SCAN CONSTANT ROW")
                })
                .collect();
            assert!(scans.is_empty(), "{name} scans a table: {plan:?}");
        }
    }
}

/// Rows for the modules' unit tests.
#[allow(clippy::unwrap_used)]
pub(crate) mod testing {
    use super::super::{Sql, Store};
    use crate::params;

    /// Session `s` (reference `R`, consent version 1) opened at `t`, with
    /// upload `upload` of `length` bytes in it, receiving since `created`
    /// and expiring at `expires`.
    pub fn session_with_upload(
        store: &Store,
        t: i64,
        upload: &str,
        length: i64,
        created: i64,
        expires: i64,
    ) {
        let conn = store.conn().unwrap();
        conn.execute(
            "INSERT INTO sessions (id, token_hash, reference, created_at, last_seen, consent_version, consent_at)
             VALUES ('s', ?2, 'R', ?1, ?1, '1', ?1)",
            params![t, vec![0u8]],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO uploads (id, session_id, file_id, kind, length, state, created_at, expires_at)
             VALUES (?1, 's', 'f', 'dicom', ?2, 'receiving', ?3, ?4)",
            params![upload, length, created, expires],
        )
        .unwrap();
    }
}
