//! The page as data: everything it shows and knows ([`Model`]), what can
//! happen ([`Action`]) and what it asks the world to do ([`Effect`]).
//! [`Model::reduce`] is the only place state changes; it touches no
//! browser API, so every transition is a native unit test (`tests.rs`).
//! `app/effects.rs` carries effects out and turns their results back into
//! actions; the step components draw the model.

mod scan;
mod sending;
mod session;
#[cfg(test)]
mod tests;
mod types;

use std::collections::HashSet;
use std::rc::Rc;

use crate::i18n::Language;
use mailslot_shared::wire::{ErrorCode, HospitalInfo, Receipt, SenderDetails};

pub use sending::{GroupProgress, JobInfo, Sending, StudyLabel};
pub use session::Idle;
use types::problem;
pub use types::{
    Action, Effect, Field, Letter, LetterRefusal, Problem, RefusedLetters, Session, Started, Step,
    UploadJob,
};

use super::text::{Arg, Text};
use crate::i18n::{pick, t};
use crate::net::NetError;
use crate::tree::Scanned;

/// Everything the page shows and knows.
#[derive(Debug, Default)]
pub struct Model {
    /// The page's language.
    pub lang: Language,
    /// The hospital's texts.
    pub hospital: Option<Rc<HospitalInfo>>,
    /// Why they could not be loaded.
    pub load_error: Option<NetError>,
    /// The current step.
    pub step: Step,
    /// Consent: agreed to the privacy statement.
    pub agree: bool,
    /// Consent: may send these images.
    pub may_send: bool,
    /// The password as typed.
    pub password: String,
    /// Waiting for the server (buttons disabled).
    pub busy: bool,
    /// Errors shown at the top.
    pub problems: Vec<Problem>,
    /// A notice under the heading.
    pub notice: Option<Text>,
    /// The live region's current announcement.
    pub announce: Option<Text>,
    /// The session, once the password was accepted.
    pub session: Option<Session>,
    /// Files scanned so far in the running scan.
    pub scanning: Option<(u32, u32)>,
    /// Scans asked for and not yet reported.
    pub scans_pending: u32,
    /// Everything scanned, merged.
    pub scanned: Rc<Scanned>,
    /// Studies the sender unticked.
    pub excluded: HashSet<String>,
    /// The About-you form.
    pub form: SenderDetails,
    /// The chosen department id.
    pub department: String,
    /// Letters attached.
    pub letters: Vec<Letter>,
    /// The sender paused sending.
    pub paused: bool,
    /// The Send step's state.
    pub sending: Option<Sending>,
    /// The receipt.
    pub receipt: Option<Receipt>,
    /// After the password: send straight away (the session had ended at or
    /// during sending).
    pub resend: bool,
    /// After the password: the step to return to (the session had ended
    /// while the sender was away).
    pub back_to: Option<Step>,
    /// The session's idle time as the page sees it.
    pub idle: Idle,
}

/// Empty, or something@domain.tld: catches typos, not a full RFC check.
pub fn plausible_email(email: &str) -> bool {
    let email = email.trim();
    if email.is_empty() {
        return true;
    }
    match email.rsplit_once('@') {
        Some((local, domain)) => {
            !local.is_empty() && domain.contains('.') && !domain.ends_with('.')
        }
        None => false,
    }
}

impl Model {
    /// A fresh page in `lang`.
    pub fn new(lang: Language) -> Self {
        Model {
            lang,
            ..Model::default()
        }
    }

    /// The document title: step, service and hospital.
    pub fn title(&self) -> String {
        let name = self
            .hospital
            .as_ref()
            .map(|h| pick(self.lang, &h.name).to_owned())
            .unwrap_or_default();
        format!(
            "{} – {} – {}",
            t(self.lang, self.step.heading_id()),
            t(self.lang, "app-name"),
            name
        )
    }

    /// The studies picked, each once, in the order found.
    pub fn picked_studies(&self) -> Vec<StudyLabel> {
        let mut out: Vec<StudyLabel> = Vec::new();
        for i in self.selected() {
            let s = &self.scanned.found[i].summary;
            if !out.iter().any(|o| o.uid == s.study_instance_uid) {
                out.push(StudyLabel {
                    uid: s.study_instance_uid.clone(),
                    date: s.study_date.clone(),
                    description: s.study_description.clone(),
                });
            }
        }
        out
    }

