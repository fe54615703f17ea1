//! Durable state: passwords, sessions, uploads, submissions, the forward
//! queue and the audit log, in SQLite (the default, in the data directory)
//! or in PostgreSQL (`database_url`: several nodes share it; see
//! `docs/scaling.md`). SQLite runs in WAL mode with `synchronous = FULL`,
//! so what was acknowledged survives a crash or restart. Each statement is atomic; changes that must happen together
//! (accepting an object and queueing it, closing a session's uploads,
//! recording a submission and ending its session) run in one transaction
//! where they are made (`intake`, `server::submit`). The modules that own a
//! table write its SQL; this module holds the schema and the connection.
//!
//! Patient data never enters the database: uploads are known by opaque ids,
//! SOP Instance UIDs are kept only as a SHA-256 (for idempotence), and the
//! sender's contact data is not stored here at all: it exists in clear only
//! in `inbox/<reference>/submission.json` (mode 0600) for staff.

use crate::clock::now;
use std::path::Path;
use std::sync::{Mutex, MutexGuard};

mod pg;
mod pool;
mod queue;
mod schema;
mod sql;
mod sqlite;

use schema::{postgres_ddl, INDEXES, MIGRATIONS, SCHEMA};

pub use pool::LockSpace;
pub use queue::{Queue, QueueState};
pub use sql::{Conn, FromSql, OptionalExtension, Row, Sql, ToSql, Tx, Value};

use crate::params;

/// A database failure.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// SQLite reported an error.
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// PostgreSQL reported an error.
    #[error("database error: {}", postgres_message(.0))]
    Postgres(#[from] postgres::Error),
    /// A query that must return a row returned none.
    #[error("no row")]
    NoRows,
    /// A column was missing or held a value of another type.
    #[error("column {0} missing or of another type")]
    Column(usize),
    /// A stored word (an upload's state or kind, a queue item's state) this
    /// version does not know.
    #[error("unknown stored word {0:?}")]
    Word(String),
    /// The database takes no writes (a PostgreSQL standby).
    #[error("the database is read-only")]
    ReadOnly,
    /// This node's life lock was held already (its random id taken).
    #[error("the node's lock is held by another session")]
    NodeLockHeld,
    /// A statement was started inside another on the same connection.
    #[error("statement inside a statement")]
    Reentrant,
    /// The database lock was poisoned by a panic elsewhere.
    #[error("database lock poisoned")]
    Poisoned,
    /// The database file could not be created.
    #[error("cannot create {0}: {1}")]
    Io(std::path::PathBuf, std::io::Error),
}

/// PostgreSQL's own message and code ("db error" alone says nothing); not
/// its detail, which may quote a row's values.
fn postgres_message(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => format!("{} ({})", db.message(), db.code().code()),
        None => e.to_string(),
    }
}

impl StoreError {
    /// Stable kebab-case code.
    pub fn code(&self) -> &'static str {
        "storage-failed"
    }

    /// Whether a write broke a unique index (another transaction made the
    /// same row first).
    pub fn is_unique_violation(&self) -> bool {
        match self {
            StoreError::Sqlite(rusqlite::Error::SqliteFailure(e, _)) => {
                e.code == rusqlite::ErrorCode::ConstraintViolation
            }
            StoreError::Postgres(e) => {
                e.code() == Some(&postgres::error::SqlState::UNIQUE_VIOLATION)
            }
            _ => false,
        }
    }

    /// Whether the database could not write for lack of disk space.
    pub fn is_disk_full(&self) -> bool {
        match self {
            StoreError::Sqlite(rusqlite::Error::SqliteFailure(e, _)) => {
                e.code == rusqlite::ErrorCode::DiskFull
            }
            StoreError::Postgres(e) => e.code() == Some(&postgres::error::SqlState::DISK_FULL),
            _ => false,
        }
    }
}

type Result<T, E = StoreError> = std::result::Result<T, E>;

/// The database handle. Calls block: use them from `web::block`.
#[derive(Debug)]
pub struct Store {
    db: Db,
    /// This process's id among the nodes (random per start).
    node: String,
    /// PostgreSQL: the connection holding this node's life lock.
    alive: Option<pool::Kept>,
}

#[derive(Debug)]
enum Db {
    /// One connection, taken in turn: SQLite writes one at a time anyway.
    Sqlite(Mutex<Conn>),
    /// Connections of this node to a database several nodes share.
    Postgres(pool::Pool),
}

/// A connection for one use; goes back when dropped.
#[derive(Debug)]
pub enum ConnGuard<'a> {
    /// SQLite's one connection, locked.
    Sqlite(MutexGuard<'a, Conn>),
    /// A pooled PostgreSQL connection (always `Some` until dropped).
    Pooled(&'a pool::Pool, Option<Conn>),
}

impl std::ops::Deref for ConnGuard<'_> {
    type Target = Conn;
    fn deref(&self) -> &Conn {
        match self {
            ConnGuard::Sqlite(g) => g,
            ConnGuard::Pooled(_, Some(c)) => c,
            ConnGuard::Pooled(_, None) => unreachable!("taken only when dropped"),
        }
    }
}

impl std::ops::DerefMut for ConnGuard<'_> {
    fn deref_mut(&mut self) -> &mut Conn {
        match self {
            ConnGuard::Sqlite(g) => &mut *g,
            ConnGuard::Pooled(_, Some(c)) => c,
            ConnGuard::Pooled(_, None) => unreachable!("taken only when dropped"),
        }
    }
}

impl Drop for ConnGuard<'_> {
    fn drop(&mut self) {
        if let ConnGuard::Pooled(pool, conn) = self {
            if let Some(conn) = conn.take() {
                pool.give_back(conn);
            }
        }
    }
}

