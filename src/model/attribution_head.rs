//! The fast profile's attribution head: source, cue and content tags (the tagger's labels) read
//! from the joint model's own token states, so that attribution rides the one encoder pass per
//! sentence instead of a second pass over the document.
//!
//! The joint model reads each sentence alone (`[CLS] sentence [SEP]`); attribution needs the
//! sentences around it (a quotation over several sentences, a source in the sentence after its
//! content). The head therefore lays the states of a document's sentences end to end, `[CLS]`
//! and `[SEP]` included (they mark where a sentence begins and ends), cuts them into windows of
//! [`WINDOW`] positions that start at a sentence where one is near, and reads each window with
//! a small transformer of its own: the states projected to [`DIM`], a learned position per
//! window slot, [`LAYERS`] BERT layers (a head trained with `--head-layers` has its own count,
//! read from its weights), and a tag layer. The joint encoder does not train: the
//! head learns from its states as they are, which training computes once and keeps in memory.
//!
//! Cost: per position about 0.35 M multiply-adds (one layer of width 128 and the projection,
//! which reads each position once) against about 10.6 M for the encoder's six layers of width
//! 384, and the layers' windows overlap by a quarter, as the tagger's do.
//!
//! Decoding is the tagger's ([`attribution::decode`]): each piece takes the window where it
//! stands farthest from an edge, and spans hold whole words.

use crate::data::brat::Article;
use crate::metrics;
use crate::model::attribution::{self, Role, RoleSpan, LABELS};
use crate::model::backbone::bert::{additive_mask, dropout, Layer, SlowLayerNorm};
use crate::model::classifier::{read_checked_safetensors, softmax_host_rows};
use crate::model::encode::{Encoded, TokenWindow};
use crate::model::error::{Error, Result};
use crate::model::fast::{FastBert, HostLinear};
use crate::model::joint::SentenceStates;
use crate::model::manifest::{Manifest, Task};
use crate::model::train::{self, IGNORE};
use crate::model::trainer::{DevScore, ModelKind, Objective, Recipe};
use candle_core::{DType, Device, Module, Tensor};
use candle_nn::{Linear, VarBuilder, VarMap};
use candle_transformers::models::bert::Config;
use rand::seq::SliceRandom;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// Width of the head's own layers.
pub const DIM: usize = 128;
/// The head's transformer layers, unless training asks for another count (`--head-layers`):
/// one, the shipped head's count since session 16 (two gave the same speaker accuracy at about
/// 0.3 s more per 200 documents; `models/joint-attribution/README.md`).
pub const LAYERS: usize = 1;
const HEADS: usize = 4;
/// Positions (sentence states, `[CLS]` and `[SEP]` included) of one window.
pub const WINDOW: usize = 256;
/// A window starts at most this many positions after its nominal start, to begin a sentence.
const SNAP: usize = 48;

/// Windows read through the head's layers at once at inference (their scratch is about 5 KB
/// per position).
const WINDOWS_AT_ONCE: usize = 32;

/// What the input of the head is (the manifest's `input_template`).
pub const TEMPLATE: &str = "the joint model's final token states of a document's sentences laid end to end ([CLS] and [SEP] of each kept), in windows of 256 positions starting at a sentence where one is near (training windows overlap by half, inference windows by a quarter); projected to 128, a learned position per slot, BERT layers of width 128 (as many as the weights hold: one in the shipped head), a tag on every piece";

/// A document as the head reads it: the joint encoder's states of its sentences one after
/// another.
#[derive(Debug, Clone, Default)]
pub struct DocStates {
    pub hidden: usize,
    /// `[positions x hidden]`, row-major.
    pub states: Vec<f32>,
    /// Document byte span of each position (`None` for `[CLS]` and `[SEP]`).
    pub spans: Vec<Option<(usize, usize)>>,
    /// Whether a position opens a sentence window of the joint model (its `[CLS]`).
    pub opens: Vec<bool>,
}