    /// Indices (into `scanned.found`) of the objects to send, in order.
    pub fn selected(&self) -> Vec<usize> {
        self.scanned
            .found
            .iter()
            .enumerate()
            .filter(|(_, f)| !self.excluded.contains(&f.summary.study_instance_uid))
            .map(|(i, _)| i)
            .collect()
    }

    /// Whether field `id` has a problem (for `aria-invalid`).
    pub fn invalid(&self, id: &str) -> bool {
        self.problems.iter().any(|p| p.field == id)
    }

    /// Applies `action`; returns what the world should do.
    pub fn reduce(&mut self, action: Action) -> Vec<Effect> {
        let mut fx = Vec::new();
        self.apply(action, &mut fx);
        fx
    }

    pub(super) fn go(&mut self, step: Step, fx: &mut Vec<Effect>) {
        self.step = step;
        self.problems.clear();
        fx.push(Effect::Focus("step-heading"));
    }

    pub(super) fn fail(&mut self, problems: Vec<Problem>, fx: &mut Vec<Effect>) {
        self.problems = problems;
        fx.push(Effect::Focus("error-summary"));
    }

    pub(super) fn say(&mut self, text: Text) {
        self.announce = Some(text);
    }

    pub(super) fn validate_about(&self) -> Vec<Problem> {
        let f = &self.form;
        let mut out = Vec::new();
        if f.name.trim().is_empty() {
            out.push(problem("field-name", Text::id("about-name-missing")));
        }
        if f.phone.trim().is_empty() && f.email.trim().is_empty() {
            out.push(problem("field-phone", Text::id("about-reach-missing")));
        }
        if !plausible_email(&f.email) {
            out.push(problem("field-email", Text::id("about-email-invalid")));
        }
        if f.role.is_none() {
            out.push(problem("role-patient", Text::id("about-role-missing")));
        }
        if f.purpose.is_none() {
            out.push(problem(
                "purpose-treatment",
                Text::id("about-purpose-missing"),
            ));
        }
        if f.request.trim().is_empty() {
            out.push(problem("field-request", Text::id("about-request-missing")));
        }
        out
    }

