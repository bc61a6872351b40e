//! Finding aliases in text: a word tokenizer with byte offsets and a trie over alias tokens,
//! giving leftmost-longest, non-overlapping matches on word boundaries in one pass.
//!
//! Matching is token-based rather than byte-based (as Aho-Corasick would be) because the rules
//! are per word: each alias token carries its own case rule, and word boundaries come for free
//! from the tokenizer. The cost is one hash lookup per token and per trie step, linear in the
//! text for the short aliases we have.

use std::collections::{HashMap, HashSet};

use super::table::AliasKind;

/// Acronyms that are also everyday words when shouted ("LET US KNOW", "WHO SAYS"): in
/// all-caps text they are not taken as actors.
const WORDLIKE_ACRONYMS: &[&str] = &["US", "WHO", "PA", "AU"];

/// Country names that are also common given names; see `Matcher::given_name`.
const GIVEN_NAME_STATES: &[&str] = &["Chad", "Jordan", "Georgia", "Israel", "India", "Kenya"];

/// What a pattern resolves to.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Target {
    /// A phrase that is consumed but never reported ("Latin America").
    Block,
    Alias {
        actor: usize,
        via: AliasKind,
    },
}

/// A text token: a maximal run of alphanumeric characters, or one other non-space character.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Token {
    pub start: usize,
    pub end: usize,
    pub word: bool,
}

/// Splits text into tokens with byte offsets; whitespace separates and is dropped.
pub(crate) fn tokenize(text: &str) -> Vec<Token> {
    let mut out = Vec::with_capacity(text.len() / 4 + 1);
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c.is_alphanumeric() {
            let mut end = i + c.len_utf8();
            while let Some(&(j, d)) = chars.peek() {
                if !d.is_alphanumeric() {
                    break;
                }
                end = j + d.len_utf8();
                chars.next();
            }
            out.push(Token {
                start: i,
                end,
                word: true,
            });
        } else if !c.is_whitespace() {
            out.push(Token {
                start: i,
                end: i + c.len_utf8(),
                word: false,
            });
        }
    }
    out
}

/// Typographic variants that should match their plain forms.
fn normalize_punct(c: char) -> char {
    match c {
        '\u{2019}' | '\u{2018}' | '\u{02BC}' | '`' => '\'',
        '\u{2010}' | '\u{2011}' => '-',
        _ => c,
    }
}

/// The vocabulary key of a token: lowercased words, normalised punctuation.
fn token_key<'b>(token: &str, word: bool, buf: &'b mut String) -> &'b str {
    buf.clear();
    if word {
        if token.is_ascii() {
            buf.push_str(token);
            buf.make_ascii_lowercase();
        } else {
            buf.extend(token.chars().flat_map(char::to_lowercase));
        }
    } else {
        buf.extend(token.chars().map(normalize_punct));
    }
    buf.as_str()
}

/// The case rule of one alias token.
#[derive(Debug, Clone)]
enum Case {
    /// Written without capitals ("world", "the", "al"): any case matches.
    Any,
    /// Capitalised ("Turkey"): the same spelling or ALL CAPS ("TURKEY" in a dateline or
    /// headline), never lowercase ("turkey").
    TitleOrUpper(Box<str>),
    /// Acronyms and mixed case ("US", "G7", "LeT"): exactly as written.
    Exact(Box<str>),
}

impl Case {
    fn of(token: &str) -> Case {
        let has_upper = token.chars().any(char::is_uppercase);
        let has_lower = token.chars().any(char::is_lowercase);
        if !has_upper {
            Case::Any
        } else if has_lower && is_titlecase(token) {
            Case::TitleOrUpper(token.into())
        } else {
            Case::Exact(token.into())
        }
    }

    /// Whether the text token has exactly the alias spelling (not merely an accepted case).
    fn spelled(&self, text: &str) -> bool {
        match self {
            Case::Any => false,
            Case::TitleOrUpper(form) | Case::Exact(form) => &**form == text,
        }
    }

    fn accepts(&self, text: &str) -> bool {
        match self {
            Case::Any => true,
            Case::TitleOrUpper(form) => &**form == text || !text.chars().any(char::is_lowercase),
            Case::Exact(form) => &**form == text,
        }
    }
}

fn is_titlecase(token: &str) -> bool {
    let mut chars = token.chars();
    chars.next().is_some_and(char::is_uppercase) && !chars.any(char::is_uppercase)
}

#[derive(Debug)]
struct Pattern {
    cases: Vec<Case>,
    target: Target,
}

