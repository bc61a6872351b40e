//! Tokens and quotations: finds quoted stretches (which may run across sentences and
//! paragraphs) and splits the text outside them into word and punctuation tokens with byte
//! offsets, each quotation standing as one token.

use super::lexicon;
use super::SentenceIn;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokKind {
    Word,
    /// `'s`, `’s`, or the bare apostrophe of `officials'`.
    Possessive,
    Punct,
    /// A quoted stretch, standing for everything inside the quotation marks.
    Quote,
}

#[derive(Debug, Clone)]
pub(crate) struct Token<'a> {
    pub kind: TokKind,
    pub start: usize,
    pub end: usize,
    pub text: &'a str,
    pub lower: String,
    /// For `TokKind::Quote`, the index of the span in `Quotes::spans`.
    pub quote: usize,
}

impl Token<'_> {
    pub fn is_word(&self) -> bool {
        self.kind == TokKind::Word
    }

    pub fn is_punct(&self, chars: &str) -> bool {
        self.kind == TokKind::Punct && self.text.chars().next().is_some_and(|c| chars.contains(c))
    }

    /// A word starting with an uppercase letter.
    pub fn is_capitalised(&self) -> bool {
        self.is_word() && self.text.chars().next().is_some_and(char::is_uppercase)
    }

    /// A word in lowercase, as verbs are (title-case headlines are not read).
    pub fn is_lowercase_word(&self) -> bool {
        self.is_word() && self.text.chars().next().is_some_and(char::is_lowercase)
    }
}

