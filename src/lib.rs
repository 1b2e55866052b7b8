//! slac: an SLA-as-code compiler and linter.
//!
//! The pipeline, one module per stage: [`source`] (files and limits) → [`syntax`] (pest grammar
//! to an owned AST with spans) → [`sema`] (name resolution, inheritance, units, validation) →
//! [`ir`] (the validated form) → [`emit`] (output formats). [`workspace`] gathers the files of a
//! run and their imports; [`cli`] is a thin shell over the functions below.

pub mod batches;
pub mod business_time;
pub mod cli;
pub mod diagnostics;
pub mod diff;
pub mod emit;
pub mod fmt;
pub mod ir;
pub mod lint;
pub mod output;
pub mod report;
pub mod sema;
pub mod source;
pub mod syntax;
pub mod text;
pub mod workspace;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use diagnostics::Diagnostic;
use rayon::prelude::*;
use source::{FileId, SourceMap};
pub use workspace::{InputError, Workspace};

/// The outcome of checking a set of files: the sources, every diagnostic (sorted by file and
/// offset), and the IR of each file.
#[derive(Debug)]
pub struct Checked {
    pub sources: SourceMap,
    /// The files named by the caller (imports are loaded and checked too, but are not roots).
    pub roots: Vec<FileId>,
    pub diagnostics: Vec<Diagnostic>,
    programs: BTreeMap<FileId, ir::Program>,
    /// Where each item of the IR was written.
    pub locations: ir::Locations,
    /// The files each `.sla` file imports.
    imports: BTreeMap<FileId, Vec<FileId>>,
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

/// Runs the lints over a checked run, adding their findings to `checked.diagnostics` (see
/// [`lint::lint_run`]). `today` is the date reviews and expiry are judged against.
pub fn lint(checked: &mut Checked, today: chrono::NaiveDate) {
    lint::lint_run(checked, today);
}

/// The agreements of the specs under `folder` that underpin one of `supported` (OLAs and UCs
/// whose `supports` names it), for its contract document. Such a spec imports the supported
/// one, so it is found by a search of the text and then checked on its own: a spec that does
/// not mention `supports` and one of the ids is never analysed, and one with errors is left
/// out and named in the second list.
pub fn underpinning(folder: &Path, supported: &[&str]) -> (Vec<ir::Agreement>, Vec<PathBuf>) {
    let Ok(files) = workspace::sla_files(&[folder.to_path_buf()]) else {
        return (Vec::new(), Vec::new());
    };
    let mentions = |path: &PathBuf| {
        std::fs::read(path).is_ok_and(|bytes| {
            let text = String::from_utf8_lossy(&bytes);
            text.contains("supports") && supported.iter().any(|id| text.contains(id))
        })
    };
    let candidates: Vec<PathBuf> = files.into_par_iter().filter(mentions).collect();
    let (mut found, mut broken) = (Vec::new(), Vec::new());
    for candidate in candidates {
        match check(std::slice::from_ref(&candidate)) {
            Ok(checked) if !checked.has_errors() => {
                let root = checked.roots.first().and_then(|root| checked.program(*root));
                let supporting = root
                    .into_iter()
                    .flat_map(|p| &p.agreements)
                    .filter(|a| a.supports.as_deref().is_some_and(|s| supported.contains(&s)));
                found.extend(supporting.cloned());
            }
            _ => broken.push(candidate),
        }
    }
    (found, broken)
}

/// The contract document (Markdown) of one agreement defined in `file`, from the IR of a run
/// without errors; `underpinning` are agreements of other files that support it (see
/// [`underpinning`]). `today`, when given, is printed as the generation date.
pub fn markdown_document(
    checked: &Checked,
    file: FileId,
    agreement: &ir::Agreement,
    underpinning: &[ir::Agreement],
    today: Option<chrono::NaiveDate>,
) -> String {
    use sha2::{Digest, Sha256};
    let mut all: Vec<&ir::Agreement> = checked.agreements().collect();
    all.extend(
        underpinning
            .iter()
            .filter(|u| !all.iter().any(|a| a.id == u.id))
            .collect::<Vec<_>>(),
    );
    let digest = Sha256::digest(checked.sources.text(file).as_bytes());
    let context = emit::DocumentContext {
        agreements: &all,
        source_sha256: digest.iter().map(|b| format!("{b:02x}")).collect(),
        today,
    };
    emit::markdown(agreement, &context)
}

/// The contract document of one agreement as a self-contained HTML page with print CSS.
pub fn html_document(
    checked: &Checked,
    file: FileId,
    agreement: &ir::Agreement,
    underpinning: &[ir::Agreement],
    today: Option<chrono::NaiveDate>,
) -> String {
    emit::html(
        &markdown_document(checked, file, agreement, underpinning, today),
        &agreement.title,
    )
}

/// One version of a set of specs, as `slac diff` compares it: the agreements of each `.sla`
/// file, by the file's identity (its canonical path), with the path it was read by. Nothing
/// else of the run is held, so a version of thousands of files costs its IR alone.
#[derive(Debug, Default)]
pub struct Version {
    files: BTreeMap<PathBuf, (PathBuf, Vec<ir::Agreement>)>,
}

impl Version {
    /// Checks `paths` in batches (without the lints) and keeps their agreements. Errors are
    /// handed to `errors` file by file, as `slac check` hands them over; a version with any
    /// has no IR to compare, and is then `None`.
    pub fn load(
        paths: &[PathBuf],
        allow_outside: bool,
        errors: &mut batches::Emit<'_>,
    ) -> Result<Option<Version>, batches::BatchError> {
        let files = std::sync::Mutex::new(BTreeMap::new());
        let mut only_errors = |sources: &SourceMap, found: &[Diagnostic]| {
            let found: Vec<Diagnostic> = found.iter().filter(|d| d.is_error()).cloned().collect();
            if found.is_empty() {
                return Ok(());
            }
            errors(sources, &found)
        };
        let keep = |checked: &Checked| {
            let found: Vec<_> = checked
                .spec_files()
                .filter_map(|file| {
                    let sources = &checked.sources;
                    let identity = sources.canonical(file).unwrap_or_else(|| sources.path(file));
                    let agreements = checked.program(file)?.agreements.clone();
                    Some((
                        identity.to_path_buf(),
                        (sources.path(file).to_path_buf(), agreements),
                    ))
                })
                .collect();
            let mut files = files.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            for (identity, file) in found {
                files.entry(identity).or_insert(file);
            }
        };
        let plan = batches::Plan {
            allow_outside,
            lint_on: None,
            batch_files: batches::BATCH_FILES,
            keep: Some(&keep),
        };
        let totals = batches::run_in_batches(paths, &plan, &mut only_errors)?;
        let files = files
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        Ok((totals.errors == 0).then_some(Version { files }))
    }

