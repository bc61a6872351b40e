//! The invariants the fuzz targets check, one function per target, each taking the fuzzer's
//! bytes and panicking when an invariant fails. `tests/fuzz_seeds.rs` in the main crate runs
//! the same functions over the seed files in `fuzz/seeds/<target>/`, so the invariants are
//! exercised by `cargo test` without the fuzzer.
//!
//! Errors are fine (a clean `Err` for bad input); panics, invariant failures and hangs are not.

use standpoint::corpus::{
    plan, Content, CorpusError, Fingerprint, InputOptions, Item, Output, Reader,
};
use standpoint::document::{Document, Scored};
use standpoint::labels::{LabelSet, Sentiment, Stance};
use standpoint::model::manifest::Manifest;
use standpoint::pipeline::{Pipeline, Prepared, Profile};
use standpoint::text::{self, Cleaned, Sentence, TextError};
use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The check of one target: panics when an invariant fails.
pub type Check = fn(&[u8]);

/// The fuzz targets, by name, with their check.
pub const TARGETS: [(&str, Check); 7] = [
    ("decode_clean", decode_clean),
    ("split", split),
    ("jsonl_reader", jsonl_reader),
    ("csv_reader", csv_reader),
    ("journal", journal),
    ("manifest", manifest),
    ("pipeline", pipeline),
];

/// A scratch directory for the targets that need files, one per process. It is left behind (a
/// static is never dropped, and libFuzzer ends with `_exit`); it is small: the tiny model and one
/// input at a time.
fn scratch() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        tempfile::Builder::new()
            .prefix("standpoint-fuzz-")
            .tempdir()
            .expect("temp dir")
            .keep()
    })
}

// ---------------------------------------------------------------------------------------------
// Text: decode, HTML, clean, split.

/// Bytes to text both ways (strict and lossy), then HTML reduced, cleaned and split.
pub fn decode_clean(data: &[u8]) {
    let strict = text::decode(data, "fuzz.txt", false);
    let lossy = text::decode(data, "fuzz.txt", true);
    match (&strict, &lossy) {
        (Ok(s), Ok(l)) => assert_eq!(s, l, "lossy decoding changed valid UTF-8"),
        (Ok(_), Err(e)) => panic!("strict decoding succeeded but lossy failed: {e}"),
        _ => {}
    }
    for result in [&strict, &lossy] {
        match result {
            Ok(original) => {
                assert!(!original.trim().is_empty(), "decoded text is blank");
                check_text_stage(original);
            }
            Err(TextError::InvalidUtf8 { offset, byte, .. }) => {
                assert!(
                    *offset < data.len(),
                    "invalid byte offset {offset} past the input"
                );
                assert_eq!(data[*offset], *byte, "reported byte is not at its offset");
            }
            Err(e) => assert!(!e.to_string().is_empty()),
        }
    }
    if let Err(TextError::InvalidUtf8 { .. }) = lossy {
        panic!("lossy decoding reported invalid UTF-8");
    }
}

/// HTML (when it looks like HTML) to text, then clean and split, as the pipeline does.
fn check_text_stage(original: &str) {
    let text = if text::is_html(original) {
        text::html_to_text(original)
    } else {
        original.to_string()
    };
    let cleaned = text::clean(&text);
    check_cleaned(&text, &cleaned);
    let ranges = cleaned.ranges();
    let sentences = text::split(&text, &ranges);
    check_sentences(&text, &ranges, &sentences);
    let prepared = Prepared::new(&text);
    assert_eq!(prepared.sentences(), sentences.len());
}