impl DocStates {
    /// The states of a document's sentences, each given with the byte offset where it starts in
    /// the document.
    pub fn new(sentences: &[&SentenceStates], starts: &[usize]) -> DocStates {
        let hidden = sentences
            .iter()
            .flat_map(|s| s.windows.first())
            .map(|w| w.states().len() / w.window.spans.len().max(1))
            .next()
            .unwrap_or(0);
        let mut d = DocStates {
            hidden,
            ..DocStates::default()
        };
        for (s, &offset) in sentences.iter().zip(starts) {
            for w in &s.windows {
                d.states.extend_from_slice(w.states());
                for (i, span) in w.window.spans.iter().enumerate() {
                    d.spans.push(span.map(|(a, b)| (a + offset, b + offset)));
                    d.opens.push(i == 0);
                }
            }
        }
        debug_assert_eq!(d.states.len(), d.spans.len() * hidden);
        d
    }

    pub fn len(&self) -> usize {
        self.spans.len()
    }

    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// Window starts every `stride` positions, each moved forward (by at most [`SNAP`]) to a
    /// sentence; the last window reaches the end.
    pub fn window_starts(&self, stride: usize) -> Vec<usize> {
        attribution::snapped_starts(self.len(), WINDOW, stride, SNAP, |i| self.opens[i])
    }

    /// The window `start..end` as the tagger's decoder takes it (spans only).
    fn token_window(&self, start: usize, end: usize) -> TokenWindow {
        TokenWindow {
            encoded: Encoded {
                ids: Vec::new(),
                type_ids: Vec::new(),
            },
            spans: self.spans[start..end].to_vec(),
            words: Vec::new(),
        }
    }
}

/// Windows overlap by half in training, by a quarter at inference (as the tagger's).
pub fn training_stride() -> usize {
    WINDOW / 2
}

pub fn inference_stride() -> usize {
    WINDOW * 3 / 4
}

/// The BERT layer config of the head's own layers.
fn layer_config(dropout: f32, layers: usize) -> Config {
    serde_json::from_value(serde_json::json!({
        "vocab_size": 1,
        "hidden_size": DIM,
        "num_hidden_layers": layers,
        "num_attention_heads": HEADS,
        "intermediate_size": 4 * DIM,
        "hidden_act": "gelu",
        "hidden_dropout_prob": dropout,
        "max_position_embeddings": WINDOW,
        "type_vocab_size": 1,
        "initializer_range": 0.02,
        "layer_norm_eps": 1e-12,
        "pad_token_id": 0,
        "position_embedding_type": "absolute",
        "use_cache": false,
        "classifier_dropout": null,
        "model_type": "bert"
    }))
    .expect("a fixed, valid BERT config")
}

/// The head: projection, window positions, layers, tags.
pub struct Head {
    proj: Linear,
    position: Tensor,
    norm: SlowLayerNorm,
    layers: Vec<Layer>,
    out: Linear,
    dropout: f32,
    /// Inference uses candle's fused kernels (no backward pass).
    fused: bool,
}

impl Head {
    /// The head's tensors under `vb` (`proj`, `position`, `norm`, `layer.N`, `out`), over
    /// encoder states of width `hidden`.
    pub fn load(
        vb: VarBuilder,
        hidden: usize,
        layers: usize,
        dropout: f32,
        fused: bool,
    ) -> Result<Head> {
        let c = layer_config(dropout, layers);
        let position = vb.get_with_hints(
            (WINDOW, DIM),
            "position",
            candle_nn::Init::Randn {
                mean: 0.0,
                stdev: 0.02,
            },
        )?;
        let layers = (0..layers)
            .map(|i| Layer::load_bert(vb.pp(format!("layer.{i}")), &c, fused))
            .collect::<candle_core::Result<Vec<_>>>()?;
        Ok(Head {
            proj: candle_nn::linear(hidden, DIM, vb.pp("proj"))?,
            position,
            norm: SlowLayerNorm::load(DIM, 1e-12, vb.pp("norm"))?,
            layers,
            out: candle_nn::linear(DIM, LABELS.len(), vb.pp("out"))?,
            dropout,
            fused,
        })
    }

