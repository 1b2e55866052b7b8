//! OpenSLO output: every document of every example validates against the OpenSLO v1 JSON
//! Schema in `../shared/schemas/openslo/`, every reference between documents resolves, the
//! windows map faithfully, and each example's documents are snapshotted.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::Value;

fn documents_text(path: &Path) -> String {
    let checked = slac::check(&[path.to_path_buf()]).unwrap();
    assert!(!checked.has_errors(), "{}", path.display());
    let program = checked.program(checked.roots[0]).unwrap();
    slac::emit::openslo(&program.agreements).text
}

/// The documents of a YAML stream; a file of only the header comment has none.
fn documents(text: &str) -> Vec<Value> {
    yaml_serde::Deserializer::from_str(text)
        .map(|document| {
            let yaml = yaml_serde::Value::deserialize(document).unwrap();
            serde_json::to_value(yaml).unwrap()
        })
        .filter(|document| !document.is_null())
        .collect()
}

/// The root schema, with every part registered under its `$id`; `None` (said) without
/// `../shared`.
fn validator() -> Option<jsonschema::Validator> {
    let schemas = common::shared("schemas/openslo/v1")?;
    let read =
        |path: PathBuf| -> Value { serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap() };
    let mut parts = Vec::new();
    for entry in fs::read_dir(schemas.join("parts")).unwrap() {
        let part = read(entry.unwrap().path());
        let id = part["$id"].as_str().unwrap().to_string();
        parts.push((id, part));
    }
    let root = read(schemas.join("openslo.schema.json"));
    let registry = jsonschema::Registry::new()
        .extend(parts)
        .unwrap()
        .prepare()
        .unwrap();
    Some(
        jsonschema::options()
            .with_registry(&registry)
            .build(&root)
            .unwrap(),
    )
}

fn all_files() -> Vec<PathBuf> {
    let mut files = common::example_files();
    files.extend(common::sla_files("tests/fixtures/prometheus"));
    files.push("tests/fixtures/documents/hostile.sla".into());
    files
}

#[test]
fn every_document_validates_against_the_openslo_schema() {
    let Some(validator) = validator() else { return };
    let mut kinds = BTreeSet::new();
    let mut count = 0;
    for path in all_files() {
        for document in documents(&documents_text(&path)) {
            let errors: Vec<String> = validator
                .iter_errors(&document)
                .map(|e| format!("{} at {}", e, e.instance_path()))
                .collect();
            assert!(errors.is_empty(), "{}: {errors:#?}\n{document:#}", path.display());
            kinds.insert(document["kind"].as_str().unwrap().to_string());
            count += 1;
        }
    }
    assert!(count > 50, "only {count} documents");
    assert_eq!(
        kinds,
        [
            "AlertCondition",
            "AlertNotificationTarget",
            "AlertPolicy",
            "SLI",
            "SLO",
            "Service"
        ]
        .map(String::from)
        .into()
    );
}

#[test]
fn the_validator_rejects_what_the_schema_forbids() {
    let Some(validator) = validator() else { return };
    let text = documents_text(Path::new("examples/cloud-hosting/cloud-hosting.sla"));
    let policy = documents(&text)
        .into_iter()
        .find(|d| d["kind"] == "AlertPolicy")
        .unwrap();
    assert!(validator.is_valid(&policy));
    let mut without = policy.clone();
    without["spec"].as_object_mut().unwrap().remove("alertWhenNoData");
    assert!(!validator.is_valid(&without), "alertWhenNoData is required");
    let mut bad_name = policy;
    bad_name["metadata"]["name"] = Value::from("Upper Case");
    assert!(!validator.is_valid(&bad_name));
}

