//! Reading `standpoint batch` JSONL one line at a time: only the fields the network needs are
//! kept (unknown fields are skipped without being buffered, so new sentence fields and large
//! `summary` arrays cost nothing), and every malformed line is an error naming `file:line`.

use super::NetworkError;
use crate::labels::{LabelSet, Stance};
use chrono::NaiveDate;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;
use std::io::BufRead;
use std::path::{Path, PathBuf};

/// The date of a document, as far as it could be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocDate {
    /// No date field, or `null`.
    Missing,
    /// A date field that is neither `YYYY-MM-DD` nor an RFC 3339 date-time.
    Unparseable,
    Date(NaiveDate),
}

impl DocDate {
    pub fn date(self) -> Option<NaiveDate> {
        match self {
            DocDate::Date(d) => Some(d),
            _ => None,
        }
    }
}

/// `YYYY-MM-DD`, or an RFC 3339 date-time whose date part (as written, not converted to UTC)
/// is the date: a story filed late in the evening belongs to the day its source printed.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    if s.len() == 10 {
        return NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
    }
    chrono::DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|d| d.date_naive())
}

/// One stance row of a sentence as read (before the per-sentence de-duplication).
#[derive(Debug, Clone, PartialEq)]
pub struct InputActor {
    pub actor: String,
    pub id: String,
    pub kind: String,
    pub holder: String,
    pub label: Stance,
    /// The probability of `label`, in millionths, so sums do not depend on the order of rows.
    pub micro: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct InputSentence {
    pub index: usize,
    pub text: String,
    pub actors: Vec<InputActor>,
}

/// The parts of one batch document the network reads.
#[derive(Debug, Clone, PartialEq)]
pub struct InputDoc {
    pub id: String,
    pub date: DocDate,
    pub sentences: Vec<InputSentence>,
}

/// The wire shapes: lenient (unknown fields ignored), strict on what is read.
#[derive(Deserialize)]
struct RawSentence {
    index: usize,
    text: String,
    actors: Vec<RawActor>,
}

#[derive(Deserialize)]
struct RawActor {
    actor: String,
    id: String,
    #[serde(rename = "type")]
    kind: String,
    holder: String,
    stance: RawStance,
}

#[derive(Deserialize)]
struct RawStance {
    label: String,
    scores: BTreeMap<String, f64>,
}

struct RawDoc {
    id: String,
    date: DocDate,
    sentences: Vec<RawSentence>,
}

/// Deserialises a document, picking the date from a field whose name is only known at run time.
struct DocSeed<'a> {
    date_field: &'a str,
}

impl<'de> DeserializeSeed<'de> for DocSeed<'_> {
    type Value = RawDoc;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<RawDoc, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for DocSeed<'_> {
    type Value = RawDoc;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object with \"id\" and \"sentences\"")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawDoc, A::Error> {
        let mut id = None;
        let mut sentences = None;
        let mut date = DocDate::Missing;
        while let Some(key) = map.next_key::<String>()? {
            if key == "id" {
                id = Some(map.next_value::<String>()?);
            } else if key == "sentences" {
                sentences = Some(map.next_value::<Vec<RawSentence>>()?);
            } else if key == self.date_field {
                date = match map.next_value::<serde_json::Value>()? {
                    serde_json::Value::Null => DocDate::Missing,
                    serde_json::Value::String(s) => {
                        parse_date(&s).map_or(DocDate::Unparseable, DocDate::Date)
                    }
                    _ => DocDate::Unparseable,
                };
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(RawDoc {
            id: id.ok_or_else(|| de::Error::missing_field("id"))?,
            date,
            sentences: sentences.ok_or_else(|| de::Error::missing_field("sentences"))?,
        })
    }
}

/// Parse one line into a document; `path` and `line` only name it in errors.
pub fn parse_line(
    text: &str,
    date_field: &str,
    path: &Path,
    line: u64,
) -> Result<InputDoc, NetworkError> {
    // serde_json ends its messages with "at line 1 column N"; within one line only the column
    // says anything.
    let parse_err = |e: serde_json::Error| {
        let message = e.to_string();
        let message = message
            .rfind(" at line ")
            .map_or(message.as_str(), |cut| &message[..cut]);
        NetworkError::Parse {
            path: path.to_path_buf(),
            line,
            reason: format!("{message} (column {})", e.column()),
        }
    };
    let mut de = serde_json::Deserializer::from_str(text);
    let raw = DocSeed { date_field }
        .deserialize(&mut de)
        .map_err(parse_err)?;
    de.end().map_err(parse_err)?;
    let mut sentences = Vec::with_capacity(raw.sentences.len());
    for s in raw.sentences {
        let mut actors = Vec::with_capacity(s.actors.len());
        for a in s.actors {
            let label = Stance::parse(&a.stance.label).ok_or_else(|| NetworkError::Label {
                path: path.to_path_buf(),
                line,
                sentence: s.index,
                label: a.stance.label.clone(),
            })?;
            let p = a.stance.scores.get(label.name()).copied().ok_or_else(|| {
                NetworkError::MissingScore {
                    path: path.to_path_buf(),
                    line,
                    sentence: s.index,
                    label: label.name().to_string(),
                }
            })?;
            actors.push(InputActor {
                actor: a.actor,
                id: a.id,
                kind: a.kind,
                holder: a.holder,
                label,
                micro: micro(p),
            });
        }
        sentences.push(InputSentence {
            index: s.index,
            text: s.text,
            actors,
        });
    }
    Ok(InputDoc {
        id: raw.id,
        date: raw.date,
        sentences,
    })
}

/// A probability in millionths, clamped to [0, 1].
fn micro(p: f64) -> u32 {
    (p.clamp(0.0, 1.0) * 1e6).round() as u32
}

/// Streams the documents of one input, a line at a time; blank lines are skipped.
pub struct DocReader<'a> {
    path: PathBuf,
    reader: Box<dyn BufRead>,
    date_field: &'a str,
    line: u64,
    buf: String,
}

