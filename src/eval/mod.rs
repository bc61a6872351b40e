//! Evaluation: scoring of loaded models on evaluation sets, and reports (the metrics themselves
//! are `crate::metrics`, below `model`).

pub mod attribution;
pub mod harness;
pub mod render;
pub mod report;
pub mod run;
pub mod stats;

/// The scores live below `model` (training reads them too); evaluation uses them from here.
pub use crate::metrics;
