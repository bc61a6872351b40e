//! Classification metrics: confusion matrix, per-class P/R/F1, accuracy, macro-F1, the SemEval
//! `f_avg` (mean F1 of favor and against), and entity-level NER scores.

use serde::Serialize;
use std::collections::BTreeMap;

/// Precision, recall, F1 and support of one class.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClassScores {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub support: usize,
}

/// Scores of a classifier over `n` rows with `k` classes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scores {
    pub n: usize,
    pub accuracy: f64,
    /// Mean F1 over the classes that occur in gold or predictions.
    pub macro_f1: f64,
    pub per_class: BTreeMap<String, ClassScores>,
    /// `confusion[gold][pred]`, in `labels` order.
    pub confusion: Vec<Vec<usize>>,
    pub labels: Vec<String>,
}

/// `a / b`, or 0 when `b` is 0.
pub fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

/// Precision, recall and F1 of `tp` hits among `predicted` answers and `gold` truths (0 where a
/// denominator is 0).
pub fn prf(tp: usize, predicted: usize, gold: usize) -> (f64, f64, f64) {
    let precision = ratio(tp, predicted);
    let recall = ratio(tp, gold);
    let f1 = if precision + recall > 0.0 {
        2.0 * precision * recall / (precision + recall)
    } else {
        0.0
    };
    (precision, recall, f1)
}

/// Score predictions against gold; both are indices into `labels`.
///
/// A class absent from both gold and predictions is left out of macro-F1 (it has no defined F1);
/// a class that occurs in only one of them counts with F1 = 0.
pub fn score(gold: &[usize], pred: &[usize], labels: &[&str]) -> Scores {
    let k = labels.len();
    let mut confusion = vec![vec![0usize; k]; k];
    for (&g, &p) in gold.iter().zip(pred) {
        confusion[g][p] += 1;
    }
    let n = gold.len().min(pred.len());
    let correct: usize = (0..k).map(|i| confusion[i][i]).sum();
    let mut per_class = BTreeMap::new();
    let mut f1s = Vec::new();
    for c in 0..k {
        let tp = confusion[c][c];
        let gold_c: usize = confusion[c].iter().sum();
        let pred_c: usize = (0..k).map(|g| confusion[g][c]).sum();
        let (precision, recall, f1) = prf(tp, pred_c, gold_c);
        if gold_c + pred_c > 0 {
            f1s.push(f1);
        }
        per_class.insert(
            labels[c].to_string(),
            ClassScores {
                precision,
                recall,
                f1,
                support: gold_c,
            },
        );
    }
    let macro_f1 = if f1s.is_empty() {
        0.0
    } else {
        f1s.iter().sum::<f64>() / f1s.len() as f64
    };
    Scores {
        n,
        accuracy: ratio(correct, n),
        macro_f1,
        per_class,
        confusion,
        labels: labels.iter().map(|s| s.to_string()).collect(),
    }
}

impl Scores {
    /// Mean F1 of the named classes (the SemEval-2016 `f_avg` uses favor and against).
    pub fn mean_f1_of(&self, names: &[&str]) -> f64 {
        let f: Vec<f64> = names
            .iter()
            .filter_map(|n| self.per_class.get(*n).map(|c| c.f1))
            .collect();
        if f.is_empty() {
            0.0
        } else {
            f.iter().sum::<f64>() / f.len() as f64
        }
    }
}

/// Entity spans `(start, end, type)` of a BIO2 tag sequence (lenient: a stray `I-X` opens one).
pub fn bio_spans(tags: &[&str]) -> Vec<(usize, usize, String)> {
    let mut out = Vec::new();
    let mut cur: Option<(usize, String)> = None;
    for (i, t) in tags.iter().enumerate() {
        let (kind, ty) = t.split_once('-').unwrap_or(("O", ""));
        let cont = kind == "I" && cur.as_ref().is_some_and(|(_, c)| c == ty);
        if cont {
            continue;
        }
        if let Some((s, ty0)) = cur.take() {
            out.push((s, i, ty0));
        }
        if kind == "B" || kind == "I" {
            cur = Some((i, ty.to_string()));
        }
    }
    if let Some((s, ty0)) = cur {
        out.push((s, tags.len(), ty0));
    }
    out
}

