//! The upload engine: a tus client over [`net::Api`](crate::net::Api) that
//! seals every file with `shared`'s envelope while sending it.
//!
//! - At most [`PARALLEL`] files at a time; each request carries
//!   [`records_per_request`] sealed records (4 MiB, fewer when the server
//!   announced a lower limit), read from the file just before sealing, so
//!   memory stays small whatever the file size. The first goes with the
//!   upload's creation: a small file is one request.
//! - A failed request that may succeed later (network gone, laptop asleep,
//!   server busy) is retried with growing waits (1 s … 30 s, forever while
//!   the page is open); before each retry the server is asked for its
//!   offset, and sealing again from there gives the same bytes.
//! - Pausing finishes the requests in flight, then waits.
//! - After a reload, files already sent in this session are skipped and
//!   half-sent ones continue (`store`).

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;

use js_sys::Uint8Array;
use mailslot_shared::envelope::{Id16, PublicKey, SealParams, Sealer};
use mailslot_shared::wire::{records_per_request, upload_id, ErrorCode, UploadKind, UploadState};
use web_sys::Blob;

use crate::identity::{digest_reading, Digested, FileIdentity};
use crate::net::{Api, Key, NetError, Verdict};
use crate::seal::{best_engine, FileSeal};
use crate::{blob, store};

/// Files sent at the same time.
pub const PARALLEL: usize = 3;
/// Longest wait between retries, in seconds.
pub const MAX_WAIT_SECS: u32 = 30;

/// One file to send.
#[derive(Debug, Clone)]
pub struct Job {
    /// The page's index for it (progress refers to it).
    pub index: usize,
    /// Its bytes.
    pub blob: Blob,
    /// What it is.
    pub kind: UploadKind,
}

/// How a file's sending ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Finished {
    /// The server's verdict (`Failed` also when it could not be sent).
    State(UploadState),
    /// It was sent completely before a reload, in this session.
    SentBefore,
}

/// How a file's upload ended: how it finished, and the reason code if
/// refused.
pub type UploadEnd = (Finished, Option<String>);

impl From<Verdict> for UploadEnd {
    fn from(v: Verdict) -> Self {
        (Finished::State(v.state), v.reason)
    }
}

/// What the engine tells the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// File `index` has an upload on the server (new, or resumed).
    Created {
        /// The file.
        index: usize,
        /// The upload's id.
        upload: String,
    },
    /// Plaintext bytes of file `index` the server now holds.
    Progress {
        /// The file.
        index: usize,
        /// Bytes the server holds.
        sent: u64,
    },
    /// File `index` is finished, with the reason code if refused.
    Done {
        /// The file.
        index: usize,
        /// How it ended.
        finished: Finished,
        /// Why, if refused.
        reason: Option<String>,
    },
    /// A request for file `index` failed and will be retried in `secs`
    /// seconds.
    Waiting {
        /// The file.
        index: usize,
        /// Seconds until the retry.
        secs: u32,
        /// The error's code.
        code: String,
    },
    /// The session cannot go on (expired, finished, mailbox full …).
    Fatal(NetError),
}

/// Pause and stop, shared between the page and the engine.
#[derive(Debug, Default)]
pub struct Control {
    /// Set by the page's Pause button.
    pub paused: Cell<bool>,
    /// Set on a fatal error: everything stops.
    pub stopped: Cell<bool>,
}

/// Where to send: the authenticated API, the server's key and the session.
#[derive(Debug, Clone)]
pub struct Target {
    /// The API with the session's token.
    pub api: Api,
    /// The server's current key, shared by the lanes: fetched again when
    /// the server no longer has the one a file was sealed for.
    pub key: Rc<RefCell<Key>>,
    /// The session id (in every envelope header).
    pub session_id: Id16,
    /// The session's sealing secret (see [`FileIdentity`]).
    pub seal_secret: [u8; 32],
    /// The largest request body the server takes (announced with the
    /// session): requests are cut to fit it.
    pub max_chunk_bytes: u64,
}

type Emit = Rc<dyn Fn(Event)>;

/// Sends every job, [`PARALLEL`] at a time; returns when all are done or a
/// fatal error stopped the engine.
pub async fn run(target: Target, jobs: Vec<Job>, control: Rc<Control>, emit: Emit) {
    let queue = Rc::new(RefCell::new(VecDeque::from(jobs)));
    let lanes = (0..PARALLEL).map(|_| {
        let (queue, control, emit, target) =
            (queue.clone(), control.clone(), emit.clone(), target.clone());
        async move {
            loop {
                if control.stopped.get() {
                    return;
                }
                let Some(job) = queue.borrow_mut().pop_front() else {
                    return;
                };
                match send_job(&target, &job, &control, &emit).await {
                    Ok(Some((finished, reason))) => {
                        emit(Event::Done {
                            index: job.index,
                            finished,
                            reason,
                        });
                    }
                    Ok(None) => return,
                    Err(e) if e.ends_session() => {
                        control.stopped.set(true);
                        emit(Event::Fatal(e));
                        return;
                    }
                    Err(e) => {
                        let reason = e.code().to_owned();
                        emit(Event::Done {
                            index: job.index,
                            finished: Finished::State(UploadState::Failed),
                            reason: Some(reason),
                        });
                    }
                }
            }
        }
    });
    futures::future::join_all(lanes).await;
}

