//! Crash-safe, resumable batch output: results in `OUT`, failures in `OUT.errors.jsonl`, and an
//! append-only journal `OUT.progress` recording how much of both is complete.
//!
//! Journal format (text, one record a line):
//!
//! ```text
//! standpoint-batch-journal 1 <sha256 of the settings> <settings as one-line JSON>
//! <next_seq> <out_len> <err_len>        one per checkpoint
//! done <next_seq> <out_len> <err_len>   after finish
//! ```
//!
//! A checkpoint line is appended only after the bytes it counts have been written to both files,
//! so the last complete line always describes a state that is fully on disk (the page cache
//! survives `kill -9`; `finish` fsyncs). Resuming truncates both files to the recorded lengths,
//! dropping a half-written tail and anything written after the checkpoint, and the reader starts
//! at `next_seq`: the result is byte-identical to an uninterrupted run.

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::{self, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::{CorpusError, Failure, InputOptions, Result, Source, SourceKind};

const MAGIC: &str = "standpoint-batch-journal 1";
/// Checkpoint when this many result and error bytes are waiting.
const CHECKPOINT_BYTES: usize = 1 << 20;
/// Checkpoint at least this often while items arrive.
const CHECKPOINT_INTERVAL: Duration = Duration::from_secs(1);
/// Checkpoint after this many items by default.
pub const DEFAULT_GROUP: usize = 256;

/// The settings that decide a batch run's output; a resume must match them exactly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fingerprint {
    settings: BTreeMap<String, Value>,
}

impl Fingerprint {
    /// The inputs (canonical paths, in order, with their sizes and, for directories, a digest
    /// of the file list, so files added, removed or changed in size since the run began are
    /// caught), the shard, the output `format`, the id and text fields and columns, and
    /// `--max-bytes`. Add anything else that changes the output (the model, its revision) with
    /// [`Fingerprint::with`].
    pub fn new(sources: &[Source], opts: &InputOptions, format: &str) -> Self {
        let inputs: Vec<Value> = sources
            .iter()
            .map(|s| Value::String(s.canonical.clone()))
            .collect();
        let contents: Vec<Value> = sources.iter().map(contents).collect();
        Self {
            settings: BTreeMap::new(),
        }
        .with("inputs", inputs)
        .with("input_sizes", contents)
        .with("shard", opts.shard.map(|s| s.to_string()))
        .with("format", format)
        .with("id_field", opts.id_field.as_str())
        .with("text_field", opts.text_field.as_str())
        .with("id_column", opts.id_column.clone())
        .with("text_column", opts.text_column.as_str())
        .with("max_bytes", opts.max_bytes)
    }

    /// Adds (or replaces) a setting.
    pub fn with(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.settings.insert(key.to_string(), value.into());
        self
    }

    fn json(&self) -> String {
        serde_json::to_string(&self.settings).unwrap_or_default()
    }

    /// Hex sha256 of the settings as canonical JSON (keys sorted).
    pub fn hex(&self) -> String {
        hex::encode(Sha256::digest(self.json().as_bytes()))
    }

    fn header_line(&self) -> String {
        format!("{MAGIC} {} {}\n", self.hex(), self.json())
    }

