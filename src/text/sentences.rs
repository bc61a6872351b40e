//! Sentence splitting of news text, with byte offsets into the original text.
//!
//! A hand-written rule-based splitter. The candidate crates were run on the case table in
//! `sentences/cases.rs` (70 news-style cases: abbreviations and titles, initials, numbers,
//! ellipses, quotes, datelines, headlines, lists, paragraphs, URLs) before deciding, with a
//! scratch binary that `include!`s the table and counts a case as passed when the crate's
//! sentences, trimmed, equal the expected list:
//!
//! | crate                                             | cases passed                  |
//! |---------------------------------------------------|-------------------------------|
//! | `unicode-segmentation` 1.13 (`unicode_sentences`) | 42/70                         |
//! | `srx` 0.1.4 with LanguageTool's `segment.srx`     | 52/70                         |
//! | `sentencex` 0.1.33 (`segment("en", ..)`)          | 61/70                         |
//! | `punkt` 1.0.5                                     | does not build on stable Rust |
//!
//! None is near all: UAX #29 splits after every title ("Mr.", "Gen.", "No.") and initial; srx
//! loses LanguageTool's look-behind rules; sentencex comes closest but treats a month at a
//! sentence end as an abbreviation ("in May. Prices" stays one sentence), ignores "…" and
//! knows nothing of line structure (headlines without a full stop, list items, their markers),
//! which this stage needs anyway for `is_headline` and for the cleaned ranges. (Two of its
//! misses keep a multi-sentence quotation whole, a defensible choice; here a quotation is split
//! at its sentences, `"We will win.` | `They will lose," he said.`, and attribution of the
//! parts is the speakers stage's job.) So the rules live here, in one linear pass:
//!
//! - Sentences never cross a range boundary (a dropped line) or a blank line (a paragraph).
//! - Inside a paragraph a sentence ends at `.`, `?`, `!`, `…` (and runs such as `?!`, `...`),
//!   together with any closing quotes and brackets right after it (`."`, `?”`, `.)`), when
//!   whitespace follows and the next word does not start in lowercase. A full stop after a
//!   title ("Mr.", "Gen.", "Sen.") or "e.g."/"i.e."/"vs." never ends a sentence; after "No."
//!   or a month before a number it does not either; after an initial ("W."), a dotted acronym
//!   ("U.S.", "p.m.") or "Inc."/"Ltd."/"Co."/"etc." it does only when a common sentence opener
//!   ("The", "He", "But", ...) follows. Decimals, URLs and e-mail addresses never have
//!   whitespace after their dots, so they are never candidates.
//! - A line break ends a sentence when the line has no final punctuation (a headline, a
//!   subheading) unless the text plainly runs on: the next line starts in lowercase, or the line
//!   ends with `,` `;` `:` a dash (a dateline such as "WASHINGTON (AP) —") or a function word.
//! - A list item (a line starting with `-`, `*`, `•`, `1.`, `1)`, `(1)` or `a)`) starts a new
//!   sentence and ends at its line end; the marker is not part of the sentence.
//! - Sentences with no letter or digit (a `* * *` separator) are left out.

use serde::Serialize;

/// One sentence of a document, located in the original text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Sentence {
    /// Position of the sentence in the document, from 0.
    pub index: usize,
    /// Byte offset of the first byte of the sentence in the original text.
    pub start: usize,
    /// Byte offset just past the sentence in the original text.
    pub end: usize,
    /// `original[start..end]`: the sentence as written, interior line breaks included.
    pub text: String,
    /// A headline or subheading: a whole line without a final full stop (nor a trailing `:`,
    /// nor wrapped in parentheses like a wire credit) that is the first sentence of the document
    /// or short and in title case.
    pub is_headline: bool,
}

/// The longest sentence kept whole, in bytes (about 450 words). News sentences stay far below it
/// (the longest of PolNeAR dev's 3,319 is 504 bytes); text without punctuation would otherwise
/// become one sentence of megabytes, whose rules and stance pairs grow with its square. A longer
/// sentence is cut at the last whitespace before the limit (at the limit itself, on a character
/// boundary, when it has none), and each piece is a sentence of its own.
pub const MAX_SENTENCE_BYTES: usize = 2_000;

