//! Attribution relations in brat standoff, in PolNeAR's layout: `text/<article>.txt` and
//! `attributions/<article>_<annotator>.ann`, read into articles whose source, cue and content
//! spans are byte ranges into the article's text.
//!
//! The `.ann` offsets count characters (Unicode scalar values), not bytes; they are converted
//! here, so everything downstream slices the text by bytes like the rest of standpoint.

use super::input::{self, skip};
use super::{DataError, Loaded, Skipped};
use std::collections::BTreeMap;
use std::path::Path;

const FORMAT: &str = "brat attribution";

/// One annotated span: its byte ranges into the article (several when the annotation is
/// discontinuous, in file order) and its surface, the ranges' texts joined by a space.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BratSpan {
    pub ranges: Vec<(usize, usize)>,
    pub surface: String,
}

impl BratSpan {
    /// Where the span begins: the start of its first range.
    pub fn start(&self) -> usize {
        self.ranges.first().map_or(0, |r| r.0)
    }
}

/// One attribution relation (an `E` line): any of its parts may be missing in the annotation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribution {
    /// The `E` line's id (`E3`).
    pub id: String,
    pub source: Option<BratSpan>,
    pub cue: Option<BratSpan>,
    pub content: Option<BratSpan>,
}

/// One article with the attributions of one annotator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Article {
    /// The text file's stem.
    pub id: String,
    /// Who annotated it: the part of the `.ann` stem after `<article>_`.
    pub annotator: String,
    pub text: String,
    /// In the order of the `E` lines.
    pub attributions: Vec<Attribution>,
}

/// A folder in PolNeAR's layout: `text/` and `attributions/` side by side.
pub fn is_brat_dir(dir: &Path) -> bool {
    dir.join("text").is_dir() && dir.join("attributions").is_dir()
}

/// Read every article of `dir` that has an annotation file, with the annotation of the first
/// annotator in sorted file-name order (PolNeAR annotated some articles twice). Articles are in
/// sorted order. Unreadable lines and annotation files without a text are skipped with reasons.
pub fn read(dir: &Path) -> Result<Loaded<Article>, DataError> {
    let text_dir = dir.join("text");
    let ann_dir = dir.join("attributions");
    for d in [&text_dir, &ann_dir] {
        if !d.is_dir() {
            return Err(DataError::Missing {
                path: d.clone(),
                hint: "a brat attribution folder holds text/<article>.txt and \
                       attributions/<article>_<annotator>.ann"
                    .into(),
            });
        }
    }
    let mut anns: Vec<String> = std::fs::read_dir(&ann_dir)
        .map_err(|e| DataError::io(&ann_dir, e))?
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".ann"))
        .collect();
    anns.sort();
    // article -> (annotator, file name): the first in sorted order wins.
    let mut chosen: BTreeMap<String, (String, String)> = BTreeMap::new();
    let mut out = Loaded::default();
    for name in &anns {
        let stem = &name[..name.len() - ".ann".len()];
        let Some((article, annotator)) = stem.rsplit_once('_') else {
            out.skipped.push(skip(
                &ann_dir.join(name),
                0,
                "the file name is not <article>_<annotator>.ann",
            ));
            continue;
        };
        chosen
            .entry(article.to_string())
            .or_insert_with(|| (annotator.to_string(), name.clone()));
    }
    for (article, (annotator, name)) in chosen {
        let ann_path = ann_dir.join(&name);
        let text_path = text_dir.join(format!("{article}.txt"));
        if !text_path.is_file() {
            out.skipped.push(skip(
                &ann_path,
                0,
                format!("no text file {}", input::shown(&text_path)),
            ));
            continue;
        }
        let text = String::from_utf8(input::read_bytes(&text_path)?)
            .map_err(|e| DataError::format(&text_path, FORMAT, format!("not UTF-8: {e}")))?;
        let ann = String::from_utf8(input::read_bytes(&ann_path)?)
            .map_err(|e| DataError::format(&ann_path, FORMAT, format!("not UTF-8: {e}")))?;
        let (attributions, skipped) = parse_ann(&text, &ann, &ann_path);
        out.skipped.extend(skipped);
        out.rows.push(Article {
            id: article,
            annotator,
            text,
            attributions,
        });
    }
    Ok(out)
}