#[test]
fn every_reference_resolves() {
    for path in all_files() {
        let documents = documents(&documents_text(&path));
        let names = |kind: &str| -> BTreeSet<String> {
            documents
                .iter()
                .filter(|d| d["kind"] == kind)
                .map(|d| d["metadata"]["name"].as_str().unwrap().to_string())
                .collect()
        };
        let (services, slis, policies, conditions, targets) = (
            names("Service"),
            names("SLI"),
            names("AlertPolicy"),
            names("AlertCondition"),
            names("AlertNotificationTarget"),
        );
        for document in &documents {
            let spec = &document["spec"];
            match document["kind"].as_str().unwrap() {
                "SLO" => {
                    assert!(services.contains(spec["service"].as_str().unwrap()));
                    assert!(slis.contains(spec["indicatorRef"].as_str().unwrap()));
                    for policy in spec["alertPolicies"].as_array().unwrap() {
                        assert!(policies.contains(policy.as_str().unwrap()), "{policy}");
                    }
                }
                "AlertPolicy" => {
                    for condition in spec["conditions"].as_array().unwrap() {
                        let name = condition["conditionRef"].as_str().unwrap();
                        assert!(conditions.contains(name), "{name}");
                    }
                    for target in spec["notificationTargets"].as_array().unwrap() {
                        assert!(targets.contains(target["targetRef"].as_str().unwrap()));
                    }
                }
                _ => {}
            }
        }
        // Names are unique within each kind.
        for kind in ["Service", "SLI", "SLO", "AlertPolicy", "AlertCondition"] {
            let all: Vec<&Value> = documents
                .iter()
                .filter(|d| d["kind"] == kind)
                .map(|d| &d["metadata"]["name"])
                .collect();
            assert_eq!(all.len(), names(kind).len(), "{kind} in {}", path.display());
        }
    }
}

#[test]
fn windows_and_targets_map_faithfully() {
    let text = documents_text(Path::new("examples/cloud-hosting/cloud-hosting.sla"));
    let hosting = documents(&text);
    let slo = |name: &str| {
        hosting
            .iter()
            .find(|d| d["kind"] == "SLO" && d["metadata"]["name"] == name)
            .unwrap_or_else(|| panic!("no SLO {name}"))
    };
    // `per calendar month`: a calendar window of one month (`M`, not minutes).
    let availability = slo("acme-hosting.shop.availability");
    let window = &availability["spec"]["timeWindow"][0];
    assert_eq!(window["duration"], "1M");
    assert_eq!(window["isRolling"], false);
    assert_eq!(window["calendar"]["startTime"], "2026-03-01 00:00:00");
    assert_eq!(
        availability["spec"]["objectives"][0]["target"].to_string(),
        "0.9995"
    );
    assert_eq!(availability["spec"]["budgetingMethod"], "Occurrences");
    // `per rolling 28 days`.
    let latency = slo("acme-hosting.shop.latency.p99");
    assert_eq!(latency["spec"]["timeWindow"][0]["duration"], "28d");
    assert_eq!(latency["spec"]["timeWindow"][0]["isRolling"], true);
    assert!(text.contains("lookbackWindow: 1h"));
    assert!(text.contains("threshold: 13.44"), "the 28-day page factor");

    // A business-hours objective keeps the calendar's zone and says what OpenSLO cannot.
    let text = documents_text(Path::new("tests/fixtures/prometheus/business-hours.sla"));
    let desk = documents(&text)
        .into_iter()
        .find(|d| d["kind"] == "SLO" && d["metadata"]["name"] == "hours.desk.availability")
        .unwrap();
    assert_eq!(desk["metadata"]["annotations"]["slac.measured-during"], "office");
    let description = desk["spec"]["description"].as_str().unwrap();
    assert!(description.contains("Counted only in the open hours of calendar office (Europe/Berlin)"));
    assert!(
        text.contains("threshold: 3.428571428571"),
        "the business-hours page factor"
    );
}

#[test]
fn every_example_has_an_openslo_snapshot() {
    for path in common::example_files() {
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        insta::assert_snapshot!(format!("openslo_{name}"), documents_text(&path));
    }
}

#[test]
fn output_is_deterministic() {
    let path = Path::new("examples/cloud-hosting/cloud-hosting.sla");
    assert_eq!(documents_text(path), documents_text(path));
}

#[test]
fn yaml_1_1_readers_read_the_same_documents() {
    for path in all_files()
        .iter()
        .chain([&PathBuf::from("tests/fixtures/valid/yaml-lookalikes.sla")])
    {
        common::assert_yaml_1_1_reads_the_same(&documents_text(path));
    }
}
