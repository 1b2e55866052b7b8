//! The files of one run: the paths given, expanded to `.sla` files, plus every file they
//! import, each read and parsed once. Import problems (missing files, cycles) are reported here,
//! before semantic analysis.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::diagnostics::{Code, Diagnostic, Span};
use crate::source::{normalize, FileId, ReadError, SourceMap};
use crate::syntax::{self, ast, ParsedFile};

/// A problem with the paths slac was given (exit code 2), as opposed to a problem in a spec.
#[derive(Debug)]
pub struct InputError {
    pub path: PathBuf,
    pub reason: String,
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot read `{}`: {}", self.path.display(), self.reason)
    }
}

impl std::error::Error for InputError {}

/// Every file of a run, parsed, with the diagnostics of reading, parsing and importing.
#[derive(Debug, Default)]
pub struct Workspace {
    pub sources: SourceMap,
    pub files: Vec<ParsedFile>,
    /// The files named on the command line (or found in the directories named there).
    pub roots: Vec<FileId>,
    pub diagnostics: Vec<Diagnostic>,
    by_path: HashMap<PathBuf, FileId>,
    /// Files read but not parsed yet, with whether they could not be read as text.
    pending: Vec<(FileId, bool)>,
    /// The project root each file's imports must stay in (canonical), by file id.
    project_roots: HashMap<FileId, PathBuf>,
    /// Whether imports may leave the project root (`--allow-outside`).
    allow_outside: bool,
    /// The identities of every file named in the run (with the caller's numbering), when the
    /// run is loaded in parts (the batches of `slac check`): a file named in another part keeps
    /// its own project root when this part imports it, as a named file does.
    named_in_run: Arc<HashMap<PathBuf, usize>>,
}

/// The project a file belongs to: the nearest folder above it that holds `slac.toml` or `.git`,
/// or the file's own folder when there is none. Canonical, so `..` and links cannot hide.
pub fn project_root(file: &Path) -> PathBuf {
    let folder = identity(file).parent().map(Path::to_path_buf).unwrap_or_default();
    folder
        .ancestors()
        .find(|dir| dir.join("slac.toml").exists() || dir.join(".git").exists())
        .map_or_else(|| folder.clone(), Path::to_path_buf)
}

impl Workspace {
    /// Loads the given files and directories (recursing into `*.sla`), then their imports.
    pub fn load(paths: &[PathBuf]) -> Result<Workspace, InputError> {
        Workspace::load_with(paths, false)
    }

    /// As `load`; with `allow_outside`, imports may leave the project root.
    pub fn load_with(paths: &[PathBuf], allow_outside: bool) -> Result<Workspace, InputError> {
        let mut workspace = Workspace {
            allow_outside,
            ..Workspace::default()
        };
        workspace.load_identified(identified_sla_files(paths)?)?;
        Ok(workspace)
    }

    /// Loads files already expanded and identified (see `identified_sla_files`), then their
    /// imports.
    /// `named_in_run` are the identities of every file named in the run.
    pub fn load_roots(
        roots: Vec<SlaFile>,
        allow_outside: bool,
        named_in_run: Arc<HashMap<PathBuf, usize>>,
    ) -> Result<Workspace, InputError> {
        let mut workspace = Workspace {
            allow_outside,
            named_in_run,
            ..Workspace::default()
        };
        workspace.load_identified(roots)?;
        Ok(workspace)
    }

    fn load_identified(&mut self, files: Vec<SlaFile>) -> Result<(), InputError> {
        let workspace = self;
        // Reading is file-system work for each file, so it runs in parallel; the files are
        // then added in the order given, so ids do not depend on the number of threads.
        let read: Vec<GivenFile> = files.into_par_iter().map(GivenFile::read).collect();
        let mut roots = std::collections::HashSet::new();
        for given in read {
            if given.special {
                let id = workspace.skip_special(&given.path);
                workspace.roots.push(id);
                continue;
            }
            let id = match workspace.by_path.get(&given.identity) {
                Some(&id) => id,
                None => match given.bytes {
                    Ok(bytes) => workspace.add_read(given.identity, &given.path, bytes),
                    Err(error) => {
                        return Err(InputError {
                            path: given.path,
                            reason: error.to_string(),
                        })
                    }
                },
            };
            if roots.insert(id) {
                workspace.roots.push(id);
            }
        }
        workspace.parse_pending();
        workspace.resolve_imports();
        Ok(())
    }

