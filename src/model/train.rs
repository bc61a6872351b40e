//! Training in Rust: AdamW with warm-up and linear decay, gradient clipping, class weights,
//! length-bucketed batches, dev macro-F1 early stopping, resumable checkpoints, a progress bar
//! and a JSONL log.
//!
//! The bottom `frozen_layers` of the base encoder stay as they are (plain tensors); the top layers
//! and the head are variables. Only those are saved, so a shipped model is a few MB laid over the
//! pinned base.

use crate::error::{Error, Result};
use crate::model::bert::{seed_dropout, Batch, TrainBert};
use crate::model::classifier::{load_base_config, load_base_tensors};
use crate::model::encode::Encoded;
use crate::model::heads::{PoolSpec, SequenceClassificationHead, TokenClassificationHead};
use crate::model::manifest::{Manifest, Pooling, Task};
use crate::model::resolve::{BaseSpec, ModelFiles};
use candle_core::{DType, Device, Tensor, Var, D};
use candle_nn::{AdamW, Optimizer, ParamsAdamW, VarBuilder, VarMap};
use indicatif::{ProgressBar, ProgressStyle};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::SeedableRng;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// One encoded training example: a class for sequence tasks, or one class per position for
/// token tasks (`IGNORE` where no loss is taken).
#[derive(Debug, Clone)]
pub struct Sample {
    pub enc: Encoded,
    pub label: Target,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    Class(usize),
    Tokens(Vec<usize>),
}

/// Token positions that take no loss (specials, continuation pieces).
pub const IGNORE: usize = usize::MAX;

/// The hyper-parameters of one training run (saved into the manifest).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Recipe {
    pub epochs: usize,
    pub batch_size: usize,
    pub lr: f64,
    pub warmup_ratio: f64,
    pub weight_decay: f64,
    pub clip_norm: f64,
    pub dropout: f32,
    pub frozen_layers: usize,
    pub max_len: usize,
    pub seed: u64,
    /// Evaluate on dev (and maybe stop) every this many steps; 0 = once per epoch.
    pub eval_every: usize,
    /// Stop after this many evaluations without a better dev macro-F1.
    pub patience: usize,
    /// Save a resumable checkpoint every this many steps.
    pub checkpoint_every: usize,
    pub class_weights: bool,
    /// Stop after this many optimizer steps (tests, quick runs).
    pub max_steps: Option<usize>,
    /// Pooling of the sequence head (see [`Pooling`]).
    #[serde(default)]
    pub pooling: Pooling,
}

impl Recipe {
    pub fn default_for(task: Task) -> Recipe {
        let base = Recipe {
            epochs: 1,
            batch_size: 16,
            lr: 1e-4,
            warmup_ratio: 0.06,
            weight_decay: 0.01,
            clip_norm: 1.0,
            dropout: 0.1,
            frozen_layers: 4,
            max_len: 128,
            seed: 17,
            eval_every: 400,
            patience: 4,
            checkpoint_every: 100,
            class_weights: true,
            max_steps: None,
            pooling: Pooling::Mean,
        };
        match task {
            Task::Stance => Recipe { epochs: 2, ..base },
            Task::Sentiment => Recipe {
                max_len: 96,
                eval_every: 250,
                ..base
            },
            Task::Ner => Recipe {
                epochs: 2,
                batch_size: 32,
                lr: 2e-4,
                frozen_layers: 3,
                max_len: 128,
                eval_every: 200,
                class_weights: false,
                ..base
            },
            // Over the shipped stance model's top layers (see `joint::JointTrainModel`).
            Task::Joint => Recipe {
                epochs: 2,
                frozen_layers: 3,
                eval_every: 500,
                ..base
            },
        }
    }
}

/// Everything a training run needs besides the recipe.
pub struct TrainSet {
    pub task: Task,
    pub labels: Vec<String>,
    pub train: Vec<Sample>,
    pub dev: Vec<Sample>,
    /// How many samples at the end of `train` come from our own annotated data: `--max-train`
    /// samples the public rows before them and keeps these whole.
    pub own_tail: usize,
    /// Described data mix, stored in the manifest.
    pub data: serde_json::Value,
    pub input_template: String,
}

/// The trainable model: differentiable BERT with frozen bottom, and the task head.
pub struct TrainModel {
    pub bert: TrainBert,
    head: Head,
    pub varmap: VarMap,
    device: Device,
}

enum Head {
    Seq(SequenceClassificationHead),
    Tok(TokenClassificationHead),
}

