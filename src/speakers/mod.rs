//! Speaker attribution: for each sentence of a document, who is speaking (a quoted or reported
//! person or institution, or the `author`), where the speaker is named, what is quoted, and the
//! stances the sentence reports others taking.
//!
//! The rules are deterministic and need no model:
//!
//! - **Direct quotes.** A speech verb (`said`, `told`, `warned`, `stressed`, `tweeted`, ...)
//!   next to a quotation, before or after it and in either order (`"...," Asif said`,
//!   `"...," said Asif`, `Asif told Reuters: "..."`), gives the quotation to the verb's
//!   subject. A sentence that is mostly quotation belongs to the quoted speaker even when
//!   another clause comes first. ASCII `"`, `“ ”`, `‘ ’`, `« »` and paired `'` all count.
//! - **Colon forms.** `He added: "..."`, `The minister said: ...` and `Asif: "..."` give
//!   [`Cue::ColonQuote`].
//! - **Reported speech.** Otherwise the first clause whose subject names somebody decides:
//!   `X said that ...`, `X has repeatedly criticized ...`, `X accused Y of ...`, `X called for
//!   ...`. In nested attributions (`X said Y had told him ...`) the first clause, X, wins.
//!   Passives (`X was told`), infinitives and relative clauses (`who said`) do not attribute.
//! - **According to.** `According to IRNA, ...` and `..., according to Pakistan's foreign
//!   ministry` attribute to the source ([`Cue::AccordingTo`]) unless a verb in the same
//!   sentence names a speaker: the source is then only the channel (`According to IRNA, Asif
//!   said ...` is Asif's).
//! - **Institutions.** `Pakistan's foreign ministry`, `the Iranian embassy`, `Pakistan Army`
//!   and states themselves (`Iran condemned ...`) speak as institutions named after the
//!   country. The canonicaliser given to [`attribute_with`] is asked first, with the phrase as
//!   written (`Pakistan's foreign ministry`, `ISPR`), so the pipeline's alias table wins over
//!   the built-in country table.
//! - **Pronouns and titles.** `he`/`she` resolve to the most recent person who spoke or was the
//!   subject of a sentence, `it` to the most recent institution. Titles (`the minister`, `The
//!   Pakistani Defense Minister`, `the spokesman`) resolve to the most recent person holding a
//!   compatible title, learnt from prefixes (`Prime Minister Shehbaz Sharif`) and appositions
//!   (`Khawaja Muhammad Asif, Pakistan's defence minister,`); a bare title (`the official`)
//!   with no holder falls back on the most recent person without a known title.
//! - **Quote continuation.** Sentences inside a quotation that runs over sentences or
//!   paragraphs take the quotation's speaker, wherever its attribution stands. A sentence that
//!   is mostly an unattributed quotation continues the previous sentence's speaker; plain
//!   narration never does.
//! - **Narration.** Everything else is the `author`'s, including sentences about a person
//!   doing something other than speaking (`Asif met the Saudi crown prince on Monday.`), and
//!   unnamed groups (`Pakistani officials said ...`): their stance verbs and speech are kept in
//!   [`Attribution::reported`] for the pipeline to canonicalise.
//!
//! Known limits: verbs are matched in lowercase and title-case headlines yield no names, so
//! such headlines are the author's; coordinated subjects (`Pakistan and Saudi Arabia said`)
//! give the last conjunct; `he` and `she` ignore gender and `they` never resolves; the
//! fallback name finder cannot tell a one-word person from a one-word place it does not know;
//! an unattributed quotation after narration is the author's; a title nobody holds yet (`the
//! Saudi foreign minister`) becomes a speaker named after the title.
//!
//! ```
//! use standpoint::speakers::{attribute, Cue, SentenceIn};
//!
//! let sentences = [
//!     SentenceIn { text: "Khawaja Muhammad Asif, Pakistan's defence minister, met reporters.", start: 0, paragraph: 0 },
//!     SentenceIn { text: "\"The pact is defensive,\" he said.", start: 67, paragraph: 1 },
//! ];
//! let found = attribute(&sentences, &[]);
//! assert_eq!(found[0].speaker, "author");
//! assert_eq!(found[1].speaker, "Khawaja Muhammad Asif");
//! assert_eq!(found[1].cue, Cue::DirectQuote);
//! ```

