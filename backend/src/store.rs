//! Durable state in SQLite: passwords, sessions, uploads, submissions, the
//! forward queue and the audit log. The database runs in WAL mode with
//! `synchronous = FULL`, so what was acknowledged survives a crash or
//! restart. Each statement is atomic; changes that must happen together
//! (accepting an object and queueing it, closing a session's uploads,
//! recording a submission and ending its session) run in one transaction
//! where they are made (`intake`, `server::submit`). The modules that own a
//! table write its SQL; this module holds the schema and the connection.
//!
//! Patient data never enters the database: uploads are known by opaque ids,
//! SOP Instance UIDs are kept only as a SHA-256 (for idempotence), and the
//! sender's contact data is not stored here at all: it exists in clear only
//! in `inbox/<reference>/submission.json` (mode 0600) for staff.

use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use rusqlite::{params, Connection, OptionalExtension};

/// A database failure.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// SQLite reported an error.
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// The database lock was poisoned by a panic elsewhere.
    #[error("database lock poisoned")]
    Poisoned,
    /// The database file could not be created.
    #[error("cannot create {0}: {1}")]
    Io(std::path::PathBuf, std::io::Error),
}

impl StoreError {
    /// Stable kebab-case code.
    pub fn code(&self) -> &'static str {
        "storage-failed"
    }

    /// Whether SQLite could not write for lack of disk space.
    pub fn is_disk_full(&self) -> bool {
        matches!(
            self,
            StoreError::Sqlite(rusqlite::Error::SqliteFailure(e, _))
                if e.code == rusqlite::ErrorCode::DiskFull
        )
    }
}

