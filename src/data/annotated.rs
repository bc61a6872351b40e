//! Our own annotated samples, one JSON object a line: a sentence, who speaks in it, an actor it
//! mentions, and the speaker's stance toward that actor.
//!
//! `{"id", "doc", "text", "context", "speaker", "actor", "mention", "stance", "sentiment"}`;
//! `context` and `sentiment` may be absent or null, and unknown keys are ignored. Our own files
//! in `evaluation/samples/` hold every key ([`KEYS`]); `tests/samples.rs` checks their contract.

use super::input::{self, skip};
use super::spans::find;
use super::{DataError, Loaded, StanceExample};
use crate::labels::{LabelSet, Sentiment, Stance, AUTHOR, UNSPECIFIED};
use serde::{Deserialize, Serialize};
use std::io::{self, Write};
use std::path::Path;

/// The keys of a row, in the order [`AnnotatedRow`] writes them and our sample files hold them.
pub const KEYS: [&str; 9] = [
    "id",
    "doc",
    "text",
    "context",
    "speaker",
    "actor",
    "mention",
    "stance",
    "sentiment",
];

/// One annotated sample as written to and read from the JSON Lines file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnnotatedRow {
    pub id: String,
    #[serde(default)]
    pub doc: String,
    pub text: String,
    /// The preceding sentence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
    /// Who holds the stance: a name, or `author` for narration.
    pub speaker: String,
    /// The actor's canonical name.
    pub actor: String,
    /// How the actor is named in `text` (its first occurrence is the target span).
    pub mention: String,
    pub stance: Stance,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sentiment: Option<Sentiment>,
}

/// The row as read, with labels still strings so an unknown one names itself and the choices.
#[derive(Deserialize)]
struct RawRow {
    id: String,
    #[serde(default)]
    doc: String,
    text: String,
    #[serde(default)]
    context: Option<String>,
    speaker: String,
    actor: String,
    mention: String,
    stance: String,
    #[serde(default)]
    sentiment: Option<String>,
}

/// Read an annotated JSON Lines file: holder = speaker (span at the first case-sensitive
/// occurrence of the name in the text, unless the speaker is `author` or `unspecified`),
/// target = actor, target span = first occurrence of `mention` (the row is skipped if the
/// mention is not in the text verbatim).
pub fn read(path: &Path) -> Result<Loaded<StanceExample>, DataError> {
    let bytes = input::read_bytes(path)?;
    let name = input::file_name(path);
    let mut out = Loaded::default();
    for (number, line) in input::lines(&bytes) {
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let row = input::utf8(line)
            .and_then(|l| {
                serde_json::from_str::<RawRow>(l)
                    .map_err(|e| format!("not an annotated-sample JSON object: {e}"))
            })
            .and_then(|raw| example(raw, number, &name));
        match row {
            Ok(row) => out.rows.push(row),
            Err(reason) => out.skipped.push(skip(path, number, reason)),
        }
    }
    Ok(out)
}

/// Write one row as a JSON line (`\n`-terminated) in the format `read` reads.
pub fn write_row(writer: &mut impl Write, row: &AnnotatedRow) -> io::Result<()> {
    serde_json::to_writer(&mut *writer, row)?;
    writer.write_all(b"\n")
}

fn label<L: LabelSet>(value: &str, line: usize, file: &str) -> Result<L, String> {
    L::parse(value).ok_or_else(|| {
        format!(
            "unknown {} label '{value}' in line {line} of {file}; expected {}",
            L::KIND,
            L::choices()
        )
    })
}

