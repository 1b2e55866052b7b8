//! `slac fmt`: golden files, idempotence and unchanged meaning over every example and fixture,
//! a property test over generated specs, refusals, and the command line.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use proptest::prelude::*;
use slac::diagnostics::Code;

fn format(text: &str) -> Result<String, Vec<slac::diagnostics::Diagnostic>> {
    slac::fmt::format_text(0, text)
}

/// What a file means: its IR, or the codes and messages of its diagnostics.
fn meaning(path: &Path, text: &str) -> String {
    let checked = slac::check_source(path, text);
    let diagnostics: Vec<String> = checked
        .diagnostics
        .iter()
        .map(|d| format!("{} {}", d.code.as_str(), d.message))
        .collect();
    let program = checked
        .program(checked.roots[0])
        .map(|p| serde_json::to_string(p).unwrap())
        .unwrap_or_default();
    format!("{diagnostics:#?}\n{program}")
}

#[test]
fn golden_files() {
    for path in common::sla_files("tests/fixtures/fmt") {
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let formatted = format(&fs::read_to_string(&path).unwrap()).unwrap();
        insta::assert_snapshot!(format!("fmt_{name}"), formatted);
    }
}

#[test]
fn examples_are_formatted() {
    for path in common::example_files() {
        let text = fs::read_to_string(&path).unwrap();
        assert_eq!(
            format(&text).unwrap(),
            text,
            "{} is not formatted",
            path.display()
        );
    }
}

#[test]
fn idempotent_and_meaning_preserving_over_every_example_and_fixture() {
    let mut files = common::sla_files_below("examples");
    files.extend(common::sla_files_below("tests/fixtures"));
    files.sort();
    let mut formatted_files = 0;
    for path in &files {
        // The E101 fixture is not UTF-8 on purpose; `slac fmt` reports it like `slac check`.
        let Ok(text) = fs::read_to_string(path) else {
            continue;
        };
        let formatted = match format(&text) {
            Ok(formatted) => formatted,
            // Only syntax errors and the refusal fixtures may stop the formatter.
            Err(diagnostics) => {
                let refusal = path.starts_with("tests/fixtures/fmt/refused");
                assert!(
                    diagnostics
                        .iter()
                        .all(|d| d.code.as_str().starts_with("E1") || refusal),
                    "{} was refused: {diagnostics:#?}",
                    path.display()
                );
                continue;
            }
        };
        formatted_files += 1;
        assert_eq!(
            format(&formatted).unwrap(),
            formatted,
            "formatting {} twice changes it",
            path.display()
        );
        assert_eq!(
            meaning(path, &formatted),
            meaning(path, &text),
            "formatting {} changes its meaning",
            path.display()
        );
    }
    assert!(formatted_files > 80, "only {formatted_files} files formatted");
}

#[test]
fn refuses_syntax_errors_and_unplaceable_comments() {
    let broken = fs::read_to_string("tests/fixtures/diagnostics/E100_unclosed_block.sla").unwrap();
    assert_eq!(format(&broken).unwrap_err()[0].code, Code::E100);
    for path in common::sla_files("tests/fixtures/fmt/refused") {
        let text = fs::read_to_string(&path).unwrap();
        let diagnostics = format(&text).unwrap_err();
        let codes: Vec<Code> = diagnostics.iter().map(|d| d.code).collect();
        assert_eq!(codes, [common::code_of(&path)], "{}", path.display());
        let mut sources = slac::source::SourceMap::new();
        sources.add(
            common::relative(&fs::canonicalize(&path).unwrap())
                .display()
                .to_string(),
            &path,
            text,
        );
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        insta::assert_snapshot!(
            format!("fmt_refused_{name}"),
            slac::diagnostics::render_human_to_string(&sources, &diagnostics)
        );
    }
}

fn slac() -> Command {
    Command::cargo_bin("slac").unwrap()
}

#[test]
fn check_prints_a_diff_and_changes_nothing() {
    let folder = tempfile::tempdir().unwrap();
    let file = folder.path().join("messy.sla");
    let messy = fs::read_to_string("tests/fixtures/fmt/messy.sla").unwrap();
    fs::write(&file, &messy).unwrap();
    fs::create_dir(folder.path().join("valid")).unwrap();
    fs::copy(
        "tests/fixtures/valid/two-agreements.sla",
        folder.path().join("valid/two-agreements.sla"),
    )
    .unwrap();
    let output = slac().args(["fmt", "--check"]).arg(&file).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let diff = String::from_utf8(output.stdout).unwrap();
    assert!(diff.starts_with("--- "), "{diff}");
    assert!(diff.contains("\n-kind customer   version 1.0.0\n"), "{diff}");
    assert!(diff.contains("\n+  kind customer\n+  version 1.0.0\n"), "{diff}");
    assert_eq!(
        fs::read_to_string(&file).unwrap(),
        messy,
        "--check changed the file"
    );

    slac().arg("fmt").arg(&file).assert().code(0);
    let formatted = fs::read_to_string(&file).unwrap();
    assert_eq!(formatted, format(&messy).unwrap());
    slac()
        .args(["fmt", "--check"])
        .arg(&file)
        .assert()
        .code(0)
        .stdout("");
    let leftovers = fs::read_dir(folder.path()).unwrap().count();
    assert_eq!(leftovers, 2, "no temporary file is left behind");
}

#[test]
fn refused_files_are_left_untouched() {
    let folder = tempfile::tempdir().unwrap();
    let file = folder.path().join("broken.sla");
    let text = "agreement a \"A\" {\n    kind customer\n  term 2026-01-01 # here\n  to 2026-12-31\n";
    fs::write(&file, text).unwrap();
    let output = slac().arg("fmt").arg(&file).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("was left as it is"));
    assert_eq!(fs::read_to_string(&file).unwrap(), text);
}

#[test]
fn standard_input_to_standard_output() {
    let messy = fs::read_to_string("tests/fixtures/fmt/comments.sla").unwrap();
    let output = slac()
        .args(["fmt", "-"])
        .write_stdin(messy.clone())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(String::from_utf8(output.stdout).unwrap(), format(&messy).unwrap());
    slac()
        .args(["fmt", "--check", "-"])
        .write_stdin("agreement a \"A\" { kind customer }")
        .assert()
        .code(1)
        .stdout(predicates::str::contains("+  kind customer"));
}

/// A generated spec with the whitespace between its tokens replaced by `separators`, in turn.
fn respaced(text: &str, separators: &[u8]) -> String {
    let tokens = slac::syntax::tokens::tokens(0, text).unwrap();
    let mut out = String::new();
    for (index, token) in tokens.iter().enumerate() {
        if index > 0 {
            out.push_str(match separators[index % separators.len()] % 4 {
                0 => " ",
                1 => "\n",
                2 => " \t ",
                _ => "\n      ",
            });
        }
        out.push_str(&text[token.span.range()]);
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Wherever the line breaks and spaces between tokens fall, the canonical form is the same
    /// and means the same as the generated spec.
    #[test]
    fn layout_does_not_matter(seed in 0u64..10_000, separators in proptest::collection::vec(any::<u8>(), 1..64)) {
        let spec = slac_corpus::spec(seed, 2);
        let single_spaced = respaced(&spec, &[0]);
        let mangled = respaced(&spec, &separators);
        let canonical = format(&single_spaced).unwrap();
        prop_assert_eq!(format(&mangled).unwrap(), canonical.clone());
        prop_assert_eq!(format(&canonical).unwrap(), canonical.clone());
        let path = Path::new("generated.sla");
        prop_assert_eq!(meaning(path, &canonical), meaning(path, &spec));
    }
}
