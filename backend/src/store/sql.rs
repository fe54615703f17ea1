//! One small SQL interface over the two databases the server can keep its
//! state in: SQLite (embedded, the default) and PostgreSQL (for several
//! nodes). The modules that own a table write their SQL once, in the subset
//! both understand, with SQLite's numbered parameters (`?1`); PostgreSQL's
//! connection rewrites them to `$1`.
//!
//! Values cross this interface as [`Value`]s (integer, text, bytes, null);
//! rows are read whole. Nothing here interprets what the values mean.

use std::cell::RefCell;

use super::StoreError;

type Result<T, E = StoreError> = std::result::Result<T, E>;

/// A parameter or a column value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// SQL NULL.
    Null,
    /// Any integer column (BIGINT in PostgreSQL).
    Int(i64),
    /// A text column.
    Text(String),
    /// A byte string (BLOB / BYTEA).
    Blob(Vec<u8>),
}

/// A Rust value that can be bound as a parameter.
pub trait ToSql {
    /// The value to bind.
    fn to_value(&self) -> Value;
}

impl<T: ToSql + ?Sized> ToSql for &T {
    fn to_value(&self) -> Value {
        (**self).to_value()
    }
}
impl<T: ToSql> ToSql for Option<T> {
    fn to_value(&self) -> Value {
        self.as_ref().map_or(Value::Null, ToSql::to_value)
    }
}
impl ToSql for Value {
    fn to_value(&self) -> Value {
        self.clone()
    }
}
impl ToSql for str {
    fn to_value(&self) -> Value {
        Value::Text(self.to_owned())
    }
}
impl ToSql for String {
    fn to_value(&self) -> Value {
        Value::Text(self.clone())
    }
}
impl ToSql for [u8] {
    fn to_value(&self) -> Value {
        Value::Blob(self.to_vec())
    }
}
impl ToSql for Vec<u8> {
    fn to_value(&self) -> Value {
        Value::Blob(self.clone())
    }
}
impl ToSql for bool {
    fn to_value(&self) -> Value {
        Value::Int(i64::from(*self))
    }
}
macro_rules! int_to_sql {
    ($($t:ty),*) => {$(
        impl ToSql for $t {
            fn to_value(&self) -> Value {
                // Values beyond i64 (none are stored) saturate.
                Value::Int(i64::try_from(*self).unwrap_or(i64::MAX))
            }
        }
    )*};
}
int_to_sql!(i64, i32, u32, u64, usize, u16, u8);

/// A Rust value a column can be read into.
pub trait FromSql: Sized {
    /// `None` when the column's value does not fit.
    fn from_value(value: &Value) -> Option<Self>;
}

impl<T: FromSql> FromSql for Option<T> {
    fn from_value(value: &Value) -> Option<Self> {
        match value {
            Value::Null => Some(None),
            v => T::from_value(v).map(Some),
        }
    }
}
impl FromSql for String {
    fn from_value(value: &Value) -> Option<Self> {
        match value {
            Value::Text(s) => Some(s.clone()),
            _ => None,
        }
    }
}
impl FromSql for Vec<u8> {
    fn from_value(value: &Value) -> Option<Self> {
        match value {
            Value::Blob(b) => Some(b.clone()),
            _ => None,
        }
    }
}
impl FromSql for bool {
    fn from_value(value: &Value) -> Option<Self> {
        match value {
            Value::Int(i) => Some(*i != 0),
            _ => None,
        }
    }
}
macro_rules! int_from_sql {
    ($($t:ty),*) => {$(
        impl FromSql for $t {
            fn from_value(value: &Value) -> Option<Self> {
                match value {
                    Value::Int(i) => <$t>::try_from(*i).ok(),
                    _ => None,
                }
            }
        }
    )*};
}
int_from_sql!(i64, i32, u32, u64, usize, u16, u8);

/// One row of a query's result.
#[derive(Debug, Clone)]
pub struct Row(pub(super) Vec<Value>);

impl Row {
    /// Column `index` (0-based) as `T`.
    pub fn get<T: FromSql>(&self, index: usize) -> Result<T> {
        let value = self.0.get(index).ok_or(StoreError::Column(index))?;
        T::from_value(value).ok_or(StoreError::Column(index))
    }
}

/// Binds `params!(a, b, …)` as a parameter list, as `rusqlite::params!` did.
#[macro_export]
macro_rules! params {
    () => { &[] as &[$crate::store::Value] };
    ($($p:expr),+ $(,)?) => {
        &[$($crate::store::ToSql::to_value(&$p)),+] as &[$crate::store::Value]
    };
}

/// Statements, on a connection or in a transaction. Each method runs one
/// statement with `params` bound to `?1`, `?2`, ….
pub trait Sql {
    /// Runs a statement; the number of rows it changed.
    fn execute(&self, sql: &str, params: &[Value]) -> Result<usize>;

    /// Runs a query; all its rows.
    fn rows(&self, sql: &str, params: &[Value]) -> Result<Vec<Row>>;

    /// Runs several statements without parameters.
    fn execute_batch(&self, sql: &str) -> Result<()>;

    /// Whether this is PostgreSQL, for the few statements that differ.
    fn is_postgres(&self) -> bool;

    /// `query` claiming queue rows: with PostgreSQL it locks the rows of
    /// `table` (its name or alias in the query) it returns and skips rows
    /// another transaction locked, so workers on several nodes never
    /// claim one item twice. SQLite has one writer at a time anyway.
    fn claiming(&self, query: &str, table: &str) -> String {
        if self.is_postgres() {
            format!("{query} FOR UPDATE OF {table} SKIP LOCKED")
        } else {
            query.to_owned()
        }
    }

