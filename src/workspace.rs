//! The files of one run: the paths given, expanded to `.sla` files, plus every file they
//! import, each read and parsed once. Import problems (missing files, cycles) are reported here,
//! before semantic analysis.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

use crate::diagnostics::{Code, Diagnostic, Span};
use crate::sema::ParsedFile;
use crate::source::{normalize, FileId, ReadError, SourceMap};
use crate::syntax::{self, ast};

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
}

impl Workspace {
    /// Loads the given files and directories (recursing into `*.sla`), then their imports.
    pub fn load(paths: &[PathBuf]) -> Result<Workspace, InputError> {
        let mut workspace = Workspace::default();
        let mut files = Vec::new();
        for path in paths {
            collect(path, &mut files)?;
        }
        let mut roots = std::collections::HashSet::new();
        for path in files {
            let id = match workspace.read(&path) {
                Ok(id) => id,
                Err(error) => {
                    return Err(InputError {
                        path,
                        reason: error.to_string(),
                    })
                }
            };
            if roots.insert(id) {
                workspace.roots.push(id);
            }
        }
        workspace.parse_pending();
        workspace.resolve_imports();
        Ok(workspace)
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
        workspace.diagnostics.extend(diagnostic.clone());
        workspace.pending.push((id, diagnostic.is_some()));
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
        let (id, diagnostic) = self.sources.load(path)?;
        self.by_path.insert(key, id);
        self.pending.push((id, diagnostic.is_some()));
        self.diagnostics.extend(diagnostic);
        Ok(id)
    }

    /// Parses the files read since the last call, in parallel, keeping them in id order.
    fn parse_pending(&mut self) {
        use rayon::prelude::*;
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
            for import in imports {
                let target = normalize(&base.join(&import.path.value));
                match self.read(&target) {
                    Ok(target_id) => {
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

    fn report_import_cycles(&mut self, edges: &[(FileId, Span, FileId)]) {
        let mut outgoing: HashMap<FileId, Vec<(Span, FileId)>> = HashMap::new();
        for (from, span, to) in edges {
            outgoing.entry(*from).or_default().push((*span, *to));
        }
        for list in outgoing.values_mut() {
            list.sort();
        }
        let mut reported: Vec<Vec<FileId>> = Vec::new();
        let mut starts: Vec<FileId> = outgoing.keys().copied().collect();
        starts.sort_unstable();
        for start in starts {
            // Depth-first search for a path back to `start`, through files > start only, so each
            // cycle is found once, from its smallest file.
            let mut stack: Vec<(FileId, usize)> = vec![(start, 0)];
            let mut path_spans: Vec<Span> = Vec::new();
            let mut on_path: Vec<FileId> = vec![start];
            while let Some((node, next)) = stack.last_mut() {
                let node = *node;
                let list = outgoing.get(&node).map(Vec::as_slice).unwrap_or(&[]);
                let Some(&(span, target)) = list.get(*next) else {
                    stack.pop();
                    on_path.pop();
                    path_spans.pop();
                    continue;
                };
                *next += 1;
                if target == start {
                    let mut spans = path_spans.clone();
                    spans.push(span);
                    let mut members = on_path.clone();
                    members.sort_unstable();
                    if !reported.contains(&members) {
                        reported.push(members);
                        self.cycle_diagnostic(&on_path, &spans);
                    }
                } else if target > start && !on_path.contains(&target) && on_path.len() < 64 {
                    stack.push((target, 0));
                    on_path.push(target);
                    path_spans.push(span);
                }
            }
        }
    }

    fn cycle_diagnostic(&mut self, members: &[FileId], spans: &[Span]) {
        let names: Vec<&str> = members.iter().map(|m| self.sources.name(*m)).collect();
        let chain = format!("{} → {}", names.join(" → "), names[0]);
        let mut diagnostic = Diagnostic::error(
            Code::E220,
            members[0],
            spans[0],
            format!("files import each other in a cycle: {chain}"),
        )
        .label(format!("imports `{}`", names.get(1).unwrap_or(&names[0])));
        for (position, member) in members.iter().enumerate().skip(1) {
            let next = names.get(position + 1).unwrap_or(&names[0]);
            diagnostic = diagnostic.secondary(*member, spans[position], format!("imports `{next}`"));
        }
        self.diagnostics.push(diagnostic.help(
            "move the shared terms into a file that the others import, and remove one import of the cycle",
        ));
    }
}

/// The identity of a file for de-duplication: its canonical path where it exists.
fn identity(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| normalize(path))
}

/// The `.sla` files that `paths` name: files as given, folders searched as `collect` does.
pub fn sla_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, InputError> {
    let mut files = Vec::new();
    for path in paths {
        collect(path, &mut files)?;
    }
    Ok(files)
}

/// Expands a path to the `.sla` files it names, sorted, skipping hidden and `target` folders
/// and links to folders.
fn collect(path: &Path, out: &mut Vec<PathBuf>) -> Result<(), InputError> {
    let metadata = std::fs::metadata(path).map_err(|e| InputError {
        path: path.to_path_buf(),
        reason: match e.kind() {
            std::io::ErrorKind::NotFound => "no such file or directory".to_string(),
            _ => e.to_string(),
        },
    })?;
    if !metadata.is_dir() {
        out.push(path.to_path_buf());
        return Ok(());
    }
    let entries = std::fs::read_dir(path).map_err(|e| InputError {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })?;
    let mut children: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    children.sort();
    for child in children {
        let name = child
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if name.starts_with('.') || name == "target" {
            continue;
        }
        // Symbolic links to folders are not followed, so a link loop cannot recurse forever;
        // a linked file is read like any other.
        let is_link = std::fs::symlink_metadata(&child).is_ok_and(|m| m.file_type().is_symlink());
        if child.is_dir() {
            if !is_link {
                collect(&child, out)?;
            }
        } else if child.extension().is_some_and(|e| e == "sla") {
            out.push(child);
        }
    }
    Ok(())
}
