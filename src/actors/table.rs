//! The actor alias table: actors with stable ids, their aliases, parsing of the embedded TSV,
//! and canonicalisation of free strings (`lookup`).

use std::collections::HashMap;
use std::fmt;
use std::sync::LazyLock;

use serde::Serialize;

use super::matcher::{Matcher, Target};

/// The table shipped with the binary; see the header of the file for its format and choices.
const BUILTIN_TSV: &str = include_str!("../../models/actors/aliases.tsv");

static BUILTIN: LazyLock<AliasTable> = LazyLock::new(|| {
    // The embedded file is checked by the unit tests, so a failure here is a build defect,
    // not bad input.
    AliasTable::parse(BUILTIN_TSV)
        .unwrap_or_else(|e| panic!("built-in models/actors/aliases.tsv is invalid: {e}"))
});

/// What sort of actor an entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ActorKind {
    State,
    Organisation,
    Group,
    Person,
}

impl ActorKind {
    pub const CHOICES: &'static str = "state, organisation, group, person";

    pub fn as_str(self) -> &'static str {
        match self {
            ActorKind::State => "state",
            ActorKind::Organisation => "organisation",
            ActorKind::Group => "group",
            ActorKind::Person => "person",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        match s {
            "state" => Some(ActorKind::State),
            "organisation" | "organization" => Some(ActorKind::Organisation),
            "group" => Some(ActorKind::Group),
            "person" => Some(ActorKind::Person),
            _ => None,
        }
    }
}

impl fmt::Display for ActorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How an alias refers to its actor: by name, by an acronym, through a demonym, through a
/// capital or seat of power used as a metonym, or through a loaded epithet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AliasKind {
    Name,
    Demonym,
    CapitalMetonym,
    Epithet,
    Acronym,
}

impl AliasKind {
    /// Field names as written in the TSV.
    pub const CHOICES: &'static str = "name, acronym, demonym, capital, epithet";

    pub fn as_str(self) -> &'static str {
        match self {
            AliasKind::Name => "name",
            AliasKind::Demonym => "demonym",
            AliasKind::CapitalMetonym => "capital_metonym",
            AliasKind::Epithet => "epithet",
            AliasKind::Acronym => "acronym",
        }
    }

    fn parse_field(s: &str) -> Option<Self> {
        match s {
            "name" => Some(AliasKind::Name),
            "acronym" => Some(AliasKind::Acronym),
            "demonym" => Some(AliasKind::Demonym),
            "capital" | "capital_metonym" => Some(AliasKind::CapitalMetonym),
            "epithet" => Some(AliasKind::Epithet),
            _ => None,
        }
    }
}

impl fmt::Display for AliasKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One surface form of an actor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Alias {
    pub text: String,
    pub via: AliasKind,
}

/// A named actor: a Wikidata QID (or `standpoint:<slug>`), its kind, a short canonical name and
/// every alias the matcher knows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Actor {
    pub id: String,
    pub kind: ActorKind,
    pub canonical: String,
    pub aliases: Vec<Alias>,
}

/// One alias occurrence found by [`AliasTable::find_all`]; `start..end` are byte offsets into
/// the searched text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct AliasMatch<'a> {
    pub start: usize,
    pub end: usize,
    pub actor_id: &'a str,
    pub canonical: &'a str,
    pub kind: ActorKind,
    pub via: AliasKind,
}

impl AliasMatch<'_> {
    /// The matched surface text.
    pub fn surface<'t>(&self, text: &'t str) -> &'t str {
        &text[self.start..self.end]
    }
}

/// Why an alias table could not be built. Line numbers are 1-based lines of the TSV.
#[derive(Debug, thiserror::Error)]
pub enum AliasTableError {
    #[error("alias table line {line}: expected at least 4 tab-separated columns (id, kind, canonical, field), found {found}")]
    Columns { line: usize, found: usize },
    #[error("alias table line {line}: actor id '{id}' is neither a Wikidata QID (Q123) nor standpoint:<slug> (lowercase letters, digits, '-')")]
    BadId { line: usize, id: String },
    #[error(
        "alias table line {line}: unknown actor kind '{found}'; expected {}",
        ActorKind::CHOICES
    )]
    UnknownKind { line: usize, found: String },
    #[error(
        "alias table line {line}: field '{field}' has no '<kind>:' prefix; expected one of {}",
        AliasKind::CHOICES
    )]
    FieldSyntax { line: usize, field: String },
    #[error(
        "alias table line {line}: unknown alias kind '{found}'; expected {}",
        AliasKind::CHOICES
    )]
    UnknownAliasKind { line: usize, found: String },
    #[error("alias table line {line}: empty {what}")]
    Empty { line: usize, what: &'static str },
    #[error("alias table line {line}: actor id '{id}' already defined on line {first_line}")]
    DuplicateId {
        line: usize,
        id: String,
        first_line: usize,
    },
    #[error("alias table line {line}: alias '{alias}' of {id} is already an alias of {other}; an alias must name one actor")]
    AliasConflict {
        line: usize,
        alias: String,
        id: String,
        other: String,
    },
    #[error("alias table line {line}: blocked phrase '{phrase}' is also an alias of {id}")]
    BlockedAlias {
        line: usize,
        phrase: String,
        id: String,
    },
}

