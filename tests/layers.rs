//! The architecture, checked: each module of `src/` uses only the stages below it (the order of
//! CONTRIBUTING.md), and no two files of one folder use each other, directly or in a circle.
//! Read from the source text: every `crate::` path and every `super::` path outside comments
//! and test modules.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

/// The stages from the bottom up; a module may use those of a lower rank. Modules of one rank
/// are siblings and do not use each other.
const LAYERS: &[&[&str]] = &[
    &["text"],
    &["source"],
    &["diagnostics"],
    &["syntax"],
    &["workspace", "fmt"],
    &["ir", "output"],
    &["business_time"],
    &["sema"],
    &["checked"],
    &["lint", "emit"],
    &["report", "diff"],
    &["batches", "documents"],
    &["versions"],
    &["cli", "main"],
];

/// What the crate root re-exports, by the module that defines it.
const REEXPORTS: &[(&str, &str)] = &[
    ("Checked", "checked"),
    ("analyze", "checked"),
    ("check", "checked"),
    ("check_source", "checked"),
    ("check_with", "checked"),
    ("html_document", "documents"),
    ("markdown_document", "documents"),
    ("underpinning", "documents"),
    ("Version", "versions"),
    ("diff_versions", "versions"),
    ("InputError", "workspace"),
    ("Workspace", "workspace"),
];

fn rank(module: &str) -> usize {
    LAYERS
        .iter()
        .position(|layer| layer.contains(&module))
        .unwrap_or_else(|| panic!("`{module}` is not in LAYERS: give the new module its place in tests/layers.rs and CONTRIBUTING.md"))
}

/// The source text without comments and without the test module at its end.
fn code_of(text: &str) -> String {
    let text = text.split("#[cfg(test)]").next().unwrap_or("");
    text.lines()
        .map(|line| match line.find("//") {
            Some(at) if !line[..at].contains('"') => &line[..at],
            _ => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The words after each `prefix` in `code`: `crate::sema::add` gives `sema`. A `{` list gives
/// each of its first words.
fn used_after(code: &str, prefix: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let word = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect()
    };
    for (at, _) in code.match_indices(prefix) {
        let before = code[..at].chars().last();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
            continue;
        }
        let rest = &code[at + prefix.len()..];
        if let Some(list) = rest.strip_prefix('{') {
            let list = &list[..list.find('}').unwrap_or(list.len())];
            for item in list.split(',') {
                let item = word(item.trim());
                if !item.is_empty() && item != "self" {
                    found.insert(item);
                }
            }
        } else {
            let item = word(rest);
            if !item.is_empty() {
                found.insert(item);
            }
        }
    }
    found
}

/// Every `.rs` file under `dir`, by its path relative to `src/`.
fn sources(dir: &Path, found: &mut BTreeMap<String, String>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let relative = path.strip_prefix("src").unwrap().to_string_lossy().into_owned();
            found.insert(relative, code_of(&fs::read_to_string(&path).unwrap()));
        }
    }
}

fn all_sources() -> BTreeMap<String, String> {
    let mut found = BTreeMap::new();
    sources(Path::new("src"), &mut found);
    found
}

#[test]
fn each_stage_uses_only_the_stages_below_it() {
    let mut wrong = Vec::new();
    for (file, code) in all_sources() {
        let module = file.split('/').next().unwrap().trim_end_matches(".rs");
        if module == "lib" {
            continue;
        }
        for used in used_after(&code, "crate::") {
            let target = REEXPORTS
                .iter()
                .find(|(name, _)| *name == used)
                .map_or(used.as_str(), |(_, module)| module);
            if target == module {
                continue;
            }
            if rank(target) >= rank(module) {
                wrong.push(format!(
                    "src/{file} uses `crate::{used}` ({target}), which is not below {module}"
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn no_two_files_of_a_folder_use_each_other() {
    let sources = all_sources();
    // Within each folder, the edges between its files other than `mod.rs` (which declares
    // them, and whose items they may use).
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (file, code) in &sources {
        let Some((folder, name)) = file.rsplit_once('/') else {
            continue;
        };
        let name = name.trim_end_matches(".rs");
        if name == "mod" {
            continue;
        }
        let sibling = |other: &str| sources.contains_key(&format!("{folder}/{other}.rs"));
        let crate_path = format!("crate::{}::", folder.replace('/', "::"));
        let used = used_after(code, "super::")
            .into_iter()
            .chain(used_after(code, &crate_path));
        let node = format!("{folder}/{name}");
        let targets = edges.entry(node).or_default();
        for other in used.filter(|other| other != name && sibling(other)) {
            targets.insert(format!("{folder}/{other}"));
        }
    }
    // A depth-first search for a circle.
    fn visit(
        node: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) {
        if let Some(at) = path.iter().position(|n| n == node) {
            panic!("files that use each other: {} -> {node}", path[at..].join(" -> "));
        }
        if done.contains(node) {
            return;
        }
        path.push(node.to_string());
        for next in edges.get(node).into_iter().flatten() {
            visit(next, edges, path, done);
        }
        path.pop();
        done.insert(node.to_string());
    }
    let mut done = BTreeSet::new();
    for node in edges.keys() {
        visit(node, &edges, &mut Vec::new(), &mut done);
    }
}

#[test]
fn the_check_reads_paths_as_written() {
    let code = code_of("use crate::{ir, sema::add_period}; // crate::cli\nlet x = crate::lint::run();\n");
    assert_eq!(
        used_after(&code, "crate::"),
        BTreeSet::from(["ir".to_string(), "sema".to_string(), "lint".to_string()])
    );
    assert_eq!(rank("text"), 0);
}
