//! Discourse state and resolution: the people (with their titles) and institutions a document
//! has introduced so far, and how names, pronouns, titles and institution phrases resolve
//! against them to canonical speakers.

use super::clauses::{Frame, Np, Phrase, Pron};
use super::lexicon;
use super::names::{EntityKind, NameOcc, TitleKey};
use super::SpeakerKind;

#[derive(Debug, Clone)]
struct Person {
    name: String,
    titles: Vec<TitleKey>,
    /// When the person was last a speaker or a subject; higher is more recent.
    seen: usize,
}

/// What the document has established before the current sentence.
#[derive(Debug, Default)]
pub(crate) struct Discourse {
    persons: Vec<Person>,
    clock: usize,
    pub last_institution: Option<String>,
}

/// How a speaker was identified.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Via {
    Name,
    Pronoun,
    Title,
    Institution,
}

#[derive(Debug, Clone)]
pub(crate) struct Speaker {
    pub name: String,
    pub kind: SpeakerKind,
    pub via: Via,
    /// A title no known person holds (`the Saudi foreign minister`): the speaker is named after
    /// it and holds it from now on.
    pub new_title: Option<TitleKey>,
}

impl Discourse {
    /// Makes `name` the most recent person.
    pub fn touch(&mut self, name: &str) {
        self.clock += 1;
        let clock = self.clock;
        match self.persons.iter_mut().find(|p| p.name == name) {
            Some(p) => p.seen = clock,
            None => self.persons.push(Person {
                name: name.to_string(),
                titles: Vec::new(),
                seen: clock,
            }),
        }
    }

    /// Records that `name` holds `title`; a person first met here becomes the most recent.
    pub fn add_title(&mut self, name: &str, title: TitleKey) {
        if !self.persons.iter().any(|p| p.name == name) {
            self.touch(name);
        }
        if let Some(p) = self.persons.iter_mut().find(|p| p.name == name) {
            if !p.titles.contains(&title) {
                p.titles.push(title);
            }
        }
    }

    fn by_recency(&self) -> Vec<&Person> {
        let mut persons: Vec<&Person> = self.persons.iter().collect();
        persons.sort_by_key(|p| std::cmp::Reverse(p.seen));
        persons
    }

    fn latest_person(&self) -> Option<&Person> {
        self.persons.iter().max_by_key(|p| p.seen)
    }

    /// The most recent person holding a title the reference admits; for a bare reference
    /// (`the minister`, `the official`) with no holder, the most recent person without a known
    /// title.
    fn title_holder(&self, reference: &TitleKey) -> Option<&Person> {
        let persons = self.by_recency();
        persons
            .iter()
            .find(|p| p.titles.iter().any(|t| t.admits(reference)))
            .or_else(|| {
                persons
                    .iter()
                    .find(|p| reference.is_bare() && p.titles.is_empty())
            })
            .copied()
    }

    /// A known person whose name contains every word of `surface`, in order: `Asif` ->
    /// `Khawaja Muhammad Asif`.
    fn link(&self, surface: &str) -> Option<String> {
        let words: Vec<&str> = surface.split_whitespace().collect();
        self.by_recency()
            .into_iter()
            .find(|p| {
                let mut theirs = p.name.split_whitespace();
                words.iter().all(|w| theirs.any(|t| t == *w))
            })
            .map(|p| p.name.clone())
    }
}

/// Resolves names and phrases to canonical speakers, consulting the pipeline's canonicaliser
/// before the built-in rules.
pub(crate) struct Resolver<'c> {
    pub canonical: &'c dyn Fn(&str) -> Option<String>,
}

