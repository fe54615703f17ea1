//! The native sender (`mailslot send`) and the client library the tests
//! drive: the same scan rules, the same envelope and the same tus protocol
//! as the page. Uploads resume after a dropped connection: the client asks
//! the server for its offset and re-seals from there (sealing is
//! deterministic, so the bytes are the same).

use std::fs::File;
use std::io::{BufReader, IsTerminal, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use base64::Engine as _;
use indicatif::{ProgressBar, ProgressStyle};
use mailslot_shared::dicom::{inspect_reader, Lang, Limits, Verdict};
use mailslot_shared::envelope::{
    seal_all, Id16, PublicKey, SealParams, Sealer, HEADER_LEN, TAG_LEN,
};
use mailslot_shared::wire::{
    headers, metadata, ApiError, Consent, Preflight, Receipt, SenderDetails, ServerKey,
    SessionCreated, SessionRequest,
};

use crate::cli::SendArgs;

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
        }
    }

    /// Whether retrying (after asking for the offset) may help.
    fn is_transient(&self) -> bool {
        match self {
            ClientError::Unreachable(_) => true,
            ClientError::Api { status, code, .. } => {
                *status >= 500 || code == "offset-mismatch" || code == "upload-busy"
            }
            _ => false,
        }
    }
}

type Result<T, E = ClientError> = std::result::Result<T, E>;

/// Plaintext records per `PATCH` (64 × 64 KiB = 4 MiB).
const RECORDS_PER_PATCH: u64 = 64;
/// Attempts per request before giving up.
const ATTEMPTS: u32 = 8;

/// What became of one uploaded file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sent {
    /// `accepted`, `duplicate`, `rejected` or `failed`.
    pub verdict: String,
    /// The reason code, if refused.
    pub reason: Option<String>,
}

/// A connection to one Mailslot server.
#[derive(Debug)]
pub struct Client {
    base: String,
    agent: ureq::Agent,
    token: Option<String>,
    session_id: Option<Id16>,
    key: Option<(PublicKey, u32)>,
}

