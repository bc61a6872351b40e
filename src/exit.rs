//! A command's failure as the shell sees it: the error types of every layer under one type, and
//! the exit status each maps to (1: the run stopped; 3: a batch run finished but some documents
//! failed, listed in its errors file). Only the command line uses it; each layer below has its
//! own error type (`crate::Error` for text, data, models and the pipeline, `CorpusError`,
//! `NetworkError`).

use crate::corpus::CorpusError;
use crate::network::NetworkError;

#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    #[error(transparent)]
    Library(#[from] crate::error::Error),
    #[error(transparent)]
    Corpus(#[from] CorpusError),
    #[error(transparent)]
    Network(#[from] NetworkError),
    /// A batch run finished, but this many documents failed (listed in its errors file).
    #[error("{0} documents failed")]
    SomeFailed(u64),
}

impl CommandError {
    /// The process exit status: 3 when only some documents failed, else 1.
    pub fn exit_code(&self) -> u8 {
        match self {
            CommandError::SomeFailed(_) => 3,
            _ => 1,
        }
    }

    /// A broken pipe on standard output: the reader stopped reading (`| head`), which is its
    /// choice, not a failure. Broken pipes elsewhere (a file, the errors stream) are errors.
    pub fn is_closed_stdout(&self) -> bool {
        let (path, source) = match self {
            CommandError::Library(crate::error::Error::Io { path, source }) => (path, source),
            CommandError::Corpus(CorpusError::Io { path, source }) => (path, source),
            _ => return false,
        };
        path == std::path::Path::new("<stdout>") && source.kind() == std::io::ErrorKind::BrokenPipe
    }
}