/// Splits the given byte ranges of `text` into sentences.
///
/// `ranges` are the kept parts of the text (see [`crate::text::clean::Cleaned::ranges`]),
/// sorted and disjoint; no sentence crosses from one range into the next. Parts of a range
/// outside the text are ignored and range ends inside a character are moved to the character
/// boundary, so no input makes this panic. Offsets in the result index `text` itself. No
/// sentence is longer than [`MAX_SENTENCE_BYTES`].
pub fn split(text: &str, ranges: &[(usize, usize)]) -> Vec<Sentence> {
    let mut splitter = Splitter {
        text,
        out: Vec::new(),
    };
    for &(start, end) in ranges {
        let end = end.min(text.len());
        let mut start = start.min(end);
        while start < end && !text.is_char_boundary(start) {
            start += 1;
        }
        let mut end = end;
        while end > start && !text.is_char_boundary(end) {
            end -= 1;
        }
        if start < end {
            splitter.range(start, end);
        }
    }
    cap_length(text, splitter.out)
}

/// Cuts every sentence over [`MAX_SENTENCE_BYTES`] into pieces (see there) and renumbers.
fn cap_length(text: &str, sentences: Vec<Sentence>) -> Vec<Sentence> {
    if sentences
        .iter()
        .all(|s| s.end - s.start <= MAX_SENTENCE_BYTES)
    {
        return sentences;
    }
    let mut out = Vec::with_capacity(sentences.len());
    for s in sentences {
        let mut start = s.start;
        while start < s.end {
            let mut end = s.end;
            if end - start > MAX_SENTENCE_BYTES {
                let mut limit = start + MAX_SENTENCE_BYTES;
                while !text.is_char_boundary(limit) {
                    limit -= 1;
                }
                end = match text[start..limit].rfind(char::is_whitespace) {
                    Some(ws) if ws > 0 => start + ws,
                    _ => limit,
                };
            }
            let piece = &text[start..end];
            let trimmed_start = start + (piece.len() - piece.trim_start().len());
            let trimmed_end = start + piece.trim_end().len();
            if trimmed_start < trimmed_end {
                out.push(Sentence {
                    index: out.len(),
                    start: trimmed_start,
                    end: trimmed_end,
                    text: text[trimmed_start..trimmed_end].to_string(),
                    is_headline: s.is_headline && end == s.end && start == s.start,
                });
            }
            start = end;
            while start < s.end && !text.is_char_boundary(start) {
                start += 1;
            }
        }
    }
    out
}

/// Splits the whole of `text` into sentences.
pub fn split_all(text: &str) -> Vec<Sentence> {
    split(text, &[(0, text.len())])
}

/// A non-blank line of a paragraph; all offsets index the original text.
#[derive(Debug, Clone, Copy)]
struct Line {
    /// First non-whitespace byte.
    start: usize,
    /// Where the sentence text starts: after the list marker, if any.
    body: usize,
    /// Just past the last non-whitespace byte.
    end: usize,
    list: bool,
}

struct Splitter<'t> {
    text: &'t str,
    out: Vec<Sentence>,
}

impl<'t> Splitter<'t> {
    fn range(&mut self, start: usize, end: usize) {
        let text = self.text;
        let mut paragraph: Vec<Line> = Vec::new();
        let mut pos = start;
        loop {
            let line_end = text[pos..end].find('\n').map_or(end, |i| pos + i);
            let raw = &text[pos..line_end];
            let trimmed = raw.trim_start();
            if trimmed.trim_end().is_empty() {
                self.paragraph(&paragraph);
                paragraph.clear();
            } else {
                let line_start = pos + (raw.len() - trimmed.len());
                let line_end_trimmed = pos + raw.trim_end().len();
                let content = &text[line_start..line_end_trimmed];
                let marker = list_marker_len(content).filter(|_| {
                    // A number followed by a full stop at a line start is a list item only where
                    // a list can start; otherwise it is a wrapped line that begins with "48. ".
                    !starts_with_digit(content)
                        || paragraph.last().is_none_or(|prev| {
                            prev.list || ends_clause(&text[prev.start..prev.end])
                        })
                });
                let body = match marker {
                    Some(len) => {
                        let rest = &text[line_start + len..line_end_trimmed];
                        line_end_trimmed - rest.trim_start().len()
                    }
                    None => line_start,
                };
                paragraph.push(Line {
                    start: line_start,
                    body,
                    end: line_end_trimmed,
                    list: marker.is_some(),
                });
            }
            if line_end >= end {
                break;
            }
            pos = line_end + 1;
        }
        self.paragraph(&paragraph);
    }

