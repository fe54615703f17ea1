//! The hospital's own words for the page (`GET /api/hospital`): name,
//! phones, hours, departments, help and the privacy statement. Read once at
//! start from `hospital_dir` (a copy of `static/hospital/`) or, unset, from
//! the defaults embedded from `static/hospital/`.

use std::path::{Path, PathBuf};

use mailslot_shared::wire::{
    Accessibility, Department, HospitalInfo, Localized, Phone, PrivacyStatement,
};
use serde::Deserialize;

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
}

const DEFAULT_TOML: &str = include_str!("../../static/hospital/hospital.toml");
const DEFAULT_PRIVACY_DE: &str = include_str!("../../static/hospital/privacy.de.txt");
const DEFAULT_PRIVACY_EN: &str = include_str!("../../static/hospital/privacy.en.txt");

/// Loads the texts from `dir`, or the embedded defaults when `None`.
pub fn load(
    dir: Option<&Path>,
    privacy_version: &str,
    retention_days: u64,
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
    Ok(HospitalInfo {
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
        retention_days,
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
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_defaults_load() -> Result<(), HospitalError> {
        let info = load(None, "7", 42)?;
        assert_eq!(info.privacy.version, "7");
        assert_eq!(info.retention_days, 42);
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
        let info = load(Some(&dir), "1", 1)?;
        assert_eq!(info.name.de, "St. Elsewhere");
        assert_eq!(info.privacy.text.en, "Privacy.");

        std::fs::write(dir.join("hospital.toml"), "name = 3")?;
        let err = load(Some(&dir), "1", 1)
            .err()
            .ok_or("accepted a broken file")?;
        assert_eq!(err.code(), "hospital-invalid");
        assert!(err.to_string().contains("hospital.toml"));

        std::fs::write(
            dir.join("hospital.toml"),
            DEFAULT_TOML.replace("en = \"Sample Hospital\"", "en = \" \""),
        )?;
        let err = load(Some(&dir), "1", 1)
            .err()
            .ok_or("accepted an empty name")?;
        assert!(err.to_string().contains("name"));

        std::fs::remove_file(dir.join("privacy.en.txt"))?;
        std::fs::write(dir.join("hospital.toml"), DEFAULT_TOML)?;
        let err = load(Some(&dir), "1", 1)
            .err()
            .ok_or("accepted a missing statement")?;
        assert_eq!(err.code(), "hospital-unreadable");
        std::fs::remove_dir_all(&dir)?;
        Ok(())
    }
}
