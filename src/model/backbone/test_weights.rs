//! Random weights for tiny encoders in unit tests (BERT's and MPNet's names), shared by the
//! fast engine's and MPNet's tests.

use candle_core::{Device, Tensor};
use rand::{Rng, SeedableRng};
use std::collections::HashMap;

/// The names, under `encoder.layer.N.`, of a post-LN layer's query, key, value, attention
/// output and attention LayerNorm (the FFN's are the same in both architectures).
pub struct LayerNames {
    pub attention: [&'static str; 4],
    pub attention_norm: &'static str,
}

/// `shapes` (the embeddings and whatever else comes first) and then `layers` layers of width
/// `h` and FFN width `i` under `names`, each filled with uniform noise in [-0.5, 0.5) around 0
/// (around 1 for LayerNorm weights), drawn in that order from `seed`.
pub fn random_encoder(
    mut shapes: Vec<(String, Vec<usize>)>,
    names: &LayerNames,
    layers: usize,
    (h, i): (usize, usize),
    seed: u64,
) -> HashMap<String, Tensor> {
    for n in 0..layers {
        let p = format!("encoder.layer.{n}");
        let [q, k, v, o] = names.attention;
        for (name, out, inp) in [
            (q, h, h),
            (k, h, h),
            (v, h, h),
            (o, h, h),
            ("intermediate.dense", i, h),
            ("output.dense", h, i),
        ] {
            shapes.push((format!("{p}.{name}.weight"), vec![out, inp]));
            shapes.push((format!("{p}.{name}.bias"), vec![out]));
        }
        for name in [names.attention_norm, "output.LayerNorm"] {
            shapes.push((format!("{p}.{name}.weight"), vec![h]));
            shapes.push((format!("{p}.{name}.bias"), vec![h]));
        }
    }
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    shapes
        .into_iter()
        .map(|(name, shape)| {
            let n: usize = shape.iter().product();
            let centre = if name.ends_with("LayerNorm.weight") {
                1.0
            } else {
                0.0
            };
            let v: Vec<f32> = (0..n)
                .map(|_| centre + rng.gen_range(-0.5f32..0.5))
                .collect();
            (
                name,
                Tensor::from_vec(v, shape, &Device::Cpu).expect("tensor"),
            )
        })
        .collect()
}