/// Kept segments in order, disjoint, on character boundaries; dropped lines slice to their text
/// and carry their real line number.
pub fn check_cleaned(text: &str, cleaned: &Cleaned) {
    let mut last = 0;
    for s in &cleaned.segments {
        assert!(
            last <= s.start && s.start < s.end,
            "segment {s:?} after {last}"
        );
        assert!(
            text.get(s.start..s.end).is_some(),
            "segment {s:?} does not slice the text"
        );
        last = s.end;
    }
    let mut last_line = 0;
    for d in &cleaned.dropped {
        assert!(d.line > last_line, "dropped lines out of order: {d:?}");
        last_line = d.line;
        assert_eq!(
            text.get(d.start..d.end),
            Some(d.text.as_str()),
            "dropped line {d:?} does not slice to its text"
        );
        let line = text[..d.start].matches('\n').count() + 1;
        assert_eq!(d.line, line, "dropped line {d:?} is on line {line}");
        assert!(
            cleaned
                .segments
                .iter()
                .all(|s| d.end <= s.start || s.end <= d.start),
            "dropped line {d:?} inside a kept segment"
        );
    }
}

/// Sentences slice to their text, lie in one range each, in order and without overlap.
pub fn check_sentences(text: &str, ranges: &[(usize, usize)], sentences: &[Sentence]) {
    let mut last_end = 0;
    for (i, s) in sentences.iter().enumerate() {
        assert_eq!(s.index, i, "sentence {s:?} has the wrong index");
        assert!(s.start < s.end, "empty sentence {s:?}");
        assert!(
            s.start >= last_end,
            "sentence {s:?} overlaps the one before"
        );
        last_end = s.end;
        assert_eq!(
            text.get(s.start..s.end),
            Some(s.text.as_str()),
            "sentence {s:?} does not slice to its text"
        );
        assert!(
            ranges.iter().any(|&(a, b)| a <= s.start && s.end <= b),
            "sentence {s:?} crosses a range boundary of {ranges:?}"
        );
        assert!(
            s.text.chars().any(char::is_alphanumeric),
            "sentence {s:?} has no letter or digit"
        );
    }
}

/// Arbitrary text with ranges taken from the first bytes: `n` (0..=8) cut points of two bytes
/// each, paired into sorted ranges; the rest is the text (lossy UTF-8). With no cut points the
/// whole text is one range.
pub fn split(data: &[u8]) {
    let n = data.first().map_or(0, |b| usize::from(b % 9));
    let head = (1 + 2 * n).min(data.len());
    let body = String::from_utf8_lossy(&data[head..]).into_owned();
    let mut cuts: Vec<usize> = data[1.min(data.len())..head]
        .chunks_exact(2)
        .map(|c| usize::from(u16::from_le_bytes([c[0], c[1]])) % (body.len() + 2))
        .collect();
    cuts.sort_unstable();
    let ranges: Vec<(usize, usize)> = if cuts.len() < 2 {
        vec![(0, body.len())]
    } else {
        cuts.chunks_exact(2).map(|c| (c[0], c[1])).collect()
    };
    let sentences = text::split(&body, &ranges);
    // The splitter clamps ranges to the text and to character boundaries.
    let clamped: Vec<(usize, usize)> = ranges
        .iter()
        .map(|&(a, b)| (a.min(body.len()), b.min(body.len())))
        .collect();
    check_sentences(&body, &clamped, &sentences);
    let all = text::split_all(&body);
    check_sentences(&body, &[(0, body.len())], &all);
}

// ---------------------------------------------------------------------------------------------
// Corpus readers.

/// Options from the first byte: keep-fields, a small `--max-bytes`, a resume point.
fn reader_options(flags: u8) -> (InputOptions, u64) {
    let mut opts = InputOptions::default();
    if flags & 1 != 0 {
        opts.keep_fields = vec!["source".into(), "id".into()];
    }
    if flags & 2 != 0 {
        opts.max_bytes = 40;
    }
    if flags & 4 != 0 {
        opts.id_column = Some("id".into());
    }
    (opts, u64::from(flags >> 4))
}