    /// Tag logits `[rows, seq, labels]` of states `[rows, seq, hidden]` with a 1/0 `mask`.
    pub fn forward(&self, x: &Tensor, mask: &Tensor, train: bool) -> Result<Tensor> {
        let (_, seq, _) = x.dims3()?;
        let x = self.proj.forward(x)?;
        let x = x.broadcast_add(&self.position.narrow(0, 0, seq)?)?;
        let x = dropout(&self.norm.forward(&x, self.fused)?, self.dropout, train)?;
        let mask = additive_mask(mask)?;
        let mut x = x;
        for l in &self.layers {
            x = l.forward(&x, &mask, None, train)?;
        }
        Ok(self.out.forward(&x)?)
    }
}

/// The gold label of each position of `doc[start..end]`: the role of the range holding the
/// piece's first byte, `B-` where the range differs from the previous piece's; `[CLS]` and
/// `[SEP]` take no loss (a content running over sentences continues across them).
fn labels_of(
    doc: &DocStates,
    gold: &[(usize, usize, Role)],
    start: usize,
    end: usize,
) -> Vec<usize> {
    let mut prev: Option<usize> = None;
    // The range of the last piece before the window, so a window starting inside a span
    // continues it as the decoder would see it.
    if let Some((s, _)) = doc.spans[..start].iter().rev().flatten().next() {
        prev = gold.iter().position(|&(b, e, _)| *s >= b && *s < e);
    }
    let mut out = Vec::with_capacity(end - start);
    for span in &doc.spans[start..end] {
        let Some((s, _)) = *span else {
            out.push(IGNORE);
            continue;
        };
        let (label, hit) = attribution::piece_label(gold, s, prev);
        out.push(label);
        prev = hit;
    }
    out
}

/// One training window: a document's positions `start..end`, their gold labels (`IGNORE`
/// where a position takes no loss, everywhere in a document without annotation) and the
/// teacher's tag probabilities (`[positions x labels]`, empty without a teacher; a row of zeros
/// where the teacher has no piece there).
#[derive(Debug, Clone)]
pub struct HeadRow {
    pub doc: usize,
    pub start: usize,
    pub end: usize,
    pub labels: Vec<usize>,
    pub soft: Vec<f32>,
}

/// The training data of the head: the documents' states and the windows over them.
pub struct HeadSet {
    pub docs: Vec<DocStates>,
    pub train: Vec<HeadRow>,
    pub dev: Vec<HeadRow>,
    pub data: serde_json::Value,
}

/// One document's training material: its gold attributions (when annotated) and the teacher's
/// per-piece probabilities (by first byte, when a teacher read it).
pub struct Supervision<'a> {
    pub gold: Option<&'a Article>,
    pub teacher: Option<&'a BTreeMap<usize, Vec<f32>>>,
}

/// Rows of `docs` (states, numbered from `first_doc` in the set) with their supervision, every
/// `stride` positions.
pub fn rows(
    docs: &[DocStates],
    first_doc: usize,
    supervision: &[Supervision],
    stride: usize,
) -> Vec<HeadRow> {
    let mut out = Vec::new();
    for (i, (d, sup)) in docs.iter().zip(supervision).enumerate() {
        let gold = sup.gold.map(attribution::gold_ranges);
        for s in d.window_starts(stride) {
            let e = (s + WINDOW).min(d.len());
            if e <= s {
                continue;
            }
            let labels = match &gold {
                Some(g) => labels_of(d, g, s, e),
                None => vec![IGNORE; e - s],
            };
            let mut soft = Vec::new();
            if let Some(t) = sup.teacher {
                soft = vec![0f32; (e - s) * LABELS.len()];
                for (k, span) in d.spans[s..e].iter().enumerate() {
                    if let Some(p) = span.and_then(|(b, _)| t.get(&b)) {
                        soft[k * LABELS.len()..][..LABELS.len()].copy_from_slice(p);
                    }
                }
            }
            out.push(HeadRow {
                doc: first_doc + i,
                start: s,
                end: e,
                labels,
                soft,
            });
        }
    }
    out
}

