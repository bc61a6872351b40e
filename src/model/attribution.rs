//! The attribution tagger: source, cue and content spans (BIO per role) over windows of several
//! sentences, so that a quotation running over sentences and a source standing in the sentence
//! before or after its content are seen together.
//!
//! A document is tokenized once and cut into windows of at most `max_length` pieces that start
//! at a sentence start where one is near and overlap (`document_windows`: by half in training,
//! by a quarter at inference). Every piece
//! is labelled (not only the first piece of a word), so spans come back with byte offsets into
//! the document. At inference each piece takes its tags from the window where it sits farthest
//! from an edge, so every piece is read with context on both sides when the document has it.
//!
//! Training rows come from brat attribution articles (PolNeAR): [`samples`] labels each piece by
//! the gold span its first byte falls in.

use crate::data::brat::Article;
use crate::model::classifier::Loaded;
use crate::model::encode::{EncodeError, Encoded, Template, TokenWindow};
use crate::model::engine::Settings;
use crate::model::error::{Error, Result};
use crate::model::heads::TokenClassificationHead;
use crate::model::manifest::Task;
use crate::model::train::{Sample, Target};
use serde::{Deserialize, Serialize};
use std::path::Path;
use tokenizers::Tokenizer;

/// The tagger's labels, in head order.
pub const LABELS: [&str; 7] = [
    "O",
    "B-SOURCE",
    "I-SOURCE",
    "B-CUE",
    "I-CUE",
    "B-CONTENT",
    "I-CONTENT",
];

/// What the input of the tagger is (the manifest's `input_template`).
pub const TEMPLATE: &str = "[CLS] pieces of a document window (up to max_length, starting at a sentence start where one is near; training windows overlap by half, inference windows by a quarter) [SEP]; a label on every piece";

/// A window starts at most this many pieces after its nominal start, to begin a sentence.
const SNAP: usize = 40;

/// The role of a tagged span.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Source,
    Cue,
    Content,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Source, Role::Cue, Role::Content];

    pub fn name(self) -> &'static str {
        match self {
            Role::Source => "source",
            Role::Cue => "cue",
            Role::Content => "content",
        }
    }

    fn tag(self) -> &'static str {
        match self {
            Role::Source => "SOURCE",
            Role::Cue => "CUE",
            Role::Content => "CONTENT",
        }
    }

    fn from_tag(t: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.tag() == t)
    }

    /// Label index of `B-` (`begin`) or `I-` of this role.
    fn label(self, begin: bool) -> usize {
        let base = match self {
            Role::Source => 1,
            Role::Cue => 3,
            Role::Content => 5,
        };
        if begin {
            base
        } else {
            base + 1
        }
    }
}

/// One tagged span of a document: its role, byte range and mean tag probability.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RoleSpan {
    pub role: Role,
    pub start: usize,
    pub end: usize,
    pub score: f32,
}

/// The pieces of a whole text: ids, byte offsets and word ids.
struct Pieces {
    ids: Vec<u32>,
    offsets: Vec<(usize, usize)>,
    words: Vec<Option<u32>>,
}

fn pieces(tok: &Tokenizer, text: &str) -> std::result::Result<Pieces, EncodeError> {
    let enc = tok
        .encode(text, false)
        .map_err(|e| EncodeError::Tokenizer {
            what: format!("a document of {} bytes", text.len()),
            message: e.to_string(),
        })?;
    Ok(Pieces {
        ids: enc.get_ids().to_vec(),
        offsets: enc.get_offsets().to_vec(),
        words: enc.get_word_ids().to_vec(),
    })
}

/// Whether piece `i` begins a sentence: the first piece, one after a line break, or one after
/// a sentence-ending mark (closing quotes and brackets after the mark allowed).
fn starts_sentence(text: &str, p: &Pieces, i: usize) -> bool {
    if i == 0 {
        return true;
    }
    let gap = &text[p.offsets[i - 1].1..p.offsets[i].0];
    if gap.contains('\n') {
        return true;
    }
    if gap.is_empty() {
        return false;
    }
    // Walk back over closing marks to the last real character before the gap.
    let before = text[..p.offsets[i - 1].1].trim_end_matches(['"', '\'', '”', '’', ')', ']']);
    before.ends_with(['.', '!', '?'])
}

