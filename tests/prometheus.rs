//! Prometheus rules: every example's rules pass `promtool check rules`, the burn-rate
//! thresholds are exact, and text from the spec cannot break the YAML or the queries.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

fn rules(path: &Path) -> (String, Vec<String>) {
    let checked = slac::check(&[path.to_path_buf()]).unwrap();
    assert!(!checked.has_errors(), "{}", path.display());
    let program = checked.program(checked.roots[0]).unwrap();
    slac::emit::prometheus(&program.agreements)
}

/// Runs promtool in `folder`; returns whether it succeeded and what it printed.
fn promtool(args: &[&str], folder: &Path) -> (bool, String) {
    let output = Command::new("promtool")
        .args(args)
        .current_dir(folder)
        .output()
        .unwrap_or_else(|e| panic!("cannot run promtool ({e}); run scripts/install-test-tools"));
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), report)
}

fn promtool_check(text: &str) -> String {
    let folder = tempfile::tempdir().unwrap();
    fs::write(folder.path().join("rules.yml"), text).unwrap();
    let (success, report) = promtool(&["check", "rules", "rules.yml"], folder.path());
    assert!(success, "promtool rejected the rules:\n{report}\n{text}");
    report
}

fn example_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for folder in fs::read_dir("examples").unwrap() {
        for file in fs::read_dir(folder.unwrap().path()).unwrap() {
            files.push(file.unwrap().path());
        }
    }
    files.sort();
    files
}

#[test]
fn promtool_accepts_every_example() {
    let mut total_groups = 0;
    for path in example_files() {
        let (text, _) = rules(&path);
        let report = promtool_check(&text);
        total_groups += text.matches("- name: ").count();
        assert!(report.contains("SUCCESS"), "{report}");
    }
    assert!(total_groups >= 10, "the examples bind at least ten objectives");
}

#[test]
fn cloud_hosting_rules() {
    let (text, unbound) = rules(Path::new("examples/cloud-hosting/cloud-hosting.sla"));
    insta::assert_snapshot!(text);
    assert_eq!(
        unbound,
        ["acme-hosting.shop.checkout", "acme-hosting.api.partner-orders"]
    );
}

#[test]
fn spec_text_cannot_break_the_rules() {
    let (text, _) = rules(Path::new("tests/fixtures/documents/hostile.sla"));
    promtool_check(&text);
    let parsed: yaml_serde::Value = yaml_serde::from_str(&text).unwrap();
    let group = &parsed["groups"][0];
    let alert = group["rules"]
        .as_sequence()
        .unwrap()
        .iter()
        .find(|r| r["alert"].as_str() == Some("SlacErrorBudgetBurnFast"))
        .unwrap();
    let clause = alert["annotations"]["clause"].as_str().unwrap();
    assert!(
        clause.contains("Title | with *stars* and <script>alert('title')</script>"),
        "{clause}"
    );
    assert_eq!(
        alert["annotations"].as_mapping().unwrap().len(),
        2,
        "no key was injected"
    );
    let expr = alert["expr"].as_str().unwrap();
    assert!(expr.contains("agreement=\"hostile\""), "{expr}");
}

#[test]
fn output_is_deterministic() {
    let path = Path::new("examples/underpinning/payments-sla.sla");
    assert_eq!(rules(path).0, rules(path).0);
}

#[test]
fn promtool_unit_tests_prove_the_burn_rate_alerts() {
    // Fast burn pages; slow burn does not page but opens a ticket; within budget is quiet.
    let (text, _) = rules(Path::new("tests/fixtures/prometheus/burn.sla"));
    let folder = tempfile::tempdir().unwrap();
    fs::write(folder.path().join("rules.yml"), text).unwrap();
    fs::copy(
        "tests/fixtures/prometheus/burn_test.yml",
        folder.path().join("burn_test.yml"),
    )
    .unwrap();
    let (success, report) = promtool(&["test", "rules", "burn_test.yml"], folder.path());
    assert!(success, "{report}");
    assert!(report.contains("SUCCESS"), "{report}");
}
