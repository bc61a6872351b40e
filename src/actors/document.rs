//! The actors of one document: the alias table's matches and the tagger's names merged per
//! sentence, each person clustered under the fullest name the document gives them, each
//! organisation the table does not know under its longest surface.

use super::{
    cluster_people, in_first_person_possessive, is_location_only, is_source_credit, ActorKind,
    AliasKind, AliasMatch, AliasTable, PersonCluster,
};
use std::collections::HashMap;

/// A span the named-entity tagger found in a sentence (byte offsets within the sentence).
#[derive(Debug, Clone, Copy)]
pub struct TaggedSpan<'a> {
    pub start: usize,
    pub end: usize,
    pub text: &'a str,
    /// PER, ORG, LOC or MISC.
    pub label: &'a str,
}

/// An actor mention found in one sentence (offsets within the sentence).
#[derive(Debug, Clone)]
pub struct Found {
    pub start: usize,
    pub end: usize,
    pub canonical: String,
    pub id: String,
    pub kind: ActorKind,
}

/// The actors of a document, sentence by sentence, and its people.
pub struct DocumentActors {
    /// The mentions of each sentence, in order of position.
    pub found: Vec<Vec<Found>>,
    /// The document's people, each under their fullest name.
    pub people: Vec<PersonCluster>,
}