fn api_error(status: u16, body: &str) -> ClientError {
    match serde_json::from_str::<ApiError>(body) {
        Ok(e) => ClientError::Api {
            status,
            code: e.code,
            message: e.message,
        },
        Err(_) => ClientError::Api {
            status,
            code: format!("http-{status}"),
            message: "unexpected reply".into(),
        },
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
    let text = resp.body_mut().read_to_string().unwrap_or_default();
    Err(api_error(resp.status().as_u16(), &text))
}

/// The `Upload-Offset` of a tus reply and, once finished, the verdict.
fn tus_state(resp: &Reply) -> Result<(u64, Option<Sent>)> {
    let offset = resp
        .headers()
        .get("Upload-Offset")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .ok_or(ClientError::Protocol("no Upload-Offset"))?;
    Ok((offset, verdict_of(resp.headers())))
}

fn random<const N: usize>() -> [u8; N] {
    let mut b = [0u8; N];
    // getrandom only fails where the OS has no randomness at all.
    let _ = getrandom::fill(&mut b);
    b
}

impl Client {
    /// A client for the server at `base` (e.g. `http://127.0.0.1:8080`).
    pub fn new(base: &str) -> Self {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_connect(Some(Duration::from_secs(20)))
            .timeout_recv_response(Some(Duration::from_secs(600)))
            .build()
            .into();
        Client {
            base: base.trim_end_matches('/').to_owned(),
            agent,
            token: None,
            session_id: None,
            key: None,
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
        let pk = hex::decode(&key.public_key)
            .ok()
            .and_then(|b| PublicKey::from_bytes(&b))
            .ok_or(ClientError::Protocol("public key"))?;
        if pk.kid().to_hex() != key.kid {
            return Err(ClientError::Protocol("key id does not match the key"));
        }
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

    fn sealer(&self, file_id: Id16, plaintext_len: u64, ikm: &[u8; 32]) -> Result<Sealer> {
        let (pk, record_size) = self
            .key
            .as_ref()
            .ok_or(ClientError::Protocol("no key fetched"))?;
        let session_id = self.session_id.ok_or(ClientError::Protocol("no session"))?;
        Sealer::new(
            &SealParams {
                recipient: pk,
                session_id,
                file_id,
                plaintext_len,
                record_size: *record_size,
            },
            ikm,
        )
        .map_err(|_| ClientError::Protocol("cannot seal"))
    }

    /// `POST /api/uploads`: returns the upload's URL path.
    pub fn create_upload(&self, file_id: Id16, kind: &str, length: u64) -> Result<String> {
        let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
        let meta = format!(
            "{} {},{} {}",
            metadata::FILE_ID,
            b64(&file_id.to_hex()),
            metadata::KIND,
            b64(kind)
        );
        let mut resp = self
            .agent
            .post(self.url("/api/uploads"))
            .header("Authorization", self.auth())
            .header("Tus-Resumable", "1.0.0")
            .header("Upload-Length", length.to_string())
            .header("Upload-Metadata", meta)
            .send_empty()
            .map_err(|e| ClientError::Unreachable(e.to_string()))?;
        expect(&mut resp, 201)?;
        resp.headers()
            .get("Location")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
            .ok_or(ClientError::Protocol("no Location"))
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

    /// The bytes of the envelope from `offset` (a record boundary) for at
    /// most `RECORDS_PER_PATCH` records.
    fn chunk(
        sealer: &Sealer,
        file: &mut File,
        offset: u64,
        records: u64,
    ) -> Result<Vec<u8>, std::io::Error> {
        let header = sealer.header();
        let rs = u64::from(header.record_size);
        let mut out = Vec::new();
        let first = if offset == 0 {
            out.extend_from_slice(sealer.header_bytes());
            0
        } else {
            (offset - HEADER_LEN as u64) / (rs + TAG_LEN as u64)
        };
        let last = (first + records.max(1)).min(header.record_count());
        file.seek(SeekFrom::Start(first * rs))?;
        for index in first..last {
            let n = header.record_plaintext_len(index).unwrap_or(0);
            let mut plain = vec![0u8; n];
            file.read_exact(&mut plain)?;
            let sealed = sealer
                .seal_record(index, &plain)
                .map_err(|_| std::io::Error::other("the file changed while it was being sent"))?;
            out.extend_from_slice(&sealed);
        }
        Ok(out)
    }

    /// Creates the upload for a local file and prepares its envelope.
    pub fn begin_upload(&self, path: &Path, kind: &str) -> Result<PendingUpload> {
        let file_err = |e| ClientError::File(path.to_owned(), e);
        let file = File::open(path).map_err(file_err)?;
        let len = file.metadata().map_err(file_err)?.len();
        let file_id = Id16(random());
        let sealer = self.sealer(file_id, len, &random())?;
        let total = sealer.header().envelope_len();
        let location = retry(|| self.create_upload(file_id, kind, total))?;
        Ok(PendingUpload {
            path: path.to_owned(),
            file,
            len,
            sealer,
            location,
            offset: 0,
            records_per_patch: RECORDS_PER_PATCH,
        })
    }

    /// Sends up to `max_patches` requests (all when `None`), resuming after
    /// failures from the server's offset. Returns the verdict once the
    /// server has the whole file; `None` when stopped early.
    pub fn continue_upload(
        &self,
        up: &mut PendingUpload,
        max_patches: Option<usize>,
        progress: &(dyn Fn(u64) + Sync),
    ) -> Result<Option<Sent>> {
        let total = up.sealer.header().envelope_len();
        let mut failures = 0u32;
        let mut patches = 0usize;
        loop {
            if max_patches.is_some_and(|m| patches >= m) {
                return Ok(None);
            }
            let body = Self::chunk(&up.sealer, &mut up.file, up.offset, up.records_per_patch)
                .map_err(|e| ClientError::File(up.path.clone(), e))?;
            patches += 1;
            match self.patch(&up.location, up.offset, &body) {
                Ok((new, verdict)) => {
                    failures = 0;
                    progress(up.plain_at(new).saturating_sub(up.plain_at(up.offset)));
                    up.offset = new;
                    if let Some(v) = verdict {
                        return Ok(Some(v));
                    }
                    if up.offset >= total {
                        return Err(ClientError::Protocol("upload complete without a verdict"));
                    }
                }
                Err(e) if e.is_transient() && failures < ATTEMPTS => {
                    failures += 1;
                    std::thread::sleep(Duration::from_millis(250 << failures.min(7)));
                    self.resync(up, progress)?;
                }
                Err(ClientError::Api { code, .. })
                    if code == "decrypt-failed" || code == "bad-envelope" =>
                {
                    return Ok(Some(Sent {
                        verdict: "failed".into(),
                        reason: Some(code),
                    }))
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// Asks the server for the upload's offset (after a failure or a
    /// restart) and continues from there.
    pub fn resync(
        &self,
        up: &mut PendingUpload,
        progress: &(dyn Fn(u64) + Sync),
    ) -> Result<Option<Sent>> {
        let (server_offset, verdict) = self.upload_state(&up.location)?;
        progress(
            up.plain_at(server_offset)
                .saturating_sub(up.plain_at(up.offset)),
        );
        up.offset = server_offset;
        Ok(verdict)
    }

    /// Encrypts and uploads one file, resuming after failures; `progress`
    /// gets the number of plaintext bytes newly confirmed by the server.
    pub fn upload_file(
        &self,
        path: &Path,
        kind: &str,
        progress: &(dyn Fn(u64) + Sync),
    ) -> Result<Sent> {
        let mut up = self.begin_upload(path, kind)?;
        self.continue_upload(&mut up, None, progress)?
            .ok_or(ClientError::Protocol("upload stopped"))
    }

    /// Seals the sender's details for this session.
    pub fn seal_details(&self, details: &SenderDetails) -> Result<Vec<u8>> {
        let json = serde_json::to_vec(details).map_err(|_| ClientError::Protocol("details"))?;
        let sealer = self.sealer(Id16(random()), json.len() as u64, &random())?;
        seal_all(&sealer, &json).map_err(|_| ClientError::Protocol("cannot seal"))
    }

    /// `POST /api/submissions`: completes the upload; returns the receipt.
    pub fn submit(&self, details: &SenderDetails, department: &str) -> Result<Receipt> {
        let sealed = self.seal_details(details)?;
        let boundary = format!("mailslot{}", hex::encode(random::<12>()));
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

fn verdict_of(h: &ureq::http::HeaderMap) -> Option<Sent> {
    let verdict = h.get(headers::VERDICT)?.to_str().ok()?.to_owned();
    let reason = h
        .get(headers::REASON)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    Some(Sent { verdict, reason })
}

fn retry<T>(mut f: impl FnMut() -> Result<T>) -> Result<T> {
    let mut n = 0;
    loop {
        match f() {
            Err(e) if e.is_transient() && n < ATTEMPTS => {
                n += 1;
                std::thread::sleep(Duration::from_millis(250 << n.min(7)));
            }
            other => return other,
        }
    }
}

/// An upload in progress: the envelope is deterministic, so any record can
/// be sealed again for a resume.
#[derive(Debug)]
pub struct PendingUpload {
    path: PathBuf,
    file: File,
    len: u64,
    sealer: Sealer,
    /// The upload's URL path on the server.
    pub location: String,
    /// Envelope bytes the server has confirmed.
    pub offset: u64,
    /// Records per `PATCH` (smaller values make more, smaller requests).
    pub records_per_patch: u64,
}

impl PendingUpload {
    /// Plaintext bytes covered by the records before envelope `offset`.
    fn plain_at(&self, offset: u64) -> u64 {
        let rs = u64::from(self.sealer.header().record_size);
        if offset <= HEADER_LEN as u64 {
            0
        } else {
            ((offset - HEADER_LEN as u64) / (rs + TAG_LEN as u64) * rs).min(self.len)
        }
    }
}

/// A file found by the scan.
#[derive(Debug, Clone)]
pub struct Found {
    /// Where it is.
    pub path: PathBuf,
    /// Its size.
    pub len: u64,
    /// Its study (for the details' study list).
    pub study: String,
}

/// Scans paths with the shared rules; returns the accepted files and prints
/// every ignored file with its reason to standard error.
pub fn scan(paths: &[PathBuf]) -> Result<Vec<Found>> {
    let mut files = Vec::new();
    for p in paths {
        if p.is_dir() {
            crate::verify::collect(p, &mut files);
        } else if p.exists() {
            files.push(p.clone());
        } else {
            return Err(ClientError::File(
                p.clone(),
                std::io::ErrorKind::NotFound.into(),
            ));
        }
    }
    let mut found = Vec::new();
    for path in files {
        let file = File::open(&path).map_err(|e| ClientError::File(path.clone(), e))?;
        let len = file
            .metadata()
            .map_err(|e| ClientError::File(path.clone(), e))?
            .len();
        match inspect_reader(
            BufReader::with_capacity(64 * 1024, file),
            len,
            len,
            &Limits::default(),
        ) {
            Verdict::Accepted(s) => found.push(Found {
                path,
                len,
                study: s.study_instance_uid.clone(),
            }),
            Verdict::Rejected(r) => eprintln!(
                "ignored  {}  {}: {}",
                path.display(),
                r.code,
                r.code.message(Lang::En)
            ),
        }
    }
    Ok(found)
}

/// `mailslot send`.
pub fn send_command(args: &SendArgs) -> Result<()> {
    if !args.accept_privacy_statement {
        return Err(ClientError::ConsentRequired);
    }
    let password = read_password(args.password_stdin)?;
    let found = scan(&args.paths)?;
    if found.is_empty() {
        return Err(ClientError::NothingToSend);
    }
    for letter in &args.letters {
        let mut magic = [0u8; 5];
        File::open(letter)
            .and_then(|mut f| f.read_exact(&mut magic))
            .map_err(|e| ClientError::File(letter.clone(), e))?;
        if &magic != b"%PDF-" {
            return Err(ClientError::File(
                letter.clone(),
                std::io::Error::other("not a PDF document"),
            ));
        }
    }
    let bytes: u64 = found.iter().map(|f| f.len).sum();
    let mut client = Client::new(&args.server);
    retry(|| client.fetch_key())?;
    client.start_session(
        &password,
        Consent {
            statement_version: args.statement_version.clone(),
            accepted: true,
            may_send: true,
        },
    )?;
    client.preflight(found.len() as u64, bytes)?;

    let bar = if args.quiet || !std::io::stderr().is_terminal() {
        ProgressBar::hidden()
    } else {
        ProgressBar::new(bytes)
    };
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {bytes_per_sec} ETA {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let mut jobs: Vec<(PathBuf, &str)> = found.iter().map(|f| (f.path.clone(), "dicom")).collect();
    jobs.extend(args.letters.iter().map(|l| (l.clone(), "letter")));
    let queue = Mutex::new(jobs.into_iter());
    let results: Mutex<Vec<(PathBuf, Result<Sent>)>> = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..args.parallel.clamp(1, 8) {
            s.spawn(|| loop {
                let next = queue.lock().ok().and_then(|mut q| q.next());
                let Some((path, kind)) = next else { break };
                let r = client.upload_file(&path, kind, &|n| bar.inc(n));
                if let Ok(mut all) = results.lock() {
                    all.push((path, r));
                }
            });
        }
    });
    bar.finish_and_clear();
    let results = results.into_inner().unwrap_or_default();
    for (path, r) in &results {
        match r {
            Ok(Sent { verdict, reason }) if verdict != "accepted" && verdict != "duplicate" => {
                eprintln!(
                    "refused  {}  {}",
                    path.display(),
                    reason.as_deref().unwrap_or(verdict)
                )
            }
            Err(e) => eprintln!("failed   {}  {e}", path.display()),
            _ => {}
        }
    }
    if let Some((_, Err(e))) = results
        .iter()
        .find(|(_, r)| matches!(r, Err(e) if !e.is_transient()))
    {
        if matches!(e, ClientError::Api { code, .. } if code == "session-expired" || code == "mailbox-full")
        {
            return Err(ClientError::Protocol(
                "the upload was stopped by the server",
            ));
        }
    }
    let mut studies: Vec<String> = found.iter().map(|f| f.study.clone()).collect();
    studies.sort();
    studies.dedup();
    let receipt = client.submit(
        &SenderDetails {
            name: args.name.clone(),
            phone: args.phone.clone(),
            email: args.email.clone(),
            role: args.role.clone(),
            contact: args.department.clone(),
            request: args.request.clone(),
            studies,
        },
        &args.department,
    )?;
    println!("Upload complete.");
    println!("Reference number: {}", receipt.reference);
    println!(
        "Files received: {} ({} bytes), letters: {}",
        receipt.files, receipt.bytes, receipt.letters
    );
    for (code, n) in &receipt.refused {
        println!("Refused: {n} × {code}");
    }
    let undelivered = results
        .iter()
        .filter(|(_, r)| !matches!(r, Ok(Sent { verdict, .. }) if verdict == "accepted" || verdict == "duplicate"))
        .count();
    if undelivered > 0 {
        return Err(ClientError::Undelivered(undelivered));
    }
    Ok(())
}

fn read_password(from_stdin: bool) -> Result<String> {
    if !from_stdin && !std::io::stdin().is_terminal() {
        return Err(ClientError::NoPassword);
    }
    if !from_stdin {
        eprintln!("Upload password:");
    }
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .map_err(|_| ClientError::NoPassword)?;
    let password = line.trim_end_matches(['\r', '\n']).to_owned();
    if password.is_empty() {
        return Err(ClientError::NoPassword);
    }
    Ok(password)
}
