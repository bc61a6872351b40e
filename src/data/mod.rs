//! Dataset adapters: our annotated JSONL and the public formats in `../shared/data`, read in
//! place into plain example types shared by training and evaluation.

pub mod annotated;
pub mod brat;
pub mod conll;
pub mod directed;
mod error;
mod input;
pub mod newsmtsc;
pub mod persent;
pub mod pstance;
pub mod semeval;
mod spans;
pub mod tweeteval;

pub use error::DataError;

use crate::labels::{Sentiment, Stance};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::str::FromStr;

/// One (sentence, holder, target) example for the stance model.
///
/// Offsets are byte offsets into `text` (half-open). `holder` is a name, `author` for narration,
/// or `unspecified` when the dataset does not say whose view the label is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StanceExample {
    pub id: String,
    /// The document the sentence comes from ("" when the dataset has none).
    pub doc: String,
    pub text: String,
    /// The preceding sentence, or "".
    pub context: String,
    pub holder: String,
    /// Where the holder is mentioned in `text`, when it is.
    pub holder_span: Option<(usize, usize)>,
    /// The target's canonical name (or the topic, for tweet stance data).
    pub target: String,
    /// Where the target is mentioned in `text`; `None` when the target is a topic not named in it.
    pub target_span: Option<(usize, usize)>,
    pub stance: Option<Stance>,
    pub sentiment: Option<Sentiment>,
    /// Which adapter produced the row ("newsmtsc", "directed", ...), for mixing and breakdowns.
    pub source: String,
}

/// One sentence labelled with its sentiment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SentimentExample {
    pub id: String,
    pub text: String,
    pub label: Sentiment,
    pub source: String,
}

/// One sentence of pre-tokenized words with BIO2 tags (`O`, `B-PER`, `I-PER`, ...).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NerSentence {
    pub id: String,
    pub words: Vec<String>,
    pub tags: Vec<String>,
}

/// A row the adapter could not read: kept, counted and reported, never silently dropped.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Skipped {
    pub file: String,
    pub line: usize,
    pub reason: String,
}

/// What an adapter returns: the rows it read and the rows it skipped with reasons.
#[derive(Debug, Clone, PartialEq)]
pub struct Loaded<T> {
    pub rows: Vec<T>,
    pub skipped: Vec<Skipped>,
}

impl<T> Default for Loaded<T> {
    fn default() -> Self {
        Loaded {
            rows: Vec::new(),
            skipped: Vec::new(),
        }
    }
}

impl<T> Loaded<T> {
    /// Add another file's rows and skips after this one's.
    pub fn append(&mut self, mut other: Loaded<T>) {
        self.rows.append(&mut other.rows);
        self.skipped.append(&mut other.skipped);
    }
}

/// The dataset formats the adapters read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DataFormat {
    /// Our annotated samples (`annotated`).
    Jsonl,
    Newsmtsc,
    Directed,
    Semeval,
    Tweeteval,
    Pstance,
    Persent,
    Conll,
    /// Attribution relations in brat standoff, PolNeAR's layout (`brat`).
    Brat,
}

impl DataFormat {
    pub const ALL: &'static [DataFormat] = &[
        DataFormat::Jsonl,
        DataFormat::Newsmtsc,
        DataFormat::Directed,
        DataFormat::Semeval,
        DataFormat::Tweeteval,
        DataFormat::Pstance,
        DataFormat::Persent,
        DataFormat::Conll,
        DataFormat::Brat,
    ];

    pub fn name(self) -> &'static str {
        match self {
            DataFormat::Jsonl => "jsonl",
            DataFormat::Newsmtsc => "newsmtsc",
            DataFormat::Directed => "directed",
            DataFormat::Semeval => "semeval",
            DataFormat::Tweeteval => "tweeteval",
            DataFormat::Pstance => "pstance",
            DataFormat::Persent => "persent",
            DataFormat::Conll => "conll",
            DataFormat::Brat => "brat",
        }
    }

    /// The valid names, comma separated, for messages.
    pub fn choices() -> String {
        Self::ALL
            .iter()
            .map(|f| f.name())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

impl fmt::Display for DataFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for DataFormat {
    type Err = DataError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let lower = s.trim().to_ascii_lowercase();
        Self::ALL
            .iter()
            .copied()
            .find(|f| f.name() == lower)
            .ok_or_else(|| DataError::Unknown {
                what: "data format",
                value: s.to_owned(),
                expected: Self::choices(),
            })
    }
}

