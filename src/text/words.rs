//! Word lists that more than one stage reads (the sentence splitter, the actor rules, the
//! speaker rules): one list per kind, here at the bottom. Words are compared lower-cased.

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

/// Whether `word` (as written) is one of [`SENTENCE_OPENERS`].
pub fn is_sentence_opener(word: &str) -> bool {
    SENTENCE_OPENERS.contains(&word)
}
