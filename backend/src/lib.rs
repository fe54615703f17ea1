//! The Mailslot back end: the upload server (`mailslot serve`) and its
//! staff commands. The native sender (`mailslot send`) and `mailslot
//! verify` are the `mailslot-sender` crate, re-exported here for the
//! command line.
//!
//! Every subsystem has its own error enum with a stable kebab-case `code()`;
//! they roll up into [`Error`].

#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod case;
pub mod casefile;
pub mod cli;
pub mod clock;
pub mod config;
pub mod coversheet;
pub mod desk;
pub mod durable;
pub mod encapsulate;
pub mod forward;
pub mod health;
pub mod hospital;
pub mod instructions;
pub mod intake;
pub mod keys;
pub mod lockout;
pub mod mailbox;
pub mod metrics;
pub mod notify;
pub mod passwords;
pub mod photopage;
pub mod preview;
pub mod proxy;
pub mod random;
pub mod retention;
pub mod secret;
pub mod server;
pub mod session;
pub mod staff;
pub mod store;
pub mod submission;
pub mod wording;
pub mod worklist;

use std::net::SocketAddr;
use std::path::PathBuf;

/// The crate's error: one variant per subsystem.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Local file verification failed to run (not a rejected file).
    #[error(transparent)]
    Verify(#[from] mailslot_sender::verify::VerifyError),
    /// The configuration is unusable.
    #[error(transparent)]
    Config(#[from] config::ConfigError),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] store::StoreError),
    /// The key store failed.
    #[error(transparent)]
    Keys(#[from] keys::KeyError),
    /// The password store failed.
    #[error(transparent)]
    Password(#[from] passwords::PasswordError),
    /// The hospital's texts for the page are unusable.
    #[error(transparent)]
    Hospital(#[from] hospital::HospitalError),
    /// A submission cannot be shown to staff.
    #[error(transparent)]
    Casefile(#[from] casefile::CasefileError),
    /// A staff account could not be managed.
    #[error(transparent)]
    Staff(#[from] staff::StaffError),
    /// A staff action on a case failed.
    #[error(transparent)]
    Case(#[from] case::CaseError),
    /// Uploads could not be recovered at start-up.
    #[error("cannot recover unfinished uploads: {0}")]
    Intake(#[from] intake::IntakeError),
    /// A data directory could not be created.
    #[error("cannot create {0}: {1}")]
    DataDir(PathBuf, std::io::Error),
    /// The server could not listen.
    #[error("cannot listen on {0}: {1}")]
    Listen(SocketAddr, std::io::Error),
    /// The sender (`mailslot send`) failed.
    #[error(transparent)]
    Client(#[from] mailslot_sender::client::ClientError),
    /// A command-line argument is invalid.
    #[error("{0}")]
    Usage(String),
}

impl Error {
    /// The stable kebab-case code of this error.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Verify(e) => e.code(),
            Error::Config(e) => e.code(),
            Error::Store(e) => e.code(),
            Error::Keys(e) => e.code(),
            Error::Password(e) => e.code(),
            Error::Hospital(e) => e.code(),
            Error::Intake(e) => e.code().as_str(),
            Error::Casefile(e) => e.code(),
            Error::Staff(e) => e.code(),
            Error::Case(e) => e.code(),
            Error::DataDir(..) => "data-dir-unusable",
            Error::Listen(..) => "listen-failed",
            Error::Client(e) => e.code(),
            Error::Usage(_) => "usage",
        }
    }
}
