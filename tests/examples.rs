//! The bundled examples compile without a single diagnostic; their IR is snapshotted,
//! validates against the published JSON Schema, and is byte-identical from run to run.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

fn relative(path: &Path) -> PathBuf {
    path.strip_prefix(env!("CARGO_MANIFEST_DIR"))
        .unwrap()
        .to_path_buf()
}

fn example_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for folder in std::fs::read_dir("examples").unwrap() {
        let folder = folder.unwrap().path();
        for file in std::fs::read_dir(&folder).unwrap() {
            let file = file.unwrap().path();
            if file.extension().is_some_and(|e| e == "sla") {
                files.push(file);
            }
        }
    }
    files.sort();
    files
}

fn build_json(path: &Path) -> String {
    let checked = slac::check(&[path.to_path_buf()]).unwrap();
    assert!(
        checked.diagnostics.is_empty(),
        "{}:\n{}",
        path.display(),
        slac::diagnostics::render_human_to_string(&checked.sources, &checked.diagnostics)
    );
    let root = checked.roots[0];
    slac::emit::json(&checked.document(root, None).unwrap())
}

#[test]
fn examples_check_clean() {
    let checked = slac::check(&[PathBuf::from("examples")]).unwrap();
    assert!(
        checked.diagnostics.is_empty(),
        "{}",
        slac::diagnostics::render_human_to_string(&checked.sources, &checked.diagnostics)
    );
    assert!(example_files().len() >= 9);
}

#[test]
fn example_ir() {
    insta::glob!("../examples", "*/*.sla", |path| {
        insta::assert_snapshot!(build_json(&relative(path)));
    });
}

#[test]
fn example_ir_validates_against_the_schema() {
    let schema = slac::ir::json_schema();
    let validator = jsonschema::validator_for(&schema).unwrap();
    for path in example_files() {
        let instance: serde_json::Value = serde_json::from_str(&build_json(&path)).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&instance)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{}: {errors:#?}", path.display());
    }
}

#[test]
fn schema_rejects_a_broken_document() {
    // The validation above can fail: a document missing its agreements or with a wrong type
    // is rejected.
    let schema = slac::ir::json_schema();
    let validator = jsonschema::validator_for(&schema).unwrap();
    assert!(!validator.is_valid(&serde_json::json!({ "ir_version": 1 })));
    let path = PathBuf::from("examples/cloud-hosting/cloud-hosting.sla");
    let mut instance: serde_json::Value = serde_json::from_str(&build_json(&path)).unwrap();
    instance["agreements"][0]["kind"] = serde_json::json!("partner");
    assert!(!validator.is_valid(&instance));
}

#[test]
fn output_is_byte_identical_across_runs() {
    for path in example_files() {
        assert_eq!(build_json(&path), build_json(&path), "{}", path.display());
    }
}

#[test]
fn decimals_keep_their_digits() {
    let json = build_json(Path::new("examples/cloud-hosting/cloud-hosting.sla"));
    assert!(json.contains("\"target_percent\": 99.95"));
    assert!(!json.contains("99.94999"));
}

/// Tabs, CR LF line ends, form feeds, vertical tabs and a leading byte order mark are
/// whitespace: the fixture that has them all has the IR of its text with each of them written
/// as spaces (as many bytes, so that every span is the same).
#[test]
fn every_kind_of_whitespace_reads_as_a_space() {
    let path = Path::new("tests/fixtures/valid/whitespace.sla");
    let text = std::fs::read_to_string(path).unwrap();
    for kind in ["\u{FEFF}", "\t", "\r\n", "\x0B", "\x0C"] {
        assert!(text.contains(kind), "the fixture has no {kind:?}");
    }
    let plain = text
        .replace('\u{FEFF}', "   ")
        .replace("\r\n", " \n")
        .replace(['\t', '\x0B', '\x0C'], " ");
    let json = |text: &str| {
        let checked = slac::check_source(path, text);
        assert!(checked.diagnostics.is_empty(), "{:?}", checked.diagnostics);
        slac::emit::json(&checked.document(checked.roots[0], None).unwrap())
    };
    assert_eq!(json(&text), json(&plain));
}

