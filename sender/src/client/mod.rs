//! The upload protocol from a native program: the client library behind
//! `mailslot send` (`send.rs`) and the integration tests. The same
//! envelope, tus requests, retry policy (`shared::wire::is_transient`) and
//! key check as the page. Uploads resume after a dropped connection: the
//! client asks the server for its offset and re-seals from there (sealing
//! is deterministic, so the bytes are the same).

use std::path::PathBuf;
use std::time::Duration;

use mailslot_shared::envelope::{Id16, PublicKey, SealParams};
use mailslot_shared::wire::{
    self, headers, ApiError, Consent, HospitalInfo, Preflight, Receipt, SenderDetails, ServerKey,
    SessionCreated, SessionRequest, UploadKind, UploadMetadata, UploadState,
};

/// Why sending failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ClientError {
    /// The server could not be reached (after retries).
    #[error("cannot reach the server: {0}")]
    Unreachable(String),
    /// The server refused a request.
    #[error("the server refused the request: {message} [{code}]")]
    Api {
        /// HTTP status.
        status: u16,
        /// The API's stable code.
        code: String,
        /// Its sentence.
        message: String,
        /// Seconds the server asked to wait before trying again.
        retry_after: Option<u64>,
    },
    /// The server's reply was not what the protocol says.
    #[error("unexpected reply from the server: {0}")]
    Protocol(&'static str),
    /// A local file could not be read.
    #[error("cannot read {0}: {1}")]
    File(PathBuf, std::io::Error),
    /// Nothing acceptable was found in the given paths.
    #[error("no DICOM images were found to send")]
    NothingToSend,
    /// The privacy statement was not accepted.
    #[error("read the privacy statement on the upload page, then pass --accept-privacy-statement")]
    ConsentRequired,
    /// Some files did not arrive (the submission was completed without them).
    #[error("{0} file(s) could not be delivered; the receipt above lists what arrived")]
    Undelivered(usize),
    /// The password could not be read.
    #[error("no password: pass --password-stdin and write it to standard input")]
    NoPassword,
    /// A command-line value is not one the protocol knows.
    #[error("{0}")]
    Usage(String),
    /// `--department` is not one of the hospital's department ids.
    #[error("unknown department; the hospital lists: {0}")]
    UnknownDepartment(String),
    /// The operating system gave no random numbers (nothing can be sealed).
    #[error("the operating system provides no random numbers")]
    NoRandomness,
}

impl ClientError {
    /// Stable kebab-case code.
    pub fn code(&self) -> &'static str {
        match self {
            ClientError::Unreachable(_) => "server-unreachable",
            ClientError::Api { .. } => "server-refused",
            ClientError::Protocol(_) => "protocol-error",
            ClientError::File(..) => "file-unreadable",
            ClientError::NothingToSend => "nothing-to-send",
            ClientError::ConsentRequired => "consent-required",
            ClientError::NoPassword => "no-password",
            ClientError::Undelivered(_) => "files-undelivered",
            ClientError::NoRandomness => "no-randomness",
            ClientError::UnknownDepartment(_) => "unknown-department",
            ClientError::Usage(_) => "usage",
        }
    }

    /// Whether retrying (after asking for the offset) may help: the
    /// shared retry policy.
    pub fn is_transient(&self) -> bool {
        match self {
            ClientError::Unreachable(_) => true,
            ClientError::Api { status, code, .. } => wire::is_transient(*status, code),
            _ => false,
        }
    }

    /// Whether the server ended the session (nothing more can be sent).
    pub fn ends_session(&self) -> bool {
        matches!(self, ClientError::Api { code, .. } if wire::ends_session(code))
    }
}

mod upload;

pub use upload::PendingUpload;

type Result<T, E = ClientError> = std::result::Result<T, E>;

/// Attempts per request before giving up.
const ATTEMPTS: u32 = 8;

/// What became of one uploaded file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sent {
    /// The upload's final state.
    pub verdict: UploadState,
    /// The reason code, if refused.
    pub reason: Option<String>,
    /// The upload's id on the server.
    pub upload: String,
}

/// A connection to one Mailslot server.
#[derive(Debug)]
pub struct Client {
    base: String,
    agent: ureq::Agent,
    token: Option<String>,
    session_id: Option<Id16>,
    key: Option<(PublicKey, u32)>,
    /// The session's largest request body (its announced limit).
    max_chunk_bytes: u64,
}

