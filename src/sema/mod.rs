//! Semantic analysis: name resolution, inheritance, units and validation, from the ASTs of all
//! files of a run to the IR. Every error of every file is reported in one run.
//!
//! Agreements are lowered parents first (`extends`), so a child starts from its parent's
//! lowered form and applies its own items as overrides. References to other agreements
//! (`supports`, `depends on a.b`) are checked last, once every agreement is lowered.

mod agreement;
mod budget;
mod calendar;
mod credits;
pub mod promql;
mod service;
mod values;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use rayon::prelude::*;

use crate::diagnostics::{did_you_mean, Code, Diagnostic, Span};
use crate::ir;
use crate::source::FileId;
use crate::syntax::ast;

pub use agreement::add_period;

/// How many levels of `extends` a chain may have below its root agreement.
pub const MAX_EXTENDS_DEPTH: usize = 32;
pub use budget::{calendar_window_bounds, open_seconds_between};

pub use crate::syntax::ParsedFile;

/// The result of analysis: the IR of every file (agreements defined in that file), and the
/// diagnostics. The IR is meaningful only for files without errors.
#[derive(Debug, Default)]
pub struct Analysis {
    pub programs: BTreeMap<FileId, ir::Program>,
    pub diagnostics: Vec<Diagnostic>,
    /// Where each item of the IR was written.
    pub locations: ir::Locations,
}

/// Diagnostic context for one file.
pub(crate) struct Ctx<'a> {
    pub file: FileId,
    diagnostics: &'a mut Vec<Diagnostic>,
    /// Objectives (`service.objective`) that were declared but had errors: references to them
    /// are not reported again, so one mistake gives one diagnostic.
    failed_objectives: HashSet<String>,
    /// The agreement being lowered, for location keys.
    pub agreement: String,
    pub locations: ir::Locations,
    /// The agreement's objectives as lowered so far, each value once, if it is a large one:
    /// see `share`.
    objectives: Option<HashSet<Arc<ir::Objective>>>,
}

/// Agreements of more services than this share equal objectives (`Ctx::share`). A typical
/// agreement has a few services, whose objectives would cost more to compare than to keep:
/// sharing in every agreement cost more than it saved (BENCHMARKS.md, design notes).
const SHARED_FROM_SERVICES: usize = 64;

impl<'a> Ctx<'a> {
    pub(crate) fn new(file: FileId, diagnostics: &'a mut Vec<Diagnostic>) -> Self {
        Self {
            file,
            diagnostics,
            failed_objectives: HashSet::default(),
            agreement: String::new(),
            locations: ir::Locations::default(),
            objectives: None,
        }
    }

    /// Whether the agreement about to be lowered, of `services` services, shares its equal
    /// objectives.
    pub(crate) fn share_objectives_of(&mut self, services: usize) {
        self.objectives = (services > SHARED_FROM_SERVICES).then(HashSet::default);
    }

    /// The objective as the IR holds it: in a large agreement, the one already lowered if it
    /// is equal, as the support targets of a catalogue's services often are (objectives are
    /// not changed once lowered, and `Arc` is not in the JSON).
    pub(crate) fn share(&mut self, objective: ir::Objective) -> Arc<ir::Objective> {
        let Some(known) = &mut self.objectives else {
            return Arc::new(objective);
        };
        if let Some(equal) = known.get(&objective) {
            return Arc::clone(equal);
        }
        let shared = Arc::new(objective);
        known.insert(Arc::clone(&shared));
        shared
    }

    /// `share` for the objectives of a list that nothing else holds (a site's or tier's own,
    /// beside those it shares with its service).
    pub(crate) fn share_own(&mut self, objectives: Vec<Arc<ir::Objective>>) -> Vec<Arc<ir::Objective>> {
        if self.objectives.is_none() {
            return objectives;
        }
        objectives
            .into_iter()
            .map(|objective| match Arc::try_unwrap(objective) {
                Ok(own) => self.share(own),
                Err(held) => held,
            })
            .collect()
    }

