//! TweetEval: stance (SemEval-2016 Task A, five targets, train/val/test) and sentiment
//! (SemEval-2017 Task 4A, val/test only here), as line-aligned `<split>_text.txt` and
//! `<split>_labels.txt` files.

use super::input::{self, skip};
use super::spans::find_ignore_ascii_case;
use super::{DataError, Loaded, SentimentExample, StanceExample};
use crate::labels::{Sentiment, Stance, AUTHOR};
use sha2::{Digest, Sha256};
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// The stance target folders and the topic each one is about.
pub const STANCE_TARGETS: [(&str, &str); 5] = [
    ("abortion", "Legalization of Abortion"),
    ("atheism", "Atheism"),
    ("climate", "Climate Change is a Real Concern"),
    ("feminist", "Feminist Movement"),
    ("hillary", "Hillary Clinton"),
];

/// The splits TweetEval names.
pub const SPLITS: [&str; 3] = ["train", "val", "test"];

/// Read the stance rows of one split (`train`, `val` or `test`): holder `author`, target the
/// folder's topic (span set when the topic occurs in the tweet, ignoring ASCII case), labels
/// 0/1/2 as neutral/against/favor.
///
/// `dir` is one target folder (`.../stance/hillary`) or the stance folder holding all five;
/// the TweetEval root and its `datasets` folder are accepted too.
pub fn read_stance(dir: &Path, split: &str) -> Result<Loaded<StanceExample>, DataError> {
    check_split(split)?;
    let mut out = Loaded::default();
    for (key, topic, folder) in stance_folders(dir, split)? {
        let (text_path, labels_path) = split_files(&folder, split)?;
        for (line, text, label) in aligned(&text_path, &labels_path, &mut out.skipped)? {
            let stance = match label.as_str() {
                "0" => Stance::Neutral,
                "1" => Stance::Against,
                "2" => Stance::Favor,
                other => {
                    out.skipped.push(skip(
                        &labels_path,
                        line,
                        format!("unknown stance label '{other}'; expected 0 (none), 1 (against), 2 (favor)"),
                    ));
                    continue;
                }
            };
            out.rows.push(StanceExample {
                id: format!("tweeteval/stance/{key}/{split}:{line}"),
                doc: String::new(),
                target_span: find_ignore_ascii_case(&text, topic),
                text,
                context: String::new(),
                holder: AUTHOR.to_owned(),
                holder_span: None,
                target: topic.to_owned(),
                stance: Some(stance),
                sentiment: None,
                source: "tweeteval".to_owned(),
            });
        }
    }
    Ok(out)
}

/// Read the sentiment rows of one split, labels 0/1/2 as negative/neutral/positive.
///
/// `dir` is the `sentiment` folder, or the TweetEval root or its `datasets` folder. The train
/// split is absent from `../shared/data` (see its SOURCE.md): carve one from `test` with
/// [`carve_sentiment`].
pub fn read_sentiment(dir: &Path, split: &str) -> Result<Loaded<SentimentExample>, DataError> {
    check_split(split)?;
    let folder = [dir.join("datasets/sentiment"), dir.join("sentiment")]
        .into_iter()
        .find(|d| d.is_dir())
        .unwrap_or_else(|| dir.to_path_buf());
    let (text_path, labels_path) = split_files(&folder, split)?;
    let mut out = Loaded::default();
    for (line, text, label) in aligned(&text_path, &labels_path, &mut out.skipped)? {
        let label = match label.as_str() {
            "0" => Sentiment::Negative,
            "1" => Sentiment::Neutral,
            "2" => Sentiment::Positive,
            other => {
                out.skipped.push(skip(
                    &labels_path,
                    line,
                    format!(
                        "unknown sentiment label '{other}'; expected 0 (negative), 1 (neutral), 2 (positive)"
                    ),
                ));
                continue;
            }
        };
        out.rows.push(SentimentExample {
            id: format!("tweeteval/sentiment/{split}:{line}"),
            text,
            label,
            source: "tweeteval".to_owned(),
        });
    }
    Ok(out)
}

/// A part of the carved TweetEval sentiment data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Carve {
    /// 80% of the rows.
    Train,
    /// 10%.
    Dev,
    /// 10%, never trained or tuned on.
    Heldout,
}

impl Carve {
    pub const ALL: [Carve; 3] = [Carve::Train, Carve::Dev, Carve::Heldout];

