//! The desk's case list: one row per completed submission, and the
//! filters and counts the list page shows.
//!
//! [`rows`] is the one place the list is read: the case lifecycle's list
//! (`case::Cases::list`: state, deletion date, counts), newest first.

use mailslot_shared::wire::{Purpose, Role};

use crate::case::{CaseError, CaseState, Cases};
use crate::mailbox::Layout;

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

    /// The desk's word for the lifecycle's state.
    pub fn of(s: CaseState) -> State {
        match s {
            CaseState::New => State::New,
            CaseState::InProgress => State::InProgress,
            CaseState::TakenOver => State::TakenOver,
            CaseState::Consult => State::Consult,
            CaseState::Closed => State::Closed,
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

/// Every case, newest first, from the case lifecycle (its state and
/// deletion date); the purpose from the sender's record when the
/// submission has none. Blocking (database and inbox): call off the
/// async workers.
pub fn rows(cases: &Cases<'_>, layout: &Layout) -> Result<Vec<Row>, CaseError> {
    let mut out: Vec<Row> = cases
        .list(&crate::case::Filter::default())?
        .into_iter()
        .map(|c| {
            let sender = sender_words(&layout.submission(&c.reference).join("submission.json"));
            Row {
                purpose: c.purpose.as_deref().and_then(Purpose::parse).or(sender.1),
                role: c.role.as_deref().and_then(Role::parse).or(sender.0),
                studies: usize::try_from(c.studies).unwrap_or(0),
                images: c.images,
                bytes: c.bytes,
                letters: usize::try_from(c.letters).unwrap_or(0),
                state: State::of(c.state),
                delete_at: c.delete_at,
                arrived_at: c.arrival,
                department: c.department,
                reference: c.reference,
            }
        })
        .collect();
    out.sort_by(|a, b| (b.arrived_at, &b.reference).cmp(&(a.arrived_at, &a.reference)));
    Ok(out)
}

/// How many cases are in each state (every state, zero included), as
/// the case lifecycle counts them.
pub fn counts(cases: &Cases<'_>) -> Result<Vec<(State, usize)>, CaseError> {
    let counted = cases.counts()?;
    Ok(State::ALL
        .into_iter()
        .map(|s| {
            let n = counted
                .iter()
                .filter(|(c, _)| State::of(*c) == s)
                .map(|(_, n)| usize::try_from(*n).unwrap_or(0))
                .sum();
            (s, n)
        })
        .collect())
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
        for s in State::ALL {
            assert_eq!(State::parse(s.as_str()), Some(s));
        }
    }
}
