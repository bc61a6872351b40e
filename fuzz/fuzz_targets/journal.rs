//! Fuzz target `journal`: see `standpoint_fuzz::journal` for what it checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| standpoint_fuzz::journal(data));
