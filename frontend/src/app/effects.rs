//! Carrying out the model's [`Effect`]s: the network, `sessionStorage`,
//! the scan worker and the upload engine. Results come back as
//! [`Action`]s through the page's message queue. This is also where the
//! browser's file handles live: the model knows a file as a [`FileRef`],
//! an index into [`Effects::files`].

use std::collections::HashMap;
use std::rc::Rc;

use mailslot_shared::envelope::{Id16, SealParams};
use mailslot_shared::wire::{Consent, SenderDetails};
use web_sys::{Blob, File};
use yew::html::Scope;

use super::files::Picked;
use super::model::{Action, Effect, Letter, RefusedLetters, Session, Started, UploadJob};
use super::{App, Msg};
use crate::net::{Api, Key, NetError};
use crate::store::{self, StoredSession};
use crate::tree::FileRef;
use crate::upload::{self, Control, Job, Target};
use crate::worker::client::{ScanWorker, WorkerEvent};
use crate::worker::protocol::{Chosen, FromWorker};

/// The page's side effects and the browser objects they need.
pub struct Effects {
    link: Scope<App>,
    api: Api,
    /// Every file the sender chose, by [`FileRef`].
    files: Vec<Blob>,
    worker: Option<ScanWorker>,
    /// The files of each scan under way, in the order the worker numbers
    /// them.
    scans: HashMap<u32, Vec<FileRef>>,
    control: Rc<Control>,
    /// The clock the idle warning runs on (stops when dropped).
    ticker: Option<gloo_timers::callback::Interval>,
}

impl std::fmt::Debug for Effects {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Effects")
            .field("files", &self.files.len())
            .finish_non_exhaustive()
    }
}

fn act(action: Action) -> Msg {
    Msg::Act(action)
}

async fn connect(api: Api, password: String, consent: Consent) -> Result<Started, NetError> {
    let key = api.key().await?;
    let created = api.start_session(&password, consent).await?;
    // The session's sealing secret: drawn here, kept in this tab only.
    let seal_secret =
        crate::blob::random::<32>().map_err(|_| NetError::Protocol("no random numbers"))?;
    Ok(Started {
        created,
        key,
        seal_secret,
    })
}

async fn resume(api: Api, stored: StoredSession) -> Result<(StoredSession, Key), NetError> {
    api.with_token(&stored.token).preflight(0, 0).await?;
    let key = api.key().await?;
    Ok((stored, key))
}

async fn submit(
    api: Api,
    session: Session,
    details: SenderDetails,
    department: String,
) -> Result<mailslot_shared::wire::Receipt, NetError> {
    let no_random = |_| NetError::Protocol("random");
    let ikm = crate::blob::random::<32>().map_err(no_random)?;
    let file_id = Id16(crate::blob::random::<16>().map_err(no_random)?);
    let sealed = details
        .seal(
            &SealParams {
                recipient: &session.key.public,
                session_id: session.session_id,
                file_id,
                plaintext_len: 0,
                record_size: session.key.record_size,
            },
            &ikm,
        )
        .map_err(|_| NetError::Protocol("seal"))?;
    api.with_token(&session.token)
        .submit(&sealed, &department)
        .await
}

impl Effects {
    /// Effects for the page behind `link`, talking to this page's origin.
    pub fn new(link: Scope<App>) -> Self {
        Effects {
            link,
            api: Api::new(""),
            files: Vec::new(),
            worker: None,
            scans: HashMap::new(),
            control: Rc::new(Control::default()),
            ticker: None,
        }
    }

    /// What every page load does: fetch the hospital's texts, and continue
    /// a session a reload interrupted.
    pub fn start(&mut self) {
        let link = self.link.clone();
        self.ticker = Some(gloo_timers::callback::Interval::new(5_000, move || {
            link.send_message(act(Action::Tick(js_sys::Date::now())))
        }));
        let api = self.api.clone();
        self.link
            .send_future(async move { act(Action::Hospital(api.hospital().await.map(Rc::new))) });
        if let Some(stored) = store::session() {
            let api = self.api.clone();
            self.link
                .send_future(async move { act(Action::Resumed(resume(api, stored).await)) });
        }
    }

    fn keep(&mut self, blob: Blob) -> FileRef {
        self.files.push(blob);
        FileRef(self.files.len() as u32 - 1)
    }

    fn blob(&self, file: FileRef) -> Option<&Blob> {
        self.files.get(file.0 as usize)
    }

    /// Files chosen or dropped, kept here and named to the model.
    pub fn picked(&mut self, picked: Picked) -> Action {
        let files = picked
            .files
            .into_iter()
            .map(|(file, label)| (self.keep(file.into()), label))
            .collect();
        Action::Chosen {
            files,
            unreadable: picked.unreadable,
        }
    }

