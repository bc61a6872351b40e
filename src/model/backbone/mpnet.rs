//! MPNet (modeling_mpnet.py, e.g. all-mpnet-base-v2) for `FastBert`: its config, the relative
//! position buckets, and the loader of its weights. The layers are BERT's post-LN layers under
//! other names, so the forward pass and every kernel are `FastBert`'s; what differs (positions,
//! no segments, the relative position bias) is `fast::Arch::Mpnet`.

use candle_transformers::models::bert::HiddenAct;
use serde::Deserialize;

/// modeling_mpnet.py `MPNetEmbeddings.padding_idx`: fixed at 1, whatever the config says.
pub const PADDING_IDX: u32 = 1;
/// `MPNetEncoder.compute_position_bias` passes `num_buckets=32` whatever the config says.
pub const BUCKETS: usize = 32;
/// `relative_position_bucket`'s `max_distance`.
pub const MAX_DISTANCE: i64 = 128;

/// The fields of an MPNet `config.json` that inference reads.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct MpnetConfig {
    pub vocab_size: usize,
    pub hidden_size: usize,
    pub num_hidden_layers: usize,
    pub num_attention_heads: usize,
    pub intermediate_size: usize,
    pub hidden_act: HiddenAct,
    pub max_position_embeddings: usize,
    pub layer_norm_eps: f64,
    /// Dropout of the trainable layers (`TrainBert::load_mpnet`); none at inference.
    #[serde(default = "default_dropout")]
    pub hidden_dropout_prob: f64,
    #[serde(default = "default_buckets")]
    pub relative_attention_num_buckets: usize,
}

fn default_dropout() -> f64 {
    0.1
}

fn default_buckets() -> usize {
    BUCKETS
}

impl MpnetConfig {
    /// The longest input: positions start at `PADDING_IDX + 1`, so two of the position
    /// embeddings are never used by a real token.
    pub fn max_tokens(&self) -> usize {
        self.max_position_embeddings
            .saturating_sub(PADDING_IDX as usize + 1)
    }
}

/// modeling_mpnet.py `MPNetEncoder.relative_position_bucket` for one relative position
/// (`key - query`), with its float32 arithmetic: half the buckets for keys before the query,
/// half for keys after; exact distances below 8, logarithmic ones up to `MAX_DISTANCE`.
pub fn relative_position_bucket(relative: i64) -> usize {
    let half = (BUCKETS / 2) as i64;
    let n = -relative;
    let mut bucket = if n < 0 { half } else { 0 };
    let n = n.abs();
    let max_exact = half / 2;
    bucket += if n < max_exact {
        n
    } else {
        let scaled = (n as f32 / max_exact as f32).ln()
            / ((MAX_DISTANCE as f64 / max_exact as f64).ln() as f32)
            * (half - max_exact) as f32;
        (max_exact + scaled as i64).min(half - 1)
    };
    bucket as usize
}

/// The bias added to the attention scores of every layer, `[heads]` rows over the relative
/// positions `-(longest - 1) ..= longest - 1`: the bias of query `i` and key `j` in head `h` is
/// `row(h)[j - i + longest - 1]`, so a query's biases over the keys are one contiguous slice.
pub struct RelativeBias {
    by_offset: Vec<f32>,
    longest: usize,
}

impl RelativeBias {
    /// From `encoder.relative_attention_bias.weight` (`[buckets, heads]` row-major).
    pub fn new(table: &[f32], heads: usize, longest: usize) -> Self {
        let width = 2 * longest.max(1) - 1;
        let mut by_offset = vec![0f32; heads * width];
        for (o, offset) in (-(longest as i64 - 1)..=longest as i64 - 1).enumerate() {
            let bucket = relative_position_bucket(offset);
            for h in 0..heads {
                by_offset[h * width + o] = table[bucket * heads + h];
            }
        }
        Self { by_offset, longest }
    }

