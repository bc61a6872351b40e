//! Batch inputs: planning (paths checked, directories listed, CSV headers resolved) and a
//! streaming reader that yields one document or failure at a time in a fixed order.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::{CorpusError, Result, Shard};

/// Extensions of the files read from a directory (compared case-insensitively).
const DIRECTORY_EXTENSIONS: [&str; 4] = ["txt", "md", "html", "htm"];
/// Extensions of files read as JSON lines.
const JSONL_EXTENSIONS: [&str; 4] = ["jsonl", "ndjson", "jsonlines", "json"];
const BOM: &[u8] = b"\xEF\xBB\xBF";
/// How `Location::file` names standard input.
pub const STDIN_NAME: &str = "<stdin>";

/// How inputs are read: field and column names, the size limit, the shard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputOptions {
    /// JSONL field holding the document id (a string, or an integer written in decimal). A line
    /// without it (or with `null` or `""`) gets the id `<file>:<line>`, see [`Reader`].
    pub id_field: String,
    /// JSONL field holding the text.
    pub text_field: String,
    /// CSV column holding the id. `None` means `id` if the header has it; without it every row
    /// gets the fallback id `<file>:<line>`, as does a row whose id is empty. A named column
    /// must exist.
    pub id_column: Option<String>,
    /// CSV column holding the text; it must exist.
    pub text_column: String,
    /// Documents bigger than this many bytes (a file, a JSONL line, a CSV field) are failures.
    pub max_bytes: u64,
    /// Read only the documents of this shard.
    pub shard: Option<Shard>,
    /// JSONL fields or CSV columns copied into each document as metadata (`--keep-fields`), in
    /// this order; a document without one keeps it as `null`.
    pub keep_fields: Vec<String>,
}

impl Default for InputOptions {
    fn default() -> Self {
        Self {
            id_field: "id".to_string(),
            text_field: "text".to_string(),
            id_column: None,
            text_column: "text".to_string(),
            max_bytes: 5_000_000,
            shard: None,
            keep_fields: Vec::new(),
        }
    }
}

/// One input as planned: what was typed, and how it will be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// The input as given (`-` for standard input); it prefixes `Location::file`.
    pub input: String,
    /// The absolute, symlink-free path (`-` for standard input), so a fingerprint does not depend
    /// on the working directory.
    pub canonical: String,
    pub kind: SourceKind,
    /// Size in bytes when known at planning time (not for standard input).
    pub bytes: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceKind {
    /// A directory: its text and HTML files, sorted bytewise by id.
    Directory { files: Vec<DirFile> },
    /// A single text or HTML file given directly: one document whose id is the file name.
    File { id: String, html: bool },
    /// JSON lines: one document per non-blank line.
    Jsonl,
    /// CSV with a header row: one document per record.
    Csv,
    /// JSON lines on standard input.
    Stdin,
}

/// A file found under an input directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirFile {
    /// The path relative to the input directory, `/`-separated (lossy for non-UTF-8 names).
    pub id: String,
    pub path: PathBuf,
    pub bytes: u64,
    /// What the entry is when it is not a regular file ("fifo", "socket", ...): it is reported
    /// as a failure instead of being opened, since opening a FIFO waits for a writer forever.
    pub special: Option<&'static str>,
}

/// Where an item came from: a file (or `<stdin>`) and, for JSONL and CSV, the 1-based line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub file: String,
    pub line: Option<u64>,
}

/// What a document holds: file bytes still to be decoded (`text::decode` names the problem), or
/// a JSON or CSV field that is already text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content {
    Bytes(Vec<u8>),
    Text(String),
}

