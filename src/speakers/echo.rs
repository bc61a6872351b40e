//! A second holder who takes up what the first said, in the same sentence: "A said ..., a
//! position B welcomed" (or backed, shared, echoed). The guidelines (section 4, several holders
//! in one sentence) give B A's stance toward the actors of A's clause and `favor` toward A, and
//! B's own mention is no actor. The attribution models tag the first holder and read the rest
//! of the sentence as A's content ("the Houthis were holding aid workers hostage, a charge
//! Britain and France backed"), so the clause is found here, from its words: a comma, a
//! determiner, a noun for what was said, and the holders named right after it. B's stance
//! toward A is not asked (the pipeline starts B's clause after A's mention): the stance model
//! does not read the `favor` the guidelines give it from the two mentions.

use super::tokens::words_at;
use super::{MentionKind, NamedMention, Reported};

/// Nouns that name what someone said, for a second holder to take it up ("a position", "a
/// charge", "a complaint").
const ECHO_NOUNS: &[&str] = &[
    "position",
    "charge",
    "claim",
    "complaint",
    "view",
    "accusation",
    "assessment",
    "argument",
    "criticism",
    "demand",
    "call",
    "warning",
    "stance",
    "allegation",
    "concern",
    "move",
    "decision",
    "step",
];

const DETERMINERS: &[&str] = &["a", "an", "the", "this", "that"];

/// How many words after the noun the holder's name may start: the holder opens the clause
/// ("a charge [Britain and France] backed", "a move [the European Union]'s envoy called
/// regrettable").
const HOLDER_WITHIN: usize = 4;

/// The holders of an echo clause in `text` (one sentence) as reported stances over what comes
/// before the clause, from `from` (the pipeline passes the end of the first holder's mention).
/// `mentions` are the sentence's named mentions; a holder must be one of them (a person, body
/// or state named right after the noun).
pub fn echo_holders(text: &str, mentions: &[&NamedMention], from: usize) -> Vec<Reported> {
    let Some((comma, tail)) = echo_clause(text) else {
        return Vec::new();
    };
    // The words of the tail with their offsets in `text`.
    let words: Vec<(usize, &str)> = words_at(&text[tail..])
        .map(|(at, w)| (tail + at, w))
        .collect();
    let limit = words.get(HOLDER_WITHIN).map_or(text.len(), |&(at, _)| at);
    // The clause's last lowercase word: its verb in "a charge Britain and France backed".
    let verb = words
        .iter()
        .rev()
        .find(|(_, w)| w.chars().next().is_some_and(char::is_lowercase))
        .map(|(_, w)| {
            w.trim_end_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase()
        })
        .unwrap_or_default();
    let mut out: Vec<Reported> = Vec::new();
    for m in mentions {
        let named = matches!(
            m.kind,
            MentionKind::Person | MentionKind::State | MentionKind::Organisation
        );
        if !named || m.start < tail || m.start >= limit {
            continue;
        }
        if out.iter().any(|r| r.holder == m.name) {
            continue;
        }
        out.push(Reported {
            holder: m.name.clone(),
            holder_span: (m.start, m.end),
            verb: verb.clone(),
            object_span: (from.min(comma), comma),
        });
    }
    out
}

/// Where ", <determiner> <noun for what was said> " stands in `text`: the comma's offset and
/// where the words after the noun begin. The last such clause, and only one that ends the
/// sentence (no further comma after it).
fn echo_clause(text: &str) -> Option<(usize, usize)> {
    text.rmatch_indices(", ").find_map(|(comma, _)| {
        let mut words = words_at(&text[comma + 2..]);
        let (_, det) = words.next()?;
        let (_, noun) = words.next()?;
        let (tail, _) = words.next()?;
        let tail = comma + 2 + tail;
        (names_a_statement(det, noun) && !text[tail..].contains(',')).then_some((comma, tail))
    })
}

/// Whether "<det> <noun>" is a determiner and a noun for what someone said ("a charge", "the
/// position"), case aside.
pub(crate) fn names_a_statement(det: &str, noun: &str) -> bool {
    DETERMINERS.contains(&det.to_lowercase().as_str())
        && ECHO_NOUNS.contains(&noun.to_lowercase().as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mention(text: &str, part: &str, name: &str, kind: MentionKind) -> NamedMention {
        let start = text.find(part).expect("part");
        NamedMention {
            sentence: 0,
            start,
            end: start + part.len(),
            name: name.into(),
            kind,
        }
    }

    #[test]
    fn holders_named_after_the_noun_take_up_the_clause_before_it() {
        let text = "At the Security Council, the US deputy envoy said the Houthis were holding \
                    aid workers hostage, a charge Britain and France backed.";
        let m = [
            mention(text, "US", "United States", MentionKind::State),
            mention(text, "Houthis", "Houthis", MentionKind::Organisation),
            mention(text, "Britain", "United Kingdom", MentionKind::State),
            mention(text, "France", "France", MentionKind::State),
        ];
        let refs: Vec<&NamedMention> = m.iter().collect();
        let from = text.find("the US").unwrap();
        let got = echo_holders(text, &refs, from);
        let holders: Vec<&str> = got.iter().map(|r| r.holder.as_str()).collect();
        assert_eq!(holders, ["United Kingdom", "France"]);
        let comma = text.find(", a charge").unwrap();
        assert_eq!(got[0].object_span, (from, comma));
        assert_eq!(got[0].verb, "backed");
        assert_eq!(got[1].holder_span.0, text.find("France").unwrap());
    }

    #[test]
    fn a_noun_for_anything_else_or_a_clause_going_on_is_no_echo() {
        let text = "Ana Ruiz said the border would open, a deal Bo Lee signed.";
        let m = [mention(text, "Bo Lee", "Bo Lee", MentionKind::Person)];
        let refs: Vec<&NamedMention> = m.iter().collect();
        assert!(echo_holders(text, &refs, 0).is_empty());
        // The holder must open the clause, and the clause must end the sentence.
        for text in [
            "Ana Ruiz said the border would open, a position welcomed by many in the city of \
             Bo Lee.",
            "Ana Ruiz said the border would open, a position Bo Lee welcomed, and left.",
        ] {
            let m = [mention(text, "Bo Lee", "Bo Lee", MentionKind::Person)];
            let refs: Vec<&NamedMention> = m.iter().collect();
            assert!(echo_holders(text, &refs, 0).is_empty(), "{text}");
        }
    }
}
