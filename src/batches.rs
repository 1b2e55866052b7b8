//! `slac check`'s engine, for every output format: a run checked in batches of files, so
//! that memory is bounded by a batch, not by the run. On 10,000 files it holds 32 of them
//! (with what they import) per thread at a time, and a large file is checked alongside no
//! more than its own size in other files.
//!
//! The named files are taken in the order of their canonical paths (see
//! `workspace::identified_sla_files`), so a run does not depend on the order or the spelling
//! of its arguments. A batch starts from named files that no file imports (`starting_files`):
//! a file that others import is checked with them, once, so an import chain of any length is
//! loaded once rather than once per batch.
//!
//! Each batch is loaded, analyzed and linted as a run of its own, by one thread, and its
//! syntax trees and IR are dropped; its diagnostics are then handed over file by file, in the
//! order of the batches, while the threads go on with the next batches. What the files of a
//! batch need from elsewhere they import, and imports are loaded with the batch, so a file's
//! diagnostics do not depend on how the run is cut (lints skip only the files that reach an
//! error, see [`crate::lint`]). Across batches, this module keeps what a whole run would
//! compare: which agreement ids are taken (`E203`), which imported and configuration files
//! were already reported, and the import graph. Output comes in the order of the batches:
//! the files that start them, then the named files that others import, then the files only
//! imported, in the order they are first imported, then configuration files.
//!
//! One difference from a whole run (`crate::check`) remains, about an agreement id defined
//! twice in different batches: the definition in the later batch is the one reported
//! (`E203`), whereas a whole run reports the one in the file it numbers later: the same,
//! except when the earlier definition is in a file that a later batch imports. Both analyse
//! the second definition, so its other errors are reported either way.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::fmt;
use std::io;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError, TryLockError};

use chrono::NaiveDate;
use rayon::prelude::*;

use crate::diagnostics::{Code, Diagnostic, Span};
use crate::ir::{key, Location};
use crate::source::{FileId, SourceMap};
use crate::workspace::{self, InputError, SlaFile, Workspace};
use crate::Checked;

/// How many named files a batch holds (their imports come on top, read once per batch): the
/// smallest count that keeps a file imported by every spec from being read too often, while
/// memory stays within its target (BENCHMARKS.md, design notes).
pub const BATCH_FILES: usize = 32;

/// How many bytes of named files a batch holds at most, unless one file alone is larger: a
/// batch of large files is cut short, so that what one thread holds at a time stays near one
/// large file's worth. Typical files fill a batch of [`BATCH_FILES`] long before this.
pub const BATCH_BYTES: u64 = 1024 * 1024;

/// How many batches per thread are checked before the threads meet: batches done while an
/// earlier one is still checked wait, without their IR, and a window bounds how many, so that
/// a slow large file does not leave dozens waiting (BENCHMARKS.md, design notes).
pub const WINDOW_PER_THREAD: usize = 4;

/// How many bytes of named files a window holds at most, unless one batch alone holds more:
/// then no window holds more than that batch. So a large file is checked alongside no more
/// than its own size in other files, and two large files are not checked at once; memory
/// stays near what the largest batch needs alone, as the memory target of BENCHMARKS.md asks.
pub const WINDOW_BYTES: u64 = 4 * 1024 * 1024;

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
/// named files (fewer when they are over [`BATCH_BYTES`]), handing each file's diagnostics to
/// `emit` in the order a whole run sorts them.
///
/// Each batch is loaded, analyzed and linted by one thread, which then frees its syntax trees
/// and IR itself (memory freed by another thread goes back more slowly), and the threads meet
/// only once per window of [`WINDOW_PER_THREAD`] batches each (fewer when they are over
/// [`WINDOW_BYTES`] or the largest batch). The batches are reported in
/// order, by whichever thread finishes the one next in order; a batch done early waits,
/// without its IR, in `Queue::ready`, at most until the end of its window.
pub fn check_in_batches(
    paths: &[PathBuf],
    allow_outside: bool,
    today: NaiveDate,
    batch_files: usize,
    emit: &mut Emit<'_>,
) -> Result<Totals, BatchError> {
    let plan = Plan {
        allow_outside,
        lint_on: Some(today),
        batch_files,
        keep: None,
    };
    run_in_batches(paths, &plan, emit)
}

