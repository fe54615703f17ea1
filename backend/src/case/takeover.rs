//! Take-over (IHE Import Reconciliation): each held object of the chosen
//! studies — images, and the cover sheet and letters the server made in
//! them — is rewritten under the hospital's identity into the spool,
//! re-checked with the acceptance rules, and queued for the archive,
//! where it is delivered as any forwarded object (retries, restarts).
//!
//! Crash-safe in three steps per object: (1) the rewritten file is
//! written beside the original (`Layout::reconciled`, durable), checked,
//! and the item marked as going to the archive while still held; (2) it
//! replaces the original (rename); (3) the item is released. A take-over
//! interrupted anywhere is finished by doing it again: an item marked but
//! still held has its rewritten file renamed in if it is still there, and
//! is released; the original is never rewritten twice and never sent.

use std::io::{BufReader, BufWriter, Write};

use mailslot_shared::dicom::{inspect_reader, Limits};
use mailslot_shared::reconcile::{reconcile, Identity, ReconcileError};

use super::{check_by, normal, Action, CaseError, Cases, Done, Result};
use crate::forward::queue::{self, SessionItem, Target};

impl Cases<'_> {
    /// Takes the studies (or series) `selection` names of case
    /// `reference` over into the archive under `identity` (its issuer is
    /// the configuration's `patient_id_issuer`); audited as done by `by`.
    /// SOP Instance UIDs stay.
    pub fn take_over(
        &self,
        reference: &str,
        selection: &[String],
        identity: Identity,
        by: &str,
    ) -> Result<Done> {
        let by = check_by(by)?;
        let identity = Identity {
            issuer: self.config.patient_id_issuer.clone().unwrap_or_default(),
            ..identity
        };
        let reference = normal(reference);
        let _lock = self.lock(&reference)?;
        let row = self.open_case(&reference)?;
        let picked = self.selected(&row.session_id, selection, true)?;
        let mut queued = 0;
        for item in &picked {
            match self.take_one(item, &identity) {
                Ok(()) => queued += 1,
                Err(e) => {
                    // What went before is queued and stays so; audited.
                    self.store.audit(
                        "case-take-over-failed",
                        &format!(
                            "reference={reference} upload={} code={} queued={queued}",
                            item.upload_id,
                            e.code()
                        ),
                    )?;
                    self.wake();
                    return Err(e);
                }
            }
        }
        let state = self.record(
            &row,
            Action::TakeOver,
            by,
            &format!(
                "objects={queued} accession={}",
                !identity.accession.is_empty()
            ),
        )?;
        self.wake();
        Ok(Done {
            objects: queued,
            state,
        })
    }

    /// One object: rewritten, checked, swapped in, released (see the
    /// module docs for the order).
    fn take_one(&self, item: &SessionItem, identity: &Identity) -> Result<()> {
        let layout = self.layout();
        let original = layout.spooled(&item.upload_id);
        let rewritten = layout.reconciled(&item.upload_id);
        if item.target.is_none() {
            let before = crate::forward::identify(&original)
                .map_err(|_| CaseError::Refused("spool-unreadable"))?
                .summary;
            let mut failure: Option<ReconcileError> = None;
            let written = crate::durable::write_atomic_with(&rewritten, 0o600, |file| {
                let mut input =
                    BufReader::with_capacity(256 * 1024, std::fs::File::open(&original)?);
                let mut output = BufWriter::with_capacity(256 * 1024, file);
                match reconcile(&mut input, &mut output, identity) {
                    Ok(()) => output.flush(),
                    Err(e) => {
                        failure = Some(e);
                        Err(std::io::Error::other("not reconciled"))
                    }
                }
            });
            if let Some(e) = failure {
                return Err(e.into());
            }
            written?;
            if let Err(e) = self.check(&rewritten, &before, identity) {
                let _ = std::fs::remove_file(&rewritten);
                return Err(e);
            }
            let t = crate::clock::now();
            if !queue::destine(&*self.store.conn()?, &item.upload_id, Target::Archive, t)? {
                let _ = std::fs::remove_file(&rewritten);
                return Err(CaseError::Busy);
            }
        }
        if rewritten.exists() {
            crate::durable::rename(&rewritten, &original)?;
        }
        let t = crate::clock::now();
        if !queue::release(&*self.store.conn()?, &item.upload_id, Target::Archive, t)? {
            return Err(CaseError::Busy);
        }
        Ok(())
    }

    /// The rewritten file passes the acceptance rules and keeps what must
    /// stay (SOP Instance, Study and Series UIDs), under the new ID.
    fn check(
        &self,
        path: &std::path::Path,
        before: &mailslot_shared::dicom::Summary,
        identity: &Identity,
    ) -> Result<()> {
        let len = std::fs::metadata(path)?.len();
        let limits = Limits {
            max_file_size: self.config.max_file_bytes.max(len),
        };
        let file = BufReader::with_capacity(256 * 1024, std::fs::File::open(path)?);
        let verdict = inspect_reader(file, len, len, &limits);
        let after = verdict
            .accepted()
            .ok_or(CaseError::Refused("acceptance-rules"))?;
        if after.sop_instance_uid != before.sop_instance_uid
            || after.study_instance_uid != before.study_instance_uid
            || after.series_instance_uid != before.series_instance_uid
        {
            return Err(CaseError::Refused("uids-changed"));
        }
        if after.patient_id.as_deref().map(str::trim) != Some(identity.patient_id.trim()) {
            return Err(CaseError::Refused("patient-id-not-written"));
        }
        Ok(())
    }
}
