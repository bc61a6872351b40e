//! The annotated samples in `evaluation/samples/` are the one source of their data: they are
//! edited as they are, no generator writes them. This holds them to their contract
//! (`evaluation/README.md`, `evaluation/GUIDELINES.md`), reading the rows through the adapter
//! that evaluation and training read them with; a failure names the file, line and rule.

use serde::de::{Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use standpoint::data::annotated::{self, AnnotatedRow, KEYS};
use standpoint::labels::{Stance, AUTHOR};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};

const SPLITS: [&str; 2] = ["dev", "test"];

fn samples(file: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("evaluation/samples")
        .join(file)
}

/// A JSON object's keys in file order, each with whether its value is a string.
struct Keys(Vec<(String, bool)>);

impl<'de> Deserialize<'de> for Keys {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Keys, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Keys;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Keys, A::Error> {
                let mut keys = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, serde_json::Value>()? {
                    keys.push((k, v.is_string()));
                }
                Ok(Keys(keys))
            }
        }
        d.deserialize_map(V)
    }
}

/// The lines of a file, numbered from 1; every line must hold something.
fn lines(path: &Path) -> Vec<(usize, String)> {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.ends_with('\n'), "{}: no final newline", path.display());
    text.lines()
        .enumerate()
        .map(|(i, l)| {
            assert!(
                !l.trim().is_empty(),
                "{}:{}: blank line",
                path.display(),
                i + 1
            );
            (i + 1, l.to_owned())
        })
        .collect()
}

/// One row as the file holds it, with where it is and what its id says.
struct Row {
    at: String,
    split: &'static str,
    row: AnnotatedRow,
    /// `s<NN>` of the id: the sentence's position in its document, from 1.
    sentence: usize,
    /// `a<N>` of the id: the row's position among its sentence's rows, from 1.
    number: usize,
}

/// `<doc>-s<NN>-a<N>` -> (NN, N).
fn id_numbers(id: &str, doc: &str) -> Option<(usize, usize)> {
    let rest = id.strip_prefix(doc)?.strip_prefix("-s")?;
    let (s, a) = rest.split_once("-a")?;
    let digits = |x: &str| !x.is_empty() && x.bytes().all(|b| b.is_ascii_digit());
    if s.len() != 2 || !digits(s) || !digits(a) {
        return None;
    }
    Some((s.parse().ok()?, a.parse().ok()?))
}

/// Every row of a split, each checked on its own: the nine keys in order with string values,
/// read by the adapter without a skip, labels spelled as written, `mention` verbatim in `text`
/// (the adapter's target span), an id of its document.
fn read_split(split: &'static str) -> Vec<Row> {
    let path = samples(&format!("{split}.jsonl"));
    let loaded = annotated::read(&path).unwrap();
    assert!(
        loaded.skipped.is_empty(),
        "rows the adapter skips: {:?}",
        loaded.skipped
    );
    let lines = lines(&path);
    assert_eq!(loaded.rows.len(), lines.len(), "{}", path.display());
    let mut out = Vec::new();
    for ((line, text), example) in lines.iter().zip(&loaded.rows) {
        let at = format!("{split}.jsonl:{line}");
        let keys: Keys = serde_json::from_str(text).unwrap_or_else(|e| panic!("{at}: {e}"));
        let names: Vec<&str> = keys.0.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(names, KEYS, "{at}: keys, exactly and in this order");
        assert!(
            keys.0.iter().all(|(_, s)| *s),
            "{at}: a value is not a string"
        );
        // AnnotatedRow reads the labels as written (lowercase), where `read` forgives case.
        let row: AnnotatedRow = serde_json::from_str(text).unwrap_or_else(|e| panic!("{at}: {e}"));
        assert_eq!(example.stance, Some(row.stance), "{at}");
        assert!(row.sentiment.is_some(), "{at}: no sentiment");
        assert_eq!(example.sentiment, row.sentiment, "{at}");
        let (s, e) = example
            .target_span
            .expect("the adapter skips rows without one");
        assert_eq!(
            &example.text[s..e],
            row.mention,
            "{at}: mention not verbatim in text"
        );
        assert_eq!(
            (&example.id, &example.doc, &example.text, &example.context),
            (&row.id, &row.doc, &row.text, row.context.as_ref().unwrap()),
            "{at}"
        );
        assert!(!row.doc.is_empty(), "{at}: empty doc");
        assert_ne!(
            row.speaker, row.actor,
            "{at}: a speaker is not its own actor"
        );
        if row.speaker == AUTHOR {
            assert_eq!(
                row.stance,
                Stance::Neutral,
                "{at}: author narration is neutral"
            );
        }
        let (sentence, number) = id_numbers(&row.id, &row.doc)
            .unwrap_or_else(|| panic!("{at}: id '{}' is not {}-s<NN>-a<N>", row.id, row.doc));
        out.push(Row {
            at,
            split,
            row,
            sentence,
            number,
        });
    }
    out
}

