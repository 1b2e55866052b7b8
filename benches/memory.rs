//! Peak memory (maximum resident set size) of `slac check` processes: a typical 5 KB spec, one
//! 5.5 MB spec, and 10,000 files of about 5.5 KB. It needs GNU time (`/usr/bin/time`, Debian's
//! `time` package) to read the peak; without it, it says so and measures nothing.
//!
//! Run with `cargo bench --bench memory`; it writes `target/benchmarks/memory.json`, which
//! `scripts/benchmarks.py` puts into BENCHMARKS.md.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::Command;

const TIME: &str = "/usr/bin/time";

/// The peak resident set size in bytes of `slac check PATH`, and the process's wall time.
fn peak(path: &Path) -> (u64, f64) {
    let output = Command::new(TIME)
        .args(["-f", "peak-kb=%M wall-seconds=%e"])
        .arg(env!("CARGO_BIN_EXE_slac"))
        .arg("check")
        .arg(path)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    let line = stderr.lines().rev().find(|l| l.starts_with("peak-kb=")).unwrap();
    let mut kb = 0;
    let mut seconds = 0.0;
    for field in line.split_whitespace() {
        if let Some(value) = field.strip_prefix("peak-kb=") {
            kb = value.parse().unwrap();
        } else if let Some(value) = field.strip_prefix("wall-seconds=") {
            seconds = value.parse().unwrap();
        }
    }
    (kb * 1024, seconds)
}

fn main() {
    if !Path::new(TIME).exists() {
        eprintln!("memory: {TIME} is not installed (apt-get install -y time); nothing measured");
        return;
    }
    let folder = tempfile::tempdir().unwrap();
    let typical = folder.path().join("typical.sla");
    std::fs::write(&typical, slac::corpus::spec(7, 4)).unwrap();
    let large = folder.path().join("large.sla");
    std::fs::write(&large, slac::corpus::spec(11, 5_000)).unwrap();
    let corpus = folder.path().join("corpus");
    let files = slac::corpus::write_corpus(&corpus, 10_000, 5).unwrap();

    let mut rows = Vec::new();
    for (name, path, total, largest) in [
        ("typical-spec", &typical, file_size(&typical), file_size(&typical)),
        ("large-spec", &large, file_size(&large), file_size(&large)),
        (
            "corpus-10k-files",
            &corpus,
            files.iter().map(|f| file_size(f)).sum(),
            files.iter().map(|f| file_size(f)).max().unwrap_or(0),
        ),
    ] {
        let (peak_bytes, seconds) = peak(path);
        let target = 3 * largest + 30 * 1024 * 1024;
        println!(
            "{name}: {total} bytes (largest file {largest}), peak {:.1} MiB, target {:.1} MiB, {seconds:.2} s",
            peak_bytes as f64 / 1048576.0,
            target as f64 / 1048576.0
        );
        rows.push(serde_json::json!({
            "name": name,
            "input_bytes": total,
            "largest_file_bytes": largest,
            "peak_bytes": peak_bytes,
            "target_bytes": target,
            "wall_seconds": seconds,
        }));
    }
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/benchmarks");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(
        out.join("memory.json"),
        serde_json::to_string_pretty(&rows).unwrap(),
    )
    .unwrap();
}

fn file_size(path: &Path) -> u64 {
    std::fs::metadata(path).unwrap().len()
}
