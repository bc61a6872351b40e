//! Attribution mode's scoring: how well the per-sentence speakers of `classify` match gold
//! attribution relations (PolNeAR-style brat data). Pure functions over an article, its gold
//! attributions and the pipeline's sentences.
//!
//! - **Speaker accuracy.** For each gold attribution with a source: the sentence holding the
//!   start of its content. Standpoint is right when that sentence's speaker, or the holder of one
//!   of its stance rows, or the holder of one of its attributions whose content overlaps the
//!   gold content (the attribution model gives a sentence several holders), shares a name with
//!   the gold source. A name is a capitalised word of 3 or
//!   more letters that is no title ("President"), sentence opener ("The") or party word
//!   ("Republican"), compared lowercased. A definite description whose head noun is lowercase
//!   ("The Florida senator", "the New York businessman") has no name of its own: its capitalised
//!   words qualify the head and do not name the source. A gold source with no name (a pronoun,
//!   "the newspaper", "The Florida senator") is resolved to the nearest preceding gold source of the article that has one,
//!   when it is a pronoun or a definite description (`the`, `this`, `that`, `these`, `those`);
//!   a relative pronoun ("who", "which") takes the last run of name words in the text just
//!   before it ("Ana Ruiz, who said"); an indefinite source ("a source", "officials") stays
//!   unresolved and is counted apart, not scored. A holder also shares a name with a gold
//!   source that names the same actor of the alias table ("United Nations" and "the Security
//!   Council", "Russia" and "Moscow"): holders are written under the table's canonical names.
//!   Scored separately for direct quotes (the content starts with a double quotation
//!   mark, straight or curly, or follows one directly) and the rest.
//! - **False-speaker rate.** Of the sentences that overlap no gold span (source, cue or content
//!   of any attribution), the share whose speaker is not `author`.
//! - **Speaker spans.** `speaker_span` against the gold source spans, by word overlap over the
//!   whole article: precision, recall and F1 of the words inside predicted spans.

use crate::data::brat::{Article, Attribution, BratSpan};
use crate::document::Document;
use crate::labels::AUTHOR;
use crate::metrics::{prf, ratio};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Capitalised words that describe rather than name a source.
const DESCRIPTION_WORDS: &[&str] = &[
    "republican",
    "republicans",
    "democrat",
    "democrats",
    "democratic",
    "campaign",
    "officials",
    "sources",
];

/// Pronouns whose antecedent is the nearest preceding named source.
const PRONOUNS: &[&str] = &[
    "he", "she", "it", "they", "him", "her", "them", "his", "its", "their", "i", "we", "me", "us",
];

/// Relative pronouns, whose antecedent stands right before them in the text.
const RELATIVES: &[&str] = &["who", "which", "whom", "whose"];

/// How far back (bytes) a relative pronoun's antecedent is looked for.
const RELATIVE_REACH: usize = 80;

/// Words that open a definite description ("the newspaper", "this official").
const DEFINITE: &[&str] = &["the", "this", "that", "these", "those"];

/// The names in `s`: capitalised words of 3 or more letters that are no title, sentence opener
/// or description word, lowercased. "Mr. Trump's campaign" -> {"trump"}.
pub fn name_words(s: &str) -> BTreeSet<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 3)
        .filter(|w| w.chars().next().is_some_and(char::is_uppercase))
        .filter(|w| !crate::text::words::is_sentence_opener(w))
        .map(str::to_lowercase)
        .filter(|w| !crate::actors::TITLES.contains(&w.as_str()))
        .filter(|w| !DESCRIPTION_WORDS.contains(&w.as_str()))
        .collect()
}

/// Whether a predicted holder `b` shares a name word with the gold names `a`. Every word of
/// the holder counts, capitalised or not: it is a canonical name or a group as standpoint
/// writes it ("analysts", "polls"), which the gold source may capitalise only because it opens
/// a sentence ("Polls show ...").
pub fn shares_name(a: &BTreeSet<String>, b: &str) -> bool {
    if let Some(actor) = crate::actors::AliasTable::builtin().lookup(b) {
        if a.contains(&format!("#{}", actor.id)) {
            return true;
        }
    }
    // A holder written in full whose acronym the gold source uses ("DNC" and "Democratic
    // National Committee").
    if crate::actors::document_initials(b).is_some_and(|i| a.contains(&i.to_lowercase())) {
        return true;
    }
    let b: BTreeSet<String> = b
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 3)
        .map(str::to_lowercase)
        .filter(|w| {
            let mut chars = w.chars();
            let cap: String = chars
                .next()
                .into_iter()
                .flat_map(char::to_uppercase)
                .chain(chars)
                .collect();
            !crate::text::words::is_sentence_opener(&cap)
        })
        .filter(|w| !crate::actors::TITLES.contains(&w.as_str()))
        .filter(|w| !DESCRIPTION_WORDS.contains(&w.as_str()))
        .collect();
    a.iter().any(|w| b.contains(w))
}

