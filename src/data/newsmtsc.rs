//! NewsMTSC (EACL 2021) JSON Lines: the sentiment of a news sentence toward each target mention.
//!
//! The dataset labels how the sentence treats a target, not whose view that is, so every row
//! gets the holder `unspecified` (see `../shared/data/README.md`, lesson 1).

use super::input::{self, skip};
use super::spans::CharOffsets;
use super::{DataError, Loaded, StanceExample};
use crate::labels::{Stance, UNSPECIFIED};
use serde::Deserialize;
use std::path::Path;

#[derive(Deserialize)]
struct Line {
    primary_gid: String,
    sentence_normalized: String,
    // Kept raw so that one malformed target skips only itself.
    targets: Vec<serde_json::Value>,
}

#[derive(Deserialize)]
struct Target {
    from: usize,
    to: usize,
    mention: String,
    polarity: f64,
}

/// Read a NewsMTSC `.jsonl` file: one `StanceExample` per target, with the target's char
/// offsets converted to byte offsets and polarity 2.0/4.0/6.0 mapped to against/neutral/favor.
pub fn read(path: &Path) -> Result<Loaded<StanceExample>, DataError> {
    let bytes = input::read_bytes(path)?;
    let mut out = Loaded::default();
    for (number, line) in input::lines(&bytes) {
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let parsed = input::utf8(line).and_then(|text| {
            serde_json::from_str::<Line>(text)
                .map_err(|e| format!("not a NewsMTSC JSON object: {e}"))
        });
        let line = match parsed {
            Ok(line) => line,
            Err(reason) => {
                out.skipped.push(skip(path, number, reason));
                continue;
            }
        };
        let offsets = CharOffsets::new(&line.sentence_normalized);
        for (index, target) in line.targets.into_iter().enumerate() {
            match example(
                &line.primary_gid,
                &line.sentence_normalized,
                &offsets,
                index,
                target,
            ) {
                Ok(row) => out.rows.push(row),
                Err(reason) => {
                    out.skipped
                        .push(skip(path, number, format!("target {index}: {reason}")))
                }
            }
        }
    }
    Ok(out)
}

fn example(
    gid: &str,
    text: &str,
    offsets: &CharOffsets,
    index: usize,
    target: serde_json::Value,
) -> Result<StanceExample, String> {
    let target: Target =
        serde_json::from_value(target).map_err(|e| format!("malformed target: {e}"))?;
    let stance = stance(target.polarity)?;
    let span = match (offsets.byte(target.from), offsets.byte(target.to)) {
        (Some(from), Some(to)) if from < to => (from, to),
        _ => {
            return Err(format!(
                "char span {}..{} is not inside the {}-char sentence",
                target.from,
                target.to,
                offsets.chars()
            ))
        }
    };
    if text[span.0..span.1] != target.mention {
        return Err(format!(
            "char span {}..{} holds '{}', not the mention '{}'",
            target.from,
            target.to,
            &text[span.0..span.1],
            target.mention
        ));
    }
    Ok(StanceExample {
        id: format!("{gid}#{index}"),
        doc: String::new(),
        text: text.to_owned(),
        context: String::new(),
        holder: UNSPECIFIED.to_owned(),
        holder_span: None,
        target: target.mention,
        target_span: Some(span),
        stance: Some(stance),
        sentiment: None,
        source: "newsmtsc".to_owned(),
    })
}

