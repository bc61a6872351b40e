//! Tiny random-weight models for tests and fuzzing: a 2-layer, 16-wide BERT over a 30-word
//! vocabulary, written to disk in the same layout as the real base encoder and shipped models,
//! so they load through the same code (no base encoder, no network).
//!
//! Not part of the supported API: the weights are random, and the predictions mean nothing.

use crate::model::bert::TrainBert;
use crate::model::error::{Error, Result};
use crate::model::joint::{self, JointTrainModel};
use crate::model::manifest::Task;
use crate::model::resolve::BaseSpec;
use crate::model::trainer::{self, Recipe};
use candle_core::{DType, Device, Tensor};
use candle_nn::{VarBuilder, VarMap};
use candle_transformers::models::bert::Config;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The tiny BERT's `config.json`.
fn config_json() -> serde_json::Value {
    serde_json::json!({
        "vocab_size": 40, "hidden_size": 16, "num_hidden_layers": 2, "num_attention_heads": 2,
        "intermediate_size": 32, "hidden_act": "gelu", "hidden_dropout_prob": 0.1,
        "max_position_embeddings": 64, "type_vocab_size": 2, "initializer_range": 0.02,
        "layer_norm_eps": 1e-12, "pad_token_id": 0, "model_type": "bert"
    })
}

/// The tiny BERT's configuration.
pub fn config() -> Config {
    serde_json::from_value(config_json()).expect("the tiny config is a valid BERT config")
}

const WORDS: [&str; 30] = [
    "[PAD]",
    "[UNK]",
    "[CLS]",
    "[SEP]",
    "[",
    "]",
    "{",
    "}",
    "author",
    "unspecified",
    "trump",
    "china",
    "blamed",
    "praised",
    "the",
    "talks",
    "said",
    "good",
    "bad",
    "a",
    "deal",
    "war",
    "peace",
    "he",
    "they",
    "and",
    ".",
    ",",
    "us",
    "eu",
];

/// A word-level `tokenizer.json` over [`WORDS`] (lowercased, BERT pre-tokenizer); every other
/// word is `[UNK]`.
pub fn tokenizer_json() -> String {
    let vocab: serde_json::Map<String, serde_json::Value> = WORDS
        .iter()
        .enumerate()
        .map(|(i, w)| (w.to_string(), serde_json::json!(i)))
        .collect();
    serde_json::json!({
        "version": "1.0", "truncation": null, "padding": null, "added_tokens": [],
        "normalizer": {"type": "Lowercase"}, "pre_tokenizer": {"type": "BertPreTokenizer"},
        "post_processor": null, "decoder": null,
        "model": {"type": "WordLevel", "vocab": vocab, "unk_token": "[UNK]"}
    })
    .to_string()
}

/// Random base weights for the tiny config, under Hugging Face names, the same for the same
/// `seed`.
pub fn base_tensors(seed: u64) -> HashMap<String, Tensor> {
    let c = config();
    let dev = Device::Cpu;
    let vm = VarMap::new();
    let vb = VarBuilder::from_varmap(&vm, DType::F32, &dev);
    let empty = VarBuilder::from_tensors(HashMap::new(), DType::F32, &dev);
    let _ = TrainBert::load(empty, vb, &c, 0).expect("tiny bert");
    // VarMap init is random but unseeded; make it reproducible by overwriting from a seeded rng.
    let data = vm.data().lock().expect("lock");
    let mut names: Vec<&String> = data.keys().collect();
    names.sort();
    let mut out = HashMap::new();
    use rand::{Rng, SeedableRng};
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    for n in names {
        let t = data[n].as_tensor();
        let v: Vec<f32> = if n.ends_with("LayerNorm.weight") {
            vec![1.0; t.elem_count()]
        } else if n.ends_with("bias") {
            vec![0.0; t.elem_count()]
        } else {
            (0..t.elem_count())
                .map(|_| rng.gen_range(-0.1f32..0.1))
                .collect()
        };
        out.insert(
            n.clone(),
            Tensor::from_vec(v, t.shape(), &dev).expect("tensor"),
        );
    }
    out
}

/// Writes a tiny base model directory (config, weights of seed 1, tokenizer); returns its
/// weights' sha256.
pub fn write_base(dir: &Path) -> Result<String> {
    let io = |p: &Path, source: std::io::Error| Error::Io {
        path: p.to_path_buf(),
        source,
    };
    std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
    let config = dir.join("config.json");
    std::fs::write(&config, config_json().to_string()).map_err(|e| io(&config, e))?;
    let tokenizer = dir.join("tokenizer.json");
    std::fs::write(&tokenizer, tokenizer_json()).map_err(|e| io(&tokenizer, e))?;
    let weights = dir.join("model.safetensors");
    candle_core::safetensors::save(&base_tensors(1), &weights)?;
    trainer::sha256_file(&weights)
}

/// Writes an untrained tiny joint model over a tiny base under `dir`: the base in `dir/base`,
/// the model in `dir/models/joint` (its manifest pins the base's weights). Returns the models
/// directory and the base directory, as the pipeline loads them
/// with the fast profile.
pub fn write_joint(dir: &Path) -> Result<(PathBuf, PathBuf)> {
    let base_dir = dir.join("base");
    let sha = write_base(&base_dir)?;
    let base = candle_core::safetensors::load(base_dir.join("model.safetensors"), &Device::Cpu)?;
    let recipe = Recipe {
        dropout: 0.0,
        frozen_layers: 1,
        max_len: 32,
        ..Recipe::default_for(Task::Joint)
    };
    let model = JointTrainModel::from_tensors(&config(), base, &recipe)?;
    let weights = dir.join("joint.safetensors");
    model.varmap.save(&weights)?;
    let spec = BaseSpec {
        weights_sha256: sha,
        ..BaseSpec::default_encoder()
    };
    let models_dir = dir.join("models");
    trainer::write_model(
        &models_dir.join("joint"),
        &joint::model_kind(),
        &recipe,
        &spec,
        &weights,
        serde_json::json!({"data": "none: untrained tiny model"}),
    )?;
    Ok((models_dir, base_dir))
}
