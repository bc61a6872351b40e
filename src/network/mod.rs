//! `standpoint network`: who takes which stance toward whom across a corpus. Reads the JSONL
//! output of `standpoint batch` line by line, aggregates (holder, actor) pairs, and writes
//! `edges.csv`, `nodes.csv`, `network.graphml`, `network.json` and `network.html`.
//!
//! Memory grows with the number of (holder, actor) pairs and time buckets, never with the number
//! of documents: each line is parsed, folded into the pair accumulators and dropped. Every output
//! is independent of the order of the documents (integer counts, a total order on evidence,
//! per-pair seeded bootstraps, sorted maps), so a shuffled corpus gives byte-identical files.
//!
//! ```
//! use standpoint::network::{self, Bucket, Options};
//! let dir = tempfile::tempdir().unwrap();
//! let input = dir.path().join("batch.jsonl");
//! let line = r#"{"id":"d1","date":"2026-03-02","sentences":[{"index":0,"text":"We back Kenya.",
//!   "actors":[{"actor":"Kenya","id":"Q114","type":"state","holder":"Somalia",
//!   "stance":{"label":"favor","scores":{"favor":0.9,"against":0.05,"neutral":0.05}}}]}]}"#;
//! std::fs::write(&input, line.replace('\n', "") + "\n").unwrap();
//! let opts = Options::new(vec![input], dir.path().join("out"));
//! let summary = network::run(&opts).unwrap();
//! assert_eq!((summary.totals.documents, summary.totals.pairs_kept), (1, 1));
//! let edges = std::fs::read_to_string(dir.path().join("out/edges.csv")).unwrap();
//! assert!(edges.lines().nth(1).unwrap().starts_with("Somalia,Kenya,Q114,state,1,1,0,0,1.0000"));
//! ```

mod aggregate;
mod graphml;
mod html;
mod input;
mod layout;
mod write;

pub use aggregate::{
    net_interval, Aggregator, Counts, Edge, Evidence, Network, Node, Totals, BOOTSTRAP_SAMPLES,
};
pub use input::{parse_date, DocDate, DocReader, InputDoc};
pub use layout::{layout, Point};

use serde::Serialize;
use std::path::{Path, PathBuf};

/// The width of a time bucket in each pair's series (`--bucket`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Bucket {
    /// ISO 8601 weeks (`2026-W05`; the ISO year, so 2027-01-01 falls in `2026-W53`).
    Week,
    /// Calendar months (`2026-03`).
    #[default]
    Month,
    /// Calendar years (`2026`).
    Year,
}

impl Bucket {
    pub fn name(self) -> &'static str {
        match self {
            Bucket::Week => "week",
            Bucket::Month => "month",
            Bucket::Year => "year",
        }
    }
}

/// What `standpoint network` does: built once from the command line, passed down whole.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Options {
    /// Batch JSONL outputs; `-` reads standard input. Not echoed into the outputs, so the same
    /// documents under another file name give the same files.
    #[serde(skip)]
    pub inputs: Vec<PathBuf>,
    /// The folder the five files go to.
    #[serde(skip)]
    pub output: PathBuf,
    /// Pairs with fewer rows are left out.
    pub min_count: u64,
    /// Keep only these holders (canonical name or id, compared case-insensitively); empty: all.
    pub holders: Vec<String>,
    /// Keep only these actors (canonical name or id, compared case-insensitively); empty: all.
    pub actors: Vec<String>,
    /// The top-level document field holding the date.
    pub date_field: String,
    pub bucket: Bucket,
    /// Leave out rows whose holder is `author` (the narrator).
    pub exclude_author: bool,
}

impl Options {
    /// The defaults of the command line for these inputs and output folder.
    pub fn new(inputs: Vec<PathBuf>, output: PathBuf) -> Self {
        Options {
            inputs,
            output,
            min_count: 1,
            holders: Vec::new(),
            actors: Vec::new(),
            date_field: "date".into(),
            bucket: Bucket::Month,
            exclude_author: true,
        }
    }
}

/// What a run did, for the summary line.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    pub totals: Totals,
    pub output: PathBuf,
}

impl Summary {
    /// One line for stderr.
    pub fn line(&self) -> String {
        format!(
            "network: {} -> {}",
            self.totals.sentence(),
            self.output.display()
        )
    }
}

#[derive(Debug, thiserror::Error)]
pub enum NetworkError {
    #[error("cannot read {path}: {source}; give the JSONL output of `standpoint batch`")]
    Open {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}:{line}: cannot read the line: {source}")]
    Read {
        path: PathBuf,
        line: u64,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}:{line}: not a document of `standpoint batch --format jsonl`: {reason}")]
    Parse {
        path: PathBuf,
        line: u64,
        reason: String,
    },
    #[error("{path}:{line}: sentence {sentence}: unknown stance label '{label}'; expected favor, against, neutral")]
    Label {
        path: PathBuf,
        line: u64,
        sentence: usize,
        label: String,
    },
    #[error("{path}:{line}: sentence {sentence}: the stance scores have no probability for its label '{label}'")]
    MissingScore {
        path: PathBuf,
        line: u64,
        sentence: usize,
        label: String,
    },
    #[error("--output {path} is a file; give a folder (it is created when missing)")]
    OutputIsFile { path: PathBuf },
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl NetworkError {
    fn write(path: &Path) -> impl FnOnce(std::io::Error) -> NetworkError + '_ {
        move |source| NetworkError::Write {
            path: path.to_path_buf(),
            source,
        }
    }
}

/// Read every input, aggregate, and write the five files into `opts.output`.
pub fn run(opts: &Options) -> Result<Summary, NetworkError> {
    if opts.output.is_file() {
        return Err(NetworkError::OutputIsFile {
            path: opts.output.clone(),
        });
    }
    let mut agg = Aggregator::new(opts.bucket, opts.exclude_author);
    for path in &opts.inputs {
        let mut reader = DocReader::open(path, &opts.date_field)?;
        while let Some(doc) = reader.next_doc()? {
            agg.add(&doc);
        }
    }
    let network = agg.finish(opts);
    std::fs::create_dir_all(&opts.output).map_err(NetworkError::write(&opts.output))?;
    write::all(&network, opts)?;
    Ok(Summary {
        totals: network.totals.clone(),
        output: opts.output.clone(),
    })
}
