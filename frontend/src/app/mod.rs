//! The upload page: one Yew component walking the sender through seven
//! steps (Welcome → Password → Choose → Check → About you → Send →
//! Receipt). State and what happens live here; `view.rs` draws it.

mod files;
mod view;

use std::collections::{HashSet, VecDeque};
use std::rc::Rc;

use mailslot_shared::dicom::Lang;
use mailslot_shared::envelope::{seal_all, Id16, SealParams, Sealer};
use mailslot_shared::wire::{
    Consent, HospitalInfo, Receipt, SenderDetails, SessionCreated, UploadLimits,
};
use wasm_bindgen::JsCast;
use web_sys::{Blob, File, HtmlElement};
use yew::prelude::*;

use crate::i18n::{self, t, ta};
use crate::net::{Api, Key, NetError};
use crate::scan::{IgnoreReason, Ignored, ScanReport};
use crate::store::{self, StoredSession};
use crate::tree::Scanned;
use crate::upload::{self, Control, Event, Job, Target};
use files::{ScanWorker, WorkerMsg};

pub use files::{dropped_entries, walk, Picked};

/// The steps, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// What this is, privacy statement, consent.
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

/// A sentence that follows the language switch: kept as how to say it, not
/// as what was said, so errors shown in German read in English after a
/// switch (and back).
#[derive(Clone)]
pub struct Said(Rc<dyn Fn(Lang) -> String>);

impl Said {
    /// The Fluent message `id`.
    pub fn id(id: &'static str) -> Self {
        Said(Rc::new(move |l| t(l, id)))
    }

    /// The sentence for an API error code.
    pub fn error(code: &str) -> Self {
        let code = code.to_owned();
        Said(Rc::new(move |l| i18n::error(l, &code)))
    }

    /// Anything else.
    pub fn new(f: impl Fn(Lang) -> String + 'static) -> Self {
        Said(Rc::new(f))
    }

    /// In `lang`.
    pub fn text(&self, lang: Lang) -> String {
        (self.0)(lang)
    }
}

impl std::fmt::Debug for Said {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text(Lang::En))
    }
}

