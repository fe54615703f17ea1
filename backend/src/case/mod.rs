//! Cases: what staff do with a submission the server holds (`mode =
//! "hold"`). A case is opened at finalize (`table::open`); its objects
//! stay in the spool as `held` queue items until staff
//! - take selected studies (or series) over into the archive under the
//!   hospital's identity ([`Cases::take_over`], `takeover.rs`: IHE IRWF
//!   through `mailslot_shared::reconcile`, re-checked, then queued);
//! - send them unchanged to the consult destination ([`Cases::consult`];
//!   without one the case is only marked);
//! - close the case ([`Cases::close`], `delete.rs`): everything not taken
//!   over is deleted at once.
//!
//! Housekeeping deletes a held case at its deletion date whatever its
//! state, and finishes closed cases once what they sent is delivered
//! ([`Cases::housekeeping`]). Items in flight (`sending`) are never pulled
//! from under a worker: the deletion waits for the next pass.
//!
//! Every action is audited with who, when and which case (the reference,
//! counts, staff's name; never patient or sender data). The functions
//! block (database and files): the desk calls them off its async workers.
//!
//! (Longer than 400 lines: the error, the list's and a case's types and
//! the small actions belong together; take-over and deletion are files of
//! their own.)
//!
//! State machine ([`next_state`]): `new` → `in-progress` (marked) →
//! `taken-over` (a take-over; stays so after a consult) or `consult`;
//! any → `closed` (final; every other action refused).

mod delete;
pub mod table;
mod takeover;

use mailslot_shared::reconcile::ReconcileError;

use crate::casefile::ObjectRecord;
use crate::config::Config;
use crate::forward::queue::{self, QueueState, SessionItem, Target};
use crate::forward::Forwarder;
use crate::mailbox::Layout;
use crate::params;
use crate::store::{Lock, LockSpace, Sql, Store, StoreError};

pub use delete::Closed;
pub use table::CaseState;

/// Why a staff action on a case cannot be done.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CaseError {
    /// No case with this reference (never sent, or deleted).
    #[error("no case {0} (never completed, or deleted)")]
    Unknown(String),
    /// The case is closed: nothing more can be done with it.
    #[error("case {0} is closed")]
    Closed(String),
    /// Another action on this case runs right now (another desk, node).
    #[error("another action on this case is running; try again")]
    Busy,
    /// No study or series was chosen.
    #[error("choose at least one study or series")]
    NothingSelected,
    /// A chosen study or series names nothing this case still holds.
    #[error("a chosen study or series is not held in this case (taken over, sent, or not in it)")]
    NotHeld,
    /// Staff's name is missing or unusable.
    #[error("say who acts: a name of 1 to 64 characters on one line")]
    By,
    /// The identity staff gave cannot be written, or an object cannot be
    /// rewritten under it.
    #[error(transparent)]
    Identity(#[from] ReconcileError),
    /// The rewritten object fails the acceptance rules or changed what
    /// must stay (its UIDs); nothing of it was sent.
    #[error("the object rewritten under the hospital's identity fails its check ({0}); nothing was sent")]
    Refused(&'static str),
    /// The case's records cannot be read.
    #[error("the records of this case cannot be read")]
    Unreadable,
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The mailbox's files failed.
    #[error("the mailbox cannot be read or written: {0}")]
    Io(#[from] std::io::Error),
}

impl CaseError {
    /// Stable kebab-case code.
    pub fn code(&self) -> &'static str {
        match self {
            CaseError::Unknown(_) => "case-unknown",
            CaseError::Closed(_) => "case-closed",
            CaseError::Busy => "case-busy",
            CaseError::NothingSelected => "nothing-selected",
            CaseError::NotHeld => "study-not-held",
            CaseError::By => "staff-name-invalid",
            CaseError::Identity(e) => e.code(),
            CaseError::Refused(_) => "reconciled-object-refused",
            CaseError::Unreadable => "case-unreadable",
            CaseError::Store(e) => e.code(),
            CaseError::Io(_) => "mailbox-io",
        }
    }
}

type Result<T, E = CaseError> = std::result::Result<T, E>;

/// A staff action, for [`next_state`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Studies taken over into the archive.
    TakeOver,
    /// Studies kept as a consult.
    Consult,
    /// Marked (contacted, looked at).
    Mark,
    /// Closed.
    Close,
}

impl Action {
    /// As audited and stored (`last_action`).
    pub fn as_str(self) -> &'static str {
        match self {
            Action::TakeOver => "take-over",
            Action::Consult => "consult",
            Action::Mark => "mark",
            Action::Close => "close",
        }
    }
}

/// The state after `action` on a case in `state`; `None`: a closed case
/// refuses everything but closing again (which finishes a deletion that
/// waited).
pub fn next_state(state: CaseState, action: Action) -> Option<CaseState> {
    use CaseState::*;
    match (state, action) {
        (_, Action::Close) => Some(Closed),
        (Closed, _) => None,
        (_, Action::TakeOver) => Some(TakenOver),
        (TakenOver, Action::Consult) => Some(TakenOver),
        (_, Action::Consult) => Some(Consult),
        (New, Action::Mark) => Some(InProgress),
        (s, Action::Mark) => Some(s),
    }
}