/// The text between one pair of quotation marks, or the part of it inside one sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct QuoteSpan {
    /// Byte offsets of the quoted words in the sentence, marks excluded.
    pub start: usize,
    pub end: usize,
    /// Quotations sharing a run are one quotation cut by sentence or paragraph breaks.
    pub run: usize,
    /// The quotation opened in an earlier sentence.
    pub from_prev: bool,
    /// The quotation is still open at the end of the sentence.
    pub to_next: bool,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Quotes {
    pub spans: Vec<QuoteSpan>,
    /// Byte ranges of the quotation marks themselves.
    pub marks: Vec<(usize, usize)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mark {
    Double,
    Single,
}

#[derive(Debug, Clone, Copy)]
struct Open {
    mark: Mark,
    run: usize,
    start: usize,
    from_prev: bool,
    /// Index of the opening mark in `Quotes::marks`, when it is in this sentence.
    opener: Option<usize>,
    /// A single quote carries into the next sentence only when it opened a sentence or
    /// followed a colon or comma; otherwise an unmatched `'` is taken for an apostrophe.
    may_carry: bool,
}

enum Action {
    Open(Mark),
    Close,
    /// A closing mark with nothing open: the sentence began inside a quotation.
    OrphanClose,
    Nothing,
}

fn classify(c: char, prev: Option<char>, next: Option<char>, open: Option<Mark>) -> Action {
    let prev_alnum = prev.is_some_and(char::is_alphanumeric);
    let next_alnum = next.is_some_and(char::is_alphanumeric);
    match (c, open) {
        ('"', Some(Mark::Double)) => Action::Close,
        ('"', Some(Mark::Single)) => Action::Nothing,
        ('"', None) => {
            let after_text = prev.is_some_and(|p| !p.is_whitespace() && !"([{—–:".contains(p));
            if after_text && next.is_none_or(|n| n.is_whitespace() || ".,;:!?)".contains(n)) {
                Action::OrphanClose
            } else {
                Action::Open(Mark::Double)
            }
        }
        ('“' | '«' | '„', None) => Action::Open(Mark::Double),
        ('”' | '»', Some(Mark::Double)) => Action::Close,
        // A closing mark typed where a quotation opens, at a word's start after a space or a
        // line start ("”Fear. I am afraid ...” ― Name"), opens it.
        ('”' | '»', None) if crate::text::quotes::closing_mark_opens(prev, next) => {
            Action::Open(Mark::Double)
        }
        ('”' | '»', None) => Action::OrphanClose,
        ('‘', None) if !prev_alnum => Action::Open(Mark::Single),
        ('’' | '\'', Some(Mark::Single))
            if !next_alnum && prev.is_some_and(|p| !p.is_whitespace()) =>
        {
            Action::Close
        }
        ('\'', None) if !prev_alnum && next_alnum => Action::Open(Mark::Single),
        _ => Action::Nothing,
    }
}

fn is_opener(c: char, mark: Mark) -> bool {
    match mark {
        Mark::Double => matches!(c, '"' | '“' | '«' | '„'),
        Mark::Single => matches!(c, '\'' | '‘'),
    }
}

fn trimmed_end(text: &str, from: usize) -> usize {
    text.trim_end().len().max(from)
}

fn leading_space(text: &str) -> usize {
    text.len() - text.trim_start().len()
}

/// Finds the quotations of a whole document. A quotation left open at the end of a paragraph
/// continues into the next one only when that paragraph opens with a quotation mark of the
/// same kind (the newspaper convention for quotes running over paragraphs).
pub(crate) fn scan_quotes(sentences: &[SentenceIn]) -> Vec<Quotes> {
    let mut out = Vec::with_capacity(sentences.len());
    let mut carried: Option<(Mark, usize)> = None;
    let mut next_run = 0;
    let mut paragraph = None;
    for sentence in sentences {
        let text = sentence.text;
        let mut quotes = Quotes::default();
        let mut reopen = false;
        if paragraph.is_some_and(|p| p != sentence.paragraph) {
            if let Some((mark, _)) = carried {
                reopen = text
                    .trim_start()
                    .chars()
                    .next()
                    .is_some_and(|c| is_opener(c, mark));
                if !reopen {
                    carried = None;
                }
            }
        }
        paragraph = Some(sentence.paragraph);
        let mut open = carried.map(|(mark, run)| Open {
            mark,
            run,
            start: leading_space(text),
            from_prev: true,
            opener: None,
            may_carry: true,
        });
        let chars: Vec<(usize, char)> = text.char_indices().collect();
        for (k, &(at, c)) in chars.iter().enumerate() {
            let end = at + c.len_utf8();
            if reopen && !c.is_whitespace() {
                reopen = false;
                quotes.marks.push((at, end));
                if let Some(o) = open.as_mut() {
                    o.start = end;
                }
                continue;
            }
            let prev = k.checked_sub(1).map(|p| chars[p].1);
            let next = chars.get(k + 1).map(|n| n.1);
            match classify(c, prev, next, open.map(|o| o.mark)) {
                Action::Open(mark) => {
                    let before = text[..at].trim_end();
                    let may_carry = mark == Mark::Double
                        || before.is_empty()
                        || before.ends_with(':')
                        || before.ends_with(',');
                    quotes.marks.push((at, end));
                    open = Some(Open {
                        mark,
                        run: next_run,
                        start: end,
                        from_prev: false,
                        opener: Some(quotes.marks.len() - 1),
                        may_carry,
                    });
                    next_run += 1;
                }
                Action::Close => {
                    if let Some(o) = open.take() {
                        if o.start < at {
                            quotes.spans.push(QuoteSpan {
                                start: o.start,
                                end: at,
                                run: o.run,
                                from_prev: o.from_prev,
                                to_next: false,
                            });
                        }
                        quotes.marks.push((at, end));
                    }
                }
                Action::OrphanClose if quotes.spans.is_empty() && at > leading_space(text) => {
                    quotes.spans.push(QuoteSpan {
                        start: leading_space(text),
                        end: at,
                        run: next_run,
                        from_prev: true,
                        to_next: false,
                    });
                    next_run += 1;
                    quotes.marks.push((at, end));
                }
                Action::OrphanClose | Action::Nothing => {}
            }
        }
        carried = None;
        if let Some(o) = open {
            if o.from_prev || o.may_carry {
                let end = trimmed_end(text, o.start);
                if o.start < end {
                    quotes.spans.push(QuoteSpan {
                        start: o.start,
                        end,
                        run: o.run,
                        from_prev: o.from_prev,
                        to_next: true,
                    });
                }
                carried = Some((o.mark, o.run));
            } else if let Some(i) = o.opener {
                quotes.marks.remove(i);
            }
        }
        quotes.marks.sort_unstable();
        out.push(quotes);
    }
    out
}

/// Tokens of the text outside quotation marks, each quoted stretch standing as one
/// `TokKind::Quote` token.
pub(crate) fn frame_tokens<'a>(text: &'a str, quotes: &Quotes) -> Vec<Token<'a>> {
    let mut blocks: Vec<(usize, usize, Option<usize>)> = quotes
        .marks
        .iter()
        .map(|&(s, e)| (s, e, None))
        .chain(
            quotes
                .spans
                .iter()
                .enumerate()
                .map(|(i, q)| (q.start, q.end, Some(i))),
        )
        .collect();
    blocks.sort_unstable();
    let mut out = Vec::new();
    let mut at = 0;
    for (start, end, span) in blocks {
        if start < at {
            continue;
        }
        tokenize_plain(text, at, start, &mut out);
        if let Some(i) = span {
            out.push(Token {
                kind: TokKind::Quote,
                start,
                end,
                text: &text[start..end],
                lower: String::new(),
                quote: i,
            });
        }
        at = end;
    }
    tokenize_plain(text, at, text.len(), &mut out);
    out
}

