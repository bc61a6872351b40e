//! `standpoint batch`: a corpus through the pipeline. The corpus layer's loop
//! ([`crate::corpus::run`]) reads, shards, journals and resumes; this module is its worker:
//! decoding, cleaning and splitting each document on the reader thread, the models over each
//! chunk, and each document's output lines (JSONL or CSV, with the kept fields).

use crate::corpus::{self, Chunking, Content, Doc, Output, Processed, Progress, Reader, Totals};
use crate::document::Document;
use crate::error::{Error, Result};
use crate::output::{pair_rows, PairRow};
use crate::pipeline::{Pipeline, Prepared};

/// Output of a batch run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BatchFormat {
    /// One JSON object per document: `{"id", ...classify --format json}`.
    Jsonl,
    /// One row per (sentence, actor), with the document id in `doc`.
    Csv,
}

impl BatchFormat {
    pub fn name(self) -> &'static str {
        match self {
            BatchFormat::Jsonl => "jsonl",
            BatchFormat::Csv => "csv",
        }
    }
}

impl std::str::FromStr for BatchFormat {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "jsonl" => Ok(BatchFormat::Jsonl),
            "csv" => Ok(BatchFormat::Csv),
            other => Err(Error::Invalid(format!(
                "unknown batch format '{other}'; expected jsonl, csv"
            ))),
        }
    }
}

/// One document ready for the models, or the reason it cannot be processed.
type Ready = std::result::Result<Prepared, String>;

/// Decode, reduce HTML to text, reject empty documents, clean and split.
fn prepare(doc: &Doc, lossy: bool) -> Ready {
    let name = match doc.location.line {
        Some(line) => format!("{}:{line}", doc.location.file),
        None => doc.location.file.clone(),
    };
    let mut text = match &doc.content {
        Content::Bytes(b) => crate::text::decode(b, &name, lossy).map_err(|e| e.to_string())?,
        Content::Text(t) => {
            crate::text::check_text(t, &name).map_err(|e| e.to_string())?;
            t.clone()
        }
    };
    if doc.html || crate::text::is_html(&text) {
        text = crate::text::html_to_text(&text);
    }
    if text.trim().is_empty() {
        return Err("empty document: no text to classify".into());
    }
    Ok(Prepared::new(&text))
}

/// The column names of `PairRow`, in order.
fn pair_columns() -> Vec<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    // Serialising one row writes the header first; keep only that line.
    let empty = PairRow::default();
    let _ = w.serialize(empty);
    let bytes = w.into_inner().unwrap_or_default();
    let text = String::from_utf8_lossy(&bytes);
    let header = text.lines().next().unwrap_or_default();
    header.split(',').map(str::to_string).collect()
}

/// The CSV header: the `PairRow` columns, then the `--keep-fields` columns. Written once at the
/// top of a CSV output.
pub fn csv_header(keep_fields: &[String]) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(pair_columns().iter().chain(keep_fields));
    let bytes = w.into_inner().unwrap_or_default();
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Refuses `--keep-fields` that the output could not hold: a name used twice, the id or text
/// field itself, or a name the output already uses (`id`, `sentences`, `summary`, `dropped` in
/// JSONL; the row columns in CSV), which would give a line two keys of one name.
pub fn check_keep_fields(
    keep: &[String],
    format: BatchFormat,
    id_and_text: &[&str],
) -> std::result::Result<(), String> {
    let reserved: Vec<String> = match format {
        BatchFormat::Jsonl => ["id", "sentences", "summary", "dropped"]
            .map(String::from)
            .to_vec(),
        BatchFormat::Csv => pair_columns(),
    };
    for (i, k) in keep.iter().enumerate() {
        if k.is_empty() {
            return Err(
                "--keep-fields has an empty name; give names separated by commas, e.g. \
                 --keep-fields date,source,url"
                    .into(),
            );
        }
        if keep[..i].contains(k) {
            return Err(format!("--keep-fields names '{k}' twice"));
        }
        if id_and_text.contains(&k.as_str()) {
            return Err(format!(
                "--keep-fields '{k}' is the document's id or text field, which the output already \
                 carries; keep other fields"
            ));
        }
        if reserved.contains(k) {
            return Err(format!(
                "--keep-fields '{k}' would clash with the output's own '{k}' ({} output: {}); \
                 rename the field in the input",
                format.name(),
                reserved.join(", ")
            ));
        }
    }
    Ok(())
}

/// The kept metadata, serialised as the map entries of its names in the order asked.
struct Fields<'a>(&'a [(String, serde_json::Value)]);

impl serde::Serialize for Fields<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