    fn paragraph(&mut self, lines: &[Line]) {
        let text = self.text;
        let bytes = text.as_bytes();
        let mut current: Option<usize> = None;
        for (i, line) in lines.iter().enumerate() {
            let next = lines.get(i + 1);
            let mut pos = line.body;
            let mut finder = TerminalFinder::default();
            while pos < line.end {
                if current.is_none() {
                    let rest = &text[pos..line.end];
                    let skipped = rest.len() - rest.trim_start().len();
                    pos += skipped;
                    if pos >= line.end {
                        break;
                    }
                    current = Some(pos);
                }
                match finder.next(bytes, pos, line.end) {
                    Some(found) => pos = found,
                    None => break,
                }
                if bytes[pos] == b'.' && bytes.get(pos + 1).is_some_and(u8::is_ascii_alphanumeric) {
                    // "3.5", "U.S", "example.com": a dot inside a token.
                    pos += 1;
                    continue;
                }
                let c = char_at(text, pos);
                if !is_terminal(c) {
                    pos += c.len_utf8();
                    continue;
                }
                let run_start = pos;
                let run_end = skip_while(text, pos, line.end, is_terminal);
                let close_end = skip_while(text, run_end, line.end, is_closer);
                let followed_by_space =
                    close_end == line.end || char_at(text, close_end).is_whitespace();
                if followed_by_space {
                    let next_token = if close_end < line.end {
                        let rest = &text[close_end..line.end];
                        Some(line.end - rest.trim_start().len())
                    } else {
                        next.filter(|n| !n.list).map(|n| n.start)
                    };
                    if self.ends_sentence(line.body, run_start, run_end, next_token) {
                        if let Some(start) = current.take() {
                            self.emit(start, close_end, line);
                        }
                    }
                }
                pos = close_end;
            }
            if let Some(start) = current {
                if line_break_ends_sentence(text, line, next) {
                    self.emit(start, line.end, line);
                    current = None;
                }
            }
        }
        if let (Some(start), Some(last)) = (current, lines.last()) {
            self.emit(start, last.end, last);
        }
    }

    /// Decides whether the terminal run `text[run_start..run_end]` ends a sentence, given the
    /// start of the next token (`None`: end of paragraph or a list item follows).
    fn ends_sentence(
        &self,
        line_body: usize,
        run_start: usize,
        run_end: usize,
        next: Option<usize>,
    ) -> bool {
        let text = self.text;
        let Some(next) = next else {
            return true;
        };
        let next_text = &text[next..];
        let opener_len = next_text.len() - next_text.trim_start_matches(is_opener).len();
        let after_openers = &next_text[opener_len..];
        let Some(first) = after_openers.chars().next() else {
            return true;
        };
        if first.is_lowercase() {
            return false;
        }
        // A credit after a quotation ("... firms.” ― Carla Sanchez."): the quotation and its
        // speaker stay one sentence.
        if opener_len == 0 && matches!(first, '—' | '―' | '–') {
            return false;
        }
        let run = &text[run_start..run_end];
        if run
            .chars()
            .any(|c| matches!(c, '?' | '!' | '。' | '！' | '？'))
        {
            return true;
        }
        // An opening quotation mark or a common sentence opener starts a new sentence.
        let starter = || {
            (opener_len > 0 && next_text.starts_with(['"', '“', '‘', '«', '„']))
                || is_starter(leading_word(after_openers))
        };
        if run.len() > 1 {
            // An ellipsis: "see... Nobody" ends a sentence, but a spaced one marks an omission
            // inside a quotation ("the plan ... will fail") unless a sentence opener follows.
            let spaced = text[..run_start].ends_with(char::is_whitespace);
            return !spaced || starter();
        }
        let word = word_before(text, line_body, run_start);
        if word.is_empty() {
            return true;
        }
        // Every listed abbreviation is short ASCII; lowercase into a stack buffer, no allocation.
        let mut buffer = [0u8; 8];
        let lower = match buffer.get_mut(..word.len()) {
            Some(slot) if word.is_ascii() => {
                slot.copy_from_slice(word.as_bytes());
                slot.make_ascii_lowercase();
                std::str::from_utf8(slot).unwrap_or("")
            }
            _ => "",
        };
        if is_title(lower) || never_ends(lower) {
            return false;
        }
        if first.is_ascii_digit() {
            return !(takes_number(lower) || is_month(lower));
        }
        if is_ambiguous(lower) || is_month(lower) || is_initial(word) || is_dotted_acronym(word) {
            // "J. A. Smith": an initial after an initial is a name, even if it is "A".
            let next_is_initial =
                first.is_uppercase() && after_openers[first.len_utf8()..].starts_with('.');
            return !next_is_initial && starter();
        }
        true
    }

