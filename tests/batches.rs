//! Checking in batches (`slac check`'s way, so memory stays bounded) reports what a whole run
//! reports, in the same order, however the run is cut.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;

use chrono::NaiveDate;
use slac::batches::{check_in_batches, Totals};
use slac::diagnostics::render_human_to_string as render;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 6, 15).unwrap()
}

/// The rendering of each file's diagnostics (with snippets, so labels in other files count
/// too), sorted, the totals of a whole run, and the whole rendering in order.
fn whole(paths: &[PathBuf]) -> (Vec<String>, Totals, String) {
    let mut checked = slac::check(paths).unwrap();
    slac::lint(&mut checked, today());
    let errors = checked.diagnostics.iter().filter(|d| d.is_error()).count();
    let totals = Totals {
        files: checked.files_checked(),
        errors,
        warnings: checked.diagnostics.len() - errors,
    };
    let mut files: Vec<String> = checked
        .diagnostics
        .chunk_by(|a, b| a.primary.file == b.primary.file)
        .map(|group| render(&checked.sources, group))
        .collect();
    let in_order = files.concat();
    files.sort();
    (files, totals, in_order)
}

/// As `whole`, in batches, with the rendering in the order it was handed over.
fn batched(paths: &[PathBuf], batch_files: usize) -> (Vec<String>, Totals, String) {
    let mut files = Vec::new();
    let totals = check_in_batches(paths, false, today(), batch_files, &mut |sources, diagnostics| {
        files.push(render(sources, diagnostics));
        Ok(())
    })
    .unwrap();
    let in_order = files.concat();
    files.sort();
    (files, totals, in_order)
}

/// `batched`, asserting that it reports the diagnostics and totals of `expected`, a whole run.
fn batched_as_whole(
    paths: &[PathBuf],
    batch_files: usize,
    expected: &(Vec<String>, Totals, String),
) -> (Vec<String>, Totals, String) {
    let got = batched(paths, batch_files);
    assert!(
        got.0 == expected.0,
        "{paths:?} in batches of {batch_files}:\n{}\nwhole:\n{}",
        got.2,
        expected.2
    );
    assert_eq!(got.1, expected.1, "{paths:?} in batches of {batch_files}");
    got
}

