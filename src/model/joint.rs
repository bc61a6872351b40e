//! The joint model: one encoder pass per sentence serves all three tasks.
//!
//! The separate models read the sentence three times or more: the tagger once, the sentiment
//! classifier once, and the stance classifier once per (holder, actor) pair, each pair with its own
//! input (holder, target, marked sentence, context). A batch run spends four to five encoder
//! passes per sentence that way. The joint model reads `[CLS] sentence [SEP]` once through a
//! shared encoder (the base's bottom layers frozen, the top layers trained on all three tasks) and
//! puts three small heads on the same token states:
//!
//! - actors: a linear tag layer per token (BIO over CoNLL's types), as the NER model;
//! - sentiment: mean of the tokens, dense + tanh + projection, as the sentiment model;
//! - stance: for each (holder, actor) pair, the sentence mean, the mean of the actor mention's
//!   tokens and a holder vector side by side, then dense + tanh + projection. The holder vector is
//!   the mean of the holder's tokens when the holder is named in the sentence, plus a learned
//!   vector for the kind of holder (named here, `author`, named elsewhere, unspecified), so the
//!   same sentence can give the speaker a stance and the narrator none.
//!
//! A pair therefore costs a few thousand multiply-adds instead of an encoder pass. What it cannot
//! read is the previous sentence and the holder's name when it is not in the sentence; the
//! accuracy this costs is measured with `standpoint eval` and shown in the README.

use crate::data::{NerSentence, SentimentExample, StanceExample};
use crate::labels::{LabelSet, Prediction, Sentiment, Stance, AUTHOR, UNSPECIFIED};
use crate::model::bert::{
    dropout as drop, mean_pool, mean_rows, with_host_f32, Backbone, Batch, TrainBert,
};
use crate::model::classifier::{
    calibrated, entities_from_windows, load_base_tensors, load_encoder_config, mean_by_owner,
    softmax_host_rows, softmax_rows, EncoderConfig, Entity, Loaded,
};
use crate::model::encode::{self, Encoded, StanceInput, Template, TokenWindow};
use crate::model::error::{Error, Result};
use crate::model::heads::dense;
use crate::model::manifest::Task;
use crate::model::mix::{self, DataRoots, NER_LABELS};
use crate::model::resolve::ModelFiles;
use crate::model::train::{self, IGNORE};
use crate::model::trainer::{DevScore, ModelKind, Objective, Recipe};
use candle_core::{DType, Device, Module, Tensor, Var};
use candle_nn::{Linear, VarBuilder, VarMap};
use rand::seq::SliceRandom;
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use tokenizers::Tokenizer;

/// Kinds of holder the stance head tells apart (rows of `stance.holder_kinds`).
pub const HOLDER_KINDS: usize = 4;

pub const JOINT_TEMPLATE: &str = "[CLS] sentence [SEP], read once; actors tagged per token (with the case shape of each word when the weights have `ner_case`), sentiment from the token mean, stance per pair from the token mean, the actor mention's mean and the holder (its mention's mean when in the sentence, plus a learned vector per kind: named here, author, named elsewhere, unspecified)";

/// Whose view a stance question takes, as the joint stance head sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Holder {
    /// Named in the sentence at token positions `start..end`.
    Span(usize, usize),
    /// Plain narration.
    Author,
    /// A speaker named elsewhere (an earlier sentence, an attribution outside this one).
    Elsewhere,
    /// The data does not say whose view it is (NewsMTSC).
    Unspecified,
}

impl Holder {
    fn kind(self) -> usize {
        match self {
            Holder::Span(..) => 0,
            Holder::Author => 1,
            Holder::Elsewhere => 2,
            Holder::Unspecified => 3,
        }
    }

    /// The holder of a (holder name, byte span in the sentence) pair, given the window the
    /// question is read in and the target's token positions there.
    pub fn of(
        name: &str,
        span: Option<(usize, usize)>,
        w: &TokenWindow,
        target: (usize, usize),
    ) -> Holder {
        if name == AUTHOR {
            return Holder::Author;
        }
        if name == UNSPECIFIED {
            return Holder::Unspecified;
        }
        match span.and_then(|s| token_range(w, s)) {
            Some((s, e)) if e <= target.0 || s >= target.1 => Holder::Span(s, e),
            _ => Holder::Elsewhere,
        }
    }
}

/// Token positions `start..end` of a window whose pieces overlap the byte span `span`.
pub fn token_range(w: &TokenWindow, span: (usize, usize)) -> Option<(usize, usize)> {
    let mut first = None;
    let mut last = 0;
    for (pos, sp) in w.spans.iter().enumerate() {
        if let Some((a, b)) = sp {
            if *a < span.1 && span.0 < *b {
                first.get_or_insert(pos);
                last = pos + 1;
            }
        }
    }
    first.map(|f| (f, last))
}

/// One training row of one task.
#[derive(Debug, Clone)]
pub enum JointLabel {
    /// A tag per position (`IGNORE` where no loss is taken) and the case shape of each
    /// position's word ([`encode::case_shape`]).
    Ner {
        tags: Vec<usize>,
        shapes: Vec<u8>,
    },
    Sentiment(usize),
    Stance {
        class: usize,
        target: (usize, usize),
        holder: Holder,
    },
}

#[derive(Debug, Clone)]
pub struct JointSample {
    pub ids: Vec<u32>,
    pub label: JointLabel,
    /// The frozen bottom's output over `ids` (`[ids.len(), hidden]`), when the run computed it
    /// once up front (see [`compute_bottoms`]); the top then starts from it.
    pub bottom: Option<std::sync::Arc<[f32]>>,
}

impl JointSample {
    fn task(&self) -> usize {
        match self.label {
            JointLabel::Ner { .. } => 0,
            JointLabel::Sentiment(_) => 1,
            JointLabel::Stance { .. } => 2,
        }
    }
}

const TASK_NAMES: [&str; 3] = ["ner", "sentiment", "stance"];

/// Width of the case head's hidden layer.
const CASE_WIDTH: usize = 64;

/// The tag head's view of case, which the lower-casing tokenizers lose: a small layer over each
/// token's state plus a learned vector of its word's case shape ([`encode::case_shape`]), whose
/// output is added to the tag logits. `ner_case.out` starts at zero, so a model trained
/// without it starts from the same predictions.
struct CaseHead {
    proj: Linear,
    shapes: Tensor,
    out: Linear,
}

/// The three heads over the shared token states.
pub struct JointHeads {
    ner: Linear,
    case: Option<CaseHead>,
    sentiment_dense: Linear,
    sentiment_out: Linear,
    stance_query: Linear,
    stance_dense: Linear,
    stance_out: Linear,
    holder_kinds: Tensor,
    dropout: f32,
}

impl JointHeads {
    /// Weights under `ner`, `ner_case.{proj,shapes,out}` (with `case`),
    /// `sentiment.{dense,out_proj}` and `stance.{query,dense,out_proj,holder_kinds}`.
    pub fn load(
        vb: VarBuilder,
        hidden: usize,
        dropout: f32,
        case: bool,
    ) -> candle_core::Result<Self> {
        let case = match case {
            true => Some(CaseHead {
                proj: candle_nn::linear(hidden, CASE_WIDTH, vb.pp("ner_case.proj"))?,
                shapes: vb.get((encode::CASE_SHAPES, CASE_WIDTH), "ner_case.shapes")?,
                out: candle_nn::linear(CASE_WIDTH, NER_LABELS.len(), vb.pp("ner_case.out"))?,
            }),
            false => None,
        };
        Ok(Self {
            ner: candle_nn::linear(hidden, NER_LABELS.len(), vb.pp("ner"))?,
            case,
            sentiment_dense: candle_nn::linear(hidden, hidden, vb.pp("sentiment.dense"))?,
            sentiment_out: candle_nn::linear(
                hidden,
                Sentiment::ALL.len(),
                vb.pp("sentiment.out_proj"),
            )?,
            stance_query: candle_nn::linear(hidden, hidden, vb.pp("stance.query"))?,
            stance_dense: candle_nn::linear(4 * hidden, hidden, vb.pp("stance.dense"))?,
            stance_out: candle_nn::linear(hidden, Stance::ALL.len(), vb.pp("stance.out_proj"))?,
            holder_kinds: vb.get((HOLDER_KINDS, hidden), "stance.holder_kinds")?,
            dropout,
        })
    }

    /// `[batch, seq, hidden]` states and `[batch, seq]` case shapes (u32) -> `[batch, seq, tags]`.
    pub fn ner_logits(
        &self,
        states: &Tensor,
        shapes: &Tensor,
        train: bool,
    ) -> candle_core::Result<Tensor> {
        let x = drop(states, self.dropout, train)?;
        let logits = dense(&self.ner, &x, train)?;
        let Some(c) = &self.case else {
            return Ok(logits);
        };
        let (b, t, _) = states.dims3()?;
        let shape_vecs = c
            .shapes
            .index_select(&shapes.flatten_all()?, 0)?
            .reshape((b, t, CASE_WIDTH))?;
        let h = (dense(&c.proj, &x, train)? + shape_vecs)?.gelu_erf()?;
        logits + dense(&c.out, &drop(&h, self.dropout, train)?, train)?
    }

    /// Whether the tag head reads case shapes (a model trained before it did not).
    pub fn reads_case(&self) -> bool {
        self.case.is_some()
    }

    /// `[n, hidden]` token means -> `[n, 3]` sentiment logits.
    pub fn sentiment_logits(&self, mean: &Tensor, train: bool) -> candle_core::Result<Tensor> {
        let x = drop(mean, self.dropout, train)?;
        let x = dense(&self.sentiment_dense, &x, train)?.tanh()?;
        dense(&self.sentiment_out, &drop(&x, self.dropout, train)?, train)
    }

