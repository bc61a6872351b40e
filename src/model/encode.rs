//! Input templates: turn (holder, target, sentence, context) and sentences into token ids.
//!
//! Stance template (documented in each stance manifest as `input_template`):
//!
//! ```text
//! [CLS] holder [SEP] target [SEP] sentence with the target mention wrapped in "[ ... ]" and the
//! holder mention (when it is in the sentence) wrapped in "{ ... }" [SEP] context [SEP]
//! ```
//!
//! Segment ids are 0 for holder and target, 1 for the sentence, 0 for the context. The holder is a
//! name, `author` for narration, or `unspecified` when the data does not say whose view it is.
//! Long sentences keep a window around the target; the context keeps its end, the part nearest
//! the sentence. The markers are ordinary vocabulary tokens, so no embedding row is added and the
//! shipped weights stay small.

use std::collections::HashMap;
use tokenizers::Tokenizer;

/// Token ids and segment ids of one encoded input, plus word alignment for token tasks.
#[derive(Debug, Clone, PartialEq)]
pub struct Encoded {
    pub ids: Vec<u32>,
    pub type_ids: Vec<u32>,
}

/// What the stance model reads.
#[derive(Debug, Clone, PartialEq)]
pub struct StanceInput<'a> {
    pub holder: &'a str,
    pub target: &'a str,
    pub text: &'a str,
    /// Byte span of the target mention in `text`.
    pub target_span: Option<(usize, usize)>,
    /// Byte span of the holder mention in `text`.
    pub holder_span: Option<(usize, usize)>,
    pub context: &'a str,
}

/// Errors of encoding: the tokenizer's own.
#[derive(Debug, thiserror::Error)]
pub enum EncodeError {
    #[error("tokenizer failed on {what}: {message}")]
    Tokenizer { what: String, message: String },
}

/// Token ids of the special tokens and markers, looked up once from the tokenizer.
#[derive(Debug, Clone)]
pub struct Template {
    pub cls: u32,
    pub sep: u32,
    pub pad: u32,
    pub target_open: u32,
    pub target_close: u32,
    pub holder_open: u32,
    pub holder_close: u32,
    pub max_len: usize,
}

pub const STANCE_TEMPLATE: &str = "[CLS] holder [SEP] target [SEP] sentence with \"[ target mention ]\" and \"{ holder mention }\" marked [SEP] context [SEP]; segment 1 = sentence";
pub const SENTENCE_TEMPLATE: &str = "[CLS] sentence [SEP]";
pub const TOKEN_TEMPLATE: &str = "[CLS] words [SEP]; label on the first word piece of each word";

fn token_id(tok: &Tokenizer, t: &str) -> Result<u32, EncodeError> {
    tok.token_to_id(t).ok_or_else(|| EncodeError::Tokenizer {
        what: format!("token '{t}'"),
        message: "not in the vocabulary".into(),
    })
}

/// The first of `names` in the vocabulary: BERT's special tokens, else RoBERTa's and MPNet's
/// (`<s>`, `</s>`, `<pad>`), which play the same parts.
fn special_id(tok: &Tokenizer, names: [&str; 2]) -> Result<u32, EncodeError> {
    names
        .iter()
        .find_map(|t| tok.token_to_id(t))
        .ok_or_else(|| EncodeError::Tokenizer {
            what: format!("token '{}' or '{}'", names[0], names[1]),
            message: "not in the vocabulary".into(),
        })
}

impl Template {
    pub fn new(tok: &Tokenizer, max_len: usize) -> Result<Self, EncodeError> {
        Ok(Self {
            cls: special_id(tok, ["[CLS]", "<s>"])?,
            sep: special_id(tok, ["[SEP]", "</s>"])?,
            pad: special_id(tok, ["[PAD]", "<pad>"])?,
            target_open: token_id(tok, "[")?,
            target_close: token_id(tok, "]")?,
            holder_open: token_id(tok, "{")?,
            holder_close: token_id(tok, "}")?,
            max_len: max_len.max(8),
        })
    }
}

