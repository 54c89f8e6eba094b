//! The `dossier` command: parse the arguments, run, exit with the status the run decided.

use std::process::ExitCode;

use clap::Parser;

/// mimalloc: a build allocates and frees millions of small strings across threads, where
/// it is measurably faster than the system allocator (see docs/architecture.md, Dependencies).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // No transparent huge pages: mimalloc asks for them, and the kernel then zeroes 2 MiB
    // at a time, most of it never used; a 10,000-page build spent a quarter of its time
    // there. Failure is harmless (an older kernel): the build is only slower.
    // SAFETY: PR_SET_THP_DISABLE takes plain integers and touches no memory of ours.
    #[cfg(target_os = "linux")]
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0)
    };
    let cli = dossier::cli::Cli::parse();
    ExitCode::from(dossier::cli::run(cli))
}
