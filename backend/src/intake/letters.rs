//! A letter's verdict: a PDF is kept as it is; a photo's page is made off
//! the request's thread ([`Received::Photo`], `photopage::Photos`), then
//! [`Intake::finish_photo`] keeps it. Either is settled only while the
//! upload is still receiving, so that a submission that closed it
//! meanwhile (and reported it incomplete) never finds it kept.

use std::collections::HashSet;
use std::fs::File;
use std::io::Read;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use mailslot_shared::envelope::Header;
use mailslot_shared::letter::{self, LetterKind};
use mailslot_shared::photo::PhotoError;
use mailslot_shared::wire::UploadState;

use super::{Intake, IntakeError, Result, Upload};
use crate::durable;
use crate::mailbox::count_inbox_bytes;
use crate::photopage::PhotoPageError;
use crate::session::Session;

/// What a request's bytes came to.
#[derive(Debug)]
pub enum Received {
    /// The upload as it stands (with its verdict, if finished).
    Upload(Upload),
    /// A photo letter with every record in: its page is to be made (see
    /// `photopage::Photos`), then [`Intake::finish_photo`] records it.
    Photo(PhotoJob),
}

/// A photo letter waiting for its page. Its records are in the part file;
/// its new offset is not recorded yet (a retried request starts over).
/// While it lives, closing the session waits for it.
#[derive(Debug)]
pub struct PhotoJob {
    /// The upload, its offset at the end of its records.
    pub upload: Upload,
    /// The photo's kind.
    pub kind: LetterKind,
    /// The file holding the photo.
    pub part: PathBuf,
    /// The photo's bytes.
    pub plaintext_len: u64,
    pub(super) _converting: ConvertingGuard,
}

/// Marks a photo letter as having its page made, until dropped.
#[derive(Debug)]
pub(super) struct ConvertingGuard(Arc<Mutex<HashSet<String>>>, String);

impl ConvertingGuard {
    pub(super) fn enter(set: &Arc<Mutex<HashSet<String>>>, id: &str) -> Result<Self> {
        set.lock()
            .map_err(|_| IntakeError::Internal("lock-poisoned"))?
            .insert(id.to_owned());
        Ok(ConvertingGuard(set.clone(), id.to_owned()))
    }
}

impl Drop for ConvertingGuard {
    fn drop(&mut self) {
        if let Ok(mut set) = self.0.lock() {
            set.remove(&self.1);
        }
    }
}

impl Intake {
    /// A letter: a PDF is kept as it is; a photo goes to its page.
    pub(super) fn finish_letter(
        &self,
        session: &Session,
        mut u: Upload,
        header: &Header,
    ) -> Result<Received> {
        let part = self.layout.part(&u.id);
        let len = header.plaintext_len;
        let mut head = Vec::with_capacity(letter::SNIFF_LEN);
        File::open(&part)?
            .take(letter::SNIFF_LEN as u64)
            .read_to_end(&mut head)?;
        match letter::check(&head, len) {
            Err(why) => {
                self.remove_part(&u.id);
                self.settle_letter(session, &mut u, Err(why.code()), len)?;
            }
            Ok(LetterKind::Pdf) => {
                let dir = self.layout.letters(&session.reference);
                durable::create_dir_all(&dir)?;
                let kept = self.layout.letter(&session.reference, &u.id);
                durable::rename(&part, &kept)?;
                self.settle_letter(session, &mut u, Ok(len), len)?;
            }
            Ok(kind) => {
                let converting = ConvertingGuard::enter(&self.converting, &u.id)?;
                return Ok(Received::Photo(PhotoJob {
                    part,
                    kind,
                    plaintext_len: len,
                    upload: u,
                    _converting: converting,
                }));
            }
        }
        Ok(Received::Upload(u))
    }

    /// Records the verdict of a photo letter whose page was made (or
    /// refused) off the request's thread: the page is kept in the
    /// submission's letters, if the upload is still receiving and the
    /// session and mailbox have room for it.
    pub fn finish_photo(
        &self,
        session: &Session,
        job: PhotoJob,
        page: std::result::Result<Vec<u8>, PhotoPageError>,
    ) -> Result<Upload> {
        let _guard = self.claim(&job.upload.id)?;
        let mut u = self.find(session, &job.upload.id)?;
        // Finished meanwhile (a retried request was quicker), or the
        // request's bytes are no longer what the database holds.
        if u.state.is_final() || u.offset != job.upload.saved_offset {
            if u.state.is_final() {
                // Its bytes are no one's now (a quicker request finished
                // it and removed them already, or it was closed).
                self.remove_part(&u.id);
            }
            return Ok(u);
        }
        u.offset = job.upload.offset;
        u.header = job.upload.header.clone();
        let len = job.plaintext_len;
        let pdf = match page {
            Ok(pdf) => pdf,
            Err(e) if e.is_refusal() => {
                self.remove_part(&u.id);
                self.settle_letter(session, &mut u, Err(e.code()), len)?;
                return Ok(u);
            }
            Err(e) => {
                tracing::error!(upload = %u.id, error = %e, "cannot wrap a photo letter");
                return Err(IntakeError::Internal(e.code()));
            }
        };
        // The page may be larger than the photo: what it adds must fit the
        // session's limit and the mailbox's quota before it is written.
        let extra = (pdf.len() as u64).saturating_sub(len);
        if let Err(e) = self.reserve(session, extra) {
            tracing::warn!(upload = %u.id, code = e.code().as_str(), "a photo letter's page does not fit");
            self.remove_part(&u.id);
            self.settle_letter(session, &mut u, Err(PhotoError::TooLarge.code()), len)?;
            return Ok(u);
        }
        durable::create_dir_all(&self.layout.letters(&session.reference))?;
        durable::write_atomic(&self.layout.letter(&session.reference, &u.id), &pdf, 0o600)?;
        // The photo itself is not kept: the page holds it.
        self.remove_part(&u.id);
        self.settle_letter(session, &mut u, Ok(pdf.len() as u64), len)?;
        Ok(u)
    }

    /// Records a letter's verdict, with the request's progress, in one
    /// transaction — only while it is still receiving: a submission that
    /// closed it meanwhile reported it incomplete, so a letter kept
    /// (`kept`: its bytes in the letters folder) is removed again.
    fn settle_letter(
        &self,
        session: &Session,
        u: &mut Upload,
        kept: std::result::Result<u64, &str>,
        plaintext_len: u64,
    ) -> Result<()> {
        let settled = match kept {
            Ok(bytes) => {
                let stored = bytes.max(plaintext_len);
                self.set_verdict(u, UploadState::Accepted, None, None, stored)?
            }
            Err(code) => {
                self.set_verdict(u, UploadState::Rejected, Some(code), None, plaintext_len)?
            }
        };
        if !settled {
            let _ = std::fs::remove_file(self.layout.letter(&session.reference, &u.id));
            self.remove_part(&u.id);
        } else if let Ok(bytes) = kept {
            count_inbox_bytes(&self.store, &session.reference, bytes)?;
        }
        Ok(())
    }
}
