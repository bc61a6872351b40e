//! The training mixes and test sets of the three shipped models, read in place from
//! `../shared/data` (and our own annotated dev split) through the dataset adapters.
//!
//! Why this mix (also in the model cards):
//! - stance: NewsMTSC train with holder `unspecified` (it labels the sentence's sentiment toward a
//!   target, not a holder's stance); directed_sentiment in both directions (the same sentence with
//!   two holders and different stances: this is what makes the holder count), plus `author` rows
//!   that are neutral toward the target of a reported stance (wire narration reports, it does not
//!   take sides); TweetEval stance train (holder `author`, the tweet's writer); 15% of
//!   P-Stance train (more of it would swamp the news data); our annotated dev split, twice.
//! - sentiment: SemEval-2016 sentiment (trial + train), TweetEval sentiment val and the train part
//!   we carve from its test file (it has no train split).
//! - actors: CoNLL-2003 train, BIO2.

use crate::data::{self, Loaded, NerSentence, SentimentExample, StanceExample};
use crate::labels::{LabelSet, Sentiment, Stance, AUTHOR};
use crate::model::encode::{self, StanceInput, Template};
use crate::model::error::{Error, Result};
use crate::model::manifest::Task;
use crate::model::train::{Sample, Target, TrainSet, IGNORE};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use tokenizers::Tokenizer;

/// Labels of the NER model, BIO2 over CoNLL's four types.
pub const NER_LABELS: [&str; 9] = [
    "O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-MISC", "I-MISC",
];

/// A stable pseudo-random fraction in [0, 1) for a key (sha256, not std's seeded hasher).
pub fn stable_fraction(key: &str) -> f64 {
    let d = Sha256::digest(key.as_bytes());
    let v = u64::from_be_bytes([d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7]]);
    (v >> 11) as f64 / (1u64 << 53) as f64
}

/// Where the data lives.
#[derive(Debug, Clone)]
pub struct DataRoots {
    /// `../shared/data`.
    pub shared: PathBuf,
    /// Our annotated samples folder (`evaluation/samples`).
    pub annotated: PathBuf,
    /// How many times our annotated dev rows enter stance training (2 in the shipped recipe).
    pub own_repeat: usize,
}

fn need(path: PathBuf) -> Result<PathBuf> {
    if path.exists() {
        Ok(path)
    } else {
        Err(Error::Invalid(format!(
            "dataset file {} not found; pass --data-root pointing at the shared data folder (default ../shared/data)",
            path.display()
        )))
    }
}

fn report_skipped<T>(what: &str, l: Loaded<T>) -> Vec<T> {
    if !l.skipped.is_empty() {
        tracing::warn!(
            "{what}: skipped {} malformed rows (first: {:?})",
            l.skipped.len(),
            l.skipped.first()
        );
    }
    l.rows
}

/// A named, encoded evaluation set and the raw rows behind it.
pub struct EvalSet<T> {
    pub name: String,
    pub rows: Vec<T>,
}

pub fn stance_input(e: &StanceExample) -> StanceInput<'_> {
    StanceInput {
        holder: &e.holder,
        target: &e.target,
        text: &e.text,
        target_span: e.target_span,
        holder_span: e.holder_span,
        context: &e.context,
    }
}

fn stance_samples(tok: &Tokenizer, t: &Template, rows: &[StanceExample]) -> Result<Vec<Sample>> {
    let labels = Stance::ALL;
    rows.iter()
        .filter_map(|e| e.stance.map(|s| (e, s)))
        .map(|(e, s)| {
            let enc = encode::encode_stance(tok, t, &stance_input(e))?;
            let c = labels.iter().position(|l| *l == s).expect("label in set");
            Ok(Sample {
                enc,
                label: Target::Class(c),
            })
        })
        .collect()
}

pub fn sentiment_samples(
    tok: &Tokenizer,
    t: &Template,
    rows: &[SentimentExample],
) -> Result<Vec<Sample>> {
    rows.iter()
        .map(|e| {
            let enc = encode::encode_sentence(tok, t, &e.text)?;
            let c = Sentiment::ALL
                .iter()
                .position(|l| *l == e.label)
                .expect("label in set");
            Ok(Sample {
                enc,
                label: Target::Class(c),
            })
        })
        .collect()
}

