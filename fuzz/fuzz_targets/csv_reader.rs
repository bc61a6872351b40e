//! Fuzz target `csv_reader`: see `standpoint_fuzz::csv_reader` for what it checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| standpoint_fuzz::csv_reader(data));