    /// A workspace of one in-memory file; imports resolve relative to `path`'s directory.
    pub fn from_source(path: &Path, text: &str) -> Workspace {
        let mut workspace = Workspace::default();
        let (id, diagnostic) = workspace.sources.add_bytes(
            crate::source::display_path(path),
            path.to_path_buf(),
            text.as_bytes().to_vec(),
        );
        workspace.by_path.insert(identity(path), id);
        workspace.project_roots.insert(id, project_root(path));
        workspace.pending.push((id, diagnostic.is_some()));
        workspace
            .diagnostics
            .extend(diagnostic.map(|p| Diagnostic::unreadable(id, &p)));
        workspace.parse_pending();
        workspace.roots.push(id);
        workspace.resolve_imports();
        workspace
    }

    /// Reads and parses a file once; later calls return the same id.
    fn read(&mut self, path: &Path) -> Result<FileId, ReadError> {
        let key = identity(path);
        if let Some(&id) = self.by_path.get(&key) {
            return Ok(id);
        }
        let bytes = SourceMap::read_bytes(path)?;
        Ok(self.add_read(key, path, bytes))
    }

    /// Adds a file read from `path` (known as `key`), to be parsed with the next batch.
    fn add_read(&mut self, key: PathBuf, path: &Path, bytes: Vec<u8>) -> FileId {
        let (id, diagnostic) =
            self.sources
                .add_bytes(crate::source::display_path(path), path.to_path_buf(), bytes);
        // The file was just read, so `key` is its canonical path.
        self.sources.set_canonical(id, key.clone());
        self.by_path.insert(key, id);
        self.pending.push((id, diagnostic.is_some()));
        self.diagnostics
            .extend(diagnostic.map(|p| Diagnostic::unreadable(id, &p)));
        id
    }

    /// Records a FIFO, device or socket named `*.sla` that a folder search found: a warning,
    /// and nothing read.
    fn skip_special(&mut self, path: &Path) -> FileId {
        let id = self.sources.add(
            crate::source::display_path(path),
            path.to_path_buf(),
            String::new(),
        );
        let diagnostic = Diagnostic::error(
            Code::W322,
            id,
            crate::diagnostics::Span::new(0, 0),
            "not a regular file: skipped",
        )
        .label("a FIFO, device or socket")
        .help("name it on the command line to read it once, or rename it so it does not end in `.sla`");
        self.diagnostics.push(diagnostic);
        id
    }

    /// Parses the files read since the last call, in parallel, keeping them in id order.
    fn parse_pending(&mut self) {
        let pending = std::mem::take(&mut self.pending);
        let sources = &self.sources;
        let parsed: Vec<(ast::File, Vec<Diagnostic>)> = pending
            .par_iter()
            .map(|&(id, unreadable)| {
                if unreadable {
                    (ast::File::default(), Vec::new())
                } else {
                    syntax::parse(id, sources.text(id))
                }
            })
            .collect();
        for ((id, _), (ast, diagnostics)) in pending.into_iter().zip(parsed) {
            self.diagnostics.extend(diagnostics);
            self.files.push(ParsedFile {
                id,
                name: self.sources.name(id).to_string(),
                ast,
                imports: Vec::new(),
            });
        }
    }

