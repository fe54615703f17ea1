//! The upload API from the page: `fetch` with the bearer token, JSON
//! bodies and the tus requests. Errors keep the API's stable code; the
//! page turns codes into sentences (`i18n`).

use base64::Engine as _;
use js_sys::Uint8Array;
use mailslot_shared::envelope::{Id16, PublicKey};
use mailslot_shared::wire::{
    headers, metadata, ApiError, Consent, HospitalInfo, Preflight, Receipt, ServerKey,
    SessionCreated, SessionRequest,
};
use serde::de::DeserializeOwned;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{FormData, Headers, Request, RequestInit, Response};

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
        /// The stable code.
        code: String,
        /// For a refused file, the acceptance rule's code.
        reason: Option<String>,
        /// `Retry-After` seconds, if sent.
        retry_after: Option<u64>,
    },
    /// The reply does not follow the protocol.
    #[error("protocol-error")]
    Protocol(&'static str),
}

impl NetError {
    /// The stable code (the API's, or `network-error` / `protocol-error`).
    pub fn code(&self) -> &str {
        match self {
            NetError::Offline => "network-error",
            NetError::Api { code, .. } => code,
            NetError::Protocol(_) => "protocol-error",
        }
    }

    /// Whether trying again (after asking for the offset) may help.
    pub fn is_transient(&self) -> bool {
        match self {
            NetError::Offline => true,
            NetError::Api { status, code, .. } => {
                (*status >= 500 && *status != 507)
                    || code == "offset-mismatch"
                    || code == "upload-busy"
                    || code == "rate-limited"
            }
            NetError::Protocol(_) => false,
        }
    }
}

/// A reply: status, headers and text body.
#[derive(Debug)]
struct Reply {
    status: u16,
    headers: Headers,
    body: String,
}

impl Reply {
    fn header(&self, name: &str) -> Option<String> {
        self.headers.get(name).ok().flatten()
    }

    /// Fails with the server's error unless the status is `want`.
    fn expect(self, want: u16) -> Result<Reply, NetError> {
        if self.status == want {
            return Ok(self);
        }
        let retry_after = self.header("Retry-After").and_then(|v| v.parse().ok());
        Err(match serde_json::from_str::<ApiError>(&self.body) {
            Ok(e) => NetError::Api {
                status: self.status,
                code: e.code,
                reason: e.reason,
                retry_after,
            },
            Err(_) => NetError::Api {
                status: self.status,
                code: format!("http-{}", self.status),
                reason: None,
                retry_after,
            },
        })
    }

    fn json<T: DeserializeOwned>(&self, what: &'static str) -> Result<T, NetError> {
        serde_json::from_str(&self.body).map_err(|_| NetError::Protocol(what))
    }
}

/// The state of a tus upload: its offset and, once complete, the verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TusState {
    /// Bytes the server holds.
    pub offset: u64,
    /// `(verdict, reason)` once the server has the whole file.
    pub verdict: Option<(String, Option<String>)>,
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
#[derive(Debug, Clone, Default)]
pub struct Api {
    base: String,
    token: Option<String>,
}

async fn fetch(
    method: &str,
    url: &str,
    headers: &[(&str, String)],
    body: Option<&JsValue>,
) -> Result<Reply, NetError> {
    let init = RequestInit::new();
    init.set_method(method);
    let h = Headers::new().map_err(|_| NetError::Protocol("headers"))?;
    for (k, v) in headers {
        h.set(k, v).map_err(|_| NetError::Protocol("header"))?;
    }
    init.set_headers(&h);
    if let Some(b) = body {
        init.set_body(b);
    }
    let request =
        Request::new_with_str_and_init(url, &init).map_err(|_| NetError::Protocol("request"))?;
    let global = js_sys::global();
    let promise = if let Some(w) = global.dyn_ref::<web_sys::Window>() {
        w.fetch_with_request(&request)
    } else if let Some(w) = global.dyn_ref::<web_sys::WorkerGlobalScope>() {
        w.fetch_with_request(&request)
    } else {
        return Err(NetError::Offline);
    };
    let resp: Response = JsFuture::from(promise)
        .await
        .map_err(|_| NetError::Offline)?
        .dyn_into()
        .map_err(|_| NetError::Protocol("response"))?;
    let status = resp.status();
    let headers = resp.headers();
    let body = match resp.text() {
        Ok(p) => JsFuture::from(p)
            .await
            .map_err(|_| NetError::Offline)?
            .as_string()
            .unwrap_or_default(),
        Err(_) => String::new(),
    };
    Ok(Reply {
        status,
        headers,
        body,
    })
}