/// Receives each batch once it is analyzed, before its syntax trees and IR are freed, from
/// whichever thread checked it; a file imported by several batches is seen in each.
pub type Keep<'a> = dyn Fn(&Checked) + Sync + 'a;

/// How a run in batches goes.
pub struct Plan<'k> {
    /// Whether imports may leave the project root (`--allow-outside`).
    pub allow_outside: bool,
    /// The date the lints judge reviews and expiry against; `None` checks without linting.
    pub lint_on: Option<NaiveDate>,
    /// How many named files a batch holds ([`BATCH_FILES`] in `slac`).
    pub batch_files: usize,
    /// What takes from each batch what the run needs of its IR (`slac diff` its agreements).
    pub keep: Option<&'k Keep<'k>>,
}

/// As [`check_in_batches`], as `plan` says.
pub fn run_in_batches(paths: &[PathBuf], plan: &Plan<'_>, emit: &mut Emit<'_>) -> Result<Totals, BatchError> {
    let given = workspace::identified_sla_files(paths).map_err(BatchError::Input)?;
    // Each file once, in the order given, as a whole run takes them.
    let mut named: HashMap<PathBuf, usize> = HashMap::new();
    let mut roots: Vec<SlaFile> = Vec::new();
    for file in given {
        if !named.contains_key(&file.identity) {
            named.insert(file.identity.clone(), roots.len());
            roots.push(file);
        }
    }
    // Shared with each batch's workspace: named files keep their own project root in
    // whichever batch imports them.
    let named = Arc::new(named);
    // A batch starts from the named files that no file imports; the others are checked with
    // the files that import them, once.
    let mut starts: Vec<SlaFile> = starting_files(&roots, plan.allow_outside)
        .into_iter()
        .map(|index| roots[index].clone())
        .collect();
    let round = Round {
        named: Arc::clone(&named),
        plan,
    };
    let mut run = Run {
        named,
        ..Run::default()
    };
    loop {
        run.starts.extend(starts.iter().map(|file| file.identity.clone()));
        run = round.check(run, &starts, emit)?;
        // A named file that a start imports by its first lines but not by its syntax tree (a
        // file with a syntax error imports nothing) was checked by no batch: it starts one.
        starts = roots
            .iter()
            .filter(|file| !run.starts.contains(&file.identity) && !run.reported.contains(&file.identity))
            .cloned()
            .collect();
        if starts.is_empty() {
            break;
        }
    }
    run.finish(&roots, emit).map_err(BatchError::Output)?;
    Ok(run.totals)
}

/// What every round of batches of a run shares (see `Round::check`).
struct Round<'p, 'k> {
    named: Arc<HashMap<PathBuf, usize>>,
    plan: &'p Plan<'k>,
}

impl Round<'_, '_> {
    /// Checks the batches that start from `starts`, in order, and hands over their diagnostics.
    fn check(&self, run: Run, starts: &[SlaFile], emit: &mut Emit<'_>) -> Result<Run, BatchError> {
        let today = self.plan.lint_on;
        let lens: Vec<u64> = starts.iter().map(|file| file.len).collect();
        let batches: Vec<&[SlaFile]> = cut(&lens, self.plan.batch_files, BATCH_BYTES)
            .into_iter()
            .map(|batch| &starts[batch])
            .collect();
        let load = |index: usize| {
            Workspace::load_roots(
                batches[index].to_vec(),
                self.plan.allow_outside,
                Arc::clone(&self.named),
            )
            .map(crate::analyze)
        };
        let queue = Queue::new(run, emit);
        let next = AtomicUsize::new(0);
        let settle = |run: &mut Run, index: usize, done: Result<Done, InputError>, emit: &mut Emit<'_>| {
            run.settle(done, || load(index), today, emit)
        };
        let sizes: Vec<u64> = batches
            .iter()
            .map(|batch| batch.iter().map(|file| file.len).sum())
            .collect();
        let per_window = WINDOW_PER_THREAD * rayon::current_num_threads().max(1);
        for window in windows(&sizes, per_window) {
            if queue.stopped.load(Ordering::Relaxed) {
                break;
            }
            window.into_par_iter().with_max_len(1).for_each(|_| {
                // Each job checks the next batch, not the one its place in the range names, so
                // that batches are checked in order however rayon splits the range.
                let index = next.fetch_add(1, Ordering::Relaxed);
                if queue.stopped.load(Ordering::Relaxed) {
                    return;
                }
                let large = sizes[index] > BATCH_BYTES;
                let done = load(index).map(|mut checked| {
                    if let Some(keep) = self.plan.keep {
                        keep(&checked);
                    }
                    if large {
                        release_memory();
                    }
                    if let Some(today) = today {
                        crate::lint(&mut checked, today);
                    }
                    Done::of(checked, HashSet::new())
                });
                if large {
                    release_memory();
                }
                queue.hand_in(index, done, &settle);
            });
        }
        let settler = queue.order.into_inner().unwrap_or_else(PoisonError::into_inner);
        match settler.error {
            Some(error) => Err(error),
            None => Ok(settler.run),
        }
    }
}

