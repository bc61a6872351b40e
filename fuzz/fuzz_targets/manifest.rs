//! Fuzz target `manifest`: see `standpoint_fuzz::manifest` for what it checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| standpoint_fuzz::manifest(data));