/// Encode CoNLL sentences: the first piece of each word carries its tag, the rest no loss.
pub fn ner_samples(tok: &Tokenizer, t: &Template, rows: &[NerSentence]) -> Result<Vec<Sample>> {
    rows.iter()
        .map(|s| {
            let w = encode::encode_words(tok, t, &s.words)?;
            let mut tags = vec![IGNORE; w.encoded.ids.len()];
            let mut last = None;
            for (pos, word) in w.words.iter().enumerate() {
                if let Some(word) = word {
                    if last != Some(*word) {
                        let tag = s
                            .tags
                            .get(*word as usize)
                            .map(|t| t.as_str())
                            .unwrap_or("O");
                        tags[pos] = NER_LABELS.iter().position(|l| *l == tag).unwrap_or(0);
                        last = Some(*word);
                    }
                }
            }
            Ok(Sample {
                enc: w.encoded,
                label: Target::Tokens(tags),
            })
        })
        .collect()
}

/// The directed_sentiment rows for training: every forward row, reverse rows of lines whose
/// reverse direction carries a stance or whose forward one does (a holder swap, neutral), and
/// a share of `author` rows that are neutral toward the target of a reported stance.
pub fn directed_training_rows(rows: Vec<StanceExample>, author_share: f64) -> Vec<StanceExample> {
    let line_of = |id: &str| {
        id.rsplit_once(':')
            .map(|(l, _)| l.to_string())
            .unwrap_or_default()
    };
    let mut line_has_stance: HashMap<String, bool> = HashMap::new();
    for r in &rows {
        let e = line_has_stance.entry(line_of(&r.id)).or_default();
        *e |= r.stance.is_some_and(|s| s != Stance::Neutral);
    }
    let mut out = Vec::new();
    for r in rows {
        let line = line_of(&r.id);
        let stanced = line_has_stance.get(&line).copied().unwrap_or(false);
        let fwd = r.id.ends_with(":fwd");
        if r.stance.is_some_and(|s| s != Stance::Neutral) && stable_fraction(&r.id) < author_share {
            let mut a = r.clone();
            a.id = format!("{line}:author");
            a.holder = AUTHOR.to_string();
            a.holder_span = None;
            a.stance = Some(Stance::Neutral);
            a.source = "directed-author".into();
            out.push(a);
        }
        if fwd || stanced {
            out.push(r);
        }
    }
    out
}

/// The stance rows of the built-in mix, by source (see the module notes), and the dev rows.
pub struct StanceParts {
    pub newsmtsc: Vec<StanceExample>,
    pub directed: Vec<StanceExample>,
    pub tweeteval: Vec<StanceExample>,
    pub pstance: Vec<StanceExample>,
    /// Our annotated dev split, once (callers repeat it `own_repeat` times).
    pub annotated: Vec<StanceExample>,
    pub dev: Vec<StanceExample>,
}

/// Read the stance sources of the built-in mix.
pub fn stance_parts(roots: &DataRoots) -> Result<StanceParts> {
    let d = &roots.shared;
    let newsmtsc = report_skipped(
        "newsmtsc train",
        data::newsmtsc::read(&need(
            d.join("newsmtsc/controller_data/datasets/NewsMTSC-dataset/train.jsonl"),
        )?)?,
    );
    let directed = directed_training_rows(
        report_skipped(
            "directed train",
            data::directed::read(&need(d.join("directed_sentiment/dataset/train.txt"))?, true)?,
        ),
        0.25,
    );
    let tweeteval = report_skipped(
        "tweeteval stance train",
        data::tweeteval::read_stance(&need(d.join("tweeteval/datasets/stance"))?, "train")?,
    );
    let pstance: Vec<StanceExample> = report_skipped(
        "pstance train",
        data::pstance::read(&need(d.join("pstance"))?, "train")?,
    )
    .into_iter()
    .filter(|r| stable_fraction(&r.id) < 0.15)
    .collect();
    let annotated_path = roots.annotated.join("dev.jsonl");
    let annotated = if annotated_path.exists() {
        report_skipped("annotated dev", data::annotated::read(&annotated_path)?)
    } else {
        Vec::new()
    };
    let mut dev = report_skipped(
        "newsmtsc-rw dev",
        data::newsmtsc::read(&need(
            d.join("newsmtsc/experiments/default/datasets/newsmtsc-rw/dev.jsonl"),
        )?)?,
    );
    dev.extend(report_skipped(
        "tweeteval stance val",
        data::tweeteval::read_stance(&d.join("tweeteval/datasets/stance"), "val")?,
    ));
    dev.extend(
        report_skipped(
            "directed valid",
            data::directed::read(&need(d.join("directed_sentiment/dataset/valid.txt"))?, true)?,
        )
        .into_iter()
        .filter(|r| stable_fraction(&r.id) < 0.4),
    );
    Ok(StanceParts {
        newsmtsc,
        directed,
        tweeteval,
        pstance,
        annotated,
        dev,
    })
}

