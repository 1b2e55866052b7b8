//! Writing what slac produces to where the user asked, without harming what is there: a regular
//! file is replaced atomically and keeps its mode, owner and hard links; a symbolic link is
//! written through to its target; a device, a FIFO or `-` (standard output) is written directly;
//! a folder is refused. Temporary files are removed even when the process is interrupted
//! (`remove_temporaries`, called by the binary's signal handler).

use std::fs::{self, File, OpenOptions, Permissions};
use std::io::{self, Write};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Temporary files being written, for the signal handler to remove.
static TEMPORARIES: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// How many symbolic links are followed before the path is refused, as the kernel's ELOOP.
const MAX_LINKS: usize = 40;

/// Writes `contents` to `path`; `-` is standard output.
pub fn write(path: &Path, contents: &[u8]) -> io::Result<()> {
    write_with(path, |out| out.write_all(contents))
}

/// Writes what `fill` writes to `path`, as `write` does, without holding it all in memory. A
/// regular file is replaced only if `fill` succeeds; standard output, a device or a FIFO has
/// what was written before the error.
pub fn write_with(path: &Path, fill: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> io::Result<()> {
    if path.as_os_str() == "-" {
        let mut stdout = io::BufWriter::new(io::stdout().lock());
        fill(&mut stdout)?;
        return stdout.flush();
    }
    let target = resolve_links(path)?;
    match fs::metadata(&target) {
        Err(error) if error.kind() == io::ErrorKind::NotFound => replace_atomically(&target, fill, None),
        Err(error) => Err(error),
        Ok(meta) if meta.is_dir() => Err(io::Error::new(
            io::ErrorKind::IsADirectory,
            "it is a folder: name a file",
        )),
        Ok(meta) if !meta.is_file() => {
            // A device or a FIFO: a rename would replace it with a regular file.
            let mut file = io::BufWriter::new(OpenOptions::new().write(true).open(&target)?);
            fill(&mut file)?;
            file.flush()
        }
        Ok(meta) if meta.nlink() > 1 => {
            // A rename would split the hard links; the links stay one file only if it is
            // rewritten in place, which a reader may see half-written.
            let file = OpenOptions::new().write(true).truncate(true).open(&target)?;
            let mut buffered = io::BufWriter::new(&file);
            fill(&mut buffered)?;
            buffered.flush()?;
            drop(buffered);
            file.sync_all()
        }
        Ok(meta) => replace_atomically(&target, fill, Some(&meta)),
    }
}

/// The file a path names once its symbolic links are followed; a dangling link names the file
/// it would create.
fn resolve_links(path: &Path) -> io::Result<PathBuf> {
    let mut current = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        match fs::symlink_metadata(&current) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let link = fs::read_link(&current)?;
                current = match current.parent() {
                    Some(parent) if link.is_relative() => parent.join(link),
                    _ => link,
                };
            }
            _ => return Ok(current),
        }
    }
    Err(io::Error::other("too many levels of symbolic links"))
}

/// Writes a temporary file beside `target` and renames it over `target`. A new file gets mode
/// 0666 less the umask, as any program's new file; an existing one keeps its mode and owner.
fn replace_atomically(
    target: &Path,
    contents: impl FnOnce(&mut dyn Write) -> io::Result<()>,
    existing: Option<&fs::Metadata>,
) -> io::Result<()> {
    let folder = match target.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let temporary = tempfile::Builder::new()
        .prefix(".slac-")
        .suffix(".tmp")
        .make_in(folder, |path| {
            let file = OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o666)
                .open(path)?;
            if let Ok(mut pending) = TEMPORARIES.lock() {
                pending.push(path.to_path_buf());
            }
            Ok(file)
        })?;
    let path = temporary.path().to_path_buf();
    let result = fill(temporary.as_file(), contents, existing)
        .and_then(|()| temporary.persist(target).map(drop).map_err(|e| e.error));
    if let Ok(mut pending) = TEMPORARIES.lock() {
        pending.retain(|p| p != &path);
    }
    result
}

fn fill(
    file: &File,
    contents: impl FnOnce(&mut dyn Write) -> io::Result<()>,
    existing: Option<&fs::Metadata>,
) -> io::Result<()> {
    let mut buffered = io::BufWriter::new(file);
    contents(&mut buffered)?;
    buffered.flush()?;
    drop(buffered);
    if let Some(meta) = existing {
        file.set_permissions(Permissions::from_mode(meta.mode() & 0o7777))?;
        // Only root may give a file away; anyone else keeps their own ownership.
        let _ = std::os::unix::fs::fchown(file, Some(meta.uid()), Some(meta.gid()));
    }
    file.sync_all()
}

/// Removes the temporary files of writes under way. For a signal handler: the process is about
/// to exit, and their destructors will not run.
pub fn remove_temporaries() {
    remove_temporaries_where(|_| true);
}

/// Removes the temporary files under way that `chosen` picks.
fn remove_temporaries_where(chosen: impl Fn(&Path) -> bool) {
    if let Ok(pending) = TEMPORARIES.lock() {
        for path in pending.iter().filter(|path| chosen(path)) {
            let _ = fs::remove_file(path);
        }
    }
}

/// Whether `output` and `input` are the same file (through links, `..` or another name).
pub fn same_file(output: &Path, input: &Path) -> bool {
    let (Ok(a), Ok(b)) = (fs::metadata(output), fs::metadata(input)) else {
        return false;
    };
    a.dev() == b.dev() && a.ino() == b.ino()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(path: &Path) -> String {
        fs::read_to_string(path).unwrap_or_default()
    }

    #[test]
    fn a_file_keeps_its_mode_links_and_symlinks() -> io::Result<()> {
        let folder = tempfile::tempdir()?;
        let file = folder.path().join("rules.yml");
        fs::write(&file, "old")?;
        fs::set_permissions(&file, Permissions::from_mode(0o754))?;
        write(&file, b"new")?;
        assert_eq!(read(&file), "new");
        assert_eq!(fs::metadata(&file)?.mode() & 0o7777, 0o754);

        let hard = folder.path().join("hard.yml");
        fs::hard_link(&file, &hard)?;
        write(&hard, b"through a hard link")?;
        assert_eq!(read(&file), "through a hard link");

        let link = folder.path().join("link.yml");
        std::os::unix::fs::symlink("rules.yml", &link)?;
        write(&link, b"through a symlink")?;
        assert!(fs::symlink_metadata(&link)?.file_type().is_symlink());
        assert_eq!(read(&file), "through a symlink");

        assert!(write(folder.path(), b"x").is_err());
        let names: Vec<_> = fs::read_dir(folder.path())?
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(names.len(), 3, "no temporary file is left: {names:?}");
        Ok(())
    }

    #[test]
    fn temporaries_under_way_are_removed_on_demand() -> io::Result<()> {
        let folder = tempfile::tempdir()?;
        let pending = folder.path().join(".slac-pending.tmp");
        fs::write(&pending, "half")?;
        if let Ok(mut list) = TEMPORARIES.lock() {
            list.push(pending.clone());
        }
        // Only this test's: the other tests of the process may be writing files right now.
        remove_temporaries_where(|path| path.starts_with(folder.path()));
        assert!(!pending.exists());
        Ok(())
    }

    #[test]
    fn a_device_is_written_not_replaced() -> io::Result<()> {
        let null = Path::new("/dev/null");
        if !null.exists() {
            return Ok(());
        }
        write(null, b"discarded")?;
        assert!(!fs::metadata(null)?.is_file());
        Ok(())
    }
}
