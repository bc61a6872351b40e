//! The encoder backbone: the `Backbone` trait the heads and pipeline use, the inference backbone
//! from candle-transformers, and a differentiable copy of BERT for training.
//!
//! Why a second BERT: candle-transformers' `BertModel` uses `candle_nn::LayerNorm`, whose fused
//! kernel has no backward pass, so gradients silently stop at every layer norm; it also has no
//! dropout. `TrainBert` mirrors the same Hugging Face module tree and weight names
//! (`modeling_bert.py`: BertEmbeddings, BertSelfAttention, BertSelfOutput, BertIntermediate,
//! BertOutput) with `ops::layer_norm_slow` and dropout, and splits the layers into a frozen
//! bottom, built from plain tensors, and a trainable top, built from `Var`s. The same type runs
//! MPNet (`TrainBert::load_mpnet`, modeling_mpnet.py): its layers are BERT's under other names,
//! plus positions from 2, no segments and one relative position bias for every layer.

use crate::model::mpnet::{self, MpnetConfig};
use candle_core::{DType, Device, Module, Tensor, D};
use candle_nn::{ops, Embedding, Linear, VarBuilder};
use candle_transformers::models::bert::{BertModel, Config, HiddenAct};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::cell::RefCell;

/// A batch of encoded inputs, padded to the same length.
#[derive(Debug, Clone)]
pub struct Batch {
    /// `[batch, seq]` u32 token ids.
    pub input_ids: Tensor,
    /// `[batch, seq]` u32 segment ids.
    pub type_ids: Tensor,
    /// `[batch, seq]` f32, 1 for real tokens and 0 for padding.
    pub mask: Tensor,
}

impl Batch {
    /// Pad `rows` of (ids, type ids) with zeros to the longest row.
    pub fn from_rows(rows: &[(&[u32], &[u32])], device: &Device) -> candle_core::Result<Batch> {
        let len = rows
            .iter()
            .map(|(ids, _)| ids.len())
            .max()
            .unwrap_or(0)
            .max(1);
        let n = rows.len();
        let mut ids = vec![0u32; n * len];
        let mut types = vec![0u32; n * len];
        let mut mask = vec![0f32; n * len];
        for (r, (row_ids, row_types)) in rows.iter().enumerate() {
            for (i, (&id, &ty)) in row_ids.iter().zip(row_types.iter()).enumerate() {
                ids[r * len + i] = id;
                types[r * len + i] = ty;
                mask[r * len + i] = 1.0;
            }
        }
        Ok(Batch {
            input_ids: Tensor::from_vec(ids, (n, len), device)?,
            type_ids: Tensor::from_vec(types, (n, len), device)?,
            mask: Tensor::from_vec(mask, (n, len), device)?,
        })
    }
}

/// What every encoder backbone offers the heads: token states `[batch, seq, hidden]`.
///
/// A new backbone (DistilBERT, XLM-RoBERTa, DeBERTa-v2 from candle-transformers) implements this
/// trait and a loader arm in `classifier::load_backbone`; heads and the pipeline stay as they are.
pub trait Backbone: Send + Sync {
    fn hidden_size(&self) -> usize;
    fn forward(&self, batch: &Batch) -> candle_core::Result<Tensor>;
}

/// Inference backbone: candle-transformers' BERT with its fused kernels.
pub struct BertBackbone {
    model: BertModel,
    hidden: usize,
}

impl BertBackbone {
    pub fn load(vb: VarBuilder, config: &Config) -> candle_core::Result<Self> {
        Ok(Self {
            model: BertModel::load(vb, config)?,
            hidden: config.hidden_size,
        })
    }
}

impl Backbone for BertBackbone {
    fn hidden_size(&self) -> usize {
        self.hidden
    }
    fn forward(&self, batch: &Batch) -> candle_core::Result<Tensor> {
        self.model
            .forward(&batch.input_ids, &batch.type_ids, Some(&batch.mask))
    }
}

