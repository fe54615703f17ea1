//! The upload API from the page, over `gloo-net`'s `fetch`: JSON bodies,
//! the tus requests and the bearer token. Errors keep the API's stable
//! code, read once into an [`ErrorCode`] ([`NetError::is`]); the page turns
//! codes into sentences (`i18n`) and follows `shared`'s retry policy
//! ([`NetError::is_transient`]).

use gloo_net::http::{Method, RequestBuilder, Response};
use js_sys::Uint8Array;
use mailslot_shared::envelope::{Id16, PublicKey};
use mailslot_shared::wire::{
    self, headers, ApiError, Consent, ErrorCode, HospitalInfo, Preflight, Receipt, ServerKey,
    SessionCreated, SessionRequest, UploadKind, UploadMetadata, UploadState,
};
use serde::de::DeserializeOwned;
use web_sys::FormData;

/// Why a request failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NetError {
    /// The request did not reach the server (offline, asleep, DNS …).
    #[error("network-error")]
    Offline,
    /// The server refused it with one of the API's codes.
    #[error("{code}")]
    Api {
        /// HTTP status.
        status: u16,
        /// The code.
        code: ErrorCode,
        /// `Retry-After` seconds, if sent.
        retry_after: Option<u64>,
    },
    /// A refusal without a code this page knows: `http-NNN` when the reply
    /// was not the API's (a proxy's), else a code from a newer server.
    #[error("{code}")]
    Unknown {
        /// HTTP status.
        status: u16,
        /// What the reply said, or `http-NNN`.
        code: String,
        /// `Retry-After` seconds, if sent.
        retry_after: Option<u64>,
    },
    /// The reply does not follow the protocol.
    #[error("protocol-error")]
    Protocol(&'static str),
    /// A file being sent could no longer be read (a CD taken out …): a
    /// local failure, not the server's.
    #[error("file-unreadable")]
    FileUnreadable,
}

impl NetError {
    /// The error's code (the API's, or one of the page's own), if it is
    /// one this page knows.
    pub fn error_code(&self) -> Option<ErrorCode> {
        match self {
            NetError::Offline => Some(ErrorCode::NetworkError),
            NetError::Api { code, .. } => Some(*code),
            NetError::Unknown { .. } => None,
            NetError::Protocol(_) => Some(ErrorCode::ProtocolError),
            NetError::FileUnreadable => Some(ErrorCode::FileUnreadable),
        }
    }

    /// Whether the error is `code`.
    pub fn is(&self, code: ErrorCode) -> bool {
        self.error_code() == Some(code)
    }

    /// The code as it is said (its sentence in `i18n`).
    pub fn code(&self) -> &str {
        match self {
            NetError::Unknown { code, .. } => code,
            NetError::Offline => ErrorCode::NetworkError.as_str(),
            NetError::Api { code, .. } => code.as_str(),
            NetError::Protocol(_) => ErrorCode::ProtocolError.as_str(),
            NetError::FileUnreadable => ErrorCode::FileUnreadable.as_str(),
        }
    }

    /// `Retry-After` seconds, if the reply said.
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            NetError::Api { retry_after, .. } | NetError::Unknown { retry_after, .. } => {
                *retry_after
            }
            _ => None,
        }
    }

    /// Whether trying again (after asking for the offset) may help.
    pub fn is_transient(&self) -> bool {
        match self {
            NetError::Offline => true,
            NetError::Api { code, .. } => code.is_transient(),
            NetError::Unknown { status, code, .. } => wire::is_transient(*status, code),
            NetError::Protocol(_) | NetError::FileUnreadable => false,
        }
    }

    /// Whether nothing more can be sent in this session.
    pub fn ends_session(&self) -> bool {
        self.error_code().is_some_and(ErrorCode::ends_session)
    }
}

/// A reply: status, headers and text body.
#[derive(Debug)]
struct Reply {
    status: u16,
    response: Response,
    body: String,
}

impl Reply {
    fn header(&self, name: &str) -> Option<String> {
        self.response.headers().get(name)
    }

