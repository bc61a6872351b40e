//! The corpus layer of `standpoint batch`: streaming readers over directories, JSONL, CSV and
//! stdin (`input`), sharding by id (`shard`), crash-safe resumable output (`output`), progress
//! on stderr (`progress`), and [`run`], the chunk loop that ties them to a [`Worker`]: the one
//! loop of `standpoint batch`, whose worker runs the models (`crate::batch`). Here the worker is
//! a closure that writes each id:
//!
//! ```no_run
//! use standpoint::corpus::{self, Chunking, Doc, Fingerprint, InputOptions, Output, Processed,
//!                          Progress, ProgressMode, Reader};
//!
//! let inputs = vec!["news/".to_string()];
//! let opts = InputOptions::default();
//! let sources = corpus::plan(&inputs, &opts)?;
//! let fingerprint = Fingerprint::new(&sources, &opts, "jsonl");
//! let (output, _) = Output::open("out.jsonl".as_ref(), true, None, &fingerprint)?;
//! let progress = Progress::new(corpus::total_bytes(&sources), ProgressMode::detect(false));
//! let reader = Reader::new(sources, &opts);
//! let totals = corpus::run(reader, output, progress, Chunking::default(), |docs: &[Doc]| {
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
    #[error("the batch reader thread panicked")]
    ReaderPanicked,
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

/// What a batch run does with each chunk of documents, in two halves so that reading overlaps
/// the work: the half from [`Worker::preparer`] runs on the reader thread (decoding, cleaning,
/// splitting: chunk N+1 while [`Worker::process`] works on chunk N), and `process` runs on the
/// thread that called [`run`].
///
/// A closure over a chunk, `FnMut(&[Doc]) -> Vec<Result<Processed, String>>`, is a worker with
/// nothing to prepare ahead; its argument needs the type written out (`|docs: &[Doc]|`), or
/// Rust infers a closure for one lifetime only.
pub trait Worker {
    /// What the reader thread makes of one document for `process`.
    type Ready: Send + 'static;

    /// The reader thread's half. It is moved onto that thread, so it owns what it needs.
    fn preparer(&self) -> impl Fn(&Doc) -> Self::Ready + Send + 'static;

    /// One result per document of the chunk, in order: its output lines, or why it failed
    /// (which goes to the errors file). `ready` holds the preparer's result for each document.
    /// A chunk of nothing but reader failures comes with no documents.
    fn process(
        &mut self,
        docs: &[Doc],
        ready: Vec<Self::Ready>,
    ) -> Vec<std::result::Result<Processed, String>>;
}

impl<F> Worker for F
where
    F: FnMut(&[Doc]) -> Vec<std::result::Result<Processed, String>>,
{
    type Ready = ();

    fn preparer(&self) -> impl Fn(&Doc) + Send + 'static {
        |_: &Doc| ()
    }

    fn process(&mut self, docs: &[Doc], _: Vec<()>) -> Vec<std::result::Result<Processed, String>> {
        self(docs)
    }
}

/// A chunk handed from the reader thread to [`run`]: its items, the preparer's result for each
/// document among them, and the reader's byte count after it.
struct Chunk<R> {
    items: Vec<Item>,
    ready: Vec<R>,
    bytes_read: u64,
}

/// Where an item of a chunk goes: the worker's next result, or a reader failure.
enum Slot {
    Doc,
    Failed(Failure),
}

/// Runs a batch: a reader thread reads the next chunk of documents and prepares it while
/// `worker` processes the current one; every item's result or failure is written in `seq`
/// order, and the output checkpointed after each chunk.
///
/// Reader failures and documents the worker fails go to the errors file in their place. A
/// resumed output starts the reader at its first unwritten item; an output that is already
/// complete returns at once with nothing counted. Ids seen more than once are reported on
/// stderr at the end.
pub fn run<W: Worker>(
    mut reader: Reader,
    mut output: Output,
    mut progress: Progress,
    chunking: Chunking,
    mut worker: W,
) -> Result<Totals> {
    if output.is_complete() {
        note!("output already complete; nothing to do");
        return Ok(progress.finish());
    }
    reader.skip_to(output.next_seq());
    let mut bytes_seen = reader.bytes_read();
    progress.resume_at(bytes_seen);
    let prepare = worker.preparer();
    // Two chunks in flight at most: memory stays bounded by the chunk size, whatever the corpus.
    // Not a scoped thread: a run that stops on an error must not wait for a reader blocked on
    // a pipe.
    let (tx, rx) = std::sync::mpsc::sync_channel::<Chunk<W::Ready>>(1);
    let producer = std::thread::spawn(move || loop {
        let items = chunking.next_chunk(&mut reader);
        if items.is_empty() {
            break;
        }
        let ready = items
            .iter()
            .filter_map(|item| match item {
                Item::Doc(doc) => Some(prepare(doc)),
                Item::Failed(_) => None,
            })
            .collect();
        let chunk = Chunk {
            items,
            ready,
            bytes_read: reader.bytes_read(),
        };
        if tx.send(chunk).is_err() {
            break;
        }
    });
    let mut duplicates = Duplicates::default();
    for chunk in rx {
        let mut docs: Vec<Doc> = Vec::new();
        let mut slots: Vec<Slot> = Vec::new();
        for item in chunk.items {
            duplicates.see(item.id());
            match item {
                Item::Doc(doc) => {
                    docs.push(doc);
                    slots.push(Slot::Doc);
                }
                Item::Failed(failure) => slots.push(Slot::Failed(failure)),
            }
        }
        let results = worker.process(&docs, chunk.ready);
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
        progress.add(
            ok,
            sentences,
            pairs,
            chunk.bytes_read.saturating_sub(bytes_seen),
        );
        progress.fail(failed);
        bytes_seen = chunk.bytes_read;
    }
    producer.join().map_err(|_| CorpusError::ReaderPanicked)?;
    output.finish()?;
    let totals = progress.finish();
    if let Some(warning) = duplicates.warning() {
        note!("warning: {warning}");
    }
    Ok(totals)
}

#[cfg(test)]
mod tests;
