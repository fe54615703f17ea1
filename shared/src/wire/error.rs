//! Every error code of the upload API, and the one retry policy the page
//! and `mailslot send` follow.
//!
//! The server answers every failure with `{code, message, reason?}` and the
//! HTTP status [`ErrorCode::server_status`] gives; `docs/api.md` lists them
//! (a test keeps the two in step). The clients add three codes of their own
//! for failures that never reached the server.
//!
//! ## Retry policy
//! After a failed request a client asks [`is_transient`]:
//! - **transient** (the same request may succeed later; clients wait 1, 2,
//!   4 … 30 s, or what `Retry-After` says, and resume from the server's
//!   offset): the network was unreachable, the server had a fault,
//!   `offset-mismatch`, `request-timeout`, `upload-busy`, `rate-limited`
//!   (also: the server is at its limit of bodies or password checks in
//!   progress), and any 5xx reply
//!   without one of our codes (a proxy's 502/503/504) except 507;
//! - **ends the session** ([`ErrorCode::ends_session`]): nothing more can
//!   be sent in this session (`session-expired`, `session-finished`,
//!   `session-too-large`, `mailbox-full`); the page asks for the password
//!   again where that helps;
//! - anything else ends only the file it concerns.

use core::fmt;

macro_rules! codes {
    ($($(#[$doc:meta])* $name:ident = $code:literal, $status:expr;)*) => {
        /// A stable error code (kebab-case on the wire).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum ErrorCode {
            $($(#[$doc])* $name,)*
        }

        impl ErrorCode {
            /// Every code.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$name,)*];

            /// The code as it travels.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(ErrorCode::$name => $code,)*
                }
            }

            /// The HTTP status the server answers with; `None` for the
            /// clients' own codes (the server never sends them).
            pub fn server_status(self) -> Option<u16> {
                match self {
                    $(ErrorCode::$name => $status,)*
                }
            }
        }
    };
}

codes! {
    /// A malformed header, form or JSON.
    BadRequest = "bad-request", Some(400);
    /// Consent missing or for another statement version.
    ConsentRequired = "consent-required", Some(400);
    /// The envelope header is invalid or not for this upload.
    BadEnvelope = "bad-envelope", Some(400);
    /// Wrong or expired password (deliberately the same).
    WrongPassword = "wrong-password", Some(401);
    /// No, an unknown or an expired session token.
    SessionExpired = "session-expired", Some(401);
    /// No such upload in this session.
    UploadNotFound = "upload-not-found", Some(404);
    /// The path has no such method (`Allow` lists those it has).
    MethodNotAllowed = "method-not-allowed", Some(405);
    /// A request body did not arrive in time (`body_timeout_secs`).
    RequestTimeout = "request-timeout", Some(408);
    /// `Upload-Offset` differs from the server's.
    OffsetMismatch = "offset-mismatch", Some(409);
    /// Another request is writing this upload.
    UploadBusy = "upload-busy", Some(409);
    /// The upload already has a verdict.
    UploadFinished = "upload-finished", Some(409);
    /// The file id was created before with another `Upload-Length`
    /// (retrying the same request cannot succeed).
    UploadLengthConflict = "upload-length-conflict", Some(409);
    /// The submission was already completed.
    SessionFinished = "session-finished", Some(409);
    /// One file exceeds `max_file_bytes`.
    FileTooLarge = "file-too-large", Some(413);
    /// The session exceeds `max_session_bytes`.
    SessionTooLarge = "session-too-large", Some(413);
    /// A `PATCH` body exceeds `max_chunk_bytes`.
    ChunkTooLarge = "chunk-too-large", Some(413);
    /// A record failed to authenticate: the upload is ended.
    DecryptFailed = "decrypt-failed", Some(422);
    /// Encrypted for a key the server no longer has.
    UnknownKey = "unknown-key", Some(422);
    /// Too many wrong passwords from this address.
    LockedOut = "locked-out", Some(429);
    /// Too many session requests from this address.
    RateLimited = "rate-limited", Some(429);
    /// The database failed.
    StorageFailed = "storage-failed", Some(500);
    /// The file system failed.
    IoFailed = "io-failed", Some(500);
    /// The server's disk is full: nothing of the request was kept; the
    /// same request may succeed once staff have made room.
    DiskFull = "disk-full", Some(507);
    /// The key store failed.
    KeyStoreFailed = "key-store-failed", Some(500);
    /// The password store failed.
    PasswordCheckFailed = "password-check-failed", Some(500);
    /// A worker thread failed.
    WorkerFailed = "worker-failed", Some(500);
    /// Any other server fault (details only in the server log).
    InternalError = "internal-error", Some(500);
    /// No room for the announced upload.
    MailboxFull = "mailbox-full", Some(507);
    /// Client: the request did not reach the server.
    NetworkError = "network-error", None;
    /// Client: the reply did not follow the protocol.
    ProtocolError = "protocol-error", None;
    /// Client: a local file could not be read.
    FileUnreadable = "file-unreadable", None;
}

impl ErrorCode {
    /// The code for `s`, if it is one of ours.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|c| c.as_str() == s)
    }

    /// Whether the same request may succeed later (see the module docs).
    pub fn is_transient(self) -> bool {
        matches!(
            self,
            ErrorCode::OffsetMismatch
                | ErrorCode::RequestTimeout
                | ErrorCode::UploadBusy
                | ErrorCode::RateLimited
                | ErrorCode::StorageFailed
                | ErrorCode::IoFailed
                | ErrorCode::DiskFull
                | ErrorCode::KeyStoreFailed
                | ErrorCode::PasswordCheckFailed
                | ErrorCode::WorkerFailed
                | ErrorCode::InternalError
                | ErrorCode::NetworkError
        )
    }

    /// Whether nothing more can be sent in this session.
    pub fn ends_session(self) -> bool {
        matches!(
            self,
            ErrorCode::SessionExpired
                | ErrorCode::SessionFinished
                | ErrorCode::SessionTooLarge
                | ErrorCode::MailboxFull
        )
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The retry policy for a failed reply with HTTP `status` and error `code`
/// (the API's, or `http-NNN` when the body was not ours): by the code when
/// it is ours, else by the status (a proxy's 5xx other than 507).
pub fn is_transient(status: u16, code: &str) -> bool {
    match ErrorCode::parse(code) {
        Some(c) => c.is_transient(),
        None => status >= 500 && status != 507,
    }
}

/// Whether a failed reply ends the session (see [`ErrorCode::ends_session`]).
pub fn ends_session(code: &str) -> bool {
    ErrorCode::parse(code).is_some_and(ErrorCode::ends_session)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_are_unique() {
        for c in ErrorCode::ALL {
            assert_eq!(ErrorCode::parse(c.as_str()), Some(*c));
            assert!(!(c.is_transient() && c.ends_session()), "{c}");
        }
        assert_eq!(ErrorCode::parse("teapot"), None);
    }

    #[test]
    fn one_retry_policy() {
        assert!(is_transient(409, "offset-mismatch"));
        assert!(is_transient(429, "rate-limited"));
        assert!(is_transient(500, "storage-failed"));
        assert!(is_transient(502, "http-502"));
        // A full mailbox is not waited out: it ends the session.
        assert!(!is_transient(507, "mailbox-full"));
        assert!(!is_transient(507, "http-507"));
        assert!(ends_session("mailbox-full"));
        assert!(ends_session("session-expired"));
        assert!(!ends_session("decrypt-failed"));
        assert!(!is_transient(422, "decrypt-failed"));
        assert!(!is_transient(404, "http-404"));
    }
}