    /// The sentence as the target sees it: attention from the target mention's mean (through
    /// `stance.query`) over the tokens, `[n, seq, hidden]` states with `[n, seq]` mask and
    /// `[n, hidden]` targets -> `[n, hidden]`. What the funders of violence and its victims share
    /// in one sentence is the sentence; what the attention reads around each differs.
    pub fn target_context(
        &self,
        states: &Tensor,
        mask: &Tensor,
        target: &Tensor,
    ) -> candle_core::Result<Tensor> {
        let (_, _, hidden) = states.dims3()?;
        let q = self.stance_query.forward(target)?.unsqueeze(2)?;
        let scores = (states.matmul(&q)?.squeeze(2)? / (hidden as f64).sqrt())?;
        let scores = scores.broadcast_add(&((mask.to_dtype(scores.dtype())? - 1.0)? * 1e4)?)?;
        let weights = candle_nn::ops::softmax_last_dim(&scores)?;
        weights.unsqueeze(1)?.matmul(states)?.squeeze(1)
    }

    /// `[n, 4 x hidden]` features (sentence mean, target mean, holder span mean, target context)
    /// and the holder kind of each row -> `[n, 3]` stance logits.
    pub fn stance_logits(
        &self,
        features: &Tensor,
        kinds: &[usize],
        train: bool,
    ) -> candle_core::Result<Tensor> {
        let (n, width) = features.dims2()?;
        let hidden = width / 4;
        let mut onehot = vec![0f32; n * HOLDER_KINDS];
        for (r, &k) in kinds.iter().enumerate() {
            onehot[r * HOLDER_KINDS + k] = 1.0;
        }
        let onehot = Tensor::from_vec(onehot, (n, HOLDER_KINDS), features.device())?;
        let kind_vec = onehot.matmul(&self.holder_kinds)?;
        let zeros = Tensor::zeros((n, 2 * hidden), features.dtype(), features.device())?;
        let after = Tensor::zeros((n, hidden), features.dtype(), features.device())?;
        let x = (features + Tensor::cat(&[&zeros, &kind_vec, &after], 1)?)?;
        let x = drop(&x, self.dropout, train)?;
        let x = dense(&self.stance_dense, &x, train)?.tanh()?;
        dense(&self.stance_out, &drop(&x, self.dropout, train)?, train)
    }
}

/// Normalised weights (1/len inside `start..end`, 0 elsewhere) over `len` positions.
fn span_weights(len: usize, span: Option<(usize, usize)>) -> Vec<f32> {
    let mut w = vec![0f32; len];
    if let Some((s, e)) = span {
        let e = e.min(len);
        if e > s {
            let v = 1.0 / (e - s) as f32;
            w[s..e].iter_mut().for_each(|x| *x = v);
        }
    }
    w
}

/// Stance features of a training batch: `[n, 4 x hidden]`.
fn batch_stance_features(
    heads: &JointHeads,
    states: &Tensor,
    batch: &Batch,
    samples: &[&JointSample],
) -> candle_core::Result<(Tensor, Vec<usize>)> {
    let (n, len, _) = states.dims3()?;
    let mean = mean_pool(states, &batch.mask)?;
    let mut tw = Vec::with_capacity(n * len);
    let mut hw = Vec::with_capacity(n * len);
    let mut kinds = Vec::with_capacity(n);
    for s in samples {
        let JointLabel::Stance { target, holder, .. } = s.label else {
            unreachable!("a stance batch holds stance rows")
        };
        tw.extend(span_weights(len, Some(target)));
        hw.extend(span_weights(
            len,
            match holder {
                Holder::Span(a, b) => Some((a, b)),
                _ => None,
            },
        ));
        kinds.push(holder.kind());
    }
    let dev = states.device();
    let tw = Tensor::from_vec(tw, (n, 1, len), dev)?;
    let hw = Tensor::from_vec(hw, (n, 1, len), dev)?;
    let tgt = tw.matmul(states)?.squeeze(1)?;
    let hold = hw.matmul(states)?.squeeze(1)?;
    let ctx = heads.target_context(states, &batch.mask, &tgt)?;
    Ok((Tensor::cat(&[&mean, &tgt, &hold, &ctx], 1)?, kinds))
}

/// The case head's start: shape vectors drawn at unit scale (seeded; so that they matter
/// beside the projected states from the first step) and a zero output layer, so the tag
/// logits start as they would without it.
fn init_case_head(varmap: &VarMap, seed: u64) -> Result<()> {
    use rand::SeedableRng;
    let data = varmap.data().lock().unwrap_or_else(|e| e.into_inner());
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed ^ 0xCA5E);
    if let Some(v) = data.get("ner_case.shapes") {
        let n = v.as_tensor().elem_count();
        let values: Vec<f32> = (0..n).map(|_| train::normal(&mut rng)).collect();
        v.set(&Tensor::from_vec(
            values,
            v.as_tensor().shape(),
            v.device(),
        )?)?;
    }
    if let Some(v) = data.get("ner_case.out.weight") {
        v.set(&v.as_tensor().zeros_like()?)?;
    }
    Ok(())
}

/// The trainable joint model.
pub struct JointTrainModel {
    pub bert: TrainBert,
    pub heads: JointHeads,
    pub varmap: VarMap,
}

impl JointTrainModel {
    pub fn new(base: &ModelFiles, recipe: &Recipe) -> Result<(JointTrainModel, Tokenizer)> {
        let (config, tokenizer) = load_encoder_config(base)?;
        let tensors = load_base_tensors(base, &Device::Cpu)?;
        Ok((Self::from_encoder(&config, tensors, recipe)?, tokenizer))
    }

    pub fn from_tensors(
        config: &candle_transformers::models::bert::Config,
        tensors: HashMap<String, Tensor>,
        recipe: &Recipe,
    ) -> Result<JointTrainModel> {
        Self::from_encoder(&EncoderConfig::Bert(config.clone()), tensors, recipe)
    }

    /// The trainable model over a BERT or MPNet base (`tensors`).
    pub fn from_encoder(
        config: &EncoderConfig,
        tensors: HashMap<String, Tensor>,
        recipe: &Recipe,
    ) -> Result<JointTrainModel> {
        let device = Device::Cpu;
        let frozen_vb = VarBuilder::from_tensors(tensors.clone(), DType::F32, &device);
        let varmap = VarMap::new();
        let train_vb = VarBuilder::from_varmap(&varmap, DType::F32, &device);
        let bert = match config {
            EncoderConfig::Bert(c) => {
                TrainBert::load(frozen_vb, train_vb.clone(), c, recipe.frozen_layers)?
            }
            EncoderConfig::Mpnet(c) => {
                TrainBert::load_mpnet(frozen_vb, train_vb.clone(), c, recipe.frozen_layers)?
            }
        };
        let heads = JointHeads::load(train_vb, config.hidden_size(), recipe.dropout, true)?;
        {
            let data = varmap.data().lock().unwrap_or_else(|e| e.into_inner());
            for (name, var) in data.iter() {
                if let Some(t) = tensors.get(name) {
                    var.set(t)?;
                }
            }
        }
        // Both bases were initialised with BERT's 0.02 (MPNet's config does not say).
        let init_range = match config {
            EncoderConfig::Bert(c) => c.initializer_range,
            EncoderConfig::Mpnet(_) => 0.02,
        };
        train::init_fresh(&varmap, &tensors, recipe.seed, init_range)?;
        init_case_head(&varmap, recipe.seed)?;
        Ok(JointTrainModel {
            bert,
            heads,
            varmap,
        })
    }

    pub fn vars(&self) -> Vec<(String, Var)> {
        train::sorted_vars(&self.varmap)
    }

    /// Start from the shipped single-task models in `models_dir`: the encoder layers and the head
    /// of the stance model (its dense layer read the sentence and target means; the holder third
    /// starts at zero), the tag layer of the NER model and the head of the sentiment model.
    pub fn init_from_models(&self, models_dir: &Path) -> Result<Vec<String>> {
        let read = |task: &str| -> Result<HashMap<String, Tensor>> {
            let path = models_dir.join(task).join("model.safetensors");
            crate::model::classifier::read_checked_safetensors(&path, None, &Device::Cpu)
        };
        let mut renamed = HashMap::new();
        for (name, t) in read("stance")? {
            if name.starts_with("encoder.") {
                renamed.insert(name, t);
            } else if let Some(rest) = name.strip_prefix("classifier.") {
                renamed.insert(format!("stance.{rest}"), t);
            }
        }
        for task in ["ner", "sentiment"] {
            for (name, t) in read(task)? {
                if let Some(rest) = name.strip_prefix("classifier.") {
                    renamed.insert(format!("{task}.{rest}"), t);
                }
            }
        }
        self.load_padded(renamed)
    }

    /// Another round from a joint model's weights (`path`), also one whose stance head read
    /// fewer features: its dense layer is padded with zero columns, so training starts from its
    /// predictions, and tensors it lacks keep their fresh initialisation.
    pub fn init_from_file(&self, path: &Path) -> Result<Vec<String>> {
        let t = crate::model::classifier::read_checked_safetensors(path, None, &Device::Cpu)?;
        self.load_padded(t)
    }

    /// Set the variables named in `tensors`; a 2-d tensor with fewer columns than its variable
    /// fills the first columns, the rest are zero. Returns the names set.
    fn load_padded(&self, tensors: HashMap<String, Tensor>) -> Result<Vec<String>> {
        let data = self.varmap.data().lock().unwrap_or_else(|e| e.into_inner());
        let mut used = Vec::new();
        for (name, t) in tensors {
            let Some(var) = data.get(&name) else {
                continue;
            };
            let want = var.as_tensor().dims().to_vec();
            let t = if t.dims() == want.as_slice() {
                t
            } else if t.rank() == 2 && t.dim(0)? == want[0] && t.dim(1)? < want[1] {
                t.pad_with_zeros(1, 0, want[1] - t.dim(1)?)?
            } else {
                return Err(Error::Invalid(format!(
                    "{name}: shape {:?}, the joint model wants {want:?}",
                    t.dims()
                )));
            };
            var.set(&t)?;
            used.push(name);
        }
        used.sort();
        Ok(used)
    }

