//! `crate::Error`: the models' error type ([`crate::model::error`]), under its short path.

pub use crate::model::error::{chain, Error, Result};