/// The sentiment rows of the built-in mix: (train, dev, counts by source).
pub fn sentiment_parts(
    roots: &DataRoots,
) -> Result<(
    Vec<SentimentExample>,
    Vec<SentimentExample>,
    serde_json::Value,
)> {
    let d = &roots.shared;
    let mut train = Vec::new();
    let trial = report_skipped(
        "semeval trial",
        data::semeval::read_sentiment(&need(
            d.join("semeval2016_task6/trialdata-all-annotations.txt"),
        )?)?,
    );
    let training = report_skipped(
        "semeval train",
        data::semeval::read_sentiment(&need(
            d.join("semeval2016_task6/trainingdata-all-annotations.txt"),
        )?)?,
    );
    let val = report_skipped(
        "tweeteval sentiment val",
        data::tweeteval::read_sentiment(&need(d.join("tweeteval/datasets/sentiment"))?, "val")?,
    );
    let test = report_skipped(
        "tweeteval sentiment test",
        data::tweeteval::read_sentiment(&d.join("tweeteval/datasets/sentiment"), "test")?,
    );
    let carved_train = data::tweeteval::carve_sentiment(&test, data::tweeteval::Carve::Train);
    let carved_dev = data::tweeteval::carve_sentiment(&test, data::tweeteval::Carve::Dev);
    let counts = serde_json::json!({
        "semeval2016_sentiment_trial+train": trial.len() + training.len(),
        "tweeteval_sentiment_val": val.len(),
        "tweeteval_sentiment_test_carved_train (80%)": carved_train.len(),
    });
    train.extend(trial);
    train.extend(training);
    train.extend(val);
    train.extend(carved_train);
    Ok((train, carved_dev, counts))
}

/// The NER rows of the built-in mix: CoNLL train, and 35% of testa by stable hash as dev.
pub fn ner_parts(roots: &DataRoots) -> Result<(Vec<NerSentence>, Vec<NerSentence>)> {
    let d = &roots.shared;
    let train = report_skipped(
        "conll train",
        data::conll::read(&need(d.join("conll2003_en/eng.train"))?)?,
    );
    let dev: Vec<NerSentence> = report_skipped(
        "conll testa",
        data::conll::read(&need(d.join("conll2003_en/eng.testa"))?)?,
    )
    .into_iter()
    .filter(|s| stable_fraction(&s.id) < 0.35)
    .collect();
    Ok((train, dev))
}

/// Build the training set (train + dev) of `task`.
pub fn training_set(
    task: Task,
    roots: &DataRoots,
    tok: &Tokenizer,
    t: &Template,
) -> Result<TrainSet> {
    match task {
        Task::Stance => {
            let parts = stance_parts(roots)?;
            let mut counts = serde_json::Map::new();
            counts.insert(
                "newsmtsc_train (holder unspecified)".into(),
                parts.newsmtsc.len().into(),
            );
            counts.insert(
                "directed_train (both directions + author-neutral rows)".into(),
                parts.directed.len().into(),
            );
            counts.insert(
                "tweeteval_stance_train (holder author)".into(),
                parts.tweeteval.len().into(),
            );
            counts.insert(
                "pstance_train (15% by stable hash, holder author)".into(),
                parts.pstance.len().into(),
            );
            counts.insert(
                format!("annotated_dev (ours, x{})", roots.own_repeat),
                (parts.annotated.len() * roots.own_repeat).into(),
            );
            let mut train_rows = Vec::new();
            train_rows.extend(parts.newsmtsc);
            train_rows.extend(parts.directed);
            train_rows.extend(parts.tweeteval);
            train_rows.extend(parts.pstance);
            let own_tail = parts.annotated.len() * roots.own_repeat;
            for _ in 0..roots.own_repeat {
                train_rows.extend(parts.annotated.iter().cloned());
            }
            let dev_rows = parts.dev;
            Ok(TrainSet {
                task,
                labels: Stance::ALL.iter().map(|l| l.name().to_string()).collect(),
                train: stance_samples(tok, t, &train_rows)?,
                dev: stance_samples(tok, t, &dev_rows)?,
                own_tail,
                data: serde_json::json!({"train": counts, "dev": "newsmtsc-rw dev + tweeteval stance val + 40% of directed valid (both directions)", "dev_rows": dev_rows.len()}),
                input_template: encode::STANCE_TEMPLATE.to_string(),
            })
        }
        Task::Sentiment => {
            let (train, dev, counts) = sentiment_parts(roots)?;
            Ok(TrainSet {
                task,
                labels: Sentiment::ALL
                    .iter()
                    .map(|l| l.name().to_string())
                    .collect(),
                train: sentiment_samples(tok, t, &train)?,
                own_tail: 0,
                dev: sentiment_samples(tok, t, &dev)?,
                data: serde_json::json!({"train": counts, "dev": "tweeteval sentiment test, carved dev (10%)", "dev_rows": dev.len()}),
                input_template: encode::SENTENCE_TEMPLATE.to_string(),
            })
        }
        Task::Ner => {
            let (train, dev) = ner_parts(roots)?;
            Ok(TrainSet {
                task,
                labels: NER_LABELS.iter().map(|s| s.to_string()).collect(),
                data: serde_json::json!({"train": {"conll2003 eng.train": train.len()}, "dev": "35% of conll2003 eng.testa by stable hash", "dev_rows": dev.len()}),
                train: ner_samples(tok, t, &train)?,
                dev: ner_samples(tok, t, &dev)?,
                own_tail: 0,
                input_template: encode::TOKEN_TEMPLATE.to_string(),
            })
        }
        Task::Attribution => {
            let read = |split: &str| attribution_articles(roots, split);
            let (train, dev) = (read("train")?, read("dev")?);
            attribution_set(
                tok,
                t,
                &train,
                &dev,
                serde_json::json!({
                    "train": {"polnear train (articles, first annotator)": train.len()},
                    "dev": "polnear dev (articles, first annotator)",
                    "dev_articles": dev.len(),
                }),
            )
        }
        Task::Joint | Task::JointAttribution => Err(Error::Invalid(
            "the joint model and its attribution head have their own training sets".into(),
        )),
    }
}

