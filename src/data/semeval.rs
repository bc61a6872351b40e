//! SemEval-2016 Task 6 stance TSV (the "all annotations" release): a tweet's author's stance
//! toward a topic target, plus the tweet's sentiment.
//!
//! Columns `ID Target Tweet Stance Opinion-towards Sentiment`, CRLF. The training file is not
//! valid UTF-8 (two lines carry legacy Windows-1252 bytes), so each line is decoded as UTF-8 and,
//! failing that, as Windows-1252.

use super::input::{self, skip};
use super::spans::find_ignore_ascii_case;
use super::{DataError, Loaded, SentimentExample, Skipped, StanceExample};
use crate::labels::{Sentiment, Stance, AUTHOR};
use std::path::Path;

const FORMAT: &str = "SemEval-2016 Task 6";
const HEADER: [&str; 6] = [
    "ID",
    "Target",
    "Tweet",
    "Stance",
    "Opinion towards",
    "Sentiment",
];

struct Record {
    id: String,
    target: String,
    tweet: String,
    stance: Result<Stance, String>,
    sentiment: Result<Sentiment, String>,
}

/// Read the stance rows: holder `author`, target the Target column (its span set when the
/// target's name occurs in the tweet, ignoring ASCII case), stance FAVOR/AGAINST/NONE as
/// favor/against/neutral and sentiment POSITIVE/NEGATIVE/NEITHER as positive/negative/neutral.
pub fn read(path: &Path) -> Result<Loaded<StanceExample>, DataError> {
    let (records, mut skipped) = records(path)?;
    let mut rows = Vec::with_capacity(records.len());
    for (line, r) in records {
        let (stance, sentiment) = match (r.stance, r.sentiment) {
            (Ok(stance), Ok(sentiment)) => (stance, sentiment),
            (Err(reason), _) | (_, Err(reason)) => {
                skipped.push(skip(path, line, reason));
                continue;
            }
        };
        rows.push(StanceExample {
            target_span: find_ignore_ascii_case(&r.tweet, &r.target),
            id: r.id,
            doc: String::new(),
            text: r.tweet,
            context: String::new(),
            holder: AUTHOR.to_owned(),
            holder_span: None,
            target: r.target,
            stance: Some(stance),
            sentiment: Some(sentiment),
            source: "semeval".to_owned(),
        });
    }
    Ok(Loaded { rows, skipped })
}

/// Read the tweets with their Sentiment column (POSITIVE/NEGATIVE/NEITHER).
pub fn read_sentiment(path: &Path) -> Result<Loaded<SentimentExample>, DataError> {
    let (records, mut skipped) = records(path)?;
    let mut rows = Vec::with_capacity(records.len());
    for (line, r) in records {
        match r.sentiment {
            Ok(label) => rows.push(SentimentExample {
                id: r.id,
                text: r.tweet,
                label,
                source: "semeval".to_owned(),
            }),
            Err(reason) => skipped.push(skip(path, line, reason)),
        }
    }
    Ok(Loaded { rows, skipped })
}

type Records = (Vec<(usize, Record)>, Vec<Skipped>);

fn records(path: &Path) -> Result<Records, DataError> {
    let bytes = input::read_bytes(path)?;
    let stem = input::file_stem(path);
    let mut lines = input::lines(&bytes);
    let header = lines
        .next()
        .map(|(_, h)| input::utf8_or_cp1252(h))
        .unwrap_or_default();
    if !header.split('\t').map(str::trim).eq(HEADER) {
        return Err(DataError::format(
            path,
            FORMAT,
            format!("expected the header '{}'", HEADER.join("<TAB>")),
        ));
    }
    let mut records = Vec::new();
    let mut skipped = Vec::new();
    for (number, line) in lines {
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let line = input::utf8_or_cp1252(line);
        let fields: Vec<&str> = line.split('\t').collect();
        let [id, target, tweet, stance, _towards, sentiment] = fields[..] else {
            skipped.push(skip(
                path,
                number,
                format!("expected 6 tab-separated fields, found {}", fields.len()),
            ));
            continue;
        };
        let (id, target) = (id.trim(), target.trim());
        if id.is_empty() || target.is_empty() || tweet.trim().is_empty() {
            skipped.push(skip(path, number, "empty ID, Target or Tweet field"));
            continue;
        }
        records.push((
            number,
            Record {
                id: format!("{stem}:{id}"),
                target: target.to_owned(),
                tweet: tweet.to_owned(),
                stance: parse_stance(stance),
                sentiment: parse_sentiment(sentiment),
            },
        ));
    }
    Ok((records, skipped))
}

fn parse_stance(s: &str) -> Result<Stance, String> {
    match s.trim() {
        "FAVOR" => Ok(Stance::Favor),
        "AGAINST" => Ok(Stance::Against),
        "NONE" => Ok(Stance::Neutral),
        other => Err(format!(
            "unknown stance '{other}'; expected FAVOR, AGAINST, NONE"
        )),
    }
}

