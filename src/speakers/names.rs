//! Names and titles: the people and organisations named in a sentence (the pipeline's mentions,
//! or capitalised sequences as a fallback), and the titles that link a name to later references
//! such as `the minister` (prefixes like `Prime Minister X` and appositions like `X, Pakistan's
//! defence minister,`).

use super::lexicon;
use super::tokens::{TokKind, Token};
use super::{MentionKind, NameLabel, NamedMention, SentenceIn, TaggedName};
use std::collections::HashSet;

/// What a document says about its capitalised words beyond the sentence at hand: which words
/// it writes capitalised other than as a sentence's first word, and which it writes in
/// lowercase. A sentence's first word is capitalised whatever it is ("Growing up in El Paso,
/// Mendoza ...", "Harsh comments are ..."), so alone it is no evidence of a name.
#[derive(Debug, Default)]
pub(crate) struct CaseEvidence {
    /// Words written capitalised inside a sentence (not its first word, nor the first word
    /// after an opening quotation mark or a colon).
    inner_capitalised: HashSet<String>,
    /// Words written all in lowercase somewhere, lowercased.
    lowercase: HashSet<String>,
    /// The mentions come from a tagger that reads case and context (the pipeline's actors): a
    /// single capitalised sentence opener it did not tag needs the document's support to be a
    /// name. Without a tagger (`false`), only a word the document also writes in lowercase is
    /// dropped.
    tagged: bool,
    /// The tagger's names, by sentence: byte span and label.
    names: Vec<Vec<(usize, usize, NameLabel)>>,
}

impl CaseEvidence {
    pub fn new(sentences: &[SentenceIn]) -> Self {
        let mut e = CaseEvidence::default();
        for s in sentences {
            let mut previous_end = None;
            for (b, end) in crate::text::words::spans(s.text) {
                let w = &s.text[b..end];
                // The sentence's first word, or one a quotation mark, a colon, a bracket or a
                // dash opens (an apostrophe after such a mark too), is capitalised by position.
                let by_position = previous_end.is_none_or(|from| {
                    s.text[from..b].chars().filter(|c| !c.is_whitespace()).fold(
                        false,
                        |opens, c| {
                            matches!(c, '"' | '“' | '‘' | ':' | '(' | '—' | '–')
                                || (c == '\'' && opens)
                        },
                    )
                });
                if w.chars().next().is_some_and(char::is_uppercase) {
                    if !by_position {
                        e.inner_capitalised.insert(w.to_string());
                    }
                } else if w.chars().all(|c| !c.is_uppercase()) {
                    e.lowercase.insert(w.to_string());
                }
                previous_end = Some(end);
            }
        }
        e
    }

    /// Take the entity tagger's names (and its authority, [`CaseEvidence::tagged`]).
    pub fn tag(&mut self, names: &[TaggedName]) {
        self.tagged = true;
        for n in names {
            if self.names.len() <= n.sentence {
                self.names.resize(n.sentence + 1, Vec::new());
            }
            self.names[n.sentence].push((n.start, n.end, n.label));
        }
    }

    /// The tagger's label of the name overlapping `start..end` in sentence `i`, if any.
    fn label(&self, i: usize, start: usize, end: usize) -> Option<NameLabel> {
        self.names
            .get(i)?
            .iter()
            .find(|&&(s, e, _)| s < end && start < e)
            .map(|&(_, _, l)| l)
    }

    /// Whether `word`, capitalised as a sentence's first word, is known as a name elsewhere in
    /// the document (capitalised inside a sentence) and never written in lowercase.
    fn is_name_elsewhere(&self, word: &str) -> bool {
        self.inner_capitalised.contains(word) && !self.lowercase.contains(&word.to_lowercase())
    }

    /// Whether the document writes `word` in lowercase somewhere.
    fn has_lowercase(&self, word: &str) -> bool {
        self.lowercase.contains(&word.to_lowercase())
    }

