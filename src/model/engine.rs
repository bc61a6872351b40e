//! Engines: the models behind a profile, behind one trait. The pipeline holds one
//! `Box<dyn Engine>` and never asks which profile it runs; which engine a profile means is
//! decided here, in [`load`], and nowhere else.
//!
//! An engine reads a batch of sentences once ([`Engine::read`]: the actors and the sentiment of
//! each, plus whatever it keeps to answer stance questions), then answers the stance questions
//! the rules asked about them ([`Engine::stance`]). Today there are two kinds:
//! - [`JointModel`]: one encoder pass per sentence for all three tasks, stance from the states
//!   of that pass; over MPNet-base (`accurate`, `models/joint-mpnet`) or MiniLM-L6 (`fast`,
//!   `models/joint`);
//! - [`Separate`] (`separate`): the three single-task MiniLM models; the stance model reads each
//!   question with its own input and the sentence before.
//!
//! A new engine (a joint model on another encoder) implements the trait and gets a line in
//! [`load`].

use crate::labels::{Prediction, Sentiment, Stance};
use crate::model::classifier::{
    word_tags, Entity, Loaded, NerTagger, SentimentClassifier, StanceClassifier,
};
use crate::model::encode::{self, StanceInput};
use crate::model::error::{Error, Result};
use crate::model::joint::{JointModel, JointPair, SentenceStates};
use std::path::Path;

/// Which engine runs (`--profile`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Profile {
    /// The joint model over MPNet-base (`models/joint-mpnet`).
    #[default]
    Accurate,
    /// The joint model over MiniLM-L6 (`models/joint`).
    Fast,
    /// The three single-task MiniLM models (`models/{ner,stance,sentiment}`).
    Separate,
}

impl Profile {
    pub fn name(self) -> &'static str {
        match self {
            Profile::Accurate => "accurate",
            Profile::Fast => "fast",
            Profile::Separate => "separate",
        }
    }

    /// The folder of a joint profile's model under the models directory (`None`: separate).
    pub fn joint_folder(self) -> Option<&'static str> {
        match self {
            Profile::Accurate => Some("joint-mpnet"),
            Profile::Fast => Some("joint"),
            Profile::Separate => None,
        }
    }
}

/// The encoder implementation under every model (`STANDPOINT_BACKEND`, read by the command line).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Backend {
    /// `FastBert` in f32 (the default).
    #[default]
    Fast,
    /// `FastBert` with bf16 matmuls where AVX512-BF16 exists (about 1.8x faster, hidden states
    /// off by ~1e-2).
    FastBf16,
    /// candle-transformers' `BertModel`, kept for comparison (not batch-invariant).
    Candle,
}

impl std::str::FromStr for Backend {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s {
            "fast" | "" => Ok(Backend::Fast),
            "fast-bf16" => Ok(Backend::FastBf16),
            "candle" => Ok(Backend::Candle),
            other => Err(format!(
                "unknown STANDPOINT_BACKEND '{other}'; expected fast, fast-bf16 or candle"
            )),
        }
    }
}

/// How the models run: made once by the command line and passed down, so that nothing deeper
/// reads the environment or a process global.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settings {
    pub profile: Profile,
    pub backend: Backend,
    /// Token budget of one inference batch (rows x padded length), `batch --batch-tokens`.
    pub batch_tokens: usize,
    /// Threads of the encoder; `None`: candle's count (which follows `RAYON_NUM_THREADS`).
    pub threads: Option<usize>,
    /// Where speakers come from (`--speakers`).
    pub speakers: Speakers,
}

/// Where the speakers of sentences come from (`--speakers`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Speakers {
    /// The profile's attribution model when it is there, else the rules: in the fast profile
    /// the head over the joint model's states (`models/joint-attribution`), else the tagger
    /// (`models/attribution`); in the accurate profile the tagger.
    #[default]
    Auto,
    /// The profile's attribution model, as `Auto` chooses it (an error when none is there).
    Model,
    /// The attribution tagger in any profile (its own encoder pass over each document; an error
    /// when it is missing).
    Tagger,
    /// The rules alone.
    Rules,
}

/// The default inference batch budget, in padded tokens.
pub const DEFAULT_BATCH_TOKENS: usize = 2048;

impl Default for Settings {
    fn default() -> Self {
        Settings {
            profile: Profile::default(),
            backend: Backend::default(),
            batch_tokens: DEFAULT_BATCH_TOKENS,
            threads: None,
            speakers: Speakers::default(),
        }
    }
}

