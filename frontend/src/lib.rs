//! The Mailslot upload page, compiled to WebAssembly: a Yew app (`app`)
//! and a scan worker (`worker`), both built by Trunk from this crate's two
//! binaries. What a file is and how it is sealed come from
//! `mailslot-shared`, the same code the server runs.

pub mod app;
pub mod blob;
pub mod i18n;
pub mod identity;
mod js;
pub mod net;
pub mod seal;
pub mod store;
pub mod tree;
pub mod upload;
pub mod worker;
