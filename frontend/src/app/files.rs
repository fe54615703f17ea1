//! Getting files into the page: the choose buttons and drag and drop
//! (folders read completely: `readEntries` is called until it returns
//! nothing, as Chromium hands out at most 100 entries per call). The entry
//! API takes callbacks, so the promises are built here by hand (gloo has
//! nothing for it).

use js_sys::{Array, Function, Promise};
use mailslot_shared::letter::{self, LetterRefusal};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    DragEvent, File, FileSystemDirectoryEntry, FileSystemDirectoryReader, FileSystemEntry,
    FileSystemFileEntry, HtmlInputElement,
};

use crate::js::get;
use crate::worker::client::FIRST_BATCH;

/// A chosen file and its label (path within the chosen folder).
pub type Chosen = (File, String);

/// The files of an `<input type=file>`, labelled by their relative path.
pub fn from_input(input: &HtmlInputElement) -> Picked {
    let mut out = Vec::new();
    if let Some(list) = input.files() {
        for i in 0..list.length() {
            if let Some(f) = list.get(i) {
                // `webkitRelativePath` is set for folder picks only.
                let rel = get(&f, "webkitRelativePath")
                    .as_string()
                    .unwrap_or_default();
                let label = if rel.is_empty() { f.name() } else { rel };
                out.push((f, label));
            }
        }
    }
    // Choosing the same folder again must fire `change` again.
    input.set_value("");
    index_after_first_batch(&mut out);
    Picked {
        files: out,
        unreadable: Vec::new(),
    }
}

/// The entries of a drop, taken synchronously (they are only valid during
/// the event).
pub fn dropped_entries(event: &DragEvent) -> (Vec<FileSystemEntry>, Vec<File>) {
    let mut entries = Vec::new();
    let mut loose = Vec::new();
    if let Some(dt) = event.data_transfer() {
        let items = dt.items();
        for i in 0..items.length() {
            let Some(item) = items.get(i) else { continue };
            if item.kind() != "file" {
                continue;
            }
            match item.webkit_get_as_entry() {
                Ok(Some(entry)) => entries.push(entry),
                _ => {
                    if let Ok(Some(f)) = item.get_as_file() {
                        loose.push(f);
                    }
                }
            }
        }
    }
    (entries, loose)
}

/// Calls an entry API that takes (success, error) callbacks.
async fn callback_promise(call: impl FnOnce(&Function, &Function)) -> Result<JsValue, JsValue> {
    let mut call = Some(call);
    let promise = Promise::new(&mut |resolve, reject| {
        if let Some(c) = call.take() {
            c(&resolve, &reject);
        }
    });
    JsFuture::from(promise).await
}

/// One `readEntries` call: the next batch (empty at the end), or `Err`
/// when the browser could not read the folder.
async fn read_batch(reader: &FileSystemDirectoryReader) -> Result<Vec<FileSystemEntry>, ()> {
    let batch = callback_promise(|ok, err| {
        if let Err(e) = reader.read_entries_with_callback_and_callback(ok, err) {
            let _ = err.call1(&JsValue::NULL, &e);
        }
    })
    .await
    .map_err(|_| ())?;
    // The browser hands out entries only; no class check, so that nothing
    // it hands out is dropped without a word.
    Ok(Array::from(&batch)
        .iter()
        .filter(JsValue::is_object)
        .map(JsCast::unchecked_into)
        .collect())
}

async fn entry_file(entry: &FileSystemFileEntry) -> Option<File> {
    callback_promise(|ok, err| entry.file_with_callback_and_callback(ok, err))
        .await
        .ok()?
        .dyn_into()
        .ok()
}

/// What was chosen or dropped.
#[derive(Debug, Default)]
pub struct Picked {
    /// Every file, labelled by its path within the drop, sorted.
    pub files: Vec<Chosen>,
    /// Files and folders (these end in `/`) the browser could not read;
    /// the page lists them as ignored ("could not be read").
    pub unreadable: Vec<String>,
}

