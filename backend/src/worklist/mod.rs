//! The hospital's Modality Worklist (MWL, DICOM C-FIND, PS3.4 K.6): staff
//! taking a study over find the patient by name and birth date, or by
//! patient ID, and pick the entry whose identity fills the form.
//!
//! One association per search, with dicom-ul's synchronous API (like
//! `forward::dimse`; call it off the async runtime). What the worklist
//! answers is bounded: at most [`MAX_ENTRIES`] entries (then the search is
//! cancelled and the caller told to narrow it), each response's data set
//! at most [`MAX_RESPONSE`] bytes; nothing of it is logged.

use std::time::Duration;

use dicom_core::{DataElement, PrimitiveValue, Tag, VR};
use dicom_dictionary_std::tags;
use dicom_encoding::text::SpecificCharacterSet;
use dicom_object::InMemDicomObject;
use dicom_transfer_syntax_registry::entries::IMPLICIT_VR_LITTLE_ENDIAN;
mod dimse;

use dicom_ul::pdu::{PDataValue, PDataValueType, PresentationContextResultReason};
use dicom_ul::{ClientAssociationOptions, Pdu};
use dimse::{cancel_command, find_command, receive};

/// Modality Worklist Information Model – FIND.
pub const MWL_FIND: &str = "1.2.840.10008.5.1.4.31";
const IMPLICIT_LE: &str = "1.2.840.10008.1.2";

/// Entries a search returns at most; more: narrow the search.
pub const MAX_ENTRIES: usize = 50;
/// Largest data set one response may carry.
pub const MAX_RESPONSE: usize = 64 * 1024;
/// Responses read after a cancel before giving up on the association.
const AFTER_CANCEL: usize = 200;

/// The worklist provider.
#[derive(Debug, Clone)]
pub struct Worklist {
    /// Our AE title.
    pub calling: String,
    /// The worklist provider's AE title.
    pub called: String,
    /// Host name or address.
    pub host: String,
    /// TCP port.
    pub port: u16,
    /// Connect, read and write timeout.
    pub timeout: Duration,
}

impl Worklist {
    /// The worklist `config` names (`worklist`), asked as `calling_ae_title`
    /// within `dimse_timeout_secs`.
    pub fn of(config: &crate::config::Config) -> Option<Worklist> {
        match &config.worklist {
            Some(crate::config::Destination::Dimse {
                ae_title,
                host,
                port,
            }) => Some(Worklist {
                calling: config.calling_ae_title.clone(),
                called: ae_title.clone(),
                host: host.clone(),
                port: *port,
                timeout: config.dimse_timeout,
            }),
            _ => None,
        }
    }
}

/// What staff search by: a name (`*` and `?` as DICOM wildcards) with a
/// birth date, or a patient ID.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    /// Patient's Name as DICOM writes it (`MÜLLER^ERIKA`, `MÜLL*`).
    pub name: String,
    /// Birth date `YYYYMMDD`, or empty.
    pub birth_date: String,
    /// The hospital's patient ID, or empty.
    pub patient_id: String,
}

/// One worklist entry: the identity staff take over under.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Entry {
    /// Patient ID.
    pub patient_id: String,
    /// Issuer of Patient ID.
    pub issuer: String,
    /// Patient's Name (DICOM form).
    pub name: String,
    /// Birth date `YYYYMMDD`.
    pub birth_date: String,
    /// Sex.
    pub sex: String,
    /// Accession number.
    pub accession: String,
    /// Requested procedure description.
    pub procedure: String,
    /// Scheduled date of the first procedure step.
    pub scheduled: String,
}

/// A search's result.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Found {
    /// The entries, as the worklist answered them.
    pub entries: Vec<Entry>,
    /// More matched than [`MAX_ENTRIES`]: the search was cut short.
    pub more: bool,
}

/// Why a search failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WorklistError {
    /// Neither a name nor a patient ID, or a value that is not one.
    #[error("search by name (with birth date) or by patient ID: {0}")]
    BadQuery(&'static str),
    /// No association with the worklist provider.
    #[error("the worklist does not answer: {0}")]
    Unreachable(String),
    /// It does not offer the Modality Worklist.
    #[error("the worklist provider does not offer the Modality Worklist")]
    NotOffered,
    /// It answered with a failure status.
    #[error("the worklist refused the search (status {0:#06x})")]
    Refused(u16),
    /// It answered something that is not a C-FIND response.
    #[error("the worklist's answer cannot be read: {0}")]
    Protocol(&'static str),
}

impl WorklistError {
    /// Stable kebab-case code.
    pub fn code(&self) -> &'static str {
        match self {
            WorklistError::BadQuery(_) => "worklist-query-invalid",
            WorklistError::Unreachable(_) => "worklist-unreachable",
            WorklistError::NotOffered => "worklist-not-offered",
            WorklistError::Refused(_) => "worklist-refused",
            WorklistError::Protocol(_) => "worklist-protocol",
        }
    }
}

