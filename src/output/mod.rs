//! Writing classified documents: `table` (for people), `json` (one document object), `jsonl`
//! (one row per (sentence, actor), our annotated-sample fields plus probabilities and offsets),
//! `csv` (the same rows) and `html` (a self-contained page showing the document, see [`html`]).

pub mod html;

use crate::document::Document;
use serde::Serialize;
use std::io::{self, Write};

/// Output formats of `classify`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Table,
    Json,
    Jsonl,
    Csv,
    Html,
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "table" => Ok(Format::Table),
            "json" => Ok(Format::Json),
            "jsonl" => Ok(Format::Jsonl),
            "csv" => Ok(Format::Csv),
            "html" => Ok(Format::Html),
            _ => Err(format!(
                "unknown format '{s}'; expected table, json, jsonl, csv, html"
            )),
        }
    }
}

/// One (sentence, actor) row: the annotated-sample fields, then probabilities and offsets.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PairRow<'a> {
    pub id: String,
    pub doc: &'a str,
    pub text: &'a str,
    pub context: &'a str,
    /// The holder of the stance (the sentence's speaker, or a holder reported in it).
    pub speaker: &'a str,
    pub actor: &'a str,
    pub mention: &'a str,
    pub stance: &'a str,
    pub sentiment: &'a str,
    pub sentence: usize,
    pub actor_id: &'a str,
    pub actor_type: &'a str,
    pub start: usize,
    pub end: usize,
    pub p_favor: f32,
    pub p_against: f32,
    pub p_neutral: f32,
    pub p_positive: f32,
    pub p_negative: f32,
    pub p_sentiment_neutral: f32,
}

/// The (sentence, actor) rows of a document, in sentence order.
pub fn pair_rows<'a>(doc_id: &'a str, d: &'a Document) -> Vec<PairRow<'a>> {
    let mut out = Vec::new();
    for (i, s) in d.sentences.iter().enumerate() {
        let context = if i == 0 {
            ""
        } else {
            d.sentences[i - 1].text.as_str()
        };
        for (k, a) in s.actors.iter().enumerate() {
            let p = |m: &std::collections::BTreeMap<String, f32>, k: &str| {
                m.get(k).copied().unwrap_or(0.0)
            };
            out.push(PairRow {
                id: format!("{doc_id}-s{}-a{}", s.index, k + 1),
                doc: doc_id,
                text: &s.text,
                context,
                speaker: &a.holder,
                actor: &a.actor,
                mention: &a.mention,
                stance: &a.stance.label,
                sentiment: &s.sentiment.label,
                sentence: s.index,
                actor_id: &a.id,
                actor_type: &a.kind,
                start: a.start,
                end: a.end,
                p_favor: p(&a.stance.scores, "favor"),
                p_against: p(&a.stance.scores, "against"),
                p_neutral: p(&a.stance.scores, "neutral"),
                p_positive: p(&s.sentiment.scores, "positive"),
                p_negative: p(&s.sentiment.scores, "negative"),
                p_sentiment_neutral: p(&s.sentiment.scores, "neutral"),
            });
        }
    }
    out
}

/// How to write one document: its id, the text its offsets index (the page of `html` shows
/// it paragraph by paragraph), the profile that classified it, and whether `table` may use
/// colour.
pub struct WriteOptions<'a> {
    pub doc_id: &'a str,
    pub original: &'a str,
    pub profile: &'a str,
    pub colour: bool,
}

/// Write `d` in `format`.
pub fn write(
    out: &mut dyn Write,
    d: &Document,
    format: Format,
    opts: &WriteOptions,
) -> io::Result<()> {
    let (doc_id, colour) = (opts.doc_id, opts.colour);
    match format {
        Format::Html => {
            let info = html::PageInfo {
                title: doc_id,
                profile: opts.profile,
            };
            out.write_all(html::document_page(&info, opts.original, d).as_bytes())
        }
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, d)?;
            writeln!(out)
        }
        Format::Jsonl => {
            for row in pair_rows(doc_id, d) {
                serde_json::to_writer(&mut *out, &row)?;
                writeln!(out)?;
            }
            Ok(())
        }
        Format::Csv => {
            let mut w = csv::Writer::from_writer(out);
            for row in pair_rows(doc_id, d) {
                w.serialize(row).map_err(io::Error::other)?;
            }
            w.flush()
        }
        Format::Table => table(out, d, colour),
    }
}

fn paint(s: &str, label: &str, colour: bool) -> String {
    // Plain ANSI codes: three colours do not justify a dependency.
    if !colour {
        return s.to_string();
    }
    let code = match label {
        "favor" | "positive" => "32",
        "against" | "negative" => "31",
        "mixed" => "33",
        _ => return s.to_string(),
    };
    format!("\x1b[{code}m{s}\x1b[0m")
}

fn clip(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(width.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// A report for people, at most 100 columns wide.
fn table(out: &mut dyn Write, d: &Document, colour: bool) -> io::Result<()> {
    for s in &d.sentences {
        let p = s
            .sentiment
            .scores
            .get(&s.sentiment.label)
            .copied()
            .unwrap_or(0.0);
        writeln!(
            out,
            "[{}] {}  ({}; sentiment {} {:.2})",
            s.index,
            clip(&s.speaker, 40),
            s.cue,
            paint(&s.sentiment.label, &s.sentiment.label, colour),
            p
        )?;
        writeln!(out, "    {}", clip(&s.text, 94))?;
        for a in &s.actors {
            let p = a.stance.scores.get(&a.stance.label).copied().unwrap_or(0.0);
            let holder = if a.holder == s.speaker {
                String::new()
            } else {
                format!(" (holder {})", clip(&a.holder, 24))
            };
            let line = format!(
                "    - {} [{}] \"{}\": ",
                clip(&a.actor, 28),
                a.kind,
                clip(&a.mention, 24)
            );
            writeln!(
                out,
                "{line}{} {:.2}{holder}",
                paint(&a.stance.label, &a.stance.label, colour),
                p
            )?;
        }
    }
    if !d.summary.is_empty() {
        writeln!(out)?;
        writeln!(
            out,
            "{:<28} {:<28} {:<8} {:>5}  {:<9} evidence",
            "speaker", "actor", "stance", "conf", "f/a/n"
        )?;
        for r in &d.summary {
            let counts = format!(
                "{}/{}/{}",
                r.counts.get("favor").unwrap_or(&0),
                r.counts.get("against").unwrap_or(&0),
                r.counts.get("neutral").unwrap_or(&0)
            );
            let ev: Vec<String> = r.evidence.iter().map(|i| i.to_string()).collect();
            let stance = format!("{:<8}", r.stance);
            writeln!(
                out,
                "{:<28} {:<28} {} {:>5.2}  {:<9} {}",
                clip(&r.speaker, 28),
                clip(&r.actor, 28),
                paint(&stance, &r.stance, colour),
                r.confidence,
                counts,
                clip(&ev.join(","), 20)
            )?;
        }
    }
    if !d.dropped.is_empty() {
        writeln!(out)?;
        writeln!(out, "dropped lines:")?;
        for l in &d.dropped {
            writeln!(
                out,
                "  line {}: {} ({})",
                l.line,
                clip(&l.text, 60),
                l.reason
            )?;
        }
    }
    Ok(())
}
