//! Clauses: the speech and stance verbs outside quotation marks, their subjects (before the
//! verb, or after it as in `said Asif`), the quotations each one introduces, `according to`
//! sources, and the objects of stance verbs.

use super::lexicon::{self, VerbClass};
use super::names::{self, EntityKind, NameOcc, TitleKey};
use super::tokens::{TokKind, Token};

/// One sentence seen from outside its quotation marks.
pub(crate) struct Frame<'a> {
    pub text: &'a str,
    pub tokens: Vec<Token<'a>>,
    pub names: Vec<NameOcc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Pron {
    /// `he`, `she`: the latest person.
    Person,
    /// `it`: the latest institution.
    Institution,
    /// `they`, `we`, `I`: a group or the author.
    Other,
}

/// What a noun phrase denotes, before it is resolved against the document so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Np {
    /// `Frame::names[i]`.
    Name(usize),
    Pronoun(Pron),
    /// `the minister`, `The Pakistani Defense Minister`.
    Title(TitleKey),
    /// `Pakistan's foreign ministry`, `the Iranian embassy`, `the IRNA news agency`.
    Institution {
        country: Option<String>,
        org: Option<usize>,
        definite: bool,
    },
    /// Unnamed people: `Pakistani officials`, `a senior diplomat`, `critics`.
    Group,
    /// Anything else: `the pact`, `the statement`.
    Other,
}

#[derive(Debug, Clone)]
pub(crate) struct Phrase {
    pub np: Np,
    /// Frame tokens, inclusive, determiner included.
    pub first: usize,
    pub last: usize,
    /// Byte offsets in the sentence, determiner excluded.
    pub start: usize,
    pub end: usize,
    pub text: String,
    /// The phrase's last word, lowercase and normalised (`spokesman`, `officials`).
    pub head: String,
}

#[derive(Debug, Clone)]
pub(crate) struct Verb {
    pub first: usize,
    pub last: usize,
    /// Lowercase, words joined by a space: `criticized`, `called for`.
    pub surface: String,
    pub class: VerbClass,
    /// A form that is also a common noun (`claims`): only a name or pronoun may be its subject.
    pub noun_like: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct Clause {
    pub subject: Phrase,
    pub verb: Verb,
    /// The subject follows the verb: `, said Asif`.
    pub inverted: bool,
}

impl Clause {
    pub fn first_token(&self) -> usize {
        self.subject.first.min(self.verb.first)
    }

    pub fn last_token(&self) -> usize {
        self.subject.last.max(self.verb.last)
    }
}

/// A quotation introduced by a clause, before it (`Asif said: "..."`) or after it
/// (`"...," Asif said`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Attach {
    pub quote: usize,
    pub clause: usize,
    pub colon: bool,
}

/// A name introducing a quotation with a bare colon (`Asif: "..."`), or closing a headline
/// (`Pact targets no one: Asif`, `quote` is `None`).
#[derive(Debug, Clone)]
pub(crate) struct ColonName {
    pub quote: Option<usize>,
    pub phrase: Phrase,
}

/// Everything attribution needs from one sentence, before resolution.
#[derive(Debug, Clone, Default)]
pub(crate) struct Analysis {
    /// Ordered by verb position.
    pub clauses: Vec<Clause>,
    pub attached: Vec<Attach>,
    /// Quotation tokens handed to the main clause by a participle (`, adding: "..."`), with
    /// whether a colon introduced them.
    pub participle_quotes: Vec<(usize, bool)>,
    pub colon_names: Vec<ColonName>,
    pub according: Option<Phrase>,
    /// Share of the sentence's letters and digits that are inside quotation marks.
    pub coverage: f32,
}

