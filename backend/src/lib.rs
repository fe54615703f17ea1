//! The Mailslot back end: command-line tools now, the upload server to come.
//!
//! Every subsystem has its own error enum; they roll up into [`Error`].

pub mod cli;
pub mod verify;

/// The crate's error: one variant per subsystem.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Local file verification failed to run (not a rejected file).
    #[error(transparent)]
    Verify(#[from] verify::VerifyError),
}

impl Error {
    /// The stable kebab-case code of this error.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Verify(e) => e.code(),
        }
    }
}
