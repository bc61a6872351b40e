//! Context rules over text and alias matches: places used only as locations ("talks in
//! Islamabad", datelines), and first-person references to the speaker's own side ("we
//! Pakistanis", "our country").

use std::ops::Range;

use super::table::{ActorKind, AliasKind, AliasMatch};

/// Prepositions after which a place is where something happens, not who acts.
const LOCATIVE: &[&str] = &[
    "in",
    "at",
    "near",
    "inside",
    "outside",
    "around",
    "across",
    "throughout",
    "within",
    "into",
    "via",
];

/// Locative prepositions that also hold for a country name ("elections in Pakistan"); "at",
/// "into" and "via" do not ("fired at Pakistan").
const COUNTRY_LOCATIVE: &[&str] = &["in", "inside", "within", "across", "throughout", "near"];

/// Modifiers between a preposition and the place: "in the capital of Islamabad", "in central
/// Moscow".
const SKIPPABLE: &[&str] = &[
    "the", "central", "downtown", "northern", "southern", "eastern", "western", "north", "south",
    "east", "west", "greater", "capital", "city", "of", "suburban",
];

/// Words before "at" that make the place a target, not a venue: "lashed out at Washington".
const AT_TARGET: &[&str] = &[
    "out",
    "aim",
    "aimed",
    "swipe",
    "jab",
    "dig",
    "directed",
    "angry",
    "anger",
    "fired",
    "pointed",
    "furious",
    "frustration",
    "shot",
    "snapped",
    "hit",
    "struck",
];

/// Nouns before "from" that make the place a source acting: "pressure from Washington".
const FROM_SOURCE: &[&str] = &[
    "pressure",
    "signal",
    "signals",
    "message",
    "messages",
    "response",
    "reaction",
    "demand",
    "demands",
    "support",
    "criticism",
    "warning",
    "warnings",
    "word",
    "statement",
    "approval",
    "orders",
    "assurances",
    "assurance",
    "backing",
    "aid",
    "help",
    "funding",
    "threats",
    "threat",
    "objections",
    "interference",
    "request",
    "invitation",
];

/// Words before "to" or "from" that make the place a destination or an origin.
const MOTION: &[&str] = &[
    "visit",
    "visits",
    "visited",
    "visiting",
    "trip",
    "trips",
    "travel",
    "travels",
    "travelled",
    "traveled",
    "travelling",
    "traveling",
    "flew",
    "fly",
    "flying",
    "flight",
    "flights",
    "went",
    "go",
    "going",
    "gone",
    "return",
    "returned",
    "returning",
    "returns",
    "moved",
    "move",
    "relocated",
    "journey",
    "route",
    "road",
    "way",
    "back",
    "came",
    "come",
    "coming",
    "headed",
    "heading",
    "sent",
    "deported",
    "dispatched",
    "posted",
    "fled",
    "flee",
    "fleeing",
    "arrived",
    "arrival",
    "drove",
    "driven",
    "migrants",
    "refugees",
    "travellers",
    "travelers",
    "tourists",
    "ambassador",
    "envoy",
    "embassy",
    "delegation",
];

/// Abstract nouns before "in" that take a country as an actor: "interference in Pakistan".
const IN_ABSTRACT: &[&str] = &[
    "interference",
    "intervention",
    "meddling",
    "involvement",
    "trust",
    "faith",
    "confidence",
    "belief",
    "interest",
    "interests",
    "invest",
    "invested",
    "investing",
    "investment",
    "investments",
    "stake",
    "stakes",
];

/// Nouns after a demonym that make the phrase a place: "in the Pakistani capital".
const PLACE_NOUNS: &[&str] = &[
    "capital",
    "city",
    "cities",
    "town",
    "towns",
    "village",
    "villages",
    "province",
    "provinces",
    "region",
    "regions",
    "territory",
    "soil",
    "port",
    "border",
];

