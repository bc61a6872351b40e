//! Tests of the model code on tiny random-weight models (no base encoder needed).

use crate::labels::{Stance, UNSPECIFIED};
use crate::model::bert::Batch;
use crate::model::classifier::StanceClassifier;
use crate::model::encode::{self, StanceInput, Template};
use crate::model::manifest::Task;
use crate::model::resolve::BaseSpec;
use crate::model::train::{batch_loss, Sample, SingleTaskObjective, Target, TrainModel, TrainSet};
use crate::model::trainer::{self, Objective, Progress, Recipe, RunOptions, TrainState};
use candle_core::Device;
use std::path::Path;

pub(crate) use crate::model::tiny::{
    base_tensors as tiny_base_tensors, config as tiny_config, tokenizer_json as tiny_tokenizer_json,
};

/// Write a tiny base model directory (config, weights, tokenizer); returns its weights' sha256.
pub(crate) fn write_tiny_base(dir: &Path) -> String {
    crate::model::tiny::write_base(dir).expect("tiny base")
}

fn tiny_recipe(frozen: usize) -> Recipe {
    Recipe {
        epochs: 30,
        batch_size: 4,
        lr: 3e-3,
        warmup_ratio: 0.1,
        dropout: 0.0,
        frozen_layers: frozen,
        max_len: 32,
        eval_every: 0,
        patience: 100,
        checkpoint_every: 5,
        ..Recipe::default_for(Task::Stance)
    }
}

/// A tiny synthetic task: "x blamed y" -> against for holder x, neutral for holder y;
/// "x praised y" -> favor for x; author -> neutral.
fn tiny_task(tok: &tokenizers::Tokenizer) -> TrainSet {
    let t = Template::new(tok, 32).expect("template");
    let mut train = Vec::new();
    let names = ["trump", "china", "us", "eu"];
    for &a in &names {
        for &b in &names {
            if a == b {
                continue;
            }
            for (verb, label) in [("blamed", Stance::Against), ("praised", Stance::Favor)] {
                let text = format!("{a} {verb} {b} .");
                let ts = text.rfind(b).expect("target");
                for (holder, l) in [
                    (a, label),
                    (b, Stance::Neutral),
                    ("author", Stance::Neutral),
                ] {
                    let input = StanceInput {
                        holder,
                        target: b,
                        text: &text,
                        target_span: Some((ts, ts + b.len())),
                        holder_span: None,
                        context: "",
                    };
                    let enc = encode::encode_stance(tok, &t, &input).expect("encode");
                    let c = [Stance::Favor, Stance::Against, Stance::Neutral]
                        .iter()
                        .position(|x| *x == l)
                        .expect("label");
                    train.push(Sample {
                        enc,
                        label: Target::Class(c),
                    });
                }
            }
        }
    }
    TrainSet {
        task: Task::Stance,
        labels: vec!["favor".into(), "against".into(), "neutral".into()],
        dev: train.clone(),
        own_tail: 0,
        train,
        data: serde_json::json!("tiny synthetic"),
        input_template: encode::STANCE_TEMPLATE.into(),
    }
}

fn tokenizer() -> tokenizers::Tokenizer {
    tokenizers::Tokenizer::from_bytes(tiny_tokenizer_json().as_bytes()).expect("tokenizer")
}

#[test]
fn every_trainable_tensor_gets_a_nonzero_gradient() {
    // The trap this guards: candle_nn::LayerNorm's fused op has no backward pass, so only the
    // head would train and nothing would error.
    let tok = tokenizer();
    let set = tiny_task(&tok);
    for frozen in [0, 1] {
        let model = TrainModel::from_tensors(
            &tiny_config(),
            tiny_base_tensors(3),
            Task::Stance,
            3,
            &tiny_recipe(frozen),
            crate::model::heads::PoolSpec::Mean,
        )
        .expect("model");
        let samples: Vec<&Sample> = set.train.iter().take(8).collect();
        let (loss, _) = batch_loss(&model, &samples, &[1.0, 1.0, 1.0], true).expect("loss");
        let grads = loss.backward().expect("backward");
        let vars = model.vars();
        assert!(
            vars.iter().any(|(n, _)| n.contains("LayerNorm")),
            "layer norms are trainable"
        );
        for (name, var) in &vars {
            let g = grads
                .get(var.as_tensor())
                .unwrap_or_else(|| panic!("no gradient for {name} (frozen={frozen})"));
            let norm = g
                .sqr()
                .unwrap()
                .sum_all()
                .unwrap()
                .to_scalar::<f32>()
                .unwrap();
            assert!(norm > 0.0, "zero gradient for {name} (frozen={frozen})");
        }
        // Frozen layers are not variables at all.
        if frozen == 1 {
            assert!(vars
                .iter()
                .all(|(n, _)| !n.contains("layer.0.") && !n.starts_with("embeddings")));
        }
    }
}

