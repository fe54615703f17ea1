//! The page's own code in headless Chromium on the page's thread (where
//! `sessionStorage` and `pagehide` exist; the scan and sealing tests run in
//! a worker, `browser.rs`).
//!
//! Run: `CHROMEDRIVER=/usr/bin/chromedriver cargo test -p mailslot-frontend
//! --target wasm32-unknown-unknown --test page` (`cargo xtask test` does).

#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use mailslot_frontend::store::{self, Pending};
use wasm_bindgen_test::*;
use web_sys::Storage;

wasm_bindgen_test_configure!(run_in_browser);

fn storage() -> Storage {
    web_sys::window()
        .unwrap()
        .session_storage()
        .unwrap()
        .unwrap()
}

fn stored(key: &str) -> Option<String> {
    storage().get_item(key).unwrap()
}

fn half_sent(location: &str) -> Pending {
    Pending {
        location: location.into(),
        public_key: "00".into(),
    }
}

fn leave_page() {
    let window = web_sys::window().unwrap();
    let event = web_sys::Event::new("pagehide").unwrap();
    window.dispatch_event(&event).unwrap();
}

/// A file's records are read back at once, written together later, and
/// written at once when the page is left (a reload finds them).
#[wasm_bindgen_test]
fn file_records_wait_and_are_written_when_the_page_is_left() {
    storage().clear().unwrap();
    store::save_pending("a", &half_sent("/api/uploads/a"));
    assert_eq!(
        store::pending("a").map(|p| p.location).as_deref(),
        Some("/api/uploads/a")
    );
    assert_eq!(stored("mailslot.pending.a"), None, "written at once");
    store::mark_sent("a");
    assert!(store::was_sent("a"));
    assert_eq!(store::pending("a"), None);

    leave_page();
    assert_eq!(stored("mailslot.sent.a").as_deref(), Some("1"));
    // Sent within the interval: its half-sent record was never written.
    assert_eq!(stored("mailslot.pending.a"), None);
    assert!(store::was_sent("a"));

    // A half-sent record written earlier is removed when forgotten.
    store::save_pending("b", &half_sent("/api/uploads/b"));
    store::flush();
    assert!(stored("mailslot.pending.b").is_some());
    store::forget_pending("b");
    assert_eq!(store::pending("b"), None);
    store::flush();
    assert_eq!(stored("mailslot.pending.b"), None);

    // Forgetting the session drops the records still waiting too.
    store::mark_sent("c");
    store::clear();
    store::flush();
    assert_eq!(stored("mailslot.sent.c"), None);
    assert_eq!(stored("mailslot.sent.a"), None);
    assert!(!store::was_sent("c"));
}

/// Without leaving the page, the records are written within moments.
#[wasm_bindgen_test]
async fn file_records_are_written_after_a_moment() {
    storage().clear().unwrap();
    store::mark_sent("d");
    assert_eq!(stored("mailslot.sent.d"), None);
    gloo_timers::future::sleep(std::time::Duration::from_millis(600)).await;
    assert_eq!(stored("mailslot.sent.d").as_deref(), Some("1"));
    storage().clear().unwrap();
}