/// A layer norm that keeps the autograd graph (see the module docs for why not `candle_nn`'s).
#[derive(Debug, Clone)]
pub(crate) struct SlowLayerNorm {
    weight: Tensor,
    bias: Tensor,
    eps: f32,
}

impl SlowLayerNorm {
    /// A new variable (a head's own norm) starts as the identity: weight 1, bias 0.
    pub(crate) fn load(size: usize, eps: f64, vb: VarBuilder) -> candle_core::Result<Self> {
        Ok(Self {
            weight: vb.get_with_hints(size, "weight", candle_nn::Init::Const(1.0))?,
            bias: vb.get_with_hints(size, "bias", candle_nn::Init::Const(0.0))?,
            eps: eps as f32,
        })
    }
    pub(crate) fn forward(&self, x: &Tensor, fused: bool) -> candle_core::Result<Tensor> {
        if fused {
            ops::layer_norm(x, &self.weight, &self.bias, self.eps)
        } else {
            ops::layer_norm_slow(x, &self.weight, &self.bias, self.eps)
        }
    }
}

thread_local! {
    /// The dropout mask generator. candle's CPU random generator cannot be seeded, so training
    /// would not be reproducible with `ops::dropout`; masks come from this seeded generator
    /// instead. One per thread, so runs training side by side (tests) never draw from each
    /// other's masks.
    static DROPOUT_RNG: RefCell<StdRng> = RefCell::new(StdRng::seed_from_u64(0));
}

/// Seed this thread's dropout masks (training seeds it per step, so a resumed run draws the
/// same masks).
pub fn seed_dropout(seed: u64) {
    DROPOUT_RNG.with(|rng| *rng.borrow_mut() = StdRng::seed_from_u64(seed));
}

/// Inverted dropout with a seeded mask; the identity outside training.
pub fn dropout(x: &Tensor, p: f32, train: bool) -> candle_core::Result<Tensor> {
    if !train || p <= 0.0 {
        return Ok(x.clone());
    }
    let scale = 1.0 / (1.0 - p);
    let n = x.elem_count();
    let mask: Vec<f32> = DROPOUT_RNG.with(|rng| {
        let mut rng = rng.borrow_mut();
        (0..n)
            .map(|_| if rng.gen::<f32>() >= p { scale } else { 0.0 })
            .collect()
    });
    let mask = Tensor::from_vec(mask, x.shape(), x.device())?.to_dtype(x.dtype())?;
    x * mask
}

fn linear(i: usize, o: usize, vb: VarBuilder) -> candle_core::Result<Linear> {
    candle_nn::linear(i, o, vb)
}

/// What the embeddings add to the word embeddings besides positions.
enum Segments {
    /// modeling_bert.py: positions from 0, plus segment (token type) embeddings.
    Bert(Embedding),
    /// modeling_mpnet.py: positions from `PADDING_IDX + 1` over the non-padding ids, no segments.
    Mpnet,
}

/// modeling_bert.py BertEmbeddings (modeling_mpnet.py MPNetEmbeddings).
struct Embeddings {
    word: Embedding,
    position: Embedding,
    segments: Segments,
    norm: SlowLayerNorm,
    dropout: f32,
    trainable: bool,
}

/// The shape of an encoder the embeddings and layers are loaded for, from either config.
struct Shape {
    vocab: usize,
    hidden: usize,
    positions: usize,
    eps: f64,
    dropout: f32,
    heads: usize,
    inter: usize,
    act: HiddenAct,
    names: &'static LayerNames,
}

impl Shape {
    fn bert(c: &Config) -> Self {
        Self {
            vocab: c.vocab_size,
            hidden: c.hidden_size,
            positions: c.max_position_embeddings,
            eps: c.layer_norm_eps,
            dropout: c.hidden_dropout_prob as f32,
            heads: c.num_attention_heads,
            inter: c.intermediate_size,
            act: c.hidden_act,
            names: &BERT_NAMES,
        }
    }

