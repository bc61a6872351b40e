//! The `standpoint eval` report: the data model built from scored pairs, comparison with an
//! earlier run, and the writers of `report.json` and `predictions.jsonl`. `report.md` and
//! `report.html` are drawn from the [`Report`] by [`crate::eval::render`].
//!
//! # `report.json`
//!
//! ```text
//! {
//!   "n", "skipped", "skipped_examples": ["file:line: reason", ...],
//!   "mode", "data": [paths], "data_format", "model": <manifests, verbatim>,
//!   "stance": <task> | null, "sentiment": <task> | null,
//!   "throughput": {"pairs", "seconds", "pairs_per_s"}, "timing_note",
//!   "actors": {"precision", "recall", "f1", "gold", "predicted", "matched"}, // documents only
//!   "speakers": {"accuracy", "n"},                       // documents mode only
//!   "summary": <verbatim>,                               // documents mode only
//!   "ner": {"precision", "recall", "f1", "per_type": {type: <class>}},   // ner mode only
//!   "attribution": {"articles", "attributions", "with_source", "unresolved",  // attribution only
//!                   "speaker_accuracy": {"direct", "rest", "all": {"accuracy", "right", "n"}},
//!                   "false_speaker": {"rate", "with_speaker", "sentences"},
//!                   "speaker_spans": {"precision", "recall", "f1", "gold", "predicted", "matched"}},
//!   "comparison": {"other", "stance", "sentiment"}      // with a comparison only
//! }
//! <task> = {"n", "labels", "accuracy", "macro_f1", "f_avg",
//!           "per_class": {label: <class>}, "confusion": [[gold x pred]],
//!           "ece", "brier", "reliability": [{"lo","hi","count","mean_confidence","accuracy"}],
//!           "ci95": {"accuracy": [lo, hi], "macro_f1": [lo, hi]},
//!           "breakdowns": {"speaker", "actor_type", "actor", "several_actors":
//!                          {group: {"n", "accuracy", "macro_f1"}}}}
//! <class> = {"precision", "recall", "f1", "support"}
//! ```
//!
//! Floats are rounded to four decimals. Everything except `throughput` is byte-identical when
//! the same data and model are evaluated again: maps are ordered by key, the bootstrap uses a
//! fixed seed, and nothing records the time of day. `evaluation/REPORT-FORMAT.md` describes every
//! field.

use crate::error::{Error, Result};
use crate::eval::attribution::{AttributionCounts, AttributionRecord, Tally};
use crate::eval::metrics::{score, NerScores, Scores};
use crate::eval::stats::{
    bootstrap_ci, brier, calibration, mcnemar, paired_bootstrap, Ci95, McNemar, ReliabilityBin,
};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::path::Path;

/// Bootstrap resamples for confidence intervals and the paired test.
pub const RESAMPLES: usize = 1000;
/// Fixed seed of every bootstrap in the report, so reruns are byte-identical.
pub const SEED: u64 = 0x5747_414E_4450_4F49;
/// Equal-width confidence bins of the reliability diagram.
pub const CALIBRATION_BINS: usize = 10;
/// Most frequent actors given their own breakdown row.
pub const TOP_ACTORS: usize = 10;
/// Most confident errors listed in the HTML report.
pub const TOP_ERRORS: usize = 20;

const TIMING_NOTE: &str = "throughput is model time measured on this run's machine and varies \
between runs; every other field is deterministic for the same data and model";

/// The two classification tasks of a pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Task {
    Stance,
    Sentiment,
}

impl Task {
    pub const ALL: [Task; 2] = [Task::Stance, Task::Sentiment];

    pub fn name(self) -> &'static str {
        match self {
            Task::Stance => "stance",
            Task::Sentiment => "sentiment",
        }
    }

    /// The polar classes whose mean F1 is `f_avg` (SemEval-2016 uses favor and against).
    pub fn polar(self) -> [&'static str; 2] {
        match self {
            Task::Stance => ["favor", "against"],
            Task::Sentiment => ["positive", "negative"],
        }
    }

    fn judged(self, r: &PairRecord) -> Option<&Judged> {
        match self {
            Task::Stance => r.stance.as_ref(),
            Task::Sentiment => r.sentiment.as_ref(),
        }
    }
}

/// A gold and a predicted label with the predicted distribution; indices into the task's labels.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Judged {
    pub gold: usize,
    pub pred: usize,
    /// One probability per label, in label order.
    pub probs: Vec<f32>,
}

impl Judged {
    /// The model's confidence: its largest probability.
    pub fn confidence(&self) -> f64 {
        self.probs.iter().fold(0.0f64, |m, &p| m.max(f64::from(p)))
    }

    pub fn correct(&self) -> bool {
        self.gold == self.pred
    }
}

/// One scored (sentence, speaker, actor) pair.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PairRecord {
    pub id: String,
    pub doc: String,
    pub text: String,
    /// The actor's mention in `text`; highlighted in the HTML when it occurs there.
    pub mention: String,
    pub speaker: String,
    /// True when the gold speaker is `author` (narration), false for a quoted or reported speaker.
    pub author_speaker: bool,
    pub actor: String,
    /// `state`, `organisation`, `group`, `person` or `unknown`.
    pub actor_type: String,
    /// Gold actors in the same sentence; 2 or more is the "several actors" breakdown.
    pub actors_in_sentence: usize,
    /// `None` when the task is not scored on this pair (e.g. no gold sentiment).
    pub stance: Option<Judged>,
    pub sentiment: Option<Judged>,
}

/// Precision, recall and F1 with the counts behind them (actor detection in documents mode).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Prf {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    /// Gold items, predicted items, and predicted items that match a gold one.
    pub gold: usize,
    pub predicted: usize,
    pub matched: usize,
}