    /// Follows imports breadth-first until every imported file is loaded, then reports cycles.
    fn resolve_imports(&mut self) {
        let roots: std::collections::HashSet<FileId> = self.roots.iter().copied().collect();
        // How many imports below a named file each file was first reached (files are visited
        // breadth-first, so this is the shortest chain).
        let mut depth: HashMap<FileId, usize> = HashMap::new();
        let mut index = 0;
        // (importing file, import span, imported file)
        let mut edges: Vec<(FileId, Span, FileId)> = Vec::new();
        loop {
            if index == self.files.len() {
                if self.pending.is_empty() {
                    break;
                }
                self.parse_pending();
            }
            let file_id = self.files[index].id;
            let base = self
                .sources
                .path(file_id)
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_default();
            let imports: Vec<ast::Import> = self.files[index].ast.imports.clone();
            let mut resolved = Vec::new();
            // A file's project root is found when it first matters: when it imports. Imported
            // files share their importer's.
            let project = match self.project_roots.get(&file_id) {
                Some(project) => Some(project.clone()),
                None if !imports.is_empty() => {
                    let project = project_root(self.sources.path(file_id));
                    self.project_roots.insert(file_id, project.clone());
                    Some(project)
                }
                None => None,
            };
            let here = depth.get(&file_id).copied().unwrap_or(0);
            for import in imports {
                if here >= MAX_IMPORT_DEPTH {
                    self.diagnostics.push(import_too_deep(file_id, &import));
                    continue;
                }
                let target = normalize(&base.join(&import.path.value));
                if let (false, Some(project)) = (self.allow_outside, &project) {
                    if !identity(&target).starts_with(project) {
                        self.diagnostics.push(outside_project(file_id, &import));
                        continue;
                    }
                }
                match self.read(&target) {
                    Ok(target_id) => {
                        // A file named on the command line keeps its own project root.
                        let named = roots.contains(&target_id)
                            || self
                                .sources
                                .canonical(target_id)
                                .is_some_and(|identity| self.named_in_run.contains_key(identity));
                        if let (Some(project), false) = (&project, named) {
                            self.project_roots
                                .entry(target_id)
                                .or_insert_with(|| project.clone());
                        }
                        // A file named in the run is a start of its own: its chain counts from it.
                        depth.entry(target_id).or_insert(if named { 0 } else { here + 1 });
                        resolved.push(target_id);
                        edges.push((file_id, import.span, target_id));
                    }
                    Err(error) => {
                        let reason = match error {
                            ReadError::NotFound => "no such file".to_string(),
                            ReadError::IsDirectory => "it is a directory".to_string(),
                            ReadError::Io(e) => e.to_string(),
                        };
                        let diagnostic = Diagnostic::error(
                            Code::E202,
                            file_id,
                            import.path.span,
                            format!("cannot import `{}`: {reason}", import.path.value),
                        )
                        .label(reason)
                        .note(format!("imports are relative to the importing file: this one looked for `{}`", target.display()))
                        .help("write the path of an .sla file relative to this file, such as `import \"corporate.sla\"`");
                        self.diagnostics.push(diagnostic);
                    }
                }
            }
            self.files[index].imports = resolved;
            index += 1;
        }
        self.report_import_cycles(&edges);
    }

    /// Reports one cycle for every group of files that import each other (a strongly
    /// connected component, found with Tarjan's algorithm, so any length costs linear time),
    /// starting from its smallest file.
    fn report_import_cycles(&mut self, edges: &[(FileId, Span, FileId)]) {
        let mut outgoing: HashMap<FileId, Vec<(Span, FileId)>> = HashMap::new();
        for (from, span, to) in edges {
            outgoing.entry(*from).or_default().push((*span, *to));
        }
        for list in outgoing.values_mut() {
            list.sort();
        }
        let mut components = strongly_connected(&outgoing);
        for component in &mut components {
            component.sort_unstable();
        }
        components.sort();
        for component in components {
            let start = component[0];
            let self_import = outgoing
                .get(&start)
                .is_some_and(|list| list.iter().any(|(_, to)| *to == start));
            if component.len() == 1 && !self_import {
                continue;
            }
            if let Some((members, spans)) = cycle_through(&outgoing, &component, start) {
                self.cycle_diagnostic(&members, &spans);
            }
        }
    }