/// Which cases [`Cases::list`] returns.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Only cases in this state.
    pub state: Option<CaseState>,
    /// Only cases for this department id.
    pub department: Option<String>,
    /// Only the case with this reference (as a sender quotes it).
    pub reference: Option<String>,
}

/// One case in the list: no patient or sender data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    /// Reference number.
    pub reference: String,
    /// Arrival (Unix seconds).
    pub arrival: i64,
    /// Department id.
    pub department: Option<String>,
    /// Purpose (`wire::Purpose`'s word).
    pub purpose: Option<String>,
    /// Sender's role (`wire::Role`'s word).
    pub role: Option<String>,
    /// Studies.
    pub studies: i64,
    /// Images accepted.
    pub images: i64,
    /// Their bytes.
    pub bytes: i64,
    /// Letters accepted.
    pub letters: i64,
    /// State.
    pub state: CaseState,
    /// Deletion date (Unix seconds).
    pub delete_at: i64,
    /// Who acted last, and what they did.
    pub last: Option<(String, String)>,
}

/// One case in full, for staff: the list's line, the case file's text
/// (sender's details, letters, patients, studies and series), every
/// object's record, and where each object is.
#[derive(Debug, Clone)]
pub struct Shown {
    /// The list's line.
    pub case: Listed,
    /// `casefile::show`'s text.
    pub text: String,
    /// Each accepted object's record (patient, study, series).
    pub objects: Vec<ObjectRecord>,
    /// Each queued object's state and destination.
    pub items: Vec<SessionItem>,
}

/// What a take-over or consult did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Done {
    /// Objects queued (to the archive or consult).
    pub objects: usize,
    /// The case's state now.
    pub state: CaseState,
}

/// What the case actions need of the server; borrowed for one call.
#[derive(Debug, Clone, Copy)]
pub struct Cases<'a> {
    /// The database.
    pub store: &'a Store,
    /// The configuration (`data_dir`, `consult`, `patient_id_issuer`,
    /// `mode`, `max_file_bytes`).
    pub config: &'a Config,
    /// Wakes the forwarder in this process (the console has none: the
    /// running server's workers look every 2 s).
    pub forwarder: Option<&'a Forwarder>,
}

/// Staff's name as the audit and the case keep it.
fn check_by(by: &str) -> Result<&str> {
    let by = by.trim();
    if by.is_empty() || by.chars().count() > 64 || by.chars().any(char::is_control) {
        return Err(CaseError::By);
    }
    Ok(by)
}

/// A reference as a sender quotes it: upper case, trimmed.
fn normal(reference: &str) -> String {
    reference.trim().to_ascii_uppercase()
}

