//! End-to-end tests of the corpus layer through [`run`], the loop `standpoint batch` runs, with a
//! cheap worker in place of the models: every input accounted for once, crash and resume
//! byte-identical, shards disjoint and complete.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use super::*;

/// The reader thread's half of the fake model: decode file bytes like the batch worker does.
fn decode(doc: &Doc) -> std::result::Result<String, String> {
    match &doc.content {
        Content::Bytes(bytes) => {
            crate::text::decode(bytes, &doc.location.file, false).map_err(|e| e.to_string())
        }
        Content::Text(text) if text.trim().is_empty() => Err(format!("{} is empty", doc.id)),
        Content::Text(text) => Ok(text.clone()),
    }
}

/// The fake model, a cheap worker with both halves of the real one: the reader thread decodes,
/// `process` upper-cases the text.
struct Upper;

impl Worker for Upper {
    type Ready = std::result::Result<String, String>;

    fn preparer(&self) -> impl Fn(&Doc) -> Self::Ready + Send + 'static {
        decode
    }

    fn process(
        &mut self,
        docs: &[Doc],
        ready: Vec<Self::Ready>,
    ) -> Vec<std::result::Result<Processed, String>> {
        docs.iter()
            .zip(ready)
            .map(|(doc, text)| {
                let flat = text?.split_whitespace().collect::<Vec<_>>().join(" ");
                Ok(Processed {
                    bytes: format!("{}\t{}\t{}\n", doc.seq, doc.id, flat.to_uppercase())
                        .into_bytes(),
                    sentences: 1,
                    pairs: u64::from(doc.html),
                })
            })
            .collect()
    }
}

/// [`Upper`] in one call on one thread, for the workers that wrap it.
fn upper(docs: &[Doc]) -> Vec<std::result::Result<Processed, String>> {
    Upper.process(docs, docs.iter().map(decode).collect())
}

struct Batch {
    inputs: Vec<String>,
    opts: InputOptions,
    chunking: Chunking,
    group: usize,
}

impl Batch {
    fn new(inputs: Vec<String>) -> Self {
        Self {
            inputs,
            opts: InputOptions::default(),
            chunking: Chunking {
                docs: 2,
                bytes: 1 << 20,
            },
            group: 1,
        }
    }

    fn fingerprint(&self) -> Fingerprint {
        let sources = plan(&self.inputs, &self.opts).unwrap();
        Fingerprint::new(&sources, &self.opts, "tsv")
    }

    fn run_with<W: Worker>(&self, out: &Path, resume: bool, worker: W) -> Result<Totals> {
        let sources = plan(&self.inputs, &self.opts)?;
        let fingerprint = Fingerprint::new(&sources, &self.opts, "tsv");
        let (mut output, _) = Output::open(out, resume, Some("seq\tid\ttext"), &fingerprint)?;
        output.set_group(self.group);
        let progress = Progress::new(total_bytes(&sources), ProgressMode::Hidden);
        let reader = Reader::new(sources, &self.opts);
        run(reader, output, progress, self.chunking, worker)
    }

    fn run(&self, out: &Path, resume: bool) -> Result<Totals> {
        self.run_with(out, resume, Upper)
    }
}

fn write(path: &Path, bytes: impl AsRef<[u8]>) {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).unwrap();
    }
    fs::write(path, bytes).unwrap();
}

fn files(out: &Path) -> (Vec<u8>, Vec<u8>) {
    (
        fs::read(out).unwrap(),
        fs::read(errors_path(out)).unwrap_or_default(),
    )
}

/// Ids in OUT (second column) and in the errors file.
fn ids(out: &Path) -> (Vec<String>, Vec<String>) {
    let (results, errors) = files(out);
    let results = String::from_utf8(results).unwrap();
    let done = results
        .lines()
        .skip(1)
        .map(|l| l.split('\t').nth(1).unwrap().to_string())
        .collect();
    let failed = String::from_utf8(errors)
        .unwrap()
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            v["id"].as_str().unwrap().to_string()
        })
        .collect();
    (done, failed)
}