    fn cycle_diagnostic(&mut self, members: &[FileId], spans: &[Span]) {
        // A long cycle is named by its first files and its last, and labelled at its first
        // imports only, so that the message stays readable.
        const SHOWN: usize = 6;
        let names: Vec<&str> = members.iter().map(|m| self.sources.name(*m)).collect();
        let chain = if names.len() > SHOWN + 2 {
            format!(
                "{} → … ({} more) → {} → {}",
                names[..SHOWN].join(" → "),
                names.len() - SHOWN - 1,
                names[names.len() - 1],
                names[0]
            )
        } else {
            format!("{} → {}", names.join(" → "), names[0])
        };
        let mut diagnostic = Diagnostic::error(
            Code::E220,
            members[0],
            spans[0],
            format!("files import each other in a cycle: {chain}"),
        )
        .label(format!("imports `{}`", names.get(1).unwrap_or(&names[0])));
        for (position, member) in members.iter().enumerate().skip(1).take(SHOWN - 1) {
            let next = names.get(position + 1).unwrap_or(&names[0]);
            diagnostic = diagnostic.secondary(*member, spans[position], format!("imports `{next}`"));
        }
        if names.len() > SHOWN {
            diagnostic = diagnostic.note(format!("the cycle runs through {} files", names.len()));
        }
        self.diagnostics.push(diagnostic.help(
            "move the shared terms into a file that the others import, and remove one import of the cycle",
        ));
    }
}

/// `E228`: an import that leaves the project root.
fn outside_project(file: FileId, import: &ast::Import) -> Diagnostic {
    Diagnostic::error(
        Code::E228,
        file,
        import.path.span,
        format!("`{}` is outside the project", import.path.value),
    )
    .label("leaves the project")
    .note("imports stay inside the project: the nearest folder above the file named on the command line that holds slac.toml or .git")
    .help("keep shared specs inside the project and import them from there, or run with `--allow-outside`")
}

