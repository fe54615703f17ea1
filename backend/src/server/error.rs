//! The API's error: every failure maps to an HTTP status and a stable
//! kebab-case code, with a sentence that names no patient data. Internal
//! failures are logged with their code and reported without detail.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use mailslot_shared::wire::ApiError;

use crate::keys::KeyError;
use crate::passwords::PasswordError;
use crate::store::StoreError;

/// Everything an API call can fail with.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ApiFailure {
    /// Wrong or expired upload password (deliberately the same).
    #[error("The upload password is not valid.")]
    WrongPassword,
    /// Too many wrong passwords from this address.
    #[error("Too many attempts. Please wait before trying again.")]
    LockedOut {
        /// Seconds until the next attempt is allowed.
        retry_after: u64,
    },
    /// Consent to the privacy statement is missing or for another version.
    #[error("Please agree to the current privacy statement.")]
    ConsentRequired,
    /// No, an unknown or an expired session token.
    #[error("The upload session has ended. Please enter the password again.")]
    SessionExpired,
    /// The session was already completed.
    #[error("This upload has already been completed.")]
    SessionFinished,
    /// The announced or actual total exceeds the per-session limit.
    #[error("This is more data than one upload may contain.")]
    SessionTooLarge,
    /// The mailbox has no room for the announced upload.
    #[error("The hospital's mailbox is full at the moment. Please call the hospital.")]
    MailboxFull,
    /// One file exceeds the file size limit.
    #[error("The file is larger than this service accepts.")]
    FileTooLarge,
    /// A PATCH body exceeds the chunk limit.
    #[error("The request is too large.")]
    ChunkTooLarge,
    /// A malformed request (header, metadata, JSON, multipart).
    #[error("The request is malformed: {0}")]
    BadRequest(&'static str),
    /// The upload does not exist (or belongs to another session).
    #[error("No such upload.")]
    UploadNotFound,
    /// `Upload-Offset` does not match the server's.
    #[error("The upload offset does not match; ask for the current offset and resume.")]
    OffsetMismatch,
    /// Another request is writing this upload right now.
    #[error("This upload is being written by another request.")]
    UploadBusy,
    /// The upload is finished (accepted, rejected or failed).
    #[error("This upload is already finished.")]
    UploadFinished,
    /// The envelope header is invalid or does not belong to this upload.
    #[error("The encrypted file's header is invalid.")]
    BadEnvelope,
    /// The envelope names a key the server does not have.
    #[error("The file was encrypted for a key this server no longer has. Please start again.")]
    UnknownKey,
    /// A record failed to decrypt: the upload is ended.
    #[error("The encrypted data was damaged in transit. Please send the file again.")]
    DecryptFailed,
    /// Uploads of this session are still being received.
    #[error("Some files are still being uploaded.")]
    UploadsPending,
    /// The file was received but the acceptance rules refused it.
    #[error("The file was refused: {0}")]
    Refused(&'static str, String),
    /// Something failed on the server.
    #[error("Internal error. Please try again later.")]
    Internal(&'static str),
}

impl ApiFailure {
    /// The stable code.
    pub fn code(&self) -> &'static str {
        match self {
            ApiFailure::WrongPassword => "wrong-password",
            ApiFailure::LockedOut { .. } => "locked-out",
            ApiFailure::ConsentRequired => "consent-required",
            ApiFailure::SessionExpired => "session-expired",
            ApiFailure::SessionFinished => "session-finished",
            ApiFailure::SessionTooLarge => "session-too-large",
            ApiFailure::MailboxFull => "mailbox-full",
            ApiFailure::FileTooLarge => "file-too-large",
            ApiFailure::ChunkTooLarge => "chunk-too-large",
            ApiFailure::BadRequest(_) => "bad-request",
            ApiFailure::UploadNotFound => "upload-not-found",
            ApiFailure::OffsetMismatch => "offset-mismatch",
            ApiFailure::UploadBusy => "upload-busy",
            ApiFailure::UploadFinished => "upload-finished",
            ApiFailure::BadEnvelope => "bad-envelope",
            ApiFailure::UnknownKey => "unknown-key",
            ApiFailure::DecryptFailed => "decrypt-failed",
            ApiFailure::Refused(..) => "file-refused",
            ApiFailure::UploadsPending => "uploads-pending",
            ApiFailure::Internal(code) => code,
        }
    }
}

impl ResponseError for ApiFailure {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiFailure::WrongPassword | ApiFailure::SessionExpired => StatusCode::UNAUTHORIZED,
            ApiFailure::LockedOut { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiFailure::ConsentRequired | ApiFailure::BadRequest(_) | ApiFailure::BadEnvelope => {
                StatusCode::BAD_REQUEST
            }
            ApiFailure::SessionFinished
            | ApiFailure::OffsetMismatch
            | ApiFailure::UploadBusy
            | ApiFailure::UploadFinished
            | ApiFailure::UploadsPending => StatusCode::CONFLICT,
            ApiFailure::SessionTooLarge | ApiFailure::FileTooLarge | ApiFailure::ChunkTooLarge => {
                StatusCode::PAYLOAD_TOO_LARGE
            }
            ApiFailure::MailboxFull => StatusCode::INSUFFICIENT_STORAGE,
            ApiFailure::UploadNotFound => StatusCode::NOT_FOUND,
            ApiFailure::UnknownKey | ApiFailure::DecryptFailed | ApiFailure::Refused(..) => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            ApiFailure::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let body = ApiError {
            code: self.code().to_owned(),
            message: self.to_string(),
            reason: match self {
                ApiFailure::Refused(code, _) => Some((*code).to_owned()),
                _ => None,
            },
        };
        let mut resp = HttpResponse::build(self.status_code());
        resp.insert_header(("Tus-Resumable", "1.0.0"));
        resp.insert_header(("Cache-Control", "no-store"));
        if let ApiFailure::LockedOut { retry_after } = self {
            resp.insert_header(("Retry-After", retry_after.to_string()));
        }
        resp.json(body)
    }
}

impl From<StoreError> for ApiFailure {
    fn from(e: StoreError) -> Self {
        tracing::error!(code = e.code(), error = %e, "storage failure");
        ApiFailure::Internal("storage-failed")
    }
}

impl From<KeyError> for ApiFailure {
    fn from(e: KeyError) -> Self {
        tracing::error!(code = e.code(), error = %e, "key store failure");
        ApiFailure::Internal("key-store-failed")
    }
}

impl From<PasswordError> for ApiFailure {
    fn from(e: PasswordError) -> Self {
        tracing::error!(code = e.code(), error = %e, "password check failure");
        ApiFailure::Internal("password-check-failed")
    }
}

impl From<rusqlite::Error> for ApiFailure {
    fn from(e: rusqlite::Error) -> Self {
        StoreError::from(e).into()
    }
}

impl From<std::io::Error> for ApiFailure {
    fn from(e: std::io::Error) -> Self {
        tracing::error!(error = %e, "file system failure");
        ApiFailure::Internal("io-failed")
    }
}

impl From<actix_web::error::BlockingError> for ApiFailure {
    fn from(_: actix_web::error::BlockingError) -> Self {
        ApiFailure::Internal("worker-failed")
    }
}
