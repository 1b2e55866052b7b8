//! The files of one run: their names, their text, and the limits applied when reading them.
//!
//! Line and column numbers are computed here, once, through codespan-reporting's `Files`.

use std::fmt;
use std::io::Read;
use std::path::{Component, Path, PathBuf};
use std::sync::OnceLock;

use codespan_reporting::files::{self, Files};

pub type FileId = usize;

/// The largest file slac reads (16 MiB); larger ones get `E102`.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

#[derive(Debug, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
    paths: Vec<PathBuf>,
    /// The canonical path of each file read from disk, once it is known.
    canonical: Vec<Option<PathBuf>>,
}

/// One file's name and text. Unlike codespan's `SimpleFile`, the line index is built the first
/// time a line number is asked for: most files of a run are never reported on, and indexing
/// every line of every file cost 2% of a clean check.
#[derive(Debug)]
struct SourceFile {
    name: String,
    text: String,
    /// The byte offset where each line starts.
    line_starts: OnceLock<Vec<usize>>,
}

impl SourceFile {
    fn line_starts(&self) -> &[usize] {
        self.line_starts
            .get_or_init(|| files::line_starts(&self.text).collect())
    }

    /// Where line `index` (0-based) starts; the line after the last ends the text.
    fn line_start(&self, index: usize) -> Result<usize, files::Error> {
        let starts = self.line_starts();
        match index.cmp(&starts.len()) {
            std::cmp::Ordering::Less => Ok(starts[index]),
            std::cmp::Ordering::Equal => Ok(self.text.len()),
            std::cmp::Ordering::Greater => Err(files::Error::LineTooLarge {
                given: index,
                max: starts.len() - 1,
            }),
        }
    }
}

/// Why a path could not be read at all (as opposed to read with a diagnostic).
#[derive(Debug)]
pub enum ReadError {
    NotFound,
    IsDirectory,
    Io(std::io::Error),
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::NotFound => f.write_str("no such file"),
            ReadError::IsDirectory => f.write_str("it is a directory"),
            ReadError::Io(e) => write!(f, "{e}"),
        }
    }
}

/// A half-open byte range in one file.
///
/// Stored as two `u32`s, since every node of the syntax tree, every entry of the location table
/// and every label carries one: files are refused above 16 MiB (`source::MAX_FILE_BYTES`), so
/// no offset needs more. An offset past `u32::MAX` (which no accepted file has) is clamped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Span {
    start: u32,
    end: u32,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        let narrow = |offset: usize| u32::try_from(offset).unwrap_or(u32::MAX);
        Self {
            start: narrow(start),
            end: narrow(end),
        }
    }

    /// The byte offset where the span starts.
    pub fn start(self) -> usize {
        self.start as usize
    }

    /// The byte offset just past the span.
    pub fn end(self) -> usize {
        self.end as usize
    }

    /// The span as a range of byte offsets, for slicing the text it points into.
    pub fn range(self) -> std::ops::Range<usize> {
        self.start()..self.end()
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

/// Why the bytes of a file are not taken as its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unreadable {
    /// Larger than `limit` bytes.
    TooLarge { limit: u64 },
    /// Not UTF-8: the first bad `byte`, at `offset`.
    NotUtf8 { offset: usize, byte: u8 },
}

impl SourceMap {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds text under a display name; used for files read elsewhere and for tests.
    pub fn add(&mut self, name: impl Into<String>, path: impl Into<PathBuf>, text: String) -> FileId {
        self.files.push(SourceFile {
            name: name.into(),
            text,
            line_starts: OnceLock::new(),
        });
        self.paths.push(path.into());
        self.canonical.push(None);
        self.files.len() - 1
    }

    /// Reads a file, applying the size limit and the UTF-8 check. A file that is too large or
    /// not UTF-8 is still added (so diagnostics can point into it) and why is returned.
    pub fn load(&mut self, path: &Path) -> Result<(FileId, Option<Unreadable>), ReadError> {
        let bytes = Self::read_bytes(path)?;
        Ok(self.add_bytes(display_path(path), path.to_path_buf(), bytes))
    }