    pub fn name(self) -> &'static str {
        match self {
            Carve::Train => "train",
            Carve::Dev => "dev",
            Carve::Heldout => "heldout",
        }
    }

    /// The part a text falls in: the first 8 bytes of its SHA-256, big-endian, modulo 10
    /// (0-7 train, 8 dev, 9 heldout). Stable across runs, platforms and crate versions, and
    /// identical texts always share a part, so duplicates cannot leak across parts.
    pub fn of(text: &str) -> Carve {
        let digest = Sha256::digest(text.as_bytes());
        let mut head = [0u8; 8];
        head.copy_from_slice(&digest[..8]);
        match u64::from_be_bytes(head) % 10 {
            0..=7 => Carve::Train,
            8 => Carve::Dev,
            _ => Carve::Heldout,
        }
    }
}

impl fmt::Display for Carve {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Carve {
    type Err = DataError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let lower = s.trim().to_ascii_lowercase();
        Self::ALL
            .into_iter()
            .find(|p| p.name() == lower)
            .ok_or_else(|| DataError::Unknown {
                what: "carve part",
                value: s.to_owned(),
                expected: "train, dev, heldout".to_owned(),
            })
    }
}

/// The rows of `rows` in `part`, in their original order.
///
/// TweetEval sentiment has no train split here (its `train_text.txt` was not obtained), so we
/// carve the 12,284-row test split 80/10/10 into train, dev and heldout by a hash of the tweet
/// text ([`Carve::of`]), never by position or a random seed. Scores on `heldout` are not
/// comparable to published TweetEval test results, which use the whole test split.
pub fn carve_sentiment(rows: &[SentimentExample], part: Carve) -> Vec<SentimentExample> {
    rows.iter()
        .filter(|r| Carve::of(&r.text) == part)
        .cloned()
        .collect()
}

/// Whether a folder is TweetEval's root, `datasets`, `stance`, `sentiment` or a target folder.
pub(crate) fn is_tweeteval_dir(dir: &Path) -> bool {
    let has_split_files = |d: &Path| {
        SPLITS
            .iter()
            .any(|s| d.join(format!("{s}_text.txt")).is_file())
    };
    [
        "datasets/stance",
        "datasets/sentiment",
        "stance",
        "sentiment",
    ]
    .iter()
    .any(|sub| dir.join(sub).is_dir())
        || STANCE_TARGETS.iter().any(|(key, _)| dir.join(key).is_dir())
        || has_split_files(dir)
}

fn check_split(split: &str) -> Result<(), DataError> {
    if SPLITS.contains(&split) {
        Ok(())
    } else {
        Err(DataError::Unknown {
            what: "TweetEval split",
            value: split.to_owned(),
            expected: SPLITS.join(", "),
        })
    }
}

/// The (key, topic, folder) of each stance target under `dir`, in `STANCE_TARGETS` order.
fn stance_folders(
    dir: &Path,
    split: &str,
) -> Result<Vec<(&'static str, &'static str, PathBuf)>, DataError> {
    let root = [dir.join("datasets/stance"), dir.join("stance")]
        .into_iter()
        .find(|d| d.is_dir())
        .unwrap_or_else(|| dir.to_path_buf());
    let targets = || {
        STANCE_TARGETS
            .iter()
            .map(|(k, _)| *k)
            .collect::<Vec<_>>()
            .join(", ")
    };
    if root.join(format!("{split}_text.txt")).is_file() {
        let name = root
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let (key, topic) = STANCE_TARGETS
            .iter()
            .find(|(k, _)| *k == name)
            .ok_or_else(|| DataError::Unknown {
                what: "TweetEval stance target folder",
                value: name.clone(),
                expected: targets(),
            })?;
        return Ok(vec![(key, topic, root)]);
    }
    if !STANCE_TARGETS
        .iter()
        .any(|(key, _)| root.join(key).is_dir())
    {
        return Err(DataError::Missing {
            path: root.join(format!("{split}_text.txt")),
            hint: format!(
                "pass a TweetEval stance folder (holding {}) or one target folder",
                targets()
            ),
        });
    }
    Ok(STANCE_TARGETS
        .iter()
        .map(|(key, topic)| (*key, *topic, root.join(key)))
        .collect())
}

