//! Checks of the DICOM documents the server makes (letters wrapped as
//! Encapsulated PDFs, cover sheets), against what a PACS received.

use std::path::PathBuf;
use std::process::Command;

/// Encapsulated PDF Storage: how the server forwards a letter.
pub const ENCAPSULATED_PDF: &str = "1.2.840.10008.5.1.4.1.1.104.1";

/// The series the server puts its cover sheets in.
pub const COVER_SHEET_SERIES: &str = "Begleitblatt / Cover sheet";

/// Whether `file` is a cover sheet the server made.
fn is_cover_sheet(file: &[u8]) -> bool {
    use mailslot_shared::dicom::{inspect, Limits};
    inspect(file, file.len() as u64, &Limits::default())
        .accepted()
        .is_some_and(|s| {
            s.sop_class_uid == ENCAPSULATED_PDF
                && s.series_description.as_deref() == Some(COVER_SHEET_SERIES)
        })
}

/// The distinct Study Instance UIDs of the images at `paths`.
pub fn studies_of(paths: &[PathBuf]) -> Vec<String> {
    use mailslot_shared::dicom::{inspect, Limits};
    let mut uids: Vec<String> = paths
        .iter()
        .filter_map(|p| std::fs::read(p).ok())
        .filter_map(|b| {
            inspect(&b, b.len() as u64, &Limits::default())
                .accepted()
                .map(|s| s.study_instance_uid.clone())
        })
        .collect();
    uids.sort();
    uids.dedup();
    uids
}

/// The patients of the images at `paths` as the server tells them apart
/// (Patient ID, name and birth date), each with its Study Instance UIDs.
pub fn patients_of(paths: &[PathBuf]) -> Vec<(Patient, Vec<String>)> {
    use mailslot_shared::dicom::{inspect, Limits};
    let mut out: Vec<(Patient, Vec<String>)> = Vec::new();
    for b in paths.iter().filter_map(|p| std::fs::read(p).ok()) {
        let Some(s) = inspect(&b, b.len() as u64, &Limits::default())
            .accepted()
            .cloned()
        else {
            continue;
        };
        let who = (s.patient_id, s.patient_name, s.patient_birth_date);
        match out.iter_mut().find(|(p, _)| *p == who) {
            Some((_, studies)) if studies.contains(&s.study_instance_uid) => {}
            Some((_, studies)) => studies.push(s.study_instance_uid),
            None => out.push((who, vec![s.study_instance_uid])),
        }
    }
    out
}

/// A patient as the images name them: ID, name, birth date.
pub type Patient = (Option<String>, Option<String>, Option<String>);

/// Checks that `received` holds `total` cover sheets, one for every
/// patient of `images`, each in a study of that patient and with that
/// patient's identity, and that `pdftotext` (poppler-utils) reads each of
/// `words` in every one; returns a complaint, if any.
pub fn cover_sheets_arrived(
    received: &[Vec<u8>],
    images: &[PathBuf],
    total: usize,
    words: &[&str],
) -> Option<String> {
    use mailslot_shared::dicom::{inspect, Limits};
    let summary = |b: &[u8]| {
        inspect(b, b.len() as u64, &Limits::default())
            .accepted()
            .cloned()
    };
    let patients = patients_of(images);
    let covers: Vec<&Vec<u8>> = received.iter().filter(|b| is_cover_sheet(b)).collect();
    if covers.len() != total {
        return Some(format!("{} cover sheets, expected {total}", covers.len()));
    }
    for cover in &covers {
        let Some(s) = summary(cover) else {
            return Some("a cover sheet fails the rules".into());
        };
        let who = (s.patient_id, s.patient_name, s.patient_birth_date);
        match patients.iter().find(|(p, _)| *p == who) {
            None => {
                return Some(format!(
                    "a cover sheet names a patient no image has: {who:?}"
                ))
            }
            Some((_, studies)) if !studies.contains(&s.study_instance_uid) => {
                return Some(format!(
                    "a cover sheet is in study {}, not one of its patient's",
                    s.study_instance_uid
                ))
            }
            Some(_) => {}
        }
    }
    for (who, _) in &patients {
        let sheets = covers
            .iter()
            .filter_map(|b| summary(b))
            .filter(|s| {
                (
                    s.patient_id.clone(),
                    s.patient_name.clone(),
                    s.patient_birth_date.clone(),
                ) == *who
            })
            .count();
        if sheets == 0 {
            return Some(format!("patient {who:?} has no cover sheet"));
        }
    }
    for text in cover_texts(received) {
        if let Some(w) = words.iter().find(|w| !text.contains(*w)) {
            return Some(format!(
                "pdftotext does not read {w} on a cover sheet:\n{text}"
            ));
        }
    }
    None
}

/// What `pdftotext` (poppler-utils) reads on each cover sheet among
/// `received`.
pub fn cover_texts(received: &[Vec<u8>]) -> Vec<String> {
    let Ok(dir) = tempfile::tempdir() else {
        return Vec::new();
    };
    received
        .iter()
        .filter(|b| is_cover_sheet(b))
        .enumerate()
        .filter_map(|(i, cover)| {
            let start = cover.windows(5).position(|w| w == b"%PDF-")?;
            let pdf = dir.path().join(format!("cover-{i}.pdf"));
            std::fs::write(&pdf, &cover[start..]).ok()?;
            let out = Command::new("pdftotext")
                .arg(&pdf)
                .arg("-")
                .output()
                .expect("pdftotext (Debian poppler-utils)");
            Some(String::from_utf8_lossy(&out.stdout).into_owned())
        })
        .collect()
}