async fn sleep_secs(secs: u32) {
    gloo_timers::future::sleep(std::time::Duration::from_secs(u64::from(secs))).await;
}

/// Waits while paused; `false` if stopped meanwhile.
async fn unless_paused(control: &Control) -> bool {
    while control.paused.get() && !control.stopped.get() {
        gloo_timers::future::sleep(std::time::Duration::from_millis(250)).await;
    }
    !control.stopped.get()
}

/// After a transient failure of file `index`: waits what the server asked
/// for (`Retry-After`, at most 5 minutes) or 1, 2, 4 … up to
/// [`MAX_WAIT_SECS`] seconds, telling the page first.
async fn wait_after(index: usize, attempt: &mut u32, e: &NetError, emit: &Emit) {
    let secs = match e.retry_after() {
        Some(s) => s.min(300) as u32,
        None => (1u32 << (*attempt).min(5)).min(MAX_WAIT_SECS),
    };
    *attempt += 1;
    emit(Event::Waiting {
        index,
        secs,
        code: e.code().to_owned(),
    });
    sleep_secs(secs).await;
}

/// Runs `f` until it succeeds or fails for good, waiting longer after each
/// transient failure.
async fn retrying<T, F, Fut>(
    index: usize,
    control: &Control,
    emit: &Emit,
    mut f: F,
) -> Result<Option<T>, NetError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, NetError>>,
{
    let mut attempt = 0u32;
    loop {
        if !unless_paused(control).await {
            return Ok(None);
        }
        match f().await {
            Ok(v) => return Ok(Some(v)),
            Err(e) if e.is_transient() => wait_after(index, &mut attempt, &e, emit).await,
            Err(e) => return Err(e),
        }
    }
}

/// The envelope bytes from `offset` (a record boundary) for up to
/// `records` records, read from the file just before sealing (or taken
/// from `whole`, the file read for its digest, when small).
async fn chunk(
    seal: &FileSeal,
    file: &Blob,
    whole: Option<&Uint8Array>,
    offset: u64,
    records: u64,
) -> Result<Uint8Array, NetError> {
    let h = seal.sealer().header();
    let before: &[u8] = if offset == 0 {
        seal.sealer().header_bytes()
    } else {
        &[]
    };
    let records = h.records_from(offset, records);
    let span = h.plaintext_of(records.clone());
    let held = whole.and_then(|w| {
        let start = u32::try_from(span.start).ok()?;
        let end = u32::try_from(span.end).ok().filter(|e| *e <= w.length())?;
        Some(w.subarray(start, end))
    });
    let plain = match held {
        Some(p) => p,
        None => blob::read_range_js(file, span.start, span.end)
            .await
            .map_err(|_| NetError::FileUnreadable)?,
    };
    seal.seal_records(before, records.start, &plain)
        .await
        .map_err(|_| NetError::FileUnreadable)
}

/// Sends one file, keeping its progress for a reload: marked sent once it
/// has its verdict, forgotten when it failed for good. When the server no
/// longer has the key the file was sealed for (a rotation, then its end),
/// the key is fetched again and the file sealed anew, once.
async fn send_job(
    target: &Target,
    job: &Job,
    control: &Control,
    emit: &Emit,
) -> Result<Option<UploadEnd>, NetError> {
    let Digested { digest, whole } = digest_reading(&job.blob).await?;
    let whole = whole.as_ref();
    let mut result = send(target, job, &digest, whole, control, emit).await;
    if matches!(&result, Err(e) if e.is(ErrorCode::UnknownKey)) {
        let fresh = target.api.key().await?;
        store::forget_pending(&store::resume_key(&target.session_id.to_hex(), &digest));
        *target.key.borrow_mut() = fresh;
        result = send(target, job, &digest, whole, control, emit).await;
    }
    let resume_key = store::resume_key(&target.session_id.to_hex(), &digest);
    match &result {
        Ok(Some(_)) => store::mark_sent(&resume_key),
        Err(e) if !e.ends_session() => store::forget_pending(&resume_key),
        _ => {}
    }
    result
}