/// The named files (indexes into `named`, in order) from which the batches start: those that
/// no file of the run imports, and the first of each group that only import each other (a
/// cycle, reported as such). Every named file is then a start or imported by one, directly or
/// not, so each is checked, and a file imported by many is checked with them rather than
/// again as a start of its own. An import chain of thousands of named files is so one batch,
/// each file loaded once, not a batch per file reloading the chain below it.
///
/// The imports are read from the top of each file without parsing it
/// (`syntax::import_paths`): they only group the files, and a file's diagnostics do not depend
/// on the grouping.
fn starting_files(named: &[SlaFile], allow_outside: bool) -> Vec<usize> {
    let graph = ImportGraph::scan(named, allow_outside);
    let imported: HashSet<&Path> = graph.edges.values().flatten().map(PathBuf::as_path).collect();
    let mut starts: Vec<usize> = (0..named.len())
        .filter(|&index| !imported.contains(named[index].identity.as_path()))
        .collect();
    let mut reached: HashSet<&Path> = HashSet::new();
    for &start in &starts {
        graph.reach(&named[start].identity, &mut reached);
    }
    for (index, file) in named.iter().enumerate() {
        if !reached.contains(file.identity.as_path()) {
            starts.push(index);
            graph.reach(&file.identity, &mut reached);
        }
    }
    starts.sort_unstable();
    starts
}

/// Which files import which, by identity, as read from their first lines.
struct ImportGraph {
    edges: HashMap<PathBuf, Vec<PathBuf>>,
}

impl ImportGraph {
    /// Reads the imports of the named files and of every file they reach, level by level,
    /// each level in parallel. Files that cannot be read, or are not regular files (a FIFO
    /// must be read once, by the check), import nothing here.
    fn scan(named: &[SlaFile], allow_outside: bool) -> ImportGraph {
        let mut edges: HashMap<PathBuf, Vec<PathBuf>> = HashMap::new();
        let mut seen: HashSet<PathBuf> = named.iter().map(|file| file.identity.clone()).collect();
        // (path, identity, the project its imports must stay in, as the check reads them: a
        // named file's own, found only if it imports anything, and shared by the files it
        // imports).
        let mut level: Vec<(PathBuf, PathBuf, Option<PathBuf>)> = named
            .iter()
            .filter(|file| !file.special)
            .map(|file| (file.path.clone(), file.identity.clone(), None))
            .collect();
        while !level.is_empty() {
            let scanned: Vec<_> = level
                .into_par_iter()
                .map(|(path, identity, project)| {
                    let (targets, project) = imports_of(&path, project, allow_outside);
                    (identity, project, targets)
                })
                .collect();
            level = Vec::new();
            for (identity, project, targets) in scanned {
                for (path, target) in &targets {
                    if seen.insert(target.clone()) {
                        level.push((path.clone(), target.clone(), project.clone()));
                    }
                }
                edges.insert(identity, targets.into_iter().map(|(_, target)| target).collect());
            }
        }
        ImportGraph { edges }
    }

    /// Adds `from` and every file it imports, directly or not, to `reached`.
    fn reach<'g>(&'g self, from: &'g Path, reached: &mut HashSet<&'g Path>) {
        let mut stack = vec![from];
        while let Some(file) = stack.pop() {
            if reached.insert(file) {
                stack.extend(self.edges.get(file).into_iter().flatten().map(PathBuf::as_path));
            }
        }
    }
}