    /// The padded batch of `samples` (one segment) and the encoder's states over it.
    fn forward(&self, samples: &[&JointSample], train: bool) -> Result<(Batch, Tensor)> {
        let types: Vec<Vec<u32>> = samples.iter().map(|s| vec![0u32; s.ids.len()]).collect();
        let rows: Vec<(&[u32], &[u32])> = samples
            .iter()
            .zip(&types)
            .map(|(s, t)| (s.ids.as_slice(), t.as_slice()))
            .collect();
        let batch = Batch::from_rows(&rows, &Device::Cpu)?;
        let cached = self.bert.frozen_layers() > 0 && samples.iter().all(|s| s.bottom.is_some());
        let states = if cached {
            let len = batch.input_ids.dim(1)?;
            let h = self.bert.hidden_size();
            let mut bottom = vec![0f32; samples.len() * len * h];
            for (r, s) in samples.iter().enumerate() {
                let b = s.bottom.as_deref().unwrap_or_default();
                bottom[r * len * h..][..b.len()].copy_from_slice(b);
            }
            let bottom = Tensor::from_vec(bottom, (samples.len(), len, h), &Device::Cpu)?;
            self.bert.forward_top(&bottom, &batch, train)?
        } else {
            self.bert.forward_train(&batch, train)?
        };
        Ok((batch, states))
    }

    /// The loss of a one-task batch.
    fn loss(&self, samples: &[&JointSample], weights: &[Vec<f32>], train: bool) -> Result<Tensor> {
        let (batch, states) = self.forward(samples, train)?;
        let task = samples[0].task();
        let w = &weights[task];
        let weight_of = |l: usize| {
            if l == IGNORE {
                0.0
            } else {
                w.get(l).copied().unwrap_or(1.0)
            }
        };
        Ok(match task {
            0 => {
                let shapes = batch_shapes(samples, states.dim(1)?)?;
                let logits = self.heads.ner_logits(&states, &shapes, train)?;
                let (b, t, k) = logits.dims3()?;
                let mut labels = vec![IGNORE; b * t];
                for (r, s) in samples.iter().enumerate() {
                    if let JointLabel::Ner { tags, .. } = &s.label {
                        for (i, &tag) in tags.iter().enumerate().take(t) {
                            labels[r * t + i] = tag;
                        }
                    }
                }
                let wv: Vec<f32> = labels.iter().map(|&l| weight_of(l)).collect();
                train::weighted_cross_entropy(&logits.reshape((b * t, k))?, &labels, &wv)?
            }
            1 => {
                let mean = mean_pool(&states, &batch.mask)?;
                let logits = self.heads.sentiment_logits(&mean, train)?;
                let labels: Vec<usize> = samples
                    .iter()
                    .map(|s| match s.label {
                        JointLabel::Sentiment(c) => c,
                        _ => IGNORE,
                    })
                    .collect();
                let wv: Vec<f32> = labels.iter().map(|&l| weight_of(l)).collect();
                train::weighted_cross_entropy(&logits, &labels, &wv)?
            }
            _ => {
                let (features, kinds) =
                    batch_stance_features(&self.heads, &states, &batch, samples)?;
                let logits = self.heads.stance_logits(&features, &kinds, train)?;
                let labels: Vec<usize> = samples
                    .iter()
                    .map(|s| match s.label {
                        JointLabel::Stance { class, .. } => class,
                        _ => IGNORE,
                    })
                    .collect();
                let wv: Vec<f32> = labels.iter().map(|&l| weight_of(l)).collect();
                train::weighted_cross_entropy(&logits, &labels, &wv)?
            }
        })
    }

    /// Predicted and gold classes of `set` (one task), for dev scores.
    fn predict(&self, set: &[JointSample], batch_size: usize) -> Result<(Vec<usize>, Vec<usize>)> {
        let mut order: Vec<usize> = (0..set.len()).collect();
        order.sort_by_key(|&i| set[i].ids.len());
        let (mut gold, mut pred) = (Vec::new(), Vec::new());
        for chunk in order.chunks(batch_size.max(1) * 2) {
            let samples: Vec<&JointSample> = chunk.iter().map(|&i| &set[i]).collect();
            let (batch, states) = self.forward(&samples, false)?;
            match samples[0].task() {
                0 => {
                    let shapes = batch_shapes(&samples, states.dim(1)?)?;
                    let am: Vec<Vec<u32>> = self
                        .heads
                        .ner_logits(&states, &shapes, false)?
                        .argmax(candle_core::D::Minus1)?
                        .to_vec2()?;
                    // Tags per sentence are flattened with a sentinel between sentences, so the
                    // entity scorer can split them again.
                    for (r, s) in samples.iter().enumerate() {
                        if let JointLabel::Ner { tags, .. } = &s.label {
                            for (pos, &t) in tags.iter().enumerate() {
                                if t != IGNORE {
                                    gold.push(t);
                                    pred.push(am[r][pos] as usize);
                                }
                            }
                            gold.push(IGNORE);
                            pred.push(IGNORE);
                        }
                    }
                }
                1 => {
                    let mean = mean_pool(&states, &batch.mask)?;
                    let am: Vec<u32> = self
                        .heads
                        .sentiment_logits(&mean, false)?
                        .argmax(candle_core::D::Minus1)?
                        .to_vec1()?;
                    for (s, p) in samples.iter().zip(am) {
                        if let JointLabel::Sentiment(c) = s.label {
                            gold.push(c);
                            pred.push(p as usize);
                        }
                    }
                }
                _ => {
                    let (features, kinds) =
                        batch_stance_features(&self.heads, &states, &batch, &samples)?;
                    let am: Vec<u32> = self
                        .heads
                        .stance_logits(&features, &kinds, false)?
                        .argmax(candle_core::D::Minus1)?
                        .to_vec1()?;
                    for (s, p) in samples.iter().zip(am) {
                        if let JointLabel::Stance { class, .. } = s.label {
                            gold.push(class);
                            pred.push(p as usize);
                        }
                    }
                }
            }
        }
        Ok((gold, pred))
    }

    /// Dev scores per task (NER entity F1, sentiment and stance macro-F1) and their weighted
    /// mean (stance counts twice: it is what the product is for).
    pub fn dev_scores(&self, dev: &[Vec<JointSample>; 3], batch_size: usize) -> Result<[f64; 4]> {
        let mut out = [0f64; 4];
        for (task, set) in dev.iter().enumerate() {
            if set.is_empty() {
                continue;
            }
            let (g, p) = self.predict(set, batch_size)?;
            out[task] = if task == 0 {
                let split = |v: &[usize]| -> Vec<Vec<&str>> {
                    v.split(|&x| x == IGNORE)
                        .filter(|s| !s.is_empty())
                        .map(|s| s.iter().map(|&i| NER_LABELS[i]).collect())
                        .collect()
                };
                crate::metrics::ner_scores(&split(&g), &split(&p)).f1
            } else if task == 1 {
                let names: Vec<&str> = Sentiment::ALL.iter().map(|l| l.name()).collect();
                crate::metrics::score(&g, &p, &names).macro_f1
            } else {
                let names: Vec<&str> = Stance::ALL.iter().map(|l| l.name()).collect();
                crate::metrics::score(&g, &p, &names).macro_f1
            };
        }
        let present: Vec<(f64, f64)> = [(out[0], 1.0), (out[1], 1.0), (out[2], 2.0)]
            .into_iter()
            .zip(dev.iter())
            .filter(|(_, d)| !d.is_empty())
            .map(|(x, _)| x)
            .collect();
        let wsum: f64 = present.iter().map(|(_, w)| w).sum();
        out[3] = present.iter().map(|(s, w)| s * w).sum::<f64>() / wsum.max(1e-9);
        Ok(out)
    }
}

/// A question's text as the joint model reads it, its target's span and its holder's.
pub type TopicForm = (String, (usize, usize), Option<(usize, usize)>);

/// A stance question whose target is a topic not written in the sentence (tweet stance data:
/// "Atheism", "Hillary Clinton") as the joint model reads it: the topic written before the
/// sentence, `"<topic>: <sentence>"`, so that the stance head has a mention to read from.
/// Returns the text, the topic's span and the holder's span moved along.
pub fn topic_form(target: &str, text: &str, holder_span: Option<(usize, usize)>) -> TopicForm {
    let shift = target.len() + 2;
    (
        format!("{target}: {text}"),
        (0, target.len()),
        holder_span.map(|(a, b)| (a + shift, b + shift)),
    )
}

/// Encode a stance row for the joint model: the window holding the target, the target's token
/// positions and the holder. A target not written in the sentence (a topic) is read in
/// [`topic_form`]. `None` for a row without a stance label, or whose target falls in no window.
pub fn stance_sample(
    tok: &Tokenizer,
    t: &Template,
    e: &StanceExample,
) -> Result<Option<JointSample>> {
    let Some(stance) = e.stance else {
        return Ok(None);
    };
    let (text, span, holder_span) = match e.target_span {
        Some(span) => (e.text.clone(), span, e.holder_span),
        None => topic_form(&e.target, &e.text, e.holder_span),
    };
    let class = Stance::ALL
        .iter()
        .position(|l| *l == stance)
        .expect("label in set");
    for w in encode::encode_text_windows(tok, t, &text)? {
        if let Some(target) = token_range(&w, span) {
            let holder = Holder::of(&e.holder, holder_span, &w, target);
            return Ok(Some(JointSample {
                bottom: None,
                ids: w.encoded.ids,
                label: JointLabel::Stance {
                    class,
                    target,
                    holder,
                },
            }));
        }
    }
    Ok(None)
}

