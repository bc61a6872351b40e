//! `standpoint eval --data`: read a dataset through its adapter, run the models in one of three
//! modes (pairs, documents, ner) and collect per-row outcomes for the report writer.
//!
//! - `pairs`: the gold sentence, context, holder and mention go straight to the stance model, and
//!   the sentence to the sentiment model: this measures the classifiers alone.
//! - `documents`: the rows of each `doc` are joined in order into a document (one paragraph per
//!   sentence, except that a sentence going on with a quotation stays in the paragraph before; a
//!   row's `context` that is not the sentence before it, a sentence without actors, goes back in
//!   unscored), the whole `classify` pipeline runs on it, and its output is matched to gold by
//!   sentence (largest overlap), canonical actor and holder: this measures what a user gets.
//! - `ner`: entity-level scores on CoNLL-style data.
//! - `attribution`: the whole `classify` pipeline on each article of brat attribution data
//!   (PolNeAR), its per-sentence speakers scored against the gold attributions
//!   ([`crate::eval::attribution`]).

use crate::actors::AliasTable;
use crate::data::{self, DataFormat, Loaded, NerSentence, Skipped, StanceExample};
use crate::document::Document;
use crate::error::{Error, Result};
use crate::eval::attribution::{score_article, AttributionCounts};
use crate::eval::report::{Accuracy, AttributionOutcome, Judged, PairRecord, Prf, ReportInput};
use crate::eval::run::round4;
use crate::labels::{LabelSet, Prediction, Sentiment, Stance, AUTHOR};
use crate::metrics::ratio;
use crate::model::encode;
use crate::model::engine::{self, Engine, Need, Settings};
use crate::model::manifest::Manifest;
use crate::model::mix::stance_input;
use crate::pipeline::{Pipeline, Prepared};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Instant;

/// What to measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Pairs,
    Documents,
    Ner,
    Attribution,
}

impl Mode {
    pub fn name(self) -> &'static str {
        match self {
            Mode::Pairs => "pairs",
            Mode::Documents => "documents",
            Mode::Ner => "ner",
            Mode::Attribution => "attribution",
        }
    }
}

impl FromStr for Mode {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "pairs" => Ok(Mode::Pairs),
            "documents" | "docs" => Ok(Mode::Documents),
            "ner" => Ok(Mode::Ner),
            "attribution" => Ok(Mode::Attribution),
            other => Err(Error::Invalid(format!(
                "unknown eval mode '{other}'; expected pairs, documents, ner, attribution"
            ))),
        }
    }
}

/// Validated settings of one evaluation run.
#[derive(Debug, Clone)]
pub struct EvalSettings {
    pub data: Vec<PathBuf>,
    /// `None` = recognise each input by its shape.
    pub format: Option<DataFormat>,
    /// Split read from folder datasets (TweetEval, P-Stance).
    pub split: String,
    /// `None` = `ner` for CoNLL data, `attribution` for brat data, `pairs` otherwise.
    pub mode: Option<Mode>,
    pub models_dir: PathBuf,
    pub base: Option<PathBuf>,
    /// Gold document summaries (`{"doc","summary":[{"speaker","actor","stance"}]}` rows).
    pub summary: Option<PathBuf>,
    /// Which engine scores (the profile) and how the models run.
    pub models: Settings,
}

/// Rows read from every input, with their skipped rows, and the format of each input.
struct Read {
    stance_rows: Vec<StanceExample>,
    ner_rows: Vec<NerSentence>,
    articles: Vec<data::brat::Article>,
    skipped: Vec<Skipped>,
    formats: Vec<DataFormat>,
}

fn data_err(e: data::DataError) -> Error {
    Error::Invalid(e.to_string())
}

