//! `FastBert`: an inference-only BERT encoder written directly on `gemm`, the default backbone
//! for architecture "bert" (`classifier::Loaded::load`), and the MPNet encoder (`load_mpnet`,
//! for a base whose config says `model_type: "mpnet"`).
//!
//! It computes what candle-transformers' `BertModel` computes (modeling_bert.py BertModel,
//! absolute positions, no dropout), with the same Hugging Face weight names; for MPNet what
//! transformers' `MPNetModel` computes (modeling_mpnet.py: the same post-LN layers, positions
//! from 2, no segments, a relative position bias added to every layer's scores). Unlike both:
//! - no work on padding: the real tokens of all rows are packed into one `[tokens, hidden]`
//!   matrix for the dense layers, and attention runs per (row, head) over the row's real length;
//! - fused kernels: one `[hidden, 3 hidden]` QKV matmul; bias + GELU; bias + residual + layer
//!   norm; a one-pass stable softmax with a vectorised `exp`; GELU's `erf` as a vectorised
//!   rational approximation instead of candle's scalar `libm::erff`;
//! - weights copied once, pre-transposed to `[in, out]` (the layout gemm runs fastest on here),
//!   and scratch buffers reused across layers and calls;
//! - the cores split the rows of a batch (one group of rows per core, single-threaded kernels,
//!   no synchronisation inside a forward pass), or, for one or two rows, every step (`Split`);
//!   the threads are candle's persistent pool, so nothing is started per call.
//!
//! Padding positions of the output are zero; the heads read real positions only.

use crate::model::bert::{Backbone, Batch};
use crate::model::mpnet::{self, MpnetConfig, RelativeBias};
use candle_core::{bail, DType, Tensor, TensorId};
use candle_nn::VarBuilder;
use candle_transformers::models::bert::{Config, HiddenAct, PositionEmbeddingType};
use gemm::Parallelism;
use rayon::prelude::*;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, Weak};

/// How a forward pass spreads over the cores.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Split {
    /// `Rows` when the rows of a batch are enough to share fairly between the cores (a few
    /// hundred tokens each), else `Matmul`.
    Auto,
    /// One group of rows per core, each run start to end with single-threaded kernels.
    Rows,
    /// All rows in one group; every step is split across the cores (the columns of each
    /// matmul, the heads of attention, the rows of the element-wise work).
    Matmul,
}

/// Number format of the dense layers' matmuls (attention, softmax, norms and activations stay
/// f32 either way).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Precision {
    /// f32 throughout: the same hidden states as candle's `BertModel` up to float noise.
    F32,
    /// Weights and the dense layers' inputs rounded to bfloat16, products summed in f32
    /// (AVX512-BF16 `vdpbf16ps`): twice the matmul speed, 1.8x the encoder's; hidden states of
    /// the base encoder off by up to 2.6e-2 (mean-pooled sentence vectors at cosine > 0.99997),
    /// measured in examples/encoder_speed.rs.
    Bf16,
}

/// A dense layer with its weight stored `[in, out]` row-major.
struct Dense {
    w: Arc<[f32]>,
    /// The weight packed for the bf16 kernel, when the precision is bf16.
    packed: Option<Arc<[u32]>>,
    b: Vec<f32>,
    inp: usize,
    out: usize,
}

struct Norm {
    g: Vec<f32>,
    b: Vec<f32>,
}

/// modeling_bert.py BertLayer, with query/key/value fused into one dense layer.
struct Layer {
    qkv: Dense,
    attn_out: Dense,
    attn_norm: Norm,
    inter: Dense,
    out: Dense,
    out_norm: Norm,
}

/// Buffers of one group's forward pass, grown as needed and reused.
#[derive(Default)]
struct Scratch {
    x: Vec<f32>,
    qkv: Vec<f32>,
    ctx: Vec<f32>,
    tmp: Vec<f32>,
    inter: Vec<f32>,
    scores: Vec<f32>,
    /// A dense layer's input rounded to bf16, for the bf16 kernel.
    bf16: Vec<u16>,
}

/// One row of the batch: its real tokens and, when the mask has holes, which of them attend.
struct Row<'a> {
    ids: &'a [u32],
    types: &'a [u32],
    /// `Some` only when a position before the last real token is masked out.
    keep: Option<&'a [f32]>,
}

/// What the architectures differ in; the layers are the same post-LN layers in both.
enum Arch {
    /// modeling_bert.py: absolute positions from 0 and segment (token type) embeddings.
    Bert {
        token_type: Arc<[f32]>,
        type_vocab: usize,
    },
    /// modeling_mpnet.py: a token's position is `PADDING_IDX` plus the number of non-padding
    /// ids up to it (`create_position_ids_from_input_ids`), padding ids sit at `PADDING_IDX`;
    /// no segments (segment ids are ignored, as `MPNetModel` takes none); one relative position
    /// bias shared by every layer.
    Mpnet { bias: RelativeBias },
}

/// Whether this CPU runs the bf16 matmuls (`Precision::Bf16`: AVX512-BF16).
pub fn bf16_supported() -> bool {
    bf16::supported()
}

/// The encoder; see the module docs. Weights are copied at load: tensors changed in place
/// afterwards (a training `Var`) are not seen.
pub struct FastBert {
    word: Arc<[f32]>,
    position: Arc<[f32]>,
    arch: Arch,
    emb_norm: Norm,
    layers: Vec<Layer>,
    hidden: usize,
    heads: usize,
    head_dim: usize,
    vocab: usize,
    /// The longest row (for MPNet, two fewer than its position embeddings).
    max_positions: usize,
    eps: f32,
    act: HiddenAct,
    threads: usize,
    split: Split,
    precision: Precision,
    pool: Mutex<Vec<Scratch>>,
}

fn get(vb: &VarBuilder, shape: (usize, usize), name: &str) -> candle_core::Result<Tensor> {
    vb.get(shape, name)?.to_dtype(DType::F32)
}

fn vec1(vb: &VarBuilder, size: usize, name: &str) -> candle_core::Result<Vec<f32>> {
    vb.get(size, name)?.to_dtype(DType::F32)?.to_vec1()
}

/// Host copies of weight matrices, keyed by the tensors they were made from (and whether they
/// are transposed). The task models of a pipeline share the base encoder's tensors
/// (`classifier::load_base_tensors`), so they share these copies too, as they share the base.
type HostKey = (Vec<TensorId>, bool);
static HOST: Mutex<Option<HashMap<HostKey, Weak<[f32]>>>> = Mutex::new(None);

/// `ts` concatenated along dim 0 (and transposed when `transpose`), as row-major host data.
fn host(ts: &[Tensor], transpose: bool) -> candle_core::Result<Arc<[f32]>> {
    let key = (ts.iter().map(Tensor::id).collect::<Vec<_>>(), transpose);
    {
        let mut cache = HOST.lock().unwrap_or_else(|e| e.into_inner());
        let cache = cache.get_or_insert_with(HashMap::new);
        if let Some(data) = cache.get(&key).and_then(Weak::upgrade) {
            return Ok(data);
        }
    }
    // The cache is not held while copying: the layers are laid out in parallel (two threads
    // asking for the same tensors at once would each copy them, which no loader does).
    // On the host in one pass: candle's concatenation, strided transpose and copy out made
    // three copies of every matrix (the word table's 47 MB included), a tenth of a cold start.
    let data: Arc<[f32]> = match (ts, transpose) {
        ([one], false) => one.flatten_all()?.to_vec1::<f32>()?.into(),
        (_, false) => Tensor::cat(ts, 0)?.flatten_all()?.to_vec1::<f32>()?.into(),
        (_, true) => {
            let inp = ts.first().map_or(Ok(0), |t| t.dim(1))?;
            let mut rows = Vec::with_capacity(ts.len());
            for t in ts {
                let (out, i) = t.dims2()?;
                if i != inp {
                    bail!("fast bert: concatenated layers take inputs of {inp} and {i}");
                }
                rows.push((out, t.flatten_all()?.to_vec1::<f32>()?));
            }
            transpose_concat(&rows, inp).into()
        }
    };
    let mut cache = HOST.lock().unwrap_or_else(|e| e.into_inner());
    let cache = cache.get_or_insert_with(HashMap::new);
    cache.retain(|_, w| w.strong_count() > 0);
    cache.insert(key, Arc::downgrade(&data));
    Ok(data)
}

/// `[in, sum of outs]`, row-major, of matrices `[out, in]` stacked along `out` (the layers'
/// outputs side by side), transposed in cache-sized blocks.
fn transpose_concat(mats: &[(usize, Vec<f32>)], inp: usize) -> Vec<f32> {
    const BLOCK: usize = 32;
    let total: usize = mats.iter().map(|(out, _)| out).sum();
    let mut t = vec![0f32; inp * total];
    let mut first = 0;
    for (out, m) in mats {
        for r0 in (0..*out).step_by(BLOCK) {
            for c0 in (0..inp).step_by(BLOCK) {
                for r in r0..(r0 + BLOCK).min(*out) {
                    for c in c0..(c0 + BLOCK).min(inp) {
                        t[c * total + first + r] = m[r * inp + c];
                    }
                }
            }
        }
        first += out;
    }
    t
}

impl Dense {
    /// Hugging Face `Linear` weights (`[out, in]`) of one or more layers sharing their input,
    /// concatenated along the output.
    fn load(vbs: &[VarBuilder], inp: usize, out: usize) -> candle_core::Result<Self> {
        let ws = vbs
            .iter()
            .map(|vb| get(vb, (out, inp), "weight"))
            .collect::<candle_core::Result<Vec<_>>>()?;
        let mut b = Vec::with_capacity(out * vbs.len());
        for vb in vbs {
            b.extend(vec1(vb, out, "bias")?);
        }
        Ok(Self {
            w: host(&ws, true)?,
            packed: None,
            b,
            inp,
            out: out * vbs.len(),
        })
    }
}

impl Norm {
    fn load(vb: &VarBuilder, size: usize) -> candle_core::Result<Self> {
        Ok(Self {
            g: vec1(vb, size, "weight")?,
            b: vec1(vb, size, "bias")?,
        })
    }
}

impl FastBert {
    /// Its transformer layers.
    pub fn layer_count(&self) -> usize {
        self.layers.len()
    }

