//! `slac fmt`: rewrite files in the canonical layout, or with `--check` show what would change.

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

use crate::diagnostics::{self, ColorMode, Diagnostic};
use crate::source::{FileId, SourceMap, MAX_FILE_BYTES};

/// What happened to one file.
enum Outcome {
    Unchanged,
    Changed,
    Refused,
}

pub(super) fn fmt(paths: Vec<PathBuf>, check: bool, color: ColorMode) -> Result<ExitCode, String> {
    let outcomes = if paths.len() == 1 && paths[0].as_os_str() == "-" {
        vec![standard_input(check, color)?]
    } else {
        let paths = if paths.is_empty() {
            vec![PathBuf::from(".")]
        } else {
            paths
        };
        let files = crate::workspace::sla_files(&paths).map_err(|e| e.to_string())?;
        let mut outcomes = Vec::with_capacity(files.len());
        for path in files {
            let mut sources = SourceMap::new();
            let (id, problem) = sources
                .load(&path)
                .map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
            let problem = problem.map(|p| Diagnostic::unreadable(id, &p));
            let outcome = match formatted(&sources, id, problem, color)? {
                None => Outcome::Refused,
                Some(text) if text == sources.text(id) => Outcome::Unchanged,
                Some(text) if check => {
                    super::print_stdout(&unified_diff(sources.name(id), sources.text(id), &text))?;
                    Outcome::Changed
                }
                Some(text) => {
                    crate::output::write(&path, text.as_bytes())
                        .map_err(|e| format!("cannot write `{}`: {e}", path.display()))?;
                    Outcome::Changed
                }
            };
            outcomes.push(outcome);
        }
        summarize(&outcomes, check);
        outcomes
    };
    let refused = outcomes.iter().any(|o| matches!(o, Outcome::Refused));
    let unformatted = check && outcomes.iter().any(|o| matches!(o, Outcome::Changed));
    Ok(if refused || unformatted {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The canonical text of a loaded file, or `None` after reporting why it cannot be formatted.
fn formatted(
    sources: &SourceMap,
    id: FileId,
    problem: Option<Diagnostic>,
    color: ColorMode,
) -> Result<Option<String>, String> {
    let result = match problem {
        Some(diagnostic) => Err(vec![diagnostic]),
        None => crate::fmt::format_text(id, sources.text(id)),
    };
    match result {
        Ok(text) => Ok(Some(text)),
        Err(diagnostics) => {
            diagnostics::render_human(sources, &diagnostics, color)
                .map_err(|e| format!("cannot write to standard error: {e}"))?;
            eprintln!("error: `{}` was left as it is", sources.name(id));
            Ok(None)
        }
    }
}

/// `slac fmt -`: standard input to standard output, or a diff with `--check`.
fn standard_input(check: bool, color: ColorMode) -> Result<Outcome, String> {
    let mut bytes = Vec::new();
    std::io::stdin()
        .take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read standard input: {e}"))?;
    let mut sources = SourceMap::new();
    let (id, problem) = sources.add_bytes("<stdin>".into(), PathBuf::from("<stdin>"), bytes);
    let problem = problem.map(|p| Diagnostic::unreadable(id, &p));
    Ok(match formatted(&sources, id, problem, color)? {
        None => Outcome::Refused,
        Some(text) if check => {
            if text == sources.text(id) {
                Outcome::Unchanged
            } else {
                super::print_stdout(&unified_diff("<stdin>", sources.text(id), &text))?;
                Outcome::Changed
            }
        }
        Some(text) => {
            super::print_stdout(&text)?;
            if text == sources.text(id) {
                Outcome::Unchanged
            } else {
                Outcome::Changed
            }
        }
    })
}

/// A unified diff with git's `a/` and `b/` prefixes for relative paths (`git apply` reads it).
fn unified_diff(name: &str, old: &str, new: &str) -> String {
    let (old_name, new_name) = if name.starts_with('/') || name.starts_with('<') {
        (name.to_string(), name.to_string())
    } else {
        (format!("a/{name}"), format!("b/{name}"))
    };
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&old_name, &new_name)
        .to_string()
}

fn summarize(outcomes: &[Outcome], check: bool) {
    let count = |wanted: fn(&Outcome) -> bool| outcomes.iter().filter(|o| wanted(o)).count();
    let changed = count(|o| matches!(o, Outcome::Changed));
    let unchanged = count(|o| matches!(o, Outcome::Unchanged));
    let refused = count(|o| matches!(o, Outcome::Refused));
    let files = |n: usize| {
        if n == 1 {
            "1 file".to_string()
        } else {
            format!("{n} files")
        }
    };
    let verb = if check {
        "would be reformatted"
    } else {
        "reformatted"
    };
    let mut parts = vec![
        format!("{} {verb}", files(changed)),
        format!("{} already formatted", files(unchanged)),
    ];
    if refused > 0 {
        parts.push(format!("{} left unformatted because of errors", files(refused)));
    }
    eprintln!("{}", parts.join(", "));
}