fn read_inputs(s: &EvalSettings) -> Result<Read> {
    let mut out = Read {
        stance_rows: Vec::new(),
        ner_rows: Vec::new(),
        articles: Vec::new(),
        skipped: Vec::new(),
        formats: Vec::new(),
    };
    for path in &s.data {
        if !path.exists() {
            return Err(Error::Invalid(format!(
                "{}: no such file or folder; pass --data with an annotated JSONL file or a dataset \
                 from ../shared/data",
                path.display()
            )));
        }
        let format = match s.format {
            Some(f) => f,
            None => data::detect_format(path).map_err(data_err)?,
        };
        out.formats.push(format);
        let mut stance = |l: Loaded<StanceExample>| {
            out.stance_rows.extend(l.rows);
            out.skipped.extend(l.skipped);
        };
        match format {
            DataFormat::Jsonl => stance(data::annotated::read(path).map_err(data_err)?),
            DataFormat::Newsmtsc => stance(data::newsmtsc::read(path).map_err(data_err)?),
            DataFormat::Directed => stance(data::directed::read(path, true).map_err(data_err)?),
            DataFormat::Semeval => stance(data::semeval::read(path).map_err(data_err)?),
            DataFormat::Pstance => stance(data::pstance::read(path, &s.split).map_err(data_err)?),
            DataFormat::Persent => stance(data::persent::read(path).map_err(data_err)?),
            DataFormat::Tweeteval => {
                if is_sentiment_folder(path) {
                    // `heldout`: the 10% of the test split that sentiment training never saw
                    // (see `data::tweeteval::carve_sentiment`).
                    let heldout = s.split == "heldout";
                    let split = if heldout { "test" } else { s.split.as_str() };
                    let mut l = data::tweeteval::read_sentiment(path, split).map_err(data_err)?;
                    if heldout {
                        l.rows = data::tweeteval::carve_sentiment(
                            &l.rows,
                            data::tweeteval::Carve::Heldout,
                        );
                    }
                    out.skipped.extend(l.skipped);
                    out.stance_rows
                        .extend(l.rows.into_iter().map(|r| StanceExample {
                            id: r.id,
                            doc: String::new(),
                            text: r.text,
                            context: String::new(),
                            holder: AUTHOR.to_string(),
                            holder_span: None,
                            target: String::new(),
                            target_span: None,
                            stance: None,
                            sentiment: Some(r.label),
                            source: r.source,
                        }));
                } else {
                    stance(data::tweeteval::read_stance(path, &s.split).map_err(data_err)?)
                }
            }
            DataFormat::Conll => {
                let l = data::conll::read(path).map_err(data_err)?;
                out.ner_rows.extend(l.rows);
                out.skipped.extend(l.skipped);
            }
            DataFormat::Brat => {
                let l = data::brat::read(path).map_err(data_err)?;
                out.articles.extend(l.rows);
                out.skipped.extend(l.skipped);
            }
        }
    }
    Ok(out)
}

/// A TweetEval sentiment folder (`.../sentiment`), as opposed to the stance one.
fn is_sentiment_folder(path: &Path) -> bool {
    path.components()
        .next_back()
        .is_some_and(|c| c.as_os_str() == "sentiment")
        || path.join("datasets/sentiment").is_dir() && !path.join("datasets/stance").is_dir()
}

fn label_index<L: LabelSet>(l: L) -> usize {
    L::ALL.iter().position(|x| *x == l).expect("label in set")
}

fn judged<L: LabelSet>(gold: L, p: &Prediction<L>) -> Judged {
    let probs = L::ALL
        .iter()
        .map(|l| {
            p.scores
                .iter()
                .find(|(x, _)| x == l)
                .map(|(_, s)| *s)
                .unwrap_or(0.0)
        })
        .collect();
    Judged {
        gold: label_index(gold),
        pred: label_index(p.label),
        probs,
    }
}

fn names<L: LabelSet>() -> Vec<String> {
    L::ALL.iter().map(|l| l.name().to_string()).collect()
}