fn example(raw: RawRow, line: usize, file: &str) -> Result<StanceExample, String> {
    let stance = label::<Stance>(&raw.stance, line, file)?;
    let sentiment = match raw.sentiment.as_deref() {
        None => None,
        Some(s) => Some(label::<Sentiment>(s, line, file)?),
    };
    for (key, value) in [
        ("text", &raw.text),
        ("speaker", &raw.speaker),
        ("actor", &raw.actor),
    ] {
        if value.trim().is_empty() {
            return Err(format!("empty {key}"));
        }
    }
    let target_span = find(&raw.text, &raw.mention)
        .ok_or_else(|| format!("mention '{}' does not occur in the text", raw.mention))?;
    let holder_span = if raw.speaker == AUTHOR || raw.speaker == UNSPECIFIED {
        None
    } else {
        find(&raw.text, &raw.speaker)
    };
    Ok(StanceExample {
        id: raw.id,
        doc: raw.doc,
        text: raw.text,
        context: raw.context.unwrap_or_default(),
        holder: raw.speaker,
        holder_span,
        target: raw.actor,
        target_span: Some(target_span),
        stance: Some(stance),
        sentiment,
        source: "annotated".to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::test_support::fixture;

    fn sample() -> AnnotatedRow {
        AnnotatedRow {
            id: "d1:3".to_owned(),
            doc: "d1".to_owned(),
            text: "Erdoğan said Müller had failed Germany.".to_owned(),
            context: None,
            speaker: "Erdoğan".to_owned(),
            actor: "Germany".to_owned(),
            mention: "Germany".to_owned(),
            stance: Stance::Against,
            sentiment: Some(Sentiment::Negative),
        }
    }

    #[test]
    fn written_rows_read_back_with_byte_spans() {
        let mut bytes = Vec::new();
        write_row(&mut bytes, &sample()).unwrap();
        let line = String::from_utf8(bytes.clone()).unwrap();
        assert!(line.ends_with("}\n") && !line.contains("context"), "{line}");
        assert!(line.contains("\"stance\":\"against\""), "{line}");
        let (_dir, path) = fixture("gold.jsonl", &bytes);
        let got = read(&path).unwrap();
        assert!(got.skipped.is_empty(), "{:?}", got.skipped);
        let row = &got.rows[0];
        let (hs, he) = row.holder_span.unwrap();
        let (ts, te) = row.target_span.unwrap();
        assert_eq!(
            (&row.text[hs..he], &row.text[ts..te]),
            ("Erdoğan", "Germany")
        );
        assert_eq!((ts, te), (33, 40));
        assert_eq!(
            (row.holder.as_str(), row.target.as_str()),
            ("Erdoğan", "Germany")
        );
        assert_eq!(
            (row.stance, row.sentiment),
            (Some(Stance::Against), Some(Sentiment::Negative))
        );
        assert_eq!(
            (row.context.as_str(), row.source.as_str()),
            ("", "annotated")
        );
    }

    #[test]
    fn a_full_row_is_written_with_the_keys_in_order() {
        let row = AnnotatedRow {
            context: Some("Before.".to_owned()),
            ..sample()
        };
        let mut bytes = Vec::new();
        write_row(&mut bytes, &row).unwrap();
        let line = String::from_utf8(bytes).unwrap();
        let at: Vec<usize> = KEYS
            .iter()
            .map(|k| line.find(&format!("\"{k}\":")).expect(k))
            .collect();
        assert!(at.windows(2).all(|w| w[0] < w[1]), "{line}");
    }

    #[test]
    fn optional_fields_may_be_null_or_absent_and_author_has_no_span() {
        let text = concat!(
            r#"{"id":"1","doc":"d","text":"The author met Obama.","context":null,"speaker":"author","actor":"Barack Obama","mention":"Obama","stance":"NEUTRAL","sentiment":null,"note":"x"}"#,
            "\n",
            r#"{"id":"2","doc":"d","text":"Obama spoke.","context":"Before.","speaker":"Ann","actor":"Barack Obama","mention":"Obama","stance":"favor"}"#,
            "\n"
        );
        let (_dir, path) = fixture("a.jsonl", text.as_bytes());
        let got = read(&path).unwrap();
        assert!(got.skipped.is_empty(), "{:?}", got.skipped);
        assert_eq!(got.rows[0].holder_span, None);
        assert_eq!(got.rows[0].stance, Some(Stance::Neutral));
        assert_eq!(got.rows[0].sentiment, None);
        assert_eq!(got.rows[1].holder_span, None);
        assert_eq!(got.rows[1].context, "Before.");
    }

    #[test]
    fn unknown_labels_and_missing_mentions_are_skipped_with_reasons() {
        let row = |stance: &str, sentiment: &str, mention: &str| {
            format!(
                r#"{{"id":"x","doc":"d","text":"Obama spoke.","speaker":"author","actor":"Obama","mention":"{mention}","stance":"{stance}","sentiment":{sentiment}}}"#
            )
        };
        let mut text = String::new();
        for _ in 0..11 {
            text.push_str(&row("favor", "null", "Obama"));
            text.push('\n');
        }
        text.push_str(&row("FAVOUR", "null", "Obama"));
        text.push('\n');
        text.push_str(&row("favor", "\"happy\"", "Obama"));
        text.push('\n');
        text.push_str(&row("favor", "null", "obama"));
        text.push_str("\n{\"id\": 3}\n");
        let (_dir, path) = fixture("gold.jsonl", text.as_bytes());
        let got = read(&path).unwrap();
        assert_eq!(got.rows.len(), 11);
        let reasons: Vec<_> = got
            .skipped
            .iter()
            .map(|s| (s.line, s.reason.as_str()))
            .collect();
        assert_eq!(
            reasons[0],
            (12, "unknown stance label 'FAVOUR' in line 12 of gold.jsonl; expected favor, against, neutral")
        );
        assert_eq!(
            reasons[1].1,
            "unknown sentiment label 'happy' in line 13 of gold.jsonl; expected positive, negative, neutral"
        );
        assert_eq!(
            reasons[2],
            (14, "mention 'obama' does not occur in the text")
        );
        assert_eq!(reasons[3].0, 15);
        assert!(
            reasons[3].1.contains("not an annotated-sample JSON object"),
            "{reasons:?}"
        );
    }
}