/// The error of a reply: the JSON body's, else the code header's (the
/// body of a reply sent before the request's body was read may be lost
/// when the server closes the connection), else `http-NNN`.
fn api_error(
    status: u16,
    header_code: Option<&str>,
    retry_after: Option<u64>,
    body: &str,
) -> ClientError {
    let (code, message) = match (serde_json::from_str::<ApiError>(body), header_code) {
        (Ok(e), _) => (e.code, e.message),
        (Err(_), Some(code)) => (code.to_owned(), "the server refused the request".into()),
        (Err(_), None) => (format!("http-{status}"), "unexpected reply".into()),
    };
    ClientError::Api {
        status,
        code,
        message,
        retry_after,
    }
}

/// A reply from the server.
type Reply = ureq::http::Response<ureq::Body>;

/// Fails with the server's error (its code and sentence) unless the reply
/// has the status `want`.
fn expect(resp: &mut Reply, want: u16) -> Result<()> {
    if resp.status() == want {
        return Ok(());
    }
    let header_code = resp
        .headers()
        .get(wire::headers::ERROR)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let retry_after = resp
        .headers()
        .get("Retry-After")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok());
    let text = resp.body_mut().read_to_string().unwrap_or_default();
    Err(api_error(
        resp.status().as_u16(),
        header_code.as_deref(),
        retry_after,
        &text,
    ))
}

/// The `Upload-Offset` of a tus reply and, once finished, the verdict.
fn tus_state(resp: &Reply) -> Result<(u64, Option<Sent>)> {
    let offset = resp
        .headers()
        .get("Upload-Offset")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .ok_or(ClientError::Protocol("no Upload-Offset"))?;
    Ok((offset, verdict_of(resp.headers())?))
}

fn random<const N: usize>() -> Result<[u8; N]> {
    let mut b = [0u8; N];
    getrandom::fill(&mut b).map_err(|_| ClientError::NoRandomness)?;
    Ok(b)
}

impl Client {
    /// A client for the server at `base` (e.g. `http://127.0.0.1:8080`).
    pub fn new(base: &str) -> Self {
        Self::with_tls(base, None)
    }

    /// A client for the server at `base` that trusts `tls` (a hospital's
    /// own CA, [`crate::tls::trusting`]) instead of the public roots.
    pub fn with_tls(base: &str, tls: Option<ureq::tls::TlsConfig>) -> Self {
        let mut config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_connect(Some(Duration::from_secs(20)))
            .timeout_recv_response(Some(Duration::from_secs(600)));
        if let Some(tls) = tls {
            config = config.tls_config(tls);
        }
        let agent = config.build().into();
        Client {
            base: base.trim_end_matches('/').to_owned(),
            agent,
            token: None,
            session_id: None,
            key: None,
            max_chunk_bytes: mailslot_shared::wire::MAX_PATCH_BYTES,
        }
    }

    fn url(&self, path: &str) -> String {
        if path.starts_with("http://") || path.starts_with("https://") {
            path.to_owned()
        } else {
            format!("{}{path}", self.base)
        }
    }

    fn auth(&self) -> String {
        format!("Bearer {}", self.token.as_deref().unwrap_or(""))
    }

    /// `GET /api/hospital`: the hospital's texts (departments, phones …).
    pub fn hospital(&self) -> Result<HospitalInfo> {
        let mut resp = self
            .agent
            .get(self.url("/api/hospital"))
            .call()
            .map_err(|e| ClientError::Unreachable(e.to_string()))?;
        expect(&mut resp, 200)?;
        let body = resp.body_mut().read_to_string().unwrap_or_default();
        serde_json::from_str(&body).map_err(|_| ClientError::Protocol("hospital reply"))
    }

    /// `GET /api/key`
    pub fn fetch_key(&mut self) -> Result<()> {
        let mut resp = self
            .agent
            .get(self.url("/api/key"))
            .call()
            .map_err(|e| ClientError::Unreachable(e.to_string()))?;
        expect(&mut resp, 200)?;
        let body = resp.body_mut().read_to_string().unwrap_or_default();
        let key: ServerKey =
            serde_json::from_str(&body).map_err(|_| ClientError::Protocol("key reply"))?;
        let pk = key
            .public_key()
            .map_err(|_| ClientError::Protocol("the server's key does not match its id"))?;
        self.key = Some((pk, key.record_size));
        Ok(())
    }

