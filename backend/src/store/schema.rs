//! The tables, the columns added since the first release, and the
//! indexes: one text for SQLite, from which PostgreSQL's is derived.

pub(super) const SCHEMA: &str = r#"
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
    "offset" INTEGER NOT NULL DEFAULT 0,
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
CREATE TABLE IF NOT EXISTS staff (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL,
    hash TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS staff_sessions (
    token_hash TEXT PRIMARY KEY,
    staff_id INTEGER NOT NULL REFERENCES staff(id),
    csrf TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    last_seen INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS cases (
    reference TEXT PRIMARY KEY,
    session_id TEXT NOT NULL UNIQUE,
    state TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    delete_at INTEGER NOT NULL,
    role TEXT,
    studies INTEGER NOT NULL DEFAULT 0,
    letters INTEGER NOT NULL DEFAULT 0,
    updated_at INTEGER NOT NULL,
    last_by TEXT,
    last_action TEXT
);
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    event TEXT NOT NULL,
    detail TEXT NOT NULL
);
"#;

/// Columns added to existing tables: (table, column, declaration).
pub(super) const MIGRATIONS: &[(&str, &str, &str)] = &[
    // Unix seconds of an upload's last progress (creation, or bytes kept).
    ("uploads", "last_progress", "INTEGER NOT NULL DEFAULT 0"),
    // Keyed hash of the client that opened a session (see `lockout`).
    ("sessions", "client", "TEXT"),
    // What the images are for (`wire::Purpose`; not patient data).
    ("submissions", "purpose", "TEXT"),
    // The node (`Store::node`) that claimed an item now being sent.
    ("forward_queue", "node", "TEXT"),
    ("notify_queue", "node", "TEXT"),
    // Where an item goes once claimed (`forward::queue::Target`): the
    // archive or the consult destination; none yet while staff hold it.
    ("forward_queue", "destination", "TEXT DEFAULT 'archive'"),
];

/// The indexes of the queries that run per request or per forwarded
/// object. Without them each ran over every row the mailbox ever kept
/// (until housekeeping): 50 senders × 200 files spent more of the server's
/// CPU in those scans than in everything else (see `docs/scaling.md`).
/// Created after the migrations (`sessions.client` is one).
pub(super) const INDEXES: &str = "
CREATE INDEX IF NOT EXISTS uploads_by_state ON uploads(state, expires_at);
CREATE INDEX IF NOT EXISTS forward_queue_by_state ON forward_queue(state, next_attempt);
CREATE INDEX IF NOT EXISTS forward_queue_by_session ON forward_queue(session_id, state);
CREATE INDEX IF NOT EXISTS sessions_by_client ON sessions(client, created_at);
CREATE INDEX IF NOT EXISTS notify_queue_by_state ON notify_queue(state, next_attempt);
CREATE INDEX IF NOT EXISTS audit_by_time ON audit(at);
CREATE INDEX IF NOT EXISTS cases_by_state ON cases(state, created_at);
CREATE INDEX IF NOT EXISTS cases_by_deletion ON cases(delete_at);
CREATE UNIQUE INDEX IF NOT EXISTS uploads_one_accepted_instance
    ON uploads(session_id, instance_hash) WHERE state = 'accepted';
";

/// The SQLite schema as PostgreSQL declares it: 64-bit integers, byte
/// strings, generated ids. One schema text serves both.
pub(super) fn postgres_ddl(sqlite: &str) -> String {
    sqlite
        .replace(
            "INTEGER PRIMARY KEY",
            "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
        )
        .replace(" INTEGER", " BIGINT")
        .replace(" BLOB", " BYTEA")
}
