//! ZIP archives, read in the scan worker over blob slices: the central
//! directory is read with seeks, each member is inflated in 1 MiB pieces
//! into a browser-held blob (never whole into Wasm memory) and then checked
//! like any other file.
//!
//! Limits: at most [`MAX_ENTRIES`] members; a member may unpack to no more
//! than the largest accepted file, nor to more than [`MAX_RATIO`] times its
//! compressed size (zip bombs); all members together to no more than the
//! scanner's unpack budget (the session's size limit). Bytes are counted as
//! they are inflated, whatever the archive claims. Member names are used
//! only as labels, never as paths to write to; names that try to leave the
//! archive (`../`, absolute) are reported and skipped.

use std::io::Read;

use js_sys::{Array, Uint8Array};
use zip::result::ZipError;

use web_sys::Blob;

use super::protocol::IgnoreReason;
use crate::blob::{self, BlobReader};

/// Most members read from one archive.
pub const MAX_ENTRIES: usize = 100_000;
/// Largest ratio of unpacked to packed size accepted for big members.
pub const MAX_RATIO: u64 = 1000;
/// Members below this unpacked size are exempt from the ratio check.
const RATIO_EXEMPT: u64 = 1024 * 1024;
/// Inflate in pieces of this size.
const PIECE: usize = 1024 * 1024;

/// What an archive holds, one member at a time.
#[derive(Debug)]
pub enum Member {
    /// A member unpacked into a blob, with its label.
    File(Blob, String),
    /// A member (or the archive itself) left out: label, size, why.
    Ignored(String, u64, IgnoreReason),
}

/// Unpacks every member of the archive in `reader`, labelled `path/…`,
/// handing each to `on`. Members unpack to at most `max_file_size` each
/// and to at most `budget` bytes in all (what they use is taken off it).
pub fn scan_zip(
    reader: BlobReader,
    path: &str,
    max_file_size: u64,
    budget: &mut u64,
    mut on: impl FnMut(Member),
) {
    let size = reader.len();
    let mut archive = match zip::ZipArchive::new(reader) {
        Ok(a) => a,
        Err(_) => {
            return on(Member::Ignored(
                path.to_owned(),
                size,
                IgnoreReason::ZipBroken,
            ))
        }
    };
    if archive.len() > MAX_ENTRIES {
        return on(Member::Ignored(
            path.to_owned(),
            size,
            IgnoreReason::ZipTooLarge,
        ));
    }
    for index in 0..archive.len() {
        let mut entry = match archive.by_index(index) {
            Ok(e) => e,
            Err(ZipError::UnsupportedArchive(msg)) if msg == ZipError::PASSWORD_REQUIRED => {
                on(Member::Ignored(
                    format!("{path}/#{}", index + 1),
                    0,
                    IgnoreReason::ZipEncrypted,
                ));
                continue;
            }
            Err(_) => {
                on(Member::Ignored(
                    format!("{path}/#{}", index + 1),
                    0,
                    IgnoreReason::ZipBroken,
                ));
                continue;
            }
        };
        if entry.is_dir() {
            continue;
        }
        let declared = entry.size();
        let Some(inner) = entry.enclosed_name() else {
            let label = format!("{path}/{}", entry.name().replace(['/', '\\'], "∕"));
            on(Member::Ignored(
                label,
                declared,
                IgnoreReason::ZipUnsafePath,
            ));
            continue;
        };
        let label = format!("{path}/{}", inner.to_string_lossy());
        let ratio_cap = entry
            .compressed_size()
            .saturating_mul(MAX_RATIO)
            .max(RATIO_EXEMPT);
        let cap = max_file_size.min(*budget).min(ratio_cap);
        match inflate(&mut entry, cap) {
            Ok((member, n)) => {
                *budget = budget.saturating_sub(n);
                on(Member::File(member, label));
            }
            Err(Problem::TooLarge) => {
                on(Member::Ignored(label, declared, IgnoreReason::ZipTooLarge))
            }
            Err(Problem::Broken) => on(Member::Ignored(label, declared, IgnoreReason::ZipBroken)),
        }
    }
}

enum Problem {
    TooLarge,
    Broken,
}

/// Inflates a member into a blob, failing once more than `cap` bytes come
/// out. The CRC is checked by the `zip` reader at the end.
fn inflate(entry: &mut impl Read, cap: u64) -> Result<(Blob, u64), Problem> {
    let parts = Array::new();
    let mut piece = vec![0u8; PIECE];
    let mut total = 0u64;
    loop {
        let n = entry.read(&mut piece).map_err(|_| Problem::Broken)?;
        if n == 0 {
            break;
        }
        total += n as u64;
        if total > cap {
            return Err(Problem::TooLarge);
        }
        parts.push(&Uint8Array::from(&piece[..n]));
    }
    let member = blob::from_parts(&parts).map_err(|_| Problem::Broken)?;
    Ok((member, total))
}