    /// Whether a single capitalised word opening a sentence is a common word there rather than
    /// a name (see [`CaseEvidence::tagged`]).
    fn common_opener(&self, word: &str) -> bool {
        if self.tagged {
            !self.is_name_elsewhere(word)
        } else {
            self.has_lowercase(word)
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EntityKind {
    Person,
    Organisation,
    State,
    /// A geographic name; places are mentioned but never speak.
    Place,
}

/// One name in a sentence's frame (the text outside quotation marks).
#[derive(Debug, Clone)]
pub(crate) struct NameOcc {
    /// First and last frame token of the name, inclusive; titles are not part of it.
    pub first: usize,
    pub last: usize,
    pub start: usize,
    pub end: usize,
    pub surface: String,
    /// The pipeline's canonical name, when the name came from a `NamedMention`.
    pub canonical: Option<String>,
    pub kind: EntityKind,
    /// A title stood before the name ("Sen.", "Defense Minister").
    pub titled: bool,
}

impl NameOcc {
    /// The country this name denotes, when it is a state: the mention's canonical name, else
    /// the country table, else the surface.
    pub fn country(&self) -> Option<String> {
        if self.kind != EntityKind::State {
            return None;
        }
        Some(self.canonical.clone().unwrap_or_else(|| {
            lexicon::country_named(&self.surface)
                .map_or_else(|| self.surface.clone(), str::to_string)
        }))
    }
}

/// A title as held or as referred to: `Pakistan's defence minister` is country Pakistan,
/// modifiers `[defense]`, head `minister`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TitleKey {
    pub country: Option<String>,
    pub mods: Vec<String>,
    pub head: String,
}

impl TitleKey {
    /// Builds a key from lowercase title words; `None` unless the last one names an office.
    pub fn from_words(words: &[String], country: Option<String>) -> Option<Self> {
        let words: Vec<&str> = words
            .iter()
            .map(|w| lexicon::normalise_title_word(w))
            .filter(|w| !lexicon::is_honorific(w))
            .collect();
        let (&head, mods) = words.split_last()?;
        if !lexicon::is_title_head(head) {
            return None;
        }
        Some(Self {
            country,
            mods: mods.iter().map(|m| m.to_string()).collect(),
            head: head.to_string(),
        })
    }

    /// Whether a holder of `self` can be meant by `reference`: same office (or the reference is
    /// the generic `the official`), every modifier of the reference present, and no clash of
    /// countries.
    pub fn admits(&self, reference: &TitleKey) -> bool {
        (self.head == reference.head || reference.head == "official")
            && reference.mods.iter().all(|m| self.mods.contains(m))
            && match (&self.country, &reference.country) {
                (Some(a), Some(b)) => a == b,
                _ => true,
            }
    }

    /// A reference so generic that it can fall back on the latest person: `the minister`.
    pub fn is_bare(&self) -> bool {
        self.mods.is_empty() && self.country.is_none()
    }
}

fn mention_kind(kind: MentionKind) -> EntityKind {
    match kind {
        MentionKind::Person => EntityKind::Person,
        MentionKind::Organisation => EntityKind::Organisation,
        MentionKind::State => EntityKind::State,
    }
}

/// The names in a sentence frame: every mention the pipeline found in it, then capitalised
/// sequences that overlap no mention. A single capitalised word that opens the sentence is a
/// name only with more evidence (`evidence`): the document writes it capitalised elsewhere and
/// never in lowercase, or a speech verb follows it ("Asif said").
pub(crate) fn find_names(
    text: &str,
    frame: &[Token],
    mentions: &[&NamedMention],
    evidence: &CaseEvidence,
    sentence: usize,
) -> Vec<NameOcc> {
    let mut names = Vec::new();
    for m in mentions {
        let covered: Vec<usize> = (0..frame.len())
            .filter(|&i| {
                frame[i].kind != TokKind::Quote
                    && frame[i].start >= m.start
                    && frame[i].end <= m.end
            })
            .collect();
        if let (Some(&first), Some(&last)) = (covered.first(), covered.last()) {
            names.push(NameOcc {
                first,
                last,
                start: frame[first].start,
                end: frame[last].end,
                surface: text[frame[first].start..frame[last].end].to_string(),
                canonical: Some(m.name.clone()),
                kind: mention_kind(m.kind),
                titled: false,
            });
        }
    }
    let overlaps = |s: usize, e: usize| mentions.iter().any(|m| s < m.end && m.start < e);
    if is_title_case(frame) {
        names.sort_by_key(|n| n.first);
        return names;
    }
    let mut i = dateline_end(frame);
    while i < frame.len() {
        if !is_name_token(&frame[i]) {
            i += 1;
            continue;
        }
        let mut last = i;
        loop {
            if frame.get(last + 1).is_some_and(is_name_token) {
                last += 1;
            } else if frame
                .get(last + 1)
                .is_some_and(|t| t.is_word() && lexicon::is_name_connector(&t.lower))
                && frame.get(last + 2).is_some_and(is_name_token)
            {
                last += 2;
            } else {
                break;
            }
        }
        let opens = frame[dateline_end(frame)..i]
            .iter()
            .all(|t| t.kind == TokKind::Punct);
        // What follows a name more than a common word: a speech verb ("Asif said"), a colon
        // ("Asif: ..."), a possessive ("Pakistan's army").
        let name_like_next = |k: usize| {
            frame.get(k + 1).is_some_and(|t| {
                t.kind == TokKind::Possessive
                    || t.is_punct(":")
                    || t.is_word() && lexicon::verb_class(&t.lower).is_some()
            })
        };
        let unsupported = last == i
            && opens
            && !name_like_next(i)
            && lexicon::country_named(frame[i].text).is_none()
            && evidence.common_opener(frame[i].text);
        if unsupported {
            i = last + 1;
            continue;
        }
        if let Some(mut name) = fallback_name(text, frame, i, last) {
            // With a tagger: its label decides; a sequence it did not tag is a person only with
            // a title before it or a speech verb after it.
            let keep = match evidence.label(sentence, name.start, name.end) {
                _ if !evidence.tagged || name.kind != EntityKind::Person => true,
                Some(NameLabel::Person) => true,
                Some(NameLabel::Organisation) => {
                    name.kind = EntityKind::Organisation;
                    true
                }
                Some(NameLabel::Place) => {
                    name.kind = EntityKind::Place;
                    true
                }
                Some(NameLabel::Other) => false,
                None => name.titled || name_like_next(last),
            };
            if keep && !overlaps(name.start, name.end) {
                names.push(name);
            }
        }
        i = last + 1;
    }
    names.sort_by_key(|n| n.first);
    names
}

/// A title-case or all-caps headline, where capitals say nothing about names: four words or
/// more, none in lowercase but short function words (`of`, `in`, `the`).
fn is_title_case(frame: &[Token]) -> bool {
    let words = frame.iter().filter(|t| t.is_word());
    words.clone().count() >= 4
        && !words.clone().any(|t| {
            t.is_lowercase_word()
                && !matches!(
                    t.lower.as_str(),
                    "a" | "an"
                        | "the"
                        | "of"
                        | "in"
                        | "on"
                        | "at"
                        | "for"
                        | "to"
                        | "and"
                        | "or"
                        | "but"
                        | "with"
                        | "by"
                        | "as"
                        | "vs"
                        | "from"
                        | "into"
                        | "over"
                )
        })
}

/// The tokens of a dateline (`ISLAMABAD:`, `NEW DELHI —`) opening the sentence, which name no
/// speaker.
fn dateline_end(frame: &[Token]) -> usize {
    let all_caps =
        |t: &Token| t.is_word() && t.text.len() > 1 && !t.text.chars().any(char::is_lowercase);
    let caps = frame.iter().take_while(|t| all_caps(t)).count();
    if caps > 0 && frame.get(caps).is_some_and(|t| t.is_punct(":—–-")) {
        caps + 1
    } else {
        0
    }
}

fn is_name_token(t: &Token) -> bool {
    t.is_capitalised()
        // "She", "I", "They": never a name, however often capitalised ("US" is one).
        && !crate::text::words::is_pronoun_word(t.text)
        && !is_contraction(t.text)
        && !lexicon::is_common_capitalised(t.text)
        && !lexicon::is_day_or_month(&t.lower)
}

/// A verb with a contracted negation ("Don't", "Can’t"), capitalised only to open a sentence.
pub(crate) fn is_contraction(word: &str) -> bool {
    let lower = word.to_lowercase();
    lower.ends_with("n't") || lower.ends_with("n’t")
}

/// A capitalised sequence less its leading titles and demonyms, if anything name-like is left.
fn fallback_name(text: &str, frame: &[Token], first: usize, last: usize) -> Option<NameOcc> {
    let mut start = first;
    let mut titled = false;
    while start <= last {
        let t = &frame[start];
        let word = lexicon::normalise_title_word(&t.lower);
        let starts_country =
            start < last && lexicon::country_named(&text[t.start..frame[start + 1].end]).is_some();
        if lexicon::is_title_word(word) {
            titled = true;
        } else if lexicon::country_of_demonym(t.text).is_none() || starts_country {
            break;
        }
        start += 1;
    }
    if start > last {
        return None;
    }
    let words: Vec<&str> = frame[start..=last].iter().map(|t| t.text).collect();
    let vocabulary_only = words.iter().all(|w| {
        let lower = w.to_lowercase();
        lexicon::is_institution_word(&lower)
            || lexicon::is_title_word(lexicon::normalise_title_word(&lower))
    });
    if vocabulary_only {
        return None;
    }
    let surface = text[frame[start].start..frame[last].end].to_string();
    Some(NameOcc {
        first: start,
        last,
        start: frame[start].start,
        end: frame[last].end,
        kind: guess_kind(&surface, &words, titled),
        titled,
        surface,
        canonical: None,
    })
}

fn guess_kind(surface: &str, words: &[&str], titled: bool) -> EntityKind {
    if lexicon::country_named(surface).is_some() || lexicon::country_of_demonym(surface).is_some() {
        EntityKind::State
    } else if words.iter().any(|w| lexicon::is_org_word(w)) {
        EntityKind::Organisation
    } else if words.iter().any(|w| lexicon::is_place_word(w)) {
        EntityKind::Place
    } else if titled {
        EntityKind::Person
    } else if words.len() == 1 && words[0].len() > 1 && words[0].chars().all(|c| !c.is_lowercase())
    {
        EntityKind::Organisation
    } else {
        EntityKind::Person
    }
}

/// The country a possessor or demonym at token `i` names, and the next token after it:
/// `Pakistan 's`, `Pakistani`.
pub(crate) fn country_at(frame: &[Token], names: &[NameOcc], i: usize) -> Option<(String, usize)> {
    if let Some(n) = names.iter().find(|n| n.first == i) {
        if frame
            .get(n.last + 1)
            .is_some_and(|t| t.kind == TokKind::Possessive)
        {
            return n.country().map(|c| (c, n.last + 2));
        }
        return None;
    }
    let t = frame.get(i)?;
    if !t.is_word() {
        return None;
    }
    if let Some(c) = lexicon::country_of_demonym(t.text) {
        return Some((c.to_string(), i + 1));
    }
    if frame
        .get(i + 1)
        .is_some_and(|t| t.kind == TokKind::Possessive)
    {
        return lexicon::country_named(t.text).map(|c| (c.to_string(), i + 2));
    }
    None
}

/// A title phrase starting at token `first`: `[the] [Pakistan's|Pakistani] defence minister`.
/// Returns the key and the phrase's last token.
pub(crate) fn title_phrase(
    frame: &[Token],
    names: &[NameOcc],
    first: usize,
) -> Option<(TitleKey, usize)> {
    let mut i = first;
    if frame
        .get(i)
        .is_some_and(|t| t.is_word() && matches!(t.lower.as_str(), "the" | "a" | "an"))
    {
        i += 1;
    }
    let mut country = None;
    let mut words = Vec::new();
    while let Some(t) = frame.get(i) {
        if let Some((c, next)) = country_at(frame, names, i) {
            country = Some(c);
            i = next;
            continue;
        }
        let word = lexicon::normalise_title_word(&t.lower);
        if !t.is_word() || !lexicon::is_title_word(word) || names.iter().any(|n| n.first == i) {
            break;
        }
        words.push(word.to_string());
        i += 1;
    }
    let key = TitleKey::from_words(&words, country)?;
    Some((key, i - 1))
}

/// The titles a sentence gives the person named by `names[k]`: a prefix (`Pakistan's Defense
/// Minister Khawaja Muhammad Asif`) and appositions on either side (`The current Defense
/// Minister, Khawaja Muhammad Asif,` / `Khawaja Muhammad Asif, Pakistan's defence minister,`).
pub(crate) fn titles_of(frame: &[Token], names: &[NameOcc], k: usize) -> Vec<TitleKey> {
    let n = &names[k];
    let mut keys = Vec::new();
    // Prefix: title words, then possibly a country, to the left of the name.
    let mut i = n.first;
    let mut words = Vec::new();
    while i > 0 {
        let t = &frame[i - 1];
        let word = lexicon::normalise_title_word(&t.lower);
        if !t.is_word() || !lexicon::is_title_word(word) || names.iter().any(|m| m.last == i - 1) {
            break;
        }
        words.insert(0, word.to_string());
        i -= 1;
    }
    if !words.is_empty() {
        let country = (i.saturating_sub(3)..i)
            .rev()
            .find_map(|j| country_at(frame, names, j).filter(|&(_, next)| next == i))
            .map(|(c, _)| c);
        keys.extend(TitleKey::from_words(&words, country));
    }
    // Apposition after the name.
    if frame.get(n.last + 1).is_some_and(|t| t.is_punct(",")) {
        if let Some((key, end)) = title_phrase(frame, names, n.last + 2) {
            let closes = frame.get(end + 1).is_none_or(|t| {
                t.kind == TokKind::Punct
                    || t.kind == TokKind::Quote
                    || lexicon::verb_class(&t.lower).is_some()
            });
            if closes {
                keys.push(key);
            }
        }
    }
    // Apposition before the name, opening its clause.
    if n.first >= 2 && frame[n.first - 1].is_punct(",") {
        let end = n.first - 2;
        for start in (end.saturating_sub(8)..=end).rev() {
            let opens_clause =
                start == 0 || matches!(frame[start - 1].kind, TokKind::Punct | TokKind::Quote);
            match title_phrase(frame, names, start) {
                Some((key, last)) if last == end && opens_clause => {
                    keys.push(key);
                    break;
                }
                _ => {}
            }
        }
    }
    keys
}

#[cfg(test)]
mod tests {
    use super::super::tokens::{frame_tokens, Quotes};
    use super::*;

    /// The evidence of a document of one sentence, without a tagger.
    fn alone(text: &str) -> CaseEvidence {
        CaseEvidence::new(&[SentenceIn {
            text,
            start: 0,
            paragraph: 0,
        }])
    }

    /// The evidence of a document of one sentence whose tagger found `tags` (text, label).
    fn tagged(text: &str, tags: &[(&str, NameLabel)]) -> CaseEvidence {
        let mut e = alone(text);
        let names: Vec<TaggedName> = tags
            .iter()
            .map(|&(t, label)| {
                let start = text.find(t).expect("tag in text");
                TaggedName {
                    sentence: 0,
                    start,
                    end: start + t.len(),
                    label,
                }
            })
            .collect();
        e.tag(&names);
        e
    }

    fn names_in(text: &str) -> Vec<(String, EntityKind)> {
        let frame = frame_tokens(text, &Quotes::default());
        find_names(text, &frame, &[], &alone(text), 0)
            .into_iter()
            .map(|n| (n.surface, n.kind))
            .collect()
    }

    fn titles_in(text: &str, name: &str) -> Vec<TitleKey> {
        let frame = frame_tokens(text, &Quotes::default());
        let names = find_names(text, &frame, &[], &alone(text), 0);
        let k = names.iter().position(|n| n.surface == name).expect(name);
        titles_of(&frame, &names, k)
    }

    fn key(country: Option<&str>, mods: &[&str], head: &str) -> TitleKey {
        TitleKey {
            country: country.map(str::to_string),
            mods: mods.iter().map(|m| m.to_string()).collect(),
            head: head.to_string(),
        }
    }

    #[test]
    fn fallback_names_drop_titles_and_classify_kinds() {
        use EntityKind::*;
        assert_eq!(
            names_in("Pakistan's Defense Minister Khawaja Muhammad Asif met IRNA on Monday."),
            [
                ("Pakistan".to_string(), State),
                ("Khawaja Muhammad Asif".to_string(), Person),
                ("IRNA".to_string(), Organisation)
            ]
        );
        assert_eq!(
            names_in("Crown Prince Mohammed bin Salman hosted Prime Minister Shehbaz Sharif."),
            [
                ("Mohammed bin Salman".to_string(), Person),
                ("Shehbaz Sharif".to_string(), Person)
            ]
        );
        assert!(names_in("The Pakistani Defense Minister spoke of the Islamic world.").is_empty());
        assert_eq!(names_in("The Middle East waited.")[0].1, Place);
    }

    #[test]
    fn a_capitalised_sentence_opener_needs_support_to_be_a_name() {
        use EntityKind::*;
        use NameLabel::Place as P;
        let with = |text: &str, tags: &[(&str, NameLabel)]| -> Vec<(String, EntityKind)> {
            let frame = frame_tokens(text, &Quotes::default());
            find_names(text, &frame, &[], &tagged(text, tags), 0)
                .into_iter()
                .map(|n| (n.surface, n.kind))
                .collect()
        };
        // Issue 12: capitalised common words at the start of a sentence became speakers, and
        // places and holidays became the people "he" named.
        let per = NameLabel::Person;
        assert_eq!(
            with(
                "Growing up in El Paso, Mendoza regularly witnessed families from Mexico.",
                &[("El Paso", P), ("Mendoza", per), ("Mexico", P)]
            ),
            [
                ("El Paso".to_string(), Place),
                ("Mendoza".to_string(), Person),
                ("Mexico".to_string(), Place)
            ]
        );
        assert_eq!(
            with(
                "Harsh comments are earning some Germans scorn, Mendoza wrote.",
                &[("Germans", NameLabel::Other), ("Mendoza", per)]
            ),
            [("Mendoza".to_string(), Person)]
        );
        // Untagged: a person only with a title before or a speech verb after.
        assert!(with("Throughout the New Year speech, Arizona cheered.", &[]).is_empty());
        assert_eq!(
            with("Officials told Sen. Chrabaszcz of it.", &[])[0].0,
            "Chrabaszcz"
        );
        assert_eq!(with("Chrabaszcz said it was over.", &[])[0].0, "Chrabaszcz");
        // A colon or a possessive after an opener, or the same word capitalised elsewhere in
        // the document, keeps a name.
        assert_eq!(
            with("Asif: we will respond.", &[("Asif", per)])[0].0,
            "Asif"
        );
        assert_eq!(
            names_in("Pakistan's army said two soldiers died.")[0].0,
            "Pakistan"
        );
        let doc = [
            SentenceIn {
                text: "Officials met Asif on Monday.",
                start: 0,
                paragraph: 0,
            },
            SentenceIn {
                text: "Asif has repeatedly criticized Israel.",
                start: 30,
                paragraph: 0,
            },
        ];
        let mut evidence = CaseEvidence::new(&doc);
        evidence.tag(&[TaggedName {
            sentence: 1,
            start: 0,
            end: 4,
            label: per,
        }]);
        let frame = frame_tokens(doc[1].text, &Quotes::default());
        assert_eq!(
            find_names(doc[1].text, &frame, &[], &evidence, 1)[0].surface,
            "Asif"
        );
        // Without a tagger, only a word the document also writes in lowercase is dropped.
        let text = "Harsh comments were heard, and the tone stayed harsh.";
        let frame = frame_tokens(text, &Quotes::default());
        assert!(find_names(text, &frame, &[], &alone(text), 0).is_empty());
    }

    #[test]
    fn mentions_take_precedence_over_fallback_names() {
        let text = "Asif spoke in Riyadh.";
        let frame = frame_tokens(text, &Quotes::default());
        let mention = NamedMention {
            sentence: 0,
            start: 0,
            end: 4,
            name: "Khawaja Muhammad Asif".into(),
            kind: MentionKind::Person,
        };
        let names = find_names(text, &frame, &[&mention], &alone(text), 0);
        assert_eq!(names.len(), 2);
        assert_eq!(names[0].canonical.as_deref(), Some("Khawaja Muhammad Asif"));
        assert_eq!(names[1].country().as_deref(), Some("Saudi Arabia"));
    }

    #[test]
    fn titles_come_from_prefixes_and_appositions() {
        let asif = "Khawaja Muhammad Asif";
        let defense = || key(Some("Pakistan"), &["defense"], "minister");
        assert_eq!(
            titles_in(
                "Pakistan's Defense Minister Khawaja Muhammad Asif said so.",
                asif
            ),
            [defense()]
        );
        assert_eq!(
            titles_in(
                "Khawaja Muhammad Asif, Pakistan's defence minister, said so.",
                asif
            ),
            [defense()]
        );
        assert_eq!(
            titles_in(
                "The current Defense Minister, Khawaja Muhammad Asif, said so.",
                asif
            ),
            [key(None, &["defense"], "minister")]
        );
        assert!(titles_in("Mr Asif said so.", "Asif").is_empty());
    }

    #[test]
    fn title_references_match_compatible_holders_only() {
        let held = key(Some("Pakistan"), &["defense"], "minister");
        assert!(held.admits(&key(Some("Pakistan"), &["defense"], "minister")));
        assert!(held.admits(&key(None, &[], "minister")));
        assert!(held.admits(&key(None, &[], "official")));
        assert!(!held.admits(&key(Some("India"), &["defense"], "minister")));
        assert!(!held.admits(&key(None, &["foreign"], "minister")));
    }
}