/// Window starts over `n` pieces: every `stride` pieces, each moved forward (by at most
/// [`SNAP`]) to a sentence start; the last window reaches the end.
fn window_starts(text: &str, p: &Pieces, room: usize, stride: usize) -> Vec<usize> {
    snapped_starts(p.ids.len(), room, stride, SNAP, |i| {
        starts_sentence(text, p, i)
    })
}

/// Starts of windows of `room` positions over `n`: every `stride` positions, each moved forward
/// by at most `snap` to a position where `opens` holds (a sentence start); the last window
/// reaches the end, and no position is skipped.
pub(crate) fn snapped_starts(
    n: usize,
    room: usize,
    stride: usize,
    snap: usize,
    opens: impl Fn(usize) -> bool,
) -> Vec<usize> {
    let mut starts = vec![0];
    let mut nominal = 0;
    while starts.last().is_some_and(|&s| s + room < n) {
        nominal += stride.max(1);
        let snapped = (nominal..(nominal + snap).min(n))
            .find(|&i| opens(i))
            .unwrap_or(nominal);
        let last = *starts.last().unwrap_or(&0);
        // A window starts no later than where the previous one ends.
        let s = snapped.min(last + room).max(last + 1);
        starts.push(s);
        nominal = s;
    }
    starts
}

/// The windows of a document, each `[CLS] pieces [SEP]` of at most `t.max_len`, starting every
/// `stride` pieces (see [`window_starts`]).
pub fn document_windows(
    tok: &Tokenizer,
    t: &Template,
    text: &str,
    stride: usize,
) -> std::result::Result<Vec<TokenWindow>, EncodeError> {
    let p = pieces(tok, text)?;
    Ok(windows_of(&p, t, text, stride))
}

fn windows_of(p: &Pieces, t: &Template, text: &str, stride: usize) -> Vec<TokenWindow> {
    let room = t.max_len.saturating_sub(2).max(1);
    let n = p.ids.len();
    window_starts(text, p, room, stride)
        .into_iter()
        .map(|s| {
            let e = (s + room).min(n);
            let mut ids = vec![t.cls];
            ids.extend(&p.ids[s..e]);
            ids.push(t.sep);
            let mut spans = vec![None];
            spans.extend(p.offsets[s..e].iter().map(|&o| Some(o)));
            spans.push(None);
            let mut words = vec![None];
            words.extend(&p.words[s..e]);
            words.push(None);
            TokenWindow {
                encoded: Encoded {
                    type_ids: vec![0; ids.len()],
                    ids,
                },
                spans,
                words,
            }
        })
        .collect()
}

/// Gold byte ranges of an article by role (every range of a discontinuous span).
pub(crate) fn gold_ranges(a: &Article) -> Vec<(usize, usize, Role)> {
    let mut out = Vec::new();
    for at in &a.attributions {
        for (span, role) in [
            (&at.source, Role::Source),
            (&at.cue, Role::Cue),
            (&at.content, Role::Content),
        ] {
            if let Some(s) = span {
                out.extend(s.ranges.iter().map(|&(b, e)| (b, e, role)));
            }
        }
    }
    out.sort();
    out
}

/// The gold label of a piece starting at byte `start`: the role of the gold range holding it,
/// `B-` unless the previous piece was in the same range (`prev`); and that range, for the next.
pub(crate) fn piece_label(
    gold: &[(usize, usize, Role)],
    start: usize,
    prev: Option<usize>,
) -> (usize, Option<usize>) {
    let hit = gold.iter().position(|&(b, e, _)| start >= b && start < e);
    let label = match hit {
        Some(g) => gold[g].2.label(prev != Some(g)),
        None => 0,
    };
    (label, hit)
}

/// The gold label of each position of a window: the role of the range holding the piece's first
/// byte, `B-` on the first piece of a range in the window.
fn window_labels(w: &TokenWindow, gold: &[(usize, usize, Role)]) -> Vec<usize> {
    let mut out = Vec::with_capacity(w.spans.len());
    let mut prev: Option<usize> = None;
    for span in &w.spans {
        let Some((s, _)) = *span else {
            out.push(0);
            prev = None;
            continue;
        };
        let (label, hit) = piece_label(gold, s, prev);
        out.push(label);
        prev = hit;
    }
    // [CLS] and [SEP] take no loss.
    if let Some(first) = out.first_mut() {
        *first = crate::model::train::IGNORE;
    }
    if let Some(last) = out.last_mut() {
        *last = crate::model::train::IGNORE;
    }
    out
}