/// The public test sets each shipped model is scored on (the figures in its manifest).
pub fn stance_test_sets(roots: &DataRoots) -> Result<Vec<EvalSet<StanceExample>>> {
    let d = &roots.shared;
    let mut out = vec![
        EvalSet {
            name: "newsmtsc-rw test".into(),
            rows: report_skipped(
                "rw",
                data::newsmtsc::read(&need(
                    d.join("newsmtsc/experiments/default/datasets/newsmtsc-rw/test.jsonl"),
                )?)?,
            ),
        },
        EvalSet {
            name: "newsmtsc-mt test".into(),
            rows: report_skipped(
                "mt",
                data::newsmtsc::read(&need(
                    d.join("newsmtsc/experiments/default/datasets/newsmtsc-mt/test.jsonl"),
                )?)?,
            ),
        },
        EvalSet {
            name: "tweeteval stance test".into(),
            rows: report_skipped(
                "tweeteval",
                data::tweeteval::read_stance(&need(d.join("tweeteval/datasets/stance"))?, "test")?,
            ),
        },
        EvalSet {
            name: "directed valid".into(),
            rows: report_skipped(
                "directed",
                data::directed::read(&need(d.join("directed_sentiment/dataset/valid.txt"))?, true)?,
            ),
        },
    ];
    let ours = roots.annotated.join("test.jsonl");
    if ours.exists() {
        out.push(EvalSet {
            name: "standpoint annotated test".into(),
            rows: report_skipped("annotated test", data::annotated::read(&ours)?),
        });
    }
    Ok(out)
}

pub fn sentiment_test_sets(roots: &DataRoots) -> Result<Vec<EvalSet<SentimentExample>>> {
    let d = &roots.shared;
    let test = report_skipped(
        "tweeteval sentiment test",
        data::tweeteval::read_sentiment(&need(d.join("tweeteval/datasets/sentiment"))?, "test")?,
    );
    let mut out = vec![
        EvalSet {
            name: "tweeteval sentiment carved held-out (10%)".into(),
            rows: data::tweeteval::carve_sentiment(&test, data::tweeteval::Carve::Heldout),
        },
        EvalSet {
            name: "semeval2016 test A sentiment".into(),
            rows: report_skipped(
                "semeval test",
                data::semeval::read_sentiment(&need(
                    d.join("semeval2016_task6/testdata-taskA-all-annotations.txt"),
                )?)?,
            ),
        },
    ];
    let ours = roots.annotated.join("test.jsonl");
    if ours.exists() {
        let rows = annotated_sentiment(report_skipped(
            "annotated test",
            data::annotated::read(&ours)?,
        ));
        out.push(EvalSet {
            name: "standpoint annotated test (one row per sentence)".into(),
            rows,
        });
    }
    Ok(out)
}

