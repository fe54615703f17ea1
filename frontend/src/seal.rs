//! Sealing files in the page: `shared`'s envelope, with the bulk AES-GCM
//! done by WebCrypto (a non-extractable key; the browser's native AES,
//! off the main thread) or, where WebCrypto is missing (plain `http://` on
//! another host), by the `aes-gcm` crate through `Sealer::seal_record`.
//! Both produce the same bytes (tested in Chromium).

use std::cell::{Cell, RefCell};

use js_sys::{Array, Object, Uint8Array};
use mailslot_shared::envelope::{record_nonce, Sealer, TAG_LEN};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AesGcmParams, CryptoKey, SubtleCrypto};

/// Why a record could not be sealed (no detail: nothing to tell).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the file could not be encrypted")]
pub struct SealFailure;

/// Which AES-GCM implementation seals the records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    /// The browser's WebCrypto.
    WebCrypto,
    /// The `aes-gcm` crate in Wasm.
    Rust,
}

/// WebCrypto, if this context has it (secure contexts only).
pub fn subtle() -> Option<SubtleCrypto> {
    let crypto = crate::blob::crypto()?;
    let subtle = js_sys::Reflect::get(&crypto, &"subtle".into()).ok()?;
    subtle.dyn_into().ok()
}

/// The engine to use here: WebCrypto when available.
pub fn best_engine() -> Engine {
    if subtle().is_some() {
        Engine::WebCrypto
    } else {
        Engine::Rust
    }
}

/// One file's envelope, ready to seal records.
#[derive(Debug)]
pub struct FileSeal {
    sealer: Sealer,
    web: Option<(SubtleCrypto, CryptoKey)>,
    /// The request bodies, reused from one request to the one after next:
    /// a fresh 4 MiB buffer per request cost more than the encryption
    /// (sealing 4 MiB: 0.62 of raw WebCrypto with a new body each time;
    /// joining into a reused one took the raw figure from ~800 to
    /// ~1,070 MB/s). Two, so that the next request can be sealed while
    /// one is being sent.
    bodies: [RefCell<Uint8Array>; 2],
    /// Which of `bodies` the next call seals into.
    turn: Cell<usize>,
    /// The envelope's additional data, the same for every record: made
    /// once per file rather than once per record.
    aad: Uint8Array,
}

impl FileSeal {
    /// Prepares sealing with `engine` (WebCrypto falls back to Rust if the
    /// key cannot be imported).
    pub async fn new(sealer: Sealer, engine: Engine) -> Self {
        let web = match engine {
            Engine::WebCrypto => import(&sealer).await,
            Engine::Rust => None,
        };
        let aad = Uint8Array::from(&sealer.aad()[..]);
        FileSeal {
            sealer,
            web,
            bodies: Default::default(),
            turn: Cell::new(0),
            aad,
        }
    }

    /// The envelope parameters.
    pub fn sealer(&self) -> &Sealer {
        &self.sealer
    }

    /// Which engine is in use.
    pub fn engine(&self) -> Engine {
        if self.web.is_some() {
            Engine::WebCrypto
        } else {
            Engine::Rust
        }
    }

    /// Seals records `first, first+1, …` whose plaintexts lie back to back
    /// in `plain` (each record's full length, the last one possibly
    /// shorter if it is the file's last). Returns `before` (the envelope
    /// header in a file's first request) and the records concatenated, as
    /// the request body. The body is a view of one of this file's two body
    /// buffers: valid until the call after next (the next request may be
    /// sealed while this one is sent). With WebCrypto the bytes stay in the browser:
    /// read, sealed and sent without a copy through Wasm memory (each copy
    /// of a 4 MiB chunk costs the page's thread more than the sealing).
    pub async fn seal_records(
        &self,
        before: &[u8],
        first: u64,
        plain: &Uint8Array,
    ) -> Result<Uint8Array, SealFailure> {
        let spans = self.spans(first, plain.length())?;
        let head = u32::try_from(before.len()).map_err(|_| SealFailure)?;
        // A sealed record: its plaintext and the tag.
        let sealed_len = |at: u32, end: u32| end - at + TAG_LEN as u32;
        let len = spans
            .iter()
            .try_fold(head, |n, (_, at, end)| n.checked_add(sealed_len(*at, *end)))
            .ok_or(SealFailure)?;
        let out = self.next_body(len);
        out.subarray(0, head).copy_from(before);
        // Where each sealed record goes in the body: one after the other.
        let places = spans.iter().scan(head, |next, (_, at, end)| {
            let place = *next;
            *next += sealed_len(*at, *end);
            Some(place)
        });
        match &self.web {
            Some((subtle, key)) => {
                // Each record is copied into the body as soon as WebCrypto
                // has sealed it, while the others are still being sealed
                // (copying all 4 MiB after the last one cost ~2 ms, a third
                // of the sealing).
                let total = self.sealer.header().record_count();
                let jobs = spans.iter().zip(places).map(|((i, at, end), place)| {
                    let sealed = encrypt(
                        subtle,
                        key,
                        record_nonce(*i, *i + 1 == total),
                        &self.aad,
                        plain.subarray(*at, *end),
                    );
                    let out = &out;
                    async move {
                        let sealed = sealed.await?;
                        if sealed.length() != sealed_len(*at, *end) {
                            return Err(SealFailure);
                        }
                        out.set(&sealed, place);
                        Ok(())
                    }
                });
                futures::future::try_join_all(jobs).await?;
            }
            None => {
                let bytes = plain.to_vec();
                for ((i, at, end), place) in spans.iter().zip(places) {
                    let piece = bytes.get(*at as usize..*end as usize).ok_or(SealFailure)?;
                    let record = self
                        .sealer
                        .seal_record(*i, piece)
                        .map_err(|_| SealFailure)?;
                    let n = sealed_len(*at, *end);
                    if record.len() != n as usize {
                        return Err(SealFailure);
                    }
                    out.subarray(place, place + n).copy_from(&record);
                }
            }
        }
        Ok(out)
    }

