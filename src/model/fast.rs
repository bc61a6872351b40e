//! `FastBert`: an inference-only BERT encoder written directly on `gemm`, the default backbone
//! for architecture "bert" (`classifier::Loaded::load`).
//!
//! It computes what candle-transformers' `BertModel` computes (modeling_bert.py BertModel,
//! absolute positions, no dropout), with the same Hugging Face weight names, but:
//! - no work on padding: the real tokens of all rows are packed into one `[tokens, hidden]`
//!   matrix for the dense layers, and attention runs per (row, head) over the row's real length;
//! - fused kernels: one `[hidden, 3 hidden]` QKV matmul; bias + GELU; bias + residual + layer
//!   norm; a one-pass stable softmax with a vectorised `exp`; GELU's `erf` as a vectorised
//!   rational approximation instead of candle's scalar `libm::erff`;
//! - weights copied once, pre-transposed to `[in, out]` (the layout gemm runs fastest on here),
//!   and scratch buffers reused across layers and calls;
//! - the cores split the rows of a batch (one group of rows per core, single-threaded kernels,
//!   no synchronisation inside a forward pass) rather than every matmul (`Split`).
//!
//! Padding positions of the output are zero; the heads read real positions only.

use crate::model::bert::{Backbone, Batch};
use candle_core::{bail, DType, Tensor, TensorId};
use candle_nn::VarBuilder;
use candle_transformers::models::bert::{Config, HiddenAct, PositionEmbeddingType};
use gemm::Parallelism;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, Weak};

/// How a forward pass spreads over the cores.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Split {
    /// `Rows` when the rows of a batch can be shared fairly between the cores, else `Matmul`.
    Auto,
    /// One group of rows per core, each run start to end with single-threaded kernels.
    Rows,
    /// All rows in one group; each matmul is split across the cores by gemm (rayon).
    Matmul,
}

/// A dense layer with its weight stored `[in, out]` row-major.
struct Dense {
    w: Arc<[f32]>,
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
}

/// One row of the batch: its real tokens and, when the mask has holes, which of them attend.
struct Row<'a> {
    ids: &'a [u32],
    types: &'a [u32],
    /// `Some` only when a position before the last real token is masked out.
    keep: Option<&'a [f32]>,
}