impl TrainModel {
    /// Build from the resolved base: the top layers start from the base weights, the head is new.
    pub fn new(
        base: &ModelFiles,
        task: Task,
        labels: usize,
        recipe: &Recipe,
    ) -> Result<(TrainModel, tokenizers::Tokenizer)> {
        let device = Device::Cpu;
        let (config, tokenizer) = load_base_config(base)?;
        let tensors = load_base_tensors(base, &device)?;
        let pool = match recipe.pooling {
            Pooling::Mean => PoolSpec::Mean,
            Pooling::MeanAndTarget => {
                PoolSpec::target(&crate::model::encode::Template::new(&tokenizer, 8)?)
            }
        };
        Ok((
            Self::from_tensors(&config, tensors, task, labels, recipe, pool)?,
            tokenizer,
        ))
    }

    /// Build from a config and base tensors already in memory.
    pub fn from_tensors(
        config: &candle_transformers::models::bert::Config,
        tensors: std::collections::HashMap<String, Tensor>,
        task: Task,
        labels: usize,
        recipe: &Recipe,
        pool: PoolSpec,
    ) -> Result<TrainModel> {
        let device = Device::Cpu;
        let frozen_vb = VarBuilder::from_tensors(tensors.clone(), DType::F32, &device);
        let varmap = VarMap::new();
        let train_vb = VarBuilder::from_varmap(&varmap, DType::F32, &device);
        let bert = TrainBert::load(frozen_vb, train_vb.clone(), config, recipe.frozen_layers)?;
        // The variables were created with fresh init; copy the base values in before the head
        // exists (VarMap::load would fail on the head's names, which the base does not have).
        {
            let data = varmap.data().lock().unwrap_or_else(|e| e.into_inner());
            for (name, var) in data.iter() {
                if let Some(t) = tensors.get(name) {
                    var.set(t)?;
                }
            }
        }
        let head = match task {
            Task::Ner => Head::Tok(TokenClassificationHead::load(
                train_vb.pp("classifier"),
                config.hidden_size,
                labels,
                recipe.dropout,
            )?),
            _ => Head::Seq(SequenceClassificationHead::load(
                train_vb.pp("classifier"),
                config.hidden_size,
                labels,
                recipe.dropout,
                pool,
            )?),
        };
        init_fresh(&varmap, &tensors, recipe.seed, config.initializer_range)?;
        Ok(TrainModel {
            bert,
            head,
            varmap,
            device,
        })
    }

    /// Logits: `[batch, labels]` or `[batch, seq, labels]`.
    pub fn logits(&self, batch: &Batch, train: bool) -> Result<Tensor> {
        let states = self.bert.forward_train(batch, train)?;
        self.head_logits(&states, batch, train)
    }

    /// Logits from the frozen bottom's output (see `FrozenCache`).
    pub fn logits_from_bottom(
        &self,
        bottom: &Tensor,
        batch: &Batch,
        train: bool,
    ) -> Result<Tensor> {
        let states = self.bert.forward_top(bottom, batch, train)?;
        self.head_logits(&states, batch, train)
    }

    fn head_logits(&self, states: &Tensor, batch: &Batch, train: bool) -> Result<Tensor> {
        Ok(match &self.head {
            Head::Seq(h) => h.forward(states, batch, train)?,
            Head::Tok(h) => h.forward(states, train)?,
        })
    }

    /// Trainable variables sorted by name (a stable order for the optimizer and checks).
    pub fn vars(&self) -> Vec<(String, Var)> {
        sorted_vars(&self.varmap)
    }

    pub fn device(&self) -> &Device {
        &self.device
    }
}

/// Give the variables of `varmap` that are not in `base` their fresh values from `seed`: candle's
/// CPU generator cannot be seeded, so they are redrawn here as BERT initialises them,
/// N(0, `range`) weights and zero biases.
pub(crate) fn init_fresh(
    varmap: &VarMap,
    base: &std::collections::HashMap<String, Tensor>,
    seed: u64,
    range: f64,
) -> Result<()> {
    let data = varmap.data().lock().unwrap_or_else(|e| e.into_inner());
    let mut names: Vec<&String> = data.keys().filter(|k| !base.contains_key(*k)).collect();
    names.sort();
    let mut rng = StdRng::seed_from_u64(seed);
    for name in names {
        let var = &data[name];
        let n = var.as_tensor().elem_count();
        let values: Vec<f32> = if name.ends_with("bias") {
            vec![0.0; n]
        } else {
            (0..n).map(|_| normal(&mut rng) * range as f32).collect()
        };
        var.set(&Tensor::from_vec(
            values,
            var.as_tensor().shape(),
            var.device(),
        )?)?;
    }
    Ok(())
}

