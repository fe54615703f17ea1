//! A document the server made for a submission (a cover sheet, a wrapped
//! letter: see `submission::documents`) becomes an upload like a sender's
//! image: reserved against the session's limit and the mailbox's quota
//! ([`Intake::reserve`]) before it is written, written streaming into the
//! spool (a letter is never held in memory), checked with the acceptance
//! rules, recorded as an accepted upload and queued for the archive.

use crate::params;
use crate::store::Sql;
use mailslot_shared::dicom::{inspect_reader, Limits};
use mailslot_shared::wire::{UploadKind, UploadState};

use super::{Intake, Result};
use crate::clock::now;
use crate::encapsulate::{write_encapsulated, Document, OVERHEAD_BYTES};
use crate::session::Session;

/// A document to make: what it says, and the PDF it wraps.
#[derive(Debug)]
pub struct Made<'a> {
    /// What the object says (study, series, title …).
    pub doc: Document<'a>,
    /// The PDF it wraps.
    pub pdf: PdfSource<'a>,
}

#[derive(Debug)]
pub enum PdfSource<'a> {
    /// Made in memory (a cover sheet: a few KB).
    Bytes(&'a [u8]),
    /// A file in the mailbox (a letter), read as it is written.
    File(&'a std::path::Path),
}

impl Intake {
    /// Reserves, writes (streaming), checks with the acceptance rules,
    /// spools and queues `made` for the archive; `false` if it was not made
    /// (no room left in the session or mailbox, or the rules refused it:
    /// logged and audited without patient data).
    pub fn queue_made(&self, session: &Session, made: &Made<'_>) -> Result<bool> {
        if let Err(e) = self.reserve(session, made.doc.pdf_len + OVERHEAD_BYTES) {
            tracing::warn!(reference = %session.reference, code = e.code().as_str(), "a document the server would make does not fit; kept in the mailbox only");
            self.store.audit(
                "document-not-made",
                &format!(
                    "reference={} series={} code={}",
                    session.reference,
                    made.doc.series_number,
                    e.code().as_str()
                ),
            )?;
            return Ok(false);
        }
        let id = crate::random::hex_id()?;
        let path = self.layout.spooled(&id);
        crate::durable::write_atomic_with(&path, 0o600, |file| {
            let mut out = std::io::BufWriter::with_capacity(256 * 1024, file);
            let written = match made.pdf {
                PdfSource::Bytes(b) => write_encapsulated(&made.doc, &mut &b[..], &mut out),
                PdfSource::File(p) => write_encapsulated(
                    &made.doc,
                    &mut std::io::BufReader::with_capacity(256 * 1024, std::fs::File::open(p)?),
                    &mut out,
                ),
            };
            written.map_err(std::io::Error::other)?;
            std::io::Write::flush(&mut out)
        })?;
        let len = std::fs::metadata(&path)?.len();
        let limits = Limits {
            max_file_size: self.limits.max_file_bytes.max(len),
        };
        let verdict = inspect_reader(
            std::io::BufReader::with_capacity(256 * 1024, std::fs::File::open(&path)?),
            len,
            len,
            &limits,
        );
        if verdict.accepted().is_none() {
            let _ = std::fs::remove_file(&path);
            tracing::error!(reference = %session.reference, series = made.doc.series_description, "a document the server made fails the acceptance rules; not forwarded");
            return Ok(false);
        }
        let t = now();
        let mut conn = self.store.conn()?;
        let tx = conn.transaction()?;
        tx.execute(
            "INSERT INTO uploads (id, session_id, file_id, kind, length, state, plaintext_len, created_at, expires_at, last_progress)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?5, ?7, ?7, ?7)",
            params![
                id,
                session.id,
                format!("made-{id}"),
                UploadKind::Dicom.as_str(),
                len as i64,
                UploadState::Accepted.as_str(),
                t
            ],
        )?;
        crate::forward::queue::enqueue(&tx, &id, &session.id, t, self.limits.hold)?;
        tx.commit()?;
        self.forwarder.wake();
        Ok(true)
    }
}