type Result<T, E = StoreError> = std::result::Result<T, E>;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS passwords (
    id INTEGER PRIMARY KEY,
    hash TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER
);
CREATE TABLE IF NOT EXISTS sessions (
    id TEXT PRIMARY KEY,
    token_hash BLOB NOT NULL UNIQUE,
    reference TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    last_seen INTEGER NOT NULL,
    consent_version TEXT NOT NULL,
    consent_at INTEGER NOT NULL,
    announced_files INTEGER NOT NULL DEFAULT 0,
    announced_bytes INTEGER NOT NULL DEFAULT 0,
    finalized_at INTEGER
);
CREATE TABLE IF NOT EXISTS uploads (
    id TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES sessions(id),
    file_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    length INTEGER NOT NULL,
    offset INTEGER NOT NULL DEFAULT 0,
    header BLOB,
    kid TEXT,
    state TEXT NOT NULL,
    code TEXT,
    instance_hash TEXT,
    plaintext_len INTEGER,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    UNIQUE(session_id, file_id)
);
CREATE TABLE IF NOT EXISTS submissions (
    reference TEXT PRIMARY KEY,
    session_id TEXT NOT NULL UNIQUE REFERENCES sessions(id),
    department TEXT,
    created_at INTEGER NOT NULL,
    files INTEGER NOT NULL,
    bytes INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS forward_queue (
    upload_id TEXT PRIMARY KEY REFERENCES uploads(id),
    session_id TEXT NOT NULL,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt INTEGER NOT NULL,
    last_code TEXT,
    last_status INTEGER,
    updated_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS inbox (
    reference TEXT PRIMARY KEY,
    created_at INTEGER NOT NULL,
    bytes INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS lockouts (
    client TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    locked_until INTEGER,
    updated_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS notify_queue (
    id INTEGER PRIMARY KEY,
    reference TEXT NOT NULL,
    channel TEXT NOT NULL,
    target TEXT NOT NULL,
    body TEXT NOT NULL,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt INTEGER NOT NULL,
    last_code TEXT,
    updated_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    event TEXT NOT NULL,
    detail TEXT NOT NULL
);
";

/// Columns added to existing tables: (table, column, declaration).
const MIGRATIONS: &[(&str, &str, &str)] = &[
    // Unix seconds of an upload's last progress (creation, or bytes kept).
    ("uploads", "last_progress", "INTEGER NOT NULL DEFAULT 0"),
    // Keyed hash of the client that opened a session (see `lockout`).
    ("sessions", "client", "TEXT"),
    // What the images are for (`wire::PURPOSES`; not patient data).
    ("submissions", "purpose", "TEXT"),
];

/// The indexes of the queries that run per request or per forwarded
/// object. Without them each ran over every row the mailbox ever kept
/// (until housekeeping): 50 senders × 200 files spent more of the server's
/// CPU in those scans than in everything else (see `docs/scaling.md`).
/// Created after the migrations (`sessions.client` is one).
const INDEXES: &str = "
CREATE INDEX IF NOT EXISTS uploads_by_state ON uploads(state, expires_at);
CREATE INDEX IF NOT EXISTS forward_queue_by_state ON forward_queue(state, next_attempt);
CREATE INDEX IF NOT EXISTS forward_queue_by_session ON forward_queue(session_id, state);
CREATE INDEX IF NOT EXISTS sessions_by_client ON sessions(client, created_at);
CREATE INDEX IF NOT EXISTS notify_queue_by_state ON notify_queue(state, next_attempt);
CREATE INDEX IF NOT EXISTS audit_by_time ON audit(at);
";

/// The database handle. Calls block: use them from `web::block`.
#[derive(Debug)]
pub struct Store {
    conn: Mutex<Connection>,
}

/// Appends an audit event through `conn` (a transaction's, so that the
/// event commits with what it records).
pub fn audit_in(conn: &Connection, event: &str, detail: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO audit (at, event, detail) VALUES (?1, ?2, ?3)",
        params![now(), event, detail],
    )?;
    tracing::info!(event, detail, "audit");
    Ok(())
}

/// Seconds since the Unix epoch.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

impl Store {
    /// Opens (creating if needed) the database at `path`.
    pub fn open(path: &Path) -> Result<Self> {
        // SQLite gives its -wal and -shm files the database file's mode.
        crate::durable::create_private_if_missing(path)
            .map_err(|e| StoreError::Io(path.to_owned(), e))?;
        let conn = Connection::open(path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        conn.execute_batch(SCHEMA)?;
        // Columns added after the first release: older databases get them.
        for (table, column, decl) in MIGRATIONS {
            match conn.execute(
                &format!("ALTER TABLE {table} ADD COLUMN {column} {decl}"),
                [],
            ) {
                Ok(_) => {}
                Err(e) if e.to_string().contains("duplicate column name") => {}
                Err(e) => return Err(e.into()),
            }
        }
        conn.execute_batch(INDEXES)?;
        Ok(Store {
            conn: Mutex::new(conn),
        })
    }

    /// The connection, for the modules that own their tables' queries.
    pub fn conn(&self) -> Result<MutexGuard<'_, Connection>> {
        self.conn.lock().map_err(|_| StoreError::Poisoned)
    }

    /// Appends to the audit log. `detail` must hold no patient data.
    pub fn audit(&self, event: &str, detail: &str) -> Result<()> {
        audit_in(&*self.conn()?, event, detail)
    }

    /// The audit log, oldest first (staff tooling and tests).
    pub fn audit_log(&self) -> Result<Vec<(i64, String, String)>> {
        let conn = self.conn()?;
        let mut stmt = conn.prepare("SELECT at, event, detail FROM audit ORDER BY id")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        rows.collect::<Result<_, _>>().map_err(StoreError::from)
    }

    /// One value from a single-row query, if any.
    pub fn query_opt<T: rusqlite::types::FromSql>(
        &self,
        sql: &str,
        params: impl rusqlite::Params,
    ) -> Result<Option<T>> {
        Ok(self
            .conn()?
            .query_row(sql, params, |r| r.get(0))
            .optional()?)
    }
}

/// Rows for the modules' unit tests.
#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::Store;

    /// The queries run per request or per forwarded object search an
    /// index: none reads a whole table that grows with every file (each
    /// did before `INDEXES`; `inbox` holds one row per submission).
    #[test]
    fn per_request_queries_search_an_index() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("db.sqlite3")).unwrap();
        let conn = store.conn().unwrap();
        for (name, sql) in [
            ("committed bytes", crate::mailbox::COMMITTED_BYTES),
            ("forward claim", crate::forward::CLAIM),
            ("notification claim", crate::notify::CLAIM),
            ("expired uploads", crate::intake::end::EXPIRED),
            ("open sessions", crate::server::session::OPEN_SESSIONS),
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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
pub(crate) mod testing {
    use rusqlite::params;

    use super::Store;

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
             VALUES ('s', x'00', 'R', ?1, ?1, '1', ?1)",
            params![t],
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
