//! The `cases` table, its one owner: a case per completed submission
//! (opened in finalize's transaction), its state, deletion date and who
//! did what last. No patient or sender data: the reference, opaque ids,
//! counts, the sender's role as its enumerated word, staff's names.
//!
//! A leaf over the store, so that `submission` can open a case while the
//! case module uses `submission` to delete one.

use crate::params;
use crate::store::{OptionalExtension as _, Sql, StoreError};

type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Where a case is in staff's hands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CaseState {
    /// Arrived; nobody acted on it yet.
    New,
    /// Staff looked at it, noted or contacted someone.
    InProgress,
    /// At least one study went to the archive under the hospital's identity.
    TakenOver,
    /// Kept as a consult (second opinion); never in the archive.
    Consult,
    /// Closed by staff: all not taken over is deleted; what is still on
    /// its way to the archive goes first.
    Closed,
}

impl CaseState {
    /// Every state, in the order a list shows them.
    pub const ALL: &'static [CaseState] = &[
        CaseState::New,
        CaseState::InProgress,
        CaseState::TakenOver,
        CaseState::Consult,
        CaseState::Closed,
    ];

    /// As stored and shown.
    pub fn as_str(self) -> &'static str {
        match self {
            CaseState::New => "new",
            CaseState::InProgress => "in-progress",
            CaseState::TakenOver => "taken-over",
            CaseState::Consult => "consult",
            CaseState::Closed => "closed",
        }
    }

    /// The state named `s`.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|v| v.as_str() == s)
    }

    fn read(s: String) -> Result<Self> {
        Self::parse(&s).ok_or(StoreError::Word(s))
    }
}

impl std::fmt::Display for CaseState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl crate::store::ToSql for CaseState {
    fn to_value(&self) -> crate::store::Value {
        crate::store::Value::Text(self.as_str().to_owned())
    }
}

/// What finalize knows of a new case.
#[derive(Debug, Clone)]
pub struct Opened<'a> {
    /// The reference number.
    pub reference: &'a str,
    /// Its session.
    pub session_id: &'a str,
    /// Arrival (Unix seconds).
    pub created_at: i64,
    /// Deletion date (Unix seconds): arrival + `retention_days`.
    pub delete_at: i64,
    /// The sender's role (`wire::Role`'s word).
    pub role: Option<&'a str>,
    /// Studies of the images.
    pub studies: u64,
    /// Letters accepted.
    pub letters: u64,
}

/// Opens a case, in finalize's transaction (again: nothing changes).
pub fn open(tx: &impl Sql, c: &Opened<'_>) -> Result<()> {
    tx.execute(
        "INSERT INTO cases (reference, session_id, state, created_at, delete_at, role, studies, letters, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?4) ON CONFLICT DO NOTHING",
        params![
            c.reference,
            c.session_id,
            CaseState::New,
            c.created_at,
            c.delete_at,
            c.role,
            c.studies as i64,
            c.letters as i64
        ],
    )?;
    Ok(())
}

/// A case's row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The reference number.
    pub reference: String,
    /// Its session.
    pub session_id: String,
    /// Its state.
    pub state: CaseState,
    /// Arrival (Unix seconds).
    pub created_at: i64,
    /// Deletion date (Unix seconds).
    pub delete_at: i64,
    /// The sender's role.
    pub role: Option<String>,
    /// Studies.
    pub studies: i64,
    /// Letters.
    pub letters: i64,
    /// Last change (Unix seconds).
    pub updated_at: i64,
    /// Who acted last.
    pub last_by: Option<String>,
    /// What they did (`take-over`, `consult`, `close`, `mark`).
    pub last_action: Option<String>,
}

const COLUMNS: &str = "reference, session_id, state, created_at, delete_at, role, studies, letters, updated_at, last_by, last_action";

fn row_of(r: &crate::store::Row) -> Result<Row> {
    Ok(Row {
        reference: r.get(0)?,
        session_id: r.get(1)?,
        state: CaseState::read(r.get(2)?)?,
        created_at: r.get(3)?,
        delete_at: r.get(4)?,
        role: r.get(5)?,
        studies: r.get(6)?,
        letters: r.get(7)?,
        updated_at: r.get(8)?,
        last_by: r.get(9)?,
        last_action: r.get(10)?,
    })
}

/// Case `reference`, if kept.
pub fn get(conn: &impl Sql, reference: &str) -> Result<Option<Row>> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM cases WHERE reference = ?1"),
        params![reference],
        row_of,
    )
    .optional()
}

/// Every case, oldest first; only those in `state` if given.
pub fn all(conn: &impl Sql, state: Option<CaseState>) -> Result<Vec<Row>> {
    match state {
        Some(s) => conn.query_map(
            &format!("SELECT {COLUMNS} FROM cases WHERE state = ?1 ORDER BY created_at, reference"),
            params![s],
            row_of,
        ),
        None => conn.query_map(
            &format!("SELECT {COLUMNS} FROM cases ORDER BY created_at, reference"),
            params![],
            row_of,
        ),
    }
}

/// Cases per state (states without cases left out).
pub fn counts(conn: &impl Sql) -> Result<Vec<(CaseState, i64)>> {
    conn.query_map(
        "SELECT state, COUNT(*) FROM cases GROUP BY state ORDER BY state",
        params![],
        |r| Ok((CaseState::read(r.get(0)?)?, r.get(1)?)),
    )
}

/// The references of cases closed, or past their deletion date at `at`.
pub fn to_delete(conn: &impl Sql, at: i64) -> Result<Vec<String>> {
    conn.query_map(
        "SELECT reference FROM cases WHERE state = ?1 OR delete_at <= ?2 ORDER BY delete_at",
        params![CaseState::Closed, at],
        |r| r.get(0),
    )
}

/// Records that `by` did `action` on case `reference`, leaving it in
/// `state`, unless it is closed; `false` if not (gone or closed).
pub fn set(
    conn: &impl Sql,
    reference: &str,
    state: CaseState,
    action: &str,
    by: &str,
    at: i64,
) -> Result<bool> {
    Ok(conn.execute(
        "UPDATE cases SET state = ?1, last_action = ?2, last_by = ?3, updated_at = ?4
         WHERE reference = ?5 AND state != ?6",
        params![state, action, by, at, reference, CaseState::Closed],
    )? == 1)
}

/// Removes session `session_id`'s case (with its other records).
pub fn forget_session(tx: &impl Sql, session_id: &str) -> Result<()> {
    tx.execute(
        "DELETE FROM cases WHERE session_id = ?1",
        params![session_id],
    )?;
    Ok(())
}