    fn emit(&mut self, start: usize, end: usize, line: &Line) {
        let text = self.text;
        let slice = &text[start..end];
        let trimmed_start = slice.trim_start();
        let start = end - trimmed_start.len();
        let end = start + trimmed_start.trim_end().len();
        let sentence = &text[start..end];
        if !sentence.chars().any(char::is_alphanumeric) {
            return;
        }
        let is_headline = !line.list
            && start == line.body
            && end == line.end
            && can_be_headline(sentence)
            && (self.out.is_empty() || is_short_title_case(sentence));
        self.out.push(Sentence {
            index: self.out.len(),
            start,
            end,
            text: sentence.to_string(),
            is_headline,
        });
    }
}

/// Finds the bytes that can begin a terminal character: `.?!` and the lead bytes of `…` (E2),
/// `。` (E3) and `！？` (EF). Remembers the next hit of each search so that a line is scanned
/// once however many candidates it has.
#[derive(Default)]
struct TerminalFinder {
    ascii: Option<usize>,
    multibyte: Option<usize>,
}

impl TerminalFinder {
    fn next(&mut self, bytes: &[u8], from: usize, end: usize) -> Option<usize> {
        let search = |found: Option<usize>, a: u8, b: u8, c: u8| match found {
            Some(at) if at >= from => at,
            _ => memchr::memchr3(a, b, c, &bytes[from..end]).map_or(end, |i| from + i),
        };
        let ascii = search(self.ascii, b'.', b'?', b'!');
        let multibyte = search(self.multibyte, 0xE2, 0xE3, 0xEF);
        self.ascii = Some(ascii);
        self.multibyte = Some(multibyte);
        Some(ascii.min(multibyte)).filter(|&at| at < end)
    }
}

/// Whether a line break after `line` ends the sentence running through it.
fn line_break_ends_sentence(text: &str, line: &Line, next: Option<&Line>) -> bool {
    let Some(next) = next else {
        return true;
    };
    if next.list {
        return true;
    }
    let next_text = text[next.start..next.end].trim_start_matches(is_opener);
    let next_lower = next_text.chars().next().is_some_and(char::is_lowercase);
    if line.list {
        return !next_lower;
    }
    let content = &text[line.body..line.end];
    if ends_with_terminal(content) || next_lower {
        // After final punctuation the punctuation rule has already decided.
        return false;
    }
    if content.ends_with([
        ',', ';', ':', '-', '–', '—', '(', '[', '/', '&', '+', '“', '‘',
    ]) {
        return false;
    }
    let last_word = content
        .rsplit(|c: char| !c.is_alphanumeric() && c != '\'')
        .next()
        .unwrap_or("");
    !is_continuation_word(&last_word.to_lowercase())
}

/// Length of a list marker and the whitespace after it at the start of `line`, if any.
fn list_marker_len(line: &str) -> Option<usize> {
    let mut chars = line.char_indices();
    let (_, first) = chars.next()?;
    let marker_end = if matches!(first, '-' | '*' | '•' | '·' | '▪' | '◦' | '‣' | '+') {
        first.len_utf8()
    } else if first.is_ascii_digit() {
        let digits = line.bytes().take_while(u8::is_ascii_digit).count();
        if digits > 3 || !matches!(line.as_bytes().get(digits), Some(b'.' | b')')) {
            return None;
        }
        digits + 1
    } else if first == '(' {
        let digits = line[1..].bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 || digits > 3 || line.as_bytes().get(1 + digits) != Some(&b')') {
            return None;
        }
        digits + 2
    } else if first.is_ascii_lowercase() && line.as_bytes().get(1) == Some(&b')') {
        2
    } else {
        return None;
    };
    let rest = &line[marker_end..];
    let spaces = rest.len() - rest.trim_start().len();
    // The marker needs whitespace after it ("-5 degrees", "1.5" and "a)b" are not lists) and
    // something to mark.
    (spaces > 0 && spaces < rest.len()).then_some(marker_end + spaces)
}

