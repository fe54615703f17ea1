//! Sending to a Mailslot from a native program, for a referring doctor's
//! PC or a script: the upload protocol (`client`: session, sealing,
//! resumable tus uploads, the submission), `mailslot send` (`send`),
//! `mailslot verify` (`verify`: the acceptance rules on local files) and
//! trusting a hospital's own CA (`tls`).
//!
//! Its own crate so that the compiler holds the boundary: it depends on
//! `mailslot-shared` and on nothing of the server, and the server depends
//! on it only for its `send` and `verify` commands and for `tls`.

#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod client;
pub mod send;
pub mod tls;
pub mod verify;