/// The items of a reader: `seq` strictly increasing from the resume point, ids non-empty, lines
/// increasing (strictly with `strict_lines`), documents within `--max-bytes` with their
/// `--keep-fields`.
fn check_items(
    reader: Reader,
    opts: &InputOptions,
    start: u64,
    lines: u64,
    file: &str,
    strict_lines: bool,
) {
    let mut last_seq: Option<u64> = None;
    let mut last_line = 0;
    for item in reader {
        let seq = item.seq();
        assert!(seq >= start, "item {seq} before the resume point {start}");
        assert!(
            last_seq.is_none_or(|l| seq > l),
            "seq {seq} after {last_seq:?}"
        );
        last_seq = Some(seq);
        assert!(!item.id().is_empty(), "empty id: {item:?}");
        let location = match &item {
            Item::Doc(doc) => {
                assert!(
                    doc.content.len() as u64 <= opts.max_bytes,
                    "{doc:?} over max"
                );
                assert!(matches!(doc.content, Content::Text(_)));
                assert_eq!(doc.fields.len(), opts.keep_fields.len());
                &doc.location
            }
            Item::Failed(failure) => {
                assert!(!failure.reason.is_empty());
                &failure.location
            }
        };
        assert_eq!(location.file, file);
        let line = location.line.expect("a line number");
        assert!(
            line > last_line || (!strict_lines && line == last_line),
            "line {line} after line {last_line}: {item:?}"
        );
        assert!(line <= lines, "line {line} past the last line {lines}");
        last_line = line;
    }
}

/// Lines as a reader counts them (`\n`-separated, a last line without one included).
fn lines_in(data: &[u8]) -> u64 {
    data.iter().filter(|&&b| b == b'\n').count() as u64 + 1
}

/// The first byte sets the options (see `reader_options`); the rest is JSON lines on standard
/// input.
pub fn jsonl_reader(data: &[u8]) {
    let Some((&flags, body)) = data.split_first() else {
        return;
    };
    let (opts, start) = reader_options(flags);
    let sources = plan(&["-".to_string()], &opts).expect("standard input plans");
    let mut reader = Reader::with_stdin(sources, &opts, Box::new(Cursor::new(body.to_vec())));
    reader.skip_to(start);
    check_items(reader, &opts, start, lines_in(body), "<stdin>", true);
}

/// The first byte sets the options (see `reader_options`); the rest is a CSV file.
pub fn csv_reader(data: &[u8]) {
    let Some((&flags, body)) = data.split_first() else {
        return;
    };
    let (opts, start) = reader_options(flags);
    let path = scratch().join("input.csv");
    std::fs::write(&path, body).expect("write the CSV");
    let name = path.to_string_lossy().into_owned();
    let sources = match plan(std::slice::from_ref(&name), &opts) {
        Ok(sources) => sources,
        Err(e) => {
            assert!(
                matches!(
                    e,
                    CorpusError::MissingColumn { .. } | CorpusError::Io { .. }
                ),
                "unexpected planning error: {e}"
            );
            return;
        }
    };
    let mut reader = Reader::with_stdin(sources, &opts, Box::new(std::io::empty()));
    reader.skip_to(start);
    // A CSV record may end at a lone `\r`, which starts no new line number (the csv crate counts
    // `\n`), so two records can share a line.
    check_items(reader, &opts, start, lines_in(body), &name, false);
}

// ---------------------------------------------------------------------------------------------
// Batch output journal.

const MAGIC: &str = "standpoint-batch-journal 1";