impl Content {
    pub fn len(&self) -> usize {
        match self {
            Content::Bytes(bytes) => bytes.len(),
            Content::Text(text) => text.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A document to analyse. `seq` numbers items across the whole corpus (see [`Reader`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Doc {
    pub seq: u64,
    pub id: String,
    pub location: Location,
    pub content: Content,
    /// From the file extension (`.html`, `.htm`); JSONL and CSV text is never marked HTML.
    pub html: bool,
    /// The `--keep-fields` metadata, in the order asked: the JSONL value as written, the CSV
    /// field as a string, `null` where the document has none (always, for files in folders).
    pub fields: Vec<(String, Value)>,
}

/// An input that could not become a document; it is reported in the errors file, and the run
/// goes on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub seq: u64,
    pub id: String,
    pub location: Location,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    Doc(Doc),
    Failed(Failure),
}

impl Item {
    pub fn seq(&self) -> u64 {
        match self {
            Item::Doc(doc) => doc.seq,
            Item::Failed(failure) => failure.seq,
        }
    }

    pub fn id(&self) -> &str {
        match self {
            Item::Doc(doc) => &doc.id,
            Item::Failed(failure) => &failure.id,
        }
    }
}

/// Checks every input and decides how to read it, before anything runs.
///
/// By input: a directory gives its `.txt`, `.md`, `.html` and `.htm` files (recursively), one
/// document each with its relative path as id; `.jsonl`, `.ndjson`, `.jsonlines` and `.json`
/// files are JSON lines; `.csv` files are CSV with a header row; any other file is one document
/// whose id is its file name; `-` is JSON lines on standard input.
///
/// Errors (nothing has been read or written yet): a path that does not exist, `-` or one path
/// given twice,
/// an unreadable directory, a CSV file without the id or text column (the message lists the
/// columns it has), a `.json` file holding one JSON array instead of JSON lines.
pub fn plan(inputs: &[String], opts: &InputOptions) -> Result<Vec<Source>> {
    let mut sources = Vec::with_capacity(inputs.len());
    let mut stdin_seen = false;
    for input in inputs {
        if input == "-" {
            if stdin_seen {
                return Err(CorpusError::StdinTwice);
            }
            stdin_seen = true;
            sources.push(Source {
                input: input.clone(),
                canonical: input.clone(),
                kind: SourceKind::Stdin,
                bytes: None,
            });
            continue;
        }
        let path = Path::new(input);
        let meta = std::fs::metadata(path).map_err(|source| {
            if source.kind() == io::ErrorKind::NotFound {
                CorpusError::Missing { path: path.into() }
            } else {
                CorpusError::Io {
                    path: path.into(),
                    source,
                }
            }
        })?;
        let canonical = std::fs::canonicalize(path)
            .map_err(|source| CorpusError::Io {
                path: path.into(),
                source,
            })?
            .to_string_lossy()
            .into_owned();
        if let Some(first) = sources.iter().find(|s: &&Source| s.canonical == canonical) {
            return Err(CorpusError::SameInput {
                first: first.input.clone(),
                second: input.clone(),
                canonical: canonical.into(),
            });
        }
        let (kind, bytes) = if meta.is_dir() {
            let files = walk(path)?;
            let bytes = files.iter().map(|f| f.bytes).sum();
            (SourceKind::Directory { files }, bytes)
        } else {
            let ext = extension(path);
            let kind = if JSONL_EXTENSIONS.contains(&ext.as_str()) {
                if ext == "json" {
                    reject_json_array(path)?;
                }
                SourceKind::Jsonl
            } else if ext == "csv" {
                CsvColumns::resolve(path, opts)?;
                SourceKind::Csv
            } else {
                SourceKind::File {
                    id: path
                        .file_name()
                        .map(|name| name.to_string_lossy().into_owned())
                        .unwrap_or_else(|| input.clone()),
                    html: matches!(ext.as_str(), "html" | "htm"),
                }
            };
            (kind, meta.len())
        };
        sources.push(Source {
            input: input.clone(),
            canonical,
            kind,
            bytes: Some(bytes),
        });
    }
    Ok(sources)
}

/// The total size of the inputs in bytes, for a progress bar by bytes; `None` with standard
/// input, whose size is unknown.
pub fn total_bytes(sources: &[Source]) -> Option<u64> {
    sources.iter().map(|s| s.bytes).sum()
}

/// Lower-cased extension of `path` ("" without one).
fn extension(path: &Path) -> String {
    path.extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default()
}

/// Lists the text and HTML files under `root`, sorted bytewise by their `/`-separated relative
/// path. Symbolic links to files are read; symbolic links to directories are not followed (like
/// `find` without `-L`), so a link loop cannot hang the walk.
fn walk(root: &Path) -> Result<Vec<DirFile>> {
    let mut files = Vec::new();
    let mut pending = vec![(root.to_path_buf(), String::new())];
    while let Some((dir, prefix)) = pending.pop() {
        let io_error = |source| CorpusError::Io {
            path: dir.clone(),
            source,
        };
        for entry in std::fs::read_dir(&dir).map_err(io_error)? {
            let entry = entry.map_err(io_error)?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let id = format!("{prefix}{name}");
            let path = entry.path();
            let file_type = entry.file_type().map_err(|source| CorpusError::Io {
                path: path.clone(),
                source,
            })?;
            if file_type.is_dir() {
                pending.push((path, format!("{id}/")));
                continue;
            }
            if !DIRECTORY_EXTENSIONS.contains(&extension(&path).as_str()) {
                continue;
            }
            // `metadata` follows a link; a dangling link keeps size 0 and fails when read, so it
            // is reported rather than silently dropped.
            let meta = std::fs::metadata(&path);
            if file_type.is_symlink() && meta.as_ref().is_ok_and(|m| m.is_dir()) {
                tracing::warn!(
                    "not following {}: a symbolic link to a directory",
                    path.display()
                );
                continue;
            }
            let special = if file_type.is_symlink() {
                meta.as_ref()
                    .ok()
                    .and_then(|m| special_kind(&m.file_type()))
            } else {
                special_kind(&file_type)
            };
            let bytes = match special {
                Some(_) => 0,
                None => meta.map(|m| m.len()).unwrap_or(0),
            };
            files.push(DirFile {
                id,
                path,
                bytes,
                special,
            });
        }
    }
    files.sort_by(|a, b| a.id.as_bytes().cmp(b.id.as_bytes()));
    Ok(files)
}

/// What a directory entry is when it is neither a regular file, a directory nor a link.
fn special_kind(file_type: &std::fs::FileType) -> Option<&'static str> {
    if file_type.is_file() || file_type.is_dir() || file_type.is_symlink() {
        return None;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return Some("fifo");
        }
        if file_type.is_socket() {
            return Some("socket");
        }
        if file_type.is_block_device() {
            return Some("block device");
        }
        if file_type.is_char_device() {
            return Some("character device");
        }
    }
    Some("special file")
}

/// A `.json` input must be JSON lines; a file that starts with `[` is one JSON array, which
/// would otherwise fail line by line with confusing reasons.
fn reject_json_array(path: &Path) -> Result<()> {
    let mut head = [0u8; 512];
    let io_error = |source| CorpusError::Io {
        path: path.into(),
        source,
    };
    let n = File::open(path)
        .and_then(|mut f| f.read(&mut head))
        .map_err(io_error)?;
    let head = head[..n].strip_prefix(BOM).unwrap_or(&head[..n]);
    if head.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[') {
        return Err(CorpusError::JsonArray { path: path.into() });
    }
    Ok(())
}

/// The id and text column indices of a CSV file.
struct CsvColumns {
    id: Option<usize>,
    text: usize,
    width: usize,
    /// The `--keep-fields` columns, by name; `None` where the header lacks one.
    keep: Vec<(String, Option<usize>)>,
}

impl CsvColumns {
    fn resolve(path: &Path, opts: &InputOptions) -> Result<Self> {
        let file = File::open(path).map_err(|source| CorpusError::Io {
            path: path.into(),
            source,
        })?;
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .from_reader(CsvSource::new(file, opts.max_bytes));
        let headers = reader
            .byte_headers()
            .map_err(|e| csv_io_error(path, e))?
            .clone();
        Self::from_headers(path, &headers, opts)
    }

    fn from_headers(path: &Path, headers: &csv::ByteRecord, opts: &InputOptions) -> Result<Self> {
        let names: Vec<String> = headers
            .iter()
            .enumerate()
            .map(|(i, h)| {
                let h = if i == 0 {
                    h.strip_prefix(BOM).unwrap_or(h)
                } else {
                    h
                };
                String::from_utf8_lossy(h).into_owned()
            })
            .collect();
        let find = |name: &str| names.iter().position(|n| n == name);
        let missing = |column: &str, flag: &'static str| CorpusError::MissingColumn {
            path: path.into(),
            column: column.to_string(),
            flag,
            available: if names.is_empty() {
                "none (the file is empty)".to_string()
            } else {
                names.join(", ")
            },
        };
        let text =
            find(&opts.text_column).ok_or_else(|| missing(&opts.text_column, "--text-column"))?;
        let id = match &opts.id_column {
            Some(column) => Some(find(column).ok_or_else(|| missing(column, "--id-column"))?),
            None => find("id"),
        };
        Ok(Self {
            id,
            text,
            width: names.len(),
            keep: opts
                .keep_fields
                .iter()
                .map(|k| (k.clone(), find(k)))
                .collect(),
        })
    }
}

fn csv_io_error(path: &Path, error: csv::Error) -> CorpusError {
    match error.into_kind() {
        csv::ErrorKind::Io(source) => CorpusError::Io {
            path: path.into(),
            source,
        },
        other => CorpusError::Io {
            path: path.into(),
            source: io::Error::new(io::ErrorKind::InvalidData, format!("{other:?}")),
        },
    }
}

/// Streams the items of planned sources in order: sources as given, a directory's files by id,
/// a JSONL or CSV file's records by line.
///
/// `seq` numbers every item of the whole corpus, documents and failures alike, 0, 1, 2, ...
/// in that order. With a shard, items of other shards are read past but not yielded, and `seq`
/// is *not* renumbered: it stays the item's position in the whole corpus, so the outputs of
/// the N shards can be merged back into input order by `seq`, and a resumed run can skip by it.
///
/// Ids missing or empty in JSONL lines or CSV rows, and the ids of lines too broken to read one
/// from, fall back to `<file>:<line>` (`<stdin>:<line>` for standard input, lines counted from
/// 1, blank lines included): unique within a run and the same on every rerun, so sharding and
/// resume work for id-less data too. Resuming a run over standard input assumes the same data
/// is piped in again.
///
/// Only the current document is held in memory. A JSONL line longer than `max_bytes` is
/// skipped through a bounded buffer and becomes a failure; a file bigger than `max_bytes` is
/// judged by its metadata and not read. A CSV record is parsed whole by the `csv` crate, so
/// reading stops once one spans more than `max_bytes` (plus the parser's 64 KiB read-ahead):
/// that record becomes a failure and the rest of its file is not read, since a record cannot be
/// skipped without parsing it.
pub struct Reader {
    sources: std::vec::IntoIter<Source>,
    current: Option<Cursor>,
    filter: Filter,
    opts: InputOptions,
    next_seq: u64,
    /// Bytes of the sources already finished.
    bytes_done: u64,
    stdin: Option<Box<dyn BufRead + Send>>,
}

/// Which items the reader yields: those at or after `start` that belong to the shard.
#[derive(Debug, Clone, Copy)]
struct Filter {
    start: u64,
    shard: Option<Shard>,
}

impl Filter {
    fn wants(&self, id: &str) -> bool {
        self.shard.is_none_or(|s| s.contains(id))
    }
}

impl Reader {
    /// A reader over `sources`; standard input, if planned, is the process's.
    pub fn new(sources: Vec<Source>, opts: &InputOptions) -> Self {
        Self::with_stdin(sources, opts, Box::new(BufReader::new(io::stdin())))
    }

