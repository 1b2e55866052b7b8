//! Checking a run in batches of files, so that memory is bounded by a batch, not by the run:
//! `slac check` on 10,000 files holds 32 of them (with what they import) at a time.
//!
//! Each batch is loaded, analyzed and linted as a run of its own, its diagnostics are handed
//! over file by file, and it is dropped, all while the next is read and analyzed (so at most
//! two are held). What the files of a batch need from elsewhere they import, and imports are
//! loaded with the batch, so a file's diagnostics do not depend on how the run is cut (lints
//! skip only the files that reach an error, see [`crate::lint`]). Across batches, this module keeps what a whole run would
//! compare: which agreement ids are taken (`E203`), which imported and configuration files
//! were already reported, and the import graph, so that output comes in the order of a whole
//! run: the files named, in order, then the files only imported, in the order they are first
//! imported, then configuration files.
//!
//! Two differences remain, both about an agreement id defined twice in different batches.
//! The definition in the later batch is the one reported (`E203`), whereas a whole run
//! reports the one in the file it numbers later: the same, except when the earlier batch only
//! imports its file (a whole run numbers imported files after every named file). And the
//! second definition is still analyzed, so its other errors are reported too, where a whole
//! run skips it.

use std::collections::{HashMap, HashSet, VecDeque};
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::NaiveDate;

use crate::diagnostics::{Code, Diagnostic, Span};
use crate::ir::key;
use crate::source::{FileId, SourceMap};
use crate::workspace::{self, InputError, Workspace};
use crate::Checked;

/// How many named files a batch holds (their imports come on top). On the 10,000-file corpus
/// of BENCHMARKS.md on two threads, 32 keeps the peak resident set at 21.4 to 21.6 MiB (48:
/// 22.9 to 23.9, 64: 24.9 to 25.7, 128: 34.4 to 44.7) at the speed of the larger batches
/// (0.64 to 0.68 s for 32, 48 and 64; 0.65 to 0.74 s for 128; three runs each); fewer files
/// per batch leave the two cores less to share.
pub const BATCH_FILES: usize = 32;

/// What a run found, in all.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Totals {
    /// `.sla` files checked, imports included.
    pub files: usize,
    pub errors: usize,
    pub warnings: usize,
}

/// Why a run in batches stopped.
#[derive(Debug)]
pub enum BatchError {
    /// A path that cannot be read (exit code 2).
    Input(InputError),
    /// The diagnostics could not be written.
    Output(io::Error),
}

impl fmt::Display for BatchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BatchError::Input(error) => write!(f, "{error}"),
            BatchError::Output(error) => write!(f, "cannot write the diagnostics: {error}"),
        }
    }
}

impl std::error::Error for BatchError {}

/// Receives the diagnostics of one file (non-empty, sorted), with the sources their labels
/// point into. It is called from one thread at a time, in the order of the run, but not
/// always from the same thread.
pub type Emit<'a> = dyn FnMut(&SourceMap, &[Diagnostic]) -> io::Result<()> + Send + 'a;