    /// The first row of a query, through `f`; [`StoreError::NoRows`] when
    /// there is none.
    fn query_row<T>(
        &self,
        sql: &str,
        params: &[Value],
        f: impl FnOnce(&Row) -> Result<T>,
    ) -> Result<T> {
        match self.rows(sql, params)?.first() {
            Some(row) => f(row),
            None => Err(StoreError::NoRows),
        }
    }

    /// Every row of a query, through `f`.
    fn query_map<T>(
        &self,
        sql: &str,
        params: &[Value],
        f: impl FnMut(&Row) -> Result<T>,
    ) -> Result<Vec<T>> {
        self.rows(sql, params)?.iter().map(f).collect()
    }
}

/// `.optional()` on a single-row result, as `rusqlite::OptionalExtension`.
pub trait OptionalExtension<T> {
    /// `Ok(None)` instead of [`StoreError::NoRows`].
    fn optional(self) -> Result<Option<T>>;
}

impl<T> OptionalExtension<T> for Result<T> {
    fn optional(self) -> Result<Option<T>> {
        match self {
            Ok(v) => Ok(Some(v)),
            Err(StoreError::NoRows) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// A connection to either database.
pub enum Conn {
    /// The embedded default.
    Sqlite(rusqlite::Connection),
    /// A PostgreSQL server, shared by several nodes.
    Postgres(Box<RefCell<postgres::Client>>),
}

/// A transaction; dropped without [`Tx::commit`], it rolls back.
pub enum Tx<'a> {
    /// SQLite's.
    Sqlite(rusqlite::Transaction<'a>),
    /// PostgreSQL's.
    Postgres(RefCell<postgres::Transaction<'a>>),
}

impl std::fmt::Debug for Conn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.is_postgres() {
            "Conn::Postgres"
        } else {
            "Conn::Sqlite"
        })
    }
}

impl std::fmt::Debug for Tx<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.is_postgres() {
            "Tx::Postgres"
        } else {
            "Tx::Sqlite"
        })
    }
}

impl Conn {
    /// Begins a transaction.
    pub fn transaction(&mut self) -> Result<Tx<'_>> {
        Ok(match self {
            Conn::Sqlite(c) => Tx::Sqlite(c.transaction()?),
            Conn::Postgres(c) => Tx::Postgres(RefCell::new(c.get_mut().transaction()?)),
        })
    }

    /// Whether a write could be made now: SQLite begins a write
    /// transaction (and rolls it back); PostgreSQL must not be a read-only
    /// standby.
    pub fn check_writable(&self) -> Result<()> {
        match self {
            Conn::Sqlite(c) => Ok(c.execute_batch("BEGIN IMMEDIATE; ROLLBACK;")?),
            Conn::Postgres(c) => {
                let row = borrow(c)?.query_one("SHOW transaction_read_only", &[])?;
                match row.try_get::<_, String>(0)?.as_str() {
                    "off" => Ok(()),
                    _ => Err(StoreError::ReadOnly),
                }
            }
        }
    }
}

impl Tx<'_> {
    /// Makes the transaction's changes durable.
    pub fn commit(self) -> Result<()> {
        match self {
            Tx::Sqlite(t) => t.commit()?,
            Tx::Postgres(t) => t.into_inner().commit()?,
        }
        Ok(())
    }
}

impl Sql for Conn {
    fn execute(&self, sql: &str, params: &[Value]) -> Result<usize> {
        match self {
            Conn::Sqlite(c) => super::sqlite::execute(c, sql, params),
            Conn::Postgres(c) => super::pg::execute(&mut *borrow(c)?, sql, params),
        }
    }
    fn rows(&self, sql: &str, params: &[Value]) -> Result<Vec<Row>> {
        match self {
            Conn::Sqlite(c) => super::sqlite::rows(c, sql, params),
            Conn::Postgres(c) => super::pg::rows(&mut *borrow(c)?, sql, params),
        }
    }
    fn execute_batch(&self, sql: &str) -> Result<()> {
        match self {
            Conn::Sqlite(c) => Ok(c.execute_batch(sql)?),
            Conn::Postgres(c) => Ok(borrow(c)?.batch_execute(sql)?),
        }
    }
    fn is_postgres(&self) -> bool {
        matches!(self, Conn::Postgres(_))
    }
}

impl Sql for Tx<'_> {
    fn execute(&self, sql: &str, params: &[Value]) -> Result<usize> {
        match self {
            Tx::Sqlite(t) => super::sqlite::execute(t, sql, params),
            Tx::Postgres(t) => super::pg::execute(&mut *borrow(t)?, sql, params),
        }
    }
    fn rows(&self, sql: &str, params: &[Value]) -> Result<Vec<Row>> {
        match self {
            Tx::Sqlite(t) => super::sqlite::rows(t, sql, params),
            Tx::Postgres(t) => super::pg::rows(&mut *borrow(t)?, sql, params),
        }
    }
    fn execute_batch(&self, sql: &str) -> Result<()> {
        match self {
            Tx::Sqlite(t) => Ok(t.execute_batch(sql)?),
            Tx::Postgres(t) => Ok(borrow(t)?.batch_execute(sql)?),
        }
    }
    fn is_postgres(&self) -> bool {
        matches!(self, Tx::Postgres(_))
    }
}

/// The client of a connection or transaction; a statement never runs
/// inside another, so the borrow is never held twice.
fn borrow<T>(cell: &RefCell<T>) -> Result<std::cell::RefMut<'_, T>> {
    cell.try_borrow_mut().map_err(|_| StoreError::Reentrant)
}