fn sentiment_samples(
    tok: &Tokenizer,
    t: &Template,
    rows: &[SentimentExample],
) -> Result<Vec<JointSample>> {
    Ok(mix::sentiment_samples(tok, t, rows)?
        .into_iter()
        .map(|s| JointSample {
            bottom: None,
            ids: s.enc.ids,
            label: match s.label {
                train::Target::Class(c) => JointLabel::Sentiment(c),
                train::Target::Tokens(_) => unreachable!("sentiment samples are classes"),
            },
        })
        .collect())
}

fn ner_samples(tok: &Tokenizer, t: &Template, rows: &[NerSentence]) -> Result<Vec<JointSample>> {
    mix::ner_samples(tok, t, rows)?
        .into_iter()
        .zip(rows)
        .map(|(s, row)| {
            let w = encode::encode_words(tok, t, &row.words)?;
            Ok(JointSample {
                bottom: None,
                ids: s.enc.ids,
                label: match s.label {
                    train::Target::Tokens(tags) => JointLabel::Ner {
                        tags,
                        shapes: encode::word_case_shapes(&row.words, &w),
                    },
                    train::Target::Class(_) => unreachable!("NER samples are token-labelled"),
                },
            })
        })
        .collect()
}

/// `[rows, len]` case shapes (u32, 0 past each row's end).
pub fn shapes_tensor(rows: &[&[u8]], len: usize, device: &Device) -> candle_core::Result<Tensor> {
    let mut v = vec![0u32; rows.len() * len];
    for (r, s) in rows.iter().enumerate() {
        for (i, &x) in s.iter().enumerate().take(len) {
            v[r * len + i] = x as u32;
        }
    }
    Tensor::from_vec(v, (rows.len(), len), device)
}

/// The case shapes of a NER batch's rows (none for other tasks' rows).
fn batch_shapes(samples: &[&JointSample], len: usize) -> candle_core::Result<Tensor> {
    let rows: Vec<&[u8]> = samples
        .iter()
        .map(|s| match &s.label {
            JointLabel::Ner { shapes, .. } => shapes.as_slice(),
            _ => &[],
        })
        .collect();
    shapes_tensor(&rows, len, &Device::Cpu)
}

fn stance_samples(
    tok: &Tokenizer,
    t: &Template,
    rows: &[StanceExample],
) -> Result<Vec<JointSample>> {
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        if let Some(s) = stance_sample(tok, t, r)? {
            out.push(s);
        }
    }
    Ok(out)
}

/// The sentiment of each distinct sentence of our annotated rows (news sentences labelled by the
/// guidelines' definition, section 7: the sentence from its speaker's view), in file order.
fn own_sentiment_rows(rows: &[StanceExample]) -> Vec<SentimentExample> {
    let mut seen = std::collections::HashSet::new();
    rows.iter()
        .filter_map(|r| {
            let label = r.sentiment?;
            seen.insert(r.text.as_str()).then(|| SentimentExample {
                id: r.id.clone(),
                text: r.text.clone(),
                label,
                source: "annotated".into(),
            })
        })
        .collect()
}

/// At most `cap` rows (a stable sample; all of them without a cap).
fn thin<T: Clone>(rows: Vec<T>, cap: Option<usize>) -> Vec<T> {
    match cap {
        Some(cap) => train::thin(&rows, cap),
        None => rows,
    }
}

/// The joint training set: rows of the three tasks and their dev rows.
pub struct JointSet {
    pub train: Vec<JointSample>,
    pub dev: [Vec<JointSample>; 3],
    pub data: serde_json::Value,
}

/// The built-in mix for the joint model: CoNLL train for actors; the sentiment mix and the
/// sentiment of our annotated dev sentences; stance rows from NewsMTSC, directed_sentiment both
/// ways with its `author` rows, tweet stance toward topics (TweetEval train and the P-Stance share,
/// read in [`topic_form`]) and our annotated dev split. Our rows go in `own_repeat` times. `cap`
/// thins each public source to that many rows, `ner_cap` the CoNLL rows (default: `cap`).
pub fn training_set(
    roots: &DataRoots,
    tok: &Tokenizer,
    t: &Template,
    cap: Option<usize>,
    ner_cap: Option<usize>,
) -> Result<JointSet> {
    let (ner_train, ner_dev) = mix::ner_parts(roots)?;
    let (sent_train, sent_dev, sent_counts) = mix::sentiment_parts(roots)?;
    let parts = mix::stance_parts(roots)?;
    let ner_train = thin(ner_samples(tok, t, &ner_train)?, ner_cap.or(cap));
    let sent_train = thin(sentiment_samples(tok, t, &sent_train)?, cap);
    let newsmtsc = thin(stance_samples(tok, t, &parts.newsmtsc)?, cap);
    let directed = thin(stance_samples(tok, t, &parts.directed)?, cap);
    // Tweet stance toward topics, in topic form (TweetEval train, the P-Stance share).
    let tweets = thin(stance_samples(tok, t, &parts.tweeteval)?, cap);
    let pstance = thin(stance_samples(tok, t, &parts.pstance)?, cap);
    let own = stance_samples(tok, t, &parts.annotated)?;
    let own_sentiment = sentiment_samples(tok, t, &own_sentiment_rows(&parts.annotated))?;
    let mut train_rows = Vec::new();
    let data = serde_json::json!({
        "train": {
            "conll2003 eng.train": ner_train.len(),
            "sentiment": {"rows": sent_train.len(), "sources": sent_counts},
            "newsmtsc_train (holder unspecified, target in the sentence)": newsmtsc.len(),
            "directed_train (both directions + author rows, target in the sentence)": directed.len(),
            "tweeteval_stance_train (topic form)": tweets.len(),
            "pstance_train (15%, topic form)": pstance.len(),
            format!("annotated_dev (ours, x{})", roots.own_repeat): own.len() * roots.own_repeat,
            format!("annotated_dev sentences' sentiment (news, ours, x{})", roots.own_repeat):
                own_sentiment.len() * roots.own_repeat,
            "cap per public source": cap,
            "cap of conll rows": ner_cap.or(cap),
        },
        "dev": "ner: 35% of conll2003 eng.testa; sentiment: tweeteval carved dev (10%); stance: newsmtsc-rw dev + tweeteval stance val (topic form) + 40% of directed valid; score = (ner F1 + sentiment macro-F1 + 2 x stance macro-F1) / 4",
    });
    train_rows.extend(ner_train);
    train_rows.extend(sent_train);
    train_rows.extend(newsmtsc);
    train_rows.extend(directed);
    train_rows.extend(tweets);
    train_rows.extend(pstance);
    for _ in 0..roots.own_repeat {
        train_rows.extend(own.iter().cloned());
        train_rows.extend(own_sentiment.iter().cloned());
    }
    let dev = [
        ner_samples(tok, t, &ner_dev)?,
        sentiment_samples(tok, t, &sent_dev)?,
        stance_samples(tok, t, &parts.dev)?,
    ];
    Ok(JointSet {
        train: train_rows,
        dev,
        data,
    })
}

/// Compute the frozen bottom's output of every sample once, on the fast engine cut to the
/// frozen layers (`bottom`), and keep it in the sample: the top layers then train from it, and a
/// run whose base is mostly frozen (MPNet: 11 of 12 layers) pays for the bottom once instead of
/// at every step and evaluation. Samples with the same ids (one sentence asked about several
/// targets, our rows repeated) share one copy. `progress` is called with (done, total).
pub fn compute_bottoms(
    bottom: &crate::model::fast::FastBert,
    samples: &mut [&mut JointSample],
    mut progress: impl FnMut(usize, usize),
) -> Result<()> {
    use std::sync::Arc;
    let mut unique: HashMap<Vec<u32>, Option<Arc<[f32]>>> = HashMap::new();
    for s in samples.iter() {
        unique.entry(s.ids.clone()).or_insert(None);
    }
    let mut keys: Vec<Vec<u32>> = unique.keys().cloned().collect();
    keys.sort_by(|a, b| a.len().cmp(&b.len()).then_with(|| a.cmp(b)));
    let h = bottom.hidden_size();
    let total = keys.len();
    let mut done = 0;
    // Batches of about 2,048 tokens, rows of one length class together (little padding).
    let mut start = 0;
    while start < keys.len() {
        let mut end = start + 1;
        while end < keys.len() && end - start < 64 && (end + 1 - start) * keys[end].len() <= 2048 {
            end += 1;
        }
        let rows = &keys[start..end];
        let seq = rows.iter().map(Vec::len).max().unwrap_or(0);
        let mut ids = vec![0u32; rows.len() * seq];
        let mut mask = vec![0f32; rows.len() * seq];
        for (r, k) in rows.iter().enumerate() {
            ids[r * seq..][..k.len()].copy_from_slice(k);
            mask[r * seq..][..k.len()].fill(1.0);
        }
        let types = vec![0u32; rows.len() * seq];
        let out = bottom.forward_host(&ids, &types, &mask, rows.len(), seq)?;
        for (r, k) in rows.iter().enumerate() {
            let values: Arc<[f32]> = out[r * seq * h..][..k.len() * h].into();
            unique.insert(k.clone(), Some(values));
        }
        done += rows.len();
        progress(done, total);
        start = end;
    }
    for s in samples.iter_mut() {
        s.bottom = unique.get(&s.ids).cloned().flatten();
    }
    Ok(())
}

