//! The sender's details and request ([`SenderDetails`]), sealed with the
//! submission, and how the server reads them ([`SenderDetails::from_json`]):
//! a word not in the page's vocabulary is refused by name.

use serde::{Deserialize, Serialize};

use super::vocab::{unsaid, Language, Purpose, Role};
use crate::envelope::{seal_all, SealError, SealParams, Sealer};

/// The sender's details and request: sealed in an envelope of its own
/// (the `details` part of `POST /api/submissions`), never sent in the clear.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct SenderDetails {
    /// Sender's name.
    pub name: String,
    /// Phone number.
    pub phone: String,
    /// E-mail address.
    pub email: String,
    /// Who is sending (`""` on the wire: not said).
    #[serde(default, with = "unsaid")]
    pub role: Option<Role>,
    /// What the images are for (not said by older senders).
    #[serde(default, with = "unsaid")]
    pub purpose: Option<Purpose>,
    /// Department or contact person at the hospital.
    pub contact: String,
    /// Who should look, and what the question is.
    pub request: String,
    /// Studies picked by the sender (Study Instance UIDs), if they chose.
    #[serde(default)]
    pub studies: Vec<String>,
    /// The attached letters' file names (sealed with the details, never in
    /// tus metadata: a file name may name the patient).
    #[serde(default)]
    pub letters: Vec<LetterName>,
    /// The page's language when sent (not said by older senders): the
    /// cover sheet is English for English, else German.
    #[serde(default, with = "unsaid")]
    pub lang: Option<Language>,
    /// Each DICOMDIR found among the sender's files, checked against the
    /// files beside it (`None`: the sender did not report it; empty:
    /// there was none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dicomdir: Option<Vec<DicomdirCheck>>,
}

/// A DICOMDIR cross-checked against the files found beside it: how many
/// images it lists, and how many of those were not among the files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct DicomdirCheck {
    /// Images (SOP Instance UIDs) the DICOMDIR lists.
    pub listed: u64,
    /// Of those, how many no file found was.
    pub missing: u64,
}

/// A letter's file name, by the upload that carried it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct LetterName {
    /// The upload's id (the last segment of its URL).
    pub upload: String,
    /// The file's name on the sender's computer.
    pub name: String,
    /// The study it belongs to (Study Instance UID), if the sender said;
    /// else the server's default (the first study picked that arrived).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub study: String,
}

impl SenderDetails {
    /// The details as one sealed envelope (the `details` part of
    /// `POST /api/submissions`); `params` bind it to the session (their
    /// `plaintext_len` is replaced by the details' own), the caller draws
    /// `file_id` and `ephemeral_ikm` at random.
    pub fn seal(
        &self,
        params: &SealParams<'_>,
        ephemeral_ikm: &[u8; 32],
    ) -> Result<Vec<u8>, SealError> {
        // Plain strings and a list of them: serialising cannot fail.
        let json = serde_json::to_vec(self).map_err(|_| SealError::RecordLength)?;
        let sealer = Sealer::new(
            &SealParams {
                plaintext_len: json.len() as u64,
                ..*params
            },
            ephemeral_ikm,
        )?;
        seal_all(&sealer, &json)
    }

    /// The details as the server reads them from their opened envelope: a
    /// role, purpose or language the page never offers is refused by name
    /// ([`DetailsError`]), anything else not of this shape as malformed.
    /// An empty or missing word is "not said" (older senders).
    pub fn from_json(json: &[u8]) -> Result<SenderDetails, DetailsError> {
        let value: serde_json::Value =
            serde_json::from_slice(json).map_err(|_| DetailsError::Malformed)?;
        let said = |key: &str| {
            value
                .get(key)
                .and_then(serde_json::Value::as_str)
                .filter(|w| !w.is_empty())
        };
        if said("role").is_some_and(|w| Role::parse(w).is_none()) {
            return Err(DetailsError::UnknownRole);
        }
        if said("purpose").is_some_and(|w| Purpose::parse(w).is_none()) {
            return Err(DetailsError::UnknownPurpose);
        }
        if said("lang").is_some_and(|w| Language::parse(w).is_none()) {
            return Err(DetailsError::UnknownLanguage);
        }
        serde_json::from_value(value).map_err(|_| DetailsError::Malformed)
    }
}

/// Why opened sender details cannot be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DetailsError {
    /// Not JSON, or not the details' shape.
    Malformed,
    /// `role` is not one of [`Role::ALL`].
    UnknownRole,
    /// `purpose` is not one of [`Purpose::ALL`].
    UnknownPurpose,
    /// `lang` is not one of [`Language::ALL`].
    UnknownLanguage,
}

