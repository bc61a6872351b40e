//! The `standpoint eval` report writers on synthetic scored pairs: the JSON shape and its
//! determinism, the comparison, HTML safety (no network references, escaped sentences), and a
//! headless-Chromium screenshot proving the HTML and its SVG charts actually render.

use standpoint::eval::metrics::ner_scores;
use standpoint::eval::render::write;
use standpoint::eval::report::{
    build, compare, predictions, Accuracy, Judged, PairRecord, Prf, Report, ReportInput,
};
use std::fs;
use std::path::{Path, PathBuf};

mod browser;
mod common;

const SCRIPT_SENTENCE: &str =
    "Officials said <script>alert(\"x\")</script> Freedonia & its allies \"will pay\".";

/// Probabilities with `conf` on `pred` and the rest split evenly.
fn probs(pred: usize, conf: f32) -> Vec<f32> {
    let rest = (1.0 - conf) / 2.0;
    let mut p = vec![rest; 3];
    p[pred] = conf;
    p
}

/// 90 pairs with a spread of confidences, about 70% correct, both tasks (sentiment missing on
/// every seventh pair), and one confidently wrong sentence carrying markup.
fn synthetic(variant: usize) -> ReportInput {
    let actors = [
        ("Freedonia", "state"),
        ("Sylvania", "state"),
        ("the Federation", "organisation"),
        ("rebels", "group"),
        ("Minister Alva Renn", "person"),
        ("the council", "organisation"),
    ];
    let mut records = Vec::new();
    for i in 0..90usize {
        // Pair 4 is the sentence with markup, about Freedonia.
        let (actor, actor_type) = actors[if i == 4 { 0 } else { i % actors.len() }];
        let gold = (i * 7 / 3) % 3;
        // Every third-or-so prediction is wrong; `variant` shifts which ones.
        let wrong = (i + variant) % 10 < 3;
        let pred = if wrong { (gold + 1 + i % 2) % 3 } else { gold };
        let conf = 0.36 + ((i * 37) % 63) as f32 / 100.0;
        let (text, conf) = if i == 4 {
            (SCRIPT_SENTENCE.to_string(), 0.99)
        } else {
            (
                format!("Speaker {i} said {actor} had acted in good faith on the accord."),
                conf,
            )
        };
        let (gold, pred) = if i == 4 { (1, 0) } else { (gold, pred) };
        let sentiment = (!i.is_multiple_of(7)).then(|| {
            let sg = (i * 5 / 2) % 3;
            let sp = if (i + variant).is_multiple_of(4) {
                (sg + 1) % 3
            } else {
                sg
            };
            Judged {
                gold: sg,
                pred: sp,
                probs: probs(sp, 0.4 + ((i * 53) % 59) as f32 / 100.0),
            }
        });
        records.push(PairRecord {
            id: format!("doc{}:s{}:{}", i / 10, i % 10, actor),
            doc: format!("doc{}", i / 10),
            text,
            mention: actor.to_string(),
            speaker: if i.is_multiple_of(3) {
                "author".into()
            } else {
                format!("Speaker {i}")
            },
            author_speaker: i.is_multiple_of(3),
            actor: actor.to_string(),
            actor_type: actor_type.to_string(),
            actors_in_sentence: 1 + i % 3,
            stance: Some(Judged {
                gold,
                pred,
                probs: probs(pred, conf),
            }),
            sentiment,
        });
    }
    ReportInput {
        mode: "pairs".into(),
        data: vec!["evaluation/samples/test.jsonl".into()],
        data_format: "standpoint".into(),
        n: records.len(),
        skipped: 2,
        skipped_examples: vec![
            "test.jsonl:17: unknown stance label 'FAVOUR'".into(),
            "test.jsonl:40: mention not in text".into(),
        ],
        model: serde_json::json!({
            "stance": {"name": "standpoint-stance", "revision": "abc123", "sha256": "00ff"},
            "sentiment": {"name": "standpoint-sentiment", "revision": "abc123", "sha256": "11ee"}
        }),
        stance_labels: vec!["favor".into(), "against".into(), "neutral".into()],
        sentiment_labels: vec!["positive".into(), "negative".into(), "neutral".into()],
        records,
        seconds: 1.5,
        actors: None,
        speakers: None,
        summary: None,
        ner: None,
        attribution: None,
        temperatures: Default::default(),
    }
}

