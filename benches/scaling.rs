//! The speed-up of `slac check` from one thread to two on 10,000 generated files (about 57 MB),
//! measured in alternated runs: one thread, two threads, one, two, and so on, with the median
//! of each. A shared machine drifts between faster and slower spells over minutes, which the
//! criterion benchmarks, run one thread count after the other, take into their ratio;
//! alternated pairs meet the same spells. It needs GNU time (`/usr/bin/time`) for the CPU time;
//! without it, it says so and measures nothing.
//!
//! Run with `cargo bench --bench scaling`; it writes `target/benchmarks/scaling.json`, which
//! `scripts/benchmarks.py` puts into BENCHMARKS.md.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::Command;
use std::time::Instant;

const TIME: &str = "/usr/bin/time";
const ROUNDS: usize = 10;

/// The wall time of `slac check PATH` on `threads` threads, and its CPU time (user and
/// system), in seconds.
fn run(path: &Path, threads: usize) -> (f64, f64) {
    let start = Instant::now();
    let output = Command::new(TIME)
        .args(["-f", "cpu-seconds=%U+%S"])
        .arg(env!("CARGO_BIN_EXE_slac"))
        .arg("check")
        .arg(path)
        .env("RAYON_NUM_THREADS", threads.to_string())
        .output()
        .unwrap();
    let wall = start.elapsed().as_secs_f64();
    // Lint findings (warnings) are expected; errors are not.
    assert!(output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    let line = stderr
        .lines()
        .rev()
        .find(|l| l.starts_with("cpu-seconds="))
        .unwrap();
    let cpu = line["cpu-seconds=".len()..]
        .split('+')
        .map(|s| s.parse::<f64>().unwrap())
        .sum();
    (wall, cpu)
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    let middle = values.len() / 2;
    if values.len().is_multiple_of(2) {
        (values[middle - 1] + values[middle]) / 2.0
    } else {
        values[middle]
    }
}

fn main() {
    if !Path::new(TIME).exists() {
        eprintln!("scaling: {TIME} is not installed (apt-get install -y time); nothing measured");
        return;
    }
    let folder = tempfile::tempdir().unwrap();
    let files = slac_corpus::write_corpus(folder.path(), 10_000, 5).unwrap();
    let bytes: u64 = files.iter().map(|f| std::fs::metadata(f).unwrap().len()).sum();
    // One run each first, so that the files are in the page cache for every measured run.
    run(folder.path(), 1);
    run(folder.path(), 2);
    let mut measured: [Vec<(f64, f64)>; 2] = [Vec::new(), Vec::new()];
    for _ in 0..ROUNDS {
        for (slot, threads) in [(0, 1), (1, 2)] {
            measured[slot].push(run(folder.path(), threads));
        }
    }
    let mut rows = Vec::new();
    for (slot, threads) in [(0, 1), (1, 2)] {
        let walls: Vec<f64> = measured[slot].iter().map(|m| m.0).collect();
        let wall = median(walls.clone());
        let cpu = median(measured[slot].iter().map(|m| m.1).collect());
        println!(
            "{threads} thread(s): median {wall:.3} s wall, {cpu:.2} s CPU, {:.1} MB/s",
            bytes as f64 / wall / 1e6
        );
        rows.push(serde_json::json!({
            "threads": threads,
            "wall_seconds": walls,
            "median_wall_seconds": wall,
            "median_cpu_seconds": cpu,
        }));
    }
    let speedup =
        rows[0]["median_wall_seconds"].as_f64().unwrap() / rows[1]["median_wall_seconds"].as_f64().unwrap();
    println!("speed-up: {speedup:.2}x ({ROUNDS} alternated runs each)");
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/benchmarks");
    std::fs::create_dir_all(&out).unwrap();
    let report = serde_json::json!({
        "files": files.len(),
        "input_bytes": bytes,
        "rounds": ROUNDS,
        "runs": rows,
        "speedup": speedup,
    });
    std::fs::write(
        out.join("scaling.json"),
        serde_json::to_string_pretty(&report).unwrap(),
    )
    .unwrap();
}