/// Nouns that, after "our"/"my", name the speaker's own side: "our country", "my government".
const SELF_NOUNS: &[&str] = &[
    "country",
    "nation",
    "government",
    "people",
    "state",
    "leadership",
    "army",
    "forces",
    "military",
    "side",
    "administration",
    "ministry",
    "party",
    "organisation",
    "organization",
    "movement",
    "homeland",
    "motherland",
    "republic",
    "kingdom",
];

/// Words that end a noun phrase when looking back for "our"/"my".
const PHRASE_BREAKERS: &[&str] = &[
    "of", "in", "on", "at", "to", "for", "with", "by", "from", "and", "or", "but", "the", "a",
    "an", "their", "his", "her", "its", "your", "that", "which", "who", "is", "are", "was", "were",
    "be", "been", "has", "have", "had", "said", "says", "say", "against", "than",
];

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '\'' || c == '\u{2019}' || c == '-'
}

/// Up to `max` words before byte `pos`, nearest first, stopping at any punctuation.
fn words_before(text: &str, pos: usize, max: usize) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = &text[..pos];
    while out.len() < max {
        rest = rest.trim_end();
        let Some(last) = rest.chars().next_back() else {
            break;
        };
        if !is_word_char(last) {
            break;
        }
        let start = rest
            .char_indices()
            .rev()
            .take_while(|&(_, c)| is_word_char(c))
            .last()
            .map_or(0, |(i, _)| i);
        out.push(&rest[start..]);
        rest = &rest[..start];
    }
    out
}

/// Up to `max` words after byte `pos`, nearest first, stopping at any punctuation.
fn words_after(text: &str, pos: usize, max: usize) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = &text[pos..];
    while out.len() < max {
        rest = rest.trim_start();
        let end = rest
            .char_indices()
            .find(|&(_, c)| !is_word_char(c))
            .map_or(rest.len(), |(i, _)| i);
        if end == 0 {
            break;
        }
        out.push(&rest[..end]);
        rest = &rest[end..];
    }
    out
}

fn is_one_of(word: &str, list: &[&str]) -> bool {
    list.iter().any(|w| w.eq_ignore_ascii_case(word))
}

/// The preposition governing the match and the word before it, lowercased. Modifiers ("the",
/// "central", ...) are skipped, and so is a coordinated place: in "talks in Geneva and Vienna"
/// the preposition of Vienna is "in".
fn governing(text: &str, start: usize) -> (Option<String>, Option<String>) {
    let words = words_before(text, start, 12);
    let capitalised = |w: &str| w.starts_with(char::is_uppercase);
    let mut i = 0;
    loop {
        while i < words.len() && is_one_of(words[i], SKIPPABLE) {
            i += 1;
        }
        if i + 1 < words.len() && is_one_of(words[i], &["and", "or"]) && capitalised(words[i + 1]) {
            i += 1;
            while i < words.len() && capitalised(words[i]) {
                i += 1;
            }
            continue;
        }
        break;
    }
    let lower = |k: usize| words.get(k).map(|w| w.to_lowercase());
    (lower(i), lower(i + 1))
}

fn followed_by_possessive(text: &str, end: usize) -> bool {
    let rest = &text[end..];
    ["'s", "\u{2019}s", "'", "\u{2019}"]
        .iter()
        .any(|p| rest.starts_with(p))
}