mod clauses;
mod echo;
pub mod learned;
mod lexicon;
mod names;
mod resolve;
mod tokens;

#[cfg(test)]
mod tests;

pub use echo::echo_holders;

use std::collections::BTreeMap;

use serde::Serialize;

use clauses::{Analysis, Frame, Np, Phrase, Pron};
use lexicon::VerbClass;
use resolve::{Discourse, Resolver, Speaker, Via};

/// The speaker of sentences nobody else is speaking in.
pub const AUTHOR: &str = "author";

/// A sentence to attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SentenceIn<'a> {
    pub text: &'a str,
    /// Byte offset of the sentence in the document.
    pub start: usize,
    /// Paragraph index; a quotation runs into a new paragraph only if that paragraph opens
    /// with a quotation mark.
    pub paragraph: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MentionKind {
    Person,
    Organisation,
    State,
}

/// A person, organisation or state the pipeline found in a sentence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NamedMention {
    /// Index of the sentence in the slice given to [`attribute`].
    pub sentence: usize,
    /// Byte offsets within the sentence.
    pub start: usize,
    pub end: usize,
    /// Canonical name, e.g. `Khawaja Muhammad Asif`.
    pub name: String,
    pub kind: MentionKind,
}

/// A name the pipeline's entity tagger found in a sentence, whatever its kind (the actors among
/// them are also given as [`NamedMention`]s): it tells the rules what a capitalised sequence
/// is when it is no actor ("Arizona" a place, "New Year" no one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TaggedName {
    /// Index of the sentence in the slice given to [`attribute_tagged`].
    pub sentence: usize,
    /// Byte offsets within the sentence.
    pub start: usize,
    pub end: usize,
    pub label: NameLabel,
}

/// The entity tagger's label of a [`TaggedName`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameLabel {
    Person,
    Organisation,
    Place,
    /// Anything else (nationalities, events, titles of works).
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SpeakerKind {
    Author,
    Person,
    Institution,
}

/// The evidence a sentence was attributed on. Quotation cues take precedence: a direct quote
/// is [`Cue::DirectQuote`] even when its speaker is a pronoun. For reported speech the cue
/// says how the speaker was found: by name ([`Cue::ReportedSpeech`]), through a pronoun
/// ([`Cue::PronounContinuation`]) or through a title ([`Cue::TitleReference`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Cue {
    /// A quotation with a speech verb next to it.
    DirectQuote,
    /// A speech verb or name followed by a colon: `He added: "..."`.
    ColonQuote,
    /// A named subject of a speech or stance verb: `Asif said the pact ...`.
    ReportedSpeech,
    /// `according to X`.
    AccordingTo,
    /// Reported speech whose subject is a pronoun: `He called for unity ...`.
    PronounContinuation,
    /// Reported speech whose subject is a title: `The minister added that ...`.
    TitleReference,
    /// A quotation attributed elsewhere: an earlier or later sentence of the same quotation,
    /// or the previous sentence's speaker.
    QuoteContinuation,
    /// No speaker but the author.
    Narration,
}

/// A stance or speech reported inside a sentence: `Pakistani officials have repeatedly
/// criticized the Zionist regime` has holder `Pakistani officials`, verb `criticized`, and
/// the object `the Zionist regime`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reported {
    /// The resolved speaker when the holder names one (`He` -> `Khawaja Muhammad Asif`),
    /// otherwise the holder as written (`Pakistani officials`), for the pipeline to
    /// canonicalise.
    pub holder: String,
    /// Byte offsets within the sentence.
    pub holder_span: (usize, usize),
    /// Lowercase: `criticized`, `called for`, `said`.
    pub verb: String,
    /// Byte offsets within the sentence, a leading `that` excluded.
    pub object_span: (usize, usize),
}

