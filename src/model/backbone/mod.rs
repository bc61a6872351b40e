//! Encoder backbones: candle's BERT and the trainable one with frozen bottom layers
//! (`bert`), and `FastBert`, the inference engine written on `gemm` (`fast`).

pub mod bert;
pub mod fast;
