//! `classify --format html`: one self-contained page (inline CSS and a few lines of inline
//! script, no network reference) that shows a classified document as text: paragraphs as
//! written, each sentence underlined in its speaker's colour, the cue naming the speaker and
//! the quoted words marked, every actor mention highlighted with a stance chip per holder whose
//! hover or focus shows all probabilities, the holder x actor summary as a grid whose cells jump
//! to their evidence, and the dropped boilerplate, collapsed.
//!
//! Colours are chosen to survive colour-blindness and are never the only signal: stance chips
//! carry their label and a shape (▲ favor, ▼ against, ● neutral, ◆ mixed) on the Okabe-Ito
//! blue / vermillion / grey / purple; speakers take Paul Tol's muted palette.
//!
//! Stable hooks for tests and styling: `#text` (paragraphs `p.para`, sentences
//! `span.sentence#s<index>` with `data-speaker`), `span.cue`, `span.quote`, mentions
//! `span.m` holding `mark.mention` and one `span.chip` per holder (`data-holder`,
//! `data-stance`, `data-p-favor`, `data-p-against`, `data-p-neutral`), `table#summary-grid`
//! with `td.cell` (`data-holder`, `data-actor`, `data-stance`, `data-count`,
//! `data-confidence`, `data-evidence`), and `#dropped`.

use crate::document::{ActorMention, Document, SentenceResult, Span, SummaryRow};
use crate::labels::AUTHOR;
use crate::markup::escape;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// What the page says about where the document came from.
pub struct PageInfo<'a> {
    /// The heading: the document's name (its file name, or `stdin`).
    pub title: &'a str,
    /// How it was classified, for the line under the heading (`profile accurate`).
    pub profile: &'a str,
}

/// Paul Tol's muted palette (colour-blind safe), for speakers in order of first appearance.
const SPEAKER_COLOURS: [&str; 9] = [
    "#332288", "#117733", "#882255", "#44AA99", "#999933", "#AA4499", "#88CCEE", "#CC6677",
    "#DDCC77",
];
/// The narrator's colour.
const AUTHOR_COLOUR: &str = "#9a9a9a";

fn symbol(stance: &str) -> &'static str {
    match stance {
        "favor" => "▲",
        "against" => "▼",
        "mixed" => "◆",
        _ => "●",
    }
}

const CSS: &str = "
:root{--favor:#0072B2;--against:#D55E00;--neutral:#7a7a7a;--mixed:#CC79A7;--ink:#1f2328;--muted:#57606a}
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;color:var(--ink);background:#fff;
  margin:24px auto;max-width:980px;padding:0 16px;line-height:1.55}