/// The files that `path` imports (each as its path and its identity), as far as its first
/// 64 KiB tell, leaving out those outside its project (refused when checked; `project`, or
/// the file's own when `None`, unless `allow_outside`); and that project, for the files it
/// imports. An import missed here only costs a file being loaded by two batches.
fn imports_of(
    path: &Path,
    project: Option<PathBuf>,
    allow_outside: bool,
) -> (Vec<(PathBuf, PathBuf)>, Option<PathBuf>) {
    use std::io::Read as _;
    const READ: u64 = 64 * 1024;
    let mut start = Vec::new();
    let regular = std::fs::metadata(path).is_ok_and(|m| m.is_file());
    let read = regular
        && std::fs::File::open(path)
            .and_then(|file| file.take(READ).read_to_end(&mut start))
            .is_ok();
    let imports = if read {
        crate::syntax::import_paths(&start)
    } else {
        Vec::new()
    };
    if imports.is_empty() {
        return (Vec::new(), project);
    }
    let project = match (allow_outside, project) {
        (true, _) => None,
        (false, Some(project)) => Some(project),
        (false, None) => Some(workspace::project_root(path)),
    };
    let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let targets = imports
        .into_iter()
        .map(|import| crate::source::normalize(&base.join(import)))
        .map(|target| {
            let identity = workspace::identity(&target);
            (target, identity)
        })
        .filter(|(_, identity)| project.as_deref().is_none_or(|root| identity.starts_with(root)))
        .collect();
    (targets, project)
}

/// What [`release_memory_with`] was given.
static RELEASE_MEMORY: OnceLock<fn()> = OnceLock::new();

/// Sets what a thread calls when it has analyzed a batch over [`BATCH_BYTES`] (a large file),
/// before the lints, and again once it has checked and freed it: there the `slac` binary has
/// its allocator return that thread's free memory to the system, so that what is allocated
/// next (the lints' findings; other threads' batches) does not come on top of it
/// (BENCHMARKS.md, design notes). The library knows no allocator; without this, nothing is
/// called. Only the first call counts.
pub fn release_memory_with(release: fn()) {
    let _ = RELEASE_MEMORY.set(release);
}

fn release_memory() {
    if let Some(release) = RELEASE_MEMORY.get() {
        release();
    }
}

/// Cuts items of the given sizes into runs of consecutive items (batches of files, windows of
/// batches) of at most `count` items and `bytes` bytes, except that an item larger than
/// `bytes` makes a run of its own.
fn cut(sizes: &[u64], count: usize, bytes: u64) -> Vec<Range<usize>> {
    let mut runs = Vec::new();
    let mut start = 0;
    let mut held: u64 = 0;
    for (index, &size) in sizes.iter().enumerate() {
        let over = held.checked_add(size).is_none_or(|total| total > bytes);
        if index > start && (index - start >= count || over) {
            runs.push(start..index);
            start = index;
            held = 0;
        }
        held = held.saturating_add(size);
    }
    if start < sizes.len() {
        runs.push(start..sizes.len());
    }
    runs
}

/// The windows of batches of the given sizes: at most `per_window` batches and
/// [`WINDOW_BYTES`] each, or as many bytes as the largest batch where that is more.
fn windows(sizes: &[u64], per_window: usize) -> Vec<Range<usize>> {
    let largest = sizes.iter().copied().max().unwrap_or(0);
    cut(sizes, per_window, largest.max(WINDOW_BYTES))
}

/// The batches checked but not yet reported, and the one thread at a time that reports them.
struct Queue<'e, 'a> {
    /// Batches checked, by their place in the run, until those before them are reported.
    ready: Mutex<BTreeMap<usize, Result<Done, InputError>>>,
    order: Mutex<Settler<'e, 'a>>,
    /// Set once reporting failed: later batches are not checked.
    stopped: AtomicBool,
}