/// Training rows of `articles`: every window (every `stride` pieces) with its labels.
pub fn samples(
    tok: &Tokenizer,
    t: &Template,
    articles: &[Article],
    stride: usize,
) -> Result<Vec<Sample>> {
    let mut out = Vec::new();
    for a in articles {
        let gold = gold_ranges(a);
        for w in document_windows(tok, t, &a.text, stride)? {
            let labels = window_labels(&w, &gold);
            out.push(Sample {
                enc: w.encoded,
                label: Target::Tokens(labels),
            });
        }
    }
    Ok(out)
}

/// Spans of a document from its windows' per-position probabilities: each piece takes the
/// window where it stands farthest from an edge; BIO is decoded over the pieces (an `I-` that
/// continues nothing starts a span) and spans are widened to whole words.
pub fn decode(text: &str, windows: &[TokenWindow], probs: &[Vec<Vec<f32>>]) -> Vec<RoleSpan> {
    decode_with(text, windows, probs, SWITCH_COST)
}

/// The cost (in log probability) of opening or closing a span in [`decode_with`]: the tags of
/// a document are the sequence that maximises the sum of the pieces' log probabilities minus
/// this for every span opened or closed, so a piece or two the model doubts inside a span
/// does not cut it in three. Measured on PolNeAR dev (0, 0.4, 0.8, 1.5 tried; 0 is the
/// per-piece argmax): with 0.4 the tagger's exact content F1 goes from 0.433 to 0.526 and
/// content-source linking from 0.646 to 0.718, speaker accuracy 0.680 to 0.677, direct quotes
/// 0.793 to 0.806, false-speaker rate 0.074 to 0.065; the head's content F1 0.242 to 0.382 and
/// speaker accuracy 0.614 to 0.617. Higher costs drop short cues and sources.
pub const SWITCH_COST: f32 = 0.4;

/// The role a label index stands for (`None` for `O`).
fn role_of(k: usize) -> Option<usize> {
    (k > 0).then(|| (k - 1) / 2)
}