/// A directory under Cargo's per-target scratch space, kept after the run so the report and
/// screenshot can be looked at.
fn kept_dir(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("report_html")
        .join(name);
    let _ = fs::remove_dir_all(&d);
    d
}

fn write_report(dir: &Path, input: &ReportInput) -> Report {
    let report = build(input);
    write(dir, &report, &input.records, &[]).expect("report writes");
    report
}

/// Every float in the report is rounded to at most four decimals.
fn assert_four_decimals(v: &serde_json::Value, at: &str) {
    match v {
        serde_json::Value::Number(n) if n.is_f64() => {
            let t = n.to_string();
            let decimals = t.split_once('.').map_or(0, |(_, d)| d.len());
            assert!(
                decimals <= 4 && !t.contains('e'),
                "{at} = {t} is not rounded"
            );
        }
        serde_json::Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                assert_four_decimals(x, &format!("{at}[{i}]"));
            }
        }
        serde_json::Value::Object(o) => {
            for (k, x) in o {
                assert_four_decimals(x, &format!("{at}.{k}"));
            }
        }
        _ => {}
    }
}

#[test]
fn report_json_has_the_documented_shape_and_reruns_are_byte_identical() {
    let (a, b) = (kept_dir("rerun-a"), kept_dir("rerun-b"));
    let input = synthetic(0);
    write_report(&a, &input);
    let mut again = synthetic(0);
    again.seconds = 9.0; // only throughput may differ
    write_report(&b, &again);

    let read = |d: &Path| -> serde_json::Value {
        serde_json::from_str(&fs::read_to_string(d.join("report.json")).unwrap()).unwrap()
    };
    let (mut ja, mut jb) = (read(&a), read(&b));
    assert_ne!(ja["throughput"], jb["throughput"]);
    ja.as_object_mut().unwrap().remove("throughput");
    jb.as_object_mut().unwrap().remove("throughput");
    assert_eq!(ja, jb);
    // Byte for byte, once the throughput block is set aside.
    let strip = |d: &Path| {
        let t = fs::read_to_string(d.join("report.json")).unwrap();
        let start = t.find("\"throughput\"").unwrap();
        let end = start + t[start..].find('}').unwrap();
        format!("{}{}", &t[..start], &t[end..])
    };
    assert_eq!(strip(&a), strip(&b));
    // The HTML prints the throughput; the predictions never do.
    assert_eq!(
        fs::read(a.join("predictions.jsonl")).unwrap(),
        fs::read(b.join("predictions.jsonl")).unwrap()
    );

    for key in [
        "n",
        "skipped",
        "skipped_examples",
        "mode",
        "data",
        "data_format",
        "model",
        "stance",
        "sentiment",
        "timing_note",
    ] {
        assert!(ja.get(key).is_some(), "report.json lacks {key}");
    }
    for absent in ["actors", "speakers", "ner", "comparison", "summary"] {
        assert!(
            ja.get(absent).is_none(),
            "{absent} only belongs to other modes"
        );
    }
    let s = &ja["stance"];
    for key in [
        "n",
        "labels",
        "accuracy",
        "macro_f1",
        "f_avg",
        "per_class",
        "confusion",
        "ece",
        "brier",
        "reliability",
        "ci95",
        "breakdowns",
    ] {
        assert!(s.get(key).is_some(), "stance lacks {key}");
    }
    assert_eq!(s["n"], 90);
    assert_eq!(ja["sentiment"]["n"], 90 - 13); // every seventh pair has no sentiment
    assert_eq!(s["reliability"].as_array().unwrap().len(), 10);
    assert_eq!(s["confusion"].as_array().unwrap().len(), 3);
    assert!(s["per_class"]["favor"]["support"].as_u64().unwrap() > 0);
    let ci = s["ci95"]["accuracy"].as_array().unwrap();
    let acc = s["accuracy"].as_f64().unwrap();
    assert!(ci[0].as_f64().unwrap() <= acc && acc <= ci[1].as_f64().unwrap());
    let bd = &s["breakdowns"];
    assert!(bd["speaker"]["author"]["n"].as_u64().unwrap() > 0);
    assert!(bd["speaker"]["quoted"]["n"].as_u64().unwrap() > 0);
    assert_eq!(bd["actor_type"].as_object().unwrap().len(), 4);
    assert!(bd["several_actors"].get("several").is_some());
    assert_four_decimals(&ja, "report");

    let preds = fs::read_to_string(a.join("predictions.jsonl")).unwrap();
    assert_eq!(preds.lines().count(), 90 + 77);
    let first: serde_json::Value = serde_json::from_str(preds.lines().next().unwrap()).unwrap();
    for key in ["id", "task", "gold", "pred", "confidence", "correct"] {
        assert!(first.get(key).is_some(), "prediction row lacks {key}");
    }
    let md = fs::read_to_string(a.join("report.md")).unwrap();
    for h in [
        "## Headline",
        "## Stance",
        "## Sentiment",
        "### Confusion",
        "### Breakdowns",
    ] {
        assert!(md.contains(h), "report.md lacks {h}");
    }
}