/// The type of a gold actor by the alias table: state, organisation, group, or person/unknown.
fn actor_type(table: &AliasTable, actor: &str, source: &str) -> String {
    if actor.is_empty() {
        return "none".into();
    }
    match table.lookup(actor) {
        Some(a) => a.kind.as_str().to_string(),
        // Tweet stance targets are topics and people ("Hillary Clinton", "Atheism").
        None if source == "tweeteval" || source == "semeval" || source == "pstance" => {
            "topic".into()
        }
        None => {
            let capitalised = actor
                .split_whitespace()
                .all(|w| w.chars().next().is_some_and(char::is_uppercase));
            if capitalised && actor.split_whitespace().count() >= 2 {
                "person".into()
            } else {
                "unknown".into()
            }
        }
    }
}

/// The manifests of the models a run used: name, base model and revision, weights sha256.
fn model_info(models_dir: &Path, tasks: &[&str]) -> serde_json::Value {
    let mut out = serde_json::Map::new();
    for t in tasks {
        let path = models_dir.join(t).join("manifest.json");
        let v = match Manifest::read(&path) {
            Ok(m) => serde_json::json!({
                "name": m.name,
                "path": models_dir.join(t).display().to_string(),
                "base": m.base.repo_id,
                "revision": m.base.revision,
                "weights_sha256": m.weights_sha256,
                "frozen_layers": m.frozen_layers,
            }),
            Err(reason) => serde_json::json!({"error": reason}),
        };
        out.insert(t.to_string(), v);
    }
    serde_json::Value::Object(out)
}

fn skipped_examples(skipped: &[Skipped]) -> Vec<String> {
    skipped
        .iter()
        .take(10)
        .map(|s| format!("{}:{}: {}", s.file, s.line, s.reason))
        .collect()
}

/// Run the evaluation: read the data, run the models, collect the outcomes.
pub fn run(s: &EvalSettings) -> Result<ReportInput> {
    let read = read_inputs(s)?;
    let mode = s.mode.unwrap_or(if !read.stance_rows.is_empty() {
        Mode::Pairs
    } else if !read.ner_rows.is_empty() {
        Mode::Ner
    } else if !read.articles.is_empty() {
        Mode::Attribution
    } else {
        Mode::Pairs
    });
    let format_name = {
        let mut f: Vec<&str> = read.formats.iter().map(|f| f.name()).collect();
        f.dedup();
        f.join("+")
    };
    let mut input = ReportInput {
        mode: mode.name().to_string(),
        data: s.data.iter().map(|p| p.display().to_string()).collect(),
        data_format: format_name,
        n: 0,
        skipped: read.skipped.len(),
        skipped_examples: skipped_examples(&read.skipped),
        model: serde_json::Value::Null,
        stance_labels: names::<Stance>(),
        sentiment_labels: names::<Sentiment>(),
        records: Vec::new(),
        seconds: 0.0,
        actors: None,
        speakers: None,
        summary: None,
        ner: None,
        attribution: None,
        temperatures: Default::default(),
    };
    for sk in read.skipped.iter().take(5) {
        tracing::warn!("skipped {}:{}: {}", sk.file, sk.line, sk.reason);
    }
    match mode {
        Mode::Ner => {
            if read.ner_rows.is_empty() {
                return Err(Error::Invalid(format!(
                    "--mode ner needs CoNLL-style data; {} has no NER sentences",
                    input.data.join(", ")
                )));
            }
            let t = Instant::now();
            let engine = engine::load(&s.models, &s.models_dir, s.base.as_deref(), Need::Tags)?;
            input.model = model_info(&s.models_dir, &engine.folders());
            let words: Vec<&[String]> = read.ner_rows.iter().map(|r| r.words.as_slice()).collect();
            let pred = engine.tag_words(&words)?;
            input.ner = Some(crate::eval::run::score_tags(&pred, &read.ner_rows));
            input.seconds = t.elapsed().as_secs_f64();
            input.n = read.ner_rows.len();
        }
        Mode::Pairs => {
            need_rows(&read, &input)?;
            let engine = engine::load(&s.models, &s.models_dir, s.base.as_deref(), Need::Pairs)?;
            input.model = model_info(&s.models_dir, &engine.folders());
            input.temperatures = temperatures(engine.as_ref());
            let (records, secs) = pairs(engine.as_ref(), &read.stance_rows)?;
            input.n = records.len();
            input.records = records;
            input.seconds = secs;
        }
        Mode::Documents => {
            need_rows(&read, &input)?;
            let pipeline = Pipeline::load_with(&s.models, &s.models_dir, s.base.as_deref())?;
            input.model = model_info(&s.models_dir, &pipeline.folders());
            input.temperatures = temperatures(pipeline.engine.as_ref());
            let gold_summaries = match &s.summary {
                Some(p) => Some(read_summaries(p)?),
                None => None,
            };
            let out = documents(&pipeline, &read.stance_rows, gold_summaries.as_ref())?;
            input.n = out.records.len();
            input.records = out.records;
            input.seconds = out.seconds;
            input.actors = Some(out.actors);
            input.speakers = Some(out.speakers);
            input.summary = out.summary;
        }
        Mode::Attribution => {
            if read.articles.is_empty() {
                return Err(Error::Invalid(format!(
                    "--mode attribution needs brat attribution data (a folder with text/ and \
                     attributions/, as PolNeAR's dev); {} has no articles",
                    input.data.join(", ")
                )));
            }
            let pipeline = Pipeline::load_with(&s.models, &s.models_dir, s.base.as_deref())?;
            input.model = model_info(&s.models_dir, &pipeline.folders());
            let t = Instant::now();
            let prepared: Vec<Prepared> = read
                .articles
                .iter()
                .map(|a| Prepared::new(&a.text))
                .collect();
            let docs = pipeline.classify_prepared(prepared)?;
            input.seconds = t.elapsed().as_secs_f64();
            let mut counts = AttributionCounts::default();
            let mut records = Vec::new();
            for (article, doc) in read.articles.iter().zip(&docs) {
                records.extend(score_article(article, doc, &mut counts));
            }
            input.n = records.len();
            input.attribution = Some(AttributionOutcome { counts, records });
        }
    }
    Ok(input)
}

