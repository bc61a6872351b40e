//! The result of classifying one document: sentences with their speaker, sentiment and actors
//! (each with a stance and the probabilities of all labels), and the speaker x actor summary.
//! The JSON shape is described by `schema/document.schema.json`.

use crate::labels::{LabelSet, Prediction, Stance};
use serde::Serialize;
use std::collections::BTreeMap;

/// A label with the probability of every label, by name.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scored {
    pub label: String,
    pub scores: BTreeMap<String, f32>,
}

impl<L: LabelSet> From<&Prediction<L>> for Scored {
    fn from(p: &Prediction<L>) -> Self {
        Scored {
            label: p.label.name().to_string(),
            scores: p
                .scores
                .iter()
                .map(|(l, s)| (l.name().to_string(), *s))
                .collect(),
        }
    }
}

/// One actor mentioned in a sentence and the holder's stance toward it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActorMention {
    /// Canonical name ("United States", "Khawaja Muhammad Asif").
    pub actor: String,
    /// Wikidata QID, `standpoint:<slug>`, or `doc:<name>` for actors found only in this text.
    pub id: String,
    /// state, organisation, group or person.
    #[serde(rename = "type")]
    pub kind: String,
    /// The words in the text.
    pub mention: String,
    /// Byte offsets into the original text.
    pub start: usize,
    pub end: usize,
    /// Whose stance: the sentence's speaker, or the holder of a stance reported inside the
    /// sentence ("Pakistani officials criticized ..." -> Pakistan).
    pub holder: String,
    pub stance: Scored,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SentenceResult {
    pub index: usize,
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub speaker: String,
    /// How the speaker was found (direct_quote, reported_speech, narration, ...).
    pub cue: String,
    /// Where the speaker is named in this sentence (a name, pronoun, title or institution
    /// phrase), as byte offsets into the original text; absent when the sentence does not name
    /// its speaker (narration, a quote continued from another sentence).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub speaker_span: Option<Span>,
    /// Quoted text (quotation marks excluded) as byte offsets into the original text; a quote
    /// running on into the next sentence ends at this sentence's end.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub quotes: Vec<Span>,
    pub sentiment: Scored,
    pub actors: Vec<ActorMention>,
    /// The attributions whose content lies (partly) in this sentence, from the attribution
    /// model; absent when the rules alone attribute (`--speakers rules`, or no model).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub attributions: Vec<AttributionSpan>,
}

/// One attribution relation: who (source), how (cue) and what (content), the holder the source
/// resolves to, and how the content is given.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AttributionSpan {
    /// Canonical name, or a group as written ("analysts"); absent when the source is missing
    /// or could not be resolved.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub holder: Option<String>,
    /// person, body or group.
    pub holder_kind: String,
    /// direct (in quotation marks), indirect (reported speech) or belief (a belief or
    /// intention).
    pub content_kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<TextSpan>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cue: Option<TextSpan>,
    pub content: TextSpan,
}

/// A stretch of the original text, in bytes, with its text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TextSpan {
    pub start: usize,
    pub end: usize,
    pub text: String,
}

/// A stretch of the original text, in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

/// Aggregate stance of one holder toward one actor over the document.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SummaryRow {
    pub speaker: String,
    pub actor: String,
    /// favor, against, neutral, or mixed (a tie between favor and against).
    pub stance: String,
    /// Mean probability of the aggregate label over the evidence sentences (for `mixed`, the
    /// mean probability of the sentences' own labels).
    pub confidence: f32,
    pub counts: BTreeMap<String, usize>,
    /// Indices of the sentences behind it.
    pub evidence: Vec<usize>,
}

/// A line the cleaner dropped, with why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DroppedLine {
    pub line: usize,
    pub text: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Document {
    pub sentences: Vec<SentenceResult>,
    pub summary: Vec<SummaryRow>,
    pub dropped: Vec<DroppedLine>,
}