#[test]
fn training_a_tiny_model_lowers_its_loss_and_learns_the_holder() {
    let tok = tokenizer();
    let set = tiny_task(&tok);
    let recipe = tiny_recipe(0);
    let mut model = TrainModel::from_tensors(
        &tiny_config(),
        tiny_base_tensors(5),
        Task::Stance,
        3,
        &recipe,
        crate::model::heads::PoolSpec::Mean,
    )
    .expect("model");
    let all: Vec<&Sample> = set.train.iter().collect();
    let before = batch_loss(&model, &all, &[1.0; 3], false)
        .unwrap()
        .0
        .to_scalar::<f32>()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let opts = RunOptions {
        work_dir: dir.path().to_path_buf(),
        resume: false,
        progress: Progress::Hidden,
    };
    let out = trainer::run(
        &mut SingleTaskObjective::new(&mut model, &set, &recipe),
        &recipe,
        &opts,
    )
    .expect("train");
    model.varmap.load(&out.best_weights).unwrap();
    let after = batch_loss(&model, &all, &[1.0; 3], false)
        .unwrap()
        .0
        .to_scalar::<f32>()
        .unwrap();
    assert!(after < before * 0.8, "loss {before} -> {after}");
    assert!(
        out.state.best_score > 0.5,
        "dev macro-F1 {} (chance is about 0.33)",
        out.state.best_score
    );
    let log = std::fs::read_to_string(dir.path().join("train_log.jsonl")).unwrap();
    assert!(log.lines().count() >= out.state.step);
}

#[test]
fn a_killed_run_resumes_from_its_checkpoint() {
    let tok = tokenizer();
    let set = tiny_task(&tok);
    let dir = tempfile::tempdir().unwrap();
    let opts = |resume| RunOptions {
        work_dir: dir.path().to_path_buf(),
        resume,
        progress: Progress::Hidden,
    };
    // Straight run of 12 steps.
    let straight = Recipe {
        max_steps: Some(12),
        ..tiny_recipe(1)
    };
    let mut a = TrainModel::from_tensors(
        &tiny_config(),
        tiny_base_tensors(7),
        Task::Stance,
        3,
        &straight,
        crate::model::heads::PoolSpec::Mean,
    )
    .unwrap();
    let ra = trainer::run(
        &mut SingleTaskObjective::new(&mut a, &set, &straight),
        &straight,
        &opts(false),
    )
    .unwrap();
    // "Killed" after 10 steps (the last checkpoint), then resumed to 12.
    let dir2 = tempfile::tempdir().unwrap();
    let opts2 = |resume| RunOptions {
        work_dir: dir2.path().to_path_buf(),
        resume,
        progress: Progress::Hidden,
    };
    let first = Recipe {
        max_steps: Some(10),
        ..straight.clone()
    };
    let mut b = TrainModel::from_tensors(
        &tiny_config(),
        tiny_base_tensors(7),
        Task::Stance,
        3,
        &first,
        crate::model::heads::PoolSpec::Mean,
    )
    .unwrap();
    trainer::run(
        &mut SingleTaskObjective::new(&mut b, &set, &first),
        &first,
        &opts2(false),
    )
    .unwrap();
    let state: TrainState =
        serde_json::from_str(&std::fs::read_to_string(dir2.path().join("state.json")).unwrap())
            .unwrap();
    assert_eq!(state.step, 10);
    // A fresh process: new model from the base, resumed from the checkpoint.
    let mut c = TrainModel::from_tensors(
        &tiny_config(),
        tiny_base_tensors(7),
        Task::Stance,
        3,
        &straight,
        crate::model::heads::PoolSpec::Mean,
    )
    .unwrap();
    // The kill came after two more logged steps than the checkpoint holds.
    let mut log = std::fs::read_to_string(dir2.path().join("train_log.jsonl")).unwrap();
    log.push_str("{\"step\":11}\n{\"step\":12}\n");
    std::fs::write(dir2.path().join("train_log.jsonl"), log).unwrap();
    let mut resumed_state: TrainState = state.clone();
    resumed_state.finished = false;
    std::fs::write(
        dir2.path().join("state.json"),
        serde_json::to_string(&resumed_state).unwrap(),
    )
    .unwrap();
    let rc = trainer::run(
        &mut SingleTaskObjective::new(&mut c, &set, &straight),
        &straight,
        &opts2(true),
    )
    .unwrap();
    assert_eq!(rc.state.step, 12);
    assert_eq!(ra.state.step, 12);
    let log = std::fs::read_to_string(dir2.path().join("train_log.jsonl")).unwrap();
    assert_eq!(log.lines().count(), 12, "no step is logged twice or lost");
}