    /// Records where an item of the IR was written.
    pub(crate) fn locate(&mut self, key: ir::Key, span: Span) {
        self.locations.insert(key, self.file, span);
    }

    pub(crate) fn objective_failed(&mut self, service: &str, objective: &str) {
        self.failed_objectives.insert(format!("{service}.{objective}"));
    }

    pub(crate) fn is_failed_objective(&self, service: &str, objective: &str) -> bool {
        self.failed_objectives.contains(&format!("{service}.{objective}"))
    }

    pub(crate) fn report(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    /// `E203` at the second definition, pointing back at the first.
    pub(crate) fn duplicate(&mut self, span: Span, first: Span, message: String) {
        let diagnostic = Diagnostic::error(Code::E203, self.file, span, message)
            .label("defined again here")
            .secondary(self.file, first, "first defined here")
            .help("remove one of the two, or give each its own name");
        self.report(diagnostic);
    }

    /// `E201` for a name that is not defined, with a suggestion when one is close.
    pub(crate) fn undefined<'n>(
        &mut self,
        what: &str,
        name: &str,
        span: Span,
        candidates: impl IntoIterator<Item = &'n str>,
        fallback_help: String,
    ) {
        let help = match did_you_mean(name, candidates) {
            Some(close) => format!("did you mean `{close}`?"),
            None => fallback_help,
        };
        let diagnostic = Diagnostic::error(Code::E201, self.file, span, format!("no {what} named `{name}`"))
            .label(format!("undefined {what}"))
            .help(help);
        self.report(diagnostic);
    }
}

/// The origin of an item that replaces `base`, an item seen through the parent agreement: it
/// overrides whichever agreement defined that version of the item.
pub(crate) fn overriding(base: &ir::Origin, parent_id: Option<&str>) -> ir::Origin {
    ir::Origin {
        inherited_from: None,
        overrides: base.inherited_from.clone().or(parent_id.map(Box::from)),
    }
}

/// Puts `item` in place of the inherited item at `position` (marking what it overrides), or
/// appends it when it is new.
pub(crate) fn place<T>(
    items: &mut Vec<T>,
    position: Option<usize>,
    mut item: T,
    origin: impl Fn(&mut T) -> &mut ir::Origin,
    parent_id: Option<&str>,
) {
    match position {
        Some(p) => {
            *origin(&mut item) = overriding(origin(&mut items[p]), parent_id);
            items[p] = item;
        }
        None => items.push(item),
    }
}

/// Where a lowered agreement came from, and references to check once all are lowered.
pub(crate) struct Lowered {
    pub ir: ir::Agreement,
    pub file: FileId,
    pub deferred: Vec<DeferredRef>,
}

/// A reference to another agreement (or a service in it), checked after lowering.
pub(crate) struct DeferredRef {
    pub span: Span,
    pub agreement: String,
    pub service: Option<String>,
    pub what: &'static str,
}

/// One agreement of the run. Its syntax tree is taken when it is lowered and dropped at once,
/// so a run never holds every tree and every IR at the same time.
struct Entry {
    /// A second definition of an id (`E203`): analysed, so that its other errors are reported
    /// too, but left out of the IR and the location table.
    duplicate: bool,
    file_index: usize,
    file: FileId,
    id: ast::Ident,
    header: Span,
    ast: Option<ast::Agreement>,
}

/// The definition of an id that a file sees: the first one in a file it can see (itself or
/// one it imports, `true`), else the first one (`false`, not imported), else none.
fn seen_from<T>(
    definitions: &[T],
    sees: impl Fn(usize) -> bool,
    file_of: impl Fn(&T) -> usize,
) -> Option<(&T, bool)> {
    definitions
        .iter()
        .find(|d| sees(file_of(d)))
        .map(|d| (d, true))
        .or_else(|| definitions.first().map(|d| (d, false)))
}

/// `E203` for an agreement id defined a second time (`at`), pointing back at the first.
pub(crate) fn duplicate_agreement(id: &str, at: (FileId, Span), first: (FileId, Span)) -> Diagnostic {
    Diagnostic::error(
        Code::E203,
        at.0,
        at.1,
        format!("an agreement named `{id}` is already defined"),
    )
    .label("defined again here")
    .secondary(first.0, first.1, "first defined here")
    .help("agreement ids are unique across a project; rename one of them")
}