/// Checks and lints `paths` (files and folders, as `crate::check`) in batches of `batch_files`
/// named files, handing each file's diagnostics to `emit` in the order a whole run sorts them.
pub fn check_in_batches(
    paths: &[PathBuf],
    allow_outside: bool,
    today: NaiveDate,
    batch_files: usize,
    emit: &mut Emit<'_>,
) -> Result<Totals, BatchError> {
    let given = workspace::sla_files(paths).map_err(BatchError::Input)?;
    // Each file once, in the order given, as a whole run takes them.
    let mut named: HashMap<PathBuf, usize> = HashMap::new();
    let mut roots: Vec<(PathBuf, PathBuf)> = Vec::new();
    for (path, identity) in workspace::identify(given) {
        if !named.contains_key(&identity) {
            named.insert(identity.clone(), roots.len());
            roots.push((path, identity));
        }
    }
    // Shared with each batch's workspace: named files keep their own project root in
    // whichever batch imports them.
    let mut run = Run {
        named: Arc::new(named),
        ..Run::default()
    };
    // Each batch is linted, reported and freed while the next is read and analyzed, which
    // needs nothing from `run`: on two threads, the parallel work of each fills the other's
    // gaps. On one, they run in turn, the earlier batch first.
    let mut previous: Option<(Checked, HashSet<FileId>)> = None;
    for batch in roots.chunks(batch_files.max(1)) {
        let named = Arc::clone(&run.named);
        let (settled, loaded) = rayon::join(
            || run.settle(previous.take(), today, emit),
            || Workspace::load_roots(batch.to_vec(), allow_outside, named).map(crate::analyze),
        );
        settled.map_err(BatchError::Output)?;
        let mut checked = loaded.map_err(BatchError::Input)?;
        // After the previous batch's report, which records the files it reported.
        let helpers = run.taken_ids(&mut checked);
        previous = Some((checked, helpers));
    }
    run.settle(previous, today, emit).map_err(BatchError::Output)?;
    run.finish(&roots, emit).map_err(BatchError::Output)?;
    Ok(run.totals)
}

/// What the batches of a run share.
#[derive(Default)]
struct Run {
    /// The identities of the files named on the command line, with their place in the run.
    named: Arc<HashMap<PathBuf, usize>>,
    /// The import cycles reported so far, each as the sorted identities of its files.
    cycles: HashSet<Vec<PathBuf>>,
    /// Files only imported, and configuration files, already reported.
    reported: HashSet<PathBuf>,
    /// Each agreement id taken so far: the file (identity and path) and the id's span.
    ids: HashMap<String, (PathBuf, PathBuf, Span)>,
    /// The imports of every file reported so far, by identity, in the order written.
    imports: HashMap<PathBuf, Vec<PathBuf>>,
    /// The diagnostics of files only imported, held until every named file is reported.
    imported: HashMap<PathBuf, Part>,
    /// The diagnostics of configuration files, in the order they were first read.
    configurations: Vec<Part>,
    totals: Totals,
}

/// Diagnostics held back, with their own copy of the files they point into.
struct Part {
    sources: SourceMap,
    diagnostics: Vec<Diagnostic>,
}

/// The identity of a file of a batch: its canonical path where it was read from disk.
fn identity_of(sources: &SourceMap, file: FileId) -> &Path {
    sources.canonical(file).unwrap_or_else(|| sources.path(file))
}

impl Run {
    /// Whether the diagnostics of `file` belong to this batch: a named file is reported by the
    /// batch that names it; a file only imported, by the first batch that imports it.
    fn owns(&self, checked: &Checked, file: FileId, identity: &Path) -> bool {
        if checked.roots.contains(&file) {
            return true;
        }
        !self.named.contains_key(identity) && !self.reported.contains(identity)
    }

    /// Removes the import cycles (`E220`) that this batch reports but a whole run reports at
    /// another file, or that an earlier batch reported. A whole run reports a cycle once, at
    /// the file it numbers first: a named file before any file only imported.
    fn drop_repeated_cycles(&mut self, checked: &mut Checked) {
        let mut repeated: HashSet<FileId> = HashSet::new();
        for diagnostic in checked.diagnostics.iter().filter(|d| d.code == Code::E220) {
            let at = diagnostic.primary.file;
            let members = cycle_through(checked, at);
            let place = |file: &FileId| self.named.get(identity_of(&checked.sources, *file)).copied();
            let first_named = members.iter().filter_map(place).min();
            let elsewhere = match (place(&at), first_named) {
                (Some(here), Some(first)) => first < here,
                (None, first) => first.is_some(),
                (Some(_), None) => false,
            };
            let mut key: Vec<PathBuf> = members
                .iter()
                .map(|&f| identity_of(&checked.sources, f).to_path_buf())
                .collect();
            key.sort();
            if elsewhere || !self.cycles.insert(key) {
                repeated.insert(at);
            }
        }
        if !repeated.is_empty() {
            checked
                .diagnostics
                .retain(|d| d.code != Code::E220 || !repeated.contains(&d.primary.file));
        }
    }