/// The actors of the sentences `texts` of one document, given the tagger's spans in each.
pub fn find_in_document(
    table: &AliasTable,
    texts: &[&str],
    tagged: &[Vec<TaggedSpan>],
) -> DocumentActors {
    // Actors: alias table first (canonical ids), then NER mentions it does not cover.
    let mut found: Vec<Vec<Found>> = Vec::with_capacity(texts.len());
    let mut people: Vec<(usize, usize)> = Vec::new(); // (sentence, index in found)
    let mut orgs: HashMap<String, String> = HashMap::new(); // lowercase -> longest surface
    for (i, sentence) in texts.iter().enumerate() {
        let matches = table.find_all(sentence);
        let mut here: Vec<Found> = Vec::new();
        for m in &matches {
            if is_location_only(sentence, m)
                || in_first_person_possessive(sentence, m.start, m.end)
                || is_source_credit(sentence, m.start, m.end)
            {
                continue;
            }
            here.push(Found {
                start: m.start,
                end: m.end,
                canonical: m.canonical.to_string(),
                id: m.actor_id.to_string(),
                kind: m.kind,
            });
        }
        for e in &tagged[i] {
            if matches
                .iter()
                .any(|m| overlaps((m.start, m.end), (e.start, e.end)))
            {
                continue;
            }
            if let Some(actor) = table.lookup(e.text) {
                let m = AliasMatch {
                    start: e.start,
                    end: e.end,
                    actor_id: &actor.id,
                    canonical: &actor.canonical,
                    kind: actor.kind,
                    via: AliasKind::Name,
                };
                if !is_location_only(sentence, &m) {
                    here.push(Found {
                        start: e.start,
                        end: e.end,
                        canonical: actor.canonical.clone(),
                        id: actor.id.clone(),
                        kind: actor.kind,
                    });
                }
                continue;
            }
            if in_first_person_possessive(sentence, e.start, e.end)
                || is_source_credit(sentence, e.start, e.end)
            {
                continue;
            }
            // Names are capitalised in English news; an all-lowercase span the tagger calls an
            // entity ("the defence accord") is a slip, not an actor the alias table missed.
            if !e.text.chars().any(char::is_uppercase) {
                continue;
            }
            // A title the tagger took for a name ("Mr" of "Mr. Clarke"): the name is what
            // follows it; a title alone is no actor.
            // Punctuation the tagger took in at the front (". Clarke" of "Mr. Clarke").
            let mut e_start = e.start + e.text.len()
                - e.text
                    .trim_start_matches(|c: char| !c.is_alphanumeric())
                    .len();
            if e_start >= e.end {
                continue;
            }
            let mut title_end = None;
            if e.label == "PER" && is_bare_title(e.text) {
                let after = e.end + usize::from(sentence[e.end..].starts_with('.'));
                let next = name_continues(sentence, after, table);
                if next == after {
                    continue;
                }
                e_start = after + 1;
                title_end = Some(next);
            }
            // A span already found here (the name after a title, tagged on its own too).
            if here
                .iter()
                .any(|f| f.start < e.end.max(title_end.unwrap_or(0)) && e_start < f.end)
            {
                continue;
            }
            // A person's name the tagger cut short ("Avner" of "Avner Shaked") runs on over
            // the capitalised words right after it.
            let end = match title_end {
                Some(end) => end,
                None if e.label == "PER" => name_continues(sentence, e.end, table),
                None => e.end,
            };
            let surface = sentence[e_start..end]
                .trim_end_matches("'s")
                .trim_end_matches("’s")
                .to_string();
            match e.label {
                "PER" => {
                    here.push(Found {
                        start: e_start,
                        end: e_start + surface.len(),
                        canonical: surface,
                        id: String::new(),
                        kind: ActorKind::Person,
                    });
                }
                "ORG" => {
                    let key = surface.to_lowercase();
                    let longest = orgs.entry(key).or_insert_with(|| surface.clone());
                    if surface.len() > longest.len() {
                        *longest = surface.clone();
                    }
                    here.push(Found {
                        start: e.start,
                        end: e.start + surface.len(),
                        canonical: surface,
                        id: String::new(),
                        kind: ActorKind::Organisation,
                    });
                }
                // Places and groups the alias table does not know are not actors.
                _ => {}
            }
        }
        here.sort_by_key(|f| f.start);
        // The tagger's people (no alias-table id), indexed after sorting.
        people.extend(
            here.iter()
                .enumerate()
                .filter(|(_, f)| f.kind == ActorKind::Person && f.id.is_empty())
                .map(|(k, _)| (i, k)),
        );
        found.push(here);
    }
    // People: one actor per person in the document, under the fullest name.
    let names: Vec<(usize, &str)> = people
        .iter()
        .enumerate()
        .map(|(k, (s, f))| (k, found[*s][*f].canonical.as_str()))
        .collect();
    let clusters = cluster_people(&names);
    let mut person_name: HashMap<usize, String> = HashMap::new();
    for c in &clusters {
        for &k in &c.mentions {
            person_name.insert(k, c.canonical.clone());
        }
    }
    for (k, (s, f)) in people.iter().enumerate() {
        let name = person_name
            .get(&k)
            .cloned()
            .unwrap_or_else(|| found[*s][*f].canonical.clone());
        found[*s][*f].id = format!("doc:{name}");
        found[*s][*f].canonical = name;
    }
    for row in found.iter_mut() {
        for f in row
            .iter_mut()
            .filter(|f| f.kind == ActorKind::Organisation && f.id.is_empty())
        {
            if let Some(longest) = orgs.get(&f.canonical.to_lowercase()) {
                f.canonical = longest.clone();
            }
            f.id = format!("doc:{}", f.canonical);
        }
    }

    // An acronym the document spells out: "ICC" after "International Cricket Council" is the
    // council, not the court the alias table knows by those letters.
    let spelled: Vec<(String, String)> = found
        .iter()
        .flatten()
        .filter(|f| f.kind == ActorKind::Organisation && f.id.starts_with("doc:"))
        .filter_map(|f| initials(&f.canonical).map(|i| (i, f.canonical.clone())))
        .collect();
    if !spelled.is_empty() {
        for (row, text) in found.iter_mut().zip(texts) {
            for f in row.iter_mut() {
                let surface = &text[f.start..f.end];
                if let Some((_, name)) = spelled.iter().find(|(i, _)| i == surface) {
                    f.canonical = name.clone();
                    f.id = format!("doc:{name}");
                    f.kind = ActorKind::Organisation;
                }
            }
        }
    }

    DocumentActors {
        found,
        people: clusters,
    }
}

/// The initials of a name's capitalised words, when there are two to six of them and the name
/// has more than one word ("International Cricket Council" -> "ICC", "Board of Control for
/// Cricket in India" -> "BCCI").
pub fn initials(name: &str) -> Option<String> {
    let letters: String = name
        .split_whitespace()
        .filter_map(|w| w.chars().next().filter(|c| c.is_uppercase()))
        .collect();
    let words = name.split_whitespace().count();
    (words > 1 && (2..=6).contains(&letters.chars().count())).then_some(letters)
}

