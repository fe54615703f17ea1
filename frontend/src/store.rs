//! What survives a page reload, in `sessionStorage` (this tab only, gone
//! when it closes): the session token, and per file an opaque fingerprint
//! of what was already sent or is half-sent. Never patient data: a
//! fingerprint is a hash of the session id, the file's label, size and
//! modification time, and a half-sent file is kept as its upload URL, its
//! envelope's file id and the per-file secret that makes re-sealing give
//! the same bytes.

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
}

/// A half-sent file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pending {
    /// The tus upload URL.
    pub location: String,
    /// The envelope's file id (hex).
    pub file_id: String,
    /// The per-file sealing secret (hex).
    pub ikm: String,
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

/// The opaque fingerprint of a file within a session.
pub fn fingerprint(session_id: &str, label: &str, size: u64, modified: f64) -> String {
    let mut h = Sha256::new();
    for part in [session_id.as_bytes(), label.as_bytes()] {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part);
    }
    h.update(size.to_be_bytes());
    h.update(modified.to_bits().to_be_bytes());
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