/// Whether a mention is the agency or outlet credited in a dateline, "ISLAMABAD, Sept. 21
/// (IRNA) -", "NEW DELHI, Jan. 15 (Eastgate Daily) -" or "Islamabad, IRNA --": in parentheses
/// (alone, or among the capitalised words of the outlet's name, of which NER may have found only
/// a part), or after a comma that follows only capitalised dateline words, near the start of the
/// sentence, and followed by a dash or colon. Guidelines §3: an agency cited as the source is
/// not an actor.
pub fn is_source_credit(text: &str, start: usize, end: usize) -> bool {
    if start > 60 {
        return false;
    }
    let before = text[..start].trim_end();
    let after = text[end..].trim_start();
    let dash_or_colon = |rest: &str| {
        rest.trim_start()
            .starts_with(['-', '\u{2013}', '\u{2014}', ':'])
    };
    if let Some(open) = before.rfind('(') {
        let close = after.find(')');
        let inside_before = &before[open + 1..];
        let inside_after = close.map_or("", |c| &after[..c]);
        let words: Vec<&str> = inside_before
            .split_whitespace()
            .chain(inside_after.split_whitespace())
            .collect();
        let credit = words.len() <= 4
            && words
                .iter()
                .all(|w| w.starts_with(|c: char| c.is_uppercase()))
            && !inside_before.contains(')');
        if credit {
            if let Some(c) = close {
                return dash_or_colon(&after[c + 1..]);
            }
        }
    }
    match before.strip_suffix(',') {
        Some(place) => {
            let words: Vec<&str> = place.split_whitespace().collect();
            !words.is_empty()
                && words.len() <= 4
                && words
                    .iter()
                    .all(|w| w.starts_with(|c: char| c.is_uppercase() || c.is_ascii_digit()))
                && dash_or_colon(after)
        }
        None => false,
    }
}

/// News agencies whose name in parentheses follows a dateline: "UNITED NATIONS (AP) —".
const AGENCIES: &[&str] = &[
    "ap",
    "afp",
    "reuters",
    "app",
    "pti",
    "ians",
    "ani",
    "xinhua",
    "anadolu",
    "aa",
    "dpa",
    "upi",
    "bloomberg",
    "irna",
    "wam",
    "spa",
    "tass",
    "efe",
    "ansa",
    "kyodo",
    "yonhap",
];

