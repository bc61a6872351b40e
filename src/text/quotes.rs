//! Quotation marks typed the wrong way round. Some pages open a quotation with the closing
//! mark (`”Fear. I am afraid ...” ― Name`); readers and the speaker rules take it as an opening
//! mark when it stands at a word's start after a space or a line start
//! (`speakers::tokens::classify`). The attribution tagger learned from text whose quotations open
//! with `“` or `"`, so it reads a copy with such marks turned round.

use std::borrow::Cow;

/// Whether a closing mark between `before` and `after` opens a quotation: at a line start or
/// after whitespace, right before a letter or digit. The speaker rules and the tagger's copy of
/// the text read it the same way.
pub fn closing_mark_opens(before: Option<char>, after: Option<char>) -> bool {
    before.is_none_or(char::is_whitespace) && after.is_some_and(char::is_alphanumeric)
}

/// Whether the quotation mark `mark`, right after `before`, closes a quotation: `”` and `»`
/// do, and `"` does right after text (`...years."`); `None` for a character that is no such
/// mark. The speaker model's paragraph check and the evaluation's document joining read marks
/// the same way.
pub fn mark_closes(mark: char, before: Option<char>) -> Option<bool> {
    match mark {
        '”' | '»' => Some(true),
        '"' => Some(before.is_some_and(|b| !b.is_whitespace())),
        '“' | '„' | '«' => Some(false),
        _ => None,
    }
}

/// `text` with every `”` that opens a quotation (at a line start or after whitespace, right
/// before a letter or digit) turned into `“`. Both marks are three bytes in UTF-8, so every
/// byte offset into the copy is one into `text`.
pub fn openers_turned(text: &str) -> Cow<'_, str> {
    let opens = |at: usize| {
        closing_mark_opens(
            text[..at].chars().next_back(),
            text[at + '”'.len_utf8()..].chars().next(),
        )
    };
    let turned: Vec<usize> = text
        .match_indices('”')
        .map(|(at, _)| at)
        .filter(|&at| opens(at))
        .collect();
    if turned.is_empty() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut from = 0;
    for at in turned {
        out.push_str(&text[from..at]);
        out.push('“');
        from = at + '”'.len_utf8();
    }
    out.push_str(&text[from..]);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_closing_marks_that_open_a_quotation_are_turned() {
        let text = "Readers wrote in.\n\n”Fear. The plan is a disgrace.” ― Sofia Marquez\nShe said ”no” twice.";
        let turned = openers_turned(text);
        assert_eq!(turned.len(), text.len());
        assert_eq!(
            turned,
            "Readers wrote in.\n\n“Fear. The plan is a disgrace.” ― Sofia Marquez\nShe said “no” twice."
        );
        let plain = "“Fine,” she said.";
        assert!(matches!(openers_turned(plain), Cow::Borrowed(_)));
    }
}
