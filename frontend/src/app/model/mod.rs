//! The page as data: everything it shows and knows ([`Model`]), what can
//! happen ([`Action`]) and what it asks the world to do ([`Effect`]).
//! [`Model::reduce`] is the only place state changes; it touches no
//! browser API, so every transition is a native unit test (`tests.rs`).
//! `app/effects.rs` carries effects out and turns their results back into
//! actions; the step components draw the model.

mod sending;
#[cfg(test)]
mod tests;

use std::collections::HashSet;
use std::rc::Rc;

use mailslot_shared::dicom::Lang;
use mailslot_shared::envelope::Id16;
use mailslot_shared::wire::{
    Consent, HospitalInfo, Receipt, SenderDetails, SessionCreated, UploadKind, UploadLimits,
};

pub use sending::{GroupProgress, JobInfo, Sending, StudyLabel};

use super::text::{Arg, Text};
use crate::i18n::{pick, t};
use crate::net::{Key, NetError};
use crate::store::StoredSession;
use crate::tree::{FileRef, Scanned};
use crate::upload::Event;
use crate::worker::protocol::{IgnoreReason, Ignored, ScanReport};

/// The steps, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Step {
    /// What this is, privacy statement, consent.
    #[default]
    Welcome,
    /// The upload password.
    Password,
    /// Choose a folder, files or a ZIP.
    Choose,
    /// The scan result.
    Check,
    /// Contact details, request, letters.
    About,
    /// Sending.
    Send,
    /// Done.
    Receipt,
}

impl Step {
    /// How many steps there are.
    pub const COUNT: u8 = 7;

    /// 1-based position.
    pub fn number(self) -> u8 {
        self as u8 + 1
    }

    /// Fluent id of its heading.
    pub fn heading_id(self) -> &'static str {
        match self {
            Step::Welcome => "welcome-heading",
            Step::Password => "password-heading",
            Step::Choose => "choose-heading",
            Step::Check => "check-heading",
            Step::About => "about-heading",
            Step::Send => "send-heading",
            Step::Receipt => "receipt-heading",
        }
    }
}

/// The About-you fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// Name.
    Name,
    /// Phone.
    Phone,
    /// E-mail.
    Email,
    /// patient / doctor / other.
    Role,
    /// Department id.
    Department,
    /// Contact person.
    Contact,
    /// The request.
    Request,
}

/// An error shown in the summary at the top: the element id of the field
/// it belongs to ("" for none) and the sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The field's element id, or "".
    pub field: &'static str,
    /// What is wrong.
    pub text: Text,
}

fn problem(field: &'static str, text: Text) -> Problem {
    Problem { field, text }
}

/// A letter the sender attached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Letter {
    /// Its file.
    pub file: FileRef,
    /// Its name.
    pub name: String,
    /// Its size in bytes.
    pub size: u64,
}

/// The session, once the password was accepted.
#[derive(Debug, Clone)]
pub struct Session {
    /// The bearer token.
    pub token: String,
    /// The session id (in every envelope header).
    pub session_id: Id16,
    /// The server's key.
    pub key: Key,
    /// The server's limits.
    pub limits: UploadLimits,
}

/// One file for the upload engine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadJob {
    /// Its position (events refer to it).
    pub index: usize,
    /// The file.
    pub file: FileRef,
    /// Its label (for the resume fingerprint).
    pub label: String,
    /// What it is.
    pub kind: UploadKind,
}

/// What can happen to the page.
#[derive(Debug)]
pub enum Action {
    /// The hospital's texts arrived.
    Hospital(Result<HospitalInfo, NetError>),
    /// Switch language.
    Lang(Lang),
    /// The consent checkbox.
    Agree(bool),
    /// The may-send checkbox.
    MaySend(bool),
    /// Go to a step (back buttons).
    Go(Step),
    /// Welcome → Password.
    WelcomeNext,
    /// The password field.
    Password(String),
    /// Submit the password.
    PasswordSubmit,
    /// The server answered the password.
    SessionStarted(Result<(SessionCreated, Key), NetError>),
    /// A stored session was checked after a reload.
    Resumed(Result<(StoredSession, Key), NetError>),
    /// Files were chosen or dropped (labelled), and what the browser could
    /// not read.
    Chosen {
        /// The files.
        files: Vec<(FileRef, String)>,
        /// Files and folders (ending in `/`) that could not be read.
        unreadable: Vec<String>,
    },
    /// The worker scanned `done` of `total` files.
    ScanProgress(u32, u32),
    /// One scan finished.
    Scanned(ScanReport<FileRef>),
    /// The worker could not start or crashed.
    ScanFailed,
    /// A study's checkbox.
    Study(String, bool),
    /// Check → About.
    CheckNext,
    /// A form field changed.
    Field(Field, String),
    /// Letters chosen: the PDFs, and the names of files that are not.
    Letters {
        /// Accepted letters.
        letters: Vec<Letter>,
        /// Names of files that are not letters.
        refused: Vec<String>,
    },
    /// Remove a letter.
    RemoveLetter(usize),
    /// The Send button.
    Send,
    /// The preflight answered.
    Preflighted(Result<(), NetError>),
    /// The upload engine reports, at `now` (ms since the epoch).
    Upload(Event, f64),
    /// The engine is done (or the sender asks to submit again).
    UploadsFinished,
    /// Pause (true) or resume.
    Pause(bool),
    /// The submission answered.
    Submitted(Result<Receipt, NetError>),
    /// The session ended (idle too long): ask for the password again,
    /// keeping everything chosen and typed.
    Reauthenticate,
}