fn ids_of(tok: &Tokenizer, text: &str) -> Result<Vec<u32>, EncodeError> {
    Ok(tok
        .encode(text, false)
        .map_err(|e| EncodeError::Tokenizer {
            what: short(text),
            message: e.to_string(),
        })?
        .get_ids()
        .to_vec())
}

fn short(text: &str) -> String {
    let cut: String = text.chars().take(40).collect();
    format!("'{cut}'")
}

/// Encode a (holder, target, sentence, context) input with the stance template.
pub fn encode_stance(
    tok: &Tokenizer,
    t: &Template,
    input: &StanceInput,
) -> Result<Encoded, EncodeError> {
    let holder = ids_of(tok, input.holder)?;
    let target = ids_of(tok, input.target)?;
    // Cut the sentence into pieces around the marked spans, tokenize each piece, and put the
    // marker ids between them: offsets stay exact, whatever characters the text holds.
    let mut marks: Vec<(usize, usize, u32, u32)> = Vec::new();
    if let Some((s, e)) = input.target_span {
        marks.push((s, e, t.target_open, t.target_close));
    }
    if let Some((s, e)) = input.holder_span {
        let overlaps = input.target_span.is_some_and(|(ts, te)| s < te && ts < e);
        if !overlaps {
            marks.push((s, e, t.holder_open, t.holder_close));
        }
    }
    marks.sort();
    let text = input.text;
    let mut sentence = Vec::new();
    let mut target_pos = None;
    let mut cursor = 0;
    for (s, e, open, close) in marks {
        if s < cursor || e > text.len() || !text.is_char_boundary(s) || !text.is_char_boundary(e) {
            continue;
        }
        sentence.extend(ids_of(tok, &text[cursor..s])?);
        if open == t.target_open {
            target_pos = Some(sentence.len());
        }
        sentence.push(open);
        sentence.extend(ids_of(tok, &text[s..e])?);
        sentence.push(close);
        cursor = e;
    }
    sentence.extend(ids_of(tok, &text[cursor..])?);
    let mut context = ids_of(tok, input.context)?;

    // Budget: holder and target are short; the sentence comes next; context gets what is left.
    let holder: Vec<u32> = holder.into_iter().take(16).collect();
    let target: Vec<u32> = target.into_iter().take(24).collect();
    let fixed = 1 + holder.len() + 1 + target.len() + 1 + 1;
    let room = t.max_len.saturating_sub(fixed).max(4);
    if sentence.len() > room {
        // Keep a window around the target marker (or the start when there is none).
        let centre = target_pos.unwrap_or(0);
        let start = centre.saturating_sub(room / 3).min(sentence.len() - room);
        sentence = sentence[start..start + room].to_vec();
    }
    let left = t.max_len.saturating_sub(fixed + sentence.len());
    let mut ids = Vec::with_capacity(t.max_len);
    let mut types = Vec::with_capacity(t.max_len);
    ids.push(t.cls);
    ids.extend(&holder);
    ids.push(t.sep);
    ids.extend(&target);
    ids.push(t.sep);
    types.resize(ids.len(), 0);
    ids.extend(&sentence);
    ids.push(t.sep);
    types.resize(ids.len(), 1);
    if left > 1 && !context.is_empty() {
        let keep = left - 1;
        if context.len() > keep {
            context = context[context.len() - keep..].to_vec();
        }
        ids.extend(&context);
        ids.push(t.sep);
        types.resize(ids.len(), 0);
    }
    Ok(Encoded {
        ids,
        type_ids: types,
    })
}