/// Summarise (holder, actor) pairs: majority of the non-neutral sentence stances, `mixed` on a
/// tie, `neutral` when all are neutral; evidence in sentence order.
pub fn summarise(sentences: &[SentenceResult]) -> Vec<SummaryRow> {
    let mut groups: BTreeMap<(String, String), Vec<(usize, &Scored)>> = BTreeMap::new();
    for s in sentences {
        for a in &s.actors {
            let g = groups
                .entry((a.holder.clone(), a.actor.clone()))
                .or_default();
            if g.last().map(|(i, _)| *i) != Some(s.index) {
                g.push((s.index, &a.stance));
            }
        }
    }
    groups
        .into_iter()
        .map(|((speaker, actor), rows)| {
            let mut counts: BTreeMap<String, usize> = Stance::ALL
                .iter()
                .map(|l| (l.name().to_string(), 0))
                .collect();
            for (_, st) in &rows {
                *counts.entry(st.label.clone()).or_default() += 1;
            }
            let favor = counts["favor"];
            let against = counts["against"];
            let stance = if favor == 0 && against == 0 {
                "neutral"
            } else if favor > against {
                "favor"
            } else if against > favor {
                "against"
            } else {
                "mixed"
            };
            let probs: Vec<f32> = rows
                .iter()
                .filter(|(_, st)| stance == "mixed" || stance == "neutral" || st.label == stance)
                .map(|(_, st)| {
                    let key = if stance == "mixed" {
                        st.label.as_str()
                    } else {
                        stance
                    };
                    st.scores.get(key).copied().unwrap_or(0.0)
                })
                .collect();
            let confidence = if probs.is_empty() {
                0.0
            } else {
                probs.iter().sum::<f32>() / probs.len() as f32
            };
            SummaryRow {
                speaker,
                actor,
                stance: stance.to_string(),
                confidence,
                counts,
                evidence: rows.iter().map(|(i, _)| *i).collect(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn st(label: &str, p: f32) -> Scored {
        let mut scores: BTreeMap<String, f32> = ["favor", "against", "neutral"]
            .iter()
            .map(|l| (l.to_string(), (1.0 - p) / 2.0))
            .collect();
        scores.insert(label.to_string(), p);
        Scored {
            label: label.to_string(),
            scores,
        }
    }

    fn sentence(index: usize, holder: &str, actor: &str, label: &str, p: f32) -> SentenceResult {
        SentenceResult {
            index,
            start: 0,
            end: 0,
            text: String::new(),
            speaker: holder.into(),
            cue: "narration".into(),
            speaker_span: None,
            quotes: Vec::new(),
            sentiment: st("neutral", 1.0),
            attributions: Vec::new(),
            actors: vec![ActorMention {
                actor: actor.into(),
                id: "x".into(),
                kind: "state".into(),
                mention: actor.into(),
                start: 0,
                end: 0,
                holder: holder.into(),
                stance: st(label, p),
            }],
        }
    }

    #[test]
    fn summary_takes_the_majority_of_non_neutral_stances() {
        let s = vec![
            sentence(0, "A", "X", "against", 0.8),
            sentence(1, "A", "X", "neutral", 0.9),
            sentence(2, "A", "X", "against", 0.6),
            sentence(3, "A", "X", "favor", 0.7),
            sentence(4, "A", "Y", "favor", 0.5),
            sentence(5, "A", "Y", "against", 0.7),
            sentence(6, "B", "X", "neutral", 0.9),
        ];
        let sum = summarise(&s);
        let get = |sp: &str, a: &str| {
            sum.iter()
                .find(|r| r.speaker == sp && r.actor == a)
                .expect("row")
                .clone()
        };
        let ax = get("A", "X");
        assert_eq!(ax.stance, "against");
        assert_eq!(ax.counts["against"], 2);
        assert_eq!(ax.evidence, vec![0, 1, 2, 3]);
        assert!((ax.confidence - 0.7).abs() < 1e-6);
        assert_eq!(get("A", "Y").stance, "mixed");
        assert_eq!(get("B", "X").stance, "neutral");
    }
}