    /// `POST /api/session`
    pub fn start_session(&mut self, password: &str, consent: Consent) -> Result<SessionCreated> {
        let body = serde_json::to_string(&SessionRequest {
            password: password.to_owned(),
            consent,
        })
        .map_err(|_| ClientError::Protocol("request"))?;
        let mut resp = self
            .agent
            .post(self.url("/api/session"))
            .header("Content-Type", "application/json")
            .send(body)
            .map_err(|e| ClientError::Unreachable(e.to_string()))?;
        expect(&mut resp, 201)?;
        let text = resp.body_mut().read_to_string().unwrap_or_default();
        let created: SessionCreated =
            serde_json::from_str(&text).map_err(|_| ClientError::Protocol("session reply"))?;
        self.session_id =
            Some(Id16::from_hex(&created.session_id).ok_or(ClientError::Protocol("session id"))?);
        self.token = Some(created.token.clone());
        self.max_chunk_bytes = created.limits.max_chunk_bytes;
        Ok(created)
    }

    /// `POST /api/session/preflight`
    pub fn preflight(&self, files: u64, bytes: u64) -> Result<()> {
        let body = serde_json::to_string(&Preflight { files, bytes })
            .map_err(|_| ClientError::Protocol("request"))?;
        let mut resp = self
            .agent
            .post(self.url("/api/session/preflight"))
            .header("Authorization", self.auth())
            .header("Content-Type", "application/json")
            .send(body)
            .map_err(|e| ClientError::Unreachable(e.to_string()))?;
        expect(&mut resp, 204)
    }

    /// Sealing parameters for a new file of this session.
    fn seal_params(&self, file_id: Id16, plaintext_len: u64) -> Result<SealParams<'_>> {
        let (pk, record_size) = self
            .key
            .as_ref()
            .ok_or(ClientError::Protocol("no key fetched"))?;
        let session_id = self.session_id.ok_or(ClientError::Protocol("no session"))?;
        Ok(SealParams {
            recipient: pk,
            session_id,
            file_id,
            plaintext_len,
            record_size: *record_size,
        })
    }

    /// `POST /api/uploads`: returns the upload's URL path.
    pub fn create_upload(&self, file_id: Id16, kind: UploadKind, length: u64) -> Result<String> {
        Ok(self.creation(file_id, kind, length, None)?.0)
    }

    /// `POST /api/uploads` with the envelope's first bytes (tus
    /// creation-with-upload): the upload's URL path, the server's offset
    /// and, when the body finished it, the verdict. The same file id and
    /// length again find the upload made before and answer its state.
    pub fn create_upload_with(
        &self,
        file_id: Id16,
        kind: UploadKind,
        length: u64,
        first: &[u8],
    ) -> Result<(String, u64, Option<Sent>)> {
        let (location, resp) = self.creation(file_id, kind, length, Some(first))?;
        let (offset, verdict) = tus_state(&resp)?;
        Ok((location, offset, verdict))
    }

    /// A creation, with or without a body: the `Location` and the reply.
    fn creation(
        &self,
        file_id: Id16,
        kind: UploadKind,
        length: u64,
        first: Option<&[u8]>,
    ) -> Result<(String, ureq::http::Response<ureq::Body>)> {
        let meta = UploadMetadata { file_id, kind }.encode();
        let request = self
            .agent
            .post(self.url("/api/uploads"))
            .header("Authorization", self.auth())
            .header("Tus-Resumable", "1.0.0")
            .header("Upload-Length", length.to_string())
            .header("Upload-Metadata", meta);
        let sent = match first {
            None => request.send_empty(),
            Some(body) => request
                .header("Content-Type", "application/offset+octet-stream")
                .send(body),
        };
        let mut resp = sent.map_err(|e| ClientError::Unreachable(e.to_string()))?;
        expect(&mut resp, 201)?;
        let location = resp
            .headers()
            .get("Location")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
            .ok_or(ClientError::Protocol("no Location"))?;
        Ok((location, resp))
    }

    /// `HEAD` the upload: (offset, verdict).
    pub fn upload_state(&self, location: &str) -> Result<(u64, Option<Sent>)> {
        let mut resp = self
            .agent
            .head(self.url(location))
            .header("Authorization", self.auth())
            .header("Tus-Resumable", "1.0.0")
            .call()
            .map_err(|e| ClientError::Unreachable(e.to_string()))?;
        expect(&mut resp, 200)?;
        tus_state(&resp)
    }

    /// One `PATCH`: returns the new offset and, when finished, the verdict.
    pub fn patch(&self, location: &str, offset: u64, body: &[u8]) -> Result<(u64, Option<Sent>)> {
        let mut resp = self
            .agent
            .patch(self.url(location))
            .header("Authorization", self.auth())
            .header("Tus-Resumable", "1.0.0")
            .header("Upload-Offset", offset.to_string())
            .header("Content-Type", "application/offset+octet-stream")
            .send(body)
            .map_err(|e| ClientError::Unreachable(e.to_string()))?;
        expect(&mut resp, 204)?;
        tus_state(&resp)
    }

    /// Seals the sender's details for this session.
    pub fn seal_details(&self, details: &SenderDetails) -> Result<Vec<u8>> {
        details
            .seal(&self.seal_params(Id16(random()?), 0)?, &random()?)
            .map_err(|_| ClientError::Protocol("cannot seal"))
    }

    /// `POST /api/submissions`: completes the upload; returns the receipt.
    /// Repeated after a transient failure as [`retry`] does (a proxy's 502
    /// when the node died during the request, a cut connection): the
    /// server answers a session already completed with the same receipt.
    pub fn submit(&self, details: &SenderDetails, department: &str) -> Result<Receipt> {
        retry(|| self.submit_once(details, department))
    }

    /// One `POST /api/submissions` (the details sealed afresh).
    pub fn submit_once(&self, details: &SenderDetails, department: &str) -> Result<Receipt> {
        let sealed = self.seal_details(details)?;
        let boundary = format!("mailslot{}", hex::encode(random::<12>()?));
        let mut body = Vec::with_capacity(sealed.len() + 512);
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"details\"; filename=\"details.bin\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(&sealed);
        body.extend_from_slice(
            format!("\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"department\"\r\n\r\n{department}\r\n--{boundary}--\r\n")
                .as_bytes(),
        );
        let mut resp = self
            .agent
            .post(self.url("/api/submissions"))
            .header("Authorization", self.auth())
            .header(
                "Content-Type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .send(&body[..])
            .map_err(|e| ClientError::Unreachable(e.to_string()))?;
        expect(&mut resp, 201)?;
        let text = resp.body_mut().read_to_string().unwrap_or_default();
        serde_json::from_str(&text).map_err(|_| ClientError::Protocol("receipt"))
    }
}