/// The variables of `varmap` sorted by name (a stable order for the optimizer and checks).
pub(crate) fn sorted_vars(varmap: &VarMap) -> Vec<(String, Var)> {
    let data = varmap.data().lock().unwrap_or_else(|e| e.into_inner());
    let mut v: Vec<(String, Var)> = data.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    v.sort_by(|a, b| a.0.cmp(&b.0));
    v
}

/// A standard normal draw (Box-Muller), so seeded initialisation needs no extra crate.
fn normal(rng: &mut StdRng) -> f32 {
    use rand::Rng;
    let u1: f32 = rng.gen_range(f32::EPSILON..1.0);
    let u2: f32 = rng.gen();
    (-2.0 * u1.ln()).sqrt() * (2.0 * std::f32::consts::PI * u2).cos()
}

/// Weighted cross-entropy over rows of `logits` `[n, k]`; `weights[i]` scales row i (0 skips it).
pub fn weighted_cross_entropy(
    logits: &Tensor,
    labels: &[usize],
    weights: &[f32],
) -> Result<Tensor> {
    let (n, _k) = logits.dims2()?;
    let dev = logits.device();
    let logp = candle_nn::ops::log_softmax(logits, D::Minus1)?;
    let idx: Vec<u32> = labels
        .iter()
        .map(|&l| if l == IGNORE { 0 } else { l as u32 })
        .collect();
    let idx = Tensor::from_vec(idx, (n, 1), dev)?;
    let picked = logp.gather(&idx, 1)?.squeeze(1)?;
    let w = Tensor::from_vec(weights.to_vec(), n, dev)?;
    let total: f32 = weights.iter().sum::<f32>().max(1e-6);
    Ok(((picked * w)?.sum_all()? / (-total as f64))?)
}

/// Loss of a batch of samples.
pub fn batch_loss(
    model: &TrainModel,
    samples: &[&Sample],
    class_weights: &[f32],
    train: bool,
) -> Result<(Tensor, Tensor)> {
    let rows: Vec<(&[u32], &[u32])> = samples
        .iter()
        .map(|s| (s.enc.ids.as_slice(), s.enc.type_ids.as_slice()))
        .collect();
    let batch = Batch::from_rows(&rows, model.device())?;
    let logits = model.logits(&batch, train)?;
    Ok((samples_loss(&logits, samples, class_weights)?, logits))
}

/// The loss of `samples` given their logits.
pub fn samples_loss(logits: &Tensor, samples: &[&Sample], class_weights: &[f32]) -> Result<Tensor> {
    let weight_of = |l: &usize| {
        if *l == IGNORE {
            0.0
        } else {
            class_weights.get(*l).copied().unwrap_or(1.0)
        }
    };
    let loss = match &samples[0].label {
        Target::Class(_) => {
            let labels: Vec<usize> = samples
                .iter()
                .map(|s| match s.label {
                    Target::Class(c) => c,
                    Target::Tokens(_) => IGNORE,
                })
                .collect();
            let w: Vec<f32> = labels.iter().map(weight_of).collect();
            weighted_cross_entropy(logits, &labels, &w)?
        }
        Target::Tokens(_) => {
            let (b, t, k) = logits.dims3()?;
            let mut labels = vec![IGNORE; b * t];
            for (r, s) in samples.iter().enumerate() {
                if let Target::Tokens(tags) = &s.label {
                    for (i, &tag) in tags.iter().enumerate().take(t) {
                        labels[r * t + i] = tag;
                    }
                }
            }
            let w: Vec<f32> = labels.iter().map(weight_of).collect();
            weighted_cross_entropy(&logits.reshape((b * t, k))?, &labels, &w)?
        }
    };
    Ok(loss)
}

/// Outputs of the frozen bottom per training row, kept after the first epoch: the frozen part
/// runs without dropout, so its output for a row never changes and later epochs only pay for
/// the trainable top (about 40% less work per step with 4 of 6 layers frozen).
#[derive(Default)]
pub struct FrozenCache {
    rows: std::collections::HashMap<usize, Tensor>,
}

