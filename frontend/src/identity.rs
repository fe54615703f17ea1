//! What a file is called and sealed with in a session: its content
//! digest (read once more before sending) and, derived from it, the
//! session's secret and the server key, its resume key, envelope file id
//! and ephemeral key material. The same content gives the same envelope
//! (a reload continues it byte for byte); different content never shares
//! a key or nonces.

use futures::stream::{self, StreamExt};
use js_sys::Uint8Array;
use mailslot_shared::envelope::Id16;
use sha2::{Digest, Sha256};
use web_sys::Blob;

use crate::net::NetError;
use crate::{blob, store};

/// Bytes read per step when a file's content digest is taken.
const DIGEST_PIECE: u64 = 4 * 1024 * 1024;
/// Pieces read or digested at the same time: the next piece is read while
/// WebCrypto digests the one before (one after the other, a 512 MB file
/// took 2 s on this machine's page thread, a third of its upload).
const DIGEST_AHEAD: usize = 2;

/// A file's content digest: SHA-256 over its size and the SHA-256 of each
/// 4 MiB piece (WebCrypto where available, else in Wasm). Read once more
/// before sending, so that what is resumed or skipped is this very content.
pub async fn content_digest(file: &Blob) -> Result<[u8; 32], NetError> {
    Ok(digest_reading(file).await?.digest)
}

/// A file's [`content_digest`], and the file's bytes when it is one piece
/// long: the read for the digest is then the read for sealing too.
#[derive(Debug)]
pub struct Digested {
    /// The content digest.
    pub digest: [u8; 32],
    /// All of the file, if it is at most one piece long.
    pub whole: Option<Uint8Array>,
}

/// Reads `file` for its [`content_digest`], keeping a small file's bytes.
pub async fn digest_reading(file: &Blob) -> Result<Digested, NetError> {
    let size = blob::size(file);
    let mut outer = Sha256::new();
    outer.update(b"mailslot content v1");
    outer.update(size.to_be_bytes());
    // Every piece (one, empty, for an empty file), digested in order.
    let pieces = size.div_ceil(DIGEST_PIECE).max(1);
    let mut digests = stream::iter(0..pieces)
        .map(|i| async move {
            let (at, end) = (i * DIGEST_PIECE, ((i + 1) * DIGEST_PIECE).min(size));
            let piece = blob::read_range_js(file, at, end)
                .await
                .map_err(|_| NetError::FileUnreadable)?;
            let digest = crate::seal::sha256(&piece).await;
            Ok::<_, NetError>((digest, (pieces == 1).then_some(piece)))
        })
        .buffered(DIGEST_AHEAD);
    let mut whole = None;
    while let Some(next) = digests.next().await {
        let (digest, piece) = next?;
        outer.update(digest);
        whole = whole.or(piece);
    }
    Ok(Digested {
        digest: outer.finalize().into(),
        whole,
    })
}

/// What a file is called and sealed with in this session, all derived
/// from the session's secret, the file's content digest and the server key
/// it is sealed for: the same content gives the same envelope (a reload
/// continues it byte for byte); different content can never share a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileIdentity {
    /// Where its progress is kept across a reload.
    pub resume_key: String,
    /// The envelope's file id.
    pub file_id: Id16,
    /// The envelope's ephemeral key material.
    pub ikm: [u8; 32],
}

impl FileIdentity {
    /// The identity of content `digest` sealed for key `kid`.
    pub fn derive(secret: &[u8; 32], session_id: Id16, digest: &[u8; 32], kid: Id16) -> Self {
        let derive = |label: &[u8]| -> [u8; 32] {
            Sha256::new()
                .chain_update(label)
                .chain_update(secret)
                .chain_update(session_id.0)
                .chain_update(digest)
                .chain_update(kid.0)
                .finalize()
                .into()
        };
        let id = derive(b"mailslot file id v1");
        let mut file_id = [0u8; 16];
        file_id.copy_from_slice(&id[..16]);
        FileIdentity {
            resume_key: store::resume_key(&session_id.to_hex(), digest),
            file_id: Id16(file_id),
            ikm: derive(b"mailslot file ikm v1"),
        }
    }
}