/// Words that end the head of a description ("the senator who ...", "the governor of Ohio").
const QUALIFIER_WORDS: &[&str] = &[
    "who", "whose", "which", "that", "of", "from", "in", "at", "with", "for", "on", "and", "s",
];

/// Whether a source is a definite description with a lowercase head noun ("The Florida
/// senator", "the former New York mayor", "The senator who ..."), whose capitalised words
/// qualify the head rather than name the source. "The Washington Post" and "the White House"
/// (capitalised heads) are names.
pub fn is_description(surface: &str) -> bool {
    let head_part = surface
        .split([',', '(', '’', '\'', ';', ':'])
        .next()
        .unwrap_or_default();
    let words: Vec<&str> = head_part
        .split(|c: char| !c.is_alphanumeric() && c != '-')
        .filter(|w| !w.is_empty())
        .collect();
    let Some(first) = words.first() else {
        return false;
    };
    if !DEFINITE.contains(&first.to_lowercase().as_str()) {
        return false;
    }
    let head = words[1..]
        .iter()
        .take_while(|w| !QUALIFIER_WORDS.contains(&w.to_lowercase().as_str()))
        .last();
    head.is_some_and(|h| h.starts_with(char::is_lowercase))
}

/// The names a gold source gives itself: none for a description ([`is_description`]). Besides
/// its name words, the actor of the alias table that the whole source names, as `#<id>` ("the
/// Security Council" also gives the United Nations' id, "The White House" the United States'),
/// which [`shares_name`] compares with the id of a predicted holder: standpoint writes holders
/// under the table's canonical names. Only a name, acronym or seat of power naming the whole
/// source counts: not "Mexicans" (a people, not the state), nor a name inside a longer source
/// ("China, Pyongyang's only ally", "a USA TODAY analysis").
fn own_names(surface: &str) -> BTreeSet<String> {
    if is_description(surface) {
        return BTreeSet::new();
    }
    let mut names = name_words(surface);
    if let Some((actor, via)) = crate::actors::AliasTable::builtin().lookup_alias(surface.trim()) {
        if via != crate::actors::AliasKind::Demonym {
            names.insert(format!("#{}", actor.id));
        }
    }
    names
}

/// Whether a source surface may take its name from an earlier source: a pronoun, or a definite
/// description.
fn refers_back(surface: &str) -> bool {
    let lower = surface.trim().to_lowercase();
    let first = lower
        .split(|c: char| !c.is_alphanumeric())
        .find(|w| !w.is_empty())
        .unwrap_or_default();
    PRONOUNS.contains(&lower.as_str()) || DEFINITE.contains(&first)
}

/// The last run of consecutive name words in `before` (spaces, periods and commas between
/// them allowed): "said Gov. Ana Ruiz, " -> {"ana", "ruiz"}.
fn last_name_run(before: &str) -> BTreeSet<String> {
    let mut run = BTreeSet::new();
    for w in before
        .rsplit(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        let n = name_words(w);
        if n.is_empty() {
            if !run.is_empty() {
                break;
            }
        } else {
            run.extend(n);
        }
    }
    run
}