/// An error shown in the summary at the top: the field it belongs to (its
/// element id, or "") and the sentence.
pub type Problem = (&'static str, Said);

/// One file being sent.
#[derive(Debug, Clone)]
pub struct JobInfo {
    /// Its label.
    pub label: String,
    /// Plaintext size.
    pub size: u64,
    /// The study it belongs to (`None`: a letter).
    pub study: Option<String>,
    /// Bytes the server holds.
    pub sent: u64,
    /// Verdict and reason once done.
    pub verdict: Option<(String, Option<String>)>,
}

/// The Send step's state.
#[derive(Debug, Default)]
pub struct Sending {
    /// Every file.
    pub jobs: Vec<JobInfo>,
    /// Recent (time ms, bytes sent) samples for the speed.
    pub samples: VecDeque<(f64, u64)>,
    /// Files waiting to retry: seconds and the error's code, by file.
    pub waiting: std::collections::BTreeMap<usize, (u32, String)>,
    /// The engine stopped for good.
    pub fatal: Option<NetError>,
    /// The engine has finished every file.
    pub finished: bool,
    /// Submitting failed (can be retried).
    pub submit_error: Option<NetError>,
    /// Halfway announced.
    pub half_announced: bool,
}

impl Sending {
    /// (bytes sent, bytes total, files done, files total).
    pub fn totals(&self) -> (u64, u64, usize, usize) {
        let sent = self.jobs.iter().map(|j| j.sent).sum();
        let total = self.jobs.iter().map(|j| j.size).sum();
        let done = self.jobs.iter().filter(|j| j.verdict.is_some()).count();
        (sent, total, done, self.jobs.len())
    }

    /// Bytes per second over the last samples.
    pub fn speed(&self) -> Option<f64> {
        let (t0, b0) = self.samples.front()?;
        let (t1, b1) = self.samples.back()?;
        (t1 - t0 > 1000.0).then(|| (b1 - b0) as f64 / ((t1 - t0) / 1000.0))
    }
}

/// The session, once the password was accepted.
#[derive(Debug, Clone)]
pub struct Session {
    /// Where files go.
    pub target: Target,
    /// The server's limits.
    pub limits: UploadLimits,
}

/// Messages.
#[derive(Debug)]
pub enum Msg {
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
    /// Files were chosen or dropped.
    Chosen(Picked),
    /// The scan worker said something.
    Worker(WorkerMsg),
    /// A study's checkbox.
    Study(String, bool),
    /// Check → About.
    CheckNext,
    /// A form field changed.
    Field(Field, String),
    /// Letters chosen: the PDFs, and the names of files that are not.
    Letters(Vec<File>, Vec<String>),
    /// Remove a letter.
    RemoveLetter(usize),
    /// The Send button.
    Send,
    /// The preflight answered.
    Preflighted(Result<(), NetError>),
    /// The upload engine reports.
    Upload(Event),
    /// The engine is done; submit.
    UploadsFinished,
    /// Pause (true) or resume.
    Pause(bool),
    /// The submission answered.
    Submitted(Result<Receipt, NetError>),
    /// The session ended (idle too long): ask for the password again,
    /// keeping everything chosen and typed.
    Reauthenticate,
}

/// The page.
#[derive(Debug)]
pub struct App {
    pub(crate) lang: Lang,
    pub(crate) hospital: Option<Rc<HospitalInfo>>,
    pub(crate) load_error: Option<NetError>,
    pub(crate) step: Step,
    pub(crate) agree: bool,
    pub(crate) may_send: bool,
    pub(crate) password: String,
    pub(crate) busy: bool,
    pub(crate) problems: Vec<Problem>,
    pub(crate) notice: Option<Said>,
    pub(crate) announce: String,
    focus: Option<&'static str>,
    api: Api,
    pub(crate) session: Option<Session>,
    worker: Option<ScanWorker>,
    pub(crate) scanning: Option<(u32, u32)>,
    scans_pending: u32,
    pub(crate) scanned: Scanned,
    blobs: Vec<Blob>,
    pub(crate) excluded: HashSet<String>,
    pub(crate) form: SenderDetails,
    pub(crate) department: String,
    pub(crate) letters: Vec<File>,
    pub(crate) control: Rc<Control>,
    pub(crate) sending: Option<Sending>,
    pub(crate) receipt: Option<Receipt>,
    /// After the password: send straight away (the session had ended at
    /// or during sending).
    resend: bool,
}

impl App {
    fn go(&mut self, step: Step) {
        self.step = step;
        self.problems.clear();
        self.focus = Some("step-heading");
        if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
            doc.set_title(&self.title());
        }
    }

    fn title(&self) -> String {
        let name = self
            .hospital
            .as_ref()
            .map(|h| self.pick(&h.name).to_owned())
            .unwrap_or_default();
        format!(
            "{} – {} – {}",
            t(self.lang, self.step.heading_id()),
            t(self.lang, "app-name"),
            name
        )
    }

    /// The text in the page's language.
    pub(crate) fn pick<'a>(&self, l: &'a mailslot_shared::wire::Localized) -> &'a str {
        match self.lang {
            Lang::De => &l.de,
            Lang::En => &l.en,
        }
    }

    /// Uploads go to this session from now on.
    fn open_session(&mut self, token: &str, session_id: Id16, key: Key, limits: UploadLimits) {
        self.session = Some(Session {
            target: Target {
                api: self.api.with_token(token),
                key,
                session_id,
            },
            limits,
        });
    }

    fn fail(&mut self, problems: Vec<Problem>) {
        self.problems = problems;
        self.focus = Some("error-summary");
    }

    /// Every scan has reported: show what was found and say so.
    fn scans_done(&mut self) {
        self.scanning = None;
        let studies: HashSet<&str> = self
            .scanned
            .items
            .iter()
            .map(|s| s.study_instance_uid.as_str())
            .collect();
        let text = ta(
            self.lang,
            "announce-scanned",
            &[
                ("images", self.scanned.items.len().into()),
                ("studies", studies.len().into()),
                ("ignored", self.scanned.ignored.len().into()),
            ],
        );
        self.go(Step::Check);
        self.say(text);
    }

    fn say(&mut self, text: String) {
        self.announce = text;
    }

    /// Selected items (indices) in order.
    pub(crate) fn selected(&self) -> Vec<usize> {
        (0..self.scanned.items.len())
            .filter(|i| {
                !self
                    .excluded
                    .contains(&self.scanned.items[*i].study_instance_uid)
            })
            .collect()
    }

    fn validate_about(&self) -> Vec<Problem> {
        let f = &self.form;
        let mut out = Vec::new();
        if f.name.trim().is_empty() {
            out.push(("field-name", Said::id("about-name-missing")));
        }
        if f.phone.trim().is_empty() && f.email.trim().is_empty() {
            out.push(("field-phone", Said::id("about-reach-missing")));
        }
        if !plausible_email(&f.email) {
            out.push(("field-email", Said::id("about-email-invalid")));
        }
        if f.role.is_empty() {
            out.push(("role-patient", Said::id("about-role-missing")));
        }
        if f.request.trim().is_empty() {
            out.push(("field-request", Said::id("about-request-missing")));
        }
        out
    }

    fn start_upload(&mut self, ctx: &Context<Self>) {
        let Some(session) = self.session.clone() else {
            return;
        };
        let sid = session.target.session_id.to_hex();
        let mut jobs = Vec::new();
        let mut infos = Vec::new();
        let fp = |blob: &Blob, label: &str| {
            let modified = blob.dyn_ref::<File>().map_or(0.0, File::last_modified);
            store::fingerprint(&sid, label, crate::blob::size(blob), modified)
        };
        for i in self.selected() {
            let blob = self.blobs[i].clone();
            let label = self.scanned.paths[i].clone();
            jobs.push(Job {
                index: jobs.len(),
                fingerprint: fp(&blob, &label),
                blob,
                kind: "dicom",
            });
            infos.push(JobInfo {
                label,
                size: self.scanned.items[i].size,
                study: Some(self.scanned.items[i].study_instance_uid.clone()),
                sent: 0,
                verdict: None,
            });
        }
        for letter in &self.letters {
            let label = format!("letter:{}", letter.name());
            let blob: Blob = letter.clone().into();
            jobs.push(Job {
                index: jobs.len(),
                fingerprint: fp(&blob, &label),
                blob,
                kind: "letter",
            });
            infos.push(JobInfo {
                label: letter.name(),
                size: crate::blob::size(letter),
                study: None,
                sent: 0,
                verdict: None,
            });
        }
        self.control = Rc::new(Control::default());
        self.sending = Some(Sending {
            jobs: infos,
            ..Sending::default()
        });
        let control = self.control.clone();
        let emit = ctx.link().callback(Msg::Upload);
        let link = ctx.link().clone();
        wasm_bindgen_futures::spawn_local(async move {
            upload::run(
                session.target,
                jobs,
                control,
                Rc::new(move |e| emit.emit(e)),
            )
            .await;
            link.send_message(Msg::UploadsFinished);
        });
        self.say(t(self.lang, "announce-send-started"));
    }

    fn submit(&mut self, ctx: &Context<Self>) {
        let Some(session) = self.session.clone() else {
            return;
        };
        let mut details = self.form.clone();
        let mut studies: Vec<String> = Vec::new();
        for i in self.selected() {
            let uid = &self.scanned.items[i].study_instance_uid;
            if !studies.contains(uid) {
                studies.push(uid.clone());
            }
        }
        details.studies = studies;
        let department = self.department.clone();
        ctx.link().send_future(async move {
            let result = async {
                let json =
                    serde_json::to_vec(&details).map_err(|_| NetError::Protocol("details"))?;
                let no_random = |_| NetError::Protocol("random");
                let ikm = crate::blob::random::<32>().map_err(no_random)?;
                let file_id = Id16(crate::blob::random::<16>().map_err(no_random)?);
                let sealer = Sealer::new(
                    &SealParams {
                        recipient: &session.target.key.public,
                        session_id: session.target.session_id,
                        file_id,
                        plaintext_len: json.len() as u64,
                        record_size: session.target.key.record_size,
                    },
                    &ikm,
                )
                .map_err(|_| NetError::Protocol("seal"))?;
                let sealed = seal_all(&sealer, &json).map_err(|_| NetError::Protocol("seal"))?;
                session.target.api.submit(&sealed, &department).await
            }
            .await;
            Msg::Submitted(result)
        });
    }
}

