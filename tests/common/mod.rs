//! Helpers shared by the integration tests.

/// Exit code and peak RSS in bytes of `child`, from `wait4` on that one process
/// (`RUSAGE_CHILDREN` would mix in the other tests' children).
#[allow(dead_code)] // not every test crate measures memory
pub fn wait_peak_rss(child: std::process::Child) -> (Option<i32>, u64) {
    let mut status = 0;
    // SAFETY: `rusage` is plain data that wait4 fills in; the pid is our own unwaited child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = unsafe { libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut usage) };
    assert_eq!(pid, child.id() as libc::pid_t, "wait4 failed");
    let code = libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status));
    // Linux reports ru_maxrss in KiB.
    (code, usage.ru_maxrss as u64 * 1024)
}

/// Waits for `child` at most `limit`; past it, kills and reaps it and gives `None`.
#[allow(dead_code)] // not every test crate waits on a child
pub fn wait_or_kill(
    child: &mut std::process::Child,
    limit: std::time::Duration,
) -> Option<std::process::ExitStatus> {
    let start = std::time::Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return Some(status);
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

/// Report that the running test checked nothing because `missing`; `hint` says how to get it.
/// The line goes to stderr directly: libtest captures `eprintln!` of a passing test, so a skip
/// printed that way would pass silently. (`src/testing.rs` is the same for the unit tests.)
#[allow(dead_code)] // not every test crate can miss something
pub fn skip(missing: &str, hint: &str) {
    use std::io::Write as _;
    let thread = std::thread::current();
    let test = thread.name().unwrap_or("a test");
    let _ = writeln!(std::io::stderr(), "SKIPPED {test}: {missing}; {hint}");
}

/// [`skip`] where `.ci/run` does not install what is missing; under CI (`$CI` set), where it
/// does, its absence is a failure.
#[allow(dead_code)] // not every test crate needs an installed tool
pub fn skip_unless_ci(missing: &str, hint: &str) {
    if std::env::var_os("CI").is_some() {
        panic!("{missing}; {hint} (.ci/run installs it, so CI must have it)");
    }
    skip(missing, hint);
}