    /// Reads a file's bytes, at most one byte past the size limit (so `add_bytes` can tell
    /// that it is too large). Needs no map, so files can be read in parallel.
    pub fn read_bytes(path: &Path) -> Result<Vec<u8>, ReadError> {
        let file = open(path)?;
        let metadata = file.metadata().map_err(ReadError::Io)?;
        if metadata.is_dir() {
            return Err(ReadError::IsDirectory);
        }
        read_open(file, metadata.len())
    }

    /// As `read_bytes`, for a file whose size a folder's listing gave (`len`): that saves
    /// asking for it again. A size that changed since is only a worse guess, and a folder
    /// put in the file's place is refused when read.
    pub fn read_listed(path: &Path, len: u64) -> Result<Vec<u8>, ReadError> {
        read_open(open(path)?, len)
    }

    /// Adds raw bytes, checking size and encoding. A file that is too large is added empty,
    /// one that is not UTF-8 with U+FFFD for each bad sequence, so that a diagnostic can point
    /// into it (`Diagnostic::unreadable`).
    pub fn add_bytes(&mut self, name: String, path: PathBuf, bytes: Vec<u8>) -> (FileId, Option<Unreadable>) {
        if bytes.len() as u64 > MAX_FILE_BYTES {
            let id = self.add(name, path, String::new());
            return (
                id,
                Some(Unreadable::TooLarge {
                    limit: MAX_FILE_BYTES,
                }),
            );
        }
        match String::from_utf8(bytes) {
            Ok(text) => (self.add(name, path, text), None),
            Err(error) => {
                let offset = error.utf8_error().valid_up_to();
                let byte = error.as_bytes()[offset];
                let text = String::from_utf8_lossy(error.as_bytes()).into_owned();
                (
                    self.add(name, path, text),
                    Some(Unreadable::NotUtf8 { offset, byte }),
                )
            }
        }
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    pub fn ids(&self) -> impl Iterator<Item = FileId> {
        0..self.files.len()
    }

    pub fn name(&self, id: FileId) -> &str {
        self.files.get(id).map(|f| f.name.as_str()).unwrap_or("<unknown>")
    }

    /// Records the canonical path of a file (found when it was read), so later stages need not
    /// resolve it again.
    pub fn set_canonical(&mut self, id: FileId, canonical: PathBuf) {
        if let Some(slot) = self.canonical.get_mut(id) {
            *slot = Some(canonical);
        }
    }

    /// The canonical path of a file, if it was recorded.
    pub fn canonical(&self, id: FileId) -> Option<&Path> {
        self.canonical.get(id)?.as_deref()
    }

    pub fn path(&self, id: FileId) -> &Path {
        self.paths.get(id).map(PathBuf::as_path).unwrap_or(Path::new(""))
    }

    pub fn text(&self, id: FileId) -> &str {
        self.files.get(id).map(|f| f.text.as_str()).unwrap_or("")
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_column(&self, id: FileId, offset: usize) -> (usize, usize) {
        match self.location(id, offset) {
            Ok(location) => (location.line_number, location.column_number),
            Err(_) => (1, 1),
        }
    }
}

impl<'a> Files<'a> for SourceMap {
    type FileId = FileId;
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, id: FileId) -> Result<&'a str, files::Error> {
        self.files
            .get(id)
            .map(|f| f.name.as_str())
            .ok_or(files::Error::FileMissing)
    }

    fn source(&'a self, id: FileId) -> Result<&'a str, files::Error> {
        self.files
            .get(id)
            .map(|f| f.text.as_str())
            .ok_or(files::Error::FileMissing)
    }

    fn line_index(&'a self, id: FileId, byte_index: usize) -> Result<usize, files::Error> {
        let starts = self.files.get(id).ok_or(files::Error::FileMissing)?.line_starts();
        Ok(starts.binary_search(&byte_index).unwrap_or_else(|next| next - 1))
    }

    fn line_range(&'a self, id: FileId, line_index: usize) -> Result<std::ops::Range<usize>, files::Error> {
        let file = self.files.get(id).ok_or(files::Error::FileMissing)?;
        Ok(file.line_start(line_index)?..file.line_start(line_index + 1)?)
    }
}

/// A path as users wrote it, without `./` noise, with `/` separators on every platform so that
/// output is the same on every machine.
pub fn display_path(path: &Path) -> String {
    let normal = normalize(path);
    let parts: Vec<String> = normal
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let joined = parts.join("/");
    if normal.has_root() && !joined.starts_with('/') {
        format!("/{joined}")
    } else if joined.is_empty() {
        ".".to_string()
    } else {
        joined.replace("//", "/")
    }
}

/// Removes `.` and folds `dir/..` lexically (without touching the file system).
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                let last_is_normal = matches!(out.components().next_back(), Some(Component::Normal(_)));
                if last_is_normal {
                    out.pop();
                } else {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

fn open(path: &Path) -> Result<std::fs::File, ReadError> {
    std::fs::File::open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => ReadError::NotFound,
        _ => ReadError::Io(e),
    })
}