    /// Fails with the server's error unless the status is `want`.
    fn expect(self, want: u16) -> Result<Reply, NetError> {
        if self.status == want {
            return Ok(self);
        }
        let retry_after = self.header("Retry-After").and_then(|v| v.parse().ok());
        // The body's code, else the header's (see `headers::ERROR`).
        let code = match serde_json::from_str::<ApiError>(&self.body) {
            Ok(e) => e.code,
            Err(_) => self
                .header(mailslot_shared::wire::headers::ERROR)
                .unwrap_or_else(|| format!("http-{}", self.status)),
        };
        Err(match ErrorCode::parse(&code) {
            Some(code) => NetError::Api {
                status: self.status,
                code,
                retry_after,
            },
            None => NetError::Unknown {
                status: self.status,
                code,
                retry_after,
            },
        })
    }

    fn json<T: DeserializeOwned>(&self, what: &'static str) -> Result<T, NetError> {
        serde_json::from_str(&self.body).map_err(|_| NetError::Protocol(what))
    }
}

/// A finished upload's verdict, as its headers say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// Its final state.
    pub state: UploadState,
    /// The reason code, if refused.
    pub reason: Option<String>,
}

/// The state of a tus upload: its offset and, once complete, the verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TusState {
    /// Bytes the server holds.
    pub offset: u64,
    /// The verdict once the server has the whole file.
    pub verdict: Option<Verdict>,
}

/// The server's key, checked against its id.
#[derive(Debug, Clone)]
pub struct Key {
    /// The public key.
    pub public: PublicKey,
    /// Record size to seal with.
    pub record_size: u32,
}

/// The API at this page's origin.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Api {
    base: String,
    token: Option<String>,
}

async fn send(
    request: RequestBuilder,
    body: Option<wasm_bindgen::JsValue>,
) -> Result<Reply, NetError> {
    let request = match body {
        Some(b) => request.body(b).map_err(|_| NetError::Protocol("request"))?,
        None => request.build().map_err(|_| NetError::Protocol("request"))?,
    };
    let response = request.send().await.map_err(|_| NetError::Offline)?;
    let status = response.status();
    let body = response.text().await.map_err(|_| NetError::Offline)?;
    Ok(Reply {
        status,
        response,
        body,
    })
}

fn tus_state(reply: &Reply) -> Result<TusState, NetError> {
    let offset = reply
        .header("Upload-Offset")
        .and_then(|v| v.parse().ok())
        .ok_or(NetError::Protocol("no Upload-Offset"))?;
    let verdict = match reply.header(headers::VERDICT) {
        None => None,
        Some(v) => Some(Verdict {
            state: UploadState::parse(&v).ok_or(NetError::Protocol("unknown verdict"))?,
            reason: reply.header(headers::REASON),
        }),
    };
    Ok(TusState { offset, verdict })
}

impl Api {
    /// The API of the server at `base` ("" = this page's origin).
    pub fn new(base: &str) -> Self {
        Api {
            base: base.trim_end_matches('/').to_owned(),
            token: None,
        }
    }

    /// The same API, authenticated with `token`.
    pub fn with_token(&self, token: &str) -> Self {
        Api {
            base: self.base.clone(),
            token: Some(token.to_owned()),
        }
    }

    fn request(&self, method: Method, path: &str) -> RequestBuilder {
        RequestBuilder::new(&format!("{}{path}", self.base)).method(method)
    }

    /// A request with the bearer token and, for tus, its version header.
    fn authed(&self, method: Method, path: &str, tus: bool) -> RequestBuilder {
        let mut r = self.request(method, path);
        if tus {
            r = r.header("Tus-Resumable", "1.0.0");
        }
        if let Some(t) = &self.token {
            r = r.header("Authorization", &format!("Bearer {t}"));
        }
        r
    }

    /// `GET /api/hospital`
    pub async fn hospital(&self) -> Result<HospitalInfo, NetError> {
        send(self.request(Method::GET, "/api/hospital"), None)
            .await?
            .expect(200)?
            .json("hospital")
    }