/// Entity-level precision, recall and F1 (exact span and type), overall and per type.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NerScores {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub per_type: BTreeMap<String, ClassScores>,
}

pub fn ner_scores(gold: &[Vec<&str>], pred: &[Vec<&str>]) -> NerScores {
    let mut counts: BTreeMap<String, (usize, usize, usize)> = BTreeMap::new(); // tp, gold, pred
    for (g, p) in gold.iter().zip(pred) {
        let gs = bio_spans(g);
        let ps = bio_spans(p);
        for s in &gs {
            counts.entry(s.2.clone()).or_default().1 += 1;
            if ps.contains(s) {
                counts.entry(s.2.clone()).or_default().0 += 1;
            }
        }
        for s in &ps {
            counts.entry(s.2.clone()).or_default().2 += 1;
        }
    }
    let f = |tp: usize, g: usize, p: usize| prf(tp, p, g);
    let (mut tp, mut gn, mut pn) = (0, 0, 0);
    let mut per_type = BTreeMap::new();
    for (ty, (t, g, p)) in &counts {
        tp += t;
        gn += g;
        pn += p;
        let (precision, recall, f1) = f(*t, *g, *p);
        per_type.insert(
            ty.clone(),
            ClassScores {
                precision,
                recall,
                f1,
                support: *g,
            },
        );
    }
    let (precision, recall, f1) = f(tp, gn, pn);
    NerScores {
        precision,
        recall,
        f1,
        per_type,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_match_hand_computation() {
        // gold: F F A A N N ; pred: F A A A N F
        let labels = ["favor", "against", "neutral"];
        let s = score(&[0, 0, 1, 1, 2, 2], &[0, 1, 1, 1, 2, 0], &labels);
        assert!((s.accuracy - 4.0 / 6.0).abs() < 1e-12);
        // favor: P 1/2 R 1/2 F 1/2; against: P 2/3 R 1 F 0.8; neutral: P 1 R 1/2 F 2/3
        let f = s.per_class["favor"].f1;
        assert!((f - 0.5).abs() < 1e-12);
        assert!((s.per_class["against"].f1 - 0.8).abs() < 1e-12);
        assert!((s.macro_f1 - (0.5 + 0.8 + 2.0 / 3.0) / 3.0).abs() < 1e-12);
        assert!((s.mean_f1_of(&["favor", "against"]) - 0.65).abs() < 1e-12);
        assert_eq!(s.confusion[0], vec![1, 1, 0]);
    }

    #[test]
    fn absent_class_is_left_out_of_macro_f1_and_empty_input_scores_zero() {
        let s = score(&[0, 1], &[0, 1], &["favor", "against", "neutral"]);
        assert!((s.macro_f1 - 1.0).abs() < 1e-12);
        let e = score(&[], &[], &["favor", "against"]);
        assert_eq!(e.n, 0);
        assert_eq!(e.accuracy, 0.0);
        assert_eq!(e.macro_f1, 0.0);
    }

    #[test]
    fn ner_entity_level() {
        let gold = vec![vec!["B-PER", "I-PER", "O", "B-LOC"]];
        let pred = vec![vec!["B-PER", "I-PER", "O", "B-ORG"]];
        let s = ner_scores(&gold, &pred);
        assert!((s.precision - 0.5).abs() < 1e-12);
        assert!((s.recall - 0.5).abs() < 1e-12);
        assert_eq!(s.per_type["PER"].f1, 1.0);
        assert_eq!(
            bio_spans(&["I-PER", "I-PER", "B-PER"]),
            vec![(0, 2, "PER".into()), (2, 3, "PER".into())]
        );
    }
}
