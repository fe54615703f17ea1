//! The cover sheet ("Konsilanfrage / Upload-Begleitblatt"): one PDF page
//! (more if the request is long) that tells staff in the PACS who sent
//! what, why, and with which consent. Made on the server at finalize,
//! where the sealed details are opened anyway: the page stays small (no
//! font in its Wasm) and the result is checked by the same rules as every
//! object. The font (DejaVu Sans, `assets/`) is embedded, so umlauts, ß
//! and most Latin, Greek and Cyrillic names print on any viewer without
//! fonts installed at the hospital.

use printpdf::{Mm, PdfDocument};

use mailslot_shared::wire::{Purpose, Role, SenderDetails};

/// DejaVu Sans (Bitstream Vera licence, see `assets/DejaVuSans.LICENSE`).
const FONT: &[u8] = include_bytes!("../assets/DejaVuSans.ttf");

/// Characters per line at the body size (DejaVu Sans at 10.5 pt on A4
/// with 20 mm margins holds about 75).
const WRAP: usize = 72;

/// Why a cover sheet could not be made (an internal error).
#[derive(Debug, thiserror::Error)]
#[error("cannot make the cover sheet: {0}")]
pub struct CoverError(String);

impl CoverError {
    /// Stable kebab-case code.
    pub fn code(&self) -> &'static str {
        "cover-sheet-failed"
    }
}

/// One study as the cover sheet lists it (no patient data: the sheet goes
/// into every study of the submission).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StudyLine {
    /// Study Date (`YYYYMMDD`), if known.
    pub date: Option<String>,
    /// Study Description, if any.
    pub description: Option<String>,
    /// Modalities.
    pub modalities: Vec<String>,
    /// Series sent.
    pub series: usize,
    /// Images sent.
    pub images: usize,
}

/// What the cover sheet says (one sheet per patient: see
/// `submission::documents`).
#[derive(Debug, Clone)]
pub struct Cover<'a> {
    /// In English (the sender used the English page), else German.
    pub english: bool,
    /// The reference number.
    pub reference: &'a str,
    /// Unix seconds of completion.
    pub received_at: i64,
    /// The sender's details.
    pub sender: &'a SenderDetails,
    /// The department's name (in the sheet's language), if one was picked.
    pub department: Option<&'a str>,
    /// Privacy statement version consented to, and when (Unix seconds).
    pub consent: (&'a str, i64),
    /// The studies sent (of this sheet's patient).
    pub studies: Vec<StudyLine>,
    /// Studies of this patient not listed (beyond the sheet's lines).
    pub more_studies: usize,
    /// The letters' names (of this sheet's patient).
    pub letters: Vec<String>,
    /// The submission holds several patients: the sender's request, which
    /// may name any of them, is not printed (staff read it in the
    /// mailbox).
    pub several_patients: bool,
}

/// The most characters of the sender's request a sheet prints.
const MAX_REQUEST_CHARS: usize = 4000;

