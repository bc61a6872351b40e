//! Label sets (stance, sentiment, NER tags) mapped by name, never by index, plus predictions.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The speaker's stance toward an actor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Stance {
    Favor,
    Against,
    Neutral,
}

/// The sentence's sentiment, from the speaker's view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Sentiment {
    Positive,
    Negative,
    Neutral,
}

/// A closed label set whose members are named by lowercase strings.
pub trait LabelSet: Sized + Copy + Eq + fmt::Debug + 'static {
    /// Every member, in the canonical order used for reports.
    const ALL: &'static [Self];
    /// What the label set is called in messages ("stance", "sentiment").
    const KIND: &'static str;
    fn name(self) -> &'static str;
    fn parse(s: &str) -> Option<Self> {
        let lower = s.trim().to_ascii_lowercase();
        Self::ALL.iter().copied().find(|l| l.name() == lower)
    }
    /// The valid names, comma separated, for error messages.
    fn choices() -> String {
        Self::ALL
            .iter()
            .map(|l| l.name())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

impl LabelSet for Stance {
    const ALL: &'static [Self] = &[Stance::Favor, Stance::Against, Stance::Neutral];
    const KIND: &'static str = "stance";
    fn name(self) -> &'static str {
        match self {
            Stance::Favor => "favor",
            Stance::Against => "against",
            Stance::Neutral => "neutral",
        }
    }
}

impl LabelSet for Sentiment {
    const ALL: &'static [Self] = &[Sentiment::Positive, Sentiment::Negative, Sentiment::Neutral];
    const KIND: &'static str = "sentiment";
    fn name(self) -> &'static str {
        match self {
            Sentiment::Positive => "positive",
            Sentiment::Negative => "negative",
            Sentiment::Neutral => "neutral",
        }
    }
}

macro_rules! display_fromstr {
    ($t:ty) => {
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.name())
            }
        }
        impl FromStr for $t {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                <$t as LabelSet>::parse(s).ok_or_else(|| {
                    format!(
                        "unknown {} label '{}'; expected {}",
                        <$t as LabelSet>::KIND,
                        s,
                        <$t as LabelSet>::choices()
                    )
                })
            }
        }
    };
}
display_fromstr!(Stance);
display_fromstr!(Sentiment);

/// The holder used for plain narration.
pub const AUTHOR: &str = "author";
/// The holder of rows whose dataset does not say whose view the label is (NewsMTSC).
pub const UNSPECIFIED: &str = "unspecified";

/// One classification: the winning label, its probability, and the probability of every label.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Prediction<L> {
    pub label: L,
    pub score: f32,
    /// Probabilities of all labels, in the model's id2label order, by name.
    pub scores: Vec<(L, f32)>,
}

impl<L: LabelSet> Prediction<L> {
    /// Build from probabilities given in id order, with the model's id -> label map.
    pub fn from_probs(probs: &[f32], id2label: &[L]) -> Self {
        let mut best = 0;
        for (i, p) in probs.iter().enumerate() {
            if *p > probs[best] {
                best = i;
            }
        }
        Prediction {
            label: id2label[best],
            score: probs[best],
            scores: id2label
                .iter()
                .copied()
                .zip(probs.iter().copied())
                .collect(),
        }
    }
    /// The probability of `label` (0 when the model does not have it).
    pub fn prob(&self, label: L) -> f32 {
        self.scores
            .iter()
            .find(|(l, _)| *l == label)
            .map(|(_, p)| *p)
            .unwrap_or(0.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_parse_by_name_case_insensitively() {
        assert_eq!("FAVOR".parse::<Stance>().unwrap(), Stance::Favor);
        assert_eq!(
            " neutral ".parse::<Sentiment>().unwrap(),
            Sentiment::Neutral
        );
        let err = "FAVOUR".parse::<Stance>().unwrap_err();
        assert!(err.contains("expected favor, against, neutral"), "{err}");
    }

    #[test]
    fn prediction_picks_argmax_by_name() {
        let p = Prediction::from_probs(
            &[0.1, 0.7, 0.2],
            &[Stance::Neutral, Stance::Against, Stance::Favor],
        );
        assert_eq!(p.label, Stance::Against);
        assert!((p.prob(Stance::Favor) - 0.2).abs() < 1e-6);
    }
}