/// Analyzes the files of a run; `reread` gives a large file's deferred items (see
/// `ast::Deferred`). The agreements' syntax trees are taken out of `files` (and freed as they
/// are lowered); imports and file names stay.
pub fn analyze(files: &mut [ParsedFile], reread: &dyn ast::ReadDeferred) -> Analysis {
    let mut diagnostics = Vec::new();
    let (mut entries, by_id) = collect_entries(files, &mut diagnostics);
    let files: &[ParsedFile] = files;
    let visible = Visibility::new(files);
    let (mut parent, extends_span) = resolve_extends(&entries, &by_id, files, &visible, &mut diagnostics);
    break_extends_cycles(&entries, files, &extends_span, &mut parent, &mut diagnostics);
    cut_deep_chains(&mut entries, files, &parent, &extends_span, &mut diagnostics);
    let (lowered, locations) = lower_all(&mut entries, files, reread, &parent, &mut diagnostics);
    check_references(&lowered, &entries, &visible, files, &mut diagnostics);
    let programs = programs(files, &entries, lowered);
    crate::diagnostics::sort(&mut diagnostics);
    diagnostics.dedup();
    Analysis {
        programs,
        diagnostics,
        locations,
    }
}

/// Every agreement of the run, and each id's definitions in the order of the run.
fn collect_entries(
    files: &mut [ParsedFile],
    diagnostics: &mut Vec<Diagnostic>,
) -> (Vec<Entry>, HashMap<String, Vec<usize>>) {
    // Every agreement of the run, by id, each definition in the order of the run. A second
    // definition is an error, and is analysed all the same: a file's errors do not depend on
    // which other files the run holds or in which order.
    let mut entries: Vec<Entry> = Vec::new();
    let mut by_id: HashMap<String, Vec<usize>> = HashMap::default();
    for (file_index, file) in files.iter_mut().enumerate() {
        for agreement in std::mem::take(&mut file.ast.agreements) {
            let id = agreement.id.value.as_str();
            let definitions = by_id.entry(id.to_string()).or_default();
            if let Some(&first) = definitions.first() {
                let first = (entries[first].file, entries[first].id.span);
                diagnostics.push(duplicate_agreement(id, (file.id, agreement.id.span), first));
            }
            definitions.push(entries.len());
            entries.push(Entry {
                duplicate: definitions.len() > 1,
                file_index,
                file: file.id,
                id: agreement.id.clone(),
                header: agreement.header,
                ast: Some(agreement),
            });
        }
    }
    (entries, by_id)
}

/// Each agreement's parent, by the `extends` it writes, and where it writes it.
fn resolve_extends(
    entries: &[Entry],
    by_id: &HashMap<String, Vec<usize>>,
    files: &[ParsedFile],
    visible: &Visibility,
    diagnostics: &mut Vec<Diagnostic>,
) -> (Vec<Option<usize>>, Vec<Option<Span>>) {
    let mut parent: Vec<Option<usize>> = vec![None; entries.len()];
    let mut extends_span: Vec<Option<Span>> = vec![None; entries.len()];
    for (index, entry) in entries.iter().enumerate() {
        let file = &files[entry.file_index];
        let mut ctx = Ctx::new(file.id, diagnostics);
        let extends: Vec<&ast::Ident> = entry
            .ast
            .iter()
            .flat_map(|agreement| &agreement.items)
            .filter_map(|item| match item {
                ast::AgreementItem::Extends(id) => Some(id),
                _ => None,
            })
            .collect();
        for extra in extends.iter().skip(1) {
            ctx.duplicate(
                extra.span,
                extends[0].span,
                "`extends` is given twice".to_string(),
            );
        }
        let Some(target) = extends.first() else {
            continue;
        };
        extends_span[index] = Some(target.span);
        let definitions = by_id.get(target.value.as_str()).map_or(&[][..], Vec::as_slice);
        let sees = |file: usize| visible.sees(entry.file_index, file);
        match seen_from(definitions, sees, |&p| entries[p].file_index) {
            Some((&p, true)) => parent[index] = Some(p),
            Some((&p, false)) => {
                let defining = &files[entries[p].file_index].name;
                let diagnostic = Diagnostic::error(
                    Code::E201,
                    file.id,
                    target.span,
                    format!("the agreement `{}` is not imported into this file", target.value),
                )
                .label("not visible here")
                .help(format!(
                    "add `import \"{}\"` at the top of this file",
                    relative_import(&file.name, defining)
                ));
                ctx.report(diagnostic);
            }
            None => {
                let seen = visible.seen_from(entry.file_index);
                let candidates: Vec<&str> = entries
                    .iter()
                    .filter(|e| seen.contains(&e.file_index))
                    .map(|e| e.id.value.as_str())
                    .collect();
                ctx.undefined(
                    "agreement",
                    &target.value,
                    target.span,
                    candidates,
                    "define the agreement, or import the file that defines it".to_string(),
                );
            }
        }
    }

    (parent, extends_span)
}

