//! Sending one file resumably: the envelope is deterministic, so after a
//! failure the client asks the server for its offset and seals the same
//! records again from there.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use mailslot_shared::envelope::{Id16, Sealer};
use mailslot_shared::wire::{records_per_request, ErrorCode, UploadKind, UploadState};

use super::{random, retry, wait_to_retry, Client, ClientError, Result, Sent};

impl Client {
    /// The bytes of the envelope from `offset` (a record boundary) for at
    /// most `records` records.
    fn chunk(
        sealer: &Sealer,
        file: &mut File,
        offset: u64,
        records: u64,
    ) -> Result<Vec<u8>, std::io::Error> {
        let header = sealer.header();
        let mut out = Vec::new();
        if offset == 0 {
            out.extend_from_slice(sealer.header_bytes());
        }
        let span = header.records_from(offset, records);
        file.seek(SeekFrom::Start(header.plaintext_of(span.clone()).start))?;
        for index in span {
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
    pub fn begin_upload(&self, path: &Path, kind: UploadKind) -> Result<PendingUpload> {
        let file_err = |e| ClientError::File(path.to_owned(), e);
        let file = File::open(path).map_err(file_err)?;
        let len = file.metadata().map_err(file_err)?.len();
        let file_id = Id16(random()?);
        let sealer = Sealer::new(&self.seal_params(file_id, len)?, &random()?)
            .map_err(|_| ClientError::Protocol("cannot seal"))?;
        let total = sealer.header().envelope_len();
        let records_per_patch =
            records_per_request(sealer.header().record_size, self.max_chunk_bytes);
        let location = retry(|| self.create_upload(file_id, kind, total))?;
        Ok(PendingUpload {
            path: path.to_owned(),
            file,
            sealer,
            location,
            offset: 0,
            records_per_patch,
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
                Err(e) if wait_to_retry(&e, failures) => {
                    failures += 1;
                    // The request may have finished the upload although
                    // its reply was lost (the node died after accepting
                    // the file, a proxy answered 502): the verdict is the
                    // server's, not a request again after the end.
                    match self.resync(up, progress) {
                        Ok(Some(v)) => return Ok(Some(v)),
                        Ok(None) => {}
                        // Where to resume is asked again after the next try.
                        Err(e) if e.is_transient() => {}
                        Err(e) => return Err(e),
                    }
                }
                Err(e) if e.is_transient() || e.ends_session() => return Err(e),
                // Finished by an earlier request whose reply was lost (the
                // resync above can itself have failed): its verdict.
                Err(ClientError::Api { code, .. })
                    if code == ErrorCode::UploadFinished.as_str() =>
                {
                    if let Some(v) = self.resync(up, progress)? {
                        return Ok(Some(v));
                    }
                    return Err(ClientError::Protocol("upload finished without a verdict"));
                }
                // Refused for this file only: the others go on.
                Err(ClientError::Api { code, .. }) => {
                    return Ok(Some(Sent {
                        verdict: UploadState::Failed,
                        reason: Some(code),
                        upload: String::new(),
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
        kind: UploadKind,
        progress: &(dyn Fn(u64) + Sync),
    ) -> Result<Sent> {
        let mut up = self.begin_upload(path, kind)?;
        let mut sent = self
            .continue_upload(&mut up, None, progress)?
            .ok_or(ClientError::Protocol("upload stopped"))?;
        sent.upload = mailslot_shared::wire::upload_id(&up.location).to_owned();
        Ok(sent)
    }
}

/// An upload in progress: the envelope is deterministic, so any record can
/// be sealed again for a resume.
#[derive(Debug)]
pub struct PendingUpload {
    path: PathBuf,
    file: File,
    sealer: Sealer,
    /// The upload's URL path on the server.
    pub location: String,
    /// Envelope bytes the server has confirmed.
    pub offset: u64,
    /// Records per request: as many as the server's announced limit takes,
    /// at most 4 MiB of plaintext (smaller values make more, smaller
    /// requests).
    pub records_per_patch: u64,
}

impl PendingUpload {
    /// Plaintext bytes covered by the records before envelope `offset`.
    fn plain_at(&self, offset: u64) -> u64 {
        self.sealer.header().plaintext_before(offset)
    }

    /// The envelope's file id (the upload's `Upload-Metadata`).
    pub fn file_id(&self) -> Id16 {
        self.sealer.header().file_id
    }

    /// The envelope's length (the upload's `Upload-Length`).
    pub fn envelope_len(&self) -> u64 {
        self.sealer.header().envelope_len()
    }

    /// The request body that sends the envelope from `offset` (a record
    /// boundary): `records_per_patch` records, sealed again from the file.
    pub fn body_at(&mut self, offset: u64) -> Result<Vec<u8>> {
        Client::chunk(&self.sealer, &mut self.file, offset, self.records_per_patch)
            .map_err(|e| ClientError::File(self.path.clone(), e))
    }
}
