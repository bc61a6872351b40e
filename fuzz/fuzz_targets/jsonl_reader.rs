//! Fuzz target `jsonl_reader`: see `standpoint_fuzz::jsonl_reader` for what it checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| standpoint_fuzz::jsonl_reader(data));