/// The verdict headers of a finished upload (`None` while receiving).
fn verdict_of(h: &ureq::http::HeaderMap) -> Result<Option<Sent>> {
    let Some(raw) = h.get(headers::VERDICT) else {
        return Ok(None);
    };
    let verdict = raw
        .to_str()
        .ok()
        .and_then(UploadState::parse)
        .ok_or(ClientError::Protocol("unknown verdict"))?;
    let reason = h
        .get(headers::REASON)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    Ok(Some(Sent {
        verdict,
        reason,
        upload: String::new(),
    }))
}

/// Runs `f` again after transient failures, up to `ATTEMPTS` times.
///
/// Waits as long as the server asked (`Retry-After`), else twice as long
/// each time from half a second; either with up to half as much again at
/// random, so that senders refused together do not all come back
/// together. A busy server (`rate-limited`: every body or password check
/// slot taken) is waited for [`BUSY_ATTEMPTS`] times: it is not failing,
/// only full.
pub fn retry<T>(mut f: impl FnMut() -> Result<T>) -> Result<T> {
    let mut n = 0;
    loop {
        match f() {
            Err(e) if wait_to_retry(&e, n) => n += 1,
            other => return other,
        }
    }
}

/// After the `done`-th retry failed with `e`: whether to try again, having
/// waited as [`retry`] says.
pub(crate) fn wait_to_retry(e: &ClientError, done: u32) -> bool {
    if !e.is_transient() || done >= attempts_for(e) {
        return false;
    }
    let base = match e {
        ClientError::Api {
            retry_after: Some(s),
            ..
        } => Duration::from_secs((*s).clamp(1, 300)),
        _ => Duration::from_millis(500 << done.min(6)),
    };
    let spread = random::<2>().map_or(0, u16::from_le_bytes);
    let jitter = base.mul_f64(f64::from(spread) / f64::from(u16::MAX) / 2.0);
    std::thread::sleep(base + jitter);
    true
}

/// Tries for a busy server: with `Retry-After: 1` and its jitter, about
/// two minutes of waiting.
const BUSY_ATTEMPTS: u32 = 80;

