//! The hospital's identity as staff give it: each value checked against
//! its VR before anything is written, and written in the data set's
//! character set.

use super::ReconcileError;

/// The hospital's identity for a patient, as staff confirmed it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Identity {
    /// The hospital's Patient ID (LO: at most 64 characters).
    pub patient_id: String,
    /// Issuer of Patient ID (the hospital's assigning authority).
    pub issuer: String,
    /// Patient's Name as DICOM writes it: `Family^Given^Middle^Prefix^Suffix`.
    pub name: String,
    /// Birth date, `YYYYMMDD`, or empty if unknown.
    pub birth_date: String,
    /// Sex: `M`, `F`, `O` or empty.
    pub sex: String,
    /// Accession number (SH: at most 16 characters), or empty.
    pub accession: String,
}

/// The character set new text is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Text {
    Ascii,
    Latin1,
    Utf8,
}

impl Identity {
    /// Checks every value against its VR.
    pub(super) fn check(&self) -> Result<(), ReconcileError> {
        let bad = |field, why| Err(ReconcileError::Invalid { field, why });
        let text_ok = |s: &str| !s.chars().any(|c| c.is_control() || c == '\\');
        if self.patient_id.trim().is_empty() || self.patient_id.chars().count() > 64 {
            return bad("patient ID", "1 to 64 characters");
        }
        if self.issuer.chars().count() > 64 {
            return bad("issuer", "at most 64 characters");
        }
        if self.name.trim_matches('^').trim().is_empty()
            || self.name.split('^').count() > 5
            || self.name.chars().count() > 64
        {
            return bad("name", "family name first, at most 64 characters");
        }
        if self.accession.chars().count() > 16 {
            return bad("accession number", "at most 16 characters");
        }
        for (field, v) in [
            ("patient ID", &self.patient_id),
            ("issuer", &self.issuer),
            ("name", &self.name),
            ("accession number", &self.accession),
        ] {
            if !text_ok(v) {
                return bad(field, "no line breaks or backslashes");
            }
        }
        if !self.birth_date.is_empty() {
            let b = self.birth_date.as_bytes();
            let valid = b.len() == 8
                && b.iter().all(u8::is_ascii_digit)
                && jiff::civil::Date::strptime("%Y%m%d", &self.birth_date).is_ok();
            if !valid {
                return bad("birth date", "a date as YYYYMMDD");
            }
        }
        if !matches!(self.sex.as_str(), "" | "M" | "F" | "O") {
            return bad("sex", "M, F, O or empty");
        }
        Ok(())
    }

    pub(super) fn ascii(&self) -> bool {
        [&self.patient_id, &self.issuer, &self.name, &self.accession]
            .iter()
            .all(|s| s.is_ascii())
    }
}

pub(super) fn encode(s: &str, text: Text) -> Result<Vec<u8>, ReconcileError> {
    match text {
        Text::Utf8 => Ok(s.as_bytes().to_vec()),
        Text::Ascii if s.is_ascii() => Ok(s.as_bytes().to_vec()),
        Text::Latin1 => s
            .chars()
            .map(|c| u8::try_from(u32::from(c)).map_err(|_| ReconcileError::Unencodable))
            .collect(),
        Text::Ascii => Err(ReconcileError::Unencodable),
    }
}