/// Reads an open file of about `expected` bytes, sized so that it takes one call (and one more
/// to see the end), stopping one byte past the size limit.
fn read_open(file: std::fs::File, expected: u64) -> Result<Vec<u8>, ReadError> {
    let expected = expected.min(MAX_FILE_BYTES + 1);
    let mut bytes = Vec::with_capacity(usize::try_from(expected).unwrap_or(0) + 1);
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| match e.raw_os_error() {
            // EISDIR: a folder (some platforms only say so on read).
            Some(21) => ReadError::IsDirectory,
            _ => ReadError::Io(e),
        })?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A listed size is only a guess at the capacity: a file that grew or shrank since it was
    /// listed is read whole, and a folder in its place is refused.
    #[test]
    fn a_file_is_read_whole_whatever_size_was_listed() -> std::io::Result<()> {
        let folder = tempfile::tempdir()?;
        let path = folder.path().join("a.sla");
        let text = "agreement a \"A\" {}\n".repeat(100);
        std::fs::write(&path, &text)?;
        for listed in [0, 1, text.len() as u64, 1 << 40] {
            let bytes = SourceMap::read_listed(&path, listed).ok();
            assert_eq!(
                bytes.as_deref(),
                Some(text.as_bytes()),
                "listed as {listed} bytes"
            );
        }
        assert!(matches!(
            SourceMap::read_listed(folder.path(), 10),
            Err(ReadError::IsDirectory)
        ));
        assert!(matches!(
            SourceMap::read_listed(&folder.path().join("gone.sla"), 10),
            Err(ReadError::NotFound)
        ));
        Ok(())
    }

    /// The lazy line index answers as codespan's `SimpleFile` does, at every offset and line.
    #[test]
    fn lines_are_found_as_codespan_finds_them() {
        use codespan_reporting::files::SimpleFile;
        for text in [
            "",
            "one line",
            "a\nb\n",
            "\n\n",
            "crlf\r\nline\r\n",
            "ünï\ncode\nend",
        ] {
            let mut map = SourceMap::new();
            let id = map.add("t.sla", "t.sla", text.to_string());
            let reference = SimpleFile::new("t.sla", text);
            for offset in 0..=text.len() {
                assert_eq!(
                    map.line_index(id, offset).ok(),
                    reference.line_index((), offset).ok(),
                    "{text:?} at {offset}"
                );
            }
            for line in 0..text.len() + 3 {
                assert_eq!(
                    map.line_range(id, line).ok(),
                    reference.line_range((), line).ok(),
                    "{text:?} line {line}"
                );
            }
        }
    }

    #[test]
    fn paths_display_without_noise() {
        assert_eq!(display_path(Path::new("./a/./b/../c.sla")), "a/c.sla");
        assert_eq!(display_path(Path::new("../x.sla")), "../x.sla");
        assert_eq!(display_path(Path::new("/tmp/x.sla")), "/tmp/x.sla");
    }

    #[test]
    fn non_utf8_points_at_the_first_bad_byte() {
        let mut map = SourceMap::new();
        let (id, problem) = map.add_bytes("x.sla".into(), "x.sla".into(), b"ab\xFFcd".to_vec());
        assert_eq!(
            problem,
            Some(Unreadable::NotUtf8 {
                offset: 2,
                byte: 0xFF
            })
        );
        assert_eq!(map.line_column(id, 2), (1, 3));
    }
}