    /// The biases of query `query` of an `n`-token row over its `n` keys, in head `head`.
    pub fn keys(&self, head: usize, query: usize, n: usize) -> &[f32] {
        let width = 2 * self.longest - 1;
        let start = head * width + self.longest - 1 - query;
        &self.by_offset[start..start + n]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::bert::{Backbone, Batch, TrainBert};
    use crate::model::fast::FastBert;
    use candle_core::{DType, Device, Tensor};
    use candle_nn::VarBuilder;

    /// Where each bucket starts, over relative positions -600..=600, as transformers 5.24
    /// computes them (`MPNetEncoder.relative_position_bucket(torch.arange(-600, 601))`).
    const TORCH_BUCKET_STARTS: [(i64, usize); 31] = [
        (-600, 15),
        (-90, 14),
        (-63, 13),
        (-45, 12),
        (-31, 11),
        (-22, 10),
        (-15, 9),
        (-11, 8),
        (-7, 7),
        (-6, 6),
        (-5, 5),
        (-4, 4),
        (-3, 3),
        (-2, 2),
        (-1, 1),
        (0, 0),
        (1, 17),
        (2, 18),
        (3, 19),
        (4, 20),
        (5, 21),
        (6, 22),
        (7, 23),
        (8, 24),
        (12, 25),
        (16, 26),
        (23, 27),
        (32, 28),
        (46, 29),
        (64, 30),
        (91, 31),
    ];

    #[test]
    fn relative_buckets_match_transformers_on_every_offset() {
        for (k, &(start, bucket)) in TORCH_BUCKET_STARTS.iter().enumerate() {
            let end = TORCH_BUCKET_STARTS
                .get(k + 1)
                .map_or(601, |&(next, _)| next);
            for offset in start..end {
                assert_eq!(relative_position_bucket(offset), bucket, "offset {offset}");
            }
        }
    }

    /// A two-layer MPNet with random weights (biases and norm scales included) under the
    /// Hugging Face names: hidden 20, 4 heads, 36 intermediate units, 40 positions.
    fn tiny_mpnet(seed: u64) -> (MpnetConfig, std::collections::HashMap<String, Tensor>) {
        let c: MpnetConfig = serde_json::from_value(serde_json::json!({
            "vocab_size": 50, "hidden_size": 20, "num_hidden_layers": 2,
            "num_attention_heads": 4, "intermediate_size": 36, "hidden_act": "gelu",
            "max_position_embeddings": 40, "layer_norm_eps": 1e-5, "model_type": "mpnet",
            "relative_attention_num_buckets": 32, "pad_token_id": 1
        }))
        .unwrap();
        let h = c.hidden_size;
        let embeddings = vec![
            (
                "embeddings.word_embeddings.weight".into(),
                vec![c.vocab_size, h],
            ),
            (
                "embeddings.position_embeddings.weight".into(),
                vec![c.max_position_embeddings, h],
            ),
            ("embeddings.LayerNorm.weight".into(), vec![h]),
            ("embeddings.LayerNorm.bias".into(), vec![h]),
            (
                "encoder.relative_attention_bias.weight".into(),
                vec![BUCKETS, 4],
            ),
        ];
        let names = super::super::test_weights::LayerNames {
            attention: [
                "attention.attn.q",
                "attention.attn.k",
                "attention.attn.v",
                "attention.attn.o",
            ],
            attention_norm: "attention.LayerNorm",
        };
        let tensors = super::super::test_weights::random_encoder(
            embeddings,
            &names,
            c.num_hidden_layers,
            (h, c.intermediate_size),
            seed,
        );
        (c, tensors)
    }

    #[test]
    fn the_trainable_mpnet_computes_what_the_fast_engine_computes() {
        let (c, tensors) = tiny_mpnet(3);
        let vb = VarBuilder::from_tensors(tensors, DType::F32, &Device::Cpu);
        // Rows of 9, 1 and 30 tokens, padded; a padding id inside the first row moves the
        // positions after it; a hole in the third row's mask.
        let rows: Vec<Vec<u32>> = vec![
            vec![0, 7, 1, 9, 12, 30, 41, 5, 2],
            vec![0],
            (0..30).map(|p| 3 + (p * 7) % 45).collect(),
        ];
        let width = 30;
        let mut ids = vec![0u32; 3 * width];
        let mut mask = vec![0f32; 3 * width];
        for (r, row) in rows.iter().enumerate() {
            ids[r * width..][..row.len()].copy_from_slice(row);
            mask[r * width..][..row.len()].fill(1.0);
        }
        mask[2 * width + 11] = 0.0;
        let batch = Batch {
            input_ids: Tensor::from_vec(ids, (3, width), &Device::Cpu).unwrap(),
            type_ids: Tensor::zeros((3, width), DType::U32, &Device::Cpu).unwrap(),
            mask: Tensor::from_vec(mask, (3, width), &Device::Cpu).unwrap(),
        };
        let fast: Vec<f32> = FastBert::load_mpnet(vb.clone(), &c)
            .unwrap()
            .forward(&batch)
            .unwrap()
            .flatten_all()
            .unwrap()
            .to_vec1()
            .unwrap();
        for frozen in [0, 1, 2] {
            let train = TrainBert::load_mpnet(vb.clone(), vb.clone(), &c, frozen).unwrap();
            let got: Vec<f32> = train
                .forward_train(&batch, false)
                .unwrap()
                .flatten_all()
                .unwrap()
                .to_vec1()
                .unwrap();
            let h = c.hidden_size;
            let mut worst = 0f32;
            for (r, row) in rows.iter().enumerate() {
                for i in r * width * h..(r * width + row.len()) * h {
                    worst = worst.max((got[i] - fast[i]).abs());
                }
            }
            assert!(worst < 1e-4, "{frozen} frozen: max abs diff {worst}");
        }
    }

    #[test]
    fn a_querys_biases_are_its_keys_offsets() {
        // Two heads; bucket b has bias 10 b + head.
        let table: Vec<f32> = (0..BUCKETS)
            .flat_map(|b| [10.0 * b as f32, 10.0 * b as f32 + 1.0])
            .collect();
        let bias = RelativeBias::new(&table, 2, 20);
        for (head, query, n) in [(0, 0, 5), (1, 4, 5), (1, 19, 20), (0, 7, 20)] {
            let want: Vec<f32> = (0..n as i64)
                .map(|key| table[relative_position_bucket(key - query as i64) * 2 + head])
                .collect();
            assert_eq!(bias.keys(head, query, n), want.as_slice());
        }
    }
}