pub struct FastBert {
    word: Arc<[f32]>,
    position: Arc<[f32]>,
    token_type: Arc<[f32]>,
    emb_norm: Norm,
    layers: Vec<Layer>,
    hidden: usize,
    heads: usize,
    head_dim: usize,
    vocab: usize,
    type_vocab: usize,
    max_positions: usize,
    eps: f32,
    act: HiddenAct,
    threads: usize,
    split: Split,
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
    let mut cache = HOST.lock().unwrap_or_else(|e| e.into_inner());
    let cache = cache.get_or_insert_with(HashMap::new);
    if let Some(data) = cache.get(&key).and_then(Weak::upgrade) {
        return Ok(data);
    }
    let t = Tensor::cat(ts, 0)?;
    let t = if transpose { t.t()? } else { t };
    let data: Arc<[f32]> = t.contiguous()?.flatten_all()?.to_vec1::<f32>()?.into();
    cache.retain(|_, w| w.strong_count() > 0);
    cache.insert(key, Arc::downgrade(&data));
    Ok(data)
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
        let PositionEmbeddingType::Absolute = c.position_embedding_type;
        let (h, i) = (c.hidden_size, c.intermediate_size);
        if c.num_attention_heads == 0 || h % c.num_attention_heads != 0 {
            bail!(
                "hidden size {h} is not a multiple of the {} attention heads",
                c.num_attention_heads
            );
        }
        let e = vb.pp("embeddings");
        let layers = (0..c.num_hidden_layers)
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
            .collect::<candle_core::Result<Vec<_>>>()?;
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
            token_type: host(
                &[get(
                    &e,
                    (c.type_vocab_size, h),
                    "token_type_embeddings.weight",
                )?],
                false,
            )?,
            emb_norm: Norm::load(&e.pp("LayerNorm"), h)?,
            layers,
            hidden: h,
            heads: c.num_attention_heads,
            head_dim: h / c.num_attention_heads,
            vocab: c.vocab_size,
            type_vocab: c.type_vocab_size,
            max_positions: c.max_position_embeddings,
            eps: c.layer_norm_eps as f32,
            act: c.hidden_act,
            threads: candle_core::utils::get_num_threads().max(1),
            split: Split::Auto,
            pool: Mutex::new(Vec::new()),
        })
    }

    /// Use `threads` cores (default: candle's count, which follows `RAYON_NUM_THREADS`).
    pub fn with_threads(mut self, threads: usize) -> Self {
        self.threads = threads.max(1);
        self
    }

    pub fn with_split(mut self, split: Split) -> Self {
        self.split = split;
        self
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
            if let Some(&bad) = row_types.iter().find(|&&t| t as usize >= self.type_vocab) {
                bail!(
                    "fast bert: segment id {bad} is outside the {} segments",
                    self.type_vocab
                );
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
            let par = if self.threads > 1 {
                Parallelism::Rayon(self.threads)
            } else {
                Parallelism::None
            };
            self.run_group(&batch, &mut out, seq, par);
            return Ok(out);
        }
        // Rows are split into contiguous groups, so each group's output is a contiguous slice.
        std::thread::scope(|scope| {
            let mut rest = out.as_mut_slice();
            let mut start = 0;
            let mut own = None;
            for (g, &end) in groups.iter().enumerate() {
                let (mine, tail) = rest.split_at_mut((end - start) * seq * h);
                rest = tail;
                let rows = &batch[start..end];
                if g == 0 {
                    own = Some((rows, mine));
                } else {
                    scope.spawn(move || self.run_group(rows, mine, seq, Parallelism::None));
                }
                start = end;
            }
            if let Some((rows, mine)) = own {
                self.run_group(rows, mine, seq, Parallelism::None);
            }
        });
        Ok(out)
    }

    /// Ends of the row groups (one per core), or a single group when splitting the rows would
    /// leave a core idle for long (few rows, or very unequal lengths).
    fn groups(&self, rows: &[Row]) -> Vec<usize> {
        let whole = vec![rows.len()];
        let n = self.threads.min(rows.len());
        if n <= 1 || self.split == Split::Matmul {
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
            // A core left idle more than a quarter of the time does worse than sharing every
            // matmul (measured in examples/encoder_speed.rs).
            if worst * n * 4 > total * 5 {
                return whole;
            }
        }
        ends
    }

    /// Run `rows` through the encoder and write their states into `out` (`[rows, seq, hidden]`,
    /// zero on entry).
    fn run_group(&self, rows: &[Row], out: &mut [f32], seq: usize, par: Parallelism) {
        let mut s = {
            let mut pool = self.pool.lock().unwrap_or_else(|e| e.into_inner());
            pool.pop().unwrap_or_default()
        };
        self.encode(rows, &mut s, par);
        let h = self.hidden;
        let mut t = 0;
        for (r, row) in rows.iter().enumerate() {
            let n = row.ids.len();
            out[r * seq * h..][..n * h].copy_from_slice(&s.x[t * h..(t + n) * h]);
            t += n;
        }
        self.pool.lock().unwrap_or_else(|e| e.into_inner()).push(s);
    }

    /// The encoder over the packed real tokens of `rows`; the result is left in `s.x`.
    fn encode(&self, rows: &[Row], s: &mut Scratch, par: Parallelism) {
        let h = self.hidden;
        let tokens: usize = rows.iter().map(|r| r.ids.len()).sum();
        let longest = rows.iter().map(|r| r.ids.len()).max().unwrap_or(0);
        let inter = self.layers.first().map_or(0, |l| l.inter.out);
        let x = grow(&mut s.x, tokens * h);
        let qkv = grow(&mut s.qkv, tokens * 3 * h);
        let ctx = grow(&mut s.ctx, tokens * h);
        let tmp = grow(&mut s.tmp, tokens * h);
        let mid = grow(&mut s.inter, tokens * inter);
        let scores = grow(&mut s.scores, longest * longest);

        // modeling_bert.py BertEmbeddings: word + position + segment, then layer norm.
        let mut t = 0;
        for row in rows {
            for (p, (&id, &ty)) in row.ids.iter().zip(row.types).enumerate() {
                let dst = &mut x[t * h..(t + 1) * h];
                kernels::embed(
                    dst,
                    &self.word[id as usize * h..][..h],
                    &self.position[p * h..][..h],
                    &self.token_type[ty as usize * h..][..h],
                );
                t += 1;
            }
        }
        kernels::norm_rows(x, None, None, &self.emb_norm.g, &self.emb_norm.b, self.eps);

        for layer in &self.layers {
            // BertSelfAttention: one matmul for query, key and value.
            matmul(x, &layer.qkv, qkv, tokens, par);
            kernels::add_bias(qkv, &layer.qkv.b);
            self.attention(rows, qkv, ctx, scores);
            // BertSelfOutput: dense, then layer norm of (dense + bias + input).
            matmul(ctx, &layer.attn_out, tmp, tokens, par);
            kernels::norm_rows(
                tmp,
                Some(&layer.attn_out.b),
                Some(x),
                &layer.attn_norm.g,
                &layer.attn_norm.b,
                self.eps,
            );
            // BertIntermediate and BertOutput.
            matmul(tmp, &layer.inter, mid, tokens, par);
            kernels::bias_act(mid, &layer.inter.b, self.act);
            matmul(mid, &layer.out, x, tokens, par);
            kernels::norm_rows(
                x,
                Some(&layer.out.b),
                Some(tmp),
                &layer.out_norm.g,
                &layer.out_norm.b,
                self.eps,
            );
        }
    }

    /// Scaled dot-product attention of each row and head over the row's real tokens; `qkv` is
    /// `[tokens, 3 hidden]` (query | key | value, heads side by side), `ctx` `[tokens, hidden]`.
    fn attention(&self, rows: &[Row], qkv: &[f32], ctx: &mut [f32], scores: &mut [f32]) {
        let h = self.hidden;
        let d = self.head_dim;
        let scale = 1.0 / (d as f32).sqrt();
        let mut t = 0;
        for row in rows {
            let n = row.ids.len();
            if n == 0 {
                continue;
            }
            let sc = &mut scores[..n * n];
            for head in 0..self.heads {
                let q = qkv[t * 3 * h + head * d..].as_ptr();
                let k = qkv[t * 3 * h + h + head * d..].as_ptr();
                let v = qkv[t * 3 * h + 2 * h + head * d..].as_ptr();
                let c = ctx[t * h + head * d..].as_mut_ptr();
                // SAFETY: every access stays inside the row's `n` tokens of `qkv` and `ctx`
                // (strides 3h and h, `d` columns from the head's offset), and `sc` is n x n.
                unsafe {
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
                }
                kernels::softmax_rows(sc, n, row.keep);
                unsafe {
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
            }
            t += n;
        }
    }
}