/// A trie over token ids; node 0 is the root.
#[derive(Debug)]
pub(crate) struct Matcher {
    vocab: HashMap<String, u32>,
    edges: HashMap<(u32, u32), u32>,
    /// Patterns ending at each node.
    terminals: Vec<Vec<u32>>,
    patterns: Vec<Pattern>,
    /// Single-token acronyms, which do not count as shouting around a word-like acronym.
    acronyms: HashSet<String>,
}

impl Matcher {
    pub(crate) fn build(patterns: &[(&str, Target)]) -> Matcher {
        let mut m = Matcher {
            vocab: HashMap::new(),
            edges: HashMap::new(),
            terminals: vec![Vec::new()],
            patterns: Vec::with_capacity(patterns.len()),
            acronyms: HashSet::new(),
        };
        let mut buf = String::new();
        for (text, target) in patterns {
            let tokens = tokenize(text);
            if tokens.is_empty() {
                continue;
            }
            let mut node = 0u32;
            let mut cases = Vec::with_capacity(tokens.len());
            for tok in &tokens {
                let surface = &text[tok.start..tok.end];
                let key = token_key(surface, tok.word, &mut buf);
                let next_id = m.vocab.len() as u32;
                let id = *m.vocab.entry(key.to_string()).or_insert(next_id);
                let next_node = m.terminals.len() as u32;
                node = *m.edges.entry((node, id)).or_insert_with(|| next_node);
                if node == next_node {
                    m.terminals.push(Vec::new());
                }
                cases.push(if tok.word {
                    Case::of(surface)
                } else {
                    Case::Any
                });
            }
            if let (
                Target::Alias {
                    via: AliasKind::Acronym,
                    ..
                },
                [only],
            ) = (target, tokens.as_slice())
            {
                m.acronyms.insert(text[only.start..only.end].to_string());
            }
            m.terminals[node as usize].push(m.patterns.len() as u32);
            m.patterns.push(Pattern {
                cases,
                target: *target,
            });
        }
        m
    }

    /// Leftmost-longest matches as (start, end, actor index, via).
    pub(crate) fn find(&self, text: &str) -> Vec<(usize, usize, usize, AliasKind)> {
        let tokens = tokenize(text);
        let mut buf = String::new();
        let ids: Vec<Option<u32>> = tokens
            .iter()
            .map(|t| {
                let key = token_key(&text[t.start..t.end], t.word, &mut buf);
                self.vocab.get(key).copied()
            })
            .collect();

        let mut out = Vec::new();
        let mut i = 0;
        while i < tokens.len() {
            if !tokens[i].word || ids[i].is_none() {
                i += 1;
                continue;
            }
            let mut node = 0u32;
            let mut best: Option<(usize, u32)> = None;
            let mut j = i;
            while j < tokens.len() {
                let Some(id) = ids[j] else { break };
                let Some(&next) = self.edges.get(&(node, id)) else {
                    break;
                };
                node = next;
                j += 1;
                let span = &tokens[i..j];
                // Blocks first, then the alias whose spelling fits best: "NATO" is the
                // acronym, not the name "Nato" written in capitals.
                let fit = self.terminals[node as usize]
                    .iter()
                    .filter_map(|&p| {
                        let pattern = &self.patterns[p as usize];
                        let exact = self.fit(pattern, span, text)?;
                        Some((matches!(pattern.target, Target::Block), exact, p))
                    })
                    .max_by_key(|&(block, exact, p)| (block, exact, std::cmp::Reverse(p)));
                if let Some((_, _, p)) = fit {
                    best = Some((j, p));
                }
            }
            match best {
                Some((end, p)) => {
                    if let Target::Alias { actor, via } = self.patterns[p as usize].target {
                        let (start, stop) = (tokens[i].start, tokens[end - 1].end);
                        let shouted = via == AliasKind::Acronym
                            && WORDLIKE_ACRONYMS.contains(&&text[start..stop])
                            && self.shouting(text, &tokens, i, end);
                        if !shouted && !self.given_name(text, &tokens, i, end) {
                            out.push((start, stop, actor, via));
                        }
                    }
                    i = end;
                }
                None => i += 1,
            }
        }
        out
    }

    /// `None` if the span breaks a case rule of the pattern, else how many of its tokens are
    /// spelled exactly as in the alias.
    fn fit(&self, pattern: &Pattern, span: &[Token], text: &str) -> Option<usize> {
        let mut exact = 0;
        for (case, t) in pattern.cases.iter().zip(span) {
            let surface = &text[t.start..t.end];
            if !case.accepts(surface) {
                return None;
            }
            if case.spelled(surface) {
                exact += 1;
            }
        }
        Some(exact)
    }