    pub(super) fn apply(&mut self, action: Action, fx: &mut Vec<Effect>) {
        match action {
            Action::Hospital(Ok(h)) => {
                self.hospital = Some(h);
                self.load_error = None;
            }
            Action::Hospital(Err(e)) => self.load_error = Some(e),
            Action::Language(lang) => self.lang = lang,
            Action::Agree(v) => self.agree = v,
            Action::MaySend(v) => self.may_send = v,
            Action::Go(step) => self.go(step, fx),
            Action::WelcomeNext => {
                let mut p = Vec::new();
                if !self.agree {
                    p.push(problem("consent-agree", Text::id("welcome-agree-missing")));
                }
                if !self.may_send {
                    p.push(problem(
                        "consent-may-send",
                        Text::id("welcome-may-send-missing"),
                    ));
                }
                if p.is_empty() {
                    let next = if self.session.is_some() {
                        Step::Choose
                    } else {
                        Step::Password
                    };
                    self.go(next, fx);
                } else {
                    self.fail(p, fx);
                }
            }
            Action::Password(p) => self.password = p,
            Action::PasswordSubmit => self.password_submit(fx),
            Action::SessionStarted(result) => self.session_answer(result, fx),
            Action::Resumed(Ok((stored, key))) => self.resumed(stored, key, fx),
            Action::Resumed(Err(_)) => fx.push(Effect::ForgetSession),
            Action::Chosen { files, unreadable } => self.chosen(files, unreadable, fx),
            Action::ScanProgress(done, total) => self.scanning = Some((done, total)),
            Action::Scanned(report) => self.scanned(report, fx),
            Action::ScanFailed => self.scan_failed(fx),
            Action::Study(uid, on) => {
                if on {
                    self.excluded.remove(&uid);
                } else {
                    self.excluded.insert(uid);
                }
            }
            Action::CheckNext => {
                if self.selected().is_empty() {
                    self.fail(vec![problem("", Text::id("check-nothing-selected"))], fx);
                } else {
                    self.go(Step::About, fx);
                }
            }
            Action::Field(field, value) => match field {
                Field::Name => self.form.name = value,
                Field::Phone => self.form.phone = value,
                Field::Email => self.form.email = value,
                Field::Department => self.department = value,
                Field::Contact => self.form.contact = value,
                Field::Request => self.form.request = value,
            },
            Action::Role(role) => self.form.role = Some(role),
            Action::Purpose(purpose) => self.form.purpose = Some(purpose),
            Action::Letters { letters, refused } => {
                for l in letters {
                    if !self
                        .letters
                        .iter()
                        .any(|x| x.name == l.name && x.size == l.size)
                    {
                        self.letters.push(l);
                    }
                }
                if refused.is_empty() {
                    self.problems.retain(|p| p.field != "field-letters");
                    self.say(Text::with(
                        "announce-letters",
                        vec![("count", self.letters.len().into())],
                    ));
                } else {
                    let problems = [
                        (LetterRefusal::NotALetter, "about-letters-not-pdf"),
                        (LetterRefusal::TooLarge, "about-letters-too-large"),
                    ]
                    .into_iter()
                    .filter_map(|(kind, id)| {
                        let names: Vec<&str> = refused
                            .iter()
                            .filter(|(_, k)| *k == kind)
                            .map(|(n, _)| n.as_str())
                            .collect();
                        (!names.is_empty()).then(|| {
                            let names = Arg::Str(names.join(", "));
                            problem("field-letters", Text::with(id, vec![("names", names)]))
                        })
                    })
                    .collect();
                    self.fail(problems, fx);
                }
            }
            Action::RemoveLetter(i) => {
                if i < self.letters.len() {
                    self.letters.remove(i);
                }
            }
            Action::LetterStudy(i, uid) => {
                if let Some(letter) = self.letters.get_mut(i) {
                    letter.study = Some(uid);
                }
            }
            Action::Send => {
                let p = self.validate_about();
                if !p.is_empty() {
                    self.fail(p, fx);
                    return;
                }
                let Some(session) = self.session.clone() else {
                    return;
                };
                let items = self.selected();
                let bytes: u64 = items
                    .iter()
                    .map(|i| self.scanned.found[*i].summary.size)
                    .sum::<u64>()
                    + self.letters.iter().map(|l| l.size).sum::<u64>();
                let files = (items.len() + self.letters.len()) as u64;
                self.busy = true;
                fx.push(Effect::Preflight {
                    session,
                    files,
                    bytes,
                });
            }
            Action::Preflighted(result) => {
                self.busy = false;
                match result {
                    Ok(()) => {
                        self.heard();
                        self.go(Step::Send, fx);
                        self.start_upload(fx);
                    }
                    Err(e) if e.is(ErrorCode::SessionExpired) => {
                        self.apply(Action::Reauthenticate, fx)
                    }
                    Err(e) => self.fail(vec![problem("", Text::error(e.code()))], fx),
                }
            }
            Action::Tick(now) => self.tick(now, fx),
            Action::KeepAlive => {
                if let Some(session) = self.session.clone() {
                    fx.push(Effect::KeepAlive(session));
                }
            }
            Action::KeptAlive(result) => self.kept_alive(result, fx),
            Action::Reauthenticate => {
                fx.push(Effect::ForgetSession);
                self.session = None;
                self.sending = None;
                self.resend = true;
                self.notice = Some(Text::id("session-ended-notice"));
                self.go(Step::Password, fx);
            }
            Action::Upload(event, now) => {
                self.heard();
                self.upload_event(event, now, fx)
            }
            Action::UploadsFinished => {
                let Some(s) = &mut self.sending else {
                    return;
                };
                s.finished = true;
                s.submit_error = None;
                if s.fatal.is_none() {
                    self.submit(fx);
                }
            }
            Action::Pause(on) => {
                self.paused = on;
                fx.push(Effect::Pause(on));
                self.say(Text::id(if on {
                    "announce-paused"
                } else {
                    "announce-resumed"
                }));
            }
            Action::Submitted(result) => {
                self.busy = false;
                match result {
                    Ok(receipt) => {
                        fx.push(Effect::ForgetSession);
                        self.receipt = Some(receipt);
                        self.go(Step::Receipt, fx);
                        self.say(Text::id("announce-complete"));
                    }
                    Err(e) => {
                        if let Some(s) = &mut self.sending {
                            s.submit_error = Some(e);
                        }
                        fx.push(Effect::Focus("error-summary"));
                    }
                }
            }
        }
    }
}
