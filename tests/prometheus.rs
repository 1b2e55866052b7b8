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

/// A selector as a `.sla` text: the spec language's escapes for `\`, `"`, line breaks and tabs.
fn sla_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A value of a label that `matcher` accepts (`accepts`) or refuses, from a few candidates.
fn label_value(matcher: &slac::sema::promql::Matcher) -> String {
    use slac::sema::promql::MatchOp;
    let candidates = [matcher.value.as_str(), "", "api", "500", "slac-outage", "x"];
    let anchored = regex::Regex::new(&format!("^(?:{})$", matcher.value));
    let accepts = |candidate: &str| match matcher.op {
        MatchOp::Equal => candidate == matcher.value,
        MatchOp::NotEqual => candidate != matcher.value,
        MatchOp::Regex => anchored.as_ref().unwrap().is_match(candidate),
        MatchOp::NotRegex => !anchored.as_ref().unwrap().is_match(candidate),
    };
    candidates
        .into_iter()
        .find(|c| !c.is_empty() && accepts(c))
        .unwrap_or_else(|| panic!("no candidate value satisfies {matcher:?}: add one"))
        .to_string()
}

/// For every selector of the corpus that `slac check` accepts, a total outage (every event
/// failed) still pages: nothing in a selector can end the query early or silence the alert.
#[test]
fn an_outage_pages_for_every_selector_the_check_accepts() {
    let corpus: Vec<String> =
        serde_json::from_str(&fs::read_to_string("tests/fixtures/prometheus/selectors.json").unwrap())
            .unwrap();
    let mut accepted = 0;
    for selector in &corpus {
        let quoted = sla_string(selector);
        let spec = format!(
            "agreement outage \"Outage\" {{\n  kind customer\n  version 1.0.0\n  status draft\n  provider \"P\"\n  customer \"C\"\n  term 2026-01-01 open-ended\n  service api \"API\" {{\n    availability 99.9% per rolling 30 days {{\n      indicator prometheus {{\n        bad {quoted}\n        total {quoted}\n      }}\n    }}\n  }}\n}}\n"
        );
        let checked = slac::check_source(Path::new("outage.sla"), &spec);
        let parsed = slac::sema::promql::parse_selector(selector);
        assert_eq!(
            checked.has_errors(),
            parsed.is_err(),
            "{selector:?}: {:?}",
            checked.diagnostics
        );
        let Ok(parsed) = parsed else { continue };
        accepted += 1;
        // The one series the selector matches, written as promtool's series notation.
        let mut series = slac::sema::promql::Selector {
            metric: parsed.metric.clone(),
            matchers: Vec::new(),
        };
        for matcher in &parsed.matchers {
            series.matchers.push(slac::sema::promql::Matcher {
                name: matcher.name.clone(),
                op: slac::sema::promql::MatchOp::Equal,
                value: label_value(matcher),
            });
        }
        let program = checked.program(checked.roots[0]).unwrap();
        let rules = slac::emit::prometheus(&program.agreements).text;
        let tests = format!(
            "rule_files: [rules.yml]\nevaluation_interval: 1m\ntests:\n  - interval: 1m\n    input_series:\n      - series: {}\n        values: '0+100x120'\n    alert_rule_test:\n      - eval_time: 70m\n        alertname: SlacErrorBudgetBurnFast\n        exp_alerts:\n          - exp_labels: {{agreement: outage, service: api, objective: availability, severity: page}}\n            exp_annotations:\n              summary: API is burning its error budget fast (availability of Outage)\n              clause: '\"Outage\" (outage 1.0.0), section \"Service: API\", objective availability'\n",
            serde_json::to_string(&series.to_string()).unwrap()
        );
        let folder = tempfile::tempdir().unwrap();
        fs::write(folder.path().join("rules.yml"), &rules).unwrap();
        fs::write(folder.path().join("outage_test.yml"), &tests).unwrap();
        let (success, report) = promtool(&["test", "rules", "outage_test.yml"], folder.path());
        assert!(success, "{selector:?}\n{report}\n{rules}\n{tests}");
    }
    assert!(
        accepted >= 15,
        "only {accepted} selectors of the corpus were accepted"
    );
}

#[test]
fn yaml_1_1_readers_read_the_same_rules() {
    for path in common::example_files().iter().chain([&std::path::PathBuf::from(
        "tests/fixtures/valid/yaml-lookalikes.sla",
    )]) {
        common::assert_yaml_1_1_reads_the_same(&rules(path).text);
    }
}
