use super::cases::CASES;
use super::*;
use std::time::{Duration, Instant};

fn texts(sentences: &[Sentence]) -> Vec<&str> {
    sentences.iter().map(|s| s.text.as_str()).collect()
}

/// Every sentence's offsets index the original text exactly, in order and without overlap.
fn assert_offsets(original: &str, sentences: &[Sentence]) {
    let mut previous_end = 0;
    for (i, s) in sentences.iter().enumerate() {
        assert_eq!(s.index, i);
        assert!(
            s.start >= previous_end,
            "sentence {i} overlaps the one before it"
        );
        assert!(s.start < s.end);
        assert_eq!(&original[s.start..s.end], s.text);
        previous_end = s.end;
    }
}

#[test]
fn case_table_splits_as_expected() {
    assert!(CASES.len() >= 45);
    let mut failures = Vec::new();
    for (name, input, expected) in CASES {
        let got = split_all(input);
        assert_offsets(input, &got);
        if texts(&got) != *expected {
            failures.push(format!(
                "{name}:\n  expected {expected:?}\n  got      {:?}",
                texts(&got)
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        CASES.len(),
        failures.join("\n")
    );
}

#[test]
fn offsets_index_the_original_with_multibyte_characters() {
    let text = "“Café owners protested,” said Zoë Müller. The mayor’s office 🏛️ — closed — \
                declined to comment… Émile agreed! «Bien sûr», he said. 🎉 Done.";
    let sentences = split_all(text);
    assert_offsets(text, &sentences);
    assert_eq!(
        texts(&sentences),
        [
            "“Café owners protested,” said Zoë Müller.",
            "The mayor’s office 🏛️ — closed — declined to comment…",
            "Émile agreed!",
            "«Bien sûr», he said.",
            "🎉 Done.",
        ]
    );
}

#[test]
fn headline_flags_first_line_and_title_case_subheadings() {
    let text = "Pakistan army kills 12 militants\n\
                ISLAMABAD, Sept 20 (Reuters) - The army said on Tuesday it had killed 12 militants.\n\
                \n\
                What Happens Next\n\
                \n\
                The demands:\n\
                - End the curfew\n\
                \n\
                Officials would not say when talks resume\n\
                \n\
                (Reporting by Asif Shahzad; Editing by Kim Coghill)\n";
    let sentences = split_all(text);
    assert_offsets(text, &sentences);
    let flags: Vec<(&str, bool)> = sentences
        .iter()
        .map(|s| (s.text.as_str(), s.is_headline))
        .collect();
    assert_eq!(
        flags,
        [
            ("Pakistan army kills 12 militants", true),
            (
                "ISLAMABAD, Sept 20 (Reuters) - The army said on Tuesday it had killed 12 militants.",
                false
            ),
            ("What Happens Next", true),
            ("The demands:", false),
            ("End the curfew", false),
            ("Officials would not say when talks resume", false),
            ("(Reporting by Asif Shahzad; Editing by Kim Coghill)", false),
        ]
    );
}

#[test]
fn first_line_ending_with_a_full_stop_is_not_a_headline() {
    let sentences = split_all("The army moved in.\nThe talks collapsed.");
    assert!(sentences.iter().all(|s| !s.is_headline));
}

#[test]
fn sentences_never_cross_ranges_and_index_the_original() {
    let text = "The army moved in and\nAdvertisement\nthe talks collapsed. Both sides left.";
    let first_end = text.find("\nAdvertisement").unwrap();
    let second_start = text.find("the talks").unwrap();
    let sentences = split(text, &[(0, first_end), (second_start, text.len())]);
    assert_offsets(text, &sentences);
    assert_eq!(
        texts(&sentences),
        [
            "The army moved in and",
            "the talks collapsed.",
            "Both sides left."
        ]
    );
    assert_eq!(sentences[1].start, second_start);
}

#[test]
fn bad_ranges_are_clamped_instead_of_panicking() {
    let text = "Zoë said no. The end.";
    let inside_e = text.find('ë').unwrap() + 1;
    let ranges = [
        (inside_e, 9_999),
        (30, 10),
        (5, 5),
        (usize::MAX, usize::MAX),
    ];
    let sentences = split(text, &ranges);
    assert_offsets(text, &sentences);
    assert_eq!(texts(&sentences), ["said no.", "The end."]);
    assert!(split("", &[(0, 0)]).is_empty());
    assert!(split("text", &[]).is_empty());
}

#[test]
fn separators_without_letters_are_not_sentences() {
    let text = "The army moved in.\n\n* * *\n\n---\n\nThe talks collapsed.";
    assert_eq!(
        texts(&split_all(text)),
        ["The army moved in.", "The talks collapsed."]
    );
}

#[test]
fn wrapped_paragraph_stays_one_sentence_per_full_stop() {
    let text = "Pakistan's foreign minister said on Tuesday that the\n\
                government would not accept conditions attached to the\n\
                loan, and that talks with the\n\
                International Monetary Fund would continue. A spokesman\n\
                declined to comment.";
    assert_eq!(
        texts(&split_all(text)),
        [
            "Pakistan's foreign minister said on Tuesday that the\n\
             government would not accept conditions attached to the\n\
             loan, and that talks with the\n\
             International Monetary Fund would continue.",
            "A spokesman\ndeclined to comment.",
        ]
    );
}

#[test]
fn numbered_line_inside_a_wrapped_sentence_is_not_a_list() {
    let text = "The motion passed by 52 votes to\n48. Opponents walked out.";
    assert_eq!(
        texts(&split_all(text)),
        [
            "The motion passed by 52 votes to\n48.",
            "Opponents walked out."
        ]
    );
}

/// Generous bound: the brief is under 2 s in a debug build, but a loaded CI machine is slower.
const QUICK: Duration = Duration::from_secs(10);

#[test]
fn twenty_megabyte_single_line_is_split_quickly() {
    let sentence = "The U.S. envoy met Gen. Munir at 5 p.m. on Jan. 3, and talks went on... ";
    let text = sentence.repeat(20_000_000 / sentence.len() + 1);
    assert!(!text.contains('\n') && text.len() >= 20_000_000);
    let started = Instant::now();
    let sentences = split_all(&text);
    let elapsed = started.elapsed();
    assert_eq!(sentences.len(), 20_000_000 / sentence.len() + 1);
    assert_eq!(sentences[0].text, sentence.trim_end());
    assert!(elapsed < QUICK, "took {elapsed:?}");
}

#[test]
fn twenty_megabyte_line_without_spaces_is_split_quickly_into_bounded_pieces() {
    let mut text = "x.".repeat(10_000_000);
    text.push_str(" The end.");
    let started = Instant::now();
    let sentences = split_all(&text);
    assert!(started.elapsed() < QUICK, "took {:?}", started.elapsed());
    // One run of 20 MB without whitespace, cut at the length limit, then the last sentence.
    assert_eq!(sentences.len(), 20_000_000 / MAX_SENTENCE_BYTES + 1);
    assert!(sentences
        .iter()
        .all(|s| s.end - s.start <= MAX_SENTENCE_BYTES));
    assert_eq!(sentences.last().unwrap().text, "The end.");
}

#[test]
fn a_five_thousand_word_sentence_is_cut_at_word_boundaries_under_the_limit() {
    let words: Vec<&str> = [
        "the", "minister", "said", "that", "Pakistan", "and", "the", "U.S.", "would",
    ]
    .iter()
    .copied()
    .cycle()
    .take(5_000)
    .collect();
    let text = format!("{}.", words.join(" "));
    let started = Instant::now();
    let sentences = split_all(&text);
    assert!(started.elapsed() < QUICK, "took {:?}", started.elapsed());
    assert_offsets(&text, &sentences);
    assert_eq!(
        sentences.len(),
        text.len().div_ceil(MAX_SENTENCE_BYTES - 10)
    );
    assert_eq!(texts(&sentences).join(" "), text);
}

#[test]
fn pathological_punctuation_does_not_panic() {
    for text in [
        ".",
        "...",
        "?!?!",
        "\"",
        "“”",
        "- ",
        "1.",
        "1. ",
        "(1)",
        "a)",
        " \n \r\n\t",
        "Mr.",
        "U.S.",
        ". . . . .",
        "é.",
        "\u{feff}Hi.",
        "“.” ‘.’ (.) [.]",
        "…\n…\n…",
    ] {
        let sentences = split_all(text);
        assert_offsets(text, &sentences);
    }
}

#[test]
fn text_without_punctuation_is_cut_into_sentences_of_bounded_length() {
    let words = [
        "the", "minister", "said", "Germany", "talks", "would", "continue",
    ];
    let text: String = (0..60_000)
        .map(|i| words[i % words.len()])
        .collect::<Vec<_>>()
        .join(" ");
    let sentences = split_all(&text);
    assert_offsets(&text, &sentences);
    assert!(sentences.len() > text.len() / MAX_SENTENCE_BYTES);
    for (i, s) in sentences.iter().enumerate() {
        assert_eq!(s.index, i);
        assert!(
            s.end - s.start <= MAX_SENTENCE_BYTES,
            "{} bytes",
            s.end - s.start
        );
        // Cut at whitespace: no word is split.
        assert!(!s.text.starts_with(' ') && !s.text.ends_with(' '));
        assert!(
            words.iter().any(|w| s.text.ends_with(w)),
            "{}",
            &s.text[s.text.len() - 20..]
        );
    }
    // Every byte of text is in some piece, in order.
    let joined: Vec<&str> = sentences.iter().map(|s| s.text.as_str()).collect();
    assert_eq!(joined.join(" "), text);
    // A run with no whitespace at all is cut on a character boundary.
    let long_word = "é".repeat(3_000);
    let pieces = split_all(&long_word);
    assert_offsets(&long_word, &pieces);
    assert!(pieces.iter().all(|s| s.end - s.start <= MAX_SENTENCE_BYTES));
    assert_eq!(
        pieces.iter().map(|s| s.text.len()).sum::<usize>(),
        long_word.len()
    );
}