/// Reports each cycle of `extends` and cuts it, so that no agreement is its own ancestor.
fn break_extends_cycles(
    entries: &[Entry],
    files: &[ParsedFile],
    extends_span: &[Option<Span>],
    parent: &mut [Option<usize>],
    diagnostics: &mut Vec<Diagnostic>,
) {
    // Cycles of `extends`: each is reported once, naming every agreement in it. Each agreement
    // is walked once (a walk stops at one already walked), so a long chain costs linear time.
    const UNSEEN: u8 = 0;
    const ON_WALK: u8 = 1;
    const DONE: u8 = 2;
    let mut state = vec![UNSEEN; entries.len()];
    let mut in_cycle = vec![false; entries.len()];
    for start in 0..entries.len() {
        let mut walk = Vec::new();
        let mut current = Some(start);
        while let Some(index) = current.filter(|&i| state[i] == UNSEEN) {
            state[index] = ON_WALK;
            walk.push(index);
            current = parent[index];
        }
        if let Some(met) = current.filter(|&i| state[i] == ON_WALK) {
            let from = walk.iter().position(|&i| i == met).unwrap_or(0);
            let mut cycle = walk[from..].to_vec();
            let smallest = cycle
                .iter()
                .enumerate()
                .min_by_key(|&(_, &i)| i)
                .map_or(0, |(at, _)| at);
            cycle.rotate_left(smallest);
            report_extends_cycle(&cycle, entries, files, extends_span, diagnostics);
            for &member in &cycle {
                in_cycle[member] = true;
            }
        }
        for index in walk {
            state[index] = DONE;
        }
    }
    for (index, cyclic) in in_cycle.iter().enumerate() {
        if *cyclic {
            parent[index] = None;
        }
    }
}

/// Reports the first agreement past `MAX_EXTENDS_DEPTH` in a chain, and keeps it and those
/// below it from being lowered.
fn cut_deep_chains(
    entries: &mut [Entry],
    files: &[ParsedFile],
    parent: &[Option<usize>],
    extends_span: &[Option<Span>],
    diagnostics: &mut Vec<Diagnostic>,
) {
    // A chain of `extends` deeper than the limit: the first agreement past it is an error, and
    // it and everything below it are not lowered (each would copy the whole chain's items).
    let depth = depths(parent);
    for index in 0..entries.len() {
        if depth[index] == MAX_EXTENDS_DEPTH + 1 {
            let file = files[entries[index].file_index].id;
            diagnostics.push(
                Diagnostic::error(
                    Code::E107,
                    file,
                    extends_span[index].unwrap_or(entries[index].header),
                    format!(
                        "`{}` is more than {MAX_EXTENDS_DEPTH} levels of `extends` below its root agreement",
                        entries[index].id.value
                    ),
                )
                .label("too deep")
                .help("extend a shallower agreement: multi-level SLAs need a few levels (corporate, customer, service), not dozens"),
            );
        }
        if depth[index] > MAX_EXTENDS_DEPTH {
            entries[index].ast.take();
        }
    }
}

