use std::process::ExitCode;

/// mimalloc rather than the system allocator: glibc's per-thread arenas grow in small steps
/// (one `mprotect` call each, 165,000 of them checking 10,000 files), and mimalloc is faster on
/// the many small allocations of syntax trees and the IR. See BENCHMARKS.md.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // The main thread is one of rayon's threads (as many as `RAYON_NUM_THREADS`, or one per
    // core): it works on each parallel step itself instead of handing it to a pool thread and
    // sleeping until the step is done: on one thread nothing is handed over at all
    // (BENCHMARKS.md, design notes). Nothing has used rayon yet, so this cannot fail; if it
    // did, rayon's default pool would do the same work.
    let _ = rayon::ThreadPoolBuilder::new()
        .use_current_thread()
        .build_global();
    slac::batches::release_memory_with(release_free_memory);
    remove_temporaries_when_interrupted();
    slac::cli::run()
}

/// On SIGINT or SIGTERM, removes the temporary files of writes under way, then exits as the
/// signal would have (128 + its number): no `.slac-*.tmp` is left beside an output.
fn remove_temporaries_when_interrupted() {
    use signal_hook::consts::{SIGINT, SIGTERM};
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM]) else {
        return;
    };
    std::thread::spawn(move || {
        if let Some(signal) = signals.forever().next() {
            slac::output::remove_temporaries();
            std::process::exit(128 + signal);
        }
    });
}

/// Hands the calling thread's free memory back to the system. mimalloc keeps what a thread
/// frees for that thread (returning it later, and only when the thread next allocates), so
/// after one thread checked a large file the other thread's heap grew on top of it
/// (BENCHMARKS.md, design notes).
#[allow(unsafe_code)]
fn release_free_memory() {
    // SAFETY: `mi_collect` takes no pointer and has no precondition: it frees the calling
    // thread's empty pages and abandoned segments, which no live allocation uses.
    unsafe { libmimalloc_sys::mi_collect(true) }
}