    /// "Israel Katz", "Chad Smith", "Jordan Peterson": a country name that is also a given
    /// name, followed on the same line by a capitalised word that starts no alias, is a
    /// person's name.
    fn given_name(&self, text: &str, tokens: &[Token], i: usize, end: usize) -> bool {
        if end != i + 1 || !GIVEN_NAME_STATES.contains(&&text[tokens[i].start..tokens[i].end]) {
            return false;
        }
        let Some(next) = tokens.get(end) else {
            return false;
        };
        let word = &text[next.start..next.end];
        let mut buf = String::new();
        let starts_alias = self
            .vocab
            .get(token_key(word, true, &mut buf))
            .is_some_and(|&id| self.edges.contains_key(&(0, id)));
        next.word
            && !text[tokens[i].end..next.start].contains('\n')
            && is_titlecase(word)
            && !starts_alias
    }

    /// Whether the words around tokens `i..end` on the same line are mostly ALL CAPS
    /// (a headline or a shouted phrase), counting neither the match nor known acronyms.
    fn shouting(&self, text: &str, tokens: &[Token], i: usize, end: usize) -> bool {
        let same_line = |a: usize, b: usize| !text[a..b].contains('\n');
        let caps = |t: &Token| {
            let s = &text[t.start..t.end];
            t.word
                && s.chars().filter(|c| c.is_alphabetic()).count() >= 2
                && !s.chars().any(char::is_lowercase)
                && !self.acronyms.contains(s)
        };
        let before = tokens[..i]
            .iter()
            .rev()
            .filter(|t| t.word)
            .take(4)
            .take_while(|t| same_line(t.end, tokens[i].start))
            .filter(|t| caps(t))
            .count();
        let after = tokens[end..]
            .iter()
            .filter(|t| t.word)
            .take(4)
            .take_while(|t| same_line(tokens[end - 1].end, t.start))
            .filter(|t| caps(t))
            .count();
        before + after >= 2
    }
}

#[cfg(test)]
mod tests {
    use super::super::table::{AliasMatch, AliasTable};
    use super::*;

