//! Loaded task models for inference: the stance, sentiment and actor (NER) classifiers.
//!
//! Every model is the pinned base encoder with the tensors that training changed laid over it
//! (same Hugging Face names, the model's own file wins), plus its head. Inputs are sorted by
//! length and batched; outputs come back in input order.

use crate::labels::{LabelSet, Prediction, Sentiment, Stance};
use crate::model::bert::{Backbone, Batch, BertBackbone};
use crate::model::encode::{self, Encoded, StanceInput, Template, TokenWindow};
use crate::model::engine::{Backend, Settings};
use crate::model::error::{Error, Result};
use crate::model::fast::{FastBert, Precision};
use crate::model::heads::{PoolSpec, SequenceClassificationHead, TokenClassificationHead};
use crate::model::manifest::{Manifest, Pooling, Task};
use crate::model::mpnet::MpnetConfig;
use crate::model::resolve::{self, ModelFiles};
use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use candle_transformers::models::bert::Config;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use tokenizers::Tokenizer;

/// Inputs per forward pass at inference, at most (see `batch_tokens`).
pub const INFER_BATCH_MAX: usize = 128;

/// What every task model shares: manifest, tokenizer, template and backbone.
pub struct Loaded {
    pub manifest: Manifest,
    pub dir: PathBuf,
    pub tokenizer: Tokenizer,
    pub template: Template,
    pub backbone: Box<dyn Backbone>,
    pub device: Device,
    pub(crate) vb: VarBuilder<'static>,
    /// Token budget of one inference batch (rows x padded length), from [`Settings`].
    batch_tokens: usize,
}

/// Read and check a safetensors file: unreadable, truncated or corrupted files are errors that
/// name the file; the sha256 must match `expected` when given.
pub fn read_checked_safetensors(
    path: &Path,
    expected: Option<&str>,
    device: &Device,
) -> Result<HashMap<String, Tensor>> {
    let bytes = std::fs::read(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => Error::MissingWeights {
            path: path.to_path_buf(),
        },
        _ => Error::Io {
            path: path.to_path_buf(),
            source: e,
        },
    })?;
    if let Err(e) = safetensors::SafeTensors::deserialize(&bytes) {
        return Err(Error::CorruptWeights {
            path: path.to_path_buf(),
            reason: e.to_string(),
        });
    }
    if let Some(expected) = expected {
        let actual = hex::encode(Sha256::digest(&bytes));
        if !actual.eq_ignore_ascii_case(expected) {
            return Err(Error::WeightsChecksum {
                path: path.to_path_buf(),
                expected: expected.to_string(),
                actual,
            });
        }
    }
    candle_core::safetensors::load_buffer(&bytes, device).map_err(|e| Error::CorruptWeights {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })
}

/// A base encoder's `config.json`, by its `model_type`.
#[derive(Debug, Clone, PartialEq)]
pub enum EncoderConfig {
    /// BERT (all-MiniLM-L6-v2, the base of the shipped models).
    Bert(Config),
    /// MPNet (all-mpnet-base-v2).
    Mpnet(MpnetConfig),
}

impl EncoderConfig {
    /// Parse `text` (the file at `path`) by its `model_type`; none means BERT.
    pub fn parse(text: &str, path: &Path) -> Result<Self> {
        let invalid =
            |e: serde_json::Error| Error::Invalid(format!("cannot parse {}: {e}", path.display()));
        let value: serde_json::Value = serde_json::from_str(text).map_err(invalid)?;
        match value.get("model_type").and_then(|t| t.as_str()) {
            Some("mpnet") => Ok(Self::Mpnet(serde_json::from_value(value).map_err(invalid)?)),
            None | Some("bert") => Ok(Self::Bert(serde_json::from_value(value).map_err(invalid)?)),
            Some(other) => Err(Error::Invalid(format!(
                "{}: model_type '{other}' is not supported; expected bert or mpnet",
                path.display()
            ))),
        }
    }