/// Who speaks in one sentence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Attribution {
    /// Canonical name, or [`AUTHOR`].
    pub speaker: String,
    pub kind: SpeakerKind,
    pub cue: Cue,
    /// Where the speaker is named in the sentence (a name, pronoun, title or institution
    /// phrase), in bytes within the sentence.
    pub span: Option<(usize, usize)>,
    /// Quoted text, marks excluded, in bytes within the sentence; a quotation running on to the
    /// next sentence ends at the sentence's end.
    pub quote_spans: Vec<(usize, usize)>,
    /// Stance verbs outside quotations, with their holders (whoever they are), and speech by
    /// unnamed groups, which is not attributed to a speaker.
    pub reported: Vec<Reported>,
    /// A news agency's credit for the sentence's facts ("according to the Antara news
    /// agency"), in bytes within the sentence: no speaker and no actor (guidelines, section 3).
    pub credit: Option<(usize, usize)>,
}

/// A person's name without the title written before it in the same capitalised run
/// ("Unification Minister Han" -> "Han", "Police Commissioner James O'Neill" -> "James
/// O'Neill"): the words after the last title head ("Minister", "Commissioner", "Secretary").
/// Royal and religious titles stay, as such people are named with them ("King Charles"); a
/// name that is all title stays whole.
pub fn without_title(name: &str) -> &str {
    let words: Vec<(usize, &str)> = name
        .split(' ')
        .scan(0usize, |at, w| {
            let start = *at;
            *at += w.len() + 1;
            Some((start, w))
        })
        .collect();
    let royal = [
        "king",
        "queen",
        "prince",
        "princess",
        "emir",
        "sheikh",
        "ayatollah",
        "pope",
    ];
    let last_title = words[..words.len().saturating_sub(1)]
        .iter()
        .rposition(|(_, w)| {
            let lower = w.trim_end_matches('.').to_lowercase();
            let norm = lexicon::normalise_title_word(&lower);
            w.starts_with(char::is_uppercase)
                && lexicon::is_title_head(norm)
                && !royal.contains(&norm)
        });
    match last_title {
        Some(i) => &name[words[i + 1].0..],
        None => name,
    }
}

impl Attribution {
    fn author() -> Self {
        Self {
            speaker: AUTHOR.to_string(),
            kind: SpeakerKind::Author,
            cue: Cue::Narration,
            span: None,
            quote_spans: Vec::new(),
            reported: Vec::new(),
            credit: None,
        }
    }

    fn continuing(&mut self, said: &Said) {
        self.speaker.clone_from(&said.name);
        self.kind = said.kind;
        self.cue = Cue::QuoteContinuation;
        self.span = None;
    }

    pub fn is_author(&self) -> bool {
        self.kind == SpeakerKind::Author
    }
}

/// Attributes every sentence, with the built-in rules for canonicalising institutions.
/// `mentions` may be empty; capitalised names in the text fill in wherever no mention is.
pub fn attribute(sentences: &[SentenceIn], mentions: &[NamedMention]) -> Vec<Attribution> {
    attribute_with(sentences, mentions, &|_| None)
}

/// Attributes every sentence, asking `canonical` first to name institutions and names found
/// in the text (`Pakistan's foreign ministry` -> `Pakistan`, `ISPR` -> `Pakistan`); `None`
/// falls back on the built-in rules. Mentions' names are taken as already canonical.
pub fn attribute_with(
    sentences: &[SentenceIn],
    mentions: &[NamedMention],
    canonical: &dyn Fn(&str) -> Option<String>,
) -> Vec<Attribution> {
    attribute_in(sentences, mentions, None, canonical)
}

/// As [`attribute_with`], for mentions found by an entity tagger that reads case and context
/// (the pipeline's actors), with every name that tagger found (`names`). A capitalised
/// sequence the tagger did not take for a name is a person only with more evidence: a title
/// before it or a speech verb after it; a single capitalised word opening a sentence also when
/// the document writes it capitalised elsewhere ("Growing up in El Paso, Mendoza ...": not
/// "Growing"). A sequence the tagger labelled takes its label ("Arizona": a place, never "he").
pub fn attribute_tagged(
    sentences: &[SentenceIn],
    mentions: &[NamedMention],
    names: &[TaggedName],
    canonical: &dyn Fn(&str) -> Option<String>,
) -> Vec<Attribution> {
    attribute_in(sentences, mentions, Some(names), canonical)
}