/// Per-token weights (1 inside, 0 outside) of the target mention in an encoded stance input:
/// from the target's opening marker in the sentence segment (segment 1) to its closing marker,
/// both included. When the sentence shows no marker (the target is not written in it), the
/// target's name between the first and second `[SEP]` stands in. Padding never counts.
pub fn target_mask(ids: &[u32], types: &[u32], open: u32, close: u32, sep: u32) -> Vec<f32> {
    let mut mask = vec![0f32; ids.len()];
    let start = ids
        .iter()
        .zip(types)
        .position(|(&id, &ty)| ty == 1 && id == open);
    if let Some(s) = start {
        // To the closing marker, or to the end of the sentence segment when it was cut off.
        let mut end = ids.len() - 1;
        for i in s + 1..ids.len() {
            if types[i] != 1 {
                end = i - 1;
                break;
            }
            if ids[i] == close {
                end = i;
                break;
            }
        }
        for v in &mut mask[s..=end] {
            *v = 1.0;
        }
        return mask;
    }
    let seps: Vec<usize> = ids
        .iter()
        .enumerate()
        .filter(|(_, &id)| id == sep)
        .map(|(i, _)| i)
        .take(2)
        .collect();
    if let [a, b] = seps[..] {
        for v in &mut mask[a + 1..b] {
            *v = 1.0;
        }
    }
    mask
}

/// Encode a sentence for the sentiment model: `[CLS] sentence [SEP]`, cut to `max_len`.
pub fn encode_sentence(tok: &Tokenizer, t: &Template, text: &str) -> Result<Encoded, EncodeError> {
    let mut body = ids_of(tok, text)?;
    body.truncate(t.max_len - 2);
    let mut ids = Vec::with_capacity(body.len() + 2);
    ids.push(t.cls);
    ids.extend(body);
    ids.push(t.sep);
    let type_ids = vec![0; ids.len()];
    Ok(Encoded { ids, type_ids })
}

/// Encode a sentence as one or more `[CLS] piece [SEP]` windows covering all of it, so a
/// sentence longer than the model's window is read whole (the caller averages the windows).
pub fn encode_sentence_windows(
    tok: &Tokenizer,
    t: &Template,
    text: &str,
) -> Result<Vec<Encoded>, EncodeError> {
    let body = ids_of(tok, text)?;
    let room = t.max_len - 2;
    if body.len() <= room {
        return Ok(vec![encode_sentence(tok, t, text)?]);
    }
    Ok(body
        .chunks(room)
        .map(|c| {
            let mut ids = Vec::with_capacity(c.len() + 2);
            ids.push(t.cls);
            ids.extend(c);
            ids.push(t.sep);
            let type_ids = vec![0; ids.len()];
            Encoded { ids, type_ids }
        })
        .collect())
}

/// A tokenized text for token classification, with each word piece's byte span in the text.
#[derive(Debug, Clone, PartialEq)]
pub struct TokenWindow {
    pub encoded: Encoded,
    /// Byte span in the source text of each position of `encoded.ids` (`None` for specials).
    pub spans: Vec<Option<(usize, usize)>>,
    /// Index of the word each position belongs to (`None` for specials).
    pub words: Vec<Option<u32>>,
}

/// Encode pre-split words (CoNLL) for NER training: `[CLS] pieces [SEP]`, cut to `max_len`.
pub fn encode_words(
    tok: &Tokenizer,
    t: &Template,
    words: &[String],
) -> Result<TokenWindow, EncodeError> {
    let enc = tok
        .encode(words.to_vec(), false)
        .map_err(|e| EncodeError::Tokenizer {
            what: short(&words.join(" ")),
            message: e.to_string(),
        })?;
    let n = enc.get_ids().len().min(t.max_len - 2);
    let mut ids = vec![t.cls];
    ids.extend(&enc.get_ids()[..n]);
    ids.push(t.sep);
    let mut word_ids = vec![None];
    word_ids.extend(enc.get_word_ids()[..n].iter().copied());
    word_ids.push(None);
    let spans = vec![None; ids.len()];
    let type_ids = vec![0; ids.len()];
    Ok(TokenWindow {
        encoded: Encoded { ids, type_ids },
        spans,
        words: word_ids,
    })
}

