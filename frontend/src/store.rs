//! What survives a page reload, in `sessionStorage` (this tab only, gone
//! when it closes): the session token and its sealing secret, and per file
//! an opaque resume key (a hash of the session id and the file's content
//! digest) marking what was already sent or is half-sent. Never patient
//! data: a half-sent file is kept as its upload URL and the server key it
//! was sealed for; its sealing secret is derived again from the content
//! (`upload::FileIdentity`), so a different file can never continue it.

use mailslot_shared::wire::UploadLimits;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use web_sys::Storage;

const SESSION: &str = "mailslot.session";
const SENT: &str = "mailslot.sent.";
const PENDING: &str = "mailslot.pending.";

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
    storage().is_some_and(|s| s.get_item(&format!("{SENT}{fp}")).ok().flatten().is_some())
}

/// Records a file as sent (and forgets its half-sent state).
pub fn mark_sent(fp: &str) {
    if let Some(s) = storage() {
        let _ = s.set_item(&format!("{SENT}{fp}"), "1");
    }
    forget_pending(fp);
}

/// The half-sent state of a file.
pub fn pending(fp: &str) -> Option<Pending> {
    get(&format!("{PENDING}{fp}"))
}

/// Records a file as half-sent.
pub fn save_pending(fp: &str, p: &Pending) {
    put(&format!("{PENDING}{fp}"), p);
}

/// Forgets a half-sent file (its upload is gone on the server).
pub fn forget_pending(fp: &str) {
    if let Some(s) = storage() {
        let _ = s.remove_item(&format!("{PENDING}{fp}"));
    }
}
