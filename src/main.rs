use std::process::ExitCode;

/// mimalloc rather than the system allocator: glibc's per-thread arenas grow in small steps
/// (one `mprotect` call each, 165,000 of them checking 10,000 files), and mimalloc is faster on
/// the many small allocations of syntax trees and the IR. See BENCHMARKS.md.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    slac::cli::run()
}