fn split_files(folder: &Path, split: &str) -> Result<(PathBuf, PathBuf), DataError> {
    let text = folder.join(format!("{split}_text.txt"));
    let labels = folder.join(format!("{split}_labels.txt"));
    for path in [&text, &labels] {
        if !path.is_file() {
            let hint = if split == "train" && folder.ends_with("sentiment") {
                "TweetEval sentiment has no train split in ../shared/data; carve one from the test \
                 split with tweeteval::carve_sentiment"
                    .to_owned()
            } else {
                format!("a TweetEval folder holds {split}_text.txt and {split}_labels.txt")
            };
            return Err(DataError::Missing {
                path: path.clone(),
                hint,
            });
        }
    }
    Ok((text, labels))
}

/// The (line, text, trimmed label) triples of two line-aligned files; a text line that is not
/// UTF-8 is skipped.
fn aligned(
    text_path: &Path,
    labels_path: &Path,
    skipped: &mut Vec<super::Skipped>,
) -> Result<Vec<(usize, String, String)>, DataError> {
    let text = input::read_bytes(text_path)?;
    let labels = input::read_bytes(labels_path)?;
    let (text_lines, label_lines) = (input::lines(&text).count(), input::lines(&labels).count());
    if text_lines != label_lines {
        return Err(DataError::LineCount {
            text: text_path.to_path_buf(),
            text_lines,
            labels: labels_path.to_path_buf(),
            label_lines,
        });
    }
    let mut out = Vec::with_capacity(text_lines);
    for ((line, text), (_, label)) in input::lines(&text).zip(input::lines(&labels)) {
        match input::utf8(text) {
            Ok(text) => {
                let label = String::from_utf8_lossy(label).trim().to_owned();
                out.push((line, text.to_owned(), label));
            }
            Err(reason) => skipped.push(skip(text_path, line, reason)),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::test_support::{shared_data, top_reasons};

    fn write(dir: &Path, rel: &str, text: &str) {
        let path = dir.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    #[test]
    fn stance_reads_one_target_or_all_and_skips_bad_labels() {
        let dir = tempfile::tempdir().unwrap();
        for (key, _) in STANCE_TARGETS {
            write(dir.path(), &format!("stance/{key}/val_text.txt"), "a\nb\n");
            write(
                dir.path(),
                &format!("stance/{key}/val_labels.txt"),
                "0\n2\n",
            );
        }
        write(
            dir.path(),
            "stance/hillary/val_text.txt",
            "Go Hillary Clinton \nmeh\nno\n",
        );
        write(dir.path(), "stance/hillary/val_labels.txt", "2\n7\n1\n");
        let got = read_stance(&dir.path().join("stance/hillary"), "val").unwrap();
        assert_eq!(got.rows.len(), 2);
        let first = &got.rows[0];
        assert_eq!(
            (first.stance, first.target.as_str()),
            (Some(Stance::Favor), "Hillary Clinton")
        );
        assert_eq!(first.target_span, Some((3, 18)));
        assert_eq!(first.id, "tweeteval/stance/hillary/val:1");
        assert_eq!(got.rows[1].stance, Some(Stance::Against));
        assert_eq!(got.skipped.len(), 1);
        assert_eq!(got.skipped[0].line, 2);
        assert!(got.skipped[0].reason.contains("unknown stance label '7'"));

        let all = read_stance(dir.path(), "val").unwrap();
        assert_eq!(all.rows.len(), 4 * 2 + 2);
        assert_eq!(all.rows[0].target, "Legalization of Abortion");
        assert!(read_stance(dir.path(), "dev")
            .unwrap_err()
            .to_string()
            .contains("expected train, val, test"));
        let err = read_stance(dir.path(), "test").unwrap_err();
        assert!(matches!(err, DataError::Missing { .. }), "{err}");
    }

    #[test]
    fn mismatched_text_and_label_counts_are_an_error() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "sentiment/test_text.txt", "a\nb\nc\n");
        write(dir.path(), "sentiment/test_labels.txt", "0\n1\n");
        let err = read_sentiment(dir.path(), "test").unwrap_err().to_string();
        assert!(err.contains("has 3 lines but"), "{err}");
        assert!(err.contains("test_labels.txt has 2"), "{err}");
        let err = read_sentiment(dir.path(), "train").unwrap_err().to_string();
        assert!(err.contains("carve"), "{err}");
    }

    #[test]
    fn sentiment_labels_map_by_name() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "val_text.txt", "bad\nok\ngood\n");
        write(dir.path(), "val_labels.txt", "0\n1\n2\n");
        let got = read_sentiment(dir.path(), "val").unwrap();
        let labels: Vec<_> = got.rows.iter().map(|r| r.label).collect();
        assert_eq!(
            labels,
            [Sentiment::Negative, Sentiment::Neutral, Sentiment::Positive]
        );
        assert_eq!(got.rows[2].id, "tweeteval/sentiment/val:3");
    }

    #[test]
    fn carving_is_deterministic_and_keeps_duplicates_together() {
        let rows: Vec<_> = (0..1000)
            .map(|i| SentimentExample {
                id: i.to_string(),
                text: format!("tweet {}", i % 900),
                label: Sentiment::Neutral,
                source: "t".to_owned(),
            })
            .collect();
        let parts: Vec<_> = Carve::ALL
            .iter()
            .map(|&p| carve_sentiment(&rows, p))
            .collect();
        assert_eq!(parts.iter().map(Vec::len).sum::<usize>(), 1000);
        assert!((700..900).contains(&parts[0].len()), "{}", parts[0].len());
        assert_eq!(carve_sentiment(&rows, Carve::Dev), parts[1]);
        for i in 0..100 {
            assert_eq!(Carve::of(&rows[i].text), Carve::of(&rows[i + 900].text));
        }
        // Pinned to Python's int.from_bytes(sha256(text)[:8], "big") % 10 = 2, 8, 9: a change
        // here would silently reshuffle every carved split.
        let pinned: Vec<_> = ["hello", "tweet 6", "tweet 7"]
            .into_iter()
            .map(Carve::of)
            .collect();
        assert_eq!(pinned, [Carve::Train, Carve::Dev, Carve::Heldout]);
        assert_eq!("Heldout".parse::<Carve>().unwrap(), Carve::Heldout);
        assert!("test".parse::<Carve>().is_err());
    }

    #[test]
    fn real_tweeteval_files_have_the_documented_counts() {
        let Some(root) = shared_data("tweeteval") else {
            return;
        };
        // none/against/favor per target and split, from SOURCE.md
        let table: [(&str, [[usize; 3]; 3]); 5] = [
            ("abortion", [[159, 319, 109], [18, 36, 12], [45, 189, 46]]),
            ("atheism", [[105, 273, 83], [12, 31, 9], [28, 160, 32]]),
            ("climate", [[151, 13, 191], [17, 2, 21], [35, 11, 123]]),
            ("feminist", [[113, 295, 189], [13, 33, 21], [44, 183, 58]]),
            ("hillary", [[160, 354, 106], [18, 39, 12], [78, 172, 45]]),
        ];
        for (i, split) in SPLITS.iter().enumerate() {
            let all = read_stance(&root, split).unwrap();
            eprintln!(
                "stance {split}: {} rows, {} skipped {:?}",
                all.rows.len(),
                all.skipped.len(),
                top_reasons(&all.skipped)
            );
            assert!(all.skipped.is_empty());
            let total: usize = table.iter().map(|(_, c)| c[i].iter().sum::<usize>()).sum();
            assert_eq!(all.rows.len(), total, "{split}");
            for (key, counts) in &table {
                let one = read_stance(&root.join("datasets/stance").join(key), split).unwrap();
                let c = |s| one.rows.iter().filter(|r| r.stance == Some(s)).count();
                assert_eq!(
                    [c(Stance::Neutral), c(Stance::Against), c(Stance::Favor)],
                    counts[i],
                    "{key} {split}"
                );
            }
        }
        for (split, counts) in [("val", [312, 869, 819]), ("test", [3972, 5937, 2375])] {
            let got = read_sentiment(&root, split).unwrap();
            eprintln!(
                "sentiment {split}: {} rows, {} skipped",
                got.rows.len(),
                got.skipped.len()
            );
            let c = |s| got.rows.iter().filter(|r| r.label == s).count();
            assert_eq!(
                [
                    c(Sentiment::Negative),
                    c(Sentiment::Neutral),
                    c(Sentiment::Positive)
                ],
                counts
            );
            if split == "test" {
                assert_eq!(got.rows.len(), 12284);
                let sizes: Vec<_> = Carve::ALL
                    .iter()
                    .map(|&p| carve_sentiment(&got.rows, p).len())
                    .collect();
                eprintln!("carved test: train/dev/heldout = {sizes:?}");
                assert_eq!(sizes.iter().sum::<usize>(), 12284);
                assert!(
                    sizes[0] > 9500 && sizes[1] > 1100 && sizes[2] > 1100,
                    "{sizes:?}"
                );
            }
        }
    }
}