    /// Adds `E203` where this batch defines an agreement id that an earlier batch took, and
    /// records the ids it takes. Returns the files added to the batch's sources for those
    /// diagnostics (they are not the batch's own).
    fn taken_ids(&mut self, checked: &mut Checked) -> HashSet<FileId> {
        let mut helpers = HashSet::new();
        let mut found = Vec::new();
        for file in checked.spec_files().collect::<Vec<_>>() {
            let identity = identity_of(&checked.sources, file).to_path_buf();
            if !self.owns(checked, file, &identity) {
                continue;
            }
            let Some(program) = checked.program(file) else {
                continue;
            };
            for agreement in &program.agreements {
                let Some(at) = checked.locations.get(&key::agreement(&agreement.id)) else {
                    continue;
                };
                match self.ids.get(&agreement.id) {
                    Some((first, _, _)) if *first == identity => {}
                    Some(earlier) => found.push((agreement.id.clone(), at, earlier.clone())),
                    None => {
                        let path = checked.sources.path(file).to_path_buf();
                        self.ids
                            .insert(agreement.id.clone(), (identity.clone(), path, at.span));
                    }
                }
            }
        }
        for (id, at, (first_identity, first_path, first_span)) in found {
            // The first definition's file, read again if this batch does not hold it.
            let held = (0..checked.sources.len())
                .find(|&f| identity_of(&checked.sources, f) == first_identity.as_path());
            let first = match held {
                Some(file) => file,
                None => match checked.sources.load(&first_path) {
                    Ok((file, _)) => {
                        helpers.insert(file);
                        file
                    }
                    Err(_) => continue,
                },
            };
            let diagnostic = crate::sema::duplicate_agreement(&id, (at.file, at.span), (first, first_span));
            checked.diagnostics.push(diagnostic);
        }
        crate::diagnostics::sort(&mut checked.diagnostics);
        helpers
    }

    /// Lints and reports a checked batch, if there is one, and frees it.
    fn settle(
        &mut self,
        batch: Option<(Checked, HashSet<FileId>)>,
        today: NaiveDate,
        emit: &mut Emit<'_>,
    ) -> io::Result<()> {
        let Some((mut checked, helpers)) = batch else {
            return Ok(());
        };
        crate::lint(&mut checked, today);
        // (After the lints: a cycle reported elsewhere still keeps them off its files here.)
        self.drop_repeated_cycles(&mut checked);
        self.report(&checked, &helpers, emit)
    }

    /// Hands over the diagnostics of the batch's named files, and holds back those of files
    /// only imported and of configuration files until `finish`.
    fn report(
        &mut self,
        checked: &Checked,
        helpers: &HashSet<FileId>,
        emit: &mut Emit<'_>,
    ) -> io::Result<()> {
        // The diagnostics are sorted by file.
        let by_file: HashMap<FileId, &[Diagnostic]> = checked
            .diagnostics
            .chunk_by(|a, b| a.primary.file == b.primary.file)
            .map(|group| (group[0].primary.file, group))
            .collect();
        let specs: HashSet<FileId> = checked.spec_files().collect();
        for file in (0..checked.sources.len()).filter(|f| !helpers.contains(f)) {
            let identity = identity_of(&checked.sources, file).to_path_buf();
            if !self.owns(checked, file, &identity) {
                continue;
            }
            let diagnostics = by_file.get(&file).copied().unwrap_or(&[]);
            if specs.contains(&file) {
                let imports = checked
                    .imports_of(file)
                    .iter()
                    .map(|&i| identity_of(&checked.sources, i).to_path_buf())
                    .collect();
                self.imports.insert(identity.clone(), imports);
                self.totals.files += 1;
            }
            if checked.roots.contains(&file) {
                self.emit(&checked.sources, diagnostics, emit)?;
                continue;
            }
            self.reported.insert(identity.clone());
            if diagnostics.is_empty() {
                continue;
            }
            let part = Part::extract(&checked.sources, diagnostics);
            if specs.contains(&file) {
                self.imported.insert(identity, part);
            } else {
                self.configurations.push(part);
            }
        }
        Ok(())
    }