impl FrozenCache {
    /// The bottom output of a batch of rows `idx`: from the cache when every row is there (each
    /// padded with zeros to the batch length; padded positions are masked downstream), else
    /// computed and stored.
    pub fn bottom(&mut self, model: &TrainModel, idx: &[usize], batch: &Batch) -> Result<Tensor> {
        let (_, len) = batch.input_ids.dims2()?;
        if idx.iter().all(|i| self.rows.contains_key(i)) {
            let padded = idx
                .iter()
                .map(|i| {
                    let t = &self.rows[i];
                    let n = t.dim(0)?;
                    if n == len {
                        Ok(t.clone())
                    } else {
                        Ok(t.pad_with_zeros(0, 0, len - n)?)
                    }
                })
                .collect::<Result<Vec<_>>>()?;
            return Ok(Tensor::stack(&padded, 0)?);
        }
        let out = model.bert.forward_frozen(batch)?;
        let lens: Vec<f32> = batch.mask.sum(1)?.to_vec1()?;
        for (r, i) in idx.iter().enumerate() {
            let n = lens[r] as usize;
            // A compact copy of just this row: a view, or `Tensor::copy` of a view, would keep
            // (or clone) the whole batch's buffer, 16x the memory (the first run of this cache
            // was killed for memory that way).
            let values: Vec<f32> = out.get(r)?.narrow(0, 0, n)?.flatten_all()?.to_vec1()?;
            let hidden = out.dim(2)?;
            self.rows
                .insert(*i, Tensor::from_vec(values, (n, hidden), out.device())?);
        }
        Ok(out)
    }
}

/// Predicted class per sample (sequence tasks) or per labelled position (token tasks), and gold.
pub fn predict_indices(
    model: &TrainModel,
    samples: &[Sample],
    batch_size: usize,
) -> Result<Vec<(Vec<usize>, Vec<usize>)>> {
    let mut order: Vec<usize> = (0..samples.len()).collect();
    order.sort_by_key(|&i| samples[i].enc.ids.len());
    let mut out = vec![(Vec::new(), Vec::new()); samples.len()];
    for chunk in order.chunks(batch_size.max(1) * 2) {
        let rows: Vec<(&[u32], &[u32])> = chunk
            .iter()
            .map(|&i| {
                (
                    samples[i].enc.ids.as_slice(),
                    samples[i].enc.type_ids.as_slice(),
                )
            })
            .collect();
        let batch = Batch::from_rows(&rows, model.device())?;
        let logits = model.logits(&batch, false)?;
        let am = logits.argmax(D::Minus1)?;
        match am.rank() {
            1 => {
                let v: Vec<u32> = am.to_vec1()?;
                for (r, &i) in chunk.iter().enumerate() {
                    if let Target::Class(g) = samples[i].label {
                        out[i] = (vec![g], vec![v[r] as usize]);
                    }
                }
            }
            _ => {
                let v: Vec<Vec<u32>> = am.to_vec2()?;
                for (r, &i) in chunk.iter().enumerate() {
                    if let Target::Tokens(tags) = &samples[i].label {
                        let mut g = Vec::new();
                        let mut p = Vec::new();
                        for (pos, &t) in tags.iter().enumerate() {
                            if t != IGNORE {
                                g.push(t);
                                p.push(v[r][pos] as usize);
                            }
                        }
                        out[i] = (g, p);
                    }
                }
            }
        }
    }
    Ok(out)
}

/// The dev score used for early stopping: macro-F1 (sequence tasks) or entity F1 (NER).
pub fn dev_score(
    model: &TrainModel,
    set: &[Sample],
    labels: &[String],
    batch_size: usize,
) -> Result<f64> {
    let pairs = predict_indices(model, set, batch_size)?;
    let names: Vec<&str> = labels.iter().map(|s| s.as_str()).collect();
    if matches!(set.first().map(|s| &s.label), Some(Target::Tokens(_))) {
        let gold: Vec<Vec<&str>> = pairs
            .iter()
            .map(|(g, _)| g.iter().map(|&i| names[i]).collect())
            .collect();
        let pred: Vec<Vec<&str>> = pairs
            .iter()
            .map(|(_, p)| p.iter().map(|&i| names[i]).collect())
            .collect();
        Ok(crate::eval::metrics::ner_scores(&gold, &pred).f1)
    } else {
        let g: Vec<usize> = pairs.iter().map(|(g, _)| g[0]).collect();
        let p: Vec<usize> = pairs.iter().map(|(_, p)| p[0]).collect();
        Ok(crate::eval::metrics::score(&g, &p, &names).macro_f1)
    }
}