impl<'a> DocReader<'a> {
    /// Open a file, or standard input for `-`.
    pub fn open(path: &Path, date_field: &'a str) -> Result<Self, NetworkError> {
        let reader: Box<dyn BufRead> = if path.as_os_str() == "-" {
            Box::new(std::io::BufReader::new(std::io::stdin()))
        } else {
            let file = std::fs::File::open(path).map_err(|source| NetworkError::Open {
                path: path.to_path_buf(),
                source,
            })?;
            Box::new(std::io::BufReader::with_capacity(1 << 16, file))
        };
        Ok(Self::new(path.to_path_buf(), reader, date_field))
    }

    pub fn new(path: PathBuf, reader: Box<dyn BufRead>, date_field: &'a str) -> Self {
        DocReader {
            path,
            reader,
            date_field,
            line: 0,
            buf: String::new(),
        }
    }

    /// The next document, or `None` at the end of the input.
    pub fn next_doc(&mut self) -> Result<Option<InputDoc>, NetworkError> {
        loop {
            self.buf.clear();
            self.line += 1;
            let n = self
                .reader
                .read_line(&mut self.buf)
                .map_err(|source| NetworkError::Read {
                    path: self.path.clone(),
                    line: self.line,
                    source,
                })?;
            if n == 0 {
                return Ok(None);
            }
            if self.buf.trim().is_empty() {
                continue;
            }
            return parse_line(&self.buf, self.date_field, &self.path, self.line).map(Some);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(line: &str) -> Result<InputDoc, NetworkError> {
        parse_line(line, "date", Path::new("in.jsonl"), 7)
    }

    #[test]
    fn unknown_fields_are_ignored_and_known_ones_read() {
        let doc = parse(
            r#"{"id":"a","source":"wire","date":"2026-01-05T23:30:00-05:00","summary":[{"x":1}],
            "sentences":[{"index":3,"start":0,"end":5,"text":"Hi.","speaker":"author","new":[1],
            "actors":[{"actor":"Kenya","id":"Q114","type":"state","mention":"Kenya","start":0,
            "end":5,"holder":"author","stance":{"label":"Against","scores":{"against":0.6}}}]}]}"#,
        )
        .unwrap();
        assert_eq!(doc.id, "a");
        assert_eq!(
            doc.date,
            DocDate::Date(NaiveDate::from_ymd_opt(2026, 1, 5).unwrap())
        );
        let a = &doc.sentences[0].actors[0];
        assert_eq!((a.label, a.micro), (Stance::Against, 600_000));
    }

    #[test]
    fn dates_are_missing_or_unparseable_but_never_fatal() {
        let base = r#""sentences":[]"#;
        let date = |field: &str| {
            parse(&format!("{{\"id\":\"a\",{field}{base}}}"))
                .unwrap()
                .date
        };
        assert_eq!(date(""), DocDate::Missing);
        assert_eq!(date(r#""date":null,"#), DocDate::Missing);
        assert_eq!(date(r#""date":"yesterday","#), DocDate::Unparseable);
        assert_eq!(date(r#""date":20260105,"#), DocDate::Unparseable);
        assert_eq!(
            date(r#""date":"2026-02-30","#),
            DocDate::Unparseable,
            "an impossible day is not a date"
        );
        assert_eq!(
            parse_date("2026-03-01T00:10:00Z"),
            NaiveDate::from_ymd_opt(2026, 3, 1)
        );
    }

    #[test]
    fn a_bad_line_names_the_file_the_line_and_the_problem() {
        let e = parse(r#"{"id":"a"}"#).unwrap_err().to_string();
        assert!(e.starts_with("in.jsonl:7: "), "{e}");
        assert!(e.contains("sentences"), "{e}");
        let e = parse("not json").unwrap_err().to_string();
        assert!(e.starts_with("in.jsonl:7: "), "{e}");
        let e = parse(
            r#"{"id":"a","sentences":[{"index":2,"text":"","actors":[{"actor":"K","id":"x",
            "type":"state","holder":"h","stance":{"label":"favour","scores":{}}}]}]}"#,
        )
        .unwrap_err()
        .to_string();
        assert_eq!(
            e,
            "in.jsonl:7: sentence 2: unknown stance label 'favour'; expected favor, against, neutral"
        );
    }

    #[test]
    fn the_reader_skips_blank_lines_and_counts_them_in_line_numbers() {
        let text = "\n{\"id\":\"a\",\"sentences\":[]}\n  \n{\"id\":\"b\"}\n";
        let mut r = DocReader::new(
            "x.jsonl".into(),
            Box::new(std::io::Cursor::new(text.as_bytes().to_vec())),
            "date",
        );
        assert_eq!(r.next_doc().unwrap().unwrap().id, "a");
        let e = r.next_doc().unwrap_err().to_string();
        assert!(e.starts_with("x.jsonl:4: "), "{e}");
    }
}
