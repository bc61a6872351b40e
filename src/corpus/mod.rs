//! The corpus layer of `standpoint batch`: streaming readers over directories, JSONL, CSV and
//! stdin (`input`), sharding by id (`shard`), crash-safe resumable output (`output`), progress
//! on stderr (`progress`), and [`run`], the loop that ties them to a document processor.
//!
//! ```no_run
//! use standpoint::corpus::{self, Chunking, Fingerprint, InputOptions, Output, Processed,
//!                          Progress, ProgressMode, Reader};
//!
//! let inputs = vec!["news/".to_string()];
//! let opts = InputOptions::default();
//! let sources = corpus::plan(&inputs, &opts)?;
//! let fingerprint = Fingerprint::new(&sources, &opts, "jsonl");
//! let (output, _) = Output::open("out.jsonl".as_ref(), true, None, &fingerprint)?;
//! let progress = Progress::new(corpus::total_bytes(&sources), ProgressMode::detect(false));
//! let reader = Reader::new(sources, &opts);
//! let totals = corpus::run(reader, output, progress, Chunking::default(), |docs| {
//!     docs.iter()
//!         .map(|doc| Ok(Processed { bytes: format!("{}\n", doc.id).into_bytes(), sentences: 0, pairs: 0 }))
//!         .collect()
//! })?;
//! eprintln!("{}", totals.summary_line());
//! # Ok::<(), standpoint::corpus::CorpusError>(())
//! ```

mod input;
mod output;
mod progress;
mod shard;

use std::path::PathBuf;

pub use input::{
    plan, total_bytes, Content, DirFile, Doc, Failure, InputOptions, Item, Location, Reader,
    Source, SourceKind, STDIN_NAME,
};
pub use output::{errors_path, journal_path, Fingerprint, Output, DEFAULT_GROUP};
pub use progress::{Progress, ProgressMode, Totals};
pub use shard::{shard_of, Shard};

pub type Result<T, E = CorpusError> = std::result::Result<T, E>;

/// Why a batch run cannot start or go on. Problems with single inputs are not errors: they
/// become [`Failure`] records and the run continues.
#[derive(Debug, thiserror::Error)]
pub enum CorpusError {
    #[error("input {path} does not exist")]
    Missing { path: PathBuf },
    #[error("'-' (standard input) is given more than once; stdin can be read only once")]
    StdinTwice,
    #[error(
        "inputs {first} and {second} are the same {canonical}; give each input once, or its \
         documents are processed twice"
    )]
    SameInput {
        first: String,
        second: String,
        canonical: PathBuf,
    },
    // Without `{source}`: the error chain prints the source after the path.
    #[error("{path}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "{path} has no column '{column}'; its columns are: {available}; choose one with {flag}"
    )]
    MissingColumn {
        path: PathBuf,
        column: String,
        flag: &'static str,
        available: String,
    },
    #[error(
        "{path} holds a JSON array, but batch reads JSON lines (one object per line); convert \
         it with `jq -c '.[]' {path} > {path}l`"
    )]
    JsonArray { path: PathBuf },
    #[error("invalid --shard '{value}': {reason}")]
    Shard { value: String, reason: String },
    #[error("output {path} is a folder; give the name of a file to write, e.g. {}", path.join("scored.jsonl").display())]
    OutputIsDirectory { path: PathBuf },
    #[error("{path} exists; pass --resume to continue it or delete it")]
    Exists { path: PathBuf },
    #[error(
        "{path} exists but has no usable journal {journal}, so --resume cannot tell how much \
         of it is complete; delete {path} to start over"
    )]
    NoJournal { path: PathBuf, journal: PathBuf },
    #[error(
        "{path} was started with different settings ({differences}); resume with the original \
         inputs, shard and format, or delete {path} and its .errors.jsonl and .progress files \
         to start over"
    )]
    Fingerprint { path: PathBuf, differences: String },
    #[error(
        "journal {path} is unusable: {reason}; delete the output with its .errors.jsonl and \
         .progress files to start over"
    )]
    Journal { path: PathBuf, reason: String },
    #[error("another standpoint batch is writing {path}")]
    Busy { path: PathBuf },
    #[error("{0}")]
    Driver(String),
}

/// What the processor made of one document: its output lines and what they count.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Processed {
    /// Zero or more complete lines (each ending in `\n`) for the output file.
    pub bytes: Vec<u8>,
    pub sentences: u64,
    pub pairs: u64,
}

/// How many documents [`run`] hands the processor at once: a chunk closes at `docs` items
/// (documents and failures) or once it holds `bytes` bytes of content, whichever comes first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Chunking {
    pub docs: usize,
    pub bytes: usize,
}

impl Default for Chunking {
    fn default() -> Self {
        Self {
            docs: 64,
            bytes: 4 << 20,
        }
    }
}