/// Length-bucketed batches for one epoch: shuffle with the epoch's seed, sort within pools of
/// 50 batches by length, cut into batches, shuffle the batches. Deterministic for (seed, epoch).
pub fn epoch_batches(
    samples: &[Sample],
    batch_size: usize,
    seed: u64,
    epoch: usize,
) -> Vec<Vec<usize>> {
    let mut rng = epoch_rng(seed, epoch);
    let lens: Vec<usize> = samples.iter().map(|s| s.enc.ids.len()).collect();
    let mut batches = length_buckets((0..samples.len()).collect(), &lens, batch_size, &mut rng);
    batches.shuffle(&mut rng);
    batches
}

/// The data-order generator of one epoch: deterministic for (seed, epoch).
pub(crate) fn epoch_rng(seed: u64, epoch: usize) -> StdRng {
    StdRng::seed_from_u64(seed.wrapping_mul(1_000_003).wrapping_add(epoch as u64))
}

/// Shuffle `idx`, sort it by length (`lens[i]`) within pools of 50 batches, cut into batches.
pub(crate) fn length_buckets(
    mut idx: Vec<usize>,
    lens: &[usize],
    batch_size: usize,
    rng: &mut StdRng,
) -> Vec<Vec<usize>> {
    idx.shuffle(rng);
    let mut batches = Vec::new();
    for chunk in idx.chunks(batch_size * 50) {
        let mut c = chunk.to_vec();
        c.sort_by_key(|&i| lens[i]);
        batches.extend(c.chunks(batch_size).map(|b| b.to_vec()));
    }
    batches
}

/// Padding share of a batch plan: padded slots / all slots.
pub fn padding_ratio(samples: &[Sample], batches: &[Vec<usize>]) -> f64 {
    let lens: Vec<usize> = samples.iter().map(|s| s.enc.ids.len()).collect();
    padding_ratio_of(&lens, batches)
}

/// [`padding_ratio`] from the length of each row.
pub(crate) fn padding_ratio_of(lens: &[usize], batches: &[Vec<usize>]) -> f64 {
    let (mut pad, mut all) = (0usize, 0usize);
    for b in batches {
        let max = b.iter().map(|&i| lens[i]).max().unwrap_or(0);
        pad += b.iter().map(|&i| max - lens[i]).sum::<usize>();
        all += max * b.len();
    }
    if all == 0 {
        0.0
    } else {
        pad as f64 / all as f64
    }
}

/// Every `step`-th row, so that at most `cap` rows stay (a stable sample of a fixed order).
pub fn thin<T: Clone>(rows: &[T], cap: usize) -> Vec<T> {
    if rows.len() <= cap || cap == 0 {
        return rows.to_vec();
    }
    let step = rows.len() as f64 / cap as f64;
    (0..cap)
        .map(|i| rows[(i as f64 * step) as usize].clone())
        .collect()
}

/// Inverse-frequency class weights, normalised to mean 1 over the classes present.
pub fn class_weights(samples: &[Sample], k: usize) -> Vec<f32> {
    let mut counts = vec![0usize; k];
    for s in samples {
        match &s.label {
            Target::Class(c) => counts[*c] += 1,
            Target::Tokens(t) => t
                .iter()
                .filter(|&&x| x != IGNORE)
                .for_each(|&x| counts[x] += 1),
        }
    }
    inverse_frequency(&counts)
}

/// Weights `total / (classes present x count)` per class from its count (0 for absent classes).
pub fn inverse_frequency(counts: &[usize]) -> Vec<f32> {
    let total: usize = counts.iter().sum();
    let present = counts.iter().filter(|&&c| c > 0).count().max(1);
    counts
        .iter()
        .map(|&c| {
            if c == 0 {
                0.0
            } else {
                total as f32 / (present as f32 * c as f32)
            }
        })
        .collect()
}

/// Clip the global gradient norm of `vars` to `max_norm`; returns the norm before clipping.
pub fn clip_gradients(
    grads: &mut candle_core::backprop::GradStore,
    vars: &[(String, Var)],
    max_norm: f64,
) -> Result<f64> {
    let mut sq = 0f64;
    for (_, v) in vars {
        if let Some(g) = grads.get(v.as_tensor()) {
            sq += g.sqr()?.sum_all()?.to_scalar::<f32>()? as f64;
        }
    }
    let norm = sq.sqrt();
    if max_norm > 0.0 && norm > max_norm {
        let scale = max_norm / (norm + 1e-6);
        for (_, v) in vars {
            if let Some(g) = grads.get(v.as_tensor()) {
                let g = (g * scale)?;
                grads.insert(v.as_tensor(), g);
            }
        }
    }
    Ok(norm)
}