/// The alias table: actors, a token trie over every alias for `find_all`, and exact maps for
/// `lookup`.
#[derive(Debug)]
pub struct AliasTable {
    actors: Vec<Actor>,
    by_id: HashMap<String, usize>,
    /// Acronyms, case preserved (after dropping periods): "US", "NATO", "LeT".
    exact: HashMap<String, (usize, AliasKind)>,
    /// Everything else, lowercased: "united states", "islamic world", "pakistani".
    folded: HashMap<String, (usize, AliasKind)>,
    matcher: Matcher,
}

impl AliasTable {
    /// The built-in table, parsed once on first use.
    pub fn builtin() -> &'static AliasTable {
        &BUILTIN
    }

    /// Parses a table in the TSV format of `models/actors/aliases.tsv`.
    pub fn parse(data: &str) -> Result<AliasTable, AliasTableError> {
        let mut actors: Vec<Actor> = Vec::new();
        let mut by_id: HashMap<String, usize> = HashMap::new();
        let mut id_line: Vec<usize> = Vec::new();
        let mut exact: HashMap<String, (usize, AliasKind)> = HashMap::new();
        let mut folded: HashMap<String, (usize, AliasKind)> = HashMap::new();
        let mut blocked: Vec<(usize, String)> = Vec::new();

        for (index, raw) in data.lines().enumerate() {
            let line = index + 1;
            let raw = raw.trim_end_matches('\r');
            if raw.trim().is_empty() || raw.starts_with('#') {
                continue;
            }
            let cols: Vec<&str> = raw.split('\t').map(str::trim).collect();
            if cols[0] == "!block" {
                for phrase in cols[1..].iter().flat_map(|c| c.split('|')) {
                    let phrase = phrase.trim();
                    if !phrase.is_empty() {
                        blocked.push((line, phrase.to_string()));
                    }
                }
                continue;
            }
            if cols.len() < 4 {
                return Err(AliasTableError::Columns {
                    line,
                    found: cols.len(),
                });
            }
            let id = cols[0];
            if !valid_id(id) {
                return Err(AliasTableError::BadId {
                    line,
                    id: id.to_string(),
                });
            }
            let kind = ActorKind::parse(cols[1]).ok_or_else(|| AliasTableError::UnknownKind {
                line,
                found: cols[1].to_string(),
            })?;
            let canonical = cols[2];
            if canonical.is_empty() {
                return Err(AliasTableError::Empty {
                    line,
                    what: "canonical name",
                });
            }
            if let Some(&first) = by_id.get(id) {
                return Err(AliasTableError::DuplicateId {
                    line,
                    id: id.to_string(),
                    first_line: id_line[first],
                });
            }
            let index = actors.len();
            let mut aliases = Vec::new();
            for field in &cols[3..] {
                if field.is_empty() {
                    continue;
                }
                let (via, list) =
                    field
                        .split_once(':')
                        .ok_or_else(|| AliasTableError::FieldSyntax {
                            line,
                            field: field.to_string(),
                        })?;
                let via = AliasKind::parse_field(via.trim()).ok_or_else(|| {
                    AliasTableError::UnknownAliasKind {
                        line,
                        found: via.trim().to_string(),
                    }
                })?;
                for text in list.split('|').map(str::trim) {
                    if text.is_empty() {
                        return Err(AliasTableError::Empty {
                            line,
                            what: "alias",
                        });
                    }
                    let map = if via == AliasKind::Acronym {
                        &mut exact
                    } else {
                        &mut folded
                    };
                    let key = if via == AliasKind::Acronym {
                        lookup_key(text)
                    } else {
                        lookup_key(text).to_lowercase()
                    };
                    if key.is_empty() {
                        return Err(AliasTableError::Empty {
                            line,
                            what: "alias",
                        });
                    }
                    match map.get(&key) {
                        Some(&(other, _)) if other != index => {
                            return Err(AliasTableError::AliasConflict {
                                line,
                                alias: text.to_string(),
                                id: id.to_string(),
                                other: actors[other].id.clone(),
                            });
                        }
                        Some(_) => {}
                        None => {
                            map.insert(key, (index, via));
                        }
                    }
                    aliases.push(Alias {
                        text: text.to_string(),
                        via,
                    });
                }
            }
            if aliases.is_empty() {
                return Err(AliasTableError::Empty {
                    line,
                    what: "alias list",
                });
            }
            by_id.insert(id.to_string(), index);
            id_line.push(line);
            actors.push(Actor {
                id: id.to_string(),
                kind,
                canonical: canonical.to_string(),
                aliases,
            });
        }

        for (line, phrase) in &blocked {
            let key = lookup_key(phrase);
            let hit = folded
                .get(&key.to_lowercase())
                .or_else(|| exact.get(&key))
                .map(|&(i, _)| i);
            if let Some(i) = hit {
                return Err(AliasTableError::BlockedAlias {
                    line: *line,
                    phrase: phrase.clone(),
                    id: actors[i].id.clone(),
                });
            }
        }

        let mut patterns: Vec<(&str, Target)> = Vec::new();
        for (_, phrase) in &blocked {
            patterns.push((phrase.as_str(), Target::Block));
        }
        let with_the: Vec<String> = blocked
            .iter()
            .filter(|(_, p)| !starts_with_the(p))
            .map(|(_, p)| format!("the {p}"))
            .collect();
        for phrase in &with_the {
            patterns.push((phrase.as_str(), Target::Block));
        }
        for (i, actor) in actors.iter().enumerate() {
            for alias in &actor.aliases {
                patterns.push((
                    alias.text.as_str(),
                    Target::Alias {
                        actor: i,
                        via: alias.via,
                    },
                ));
            }
        }
        let matcher = Matcher::build(&patterns);

        Ok(AliasTable {
            actors,
            by_id,
            exact,
            folded,
            matcher,
        })
    }

    pub fn actors(&self) -> &[Actor] {
        &self.actors
    }

    pub fn len(&self) -> usize {
        self.actors.len()
    }

    pub fn is_empty(&self) -> bool {
        self.actors.is_empty()
    }

    /// The actor with this id (QID or `standpoint:<slug>`).
    pub fn actor(&self, id: &str) -> Option<&Actor> {
        self.by_id.get(id).map(|&i| &self.actors[i])
    }

    /// Canonicalises a free string, such as an NER mention: an exact alias match after
    /// normalisation (case-insensitive except for acronyms; a leading "the", a possessive
    /// "'s"/"’s" and periods are ignored, so "the U.S.'s" finds the United States and "us" finds
    /// nothing).
    pub fn lookup(&self, name: &str) -> Option<&Actor> {
        self.lookup_alias(name).map(|(actor, _)| actor)
    }

    /// Like [`lookup`](Self::lookup), also saying which kind of alias matched.
    pub fn lookup_alias(&self, name: &str) -> Option<(&Actor, AliasKind)> {
        let key = lookup_key(name);
        if key.is_empty() {
            return None;
        }
        self.exact
            .get(&key)
            .or_else(|| self.folded.get(&key.to_lowercase()))
            .map(|&(i, via)| (&self.actors[i], via))
    }

    /// Every alias occurrence in `text`: leftmost, longest, non-overlapping, on word
    /// boundaries, in text order. Blocked phrases ("Latin America") consume their span and are
    /// not reported.
    pub fn find_all<'a>(&'a self, text: &str) -> Vec<AliasMatch<'a>> {
        self.matcher
            .find(text)
            .into_iter()
            .map(|(start, end, actor, via)| {
                let a = &self.actors[actor];
                AliasMatch {
                    start,
                    end,
                    actor_id: &a.id,
                    canonical: &a.canonical,
                    kind: a.kind,
                    via,
                }
            })
            .collect()
    }
}