/// The names of each attribution's source in `text`, resolved through the article (see the
/// module docs): `None` for an attribution without a source or whose source stays unresolved.
pub fn resolve_sources(text: &str, attributions: &[Attribution]) -> Vec<Option<BTreeSet<String>>> {
    // Named sources in text order, for the look-back.
    let mut named: Vec<(usize, BTreeSet<String>)> = attributions
        .iter()
        .filter_map(|a| a.source.as_ref())
        .map(|s| (s.start(), own_names(&s.surface)))
        .filter(|(_, n)| !n.is_empty())
        .collect();
    named.sort_by_key(|(start, _)| *start);
    attributions
        .iter()
        .map(|a| {
            let s = a.source.as_ref()?;
            let own = own_names(&s.surface);
            if !own.is_empty() {
                return Some(own);
            }
            if RELATIVES.contains(&s.surface.trim().to_lowercase().as_str()) {
                let mut from = s.start().saturating_sub(RELATIVE_REACH);
                while !text.is_char_boundary(from) {
                    from += 1;
                }
                let run = last_name_run(text.get(from..s.start()).unwrap_or_default());
                return (!run.is_empty()).then_some(run);
            }
            if !refers_back(&s.surface) {
                return None;
            }
            named
                .iter()
                .rev()
                .find(|(start, _)| *start < s.start())
                .map(|(_, n)| n.clone())
        })
        .collect()
}

const QUOTES: &[char] = &['"', '“', '”', '„', '«', '»'];

/// A direct quote: the content starts with a double quotation mark, or the text right before
/// it (spaces aside) ends with one.
pub fn is_direct(text: &str, content: &BratSpan) -> bool {
    let start = content.start();
    content.surface.trim_start().starts_with(QUOTES)
        || text
            .get(..start)
            .is_some_and(|before| before.trim_end().ends_with(QUOTES))
}

/// The sentence holding byte `at`, or else the first sentence after it.
fn sentence_at(doc: &Document, at: usize) -> Option<usize> {
    doc.sentences
        .iter()
        .position(|s| s.start <= at && at < s.end)
        .or_else(|| doc.sentences.iter().position(|s| s.start >= at))
}

/// The speakers standpoint names for one sentence: its speaker, its stance rows' holders, and
/// the holders of its attributions whose content overlaps the gold `content` (a sentence with
/// several holders gives each content its own), without `author`, in order, once each.
fn predicted_speakers(doc: &Document, sentence: usize, content: Option<&BratSpan>) -> Vec<String> {
    let s = &doc.sentences[sentence];
    let mut out: Vec<String> = Vec::new();
    let of_content = s
        .attributions
        .iter()
        .filter(|a| {
            content.is_some_and(|c| {
                c.ranges
                    .iter()
                    .any(|&r| overlaps(r, (a.content.start, a.content.end)))
            })
        })
        .filter_map(|a| a.holder.as_ref());
    for name in std::iter::once(&s.speaker)
        .chain(s.actors.iter().map(|a| &a.holder))
        .chain(of_content)
    {
        if name != AUTHOR && !out.contains(name) {
            out.push(name.clone());
        }
    }
    out
}

/// One gold attribution and what standpoint said about it (a line of `predictions.jsonl`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttributionRecord {
    pub article: String,
    /// The `E` line's id.
    pub id: String,
    /// The content's text; withheld by `--redact`.
    pub content: String,
    /// The gold source as written; `None` when the annotation has none.
    pub gold_source: Option<String>,
    /// The names the gold source resolved to; empty when unresolved.
    pub resolved: Vec<String>,
    /// The sentence's speaker (`author` for narration), then other holders, joined by `; `.
    pub predicted: String,
    /// `None` when not scored (no source, unresolved source, or no sentence).
    pub correct: Option<bool>,
    pub direct: bool,
}

/// Right and scored counts of one group.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Tally {
    pub right: usize,
    pub n: usize,
}

impl Tally {
    pub fn accuracy(&self) -> f64 {
        ratio(self.right, self.n)
    }

    fn add(&mut self, right: bool) {
        self.n += 1;
        self.right += usize::from(right);
    }
}

/// Counts behind every figure of attribution mode; the report derives the rates.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AttributionCounts {
    pub articles: usize,
    pub attributions: usize,
    pub with_source: usize,
    /// Sources that are neither names nor resolvable (indefinite descriptions): not scored.
    pub unresolved: usize,
    pub direct: Tally,
    pub rest: Tally,
    /// Sentences overlapping no gold span, and those of them given a speaker other than author.
    pub unattributed_sentences: usize,
    pub false_speakers: usize,
    /// Words in predicted speaker spans, in gold source spans, and in both.
    pub span_words_predicted: usize,
    pub span_words_gold: usize,
    pub span_words_matched: usize,
    /// Span counts per role of the model's `attributions` blocks (empty without the model).
    #[serde(default)]
    pub roles: std::collections::BTreeMap<crate::model::attribution::Role, RoleCounts>,
    /// Gold attributions with a source whose content a predicted content overlaps: right when
    /// that predicted relation's source overlaps the gold source.
    #[serde(default)]
    pub linking: Tally,
}

