//! Lints: each rule has a fixture that triggers it (`W3xx_bad.sla`) and one that is clean
//! (`W3xx_good.sla`), both snapshotted; configuration, suppressions and the CI formats.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{code_of, relative, sla_files};
use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use chrono::NaiveDate;
use predicates::prelude::*;
use slac::diagnostics::{render_human_to_string, Code};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 6, 15).unwrap()
}

fn lint(paths: &[PathBuf]) -> slac::Checked {
    let mut checked = slac::check(paths).unwrap();
    slac::lint(&mut checked, today());
    checked
}

#[test]
fn rendered_findings() {
    insta::glob!("fixtures/lint/*.sla", |path| {
        let checked = lint(&[relative(path)]);
        insta::assert_snapshot!(render_human_to_string(&checked.sources, &checked.diagnostics));
    });
}

#[test]
fn bad_fixtures_trigger_their_rule_and_good_ones_are_clean() {
    for path in sla_files("tests/fixtures/lint") {
        let code = code_of(&path);
        let checked = lint(std::slice::from_ref(&path));
        let codes: Vec<Code> = checked.diagnostics.iter().map(|d| d.code).collect();
        if path.to_string_lossy().ends_with("_bad.sla") {
            assert!(codes.contains(&code), "{} reports {codes:?}", path.display());
            assert!(
                codes.iter().all(|c| *c == code),
                "{} reports other codes too: {codes:?}",
                path.display()
            );
        } else {
            assert!(codes.is_empty(), "{} should be clean: {codes:?}", path.display());
        }
    }
}

#[test]
fn every_rule_has_a_bad_and_a_good_fixture() {
    let names: BTreeSet<String> = sla_files("tests/fixtures/lint")
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    // W322 is about a FIFO, which git cannot hold: tests/cli.rs makes one.
    for rule in slac::lint::rules().iter().filter(|r| r.code != Code::W322) {
        for kind in ["bad", "good"] {
            let name = format!("{}_{kind}.sla", rule.code.as_str());
            assert!(names.contains(&name), "missing fixture {name}");
        }
    }
    assert!(slac::lint::rules().len() >= 21);
}

#[test]
fn examples_are_lint_clean() {
    let checked = lint(&[PathBuf::from("examples")]);
    assert!(
        checked.diagnostics.is_empty(),
        "{}",
        render_human_to_string(&checked.sources, &checked.diagnostics)
    );
}

#[test]
fn lints_do_not_run_on_files_with_errors() {
    let checked = lint(&[PathBuf::from(
        "tests/fixtures/diagnostics/E201_undefined_calendar.sla",
    )]);
    assert!(checked.diagnostics.iter().all(|d| !d.code.is_lint()));
}

/// An error stops the rules only for its own file and the files that import it: an unrelated
/// file of the same run is still linted.
#[test]
fn lints_skip_only_files_that_reach_an_error() {
    let folder = tempfile::tempdir().unwrap();
    let warned = fs::read_to_string("tests/fixtures/lint/W312_bad.sla").unwrap();
    let broken = fs::read_to_string("tests/fixtures/diagnostics/E201_undefined_calendar.sla").unwrap();
    fs::write(folder.path().join("broken.sla"), &broken).unwrap();
    // Imports the broken file: its own findings would rest on incomplete input.
    fs::write(
        folder.path().join("importer.sla"),
        format!(
            "import \"broken.sla\"\n{}",
            warned.replace("agreement demo", "agreement importer")
        ),
    )
    .unwrap();
    fs::write(
        folder.path().join("unrelated.sla"),
        warned.replace("agreement demo", "agreement unrelated"),
    )
    .unwrap();
    let checked = lint(&[folder.path().to_path_buf()]);
    assert!(checked.has_errors());
    let linted: BTreeSet<&str> = checked
        .diagnostics
        .iter()
        .filter(|d| d.code.is_lint())
        .map(|d| checked.sources.name(d.primary.file).rsplit('/').next().unwrap())
        .collect();
    assert_eq!(linted, BTreeSet::from(["unrelated.sla"]));
}

fn sarif_schema() -> Option<serde_json::Value> {
    let path = common::shared("schemas/sarif-schema-2.1.0.json")?;
    Some(serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap())
}

