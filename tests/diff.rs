//! `slac diff`: `previous/` and `current/` fixture pairs under `tests/fixtures/diff/`, each
//! with snapshots of the three output formats and of the version errors; the exit codes of
//! `--fail-on weakened`; and `--against` a git revision in a scratch repository.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command as Process;

use assert_cmd::Command;
use slac::diff::{self, Impact};

fn cases() -> Vec<PathBuf> {
    let mut cases: Vec<PathBuf> = fs::read_dir("tests/fixtures/diff")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    cases
}

/// The version of the specs under `path`, which must have no errors.
fn version(path: PathBuf) -> slac::Version {
    let mut errors = |_: &slac::source::SourceMap, found: &[slac::diagnostics::Diagnostic]| {
        panic!("{}: {found:#?}", path.display())
    };
    slac::Version::load(std::slice::from_ref(&path), false, &mut errors)
        .unwrap()
        .unwrap()
}

#[test]
fn fixture_pairs() {
    for case in cases() {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let old = version(case.join("previous"));
        let new = version(case.join("current"));
        let (report, errors, sources) = slac::diff_versions(&old, &new);
        let rendered_errors = slac::diagnostics::render_human_to_string(&sources, &errors);
        insta::assert_snapshot!(
            format!("diff_{name}"),
            format!(
                "{}\n--- markdown ---\n{}\n--- errors ---\n{rendered_errors}",
                diff::render_human(&report),
                diff::render_markdown(&report)
            )
        );
        insta::assert_snapshot!(format!("diff_{name}_json"), diff::render_json(&report));
        match name.as_str() {
            "weakened-minor" => {
                assert_eq!(errors.len(), 1);
                assert_eq!(errors[0].code, slac::diagnostics::Code::E601);
            }
            "weakened-major" => assert!(errors.is_empty() && report.count(Impact::Weakened) > 0),
            "strengthened" => {
                assert!(errors.is_empty());
                assert_eq!(report.count(Impact::Weakened), 0);
                assert_eq!(report.count(Impact::Neutral), 0);
            }
            "neutral" => {
                assert_eq!(report.count(Impact::Neutral), report.agreements[0].changes.len());
            }
            other => panic!("no expectations for the diff fixture `{other}`"),
        }
    }
}

#[test]
fn identical_versions_have_no_changes() {
    let path = PathBuf::from("examples/cloud-hosting/cloud-hosting.sla");
    let (report, errors, _) = slac::diff_versions(&version(path.clone()), &version(path));
    assert!(report.is_empty() && errors.is_empty());
    assert_eq!(diff::render_human(&report), "no changes to the commitments\n");
}

fn slac() -> Command {
    Command::cargo_bin("slac").unwrap()
}

#[test]
fn exit_codes() {
    let pair = |case: &str| {
        let folder = Path::new("tests/fixtures/diff").join(case);
        [folder.join("previous"), folder.join("current")]
    };
    // A weakening under a minor version is an error even without --fail-on.
    slac()
        .arg("diff")
        .args(pair("weakened-minor"))
        .assert()
        .code(1)
        .stderr(predicates::str::contains("error[E601]"));
    // Under a major version it is allowed, unless the policy says otherwise.
    slac().arg("diff").args(pair("weakened-major")).assert().code(0);
    slac()
        .arg("diff")
        .args(pair("weakened-major"))
        .args(["--fail-on", "weakened"])
        .assert()
        .code(1);
    slac()
        .arg("diff")
        .args(pair("strengthened"))
        .args(["--fail-on", "weakened", "--format", "markdown"])
        .assert()
        .code(0)
        .stdout(predicates::str::starts_with(
            "## Changes to the service level commitments",
        ));
    slac()
        .args(["diff", "only-one.sla"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("give two versions"));
}

fn git(folder: &Path, args: &[&str]) {
    let status = Process::new("git")
        .args(args)
        .current_dir(folder)
        .env("GIT_AUTHOR_NAME", "slac tests")
        .env("GIT_AUTHOR_EMAIL", "tests@slac.invalid")
        .env("GIT_COMMITTER_NAME", "slac tests")
        .env("GIT_COMMITTER_EMAIL", "tests@slac.invalid")
        .status()
        .unwrap_or_else(|e| panic!("cannot run git ({e})"));
    assert!(status.success(), "git {args:?}");
}

#[test]
fn against_a_git_revision() {
    let repository = tempfile::tempdir().unwrap();
    let root = repository.path();
    let specs = root.join("specs");
    fs::create_dir(&specs).unwrap();
    let previous = fs::read_to_string("tests/fixtures/diff/weakened-minor/previous/hosting.sla").unwrap();
    let current = fs::read_to_string("tests/fixtures/diff/weakened-minor/current/hosting.sla").unwrap();
    fs::write(specs.join("hosting.sla"), previous).unwrap();
    git(root, &["init", "--quiet"]);
    git(root, &["add", "."]);
    git(root, &["commit", "--quiet", "-m", "first version"]);
    fs::write(specs.join("hosting.sla"), current).unwrap();

    let output = slac()
        .args(["diff", "--against", "HEAD", "--format", "json", "specs"])
        .current_dir(root)
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["summary"]["weakened"], 9);
    assert!(String::from_utf8_lossy(&output.stderr).contains("E601"));

    // From a subfolder, paths are relative to it, as git's are.
    slac()
        .args(["diff", "--against", "HEAD"])
        .current_dir(&specs)
        .assert()
        .code(1)
        .stdout(predicates::str::contains("target lowered: 99.95% → 99.9%"));

    slac()
        .args(["diff", "--against", "no-such-revision"])
        .current_dir(root)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("failed"));
}