/// Reports a batch, given its place in the run and what checking it gave.
type Settle<'s, 'a> =
    dyn Fn(&mut Run, usize, Result<Done, InputError>, &mut Emit<'a>) -> Result<(), BatchError> + Sync + 's;

/// What reporting in order needs: the run, the next batch to report, and the output.
struct Settler<'e, 'a> {
    run: Run,
    next: usize,
    emit: &'e mut Emit<'a>,
    error: Option<BatchError>,
}

impl<'e, 'a> Queue<'e, 'a> {
    fn new(run: Run, emit: &'e mut Emit<'a>) -> Self {
        Queue {
            ready: Mutex::new(BTreeMap::new()),
            order: Mutex::new(Settler {
                run,
                next: 0,
                emit,
                error: None,
            }),
            stopped: AtomicBool::new(false),
        }
    }

    /// Adds batch `index`, then reports every batch that is next in order, unless another
    /// thread is reporting (it then reports this one too).
    fn hand_in(&self, index: usize, done: Result<Done, InputError>, settle: &Settle<'_, 'a>) {
        lock(&self.ready).insert(index, done);
        loop {
            let mut guard = match self.order.try_lock() {
                Ok(guard) => guard,
                Err(TryLockError::Poisoned(poisoned)) => poisoned.into_inner(),
                // (Also when this thread is the one reporting, and checked this batch while
                // waiting for work it handed to another thread.)
                Err(TryLockError::WouldBlock) => return,
            };
            let settler = &mut *guard;
            while settler.error.is_none() {
                let Some(done) = lock(&self.ready).remove(&settler.next) else {
                    break;
                };
                if let Err(error) = settle(&mut settler.run, settler.next, done, settler.emit) {
                    settler.error = Some(error);
                    self.stopped.store(true, Ordering::Relaxed);
                }
                settler.next += 1;
            }
            let next = settler.next;
            let stopped = settler.error.is_some();
            drop(guard);
            // A batch handed in while this thread was reporting, after it last looked.
            if stopped || !lock(&self.ready).contains_key(&next) {
                return;
            }
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A batch checked and linted, without its syntax trees and IR: what reporting it needs.
struct Done {
    sources: SourceMap,
    roots: Vec<FileId>,
    diagnostics: Vec<Diagnostic>,
    /// The `.sla` files, in order.
    spec_files: Vec<FileId>,
    imports: BTreeMap<FileId, Vec<FileId>>,
    definitions: Vec<Definition>,
    /// Files read only for the diagnostics of this batch (the first definition of an id).
    helpers: HashSet<FileId>,
}

/// An agreement defined in a batch.
struct Definition {
    file: FileId,
    id: String,
    at: Location,
}

impl Done {
    fn of(checked: Checked, helpers: HashSet<FileId>) -> Done {
        let definitions = definitions(&checked);
        let Checked {
            sources,
            roots,
            diagnostics,
            programs,
            imports,
            ..
        } = checked;
        Done {
            sources,
            roots,
            diagnostics,
            spec_files: programs.into_keys().collect(),
            imports,
            definitions,
            helpers,
        }
    }

    fn imports_of(&self, file: FileId) -> &[FileId] {
        self.imports.get(&file).map_or(&[], Vec::as_slice)
    }
}

/// The agreements of a checked batch, in file order, where their id was written.
fn definitions(checked: &Checked) -> Vec<Definition> {
    let mut found = Vec::new();
    for file in checked.spec_files() {
        let Some(program) = checked.program(file) else {
            continue;
        };
        for agreement in &program.agreements {
            if let Some(at) = checked.locations.get(key::agreement(&agreement.id)) {
                found.push(Definition {
                    file,
                    id: agreement.id.clone(),
                    at,
                });
            }
        }
    }
    found
}

/// What the batches of a run share.
#[derive(Default)]
struct Run {
    /// The identities of the files named on the command line, with their place in the run.
    named: Arc<HashMap<PathBuf, usize>>,
    /// The named files that start a batch (`starting_files`); every other file is reported
    /// by the first batch that imports it.
    starts: HashSet<PathBuf>,
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
    /// Whether the diagnostics of `file` belong to this batch: a file that starts a batch is
    /// reported by that batch; any other, by the first batch that imports it.
    fn owns(&self, roots: &[FileId], file: FileId, identity: &Path) -> bool {
        if roots.contains(&file) {
            return true;
        }
        !self.starts.contains(identity) && !self.reported.contains(identity)
    }

    /// Reports a batch checked and linted, unless it defines an agreement id that an earlier
    /// batch took: a whole run reports that (`E203`) and keeps the lints off the file, so the
    /// batch is then checked again (`load`) with those errors, and linted after them.
    fn settle(
        &mut self,
        done: Result<Done, InputError>,
        load: impl FnOnce() -> Result<Checked, InputError>,
        today: Option<NaiveDate>,
        emit: &mut Emit<'_>,
    ) -> Result<(), BatchError> {
        let mut done = done.map_err(BatchError::Input)?;
        if !self
            .claim(&done.sources, &done.roots, &done.definitions)
            .is_empty()
        {
            let mut checked = load().map_err(BatchError::Input)?;
            let helpers = self.taken_ids(&mut checked);
            if let Some(today) = today {
                crate::lint(&mut checked, today);
            }
            done = Done::of(checked, helpers);
        }
        self.drop_repeated_cycles(&mut done);
        self.report(&done, emit).map_err(BatchError::Output)
    }

    /// Records the agreement ids that the batch's own files define, and returns those of its
    /// `definitions` (by index) that an earlier batch took in another file, with that file's
    /// identity and path and the id's span there.
    fn claim(
        &mut self,
        sources: &SourceMap,
        roots: &[FileId],
        definitions: &[Definition],
    ) -> Vec<(usize, (PathBuf, PathBuf, Span))> {
        let mut taken = Vec::new();
        for (index, definition) in definitions.iter().enumerate() {
            let identity = identity_of(sources, definition.file);
            if !self.owns(roots, definition.file, identity) {
                continue;
            }
            match self.ids.get(&definition.id) {
                Some((first, _, _)) if first == identity => {}
                Some(earlier) => taken.push((index, earlier.clone())),
                None => {
                    let path = sources.path(definition.file).to_path_buf();
                    let first = (identity.to_path_buf(), path, definition.at.span);
                    self.ids.insert(definition.id.clone(), first);
                }
            }
        }
        taken
    }

    /// Removes the import cycles (`E220`) that this batch reports but a whole run reports at
    /// another file, or that an earlier batch reported. A whole run reports a cycle once, at
    /// the file it numbers first: a named file before any file only imported.
    fn drop_repeated_cycles(&mut self, done: &mut Done) {
        let mut repeated: HashSet<FileId> = HashSet::new();
        for diagnostic in done.diagnostics.iter().filter(|d| d.code == Code::E220) {
            let at = diagnostic.primary.file;
            let members = cycle_through(done, at);
            let place = |file: &FileId| self.named.get(identity_of(&done.sources, *file)).copied();
            let first_named = members.iter().filter_map(place).min();
            let elsewhere = match (place(&at), first_named) {
                (Some(here), Some(first)) => first < here,
                (None, first) => first.is_some(),
                (Some(_), None) => false,
            };
            let mut key: Vec<PathBuf> = members
                .iter()
                .map(|&f| identity_of(&done.sources, f).to_path_buf())
                .collect();
            key.sort();
            if elsewhere || !self.cycles.insert(key) {
                repeated.insert(at);
            }
        }
        if !repeated.is_empty() {
            done.diagnostics
                .retain(|d| d.code != Code::E220 || !repeated.contains(&d.primary.file));
        }
    }

    /// Adds `E203` where this batch defines an agreement id that an earlier batch took, and
    /// records the ids it takes. Returns the files added to the batch's sources for those
    /// diagnostics (they are not the batch's own).
    fn taken_ids(&mut self, checked: &mut Checked) -> HashSet<FileId> {
        let mut helpers = HashSet::new();
        let definitions = definitions(checked);
        let taken = self.claim(&checked.sources, &checked.roots, &definitions);
        for (index, (first_identity, first_path, first_span)) in taken {
            let Definition { id, at, .. } = &definitions[index];
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
            let diagnostic = crate::sema::duplicate_agreement(id, (at.file, at.span), (first, first_span));
            checked.diagnostics.push(diagnostic);
        }
        crate::diagnostics::sort(&mut checked.diagnostics);
        helpers
    }

    /// Hands over the diagnostics of the batch's named files, and holds back those of files
    /// only imported and of configuration files until `finish`.
    fn report(&mut self, done: &Done, emit: &mut Emit<'_>) -> io::Result<()> {
        // The diagnostics are sorted by file.
        let by_file: HashMap<FileId, &[Diagnostic]> = done
            .diagnostics
            .chunk_by(|a, b| a.primary.file == b.primary.file)
            .map(|group| (group[0].primary.file, group))
            .collect();
        let specs: HashSet<FileId> = done.spec_files.iter().copied().collect();
        for file in (0..done.sources.len()).filter(|f| !done.helpers.contains(f)) {
            let identity = identity_of(&done.sources, file).to_path_buf();
            if !self.owns(&done.roots, file, &identity) {
                continue;
            }
            let diagnostics = by_file.get(&file).copied().unwrap_or(&[]);
            if specs.contains(&file) {
                let imports = done
                    .imports_of(file)
                    .iter()
                    .map(|&i| identity_of(&done.sources, i).to_path_buf())
                    .collect();
                self.imports.insert(identity.clone(), imports);
                self.totals.files += 1;
            }
            if done.roots.contains(&file) {
                self.emit(&done.sources, diagnostics, emit)?;
                continue;
            }
            self.reported.insert(identity.clone());
            if diagnostics.is_empty() {
                continue;
            }
            let part = Part::extract(&done.sources, diagnostics);
            if specs.contains(&file) {
                self.imported.insert(identity, part);
            } else {
                self.configurations.push(part);
            }
        }
        Ok(())
    }

    /// Hands over what was held back: the named files that other files import, in order,
    /// then files only imported, in the order a whole run numbers them (breadth-first from
    /// the named files, in order), then configuration files.
    fn finish(&mut self, roots: &[SlaFile], emit: &mut Emit<'_>) -> io::Result<()> {
        let mut seen: HashSet<&Path> = roots.iter().map(|file| file.identity.as_path()).collect();
        let mut queue: VecDeque<&Path> = roots.iter().map(|file| file.identity.as_path()).collect();
        let mut order: Vec<PathBuf> = roots
            .iter()
            .filter(|file| !self.starts.contains(&file.identity))
            .map(|file| file.identity.clone())
            .collect();
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
fn cycle_through(done: &Done, file: FileId) -> Vec<FileId> {
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
    let forward = reach(&|f| done.imports_of(f).to_vec());
    let backward = reach(&|f| {
        done.spec_files
            .iter()
            .copied()
            .filter(|&importer| done.imports_of(importer).contains(&f))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_are_cut_by_count_and_by_bytes() {
        // By count alone.
        assert_eq!(cut(&[1; 7], 3, 100), vec![0..3, 3..6, 6..7]);
        // By bytes: a run ends before the item that would take it over.
        assert_eq!(cut(&[40, 40, 40, 10, 60], 10, 100), vec![0..2, 2..4, 4..5]);
        assert_eq!(cut(&[40, 40, 40, 10, 50], 10, 100), vec![0..2, 2..5]);
        // An item over the bound makes a run of its own, wherever it falls.
        assert_eq!(cut(&[5, 500, 5, 5, 600], 10, 100), vec![0..1, 1..2, 2..4, 4..5]);
        // A count of 0 is taken as 1; no items, no runs.
        assert_eq!(cut(&[1, 1], 0, 100), vec![0..1, 1..2]);
        assert_eq!(cut(&[], 4, 100), Vec::<Range<usize>>::new());
        // Sizes near the top of u64 do not overflow.
        assert_eq!(cut(&[u64::MAX, u64::MAX], 4, u64::MAX), vec![0..1, 1..2]);
    }

    /// Windows are bounded by the largest batch: two large batches are never in one window,
    /// and a large batch shares its window with no more bytes than its own.
    #[test]
    fn a_large_batch_is_checked_alongside_no_more_than_its_own_size() {
        let large = 5 * WINDOW_BYTES;
        let mut sizes = vec![large, large];
        sizes.extend(std::iter::repeat_n(WINDOW_BYTES / 4, 8));
        sizes.push(large);
        let cut = windows(&sizes, 16);
        assert_eq!(cut, vec![0..1, 1..2, 2..10, 10..11]);
        for window in &cut {
            let bytes: u64 = sizes[window.clone()].iter().sum();
            assert!(bytes <= large, "{window:?}: {bytes}");
        }
        // Small batches fill windows up to WINDOW_BYTES, or to the count.
        let small = vec![WINDOW_BYTES / 8; 20];
        assert_eq!(windows(&small, 16), vec![0..8, 8..16, 16..20]);
        assert_eq!(windows(&small, 3)[0], 0..3);
    }
}
