//! Staff accounts for the desk: owns the `staff` table (name, role,
//! Argon2id hash) and, in [`sessions`], `staff_sessions`.
//!
//! A name is what staff type to sign in and what the audit log names:
//! 1 to 64 of `a-z 0-9 . _ -` (no patient or sender data can hide in it).
//! Passwords are hashed as upload passwords are ([`crate::passwords`]);
//! a sign-in is counted by the same per-address lockout
//! ([`crate::lockout`]) before the hash is checked.
//!
//! Roles and what they may do ([`Role::may`]; `docs/desk.md` has the
//! table): `desk` sees cases and (once the lifecycle exists) takes over,
//! consults and closes them; `admin` may do all that and manage staff
//! accounts and settings.

pub mod sessions;

use crate::params;
use crate::passwords::PasswordError;
use crate::store::{OptionalExtension, Sql, Store, StoreError};

/// A staff member's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Works cases.
    Desk,
    /// Works cases and manages staff accounts and settings.
    Admin,
}

/// What a signed-in person may do; each desk route names the one it needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Right {
    /// See the case list and a case.
    SeeCases,
    /// Take over, consult, close (the case lifecycle).
    WorkCases,
    /// See and manage staff accounts; change settings.
    ManageStaff,
}

impl Role {
    /// The word stored and typed (`--role desk|admin`).
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Desk => "desk",
            Role::Admin => "admin",
        }
    }

    /// The role a word names.
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "desk" => Some(Role::Desk),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }

    /// Whether this role has `right`.
    pub fn may(self, right: Right) -> bool {
        match right {
            Right::SeeCases | Right::WorkCases => true,
            Right::ManageStaff => self == Role::Admin,
        }
    }
}

/// Why a staff account could not be managed or used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StaffError {
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Hashing failed, or the password is too short or long.
    #[error(transparent)]
    Password(#[from] PasswordError),
    /// The name is not 1 to 64 of `a-z 0-9 . _ -`.
    #[error("a staff name is 1 to 64 of a-z, 0-9, '.', '_' and '-'")]
    BadName,
    /// An account with this name exists.
    #[error("a staff account with this name exists")]
    Exists,
    /// No account with this name.
    #[error("no staff account with this name")]
    Unknown,
    /// No randomness for a session.
    #[error("no randomness available")]
    Random,
}

impl StaffError {
    /// Stable kebab-case code.
    pub fn code(&self) -> &'static str {
        match self {
            StaffError::Store(e) => e.code(),
            StaffError::Password(e) => e.code(),
            StaffError::BadName => "staff-name-invalid",
            StaffError::Exists => "staff-exists",
            StaffError::Unknown => "staff-unknown",
            StaffError::Random => "no-randomness",
        }
    }
}

/// A staff account as listed (never the hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// Row id.
    pub id: i64,
    /// Sign-in name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// Unix seconds.
    pub created_at: i64,
}

/// Whether `name` may name an account.
pub fn valid_name(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b))
}

/// Adds an account; returns its id.
pub fn add(store: &Store, name: &str, role: Role, password: &str) -> Result<i64, StaffError> {
    if !valid_name(name) {
        return Err(StaffError::BadName);
    }
    let hash = crate::passwords::hash_new(password)?;
    let conn = store.conn()?;
    let taken: Option<i64> = conn
        .query_row("SELECT id FROM staff WHERE name = ?1", params![name], |r| {
            r.get(0)
        })
        .optional()?;
    if taken.is_some() {
        return Err(StaffError::Exists);
    }
    let id = conn.query_row(
        "INSERT INTO staff (name, role, hash, created_at) VALUES (?1, ?2, ?3, ?4) RETURNING id",
        params![name, role.as_str(), hash, crate::clock::now()],
        |r| r.get(0),
    )?;
    Ok(id)
}

/// Every account, by name.
pub fn list(store: &Store) -> Result<Vec<Account>, StaffError> {
    let rows: Vec<(i64, String, String, i64)> = store.conn()?.query_map(
        "SELECT id, name, role, created_at FROM staff ORDER BY name",
        params![],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
    )?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, name, role, created_at)| {
            Some(Account {
                id,
                name,
                role: Role::parse(&role)?,
                created_at,
            })
        })
        .collect())
}

/// Removes an account and ends its sessions.
pub fn remove(store: &Store, name: &str) -> Result<(), StaffError> {
    let mut conn = store.conn()?;
    let tx = conn.transaction()?;
    let id: Option<i64> = tx
        .query_row("SELECT id FROM staff WHERE name = ?1", params![name], |r| {
            r.get(0)
        })
        .optional()?;
    let id = id.ok_or(StaffError::Unknown)?;
    tx.execute(
        "DELETE FROM staff_sessions WHERE staff_id = ?1",
        params![id],
    )?;
    tx.execute("DELETE FROM staff WHERE id = ?1", params![id])?;
    tx.commit()?;
    Ok(())
}

/// The account `name` if `password` is its password. Slow on purpose
/// (Argon2id, also for a name that does not exist): call it after
/// booking the attempt with the lockout, off the async workers.
pub fn check(store: &Store, name: &str, password: &str) -> Result<Option<Account>, StaffError> {
    let row: Option<(i64, String, String, i64)> = if valid_name(name) {
        store
            .conn()?
            .query_row(
                "SELECT id, role, hash, created_at FROM staff WHERE name = ?1",
                params![name],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?
    } else {
        None
    };
    let ok = crate::passwords::matches(password, row.as_ref().map(|r| r.2.as_str()));
    Ok(row.filter(|_| ok).and_then(|(id, role, _, created_at)| {
        Some(Account {
            id,
            name: name.to_owned(),
            role: Role::parse(&role)?,
            created_at,
        })
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_plain_words() {
        assert!(valid_name("a.meier"));
        assert!(valid_name("dr_x-2"));
        assert!(!valid_name(""));
        assert!(!valid_name("Meier"));
        assert!(!valid_name("a b"));
        assert!(!valid_name("ä"));
        assert!(!valid_name(&"a".repeat(65)));
    }

    #[test]
    fn only_admins_manage_staff() {
        for right in [Right::SeeCases, Right::WorkCases] {
            assert!(Role::Desk.may(right) && Role::Admin.may(right));
        }
        assert!(!Role::Desk.may(Right::ManageStaff));
        assert!(Role::Admin.may(Right::ManageStaff));
    }

    #[test]
    fn accounts_are_added_checked_listed_and_removed() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("db")).unwrap();
        let id = add(&store, "anna", Role::Admin, "long enough pw").unwrap();
        assert!(matches!(
            add(&store, "anna", Role::Desk, "long enough pw"),
            Err(StaffError::Exists)
        ));
        assert!(matches!(
            add(&store, "Anna", Role::Desk, "long enough pw"),
            Err(StaffError::BadName)
        ));
        assert_eq!(check(&store, "anna", "wrong password").unwrap(), None);
        assert_eq!(check(&store, "nobody", "long enough pw").unwrap(), None);
        let a = check(&store, "anna", "long enough pw").unwrap().unwrap();
        assert_eq!((a.id, a.role), (id, Role::Admin));
        assert_eq!(list(&store).unwrap().len(), 1);
        remove(&store, "anna").unwrap();
        assert!(matches!(remove(&store, "anna"), Err(StaffError::Unknown)));
        assert!(list(&store).unwrap().is_empty());
    }
}