/// The offset of the first character at or after `pos` (before `end`) that is not `keep`.
fn skip_while(text: &str, pos: usize, end: usize, keep: fn(char) -> bool) -> usize {
    text[pos..end]
        .char_indices()
        .find(|&(_, c)| !keep(c))
        .map_or(end, |(i, _)| pos + i)
}

fn char_at(text: &str, pos: usize) -> char {
    text[pos..].chars().next().unwrap_or(' ')
}

fn is_terminal(c: char) -> bool {
    matches!(c, '.' | '?' | '!' | '…' | '。' | '！' | '？')
}

fn is_closer(c: char) -> bool {
    matches!(
        c,
        '"' | '\'' | '”' | '’' | ')' | ']' | '}' | '»' | '›' | '」' | '』'
    )
}

fn is_opener(c: char) -> bool {
    matches!(
        c,
        '"' | '\'' | '“' | '‘' | '(' | '[' | '{' | '«' | '‹' | '„' | '‚' | '¿' | '¡'
    )
}

fn starts_with_digit(s: &str) -> bool {
    s.as_bytes().first().is_some_and(u8::is_ascii_digit)
}

/// Whether `s` ends with terminal punctuation, possibly followed by closing quotes/brackets.
fn ends_with_terminal(s: &str) -> bool {
    s.trim_end_matches(is_closer).ends_with(is_terminal)
}

/// A headline does not end with a full stop or a lead-in colon, and is not a wire credit in
/// parentheses ("(Reporting by ...)").
fn can_be_headline(sentence: &str) -> bool {
    let unclosed = sentence.trim_end_matches(is_closer);
    let full_stop = unclosed.ends_with('.') || unclosed.ends_with('。');
    let credit = sentence.starts_with('(') && sentence.ends_with(')');
    !(full_stop || credit || sentence.ends_with([':', ',', ';']))
}

/// Whether a line ends a clause, so that a numbered line after it can start a list.
fn ends_clause(s: &str) -> bool {
    ends_with_terminal(s) || s.ends_with(':')
}

/// The word that ends just before `pos` (bounded: words longer than 64 bytes are not
/// abbreviations), without leading quotes or brackets.
fn word_before(text: &str, limit: usize, pos: usize) -> &str {
    let mut start = pos;
    for (i, c) in text[..pos].char_indices().rev() {
        if i < limit || c.is_whitespace() {
            break;
        }
        if pos - i > 64 {
            return "";
        }
        start = i;
    }
    // A closing mark can stand where an opening one belongs ("”Mr. Trump embodies ..." in
    // published text): any quotation mark before the word is no part of it.
    text[start..pos]
        .trim_start_matches(|c: char| is_opener(c) || matches!(c, '”' | '’' | '»' | '›'))
}

/// The leading run of letters of `s`.
fn leading_word(s: &str) -> &str {
    let end = s.find(|c: char| !c.is_alphabetic()).unwrap_or(s.len());
    &s[..end]
}

/// A single capital letter: a name initial such as the "W" of "George W. Bush".
fn is_initial(word: &str) -> bool {
    let mut chars = word.chars();
    chars.next().is_some_and(char::is_uppercase) && chars.next().is_none()
}

/// "U.S", "a.m", "Ph.D", "D.C": short letter groups joined by dots (the final dot is the
/// candidate terminal). Domain names ("bbc.com") have longer groups.
fn is_dotted_acronym(word: &str) -> bool {
    word.contains('.')
        && word.split('.').all(|part| {
            (1..=2).contains(&part.chars().count()) && part.chars().all(char::is_alphabetic)
        })
}

