//! Word lists that more than one stage reads (the sentence splitter, the actor rules, the
//! speaker rules): one list per kind, here at the bottom. Words are compared lower-cased.
//! Also [`spans`], the words of a text as the speaker rules and the evaluation count them.

/// The byte ranges of the words of `text`: its runs of alphanumeric characters.
pub fn spans(text: &str) -> Vec<(usize, usize)> {
    spans_by(text, char::is_alphanumeric)
}

/// The byte ranges of the runs of characters of `text` that `is_word` accepts.
pub fn spans_by(text: &str, is_word: impl Fn(char) -> bool) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (is_word(c), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, text.len()));
    }
    out
}

/// The days of the week.
pub const DAYS: &[&str] = &[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// The months, written out.
pub const MONTHS: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// The months' abbreviations (a full stop after them need not end a sentence: "Jan. 5").
pub const MONTH_ABBREVIATIONS: &[&str] = &[
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
];

/// A day or a month, written out (`lower` is lower-cased).
pub fn is_day_or_month(lower: &str) -> bool {
    DAYS.contains(&lower) || MONTHS.contains(&lower)
}

/// A month, written out or abbreviated (`lower` is lower-cased).
pub fn is_month(lower: &str) -> bool {
    MONTHS.contains(&lower) || MONTH_ABBREVIATIONS.contains(&lower)
}

/// A month's abbreviation (`lower` is lower-cased).
pub fn is_month_abbreviation(lower: &str) -> bool {
    MONTH_ABBREVIATIONS.contains(&lower)
}

/// Capitalised words that commonly open an English sentence (articles, pronouns, conjunctions,
/// prepositions, question words, quantifiers, connectives): the sentence splitter takes one
/// after an ambiguous abbreviation as a new sentence, and the speaker rules never take one for
/// the start of a name. Compared as written.
pub const SENTENCE_OPENERS: &[&str] = &[
    "The",
    "A",
    "An",
    "He",
    "She",
    "It",
    "They",
    "We",
    "You",
    "His",
    "Her",
    "Its",
    "Their",
    "Our",
    "My",
    "Your",
    "This",
    "That",
    "These",
    "Those",
    "There",
    "Here",
    "But",
    "And",
    "Or",
    "So",
    "Yet",
    "Nor",
    "In",
    "On",
    "At",
    "As",
    "After",
    "Before",
    "When",
    "While",
    "If",
    "Although",
    "Though",
    "Since",
    "However",
    "Meanwhile",
    "Still",
    "Also",
    "Then",
    "Now",
    "Some",
    "Many",
    "Most",
    "Several",
    "Both",
    "All",
    "Each",
    "Every",
    "No",
    "Not",
    "What",
    "Why",
    "How",
    "Who",
    "Where",
    "Which",
    "For",
    "From",
    "With",
    "By",
    "Under",
    "Despite",
    "According",
    "Earlier",
    "Later",
    "Instead",
    "Thus",
    "Such",
    "Other",
    "Another",
    "Only",
    "Even",
    "Once",
    "Until",
    "During",
    "Over",
    "Among",
];

/// Whether `word` (as written) is a personal pronoun ("She", "they", "I"); an all-caps word of
/// two letters or more is a name ("US").
pub fn is_pronoun_word(word: &str) -> bool {
    let lower = word.to_lowercase();
    matches!(
        lower.as_str(),
        "he" | "she" | "him" | "her" | "it" | "they" | "them" | "we" | "us" | "i" | "me" | "you"
    ) && (word.chars().count() < 2 || word.chars().any(char::is_lowercase))
}

/// Whether `word` (as written) is one of [`SENTENCE_OPENERS`].
pub fn is_sentence_opener(word: &str) -> bool {
    SENTENCE_OPENERS.contains(&word)
}

/// Titles and offices stripped from the front of a name before matching ("Prime Minister",
/// "Gen.", "Secretary of State"). Compared lowercased, without a trailing period. Evaluation
/// and the speakers read it too, to tell a title from a name.
pub const TITLES: &[&str] = &[
    "mr",
    "mrs",
    "ms",
    "miss",
    "dr",
    "prof",
    "professor",
    "sir",
    "dame",
    "lord",
    "lady",
    "president",
    "vice",
    "prime",
    "minister",
    "foreign",
    "defence",
    "defense",
    "interior",
    "finance",
    "information",
    "deputy",
    "chief",
    "secretary",
    "general",
    "gen",
    "lt",
    "lieutenant",
    "maj",
    "major",
    "col",
    "colonel",
    "capt",
    "captain",
    "brig",
    "brigadier",
    "admiral",
    "adm",
    "field",
    "marshal",
    "air",
    "sen",
    "senator",
    "rep",
    "representative",
    "congressman",
    "congresswoman",
    "gov",
    "governor",
    "mayor",
    "king",
    "queen",
    "crown",
    "prince",
    "princess",
    "emir",
    "amir",
    "sheikh",
    "shaikh",
    "sultan",
    "ayatollah",
    "imam",
    "maulana",
    "mufti",
    "pope",
    "cardinal",
    "archbishop",
    "bishop",
    "rev",
    "reverend",
    "judge",
    "justice",
    "chancellor",
    "ambassador",
    "envoy",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "speaker",
    "chairman",
    "chairwoman",
    "chair",
    "commissioner",
    "former",
    "late",
    "acting",
    "caretaker",
    "opposition",
    "leader",
    "federal",
    "senior",
    "mp",
    "mna",
    "mpa",
    "hon",
    "honourable",
    "honorable",
    "excellency",
    "his",
    "her",
    "of",
    "the",
    "state",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn personal_pronouns_are_told_from_names() {
        for w in ["She", "he", "I", "They", "It", "Us"] {
            assert!(is_pronoun_word(w), "{w}");
        }
        for w in ["US", "Sheikh", "Ian", "One"] {
            assert!(!is_pronoun_word(w), "{w}");
        }
    }
}
