//! `slac diff`: the semantic changes between two versions of the specs, from two paths or from
//! a git revision and the working tree.

use std::ffi::OsStr;
use std::io::{BufRead, BufReader, Write};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::process::{Command as Process, ExitCode, Stdio};

use clap::ValueEnum;

use crate::diagnostics::{self, ColorMode};
use crate::diff::{self, Impact};
use crate::Version;

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
    let (report, errors, sources) = crate::diff_versions(&old, &new);
    let text = match format {
        DiffFormat::Human => diff::render_human(&report),
        DiffFormat::Markdown => diff::render_markdown(&report),
        DiffFormat::Json => diff::render_json(&report),
    };
    super::print_stdout(&text)?;
    if !errors.is_empty() {
        diagnostics::render_human(&sources, &errors, color)
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
fn load(paths: &[PathBuf], side: &str, color: ColorMode) -> Result<Option<Version>, String> {
    let mut errors = |sources: &crate::source::SourceMap, found: &[diagnostics::Diagnostic]| {
        diagnostics::render_human(sources, found, color)
    };
    let version = Version::load(paths, false, &mut errors).map_err(|e| e.to_string())?;
    if version.is_none() {
        eprintln!("error: {side} has errors, so it cannot be compared");
    }
    Ok(version)
}

/// Writes the `.sla` files under `paths` as they were at `revision` into a temporary folder,
/// keeping their paths relative to the current folder, so that imports between them resolve.
/// Two git processes, whatever the number of files: `ls-tree` lists them, `cat-file --batch`
/// gives their contents one after the other.
fn from_git(revision: &str, paths: &[PathBuf]) -> Result<tempfile::TempDir, String> {
    let folder = tempfile::tempdir().map_err(|e| format!("cannot create a temporary folder: {e}"))?;
    let mut args: Vec<&OsStr> = ["ls-tree", "-r", "-z", revision, "--"].map(OsStr::new).to_vec();
    args.extend(paths.iter().map(|p| p.as_os_str()));
    let listing = git(&args)?;
    let specs = blobs(&listing)?;
    if specs.is_empty() {
        return Ok(folder);
    }
    let mut child = Process::new("git")
        .args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run git ({e}); `slac diff --against` needs git on the PATH"))?;
    let wanted: Vec<u8> = specs
        .iter()
        .flat_map(|(id, _)| [id.as_bytes(), b"\n"].concat())
        .collect();
    let stdin = child.stdin.take();
    // Written from another thread: git answers while it reads, and both pipes are bounded.
    let feeder = std::thread::spawn(move || stdin.map(|mut stdin| stdin.write_all(&wanted)));
    let written = match child.stdout.take() {
        Some(stdout) => write_blobs(&mut BufReader::new(stdout), &specs, folder.path()),
        None => Err("git gave no output".to_string()),
    };
    let _ = feeder.join();
    let status = child.wait().map_err(|e| format!("git cat-file failed: {e}"))?;
    written?;
    if !status.success() {
        return Err("`git cat-file --batch` failed".to_string());
    }
    Ok(folder)
}

/// The object id and path of each `.sla` file in `ls-tree -z` output.
fn blobs(listing: &[u8]) -> Result<Vec<(String, PathBuf)>, String> {
    let mut found = Vec::new();
    for entry in listing.split(|b| *b == 0).filter(|e| !e.is_empty()) {
        let tab = entry
            .iter()
            .position(|b| *b == b'\t')
            .ok_or("git ls-tree gave an entry without a path")?;
        let (meta, name) = (
            String::from_utf8_lossy(&entry[..tab]),
            OsStr::from_bytes(&entry[tab + 1..]),
        );
        let mut fields = meta.split(' ');
        let (Some(_mode), Some("blob"), Some(id)) = (fields.next(), fields.next(), fields.next()) else {
            continue;
        };
        if Path::new(name).extension().is_some_and(|e| e == "sla") {
            found.push((id.to_string(), safe_relative(Path::new(name))?));
        }
    }
    Ok(found)
}

/// Reads `cat-file --batch` output (`ID TYPE SIZE`, the contents, a line break, for each object)
/// and writes each object to its path under `folder`.
fn write_blobs(output: &mut impl BufRead, specs: &[(String, PathBuf)], folder: &Path) -> Result<(), String> {
    for (id, path) in specs {
        let mut header = String::new();
        output
            .read_line(&mut header)
            .map_err(|e| format!("cannot read git's output: {e}"))?;
        let size: usize = header
            .split(' ')
            .nth(2)
            .and_then(|s| s.trim().parse().ok())
            .ok_or_else(|| format!("git cannot read `{id}` ({})", header.trim()))?;
        let mut contents = vec![0; size + 1];
        output
            .read_exact(&mut contents)
            .map_err(|e| format!("cannot read git's output: {e}"))?;
        contents.truncate(size);
        let target = folder.join(path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("cannot write `{}`: {e}", parent.display()))?;
        }
        std::fs::write(&target, contents).map_err(|e| format!("cannot write `{}`: {e}", target.display()))?;
    }
    Ok(())
}

/// A path from git's listing, refused if it would leave the temporary folder.
fn safe_relative(path: &Path) -> Result<PathBuf, String> {
    let name = path.display();
    let inside = path
        .components()
        .all(|c| matches!(c, std::path::Component::Normal(_) | std::path::Component::CurDir));
    if inside {
        Ok(path.to_path_buf())
    } else {
        Err(format!("`{name}` is outside the current folder; run `slac diff --against` from the repository root or name paths inside the current folder"))
    }
}

fn git(args: &[&OsStr]) -> Result<Vec<u8>, String> {
    let output = Process::new("git")
        .args(args)
        .output()
        .map_err(|e| format!("cannot run git ({e}); `slac diff --against` needs git on the PATH"))?;
    if !output.status.success() {
        return Err(format!(
            "`git {}` failed: {}",
            args.iter()
                .map(|a| a.to_string_lossy())
                .collect::<Vec<_>>()
                .join(" "),
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    Ok(output.stdout)
}