h1{font-size:22px;margin:0 0 4px;overflow-wrap:anywhere}h2{font-size:18px;margin:28px 0 8px;border-bottom:2px solid #d0d7de;padding-bottom:4px}
.meta{color:var(--muted);margin:0 0 10px;font-size:14px}
.legend{display:flex;flex-wrap:wrap;gap:6px 14px;font-size:13px;margin:6px 0}
.legend .sw{display:inline-block;width:12px;height:12px;border-radius:2px;vertical-align:-1px;margin-right:4px}
p.para{margin:0 0 14px;font-size:16px}
.sentence{border-bottom:3px solid var(--spk);padding-bottom:1px;border-radius:1px}
.sentence.author{border-bottom:2px dotted var(--spk)}
.sentence.hl{background:#fff3bf;outline:2px solid #e0b400;outline-offset:1px}
.who{display:inline-block;font-size:11px;font-weight:600;color:#fff;background:var(--spk);border-radius:8px;
  padding:0 6px;margin-right:4px;vertical-align:1px;line-height:1.5}
.who.author{color:#333;background:#e6e6e6}
.cue{font-weight:600;text-decoration:underline;text-decoration-color:var(--spk);text-decoration-thickness:2px}
.quote{background:#eef3f8;font-style:italic}
.m{position:relative;white-space:normal}
.m:focus{outline:2px solid #1f6feb;outline-offset:2px;border-radius:3px}
mark.mention{background:#fff1c2;padding:0 2px;border-radius:3px;color:inherit}
.chip{display:inline-block;font-size:11px;font-weight:600;font-style:normal;color:#fff;border-radius:8px;padding:0 6px;
  margin-left:3px;vertical-align:1px;line-height:1.5;white-space:nowrap}
.chip.favor{background:var(--favor)}.chip.against{background:var(--against)}.chip.neutral{background:var(--neutral)}
.chip.narrator{background:#fff;color:#555;border:1px solid #b0b0b0;font-weight:500}
.probs{display:none;position:absolute;left:0;top:100%;z-index:5;background:#fff;color:var(--ink);border:1px solid #8c959f;
  border-radius:6px;padding:6px 8px;font-size:12px;font-style:normal;font-weight:400;box-shadow:0 3px 10px rgba(0,0,0,.15);
  min-width:220px;line-height:1.45}
.m:hover .probs,.m:focus .probs,.m:focus-within .probs{display:block}
.pr{display:block;font-variant-numeric:tabular-nums;white-space:nowrap}
.grid-wrap{overflow-x:auto;max-width:100%}
table#summary-grid{border-collapse:collapse;font-size:13px}
#summary-grid th,#summary-grid td{border:1px solid #d0d7de;padding:4px 6px;text-align:center}
#summary-grid th{background:#f0f3f7;font-weight:600}
#summary-grid th.actor{writing-mode:vertical-rl;transform:rotate(180deg);max-height:170px;white-space:nowrap}
#summary-grid th.holder{text-align:left;white-space:nowrap}
td.cell a{display:block;color:#fff;font-weight:600;text-decoration:none;min-width:38px}
td.cell a:focus{outline:3px solid #1f6feb;outline-offset:1px}
td.cell.favor{background:var(--favor)}td.cell.against{background:var(--against)}
td.cell.neutral{background:var(--neutral)}td.cell.mixed{background:var(--mixed)}
td.empty{background:#fafafa}
#dropped ul{font-size:13px;color:var(--muted)}
.note{font-size:13px;color:var(--muted)}
@media (max-width:600px){body{margin:12px auto;padding:0 10px}p.para{font-size:15px}.probs{min-width:180px}}
@media print{.probs{display:none!important}details{display:block}details>*{display:block}
  .sentence.hl{outline:none;background:none}body{max-width:none}a{color:inherit}}
";

// Only phrasing content goes inside a paragraph: a `<table>` or `<div>` there would make the
// HTML parser close the paragraph and lift it out, so the tooltip uses spans.

/// Highlights every evidence sentence of a summary cell on click (the link still jumps to the
/// first); without script the jump alone works.
const SCRIPT: &str = "
document.querySelectorAll('td.cell a').forEach(function(a){a.addEventListener('click',function(){
  document.querySelectorAll('.sentence.hl').forEach(function(s){s.classList.remove('hl');});
  (a.parentNode.getAttribute('data-evidence')||'').split(' ').forEach(function(i){
    var s=document.getElementById('s'+i);if(s){s.classList.add('hl');}});});});
";

/// The page for `doc`, classified from `original` (the text its offsets index).
pub fn document_page(info: &PageInfo, original: &str, doc: &Document) -> String {
    let colours = speaker_colours(doc);
    let mut out = String::with_capacity(original.len() * 6 + 8192);
    let title = escape(info.title);
    let _ = write!(
        out,
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>standpoint: {title}</title><style>{CSS}</style></head>\n<body>\n<header>\
         <h1>{title}</h1>"
    );
    let actors: std::collections::BTreeSet<&str> = doc
        .sentences
        .iter()
        .flat_map(|s| s.actors.iter().map(|a| a.actor.as_str()))
        .collect();
    let _ = write!(
        out,
        "<p class=\"meta\">{} sentences · {} speakers · {} actors · {} summary rows · {}</p>",
        doc.sentences.len(),
        colours.iter().filter(|(s, _)| s.as_str() != AUTHOR).count(),
        actors.len(),
        doc.summary.len(),
        escape(info.profile)
    );
    legend(&mut out, &colours);
    out.push_str("</header>\n<main>\n<section id=\"text\"><h2>Text</h2>\n");
    text_section(&mut out, original, doc, &colours);
    out.push_str("</section>\n");
    summary_section(&mut out, &doc.summary);
    dropped_section(&mut out, doc);
    let _ = write!(out, "</main>\n<script>{SCRIPT}</script>\n</body></html>\n");
    out
}

/// Each speaker's colour, in order of first appearance; the narrator is grey.
fn speaker_colours(doc: &Document) -> BTreeMap<String, &'static str> {
    let mut colours = BTreeMap::new();
    let mut next = 0;
    let holders = doc.sentences.iter().flat_map(|s| {
        std::iter::once(s.speaker.as_str()).chain(s.actors.iter().map(|a| a.holder.as_str()))
    });
    for who in holders {
        if colours.contains_key(who) {
            continue;
        }
        let c = if who == AUTHOR {
            AUTHOR_COLOUR
        } else {
            next += 1;
            SPEAKER_COLOURS[(next - 1) % SPEAKER_COLOURS.len()]
        };
        colours.insert(who.to_string(), c);
    }
    colours
}

fn legend(out: &mut String, colours: &BTreeMap<String, &str>) {
    out.push_str("<div class=\"legend\" aria-label=\"stance colours\">");
    for (label, var) in [
        ("favor", "favor"),
        ("against", "against"),
        ("neutral", "neutral"),
        ("mixed", "mixed"),
    ] {
        let _ = write!(
            out,
            "<span><span class=\"sw\" style=\"background:var(--{var})\"></span>{} {label}</span>",
            symbol(label)
        );
    }
    out.push_str("</div><div class=\"legend\" aria-label=\"speakers\">");
    for (who, c) in colours {
        let _ = write!(
            out,
            "<span><span class=\"sw\" style=\"background:{c}\"></span>{}</span>",
            escape(holder_name(who))
        );
    }
    out.push_str("</div>");
}

/// Paragraphs as in the input: a blank line between two sentences starts a new one (the rule
/// the pipeline uses).
fn text_section(
    out: &mut String,
    original: &str,
    doc: &Document,
    colours: &BTreeMap<String, &str>,
) {
    let mut last_end = 0;
    let mut open = false;
    let mut previous_speaker: Option<&str> = None;
    for s in &doc.sentences {
        let gap = original.get(last_end.min(s.start)..s.start).unwrap_or("");
        if !open || gap.matches('\n').count() >= 2 {
            if open {
                out.push_str("</p>\n");
            }
            out.push_str("<p class=\"para\">");
            open = true;
            previous_speaker = None;
        } else {
            out.push(' ');
        }
        last_end = s.end;
        let colour = colours.get(&s.speaker).copied().unwrap_or(AUTHOR_COLOUR);
        let author = s.speaker == AUTHOR;
        let class = if author { " author" } else { "" };
        let _ = write!(
            out,
            "<span class=\"sentence{class}\" id=\"s{}\" data-index=\"{}\" data-speaker=\"{}\" \
             data-cue=\"{}\" style=\"--spk:{colour}\" title=\"[{}] {}: {} (sentiment {} {})\">",
            s.index,
            s.index,
            escape(&s.speaker),
            escape(&s.cue),
            s.index,
            escape(&s.speaker),
            escape(&s.cue.replace('_', " ")),
            escape(&s.sentiment.label),
            probability(&s.sentiment.scores, &s.sentiment.label),
        );
        // The speaker's badge where the voice changes, so a run of one speaker reads quietly.
        if previous_speaker != Some(s.speaker.as_str()) {
            let _ = write!(
                out,
                "<span class=\"who{class}\">{}</span>",
                escape(if author { "narrator" } else { &s.speaker })
            );
        }
        previous_speaker = Some(&s.speaker);
        sentence_body(out, s);
        out.push_str("</span>");
    }
    if open {
        out.push_str("</p>\n");
    } else {
        out.push_str("<p class=\"note\">No sentences: everything was dropped or empty.</p>\n");
    }
}

/// An atomic piece of markup inside a sentence: a cue or an actor mention (never split).
enum Piece<'a> {
    Cue,
    Mention(Vec<&'a ActorMention>),
}

/// The sentence's text with its cue, quotes and mentions marked. Offsets are relative to the
/// sentence; anything that does not fall on character boundaries inside it is left unmarked.
fn sentence_body(out: &mut String, s: &SentenceResult) {
    let text = s.text.as_str();
    let local = |span: Span| -> Option<(usize, usize)> {
        let (a, b) = (
            span.start.checked_sub(s.start)?,
            span.end.checked_sub(s.start)?,
        );
        (a < b && b <= text.len() && text.is_char_boundary(a) && text.is_char_boundary(b))
            .then_some((a, b))
    };
    // Mentions grouped by their span: one mention may carry several holders' stances.
    let mut groups: BTreeMap<(usize, usize), Vec<&ActorMention>> = BTreeMap::new();
    for a in &s.actors {
        if let Some(span) = local(Span {
            start: a.start,
            end: a.end,
        }) {
            groups.entry(span).or_default().push(a);
        }
    }
    let mut pieces: Vec<((usize, usize), Piece)> = groups
        .into_iter()
        .map(|(span, g)| (span, Piece::Mention(g)))
        .collect();
    if let Some(cue) = s.speaker_span.and_then(local) {
        pieces.push((cue, Piece::Cue));
    }
    pieces.sort_by_key(|(span, p)| (span.0, matches!(p, Piece::Cue), span.1));
    // Overlapping pieces: the first kept wins (a mention over a cue that names the same words).
    let mut kept: Vec<((usize, usize), Piece)> = Vec::with_capacity(pieces.len());
    for (span, p) in pieces {
        if kept.last().is_none_or(|(k, _)| k.1 <= span.0) {
            kept.push((span, p));
        }
    }
    // Quotes grow to whole pieces, so no tag crosses another.
    let mut quotes: Vec<(usize, usize)> = s.quotes.iter().filter_map(|q| local(*q)).collect();
    for q in &mut quotes {
        for (span, _) in &kept {
            if span.0 < q.0 && span.1 > q.0 {
                q.0 = span.0;
            }
            if span.0 < q.1 && span.1 > q.1 {
                q.1 = span.1;
            }
        }
    }
    quotes.sort_unstable();
    let mut pos = 0;
    let mut pieces = kept.into_iter().peekable();
    for q in quotes
        .iter()
        .copied()
        .chain(std::iter::once((text.len(), text.len())))
    {
        if q.0 < pos {
            continue; // overlaps the previous quote after growing
        }
        let mut emit_until = |out: &mut String, until: usize, pos: &mut usize| {
            while let Some((span, _)) = pieces.peek() {
                if span.1 > until {
                    break;
                }
                let (span, piece) = pieces.next().expect("peeked");
                if span.0 < *pos {
                    continue;
                }
                out.push_str(&escape(&text[*pos..span.0]));
                render_piece(out, &text[span.0..span.1], &piece, &s.speaker);
                *pos = span.1;
            }
            out.push_str(&escape(&text[*pos..until]));
            *pos = until;
        };
        emit_until(out, q.0, &mut pos);
        if q.1 > q.0 {
            out.push_str("<span class=\"quote\">");
            emit_until(out, q.1, &mut pos);
            out.push_str("</span>");
        }
    }
}

fn render_piece(out: &mut String, words: &str, piece: &Piece, speaker: &str) {
    match piece {
        Piece::Cue => {
            let _ = write!(
                out,
                "<span class=\"cue\" title=\"speaker: {}\">{}</span>",
                escape(speaker),
                escape(words)
            );
        }
        Piece::Mention(rows) => {
            let first = rows[0];
            let _ = write!(
                out,
                "<span class=\"m\" tabindex=\"0\" data-actor=\"{}\" data-id=\"{}\" data-type=\"{}\">\
                 <mark class=\"mention\">{}</mark>",
                escape(&first.actor),
                escape(&first.id),
                escape(&first.kind),
                escape(words)
            );
            for a in rows {
                let label = a.stance.label.as_str();
                // The narrator's rows are quieter: they report, and are nearly always neutral.
                let quiet = if a.holder == AUTHOR && label == "neutral" {
                    " narrator"
                } else {
                    ""
                };
                let _ = write!(
                    out,
                    "<span class=\"chip {}{quiet}\" data-holder=\"{}\" data-stance=\"{}\" \
                     data-p-favor=\"{}\" data-p-against=\"{}\" data-p-neutral=\"{}\">{} {} · {}</span>",
                    escape(label),
                    escape(&a.holder),
                    escape(label),
                    score(&a.stance.scores, "favor"),
                    score(&a.stance.scores, "against"),
                    score(&a.stance.scores, "neutral"),
                    symbol(label),
                    escape(label),
                    escape(holder_name(&a.holder)),
                );
            }
            let _ = write!(
                out,
                "<span class=\"probs\" role=\"tooltip\"><strong>{}</strong> ({}, {})",
                escape(&first.actor),
                escape(&first.kind),
                escape(&first.id)
            );
            for a in rows {
                let _ = write!(
                    out,
                    "<span class=\"pr\"><b>{}</b>: favor {} · against {} · neutral {}</span>",
                    escape(holder_name(&a.holder)),
                    probability(&a.stance.scores, "favor"),
                    probability(&a.stance.scores, "against"),
                    probability(&a.stance.scores, "neutral"),
                );
            }
            out.push_str("</span></span>");
        }
    }
}

fn holder_name(holder: &str) -> &str {
    if holder == AUTHOR {
        "narrator"
    } else {
        holder
    }
}

/// The exact number the JSON output carries (Rust prints the shortest string that reads back
/// to the same `f32`), for data attributes a test or a script can compare.
fn score(scores: &BTreeMap<String, f32>, label: &str) -> String {
    scores.get(label).copied().unwrap_or(0.0).to_string()
}

/// A probability for people: three decimals.
fn probability(scores: &BTreeMap<String, f32>, label: &str) -> String {
    format!("{:.3}", scores.get(label).copied().unwrap_or(0.0))
}

/// Holders down, actors across; a cell's colour is the aggregate stance, its number the
/// evidence sentences, and it links to the first of them.
fn summary_section(out: &mut String, rows: &[SummaryRow]) {
    out.push_str("<section id=\"summary\"><h2>Who toward whom</h2>\n");
    if rows.is_empty() {
        out.push_str("<p class=\"note\">No (holder, actor) pairs.</p></section>\n");
        return;
    }
    // Named holders first, the most evidence first; the narrator last.
    let mut holders: BTreeMap<&str, usize> = BTreeMap::new();
    let mut actors: BTreeMap<&str, usize> = BTreeMap::new();
    for r in rows {
        *holders.entry(&r.speaker).or_default() += r.evidence.len();
        *actors.entry(&r.actor).or_default() += r.evidence.len();
    }
    let mut holders: Vec<(&str, usize)> = holders.into_iter().collect();
    holders.sort_by_key(|(h, n)| (*h == AUTHOR, std::cmp::Reverse(*n), *h));
    let mut actors: Vec<(&str, usize)> = actors.into_iter().collect();
    actors.sort_by_key(|(a, n)| (std::cmp::Reverse(*n), *a));
    let cells: BTreeMap<(&str, &str), &SummaryRow> = rows
        .iter()
        .map(|r| ((r.speaker.as_str(), r.actor.as_str()), r))
        .collect();
    out.push_str(
        "<p class=\"note\">Rows: who holds the stance; columns: toward whom. A cell's colour is the \
         aggregate stance, its number the sentences behind it; select it to mark them in the text.</p>\
         <div class=\"grid-wrap\"><table id=\"summary-grid\"><thead><tr><th></th>",
    );
    for (a, _) in &actors {
        let _ = write!(out, "<th class=\"actor\" scope=\"col\">{}</th>", escape(a));
    }
    out.push_str("</tr></thead><tbody>");
    for (h, _) in &holders {
        let _ = write!(
            out,
            "<tr><th class=\"holder\" scope=\"row\">{}</th>",
            escape(holder_name(h))
        );
        for (a, _) in &actors {
            let Some(r) = cells.get(&(*h, *a)) else {
                out.push_str("<td class=\"empty\"></td>");
                continue;
            };
            let evidence: Vec<String> = r.evidence.iter().map(|i| i.to_string()).collect();
            let count = |l: &str| r.counts.get(l).copied().unwrap_or(0);
            let _ = write!(
                out,
                "<td class=\"cell {stance}\" data-holder=\"{holder}\" data-actor=\"{actor}\" \
                 data-stance=\"{stance}\" data-count=\"{n}\" data-confidence=\"{conf}\" \
                 data-evidence=\"{ev}\"><a href=\"#s{first}\" title=\"{hname} toward {actor}: {stance} \
                 (confidence {conf3}); favor {f}, against {ag}, neutral {ne}; sentences {evc}\">{sym} {n}</a></td>",
                stance = escape(&r.stance),
                holder = escape(&r.speaker),
                hname = escape(holder_name(&r.speaker)),
                actor = escape(&r.actor),
                n = r.evidence.len(),
                conf = r.confidence,
                conf3 = format_args!("{:.3}", r.confidence),
                ev = evidence.join(" "),
                evc = evidence.join(", "),
                first = r.evidence.first().copied().unwrap_or(0),
                f = count("favor"),
                ag = count("against"),
                ne = count("neutral"),
                sym = symbol(&r.stance),
            );
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table></div></section>\n");
}

fn dropped_section(out: &mut String, doc: &Document) {
    let _ = write!(
        out,
        "<section id=\"dropped\"><h2>Dropped as boilerplate</h2><details><summary>{} line{} \
         not read as content</summary><ul>",
        doc.dropped.len(),
        if doc.dropped.len() == 1 { "" } else { "s" }
    );
    for d in &doc.dropped {
        let _ = write!(
            out,
            "<li>line {}: {} <em>({})</em></li>",
            d.line,
            escape(&d.text),
            escape(&d.reason)
        );
    }
    out.push_str("</ul></details></section>\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{summarise, DroppedLine, Scored};

    fn scored(label: &str, p: f32, labels: [&str; 3]) -> Scored {
        let mut scores: BTreeMap<String, f32> = labels
            .iter()
            .map(|l| (l.to_string(), (1.0 - p) / 2.0))
            .collect();
        scores.insert(label.to_string(), p);
        Scored {
            label: label.to_string(),
            scores,
        }
    }

    /// `He said "<script>x</script> Freedonia & Sylvania must pay."` with its quote, cue and
    /// two actors, one carrying two holders.
    fn document() -> (String, Document) {
        let original = "Headline about Freedonia\n\nIntro line.\n\nHe said \"<script>x</script> Freedonia & Sylvania must pay.\"".to_string();
        let s2 = original.find("He said").unwrap();
        let text2 = &original[s2..];
        let at = |w: &str| s2 + text2.find(w).unwrap();
        let stance = ["favor", "against", "neutral"];
        let mention = |actor: &str, holder: &str, label: &str, p: f32| ActorMention {
            actor: actor.into(),
            id: format!("doc:{actor}"),
            kind: "state".into(),
            mention: actor.into(),
            start: at(actor),
            end: at(actor) + actor.len(),
            holder: holder.into(),
            stance: scored(label, p, stance),
        };
        let sentiment = ["positive", "negative", "neutral"];
        let h = original.find("Headline").unwrap();
        let f0 = original.find("Freedonia").unwrap();
        let i = original.find("Intro").unwrap();
        let sentences = vec![
            SentenceResult {
                index: 0,
                start: h,
                end: h + "Headline about Freedonia".len(),
                text: "Headline about Freedonia".into(),
                speaker: AUTHOR.into(),
                cue: "narration".into(),
                speaker_span: None,
                quotes: vec![],
                sentiment: scored("neutral", 0.9, sentiment),
                attributions: Vec::new(),
                actors: vec![ActorMention {
                    start: f0,
                    end: f0 + 9,
                    ..mention("Freedonia", AUTHOR, "neutral", 0.8)
                }],
            },
            SentenceResult {
                index: 1,
                start: i,
                end: i + "Intro line.".len(),
                text: "Intro line.".into(),
                speaker: AUTHOR.into(),
                cue: "narration".into(),
                speaker_span: None,
                quotes: vec![],
                sentiment: scored("neutral", 0.9, sentiment),
                attributions: Vec::new(),
                actors: vec![],
            },
            SentenceResult {
                index: 2,
                start: s2,
                end: original.len(),
                text: text2.into(),
                speaker: "Alva Renn".into(),
                cue: "direct_quote".into(),
                speaker_span: Some(Span {
                    start: s2,
                    end: s2 + 2,
                }),
                quotes: vec![Span {
                    start: at("<script>"),
                    end: original.len() - 1,
                }],
                sentiment: scored("negative", 0.7, sentiment),
                attributions: Vec::new(),
                actors: vec![
                    mention("Freedonia", "Alva Renn", "against", 0.93),
                    mention("Freedonia", AUTHOR, "neutral", 0.6),
                    mention("Sylvania", "Alva Renn", "against", 0.81),
                ],
            },
        ];
        let summary = summarise(&sentences);
        let doc = Document {
            sentences,
            summary,
            dropped: vec![DroppedLine {
                line: 9,
                text: "Leave a Reply <b>".into(),
                reason: "comment form".into(),
            }],
        };
        (original, doc)
    }

    fn page() -> String {
        let (original, doc) = document();
        document_page(
            &PageInfo {
                title: "story<1>",
                profile: "profile accurate",
            },
            &original,
            &doc,
        )
    }

    #[test]
    fn the_page_escapes_markup_in_text_and_names() {
        let html = page();
        assert!(!html.contains("<script>x"), "sentence markup leaked");
        assert!(html.contains("&lt;script&gt;x&lt;/script&gt;"));
        assert!(html.contains("<h1>story&lt;1&gt;</h1>"));
        assert!(html.contains("Leave a Reply &lt;b&gt;"));
        assert!(html.contains(" &amp; "));
    }

    #[test]
    fn the_page_has_no_network_reference() {
        let html = page().to_lowercase();
        for bad in ["http:", "https:", "src=", "@import", "url("] {
            assert!(!html.contains(bad), "found {bad}");
        }
    }

    #[test]
    fn paragraphs_follow_blank_lines_and_marks_nest() {
        let html = page();
        assert_eq!(html.matches("<p class=\"para\">").count(), 3);
        // The cue, then the quote holding both mentions; chips per holder.
        let s2 = &html[html.find("id=\"s2\"").unwrap()..];
        let cue = s2.find("<span class=\"cue\"").unwrap();
        let quote = s2.find("<span class=\"quote\">").unwrap();
        let fre = s2.find("data-actor=\"Freedonia\"").unwrap();
        let syl = s2.find("data-actor=\"Sylvania\"").unwrap();
        assert!(cue < quote && quote < fre && fre < syl);
        let freedonia = &s2[fre..syl];
        assert_eq!(freedonia.matches("class=\"chip ").count(), 2);
        assert!(freedonia.contains("data-holder=\"Alva Renn\" data-stance=\"against\""));
        assert!(freedonia.contains("data-p-against=\"0.93\""));
        assert!(freedonia.contains("● neutral · narrator"));
    }

    #[test]
    fn the_summary_grid_links_cells_to_their_evidence() {
        let html = page();
        let grid = &html[html.find("id=\"summary-grid\"").unwrap()..];
        assert_eq!(grid.matches("<td class=\"cell ").count(), 3);
        assert!(grid.contains(
            "data-holder=\"author\" data-actor=\"Freedonia\" data-stance=\"neutral\" data-count=\"2\""
        ));
        assert!(grid.contains("data-evidence=\"0 2\"><a href=\"#s0\""));
        // Named holders come before the narrator.
        assert!(grid.find(">Alva Renn</th>").unwrap() < grid.find(">narrator</th>").unwrap());
    }

    #[test]
    fn a_span_outside_its_sentence_is_left_unmarked() {
        let (original, mut doc) = document();
        doc.sentences[2].speaker_span = Some(Span {
            start: 0,
            end: original.len() + 5,
        });
        doc.sentences[2].quotes.push(Span { start: 3, end: 1 });
        let html = document_page(
            &PageInfo {
                title: "t",
                profile: "p",
            },
            &original,
            &doc,
        );
        assert!(!html.contains("<span class=\"cue\""));
        assert_eq!(html.matches("<span class=\"quote\">").count(), 1);
    }
}
