//! The hospital's own words for the page (`GET /api/hospital`): name,
//! phones, hours, departments, help, the sentence on costs and the privacy
//! statement. Read once at start from `hospital_dir` (a copy of
//! `static/hospital/`) or, unset, from the defaults embedded from
//! `static/hospital/`. Beside them the facts every sentence about keeping
//! and deleting is written from ([`Facts`], from the configuration); the
//! privacy statement's `{keeping}` and `{retention_days}` are filled from
//! them with the page's own sentences ([`crate::wording`]).

use std::path::{Path, PathBuf};

use mailslot_shared::wire::{
    Accessibility, Department, HospitalInfo, Keeping, Localized, Phone, PrivacyStatement, WhenFull,
};
use serde::Deserialize;

use crate::config::{Config, Destination, Mode};
use crate::wording::Words;

/// What becomes of a sending, as senders are told it: the configuration's
/// `mode`, destination and `retention_days`, and what a full mailbox does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Facts {
    /// Days after arrival by which the mailbox deletes what it holds.
    pub retention_days: u64,
    /// Where accepted images go.
    pub keeping: Keeping,
    /// What the mailbox does when it is full.
    pub when_full: WhenFull,
}

impl Facts {
    /// The facts of `config`. Held (`mode = "hold"`), images stay in the
    /// mailbox until staff take them over; forwarded to the embedded inbox
    /// they stay in the mailbox too, until deleted at the retention, so the
    /// sender is told the same; only forwarded to a PACS do they go on to
    /// the archive at once. A full mailbox refuses new sendings (intake's
    /// quota check, `mailbox-full`).
    pub fn of(config: &Config) -> Facts {
        let keeping = match (config.mode, &config.forward) {
            (Mode::Hold, _) | (Mode::Forward, Destination::Inbox) => Keeping::Mailbox,
            (Mode::Forward, Destination::Dimse { .. } | Destination::Stow { .. }) => {
                Keeping::Archive
            }
        };
        Facts {
            retention_days: config.retention.as_secs() / 86_400,
            keeping,
            when_full: WhenFull::RefuseNew,
        }
    }
}

/// The privacy statement's place for the sentences on keeping and deleting.
pub const KEEPING_PLACEHOLDER: &str = "{keeping}";
/// The privacy statement's place for `retention_days`.
pub const DAYS_PLACEHOLDER: &str = "{retention_days}";

/// Why the hospital's texts could not be loaded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HospitalError {
    /// A file could not be read.
    #[error("cannot read {0}: {1}")]
    Read(PathBuf, std::io::Error),
    /// `hospital.toml` does not parse.
    #[error("{0}: {1}")]
    Parse(PathBuf, String),
    /// A required text is empty.
    #[error("{0}: {1} must not be empty in German and English")]
    Empty(PathBuf, &'static str),
}

impl HospitalError {
    /// Stable kebab-case code.
    pub fn code(&self) -> &'static str {
        match self {
            HospitalError::Read(..) => "hospital-unreadable",
            HospitalError::Parse(..) | HospitalError::Empty(..) => "hospital-invalid",
        }
    }
}

/// `hospital.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct HospitalFile {
    name: Localized,
    hours: Localized,
    help: Localized,
    #[serde(default)]
    phones: Vec<Phone>,
    #[serde(default)]
    email: Option<String>,
    #[serde(default)]
    fax: Option<String>,
    #[serde(default)]
    address: Option<Localized>,
    #[serde(default)]
    departments: Vec<Department>,
    #[serde(default)]
    accessibility: Accessibility,
    /// A sentence on costs, shown on the welcome step, the receipt and the
    /// instructions.
    #[serde(default)]
    costs: Option<Localized>,
}

const DEFAULT_TOML: &str = include_str!("../../static/hospital/hospital.toml");
const DEFAULT_PRIVACY_DE: &str = include_str!("../../static/hospital/privacy.de.txt");
const DEFAULT_PRIVACY_EN: &str = include_str!("../../static/hospital/privacy.en.txt");