fn attribute_in(
    sentences: &[SentenceIn],
    mentions: &[NamedMention],
    tagged: Option<&[TaggedName]>,
    canonical: &dyn Fn(&str) -> Option<String>,
) -> Vec<Attribution> {
    let quotes = tokens::scan_quotes(sentences);
    let resolver = Resolver { canonical };
    let mut discourse = Discourse::default();
    let mut out: Vec<Attribution> = Vec::with_capacity(sentences.len());
    let mut runs: BTreeMap<usize, Run> = BTreeMap::new();
    let mut evidence = names::CaseEvidence::new(sentences);
    if let Some(tags) = tagged {
        evidence.tag(tags);
    }
    for (i, sentence) in sentences.iter().enumerate() {
        let q = &quotes[i];
        let continued: Vec<usize> = q
            .spans
            .iter()
            .filter(|s| s.from_prev)
            .map(|s| s.run)
            .collect();
        let ended: Vec<usize> = runs
            .keys()
            .copied()
            .filter(|r| !continued.contains(r))
            .collect();
        for r in ended {
            if let Some(run) = runs.remove(&r) {
                run.finish(&mut out);
            }
        }

        let tokens = tokens::frame_tokens(sentence.text, q);
        let here: Vec<&NamedMention> = mentions.iter().filter(|m| m.sentence == i).collect();
        let names = names::find_names(sentence.text, &tokens, &here, &evidence, i);
        let frame = Frame {
            text: sentence.text,
            tokens,
            names,
        };
        let spans: Vec<(usize, usize)> = q.spans.iter().map(|s| (s.start, s.end)).collect();
        let analysis = frame.analyse(&spans);
        // A person who opens the sentence as its subject is whom a later "he"/"she" in it names
        // ("Former Gov. Tom Reynolds, who ..., agreed ..., but he said ..."), not the speaker
        // of an earlier sentence.
        if let Some(k) = subject_person(&frame) {
            let after = frame.names[k].last;
            let pronoun_later = analysis
                .clauses
                .iter()
                .any(|c| c.subject.np == Np::Pronoun(Pron::Person) && c.subject.first > after);
            if pronoun_later {
                if let Some((name, _)) = resolver.name(&discourse, &frame.names[k]) {
                    discourse.touch(&name);
                }
            }
        }
        let chosen = choose(&frame, &analysis, &discourse, &resolver);
        let previous = out
            .last()
            .filter(|a| a.cue != Cue::Narration)
            .map(|a| Said {
                name: a.speaker.clone(),
                kind: a.kind,
            });

        let mut attribution = Attribution::author();
        if let Some(c) = &chosen {
            attribution.speaker.clone_from(&c.speaker.name);
            attribution.kind = c.speaker.kind;
            attribution.cue = c.cue;
            attribution.span = c.span;
        }
        let said = chosen.as_ref().map(|c| Said {
            name: c.speaker.name.clone(),
            kind: c.speaker.kind,
        });
        for (k, span) in q.spans.iter().enumerate() {
            let run = runs.entry(span.run).or_default();
            if chosen.as_ref().is_some_and(|c| c.quotes.contains(&k)) {
                run.speaker.clone_from(&said);
            }
            if !span.from_prev && run.fallback.is_none() {
                run.fallback = said.clone().or_else(|| previous.clone());
            }
        }
        if chosen.is_none() && analysis.coverage >= MOSTLY_QUOTED {
            if let Some(span) = q.spans.iter().find(|s| s.from_prev || s.to_next) {
                let run = runs.entry(span.run).or_default();
                match &run.speaker {
                    Some(s) => attribution.continuing(s),
                    None => run.pending.push(i),
                }
            } else if let Some(p) = &previous {
                attribution.continuing(p);
            }
        }
        attribution.quote_spans = spans;
        attribution.reported = reported(&frame, &analysis, &discourse, &resolver);
        out.push(attribution);

        remember(&frame, chosen.as_ref(), &mut discourse, &resolver);
        for span in q.spans.iter().filter(|s| !s.to_next) {
            if let Some(run) = runs.remove(&span.run) {
                run.finish(&mut out);
            }
        }
    }
    for run in runs.into_values() {
        run.finish(&mut out);
    }
    out
}

