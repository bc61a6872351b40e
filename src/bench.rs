//! `standpoint bench`: encoder throughput of standpoint (FastBert, and candle's BERT for
//! reference) and of PyTorch/transformers on the same token ids, the same batches and the same
//! thread count, in one run; the achieved GFLOP/s against a measured gemm peak; and the
//! end-to-end throughput and peak RSS of `standpoint batch` on real news documents (PerSenT,
//! read in place). The last line of output is one JSON object. With another base encoder than
//! the shipped models' (`--encoder mpnet`), only the encoder comparison with PyTorch runs.

use crate::error::{Error, Result};
use crate::model::bert::{Backbone, Batch, BertBackbone};
use crate::model::classifier::{
    load_base_tensors, load_encoder_config, EncoderConfig, INFER_BATCH_MAX,
};
use crate::model::engine::DEFAULT_BATCH_TOKENS;
use crate::model::fast::{FastBert, Precision};
use crate::model::resolve::{self, BaseSpec};
use crate::pipeline::Profile;
use candle_core::{DType, Device};
use candle_nn::VarBuilder;
use candle_transformers::models::bert::Config;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// What to measure.
#[derive(Debug, Clone)]
pub struct BenchSettings {
    pub sentences: usize,
    pub batch_size: usize,
    /// Profiles of the end-to-end batch runs, in order; the first is reported as `batch_*`.
    pub profiles: Vec<Profile>,
    pub threads: usize,
    pub docs: usize,
    pub data_root: PathBuf,
    /// Python of the PyTorch virtualenv; `None` = make it with benches/setup-pytorch-venv.sh.
    pub python: Option<PathBuf>,
    pub pytorch: bool,
    pub repeat: usize,
    /// Paired rounds (encoder alone over the batch's sentences, then the batch) of each
    /// end-to-end run of a MiniLM profile.
    pub rounds: usize,
    pub base: Option<PathBuf>,
    /// The base encoder compared with PyTorch; the end-to-end runs and candle's BERT only
    /// with the shipped models' own (`BaseSpec::default_encoder`).
    pub encoder: BaseSpec,
    pub models_dir: PathBuf,
    /// `batch --speakers` of the end-to-end runs: auto, model or rules.
    pub speakers: &'static str,
    /// The encoders' matmul precision, of the encoder timing and of the end-to-end runs.
    pub precision: Precision,
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |e| Error::Io {
        path: path.to_path_buf(),
        source: e,
    }
}

/// The `DOCUMENT` column of a PerSenT CSV, in file order.
pub fn persent_documents(path: &Path, want: usize) -> Result<Vec<String>> {
    let mut reader = csv::Reader::from_path(path).map_err(|e| {
        Error::Invalid(format!(
            "{}: {e}; bench reads the PerSenT documents from --data-root (../shared/data)",
            path.display()
        ))
    })?;
    let column = reader
        .headers()
        .map_err(|e| Error::Invalid(format!("{}: {e}", path.display())))?
        .iter()
        .position(|h| h == "DOCUMENT")
        .ok_or_else(|| Error::Invalid(format!("{} has no DOCUMENT column", path.display())))?;
    let mut out = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| Error::Invalid(format!("{}: {e}", path.display())))?;
        if let Some(doc) = record.get(column) {
            out.push(doc.to_string());
        }
        if out.len() == want {
            break;
        }
    }
    Ok(out)
}

