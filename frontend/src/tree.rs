//! What the Check step shows: the scanned objects grouped into patients →
//! studies → series, merged across several scans (a folder, then a ZIP …),
//! with duplicates set aside and the DICOMDIR cross-check. Pure logic.

use std::collections::{HashMap, HashSet};

use mailslot_shared::dicom::Summary;

use crate::i18n::Language;

use crate::worker::protocol::{Dicomdir, Found, IgnoreReason, Ignored, ScanReport};

/// The page's handle for a file the sender chose: the browser's `File` or
/// `Blob` itself stays with the page's effects (`app/effects.rs`), so that
/// everything the model holds is plain data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileRef(pub u32);

/// One series and the indices (into the item list) of its objects.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Series {
    /// Series Instance UID.
    pub uid: String,
    /// Series Number.
    pub number: Option<String>,
    /// Modality (CT, MR …).
    pub modality: Option<String>,
    /// Series Description.
    pub description: Option<String>,
    /// Objects in it (indices into the scanned items).
    pub items: Vec<usize>,
    /// Their size in bytes.
    pub bytes: u64,
}

/// One study.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Study {
    /// Study Instance UID (the checkbox's key).
    pub uid: String,
    /// Study Date (YYYYMMDD).
    pub date: Option<String>,
    /// Study Description.
    pub description: Option<String>,
    /// Its series, by number.
    pub series: Vec<Series>,
}

impl Study {
    /// Number of objects.
    pub fn files(&self) -> usize {
        self.series.iter().map(|s| s.items.len()).sum()
    }

    /// Total bytes.
    pub fn bytes(&self) -> u64 {
        self.series.iter().map(|s| s.bytes).sum()
    }

    /// The modalities present, in order, without repeats.
    pub fn modalities(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for m in self.series.iter().filter_map(|s| s.modality.clone()) {
            if !out.contains(&m) {
                out.push(m);
            }
        }
        out
    }
}

/// One patient, as the files name them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Patient {
    /// Patient's Name as shown ("DOE, JOHN").
    pub name: String,
    /// Patient's Birth Date (YYYYMMDD).
    pub birth_date: Option<String>,
    /// Their studies, by date.
    pub studies: Vec<Study>,
}

/// Groups `items` (in order) into patients, studies and series. A study
/// belongs to the patient of its first object.
pub fn group<'a>(items: impl IntoIterator<Item = &'a Summary>) -> Vec<Patient> {
    let mut patients: Vec<Patient> = Vec::new();
    let mut patient_of: HashMap<(String, Option<String>), usize> = HashMap::new();
    let mut study_at: HashMap<String, (usize, usize)> = HashMap::new();
    for (i, s) in items.into_iter().enumerate() {
        let (p, st) = match study_at.get(&s.study_instance_uid) {
            Some(at) => *at,
            None => {
                let key = (
                    patient_key(s.patient_name.as_deref()),
                    s.patient_birth_date.clone(),
                );
                let p = *patient_of.entry(key).or_insert_with(|| {
                    patients.push(Patient {
                        name: display_name(s.patient_name.as_deref()),
                        birth_date: s.patient_birth_date.clone(),
                        studies: Vec::new(),
                    });
                    patients.len() - 1
                });
                patients[p].studies.push(Study {
                    uid: s.study_instance_uid.clone(),
                    date: s.study_date.clone(),
                    description: s.study_description.clone(),
                    series: Vec::new(),
                });
                let at = (p, patients[p].studies.len() - 1);
                study_at.insert(s.study_instance_uid.clone(), at);
                at
            }
        };
        let study = &mut patients[p].studies[st];
        let series = match study
            .series
            .iter_mut()
            .position(|x| x.uid == s.series_instance_uid)
        {
            Some(k) => &mut study.series[k],
            None => {
                study.series.push(Series {
                    uid: s.series_instance_uid.clone(),
                    number: s.series_number.clone(),
                    modality: s.modality.clone(),
                    description: s.series_description.clone(),
                    ..Series::default()
                });
                let last = study.series.len() - 1;
                &mut study.series[last]
            }
        };
        series.items.push(i);
        series.bytes += s.size;
    }
    for p in &mut patients {
        p.studies.sort_by(|a, b| a.date.cmp(&b.date));
        for st in &mut p.studies {
            st.series.sort_by_key(|s| {
                s.number
                    .as_deref()
                    .and_then(|n| n.trim().parse::<i64>().ok())
                    .unwrap_or(i64::MAX)
            });
        }
    }
    patients
}