/// Share of a sentence's letters inside quotation marks above which the sentence is the
/// quoted speaker's.
const MOSTLY_QUOTED: f32 = 0.5;

#[derive(Debug, Clone)]
struct Said {
    name: String,
    kind: SpeakerKind,
}

/// One quotation, possibly over several sentences.
#[derive(Debug, Default)]
struct Run {
    /// From an attribution next to any of its parts.
    speaker: Option<Said>,
    /// The speaker of the sentence it opened in, or of the sentence before.
    fallback: Option<Said>,
    /// Sentences waiting for the quotation's speaker.
    pending: Vec<usize>,
}

impl Run {
    fn finish(self, out: &mut [Attribution]) {
        if let Some(said) = self.speaker.or(self.fallback) {
            for i in self.pending {
                out[i].continuing(&said);
            }
        }
    }
}

struct Chosen {
    speaker: Speaker,
    cue: Cue,
    span: Option<(usize, usize)>,
    /// Indices of the sentence's quote spans the speaker is credited with.
    quotes: Vec<usize>,
}

/// The sentence's own speaker: the quoted speaker when the quotation dominates or comes
/// first, else the first clause naming a speaker, else an `according to` source.
fn choose(
    frame: &Frame,
    analysis: &Analysis,
    discourse: &Discourse,
    resolver: &Resolver,
) -> Option<Chosen> {
    let resolve = |p: &Phrase| resolver.phrase(discourse, frame, p);
    let first_clause = analysis
        .clauses
        .iter()
        .enumerate()
        .find_map(|(ci, c)| resolve(&c.subject).map(|s| (ci, s)));

    let quoted_by_clause = analysis.attached.iter().find_map(|a| {
        let clause = &analysis.clauses[a.clause];
        resolve(&clause.subject).map(|s| (a, s))
    });
    if let Some((attach, speaker)) = quoted_by_clause {
        let clause = &analysis.clauses[attach.clause];
        let wins = analysis.coverage >= MOSTLY_QUOTED
            || first_clause.as_ref().is_none_or(|(ci, _)| {
                *ci == attach.clause || clause.first_token() <= analysis.clauses[*ci].first_token()
            });
        if wins {
            let quotes = analysis
                .attached
                .iter()
                .filter(|a| a.clause == attach.clause)
                .map(|a| a.quote)
                .collect();
            let colon = analysis
                .attached
                .iter()
                .any(|a| a.clause == attach.clause && a.colon);
            return Some(Chosen {
                cue: if colon {
                    Cue::ColonQuote
                } else {
                    Cue::DirectQuote
                },
                span: Some((clause.subject.start, clause.subject.end)),
                speaker,
                quotes,
            });
        }
    }
    if first_clause.is_none() {
        let named = analysis
            .colon_names
            .iter()
            .find_map(|c| resolve(&c.phrase).map(|s| (c, s)));
        if let Some((colon, speaker)) = named {
            return Some(Chosen {
                speaker,
                cue: Cue::ColonQuote,
                span: Some((colon.phrase.start, colon.phrase.end)),
                quotes: colon.quote.into_iter().collect(),
            });
        }
    }
    if let Some((ci, speaker)) = first_clause {
        let clause = &analysis.clauses[ci];
        let mut quotes: Vec<usize> = analysis
            .attached
            .iter()
            .filter(|a| a.clause == ci)
            .map(|a| a.quote)
            .collect();
        let mut colon = frame
            .tokens
            .get(clause.verb.last + 1)
            .is_some_and(|t| t.is_punct(":"));
        for &(q, with_colon) in &analysis.participle_quotes {
            if q > clause.verb.last {
                quotes.push(frame.tokens[q].quote);
                colon |= with_colon;
            }
        }
        let cue = match (quotes.is_empty(), colon, speaker.via) {
            (false, true, _) | (true, true, _) => Cue::ColonQuote,
            (false, false, _) => Cue::DirectQuote,
            (true, false, Via::Pronoun) => Cue::PronounContinuation,
            (true, false, Via::Title) => Cue::TitleReference,
            (true, false, Via::Name | Via::Institution) => Cue::ReportedSpeech,
        };
        return Some(Chosen {
            speaker,
            cue,
            span: Some((clause.subject.start, clause.subject.end)),
            quotes,
        });
    }
    let source = analysis.according.as_ref()?;
    resolve(source).map(|speaker| Chosen {
        speaker,
        cue: Cue::AccordingTo,
        span: Some((source.start, source.end)),
        quotes: Vec::new(),
    })
}