/// [`decode`] with the span switch cost `switch`.
pub fn decode_with(
    text: &str,
    windows: &[TokenWindow],
    probs: &[Vec<Vec<f32>>],
    switch: f32,
) -> Vec<RoleSpan> {
    let best = farthest_from_edges(windows);
    let n = best.len();
    let k = LABELS.len();
    let mut spans: Vec<(usize, usize)> = Vec::with_capacity(n);
    let mut emit: Vec<&Vec<f32>> = Vec::with_capacity(n);
    for &(_, wi, pos) in best.values() {
        spans.push(windows[wi].spans[pos].unwrap_or((0, 0)));
        emit.push(&probs[wi][pos]);
    }
    // Viterbi over the pieces. A piece glued to the one before (a word's continuation, "'s")
    // keeps that piece's role, so spans hold whole words.
    let cost = |from: usize, to: usize, glued: bool, broken: bool| -> Option<f32> {
        let (rf, rt) = (role_of(from), role_of(to));
        let begins = to > 0 && to % 2 == 1;
        if broken && rt.is_some() && !begins {
            // No span continues over a line break: in PolNeAR 3 of 101,582 gold ranges do.
            return None;
        }
        if glued {
            // Same role, continuing.
            return match (rf, rt) {
                (None, None) => Some(0.0),
                (Some(a), Some(b)) if a == b && !begins => Some(0.0),
                _ => None,
            };
        }
        Some(match (rf, rt) {
            (None, None) => 0.0,
            (Some(a), Some(b)) if a == b && !begins => 0.0,
            // Closing one span and opening another costs both.
            (Some(_), Some(_)) => 2.0 * switch,
            _ => switch,
        })
    };
    let ln = |p: f32| p.max(1e-6).ln();
    let mut score: Vec<f32> = (0..k)
        .map(|t| ln(emit.first().map_or(1.0, |e| e[t])))
        .collect();
    let mut back: Vec<Vec<usize>> = Vec::with_capacity(n);
    back.push(vec![0; k]);
    // Glued: a word's continuation (a letter or digit right after one, or the "'s" of a
    // possessive, so "Japan's trade minister" is never cut after "Japan"). Punctuation touching
    // a word keeps its own reading: its emission would otherwise pull the word out of its span
    // ("said" losing its role to the full stop after it).
    for i in 1..n {
        let glued = spans[i - 1].1 == spans[i].0 && inside_word(text, spans[i].0);
        let broken = text
            .get(spans[i - 1].1..spans[i].0)
            .is_some_and(|gap| gap.contains('\n'));
        let mut next = vec![f32::NEG_INFINITY; k];
        let mut from = vec![0usize; k];
        for to in 0..k {
            for (f, &sf) in score.iter().enumerate() {
                if let Some(c) = cost(f, to, glued, broken) {
                    let v = sf - c;
                    if v > next[to] {
                        next[to] = v;
                        from[to] = f;
                    }
                }
            }
            next[to] += ln(emit[i][to]);
        }
        score = next;
        back.push(from);
    }
    let mut tag_idx = vec![0usize; n];
    if n > 0 {
        let mut t = (0..k)
            .max_by(|&a, &b| score[a].total_cmp(&score[b]))
            .unwrap_or(0);
        for i in (0..n).rev() {
            tag_idx[i] = t;
            t = back[i][t];
        }
    }
    let tags: Vec<&str> = tag_idx.iter().map(|&t| LABELS[t]).collect();
    let scores: Vec<f32> = tag_idx.iter().zip(&emit).map(|(&t, e)| e[t]).collect();
    crate::metrics::bio_spans(&tags)
        .into_iter()
        .filter_map(|(first, last, ty)| {
            let role = Role::from_tag(&ty)?;
            let score = scores[first..last].iter().sum::<f32>() / (last - first) as f32;
            let (start, end) = crate::model::classifier::whole_hyphenated_words(
                text,
                spans[first].0,
                spans[last - 1].1,
            );
            Some(RoleSpan {
                role,
                start,
                end,
                score,
            })
        })
        .collect()
}

/// Whether byte `at` of `text` stands inside a word: between two letters or digits, or at
/// either side of an apostrophe that has one on both sides ("Japan's", "don't").
fn inside_word(text: &str, at: usize) -> bool {
    let (Some(before), Some(after)) = (text.get(..at), text.get(at..)) else {
        return false;
    };
    let apostrophe = |c: char| c == '\'' || c == '\u{2019}';
    let mut back = before.chars().rev();
    let mut ahead = after.chars();
    let (p, n) = (back.next(), ahead.next());
    match (p, n) {
        (Some(p), Some(n)) if p.is_alphanumeric() && n.is_alphanumeric() => true,
        (Some(p), Some(n)) if p.is_alphanumeric() && apostrophe(n) => {
            ahead.next().is_some_and(char::is_alphanumeric) && !after_pronoun(before)
        }
        (Some(p), Some(n)) if apostrophe(p) && n.is_alphanumeric() => {
            back.next().is_some_and(char::is_alphanumeric)
                && !after_pronoun(&before[..before.len() - p.len_utf8()])
        }
        _ => false,
    }
}