fn is_short_title_case(s: &str) -> bool {
    let mut words = 0;
    let mut significant = 0;
    let mut capitalised = 0;
    for word in s.split_whitespace() {
        words += 1;
        if words > 15 {
            return false;
        }
        let Some(first) = word.chars().find(|c| c.is_alphanumeric()) else {
            continue;
        };
        if !first.is_alphabetic() {
            continue;
        }
        let lower = word
            .trim_matches(|c: char| !c.is_alphanumeric())
            .to_lowercase();
        if words > 1 && is_minor_word(&lower) {
            continue;
        }
        significant += 1;
        if first.is_uppercase() {
            capitalised += 1;
        }
    }
    significant > 0 && capitalised * 5 >= significant * 4
}

/// Titles before a name: a full stop after them never ends a sentence.
fn is_title(word: &str) -> bool {
    matches!(
        word,
        "mr" | "mrs"
            | "ms"
            | "mx"
            | "dr"
            | "prof"
            | "gen"
            | "lt"
            | "col"
            | "maj"
            | "capt"
            | "cpt"
            | "cmdr"
            | "adm"
            | "brig"
            | "sgt"
            | "cpl"
            | "pvt"
            | "sen"
            | "sens"
            | "rep"
            | "reps"
            | "gov"
            | "govs"
            | "pres"
            | "rev"
            | "hon"
            | "fr"
            | "supt"
            | "insp"
            | "det"
            | "atty"
            | "amb"
            | "messrs"
            | "mme"
            | "mlle"
            | "mt"
            | "ft"
    )
}

/// Abbreviations that sit inside a sentence.
fn never_ends(word: &str) -> bool {
    matches!(
        word,
        "e.g" | "i.e" | "vs" | "v" | "viz" | "cf" | "approx" | "ca" | "incl" | "esp"
    )
}

/// Abbreviations that come before a number ("No. 10", "Art. 370").
fn takes_number(word: &str) -> bool {
    matches!(
        word,
        "no" | "nos"
            | "nr"
            | "art"
            | "arts"
            | "sec"
            | "secs"
            | "vol"
            | "vols"
            | "p"
            | "pp"
            | "fig"
            | "figs"
            | "ch"
            | "chap"
            | "para"
            | "ref"
            | "tel"
            | "op"
            | "pt"
            | "ed"
            | "rs"
    )
}

fn is_month(word: &str) -> bool {
    super::words::is_month_abbreviation(word)
}

/// Abbreviations that often end a sentence too: they end one only before a sentence opener.
fn is_ambiguous(word: &str) -> bool {
    matches!(
        word,
        "inc"
            | "ltd"
            | "co"
            | "corp"
            | "plc"
            | "llc"
            | "bros"
            | "jr"
            | "sr"
            | "etc"
            | "st"
            | "ave"
            | "rd"
            | "blvd"
            | "dept"
            | "govt"
            | "univ"
            | "assn"
            | "est"
            | "al"
    )
}

/// Words that commonly open a sentence; after an ambiguous abbreviation they mark a boundary.
fn is_starter(word: &str) -> bool {
    super::words::is_sentence_opener(word) || word == "Because"
}

/// Words a line cannot end on when it is a headline: the text runs on to the next line.
fn is_continuation_word(word: &str) -> bool {
    matches!(
        word,
        "a" | "an"
            | "the"
            | "of"
            | "and"
            | "or"
            | "but"
            | "nor"
            | "to"
            | "that"
            | "which"
            | "who"
            | "whose"
            | "with"
            | "from"
            | "by"
            | "than"
            | "into"
            | "onto"
            | "for"
            | "as"
            | "at"
            | "is"
            | "are"
            | "was"
            | "were"
            | "be"
            | "been"
            | "has"
            | "have"
            | "had"
            | "will"
            | "would"
            | "said"
            | "his"
            | "her"
            | "its"
            | "their"
            | "our"
            | "this"
            | "these"
            | "those"
    )
}

/// Short words left lowercase in title case.
fn is_minor_word(word: &str) -> bool {
    matches!(
        word,
        "a" | "an"
            | "the"
            | "of"
            | "in"
            | "on"
            | "at"
            | "to"
            | "for"
            | "and"
            | "or"
            | "but"
            | "nor"
            | "with"
            | "by"
            | "from"
            | "as"
            | "vs"
            | "via"
            | "per"
            | "over"
            | "into"
    )
}

#[cfg(test)]
mod cases;
#[cfg(test)]
mod tests;