    /// Load from the same weights as `BertModel::load`, accepting the same prefixes (none,
    /// `bert.`, or `<model_type>.`).
    pub fn load(vb: VarBuilder, c: &Config) -> candle_core::Result<Self> {
        let probe = "embeddings.word_embeddings.weight";
        let mut prefixes = vec!["bert".to_string()];
        prefixes.extend(c.model_type.clone());
        let vb = prefixes
            .iter()
            .map(|p| vb.pp(p))
            .find(|p| !vb.contains_tensor(probe) && p.contains_tensor(probe))
            .unwrap_or(vb);
        // The only kind candle's config holds; a new kind must fail to compile here.
        let PositionEmbeddingType::Absolute = c.position_embedding_type;
        let (h, i) = (c.hidden_size, c.intermediate_size);
        if c.num_attention_heads == 0 || h % c.num_attention_heads != 0 {
            bail!(
                "hidden size {h} is not a multiple of the {} attention heads",
                c.num_attention_heads
            );
        }
        let e = vb.pp("embeddings");
        // The layers' weights and the word table are laid out on all cores (a cold start copies
        // the whole encoder once).
        let (layers, word) = rayon::join(
            || {
                (0..c.num_hidden_layers)
                    .into_par_iter()
                    .map(|n| {
                        let l = vb.pp(format!("encoder.layer.{n}"));
                        let a = l.pp("attention");
                        let s = a.pp("self");
                        Ok(Layer {
                            qkv: Dense::load(&[s.pp("query"), s.pp("key"), s.pp("value")], h, h)?,
                            attn_out: Dense::load(&[a.pp("output").pp("dense")], h, h)?,
                            attn_norm: Norm::load(&a.pp("output").pp("LayerNorm"), h)?,
                            inter: Dense::load(&[l.pp("intermediate").pp("dense")], h, i)?,
                            out: Dense::load(&[l.pp("output").pp("dense")], i, h)?,
                            out_norm: Norm::load(&l.pp("output").pp("LayerNorm"), h)?,
                        })
                    })
                    .collect::<candle_core::Result<Vec<_>>>()
            },
            || {
                host(
                    &[get(&e, (c.vocab_size, h), "word_embeddings.weight")?],
                    false,
                )
            },
        );
        let layers = layers?;
        Ok(Self {
            word: word?,
            position: host(
                &[get(
                    &e,
                    (c.max_position_embeddings, h),
                    "position_embeddings.weight",
                )?],
                false,
            )?,
            arch: Arch::Bert {
                token_type: host(
                    &[get(
                        &e,
                        (c.type_vocab_size, h),
                        "token_type_embeddings.weight",
                    )?],
                    false,
                )?,
                type_vocab: c.type_vocab_size,
            },
            emb_norm: Norm::load(&e.pp("LayerNorm"), h)?,
            layers,
            hidden: h,
            heads: c.num_attention_heads,
            head_dim: h / c.num_attention_heads,
            vocab: c.vocab_size,
            max_positions: c.max_position_embeddings,
            eps: c.layer_norm_eps as f32,
            act: c.hidden_act,
            threads: candle_core::utils::get_num_threads().max(1),
            split: Split::Auto,
            precision: Precision::F32,
            pool: Mutex::new(Vec::new()),
        })
    }

    /// Load an MPNet encoder (`MPNetModel` weights, with or without the `mpnet.` prefix).
    pub fn load_mpnet(vb: VarBuilder, c: &MpnetConfig) -> candle_core::Result<Self> {
        let probe = "embeddings.word_embeddings.weight";
        let vb = if !vb.contains_tensor(probe) && vb.pp("mpnet").contains_tensor(probe) {
            vb.pp("mpnet")
        } else {
            vb
        };
        let (h, i, heads) = (c.hidden_size, c.intermediate_size, c.num_attention_heads);
        if heads == 0 || h % heads != 0 {
            bail!("hidden size {h} is not a multiple of the {heads} attention heads");
        }
        if c.relative_attention_num_buckets != mpnet::BUCKETS {
            bail!(
                "relative_attention_num_buckets is {}; MPNetModel computes {} buckets whatever \
                 the config says, so only {} is supported",
                c.relative_attention_num_buckets,
                mpnet::BUCKETS,
                mpnet::BUCKETS
            );
        }
        let e = vb.pp("embeddings");
        // modeling_mpnet.py MPNetLayer: MPNetAttention (attn.q/k/v/o, then LayerNorm of o + input),
        // MPNetIntermediate, MPNetOutput: BERT's layer under other names.
        let layers = (0..c.num_hidden_layers)
            .map(|n| {
                let l = vb.pp(format!("encoder.layer.{n}"));
                let a = l.pp("attention");
                let s = a.pp("attn");
                Ok(Layer {
                    qkv: Dense::load(&[s.pp("q"), s.pp("k"), s.pp("v")], h, h)?,
                    attn_out: Dense::load(&[s.pp("o")], h, h)?,
                    attn_norm: Norm::load(&a.pp("LayerNorm"), h)?,
                    inter: Dense::load(&[l.pp("intermediate").pp("dense")], h, i)?,
                    out: Dense::load(&[l.pp("output").pp("dense")], i, h)?,
                    out_norm: Norm::load(&l.pp("output").pp("LayerNorm"), h)?,
                })
            })
            .collect::<candle_core::Result<Vec<_>>>()?;
        let table = get(
            &vb.pp("encoder"),
            (mpnet::BUCKETS, heads),
            "relative_attention_bias.weight",
        )?
        .flatten_all()?
        .to_vec1::<f32>()?;
        let longest = c.max_tokens();
        if longest == 0 {
            bail!(
                "max_position_embeddings {} leaves no position for a token",
                c.max_position_embeddings
            );
        }
        Ok(Self {
            word: host(
                &[get(&e, (c.vocab_size, h), "word_embeddings.weight")?],
                false,
            )?,
            position: host(
                &[get(
                    &e,
                    (c.max_position_embeddings, h),
                    "position_embeddings.weight",
                )?],
                false,
            )?,
            arch: Arch::Mpnet {
                bias: RelativeBias::new(&table, heads, longest),
            },
            emb_norm: Norm::load(&e.pp("LayerNorm"), h)?,
            layers,
            hidden: h,
            heads,
            head_dim: h / heads,
            vocab: c.vocab_size,
            max_positions: longest,
            eps: c.layer_norm_eps as f32,
            act: c.hidden_act,
            threads: candle_core::utils::get_num_threads().max(1),
            split: Split::Auto,
            precision: Precision::F32,
            pool: Mutex::new(Vec::new()),
        })
    }

    /// Use `threads` cores (default: candle's count, which follows `RAYON_NUM_THREADS`).
    pub fn with_threads(mut self, threads: usize) -> Self {
        self.threads = threads.max(1);
        self
    }

    /// Keep only the bottom `n` layers: the output is then layer `n`'s, the input of a
    /// trainable top (a training run computes its frozen bottom once this way).
    pub fn bottom_layers(mut self, n: usize) -> Self {
        self.layers.truncate(n);
        self
    }

    pub fn with_split(mut self, split: Split) -> Self {
        self.split = split;
        self
    }

    /// Run the dense layers' matmuls in `precision`; bf16 needs a CPU with AVX512-BF16.
    pub fn with_precision(mut self, precision: Precision) -> candle_core::Result<Self> {
        if precision == Precision::Bf16 && !bf16::supported() {
            bail!("bf16 matmuls need a CPU with AVX512-BF16; this one has none");
        }
        for layer in &mut self.layers {
            for d in [
                &mut layer.qkv,
                &mut layer.attn_out,
                &mut layer.inter,
                &mut layer.out,
            ] {
                d.packed = match precision {
                    Precision::Bf16 if bf16::fits(d.inp, d.out) => {
                        Some(bf16::pack(&d.w, d.inp, d.out).into())
                    }
                    _ => None,
                };
            }
        }
        self.precision = precision;
        Ok(self)
    }

    pub fn precision(&self) -> Precision {
        self.precision
    }

    pub fn threads(&self) -> usize {
        self.threads
    }

    /// Hidden states `[rows, seq, hidden]` of a batch given as host data: `ids`, `types` and
    /// `mask` are `[rows, seq]` row-major; a row's real tokens run to its last unmasked one.
    pub fn forward_host(
        &self,
        ids: &[u32],
        types: &[u32],
        mask: &[f32],
        rows: usize,
        seq: usize,
    ) -> candle_core::Result<Vec<f32>> {
        if ids.len() != rows * seq || types.len() != rows * seq || mask.len() != rows * seq {
            bail!("fast bert: ids, type ids and mask must all be {rows} x {seq}");
        }
        if seq > self.max_positions {
            bail!(
                "fast bert: {seq} tokens is more than the {} positions the encoder has",
                self.max_positions
            );
        }
        let mut batch = Vec::with_capacity(rows);
        for r in 0..rows {
            let span = r * seq..(r + 1) * seq;
            let m = &mask[span.clone()];
            let len = m.iter().rposition(|&v| v != 0.0).map_or(0, |p| p + 1);
            let (row_ids, row_types) = (&ids[span.start..][..len], &types[span.start..][..len]);
            if let Some(&bad) = row_ids.iter().find(|&&i| i as usize >= self.vocab) {
                bail!(
                    "fast bert: token id {bad} is outside the vocabulary of {}",
                    self.vocab
                );
            }
            if let Arch::Bert { type_vocab, .. } = self.arch {
                if let Some(&bad) = row_types.iter().find(|&&t| t as usize >= type_vocab) {
                    bail!("fast bert: segment id {bad} is outside the {type_vocab} segments");
                }
            }
            let holes = m[..len].contains(&0.0);
            batch.push(Row {
                ids: row_ids,
                types: row_types,
                keep: holes.then(|| &m[..len]),
            });
        }
        let h = self.hidden;
        let mut out = vec![0f32; rows * seq * h];
        let groups = self.groups(&batch);
        if groups.len() <= 1 {
            self.run_group(&batch, &mut out, seq, self.threads);
            return Ok(out);
        }
        // Rows are split into contiguous groups, so each group's output is a contiguous slice.
        let mut parts = Vec::with_capacity(groups.len());
        let mut rest = out.as_mut_slice();
        let mut start = 0;
        for &end in &groups {
            let (mine, tail) = rest.split_at_mut((end - start) * seq * h);
            parts.push(Mutex::new((&batch[start..end], mine)));
            rest = tail;
            start = end;
        }
        fork(parts.len(), |g| {
            let mut part = parts[g].lock().unwrap_or_else(|e| e.into_inner());
            let (rows, out) = &mut *part;
            self.run_group(rows, out, seq, 1);
        });
        Ok(out)
    }

