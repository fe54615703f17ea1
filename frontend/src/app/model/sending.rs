//! The Send step's state: every file being sent, progress samples for the
//! speed, files waiting to retry, and how sending ended. Plain data.

use std::collections::{BTreeMap, VecDeque};

use mailslot_shared::wire::{DicomdirCheck, ErrorCode, LetterName, UploadState};

use mailslot_shared::wire::UploadKind;

use super::types::{Effect, UploadJob};
use super::Model;
use crate::app::text::Text;
use crate::net::NetError;
use crate::upload::{Event, Finished};

/// The study a file belongs to, as the Send step names it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct StudyLabel {
    /// Study Instance UID (the group's key).
    pub uid: String,
    /// Study Date (YYYYMMDD).
    pub date: Option<String>,
    /// Study Description.
    pub description: Option<String>,
}

/// One file being sent.
#[derive(Debug, Clone, PartialEq)]
pub struct JobInfo {
    /// Its label.
    pub label: String,
    /// Plaintext size.
    pub size: u64,
    /// The study it belongs to (`None`: a letter).
    pub study: Option<StudyLabel>,
    /// Bytes the server holds.
    pub sent: u64,
    /// How it finished, and the reason code if refused.
    pub verdict: Option<(Finished, Option<String>)>,
    /// Its upload's id on the server, once created.
    pub upload: Option<String>,
    /// A letter's study, if the sender chose one.
    pub letter_study: Option<String>,
}

impl JobInfo {
    /// Whether the server refused it or it could not be sent.
    pub fn refused(&self) -> bool {
        matches!(
            self.verdict,
            Some((
                Finished::State(UploadState::Rejected | UploadState::Failed),
                _
            ))
        )
    }
}

/// Progress of one study (or of the letters), for its progress bar.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GroupProgress {
    /// Bytes the server holds.
    pub sent: u64,
    /// Bytes in all.
    pub total: u64,
    /// Files finished.
    pub done: usize,
    /// Files in all.
    pub files: usize,
}

/// The Send step's state.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Sending {
    /// Every file, in the engine's order (its index is the engine's).
    pub jobs: Vec<JobInfo>,
    /// Recent (time ms, bytes sent) samples for the speed.
    pub samples: VecDeque<(f64, u64)>,
    /// Files waiting to retry: seconds and the error's code, by file.
    pub waiting: BTreeMap<usize, (u32, String)>,
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

    /// Progress per study (and letters: `None`), in the order first seen.
    pub fn groups(&self) -> Vec<(Option<&StudyLabel>, GroupProgress)> {
        let mut out: Vec<(Option<&StudyLabel>, GroupProgress)> = Vec::new();
        for j in &self.jobs {
            let key = j.study.as_ref();
            let at = match out
                .iter()
                .position(|(k, _)| k.map(|s| &s.uid) == key.map(|s| &s.uid))
            {
                Some(at) => at,
                None => {
                    out.push((key, GroupProgress::default()));
                    out.len() - 1
                }
            };
            let g = &mut out[at].1;
            g.sent += j.sent;
            g.total += j.size;
            g.done += usize::from(j.verdict.is_some());
            g.files += 1;
        }
        out
    }

    /// Records a progress sample at `now` (ms), keeping about 10 s.
    pub(super) fn sample(&mut self, now: f64) {
        let (sent, _, _, _) = self.totals();
        self.samples.push_back((now, sent));
        while self.samples.len() > 2
            && self
                .samples
                .front()
                .is_some_and(|(t0, _)| now - t0 > 10_000.0)
        {
            self.samples.pop_front();
        }
    }
}

impl Model {
    /// The Send step's jobs: the selected objects, then the letters.
    pub(super) fn upload_jobs(&self) -> (Vec<UploadJob>, Vec<JobInfo>) {
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
                upload: None,
                letter_study: None,
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
                upload: None,
                letter_study: letter.study.clone(),
            });
        }
        (jobs, infos)
    }

    pub(super) fn start_upload(&mut self, fx: &mut Vec<Effect>) {
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

    pub(super) fn submit(&mut self, fx: &mut Vec<Effect>) {
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
        details.lang = Some(self.lang);
        details.dicomdir = Some(
            self.scanned
                .dicomdir_check()
                .into_iter()
                .map(|(_, listed, missing)| DicomdirCheck {
                    listed: listed as u64,
                    missing: missing as u64,
                })
                .collect(),
        );
        // The letters' names, sealed with the details (a letter sent
        // before a reload is known by its upload only).
        details.letters = self
            .sending
            .iter()
            .flat_map(|s| &s.jobs)
            .filter(|j| j.study.is_none() && !j.refused())
            .filter_map(|j| {
                Some(LetterName {
                    upload: j.upload.clone()?,
                    name: j.label.clone(),
                    study: j.letter_study.clone().unwrap_or_default(),
                })
            })
            .collect();
        self.busy = true;
        fx.push(Effect::Submit {
            session,
            details: Box::new(details),
            department: self.department.clone(),
        });
    }

    pub(super) fn upload_event(&mut self, event: Event, now: f64, fx: &mut Vec<Effect>) {
        let Some(s) = &mut self.sending else {
            return;
        };
        let mut announce = None;
        match event {
            Event::Created { index, upload } => {
                if let Some(j) = s.jobs.get_mut(index) {
                    j.upload = Some(upload);
                }
            }
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
                if e.is(ErrorCode::SessionExpired) || e.is(ErrorCode::SessionFinished) {
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