    /// The architecture's name, as a manifest's `architecture` gives it.
    pub fn architecture(&self) -> &'static str {
        match self {
            Self::Bert(_) => "bert",
            Self::Mpnet(_) => "mpnet",
        }
    }

    /// The longest input the position embeddings allow.
    pub fn max_tokens(&self) -> usize {
        match self {
            Self::Bert(c) => c.max_position_embeddings,
            Self::Mpnet(c) => c.max_tokens(),
        }
    }

    pub fn hidden_size(&self) -> usize {
        match self {
            Self::Bert(c) => c.hidden_size,
            Self::Mpnet(c) => c.hidden_size,
        }
    }

    /// The number of encoder layers.
    pub fn layers(&self) -> usize {
        match self {
            Self::Bert(c) => c.num_hidden_layers,
            Self::Mpnet(c) => c.num_hidden_layers,
        }
    }

    /// Matmul FLOPs of one input of `n` tokens: dense layers plus attention.
    pub fn flops(&self, n: usize) -> f64 {
        let (layers, h, i) = match self {
            Self::Bert(c) => (c.num_hidden_layers, c.hidden_size, c.intermediate_size),
            Self::Mpnet(c) => (c.num_hidden_layers, c.hidden_size, c.intermediate_size),
        };
        let (h, i, n) = (h as f64, i as f64, n as f64);
        layers as f64 * (2.0 * n * (4.0 * h * h + 2.0 * h * i) + 4.0 * n * n * h)
    }

    /// The fast engine (`FastBert`) for this architecture on the tensors of `vb`, with
    /// `threads` cores (default: candle's count) and the dense layers' `precision`.
    pub fn fast_encoder(
        &self,
        vb: VarBuilder,
        threads: Option<usize>,
        precision: Precision,
    ) -> candle_core::Result<FastBert> {
        let fast = match self {
            Self::Bert(c) => FastBert::load(vb, c)?,
            Self::Mpnet(c) => FastBert::load_mpnet(vb, c)?,
        };
        let fast = match threads {
            Some(n) => fast.with_threads(n),
            None => fast,
        };
        match precision {
            Precision::F32 => Ok(fast),
            Precision::Bf16 => fast.with_precision(Precision::Bf16),
        }
    }
}

/// Load the BERT config and tokenizer of a resolved base model: what training and the joint
/// model take (an MPNet base is refused with the reason).
pub fn load_base_config(files: &ModelFiles) -> Result<(Config, Tokenizer)> {
    match load_encoder_config(files)? {
        (EncoderConfig::Bert(config), tokenizer) => Ok((config, tokenizer)),
        (other, _) => Err(Error::Invalid(format!(
            "{}: the base encoder is {}; training and the joint model take a bert base so far",
            files.config.display(),
            other.architecture()
        ))),
    }
}

/// Load the config (by its `model_type`) and tokenizer of a resolved base model.
pub fn load_encoder_config(files: &ModelFiles) -> Result<(EncoderConfig, Tokenizer)> {
    let text = std::fs::read_to_string(&files.config).map_err(|e| Error::Io {
        path: files.config.clone(),
        source: e,
    })?;
    let config = EncoderConfig::parse(&text, &files.config)?;
    let mut tokenizer = Tokenizer::from_file(&files.tokenizer).map_err(|e| Error::Tokenizer {
        path: files.tokenizer.clone(),
        reason: e.to_string(),
    })?;
    // The sentence-transformers tokenizer.json pads every encoding to 128 tokens and truncates
    // at 128. Our templates assemble pieces themselves and window long texts, so both must be
    // off: with them on, every piece came back as 128 ids, mostly [PAD], and the sentence was
    // cut away (regression test: `encode::tests::the_base_tokenizer_neither_pads_nor_truncates`).
    tokenizer.with_padding(None);
    tokenizer
        .with_truncation(None)
        .map_err(|e| Error::Tokenizer {
            path: files.tokenizer.clone(),
            reason: e.to_string(),
        })?;
    Ok((config, tokenizer))
}

/// Load the base weights (all tensors, from the resolved safetensors file).
///
/// The tensors are read once per process and shared (candle tensors are reference-counted), so
/// the three task models of a pipeline hold one copy of the 90 MB base, not three.
pub fn load_base_tensors(files: &ModelFiles, device: &Device) -> Result<HashMap<String, Tensor>> {
    let mut shared = SHARED_BASE.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((path, tensors)) = shared.as_ref() {
        if *path == files.weights {
            return Ok(tensors.clone());
        }
    }
    let tensors = candle_core::safetensors::load(&files.weights, device).map_err(|e| {
        Error::CorruptWeights {
            path: files.weights.clone(),
            reason: format!("{e}; delete it and run `standpoint models fetch`"),
        }
    })?;
    *shared = Some((files.weights.clone(), tensors.clone()));
    Ok(tensors)
}

/// The base tensors last read by [`load_base_tensors`], shared by the models loaded after it
/// (the separate profile's three models read one copy).
static SHARED_BASE: Mutex<Option<(PathBuf, HashMap<String, Tensor>)>> = Mutex::new(None);

/// Let go of the shared base tensors once every model is loaded: the fast engine keeps its own
/// copy of the weights, so holding them would only keep the base's memory (438 MB for MPNet).
pub fn release_shared_base() {
    *SHARED_BASE.lock().unwrap_or_else(|e| e.into_inner()) = None;
}

/// A manifest's `max_length` must fit the base encoder's position embeddings: a longer input
/// has no position to embed, and failed at the first long sentence instead of at load.
fn check_max_length(manifest: &Path, max_length: usize, config: &EncoderConfig) -> Result<()> {
    let limit = config.max_tokens();
    if max_length > limit {
        return Err(Error::Manifest {
            path: manifest.to_path_buf(),
            reason: format!(
                "max_length {max_length} is over {limit}, the base encoder's position \
                 embeddings; set max_length to at most {limit}"
            ),
        });
    }
    Ok(())
}

