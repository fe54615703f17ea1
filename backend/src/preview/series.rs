//! Which object of a series stands for it: the middle one by Instance
//! Number where the numbers are known, else the first that arrived.

use std::path::Path;

use dicom_dictionary_std::tags;
use dicom_object::OpenFileOptions;

/// One object of a case, as the desk knows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Member<'a> {
    /// Its Series Instance UID.
    pub series: &'a str,
    /// Its upload's id.
    pub upload: &'a str,
    /// Its Instance Number (0020,0013), if it has one.
    pub instance: Option<i64>,
}

/// One `(series UID, upload id)` per series of `objects`, in the order
/// the series first appear: the object with the middle Instance Number
/// (the lower middle of an even count; ties in arrival order) if any
/// object of the series has one, else the series' first object.
pub fn series_previews<'a>(objects: impl IntoIterator<Item = Member<'a>>) -> Vec<(String, String)> {
    let mut series: Vec<(&str, Vec<Member<'a>>)> = Vec::new();
    for member in objects {
        match series.iter_mut().find(|(uid, _)| *uid == member.series) {
            Some((_, members)) => members.push(member),
            None => series.push((member.series, vec![member])),
        }
    }
    series
        .into_iter()
        .filter_map(|(uid, members)| {
            let mut numbered: Vec<(i64, usize)> = members
                .iter()
                .enumerate()
                .filter_map(|(at, m)| Some((m.instance?, at)))
                .collect();
            numbered.sort_unstable();
            let chosen = match numbered.get(numbered.len().saturating_sub(1) / 2) {
                Some(&(_, at)) => members.get(at),
                None => members.first(),
            }?;
            Some((uid.to_string(), chosen.upload.to_string()))
        })
        .collect()
}

/// The Instance Number of the DICOM file at `path`, read from its header
/// (nothing of the pixel data is read); `None` if absent or unreadable.
pub fn instance_number(path: &Path) -> Option<i64> {
    let slim = super::slim::slim(path, &[(0x0020, 0x0013)], false, 0).ok()?;
    let obj = OpenFileOptions::new().from_reader(&slim.file[..]).ok()?;
    let e = obj.element_opt(tags::INSTANCE_NUMBER).ok().flatten()?;
    e.to_int::<i64>()
        .ok()
        .or_else(|| e.to_str().ok()?.trim().parse().ok())
}