/// The same person written alike: case, spaces and `^` do not matter.
fn patient_key(name: Option<&str>) -> String {
    name.unwrap_or_default()
        .split(['^', ' ', ','])
        .filter(|p| !p.is_empty())
        .map(str::to_uppercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// "DOE^JOHN^^DR" → "DOE, JOHN"; "" → "".
pub fn display_name(name: Option<&str>) -> String {
    let name = name.unwrap_or_default();
    // Only the alphabetic group (before "=").
    let alpha = name.split('=').next().unwrap_or_default();
    let mut parts = alpha.split('^').map(str::trim);
    let family = parts.next().unwrap_or_default();
    let given: Vec<&str> = parts.take(2).filter(|p| !p.is_empty()).collect();
    match (family.is_empty(), given.is_empty()) {
        (_, true) => family.to_owned(),
        (true, false) => given.join(" "),
        (false, false) => format!("{family}, {}", given.join(" ")),
    }
}

/// A DICOM date (YYYYMMDD) the way the page's language writes it.
pub fn format_date(date: &str, lang: Language) -> String {
    let d = date.trim();
    if d.len() == 8 && d.bytes().all(|b| b.is_ascii_digit()) {
        let (y, m, day) = (&d[..4], &d[4..6], &d[6..]);
        match lang {
            Language::En => format!("{y}-{m}-{day}"),
            Language::Ar => format!("{day}/{m}/{y}"),
            _ => format!("{day}.{m}.{y}"),
        }
    } else {
        d.to_owned()
    }
}

/// Bytes for people: "512 KB", "3.4 MB", "1.2 GB" (decimal units).
pub fn format_bytes(bytes: u64, lang: Language) -> String {
    let (value, unit) = match bytes {
        b if b >= 1_000_000_000 => (b as f64 / 1e9, "GB"),
        b if b >= 1_000_000 => (b as f64 / 1e6, "MB"),
        b if b >= 1_000 => (b as f64 / 1e3, "KB"),
        b => (b as f64, "B"),
    };
    let text = if value >= 100.0 || unit == "B" {
        format!("{value:.0}")
    } else {
        format!("{value:.1}")
    };
    let text = match lang {
        Language::En | Language::Ar => text,
        _ => text.replace('.', ","),
    };
    format!("{text} {unit}")
}

/// Everything scanned so far, merged.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Scanned {
    /// Acceptable objects, each with its file and label, in the order found.
    pub found: Vec<Found<FileRef>>,
    /// What was left out.
    pub ignored: Vec<Ignored>,
    /// DICOMDIRs seen.
    pub dicomdirs: Vec<Dicomdir>,
}

impl Scanned {
    /// The summaries of the found objects, in order.
    pub fn summaries(&self) -> impl Iterator<Item = &Summary> {
        self.found.iter().map(|f| &f.summary)
    }

    /// Merges one scan's report. An object whose image (SOP Instance) was
    /// already found is listed as a duplicate; a file chosen twice (same
    /// label) is not listed again at all.
    pub fn merge(&mut self, report: ScanReport<FileRef>) {
        let mut seen: HashSet<String> = self
            .summaries()
            .map(|s| s.sop_instance_uid.clone())
            .collect();
        let known_paths: HashSet<String> = self
            .found
            .iter()
            .map(|f| &f.path)
            .chain(self.ignored.iter().map(|i| &i.path))
            .cloned()
            .collect();
        for found in report.found {
            if known_paths.contains(&found.path) {
                continue;
            }
            if seen.insert(found.summary.sop_instance_uid.clone()) {
                self.found.push(found);
            } else {
                self.ignored.push(Ignored {
                    path: found.path,
                    size: found.summary.size,
                    reason: IgnoreReason::Duplicate,
                });
            }
        }
        self.ignored.extend(
            report
                .ignored
                .into_iter()
                .filter(|i| !known_paths.contains(&i.path)),
        );
        self.dicomdirs.extend(
            report
                .dicomdirs
                .into_iter()
                .filter(|d| !known_paths.contains(&d.path)),
        );
    }

    /// For each DICOMDIR: (its path, images it lists, how many of those
    /// were not found among the files).
    pub fn dicomdir_check(&self) -> Vec<(String, usize, usize)> {
        let have: HashSet<&str> = self
            .summaries()
            .map(|s| s.sop_instance_uid.as_str())
            .collect();
        self.dicomdirs
            .iter()
            .map(|d| {
                let missing = d
                    .listed
                    .iter()
                    .filter(|u| !have.contains(u.as_str()))
                    .count();
                (d.path.clone(), d.listed.len(), missing)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(patient: &str, study: &str, series: &str, sop: &str) -> Summary {
        Summary {
            patient_name: Some(patient.into()),
            patient_birth_date: Some("19450101".into()),
            study_instance_uid: study.into(),
            series_instance_uid: series.into(),
            sop_instance_uid: sop.into(),
            study_date: Some(format!("2024010{}", study.len() % 9)),
            series_number: Some(series.len().to_string()),
            modality: Some("CT".into()),
            size: 100,
            ..Summary::default()
        }
    }

    #[test]
    fn groups_patients_studies_series() {
        let items = vec![
            summary("DOE^JOHN", "1.2", "1.2.1", "1.2.1.1"),
            summary("Doe^John", "1.2", "1.2.11", "1.2.11.1"),
            summary("DOE^JOHN", "1.3", "1.3.1", "1.3.1.1"),
            summary("ROE^JANE", "1.4", "1.4.1", "1.4.1.1"),
            summary("DOE^JOHN", "1.2", "1.2.1", "1.2.1.2"),
        ];
        let tree = group(&items);
        assert_eq!(tree.len(), 2, "two people");
        assert_eq!(tree[0].name, "DOE, JOHN");
        assert_eq!(tree[0].studies.len(), 2);
        let first = tree[0]
            .studies
            .iter()
            .find(|s| s.uid == "1.2")
            .map(|s| s.series.clone());
        let first = first.unwrap_or_default();
        assert_eq!(first.len(), 2);
        assert_eq!(first[0].items, vec![0, 4]);
        assert_eq!(first[0].bytes, 200);
        assert_eq!(tree[1].studies[0].files(), 1);
    }

    #[test]
    fn merging_sets_aside_duplicates_and_repeated_choices() {
        let found = |n: u32, path: &str, sop: &str| Found {
            file: FileRef(n),
            path: path.into(),
            summary: summary("A", "1.2", "1.2.1", sop),
        };
        let mut s = Scanned::default();
        s.merge(ScanReport {
            found: vec![
                found(0, "CD/IM1", "1.1"),
                found(1, "CD/COPY/IM1", "1.1"),
                found(2, "CD/IM2", "1.2"),
            ],
            ignored: vec![],
            dicomdirs: vec![Dicomdir {
                path: "CD/DICOMDIR".into(),
                listed: vec!["1.1".into(), "1.2".into(), "1.9".into()],
            }],
        });
        // Each kept object keeps its own file.
        let kept: Vec<(FileRef, &str)> =
            s.found.iter().map(|f| (f.file, f.path.as_str())).collect();
        assert_eq!(kept, vec![(FileRef(0), "CD/IM1"), (FileRef(2), "CD/IM2")]);
        assert_eq!(s.ignored.len(), 1);
        assert_eq!(s.ignored[0].reason, IgnoreReason::Duplicate);
        assert_eq!(s.dicomdir_check(), vec![("CD/DICOMDIR".to_owned(), 3, 1)]);
        // The same folder chosen again adds nothing.
        s.merge(ScanReport {
            found: vec![found(3, "CD/IM1", "1.1")],
            ignored: vec![],
            dicomdirs: vec![],
        });
        assert_eq!(s.found.len(), 2);
        assert_eq!(s.ignored.len(), 1);
    }

    #[test]
    fn formats_for_people() {
        assert_eq!(display_name(Some("DOE^JOHN^^DR")), "DOE, JOHN");
        assert_eq!(
            display_name(Some("Yamada^Tarou=山田^太郎")),
            "Yamada, Tarou"
        );
        assert_eq!(format_date("20240131", Language::De), "31.01.2024");
        assert_eq!(format_date("20240131", Language::En), "2024-01-31");
        assert_eq!(format_bytes(3_400_000, Language::De), "3,4 MB");
        assert_eq!(format_bytes(512, Language::En), "512 B");
    }
}