/// The byte offset of every character boundary of `text`, with `text.len()` last: character
/// offset `c` is byte offset `bounds[c]`.
fn char_bounds(text: &str) -> Vec<usize> {
    text.char_indices()
        .map(|(b, _)| b)
        .chain(std::iter::once(text.len()))
        .collect()
}

/// A `T` line's `kind start end[;start end...]` field: the kind and the byte ranges.
fn parse_ranges(field: &str, bounds: &[usize]) -> Result<(String, Vec<(usize, usize)>), String> {
    let (kind, rest) = field
        .split_once(' ')
        .ok_or_else(|| format!("span field '{field}' has no offsets"))?;
    let mut ranges = Vec::new();
    for part in rest.split(';') {
        let mut nums = part.split_whitespace().map(str::parse::<usize>);
        let (Some(Ok(a)), Some(Ok(b)), None) = (nums.next(), nums.next(), nums.next()) else {
            return Err(format!("offsets '{part}' are not 'start end'"));
        };
        let (Some(&ba), Some(&bb)) = (bounds.get(a), bounds.get(b)) else {
            return Err(format!(
                "offsets {a} {b} lie past the text's end ({} characters)",
                bounds.len() - 1
            ));
        };
        if ba > bb {
            return Err(format!("offsets {a} {b} run backwards"));
        }
        ranges.push((ba, bb));
    }
    Ok((kind.to_string(), ranges))
}