fn tus_state(reply: &Reply) -> Result<TusState, NetError> {
    let offset = reply
        .header("Upload-Offset")
        .and_then(|v| v.parse().ok())
        .ok_or(NetError::Protocol("no Upload-Offset"))?;
    let verdict = reply
        .header(headers::VERDICT)
        .map(|v| (v, reply.header(headers::REASON)));
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

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn auth(&self) -> Vec<(&'static str, String)> {
        let mut h = vec![("Tus-Resumable", "1.0.0".to_owned())];
        if let Some(t) = &self.token {
            h.push(("Authorization", format!("Bearer {t}")));
        }
        h
    }

    /// `GET /api/hospital`
    pub async fn hospital(&self) -> Result<HospitalInfo, NetError> {
        fetch("GET", &self.url("/api/hospital"), &[], None)
            .await?
            .expect(200)?
            .json("hospital")
    }

    /// `GET /api/key`, checking the key id.
    pub async fn key(&self) -> Result<Key, NetError> {
        let key: ServerKey = fetch("GET", &self.url("/api/key"), &[], None)
            .await?
            .expect(200)?
            .json("key")?;
        let public = hex::decode(&key.public_key)
            .ok()
            .and_then(|b| PublicKey::from_bytes(&b))
            .ok_or(NetError::Protocol("public key"))?;
        if public.kid().to_hex() != key.kid {
            return Err(NetError::Protocol("key id"));
        }
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
        fetch(
            "POST",
            &self.url("/api/session"),
            &[("Content-Type", "application/json".into())],
            Some(&body.into()),
        )
        .await?
        .expect(201)?
        .json("session")
    }

    /// `POST /api/session/preflight`: also tells whether the session is
    /// still valid.
    pub async fn preflight(&self, files: u64, bytes: u64) -> Result<(), NetError> {
        let body = serde_json::to_string(&Preflight { files, bytes })
            .map_err(|_| NetError::Protocol("request"))?;
        let mut h = self.auth();
        h.push(("Content-Type", "application/json".into()));
        fetch(
            "POST",
            &self.url("/api/session/preflight"),
            &h,
            Some(&body.into()),
        )
        .await?
        .expect(204)
        .map(drop)
    }

    /// `POST /api/uploads`: the new upload's URL.
    pub async fn create_upload(
        &self,
        file_id: Id16,
        kind: &str,
        length: u64,
    ) -> Result<String, NetError> {
        let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
        let mut h = self.auth();
        h.push(("Upload-Length", length.to_string()));
        h.push((
            "Upload-Metadata",
            format!(
                "{} {},{} {}",
                metadata::FILE_ID,
                b64(&file_id.to_hex()),
                metadata::KIND,
                b64(kind)
            ),
        ));
        let reply = fetch("POST", &self.url("/api/uploads"), &h, None)
            .await?
            .expect(201)?;
        reply
            .header("Location")
            .ok_or(NetError::Protocol("no Location"))
    }

    /// `HEAD` an upload.
    pub async fn head(&self, location: &str) -> Result<TusState, NetError> {
        let reply = fetch("HEAD", &self.url(location), &self.auth(), None)
            .await?
            .expect(200)?;
        tus_state(&reply)
    }

    /// One `PATCH` at `offset`.
    pub async fn patch(
        &self,
        location: &str,
        offset: u64,
        body: &[u8],
    ) -> Result<TusState, NetError> {
        let mut h = self.auth();
        h.push(("Upload-Offset", offset.to_string()));
        h.push(("Content-Type", "application/offset+octet-stream".into()));
        let data: JsValue = Uint8Array::from(body).into();
        let reply = fetch("PATCH", &self.url(location), &h, Some(&data))
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
        let h: Vec<_> = self
            .auth()
            .into_iter()
            .filter(|(k, _)| *k == "Authorization")
            .collect();
        fetch(
            "POST",
            &self.url("/api/submissions"),
            &h,
            Some(&form.into()),
        )
        .await?
        .expect(201)?
        .json("receipt")
    }
}
