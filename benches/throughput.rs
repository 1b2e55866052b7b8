//! Throughput of the whole pipeline (read, parse, analyze, lint) on generated corpora, in MB/s and
//! files/s, and the latency of one `slac check` process on a typical spec (what a pre-commit
//! hook pays per commit, process start included), and `slac report` over a million tickets.
//!
//! Run with `cargo bench --bench throughput`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::process::Command;

use criterion::{criterion_group, Criterion, Throughput};

/// The allocator the `slac` binary uses (see `src/main.rs`), so that the in-process figures are
/// what `slac check` does.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// 200 files of 5 services each (about 6 KB per file).
const FILES: usize = 200;
const SERVICES: usize = 5;

fn corpus() -> (tempfile::TempDir, Vec<PathBuf>, u64) {
    let folder = tempfile::tempdir().unwrap();
    let files = slac_corpus::write_corpus(folder.path(), FILES, SERVICES).unwrap();
    let bytes = files.iter().map(|f| std::fs::metadata(f).unwrap().len()).sum();
    (folder, files, bytes)
}

fn pipeline(c: &mut Criterion) {
    let (folder, files, bytes) = corpus();
    let paths = vec![folder.path().to_path_buf()];
    let check = || {
        let checked = slac::check(&paths).unwrap();
        assert!(checked.diagnostics.is_empty());
        checked
    };

    let mut group = c.benchmark_group("check-corpus");
    group.sample_size(20);
    group.throughput(Throughput::Bytes(bytes));
    group.bench_function("bytes", |b| b.iter(check));
    group.throughput(Throughput::Elements(files.len() as u64));
    group.bench_function("files", |b| b.iter(check));
    group.finish();

    // The same with the lints, as `slac check` runs them.
    let today = chrono::NaiveDate::from_ymd_opt(2026, 6, 15).unwrap();
    let mut group = c.benchmark_group("check-and-lint");
    group.sample_size(20);
    group.throughput(Throughput::Bytes(bytes));
    group.bench_function("bytes", |b| {
        b.iter(|| {
            let mut checked = slac::check(&paths).unwrap();
            slac::lint(&mut checked, today);
            checked
        })
    });
    group.finish();

    // Parse only, to show how much of the pipeline pest's parse is.
    let texts: Vec<String> = files
        .iter()
        .map(|f| std::fs::read_to_string(f).unwrap())
        .collect();
    let mut group = c.benchmark_group("parse-only");
    group.sample_size(20);
    group.throughput(Throughput::Bytes(bytes));
    group.bench_function("bytes", |b| {
        b.iter(|| {
            for text in &texts {
                let (_, diagnostics) = slac::syntax::parse(0, text);
                assert!(diagnostics.is_empty());
            }
        })
    });
    group.finish();

    // pest's parse alone: the floor under the whole pipeline while pest does the parsing.
    let mut group = c.benchmark_group("pest-only");
    group.sample_size(20);
    group.throughput(Throughput::Bytes(bytes));
    group.bench_function("bytes", |b| {
        b.iter(|| {
            for text in &texts {
                assert!(slac::syntax::pest_parse_only(text));
            }
        })
    });
    group.finish();
}

/// `slac check` as a process on 10,000 generated files (about 55 MB): reading, parsing,
/// analysis, lints and the report, process start and exit included.
fn large_corpus_process(c: &mut Criterion) {
    let folder = tempfile::tempdir().unwrap();
    let files = slac_corpus::write_corpus(folder.path(), 10_000, SERVICES).unwrap();
    let bytes: u64 = files.iter().map(|f| std::fs::metadata(f).unwrap().len()).sum();
    let binary = env!("CARGO_BIN_EXE_slac");
    let mut group = c.benchmark_group("check-10k-files");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(bytes));
    group.bench_function("slac-check-process", |b| {
        b.iter(|| {
            let output = Command::new(binary)
                .arg("check")
                .arg(folder.path())
                .output()
                .unwrap();
            // Lint findings (warnings) are expected; errors are not.
            assert!(output.status.success());
        })
    });
    group.finish();
}

fn single_file_process(c: &mut Criterion) {
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("typical.sla");
    std::fs::write(&path, slac_corpus::spec(7, 4)).unwrap();
    let binary = env!("CARGO_BIN_EXE_slac");
    let mut group = c.benchmark_group("single-file");
    group.sample_size(50);
    group.bench_function("slac-check-process", |b| {
        b.iter(|| {
            let status = Command::new(binary)
                .arg("check")
                .arg(&path)
                .output()
                .unwrap()
                .status;
            assert!(status.success());
        })
    });
    group.finish();
}

/// One million synthetic tickets for the cloud-hosting example, a mix of priorities spread over
/// October 2026, some answered late, some at night, some still open.
fn tickets(count: usize) -> Vec<slac::report::Ticket> {
    let start = chrono::DateTime::parse_from_rfc3339("2026-10-01T00:00:00Z")
        .map(|t| t.with_timezone(&chrono::Utc))
        .unwrap_or_default();
    (0..count)
        .map(|i| {
            let opened_at = start + chrono::Duration::seconds((i as i64 * 2_591) % (31 * 86_400 - 7_200));
            let answer = chrono::Duration::seconds(((i * 7_919) % 20_000) as i64);
            slac::report::Ticket {
                line: i + 2,
                id: format!("T{i}"),
                service: "shop".into(),
                priority: ["P1", "P2", "P3"][i % 3].into(),
                site: None,
                opened_at,
                first_response_at: Some(opened_at + answer / 4),
                resolved_at: (i % 10 != 0).then_some(opened_at + answer * 3),
                paused_seconds: ((i % 7) * 300) as i64,
            }
        })
        .collect()
}

fn report(c: &mut Criterion) {
    let checked = slac::check(&[PathBuf::from("examples/cloud-hosting/cloud-hosting.sla")])
        .expect("the example is readable");
    let agreement = checked
        .agreements()
        .next()
        .cloned()
        .expect("the example has an agreement");
    let period = slac::report::parse_period("2026-10").expect("a valid period");
    let tickets = tickets(1_000_000);
    let mut group = c.benchmark_group("report-1m-tickets");
    group.sample_size(10);
    group.throughput(Throughput::Elements(tickets.len() as u64));
    group.bench_function("tickets", |b| {
        b.iter(|| slac::report::evaluate(&agreement, tickets.iter().map(Ok), &[], Vec::new(), &period))
    });
    group.finish();
}

criterion_group!(
    benches,
    pipeline,
    single_file_process,
    large_corpus_process,
    report
);
/// `criterion_main!`, with the thread pool built first as the `slac` binary builds it (see
/// `src/main.rs`): the benchmark's own thread is one of rayon's threads, so the in-process
/// figures do not include handing each parallel step to a pool thread and waking up when it
/// is done.
fn main() {
    let _ = rayon::ThreadPoolBuilder::new()
        .use_current_thread()
        .build_global();
    benches();
    Criterion::default().configure_from_args().final_summary();
}