/// Learning rate at `step` of `total`: linear warm-up, then linear decay to zero.
pub fn lr_at(step: usize, total: usize, warmup: usize, peak: f64) -> f64 {
    if step < warmup {
        peak * (step + 1) as f64 / warmup.max(1) as f64
    } else {
        let left = total.saturating_sub(step) as f64;
        let span = total.saturating_sub(warmup).max(1) as f64;
        peak * (left / span).clamp(0.0, 1.0)
    }
}

/// Progress of a run, saved with each checkpoint so a killed run resumes where it stopped.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct TrainState {
    pub epoch: usize,
    /// Batches of `epoch` already done.
    pub batch: usize,
    pub step: usize,
    pub best_score: f64,
    pub best_step: usize,
    pub evals_since_best: usize,
    pub stopped_early: bool,
    pub finished: bool,
    /// Seconds of training so far (over all resumptions).
    pub seconds: f64,
    pub examples: usize,
}

/// What a finished run reports.
#[derive(Debug, Clone, Serialize)]
pub struct TrainOutcome {
    pub state: TrainState,
    pub best_weights: PathBuf,
    pub padding_ratio: f64,
    pub examples_per_s: f64,
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |e| Error::Io {
        path: path.to_path_buf(),
        source: e,
    }
}

/// Save a VarMap atomically (write then rename), so a kill never leaves a half-written file.
pub fn save_atomic(varmap: &VarMap, path: &Path) -> Result<()> {
    let tmp = path.with_extension("tmp");
    varmap.save(&tmp)?;
    std::fs::rename(&tmp, path).map_err(io(path))
}

fn write_json_atomic<T: Serialize>(value: &T, path: &Path) -> Result<()> {
    let tmp = path.with_extension("tmp");
    let text = serde_json::to_string_pretty(value).map_err(|e| Error::Invalid(e.to_string()))?;
    std::fs::write(&tmp, text).map_err(io(&tmp))?;
    std::fs::rename(&tmp, path).map_err(io(path))
}

/// Options of a training run that are not hyper-parameters.
pub struct RunOptions {
    /// Checkpoints, best weights and the JSONL log go here.
    pub work_dir: PathBuf,
    pub resume: bool,
    pub progress: bool,
}

/// The files of a training run in its work directory: checkpoint, state, best weights, log.
pub struct RunFiles {
    pub ckpt: PathBuf,
    pub state: PathBuf,
    pub best: PathBuf,
    pub log: PathBuf,
}

impl RunFiles {
    pub fn new(work_dir: &Path) -> Result<RunFiles> {
        std::fs::create_dir_all(work_dir).map_err(io(work_dir))?;
        Ok(RunFiles {
            ckpt: work_dir.join("checkpoint.safetensors"),
            state: work_dir.join("state.json"),
            best: work_dir.join("best.safetensors"),
            log: work_dir.join("train_log.jsonl"),
        })
    }

    /// Start a run: with `resume` and a checkpoint there, load it into `varmap` and return its
    /// state (log lines after the checkpoint are dropped, so each step is logged once); else a
    /// fresh state and log. Returns the log opened for appending.
    pub fn start(&self, varmap: &mut VarMap, resume: bool) -> Result<(TrainState, std::fs::File)> {
        let mut state = TrainState {
            best_score: -1.0,
            ..TrainState::default()
        };
        if resume && self.ckpt.exists() && self.state.exists() {
            varmap.load(&self.ckpt)?;
            let text = std::fs::read_to_string(&self.state).map_err(io(&self.state))?;
            state = serde_json::from_str(&text).map_err(|e| {
                Error::Invalid(format!(
                    "{}: {e}; delete it to start over",
                    self.state.display()
                ))
            })?;
            tracing::info!(
                step = state.step,
                epoch = state.epoch,
                "resuming from checkpoint"
            );
            if let Ok(text) = std::fs::read_to_string(&self.log) {
                let kept: String = text
                    .lines()
                    .filter(|l| {
                        serde_json::from_str::<serde_json::Value>(l)
                            .ok()
                            .and_then(|v| v["step"].as_u64())
                            .is_some_and(|s| s as usize <= state.step)
                    })
                    .map(|l| format!("{l}\n"))
                    .collect();
                std::fs::write(&self.log, kept).map_err(io(&self.log))?;
            }
        } else if !resume {
            let _ = std::fs::remove_file(&self.log);
        }
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log)
            .map_err(io(&self.log))?;
        Ok((state, log))
    }

    /// Save a resumable checkpoint: the weights, then the state, each written atomically.
    pub fn checkpoint(&self, varmap: &VarMap, state: &TrainState) -> Result<()> {
        save_atomic(varmap, &self.ckpt)?;
        write_json_atomic(state, &self.state)
    }

    /// Mark the run finished; the best weights are the last ones when no evaluation ran.
    pub fn finish(&self, varmap: &VarMap, state: &mut TrainState) -> Result<()> {
        state.finished = true;
        write_json_atomic(state, &self.state)?;
        if !self.best.exists() {
            save_atomic(varmap, &self.best)?;
        }
        Ok(())
    }
}