/// Encode raw text for NER inference in windows of at most `max_len` pieces with byte spans,
/// so a text longer than the model's window is covered entirely, never cut silently.
pub fn encode_text_windows(
    tok: &Tokenizer,
    t: &Template,
    text: &str,
) -> Result<Vec<TokenWindow>, EncodeError> {
    let enc = tok
        .encode(text, false)
        .map_err(|e| EncodeError::Tokenizer {
            what: short(text),
            message: e.to_string(),
        })?;
    let ids = enc.get_ids();
    // Offsets are byte offsets into `text` for tokenizers' Rust API on &str input.
    let offsets = enc.get_offsets();
    let word_ids = enc.get_word_ids();
    let room = t.max_len - 2;
    let mut out = Vec::new();
    let mut start = 0;
    while start < ids.len() || (start == 0 && out.is_empty()) {
        let mut end = (start + room).min(ids.len());
        // Do not split a word between two windows when avoidable.
        while end < ids.len()
            && end > start + 1
            && word_ids[end].is_some()
            && word_ids[end] == word_ids[end - 1]
        {
            end -= 1;
        }
        let mut w_ids = vec![t.cls];
        w_ids.extend(&ids[start..end]);
        w_ids.push(t.sep);
        let mut spans = vec![None];
        spans.extend(offsets[start..end].iter().map(|&(s, e)| Some((s, e))));
        spans.push(None);
        let mut words = vec![None];
        words.extend(word_ids[start..end].iter().copied());
        words.push(None);
        let type_ids = vec![0; w_ids.len()];
        out.push(TokenWindow {
            encoded: Encoded {
                ids: w_ids,
                type_ids,
            },
            spans,
            words,
        });
        if end >= ids.len() {
            break;
        }
        start = end;
    }
    Ok(out)
}

/// How many case shapes [`case_shape`] tells apart.
pub const CASE_SHAPES: usize = 7;

/// The case shape of a word, which an uncased tokenizer loses: 0 no letter or digit (and the
/// special pieces), 1 lower case, 2 capitalised, 3 capitalised and the first word of its
/// sentence, 4 all capitals (two letters or more), 5 mixed ("McDonald", "iPhone"), 6 with a digit.
/// A name is told from a common word by 2, 4 and 5; 3 says the capital may be the sentence's.
pub fn case_shape(word: &str, first: bool) -> u8 {
    if word.chars().any(|c| c.is_numeric()) {
        return 6;
    }
    let letters: Vec<char> = word.chars().filter(|c| c.is_alphabetic()).collect();
    let Some(&head) = letters.first() else {
        return 0;
    };
    let upper = letters.iter().filter(|c| c.is_uppercase()).count();
    if upper == 0 {
        1
    } else if upper == letters.len() && letters.len() >= 2 {
        4
    } else if head.is_uppercase() && upper == 1 {
        if first {
            3
        } else {
            2
        }
    } else {
        5
    }
}

/// The case shape of each position of a window over `text` (from [`encode_text_windows`]): the
/// shape of the word the piece belongs to; a word is first when no letter stands before it.
pub fn text_case_shapes(text: &str, w: &TokenWindow) -> Vec<u8> {
    let mut extent: HashMap<u32, (usize, usize)> = HashMap::new();
    for (word, span) in w.words.iter().zip(&w.spans) {
        if let (Some(word), Some((s, e))) = (word, span) {
            let x = extent.entry(*word).or_insert((*s, *e));
            x.0 = x.0.min(*s);
            x.1 = x.1.max(*e);
        }
    }
    w.words
        .iter()
        .map(|word| {
            let Some(&(s, e)) = word.and_then(|k| extent.get(&k)) else {
                return 0;
            };
            let (Some(word), Some(before)) = (text.get(s..e), text.get(..s)) else {
                return 0;
            };
            case_shape(word, !before.chars().any(char::is_alphabetic))
        })
        .collect()
}

