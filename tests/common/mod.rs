//! Helpers shared by the integration tests.

#![allow(dead_code, clippy::unwrap_used, clippy::panic)]

use std::path::{Path, PathBuf};

use slac::diagnostics::Code;

/// A path relative to the crate, so file names in rendered output are the same everywhere.
pub fn relative(path: &Path) -> PathBuf {
    path.strip_prefix(env!("CARGO_MANIFEST_DIR"))
        .unwrap()
        .to_path_buf()
}

/// The `.sla` files directly in `folder`, sorted.
pub fn sla_files(folder: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(folder)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "sla"))
        .collect();
    files.sort();
    files
}

/// The `.sla` files in `folder` and the folders below it, sorted.
pub fn sla_files_below(folder: &str) -> Vec<PathBuf> {
    fn collect(folder: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                collect(&path, out);
            } else if path.extension().is_some_and(|e| e == "sla") {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    collect(Path::new(folder), &mut files);
    files.sort();
    files
}

/// The code a fixture is named after (`E201_undefined_calendar.sla` → E201).
pub fn code_of(path: &Path) -> Code {
    let name = path.file_name().unwrap().to_string_lossy();
    Code::parse(&name[..4]).unwrap_or_else(|| panic!("{name} does not start with a diagnostic code"))
}

/// The `.sla` files of every example folder, sorted.
pub fn example_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for folder in std::fs::read_dir("examples").unwrap() {
        files.extend(sla_files(folder.unwrap().path().to_str().unwrap()));
    }
    files.sort();
    files
}

/// Runs markdownlint-cli2 with `config` (under `docs-lint/`) over the `*.md` files of `folder`;
/// returns what it printed, after asserting that it found no problem.
pub fn markdownlint(folder: &Path, config: &str) -> String {
    let config = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("docs-lint")
        .join(config);
    let output = std::process::Command::new("markdownlint-cli2")
        .arg("--config")
        .arg(&config)
        .arg("*.md")
        .current_dir(folder)
        .output()
        .unwrap_or_else(|e| panic!("cannot run markdownlint-cli2 ({e}); run scripts/install-test-tools"));
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "{report}");
    report
}

/// Asserts that a YAML 1.1 reader (PyYAML, as pre-commit brings it) reads `yaml` as the same
/// data as a YAML 1.2 reader (yaml_serde): no string became a boolean, a date or a number.
pub fn assert_yaml_1_1_reads_the_same(yaml: &str) {
    use std::io::Write as _;
    let mut child = std::process::Command::new("python3")
        .args(["-c", "import json, sys, yaml; print(json.dumps([d for d in yaml.safe_load_all(sys.stdin) if d is not None]))"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run python3 ({e}); run scripts/install-test-tools"));
    child.stdin.take().unwrap().write_all(yaml.as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "PyYAML could not read it as JSON data (a date?): {}\n{yaml}",
        String::from_utf8_lossy(&output.stderr)
    );
    let yaml_1_1: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let yaml_1_2: Vec<serde_json::Value> = yaml_serde::Deserializer::from_str(yaml)
        .map(|document| {
            serde_json::to_value(<yaml_serde::Value as serde::Deserialize>::deserialize(document).unwrap())
                .unwrap()
        })
        .filter(|document| !document.is_null())
        .collect();
    // serde_json keeps numbers' digits (arbitrary_precision): compare as floats would.
    let normal = |value: serde_json::Value| serde_json::to_string(&value).unwrap().replace(".0,", ",");
    assert_eq!(
        normal(yaml_1_1),
        normal(serde_json::Value::Array(yaml_1_2)),
        "{yaml}"
    );
}

/// A reference file from `../shared` (schemas, peers' examples), which CI puts beside the
/// repository. In a user's own clone it may be absent: the test that needs it says so and is
/// skipped, unless `CI` is set, where its absence is a failure.
pub fn shared(relative: &str) -> Option<PathBuf> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("shared")
        .join(relative);
    if path.exists() {
        return Some(path);
    }
    if std::env::var_os("CI").is_some_and(|v| !v.is_empty()) {
        panic!("{} is absent, and CI always has ../shared", path.display());
    }
    // Written to the process's stderr, not through `eprintln!`, which the test harness
    // captures: the notice shows in a passing run.
    use std::io::Write as _;
    let _ = writeln!(
        std::io::stderr(),
        "skipped: {} is absent (../shared holds the reference schemas and peers' examples; CI has it)",
        path.display()
    );
    None
}
