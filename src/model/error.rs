//! The error type of the models and the stages above them (pipeline, evaluation): structured
//! variants that name the file or value and the fix. The layers below have their own (`TextError`,
//! `DataError`); the command line gathers every layer's in `exit::CommandError`.

use std::path::PathBuf;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Data(#[from] crate::data::DataError),
    #[error(transparent)]
    Resolve(#[from] crate::model::resolve::ResolveError),
    #[error(transparent)]
    Text(#[from] crate::text::TextError),
    #[error(transparent)]
    Encode(#[from] crate::model::encode::EncodeError),
    // The candle error is the source, printed by the error chain; naming it here too printed
    // it twice.
    #[error("model computation failed")]
    Candle(#[from] candle_core::Error),
    #[error("cannot read model manifest {path}: {reason}; a model directory needs manifest.json, model.safetensors and (for the base) the fetched encoder (`standpoint models fetch`)")]
    Manifest { path: PathBuf, reason: String },
    #[error("model weights {path} are unreadable ({reason}); the file is truncated or corrupted: restore it (`git checkout -- {path}` for a shipped model, or retrain with `standpoint train`)")]
    CorruptWeights { path: PathBuf, reason: String },
    #[error("model weights {path} are missing; restore the file (`git checkout -- {path}` for a shipped model, or `standpoint train` to make it again); the base encoder's weights are installed by `standpoint models fetch`")]
    MissingWeights { path: PathBuf },
    #[error("model weights {path} have sha256 {actual} but the manifest expects {expected}; restore the file or retrain")]
    WeightsChecksum {
        path: PathBuf,
        expected: String,
        actual: String,
    },
    #[error("model {path} was trained on base {expected} but the resolved base weights {base} have sha256 {actual}; run `standpoint models fetch` to install the pinned base")]
    BaseMismatch {
        path: PathBuf,
        base: PathBuf,
        expected: String,
        actual: String,
    },
    #[error("model {path} is a {found} model, but a {expected} model is needed here")]
    WrongTask {
        path: PathBuf,
        expected: &'static str,
        found: &'static str,
    },
    #[error("label '{label}' in {path} is not a {kind} label; expected {choices}")]
    UnknownLabel {
        path: PathBuf,
        label: String,
        kind: &'static str,
        choices: String,
    },
    #[error("cannot read tokenizer {path}: {reason}")]
    Tokenizer { path: PathBuf, reason: String },
    // Without `{source}`: the error chain prints the source after the path.
    #[error("{path}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{0}")]
    Invalid(String),
}

/// The error and its sources joined by ": ", as `main` prints them; for a message that embeds
/// an error (a failure reason, a hint), where `to_string` alone would drop the sources.
pub fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(e) = source {
        text.push_str(": ");
        text.push_str(&e.to_string());
        source = e.source();
    }
    text
}