/// Train `model` on `set` with `recipe`. Resumes from `work_dir` when asked and a checkpoint is
/// there. Returns the path of the best weights (by dev score).
pub fn train(
    model: &mut TrainModel,
    set: &TrainSet,
    recipe: &Recipe,
    opts: &RunOptions,
) -> Result<TrainOutcome> {
    let files = RunFiles::new(&opts.work_dir)?;
    let (mut state, mut log) = files.start(&mut model.varmap, opts.resume)?;
    let weights = if recipe.class_weights {
        class_weights(&set.train, set.labels.len())
    } else {
        vec![1.0; set.labels.len()]
    };
    let vars = model.vars();
    let params = ParamsAdamW {
        lr: recipe.lr,
        weight_decay: recipe.weight_decay,
        ..ParamsAdamW::default()
    };
    // candle-nn's AdamW keeps its moments private, so a resumed run restarts them (with bias
    // correction, the first steps after a resume behave like the first steps of a run).
    let mut opt = AdamW::new(vars.iter().map(|(_, v)| v.clone()).collect(), params)?;
    let per_epoch = set.train.len().div_ceil(recipe.batch_size);
    let mut total = per_epoch * recipe.epochs;
    if let Some(m) = recipe.max_steps {
        total = total.min(m);
    }
    let warmup = ((total as f64) * recipe.warmup_ratio).round() as usize;
    let plan0 = epoch_batches(&set.train, recipe.batch_size, recipe.seed, 0);
    let pad = padding_ratio(&set.train, &plan0);
    let bar = if opts.progress {
        ProgressBar::new(total as u64)
    } else {
        ProgressBar::hidden()
    };
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} steps, ETA {eta} {msg}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.set_position(state.step as u64);
    let mut ema_loss: Option<f64> = None;
    let use_cache = recipe.frozen_layers > 0 && recipe.epochs > 1;
    let mut cache = FrozenCache::default();
    let started = Instant::now();
    let seconds_before = state.seconds;
    let examples_before = state.examples;
    'epochs: for epoch in state.epoch..recipe.epochs {
        let plan = epoch_batches(&set.train, recipe.batch_size, recipe.seed, epoch);
        let eval_every = if recipe.eval_every == 0 {
            plan.len()
        } else {
            recipe.eval_every
        };
        for (bi, batch_idx) in plan.iter().enumerate() {
            if epoch == state.epoch && bi < state.batch {
                continue;
            }
            if state.step >= total || state.stopped_early {
                break 'epochs;
            }
            let lr = lr_at(state.step, total, warmup, recipe.lr);
            opt.set_learning_rate(lr);
            seed_dropout(recipe.seed ^ (state.step as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
            let samples: Vec<&Sample> = batch_idx.iter().map(|&i| &set.train[i]).collect();
            let loss = if use_cache {
                let rows: Vec<(&[u32], &[u32])> = samples
                    .iter()
                    .map(|s| (s.enc.ids.as_slice(), s.enc.type_ids.as_slice()))
                    .collect();
                let batch = Batch::from_rows(&rows, model.device())?;
                let bottom = cache.bottom(model, batch_idx, &batch)?;
                let logits = model.logits_from_bottom(&bottom, &batch, true)?;
                samples_loss(&logits, &samples, &weights)?
            } else {
                batch_loss(model, &samples, &weights, true)?.0
            };
            let loss_v = loss.to_scalar::<f32>()? as f64;
            if !loss_v.is_finite() {
                return Err(Error::Invalid(format!(
                    "training diverged at step {} (loss {loss_v}); lower the learning rate",
                    state.step
                )));
            }
            let mut grads = loss.backward()?;
            let norm = clip_gradients(&mut grads, &vars, recipe.clip_norm)?;
            opt.step(&grads)?;
            state.step += 1;
            state.batch = bi + 1;
            state.epoch = epoch;
            state.examples += samples.len();
            ema_loss = Some(ema_loss.map_or(loss_v, |e| 0.98 * e + 0.02 * loss_v));
            let secs = seconds_before + started.elapsed().as_secs_f64();
            state.seconds = secs;
            let eps = (state.examples - examples_before) as f64
                / started.elapsed().as_secs_f64().max(1e-6);
            bar.set_position(state.step as u64);
            bar.set_message(format!(
                "loss {:.4} {:.1} ex/s",
                ema_loss.unwrap_or(loss_v),
                eps
            ));
            let mut entry = serde_json::json!({"step": state.step, "epoch": epoch, "loss": loss_v, "lr": lr, "grad_norm": norm, "examples_per_s": eps, "seconds": secs});
            let at_end = state.step >= total || bi + 1 == plan.len();
            if state.step.is_multiple_of(eval_every) || at_end {
                let score = dev_score(model, &set.dev, &set.labels, recipe.batch_size)?;
                entry["dev_score"] = serde_json::json!(score);
                if score > state.best_score {
                    state.best_score = score;
                    state.best_step = state.step;
                    state.evals_since_best = 0;
                    save_atomic(&model.varmap, &files.best)?;
                } else {
                    state.evals_since_best += 1;
                    if state.evals_since_best >= recipe.patience {
                        state.stopped_early = true;
                        entry["stopped_early"] = serde_json::json!(true);
                    }
                }
                bar.println(format!(
                    "step {} dev score {:.4} (best {:.4} at step {})",
                    state.step, score, state.best_score, state.best_step
                ));
            }
            writeln!(log, "{entry}").map_err(io(&files.log))?;
            if state.step.is_multiple_of(recipe.checkpoint_every.max(1))
                || state.stopped_early
                || at_end
            {
                if bi + 1 == plan.len() {
                    state.epoch = epoch + 1;
                    state.batch = 0;
                }
                files.checkpoint(&model.varmap, &state)?;
            }
        }
        state.epoch = epoch + 1;
        state.batch = 0;
    }
    files.finish(&model.varmap, &mut state)?;
    bar.finish_and_clear();
    let eps = (state.examples - examples_before) as f64 / started.elapsed().as_secs_f64().max(1e-6);
    Ok(TrainOutcome {
        state,
        best_weights: files.best,
        padding_ratio: pad,
        examples_per_s: eps,
    })
}