    /// Letters chosen, kept here and named to the model.
    pub fn letters(&mut self, letters: Vec<File>, refused: RefusedLetters) -> Action {
        let letters = letters
            .into_iter()
            .map(|f| Letter {
                name: f.name(),
                size: crate::blob::size(&f),
                file: self.keep(f.into()),
                study: None,
            })
            .collect();
        Action::Letters { letters, refused }
    }

    /// What the scan worker said, for the model.
    pub fn worker(&mut self, event: WorkerEvent) -> Option<Action> {
        match event {
            WorkerEvent::Said(FromWorker::Progress { done, total, .. }) => {
                Some(Action::ScanProgress(done, total))
            }
            WorkerEvent::Said(FromWorker::Done { scan, report }) => {
                let Some(report) = report.unpack() else {
                    return self.worker(WorkerEvent::Failed);
                };
                let chosen = self.scans.remove(&scan).unwrap_or_default();
                let report =
                    report.resolve(|n| chosen.get(n as usize).copied(), |blob| self.keep(blob));
                Some(Action::Scanned(report))
            }
            WorkerEvent::Said(FromWorker::Ready) => None,
            WorkerEvent::Failed => {
                self.worker = None;
                self.scans.clear();
                Some(Action::ScanFailed)
            }
        }
    }

    /// Carries out `effect` (focus is the page's own: see `App`).
    pub fn run(&mut self, effect: Effect) {
        match effect {
            Effect::StartSession { password, consent } => {
                // The worker loads while the password is checked: the
                // next step scans.
                self.start_worker();
                let api = self.api.clone();
                self.link.send_future(async move {
                    act(Action::SessionStarted(
                        connect(api, password, consent).await,
                    ))
                });
            }
            Effect::SaveSession(stored) => store::save_session(&stored),
            Effect::ForgetSession => store::clear(),
            Effect::Scan {
                files,
                max_file_bytes,
                unpack_budget,
            } => self.scan(files, max_file_bytes, unpack_budget),
            Effect::Preflight {
                session,
                files,
                bytes,
            } => {
                let api = self.api.with_token(&session.token);
                self.link.send_future(async move {
                    act(Action::Preflighted(api.preflight(files, bytes).await))
                });
            }
            Effect::Upload { session, jobs } => self.upload(session, jobs),
            Effect::Pause(on) => self.control.paused.set(on),
            Effect::Submit {
                session,
                details,
                department,
            } => {
                let api = self.api.clone();
                self.link.send_future(async move {
                    act(Action::Submitted(
                        submit(api, session, *details, department).await,
                    ))
                });
            }
            Effect::KeepAlive(session) => {
                let api = self.api.with_token(&session.token);
                self.link
                    .send_future(async move { act(Action::KeptAlive(api.keepalive().await)) });
            }
            Effect::Focus(_) => {}
        }
    }

    fn scan(&mut self, files: Vec<(FileRef, String)>, max_file_bytes: u64, budget: u64) {
        self.start_worker();
        let (refs, chosen): (Vec<FileRef>, Vec<Chosen>) = files
            .into_iter()
            .filter_map(|(file, label)| {
                let blob = self.blob(file)?.clone();
                Some((file, Chosen { file: blob, label }))
            })
            .unzip();
        match &self.worker {
            Some(w) => {
                let scan = w.scan(chosen, max_file_bytes, budget);
                self.scans.insert(scan, refs);
            }
            None => self.link.send_message(act(Action::ScanFailed)),
        }
    }

    /// Starts the scan worker unless it runs.
    fn start_worker(&mut self) {
        if self.worker.is_none() {
            let link = self.link.clone();
            self.worker = ScanWorker::start(move |e| link.send_message(Msg::Worker(e)));
        }
    }

    fn upload(&mut self, session: Session, jobs: Vec<UploadJob>) {
        let jobs: Vec<Job> = jobs
            .into_iter()
            .filter_map(|j| {
                Some(Job {
                    index: j.index,
                    blob: self.blob(j.file)?.clone(),
                    kind: j.kind,
                })
            })
            .collect();
        self.control = Rc::new(Control::default());
        let target = Target {
            api: self.api.with_token(&session.token),
            key: Rc::new(std::cell::RefCell::new(session.key)),
            session_id: session.session_id,
            seal_secret: session.seal_secret,
            max_chunk_bytes: session.limits.max_chunk_bytes,
        };
        let (control, link) = (self.control.clone(), self.link.clone());
        let emit = {
            let link = link.clone();
            Rc::new(move |e| link.send_message(act(Action::Upload(e, js_sys::Date::now()))))
        };
        wasm_bindgen_futures::spawn_local(async move {
            upload::run(target, jobs, control, emit).await;
            link.send_message(act(Action::UploadsFinished));
        });
    }
}