fn need_rows(read: &Read, input: &ReportInput) -> Result<()> {
    if read.stance_rows.is_empty() {
        return Err(Error::Invalid(format!(
            "{}: no rows to score (skipped {}); check --data-format",
            input.data.join(", "),
            read.skipped.len()
        )));
    }
    Ok(())
}

/// How many distinct gold actors each (doc, sentence) has.
fn actors_per_sentence(rows: &[StanceExample]) -> HashMap<(String, String), usize> {
    let mut sets: HashMap<(String, String), BTreeSet<&str>> = HashMap::new();
    for r in rows {
        if !r.target.is_empty() {
            sets.entry((r.doc.clone(), r.text.clone()))
                .or_default()
                .insert(&r.target);
        }
    }
    sets.into_iter().map(|(k, v)| (k, v.len())).collect()
}

fn mention_of(r: &StanceExample) -> String {
    r.target_span
        .and_then(|(a, b)| r.text.get(a..b))
        .unwrap_or(&r.target)
        .to_string()
}

/// The outcome of one gold row for the report.
fn record(
    table: &AliasTable,
    r: &StanceExample,
    doc: &str,
    actors_in_sentence: usize,
    stance: Option<Judged>,
    sentiment: Option<Judged>,
) -> PairRecord {
    PairRecord {
        id: r.id.clone(),
        doc: doc.to_string(),
        text: r.text.clone(),
        mention: mention_of(r),
        speaker: r.holder.clone(),
        author_speaker: r.holder == AUTHOR,
        actor: r.target.clone(),
        actor_type: actor_type(table, &r.target, &r.source),
        actors_in_sentence,
        stance,
        sentiment,
    }
}