/// A small corpus with something of everything: a directory, JSONL with a blank line and a
/// malformed row, CSV with a short row.
fn small_corpus(dir: &Path) -> Vec<String> {
    let news = dir.join("news");
    write(&news.join("a.txt"), "Talks resumed in Doha.");
    write(&news.join("b/c.html"), "<p>Ministers met.</p>");
    write(&news.join("latin1.txt"), b"Caf\xe9 closed.");
    let jsonl = dir.join("rows.jsonl");
    write(
        &jsonl,
        "{\"id\": 1, \"text\": \"one\"}\n\n{\"id\": 2, \"text\": \"two two\"}\n{broken\n\
         {\"text\": \"no id here\"}\n{\"id\": \"five\", \"text\": \"five\"}\n",
    );
    let csv = dir.join("table.csv");
    write(
        &csv,
        "id,text\nc1,first row\nc2\nc3,\"third\nrow\"\nc4,fourth\n",
    );
    vec![
        news.to_string_lossy().into_owned(),
        jsonl.to_string_lossy().into_owned(),
        csv.to_string_lossy().into_owned(),
    ]
}

#[test]
fn every_input_of_a_mixed_corpus_appears_exactly_once() {
    let dir = tempfile::tempdir().unwrap();
    let news = dir.path().join("news");
    write(&news.join("good.txt"), "The talks collapsed.");
    write(&news.join("page.html"), "<p>Envoys met in Cairo.</p>");
    write(&news.join("latin1.txt"), b"The Caf\xe9 closed.");
    write(&news.join("binary.txt"), b"\x00\x01\x02PK\x03\x04");
    write(&news.join("empty.txt"), "");
    write(&news.join("big.txt"), "x".repeat(300));
    write(&news.join("notes.pdf"), "not read: wrong extension");
    let jsonl = dir.path().join("feed.jsonl");
    write(
        &jsonl,
        "{\"id\": \"j1\", \"text\": \"Kyiv said no.\"}\n{\"id\": \"j2\", \"text\": \n\
         {\"id\": \"j3\", \"text\": \"\"}\n",
    );
    let mut batch = Batch::new(vec![
        news.to_string_lossy().into_owned(),
        jsonl.to_string_lossy().into_owned(),
    ]);
    batch.opts.max_bytes = 200;
    let out = dir.path().join("out.tsv");
    let totals = batch.run(&out, false).unwrap();

    let (done, failed) = ids(&out);
    let all: Vec<&String> = done.iter().chain(&failed).collect();
    let unique: BTreeSet<&String> = all.iter().copied().collect();
    assert_eq!(all.len(), unique.len(), "duplicates: {all:?}");
    let jsonl_name = jsonl.to_string_lossy();
    let expected: BTreeSet<String> = [
        "good.txt",
        "page.html",
        "latin1.txt",
        "binary.txt",
        "empty.txt",
        "big.txt",
        "j1",
        &format!("{jsonl_name}:2"),
        "j3",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    assert_eq!(
        unique.into_iter().cloned().collect::<BTreeSet<_>>(),
        expected
    );
    assert_eq!(done, ["good.txt", "page.html", "j1"]);
    assert_eq!((totals.docs, totals.failures), (3, 6));

    let errors = String::from_utf8(files(&out).1).unwrap();
    let reasons: BTreeMap<String, serde_json::Value> = errors
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            (v["id"].as_str().unwrap().to_string(), v)
        })
        .collect();
    let reason = |id: &str| reasons[id]["reason"].as_str().unwrap().to_string();
    assert!(reason("latin1.txt").contains("not valid UTF-8"));
    assert!(reason("binary.txt").contains("looks binary"));
    assert!(reason("empty.txt").contains("is empty"));
    assert_eq!(reason("big.txt"), "300 bytes, over --max-bytes 200");
    assert!(reason(&format!("{jsonl_name}:2")).starts_with("malformed JSON"));
    assert_eq!(reasons["j3"]["line"], 3);
    assert_eq!(reasons["big.txt"]["line"], serde_json::Value::Null);
    assert_eq!(
        reasons["big.txt"]["file"],
        format!("{}/big.txt", news.to_string_lossy())
    );
    // Error records keep the documented key order.
    assert!(errors.lines().all(|l| l.starts_with("{\"id\":")
        && l.contains(",\"file\":")
        && l.contains(",\"line\":")
        && l.contains(",\"reason\":")));
}