/// Loads the texts from `dir`, or the embedded defaults when `None`.
pub fn load(
    dir: Option<&Path>,
    privacy_version: &str,
    facts: Facts,
) -> Result<HospitalInfo, HospitalError> {
    let read = |name: &str, default: &str| -> Result<(PathBuf, String), HospitalError> {
        match dir {
            None => Ok((
                PathBuf::from("static/hospital").join(name),
                default.to_owned(),
            )),
            Some(d) => {
                let path = d.join(name);
                std::fs::read_to_string(&path)
                    .map(|text| (path.clone(), text))
                    .map_err(|e| HospitalError::Read(path, e))
            }
        }
    };
    let (toml_path, toml_text) = read("hospital.toml", DEFAULT_TOML)?;
    let file: HospitalFile = toml::from_str(&toml_text)
        .map_err(|e| HospitalError::Parse(toml_path.clone(), e.to_string()))?;
    let (_, de) = read("privacy.de.txt", DEFAULT_PRIVACY_DE)?;
    let (_, en) = read("privacy.en.txt", DEFAULT_PRIVACY_EN)?;
    let filled = |l: &Localized| !l.de.trim().is_empty() && !l.en.trim().is_empty();
    for (what, text) in [
        ("name", &file.name),
        ("hours", &file.hours),
        ("help", &file.help),
    ] {
        if !filled(text) {
            return Err(HospitalError::Empty(toml_path, what));
        }
    }
    if file.phones.is_empty() || !file.phones.iter().all(|p| filled(&p.label)) {
        return Err(HospitalError::Empty(
            toml_path,
            "phones (at least one, each with a label)",
        ));
    }
    if !file
        .departments
        .iter()
        .all(|d| filled(&d.name) && !d.id.trim().is_empty())
    {
        return Err(HospitalError::Empty(
            toml_path,
            "every department's id and name",
        ));
    }
    let text = Localized { de, en };
    if !filled(&text) {
        return Err(HospitalError::Empty(toml_path, "the privacy statement"));
    }
    let mut info = HospitalInfo {
        name: file.name,
        phones: file.phones,
        hours: file.hours,
        email: file.email.filter(|e| !e.trim().is_empty()),
        fax: file.fax.filter(|f| !f.trim().is_empty()),
        address: file.address.filter(filled),
        departments: file.departments,
        help: file.help,
        privacy: PrivacyStatement {
            version: privacy_version.to_owned(),
            text,
        },
        retention_days: facts.retention_days,
        keeping: facts.keeping,
        when_full: facts.when_full,
        costs: file.costs.filter(filled),
        accessibility: Accessibility {
            statement_url: file
                .accessibility
                .statement_url
                .filter(|u| u.starts_with("https://") || u.starts_with("http://")),
            feedback_email: file
                .accessibility
                .feedback_email
                .filter(|e| !e.trim().is_empty()),
            reviewed: file.accessibility.reviewed,
        },
    };
    let fill = |text: &str, english: bool| {
        text.replace(
            KEEPING_PLACEHOLDER,
            &Words::new(english).keeping(&info, true).join(" "),
        )
        .replace(DAYS_PLACEHOLDER, &facts.retention_days.to_string())
    };
    let text = &info.privacy.text;
    if !text.de.contains(KEEPING_PLACEHOLDER) || !text.en.contains(KEEPING_PLACEHOLDER) {
        tracing::warn!(
            code = "privacy-without-keeping",
            "the privacy statement has no {KEEPING_PLACEHOLDER}: its sentences on keeping and \
             deleting are not written from the configuration"
        );
    }
    info.privacy.text = Localized {
        de: fill(&text.de, false),
        en: fill(&text.en, true),
    };
    Ok(info)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(retention_days: u64, keeping: Keeping) -> Facts {
        Facts {
            retention_days,
            keeping,
            when_full: WhenFull::RefuseNew,
        }
    }

    #[test]
    fn embedded_defaults_load() -> Result<(), HospitalError> {
        let info = load(None, "7", facts(42, Keeping::Mailbox))?;
        assert_eq!(info.privacy.version, "7");
        assert_eq!(info.retention_days, 42);
        let costs = info.costs.as_ref().map(|c| c.de.as_str());
        assert_eq!(
            costs,
            Some("Für medizinische Dienstleistung können Kosten entstehen.")
        );
        assert!(info.email.as_deref().is_some_and(|e| e.contains('@')));
        // The page shows its own accessibility statement, naming where
        // barriers are reported.
        assert_eq!(info.accessibility.statement_url, None);
        assert!(info
            .accessibility
            .feedback_email
            .as_deref()
            .is_some_and(|e| e.starts_with("barrierefreiheit@")));
        assert!(info.fax.is_some() && info.address.is_some());
        assert!(!info.departments.is_empty());
        assert!(info.privacy.text.de.contains("verschlüsselt"));
        Ok(())
    }

    #[test]
    fn a_copy_of_the_folder_loads_and_a_broken_one_is_named(
    ) -> Result<(), Box<dyn std::error::Error>> {
        let dir = std::env::temp_dir().join(format!("mailslot-hospital-{}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        std::fs::write(
            dir.join("hospital.toml"),
            DEFAULT_TOML.replace("Musterklinikum", "St. Elsewhere"),
        )?;
        std::fs::write(dir.join("privacy.de.txt"), "Datenschutz.")?;
        std::fs::write(dir.join("privacy.en.txt"), "Privacy.")?;
        let info = load(Some(&dir), "1", facts(1, Keeping::Mailbox))?;
        assert_eq!(info.name.de, "St. Elsewhere");
        assert_eq!(info.privacy.text.en, "Privacy.");

        std::fs::write(dir.join("hospital.toml"), "name = 3")?;
        let err = load(Some(&dir), "1", facts(1, Keeping::Mailbox))
            .err()
            .ok_or("accepted a broken file")?;
        assert_eq!(err.code(), "hospital-invalid");
        assert!(err.to_string().contains("hospital.toml"));

        std::fs::write(
            dir.join("hospital.toml"),
            DEFAULT_TOML.replace("en = \"Sample Hospital\"", "en = \" \""),
        )?;
        let err = load(Some(&dir), "1", facts(1, Keeping::Mailbox))
            .err()
            .ok_or("accepted an empty name")?;
        assert!(err.to_string().contains("name"));

        std::fs::remove_file(dir.join("privacy.en.txt"))?;
        std::fs::write(dir.join("hospital.toml"), DEFAULT_TOML)?;
        let err = load(Some(&dir), "1", facts(1, Keeping::Mailbox))
            .err()
            .ok_or("accepted a missing statement")?;
        assert_eq!(err.code(), "hospital-unreadable");
        std::fs::remove_dir_all(&dir)?;
        Ok(())
    }

    /// Held, or forwarded to the embedded inbox, images stay in the
    /// mailbox; forwarded to a PACS they go on to the archive; the days are
    /// the configuration's.
    #[test]
    fn the_facts_follow_the_configuration() {
        let mut config = Config::default();
        assert_eq!(Facts::of(&config), facts(42, Keeping::Mailbox));
        config.forward = Destination::Dimse {
            ae_title: "PACS".into(),
            host: "pacs".into(),
            port: 104,
        };
        assert_eq!(Facts::of(&config), facts(42, Keeping::Archive));
        config.mode = Mode::Hold;
        config.retention = std::time::Duration::from_secs(10 * 86_400);
        assert_eq!(Facts::of(&config), facts(10, Keeping::Mailbox));
    }

    /// The privacy statement's `{keeping}` becomes the page's sentences for
    /// these facts, in its own language; nothing of the old fixed promise
    /// ("some months", "6 weeks") is left.
    #[test]
    fn the_privacy_statement_speaks_of_the_configured_keeping() -> Result<(), HospitalError> {
        let held = load(None, "1", facts(10, Keeping::Mailbox))?;
        let (de, en) = (&held.privacy.text.de, &held.privacy.text.en);
        assert!(!de.contains('{') && !en.contains('{'), "{de}\n{en}");
        assert!(en.contains("after 10 days at the latest"), "{en}");
        assert!(en.contains("stay in the hospital's mailbox"), "{en}");
        assert!(en.contains("accepts nothing new"), "{en}");
        assert!(de.contains("spätestens nach 10 Tagen"), "{de}");
        assert!(!en.contains("months") && !de.contains("Monaten"));
        let forwarded = load(None, "1", facts(42, Keeping::Archive))?;
        let en = &forwarded.privacy.text.en;
        assert!(
            en.contains("go on at once to the hospital's image archive"),
            "{en}"
        );
        assert!(en.contains("after 6 weeks at the latest"), "{en}");
        Ok(())
    }
}