fn all_rows() -> Vec<Row> {
    SPLITS.iter().flat_map(|s| read_split(s)).collect()
}

#[test]
fn every_sample_row_keeps_the_row_contract() {
    let rows = all_rows();
    assert!(!rows.is_empty());
    let mut ids = HashSet::new();
    let mut split_of: HashMap<&str, &str> = HashMap::new();
    let mut pairs = HashSet::new();
    let mut sentiment_of: HashMap<(&str, &str, &str), _> = HashMap::new();
    for r in &rows {
        let (at, row) = (&r.at, &r.row);
        assert!(ids.insert(row.id.as_str()), "{at}: id '{}' repeats", row.id);
        let first = *split_of.entry(&row.doc).or_insert(r.split);
        assert_eq!(first, r.split, "{at}: doc {} is in both splits", row.doc);
        let pair = (&row.doc, &row.text, &row.speaker, &row.actor);
        assert!(
            pairs.insert(pair),
            "{at}: (sentence, speaker, actor) repeats"
        );
        let one = *sentiment_of
            .entry((row.doc.as_str(), row.text.as_str(), row.speaker.as_str()))
            .or_insert(row.sentiment);
        assert_eq!(
            one, row.sentiment,
            "{at}: sentiment differs within one (sentence, speaker)"
        );
    }
}

/// Rows come document by document and sentence by sentence, numbered in order; all rows of a
/// sentence share its text and context; the context is the sentence before (`""` for the first),
/// which is annotated or, when it has no rows, not one of the document's annotated sentences.
#[test]
fn sample_contexts_are_the_preceding_sentence_of_the_same_document() {
    let rows = all_rows();
    let mut docs: Vec<&str> = Vec::new();
    // doc -> sentence number -> (text, context)
    let mut sentences: BTreeMap<&str, BTreeMap<usize, (&str, &str)>> = BTreeMap::new();
    let mut previous: Option<&Row> = None;
    for r in &rows {
        let (at, row) = (&r.at, &r.row);
        let context = row.context.as_deref().unwrap_or_default();
        match previous.filter(|p| p.row.doc == row.doc) {
            Some(p) if p.sentence == r.sentence => {
                assert_eq!(
                    r.number,
                    p.number + 1,
                    "{at}: rows of a sentence count a1, a2, ..."
                )
            }
            Some(p) => {
                assert!(r.sentence > p.sentence, "{at}: sentence out of order");
                assert_eq!(r.number, 1, "{at}: a sentence's rows start at a1");
            }
            None => {
                assert!(
                    !docs.contains(&row.doc.as_str()),
                    "{at}: doc {} is split up",
                    row.doc
                );
                docs.push(&row.doc);
                assert_eq!(r.number, 1, "{at}: a sentence's rows start at a1");
            }
        }
        let doc = sentences.entry(&row.doc).or_default();
        let (text, ctx) = *doc.entry(r.sentence).or_insert((&row.text, context));
        assert_eq!(
            (text, ctx),
            (row.text.as_str(), context),
            "{at}: rows of one sentence differ in text or context"
        );
        previous = Some(r);
    }
    for (doc, by_number) in &sentences {
        let texts: HashSet<&str> = by_number.values().map(|(t, _)| *t).collect();
        assert_eq!(texts.len(), by_number.len(), "{doc}: a sentence repeats");
        for (&n, &(text, context)) in by_number {
            let want = if n == 1 {
                Some("")
            } else {
                by_number.get(&(n - 1)).map(|(t, _)| *t)
            };
            match want {
                Some(w) => assert_eq!(context, w, "{doc} sentence {n} ({text}): context"),
                None => assert!(
                    !context.is_empty() && !texts.contains(context),
                    "{doc} sentence {n} ({text}): its context should be sentence {} (one \
                     without rows), not '{context}'",
                    n - 1
                ),
            }
        }
    }
}