    /// What differs from the settings recorded in a journal header, for the refusal message.
    fn differences(&self, recorded: &str) -> String {
        let Ok(old) = serde_json::from_str::<BTreeMap<String, Value>>(recorded) else {
            return "the journal's settings are unreadable".to_string();
        };
        let mut keys: Vec<&String> = old.keys().chain(self.settings.keys()).collect();
        keys.sort();
        keys.dedup();
        let missing = Value::Null;
        keys.into_iter()
            .filter(|k| old.get(*k) != self.settings.get(*k))
            .map(|k| {
                format!(
                    "{k} was {}, now {}",
                    old.get(k).unwrap_or(&missing),
                    self.settings.get(k).unwrap_or(&missing)
                )
            })
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// What a source held when planned: its size in bytes, and for a directory the number of files
/// and a digest of their ids; `null` for standard input.
fn contents(source: &Source) -> Value {
    match &source.kind {
        SourceKind::Directory { files } => {
            let mut digest = Sha256::new();
            for file in files {
                digest.update(file.id.as_bytes());
                digest.update(b"\n");
            }
            serde_json::json!({
                "bytes": source.bytes,
                "files": files.len(),
                "listing": hex::encode(&digest.finalize()[..8]),
            })
        }
        _ => source.bytes.map_or(Value::Null, Value::from),
    }
}

/// One line of `OUT.errors.jsonl`.
#[derive(Serialize)]
struct ErrorRecord<'a> {
    id: &'a str,
    file: &'a str,
    line: Option<u64>,
    reason: &'a str,
}

/// A checkpoint read back from the journal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Checkpoint {
    next_seq: u64,
    out_len: u64,
    err_len: u64,
    done: bool,
}

impl Checkpoint {
    fn parse(line: &str) -> Option<Self> {
        let (done, rest) = match line.strip_prefix("done ") {
            Some(rest) => (true, rest),
            None => (false, line),
        };
        let mut numbers = rest.split(' ').map(|n| n.parse::<u64>().ok());
        let checkpoint = Self {
            next_seq: numbers.next()??,
            out_len: numbers.next()??,
            err_len: numbers.next()??,
            done,
        };
        numbers.next().is_none().then_some(checkpoint)
    }

    fn line(&self) -> String {
        format!(
            "{}{} {} {}\n",
            if self.done { "done " } else { "" },
            self.next_seq,
            self.out_len,
            self.err_len
        )
    }
}

/// Where results and failures go, in `seq` order.
pub struct Output {
    sink: Sink,
    next_seq: u64,
    complete: bool,
}

enum Sink {
    Journaled(Box<Journaled>),
    /// Plain streams (standard output): no journal, no resume.
    Streams {
        results: BufWriter<Box<dyn Write + Send>>,
        errors: BufWriter<Box<dyn Write + Send>>,
    },
}

struct Journaled {
    out_path: PathBuf,
    err_path: PathBuf,
    journal_path: PathBuf,
    out: File,
    err: File,
    journal: File,
    /// Bytes already written to `out` and `err` (pending ones not included).
    out_len: u64,
    err_len: u64,
    pending_out: Vec<u8>,
    pending_err: Vec<u8>,
    pending_items: usize,
    /// `next_seq` of the last journal line.
    journaled_seq: u64,
    group: usize,
    last_checkpoint: Instant,
    /// Set when a write failed half-way: the files' tails are unknown until a resume truncates.
    poisoned: bool,
}

/// `OUT` with `suffix` appended to its file name (`out.jsonl` -> `out.jsonl.errors.jsonl`).
fn sibling(out: &Path, suffix: &str) -> PathBuf {
    let mut name = out.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// The failures file that goes with `out`.
pub fn errors_path(out: &Path) -> PathBuf {
    sibling(out, ".errors.jsonl")
}

/// The journal that goes with `out`.
pub fn journal_path(out: &Path) -> PathBuf {
    sibling(out, ".progress")
}

fn io_error(path: &Path) -> impl FnOnce(io::Error) -> CorpusError + '_ {
    move |source| CorpusError::Io {
        path: path.into(),
        source,
    }
}

