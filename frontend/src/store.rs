//! What survives a page reload, in `sessionStorage` (this tab only, gone
//! when it closes): the session token and its sealing secret, and per file
//! an opaque resume key (a hash of the session id and the file's content
//! digest) marking what was already sent or is half-sent. Never patient
//! data: a half-sent file is kept as its upload URL and the server key it
//! was sealed for; its sealing secret is derived again from the content
//! (`upload::FileIdentity`), so a different file can never continue it.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;

use mailslot_shared::wire::UploadLimits;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use web_sys::Storage;

const SESSION: &str = "mailslot.session";
const SENT: &str = "mailslot.sent.";
const PENDING: &str = "mailslot.pending.";

/// How long a file record may wait before it is written to the storage.
/// Each write is a message to the browser process, which keeps the tab's
/// storage: three per file (half-sent, sent, half-sent forgotten) slowed
/// the upload of 1,000 small files by 5–7 %. Records are gathered and
/// written together, the last value of each key only, and at once when
/// the page is hidden or left (`pagehide`, `visibilitychange`): a reload
/// finds them all. Only a crash of the tab can lose the last quarter
/// second, and then a file is sent again or ends `incomplete` — nothing is
/// lost.
const FLUSH_MS: u32 = 250;

thread_local! {
    /// File records not yet written: key → value (`None`: remove).
    static WRITES: RefCell<BTreeMap<String, Option<String>>> = const { RefCell::new(BTreeMap::new()) };
    /// Whether a flush is scheduled.
    static SCHEDULED: Cell<bool> = const { Cell::new(false) };
    /// The listeners that flush when the page is hidden or left.
    static LISTENERS: RefCell<Vec<gloo_events::EventListener>> = const { RefCell::new(Vec::new()) };
}

/// Writes the gathered file records now.
pub fn flush() {
    SCHEDULED.with(|s| s.set(false));
    let writes = WRITES.with(|w| std::mem::take(&mut *w.borrow_mut()));
    if writes.is_empty() {
        return;
    }
    if let Some(s) = storage() {
        for (key, value) in writes {
            // Full or switched off: resuming is then not possible, which
            // is not an error for the upload itself.
            let _ = match value {
                Some(v) => s.set_item(&key, &v),
                None => s.remove_item(&key),
            };
        }
    }
}

/// Gathers a file record (`None`: remove it) for the next flush.
fn write_later(key: String, value: Option<String>) {
    WRITES.with(|w| w.borrow_mut().insert(key, value));
    if SCHEDULED.with(|s| s.replace(true)) {
        return;
    }
    listen_for_leaving();
    gloo_timers::callback::Timeout::new(FLUSH_MS, flush).forget();
}

/// A file record: the one waiting to be written, else the stored one.
fn read(key: &str) -> Option<String> {
    if let Some(waiting) = WRITES.with(|w| w.borrow().get(key).cloned()) {
        return waiting;
    }
    storage()?.get_item(key).ok()?
}

fn listen_for_leaving() {
    LISTENERS.with(|l| {
        let mut l = l.borrow_mut();
        if !l.is_empty() {
            return;
        }
        let Some(window) = web_sys::window() else {
            return;
        };
        l.push(gloo_events::EventListener::new(&window, "pagehide", |_| {
            flush()
        }));
        if let Some(document) = window.document() {
            l.push(gloo_events::EventListener::new(
                &document,
                "visibilitychange",
                |_| flush(),
            ));
        }
    });
}

/// A session that a reload can continue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredSession {
    /// Bearer token.
    pub token: String,
    /// Session id (hex).
    pub session_id: String,
    /// The server's limits.
    pub limits: UploadLimits,
    /// The session's sealing secret (hex): with a file's content digest it
    /// gives the file's envelope secret.
    pub seal_secret: String,
    /// The server's idle timeout in seconds (0: not stored by an older page).
    #[serde(default)]
    pub idle_timeout_secs: u64,
}

/// A half-sent file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pending {
    /// The tus upload URL.
    pub location: String,
    /// The server's public key (hex) the file was sealed for: a reload
    /// after a key rotation continues with it.
    pub public_key: String,
}

/// `sessionStorage`, if the browser lets this page have it. Not
/// `gloo-storage`: its `SessionStorage::raw()` throws when storage is
/// switched off (private modes, policies), where the page must go on
/// without reload-resume instead.
fn storage() -> Option<Storage> {
    web_sys::window()?.session_storage().ok()?
}

fn get<T: for<'a> Deserialize<'a>>(key: &str) -> Option<T> {
    let text = storage()?.get_item(key).ok()??;
    serde_json::from_str(&text).ok()
}

fn put<T: Serialize>(key: &str, value: &T) {
    // Storage may be full or switched off; resuming is then not possible,
    // which is not an error for the upload itself.
    if let (Some(s), Ok(text)) = (storage(), serde_json::to_string(value)) {
        let _ = s.set_item(key, &text);
    }
}

/// The stored session, if any.
pub fn session() -> Option<StoredSession> {
    get(SESSION)
}

/// Remembers the session for a reload.
pub fn save_session(s: &StoredSession) {
    put(SESSION, s);
}

/// Forgets the session and every file record (after the receipt, or when
/// the server says the session is over).
pub fn clear() {
    WRITES.with(|w| w.borrow_mut().clear());
    if let Some(s) = storage() {
        let keys: Vec<String> = (0..s.length().unwrap_or(0))
            .filter_map(|i| s.key(i).ok().flatten())
            .filter(|k| k.starts_with("mailslot."))
            .collect();
        for k in keys {
            let _ = s.remove_item(&k);
        }
    }
}

/// The opaque key under which a file's progress is kept: a hash of the
/// session id and the file's content digest.
pub fn resume_key(session_id: &str, digest: &[u8; 32]) -> String {
    let mut h = Sha256::new();
    h.update(b"mailslot resume v1");
    h.update((session_id.len() as u64).to_be_bytes());
    h.update(session_id.as_bytes());
    h.update(digest);
    hex::encode(&h.finalize()[..16])
}

/// Whether this file was sent completely in this session. One key per
/// file, so a CD of thousands of files costs one lookup each (a list would
/// be parsed and rewritten for every file).
pub fn was_sent(fp: &str) -> bool {
    read(&format!("{SENT}{fp}")).is_some()
}

/// Records a file as sent (and forgets its half-sent state).
pub fn mark_sent(fp: &str) {
    write_later(format!("{SENT}{fp}"), Some("1".to_owned()));
    forget_pending(fp);
}

/// The half-sent state of a file.
pub fn pending(fp: &str) -> Option<Pending> {
    serde_json::from_str(&read(&format!("{PENDING}{fp}"))?).ok()
}

/// Records a file as half-sent.
pub fn save_pending(fp: &str, p: &Pending) {
    if let Ok(text) = serde_json::to_string(p) {
        write_later(format!("{PENDING}{fp}"), Some(text));
    }
}

/// Forgets a half-sent file (its upload is gone on the server).
pub fn forget_pending(fp: &str) {
    let key = format!("{PENDING}{fp}");
    // Never written (sent within the flush interval): nothing to remove.
    if storage().is_some_and(|s| s.get_item(&key).ok().flatten().is_some()) {
        write_later(key, None);
    } else {
        WRITES.with(|w| w.borrow_mut().remove(&key));
    }
}
