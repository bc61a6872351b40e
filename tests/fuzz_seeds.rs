//! The fuzz targets' invariant checks (`fuzz/src/lib.rs`) over their seed inputs
//! (`fuzz/seeds/<target>/`), so `cargo test` exercises every invariant without cargo-fuzz;
//! `scripts/fuzz.sh` runs the fuzzer itself.

#[path = "../fuzz/src/lib.rs"]
mod checks;

use std::path::Path;

/// Runs the check of `target` over each of its seed files.
fn seeds_pass(target: &str) {
    let (_, check) = checks::TARGETS
        .iter()
        .find(|(name, _)| *name == target)
        .expect("a fuzz target of that name");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/seeds")
        .join(target);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no seeds in {}", dir.display());
    for file in files {
        eprintln!("{target}: {}", file.display());
        check(&std::fs::read(&file).expect("a seed file"));
    }
}

#[test]
fn decoding_and_cleaning_the_seeds_keeps_every_offset() {
    seeds_pass("decode_clean");
}

#[test]
fn splitting_the_seeds_keeps_sentences_in_their_ranges() {
    seeds_pass("split");
}

#[test]
fn the_jsonl_reader_numbers_and_names_every_seed_item() {
    seeds_pass("jsonl_reader");
}

#[test]
fn the_csv_reader_numbers_and_names_every_seed_item() {
    seeds_pass("csv_reader");
}

#[test]
fn resuming_from_the_seed_journals_never_panics() {
    seeds_pass("journal");
}

#[test]
fn the_seed_manifests_survive_a_write_and_read() {
    seeds_pass("manifest");
}

#[test]
fn the_tiny_pipeline_gives_valid_documents_for_the_seeds() {
    seeds_pass("pipeline");
}

#[test]
fn every_fuzz_target_has_a_file_and_seeds() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    for (name, _) in checks::TARGETS {
        assert!(
            root.join(format!("fuzz_targets/{name}.rs")).is_file(),
            "{name}"
        );
        assert!(root.join("seeds").join(name).is_dir(), "{name}");
    }
}
