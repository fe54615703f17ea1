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
use dicom_ul::pdu::{PDataValue, PDataValueType, PresentationContextResultReason};
use dicom_ul::{ClientAssociationOptions, Pdu};

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

/// A command set, implicit VR little endian: `(element, value)` pairs of
/// group 0000 in ascending order, behind their group length.
fn command(fields: &[(u16, Vec<u8>)]) -> Vec<u8> {
    let put = |out: &mut Vec<u8>, element: u16, value: &[u8]| {
        out.extend_from_slice(&0u16.to_le_bytes());
        out.extend_from_slice(&element.to_le_bytes());
        out.extend_from_slice(&(value.len() as u32).to_le_bytes());
        out.extend_from_slice(value);
    };
    let mut body = Vec::new();
    for (element, value) in fields {
        put(&mut body, *element, value);
    }
    let mut cmd = Vec::new();
    put(&mut cmd, 0x0000, &(body.len() as u32).to_le_bytes());
    cmd.extend_from_slice(&body);
    cmd
}

fn uid(u: &str) -> Vec<u8> {
    let mut v = u.as_bytes().to_vec();
    if v.len() % 2 == 1 {
        v.push(0);
    }
    v
}

fn find_command(message_id: u16) -> Vec<u8> {
    command(&[
        (0x0002, uid(MWL_FIND)),
        (0x0100, 0x0020u16.to_le_bytes().to_vec()), // C-FIND-RQ
        (0x0110, message_id.to_le_bytes().to_vec()),
        (0x0700, 0u16.to_le_bytes().to_vec()), // medium priority
        (0x0800, 0x0000u16.to_le_bytes().to_vec()), // an identifier follows
    ])
}

fn cancel_command(message_id: u16) -> Vec<u8> {
    command(&[
        (0x0100, 0x0FFFu16.to_le_bytes().to_vec()), // C-CANCEL-RQ
        (0x0120, message_id.to_le_bytes().to_vec()),
        (0x0800, 0x0101u16.to_le_bytes().to_vec()), // no data set
    ])
}

/// One DIMSE message as received: its command, and its data set if any.
struct Message {
    command: Vec<u8>,
    data: Option<Vec<u8>>,
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

type Scu = dicom_ul::ClientAssociation<std::net::TcpStream>;

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

/// Reads one message: its command, then (if the command says one
/// follows) its data set, each possibly in several fragments.
fn receive(scu: &mut Scu) -> Result<Message, WorklistError> {
    let mut command = Vec::new();
    let mut data: Option<Vec<u8>> = None;
    let mut command_done = false;
    loop {
        let pdu = scu
            .receive()
            .map_err(|e| WorklistError::Unreachable(e.to_string()))?;
        let Pdu::PData { data: values } = pdu else {
            return Err(WorklistError::Protocol("not a data transfer"));
        };
        for v in values {
            let into = match v.value_type {
                PDataValueType::Command => &mut command,
                PDataValueType::Data => data.get_or_insert_with(Vec::new),
            };
            if into.len() + v.data.len() > MAX_RESPONSE {
                return Err(WorklistError::Protocol("a response is too large"));
            }
            into.extend_from_slice(&v.data);
            match v.value_type {
                PDataValueType::Command if v.is_last => command_done = true,
                PDataValueType::Data if v.is_last => {
                    return Ok(Message { command, data });
                }
                _ => {}
            }
        }
        // A command whose Command Data Set Type says no data set follows.
        if command_done && data.is_none() && !has_data_set(&command) {
            return Ok(Message { command, data });
        }
    }
}

/// Whether Command Data Set Type (0000,0800) announces a data set.
fn has_data_set(command: &[u8]) -> bool {
    let mut rest = command;
    while rest.len() >= 8 {
        let element = u16::from_le_bytes([rest[2], rest[3]]);
        let len = u32::from_le_bytes([rest[4], rest[5], rest[6], rest[7]]) as usize;
        let Some(value) = rest.get(8..8 + len) else {
            return false;
        };
        if element == 0x0800 && len == 2 {
            return u16::from_le_bytes([value[0], value[1]]) != 0x0101;
        }
        rest = &rest[8 + len..];
    }
    false
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
mod tests {
    use super::*;

    #[test]
    fn a_query_needs_a_name_or_an_id_and_holds_to_its_vrs() {
        let bad = |q: Query| q.identifier().map_err(|e| e.code()).err();
        assert_eq!(bad(Query::default()), Some("worklist-query-invalid"));
        assert_eq!(
            bad(Query {
                name: "*".into(),
                ..Query::default()
            }),
            Some("worklist-query-invalid")
        );
        assert_eq!(
            bad(Query {
                patient_id: "A\\B".into(),
                ..Query::default()
            }),
            Some("worklist-query-invalid")
        );
        assert_eq!(
            bad(Query {
                name: "MUSTER*".into(),
                birth_date: "1.1.1950".into(),
                ..Query::default()
            }),
            Some("worklist-query-invalid")
        );
        let keys = Query {
            name: "MÜLLER*".into(),
            ..Query::default()
        }
        .identifier()
        .unwrap();
        let o =
            InMemDicomObject::read_dataset_with_ts(&keys[..], &IMPLICIT_VR_LITTLE_ENDIAN.erased())
                .unwrap();
        assert_eq!(
            o.get(tags::PATIENT_NAME).unwrap().to_str().unwrap().trim(),
            "M*LLER*"
        );
        let lower = Query {
            name: "müller*".into(),
            ..Query::default()
        }
        .identifier()
        .unwrap();
        let o =
            InMemDicomObject::read_dataset_with_ts(&lower[..], &IMPLICIT_VR_LITTLE_ENDIAN.erased())
                .unwrap();
        assert_eq!(
            o.get(tags::PATIENT_NAME).unwrap().to_str().unwrap().trim(),
            "M*LLER*"
        );
        assert!(o.get(tags::SCHEDULED_PROCEDURE_STEP_SEQUENCE).is_some());
    }

    #[test]
    fn names_match_as_people_read_them() {
        assert_eq!(ascii_pattern("Müller^Jürgen"), "M*ller^J*rgen");
        assert_eq!(ascii_pattern("Ünal*"), "*nal*");
        assert!(matches("MÜLLER*", "Müller^Erika"));
        assert!(!matches("MÜLLER*", "Muller^Erika"));
        assert!(matches("M?LLER^ERIKA", "MÜLLER^ERIKA"));
        assert!(matches("*ERIKA", "MÜLLER^ERIKA"));
        assert!(!matches("MÜLLER", "MÜLLER^ERIKA"));
    }

    #[test]
    fn a_cancel_names_the_search_it_cancels() {
        let c = cancel_command(7);
        assert_eq!(crate::forward::dimse::status_of(&c), None);
        assert!(!has_data_set(&c));
        assert!(has_data_set(&find_command(7)));
    }
}