fn text(tag: Tag, vr: VR, v: &str) -> DataElement<InMemDicomObject> {
    DataElement::new(tag, vr, PrimitiveValue::from(v))
}

impl Query {
    /// The C-FIND identifier: the query's keys, and every key the entry
    /// should return, empty (universal matching).
    fn identifier(&self) -> Result<Vec<u8>, WorklistError> {
        let ok =
            |s: &str| s.chars().count() <= 64 && !s.chars().any(|c| c.is_control() || c == '\\');
        if !(ok(&self.name) && ok(&self.patient_id)) {
            return Err(WorklistError::BadQuery("at most 64 characters, one line"));
        }
        if self.name.trim_matches(['*', '^', ' ']).is_empty() && self.patient_id.trim().is_empty() {
            return Err(WorklistError::BadQuery("give a name or a patient ID"));
        }
        let date = self.birth_date.as_bytes();
        if !(date.is_empty() || (date.len() == 8 && date.iter().all(u8::is_ascii_digit))) {
            return Err(WorklistError::BadQuery("a birth date as YYYYMMDD"));
        }
        let step = InMemDicomObject::from_element_iter([
            text(tags::MODALITY, VR::CS, ""),
            text(tags::SCHEDULED_STATION_AE_TITLE, VR::AE, ""),
            text(tags::SCHEDULED_PROCEDURE_STEP_START_DATE, VR::DA, ""),
            text(tags::SCHEDULED_PROCEDURE_STEP_DESCRIPTION, VR::LO, ""),
        ]);
        let mut keys = InMemDicomObject::from_element_iter([
            text(tags::ACCESSION_NUMBER, VR::SH, ""),
            text(
                tags::PATIENT_NAME,
                VR::PN,
                &ascii_pattern(&self.name.trim().to_uppercase()),
            ),
            text(tags::PATIENT_ID, VR::LO, self.patient_id.trim()),
            text(tags::ISSUER_OF_PATIENT_ID, VR::LO, ""),
            text(tags::PATIENT_BIRTH_DATE, VR::DA, &self.birth_date),
            text(tags::PATIENT_SEX, VR::CS, ""),
            text(tags::REQUESTED_PROCEDURE_DESCRIPTION, VR::LO, ""),
            text(tags::REQUESTED_PROCEDURE_ID, VR::SH, ""),
        ]);
        keys.put(DataElement::new(
            tags::SCHEDULED_PROCEDURE_STEP_SEQUENCE,
            VR::SQ,
            dicom_core::value::DataSetSequence::from(vec![step]),
        ));
        let mut out = Vec::new();
        keys.write_dataset_with_ts_cs(
            &mut out,
            &IMPLICIT_VR_LITTLE_ENDIAN.erased(),
            SpecificCharacterSet::default(),
        )
        .map_err(|_| WorklistError::BadQuery("the query cannot be encoded"))?;
        Ok(out)
    }
}

/// The name as an ASCII pattern: a worklist compares names as the bytes
/// of its own character set, so a letter beyond ASCII (`Ü` is one byte in
/// Latin-1, two in UTF-8) is asked for as `*` and the answers are held to
/// the name as staff typed it ([`matches`]). It is asked for in capitals,
/// as worklists keep names (a worklist compares case as it stands).
fn ascii_pattern(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        let c = if c.is_ascii() { c } else { '*' };
        if !(c == '*' && out.ends_with('*')) {
            out.push(c);
        }
    }
    out
}

/// Whether `name` matches `pattern` (DICOM wildcards `*` and `?`, case
/// and letter by letter, as a person reads them).
fn matches(pattern: &str, name: &str) -> bool {
    let (p, n): (Vec<char>, Vec<char>) = (
        pattern.to_uppercase().chars().collect(),
        name.to_uppercase().chars().collect(),
    );
    // Iterative wildcard match: the last `*` and where it resumed.
    let (mut i, mut j, mut star, mut resume) = (0, 0, None, 0);
    while j < n.len() {
        if i < p.len() && (p[i] == '?' || p[i] == n[j]) {
            i += 1;
            j += 1;
        } else if i < p.len() && p[i] == '*' {
            star = Some(i);
            resume = j;
            i += 1;
        } else if let Some(s) = star {
            i = s + 1;
            resume += 1;
            j = resume;
        } else {
            return false;
        }
    }
    p[i..].iter().all(|c| *c == '*')
}