/// The end of a person's name that starts before `end`: at most two more capitalised words
/// (letters, hyphens, apostrophes) directly after it, when they are not a day, a month or a
/// name the alias table knows ("Avner" + " Shaked"; not "Asif Sunday", not "Putin Russia").
/// Whether a tagged span is only a title or honorific ("Mr", "Mrs.", "Sen.").
fn is_bare_title(text: &str) -> bool {
    let t = text.trim().trim_end_matches('.').to_lowercase();
    crate::text::words::TITLES.contains(&t.as_str())
        || matches!(
            t.as_str(),
            "sen" | "rep" | "gov" | "gen" | "lt" | "col" | "rev"
        )
}

fn name_continues(text: &str, mut end: usize, table: &AliasTable) -> usize {
    for _ in 0..2 {
        let rest = &text[end..];
        let Some(word_start) = rest.strip_prefix(' ') else {
            break;
        };
        let len = word_start
            .find(|c: char| !(c.is_alphabetic() || c == '-' || c == '\''))
            .unwrap_or(word_start.len());
        let word = &word_start[..len];
        let word = word
            .strip_suffix("'s")
            .unwrap_or(word)
            .trim_end_matches(['\'', '-']);
        let capitalised = word.chars().next().is_some_and(char::is_uppercase)
            && word.chars().skip(1).any(char::is_lowercase);
        if word.len() < 2
            || !capitalised
            || crate::text::words::is_sentence_opener(word)
            || crate::text::words::is_day_or_month(&word.to_lowercase())
            || table.lookup(word).is_some()
        {
            break;
        }
        end += 1 + word.len();
    }
    end
}

/// Whether two byte ranges share a byte.
pub fn overlaps(a: (usize, usize), b: (usize, usize)) -> bool {
    a.0 < b.1 && b.0 < a.1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_acronym_the_document_spells_out_is_that_name_not_the_tables() {
        // Before: "ICC" was the International Criminal Court wherever it stood.
        let t = AliasTable::builtin();
        let texts = [
            "The International Cricket Council moved the final.",
            "Rana said the ICC had let politics win.",
        ];
        let org = "International Cricket Council";
        let tagged = vec![
            vec![TaggedSpan {
                start: 4,
                end: 4 + org.len(),
                text: org,
                label: "ORG",
            }],
            vec![],
        ];
        let d = find_in_document(t, &texts, &tagged);
        let icc = d.found[1]
            .iter()
            .find(|f| &texts[1][f.start..f.end] == "ICC");
        assert_eq!(icc.map(|f| f.canonical.as_str()), Some(org));
        // Alone, the table's reading stands.
        let d = find_in_document(t, &texts[1..], &tagged[1..]);
        assert_eq!(d.found[0][0].canonical, "International Criminal Court");
        assert_eq!(
            initials("Board of Control for Cricket in India").as_deref(),
            Some("BCCI")
        );
        assert_eq!(initials("Reuters"), None);
    }

    #[test]
    fn a_name_the_tagger_cut_short_runs_on_over_capitalised_words() {
        let t = AliasTable::builtin();
        let cases = [
            (
                "Minister Avner Shaked on Wednesday said",
                "Avner",
                "Avner Shaked",
            ),
            ("Khawaja Asif Sunday said", "Khawaja Asif", "Khawaja Asif"),
            ("talks with Putin Russia said", "Putin", "Putin"),
            (
                "Avner Shaked-Levi, the minister",
                "Avner",
                "Avner Shaked-Levi",
            ),
            ("Avner Shaked's plan", "Avner", "Avner Shaked"),
            ("said Avner. The talks", "Avner", "Avner"),
        ];
        for (text, cut, want) in cases {
            let s = text.find(cut).unwrap();
            let end = name_continues(text, s + cut.len(), t);
            assert_eq!(&text[s..end], want, "{text}");
        }
    }
}