/// Checks that among `received` (whole DICOM files) exactly the letters
/// `pdfs` arrived as Encapsulated PDFs, each in a study of `images` and
/// with that study's Patient ID; returns a complaint, if any.
pub fn letters_arrived(
    received: &[Vec<u8>],
    pdfs: &[Vec<u8>],
    images: &[PathBuf],
) -> Option<String> {
    use mailslot_shared::dicom::{inspect, Limits};
    let summary = |b: &[u8]| {
        inspect(b, b.len() as u64, &Limits::default())
            .accepted()
            .cloned()
    };
    let studies: Vec<(String, Option<String>)> = images
        .iter()
        .filter_map(|p| std::fs::read(p).ok())
        .filter_map(|b| summary(&b))
        .map(|s| (s.study_instance_uid, s.patient_id))
        .collect();
    let wrapped: Vec<&Vec<u8>> = received
        .iter()
        .filter(|b| summary(b).is_some_and(|s| s.sop_class_uid == ENCAPSULATED_PDF))
        .filter(|b| !is_cover_sheet(b))
        .collect();
    if wrapped.len() != pdfs.len() {
        return Some(format!(
            "{} letters arrived as Encapsulated PDF, expected {}",
            wrapped.len(),
            pdfs.len()
        ));
    }
    for pdf in pdfs {
        let Some(file) = wrapped
            .iter()
            .find(|b| b.windows(pdf.len()).any(|w| w == &pdf[..]))
        else {
            return Some("a letter's PDF is not inside any Encapsulated PDF".into());
        };
        let s = summary(file)?;
        if !studies.contains(&(s.study_instance_uid.clone(), s.patient_id.clone())) {
            return Some(format!(
                "a letter is in study {} of patient {:?}, which no image has",
                s.study_instance_uid, s.patient_id
            ));
        }
    }
    None
}

/// Checks that the photo `jpeg` (stored sideways: black on its left,
/// EXIF orientation 6) arrived inside an Encapsulated PDF in `received`
/// whose page shows it upright: rendered by `pdftoppm` (poppler-utils),
/// the page is portrait and its top half dark. Returns a complaint, if
/// any.
pub fn photo_letter_upright(received: &[Vec<u8>], jpeg: &[u8]) -> Option<String> {
    let Some(file) = received
        .iter()
        .find(|b| b.windows(jpeg.len()).any(|w| w == jpeg))
    else {
        return Some("the photo's JPEG is in no Encapsulated PDF".into());
    };
    let start = file.windows(5).position(|w| w == b"%PDF-")?;
    let dir = tempfile::tempdir().ok()?;
    let pdf = dir.path().join("photo.pdf");
    std::fs::write(&pdf, &file[start..]).ok()?;
    let out = Command::new("pdftoppm")
        .args(["-r", "10", "-gray"])
        .arg(&pdf)
        .arg(dir.path().join("page"))
        .output()
        .expect("pdftoppm (Debian poppler-utils)");
    let pgm = std::fs::read(dir.path().join("page-1.pgm")).ok();
    let Some(pgm) = pgm else {
        return Some(format!(
            "pdftoppm rendered nothing: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    };
    // P5 header: magic, width height, maxval, each ended by a newline.
    let mut parts = pgm.splitn(4, |b| *b == b'\n');
    let (_, size, _, pixels) = (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    let size = String::from_utf8_lossy(size);
    let mut wh = size
        .split_whitespace()
        .filter_map(|n| n.parse::<usize>().ok());
    let (w, h) = (wh.next()?, wh.next()?);
    if w >= h {
        return Some(format!("the photo's page is {w}×{h}, not portrait"));
    }
    let mean = |rows: std::ops::Range<usize>| {
        let px: Vec<u32> = rows
            .flat_map(|y| (w / 4..3 * w / 4).map(move |x| y * w + x))
            .filter_map(|i| pixels.get(i).map(|p| u32::from(*p)))
            .collect();
        px.iter().sum::<u32>() / px.len().max(1) as u32
    };
    let (top, bottom) = (mean(h / 6..h / 3), mean(2 * h / 3..5 * h / 6));
    (top > 64 || bottom < 192)
        .then(|| format!("the photo is not upright: top {top}, bottom {bottom} (0 black)"))
}

/// The Study Instance UIDs of the Encapsulated PDFs in `received` (not
/// cover sheets) that hold the letter `pdf`, one per copy.
pub fn letter_studies(received: &[Vec<u8>], pdf: &[u8]) -> Vec<String> {
    use mailslot_shared::dicom::{inspect, Limits};
    received
        .iter()
        .filter(|b| !is_cover_sheet(b) && b.windows(pdf.len()).any(|w| w == pdf))
        .filter_map(|b| {
            inspect(b, b.len() as u64, &Limits::default())
                .accepted()
                .filter(|s| s.sop_class_uid == ENCAPSULATED_PDF)
                .map(|s| s.study_instance_uid.clone())
        })
        .collect()
}