impl AttributionCounts {
    pub fn all(&self) -> Tally {
        Tally {
            right: self.direct.right + self.rest.right,
            n: self.direct.n + self.rest.n,
        }
    }

    pub fn false_speaker_rate(&self) -> f64 {
        ratio(self.false_speakers, self.unattributed_sentences)
    }

    /// Word-overlap precision, recall and F1 of speaker spans against gold source spans.
    pub fn span_prf(&self) -> (f64, f64, f64) {
        prf(
            self.span_words_matched,
            self.span_words_predicted,
            self.span_words_gold,
        )
    }
}

fn overlaps(a: (usize, usize), b: (usize, usize)) -> bool {
    a.0 < b.1 && b.0 < a.1
}

/// Score one article: add its counts to `counts` and return a record per gold attribution.
pub fn score_article(
    article: &Article,
    doc: &Document,
    counts: &mut AttributionCounts,
) -> Vec<AttributionRecord> {
    counts.articles += 1;
    let resolved = resolve_sources(&article.text, &article.attributions);
    let mut records = Vec::with_capacity(article.attributions.len());
    for (a, names) in article.attributions.iter().zip(&resolved) {
        counts.attributions += 1;
        let direct = a
            .content
            .as_ref()
            .is_some_and(|c| is_direct(&article.text, c));
        let sentence = a.content.as_ref().and_then(|c| sentence_at(doc, c.start()));
        let predicted =
            sentence.map_or_else(Vec::new, |s| predicted_speakers(doc, s, a.content.as_ref()));
        let mut correct = None;
        if a.source.is_some() {
            counts.with_source += 1;
            match (names, sentence) {
                (None, _) => counts.unresolved += 1,
                (Some(names), Some(_)) => {
                    let right = predicted.iter().any(|p| shares_name(names, p));
                    if direct {
                        counts.direct.add(right);
                    } else {
                        counts.rest.add(right);
                    }
                    correct = Some(right);
                }
                (Some(_), None) => {}
            }
        }
        records.push(AttributionRecord {
            article: article.id.clone(),
            id: a.id.clone(),
            content: a
                .content
                .as_ref()
                .map(|c| c.surface.clone())
                .unwrap_or_default(),
            gold_source: a.source.as_ref().map(|s| s.surface.clone()),
            resolved: names
                .as_ref()
                .map(|n| n.iter().cloned().collect())
                .unwrap_or_default(),
            predicted: if predicted.is_empty() {
                AUTHOR.to_string()
            } else {
                predicted.join("; ")
            },
            correct,
            direct,
        });
    }
    let gold_ranges: Vec<(usize, usize)> = article
        .attributions
        .iter()
        .flat_map(|a| [&a.source, &a.cue, &a.content])
        .flatten()
        .flat_map(|s| s.ranges.iter().copied())
        .collect();
    for s in &doc.sentences {
        if !gold_ranges.iter().any(|&r| overlaps(r, (s.start, s.end))) {
            counts.unattributed_sentences += 1;
            counts.false_speakers += usize::from(s.speaker != AUTHOR);
        }
    }
    let source_ranges: Vec<(usize, usize)> = article
        .attributions
        .iter()
        .filter_map(|a| a.source.as_ref())
        .flat_map(|s| s.ranges.iter().copied())
        .collect();
    // The model's relations, once each (a relation is listed in every sentence it covers).
    let mut relations: Vec<crate::speakers::learned::Linked> = doc
        .sentences
        .iter()
        .flat_map(|s| &s.attributions)
        .map(|a| {
            let r = |t: &crate::document::TextSpan| (t.start, t.end);
            (
                a.source.as_ref().map(r),
                a.cue.as_ref().map(r),
                r(&a.content),
            )
        })
        .collect();
    relations.sort();
    relations.dedup();
    let mut speaker_ranges: Vec<(usize, usize)> = doc
        .sentences
        .iter()
        .filter_map(|s| s.speaker_span)
        .map(|sp| (sp.start, sp.end))
        .collect();
    speaker_ranges.extend(relations.iter().filter_map(|r| r.0));
    if !relations.is_empty() {
        use crate::model::attribution::Role;
        let mut predicted = Vec::new();
        for (source, cue, content) in &relations {
            predicted.extend(source.map(|(b, e)| (Role::Source, b, e)));
            predicted.extend(cue.map(|(b, e)| (Role::Cue, b, e)));
            predicted.push((Role::Content, content.0, content.1));
        }
        predicted.sort();
        predicted.dedup();
        count_role_spans(
            &article.text,
            &article.attributions,
            &predicted,
            &mut counts.roles,
        );
        for a in &article.attributions {
            let (Some(gs), Some(gc)) = (&a.source, &a.content) else {
                continue;
            };
            let hit =
                |r: (usize, usize), span: &BratSpan| span.ranges.iter().any(|&g| overlaps(g, r));
            if let Some(rel) = relations.iter().find(|r| hit(r.2, gc)) {
                counts.linking.add(rel.0.is_some_and(|s| hit(s, gs)));
            }
        }
    }
    for w in crate::text::words::spans(&article.text) {
        let pred = speaker_ranges.iter().any(|&r| overlaps(r, w));
        let gold = source_ranges.iter().any(|&r| overlaps(r, w));
        counts.span_words_predicted += usize::from(pred);
        counts.span_words_gold += usize::from(gold);
        counts.span_words_matched += usize::from(pred && gold);
    }
    records
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{Scored, SentenceResult, Span};

    fn span(text: &str, part: &str) -> BratSpan {
        let start = text.find(part).expect("part in text");
        BratSpan {
            ranges: vec![(start, start + part.len())],
            surface: part.to_string(),
        }
    }

    fn attribution(id: &str, text: &str, source: Option<&str>, content: &str) -> Attribution {
        Attribution {
            id: id.into(),
            source: source.map(|s| span(text, s)),
            cue: None,
            content: Some(span(text, content)),
        }
    }

    fn sentence(
        text: &str,
        part: &str,
        speaker: &str,
        speaker_span: Option<&str>,
    ) -> SentenceResult {
        let start = text.find(part).expect("sentence in text");
        SentenceResult {
            index: 0,
            start,
            end: start + part.len(),
            text: part.into(),
            speaker: speaker.into(),
            cue: String::new(),
            speaker_span: speaker_span.map(|p| {
                let s = text.find(p).unwrap();
                Span {
                    start: s,
                    end: s + p.len(),
                }
            }),
            quotes: vec![],
            sentiment: Scored {
                label: "neutral".into(),
                scores: Default::default(),
            },
            attributions: Vec::new(),
            actors: vec![],
        }
    }

    #[test]
    fn names_are_capitalised_words_without_titles_openers_or_party_words() {
        let n = name_words("President Ana Ruiz's campaign");
        assert_eq!(n.into_iter().collect::<Vec<_>>(), vec!["ana", "ruiz"]);
        assert!(name_words("the Republican").is_empty());
        assert!(name_words("He").is_empty());
        assert!(name_words("The Daily Planet").contains("planet"));
        assert!(shares_name(&name_words("Ana Ruiz"), "Ruiz"));
        assert!(!shares_name(&name_words("Ana Ruiz"), "author"));
        // The same actor of the alias table under another name.
        assert!(shares_name(
            &own_names("the Security Council"),
            "United Nations"
        ));
        assert!(shares_name(&own_names("Moscow"), "Russia"));
        assert!(!shares_name(&own_names("Mexicans"), "Mexico"));
        assert!(!shares_name(
            &own_names("China, Pyongyang's ally,"),
            "North Korea"
        ));
        assert!(!shares_name(&own_names("Moscow"), "United States"));
        assert!(shares_name(
            &own_names("DNC rules"),
            "Democratic National Committee"
        ));
    }

    #[test]
    fn pronouns_and_definite_descriptions_take_the_nearest_earlier_name_and_indefinite_ones_none() {
        let text =
            "Ana Ruiz said a. Ben Ode said b. He said c. The newspaper said d. A source said e. \
             Fans of Cal Tan, who said f.";
        let atts = vec![
            attribution("E1", text, Some("Ana Ruiz"), "a."),
            attribution("E2", text, Some("Ben Ode"), "b."),
            attribution("E3", text, Some("He"), "c."),
            attribution("E4", text, Some("The newspaper"), "d."),
            attribution("E5", text, Some("A source"), "e."),
            attribution("E6", text, None, "e."),
            attribution("E7", text, Some("who"), "f."),
        ];
        let r = resolve_sources(text, &atts);
        let names = |i: usize| r[i].as_ref().map(|n| n.iter().cloned().collect::<Vec<_>>());
        assert_eq!(names(0), Some(vec!["ana".into(), "ruiz".into()]));
        assert_eq!(names(2), Some(vec!["ben".into(), "ode".into()]));
        assert_eq!(names(3), Some(vec!["ben".into(), "ode".into()]));
        assert_eq!(names(4), None);
        assert_eq!(names(5), None);
        assert_eq!(names(6), Some(vec!["cal".into(), "tan".into()]));
    }

    #[test]
    fn a_description_with_a_lowercase_head_takes_its_name_from_an_earlier_source() {
        // "The Florida senator" is Marco Rubio, not someone named "Florida"; a holder "Florida"
        // was counted right and "Marco Rubio" wrong before.
        assert!(is_description("The Florida senator"));
        assert!(is_description("the former New York mayor, who spoke first"));
        assert!(is_description("The GOP nominee"));
        assert!(!is_description("The Washington Post"));
        assert!(!is_description("the White House"));
        assert!(!is_description("Florida Sen. Marco Rubio"));
        let text = "Marco Rubio said a. The Florida senator said b. The Washington Post said c.";
        let atts = vec![
            attribution("E1", text, Some("Marco Rubio"), "a."),
            attribution("E2", text, Some("The Florida senator"), "b."),
            attribution("E3", text, Some("The Washington Post"), "c."),
        ];
        let r = resolve_sources(text, &atts);
        let names = |i: usize| r[i].as_ref().map(|n| n.iter().cloned().collect::<Vec<_>>());
        assert_eq!(names(1), Some(vec!["marco".into(), "rubio".into()]));
        assert_eq!(names(2), Some(vec!["post".into(), "washington".into()]));
    }

    #[test]
    fn direct_quotes_start_with_or_follow_a_quotation_mark() {
        let text = "She said “we won” and \"yes\" and that it rained.";
        assert!(is_direct(text, &span(text, "“we won”")));
        assert!(is_direct(text, &span(text, "yes")));
        assert!(!is_direct(text, &span(text, "that it rained")));
    }

    #[test]
    fn an_article_scores_speakers_false_speakers_and_span_words() {
        let text = "“We will win,” Ana Ruiz said. Ben Ode said taxes rose. Rain fell. Snow fell.";
        let article = Article {
            id: "a1".into(),
            annotator: "x".into(),
            text: text.into(),
            attributions: vec![
                attribution("E1", text, Some("Ana Ruiz"), "“We will win,”"),
                attribution("E2", text, Some("Ben Ode"), "taxes rose"),
            ],
        };
        let doc = Document {
            sentences: vec![
                sentence(
                    text,
                    "“We will win,” Ana Ruiz said.",
                    "Ana Ruiz",
                    Some("Ana Ruiz"),
                ),
                sentence(text, "Ben Ode said taxes rose.", AUTHOR, None),
                sentence(text, "Rain fell.", "Ben Ode", Some("Rain")),
                sentence(text, "Snow fell.", AUTHOR, None),
            ],
            summary: vec![],
            dropped: vec![],
        };
        let mut c = AttributionCounts::default();
        let rows = score_article(&article, &doc, &mut c);
        assert_eq!(c.direct, Tally { right: 1, n: 1 });
        assert_eq!(c.rest, Tally { right: 0, n: 1 });
        assert_eq!((c.unattributed_sentences, c.false_speakers), (2, 1));
        assert_eq!(c.false_speaker_rate(), 0.5);
        // Predicted span words: Ana, Ruiz, Rain; gold: Ana, Ruiz, Ben, Ode.
        assert_eq!(
            (
                c.span_words_predicted,
                c.span_words_gold,
                c.span_words_matched
            ),
            (3, 4, 2)
        );
        assert_eq!(rows[0].correct, Some(true));
        assert!(rows[0].direct);
        assert_eq!(rows[1].predicted, AUTHOR);
        assert_eq!(rows[1].correct, Some(false));
    }
}