#[test]
fn results_follow_input_order_with_failures_in_their_place() {
    let dir = tempfile::tempdir().unwrap();
    let batch = Batch::new(small_corpus(dir.path()));
    let out = dir.path().join("out.tsv");
    batch.run(&out, false).unwrap();
    let results = String::from_utf8(files(&out).0).unwrap();
    let seqs: Vec<u64> = results
        .lines()
        .skip(1)
        .map(|l| l.split('\t').next().unwrap().parse().unwrap())
        .collect();
    let mut sorted = seqs.clone();
    sorted.sort();
    assert_eq!(seqs, sorted);
    assert!(results.starts_with("seq\tid\ttext\n0\ta.txt\tTALKS RESUMED IN DOHA.\n"));
    assert!(results.contains("\tc3\tTHIRD ROW\n"), "{results}");
}

/// The reference run's files, and its journal's checkpoint lines.
fn reference(batch: &Batch, dir: &Path) -> (Vec<u8>, Vec<u8>, Vec<u8>) {
    let out = dir.join("reference.tsv");
    batch.run(&out, false).unwrap();
    let (results, errors) = files(&out);
    (results, errors, fs::read(journal_path(&out)).unwrap())
}

/// Puts a crash state in place: the files as a crash could leave them.
fn crash_state(out: &Path, results: &[u8], errors: &[u8], journal: &[u8]) {
    fs::write(out, results).unwrap();
    fs::write(errors_path(out), errors).unwrap();
    fs::write(journal_path(out), journal).unwrap();
}

/// A temporary directory on tmpfs where there is one: the crash test resumes hundreds of times,
/// and each finish fsyncs, which on a busy disk costs far more than the test itself.
fn scratch_dir() -> tempfile::TempDir {
    let shm = Path::new("/dev/shm");
    if shm.is_dir() {
        if let Ok(dir) = tempfile::tempdir_in(shm) {
            return dir;
        }
    }
    tempfile::tempdir().unwrap()
}

#[test]
fn resume_after_a_crash_at_any_byte_is_byte_identical() {
    let dir = scratch_dir();
    let batch = Batch::new(small_corpus(dir.path()));
    let (results, errors, journal) = reference(&batch, dir.path());
    let journal_text = String::from_utf8(journal).unwrap();
    let lines: Vec<&str> = journal_text.split_inclusive('\n').collect();
    assert!(lines.last().unwrap().starts_with("done "));
    // The header and the checkpoint lines; the done line is left out: a crash precedes it.
    let checkpoints = &lines[..lines.len() - 1];
    assert!(checkpoints.len() > 8, "{journal_text}");
    // (results length, errors length) recorded by each line; the header records nothing.
    let recorded: Vec<(usize, usize)> = checkpoints
        .iter()
        .map(|line| {
            let numbers: Vec<usize> = line
                .trim_end()
                .split(' ')
                .map(|n| n.parse().unwrap_or(0))
                .collect();
            if numbers.len() == 3 {
                (numbers[1], numbers[2])
            } else {
                (0, 0)
            }
        })
        .collect();
    let out = dir.path().join("out.tsv");
    let fingerprint = batch.fingerprint();
    let mut resumes = 0;
    let mut resume_and_compare = |state: String| {
        batch
            .run(&out, true)
            .unwrap_or_else(|e| panic!("{state}: {e}"));
        let (r, e) = files(&out);
        assert!(r == results, "{state}: results differ");
        assert!(e == errors, "{state}: errors differ");
        // The journal was left whole: another resume finds the output complete.
        let (again, _) = Output::open(&out, true, None, &fingerprint)
            .unwrap_or_else(|e| panic!("{state}: second resume: {e}"));
        assert!(again.is_complete(), "{state}: not complete");
        resumes += 1;
    };
    // A crash after `k` journal lines: results, then errors, then the next line were being
    // written (in that order), each cut at every byte.
    for k in 1..=checkpoints.len() {
        let kept = checkpoints[..k].concat();
        let (out_k, err_k) = recorded[k - 1];
        let (out_next, err_next) = recorded
            .get(k)
            .copied()
            .unwrap_or((results.len(), errors.len()));
        for cut in out_k..=out_next {
            crash_state(&out, &results[..cut], &errors[..err_k], kept.as_bytes());
            resume_and_compare(format!("{k} journal lines, results cut at {cut}"));
        }
        for cut in err_k..=err_next {
            crash_state(&out, &results[..out_next], &errors[..cut], kept.as_bytes());
            resume_and_compare(format!("{k} journal lines, errors cut at {cut}"));
        }
        if let Some(next) = checkpoints.get(k) {
            for cut in 1..next.len() {
                let journal = format!("{kept}{}", &next[..cut]);
                crash_state(
                    &out,
                    &results[..out_next],
                    &errors[..err_next],
                    journal.as_bytes(),
                );
                resume_and_compare(format!("{k} journal lines + {cut} bytes"));
            }
        }
        // Journal lines lost while everything else survived: more data than recorded.
        crash_state(&out, &results, &errors, kept.as_bytes());
        resume_and_compare(format!("{k} journal lines, complete files"));
    }
    // Killed while writing the journal header: nothing of the run is trusted.
    for cut in 0..checkpoints[0].len() {
        crash_state(&out, b"", b"", &checkpoints[0].as_bytes()[..cut]);
        resume_and_compare(format!("journal header cut at {cut}"));
    }
    assert!(resumes > 300, "{resumes}");
}

