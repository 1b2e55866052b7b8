//! Every diagnostic code has fixtures under `tests/fixtures/diagnostics/`, named after the code
//! they trigger; each fixture's fully rendered diagnostics are a snapshot.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{code_of, relative, sla_files};
use std::collections::BTreeSet;
use std::path::PathBuf;

use slac::diagnostics::{render_human_to_string, render_json, render_short, Code};

#[test]
fn rendered_diagnostics() {
    insta::glob!("fixtures/diagnostics/*.sla", |path| {
        let checked = slac::check(&[relative(path)]).unwrap();
        insta::assert_snapshot!(render_human_to_string(&checked.sources, &checked.diagnostics));
    });
}

#[test]
fn each_fixture_reports_the_code_in_its_name() {
    for path in sla_files("tests/fixtures/diagnostics") {
        let expected = code_of(&path);
        let checked = slac::check(std::slice::from_ref(&path)).unwrap();
        let codes: BTreeSet<Code> = checked.diagnostics.iter().map(|d| d.code).collect();
        assert!(
            codes.contains(&expected),
            "{} reports {codes:?}, not {expected:?}",
            path.display()
        );
        assert!(checked.has_errors(), "{} has no errors", path.display());
    }
}

#[test]
fn every_code_has_a_fixture() {
    let covered: BTreeSet<Code> = sla_files("tests/fixtures/diagnostics")
        .iter()
        .map(|p| code_of(p))
        .collect();
    for code in Code::ALL {
        // Files over the size, line-length or item limits are large: tests/cli.rs generates
        // them. Lints and configuration or suppression errors (E4xx) have their fixtures in
        // tests/lint.rs, formatter refusals (E5xx) under tests/fixtures/fmt/refused/, and
        // version errors of `slac diff` (E6xx) the pairs under tests/fixtures/diff/.
        if [Code::E102, Code::E105, Code::E106, Code::E107].contains(code)
            || code.is_lint()
            || ["E4", "E5", "E6"].iter().any(|p| code.as_str().starts_with(p))
        {
            continue;
        }
        assert!(covered.contains(code), "no fixture for {}", code.as_str());
    }
}

#[test]
fn every_diagnostic_has_a_label_and_help() {
    for path in sla_files("tests/fixtures/diagnostics") {
        let checked = slac::check(std::slice::from_ref(&path)).unwrap();
        for diagnostic in &checked.diagnostics {
            assert!(
                !diagnostic.primary.message.is_empty(),
                "{}: {diagnostic:?}",
                path.display()
            );
            assert!(diagnostic.help.is_some(), "{}: {diagnostic:?}", path.display());
            assert!(
                !diagnostic.message.contains("Rule::"),
                "{}: {diagnostic:?}",
                path.display()
            );
        }
    }
}

#[test]
fn short_and_json_formats() {
    let path = PathBuf::from("tests/fixtures/diagnostics/E201_undefined_calendar.sla");
    let checked = slac::check(&[path]).unwrap();
    insta::assert_snapshot!("short", render_short(&checked.sources, &checked.diagnostics));
    insta::assert_snapshot!(
        "json",
        render_json(&checked.sources, &checked.diagnostics, checked.files_checked())
    );
}

#[test]
fn all_errors_of_all_files_in_one_run() {
    let checked = slac::check(&[PathBuf::from("tests/fixtures/diagnostics")]).unwrap();
    let files_with_errors: BTreeSet<usize> = checked.diagnostics.iter().map(|d| d.primary.file).collect();
    // Every fixture has errors; a syntax error in one does not hide the others'.
    assert!(files_with_errors.len() >= sla_files("tests/fixtures/diagnostics").len());
    let mut sorted = checked.diagnostics.clone();
    slac::diagnostics::sort(&mut sorted);
    assert_eq!(
        sorted, checked.diagnostics,
        "diagnostics are sorted by file and offset"
    );
}