#[derive(Deserialize, PartialEq, Debug)]
#[serde(deny_unknown_fields)]
struct Entry {
    speaker: String,
    actor: String,
    stance: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Summary {
    doc: String,
    summary: Vec<Entry>,
}

/// The document stance of a (speaker, actor) pair from its sentence stances (GUIDELINES §8):
/// neutral ones dropped, none left is neutral, a tie is mixed, else the majority.
fn aggregate(stances: &[Stance]) -> &'static str {
    let count = |s| stances.iter().filter(|&&x| x == s).count();
    match (count(Stance::Favor), count(Stance::Against)) {
        (0, 0) => "neutral",
        (f, a) if f == a => "mixed",
        (f, a) if f > a => "favor",
        _ => "against",
    }
}

/// A (speaker, actor) pair of a document with its sentence stances, in first-appearance order.
type Pair<'a> = ((&'a str, &'a str), Vec<Stance>);

/// Every document of the samples has one summary line, dev then test in file order; each
/// (speaker, actor) is a pair with rows in that document, listed in the order it first appears,
/// with the stance its rows give.
#[test]
fn sample_summaries_cover_every_document_and_agree_with_its_rows() {
    let rows = all_rows();
    let mut docs: Vec<(&str, Vec<Pair>)> = Vec::new();
    for r in &rows {
        let row = &r.row;
        if docs.last().is_none_or(|(d, _)| *d != row.doc) {
            docs.push((&row.doc, Vec::new()));
        }
        let pairs = &mut docs.last_mut().unwrap().1;
        let key = (row.speaker.as_str(), row.actor.as_str());
        match pairs.iter_mut().find(|(k, _)| *k == key) {
            Some((_, stances)) => stances.push(row.stance),
            None => pairs.push((key, vec![row.stance])),
        }
    }
    let known: HashMap<&str, usize> = docs.iter().enumerate().map(|(i, (d, _))| (*d, i)).collect();
    let lines = lines(&samples("summaries.jsonl"));
    let mut seen = HashSet::new();
    for (line, text) in &lines {
        let at = format!("summaries.jsonl:{line}");
        let keys: Keys = serde_json::from_str(text).unwrap_or_else(|e| panic!("{at}: {e}"));
        let names: Vec<&str> = keys.0.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(names, ["doc", "summary"], "{at}: keys");
        let s: Summary = serde_json::from_str(text).unwrap_or_else(|e| panic!("{at}: {e}"));
        assert!(
            seen.insert(s.doc.clone()),
            "{at}: doc {} has two lines",
            s.doc
        );
        let Some(&i) = known.get(s.doc.as_str()) else {
            panic!("{at}: doc {} is in neither dev.jsonl nor test.jsonl", s.doc)
        };
        let pairs = &docs[i].1;
        for e in &s.summary {
            assert!(
                ["favor", "against", "neutral", "mixed"].contains(&e.stance.as_str()),
                "{at}: stance '{}'; expected favor, against, neutral, mixed",
                e.stance
            );
            assert!(
                pairs
                    .iter()
                    .any(|((sp, ac), _)| (*sp, *ac) == (e.speaker.as_str(), e.actor.as_str())),
                "{at}: ({}, {}) has no row in {}",
                e.speaker,
                e.actor,
                s.doc
            );
        }
        let want: Vec<Entry> = pairs
            .iter()
            .map(|((speaker, actor), stances)| Entry {
                speaker: speaker.to_string(),
                actor: actor.to_string(),
                stance: aggregate(stances).to_string(),
            })
            .collect();
        assert_eq!(
            s.summary, want,
            "{at}: the summary of {} disagrees with its rows",
            s.doc
        );
        assert_eq!(*line, i + 1, "{at}: summaries follow the documents' order");
    }
    assert_eq!(lines.len(), docs.len(), "every document has a summary");
}