/// Token ids of the first `want` sentences of 15-60 tokens (our sentence splitter, the base
/// tokenizer with [CLS]/[SEP]) of the PerSenT dev documents.
pub fn sentence_ids(
    docs: &[String],
    tok: &tokenizers::Tokenizer,
    want: usize,
) -> Result<Vec<Vec<u32>>> {
    let mut out = Vec::new();
    for doc in docs {
        for s in crate::text::split_all(doc) {
            let enc = tok
                .encode(s.text.as_str(), true)
                .map_err(|e| Error::Invalid(format!("tokenizer: {e}")))?;
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

/// Batches as inference makes them: sorted by length, `size` rows each; with the row indices of
/// each.
pub fn batches(sents: &[Vec<u32>], size: usize) -> Result<(Vec<Batch>, Vec<Vec<usize>>)> {
    let mut order: Vec<usize> = (0..sents.len()).collect();
    order.sort_by_key(|&i| (sents[i].len(), i));
    let groups: Vec<Vec<usize>> = order.chunks(size.max(1)).map(|c| c.to_vec()).collect();
    let mut out = Vec::with_capacity(groups.len());
    for g in &groups {
        let types: Vec<Vec<u32>> = g.iter().map(|&i| vec![0; sents[i].len()]).collect();
        let rows: Vec<(&[u32], &[u32])> = g
            .iter()
            .zip(&types)
            .map(|(&i, t)| (sents[i].as_slice(), t.as_slice()))
            .collect();
        out.push(Batch::from_rows(&rows, &Device::Cpu)?);
    }
    Ok((out, groups))
}

/// Matmul FLOPs of one sentence of `n` real tokens: dense layers plus attention.
pub fn flops(c: &Config, n: usize) -> f64 {
    let (h, i, n) = (c.hidden_size as f64, c.intermediate_size as f64, n as f64);
    c.num_hidden_layers as f64 * (2.0 * n * (4.0 * h * h + 2.0 * h * i) + 4.0 * n * n * h)
}

/// Median seconds of `repeat` passes over all batches, after one warm-up pass.
fn time_passes(model: &dyn Backbone, batches: &[Batch], repeat: usize) -> Result<f64> {
    for b in batches {
        model.forward(b)?;
    }
    let mut times = Vec::with_capacity(repeat);
    for _ in 0..repeat.max(1) {
        let t = Instant::now();
        for b in batches {
            std::hint::black_box(model.forward(b)?);
        }
        times.push(t.elapsed().as_secs_f64());
    }
    times.sort_by(f64::total_cmp);
    Ok(times[times.len() / 2])
}

/// GFLOP/s of a large square f32 gemm with `threads` threads, best of five: the practical peak
/// of this machine for the kernels the encoder uses.
pub fn gemm_peak(threads: usize) -> f64 {
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
        // SAFETY: three distinct n x n row-major buffers of the right length.
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

/// The nominal f32 peak of `threads` cores, in GFLOP/s: clock (from /proc/cpuinfo) times the
/// FLOPs per cycle of two fused multiply-add units of the widest vector the CPU has (64 with
/// AVX-512, 32 with AVX2). `None` when /proc/cpuinfo says nothing usable.
pub fn nominal_peak(threads: usize) -> Option<f64> {
    let info = std::fs::read_to_string("/proc/cpuinfo").ok()?;
    let mhz: f64 = info
        .lines()
        .find(|l| l.starts_with("cpu MHz"))?
        .split(':')
        .nth(1)?
        .trim()
        .parse()
        .ok()?;
    let flags = info.lines().find(|l| l.starts_with("flags"))?;
    let per_cycle = if flags.contains(" avx512f") {
        64.0
    } else if flags.contains(" avx2") {
        32.0
    } else {
        8.0
    };
    Some(threads as f64 * mhz * per_cycle / 1000.0)
}

/// The PyTorch side: `benches/encoder_pytorch.py` on the same batches, or why it did not run.
fn pytorch(
    s: &BenchSettings,
    model_dir: &Path,
    batches_file: &Path,
) -> std::result::Result<serde_json::Value, String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let python = match &s.python {
        Some(p) => p.clone(),
        None => {
            note!("preparing the PyTorch virtualenv (benches/setup-pytorch-venv.sh) ...");
            let o = on_all_cores("bash")
                .arg(root.join("benches/setup-pytorch-venv.sh"))
                .output()
                .map_err(|e| format!("cannot run benches/setup-pytorch-venv.sh: {e}"))?;
            if !o.status.success() {
                return Err(format!(
                    "benches/setup-pytorch-venv.sh failed: {}",
                    String::from_utf8_lossy(&o.stderr)
                        .lines()
                        .last()
                        .unwrap_or("")
                ));
            }
            let out = String::from_utf8_lossy(&o.stdout);
            PathBuf::from(out.lines().last().unwrap_or("").trim())
        }
    };
    let o = on_all_cores(&python)
        .arg(root.join("benches/encoder_pytorch.py"))
        .arg("--model-dir")
        .arg(model_dir)
        .arg("--batches")
        .arg(batches_file)
        .args(["--threads", &s.threads.to_string()])
        .args(["--repeat", &s.repeat.to_string()])
        .output()
        .map_err(|e| format!("cannot run {}: {e}", python.display()))?;
    let stdout = String::from_utf8_lossy(&o.stdout);
    if !o.status.success() {
        return Err(format!(
            "encoder_pytorch.py failed: {}",
            String::from_utf8_lossy(&o.stderr)
                .lines()
                .last()
                .unwrap_or("")
        ));
    }
    serde_json::from_str(stdout.lines().last().unwrap_or(""))
        .map_err(|e| format!("encoder_pytorch.py printed no JSON line: {e}"))
}

/// A command that runs on every core: candle's thread pool pins the threads that ran the encoder
/// to single cores, and a child process would inherit that affinity (and run PyTorch's or
/// batch's threads on one core).
fn on_all_cores(program: impl AsRef<std::ffi::OsStr>) -> Command {
    use std::os::unix::process::CommandExt;
    let mut cmd = Command::new(program);
    // SAFETY: only async-signal-safe libc calls between fork and exec.
    unsafe {
        cmd.pre_exec(|| {
            let mut set: libc::cpu_set_t = std::mem::zeroed();
            for cpu in 0..libc::CPU_SETSIZE as usize {
                libc::CPU_SET(cpu, &mut set);
            }
            libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set);
            Ok(())
        });
    }
    cmd
}

/// Peak RSS of finished children, in MB (Linux reports kilobytes).
fn children_peak_rss_mb() -> f64 {
    // SAFETY: getrusage fills a zeroed struct we own.
    unsafe {
        let mut u: libc::rusage = std::mem::zeroed();
        if libc::getrusage(libc::RUSAGE_CHILDREN, &mut u) == 0 {
            return u.ru_maxrss as f64 / 1024.0;
        }
    }
    f64::NAN
}

/// End to end: `standpoint batch` (this binary, a child process) on `docs` PerSenT documents.
fn batch_run(
    s: &BenchSettings,
    docs: &[String],
    work: &Path,
    profile: Profile,
) -> Result<serde_json::Value> {
    let corpus = work.join("corpus.jsonl");
    let mut text = String::new();
    for (i, d) in docs.iter().enumerate() {
        text.push_str(&serde_json::json!({"id": i, "text": d}).to_string());
        text.push('\n');
    }
    std::fs::write(&corpus, &text).map_err(io(&corpus))?;
    let out = work.join("scored.jsonl");
    for p in [
        out.clone(),
        crate::corpus::errors_path(&out),
        crate::corpus::journal_path(&out),
    ] {
        let _ = std::fs::remove_file(p);
    }
    let exe = std::env::current_exe().map_err(io(Path::new("standpoint")))?;
    let mut cmd = on_all_cores(exe);
    cmd.arg("batch")
        .arg(&corpus)
        .arg("-o")
        .arg(&out)
        .args(["--threads", &s.threads.to_string(), "--quiet"])
        .args(["--profile", profile.name()])
        .args(["--speakers", s.speakers])
        .args([
            "--precision",
            match s.precision {
                Precision::F32 => "f32",
                Precision::Bf16 => "bf16",
            },
        ])
        .arg("--models-dir")
        .arg(&s.models_dir);
    if let Some(b) = &s.base {
        cmd.arg("--base").arg(b);
    }
    let t = Instant::now();
    let o = cmd.output().map_err(io(Path::new("standpoint batch")))?;
    let seconds = t.elapsed().as_secs_f64();
    let rss = children_peak_rss_mb();
    if !o.status.success() && o.status.code() != Some(3) {
        return Err(Error::Invalid(format!(
            "standpoint batch failed: {}",
            String::from_utf8_lossy(&o.stderr)
        )));
    }
    let (mut n, mut sentences, mut pairs) = (0usize, 0usize, 0usize);
    let scored = std::fs::read_to_string(&out).map_err(io(&out))?;
    for line in scored.lines() {
        let v: serde_json::Value = serde_json::from_str(line)
            .map_err(|e| Error::Invalid(format!("{}: {e}", out.display())))?;
        n += 1;
        if let Some(ss) = v["sentences"].as_array() {
            sentences += ss.len();
            pairs += ss
                .iter()
                .map(|s| s["actors"].as_array().map_or(0, Vec::len))
                .sum::<usize>();
        }
    }
    Ok(serde_json::json!({
        "profile": profile.name(),
        "docs": n,
        "sentences": sentences,
        "pairs": pairs,
        "seconds": seconds,
        "bytes": text.len(),
        "docs_per_s": n as f64 / seconds,
        "sents_per_s": sentences as f64 / seconds,
        "pairs_per_s": pairs as f64 / seconds,
        "peak_rss_mb": rss,
    }))
}

/// Token ids of every sentence of `docs` as `batch` splits them, `[CLS]` and `[SEP]` included,
/// cut at the encoder's `max_len` positions (the models read longer sentences in windows).
fn document_sentence_ids(
    docs: &[String],
    tok: &tokenizers::Tokenizer,
    max_len: usize,
) -> Result<Vec<Vec<u32>>> {
    let mut out = Vec::new();
    for d in docs {
        let cleaned = crate::text::clean(d);
        for sent in crate::text::split(d, &cleaned.ranges()) {
            let enc = tok
                .encode(sent.text.as_str(), true)
                .map_err(|e| Error::Invalid(format!("tokenizer: {e}")))?;
            let mut ids = enc.get_ids().to_vec();
            if ids.len() > max_len {
                let sep = ids[ids.len() - 1];
                ids.truncate(max_len - 1);
                ids.push(sep);
            }
            out.push(ids);
        }
    }
    Ok(out)
}

/// Batches as the models' inference makes them (`classifier::Loaded::run_batches`): sorted by
/// length, at most [`DEFAULT_BATCH_TOKENS`] padded tokens and [`INFER_BATCH_MAX`] rows each.
fn budget_batches(sents: &[Vec<u32>]) -> Result<Vec<Batch>> {
    let mut order: Vec<usize> = (0..sents.len()).collect();
    order.sort_by_key(|&i| (sents[i].len(), i));
    let mut out = Vec::new();
    let mut start = 0;
    while start < order.len() {
        let mut end = start + 1;
        while end < order.len()
            && end - start < INFER_BATCH_MAX
            && (end + 1 - start) * sents[order[end]].len() <= DEFAULT_BATCH_TOKENS
        {
            end += 1;
        }
        let types: Vec<Vec<u32>> = order[start..end]
            .iter()
            .map(|&i| vec![0; sents[i].len()])
            .collect();
        let rows: Vec<(&[u32], &[u32])> = order[start..end]
            .iter()
            .zip(&types)
            .map(|(&i, t)| (sents[i].as_slice(), t.as_slice()))
            .collect();
        out.push(Batch::from_rows(&rows, &Device::Cpu)?);
        start = end;
    }
    Ok(out)
}

/// Seconds of one pass of `model` over `batches`.
fn time_once(model: &dyn Backbone, batches: &[Batch]) -> Result<f64> {
    let t = Instant::now();
    for b in batches {
        std::hint::black_box(model.forward(b)?);
    }
    Ok(t.elapsed().as_secs_f64())
}

/// The rounds of one profile's end-to-end run: (seconds of the encoder alone over the batch's
/// `sentences`, the batch run) each. The run reported is the round of the median ratio, with
/// every round's figures; a run without encoder timings is its only round as it is.
fn paired_rounds(
    trials: Vec<(Option<f64>, serde_json::Value)>,
    sentences: usize,
) -> serde_json::Value {
    let mut rounds: Vec<(f64, f64, serde_json::Value)> = Vec::new();
    let mut unpaired = None;
    for (encoder_s, run) in trials {
        match encoder_s {
            Some(e) if e > 0.0 => {
                let encoder = sentences as f64 / e;
                let ratio = run["sents_per_s"].as_f64().unwrap_or(0.0) / encoder;
                rounds.push((ratio, encoder, run));
            }
            _ => unpaired = Some(run),
        }
    }
    if rounds.is_empty() {
        return unpaired.unwrap_or(serde_json::Value::Null);
    }
    let figures: Vec<serde_json::Value> = rounds
        .iter()
        .map(|(ratio, encoder, run)| {
            serde_json::json!({
                "encoder_sents_per_s": r2(*encoder),
                "batch_sents_per_s": r2(run["sents_per_s"].as_f64().unwrap_or(0.0)),
                "ratio": (ratio * 1000.0).round() / 1000.0,
            })
        })
        .collect();
    rounds.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (ratio, encoder, mut run) = rounds.swap_remove((rounds.len() - 1) / 2);
    run["paired_ratio"] = serde_json::json!(ratio);
    run["encoder_same_sents_per_s"] = serde_json::json!(encoder);
    run["rounds"] = serde_json::Value::Array(figures);
    run
}

fn r2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// The encoder and the batches it is timed on.
struct Timed<'a> {
    fast: &'a FastBert,
    batches: &'a [Batch],
    batches_file: &'a Path,
    model_dir: &'a Path,
}

/// The encoder against PyTorch alone, for a base encoder no shipped model is built on: the
/// fast engine before and after PyTorch (the better of the two, so that noise from the rest of
/// the machine hits both sides alike), with its GFLOP/s.
fn encoder_only(
    s: &BenchSettings,
    config: &EncoderConfig,
    sents: &[Vec<u32>],
    t: &Timed,
) -> Result<serde_json::Value> {
    let n = sents.len() as f64;
    let tokens: usize = sents.iter().map(Vec::len).sum();
    let first = time_passes(t.fast, t.batches, s.repeat)?;
    let (torch_rate, torch_info) = if s.pytorch {
        match pytorch(s, t.model_dir, t.batches_file) {
            Ok(v) => (v["sents_per_s"].as_f64(), v),
            Err(reason) => {
                note!("PyTorch comparison skipped: {reason}");
                (None, serde_json::json!({"skipped": reason}))
            }
        }
    } else {
        (None, serde_json::json!({"skipped": "--no-pytorch"}))
    };
    let fast_s = first.min(time_passes(t.fast, t.batches, s.repeat)?);
    let encoder = n / fast_s;
    let total_flops: f64 = sents.iter().map(|x| config.flops(x.len())).sum();
    let gflops = total_flops / fast_s / 1e9;
    note!(
        "encoder {}: standpoint {encoder:.1} sentences/s ({gflops:.0} GFLOP/s); PyTorch {} {:.1} sentences/s on the same batches ({:.2}x)",
        s.encoder.repo_id,
        torch_info["torch"].as_str().unwrap_or("?"),
        torch_rate.unwrap_or(f64::NAN),
        torch_rate.map_or(f64::NAN, |r| encoder / r)
    );
    Ok(serde_json::json!({
        "encoder": s.encoder.repo_id,
        "architecture": config.architecture(),
        "threads": s.threads,
        "sentences": sents.len(),
        "tokens": tokens,
        "batch_size": s.batch_size,
        "encoder_sents_per_s": r2(encoder),
        "pytorch_sents_per_s": torch_rate.map(r2),
        "ratio_vs_pytorch": torch_rate.map(|r| r2(encoder / r)),
        "gflops": r2(gflops),
        "pytorch": torch_info,
    }))
}

/// The batches as PyTorch's side reads them (`batches.jsonl` in `dir`, one `{"ids": [...]}` line
/// per batch, its rows' token ids), so both sides time the same inputs. Returns the file.
fn write_batches(sents: &[Vec<u32>], groups: &[Vec<usize>], dir: &Path) -> Result<PathBuf> {
    let path = dir.join("batches.jsonl");
    let mut lines = String::new();
    for g in groups {
        let ids: Vec<&Vec<u32>> = g.iter().map(|&i| &sents[i]).collect();
        lines.push_str(&serde_json::json!({ "ids": ids }).to_string());
        lines.push('\n');
    }
    std::fs::write(&path, lines).map_err(io(&path))?;
    Ok(path)
}

/// The sentences an encoder is timed on, in `tok`'s ids, their batches, and the batches' file
/// for PyTorch's side (in `work`, removed when this is dropped).
struct Workload {
    sents: Vec<Vec<u32>>,
    batches: Vec<Batch>,
    batches_file: PathBuf,
    work: tempfile::TempDir,
}

/// `s.sentences` PerSenT dev sentences of 15-60 tokens in batches of `s.batch_size`, with a note
/// of their tokens and padding.
fn workload(s: &BenchSettings, tok: &tokenizers::Tokenizer) -> Result<Workload> {
    let persent = s.data_root.join("persent");
    let dev_docs = persent_documents(&persent.join("dev.csv"), usize::MAX)?;
    let sents = sentence_ids(&dev_docs, tok, s.sentences)?;
    drop(dev_docs);
    if sents.is_empty() {
        return Err(Error::Invalid(format!(
            "no sentences of 15-60 tokens in {}",
            persent.join("dev.csv").display()
        )));
    }
    let tokens: usize = sents.iter().map(Vec::len).sum();
    let (batches, groups) = batches(&sents, s.batch_size)?;
    let padded: usize = groups
        .iter()
        .map(|g| g.len() * g.iter().map(|&i| sents[i].len()).max().unwrap_or(0))
        .sum();
    let work = tempfile::tempdir().map_err(io(Path::new("a temporary folder")))?;
    let batches_file = write_batches(&sents, &groups, work.path())?;
    note!(
        "{}: {} sentences ({} tokens, {:.1}% padding) in {} batches of {}, {} threads",
        s.encoder.repo_id,
        sents.len(),
        tokens,
        100.0 * (padded - tokens) as f64 / padded as f64,
        batches.len(),
        s.batch_size,
        s.threads
    );
    Ok(Workload {
        sents,
        batches,
        batches_file,
        work,
    })
}

/// The encoder of `s.encoder` against PyTorch alone ([`encoder_only`]), on its own tokens of the
/// same PerSenT sentences (`base`: its local folder, else the cache).
fn other_encoder(s: &BenchSettings, base: Option<&Path>) -> Result<serde_json::Value> {
    let files = resolve::resolve(&s.encoder, base)?;
    let (config, tok) = load_encoder_config(&files)?;
    let tensors = load_base_tensors(&files, &Device::Cpu)?;
    let vb = VarBuilder::from_tensors(tensors, DType::F32, &Device::Cpu);
    let fast = config.fast_encoder(vb, Some(s.threads), s.precision)?;
    let w = workload(s, &tok)?;
    let timed = Timed {
        fast: &fast,
        batches: &w.batches,
        batches_file: &w.batches_file,
        model_dir: &files.dir,
    };
    encoder_only(s, &config, &w.sents, &timed)
}

/// Run the benchmark; print a readable account on stderr and return the JSON summary.
pub fn run(s: &BenchSettings) -> Result<serde_json::Value> {
    // Another base encoder than the shipped models' own: its encoder against PyTorch alone.
    if s.encoder != BaseSpec::default_encoder() {
        return other_encoder(s, s.base.as_deref());
    }
    let files = resolve::resolve(&s.encoder, s.base.as_deref())?;
    let (encoder_config, tok) = load_encoder_config(&files)?;
    let EncoderConfig::Bert(config) = &encoder_config else {
        return Err(Error::Invalid(format!(
            "{}: the shipped models' base is a BERT encoder",
            files.config.display()
        )));
    };
    let config = config.clone();
    let tensors = load_base_tensors(&files, &Device::Cpu)?;
    let vb = VarBuilder::from_tensors(tensors, DType::F32, &Device::Cpu);
    let fast = encoder_config.fast_encoder(vb.clone(), Some(s.threads), s.precision)?;
    let persent = s.data_root.join("persent");
    let Workload {
        sents,
        batches,
        batches_file,
        work,
    } = workload(s, &tok)?;
    let tokens: usize = sents.iter().map(Vec::len).sum();
    let candle = BertBackbone::load(vb, &config)?;

    // End to end first, so that the peak RSS of finished children is the batch run's alone.
    let docs = persent_documents(&persent.join("random_test.csv"), s.docs)?;
    // The batch's own sentences, batched as its models batch them: the encoder alone over them
    // is what each batch run is compared with.
    let doc_sents = document_sentence_ids(&docs, &tok, config.max_position_embeddings)?;
    let doc_batches = budget_batches(&doc_sents)?;
    let batch_sentences = doc_sents.len();
    let batch_tokens: usize = doc_sents.iter().map(Vec::len).sum();
    for b in doc_batches.iter().take(8) {
        fast.forward(b)?;
    }
    // The fast profile runs first: the peak RSS of children is a maximum over all of them, so
    // the first run's figure is its own and the second's is the larger of the two.
    let mut runs = Vec::new();
    for &profile in &s.profiles {
        // MPNet's profile is compared with its own encoder below, in one run.
        let paired = profile != Profile::Accurate;
        let rounds = if paired { s.rounds.max(1) } else { 1 };
        let mut trials = Vec::with_capacity(rounds);
        for round in 1..=rounds {
            note!(
                "batch --profile {}: {} PerSenT random_test documents{} ...",
                profile.name(),
                docs.len(),
                match paired {
                    true => format!(", round {round} of {rounds}: the encoder alone, then batch"),
                    false => String::new(),
                }
            );
            let encoder_s = match paired {
                true => Some(time_once(&fast, &doc_batches)?),
                false => None,
            };
            trials.push((encoder_s, batch_run(s, &docs, work.path(), profile)?));
        }
        runs.push(paired_rounds(trials, batch_sentences));
    }
    drop(docs);
    let batch = runs.remove(0);
    let other = runs.pop();

    // Interleave the two Rust backends so that machine noise hits both alike.
    let fast_s = time_passes(&fast, &batches, s.repeat)?;
    let candle_s = time_passes(&candle, &batches, s.repeat)?;
    let fast_s = fast_s.min(time_passes(&fast, &batches, s.repeat)?);
    let n = sents.len() as f64;
    let total_flops: f64 = sents.iter().map(|x| flops(&config, x.len())).sum();
    let gflops = total_flops / fast_s / 1e9;
    let gemm = gemm_peak(s.threads);
    let peak = nominal_peak(s.threads).unwrap_or(gemm);
    let encoder = n / fast_s;
    let candle_rate = n / candle_s;
    note!(
        "encoder: standpoint {encoder:.1} sentences/s ({gflops:.0} GFLOP/s, {:.0}% of the nominal {peak:.0} GFLOP/s peak; a large gemm reaches {gemm:.0}); candle-transformers BERT {candle_rate:.1} sentences/s ({:.2}x)",
        100.0 * gflops / peak,
        encoder / candle_rate
    );

    let (torch_rate, torch_info) = if s.pytorch {
        match pytorch(s, &files.dir, &batches_file) {
            Ok(v) => {
                let rate = v["sents_per_s"].as_f64();
                note!(
                    "encoder: PyTorch {} {:.1} sentences/s on the same batches",
                    v["torch"].as_str().unwrap_or("?"),
                    rate.unwrap_or(f64::NAN)
                );
                (rate, v)
            }
            Err(reason) => {
                note!("PyTorch comparison skipped: {reason}");
                (None, serde_json::json!({"skipped": reason}))
            }
        }
    } else {
        (None, serde_json::json!({"skipped": "--no-pytorch"}))
    };

    for b in std::iter::once(&batch).chain(other.as_ref()) {
        let sents = b["sents_per_s"].as_f64().unwrap_or(0.0);
        let paired = match b["paired_ratio"].as_f64() {
            Some(r) => format!(
                "{:.0}% of the encoder alone over the same sentences (median of rounds {})",
                100.0 * r,
                b["rounds"]
                    .as_array()
                    .map(|rs| rs
                        .iter()
                        .map(|x| format!("{:.2}", x["ratio"].as_f64().unwrap_or(0.0)))
                        .collect::<Vec<_>>()
                        .join(", "))
                    .unwrap_or_default()
            ),
            None => String::new(),
        };
        note!(
            "batch --profile {}: {:.2} documents/s, {:.1} sentences/s, {:.1} pairs/s, peak RSS {:.0} MB; {paired}; {:.0}% of the encoder-only sentences/s above",
            b["profile"].as_str().unwrap_or("?"),
            b["docs_per_s"].as_f64().unwrap_or(0.0),
            sents,
            b["pairs_per_s"].as_f64().unwrap_or(0.0),
            b["peak_rss_mb"].as_f64().unwrap_or(0.0),
            100.0 * sents / encoder
        );
    }
    let batch_sents = batch["sents_per_s"].as_f64().unwrap_or(0.0);
    let other_sents = other
        .as_ref()
        .map(|b| b["sents_per_s"].as_f64().unwrap_or(0.0));
    // The accurate profile's own encoder (MPNet) against PyTorch in the same run, and its
    // batch run against it.
    let accurate_encoder = match s.profiles.contains(&Profile::Accurate) {
        true => {
            note!("the accurate profile's encoder, MPNet-base, against PyTorch ...");
            let mpnet = BenchSettings {
                encoder: BaseSpec::mpnet(),
                ..s.clone()
            };
            // `--base` names MiniLM's folder in this run, not MPNet's.
            Some(other_encoder(&mpnet, None)?)
        }
        false => None,
    };
    let accurate_batch = std::iter::once(&batch)
        .chain(other.as_ref())
        .find(|b| b["profile"] == "accurate")
        .and_then(|b| b["sents_per_s"].as_f64());
    let accurate_vs_encoder = accurate_encoder
        .as_ref()
        .and_then(|e| e["encoder_sents_per_s"].as_f64())
        .zip(accurate_batch)
        .map(|(e, b)| r2(b / e));
    if let Some(x) = accurate_vs_encoder {
        note!(
            "batch --profile accurate: {:.0}% of the MPNet encoder-only sentences/s",
            100.0 * x
        );
    }
    Ok(serde_json::json!({
        "accurate_encoder": accurate_encoder,
        "accurate_batch_vs_encoder": accurate_vs_encoder,
        "threads": s.threads,
        "sentences": sents.len(),
        "tokens": tokens,
        "batch_size": s.batch_size,
        "encoder_sents_per_s": r2(encoder),
        "candle_sents_per_s": r2(candle_rate),
        "ratio_vs_candle": r2(encoder / candle_rate),
        "pytorch_sents_per_s": torch_rate.map(r2),
        "ratio_vs_pytorch": torch_rate.map(|t| r2(encoder / t)),
        "gflops": r2(gflops),
        "peak_gflops": r2(peak),
        "gemm_gflops": r2(gemm),
        "batch_docs_per_s": r2(batch["docs_per_s"].as_f64().unwrap_or(0.0)),
        "batch_sents_per_s": r2(batch_sents),
        "batch_pairs_per_s": r2(batch["pairs_per_s"].as_f64().unwrap_or(0.0)),
        // The batch against the encoder alone over the batch's own sentences, in paired
        // rounds (the median); the fast and separate profiles.
        "batch_vs_encoder": batch["paired_ratio"].as_f64().map(r2),
        // The batch against the encoder figure above (other sentences, best of two medians,
        // timed apart from the batch run): the figure reported before session 15.
        "batch_vs_encoder_unpaired": r2(batch_sents / encoder),
        "peak_rss_mb": r2(batch["peak_rss_mb"].as_f64().unwrap_or(0.0)),
        "batch_profile": batch["profile"],
        "encoder_tokens_per_sentence": r2(tokens as f64 / n),
        "batch_tokens_per_sentence": r2(batch_tokens as f64 / batch_sentences.max(1) as f64),
        // The same ratio in tokens/s: corrects for the corpus's sentence lengths.
        "batch_vs_encoder_tokens": r2(
            (batch_sents * batch_tokens as f64 / batch_sentences.max(1) as f64)
                / (encoder * tokens as f64 / n)
        ),
        "other_profile": other.as_ref().map(|b| b["profile"].clone()),
        "other_batch_sents_per_s": other_sents.map(r2),
        "other_batch_vs_encoder": other
            .as_ref()
            .and_then(|b| b["paired_ratio"].as_f64())
            .map(r2),
        "other_batch_vs_encoder_unpaired": other_sents.map(|x| r2(x / encoder)),
        "batch": batch,
        "other_batch": other,
        "pytorch": torch_info,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_hold_the_inference_budget_and_every_sentence_once() {
        // Short sentences many to a batch, long ones few, as the models' inference batches them.
        let sents: Vec<Vec<u32>> = (0..300).map(|i| vec![7; 3 + (i * 13) % 120]).collect();
        let batches = budget_batches(&sents).unwrap();
        let mut rows = 0;
        for b in &batches {
            let (n, len) = b.input_ids.dims2().unwrap();
            assert!(n <= INFER_BATCH_MAX);
            assert!(
                n == 1 || n * len <= DEFAULT_BATCH_TOKENS,
                "{n} rows of {len}"
            );
            rows += n;
        }
        assert_eq!(rows, sents.len());
        assert!(batches.len() > 1);
    }

    #[test]
    fn the_reported_round_is_the_median_ratio() {
        // 100 sentences; the encoder alone took 0.25 s (400/s) in each round.
        let run =
            |sents_per_s: f64| serde_json::json!({"sents_per_s": sents_per_s, "seconds": 1.0});
        let trials = vec![
            (Some(0.25), run(300.0)),
            (Some(0.25), run(360.0)),
            (Some(0.25), run(200.0)),
        ];
        let v = paired_rounds(trials, 100);
        assert_eq!(v["sents_per_s"], 300.0);
        assert_eq!(v["paired_ratio"], 0.75);
        let ratios: Vec<f64> = v["rounds"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["ratio"].as_f64().unwrap())
            .collect();
        assert_eq!(ratios, [0.75, 0.9, 0.5]);
        // A run without encoder timing (the accurate profile) is reported as it is.
        let v = paired_rounds(vec![(None, run(50.0))], 100);
        assert_eq!(v["sents_per_s"], 50.0);
        assert!(v.get("paired_ratio").is_none());
    }
}