/// 16 random bytes, hex.
fn new_node_id() -> String {
    // Without randomness the time and process distinguish nodes well enough.
    crate::random::hex_id().unwrap_or_else(|_| format!("{:016x}{:08x}", now(), std::process::id()))
}

/// A database-wide lock ([`Store::try_lock`]); released when dropped.
#[derive(Debug)]
pub struct Lock<'a>(#[allow(dead_code)] Option<pool::Lease<'a>>);

/// Appends an audit event through `conn` (a transaction's, so that the
/// event commits with what it records).
pub fn audit_in(conn: &impl Sql, event: &str, detail: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO audit (at, event, detail) VALUES (?1, ?2, ?3)",
        params![now(), event, detail],
    )?;
    tracing::info!(event, detail, "audit");
    Ok(())
}

impl Store {
    /// Opens (creating if needed) the database at `path`.
    pub fn open(path: &Path) -> Result<Self> {
        // SQLite gives its -wal and -shm files the database file's mode.
        crate::durable::create_private_if_missing(path)
            .map_err(|e| StoreError::Io(path.to_owned(), e))?;
        let conn = rusqlite::Connection::open(path)?;
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
            db: Db::Sqlite(Mutex::new(Conn::Sqlite(conn))),
            node: new_node_id(),
            alive: None,
        })
    }

    /// Connects to the PostgreSQL database at `url` and creates or
    /// migrates its schema (one node at a time, under an advisory lock).
    pub fn connect(url: &str) -> Result<Self> {
        let pool = pool::Pool::connect(url)?;
        let mut ddl = format!(
            "BEGIN; SET LOCAL client_min_messages = warning; SELECT pg_advisory_xact_lock({}, 0);\n{}",
            LockSpace::Schema as i32,
            postgres_ddl(SCHEMA)
        );
        for (table, column, decl) in MIGRATIONS {
            ddl += &postgres_ddl(&format!(
                "ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {column} {decl};\n"
            ));
        }
        ddl += INDEXES;
        ddl += "COMMIT;";
        pool.take().and_then(|conn| {
            let done = conn.execute_batch(&ddl);
            pool.give_back(conn);
            done
        })?;
        let node = new_node_id();
        // Held as long as this store (its connection is not given back):
        // other nodes see this node alive while they cannot take it.
        let alive = pool::Lease::try_take(&pool, LockSpace::Node, pool::key_of(&node))?
            .and_then(pool::Lease::keep)
            .ok_or(StoreError::NodeLockHeld)?;
        Ok(Store {
            db: Db::Postgres(pool),
            node,
            alive: Some(alive),
        })
    }

    /// This node's id: written beside the queue items it claims.
    pub fn node(&self) -> &str {
        &self.node
    }

    /// PostgreSQL: makes sure this node still holds its life lock, taking
    /// it again on a new connection when its connection was lost (a
    /// restart of PostgreSQL, a network cut its keepalives noticed): a
    /// node without it looks dead to the others, who would take back
    /// whatever it claims. `Ok(false)` while it cannot be taken yet.
    /// SQLite: always `Ok(true)`.
    pub fn hold_life_lock(&self) -> Result<bool> {
        let (Db::Postgres(pool), Some(alive)) = (&self.db, &self.alive) else {
            return Ok(true);
        };
        let held = alive.hold(pool, LockSpace::Node, pool::key_of(&self.node))?;
        Ok(held)
    }

    /// The database `config` names: PostgreSQL at `database_url`, else
    /// SQLite in the data directory.
    pub fn for_config(config: &crate::config::Config) -> Result<Self> {
        match &config.database_url {
            Some(url) => Self::connect(url),
            None => Self::open(&config.data_dir.join("mailslot.sqlite3")),
        }
    }

    /// Whether the state is in PostgreSQL (shared with other nodes).
    pub fn is_shared(&self) -> bool {
        matches!(self.db, Db::Postgres(_))
    }

    /// A connection, for the modules that own their tables' queries.
    pub fn conn(&self) -> Result<ConnGuard<'_>> {
        match &self.db {
            Db::Sqlite(c) => Ok(ConnGuard::Sqlite(
                c.lock().map_err(|_| StoreError::Poisoned)?,
            )),
            Db::Postgres(pool) => Ok(ConnGuard::Pooled(pool, Some(pool.take()?))),
        }
    }

    /// Takes the database-wide lock `(space, key)` unless another session
    /// (another node, or another request here) holds it. With SQLite there
    /// is one node, and this process's own guards suffice: always granted.
    pub fn try_lock(&self, space: LockSpace, key: &str) -> Result<Option<Lock<'_>>> {
        match &self.db {
            Db::Sqlite(_) => Ok(Some(Lock(None))),
            Db::Postgres(pool) => {
                Ok(pool::Lease::try_take(pool, space, pool::key_of(key))?.map(|l| Lock(Some(l))))
            }
        }
    }

    /// Appends to the audit log. `detail` must hold no patient data.
    pub fn audit(&self, event: &str, detail: &str) -> Result<()> {
        audit_in(&*self.conn()?, event, detail)
    }

    /// The audit log, oldest first (staff tooling and tests).
    pub fn audit_log(&self) -> Result<Vec<(i64, String, String)>> {
        self.conn()?.query_map(
            "SELECT at, event, detail FROM audit ORDER BY id",
            params![],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
    }

    /// One value from a single-row query, if any.
    pub fn query_opt<T: FromSql>(&self, sql: &str, params: &[Value]) -> Result<Option<T>> {
        self.conn()?.query_row(sql, params, |r| r.get(0)).optional()
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
pub(crate) use tests::testing;