impl Cover<'_> {
    /// The document title (also the DICOM Document Title).
    pub fn title(&self) -> &'static str {
        if self.english {
            "Consultation request / upload cover sheet"
        } else {
            "Konsilanfrage / Upload-Begleitblatt"
        }
    }

    /// The sheet as lines: (text, is a heading).
    fn lines(&self) -> Vec<(String, bool)> {
        let en = self.english;
        let l = |de: &str, english: &str| if en { english } else { de }.to_owned();
        let s = self.sender;
        let when = crate::clock::readable_utc;
        let purpose = match s.purpose {
            Some(p) => purpose_words(p, en),
            None => "–",
        };
        let role = match s.role {
            Some(r) => role_words(r, en),
            None => "–",
        };
        let or_dash = |v: &str| {
            if v.trim().is_empty() {
                "–".to_owned()
            } else {
                v.to_owned()
            }
        };
        let mut out = vec![(self.title().to_owned(), true)];
        let mut field = |label: String, value: String| {
            out.push((format!("{label}: {}", printable(&value)), false))
        };
        field(
            l("Vorgangsnummer", "Reference number"),
            self.reference.to_owned(),
        );
        field(l("Eingegangen", "Received"), when(self.received_at));
        field(l("Absender", "Sender"), or_dash(&s.name));
        field(l("Absender ist", "Sender is"), role.to_owned());
        field(l("Telefon", "Phone"), or_dash(&s.phone));
        field(l("E-Mail", "E-mail"), or_dash(&s.email));
        field(l("Ansprechperson", "Contact person"), or_dash(&s.contact));
        field(
            l("Abteilung", "Department"),
            or_dash(self.department.unwrap_or("")),
        );
        field(l("Zweck", "Purpose"), purpose.to_owned());
        field(
            l("Einwilligung", "Consent"),
            format!(
                "{} {}, {}",
                l("Datenschutzerklärung Version", "privacy statement version"),
                self.consent.0,
                when(self.consent.1)
            ),
        );
        out.push((l("Anliegen", "Request"), true));
        if self.several_patients {
            out.push((
                l(
                    "Die Sendung enthält Bilder mehrerer Patienten; das Anliegen des Absenders steht im Postfach unter der Vorgangsnummer.",
                    "The submission holds images of several patients; the sender's request is in the mailbox under the reference number.",
                ),
                false,
            ));
        } else {
            let request: String = s.request.chars().take(MAX_REQUEST_CHARS).collect();
            for line in or_dash(&request).lines() {
                out.push((printable(line), false));
            }
            if s.request.chars().count() > MAX_REQUEST_CHARS {
                out.push((
                    l(
                        "(gekürzt; vollständig im Postfach)",
                        "(shortened; complete in the mailbox)",
                    ),
                    false,
                ));
            }
        }
        out.push((l("Gesendete Untersuchungen", "Studies sent"), true));
        for st in &self.studies {
            let date = st
                .date
                .as_deref()
                .filter(|d| d.len() == 8)
                .map(|d| format!("{}-{}-{}", &d[..4], &d[4..6], &d[6..]))
                .unwrap_or_else(|| "–".into());
            out.push((
                format!(
                    "{date}  {}  ({}): {} {}, {} {}",
                    st.description.as_deref().unwrap_or("–"),
                    st.modalities.join(", "),
                    st.series,
                    l("Serien", "series"),
                    st.images,
                    l("Bilder", "images"),
                ),
                false,
            ));
        }
        if self.more_studies > 0 {
            out.push((
                format!(
                    "… {} {}",
                    self.more_studies,
                    l(
                        "weitere Untersuchungen dieses Patienten",
                        "more studies of this patient"
                    )
                ),
                false,
            ));
        }
        out.push((l("Briefe", "Letters"), true));
        if self.letters.is_empty() {
            out.push(("–".into(), false));
        }
        for name in &self.letters {
            out.push((printable(name), false));
        }
        out.push((
            l(
                "DICOMDIR-Abgleich (Angabe des Absenders, nicht vom Server geprüft)",
                "DICOMDIR cross-check (reported by the sender, not checked by the server)",
            ),
            true,
        ));
        out.extend(self.dicomdir_lines().into_iter().map(|line| (line, false)));
        out
    }

    /// What the sender's scan found when it compared each DICOMDIR (the
    /// disc's table of contents) with the files beside it.
    fn dicomdir_lines(&self) -> Vec<String> {
        let en = self.english;
        let Some(checks) = &self.sender.dicomdir else {
            return vec![if en {
                "Not reported by the sender's program.".into()
            } else {
                "Vom Programm des Absenders nicht übermittelt.".into()
            }];
        };
        if checks.is_empty() {
            return vec![if en {
                "No DICOMDIR among the files sent (nothing to compare).".into()
            } else {
                "Kein DICOMDIR unter den Dateien (nichts abzugleichen).".into()
            }];
        }
        checks
            .iter()
            .map(|c| match (c.missing, en) {
                (0, true) => format!(
                    "DICOMDIR lists {} images: all were found among the sender's files.",
                    c.listed
                ),
                (0, false) => format!(
                    "DICOMDIR listet {} Bilder: alle wurden unter den Dateien des Absenders gefunden.",
                    c.listed
                ),
                (m, true) => format!(
                    "DICOMDIR lists {} images: {m} of them were NOT found among the sender's files (the disc or folder may be incomplete).",
                    c.listed
                ),
                (m, false) => format!(
                    "DICOMDIR listet {} Bilder: {m} davon wurden NICHT unter den Dateien des Absenders gefunden (CD oder Ordner evtl. unvollständig).",
                    c.listed
                ),
            })
            .collect()
    }
}