/// Stance clauses outside quotations, whoever holds them, and speech by unnamed groups.
fn reported(
    frame: &Frame,
    analysis: &Analysis,
    discourse: &Discourse,
    resolver: &Resolver,
) -> Vec<Reported> {
    analysis
        .clauses
        .iter()
        .filter(|c| !c.inverted)
        .filter(|c| match c.verb.class {
            VerbClass::Stance => c.subject.np != Np::Other,
            VerbClass::Speech => c.subject.np == Np::Group,
            VerbClass::Participle => false,
        })
        .filter_map(|c| {
            let next_clause = analysis
                .clauses
                .iter()
                .map(|other| other.first_token())
                .filter(|&first| first > c.verb.last)
                .min()
                .unwrap_or(usize::MAX);
            let object_span = frame.object_span(&c.verb, next_clause)?;
            let holder = resolver
                .phrase(discourse, frame, &c.subject)
                .map_or_else(|| c.subject.text.clone(), |s| s.name);
            Some(Reported {
                holder,
                holder_span: (c.subject.start, c.subject.end),
                verb: c.verb.surface.clone(),
                object_span,
            })
        })
        .collect()
}

/// Updates the discourse after a sentence: titles its names carry, then its speaker (or, in
/// narration, the person it is about) as the most recent.
fn remember(
    frame: &Frame,
    chosen: Option<&Chosen>,
    discourse: &mut Discourse,
    resolver: &Resolver,
) {
    for (k, n) in frame.names.iter().enumerate() {
        if let Some((name, SpeakerKind::Person)) = resolver.name(discourse, n) {
            for title in names::titles_of(&frame.tokens, &frame.names, k) {
                discourse.add_title(&name, title);
            }
        }
    }
    match chosen.map(|c| &c.speaker) {
        Some(s) if s.kind == SpeakerKind::Person => {
            discourse.touch(&s.name);
            if let Some(title) = &s.new_title {
                discourse.add_title(&s.name, title.clone());
            }
        }
        Some(s) if s.kind == SpeakerKind::Institution => {
            discourse.last_institution = Some(s.name.clone());
        }
        Some(_) => {}
        None => {
            if let Some(k) = subject_person(frame) {
                if let Some((name, _)) = resolver.name(discourse, &frame.names[k]) {
                    discourse.touch(&name);
                }
            }
        }
    }
}

/// The first person named at the start of a clause, only titles, determiners, possessors and
/// other names before it: `On Monday, Asif met ...`, `Pakistan's Defense Minister Khawaja
/// Muhammad Asif visited ...`.
fn subject_person(frame: &Frame) -> Option<usize> {
    frame.names.iter().enumerate().position(|(k, n)| {
        if n.kind != names::EntityKind::Person {
            return false;
        }
        // A possessor followed by the person it qualifies ("Holt's colleague Matt Lauer") is
        // not the subject; one qualifying a thing ("Mr. Obama's bet is ...") stays.
        let possessor = frame
            .tokens
            .get(n.last + 1)
            .is_some_and(|t| t.kind == tokens::TokKind::Possessive);
        let person_after = frame.names[k + 1..]
            .iter()
            .any(|m| m.kind == names::EntityKind::Person);
        if possessor && person_after {
            return false;
        }
        let clause_start = (0..n.first)
            .rev()
            .find(|&j| {
                frame.tokens[j].is_punct(",;:") || frame.tokens[j].kind == tokens::TokKind::Quote
            })
            .map_or(0, |j| j + 1);
        frame.tokens[clause_start..n.first].iter().all(|t| {
            t.kind == tokens::TokKind::Possessive
                // An abbreviation's period ("Gov. Tom Reynolds"): a sentence has no other.
                || t.is_punct(".")
                || t.is_capitalised()
                || t.is_word()
                    && (lexicon::is_determiner(&t.lower)
                        || lexicon::is_title_word(lexicon::normalise_title_word(&t.lower)))
        })
    })
}