impl Loaded {
    /// Load the model in `dir` for `task`; the base encoder is resolved from the manifest's pin,
    /// or taken from `base_dir` when given.
    pub fn load(dir: &Path, task: Task, base_dir: Option<&Path>) -> Result<Loaded> {
        Self::load_with(dir, task, base_dir, &Settings::default())
    }

    /// [`Loaded::load`] with the backend, batch budget and threads of `settings`.
    pub fn load_with(
        dir: &Path,
        task: Task,
        base_dir: Option<&Path>,
        settings: &Settings,
    ) -> Result<Loaded> {
        let manifest_path = dir.join("manifest.json");
        if !manifest_path.exists() {
            return Err(Error::Manifest {
                path: manifest_path,
                reason: "no such file".into(),
            });
        }
        let manifest = Manifest::read(&manifest_path).map_err(|reason| Error::Manifest {
            path: manifest_path.clone(),
            reason,
        })?;
        if manifest.task != task {
            return Err(Error::WrongTask {
                path: dir.to_path_buf(),
                expected: task.name(),
                found: manifest.task.name(),
            });
        }
        let device = Device::Cpu;
        // The base's tensors on this thread, the tokenizer and the model's own weights on
        // another, the base's hash on a third: a cold start is mostly reading, hashing and
        // copying.
        let (files, (own, base)) =
            resolve::resolve_reading(&manifest.base, base_dir, |files| -> Result<_> {
                Ok(std::thread::scope(|scope| {
                    let own = scope.spawn(|| -> Result<_> {
                        let (config, tokenizer) = load_encoder_config(files)?;
                        let mut own_tensors = HashMap::new();
                        for w in manifest.weight_files() {
                            let path = dir.join(&w.file);
                            own_tensors.extend(read_checked_safetensors(
                                &path,
                                Some(&w.sha256),
                                &device,
                            )?);
                        }
                        Ok((config, tokenizer, own_tensors))
                    });
                    let base = load_base_tensors(files, &device);
                    (own.join(), base)
                }))
            })?;
        let (config, tokenizer, own_tensors) =
            own.map_err(|_| Error::Invalid("loading the model's own weights panicked".into()))??;
        check_max_length(&manifest_path, manifest.max_length, &config)?;
        let mut tensors = base?;
        tensors.extend(own_tensors.clone());
        let vb = VarBuilder::from_tensors(tensors, DType::F32, &device);
        if manifest.architecture != config.architecture() {
            return Err(Error::Invalid(format!(
                "{}: architecture '{}', but the base encoder {} is {}; expected bert or mpnet, \
                 the base's own",
                manifest_path.display(),
                manifest.architecture,
                files.config.display(),
                config.architecture()
            )));
        }
        // FastBert computes what candle's BertModel computes, faster on CPU; candle's stays
        // selectable for comparison, and FastBert's bf16 matmuls (about 1.8x faster, hidden
        // states off by ~1e-2) can be chosen where AVX512-BF16 exists. candle has no MPNet.
        let backbone: Box<dyn Backbone> = match (settings.backend, &config) {
            (Backend::Candle, EncoderConfig::Bert(config)) => {
                Box::new(BertBackbone::load(vb.clone(), config)?)
            }
            (Backend::Candle, EncoderConfig::Mpnet(_)) => {
                return Err(Error::Invalid(format!(
                    "{}: candle-transformers has no mpnet encoder; use the fast backend",
                    manifest_path.display()
                )))
            }
            (Backend::Fast, _) => {
                Box::new(config.fast_encoder(vb.clone(), settings.threads, Precision::F32)?)
            }
            (Backend::FastBf16, _) => {
                Box::new(config.fast_encoder(vb.clone(), settings.threads, Precision::Bf16)?)
            }
        };
        let template = Template::new(&tokenizer, manifest.max_length)?;
        // FastBert keeps its own copy of the encoder's weights: the heads need only the model's
        // own tensors, so the base's candle copy (438 MB for MPNet) is not kept alive here.
        let vb = match settings.backend {
            Backend::Candle => vb,
            Backend::Fast | Backend::FastBf16 => {
                VarBuilder::from_tensors(own_tensors, DType::F32, &device)
            }
        };
        Ok(Loaded {
            manifest,
            dir: dir.to_path_buf(),
            tokenizer,
            template,
            backbone,
            device,
            vb,
            batch_tokens: settings.batch_tokens.max(1),
        })
    }

    /// The token classification head (`classifier.*`) of a tagger with `labels` labels; a
    /// weights file without it is corrupt.
    pub(crate) fn token_head(&self, labels: usize) -> Result<TokenClassificationHead> {
        TokenClassificationHead::load(
            self.vb.pp("classifier"),
            self.backbone.hidden_size(),
            labels,
            0.0,
        )
        .map_err(|e| Error::CorruptWeights {
            path: self.dir.join(&self.manifest.weights),
            reason: format!("missing token head: {e}"),
        })
    }