/// What the page asks the world to do.
#[derive(Debug, Clone)]
pub enum Effect {
    /// Fetch the key, then exchange the password for a session.
    StartSession {
        /// The password.
        password: String,
        /// The consent given.
        consent: Consent,
    },
    /// Remember the session for a reload.
    SaveSession(StoredSession),
    /// Forget the stored session and every file record.
    ForgetSession,
    /// Scan files in the worker.
    Scan {
        /// The files, labelled.
        files: Vec<(FileRef, String)>,
        /// The server's largest file.
        max_file_bytes: u64,
        /// Bytes ZIP archives may unpack to in all.
        unpack_budget: u64,
    },
    /// Announce what will be sent (and check the session is alive).
    Preflight {
        /// The session.
        session: Session,
        /// Files.
        files: u64,
        /// Bytes.
        bytes: u64,
    },
    /// Start the upload engine.
    Upload {
        /// The session.
        session: Session,
        /// The files.
        jobs: Vec<UploadJob>,
    },
    /// Pause or resume the engine.
    Pause(bool),
    /// Seal the details and complete the submission.
    Submit {
        /// The session.
        session: Session,
        /// The sender's details and chosen studies.
        details: SenderDetails,
        /// Department id.
        department: String,
    },
    /// Move keyboard focus to the element with this id after drawing.
    Focus(&'static str),
}

/// Everything the page shows and knows.
#[derive(Debug, Default)]
pub struct Model {
    /// The page's language.
    pub lang: Lang,
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
    pub fn new(lang: Lang) -> Self {
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

    fn go(&mut self, step: Step, fx: &mut Vec<Effect>) {
        self.step = step;
        self.problems.clear();
        fx.push(Effect::Focus("step-heading"));
    }

    fn fail(&mut self, problems: Vec<Problem>, fx: &mut Vec<Effect>) {
        self.problems = problems;
        fx.push(Effect::Focus("error-summary"));
    }

    fn say(&mut self, text: Text) {
        self.announce = Some(text);
    }

    /// Uploads go to this session from now on.
    fn open_session(&mut self, token: &str, session_id: Id16, key: Key, limits: UploadLimits) {
        self.session = Some(Session {
            token: token.to_owned(),
            session_id,
            key,
            limits,
        });
    }

    /// Every scan has reported: show what was found and say so.
    fn scans_done(&mut self, fx: &mut Vec<Effect>) {
        self.scanning = None;
        let studies: HashSet<&str> = self
            .scanned
            .summaries()
            .map(|s| s.study_instance_uid.as_str())
            .collect();
        let text = Text::with(
            "announce-scanned",
            vec![
                ("images", self.scanned.found.len().into()),
                ("studies", studies.len().into()),
                ("ignored", self.scanned.ignored.len().into()),
            ],
        );
        self.go(Step::Check, fx);
        self.say(text);
    }

    fn validate_about(&self) -> Vec<Problem> {
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
        if f.role.is_empty() {
            out.push(problem("role-patient", Text::id("about-role-missing")));
        }
        if f.request.trim().is_empty() {
            out.push(problem("field-request", Text::id("about-request-missing")));
        }
        out
    }

    /// The Send step's jobs: the selected objects, then the letters.
    fn upload_jobs(&self) -> (Vec<UploadJob>, Vec<JobInfo>) {
        let mut jobs = Vec::new();
        let mut infos = Vec::new();
        for i in self.selected() {
            let f = &self.scanned.found[i];
            jobs.push(UploadJob {
                index: jobs.len(),
                file: f.file,
                label: f.path.clone(),
                kind: UploadKind::Dicom,
            });
            infos.push(JobInfo {
                label: f.path.clone(),
                size: f.summary.size,
                study: Some(StudyLabel {
                    uid: f.summary.study_instance_uid.clone(),
                    date: f.summary.study_date.clone(),
                    description: f.summary.study_description.clone(),
                }),
                sent: 0,
                verdict: None,
            });
        }
        for letter in &self.letters {
            jobs.push(UploadJob {
                index: jobs.len(),
                file: letter.file,
                label: format!("letter:{}", letter.name),
                kind: UploadKind::Letter,
            });
            infos.push(JobInfo {
                label: letter.name.clone(),
                size: letter.size,
                study: None,
                sent: 0,
                verdict: None,
            });
        }
        (jobs, infos)
    }

    fn start_upload(&mut self, fx: &mut Vec<Effect>) {
        let Some(session) = self.session.clone() else {
            return;
        };
        let (jobs, infos) = self.upload_jobs();
        self.paused = false;
        self.sending = Some(Sending {
            jobs: infos,
            ..Sending::default()
        });
        fx.push(Effect::Upload { session, jobs });
        self.say(Text::id("announce-send-started"));
    }

    fn submit(&mut self, fx: &mut Vec<Effect>) {
        let Some(session) = self.session.clone() else {
            return;
        };
        let mut details = self.form.clone();
        let mut studies: Vec<String> = Vec::new();
        for i in self.selected() {
            let uid = &self.scanned.found[i].summary.study_instance_uid;
            if !studies.contains(uid) {
                studies.push(uid.clone());
            }
        }
        details.studies = studies;
        self.busy = true;
        fx.push(Effect::Submit {
            session,
            details,
            department: self.department.clone(),
        });
    }

    fn apply(&mut self, action: Action, fx: &mut Vec<Effect>) {
        match action {
            Action::Hospital(Ok(h)) => {
                self.hospital = Some(Rc::new(h));
                self.load_error = None;
            }
            Action::Hospital(Err(e)) => self.load_error = Some(e),
            Action::Lang(lang) => self.lang = lang,
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
            Action::PasswordSubmit => {
                if self.password.trim().is_empty() {
                    self.fail(
                        vec![problem("field-password", Text::id("password-missing"))],
                        fx,
                    );
                    return;
                }
                let Some(h) = &self.hospital else {
                    return;
                };
                let consent = Consent {
                    statement_version: h.privacy.version.clone(),
                    accepted: self.agree,
                    may_send: self.may_send,
                };
                self.busy = true;
                fx.push(Effect::StartSession {
                    password: self.password.clone(),
                    consent,
                });
            }
            Action::SessionStarted(result) => {
                self.busy = false;
                match result {
                    Ok((created, key)) => self.session_started(created, key, fx),
                    Err(e) => {
                        let wait_minutes = match &e {
                            NetError::Api {
                                retry_after: Some(s),
                                ..
                            } => Some(s.div_ceil(60)),
                            _ => None,
                        };
                        let text = Text::Error {
                            code: e.code().to_owned(),
                            wait_minutes,
                        };
                        self.fail(vec![problem("field-password", text)], fx);
                    }
                }
            }
            Action::Resumed(Ok((stored, key))) => {
                if let Some(session_id) = Id16::from_hex(&stored.session_id) {
                    self.open_session(&stored.token, session_id, key, stored.limits);
                    self.agree = true;
                    self.may_send = true;
                    self.notice = Some(Text::id("resume-notice"));
                    self.go(Step::Choose, fx);
                }
            }
            Action::Resumed(Err(_)) => fx.push(Effect::ForgetSession),
            Action::Chosen { files, unreadable } => self.chosen(files, unreadable, fx),
            Action::ScanProgress(done, total) => self.scanning = Some((done, total)),
            Action::Scanned(report) => {
                Rc::make_mut(&mut self.scanned).merge(report);
                self.scans_pending = self.scans_pending.saturating_sub(1);
                if self.scans_pending == 0 {
                    self.scans_done(fx);
                }
            }
            Action::ScanFailed => {
                self.scanning = None;
                self.scans_pending = 0;
                self.fail(vec![problem("", Text::id("scan-failed"))], fx);
            }
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
                Field::Role => self.form.role = value,
                Field::Department => self.department = value,
                Field::Contact => self.form.contact = value,
                Field::Request => self.form.request = value,
            },
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
                    let names = Arg::Str(refused.join(", "));
                    self.fail(
                        vec![problem(
                            "field-letters",
                            Text::with("about-letters-not-pdf", vec![("names", names)]),
                        )],
                        fx,
                    );
                }
            }
            Action::RemoveLetter(i) => {
                if i < self.letters.len() {
                    self.letters.remove(i);
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
                        self.go(Step::Send, fx);
                        self.start_upload(fx);
                    }
                    Err(e) if e.code() == "session-expired" => {
                        self.apply(Action::Reauthenticate, fx)
                    }
                    Err(e) => self.fail(vec![problem("", Text::error(e.code()))], fx),
                }
            }
            Action::Reauthenticate => {
                fx.push(Effect::ForgetSession);
                self.session = None;
                self.sending = None;
                self.resend = true;
                self.notice = Some(Text::id("session-ended-notice"));
                self.go(Step::Password, fx);
            }
            Action::Upload(event, now) => self.upload_event(event, now, fx),
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