impl DetailsError {
    /// Stable kebab-case code.
    pub fn code(self) -> &'static str {
        match self {
            DetailsError::Malformed => "details-malformed",
            DetailsError::UnknownRole => "unknown-role",
            DetailsError::UnknownPurpose => "unknown-purpose",
            DetailsError::UnknownLanguage => "unknown-language",
        }
    }

    /// What is wrong, for the sender's program (names every word there is).
    pub fn sentence(self) -> &'static str {
        match self {
            DetailsError::Malformed => "the sender details are not valid JSON of their shape",
            DetailsError::UnknownRole => "role must be patient, doctor or other",
            DetailsError::UnknownPurpose => "purpose must be treatment, second-opinion or other",
            DetailsError::UnknownLanguage => "lang must be de, en, tr, ar, ru, uk or pl",
        }
    }
}

impl core::fmt::Display for DetailsError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.sentence())
    }
}

impl std::error::Error for DetailsError {}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(json: serde_json::Value) -> Result<SenderDetails, DetailsError> {
        SenderDetails::from_json(json.to_string().as_bytes())
    }

    #[test]
    fn the_words_travel_as_the_strings_they_were() {
        let details = SenderDetails {
            name: "Anna".into(),
            role: Some(Role::Doctor),
            purpose: Some(Purpose::SecondOpinion),
            lang: Some(Language::Tr),
            ..SenderDetails::default()
        };
        let json: serde_json::Value =
            serde_json::from_slice(&serde_json::to_vec(&details).unwrap_or_default())
                .unwrap_or_default();
        assert_eq!(json["role"], "doctor");
        assert_eq!(json["purpose"], "second-opinion");
        assert_eq!(json["lang"], "tr");
        assert_eq!(read(json), Ok(details));
        // Not said: the empty string, as before.
        let json: serde_json::Value = serde_json::from_slice(
            &serde_json::to_vec(&SenderDetails::default()).unwrap_or_default(),
        )
        .unwrap_or_default();
        assert_eq!(
            (&json["role"], &json["purpose"], &json["lang"]),
            (&"".into(), &"".into(), &"".into())
        );
    }

    #[test]
    fn older_senders_may_leave_words_out_or_empty() {
        let got = read(serde_json::json!({
            "name": "", "phone": "", "email": "", "role": "", "contact": "", "request": "",
        }));
        assert_eq!(got, Ok(SenderDetails::default()));
        let got = read(serde_json::json!({
            "name": "", "phone": "", "email": "", "contact": "", "request": "",
            "purpose": "", "lang": "",
        }));
        assert_eq!(got, Ok(SenderDetails::default()));
    }

    #[test]
    fn an_unknown_word_is_refused_by_name() {
        let with = |key: &str, word: serde_json::Value| {
            let mut json = serde_json::json!({
                "name": "", "phone": "", "email": "", "role": "doctor", "contact": "",
                "request": "", "purpose": "treatment", "lang": "de",
            });
            json[key] = word;
            read(json)
        };
        assert_eq!(with("role", "nurse".into()), Err(DetailsError::UnknownRole));
        assert_eq!(
            with("role", "Doctor".into()),
            Err(DetailsError::UnknownRole)
        );
        assert_eq!(
            with("purpose", "research".into()),
            Err(DetailsError::UnknownPurpose)
        );
        assert_eq!(
            with("lang", "fr".into()),
            Err(DetailsError::UnknownLanguage)
        );
        assert_eq!(
            with("lang", "de-AT".into()),
            Err(DetailsError::UnknownLanguage)
        );
        assert_eq!(with("role", 3.into()), Err(DetailsError::Malformed));
        assert_eq!(
            SenderDetails::from_json(b"{not json"),
            Err(DetailsError::Malformed)
        );
        assert!(with("lang", "uk".into()).is_ok());
    }

    #[test]
    fn each_refusal_names_every_word_there_is() {
        let cases: [(DetailsError, Vec<&str>); 3] = [
            (
                DetailsError::UnknownRole,
                Role::ALL.map(Role::as_str).to_vec(),
            ),
            (
                DetailsError::UnknownPurpose,
                Purpose::ALL.map(Purpose::as_str).to_vec(),
            ),
            (
                DetailsError::UnknownLanguage,
                Language::ALL.map(Language::as_str).to_vec(),
            ),
        ];
        for (error, words) in cases {
            for word in words {
                assert!(error.sentence().contains(word), "{error:?}: {word}");
            }
        }
    }
}