/// Accuracy over `n` rows (speaker attribution in documents mode).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Accuracy {
    pub accuracy: f64,
    pub n: usize,
}

/// Everything a report is built from: the scored pairs plus what describes the run.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportInput {
    pub mode: String,
    pub data: Vec<String>,
    pub data_format: String,
    pub n: usize,
    pub skipped: usize,
    /// The first few skipped rows, as `file:line: reason`.
    pub skipped_examples: Vec<String>,
    /// Model manifests (name, revision, sha256, ...), copied verbatim into the report.
    pub model: serde_json::Value,
    pub stance_labels: Vec<String>,
    pub sentiment_labels: Vec<String>,
    pub records: Vec<PairRecord>,
    /// Model time in seconds, for throughput.
    pub seconds: f64,
    pub actors: Option<Prf>,
    pub speakers: Option<Accuracy>,
    pub summary: Option<serde_json::Value>,
    pub ner: Option<NerScores>,
    /// Attribution mode's counts and records.
    pub attribution: Option<AttributionOutcome>,
    /// The temperature of each task's head ("stance", "sentiment") where the model is
    /// calibrated (absent or 1: uncalibrated).
    pub temperatures: BTreeMap<String, f64>,
}

/// What attribution mode measured: the counts, and one record per gold attribution (the lines
/// of `predictions.jsonl` in that mode).
#[derive(Debug, Clone, PartialEq)]
pub struct AttributionOutcome {
    pub counts: AttributionCounts,
    pub records: Vec<AttributionRecord>,
}

/// Accuracy with its counts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Counted {
    pub accuracy: f64,
    pub right: usize,
    pub n: usize,
}

impl From<Tally> for Counted {
    fn from(t: Tally) -> Self {
        Counted {
            accuracy: r4(t.accuracy()),
            right: t.right,
            n: t.n,
        }
    }
}

/// Speaker accuracy on gold attributions with a (resolved) source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpeakerAccuracy {
    /// Contents that are direct quotes.
    pub direct: Counted,
    /// Indirect speech, paraphrase, attitude reports.
    pub rest: Counted,
    pub all: Counted,
}

/// Of the sentences overlapping no gold attribution, those given a speaker other than author.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FalseSpeaker {
    pub rate: f64,
    pub with_speaker: usize,
    pub sentences: usize,
}

/// Attribution mode's figures (`report.json`'s `attribution`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttributionReport {
    pub articles: usize,
    pub attributions: usize,
    pub with_source: usize,
    /// Sources neither named nor resolvable through the article: not scored.
    pub unresolved: usize,
    pub speaker_accuracy: SpeakerAccuracy,
    pub false_speaker: FalseSpeaker,
    /// `speaker_span` against the gold source spans, by word overlap (counts are words).
    pub speaker_spans: Prf,
    /// The attribution model's spans per role, exact and by word overlap (absent without it).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub roles: BTreeMap<String, RoleReport>,
    /// Content-source linking of the model's relations (absent without it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub linking: Option<Counted>,
}

/// One role's spans: exact and word-overlap precision, recall, F1.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoleReport {
    pub exact: Prf,
    pub overlap: Prf,
}

impl AttributionReport {
    pub fn from_counts(c: &AttributionCounts) -> Self {
        let (precision, recall, f1) = c.span_prf();
        AttributionReport {
            articles: c.articles,
            attributions: c.attributions,
            with_source: c.with_source,
            unresolved: c.unresolved,
            speaker_accuracy: SpeakerAccuracy {
                direct: c.direct.into(),
                rest: c.rest.into(),
                all: c.all().into(),
            },
            false_speaker: FalseSpeaker {
                rate: r4(c.false_speaker_rate()),
                with_speaker: c.false_speakers,
                sentences: c.unattributed_sentences,
            },
            speaker_spans: Prf {
                precision: r4(precision),
                recall: r4(recall),
                f1: r4(f1),
                gold: c.span_words_gold,
                predicted: c.span_words_predicted,
                matched: c.span_words_matched,
            },
            roles: c
                .roles
                .iter()
                .map(|(role, rc)| {
                    let prf = |(p, r, f): (f64, f64, f64), gold, predicted, matched| Prf {
                        precision: r4(p),
                        recall: r4(r),
                        f1: r4(f),
                        gold,
                        predicted,
                        matched,
                    };
                    let report = RoleReport {
                        exact: prf(
                            rc.exact(),
                            rc.spans_gold,
                            rc.spans_predicted,
                            rc.spans_matched,
                        ),
                        overlap: prf(
                            rc.overlap(),
                            rc.words_gold,
                            rc.words_predicted,
                            rc.words_matched,
                        ),
                    };
                    (role.name().to_string(), report)
                })
                .collect(),
            linking: (c.linking.n > 0).then(|| c.linking.into()),
        }
    }
}

/// Precision, recall, F1 and support of one class, rounded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassReport {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub support: usize,
}

/// Accuracy and macro-F1 of one group of rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Slice {
    pub n: usize,
    pub accuracy: f64,
    pub macro_f1: f64,
}

/// Scores on groups of rows: by speaker kind (`author` / `quoted`), by actor type, for the most
/// frequent actors, and by whether the sentence names one actor or several (`one` / `several`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Breakdowns {
    pub speaker: BTreeMap<String, Slice>,
    pub actor_type: BTreeMap<String, Slice>,
    pub actor: BTreeMap<String, Slice>,
    pub several_actors: BTreeMap<String, Slice>,
}