    fn mpnet(c: &MpnetConfig) -> Self {
        Self {
            vocab: c.vocab_size,
            hidden: c.hidden_size,
            positions: c.max_position_embeddings,
            eps: c.layer_norm_eps,
            dropout: c.hidden_dropout_prob as f32,
            heads: c.num_attention_heads,
            inter: c.intermediate_size,
            act: c.hidden_act,
            names: &MPNET_NAMES,
        }
    }
}

/// Where a layer's attention weights are, under `encoder.layer.N.attention`.
struct LayerNames {
    query: &'static str,
    key: &'static str,
    value: &'static str,
    out: &'static str,
    norm: &'static str,
}

/// modeling_bert.py BertSelfAttention and BertSelfOutput.
const BERT_NAMES: LayerNames = LayerNames {
    query: "self.query",
    key: "self.key",
    value: "self.value",
    out: "output.dense",
    norm: "output.LayerNorm",
};

/// modeling_mpnet.py MPNetSelfAttention (`attn`) and MPNetAttention's own LayerNorm.
const MPNET_NAMES: LayerNames = LayerNames {
    query: "attn.q",
    key: "attn.k",
    value: "attn.v",
    out: "attn.o",
    norm: "LayerNorm",
};

impl Embeddings {
    fn load(vb: VarBuilder, c: &Config, trainable: bool) -> candle_core::Result<Self> {
        let segments = Segments::Bert(candle_nn::embedding(
            c.type_vocab_size,
            c.hidden_size,
            vb.pp("token_type_embeddings"),
        )?);
        Self::load_with(vb, &Shape::bert(c), segments, trainable)
    }

    fn load_with(
        vb: VarBuilder,
        c: &Shape,
        segments: Segments,
        trainable: bool,
    ) -> candle_core::Result<Self> {
        Ok(Self {
            trainable,
            word: candle_nn::embedding(c.vocab, c.hidden, vb.pp("word_embeddings"))?,
            position: candle_nn::embedding(c.positions, c.hidden, vb.pp("position_embeddings"))?,
            segments,
            norm: SlowLayerNorm::load(c.hidden, c.eps, vb.pp("LayerNorm"))?,
            dropout: c.dropout,
        })
    }

    fn forward(&self, ids: &Tensor, types: &Tensor, train: bool) -> candle_core::Result<Tensor> {
        let (_, seq) = ids.dims2()?;
        let x = match &self.segments {
            Segments::Bert(token_type) => {
                let pos = Tensor::arange(0u32, seq as u32, ids.device())?;
                let x = self
                    .word
                    .forward(ids)?
                    .broadcast_add(&self.position.forward(&pos)?)?;
                (x + token_type.forward(types)?)?
            }
            Segments::Mpnet => {
                let pos = Tensor::new(mpnet_positions(&ids.to_vec2::<u32>()?), ids.device())?;
                (self.word.forward(ids)? + self.position.forward(&pos)?)?
            }
        };
        // Fused kernels only where no gradient is needed (frozen embeddings run with train=false
        // through forward_frozen; trainable ones with the differentiable path).
        dropout(
            &self.norm.forward(&x, !self.trainable)?,
            self.dropout,
            train,
        )
    }
}

/// modeling_mpnet.py `create_position_ids_from_input_ids`: each id's position is
/// `PADDING_IDX` plus the count of non-padding ids up to it; padding ids sit at `PADDING_IDX`.
fn mpnet_positions(ids: &[Vec<u32>]) -> Vec<Vec<u32>> {
    ids.iter()
        .map(|row| {
            let mut count = 0;
            row.iter()
                .map(|&id| {
                    if id == mpnet::PADDING_IDX {
                        mpnet::PADDING_IDX
                    } else {
                        count += 1;
                        mpnet::PADDING_IDX + count
                    }
                })
                .collect()
        })
        .collect()
}

