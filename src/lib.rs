//! slac: an SLA-as-code compiler and linter.
//!
//! The pipeline, one module per stage: [`source`] (files and limits) → [`syntax`] (pest grammar
//! to an owned AST with spans) → [`sema`] (name resolution, inheritance, units, validation) →
//! [`ir`] (the validated form) → [`emit`] (output formats). [`workspace`] gathers the files of a
//! run and their imports; [`cli`] is a thin shell over the functions below.

pub mod cli;
pub mod corpus;
pub mod diagnostics;
pub mod emit;
pub mod ir;
pub mod sema;
pub mod source;
pub mod syntax;
pub mod workspace;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use diagnostics::Diagnostic;
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
}

impl Checked {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// The IR of a file. Only meaningful when there are no errors.
    pub fn program(&self, file: FileId) -> Option<&ir::Program> {
        self.programs.get(&file)
    }

    /// Every agreement of every file, in file order.
    pub fn agreements(&self) -> impl Iterator<Item = &ir::Agreement> {
        self.programs.values().flat_map(|p| p.agreements.iter())
    }

    pub fn files_checked(&self) -> usize {
        self.sources.len()
    }
}

/// Checks files and directories (recursing into `*.sla`), with everything they import.
pub fn check(paths: &[PathBuf]) -> Result<Checked, InputError> {
    Workspace::load(paths).map(analyze)
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
pub fn analyze(workspace: Workspace) -> Checked {
    let analysis = sema::analyze(&workspace.files);
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
    }
}
