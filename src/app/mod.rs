//! Running the commands: turns parsed arguments into work on the library and prints results
//! (results to stdout, progress and logs to stderr).

use crate::cli::{
    BatchArgs, BenchArgs, ClassifyArgs, Command, EvalArgs, ModelArgs, ModelsCommand, NetworkArgs,
    PredictCommand, TrainArgs,
};
use crate::data::DataFormat;
use crate::error::{Error, Result};
use crate::eval::harness::{self, EvalSettings};
use crate::eval::run::{score_ner, score_sentiment, score_stance};
use crate::eval::{render, report};
use crate::exit::CommandError;
use crate::labels::{LabelSet, Sentiment, Stance};
use crate::model::classifier::{NerTagger, SentimentClassifier, StanceClassifier};
use crate::model::encode::{StanceInput, Template};
use crate::model::engine::{Backend, Settings, DEFAULT_BATCH_TOKENS};
use crate::model::joint::{self, JointModel, JointObjective, JointTrainModel};
use crate::model::manifest::{Manifest, Task};
use crate::model::mix::{self, DataRoots};
use crate::model::resolve::{self, BaseSpec};
use crate::model::train::{self, SingleTaskObjective, TrainModel};
use crate::model::trainer::{
    self, ModelKind, Objective, Progress, Recipe, RunOptions, TrainOutcome,
};
use std::io::Write;
use std::path::{Path, PathBuf};

mod batch;
mod bench;
mod classify;
mod eval;
mod models;
mod network;
mod training;
use batch::*;
use bench::*;
use classify::*;
use eval::*;
use models::*;
use network::*;
use training::*;

/// The folder of shipped task models: the flag, then `$STANDPOINT_MODELS` (through clap), then
/// `./models` when it holds models, then the `models/` of the source tree this binary was built from.
pub fn models_dir(flag: Option<&Path>) -> PathBuf {
    if let Some(p) = flag {
        return p.to_path_buf();
    }
    let local = PathBuf::from("models");
    if local.join("stance").join("manifest.json").exists() {
        return local;
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("models")
}

/// Run one command; the error says what the exit status is ([`CommandError::exit_code`]).
pub fn run(command: Command) -> std::result::Result<(), CommandError> {
    match command {
        Command::Classify(args) => Ok(classify(args)?),
        Command::Models { command } => Ok(models(command)?),
        Command::Train(args) => Ok(train_cmd(*args)?),
        Command::Eval(args) => Ok(eval_cmd(args)?),
        Command::Batch(args) => batch_cmd(args),
        Command::Network(args) => network_cmd(args),
        Command::Bench(args) => Ok(bench_cmd(args)?),
        Command::Predict { command } => Ok(predict(command)?),
    }
}

fn print_json(v: &serde_json::Value) -> Result<()> {
    let mut out = std::io::stdout().lock();
    let text = serde_json::to_string_pretty(v).map_err(|e| Error::Invalid(e.to_string()))?;
    writeln!(out, "{text}").map_err(|e| Error::Io {
        path: "<stdout>".into(),
        source: e,
    })
}

/// How the models run, from the command line's options and the environment
/// (`STANDPOINT_BACKEND`: fast, fast-bf16 or candle, which overrides `--precision`), the one
/// place either is read.
fn model_settings(
    profile: crate::cli::ProfileArg,
    batch_tokens: usize,
    threads: Option<usize>,
    model: &crate::cli::ModelArgs,
) -> Result<Settings> {
    use crate::cli::PrecisionArg;
    let bf16 = crate::model::fast::bf16_supported();
    let backend = match std::env::var("STANDPOINT_BACKEND") {
        Ok(v) => v.parse().map_err(Error::Invalid)?,
        Err(_) => match model.precision {
            PrecisionArg::F32 => Backend::Fast,
            PrecisionArg::Bf16 if !bf16 => {
                return Err(Error::Invalid(
                    "--precision bf16 needs a CPU with AVX512-BF16 and this one has none; use \
                     --precision f32 (or auto, which picks bf16 only where the CPU has it)"
                        .into(),
                ))
            }
            PrecisionArg::Bf16 => Backend::FastBf16,
            PrecisionArg::Auto if bf16 => Backend::FastBf16,
            PrecisionArg::Auto => Backend::Fast,
        },
    };
    Ok(Settings {
        profile: profile.into(),
        backend,
        batch_tokens,
        threads,
        speakers: model.speakers.into(),
    })
}

/// Threads for candle's kernels and our own: rayon's global pool, set before any model runs.
fn set_threads(n: usize) {
    // candle sizes its gemm parallelism from RAYON_NUM_THREADS; set it before any model runs.
    std::env::set_var("RAYON_NUM_THREADS", n.to_string());
    // Ignore the error when a pool already exists (a second call in one process, in tests).
    let _ = rayon::ThreadPoolBuilder::new()
        .num_threads(n)
        .build_global();
}

/// Standard output closed (`>&-`) loses the results with exit status 0: Rust's runtime reopens
/// a closed standard descriptor on /dev/null before `main`, read-write, so every write
/// succeeds. A shell's `> /dev/null` opens it write-only, so that choice still works.
fn check_stdout_open() -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{FileTypeExt, MetadataExt};
        let fd = libc::STDOUT_FILENO;
        // SAFETY: F_GETFL only queries the descriptor's flags.
        let flags = unsafe { libc::fcntl(fd, libc::F_GETFL) };
        let null = std::fs::metadata("/dev/null").ok();
        // SAFETY: the descriptor stays owned by the process; ManuallyDrop never closes it.
        let stdout = std::mem::ManuallyDrop::new(unsafe {
            <std::fs::File as std::os::unix::io::FromRawFd>::from_raw_fd(fd)
        });
        let meta = stdout.metadata().ok();
        let reopened_null = match (meta, null) {
            (Some(out), Some(null)) => {
                out.file_type().is_char_device() && out.rdev() == null.rdev()
            }
            _ => false,
        };
        if flags == -1 || (reopened_null && flags & libc::O_ACCMODE == libc::O_RDWR) {
            return Err(Error::Invalid(
                "standard output is closed, so the results would be lost; redirect it to a \
                 file (> FILE), or to > /dev/null to discard them"
                    .into(),
            ));
        }
    }
    Ok(())
}