#[test]
fn comparison_goes_into_json_markdown_and_html() {
    let old = kept_dir("compare-old");
    write_report(&old, &synthetic(5));
    let dir = kept_dir("compare-new");
    let input = synthetic(0);
    let mut report = build(&input);
    let preds = predictions(&input);
    report.comparison = Some(compare(&report, &preds, &old).unwrap());
    write(&dir, &report, &input.records, &[]).unwrap();

    let j: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(dir.join("report.json")).unwrap()).unwrap();
    let c = &j["comparison"]["stance"];
    assert_eq!(c["paired"]["n"], 90);
    assert!(c["accuracy"]["delta"].is_number());
    let m = &c["paired"]["mcnemar"];
    assert!(m["b01"].as_u64().unwrap() + m["b10"].as_u64().unwrap() > 0);
    let p = c["paired"]["bootstrap_p"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&p));
    assert!(
        j["comparison"]["sentiment"]["paired"]["n"]
            .as_u64()
            .unwrap()
            == 77
    );
    assert!(fs::read_to_string(dir.join("report.md"))
        .unwrap()
        .contains("## Comparison with"));
    assert!(fs::read_to_string(dir.join("report.html"))
        .unwrap()
        .contains("Comparison with"));
    // The report reads back as a Report.
    let back: Report =
        serde_json::from_str(&fs::read_to_string(dir.join("report.json")).unwrap()).unwrap();
    assert_eq!(back, report);
}

#[test]
fn comparison_with_a_missing_dir_is_an_error_naming_it() {
    let input = synthetic(0);
    let report = build(&input);
    let missing = kept_dir("never-written");
    let e = compare(&report, &[], &missing).unwrap_err().to_string();
    assert!(
        e.contains(&missing.join("report.json").display().to_string()),
        "{e}"
    );
}

#[test]
fn documents_and_ner_extras_appear_only_in_their_modes() {
    let mut input = synthetic(0);
    input.mode = "documents".into();
    input.actors = Some(Prf {
        precision: 0.9,
        recall: 0.812_345,
        f1: 0.85,
        gold: 40,
        predicted: 36,
        matched: 32,
    });
    input.speakers = Some(Accuracy {
        accuracy: 0.75,
        n: 40,
    });
    input.summary = Some(serde_json::json!({"pairs": 12, "stance_accuracy": 0.5}));
    let j = serde_json::to_value(build(&input)).unwrap();
    assert_eq!(j["actors"]["recall"], 0.8123);
    assert_eq!(j["actors"]["matched"], 32);
    assert_eq!(j["speakers"]["accuracy"], 0.75);
    assert_eq!(j["summary"]["pairs"], 12);
    assert!(j.get("ner").is_none());

    let mut ner = synthetic(0);
    ner.mode = "ner".into();
    ner.records.clear();
    let gold = vec![vec!["B-PER", "I-PER", "O", "B-LOC"]];
    let pred = vec![vec!["B-PER", "I-PER", "O", "B-ORG"]];
    ner.ner = Some(ner_scores(&gold, &pred));
    let dir = kept_dir("ner");
    let report = write_report(&dir, &ner);
    let j = serde_json::to_value(&report).unwrap();
    assert_eq!(j["ner"]["f1"], 0.5);
    assert_eq!(j["ner"]["per_type"]["PER"]["f1"], 1.0);
    assert!(j["stance"].is_null() && j["sentiment"].is_null());
    assert!(j.get("actors").is_none());
    assert!(fs::read_to_string(dir.join("report.html"))
        .unwrap()
        .contains("NER (entity level)"));
}

