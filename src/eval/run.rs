//! Scoring loaded models on evaluation sets: the figures that go into manifests and the README.

use crate::data::{NerSentence, SentimentExample, StanceExample};
use crate::error::Result;
use crate::eval::metrics::{ner_scores, score, NerScores, Scores};
use crate::labels::Prediction;
use crate::labels::{LabelSet, Sentiment, Stance};
use crate::model::classifier::{Loaded, NerTagger, SentimentClassifier, StanceClassifier};
use crate::model::encode;
use crate::model::mix::stance_input;
use std::collections::HashMap;
use std::time::Instant;

fn label_index<L: LabelSet>(l: L) -> usize {
    L::ALL.iter().position(|x| *x == l).expect("label in set")
}

fn names<L: LabelSet>() -> Vec<&'static str> {
    L::ALL.iter().map(|l| l.name()).collect()
}

fn summary(s: &Scores, extra: serde_json::Value, secs: f64) -> serde_json::Value {
    let mut v = serde_json::json!({
        "n": s.n,
        "accuracy": round4(s.accuracy),
        "macro_f1": round4(s.macro_f1),
        "per_class": s.per_class.iter().map(|(k, c)| (k.clone(), serde_json::json!({"precision": round4(c.precision), "recall": round4(c.recall), "f1": round4(c.f1), "support": c.support}))).collect::<serde_json::Map<_, _>>(),
        "confusion": s.confusion,
        "labels": s.labels,
        "rows_per_s": round4(s.n as f64 / secs.max(1e-9)),
    });
    if let (Some(o), Some(e)) = (v.as_object_mut(), extra.as_object()) {
        for (k, x) in e {
            o.insert(k.clone(), x.clone());
        }
    }
    v
}

pub fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

/// Score the stance model on rows with gold stance. For directed_sentiment rows (ids ending
/// `:fwd`/`:rev`) it also reports the holder-swap rate: of the rows whose gold is favor or
/// against, how often the same line with holder and target swapped is predicted neutral.
pub fn score_stance(model: &StanceClassifier, rows: &[StanceExample]) -> Result<serde_json::Value> {
    score_stance_with(&|i| model.predict(i), rows)
}

/// A stance predictor: the stance model, or the joint model's stance head.
pub type StanceFn<'a> = dyn Fn(&[encode::StanceInput]) -> Result<Vec<Prediction<Stance>>> + 'a;

/// [`score_stance`] with any stance predictor.
pub fn score_stance_with(model: &StanceFn, rows: &[StanceExample]) -> Result<serde_json::Value> {
    let rows: Vec<&StanceExample> = rows.iter().filter(|r| r.stance.is_some()).collect();
    let inputs: Vec<encode::StanceInput> = rows.iter().map(|r| stance_input(r)).collect();
    let t = Instant::now();
    let preds = model(&inputs)?;
    let secs = t.elapsed().as_secs_f64();
    let gold: Vec<usize> = rows
        .iter()
        .map(|r| label_index(r.stance.expect("filtered")))
        .collect();
    let pred: Vec<usize> = preds.iter().map(|p| label_index(p.label)).collect();
    let s = score(&gold, &pred, &names::<Stance>());
    let mut extra = serde_json::json!({"f_avg": round4(s.mean_f1_of(&["favor", "against"]))});
    // Holder swap on directed rows.
    let mut by_line: HashMap<String, [Option<usize>; 2]> = HashMap::new();
    for (i, r) in rows.iter().enumerate() {
        if let Some((line, dir)) = r.id.rsplit_once(':') {
            let slot = match dir {
                "fwd" => 0,
                "rev" => 1,
                _ => continue,
            };
            by_line.entry(line.to_string()).or_default()[slot] = Some(i);
        }
    }
    let (mut swapped, mut neutral) = (0usize, 0usize);
    let mut fwd_gold = Vec::new();
    let mut fwd_pred = Vec::new();
    for pair in by_line.values() {
        if let [Some(f), Some(r)] = pair {
            fwd_gold.push(gold[*f]);
            fwd_pred.push(pred[*f]);
            for (a, b) in [(*f, *r), (*r, *f)] {
                if rows[a].stance != Some(Stance::Neutral) {
                    swapped += 1;
                    if preds[b].label == Stance::Neutral {
                        neutral += 1;
                    }
                }
            }
        }
    }
    if swapped > 0 {
        let fs = score(&fwd_gold, &fwd_pred, &names::<Stance>());
        extra["holder_swap_rows"] = swapped.into();
        extra["holder_swap_neutral_rate"] = round4(neutral as f64 / swapped as f64).into();
        extra["forward_only_macro_f1"] = round4(fs.macro_f1).into();
    }
    Ok(summary(&s, extra, secs))
}