/// A dateline: the match opens the text or a line and is followed by ":", a dash, a news
/// agency in parentheses, or a comma and a date ("ISLAMABAD:", "ISLAMABAD, Sept 20 (Reuters)
/// -", "UNITED NATIONS (AP) —", "Islamabad, 20 September:"). A title-case country or
/// organisation opening a headline ("Pakistan: a year of floods") is not one.
fn is_dateline(text: &str, m: &AliasMatch) -> bool {
    let line_start = text[..m.start].rfind('\n').map_or(0, |i| i + 1);
    if !text[line_start..m.start].trim().is_empty() {
        return false;
    }
    let shouted = !m.surface(text).chars().any(char::is_lowercase);
    let city = m.via == AliasKind::CapitalMetonym;
    let rest = text[m.end..].trim_start_matches([' ', '\t']);
    let Some(next) = rest.chars().next() else {
        return false;
    };
    let after = rest[next.len_utf8()..].trim_start();
    let first_word = after
        .split(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or("");
    match next {
        ':' | '\u{2014}' | '\u{2013}' => shouted || city,
        '-' => rest[1..].starts_with(char::is_whitespace) && (shouted || city),
        '(' => shouted || is_one_of(first_word, AGENCIES),
        ',' => {
            shouted
                || first_word.starts_with(|c: char| c.is_ascii_digit())
                || crate::text::words::is_month(&first_word.to_ascii_lowercase())
        }
        _ => false,
    }
}

/// Whether a match names a place where something happens rather than an actor: a capital or
/// seat of power after a locative preposition ("a summit in Doha", "talks at the White House",
/// "arrived in Islamabad", "a visit to Moscow", "flights from Kabul"), a country after "in",
/// "across", ... ("elections in Pakistan", but not "interference in Pakistan"), "in the
/// Pakistani capital", and datelines ("ISLAMABAD:"). A possessive always makes an actor
/// ("in Islamabad's view"), and so do plain subjects ("Islamabad has rejected", "Washington
/// said").
pub fn is_location_only(text: &str, m: &AliasMatch) -> bool {
    if m.end > text.len() || m.start >= m.end || followed_by_possessive(text, m.end) {
        return false;
    }
    if matches!(m.via, AliasKind::Name | AliasKind::CapitalMetonym)
        && m.kind != ActorKind::Group
        && is_dateline(text, m)
    {
        return true;
    }
    let (prep, before) = governing(text, m.start);
    let Some(prep) = prep else {
        return false;
    };
    let before = before.as_deref().unwrap_or("");
    match m.via {
        AliasKind::CapitalMetonym => match prep.as_str() {
            "at" => !is_one_of(before, AT_TARGET),
            "from" => !is_one_of(before, FROM_SOURCE),
            "to" => is_one_of(before, MOTION),
            p => is_one_of(p, LOCATIVE),
        },
        AliasKind::Name | AliasKind::Acronym if m.kind == ActorKind::State => match prep.as_str() {
            "to" | "from" => is_one_of(before, MOTION),
            p => is_one_of(p, COUNTRY_LOCATIVE) && !is_one_of(before, IN_ABSTRACT),
        },
        AliasKind::Demonym => {
            let next = words_after(text, m.end, 1);
            next.first().is_some_and(|w| is_one_of(w, PLACE_NOUNS))
                && (is_one_of(&prep, LOCATIVE) || prep == "to" || prep == "from")
        }
        _ => false,
    }
}

/// Whether a match refers to the speaker's own side: the speaker's own actor
/// (`speaker_actor_id`), or a first-person apposition whoever speaks: "we Pakistanis",
/// "us Americans", "our Pakistan", "our country, Pakistan". "our Saudi brothers" is not one.
pub fn is_self_reference(text: &str, m: &AliasMatch, speaker_actor_id: Option<&str>) -> bool {
    if speaker_actor_id == Some(m.actor_id) {
        return true;
    }
    if m.end > text.len() || m.start >= m.end {
        return false;
    }
    let before = words_before(text, m.start, 3);
    let nearest = before.first().copied().unwrap_or("");
    match m.via {
        AliasKind::Demonym => {
            // Plural nouns only: "we Pakistanis", not "we Pakistani officials".
            let surface = m.surface(text);
            let noun = surface.ends_with('s') || words_after(text, m.end, 1).is_empty();
            is_one_of(nearest, &["we", "us"]) && noun
        }
        AliasKind::Name | AliasKind::Acronym => {
            if is_one_of(nearest, &["our", "my"]) {
                return true;
            }
            // "our country, Pakistan" / "my country Pakistan"
            let head = text[..m.start]
                .trim_end()
                .trim_end_matches([',', '\u{2014}', '-']);
            let words = words_before(head, head.len(), 3);
            match words.as_slice() {
                [noun, own, ..]
                    if is_one_of(noun, SELF_NOUNS) && is_one_of(own, &["our", "my"]) =>
                {
                    true
                }
                [noun, own, poss, ..]
                    if is_one_of(noun, SELF_NOUNS)
                        && own.eq_ignore_ascii_case("own")
                        && is_one_of(poss, &["our", "my"]) =>
                {
                    true
                }
                _ => false,
            }
        }
        _ => false,
    }
}

/// Whether the span `start..end` sits inside a first-person possessive phrase: it begins with
/// "our"/"my" ("our country") or follows one within the same noun phrase ("our Saudi
/// brothers", "my own government"). Whether that phrase means the speaker is for the caller
/// to decide ([`is_self_reference`]).
pub fn in_first_person_possessive(text: &str, start: usize, end: usize) -> bool {
    if start >= end || end > text.len() {
        return false;
    }
    if words_after(text, start, 1)
        .first()
        .is_some_and(|w| is_one_of(w, &["our", "my"]))
    {
        return true;
    }
    for word in words_before(text, start, 3) {
        if is_one_of(word, &["our", "my"]) {
            return true;
        }
        if is_one_of(word, PHRASE_BREAKERS) {
            return false;
        }
    }
    false
}

/// First-person references to the speaker's side in `text`: "we", "us" (lowercase only, so
/// that "US" stays the United States) and "our/my (own) <country|government|people|...>".
/// Spans are byte ranges in text order.
pub fn first_person_spans(text: &str) -> Vec<Range<usize>> {
    let words = crate::text::words::spans_by(text, is_word_char);
    let adjacent = |a: (usize, usize), b: (usize, usize)| text[a.1..b.0].trim().is_empty();

    let mut out = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let w = &text[words[i].0..words[i].1];
        if w == "we" || w == "We" || w == "WE" || w == "us" {
            out.push(words[i].0..words[i].1);
        } else if is_one_of(w, &["our", "my"]) {
            let mut j = i + 1;
            if j < words.len()
                && adjacent(words[j - 1], words[j])
                && text[words[j].0..words[j].1].eq_ignore_ascii_case("own")
            {
                j += 1;
            }
            if j < words.len()
                && adjacent(words[j - 1], words[j])
                && is_one_of(&text[words[j].0..words[j].1], SELF_NOUNS)
            {
                out.push(words[i].0..words[j].1);
                i = j;
            }
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::table::AliasTable;
    use super::*;

    /// The first match of `alias` in `text`, which must exist.
    fn at<'a>(text: &str, alias: &str) -> AliasMatch<'a> {
        AliasTable::builtin()
            .find_all(text)
            .into_iter()
            .find(|m| m.surface(text) == alias)
            .unwrap_or_else(|| panic!("'{alias}' not matched in '{text}'"))
    }

    fn location(text: &str, alias: &str) -> bool {
        is_location_only(text, &at(text, alias))
    }

    #[test]
    fn capitals_after_locative_prepositions_are_locations() {
        for (text, alias) in [
            ("Leaders gathered for a summit in Doha on Monday.", "Doha"),
            (
                "The delegation arrived in Islamabad late at night.",
                "Islamabad",
            ),
            ("Talks were held in Riyadh.", "Riyadh"),
            ("The minister's visit to Moscow was cut short.", "Moscow"),
            ("Protesters rallied near the White House.", "White House"),
            ("He spoke at the Pentagon on Friday.", "Pentagon"),
            ("Flights from Kabul resumed.", "Kabul"),
            ("Explosions were heard in central Tehran.", "Tehran"),
            ("The ministers met in Brussels.", "Brussels"),
            (
                "She lives in the city of Lahore, not in Islamabad.",
                "Islamabad",
            ),
            ("Officials flew to Beijing for talks.", "Beijing"),
        ] {
            assert!(location(text, alias), "{alias} in '{text}'");
        }
    }

    #[test]
    fn datelines_are_locations() {
        for (text, alias) in [
            (
                "ISLAMABAD: The Foreign Office said on Friday...",
                "ISLAMABAD",
            ),
            (
                "ISLAMABAD, Sept 20 (Reuters) - Pakistan said...",
                "ISLAMABAD",
            ),
            ("Islamabad, 20 September: Officials said...", "Islamabad"),
            (
                "UNITED NATIONS (AP) — The Security Council voted...",
                "UNITED NATIONS",
            ),
            (
                "Some heading\nWASHINGTON — The White House said...",
                "WASHINGTON",
            ),
            ("Kabul (Reuters) - The Taliban said...", "Kabul"),
        ] {
            assert!(location(text, alias), "{alias} in '{text}'");
        }
        for (text, alias) in [
            ("Pakistan: a year of floods", "Pakistan"),
            ("NATO (the alliance) said", "NATO"),
            (
                "Washington, which has long opposed it, said no.",
                "Washington",
            ),
        ] {
            assert!(!location(text, alias), "{alias} in '{text}'");
        }
    }

    #[test]
    fn coordinated_places_share_the_preposition() {
        for (text, alias) in [
            ("Talks in Geneva and Vienna stalled.", "Vienna"),
            (
                "Rallies in New York and Washington drew crowds.",
                "Washington",
            ),
        ] {
            assert!(location(text, alias), "{alias} in '{text}'");
        }
    }

    #[test]
    fn capitals_acting_as_subjects_or_targets_are_actors() {
        for (text, alias) in [
            ("Islamabad has rejected the claims.", "Islamabad"),
            ("Washington said it would respond.", "Washington"),
            (
                "Washington, which has long opposed the deal, said no.",
                "Washington",
            ),
            (
                "He lashed out at Washington over the sanctions.",
                "Washington",
            ),
            ("There was pressure from Washington to act.", "Washington"),
            ("In Islamabad's view, the talks failed.", "Islamabad"),
            ("A message to Tehran was delivered.", "Tehran"),
            ("The Kremlin denied it.", "Kremlin"),
        ] {
            assert!(!location(text, alias), "{alias} in '{text}'");
        }
    }

    #[test]
    fn countries_as_plain_locations() {
        assert!(location("Elections in Pakistan were delayed.", "Pakistan"));
        assert!(location(
            "Floods across Pakistan killed dozens.",
            "Pakistan"
        ));
        assert!(location(
            "Thousands of refugees from Afghanistan crossed.",
            "Afghanistan"
        ));
        assert!(location(
            "Protests in the United States grew.",
            "United States"
        ));
        assert!(location(
            "Clashes in the Pakistani capital left two dead.",
            "Pakistani"
        ));
        assert!(!location("Pakistan condemned the attack.", "Pakistan"));
        assert!(!location(
            "They accused India of interference in Pakistan.",
            "Pakistan"
        ));
        assert!(!location("Investment in China fell.", "China"));
        assert!(!location("Exports to China rose.", "China"));
        assert!(!location("Pakistani officials said.", "Pakistani"));
    }

    #[test]
    fn organisations_and_groups_are_never_plain_locations() {
        assert!(!location("He spoke at NATO headquarters.", "NATO"));
        assert!(!location(
            "Support in the Islamic world is strong.",
            "Islamic world"
        ));
        assert!(!location(
            "Anger grew among Palestinians in camps.",
            "Palestinians"
        ));
    }

    #[test]
    fn self_reference_by_speaker_or_first_person_apposition() {
        let text = "Pakistan remains committed to peace.";
        assert!(is_self_reference(text, &at(text, "Pakistan"), Some("Q843")));
        assert!(!is_self_reference(
            text,
            &at(text, "Pakistan"),
            Some("Q668")
        ));
        assert!(!is_self_reference(text, &at(text, "Pakistan"), None));

        let text = "We Pakistanis will never accept this.";
        assert!(is_self_reference(text, &at(text, "Pakistanis"), None));
        let text = "Our country, Pakistan, has always stood firm.";
        assert!(is_self_reference(text, &at(text, "Pakistan"), None));
        let text = "We thank our Saudi brothers for their support.";
        assert!(!is_self_reference(text, &at(text, "Saudi"), Some("Q843")));
        let text = "Let us remember that America stands with us.";
        assert!(!is_self_reference(text, &at(text, "America"), None));
    }

    #[test]
    fn first_person_possessive_phrases() {
        let text = "This is our agreement with our Saudi brothers and my own government.";
        let span = |s: &str| {
            let i = text.find(s).unwrap();
            (i, i + s.len())
        };
        let (s, e) = span("Saudi");
        assert!(in_first_person_possessive(text, s, e));
        let (s, e) = span("our agreement");
        assert!(in_first_person_possessive(text, s, e));
        let (s, e) = span("government");
        assert!(in_first_person_possessive(text, s, e));
        let (s, e) = span("This");
        assert!(!in_first_person_possessive(text, s, e));
        let text2 = "The deal with India angered them.";
        let i = text2.find("India").unwrap();
        assert!(!in_first_person_possessive(text2, i, i + 5));
    }

    #[test]
    fn first_person_spans_find_we_us_and_our_country() {
        let text = "We told the US that our country and my own government back us.";
        let spans: Vec<&str> = first_person_spans(text)
            .into_iter()
            .map(|r| &text[r])
            .collect();
        assert_eq!(spans, ["We", "our country", "my own government", "us"]);
    }
}