#[test]
fn resume_after_the_processor_dies_mid_run_is_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    let mut batch = Batch::new(small_corpus(dir.path()));
    batch.group = 3;
    let (results, errors, _) = reference(&batch, dir.path());
    for die_at in 1..6 {
        let out = dir.path().join(format!("out{die_at}.tsv"));
        let mut calls = 0;
        let crashed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            batch.run_with(&out, false, |docs: &[Doc]| {
                calls += 1;
                assert!(calls < die_at, "simulated crash");
                upper(docs)
            })
        }));
        assert!(crashed.is_err());
        batch.run(&out, true).unwrap();
        assert!(files(&out) == (results.clone(), errors.clone()), "{die_at}");
    }
}

#[test]
fn resuming_a_complete_output_is_a_no_op() {
    let dir = tempfile::tempdir().unwrap();
    let batch = Batch::new(small_corpus(dir.path()));
    let out = dir.path().join("out.tsv");
    batch.run(&out, false).unwrap();
    let before = (files(&out), fs::read(journal_path(&out)).unwrap());
    let fingerprint = batch.fingerprint();
    let (output, next) = Output::open(&out, true, None, &fingerprint).unwrap();
    assert!(output.is_complete());
    assert!(next > 0);
    drop(output);
    let totals = batch
        .run_with(&out, true, |_: &[Doc]| {
            panic!("nothing should be processed")
        })
        .unwrap();
    assert_eq!(
        Totals {
            seconds: 0.0,
            ..totals
        },
        Totals::default()
    );
    assert!((files(&out), fs::read(journal_path(&out)).unwrap()) == before);
}

#[test]
fn resume_without_an_output_starts_afresh() {
    let dir = tempfile::tempdir().unwrap();
    let batch = Batch::new(small_corpus(dir.path()));
    let (results, errors, _) = reference(&batch, dir.path());
    let out = dir.path().join("new.tsv");
    batch.run(&out, true).unwrap();
    assert!(files(&out) == (results, errors));
}

#[test]
fn an_existing_output_is_refused_without_resume() {
    let dir = tempfile::tempdir().unwrap();
    let batch = Batch::new(small_corpus(dir.path()));
    let out = dir.path().join("out.tsv");
    fs::write(&out, "precious\n").unwrap();
    let message = batch.run(&out, false).unwrap_err().to_string();
    assert_eq!(
        message,
        format!(
            "{} exists; pass --resume to continue it or delete it",
            out.display()
        )
    );
    assert_eq!(fs::read_to_string(&out).unwrap(), "precious\n");
    // With --resume but no journal, it is not ours to cut: refused too.
    let message = batch.run(&out, true).unwrap_err().to_string();
    assert!(message.contains("journal"), "{message}");
    assert_eq!(fs::read_to_string(&out).unwrap(), "precious\n");
    // An empty file (say from `> out.tsv`) is fine.
    fs::write(&out, "").unwrap();
    batch.run(&out, false).unwrap();
    // A leftover errors file is as precious as the output.
    fs::remove_file(&out).unwrap();
    fs::remove_file(journal_path(&out)).unwrap();
    let message = batch.run(&out, false).unwrap_err().to_string();
    assert!(
        message.starts_with(&errors_path(&out).display().to_string()),
        "{message}"
    );
}