async fn connect(
    api: Api,
    password: String,
    consent: Consent,
) -> Result<(SessionCreated, Key), NetError> {
    let key = api.key().await?;
    let created = api.start_session(&password, consent).await?;
    Ok((created, key))
}

async fn resume(api: Api, stored: StoredSession) -> Result<(StoredSession, Key), NetError> {
    let authed = api.with_token(&stored.token);
    authed.preflight(0, 0).await?;
    let key = api.key().await?;
    Ok((stored, key))
}

impl Component for App {
    type Message = Msg;
    type Properties = ();

    fn create(ctx: &Context<Self>) -> Self {
        let lang = i18n::initial_lang();
        let api = Api::new("");
        {
            let api = api.clone();
            ctx.link()
                .send_future(async move { Msg::Hospital(api.hospital().await) });
        }
        if let Some(stored) = store::session() {
            let api = api.clone();
            ctx.link()
                .send_future(async move { Msg::Resumed(resume(api, stored).await) });
        }
        set_html_lang(lang);
        App {
            lang,
            hospital: None,
            load_error: None,
            step: Step::Welcome,
            agree: false,
            may_send: false,
            password: String::new(),
            busy: false,
            problems: Vec::new(),
            notice: None,
            announce: String::new(),
            focus: None,
            api,
            session: None,
            worker: None,
            scanning: None,
            scans_pending: 0,
            scanned: Scanned::default(),
            blobs: Vec::new(),
            excluded: HashSet::new(),
            form: SenderDetails::default(),
            department: String::new(),
            letters: Vec::new(),
            control: Rc::new(Control::default()),
            sending: None,
            receipt: None,
            resend: false,
        }
    }

