//! `standpoint eval --data` end to end on the real models: each mode writes a report with the
//! documented shape, malformed rows are skipped and counted, a rerun gives the same report.json
//! apart from timings, and --compare pairs two runs.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn eval(args: &[&str]) -> (serde_json::Value, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_standpoint"))
        .current_dir(root())
        .arg("eval")
        .args(args)
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&o.stderr).to_string();
    assert!(o.status.success(), "{stderr}");
    (serde_json::from_slice(&o.stdout).expect("json"), stderr)
}

fn report(dir: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(dir.join("report.json")).expect("report.json");
    serde_json::from_str(&text).expect("report json")
}

fn without_timing(mut v: serde_json::Value) -> serde_json::Value {
    v.as_object_mut().unwrap().remove("throughput");
    v
}

fn tmp(name: &str) -> PathBuf {
    let dir = root().join("target/tmp/eval_cli").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[test]
fn pairs_mode_reports_every_metric_and_counts_the_malformed_row() {
    let dir = tmp("pairs");
    let (head, _) = eval(&[
        "--data",
        "tests/fixtures/eval-small.jsonl",
        "--report",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(head["skipped"], 1, "{head}");
    let r = report(&dir);
    for key in ["n", "skipped", "model", "stance", "sentiment"] {
        assert!(r.get(key).is_some(), "report.json lacks {key}");
    }
    assert_eq!(r["n"], 5);
    for task in ["stance", "sentiment"] {
        for key in [
            "accuracy",
            "macro_f1",
            "f_avg",
            "per_class",
            "confusion",
            "ece",
            "brier",
            "ci95",
        ] {
            assert!(r[task].get(key).is_some(), "{task} lacks {key}");
        }
    }
    // The rows without sentiment (absent, or null) are scored for stance only.
    assert_eq!(r["stance"]["n"], 5);
    assert_eq!(r["sentiment"]["n"], 3);
    // The models of the default profile (the MPNet joint model), each with its weights' sha256.
    let models = r["model"].as_object().expect("a model section");
    assert!(models.contains_key("joint-mpnet"), "{models:?}");
    for (folder, m) in models {
        let sha = m["weights_sha256"].as_str().unwrap_or_default();
        assert_eq!(sha.len(), 64, "{folder}: {m}");
    }
    for f in ["report.md", "report.html", "predictions.jsonl"] {
        assert!(dir.join(f).is_file(), "{f} missing");
    }

    // Rerun: the same report apart from timings; then compare the two runs.
    let again = tmp("pairs-again");
    eval(&[
        "--data",
        "tests/fixtures/eval-small.jsonl",
        "--report",
        again.to_str().unwrap(),
        "--compare",
        dir.to_str().unwrap(),
    ]);
    let mut second = report(&again);
    let comparison = second.as_object_mut().unwrap().remove("comparison");
    assert_eq!(without_timing(second), without_timing(r));
    let comparison = comparison.expect("comparison section");
    assert_eq!(comparison["stance"]["paired"]["n"], 5, "{comparison}");
}

#[test]
fn documents_mode_scores_actors_speakers_and_summaries() {
    let dir = tmp("documents");
    let (head, _) = eval(&[
        "--data",
        "evaluation/samples/test.jsonl",
        "--mode",
        "documents",
        "--summary",
        "evaluation/samples/summaries.jsonl",
        "--report",
        dir.to_str().unwrap(),
    ]);
    let r = report(&dir);
    assert_eq!(r["mode"], "documents");
    for key in ["precision", "recall", "f1"] {
        let v = r["actors"][key].as_f64().unwrap();
        assert!(v > 0.3 && v <= 1.0, "actors {key} {v}");
    }
    let speakers = r["speakers"]["accuracy"].as_f64().unwrap();
    assert!(speakers > 0.5, "speaker accuracy {speakers}");
    assert!(r["summary"]["entries"].as_u64().unwrap() > 0);
    assert!(head["stance"]["macro_f1"].as_f64().unwrap() > 0.4, "{head}");
}

#[test]
fn ner_mode_scores_entities_per_type() {
    let dir = tmp("ner");
    eval(&[
        "--data",
        "tests/fixtures/ner-small.conll",
        "--report",
        dir.to_str().unwrap(),
    ]);
    let r = report(&dir);
    assert_eq!(r["mode"], "ner");
    let f1 = r["ner"]["f1"].as_f64().unwrap();
    assert!(f1 > 0.5, "ner f1 {f1}");
    assert!(r["ner"]["per_type"].get("PER").is_some(), "{}", r["ner"]);
}

#[test]
fn a_missing_data_file_and_an_unknown_mode_are_clear_errors() {
    let o = Command::new(env!("CARGO_BIN_EXE_standpoint"))
        .current_dir(root())
        .args(["eval", "--data", "no/such/file.jsonl"])
        .output()
        .unwrap();
    assert!(!o.status.success());
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(e.contains("no/such/file.jsonl"), "{e}");
    let o = Command::new(env!("CARGO_BIN_EXE_standpoint"))
        .current_dir(root())
        .args([
            "eval",
            "--data",
            "tests/fixtures/eval-small.jsonl",
            "--mode",
            "sentences",
        ])
        .output()
        .unwrap();
    assert!(!o.status.success());
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(e.contains("expected pairs, documents, ner"), "{e}");
}

#[test]
fn a_report_destination_that_is_a_file_is_refused_before_scoring() {
    let dir = tmp("report-is-a-file");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("report.txt");
    std::fs::write(&file, "not a folder").unwrap();
    // No models here: a refusal that names the models would mean scoring had begun.
    let o = Command::new(env!("CARGO_BIN_EXE_standpoint"))
        .current_dir(root())
        .args([
            "eval",
            "--data",
            "tests/fixtures/eval-small.jsonl",
            "--report",
        ])
        .arg(&file)
        .arg("--models-dir")
        .arg(dir.join("no-models"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(
        e.contains(&format!("--report {} is a file", file.display())),
        "{e}"
    );
    assert!(!e.contains("File exists"), "{e}");
}

#[test]
fn attribution_mode_scores_speakers_against_the_brat_fixture() {
    // tests/fixtures/brat-small: two invented articles. The three gold attributions (a direct
    // quote by "Mayor Lena Park", reported speech by "Tom Reyes", and "He" resolving to Reyes)
    // are each spoken by the named speaker; of the four sentences outside every attribution,
    // only the unannotated quote by Ada Bell gets a speaker. harbour_b2.ann (the second
    // annotator) is ignored.
    let dir = tmp("attribution");
    let (head, _) = eval(&[
        "--data",
        "tests/fixtures/brat-small",
        "--mode",
        "attribution",
        "--profile",
        "fast",
        "--redact",
        "--report",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(head["mode"], "attribution");
    let r = report(&dir);
    let a = &r["attribution"];
    assert_eq!(a["articles"], 2, "{a}");
    assert_eq!(a["attributions"], 3);
    assert_eq!(a["with_source"], 3);
    assert_eq!(a["unresolved"], 0);
    let acc = &a["speaker_accuracy"];
    assert_eq!(
        (acc["direct"]["right"].as_u64(), acc["direct"]["n"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(
        (acc["rest"]["right"].as_u64(), acc["rest"]["n"].as_u64()),
        (Some(2), Some(2))
    );
    assert_eq!(acc["all"]["accuracy"], 1.0);
    assert_eq!(a["false_speaker"]["sentences"], 4);
    assert_eq!(a["false_speaker"]["with_speaker"], 1);
    assert_eq!(a["false_speaker"]["rate"], 0.25);
    // Gold source words: Mayor Lena Park, Tom Reyes, He.
    assert_eq!(a["speaker_spans"]["gold"], 6);
    for f in ["report.md", "report.html", "predictions.jsonl"] {
        assert!(dir.join(f).is_file(), "{f} missing");
    }
    let md = std::fs::read_to_string(dir.join("report.md")).unwrap();
    assert!(
        md.contains("| **speaker accuracy, all** | 1.0000 | 3 / 3 |"),
        "{md}"
    );
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    assert!(html.contains("<section id=\"attribution\">"));
    // One line per gold attribution; --redact leaves the texts out.
    let preds = std::fs::read_to_string(dir.join("predictions.jsonl")).unwrap();
    assert_eq!(preds.lines().count(), 3);
    for banned in ["bridge", "harbour", "Reyes", "Park"] {
        assert!(!preds.contains(banned), "{banned} in {preds}");
    }
    let first: serde_json::Value = serde_json::from_str(preds.lines().next().unwrap()).unwrap();
    assert_eq!(first["article"], "article 1");
    assert_eq!(first["correct"], true);
    assert_eq!(first["direct"], true);
}
