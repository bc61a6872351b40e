//! `standpoint batch` end to end on the real models: a corpus mixing good documents with every
//! kind of bad one loses nothing; kill -9 and --resume give a byte-identical output; the shards
//! together equal the single-machine run; results do not depend on the thread count.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_standpoint"));
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

fn tmp(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target/tmp/batch_cli")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Short wire-style documents written for this test, one per line of a JSONL corpus.
fn corpus_lines(n: usize) -> Vec<String> {
    let actors = [
        ("Germany", "France"),
        ("Japan", "China"),
        ("Brazil", "Argentina"),
        ("NATO", "Russia"),
        ("the European Union", "Hungary"),
        ("Kenya", "Somalia"),
        ("India", "Pakistan"),
        ("Canada", "the United States"),
    ];
    (0..n)
        .map(|i| {
            let (a, b) = actors[i % actors.len()];
            let text = format!(
                "Officials from {a} met counterparts from {b} on day {i} of the talks. \
                 \"We welcome the progress made with {b},\" the foreign minister of {a} said. \
                 He added that sanctions on {b} would stay until the agreement is signed."
            );
            serde_json::json!({"id": format!("doc-{i:03}"), "text": text}).to_string()
        })
        .collect()
}

fn write_corpus(dir: &Path, n: usize) -> PathBuf {
    let path = dir.join("corpus.jsonl");
    std::fs::write(&path, corpus_lines(n).join("\n") + "\n").unwrap();
    path
}

fn run(args: &[&str]) -> Output {
    bin().arg("batch").args(args).output().expect("runs")
}

fn ids_of(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("complete JSON line");
            v["id"].as_str().unwrap().to_string()
        })
        .collect()
}

#[test]
fn a_mixed_corpus_loses_and_duplicates_nothing() {
    let dir = tmp("mixed");
    let docs = dir.join("docs");
    std::fs::create_dir_all(docs.join("nested")).unwrap();
    std::fs::write(
        docs.join("good.txt"),
        "Germany praised France for its support. \"We stand together,\" the chancellor said.",
    )
    .unwrap();
    std::fs::write(
        docs.join("nested/page.html"),
        "<html><body><p>Japan criticised China over the islands.</p><p>Leave a Reply</p></body></html>",
    )
    .unwrap();
    std::fs::write(
        docs.join("latin1.txt"),
        b"Caf\xe9 owners in Paris protested.",
    )
    .unwrap();
    std::fs::write(docs.join("binary.txt"), [0u8, 159, 146, 150, 0, 0, 1, 2]).unwrap();
    std::fs::write(docs.join("empty.md"), "").unwrap();
    std::fs::write(
        docs.join("big.txt"),
        "Kenya welcomed the deal. ".repeat(400),
    )
    .unwrap();
    let jsonl = dir.join("rows.jsonl");
    std::fs::write(
        &jsonl,
        "{\"id\": \"j1\", \"text\": \"Brazil thanked Argentina.\"}\n{\"id\": \"j2\", \"text\": \n{\"id\": \"j3\", \"body\": \"no text field\"}\n{\"id\": \"j4\", \"text\": \"India warned Pakistan.\"}\n",
    )
    .unwrap();
    let csv = dir.join("rows.csv");
    std::fs::write(
        &csv,
        "id,text\nc1,\"Canada criticised the United States over tariffs.\"\nc2,too,many,fields\n",
    )
    .unwrap();
    let out = dir.join("out.jsonl");
    let o = run(&[
        docs.to_str().unwrap(),
        jsonl.to_str().unwrap(),
        csv.to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
        "--max-bytes",
        "5000",
        "--quiet",
    ]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(3), "some documents fail: {stderr}");
    let ok = ids_of(&out);
    let errors = std::fs::read_to_string(dir.join("out.jsonl.errors.jsonl")).unwrap();
    let failed: Vec<String> = errors
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            assert!(!v["reason"].as_str().unwrap().is_empty());
            v["id"].as_str().unwrap().to_string()
        })
        .collect();
    let mut all: Vec<&String> = ok.iter().chain(&failed).collect();
    let n = all.len();
    all.sort();
    all.dedup();
    assert_eq!(all.len(), n, "a document appears twice: {ok:?} {failed:?}");
    for id in ["good.txt", "nested/page.html", "j1", "j4", "c1"] {
        assert!(ok.contains(&id.to_string()), "{id} missing from {ok:?}");
    }
    for id in [
        "latin1.txt",
        "binary.txt",
        "empty.md",
        "big.txt",
        "j3",
        "c2",
    ] {
        assert!(
            failed.contains(&id.to_string()),
            "{id} not failed: {errors}"
        );
    }
    // The malformed JSONL line and the broken CSV rows fail under their location.
    assert!(errors.contains("rows.jsonl\",\"line\":2"), "{errors}");
    assert!(errors.contains("rows.csv"), "{errors}");
    assert!(stderr.contains("documents"), "summary line: {stderr}");
}