fn pairs(engine: &dyn Engine, rows: &[StanceExample]) -> Result<(Vec<PairRecord>, f64)> {
    let table = AliasTable::builtin();
    let with_stance: Vec<usize> = (0..rows.len())
        .filter(|&i| rows[i].stance.is_some())
        .collect();
    let with_sentiment: Vec<usize> = (0..rows.len())
        .filter(|&i| rows[i].sentiment.is_some())
        .collect();
    let mut secs = 0.0;
    let mut stance_of: HashMap<usize, Prediction<Stance>> = HashMap::new();
    if !with_stance.is_empty() {
        let inputs: Vec<encode::StanceInput> = with_stance
            .iter()
            .map(|&i| stance_input(&rows[i]))
            .collect();
        let t = Instant::now();
        let preds = engine.predict_stance(&inputs)?;
        secs += t.elapsed().as_secs_f64();
        stance_of.extend(with_stance.iter().copied().zip(preds));
    }
    let mut sentiment_of: HashMap<&str, Prediction<Sentiment>> = HashMap::new();
    if !with_sentiment.is_empty() {
        // Rows of one sentence share its sentiment: predict each distinct sentence once.
        let mut texts: Vec<&str> = with_sentiment
            .iter()
            .map(|&i| rows[i].text.as_str())
            .collect();
        texts.sort_unstable();
        texts.dedup();
        let t = Instant::now();
        let preds = engine.predict_sentiment(&texts)?;
        secs += t.elapsed().as_secs_f64();
        sentiment_of.extend(texts.into_iter().zip(preds));
    }
    let per_sentence = actors_per_sentence(rows);
    let mut records = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        let stance = match (r.stance, stance_of.get(&i)) {
            (Some(g), Some(p)) => Some(judged(g, p)),
            _ => None,
        };
        let sentiment = match (r.sentiment, sentiment_of.get(r.text.as_str())) {
            (Some(g), Some(p)) => Some(judged(g, p)),
            _ => None,
        };
        if stance.is_none() && sentiment.is_none() {
            continue;
        }
        let actors = per_sentence
            .get(&(r.doc.clone(), r.text.clone()))
            .copied()
            .unwrap_or(0);
        records.push(record(table, r, &r.doc, actors, stance, sentiment));
    }
    Ok((records, secs))
}

/// The engine's stance and sentiment temperatures, for the report's ECE before calibration.
fn temperatures(engine: &dyn Engine) -> std::collections::BTreeMap<String, f64> {
    ["stance", "sentiment"]
        .into_iter()
        .map(|h| (h.to_string(), f64::from(engine.temperature(h))))
        .filter(|(_, t)| *t != 1.0)
        .collect()
}

/// Entity-level NER scores (each word tagged by its first piece).
/// Gold summaries by document: (speaker, actor) -> stance label.
type GoldSummaries = BTreeMap<String, Vec<(String, String, String)>>;

fn read_summaries(path: &Path) -> Result<GoldSummaries> {
    #[derive(serde::Deserialize)]
    struct Entry {
        speaker: String,
        actor: String,
        stance: String,
    }
    #[derive(serde::Deserialize)]
    struct Row {
        doc: String,
        summary: Vec<Entry>,
    }
    let text = std::fs::read_to_string(path).map_err(|e| Error::Io {
        path: path.to_path_buf(),
        source: e,
    })?;
    let mut out = GoldSummaries::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let row: Row = serde_json::from_str(line).map_err(|e| {
            Error::Invalid(format!(
                "{}:{}: not a summary row ({e}); expected {{\"doc\", \"summary\": [{{\"speaker\", \"actor\", \"stance\"}}]}}",
                path.display(),
                i + 1
            ))
        })?;
        for e in &row.summary {
            if !matches!(e.stance.as_str(), "favor" | "against" | "neutral" | "mixed") {
                return Err(Error::Invalid(format!(
                    "{}:{}: unknown summary stance '{}'; expected favor, against, neutral, mixed",
                    path.display(),
                    i + 1,
                    e.stance
                )));
            }
        }
        out.entry(row.doc).or_default().extend(
            row.summary
                .into_iter()
                .map(|e| (e.speaker, e.actor, e.stance)),
        );
    }
    Ok(out)
}