/// The case shape of each position of a window over pre-split `words` (from [`encode_words`]).
pub fn word_case_shapes(words: &[String], w: &TokenWindow) -> Vec<u8> {
    let first = words
        .iter()
        .position(|x| x.chars().any(char::is_alphabetic));
    w.words
        .iter()
        .map(|word| match word.map(|k| k as usize) {
            Some(k) if k < words.len() => case_shape(&words[k], first == Some(k)),
            _ => 0,
        })
        .collect()
}

#[cfg(test)]
mod case_tests {
    use super::*;

    #[test]
    fn shapes_tell_names_from_common_words() {
        assert_eq!(case_shape("the", false), 1);
        assert_eq!(case_shape("Israel", false), 2);
        assert_eq!(case_shape("The", true), 3);
        assert_eq!(case_shape("NATO", false), 4);
        assert_eq!(case_shape("A", false), 2);
        assert_eq!(case_shape("McDonald", false), 5);
        assert_eq!(case_shape("G7", false), 6);
        assert_eq!(case_shape(",", false), 0);
        assert_eq!(case_shape("Über", false), 2);
    }

    #[test]
    fn text_and_word_shapes_agree_on_the_same_sentence() {
        let tok = Tokenizer::from_bytes(crate::model::tiny::tokenizer_json()).unwrap();
        let t = Template::new(&tok, 64).unwrap();
        let text = "\"Defense Minister Khawaja Asif said NATO funds it";
        let w = encode_text_windows(&tok, &t, text).unwrap().remove(0);
        let shapes = text_case_shapes(text, &w);
        assert_eq!(shapes.len(), w.encoded.ids.len());
        assert_eq!((shapes[0], *shapes.last().unwrap()), (0, 0));
        // '"' has no letter; "Defense" is the first word.
        assert_eq!(shapes[1], 0);
        assert!(shapes.contains(&3) && shapes.contains(&4) && shapes.contains(&1));
        let words: Vec<String> = text.split(' ').map(str::to_string).collect();
        let ww = encode_words(&tok, &t, &words).unwrap();
        let ws = word_case_shapes(&words, &ww);
        assert_eq!(ws.len(), ww.encoded.ids.len());
        // The words here are whitespace-split ('"Defense' is one word, and its first).
        assert_eq!(ws[1], 3);
        let caps = |v: &[u8]| v.iter().filter(|&&s| s == 4).count();
        assert_eq!(caps(&ws), caps(&shapes));
    }
}

#[cfg(test)]
mod target_mask_tests {
    use super::target_mask;

    // ids: 1 = [CLS], 2 = [SEP], 5 = "[", 6 = "]", others words.
    #[test]
    fn the_marked_mention_in_the_sentence_is_the_span() {
        let ids = [1, 9, 2, 8, 2, 7, 5, 8, 8, 6, 7, 2, 4, 2, 0, 0];
        let ty = [0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0];
        let m = target_mask(&ids, &ty, 5, 6, 2);
        assert_eq!(
            m,
            [0., 0., 0., 0., 0., 0., 1., 1., 1., 1., 0., 0., 0., 0., 0., 0.]
        );
    }

    #[test]
    fn a_bracket_outside_the_sentence_is_ignored_and_no_marker_falls_back_to_the_target_name() {
        // "[" in the context (segment 0) is not a marker; the target name between the SEPs is.
        let ids = [1, 9, 2, 8, 8, 2, 7, 7, 2, 5, 4, 2];
        let ty = [0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 0];
        let m = target_mask(&ids, &ty, 5, 6, 2);
        assert_eq!(m, [0., 0., 0., 1., 1., 0., 0., 0., 0., 0., 0., 0.]);
    }

    #[test]
    fn an_unclosed_marker_runs_to_the_end_of_the_sentence() {
        let ids = [1, 9, 2, 8, 2, 7, 5, 8, 2];
        let ty = [0, 0, 0, 0, 0, 1, 1, 1, 1];
        let m = target_mask(&ids, &ty, 5, 6, 2);
        assert_eq!(m, [0., 0., 0., 0., 0., 0., 1., 1., 1.]);
    }
}
