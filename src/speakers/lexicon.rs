//! Word lists behind speaker attribution: speech and stance verbs, titles, institutions,
//! function words, and a small country table (names, capitals, demonyms).

/// What a verb says about its subject.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum VerbClass {
    /// The subject is speaking: `said`, `told`, `warned`.
    Speech,
    /// The subject takes a stance toward the object: `criticized`, `accused`, `called for`.
    Stance,
    /// A participle that hands a quote to the clause's subject: `adding`, `saying`.
    Participle,
}

/// The class of a one-word verb form, and whether the form is also a common noun (`claims`,
/// `notes`), in which case only a name or pronoun may be its subject.
pub(crate) fn verb_class(lower: &str) -> Option<(VerbClass, bool)> {
    use VerbClass::{Participle, Speech, Stance};
    let found = match lower {
        "say" | "says" | "said" | "add" | "adds" | "added" | "tell" | "tells" | "told"
        | "stated" | "warn" | "warns" | "warned" | "noted" | "stress" | "stresses" | "stressed"
        | "insist" | "insists" | "insisted" | "argue" | "argues" | "argued" | "declare"
        | "declares" | "declared" | "announce" | "announces" | "announced" | "claimed" | "urge"
        | "urges" | "urged" | "assert" | "asserts" | "asserted" | "emphasise" | "emphasises"
        | "emphasised" | "emphasize" | "emphasizes" | "emphasized" | "explain" | "explains"
        | "explained" | "wrote" | "writes" | "tweeted" | "posted" | "remarked" | "observed"
        | "confirm" | "confirms" | "confirmed" | "deny" | "denies" | "denied" | "acknowledged"
        | "admitted" | "replied" | "responded" | "concluded" | "cautioned" | "maintained"
        | "vowed" | "pledged" | "reiterated" | "affirmed" | "underlined" | "underscored"
        | "highlighted" | "reported" | "described" | "asked" | "recalled" | "suggested"
        | "predicted" | "believe" | "believes" | "believed" | "called" | "proposed"
        | "appealed" => (Speech, false),
        "claims" | "notes" | "tweets" => (Speech, true),
        "criticise" | "criticises" | "criticised" | "criticize" | "criticizes" | "criticized"
        | "accuse" | "accuses" | "accused" | "condemn" | "condemns" | "condemned" | "praise"
        | "praises" | "praised" | "denounce" | "denounces" | "denounced" | "slam" | "slams"
        | "slammed" | "blame" | "blames" | "blamed" | "reject" | "rejects" | "rejected"
        | "welcome" | "welcomes" | "welcomed" | "hailed" | "lauded" | "commended" | "supports"
        | "supported" | "backed" | "endorse" | "endorses" | "endorsed" | "oppose" | "opposes"
        | "opposed" | "dismissed" | "threaten" | "threatens" | "threatened" | "demanded"
        | "defended" | "thanked" | "expressed" | "voiced" => (Stance, false),
        "saying" | "adding" | "noting" | "stressing" | "warning" | "insisting" | "arguing"
        | "declaring" | "urging" | "asserting" | "emphasising" | "emphasizing" | "explaining"
        | "stating" | "claiming" | "calling" => (Participle, false),
        _ => return None,
    };
    Some(found)
}