fn is_apostrophe(c: char) -> bool {
    c == '\'' || c == '’'
}

fn tokenize_plain<'a>(text: &'a str, from: usize, to: usize, out: &mut Vec<Token<'a>>) {
    let chars: Vec<(usize, char)> = text[from..to]
        .char_indices()
        .map(|(i, c)| (i + from, c))
        .collect();
    let byte_at = |k: usize| chars.get(k).map_or(to, |x| x.0);
    let char_at = |k: usize| chars.get(k).map(|x| x.1);
    let mut push = |kind, start: usize, end: usize| {
        out.push(Token {
            kind,
            start,
            end,
            text: &text[start..end],
            lower: text[start..end].to_lowercase(),
            quote: 0,
        });
    };
    let mut k = 0;
    while k < chars.len() {
        let (at, c) = chars[k];
        if c.is_whitespace() {
            k += 1;
            continue;
        }
        if !c.is_alphanumeric() {
            push(TokKind::Punct, at, at + c.len_utf8());
            k += 1;
            continue;
        }
        let mut j = k + 1;
        while let Some(cj) = char_at(j) {
            if cj.is_alphanumeric() {
                j += 1;
                continue;
            }
            let after = char_at(j + 1);
            let possessive = is_apostrophe(cj)
                && matches!(after, Some('s' | 'S'))
                && !char_at(j + 2).is_some_and(char::is_alphanumeric);
            if matches!(cj, '-' | '.' | '&' | '\'' | '’')
                && !possessive
                && after.is_some_and(char::is_alphanumeric)
            {
                j += 2;
                continue;
            }
            break;
        }
        let mut end = byte_at(j);
        let word = &text[at..end];
        if char_at(j) == Some('.') && (word.contains('.') || lexicon::is_abbreviation(word)) {
            end += 1;
            j += 1;
        }
        push(TokKind::Word, at, end);
        k = j;
        if let Some(a) = char_at(k).filter(|&a| is_apostrophe(a)) {
            let after = char_at(k + 1);
            if matches!(after, Some('s' | 'S'))
                && !char_at(k + 2).is_some_and(char::is_alphanumeric)
            {
                push(TokKind::Possessive, byte_at(k), byte_at(k + 2));
                k += 2;
            } else if word.ends_with('s') && !after.is_some_and(char::is_alphanumeric) {
                push(TokKind::Possessive, byte_at(k), byte_at(k) + a.len_utf8());
                k += 1;
            }
        }
    }
}