/// The scores of one task (stance or sentiment).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskReport {
    pub n: usize,
    pub labels: Vec<String>,
    pub accuracy: f64,
    pub macro_f1: f64,
    /// Mean F1 of the polar classes (see [`Task::polar`]).
    pub f_avg: f64,
    pub per_class: BTreeMap<String, ClassReport>,
    /// `confusion[gold][pred]`, in `labels` order.
    pub confusion: Vec<Vec<usize>>,
    pub ece: f64,
    /// The temperature the model's probabilities were calibrated with (`models calibrate`);
    /// none when they were not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub temperature: Option<f64>,
    /// ECE of the same predictions without the calibration (temperature 1), when there was one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ece_uncalibrated: Option<f64>,
    pub brier: f64,
    pub reliability: Vec<ReliabilityBin>,
    pub ci95: Ci95,
    pub breakdowns: Breakdowns,
}

/// Entity-level NER scores, rounded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NerReport {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub per_type: BTreeMap<String, ClassReport>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Throughput {
    pub pairs: usize,
    pub seconds: f64,
    pub pairs_per_s: f64,
}

/// A metric of this run and the other run; `delta` is this minus other.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Delta {
    pub this: f64,
    pub other: f64,
    pub delta: f64,
}

/// Significance of the accuracy difference on the rows both runs scored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PairedTest {
    /// Rows (same id and task) both runs scored.
    pub n: usize,
    pub this_accuracy: f64,
    pub other_accuracy: f64,
    /// Shared rows whose gold label differs between the runs (the data changed); non-zero
    /// means the comparison is not like for like.
    pub gold_mismatch: usize,
    /// Two-sided paired-bootstrap p-value of the accuracy difference.
    pub bootstrap_p: f64,
    /// `b01`: rows this run got wrong and the other right; `b10` the reverse.
    pub mcnemar: McNemar,
}

/// One task compared with the other run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskComparison {
    pub accuracy: Delta,
    pub macro_f1: Delta,
    pub f_avg: Delta,
    pub ece: Delta,
    pub brier: Delta,
    pub paired: PairedTest,
}

/// This run against an earlier report directory. A task is `None` unless both runs scored it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    /// The other report directory, as given.
    pub other: String,
    pub stance: Option<TaskComparison>,
    pub sentiment: Option<TaskComparison>,
}

impl Comparison {
    pub fn task(&self, t: Task) -> Option<&TaskComparison> {
        match t {
            Task::Stance => self.stance.as_ref(),
            Task::Sentiment => self.sentiment.as_ref(),
        }
    }
}

/// The evaluation report; serialized as `report.json` (shape in the module docs).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub n: usize,
    pub skipped: usize,
    pub skipped_examples: Vec<String>,
    pub mode: String,
    pub data: Vec<String>,
    pub data_format: String,
    pub model: serde_json::Value,
    pub stance: Option<TaskReport>,
    pub sentiment: Option<TaskReport>,
    pub throughput: Throughput,
    pub timing_note: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actors: Option<Prf>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speakers: Option<Accuracy>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ner: Option<NerReport>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attribution: Option<AttributionReport>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comparison: Option<Comparison>,
}

impl Report {
    pub fn task(&self, t: Task) -> Option<&TaskReport> {
        match t {
            Task::Stance => self.stance.as_ref(),
            Task::Sentiment => self.sentiment.as_ref(),
        }
    }
}

/// One line of `predictions.jsonl`: a pair's prediction for one task, labels by name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PredRow {
    pub id: String,
    pub task: String,
    pub gold: String,
    pub pred: String,
    pub confidence: f64,
    pub correct: bool,
}

pub(crate) fn r4(x: f64) -> f64 {
    let r = (x * 10_000.0).round() / 10_000.0;
    // Neither -0 nor NaN survives into the JSON: -0 would print as "-0.0", NaN as null.
    if r == 0.0 || r.is_nan() {
        0.0
    } else {
        r
    }
}

fn class_report(c: &crate::eval::metrics::ClassScores) -> ClassReport {
    ClassReport {
        precision: r4(c.precision),
        recall: r4(c.recall),
        f1: r4(c.f1),
        support: c.support,
    }
}

fn check_judged(task: Task, labels: &[String], r: &PairRecord, j: &Judged) -> Result<()> {
    let k = labels.len();
    if j.gold >= k || j.pred >= k {
        return Err(Error::Invalid(format!(
            "pair '{}': {} gold {} / prediction {} is out of range for the {} {} labels ({})",
            r.id,
            task.name(),
            j.gold,
            j.pred,
            k,
            task.name(),
            labels.join(", ")
        )));
    }
    if j.probs.len() != k {
        return Err(Error::Invalid(format!(
            "pair '{}': {} has {} probabilities but there are {} {} labels ({})",
            r.id,
            task.name(),
            j.probs.len(),
            k,
            task.name(),
            labels.join(", ")
        )));
    }
    Ok(())
}

fn slice(rows: &[(&PairRecord, &Judged)], labels: &[&str]) -> Slice {
    let gold: Vec<usize> = rows.iter().map(|(_, j)| j.gold).collect();
    let pred: Vec<usize> = rows.iter().map(|(_, j)| j.pred).collect();
    let s = score(&gold, &pred, labels);
    Slice {
        n: s.n,
        accuracy: r4(s.accuracy),
        macro_f1: r4(s.macro_f1),
    }
}

fn group_by<'a, F>(
    rows: &[(&'a PairRecord, &'a Judged)],
    labels: &[&str],
    key: F,
) -> BTreeMap<String, Slice>
where
    F: Fn(&PairRecord) -> String,
{
    let mut groups: BTreeMap<String, Vec<(&PairRecord, &Judged)>> = BTreeMap::new();
    for &(r, j) in rows {
        groups.entry(key(r)).or_default().push((r, j));
    }
    groups
        .into_iter()
        .map(|(k, g)| (k, slice(&g, labels)))
        .collect()
}