impl Resolver<'_> {
    /// The canonical name and kind of a named entity; places never speak.
    pub fn name(&self, d: &Discourse, n: &NameOcc) -> Option<(String, SpeakerKind)> {
        let kind = match n.kind {
            EntityKind::Place => return None,
            EntityKind::Person => SpeakerKind::Person,
            EntityKind::Organisation | EntityKind::State => SpeakerKind::Institution,
        };
        if let Some(c) = &n.canonical {
            return Some((c.clone(), kind));
        }
        if let Some(c) = (self.canonical)(&n.surface) {
            return Some((c, kind));
        }
        let name = match n.kind {
            EntityKind::State => n.country().unwrap_or_else(|| n.surface.clone()),
            EntityKind::Organisation => {
                country_institution(&n.surface).unwrap_or_else(|| n.surface.clone())
            }
            _ => d.link(&n.surface).unwrap_or_else(|| n.surface.clone()),
        };
        Some((name, kind))
    }

    /// The speaker a phrase denotes, or `None` when it names nobody in particular (a group,
    /// an unresolvable pronoun, a thing).
    pub fn phrase(&self, d: &Discourse, frame: &Frame, p: &Phrase) -> Option<Speaker> {
        let speaker = |name: String, kind, via| Speaker {
            name,
            kind,
            via,
            new_title: None,
        };
        match &p.np {
            Np::Name(k) => self
                .name(d, &frame.names[*k])
                .map(|(name, kind)| speaker(name, kind, Via::Name)),
            Np::Pronoun(Pron::Person) => d
                .latest_person()
                .map(|x| speaker(x.name.clone(), SpeakerKind::Person, Via::Pronoun)),
            Np::Pronoun(Pron::Institution) => d
                .last_institution
                .clone()
                .map(|name| speaker(name, SpeakerKind::Institution, Via::Pronoun)),
            Np::Title(key) => match d.title_holder(key) {
                Some(x) => Some(speaker(x.name.clone(), SpeakerKind::Person, Via::Title)),
                None if key.is_bare() => None,
                None => Some(Speaker {
                    new_title: Some(key.clone()),
                    ..speaker(p.text.clone(), SpeakerKind::Person, Via::Title)
                }),
            },
            Np::Institution {
                country,
                org,
                definite,
            } => {
                let name = (self.canonical)(&p.text)
                    .or_else(|| {
                        country
                            .as_ref()
                            .map(|c| (self.canonical)(c).unwrap_or_else(|| c.clone()))
                    })
                    .or_else(|| org.and_then(|k| self.name(d, &frame.names[k]).map(|x| x.0)))
                    .or_else(|| definite.then(|| d.last_institution.clone()).flatten())
                    .unwrap_or_else(|| p.text.clone());
                Some(speaker(name, SpeakerKind::Institution, Via::Institution))
            }
            Np::Pronoun(Pron::Other) | Np::Group | Np::Other => None,
        }
    }
}

/// `Pakistan Army`, `Iran Foreign Ministry`: a country followed only by institution words
/// stands for the country.
fn country_institution(surface: &str) -> Option<String> {
    let words: Vec<&str> = surface.split_whitespace().collect();
    (1..words.len().min(4)).find_map(|n| {
        let country = lexicon::country_named(&words[..n].join(" "))?;
        words[n..]
            .iter()
            .all(|w| {
                let lower = w.to_lowercase();
                lexicon::is_institution_word(&lower)
                    || lexicon::is_title_word(lexicon::normalise_title_word(&lower))
            })
            .then(|| country.to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn surnames_link_to_the_latest_matching_person() {
        let mut d = Discourse::default();
        d.touch("Khawaja Muhammad Asif");
        d.touch("Shehbaz Sharif");
        assert_eq!(d.link("Asif").as_deref(), Some("Khawaja Muhammad Asif"));
        assert_eq!(
            d.link("Khawaja Asif").as_deref(),
            Some("Khawaja Muhammad Asif")
        );
        assert_eq!(d.link("Imran Khan"), None);
    }

    #[test]
    fn country_institutions_stand_for_the_country() {
        assert_eq!(
            country_institution("Pakistan Army").as_deref(),
            Some("Pakistan")
        );
        assert_eq!(
            country_institution("Saudi Arabia Foreign Ministry").as_deref(),
            Some("Saudi Arabia")
        );
        assert_eq!(country_institution("Pakistan Peoples Party"), None);
    }
}