/// Sends one file; `Ok(None)` when stopped.
async fn send(
    target: &Target,
    job: &Job,
    digest: &[u8; 32],
    whole: Option<&Uint8Array>,
    control: &Control,
    emit: &Emit,
) -> Result<Option<UploadEnd>, NetError> {
    let resume_key = store::resume_key(&target.session_id.to_hex(), digest);
    if store::was_sent(&resume_key) {
        return Ok(Some((Finished::SentBefore, None)));
    }
    let len = blob::size(&job.blob);
    // A half-sent file continues with the key it was sealed for.
    let resumed = store::pending(&resume_key).and_then(|p| {
        let public = hex::decode(&p.public_key)
            .ok()
            .and_then(|b| PublicKey::from_bytes(&b))?;
        Some((p.location, public))
    });
    let current = target.key.borrow().clone();
    let (mut location, public) = match resumed {
        Some((location, public)) => (location, public),
        None => (String::new(), current.public.clone()),
    };
    let fresh = location.is_empty();
    let identity =
        FileIdentity::derive(&target.seal_secret, target.session_id, digest, public.kid());
    let sealer = Sealer::new(
        &SealParams {
            recipient: &public,
            session_id: target.session_id,
            file_id: identity.file_id,
            plaintext_len: len,
            record_size: current.record_size,
        },
        &identity.ikm,
    )
    .map_err(|_| NetError::Protocol("cannot seal"))?;
    let total = sealer.header().envelope_len();
    let per_request = records_per_request(current.record_size, target.max_chunk_bytes);
    let seal = FileSeal::new(sealer, best_engine()).await;

    let file_id = identity.file_id;
    let mut offset = 0u64;
    if !fresh {
        emit(Event::Created {
            index: job.index,
            upload: upload_id(&location).to_owned(),
        });
        match retrying(job.index, control, emit, || target.api.head(&location)).await {
            Ok(Some(state)) => {
                if let Some(v) = state.verdict {
                    return Ok(Some(v.into()));
                }
                offset = state.offset;
            }
            Ok(None) => return Ok(None),
            // Expired or unknown: start this file again.
            Err(_) => {
                store::forget_pending(&resume_key);
                location.clear();
            }
        }
    }
    if location.is_empty() {
        // The upload is created with its first request's bytes
        // (creation-with-upload): a file that fits in one request is sent
        // in one instead of two.
        let first = chunk(&seal, &job.blob, whole, 0, per_request).await?;
        let Some((loc, state)) = retrying(job.index, control, emit, || {
            target.api.create_upload(file_id, job.kind, total, &first)
        })
        .await?
        else {
            return Ok(None);
        };
        location = loc;
        emit(Event::Created {
            index: job.index,
            upload: upload_id(&location).to_owned(),
        });
        if let Some(v) = state.verdict {
            emit(Event::Progress {
                index: job.index,
                sent: len,
            });
            return Ok(Some(v.into()));
        }
        store::save_pending(
            &resume_key,
            &store::Pending {
                location: location.clone(),
                public_key: hex::encode(public.to_bytes()),
            },
        );
        offset = state.offset;
    }
    emit(Event::Progress {
        index: job.index,
        sent: seal.sealer().header().plaintext_before(offset),
    });

    let mut attempt = 0u32;
    // The next request's body, sealed while the one before was sent (for
    // the offset it starts at): a large file's reading and sealing no
    // longer wait for the server's answer, nor the other way round.
    let mut ahead: Option<(u64, Uint8Array)> = None;
    loop {
        if !unless_paused(control).await {
            return Ok(None);
        }
        let body = match ahead.take() {
            Some((at, body)) if at == offset => body,
            _ => chunk(&seal, &job.blob, whole, offset, per_request).await?,
        };
        let next = offset + u64::from(body.length());
        let sent = target.api.patch(&location, offset, &body);
        let sent = if next < total {
            let following = chunk(&seal, &job.blob, whole, next, per_request);
            let (sent, following) = futures::future::join(sent, following).await;
            // Not readable now: the next turn reads it again and says so.
            ahead = following.ok().map(|b| (next, b));
            sent
        } else {
            sent.await
        };
        match sent {
            Ok(state) => {
                attempt = 0;
                offset = state.offset;
                emit(Event::Progress {
                    index: job.index,
                    sent: seal.sealer().header().plaintext_before(offset),
                });
                if let Some(v) = state.verdict {
                    return Ok(Some(v.into()));
                }
                if offset >= total {
                    return Err(NetError::Protocol("complete without a verdict"));
                }
            }
            Err(e) if e.is_transient() => {
                wait_after(job.index, &mut attempt, &e, emit).await;
                // Ask where the server is, then go on from there.
                match retrying(job.index, control, emit, || target.api.head(&location)).await? {
                    Some(state) => {
                        if let Some(v) = state.verdict {
                            return Ok(Some(v.into()));
                        }
                        offset = state.offset;
                    }
                    None => return Ok(None),
                }
            }
            Err(e) => return Err(e),
        }
    }
}