/// Every file under the dropped entries, folders read to the end.
pub async fn walk(entries: Vec<FileSystemEntry>, loose: Vec<File>) -> Picked {
    let mut out = Picked {
        files: loose
            .into_iter()
            .map(|f| {
                let n = f.name();
                (f, n)
            })
            .collect(),
        unreadable: Vec::new(),
    };
    let mut stack = entries;
    while let Some(entry) = stack.pop() {
        let label = entry.full_path().trim_start_matches('/').to_owned();
        if entry.is_directory() {
            let dir: FileSystemDirectoryEntry = entry.unchecked_into();
            let reader = dir.create_reader();
            loop {
                match read_batch(&reader).await {
                    Ok(batch) if batch.is_empty() => break,
                    Ok(batch) => stack.extend(batch),
                    Err(()) => {
                        out.unreadable.push(format!("{label}/"));
                        break;
                    }
                }
            }
        } else if entry.is_file() {
            let fe: FileSystemFileEntry = entry.unchecked_into();
            match entry_file(&fe).await {
                Some(f) => out.files.push((f, label)),
                None => out.unreadable.push(label),
            }
        }
    }
    out.files.sort_by(|a, b| a.1.cmp(&b.1));
    index_after_first_batch(&mut out.files);
    out.unreadable.sort();
    out
}

/// Puts a CD's index (`DICOMDIR`) right after the scan's first batch
/// ([`FIRST_BATCH`] files), keeping every file's order otherwise. The scan
/// reads a DICOMDIR whole for its cross-check (~100 ms for 10,000
/// images); first in the scan — where a folder pick puts it, the browser
/// listing a folder's own files before its subfolders — it held up the
/// sender's first sign of progress by that much (first advance 0.59 s,
/// 0.37 s without it). Last in the scan, nothing would be read while it is
/// checked, and the scan would end that much later.
fn index_after_first_batch<T>(files: &mut Vec<(T, String)>) {
    let is_index = |label: &str| {
        label
            .rsplit('/')
            .next()
            .is_some_and(|name| name.eq_ignore_ascii_case("DICOMDIR"))
    };
    if !files.iter().take(FIRST_BATCH).any(|(_, l)| is_index(l)) {
        return;
    }
    let (indexes, mut others): (Vec<_>, Vec<_>) = std::mem::take(files)
        .into_iter()
        .partition(|(_, l)| is_index(l));
    let at = FIRST_BATCH.min(others.len());
    others.splice(at..at, indexes);
    *files = others;
}

/// Why a file is not a letter we accept, if it is not (`shared`'s check,
/// as `mailslot send` and the server make it again).
pub async fn letter_problem(file: &File) -> Option<LetterRefusal> {
    let size = crate::blob::size(file);
    match crate::blob::read_range(file, 0, size.min(letter::SNIFF_LEN as u64)).await {
        Ok(head) => letter::check(&head, size).err(),
        Err(_) => Some(LetterRefusal::NotALetter),
    }
}

#[cfg(test)]
mod tests {
    use super::{index_after_first_batch, FIRST_BATCH};

    fn order(labels: &[&str]) -> Vec<String> {
        let mut files: Vec<((), String)> = labels.iter().map(|l| ((), (*l).to_owned())).collect();
        index_after_first_batch(&mut files);
        files.into_iter().map(|(_, l)| l).collect()
    }

    #[test]
    fn a_cds_index_is_scanned_after_the_first_batch_the_rest_in_order() {
        let images: Vec<String> = (0..20).map(|i| format!("CD/DICOM/IM{i:02}")).collect();
        let mut chosen = vec!["CD/DICOMDIR", "CD/readme.txt"];
        chosen.extend(images.iter().map(String::as_str));
        chosen.push("other/dicomdir");
        let mut want: Vec<&str> = vec!["CD/readme.txt"];
        want.extend(images.iter().take(FIRST_BATCH - 1).map(String::as_str));
        want.extend(["CD/DICOMDIR", "other/dicomdir"]);
        want.extend(images.iter().skip(FIRST_BATCH - 1).map(String::as_str));
        assert_eq!(order(&chosen), want);
        // Fewer files than a batch: the index last. Not in the first batch,
        // or no index: as chosen.
        assert_eq!(order(&["DICOMDIR", "IM1"]), ["IM1", "DICOMDIR"]);
        let late: Vec<String> = images
            .iter()
            .cloned()
            .chain(["CD/DICOMDIR".into()])
            .collect();
        let late: Vec<&str> = late.iter().map(String::as_str).collect();
        assert_eq!(order(&late), late);
        assert_eq!(
            order(&["CD/DICOMDIR.txt", "IM1"]),
            ["CD/DICOMDIR.txt", "IM1"]
        );
    }
}
