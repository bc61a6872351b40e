//! `standpoint train`: a single-task model or the joint model, trained by the one training
//! loop (`model::trainer`) over its objective.

use super::*;

/// Start a model's variables from another round's weights. A variable the file lacks keeps
/// its base value (a layer that was frozen there and is trained now); a mean-pooled head's dense
/// weight grows zero columns for the target half, so the first step predicts what it did.
pub(super) fn init_from(
    model: &TrainModel,
    path: &std::path::Path,
) -> std::result::Result<(), String> {
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
        // Shipped weights over 25 MB are written in f16 (`trainer::write_weight_files`); the
        // variables train in their own type.
        let t = t.to_dtype(var.dtype()).map_err(|e| e.to_string())?;
        var.set(&t).map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// The recipe of `task` with the hyper-parameters given on the command line.
pub(super) fn recipe_from_args(task: Task, args: &TrainArgs) -> Recipe {
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

pub(super) fn train_cmd(args: TrainArgs) -> Result<()> {
    let task = parse_task(&args.task)?;
    if task == Task::Joint {
        return train_joint_cmd(args);
    }
    if task == Task::JointAttribution {
        return train_joint_attribution_cmd(args);
    }
    let mut recipe = recipe_from_args(task, &args);
    let spec = BaseSpec::default_encoder();
    let files = resolve::resolve(&spec, args.base.as_deref())?;
    let labels = match task {
        Task::Stance => Stance::ALL.len(),
        Task::Sentiment => Sentiment::ALL.len(),
        Task::Ner => mix::NER_LABELS.len(),
        Task::Attribution => crate::model::attribution::LABELS.len(),
        Task::Joint | Task::JointAttribution => unreachable!("handled by their own commands"),
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
pub(super) fn training_record(
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
pub(super) fn train_joint_cmd(args: TrainArgs) -> Result<()> {
    let recipe = recipe_from_args(Task::Joint, &args);
    if args.train.is_some() {
        return Err(Error::Invalid(
            "--train/--dev take one task's data; the joint model trains on the built-in mix".into(),
        ));
    }
    let spec = BaseSpec::from(args.encoder);
    let files = resolve::resolve(&spec, args.base.as_deref())?;
    let (config, _) = crate::model::classifier::load_encoder_config(&files)?;
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
    let mut set = joint::training_set(&roots, &tok, &template, args.max_train, args.ner_rows)?;
    note!(
        "{} training rows, dev rows ner {} sentiment {} stance {}",
        set.train.len(),
        set.dev[0].len(),
        set.dev[1].len(),
        set.dev[2].len()
    );
    if recipe.frozen_layers * 2 > config.layers() {
        // Most of the encoder frozen: its output is computed once here (on the fast engine)
        // and every step and evaluation starts from it.
        let tensors =
            crate::model::classifier::load_base_tensors(&files, &candle_core::Device::Cpu)?;
        let vb = candle_nn::VarBuilder::from_tensors(
            tensors,
            candle_core::DType::F32,
            &candle_core::Device::Cpu,
        );
        let bottom = config
            .fast_encoder(vb, None, crate::model::fast::Precision::F32)?
            .bottom_layers(recipe.frozen_layers);
        let started = std::time::Instant::now();
        let mut samples: Vec<&mut joint::JointSample> = set.train.iter_mut().collect();
        for d in set.dev.iter_mut() {
            samples.extend(d.iter_mut());
        }
        let mut next_note = 0;
        joint::compute_bottoms(&bottom, &mut samples, |done, total| {
            if done >= next_note || done == total {
                note!(
                    "frozen bottom ({} layers): {done}/{total} distinct inputs, {:.0} s",
                    recipe.frozen_layers,
                    started.elapsed().as_secs_f64()
                );
                next_note = done + total / 20 + 1;
            }
        })?;
    }
    let output = args
        .output
        .clone()
        .unwrap_or_else(|| PathBuf::from("models/joint"));
    let (work_dir, opts) = run_options(&args, "target/train/joint", Progress::Lines);
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
    let kind = trainer::ModelKind {
        architecture: config.architecture(),
        ..joint::model_kind()
    };
    write_model_and_score(
        &output,
        &kind,
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
pub(super) fn write_model_and_score(
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

/// `train --task joint-attribution`: the fast profile's attribution head over the states of the
/// joint model in the models folder beside `--output` (default `models/joint`). The joint model
/// reads every PolNeAR article once (its states stay in memory, about 1.5 GB for the training
/// split); then only the head trains. `--train DIR --dev DIR` take other brat folders.
pub(super) fn train_joint_attribution_cmd(args: TrainArgs) -> Result<()> {
    use crate::model::attribution_head::{self as ah, HeadObjective, HeadSet, HeadTrainModel};
    let recipe = recipe_from_args(Task::JointAttribution, &args);
    let output = args
        .output
        .clone()
        .unwrap_or_else(|| PathBuf::from("models/joint-attribution"));
    let joint_dir = output
        .parent()
        .map_or_else(|| PathBuf::from("models"), Path::to_path_buf)
        .join("joint");
    let joint = JointModel::load(&joint_dir, args.base.as_deref())?;
    let hidden = joint.loaded.backbone.hidden_size();
    let roots = DataRoots {
        shared: args.data_root.clone(),
        annotated: args.annotated.clone(),
        own_repeat: args.own_repeat as usize,
    };
    let brat = |p: &Path| -> Result<Vec<crate::data::brat::Article>> {
        Ok(crate::data::brat::read(p)?.rows)
    };
    let (train_a, dev_a, described): (_, _, serde_json::Value) = match (&args.train, &args.dev) {
        (Some(t), Some(d)) => (
            brat(t)?,
            brat(d)?,
            serde_json::json!({"train": t.display().to_string(), "dev": d.display().to_string()}),
        ),
        (None, None) => (
            mix::attribution_articles(&roots, "train")?,
            mix::attribution_articles(&roots, "dev")?,
            serde_json::json!({
                "train": "polnear train (articles, first annotator)",
                "dev": "polnear dev (articles, first annotator)",
            }),
        ),
        _ => {
            return Err(Error::Invalid(
                "--train and --dev go together (brat folders in PolNeAR's layout)".into(),
            ))
        }
    };
    note!(
        "reading {} + {} articles through the joint model in {}",
        train_a.len(),
        dev_a.len(),
        joint_dir.display()
    );
    // Each document's sentences through the joint model, 32 documents at a time.
    let read_states = |texts: &[&str]| -> Result<Vec<crate::model::attribution_head::DocStates>> {
        let mut out = Vec::with_capacity(texts.len());
        for chunk in texts.chunks(32) {
            let prepared: Vec<crate::pipeline::Prepared> = chunk
                .iter()
                .map(|t| crate::pipeline::Prepared::new(t))
                .collect();
            let sentences: Vec<&str> = prepared
                .iter()
                .flat_map(|p| p.sentence_texts().into_iter().map(|(_, t)| t))
                .collect();
            let (states, _, _) = joint.read(&sentences)?;
            let mut states = states.into_iter();
            for p in &prepared {
                let mine: Vec<_> = states.by_ref().take(p.sentences()).collect();
                out.push(p.head_states(&mine));
            }
        }
        Ok(out)
    };
    let articles: Vec<&str> = train_a
        .iter()
        .chain(&dev_a)
        .map(|a| a.text.as_str())
        .collect();
    let mut docs = read_states(&articles)?;
    let n_train = train_a.len();
    // With a teacher (`--teacher DIR`, the attribution tagger), its per-piece probabilities are
    // soft labels for the training articles and for unannotated news (PerSenT dev documents).
    let mut teacher: Vec<std::collections::BTreeMap<usize, Vec<f32>>> = Vec::new();
    let mut described = described;
    if let Some(dir) = &args.teacher {
        let tagger = crate::model::attribution::AttributionTagger::load(dir, args.base.as_deref())?;
        let extra = crate::bench::persent_documents(
            &roots.shared.join("persent").join("dev.csv"),
            usize::MAX,
        )?;
        note!(
            "reading {} + {} documents through the teacher in {}",
            train_a.len(),
            extra.len(),
            dir.display()
        );
        let texts: Vec<&str> = train_a
            .iter()
            .map(|a| a.text.as_str())
            .chain(extra.iter().map(String::as_str))
            .collect();
        for chunk in texts.chunks(32) {
            teacher.extend(tagger.piece_probs_many(chunk)?);
        }
        let extra_texts: Vec<&str> = extra.iter().map(String::as_str).collect();
        docs.extend(read_states(&extra_texts)?);
        described["teacher"] = serde_json::json!(dir.display().to_string());
        described["unannotated"] =
            serde_json::json!(format!("persent dev.csv ({} documents)", extra.len()));
    }
    let n_dev = dev_a.len();
    let supervision = |i: usize| ah::Supervision {
        gold: if i < n_train {
            train_a.get(i)
        } else {
            dev_a.get(i - n_train)
        },
        teacher: if i < n_train {
            teacher.get(i)
        } else if i >= n_train + n_dev {
            teacher.get(i - n_dev)
        } else {
            None
        },
    };
    let train_sup: Vec<ah::Supervision> = (0..n_train).map(supervision).collect();
    let dev_sup: Vec<ah::Supervision> = (n_train..n_train + n_dev).map(supervision).collect();
    let extra_sup: Vec<ah::Supervision> = (n_train + n_dev..docs.len())
        .map(|i| ah::Supervision {
            gold: None,
            teacher: teacher.get(i - n_dev),
        })
        .collect();
    let mut train_rows = ah::rows(&docs[..n_train], 0, &train_sup, ah::training_stride());
    train_rows.extend(ah::rows(
        &docs[n_train + n_dev..],
        n_train + n_dev,
        &extra_sup,
        ah::training_stride(),
    ));
    let set = HeadSet {
        train: train_rows,
        dev: ah::rows(
            &docs[n_train..n_train + n_dev],
            n_train,
            &dev_sup,
            ah::training_stride(),
        ),
        docs,
        data: described,
    };
    note!(
        "{} training windows, {} dev windows",
        set.train.len(),
        set.dev.len()
    );
    let (work_dir, opts) = run_options(&args, "target/train/joint-attribution", Progress::Lines);
    let mut model = HeadTrainModel::new(hidden, args.head_layers.max(1), &recipe)?;
    if let Some(init) = &args.init {
        let saved = candle_core::safetensors::load(init, &candle_core::Device::Cpu)?;
        for (name, var) in model.vars() {
            if let Some(t) = saved.get(&name) {
                var.set(t)?;
            }
        }
        note!("started from {}", init.display());
    }
    let outcome = trainer::run(&mut HeadObjective::new(&mut model, &set), &recipe, &opts)?;
    note!(
        "trained {} steps in {:.0} s ({:.1} windows/s), best dev span F1 {:.4} at step {}",
        outcome.state.step,
        outcome.state.seconds,
        outcome.examples_per_s,
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
    training[ah::JOINT_SHA_KEY] = serde_json::json!(joint.loaded.manifest.weights_digest());
    training["joint_model"] = serde_json::json!(joint_dir.display().to_string());
    training["head_layers"] = serde_json::json!(args.head_layers.max(1));
    trainer::write_model(
        &output,
        &ah::model_kind(),
        &recipe,
        &joint.loaded.manifest.base,
        &outcome.best_weights,
        training,
    )?;
    note!("wrote {}", output.display());
    Ok(())
}

/// The work folder (`--work-dir`, else `default`) and the training loop's options of a run:
/// `--resume`, and `progress` unless `--quiet`.
fn run_options(args: &TrainArgs, default: &str, progress: Progress) -> (PathBuf, RunOptions) {
    let work_dir = args
        .work_dir
        .clone()
        .unwrap_or_else(|| PathBuf::from(default));
    let opts = RunOptions {
        work_dir: work_dir.clone(),
        resume: args.resume,
        progress: if args.quiet {
            Progress::Hidden
        } else {
            progress
        },
    };
    (work_dir, opts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::resolve::BaseSpec;
    use candle_core::DType;

    #[test]
    fn another_round_starts_from_weights_written_in_f16() {
        // Bug: `train --init` of a model written in f16 (shipped weights over 25 MB) failed
        // with "dtype mismatch in copy_strided".
        let base = tempfile::tempdir().unwrap();
        let sha = crate::model::tiny::write_base(base.path()).unwrap();
        let files = crate::model::resolve::resolve(
            &BaseSpec {
                weights_sha256: sha,
                ..BaseSpec::default_encoder()
            },
            Some(base.path()),
        )
        .unwrap();
        let recipe = Recipe {
            frozen_layers: 1,
            max_len: 32,
            ..Recipe::default_for(Task::Attribution)
        };
        let (model, _) = TrainModel::new(&files, Task::Attribution, 7, &recipe).unwrap();
        let vars = model.vars();
        let saved: std::collections::HashMap<String, candle_core::Tensor> = vars
            .iter()
            .map(|(n, v)| {
                let t = (v.as_tensor() + 0.5).unwrap().to_dtype(DType::F16).unwrap();
                (n.clone(), t)
            })
            .collect();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("model.safetensors");
        candle_core::safetensors::save(&saved, &path).unwrap();
        let before: Vec<f32> = vars[0]
            .1
            .as_tensor()
            .flatten_all()
            .unwrap()
            .to_vec1()
            .unwrap();
        init_from(&model, &path).unwrap();
        let (name, var) = &model.vars()[0];
        assert_eq!(var.dtype(), DType::F32, "{name}");
        let after: Vec<f32> = var.as_tensor().flatten_all().unwrap().to_vec1().unwrap();
        for (a, b) in before.iter().zip(&after) {
            assert!((a + 0.5 - b).abs() < 1e-2, "{name}: {a} -> {b}");
        }
    }
}