/// One epoch's batches: per task, shuffled, sorted by length in pools of 50 batches, cut; then
/// all tasks' batches shuffled together. Deterministic for (seed, epoch).
pub fn epoch_plan(
    samples: &[JointSample],
    batch_size: usize,
    seed: u64,
    epoch: usize,
) -> Vec<Vec<usize>> {
    let mut rng = train::epoch_rng(seed, epoch);
    let lens: Vec<usize> = samples.iter().map(|s| s.ids.len()).collect();
    let mut batches = Vec::new();
    for task in 0..3 {
        let idx: Vec<usize> = (0..samples.len())
            .filter(|&i| samples[i].task() == task)
            .collect();
        batches.extend(train::length_buckets(idx, &lens, batch_size, &mut rng));
    }
    batches.shuffle(&mut rng);
    batches
}

/// Inverse-frequency class weights per task (NER: none, as the NER model).
fn task_weights(samples: &[JointSample]) -> Vec<Vec<f32>> {
    let mut sent = vec![0usize; Sentiment::ALL.len()];
    let mut stance = vec![0usize; Stance::ALL.len()];
    for s in samples {
        match s.label {
            JointLabel::Sentiment(c) => sent[c] += 1,
            JointLabel::Stance { class, .. } => stance[class] += 1,
            JointLabel::Ner { .. } => {}
        }
    }
    vec![
        vec![1.0; NER_LABELS.len()],
        train::inverse_frequency(&sent),
        train::inverse_frequency(&stance),
    ]
}

/// Training the joint model: batches of one task each, the loss of that task's head under its
/// class weights, and the weighted dev score of [`JointTrainModel::dev_scores`].
pub struct JointObjective<'a> {
    model: &'a mut JointTrainModel,
    set: &'a JointSet,
    weights: Vec<Vec<f32>>,
}

impl<'a> JointObjective<'a> {
    pub fn new(model: &'a mut JointTrainModel, set: &'a JointSet) -> JointObjective<'a> {
        let weights = task_weights(&set.train);
        JointObjective {
            model,
            set,
            weights,
        }
    }
}

impl Objective for JointObjective<'_> {
    fn varmap(&mut self) -> &mut VarMap {
        &mut self.model.varmap
    }

    fn tasks(&self) -> Vec<&'static str> {
        TASK_NAMES.to_vec()
    }

    fn row_lengths(&self) -> Vec<usize> {
        self.set.train.iter().map(|s| s.ids.len()).collect()
    }

    fn epoch_plan(&self, batch_size: usize, seed: u64, epoch: usize) -> Vec<Vec<usize>> {
        epoch_plan(&self.set.train, batch_size, seed, epoch)
    }

    fn loss(&mut self, rows: &[usize]) -> Result<(Tensor, usize)> {
        let samples: Vec<&JointSample> = rows.iter().map(|&i| &self.set.train[i]).collect();
        let loss = self.model.loss(&samples, &self.weights, true)?;
        Ok((loss, samples[0].task()))
    }

    fn dev_score(&self, batch_size: usize) -> Result<DevScore> {
        let s = self.model.dev_scores(&self.set.dev, batch_size)?;
        Ok(DevScore {
            score: s[3],
            parts: vec![
                (TASK_NAMES[0], s[0]),
                (TASK_NAMES[1], s[1]),
                (TASK_NAMES[2], s[2]),
            ],
        })
    }

    fn model_kind(&self) -> ModelKind {
        model_kind()
    }
}

/// What the shipped joint model's manifest says it is: stance labels as its main labels, and
/// the labels of all three heads.
pub fn model_kind() -> ModelKind {
    let names = |all: &[&str]| all.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let stance: Vec<String> = Stance::ALL.iter().map(|l| l.name().to_string()).collect();
    ModelKind {
        name: "joint".into(),
        task: Task::Joint,
        labels: stance.clone(),
        input_template: JOINT_TEMPLATE.into(),
        pooling: Default::default(),
        architecture: "bert",
        heads: BTreeMap::from([
            ("ner".to_string(), names(&NER_LABELS)),
            (
                "sentiment".to_string(),
                Sentiment::ALL
                    .iter()
                    .map(|l| l.name().to_string())
                    .collect(),
            ),
            ("stance".to_string(), stance),
        ]),
    }
}

/// The token states of one window of a sentence, kept for the stance pairs asked after the rules
/// have run.
pub struct WindowStates {
    pub window: TokenWindow,
    /// `[positions x hidden]`, row-major.
    states: Vec<f32>,
    /// Mean over the window's tokens.
    mean: Vec<f32>,
}

impl WindowStates {
    /// The window's token states, `[positions x hidden]` row-major.
    pub fn states(&self) -> &[f32] {
        &self.states
    }
}

/// What one encoder pass over a sentence gives: its windows' states, its actors and sentiment.
pub struct SentenceStates {
    pub windows: Vec<WindowStates>,
}

/// What [`JointModel::read`] gives for each sentence: the states kept for the stance pairs, the
/// actors found, the sentiment.
pub type Read = (
    Vec<SentenceStates>,
    Vec<Vec<Entity>>,
    Vec<Prediction<Sentiment>>,
);

/// Stance pairs answered together by [`JointModel::stance`] (about 50 MB of features).
const STANCE_BLOCK: usize = 4096;

/// The joint model at inference.
pub struct JointModel {
    pub loaded: Loaded,
    heads: JointHeads,
    ner_labels: Vec<String>,
    hidden: usize,
    /// The manifest's temperatures of the sentiment and stance heads.
    temperatures: [f32; 2],
    /// The profile it serves as an engine (`fast` unless [`JointModel::for_profile`] says).
    pub(crate) profile: crate::model::engine::Profile,
}

/// One stance question for [`JointModel::stance`]: sentence index and the pair.
pub struct JointPair<'a> {
    pub sentence: usize,
    pub input: StanceInput<'a>,
}

impl JointModel {
    pub fn load(dir: &Path, base_dir: Option<&Path>) -> Result<JointModel> {
        Self::load_with(dir, base_dir, &crate::model::engine::Settings::default())
    }

    pub fn load_with(
        dir: &Path,
        base_dir: Option<&Path>,
        settings: &crate::model::engine::Settings,
    ) -> Result<JointModel> {
        let loaded = Loaded::load_with(dir, Task::Joint, base_dir, settings)?;
        let hidden = loaded.backbone.hidden_size();
        let manifest_err = |reason: String| Error::Manifest {
            path: dir.join("manifest.json"),
            reason,
        };
        let heads_of = |k: &str| loaded.manifest.heads.get(k).cloned().unwrap_or_default();
        let ner_labels = heads_of("ner");
        let expect = |k: &str, want: Vec<String>| -> Result<()> {
            if heads_of(k) != want {
                return Err(manifest_err(format!(
                    "heads.{k} must be {want:?}, found {:?}",
                    heads_of(k)
                )));
            }
            Ok(())
        };
        expect("ner", NER_LABELS.iter().map(|s| s.to_string()).collect())?;
        expect(
            "sentiment",
            Sentiment::ALL
                .iter()
                .map(|l| l.name().to_string())
                .collect(),
        )?;
        expect(
            "stance",
            Stance::ALL.iter().map(|l| l.name().to_string()).collect(),
        )?;
        let case = loaded.vb.contains_tensor("ner_case.shapes");
        let heads = JointHeads::load(loaded.vb.clone(), hidden, 0.0, case).map_err(|e| {
            Error::CorruptWeights {
                path: dir.join(&loaded.manifest.weights),
                reason: format!("missing joint heads: {e}"),
            }
        })?;
        let temperatures = [
            loaded.manifest.temperature("sentiment"),
            loaded.manifest.temperature("stance"),
        ];
        Ok(JointModel {
            loaded,
            heads,
            ner_labels,
            hidden,
            temperatures,
            profile: crate::model::engine::Profile::Fast,
        })
    }

    /// The same model, serving `profile` as an engine.
    pub fn for_profile(self, profile: crate::model::engine::Profile) -> JointModel {
        JointModel { profile, ..self }
    }