#[test]
fn sarif_validates_against_the_schema() {
    let Some(schema) = sarif_schema() else { return };
    let validator = jsonschema::validator_for(&schema).unwrap();
    let checked = lint(&[PathBuf::from("tests/fixtures/lint")]);
    assert!(!checked.diagnostics.is_empty());
    let sarif = slac::diagnostics::render_sarif(&checked.sources, &checked.diagnostics, slac::cli::docs);
    let log: serde_json::Value = serde_json::from_str(&sarif).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&log)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");

    let results = log["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), checked.diagnostics.len());
    let rules = log["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
    for result in results {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
        assert_eq!(
            result["partialFingerprints"]["slacFingerprint/v1"]
                .as_str()
                .unwrap()
                .len(),
            32
        );
    }
    // The schema can reject: a result without a message is not SARIF.
    let mut broken = log.clone();
    broken["runs"][0]["results"][0]
        .as_object_mut()
        .unwrap()
        .remove("message");
    assert!(!validator.is_valid(&broken));
}

#[test]
fn github_annotations() {
    let checked = lint(&[PathBuf::from("tests/fixtures/lint/W303_bad.sla")]);
    insta::assert_snapshot!(slac::diagnostics::render_github(
        &checked.sources,
        &checked.diagnostics
    ));
}

fn slac_command() -> Command {
    let mut command = Command::cargo_bin("slac").unwrap();
    command.env_remove("NO_COLOR");
    command
}

#[test]
fn deny_warnings_fails_the_run() {
    let path = "tests/fixtures/lint/W303_bad.sla";
    slac_command()
        .args(["check", "--today", "2026-06-15", path])
        .assert()
        .code(0);
    slac_command()
        .args(["check", "--today", "2026-06-15", "--deny", "warnings", path])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("warning[W303]"));
    slac_command()
        .args(["check", "--today", "2026-13-01", path])
        .assert()
        .code(2);
}

#[test]
fn json_format_carries_code_name_severity_spans_and_help() {
    let output = slac_command()
        .args([
            "check",
            "--format",
            "json",
            "--today",
            "2026-06-15",
            "tests/fixtures/lint/W303_bad.sla",
        ])
        .output()
        .unwrap();
    let document: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let finding = &document["diagnostics"][0];
    assert_eq!(finding["code"], "W303");
    assert_eq!(finding["name"], "watermelon");
    assert_eq!(finding["severity"], "warning");
    assert!(finding["span"]["start"].as_u64().is_some());
    assert!(finding["span"]["line"].as_u64().is_some());
    assert!(finding["help"].as_str().unwrap().contains("outcome"));
}