/// modeling_bert.py BertLayer (attention, intermediate, output); MPNetLayer under its names.
pub(crate) struct Layer {
    query: Linear,
    key: Linear,
    value: Linear,
    attn_out: Linear,
    attn_norm: SlowLayerNorm,
    inter: Linear,
    out: Linear,
    out_norm: SlowLayerNorm,
    heads: usize,
    head_dim: usize,
    act: HiddenAct,
    /// Frozen layers use candle's fused kernels (no backward pass needed, and faster).
    fused: bool,
    hidden_dropout: f32,
    attn_dropout: f32,
}

impl Layer {
    /// A BERT layer of the shape `c` gives (a head's own layers, see `model::attribution_head`).
    pub(crate) fn load_bert(vb: VarBuilder, c: &Config, fused: bool) -> candle_core::Result<Self> {
        Self::load(vb, &Shape::bert(c), fused)
    }

    fn load(vb: VarBuilder, c: &Shape, fused: bool) -> candle_core::Result<Self> {
        let h = c.hidden;
        let a = vb.pp("attention");
        let n = c.names;
        Ok(Self {
            fused,
            query: linear(h, h, a.pp(n.query))?,
            key: linear(h, h, a.pp(n.key))?,
            value: linear(h, h, a.pp(n.value))?,
            attn_out: linear(h, h, a.pp(n.out))?,
            attn_norm: SlowLayerNorm::load(h, c.eps, a.pp(n.norm))?,
            inter: linear(h, c.inter, vb.pp("intermediate").pp("dense"))?,
            out: linear(c.inter, h, vb.pp("output").pp("dense"))?,
            out_norm: SlowLayerNorm::load(h, c.eps, vb.pp("output").pp("LayerNorm"))?,
            heads: c.heads,
            head_dim: h / c.heads,
            act: c.act,
            hidden_dropout: c.dropout,
            // The config's attention dropout is not in candle's Config; BERT and MPNet use the
            // same 0.1 for both.
            attn_dropout: c.dropout,
        })
    }

    fn split_heads(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        let (b, s, _) = x.dims3()?;
        x.reshape((b, s, self.heads, self.head_dim))?
            .transpose(1, 2)?
            .contiguous()
    }

    /// `bias`: MPNet's relative position bias `[1, heads, seq, seq]`, added before the mask.
    pub(crate) fn forward(
        &self,
        x: &Tensor,
        mask: &Tensor,
        bias: Option<&Tensor>,
        train: bool,
    ) -> candle_core::Result<Tensor> {
        let q = self.split_heads(&self.query.forward(x)?)?;
        let k = self.split_heads(&self.key.forward(x)?)?;
        let v = self.split_heads(&self.value.forward(x)?)?;
        let scores = (q.matmul(&k.t()?)? / (self.head_dim as f64).sqrt())?;
        let scores = match bias {
            Some(bias) => scores.broadcast_add(bias)?,
            None => scores,
        };
        let scores = scores.broadcast_add(mask)?;
        let probs = if self.fused {
            ops::softmax_last_dim(&scores)?
        } else {
            ops::softmax(&scores, D::Minus1)?
        };
        let probs = dropout(&probs, self.attn_dropout, train)?;
        let ctx = probs
            .matmul(&v)?
            .transpose(1, 2)?
            .contiguous()?
            .flatten_from(D::Minus2)?;
        let attn = dropout(&self.attn_out.forward(&ctx)?, self.hidden_dropout, train)?;
        let attn = self.attn_norm.forward(&(attn + x)?, self.fused)?;
        let inter = self.inter.forward(&attn)?;
        let inter = match self.act {
            HiddenAct::Gelu => inter.gelu_erf()?,
            HiddenAct::GeluApproximate => inter.gelu()?,
            HiddenAct::Relu => inter.relu()?,
        };
        let out = dropout(&self.out.forward(&inter)?, self.hidden_dropout, train)?;
        self.out_norm.forward(&(out + attn)?, self.fused)
    }
}