/// Words a backward noun-phrase scan stops at: prepositions, conjunctions, auxiliaries,
/// pronouns and the adverbs that sit between a subject and its verb.
pub(crate) fn is_function_word(lower: &str) -> bool {
    is_aux_or_adverb(lower)
        || matches!(
            lower,
            "in" | "on"
                | "at"
                | "to"
                | "for"
                | "from"
                | "with"
                | "by"
                | "of"
                | "about"
                | "against"
                | "over"
                | "under"
                | "after"
                | "before"
                | "during"
                | "between"
                | "among"
                | "into"
                | "onto"
                | "through"
                | "across"
                | "without"
                | "within"
                | "amid"
                | "towards"
                | "toward"
                | "since"
                | "until"
                | "per"
                | "via"
                | "like"
                | "as"
                | "and"
                | "or"
                | "but"
                | "nor"
                | "so"
                | "yet"
                | "while"
                | "although"
                | "though"
                | "because"
                | "if"
                | "when"
                | "whereas"
                | "than"
                | "that"
                | "which"
                | "who"
                | "whom"
                | "whose"
                | "where"
                | "is"
                | "are"
                | "was"
                | "were"
                | "be"
                | "been"
                | "being"
                | "am"
                | "get"
                | "got"
                | "there"
                | "here"
                | "what"
                | "how"
                | "why"
                | "according"
        )
        || is_pronoun(lower)
}

/// Auxiliaries and adverbs skipped between a subject and its verb (`have repeatedly said`).
pub(crate) fn is_aux_or_adverb(lower: &str) -> bool {
    matches!(
        lower,
        "has"
            | "have"
            | "had"
            | "will"
            | "would"
            | "could"
            | "can"
            | "may"
            | "might"
            | "must"
            | "shall"
            | "should"
            | "did"
            | "does"
            | "do"
            | "not"
            | "also"
            | "repeatedly"
            | "again"
            | "previously"
            | "further"
            | "later"
            | "earlier"
            | "then"
            | "reportedly"
            | "once"
            | "strongly"
            | "publicly"
            | "openly"
            | "recently"
            | "already"
            | "often"
            | "frequently"
            | "sharply"
            | "separately"
            | "privately"
            | "firmly"
            | "explicitly"
            | "bluntly"
            | "flatly"
            | "angrily"
            | "today"
            | "yesterday"
            | "tonight"
            | "always"
            | "never"
            | "consistently"
            | "loudly"
            | "jointly"
    )
}

/// Forms of `be` (and `get`) that make a following participle passive: `was told`.
pub(crate) fn is_passive_marker(lower: &str) -> bool {
    matches!(
        lower,
        "is" | "are" | "was" | "were" | "be" | "been" | "being" | "am" | "get" | "gets" | "got"
    )
}

/// Time words that may sit between a subject and its verb: `Asif on Monday said`.
pub(crate) fn is_time_word(lower: &str) -> bool {
    is_day_or_month(lower)
        || matches!(
            lower,
            "week" | "month" | "year" | "morning" | "evening" | "night" | "weekend" | "afternoon"
        )
}

/// Words that introduce a time phrase before a time word: `on Monday`, `last week`.
pub(crate) fn is_time_lead(lower: &str) -> bool {
    matches!(lower, "on" | "last" | "this" | "next" | "late" | "early")
}

pub(crate) use crate::text::words::is_day_or_month;

pub(crate) fn is_pronoun(lower: &str) -> bool {
    matches!(
        lower,
        "he" | "she"
            | "him"
            | "it"
            | "they"
            | "them"
            | "we"
            | "us"
            | "i"
            | "me"
            | "you"
            | "one"
            | "this"
            | "these"
            | "those"
    )
}

pub(crate) fn is_determiner(lower: &str) -> bool {
    is_indefinite(lower)
        || matches!(
            lower,
            "the" | "this" | "that" | "these" | "those" | "its" | "his" | "her" | "their" | "our"
        )
}

/// Determiners that leave the referent unnamed: `a senior official`, `several diplomats`.
pub(crate) fn is_indefinite(lower: &str) -> bool {
    matches!(
        lower,
        "a" | "an"
            | "one"
            | "some"
            | "several"
            | "many"
            | "two"
            | "three"
            | "four"
            | "other"
            | "another"
            | "both"
            | "each"
            | "any"
            | "most"
            | "few"
    )
}