fn stance(polarity: f64) -> Result<Stance, String> {
    match polarity {
        2.0 => Ok(Stance::Against),
        4.0 => Ok(Stance::Neutral),
        6.0 => Ok(Stance::Favor),
        p => Err(format!(
            "unknown polarity {p}; expected 2.0 (negative), 4.0 (neutral), 6.0 (positive)"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::test_support::{fixture, shared_data, top_reasons};

    #[test]
    fn char_offsets_become_byte_offsets_in_non_ascii_text() {
        // "Müller’s" puts 3 extra bytes before "Merkel": chars 17..23 are bytes 20..26.
        let line = r#"{"primary_gid": "g1", "sentence_normalized": "Müller’s view of Merkel is grim.", "targets": [{"Input.gid": "g1", "from": 17, "to": 23, "mention": "Merkel", "polarity": 2.0}, {"from": 0, "to": 6, "mention": "Müller", "polarity": 6.0}]}"#;
        let (_dir, path) = fixture("train.jsonl", format!("{line}\n").as_bytes());
        let got = read(&path).unwrap();
        assert!(got.skipped.is_empty(), "{:?}", got.skipped);
        let merkel = &got.rows[0];
        let (s, e) = merkel.target_span.unwrap();
        assert_eq!(&merkel.text[s..e], "Merkel");
        assert_eq!((s, e), (20, 26));
        assert_eq!(merkel.stance, Some(Stance::Against));
        assert_eq!(merkel.holder, UNSPECIFIED);
        assert_eq!(merkel.id, "g1#0");
        assert_eq!(got.rows[1].target_span, Some((0, 7)));
        assert_eq!(got.rows[1].stance, Some(Stance::Favor));
        assert_eq!(got.rows[1].id, "g1#1");
    }

    #[test]
    fn malformed_lines_and_targets_are_skipped_with_their_line() {
        let text = concat!(
            "{\"primary_gid\": \"a\", \"sentence_normalized\": \"Obama spoke.\", \"targets\": [",
            "{\"from\": 0, \"to\": 5, \"mention\": \"Obama\", \"polarity\": 4.0},",
            "{\"from\": 0, \"to\": 5, \"mention\": \"Obama\", \"polarity\": 5.0},",
            "{\"from\": 0, \"to\": 50, \"mention\": \"Obama\", \"polarity\": 4.0},",
            "{\"from\": 1, \"to\": 5, \"mention\": \"Obama\", \"polarity\": 4.0},",
            "{\"from\": 0, \"mention\": \"Obama\", \"polarity\": 4.0}]}\n",
            "\n",
            "not json\n",
        );
        let (_dir, path) = fixture("x.jsonl", text.as_bytes());
        let got = read(&path).unwrap();
        assert_eq!(got.rows.len(), 1);
        assert_eq!(got.rows[0].stance, Some(Stance::Neutral));
        let reasons: Vec<_> = got
            .skipped
            .iter()
            .map(|s| (s.line, s.reason.as_str()))
            .collect();
        assert_eq!(reasons.len(), 5, "{reasons:?}");
        assert!(
            reasons[0].1.starts_with("target 1: unknown polarity 5"),
            "{reasons:?}"
        );
        assert!(reasons[1].1.contains("not inside"), "{reasons:?}");
        assert!(reasons[2].1.contains("not the mention"), "{reasons:?}");
        assert!(reasons[3].1.contains("malformed target"), "{reasons:?}");
        assert_eq!(reasons[4].0, 3);
    }

    #[test]
    fn real_newsmtsc_files_have_the_documented_target_counts() {
        let files = [
            (
                "controller_data/datasets/NewsMTSC-dataset/train.jsonl",
                8739,
                [3316, 3028, 2395],
            ),
            (
                "controller_data/datasets/NewsMTSC-dataset/devtest_mt.jsonl",
                1476,
                [482, 748, 246],
            ),
            (
                "controller_data/datasets/NewsMTSC-dataset/devtest_rw.jsonl",
                1146,
                [429, 455, 262],
            ),
            (
                "experiments/default/datasets/newsmtsc-mt/dev.jsonl",
                442,
                [136, 217, 89],
            ),
            (
                "experiments/default/datasets/newsmtsc-mt/test.jsonl",
                1034,
                [346, 531, 157],
            ),
            (
                "experiments/default/datasets/newsmtsc-rw/dev.jsonl",
                343,
                [134, 136, 73],
            ),
            (
                "experiments/default/datasets/newsmtsc-rw/test.jsonl",
                803,
                [295, 319, 189],
            ),
        ];
        let Some(dir) = shared_data("newsmtsc") else {
            return;
        };
        for (rel, targets, [neg, neu, pos]) in files {
            let got = read(&dir.join(rel)).unwrap();
            let count = |s| got.rows.iter().filter(|r| r.stance == Some(s)).count();
            eprintln!(
                "{rel}: {} rows, {} skipped {:?}",
                got.rows.len(),
                got.skipped.len(),
                top_reasons(&got.skipped)
            );
            assert_eq!(got.rows.len(), targets, "{rel}");
            assert!(got.skipped.is_empty(), "{rel}: {:?}", got.skipped);
            assert_eq!(
                [
                    count(Stance::Against),
                    count(Stance::Neutral),
                    count(Stance::Favor)
                ],
                [neg, neu, pos],
                "{rel}"
            );
            for row in &got.rows {
                let (s, e) = row.target_span.unwrap();
                assert_eq!(row.text.get(s..e), Some(row.target.as_str()), "{}", row.id);
            }
        }
    }
}