#[test]
fn valid_fixtures_check_clean_with_ir_snapshots() {
    insta::glob!("fixtures/valid/*.sla", |path| {
        insta::assert_snapshot!(build_json(&relative(path)));
    });
}

/// Every item written as inherited names an agreement of the document (its `agreements` or
/// `ancestors`) that defines an item of the same kind and key itself.
fn assert_references_resolve(document: &serde_json::Value) {
    let agreements: Vec<&serde_json::Value> = ["agreements", "ancestors"]
        .iter()
        .flat_map(|list| document[list].as_array().into_iter().flatten())
        .collect();
    let defined = |ancestor: &str, list: &str, key: (&str, &serde_json::Value)| {
        agreements
            .iter()
            .filter(|a| a["id"] == ancestor)
            .flat_map(|a| a[list].as_array().into_iter().flatten())
            .any(|item| item[key.0] == *key.1 && item.get("inherited_from").is_none())
    };
    for agreement in &agreements {
        for (list, key) in [
            ("clauses", "id"),
            ("calendars", "id"),
            ("priorities", "id"),
            ("maintenance_windows", "id"),
            ("services", "id"),
            ("credit_policies", "objective"),
            ("penalties", "objective"),
        ] {
            for item in agreement[list].as_array().into_iter().flatten() {
                if let Some(ancestor) = item["inherited_from"].as_str() {
                    assert!(
                        defined(ancestor, list, (key, &item[key])),
                        "{} {list} {}: no definition in `{ancestor}`",
                        agreement["id"],
                        item[key]
                    );
                }
            }
        }
    }
}

#[test]
fn inherited_items_are_references_that_resolve() {
    for path in example_files() {
        let document: serde_json::Value = serde_json::from_str(&build_json(&path)).unwrap();
        assert_references_resolve(&document);
    }
    // The payroll agreement extends ACME's, which extends the corporate terms in another file:
    // both are in the document, the corporate one as an ancestor.
    let payroll = build_json(Path::new("examples/multi-level/acme-payroll-db.sla"));
    let document: serde_json::Value = serde_json::from_str(&payroll).unwrap();
    let ancestors: Vec<&str> = document["ancestors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    assert_eq!(ancestors, ["acme-managed", "nimbus-corporate"]);
}

/// A chain of 32 `extends`, each level adding 20 services: each service is defined once in the
/// IR however many levels below inherit it (copied, the last level alone held 660 of them).
#[test]
fn a_chain_of_extends_defines_each_item_once() {
    let mut text = String::new();
    for level in 0..=32 {
        text.push_str(&format!(
            "agreement a{level} \"Level {level}\" {{\n  kind customer\n  version 1.0.0\n  status draft\n  \
             provider \"P\"\n  customer \"C\"\n  term 2026-01-01 to 2026-12-31\n"
        ));
        if level > 0 {
            text.push_str(&format!("  extends a{}\n", level - 1));
        }
        for service in 0..20 {
            text.push_str(&format!(
                "  service l{level}s{service} \"Level {level} service {service}\" {{ availability 99.9% per calendar month }}\n"
            ));
        }
        text.push_str("}\n");
    }
    let checked = slac::check_source(Path::new("chain.sla"), &text);
    assert!(!checked.has_errors(), "{:?}", checked.diagnostics);
    let json = slac::emit::json(&checked.document(checked.roots[0], None).unwrap());
    for level in 0..=32 {
        for service in 0..20 {
            let title = format!("\"Level {level} service {service}\"");
            assert_eq!(json.matches(&title).count(), 1, "{title}");
        }
    }
    let document: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_references_resolve(&document);
    let last = &document["agreements"][32]["services"];
    assert_eq!(last.as_array().unwrap().len(), 33 * 20);
}