    /// A view of `len` bytes of the body buffer whose turn it is (it is
    /// made larger when needed).
    fn next_body(&self, len: u32) -> Uint8Array {
        let turn = self.turn.get();
        self.turn.set(1 - turn);
        let mut body = self.bodies[turn].borrow_mut();
        if body.length() < len {
            *body = Uint8Array::new_with_length(len);
        }
        body.subarray(0, len)
    }

    /// The records `first, first+1, …` in `len` plaintext bytes: each
    /// one's index and byte range; an error unless they end exactly there.
    fn spans(&self, first: u64, len: u32) -> Result<Vec<(u64, u32, u32)>, SealFailure> {
        let header = self.sealer.header();
        let mut spans = Vec::new();
        let mut at = 0u32;
        let mut index = first;
        while at < len {
            let n = header.record_plaintext_len(index).ok_or(SealFailure)?;
            let end = u32::try_from(n)
                .ok()
                .and_then(|n| at.checked_add(n))
                .filter(|e| *e <= len)
                .ok_or(SealFailure)?;
            spans.push((index, at, end));
            at = end;
            index += 1;
        }
        Ok(spans)
    }
}

async fn import(sealer: &Sealer) -> Option<(SubtleCrypto, CryptoKey)> {
    let subtle = subtle()?;
    let raw = Uint8Array::from(&sealer.payload_key()[..]);
    let usages = Array::of1(&"encrypt".into());
    let promise = subtle
        .import_key_with_str("raw", &raw, "AES-GCM", false, &usages)
        .ok()?;
    let key = JsFuture::from(promise).await.ok()?.dyn_into().ok()?;
    Some((subtle, key))
}

async fn encrypt(
    subtle: &SubtleCrypto,
    key: &CryptoKey,
    nonce: [u8; 12],
    aad: &Uint8Array,
    plain: Uint8Array,
) -> Result<Uint8Array, SealFailure> {
    let iv: Object = Uint8Array::from(&nonce[..]).into();
    // The tag is WebCrypto's default length, 128 bits (what the envelope
    // and the server expect).
    let params = AesGcmParams::new("AES-GCM", &iv);
    params.set_additional_data(aad);
    let promise = subtle
        .encrypt_with_object_and_js_u8_array(&params, key, &plain)
        .map_err(|_| SealFailure)?;
    let out = JsFuture::from(promise).await.map_err(|_| SealFailure)?;
    Ok(Uint8Array::new(&out))
}

/// SHA-256 of `bytes` (held by the browser): WebCrypto's (native, off the
/// Wasm thread, no copy into Wasm) where the context has it, else the
/// `sha2` crate's. The same digest either way.
pub async fn sha256(bytes: &Uint8Array) -> [u8; 32] {
    if let Some(subtle) = subtle() {
        let digested = subtle
            .digest_with_str_and_js_u8_array("SHA-256", bytes)
            .ok()
            .map(JsFuture::from);
        if let Some(future) = digested {
            if let Ok(buffer) = future.await {
                let out = Uint8Array::new(&buffer).to_vec();
                if let Ok(digest) = out.try_into() {
                    return digest;
                }
            }
        }
    }
    use sha2::Digest;
    sha2::Sha256::digest(bytes.to_vec()).into()
}