/// Whether `before` ends in a pronoun whose "'s" is a verb ("he's been saying"): the pronoun
/// stays a source of its own.
fn after_pronoun(before: &str) -> bool {
    let word = before
        .rsplit(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or_default()
        .to_lowercase();
    [
        "he", "she", "it", "that", "there", "here", "who", "what", "i", "we", "you", "they",
    ]
    .contains(&word.as_str())
}

/// For each piece (by its first byte): (margin, window, position) of the window where it stands
/// farthest from an edge.
fn farthest_from_edges(
    windows: &[TokenWindow],
) -> std::collections::BTreeMap<usize, (usize, usize, usize)> {
    let mut best: std::collections::BTreeMap<usize, (usize, usize, usize)> = Default::default();
    for (wi, w) in windows.iter().enumerate() {
        let n = w.spans.len();
        for (pos, span) in w.spans.iter().enumerate() {
            let Some((s, _)) = *span else { continue };
            let margin = pos.min(n - 1 - pos);
            let e = best.entry(s).or_insert((margin, wi, pos));
            if margin > e.0 {
                *e = (margin, wi, pos);
            }
        }
    }
    best
}

/// Per piece of a document (by its first byte), the tag probabilities of the window where it
/// stands farthest from an edge: what [`decode`] reads, as soft labels for another model.
pub fn piece_probs(
    windows: &[TokenWindow],
    probs: &[Vec<Vec<f32>>],
) -> std::collections::BTreeMap<usize, Vec<f32>> {
    farthest_from_edges(windows)
        .into_iter()
        .map(|(start, (_, wi, pos))| (start, probs[wi][pos].clone()))
        .collect()
}

/// Training windows overlap by half: every piece is seen twice, in two contexts.
pub fn training_stride(t: &Template) -> usize {
    (t.max_len.saturating_sub(2) / 2).max(1)
}

/// Windows at inference overlap by a quarter, so each piece still has at least an eighth of a
/// window on either side. Measured on PolNeAR dev against half (the fast profile): speaker
/// accuracy 0.679 against 0.683, false-speaker rate 0.072 against 0.073, source span F1 0.771
/// against 0.769, for two thirds of the tokens (1.33 passes over the document instead of 2);
/// without overlap, 0.677, 0.082 and 0.760.
pub fn inference_stride(t: &Template) -> usize {
    (t.max_len.saturating_sub(2) * 3 / 4).max(1)
}

/// The attribution model at inference.
pub struct AttributionTagger {
    pub loaded: Loaded,
    head: TokenClassificationHead,
}

impl AttributionTagger {
    pub fn load(dir: &Path, base_dir: Option<&Path>) -> Result<Self> {
        Self::load_with(dir, base_dir, &Settings::default())
    }

    pub fn load_with(dir: &Path, base_dir: Option<&Path>, settings: &Settings) -> Result<Self> {
        let loaded = Loaded::load_with(dir, Task::Attribution, base_dir, settings)?;
        let labels = loaded.manifest.labels().map_err(|reason| Error::Manifest {
            path: dir.join("manifest.json"),
            reason,
        })?;
        let want: Vec<String> = LABELS.iter().map(|s| s.to_string()).collect();
        if labels != want {
            return Err(Error::Manifest {
                path: dir.join("manifest.json"),
                reason: format!("labels must be {want:?}, found {labels:?}"),
            });
        }
        let head = loaded.token_head(LABELS.len())?;
        Ok(Self { loaded, head })
    }

    /// The source, cue and content spans of each document; all their windows go through the
    /// encoder in shared batches (a document's numbers do not depend on its batch).
    pub fn spans_many(&self, texts: &[&str]) -> Result<Vec<Vec<RoleSpan>>> {
        Ok(self
            .read_many(texts)?
            .into_iter()
            .zip(texts)
            .map(|((w, p), text)| decode(text, &w, &p))
            .collect())
    }

    /// Each piece's tag probabilities (by its first byte) in each document: soft labels for
    /// the fast profile's head (see `model::attribution_head`).
    pub fn piece_probs_many(
        &self,
        texts: &[&str],
    ) -> Result<Vec<std::collections::BTreeMap<usize, Vec<f32>>>> {
        Ok(self
            .read_many(texts)?
            .into_iter()
            .map(|(w, p)| piece_probs(&w, &p))
            .collect())
    }

    /// Each document's windows and their per-position probabilities.
    #[allow(clippy::type_complexity)]
    fn read_many(&self, texts: &[&str]) -> Result<Vec<(Vec<TokenWindow>, Vec<Vec<Vec<f32>>>)>> {
        let l = &self.loaded;
        let stride = inference_stride(&l.template);
        let mut windows = Vec::new();
        let mut owner = Vec::new();
        for (d, text) in texts.iter().enumerate() {
            for w in document_windows(&l.tokenizer, &l.template, text, stride)? {
                windows.push(w);
                owner.push(d);
            }
        }
        let probs = l.token_probs(&windows, |_, states| {
            Ok(self.head.forward(states, false)?)
        })?;
        // Per document: its windows and their per-position probabilities.
        type Read = (Vec<TokenWindow>, Vec<Vec<Vec<f32>>>);
        let mut per_doc: Vec<Read> = (0..texts.len()).map(|_| (Vec::new(), Vec::new())).collect();
        for ((w, p), d) in windows.into_iter().zip(probs).zip(owner) {
            per_doc[d].0.push(w);
            per_doc[d].1.push(p);
        }
        Ok(per_doc)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::brat::{Attribution, BratSpan};

    fn tokenizer() -> Tokenizer {
        use std::str::FromStr;
        Tokenizer::from_str(&crate::model::tiny::tokenizer_json()).unwrap()
    }

    fn span(text: &str, s: &str) -> BratSpan {
        let b = text.find(s).expect("in text");
        BratSpan {
            ranges: vec![(b, b + s.len())],
            surface: s.to_string(),
        }
    }

    #[test]
    fn every_piece_is_in_a_window_and_windows_start_at_sentences() {
        let tok = tokenizer();
        let t = Template::new(&tok, 12).unwrap();
        let text = "the cat sat . the dog ran far away . a bird said hello to the cat . the end";
        let p = pieces(&tok, text).unwrap();
        let ws = windows_of(&p, &t, text, 5);
        let mut seen = std::collections::BTreeSet::new();
        for w in &ws {
            assert!(w.encoded.ids.len() <= 12);
            for s in w.spans.iter().flatten() {
                seen.insert(*s);
            }
        }
        assert_eq!(seen.len(), p.ids.len(), "every piece is covered");
        // The second window starts right after a full stop (a sentence start).
        let first = ws[1].spans[1].unwrap().0;
        assert!(text[..first].trim_end().ends_with('.'), "{first}");
    }

    /// One window over `text` whose pieces are its words, with these tag probabilities.
    fn word_window(text: &str) -> TokenWindow {
        let mut pieces = Vec::new();
        let mut at = 0;
        for w in text.split(' ') {
            pieces.push((at, at + w.len()));
            at += w.len() + 1;
        }
        pieces_window(&pieces)
    }

    fn probs_of(tags: &[(usize, f32)]) -> Vec<Vec<f32>> {
        let mut out = vec![vec![1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]];
        for &(label, p) in tags {
            let mut row = vec![(1.0 - p) / 6.0; LABELS.len()];
            row[label] = p;
            out.push(row);
        }
        out.push(out[0].clone());
        out
    }

    #[test]
    fn a_piece_the_model_doubts_inside_a_span_does_not_cut_it() {
        let text = "he said the tax was a mistake";
        let w = word_window(text);
        // "was" leans to O (0.45 against 0.30 for I-CONTENT); its neighbours are sure.
        let mut probs = probs_of(&[
            (1, 0.9),
            (3, 0.9),
            (5, 0.9),
            (6, 0.9),
            (0, 0.45),
            (6, 0.9),
            (6, 0.9),
        ]);
        probs[5][6] = 0.30;
        let spans = |cost| {
            decode_with(text, std::slice::from_ref(&w), &[probs.clone()], cost)
                .iter()
                .map(|s| (s.role, text[s.start..s.end].to_string()))
                .collect::<Vec<_>>()
        };
        let content = |v: &[(Role, String)]| {
            v.iter()
                .filter(|(r, _)| *r == Role::Content)
                .map(|(_, t)| t.clone())
                .collect::<Vec<_>>()
        };
        // Per piece, the content falls in two; with the switch cost it stays whole, and the
        // one-word source and cue are kept.
        assert_eq!(content(&spans(0.0)), ["the tax", "a mistake"]);
        let smoothed = spans(SWITCH_COST);
        assert_eq!(content(&smoothed), ["the tax was a mistake"]);
        assert!(smoothed.contains(&(Role::Source, "he".to_string())));
        assert!(smoothed.contains(&(Role::Cue, "said".to_string())));
    }

    #[test]
    fn a_full_stop_after_the_last_word_does_not_pull_it_out_of_its_span() {
        // "mistake" and "." touch; the full stop leans to O, the word to I-CONTENT.
        let text = "he said it was a mistake.";
        let mut spans = vec![None];
        for (a, b) in [
            (0, 2),
            (3, 7),
            (8, 10),
            (11, 14),
            (15, 16),
            (17, 24),
            (24, 25),
        ] {
            spans.push(Some((a, b)));
        }
        spans.push(None);
        let w = TokenWindow {
            encoded: Encoded {
                ids: Vec::new(),
                type_ids: Vec::new(),
            },
            spans,
            words: Vec::new(),
        };
        let probs = probs_of(&[
            (1, 0.9),
            (3, 0.9),
            (5, 0.9),
            (6, 0.9),
            (6, 0.9),
            (6, 0.6),
            (0, 0.95),
        ]);
        let got = decode(text, &[w], &[probs]);
        let content: Vec<&str> = got
            .iter()
            .filter(|s| s.role == Role::Content)
            .map(|s| &text[s.start..s.end])
            .collect();
        assert_eq!(content, ["it was a mistake"]);
    }

    /// One window over `pieces` (byte ranges of `text`).
    fn pieces_window(pieces: &[(usize, usize)]) -> TokenWindow {
        let mut spans = vec![None];
        spans.extend(pieces.iter().map(|&p| Some(p)));
        spans.push(None);
        TokenWindow {
            encoded: Encoded {
                ids: Vec::new(),
                type_ids: Vec::new(),
            },
            spans,
            words: Vec::new(),
        }
    }

    #[test]
    fn a_possessive_stays_with_its_word_and_no_span_crosses_a_line_break() {
        // A headline's content ran on into the next paragraph ("are over\n\nJapan") and left
        // the source as "'s trade minister" (our test document d201).
        let text = "talks are over\n\nJapan's trade minister said";
        let at = |w: &str| {
            let b = text.find(w).unwrap();
            (b, b + w.len())
        };
        let (j, _) = at("Japan's");
        let pieces = [
            at("talks"),
            at("are"),
            at("over"),
            (j, j + 5),
            (j + 5, j + 6),
            (j + 6, j + 7),
            at("trade"),
            at("minister"),
            at("said"),
        ];
        let probs = probs_of(&[
            (5, 0.9),
            (6, 0.9),
            (6, 0.9),
            (6, 0.6),
            (1, 0.7),
            (2, 0.9),
            (2, 0.9),
            (2, 0.9),
            (3, 0.9),
        ]);
        let got = decode(text, &[pieces_window(&pieces)], &[probs]);
        let of = |r: Role| -> Vec<&str> {
            got.iter()
                .filter(|s| s.role == r)
                .map(|s| &text[s.start..s.end])
                .collect()
        };
        assert_eq!(of(Role::Content), ["talks are over"]);
        assert_eq!(of(Role::Source), ["Japan's trade minister"]);
        assert!(inside_word("Japan’s", 5) && inside_word("Japan’s", 8) && !inside_word("'Mr", 1));
        // A pronoun's "'s" is a verb: "he" stays a source of its own.
        assert!(!inside_word("he’s", 2) && !inside_word("he’s", 5) && !inside_word("he's", 3));
    }

    #[test]
    fn labels_mark_each_range_and_decode_gives_the_spans_back() {
        let tok = tokenizer();
        let t = Template::new(&tok, 64).unwrap();
        let text = "the dog said the cat ran away . the end";
        let article = Article {
            id: "a".into(),
            annotator: "x".into(),
            text: text.into(),
            attributions: vec![Attribution {
                id: "E1".into(),
                source: Some(span(text, "the dog")),
                cue: Some(span(text, "said")),
                content: Some(span(text, "the cat ran away")),
            }],
        };
        let rows = samples(&tok, &t, &[article], 31).unwrap();
        assert_eq!(rows.len(), 1);
        let Target::Tokens(labels) = &rows[0].label else {
            panic!()
        };
        // Gold labels as one-hot probabilities decode to the gold spans.
        let ws = document_windows(&tok, &t, text, 31).unwrap();
        let probs: Vec<Vec<f32>> = labels
            .iter()
            .map(|&l| {
                let mut p = vec![0.0; LABELS.len()];
                p[if l == crate::model::train::IGNORE {
                    0
                } else {
                    l
                }] = 1.0;
                p
            })
            .collect();
        let got = decode(text, &ws, &[probs]);
        let surfaces: Vec<(Role, &str)> = got
            .iter()
            .map(|s| (s.role, &text[s.start..s.end]))
            .collect();
        assert_eq!(
            surfaces,
            [
                (Role::Source, "the dog"),
                (Role::Cue, "said"),
                (Role::Content, "the cat ran away")
            ]
        );
    }
}