/// An existing `OUT.progress`, `OUT` and `OUT.errors.jsonl`, NUL-separated in that order, opened
/// with `--resume`. Flag bit 0 of the first byte prefixes the journal with a header matching
/// the run's settings (so the checkpoints are read), bit 1 writes one item and finishes after a
/// successful open, then reopens: the finished output must be complete at the next `seq`.
pub fn journal(data: &[u8]) {
    let Some((&flags, body)) = data.split_first() else {
        return;
    };
    let mut parts = body.splitn(3, |&b| b == 0);
    let journal = parts.next().unwrap_or_default();
    let out_bytes = parts.next().unwrap_or_default();
    let err_bytes = parts.next().unwrap_or_default();
    let dir = scratch();
    let out = dir.join("out.jsonl");
    let journal_path = standpoint::corpus::journal_path(&out);
    let err_path = standpoint::corpus::errors_path(&out);
    let opts = InputOptions::default();
    let fingerprint = Fingerprint::new(&[], &opts, "jsonl");
    let mut journal_bytes = Vec::new();
    if flags & 1 != 0 {
        journal_bytes.extend_from_slice(format!("{MAGIC} {} {{}}\n", fingerprint.hex()).as_bytes());
    }
    journal_bytes.extend_from_slice(journal);
    std::fs::write(&journal_path, &journal_bytes).expect("write the journal");
    std::fs::write(&out, out_bytes).expect("write the output");
    std::fs::write(&err_path, err_bytes).expect("write the errors");
    let size = |p: &Path| std::fs::metadata(p).map_or(0, |m| m.len());

    let (mut output, seq) = match Output::open(&out, true, None, &fingerprint) {
        Ok(opened) => opened,
        Err(e) => {
            assert!(!e.to_string().is_empty());
            return;
        }
    };
    assert_eq!(seq, output.next_seq());
    // Resuming only ever cuts the files back (or starts them afresh, empty).
    assert!(
        size(&out) <= out_bytes.len() as u64,
        "the output grew on open"
    );
    assert!(
        size(&err_path) <= err_bytes.len() as u64,
        "the errors grew on open"
    );
    if output.is_complete() {
        assert!(
            output.write(seq, b"{}\n", None).is_err(),
            "wrote to a complete output"
        );
        return;
    }
    if flags & 2 == 0 {
        return;
    }
    let Some(next) = seq.checked_add(1) else {
        return;
    };
    if output.write(seq, b"{}\n", None).is_err() || output.finish().is_err() {
        return;
    }
    let (reopened, at) = Output::open(&out, true, None, &fingerprint).expect("reopen");
    assert!(
        reopened.is_complete(),
        "a finished output reopens incomplete"
    );
    assert_eq!(at, next, "a finished output reopens at the wrong seq");
}

// ---------------------------------------------------------------------------------------------
// Model manifest.

/// Arbitrary JSON as a manifest: a clean error, or a value whose labels parse or fail cleanly
/// and which survives a write and read unchanged.
pub fn manifest(data: &[u8]) {
    let Ok(m) = serde_json::from_slice::<Manifest>(data) else {
        return;
    };
    if let Ok(labels) = m.labels() {
        assert_eq!(labels.len(), m.id2label.len());
        for l in &labels {
            let _ = Stance::parse(l);
            let _ = Sentiment::parse(l);
        }
    }
    let path = scratch().join("manifest.json");
    m.write(&path).expect("write the manifest");
    let back = Manifest::read(&path).expect("a written manifest reads back");
    assert_eq!(back, m, "the manifest changed on a write and read");
}

// ---------------------------------------------------------------------------------------------
// End to end with a tiny model.

/// The tiny random-weight joint pipeline, built once per process.
fn tiny_pipeline() -> &'static Pipeline {
    static PIPELINE: OnceLock<Pipeline> = OnceLock::new();
    PIPELINE.get_or_init(|| {
        let dir = scratch().join("tiny");
        let (models, base) = standpoint::model::tiny::write_joint(&dir).expect("tiny model");
        Pipeline::load_profile(&models, Some(&base), Profile::Fast).expect("tiny pipeline")
    })
}

fn schema() -> &'static jsonschema::Validator {
    static SCHEMA: OnceLock<jsonschema::Validator> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        let text = include_str!("../../schema/document.schema.json");
        let schema: serde_json::Value = serde_json::from_str(text).expect("schema JSON");
        jsonschema::validator_for(&schema).expect("valid schema")
    })
}