    /// One encoder pass over each sentence (long ones in windows); actors and sentiment come out
    /// of it at once, the states stay for [`JointModel::stance`].
    pub fn read(&self, texts: &[&str]) -> Result<Read> {
        let l = &self.loaded;
        let mut windows = Vec::new();
        let mut owner = Vec::new();
        let mut shapes = Vec::new();
        // Tokenizing is a few percent of a chunk's time and would leave the other cores idle:
        // the sentences are tokenized on all of them, in order.
        let encoded: Vec<_> = texts
            .par_iter()
            .map(|text| {
                let ws = encode::encode_text_windows(&l.tokenizer, &l.template, text)?;
                let sh: Vec<_> = match self.heads.reads_case() {
                    true => ws
                        .iter()
                        .map(|w| encode::text_case_shapes(text, w))
                        .collect(),
                    false => Vec::new(),
                };
                Ok((ws, sh))
            })
            .collect::<Result<_>>()?;
        for (t, (ws, sh)) in encoded.into_iter().enumerate() {
            shapes.extend(sh);
            for w in ws {
                windows.push(w);
                owner.push(t);
            }
        }
        let encoded: Vec<Encoded> = windows.iter().map(|w| w.encoded.clone()).collect();
        let h = self.hidden;
        let mut probs: Vec<Vec<Vec<f32>>> = vec![Vec::new(); windows.len()];
        let mut states: Vec<(Vec<f32>, Vec<f32>)> = vec![(Vec::new(), Vec::new()); windows.len()];
        let mut sentiment: Vec<Vec<f32>> = vec![Vec::new(); windows.len()];
        l.run_batches(&encoded, |idx, st, batch| {
            let tags = self
                .heads
                .ner_logits(st, &self.batch_shapes(&shapes, idx, st)?, false)?;
            // The states and the mask on the host once; each row's real tokens are sliced from
            // them (a candle narrow and copy per row cost more than the copy itself).
            let (rows, seq, _) = st.dims3()?;
            let mask: Vec<f32> = batch.mask.to_dtype(DType::F32)?.flatten_all()?.to_vec1()?;
            let labels = tags.dim(2)?;
            let tag_probs: Vec<Vec<Vec<f32>>> = with_host_f32(&tags, |all| {
                idx.iter()
                    .enumerate()
                    .map(|(row, &i)| {
                        let n = encoded[i].ids.len();
                        softmax_host_rows(&all[row * seq * labels..][..n * labels], labels)
                    })
                    .collect()
            })?;
            let (means, kept) = with_host_f32(st, |flat| {
                let kept: Vec<Vec<f32>> = idx
                    .iter()
                    .enumerate()
                    .map(|(row, &i)| flat[row * seq * h..][..encoded[i].ids.len() * h].to_vec())
                    .collect();
                (mean_rows(flat, &mask, rows, seq, h), kept)
            })?;
            let mean = Tensor::from_slice(&means, (rows, h), st.device())?;
            let sent = softmax_rows(&calibrated(
                &self.heads.sentiment_logits(&mean, false)?,
                self.temperatures[0],
            )?)?;
            for (((row, &i), s), p) in idx.iter().enumerate().zip(kept).zip(tag_probs) {
                probs[i] = p;
                states[i] = (s, means[row * h..(row + 1) * h].to_vec());
                sentiment[i] = sent[row].clone();
            }
            Ok(())
        })?;
        // Sentiment of a sentence read in several windows: the mean of their probabilities.
        let sentiments = mean_by_owner(&sentiment, &owner, texts.len())
            .iter()
            .map(|p| Prediction::from_probs(p, Sentiment::ALL))
            .collect();
        let entities = entities_from_windows(&self.ner_labels, texts, &windows, &owner, probs);
        let mut out: Vec<SentenceStates> = (0..texts.len())
            .map(|_| SentenceStates {
                windows: Vec::new(),
            })
            .collect();
        for ((w, (s, m)), &t) in windows.into_iter().zip(states).zip(&owner) {
            out[t].windows.push(WindowStates {
                window: w,
                states: s,
                mean: m,
            });
        }
        Ok((out, entities, sentiments))
    }

    /// Stance of each pair from the states of its sentence: no encoder pass.
    pub fn stance(
        &self,
        sentences: &[SentenceStates],
        pairs: &[JointPair],
    ) -> Result<Vec<Prediction<Stance>>> {
        if pairs.is_empty() {
            return Ok(Vec::new());
        }
        // About 12 KB of features per pair: a sentence of thousands of bytes with dozens of
        // actors, or a huge chunk, asks tens of thousands of questions at once, so they are
        // answered in blocks (each pair's numbers do not depend on the others in its block).
        if pairs.len() > STANCE_BLOCK {
            let mut out = Vec::with_capacity(pairs.len());
            for block in pairs.chunks(STANCE_BLOCK) {
                out.extend(self.stance(sentences, block)?);
            }
            return Ok(out);
        }
        let h = self.hidden;
        // Per pair: its window, the sentence mean, target mean, holder mean and holder kind.
        let mut windows: Vec<&WindowStates> = Vec::with_capacity(pairs.len());
        let mut parts: Vec<[Vec<f32>; 3]> = Vec::with_capacity(pairs.len());
        let mut kinds = Vec::with_capacity(pairs.len());
        for p in pairs {
            let s = &sentences[p.sentence];
            // The window holding the target (the first when the target was not found).
            let found = p.input.target_span.and_then(|span| {
                s.windows
                    .iter()
                    .find_map(|w| token_range(&w.window, span).map(|r| (w, Some(r))))
            });
            let (w, target) = match found {
                Some(x) => x,
                None => (&s.windows[0], None),
            };
            // Without the target's tokens the holder is told only by its kind.
            let holder = match target {
                Some(t) => Holder::of(p.input.holder, p.input.holder_span, &w.window, t),
                None => Holder::of(p.input.holder, None, &w.window, (0, 0)),
            };
            let span_mean = |r: Option<(usize, usize)>| -> Vec<f32> {
                let Some((a, b)) = r else {
                    return vec![0f32; h];
                };
                let mut v = vec![0f32; h];
                for pos in a..b {
                    for (x, y) in v.iter_mut().zip(&w.states[pos * h..(pos + 1) * h]) {
                        *x += y;
                    }
                }
                let n = (b - a).max(1) as f32;
                v.iter_mut().for_each(|x| *x /= n);
                v
            };
            // A target not found in the tokens stands in as the sentence itself.
            let tgt = match target {
                Some(_) => span_mean(target),
                None => w.mean.clone(),
            };
            let hold = span_mean(match holder {
                Holder::Span(a, b) => Some((a, b)),
                _ => None,
            });
            windows.push(w);
            parts.push([w.mean.clone(), tgt, hold]);
            kinds.push(holder.kind());
        }
        // The target context (`JointHeads::target_context`): the queries of all pairs in one
        // matmul, then attention over each pair's own window on the host (a window is a few
        // dozen tokens; padding them into one tensor would cost more than it saves).
        let targets: Vec<f32> = parts.iter().flat_map(|p| p[1].iter().copied()).collect();
        let targets = Tensor::from_vec(targets, (pairs.len(), h), &self.loaded.device)?;
        let queries: Vec<Vec<f32>> = dense(&self.heads.stance_query, &targets, false)?.to_vec2()?;
        let scale = 1.0 / (h as f32).sqrt();
        // Each pair's attention on its own (the pairs share nothing), on all cores.
        let per_pair: Vec<Vec<f32>> = (0..pairs.len())
            .into_par_iter()
            .map(|i| {
                let (w, part, q) = (windows[i], &parts[i], &queries[i]);
                let mut features = Vec::with_capacity(4 * h);
                let n = w.states.len() / h;
                let scores: Vec<f32> = (0..n)
                    .map(|pos| {
                        let row = &w.states[pos * h..(pos + 1) * h];
                        row.iter().zip(q).map(|(a, b)| a * b).sum::<f32>() * scale
                    })
                    .collect();
                let m = scores.iter().cloned().fold(f32::NEG_INFINITY, f32::max);
                let e: Vec<f32> = scores.iter().map(|x| (x - m).exp()).collect();
                let z: f32 = e.iter().sum();
                let mut ctx = vec![0f32; h];
                for (pos, weight) in e.iter().enumerate() {
                    let row = &w.states[pos * h..(pos + 1) * h];
                    for (c, v) in ctx.iter_mut().zip(row) {
                        *c += weight / z * v;
                    }
                }
                for p in part {
                    features.extend_from_slice(p);
                }
                features.extend(ctx);
                features
            })
            .collect();
        let features = per_pair.concat();
        let x = Tensor::from_vec(features, (pairs.len(), 4 * h), &self.loaded.device)?;
        let logits = self.heads.stance_logits(&x, &kinds, false)?;
        let logits = calibrated(&logits, self.temperatures[1])?;
        Ok(softmax_rows(&logits)?
            .into_iter()
            .map(|p| Prediction::from_probs(&p, Stance::ALL))
            .collect())
    }

    /// Tag probabilities per position of each window (evaluation on pre-split words: `shapes`
    /// are the case shapes of each window's positions, from [`encode::word_case_shapes`]).
    pub fn window_probs(
        &self,
        windows: &[TokenWindow],
        shapes: &[Vec<u8>],
    ) -> Result<Vec<Vec<Vec<f32>>>> {
        self.loaded.token_probs(windows, |idx, st| {
            let shape_rows = self.batch_shapes(shapes, idx, st)?;
            Ok(self.heads.ner_logits(st, &shape_rows, false)?)
        })
    }

    /// The `[rows, seq]` case shapes of the batch rows `idx` (zeros when the head reads none).
    fn batch_shapes(&self, shapes: &[Vec<u8>], idx: &[usize], st: &Tensor) -> Result<Tensor> {
        let rows: Vec<&[u8]> = idx
            .iter()
            .map(|&i| shapes.get(i).map_or(&[][..], Vec::as_slice))
            .collect();
        Ok(shapes_tensor(&rows, st.dim(1)?, &self.loaded.device)?)
    }

    /// The temperature of the `sentiment` or `stance` head (1: uncalibrated).
    pub fn temperature(&self, head: &str) -> f32 {
        match head {
            "sentiment" => self.temperatures[0],
            "stance" => self.temperatures[1],
            _ => 1.0,
        }
    }

    pub fn ner_labels(&self) -> &[String] {
        &self.ner_labels
    }

    /// Sentiment of standalone sentences (evaluation).
    pub fn predict_sentiment(&self, texts: &[&str]) -> Result<Vec<Prediction<Sentiment>>> {
        Ok(self.read(texts)?.2)
    }