#[test]
fn kill_9_then_resume_gives_the_uninterrupted_output_byte_for_byte() {
    let dir = tmp("resume");
    let corpus = write_corpus(&dir, 60);
    let reference = dir.join("reference.jsonl");
    let o = run(&[
        corpus.to_str().unwrap(),
        "-o",
        reference.to_str().unwrap(),
        "--chunk-docs",
        "4",
        "--quiet",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let expected = std::fs::read(&reference).unwrap();

    let out = dir.join("out.jsonl");
    let mut kills = 0;
    for round in 0..20 {
        let mut child = bin()
            .arg("batch")
            .arg(&corpus)
            // Each round cuts the corpus into other chunks and batches: a resumed chunk holds
            // other documents than the uninterrupted run's, and the bytes must still agree.
            .args(["-o", out.to_str().unwrap(), "--quiet"])
            .args(["--chunk-docs", &(3 + round % 5).to_string()])
            .args(["--batch-tokens", &(512 << (round % 3)).to_string()])
            .args(if round > 0 {
                &["--resume"][..]
            } else {
                &[][..]
            })
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Kill at a different point each round: once some output has grown past a threshold.
        let before = std::fs::metadata(&out).map(|m| m.len()).unwrap_or(0);
        let target = before + 1 + (round as u64 * 7919) % 9000;
        let start = Instant::now();
        let mut finished = false;
        loop {
            if let Some(status) = child.try_wait().unwrap() {
                assert!(status.success(), "round {round}: {status}");
                finished = true;
                break;
            }
            let len = std::fs::metadata(&out).map(|m| m.len()).unwrap_or(0);
            if len >= target || start.elapsed() > Duration::from_secs(120) {
                break;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        if finished {
            break;
        }
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        kills += 1;
    }
    assert!(
        kills >= 2,
        "the run finished before it could be killed twice"
    );
    let got = std::fs::read(&out).unwrap();
    assert!(
        got == expected,
        "resumed output differs after {kills} kills"
    );
    let ids = ids_of(&out);
    assert_eq!(ids.len(), 60);
}

#[test]
fn the_shards_together_equal_the_single_machine_run() {
    let dir = tmp("shards");
    let corpus = write_corpus(&dir, 24);
    let whole = dir.join("whole.jsonl");
    let o = run(&[
        corpus.to_str().unwrap(),
        "-o",
        whole.to_str().unwrap(),
        "--quiet",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let lines = |p: &Path| -> BTreeMap<String, String> {
        std::fs::read_to_string(p)
            .unwrap()
            .lines()
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).unwrap();
                (v["id"].as_str().unwrap().to_string(), l.to_string())
            })
            .collect()
    };
    let expected = lines(&whole);
    let mut union = BTreeMap::new();
    let mut total = 0;
    for k in 0..3 {
        let part = dir.join(format!("part-{k}.jsonl"));
        let shard = format!("{k}/3");
        let o = run(&[
            corpus.to_str().unwrap(),
            "-o",
            part.to_str().unwrap(),
            "--shard",
            &shard,
            "--quiet",
        ]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let got = lines(&part);
        assert!(!got.is_empty(), "shard {k} is empty");
        total += got.len();
        union.extend(got);
    }
    assert_eq!(total, expected.len(), "shards overlap");
    assert_eq!(
        union.keys().collect::<Vec<_>>(),
        expected.keys().collect::<Vec<_>>()
    );
    // Documents are classified in different company per shard, and a document's numbers do
    // not depend on its company: the same bytes.
    for (id, line) in &expected {
        assert!(
            line == &union[id],
            "{id} differs between its shard and the whole run"
        );
    }
}

#[test]
fn results_do_not_depend_on_threads_or_batch_size() {
    same_across_threads_and_batches("accurate");
}

#[test]
fn fast_profile_results_do_not_depend_on_threads_or_batch_size() {
    same_across_threads_and_batches("fast");
}

fn same_across_threads_and_batches(profile: &str) {
    let dir = tmp(&format!("threads-{profile}"));
    let corpus = write_corpus(&dir, 16);
    let mut outputs = Vec::new();
    for (threads, tokens, chunk) in [("1", "512", "3"), ("2", "8192", "64")] {
        let out = dir.join(format!("out-{threads}.jsonl"));
        let o = run(&[
            corpus.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "--threads",
            threads,
            "--batch-tokens",
            tokens,
            "--chunk-docs",
            chunk,
            "--profile",
            profile,
            "--quiet",
        ]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        outputs.push(std::fs::read_to_string(&out).unwrap());
    }
    // Byte for byte: no document's numbers depend on the threads or on its batch and chunk.
    for (x, y) in outputs[0].lines().zip(outputs[1].lines()) {
        assert!(
            x == y,
            "{profile}: differs across threads and batches:\n{x}\n{y}"
        );
    }
    let a: Vec<serde_json::Value> = outputs[0]
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(a.len(), 16);
    assert_eq!(outputs[1].lines().count(), 16);
    // Every document found its actors and gave each a stance.
    for x in &a {
        let pairs: usize = x["sentences"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["actors"].as_array().unwrap().len())
            .sum();
        assert!(pairs >= 2, "{profile}: {x}");
    }
}

#[test]
fn csv_output_has_one_header_and_the_document_id_on_every_row() {
    let dir = tmp("csv");
    let corpus = write_corpus(&dir, 3);
    let out = dir.join("out.csv");
    let o = run(&[
        corpus.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--format",
        "csv",
        "--quiet",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut r = csv::Reader::from_path(&out).unwrap();
    let headers = r.headers().unwrap().clone();
    let doc_col = headers.iter().position(|h| h == "doc").unwrap();
    let rows: Vec<csv::StringRecord> = r.records().map(|x| x.unwrap()).collect();
    assert!(rows.len() >= 6, "{} rows", rows.len());
    assert!(rows.iter().all(|row| row[doc_col].starts_with("doc-")));
    assert!(rows.iter().all(|row| &row[0] != "id"), "header repeated");
}

#[test]
fn an_existing_output_needs_resume_and_a_changed_command_is_refused() {
    let dir = tmp("refuse");
    let corpus = write_corpus(&dir, 2);
    let out = dir.join("out.jsonl");
    let o = run(&[
        corpus.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--quiet",
    ]);
    assert!(o.status.success());
    let o = run(&[
        corpus.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--quiet",
    ]);
    assert!(!o.status.success());
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(e.contains("--resume"), "{e}");
    let o = run(&[
        corpus.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--shard",
        "0/2",
        "--resume",
        "--quiet",
    ]);
    assert!(!o.status.success());
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(e.contains("different settings"), "{e}");
    // The models are part of the settings: results of two profiles never share one output.
    let o = run(&[
        corpus.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--profile",
        "accurate",
        "--resume",
        "--quiet",
    ]);
    assert!(!o.status.success());
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(e.contains("different settings"), "{e}");
}

#[test]
fn keep_fields_copies_metadata_into_jsonl_and_csv_outputs() {
    let dir = tmp("keep-fields");
    let jsonl = dir.join("meta.jsonl");
    let lines = [
        serde_json::json!({"id": "a", "date": "2026-03-01", "source": "Harbour Post", "rank": 3,
            "text": "Germany praised France for the agreement."}),
        serde_json::json!({"id": "b", "source": "Northline, \"News\"",
            "text": "Japan criticized China over the dispute."}),
    ];
    let text: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    std::fs::write(&jsonl, text.join("\n") + "\n").unwrap();
    let csv_in = dir.join("meta.csv");
    std::fs::write(
        &csv_in,
        "id,text,date\nc,Brazil thanked Argentina for its help.,2026-04-02\n",
    )
    .unwrap();

    let out = dir.join("out.jsonl");
    let o = run(&[
        jsonl.to_str().unwrap(),
        csv_in.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--keep-fields",
        "date,source,rank",
        "-q",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let docs: Vec<serde_json::Value> = std::fs::read_to_string(&out)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(docs.len(), 3);
    // Kept fields come right after the id, in the order asked; absent ones are null.
    let first = std::fs::read_to_string(&out).unwrap();
    assert!(first.starts_with(
        "{\"id\":\"a\",\"date\":\"2026-03-01\",\"source\":\"Harbour Post\",\"rank\":3,\"sentences\":"
    ));
    assert_eq!(docs[1]["date"], serde_json::Value::Null);
    assert_eq!(docs[1]["source"], "Northline, \"News\"");
    assert_eq!(docs[2]["date"], "2026-04-02");
    assert_eq!(docs[2]["source"], serde_json::Value::Null);
    assert!(!docs[0]["sentences"].as_array().unwrap().is_empty());

    let out_csv = dir.join("out.csv");
    let o = run(&[
        jsonl.to_str().unwrap(),
        "-o",
        out_csv.to_str().unwrap(),
        "--format",
        "csv",
        "--keep-fields",
        "source,date",
        "-q",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut r = csv::Reader::from_path(&out_csv).unwrap();
    let header = r.headers().unwrap().clone();
    let names: Vec<&str> = header.iter().collect();
    assert_eq!(names[names.len() - 2..], ["source", "date"]);
    let rows: Vec<csv::StringRecord> = r.records().map(|x| x.unwrap()).collect();
    assert!(!rows.is_empty());
    for row in &rows {
        assert_eq!(row.len(), header.len());
        let (source, date) = (&row[header.len() - 2], &row[header.len() - 1]);
        match &row[1] {
            "a" => assert_eq!((source, date), ("Harbour Post", "2026-03-01")),
            "b" => assert_eq!((source, date), ("Northline, \"News\"", "")),
            other => panic!("unexpected document {other}"),
        }
    }
}

#[test]
fn keep_fields_that_clash_with_the_output_are_refused_and_resume_checks_them() {
    let dir = tmp("keep-fields-refused");
    let corpus = write_corpus(&dir, 2);
    let out = dir.join("out.jsonl");
    for (fields, format, says) in [
        (
            "date,sentences",
            "jsonl",
            "clash with the output's own 'sentences'",
        ),
        ("text", "jsonl", "is the document's id or text field"),
        ("date,date", "jsonl", "names 'date' twice"),
        ("stance", "csv", "clash with the output's own 'stance'"),
    ] {
        let o = run(&[
            corpus.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "--format",
            format,
            "--keep-fields",
            fields,
        ]);
        assert_eq!(o.status.code(), Some(1), "{fields}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(says), "{fields}: {err}");
        assert!(!out.exists(), "nothing is written before the refusal");
    }
    let o = run(&[corpus.to_str().unwrap(), "-o", out.to_str().unwrap(), "-q"]);
    assert!(o.status.success());
    let o = run(&[
        corpus.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--resume",
        "--keep-fields",
        "date",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("keep_fields"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// Runs `standpoint batch ARGS` and returns its exit code and its peak RSS in bytes, measured
/// with `wait4` on that one child (`RUSAGE_CHILDREN` would mix in the other tests' children).
// The child is reaped by wait4, which clippy does not see.
#[allow(clippy::zombie_processes)]
fn batch_peak_rss(args: &[&str]) -> (Option<i32>, u64) {
    let child = bin()
        .arg("batch")
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("runs");
    common::wait_peak_rss(child)
}

#[test]
fn failed_lines_count_toward_the_chunk_so_memory_stays_bounded() {
    let dir = tmp("failures-bounded");
    let small = write_corpus(&dir, 1);
    let (code, baseline) = batch_peak_rss(&[
        small.to_str().unwrap(),
        "-o",
        dir.join("small.jsonl").to_str().unwrap(),
        "-q",
    ]);
    assert_eq!(code, Some(0));
    // A million lines without the text field: every one fails, none is a document.
    const LINES: usize = 1_000_000;
    let bad = dir.join("bad.jsonl");
    let mut body = String::with_capacity(LINES * 28);
    for i in 0..LINES {
        body.push_str(&format!("{{\"id\":\"d{i}\",\"body\":\"x\"}}\n"));
    }
    std::fs::write(&bad, body).unwrap();
    let out = dir.join("bad-out.jsonl");
    let (code, peak) = batch_peak_rss(&[bad.to_str().unwrap(), "-o", out.to_str().unwrap(), "-q"]);
    assert_eq!(code, Some(3), "some documents failed");
    // Before the fix all the failures gathered in one chunk: 170 MB over the baseline here.
    assert!(
        peak < baseline + 40 * 1024 * 1024,
        "peak RSS {} MB, baseline {} MB",
        peak >> 20,
        baseline >> 20
    );
    let errors = std::fs::read_to_string(corpus_errors(&out)).unwrap();
    assert_eq!(errors.lines().count(), LINES);
    assert!(std::fs::read_to_string(&out).unwrap().is_empty());
}

fn corpus_errors(out: &Path) -> PathBuf {
    PathBuf::from(format!("{}.errors.jsonl", out.display()))
}

#[test]
fn a_fifo_in_an_input_folder_is_skipped_with_an_error_record() {
    let dir = tmp("fifo");
    let docs = dir.join("docs");
    std::fs::create_dir_all(&docs).unwrap();
    std::fs::write(
        docs.join("a.txt"),
        "Germany praised France for the agreement.",
    )
    .unwrap();
    let fifo = docs.join("pipe.txt");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
    let out = dir.join("out.jsonl");
    let mut child = bin()
        .args([
            "batch",
            docs.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "-q",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Opening the FIFO waited for a writer forever: give up after a minute.
    let status =
        common::wait_or_kill(&mut child, Duration::from_secs(60)).expect("batch hung on the FIFO");
    assert_eq!(status.code(), Some(3));
    assert_eq!(ids_of(&out), ["a.txt"]);
    let errors: serde_json::Value =
        serde_json::from_str(std::fs::read_to_string(corpus_errors(&out)).unwrap().trim()).unwrap();
    assert_eq!(
        errors,
        serde_json::json!({
            "id": "pipe.txt",
            "file": format!("{}/pipe.txt", docs.display()),
            "line": null,
            "reason": "not a regular file (fifo); skipped"
        })
    );
}

#[test]
fn a_nul_character_in_jsonl_text_is_an_error_record() {
    let dir = tmp("nul");
    let corpus = dir.join("nul.jsonl");
    std::fs::write(
        &corpus,
        "{\"id\": \"ok\", \"text\": \"Germany praised France.\"}\n\
         {\"id\": \"nul\", \"text\": \"Japan\\u0000 criticized China.\"}\n",
    )
    .unwrap();
    let out = dir.join("out.jsonl");
    let o = run(&[corpus.to_str().unwrap(), "-o", out.to_str().unwrap(), "-q"]);
    assert_eq!(o.status.code(), Some(3));
    assert_eq!(ids_of(&out), ["ok"]);
    let errors: serde_json::Value =
        serde_json::from_str(std::fs::read_to_string(corpus_errors(&out)).unwrap().trim()).unwrap();
    assert_eq!(errors["id"], "nul");
    assert_eq!(
        errors["reason"],
        format!(
            "{}:2 looks binary (a NUL character at byte offset 5 of its text); standpoint reads \
             UTF-8 text or HTML",
            corpus.display()
        )
    );
}

#[test]
fn a_missing_input_or_output_folder_prints_its_os_error_once() {
    let dir = tmp("missing");
    let o = bin()
        .args(["batch", "no-such-input.jsonl", "-o", "x.jsonl"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        "error: input no-such-input.jsonl does not exist\n"
    );
    let corpus = write_corpus(&dir, 1);
    let out = dir.join("no-such-folder/out.jsonl");
    let o = run(&[corpus.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        format!(
            "error: {}.progress: No such file or directory (os error 2)\n",
            out.display()
        )
    );
}

#[test]
fn a_refused_output_leaves_no_progress_file_behind() {
    let dir = tmp("refused-output");
    let corpus = write_corpus(&dir, 1);
    let folder = dir.join("results");
    std::fs::create_dir_all(&folder).unwrap();
    let o = run(&[corpus.to_str().unwrap(), "-o", folder.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(e.contains("is a folder"), "{e}");
    assert!(!dir.join("results.progress").exists());
    let unrelated = dir.join("notes.jsonl");
    std::fs::write(&unrelated, "my own notes\n").unwrap();
    let o = run(&[
        corpus.to_str().unwrap(),
        "-o",
        unrelated.to_str().unwrap(),
        "--resume",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(e.contains("no usable journal"), "{e}");
    assert!(!dir.join("notes.jsonl.progress").exists());
    assert_eq!(
        std::fs::read_to_string(&unrelated).unwrap(),
        "my own notes\n"
    );
}

#[test]
fn the_same_input_twice_is_refused_and_repeated_ids_are_reported() {
    let dir = tmp("duplicates");
    let corpus = write_corpus(&dir, 2);
    let out = dir.join("out.jsonl");
    let o = run(&[
        corpus.to_str().unwrap(),
        corpus.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(e.contains("are the same"), "{e}");
    assert!(!out.exists());
    let copy = dir.join("copy.jsonl");
    std::fs::copy(&corpus, &copy).unwrap();
    let o = run(&[
        corpus.to_str().unwrap(),
        copy.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "-q",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(
        e.contains(
            "warning: 2 documents had an id already seen in this run (first: 'doc-000', 'doc-001')"
        ),
        "{e}"
    );
}

#[test]
fn an_empty_folder_or_empty_stdin_warns_that_no_documents_were_found() {
    let dir = tmp("empty");
    let empty = dir.join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let o = run(&[
        empty.to_str().unwrap(),
        "-o",
        dir.join("out.jsonl").to_str().unwrap(),
        "-q",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(
        e.contains(&format!(
            "warning: no documents found in {}",
            empty.display()
        )),
        "{e}"
    );
    let o = bin()
        .args([
            "batch",
            "-",
            "-o",
            dir.join("out2.jsonl").to_str().unwrap(),
            "-q",
        ])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(
        e.contains("warning: no documents found in standard input"),
        "{e}"
    );
}

#[test]
fn a_reader_that_stops_ends_the_run_quietly_but_a_closed_stdout_is_an_error() {
    use std::os::unix::process::CommandExt;
    let dir = tmp("closed-stdout");
    let corpus = write_corpus(&dir, 3);
    // `| head -c 0`: the reader is gone before the first result is written.
    let mut child = bin()
        .args(["batch", corpus.to_str().unwrap(), "-o", "-", "-q"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(0));
    assert!(!String::from_utf8_lossy(&o.stderr).contains("error"));
    // `>&-`: no reader at all; the results would vanish.
    let mut cmd = bin();
    cmd.args(["batch", corpus.to_str().unwrap(), "-o", "-", "-q"]);
    // SAFETY: close(2) is async-signal-safe, as pre_exec requires.
    unsafe {
        cmd.pre_exec(|| {
            libc::close(1);
            Ok(())
        });
    }
    let o = cmd.output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(e.contains("standard output is closed"), "{e}");
}