    /// `GET /api/key`, checking the key id.
    pub async fn key(&self) -> Result<Key, NetError> {
        let key: ServerKey = send(self.request(Method::GET, "/api/key"), None)
            .await?
            .expect(200)?
            .json("key")?;
        let public = key
            .public_key()
            .map_err(|_| NetError::Protocol("public key"))?;
        Ok(Key {
            public,
            record_size: key.record_size,
        })
    }

    /// `POST /api/session`
    pub async fn start_session(
        &self,
        password: &str,
        consent: Consent,
    ) -> Result<SessionCreated, NetError> {
        let body = serde_json::to_string(&SessionRequest {
            password: password.to_owned(),
            consent,
        })
        .map_err(|_| NetError::Protocol("request"))?;
        let request = self
            .request(Method::POST, "/api/session")
            .header("Content-Type", "application/json");
        send(request, Some(body.into()))
            .await?
            .expect(201)?
            .json("session")
    }

    /// `POST /api/session/keepalive`: the sender is still there.
    pub async fn keepalive(&self) -> Result<(), NetError> {
        let request = self.authed(Method::POST, "/api/session/keepalive", true);
        send(request, None).await?.expect(204).map(drop)
    }

    /// `POST /api/session/preflight`: also tells whether the session is
    /// still valid.
    pub async fn preflight(&self, files: u64, bytes: u64) -> Result<(), NetError> {
        let body = serde_json::to_string(&Preflight { files, bytes })
            .map_err(|_| NetError::Protocol("request"))?;
        let request = self
            .authed(Method::POST, "/api/session/preflight", true)
            .header("Content-Type", "application/json");
        send(request, Some(body.into()))
            .await?
            .expect(204)
            .map(drop)
    }

    /// `POST /api/uploads` with the envelope's first request's bytes (tus
    /// creation-with-upload): the upload's URL and how far it got (the
    /// verdict, if that finished it). Again for the same file: the same
    /// upload and its state, the bytes not taken twice.
    pub async fn create_upload(
        &self,
        file_id: Id16,
        kind: UploadKind,
        length: u64,
        first: &Uint8Array,
    ) -> Result<(String, TusState), NetError> {
        let request = self
            .authed(Method::POST, "/api/uploads", true)
            .header("Upload-Length", &length.to_string())
            .header(
                "Upload-Metadata",
                &UploadMetadata { file_id, kind }.encode(),
            )
            .header("Content-Type", "application/offset+octet-stream");
        let reply = send(request, Some(first.clone().into()))
            .await?
            .expect(201)?;
        let location = reply
            .header("Location")
            .ok_or(NetError::Protocol("no Location"))?;
        Ok((location, tus_state(&reply)?))
    }

    /// `HEAD` an upload.
    pub async fn head(&self, location: &str) -> Result<TusState, NetError> {
        let reply = send(self.authed(Method::HEAD, location, true), None)
            .await?
            .expect(200)?;
        tus_state(&reply)
    }

    /// One `PATCH` at `offset`.
    pub async fn patch(
        &self,
        location: &str,
        offset: u64,
        body: &Uint8Array,
    ) -> Result<TusState, NetError> {
        let request = self
            .authed(Method::PATCH, location, true)
            .header("Upload-Offset", &offset.to_string())
            .header("Content-Type", "application/offset+octet-stream");
        let reply = send(request, Some(body.clone().into()))
            .await?
            .expect(204)?;
        tus_state(&reply)
    }

    /// `POST /api/submissions` with the sealed details.
    pub async fn submit(&self, sealed: &[u8], department: &str) -> Result<Receipt, NetError> {
        let form = FormData::new().map_err(|_| NetError::Protocol("form"))?;
        let blob = crate::blob::from_bytes(sealed).map_err(|_| NetError::Protocol("form"))?;
        form.append_with_blob_and_filename("details", &blob, "details.bin")
            .map_err(|_| NetError::Protocol("form"))?;
        form.append_with_str("department", department)
            .map_err(|_| NetError::Protocol("form"))?;
        send(
            self.authed(Method::POST, "/api/submissions", false),
            Some(form.into()),
        )
        .await?
        .expect(201)?
        .json("receipt")
    }
}
