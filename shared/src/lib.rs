//! Everything the Mailslot page and server must agree on: the wire types,
//! the encryption envelope and the DICOM acceptance rules.
//!
//! Invariant: this crate does no IO (no files, no network, no clock, no
//! randomness) and builds for `wasm32-unknown-unknown` as well as natively.
//! A file the page accepts is a file the server accepts because both call
//! [`dicom::inspect`].

pub mod dicom;
pub mod envelope;
pub mod letter;
#[cfg(feature = "photo")]
pub mod photo;
#[cfg(feature = "reconcile")]
pub mod reconcile;
pub mod wire;