    /// Hidden states of rows given as input vectors instead of token ids: `inputs` holds each
    /// row's vectors (`[lens[r], hidden]`) one row after another, and takes the place of the
    /// word embeddings (position and first segment embeddings are added, then the layer norm,
    /// then the layers). Returns the rows' states packed the same way. A small model over
    /// another model's states (the attribution head) runs on the same kernels as the encoder.
    pub fn forward_embedded(
        &self,
        inputs: &[f32],
        lens: &[usize],
    ) -> candle_core::Result<Vec<f32>> {
        let h = self.hidden;
        let tokens: usize = lens.iter().sum();
        if inputs.len() != tokens * h {
            bail!(
                "fast bert: {} input values for {tokens} positions of {h}",
                inputs.len()
            );
        }
        let longest = lens.iter().copied().max().unwrap_or(0);
        if longest > self.max_positions {
            bail!(
                "fast bert: {longest} positions is more than the {} the encoder has",
                self.max_positions
            );
        }
        let zeros = vec![0u32; longest];
        let rows: Vec<Row> = lens
            .iter()
            .map(|&n| Row {
                ids: &zeros[..n],
                types: &zeros[..n],
                keep: None,
            })
            .collect();
        let mut s = {
            let mut pool = self.pool.lock().unwrap_or_else(|e| e.into_inner());
            pool.pop().unwrap_or_default()
        };
        self.encode(&rows, Some(inputs), &mut s, self.threads);
        let out = s.x[..tokens * h].to_vec();
        self.pool.lock().unwrap_or_else(|e| e.into_inner()).push(s);
        Ok(out)
    }

    /// Ends of the row groups (one per core), or a single group (every step split instead)
    /// when the rows are too few to share out: measured in examples/encoder_speed.rs, splitting
    /// the rows wins once each core gets about `ROWS_SPLIT_TOKENS` tokens (each core then
    /// packs every weight matrix for itself, and that must pay off), and loses when it leaves a
    /// core idle a fifth of the time or more (very unequal lengths).
    fn groups(&self, rows: &[Row]) -> Vec<usize> {
        const ROWS_SPLIT_TOKENS: usize = 320;
        let whole = vec![rows.len()];
        let n = self.threads.min(rows.len());
        if n <= 1 || self.split == Split::Matmul {
            return whole;
        }
        let tokens: usize = rows.iter().map(|r| r.ids.len()).sum();
        if self.split == Split::Auto && tokens < ROWS_SPLIT_TOKENS * n {
            return whole;
        }
        // Cost of a row: its dense layers (linear in length) plus attention (quadratic).
        let dense =
            2 * self.hidden * (self.layers.first().map_or(0, |l| l.inter.out) + 2 * self.hidden);
        let cost = |r: &Row| {
            let n = r.ids.len();
            n * dense + 2 * n * n * self.hidden
        };
        let total: usize = rows.iter().map(cost).sum();
        let mut ends = Vec::with_capacity(n);
        let mut acc = 0;
        for (i, r) in rows.iter().enumerate() {
            acc += cost(r);
            let filled = ends.len() + 1;
            if acc * n >= total * filled && ends.len() + 1 < n && rows.len() - (i + 1) >= n - filled
            {
                ends.push(i + 1);
            }
        }
        ends.push(rows.len());
        if self.split == Split::Auto {
            let mut start = 0;
            let worst = ends
                .iter()
                .map(|&end| {
                    let c: usize = rows[start..end].iter().map(cost).sum();
                    start = end;
                    c
                })
                .max()
                .unwrap_or(0);
            if worst * n * 4 > total * 5 {
                return whole;
            }
        }
        ends
    }

    /// Run `rows` through the encoder on `parts` threads and write their states into `out`
    /// (`[rows, seq, hidden]`, zero on entry).
    fn run_group(&self, rows: &[Row], out: &mut [f32], seq: usize, parts: usize) {
        let mut s = {
            let mut pool = self.pool.lock().unwrap_or_else(|e| e.into_inner());
            pool.pop().unwrap_or_default()
        };
        self.encode(rows, None, &mut s, parts);
        let h = self.hidden;
        let mut t = 0;
        for (r, row) in rows.iter().enumerate() {
            let n = row.ids.len();
            out[r * seq * h..][..n * h].copy_from_slice(&s.x[t * h..(t + n) * h]);
            t += n;
        }
        self.pool.lock().unwrap_or_else(|e| e.into_inner()).push(s);
    }

    /// The encoder over the packed real tokens of `rows`, each step split in `parts` (columns
    /// of the matmuls, heads of attention, rows of the rest); the result is left in `s.x`.
    fn encode(&self, rows: &[Row], embedded: Option<&[f32]>, s: &mut Scratch, parts: usize) {
        let h = self.hidden;
        let tokens: usize = rows.iter().map(|r| r.ids.len()).sum();
        let longest = rows.iter().map(|r| r.ids.len()).max().unwrap_or(0);
        let inter = self.layers.first().map_or(0, |l| l.inter.out);
        let x = grow(&mut s.x, tokens * h);
        let qkv = grow(&mut s.qkv, tokens * 3 * h);
        let ctx = grow(&mut s.ctx, tokens * h);
        let tmp = grow(&mut s.tmp, tokens * h);
        let mid = grow(&mut s.inter, tokens * inter);
        let scores = grow(&mut s.scores, parts * longest * longest);
        let xb = &mut s.bf16;
        let eps = self.eps;

        let mut t = 0;
        for row in rows {
            match &self.arch {
                // modeling_bert.py BertEmbeddings: word + position + segment, then layer norm.
                Arch::Bert { token_type, .. } => {
                    for (p, (&id, &ty)) in row.ids.iter().zip(row.types).enumerate() {
                        let dst = &mut x[t * h..(t + 1) * h];
                        // Input vectors given in place of the words (`forward_embedded`).
                        let word = match embedded {
                            Some(e) => &e[t * h..][..h],
                            None => &self.word[id as usize * h..][..h],
                        };
                        kernels::embed(
                            dst,
                            word,
                            &self.position[p * h..][..h],
                            &token_type[ty as usize * h..][..h],
                        );
                        t += 1;
                    }
                }
                // modeling_mpnet.py MPNetEmbeddings: word + position, then layer norm.
                Arch::Mpnet { .. } => {
                    let mut position = mpnet::PADDING_IDX as usize;
                    for &id in row.ids {
                        let p = if id == mpnet::PADDING_IDX {
                            mpnet::PADDING_IDX as usize
                        } else {
                            position += 1;
                            position
                        };
                        let dst = &mut x[t * h..(t + 1) * h];
                        dst.copy_from_slice(&self.word[id as usize * h..][..h]);
                        kernels::add_bias(dst, &self.position[p * h..][..h]);
                        t += 1;
                    }
                }
            }
        }
        let norm = &self.emb_norm;
        kernels::norm_rows(x, None, None, &norm.g, &norm.b, eps);

        for layer in &self.layers {
            // BertSelfAttention: one matmul for query, key and value.
            matmul(x, &layer.qkv, qkv, tokens, parts, xb, Some(None));
            self.attention(rows, qkv, ctx, scores, parts);
            // BertSelfOutput: dense, then layer norm of (dense + bias + input).
            matmul(ctx, &layer.attn_out, tmp, tokens, parts, xb, None);
            let (bias, norm) = (&layer.attn_out.b, &layer.attn_norm);
            fork_rows(tmp, h, parts, |part, first| {
                let res = &x[first * h..][..part.len()];
                kernels::norm_rows(part, Some(bias), Some(res), &norm.g, &norm.b, eps)
            });
            // BertIntermediate and BertOutput.
            matmul(
                tmp,
                &layer.inter,
                mid,
                tokens,
                parts,
                xb,
                Some(Some(self.act)),
            );
            matmul(mid, &layer.out, x, tokens, parts, xb, None);
            let (bias, norm) = (&layer.out.b, &layer.out_norm);
            fork_rows(x, h, parts, |part, first| {
                let res = &tmp[first * h..][..part.len()];
                kernels::norm_rows(part, Some(bias), Some(res), &norm.g, &norm.b, eps)
            });
        }
    }

    /// Scaled dot-product attention of each row and head over the row's real tokens; `qkv` is
    /// `[tokens, 3 hidden]` (query | key | value, heads side by side), `ctx` `[tokens, hidden]`.
    /// The heads are shared among `parts` threads, each with its own `longest^2` of `scores`.
    fn attention(
        &self,
        rows: &[Row],
        qkv: &[f32],
        ctx: &mut [f32],
        scores: &mut [f32],
        parts: usize,
    ) {
        let h = self.hidden;
        let d = self.head_dim;
        let scale = 1.0 / (d as f32).sqrt();
        let parts = parts.clamp(1, self.heads);
        let each = self.heads.div_ceil(parts);
        let per_part = scores.len() / parts;
        let scores = Shared(scores.as_mut_ptr());
        let ctx = Shared(ctx.as_mut_ptr());
        let relative = match &self.arch {
            Arch::Bert { .. } => None,
            Arch::Mpnet { bias } => Some(bias),
        };
        fork(parts, |part| {
            // SAFETY: each part has its own `per_part` floats of `scores`.
            let sc_all = unsafe {
                std::slice::from_raw_parts_mut(scores.get().add(part * per_part), per_part)
            };
            for head in part * each..((part + 1) * each).min(self.heads) {
                let mut t = 0;
                for row in rows {
                    let n = row.ids.len();
                    if n == 0 {
                        continue;
                    }
                    let sc = &mut sc_all[..n * n];
                    let q = qkv[t * 3 * h + head * d..].as_ptr();
                    let k = qkv[t * 3 * h + h + head * d..].as_ptr();
                    let v = qkv[t * 3 * h + 2 * h + head * d..].as_ptr();
                    // SAFETY: reads stay inside the row's `n` tokens of `qkv` (stride 3h, `d`
                    // columns from the head's offset); `sc` is n x n; the writes to `ctx` are
                    // the row's `n` tokens in this head's `d` columns, which no other part
                    // touches.
                    unsafe {
                        let c = ctx.get().add(t * h + head * d);
                        gemm::gemm(
                            n,
                            n,
                            d,
                            sc.as_mut_ptr(),
                            1,
                            n as isize,
                            false,
                            q,
                            1,
                            3 * h as isize,
                            k,
                            3 * h as isize,
                            1,
                            0.0,
                            scale,
                            false,
                            false,
                            false,
                            Parallelism::None,
                        );
                        if let Some(bias) = relative {
                            // MPNetSelfAttention: scores + position_bias, then the mask.
                            for (i, scores) in sc.chunks_exact_mut(n).enumerate() {
                                kernels::add_bias(scores, bias.keys(head, i, n));
                            }
                        }
                        kernels::softmax_rows(sc, n, row.keep);
                        gemm::gemm(
                            n,
                            d,
                            n,
                            c,
                            1,
                            h as isize,
                            false,
                            sc.as_ptr(),
                            1,
                            n as isize,
                            v,
                            1,
                            3 * h as isize,
                            0.0,
                            1.0,
                            false,
                            false,
                            false,
                            Parallelism::None,
                        );
                    }
                    t += n;
                }
            }
        });
    }
}