#[test]
fn two_runs_with_the_same_seed_train_the_same_weights_even_side_by_side() {
    // Data order, dropout masks (head and encoder) and fresh tensors all come from the seed; two
    // runs on two threads at once must not draw from each other's generators.
    let tok = tokenizer();
    let set = tiny_task(&tok);
    let recipe = Recipe {
        epochs: 2,
        dropout: 0.1,
        eval_every: 5,
        max_steps: Some(24),
        ..tiny_recipe(1)
    };
    let train = || {
        let mut model = TrainModel::from_tensors(
            &tiny_config(),
            tiny_base_tensors(11),
            Task::Stance,
            3,
            &recipe,
            crate::model::heads::PoolSpec::Mean,
        )
        .unwrap();
        let work = tempfile::tempdir().unwrap();
        let opts = RunOptions {
            work_dir: work.path().to_path_buf(),
            resume: false,
            progress: Progress::Hidden,
        };
        let out = trainer::run(
            &mut SingleTaskObjective::new(&mut model, &set, &recipe),
            &recipe,
            &opts,
        )
        .unwrap();
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

#[test]
fn a_saved_tiny_model_loads_with_identical_logits_and_is_deterministic() {
    saved_tiny_model_roundtrip(crate::model::manifest::Pooling::Mean);
}

#[test]
fn a_saved_target_pooled_model_loads_with_identical_logits() {
    saved_tiny_model_roundtrip(crate::model::manifest::Pooling::MeanAndTarget);
}

fn saved_tiny_model_roundtrip(pooling: crate::model::manifest::Pooling) {
    let tok = tokenizer();
    let set = tiny_task(&tok);
    let base_dir = tempfile::tempdir().unwrap();
    let sha = write_tiny_base(base_dir.path());
    let files = crate::model::resolve::resolve(
        &BaseSpec {
            weights_sha256: sha.clone(),
            ..BaseSpec::default_encoder()
        },
        Some(base_dir.path()),
    )
    .expect("resolve");
    let recipe = Recipe {
        max_steps: Some(3),
        pooling,
        ..tiny_recipe(1)
    };
    let (mut model, _) = TrainModel::new(&files, Task::Stance, 3, &recipe).expect("model");
    let work = tempfile::tempdir().unwrap();
    let mut objective = SingleTaskObjective::new(&mut model, &set, &recipe);
    let out = trainer::run(
        &mut objective,
        &recipe,
        &RunOptions {
            work_dir: work.path().to_path_buf(),
            resume: false,
            progress: Progress::Hidden,
        },
    )
    .unwrap();
    let kind = objective.model_kind();
    model.varmap.load(&out.best_weights).unwrap();
    let model_dir = tempfile::tempdir().unwrap();
    let spec = BaseSpec {
        weights_sha256: sha,
        ..BaseSpec::default_encoder()
    };
    trainer::write_model(
        model_dir.path(),
        &kind,
        &recipe,
        &spec,
        &out.best_weights,
        serde_json::json!({}),
    )
    .unwrap();
    // Only what training changed is saved: no embeddings, no frozen layer.
    let saved =
        candle_core::safetensors::load(model_dir.path().join("model.safetensors"), &Device::Cpu)
            .unwrap();
    assert!(saved
        .keys()
        .all(|k| !k.starts_with("embeddings") && !k.contains("layer.0.")));
    let clf = StanceClassifier::load(model_dir.path(), Some(base_dir.path())).expect("load");
    let text = "trump blamed china .";
    let input = StanceInput {
        holder: "trump",
        target: "china",
        text,
        target_span: Some((13, 18)),
        holder_span: Some((0, 5)),
        context: "",
    };
    let p1 = clf.predict(&[input.clone(), input.clone()]).unwrap();
    let again = clf.predict(&[input.clone(), input.clone()]).unwrap();
    assert_eq!(
        p1, again,
        "the same input gives bit-for-bit the same output"
    );
    assert_eq!(p1[0], p1[1]);
    // Another batch shape may take another matmul kernel: equal up to float noise.
    let p2 = clf.predict(std::slice::from_ref(&input)).unwrap();
    for ((_, a), (_, b)) in p1[0].scores.iter().zip(&p2[0].scores) {
        assert!((a - b).abs() < 1e-5, "{a} vs {b}");
    }
    // The inference path (candle-transformers BERT) matches the training path (our BERT).
    let t = Template::new(&tok, 32).unwrap();
    let enc = encode::encode_stance(&tok, &t, &input).unwrap();
    let batch = Batch::from_rows(
        &[(enc.ids.as_slice(), enc.type_ids.as_slice())],
        &Device::Cpu,
    )
    .unwrap();
    let logits: Vec<f32> = model
        .logits(&batch, false)
        .unwrap()
        .get(0)
        .unwrap()
        .to_vec1()
        .unwrap();
    let m = logits.iter().cloned().fold(f32::MIN, f32::max);
    let e: Vec<f32> = logits.iter().map(|x| (x - m).exp()).collect();
    let s: f32 = e.iter().sum();
    for (i, (_, p)) in p1[0].scores.iter().enumerate() {
        assert!(
            (p - e[i] / s).abs() < 1e-5,
            "train and inference paths agree"
        );
    }
    let _ = UNSPECIFIED;
}

#[test]
fn cached_frozen_outputs_give_the_same_logits_as_a_full_forward() {
    use crate::model::train::FrozenCache;
    let tok = tokenizer();
    let set = tiny_task(&tok);
    let model = TrainModel::from_tensors(
        &tiny_config(),
        tiny_base_tensors(9),
        Task::Stance,
        3,
        &tiny_recipe(1),
        crate::model::heads::PoolSpec::Mean,
    )
    .unwrap();
    // Rows of different lengths, so cached rows are padded when they come back.
    let idx: Vec<usize> = vec![0, 5, 17, 30];
    let rows: Vec<(&[u32], &[u32])> = idx
        .iter()
        .map(|&i| {
            (
                set.train[i].enc.ids.as_slice(),
                set.train[i].enc.type_ids.as_slice(),
            )
        })
        .collect();
    let batch = Batch::from_rows(&rows, &Device::Cpu).unwrap();
    let direct: Vec<Vec<f32>> = model.logits(&batch, false).unwrap().to_vec2().unwrap();
    let mut cache = FrozenCache::default();
    let first = cache.bottom(&model, &idx, &batch).unwrap();
    let second = cache.bottom(&model, &idx, &batch).unwrap();
    for bottom in [first, second] {
        let got: Vec<Vec<f32>> = model
            .logits_from_bottom(&bottom, &batch, false)
            .unwrap()
            .to_vec2()
            .unwrap();
        for (a, b) in direct.iter().flatten().zip(got.iter().flatten()) {
            assert!((a - b).abs() < 1e-5, "{a} vs {b}");
        }
    }
}

/// sha256 of what a training run leaves behind, without its timings: the shipped weights and
/// manifest, the last checkpoint, the state and the log.
pub(crate) fn training_fingerprint(work: &Path, model_dir: &Path) -> Vec<String> {
    use sha2::{Digest, Sha256};
    let hash = |bytes: &[u8]| hex::encode(Sha256::digest(bytes));
    let untimed = |line: &str| {
        let mut v: serde_json::Value = serde_json::from_str(line).unwrap();
        if let Some(m) = v.as_object_mut() {
            m.remove("seconds");
            m.remove("examples_per_s");
        }
        v.to_string()
    };
    let read = |p: &Path| std::fs::read(p).unwrap();
    let log = std::fs::read_to_string(work.join("train_log.jsonl")).unwrap();
    let log: Vec<String> = log.lines().map(untimed).collect();
    let state = std::fs::read_to_string(work.join("state.json")).unwrap();
    vec![
        format!(
            "{}  model.safetensors",
            hash(&read(&model_dir.join("model.safetensors")))
        ),
        format!(
            "{}  manifest.json",
            hash(&read(&model_dir.join("manifest.json")))
        ),
        format!(
            "{}  checkpoint.safetensors",
            hash(&read(&work.join("checkpoint.safetensors")))
        ),
        format!(
            "{}  state.json {}",
            hash(untimed(&state).as_bytes()),
            untimed(&state)
        ),
        format!(
            "{}  train_log.jsonl ({} lines)",
            hash(log.join("\n").as_bytes()),
            log.len()
        ),
    ]
}

/// A tiny NER task: each name tagged by its type.
fn tiny_ner_task(tok: &tokenizers::Tokenizer) -> TrainSet {
    let t = Template::new(tok, 32).expect("template");
    let mut rows = Vec::new();
    for (a, ta) in [
        ("trump", "B-PER"),
        ("china", "B-LOC"),
        ("us", "B-LOC"),
        ("eu", "B-ORG"),
    ] {
        for (b, tb) in [("trump", "B-PER"), ("china", "B-LOC"), ("eu", "B-ORG")] {
            for verb in ["blamed", "praised", "said"] {
                rows.push(crate::data::NerSentence {
                    id: format!("{a} {verb} {b}"),
                    words: [a, verb, b, "."].map(str::to_string).to_vec(),
                    tags: [ta, "O", tb, "O"].map(str::to_string).to_vec(),
                });
            }
            rows.push(crate::data::NerSentence {
                id: format!("he said {a} and {b} talks"),
                words: ["he", "said", a, "and", b, "talks", "."]
                    .map(str::to_string)
                    .to_vec(),
                tags: ["O", "O", ta, "O", tb, "O", "O"]
                    .map(str::to_string)
                    .to_vec(),
            });
        }
    }
    let train = crate::model::mix::ner_samples(tok, &t, &rows).expect("ner samples");
    TrainSet {
        task: Task::Ner,
        labels: crate::model::mix::NER_LABELS.map(str::to_string).to_vec(),
        dev: train.clone(),
        own_tail: 0,
        train,
        data: serde_json::json!("tiny ner"),
        input_template: "words".into(),
    }
}

/// The fingerprint of tiny single-task runs (stance with the frozen-bottom cache, dropout,
/// early stopping and a resume; NER without the cache), printed for comparison across changes
/// of the training loop: `cargo test --release --lib training_fingerprint -- --ignored
/// --nocapture`. Not pinned: the bytes depend on the CPU's matrix kernels (AVX-512 or not), so
/// compare before and after on one machine.
#[test]
#[ignore]
fn single_task_training_fingerprint() {
    let tok = tokenizer();
    let spec = BaseSpec {
        weights_sha256: "0".repeat(64),
        ..BaseSpec::default_encoder()
    };
    let run = |set: &TrainSet, recipe: &Recipe, stop_at: Option<usize>| -> Vec<String> {
        let work = tempfile::tempdir().unwrap();
        let new_model = || {
            TrainModel::from_tensors(
                &tiny_config(),
                tiny_base_tensors(11),
                set.task,
                set.labels.len(),
                recipe,
                crate::model::heads::PoolSpec::Mean,
            )
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
                &mut SingleTaskObjective::new(&mut new_model(), set, &first),
                &first,
                &opts(false),
            )
            .unwrap();
        }
        let mut model = new_model();
        let mut objective = SingleTaskObjective::new(&mut model, set, recipe);
        let out = trainer::run(&mut objective, recipe, &opts(stop_at.is_some())).unwrap();
        let model_dir = tempfile::tempdir().unwrap();
        trainer::write_model(
            model_dir.path(),
            &objective.model_kind(),
            recipe,
            &spec,
            &out.best_weights,
            serde_json::json!({"steps": out.state.step}),
        )
        .unwrap();
        let mut f = training_fingerprint(work.path(), model_dir.path());
        f.push(format!("padding_ratio {}", out.padding_ratio));
        f
    };
    let mut stance = tiny_task(&tok);
    // Longer rows, so batches are padded and the frozen-bottom cache pads what it returns.
    let t = Template::new(&tok, 32).expect("template");
    for (i, text) in [
        "he said trump blamed china .",
        "they said the eu and china praised a deal , he said .",
        "china praised peace and the talks .",
    ]
    .iter()
    .enumerate()
    {
        let ts = text.find("china").expect("target");
        let input = StanceInput {
            holder: "author",
            target: "china",
            text,
            target_span: Some((ts, ts + 5)),
            holder_span: None,
            context: "",
        };
        stance.train.push(Sample {
            enc: encode::encode_stance(&tok, &t, &input).expect("encode"),
            label: Target::Class(i % 3),
        });
    }
    let recipe = Recipe {
        epochs: 3,
        dropout: 0.1,
        eval_every: 7,
        patience: 3,
        ..tiny_recipe(1)
    };
    for (name, stop) in [("stance", None), ("stance resumed at 12", Some(12))] {
        for line in run(&stance, &recipe, stop) {
            println!("{name}: {line}");
        }
    }
    let ner = tiny_ner_task(&tok);
    let recipe = Recipe {
        epochs: 2,
        dropout: 0.1,
        class_weights: false,
        ..tiny_recipe(0)
    };
    for line in run(&ner, &recipe, None) {
        println!("ner: {line}");
    }
}