/// The strongly connected components of the import graph (Tarjan's algorithm, iterative, so a
/// chain of any length cannot overflow the stack).
fn strongly_connected(outgoing: &HashMap<FileId, Vec<(Span, FileId)>>) -> Vec<Vec<FileId>> {
    let mut nodes: Vec<FileId> = outgoing.keys().copied().collect();
    nodes.sort_unstable();
    let mut index: HashMap<FileId, usize> = HashMap::new();
    let mut low: HashMap<FileId, usize> = HashMap::new();
    let mut on_stack: HashMap<FileId, bool> = HashMap::new();
    let mut stack: Vec<FileId> = Vec::new();
    let mut components = Vec::new();
    let mut counter = 0;
    for root in nodes {
        if index.contains_key(&root) {
            continue;
        }
        // (node, next edge to look at)
        let mut work: Vec<(FileId, usize)> = vec![(root, 0)];
        while let Some(&mut (node, ref mut next)) = work.last_mut() {
            if *next == 0 && !index.contains_key(&node) {
                index.insert(node, counter);
                low.insert(node, counter);
                counter += 1;
                stack.push(node);
                on_stack.insert(node, true);
            }
            let list = outgoing.get(&node).map(Vec::as_slice).unwrap_or(&[]);
            if let Some(&(_, target)) = list.get(*next) {
                *next += 1;
                if !index.contains_key(&target) {
                    work.push((target, 0));
                } else if on_stack.get(&target).copied().unwrap_or(false) {
                    let lowest = low[&node].min(index[&target]);
                    low.insert(node, lowest);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                let lowest = low[&parent].min(low[&node]);
                low.insert(parent, lowest);
            }
            if low[&node] == index[&node] {
                let mut component = Vec::new();
                while let Some(member) = stack.pop() {
                    on_stack.insert(member, false);
                    component.push(member);
                    if member == node {
                        break;
                    }
                }
                components.push(component);
            }
        }
    }
    components
}

/// A path of imports from `start` back to itself within `component`, with the span of each
/// import, found depth-first in import order (each file visited once).
fn cycle_through(
    outgoing: &HashMap<FileId, Vec<(Span, FileId)>>,
    component: &[FileId],
    start: FileId,
) -> Option<(Vec<FileId>, Vec<Span>)> {
    let mut visited = std::collections::HashSet::new();
    let mut members = vec![start];
    let mut spans: Vec<Span> = Vec::new();
    let mut next = vec![0usize];
    visited.insert(start);
    while let Some(position) = next.last_mut() {
        let node = members[members.len() - 1];
        let list = outgoing.get(&node).map(Vec::as_slice).unwrap_or(&[]);
        let Some(&(span, target)) = list.get(*position) else {
            next.pop();
            members.pop();
            spans.pop();
            continue;
        };
        *position += 1;
        if target == start {
            spans.push(span);
            return Some((members, spans));
        }
        if component.binary_search(&target).is_ok() && visited.insert(target) {
            members.push(target);
            spans.push(span);
            next.push(0);
        }
    }
    None
}

/// How many imports deep a chain from a named file may go.
pub const MAX_IMPORT_DEPTH: usize = 64;

fn import_too_deep(file: FileId, import: &ast::Import) -> Diagnostic {
    Diagnostic::error(
        Code::E107,
        file,
        import.path.span,
        format!("this import is more than {MAX_IMPORT_DEPTH} files below the file named on the command line"),
    )
    .label("import chain too deep")
    .help("import the shared files directly from the specs that use them, not through a chain of files")
}

/// The identity of a file for de-duplication: its canonical path where it exists.
pub(crate) fn identity(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| {
        // A file that does not exist yet: absolute, so that it compares with project roots.
        let absolute = std::env::current_dir()
            .map(|d| d.join(path))
            .unwrap_or_else(|_| path.to_path_buf());
        normalize(&absolute)
    })
}

/// A file named on the command line (or found in a folder named there), read ahead.
struct GivenFile {
    path: PathBuf,
    special: bool,
    /// The canonical path, which tells whether two names are one file.
    identity: PathBuf,
    bytes: Result<Vec<u8>, ReadError>,
}

impl GivenFile {
    fn read(file: SlaFile) -> GivenFile {
        GivenFile {
            bytes: match file.special {
                true => Ok(Vec::new()),
                false => SourceMap::read_listed(&file.path, file.len),
            },
            special: file.special,
            identity: file.identity,
            path: file.path,
        }
    }
}

/// A `.sla` file that the paths of a run name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlaFile {
    /// As named, or as found in a folder named.
    pub path: PathBuf,
    /// The canonical path, which tells whether two names are one file.
    pub identity: PathBuf,
    /// The size in bytes when listed (0 when it could not be read then; reading reports why).
    pub len: u64,
    /// A FIFO, device or socket found in a folder: skipped with a warning (W322), never opened.
    /// One named on the command line is read, once.
    pub special: bool,
}

/// The `.sla` files that `paths` name (as `sla_files`), each with its identity and size, in
/// the order of their identities: a run does not depend on the order its paths are given in,
/// nor on how they are spelled. A file
/// found in a folder, not through a link, is the folder's canonical path and its name, so a
/// folder of 10,000 files costs one `realpath` rather than 10,000 (each a `readlink` per
/// component of the path); the others are resolved in parallel. The size costs one `statx`
/// per file, which reading then saves (see `SourceMap::read_listed`).
pub fn identified_sla_files(paths: &[PathBuf]) -> Result<Vec<SlaFile>, InputError> {
    let mut files: Vec<SlaFile> = collect_all(paths)?
        .into_par_iter()
        .map(|found| {
            let len = found
                .len
                .unwrap_or_else(|| std::fs::metadata(&found.path).map_or(0, |m| m.len()));
            let identity = found.identity.unwrap_or_else(|| identity(&found.path));
            SlaFile {
                path: found.path,
                identity,
                len,
                special: found.special,
            }
        })
        .collect();
    // A file named twice (through a link, or as `x.sla` and `./x.sla`) comes first under the
    // spelling that sorts first, which the callers keep.
    files.sort_by(|a, b| (&a.identity, &a.path).cmp(&(&b.identity, &b.path)));
    Ok(files)
}

