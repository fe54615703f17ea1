//! Intake's error: each variant is one of the API's codes; `server` turns
//! it into an HTTP reply. Faults (database, files, keys) are logged here
//! with their detail and reach the sender only as their code.

use mailslot_shared::wire::ErrorCode;

use crate::keys::KeyError;
use crate::session::SessionError;
use crate::store::StoreError;

/// Why intake refused or failed a request.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum IntakeError {
    /// The session token is not (or no longer) valid.
    #[error("the session has ended")]
    SessionExpired,
    /// The submission was completed.
    #[error("the session is finished")]
    SessionFinished,
    /// The session would exceed its size limit.
    #[error("the session is too large")]
    SessionTooLarge,
    /// The mailbox has no room.
    #[error("the mailbox is full")]
    MailboxFull,
    /// The file exceeds the size limit.
    #[error("the file is too large")]
    FileTooLarge,
    /// No such upload in this session.
    #[error("no such upload")]
    UploadNotFound,
    /// The sender's offset is not the server's.
    #[error("offset mismatch")]
    OffsetMismatch,
    /// Another request is writing this upload.
    #[error("upload busy")]
    UploadBusy,
    /// The session holds as many unfinished uploads as it may.
    #[error("too many uploads in flight")]
    TooManyUploads,
    /// The upload already has its verdict.
    #[error("upload finished")]
    UploadFinished,
    /// The file id was created in this session with another length.
    #[error("the file id was created with another length")]
    UploadLengthConflict,
    /// The envelope header is invalid or not for this upload.
    #[error("bad envelope")]
    BadEnvelope,
    /// The envelope names a key the server does not have.
    #[error("unknown key")]
    UnknownKey,
    /// A record failed to authenticate.
    #[error("decryption failed")]
    DecryptFailed,
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The file system failed.
    #[error("file system: {0}")]
    Io(#[from] std::io::Error),
    /// The key store failed.
    #[error(transparent)]
    Key(#[from] KeyError),
    /// An inconsistency that should not happen (named for the log).
    #[error("internal: {0}")]
    Internal(&'static str),
}

impl IntakeError {
    /// The API's code for it.
    pub fn code(&self) -> ErrorCode {
        match self {
            IntakeError::SessionExpired => ErrorCode::SessionExpired,
            IntakeError::SessionFinished => ErrorCode::SessionFinished,
            IntakeError::SessionTooLarge => ErrorCode::SessionTooLarge,
            IntakeError::MailboxFull => ErrorCode::MailboxFull,
            IntakeError::FileTooLarge => ErrorCode::FileTooLarge,
            IntakeError::UploadNotFound => ErrorCode::UploadNotFound,
            IntakeError::OffsetMismatch => ErrorCode::OffsetMismatch,
            IntakeError::UploadBusy => ErrorCode::UploadBusy,
            IntakeError::UploadFinished => ErrorCode::UploadFinished,
            IntakeError::UploadLengthConflict => ErrorCode::UploadLengthConflict,
            IntakeError::TooManyUploads => ErrorCode::RateLimited,
            IntakeError::BadEnvelope => ErrorCode::BadEnvelope,
            IntakeError::UnknownKey => ErrorCode::UnknownKey,
            IntakeError::DecryptFailed => ErrorCode::DecryptFailed,
            IntakeError::Store(e) if e.is_disk_full() => ErrorCode::DiskFull,
            IntakeError::Store(_) => ErrorCode::StorageFailed,
            IntakeError::Io(e) if e.kind() == std::io::ErrorKind::StorageFull => {
                ErrorCode::DiskFull
            }
            IntakeError::Io(_) => ErrorCode::IoFailed,
            IntakeError::Key(_) => ErrorCode::KeyStoreFailed,
            IntakeError::Internal(_) => ErrorCode::InternalError,
        }
    }
}

impl From<crate::random::NoRandomness> for IntakeError {
    fn from(e: crate::random::NoRandomness) -> Self {
        IntakeError::Internal(e.code())
    }
}

impl From<SessionError> for IntakeError {
    fn from(e: SessionError) -> Self {
        match e {
            SessionError::Expired => IntakeError::SessionExpired,
            SessionError::Store(e) => IntakeError::Store(e),
            SessionError::NoReference => IntakeError::Internal("no-reference"),
            SessionError::Random(_) => IntakeError::Internal("no-randomness"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A write that fails for lack of space is `disk-full` (507, retried
    /// by the clients), not a generic server fault; other I/O stays
    /// `io-failed`.
    #[test]
    fn a_full_disk_has_its_own_code() {
        let full = IntakeError::Io(std::io::Error::from(std::io::ErrorKind::StorageFull));
        assert_eq!(full.code(), ErrorCode::DiskFull);
        assert_eq!(full.code().server_status(), Some(507));
        assert!(full.code().is_transient());
        let other = IntakeError::Io(std::io::Error::other("broken"));
        assert_eq!(other.code(), ErrorCode::IoFailed);
        let sqlite_full = IntakeError::Store(StoreError::Sqlite(rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_FULL),
            None,
        )));
        assert_eq!(sqlite_full.code(), ErrorCode::DiskFull);
    }
}