/// Every agreement lowered to the IR, parents first, and where each item was written.
fn lower_all(
    entries: &mut [Entry],
    files: &[ParsedFile],
    reread: &dyn ast::ReadDeferred,
    parent: &[Option<usize>],
    diagnostics: &mut Vec<Diagnostic>,
) -> (Vec<Option<Lowered>>, ir::Locations) {
    // Lower parents before children. Agreements at one depth of inheritance depend only on
    // shallower ones, so each depth is lowered in parallel; results are merged in definition
    // order, which keeps diagnostics and the location table the same on any number of threads.
    let mut locations = ir::Locations::default();
    let mut lowered: Vec<Option<Lowered>> = (0..entries.len()).map(|_| None).collect();
    for level in depth_levels(parent) {
        let jobs: Vec<(usize, ast::Agreement)> = level
            .into_iter()
            .filter_map(|index| Some((index, entries[index].ast.take()?)))
            .collect();
        let results: Vec<(usize, Lowered, Vec<Diagnostic>, ir::Locations)> = jobs
            .into_par_iter()
            .map(|(index, agreement)| {
                let file = &files[entries[index].file_index];
                let parent_ir = parent[index].and_then(|p| lowered[p].as_ref()).map(|l| &l.ir);
                let mut found = Vec::new();
                let mut ctx = Ctx::new(file.id, &mut found);
                let result = agreement::lower(&mut ctx, agreement, &file.name, reread, parent_ir);
                let mut found_locations = std::mem::take(&mut ctx.locations);
                found_locations.sort();
                (index, result, found, found_locations)
            })
            .collect();
        for (index, result, found, found_locations) in results {
            diagnostics.extend(found);
            if !entries[index].duplicate {
                locations.absorb(found_locations);
            }
            lowered[index] = Some(result);
        }
    }

    (lowered, locations)
}

/// Checks the references across agreements (`supports`, `depends on` another agreement's
/// service) once every agreement is lowered.
fn check_references(
    lowered: &[Option<Lowered>],
    entries: &[Entry],
    visible: &Visibility,
    files: &[ParsedFile],
    diagnostics: &mut Vec<Diagnostic>,
) {
    let mut by_id_lowered: HashMap<&str, Vec<(usize, &Lowered)>> = HashMap::default();
    for (index, l) in lowered.iter().enumerate() {
        if let Some(l) = l {
            by_id_lowered
                .entry(l.ir.id.as_str())
                .or_default()
                .push((index, l));
        }
    }
    for (index, l) in lowered.iter().enumerate() {
        let Some(l) = l else { continue };
        let file_index = entries[index].file_index;
        let mut ctx = Ctx::new(l.file, diagnostics);
        for reference in &l.deferred {
            check_deferred(
                &mut ctx,
                reference,
                &by_id_lowered,
                entries,
                visible,
                files,
                file_index,
            );
        }
    }
}

/// The IR of each file: its agreements in the order of definition, second definitions left out.
fn programs(
    files: &[ParsedFile],
    entries: &[Entry],
    lowered: Vec<Option<Lowered>>,
) -> BTreeMap<FileId, ir::Program> {
    let mut programs: BTreeMap<FileId, ir::Program> = files
        .iter()
        .map(|f| {
            (
                f.id,
                ir::Program {
                    ir_version: ir::IR_VERSION,
                    agreements: Vec::new(),
                    ancestors: Vec::new(),
                },
            )
        })
        .collect();
    for (index, l) in lowered.into_iter().enumerate() {
        if let Some(l) = l.filter(|_| !entries[index].duplicate) {
            let file_id = files[entries[index].file_index].id;
            if let Some(program) = programs.get_mut(&file_id) {
                program.agreements.push(l.ir);
            }
        }
    }
    programs
}

/// Which files each file can name the agreements of: itself and everything it imports,
/// directly or not. Asked pair by pair, as references are resolved, not tabulated: a chain of
/// n files each importing the next sees n²/2 pairs, which took more memory than the files.
struct Visibility {
    /// The files each file imports directly, by index.
    imports: Vec<Vec<usize>>,
}