/// A batch of windows as tensors: states `[rows, seq, hidden]` and mask `[rows, seq]`.
fn batch_tensors(
    docs: &[DocStates],
    rows: &[&HeadRow],
    device: &Device,
) -> Result<(Tensor, Tensor)> {
    let hidden = docs.first().map_or(0, |d| d.hidden);
    let seq = rows
        .iter()
        .map(|r| r.end - r.start)
        .max()
        .unwrap_or(1)
        .max(1);
    let mut x = vec![0f32; rows.len() * seq * hidden];
    let mut mask = vec![0f32; rows.len() * seq];
    for (i, r) in rows.iter().enumerate() {
        let d = &docs[r.doc];
        let n = r.end - r.start;
        x[i * seq * hidden..][..n * hidden]
            .copy_from_slice(&d.states[r.start * hidden..r.end * hidden]);
        mask[i * seq..][..n].fill(1.0);
    }
    Ok((
        Tensor::from_vec(x, (rows.len(), seq, hidden), device)?,
        Tensor::from_vec(mask, (rows.len(), seq), device)?,
    ))
}

/// The head in training, with its variables.
pub struct HeadTrainModel {
    pub varmap: VarMap,
    pub head: Head,
    device: Device,
}

impl HeadTrainModel {
    /// A fresh head (seeded: candle's initialisers draw from a generator it seeds itself, so the
    /// head's start is drawn here instead).
    pub fn new(hidden: usize, layers: usize, recipe: &Recipe) -> Result<HeadTrainModel> {
        let device = Device::Cpu;
        let varmap = VarMap::new();
        let vb = VarBuilder::from_varmap(&varmap, DType::F32, &device);
        let head = Head::load(vb, hidden, layers, recipe.dropout, false)?;
        train::init_fresh(&varmap, &Default::default(), recipe.seed, 0.02)?;
        // Layer norms start as the identity.
        for (name, var) in train::sorted_vars(&varmap) {
            if name.ends_with("LayerNorm.weight") || name == "norm.weight" {
                var.set(&var.as_tensor().ones_like()?)?;
            }
        }
        Ok(HeadTrainModel {
            varmap,
            head,
            device,
        })
    }

    pub fn vars(&self) -> Vec<(String, candle_core::Var)> {
        train::sorted_vars(&self.varmap)
    }

    fn logits(&self, docs: &[DocStates], rows: &[&HeadRow], train: bool) -> Result<Tensor> {
        let (x, mask) = batch_tensors(docs, rows, &self.device)?;
        self.head.forward(&x, &mask, train)
    }

    /// Exact span precision/recall/F1 (micro, every role) over `rows`.
    pub fn span_f1(&self, docs: &[DocStates], rows: &[HeadRow], batch: usize) -> Result<f64> {
        let (mut tp, mut np, mut ng) = (0usize, 0usize, 0usize);
        for chunk in rows.chunks(batch.max(1)) {
            let refs: Vec<&HeadRow> = chunk.iter().collect();
            let logits = self.logits(docs, &refs, false)?;
            let best: Vec<Vec<u32>> = logits.argmax(2)?.to_vec2()?;
            for (r, pred) in chunk.iter().zip(best) {
                // Positions that take no loss ([CLS], [SEP]) are left out of both sides.
                let keep: Vec<usize> = (0..r.labels.len())
                    .filter(|&i| r.labels[i] != IGNORE)
                    .collect();
                let g: Vec<&str> = keep.iter().map(|&i| LABELS[r.labels[i]]).collect();
                let p: Vec<&str> = keep.iter().map(|&i| LABELS[pred[i] as usize]).collect();
                let gs = metrics::bio_spans(&g);
                let ps = metrics::bio_spans(&p);
                tp += ps.iter().filter(|s| gs.contains(s)).count();
                np += ps.len();
                ng += gs.len();
            }
        }
        let p = if np == 0 { 0.0 } else { tp as f64 / np as f64 };
        let r = if ng == 0 { 0.0 } else { tp as f64 / ng as f64 };
        Ok(if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        })
    }
}

/// What the head brings to the training loop.
pub struct HeadObjective<'a> {
    model: &'a mut HeadTrainModel,
    set: &'a HeadSet,
}