    /// Hands over what was held back: files only imported, in the order a whole run numbers
    /// them (breadth-first from the named files, in order), then configuration files.
    fn finish(&mut self, roots: &[(PathBuf, PathBuf)], emit: &mut Emit<'_>) -> io::Result<()> {
        let mut seen: HashSet<&Path> = roots.iter().map(|(_, identity)| identity.as_path()).collect();
        let mut queue: VecDeque<&Path> = roots.iter().map(|(_, identity)| identity.as_path()).collect();
        let mut order: Vec<PathBuf> = Vec::new();
        while let Some(file) = queue.pop_front() {
            for imported in self.imports.get(file).into_iter().flatten() {
                if seen.insert(imported) {
                    order.push(imported.clone());
                    queue.push_back(imported);
                }
            }
        }
        let mut held: Vec<Part> = order.iter().filter_map(|f| self.imported.remove(f)).collect();
        // (Every file only imported is reached from a named file; this is only a safeguard,
        // in a fixed order.)
        let mut rest: Vec<(PathBuf, Part)> = self.imported.drain().collect();
        rest.sort_by(|a, b| a.0.cmp(&b.0));
        held.extend(rest.into_iter().map(|(_, part)| part));
        held.append(&mut self.configurations);
        for part in held {
            self.emit(&part.sources, &part.diagnostics, emit)?;
        }
        Ok(())
    }

    fn emit(
        &mut self,
        sources: &SourceMap,
        diagnostics: &[Diagnostic],
        emit: &mut Emit<'_>,
    ) -> io::Result<()> {
        if diagnostics.is_empty() {
            return Ok(());
        }
        let errors = diagnostics.iter().filter(|d| d.is_error()).count();
        self.totals.errors += errors;
        self.totals.warnings += diagnostics.len() - errors;
        emit(sources, diagnostics)
    }
}

/// The files of the import cycle through `file`: those it reaches that reach it back.
fn cycle_through(checked: &Checked, file: FileId) -> Vec<FileId> {
    let reach = |next: &dyn Fn(FileId) -> Vec<FileId>| -> HashSet<FileId> {
        let mut seen = HashSet::from([file]);
        let mut stack = vec![file];
        while let Some(current) = stack.pop() {
            for target in next(current) {
                if seen.insert(target) {
                    stack.push(target);
                }
            }
        }
        seen
    };
    let forward = reach(&|f| checked.imports_of(f).to_vec());
    let backward = reach(&|f| {
        checked
            .spec_files()
            .filter(|&importer| checked.imports_of(importer).contains(&f))
            .collect()
    });
    let mut members: Vec<FileId> = forward.intersection(&backward).copied().collect();
    members.sort_unstable();
    members
}

impl Part {
    /// The diagnostics with a copy of each file they point into, renumbered.
    fn extract(sources: &SourceMap, diagnostics: &[Diagnostic]) -> Part {
        let mut own = SourceMap::new();
        let mut renumbered: HashMap<FileId, FileId> = HashMap::new();
        let mut copy = |file: FileId, own: &mut SourceMap| -> FileId {
            *renumbered.entry(file).or_insert_with(|| {
                own.add(
                    sources.name(file),
                    sources.path(file),
                    sources.text(file).to_string(),
                )
            })
        };
        let diagnostics = diagnostics
            .iter()
            .map(|d| {
                let mut d = d.clone();
                d.primary.file = copy(d.primary.file, &mut own);
                for label in &mut d.secondary {
                    label.file = copy(label.file, &mut own);
                }
                d
            })
            .collect();
        Part {
            sources: own,
            diagnostics,
        }
    }
}
