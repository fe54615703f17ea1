//! Sealing files in the page: `shared`'s envelope, with the bulk AES-GCM
//! done by WebCrypto (a non-extractable key; the browser's native AES,
//! off the main thread) or, where WebCrypto is missing (plain `http://` on
//! another host), by the `aes-gcm` crate through `Sealer::seal_record`.
//! Both produce the same bytes (tested in Chromium).

use js_sys::{Array, Object, Uint8Array};
use mailslot_shared::envelope::{record_nonce, Sealer};
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
}

impl FileSeal {
    /// Prepares sealing with `engine` (WebCrypto falls back to Rust if the
    /// key cannot be imported).
    pub async fn new(sealer: Sealer, engine: Engine) -> Self {
        let web = match engine {
            Engine::WebCrypto => import(&sealer).await,
            Engine::Rust => None,
        };
        FileSeal { sealer, web }
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
    /// shorter if it is the file's last). Returns the records concatenated.
    pub async fn seal_records(&self, first: u64, plain: &[u8]) -> Result<Vec<u8>, SealFailure> {
        let header = self.sealer.header();
        let mut pieces = Vec::new();
        let mut at = 0usize;
        let mut index = first;
        while at < plain.len() {
            let n = header.record_plaintext_len(index).ok_or(SealFailure)?;
            let end = at
                .checked_add(n)
                .filter(|e| *e <= plain.len())
                .ok_or(SealFailure)?;
            pieces.push((index, &plain[at..end]));
            at = end;
            index += 1;
        }
        let sealed: Vec<Vec<u8>> = match &self.web {
            Some((subtle, key)) => {
                let total = header.record_count();
                let jobs = pieces.iter().map(|(i, p)| {
                    encrypt(
                        subtle,
                        key,
                        record_nonce(*i, *i + 1 == total),
                        self.sealer.aad(),
                        p,
                    )
                });
                futures::future::try_join_all(jobs).await?
            }
            None => pieces
                .iter()
                .map(|(i, p)| self.sealer.seal_record(*i, p).map_err(|_| SealFailure))
                .collect::<Result<_, _>>()?,
        };
        Ok(sealed.concat())
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
    aad: &[u8; 32],
    plain: &[u8],
) -> Result<Vec<u8>, SealFailure> {
    let iv: Object = Uint8Array::from(&nonce[..]).into();
    let params = AesGcmParams::new("AES-GCM", &iv);
    params.set_additional_data(&Uint8Array::from(&aad[..]));
    params.set_tag_length(128);
    let promise = subtle
        .encrypt_with_object_and_u8_array(&params, key, plain)
        .map_err(|_| SealFailure)?;
    let out = JsFuture::from(promise).await.map_err(|_| SealFailure)?;
    Ok(Uint8Array::new(&out).to_vec())
}

/// SHA-256 of `bytes`: WebCrypto's (native, off the Wasm thread) where the
/// context has it, else the `sha2` crate's. The same digest either way.
pub async fn sha256(bytes: &[u8]) -> [u8; 32] {
    if let Some(subtle) = subtle() {
        let digested = subtle
            .digest_with_str_and_u8_array("SHA-256", bytes)
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
    sha2::Sha256::digest(bytes).into()
}