/// `v[..len]`, growing `v` first when it is shorter.
fn grow(v: &mut Vec<f32>, len: usize) -> &mut [f32] {
    if v.len() < len {
        v.resize(len, 0.0);
    }
    &mut v[..len]
}

/// `y = x w` for `x` `[m, in]`, `w` `[in, out]`, `y` `[m, out]`, all row-major (bias apart).
fn matmul(x: &[f32], w: &Dense, y: &mut [f32], m: usize, par: Parallelism) {
    assert!(x.len() >= m * w.inp && y.len() >= m * w.out && w.w.len() == w.inp * w.out);
    if m == 0 {
        return;
    }
    // SAFETY: the sizes are checked above; the three buffers are distinct allocations.
    unsafe {
        gemm::gemm(
            m,
            w.out,
            w.inp,
            y.as_mut_ptr(),
            1,
            w.out as isize,
            false,
            x.as_ptr(),
            1,
            w.inp as isize,
            w.w.as_ptr(),
            1,
            w.out as isize,
            0.0,
            1.0,
            false,
            false,
            false,
            par,
        );
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
        let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
        let (h, i) = (c.hidden_size, c.intermediate_size);
        let mut shapes: Vec<(String, Vec<usize>)> = vec![
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
        for n in 0..c.num_hidden_layers {
            let p = format!("encoder.layer.{n}");
            for (name, o, inp) in [
                ("attention.self.query", h, h),
                ("attention.self.key", h, h),
                ("attention.self.value", h, h),
                ("attention.output.dense", h, h),
                ("intermediate.dense", i, h),
                ("output.dense", h, i),
            ] {
                shapes.push((format!("{p}.{name}.weight"), vec![o, inp]));
                shapes.push((format!("{p}.{name}.bias"), vec![o]));
            }
            for name in ["attention.output.LayerNorm", "output.LayerNorm"] {
                shapes.push((format!("{p}.{name}.weight"), vec![h]));
                shapes.push((format!("{p}.{name}.bias"), vec![h]));
            }
        }
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
                let t = Tensor::from_vec(v, shape, &Device::Cpu).expect("tensor");
                (name, t)
            })
            .collect()
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
                eprintln!("skipping: base encoder not installed ({e})");
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
}
