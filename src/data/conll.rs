//! CoNLL-2003 NER column files (`WORD POS CHUNK NER`, blank line between sentences), read into
//! sentences of words with BIO2 tags.

use super::input::{self, skip};
use super::{DataError, Loaded, NerSentence};
use std::path::Path;

/// Read a CoNLL-2003 file into sentences (`<file name>:<line of first word>`), skipping
/// `-DOCSTART-` lines and converting the IOB1 tags to BIO2: an `I-X` that does not continue an
/// `X` entity becomes `B-X`; a `B-X` (IOB1's mark for an entity right after another `X`) stays.
///
/// A sentence with a malformed token line (not 4 columns, or a tag that is not `O`, `B-X` or
/// `I-X`) is skipped whole, at the bad line: dropping one token would corrupt the sentence.
pub fn read(path: &Path) -> Result<Loaded<NerSentence>, DataError> {
    let bytes = input::read_bytes(path)?;
    let name = input::file_name(path);
    let mut out = Loaded::default();
    let mut sentence = Pending::default();
    for (number, line) in input::lines(&bytes) {
        let token = input::utf8(line).and_then(|line| {
            let line = line.trim();
            if line.is_empty() || line.starts_with("-DOCSTART-") {
                return Ok(None);
            }
            parse_token(line).map(Some)
        });
        match token {
            Ok(Some((word, tag))) => {
                sentence.start.get_or_insert(number);
                if sentence.error.is_none() {
                    sentence.words.push(word.to_owned());
                    sentence.tags.push(tag.to_owned());
                }
            }
            Ok(None) => sentence.finish(&name, path, &mut out),
            Err(reason) => {
                sentence.start.get_or_insert(number);
                sentence.error.get_or_insert((number, reason));
            }
        }
    }
    sentence.finish(&name, path, &mut out);
    Ok(out)
}

/// Whether a line looks like a CoNLL token line (for format detection).
pub(crate) fn is_token_line(line: &str) -> bool {
    let cols: Vec<&str> = line.split_whitespace().collect();
    cols.len() == 4 && check_tag(cols[3]).is_ok()
}

/// Convert one sentence's IOB1 tags to BIO2. BIO2 input comes back unchanged.
pub fn iob1_to_bio2(tags: &[String]) -> Vec<String> {
    let mut out = Vec::with_capacity(tags.len());
    let mut previous: Option<&str> = None; // the entity type of the previous token
    for tag in tags {
        let (prefix, kind) = match tag.split_once('-') {
            Some((p, k)) => (p, Some(k)),
            None => (tag.as_str(), None),
        };
        out.push(match (prefix, kind) {
            ("I", Some(kind)) if previous != Some(kind) => format!("B-{kind}"),
            _ => tag.clone(),
        });
        previous = kind;
    }
    out
}

#[derive(Default)]
struct Pending {
    start: Option<usize>,
    words: Vec<String>,
    tags: Vec<String>,
    error: Option<(usize, String)>,
}

impl Pending {
    fn finish(&mut self, name: &str, path: &Path, out: &mut Loaded<NerSentence>) {
        let done = std::mem::take(self);
        let Some(start) = done.start else { return };
        match done.error {
            Some((line, reason)) => out.skipped.push(skip(
                path,
                line,
                format!("{reason}; skipped the sentence starting at line {start}"),
            )),
            None => out.rows.push(NerSentence {
                id: format!("{name}:{start}"),
                words: done.words,
                tags: iob1_to_bio2(&done.tags),
            }),
        }
    }
}

fn parse_token(line: &str) -> Result<(&str, &str), String> {
    let cols: Vec<&str> = line.split_whitespace().collect();
    let [word, _pos, _chunk, tag] = cols[..] else {
        return Err(format!(
            "expected 4 space-separated columns (word, POS, chunk, NER), found {}",
            cols.len()
        ));
    };
    check_tag(tag)?;
    Ok((word, tag))
}