/// The `.sla` files that `paths` name: files as given, folders searched as `collect` does.
pub fn sla_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, InputError> {
    Ok(collect_all(paths)?.into_iter().map(|found| found.path).collect())
}

/// A file as `collect` finds it, with what the listing tells of it.
struct Found {
    path: PathBuf,
    /// Its canonical path, for a plain file in a folder.
    identity: Option<PathBuf>,
    /// Its size, unless it is a link (or of a type the listing does not give).
    len: Option<u64>,
    /// A FIFO, device or socket found in a folder: never opened (a FIFO would block the run).
    special: bool,
}

fn is_sla(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "sla")
}

/// `collect` over each path, in order.
fn collect_all(paths: &[PathBuf]) -> Result<Vec<Found>, InputError> {
    let mut files = Vec::new();
    for path in paths {
        collect(path, &mut files)?;
    }
    Ok(files)
}

/// Expands a path to the `.sla` files it names, sorted, skipping hidden and `target` folders
/// and links to folders; with each, what the listing gives of it (see `identified_sla_files`).
fn collect(path: &Path, out: &mut Vec<Found>) -> Result<(), InputError> {
    let metadata = std::fs::metadata(path).map_err(|e| InputError {
        path: path.to_path_buf(),
        reason: match e.kind() {
            std::io::ErrorKind::NotFound => "no such file or directory".to_string(),
            _ => e.to_string(),
        },
    })?;
    if !metadata.is_dir() {
        out.push(Found {
            path: path.to_path_buf(),
            identity: None,
            len: Some(metadata.len()),
            special: false,
        });
        return Ok(());
    }
    let entries = std::fs::read_dir(path).map_err(|e| InputError {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })?;
    // The entry's type comes with the listing, so most children cost no system call; the size
    // of a plain `.sla` file is read relative to the open folder. One folder's entries differ
    // only in their names, so they sort as their names do.
    let mut children: Vec<(std::ffi::OsString, Option<std::fs::FileType>, Option<u64>)> = entries
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let name = entry.file_name();
            if name.as_encoded_bytes().starts_with(b".") || name == "target" {
                return None;
            }
            let file_type = entry.file_type().ok();
            let plain = file_type.is_some_and(|t| t.is_file());
            let len = if plain && is_sla(Path::new(&name)) {
                entry.metadata().ok().map(|m| m.len())
            } else {
                None
            };
            Some((name, file_type, len))
        })
        .collect();
    children.sort_by(|a, b| a.0.cmp(&b.0));
    let canonical = std::fs::canonicalize(path).ok();
    for (name, file_type, len) in children {
        let child = path.join(&name);
        // Symbolic links to folders are not followed, so a link loop cannot recurse forever;
        // a linked file is read like any other.
        let (is_link, is_dir) = match file_type {
            Some(t) if t.is_symlink() => (true, child.is_dir()),
            Some(t) => (false, t.is_dir()),
            None => (false, child.is_dir()),
        };
        if is_dir {
            if !is_link {
                collect(&child, out)?;
            }
        } else if is_sla(&child) {
            // A plain file: the folder's canonical path and its name are the file's.
            let plain = file_type.is_some_and(|t| t.is_file());
            let identity = canonical
                .as_ref()
                .filter(|_| plain)
                .map(|folder| folder.join(&name));
            let special = !(plain || is_link && child.is_file());
            out.push(Found {
                path: child,
                identity,
                len,
                special,
            });
        }
    }
    Ok(())
}