/// Title words after normalisation (`defence` -> `defense`), honorifics already dropped.
pub(crate) fn normalise_title_word(lower: &str) -> &str {
    match lower.trim_end_matches('.') {
        "defence" => "defense",
        "spokeswoman" | "spokesperson" => "spokesman",
        "advisor" => "adviser",
        "chairperson" | "chairwoman" | "chair" => "chairman",
        "gen" => "general",
        "lt" => "lieutenant",
        "col" => "colonel",
        "maj" => "major",
        "sen" => "senator",
        "rep" => "representative",
        "adm" => "admiral",
        "gov" => "governor",
        "amb" => "ambassador",
        "cmdr" => "commander",
        "supt" => "superintendent",
        other => other,
    }
}

/// Honorifics and tense words that a title match ignores: `the former ambassador` is `the ambassador`.
pub(crate) fn is_honorific(word: &str) -> bool {
    matches!(
        word,
        "mr" | "mrs"
            | "ms"
            | "dr"
            | "sir"
            | "current"
            | "former"
            | "new"
            | "acting"
            | "incumbent"
            | "senior"
            | "top"
            | "then"
            | "caretaker"
            | "outgoing"
            | "interim"
    )
}

/// Nouns that name an office holder; a definite phrase ending in one is a title reference.
pub(crate) fn is_title_head(word: &str) -> bool {
    matches!(
        word,
        "minister"
            | "president"
            | "premier"
            | "spokesman"
            | "official"
            | "secretary"
            | "ambassador"
            | "envoy"
            | "general"
            | "chief"
            | "commander"
            | "adviser"
            | "king"
            | "queen"
            | "prince"
            | "princess"
            | "emir"
            | "leader"
            | "senator"
            | "governor"
            | "mayor"
            | "chancellor"
            | "chairman"
            | "director"
            | "diplomat"
            | "lawmaker"
            | "marshal"
            | "admiral"
            | "representative"
            | "negotiator"
            | "ayatollah"
            | "sheikh"
            | "cleric"
            | "commissioner"
            | "sheriff"
            | "superintendent"
            | "congressman"
            | "congresswoman"
            | "councilman"
            | "councilwoman"
            | "prosecutor"
            | "bishop"
            | "archbishop"
            | "rabbi"
            | "pastor"
            | "professor"
    )
}

/// Words (normalised, lowercase) that may precede a name as its title: `Prime Minister`,
/// `Pakistan's Defense Minister`, `Crown Prince`, `Gen.`.
pub(crate) fn is_title_word(word: &str) -> bool {
    is_title_head(word)
        || is_honorific(word) && word != "new"
        || matches!(
            word,
            "prime"
                | "vice"
                | "deputy"
                | "defense"
                | "foreign"
                | "interior"
                | "finance"
                | "information"
                | "home"
                | "state"
                | "federal"
                | "army"
                | "military"
                | "crown"
                | "supreme"
                | "field"
                | "lieutenant"
                | "colonel"
                | "major"
                | "national"
                | "security"
                | "air"
                | "naval"
                | "opposition"
        )
}

/// Nouns that make a phrase an institution: `Pakistan's foreign ministry`, `the Saudi embassy`.
pub(crate) fn is_institution_word(word: &str) -> bool {
    matches!(
        word,
        "ministry"
            | "government"
            | "military"
            | "army"
            | "navy"
            | "embassy"
            | "consulate"
            | "office"
            | "agency"
            | "cabinet"
            | "parliament"
            | "council"
            | "commission"
            | "administration"
            | "presidency"
            | "mission"
            | "police"
            | "court"
            | "senate"
            | "assembly"
            | "party"
            | "regime"
            | "media"
            | "affairs"
            | "department"
            | "authority"
            | "forces"
            | "force"
            | "corps"
            | "command"
            | "secretariat"
            | "bureau"
            | "relations"
    )
}

