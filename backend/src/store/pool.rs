//! PostgreSQL connections of one node, reused; and the database-wide locks
//! that let several nodes share the state.
//!
//! A connection is taken for one use (a request's statements, a forwarding
//! claim) and put back. A [`Lease`] keeps its connection for as long as it
//! holds an advisory lock: PostgreSQL releases the lock with the session,
//! so a node that dies releases what it held.

use std::sync::Mutex;

use super::sql::Conn;
use super::{Result, StoreError};

/// Connections kept idle at most; more are opened when needed (requests
/// and workers are bounded elsewhere) and closed when returned.
const IDLE: usize = 16;

/// The server's TCP keepalives on each of a node's connections. A node
/// whose process ends closes its connections, and PostgreSQL ends their
/// sessions (and frees their locks: the node's life lock, an upload's) at
/// once; a node whose machine stops (power, network) sends nothing, and
/// without these PostgreSQL would keep its sessions, and so its claims,
/// for the system's default of two hours. With them: about 25 s. Ignored
/// over a Unix socket (no machine between).
const KEEPALIVES: &str =
    "SET tcp_keepalives_idle = 10; SET tcp_keepalives_interval = 5; SET tcp_keepalives_count = 3";

/// Open connections to one database.
pub struct Pool {
    config: postgres::Config,
    idle: Mutex<Vec<postgres::Client>>,
}

impl std::fmt::Debug for Pool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Not the URL: it may hold the password.
        f.write_str("Pool")
    }
}

impl Pool {
    /// A pool for `url`; connects once to report a bad URL or an
    /// unreachable server at start.
    pub fn connect(url: &str) -> Result<Self> {
        let config: postgres::Config = url.parse()?;
        let pool = Pool {
            config,
            idle: Mutex::new(Vec::new()),
        };
        let first = pool.open()?;
        pool.put(first);
        Ok(pool)
    }

    fn open(&self) -> Result<postgres::Client> {
        let mut client = self.config.connect(postgres::NoTls)?;
        client.batch_execute(KEEPALIVES)?;
        Ok(client)
    }

    /// An idle connection, or a new one.
    pub fn take(&self) -> Result<Conn> {
        let idle = self.idle.lock().map_err(|_| StoreError::Poisoned)?.pop();
        let client = match idle {
            Some(c) if !c.is_closed() => c,
            _ => self.open()?,
        };
        Ok(Conn::Postgres(Box::new(std::cell::RefCell::new(client))))
    }

    /// Returns a connection for reuse (a closed one is dropped).
    pub fn give_back(&self, conn: Conn) {
        if let Conn::Postgres(c) = conn {
            self.put(c.into_inner());
        }
    }

    fn put(&self, client: postgres::Client) {
        if client.is_closed() {
            return;
        }
        if let Ok(mut idle) = self.idle.lock() {
            if idle.len() < IDLE {
                idle.push(client);
            }
        }
    }
}

/// What an advisory lock protects: its first key.
#[derive(Debug, Clone, Copy)]
#[repr(i32)]
pub enum LockSpace {
    /// One upload's part file and offset (second key: a hash of its id).
    Upload = 1,
    /// Housekeeping (second key 0): one node at a time.
    Housekeeping = 2,
    /// Creating or migrating the schema (second key 0).
    Schema = 3,
    /// A running node (second key: a hash of its id), held for its life:
    /// work a node claimed is taken back only when its lock is free.
    Node = 4,
    /// One case's staff action (second key: a hash of its reference):
    /// one take-over, consult or deletion at a time.
    Case = 5,
}

/// An advisory lock held on its own connection; released when dropped
/// (or when the node dies and PostgreSQL ends its session).
pub struct Lease<'a> {
    pool: &'a Pool,
    conn: Option<postgres::Client>,
    keys: (i32, i32),
}

impl std::fmt::Debug for Lease<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Lease{:?}", self.keys)
    }
}

impl<'a> Lease<'a> {
    /// Takes the lock `(space, key)` if no session holds it.
    pub fn try_take(pool: &'a Pool, space: LockSpace, key: i32) -> Result<Option<Self>> {
        let mut client = match pool.take()? {
            Conn::Postgres(c) => c.into_inner(),
            Conn::Sqlite(_) => return Err(StoreError::Reentrant),
        };
        let keys = (space as i32, key);
        let row = client.query_one("SELECT pg_try_advisory_lock($1, $2)", &[&keys.0, &keys.1])?;
        if !row.try_get::<_, bool>(0)? {
            pool.put(client);
            return Ok(None);
        }
        Ok(Some(Lease {
            pool,
            conn: Some(client),
            keys,
        }))
    }
}

impl Lease<'_> {
    /// Keeps the lock for as long as the returned connection is open (it
    /// is not given back to the pool).
    pub fn keep(mut self) -> Option<Kept> {
        self.conn.take().map(|c| Kept(Mutex::new(c)))
    }
}

/// A connection kept open for the lock it holds ([`Lease::keep`]).
pub struct Kept(Mutex<postgres::Client>);

impl Kept {
    /// Whether the connection still holds the lock `(space, key)`: it
    /// answers. When it does not (PostgreSQL restarted, or ended the
    /// session after its keepalives went unanswered), the lock is taken
    /// again on a new connection if no other session holds it; `false`
    /// while one does (another node taking back what this one claimed:
    /// the next look takes it).
    pub fn hold(&self, pool: &Pool, space: LockSpace, key: i32) -> Result<bool> {
        let mut client = self.0.lock().map_err(|_| StoreError::Poisoned)?;
        if !client.is_closed() && client.simple_query("SELECT 1").is_ok() {
            return Ok(true);
        }
        let Some(again) = Lease::try_take(pool, space, key)?.and_then(Lease::keep) else {
            return Ok(false);
        };
        let fresh = again.0.into_inner().map_err(|_| StoreError::Poisoned)?;
        *client = fresh;
        tracing::warn!("this node's life lock went with its connection; held again");
        Ok(true)
    }
}

impl std::fmt::Debug for Kept {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Kept")
    }
}

impl Drop for Lease<'_> {
    fn drop(&mut self) {
        if let Some(mut client) = self.conn.take() {
            let unlocked = client
                .query_one(
                    "SELECT pg_advisory_unlock($1, $2)",
                    &[&self.keys.0, &self.keys.1],
                )
                .ok()
                .and_then(|r| r.try_get::<_, bool>(0).ok());
            if unlocked == Some(true) {
                self.pool.put(client);
            }
            // Otherwise the connection is closed, and the lock with it.
        }
    }
}

/// A lock key for `id`: 32 bits of its hash. Two ids sharing a key only
/// make one request wait for the other.
pub fn key_of(id: &str) -> i32 {
    use sha2::Digest;
    let d = sha2::Sha256::digest(id.as_bytes());
    i32::from_be_bytes([d[0], d[1], d[2], d[3]])
}