impl Chunking {
    /// Reads the next chunk of items from `reader`: up to `docs` items or `bytes` bytes. Failures
    /// count like documents (one item, the bytes they hold): a corpus of nothing but bad lines
    /// would otherwise gather all of them into one chunk, and memory would grow with the corpus
    /// (3 million lines without the text field took 1.17 GB).
    pub fn next_chunk(&self, reader: &mut Reader) -> Vec<Item> {
        let max_items = self.docs.max(1);
        let mut items = Vec::new();
        let mut bytes = 0usize;
        while items.len() < max_items && bytes < self.bytes {
            let Some(item) = reader.next() else { break };
            bytes += match &item {
                Item::Doc(doc) => doc.content.len(),
                Item::Failed(failure) => {
                    failure.id.len() + failure.location.file.len() + failure.reason.len()
                }
            };
            items.push(item);
        }
        items
    }
}

/// The ids seen in a run, to report those seen again: a document given twice is processed
/// twice, and nothing else would say so. Keeps a 64-bit hash per id, not the id.
#[derive(Debug, Default)]
pub struct Duplicates {
    seen: std::collections::HashSet<u64>,
    count: u64,
    examples: Vec<String>,
}

impl Duplicates {
    /// How many ids of the warning are named.
    const EXAMPLES: usize = 3;

    pub fn see(&mut self, id: &str) {
        use std::hash::{Hash, Hasher};
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        id.hash(&mut hasher);
        if !self.seen.insert(hasher.finish()) {
            self.count += 1;
            if self.examples.len() < Self::EXAMPLES && !self.examples.iter().any(|e| e == id) {
                self.examples.push(id.to_string());
            }
        }
    }

    /// How many items had an id seen before them.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// The warning for stderr, when some id came more than once.
    pub fn warning(&self) -> Option<String> {
        (self.count > 0).then(|| {
            let names: Vec<String> = self.examples.iter().map(|e| format!("'{e}'")).collect();
            format!(
                "{} documents had an id already seen in this run (first: {}); each was \
                 processed again and is in the output again; give every document its own id",
                self.count,
                names.join(", ")
            )
        })
    }
}

/// Where an item of a chunk goes: the processor's next result, or a reader failure.
enum Slot {
    Doc,
    Failed(Failure),
}

/// Runs a batch: reads chunks of documents, has `process` analyse each chunk, and writes every
/// item's result or failure in `seq` order, checkpointing the output after each chunk.
///
/// `process` returns one entry per document, in order: the output lines, or why the document
/// failed (which goes to the errors file). Reader failures go to the errors file in their place.
/// A resumed output starts the reader at its first unwritten item; an output that is already
/// complete returns at once with empty totals.
pub fn run<F>(
    mut reader: Reader,
    mut output: Output,
    mut progress: Progress,
    chunking: Chunking,
    mut process: F,
) -> Result<Totals>
where
    F: FnMut(&[Doc]) -> Vec<std::result::Result<Processed, String>>,
{
    if output.is_complete() {
        progress.finish();
        return Ok(Totals::default());
    }
    reader.skip_to(output.next_seq());
    let mut bytes_seen = reader.bytes_read();
    progress.resume_at(bytes_seen);
    loop {
        let mut docs: Vec<Doc> = Vec::new();
        let mut slots: Vec<Slot> = Vec::new();
        for item in chunking.next_chunk(&mut reader) {
            match item {
                Item::Doc(doc) => {
                    docs.push(doc);
                    slots.push(Slot::Doc);
                }
                Item::Failed(failure) => slots.push(Slot::Failed(failure)),
            }
        }
        if slots.is_empty() {
            break;
        }
        let results = if docs.is_empty() {
            Vec::new()
        } else {
            process(&docs)
        };
        if results.len() != docs.len() {
            return Err(CorpusError::Driver(format!(
                "the processor returned {} results for {} documents",
                results.len(),
                docs.len()
            )));
        }
        let (mut ok, mut sentences, mut pairs, mut failed) = (0, 0, 0, 0);
        let mut results = docs.into_iter().zip(results);
        for slot in slots {
            match slot {
                Slot::Failed(failure) => {
                    failed += 1;
                    output.write(failure.seq, &[], Some(&failure))?;
                }
                Slot::Doc => {
                    let Some((doc, result)) = results.next() else {
                        break;
                    };
                    match result {
                        Ok(processed) => {
                            ok += 1;
                            sentences += processed.sentences;
                            pairs += processed.pairs;
                            output.write(doc.seq, &processed.bytes, None)?;
                        }
                        Err(reason) => {
                            failed += 1;
                            let failure = Failure {
                                seq: doc.seq,
                                id: doc.id,
                                location: doc.location,
                                reason,
                            };
                            output.write(failure.seq, &[], Some(&failure))?;
                        }
                    }
                }
            }
        }
        output.checkpoint()?;
        let read = reader.bytes_read();
        progress.add(ok, sentences, pairs, read.saturating_sub(bytes_seen));
        progress.fail(failed);
        bytes_seen = read;
    }
    output.finish()?;
    Ok(progress.finish())
}

#[cfg(test)]
mod tests;