impl<'a> HeadObjective<'a> {
    pub fn new(model: &'a mut HeadTrainModel, set: &'a HeadSet) -> HeadObjective<'a> {
        HeadObjective { model, set }
    }
}

impl Objective for HeadObjective<'_> {
    fn varmap(&mut self) -> &mut VarMap {
        &mut self.model.varmap
    }

    fn tasks(&self) -> Vec<&'static str> {
        vec![Task::JointAttribution.name()]
    }

    fn row_lengths(&self) -> Vec<usize> {
        self.set.train.iter().map(|r| r.end - r.start).collect()
    }

    fn epoch_plan(&self, batch_size: usize, seed: u64, epoch: usize) -> Vec<Vec<usize>> {
        let mut rng = train::epoch_rng(seed, epoch);
        let lens = self.row_lengths();
        let mut batches =
            train::length_buckets((0..lens.len()).collect(), &lens, batch_size, &mut rng);
        batches.shuffle(&mut rng);
        batches
    }

    fn loss(&mut self, rows: &[usize]) -> Result<(Tensor, usize)> {
        let refs: Vec<&HeadRow> = rows.iter().map(|&i| &self.set.train[i]).collect();
        let logits = self.model.logits(&self.set.docs, &refs, true)?;
        let (b, seq, k) = logits.dims3()?;
        let mut labels = vec![IGNORE; b * seq];
        for (i, r) in refs.iter().enumerate() {
            labels[i * seq..][..r.labels.len()].copy_from_slice(&r.labels);
        }
        let weights: Vec<f32> = labels
            .iter()
            .map(|&l| if l == IGNORE { 0.0 } else { 1.0 })
            .collect();
        let logits = logits.reshape((b * seq, k))?;
        let mut loss = if weights.iter().any(|&w| w > 0.0) {
            train::weighted_cross_entropy(&logits, &labels, &weights)?
        } else {
            Tensor::zeros((), DType::F32, logits.device())?
        };
        // The teacher's probabilities: cross-entropy against them, over the positions it read.
        if refs.iter().any(|r| !r.soft.is_empty()) {
            let mut soft = vec![0f32; b * seq * k];
            for (i, r) in refs.iter().enumerate() {
                soft[i * seq * k..][..r.soft.len()].copy_from_slice(&r.soft);
            }
            let soft = Tensor::from_vec(soft, (b * seq, k), logits.device())?;
            let read: f32 = soft.sum_all()?.to_scalar()?;
            if read > 0.0 {
                let logp = candle_nn::ops::log_softmax(&logits, candle_core::D::Minus1)?;
                let distil = ((soft * logp)?.sum_all()? / (-(read as f64)))?;
                loss = (loss + distil)?;
            }
        }
        Ok((loss, 0))
    }

    fn dev_score(&self, batch_size: usize) -> Result<DevScore> {
        Ok(DevScore {
            score: self
                .model
                .span_f1(&self.set.docs, &self.set.dev, batch_size)?,
            parts: Vec::new(),
        })
    }

    fn model_kind(&self) -> ModelKind {
        model_kind()
    }
}

pub fn model_kind() -> ModelKind {
    ModelKind {
        name: Task::JointAttribution.name().to_string(),
        task: Task::JointAttribution,
        labels: LABELS.iter().map(|s| s.to_string()).collect(),
        input_template: TEMPLATE.to_string(),
        pooling: Default::default(),
        heads: BTreeMap::new(),
        architecture: "bert",
    }
}

/// The manifest's `training` key naming the joint weights the head was trained over.
pub const JOINT_SHA_KEY: &str = "joint_weights_sha256";

/// The head at inference, bound to the joint model it was trained over. Its layers run on the
/// encoder's kernels ([`FastBert::forward_embedded`]) and its linear layers through
/// [`fast::linear_rows`], so it costs what its multiply-adds cost and a document's spans do not
/// depend on its batch.
pub struct AttributionHead {
    proj: HostLinear,
    layers: FastBert,
    out: HostLinear,
    hidden: usize,
}