#[test]
fn markdownlint_accepts_the_markdown_report() {
    let folder = tempfile::tempdir().unwrap();
    for case in cases() {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let (report, ..) =
            slac::diff_versions(&version(case.join("previous")), &version(case.join("current")));
        fs::write(
            folder.path().join(format!("{name}.md")),
            diff::render_markdown(&report),
        )
        .unwrap();
    }
    let report = common::markdownlint(folder.path(), "diff.markdownlint-cli2.jsonc");
    assert!(report.contains("Linting: 4 files"), "{report}");
}

/// Many specs, in folders and under names with spaces and Vietnamese letters, read from one
/// revision: every one is compared, and unchanged specs give no change.
#[test]
fn against_a_revision_with_many_files_and_unusual_names() {
    let repository = tempfile::tempdir().unwrap();
    let root = repository.path();
    let spec = fs::read_to_string("tests/fixtures/diff/weakened-minor/previous/hosting.sla").unwrap();
    let id = spec
        .split("agreement ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap()
        .to_string();
    for i in 0..60 {
        let folder = root.join(format!("khách hàng {}", i % 3));
        fs::create_dir_all(&folder).unwrap();
        let renamed = spec.replacen(&format!("agreement {id} "), &format!("agreement {id}-{i} "), 1);
        fs::write(folder.join(format!("Hợp đồng {i}.sla")), renamed).unwrap();
    }
    git(root, &["init", "--quiet"]);
    git(root, &["add", "."]);
    git(root, &["commit", "--quiet", "-m", "sixty specs"]);
    let changed = root.join("khách hàng 1").join("Hợp đồng 31.sla");
    let current = fs::read_to_string("tests/fixtures/diff/weakened-minor/current/hosting.sla").unwrap();
    fs::write(
        &changed,
        current.replacen(&format!("agreement {id} "), &format!("agreement {id}-31 "), 1),
    )
    .unwrap();

    let output = slac()
        .args(["diff", "--against", "HEAD", "--format", "json"])
        .current_dir(root)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    let report: serde_json::Value =
        serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("{e}: {stderr}"));
    assert_eq!(report["summary"]["weakened"], 9, "{report}");
    let agreements: Vec<&str> = report["agreements"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| !a["changes"].as_array().unwrap().is_empty())
        .filter_map(|a| a["agreement"].as_str())
        .collect();
    assert_eq!(agreements, [format!("{id}-31")]);
    assert_eq!(
        report["agreements"].as_array().unwrap().len(),
        60,
        "every spec was read"
    );
}

/// A version with errors is not compared: its errors are reported (and its lint warnings are
/// not, since the diff does not lint), whichever side it is.
#[test]
fn a_version_with_errors_is_reported_not_compared() {
    let folder = tempfile::tempdir().unwrap();
    let good = fs::read_to_string("tests/fixtures/diff/weakened-minor/previous/hosting.sla").unwrap();
    let broken = folder.path().join("broken");
    fs::create_dir(&broken).unwrap();
    fs::write(broken.join("hosting.sla"), good.replacen("99.9%", "4h", 1)).unwrap();
    // A file without errors but with lint warnings (W305 and others, when linted).
    let warned = good.replacen("agreement hosting ", "agreement hosting-copy ", 1);
    assert_ne!(warned, good);
    fs::write(broken.join("copy.sla"), warned).unwrap();
    let previous = "tests/fixtures/diff/weakened-minor/previous";
    let mut handed = Vec::new();
    let mut errors = |_: &slac::source::SourceMap, found: &[slac::diagnostics::Diagnostic]| {
        handed.extend(found.iter().map(|d| (d.code, d.is_error())));
        Ok(())
    };
    let version = slac::Version::load(std::slice::from_ref(&broken), false, &mut errors).unwrap();
    assert!(version.is_none());
    assert!(
        !handed.is_empty() && handed.iter().all(|(_, error)| *error),
        "{handed:?}"
    );
    assert!(
        handed.iter().all(|(code, _)| code.as_str() == "E212"),
        "{handed:?}"
    );
    for args in [
        [previous, broken.to_str().unwrap()],
        [broken.to_str().unwrap(), previous],
    ] {
        slac()
            .arg("diff")
            .args(args)
            .assert()
            .code(1)
            .stdout("")
            .stderr(predicates::str::contains("error[E212]"))
            .stderr(predicates::str::contains("has errors, so it cannot be compared"));
    }
}