fn check_tag(tag: &str) -> Result<(), String> {
    let ok =
        tag == "O" || matches!(tag.split_once('-'), Some(("B" | "I", kind)) if !kind.is_empty());
    if ok {
        Ok(())
    } else {
        Err(format!(
            "unknown NER tag '{tag}'; expected O, B-<type> or I-<type>"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::test_support::{fixture, shared_data, top_reasons};

    fn tags(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_owned).collect()
    }

    #[test]
    fn iob1_becomes_bio2() {
        assert_eq!(
            iob1_to_bio2(&tags("I-PER I-PER B-PER O I-LOC")),
            tags("B-PER I-PER B-PER O B-LOC")
        );
        assert_eq!(
            iob1_to_bio2(&tags("I-ORG I-LOC I-LOC O O I-MISC")),
            tags("B-ORG B-LOC I-LOC O O B-MISC")
        );
        assert_eq!(
            iob1_to_bio2(&tags("B-LOC I-LOC B-LOC")),
            tags("B-LOC I-LOC B-LOC")
        );
        assert_eq!(iob1_to_bio2(&[]), Vec::<String>::new());
    }

    #[test]
    fn sentences_split_on_blank_lines_and_docstart() {
        let text = concat!(
            "-DOCSTART- -X- O O\n",
            "\n",
            "EU NNP I-NP I-ORG\n",
            "rejects VBZ I-VP O\n",
            "German JJ I-NP I-MISC\n",
            "\n",
            "\n",
            "Peter NNP I-NP I-PER\n",
            "Blackburn NNP I-NP I-PER\n",
            "-DOCSTART- -X- O O\n",
            "Bad NNP I-NP\n",
            "line NN I-NP O\n",
            "\n",
            "Odd NNP I-NP X-PER\n",
            "\n",
            "Last NN I-NP O",
        );
        let (_dir, path) = fixture("eng.mini", text.as_bytes());
        let got = read(&path).unwrap();
        let ids: Vec<_> = got.rows.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, ["eng.mini:3", "eng.mini:8", "eng.mini:16"]);
        assert_eq!(got.rows[0].words, ["EU", "rejects", "German"]);
        assert_eq!(got.rows[0].tags, ["B-ORG", "O", "B-MISC"]);
        assert_eq!(got.rows[1].tags, ["B-PER", "I-PER"]);
        let skipped: Vec<_> = got
            .skipped
            .iter()
            .map(|s| (s.line, s.reason.as_str()))
            .collect();
        assert_eq!(skipped.len(), 2);
        assert_eq!(skipped[0].0, 11);
        assert!(skipped[0].1.contains("found 3"), "{skipped:?}");
        assert_eq!(skipped[1].0, 14);
        assert!(
            skipped[1].1.contains("unknown NER tag 'X-PER'"),
            "{skipped:?}"
        );
    }

    #[test]
    fn real_conll_files_have_the_documented_counts() {
        // sentences, tokens (SOURCE.md) and entities (B- tags after conversion; the standard
        // CoNLL-2003 entity counts)
        let files = [
            ("eng.train", 14041, 203621, 23499),
            ("eng.testa", 3250, 51362, 5942),
            ("eng.testb", 3453, 46435, 5648),
        ];
        let Some(dir) = shared_data("conll2003_en") else {
            return;
        };
        for (rel, sentences, tokens, entities) in files {
            let got = read(&dir.join(rel)).unwrap();
            let n_tokens: usize = got.rows.iter().map(|s| s.words.len()).sum();
            let starts = got
                .rows
                .iter()
                .flat_map(|s| &s.tags)
                .filter(|t| t.starts_with("B-"))
                .count();
            eprintln!(
                "{rel}: {} sentences, {n_tokens} tokens, {starts} entities, {} skipped {:?}",
                got.rows.len(),
                got.skipped.len(),
                top_reasons(&got.skipped)
            );
            assert_eq!(got.rows.len(), sentences, "{rel}");
            assert_eq!(n_tokens, tokens, "{rel}");
            assert_eq!(starts, entities, "{rel}");
            assert!(got.skipped.is_empty());
            for s in &got.rows {
                for (i, t) in s.tags.iter().enumerate() {
                    if let Some(kind) = t.strip_prefix("I-") {
                        let prev = i.checked_sub(1).map(|j| s.tags[j].as_str()).unwrap_or("O");
                        assert!(
                            prev.ends_with(kind) && prev != "O",
                            "{}: I- after {prev}",
                            s.id
                        );
                    }
                }
            }
        }
    }
}