/// `[batch, seq]` 1/0 mask -> additive `[batch, 1, 1, seq]` mask (0 keep, large negative drop).
pub fn additive_mask(mask: &Tensor) -> candle_core::Result<Tensor> {
    let m = mask.to_dtype(DType::F32)?.unsqueeze(1)?.unsqueeze(1)?;
    (m.ones_like()? - m)? * (f32::MIN as f64)
}

/// Differentiable BERT for training: `layers[..frozen]` and the embeddings come from `frozen_vb`
/// (plain tensors, no gradients), `layers[frozen..]` from `train_vb` (variables).
pub struct TrainBert {
    embeddings: Embeddings,
    layers: Vec<Layer>,
    /// MPNet's `encoder.relative_attention_bias` (`[buckets, heads]`), with the embeddings'
    /// weights: frozen when any layer is.
    relative: Option<Embedding>,
    frozen: usize,
    hidden: usize,
}

impl TrainBert {
    /// `frozen_vb` holds the base weights; `train_vb` creates the variables of the top
    /// `num_layers - frozen` layers under the same names (`encoder.layer.N....`).
    pub fn load(
        frozen_vb: VarBuilder,
        train_vb: VarBuilder,
        c: &Config,
        frozen: usize,
    ) -> candle_core::Result<Self> {
        let frozen = frozen.min(c.num_hidden_layers);
        let emb_vb = if frozen == 0 { &train_vb } else { &frozen_vb };
        let embeddings = Embeddings::load(emb_vb.pp("embeddings"), c, frozen == 0)?;
        let layers = Self::layers(
            &frozen_vb,
            &train_vb,
            &Shape::bert(c),
            c.num_hidden_layers,
            frozen,
        )?;
        Ok(Self {
            embeddings,
            layers,
            relative: None,
            frozen,
            hidden: c.hidden_size,
        })
    }

    /// [`TrainBert::load`] for MPNet weights (`MPNetModel`'s names, without the `mpnet.`
    /// prefix): the relative position bias goes with the embeddings, frozen when any layer is.
    pub fn load_mpnet(
        frozen_vb: VarBuilder,
        train_vb: VarBuilder,
        c: &MpnetConfig,
        frozen: usize,
    ) -> candle_core::Result<Self> {
        if c.relative_attention_num_buckets != mpnet::BUCKETS {
            candle_core::bail!(
                "relative_attention_num_buckets is {}; only {} is supported",
                c.relative_attention_num_buckets,
                mpnet::BUCKETS
            );
        }
        let frozen = frozen.min(c.num_hidden_layers);
        let emb_vb = if frozen == 0 { &train_vb } else { &frozen_vb };
        let shape = Shape::mpnet(c);
        let embeddings = Embeddings::load_with(
            emb_vb.pp("embeddings"),
            &shape,
            Segments::Mpnet,
            frozen == 0,
        )?;
        let relative = candle_nn::embedding(
            mpnet::BUCKETS,
            c.num_attention_heads,
            emb_vb.pp("encoder").pp("relative_attention_bias"),
        )?;
        let layers = Self::layers(&frozen_vb, &train_vb, &shape, c.num_hidden_layers, frozen)?;
        Ok(Self {
            embeddings,
            layers,
            relative: Some(relative),
            frozen,
            hidden: c.hidden_size,
        })
    }

    fn layers(
        frozen_vb: &VarBuilder,
        train_vb: &VarBuilder,
        shape: &Shape,
        count: usize,
        frozen: usize,
    ) -> candle_core::Result<Vec<Layer>> {
        (0..count)
            .map(|i| {
                let vb = if i < frozen { frozen_vb } else { train_vb };
                Layer::load(vb.pp(format!("encoder.layer.{i}")), shape, i < frozen)
            })
            .collect()
    }