fn breakdowns(rows: &[(&PairRecord, &Judged)], labels: &[&str]) -> Breakdowns {
    let speaker = group_by(rows, labels, |r| {
        if r.author_speaker { "author" } else { "quoted" }.to_string()
    });
    let actor_type = group_by(rows, labels, |r| r.actor_type.clone());
    // The most frequent actors, ties by name so the choice is stable.
    let mut freq: BTreeMap<&str, usize> = BTreeMap::new();
    for (r, _) in rows {
        *freq.entry(r.actor.as_str()).or_default() += 1;
    }
    let mut by_freq: Vec<(&str, usize)> = freq.into_iter().collect();
    by_freq.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let top: Vec<&str> = by_freq.iter().take(TOP_ACTORS).map(|(a, _)| *a).collect();
    let top_rows: Vec<(&PairRecord, &Judged)> = rows
        .iter()
        .filter(|(r, _)| top.contains(&r.actor.as_str()))
        .copied()
        .collect();
    let actor = group_by(&top_rows, labels, |r| r.actor.clone());
    let several_actors = group_by(rows, labels, |r| {
        if r.actors_in_sentence >= 2 {
            "several"
        } else {
            "one"
        }
        .to_string()
    });
    Breakdowns {
        speaker,
        actor_type,
        actor,
        several_actors,
    }
}

fn task_report(
    task: Task,
    labels: &[String],
    records: &[PairRecord],
    temperature: Option<f64>,
) -> Option<TaskReport> {
    let rows: Vec<(&PairRecord, &Judged)> = records
        .iter()
        .filter_map(|r| task.judged(r).map(|j| (r, j)))
        .collect();
    if rows.is_empty() {
        return None;
    }
    let names: Vec<&str> = labels.iter().map(String::as_str).collect();
    let gold: Vec<usize> = rows.iter().map(|(_, j)| j.gold).collect();
    let pred: Vec<usize> = rows.iter().map(|(_, j)| j.pred).collect();
    let s: Scores = score(&gold, &pred, &names);
    let cal = calibration(
        &rows
            .iter()
            .map(|(_, j)| (j.confidence(), j.correct()))
            .collect::<Vec<_>>(),
        CALIBRATION_BINS,
    );
    let probs: Vec<Vec<f64>> = rows
        .iter()
        .map(|(_, j)| j.probs.iter().map(|&p| f64::from(p)).collect())
        .collect();
    // The same rows without the calibration: the raw head's probabilities are the calibrated
    // ones at temperature 1 over `T · log p` (see `model::calibration`).
    let temperature = temperature.filter(|&t| t > 0.0 && t != 1.0);
    let ece_uncalibrated = temperature.map(|t| {
        let rows: Vec<(f64, bool)> = rows
            .iter()
            .map(|(_, j)| {
                let raw = crate::model::calibration::raw_log_probs(&j.probs, t as f32);
                let p = crate::model::calibration::probs_at(&raw, 1.0);
                (p.get(j.pred).copied().unwrap_or(0.0), j.correct())
            })
            .collect();
        r4(calibration(&rows, CALIBRATION_BINS).ece)
    });
    let ci = bootstrap_ci(&gold, &pred, &names, RESAMPLES, SEED);
    Some(TaskReport {
        n: s.n,
        labels: labels.to_vec(),
        accuracy: r4(s.accuracy),
        macro_f1: r4(s.macro_f1),
        f_avg: r4(s.mean_f1_of(&task.polar())),
        per_class: s
            .per_class
            .iter()
            .map(|(k, c)| (k.clone(), class_report(c)))
            .collect(),
        confusion: s.confusion.clone(),
        ece: r4(cal.ece),
        temperature,
        ece_uncalibrated,
        brier: r4(brier(&probs, &gold)),
        reliability: cal
            .bins
            .into_iter()
            .map(|b| ReliabilityBin {
                lo: r4(b.lo),
                hi: r4(b.hi),
                count: b.count,
                mean_confidence: r4(b.mean_confidence),
                accuracy: r4(b.accuracy),
            })
            .collect(),
        ci95: Ci95 {
            accuracy: ci.accuracy.map(r4),
            macro_f1: ci.macro_f1.map(r4),
        },
        breakdowns: breakdowns(&rows, &names),
    })
}

impl ReportInput {
    /// Check that every pair's label indices lie within its task's labels and that its
    /// probabilities have one entry per label.
    pub fn check(&self) -> Result<()> {
        for r in &self.records {
            if let Some(j) = &r.stance {
                check_judged(Task::Stance, &self.stance_labels, r, j)?;
            }
            if let Some(j) = &r.sentiment {
                check_judged(Task::Sentiment, &self.sentiment_labels, r, j)?;
            }
        }
        Ok(())
    }
}

/// Compute the report.
///
/// # Panics
/// When [`ReportInput::check`] fails: a label index outside its task's labels is a bug in the
/// code that built the input, not a property of the data.
pub fn build(input: &ReportInput) -> Report {
    if let Err(e) = input.check() {
        panic!("inconsistent report input: {e}");
    }
    let pairs = input.n;
    Report {
        n: input.n,
        skipped: input.skipped,
        skipped_examples: input.skipped_examples.clone(),
        mode: input.mode.clone(),
        data: input.data.clone(),
        data_format: input.data_format.clone(),
        model: input.model.clone(),
        stance: task_report(
            Task::Stance,
            &input.stance_labels,
            &input.records,
            input.temperatures.get("stance").copied(),
        ),
        sentiment: task_report(
            Task::Sentiment,
            &input.sentiment_labels,
            &input.records,
            input.temperatures.get("sentiment").copied(),
        ),
        throughput: Throughput {
            pairs,
            seconds: r4(input.seconds),
            pairs_per_s: if input.seconds > 0.0 {
                r4(pairs as f64 / input.seconds)
            } else {
                0.0
            },
        },
        timing_note: TIMING_NOTE.to_string(),
        actors: input.actors.as_ref().map(|p| Prf {
            precision: r4(p.precision),
            recall: r4(p.recall),
            f1: r4(p.f1),
            ..p.clone()
        }),
        speakers: input.speakers.as_ref().map(|a| Accuracy {
            accuracy: r4(a.accuracy),
            n: a.n,
        }),
        summary: input.summary.clone(),
        ner: input.ner.as_ref().map(|s| NerReport {
            precision: r4(s.precision),
            recall: r4(s.recall),
            f1: r4(s.f1),
            per_type: s
                .per_type
                .iter()
                .map(|(k, c)| (k.clone(), class_report(c)))
                .collect(),
        }),
        attribution: input
            .attribution
            .as_ref()
            .map(|a| AttributionReport::from_counts(&a.counts)),
        comparison: None,
    }
}