/// Capitalised words that mark a name as an organisation: `Inter-Services Public Relations`,
/// `Reuters`.
pub(crate) fn is_org_word(word: &str) -> bool {
    is_institution_word(&word.to_lowercase())
        || matches!(
            word,
            "News"
                | "Times"
                | "Post"
                | "Press"
                | "Association"
                | "Organisation"
                | "Organization"
                | "Union"
                | "Nations"
                | "Bank"
                | "Fund"
                | "Committee"
                | "House"
                | "Institute"
                | "Group"
                | "Movement"
                | "Front"
                | "Guard"
                | "Guards"
                | "Network"
                | "Television"
                | "TV"
                | "Radio"
                | "Reuters"
                | "Kremlin"
                | "Pentagon"
                | "Taliban"
                | "Hamas"
                | "Hezbollah"
                | "Foundation"
                | "University"
                | "Company"
                | "Corporation"
                | "Services"
                | "Service"
                | "Tribune"
                | "Dawn"
        )
}

/// Capitalised words that mark a name as a place, which never speaks: `Middle East`.
pub(crate) fn is_place_word(word: &str) -> bool {
    matches!(
        word,
        "East"
            | "West"
            | "North"
            | "South"
            | "Gulf"
            | "Sea"
            | "Ocean"
            | "Strait"
            | "Valley"
            | "Province"
            | "City"
            | "Region"
            | "Kashmir"
            | "Gaza"
            | "Strip"
            | "Bank"
            | "Island"
            | "Islands"
            | "River"
            | "Mountains"
            | "Border"
    )
}

/// Plural or collective heads of a phrase that names a group rather than one speaker.
pub(crate) fn is_group_head(word: &str) -> bool {
    matches!(
        word,
        "people" | "public" | "staff" | "crowd" | "everyone" | "youth" | "leadership"
    ) || word.len() > 3 && word.ends_with('s') && !word.ends_with("ss") && !word.ends_with("us")
}

/// Heads of a phrase naming a document rather than its author: `according to a statement from ...`.
pub(crate) fn is_source_document(word: &str) -> bool {
    matches!(
        word,
        "statement"
            | "report"
            | "readout"
            | "transcript"
            | "post"
            | "interview"
            | "communique"
            | "release"
            | "letter"
            | "tweet"
    )
}

/// Capitalised words that do not start a name: function words at the start of a sentence or
/// quote, and adjectives that are capitalised in English.
pub(crate) fn is_common_capitalised(word: &str) -> bool {
    crate::text::words::is_sentence_opener(word)
        || matches!(
            word,
            "I" | "Without"
                | "To"
                | "Of"
                | "Whom"
                | "Moreover"
                | "Furthermore"
                | "Last"
                | "Next"
                | "Speaking"
                | "Asked"
                | "Responding"
                | "Addressing"
                | "Referring"
                | "Following"
                | "Amid"
                | "Between"
                | "Today"
                | "Yesterday"
                | "Any"
                | "Therefore"
                | "Indeed"
                | "Unlike"
                | "Like"
                | "Against"
                | "Through"
                | "Within"
                | "Upon"
                | "Yes"
                | "Officials"
                | "Analysts"
                | "Critics"
                | "Experts"
                | "Observers"
                | "Diplomats"
                | "Sources"
                | "Reports"
                | "Islamic"
                | "Muslim"
                | "Muslims"
                | "Western"
                | "Eastern"
                | "Arab"
                | "Zionist"
                | "Sunni"
                | "Shia"
                | "Shiite"
                | "Christian"
                | "Jewish"
                | "Hindu"
                | "European"
                | "Asian"
                | "African"
                | "English"
        )
}

/// Capitalised abbreviations whose trailing period belongs to the word.
pub(crate) fn is_abbreviation(word: &str) -> bool {
    matches!(
        word,
        "Mr" | "Mrs" | "Ms" | "Dr" | "Gen" | "Lt" | "Col" | "Maj" | "Adm" | "Sen" | "Rep" | "St"
    )
}

