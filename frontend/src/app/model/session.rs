//! The session: the password exchanged for one, a stored one resumed
//! after a reload, and a new one when the old one ended while sending.

use mailslot_shared::envelope::Id16;
use mailslot_shared::wire::{Consent, ErrorCode, UploadLimits};

use super::types::{problem, Action, Effect, Session, Started, Step};
use super::Model;
use crate::app::text::Text;
use crate::net::{Key, NetError};
use crate::store::StoredSession;

impl Model {
    pub(super) fn password_submit(&mut self, fx: &mut Vec<Effect>) {
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

    pub(super) fn session_answer(
        &mut self,
        result: Result<Started, NetError>,
        fx: &mut Vec<Effect>,
    ) {
        self.busy = false;
        match result {
            Ok(started) => self.session_started(started, fx),
            Err(e) => {
                let wait_minutes = e.retry_after().map(|s| s.div_ceil(60));
                let text = Text::Error {
                    code: e.code().to_owned(),
                    wait_minutes,
                };
                self.fail(vec![problem("field-password", text)], fx);
            }
        }
    }

    pub(super) fn resumed(&mut self, stored: StoredSession, key: Key, fx: &mut Vec<Effect>) {
        let secret = hex_32(&stored.seal_secret);
        let (Some(session_id), Some(seal_secret)) = (Id16::from_hex(&stored.session_id), secret)
        else {
            fx.push(Effect::ForgetSession);
            return;
        };
        {
            self.open_session(
                &stored.token,
                session_id,
                key,
                stored.limits,
                seal_secret,
                stored.idle_timeout_secs,
            );
            self.agree = true;
            self.may_send = true;
            self.notice = Some(Text::id("resume-notice"));
            self.go(Step::Choose, fx);
        }
    }

    /// Uploads go to this session from now on.
    pub(super) fn open_session(
        &mut self,
        token: &str,
        session_id: Id16,
        key: Key,
        limits: UploadLimits,
        seal_secret: [u8; 32],
        idle_timeout_secs: u64,
    ) {
        self.session = Some(Session {
            token: token.to_owned(),
            session_id,
            key,
            limits,
            seal_secret,
            idle_timeout_secs,
        });
        self.idle = Idle::default();
    }

    /// The server heard from the session (a request succeeded): its idle
    /// time starts again at the next tick.
    pub(super) fn heard(&mut self) {
        self.idle.heard = true;
    }

    /// The clock: warns once, ahead of time, before the idle session ends;
    /// ends it on the page when it has. A running upload keeps it alive.
    pub(super) fn tick(&mut self, now: f64, fx: &mut Vec<Effect>) {
        let Some(idle_timeout_secs) = self.session.as_ref().map(|s| s.idle_timeout_secs) else {
            self.idle = Idle::default();
            return;
        };
        let running = self
            .sending
            .as_ref()
            .is_some_and(|s| !s.finished && s.fatal.is_none())
            && !self.paused;
        if self.idle.heard || running || self.idle.seen_at.is_none() {
            self.idle.seen_at = Some(now);
            self.idle.heard = false;
            if std::mem::take(&mut self.idle.warning).is_some() {
                self.say(Text::id("announce-session-continued"));
            }
        }
        let timeout = idle_timeout_secs as f64 * 1000.0;
        if timeout <= 0.0 || self.step == Step::Receipt {
            return;
        }
        let left = self.idle.seen_at.unwrap_or(now) + timeout - now;
        if left <= 0.0 {
            self.idle_ended(fx);
        } else if left <= warning_lead(timeout) && self.idle.warning.is_none() {
            let minutes = (left / 60_000.0).ceil().max(1.0) as u64;
            let text = Text::with("session-warning", vec![("minutes", minutes.into())]);
            self.idle.warning = Some(text.clone());
            self.say(text);
        }
    }

    /// The session ran out while nobody was there: the password again,
    /// then back where the sender was (sending again if that had begun).
    fn idle_ended(&mut self, fx: &mut Vec<Effect>) {
        let back_to = self.step;
        fx.push(Effect::ForgetSession);
        self.session = None;
        self.idle = Idle::default();
        self.resend = self.sending.take().is_some();
        self.back_to = (!self.resend).then_some(back_to);
        self.notice = Some(Text::id("session-idle-ended-notice"));
        self.say(Text::id("session-idle-ended-notice"));
        self.go(Step::Password, fx);
    }

    pub(super) fn kept_alive(&mut self, result: Result<(), NetError>, fx: &mut Vec<Effect>) {
        match result {
            Ok(()) => self.heard(),
            Err(e) if e.is(ErrorCode::SessionExpired) => self.idle_ended(fx),
            Err(e) => self.fail(vec![problem("", Text::error(e.code()))], fx),
        }
    }

    fn session_started(&mut self, started: Started, fx: &mut Vec<Effect>) {
        let Started {
            created,
            key,
            seal_secret,
        } = started;
        let Some(session_id) = Id16::from_hex(&created.session_id) else {
            self.fail(
                vec![problem(
                    "field-password",
                    Text::error(ErrorCode::ProtocolError.as_str()),
                )],
                fx,
            );
            return;
        };
        fx.push(Effect::SaveSession(StoredSession {
            token: created.token.clone(),
            session_id: created.session_id.clone(),
            limits: created.limits,
            seal_secret: hex::encode(seal_secret),
            idle_timeout_secs: created.idle_timeout_secs,
        }));
        self.open_session(
            &created.token,
            session_id,
            key,
            created.limits,
            seal_secret,
            created.idle_timeout_secs,
        );
        self.password.clear();
        self.say(Text::id("announce-password-ok"));
        if std::mem::take(&mut self.resend) {
            self.notice = None;
            self.go(Step::About, fx);
            self.apply(Action::Send, fx);
        } else if let Some(step) = self.back_to.take() {
            self.notice = None;
            self.go(step, fx);
        } else {
            self.go(Step::Choose, fx);
        }
    }
}

/// The page's view of the session's idle time.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Idle {
    /// When (ms since the epoch) the server last heard from the session,
    /// as the page knows it.
    pub seen_at: Option<f64>,
    /// A request succeeded since the last tick.
    pub heard: bool,
    /// The warning shown, while it is.
    pub warning: Option<Text>,
}

/// How long before the idle end the sender is warned: two minutes, or a
/// quarter of a short timeout.
fn warning_lead(timeout_ms: f64) -> f64 {
    (timeout_ms / 4.0).min(120_000.0)
}

/// 64 hex digits as 32 bytes.
fn hex_32(text: &str) -> Option<[u8; 32]> {
    hex::decode(text).ok()?.try_into().ok()
}
