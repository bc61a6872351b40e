//! standpoint: who speaks in a news text, which actors they mention, and their stance toward each.
//!
//! The crate is a pipeline of stages (see `../shared/STYLE.md`): dataset adapters (`data`),
//! model resolution, encoder and heads (`model`), label mapping (`labels`) and metrics (`eval`).

/// `eprintln!` that never panics. Progress lines, notes and warnings go to stderr, and a stderr
/// that is a pipe nobody reads any more (`standpoint batch ... 2>&1 >/dev/null | head -c 0`)
/// must not turn a finished run into a panic (exit 101); the results went to stdout or a file.
macro_rules! note {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

pub mod actors;
pub mod app;
pub mod batch;
pub mod bench;
pub mod cli;
pub mod corpus;
pub mod data;
pub mod document;
pub mod error;
pub mod eval;
pub mod exit;
pub mod labels;
pub mod markup;
pub mod metrics;
pub mod model;
pub mod network;
pub mod output;
pub mod pipeline;
pub mod speakers;
pub mod text;

#[cfg(test)]
mod testing;

pub use error::{Error, Result};
