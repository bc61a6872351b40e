//! `standpoint network` end to end on synthetic batch output (no models needed): the five files
//! are written; a shuffled copy of the input gives byte-identical files; 100,000 documents stay
//! under 300 MB of peak memory; the GraphML validates against the XSD and loads in networkx; the
//! HTML references nothing outside itself, escapes hostile text, and its table carries the
//! numbers of network.json.

mod browser;
mod common;

use browser::attr;
use chrono::NaiveDate;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const FILES: [&str; 5] = [
    "edges.csv",
    "nodes.csv",
    "network.graphml",
    "network.json",
    "network.html",
];

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_standpoint"));
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

fn tmp(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target/tmp/network_cli")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn network(inputs: &[&Path], out: &Path, extra: &[&str]) -> Output {
    let out = bin()
        .arg("network")
        .args(inputs)
        .arg("--output")
        .arg(out)
        .args(extra)
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "standpoint network failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// A small deterministic generator (xorshift64*), so the corpus is the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const TYPES: [&str; 4] = ["state", "organisation", "group", "person"];
const LABELS: [&str; 3] = ["favor", "against", "neutral"];

/// One batch document as `standpoint batch` writes it, with `sentences` sentences of two actors
/// each among `holders` x `actors`; every 40th document has no date, every 97th an unreadable
/// one, and some rows are the author's.
fn synthetic_doc(i: u64, rng: &mut Rng, holders: u64, actors: u64, sentences: u64) -> String {
    let start = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
    let date = start + chrono::Days::new(rng.below(730));
    let date = match i {
        i if i % 40 == 0 => String::new(),
        i if i % 97 == 0 => "\"date\":\"last Tuesday\",".into(),
        _ => format!("\"date\":\"{date}\","),
    };
    let mut out = format!("{{\"id\":\"doc-{i:06}\",{date}\"source\":\"wire\",\"sentences\":[");
    for s in 0..sentences {
        let holder = if rng.below(10) == 0 {
            "author".to_string()
        } else {
            format!("Holder {}", rng.below(holders))
        };
        if s > 0 {
            out.push(',');
        }
        out.push_str(&format!(
            "{{\"index\":{s},\"start\":0,\"end\":60,\"text\":\"{holder} spoke about things in sentence {s} of document {i}.\",\
             \"speaker\":\"{holder}\",\"cue\":\"direct_quote\",\"sentiment\":{{\"label\":\"neutral\",\
             \"scores\":{{\"negative\":0.1,\"neutral\":0.8,\"positive\":0.1}}}},\"actors\":["
        ));
        for a in 0..2 {
            let actor = rng.below(actors);
            let label = LABELS[rng.below(3) as usize];
            let p = 0.34 + rng.below(650) as f64 / 1000.0;
            let rest = (1.0 - p) / 2.0;
            let scores: Vec<String> = LABELS
                .iter()
                .map(|l| format!("\"{l}\":{}", if *l == label { p } else { rest }))
                .collect();
            if a > 0 {
                out.push(',');
            }
            out.push_str(&format!(
                "{{\"actor\":\"Actor {actor}\",\"id\":\"Q{}\",\"type\":\"{}\",\"mention\":\"Actor {actor}\",\
                 \"start\":10,\"end\":17,\"holder\":\"{holder}\",\"stance\":{{\"label\":\"{label}\",\
                 \"scores\":{{{}}}}}}}",
                1000 + actor,
                TYPES[(actor % 4) as usize],
                scores.join(",")
            ));
        }
        out.push_str("]}");
    }
    out.push_str("],\"summary\":[],\"dropped\":[]}");
    out
}

/// Documents whose names and sentences carry markup, quotes and script.
fn hostile_docs() -> Vec<String> {
    let row = |holder: &str, actor: &str, label: &str, text: &str, id: &str, date: &str| {
        serde_json::json!({
            "id": id, "date": date,
            "sentences": [{
                "index": 0, "start": 0, "end": text.len(), "text": text, "speaker": holder,
                "cue": "direct_quote",
                "sentiment": {"label": "neutral", "scores": {"negative": 0.2, "neutral": 0.6, "positive": 0.2}},
                "actors": [{
                    "actor": actor, "id": "doc:x", "type": "group", "mention": actor,
                    "start": 0, "end": 1, "holder": holder,
                    "stance": {"label": label, "scores": {"favor": 0.7, "against": 0.2, "neutral": 0.1}}
                }]
            }],
            "summary": [], "dropped": []
        })
        .to_string()
    };
    vec![
        row(
            "Holder 1",
            "<img src=x onerror=alert(2)>",
            "favor",
            "He said <script>alert(1)</script> & \"quoted\" 'words' </script><!-- end",
            "hostile-1",
            "2025-06-01T23:59:00-04:00",
        ),
        row(
            "O'Brien & \"Sons\"",
            "Actor 1",
            "favor",
            "A control \u{1} character and https://example.com/x.js in text.",
            "hostile-2",
            "2025-06-02",
        ),
    ]
}

fn corpus(n: u64, seed: u64) -> Vec<String> {
    let mut rng = Rng(seed);
    let mut lines: Vec<String> = (0..n)
        .map(|i| synthetic_doc(i, &mut rng, 8, 12, 3))
        .collect();
    lines.extend(hostile_docs());
    lines
}

fn write_lines(path: &Path, lines: &[String]) {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    for l in lines {
        writeln!(f, "{l}").unwrap();
    }
    f.flush().unwrap();
}

#[test]
fn the_five_files_are_written_and_the_summary_goes_to_stderr() {
    let dir = tmp("files");
    let input = dir.join("batch.jsonl");
    write_lines(&input, &corpus(200, 7));
    let out = network(&[&input], &dir.join("out"), &[]);
    for f in FILES {
        let len = std::fs::metadata(dir.join("out").join(f)).unwrap().len();
        assert!(len > 100, "{f} is {len} bytes");
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("202 documents"), "{stderr}");
    assert!(out.stdout.is_empty());
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("out/network.json")).unwrap())
            .unwrap();
    assert_eq!(json["totals"]["documents"], 202);
    assert_eq!(json["totals"]["documents_with_unreadable_date"], 2);
    let edges = json["edges"].as_array().unwrap();
    let csv = std::fs::read_to_string(dir.join("out/edges.csv")).unwrap();
    assert_eq!(csv.lines().count(), edges.len() + 1);
    assert!(csv.starts_with(
        "holder,actor,actor_id,actor_type,n,favor,against,neutral,net,net_low,net_high,documents,first_date,last_date,confidence\n"
    ));
    for e in edges {
        let (n, f, a, z) = (
            e["n"].as_u64().unwrap(),
            e["favor"].as_u64().unwrap(),
            e["against"].as_u64().unwrap(),
            e["neutral"].as_u64().unwrap(),
        );
        assert_eq!(n, f + a + z);
        let (lo, net, hi) = (
            e["net_low"].as_f64().unwrap(),
            e["net"].as_f64().unwrap(),
            e["net_high"].as_f64().unwrap(),
        );
        assert!(lo <= net && net <= hi, "{e}");
        assert!(e["evidence"].as_array().unwrap().len() <= 3);
        assert_ne!(e["holder"], "author", "the author is left out by default");
    }
}