impl Settings {
    pub fn with_profile(self, profile: Profile) -> Settings {
        Settings { profile, ..self }
    }
}

/// What an engine read from a batch of sentences.
pub struct Reading {
    /// The entities of each sentence.
    pub entities: Vec<Vec<Entity>>,
    /// The sentiment of each sentence.
    pub sentiments: Vec<Prediction<Sentiment>>,
    /// The encoder states of each sentence, for an engine that answers stance questions from
    /// them; `None` when it keeps none (it reads each question, or the document was too long to
    /// keep them all and they are read again window by window).
    pub states: Option<Vec<SentenceStates>>,
}

/// One stance question: the index of its sentence among the texts read, and the pair.
pub type Question<'a> = JointPair<'a>;

/// The tasks an engine is loaded for: an evaluation of one task loads only what it needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// Actors, stance and sentiment: everything a document needs.
    Documents,
    /// Stance and sentiment of given pairs and sentences.
    Pairs,
    /// Entity tags only.
    Tags,
}

/// The models of a profile; see the module docs.
pub trait Engine: Send + Sync {
    fn profile(&self) -> Profile;

    /// The model folders (under the models directory) this engine was loaded from.
    fn folders(&self) -> Vec<&'static str>;

    /// Actors and sentiment of each of `texts`; with `keep`, also the states the stance
    /// questions are answered from (without, [`Engine::stance`] reads what it needs again).
    fn read(&self, texts: &[&str], keep: bool) -> Result<Reading>;

    /// The stance of each question about `texts`, given the states [`Engine::read`] kept, in the
    /// order of `questions`.
    fn stance(
        &self,
        texts: &[&str],
        states: Option<&[SentenceStates]>,
        questions: Vec<Question>,
    ) -> Result<Vec<Prediction<Stance>>>;

    /// Stance of standalone questions, each sentence read for its own question (evaluation on
    /// gold pairs).
    fn predict_stance(&self, inputs: &[StanceInput]) -> Result<Vec<Prediction<Stance>>>;

    /// Sentiment of standalone sentences.
    fn predict_sentiment(&self, texts: &[&str]) -> Result<Vec<Prediction<Sentiment>>>;

    /// The BIO tag of every word of pre-split sentences (evaluation on CoNLL data), each word
    /// tagged by its first piece.
    fn tag_words(&self, sentences: &[&[String]]) -> Result<Vec<Vec<String>>>;

    /// The temperature the `stance` or `sentiment` probabilities are calibrated with (1:
    /// uncalibrated, or the model is not loaded).
    fn temperature(&self, head: &str) -> f32;
}

/// Load the engine of `settings.profile` from `models_dir`, for what `need` asks.
pub fn load(
    settings: &Settings,
    models_dir: &Path,
    base: Option<&Path>,
    need: Need,
) -> Result<Box<dyn Engine>> {
    Ok(match settings.profile.joint_folder() {
        None => Box::new(Separate::load(settings, models_dir, base, need)?),
        Some(folder) => Box::new(
            JointModel::load_with(&models_dir.join(folder), base, settings)?
                .for_profile(settings.profile),
        ),
    })
}

/// The accurate profile: the NER tagger, the stance model and the sentiment model, each loaded
/// when the need asks for it.
pub struct Separate {
    ner: Option<NerTagger>,
    stance: Option<StanceClassifier>,
    sentiment: Option<SentimentClassifier>,
}

impl Separate {
    fn load(settings: &Settings, dir: &Path, base: Option<&Path>, need: Need) -> Result<Self> {
        let tags = matches!(need, Need::Documents | Need::Tags);
        let pairs = matches!(need, Need::Documents | Need::Pairs);
        Ok(Separate {
            ner: match tags {
                true => Some(NerTagger::load_with(&dir.join("ner"), base, settings)?),
                false => None,
            },
            stance: match pairs {
                true => Some(StanceClassifier::load_with(
                    &dir.join("stance"),
                    base,
                    settings,
                )?),
                false => None,
            },
            sentiment: match pairs {
                true => Some(SentimentClassifier::load_with(
                    &dir.join("sentiment"),
                    base,
                    settings,
                )?),
                false => None,
            },
        })
    }

    fn ner(&self) -> Result<&NerTagger> {
        self.ner.as_ref().ok_or_else(|| not_loaded("ner"))
    }

    fn stance_model(&self) -> Result<&StanceClassifier> {
        self.stance.as_ref().ok_or_else(|| not_loaded("stance"))
    }

    fn sentiment_model(&self) -> Result<&SentimentClassifier> {
        self.sentiment
            .as_ref()
            .ok_or_else(|| not_loaded("sentiment"))
    }
}

