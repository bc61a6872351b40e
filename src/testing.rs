//! What a unit test does when something it needs is not on this machine (a licensed dataset
//! beside the repository, the base encoder, a CPU feature): it checks nothing, and says so where
//! the person running `cargo test` sees it. `tests/common` does the same for the integration
//! tests.

/// Report that the running test checked nothing because `missing`; `hint` says how to get it.
/// The line goes to stderr directly: libtest captures `eprintln!` of a passing test, so a skip
/// printed that way would pass silently.
pub(crate) fn skip(missing: &str, hint: &str) {
    use std::io::Write as _;
    let thread = std::thread::current();
    let test = thread.name().unwrap_or("a test");
    let _ = writeln!(std::io::stderr(), "SKIPPED {test}: {missing}; {hint}");
}

/// [`skip`] where `.ci/run` does not install what is missing; under CI (`$CI` set), where it
/// does, its absence is a failure.
pub(crate) fn skip_unless_ci(missing: &str, hint: &str) {
    if std::env::var_os("CI").is_some() {
        panic!("{missing}; {hint} (.ci/run installs it, so CI must have it)");
    }
    skip(missing, hint);
}
