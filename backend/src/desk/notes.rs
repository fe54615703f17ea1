//! Staff's notes on a case and its "contacted on … by …" markers, and the
//! case page's parts that show them and the sender's DICOMDIR result.
//!
//! A note may hold patient data, so notes are never in the database:
//! they are lines of `<inbox>/<reference>/notes.jsonl` (0600), in the
//! case's folder, which closing or the deletion date removes with the
//! rest. The folder is never created here: a case already deleted takes
//! no note.

use std::io::Write;

use maud::{html, Markup};
use serde::{Deserialize, Serialize};

use super::pages::{shown, t, Lang};
use crate::mailbox::Layout;
use crate::staff::sessions::Signed;

/// The notes' file in a case's inbox folder.
const FILE: &str = "notes.jsonl";

/// The longest note staff may write (characters).
pub const MAX_NOTE: usize = 4000;

/// One note or marker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    /// When (Unix seconds).
    pub at: i64,
    /// Staff's name.
    pub by: String,
    /// `true`: "contacted the sender" (then `text` is empty).
    #[serde(default)]
    pub contacted: bool,
    /// What staff wrote.
    #[serde(default)]
    pub text: String,
}

/// The notes of case `reference`, oldest first (none if it has none; a
/// line that cannot be read is skipped).
pub fn read(layout: &Layout, reference: &str) -> Vec<Note> {
    std::fs::read(layout.submission(reference).join(FILE))
        .unwrap_or_default()
        .split(|b| *b == b'\n')
        .filter_map(|line| serde_json::from_slice(line).ok())
        .collect()
}

/// Appends `note` to case `reference`'s notes, durably; `NotFound` when
/// the case's folder is gone (closed or deleted).
pub fn append(layout: &Layout, reference: &str, note: &Note) -> std::io::Result<()> {
    let dir = layout.submission(reference);
    if !dir.is_dir() {
        return Err(std::io::ErrorKind::NotFound.into());
    }
    let path = dir.join(FILE);
    let created = !path.exists();
    crate::durable::create_private_if_missing(&path)?;
    let mut line = serde_json::to_vec(note).map_err(std::io::Error::other)?;
    line.push(b'\n');
    let mut file = std::fs::OpenOptions::new().append(true).open(&path)?;
    file.write_all(&line)?;
    file.sync_all()?;
    if created {
        crate::durable::sync_dir(&dir)?;
    }
    Ok(())
}

/// The notes and markers, and (while the case is open) the form to add one.
pub fn section(l: Lang, signed: &Signed, reference: &str, notes: &[Note], open: bool) -> Markup {
    let zone = crate::clock::local_zone();
    html! {
        h2 id="notes" { (t(l, "Notizen", "Notes")) " (" (notes.len()) ")" }
        @if !notes.is_empty() {
            ul.notes {
                @for n in notes {
                    li {
                        @if n.contacted {
                            (t(l, "Absender kontaktiert am ", "Sender contacted on "))
                            (crate::clock::readable_in(n.at, &zone))
                            (t(l, " von ", " by ")) (shown(&n.by))
                        } @else {
                            (crate::clock::readable_in(n.at, &zone)) ", " (shown(&n.by)) ": "
                            span.text { (shown(&n.text)) }
                        }
                    }
                }
            }
        }
        @if open {
            form.notes method="post" action={ "/cases/" (reference) "/notes" } {
                input type="hidden" name="csrf" value=(signed.csrf);
                div.field {
                    label for="note" { (t(l, "Notiz", "Note")) }
                    textarea id="note" name="text" rows="3" maxlength=(MAX_NOTE) {}
                }
                button type="submit" name="kind" value="note" {
                    (t(l, "Notiz speichern", "Save the note"))
                }
                " "
                button type="submit" name="kind" value="contacted" {
                    (t(l, "Absender kontaktiert", "Sender contacted"))
                }
            }
        }
    }
}

/// What the sender's program found comparing each DICOMDIR with the files
/// beside it (`sender.dicomdir` of the sender's record), as the cover
/// sheet says it.
pub fn dicomdir(l: Lang, record: &serde_json::Value) -> Markup {
    let checks = record["sender"]["dicomdir"].as_array();
    html! {
        h2 { (t(l, "DICOMDIR-Abgleich", "DICOMDIR cross-check")) }
        p { (t(l, "Angabe des Absenders, nicht vom Server geprüft.",
               "Reported by the sender, not checked by the server.")) }
        @match checks {
            None => p { (t(l, "Vom Programm des Absenders nicht übermittelt.",
                           "Not reported by the sender's program.")) },
            Some(c) if c.is_empty() => p { (t(l, "Kein DICOMDIR unter den Dateien (nichts abzugleichen).",
                                              "No DICOMDIR among the files sent (nothing to compare).")) },
            Some(c) => ul.dicomdir {
                @for check in c {
                    @let listed = check["listed"].as_u64().unwrap_or(0);
                    @let missing = check["missing"].as_u64().unwrap_or(0);
                    li {
                        (t(l, "DICOMDIR listet ", "DICOMDIR lists ")) (listed) (t(l, " Bilder: ", " images: "))
                        @if missing == 0 {
                            (t(l, "alle wurden unter den Dateien des Absenders gefunden.",
                                  "all were found among the sender's files."))
                        } @else {
                            (missing) (t(l, " davon wurden NICHT unter den Dateien des Absenders gefunden (CD oder Ordner evtl. unvollständig).",
                                           " of them were NOT found among the sender's files (the disc or folder may be incomplete)."))
                        }
                    }
                }
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_are_appended_privately_and_only_to_a_case_folder_that_exists() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let layout = Layout::of(dir.path());
        let note = Note {
            at: 1,
            by: "anna".into(),
            contacted: false,
            text: "rief an\nzweite Zeile".into(),
        };
        let gone = append(&layout, "K7M-4QX-9TD", &note).unwrap_err();
        assert_eq!(gone.kind(), std::io::ErrorKind::NotFound);
        assert!(!layout.submission("K7M-4QX-9TD").exists());
        std::fs::create_dir_all(layout.submission("K7M-4QX-9TD")).unwrap();
        append(&layout, "K7M-4QX-9TD", &note).unwrap();
        let marker = Note {
            at: 2,
            contacted: true,
            text: String::new(),
            ..note.clone()
        };
        append(&layout, "K7M-4QX-9TD", &marker).unwrap();
        assert_eq!(read(&layout, "K7M-4QX-9TD"), vec![note, marker]);
        let path = layout.submission("K7M-4QX-9TD").join(FILE);
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}
