//! Prometheus rules: every example's rules pass `promtool check rules` and are snapshotted,
//! promtool unit tests prove how the alerts behave on synthetic series (burn rates, business
//! hours, daylight saving, maintenance windows, sites), and text from the spec cannot break
//! the YAML or the queries.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::fs;
use std::path::Path;
use std::process::Command;

use slac::emit::{Note, PrometheusRules};

fn rules(path: &Path) -> PrometheusRules {
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

/// Runs the promtool unit tests `tests/fixtures/prometheus/TESTS` against the rules of `SPEC`
/// in the same folder.
fn promtool_unit_tests(spec: &str, tests: &str) {
    let fixtures = Path::new("tests/fixtures/prometheus");
    let rules = rules(&fixtures.join(spec));
    let folder = tempfile::tempdir().unwrap();
    fs::write(folder.path().join("rules.yml"), rules.text).unwrap();
    fs::copy(fixtures.join(tests), folder.path().join(tests)).unwrap();
    let (success, report) = promtool(&["test", "rules", tests], folder.path());
    assert!(success, "{report}");
    assert!(report.contains("SUCCESS"), "{report}");
}

#[test]
fn promtool_accepts_every_example_and_fixture() {
    let mut total_groups = 0;
    let files = common::example_files()
        .into_iter()
        .chain(common::sla_files("tests/fixtures/prometheus"));
    for path in files {
        let text = rules(&path).text;
        let report = promtool_check(&text);
        total_groups += text.matches("- name: ").count();
        assert!(report.contains("SUCCESS"), "{report}");
    }
    assert!(total_groups >= 15, "the examples bind at least ten objectives");
}

#[test]
fn every_example_has_a_rules_snapshot() {
    for path in common::example_files() {
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        insta::assert_snapshot!(format!("rules_{name}"), rules(&path).text);
    }
    let business_hours = rules(Path::new("tests/fixtures/prometheus/business-hours.sla"));
    insta::assert_snapshot!("rules_business_hours", business_hours.text);
}

#[test]
fn unwatched_objectives_are_named() {
    let notes = rules(Path::new("examples/cloud-hosting/cloud-hosting.sla")).notes;
    assert_eq!(
        notes,
        [
            Note::Unwatched("acme-hosting.shop.checkout".into()),
            Note::Unwatched("acme-hosting.api.partner-orders".into())
        ]
    );
    let notes = rules(Path::new("tests/fixtures/prometheus/sites.sla")).notes;
    assert_eq!(
        notes,
        [Note::SiteSharesIndicator(
            "regional.hosting.availability@graz".into()
        )]
    );
}

#[test]
fn spec_text_cannot_break_the_rules() {
    let text = rules(Path::new("tests/fixtures/documents/hostile.sla")).text;
    promtool_check(&text);
    let parsed: yaml_serde::Value = yaml_serde::from_str(&text).unwrap();
    let alert = parsed["groups"]
        .as_sequence()
        .unwrap()
        .iter()
        .flat_map(|g| g["rules"].as_sequence().unwrap())
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
    let path = Path::new("examples/cloud-hosting/cloud-hosting.sla");
    assert_eq!(rules(path).text, rules(path).text);
}

#[test]
fn promtool_unit_tests_prove_the_burn_rate_alerts() {
    // Fast burn pages; slow burn does not page but opens a ticket; within budget is quiet.
    promtool_unit_tests("burn.sla", "burn_test.yml");
}

#[test]
fn promtool_unit_tests_prove_business_hours_and_maintenance() {
    // A business-hours page stays quiet at night, after closing and on a holiday; an
    // around-the-clock page stays quiet in the maintenance window and resumes after it.
    promtool_unit_tests("business-hours.sla", "business_hours_test.yml");
}

#[test]
fn promtool_unit_tests_prove_daylight_saving() {
    // The same UTC time is open before Hobart's change to standard time and closed after it.
    promtool_unit_tests("daylight-saving.sla", "daylight_saving_test.yml");
}

#[test]
fn promtool_unit_tests_prove_site_labels() {
    // A site's override alerts with its own target and `site` label; the service's alert
    // does not pick up the site's recordings.
    promtool_unit_tests("sites.sla", "sites_test.yml");
}
