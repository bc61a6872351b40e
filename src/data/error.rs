//! The error type of the dataset adapters: failures that stop a whole file from being read.
//!
//! A malformed row is not an error: adapters put it in `Loaded::skipped` and read on.

use std::io;
use std::path::PathBuf;

/// Why a dataset file or folder could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum DataError {
    /// The file or folder could not be opened or read.
    #[error("cannot read {}; check that it exists and is readable", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    /// A file or folder the dataset layout requires is not there.
    #[error("{} does not exist; {hint}", path.display())]
    Missing { path: PathBuf, hint: String },
    /// The file is readable but is not in the format the adapter reads.
    #[error("{} is not a {format} file: {reason}", path.display())]
    Format {
        path: PathBuf,
        format: &'static str,
        reason: String,
    },
    /// Line-aligned text and label files (TweetEval) disagree on the number of rows.
    #[error(
        "{} has {text_lines} lines but {} has {label_lines}; the two files must align line by \
         line, so check that neither was truncated or edited",
        text.display(),
        labels.display()
    )]
    LineCount {
        text: PathBuf,
        text_lines: usize,
        labels: PathBuf,
        label_lines: usize,
    },
    /// A name (format, split, carve part, target folder) outside its closed set.
    #[error("unknown {what} '{value}'; expected {expected}")]
    Unknown {
        what: &'static str,
        value: String,
        expected: String,
    },
    /// `detect_format` could not recognise the file or folder.
    #[error(
        "cannot tell the data format of {}: {reason}; name the format explicitly, one of {}",
        path.display(),
        super::DataFormat::choices()
    )]
    Undetected { path: PathBuf, reason: String },
}

impl DataError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: io::Error) -> Self {
        DataError::Io {
            path: path.into(),
            source,
        }
    }

    pub(crate) fn format(
        path: impl Into<PathBuf>,
        format: &'static str,
        reason: impl Into<String>,
    ) -> Self {
        DataError::Format {
            path: path.into(),
            format,
            reason: reason.into(),
        }
    }
}