pub fn ner_test_sets(roots: &DataRoots) -> Result<Vec<EvalSet<NerSentence>>> {
    let d = &roots.shared;
    Ok(vec![EvalSet {
        name: "conll2003 testb".into(),
        rows: report_skipped(
            "conll testb",
            data::conll::read(&need(d.join("conll2003_en/eng.testb"))?)?,
        ),
    }])
}

/// Default location of the shared data, beside the project root.
pub fn default_shared_root() -> PathBuf {
    Path::new("../shared/data").to_path_buf()
}

fn label_names<L: LabelSet>() -> Vec<String> {
    L::ALL.iter().map(|l| l.name().to_string()).collect()
}

/// One sentiment row per distinct sentence of annotated (sentence, actor) rows.
pub fn annotated_sentiment(rows: Vec<StanceExample>) -> Vec<SentimentExample> {
    let mut seen = std::collections::HashSet::new();
    rows.into_iter()
        .filter_map(|r| {
            let s = r.sentiment?;
            seen.insert(r.text.clone()).then(|| SentimentExample {
                id: r.id,
                text: r.text,
                label: s,
                source: "annotated".into(),
            })
        })
        .collect()
}

/// PolNeAR's folder under the shared data root.
fn d_attribution(roots: &DataRoots) -> PathBuf {
    roots.shared.join("polnear")
}

/// The PolNeAR articles of `split` (`train` or `dev`), read in place.
pub fn attribution_articles(roots: &DataRoots, split: &str) -> Result<Vec<data::brat::Article>> {
    let dir = need(d_attribution(roots).join(split))?;
    Ok(report_skipped(
        &format!("polnear {split}"),
        data::brat::read(&dir)?,
    ))
}

/// The attribution tagger's set from brat articles: training windows overlap by half, dev
/// windows do not (each dev piece is scored once).
fn attribution_set(
    tok: &Tokenizer,
    t: &Template,
    train: &[data::brat::Article],
    dev: &[data::brat::Article],
    described: serde_json::Value,
) -> Result<TrainSet> {
    use crate::model::attribution;
    let room = t.max_len.saturating_sub(2).max(1);
    Ok(TrainSet {
        task: Task::Attribution,
        labels: attribution::LABELS.iter().map(|s| s.to_string()).collect(),
        train: attribution::samples(tok, t, train, attribution::training_stride(t))?,
        dev: attribution::samples(tok, t, dev, room)?,
        own_tail: 0,
        data: described,
        input_template: attribution::TEMPLATE.to_string(),
    })
}

/// A training set from the user's own files: our annotated JSONL for stance and sentiment,
/// CoNLL columns for NER.
pub fn custom_set(
    task: Task,
    train_path: &Path,
    dev_path: &Path,
    tok: &Tokenizer,
    t: &Template,
) -> Result<TrainSet> {
    let rows = |p: &Path| -> Result<Vec<StanceExample>> { Ok(data::annotated::read(p)?.rows) };
    let described = serde_json::json!({"train": train_path.display().to_string(), "dev": dev_path.display().to_string()});
    let (labels, train, dev, template) =
        match task {
            Task::Stance => (
                label_names::<Stance>(),
                stance_samples(tok, t, &rows(train_path)?)?,
                stance_samples(tok, t, &rows(dev_path)?)?,
                encode::STANCE_TEMPLATE,
            ),
            Task::Sentiment => (
                label_names::<Sentiment>(),
                sentiment_samples(tok, t, &annotated_sentiment(rows(train_path)?))?,
                sentiment_samples(tok, t, &annotated_sentiment(rows(dev_path)?))?,
                encode::SENTENCE_TEMPLATE,
            ),
            Task::Ner => (
                NER_LABELS.iter().map(|s| s.to_string()).collect(),
                ner_samples(tok, t, &data::conll::read(train_path)?.rows)?,
                ner_samples(tok, t, &data::conll::read(dev_path)?.rows)?,
                encode::TOKEN_TEMPLATE,
            ),
            Task::Attribution => {
                let read = |p: &Path| -> Result<Vec<data::brat::Article>> {
                    Ok(report_skipped("brat", data::brat::read(p)?))
                };
                return attribution_set(tok, t, &read(train_path)?, &read(dev_path)?, described);
            }
            Task::Joint | Task::JointAttribution => return Err(Error::Invalid(
                "--train/--dev take one task's data; the joint model trains on the built-in mix"
                    .into(),
            )),
        };
    Ok(TrainSet {
        task,
        labels,
        train,
        dev,
        own_tail: 0,
        data: described,
        input_template: template.to_string(),
    })
}