/// A project with what makes batches differ from a whole run if anything does: files only
/// imported (with errors, with warnings, shared by several named files, in a cycle), a named
/// file that an earlier one imports, a missing import, an agreement id defined twice, files
/// with errors next to files with warnings, and a configuration file with a problem.
fn project() -> tempfile::TempDir {
    let folder = tempfile::tempdir().unwrap();
    let root = folder.path();
    let warned = std::fs::read_to_string("tests/fixtures/lint/W312_bad.sla").unwrap();
    let broken = std::fs::read_to_string("tests/fixtures/diagnostics/E201_undefined_calendar.sla").unwrap();
    let named = |name: &str, text: &str| text.replace("agreement demo", &format!("agreement {name}"));
    let write = |path: &str, text: String| {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write("slac.toml", "[lints]\nno-such-lint = \"warn\"\n".to_string());
    write("lib/warned.sla", named("lib-warned", &warned));
    write("lib/broken.sla", named("lib-broken", &broken));
    write(
        "lib/cycle-a.sla",
        format!("import \"cycle-b.sla\"\n{}", named("cycle-a", &warned)),
    );
    write(
        "lib/cycle-b.sla",
        format!("import \"cycle-a.sla\"\n{}", named("cycle-b", &warned)),
    );
    let import = |files: &[&str]| -> String { files.iter().map(|f| format!("import \"{f}\"\n")).collect() };
    write(
        "specs/a.sla",
        import(&["../lib/warned.sla", "e.sla", "nested/x.sla"]) + &named("a", &warned),
    );
    write("specs/b.sla", named("b", &broken));
    write(
        "specs/c.sla",
        import(&["../lib/broken.sla"]) + &named("c", &warned),
    );
    write(
        "specs/d.sla",
        import(&["../lib/cycle-a.sla", "../lib/warned.sla"]) + &named("d", &warned),
    );
    write("specs/e.sla", named("e", &warned));
    write("specs/f.sla", import(&["missing.sla"]) + &named("f", &warned));
    write("specs/g.sla", named("g", &warned));
    // `a` again: reported here, pointing back at `specs/a.sla`, in whatever batch.
    write("specs/h.sla", named("a", &warned));
    // A project inside the project: `x.sla` is named, so its imports must stay in `nested/`
    // even when `a.sla`, in the outer project and an earlier batch, imports it.
    write("specs/nested/slac.toml", String::new());
    write("specs/nested/x.sla", import(&["../e.sla"]) + &named("x", &warned));
    folder
}

#[test]
fn batches_report_what_a_whole_run_reports() {
    let project = project();
    let specs = project.path().join("specs");
    let runs: [Vec<PathBuf>; 4] = [
        vec![specs.clone()],
        // A named file that an earlier one imports, and a file named twice.
        vec![
            specs.join("a.sla"),
            specs.join("e.sla"),
            specs.join("a.sla"),
            specs.clone(),
        ],
        vec![project.path().to_path_buf()],
        vec![PathBuf::from("examples")],
    ];
    for paths in runs {
        let expected = whole(&paths);
        if paths[0] == project.path() {
            let all = expected.0.concat();
            for code in ["E201", "E202", "E203", "E220", "E228", "E401", "W312"] {
                assert!(all.contains(code), "{code}:\n{all}");
            }
        }
        let mut order = None;
        for batch_files in [1, 2, 3, 64] {
            let got = batched_as_whole(&paths, batch_files, &expected);
            // The order of the output does not depend on how the run is cut either.
            let order = order.get_or_insert_with(|| got.2.clone());
            assert!(
                *order == got.2,
                "{paths:?} in batches of {batch_files}:\n{}",
                got.2
            );
        }
    }
}

/// `slac check` over more files than one batch holds: the limit on diagnostics shown, the count
/// of those left out, the summary and the exit code are the run's, not a batch's.
#[test]
fn the_limit_and_the_summary_span_batches() {
    let folder = tempfile::tempdir().unwrap();
    let warned = std::fs::read_to_string("tests/fixtures/lint/W312_bad.sla").unwrap();
    let files = slac::batches::BATCH_FILES + 8;
    for index in 0..files {
        let text = warned.replace("agreement demo", &format!("agreement spec-{index:03}"));
        std::fs::write(folder.path().join(format!("spec-{index:03}.sla")), text).unwrap();
    }
    let shown = slac::batches::BATCH_FILES + 3;
    let output = assert_cmd::Command::cargo_bin("slac")
        .unwrap()
        .args([
            "check",
            "--today",
            "2026-06-15",
            "--color",
            "never",
            "--deny",
            "warnings",
        ])
        .arg(format!("--max-diagnostics={shown}"))
        .arg(folder.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr.matches("warning[W312]").count(), shown, "{stderr}");
    // The last one shown is the last file of the second batch that still fits.
    assert!(stderr.contains(&format!("spec-{:03}.sla", shown - 1)), "{stderr}");
    assert!(!stderr.contains(&format!("spec-{shown:03}.sla")), "{stderr}");
    assert!(stderr.contains("5 more diagnostics are not shown"), "{stderr}");
    assert!(
        stderr.ends_with(&format!("checked {files} files: 0 errors, {files} warnings\n")),
        "{stderr}"
    );
}

/// Batches are reported in order on any number of threads, also when later batches are done
/// first: every tenth file here is 20 times larger than the others.
#[test]
fn batches_done_out_of_order_are_reported_in_order() {
    let folder = tempfile::tempdir().unwrap();
    for index in 0..40u64 {
        let services = if index % 10 == 0 { 100 } else { 5 };
        let path = folder.path().join(format!("spec-{index:02}.sla"));
        std::fs::write(path, slac_corpus::spec(index, services)).unwrap();
    }
    let paths = [folder.path().to_path_buf()];
    let expected = whole(&paths);
    assert_eq!(expected.1.files, 40);
    assert!(expected.1.warnings >= 40, "{}", expected.2);
    for threads in [1, 2, 4] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        for batch_files in [1, 3] {
            let got = pool.install(|| batched(&paths, batch_files));
            // No file imports another: the same output, in the same order.
            assert!(
                got == expected,
                "{threads} threads, batches of {batch_files}:\n{}\nwhole:\n{}",
                got.2,
                expected.2
            );
        }
    }
}