#[test]
fn resume_with_different_settings_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut batch = Batch::new(small_corpus(dir.path()));
    let out = dir.path().join("out.tsv");
    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        batch.run_with(&out, false, |_: &[Doc]| panic!("crash"))
    }));
    let before = files(&out);
    batch.opts.shard = Some(Shard::new(1, 2).unwrap());
    let message = batch.run(&out, true).unwrap_err().to_string();
    assert!(message.contains("different settings"), "{message}");
    assert!(message.contains("shard was null, now \"1/2\""), "{message}");
    batch.opts.shard = None;
    batch.inputs.pop();
    let message = batch.run(&out, true).unwrap_err().to_string();
    assert!(message.contains("inputs was ["), "{message}");
    // The same inputs, but a file added to the directory: the items would shift.
    batch.inputs = small_corpus(dir.path());
    write(&dir.path().join("news/new.txt"), "Added later.");
    let message = batch.run(&out, true).unwrap_err().to_string();
    assert!(message.contains("input_sizes was ["), "{message}");
    assert!(files(&out) == before);
}

#[test]
fn output_shorter_than_its_journal_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let batch = Batch::new(small_corpus(dir.path()));
    let (results, errors, journal) = reference(&batch, dir.path());
    let journal = String::from_utf8(journal).unwrap();
    let without_done: String = journal
        .split_inclusive('\n')
        .filter(|l| !l.starts_with("done"))
        .collect();
    let out = dir.path().join("out.tsv");
    crash_state(
        &out,
        &results[..results.len() - 1],
        &errors,
        without_done.as_bytes(),
    );
    let message = batch.run(&out, true).unwrap_err().to_string();
    assert!(message.contains("shorter than"), "{message}");
}

#[test]
fn two_runs_cannot_write_one_output() {
    let dir = tempfile::tempdir().unwrap();
    let batch = Batch::new(small_corpus(dir.path()));
    let out = dir.path().join("out.tsv");
    let fingerprint = batch.fingerprint();
    let (first, _) = Output::open(&out, false, None, &fingerprint).unwrap();
    let second = Output::open(&out, true, None, &fingerprint);
    assert!(matches!(second, Err(CorpusError::Busy { .. })));
    drop(first);
    assert!(Output::open(&out, true, None, &fingerprint).is_ok());
}

#[test]
fn shards_are_disjoint_and_their_union_is_the_corpus() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = small_corpus(dir.path());
    let mut batch = Batch::new(inputs);
    let full = dir.path().join("full.tsv");
    batch.run(&full, false).unwrap();
    let (done, failed) = ids(&full);
    let everything: BTreeSet<String> = done.into_iter().chain(failed).collect();

    let mut seen = BTreeSet::new();
    let mut merged: Vec<String> = Vec::new();
    for k in 0..3 {
        batch.opts.shard = Some(Shard::new(k, 3).unwrap());
        let out = dir.path().join(format!("shard{k}.tsv"));
        batch.run(&out, false).unwrap();
        let (done, failed) = ids(&out);
        for id in done.into_iter().chain(failed) {
            assert!(seen.insert(id.clone()), "{id} is in two shards");
            assert!(Shard::new(k, 3).unwrap().contains(&id));
        }
        let results = String::from_utf8(files(&out).0).unwrap();
        merged.extend(results.lines().skip(1).map(str::to_string));
    }
    assert_eq!(seen, everything);
    // `seq` is not renumbered per shard, so sorting by it restores the full run's order.
    merged.sort_by_key(|l| l.split('\t').next().unwrap().parse::<u64>().unwrap());
    let full_results = String::from_utf8(files(&full).0).unwrap();
    assert_eq!(
        merged,
        full_results
            .lines()
            .skip(1)
            .map(str::to_string)
            .collect::<Vec<_>>()
    );
}

#[test]
fn a_processor_returning_the_wrong_number_of_results_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let batch = Batch::new(small_corpus(dir.path()));
    let out = dir.path().join("out.tsv");
    let message = batch
        .run_with(&out, false, |_: &[Doc]| Vec::new())
        .unwrap_err()
        .to_string();
    assert!(
        message.contains("returned 0 results for 2 documents"),
        "{message}"
    );
}