/// The whitespace-separated words of `text`, each with its byte offset in `text`.
pub(crate) fn words_at(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let base = text.as_ptr() as usize;
    text.split_whitespace()
        .map(move |w| (w.as_ptr() as usize - base, w))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc<'a>(parts: &[(usize, &'a str)]) -> Vec<SentenceIn<'a>> {
        let mut start = 0;
        parts
            .iter()
            .map(|&(paragraph, text)| {
                let s = SentenceIn {
                    text,
                    start,
                    paragraph,
                };
                start += text.len() + 1;
                s
            })
            .collect()
    }

    fn quoted<'a>(text: &'a str, q: &Quotes) -> Vec<&'a str> {
        q.spans.iter().map(|s| &text[s.start..s.end]).collect()
    }

    #[test]
    fn apostrophes_are_not_quotation_marks() {
        let text = "Pakistan's envoy said the Saudis' pact won’t change, don't worry.";
        let q = scan_quotes(&doc(&[(0, text)]));
        assert!(q[0].spans.is_empty(), "{:?}", q[0]);
        let words: Vec<&str> = frame_tokens(text, &q[0]).iter().map(|t| t.text).collect();
        assert_eq!(&words[..3], ["Pakistan", "'s", "envoy"]);
        assert!(words.contains(&"won’t") && words.contains(&"don't"));
    }

    #[test]
    fn quotes_run_across_sentences_and_into_quoted_paragraphs() {
        let sentences = doc(&[
            (0, "He said: “We will win."),
            (0, "They will lose."),
            (1, "“Nobody can stop us.”"),
            (2, "The talks resumed."),
        ]);
        let q = scan_quotes(&sentences);
        assert_eq!(quoted(sentences[0].text, &q[0]), ["We will win."]);
        assert!(q[0].spans[0].to_next);
        assert_eq!(quoted(sentences[1].text, &q[1]), ["They will lose."]);
        assert_eq!(quoted(sentences[2].text, &q[2]), ["Nobody can stop us."]);
        assert_eq!(q[2].spans[0].run, q[0].spans[0].run);
        assert!(q[3].spans.is_empty());
    }

    #[test]
    fn an_unquoted_paragraph_ends_an_open_quotation() {
        let sentences = doc(&[(0, "\"We will win."), (1, "The talks resumed.")]);
        let q = scan_quotes(&sentences);
        assert!(q[1].spans.is_empty());
    }

    #[test]
    fn a_closing_mark_with_nothing_open_quotes_the_sentence_start() {
        let text = "They will lose,\" he said.";
        let q = scan_quotes(&doc(&[(0, text)]));
        assert_eq!(quoted(text, &q[0]), ["They will lose,"]);
        assert!(q[0].spans[0].from_prev);
    }

    #[test]
    fn single_quotes_pair_within_a_sentence_and_only_carry_from_a_sentence_start() {
        let text = "Officials called it 'scare tactics' on Monday.";
        let q = scan_quotes(&doc(&[(0, text)]));
        assert_eq!(quoted(text, &q[0]), ["scare tactics"]);
        let text = "The 'deal was never signed.";
        let q = scan_quotes(&doc(&[(0, text)]));
        assert!(q[0].spans.is_empty() && q[0].marks.is_empty());
        let text = "‘We will not bow.";
        let q = scan_quotes(&doc(&[(0, text)]));
        assert!(q[0].spans[0].to_next);
    }

    #[test]
    fn quotations_become_single_tokens() {
        let text = "\"We will win,\" Asif said, \"and they will lose.\"";
        let q = scan_quotes(&doc(&[(0, text)]));
        let kinds: Vec<TokKind> = frame_tokens(text, &q[0]).iter().map(|t| t.kind).collect();
        use TokKind::*;
        assert_eq!(kinds, [Quote, Word, Word, Punct, Quote]);
    }

    #[test]
    fn abbreviations_keep_their_periods() {
        let text = "The U.S. envoy met Gen. Munir.";
        let words: Vec<&str> = frame_tokens(text, &Quotes::default())
            .iter()
            .map(|t| t.text)
            .collect();
        assert_eq!(words, ["The", "U.S.", "envoy", "met", "Gen.", "Munir", "."]);
    }
}