    fn labels<L: LabelSet>(&self) -> Result<Vec<L>> {
        let names = self.manifest.labels().map_err(|reason| Error::Manifest {
            path: self.dir.join("manifest.json"),
            reason,
        })?;
        names
            .iter()
            .map(|n| {
                L::parse(n).ok_or_else(|| Error::UnknownLabel {
                    path: self.dir.join("manifest.json"),
                    label: n.clone(),
                    kind: L::KIND,
                    choices: L::choices(),
                })
            })
            .collect()
    }

    /// Per-position label probabilities of each window, `[window][position][label]`, from a
    /// token head (`[batch, seq, hidden]` states -> `[batch, seq, labels]` logits).
    pub(crate) fn token_probs<H>(
        &self,
        windows: &[TokenWindow],
        head: H,
    ) -> Result<Vec<Vec<Vec<f32>>>>
    where
        H: Fn(&[usize], &Tensor) -> Result<Tensor>,
    {
        let encoded: Vec<Encoded> = windows.iter().map(|w| w.encoded.clone()).collect();
        let mut out: Vec<Vec<Vec<f32>>> = vec![Vec::new(); windows.len()];
        self.run_batches(&encoded, |idx, states, _batch| {
            let logits = head(idx, states)?;
            for (row, &i) in idx.iter().enumerate() {
                let n = encoded[i].ids.len();
                out[i] = softmax_rows(&logits.get(row)?.narrow(0, 0, n)?)?;
            }
            Ok(())
        })?;
        Ok(out)
    }

    /// Run the backbone over encoded inputs in length-sorted batches and hand each batch's states
    /// to `f`, with the original indices of its rows.
    pub(crate) fn run_batches<F>(&self, encoded: &[Encoded], mut f: F) -> Result<()>
    where
        F: FnMut(&[usize], &Tensor, &Batch) -> Result<()>,
    {
        let mut order: Vec<usize> = (0..encoded.len()).collect();
        order.sort_by_key(|&i| (encoded[i].ids.len(), i));
        // Batches sorted by length hold at most `batch_tokens` padded tokens (and at least
        // one row, at most INFER_BATCH_MAX rows), so short sentences go many to a batch and
        // long ones few.
        let budget = self.batch_tokens;
        let mut chunks: Vec<&[usize]> = Vec::new();
        let mut start = 0;
        while start < order.len() {
            let mut end = start + 1;
            while end < order.len()
                && end - start < INFER_BATCH_MAX
                && (end + 1 - start) * encoded[order[end]].ids.len() <= budget
            {
                end += 1;
            }
            chunks.push(&order[start..end]);
            start = end;
        }
        for chunk in chunks {
            let rows: Vec<(&[u32], &[u32])> = chunk
                .iter()
                .map(|&i| (encoded[i].ids.as_slice(), encoded[i].type_ids.as_slice()))
                .collect();
            let batch = Batch::from_rows(&rows, &self.device)?;
            let states = self.backbone.forward(&batch)?;
            f(chunk, &states, &batch)?;
        }
        Ok(())
    }
}

/// Logits divided by a head's temperature (see `Manifest::calibration`); unchanged at 1.
pub(crate) fn calibrated(logits: &Tensor, temperature: f32) -> candle_core::Result<Tensor> {
    if temperature == 1.0 {
        Ok(logits.clone())
    } else {
        logits.affine(1.0 / f64::from(temperature), 0.0)
    }
}

/// Softmax over the last dimension, computed in f32 on the host for exact reproducibility.
pub(crate) fn softmax_rows(logits: &Tensor) -> Result<Vec<Vec<f32>>> {
    let rows: Vec<Vec<f32>> = logits.to_vec2()?;
    Ok(rows.iter().map(|r| softmax(r)).collect())
}

/// [`softmax_rows`] of host rows: `logits` is `[rows, width]`, row-major.
pub(crate) fn softmax_host_rows(logits: &[f32], width: usize) -> Vec<Vec<f32>> {
    logits.chunks_exact(width.max(1)).map(softmax).collect()
}

fn softmax(r: &[f32]) -> Vec<f32> {
    let m = r.iter().cloned().fold(f32::NEG_INFINITY, f32::max);
    let e: Vec<f32> = r.iter().map(|x| (x - m).exp()).collect();
    let s: f32 = e.iter().sum();
    e.into_iter().map(|x| x / s).collect()
}

/// A sentence-level classifier (stance or sentiment) over the shared machinery.
pub struct SequenceClassifier<L> {
    pub loaded: Loaded,
    head: SequenceClassificationHead,
    labels: Vec<L>,
    /// The manifest's temperature for the model's task.
    temperature: f32,
}

