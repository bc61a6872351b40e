//! Fuzz target `split`: see `standpoint_fuzz::split` for what it checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| standpoint_fuzz::split(data));