/// The head's tensors under the names a BERT encoder has (`FastBert::load` reads them): the
/// window positions and the norm become the embeddings', the layers the encoder's; the word and
/// segment tables are a single zero row (the projected states take the words' place).
fn as_bert(tensors: &HashMap<String, Tensor>, device: &Device) -> Result<HashMap<String, Tensor>> {
    let mut out = HashMap::new();
    for (name, t) in tensors {
        let renamed = if name == "position" {
            "embeddings.position_embeddings.weight".to_string()
        } else if let Some(rest) = name.strip_prefix("norm.") {
            format!("embeddings.LayerNorm.{rest}")
        } else if let Some(rest) = name.strip_prefix("layer.") {
            format!("encoder.layer.{rest}")
        } else {
            continue;
        };
        out.insert(renamed, t.clone());
    }
    for table in ["word_embeddings", "token_type_embeddings"] {
        out.insert(
            format!("embeddings.{table}.weight"),
            Tensor::zeros((1, DIM), DType::F32, device)?,
        );
    }
    Ok(out)
}

impl AttributionHead {
    /// Load the head in `dir`; `joint` is the manifest of the joint model whose states it will
    /// read, which must be the one it was trained over.
    pub fn load(dir: &Path, joint: &Manifest) -> Result<AttributionHead> {
        let manifest_path = dir.join("manifest.json");
        let manifest = Manifest::read(&manifest_path).map_err(|reason| Error::Manifest {
            path: manifest_path.clone(),
            reason,
        })?;
        if manifest.task != Task::JointAttribution {
            return Err(Error::WrongTask {
                path: dir.to_path_buf(),
                expected: Task::JointAttribution.name(),
                found: manifest.task.name(),
            });
        }
        let want: Vec<String> = LABELS.iter().map(|s| s.to_string()).collect();
        let labels = manifest.labels().map_err(|reason| Error::Manifest {
            path: manifest_path.clone(),
            reason,
        })?;
        if labels != want {
            return Err(Error::Manifest {
                path: manifest_path,
                reason: format!("labels must be {want:?}, found {labels:?}"),
            });
        }
        let trained_over = manifest.training[JOINT_SHA_KEY].as_str().unwrap_or("");
        if trained_over != joint.weights_digest() {
            return Err(Error::Manifest {
                path: manifest_path,
                reason: format!(
                    "the head was trained over joint weights {trained_over}, but the joint model \
                     in use has {}; retrain it with `standpoint train --task joint-attribution`, \
                     or run with --speakers rules",
                    joint.weights_digest()
                ),
            });
        }
        let weights = dir.join(&manifest.weights);
        let tensors =
            read_checked_safetensors(&weights, Some(&manifest.weights_sha256), &Device::Cpu)?;
        Self::from_tensors(&tensors).map_err(|reason| Error::CorruptWeights {
            path: weights,
            reason,
        })
    }

    /// The head from its tensors (as training names them).
    fn from_tensors(tensors: &HashMap<String, Tensor>) -> std::result::Result<Self, String> {
        let device = Device::Cpu;
        let linear = |name: &str| -> std::result::Result<Linear, String> {
            let get = |part: &str| {
                tensors
                    .get(&format!("{name}.{part}"))
                    .cloned()
                    .ok_or_else(|| format!("no tensor {name}.{part}"))
            };
            Ok(Linear::new(get("weight")?, Some(get("bias")?)))
        };
        let (proj, out) = (linear("proj")?, linear("out")?);
        let shape = |l: &Linear| l.weight().dims2().map_err(|e| e.to_string());
        let (dim, hidden) = shape(&proj)?;
        if dim != DIM || shape(&out)? != (LABELS.len(), DIM) {
            return Err(format!(
                "the head's layers must be {DIM} wide with {} tags",
                LABELS.len()
            ));
        }
        // As many layers as the weights hold (`layer.N.`), one at least.
        let layers = tensors
            .keys()
            .filter_map(|k| {
                k.strip_prefix("layer.")?
                    .split('.')
                    .next()?
                    .parse::<usize>()
                    .ok()
            })
            .max()
            .map_or(0, |n| n + 1);
        if layers == 0 {
            return Err("the head's weights hold no layer (layer.0.*)".into());
        }
        let bert = as_bert(tensors, &device).map_err(|e| e.to_string())?;
        let vb = VarBuilder::from_tensors(bert, DType::F32, &device);
        let layers = FastBert::load(vb, &layer_config(0.0, layers))
            .map_err(|e| format!("missing or misshapen head tensors: {e}"))?;
        let host = |l: &Linear| HostLinear::new(l).map_err(|e| e.to_string());
        Ok(AttributionHead {
            proj: host(&proj)?,
            layers,
            out: host(&out)?,
            hidden,
        })
    }

