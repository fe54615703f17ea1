//! Integration tests, compiled as one binary (see `mailslot_tests` for the
//! harness: it builds the real `mailslot`, starts real peers on free ports
//! and reports every failure of a test with its context).
//!
//! Where a new test goes, by what it checks (a regression test says in
//! its doc which defect it caught; each failed before its fix):
//! - `verify.rs` — the acceptance rules against the real corpus and dcmtk
//!   (no server); `crafted.rs` — files crafted to hurt (deflate bombs, an
//!   image that is a program), refused by a server;
//! - `intake.rs` — uploads and the submission over the API: tus
//!   creation, request sizes, refusal codes, a repeated submission,
//!   departments; `large_files.rs` — files of hundreds of megabytes;
//! - `forwarding.rs` — the corpus into the inbox, Orthanc (STOW-RS,
//!   C-STORE) and storescp, byte-identical; `stow.rs` — what counts as
//!   stored over STOW-RS, HTTPS with the hospital's CA;
//! - `made.rs` — what the server makes itself (cover sheets, letters,
//!   photo pages, the instructions): within the senders' limits, one
//!   patient per sheet, nothing sender-made to staff;
//! - `cases.rs` — hold mode and staff's cases from the console: nothing
//!   in the archive until taken over, take-over under the hospital's ID
//!   into Orthanc, a consult elsewhere, close and the deletion date;
//! - `notification.rs` — mail and webhook to the hospital, no patient data;
//! - `lockout.rs` — wrong passwords: per client, booked before checked,
//!   kept over restarts; `limits.rs` — quota, reservations, a session's
//!   bytes and uploads, request bodies;
//! - `keys.rs` — key rotation; `retention.rs` — what housekeeping removes;
//!   `data_dir.rs` — the data at rest; `console.rs` — staff's commands;
//! - `recovery.rs` — the server killed or restarted, a PACS up late;
//!   `faults.rs` — faults on purpose: the line cut, the PACS aborting, the
//!   disk full; `nodes.rs` — two nodes on one PostgreSQL, one killed;
//! - `api.rs` — error codes, one way, security headers, and the API
//!   against its OpenAPI document (schemathesis);
//! - `config.rs` — settings the real `mailslot` refuses at start;
//! - `desk.rs` — the staff desk: its own address, sign-in, CSRF, roles,
//!   lockout, the case list; Chromium keyboard-only (`tests/e2e/desk.mjs`);
//!   `desk_worklist.rs` — finding the patient in the worklist at take-over;
//! - `worklist.rs` — the hospital's Modality Worklist (dcmtk's `wlmscpfs`);
//! - `operations.rs` — running it as IT would: readiness and metrics on
//!   the admin address, JSON logs; `deploy.rs` — the deployment guide's
//!   examples (nginx, systemd, the container) run as they stand;
//! - `load.rs` — 50 senders at once (figures in `target/load.json`; runs
//!   alone, `--ignored`, after the suite);
//! - `preview.rs` — the desk's previews of the real corpus (no server);
//! - `page.rs` — the upload page in a real browser (drives
//!   `tests/e2e/*.mjs`), end to end into the PACS.
//!
//! A new file whose tests touch the server's state goes into xtask's
//! `ON_POSTGRES` too: those run a second time with every server on
//! PostgreSQL.
//!
//! Tests of one module's logic without a peer belong beside the module
//! (`#[cfg(test)]`), the page's model in `frontend/src/app/model/tests.rs`,
//! its browser-only code in `frontend/tests/browser.rs`.

mod api;
mod cases;
mod config;
mod console;
mod crafted;
mod data_dir;
mod deploy;
mod desk;
mod desk_worklist;
mod faults;
mod forwarding;
mod intake;
mod keys;
mod large_files;
mod limits;
mod load;
mod lockout;
mod made;
mod nodes;
mod notification;
mod operations;
mod page;
mod preview;
mod recovery;
mod retention;
mod stow;
mod verify;
mod worklist;
