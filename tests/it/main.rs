//! Integration tests, compiled as one binary (see `mailslot_tests` for the
//! harness: it builds the real `mailslot`, starts real peers on free ports
//! and reports every failure of a test with its context).
//!
//! Where a new test goes:
//! - `api.rs` — the API against its OpenAPI document (schemathesis) and
//!   the malformed requests it found;
//! - `verify.rs` — the acceptance rules against the real corpus and dcmtk
//!   (no server);
//! - `server.rs` — `mailslot serve` over HTTP with the native client:
//!   the API, intake, forwarding to Orthanc/storescp/the inbox, restarts;
//! - `hardening.rs` — regression tests for defects found by attacking the
//!   server or running it for long (each failed before its fix);
//! - `made.rs` — what the server makes itself (cover sheets, letters,
//!   photo pages, notifications): within the senders' limits, one patient
//!   per sheet, nothing sender-made to staff;
//! - `config.rs` — settings the real `mailslot` refuses at start;
//! - `deploy.rs` — the deployment guide's examples (nginx, systemd) run
//!   as they stand;
//! - `faults.rs` — faults on purpose: the line to the server cut again
//!   and again;
//! - `load.rs` — 50 senders at once (figures in `target/load.json`; runs
//!   alone, `--ignored`, after the suite);
//! - `operations.rs` — running it as IT would: readiness and metrics on
//!   the admin address, JSON logs;
//! - `page.rs` — the upload page in a real browser (drives
//!   `tests/e2e/*.mjs`), end to end into the PACS.
//!
//! Tests of one module's logic without a peer belong beside the module
//! (`#[cfg(test)]`), the page's model in `frontend/src/app/model/tests.rs`,
//! its browser-only code in `frontend/tests/browser.rs`.

mod api;
mod config;
mod deploy;
mod faults;
mod hardening;
mod load;
mod made;
mod nodes;
mod operations;
mod page;
mod server;
mod verify;