/// Run `f(0)`, ..., `f(parts - 1)` in parallel: on candle's persistent thread pool when it has
/// exactly `parts` threads (no thread start-up per call), else on scoped threads. `f` must not
/// itself run candle ops or `fork` on the pool (the pool does not nest).
fn fork(parts: usize, f: impl Fn(usize) + Sync) {
    if parts <= 1 {
        f(0);
        return;
    }
    let pool = candle_core::utils::barrier_pool();
    if pool.n_workers() + 1 == parts {
        pool.execute(&f);
        return;
    }
    std::thread::scope(|scope| {
        let f = &f;
        for part in 1..parts {
            scope.spawn(move || f(part));
        }
        f(0);
    });
}

/// Run `f(piece, first_row)` on `parts` pieces of whole rows (`width` long) of `x`, in parallel.
fn fork_rows(x: &mut [f32], width: usize, parts: usize, f: impl Fn(&mut [f32], usize) + Sync) {
    let rows = x.len() / width.max(1);
    let parts = parts.clamp(1, rows.max(1));
    if parts == 1 {
        f(x, 0);
        return;
    }
    let each = rows.div_ceil(parts);
    let pieces: Vec<Mutex<&mut [f32]>> = x.chunks_mut(each * width).map(Mutex::new).collect();
    fork(pieces.len(), |p| {
        let mut piece = pieces[p].lock().unwrap_or_else(|e| e.into_inner());
        f(&mut piece, p * each);
    });
}

/// A raw pointer handed to the threads of one `fork`, which touch disjoint parts of it.
#[derive(Clone, Copy)]
struct Shared<T>(*mut T);

impl<T> Shared<T> {
    /// Through a method, so closures capture the whole `Shared` and not the bare pointer.
    fn get(self) -> *mut T {
        self.0
    }
}

// SAFETY: only used for buffers whose parts are written by one thread each, while the `fork`
// that shares them runs.
unsafe impl<T> Send for Shared<T> {}
unsafe impl<T> Sync for Shared<T> {}

/// `v[..len]`, growing `v` first when it is shorter.
fn grow(v: &mut Vec<f32>, len: usize) -> &mut [f32] {
    if v.len() < len {
        v.resize(len, 0.0);
    }
    &mut v[..len]
}

/// `y = x w` for `x` `[m, in]`, `w` `[in, out]`, `y` `[m, out]`, all row-major, the columns
/// shared among `parts` threads; `xb` is scratch for the bf16 kernel. `then` is what each thread
/// does next to its columns: nothing (`None`), add the bias (`Some(None)`), or add the bias and
/// apply an activation (`Some(Some(act))`).
fn matmul(
    x: &[f32],
    w: &Dense,
    y: &mut [f32],
    m: usize,
    parts: usize,
    xb: &mut Vec<u16>,
    then: Option<Option<HiddenAct>>,
) {
    assert!(x.len() >= m * w.inp && y.len() >= m * w.out && w.w.len() == w.inp * w.out);
    if m == 0 {
        return;
    }
    let (x, y) = (&x[..m * w.inp], &mut y[..m * w.out]);
    let out = Shared(y.as_mut_ptr());
    // Called by the thread that computed columns `first..first + cols` of `y`, once it has.
    let finish = |first: usize, cols: usize| {
        let Some(act) = then else { return };
        let bias = &w.b[first..first + cols];
        for r in 0..m {
            // SAFETY: this row's block of columns is the calling part's alone, inside `y`.
            let row =
                unsafe { std::slice::from_raw_parts_mut(out.get().add(r * w.out + first), cols) };
            match act {
                None => kernels::add_bias(row, bias),
                Some(act) => kernels::bias_act(row, bias, act),
            }
        }
    };
    if let Some(packed) = &w.packed {
        bf16::matmul(x, xb, packed, w.out, y, parts, finish);
        return;
    }
    // Column blocks of whole vectors (16 floats), one per part.
    let vectors = w.out.div_ceil(16);
    let parts = parts.clamp(1, vectors);
    let each = vectors.div_ceil(parts) * 16;
    let out = Shared(y.as_mut_ptr());
    fork(parts, |part| {
        let first = part * each;
        let cols = each.min(w.out.saturating_sub(first));
        if cols == 0 {
            return;
        }
        // SAFETY: the sizes are checked above; `y`'s columns `first..first + cols` of all `m`
        // rows are this part's alone; `x` and `w` are only read.
        unsafe {
            gemm::gemm(
                m,
                cols,
                w.inp,
                out.get().add(first),
                1,
                w.out as isize,
                false,
                x.as_ptr(),
                1,
                w.inp as isize,
                w.w.as_ptr().add(first),
                1,
                w.out as isize,
                0.0,
                1.0,
                false,
                false,
                false,
                Parallelism::None,
            );
        }
        finish(first, cols);
    });
}

/// Widest inner dimension of one gemm call in [`matmul_k_blocks`]: gemm cuts the inner dimension
/// into blocks whose size depends on the row count (`min(k, 512)` when both the rows and the
/// columns are at most 64, a cache-derived size of at least 512 otherwise), and each block is
/// summed on its own, so an inner dimension over 512 (the MPNet joint model's 768-wide heads)
/// would sum in another order for a few rows than for many.
const K_BLOCK: usize = 512;

/// `y = x w + b` (`x`: `[m, k]`, `w`: `[k, n]`, row-major), the inner dimension in blocks of at
/// most [`K_BLOCK`] summed one after another into `y`, so that every row's sums run in the same
/// order whatever `m`; columns in blocks of whole vectors, one per part, as [`matmul`].
#[allow(clippy::too_many_arguments)]
fn matmul_k_blocks(
    x: &[f32],
    w: &[f32],
    b: &[f32],
    k: usize,
    n: usize,
    y: &mut [f32],
    m: usize,
    parts: usize,
) {
    assert!(x.len() >= m * k && y.len() >= m * n && w.len() == k * n && b.len() == n);
    let vectors = n.div_ceil(16);
    let parts = parts.clamp(1, vectors.max(1));
    let each = vectors.div_ceil(parts) * 16;
    let out = Shared(y.as_mut_ptr());
    fork(parts, |part| {
        let first = part * each;
        let cols = each.min(n.saturating_sub(first));
        if cols == 0 {
            return;
        }
        let mut k0 = 0;
        while k0 < k {
            let kb = K_BLOCK.min(k - k0);
            // SAFETY: the sizes are checked above; `y`'s columns `first..first + cols` of all
            // `m` rows are this part's alone; `x` and `w` are only read. The first block
            // writes `y`, later ones add to it (`read_dst`, scale 1).
            unsafe {
                gemm::gemm(
                    m,
                    cols,
                    kb,
                    out.get().add(first),
                    1,
                    n as isize,
                    k0 > 0,
                    x.as_ptr().add(k0),
                    1,
                    k as isize,
                    w.as_ptr().add(k0 * n + first),
                    1,
                    n as isize,
                    if k0 > 0 { 1.0 } else { 0.0 },
                    1.0,
                    false,
                    false,
                    false,
                    Parallelism::None,
                );
            }
            k0 += kb;
        }
        for r in 0..m {
            // SAFETY: this row's block of columns is this part's alone, inside `y`.
            let row = unsafe { std::slice::from_raw_parts_mut(out.get().add(r * n + first), cols) };
            kernels::add_bias(row, &b[first..first + cols]);
        }
    });
}

/// `x W^T + b` of a candle `Linear` at inference, each row computed by the same kernel in the
/// same order whatever the number of rows or threads (batch invariance: a document's numbers do
/// not depend on the documents it is batched with). candle's own matmul picks its kernel by the
/// row count (a matrix-vector product for one row, dot-product kernels for a few rows against a
/// narrow output), which moves the last bits of a result; this goes through the same `gemm` call
/// as the encoder's dense layers, whose results do not depend on the row count (tested), with the
/// one-row case padded to two. Any leading dimensions of `x` are kept.
pub fn linear_rows(lin: &candle_nn::Linear, x: &Tensor) -> candle_core::Result<Tensor> {
    let layer = HostLinear::new(lin)?;
    let dims = x.dims().to_vec();
    let Some((&inp, lead)) = dims.split_last() else {
        bail!("linear: a scalar input");
    };
    if inp != layer.inputs() {
        bail!(
            "linear: input width {inp}, the layer takes {}",
            layer.inputs()
        );
    }
    let host: Vec<f32> = x.flatten_all()?.to_dtype(DType::F32)?.to_vec1()?;
    let y = layer.forward(&host);
    let mut shape = lead.to_vec();
    shape.push(layer.outputs());
    Tensor::from_vec(y, shape, x.device())
}