/// Who the sender is, in the page's own words for its choice (its
/// `about-role-*` messages in German and English: a test keeps them the
/// same), so staff read what the sender chose.
fn role_words(role: Role, english: bool) -> &'static str {
    match (role, english) {
        (Role::Patient, false) => "die Patientin bzw. der Patient (oder Angehörige)",
        (Role::Patient, true) => "the patient (or a relative)",
        (Role::Doctor, false) => "Ärztin bzw. Arzt",
        (Role::Doctor, true) => "a doctor",
        (Role::Other, false) => "jemand anderes",
        (Role::Other, true) => "someone else",
    }
}

/// What the images are for, in staff's words.
fn purpose_words(purpose: Purpose, english: bool) -> &'static str {
    match (purpose, english) {
        (Purpose::Treatment, false) => "Mitbehandlung",
        (Purpose::Treatment, true) => "Further treatment",
        (Purpose::SecondOpinion, false) => "Zweitmeinung / Konsil",
        (Purpose::SecondOpinion, true) => "Second opinion",
        (Purpose::Other, false) => "Sonstiges",
        (Purpose::Other, true) => "Other",
    }
}

/// `text` without the characters that could start a line of its own or
/// reorder what follows (the console's rule, [`crate::casefile::text::hidden`]):
/// a sender's text on the sheet cannot forge a line.
fn printable(text: &str) -> String {
    text.chars()
        .filter(|c| !crate::casefile::text::hidden(*c))
        .collect()
}

/// Breaks `text` into lines of at most `width` characters at spaces
/// (a longer word is cut).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        let mut word = word.to_owned();
        while word.chars().count() > width {
            let cut: String = word.chars().take(width).collect();
            word = word.chars().skip(width).collect();
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            lines.push(cut);
        }
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&word);
    }
    lines.push(line);
    lines
}

/// The cover sheet as a PDF (A4).
pub fn cover_pdf(cover: &Cover<'_>) -> Result<Vec<u8>, CoverError> {
    text_pdf(cover.title(), &cover.lines())
}

/// An A4 PDF of `lines` (text, is a heading); the first line is the title.
/// Long lines wrap; pages are added as needed. Also the printable
/// instructions use it.
pub fn text_pdf(title: &str, lines: &[(String, bool)]) -> Result<Vec<u8>, CoverError> {
    let err = |e: printpdf::Error| CoverError(e.to_string());
    let (doc, page, layer) = PdfDocument::new(title, Mm(210.0), Mm(297.0), "text");
    let font = doc.add_external_font(FONT).map_err(err)?;
    let mut layer = doc.get_page(page).get_layer(layer);
    let mut y = 277.0;
    for (n, (text, heading)) in lines.iter().enumerate() {
        let heading = *heading;
        let (size, step) = match (n, heading) {
            (0, _) => (16.0, 11.0),
            (_, true) => (12.0, 8.0),
            _ => (10.5, 5.5),
        };
        if heading && n > 0 {
            y -= 3.0;
        }
        for line in wrap(text, if heading { WRAP * 10 / 12 } else { WRAP }) {
            if y < 20.0 {
                let (p, l) = doc.add_page(Mm(210.0), Mm(297.0), "text");
                layer = doc.get_page(p).get_layer(l);
                y = 277.0;
            }
            layer.use_text(line, size, Mm(20.0), Mm(y), &font);
            y -= step;
        }
    }
    doc.save_to_bytes().map_err(err)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests;