/// Parse one `.ann` file against its text: the `T` spans, then one [`Attribution`] per `E` line.
/// `path` names the file in skip reasons.
pub fn parse_ann(text: &str, ann: &str, path: &Path) -> (Vec<Attribution>, Vec<Skipped>) {
    let bounds = char_bounds(text);
    let mut spans: BTreeMap<&str, (String, BratSpan)> = BTreeMap::new();
    let mut events: Vec<(usize, &str, &str)> = Vec::new();
    let mut skipped = Vec::new();
    for (i, line) in ann.lines().enumerate() {
        let line_no = i + 1;
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            continue;
        }
        let mut fields = line.split('\t');
        let id = fields.next().unwrap_or_default();
        let body = fields.next().unwrap_or_default();
        if id.starts_with('T') {
            match parse_ranges(body, &bounds) {
                Ok((kind, ranges)) => {
                    let surface = ranges
                        .iter()
                        .map(|&(a, b)| &text[a..b])
                        .collect::<Vec<_>>()
                        .join(" ");
                    spans.insert(id, (kind, BratSpan { ranges, surface }));
                }
                Err(reason) => skipped.push(skip(path, line_no, reason)),
            }
        } else if id.starts_with('E') {
            events.push((line_no, id, body));
        }
        // Other brat lines (relations, notes, attributes) say nothing PolNeAR uses.
    }
    let mut out = Vec::new();
    for (line_no, id, body) in events {
        let mut a = Attribution {
            id: id.to_string(),
            source: None,
            cue: None,
            content: None,
        };
        let mut bad = None;
        for arg in body.split_whitespace() {
            let Some((role, target)) = arg.split_once(':') else {
                bad = Some(format!("argument '{arg}' is not Role:T"));
                break;
            };
            let Some((_, span)) = spans.get(target) else {
                bad = Some(format!("argument '{arg}' names no readable span"));
                break;
            };
            // PolNeAR's roles: the trigger `Attribution` (or `Attribution-no-source`), `Source`,
            // `Cue`, and `Content` with, rarely, a second part `Content2`.
            let slot = match role {
                "Source" => &mut a.source,
                "Cue" => &mut a.cue,
                "Content" | "Content2" => &mut a.content,
                "Attribution" | "Attribution-no-source" => continue,
                other => {
                    bad = Some(format!(
                        "unknown role '{other}'; expected Attribution, Attribution-no-source, \
                         Source, Cue, Content, Content2"
                    ));
                    break;
                }
            };
            match slot {
                Some(have) => {
                    have.ranges.extend(span.ranges.iter().copied());
                    have.surface = format!("{} {}", have.surface, span.surface);
                }
                None => *slot = Some(span.clone()),
            }
        }
        match bad {
            Some(reason) => skipped.push(skip(path, line_no, reason)),
            None => out.push(a),
        }
    }
    (out, skipped)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::test_support::shared_data;

    // An invented article: "é" and "“" are several bytes each, so byte and character offsets
    // part ways after them.
    const TEXT: &str = "Café owners “are worried,” Ana Ruiz said. She added that rents rose.";

    fn ann() -> String {
        [
            "T1\tContent 12 26\t“are worried,”",
            "T2\tSource 27 35\tAna Ruiz",
            "T3\tCue 36 40\tsaid",
            "T4\tAttribution 36 40\tsaid",
            "E1\tAttribution:T4 Content:T1 Cue:T3 Source:T2",
            "T5\tSource 42 45\tShe",
            "T6\tCue 46 51\tadded",
            "T7\tContent 52 56;63 67\tthat rose",
            "E2\tAttribution:T6 Content:T7 Cue:T6 Source:T5",
            "E3\tAttribution-no-source:T6 Content:T9",
            "T8\tCue 60 999\toops",
        ]
        .join("\n")
    }

    #[test]
    fn character_offsets_become_byte_ranges_and_discontinuous_spans_keep_each_range() {
        let (atts, skipped) = parse_ann(TEXT, &ann(), Path::new("a_x.ann"));
        assert_eq!(atts.len(), 2, "{skipped:?}");
        let content = atts[0].content.as_ref().unwrap();
        assert_eq!(content.surface, "“are worried,”");
        assert_eq!(
            &TEXT[content.ranges[0].0..content.ranges[0].1],
            "“are worried,”"
        );
        assert_eq!(atts[0].source.as_ref().unwrap().surface, "Ana Ruiz");
        let second = atts[1].content.as_ref().unwrap();
        assert_eq!(second.ranges.len(), 2);
        assert_eq!(second.surface, "that rose");
        assert_eq!(atts[1].source.as_ref().unwrap().surface, "She");
        assert_eq!(second.start(), TEXT.find("that").unwrap());
    }

    #[test]
    fn a_span_past_the_end_and_an_event_naming_it_are_skipped_with_reasons() {
        let (_, skipped) = parse_ann(TEXT, &ann(), Path::new("a_x.ann"));
        assert_eq!(skipped.len(), 2, "{skipped:?}");
        assert!(
            skipped[0].reason.contains("past the text's end"),
            "{skipped:?}"
        );
        assert_eq!(skipped[0].line, 11);
        assert!(skipped[1].reason.contains("names no readable span"));
    }

    #[test]
    fn a_folder_gives_one_article_per_text_with_its_first_annotator() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("text")).unwrap();
        std::fs::create_dir_all(dir.path().join("attributions")).unwrap();
        std::fs::write(dir.path().join("text/story_one.txt"), TEXT).unwrap();
        std::fs::write(dir.path().join("attributions/story_one_b2.ann"), "").unwrap();
        std::fs::write(dir.path().join("attributions/story_one_a1.ann"), ann()).unwrap();
        std::fs::write(dir.path().join("attributions/orphan_a1.ann"), "").unwrap();
        assert!(is_brat_dir(dir.path()));
        let got = read(dir.path()).unwrap();
        assert_eq!(got.rows.len(), 1);
        assert_eq!(got.rows[0].id, "story_one");
        assert_eq!(got.rows[0].annotator, "a1");
        assert_eq!(got.rows[0].attributions.len(), 2);
        assert!(got
            .skipped
            .iter()
            .any(|s| s.reason.contains("no text file")));
    }

    #[test]
    fn real_polnear_dev_has_the_documented_articles_and_sources() {
        let Some(dir) = shared_data("polnear") else {
            return;
        };
        let got = read(&dir.join("dev")).unwrap();
        let n: usize = got.rows.iter().map(|a| a.attributions.len()).sum();
        let sourced: usize = got
            .rows
            .iter()
            .flat_map(|a| &a.attributions)
            .filter(|a| a.source.is_some())
            .count();
        eprintln!(
            "polnear dev: {} articles, {n} attributions ({sourced} with a source), {} skipped",
            got.rows.len(),
            got.skipped.len()
        );
        assert_eq!(got.rows.len(), 84);
        assert!(got.skipped.is_empty(), "{:?}", &got.skipped[..3]);
        // One annotator per article: fewer than the 2,320 of all 94 files.
        assert!(n > 2000 && n < 2320, "{n}");
    }
}
