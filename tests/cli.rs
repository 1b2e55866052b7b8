//! The `slac` binary end to end: exit codes, output streams and formats, atomic output, and
//! hostile input (deep nesting, huge files, bad encodings, missing paths).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;

fn slac() -> Command {
    let mut command = Command::cargo_bin("slac").unwrap();
    command.env_remove("NO_COLOR");
    command
}

const GOOD: &str = "examples/cloud-hosting/cloud-hosting.sla";
const BAD: &str = "tests/fixtures/diagnostics/E201_undefined_calendar.sla";

#[test]
fn check_exit_codes() {
    slac()
        .args(["check", "--today", "2026-06-15", "examples"])
        .assert()
        .code(0)
        .stderr(predicate::str::contains("no problems found"));
    slac()
        .args(["check", BAD])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("error[E201]"));
    slac()
        .args(["check", "no/such/dir"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no/such/dir"));
    slac().assert().code(2);
    slac().args(["check", "--format", "yaml"]).assert().code(2);
}

#[test]
fn check_defaults_to_the_current_folder() {
    slac()
        .current_dir("examples/multi-level")
        .args(["check", "--today", "2026-06-15"])
        .assert()
        .code(0)
        .stderr(predicate::str::contains("checked 3 files"));
}

#[test]
fn short_format_is_one_line_per_problem() {
    let output = slac().args(["check", "--format", "short", BAD]).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(
        stderr,
        "tests/fixtures/diagnostics/E201_undefined_calendar.sla:15:34: error[E201]: no calendar named `ofice`\n"
    );
    assert!(output.stdout.is_empty());
}

#[test]
fn json_format_goes_to_stdout() {
    let output = slac().args(["check", "--format", "json", BAD]).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let document: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(document["format_version"], 1);
    assert_eq!(document["diagnostics"][0]["code"], "E201");
    assert_eq!(document["diagnostics"][0]["span"]["line"], 15);
    assert_eq!(document["summary"]["errors"], 1);
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let plain = slac().args(["check", BAD]).output().unwrap();
    assert!(
        !String::from_utf8_lossy(&plain.stderr).contains('\u{1b}'),
        "piped output is not coloured"
    );
    let coloured = slac().args(["check", "--color", "always", BAD]).output().unwrap();
    assert!(String::from_utf8_lossy(&coloured.stderr).contains('\u{1b}'));
    let no_color = slac().env("NO_COLOR", "1").args(["check", BAD]).output().unwrap();
    assert!(!String::from_utf8_lossy(&no_color.stderr).contains('\u{1b}'));
}

#[test]
fn build_writes_json_to_stdout_or_a_file() {
    let output = slac().args(["build", GOOD, "--emit", "json"]).output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let document: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(document["agreements"][0]["id"], "acme-hosting");

    let folder = tempfile::tempdir().unwrap();
    let target = folder.path().join("hosting.json");
    slac()
        .args(["build", GOOD, "--emit", "json", "-o"])
        .arg(&target)
        .assert()
        .code(0)
        .stdout(predicate::str::is_empty());
    assert_eq!(fs::read(&target).unwrap(), output.stdout);
    let leftovers: Vec<_> = fs::read_dir(folder.path()).unwrap().collect();
    assert_eq!(leftovers.len(), 1, "no temporary file is left behind");
}

#[test]
fn a_failed_build_leaves_earlier_output_untouched() {
    let folder = tempfile::tempdir().unwrap();
    let target = folder.path().join("out.json");
    fs::write(&target, "earlier output\n").unwrap();
    slac()
        .args(["build", BAD, "--emit", "json", "-o"])
        .arg(&target)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("nothing was written"));
    assert_eq!(fs::read_to_string(&target).unwrap(), "earlier output\n");
}