    fn session_started(&mut self, created: SessionCreated, key: Key, fx: &mut Vec<Effect>) {
        let Some(session_id) = Id16::from_hex(&created.session_id) else {
            self.fail(
                vec![problem("field-password", Text::error("protocol-error"))],
                fx,
            );
            return;
        };
        fx.push(Effect::SaveSession(StoredSession {
            token: created.token.clone(),
            session_id: created.session_id.clone(),
            limits: created.limits,
        }));
        self.open_session(&created.token, session_id, key, created.limits);
        self.password.clear();
        self.say(Text::id("announce-password-ok"));
        if std::mem::take(&mut self.resend) {
            self.notice = None;
            self.go(Step::About, fx);
            self.apply(Action::Send, fx);
        } else {
            self.go(Step::Choose, fx);
        }
    }

    fn chosen(
        &mut self,
        files: Vec<(FileRef, String)>,
        unreadable: Vec<String>,
        fx: &mut Vec<Effect>,
    ) {
        if files.is_empty() && unreadable.is_empty() {
            self.fail(vec![problem("", Text::id("choose-nothing"))], fx);
            return;
        }
        // What the browser could not hand over is listed, not lost.
        Rc::make_mut(&mut self.scanned).merge(ScanReport {
            ignored: unreadable
                .into_iter()
                .map(|path| Ignored {
                    path,
                    size: 0,
                    reason: IgnoreReason::Unreadable,
                })
                .collect(),
            ..ScanReport::default()
        });
        if files.is_empty() {
            if self.scans_pending == 0 {
                self.scans_done(fx);
            }
            return;
        }
        let Some(limits) = self.session.as_ref().map(|s| s.limits) else {
            return;
        };
        let count = files.len();
        fx.push(Effect::Scan {
            files,
            max_file_bytes: limits.max_file_bytes,
            unpack_budget: limits.max_session_bytes,
        });
        self.scans_pending += 1;
        self.problems.clear();
        self.scanning = Some((0, count as u32));
        self.say(Text::with(
            "announce-scanning",
            vec![("files", count.into())],
        ));
    }

