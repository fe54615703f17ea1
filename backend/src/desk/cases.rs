//! The desk's case list: one row per completed submission, and the
//! filters and counts the list page shows.
//!
//! [`rows`] is the one place the list is read. Until the case lifecycle
//! (a `cases` table with states) exists, it is made from the submission
//! records (`casefile::list`), the objects' records and the sender's
//! record in the inbox, and every case is [`State::New`]; then it becomes
//! a call to the lifecycle's list.

use std::collections::BTreeSet;

use mailslot_shared::wire::{Purpose, Role};

use crate::casefile;
use crate::mailbox::Layout;
use crate::store::{Store, StoreError};

/// Where a case stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum State {
    /// Arrived; no one has worked it yet.
    New,
    /// Someone is working it.
    InProgress,
    /// Studies were taken into the patient's record.
    TakenOver,
    /// Kept as a consult.
    Consult,
    /// Closed: everything not taken over is deleted.
    Closed,
}

impl State {
    /// Every state, in the order the desk lists them.
    pub const ALL: [State; 5] = [
        State::New,
        State::InProgress,
        State::TakenOver,
        State::Consult,
        State::Closed,
    ];

    /// The word in URLs (`?state=new`).
    pub fn as_str(self) -> &'static str {
        match self {
            State::New => "new",
            State::InProgress => "in-progress",
            State::TakenOver => "taken-over",
            State::Consult => "consult",
            State::Closed => "closed",
        }
    }

    /// The state a word names.
    pub fn parse(s: &str) -> Option<State> {
        State::ALL.into_iter().find(|st| st.as_str() == s)
    }
}

/// One case in the list. Only what the list shows: no patient's name or
/// ID, no sender's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// Reference number.
    pub reference: String,
    /// Unix seconds of arrival (the submission's completion).
    pub arrived_at: i64,
    /// Department id, if the sender chose one.
    pub department: Option<String>,
    /// What the images are for.
    pub purpose: Option<Purpose>,
    /// Who sent them.
    pub role: Option<Role>,
    /// Studies, images (objects accepted) and their bytes.
    pub studies: usize,
    /// Objects accepted.
    pub images: i64,
    /// Their plaintext bytes.
    pub bytes: i64,
    /// Letters kept with the case.
    pub letters: usize,
    /// Where the case stands.
    pub state: State,
    /// Unix seconds at which what was not taken over is deleted.
    pub delete_at: i64,
}

/// Every case, newest first. Blocking (database and inbox): call off the
/// async workers.
pub fn rows(store: &Store, layout: &Layout, retention_secs: i64) -> Result<Vec<Row>, StoreError> {
    let mut out: Vec<Row> = casefile::list(store, 0)?
        .into_iter()
        .map(|s| {
            let folder = layout.submission(&s.reference);
            let sender = sender_words(&folder.join("submission.json"));
            let studies: BTreeSet<String> = casefile::objects(layout, &s.reference)
                .into_iter()
                .map(|o| o.study)
                .collect();
            let letters = std::fs::read_dir(folder.join("letters"))
                .map(|d| d.flatten().count())
                .unwrap_or(0);
            Row {
                purpose: s.purpose.as_deref().and_then(Purpose::parse).or(sender.1),
                role: sender.0,
                studies: studies.len(),
                images: s.files,
                bytes: s.bytes,
                letters,
                state: State::New,
                delete_at: s.created_at.saturating_add(retention_secs),
                arrived_at: s.created_at,
                department: s.department,
                reference: s.reference,
            }
        })
        .collect();
    out.sort_by(|a, b| (b.arrived_at, &b.reference).cmp(&(a.arrived_at, &a.reference)));
    Ok(out)
}

/// The sender's role and purpose from their record (enumerated words
/// only; nothing they typed).
fn sender_words(path: &std::path::Path) -> (Option<Role>, Option<Purpose>) {
    let Some(record) = std::fs::read(path)
        .ok()
        .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
    else {
        return (None, None);
    };
    let word = |k: &str| record["sender"][k].as_str().map(str::to_owned);
    (
        word("role").as_deref().and_then(Role::parse),
        word("purpose").as_deref().and_then(Purpose::parse),
    )
}

/// What the list is narrowed to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// Only cases in this state.
    pub state: Option<State>,
    /// Only cases for this department id.
    pub department: Option<String>,
    /// Only the case with this reference (any case, dashes optional).
    pub reference: Option<String>,
}

/// A reference as staff may type it: upper case, dashes and spaces
/// ignored (`k7m4qx9td` finds `K7M-4QX-9TD`).
fn plain(reference: &str) -> String {
    reference
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

impl Filter {
    /// Whether `row` passes.
    pub fn admits(&self, row: &Row) -> bool {
        self.state.is_none_or(|s| s == row.state)
            && self
                .department
                .as_deref()
                .is_none_or(|d| row.department.as_deref() == Some(d))
            && self
                .reference
                .as_deref()
                .map(plain)
                .is_none_or(|r| r.is_empty() || plain(&row.reference) == r)
    }
}

/// How many cases are in each state (every state, zero included).
pub fn counts(rows: &[Row]) -> Vec<(State, usize)> {
    State::ALL
        .into_iter()
        .map(|s| (s, rows.iter().filter(|r| r.state == s).count()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(reference: &str, department: Option<&str>, state: State) -> Row {
        Row {
            reference: reference.into(),
            arrived_at: 0,
            department: department.map(Into::into),
            purpose: None,
            role: None,
            studies: 1,
            images: 1,
            bytes: 1,
            letters: 0,
            state,
            delete_at: 0,
        }
    }

    #[test]
    fn filters_narrow_by_state_department_and_reference() {
        let rows = [
            row("K7M-4QX-9TD", Some("radiology"), State::New),
            row("AAA-BBB-CCC", None, State::Closed),
        ];
        let n = |f: Filter| rows.iter().filter(|r| f.admits(r)).count();
        assert_eq!(n(Filter::default()), 2);
        assert_eq!(
            n(Filter {
                state: Some(State::New),
                ..Filter::default()
            }),
            1
        );
        assert_eq!(
            n(Filter {
                department: Some("radiology".into()),
                ..Filter::default()
            }),
            1
        );
        assert_eq!(
            n(Filter {
                reference: Some(" k7m4qx-9td ".into()),
                ..Filter::default()
            }),
            1
        );
        assert_eq!(
            n(Filter {
                reference: Some("K7M".into()),
                ..Filter::default()
            }),
            0
        );
        assert_eq!(
            counts(&rows),
            vec![
                (State::New, 1),
                (State::InProgress, 0),
                (State::TakenOver, 0),
                (State::Consult, 0),
                (State::Closed, 1)
            ]
        );
        for s in State::ALL {
            assert_eq!(State::parse(s.as_str()), Some(s));
        }
    }
}