fn not_loaded(model: &str) -> Error {
    Error::Invalid(format!(
        "the {model} model was not loaded for this task (engine::load's need)"
    ))
}

impl Engine for Separate {
    fn profile(&self) -> Profile {
        Profile::Separate
    }

    fn folders(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        if self.ner.is_some() {
            out.push("ner");
        }
        if self.stance.is_some() {
            out.push("stance");
        }
        if self.sentiment.is_some() {
            out.push("sentiment");
        }
        out
    }

    fn read(&self, texts: &[&str], _keep: bool) -> Result<Reading> {
        Ok(Reading {
            entities: self.ner()?.entities_many(texts)?,
            sentiments: self.sentiment_model()?.predict(texts)?,
            states: None,
        })
    }

    fn stance(
        &self,
        _texts: &[&str],
        _states: Option<&[SentenceStates]>,
        questions: Vec<Question>,
    ) -> Result<Vec<Prediction<Stance>>> {
        let inputs: Vec<StanceInput> = questions.into_iter().map(|q| q.input).collect();
        self.stance_model()?.predict(&inputs)
    }

    fn predict_stance(&self, inputs: &[StanceInput]) -> Result<Vec<Prediction<Stance>>> {
        self.stance_model()?.predict(inputs)
    }

    fn predict_sentiment(&self, texts: &[&str]) -> Result<Vec<Prediction<Sentiment>>> {
        self.sentiment_model()?.predict(texts)
    }

    fn temperature(&self, head: &str) -> f32 {
        match head {
            "stance" => self.stance.as_ref().map_or(1.0, |m| m.temperature()),
            "sentiment" => self.sentiment.as_ref().map_or(1.0, |m| m.temperature()),
            _ => 1.0,
        }
    }

    fn tag_words(&self, sentences: &[&[String]]) -> Result<Vec<Vec<String>>> {
        let ner = self.ner()?;
        tag_words_with(
            &ner.loaded,
            ner.labels(),
            &|w, _| ner.window_probs(w),
            sentences,
        )
    }
}

impl Engine for JointModel {
    fn profile(&self) -> Profile {
        self.profile
    }

    fn folders(&self) -> Vec<&'static str> {
        self.profile.joint_folder().into_iter().collect()
    }

    fn read(&self, texts: &[&str], keep: bool) -> Result<Reading> {
        let windows = state_windows(texts);
        if keep || windows.len() <= 1 {
            let (states, entities, sentiments) = JointModel::read(self, texts)?;
            return Ok(Reading {
                entities,
                sentiments,
                states: Some(states),
            });
        }
        // Too much text to keep every sentence's states until the stance questions are known:
        // read window by window, keep the actors and sentiments, and read the sentences with
        // questions again at the stance stage.
        let mut entities = Vec::with_capacity(texts.len());
        let mut sentiments = Vec::with_capacity(texts.len());
        for w in &windows {
            let (_, e, s) = JointModel::read(self, &texts[w.clone()])?;
            entities.extend(e);
            sentiments.extend(s);
        }
        Ok(Reading {
            entities,
            sentiments,
            states: None,
        })
    }

    fn stance(
        &self,
        texts: &[&str],
        states: Option<&[SentenceStates]>,
        questions: Vec<Question>,
    ) -> Result<Vec<Prediction<Stance>>> {
        match states {
            Some(states) => JointModel::stance(self, states, &questions),
            None => stance_by_window(self, texts, questions),
        }
    }

    fn predict_stance(&self, inputs: &[StanceInput]) -> Result<Vec<Prediction<Stance>>> {
        JointModel::predict_stance(self, inputs)
    }

    fn predict_sentiment(&self, texts: &[&str]) -> Result<Vec<Prediction<Sentiment>>> {
        JointModel::predict_sentiment(self, texts)
    }

    fn temperature(&self, head: &str) -> f32 {
        JointModel::temperature(self, head)
    }

    fn tag_words(&self, sentences: &[&[String]]) -> Result<Vec<Vec<String>>> {
        tag_words_with(
            &self.loaded,
            self.ner_labels(),
            &|w, s| self.window_probs(w, s),
            sentences,
        )
    }
}

/// Tag probabilities per position of each window, given the case shapes of each window's
/// positions: the NER model's (which ignores them), or the joint model's.
pub type WindowProbsFn<'a> =
    dyn Fn(&[encode::TokenWindow], &[Vec<u8>]) -> Result<Vec<Vec<Vec<f32>>>> + 'a;