impl Cases<'_> {
    fn layout(&self) -> Layout {
        Layout::of(&self.config.data_dir)
    }

    /// The case's lock (one action at a time, on every node).
    fn lock(&self, reference: &str) -> Result<Lock<'_>> {
        self.store
            .try_lock(LockSpace::Case, reference)?
            .ok_or(CaseError::Busy)
    }

    /// Case `reference`'s row, not closed.
    fn open_case(&self, reference: &str) -> Result<table::Row> {
        let row = table::get(&*self.store.conn()?, reference)?
            .ok_or_else(|| CaseError::Unknown(reference.to_owned()))?;
        if row.state == CaseState::Closed {
            return Err(CaseError::Closed(row.reference));
        }
        Ok(row)
    }

    /// The cases `filter` picks, oldest first.
    pub fn list(&self, filter: &Filter) -> Result<Vec<Listed>> {
        let conn = self.store.conn()?;
        type Joined = (String, Option<String>, Option<String>, i64, i64);
        let joined: Vec<Joined> = conn.query_map(
            "SELECT c.reference, s.department, s.purpose, s.files, s.bytes FROM cases c
             JOIN submissions s ON s.reference = c.reference ORDER BY c.created_at, c.reference",
            params![],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )?;
        let mut rows = table::all(&*conn, filter.state)?.into_iter();
        let wanted = filter.reference.as_deref().map(normal);
        let mut out = Vec::new();
        for (reference, department, purpose, images, bytes) in joined {
            let Some(row) = rows.find(|r| r.reference == reference) else {
                continue;
            };
            if wanted.as_ref().is_some_and(|w| *w != reference)
                || filter
                    .department
                    .as_ref()
                    .is_some_and(|d| department.as_ref() != Some(d))
            {
                continue;
            }
            out.push(Listed {
                reference,
                arrival: row.created_at,
                department,
                purpose,
                role: row.role,
                studies: row.studies,
                images,
                bytes,
                letters: row.letters,
                state: row.state,
                delete_at: row.delete_at,
                last: row.last_by.zip(row.last_action),
            });
        }
        Ok(out)
    }

    /// Cases per state (states without cases left out).
    pub fn counts(&self) -> Result<Vec<(CaseState, i64)>> {
        Ok(table::counts(&*self.store.conn()?)?)
    }

    /// Case `reference` in full.
    pub fn show(&self, reference: &str) -> Result<Shown> {
        let reference = normal(reference);
        let filter = Filter {
            reference: Some(reference.clone()),
            ..Filter::default()
        };
        let case = self
            .list(&filter)?
            .pop()
            .ok_or_else(|| CaseError::Unknown(reference.clone()))?;
        let layout = self.layout();
        let text = crate::casefile::show(&layout, &reference).map_err(|e| match e {
            crate::casefile::CasefileError::Unknown(r) => CaseError::Unknown(r),
            _ => CaseError::Unreadable,
        })?;
        let session = table::get(&*self.store.conn()?, &reference)?
            .ok_or_else(|| CaseError::Unknown(reference.clone()))?
            .session_id;
        Ok(Shown {
            case,
            text,
            objects: crate::casefile::objects(&layout, &reference),
            items: queue::session_items(&*self.store.conn()?, &session)?,
        })
    }

    /// The held items of session `session` in the studies or series
    /// `selection` names (images, cover sheets and letters alike: each
    /// spooled object is read for its UIDs). `taking_over`: an item whose
    /// take-over was interrupted counts too (to finish it). Every UID in
    /// `selection` must name something held.
    fn selected(
        &self,
        session: &str,
        selection: &[String],
        taking_over: bool,
    ) -> Result<Vec<SessionItem>> {
        if selection.is_empty() {
            return Err(CaseError::NothingSelected);
        }
        let layout = self.layout();
        let mut used = vec![false; selection.len()];
        let mut picked = Vec::new();
        let items = queue::session_items(&*self.store.conn()?, session)?;
        for item in items {
            let open =
                item.target.is_none() || (taking_over && item.target == Some(Target::Archive));
            if item.state != QueueState::Held || !open {
                continue;
            }
            let spooled = crate::forward::identify(&layout.spooled(&item.upload_id))
                .map_err(|_| CaseError::Refused("spool-unreadable"))?;
            let s = &spooled.summary;
            let mut hit = false;
            for (i, uid) in selection.iter().enumerate() {
                if *uid == s.study_instance_uid || *uid == s.series_instance_uid {
                    used[i] = true;
                    hit = true;
                }
            }
            if hit {
                picked.push(item);
            }
        }
        if used.contains(&false) {
            return Err(CaseError::NotHeld);
        }
        Ok(picked)
    }

    /// Records `action` by `by` on the case and audits it with `detail`
    /// (counts only).
    fn record(
        &self,
        row: &table::Row,
        action: Action,
        by: &str,
        detail: &str,
    ) -> Result<CaseState> {
        let state = next_state(row.state, action)
            .ok_or_else(|| CaseError::Closed(row.reference.clone()))?;
        let mut conn = self.store.conn()?;
        let tx = conn.transaction()?;
        if !table::set(
            &tx,
            &row.reference,
            state,
            action.as_str(),
            by,
            crate::clock::now(),
        )? {
            return Err(CaseError::Closed(row.reference.clone()));
        }
        crate::store::audit_in(
            &tx,
            &format!("case-{}", action.as_str()),
            &format!(
                "reference={} by={} {detail}",
                row.reference,
                by.replace(' ', "_")
            ),
        )?;
        tx.commit()?;
        Ok(state)
    }

    fn wake(&self) {
        if let Some(f) = self.forwarder {
            f.wake();
        }
    }

    /// Sends the studies (or series) `selection` names unchanged to the
    /// consult destination, never to the archive; without one configured
    /// the case is only marked as a consult and its objects stay held.
    pub fn consult(&self, reference: &str, selection: &[String], by: &str) -> Result<Done> {
        let by = check_by(by)?;
        let reference = normal(reference);
        let _lock = self.lock(&reference)?;
        let row = self.open_case(&reference)?;
        let picked = self.selected(&row.session_id, selection, false)?;
        let mut sent = 0;
        if self.config.consult.is_some() {
            let mut conn = self.store.conn()?;
            let tx = conn.transaction()?;
            let t = crate::clock::now();
            for item in &picked {
                if queue::release(&tx, &item.upload_id, Target::Consult, t)? {
                    sent += 1;
                }
            }
            tx.commit()?;
        }
        let state = self.record(
            &row,
            Action::Consult,
            by,
            &format!("objects={} sent={sent}", picked.len()),
        )?;
        self.wake();
        Ok(Done {
            objects: sent,
            state,
        })
    }

    /// Marks case `reference` as looked at or contacted by `by`.
    pub fn mark(&self, reference: &str, by: &str) -> Result<CaseState> {
        let by = check_by(by)?;
        let reference = normal(reference);
        let _lock = self.lock(&reference)?;
        let row = self.open_case(&reference)?;
        self.record(&row, Action::Mark, by, "")
    }
}

#[cfg(test)]
mod tests;