impl<L: LabelSet> SequenceClassifier<L> {
    fn build(loaded: Loaded) -> Result<Self> {
        let labels = loaded.labels::<L>()?;
        let pool = match loaded.manifest.pooling {
            Pooling::Mean => PoolSpec::Mean,
            Pooling::MeanAndTarget => PoolSpec::target(&loaded.template),
        };
        let head = SequenceClassificationHead::load(
            loaded.vb.pp("classifier"),
            loaded.backbone.hidden_size(),
            labels.len(),
            0.0,
            pool,
        )
        .map_err(|e| Error::CorruptWeights {
            path: loaded.dir.join(&loaded.manifest.weights),
            reason: format!("missing classifier head: {e}"),
        })?;
        let temperature = loaded.manifest.temperature(loaded.manifest.task.name());
        Ok(Self {
            loaded,
            head,
            labels,
            temperature,
        })
    }

    /// The temperature its probabilities are calibrated with (1: uncalibrated).
    pub fn temperature(&self) -> f32 {
        self.temperature
    }

    pub fn labels(&self) -> &[L] {
        &self.labels
    }

    fn predict_encoded(&self, encoded: &[Encoded]) -> Result<Vec<Prediction<L>>> {
        let mut out: Vec<Option<Prediction<L>>> = vec![None; encoded.len()];
        self.loaded.run_batches(encoded, |idx, states, batch| {
            let logits = self.head.forward(states, batch, false)?;
            let logits = calibrated(&logits, self.temperature)?;
            for (row, probs) in softmax_rows(&logits)?.into_iter().enumerate() {
                out[idx[row]] = Some(Prediction::from_probs(&probs, &self.labels));
            }
            Ok(())
        })?;
        Ok(out
            .into_iter()
            .map(|p| p.expect("every row is predicted once"))
            .collect())
    }
}

pub type StanceClassifier = SequenceClassifier<Stance>;
pub type SentimentClassifier = SequenceClassifier<Sentiment>;

impl SequenceClassifier<Stance> {
    pub fn load(dir: &Path, base_dir: Option<&Path>) -> Result<Self> {
        Self::load_with(dir, base_dir, &Settings::default())
    }

    pub fn load_with(dir: &Path, base_dir: Option<&Path>, settings: &Settings) -> Result<Self> {
        Self::build(Loaded::load_with(dir, Task::Stance, base_dir, settings)?)
    }

    pub fn predict(&self, inputs: &[StanceInput]) -> Result<Vec<Prediction<Stance>>> {
        let l = &self.loaded;
        let encoded = inputs
            .iter()
            .map(|i| encode::encode_stance(&l.tokenizer, &l.template, i))
            .collect::<Result<Vec<_>, _>>()?;
        self.predict_encoded(&encoded)
    }
}

impl SequenceClassifier<Sentiment> {
    pub fn load(dir: &Path, base_dir: Option<&Path>) -> Result<Self> {
        Self::load_with(dir, base_dir, &Settings::default())
    }

    pub fn load_with(dir: &Path, base_dir: Option<&Path>, settings: &Settings) -> Result<Self> {
        Self::build(Loaded::load_with(dir, Task::Sentiment, base_dir, settings)?)
    }

    /// Sentiment of each sentence. A sentence longer than the model's window is read in
    /// windows whose probabilities are averaged, never cut.
    pub fn predict(&self, sentences: &[&str]) -> Result<Vec<Prediction<Sentiment>>> {
        let l = &self.loaded;
        let mut encoded = Vec::with_capacity(sentences.len());
        let mut owner = Vec::with_capacity(sentences.len());
        for (i, s) in sentences.iter().enumerate() {
            for w in encode::encode_sentence_windows(&l.tokenizer, &l.template, s)? {
                encoded.push(w);
                owner.push(i);
            }
        }
        let preds = self.predict_encoded(&encoded)?;
        if preds.len() == sentences.len() {
            return Ok(preds);
        }
        let per_window: Vec<Vec<f32>> = preds
            .iter()
            .map(|p| p.scores.iter().map(|(_, v)| *v).collect())
            .collect();
        Ok(mean_by_owner(&per_window, &owner, sentences.len())
            .iter()
            .map(|probs| Prediction::from_probs(probs, &self.labels))
            .collect())
    }
}

/// The mean of the probability vectors of each text's windows (`owner[i]` is the text of window
/// i), for `n` texts.
pub(crate) fn mean_by_owner(probs: &[Vec<f32>], owner: &[usize], n: usize) -> Vec<Vec<f32>> {
    let k = probs.first().map_or(0, Vec::len);
    let mut sums = vec![vec![0f32; k]; n];
    let mut counts = vec![0usize; n];
    for (p, &i) in probs.iter().zip(owner) {
        for (s, v) in sums[i].iter_mut().zip(p) {
            *s += v;
        }
        counts[i] += 1;
    }
    sums.into_iter()
        .zip(counts)
        .map(|(s, c)| s.iter().map(|v| v / c.max(1) as f32).collect())
        .collect()
}

