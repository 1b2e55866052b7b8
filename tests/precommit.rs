//! The pre-commit hooks with the real pre-commit framework (from PyPI) on a scratch git
//! repository: `slac-check` refuses a bad spec with its diagnostic shown and lets a good one
//! be committed; `slac-fmt` rewrites an unformatted spec and stops the commit until the
//! rewrite is staged.
//!
//! The hooks are installed from this repository at its HEAD commit, as a user's
//! `.pre-commit-config.yaml` would name a tag. The first run builds slac in release mode.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

fn run(program: &str, args: &[&str], folder: &Path) -> Output {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    Command::new(program)
        .args(args)
        .current_dir(folder)
        // Cached between runs, so only the first run builds the hook.
        .env("PRE_COMMIT_HOME", manifest.join("target/pre-commit-home"))
        .env("CARGO_TARGET_DIR", manifest.join("target/pre-commit"))
        .env_remove("GIT_DIR")
        .env_remove("GIT_INDEX_FILE")
        .env_remove("GIT_WORK_TREE")
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run `{program}` ({e}); install it with `python3 -m pip install pre-commit`")
        })
}

fn git(folder: &Path, args: &[&str]) -> Output {
    let output = run("git", args, folder);
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// A scratch git repository whose pre-commit configuration installs `hook` from this
/// repository's HEAD commit.
fn repository_with_hook(hook: &str) -> tempfile::TempDir {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let head = String::from_utf8(git(manifest, &["rev-parse", "HEAD"]).stdout).unwrap();
    let scratch = tempfile::tempdir().unwrap();
    let folder = scratch.path();
    git(folder, &["init", "-q"]);
    git(folder, &["config", "user.email", "ci@example.com"]);
    git(folder, &["config", "user.name", "CI"]);
    fs::write(
        folder.join(".pre-commit-config.yaml"),
        format!(
            "repos:\n  - repo: {}\n    rev: {}\n    hooks:\n      - id: {hook}\n",
            manifest.display(),
            head.trim()
        ),
    )
    .unwrap();
    let installed = run("pre-commit", &["install"], folder);
    assert!(
        installed.status.success(),
        "{}",
        String::from_utf8_lossy(&installed.stderr)
    );
    scratch
}

/// A commit attempt: whether it went through, and everything pre-commit printed.
fn commit(folder: &Path, message: &str) -> (bool, String) {
    let output = run("git", &["commit", "-m", message], folder);
    let shown = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), shown)
}

#[test]
fn the_hook_refuses_a_bad_spec_and_accepts_a_good_one() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let scratch = repository_with_hook("slac-check");
    let folder = scratch.path();

    fs::copy(
        manifest.join("tests/fixtures/diagnostics/E201_undefined_calendar.sla"),
        folder.join("bad.sla"),
    )
    .unwrap();
    git(folder, &["add", ".pre-commit-config.yaml", "bad.sla"]);
    let (committed, shown) = commit(folder, "add a bad spec");
    assert!(!committed, "the commit was not refused:\n{shown}");
    assert!(shown.contains("slac check"), "{shown}");
    assert!(
        shown.contains("error[E201]: no calendar named `ofice`"),
        "{shown}"
    );
    assert!(shown.contains("bad.sla:15:34"), "{shown}");

    git(folder, &["rm", "-q", "--cached", "bad.sla"]);
    fs::remove_file(folder.join("bad.sla")).unwrap();
    fs::copy(
        manifest.join("examples/cloud-hosting/cloud-hosting.sla"),
        folder.join("hosting.sla"),
    )
    .unwrap();
    git(folder, &["add", "hosting.sla"]);
    let (committed, shown) = commit(folder, "add a good spec");
    assert!(committed, "the commit was refused:\n{shown}");
    assert!(
        shown.contains("slac check") && shown.contains("Passed"),
        "{shown}"
    );
}

#[test]
fn the_fmt_hook_rewrites_a_spec_and_stops_the_commit_until_it_is_staged() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let scratch = repository_with_hook("slac-fmt");
    let folder = scratch.path();
    let messy = fs::read_to_string(manifest.join("tests/fixtures/fmt/messy.sla")).unwrap();
    let spec = folder.join("messy.sla");
    fs::write(&spec, &messy).unwrap();
    git(folder, &["add", ".pre-commit-config.yaml", "messy.sla"]);

    let (committed, shown) = commit(folder, "add an unformatted spec");
    assert!(!committed, "the commit was not stopped:\n{shown}");
    assert!(
        shown.contains("slac fmt") && shown.contains("files were modified by this hook"),
        "{shown}"
    );
    let rewritten = fs::read_to_string(&spec).unwrap();
    assert_ne!(rewritten, messy, "the spec was not rewritten");
    // The rewrite is `slac fmt`'s canonical layout: formatting it again changes nothing.
    let again = Command::new(env!("CARGO_BIN_EXE_slac"))
        .args(["fmt", "--check"])
        .arg(&spec)
        .output()
        .unwrap();
    assert!(
        again.status.success(),
        "{}",
        String::from_utf8_lossy(&again.stdout)
    );

    git(folder, &["add", "messy.sla"]);
    let (committed, shown) = commit(folder, "add the formatted spec");
    assert!(committed, "the commit was refused:\n{shown}");
    assert!(shown.contains("slac fmt") && shown.contains("Passed"), "{shown}");
}