/// A candle `Linear` laid out for [`linear_rows`]'s kernel once, for callers that keep their
/// rows on the host and run the layer many times (the attribution head): no tensor round trip
/// and no transposed copy of the weights per call. The results are [`linear_rows`]'s, bit for
/// bit.
#[derive(Debug, Clone)]
pub struct HostLinear {
    /// `[in, out]`, row-major.
    w: Vec<f32>,
    b: Vec<f32>,
    k: usize,
    n: usize,
}

impl HostLinear {
    pub fn new(lin: &candle_nn::Linear) -> candle_core::Result<HostLinear> {
        let (n, k) = lin.weight().dims2()?;
        // Stored `[out, in]`; the kernel wants `[in, out]`.
        let w: Vec<f32> = lin
            .weight()
            .t()?
            .contiguous()?
            .to_dtype(DType::F32)?
            .flatten_all()?
            .to_vec1()?;
        let b = match lin.bias() {
            Some(b) => b.to_dtype(DType::F32)?.to_vec1()?,
            None => vec![0f32; n],
        };
        Ok(HostLinear { w, b, k, n })
    }

    pub fn inputs(&self) -> usize {
        self.k
    }

    pub fn outputs(&self) -> usize {
        self.n
    }

    /// `x W^T + b` of the rows of `x` (`[m, in]`, row-major; `m` from its length).
    pub fn forward(&self, x: &[f32]) -> Vec<f32> {
        let m = x.len() / self.k.max(1);
        let mut y = vec![0f32; m.max(2) * self.n];
        if m >= 2 {
            self.forward_into(&x[..m * self.k], &mut y);
        } else {
            // One row would take gemm's matrix-vector path (another summation order): pad to two.
            let mut padded = x[..m * self.k].to_vec();
            padded.resize(2 * self.k, 0.0);
            self.forward_into(&padded, &mut y);
            y.truncate(m * self.n);
        }
        y
    }

    fn forward_into(&self, x: &[f32], y: &mut [f32]) {
        let m = x.len() / self.k.max(1);
        let parts = candle_core::utils::get_num_threads().max(1);
        matmul_k_blocks(x, &self.w, &self.b, self.k, self.n, y, m, parts);
    }
}

/// The bf16 matmul: AVX512-BF16 `vdpbf16ps` on weights packed once into panels, 8 x 48 blocks
/// of f32 accumulators, products summed in the same order whatever the rows or threads.
#[cfg(target_arch = "x86_64")]
mod bf16 {
    use super::{fork, Shared};
    use std::arch::x86_64::*;
    use std::mem::transmute;

    /// Columns per panel: three vectors of 16.
    const NR: usize = 48;
    const NV: usize = NR / 16;
    /// Rows per block.
    const MR: usize = 8;

    pub fn supported() -> bool {
        is_x86_feature_detected!("avx512f")
            && is_x86_feature_detected!("avx512bw")
            && is_x86_feature_detected!("avx512bf16")
    }

    /// Whether a `[k, n]` weight suits the kernel (pairs of rows, whole panels).
    pub fn fits(k: usize, n: usize) -> bool {
        k.is_multiple_of(2) && n.is_multiple_of(NR)
    }

    /// f32 to bf16, rounding to nearest even (as `vcvtne2ps2bf16` does for normal numbers).
    fn round(x: f32) -> u16 {
        let b = x.to_bits();
        (b.wrapping_add(0x7fff + ((b >> 16) & 1)) >> 16) as u16
    }

    /// `w` `[k, n]` row-major into panels of `NR` columns; within a panel, for each pair of rows
    /// `(2p, 2p + 1)`, `NR` words holding `w[2p][j]` (low half) and `w[2p + 1][j]` (high).
    pub fn pack(w: &[f32], k: usize, n: usize) -> Vec<u32> {
        assert!(fits(k, n) && w.len() == k * n);
        let mut out = Vec::with_capacity(k / 2 * n);
        for panel in (0..n).step_by(NR) {
            for p in 0..k / 2 {
                for j in panel..panel + NR {
                    let lo = u32::from(round(w[2 * p * n + j]));
                    let hi = u32::from(round(w[(2 * p + 1) * n + j]));
                    out.push(lo | (hi << 16));
                }
            }
        }
        out
    }

    /// `y = x w` with `w` packed by `pack` (`n` columns), `x` `[m, k]`, `y` `[m, n]`, the
    /// panels shared among `parts` threads; each then calls `finish(first column, columns)`.
    pub fn matmul(
        x: &[f32],
        xb: &mut Vec<u16>,
        packed: &[u32],
        n: usize,
        y: &mut [f32],
        parts: usize,
        finish: impl Fn(usize, usize) + Sync,
    ) {
        assert!(supported(), "bf16 matmul on a CPU without AVX512-BF16");
        let k = packed.len() * 2 / n;
        let m = x.len() / k;
        assert!(fits(k, n) && x.len() == m * k && y.len() == m * n);
        if xb.len() < m * k {
            xb.resize(m * k, 0);
        }
        // SAFETY: the CPU has the features (asserted above), and the lengths match.
        unsafe { to_bf16(x, &mut xb[..m * k]) };
        let a = xb.as_ptr().cast::<u32>();
        let (a, out) = (Shared(a.cast_mut()), Shared(y.as_mut_ptr()));
        let panels = n / NR;
        let parts = parts.clamp(1, panels);
        let each = panels.div_ceil(parts);
        fork(parts, |part| {
            let (first, last) = (part * each, ((part + 1) * each).min(panels));
            for panel in first..last {
                // SAFETY: features asserted above; each panel writes its own NR columns of `y`
                // for all m rows, and reads `xb` and its own part of `packed`.
                unsafe {
                    let w = packed.as_ptr().add(panel * k / 2 * NR);
                    let y = out.get().add(panel * NR);
                    rows(a.get(), m, k / 2, w, y, n);
                }
            }
            if first < last {
                finish(first * NR, (last - first) * NR);
            }
        });
    }

    #[target_feature(enable = "avx512f,avx512bw,avx512bf16")]
    unsafe fn to_bf16(x: &[f32], out: &mut [u16]) {
        let whole = x.len() / 32 * 32;
        for i in (0..whole).step_by(32) {
            let lo = _mm512_loadu_ps(x.as_ptr().add(i));
            let hi = _mm512_loadu_ps(x.as_ptr().add(i + 16));
            let v: __m512i = transmute(_mm512_cvtne2ps_pbh(hi, lo));
            _mm512_storeu_si512(out.as_mut_ptr().add(i).cast(), v);
        }
        for i in whole..x.len() {
            out[i] = round(x[i]);
        }
    }

    /// One panel for all `m` rows: blocks of `MR` rows, then the remaining rows.
    #[target_feature(enable = "avx512f,avx512bw,avx512bf16")]
    unsafe fn rows(a: *const u32, m: usize, kp: usize, w: *const u32, y: *mut f32, ldy: usize) {
        let mut i = 0;
        while i + MR <= m {
            block::<MR>(a.add(i * kp), kp, w, y.add(i * ldy), ldy);
            i += MR;
        }
        let (a, y) = (a.add(i * kp), y.add(i * ldy));
        match m - i {
            1 => block::<1>(a, kp, w, y, ldy),
            2 => block::<2>(a, kp, w, y, ldy),
            3 => block::<3>(a, kp, w, y, ldy),
            4 => block::<4>(a, kp, w, y, ldy),
            5 => block::<5>(a, kp, w, y, ldy),
            6 => block::<6>(a, kp, w, y, ldy),
            7 => block::<7>(a, kp, w, y, ldy),
            _ => {}
        }
    }

    /// `ROWS` rows of `a` (bf16 pairs, `kp` words a row) times one panel into `ROWS x NR` of `y`.
    #[target_feature(enable = "avx512f,avx512bw,avx512bf16")]
    unsafe fn block<const ROWS: usize>(
        a: *const u32,
        kp: usize,
        w: *const u32,
        y: *mut f32,
        ldy: usize,
    ) {
        let mut acc = [[_mm512_setzero_ps(); NV]; ROWS];
        for p in 0..kp {
            let b: [__m512bh; NV] = std::array::from_fn(|v| {
                transmute(_mm512_loadu_si512(w.add(p * NR + v * 16).cast()))
            });
            for (r, acc) in acc.iter_mut().enumerate() {
                let x: __m512bh = transmute(_mm512_set1_epi32(*a.add(r * kp + p) as i32));
                for (acc, b) in acc.iter_mut().zip(b) {
                    *acc = _mm512_dpbf16_ps(*acc, x, b);
                }
            }
        }
        for (r, acc) in acc.iter().enumerate() {
            for (v, acc) in acc.iter().enumerate() {
                _mm512_storeu_ps(y.add(r * ldy + v * 16), *acc);
            }
        }
    }
}

/// No bf16 kernel off x86-64: `Precision::Bf16` is refused at load.
#[cfg(not(target_arch = "x86_64"))]
mod bf16 {
    pub fn supported() -> bool {
        false
    }
    pub fn fits(_: usize, _: usize) -> bool {
        false
    }
    pub fn pack(_: &[f32], _: usize, _: usize) -> Vec<u32> {
        unreachable!("bf16 is refused off x86-64")
    }
    pub fn matmul(
        _: &[f32],
        _: &mut Vec<u16>,
        _: &[u32],
        _: usize,
        _: &mut [f32],
        _: usize,
        _: impl Fn(usize, usize) + Sync,
    ) {
        unreachable!("bf16 is refused off x86-64")
    }
}

impl Backbone for FastBert {
    fn hidden_size(&self) -> usize {
        self.hidden
    }

    fn forward(&self, batch: &Batch) -> candle_core::Result<Tensor> {
        let (rows, seq) = batch.input_ids.dims2()?;
        let ids = batch.input_ids.flatten_all()?.to_vec1::<u32>()?;
        let types = batch.type_ids.flatten_all()?.to_vec1::<u32>()?;
        let mask = batch
            .mask
            .to_dtype(DType::F32)?
            .flatten_all()?
            .to_vec1::<f32>()?;
        let out = self.forward_host(&ids, &types, &mask, rows, seq)?;
        Tensor::from_vec(out, (rows, seq, self.hidden), batch.input_ids.device())
    }
}