#[test]
fn streams_output_writes_results_and_errors_in_order() {
    #[derive(Clone, Default)]
    struct Shared(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);
    impl std::io::Write for Shared {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let batch = Batch::new(small_corpus(dir.path()));
    let (results, errors, _) = reference(&batch, dir.path());
    let (stdout, stderr) = (Shared::default(), Shared::default());
    let output = Output::streams(
        Box::new(stdout.clone()),
        Box::new(stderr.clone()),
        Some("seq\tid\ttext"),
    )
    .unwrap();
    let sources = plan(&batch.inputs, &batch.opts).unwrap();
    let progress = Progress::new(None, ProgressMode::Hidden);
    run(
        Reader::new(sources, &batch.opts),
        output,
        progress,
        batch.chunking,
        Upper,
    )
    .unwrap();
    assert!(*stdout.0.lock().unwrap() == results);
    assert!(*stderr.0.lock().unwrap() == errors);
}

#[test]
fn the_preparer_runs_on_the_reader_thread_ahead_of_process() {
    struct Where;
    impl Worker for Where {
        type Ready = std::thread::ThreadId;
        fn preparer(&self) -> impl Fn(&Doc) -> Self::Ready + Send + 'static {
            |_: &Doc| std::thread::current().id()
        }
        fn process(
            &mut self,
            docs: &[Doc],
            ready: Vec<Self::Ready>,
        ) -> Vec<std::result::Result<Processed, String>> {
            assert_eq!(ready.len(), docs.len());
            assert!(ready.iter().all(|&t| t != std::thread::current().id()));
            upper(docs)
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let batch = Batch::new(small_corpus(dir.path()));
    let (results, errors, _) = reference(&batch, dir.path());
    let out = dir.path().join("out.tsv");
    batch.run_with(&out, false, Where).unwrap();
    assert!(files(&out) == (results, errors));
}

#[test]
fn a_reader_thread_that_panics_stops_the_run_unfinished() {
    struct Panics;
    impl Worker for Panics {
        type Ready = ();
        fn preparer(&self) -> impl Fn(&Doc) + Send + 'static {
            |doc: &Doc| assert!(doc.id != "c1", "simulated reader crash")
        }
        fn process(
            &mut self,
            docs: &[Doc],
            _: Vec<()>,
        ) -> Vec<std::result::Result<Processed, String>> {
            upper(docs)
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let batch = Batch::new(small_corpus(dir.path()));
    let (results, errors, _) = reference(&batch, dir.path());
    let out = dir.path().join("out.tsv");
    let error = batch.run_with(&out, false, Panics).unwrap_err();
    assert!(matches!(error, CorpusError::ReaderPanicked), "{error}");
    let (output, _) = Output::open(&out, true, None, &batch.fingerprint()).unwrap();
    assert!(!output.is_complete());
    drop(output);
    batch.run(&out, true).unwrap();
    assert!(files(&out) == (results, errors));
}

/// Not a timed assertion: prints what journaling costs per item and per group.
#[test]
fn journal_overhead_micro_benchmark() {
    let dir = tempfile::tempdir().unwrap();
    let fingerprint = Fingerprint::new(&[], &InputOptions::default(), "jsonl");
    let failure = Failure {
        seq: 0,
        id: "x".to_string(),
        location: Location {
            file: "f".to_string(),
            line: Some(1),
        },
        reason: "r".to_string(),
    };
    const ITEMS: u64 = 100_000;
    const LINE: &[u8] = b"{\"id\":\"doc\",\"stance\":\"neutral\"}\n";
    let mut report = Vec::new();
    for group in [1, 16, DEFAULT_GROUP] {
        let out: PathBuf = dir.path().join(format!("bench{group}.jsonl"));
        let started = std::time::Instant::now();
        let (mut output, _) = Output::open(&out, false, None, &fingerprint).unwrap();
        output.set_group(group);
        for seq in 0..ITEMS {
            let error = (seq % 100 == 0).then_some(&failure);
            output.write(seq, LINE, error).unwrap();
        }
        output.finish().unwrap();
        let seconds = started.elapsed().as_secs_f64();
        let journal = fs::metadata(journal_path(&out)).unwrap().len();
        report.push(format!(
            "group {group:>3}: {ITEMS} items in {:.1} ms ({:.2} us/item), journal {journal} bytes",
            seconds * 1e3,
            seconds * 1e6 / ITEMS as f64
        ));
        assert_eq!(
            fs::metadata(&out).unwrap().len(),
            ITEMS * LINE.len() as u64,
            "every line written once"
        );
    }
    eprintln!("journal micro-benchmark:\n  {}", report.join("\n  "));
}