/// Span counts of one role: exact spans (after trimming spaces and punctuation at both ends)
/// and words (alphanumeric runs) inside spans.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct RoleCounts {
    pub spans_predicted: usize,
    pub spans_gold: usize,
    pub spans_matched: usize,
    pub words_predicted: usize,
    pub words_gold: usize,
    pub words_matched: usize,
}

impl RoleCounts {
    /// Exact-span precision, recall, F1.
    pub fn exact(&self) -> (f64, f64, f64) {
        prf(self.spans_matched, self.spans_predicted, self.spans_gold)
    }

    /// Word-overlap precision, recall, F1.
    pub fn overlap(&self) -> (f64, f64, f64) {
        prf(self.words_matched, self.words_predicted, self.words_gold)
    }
}

/// A span without the spaces and punctuation at its ends.
fn trimmed(text: &str, (s, e): (usize, usize)) -> (usize, usize) {
    let inner = &text[s..e];
    let lead = inner.len()
        - inner
            .trim_start_matches(|c: char| !c.is_alphanumeric())
            .len();
    let kept = inner[lead..].trim_end_matches(|c: char| !c.is_alphanumeric());
    (s + lead, s + lead + kept.len())
}

/// Add one article's span counts per role: gold spans are every range of the annotation's
/// spans, predicted spans are `(role, start, end)`.
pub fn count_role_spans(
    text: &str,
    gold: &[Attribution],
    predicted: &[(crate::model::attribution::Role, usize, usize)],
    counts: &mut std::collections::BTreeMap<crate::model::attribution::Role, RoleCounts>,
) {
    use crate::model::attribution::Role;
    let all_words = crate::text::words::spans(text);
    for role in Role::ALL {
        let mut g: BTreeSet<(usize, usize)> = BTreeSet::new();
        for a in gold {
            let span = match role {
                Role::Source => &a.source,
                Role::Cue => &a.cue,
                Role::Content => &a.content,
            };
            if let Some(span) = span {
                g.extend(span.ranges.iter().map(|&r| trimmed(text, r)));
            }
        }
        let p: BTreeSet<(usize, usize)> = predicted
            .iter()
            .filter(|(r, _, _)| *r == role)
            .map(|&(_, s, e)| trimmed(text, (s, e)))
            .collect();
        let c = counts.entry(role).or_default();
        c.spans_gold += g.len();
        c.spans_predicted += p.len();
        c.spans_matched += g.intersection(&p).count();
        for &w in &all_words {
            let in_g = g.iter().any(|&r| overlaps(r, w));
            let in_p = p.iter().any(|&r| overlaps(r, w));
            c.words_gold += usize::from(in_g);
            c.words_predicted += usize::from(in_p);
            c.words_matched += usize::from(in_g && in_p);
        }
    }
}