    /// A reader whose `-` input reads from `stdin` (for tests and embedding).
    pub fn with_stdin(
        sources: Vec<Source>,
        opts: &InputOptions,
        stdin: Box<dyn BufRead + Send>,
    ) -> Self {
        Self {
            sources: sources.into_iter(),
            current: None,
            filter: Filter {
                start: 0,
                shard: opts.shard,
            },
            opts: opts.clone(),
            next_seq: 0,
            bytes_done: 0,
            stdin: Some(stdin),
        }
    }

    /// Passes over the items before `start` without loading or parsing them, so the next item
    /// yielded has `seq >= start` (a resumed run passes the first `seq` not yet written).
    pub fn skip_to(&mut self, start: u64) {
        self.filter.start = start;
        while self.next_seq < start {
            if self.advance().is_none() {
                break;
            }
        }
    }

    /// Bytes of input consumed so far, comparable with [`total_bytes`].
    pub fn bytes_read(&self) -> u64 {
        self.bytes_done + self.current.as_ref().map_or(0, Cursor::bytes_read)
    }

    /// The `seq` the next item read will get.
    pub fn next_seq(&self) -> u64 {
        self.next_seq
    }

    fn open(&mut self, source: Source) -> Cursor {
        let display = source.input.clone();
        let opened = match source.kind {
            SourceKind::Directory { files } => {
                let root = source.input.trim_end_matches('/').to_string();
                return Cursor::Files(Files {
                    files: files
                        .into_iter()
                        .map(|f| {
                            let file = format!("{root}/{}", f.id);
                            let html = matches!(extension(&f.path).as_str(), "html" | "htm");
                            (f, file, html)
                        })
                        .collect::<Vec<_>>()
                        .into_iter(),
                    bytes: 0,
                    keep: self.opts.keep_fields.clone(),
                });
            }
            SourceKind::File { id, html } => {
                // A file named directly is read even when it is a FIFO (`<(zcat ...)`): the
                // user chose it.
                let file = DirFile {
                    id,
                    path: PathBuf::from(&source.input),
                    bytes: source.bytes.unwrap_or(0),
                    special: None,
                };
                return Cursor::Files(Files {
                    files: vec![(file, display, html)].into_iter(),
                    bytes: 0,
                    keep: self.opts.keep_fields.clone(),
                });
            }
            SourceKind::Stdin => Ok::<_, String>(Cursor::Lines(Lines::new(
                self.stdin.take().unwrap_or_else(|| Box::new(io::empty())),
                STDIN_NAME.to_string(),
                &self.opts,
            ))),
            SourceKind::Jsonl => File::open(&source.input)
                .map(|f| {
                    Cursor::Lines(Lines::new(
                        Box::new(BufReader::with_capacity(64 * 1024, f)),
                        display.clone(),
                        &self.opts,
                    ))
                })
                .map_err(|e| e.to_string()),
            SourceKind::Csv => Records::open(&source.input, &self.opts).map(Cursor::Csv),
        };
        opened.unwrap_or_else(|reason| Cursor::Broken(Some((display, reason))))
    }

    /// Reads one item, or `None` at the end of the corpus.
    fn advance(&mut self) -> Option<Pulled> {
        loop {
            let Some(cursor) = self.current.as_mut() else {
                let source = self.sources.next()?;
                self.current = Some(self.open(source));
                continue;
            };
            match cursor.pull(self.next_seq, self.filter, self.opts.max_bytes) {
                Some(pulled) => {
                    self.next_seq += 1;
                    return Some(pulled);
                }
                None => {
                    self.bytes_done += cursor.bytes_read();
                    self.current = None;
                }
            }
        }
    }
}

impl Iterator for Reader {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
        loop {
            if let Pulled::Item(item) = self.advance()? {
                return Some(item);
            }
        }
    }
}

/// One step of a cursor: an item to yield, or one counted and passed over (before the resume
/// point, or of another shard).
enum Pulled {
    Item(Item),
    Passed,
}

enum Cursor {
    Files(Files),
    Lines(Lines),
    Csv(Records),
    /// A source that could not be opened after planning: one failure, then nothing.
    Broken(Option<(String, String)>),
}

impl Cursor {
    fn pull(&mut self, seq: u64, filter: Filter, max_bytes: u64) -> Option<Pulled> {
        match self {
            Cursor::Files(files) => files.pull(seq, filter, max_bytes),
            Cursor::Lines(lines) => lines.pull(seq, filter, max_bytes),
            Cursor::Csv(records) => records.pull(seq, filter, max_bytes),
            Cursor::Broken(failure) => {
                let (file, reason) = failure.take()?;
                let failure = Failure {
                    seq,
                    id: file.clone(),
                    location: Location { file, line: None },
                    reason: format!("cannot read: {reason}"),
                };
                Some(if seq < filter.start || !filter.wants(&failure.id) {
                    Pulled::Passed
                } else {
                    Pulled::Item(Item::Failed(failure))
                })
            }
        }
    }

    fn bytes_read(&self) -> u64 {
        match self {
            Cursor::Files(files) => files.bytes,
            Cursor::Lines(lines) => lines.bytes,
            Cursor::Csv(records) => records.reader.position().byte(),
            Cursor::Broken(_) => 0,
        }
    }
}

fn over_limit(bytes: u64, max_bytes: u64) -> String {
    format!("{bytes} bytes, over --max-bytes {max_bytes}")
}

/// Whole files, one document each: a directory's listing or one file given directly.
struct Files {
    /// The file, its name in `Location::file`, and whether it is HTML.
    files: std::vec::IntoIter<(DirFile, String, bool)>,
    bytes: u64,
    /// The `--keep-fields` names: a file has none of them, so each is `null`.
    keep: Vec<String>,
}

