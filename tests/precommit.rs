//! The pre-commit hook with the real pre-commit framework (from PyPI) on a scratch git
//! repository: a bad spec is refused with its diagnostic shown, a good one is committed.
//!
//! The hook is installed from this repository at its HEAD commit, as a user's
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

#[test]
fn the_hook_refuses_a_bad_spec_and_accepts_a_good_one() {
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
            "repos:\n  - repo: {}\n    rev: {}\n    hooks:\n      - id: slac-check\n",
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

    fs::copy(
        manifest.join("tests/fixtures/diagnostics/E201_undefined_calendar.sla"),
        folder.join("bad.sla"),
    )
    .unwrap();
    git(folder, &["add", ".pre-commit-config.yaml", "bad.sla"]);
    let refused = run("git", &["commit", "-m", "add a bad spec"], folder);
    let shown = format!(
        "{}{}",
        String::from_utf8_lossy(&refused.stdout),
        String::from_utf8_lossy(&refused.stderr)
    );
    assert!(!refused.status.success(), "the commit was not refused:\n{shown}");
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
    let accepted = run("git", &["commit", "-m", "add a good spec"], folder);
    let shown = format!(
        "{}{}",
        String::from_utf8_lossy(&accepted.stdout),
        String::from_utf8_lossy(&accepted.stderr)
    );
    assert!(accepted.status.success(), "the commit was refused:\n{shown}");
    assert!(
        shown.contains("slac check") && shown.contains("Passed"),
        "{shown}"
    );
}