/// sha256 of a file, hex.
pub fn sha256_file(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).map_err(io(path))?;
    Ok(hex::encode(Sha256::digest(&bytes)))
}

/// Write a shipped model: the best weights and a manifest that records how they were made.
#[allow(clippy::too_many_arguments)]
pub fn write_model(
    out_dir: &Path,
    name: &str,
    set: &TrainSet,
    recipe: &Recipe,
    base: &BaseSpec,
    best_weights: &Path,
    training: serde_json::Value,
    metrics: serde_json::Value,
) -> Result<Manifest> {
    std::fs::create_dir_all(out_dir).map_err(io(out_dir))?;
    let weights = out_dir.join("model.safetensors");
    std::fs::copy(best_weights, &weights).map_err(io(&weights))?;
    let manifest = Manifest {
        name: name.to_string(),
        task: set.task,
        architecture: "bert".into(),
        base: base.clone(),
        weights: "model.safetensors".into(),
        weights_sha256: sha256_file(&weights)?,
        frozen_layers: recipe.frozen_layers,
        id2label: set
            .labels
            .iter()
            .enumerate()
            .map(|(i, l)| (i.to_string(), l.clone()))
            .collect::<BTreeMap<_, _>>(),
        input_template: set.input_template.clone(),
        max_length: recipe.max_len,
        head_dropout: recipe.dropout,
        pooling: recipe.pooling,
        heads: BTreeMap::new(),
        training,
        metrics,
    };
    let path = out_dir.join("manifest.json");
    manifest.write(&path).map_err(io(&path))?;
    Ok(manifest)
}

/// Round to 4 decimals for reports.
pub fn round_dev(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}
