//! The training loop, written once for every model: AdamW with warm-up and linear decay, seeded
//! dropout, gradient clipping, dev-score early stopping, resumable checkpoints, progress on
//! stderr and a JSONL log, and the writer of a shipped model.
//!
//! What differs between models is an [`Objective`]: its batches, the loss of a batch, its dev
//! score and what its manifest says. The single-task models (`train::SingleTaskObjective`) and
//! the joint model (`joint::JointObjective`) are two objectives over this one loop. A new head
//! is a head type beside its model and an objective for it; nothing here changes.

use crate::model::bert::seed_dropout;
use crate::model::error::{Error, Result};
use crate::model::manifest::{Manifest, Pooling, Task, WeightsFile};
use crate::model::resolve::BaseSpec;
use crate::model::train::{padding_ratio_of, sorted_vars};
use candle_core::{Tensor, Var};
use candle_nn::{AdamW, Optimizer, ParamsAdamW, VarMap};
use indicatif::{ProgressBar, ProgressStyle};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

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
            // Windows of a few sentences; every piece is labelled (see `model::attribution`).
            // One epoch over windows that overlap by half sees every piece twice, in two
            // contexts (about 30 minutes on two cores).
            Task::Attribution => Recipe {
                epochs: 1,
                batch_size: 16,
                lr: 2e-4,
                frozen_layers: 3,
                max_len: 192,
                eval_every: 150,
                class_weights: false,
                ..base
            },
            // A small head from scratch over the joint model's cached states (see
            // `model::attribution_head`): the encoder does not train, so epochs are cheap.
            Task::JointAttribution => Recipe {
                epochs: 4,
                batch_size: 16,
                lr: 1e-3,
                frozen_layers: 0,
                max_len: crate::model::attribution_head::WINDOW,
                eval_every: 300,
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

/// What a model brings to the training loop: its data in batches, the loss of a batch, the dev
/// score that picks the best weights, and what the manifest of the shipped model says.
///
/// The loop owns everything else (the optimizer and its schedule, dropout seeds, clipping,
/// evaluation times, early stopping, checkpoints, logs), so every model trains and resumes the
/// same way.
pub trait Objective {
    /// The trainable variables: what the optimizer steps, checkpoints and the best weights
    /// hold, and a resumed run loads.
    fn varmap(&mut self) -> &mut VarMap;

    /// The tasks a batch can train, in the order [`Objective::loss`] numbers them. With more
    /// than one, the log and the progress lines name each batch's task.
    fn tasks(&self) -> Vec<&'static str>;

    /// Token count of each training row (for the padding ratio of the plan).
    fn row_lengths(&self) -> Vec<usize>;

    /// One epoch's batches as indices of training rows. Deterministic for (seed, epoch), so a
    /// resumed run sees the batches the killed run would have; every epoch has as many.
    fn epoch_plan(&self, batch_size: usize, seed: u64, epoch: usize) -> Vec<Vec<usize>>;

    /// The training loss of one batch of rows (dropout on), and the task it trained.
    fn loss(&mut self, rows: &[usize]) -> Result<(Tensor, usize)>;

    /// The dev score; the best one keeps its weights, and patience counts evaluations without
    /// a better one.
    fn dev_score(&self, batch_size: usize) -> Result<DevScore>;

    /// What the shipped model's manifest says it is (see [`write_model`]).
    fn model_kind(&self) -> ModelKind;
}

/// A dev evaluation: the score that decides, and the per-task scores behind it (logged as
/// `dev_<task>_f1`, shown in the progress lines).
#[derive(Debug, Clone, PartialEq)]
pub struct DevScore {
    pub score: f64,
    pub parts: Vec<(&'static str, f64)>,
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

/// How a run shows its progress on stderr.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// Nothing (`--quiet`, tests).
    Hidden,
    /// A progress bar at a terminal (nothing when stderr is not one), and a line per dev score.
    Bar,
    /// A line every 20 steps and one per dev score, also into a file: for runs of hours that
    /// are left in the background.
    Lines,
}

/// Options of a training run that are not hyper-parameters.
pub struct RunOptions {
    /// Checkpoints, best weights and the JSONL log go here.
    pub work_dir: PathBuf,
    pub resume: bool,
    pub progress: Progress,
}

/// Train `objective` with `recipe`. Resumes from `opts.work_dir` when asked and a checkpoint is
/// there. Returns where the best weights (by dev score) are, with the run's state.
pub fn run(
    objective: &mut impl Objective,
    recipe: &Recipe,
    opts: &RunOptions,
) -> Result<TrainOutcome> {
    let files = RunFiles::new(&opts.work_dir)?;
    let (mut state, mut log) = files.start(objective.varmap(), opts.resume)?;
    if state.step > 0 {
        note!("resuming at step {} (epoch {})", state.step, state.epoch);
    }
    let vars = sorted_vars(objective.varmap());
    // candle-nn's AdamW keeps its moments private, so a resumed run restarts them (with bias
    // correction, the first steps after a resume behave like the first steps of a run).
    let mut opt = AdamW::new(
        vars.iter().map(|(_, v)| v.clone()).collect(),
        ParamsAdamW {
            lr: recipe.lr,
            weight_decay: recipe.weight_decay,
            ..ParamsAdamW::default()
        },
    )?;
    let plan0 = objective.epoch_plan(recipe.batch_size, recipe.seed, 0);
    let mut total = plan0.len() * recipe.epochs;
    if let Some(m) = recipe.max_steps {
        total = total.min(m);
    }
    let warmup = ((total as f64) * recipe.warmup_ratio).round() as usize;
    let eval_every = if recipe.eval_every == 0 {
        plan0.len()
    } else {
        recipe.eval_every
    };
    let mut report = Reporter::new(opts.progress, objective.tasks(), total, state.step);
    let started = Instant::now();
    let seconds_before = state.seconds;
    let examples_before = state.examples;
    'epochs: for epoch in state.epoch..recipe.epochs {
        let plan = objective.epoch_plan(recipe.batch_size, recipe.seed, epoch);
        for (bi, rows) in plan.iter().enumerate() {
            if epoch == state.epoch && bi < state.batch {
                continue;
            }
            if state.step >= total || state.stopped_early {
                break 'epochs;
            }
            let lr = lr_at(state.step, total, warmup, recipe.lr);
            opt.set_learning_rate(lr);
            seed_dropout(recipe.seed ^ (state.step as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
            let (loss, task) = objective.loss(rows)?;
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
            state.examples += rows.len();
            state.seconds = seconds_before + started.elapsed().as_secs_f64();
            let eps = (state.examples - examples_before) as f64
                / started.elapsed().as_secs_f64().max(1e-6);
            report.step(state.step, task, loss_v, eps);
            let mut entry = serde_json::json!({"step": state.step, "epoch": epoch, "loss": loss_v, "lr": lr, "grad_norm": norm, "examples_per_s": eps, "seconds": state.seconds});
            if let Some(name) = report.task_name(task) {
                entry["task"] = serde_json::json!(name);
            }
            let at_end = state.step >= total || bi + 1 == plan.len();
            if state.step.is_multiple_of(eval_every) || at_end {
                let dev = objective.dev_score(recipe.batch_size)?;
                for (name, score) in &dev.parts {
                    entry[format!("dev_{name}_f1")] = serde_json::json!(score);
                }
                entry["dev_score"] = serde_json::json!(dev.score);
                if dev.score > state.best_score {
                    state.best_score = dev.score;
                    state.best_step = state.step;
                    state.evals_since_best = 0;
                    save_atomic(objective.varmap(), &files.best)?;
                } else {
                    state.evals_since_best += 1;
                    if state.evals_since_best >= recipe.patience {
                        state.stopped_early = true;
                        entry["stopped_early"] = serde_json::json!(true);
                    }
                }
                report.dev(&state, &dev);
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
                files.checkpoint(objective.varmap(), &state)?;
            }
        }
        state.epoch = epoch + 1;
        state.batch = 0;
    }
    files.finish(objective.varmap(), &mut state)?;
    report.finish();
    let eps = (state.examples - examples_before) as f64 / started.elapsed().as_secs_f64().max(1e-6);
    Ok(TrainOutcome {
        state,
        best_weights: files.best,
        padding_ratio: padding_ratio_of(&objective.row_lengths(), &plan0),
        examples_per_s: eps,
    })
}

/// The progress a run shows (see [`Progress`]): the loss of each task smoothed over steps.
struct Reporter {
    progress: Progress,
    bar: ProgressBar,
    tasks: Vec<&'static str>,
    /// Exponential moving average of each task's loss, once it has had a batch.
    ema: Vec<Option<f64>>,
    total: usize,
}

impl Reporter {
    fn new(progress: Progress, tasks: Vec<&'static str>, total: usize, step: usize) -> Reporter {
        let bar = if progress == Progress::Bar {
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
        bar.set_position(step as u64);
        Reporter {
            progress,
            bar,
            ema: vec![None; tasks.len()],
            tasks,
            total,
        }
    }

    /// The name of `task` where a run has several; a run of one task need not say which.
    fn task_name(&self, task: usize) -> Option<&'static str> {
        (self.tasks.len() > 1).then(|| self.tasks[task])
    }

    /// The smoothed losses, `precision` decimals: the number alone for one task, else each
    /// after its task's name.
    fn losses(&self, precision: usize) -> String {
        let value = |e: &Option<f64>| format!("{:.precision$}", e.unwrap_or(0.0));
        if self.tasks.len() == 1 {
            return value(&self.ema[0]);
        }
        let named: Vec<String> = self
            .tasks
            .iter()
            .zip(&self.ema)
            .map(|(name, e)| format!("{name} {}", value(e)))
            .collect();
        named.join(" ")
    }

    fn step(&mut self, step: usize, task: usize, loss: f64, eps: f64) {
        let e = &mut self.ema[task];
        *e = Some(e.map_or(loss, |e| 0.98 * e + 0.02 * loss));
        match self.progress {
            Progress::Hidden => {}
            Progress::Bar => {
                self.bar.set_position(step as u64);
                self.bar
                    .set_message(format!("loss {} {eps:.1} ex/s", self.losses(4)));
            }
            Progress::Lines => {
                if step.is_multiple_of(20) {
                    note!(
                        "step {step}/{} loss {}, {eps:.1} ex/s",
                        self.total,
                        self.losses(3)
                    );
                }
            }
        }
    }

    fn dev(&self, state: &TrainState, dev: &DevScore) {
        let parts: String = dev
            .parts
            .iter()
            .map(|(name, score)| format!("{name} {score:.4} "))
            .collect();
        let line = format!(
            "step {} dev {parts}score {:.4} (best {:.4} at step {})",
            state.step, dev.score, state.best_score, state.best_step
        );
        match self.progress {
            Progress::Hidden => {}
            Progress::Bar => self.bar.println(line),
            Progress::Lines => note!("{line}"),
        }
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
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

/// What a shipped model's manifest says it is, besides how it was trained: the objective's part
/// of the manifest.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelKind {
    pub name: String,
    pub task: Task,
    /// The main head's labels, in the order of its outputs (the manifest's `id2label`).
    pub labels: Vec<String>,
    pub input_template: String,
    pub pooling: Pooling,
    /// The labels of each head of a model with several, by head name.
    pub heads: BTreeMap<String, Vec<String>>,
    /// The base encoder's architecture (`bert`, `mpnet`), as the manifest records it.
    pub architecture: &'static str,
}

/// sha256 of a file, hex.
pub fn sha256_file(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).map_err(io(path))?;
    Ok(hex::encode(Sha256::digest(&bytes)))
}

/// Write a shipped model: the best weights (the trained tensors only, laid over the pinned base
/// at load) and a manifest that records what the model is and how it was made.
pub fn write_model(
    out_dir: &Path,
    kind: &ModelKind,
    recipe: &Recipe,
    base: &BaseSpec,
    best_weights: &Path,
    training: serde_json::Value,
) -> Result<Manifest> {
    std::fs::create_dir_all(out_dir).map_err(io(out_dir))?;
    let size = std::fs::metadata(best_weights)
        .map_err(io(best_weights))?
        .len();
    let mut files = if size > SHIPPED_FILE_LIMIT {
        let tensors = candle_core::safetensors::load(best_weights, &candle_core::Device::Cpu)?;
        write_weight_files(tensors, out_dir)?
    } else {
        let weights = out_dir.join(WEIGHTS_FILE);
        std::fs::copy(best_weights, &weights).map_err(io(&weights))?;
        remove_stale_parts(out_dir, 1)?;
        vec![WeightsFile {
            file: WEIGHTS_FILE.into(),
            sha256: sha256_file(&weights)?,
        }]
    };
    let first = files.remove(0);
    let manifest = Manifest {
        name: kind.name.clone(),
        task: kind.task,
        architecture: kind.architecture.into(),
        base: base.clone(),
        weights: first.file,
        weights_sha256: first.sha256,
        more_weights: files,
        frozen_layers: recipe.frozen_layers,
        id2label: kind
            .labels
            .iter()
            .enumerate()
            .map(|(i, l)| (i.to_string(), l.clone()))
            .collect(),
        input_template: kind.input_template.clone(),
        max_length: recipe.max_len,
        head_dropout: recipe.dropout,
        pooling: kind.pooling,
        heads: kind.heads.clone(),
        calibration: BTreeMap::new(),
        training,
        metrics: serde_json::json!({}),
    };
    let path = out_dir.join("manifest.json");
    manifest.write(&path).map_err(io(&path))?;
    Ok(manifest)
}

/// The largest weights file a model ships as trained (f32); a larger one is written in f16
/// (half the bytes; loading reads it back as f32). 25 MB: what the repository takes per file.
pub const SHIPPED_FILE_LIMIT: u64 = 25_000_000;

/// The first weights file of a model; further ones are `model-2.safetensors`, ...
pub const WEIGHTS_FILE: &str = "model.safetensors";

/// The name of a model's `part`-th weights file (1-based).
fn part_name(part: usize) -> String {
    match part {
        1 => WEIGHTS_FILE.to_string(),
        n => format!("model-{n}.safetensors"),
    }
}

/// Remove `model-N.safetensors` files for N > `kept` (left by an earlier, larger write).
fn remove_stale_parts(dir: &Path, kept: usize) -> Result<()> {
    let mut n = kept + 1;
    loop {
        let p = dir.join(part_name(n));
        if !p.exists() {
            return Ok(());
        }
        std::fs::remove_file(&p).map_err(io(&p))?;
        n += 1;
    }
}

/// Write trained tensors as a shipped model's weights files of at most [`SHIPPED_FILE_LIMIT`]
/// each: in f32 when they fit in one file; else in f16 (half the bytes; f16, not bf16: trained
/// weights are small numbers, where f16's three more mantissa bits keep them closer), split
/// into as many files as that takes, whole tensors in name order. A single tensor over the
/// limit gets a file of its own. Returns the files in order, with their sha256.
pub fn write_weight_files(
    tensors: HashMap<String, Tensor>,
    out_dir: &Path,
) -> Result<Vec<WeightsFile>> {
    let bytes = |t: &Tensor| (t.elem_count() * t.dtype().size_in_bytes()) as u64;
    let total: u64 = tensors.values().map(bytes).sum();
    let tensors: HashMap<String, Tensor> = if total > SHIPPED_FILE_LIMIT {
        tensors
            .into_iter()
            .map(|(name, t)| Ok((name, t.to_dtype(candle_core::DType::F16)?)))
            .collect::<Result<_>>()?
    } else {
        tensors
    };
    // Room for each file's header (names and shapes: well under a kilobyte per tensor).
    let budget = SHIPPED_FILE_LIMIT - 200_000;
    let mut names: Vec<&String> = tensors.keys().collect();
    names.sort();
    let mut parts: Vec<Vec<&String>> = vec![Vec::new()];
    let mut used = 0u64;
    for name in names {
        let b = bytes(&tensors[name]);
        let last = parts.last_mut().expect("one part");
        if !last.is_empty() && used + b > budget {
            parts.push(vec![name]);
            used = b;
        } else {
            last.push(name);
            used += b;
        }
    }
    let mut out = Vec::with_capacity(parts.len());
    for (i, part) in parts.iter().enumerate() {
        let file = part_name(i + 1);
        let path = out_dir.join(&file);
        let these: HashMap<String, Tensor> = part
            .iter()
            .map(|&n| (n.clone(), tensors[n].clone()))
            .collect();
        let tmp = path.with_extension("tmp");
        candle_core::safetensors::save(&these, &tmp)?;
        std::fs::rename(&tmp, &path).map_err(io(&path))?;
        out.push(WeightsFile {
            sha256: sha256_file(&path)?,
            file,
        });
    }
    remove_stale_parts(out_dir, parts.len())?;
    Ok(out)
}

/// Rewrite the weights of the model in `dir` as [`write_weight_files`] does (a model written
/// in one file over the limit, by an older standpoint), and its manifest to list them. The
/// tensors are unchanged (f16 stays f16).
pub fn shard_model(dir: &Path) -> Result<Manifest> {
    let path = dir.join("manifest.json");
    let mut manifest = Manifest::read(&path).map_err(|reason| Error::Manifest {
        path: path.clone(),
        reason,
    })?;
    let mut tensors = HashMap::new();
    for w in manifest.weight_files() {
        tensors.extend(crate::model::classifier::read_checked_safetensors(
            &dir.join(&w.file),
            Some(&w.sha256),
            &candle_core::Device::Cpu,
        )?);
    }
    let mut files = write_weight_files(tensors, dir)?;
    let first = files.remove(0);
    manifest.weights = first.file;
    manifest.weights_sha256 = first.sha256;
    manifest.more_weights = files;
    manifest.write(&path).map_err(io(&path))?;
    Ok(manifest)
}

/// Round to 4 decimals for reports.
pub fn round_dev(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

#[cfg(test)]
mod weight_files_tests {
    use super::*;
    use candle_core::Device;

    /// `n` f32 values drawn from `seed` (about 4n bytes).
    fn tensor(n: usize, seed: u64) -> Tensor {
        Tensor::randn(0f32, 1.0, n, &Device::Cpu)
            .unwrap()
            .affine(1.0, seed as f64)
            .unwrap()
    }

    #[test]
    fn weights_over_the_limit_are_split_into_files_under_it_and_read_back_whole() {
        let dir = tempfile::tempdir().unwrap();
        // 60 MB in f32: 30 MB in f16, more than one file holds.
        let mut tensors = HashMap::new();
        for (i, name) in ["a.weight", "b.weight", "c.weight", "d.weight"]
            .iter()
            .enumerate()
        {
            tensors.insert(name.to_string(), tensor(3_750_000, i as u64));
        }
        // A stale part from an earlier, larger write goes.
        std::fs::write(dir.path().join("model-3.safetensors"), b"old").unwrap();
        let files = write_weight_files(tensors.clone(), dir.path()).unwrap();
        assert_eq!(files.len(), 2, "{files:?}");
        assert_eq!(files[0].file, WEIGHTS_FILE);
        assert!(!dir.path().join("model-3.safetensors").exists());
        let mut back = HashMap::new();
        for f in &files {
            let path = dir.path().join(&f.file);
            assert!(std::fs::metadata(&path).unwrap().len() <= SHIPPED_FILE_LIMIT);
            assert_eq!(sha256_file(&path).unwrap(), f.sha256);
            back.extend(candle_core::safetensors::load(&path, &Device::Cpu).unwrap());
        }
        assert_eq!(back.len(), 4);
        for (name, t) in &tensors {
            let b = back[name].to_dtype(candle_core::DType::F32).unwrap();
            let diff: f32 = (t - &b)
                .unwrap()
                .abs()
                .unwrap()
                .max(0)
                .unwrap()
                .to_scalar()
                .unwrap();
            // f16 keeps about three decimal digits of numbers around 1.
            assert!(diff < 1e-2, "{name}: {diff}");
        }
    }

    #[test]
    fn weights_under_the_limit_stay_in_one_f32_file() {
        let dir = tempfile::tempdir().unwrap();
        let tensors = HashMap::from([("w".to_string(), tensor(1000, 1))]);
        let files = write_weight_files(tensors.clone(), dir.path()).unwrap();
        assert_eq!(files.len(), 1);
        let back =
            candle_core::safetensors::load(dir.path().join(WEIGHTS_FILE), &Device::Cpu).unwrap();
        assert_eq!(back["w"].dtype(), candle_core::DType::F32);
        assert_eq!(
            back["w"].to_vec1::<f32>().unwrap(),
            tensors["w"].to_vec1::<f32>().unwrap()
        );
    }
}