#[test]
fn rules_and_explain_list_the_lints() {
    let output = slac_command().arg("rules").output().unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    for rule in slac::lint::rules() {
        assert!(text.contains(rule.code.as_str()) && text.contains(rule.code.name()));
    }
    slac_command()
        .args(["explain", "W303"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("W303 watermelon"))
        .stdout(predicate::str::contains("## Write instead"));
}

/// A scratch project with a spec and a configuration.
fn project(config: &str) -> tempfile::TempDir {
    let folder = tempfile::tempdir().unwrap();
    fs::create_dir_all(folder.path().join("legacy")).unwrap();
    fs::copy("tests/fixtures/lint/W303_bad.sla", folder.path().join("new.sla")).unwrap();
    let legacy = fs::read_to_string("tests/fixtures/lint/W303_bad.sla").unwrap();
    fs::write(
        folder.path().join("legacy/old.sla"),
        legacy.replace("agreement demo", "agreement legacy-demo"),
    )
    .unwrap();
    fs::write(folder.path().join("slac.toml"), config).unwrap();
    folder
}

fn short(folder: &Path, args: &[&str]) -> (i32, String) {
    let output = slac_command()
        .current_dir(folder)
        .args(["check", "--format", "short", "--today", "2026-06-15"])
        .args(args)
        .output()
        .unwrap();
    (
        output.status.code().unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

#[test]
fn configuration_changes_severity_and_scope() {
    let folder = project("[lint]\nseverity = { watermelon = \"error\" }\n\n[[lint.per-path]]\npaths = [\"legacy/**\"]\nignore = [\"W3\"]\n");
    let (code, stderr) = short(folder.path(), &["."]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(stderr, "new.sla:10:11: error[W303]: the service `api` promises only technical targets (availability) and no outcome for the customer\n");

    let folder = project("[lint]\nignore = [\"W303\"]\n");
    let (code, stderr) = short(folder.path(), &["."]);
    assert_eq!((code, stderr.as_str()), (0, ""));

    let folder = project("[lint]\nselect = [\"W31\"]\n");
    let (code, stderr) = short(folder.path(), &["."]);
    assert_eq!((code, stderr.as_str()), (0, ""), "W303 is not selected by W31");
}

#[test]
fn configuration_errors_point_into_the_toml() {
    let folder = project("[lint]\nignored = [\"W303\"]\n");
    let (code, stderr) = short(folder.path(), &["new.sla"]);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("slac.toml:2:1: error[E401]: invalid configuration: unknown field `ignored`"),
        "{stderr}"
    );

    let folder = project("[lint]\nignore = [\"W3O3\"]\nseverity = { W312 = \"fatal\" }\n");
    let (code, stderr) = short(folder.path(), &["new.sla"]);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("slac.toml:2:11: error[E402]: `W3O3` names no lint rule"),
        "{stderr}"
    );
    assert!(
        stderr.contains("slac.toml:3:21: error[E401]: `fatal` is not a severity"),
        "{stderr}"
    );
}

#[test]
fn suppressions() {
    insta::assert_snapshot!({
        let checked = lint(&[PathBuf::from("tests/fixtures/suppressions.sla")]);
        render_human_to_string(&checked.sources, &checked.diagnostics)
    });
}

#[test]
fn configuration_and_suppression_codes_are_covered_here() {
    // E401 and E402 from slac.toml are asserted in `configuration_errors_point_into_the_toml`;
    // E402 and E403 from comments in the `suppressions` snapshot. This keeps that true.
    let checked = lint(&[PathBuf::from("tests/fixtures/suppressions.sla")]);
    let codes: BTreeSet<Code> = checked.diagnostics.iter().map(|d| d.code).collect();
    for code in [Code::E402, Code::E403, Code::W300] {
        assert!(codes.contains(&code), "{codes:?}");
    }
}

/// Control characters of a spec reach no human output: the snippet, the short form and the
/// file name show them as symbols, so a spec cannot send escape sequences to a terminal.
#[test]
fn control_characters_never_reach_the_terminal() {
    let folder = tempfile::tempdir().unwrap();
    let source = fs::read_to_string("tests/fixtures/lint/W321_bad.sla").unwrap();
    let path = folder.path().join("bad\u{1b}[2Jname.sla");
    fs::write(&path, source).unwrap();
    let checked = lint(std::slice::from_ref(&path));
    let human = render_human_to_string(&checked.sources, &checked.diagnostics);
    let short = slac::diagnostics::render_short(&checked.sources, &checked.diagnostics);
    for output in [&human, &short] {
        assert!(output.contains("W321"), "{output}");
        let control = output.chars().find(|&c| c.is_control() && c != '\n');
        assert_eq!(control, None, "{output}");
        assert!(output.contains("bad\u{241b}[2Jname.sla"), "{output}");
    }
    let stderr = slac_command()
        .arg("check")
        .arg(&path)
        .arg("--color=always")
        .output()
        .unwrap()
        .stderr;
    // Colour is slac's own SGR sequences; every other escape of the spec is shown as `␛`.
    let text = String::from_utf8(stderr).unwrap();
    assert!(text.contains("\u{1b}[") && text.contains('\u{241b}'), "{text}");
    for sequence in text.split('\u{1b}').skip(1) {
        assert!(
            sequence.starts_with('[')
                && sequence[1..]
                    .split_once('m')
                    .is_some_and(|(codes, _)| codes.chars().all(|c| c.is_ascii_digit() || c == ';')),
            "a non-colour escape sequence reached the terminal: {sequence:?}"
        );
    }
}

/// 257 services, each depending on every earlier one (32,896 dependencies, the last service as
/// many as E106 allows): one W309 each,
/// naming at most the eight weakest dependencies, so the output grows with the services, not
/// with the dependencies.
#[test]
fn a_dense_dependency_graph_gives_bounded_findings() {
    let mut text = String::from(
        "agreement dense \"Dense\" {\n  kind customer\n  version 1.0.0\n  status draft\n  provider \"P\"\n  customer \"C\"\n  term 2026-01-01 open-ended\n  review every 3 months\n  revision \"r\"\n  service s0 { availability 99.9% per calendar month }\n",
    );
    for i in 1..=slac::syntax::MAX_DEPENDENCIES {
        let earlier: Vec<String> = (0..i).map(|j| format!("s{j}")).collect();
        text.push_str(&format!(
            "  service s{i} {{\n    depends on {}\n    availability 99.95% per calendar month\n  }}\n",
            earlier.join(",\n      ")
        ));
    }
    text.push_str("}\n");
    let mut checked = slac::check_source(Path::new("dense.sla"), &text);
    slac::lint(&mut checked, today());
    let findings: Vec<_> = checked
        .diagnostics
        .iter()
        .filter(|d| d.code == Code::W309)
        .collect();
    assert_eq!(findings.len(), 256);
    for finding in &findings {
        assert!(finding.secondary.len() <= 8, "{}", finding.message);
        assert!(finding.message.matches(" × ").count() <= 8, "{}", finding.message);
    }
    let last = findings.last().unwrap();
    assert!(
        last.message.contains("99.9% × 99.95%") && last.message.contains("(248 more)"),
        "{}",
        last.message
    );
}