impl Files {
    fn pull(&mut self, seq: u64, filter: Filter, max_bytes: u64) -> Option<Pulled> {
        let (file, name, html) = self.files.next()?;
        self.bytes += file.bytes;
        if seq < filter.start || !filter.wants(&file.id) {
            return Some(Pulled::Passed);
        }
        let location = Location {
            file: name,
            line: None,
        };
        let read = match file.special {
            Some(kind) => Err(format!("not a regular file ({kind}); skipped")),
            None => read_file(&file.path, max_bytes),
        };
        let item = match read {
            Ok(bytes) => Item::Doc(Doc {
                seq,
                id: file.id,
                location,
                content: Content::Bytes(bytes),
                html,
                fields: self.keep.iter().map(|k| (k.clone(), Value::Null)).collect(),
            }),
            Err(reason) => Item::Failed(Failure {
                seq,
                id: file.id,
                location,
                reason,
            }),
        };
        Some(Pulled::Item(item))
    }
}

/// Reads a whole file, refusing (by its metadata, before reading) one over `max_bytes`. The read
/// is capped too, in case the file grew since.
fn read_file(path: &Path, max_bytes: u64) -> std::result::Result<Vec<u8>, String> {
    let file = File::open(path).map_err(|e| format!("cannot read: {e}"))?;
    let size = file
        .metadata()
        .map_err(|e| format!("cannot read: {e}"))?
        .len();
    if size > max_bytes {
        return Err(over_limit(size, max_bytes));
    }
    let mut bytes = Vec::with_capacity(size as usize);
    file.take(max_bytes + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read: {e}"))?;
    if bytes.len() as u64 > max_bytes {
        return Err(format!(
            "over --max-bytes {max_bytes} (the file grew while being read)"
        ));
    }
    Ok(bytes)
}

/// JSON lines, from a file or standard input.
struct Lines {
    reader: Box<dyn BufRead + Send>,
    file: String,
    id_field: String,
    text_field: String,
    keep: Vec<String>,
    line: u64,
    bytes: u64,
    buf: Vec<u8>,
    /// Set after a read error: the rest of the stream is lost.
    done: bool,
}

/// A line read through a bounded buffer.
struct Line {
    /// Its length without the line ending (`\n` or `\r\n`).
    len: u64,
    /// Whether it holds only ASCII whitespace (such lines are skipped, not counted).
    blank: bool,
    /// Bytes consumed from the stream, line ending included.
    consumed: u64,
}

impl Lines {
    fn new(reader: Box<dyn BufRead + Send>, file: String, opts: &InputOptions) -> Self {
        Self {
            reader,
            file,
            id_field: opts.id_field.clone(),
            text_field: opts.text_field.clone(),
            keep: opts.keep_fields.clone(),
            line: 0,
            bytes: 0,
            buf: Vec::new(),
            done: false,
        }
    }

    fn pull(&mut self, seq: u64, filter: Filter, max_bytes: u64) -> Option<Pulled> {
        if self.done {
            return None;
        }
        if self.line == 0 && self.bytes == 0 {
            self.skip_bom();
        }
        let skipping = seq < filter.start;
        // Before the resume point only line boundaries matter: keep nothing.
        let keep = if skipping {
            0
        } else {
            usize::try_from(max_bytes).unwrap_or(usize::MAX)
        };
        loop {
            let line = match read_bounded_line(&mut *self.reader, &mut self.buf, keep) {
                Ok(Some(line)) => line,
                Ok(None) => return None,
                Err(e) => {
                    self.done = true;
                    self.line += 1;
                    let failure = self.failure(seq, format!("cannot read: {e}"));
                    return Some(if skipping || !filter.wants(&failure.id) {
                        Pulled::Passed
                    } else {
                        Pulled::Item(Item::Failed(failure))
                    });
                }
            };
            self.bytes += line.consumed;
            self.line += 1;
            if line.blank {
                continue;
            }
            if skipping {
                return Some(Pulled::Passed);
            }
            let item = if line.len > max_bytes {
                Item::Failed(self.failure(seq, over_limit(line.len, max_bytes)))
            } else {
                self.parse(seq)
            };
            return Some(if filter.wants(item.id()) {
                Pulled::Item(item)
            } else {
                Pulled::Passed
            });
        }
    }

    /// Drops a UTF-8 byte-order mark at the start of the stream (counted as read).
    fn skip_bom(&mut self) {
        if let Ok(head) = self.reader.fill_buf() {
            if head.starts_with(BOM) {
                self.reader.consume(BOM.len());
                self.bytes += BOM.len() as u64;
            }
        }
    }

    fn fallback_id(&self) -> String {
        format!("{}:{}", self.file, self.line)
    }

    fn failure(&self, seq: u64, reason: String) -> Failure {
        Failure {
            seq,
            id: self.fallback_id(),
            location: Location {
                file: self.file.clone(),
                line: Some(self.line),
            },
            reason,
        }
    }

    /// One JSON object to a document. A missing, `null` or empty id falls back to `<file>:<line>`
    /// (`<stdin>:<line>` for standard input), which is unique within the run and stable across
    /// reruns of the same input, so sharding and resume still work for id-less data.
    fn parse(&mut self, seq: u64) -> Item {
        let mut object: Map<String, Value> = match serde_json::from_slice(&self.buf) {
            Ok(object) => object,
            Err(e) => {
                let reason = match serde_json::from_slice::<Value>(&self.buf) {
                    Ok(other) => format!("expected a JSON object, found {}", json_kind(&other)),
                    Err(_) => format!("malformed JSON: {e}"),
                };
                return Item::Failed(self.failure(seq, reason));
            }
        };
        let id = match object.remove(&self.id_field) {
            None | Some(Value::Null) => Ok(self.fallback_id()),
            // An empty id would name no document in the outputs: treat it as missing.
            Some(Value::String(id)) if id.is_empty() => Ok(self.fallback_id()),
            Some(Value::String(id)) => Ok(id),
            Some(Value::Number(n)) if n.is_i64() || n.is_u64() => Ok(n.to_string()),
            Some(other) => Err(format!(
                "id field '{}' is {}; expected a string or an integer",
                self.id_field,
                json_kind(&other)
            )),
        };
        let id = match id {
            Ok(id) => id,
            Err(reason) => return Item::Failed(self.failure(seq, reason)),
        };
        let location = Location {
            file: self.file.clone(),
            line: Some(self.line),
        };
        match object.remove(&self.text_field) {
            Some(Value::String(text)) => Item::Doc(Doc {
                seq,
                id,
                location,
                content: Content::Text(text),
                html: false,
                fields: self
                    .keep
                    .iter()
                    .map(|k| (k.clone(), object.remove(k).unwrap_or(Value::Null)))
                    .collect(),
            }),
            other => {
                let reason = match other {
                    None => {
                        let mut fields: Vec<&str> = object.keys().map(String::as_str).collect();
                        fields.retain(|f| *f != self.id_field);
                        format!(
                            "no text field '{}' (fields: {}); choose one with --text-field",
                            self.text_field,
                            if fields.is_empty() {
                                "none".to_string()
                            } else {
                                fields.join(", ")
                            }
                        )
                    }
                    Some(value) => format!(
                        "text field '{}' is {}; expected a string",
                        self.text_field,
                        json_kind(&value)
                    ),
                };
                Item::Failed(Failure {
                    seq,
                    id,
                    location,
                    reason,
                })
            }
        }
    }
}

fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a non-integer number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Reads one line into `buf` (cleared first), keeping at most its first `keep` bytes: a longer
/// line is consumed to its end without being held, so memory stays bounded whatever the input.
/// `None` at the end of the stream.
fn read_bounded_line(
    reader: &mut dyn BufRead,
    buf: &mut Vec<u8>,
    keep: usize,
) -> io::Result<Option<Line>> {
    buf.clear();
    let mut len: u64 = 0;
    let mut consumed: u64 = 0;
    let mut blank = true;
    let mut ends_with_cr = false;
    loop {
        let available = match reader.fill_buf() {
            Ok(available) => available,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            if consumed == 0 {
                return Ok(None);
            }
            break;
        }
        let (chunk, newline) = match memchr::memchr(b'\n', available) {
            Some(i) => (&available[..i], true),
            None => (available, false),
        };
        if let Some(&last) = chunk.last() {
            ends_with_cr = last == b'\r';
        }
        blank = blank && chunk.iter().all(u8::is_ascii_whitespace);
        let room = keep.saturating_sub(buf.len());
        buf.extend_from_slice(&chunk[..chunk.len().min(room)]);
        len += chunk.len() as u64;
        let used = chunk.len() + usize::from(newline);
        reader.consume(used);
        consumed += used as u64;
        if newline {
            break;
        }
    }
    if ends_with_cr {
        len -= 1;
        buf.truncate(buf.len().min(len as usize));
    }
    Ok(Some(Line {
        len,
        blank,
        consumed,
    }))
}

/// How far the `csv` parser reads ahead of the record it is parsing (its buffer).
const CSV_READ_AHEAD: u64 = 64 * 1024;

/// A CSV file on its way to the parser. The `csv` crate holds a whole record before it can be
/// checked, so this stops the read once one record spans more than `--max-bytes` (an unclosed
/// quote makes the rest of the file one record). It also notes where each `\r\n` ends: with
/// CRLF line endings the parser stops a record at the `\r`, and counts the `\n` only while
/// reading the next record, after it has given that record its (one too small) line number.
struct CsvSource<R> {
    inner: R,
    /// Bytes handed to the parser.
    read: u64,
    /// Where the record being parsed starts.
    record_start: u64,
    /// The most one record may span: `--max-bytes` and the parser's read-ahead.
    limit: u64,
    /// Offsets of the `\n` of each `\r\n` at or after `record_start`.
    crlf_ends: std::collections::VecDeque<u64>,
    last_was_cr: bool,
    /// Set when `limit` stopped the read.
    over_limit: bool,
}

impl<R: Read> CsvSource<R> {
    fn new(inner: R, max_bytes: u64) -> Self {
        Self {
            inner,
            read: 0,
            record_start: 0,
            limit: max_bytes.saturating_add(CSV_READ_AHEAD),
            crlf_ends: std::collections::VecDeque::new(),
            last_was_cr: false,
            over_limit: false,
        }
    }

    /// The parser is about to read the record that starts at byte `at`.
    fn start_record(&mut self, at: u64) {
        self.record_start = at;
        while self.crlf_ends.front().is_some_and(|&end| end < at) {
            self.crlf_ends.pop_front();
        }
    }

    /// Whether the record starting at `at` starts with the `\n` of a `\r\n` that the parser
    /// has not counted yet.
    fn starts_after_cr(&self, at: u64) -> bool {
        self.crlf_ends.front() == Some(&at)
    }
}

impl<R: Read> Read for CsvSource<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.read.saturating_sub(self.record_start) > self.limit {
            self.over_limit = true;
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "a CSV record over --max-bytes",
            ));
        }
        let n = self.inner.read(buf)?;
        let bytes = &buf[..n];
        for i in memchr::memchr_iter(b'\n', bytes) {
            let after_cr = if i == 0 {
                self.last_was_cr
            } else {
                bytes[i - 1] == b'\r'
            };
            if after_cr {
                self.crlf_ends.push_back(self.read + i as u64);
            }
        }
        if let Some(&last) = bytes.last() {
            self.last_was_cr = last == b'\r';
        }
        self.read += n as u64;
        Ok(n)
    }
}