impl Visibility {
    fn new(files: &[ParsedFile]) -> Self {
        let index_of: HashMap<FileId, usize> = files.iter().enumerate().map(|(i, f)| (f.id, i)).collect();
        let imports = files
            .iter()
            .map(|file| {
                file.imports
                    .iter()
                    .filter_map(|id| index_of.get(id).copied())
                    .collect()
            })
            .collect();
        Visibility { imports }
    }

    /// Whether `from` can name the agreements of `target`: most often itself or a file it
    /// imports directly, found at once.
    fn sees(&self, from: usize, target: usize) -> bool {
        if from == target || self.imports[from].contains(&target) {
            return true;
        }
        let mut seen = HashSet::from_iter([from]);
        let mut stack = vec![from];
        while let Some(file) = stack.pop() {
            for &next in &self.imports[file] {
                if next == target {
                    return true;
                }
                if seen.insert(next) {
                    stack.push(next);
                }
            }
        }
        false
    }

    /// Every file `from` can name the agreements of (for suggestions, when a name is not found).
    fn seen_from(&self, from: usize) -> BTreeSet<usize> {
        let mut seen = BTreeSet::from([from]);
        let mut stack = vec![from];
        while let Some(file) = stack.pop() {
            for &next in &self.imports[file] {
                if seen.insert(next) {
                    stack.push(next);
                }
            }
        }
        seen
    }
}

/// Agreements grouped by their depth of inheritance (roots first), each group in definition
/// order: every parent is in an earlier group than its children.
fn depth_levels(parent: &[Option<usize>]) -> Vec<Vec<usize>> {
    let mut levels: Vec<Vec<usize>> = Vec::new();
    for (index, depth) in depths(parent).into_iter().enumerate() {
        if levels.len() <= depth {
            levels.resize_with(depth + 1, Vec::new);
        }
        levels[depth].push(index);
    }
    levels
}

/// The number of `extends` steps from each agreement to its root, each found once (cycles are
/// cut before this runs).
fn depths(parent: &[Option<usize>]) -> Vec<usize> {
    const UNKNOWN: usize = usize::MAX;
    let mut depth = vec![UNKNOWN; parent.len()];
    for start in 0..parent.len() {
        let mut chain = Vec::new();
        let mut current = Some(start);
        while let Some(index) = current.filter(|&i| depth[i] == UNKNOWN && chain.len() <= parent.len()) {
            chain.push(index);
            current = parent[index];
        }
        let first = current.map_or(0, |known| depth[known].saturating_add(1));
        for (below, &index) in chain.iter().rev().enumerate() {
            depth[index] = first + below;
        }
    }
    depth
}

fn report_extends_cycle(
    path: &[usize],
    entries: &[Entry],
    files: &[ParsedFile],
    extends_span: &[Option<Span>],
    diagnostics: &mut Vec<Diagnostic>,
) {
    let names: Vec<&str> = path.iter().map(|&i| entries[i].id.value.as_str()).collect();
    let mut chain = names.join(" → ");
    chain.push_str(" → ");
    chain.push_str(names[0]);
    let first = path[0];
    let first_file = files[entries[first].file_index].id;
    let mut diagnostic = Diagnostic::error(
        Code::E221,
        first_file,
        extends_span[first].unwrap_or(entries[first].header),
        format!("agreements extend each other in a cycle: {chain}"),
    )
    .label(format!(
        "`{}` extends `{}`",
        names[0],
        names.get(1).unwrap_or(&names[0])
    ));
    for (position, &member) in path.iter().enumerate().skip(1) {
        let next = names.get(position + 1).unwrap_or(&names[0]);
        diagnostic = diagnostic.secondary(
            files[entries[member].file_index].id,
            extends_span[member].unwrap_or(entries[member].header),
            format!("`{}` extends `{next}`", names[position]),
        );
    }
    diagnostics.push(diagnostic.help(
        "inheritance needs a root: remove one `extends` so that terms flow from the corporate level down",
    ));
}