    /// Tag probabilities of windows given as projected states (`[sum of lens, DIM]`, one
    /// window after another), one row per position.
    fn window_probs(&self, projected: &[f32], lens: &[usize]) -> Result<Vec<Vec<f32>>> {
        let y = self.layers.forward_embedded(projected, lens)?;
        Ok(softmax_host_rows(&self.out.forward(&y), LABELS.len()))
    }

    /// The source, cue and content spans of each document (`text`, and the states of its
    /// sentences). All windows of all documents go through the layers together; each window
    /// is computed on its own (a document's spans do not depend on its batch).
    pub fn spans_many(&self, docs: &[(&str, &DocStates)]) -> Result<Vec<Vec<RoleSpan>>> {
        let mut lens = Vec::new();
        // Per window: its document and its positions.
        let mut windows: Vec<(usize, usize, usize)> = Vec::new();
        for (d, (_, doc)) in docs.iter().enumerate() {
            if doc.is_empty() {
                continue;
            }
            if doc.hidden != self.hidden {
                return Err(Error::Invalid(format!(
                    "the attribution head reads states of width {}, the encoder gave {}",
                    self.hidden, doc.hidden
                )));
            }
            for s in doc.window_starts(inference_stride()) {
                let e = (s + WINDOW).min(doc.len());
                lens.push(e - s);
                windows.push((d, s, e));
            }
        }
        let mut out: Vec<Vec<RoleSpan>> = vec![Vec::new(); docs.len()];
        if windows.is_empty() {
            return Ok(out);
        }
        // The projection reads one position at a time: each position once, not once per window
        // that holds it (windows overlap), and the windows are then copied at the head's width.
        let projected: Vec<Vec<f32>> = docs
            .iter()
            .map(|(_, doc)| self.proj.forward(&doc.states))
            .collect();
        // At most WINDOWS_AT_ONCE windows through the layers at a time, so the scratch of a very
        // long document stays small.
        // Their inputs are copied a group at a time.
        let mut probs = Vec::with_capacity(lens.iter().sum());
        for (group, ws) in lens
            .chunks(WINDOWS_AT_ONCE)
            .zip(windows.chunks(WINDOWS_AT_ONCE))
        {
            let mut x = Vec::with_capacity(group.iter().sum::<usize>() * DIM);
            for &(d, s, e) in ws {
                x.extend_from_slice(&projected[d][s * DIM..e * DIM]);
            }
            probs.extend(self.window_probs(&x, group)?);
        }
        // Per document: its windows and their per-position probabilities.
        type Read = (Vec<TokenWindow>, Vec<Vec<Vec<f32>>>);
        let mut per_doc: Vec<Read> = (0..docs.len()).map(|_| (Vec::new(), Vec::new())).collect();
        let mut at = 0;
        for (d, s, e) in windows {
            per_doc[d].0.push(docs[d].1.token_window(s, e));
            per_doc[d].1.push(probs[at..at + (e - s)].to_vec());
            at += e - s;
        }
        for (d, (w, p)) in per_doc.into_iter().enumerate() {
            if !w.is_empty() {
                out[d] = attribution::decode(docs[d].0, &w, &p);
            }
        }
        Ok(out)
    }