    fn update(&mut self, ctx: &Context<Self>, msg: Msg) -> bool {
        let l = self.lang;
        match msg {
            Msg::Hospital(Ok(h)) => {
                self.hospital = Some(Rc::new(h));
                self.load_error = None;
                if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
                    doc.set_title(&self.title());
                }
            }
            Msg::Hospital(Err(e)) => self.load_error = Some(e),
            Msg::Lang(lang) => {
                self.lang = lang;
                set_html_lang(lang);
                if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
                    doc.set_title(&self.title());
                }
            }
            Msg::Agree(v) => self.agree = v,
            Msg::MaySend(v) => self.may_send = v,
            Msg::Go(step) => self.go(step),
            Msg::WelcomeNext => {
                let mut p = Vec::new();
                if !self.agree {
                    p.push(("consent-agree", Said::id("welcome-agree-missing")));
                }
                if !self.may_send {
                    p.push(("consent-may-send", Said::id("welcome-may-send-missing")));
                }
                if p.is_empty() {
                    self.go(if self.session.is_some() {
                        Step::Choose
                    } else {
                        Step::Password
                    });
                } else {
                    self.fail(p);
                }
            }
            Msg::Password(p) => self.password = p,
            Msg::PasswordSubmit => {
                if self.password.trim().is_empty() {
                    self.fail(vec![("field-password", Said::id("password-missing"))]);
                    return true;
                }
                let Some(h) = &self.hospital else {
                    return false;
                };
                let consent = Consent {
                    statement_version: h.privacy.version.clone(),
                    accepted: self.agree,
                    may_send: self.may_send,
                };
                self.busy = true;
                let (api, pw) = (self.api.clone(), self.password.clone());
                ctx.link().send_future(async move {
                    Msg::SessionStarted(connect(api, pw, consent).await)
                });
            }
            Msg::SessionStarted(result) => {
                self.busy = false;
                match result {
                    Ok((created, key)) => {
                        let Some(session_id) = Id16::from_hex(&created.session_id) else {
                            self.fail(vec![("field-password", Said::error("protocol-error"))]);
                            return true;
                        };
                        store::save_session(&StoredSession {
                            token: created.token.clone(),
                            session_id: created.session_id.clone(),
                            limits: created.limits,
                        });
                        self.open_session(&created.token, session_id, key, created.limits);
                        self.password.clear();
                        self.say(t(l, "announce-password-ok"));
                        if std::mem::take(&mut self.resend) {
                            self.notice = None;
                            self.go(Step::About);
                            ctx.link().send_message(Msg::Send);
                        } else {
                            self.go(Step::Choose);
                        }
                    }
                    Err(e) => {
                        let code = e.code().to_owned();
                        let wait = match &e {
                            NetError::Api {
                                retry_after: Some(s),
                                ..
                            } => Some(s.div_ceil(60)),
                            _ => None,
                        };
                        let text = Said::new(move |l| {
                            let mut text = i18n::error(l, &code);
                            if let Some(minutes) = wait {
                                text.push(' ');
                                text.push_str(&ta(
                                    l,
                                    "error-wait-minutes",
                                    &[("minutes", minutes.into())],
                                ));
                            }
                            text
                        });
                        self.fail(vec![("field-password", text)]);
                    }
                }
            }
            Msg::Resumed(Ok((stored, key))) => {
                if let Some(session_id) = Id16::from_hex(&stored.session_id) {
                    self.open_session(&stored.token, session_id, key, stored.limits);
                    self.agree = true;
                    self.may_send = true;
                    self.notice = Some(Said::id("resume-notice"));
                    self.go(Step::Choose);
                }
            }
            Msg::Resumed(Err(_)) => store::clear(),
            Msg::Chosen(Picked { files, unreadable }) => {
                if files.is_empty() && unreadable.is_empty() {
                    self.fail(vec![("", Said::id("choose-nothing"))]);
                    return true;
                }
                // What the browser could not hand over is listed, not lost.
                self.scanned.merge(ScanReport {
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
                        self.scans_done();
                    }
                    return true;
                }
                let Some(limits) = self.session.as_ref().map(|s| s.limits) else {
                    return false;
                };
                if self.worker.is_none() {
                    let link = ctx.link().clone();
                    self.worker = ScanWorker::start(move |m| link.send_message(Msg::Worker(m)));
                }
                let Some(worker) = &self.worker else {
                    self.fail(vec![("", Said::id("scan-failed"))]);
                    return true;
                };
                let unpack = limits.max_session_bytes;
                worker.scan(&files, limits.max_file_bytes, unpack);
                self.scans_pending += 1;
                self.problems.clear();
                self.scanning = Some((0, files.len() as u32));
                self.say(ta(l, "announce-scanning", &[("files", files.len().into())]));
            }
            Msg::Worker(WorkerMsg::Progress(done, total)) => self.scanning = Some((done, total)),
            Msg::Worker(WorkerMsg::Done(report, blobs)) => {
                let kept = self.scanned.merge(report);
                for (i, keep) in kept.into_iter().enumerate() {
                    if keep {
                        if let Ok(b) = blobs.get(i as u32).dyn_into::<Blob>() {
                            self.blobs.push(b);
                        }
                    }
                }
                // Blobs and items must stay aligned; a lost blob would
                // send the wrong file, so stop rather than guess.
                if self.blobs.len() != self.scanned.items.len() {
                    self.fail(vec![("", Said::id("scan-failed"))]);
                    return true;
                }
                self.scans_pending = self.scans_pending.saturating_sub(1);
                if self.scans_pending == 0 {
                    self.scans_done();
                }
            }
            Msg::Worker(WorkerMsg::Failed) => {
                self.scanning = None;
                self.scans_pending = 0;
                self.worker = None;
                self.fail(vec![("", Said::id("scan-failed"))]);
            }
            Msg::Study(uid, on) => {
                if on {
                    self.excluded.remove(&uid);
                } else {
                    self.excluded.insert(uid);
                }
            }
            Msg::CheckNext => {
                if self.selected().is_empty() {
                    self.fail(vec![("", Said::id("check-nothing-selected"))]);
                } else {
                    self.go(Step::About);
                }
            }
            Msg::Field(field, value) => match field {
                Field::Name => self.form.name = value,
                Field::Phone => self.form.phone = value,
                Field::Email => self.form.email = value,
                Field::Role => self.form.role = value,
                Field::Department => self.department = value,
                Field::Contact => self.form.contact = value,
                Field::Request => self.form.request = value,
            },
            Msg::Letters(pdfs, others) => {
                for f in pdfs {
                    if !self
                        .letters
                        .iter()
                        .any(|x| x.name() == f.name() && x.size() == f.size())
                    {
                        self.letters.push(f);
                    }
                }
                if others.is_empty() {
                    self.problems.retain(|p| p.0 != "field-letters");
                    self.say(ta(
                        l,
                        "announce-letters",
                        &[("count", self.letters.len().into())],
                    ));
                } else {
                    self.fail(vec![("field-letters", {
                        let names = others.join(", ");
                        Said::new(move |l| {
                            ta(
                                l,
                                "about-letters-not-pdf",
                                &[("names", names.clone().into())],
                            )
                        })
                    })]);
                }
            }
            Msg::RemoveLetter(i) => {
                if i < self.letters.len() {
                    self.letters.remove(i);
                }
            }
            Msg::Send => {
                let p = self.validate_about();
                if !p.is_empty() {
                    self.fail(p);
                    return true;
                }
                let Some(session) = &self.session else {
                    return false;
                };
                let items = self.selected();
                let bytes: u64 = items
                    .iter()
                    .map(|i| self.scanned.items[*i].size)
                    .sum::<u64>()
                    + self
                        .letters
                        .iter()
                        .map(|f| crate::blob::size(f))
                        .sum::<u64>();
                let files = (items.len() + self.letters.len()) as u64;
                self.busy = true;
                let api = session.target.api.clone();
                ctx.link().send_future(async move {
                    Msg::Preflighted(api.preflight(files, bytes).await)
                });
            }
            Msg::Preflighted(result) => {
                self.busy = false;
                match result {
                    Ok(()) => {
                        self.go(Step::Send);
                        self.start_upload(ctx);
                    }
                    Err(e) if e.code() == "session-expired" => {
                        ctx.link().send_message(Msg::Reauthenticate)
                    }
                    Err(e) => self.fail(vec![("", Said::error(e.code()))]),
                }
            }
            Msg::Reauthenticate => {
                store::clear();
                self.session = None;
                self.sending = None;
                self.resend = true;
                self.notice = Some(Said::id("session-ended-notice"));
                self.go(Step::Password);
            }
            Msg::Upload(event) => {
                let Some(s) = &mut self.sending else {
                    return false;
                };
                match event {
                    Event::Progress { index, sent } => {
                        if let Some(j) = s.jobs.get_mut(index) {
                            j.sent = sent;
                        }
                        s.waiting.remove(&index);
                    }
                    Event::Done {
                        index,
                        verdict,
                        reason,
                    } => {
                        if let Some(j) = s.jobs.get_mut(index) {
                            j.sent = j.size;
                            j.verdict = Some((verdict, reason));
                        }
                        s.waiting.remove(&index);
                    }
                    Event::Waiting { index, secs, code } => {
                        if s.waiting.is_empty() {
                            self.announce = t(l, "announce-connection-lost");
                        }
                        s.waiting.insert(index, (secs, code));
                    }
                    Event::Fatal(e) => {
                        if matches!(e.code(), "session-expired" | "session-finished") {
                            store::clear();
                        }
                        s.fatal = Some(e);
                        self.focus = Some("error-summary");
                    }
                }
                let (sent, total, _, _) = s.totals();
                let now = js_sys::Date::now();
                s.samples.push_back((now, sent));
                while s.samples.len() > 2
                    && s.samples.front().is_some_and(|(t0, _)| now - t0 > 10_000.0)
                {
                    s.samples.pop_front();
                }
                if !s.half_announced && total > 0 && sent * 2 >= total {
                    s.half_announced = true;
                    self.announce = t(l, "announce-half");
                }
            }
            Msg::UploadsFinished => {
                let Some(s) = &mut self.sending else {
                    return false;
                };
                s.finished = true;
                s.submit_error = None;
                if s.fatal.is_none() {
                    self.busy = true;
                    self.submit(ctx);
                }
            }
            Msg::Pause(on) => {
                self.control.paused.set(on);
                self.say(t(
                    l,
                    if on {
                        "announce-paused"
                    } else {
                        "announce-resumed"
                    },
                ));
            }
            Msg::Submitted(result) => {
                self.busy = false;
                match result {
                    Ok(receipt) => {
                        store::clear();
                        self.receipt = Some(receipt);
                        self.go(Step::Receipt);
                        self.say(t(l, "announce-complete"));
                    }
                    Err(e) => {
                        if let Some(s) = &mut self.sending {
                            s.submit_error = Some(e);
                        }
                        self.focus = Some("error-summary");
                    }
                }
            }
        }
        true
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        self.render(ctx)
    }

    fn rendered(&mut self, _ctx: &Context<Self>, _first: bool) {
        if let Some(id) = self.focus.take() {
            let el = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.get_element_by_id(id))
                .and_then(|e| e.dyn_into::<HtmlElement>().ok());
            if let Some(el) = el {
                let _ = el.focus();
            }
        }
    }
}