/// Recognise a dataset by its shape: the folder layout (TweetEval, P-Stance), else the first
/// line of the file (a header, a JSON object's keys, a CoNLL token line, a bracketed TSV row).
pub fn detect_format(path: &Path) -> Result<DataFormat, DataError> {
    let undetected = |reason: &str| DataError::Undetected {
        path: path.to_path_buf(),
        reason: reason.to_owned(),
    };
    let meta = std::fs::metadata(path).map_err(|e| DataError::io(path, e))?;
    if meta.is_dir() {
        if tweeteval::is_tweeteval_dir(path) {
            return Ok(DataFormat::Tweeteval);
        }
        if pstance::is_pstance_dir(path) {
            return Ok(DataFormat::Pstance);
        }
        if brat::is_brat_dir(path) {
            return Ok(DataFormat::Brat);
        }
        return Err(undetected(
            "the folder is neither a TweetEval folder, one with P-Stance raw_<split>_<target>.csv \
             files, nor a brat attribution folder (text/ and attributions/)",
        ));
    }
    let name = input::file_name(path);
    if name.ends_with("_text.txt") || name.ends_with("_labels.txt") {
        return Err(undetected(
            "it looks like one TweetEval file; pass its folder, which holds the text and label files",
        ));
    }
    let first = first_line(path)?;
    let first = first.trim_end_matches(['\r', '\n']);
    if first.starts_with('{') {
        let object: serde_json::Map<String, serde_json::Value> = serde_json::from_str(first)
            .map_err(|_| {
                undetected("its first line starts like JSON but is not one JSON object")
            })?;
        let has = |k: &str| object.contains_key(k);
        if has("sentence_normalized") && has("targets") {
            return Ok(DataFormat::Newsmtsc);
        }
        if has("text") && has("speaker") && has("actor") {
            return Ok(DataFormat::Jsonl);
        }
        return Err(undetected(
            "its first JSON object has neither NewsMTSC keys (sentence_normalized, targets) nor \
             annotated-sample keys (text, speaker, actor)",
        ));
    }
    if first.starts_with("ID\tTarget\tTweet\t") {
        return Ok(DataFormat::Semeval);
    }
    if first.starts_with("Tweet,Target,Stance") {
        return Ok(DataFormat::Pstance);
    }
    if first.starts_with("DOCUMENT_INDEX,") && first.contains("TRUE_SENTIMENT") {
        return Ok(DataFormat::Persent);
    }
    if first.starts_with("-DOCSTART-") || conll::is_token_line(first) {
        return Ok(DataFormat::Conll);
    }
    if directed::is_row(first) {
        return Ok(DataFormat::Directed);
    }
    Err(undetected(
        "its first line matches none of the known headers or row shapes",
    ))
}

/// The first non-empty line of a file (at most 4 MiB of it), decoded leniently.
fn first_line(path: &Path) -> Result<String, DataError> {
    let file = std::fs::File::open(path).map_err(|e| DataError::io(path, e))?;
    let mut reader = BufReader::new(file).take(4 << 20);
    let mut line = Vec::new();
    loop {
        line.clear();
        let n = reader
            .read_until(b'\n', &mut line)
            .map_err(|e| DataError::io(path, e))?;
        let bytes = line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&line);
        if n == 0 || !bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(input::utf8_or_cp1252(bytes));
        }
    }
}

#[cfg(test)]
pub(crate) mod test_support {
    //! Helpers for adapter tests: inline fixtures in temp files, and the shared real data.
    use std::io::Write;
    use std::path::PathBuf;

    /// A temp file holding `bytes`, named `name` (adapters read names and extensions).
    pub(crate) fn fixture(name: &str, bytes: &[u8]) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join(name);
        let mut file = std::fs::File::create(&path).expect("temp file");
        file.write_all(bytes).expect("write temp file");
        (dir, path)
    }

    /// The folder of one licensed dataset, `<CARGO_MANIFEST_DIR>/../shared/data/<dataset>`; when
    /// it is absent (as on CI, which has no `../shared`), `None` after a visible skip line. A file
    /// missing inside a present dataset is the test's failure, not a skip.
    pub(crate) fn shared_data(dataset: &str) -> Option<PathBuf> {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/data")
            .join(dataset);
        if path.is_dir() {
            Some(path)
        } else {
            crate::testing::skip(
                &format!("{} is absent", path.display()),
                "the real-data checks need the licensed datasets beside the repository \
                 (README, Testing)",
            );
            None
        }
    }

    /// The most frequent skip reasons, with the quoted specifics dropped so reasons group.
    pub(crate) fn top_reasons(skipped: &[super::Skipped]) -> Vec<(String, usize)> {
        let mut counts = std::collections::BTreeMap::<String, usize>::new();
        for s in skipped {
            let general: String = s
                .reason
                .split('\'')
                .enumerate()
                .map(|(i, part)| if i % 2 == 1 { "…" } else { part })
                .collect::<Vec<_>>()
                .join("'");
            *counts.entry(general).or_default() += 1;
        }
        let mut counts: Vec<_> = counts.into_iter().collect();
        counts.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        counts.truncate(5);
        counts
    }
}