/// CSV records.
struct Records {
    reader: csv::Reader<CsvSource<File>>,
    file: String,
    columns: CsvColumns,
    record: csv::ByteRecord,
    done: bool,
}

impl Records {
    fn open(input: &str, opts: &InputOptions) -> std::result::Result<Self, String> {
        let path = Path::new(input);
        let file = File::open(path).map_err(|e| e.to_string())?;
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .from_reader(CsvSource::new(file, opts.max_bytes));
        let headers = reader.byte_headers().map_err(|e| e.to_string())?.clone();
        let columns = CsvColumns::from_headers(path, &headers, opts).map_err(|e| e.to_string())?;
        Ok(Self {
            reader,
            file: input.to_string(),
            columns,
            record: csv::ByteRecord::new(),
            done: false,
        })
    }

    fn pull(&mut self, seq: u64, filter: Filter, max_bytes: u64) -> Option<Pulled> {
        if self.done {
            return None;
        }
        let start = self.reader.position().byte();
        self.reader.get_mut().start_record(start);
        let read = self.reader.read_byte_record(&mut self.record);
        let line = match self.record.position() {
            Some(p) => p.line() + u64::from(self.reader.get_ref().starts_after_cr(p.byte())),
            None => self.reader.position().line(),
        };
        let location = Location {
            file: self.file.clone(),
            line: Some(line),
        };
        let fallback = format!("{}:{line}", self.file);
        let result = match read {
            Ok(false) => return None,
            Ok(true) if seq < filter.start => return Some(Pulled::Passed),
            Ok(true) => self.document(seq, &fallback, location.clone(), max_bytes),
            Err(_) if self.reader.get_ref().over_limit => {
                self.done = true;
                Err((
                    fallback.clone(),
                    format!(
                        "the CSV record starting here runs over --max-bytes {max_bytes} (an \
                         unclosed quote makes the rest of the file one record); the rest of {} \
                         is not read",
                        self.file
                    ),
                ))
            }
            Err(e) => {
                // After an I/O error the position cannot be trusted: stop this file.
                self.done = true;
                Err((fallback.clone(), format!("malformed CSV: {e}")))
            }
        };
        let item = match result {
            Ok(doc) => Item::Doc(doc),
            Err((id, reason)) => Item::Failed(Failure {
                seq,
                id,
                location,
                reason,
            }),
        };
        Some(if seq >= filter.start && filter.wants(item.id()) {
            Pulled::Item(item)
        } else {
            Pulled::Passed
        })
    }