/// Per-role span figures as JSON: exact and word-overlap precision, recall, F1, and counts.
pub fn role_span_json(
    counts: &std::collections::BTreeMap<crate::model::attribution::Role, RoleCounts>,
) -> serde_json::Value {
    let r4 = |x: f64| (x * 10_000.0).round() / 10_000.0;
    let mut out = serde_json::Map::new();
    for (role, c) in counts {
        let (ep, er, ef) = c.exact();
        let (op, or, of) = c.overlap();
        out.insert(
            role.name().to_string(),
            serde_json::json!({
                "exact": {"precision": r4(ep), "recall": r4(er), "f1": r4(ef)},
                "overlap": {"precision": r4(op), "recall": r4(or), "f1": r4(of)},
                "counts": c,
            }),
        );
    }
    serde_json::Value::Object(out)
}

/// The attribution tagger's spans on a brat folder, per role.
pub fn score_tagger_spans(
    m: &crate::model::attribution::AttributionTagger,
    dir: &std::path::Path,
) -> crate::error::Result<serde_json::Value> {
    let loaded = crate::data::brat::read(dir)?;
    let mut counts = std::collections::BTreeMap::new();
    for chunk in loaded.rows.chunks(8) {
        let texts: Vec<&str> = chunk.iter().map(|a| a.text.as_str()).collect();
        for (a, spans) in chunk.iter().zip(m.spans_many(&texts)?) {
            let p: Vec<_> = spans.iter().map(|s| (s.role, s.start, s.end)).collect();
            count_role_spans(&a.text, &a.attributions, &p, &mut counts);
        }
    }
    let mut v = role_span_json(&counts);
    v["articles"] = serde_json::json!(loaded.rows.len());
    Ok(v)
}
