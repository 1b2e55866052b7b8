//! `slac::batches::release_memory_with`: the hook is called twice for each batch over
//! `BATCH_BYTES`, by the thread that checks it (once it is analyzed, and once it is checked),
//! and never for small batches. A test binary of
//! its own, because the hook is set once per process.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::NaiveDate;
use slac::batches::{check_in_batches, release_memory_with, BATCH_BYTES};

static CALLS: AtomicUsize = AtomicUsize::new(0);

fn count() {
    CALLS.fetch_add(1, Ordering::SeqCst);
}

fn check(paths: &[std::path::PathBuf]) {
    let today = NaiveDate::from_ymd_opt(2026, 6, 15).unwrap();
    check_in_batches(paths, false, today, 32, &mut |_, _| Ok(())).unwrap();
}

#[test]
fn memory_is_released_after_each_large_batch_only() {
    release_memory_with(count);
    let folder = tempfile::tempdir().unwrap();
    let small = slac_corpus::write_corpus(&folder.path().join("small"), 40, 2).unwrap();
    check(&small);
    assert_eq!(CALLS.load(Ordering::SeqCst), 0, "small files");

    // Two specs over BATCH_BYTES, each a batch of its own, among the small files.
    let mut paths = small.clone();
    for (seed, name) in [(20_001, "a-large.sla"), (20_002, "b-large.sla")] {
        let path = folder.path().join(name);
        std::fs::write(&path, slac_corpus::spec(seed, 1_300)).unwrap();
        assert!(std::fs::metadata(&path).unwrap().len() > BATCH_BYTES);
        paths.insert(20, path);
    }
    check(&paths);
    assert_eq!(CALLS.load(Ordering::SeqCst), 4, "two large files");
}