    /// [`AttributionHead::spans_many`] of one document.
    pub fn spans(&self, text: &str, doc: &DocStates) -> Result<Vec<RoleSpan>> {
        Ok(self.spans_many(&[(text, doc)])?.pop().unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(sentence_lens: &[usize]) -> DocStates {
        let mut d = DocStates {
            hidden: 2,
            ..Default::default()
        };
        let mut byte = 0;
        for &n in sentence_lens {
            d.spans.push(None);
            d.opens.push(true);
            for _ in 0..n {
                d.spans.push(Some((byte, byte + 3)));
                d.opens.push(false);
                byte += 4;
            }
            d.spans.push(None);
            d.opens.push(false);
        }
        d.states = vec![0.0; d.spans.len() * 2];
        d
    }

    #[test]
    fn the_head_at_inference_computes_what_training_computes() {
        // The shipped count of layers, and two (`train --head-layers 2`): inference reads the
        // count from the weights.
        for layers in [LAYERS, 2] {
            head_at_inference_computes_what_training_computes(layers);
        }
    }

    fn head_at_inference_computes_what_training_computes(layers: usize) {
        let hidden = 24;
        let recipe = Recipe {
            seed: 5,
            dropout: 0.1,
            ..Recipe::default_for(Task::JointAttribution)
        };
        let model = HeadTrainModel::new(hidden, layers, &recipe).unwrap();
        // Layer norms away from the identity, so a misplaced norm would show.
        for (name, var) in model.vars() {
            if name.ends_with("LayerNorm.weight") || name == "norm.weight" {
                let t = var.as_tensor();
                var.set(&(t * 1.5).unwrap()).unwrap();
            }
        }
        let tensors: HashMap<String, Tensor> = model
            .vars()
            .into_iter()
            .map(|(n, v)| (n, v.as_tensor().clone()))
            .collect();
        let head = AttributionHead::from_tensors(&tensors).unwrap();
        assert_eq!(head.layers.layer_count(), layers);
        // Two windows of different lengths, states from a fixed pattern.
        let lens = [7usize, 13];
        let x: Vec<f32> = (0..20 * hidden)
            .map(|i| ((i * 37 % 101) as f32 / 50.0) - 1.0)
            .collect();
        let fast = head.window_probs(&head.proj.forward(&x), &lens).unwrap();
        let mut at = 0;
        for &n in &lens {
            let t = Tensor::from_vec(
                x[at * hidden..(at + n) * hidden].to_vec(),
                (1, n, hidden),
                &Device::Cpu,
            )
            .unwrap();
            let mask = Tensor::ones((1, n), DType::F32, &Device::Cpu).unwrap();
            let logits = model
                .head
                .forward(&t, &mask, false)
                .unwrap()
                .squeeze(0)
                .unwrap();
            let slow = crate::model::classifier::softmax_rows(&logits).unwrap();
            for (a, b) in slow.iter().zip(&fast[at..at + n]) {
                for (p, q) in a.iter().zip(b) {
                    assert!((p - q).abs() < 1e-4, "{p} against {q}");
                }
            }
            at += n;
        }
    }

    #[test]
    fn windows_cover_every_position_and_start_at_sentences() {
        let d = doc(&[30; 40]);
        let starts = d.window_starts(inference_stride());
        assert_eq!(starts[0], 0);
        let mut covered = vec![false; d.len()];
        for &s in &starts {
            assert!(d.opens[s], "window at {s} does not open a sentence");
            for c in covered.iter_mut().skip(s).take(WINDOW) {
                *c = true;
            }
        }
        assert!(covered.iter().all(|&c| c));
        // A short document is one window.
        assert_eq!(doc(&[10, 10]).window_starts(inference_stride()), vec![0]);
    }

    #[test]
    fn labels_continue_a_span_over_sentence_marks_and_ignore_them() {
        let d = doc(&[3, 3]);
        // Content from the second piece of sentence 1 to the first of sentence 2.
        let (b, e) = (d.spans[2].unwrap().0, d.spans[6].unwrap().1);
        let gold = vec![(b, e, Role::Content)];
        let l = labels_of(&d, &gold, 0, d.len());
        let b_content = 5;
        let i_content = 6;
        assert_eq!(
            l,
            vec![IGNORE, 0, b_content, i_content, IGNORE, IGNORE, i_content, 0, 0, IGNORE]
        );
    }
}
