//! `slac diff`: the semantic changes between two versions of the specs, from two paths or from
//! a git revision and the working tree.

use std::path::{Path, PathBuf};
use std::process::{Command as Process, ExitCode};

use clap::ValueEnum;

use crate::diagnostics::{self, ColorMode};
use crate::diff::{self, Impact};
use crate::Checked;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(super) enum DiffFormat {
    /// One line per change, grouped by agreement.
    Human,
    /// A changelog section for a pull request comment.
    Markdown,
    /// A versioned JSON document.
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(super) enum FailOn {
    /// Exit 1 when any commitment is weakened.
    Weakened,
}

pub(super) fn diff(
    paths: Vec<PathBuf>,
    against: Option<String>,
    format: DiffFormat,
    fail_on: Option<FailOn>,
    color: ColorMode,
) -> Result<ExitCode, String> {
    // The old version from git lives in a temporary folder for as long as it is needed.
    let (old, new, _old_folder) = match against {
        Some(revision) => {
            let paths = if paths.is_empty() {
                vec![PathBuf::from(".")]
            } else {
                paths
            };
            let folder = from_git(&revision, &paths)?;
            let old = load(
                &[folder.path().to_path_buf()],
                &format!("the specs at {revision}"),
                color,
            )?;
            let new = load(&paths, "the working tree", color)?;
            (old, new, Some(folder))
        }
        None => {
            let [old_path, new_path] = paths.as_slice() else {
                return Err("give two versions to compare (`slac diff OLD NEW`), or a git revision (`slac diff --against main`)".into());
            };
            let old = load(
                std::slice::from_ref(old_path),
                &format!("`{}`", old_path.display()),
                color,
            )?;
            let new = load(
                std::slice::from_ref(new_path),
                &format!("`{}`", new_path.display()),
                color,
            )?;
            (old, new, None)
        }
    };
    let (Some(old), Some(new)) = (old, new) else {
        return Ok(ExitCode::from(1));
    };
    let (report, errors) = crate::diff_checked(&old, &new);
    let text = match format {
        DiffFormat::Human => diff::render_human(&report),
        DiffFormat::Markdown => diff::render_markdown(&report),
        DiffFormat::Json => diff::render_json(&report),
    };
    super::print_stdout(&text)?;
    if !errors.is_empty() {
        diagnostics::render_human(&new.sources, &errors, color)
            .map_err(|e| format!("cannot write to standard error: {e}"))?;
    }
    let weakened = report.count(Impact::Weakened) > 0 && fail_on.is_some();
    Ok(if !errors.is_empty() || weakened {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Checks one side; `None` after reporting its errors (a version with errors has no IR to
/// compare).
fn load(paths: &[PathBuf], side: &str, color: ColorMode) -> Result<Option<Checked>, String> {
    let checked = super::checked_without_errors(paths, color)?;
    if checked.is_none() {
        eprintln!("error: {side} has errors, so it cannot be compared");
    }
    Ok(checked)
}

/// Writes the `.sla` files under `paths` as they were at `revision` into a temporary folder,
/// keeping their paths relative to the current folder, so that imports between them resolve.
fn from_git(revision: &str, paths: &[PathBuf]) -> Result<tempfile::TempDir, String> {
    let folder = tempfile::tempdir().map_err(|e| format!("cannot create a temporary folder: {e}"))?;
    let listing = git(&[
        &["ls-tree", "-r", "--name-only", revision, "--"][..],
        &paths
            .iter()
            .map(|p| p.to_str().unwrap_or("."))
            .collect::<Vec<_>>(),
    ]
    .concat())?;
    for name in String::from_utf8_lossy(&listing)
        .lines()
        .filter(|l| l.ends_with(".sla"))
    {
        let contents = git(&["show", &format!("{revision}:./{name}")])?;
        let target = folder.path().join(safe_relative(name)?);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("cannot write `{}`: {e}", parent.display()))?;
        }
        std::fs::write(&target, contents).map_err(|e| format!("cannot write `{}`: {e}", target.display()))?;
    }
    Ok(folder)
}

/// A path from git's listing, refused if it would leave the temporary folder.
fn safe_relative(name: &str) -> Result<PathBuf, String> {
    let path = Path::new(name);
    let inside = path
        .components()
        .all(|c| matches!(c, std::path::Component::Normal(_) | std::path::Component::CurDir));
    if inside {
        Ok(path.to_path_buf())
    } else {
        Err(format!("`{name}` is outside the current folder; run `slac diff --against` from the repository root or name paths inside the current folder"))
    }
}

fn git(args: &[&str]) -> Result<Vec<u8>, String> {
    let output = Process::new("git")
        .args(args)
        .output()
        .map_err(|e| format!("cannot run git ({e}); `slac diff --against` needs git on the PATH"))?;
    if !output.status.success() {
        return Err(format!(
            "`git {}` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    Ok(output.stdout)
}