/// Size of `path`, 0 when it does not exist.
fn size(path: &Path) -> Result<u64> {
    match std::fs::metadata(path) {
        Ok(meta) => Ok(meta.len()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(0),
        Err(e) => Err(io_error(path)(e)),
    }
}

/// Truncates `file` to `len` and puts the write position there (reading the journal moved it).
fn cut(file: &mut File, len: u64, path: &Path) -> Result<()> {
    file.set_len(len)
        .and_then(|_| file.seek(SeekFrom::Start(len)))
        .map(|_| ())
        .map_err(io_error(path))
}

/// Takes an exclusive advisory lock on the journal for as long as `file` is open, so two runs
/// cannot write the same output.
fn lock(file: &File, out: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::io::AsRawFd;
        // SAFETY: flock on a descriptor this function borrows; no memory is passed.
        let rc = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
        if rc != 0 {
            let error = io::Error::last_os_error();
            if error.kind() == io::ErrorKind::WouldBlock {
                return Err(CorpusError::Busy { path: out.into() });
            }
            return Err(io_error(&journal_path(out))(error));
        }
    }
    #[cfg(not(unix))]
    let _ = (file, out);
    Ok(())
}

/// The journal as read back: its header, and the last complete checkpoint line with the byte
/// offset where that line ends.
struct Recorded {
    hex: String,
    settings: String,
    last: Option<(Checkpoint, u64)>,
    header_end: u64,
}

fn read_journal(journal: &mut File, path: &Path) -> Result<Option<Recorded>> {
    let mut bytes = Vec::new();
    journal
        .seek(SeekFrom::Start(0))
        .and_then(|_| journal.read_to_end(&mut bytes))
        .map_err(io_error(path))?;
    let corrupt = |reason: String| CorpusError::Journal {
        path: path.into(),
        reason,
    };
    // Without a complete header line the run never got past creating the journal.
    let Some(header_end) = memchr::memchr(b'\n', &bytes) else {
        return Ok(None);
    };
    let header = std::str::from_utf8(&bytes[..header_end])
        .map_err(|_| corrupt("its first line is not text".to_string()))?;
    let rest = header
        .strip_prefix(MAGIC)
        .and_then(|r| r.strip_prefix(' '))
        .ok_or_else(|| corrupt(format!("its first line does not start with '{MAGIC}'")))?;
    let (hex, settings) = rest.split_once(' ').unwrap_or((rest, "{}"));
    // Only complete lines count; a partial last line is a checkpoint cut off by the crash.
    let body_end = memchr::memrchr(b'\n', &bytes).unwrap_or(header_end);
    let last = if body_end > header_end {
        let start = memchr::memrchr(b'\n', &bytes[..body_end]).map_or(0, |i| i + 1);
        let line = std::str::from_utf8(&bytes[start..body_end]).unwrap_or("");
        let checkpoint = Checkpoint::parse(line).ok_or_else(|| {
            corrupt(format!(
                "its last complete line '{line}' is not a checkpoint"
            ))
        })?;
        Some((checkpoint, body_end as u64 + 1))
    } else {
        None
    };
    Ok(Some(Recorded {
        hex: hex.to_string(),
        settings: settings.to_string(),
        last,
        header_end: header_end as u64 + 1,
    }))
}

