//! Encoder backbones: candle's BERT and the trainable one with frozen bottom layers
//! (`bert`), and `FastBert`, the inference engine written on `gemm` (`fast`), which also runs
//! MPNet (`mpnet`: its config, relative position buckets and weight names).

pub mod bert;
pub mod fast;
pub mod mpnet;
#[cfg(test)]
pub(crate) mod test_weights;