/// A kept value in a CSV cell: strings as they are, `null` empty, anything else as JSON.
fn csv_cell(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn serialise(
    doc_in: &Doc,
    doc: &Document,
    format: BatchFormat,
) -> std::result::Result<Vec<u8>, String> {
    let id = doc_in.id.as_str();
    match format {
        BatchFormat::Jsonl => {
            #[derive(serde::Serialize)]
            struct Line<'a> {
                id: &'a str,
                #[serde(flatten)]
                fields: Fields<'a>,
                #[serde(flatten)]
                doc: &'a Document,
            }
            let line = Line {
                id,
                fields: Fields(&doc_in.fields),
                doc,
            };
            let mut v = serde_json::to_vec(&line).map_err(|e| e.to_string())?;
            v.push(b'\n');
            Ok(v)
        }
        BatchFormat::Csv => {
            let mut w = csv::WriterBuilder::new()
                .has_headers(false)
                .from_writer(Vec::new());
            if doc_in.fields.is_empty() {
                for row in pair_rows(id, doc) {
                    w.serialize(row).map_err(|e| e.to_string())?;
                }
            } else {
                // A serialised struct cannot be extended by `serialize`, so each row is written
                // as its cells: the row's own, then the kept fields.
                let kept: Vec<String> = doc_in.fields.iter().map(|(_, v)| csv_cell(v)).collect();
                for row in pair_rows(id, doc) {
                    let mut cells = csv::WriterBuilder::new()
                        .has_headers(false)
                        .from_writer(Vec::new());
                    cells.serialize(row).map_err(|e| e.to_string())?;
                    let line = cells.into_inner().map_err(|e| e.to_string())?;
                    let mut reader = csv::ReaderBuilder::new()
                        .has_headers(false)
                        .from_reader(line.as_slice());
                    let mut record = csv::StringRecord::new();
                    reader.read_record(&mut record).map_err(|e| e.to_string())?;
                    w.write_record(record.iter().chain(kept.iter().map(String::as_str)))
                        .map_err(|e| e.to_string())?;
                }
            }
            w.into_inner().map_err(|e| e.to_string())
        }
    }
}

fn processed(
    doc_in: &Doc,
    doc: &Document,
    format: BatchFormat,
) -> std::result::Result<Processed, String> {
    Ok(Processed {
        bytes: serialise(doc_in, doc, format)?,
        sentences: doc.sentences.len() as u64,
        pairs: doc.sentences.iter().map(|s| s.actors.len() as u64).sum(),
    })
}

/// Run the models over the prepared documents of one chunk. A model error on the whole chunk
/// (which should not happen) is retried document by document, so one bad document fails alone.
fn classify_chunk(
    pipeline: &Pipeline,
    docs: &[Doc],
    ready: Vec<Ready>,
    format: BatchFormat,
) -> Vec<std::result::Result<Processed, String>> {
    let mut out: Vec<Option<std::result::Result<Processed, String>>> = vec![None; docs.len()];
    let mut ok_idx = Vec::new();
    let mut ok_prep = Vec::new();
    for (i, r) in ready.into_iter().enumerate() {
        match r {
            Ok(p) => {
                ok_idx.push(i);
                ok_prep.push(p);
            }
            Err(reason) => out[i] = Some(Err(reason)),
        }
    }
    match pipeline.classify_prepared(ok_prep) {
        Ok(results) => {
            for (&i, doc) in ok_idx.iter().zip(&results) {
                out[i] = Some(processed(&docs[i], doc, format));
            }
        }
        Err(_) => {
            for &i in &ok_idx {
                let r = prepare(&docs[i], true)
                    .and_then(|p| {
                        pipeline
                            .classify_prepared(vec![p])
                            .map_err(|e| crate::error::chain(&e))
                    })
                    .and_then(|mut d| processed(&docs[i], &d.remove(0), format));
                out[i] = Some(r);
            }
        }
    }
    out.into_iter()
        .map(|r| r.unwrap_or_else(|| Err("not processed".into())))
        .collect()
}

/// Settings of one batch run after validation.
pub struct BatchRun {
    pub chunking: Chunking,
    pub format: BatchFormat,
    pub lossy: bool,
}

/// The batch worker: documents prepared on the reader thread, then classified a chunk at a time.
struct Classify<'a> {
    pipeline: &'a Pipeline,
    format: BatchFormat,
    lossy: bool,
}

impl corpus::Worker for Classify<'_> {
    type Ready = Ready;

    fn preparer(&self) -> impl Fn(&Doc) -> Ready + Send + 'static {
        let lossy = self.lossy;
        move |doc: &Doc| prepare(doc, lossy)
    }

    fn process(
        &mut self,
        docs: &[Doc],
        ready: Vec<Ready>,
    ) -> Vec<std::result::Result<Processed, String>> {
        classify_chunk(self.pipeline, docs, ready, self.format)
    }
}

/// Process the corpus of `reader` into `output` with the models of `pipeline`: the corpus loop
/// ([`corpus::run`]) with the batch worker.
pub fn run(
    pipeline: &Pipeline,
    reader: Reader,
    output: Output,
    progress: Progress,
    settings: &BatchRun,
) -> std::result::Result<Totals, corpus::CorpusError> {
    let worker = Classify {
        pipeline,
        format: settings.format,
        lossy: settings.lossy,
    };
    corpus::run(reader, output, progress, settings.chunking, worker)
}