impl Output {
    /// Opens `out` for a batch run and returns it with the `seq` to start reading at.
    ///
    /// Without `resume`, an existing non-empty `out` (or its errors file or journal) is refused.
    /// With `resume`, a journal from a run with the same `fingerprint` is continued: both files
    /// are cut back to its last checkpoint and the returned `seq` is the first item not yet
    /// written (items of other shards before it included); a journal from different settings is
    /// refused; no journal and no output yet starts afresh. A finished output is opened as
    /// complete ([`Output::is_complete`]), writes nothing, and returns its final `seq`.
    ///
    /// `header` (a CSV header line) is written at the start of a new output.
    pub fn open(
        out: &Path,
        resume: bool,
        header: Option<&str>,
        fingerprint: &Fingerprint,
    ) -> Result<(Output, u64)> {
        let err_path = errors_path(out);
        let journal_path = journal_path(out);
        // Refusals that need no journal come before it is created, so a refused run leaves no
        // empty `.progress` file behind.
        if out.is_dir() {
            return Err(CorpusError::OutputIsDirectory { path: out.into() });
        }
        if resume && size(&journal_path)? == 0 {
            for path in [out, &err_path] {
                if size(path)? > 0 {
                    return Err(CorpusError::NoJournal {
                        path: path.into(),
                        journal: journal_path,
                    });
                }
            }
        }
        if !resume {
            for path in [out, &err_path, &journal_path] {
                if size(path)? > 0 {
                    return Err(CorpusError::Exists { path: path.into() });
                }
            }
        }
        let mut journal = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&journal_path)
            .map_err(io_error(&journal_path))?;
        lock(&journal, out)?;
        let recorded = if resume {
            read_journal(&mut journal, &journal_path)?
        } else {
            None
        };
        let Some(recorded) = recorded else {
            for path in [out, &err_path] {
                if size(path)? > 0 {
                    return Err(CorpusError::NoJournal {
                        path: path.into(),
                        journal: journal_path,
                    });
                }
            }
            cut(&mut journal, 0, &journal_path)?;
            journal
                .write_all(fingerprint.header_line().as_bytes())
                .map_err(io_error(&journal_path))?;
            return Self::start(out, err_path, journal_path, journal, header);
        };
        if recorded.hex != fingerprint.hex() {
            return Err(CorpusError::Fingerprint {
                path: out.into(),
                differences: fingerprint.differences(&recorded.settings),
            });
        }
        let Some((checkpoint, end)) = recorded.last else {
            // The run stopped before its first checkpoint: start over under the same header.
            cut(&mut journal, recorded.header_end, &journal_path)?;
            return Self::start(out, err_path, journal_path, journal, header);
        };
        for (path, recorded_len) in [(out, checkpoint.out_len), (&err_path, checkpoint.err_len)] {
            let actual = size(path)?;
            if actual < recorded_len {
                return Err(CorpusError::Journal {
                    path: journal_path.clone(),
                    reason: format!(
                        "{} is {actual} bytes, shorter than the {recorded_len} it records; \
                         the output was changed outside standpoint",
                        path.display()
                    ),
                });
            }
        }
        let open = |path: &Path, len: u64| -> Result<File> {
            let mut file = OpenOptions::new()
                .write(true)
                .create(true)
                .truncate(false)
                .open(path)
                .map_err(io_error(path))?;
            let len = if checkpoint.done { size(path)? } else { len };
            cut(&mut file, len, path)?;
            Ok(file)
        };
        let out_file = open(out, checkpoint.out_len)?;
        let err_file = open(&err_path, checkpoint.err_len)?;
        if !checkpoint.done {
            cut(&mut journal, end, &journal_path)?;
        }
        if checkpoint.done {
            tracing::info!("{} is already complete", out.display());
        } else {
            tracing::info!("resuming {} at item {}", out.display(), checkpoint.next_seq);
        }
        let output = Output {
            sink: Sink::Journaled(Box::new(Journaled {
                out_path: out.into(),
                err_path,
                journal_path,
                out: out_file,
                err: err_file,
                journal,
                out_len: checkpoint.out_len,
                err_len: checkpoint.err_len,
                pending_out: Vec::new(),
                pending_err: Vec::new(),
                pending_items: 0,
                journaled_seq: checkpoint.next_seq,
                group: DEFAULT_GROUP,
                last_checkpoint: Instant::now(),
                poisoned: false,
            })),
            next_seq: checkpoint.next_seq,
            complete: checkpoint.done,
        };
        Ok((output, checkpoint.next_seq))
    }

    /// A new output: both files emptied, the header written, and the first checkpoint.
    fn start(
        out: &Path,
        err_path: PathBuf,
        journal_path: PathBuf,
        journal: File,
        header: Option<&str>,
    ) -> Result<(Output, u64)> {
        let mut out_file = File::create(out).map_err(io_error(out))?;
        let err_file = File::create(&err_path).map_err(io_error(&err_path))?;
        let mut header = header.unwrap_or_default().to_string();
        if !header.is_empty() && !header.ends_with('\n') {
            header.push('\n');
        }
        out_file
            .write_all(header.as_bytes())
            .map_err(io_error(out))?;
        let mut journaled = Journaled {
            out_path: out.into(),
            err_path,
            journal_path,
            out: out_file,
            err: err_file,
            journal,
            out_len: header.len() as u64,
            err_len: 0,
            pending_out: Vec::new(),
            pending_err: Vec::new(),
            pending_items: 0,
            journaled_seq: 0,
            group: DEFAULT_GROUP,
            last_checkpoint: Instant::now(),
            poisoned: false,
        };
        journaled.append_journal(Checkpoint {
            next_seq: 0,
            out_len: journaled.out_len,
            err_len: 0,
            done: false,
        })?;
        let output = Output {
            sink: Sink::Journaled(Box::new(journaled)),
            next_seq: 0,
            complete: false,
        };
        Ok((output, 0))
    }

    /// An output to plain streams, such as standard output and standard error: written as it
    /// comes, flushed at each checkpoint, not resumable.
    pub fn streams(
        results: Box<dyn Write + Send>,
        errors: Box<dyn Write + Send>,
        header: Option<&str>,
    ) -> Result<Output> {
        let mut results = BufWriter::new(results);
        if let Some(header) = header.filter(|h| !h.is_empty()) {
            results
                .write_all(header.as_bytes())
                .and_then(|_| {
                    if header.ends_with('\n') {
                        Ok(())
                    } else {
                        results.write_all(b"\n")
                    }
                })
                .map_err(io_error(Path::new("<stdout>")))?;
        }
        Ok(Output {
            sink: Sink::Streams {
                results,
                errors: BufWriter::new(errors),
            },
            next_seq: 0,
            complete: false,
        })
    }

    /// Whether a resumed output had already been finished: there is nothing left to do.
    pub fn is_complete(&self) -> bool {
        self.complete
    }

    /// The `seq` the next write must be at or after.
    pub fn next_seq(&self) -> u64 {
        self.next_seq
    }

    /// Checkpoint after at most `items` items (1 journals every item). Larger groups mean fewer
    /// journal writes and more work redone after a crash; a checkpoint also happens when 1 MiB
    /// is waiting, a second has passed, or the driver calls [`Output::checkpoint`].
    pub fn set_group(&mut self, items: usize) {
        if let Sink::Journaled(j) = &mut self.sink {
            j.group = items.max(1);
        }
    }

    /// Records item `seq`: its result lines (zero or more, each ending in `\n`) and, for a
    /// failure, its error record. Items must come in increasing `seq` order; gaps (items of
    /// other shards) are fine.
    pub fn write(&mut self, seq: u64, result_bytes: &[u8], error: Option<&Failure>) -> Result<()> {
        if self.complete {
            return Err(CorpusError::Driver(
                "write to an output that is already complete".to_string(),
            ));
        }
        if seq < self.next_seq {
            return Err(CorpusError::Driver(format!(
                "item {seq} written out of order: the output is at item {}",
                self.next_seq
            )));
        }
        if !result_bytes.is_empty() && !result_bytes.ends_with(b"\n") {
            return Err(CorpusError::Driver(format!(
                "the result of item {seq} does not end with a newline"
            )));
        }
        let record = error.map(|f| {
            let mut line = serde_json::to_vec(&ErrorRecord {
                id: &f.id,
                file: &f.location.file,
                line: f.location.line,
                reason: &f.reason,
            })
            .unwrap_or_default();
            line.push(b'\n');
            line
        });
        self.next_seq = seq + 1;
        match &mut self.sink {
            Sink::Journaled(j) => {
                if j.poisoned {
                    return Err(CorpusError::Driver(
                        "an earlier write to the output failed; rerun with --resume".to_string(),
                    ));
                }
                j.pending_out.extend_from_slice(result_bytes);
                if let Some(record) = record {
                    j.pending_err.extend_from_slice(&record);
                }
                j.pending_items += 1;
                if j.pending_items >= j.group
                    || j.pending_out.len() + j.pending_err.len() >= CHECKPOINT_BYTES
                    || j.last_checkpoint.elapsed() >= CHECKPOINT_INTERVAL
                {
                    j.checkpoint(self.next_seq)?;
                }
            }
            Sink::Streams { results, errors } => {
                results
                    .write_all(result_bytes)
                    .map_err(io_error(Path::new("<stdout>")))?;
                if let Some(record) = record {
                    errors
                        .write_all(&record)
                        .map_err(io_error(Path::new("<errors>")))?;
                }
            }
        }
        Ok(())
    }

    /// Writes what is waiting and journals it (flushes, for streams). No fsync.
    pub fn checkpoint(&mut self) -> Result<()> {
        match &mut self.sink {
            Sink::Journaled(j) if !self.complete => j.checkpoint(self.next_seq),
            Sink::Journaled(_) => Ok(()),
            Sink::Streams { results, errors } => {
                results.flush().map_err(io_error(Path::new("<stdout>")))?;
                errors.flush().map_err(io_error(Path::new("<errors>")))
            }
        }
    }

    /// Writes what is waiting, fsyncs both files, and marks the journal done. Finishing a
    /// complete output does nothing.
    pub fn finish(mut self) -> Result<()> {
        if self.complete {
            return Ok(());
        }
        self.checkpoint()?;
        let Sink::Journaled(j) = &mut self.sink else {
            return Ok(());
        };
        j.out.sync_all().map_err(io_error(&j.out_path))?;
        j.err.sync_all().map_err(io_error(&j.err_path))?;
        j.append_journal(Checkpoint {
            next_seq: self.next_seq,
            out_len: j.out_len,
            err_len: j.err_len,
            done: true,
        })?;
        j.journal.sync_all().map_err(io_error(&j.journal_path))?;
        #[cfg(unix)]
        if let Some(dir) = j.out_path.parent() {
            // Best effort: makes the new files' directory entries durable too.
            let dir = if dir.as_os_str().is_empty() {
                Path::new(".")
            } else {
                dir
            };
            let _ = File::open(dir).and_then(|d| d.sync_all());
        }
        self.complete = true;
        Ok(())
    }
}

