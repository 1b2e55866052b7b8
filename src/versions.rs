//! Two versions of a set of specs, as `slac diff` compares them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::diagnostics::Diagnostic;
use crate::source::SourceMap;
use crate::{batches, check, diff, ir, Checked};

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