/// Longest input the pipeline target classifies: longer inputs only cost time.
const PIPELINE_MAX_BYTES: usize = 4096;

/// Bytes (lossy UTF-8, HTML reduced) through the whole pipeline with the tiny model: the
/// document matches the schema, every offset slices to its text, mentions, speaker spans and
/// quotes lie inside their sentence, and each probability distribution sums to 1.
pub fn pipeline(data: &[u8]) {
    if data.len() > PIPELINE_MAX_BYTES {
        return;
    }
    let Ok(original) = text::decode(data, "fuzz.txt", true) else {
        return;
    };
    let text = if text::is_html(&original) {
        text::html_to_text(&original)
    } else {
        original
    };
    let doc = tiny_pipeline()
        .classify(&text)
        .unwrap_or_else(|e| panic!("classify failed: {e:#}"));
    check_document(&text, &doc);
}

/// The invariants of a classified document over its input `text`.
pub fn check_document(text: &str, doc: &Document) {
    let value = serde_json::to_value(doc).expect("a document serializes");
    let errors: Vec<String> = schema()
        .iter_errors(&value)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "schema: {errors:#?}");
    let mut last_end = 0;
    for (i, s) in doc.sentences.iter().enumerate() {
        assert_eq!(s.index, i);
        assert!(
            s.start >= last_end && s.start < s.end,
            "sentence {i} at {}..{}",
            s.start,
            s.end
        );
        last_end = s.end;
        assert_eq!(
            text.get(s.start..s.end),
            Some(s.text.as_str()),
            "sentence {i}"
        );
        check_scores::<Sentiment>(&s.sentiment);
        let inside = |start: usize, end: usize, what: &str| {
            assert!(
                s.start <= start && start < end && end <= s.end,
                "{what} {start}..{end} outside sentence {i} at {}..{}",
                s.start,
                s.end
            );
            assert!(
                text.get(start..end).is_some(),
                "{what} {start}..{end} off a boundary"
            );
        };
        if let Some(span) = &s.speaker_span {
            inside(span.start, span.end, "speaker span");
        }
        for q in &s.quotes {
            inside(q.start, q.end, "quote");
        }
        for a in &s.actors {
            inside(a.start, a.end, "mention");
            assert_eq!(&text[a.start..a.end], a.mention, "mention of {}", a.actor);
            assert!(!a.actor.is_empty() && !a.id.is_empty() && !a.holder.is_empty());
            check_scores::<Stance>(&a.stance);
        }
    }
    for row in &doc.summary {
        assert!(row.confidence.is_finite() && (0.0..=1.0 + 1e-4).contains(&row.confidence));
        assert!(!row.evidence.is_empty());
        for &e in &row.evidence {
            assert!(e < doc.sentences.len(), "evidence {e} past the sentences");
        }
    }
    let lines = text.matches('\n').count() + 1;
    for d in &doc.dropped {
        assert!(
            d.line >= 1 && d.line <= lines,
            "dropped line {} of {lines}",
            d.line
        );
    }
}

/// One probability per label of `L`, each finite in [0, 1], summing to 1 within 1e-4; the
/// label is one of them.
fn check_scores<L: LabelSet>(scored: &Scored) {
    assert_eq!(scored.scores.len(), L::ALL.len(), "{scored:?}");
    for l in L::ALL {
        let p = scored.scores.get(l.name()).copied();
        let p = p.unwrap_or_else(|| panic!("no {} score in {scored:?}", l.name()));
        assert!(p.is_finite() && (0.0..=1.0).contains(&p), "{scored:?}");
    }
    let sum: f32 = scored.scores.values().sum();
    assert!((sum - 1.0).abs() <= 1e-4, "scores sum to {sum}: {scored:?}");
    assert!(L::parse(&scored.label).is_some(), "{scored:?}");
}