fn valid_id(id: &str) -> bool {
    if let Some(digits) = id.strip_prefix('Q') {
        return !digits.is_empty()
            && !digits.starts_with('0')
            && digits.bytes().all(|b| b.is_ascii_digit());
    }
    if let Some(slug) = id.strip_prefix("standpoint:") {
        return !slug.is_empty()
            && slug
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    }
    false
}

fn starts_with_the(s: &str) -> bool {
    s.len() > 4 && s.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("the "))
}

/// Normalises a name for `lookup`: curly apostrophes made straight, a trailing possessive and
/// all periods dropped, whitespace collapsed, a leading "the" removed. Case is kept; callers
/// fold it where the alias is not an acronym.
pub(crate) fn lookup_key(name: &str) -> String {
    let mut s: String = name
        .trim()
        .chars()
        .map(|c| match c {
            '\u{2019}' | '\u{2018}' | '\u{02BC}' | '`' => '\'',
            _ => c,
        })
        .collect();
    for suffix in ["'s", "'S"] {
        if s.len() > suffix.len() && s.ends_with(suffix) {
            s.truncate(s.len() - suffix.len());
            break;
        }
    }
    if s.len() > 1 && s.ends_with('\'') {
        s.pop();
    }
    let s: String = s.chars().filter(|&c| c != '.').collect();
    let mut out = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if starts_with_the(&out) {
        out.drain(..4);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn table() -> &'static AliasTable {
        AliasTable::builtin()
    }

    fn id_of(name: &str) -> Option<&'static str> {
        table().lookup(name).map(|a| a.id.as_str())
    }

    #[test]
    fn builtin_parses_with_enough_states_organisations_and_groups() {
        let t = table();
        let count = |k: ActorKind| t.actors().iter().filter(|a| a.kind == k).count();
        let states = count(ActorKind::State);
        let orgs = count(ActorKind::Organisation);
        let groups = count(ActorKind::Group);
        assert!(states >= 195, "{states} states");
        assert!(orgs + groups >= 90, "{orgs} organisations, {groups} groups");
        assert!(groups >= 6, "{groups} groups");
    }

    #[test]
    fn builtin_ids_are_unique_and_well_formed() {
        let mut seen = HashSet::new();
        for a in table().actors() {
            assert!(valid_id(&a.id), "{}", a.id);
            assert!(seen.insert(a.id.as_str()), "duplicate id {}", a.id);
            assert_eq!(
                table().actor(&a.id).map(|b| &b.canonical),
                Some(&a.canonical)
            );
        }
    }

    #[test]
    fn every_canonical_name_and_alias_resolves_to_its_own_actor() {
        for a in table().actors() {
            assert_eq!(id_of(&a.canonical), Some(a.id.as_str()), "{}", a.canonical);
            for alias in &a.aliases {
                assert_eq!(id_of(&alias.text), Some(a.id.as_str()), "{}", alias.text);
            }
        }
    }

    #[test]
    fn every_alias_is_found_by_the_matcher_as_one_span() {
        for a in table().actors() {
            for alias in &a.aliases {
                let text = format!("Reports say {} spoke.", alias.text);
                let found = table().find_all(&text);
                let whole = found.iter().any(|m| {
                    m.actor_id == a.id && m.surface(&text) == alias.text.as_str()
                        || m.actor_id == a.id
                            && starts_with_the(&alias.text)
                            && m.surface(&text).eq_ignore_ascii_case(&alias.text)
                });
                assert!(whole, "'{}' of {} not found in {found:?}", alias.text, a.id);
            }
        }
    }

    #[test]
    fn the_un_members_and_observers_are_present() {
        for (name, id) in [
            ("United States", "Q30"),
            ("United Kingdom", "Q145"),
            ("Pakistan", "Q843"),
            ("Saudi Arabia", "Q851"),
            ("Israel", "Q801"),
            ("India", "Q668"),
            ("China", "Q148"),
            ("Russia", "Q159"),
            ("France", "Q142"),
            ("Germany", "Q183"),
            ("Iran", "Q794"),
            ("Turkey", "Q43"),
            ("NATO", "Q7184"),
            ("United Nations", "Q1065"),
            ("European Union", "Q458"),
            ("Holy See", "Q159583"),
            ("Vatican", "Q159583"),
            ("State of Palestine", "Q219060"),
            ("Tuvalu", "Q672"),
        ] {
            assert_eq!(id_of(name), Some(id), "{name}");
        }
    }

    #[test]
    fn lookup_normalises_case_the_possessives_and_periods() {
        assert_eq!(id_of("the U.S."), Some("Q30"));
        assert_eq!(id_of("US"), Some("Q30"));
        assert_eq!(id_of("U.S.A."), Some("Q30"));
        assert_eq!(id_of("the United States's"), Some("Q30"));
        assert_eq!(id_of("Pakistan’s"), Some("Q843"));
        assert_eq!(id_of("PAKISTAN"), Some("Q843"));
        assert_eq!(id_of("islamabad"), Some("Q843"));
        assert_eq!(
            id_of("  the   Islamic World "),
            Some("standpoint:islamic-world")
        );
        assert_eq!(id_of("Americans'"), Some("Q30"));
        assert_eq!(id_of("the zionist regime"), Some("Q801"));
        assert_eq!(id_of("Nato"), Some("Q7184"));
        assert_eq!(id_of("nato"), Some("Q7184"));
        assert_eq!(id_of("Downing Street"), Some("Q145"));
        assert_eq!(id_of("Brussels"), Some("Q458"));
        assert_eq!(id_of("the West"), Some("standpoint:the-west"));
    }

    #[test]
    fn lookup_keeps_acronyms_case_sensitive() {
        assert_eq!(id_of("us"), None);
        assert_eq!(id_of("Us"), None);
        assert_eq!(id_of("who"), None);
        assert_eq!(id_of("WHO"), Some("Q7817"));
        assert_eq!(id_of("let"), None);
        assert_eq!(id_of("LeT"), Some("standpoint:lashkar-e-taiba"));
        assert_eq!(id_of(""), None);
        assert_eq!(id_of("the"), None);
        assert_eq!(id_of("Gaza"), None);
    }

    #[test]
    fn lookup_alias_reports_how_the_alias_names_the_actor() {
        let via = |s: &str| table().lookup_alias(s).map(|(_, v)| v);
        assert_eq!(via("Pakistani"), Some(AliasKind::Demonym));
        assert_eq!(via("the Kremlin"), Some(AliasKind::CapitalMetonym));
        assert_eq!(via("Zionist entity"), Some(AliasKind::Epithet));
        assert_eq!(via("UK"), Some(AliasKind::Acronym));
        assert_eq!(via("Britain"), Some(AliasKind::Name));
    }

    #[test]
    fn palestine_the_state_and_palestinians_the_people_are_different_actors() {
        assert_eq!(id_of("Palestine"), Some("Q219060"));
        assert_eq!(id_of("Palestinian state"), Some("Q219060"));
        assert_eq!(id_of("Palestinians"), Some("standpoint:palestinians"));
        assert_eq!(id_of("Palestinian"), Some("standpoint:palestinians"));
        assert_eq!(
            id_of("Palestinian Authority"),
            Some("standpoint:palestinian-authority")
        );
    }

    #[test]
    fn parse_rejects_an_alias_naming_two_actors() {
        let data = "Q1\tstate\tA\tname:Alpha\nQ2\tstate\tB\tname:Beta|alpha\n";
        let err = AliasTable::parse(data).unwrap_err();
        assert!(
            matches!(err, AliasTableError::AliasConflict { line: 2, .. }),
            "{err}"
        );
        assert!(err.to_string().contains("'alpha'"), "{err}");
    }

    #[test]
    fn parse_rejects_duplicate_ids_bad_ids_and_unknown_kinds() {
        let dup = "Q1\tstate\tA\tname:Alpha\nQ1\tstate\tB\tname:Beta\n";
        assert!(matches!(
            AliasTable::parse(dup),
            Err(AliasTableError::DuplicateId {
                line: 2,
                first_line: 1,
                ..
            })
        ));
        let bad = "X1\tstate\tA\tname:Alpha\n";
        assert!(matches!(
            AliasTable::parse(bad),
            Err(AliasTableError::BadId { line: 1, .. })
        ));
        let kind = "Q1\tcountry\tA\tname:Alpha\n";
        let err = AliasTable::parse(kind).unwrap_err();
        assert!(err
            .to_string()
            .contains("expected state, organisation, group, person"));
        let via = "Q1\tstate\tA\tnickname:Alpha\n";
        assert!(matches!(
            AliasTable::parse(via),
            Err(AliasTableError::UnknownAliasKind { .. })
        ));
        let cols = "Q1\tstate\tA\n";
        assert!(matches!(
            AliasTable::parse(cols),
            Err(AliasTableError::Columns { found: 3, .. })
        ));
    }

    #[test]
    fn parse_rejects_a_blocked_phrase_that_is_an_alias() {
        let data = "Q1\tstate\tA\tname:Alpha\n!block\tAlpha\n";
        assert!(matches!(
            AliasTable::parse(data),
            Err(AliasTableError::BlockedAlias { line: 2, .. })
        ));
    }

    #[test]
    fn parse_accepts_person_entries_and_comments() {
        let data = "# people\nstandpoint:jane-doe\tperson\tJane Doe\tname:Jane Doe\n\n";
        let t = AliasTable::parse(data).unwrap();
        assert_eq!(t.len(), 1);
        assert_eq!(t.actors()[0].kind, ActorKind::Person);
        let found = t.find_all("We met Jane Doe today.");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].kind, ActorKind::Person);
    }
}