impl Journaled {
    fn checkpoint(&mut self, next_seq: u64) -> Result<()> {
        if self.poisoned {
            return Err(CorpusError::Driver(
                "an earlier write to the output failed; rerun with --resume".to_string(),
            ));
        }
        if self.pending_items == 0 && next_seq == self.journaled_seq {
            return Ok(());
        }
        // Data first, journal second: a kill between the two leaves a tail the journal does not
        // count, which a resume cuts off.
        self.poisoned = true;
        self.out
            .write_all(&self.pending_out)
            .map_err(io_error(&self.out_path))?;
        self.err
            .write_all(&self.pending_err)
            .map_err(io_error(&self.err_path))?;
        self.out_len += self.pending_out.len() as u64;
        self.err_len += self.pending_err.len() as u64;
        self.pending_out.clear();
        self.pending_err.clear();
        self.pending_items = 0;
        self.append_journal(Checkpoint {
            next_seq,
            out_len: self.out_len,
            err_len: self.err_len,
            done: false,
        })?;
        self.poisoned = false;
        self.journaled_seq = next_seq;
        self.last_checkpoint = Instant::now();
        Ok(())
    }

    fn append_journal(&mut self, checkpoint: Checkpoint) -> Result<()> {
        // One write call, so the line is never interleaved with anything else.
        self.journal
            .write_all(checkpoint.line().as_bytes())
            .map_err(io_error(&self.journal_path))
    }
}
