//! `mailslot verify`: the shared acceptance rules over local files.
//!
//! Files are streamed (never read whole into memory), so a multi-gigabyte
//! file costs no more memory than a small one.

use std::fs::File;
use std::io::{BufReader, Write};
use std::path::{Path, PathBuf};

use mailslot_shared::dicom::{inspect_seekable, Lang, Limits, Verdict};
use serde::Serialize;

/// Why verification could not run at all.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// A path named on the command line does not exist or cannot be read.
    #[error("cannot read {path}: {source}")]
    Path {
        /// The path as given.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// Writing the report failed.
    #[error("cannot write the report: {0}")]
    Output(#[source] std::io::Error),
}

impl VerifyError {
    /// Stable kebab-case code.
    pub fn code(&self) -> &'static str {
        match self {
            VerifyError::Path { .. } => "path-unreadable",
            VerifyError::Output(_) => "output-failed",
        }
    }
}

/// How to verify and report.
#[derive(Debug, Clone)]
pub struct Options {
    /// One JSON object per line instead of text.
    pub json: bool,
    /// Language of the reason sentences.
    pub lang: Lang,
    /// The rules' limits.
    pub limits: Limits,
}

/// Counts of one run.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Report {
    /// Files accepted.
    pub accepted: usize,
    /// Files rejected (including unreadable ones found while walking).
    pub rejected: usize,
}

/// One output line.
#[derive(Debug, Serialize)]
struct Line<'a> {
    path: String,
    verdict: &'static str,
    code: &'a str,
    reason: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    detail: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sop_class_uid: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sop_instance_uid: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    study_instance_uid: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    series_instance_uid: Option<&'a str>,
    /// Present (possibly null) on accepted files; absent on rejected ones.
    #[serde(skip_serializing_if = "is_absent")]
    modality: Option<Option<&'a str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    transfer_syntax_uid: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    warnings: Vec<&'static str>,
}

/// Verifies every file under `paths` and writes one line each to `out`.
/// Every path on the command line must exist; unreadable files met while
/// walking a directory are reported as rejected with code `unreadable`.
pub fn run(
    paths: &[PathBuf],
    options: &Options,
    out: &mut dyn Write,
) -> Result<Report, VerifyError> {
    let mut files = Vec::new();
    for path in paths {
        let meta = std::fs::metadata(path).map_err(|source| VerifyError::Path {
            path: path.clone(),
            source,
        })?;
        if meta.is_dir() {
            collect(path, &mut files);
        } else {
            files.push(path.clone());
        }
    }
    let mut report = Report::default();
    for file in files {
        let line = match check(&file, &options.limits) {
            Ok(verdict) => render(&file, &verdict, options, &mut report),
            Err(e) => {
                report.rejected += 1;
                let line = Line {
                    path: file.display().to_string(),
                    verdict: "rejected",
                    code: "unreadable",
                    reason: match options.lang {
                        Lang::De => "Die Datei kann nicht gelesen werden.",
                        Lang::En => "The file cannot be read.",
                    },
                    detail: Some(&e.to_string()),
                    ..empty_line()
                };
                format_line(&line, options.json)
            }
        };
        writeln!(out, "{line}").map_err(VerifyError::Output)?;
    }
    Ok(report)
}

fn is_absent(v: &Option<Option<&str>>) -> bool {
    v.is_none()
}

fn empty_line() -> Line<'static> {
    Line {
        path: String::new(),
        verdict: "",
        code: "",
        reason: "",
        detail: None,
        sop_class_uid: None,
        sop_instance_uid: None,
        study_instance_uid: None,
        series_instance_uid: None,
        modality: None,
        transfer_syntax_uid: None,
        warnings: Vec::new(),
    }
}

fn check(path: &Path, limits: &Limits) -> std::io::Result<Verdict> {
    let file = File::open(path)?;
    let len = file.metadata()?.len();
    // The same verdict as streaming the whole file (a test holds the two
    // to it), without reading the pixel data.
    Ok(inspect_seekable(
        BufReader::with_capacity(64 * 1024, file),
        len,
        limits,
    ))
}

fn render(path: &Path, verdict: &Verdict, options: &Options, report: &mut Report) -> String {
    let path = path.display().to_string();
    let line = match verdict {
        Verdict::Accepted(s) => {
            report.accepted += 1;
            Line {
                path,
                verdict: "accepted",
                code: "accepted",
                reason: match options.lang {
                    Lang::De => "Angenommen.",
                    Lang::En => "Accepted.",
                },
                sop_class_uid: Some(&s.sop_class_uid),
                sop_instance_uid: Some(&s.sop_instance_uid),
                study_instance_uid: Some(&s.study_instance_uid),
                series_instance_uid: Some(&s.series_instance_uid),
                modality: Some(s.modality.as_deref()),
                transfer_syntax_uid: Some(&s.transfer_syntax_uid),
                warnings: s.warnings.iter().map(|w| w.code()).collect(),
                ..empty_line()
            }
        }
        Verdict::Rejected(r) => {
            report.rejected += 1;
            Line {
                path,
                verdict: "rejected",
                code: r.code.code(),
                reason: r.code.message(options.lang),
                detail: r.detail.as_deref(),
                ..empty_line()
            }
        }
    };
    format_line(&line, options.json)
}

fn format_line(line: &Line<'_>, json: bool) -> String {
    if json {
        // Serializing plain strings and vectors of strings cannot fail.
        serde_json::to_string(line).unwrap_or_default()
    } else if line.verdict == "accepted" {
        let warn = if line.warnings.is_empty() {
            String::new()
        } else {
            format!(" (warnings: {})", line.warnings.join(", "))
        };
        format!(
            "accepted  {}  {}{warn}",
            line.path,
            line.modality.flatten().unwrap_or("-")
        )
    } else {
        format!("rejected  {}  {}: {}", line.path, line.code, line.reason)
    }
}

/// Collects regular files under `dir`, sorted, following no symlinks to
/// directories (a CD has none; a loop would never end).
pub(crate) fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        files.push(dir.to_path_buf()); // reported as unreadable
        return;
    };
    let mut entries: Vec<_> = entries.filter_map(Result::ok).collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        match entry.file_type() {
            Ok(t) if t.is_dir() => collect(&path, files),
            Ok(t) if t.is_symlink() && path.is_dir() => {}
            _ => files.push(path),
        }
    }
}