/// A named entity found by the actor model, with byte offsets into the text.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Entity {
    pub start: usize,
    pub end: usize,
    /// PER, ORG, LOC or MISC.
    pub label: String,
    pub text: String,
    pub score: f32,
}

/// The actor (NER) model.
pub struct NerTagger {
    pub loaded: Loaded,
    head: TokenClassificationHead,
    labels: Vec<String>,
}

impl NerTagger {
    pub fn load(dir: &Path, base_dir: Option<&Path>) -> Result<Self> {
        Self::load_with(dir, base_dir, &Settings::default())
    }

    pub fn load_with(dir: &Path, base_dir: Option<&Path>, settings: &Settings) -> Result<Self> {
        let loaded = Loaded::load_with(dir, Task::Ner, base_dir, settings)?;
        let labels = loaded.manifest.labels().map_err(|reason| Error::Manifest {
            path: dir.join("manifest.json"),
            reason,
        })?;
        for l in &labels {
            if l != "O" && !(l.starts_with("B-") || l.starts_with("I-")) {
                return Err(Error::UnknownLabel {
                    path: dir.join("manifest.json"),
                    label: l.clone(),
                    kind: "BIO tag",
                    choices: "O, B-X, I-X".into(),
                });
            }
        }
        let head = loaded.token_head(labels.len())?;
        Ok(Self {
            loaded,
            head,
            labels,
        })
    }

    pub fn labels(&self) -> &[String] {
        &self.labels
    }

    /// Tag probabilities for each position of each window, `[window][position][label]`.
    pub fn window_probs(&self, windows: &[TokenWindow]) -> Result<Vec<Vec<Vec<f32>>>> {
        self.loaded
            .token_probs(windows, |_, states| Ok(self.head.forward(states, false)?))
    }

    /// Tag each word (first piece decides) and return word-level tags per window.
    pub fn word_tags(&self, windows: &[TokenWindow]) -> Result<Vec<Vec<(u32, usize, f32)>>> {
        Ok(word_tags(windows, self.window_probs(windows)?))
    }

    /// Find entities in raw text, with byte offsets; long texts are tagged window by window.
    pub fn entities(&self, text: &str) -> Result<Vec<Entity>> {
        Ok(self.entities_many(&[text])?.pop().unwrap_or_default())
    }

    /// Entities of many texts at once: all their windows go through the model in shared
    /// length-sorted batches.
    pub fn entities_many(&self, texts: &[&str]) -> Result<Vec<Vec<Entity>>> {
        let l = &self.loaded;
        let mut windows = Vec::new();
        let mut owner = Vec::new();
        for (t, text) in texts.iter().enumerate() {
            for w in encode::encode_text_windows(&l.tokenizer, &l.template, text)? {
                windows.push(w);
                owner.push(t);
            }
        }
        let probs = self.window_probs(&windows)?;
        Ok(entities_from_windows(
            &self.labels,
            texts,
            &windows,
            &owner,
            probs,
        ))
    }
}

/// Entities of `texts` from the tag probabilities of their windows (`owner[i]` is the text of
/// window i): the first piece of each word decides its tag, BIO spans are decoded and widened
/// to whole hyphenated words.
pub(crate) fn entities_from_windows(
    labels: &[String],
    texts: &[&str],
    windows: &[TokenWindow],
    owner: &[usize],
    probs: Vec<Vec<Vec<f32>>>,
) -> Vec<Vec<Entity>> {
    let mut words: Vec<Vec<(usize, usize, &str, f32)>> = vec![Vec::new(); texts.len()];
    for ((w, p), &t) in windows.iter().zip(probs).zip(owner) {
        for tag in tag_words(w, &p) {
            if let Some((s, e)) = tag.span {
                words[t].push((s, e, labels[tag.label].as_str(), tag.score));
            }
        }
    }
    words
        .iter()
        .zip(texts)
        .map(|(words, text)| {
            let spans = decode_bio(words)
                .into_iter()
                .map(|(s, e, label, score)| {
                    let (s, e) = whole_hyphenated_words(text, s, e);
                    (s, e, label, score)
                })
                .collect();
            join_initials(text, spans)
                .into_iter()
                .map(|(s, e, label, score)| Entity {
                    start: s,
                    end: e,
                    label,
                    text: text[s..e].to_string(),
                    score,
                })
                .collect()
        })
        .collect()
}