/// The BIO tag of every word of `sentences`, from a tagger's per-position probabilities over the
/// tokenizer and template of `loaded`.
pub fn tag_words_with(
    loaded: &Loaded,
    labels: &[String],
    probs: &WindowProbsFn,
    sentences: &[&[String]],
) -> Result<Vec<Vec<String>>> {
    let l = loaded;
    let windows = sentences
        .iter()
        .map(|words| encode::encode_words(&l.tokenizer, &l.template, words))
        .collect::<Result<Vec<_>, _>>()?;
    let shapes: Vec<Vec<u8>> = sentences
        .iter()
        .zip(&windows)
        .map(|(words, w)| encode::word_case_shapes(words, w))
        .collect();
    let tags = word_tags(&windows, probs(&windows, &shapes)?);
    Ok(sentences
        .iter()
        .zip(&tags)
        .map(|(words, tg)| {
            let mut p = vec!["O".to_string(); words.len()];
            for (w, idx, _) in tg {
                if let Some(slot) = p.get_mut(*w as usize) {
                    *slot = labels[*idx].clone();
                }
            }
            p
        })
        .collect())
}

/// Tokens (estimated) of the sentences whose encoder states the joint engine keeps at once:
/// 1.5 KB each, about 100 MB; some 250 KB of text, where news articles are a few KB. A longer
/// document is read in windows of this size, so the states do not grow with it (the price: a
/// second read of its sentences that hold stance pairs, about 1.9x the time of one read).
pub const STATE_WINDOW_TOKENS: usize = 65_536;

/// A cheap estimate of a sentence's tokens: WordPiece gives about one token per four bytes of
/// English news, plus the two special tokens.
pub fn estimated_tokens(text: &str) -> usize {
    text.len() / 4 + 2
}

/// Consecutive ranges of `texts`, each at most [`STATE_WINDOW_TOKENS`] (estimated; or one
/// sentence).
pub fn state_windows(texts: &[&str]) -> Vec<std::ops::Range<usize>> {
    token_windows(texts, STATE_WINDOW_TOKENS)
}

/// Consecutive ranges of `texts`, each at most `budget` tokens (estimated; or one sentence).
pub fn token_windows(texts: &[&str], budget: usize) -> Vec<std::ops::Range<usize>> {
    let mut windows = Vec::new();
    let (mut start, mut tokens) = (0, 0);
    for (i, t) in texts.iter().enumerate() {
        let n = estimated_tokens(t);
        if i > start && tokens + n > budget {
            windows.push(start..i);
            (start, tokens) = (i, 0);
        }
        tokens += n;
    }
    if start < texts.len() {
        windows.push(start..texts.len());
    }
    windows
}

/// The joint model's stance for `questions` when the states were not kept: each window's
/// sentences that hold pairs are read again, their pairs answered, and the states dropped before
/// the next window. Predictions come back in the order of `questions`.
fn stance_by_window(
    j: &JointModel,
    texts: &[&str],
    questions: Vec<Question>,
) -> Result<Vec<Prediction<Stance>>> {
    let n = questions.len();
    let mut ordered: Vec<(usize, Question)> = questions.into_iter().enumerate().collect();
    ordered.sort_by_key(|(_, q)| q.sentence);
    let mut answers: Vec<Option<Prediction<Stance>>> = (0..n).map(|_| None).collect();
    let mut ordered = ordered.into_iter().peekable();
    for w in state_windows(texts) {
        let mut positions: Vec<usize> = Vec::new();
        let mut local: Vec<Question> = Vec::new();
        let mut sentences: Vec<usize> = Vec::new();
        while let Some((at, q)) = ordered.next_if(|(_, q)| w.contains(&q.sentence)) {
            if sentences.last() != Some(&q.sentence) {
                sentences.push(q.sentence);
            }
            positions.push(at);
            local.push(JointPair {
                sentence: sentences.len() - 1,
                input: q.input,
            });
        }
        if local.is_empty() {
            continue;
        }
        let wanted: Vec<&str> = sentences.iter().map(|&i| texts[i]).collect();
        let (states, _, _) = JointModel::read(j, &wanted)?;
        for (at, p) in positions
            .into_iter()
            .zip(JointModel::stance(j, &states, &local)?)
        {
            answers[at] = Some(p);
        }
    }
    answers
        .into_iter()
        .map(|a| {
            a.ok_or_else(|| {
                Error::Invalid(
                    "a stance pair's sentence lies outside the document's windows".into(),
                )
            })
        })
        .collect()
}