/// Element-wise kernels, written as plain loops over 16-lane chunks that LLVM vectorises, and
/// compiled three times (AVX-512, AVX2, baseline) with the best picked at run time. They use no
/// fused multiply-add, so every path computes bit-identical results.
pub mod kernels {
    use candle_transformers::models::bert::HiddenAct;

    const LANES: usize = 16;

    #[derive(Clone, Copy, PartialEq, Eq)]
    enum Level {
        Avx512,
        Avx2,
        Base,
    }

    #[inline]
    fn level() -> Level {
        #[cfg(target_arch = "x86_64")]
        {
            if is_x86_feature_detected!("avx512f") && is_x86_feature_detected!("avx512bw") {
                return Level::Avx512;
            }
            if is_x86_feature_detected!("avx2") {
                return Level::Avx2;
            }
        }
        Level::Base
    }

    /// Defines a public kernel from an `#[inline(always)]` body and dispatches on the CPU.
    macro_rules! kernel {
        ($(#[$m:meta])* pub fn $name:ident($($a:ident: $t:ty),* $(,)?) $body:block) => {
            $(#[$m])*
            pub fn $name($($a: $t),*) {
                #[inline(always)]
                fn body($($a: $t),*) $body
                #[cfg(target_arch = "x86_64")]
                {
                    #[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl,avx2,fma")]
                    unsafe fn avx512($($a: $t),*) { body($($a),*) }
                    #[target_feature(enable = "avx2,fma")]
                    unsafe fn avx2($($a: $t),*) { body($($a),*) }
                    match level() {
                        // SAFETY: the CPU has the features these copies are compiled for.
                        Level::Avx512 => return unsafe { avx512($($a),*) },
                        Level::Avx2 => return unsafe { avx2($($a),*) },
                        Level::Base => {}
                    }
                }
                body($($a),*)
            }
        };
    }

    /// `e^x` to about 2 ulp (Cephes `expf`: Cody-Waite reduction, degree-6 polynomial);
    /// 0 below -87.
    #[inline(always)]
    #[allow(clippy::excessive_precision)] // the coefficients as published
    pub fn exp(x: f32) -> f32 {
        const MAGIC: f32 = 12_582_912.0; // 1.5 * 2^23: adding it rounds to an integer
        let xc = if x < -87.0 { -87.0 } else { x };
        let xc = if xc > 88.0 { 88.0 } else { xc };
        let t = xc * std::f32::consts::LOG2_E + MAGIC;
        let n = t - MAGIC;
        let ni = (t.to_bits() as i32).wrapping_sub(MAGIC.to_bits() as i32);
        let r = xc - n * 0.693_359_375 - n * -2.121_944_40e-4;
        let mut p = 1.987_569_150_0e-4;
        p = p * r + 1.398_199_950_7e-3;
        p = p * r + 8.333_451_907_3e-3;
        p = p * r + 4.166_579_589_4e-2;
        p = p * r + 1.666_666_545_9e-1;
        p = p * r + 5.000_000_120_1e-1;
        let y = (p * r * r + r + 1.0) * f32::from_bits(((ni + 127) << 23) as u32);
        if x < -87.0 {
            0.0
        } else {
            y
        }
    }

    /// `erf(x)`, max abs error about 1e-7: the rational approximation of Eigen and XLA
    /// (odd degree-13 numerator, even degree-8 denominator, on [-4, 4]).
    #[inline(always)]
    #[allow(clippy::excessive_precision)] // the coefficients as published
    pub fn erf(x: f32) -> f32 {
        let x = if x < -4.0 { -4.0 } else { x };
        let x = if x > 4.0 { 4.0 } else { x };
        let x2 = x * x;
        let mut p = -2.726_142_258_013_06e-10;
        p = p * x2 + 2.770_681_424_959_02e-08;
        p = p * x2 + -2.101_024_020_825_08e-06;
        p = p * x2 + -5.692_506_394_623_46e-05;
        p = p * x2 + -7.349_906_303_268_55e-04;
        p = p * x2 + -2.954_599_808_540_25e-03;
        p = p * x2 + -1.609_603_332_624_15e-02;
        let mut q = -1.456_607_184_649_96e-05;
        q = q * x2 + -2.133_740_552_789_05e-04;
        q = q * x2 + -1.682_826_974_382_03e-03;
        q = q * x2 + -7.373_329_167_204_68e-03;
        q = q * x2 + -1.426_473_905_141_89e-02;
        x * p / q
    }

    /// `tanh(x)` through `exp`, for the tanh-approximated GELU.
    #[inline(always)]
    fn tanh(x: f32) -> f32 {
        let x = if x > 10.0 { 10.0 } else { x };
        let x = if x < -10.0 { -10.0 } else { x };
        let e = exp(2.0 * x);
        (e - 1.0) / (e + 1.0)
    }

    /// Exact GELU, `x/2 (1 + erf(x/sqrt 2))` (transformers' "gelu").
    #[inline(always)]
    pub fn gelu(x: f32) -> f32 {
        0.5 * x * (1.0 + erf(x * std::f32::consts::FRAC_1_SQRT_2))
    }

    #[inline(always)]
    fn gelu_tanh(x: f32) -> f32 {
        const C: f32 = 0.797_884_6; // sqrt(2 / pi)
        0.5 * x * (1.0 + tanh(C * (x + 0.044_715 * x * x * x)))
    }

    /// Sum of `x` in a fixed order: 16 lane sums, then the lanes in order.
    #[inline(always)]
    fn sum(x: &[f32]) -> f32 {
        let mut acc = [0f32; LANES];
        let chunks = x.chunks_exact(LANES);
        let rest = chunks.remainder();
        for c in chunks {
            for l in 0..LANES {
                acc[l] += c[l];
            }
        }
        for (l, v) in rest.iter().enumerate() {
            acc[l] += v;
        }
        acc.iter().sum()
    }

    #[inline(always)]
    fn sum_sq_dev(x: &[f32], mean: f32) -> f32 {
        let mut acc = [0f32; LANES];
        let chunks = x.chunks_exact(LANES);
        let rest = chunks.remainder();
        for c in chunks {
            for l in 0..LANES {
                let d = c[l] - mean;
                acc[l] += d * d;
            }
        }
        for (l, v) in rest.iter().enumerate() {
            let d = v - mean;
            acc[l] += d * d;
        }
        acc.iter().sum()
    }

    #[inline(always)]
    fn max(x: &[f32]) -> f32 {
        let mut acc = [f32::NEG_INFINITY; LANES];
        let chunks = x.chunks_exact(LANES);
        let rest = chunks.remainder();
        for c in chunks {
            for l in 0..LANES {
                acc[l] = if c[l] > acc[l] { c[l] } else { acc[l] };
            }
        }
        for (l, &v) in rest.iter().enumerate() {
            acc[l] = if v > acc[l] { v } else { acc[l] };
        }
        acc.iter()
            .fold(f32::NEG_INFINITY, |m, &v| if v > m { v } else { m })
    }

    kernel! {
        /// `dst = word + position + segment`.
        pub fn embed(dst: &mut [f32], word: &[f32], position: &[f32], segment: &[f32]) {
            for (((d, w), p), s) in dst.iter_mut().zip(word).zip(position).zip(segment) {
                *d = w + p + s;
            }
        }
    }

    kernel! {
        /// Add `bias` to every row of `x`.
        pub fn add_bias(x: &mut [f32], bias: &[f32]) {
            for row in x.chunks_exact_mut(bias.len()) {
                for (v, b) in row.iter_mut().zip(bias) {
                    *v += b;
                }
            }
        }
    }

    kernel! {
        /// `x = act(x + bias)` on every row of `x`.
        pub fn bias_act(x: &mut [f32], bias: &[f32], act: HiddenAct) {
            for row in x.chunks_exact_mut(bias.len()) {
                match act {
                    HiddenAct::Gelu => {
                        for (v, b) in row.iter_mut().zip(bias) {
                            *v = gelu(*v + b);
                        }
                    }
                    HiddenAct::GeluApproximate => {
                        for (v, b) in row.iter_mut().zip(bias) {
                            *v = gelu_tanh(*v + b);
                        }
                    }
                    HiddenAct::Relu => {
                        for (v, b) in row.iter_mut().zip(bias) {
                            let y = *v + b;
                            *v = if y > 0.0 { y } else { 0.0 };
                        }
                    }
                }
            }
        }
    }

    kernel! {
        /// Layer norm of each row of `x + bias + residual`, in place in `x` (rows as long as
        /// `g`); the variance from a second pass over the row, for accuracy.
        pub fn norm_rows(
            x: &mut [f32],
            bias: Option<&[f32]>,
            residual: Option<&[f32]>,
            g: &[f32],
            b: &[f32],
            eps: f32,
        ) {
            let h = g.len();
            for (r, row) in x.chunks_exact_mut(h).enumerate() {
                if let Some(bias) = bias {
                    for (v, c) in row.iter_mut().zip(bias) {
                        *v += c;
                    }
                }
                if let Some(res) = residual {
                    for (v, c) in row.iter_mut().zip(&res[r * h..(r + 1) * h]) {
                        *v += c;
                    }
                }
                let mean = sum(row) / h as f32;
                let var = sum_sq_dev(row, mean) / h as f32;
                let inv = 1.0 / (var + eps).sqrt();
                for ((v, gg), bb) in row.iter_mut().zip(g).zip(b) {
                    *v = (*v - mean) * inv * gg + bb;
                }
            }
        }
    }

    kernel! {
        /// Softmax of each row of the `n x n` scores, with the row max subtracted first; keys
        /// whose `keep` is 0 get probability 0 (as the additive `f32::MIN` mask gives).
        pub fn softmax_rows(scores: &mut [f32], n: usize, keep: Option<&[f32]>) {
            for row in scores.chunks_exact_mut(n) {
                if let Some(keep) = keep {
                    for (v, k) in row.iter_mut().zip(keep) {
                        if *k == 0.0 {
                            *v = f32::NEG_INFINITY;
                        }
                    }
                }
                let m = max(row);
                if m == f32::NEG_INFINITY {
                    // Every key masked: the additive mask leaves equal scores, so uniform.
                    row.fill(1.0 / n as f32);
                    continue;
                }
                for v in row.iter_mut() {
                    *v = exp(*v - m);
                }
                let inv = 1.0 / sum(row);
                for v in row.iter_mut() {
                    *v *= inv;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::bert::BertBackbone;
    use crate::model::classifier::{load_base_config, load_base_tensors};
    use crate::model::resolve::{self, BaseSpec};
    use candle_core::Device;
    use rand::{Rng, SeedableRng};

    #[test]
    fn host_weights_are_candles_concatenated_and_transposed() {
        let values = |t: &Tensor| -> Vec<f32> {
            t.contiguous()
                .unwrap()
                .flatten_all()
                .unwrap()
                .to_vec1()
                .unwrap()
        };
        let matrix = |from: f32, rows: usize, cols: usize| {
            Tensor::arange(from, from + (rows * cols) as f32, &Device::Cpu)
                .unwrap()
                .reshape((rows, cols))
                .unwrap()
        };
        let (a, b) = (matrix(0.0, 3, 4), matrix(100.0, 2, 4));
        let both = Tensor::cat(&[&a, &b], 0).unwrap();
        let want = values(&both.t().unwrap());
        assert_eq!(host(&[a.clone(), b.clone()], true).unwrap()[..], want[..]);
        assert_eq!(host(&[a, b], false).unwrap()[..], values(&both)[..]);
        // Larger than a block on both sides.
        let big = matrix(0.0, 70, 45);
        let want = values(&big.t().unwrap());
        let got = host(std::slice::from_ref(&big), true).unwrap();
        assert_eq!(got[..], want[..]);
        assert_eq!(
            host(std::slice::from_ref(&big), false).unwrap()[..],
            values(&big)[..]
        );
    }

    /// Largest |a - b| over the real positions of `[rows, seq, hidden]` states.
    fn max_diff_real(a: &Tensor, b: &Tensor, mask: &Tensor) -> f32 {
        let (rows, seq, h) = a.dims3().unwrap();
        let a: Vec<f32> = a.flatten_all().unwrap().to_vec1().unwrap();
        let b: Vec<f32> = b.flatten_all().unwrap().to_vec1().unwrap();
        let m: Vec<f32> = mask.flatten_all().unwrap().to_vec1().unwrap();
        let mut worst = 0f32;
        for r in 0..rows {
            for p in 0..seq {
                if m[r * seq + p] == 0.0 {
                    continue;
                }
                for i in 0..h {
                    let j = (r * seq + p) * h + i;
                    worst = worst.max((a[j] - b[j]).abs());
                }
            }
        }
        worst
    }

    fn config(hidden: usize, heads: usize, inter: usize, act: &str) -> Config {
        serde_json::from_value(serde_json::json!({
            "vocab_size": 50, "hidden_size": hidden, "num_hidden_layers": 2,
            "num_attention_heads": heads, "intermediate_size": inter, "hidden_act": act,
            "hidden_dropout_prob": 0.1, "max_position_embeddings": 64, "type_vocab_size": 2,
            "initializer_range": 0.02, "layer_norm_eps": 1e-12, "pad_token_id": 0,
            "model_type": "bert"
        }))
        .expect("valid config")
    }

    /// Random weights (biases and norm scales included) under Hugging Face names.
    fn random_tensors(c: &Config, seed: u64) -> HashMap<String, Tensor> {
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
            (
                "embeddings.token_type_embeddings.weight".into(),
                vec![c.type_vocab_size, h],
            ),
            ("embeddings.LayerNorm.weight".into(), vec![h]),
            ("embeddings.LayerNorm.bias".into(), vec![h]),
        ];
        let names = super::super::test_weights::LayerNames {
            attention: [
                "attention.self.query",
                "attention.self.key",
                "attention.self.value",
                "attention.output.dense",
            ],
            attention_norm: "attention.output.LayerNorm",
        };
        super::super::test_weights::random_encoder(
            embeddings,
            &names,
            c.num_hidden_layers,
            (h, c.intermediate_size),
            seed,
        )
    }

    fn random_batch(lens: &[usize], vocab: u32, seed: u64) -> Batch {
        let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
        let rows: Vec<(Vec<u32>, Vec<u32>)> = lens
            .iter()
            .map(|&n| {
                let ids = (0..n).map(|_| rng.gen_range(1..vocab)).collect();
                let types = (0..n).map(|p| u32::from(p >= n / 2)).collect();
                (ids, types)
            })
            .collect();
        let refs: Vec<(&[u32], &[u32])> = rows
            .iter()
            .map(|(a, b)| (a.as_slice(), b.as_slice()))
            .collect();
        Batch::from_rows(&refs, &Device::Cpu).expect("batch")
    }

    #[test]
    fn fast_bert_matches_candle_on_tiny_random_models() {
        // Hidden 20 with 4 heads (head size 5) and 36 intermediate units: no size is a multiple
        // of the 16-lane chunks, so the remainder paths run too.
        for (hidden, heads, inter, act) in [
            (20, 4, 36, "gelu"),
            (32, 2, 64, "gelu"),
            (20, 4, 36, "geluapproximate"),
            (16, 2, 24, "relu"),
        ] {
            let c = config(hidden, heads, inter, act);
            let vb = VarBuilder::from_tensors(random_tensors(&c, 11), DType::F32, &Device::Cpu);
            let reference = BertBackbone::load(vb.clone(), &c).unwrap();
            let batch = random_batch(&[7, 1, 13, 3, 9], c.vocab_size as u32, 5);
            let want = reference.forward(&batch).unwrap();
            for split in [Split::Rows, Split::Matmul, Split::Auto] {
                for threads in [1, 2, 3] {
                    let fast = FastBert::load(vb.clone(), &c)
                        .unwrap()
                        .with_split(split)
                        .with_threads(threads);
                    let got = fast.forward(&batch).unwrap();
                    assert_eq!(got.dims(), want.dims());
                    let d = max_diff_real(&got, &want, &batch.mask);
                    assert!(d < 1e-4, "{act} {split:?} {threads} threads: max diff {d}");
                }
            }
        }
    }

    #[test]
    fn fast_bert_honours_holes_in_the_mask_and_zeroes_padding() {
        let c = config(20, 4, 36, "gelu");
        let vb = VarBuilder::from_tensors(random_tensors(&c, 3), DType::F32, &Device::Cpu);
        let reference = BertBackbone::load(vb.clone(), &c).unwrap();
        let fast = FastBert::load(vb, &c).unwrap();
        let batch = random_batch(&[6, 4], c.vocab_size as u32, 9);
        // Mask out position 2 of the first row: it must not be attended to.
        let mask = Tensor::from_vec(
            vec![1f32, 1., 0., 1., 1., 1., 1., 1., 1., 1., 0., 0.],
            (2, 6),
            &Device::Cpu,
        )
        .unwrap();
        let batch = Batch { mask, ..batch };
        let want = reference.forward(&batch).unwrap();
        let got = fast.forward(&batch).unwrap();
        let d = max_diff_real(&got, &want, &batch.mask);
        assert!(d < 1e-4, "max diff {d}");
        let pad: Vec<f32> = got.get(1).unwrap().get(5).unwrap().to_vec1().unwrap();
        assert!(pad.iter().all(|&v| v == 0.0));
    }

    #[test]
    fn fast_berts_of_the_same_tensors_share_their_weights() {
        let c = config(20, 4, 36, "gelu");
        let mut tensors = random_tensors(&c, 4);
        let a = FastBert::load(
            VarBuilder::from_tensors(tensors.clone(), DType::F32, &Device::Cpu),
            &c,
        )
        .unwrap();
        // A task model whose top layer was trained: its own tensors laid over the base.
        let name = "encoder.layer.1.attention.self.key.weight";
        let trained = (tensors[name].clone() + 1.0).unwrap();
        tensors.insert(name.into(), trained);
        let b = FastBert::load(
            VarBuilder::from_tensors(tensors, DType::F32, &Device::Cpu),
            &c,
        )
        .unwrap();
        assert!(Arc::ptr_eq(&a.word, &b.word));
        assert!(Arc::ptr_eq(&a.layers[0].qkv.w, &b.layers[0].qkv.w));
        assert!(Arc::ptr_eq(&a.layers[1].inter.w, &b.layers[1].inter.w));
        assert!(!Arc::ptr_eq(&a.layers[1].qkv.w, &b.layers[1].qkv.w));
    }

    #[test]
    fn bf16_matmul_is_close_to_f32_and_independent_of_rows_and_threads() {
        if !bf16::supported() {
            crate::testing::skip(
                "this CPU has no AVX512-BF16",
                "the bf16 kernel is checked on CPUs that have it",
            );
            return;
        }
        let (m, k, n) = (13, 64, 96);
        let mut rng = rand::rngs::StdRng::seed_from_u64(2);
        let x: Vec<f32> = (0..m * k).map(|_| rng.gen_range(-1f32..1.0)).collect();
        let w: Vec<f32> = (0..k * n).map(|_| rng.gen_range(-1f32..1.0)).collect();
        let packed = bf16::pack(&w, k, n);
        let mut xb = Vec::new();
        let mut y = vec![0f32; m * n];
        bf16::matmul(&x, &mut xb, &packed, n, &mut y, 1, |_, _| {});
        let mut worst = 0f64;
        for i in 0..m {
            for j in 0..n {
                let exact: f64 = (0..k)
                    .map(|p| x[i * k + p] as f64 * w[p * n + j] as f64)
                    .sum();
                worst = worst.max((y[i * n + j] as f64 - exact).abs());
            }
        }
        // Each of the k products is off by up to 2^-8 relative (two bf16 roundings); random
        // signs make the sum's error far smaller than k * 2^-8.
        assert!(worst < 0.1, "max abs error {worst}");
        for threads in [2, 3] {
            let mut again = vec![0f32; m * n];
            bf16::matmul(&x, &mut xb, &packed, n, &mut again, threads, |_, _| {});
            assert_eq!(again, y, "{threads} threads");
        }
        let mut one_row = vec![0f32; n];
        bf16::matmul(
            &x[5 * k..6 * k],
            &mut xb,
            &packed,
            n,
            &mut one_row,
            1,
            |_, _| {},
        );
        assert_eq!(one_row, y[5 * n..6 * n]);
    }

    #[test]
    fn bf16_fast_bert_stays_near_candle_on_a_tiny_random_model() {
        if !bf16::supported() {
            crate::testing::skip(
                "this CPU has no AVX512-BF16",
                "the bf16 kernel is checked on CPUs that have it",
            );
            return;
        }
        // Sizes that fit the bf16 kernel (outputs in whole panels of 48).
        let c = config(48, 4, 96, "gelu");
        let vb = VarBuilder::from_tensors(random_tensors(&c, 8), DType::F32, &Device::Cpu);
        let reference = BertBackbone::load(vb.clone(), &c).unwrap();
        let batch = random_batch(&[7, 1, 13, 3, 9], c.vocab_size as u32, 6);
        let want = reference.forward(&batch).unwrap();
        let fast = FastBert::load(vb, &c)
            .unwrap()
            .with_precision(Precision::Bf16)
            .unwrap();
        assert!(fast.layers.iter().all(|l| l.inter.packed.is_some()));
        let got = fast.forward(&batch).unwrap();
        let d = max_diff_real(&got, &want, &batch.mask);
        eprintln!("bf16 tiny model: max abs diff to candle {d:e}");
        assert!(d > 0.0 && d < 0.2, "max diff {d}");
        let single = fast.with_threads(1).with_split(Split::Matmul);
        assert_eq!(
            single.forward(&batch).unwrap().to_vec3::<f32>().unwrap(),
            got.to_vec3::<f32>().unwrap()
        );
    }

    #[test]
    fn gelu_and_exp_are_accurate() {
        let xs: Vec<f64> = (-200_000..=200_000).map(|i| i as f64 * 5e-5).collect();
        let reference: Vec<f64> = Tensor::new(xs.as_slice(), &Device::Cpu)
            .unwrap()
            .gelu_erf()
            .unwrap()
            .to_vec1()
            .unwrap();
        let mut worst = 0f64;
        for (&x, &want) in xs.iter().zip(&reference) {
            worst = worst.max((kernels::gelu(x as f32) as f64 - want).abs());
        }
        // f32 rounding of x alone is worth up to 5e-7 here.
        eprintln!("gelu max abs error {worst:e}");
        assert!(worst < 2e-6, "gelu max abs error {worst}");
        let mut worst_erf = 0f64;
        for i in -600_000..=600_000 {
            let x = i as f32 * 1e-5;
            let want = candle_core::cpu::erf::erf_f64(x as f64);
            worst_erf = worst_erf.max((kernels::erf(x) as f64 - want).abs());
        }
        eprintln!("erf max abs error {worst_erf:e}");
        assert!(worst_erf < 1e-6, "erf max abs error {worst_erf}");
        let mut worst_rel = 0f64;
        for i in -86_000..=87_000 {
            let x = i as f32 * 1e-3;
            let want = (x as f64).exp();
            worst_rel = worst_rel.max(((kernels::exp(x) as f64 - want) / want).abs());
        }
        eprintln!("exp max relative error {worst_rel:e}");
        assert!(worst_rel < 3e-7, "exp max relative error {worst_rel}");
        assert_eq!(kernels::exp(-100.0), 0.0);
        assert_eq!(kernels::exp(f32::NEG_INFINITY), 0.0);
    }

    /// The real base encoder, when installed: hidden states match candle's `BertModel`.
    #[test]
    fn fast_bert_matches_candle_on_the_base_encoder() {
        let files = match resolve::resolve(&BaseSpec::default_encoder(), None) {
            Ok(f) => f,
            Err(e) => {
                crate::testing::skip_unless_ci(
                    &format!("the base encoder is not installed ({e})"),
                    "run: standpoint models fetch",
                );
                return;
            }
        };
        let (c, tok) = load_base_config(&files).unwrap();
        let tensors = load_base_tensors(&files, &Device::Cpu).unwrap();
        let vb = VarBuilder::from_tensors(tensors, DType::F32, &Device::Cpu);
        let reference = BertBackbone::load(vb.clone(), &c).unwrap();
        let sentences = [
            "The defence minister said the pact would not be signed before the election.",
            "Talks collapsed.",
            "Officials in Islamabad accused Kabul of sheltering militants, a charge the Afghan \
             government has repeatedly denied, and warned of unspecified consequences.",
            "He praised the deal.",
        ];
        let enc: Vec<_> = sentences
            .iter()
            .map(|s| tok.encode(*s, true).unwrap())
            .collect();
        let rows: Vec<(&[u32], &[u32])> = enc
            .iter()
            .map(|e| (e.get_ids(), e.get_type_ids()))
            .collect();
        let batch = Batch::from_rows(&rows, &Device::Cpu).unwrap();
        let want = reference.forward(&batch).unwrap();
        let mut worst = 0f32;
        for (split, threads) in [(Split::Rows, 2), (Split::Matmul, 2), (Split::Rows, 1)] {
            let fast = FastBert::load(vb.clone(), &c)
                .unwrap()
                .with_split(split)
                .with_threads(threads);
            let got = fast.forward(&batch).unwrap();
            let d = max_diff_real(&got, &want, &batch.mask);
            eprintln!("{split:?}, {threads} threads: max abs diff to candle {d:e}");
            worst = worst.max(d);
        }
        assert!(worst < 1e-3, "max abs diff {worst}");
    }

    /// Batch invariance: each row's states are the same bits alone or in any batch, on any
    /// number of threads and either split (real sizes of the base encoder, two layers).
    #[test]
    fn fast_bert_rows_do_not_depend_on_their_batch_or_threads() {
        let c = config(384, 12, 1536, "gelu");
        let vb = VarBuilder::from_tensors(random_tensors(&c, 21), DType::F32, &Device::Cpu);
        let mut rng = rand::rngs::StdRng::seed_from_u64(3);
        let lens: Vec<usize> = (0..40).map(|_| rng.gen_range(1..60)).collect();
        let batch = random_batch(&lens, c.vocab_size as u32, 7);
        let ids: Vec<Vec<u32>> = batch.input_ids.to_vec2().unwrap();
        let types: Vec<Vec<u32>> = batch.type_ids.to_vec2().unwrap();
        let mask: Vec<Vec<f32>> = batch.mask.to_vec2().unwrap();
        let (seq, h) = (ids[0].len(), c.hidden_size);
        let alone = FastBert::load(vb.clone(), &c).unwrap().with_threads(1);
        let singles: Vec<Vec<f32>> = (0..lens.len())
            .map(|r| {
                alone
                    .forward_host(&ids[r], &types[r], &mask[r], 1, seq)
                    .unwrap()
            })
            .collect();
        for split in [Split::Rows, Split::Matmul, Split::Auto] {
            for threads in [1, 2, 3] {
                let fast = FastBert::load(vb.clone(), &c)
                    .unwrap()
                    .with_split(split)
                    .with_threads(threads);
                let got = fast
                    .forward_host(
                        &ids.concat(),
                        &types.concat(),
                        &mask.concat(),
                        lens.len(),
                        seq,
                    )
                    .unwrap();
                for (r, &n) in lens.iter().enumerate() {
                    assert!(
                        got[r * seq * h..][..n * h] == singles[r][..n * h],
                        "{split:?}, {threads} threads: row {r} differs from the row alone"
                    );
                }
            }
        }
    }

    /// The heads' linear layers at inference: each row the same bits whatever the row count
    /// (one row included) and threads, and the same numbers as candle's up to float noise.
    #[test]
    fn linear_rows_do_not_depend_on_the_row_count() {
        use candle_core::Module;
        let mut rng = rand::rngs::StdRng::seed_from_u64(3);
        // The joint heads' shapes: tags, stance and sentiment outputs, dense layers, over
        // MiniLM (384 wide) and MPNet (768 wide: an inner dimension over gemm's 512-wide block,
        // whose blocking once followed the row count), and the case head's layers.
        for (k, n) in [
            (384, 9),
            (384, 3),
            (768, 384),
            (1536, 384),
            (20, 5),
            (768, 9),
            (768, 3),
            (768, 768),
            (3072, 768),
            (768, 64),
            (64, 9),
        ] {
            let w: Vec<f32> = (0..k * n).map(|_| rng.gen_range(-0.5f32..0.5)).collect();
            let b: Vec<f32> = (0..n).map(|_| rng.gen_range(-0.5f32..0.5)).collect();
            let lin = candle_nn::Linear::new(
                Tensor::from_vec(w, (n, k), &Device::Cpu).unwrap(),
                Some(Tensor::from_vec(b, n, &Device::Cpu).unwrap()),
            );
            let big = 300;
            let x: Vec<f32> = (0..big * k).map(|_| rng.gen_range(-1f32..1.0)).collect();
            let x = Tensor::from_vec(x, (big, k), &Device::Cpu).unwrap();
            let full: Vec<Vec<f32>> = linear_rows(&lin, &x).unwrap().to_vec2().unwrap();
            let candle: Vec<Vec<f32>> = lin.forward(&x).unwrap().to_vec2().unwrap();
            for (a, b) in full.iter().flatten().zip(candle.iter().flatten()) {
                assert!((a - b).abs() < 1e-3, "{k}x{n}: {a} vs candle {b}");
            }
            for m in [1usize, 2, 3, 7, 17, 33, 65, 100] {
                let part = x.narrow(0, 300 - m, m).unwrap();
                let got: Vec<Vec<f32>> = linear_rows(&lin, &part).unwrap().to_vec2().unwrap();
                assert!(got[..] == full[300 - m..], "{k}x{n}, {m} rows");
            }
            // Leading dimensions are kept: [2, 150, k] -> [2, 150, n], rows unchanged.
            let x3 = x.reshape((2, 150, k)).unwrap();
            let got = linear_rows(&lin, &x3).unwrap();
            assert_eq!(got.dims(), &[2, 150, n]);
            let got: Vec<f32> = got.flatten_all().unwrap().to_vec1().unwrap();
            assert!(got == full.concat(), "{k}x{n}: 3-d input");
            // The host layer gives the same rows, for any row count, none included.
            let host = HostLinear::new(&lin).unwrap();
            let flat = full.concat();
            let xs: Vec<f32> = x.flatten_all().unwrap().to_vec1().unwrap();
            for m in [0usize, 1, 2, 5, 300] {
                let got = host.forward(&xs[(300 - m) * k..]);
                assert!(got[..] == flat[(300 - m) * n..], "{k}x{n}, host, {m} rows");
            }
        }
    }
}