    /// The current record as a document, or its id and why it is not one.
    fn document(
        &self,
        seq: u64,
        fallback: &str,
        location: Location,
        max_bytes: u64,
    ) -> std::result::Result<Doc, (String, String)> {
        let record = &self.record;
        // An empty cell is a missing id, as in JSONL.
        let id = match self
            .columns
            .id
            .and_then(|i| record.get(i))
            .filter(|raw| !raw.is_empty())
        {
            Some(raw) => match std::str::from_utf8(raw) {
                Ok(id) => id.to_string(),
                Err(_) => {
                    return Err((
                        fallback.to_string(),
                        "the id is not valid UTF-8".to_string(),
                    ))
                }
            },
            None => fallback.to_string(),
        };
        if record.len() != self.columns.width {
            return Err((
                id,
                format!(
                    "malformed CSV row: {} fields, but the header has {}",
                    record.len(),
                    self.columns.width
                ),
            ));
        }
        let raw = record.get(self.columns.text).unwrap_or_default();
        if raw.len() as u64 > max_bytes {
            return Err((id, over_limit(raw.len() as u64, max_bytes)));
        }
        let text = std::str::from_utf8(raw).map_err(|e| {
            (
                id.clone(),
                format!(
                    "the text is not valid UTF-8 (byte offset {} of the field)",
                    e.valid_up_to()
                ),
            )
        })?;
        let fields = self
            .columns
            .keep
            .iter()
            .map(|(name, column)| {
                let value = column
                    .and_then(|c| record.get(c))
                    .map_or(Value::Null, |raw| {
                        Value::String(String::from_utf8_lossy(raw).into_owned())
                    });
                (name.clone(), value)
            })
            .collect();
        Ok(Doc {
            seq,
            id,
            location,
            content: Content::Text(text.to_string()),
            html: false,
            fields,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn write(path: &Path, bytes: impl AsRef<[u8]>) {
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).unwrap();
        }
        fs::write(path, bytes).unwrap();
    }

    fn read_all(inputs: &[String], opts: &InputOptions) -> Vec<Item> {
        Reader::new(plan(inputs, opts).unwrap(), opts).collect()
    }

    fn path_string(path: &Path) -> String {
        path.to_string_lossy().into_owned()
    }

    fn doc(item: &Item) -> &Doc {
        match item {
            Item::Doc(doc) => doc,
            Item::Failed(failure) => panic!("expected a document, got {failure:?}"),
        }
    }

    fn failure(item: &Item) -> &Failure {
        match item {
            Item::Failed(failure) => failure,
            Item::Doc(doc) => panic!("expected a failure, got {doc:?}"),
        }
    }

    fn text(item: &Item) -> &str {
        match &doc(item).content {
            Content::Text(text) => text,
            Content::Bytes(bytes) => std::str::from_utf8(bytes).unwrap(),
        }
    }

    #[test]
    fn directory_walk_is_sorted_bytewise_by_relative_path() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("news");
        for name in [
            "b.txt",
            "a/z.md",
            "a.txt",
            "A.html",
            "sub/deeper/x.HTM",
            "skip.pdf",
            "sub/data.jsonl",
        ] {
            write(&root.join(name), name);
        }
        #[cfg(unix)]
        {
            // A loop back to the root, and a link to a file.
            std::os::unix::fs::symlink(&root, root.join("sub/loop")).unwrap();
            std::os::unix::fs::symlink(root.join("b.txt"), root.join("link.txt")).unwrap();
        }
        let input = format!("{}/", path_string(&root));
        let items = read_all(&[input], &InputOptions::default());
        let ids: Vec<&str> = items.iter().map(Item::id).collect();
        let mut expected = vec!["A.html", "a.txt", "a/z.md", "b.txt"];
        if cfg!(unix) {
            expected.push("link.txt");
        }
        expected.push("sub/deeper/x.HTM");
        assert_eq!(ids, expected);
        let seqs: Vec<u64> = items.iter().map(Item::seq).collect();
        assert_eq!(seqs, (0..expected.len() as u64).collect::<Vec<_>>());
        let first = doc(&items[0]);
        assert!(first.html);
        assert_eq!(first.content, Content::Bytes(b"A.html".to_vec()));
        assert_eq!(
            first.location,
            Location {
                file: format!("{}/A.html", path_string(&root)),
                line: None
            }
        );
        assert!(!doc(&items[1]).html);
        assert!(doc(items.last().unwrap()).html);
        if cfg!(unix) {
            assert_eq!(text(&items[4]), "b.txt");
        }
    }