#[test]
fn html_has_no_network_references_and_escapes_sentences() {
    let dir = kept_dir("safety");
    write_report(&dir, &synthetic(0));
    let html = fs::read_to_string(dir.join("report.html")).unwrap();
    let lower = html.to_ascii_lowercase();
    for attr in ["src=", "href="] {
        for (at, _) in lower.match_indices(attr) {
            let value = lower[at + attr.len()..].trim_start_matches(['"', '\'']);
            assert!(
                !value.starts_with("http:")
                    && !value.starts_with("https:")
                    && !value.starts_with("//"),
                "network reference at byte {at}: {}",
                &html[at..(at + 80).min(html.len())]
            );
        }
    }
    for banned in ["url(", "@import", "<link", "<script", "<iframe", "<img"] {
        assert!(!lower.contains(banned), "report.html contains {banned}");
    }
    // The sentence with markup is among the most confident errors, escaped, mention marked.
    assert!(
        html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; <mark>Freedonia</mark> &amp; its allies"),
        "escaped sentence missing"
    );
    assert!(html.contains("<svg"), "charts missing");
}

#[test]
fn html_report_renders_in_headless_chromium() {
    let Some(chromium) = browser::chromium_or_skip("the report screenshot check") else {
        return;
    };
    let dir = kept_dir("screenshot");
    write_report(&dir, &synthetic(0));
    let png_path = dir.join("report.png");
    browser::screenshot(&chromium, &dir.join("report.html"), &png_path, &dir);

    let (w, h, channels, px) = browser::decode(&png_path);
    assert!(w >= 800 && h >= 1000, "screenshot is {w}x{h}");
    assert!(channels >= 3);
    let pixels: Vec<&[u8]> = px.chunks_exact(channels).collect();
    let non_white = pixels
        .iter()
        .filter(|p| p[0] < 245 || p[1] < 245 || p[2] < 245)
        .count();
    let share = non_white as f64 / pixels.len() as f64;
    assert!(
        share > 0.05,
        "only {:.1}% of the screenshot is not white: the page did not render",
        share * 100.0
    );
    let mut colours: Vec<[u8; 3]> = pixels
        .iter()
        .map(|p| [p[0] & 0xF0, p[1] & 0xF0, p[2] & 0xF0])
        .collect();
    colours.sort_unstable();
    colours.dedup();
    assert!(
        colours.len() >= 20,
        "{} distinct colours: expected charts",
        colours.len()
    );
    // Each chart colour covers real area: precision/accuracy blue, recall orange, F1 green, and
    // the dark end of the heat map.
    let near = |c: [u8; 3]| {
        pixels
            .iter()
            .filter(|p| (0..3).all(|i| p[i].abs_diff(c[i]) <= 14))
            .count()
    };
    for (name, c) in [
        ("blue bars", [0x4c, 0x78, 0xa8]),
        ("orange bars", [0xf5, 0x85, 0x18]),
        ("green bars", [0x54, 0xa2, 0x4b]),
    ] {
        let n = near(c);
        assert!(
            n > 500,
            "{name}: only {n} pixels; the SVG charts did not render"
        );
    }
    eprintln!(
        "screenshot {w}x{h}: {:.1}% non-white, {} colours; kept at {}",
        share * 100.0,
        colours.len(),
        png_path.display()
    );
}