/// The name of label `i`, or the index itself when it is out of range.
pub(crate) fn label_name(labels: &[String], i: usize) -> String {
    labels.get(i).cloned().unwrap_or_else(|| i.to_string())
}

/// The `predictions.jsonl` rows of an input: per record, its stance row then its sentiment row
/// (when scored). The comparison pairs these with another run's by (id, task).
pub fn predictions(input: &ReportInput) -> Vec<PredRow> {
    pred_rows(
        &input.records,
        &input.stance_labels,
        &input.sentiment_labels,
    )
}

fn pred_rows(records: &[PairRecord], stance: &[String], sentiment: &[String]) -> Vec<PredRow> {
    let mut out = Vec::new();
    for r in records {
        for t in Task::ALL {
            let Some(j) = t.judged(r) else { continue };
            let labels = match t {
                Task::Stance => stance,
                Task::Sentiment => sentiment,
            };
            out.push(PredRow {
                id: r.id.clone(),
                task: t.name().to_string(),
                gold: label_name(labels, j.gold),
                pred: label_name(labels, j.pred),
                confidence: r4(j.confidence()),
                correct: j.correct(),
            });
        }
    }
    out
}

/// The headline figures `standpoint eval` prints on stdout: mode, counts, per task the
/// accuracy, macro-F1, f_avg, ECE, Brier and intervals, the mode's extras, the comparison's
/// deltas and p-values, and throughput. Tasks not scored are left out.
pub fn headline(r: &Report) -> serde_json::Value {
    use serde_json::json;
    let mut o = serde_json::Map::new();
    o.insert("mode".into(), json!(r.mode));
    o.insert("n".into(), json!(r.n));
    o.insert("skipped".into(), json!(r.skipped));
    for t in Task::ALL {
        if let Some(tr) = r.task(t) {
            o.insert(
                t.name().into(),
                json!({
                    "n": tr.n,
                    "accuracy": tr.accuracy,
                    "macro_f1": tr.macro_f1,
                    "f_avg": tr.f_avg,
                    "ece": tr.ece,
                    "brier": tr.brier,
                    "ci95": tr.ci95,
                }),
            );
        }
    }
    if let Some(a) = &r.actors {
        o.insert("actors".into(), json!(a));
    }
    if let Some(sp) = &r.speakers {
        o.insert("speakers".into(), json!(sp));
    }
    if let Some(summary) = &r.summary {
        o.insert("summary".into(), summary.clone());
    }
    if let Some(ner) = &r.ner {
        o.insert(
            "ner".into(),
            json!({"precision": ner.precision, "recall": ner.recall, "f1": ner.f1}),
        );
    }
    if let Some(a) = &r.attribution {
        o.insert("attribution".into(), json!(a));
    }
    if let Some(c) = &r.comparison {
        let mut cmp = serde_json::Map::new();
        cmp.insert("other".into(), json!(c.other));
        for t in Task::ALL {
            if let Some(tc) = c.task(t) {
                cmp.insert(
                    t.name().into(),
                    json!({
                        "accuracy_delta": tc.accuracy.delta,
                        "macro_f1_delta": tc.macro_f1.delta,
                        "f_avg_delta": tc.f_avg.delta,
                        "paired_n": tc.paired.n,
                        "bootstrap_p": tc.paired.bootstrap_p,
                        "mcnemar_p": tc.paired.mcnemar.p_value,
                    }),
                );
            }
        }
        o.insert("comparison".into(), serde_json::Value::Object(cmp));
    }
    o.insert("throughput".into(), json!(r.throughput));
    serde_json::Value::Object(o)
}

/// A wrong prediction, for the table of the most confident errors.
#[derive(Debug, Clone, PartialEq)]
pub struct ErrorRow<'a> {
    pub record: &'a PairRecord,
    pub gold: String,
    pub pred: String,
    pub confidence: f64,
}

/// The `k` most confident wrong predictions of a task, most confident first (ties in input order).
pub fn confident_errors<'a>(
    report: &Report,
    records: &'a [PairRecord],
    task: Task,
    k: usize,
) -> Vec<ErrorRow<'a>> {
    let Some(tr) = report.task(task) else {
        return Vec::new();
    };
    let mut errs: Vec<ErrorRow> = records
        .iter()
        .filter_map(|r| {
            let j = task.judged(r)?;
            (!j.correct()).then(|| ErrorRow {
                record: r,
                gold: label_name(&tr.labels, j.gold),
                pred: label_name(&tr.labels, j.pred),
                confidence: r4(j.confidence()),
            })
        })
        .collect();
    // Stable sort keeps input order among equal confidences.
    errs.sort_by(|a, b| b.confidence.total_cmp(&a.confidence));
    errs.truncate(k);
    errs
}

// ---------------------------------------------------------------------------------------------
// Comparison

#[derive(Deserialize)]
struct OtherTask {
    #[serde(default)]
    accuracy: f64,
    #[serde(default)]
    macro_f1: f64,
    #[serde(default)]
    f_avg: f64,
    #[serde(default)]
    ece: f64,
    #[serde(default)]
    brier: f64,
}

