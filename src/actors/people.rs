//! People within one document: grouping "Khawaja Muhammad Asif", "Khawaja Asif", "Mr. Asif"
//! and "Asif's" into one person, and naming actors that are not in the alias table.

use serde::Serialize;

use super::table::{AliasKind, AliasTable};

pub use crate::text::words::TITLES;

/// One person in a document: the fullest name seen and the indices of the mentions that
/// refer to them, in document order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PersonCluster {
    pub canonical: String,
    pub mentions: Vec<usize>,
}

/// A name without its possessive and leading titles, as display text and as lowercase tokens
/// for matching.
fn person_name(surface: &str) -> (String, Vec<String>) {
    let cleaned: String = surface
        .trim()
        .chars()
        .map(|c| if c == '\u{2019}' { '\'' } else { c })
        .collect();
    let cleaned = cleaned
        .strip_suffix("'s")
        .or_else(|| cleaned.strip_suffix("'S"))
        .or_else(|| cleaned.strip_suffix('\''))
        .unwrap_or(&cleaned)
        .trim_end_matches([',', ';', ':'])
        .to_string();
    let words: Vec<&str> = cleaned.split_whitespace().collect();
    let bare = |w: &str| w.trim_end_matches('.').to_lowercase();
    let is_title = |w: &str| TITLES.contains(&bare(w).as_str());
    // "US Secretary of State ...", "Pakistani Foreign Minister ...": a nationality before a
    // title is part of the title.
    let is_affiliation = |w: &str| {
        AliasTable::builtin()
            .lookup_alias(w)
            .is_some_and(|(_, via)| matches!(via, AliasKind::Demonym | AliasKind::Acronym))
    };
    let mut first = 0;
    while first + 1 < words.len() {
        let w = words[first];
        if is_title(w) || (is_affiliation(w) && is_title(words[first + 1])) {
            first += 1;
        } else {
            break;
        }
    }
    let kept = &words[first..];
    let display = kept.join(" ");
    let tokens = kept
        .iter()
        .map(|w| bare(w))
        .filter(|w| !w.is_empty())
        .collect();
    (display, tokens)
}

/// Whether `short` appears in `long` in order (not necessarily contiguously).
fn is_subsequence(short: &[String], long: &[String]) -> bool {
    let mut it = long.iter();
    short.iter().all(|s| it.any(|l| l == s))
}

struct Building {
    display: String,
    tokens: Vec<String>,
    mentions: Vec<usize>,
    last_seen: usize,
}

/// Groups person mentions, given in document order as (mention index, surface), into people.
///
/// Titles ("Mr.", "President", "Gen.") and possessives are ignored. A mention joins the most
/// recently mentioned person whose fullest name contains it ("Asif" and "Khawaja Asif" join
/// "Khawaja Muhammad Asif") or is contained in it (a later "Khawaja Muhammad Asif" upgrades an
/// earlier "Khawaja Asif"); when two people share a surname, the most recent wins. The
/// canonical name is the fullest form seen. Clusters come in order of first mention.
pub fn cluster_people(names: &[(usize, &str)]) -> Vec<PersonCluster> {
    let mut clusters: Vec<Building> = Vec::new();
    for (order, &(mention, surface)) in names.iter().enumerate() {
        let (display, tokens) = person_name(surface);
        if tokens.is_empty() {
            continue;
        }
        let mut candidates: Vec<usize> = (0..clusters.len()).collect();
        candidates.sort_by_key(|&c| std::cmp::Reverse(clusters[c].last_seen));
        let joined = candidates.into_iter().find(|&c| {
            let known = &clusters[c].tokens;
            if tokens.len() == 1 {
                known.contains(&tokens[0])
            } else {
                is_subsequence(&tokens, known) || is_subsequence(known, &tokens)
            }
        });
        match joined {
            Some(c) => {
                let cluster = &mut clusters[c];
                cluster.mentions.push(mention);
                cluster.last_seen = order;
                let longer =
                    (tokens.len(), display.len()) > (cluster.tokens.len(), cluster.display.len());
                if longer && is_subsequence(&cluster.tokens, &tokens) {
                    cluster.tokens = tokens;
                    cluster.display = display;
                }
            }
            None => clusters.push(Building {
                display,
                tokens,
                mentions: vec![mention],
                last_seen: order,
            }),
        }
    }
    clusters
        .into_iter()
        .map(|c| PersonCluster {
            canonical: c.display,
            mentions: c.mentions,
        })
        .collect()
}