    /// Every agreement, the first of each id, in the order of their files' identities.
    fn agreements(&self) -> Vec<&ir::Agreement> {
        let mut seen = std::collections::HashSet::new();
        self.files
            .values()
            .flat_map(|(_, agreements)| agreements)
            .filter(|a| seen.insert(a.id.as_str()))
            .collect()
    }

    /// The path of the file that defines agreement `id`.
    fn file_of(&self, id: &str) -> Option<&Path> {
        self.files
            .values()
            .find(|(_, agreements)| agreements.iter().any(|a| a.id == id))
            .map(|(path, _)| path.as_path())
    }
}

/// The semantic changes from `old` to `new` (agreements matched by id across every file of
/// each), and `E601` for each agreement that weakens a commitment without a major version
/// bump, with the files it points into (those of the new version that define such an
/// agreement, checked again for where its items are written).
pub fn diff_versions(old: &Version, new: &Version) -> (diff::DiffReport, Vec<Diagnostic>, SourceMap) {
    let report = diff::diff(&old.agreements(), &new.agreements());
    let mut files: Vec<PathBuf> = report
        .agreements
        .iter()
        .filter(|a| diff::needs_major_bump(a))
        .filter_map(|a| new.file_of(&a.agreement))
        .map(Path::to_path_buf)
        .collect();
    files.sort();
    files.dedup();
    if files.is_empty() {
        return (report, Vec::new(), SourceMap::new());
    }
    match check(&files) {
        Ok(checked) => {
            let errors = diff::version_errors(&report, &checked.locations);
            (report, errors, checked.sources)
        }
        Err(_) => (report, Vec::new(), SourceMap::new()),
    }
}
