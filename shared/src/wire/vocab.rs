//! The words a sender chooses from: who is sending ([`Role`]), what the
//! images are for ([`Purpose`]), and the page's language ([`Language`]).
//! Each travels as the word it always was (`doctor`, `second-opinion`,
//! `de` …); a word not in the list is refused by name ([`UnknownWord`]),
//! never passed on as text.

use core::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A word that is not one of a vocabulary's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("not a known {vocabulary}")]
pub struct UnknownWord {
    /// Which vocabulary (`role`, `purpose`, `language`).
    pub vocabulary: &'static str,
}

macro_rules! vocabulary {
    (
        $(#[$meta:meta])*
        pub enum $name:ident ($what:literal) {
            $( $(#[$vmeta:meta])* $variant:ident = $word:literal, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )*
        }

        impl $name {
            /// Every word, in the order the page offers them.
            pub const ALL: [$name; [$($word),*].len()] = [$($name::$variant),*];

            /// The word as it travels.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $word,)*
                }
            }

            /// The word `s` exactly (no case folding, no blanks).
            pub fn parse(s: &str) -> Option<Self> {
                Self::ALL.into_iter().find(|w| w.as_str() == s)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl core::str::FromStr for $name {
            type Err = UnknownWord;

            fn from_str(s: &str) -> Result<Self, UnknownWord> {
                Self::parse(s).ok_or(UnknownWord { vocabulary: $what })
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let word = String::deserialize(d)?;
                Self::parse(&word).ok_or_else(|| {
                    serde::de::Error::custom(format_args!(
                        "not a known {}, expected one of: {}",
                        $what,
                        [$($word),*].join(", ")
                    ))
                })
            }
        }

        impl Word for $name {
            fn word(self) -> &'static str {
                self.as_str()
            }

            fn from_word(s: &str) -> Option<Self> {
                Self::parse(s)
            }
        }
    };
}

/// A vocabulary's words, for [`unsaid`].
pub(crate) trait Word: Sized + Copy {
    fn word(self) -> &'static str;
    fn from_word(s: &str) -> Option<Self>;
}

vocabulary! {
    /// Who is sending (the page's "You are").
    pub enum Role ("role") {
        /// The patient, or a relative.
        Patient = "patient",
        /// A doctor.
        Doctor = "doctor",
        /// Someone else.
        Other = "other",
    }
}

vocabulary! {
    /// What the images are for.
    pub enum Purpose ("purpose") {
        /// Further treatment at the hospital ("Mitbehandlung").
        Treatment = "treatment",
        /// A second opinion ("Zweitmeinung / Konsil").
        SecondOpinion = "second-opinion",
        /// Something else.
        Other = "other",
    }
}

vocabulary! {
    /// A language of the page (its BCP 47 primary tag on the wire): German
    /// and English, and Turkish, Arabic, Russian, Ukrainian and Polish.
    #[derive(Default)]
    pub enum Language ("language") {
        /// German (the page's language until the browser says otherwise).
        #[default]
        De = "de",
        /// English.
        En = "en",
        /// Turkish.
        Tr = "tr",
        /// Arabic (right to left).
        Ar = "ar",
        /// Russian.
        Ru = "ru",
        /// Ukrainian.
        Uk = "uk",
        /// Polish.
        Pl = "pl",
    }
}

impl Language {
    /// The language of a BCP 47 tag (`de`, `de-AT`, `ar-SY` …): its
    /// primary subtag, in any case.
    pub fn from_tag(tag: &str) -> Option<Language> {
        let primary = tag.split(['-', '_']).next()?.to_ascii_lowercase();
        Self::parse(&primary)
    }

    /// Its own name for itself (the page's language switch).
    pub fn native_name(self) -> &'static str {
        match self {
            Language::De => "Deutsch",
            Language::En => "English",
            Language::Tr => "Türkçe",
            Language::Ar => "العربية",
            Language::Ru => "Русский",
            Language::Uk => "Українська",
            Language::Pl => "Polski",
        }
    }

    /// Written right to left.
    pub fn rtl(self) -> bool {
        self == Language::Ar
    }

    /// The language of texts that exist only in German and English (the
    /// rules' sentences, the hospital's own texts, the cover sheet):
    /// German for German, English for every other.
    pub fn base(self) -> crate::dicom::Lang {
        match self {
            Language::De => crate::dicom::Lang::De,
            _ => crate::dicom::Lang::En,
        }
    }

    /// The tag of [`Language::base`].
    pub fn base_tag(self) -> &'static str {
        match self.base() {
            crate::dicom::Lang::De => Language::De.as_str(),
            crate::dicom::Lang::En => Language::En.as_str(),
        }
    }
}

/// An optional word that travels as `""` when not said (and may be
/// missing: older senders): the sender details' `role`, `purpose` and
/// `lang`, which were plain strings before.
pub(crate) mod unsaid {
    use super::Word;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer, W: Word>(word: &Option<W>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(word.map_or("", W::word))
    }

    pub fn deserialize<'de, D: Deserializer<'de>, W: Word>(d: D) -> Result<Option<W>, D::Error> {
        let text = String::deserialize(d)?;
        if text.is_empty() {
            return Ok(None);
        }
        W::from_word(&text)
            .map(Some)
            .ok_or_else(|| serde::de::Error::custom("not a known word"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_round_trip_and_nothing_else_parses() {
        for r in Role::ALL {
            assert_eq!(r.as_str().parse::<Role>(), Ok(r));
        }
        for p in Purpose::ALL {
            assert_eq!(Purpose::parse(p.as_str()), Some(p));
        }
        for l in Language::ALL {
            assert_eq!(Language::from_tag(l.as_str()), Some(l));
        }
        assert_eq!(Role::parse("Doctor"), None);
        assert_eq!(Role::parse("nurse"), None);
        assert_eq!(Purpose::parse("second opinion"), None);
        assert_eq!(Language::parse("fr"), None);
        assert_eq!(
            "nurse".parse::<Role>(),
            Err(UnknownWord { vocabulary: "role" })
        );
        assert_eq!(Language::parse("de-AT"), None);
        assert_eq!(Language::from_tag("de_AT"), Some(Language::De));
        assert_eq!(Language::from_tag("UK"), Some(Language::Uk));
        assert!(Language::Ar.rtl() && !Language::Tr.rtl());
        assert_eq!(Language::Tr.base_tag(), "en");
    }

    #[test]
    fn words_travel_as_they_always_did() {
        assert_eq!(
            serde_json::to_string(&Purpose::SecondOpinion)
                .ok()
                .as_deref(),
            Some("\"second-opinion\"")
        );
        assert_eq!(
            serde_json::from_str::<Role>("\"doctor\"").ok(),
            Some(Role::Doctor)
        );
        assert!(serde_json::from_str::<Role>("\"nurse\"").is_err());
        assert!(serde_json::from_str::<Language>("\"\"").is_err());
    }
}
