//! Fuzz target `decode_clean`: see `standpoint_fuzz::decode_clean` for what it checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| standpoint_fuzz::decode_clean(data));