impl Worklist {
    /// Searches the worklist for `query` (see the module docs).
    pub fn find(&self, query: &Query) -> Result<Found, WorklistError> {
        let identifier = query.identifier()?;
        let address = format!("{}@{}:{}", self.called, self.host, self.port);
        let mut scu = ClientAssociationOptions::new()
            .calling_ae_title(self.calling.clone())
            .called_ae_title(self.called.clone())
            .connection_timeout(self.timeout)
            .read_timeout(self.timeout)
            .write_timeout(self.timeout)
            .with_presentation_context(MWL_FIND, vec![IMPLICIT_LE])
            .establish_with(&address)
            .map_err(|e| WorklistError::Unreachable(e.to_string()))?;
        let Some(pc) = scu
            .presentation_contexts()
            .iter()
            .find(|pc| pc.reason == PresentationContextResultReason::Acceptance)
            .map(|pc| pc.id)
        else {
            let _ = scu.abort();
            return Err(WorklistError::NotOffered);
        };
        let result = search(&mut scu, pc, &identifier).map(|mut found| {
            let wanted = query.name.trim();
            if !wanted.is_empty() {
                found.entries.retain(|e| matches(wanted, &e.name));
            }
            found
        });
        match &result {
            Ok(_) => {
                let _ = scu.release();
            }
            Err(_) => {
                let _ = scu.abort();
            }
        }
        result
    }
}

pub(crate) type Scu = dicom_ul::ClientAssociation<std::net::TcpStream>;

fn search(scu: &mut Scu, pc: u8, identifier: &[u8]) -> Result<Found, WorklistError> {
    let value = |value_type, data| PDataValue {
        presentation_context_id: pc,
        value_type,
        is_last: true,
        data,
    };
    let unreachable = |e: dicom_ul::association::Error| WorklistError::Unreachable(e.to_string());
    scu.send(&Pdu::PData {
        data: vec![
            value(PDataValueType::Command, find_command(1)),
            value(PDataValueType::Data, identifier.to_vec()),
        ],
    })
    .map_err(unreachable)?;
    let mut found = Found::default();
    let mut read_after_cancel = 0;
    loop {
        let message = receive(scu)?;
        let status = crate::forward::dimse::status_of(&message.command)
            .ok_or(WorklistError::Protocol("a response without a status"))?;
        match status {
            0xFF00 | 0xFF01 => {
                if found.more {
                    read_after_cancel += 1;
                    if read_after_cancel > AFTER_CANCEL {
                        return Err(WorklistError::Protocol("the search did not stop"));
                    }
                    continue;
                }
                let data = message
                    .data
                    .ok_or(WorklistError::Protocol("a match without its identifier"))?;
                found.entries.push(entry(&data)?);
                if found.entries.len() == MAX_ENTRIES {
                    found.more = true;
                    scu.send(&Pdu::PData {
                        data: vec![value(PDataValueType::Command, cancel_command(1))],
                    })
                    .map_err(unreachable)?;
                }
            }
            0x0000 | 0xFE00 => return Ok(found),
            other => return Err(WorklistError::Refused(other)),
        }
    }
}

fn entry(data: &[u8]) -> Result<Entry, WorklistError> {
    let o = InMemDicomObject::read_dataset_with_ts(data, &IMPLICIT_VR_LITTLE_ENDIAN.erased())
        .map_err(|_| WorklistError::Protocol("an identifier that cannot be read"))?;
    let get = |o: &InMemDicomObject, tag| {
        o.get(tag)
            .and_then(|e| e.to_str().ok())
            .map(|s| s.trim_end_matches(['\0', ' ']).trim().to_owned())
            .unwrap_or_default()
    };
    let step = o
        .get(tags::SCHEDULED_PROCEDURE_STEP_SEQUENCE)
        .and_then(|e| e.items())
        .and_then(|items| items.first());
    Ok(Entry {
        patient_id: get(&o, tags::PATIENT_ID),
        issuer: get(&o, tags::ISSUER_OF_PATIENT_ID),
        name: get(&o, tags::PATIENT_NAME),
        birth_date: get(&o, tags::PATIENT_BIRTH_DATE),
        sex: get(&o, tags::PATIENT_SEX),
        accession: get(&o, tags::ACCESSION_NUMBER),
        procedure: get(&o, tags::REQUESTED_PROCEDURE_DESCRIPTION),
        scheduled: step
            .map(|s| get(s, tags::SCHEDULED_PROCEDURE_STEP_START_DATE))
            .unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests;
