//! The model manifest (`manifest.json` beside each shipped model's weights): what the model is,
//! what it was built from, how its inputs look, how it was trained and what it scored.

use crate::model::resolve::BaseSpec;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// Which task a model does; decides its head and its input template.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Task {
    Stance,
    Sentiment,
    Ner,
    /// One encoder pass per sentence for all three tasks (see `model::joint`).
    Joint,
    /// Source, cue and content spans over document windows (see `model::attribution`).
    Attribution,
    /// The fast profile's attribution head over the joint model's states (see
    /// `model::attribution_head`).
    #[serde(rename = "joint-attribution")]
    JointAttribution,
}

impl Task {
    pub fn name(self) -> &'static str {
        match self {
            Task::Stance => "stance",
            Task::Sentiment => "sentiment",
            Task::Ner => "ner",
            Task::Joint => "joint",
            Task::Attribution => "attribution",
            Task::JointAttribution => "joint-attribution",
        }
    }
}

impl std::str::FromStr for Task {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "stance" => Ok(Task::Stance),
            "sentiment" => Ok(Task::Sentiment),
            "ner" | "actors" => Ok(Task::Ner),
            "joint" => Ok(Task::Joint),
            "attribution" => Ok(Task::Attribution),
            "joint-attribution" => Ok(Task::JointAttribution),
            _ => Err(format!(
                "unknown task '{s}'; expected stance, sentiment, ner, joint, attribution, joint-attribution"
            )),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub name: String,
    pub task: Task,
    /// Backbone architecture; `bert` today (see `bert::Backbone` for adding others).
    pub architecture: String,
    pub base: BaseSpec,
    /// File name of the trained tensors, beside the manifest.
    pub weights: String,
    /// sha256 of that file, checked on load.
    pub weights_sha256: String,
    /// Further weights files, when the trained tensors are more than one file may hold
    /// ([`crate::model::trainer::SHIPPED_FILE_LIMIT`]): each is read and checked like `weights`,
    /// and together they are the model's trained tensors.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub more_weights: Vec<WeightsFile>,
    /// Number of bottom encoder layers taken unchanged from the base model.
    pub frozen_layers: usize,
    /// Label of each output index, by name ("0": "favor", ...).
    pub id2label: BTreeMap<String, String>,
    pub input_template: String,
    pub max_length: usize,
    pub head_dropout: f32,
    /// How the sequence head pools the last layer (stance only; older manifests: `mean`).
    #[serde(default, skip_serializing_if = "Pooling::is_mean")]
    pub pooling: Pooling,
    /// Labels of each head of a joint model ("ner", "sentiment", "stance"), in output order;
    /// `id2label` then holds the stance labels. Empty for single-task models.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub heads: BTreeMap<String, Vec<String>>,
    /// Temperature of each head's probabilities ("stance", "sentiment"), fitted on dev data by
    /// `standpoint calibrate`: a head's logits are divided by it before the softmax. A head not
    /// listed is uncalibrated (temperature 1).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub calibration: BTreeMap<String, f64>,
    #[serde(default)]
    pub training: serde_json::Value,
    #[serde(default)]
    pub metrics: serde_json::Value,
}

/// One weights file of a model and its sha256.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeightsFile {
    pub file: String,
    pub sha256: String,
}

impl Manifest {
    /// Every weights file with its sha256: `weights` first, then `more_weights`.
    pub fn weight_files(&self) -> Vec<WeightsFile> {
        let mut out = vec![WeightsFile {
            file: self.weights.clone(),
            sha256: self.weights_sha256.clone(),
        }];
        out.extend(self.more_weights.iter().cloned());
        out
    }

    /// One digest of all the weights: `weights_sha256` for a model in one file, else the sha256
    /// of the files' digests in order (what a head trained over this model binds to).
    pub fn weights_digest(&self) -> String {
        if self.more_weights.is_empty() {
            return self.weights_sha256.clone();
        }
        use sha2::{Digest, Sha256};
        let joined: Vec<String> = self.weight_files().into_iter().map(|w| w.sha256).collect();
        hex::encode(Sha256::digest(joined.join(" ").as_bytes()))
    }

    /// Labels in output-index order; errors if the ids are not exactly 0..n.
    pub fn labels(&self) -> Result<Vec<String>, String> {
        let mut out = Vec::with_capacity(self.id2label.len());
        for i in 0..self.id2label.len() {
            match self.id2label.get(&i.to_string()) {
                Some(l) => out.push(l.clone()),
                None => return Err(format!("id2label has no entry for id {i}")),
            }
        }
        Ok(out)
    }

    /// The temperature of `head` (1 when it has none; [`Manifest::read`] refuses unusable ones).
    pub fn temperature(&self, head: &str) -> f32 {
        match self.calibration.get(head) {
            Some(&t) if t.is_finite() && t > 0.0 => t as f32,
            _ => 1.0,
        }
    }

    pub fn read(path: &Path) -> Result<Manifest, String> {
        let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
        let m: Manifest = serde_json::from_str(&text).map_err(|e| e.to_string())?;
        for (head, t) in &m.calibration {
            if !(t.is_finite() && *t > 0.0) {
                return Err(format!(
                    "calibration.{head} is {t}; a temperature must be a positive number (remove \
                     it, or rerun `standpoint models calibrate`)"
                ));
            }
        }
        Ok(m)
    }

    pub fn write(&self, path: &Path) -> std::io::Result<()> {
        let mut text = serde_json::to_string_pretty(self).map_err(std::io::Error::other)?;
        text.push('\n');
        std::fs::write(path, text)
    }
}

/// How a sequence classifier pools the encoder's last layer before its head.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Pooling {
    /// The mean of all tokens.
    #[default]
    Mean,
    /// The mean of all tokens next to the mean of the marked target mention's tokens (stance):
    /// each actor of a sentence gets its own view of the sentence, so a victim and the party
    /// blamed for its suffering need not share a label.
    MeanAndTarget,
}

impl Pooling {
    pub fn is_mean(&self) -> bool {
        *self == Pooling::Mean
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest(more: &[(&str, &str)]) -> Manifest {
        let mut m: Manifest = serde_json::from_value(serde_json::json!({
            "name": "m", "task": "joint", "architecture": "mpnet",
            "base": {"repo_id": "a/b", "revision": "r", "weights_sha256": "h"},
            "weights": "model.safetensors", "weights_sha256": "aa", "frozen_layers": 0,
            "id2label": {}, "input_template": "", "max_length": 8, "head_dropout": 0.0
        }))
        .unwrap();
        m.more_weights = more
            .iter()
            .map(|(f, s)| WeightsFile {
                file: f.to_string(),
                sha256: s.to_string(),
            })
            .collect();
        m
    }

    #[test]
    fn a_model_in_one_file_is_bound_by_that_file_and_one_in_several_by_all_in_order() {
        let one = manifest(&[]);
        assert_eq!(one.weights_digest(), "aa");
        assert!(!serde_json::to_string(&one)
            .unwrap()
            .contains("more_weights"));
        let two = manifest(&[("model-2.safetensors", "bb")]);
        let other = manifest(&[("model-2.safetensors", "cc")]);
        assert_eq!(two.weight_files().len(), 2);
        assert_ne!(two.weights_digest(), "aa");
        assert_ne!(two.weights_digest(), other.weights_digest());
        let back: Manifest = serde_json::from_str(&serde_json::to_string(&two).unwrap()).unwrap();
        assert_eq!(back, two);
    }
}