/// The name to use for an actor not in the alias table (an organisation or person found by
/// NER), given all its surface forms: the longest, trimmed, without a possessive; the first
/// on ties; empty when there are none.
pub fn canonical_unknown(surfaces: &[&str]) -> String {
    let mut best = String::new();
    for s in surfaces {
        let s = s.trim().replace('\u{2019}', "'");
        let s = s
            .strip_suffix("'s")
            .or_else(|| s.strip_suffix('\''))
            .unwrap_or(&s)
            .trim();
        let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
        if s.chars().count() > best.chars().count() {
            best = s;
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clusters(names: &[&str]) -> Vec<(String, Vec<usize>)> {
        let input: Vec<(usize, &str)> = names.iter().copied().enumerate().collect();
        cluster_people(&input)
            .into_iter()
            .map(|c| (c.canonical, c.mentions))
            .collect()
    }

    #[test]
    fn variants_of_one_name_form_one_cluster_under_the_full_name() {
        let got = clusters(&[
            "Khawaja Muhammad Asif",
            "Khawaja Asif",
            "Asif",
            "Mr. Asif",
            "Asif's",
            "Defence Minister Khawaja Asif",
        ]);
        assert_eq!(
            got,
            [("Khawaja Muhammad Asif".to_string(), vec![0, 1, 2, 3, 4, 5])]
        );
    }

    #[test]
    fn a_later_full_name_upgrades_the_canonical_name() {
        let got = clusters(&["Mr. Asif", "Khawaja Asif", "Khawaja Muhammad Asif’s"]);
        assert_eq!(got, [("Khawaja Muhammad Asif".to_string(), vec![0, 1, 2])]);
    }

    #[test]
    fn people_with_different_surnames_stay_apart() {
        let got = clusters(&["Shehbaz Sharif", "Ishaq Dar", "Sharif", "Dar", "Mr Dar"]);
        assert_eq!(
            got,
            [
                ("Shehbaz Sharif".to_string(), vec![0, 2]),
                ("Ishaq Dar".to_string(), vec![1, 3, 4]),
            ]
        );
    }

    #[test]
    fn a_lone_surname_joins_the_person_with_that_name() {
        let got = clusters(&["Imran Khan", "President Erdogan", "Khan"]);
        assert_eq!(
            got,
            [
                ("Imran Khan".to_string(), vec![0, 2]),
                ("Erdogan".to_string(), vec![1]),
            ]
        );
    }

    #[test]
    fn a_shared_surname_goes_to_the_most_recent_person() {
        let got = clusters(&[
            "Nawaz Sharif",
            "Shehbaz Sharif",
            "Sharif",
            "Nawaz Sharif",
            "Sharif",
        ]);
        assert_eq!(
            got,
            [
                ("Nawaz Sharif".to_string(), vec![0, 3, 4]),
                ("Shehbaz Sharif".to_string(), vec![1, 2]),
            ]
        );
    }

    #[test]
    fn titles_and_nationalities_are_stripped_for_matching() {
        let got = clusters(&[
            "US Secretary of State Antony Blinken",
            "Blinken",
            "Saudi Crown Prince Mohammed bin Salman",
            "Prince Mohammed",
            "Gen. Asim Munir",
            "Field Marshal Asim Munir",
        ]);
        assert_eq!(
            got,
            [
                ("Antony Blinken".to_string(), vec![0, 1]),
                ("Mohammed bin Salman".to_string(), vec![2, 3]),
                ("Asim Munir".to_string(), vec![4, 5]),
            ]
        );
    }

    #[test]
    fn mention_indices_are_passed_through_and_empty_names_skipped() {
        let input = [(7, "Ishaq Dar"), (9, "  "), (12, "Dar’s")];
        let got = cluster_people(&input);
        assert_eq!(
            got,
            [PersonCluster {
                canonical: "Ishaq Dar".into(),
                mentions: vec![7, 12]
            }]
        );
        assert_eq!(cluster_people(&[]), []);
    }

    #[test]
    fn a_title_alone_is_kept_as_a_name() {
        let got = clusters(&["President"]);
        assert_eq!(got, [("President".to_string(), vec![0])]);
    }

    #[test]
    fn canonical_unknown_takes_the_longest_surface() {
        assert_eq!(
            canonical_unknown(&["PTI", "Pakistan Tehreek-e-Insaf", "Tehreek-e-Insaf's"]),
            "Pakistan Tehreek-e-Insaf"
        );
        assert_eq!(canonical_unknown(&["  Acme   Corp ’s"]), "Acme Corp");
        assert_eq!(canonical_unknown(&["Ab", "Cd"]), "Ab");
        assert_eq!(canonical_unknown(&[]), "");
    }
}
