//! Durable file operations: write to a temporary name, fsync, rename, fsync
//! the directory. After any of these returns, the data survives a crash.
//!
//! Everything under the data directory holds patient data or keys: the
//! folders made here are 0700 and the files 0600, whatever the umask.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::Path;

/// fsyncs a directory so that a rename or create in it is durable.
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

/// The directory holding `path`; `.` for a bare relative name.
fn parent_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Creates `dir` (and missing parents, 0700) and makes the creation durable.
///
/// A folder found already there is taken as durable (no fsync: the inbox
/// asks for its submission's folder once per object). The call that made
/// it synced its parent; a process that crashed between the two left it
/// to [`sync_tree`] at the next start.
pub fn create_dir_all(dir: &Path) -> io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)?;
    sync_dir(parent_of(dir))
}

/// fsyncs `dir` and every folder directly in it: at start, so that folders
/// whose creation a crash interrupted before its fsync are durable before
/// [`create_dir_all`] takes them as such.
pub fn sync_tree(dir: &Path) -> io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_type()?.is_dir() {
            sync_dir(&entry.path())?;
        }
    }
    sync_dir(dir)
}

/// Creates an empty private file (0600) unless `path` exists.
pub fn create_private_if_missing(path: &Path) -> io::Result<()> {
    match OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
    {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

/// Creates (or truncates) a private file (0600) for writing.
pub fn create_private(path: &Path) -> io::Result<File> {
    OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
}

/// Writes `bytes` to `path` atomically and durably with the given mode.
pub fn write_atomic(path: &Path, bytes: &[u8], mode: u32) -> io::Result<()> {
    write_atomic_with(path, mode, |f| f.write_all(bytes))
}

/// Writes what `write` writes to `path` atomically and durably with the
/// given mode (a temporary file beside it, fsynced, renamed, the folder
/// fsynced); on failure the temporary file is removed.
pub fn write_atomic_with(
    path: &Path,
    mode: u32,
    write: impl FnOnce(&mut File) -> io::Result<()>,
) -> io::Result<()> {
    let dir = path
        .parent()
        .ok_or_else(|| io::Error::other("path has no parent"))?;
    let tmp = path.with_extension("tmp");
    let written = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(mode)
        .open(&tmp)
        .and_then(|mut f| {
            write(&mut f)?;
            f.sync_all()
        });
    if let Err(e) = written {
        let _ = fs::remove_file(&tmp);
        return Err(e);
    }
    fs::rename(&tmp, path)?;
    sync_dir(dir)
}

/// Renames `from` to `to` (same file system) and fsyncs both directories.
pub fn rename(from: &Path, to: &Path) -> io::Result<()> {
    fs::rename(from, to)?;
    sync_dir(parent_of(to))?;
    if parent_of(from) != parent_of(to) {
        sync_dir(parent_of(from))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_names_have_the_current_directory_as_parent() {
        // The default data directory is the bare name `mailslot-data`.
        assert_eq!(parent_of(Path::new("mailslot-data")), Path::new("."));
        assert_eq!(parent_of(Path::new("a/b")), Path::new("a"));
        assert!(sync_dir(parent_of(Path::new("mailslot-data"))).is_ok());
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("x/file");
        create_dir_all(file.parent().unwrap()).unwrap();
        write_atomic(&file, b"x", 0o600).unwrap();
        rename(&file, &dir.path().join("moved")).unwrap();
        assert_eq!(std::fs::read(dir.path().join("moved")).unwrap(), b"x");
    }
}
