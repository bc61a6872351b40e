//! Memory on one long document (the fast profile, batch's default): a document of thousands of
//! sentences and text without punctuation need about the memory of a 500-sentence document plus
//! a fixed margin, where they took gigabytes before (4.0 GB for 50,000 short sentences).
//! Peak RSS is read with `wait4` on the one child, so parallel tests do not mix in.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// What a long document may take beyond a 500-sentence one: the encoder states of one window
/// (about 100 MB) and the document's own results.
const MARGIN: u64 = 350 << 20;

fn tmp(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("memory")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Short sentences about a few states, written for this test.
fn sentences(n: usize) -> String {
    let names = [
        "Germany", "France", "Japan", "China", "Brazil", "NATO", "Russia", "India",
    ];
    (0..n)
        .map(|i| {
            format!(
                "{} met {} on day {i}.",
                names[i % 8],
                names[(i * 3 + 1) % 8]
            )
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Words without a full stop anywhere.
fn unpunctuated(bytes: usize) -> String {
    let words = [
        "the", "minister", "said", "Germany", "talks", "France", "would", "continue", "and",
        "Japan", "support",
    ];
    let mut text = String::with_capacity(bytes + 16);
    let mut i = 0usize;
    while text.len() < bytes {
        text.push_str(words[(i * 7 + i / 11) % words.len()]);
        text.push(' ');
        i += 1;
    }
    text
}

// The child is reaped by wait4, which clippy does not see.
#[allow(clippy::zombie_processes)]
fn classify_peak_rss(path: &Path) -> u64 {
    let child = Command::new(env!("CARGO_BIN_EXE_standpoint"))
        .args(["classify", "--profile", "fast", "--format", "json"])
        .arg(path)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("runs");
    let (code, rss) = common::wait_peak_rss(child);
    assert_eq!(code, Some(0), "classify failed on {}", path.display());
    rss
}

fn check(sizes: (usize, usize)) {
    let dir = tmp(&format!("{}-{}", sizes.0, sizes.1));
    let short = dir.join("short.txt");
    std::fs::write(&short, sentences(500)).unwrap();
    let long = dir.join("long.txt");
    std::fs::write(&long, sentences(sizes.0)).unwrap();
    let flat = dir.join("unpunctuated.txt");
    std::fs::write(&flat, unpunctuated(sizes.1)).unwrap();
    let base = classify_peak_rss(&short);
    for path in [&long, &flat] {
        let rss = classify_peak_rss(path);
        eprintln!(
            "{}: {} MB against {} MB for 500 sentences",
            path.display(),
            rss >> 20,
            base >> 20
        );
        assert!(
            rss <= base + MARGIN,
            "{}: peak RSS {} MB, over the {} MB of 500 sentences plus {} MB",
            path.display(),
            rss >> 20,
            base >> 20,
            MARGIN >> 20
        );
    }
}

#[test]
fn a_long_document_and_unpunctuated_text_need_the_memory_of_a_short_one() {
    // 10,000 sentences (two state windows) and 400 KB of words without a full stop.
    check((10_000, 400_000));
}

#[test]
#[ignore = "several minutes on two cores; run: cargo test --release --test memory -- --ignored"]
fn fifty_thousand_sentences_and_five_megabytes_without_punctuation_stay_bounded() {
    check((50_000, 4_900_000));
}