impl<'a> Frame<'a> {
    fn word(&self, i: usize) -> Option<&Token<'a>> {
        self.tokens.get(i).filter(|t| t.is_word())
    }

    fn lower(&self, i: usize) -> &str {
        self.word(i).map_or("", |t| t.lower.as_str())
    }

    fn name_at(&self, first: usize) -> Option<usize> {
        self.names.iter().position(|n| n.first == first)
    }

    /// Clauses, quotation attachments, colon names and `according to`.
    pub fn analyse(&self, quote_spans: &[(usize, usize)]) -> Analysis {
        let mut clauses = Vec::new();
        for verb in self.verbs() {
            if let Some((subject, inverted)) = self.subject_of(&verb) {
                let plain = matches!(subject.np, Np::Name(_) | Np::Pronoun(_));
                if verb.noun_like && !plain || inverted && verb.class != VerbClass::Speech {
                    continue;
                }
                clauses.push(Clause {
                    subject,
                    verb,
                    inverted,
                });
            }
        }
        let mut analysis = Analysis {
            clauses,
            coverage: coverage(self.text, quote_spans),
            ..Analysis::default()
        };
        for (q, t) in self.tokens.iter().enumerate() {
            if t.kind != TokKind::Quote {
                continue;
            }
            if let Some(attach) = self.attach(&analysis.clauses, q) {
                analysis.attached.push(attach);
            } else if let Some(colon) = self.participle_before(q) {
                analysis.participle_quotes.push((q, colon));
            }
            if let Some(phrase) = self
                .colon_name_before(q)
                .or_else(|| self.credit_name_after(q))
            {
                analysis.colon_names.push(ColonName {
                    quote: Some(t.quote),
                    phrase,
                });
            }
        }
        if let Some(phrase) = self.headline_colon_name() {
            analysis.colon_names.push(ColonName {
                quote: None,
                phrase,
            });
        }
        analysis.according = self.according_to();
        analysis
    }

    /// Speech, stance and participle verbs in lowercase, multi-word ones (`called for`,
    /// `lashed out at`) as one verb. Participles are not returned.
    fn verbs(&self) -> Vec<Verb> {
        use VerbClass::{Participle, Speech, Stance};
        let mut out = Vec::new();
        let mut i = 0;
        while i < self.tokens.len() {
            let t = &self.tokens[i];
            if !t.is_lowercase_word() {
                i += 1;
                continue;
            }
            let multi = match (t.lower.as_str(), self.lower(i + 1), self.lower(i + 2)) {
                ("call" | "calls" | "called", "for" | "on" | "upon", _) => Some((Stance, 1)),
                ("calling", "for" | "on" | "upon", _) => Some((Participle, 1)),
                ("lash" | "lashes" | "lashed" | "hit" | "hits", "out", "at" | "against") => {
                    Some((Stance, 2))
                }
                ("spoke" | "speaks", "out", "against") => Some((Stance, 2)),
                ("point" | "points" | "pointed", "out", _) => Some((Speech, 1)),
                _ => None,
            };
            let (class, noun_like, extra) = match multi {
                Some((class, extra)) => (class, false, extra),
                None => match lexicon::verb_class(&t.lower) {
                    Some((class, noun_like)) => (class, noun_like, 0),
                    None => {
                        i += 1;
                        continue;
                    }
                },
            };
            if class != Participle {
                let surface = self.tokens[i..=i + extra]
                    .iter()
                    .map(|t| t.lower.as_str())
                    .collect::<Vec<_>>()
                    .join(" ");
                out.push(Verb {
                    first: i,
                    last: i + extra,
                    surface,
                    class,
                    noun_like,
                });
            }
            i += extra + 1;
        }
        out
    }

    /// The subject of a verb, and whether it follows the verb. Passive (`was told`) and
    /// infinitive (`to criticise`) forms have none; neither do relative clauses (`who said`).
    fn subject_of(&self, verb: &Verb) -> Option<(Phrase, bool)> {
        if verb.first > 0 {
            let before = self.lower(verb.first - 1);
            if lexicon::is_passive_marker(before) || before == "to" {
                return None;
            }
        }
        if let Some(e) = self.skip_aux_back(verb.first) {
            let found = if self.tokens[e].is_punct(",") {
                self.parenthetical_subject(e)
            } else {
                self.np_before(e)
            };
            if found.is_some() {
                return found.map(|p| (p, false));
            }
        }
        let after_break = verb.first == 0
            || self.tokens[verb.first - 1].is_punct(",—–-:")
            || self.tokens[verb.first - 1].kind == TokKind::Quote;
        if verb.class != VerbClass::Speech || !after_break {
            return None;
        }
        let phrase = self.np_after(verb.last + 1)?;
        let ends = match self.tokens.get(phrase.last + 1) {
            None => true,
            Some(t) => {
                t.kind != TokKind::Word
                    || matches!(
                        t.lower.as_str(),
                        "in" | "on" | "at" | "during" | "after" | "before" | "while" | "to"
                    )
            }
        };
        ends.then_some((phrase, true))
    }

    /// The token before `from`, skipping auxiliaries, adverbs and time phrases.
    fn skip_aux_back(&self, from: usize) -> Option<usize> {
        let mut j = from;
        while j > 0 {
            let l = self.lower(j - 1);
            let next_is_time = self
                .word(j)
                .is_some_and(|t| lexicon::is_time_word(&t.lower));
            if lexicon::is_aux_or_adverb(l)
                || lexicon::is_time_word(l)
                || lexicon::is_time_lead(l) && next_is_time
            {
                j -= 1;
            } else {
                break;
            }
        }
        j.checked_sub(1)
    }

    /// `X, <apposition or participial phrase>, said`: the subject is X, or the name between
    /// the commas when the phrase before them is a title (`The Defense Minister, Asif, said`).
    fn parenthetical_subject(&self, comma: usize) -> Option<Phrase> {
        let open = (comma.saturating_sub(14)..comma)
            .rev()
            .find(|&p| self.tokens[p].is_punct(","))?;
        let blocked = self.tokens[open + 1..comma]
            .iter()
            .any(|t| t.kind == TokKind::Quote || t.is_punct(".;:!?"));
        if blocked || open + 1 == comma {
            return None;
        }
        if let Some(k) = self
            .names
            .iter()
            .position(|n| n.last == comma - 1 && n.first > open)
        {
            if self.only_titles(open + 1, self.names[k].first) {
                return Some(self.name_phrase(k));
            }
        }
        self.np_before(open.checked_sub(1)?)
    }

    /// Whether tokens `from..to` are all title words, possessors, demonyms, determiners or
    /// light punctuation: what may stand between a quotation or a colon and a name.
    fn only_titles(&self, from: usize, to: usize) -> bool {
        let mut i = from;
        while i < to {
            if let Some((_, next)) = names::country_at(&self.tokens, &self.names, i) {
                i = next;
                continue;
            }
            let t = &self.tokens[i];
            let fits = t.is_punct(",—–-:")
                || t.is_word()
                    && (lexicon::is_title_word(lexicon::normalise_title_word(&t.lower))
                        || lexicon::is_determiner(&t.lower));
            if !fits {
                return false;
            }
            i += 1;
        }
        true
    }

    fn pronoun_phrase(&self, i: usize) -> Option<Phrase> {
        let t = self.word(i)?;
        let pron = match t.lower.as_str() {
            "he" | "she" | "him" | "her" => Pron::Person,
            "it" => Pron::Institution,
            "they" | "them" | "we" | "us" | "i" | "me" | "you" => Pron::Other,
            _ => return None,
        };
        Some(Phrase {
            np: Np::Pronoun(pron),
            first: i,
            last: i,
            start: t.start,
            end: t.end,
            text: t.text.to_string(),
            head: t.lower.clone(),
        })
    }

    fn name_phrase(&self, k: usize) -> Phrase {
        let n = &self.names[k];
        Phrase {
            np: if n.kind == EntityKind::Place {
                Np::Other
            } else {
                Np::Name(k)
            },
            first: n.first,
            last: n.last,
            start: n.start,
            end: n.end,
            text: n.surface.clone(),
            head: n.surface.clone(),
        }
    }

    /// The noun phrase ending at token `e`, read backwards; a phrase after a preposition
    /// (`officials in Islamabad`, `a spokesman for the ministry`) is weighed against the phrase
    /// before it.
    fn np_before(&self, e: usize) -> Option<Phrase> {
        let phrase = self.np_ending_at(e)?;
        if phrase.first < 2
            || !matches!(
                self.lower(phrase.first - 1),
                "in" | "from" | "at" | "for" | "with" | "of"
            )
        {
            return Some(phrase);
        }
        let Some(head) = self.np_ending_at(phrase.first - 2) else {
            return Some(phrase);
        };
        let speaks_for = matches!(head.head.as_str(), "spokesman" | "official" | "statement");
        Some(match head.np {
            _ if speaks_for => phrase,
            Np::Group => Phrase {
                np: Np::Group,
                last: phrase.last,
                end: phrase.end,
                text: self.text[head.start..phrase.end].to_string(),
                ..head
            },
            Np::Other => phrase,
            _ => head,
        })
    }

    fn np_ending_at(&self, e: usize) -> Option<Phrase> {
        let t = self.word(e)?;
        if let Some(p) = self.pronoun_phrase(e) {
            return Some(p);
        }
        if let Some(k) = self.names.iter().position(|n| n.last == e) {
            return Some(self.name_phrase(k));
        }
        if lexicon::is_function_word(&t.lower)
            || lexicon::is_determiner(&t.lower)
            || lexicon::verb_class(&t.lower).is_some()
        {
            return None;
        }
        let mut s = e;
        while s > 0 && e - s < 8 {
            let p = &self.tokens[s - 1];
            match p.kind {
                TokKind::Possessive if s >= 2 && self.tokens[s - 2].is_word() => s -= 2,
                TokKind::Word if lexicon::is_determiner(&p.lower) => {
                    s -= 1;
                    break;
                }
                TokKind::Word if p.lower == "of" && self.tokens[s].is_capitalised() => s -= 1,
                TokKind::Word
                    if !lexicon::is_function_word(&p.lower)
                        && lexicon::verb_class(&p.lower).is_none() =>
                {
                    s -= 1
                }
                _ => break,
            }
        }
        Some(self.classify(s, e))
    }

    /// The noun phrase starting at token `s`, read forwards: `Prime Minister Shehbaz Sharif`,
    /// `Pakistan's foreign ministry`, `him`.
    pub fn np_after(&self, s: usize) -> Option<Phrase> {
        let first = self.word(s)?;
        let followed_by_word = self.word(s + 1).is_some();
        if !(lexicon::is_determiner(&first.lower) && followed_by_word) {
            if let Some(p) = self.pronoun_phrase(s) {
                return Some(p);
            }
        }
        let i = if lexicon::is_determiner(&first.lower) {
            s + 1
        } else {
            s
        };
        let mut k = i;
        loop {
            if let Some((_, next)) = names::country_at(&self.tokens, &self.names, k) {
                k = next;
            } else if self.word(k).is_some_and(|t| {
                lexicon::is_title_word(lexicon::normalise_title_word(&t.lower))
                    && self.name_at(k).is_none()
            }) {
                k += 1;
            } else {
                break;
            }
        }
        if let Some(n) = self.name_at(k) {
            let possessed = self
                .tokens
                .get(self.names[n].last + 1)
                .is_some_and(|t| t.kind == TokKind::Possessive);
            if !possessed {
                return Some(self.name_phrase(n));
            }
        }
        let mut e = i;
        while let Some(t) = self.tokens.get(e) {
            let continues = match t.kind {
                TokKind::Possessive => true,
                TokKind::Word if t.lower == "of" => {
                    self.tokens.get(e + 1).is_some_and(Token::is_capitalised)
                }
                TokKind::Word => {
                    !lexicon::is_function_word(&t.lower) && lexicon::verb_class(&t.lower).is_none()
                }
                _ => false,
            };
            if !continues {
                break;
            }
            e += 1;
        }
        let mut last = e.checked_sub(1).filter(|&l| l >= i)?;
        while self.tokens[last].kind == TokKind::Possessive && last > i {
            last -= 1;
        }
        Some(self.classify(s, last))
    }

    /// Classifies the phrase on tokens `s..=e`.
    fn classify(&self, s: usize, e: usize) -> Phrase {
        let mut i = s;
        let mut definite = true;
        if self
            .word(i)
            .is_some_and(|t| lexicon::is_determiner(&t.lower))
            && i < e
        {
            definite = !lexicon::is_indefinite(self.lower(i));
            i += 1;
        }
        let body = i;
        let (mut country, mut org, mut person) = (None, None, None);
        let mut words: Vec<String> = Vec::new();
        while i <= e {
            if let Some(k) = self.name_at(i).filter(|&k| self.names[k].last <= e) {
                match self.names[k].kind {
                    EntityKind::State => country = self.names[k].country(),
                    EntityKind::Organisation => org = Some(k),
                    EntityKind::Person => person = Some(k),
                    EntityKind::Place => {}
                }
                i = self.names[k].last + 1;
                continue;
            }
            let t = &self.tokens[i];
            i += 1;
            if !t.is_word() {
                continue;
            }
            if let Some(c) = lexicon::country_of_demonym(t.text) {
                country = Some(c.to_string());
            } else if t.lower != "of" {
                words.push(lexicon::normalise_title_word(&t.lower).to_string());
            }
        }
        let is_institution = words.iter().any(|w| lexicon::is_institution_word(w));
        let np = match words.last().map(String::as_str) {
            None => match (org, person) {
                (Some(k), _) | (None, Some(k)) => Np::Name(k),
                (None, None) => Np::Other,
            },
            Some(h) if lexicon::is_title_head(h) => {
                if h == "spokesman" && (is_institution || org.is_some()) {
                    Np::Institution {
                        country,
                        org,
                        definite: true,
                    }
                } else if !definite {
                    Np::Group
                } else {
                    TitleKey::from_words(&words, country).map_or(Np::Other, Np::Title)
                }
            }
            Some(_) if is_institution => Np::Institution {
                country,
                org,
                definite,
            },
            Some(h) if lexicon::is_group_head(h) => Np::Group,
            Some(_) => Np::Other,
        };
        let start = self.tokens[body].start;
        let end = self.tokens[e].end;
        Phrase {
            np,
            first: s,
            last: e,
            start,
            end,
            text: self.text[start..end].to_string(),
            head: words.last().cloned().unwrap_or_default(),
        }
    }

    /// The clause introducing quotation token `q`: after it (`"...," Asif said`), or before it
    /// with at most a short gap (`Asif told reporters: "..."`). A colon before the quotation
    /// makes the clause before it win.
    fn attach(&self, clauses: &[Clause], q: usize) -> Option<Attach> {
        let quote = self.tokens[q].quote;
        let before = clauses
            .iter()
            .enumerate()
            .filter(|(_, c)| c.last_token() < q)
            .filter(|(_, c)| {
                let gap = &self.tokens[c.last_token() + 1..q];
                gap.len() <= 8
                    && !gap.iter().any(|t| {
                        t.kind == TokKind::Quote
                            || t.is_punct(".;!?()")
                            || t.is_word()
                                && lexicon::verb_class(&t.lower)
                                    .is_some_and(|(class, _)| class != VerbClass::Participle)
                    })
            })
            .max_by_key(|(_, c)| c.last_token())
            .map(|(i, c)| Attach {
                quote,
                clause: i,
                colon: self.tokens[c.last_token() + 1..q]
                    .iter()
                    .any(|t| t.is_punct(":")),
            });
        if before.is_some_and(|a| a.colon) {
            return before;
        }
        let after = clauses.iter().position(|c| {
            let first = c.first_token();
            first > q && self.only_titles(q + 1, first)
        });
        after
            .map(|clause| Attach {
                quote,
                clause,
                colon: false,
            })
            .or(before)
    }

    /// Whether a participle (`adding`, `saying`) introduces quotation token `q`; `Some(true)`
    /// when a colon does too.
    fn participle_before(&self, q: usize) -> Option<bool> {
        let mut colon = false;
        for j in (q.saturating_sub(4)..q).rev() {
            let t = &self.tokens[j];
            if t.is_punct(":") {
                colon = true;
            } else if t.is_punct(",") || t.lower == "that" {
            } else if t.is_word()
                && lexicon::verb_class(&t.lower).is_some_and(|(c, _)| c == VerbClass::Participle)
            {
                return Some(colon);
            } else {
                return None;
            }
        }
        None
    }

    /// `Asif: "..."` and `Prime Minister Shehbaz Sharif: "..."` at the start of a sentence.
    fn colon_name_before(&self, q: usize) -> Option<Phrase> {
        if q < 2 || !self.tokens[q - 1].is_punct(":") {
            return None;
        }
        let k = self.names.iter().position(|n| n.last == q - 2)?;
        self.only_titles(0, self.names[k].first)
            .then(|| self.name_phrase(k))
    }

    /// `"..." ― Carla Sanchez.` (a dash credit after a quotation, as lists of readers' or
    /// voters' views print them): the name after the dash, ending the sentence or followed by
    /// a comma (`― Carla Sanchez, Miami.`).
    fn credit_name_after(&self, q: usize) -> Option<Phrase> {
        if !self.tokens.get(q + 1)?.is_punct("—―–") {
            return None;
        }
        let k = self.names.iter().position(|n| n.first == q + 2)?;
        let ends = self.tokens[self.names[k].last + 1..]
            .first()
            .is_none_or(|t| t.is_punct(".,;!"));
        ends.then(|| self.name_phrase(k))
    }

    /// A headline ending in `: <name>`.
    fn headline_colon_name(&self) -> Option<Phrase> {
        let mut end = self.tokens.len();
        while end > 0 && self.tokens[end - 1].is_punct(".!") {
            end -= 1;
        }
        let k = self.names.iter().position(|n| n.last + 1 == end)?;
        let n = &self.names[k];
        let colon = (1..n.first).rev().find(|&c| self.tokens[c].is_punct(":"))?;
        // A credit line ("Source: NATO.", "Photo: Reuters.") names where something came from,
        // not who speaks.
        let label =
            (0..colon).all(|i| !self.tokens[i].is_word() || CREDIT_LABELS.contains(&self.lower(i)));
        if label {
            return None;
        }
        self.only_titles(colon + 1, n.first)
            .then(|| self.name_phrase(k))
    }

    /// `according to X`; a document as X (`a statement from the foreign ministry`) stands for
    /// its issuer.
    fn according_to(&self) -> Option<Phrase> {
        let i = (0..self.tokens.len())
            .find(|&i| self.lower(i) == "according" && self.lower(i + 1) == "to")?;
        let phrase = self.np_after(i + 2)?;
        if lexicon::is_source_document(&phrase.head) {
            let mut next = phrase.last + 1;
            if self.lower(next) == "issued" {
                next += 1;
            }
            if matches!(self.lower(next), "from" | "by" | "of") {
                return self.np_after(next + 1).or(Some(phrase));
            }
        }
        Some(phrase)
    }

    /// The object of a verb: from after the verb (and a `that`) to the end of its clause, which
    /// comes at the latest at token `limit` (where the next clause starts).
    pub fn object_span(&self, verb: &Verb, limit: usize) -> Option<(usize, usize)> {
        let mut i = verb.last + 1;
        if self.lower(i) == "that" {
            i += 1;
        }
        let mut last = None;
        let mut j = i;
        while let Some(t) = self.tokens.get(j).filter(|_| j < limit) {
            let stop = match t.kind {
                TokKind::Quote => true,
                TokKind::Punct if t.is_punct(",") => {
                    let next = self.lower(j + 1);
                    matches!(
                        next,
                        "saying"
                            | "adding"
                            | "while"
                            | "but"
                            | "although"
                            | "though"
                            | "as"
                            | "which"
                            | "who"
                            | "whom"
                            | "after"
                            | "when"
                            | "because"
                            | "since"
                            | "calling"
                            | "urging"
                            | "accusing"
                            | "describing"
                            | "noting"
                            | "stressing"
                            | "warning"
                    ) || next == "and"
                        && matches!(self.lower(j + 2), "he" | "she" | "it" | "they" | "we")
                }
                TokKind::Punct => !t.is_punct("-'’"),
                _ => false,
            };
            if stop {
                break;
            }
            let conjunction = matches!(t.lower.as_str(), "and" | "or" | "but" | "while");
            if t.kind != TokKind::Punct && !conjunction {
                last = Some(j);
            }
            j += 1;
        }
        let last = last.filter(|&l| l >= i)?;
        Some((self.tokens[i].start, self.tokens[last].end))
    }
}

fn coverage(text: &str, spans: &[(usize, usize)]) -> f32 {
    let count = |s: &str| s.chars().filter(|c| c.is_alphanumeric()).count();
    let total = count(text);
    if total == 0 {
        return 0.0;
    }
    let quoted: usize = spans.iter().map(|&(s, e)| count(&text[s..e])).sum();
    quoted as f32 / total as f32
}

/// Words that label a credit line before a colon ("Source: NATO.", "Photo credit: AP.").
const CREDIT_LABELS: &[&str] = &[
    "source",
    "sources",
    "photo",
    "photos",
    "credit",
    "image",
    "images",
    "graphic",
    "chart",
    "map",
    "video",
    "data",
    "via",
    "reporting",
    "editing",
    "writing",
    "additional",
    "by",
];
