//! Encoder forward throughput: candle's `BertModel` (`BertBackbone`) against `FastBert`, on
//! real news sentences, in one process so the figures compare as ratios.
//!
//! ```text
//! cargo run --release --example encoder_speed -- [--data DIR] [--sentences N] [--repeat N]
//!     [--batches 1,16,32,64] [--only candle|fast]
//! ```
//!
//! Sentences come from the PerSenT documents (`DIR/dev.csv`, read in place; default
//! `/work/shared/data/persent` or `$PERSENT_DIR`), split naively at sentence punctuation; the
//! first N (default 512) of 15-60 tokens are used. Batches are formed as `Loaded::run_batches`
//! forms them: sorted by length, then chunked. Reported per batch size: sentences/s of each
//! backend (best of the repeats), their ratio, and the GFLOP/s achieved counting the matmuls on
//! real tokens only (dense layers and attention); and once, a practical peak: a large f32
//! gemm on all threads.
//!
//! `--only candle|fast` runs one backbone alone (for `perf record`); `--profile` breaks candle's
//! forward pass down by its tracing spans (exclusive time of each: matmuls with their bias add in
//! `linear`, `softmax`, `layer-norm`, GELU in `hidden-act`, and attention's reshapes, QK^T and
//! PV products in `self-attn`).

use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use candle_transformers::models::bert::Config;
use standpoint::model::bert::{Backbone, Batch, BertBackbone};
use standpoint::model::classifier::{load_base_config, load_base_tensors};
use standpoint::model::fast::{FastBert, Split};
use standpoint::model::resolve::{self, BaseSpec};
use std::path::PathBuf;
use std::time::Instant;

struct Args {
    data: PathBuf,
    sentences: usize,
    repeat: usize,
    batches: Vec<usize>,
    only: Option<String>,
    profile: bool,
}