    /// Stance of standalone questions (evaluation): each sentence read once per question.
    /// A question whose target is a topic not written in the sentence is read in
    /// [`topic_form`], as in training.
    pub fn predict_stance(&self, inputs: &[StanceInput]) -> Result<Vec<Prediction<Stance>>> {
        let forms: Vec<TopicForm> = inputs
            .iter()
            .map(|i| match i.target_span {
                Some(span) => (i.text.to_string(), span, i.holder_span),
                None => topic_form(i.target, i.text, i.holder_span),
            })
            .collect();
        let texts: Vec<&str> = forms.iter().map(|f| f.0.as_str()).collect();
        let (states, _, _) = self.read(&texts)?;
        let pairs: Vec<JointPair> = inputs
            .iter()
            .zip(&forms)
            .enumerate()
            .map(|(i, (input, (text, span, holder_span)))| JointPair {
                sentence: i,
                input: StanceInput {
                    text,
                    target_span: Some(*span),
                    holder_span: *holder_span,
                    ..input.clone()
                },
            })
            .collect();
        self.stance(&states, &pairs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::resolve::BaseSpec;
    use crate::model::tests::{
        tiny_base_tensors, tiny_config, tiny_tokenizer_json, write_tiny_base,
    };
    use crate::model::trainer::{self, Progress, RunOptions, TrainState};

    fn tokenizer() -> Tokenizer {
        Tokenizer::from_bytes(tiny_tokenizer_json().as_bytes()).expect("tokenizer")
    }

    fn recipe() -> Recipe {
        Recipe {
            epochs: 60,
            batch_size: 4,
            lr: 3e-3,
            warmup_ratio: 0.1,
            dropout: 0.0,
            frozen_layers: 1,
            max_len: 32,
            eval_every: 0,
            patience: 100,
            checkpoint_every: 10,
            ..Recipe::default_for(Task::Joint)
        }
    }

    #[test]
    fn a_topic_not_in_the_sentence_is_read_written_before_it() {
        let (text, span, holder) = topic_form("china", "the eu said so", Some((4, 6)));
        assert_eq!(text, "china: the eu said so");
        assert_eq!(&text[span.0..span.1], "china");
        assert_eq!(holder.map(|(a, b)| &text[a..b]), Some("eu"));
        let tok = tokenizer();
        let t = Template::new(&tok, 32).unwrap();
        let mut row = stance_row("the eu said so", "author", "eu", Stance::Against);
        row.target = "china".into();
        row.target_span = None;
        row.holder_span = None;
        let sample = stance_sample(&tok, &t, &row)
            .unwrap()
            .expect("a topic row is read");
        let JointLabel::Stance { target, class, .. } = sample.label else {
            panic!("a stance row")
        };
        // [CLS] china : the eu ...: the topic is the first word.
        assert_eq!(target, (1, 2));
        assert_eq!(Stance::ALL[class], Stance::Against);
    }

    #[test]
    fn our_rows_give_each_sentence_its_sentiment_once() {
        let mut a = stance_row("Asif praised Riyadh.", "Asif", "Riyadh", Stance::Favor);
        a.sentiment = Some(Sentiment::Positive);
        let mut b = a.clone();
        b.target = "Asif".into();
        let mut c = stance_row("Israel struck Gaza.", "author", "Israel", Stance::Neutral);
        c.sentiment = Some(Sentiment::Negative);
        let unlabelled = stance_row("It rained.", "author", "rain", Stance::Neutral);
        let rows = own_sentiment_rows(&[a, b, c, unlabelled]);
        let got: Vec<(&str, Sentiment)> = rows.iter().map(|r| (r.text.as_str(), r.label)).collect();
        assert_eq!(
            got,
            [
                ("Asif praised Riyadh.", Sentiment::Positive),
                ("Israel struck Gaza.", Sentiment::Negative)
            ]
        );
    }

    #[test]
    fn the_case_head_starts_silent_and_then_tells_shapes_apart() {
        let model =
            JointTrainModel::from_tensors(&tiny_config(), tiny_base_tensors(1), &recipe()).unwrap();
        assert!(model.heads.reads_case());
        let vars: HashMap<String, Var> = model.vars().into_iter().collect();
        let out = vars["ner_case.out.weight"].as_tensor();
        let zero: f32 = out.abs().unwrap().sum_all().unwrap().to_scalar().unwrap();
        assert_eq!(
            zero, 0.0,
            "a fresh case head adds nothing to the tag logits"
        );
        let states =
            Tensor::randn(0f32, 1.0, (1, 3, tiny_config().hidden_size), &Device::Cpu).unwrap();
        let lower = shapes_tensor(&[&[1, 1, 1]], 3, &Device::Cpu).unwrap();
        let caps = shapes_tensor(&[&[2, 4, 5]], 3, &Device::Cpu).unwrap();
        let logits = |s: &Tensor| -> Vec<f32> {
            let t = model.heads.ner_logits(&states, s, false).unwrap();
            t.flatten_all().unwrap().to_vec1().unwrap()
        };
        assert_eq!(logits(&lower), logits(&caps));
        vars["ner_case.out.weight"]
            .set(&Tensor::ones(out.shape(), DType::F32, &Device::Cpu).unwrap())
            .unwrap();
        assert_ne!(logits(&lower), logits(&caps));
    }

    fn stance_row(text: &str, holder: &str, target: &str, label: Stance) -> StanceExample {
        let ts = text.rfind(target).expect("target in text");
        StanceExample {
            id: format!("{text}|{holder}"),
            doc: String::new(),
            text: text.into(),
            context: String::new(),
            holder: holder.into(),
            holder_span: text
                .find(holder)
                .filter(|&h| h != ts)
                .map(|h| (h, h + holder.len())),
            target: target.into(),
            target_span: Some((ts, ts + target.len())),
            stance: Some(label),
            sentiment: None,
            source: "tiny".into(),
        }
    }

    /// "x blamed y": x against y, y (named here) neutral, the narrator neutral; "x praised y":
    /// x favor. Plus a tag per name and the verb's sentiment, so every head has something to
    /// learn from the same pass.
    fn tiny_set(tok: &Tokenizer) -> JointSet {
        let t = Template::new(tok, 32).expect("template");
        let names = ["trump", "china", "us", "eu"];
        let mut train = Vec::new();
        for &a in &names {
            for &b in &names {
                if a == b {
                    continue;
                }
                for (verb, label, sent) in [
                    ("blamed", Stance::Against, Sentiment::Negative),
                    ("praised", Stance::Favor, Sentiment::Positive),
                ] {
                    let text = format!("{a} {verb} {b} .");
                    for (holder, l) in [(a, label), (b, Stance::Neutral), (AUTHOR, Stance::Neutral)]
                    {
                        let row = stance_row(&text, holder, b, l);
                        train.push(stance_sample(tok, &t, &row).unwrap().expect("target found"));
                    }
                    let ex = SentimentExample {
                        id: text.clone(),
                        text: text.clone(),
                        label: sent,
                        source: "tiny".into(),
                    };
                    train.extend(sentiment_samples(tok, &t, &[ex]).unwrap());
                    let words: Vec<String> = text.split(' ').map(str::to_string).collect();
                    let tags = ["B-PER", "O", "B-LOC", "O"].map(str::to_string).to_vec();
                    let ner = NerSentence {
                        id: text.clone(),
                        words,
                        tags,
                    };
                    train.extend(ner_samples(tok, &t, &[ner]).unwrap());
                }
            }
        }
        let pick = |k: usize| -> Vec<JointSample> {
            train.iter().filter(|s| s.task() == k).cloned().collect()
        };
        let dev = [pick(0), pick(1), pick(2)];
        JointSet {
            train,
            dev,
            data: serde_json::json!("tiny"),
        }
    }

    #[test]
    fn token_ranges_and_holders_follow_the_byte_spans() {
        let tok = tokenizer();
        let t = Template::new(&tok, 32).unwrap();
        let text = "trump blamed china .";
        let w = &encode::encode_text_windows(&tok, &t, text).unwrap()[0];
        // [CLS] trump blamed china . [SEP]
        assert_eq!(token_range(w, (13, 18)), Some((3, 4)));
        assert_eq!(token_range(w, (0, 12)), Some((1, 3)));
        assert_eq!(token_range(w, (18, 18)), None);
        let target = (3, 4);
        assert_eq!(
            Holder::of("trump", Some((0, 5)), w, target),
            Holder::Span(1, 2)
        );
        assert_eq!(Holder::of(AUTHOR, Some((0, 5)), w, target), Holder::Author);
        assert_eq!(Holder::of("Obama", None, w, target), Holder::Elsewhere);
        assert_eq!(
            Holder::of(UNSPECIFIED, None, w, target),
            Holder::Unspecified
        );
        // A holder span on the target itself is no holder mention.
        assert_eq!(
            Holder::of("china", Some((13, 18)), w, target),
            Holder::Elsewhere
        );
        assert_eq!(span_weights(4, Some((1, 3))), [0.0, 0.5, 0.5, 0.0]);
        assert_eq!(span_weights(3, None), [0.0; 3]);
    }

    #[test]
    fn a_tiny_joint_model_learns_all_three_heads_and_inference_matches_training() {
        let tok = tokenizer();
        let set = tiny_set(&tok);
        let recipe = recipe();
        // Seed 1: the base that `write_tiny_base` writes, which the shipped model is loaded over.
        let mut model =
            JointTrainModel::from_tensors(&tiny_config(), tiny_base_tensors(1), &recipe).unwrap();
        let before = model.dev_scores(&set.dev, 8).unwrap();
        let work = tempfile::tempdir().unwrap();
        let opts = RunOptions {
            work_dir: work.path().to_path_buf(),
            resume: false,
            progress: Progress::Hidden,
        };
        let out = trainer::run(&mut JointObjective::new(&mut model, &set), &recipe, &opts).unwrap();
        model.varmap.load(&out.best_weights).unwrap();
        let after = model.dev_scores(&set.dev, 8).unwrap();
        assert!(after[0] > 0.9, "NER F1 {before:?} -> {after:?}");
        assert!(after[1] > 0.9, "sentiment F1 {before:?} -> {after:?}");
        assert!(
            after[2] > 0.8,
            "stance F1 {before:?} -> {after:?}: the holder decides between against and neutral"
        );

        // Shipped and loaded over the same base, the inference path gives the training path's
        // probabilities.
        let base_dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(base_dir.path()).unwrap();
        let sha = write_tiny_base(base_dir.path());
        let tensors =
            candle_core::safetensors::load(base_dir.path().join("model.safetensors"), &Device::Cpu)
                .unwrap();
        let mut shipped_model =
            JointTrainModel::from_tensors(&tiny_config(), tensors, &recipe).unwrap();
        // Same trained tensors, laid over the written base (the frozen layer comes from it).
        shipped_model.varmap.load(&out.best_weights).unwrap();
        let spec = BaseSpec {
            weights_sha256: sha,
            ..BaseSpec::default_encoder()
        };
        let dir = tempfile::tempdir().unwrap();
        trainer::write_model(
            dir.path(),
            &model_kind(),
            &recipe,
            &spec,
            &out.best_weights,
            serde_json::json!({}),
        )
        .unwrap();
        let saved =
            candle_core::safetensors::load(dir.path().join("model.safetensors"), &Device::Cpu)
                .unwrap();
        assert!(saved
            .keys()
            .all(|k| !k.starts_with("embeddings") && !k.contains("layer.0.")));
        let m = JointModel::load(dir.path(), Some(base_dir.path())).expect("load");
        let t = Template::new(&tok, 32).unwrap();
        let text = "trump blamed china .";
        let cases = [
            ("trump", Some((0, 5))),
            ("china", None),
            (AUTHOR, None),
            ("Obama", None),
        ];
        let inputs: Vec<StanceInput> = cases
            .iter()
            .map(|&(holder, holder_span)| StanceInput {
                holder,
                target: "china",
                text,
                target_span: Some((13, 18)),
                holder_span,
                context: "",
            })
            .collect();
        let (states, ents, sents) = m.read(&[text]).unwrap();
        let pairs: Vec<JointPair> = inputs
            .iter()
            .map(|i| JointPair {
                sentence: 0,
                input: i.clone(),
            })
            .collect();
        let got = m.stance(&states, &pairs).unwrap();
        assert_eq!(got, m.predict_stance(&inputs).unwrap());
        assert_eq!(got[0].label, Stance::Against);
        assert_eq!(got[2].label, Stance::Neutral);
        assert_eq!(sents[0].label, Sentiment::Negative);
        assert_eq!(
            ents[0].iter().map(|e| e.text.as_str()).collect::<Vec<_>>(),
            ["trump", "china"]
        );
        for (input, p) in inputs.iter().zip(&got) {
            let row = StanceExample {
                holder: input.holder.to_string(),
                holder_span: input.holder_span,
                ..stance_row(text, "trump", "china", Stance::Neutral)
            };
            let sample = stance_sample(&tok, &t, &row).unwrap().unwrap();
            let batch = Batch::from_rows(
                &[(sample.ids.as_slice(), &vec![0u32; sample.ids.len()][..])],
                &Device::Cpu,
            )
            .unwrap();
            let st = shipped_model.bert.forward_train(&batch, false).unwrap();
            let (f, kinds) =
                batch_stance_features(&shipped_model.heads, &st, &batch, &[&sample]).unwrap();
            let logits = shipped_model
                .heads
                .stance_logits(&f, &kinds, false)
                .unwrap();
            let want = softmax_rows(&logits).unwrap().remove(0);
            for (i, l) in Stance::ALL.iter().enumerate() {
                let (_, v) = p.scores.iter().find(|(k, _)| k == l).unwrap();
                assert!(
                    (v - want[i]).abs() < 1e-4,
                    "{}: {v} vs {}",
                    input.holder,
                    want[i]
                );
            }
        }
    }

    #[test]
    fn a_killed_joint_run_resumes_to_the_same_weights() {
        let tok = tokenizer();
        let set = tiny_set(&tok);
        let full = Recipe {
            epochs: 2,
            checkpoint_every: 5,
            ..recipe()
        };
        let train_to = |dir: &Path, max: Option<usize>, resume: bool| {
            let mut m =
                JointTrainModel::from_tensors(&tiny_config(), tiny_base_tensors(3), &full).unwrap();
            let r = Recipe {
                max_steps: max,
                ..full.clone()
            };
            let opts = RunOptions {
                work_dir: dir.to_path_buf(),
                resume,
                progress: Progress::Hidden,
            };
            trainer::run(&mut JointObjective::new(&mut m, &set), &r, &opts).unwrap();
            m.vars()
                .iter()
                .map(|(_, v)| {
                    v.as_tensor()
                        .flatten_all()
                        .unwrap()
                        .to_vec1::<f32>()
                        .unwrap()
                })
                .collect::<Vec<_>>()
        };
        let a = tempfile::tempdir().unwrap();
        let straight = train_to(a.path(), None, false);
        let b = tempfile::tempdir().unwrap();
        let _ = train_to(b.path(), Some(10), false);
        let resumed = train_to(b.path(), None, true);
        let state: TrainState =
            serde_json::from_str(&std::fs::read_to_string(b.path().join("state.json")).unwrap())
                .unwrap();
        assert!(state.finished);
        // AdamW's moments restart on resume (candle keeps them private), so the weights are
        // close, not equal; the run reaches the same number of steps.
        assert_eq!(straight.len(), resumed.len());
        let st: TrainState =
            serde_json::from_str(&std::fs::read_to_string(a.path().join("state.json")).unwrap())
                .unwrap();
        assert_eq!(st.step, state.step);
    }

    #[test]
    fn two_joint_runs_with_the_same_seed_train_the_same_weights_even_side_by_side() {
        let tok = tokenizer();
        let set = tiny_set(&tok);
        let recipe = Recipe {
            epochs: 2,
            dropout: 0.1,
            eval_every: 10,
            max_steps: Some(30),
            ..recipe()
        };
        let train = || {
            let mut model =
                JointTrainModel::from_tensors(&tiny_config(), tiny_base_tensors(13), &recipe)
                    .unwrap();
            let work = tempfile::tempdir().unwrap();
            let opts = RunOptions {
                work_dir: work.path().to_path_buf(),
                resume: false,
                progress: Progress::Hidden,
            };
            let out =
                trainer::run(&mut JointObjective::new(&mut model, &set), &recipe, &opts).unwrap();
            [
                std::fs::read(&out.best_weights).unwrap(),
                std::fs::read(work.path().join("checkpoint.safetensors")).unwrap(),
            ]
        };
        let (a, b) = std::thread::scope(|s| {
            let a = s.spawn(train);
            let b = s.spawn(train);
            (a.join().unwrap(), b.join().unwrap())
        });
        assert!(a == b, "the same seed gave other weights");
    }

    /// The fingerprint of tiny joint runs (dropout, early stopping, a resume), printed for
    /// comparison across changes of the training loop: `cargo test --release --lib
    /// training_fingerprint -- --ignored --nocapture`. Not pinned: the bytes depend on the
    /// CPU's matrix kernels (AVX-512 or not), so compare before and after on one machine.
    #[test]
    #[ignore]
    fn joint_training_fingerprint() {
        let tok = tokenizer();
        let mut set = tiny_set(&tok);
        // Longer rows of each task, so batches are padded.
        let t = Template::new(&tok, 32).unwrap();
        for (text, holder, label) in [
            (
                "he said trump blamed china and the eu .",
                "trump",
                Stance::Against,
            ),
            (
                "they said the us praised china , a deal .",
                AUTHOR,
                Stance::Neutral,
            ),
            (
                "the eu and the us praised peace and china .",
                "eu",
                Stance::Favor,
            ),
        ] {
            let row = stance_row(text, holder, "china", label);
            set.train.push(
                stance_sample(&tok, &t, &row)
                    .unwrap()
                    .expect("target found"),
            );
            let ex = SentimentExample {
                id: text.into(),
                text: text.into(),
                label: Sentiment::Neutral,
                source: "tiny".into(),
            };
            set.train
                .extend(sentiment_samples(&tok, &t, &[ex]).unwrap());
            let words: Vec<String> = text.split(' ').map(str::to_string).collect();
            let tags = words
                .iter()
                .map(|w| if w == "china" { "B-LOC" } else { "O" }.to_string())
                .collect();
            let ner = NerSentence {
                id: text.into(),
                words,
                tags,
            };
            set.train.extend(ner_samples(&tok, &t, &[ner]).unwrap());
        }
        let recipe = Recipe {
            epochs: 3,
            dropout: 0.1,
            eval_every: 10,
            patience: 3,
            checkpoint_every: 5,
            ..recipe()
        };
        let spec = BaseSpec {
            weights_sha256: "0".repeat(64),
            ..BaseSpec::default_encoder()
        };
        for (name, stop_at) in [("joint", None), ("joint resumed at 25", Some(25))] {
            let work = tempfile::tempdir().unwrap();
            let new_model = || {
                JointTrainModel::from_tensors(&tiny_config(), tiny_base_tensors(13), &recipe)
                    .unwrap()
            };
            let opts = |resume| RunOptions {
                work_dir: work.path().to_path_buf(),
                resume,
                progress: Progress::Hidden,
            };
            if let Some(stop) = stop_at {
                let first = Recipe {
                    max_steps: Some(stop),
                    ..recipe.clone()
                };
                trainer::run(
                    &mut JointObjective::new(&mut new_model(), &set),
                    &first,
                    &opts(false),
                )
                .unwrap();
            }
            let out = trainer::run(
                &mut JointObjective::new(&mut new_model(), &set),
                &recipe,
                &opts(stop_at.is_some()),
            )
            .unwrap();
            let model_dir = tempfile::tempdir().unwrap();
            trainer::write_model(
                model_dir.path(),
                &model_kind(),
                &recipe,
                &spec,
                &out.best_weights,
                serde_json::json!({"steps": out.state.step}),
            )
            .unwrap();
            let mut f = crate::model::tests::training_fingerprint(work.path(), model_dir.path());
            f.push(format!("padding_ratio {}", out.padding_ratio));
            for line in f {
                println!("{name}: {line}");
            }
        }
    }
}