/// A file found in a folder takes the folder's canonical path and its name as its identity
/// (one `realpath` per folder); that must be the file's own canonical path, also when the
/// folder is named through a link, and a linked file must still resolve to its target. Each
/// comes with its size, which bounds how many files are checked at once.
#[test]
fn files_found_in_folders_are_identified_by_their_canonical_path() {
    let folder = tempfile::tempdir().unwrap();
    let root = folder.path();
    std::fs::create_dir_all(root.join("real/sub")).unwrap();
    std::fs::create_dir_all(root.join("other")).unwrap();
    // Of different sizes, so that each file's size is its own.
    for (size, file) in ["real/a.sla", "real/sub/b.sla", "other/c.sla"].iter().enumerate() {
        std::fs::write(root.join(file), "# x\n".repeat(size + 1)).unwrap();
    }
    std::os::unix::fs::symlink(root.join("other/c.sla"), root.join("real/link.sla")).unwrap();
    std::os::unix::fs::symlink(root.join("real"), root.join("alias")).unwrap();
    let paths = [root.join("alias"), root.join("real/a.sla"), root.join("other")];
    let found = slac::workspace::identified_sla_files(&paths).unwrap();
    // Every file the paths name, in the order of their identities, whatever the order of the
    // paths.
    let mut names: Vec<PathBuf> = found.iter().map(|file| file.path.clone()).collect();
    names.sort();
    let mut listed = slac::workspace::sla_files(&paths).unwrap();
    listed.sort();
    assert_eq!(names, listed);
    assert!(found.is_sorted_by(|a, b| a.identity <= b.identity), "{found:?}");
    let reversed: Vec<PathBuf> = paths.iter().rev().cloned().collect();
    assert_eq!(slac::workspace::identified_sla_files(&reversed).unwrap(), found);
    assert_eq!(found.len(), 5, "{found:?}");
    for file in &found {
        assert_eq!(
            file.identity,
            std::fs::canonicalize(&file.path).unwrap(),
            "{file:?}"
        );
        // The size, listed or asked for (the link's is its target's).
        assert_eq!(file.len, std::fs::metadata(&file.path).unwrap().len(), "{file:?}");
    }
    let linked = found.iter().find(|file| file.path.ends_with("link.sla")).unwrap();
    assert!(linked.identity.ends_with("other/c.sla"), "{linked:?}");
}

/// A named file that others import is checked with them, once; and when the importer's
/// syntax error keeps its imports from being followed, the file is checked on its own all the
/// same. A chain of imports is reported whole whatever its length.
#[test]
fn every_named_file_is_checked_once_however_files_import_each_other() {
    let folder = tempfile::tempdir().unwrap();
    let warned = std::fs::read_to_string("tests/fixtures/lint/W312_bad.sla").unwrap();
    let named = |name: &str| warned.replace("agreement demo", &format!("agreement {name}"));
    let write = |file: &str, text: String| std::fs::write(folder.path().join(file), text).unwrap();
    // c00 → c01 → … → c39, each named.
    for index in 0..40 {
        let import = if index < 39 {
            format!("import \"c{:02}.sla\"\n", index + 1)
        } else {
            String::new()
        };
        write(
            &format!("c{index:02}.sla"),
            import + &named(&format!("c{index:02}")),
        );
    }
    // broken.sla imports hidden.sla on its first line and then breaks the grammar.
    write(
        "broken.sla",
        "import \"hidden.sla\"\nagreement broken \"B\" { kind }\n".to_string(),
    );
    write("hidden.sla", named("hidden"));
    let paths = [folder.path().to_path_buf()];
    let expected = whole(&paths);
    assert_eq!(expected.1.files, 42);
    for batch_files in [1, 3, 64] {
        let got = batched_as_whole(&paths, batch_files, &expected);
        // Each file's diagnostics once.
        for index in 0..40 {
            let name = format!("c{index:02}.sla");
            let blocks = got.0.iter().filter(|block| block.contains(&name)).count();
            assert_eq!(blocks, 1, "{name} in batches of {batch_files}:\n{}", got.2);
        }
        assert!(got.2.contains("hidden.sla"), "{}", got.2);
        assert!(got.2.contains("E100"), "{}", got.2);
    }
}
