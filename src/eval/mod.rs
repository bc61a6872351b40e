//! Evaluation: metrics over plain label sequences (pure functions, unit-tested without a model)
//! and scoring of loaded models on evaluation sets.

pub mod harness;
pub mod metrics;
pub mod render;
pub mod report;
pub mod run;
pub mod stats;