/// Empty, or something@domain.tld: catches typos, not a full RFC check.
fn plausible_email(email: &str) -> bool {
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

fn set_html_lang(lang: Lang) {
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = root.set_attribute("lang", i18n::tag(lang));
    }
}

const PANIC_HTML: &str = r#"<main class="page"><div class="error-summary" role="alert">
<h1 lang="de">Ein Fehler ist aufgetreten</h1>
<p lang="de">Bitte laden Sie die Seite neu. Was schon gesendet wurde, wird nicht noch einmal gesendet. Hilft das nicht, rufen Sie uns bitte an.</p>
<h1 lang="en">Something went wrong</h1>
<p lang="en">Please reload the page. What was already sent is not sent again. If that does not help, please call us.</p>
</div></main>"#;

/// Mounts the page into `#app` (the static page's fallback text is
/// replaced).
pub fn start() {
    // A bug must not leave a frozen page: say so in both languages, with
    // what to do, instead (nothing about the files is shown or sent).
    std::panic::set_hook(Box::new(|_| {
        let doc = web_sys::window().and_then(|w| w.document());
        if let Some(root) = doc.and_then(|d| d.get_element_by_id("app")) {
            root.set_inner_html(PANIC_HTML);
        }
    }));
    let root = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("app"));
    if let Some(root) = root {
        root.set_inner_html("");
        yew::Renderer::<App>::with_root(root).render();
    }
}
