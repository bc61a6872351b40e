//! The `standpoint` binary: parse arguments, run, print the error chain, exit.

use clap::Parser;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

fn main() -> ExitCode {
    tune_allocator();
    let cli = standpoint::cli::Cli::parse();
    let level = match cli.verbose {
        0 => "warn",
        1 => "info",
        _ => "debug",
    };
    // Colour only for a person at a terminal: escape codes in a log file or a CI log are noise.
    let ansi = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(ansi)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| level.into()),
        )
        .init();
    match standpoint::app::run(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        // The reader of standard output stopped reading (`| head`): its choice, not a failure.
        Err(e) if e.is_closed_stdout() => ExitCode::SUCCESS,
        // `batch` finished but some documents failed: they are listed in the errors file.
        Err(e @ standpoint::exit::CommandError::SomeFailed(_)) => ExitCode::from(e.exit_code()),
        Err(e) => {
            let code = e.exit_code();
            // Like every note on stderr: a stderr nobody reads must not become a panic.
            let _ = writeln!(std::io::stderr(), "error: {:#}", anyhow::Error::new(e));
            ExitCode::from(code)
        }
    }
}

/// Keep freed tensor buffers in the heap instead of returning them to the kernel. candle
/// allocates a fresh buffer per operation; with glibc's defaults every buffer over 128 KiB is a
/// new mmap and its pages are faulted in and zeroed again, which here took 40% of training time
/// as system time (8 -> 13 examples/s when turned off).
///
/// Two arenas at most: every thread that allocates gets an arena of its own by default, and
/// each keeps what it freed under these thresholds. With tokenizing, stance and loading on the
/// worker threads as well (session 15), a fast `batch` of 200 documents peaked at 409 MB instead
/// of 327 MB; with two arenas at 342 MB, no slower.
fn tune_allocator() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only adjusts allocator thresholds; it is called before any thread starts.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 32 * 1024 * 1024);
        libc::mallopt(libc::M_TRIM_THRESHOLD, 512 * 1024 * 1024);
        libc::mallopt(libc::M_TOP_PAD, 64 * 1024 * 1024);
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}