    /// MPNet's relative position bias for a batch of `seq` tokens, `[1, heads, seq, seq]`
    /// (modeling_mpnet.py `compute_position_bias`); `None` for BERT.
    fn position_bias(&self, batch: &Batch) -> candle_core::Result<Option<Tensor>> {
        let Some(relative) = &self.relative else {
            return Ok(None);
        };
        let (_, seq) = batch.input_ids.dims2()?;
        let buckets: Vec<u32> = (0..seq as i64)
            .flat_map(|q| {
                (0..seq as i64).map(move |k| mpnet::relative_position_bucket(k - q) as u32)
            })
            .collect();
        let buckets = Tensor::from_vec(buckets, (seq, seq), batch.input_ids.device())?;
        // [seq, seq, heads] -> [1, heads, seq, seq]
        Ok(Some(
            relative
                .forward(&buckets)?
                .permute((2, 0, 1))?
                .unsqueeze(0)?
                .contiguous()?,
        ))
    }

    pub fn frozen_layers(&self) -> usize {
        self.frozen
    }

    /// The frozen bottom: embeddings and the frozen layers, run without dropout and detached,
    /// so its output depends only on the input (and could be cached).
    pub fn forward_frozen(&self, batch: &Batch) -> candle_core::Result<Tensor> {
        let mask = additive_mask(&batch.mask)?;
        let bias = self.position_bias(batch)?;
        let mut x = self
            .embeddings
            .forward(&batch.input_ids, &batch.type_ids, false)?;
        for layer in &self.layers[..self.frozen] {
            x = layer.forward(&x, &mask, bias.as_ref(), false)?;
        }
        Ok(x.detach())
    }

    /// The trainable top over the frozen bottom's output.
    pub fn forward_top(
        &self,
        x: &Tensor,
        batch: &Batch,
        train: bool,
    ) -> candle_core::Result<Tensor> {
        let mask = additive_mask(&batch.mask)?;
        let bias = self.position_bias(batch)?;
        let mut x = if self.frozen == 0 {
            self.embeddings
                .forward(&batch.input_ids, &batch.type_ids, train)?
        } else {
            x.clone()
        };
        for layer in &self.layers[self.frozen..] {
            x = layer.forward(&x, &mask, bias.as_ref(), train)?;
        }
        Ok(x)
    }

    pub fn forward_train(&self, batch: &Batch, train: bool) -> candle_core::Result<Tensor> {
        let bottom = if self.frozen == 0 {
            batch.input_ids.clone()
        } else {
            self.forward_frozen(batch)?
        };
        self.forward_top(&bottom, batch, train)
    }
}

impl Backbone for TrainBert {
    fn hidden_size(&self) -> usize {
        self.hidden
    }
    fn forward(&self, batch: &Batch) -> candle_core::Result<Tensor> {
        self.forward_train(batch, false)
    }
}

/// Mean of the token states over real tokens: `[batch, seq, hidden]` -> `[batch, hidden]`.
/// Training reads this one (its gradient flows); inference reads [`mean_pool_host`].
pub fn mean_pool(states: &Tensor, mask: &Tensor) -> candle_core::Result<Tensor> {
    let m = mask.to_dtype(states.dtype())?.unsqueeze(2)?;
    let sum = states.broadcast_mul(&m)?.sum(1)?;
    let count = m.sum(1)?.clamp(1e-9, f64::MAX)?;
    sum.broadcast_div(&count)
}

/// [`mean_pool`] without a gradient, for inference: the same sums in the same order, on the
/// host. Candle's broadcast product and reduction over the middle dimension cost as much as
/// 3% of a fast-profile `batch` run; this loop costs a tenth of that.
pub fn mean_pool_host(states: &Tensor, mask: &Tensor) -> candle_core::Result<Tensor> {
    let (b, t, h) = states.dims3()?;
    let m: Vec<f32> = mask.to_dtype(DType::F32)?.flatten_all()?.to_vec1()?;
    let means = with_host_f32(states, |x| mean_rows(x, &m, b, t, h))?;
    Tensor::from_vec(means, (b, h), states.device())?.to_dtype(states.dtype())
}

