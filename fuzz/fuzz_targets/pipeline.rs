//! Fuzz target `pipeline`: see `standpoint_fuzz::pipeline` for what it checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| standpoint_fuzz::pipeline(data));