    #[test]
    fn jsonl_ids_fallbacks_failures_and_blank_lines() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("feed.jsonl");
        let big = "y".repeat(200);
        let lines = [
            "{\"id\": 7, \"text\": \"seven\"}".to_string(),
            String::new(),
            "   \t".to_string(),
            "{\"text\": \"no id\", \"id\": null}".to_string(),
            "{\"body\": \"wrong field\"}".to_string(),
            "{\"id\": \"x\", \"text\": 5}".to_string(),
            "{not json".to_string(),
            format!("{{\"id\": \"big\", \"text\": \"{big}\"}}"),
            "[1, 2]".to_string(),
            "{\"id\": 1.5, \"text\": \"float id\"}".to_string(),
            "{\"id\": -3, \"text\": \"crlf\"}\r".to_string(),
            "{\"id\": \"last\", \"text\": \"no newline\"}".to_string(),
        ];
        write(&path, lines.join("\n"));
        let name = path_string(&path);
        let opts = InputOptions {
            max_bytes: 100,
            ..InputOptions::default()
        };
        let items = read_all(std::slice::from_ref(&name), &opts);
        let ids: Vec<&str> = items.iter().map(Item::id).collect();
        assert_eq!(
            ids,
            [
                "7".to_string(),
                format!("{name}:4"),
                format!("{name}:5"),
                "x".to_string(),
                format!("{name}:7"),
                format!("{name}:8"),
                format!("{name}:9"),
                format!("{name}:10"),
                "-3".to_string(),
                "last".to_string(),
            ]
        );
        assert_eq!(
            items.iter().map(Item::seq).collect::<Vec<_>>(),
            (0..10).collect::<Vec<_>>()
        );
        assert_eq!(text(&items[0]), "seven");
        assert_eq!(doc(&items[0]).location.line, Some(1));
        assert_eq!(text(&items[1]), "no id");
        assert_eq!(
            failure(&items[2]).reason,
            "no text field 'text' (fields: body); choose one with --text-field"
        );
        assert_eq!(
            failure(&items[3]).reason,
            "text field 'text' is a non-integer number; expected a string"
        );
        assert!(failure(&items[4]).reason.starts_with("malformed JSON"));
        assert_eq!(failure(&items[4]).location.line, Some(7));
        let over = failure(&items[5]);
        assert_eq!(
            over.reason,
            format!("{} bytes, over --max-bytes 100", lines[7].len())
        );
        assert_eq!(
            failure(&items[6]).reason,
            "expected a JSON object, found an array"
        );
        assert!(failure(&items[7])
            .reason
            .contains("id field 'id' is a non-integer number"));
        assert_eq!(text(&items[8]), "crlf");
        assert_eq!(text(&items[9]), "no newline");
        assert!(!doc(&items[9]).html);
    }

    #[test]
    fn an_over_long_line_is_skipped_through_a_bounded_buffer() {
        const LONG: u64 = 50_000_000;
        let stream = io::repeat(b'a')
            .take(LONG)
            .chain(&b"\n{\"id\": \"after\", \"text\": \"fine\"}\n"[..]);
        let opts = InputOptions {
            max_bytes: 1000,
            ..InputOptions::default()
        };
        let sources = plan(&["-".to_string()], &opts).unwrap();
        assert_eq!(total_bytes(&sources), None);
        let mut reader = Reader::with_stdin(
            sources,
            &opts,
            Box::new(BufReader::with_capacity(8192, stream)),
        );
        let first = reader.next().unwrap();
        assert_eq!(
            failure(&first).reason,
            format!("{LONG} bytes, over --max-bytes 1000")
        );
        assert_eq!(first.id(), "<stdin>:1");
        // The 50 MB line was never held: the buffer stays at the limit.
        match &reader.current {
            Some(Cursor::Lines(lines)) => assert!(lines.buf.capacity() <= 8 * 1024),
            _ => panic!("expected a line cursor"),
        }
        assert_eq!(text(&reader.next().unwrap()), "fine");
        assert!(reader.next().is_none());
        assert_eq!(reader.bytes_read(), LONG + 33);
    }

    #[test]
    fn read_bounded_line_keeps_only_the_prefix() {
        let mut input = BufReader::with_capacity(4, &b"abcdefgh\r\n\n  \nxy"[..]);
        let mut buf = Vec::new();
        let line = read_bounded_line(&mut input, &mut buf, 3).unwrap().unwrap();
        assert_eq!(
            (line.len, line.blank, line.consumed, &buf[..]),
            (8, false, 10, &b"abc"[..])
        );
        let line = read_bounded_line(&mut input, &mut buf, 3).unwrap().unwrap();
        assert_eq!((line.len, line.blank, line.consumed), (0, true, 1));
        let line = read_bounded_line(&mut input, &mut buf, 3).unwrap().unwrap();
        assert_eq!((line.len, line.blank), (2, true));
        let line = read_bounded_line(&mut input, &mut buf, 3).unwrap().unwrap();
        assert_eq!((line.len, &buf[..]), (2, &b"xy"[..]));
        assert!(read_bounded_line(&mut input, &mut buf, 3)
            .unwrap()
            .is_none());
    }

    #[test]
    fn stdin_is_jsonl_with_stdin_fallback_ids() {
        let opts = InputOptions::default();
        let sources = plan(&["-".to_string()], &opts).unwrap();
        let stdin = "\u{feff}{\"text\": \"a\"}\n\n{\"id\": \"b\", \"text\": \"b\"}\n";
        let items: Vec<Item> =
            Reader::with_stdin(sources, &opts, Box::new(io::Cursor::new(stdin))).collect();
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].id(), "<stdin>:1");
        assert_eq!(doc(&items[0]).location.file, STDIN_NAME);
        assert_eq!(items[1].id(), "b");
        assert_eq!(doc(&items[1]).location.line, Some(3));
        let twice = plan(&["-".to_string(), "-".to_string()], &opts);
        assert!(matches!(twice, Err(CorpusError::StdinTwice)));
    }

    #[test]
    fn csv_rows_with_a_malformed_row_and_a_multi_line_field() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("news.csv");
        write(
            &path,
            b"\xEF\xBB\xBFid,text,source\nr1,First story.,AP\nr2,short row\n\
              r3,\"Quoted,\nover two lines\",AFP\nr4,Caf\xe9,X\nr5,Last.,Y\n",
        );
        let name = path_string(&path);
        let items = read_all(std::slice::from_ref(&name), &InputOptions::default());
        let ids: Vec<&str> = items.iter().map(Item::id).collect();
        assert_eq!(ids, ["r1", "r2", "r3", "r4", "r5"]);
        assert_eq!(text(&items[0]), "First story.");
        assert_eq!(doc(&items[0]).location.line, Some(2));
        let short = failure(&items[1]);
        assert_eq!(short.location.line, Some(3));
        assert_eq!(
            short.reason,
            "malformed CSV row: 2 fields, but the header has 3"
        );
        assert_eq!(text(&items[2]), "Quoted,\nover two lines");
        assert!(failure(&items[3]).reason.contains("not valid UTF-8"));
        assert_eq!(failure(&items[3]).location.line, Some(6));
        assert_eq!(doc(&items[4]).location.line, Some(7));
    }

    #[test]
    fn csv_line_numbers_are_right_in_a_crlf_file_with_a_multi_line_field() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("crlf.csv");
        write(
            &path,
            "id,text\r\nr1,\"two\r\nlines\"\r\nr2,ok\r\nr3\r\nr4,fine\r\n",
        );
        let name = path_string(&path);
        let items = read_all(std::slice::from_ref(&name), &InputOptions::default());
        let lines: Vec<Option<u64>> = items
            .iter()
            .map(|i| match i {
                Item::Doc(d) => d.location.line,
                Item::Failed(f) => f.location.line,
            })
            .collect();
        assert_eq!(lines, [Some(2), Some(4), Some(5), Some(6)]);
        assert_eq!(failure(&items[2]).id, "r3");
        assert_eq!(text(&items[0]), "two\r\nlines");
    }

    #[test]
    fn a_csv_record_over_max_bytes_stops_the_file_without_holding_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("unclosed.csv");
        let mut body = b"id,text\nr1,Fine.\nr2,\"an unclosed quote ".to_vec();
        body.extend(b"and more text,\n".repeat(300_000));
        write(&path, &body);
        let opts = InputOptions {
            max_bytes: 1000,
            ..InputOptions::default()
        };
        let name = path_string(&path);
        let mut reader = Reader::new(plan(std::slice::from_ref(&name), &opts).unwrap(), &opts);
        assert_eq!(text(&reader.next().unwrap()), "Fine.");
        let second = reader.next().unwrap();
        let f = failure(&second);
        assert_eq!(f.location.line, Some(3));
        assert!(
            f.reason.contains("runs over --max-bytes 1000"),
            "{}",
            f.reason
        );
        match &reader.current {
            Some(Cursor::Csv(records)) => {
                assert!(records.reader.get_ref().read < 200_000);
                assert!(records.record.as_slice().len() < 200_000);
            }
            _ => panic!("expected a CSV cursor"),
        }
        assert!(reader.next().is_none());
    }

    #[test]
    fn csv_without_an_id_column_falls_back_to_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("plain.csv");
        write(&path, "text\nOne.\nTwo.\n");
        let name = path_string(&path);
        let items = read_all(std::slice::from_ref(&name), &InputOptions::default());
        let ids: Vec<String> = items.iter().map(|i| i.id().to_string()).collect();
        assert_eq!(ids, [format!("{name}:2"), format!("{name}:3")]);
    }

    #[test]
    fn an_empty_id_falls_back_to_file_and_line_like_a_missing_one() {
        // Found by the jsonl_reader and csv_reader fuzz targets: an empty id was kept, so the
        // document had no name in the outputs and all such documents shared it.
        let dir = tempfile::tempdir().unwrap();
        let jsonl = dir.path().join("feed.jsonl");
        write(
            &jsonl,
            "{\"id\": \"\", \"text\": \"a\"}\n{\"id\": \"b\", \"text\": \"b\"}\n",
        );
        let csv = dir.path().join("news.csv");
        write(&csv, "id,text\n,a\nb,b\n");
        let (jsonl, csv) = (path_string(&jsonl), path_string(&csv));
        let items = read_all(&[jsonl.clone(), csv.clone()], &InputOptions::default());
        let ids: Vec<&str> = items.iter().map(Item::id).collect();
        assert_eq!(ids, [&format!("{jsonl}:1"), "b", &format!("{csv}:2"), "b"]);
    }

    #[test]
    fn a_missing_csv_column_is_an_error_naming_the_file_and_the_columns() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("news.csv");
        write(&path, "id,body,source\n1,x,y\n");
        let inputs = [path_string(&path)];
        let message = plan(&inputs, &InputOptions::default())
            .unwrap_err()
            .to_string();
        assert_eq!(
            message,
            format!(
                "{} has no column 'text'; its columns are: id, body, source; choose one with \
                 --text-column",
                path.display()
            )
        );
        let opts = InputOptions {
            text_column: "body".to_string(),
            id_column: Some("key".to_string()),
            ..InputOptions::default()
        };
        let message = plan(&inputs, &opts).unwrap_err().to_string();
        assert!(message.contains("no column 'key'"), "{message}");
        assert!(message.contains("--id-column"), "{message}");
    }

    #[test]
    fn a_nonexistent_path_is_an_error_before_anything_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let present = dir.path().join("a.txt");
        write(&present, "text");
        let missing = dir.path().join("nope.jsonl");
        let error = plan(
            &[path_string(&present), path_string(&missing)],
            &InputOptions::default(),
        )
        .unwrap_err();
        assert_eq!(
            error.to_string(),
            format!("input {} does not exist", missing.display())
        );
    }

    #[test]
    fn a_file_given_directly_is_one_document_named_by_its_file_name() {
        let dir = tempfile::tempdir().unwrap();
        let page = dir.path().join("story.htm");
        write(&page, "<p>x</p>");
        let other = dir.path().join("notes");
        write(&other, "plain");
        let items = read_all(
            &[path_string(&page), path_string(&other)],
            &InputOptions::default(),
        );
        assert_eq!(
            items.iter().map(Item::id).collect::<Vec<_>>(),
            ["story.htm", "notes"]
        );
        assert!(doc(&items[0]).html);
        assert!(!doc(&items[1]).html);
        assert_eq!(doc(&items[0]).location.file, path_string(&page));
    }

    #[test]
    fn a_file_over_max_bytes_is_judged_by_its_size_without_reading() {
        let dir = tempfile::tempdir().unwrap();
        write(&dir.path().join("big.txt"), "z".repeat(200));
        write(&dir.path().join("ok.txt"), "z".repeat(100));
        let opts = InputOptions {
            max_bytes: 100,
            ..InputOptions::default()
        };
        let items = read_all(&[path_string(dir.path())], &opts);
        assert_eq!(failure(&items[0]).reason, "200 bytes, over --max-bytes 100");
        assert_eq!(doc(&items[1]).content.len(), 100);
    }

    #[test]
    fn a_json_array_file_is_refused_with_a_conversion_hint() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("all.json");
        write(&path, "  [{\"id\": 1, \"text\": \"x\"}]");
        let message = plan(&[path_string(&path)], &InputOptions::default())
            .unwrap_err()
            .to_string();
        assert!(message.contains("JSON array"), "{message}");
        assert!(message.contains("jq -c"), "{message}");
        let lines = dir.path().join("lines.json");
        write(&lines, "{\"id\": 1, \"text\": \"x\"}\n");
        assert_eq!(
            read_all(&[path_string(&lines)], &InputOptions::default()).len(),
            1
        );
    }

    #[test]
    fn totals_and_bytes_read_agree_at_the_end() {
        let dir = tempfile::tempdir().unwrap();
        write(&dir.path().join("d/a.txt"), "aaaa");
        write(&dir.path().join("d/b.md"), "bb");
        write(&dir.path().join("f.jsonl"), "{\"id\":1,\"text\":\"x\"}\n\n");
        write(&dir.path().join("g.csv"), "id,text\n1,x\n");
        let inputs: Vec<String> = ["d", "f.jsonl", "g.csv"]
            .iter()
            .map(|p| path_string(&dir.path().join(p)))
            .collect();
        let opts = InputOptions::default();
        let sources = plan(&inputs, &opts).unwrap();
        let total = total_bytes(&sources).unwrap();
        assert_eq!(total, 4 + 2 + 21 + 12);
        let mut reader = Reader::new(sources, &opts);
        assert_eq!(reader.by_ref().count(), 4);
        assert_eq!(reader.bytes_read(), total);
    }

    #[test]
    fn skipping_to_any_seq_yields_the_same_tail() {
        let dir = tempfile::tempdir().unwrap();
        write(&dir.path().join("d/a.txt"), "a");
        write(&dir.path().join("d/b.txt"), "b");
        write(
            &dir.path().join("f.jsonl"),
            "{\"id\":1,\"text\":\"x\"}\n\n  \n{bad\n{\"id\":2,\"text\":\"y\"}\n",
        );
        write(&dir.path().join("g.csv"), "id,text\n1,x\n2\n3,z\n");
        let inputs: Vec<String> = ["d", "f.jsonl", "g.csv"]
            .iter()
            .map(|p| path_string(&dir.path().join(p)))
            .collect();
        let opts = InputOptions::default();
        let all = read_all(&inputs, &opts);
        assert_eq!(all.len(), 8);
        for start in 0..=all.len() + 1 {
            let mut reader = Reader::new(plan(&inputs, &opts).unwrap(), &opts);
            reader.skip_to(start as u64);
            let tail: Vec<Item> = reader.collect();
            assert_eq!(tail, all[start.min(all.len())..], "start {start}");
        }
    }

    #[test]
    fn a_shard_yields_only_its_items_and_keeps_corpus_wide_seq() {
        let dir = tempfile::tempdir().unwrap();
        let rows: String = (0..40)
            .map(|i| format!("{{\"id\": \"d{i}\", \"text\": \"t{i}\"}}\n"))
            .collect();
        write(&dir.path().join("f.jsonl"), rows);
        let inputs = [path_string(&dir.path().join("f.jsonl"))];
        let all = read_all(&inputs, &InputOptions::default());
        let mut union: Vec<Item> = Vec::new();
        for k in 0..4 {
            let opts = InputOptions {
                shard: Some(Shard::new(k, 4).unwrap()),
                ..InputOptions::default()
            };
            let part = read_all(&inputs, &opts);
            assert!(!part.is_empty() && part.len() < all.len());
            assert!(part.iter().all(|i| super::super::shard_of(i.id(), 4) == k));
            union.extend(part);
        }
        union.sort_by_key(Item::seq);
        assert_eq!(union, all);
    }
}
