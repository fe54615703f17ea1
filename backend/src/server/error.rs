//! The API's error: every failure is one of `shared`'s [`ErrorCode`]s,
//! whose HTTP status is the code's own, with a sentence that names no
//! patient data. Internal failures are logged with their detail where they
//! happen and reported with their code only.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use mailslot_shared::wire::{ApiError, ErrorCode};

use crate::intake::IntakeError;
use crate::keys::KeyError;
use crate::passwords::PasswordError;
use crate::session::SessionError;
use crate::store::StoreError;
use crate::submission::SubmissionError;

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
    /// A PATCH body exceeds the chunk limit or what the upload still needs.
    #[error("The request is too large.")]
    ChunkTooLarge,
    /// A request body did not arrive in time.
    #[error("The data arrived too slowly. Please ask for the current offset and resume.")]
    RequestTimeout,
    /// The server is at its limit of bodies or password checks in progress.
    #[error("The server is busy. Please try again in a moment.")]
    Busy,
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
    /// The file id was created before with another length.
    #[error("This file was created before with another length.")]
    UploadLengthConflict,
    /// The envelope header is invalid or does not belong to this upload.
    #[error("The encrypted file's header is invalid.")]
    BadEnvelope,
    /// The envelope names a key the server does not have.
    #[error("The file was encrypted for a key this server no longer has. Please start again.")]
    UnknownKey,
    /// A record failed to decrypt: the upload is ended.
    #[error("The encrypted data was damaged in transit. Please send the file again.")]
    DecryptFailed,
    /// The path exists, the method does not (`allow` lists those it has).
    #[error("This request method is not possible here.")]
    MethodNotAllowed {
        /// The methods the path has, for the `Allow` header.
        allow: &'static str,
    },
    /// Something failed on the server; the code names the part (the detail
    /// went to the log where it happened).
    #[error("Internal error. Please try again later.")]
    Internal(ErrorCode),
}

impl ApiFailure {
    /// The stable code.
    pub fn code(&self) -> ErrorCode {
        match self {
            ApiFailure::WrongPassword => ErrorCode::WrongPassword,
            ApiFailure::LockedOut { .. } => ErrorCode::LockedOut,
            ApiFailure::ConsentRequired => ErrorCode::ConsentRequired,
            ApiFailure::SessionExpired => ErrorCode::SessionExpired,
            ApiFailure::SessionFinished => ErrorCode::SessionFinished,
            ApiFailure::SessionTooLarge => ErrorCode::SessionTooLarge,
            ApiFailure::MailboxFull => ErrorCode::MailboxFull,
            ApiFailure::FileTooLarge => ErrorCode::FileTooLarge,
            ApiFailure::ChunkTooLarge => ErrorCode::ChunkTooLarge,
            ApiFailure::RequestTimeout => ErrorCode::RequestTimeout,
            ApiFailure::Busy => ErrorCode::RateLimited,
            ApiFailure::BadRequest(_) => ErrorCode::BadRequest,
            ApiFailure::UploadNotFound => ErrorCode::UploadNotFound,
            ApiFailure::OffsetMismatch => ErrorCode::OffsetMismatch,
            ApiFailure::UploadBusy => ErrorCode::UploadBusy,
            ApiFailure::UploadFinished => ErrorCode::UploadFinished,
            ApiFailure::UploadLengthConflict => ErrorCode::UploadLengthConflict,
            ApiFailure::BadEnvelope => ErrorCode::BadEnvelope,
            ApiFailure::UnknownKey => ErrorCode::UnknownKey,
            ApiFailure::DecryptFailed => ErrorCode::DecryptFailed,
            ApiFailure::MethodNotAllowed { .. } => ErrorCode::MethodNotAllowed,
            ApiFailure::Internal(code) => *code,
        }
    }
}