#[cfg(test)]
mod tests {
    use super::test_support::fixture;
    use super::*;

    #[test]
    fn format_names_parse_and_unknown_names_list_the_choices() {
        assert_eq!(
            "NewsMTSC".parse::<DataFormat>().unwrap(),
            DataFormat::Newsmtsc
        );
        for f in DataFormat::ALL {
            assert_eq!(f.name().parse::<DataFormat>().unwrap(), *f);
        }
        let err = "csv".parse::<DataFormat>().unwrap_err().to_string();
        assert!(err.contains("unknown data format 'csv'"), "{err}");
        assert!(
            err.contains("jsonl, newsmtsc, directed, semeval, tweeteval, pstance, persent, conll"),
            "{err}"
        );
    }

    #[test]
    fn detect_format_recognises_each_file_shape() {
        let cases: &[(&str, &[u8], DataFormat)] = &[
            (
                "a.jsonl",
                b"{\"primary_gid\":\"g\",\"sentence_normalized\":\"s\",\"targets\":[]}\n",
                DataFormat::Newsmtsc,
            ),
            (
                "b.jsonl",
                b"\n{\"id\":\"1\",\"text\":\"t\",\"speaker\":\"a\",\"actor\":\"b\"}\n",
                DataFormat::Jsonl,
            ),
            (
                "c.txt",
                b"ID\tTarget\tTweet\tStance\tOpinion towards\tSentiment\r\n",
                DataFormat::Semeval,
            ),
            ("d.csv", b"Tweet,Target,Stance\n", DataFormat::Pstance),
            (
                "e.csv",
                b"DOCUMENT_INDEX,TITLE,TARGET_ENTITY,DOCUMENT,MASKED_DOCUMENT,TRUE_SENTIMENT\r\n",
                DataFormat::Persent,
            ),
            (
                "eng.train",
                b"-DOCSTART- -X- O O\n\nEU NNP I-NP I-ORG\n",
                DataFormat::Conll,
            ),
            ("f.conll", b"EU NNP I-NP B-ORG\n", DataFormat::Conll),
            (
                "train.txt",
                b"[Obama] praised [Merkel].\tObama\tMerkel\t1\n",
                DataFormat::Directed,
            ),
        ];
        for (name, bytes, want) in cases {
            let (_dir, path) = fixture(name, bytes);
            assert_eq!(detect_format(&path).unwrap(), *want, "{name}");
        }
        let (_dir, path) = fixture("x.txt", b"just some prose\n");
        let err = detect_format(&path).unwrap_err().to_string();
        assert!(err.contains("cannot tell the data format"), "{err}");
        assert!(err.contains("x.txt"), "{err}");
    }

    #[test]
    fn detect_format_recognises_folders() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("raw_train_trump.csv"),
            "Tweet,Target,Stance\n",
        )
        .unwrap();
        assert_eq!(detect_format(dir.path()).unwrap(), DataFormat::Pstance);

        let dir = tempfile::tempdir().unwrap();
        let hillary = dir.path().join("stance").join("hillary");
        std::fs::create_dir_all(&hillary).unwrap();
        std::fs::write(hillary.join("train_text.txt"), "t\n").unwrap();
        assert_eq!(detect_format(dir.path()).unwrap(), DataFormat::Tweeteval);
        assert_eq!(detect_format(&hillary).unwrap(), DataFormat::Tweeteval);

        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(
            detect_format(dir.path()),
            Err(DataError::Undetected { .. })
        ));
    }

    #[test]
    fn detect_format_recognises_the_real_files() {
        // Per dataset, paths inside it ("" is the dataset folder itself).
        let cases: [(&str, &[&str], DataFormat); 7] = [
            (
                "newsmtsc",
                &["controller_data/datasets/NewsMTSC-dataset/train.jsonl"],
                DataFormat::Newsmtsc,
            ),
            (
                "directed_sentiment",
                &["dataset/valid.txt"],
                DataFormat::Directed,
            ),
            (
                "semeval2016_task6",
                &["trainingdata-all-annotations.txt"],
                DataFormat::Semeval,
            ),
            (
                "tweeteval",
                &["", "datasets/stance/atheism", "datasets/sentiment"],
                DataFormat::Tweeteval,
            ),
            ("pstance", &["", "raw_val_biden.csv"], DataFormat::Pstance),
            ("persent", &["dev.csv"], DataFormat::Persent),
            ("conll2003_en", &["eng.testa"], DataFormat::Conll),
        ];
        for (dataset, rels, want) in cases {
            let Some(dir) = test_support::shared_data(dataset) else {
                continue;
            };
            for rel in rels {
                let path = if rel.is_empty() {
                    dir.clone()
                } else {
                    dir.join(rel)
                };
                assert_eq!(detect_format(&path).unwrap(), want, "{dataset}/{rel}");
            }
        }
    }
}