/// `f` over the values of `t` as f32 on the host: the tensor's own memory where it is a
/// contiguous f32 tensor on the CPU (no copy), else a copy.
pub fn with_host_f32<R>(t: &Tensor, f: impl FnOnce(&[f32]) -> R) -> candle_core::Result<R> {
    if t.dtype() == DType::F32 && t.is_contiguous() {
        let (storage, layout) = t.storage_and_layout();
        if let candle_core::Storage::Cpu(cpu) = &*storage {
            let start = layout.start_offset();
            let all = cpu.as_slice::<f32>()?;
            return Ok(f(&all[start..start + t.elem_count()]));
        }
    }
    let copy: Vec<f32> = t.to_dtype(DType::F32)?.flatten_all()?.to_vec1()?;
    Ok(f(&copy))
}

/// The mean over each row's masked positions of `x` (`[rows, seq, hidden]`, row-major) with
/// `mask` (`[rows, seq]`): `[rows, hidden]`.
pub fn mean_rows(x: &[f32], mask: &[f32], rows: usize, seq: usize, hidden: usize) -> Vec<f32> {
    let mut out = vec![0f32; rows * hidden];
    for r in 0..rows {
        let sum = &mut out[r * hidden..(r + 1) * hidden];
        let mut count = 0f32;
        for p in 0..seq {
            let m = mask[r * seq + p];
            count += m;
            if m == 0.0 {
                continue;
            }
            let row = &x[(r * seq + p) * hidden..][..hidden];
            for (s, &v) in sum.iter_mut().zip(row) {
                *s += v * m;
            }
        }
        let count = count.max(1e-9);
        for s in sum.iter_mut() {
            *s /= count;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_host_mean_is_the_trained_mean() {
        let (b, t, h) = (3, 5, 7);
        let x: Vec<f32> = (0..b * t * h)
            .map(|i| ((i * 37 % 101) as f32 - 50.0) / 7.0)
            .collect();
        let states = Tensor::from_vec(x, (b, t, h), &Device::Cpu).unwrap();
        // Rows of 5, 2 and 0 real tokens (the last one's mean is zero, not NaN).
        let mask: Vec<u32> = [[1, 1, 1, 1, 1], [1, 1, 0, 0, 0], [0, 0, 0, 0, 0]].concat();
        let mask = Tensor::from_vec(mask, (b, t), &Device::Cpu).unwrap();
        let trained: Vec<Vec<f32>> = mean_pool(&states, &mask).unwrap().to_vec2().unwrap();
        let host: Vec<Vec<f32>> = mean_pool_host(&states, &mask).unwrap().to_vec2().unwrap();
        assert_eq!(trained, host);
        assert!(host[2].iter().all(|&v| v == 0.0));
        assert_ne!(host[0], host[1]);
    }

    #[test]
    fn host_values_are_the_tensors_whether_borrowed_or_copied() {
        let t = Tensor::arange(0f32, 24.0, &Device::Cpu)
            .unwrap()
            .reshape((2, 3, 4))
            .unwrap();
        let want: Vec<f32> = t.flatten_all().unwrap().to_vec1().unwrap();
        assert_eq!(with_host_f32(&t, |v| v.to_vec()).unwrap(), want);
        // A view that starts inside its storage, and a transposed (strided) one.
        let row = t.get(1).unwrap();
        let want: Vec<f32> = row.flatten_all().unwrap().to_vec1().unwrap();
        assert_eq!(with_host_f32(&row, |v| v.to_vec()).unwrap(), want);
        let tr = t.get(0).unwrap().t().unwrap();
        let want: Vec<f32> = tr.flatten_all().unwrap().to_vec1().unwrap();
        assert_eq!(with_host_f32(&tr, |v| v.to_vec()).unwrap(), want);
    }
}