#[test]
fn build_selects_one_agreement() {
    let path = "tests/fixtures/valid/two-agreements.sla";
    let output = slac()
        .args(["build", path, "--emit", "json", "--agreement", "second"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let document: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(document["agreements"].as_array().unwrap().len(), 1);
    assert_eq!(document["agreements"][0]["id"], "second");
    slac()
        .args(["build", path, "--emit", "json", "--agreement", "third"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("`first`, `second`"));
}

#[test]
fn schema_and_explain() {
    let output = slac().arg("schema").output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let schema: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(schema["title"], "slac intermediate representation");

    slac()
        .args(["explain", "e212"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("E212 wrong-unit: wrong kind of value"))
        .stdout(predicate::str::contains("## Write instead"));
    slac()
        .args(["explain", "E999"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown code"));
}

#[test]
fn explain_text_for_every_code() {
    for code in slac::diagnostics::Code::ALL {
        let text = slac::cli::explanation(*code);
        for section in [
            "## What it means",
            "## Why it matters",
            "## Example",
            "## Write instead",
        ] {
            assert!(text.contains(section), "{} lacks {section}", code.as_str());
        }
    }
    insta::assert_snapshot!(
        "explain_E215",
        slac::cli::explanation(slac::diagnostics::Code::E215)
    );
}

fn check_generated(name: &str, bytes: &[u8]) -> std::process::Output {
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join(name);
    fs::write(&path, bytes).unwrap();
    slac().arg("check").arg(&path).output().unwrap()
}

#[test]
fn deeply_nested_input_is_a_diagnostic() {
    let output = check_generated("deep.sla", "{".repeat(100_000).as_bytes());
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("error[E103]"));
}

#[test]
fn deeply_nested_agreement_is_a_diagnostic() {
    let text = format!("agreement a \"A\" {}{}", "{".repeat(100_000), "}".repeat(100_000));
    let output = check_generated("deep.sla", text.as_bytes());
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("error[E103]"));
}

#[test]
fn a_50_mb_file_is_a_diagnostic() {
    let mut text = String::with_capacity(50 * 1024 * 1024);
    while text.len() < 50 * 1024 * 1024 {
        text.push_str("# padding line of a very large generated file ................................\n");
    }
    let output = check_generated("huge.sla", text.as_bytes());
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("error[E102]"), "{stderr}");
}

#[test]
fn non_utf8_input_points_at_the_first_bad_byte() {
    let output = check_generated("latin1.sla", b"agreement a \"Caf\xe9\" {}\n");
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("error[E101]"), "{stderr}");
    assert!(stderr.contains("byte 0xE9 at offset 16"), "{stderr}");
    assert!(stderr.contains(":1:17"), "{stderr}");
}

#[test]
fn an_empty_file_is_fine() {
    let output = check_generated("empty.sla", b"");
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn an_unreadable_path_is_a_usage_error() {
    let folder = tempfile::tempdir().unwrap();
    let missing = folder.path().join("missing.sla");
    slac()
        .arg("check")
        .arg(&missing)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("missing.sla"));
    slac()
        .args(["build", "missing.sla", "--emit", "json"])
        .assert()
        .code(2);
}

#[test]
fn a_syntax_error_in_one_file_does_not_stop_the_others() {
    let folder = tempfile::tempdir().unwrap();
    fs::write(folder.path().join("a.sla"), "agreement a \"A\" { kind }\n").unwrap();
    fs::copy(BAD, folder.path().join("b.sla")).unwrap();
    let output = slac()
        .args(["check", "--format", "short"])
        .arg(folder.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("a.sla:1:24: error[E100]"), "{stderr}");
    assert!(stderr.contains("b.sla:15:34: error[E201]"), "{stderr}");
}

#[test]
fn random_bytes_never_crash() {
    // A cheap, deterministic fuzz: truncations and byte flips of a real spec.
    let source = fs::read(GOOD).unwrap();
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    for round in 0..300 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let mut bytes = source.clone();
        let cut = (state as usize) % bytes.len();
        if round % 2 == 0 {
            bytes.truncate(cut);
        } else {
            bytes[cut] = (state >> 32) as u8;
        }
        let text = String::from_utf8_lossy(&bytes);
        let checked = slac::check_source(Path::new("fuzz.sla"), &text);
        // Every diagnostic can be rendered.
        let _ = slac::diagnostics::render_human_to_string(&checked.sources, &checked.diagnostics);
    }
}

#[test]
fn readme_lists_every_code_with_its_title() {
    let readme = fs::read_to_string("README.md").unwrap();
    for code in slac::diagnostics::Code::ALL {
        let row = format!("| {} | `{}` | {} |", code.as_str(), code.name(), code.title());
        assert!(readme.contains(&row), "README lacks the row `{row}`");
    }
}

#[test]
fn readme_starts_with_the_two_commands() {
    let readme = fs::read_to_string("README.md").unwrap();
    let block: Vec<&str> = readme.split("```").nth(1).unwrap().lines().skip(1).collect();
    let command = |line: &str| line.split('#').next().unwrap().trim().to_string();
    assert_eq!(command(block[0]), "cargo run --release -- check examples/");
    let test_command = command(block[1]);
    assert_eq!(test_command, "scripts/install-test-tools && cargo test");
    let ci = fs::read_to_string(".ci/run").unwrap();
    assert!(
        ci.lines()
            .any(|l| l.trim() == test_command || l.trim().starts_with(&format!("{test_command} "))),
        "CI runs the README's test command"
    );
}

#[cfg(unix)]
#[test]
fn a_symlink_loop_in_a_folder_is_not_followed() {
    let folder = tempfile::tempdir().unwrap();
    fs::copy(GOOD, folder.path().join("hosting.sla")).unwrap();
    std::os::unix::fs::symlink(folder.path(), folder.path().join("loop")).unwrap();
    slac()
        .arg("check")
        .arg(folder.path())
        .assert()
        .code(0)
        .stderr(predicate::str::contains("checked 1 file"));
}

#[test]
fn the_readme_tour_example_compiles_without_findings() {
    let readme = fs::read_to_string("README.md").unwrap();
    let after = readme
        .split("A complete small agreement, `hosting.sla`:")
        .nth(1)
        .unwrap();
    let example = after.split("```").nth(1).unwrap().trim_start_matches('\n');
    let mut checked = slac::check_source(Path::new("hosting.sla"), example);
    slac::lint(&mut checked, chrono::NaiveDate::from_ymd_opt(2026, 2, 1).unwrap());
    assert!(
        checked.diagnostics.is_empty(),
        "{}",
        slac::diagnostics::render_human_to_string(&checked.sources, &checked.diagnostics)
    );
    // The broken variant the README shows gives the two errors it shows.
    let broken = example
        .replace(
            "availability 99.9% per calendar month",
            "availability 99.9 per calendar month",
        )
        .replace("during office", "during ofice");
    let checked = slac::check_source(Path::new("broken.sla"), &broken);
    let shown = slac::diagnostics::render_human_to_string(&checked.sources, &checked.diagnostics);
    let block = readme
        .split("in one run:")
        .nth(1)
        .unwrap()
        .split("```")
        .nth(1)
        .unwrap();
    let block = block.trim_start_matches('\n');
    let expected = block.rsplit_once("checked 1 file").unwrap().0;
    assert_eq!(shown.trim_end(), expected.trim_end());
}