/// Same name for evaluation purposes: equal ignoring case, or one holds every word of the other
/// ("Asif" and "Khawaja Muhammad Asif"), or both canonicalise to one alias-table actor.
fn same_name(table: &AliasTable, a: &str, b: &str) -> bool {
    let (la, lb) = (a.to_lowercase(), b.to_lowercase());
    if la == lb {
        return true;
    }
    if la == AUTHOR || lb == AUTHOR {
        return false;
    }
    let wa: Vec<&str> = la.split_whitespace().collect();
    let wb: Vec<&str> = lb.split_whitespace().collect();
    let subset = |x: &[&str], y: &[&str]| !x.is_empty() && x.iter().all(|w| y.contains(w));
    if subset(&wa, &wb) || subset(&wb, &wa) {
        return true;
    }
    // A name and its acronym ("BCCI", "Board of Control for Cricket in India").
    let acronym_of = |short: &str, long: &str| {
        short.chars().all(|c| c.is_ascii_uppercase())
            && crate::actors::document_initials(long).as_deref() == Some(short)
    };
    if acronym_of(a, b) || acronym_of(b, a) {
        return true;
    }
    match (table.lookup(a), table.lookup(b)) {
        (Some(x), Some(y)) => x.id == y.id,
        _ => false,
    }
}

struct DocumentsOutcome {
    records: Vec<PairRecord>,
    actors: Prf,
    speakers: Accuracy,
    summary: Option<serde_json::Value>,
    seconds: f64,
}

/// One gold sentence of a joined document: its text, offsets, rows.
struct GoldSentence<'a> {
    start: usize,
    end: usize,
    rows: Vec<&'a StanceExample>,
}