fn attempts_for(e: &ClientError) -> u32 {
    match e {
        ClientError::Api { code, .. } if code == wire::ErrorCode::RateLimited.as_str() => {
            BUSY_ATTEMPTS
        }
        _ => ATTEMPTS,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use std::io::{BufRead, BufReader, Write};
    use std::net::TcpListener;

    /// One scripted reply: status line, extra header lines (`{len}` stands
    /// for the body length of the request before) and body.
    type Reply = Option<(&'static str, &'static str, String)>;

    /// A server answering one request per connection from `script`: `Some`
    /// is sent, `None` closes the connection once the request is read (a
    /// node dying under it). Returns its URL and the count of requests it
    /// read.
    fn scripted(script: Vec<Reply>) -> (String, std::thread::JoinHandle<usize>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let served = std::thread::spawn(move || {
            let (mut n, mut before) = (0, 0);
            for reply in script {
                let (mut stream, _) = listener.accept().unwrap();
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut length = 0usize;
                loop {
                    let mut line = String::new();
                    reader.read_line(&mut line).unwrap();
                    let lower = line.to_ascii_lowercase();
                    if let Some(v) = lower.strip_prefix("content-length:") {
                        length = v.trim().parse().unwrap();
                    }
                    if line == "\r\n" || line.is_empty() {
                        break;
                    }
                }
                let mut body = vec![0u8; length];
                std::io::Read::read_exact(&mut reader, &mut body).unwrap();
                n += 1;
                if let Some((status, headers, body)) = reply {
                    let headers = headers.replace("{len}", &before.to_string());
                    let _ = write!(
                        stream,
                        "HTTP/1.1 {status}\r\n{headers}Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                        body.len()
                    );
                }
                before = length;
            }
            n
        });
        (url, served)
    }

    fn in_session(url: &str) -> Client {
        let mut client = Client::new(url);
        let key = mailslot_shared::envelope::PrivateKey::derive(&[7; 32]);
        client.key = Some((key.public_key(), 64 * 1024));
        client.session_id = Some(Id16([1; 16]));
        client.token = Some("t".into());
        client
    }

    /// The node died during the submission (the connection cut, then a
    /// proxy's 502): the client asks again and takes the receipt.
    #[test]
    fn a_submission_is_repeated_after_a_cut_connection_and_a_proxys_502() {
        let receipt = Receipt {
            reference: "ABC-DEF-GHJ".into(),
            files: 3,
            bytes: 300,
            letters: 0,
            refused: vec![],
            received_at: 1,
        };
        let (url, served) = scripted(vec![
            None,
            Some(("502 Bad Gateway", "", "<html>502</html>".into())),
            Some(("201 Created", "", serde_json::to_string(&receipt).unwrap())),
        ]);
        let got = in_session(&url)
            .submit(&SenderDetails::default(), "")
            .unwrap();
        assert_eq!(got, receipt);
        assert_eq!(served.join().unwrap(), 3);
    }

    /// A refusal that is not transient is not repeated.
    #[test]
    fn a_refused_submission_is_not_repeated() {
        let (url, served) = scripted(vec![Some((
            "400 Bad Request",
            "",
            r#"{"code":"bad-request","message":"no"}"#.into(),
        ))]);
        let got = in_session(&url).submit(&SenderDetails::default(), "");
        assert!(
            matches!(&got, Err(ClientError::Api { code, .. }) if code == "bad-request"),
            "{got:?}"
        );
        assert_eq!(served.join().unwrap(), 1);
    }

    /// The request that finished an upload lost its reply (the node died
    /// after accepting the file; nginx answered 502 or cut the line): the
    /// verdict the server then reports is the file's. Before, the client
    /// sent a request after the end and took the server's
    /// `upload-finished` for a refusal of the file.
    #[test]
    fn an_upload_whose_last_reply_was_lost_takes_the_verdict_the_server_reports() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("IM1");
        std::fs::write(&file, vec![1u8; 1000]).unwrap();
        let accepted = "Upload-Offset: {len}\r\nMailslot-Verdict: accepted\r\n";
        let (url, served) = scripted(vec![
            Some((
                "201 Created",
                "Location: /api/uploads/u1\r\n",
                String::new(),
            )),
            None,
            Some(("200 OK", accepted, String::new())),
        ]);
        let sent = in_session(&url)
            .upload_file(&file, UploadKind::Dicom, &|_| {})
            .unwrap();
        assert_eq!(sent.verdict, UploadState::Accepted);
        assert_eq!(sent.upload, "u1");
        assert_eq!(served.join().unwrap(), 3);
    }
}