/// Join entity spans of one label that a name's own punctuation cut apart: the tokenizer splits
/// "J.J. MacNab", "Julie A. Diaz Martinez" and "O’Neill" at the marks, the marks take `O`, and
/// the name fell into pieces ("J", "J", "MacNab"; "Julie A" and "Diaz Martinez"). Two spans
/// join when only an initial's full stop (after a single capital letter, then at most a space)
/// or an apostrophe stands between them, or a space before a person's middle initial.
fn join_initials(
    text: &str,
    spans: Vec<(usize, usize, String, f32)>,
) -> Vec<(usize, usize, String, f32)> {
    let mut out: Vec<(usize, usize, String, f32)> = Vec::with_capacity(spans.len());
    for span in spans {
        if let Some(last) = out.last_mut() {
            let gap = text.get(last.1..span.0).unwrap_or("x");
            let initial = {
                let mut back = text[..last.1].chars().rev();
                let letter = back.next().is_some_and(char::is_uppercase);
                letter && back.next().is_none_or(|c| !c.is_alphanumeric())
            };
            // "Julie" and "A. Diaz Martinez": a person's middle initial opened a new span.
            let opens_with_initial = {
                let mut it = text[span.0..].chars();
                it.next().is_some_and(char::is_uppercase) && it.next() == Some('.')
            };
            let joins = last.2 == span.2
                && (initial && (gap == "." || gap == ". ")
                    || gap == "'"
                    || gap == "\u{2019}"
                    || gap == " " && opens_with_initial && span.2 == "PER");
            if joins {
                last.3 = (last.3 + span.3) / 2.0;
                last.1 = span.1;
                continue;
            }
        }
        out.push(span);
    }
    out
}

/// Widen an entity span to whole hyphenated words: the tokenizer splits "Asante-Mensah",
/// "Yoon-ho" and "Al-Sharafi" at the hyphen into separate words, and the tagger may tag only one
/// side, which would cut a name in two ("Kwabena Asante").
pub fn whole_hyphenated_words(text: &str, mut s: usize, mut e: usize) -> (usize, usize) {
    let word_char = |c: char| c.is_alphanumeric();
    loop {
        let before = &text[..s];
        let mut it = before.chars().rev();
        match (it.next(), it.next()) {
            (Some('-'), Some(c)) if word_char(c) => {
                s -= 1;
                s = text[..s]
                    .char_indices()
                    .rev()
                    .take_while(|&(_, c)| word_char(c))
                    .last()
                    .map_or(s, |(i, _)| i);
            }
            _ => break,
        }
    }
    loop {
        let mut it = text[e..].chars();
        match (it.next(), it.next()) {
            (Some('-'), Some(c)) if word_char(c) => {
                e += 1;
                e += text[e..]
                    .chars()
                    .take_while(|&c| word_char(c))
                    .map(char::len_utf8)
                    .sum::<usize>();
            }
            _ => break,
        }
    }
    (s, e)
}

#[cfg(test)]
mod hyphen_tests {
    use super::whole_hyphenated_words as w;

    #[test]
    fn a_name_cut_at_a_hyphen_is_made_whole() {
        let t = "Minister Kwabena Asante-Mensah said; Park Yoon-ho and Abdulmalik Al-Sharafi met.";
        let span = |x: &str| {
            let s = t.find(x).unwrap();
            let (a, b) = w(t, s, s + x.len());
            &t[a..b]
        };
        assert_eq!(span("Kwabena Asante"), "Kwabena Asante-Mensah");
        assert_eq!(span("Park Yoon"), "Park Yoon-ho");
        assert_eq!(span("Sharafi"), "Al-Sharafi");
        assert_eq!(span("Minister"), "Minister");
        // A dash between words is not a hyphen inside a name.
        let t2 = "Oman - the mediator";
        assert_eq!(w(t2, 0, 4), (0, 4));
    }
}

/// Word-level tags `(word, label, score)` of each window from its per-position probabilities.
pub fn word_tags(
    windows: &[TokenWindow],
    probs: Vec<Vec<Vec<f32>>>,
) -> Vec<Vec<(u32, usize, f32)>> {
    windows
        .iter()
        .zip(probs)
        .map(|(w, p)| {
            tag_words(w, &p)
                .into_iter()
                .map(|t| (t.word, t.label, t.score))
                .collect()
        })
        .collect()
}

/// One word of a window, tagged by its first piece.
struct WordTag {
    word: u32,
    label: usize,
    score: f32,
    /// Byte span from the word's first to its last piece, when the window has spans.
    span: Option<(usize, usize)>,
}

fn tag_words(w: &TokenWindow, p: &[Vec<f32>]) -> Vec<WordTag> {
    let mut out: Vec<WordTag> = Vec::new();
    for (pos, word) in w.words.iter().enumerate() {
        let Some(word) = *word else { continue };
        match out.last_mut() {
            Some(last) if last.word == word => {
                if let (Some(span), Some((_, e))) = (last.span.as_mut(), w.spans[pos]) {
                    span.1 = e;
                }
            }
            _ => {
                let (label, score) = argmax(&p[pos]);
                out.push(WordTag {
                    word,
                    label,
                    score,
                    span: w.spans[pos],
                });
            }
        }
    }
    out
}

fn argmax(p: &[f32]) -> (usize, f32) {
    let mut best = 0;
    for (i, v) in p.iter().enumerate() {
        if *v > p[best] {
            best = i;
        }
    }
    (best, p[best])
}