fn documents(
    pipeline: &Pipeline,
    rows: &[StanceExample],
    gold_summaries: Option<&GoldSummaries>,
) -> Result<DocumentsOutcome> {
    let table = AliasTable::builtin();
    // Documents in order of first appearance; sentences in row order, consecutive duplicates merged.
    let mut order: Vec<&str> = Vec::new();
    let mut by_doc: HashMap<&str, Vec<&StanceExample>> = HashMap::new();
    for r in rows {
        let key = if r.doc.is_empty() {
            r.id.as_str()
        } else {
            r.doc.as_str()
        };
        if !by_doc.contains_key(key) {
            order.push(key);
        }
        by_doc.entry(key).or_default().push(r);
    }
    let mut texts: Vec<String> = Vec::with_capacity(order.len());
    let mut golds: Vec<Vec<GoldSentence>> = Vec::with_capacity(order.len());
    for key in &order {
        let mut text = String::new();
        let mut sents: Vec<GoldSentence> = Vec::new();
        for r in &by_doc[key] {
            if let Some(last) = sents.last_mut() {
                if text[last.start..last.end] == *r.text {
                    last.rows.push(r);
                    continue;
                }
            }
            // A sentence seen earlier in the document (rows not grouped) joins that sentence.
            if let Some(prev) = sents.iter_mut().find(|g| text[g.start..g.end] == *r.text) {
                prev.rows.push(r);
                continue;
            }
            // Only annotated sentences have rows, so a sentence without actors is missing from
            // the rows; its follower's `context` still holds it. It goes back into the text,
            // unscored, so that the document reads as written (a speaker named there, a
            // quotation opened there).
            let previous = sents.last().map(|g| &text[g.start..g.end]);
            if !r.context.is_empty() && previous != Some(r.context.as_str()) {
                push_sentence(&mut text, &r.context);
            }
            push_sentence(&mut text, &r.text);
            let start = text.len() - r.text.len();
            sents.push(GoldSentence {
                start,
                end: text.len(),
                rows: vec![r],
            });
        }
        texts.push(text);
        golds.push(sents);
    }
    let t = Instant::now();
    let prepared: Vec<Prepared> = texts.iter().map(|t| Prepared::new(t)).collect();
    let docs = pipeline.classify_prepared(prepared)?;
    let seconds = t.elapsed().as_secs_f64();

    let mut records = Vec::new();
    let (mut tp, mut n_pred, mut n_gold) = (0usize, 0usize, 0usize);
    let (mut speakers_right, mut speakers_n) = (0usize, 0usize);
    let mut summary_found = 0usize;
    let mut summary_agree = 0usize;
    let mut summary_total = 0usize;
    for ((key, doc), gold) in order.iter().zip(&docs).zip(&golds) {
        let owner = align(doc, gold);
        for (g, sentence) in gold.iter().enumerate() {
            let predicted: Vec<usize> = (0..doc.sentences.len())
                .filter(|&p| owner[p] == Some(g))
                .collect();
            // Actor detection, on distinct canonical actors per sentence.
            let gold_actors: BTreeSet<&str> = sentence
                .rows
                .iter()
                .map(|r| r.target.as_str())
                .filter(|a| !a.is_empty())
                .collect();
            let mut pred_actors: Vec<&str> = Vec::new();
            for &p in &predicted {
                for a in &doc.sentences[p].actors {
                    if !pred_actors.iter().any(|x| same_name(table, x, &a.actor)) {
                        pred_actors.push(&a.actor);
                    }
                }
            }
            n_gold += gold_actors.len();
            n_pred += pred_actors.len();
            tp += gold_actors
                .iter()
                .filter(|g| pred_actors.iter().any(|p| same_name(table, g, p)))
                .count();
            // Speaker: the predicted sentence speaker is one of the gold holders.
            speakers_n += 1;
            if let Some(&p) = predicted.first() {
                let speaker = &doc.sentences[p].speaker;
                if sentence
                    .rows
                    .iter()
                    .any(|r| same_name(table, &r.holder, speaker))
                {
                    speakers_right += 1;
                }
            }
            // Stance and sentiment on matched (holder, actor) pairs.
            for r in &sentence.rows {
                let hit = predicted.iter().find_map(|&p| {
                    let s = &doc.sentences[p];
                    s.actors
                        .iter()
                        .find(|a| {
                            same_name(table, &a.actor, &r.target)
                                && same_name(table, &a.holder, &r.holder)
                        })
                        .map(|a| (s, a))
                });
                let Some((s, a)) = hit else { continue };
                let stance = r.stance.and_then(|g| {
                    let p = Stance::parse(&a.stance.label)?;
                    Some(Judged {
                        gold: label_index(g),
                        pred: label_index(p),
                        probs: scores_in_order::<Stance>(&a.stance.scores),
                    })
                });
                let sentiment = r.sentiment.and_then(|g| {
                    let p = Sentiment::parse(&s.sentiment.label)?;
                    Some(Judged {
                        gold: label_index(g),
                        pred: label_index(p),
                        probs: scores_in_order::<Sentiment>(&s.sentiment.scores),
                    })
                });
                records.push(record(table, r, key, gold_actors.len(), stance, sentiment));
            }
        }
        if let Some(entries) = gold_summaries.and_then(|g| g.get(*key)) {
            for (speaker, actor, stance) in entries {
                summary_total += 1;
                let row = doc.summary.iter().find(|r| {
                    same_name(table, &r.speaker, speaker) && same_name(table, &r.actor, actor)
                });
                if let Some(row) = row {
                    summary_found += 1;
                    if row.stance == *stance {
                        summary_agree += 1;
                    }
                }
            }
        }
    }
    let (precision, recall, f1) = crate::metrics::prf(tp, n_pred, n_gold);
    let summary = gold_summaries.map(|_| {
        serde_json::json!({
            "entries": summary_total,
            "found": summary_found,
            "agree": summary_agree,
            // Of all gold entries (a missing one counts as a disagreement).
            "agreement": round4(ratio(summary_agree, summary_total)),
            // Of the entries the prediction has.
            "agreement_found": round4(ratio(summary_agree, summary_found)),
        })
    });
    Ok(DocumentsOutcome {
        records,
        actors: Prf {
            precision,
            recall,
            f1,
            gold: n_gold,
            predicted: n_pred,
            matched: tp,
        },
        speakers: Accuracy {
            accuracy: ratio(speakers_right, speakers_n),
            n: speakers_n,
        },
        summary,
        seconds,
    })
}