fn parse_args() -> anyhow::Result<Args> {
    let mut a = Args {
        data: std::env::var_os("PERSENT_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("/work/shared/data/persent")),
        sentences: 512,
        repeat: 3,
        batches: vec![1, 16, 32, 64],
        only: None,
        profile: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || {
            it.next()
                .ok_or_else(|| anyhow::anyhow!("{flag} needs a value"))
        };
        match flag.as_str() {
            "--data" => a.data = PathBuf::from(value()?),
            "--sentences" => a.sentences = value()?.parse()?,
            "--repeat" => a.repeat = value()?.parse()?,
            "--batches" => {
                a.batches = value()?
                    .split(',')
                    .map(str::parse)
                    .collect::<Result<_, _>>()?
            }
            "--only" => a.only = Some(value()?),
            "--profile" => a.profile = true,
            other => anyhow::bail!(
                "unknown argument '{other}'; expected --data, --sentences, --repeat, --batches, --only, --profile"
            ),
        }
    }
    Ok(a)
}

/// Token ids of the first `want` sentences of 15-60 tokens in the PerSenT documents.
fn sentences(
    dir: &std::path::Path,
    tok: &tokenizers::Tokenizer,
    want: usize,
) -> anyhow::Result<Vec<Vec<u32>>> {
    let path = dir.join("dev.csv");
    let mut reader = csv::Reader::from_path(&path)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
    let column = reader
        .headers()?
        .iter()
        .position(|h| h == "DOCUMENT")
        .ok_or_else(|| anyhow::anyhow!("{} has no DOCUMENT column", path.display()))?;
    let mut out = Vec::new();
    for record in reader.records() {
        let record = record?;
        let doc = record.get(column).unwrap_or("");
        let mut start = 0;
        let bytes = doc.as_bytes();
        for (i, &b) in bytes.iter().enumerate() {
            let end_of_sentence = matches!(b, b'.' | b'?' | b'!')
                && bytes.get(i + 1).is_none_or(|n| n.is_ascii_whitespace())
                || b == b'\n';
            if !end_of_sentence {
                continue;
            }
            let s = doc[start..=i].trim();
            start = i + 1;
            if s.is_empty() {
                continue;
            }
            let enc = tok
                .encode(s, true)
                .map_err(|e| anyhow::anyhow!("tokenizer: {e}"))?;
            if (15..=60).contains(&enc.get_ids().len()) {
                out.push(enc.get_ids().to_vec());
                if out.len() == want {
                    return Ok(out);
                }
            }
        }
    }
    Ok(out)
}

/// Batches as `Loaded::run_batches` makes them: sorted by length, chunked.
fn batches(sents: &[Vec<u32>], size: usize) -> candle_core::Result<Vec<Batch>> {
    let mut order: Vec<usize> = (0..sents.len()).collect();
    order.sort_by_key(|&i| (sents[i].len(), i));
    order
        .chunks(size)
        .map(|chunk| {
            let types: Vec<Vec<u32>> = chunk.iter().map(|&i| vec![0; sents[i].len()]).collect();
            let rows: Vec<(&[u32], &[u32])> = chunk
                .iter()
                .zip(&types)
                .map(|(&i, t)| (sents[i].as_slice(), t.as_slice()))
                .collect();
            Batch::from_rows(&rows, &Device::Cpu)
        })
        .collect()
}

/// Matmul FLOPs of one sentence of `n` tokens: dense layers plus attention (QK^T and PV).
fn flops(c: &Config, n: usize) -> f64 {
    let (h, i, n) = (c.hidden_size as f64, c.intermediate_size as f64, n as f64);
    c.num_hidden_layers as f64 * (2.0 * n * (4.0 * h * h + 2.0 * h * i) + 4.0 * n * n * h)
}

/// Seconds of the fastest of `repeat` passes over all batches (after one warm-up pass).
fn time_passes(model: &dyn Backbone, batches: &[Batch], repeat: usize) -> anyhow::Result<f64> {
    for b in batches {
        model.forward(b)?;
    }
    let mut best = f64::INFINITY;
    for _ in 0..repeat {
        let t = Instant::now();
        for b in batches {
            std::hint::black_box(model.forward(b)?);
        }
        best = best.min(t.elapsed().as_secs_f64());
    }
    Ok(best)
}

/// GFLOP/s of a large square f32 gemm, best of a few, with `threads` threads.
fn gemm_peak(threads: usize) -> f64 {
    let n = 1536;
    let a: Vec<f32> = (0..n * n).map(|i| (i % 13) as f32 * 0.01).collect();
    let b: Vec<f32> = (0..n * n).map(|i| (i % 7) as f32 * 0.01).collect();
    let mut c = vec![0f32; n * n];
    let par = if threads > 1 {
        gemm::Parallelism::Rayon(threads)
    } else {
        gemm::Parallelism::None
    };
    let mut best = f64::INFINITY;
    for _ in 0..5 {
        let t = Instant::now();
        // SAFETY: three distinct n x n row-major buffers.
        unsafe {
            gemm::gemm(
                n,
                n,
                n,
                c.as_mut_ptr(),
                1,
                n as isize,
                false,
                a.as_ptr(),
                1,
                n as isize,
                b.as_ptr(),
                1,
                n as isize,
                0.0,
                1.0,
                false,
                false,
                false,
                par,
            );
        }
        best = best.min(t.elapsed().as_secs_f64());
    }
    std::hint::black_box(&c);
    2.0 * (n * n * n) as f64 / best / 1e9
}

/// Largest |a - b| over real positions.
fn max_diff(a: &Tensor, b: &Tensor, mask: &Tensor) -> anyhow::Result<f32> {
    let m = mask.unsqueeze(2)?.broadcast_as(a.shape())?;
    let d = ((a - b)?.abs()? * m)?;
    Ok(d.flatten_all()?.max(0)?.to_scalar::<f32>()?)
}

/// Exclusive wall time per tracing span name (the forward pass enters spans on one thread).
mod span_times {
    use std::collections::HashMap;
    use std::sync::Mutex;
    use std::time::{Duration, Instant};
    use tracing::span::Id;
    use tracing::Subscriber;
    use tracing_subscriber::layer::Context;
    use tracing_subscriber::registry::LookupSpan;

    type Frame = (&'static str, Instant, Duration);
    static STACK: Mutex<Vec<Frame>> = Mutex::new(Vec::new());
    static TOTALS: Mutex<Option<HashMap<&'static str, Duration>>> = Mutex::new(None);

    pub struct Layer;

    impl<S: Subscriber + for<'a> LookupSpan<'a>> tracing_subscriber::Layer<S> for Layer {
        fn on_enter(&self, id: &Id, ctx: Context<'_, S>) {
            if let Some(m) = ctx.metadata(id) {
                let mut stack = STACK.lock().unwrap();
                stack.push((m.name(), Instant::now(), Duration::ZERO));
            }
        }
        fn on_exit(&self, _id: &Id, _ctx: Context<'_, S>) {
            let mut stack = STACK.lock().unwrap();
            if let Some((name, start, children)) = stack.pop() {
                let all = start.elapsed();
                if let Some(parent) = stack.last_mut() {
                    parent.2 += all;
                }
                let mut totals = TOTALS.lock().unwrap();
                *totals
                    .get_or_insert_with(HashMap::new)
                    .entry(name)
                    .or_default() += all.saturating_sub(children);
            }
        }
    }

    pub fn reset() {
        *TOTALS.lock().unwrap() = None;
    }

    pub fn take() -> Vec<(&'static str, Duration)> {
        let mut v: Vec<_> = TOTALS
            .lock()
            .unwrap()
            .take()
            .unwrap_or_default()
            .into_iter()
            .collect();
        v.sort_by_key(|b| std::cmp::Reverse(b.1));
        v
    }
}

fn profile_candle(candle: &BertBackbone, batches: &[Batch]) -> anyhow::Result<()> {
    for b in batches {
        candle.forward(b)?;
    }
    span_times::reset();
    let t = Instant::now();
    for b in batches {
        std::hint::black_box(candle.forward(b)?);
    }
    let total = t.elapsed();
    println!(
        "candle forward, exclusive time by span ({:.2} s for all batches):",
        total.as_secs_f64()
    );
    let mut covered = std::time::Duration::ZERO;
    for (name, d) in span_times::take() {
        covered += d;
        println!(
            "  {name:<12} {:>6.1}%",
            100.0 * d.as_secs_f64() / total.as_secs_f64()
        );
    }
    println!(
        "  {:<12} {:>6.1}%",
        "(untraced)",
        100.0 * total.saturating_sub(covered).as_secs_f64() / total.as_secs_f64()
    );
    Ok(())
}

fn main() -> anyhow::Result<()> {
    let args = parse_args()?;
    if args.profile {
        // Before any model is built: candle creates its spans at load time.
        use tracing_subscriber::layer::SubscriberExt;
        tracing::subscriber::set_global_default(
            tracing_subscriber::registry().with(span_times::Layer),
        )?;
    }
    let files = resolve::resolve(&BaseSpec::default_encoder(), None)?;
    let (config, tok) = load_base_config(&files)?;
    let tensors = load_base_tensors(&files, &Device::Cpu)?;
    let vb = VarBuilder::from_tensors(tensors, DType::F32, &Device::Cpu);
    let candle = BertBackbone::load(vb.clone(), &config)?;
    let threads = candle_core::utils::get_num_threads();
    let fast = FastBert::load(vb.clone(), &config)?;
    let rows = FastBert::load(vb.clone(), &config)?.with_split(Split::Rows);
    let matmul = FastBert::load(vb.clone(), &config)?.with_split(Split::Matmul);
    let single = FastBert::load(vb, &config)?.with_threads(1);

    let sents = sentences(&args.data, &tok, args.sentences)?;
    let tokens: usize = sents.iter().map(Vec::len).sum();
    let gflop: f64 = sents.iter().map(|s| flops(&config, s.len())).sum::<f64>() / 1e9;
    println!(
        "{} sentences, {} tokens (mean {:.1}), {:.1} GFLOP a pass; {threads} threads; avx512f: {}",
        sents.len(),
        tokens,
        tokens as f64 / sents.len() as f64,
        gflop,
        std::arch::is_x86_feature_detected!("avx512f"),
    );

    if args.profile {
        let bs = batches(&sents, *args.batches.last().unwrap_or(&32))?;
        return profile_candle(&candle, &bs);
    }

    if let Some(only) = &args.only {
        let model: &dyn Backbone = if only == "candle" { &candle } else { &fast };
        let bs = batches(&sents, *args.batches.last().unwrap_or(&32))?;
        let secs = time_passes(model, &bs, args.repeat)?;
        println!("{only}: {:.1} sentences/s", sents.len() as f64 / secs);
        return Ok(());
    }

    let peak = gemm_peak(threads);
    let peak1 = gemm_peak(1);
    println!(
        "practical peak (1536^3 f32 gemm): {peak:.0} GFLOP/s on {threads} threads, {peak1:.0} on 1"
    );

    // Accuracy: FastBert against candle on every batch of the largest size, and FastBert's
    // splits and thread counts against each other.
    let check = batches(&sents, *args.batches.iter().max().unwrap_or(&32))?;
    let (mut to_candle, mut across) = (0f32, 0f32);
    for b in &check {
        let want = candle.forward(b)?;
        let got = fast.forward(b)?;
        to_candle = to_candle.max(max_diff(&got, &want, &b.mask)?);
        for other in [&rows, &matmul, &single] {
            across = across.max(max_diff(&other.forward(b)?, &got, &b.mask)?);
        }
    }
    println!("max abs diff of hidden states (real tokens): FastBert vs candle {to_candle:.2e}; FastBert across splits/threads {across:.2e}");

    println!();
    println!("batch | candle sent/s | fast sent/s | fast/candle | candle GFLOP/s | fast GFLOP/s | fast/peak");
    for &size in &args.batches {
        let bs = batches(&sents, size)?;
        let c = time_passes(&candle, &bs, args.repeat)?;
        let f = time_passes(&fast, &bs, args.repeat)?;
        let n = sents.len() as f64;
        println!(
            "{size:>5} | {:>13.1} | {:>11.1} | {:>11.2} | {:>14.1} | {:>12.1} | {:>9.2}",
            n / c,
            n / f,
            c / f,
            gflop / c,
            gflop / f,
            gflop / f / peak
        );
    }

    println!();
    println!("FastBert parallelism, sentences/s (rows: a group of rows per core; matmul: gemm splits each matmul; 1 thread)");
    println!("batch | rows   | matmul | auto   | 1 thread");
    for size in [1, 2, 4, 8, 16, 32, 64] {
        let bs = batches(&sents, size)?;
        let n = sents.len() as f64;
        let r = n / time_passes(&rows, &bs, args.repeat)?;
        let m = n / time_passes(&matmul, &bs, args.repeat)?;
        let a = n / time_passes(&fast, &bs, args.repeat)?;
        let s = n / time_passes(&single, &bs, args.repeat)?;
        println!("{size:>5} | {r:>6.1} | {m:>6.1} | {a:>6.1} | {s:>6.1}");
    }
    Ok(())
}
