//! A checked run: every file of it read, parsed and analyzed at once, with its diagnostics and
//! the IR of each file. `slac check` goes through the batches of `crate::batches`, each of
//! which is such a run; documents, `slac diff`'s second reading and the library's callers use
//! one directly.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::diagnostics::{self, Diagnostic};
use crate::source::{FileId, SourceMap};
use crate::workspace::{InputError, Workspace};
use crate::{ir, sema, syntax};

/// The outcome of checking a set of files: the sources, every diagnostic (sorted by file and
/// offset), and the IR of each file.
#[derive(Debug)]
pub struct Checked {
    pub sources: SourceMap,
    /// The files named by the caller (imports are loaded and checked too, but are not roots).
    pub roots: Vec<FileId>,
    pub diagnostics: Vec<Diagnostic>,
    pub(crate) programs: BTreeMap<FileId, ir::Program>,
    /// Where each item of the IR was written.
    pub locations: ir::Locations,
    /// The files each `.sla` file imports.
    pub(crate) imports: BTreeMap<FileId, Vec<FileId>>,
}

impl Checked {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// The IR of a file. Only meaningful when there are no errors.
    pub fn program(&self, file: FileId) -> Option<&ir::Program> {
        self.programs.get(&file)
    }

    /// The IR of `file` (of its agreement `only`, if given) as a document that stands alone:
    /// with the other agreements that its agreements extend, directly or not (`ancestors`),
    /// since inherited items are written as references to the agreement that defines them.
    pub fn document(&self, file: FileId, only: Option<&str>) -> Option<ir::Program> {
        let mut program = self.program(file)?.clone();
        if let Some(only) = only {
            program.agreements.retain(|a| a.id == only);
        }
        let reachable = self.imported_from(file);
        let find = |id: &str| {
            reachable
                .iter()
                .filter_map(|f| self.program(*f))
                .flat_map(|p| &p.agreements)
                .find(|a| a.id == id)
        };
        let mut wanted: Vec<&str> = program
            .agreements
            .iter()
            .filter_map(|a| a.extends.as_deref())
            .collect();
        let mut ancestors: Vec<ir::Agreement> = Vec::new();
        while let Some(id) = wanted.pop() {
            let known = program.agreements.iter().chain(&ancestors).any(|a| a.id == id);
            if let (false, Some(ancestor)) = (known, find(id)) {
                wanted.extend(ancestor.extends.as_deref());
                ancestors.push(ancestor.clone());
            }
        }
        ancestors.sort_by(|a, b| a.id.cmp(&b.id));
        program.ancestors = ancestors;
        Some(program)
    }

    /// `file` and every file it imports, directly or not.
    fn imported_from(&self, file: FileId) -> Vec<FileId> {
        let mut order = vec![file];
        let mut seen = std::collections::HashSet::from([file]);
        let mut next = 0;
        while let Some(current) = order.get(next).copied() {
            next += 1;
            for imported in self.imports_of(current) {
                if seen.insert(*imported) {
                    order.push(*imported);
                }
            }
        }
        order
    }

    /// Every agreement of every file, in file order.
    pub fn agreements(&self) -> impl Iterator<Item = &ir::Agreement> {
        self.programs.values().flat_map(|p| p.agreements.iter())
    }

    /// The number of `.sla` files checked (imports included, configuration files not).
    pub fn files_checked(&self) -> usize {
        self.programs.len()
    }

    /// The `.sla` files checked, in order (imports included, configuration files not).
    pub fn spec_files(&self) -> impl Iterator<Item = FileId> + '_ {
        self.programs.keys().copied()
    }

    /// The files `file` imports directly.
    pub fn imports_of(&self, file: FileId) -> &[FileId] {
        self.imports.get(&file).map_or(&[], Vec::as_slice)
    }

    /// The `.sla` files that have an error themselves or import (directly or not) a file that
    /// has one: their IR, or that of an agreement they refer to, may be incomplete.
    pub fn files_reaching_errors(&self) -> std::collections::BTreeSet<FileId> {
        let mut importers: BTreeMap<FileId, Vec<FileId>> = BTreeMap::new();
        for (&file, imported) in &self.imports {
            for &target in imported {
                importers.entry(target).or_default().push(file);
            }
        }
        let mut reached: std::collections::BTreeSet<FileId> = self
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .map(|d| d.primary.file)
            .collect();
        let mut queue: Vec<FileId> = reached.iter().copied().collect();
        while let Some(file) = queue.pop() {
            for &importer in importers.get(&file).map_or(&[][..], Vec::as_slice) {
                if reached.insert(importer) {
                    queue.push(importer);
                }
            }
        }
        reached
    }
}

/// Checks files and directories (recursing into `*.sla`), with everything they import.
pub fn check(paths: &[PathBuf]) -> Result<Checked, InputError> {
    Workspace::load(paths).map(analyze)
}

/// As `check`; with `allow_outside`, imports may leave the project root (`--allow-outside`).
pub fn check_with(paths: &[PathBuf], allow_outside: bool) -> Result<Checked, InputError> {
    Workspace::load_with(paths, allow_outside).map(analyze)
}

/// Checks one in-memory file, as if it were at `path` (imports resolve next to it).
///
/// ```
/// use std::path::Path;
///
/// let spec = r#"
/// agreement demo "Demo" {
///   kind customer
///   version 1.0.0
///   status draft
///   provider "Provider"
///   customer "Customer"
///   term 2026-01-01 open-ended
///   service api { availability 99.9% per calendar month }
/// }"#;
/// let checked = slac::check_source(Path::new("demo.sla"), spec);
/// assert!(!checked.has_errors());
/// let program = checked.program(checked.roots[0]).unwrap();
/// let budget = program.agreements[0].services[0].objectives[0].error_budget.as_ref().unwrap();
/// assert_eq!(budget.allowed_percent.to_string(), "0.1");
///
/// let broken = slac::check_source(Path::new("broken.sla"), &spec.replace("99.9%", "4h"));
/// assert_eq!(broken.diagnostics[0].code.as_str(), "E212");
/// ```
pub fn check_source(path: &Path, text: &str) -> Checked {
    analyze(Workspace::from_source(path, text))
}

/// Runs semantic analysis over a loaded workspace.
pub fn analyze(mut workspace: Workspace) -> Checked {
    // Analysis frees each agreement's syntax tree as soon as it is lowered.
    let analysis = sema::analyze(&mut workspace.files, &syntax::Reread::new(&workspace.sources));
    let imports = workspace
        .files
        .iter_mut()
        .map(|f| (f.id, std::mem::take(&mut f.imports)))
        .collect();
    let mut diagnostics = workspace.diagnostics;
    diagnostics.extend(analysis.diagnostics);
    diagnostics::sort(&mut diagnostics);
    diagnostics.dedup();
    Checked {
        sources: workspace.sources,
        roots: workspace.roots,
        diagnostics,
        programs: analysis.programs,
        locations: analysis.locations,
        imports,
    }
}