impl ResponseError for ApiFailure {
    fn status_code(&self) -> StatusCode {
        self.code()
            .server_status()
            .and_then(|s| StatusCode::from_u16(s).ok())
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn error_response(&self) -> HttpResponse {
        crate::metrics::count(|m| m.refusals.with_label_values(&[self.code().as_str()]).inc());
        let body = ApiError {
            code: self.code().as_str().to_owned(),
            message: self.to_string(),
        };
        let mut resp = HttpResponse::build(self.status_code());
        resp.insert_header(("Tus-Resumable", "1.0.0"));
        resp.insert_header(("Cache-Control", "no-store"));
        resp.insert_header((mailslot_shared::wire::headers::ERROR, self.code().as_str()));
        match self {
            ApiFailure::LockedOut { retry_after } => {
                resp.insert_header(("Retry-After", retry_after.to_string()));
            }
            ApiFailure::Busy => {
                resp.insert_header(("Retry-After", "1"));
            }
            ApiFailure::MethodNotAllowed { allow } => {
                resp.insert_header(("Allow", *allow));
            }
            // Room is made by staff or housekeeping, not in a second.
            ApiFailure::Internal(ErrorCode::DiskFull) => {
                resp.insert_header(("Retry-After", "60"));
            }
            _ => {}
        }
        resp.json(body)
    }
}

impl From<IntakeError> for ApiFailure {
    fn from(e: IntakeError) -> Self {
        match e {
            IntakeError::SessionExpired => ApiFailure::SessionExpired,
            IntakeError::SessionFinished => ApiFailure::SessionFinished,
            IntakeError::SessionTooLarge => ApiFailure::SessionTooLarge,
            IntakeError::MailboxFull => ApiFailure::MailboxFull,
            IntakeError::FileTooLarge => ApiFailure::FileTooLarge,
            IntakeError::UploadNotFound => ApiFailure::UploadNotFound,
            IntakeError::OffsetMismatch => ApiFailure::OffsetMismatch,
            IntakeError::UploadBusy => ApiFailure::UploadBusy,
            IntakeError::UploadFinished => ApiFailure::UploadFinished,
            IntakeError::UploadLengthConflict => ApiFailure::UploadLengthConflict,
            IntakeError::TooManyUploads => ApiFailure::Busy,
            IntakeError::BadEnvelope => ApiFailure::BadEnvelope,
            IntakeError::UnknownKey => ApiFailure::UnknownKey,
            IntakeError::DecryptFailed => ApiFailure::DecryptFailed,
            fault => {
                tracing::error!(code = %fault.code(), error = %fault, "intake failure");
                ApiFailure::Internal(fault.code())
            }
        }
    }
}

impl From<SubmissionError> for ApiFailure {
    fn from(e: SubmissionError) -> Self {
        match e {
            SubmissionError::Gone => ApiFailure::SessionFinished,
            SubmissionError::Intake(e) => e.into(),
            SubmissionError::Store(e) => e.into(),
            SubmissionError::Io(e) => e.into(),
            fault => {
                tracing::error!(code = fault.code(), error = %fault, "submission failure");
                ApiFailure::Internal(ErrorCode::InternalError)
            }
        }
    }
}

impl From<SessionError> for ApiFailure {
    fn from(e: SessionError) -> Self {
        match e {
            SessionError::Expired => ApiFailure::SessionExpired,
            SessionError::Store(e) => e.into(),
            SessionError::NoReference | SessionError::Random(_) => {
                tracing::error!(error = %e, "cannot open a session");
                ApiFailure::Internal(ErrorCode::InternalError)
            }
        }
    }
}

impl From<StoreError> for ApiFailure {
    fn from(e: StoreError) -> Self {
        tracing::error!(code = e.code(), error = %e, "storage failure");
        if e.is_disk_full() {
            return ApiFailure::Internal(ErrorCode::DiskFull);
        }
        ApiFailure::Internal(ErrorCode::StorageFailed)
    }
}

impl From<KeyError> for ApiFailure {
    fn from(e: KeyError) -> Self {
        tracing::error!(code = e.code(), error = %e, "key store failure");
        ApiFailure::Internal(ErrorCode::KeyStoreFailed)
    }
}

impl From<PasswordError> for ApiFailure {
    fn from(e: PasswordError) -> Self {
        tracing::error!(code = e.code(), error = %e, "password check failure");
        ApiFailure::Internal(ErrorCode::PasswordCheckFailed)
    }
}

impl From<std::io::Error> for ApiFailure {
    fn from(e: std::io::Error) -> Self {
        tracing::error!(error = %e, "file system failure");
        if e.kind() == std::io::ErrorKind::StorageFull {
            return ApiFailure::Internal(ErrorCode::DiskFull);
        }
        ApiFailure::Internal(ErrorCode::IoFailed)
    }
}

impl From<actix_web::error::BlockingError> for ApiFailure {
    fn from(_: actix_web::error::BlockingError) -> Self {
        ApiFailure::Internal(ErrorCode::WorkerFailed)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use mailslot_shared::wire::ErrorCode;

    /// `docs/api.md`'s error table lists exactly the codes the server sends,
    /// each with its status (the page's sentences are tested against it).
    #[test]
    fn the_documented_error_table_is_the_code_list() {
        let api = include_str!("../../../docs/api.md");
        let mut documented = BTreeSet::new();
        for line in api.lines() {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            let Some(status) = cells.get(1).and_then(|c| c.parse::<u16>().ok()) else {
                continue;
            };
            for code in cells[2].split('`').skip(1).step_by(2) {
                documented.insert((status, code.to_owned()));
            }
        }
        let sent: BTreeSet<(u16, String)> = ErrorCode::ALL
            .iter()
            .filter_map(|c| Some((c.server_status()?, c.as_str().to_owned())))
            .collect();
        assert_eq!(documented, sent);
    }
}