/// Decode word-level BIO tags `(start, end, tag, prob)` into entity spans with mean probability.
/// An `I-X` that does not continue an `X` entity starts one (lenient, like seqeval's default).
pub fn decode_bio(words: &[(usize, usize, &str, f32)]) -> Vec<(usize, usize, String, f32)> {
    // The span rules are the evaluation's (`bio_spans`), so what we score is what we decode.
    let tags: Vec<&str> = words.iter().map(|w| w.2).collect();
    crate::metrics::bio_spans(&tags)
        .into_iter()
        .map(|(first, last, ty)| {
            let mean = words[first..last].iter().map(|w| w.3).sum::<f32>() / (last - first) as f32;
            (words[first].0, words[last - 1].1, ty, mean)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initials_and_apostrophes_do_not_cut_a_name() {
        let text =
            "said J.J. MacNab and Julie A. Diaz Martinez, James O’Neill, and G. Bush. A. Nobody";
        let at = |w: &str| {
            let b = text.find(w).unwrap();
            (b, b + w.len(), "PER".to_string(), 0.9)
        };
        let first_j = text.find("J.").unwrap();
        let spans = vec![
            (first_j, first_j + 1, "PER".to_string(), 0.9),
            (first_j + 2, first_j + 3, "PER".to_string(), 0.9),
            at("MacNab"),
            at("Julie"),
            at("A. Diaz Martinez"),
            at("James O"),
            at("Neill"),
            at("G"),
            at("Bush"),
            at("Nobody"),
        ];
        let got: Vec<&str> = join_initials(text, spans)
            .iter()
            .map(|(s, e, _, _)| &text[*s..*e])
            .collect();
        assert_eq!(
            got,
            [
                "J.J. MacNab",
                "Julie A. Diaz Martinez",
                "James O’Neill",
                "G. Bush",
                "Nobody"
            ]
        );
    }

    #[test]
    fn decode_bio_joins_and_splits_entities() {
        let w = [
            (0, 5, "B-PER", 0.9),
            (6, 10, "I-PER", 0.7),
            (11, 13, "O", 0.99),
            (14, 20, "I-LOC", 0.8),
            (21, 25, "B-LOC", 0.6),
            (26, 30, "I-ORG", 0.5),
        ];
        let e = decode_bio(&w);
        assert_eq!(e.len(), 4);
        assert_eq!((e[0].0, e[0].1, e[0].2.as_str()), (0, 10, "PER"));
        assert!((e[0].3 - 0.8).abs() < 1e-6);
        assert_eq!((e[1].0, e[1].1, e[1].2.as_str()), (14, 20, "LOC"));
        assert_eq!((e[2].0, e[2].1, e[2].2.as_str()), (21, 25, "LOC"));
        assert_eq!(e[3].2, "ORG");
    }

    #[test]
    fn a_base_config_is_read_by_its_model_type() {
        let path = Path::new("base/config.json");
        let bert = crate::model::tiny::config();
        let text = serde_json::json!({
            "vocab_size": 40, "hidden_size": 16, "num_hidden_layers": 2,
            "num_attention_heads": 2, "intermediate_size": 32, "hidden_act": "gelu",
            "hidden_dropout_prob": 0.1, "max_position_embeddings": 64, "type_vocab_size": 2,
            "initializer_range": 0.02, "layer_norm_eps": 1e-12, "pad_token_id": 0,
            "model_type": "bert"
        })
        .to_string();
        let parsed = EncoderConfig::parse(&text, path).unwrap();
        assert_eq!(parsed, EncoderConfig::Bert(bert));
        assert_eq!((parsed.architecture(), parsed.max_tokens()), ("bert", 64));

        // all-mpnet-base-v2's config.json: no type_vocab_size, positions from 2.
        let mpnet = r#"{"_name_or_path": "microsoft/mpnet-base", "architectures": ["MPNetForMaskedLM"],
            "attention_probs_dropout_prob": 0.1, "bos_token_id": 0, "eos_token_id": 2,
            "hidden_act": "gelu", "hidden_dropout_prob": 0.1, "hidden_size": 768,
            "initializer_range": 0.02, "intermediate_size": 3072, "layer_norm_eps": 1e-05,
            "max_position_embeddings": 514, "model_type": "mpnet", "num_attention_heads": 12,
            "num_hidden_layers": 12, "pad_token_id": 1, "relative_attention_num_buckets": 32,
            "transformers_version": "4.8.2", "vocab_size": 30527}"#;
        let parsed = EncoderConfig::parse(mpnet, path).unwrap();
        assert_eq!(
            (
                parsed.architecture(),
                parsed.max_tokens(),
                parsed.hidden_size()
            ),
            ("mpnet", 512, 768)
        );

        let err = EncoderConfig::parse(r#"{"model_type": "deberta-v2"}"#, path).unwrap_err();
        assert_eq!(
            err.to_string(),
            "base/config.json: model_type 'deberta-v2' is not supported; expected bert or mpnet"
        );
    }
}