/// Only what a comparison needs, so reports of older or newer formats still compare.
#[derive(Deserialize)]
struct OtherReport {
    #[serde(default)]
    stance: Option<OtherTask>,
    #[serde(default)]
    sentiment: Option<OtherTask>,
}

fn unreadable(dir: &Path, file: &Path, why: impl std::fmt::Display) -> Error {
    Error::Invalid(format!(
        "cannot compare with {}: {}: {why}; expected a directory written by `standpoint eval` \
         (report.json and predictions.jsonl)",
        dir.display(),
        file.display()
    ))
}

/// Read a `predictions.jsonl`.
pub fn read_predictions(path: &Path) -> Result<Vec<PredRow>> {
    let text = fs::read_to_string(path).map_err(|e| Error::Io {
        path: path.to_path_buf(),
        source: e,
    })?;
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            serde_json::from_str(l).map_err(|e| {
                Error::Invalid(format!(
                    "line {} of {}: not a prediction row: {e}",
                    i + 1,
                    path.display()
                ))
            })
        })
        .collect()
}

fn delta(this: f64, other: f64) -> Delta {
    Delta {
        this,
        other,
        delta: r4(this - other),
    }
}

/// Compare this run with the report in `other_dir` (its `report.json` and `predictions.jsonl`):
/// metric deltas per task, and on the (id, task) rows both runs scored, the paired-bootstrap
/// p-value and McNemar's test of the accuracy difference.
pub fn compare(
    current: &Report,
    current_preds: &[PredRow],
    other_dir: &Path,
) -> Result<Comparison> {
    let report_path = other_dir.join("report.json");
    let preds_path = other_dir.join("predictions.jsonl");
    let text =
        fs::read_to_string(&report_path).map_err(|e| unreadable(other_dir, &report_path, e))?;
    let other: OtherReport = serde_json::from_str(&text)
        .map_err(|e| unreadable(other_dir, &report_path, format!("not a report: {e}")))?;
    let other_preds = match read_predictions(&preds_path) {
        Ok(p) => p,
        Err(Error::Io { source, .. }) => return Err(unreadable(other_dir, &preds_path, source)),
        Err(e) => return Err(unreadable(other_dir, &preds_path, e)),
    };
    // First occurrence wins if the other file repeats an (id, task).
    let mut by_key: HashMap<(&str, &str), &PredRow> = HashMap::new();
    for p in &other_preds {
        by_key.entry((p.id.as_str(), p.task.as_str())).or_insert(p);
    }
    let mut out = Comparison {
        other: other_dir.display().to_string(),
        stance: None,
        sentiment: None,
    };
    for t in Task::ALL {
        let this_task = current.task(t);
        let other_task = match t {
            Task::Stance => other.stance.as_ref(),
            Task::Sentiment => other.sentiment.as_ref(),
        };
        let (Some(a), Some(b)) = (this_task, other_task) else {
            continue;
        };
        let (mut ac, mut bc, mut mismatch) = (Vec::new(), Vec::new(), 0usize);
        for p in current_preds.iter().filter(|p| p.task == t.name()) {
            if let Some(o) = by_key.get(&(p.id.as_str(), p.task.as_str())) {
                ac.push(p.correct);
                bc.push(o.correct);
                mismatch += usize::from(o.gold != p.gold);
            }
        }
        let n = ac.len();
        let acc = |v: &[bool]| {
            if v.is_empty() {
                0.0
            } else {
                r4(v.iter().filter(|&&c| c).count() as f64 / v.len() as f64)
            }
        };
        let m = mcnemar(&ac, &bc);
        let tc = TaskComparison {
            accuracy: delta(a.accuracy, b.accuracy),
            macro_f1: delta(a.macro_f1, b.macro_f1),
            f_avg: delta(a.f_avg, b.f_avg),
            ece: delta(a.ece, b.ece),
            brier: delta(a.brier, b.brier),
            paired: PairedTest {
                n,
                this_accuracy: acc(&ac),
                other_accuracy: acc(&bc),
                gold_mismatch: mismatch,
                bootstrap_p: r4(paired_bootstrap(&ac, &bc, RESAMPLES, SEED)),
                mcnemar: McNemar {
                    statistic: r4(m.statistic),
                    p_value: r4(m.p_value),
                    ..m
                },
            },
        };
        match t {
            Task::Stance => out.stance = Some(tc),
            Task::Sentiment => out.sentiment = Some(tc),
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Writers

pub(crate) fn write_file(path: &Path, contents: &str) -> Result<()> {
    fs::write(path, contents).map_err(|e| Error::Io {
        path: path.to_path_buf(),
        source: e,
    })
}

/// `report.json` text: pretty-printed, ending in a newline.
pub fn to_json(report: &Report) -> Result<String> {
    serde_json::to_string_pretty(report)
        .map(|s| s + "\n")
        .map_err(|e| Error::Invalid(format!("cannot serialize the report: {e}")))
}

/// Makes sure the `--report` folder can be written, before the scoring that would otherwise
/// be lost: it must be a folder (created here when missing) that accepts files.
pub fn check_destination(dir: &Path) -> Result<()> {
    if dir.exists() && !dir.is_dir() {
        return Err(Error::Invalid(format!(
            "--report {} is a file, but --report takes a folder (report.json, report.md, \
             report.html and predictions.jsonl are written into it); give a folder name",
            dir.display()
        )));
    }
    fs::create_dir_all(dir).map_err(|e| Error::Io {
        path: dir.to_path_buf(),
        source: e,
    })?;
    let probe = dir.join(".standpoint-write-check");
    fs::write(&probe, b"").map_err(|e| Error::Io {
        path: dir.to_path_buf(),
        source: e,
    })?;
    let _ = fs::remove_file(&probe);
    Ok(())
}

/// Write `report.json` and `predictions.jsonl` into `dir`, creating it. `report.md` and
/// `report.html` are [`crate::eval::render`]'s. `predictions.jsonl` holds a line per task of
/// each pair, then a line per gold attribution (attribution mode).
pub fn write_json(
    dir: &Path,
    report: &Report,
    records: &[PairRecord],
    attributions: &[AttributionRecord],
) -> Result<()> {
    fs::create_dir_all(dir).map_err(|e| Error::Io {
        path: dir.to_path_buf(),
        source: e,
    })?;
    write_file(&dir.join("report.json"), &to_json(report)?)?;
    let mut jsonl = String::new();
    let labels = |t: Task| report.task(t).map_or(&[][..], |tr| &tr.labels[..]);
    for p in pred_rows(records, labels(Task::Stance), labels(Task::Sentiment)) {
        let line = serde_json::to_string(&p)
            .map_err(|e| Error::Invalid(format!("cannot serialize prediction '{}': {e}", p.id)))?;
        jsonl.push_str(&line);
        jsonl.push('\n');
    }
    for a in attributions {
        let line = serde_json::to_string(a).map_err(|e| {
            Error::Invalid(format!(
                "cannot serialize attribution '{}:{}': {e}",
                a.article, a.id
            ))
        })?;
        jsonl.push_str(&line);
        jsonl.push('\n');
    }
    write_file(&dir.join("predictions.jsonl"), &jsonl)
}

impl TaskComparison {
    /// The compared metrics in display order.
    pub fn metrics(&self) -> [(&'static str, &Delta); 5] {
        [
            ("accuracy", &self.accuracy),
            ("macro_f1", &self.macro_f1),
            ("f_avg", &self.f_avg),
            ("ece", &self.ece),
            ("brier", &self.brier),
        ]
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn judged(gold: usize, pred: usize, conf: f32) -> Judged {
        let rest = (1.0 - conf) / 2.0;
        let mut probs = vec![rest; 3];
        probs[pred] = conf;
        Judged { gold, pred, probs }
    }

    fn record(id: &str, author: bool, actor: &str, stance: Judged) -> PairRecord {
        PairRecord {
            id: id.to_string(),
            doc: "d1".to_string(),
            text: format!("Minister said {actor} is <b>great</b>."),
            mention: actor.to_string(),
            speaker: if author { "author" } else { "Minister" }.to_string(),
            author_speaker: author,
            actor: actor.to_string(),
            actor_type: "state".to_string(),
            actors_in_sentence: 1,
            stance: Some(stance),
            sentiment: None,
        }
    }

    fn input(records: Vec<PairRecord>) -> ReportInput {
        ReportInput {
            mode: "pairs".into(),
            data: vec!["evaluation/samples/test.jsonl".into()],
            data_format: "standpoint".into(),
            n: records.len(),
            skipped: 0,
            skipped_examples: vec![],
            model: serde_json::json!({"stance": {"name": "toy"}}),
            stance_labels: vec!["favor".into(), "against".into(), "neutral".into()],
            sentiment_labels: vec!["positive".into(), "negative".into(), "neutral".into()],
            records,
            seconds: 0.5,
            actors: None,
            speakers: None,
            summary: None,
            ner: None,
            attribution: None,
            temperatures: BTreeMap::new(),
        }
    }

    /// Six stance pairs, two actors (also used by the renderers' tests).
    pub(crate) fn toy() -> ReportInput {
        // gold F F A A N N, pred F A A A N F (as in metrics' hand-computed test).
        let gp = [(0, 0), (0, 1), (1, 1), (1, 1), (2, 2), (2, 0)];
        let recs = gp
            .iter()
            .enumerate()
            .map(|(i, &(g, p))| {
                let actor = if i < 4 { "Pakistan" } else { "India" };
                record(&format!("r{i}"), i % 2 == 0, actor, judged(g, p, 0.8))
            })
            .collect();
        input(recs)
    }

    #[test]
    fn a_calibrated_model_reports_its_ece_before_calibration_too() {
        let plain = build(&toy());
        let s = plain.stance.as_ref().unwrap();
        assert_eq!((s.temperature, s.ece_uncalibrated), (None, None));
        let mut input = toy();
        input.temperatures.insert("stance".into(), 2.0);
        let r = build(&input);
        let s = r.stance.as_ref().unwrap();
        assert_eq!(s.temperature, Some(2.0));
        // Confidence 0.8 over (0.8, 0.1, 0.1) at T = 2 was 0.64 / 0.66 = 0.9697 raw; 4 of 6
        // right: |0.6667 - 0.9697| = 0.303.
        assert_eq!(s.ece_uncalibrated, Some(0.303));
        assert_eq!(s.ece, plain.stance.as_ref().unwrap().ece);
        let md = crate::eval::render::markdown(&r);
        assert!(
            md.contains("uncalibrated, the ECE of the same predictions is 0.3030"),
            "{md}"
        );
        assert!(md.contains("0.3030 (T = 2)"), "{md}");
    }

    #[test]
    fn headline_scores_match_metrics_and_absent_task_is_null() {
        let r = build(&toy());
        let s = r.stance.as_ref().unwrap();
        assert_eq!(s.n, 6);
        assert_eq!(s.accuracy, 0.6667);
        // F1 favor 0.5, against 0.8, neutral 2/3: macro 0.6556, f_avg 0.65.
        assert_eq!(s.macro_f1, 0.6556);
        assert_eq!(s.f_avg, 0.65);
        assert_eq!(s.confusion[0], vec![1, 1, 0]);
        // All confidences 0.8 in bin 8: accuracy 4/6, ECE |0.6667 - 0.8| = 0.1333.
        assert_eq!(s.reliability[8].count, 6);
        assert_eq!(s.ece, 0.1333);
        // Brier per row: right 0.04 + 0.01 + 0.01 = 0.06, wrong 0.64 + 0.81 + 0.01 = 1.46;
        // (4 * 0.06 + 2 * 1.46) / 6 = 0.5267.
        assert_eq!(s.brier, 0.5267);
        assert!(r.sentiment.is_none());
        let v: serde_json::Value = serde_json::from_str(&to_json(&r).unwrap()).unwrap();
        assert!(v["sentiment"].is_null());
        assert!(v.get("ner").is_none() && v.get("actors").is_none());
        assert_eq!(v["throughput"]["pairs_per_s"], 12.0);
    }

    #[test]
    fn breakdowns_group_by_speaker_actor_and_actor_count() {
        let r = build(&toy());
        let b = &r.stance.unwrap().breakdowns;
        // Author rows r0 (F->F), r2 (A->A), r4 (N->N): all right; quoted r1, r3, r5: 1 of 3.
        assert_eq!(b.speaker["author"].n, 3);
        assert_eq!(b.speaker["author"].accuracy, 1.0);
        assert_eq!(b.speaker["quoted"].accuracy, 0.3333);
        assert_eq!(b.actor["Pakistan"].n, 4);
        assert_eq!(b.actor["India"].n, 2);
        assert_eq!(b.actor_type["state"].n, 6);
        assert_eq!(b.several_actors.keys().collect::<Vec<_>>(), vec!["one"]);
    }

    #[test]
    fn only_the_ten_most_frequent_actors_get_a_row() {
        let mut recs = Vec::new();
        for a in 0..12 {
            // Actor a appears a + 1 times, so actors 0 and 1 are the least frequent.
            for k in 0..=a {
                recs.push(record(
                    &format!("{a}-{k}"),
                    false,
                    &format!("actor{a:02}"),
                    judged(0, 0, 0.9),
                ));
            }
        }
        let r = build(&input(recs));
        let actors = &r.stance.unwrap().breakdowns.actor;
        assert_eq!(actors.len(), TOP_ACTORS);
        assert!(!actors.contains_key("actor00") && !actors.contains_key("actor01"));
    }

    #[test]
    fn rebuilding_gives_byte_identical_json() {
        let a = to_json(&build(&toy())).unwrap();
        let b = to_json(&build(&toy())).unwrap();
        assert_eq!(a, b);
        let back: Report = serde_json::from_str(&a).unwrap();
        assert_eq!(back, build(&toy()));
    }

    #[test]
    fn out_of_range_label_is_an_error_naming_the_pair() {
        let mut inp = toy();
        inp.records[2].stance = Some(Judged {
            gold: 5,
            pred: 0,
            probs: vec![1.0, 0.0, 0.0],
        });
        let e = inp.check().unwrap_err().to_string();
        assert!(
            e.contains("pair 'r2'") && e.contains("favor, against, neutral"),
            "{e}"
        );
        inp.records[2].stance = Some(Judged {
            gold: 0,
            pred: 0,
            probs: vec![1.0],
        });
        let e = inp.check().unwrap_err().to_string();
        assert!(e.contains("1 probabilities"), "{e}");
    }

    #[test]
    #[should_panic(expected = "inconsistent report input")]
    fn building_from_an_out_of_range_index_is_a_bug() {
        let mut inp = toy();
        inp.records[0].stance.as_mut().unwrap().pred = 3;
        build(&inp);
    }

    #[test]
    fn headline_carries_the_task_figures_and_leaves_absent_tasks_out() {
        let h = headline(&build(&toy()));
        assert_eq!(h["stance"]["accuracy"], 0.6667);
        assert_eq!(h["stance"]["ci95"]["accuracy"].as_array().unwrap().len(), 2);
        assert!(h.get("sentiment").is_none() && h.get("comparison").is_none());
        assert_eq!(h["throughput"]["pairs"], 6);
    }

    #[test]
    fn predictions_name_labels_and_errors_sort_by_confidence() {
        let mut inp = toy();
        inp.records[5].stance = Some(judged(2, 0, 0.95));
        let r = build(&inp);
        let rows = predictions(&inp);
        assert_eq!(rows.len(), 6);
        assert_eq!(rows[1].gold, "favor");
        assert_eq!(rows[1].pred, "against");
        assert!(!rows[1].correct);
        let errs = confident_errors(&r, &inp.records, Task::Stance, 20);
        assert_eq!(errs.len(), 2);
        assert_eq!(errs[0].record.id, "r5");
        assert_eq!(errs[0].confidence, 0.95);
        assert!(confident_errors(&r, &inp.records, Task::Sentiment, 20).is_empty());
    }

    #[test]
    fn comparison_of_a_run_with_itself_shows_no_difference() {
        let dir = tempfile::tempdir().unwrap();
        let inp = toy();
        let r = build(&inp);
        write_json(dir.path(), &r, &inp.records, &[]).unwrap();
        let c = compare(&r, &predictions(&inp), dir.path()).unwrap();
        let s = c.stance.unwrap();
        assert_eq!(s.accuracy.delta, 0.0);
        assert_eq!(s.paired.n, 6);
        assert_eq!(s.paired.bootstrap_p, 1.0);
        assert_eq!(s.paired.mcnemar.p_value, 1.0);
        assert_eq!(s.paired.gold_mismatch, 0);
        assert!(c.sentiment.is_none());
    }

    #[test]
    fn comparison_with_a_missing_dir_names_it() {
        let r = build(&toy());
        let e = compare(&r, &[], Path::new("/nonexistent/old-run"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("/nonexistent/old-run/report.json"), "{e}");
    }

    #[test]
    fn rounding_clears_negative_zero() {
        assert_eq!(r4(-0.00001).to_string(), "0");
        assert_eq!(r4(0.123_46), 0.1235);
    }
}