fn parse_sentiment(s: &str) -> Result<Sentiment, String> {
    match s.trim() {
        "POSITIVE" => Ok(Sentiment::Positive),
        "NEGATIVE" => Ok(Sentiment::Negative),
        "NEITHER" => Ok(Sentiment::Neutral),
        other => Err(format!(
            "unknown sentiment '{other}'; expected POSITIVE, NEGATIVE, NEITHER"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::test_support::{fixture, shared_data, top_reasons};

    const HEAD: &[u8] = b"ID\tTarget\tTweet\tStance\tOpinion towards\tSentiment\r\n";

    #[test]
    fn cp1252_lines_are_decoded_and_utf8_lines_kept() {
        let mut bytes = HEAD.to_vec();
        bytes.extend_from_slice(b"1\tHillary Clinton\t\x93Go hillary clinton\x94 caf\xe9 #SemST\tFAVOR\tTARGET\tPOSITIVE\r\n");
        bytes.extend_from_slice(
            "2\tAtheism\tGod is café ☕\tAGAINST\tOTHER\tNEITHER\r\n".as_bytes(),
        );
        let (_dir, path) = fixture("trainingdata.txt", &bytes);
        let got = read(&path).unwrap();
        assert!(got.skipped.is_empty(), "{:?}", got.skipped);
        let (a, b) = (&got.rows[0], &got.rows[1]);
        assert_eq!(a.text, "\u{201C}Go hillary clinton\u{201D} café #SemST");
        let (s, e) = a.target_span.unwrap();
        assert_eq!(&a.text[s..e], "hillary clinton");
        assert_eq!(
            (a.stance, a.sentiment),
            (Some(Stance::Favor), Some(Sentiment::Positive))
        );
        assert_eq!(
            (a.holder.as_str(), a.id.as_str()),
            (AUTHOR, "trainingdata:1")
        );
        assert_eq!(b.text, "God is café ☕");
        assert_eq!(b.target_span, None);
        assert_eq!(
            (b.stance, b.sentiment),
            (Some(Stance::Against), Some(Sentiment::Neutral))
        );
    }

    #[test]
    fn malformed_rows_are_skipped_and_a_wrong_header_is_an_error() {
        let mut bytes = HEAD.to_vec();
        bytes.extend_from_slice(b"1\tAtheism\ttweet\tFAVOUR\tTARGET\tPOSITIVE\r\n");
        bytes.extend_from_slice(b"2\tAtheism\ttweet\tNONE\tTARGET\r\n");
        bytes.extend_from_slice(b"3\tAtheism\ttweet\tNONE\tTARGET\tMEH\r\n");
        bytes.extend_from_slice(b"4\tAtheism\ttweet\tNONE\tNO ONE\tNEGATIVE\r\n");
        let (_dir, path) = fixture("t.txt", &bytes);
        let got = read(&path).unwrap();
        assert_eq!(got.rows.len(), 1);
        assert_eq!(got.rows[0].stance, Some(Stance::Neutral));
        let lines: Vec<_> = got.skipped.iter().map(|s| s.line).collect();
        assert_eq!(lines, [3, 2, 4]);
        assert!(got.skipped[1].reason.contains("unknown stance 'FAVOUR'"));
        let sentiment = read_sentiment(&path).unwrap();
        assert_eq!(sentiment.rows.len(), 2);
        assert_eq!(sentiment.skipped.len(), 2);

        let (_dir, path) = fixture("bad.txt", b"id,target,tweet\n");
        let err = read(&path).unwrap_err().to_string();
        assert!(
            err.contains("bad.txt is not a SemEval-2016 Task 6 file"),
            "{err}"
        );
    }

    #[test]
    fn real_semeval_files_have_the_documented_counts() {
        // rows, stance AGAINST/FAVOR/NONE, sentiment NEG/POS/NEITHER
        let files = [
            (
                "trialdata-all-annotations.txt",
                100,
                [53, 22, 25],
                [62, 35, 3],
            ),
            (
                "trainingdata-all-annotations.txt",
                2814,
                [1342, 731, 741],
                [1700, 928, 186],
            ),
            (
                "testdata-taskA-all-annotations.txt",
                1249,
                [715, 304, 230],
                [791, 368, 90],
            ),
            (
                "testdata-taskB-all-annotations.txt",
                707,
                [299, 148, 260],
                [481, 193, 33],
            ),
        ];
        let Some(dir) = shared_data("semeval2016_task6") else {
            return;
        };
        for (rel, n, stances, sentiments) in files {
            let path = dir.join(rel);
            let got = read(&path).unwrap();
            let spans = got.rows.iter().filter(|r| r.target_span.is_some()).count();
            eprintln!(
                "{rel}: {} rows ({spans} with a target span), {} skipped {:?}",
                got.rows.len(),
                got.skipped.len(),
                top_reasons(&got.skipped)
            );
            assert_eq!(got.rows.len(), n, "{rel}");
            assert!(got.skipped.is_empty(), "{rel}");
            let st = |s| got.rows.iter().filter(|r| r.stance == Some(s)).count();
            assert_eq!(
                [st(Stance::Against), st(Stance::Favor), st(Stance::Neutral)],
                stances
            );
            let sentiment = read_sentiment(&path).unwrap();
            let se = |s| sentiment.rows.iter().filter(|r| r.label == s).count();
            assert_eq!(
                [
                    se(Sentiment::Negative),
                    se(Sentiment::Positive),
                    se(Sentiment::Neutral)
                ],
                sentiments
            );
            for row in &got.rows {
                if let Some((s, e)) = row.target_span {
                    assert!(row.text.get(s..e).is_some(), "{}", row.id);
                }
            }
        }
    }
}