#[test]
fn a_shuffled_copy_of_the_input_gives_byte_identical_files() {
    let dir = tmp("order");
    let lines = corpus(600, 11);
    let a = dir.join("a.jsonl");
    write_lines(&a, &lines);
    let mut shuffled = lines.clone();
    let mut rng = Rng(99);
    for i in (1..shuffled.len()).rev() {
        let j = rng.below(i as u64 + 1) as usize;
        shuffled.swap(i, j);
    }
    assert_ne!(shuffled, lines);
    let (half1, half2) = shuffled.split_at(shuffled.len() / 2);
    let b1 = dir.join("shuffled-1.jsonl");
    let b2 = dir.join("shuffled-2.jsonl");
    write_lines(&b1, half2);
    write_lines(&b2, half1);
    for extra in [&[][..], &["--bucket", "week", "--exclude-author=false"][..]] {
        network(&[&a], &dir.join("in-order"), extra);
        network(&[&b1, &b2], &dir.join("shuffled"), extra);
        for f in FILES {
            let x = std::fs::read(dir.join("in-order").join(f)).unwrap();
            let y = std::fs::read(dir.join("shuffled").join(f)).unwrap();
            assert!(x == y, "{f} differs with a shuffled input ({extra:?})");
        }
    }
}

#[test]
fn one_hundred_thousand_documents_stay_under_300_mb_of_memory() {
    let dir = tmp("memory");
    let input = dir.join("batch-100k.jsonl");
    let started = std::time::Instant::now();
    {
        let mut rng = Rng(2026);
        let mut f = std::io::BufWriter::new(std::fs::File::create(&input).unwrap());
        for i in 0..100_000 {
            writeln!(f, "{}", synthetic_doc(i, &mut rng, 40, 60, 3)).unwrap();
        }
        f.flush().unwrap();
    }
    let generated = started.elapsed();
    let bytes = std::fs::metadata(&input).unwrap().len();
    let out_dir = dir.join("out");
    let stderr_path = dir.join("stderr.txt");
    let started = std::time::Instant::now();
    // Reaped by wait4 in common::wait_peak_rss, which clippy cannot see.
    #[allow(clippy::zombie_processes)]
    let child = bin()
        .arg("network")
        .arg(&input)
        .arg("--output")
        .arg(&out_dir)
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&stderr_path).unwrap())
        .spawn()
        .expect("spawns");
    let (code, peak) = common::wait_peak_rss(child);
    let elapsed = started.elapsed();
    let stderr = std::fs::read_to_string(&stderr_path).unwrap();
    assert_eq!(code, Some(0), "standpoint network failed: {stderr}");
    let peak_mb = peak as f64 / (1 << 20) as f64;
    eprintln!(
        "network: 100000 documents ({:.0} MB of JSONL, generated in {:.1} s) in {:.1} s, \
         peak RSS {peak_mb:.1} MB; {}",
        bytes as f64 / 1e6,
        generated.as_secs_f64(),
        elapsed.as_secs_f64(),
        stderr.trim()
    );
    assert!(stderr.contains("100000 documents"), "{stderr}");
    assert!(peak_mb < 300.0, "peak RSS {peak_mb:.1} MB");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out_dir.join("network.json")).unwrap())
            .unwrap();
    assert_eq!(json["totals"]["pairs_kept"], 40 * 60);
    assert_eq!(json["buckets"].as_array().unwrap().len(), 24);
    // The input is 200 MB; keep the disk for other tests.
    let _ = std::fs::remove_file(&input);
}