/// Lowercase connectors inside a name: `Mohammed bin Salman`, `Zia ul Haq`.
pub(crate) fn is_name_connector(lower: &str) -> bool {
    matches!(
        lower,
        "bin" | "bint" | "ibn" | "al" | "el" | "de" | "van" | "von" | "der" | "ul" | "ud" | "da"
    )
}

/// Canonical country, its other names (capitals, abbreviations) and demonyms.
const COUNTRIES: &[(&str, &[&str], &[&str])] = &[
    ("Pakistan", &["Islamabad"], &["Pakistani"]),
    ("Iran", &["Tehran"], &["Iranian"]),
    ("Saudi Arabia", &["Riyadh", "KSA"], &["Saudi"]),
    ("India", &["New Delhi", "Delhi"], &["Indian"]),
    ("Israel", &["Tel Aviv"], &["Israeli"]),
    (
        "United States",
        &["US", "U.S.", "USA", "America", "Washington"],
        &["American"],
    ),
    (
        "United Kingdom",
        &["UK", "U.K.", "Britain", "London"],
        &["British"],
    ),
    ("China", &["Beijing"], &["Chinese"]),
    ("Russia", &["Moscow"], &["Russian"]),
    ("Afghanistan", &["Kabul"], &["Afghan"]),
    ("Turkey", &["Türkiye", "Ankara"], &["Turkish"]),
    ("Qatar", &["Doha"], &["Qatari"]),
    ("United Arab Emirates", &["UAE", "Abu Dhabi"], &["Emirati"]),
    ("Egypt", &["Cairo"], &["Egyptian"]),
    ("Iraq", &["Baghdad"], &["Iraqi"]),
    ("Syria", &["Damascus"], &["Syrian"]),
    ("Lebanon", &["Beirut"], &["Lebanese"]),
    ("Jordan", &["Amman"], &["Jordanian"]),
    ("Yemen", &["Sanaa"], &["Yemeni"]),
    ("Palestine", &[], &["Palestinian"]),
    ("France", &["Paris"], &["French"]),
    ("Germany", &["Berlin"], &["German"]),
    ("Ukraine", &["Kyiv", "Kiev"], &["Ukrainian"]),
    ("Japan", &["Tokyo"], &["Japanese"]),
    ("Bangladesh", &["Dhaka"], &["Bangladeshi"]),
    ("Oman", &["Muscat"], &["Omani"]),
    ("Kuwait", &[], &["Kuwaiti"]),
    ("Bahrain", &["Manama"], &["Bahraini"]),
    ("Malaysia", &["Kuala Lumpur"], &["Malaysian"]),
    ("Indonesia", &["Jakarta"], &["Indonesian"]),
];

/// The country a name or capital denotes: `Islamabad` -> `Pakistan`.
pub(crate) fn country_named(surface: &str) -> Option<&'static str> {
    COUNTRIES
        .iter()
        .find(|(name, others, _)| *name == surface || others.contains(&surface))
        .map(|(name, _, _)| *name)
}

/// The country a demonym denotes: `Pakistani` -> `Pakistan`.
pub(crate) fn country_of_demonym(word: &str) -> Option<&'static str> {
    COUNTRIES
        .iter()
        .find(|(_, _, demonyms)| demonyms.contains(&word))
        .map(|(name, _, _)| *name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn countries_resolve_from_names_capitals_and_demonyms() {
        assert_eq!(country_named("Islamabad"), Some("Pakistan"));
        assert_eq!(country_named("U.S."), Some("United States"));
        assert_eq!(country_of_demonym("Saudi"), Some("Saudi Arabia"));
        assert_eq!(country_of_demonym("Pakistan"), None);
    }

    #[test]
    fn title_words_normalise_spelling_variants() {
        assert_eq!(normalise_title_word("defence"), "defense");
        assert_eq!(normalise_title_word("spokesperson"), "spokesman");
        assert_eq!(normalise_title_word("gen."), "general");
        assert!(is_title_word("prime") && is_title_head("minister"));
    }
}