pub fn score_sentiment(
    model: &SentimentClassifier,
    rows: &[SentimentExample],
) -> Result<serde_json::Value> {
    score_sentiment_with(&|t| model.predict(t), rows)
}

/// A sentiment predictor: the sentiment model, or the joint model's sentiment head.
pub type SentimentFn<'a> = dyn Fn(&[&str]) -> Result<Vec<Prediction<Sentiment>>> + 'a;

/// [`score_sentiment`] with any sentiment predictor.
pub fn score_sentiment_with(
    model: &SentimentFn,
    rows: &[SentimentExample],
) -> Result<serde_json::Value> {
    let texts: Vec<&str> = rows.iter().map(|r| r.text.as_str()).collect();
    let t = Instant::now();
    let preds = model(&texts)?;
    let secs = t.elapsed().as_secs_f64();
    let gold: Vec<usize> = rows
        .iter()
        .map(|r| label_index::<Sentiment>(r.label))
        .collect();
    let pred: Vec<usize> = preds.iter().map(|p| label_index(p.label)).collect();
    let s = score(&gold, &pred, &names::<Sentiment>());
    Ok(summary(
        &s,
        serde_json::json!({"f1_positive_negative": round4(s.mean_f1_of(&["positive", "negative"]))}),
        secs,
    ))
}

/// The predicted BIO2 tag of every word (each word tagged by its first piece).
pub fn ner_predictions(model: &NerTagger, rows: &[NerSentence]) -> Result<Vec<Vec<String>>> {
    ner_predictions_with(
        &model.loaded,
        model.labels(),
        &|w, _| model.window_probs(w),
        rows,
    )
}

pub use crate::model::engine::WindowProbsFn;

/// [`ner_predictions`] with any tagger over the tokenizer and template of `loaded`.
pub fn ner_predictions_with(
    loaded: &Loaded,
    labels: &[String],
    probs: &WindowProbsFn,
    rows: &[NerSentence],
) -> Result<Vec<Vec<String>>> {
    let words: Vec<&[String]> = rows.iter().map(|r| r.words.as_slice()).collect();
    crate::model::engine::tag_words_with(loaded, labels, probs, &words)
}

/// Entity-level scores on pre-split sentences (each word tagged by its first piece).
pub fn score_ner(model: &NerTagger, rows: &[NerSentence]) -> Result<serde_json::Value> {
    score_ner_with(&|r| ner_predictions(model, r), rows)
}

/// Entity-level scores of predicted word tags against the gold tags of `rows`.
pub fn score_tags(pred: &[Vec<String>], rows: &[NerSentence]) -> NerScores {
    let pred: Vec<Vec<&str>> = pred
        .iter()
        .map(|p| p.iter().map(String::as_str).collect())
        .collect();
    let gold: Vec<Vec<&str>> = rows
        .iter()
        .map(|s| s.tags.iter().map(|t| t.as_str()).collect())
        .collect();
    ner_scores(&gold, &pred)
}

/// A word tagger: the BIO2 tag of every word of each sentence.
pub type WordTagsFn<'a> = dyn Fn(&[NerSentence]) -> Result<Vec<Vec<String>>> + 'a;

/// [`score_ner`] with any word tagger.
pub fn score_ner_with(model: &WordTagsFn, rows: &[NerSentence]) -> Result<serde_json::Value> {
    let t = Instant::now();
    let pred = model(rows)?;
    let secs = t.elapsed().as_secs_f64();
    let s = score_tags(&pred, rows);
    Ok(serde_json::json!({
        "n": rows.len(),
        "precision": round4(s.precision),
        "recall": round4(s.recall),
        "f1": round4(s.f1),
        "per_type": s.per_type.iter().map(|(k, c)| (k.clone(), serde_json::json!({"precision": round4(c.precision), "recall": round4(c.recall), "f1": round4(c.f1), "support": c.support}))).collect::<serde_json::Map<_, _>>(),
        "sentences_per_s": round4(rows.len() as f64 / secs.max(1e-9)),
    }))
}