/// The GraphML XSD: $STANDPOINT_GRAPHML_XSD, target/graphml-xsd/graphml.xsd, or /tmp/gx/xsd.
fn graphml_xsd() -> Option<PathBuf> {
    let candidates = [
        std::env::var_os("STANDPOINT_GRAPHML_XSD").map(PathBuf::from),
        Some(Path::new(env!("CARGO_MANIFEST_DIR")).join("target/graphml-xsd/graphml.xsd")),
        Some(PathBuf::from("/tmp/gx/xsd/graphml.xsd")),
    ];
    candidates.into_iter().flatten().find(|p| p.is_file())
}

fn has(program: &str, arg: &str) -> bool {
    Command::new(program)
        .arg(arg)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

#[test]
fn the_graphml_validates_against_the_xsd_and_loads_in_networkx() {
    let dir = tmp("graphml");
    let input = dir.join("batch.jsonl");
    write_lines(&input, &corpus(150, 3));
    network(&[&input], &dir.join("out"), &["--exclude-author=false"]);
    let graphml = dir.join("out/network.graphml");

    match graphml_xsd() {
        Some(xsd) if has("xmllint", "--version") => {
            let out = Command::new("xmllint")
                .args(["--noout", "--nonet", "--schema"])
                .arg(&xsd)
                .arg(&graphml)
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "xmllint: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        _ => common::skip_unless_ci(
            "xmllint or the GraphML XSD is missing, so the schema validation did not run",
            "run: apt-get install -y libxml2-utils && bash scripts/fetch-graphml-xsd.sh \
             (or set STANDPOINT_GRAPHML_XSD)",
        ),
    }

    let script = r#"
import csv, sys, networkx as nx
g = nx.read_graphml(sys.argv[1])
edges = list(csv.DictReader(open(sys.argv[2], encoding="utf-8")))
nodes = list(csv.DictReader(open(sys.argv[3], encoding="utf-8")))
assert g.is_directed()
assert g.number_of_nodes() == len(nodes), (g.number_of_nodes(), len(nodes))
assert g.number_of_edges() == len(edges), (g.number_of_edges(), len(edges))
names = {d["name"] for _, d in g.nodes(data=True)}
assert names == {n["name"] for n in nodes}
for _, d in g.nodes(data=True):
    assert isinstance(d["degree"], int) and isinstance(d["type"], str) and d["id"]
by_pair = {(e["holder"], e["actor"]): e for e in edges}
for u, v, d in g.edges(data=True):
    e = by_pair[(g.nodes[u]["name"], g.nodes[v]["name"])]
    assert isinstance(d["net"], float) and isinstance(d["n"], int)
    assert d["n"] == int(e["n"]) and abs(d["net"] - float(e["net"])) < 1e-9
    assert d["actor"] == e["actor"] and d["holder"] == e["holder"]
print("ok", g.number_of_nodes(), g.number_of_edges())
"#;
    let has_networkx = Command::new("python3")
        .args(["-c", "import networkx"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !has_networkx {
        common::skip_unless_ci(
            "python3 with networkx is missing, so the GraphML was not loaded as a user would",
            "run: pip install networkx",
        );
        return;
    }
    let out = Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(&graphml)
        .arg(dir.join("out/edges.csv"))
        .arg(dir.join("out/nodes.csv"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "networkx: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_html_is_self_contained_escapes_hostile_text_and_carries_the_json_numbers() {
    let dir = tmp("html");
    let input = dir.join("batch.jsonl");
    write_lines(&input, &corpus(120, 5));
    network(&[&input], &dir.join("out"), &[]);
    let html = std::fs::read_to_string(dir.join("out/network.html")).unwrap();
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("out/network.json")).unwrap())
            .unwrap();

    let lower = html.to_lowercase();
    for opener in ["src=", "href=", "url("] {
        for (at, _) in lower.match_indices(opener) {
            let rest = lower[at + opener.len()..].trim_start_matches(['"', '\'', ' ']);
            assert!(
                !rest.starts_with("http:")
                    && !rest.starts_with("https:")
                    && !rest.starts_with("//"),
                "external reference at {at}: {}",
                &html[at..(at + 80).min(html.len())]
            );
        }
    }
    assert!(!lower.contains("<link"), "no external stylesheet");
    assert!(!lower.contains("@import"));
    assert_eq!(
        lower.matches("<script").count(),
        2,
        "the data block and the inline script"
    );
    assert!(!html.contains("<script>alert(1)"));
    assert!(!html.contains("<img src=x"));
    assert!(html.contains("&lt;img src=x onerror=alert(2)&gt;"));
    assert!(html.contains("O&#39;Brien &amp; &quot;Sons&quot;"));
    for id in [
        "id=\"graph\"",
        "id=\"pairs\"",
        "id=\"detail\"",
        "id=\"series\"",
        "id=\"network-data\"",
    ] {
        assert!(html.contains(id), "{id}");
    }

    // The embedded data is network.json itself.
    let start = html.find("id=\"network-data\">").unwrap() + "id=\"network-data\">".len();
    let end = start + html[start..].find("</script>").unwrap();
    let embedded: serde_json::Value = serde_json::from_str(&html[start..end]).unwrap();
    assert_eq!(embedded, json);

    // Every table cell holds the value network.json has, in the same digits.
    let edges = json["edges"].as_array().unwrap();
    let rows: Vec<&str> = html.split("<tr class=\"pair\"").skip(1).collect();
    assert_eq!(rows.len(), edges.len());
    for row in rows {
        let row = &row[..row.find("</tr>").unwrap()];
        let index: usize = attr(row, "data-index").unwrap().parse().unwrap();
        let e = &edges[index];
        assert_eq!(
            attr(row, "data-holder").unwrap(),
            e["holder"].as_str().unwrap()
        );
        let mut cells: BTreeMap<String, String> = BTreeMap::new();
        for td in row.split("<td").skip(1) {
            cells.insert(attr(td, "class").unwrap(), attr(td, "data-value").unwrap());
        }
        assert_eq!(cells.len(), 14);
        for (column, value) in &cells {
            let expected = match &e[column.as_str()] {
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Null => String::new(),
                v => v.to_string(),
            };
            assert_eq!(value, &expected, "{column} of edge {index}");
        }
    }
}

#[test]
fn flags_filter_pairs_bucket_by_week_and_keep_the_author_on_request() {
    let dir = tmp("flags");
    let input = dir.join("batch.jsonl");
    write_lines(&input, &corpus(300, 13));
    let read = |out: &str| -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(dir.join(out).join("network.json")).unwrap())
            .unwrap()
    };
    network(
        &[&input],
        &dir.join("filtered"),
        &[
            "--holders",
            "holder 1,HOLDER 2",
            "--actors",
            "q1003,Actor 4",
            "--min-count",
            "3",
            "--bucket",
            "week",
        ],
    );
    let j = read("filtered");
    let edges = j["edges"].as_array().unwrap();
    assert!(!edges.is_empty());
    for e in edges {
        assert!(["Holder 1", "Holder 2"].contains(&e["holder"].as_str().unwrap()));
        assert!(["Actor 3", "Actor 4"].contains(&e["actor"].as_str().unwrap()));
        assert!(e["n"].as_u64().unwrap() >= 3);
        for key in e["series"].as_object().unwrap().keys() {
            assert!(key.len() == 8 && &key[4..6] == "-W", "{key}");
        }
    }
    assert_eq!(j["options"]["bucket"], "week");

    network(&[&input], &dir.join("author"), &["--exclude-author=false"]);
    let j = read("author");
    assert_eq!(j["totals"]["rows_excluded"], 0);
    assert!(j["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|n| n["name"] == "author"));
    network(&[&input], &dir.join("no-author"), &["--exclude-author"]);
    assert!(
        read("no-author")["totals"]["rows_excluded"]
            .as_u64()
            .unwrap()
            > 0
    );
}

#[test]
fn a_bad_line_fails_naming_the_file_and_line_and_a_file_as_output_is_refused() {
    let dir = tmp("errors");
    let input = dir.join("bad.jsonl");
    let mut lines = corpus(2, 1);
    lines.insert(1, String::new());
    lines.insert(2, "{\"id\": \"x\", \"sentences\": [{\"index\": 0}]}".into());
    write_lines(&input, &lines);
    let out = bin()
        .arg("network")
        .arg(&input)
        .arg("--output")
        .arg(dir.join("out"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("bad.jsonl:3: "), "{stderr}");
    assert!(stderr.contains("missing field `text`"), "{stderr}");

    let good = dir.join("good.jsonl");
    write_lines(&good, &corpus(2, 1));
    let file = dir.join("a-file");
    std::fs::write(&file, "").unwrap();
    let out = bin()
        .arg("network")
        .arg(&good)
        .arg("--output")
        .arg(&file)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("is a file"), "{stderr}");
}