fn scores_in_order<L: LabelSet>(scores: &BTreeMap<String, f32>) -> Vec<f32> {
    L::ALL
        .iter()
        .map(|l| scores.get(l.name()).copied().unwrap_or(0.0))
        .collect()
}

/// For each predicted sentence, the gold sentence it overlaps most (by byte offsets).
/// Appends one sentence of a joined document: each sentence its own paragraph (the rows do not
/// say where paragraphs end), except a sentence that goes on with a quotation opened before it
/// (its first quotation mark closes one), which stays in the paragraph of the sentence before,
/// as news prints a quotation of several sentences.
fn push_sentence(text: &mut String, sentence: &str) {
    if !text.is_empty() {
        text.push_str(if continues_quotation(sentence) {
            " "
        } else {
            "\n\n"
        });
    }
    text.push_str(sentence);
}

/// Whether the first quotation mark of `sentence` closes a quotation
/// ([`crate::text::quotes::mark_closes`]: `”`, or `"` right after text, `...years."`).
fn continues_quotation(sentence: &str) -> bool {
    let mut previous: Option<char> = None;
    for c in sentence.chars() {
        if let Some(closes) = crate::text::quotes::mark_closes(c, previous) {
            return closes;
        }
        previous = Some(c);
    }
    false
}

fn align(doc: &Document, gold: &[GoldSentence]) -> Vec<Option<usize>> {
    doc.sentences
        .iter()
        .map(|s| {
            gold.iter()
                .enumerate()
                .map(|(g, gs)| (g, s.end.min(gs.end).saturating_sub(s.start.max(gs.start))))
                .filter(|(_, overlap)| *overlap > 0)
                .max_by_key(|(g, overlap)| (*overlap, std::cmp::Reverse(*g)))
                .map(|(g, _)| g)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_by_case_words_and_alias() {
        let t = AliasTable::builtin();
        assert!(same_name(t, "Khawaja Muhammad Asif", "asif"));
        assert!(same_name(t, "United States", "United States"));
        assert!(same_name(t, "USA", "United States"));
        assert!(!same_name(t, "author", "Asif"));
        assert!(!same_name(t, "Pakistan", "India"));
        assert!(same_name(
            t,
            "BCCI",
            "Board of Control for Cricket in India"
        ));
        assert!(!same_name(t, "ICC", "International Criminal Tribunal"));
    }

    #[test]
    fn a_sentence_that_goes_on_with_a_quotation_stays_in_its_paragraph() {
        let mut text = String::new();
        push_sentence(&mut text, "Lee said: \"We will stay.");
        push_sentence(&mut text, "We will not leave.\"");
        push_sentence(&mut text, "\"Fine,\" Kim said.");
        push_sentence(&mut text, "Kim called it “a start.”");
        assert_eq!(
            text,
            "Lee said: \"We will stay. We will not leave.\"\n\n\"Fine,\" Kim said.\n\nKim called it “a start.”"
        );
        assert!(continues_quotation("Go on.” She left."));
        assert!(!continues_quotation("No quotation here."));
    }

    #[test]
    fn modes_parse_and_reject_unknown_names() {
        assert_eq!("documents".parse::<Mode>().unwrap(), Mode::Documents);
        let e = "sentences".parse::<Mode>().unwrap_err().to_string();
        assert!(
            e.contains("expected pairs, documents, ner, attribution"),
            "{e}"
        );
    }
}
