//! The session: the password exchanged for one, a stored one resumed
//! after a reload, and a new one when the old one ended while sending.

use mailslot_shared::envelope::Id16;
use mailslot_shared::wire::{Consent, UploadLimits};

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

    pub(super) fn resumed(&mut self, stored: StoredSession, key: Key, fx: &mut Vec<Effect>) {
        let secret = hex_32(&stored.seal_secret);
        let (Some(session_id), Some(seal_secret)) = (Id16::from_hex(&stored.session_id), secret)
        else {
            fx.push(Effect::ForgetSession);
            return;
        };
        {
            self.open_session(&stored.token, session_id, key, stored.limits, seal_secret);
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
    ) {
        self.session = Some(Session {
            token: token.to_owned(),
            session_id,
            key,
            limits,
            seal_secret,
        });
    }

    fn session_started(&mut self, started: Started, fx: &mut Vec<Effect>) {
        let Started {
            created,
            key,
            seal_secret,
        } = started;
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
            seal_secret: hex::encode(seal_secret),
        }));
        self.open_session(&created.token, session_id, key, created.limits, seal_secret);
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
}

/// 64 hex digits as 32 bytes.
fn hex_32(text: &str) -> Option<[u8; 32]> {
    hex::decode(text).ok()?.try_into().ok()
}
