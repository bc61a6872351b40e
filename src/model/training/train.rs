//! Single-task training (stance, sentiment, NER): the trainable classifier, its objective for
//! the loop in `model::trainer`, and the pieces every objective shares (weighted cross-entropy,
//! length-bucketed epoch plans, class weights, seeded initialisation of new tensors).
//!
//! The bottom `frozen_layers` of the base encoder stay as they are (plain tensors); the top layers
//! and the head are variables. Only those are saved, so a shipped model is a few MB laid over the
//! pinned base.

use crate::model::bert::{Batch, TrainBert};
use crate::model::classifier::{load_base_config, load_base_tensors};
use crate::model::encode::Encoded;
use crate::model::error::Result;
use crate::model::heads::{PoolSpec, SequenceClassificationHead, TokenClassificationHead};
use crate::model::manifest::{Pooling, Task};
use crate::model::resolve::ModelFiles;
use crate::model::trainer::{DevScore, ModelKind, Objective, Recipe};
use candle_core::{DType, Device, Tensor, Var, D};
use candle_nn::{VarBuilder, VarMap};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::SeedableRng;
use std::collections::BTreeMap;

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
            Task::Ner | Task::Attribution => Head::Tok(TokenClassificationHead::load(
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
pub(crate) fn normal(rng: &mut StdRng) -> f32 {
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
        Ok(crate::metrics::ner_scores(&gold, &pred).f1)
    } else {
        let g: Vec<usize> = pairs.iter().map(|(g, _)| g[0]).collect();
        let p: Vec<usize> = pairs.iter().map(|(_, p)| p[0]).collect();
        Ok(crate::metrics::score(&g, &p, &names).macro_f1)
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

/// Padding share of a batch plan (padded slots / all slots), from the length of each row.
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

/// Training a single-task model: batches of its rows, their loss under the class weights, the
/// dev score of [`dev_score`].
pub struct SingleTaskObjective<'a> {
    model: &'a mut TrainModel,
    set: &'a TrainSet,
    class_weights: Vec<f32>,
    pooling: Pooling,
    /// The frozen bottom's outputs, when there is a frozen bottom and a second epoch to use
    /// them.
    cache: Option<FrozenCache>,
}

impl<'a> SingleTaskObjective<'a> {
    pub fn new(
        model: &'a mut TrainModel,
        set: &'a TrainSet,
        recipe: &Recipe,
    ) -> SingleTaskObjective<'a> {
        let class_weights = if recipe.class_weights {
            class_weights(&set.train, set.labels.len())
        } else {
            vec![1.0; set.labels.len()]
        };
        let cache = (recipe.frozen_layers > 0 && recipe.epochs > 1).then(FrozenCache::default);
        SingleTaskObjective {
            model,
            set,
            class_weights,
            pooling: recipe.pooling,
            cache,
        }
    }
}

impl Objective for SingleTaskObjective<'_> {
    fn varmap(&mut self) -> &mut VarMap {
        &mut self.model.varmap
    }

    fn tasks(&self) -> Vec<&'static str> {
        vec![self.set.task.name()]
    }

    fn row_lengths(&self) -> Vec<usize> {
        self.set.train.iter().map(|s| s.enc.ids.len()).collect()
    }

    fn epoch_plan(&self, batch_size: usize, seed: u64, epoch: usize) -> Vec<Vec<usize>> {
        epoch_batches(&self.set.train, batch_size, seed, epoch)
    }

    fn loss(&mut self, rows: &[usize]) -> Result<(Tensor, usize)> {
        let samples: Vec<&Sample> = rows.iter().map(|&i| &self.set.train[i]).collect();
        let loss = match &mut self.cache {
            Some(cache) => {
                let ids: Vec<(&[u32], &[u32])> = samples
                    .iter()
                    .map(|s| (s.enc.ids.as_slice(), s.enc.type_ids.as_slice()))
                    .collect();
                let batch = Batch::from_rows(&ids, self.model.device())?;
                let bottom = cache.bottom(self.model, rows, &batch)?;
                let logits = self.model.logits_from_bottom(&bottom, &batch, true)?;
                samples_loss(&logits, &samples, &self.class_weights)?
            }
            None => batch_loss(self.model, &samples, &self.class_weights, true)?.0,
        };
        Ok((loss, 0))
    }

    fn dev_score(&self, batch_size: usize) -> Result<DevScore> {
        Ok(DevScore {
            score: dev_score(self.model, &self.set.dev, &self.set.labels, batch_size)?,
            parts: Vec::new(),
        })
    }

    fn model_kind(&self) -> ModelKind {
        ModelKind {
            name: self.set.task.name().to_string(),
            task: self.set.task,
            labels: self.set.labels.clone(),
            input_template: self.set.input_template.clone(),
            pooling: self.pooling,
            heads: BTreeMap::new(),
            architecture: "bert",
        }
    }
}