    fn upload_event(&mut self, event: Event, now: f64, fx: &mut Vec<Effect>) {
        let Some(s) = &mut self.sending else {
            return;
        };
        let mut announce = None;
        match event {
            Event::Progress { index, sent } => {
                if let Some(j) = s.jobs.get_mut(index) {
                    j.sent = sent;
                }
                s.waiting.remove(&index);
            }
            Event::Done {
                index,
                finished,
                reason,
            } => {
                if let Some(j) = s.jobs.get_mut(index) {
                    j.sent = j.size;
                    j.verdict = Some((finished, reason));
                }
                s.waiting.remove(&index);
            }
            Event::Waiting { index, secs, code } => {
                if s.waiting.is_empty() {
                    announce = Some(Text::id("announce-connection-lost"));
                }
                s.waiting.insert(index, (secs, code));
            }
            Event::Fatal(e) => {
                if matches!(e.code(), "session-expired" | "session-finished") {
                    fx.push(Effect::ForgetSession);
                }
                s.fatal = Some(e);
                fx.push(Effect::Focus("error-summary"));
            }
        }
        s.sample(now);
        let (sent, total, _, _) = s.totals();
        if !s.half_announced && total > 0 && sent * 2 >= total {
            s.half_announced = true;
            announce = Some(Text::id("announce-half"));
        }
        if let Some(text) = announce {
            self.say(text);
        }
    }
}