fn check_deferred(
    ctx: &mut Ctx<'_>,
    reference: &DeferredRef,
    by_id: &HashMap<&str, Vec<(usize, &Lowered)>>,
    entries: &[Entry],
    visible: &Visibility,
    files: &[ParsedFile],
    from_file_index: usize,
) {
    let definitions = by_id
        .get(reference.agreement.as_str())
        .map_or(&[][..], Vec::as_slice);
    let Some(((target_index, target), _)) = seen_from(
        definitions,
        |file| visible.sees(from_file_index, file),
        |(index, _)| entries[*index].file_index,
    ) else {
        let seen = visible.seen_from(from_file_index);
        let candidates: Vec<&str> = entries
            .iter()
            .filter(|e| seen.contains(&e.file_index))
            .map(|e| e.id.value.as_str())
            .collect();
        ctx.undefined(
            "agreement",
            &reference.agreement,
            reference.span,
            candidates,
            format!(
                "{} must name an agreement defined in this file or an imported one",
                reference.what
            ),
        );
        return;
    };
    let target_file = entries[*target_index].file_index;
    if !visible.sees(from_file_index, target_file) {
        let diagnostic = Diagnostic::error(
            Code::E201,
            ctx.file,
            reference.span,
            format!(
                "the agreement `{}` is not imported into this file",
                reference.agreement
            ),
        )
        .label("not visible here")
        .help(format!(
            "add `import \"{}\"` at the top of this file",
            relative_import(&files[from_file_index].name, &files[target_file].name)
        ));
        ctx.report(diagnostic);
        return;
    }
    if let Some(service) = &reference.service {
        if !target.ir.services.iter().any(|s| &s.id == service) {
            let candidates = target.ir.services.iter().map(|s| s.id.as_str());
            ctx.undefined(
                "service",
                service,
                reference.span,
                candidates,
                format!("the agreement `{}` defines no such service", reference.agreement),
            );
        }
    }
}

/// The path to write in an `import` of `target` from `from` (both display paths).
fn relative_import(from: &str, target: &str) -> String {
    let from_dir: Vec<&str> = from.split('/').collect();
    let from_dir = &from_dir[..from_dir.len().saturating_sub(1)];
    let target_parts: Vec<&str> = target.split('/').collect();
    let common = from_dir
        .iter()
        .zip(target_parts.iter())
        .take_while(|(a, b)| a == b)
        .count();
    let mut parts: Vec<&str> = vec![".."; from_dir.len() - common];
    parts.extend(&target_parts[common..]);
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Visibility follows imports transitively, through cycles, and never backwards.
    #[test]
    fn a_file_sees_what_it_imports_directly_or_not() {
        let file = |id: FileId, imports: Vec<FileId>| ParsedFile {
            id,
            name: format!("f{id}.sla"),
            ast: ast::File::default(),
            imports,
        };
        // 0 → 1 → 2 → 3 → 1 (a cycle), and 4 alone.
        let files = [
            file(10, vec![11]),
            file(11, vec![12]),
            file(12, vec![13]),
            file(13, vec![11]),
            file(14, vec![]),
        ];
        let visible = Visibility::new(&files);
        for (from, expected) in [(0, vec![0, 1, 2, 3]), (2, vec![1, 2, 3]), (4, vec![4])] {
            let seen: Vec<usize> = visible.seen_from(from).into_iter().collect();
            assert_eq!(seen, expected, "from {from}");
            for target in 0..files.len() {
                assert_eq!(
                    visible.sees(from, target),
                    expected.contains(&target),
                    "{from} sees {target}"
                );
            }
        }
    }

    #[test]
    fn import_paths_are_relative_to_the_importing_file() {
        assert_eq!(relative_import("examples/a/b.sla", "examples/a/c.sla"), "c.sla");
        assert_eq!(
            relative_import("examples/a/b.sla", "examples/corp.sla"),
            "../corp.sla"
        );
        assert_eq!(relative_import("b.sla", "lib/c.sla"), "lib/c.sla");
    }
}