    fn find(text: &str) -> Vec<AliasMatch<'static>> {
        AliasTable::builtin().find_all(text)
    }

    fn ids(text: &str) -> Vec<&'static str> {
        find(text).iter().map(|m| m.actor_id).collect()
    }

    fn surfaces(text: &str) -> Vec<&str> {
        find(text).iter().map(|m| m.surface(text)).collect()
    }

    #[test]
    fn tokenize_keeps_byte_offsets_of_words_and_punctuation() {
        let text = "Côte d’Ivoire, U.S.";
        let toks: Vec<&str> = tokenize(text)
            .iter()
            .map(|t| &text[t.start..t.end])
            .collect();
        assert_eq!(toks, ["Côte", "d", "’", "Ivoire", ",", "U", ".", "S", "."]);
    }

    #[test]
    fn specific_aliases_resolve_to_their_actors() {
        for (text, id) in [
            ("the Zionist regime", "Q801"),
            ("Islamabad", "Q843"),
            ("Downing Street", "Q145"),
            ("Brussels", "Q458"),
            ("Pakistani", "Q843"),
            ("British", "Q145"),
            ("the U.S.", "Q30"),
            ("US", "Q30"),
            ("NATO", "Q7184"),
            ("the Islamic world", "standpoint:islamic-world"),
            ("Palestinians", "standpoint:palestinians"),
            ("the Kremlin", "Q159"),
            ("the Great Satan", "Q30"),
            ("Türkiye", "Q43"),
            ("Côte d’Ivoire", "Q1008"),
            ("the Ummah", "standpoint:islamic-world"),
            ("Western powers", "standpoint:the-west"),
            ("western backers", "standpoint:the-west"),
            ("Daesh", "Q2429253"),
        ] {
            let sentence = format!("They said {text} was wrong.");
            assert_eq!(ids(&sentence), [id], "{text}");
        }
    }

    #[test]
    fn acronyms_and_capitalised_names_are_case_sensitive() {
        assert_eq!(ids("Let us talk."), Vec::<&str>::new());
        assert_eq!(ids("the turkey was roasted"), Vec::<&str>::new());
        assert_eq!(ids("Turkey was roasted by critics"), ["Q43"]);
        assert_eq!(ids("the who and the what"), Vec::<&str>::new());
        assert_eq!(ids("polish the brass in china cups"), Vec::<&str>::new());
        assert_eq!(ids("ISLAMABAD: Pakistan said"), ["Q843", "Q843"]);
        assert_eq!(
            ids("The Islamic World must act"),
            ["standpoint:islamic-world"]
        );
    }

    #[test]
    fn wordlike_acronyms_are_skipped_in_shouted_text() {
        assert_eq!(ids("LET US KNOW WHAT YOU THINK"), Vec::<&str>::new());
        assert_eq!(ids("the US, UK and EU agreed"), ["Q30", "Q145", "Q458"]);
        assert_eq!(ids("WHO chief warns of outbreak"), ["Q7817"]);
    }

    #[test]
    fn longest_match_wins() {
        assert_eq!(
            surfaces("He praised the United States of America today."),
            ["United States of America"]
        );
        assert_eq!(surfaces("Saudi Arabia and Iran"), ["Saudi Arabia", "Iran"]);
        assert_eq!(ids("Saudi Arabia"), ["Q851"]);
        assert_eq!(ids("the UN Security Council met"), ["Q1065"]);
        assert_eq!(ids("the Pakistani Taliban attacked"), ["standpoint:ttp"]);
        assert_eq!(
            ids("the Palestinian Authority and Palestinian refugees"),
            [
                "standpoint:palestinian-authority",
                "standpoint:palestinians"
            ]
        );
        assert_eq!(ids("Guinea-Bissau and Guinea"), ["Q1007", "Q1006"]);
        assert_eq!(ids("Papua New Guinea"), ["Q691"]);
    }

    #[test]
    fn the_best_spelled_alias_names_the_match() {
        let found = find("NATO and Nato");
        assert_eq!(found[0].via, AliasKind::Acronym);
        assert_eq!(found[1].via, AliasKind::Name);
    }

    #[test]
    fn country_names_that_are_given_names_are_skipped_before_a_surname() {
        assert_eq!(ids("Israel Katz said"), Vec::<&str>::new());
        assert_eq!(ids("Chad Smith, a senator"), Vec::<&str>::new());
        assert_eq!(ids("Israel Hamas war"), ["Q801", "Q38799"]);
        assert_eq!(ids("Israel said"), ["Q801"]);
        assert_eq!(ids("Pakistan Army"), ["Q843"]);
        assert_eq!(ids("visited Jordan.\nOfficials said"), ["Q810"]);
    }

    #[test]
    fn blocked_phrases_hide_the_aliases_inside_them() {
        assert_eq!(
            ids("Latin America and the Indian Ocean"),
            Vec::<&str>::new()
        );
        assert_eq!(ids("settlements in the West Bank"), Vec::<&str>::new());
        assert_eq!(ids("the West Bank and the West"), ["standpoint:the-west"]);
        assert_eq!(ids("The Washington Post reported"), Vec::<&str>::new());
        assert_eq!(ids("a US$5 billion loan"), Vec::<&str>::new());
        assert_eq!(ids("the South China Sea"), Vec::<&str>::new());
    }

    #[test]
    fn matches_respect_word_boundaries_and_possessives() {
        assert_eq!(ids("USAID and Pakistanis"), ["Q843"]);
        let text = "Pakistan's position and Israel’s reply";
        assert_eq!(surfaces(text), ["Pakistan", "Israel"]);
        assert_eq!(ids("anti-American protests"), ["Q30"]);
        assert_eq!(ids("Hamas-run Gaza"), ["Q38799"]);
    }

    #[test]
    fn offsets_are_byte_offsets_into_the_text() {
        let text = "Après la réunion, Türkiye et l’OTAN… Pakistan";
        let found = find(text);
        assert_eq!(found.len(), 2);
        assert_eq!(&text[found[0].start..found[0].end], "Türkiye");
        assert_eq!(&text[found[1].start..found[1].end], "Pakistan");
    }

    #[test]
    fn find_all_on_a_megabyte_is_fast() {
        let paragraph = "ISLAMABAD: Pakistan's Foreign Office said on Tuesday that the United \
            States and the U.K. had failed the Palestinians, while the Zionist regime ignored \
            the Islamic world and the OIC. NATO and the European Union met in Brussels; the \
            Kremlin, the White House and Downing Street issued statements about Gaza, and \
            ordinary people went about their business in the city without fuss.\n";
        let text = paragraph.repeat(1_000_000 / paragraph.len() + 1);
        assert!(text.len() >= 1_000_000);
        let started = std::time::Instant::now();
        let found = AliasTable::builtin().find_all(&text);
        let elapsed = started.elapsed();
        let per_paragraph = find(paragraph).len();
        assert_eq!(found.len(), per_paragraph * (text.len() / paragraph.len()));
        assert!(
            elapsed.as_secs_f64() < 5.0,
            "find_all took {elapsed:?} on {} bytes",
            text.len()
        );
    }
}
