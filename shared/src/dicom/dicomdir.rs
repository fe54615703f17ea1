//! What a DICOMDIR lists: the SOP Instance UIDs of its image records. The
//! page uses them only to cross-check a CD ("lists 120 images; all found"):
//! every file is judged on its own whether a DICOMDIR lists it or not, so a
//! DICOMDIR that cannot be read is `None`, never an error.
//!
//! The bytes come from the sender's disc and are untrusted: the file meta
//! group is read by the same bounded code as the rules', the data set by the
//! same streaming walk (values not wanted are skipped, nesting is checked),
//! and the `dicomdir` fuzz target runs this on arbitrary bytes.

use std::collections::HashSet;
use std::io::Read;

use super::inspect::dicomdir_listing;

/// Largest DICOMDIR read; real ones are a few megabytes even for large CDs.
pub const MAX_DICOMDIR_LEN: u64 = 64 * 1024 * 1024;

/// The Referenced SOP Instance UIDs in File (0004,1511) of a DICOMDIR's
/// directory records, each once, in the order listed; `None` if `reader`
/// (the whole file, `file_len` bytes) is not a DICOMDIR read to its end.
/// Streams: memory is bounded by the list, not the file.
pub fn listed_instances<R: Read>(reader: R, file_len: u64) -> Option<Vec<String>> {
    if file_len > MAX_DICOMDIR_LEN {
        return None;
    }
    let mut seen = HashSet::new();
    let listed = dicomdir_listing(reader, file_len)?
        .into_iter()
        .filter(|uid| !uid.is_empty() && seen.insert(uid.clone()))
        .collect();
    Some(listed)
}
