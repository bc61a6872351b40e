//! The self-contained HTML report: one file with inline CSS and inline SVG charts (confusion
//! heat map, reliability diagram, per-class P/R/F1 bars) and no scripts, fonts or other
//! resources, so it opens offline and can be attached anywhere.

use super::{
    ci_text, f4, p_text, task_title, Align, Cell, ComparisonView, DocumentsView, Renderer, Table,
    TaskView,
};
use crate::eval::report::{ErrorRow, Report, TaskReport};
use crate::markup::escape;
use std::fmt::Write as _;

/// The sentence, escaped, with the first occurrence of `mention` wrapped in `<mark>`; just
/// escaped when the mention is empty or absent.
pub fn highlight(text: &str, mention: &str) -> String {
    match (!mention.is_empty()).then(|| text.find(mention)).flatten() {
        Some(start) => {
            let end = start + mention.len();
            format!(
                "{}<mark>{}</mark>{}",
                escape(&text[..start]),
                escape(&text[start..end]),
                escape(&text[end..])
            )
        }
        None => escape(text),
    }
}

const CSS: &str = "
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;color:#1f2328;
  background:#fff;margin:24px auto;max-width:1150px;padding:0 16px;line-height:1.4}
h1{font-size:24px;margin:0 0 4px}h2{font-size:20px;margin:28px 0 8px;border-bottom:2px solid #d0d7de;
  padding-bottom:4px}h3{font-size:16px;margin:18px 0 6px}
.meta{color:#57606a;margin:0 0 12px}
table{border-collapse:collapse;margin:6px 0 12px;font-size:13px}
th,td{border:1px solid #d0d7de;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#f0f3f7}td.num{text-align:right;font-variant-numeric:tabular-nums}
.charts{display:flex;flex-wrap:wrap;gap:18px;align-items:flex-start}
figure{margin:0;border:1px solid #d0d7de;border-radius:6px;padding:8px;background:#fbfcfd}
figcaption{font-size:13px;font-weight:600;margin-bottom:4px}
.cols{display:flex;flex-wrap:wrap;gap:28px;align-items:flex-start}
mark{background:#ffd866;padding:0 2px;border-radius:2px}
td.sent{max-width:560px}.warn{color:#b35900}
pre{background:#f6f8fa;padding:8px;overflow:auto;font-size:12px}
";

const BLUE: &str = "#4c78a8";
const ORANGE: &str = "#f58518";
const GREEN: &str = "#54a24b";
const RED: &str = "#e45756";

/// A label short enough for a chart axis.
fn short(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max - 1).collect();
        t.push('…');
        t
    }
}

/// Colour of a heat-map cell: white to dark blue with the share of its gold row.
fn heat(frac: f64) -> String {
    let f = frac.clamp(0.0, 1.0);
    let mix = |a: f64, b: f64| (a + (b - a) * f).round() as u8;
    format!(
        "rgb({},{},{})",
        mix(247.0, 8.0),
        mix(251.0, 48.0),
        mix(255.0, 107.0)
    )
}

fn svg_open(s: &mut String, w: usize, h: usize, label: &str) {
    let _ = write!(
        s,
        "<svg width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"{}\" \
         font-family=\"system-ui,Arial,sans-serif\" font-size=\"12\">",
        escape(label)
    );
}

/// Confusion heat map: rows gold, columns predicted, cells shaded by the share of the gold row
/// and labelled with their count.
pub fn confusion_svg(tr: &TaskReport) -> String {
    let k = tr.labels.len().max(1);
    let (cell, left, top) = (64usize, 96usize, 44usize);
    let (w, h) = (left + k * cell + 12, top + k * cell + 12);
    let mut s = String::new();
    svg_open(&mut s, w, h, "confusion matrix");
    let _ = write!(
        s,
        "<text x=\"{}\" y=\"14\" text-anchor=\"middle\" fill=\"#57606a\">predicted</text>",
        left + k * cell / 2
    );
    let _ = write!(
        s,
        "<text x=\"14\" y=\"{y}\" text-anchor=\"middle\" fill=\"#57606a\" \
         transform=\"rotate(-90 14 {y})\">gold</text>",
        y = top + k * cell / 2
    );
    for (j, l) in tr.labels.iter().enumerate() {
        let _ = write!(
            s,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            left + j * cell + cell / 2,
            top - 8,
            escape(&short(l, 9))
        );
    }
    for (i, row) in tr.confusion.iter().enumerate() {
        let total: usize = row.iter().sum();
        let _ = write!(
            s,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
            left - 8,
            top + i * cell + cell / 2 + 4,
            escape(&short(tr.labels.get(i).map_or("", String::as_str), 11))
        );
        for (j, &c) in row.iter().enumerate() {
            let frac = if total == 0 {
                0.0
            } else {
                c as f64 / total as f64
            };
            let (x, y) = (left + j * cell, top + i * cell);
            let ink = if frac > 0.5 { "#fff" } else { "#1f2328" };
            let stroke = if i == j { "#1f2328" } else { "#d0d7de" };
            let _ = write!(
                s,
                "<rect x=\"{x}\" y=\"{y}\" width=\"{cw}\" height=\"{cw}\" fill=\"{}\" \
                 stroke=\"{stroke}\"/><text x=\"{cx}\" y=\"{ty}\" text-anchor=\"middle\" \
                 font-size=\"16\" font-weight=\"600\" fill=\"{ink}\">{c}</text><text x=\"{cx}\" \
                 y=\"{py}\" text-anchor=\"middle\" font-size=\"10\" fill=\"{ink}\">{:.0}%</text>",
                heat(frac),
                frac * 100.0,
                cw = cell - 2,
                cx = x + cell / 2 - 1,
                ty = y + cell / 2 + 2,
                py = y + cell / 2 + 16,
            );
        }
    }
    s.push_str("</svg>");
    s
}

/// Reliability diagram: per confidence bin, a bar of accuracy and a red tick at the mean
/// confidence; the dashed diagonal is perfect calibration.
pub fn reliability_svg(tr: &TaskReport) -> String {
    let (left, top, size) = (48.0, 16.0, 260.0);
    let (w, h) = (left + size + 16.0, top + size + 72.0);
    let mut s = String::new();
    svg_open(&mut s, w as usize, h as usize, "reliability diagram");
    let bottom = top + size;
    for t in [0.0, 0.25, 0.5, 0.75, 1.0] {
        let y = bottom - t * size;
        let x = left + t * size;
        let _ = write!(
            s,
            "<line x1=\"{left}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\" stroke=\"#eaeef2\"/>\
             <text x=\"{}\" y=\"{}\" text-anchor=\"end\" font-size=\"10\">{t}</text>\
             <text x=\"{x}\" y=\"{}\" text-anchor=\"middle\" font-size=\"10\">{t}</text>",
            left + size,
            left - 4.0,
            y + 3.0,
            bottom + 14.0
        );
    }
    for b in tr.reliability.iter().filter(|b| b.count > 0) {
        let x = left + b.lo * size + 1.0;
        let bw = ((b.hi - b.lo) * size - 2.0).max(1.0);
        let bh = b.accuracy * size;
        let cy = bottom - b.mean_confidence * size;
        let _ = write!(
            s,
            "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{bw:.1}\" height=\"{bh:.1}\" fill=\"{BLUE}\" \
             fill-opacity=\"0.85\"><title>{:.1}–{:.1}: n {} accuracy {} mean confidence {}</title>\
             </rect><line x1=\"{x:.1}\" y1=\"{cy:.1}\" x2=\"{:.1}\" y2=\"{cy:.1}\" stroke=\"{RED}\" \
             stroke-width=\"3\"/><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" \
             font-size=\"9\" fill=\"#57606a\">{}</text>",
            bottom - bh,
            b.lo,
            b.hi,
            b.count,
            f4(b.accuracy),
            f4(b.mean_confidence),
            x + bw,
            x + bw / 2.0,
            top + 10.0,
            b.count
        );
    }
    let (my, ly) = (top + size / 2.0, bottom + 40.0);
    let _ = write!(
        s,
        "<line x1=\"{left}\" y1=\"{bottom}\" x2=\"{}\" y2=\"{top}\" stroke=\"#57606a\" \
         stroke-dasharray=\"5 4\"/><rect x=\"{left}\" y=\"{top}\" width=\"{size}\" \
         height=\"{size}\" fill=\"none\" stroke=\"#8c959f\"/>\
         <text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"#57606a\">confidence</text>\
         <text x=\"12\" y=\"{my}\" text-anchor=\"middle\" fill=\"#57606a\" \
         transform=\"rotate(-90 12 {my})\">accuracy</text>\
         <rect x=\"{left}\" y=\"{ly}\" width=\"10\" height=\"10\" fill=\"{BLUE}\"/>\
         <text x=\"{}\" y=\"{}\" font-size=\"11\">accuracy</text>\
         <line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{RED}\" stroke-width=\"3\"/>\
         <text x=\"{}\" y=\"{}\" font-size=\"11\">mean confidence</text>\
         <text x=\"{left}\" y=\"{}\" font-size=\"11\" fill=\"#57606a\">dashed: perfect \
         calibration; top: rows per bin</text>",
        left + size,
        left + size / 2.0,
        bottom + 30.0,
        left + 14.0,
        ly + 9.0,
        left + 82.0,
        ly + 5.0,
        left + 96.0,
        ly + 5.0,
        left + 100.0,
        ly + 9.0,
        ly + 25.0,
    );
    s.push_str("</svg>");
    s
}

/// Grouped bars of precision, recall and F1 per class.
pub fn prf_svg(tr: &TaskReport) -> String {
    let k = tr.labels.len().max(1);
    let (bar, gap, left, top, ph) = (26.0, 28.0, 40.0, 30.0, 200.0);
    let group = 3.0 * bar + gap;
    let w = (left + k as f64 * group + 12.0).max(300.0);
    let h = top + ph + 30.0;
    let bottom = top + ph;
    let mut s = String::new();
    svg_open(
        &mut s,
        w as usize,
        h as usize,
        "precision, recall and F1 per class",
    );
    for (i, (name, colour)) in [("precision", BLUE), ("recall", ORANGE), ("F1", GREEN)]
        .iter()
        .enumerate()
    {
        let x = left + i as f64 * 90.0;
        let _ = write!(
            s,
            "<rect x=\"{x}\" y=\"6\" width=\"10\" height=\"10\" fill=\"{colour}\"/>\
             <text x=\"{}\" y=\"15\" font-size=\"11\">{name}</text>",
            x + 14.0
        );
    }
    for t in [0.0, 0.25, 0.5, 0.75, 1.0] {
        let y = bottom - t * ph;
        let _ = write!(
            s,
            "<line x1=\"{left}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\" stroke=\"#eaeef2\"/>\
             <text x=\"{}\" y=\"{}\" text-anchor=\"end\" font-size=\"10\">{t}</text>",
            w - 8.0,
            left - 4.0,
            y + 3.0
        );
    }
    for (c, label) in tr.labels.iter().enumerate() {
        let Some(cs) = tr.per_class.get(label) else {
            continue;
        };
        let gx = left + gap / 2.0 + c as f64 * group;
        for (i, (v, colour)) in [(cs.precision, BLUE), (cs.recall, ORANGE), (cs.f1, GREEN)]
            .iter()
            .enumerate()
        {
            let x = gx + i as f64 * bar;
            let bh = v.clamp(0.0, 1.0) * ph;
            let _ = write!(
                s,
                "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{bh:.1}\" \
                 fill=\"{colour}\"/><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" \
                 font-size=\"9\">{v:.2}</text>",
                bottom - bh,
                bar - 3.0,
                x + (bar - 3.0) / 2.0,
                bottom - bh - 3.0
            );
        }
        let _ = write!(
            s,
            "<text x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\">{} <tspan fill=\"#57606a\" \
             font-size=\"10\">(n {})</tspan></text>",
            gx + 1.5 * bar,
            bottom + 18.0,
            escape(&short(label, 12)),
            cs.support
        );
    }
    let _ = write!(
        s,
        "<line x1=\"{left}\" y1=\"{bottom}\" x2=\"{}\" y2=\"{bottom}\" stroke=\"#8c959f\"/></svg>",
        w - 8.0
    );
    s
}

/// The HTML renderer; [`Html::finish`] gives the page.
#[derive(Debug, Default)]
pub struct Html {
    s: String,
}

impl Html {
    pub fn finish(self) -> String {
        self.s
    }

    /// A table: heading cells, then rows; numbers right-aligned by their cell class.
    fn table(&mut self, t: &Table) {
        let s = &mut self.s;
        s.push_str("<table><tr>");
        for c in &t.columns {
            let _ = write!(s, "<th>{}</th>", escape(&c.name));
        }
        s.push_str("</tr>");
        for row in &t.rows {
            s.push_str("<tr>");
            for cell in row {
                let _ = match cell {
                    Cell::Text(x) => write!(s, "<td>{}</td>", escape(x)),
                    Cell::Num(x) => write!(s, "<td class=\"num\">{x}</td>"),
                    Cell::Strong(x) => write!(s, "<td><b>{}</b></td>", escape(x)),
                    Cell::Empty => write!(s, "<td></td>"),
                };
            }
            s.push_str("</tr>");
        }
        s.push_str("</table>");
    }

    /// The most confident errors, the sentence with the actor's mention marked.
    fn errors(&mut self, errors: &[ErrorRow]) {
        let s = &mut self.s;
        let _ = write!(s, "<h3>Most confident errors ({} shown)</h3>", errors.len());
        if errors.is_empty() {
            s.push_str("<p>No errors.</p>");
            return;
        }
        s.push_str("<table><tr><th>confidence</th><th>gold</th><th>predicted</th><th>speaker</th><th>actor</th><th>sentence</th><th>id</th></tr>");
        for e in errors {
            let _ = write!(
                s,
                "<tr><td class=\"num\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>\
                 <td class=\"sent\">{}</td><td>{}</td></tr>",
                f4(e.confidence),
                escape(&e.gold),
                escape(&e.pred),
                escape(&e.record.speaker),
                escape(&e.record.actor),
                highlight(&e.record.text, &e.record.mention),
                escape(&e.record.id)
            );
        }
        s.push_str("</table>");
    }
}

/// The paired test of each shared task: shared rows, accuracies, bootstrap and McNemar.
fn paired(c: &ComparisonView) -> Table {
    let mut t = Table::new(&[
        ("task", Align::Left),
        ("shared rows", Align::Right),
        ("accuracy this", Align::Right),
        ("accuracy other", Align::Right),
        ("paired bootstrap p", Align::Right),
        ("McNemar b01 / b10", Align::Right),
        ("McNemar statistic", Align::Right),
        ("McNemar p", Align::Right),
    ]);
    for (task, tc) in &c.tasks {
        let p = &tc.paired;
        let m = &p.mcnemar;
        let test = if m.exact { "exact" } else { "chi-square" };
        t.row(vec![
            Cell::text(task.name()),
            Cell::num(p.n),
            Cell::num(f4(p.this_accuracy)),
            Cell::num(f4(p.other_accuracy)),
            Cell::num(p_text(p.bootstrap_p)),
            Cell::num(format!("{} / {}", m.b01, m.b10)),
            Cell::num(f4(m.statistic)),
            Cell::num(format!("{} ({test})", p_text(m.p_value))),
        ]);
    }
    t
}

impl Renderer for Html {
    fn begin(&mut self, r: &Report) {
        let data: Vec<String> = r
            .data
            .iter()
            .map(|d| format!("<code>{}</code>", escape(d)))
            .collect();
        let _ = write!(
            self.s,
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
             <title>standpoint eval: {mode}</title><style>{CSS}</style></head><body>\
             <h1>standpoint eval <small>{mode} mode</small></h1><p class=\"meta\">\
             Data: {} ({}). Rows scored: {}; skipped: {}. {} pairs in {:.2} s ({:.1} pairs/s).</p>",
            data.join(", "),
            escape(&r.data_format),
            r.n,
            r.skipped,
            r.throughput.pairs,
            r.throughput.seconds,
            r.throughput.pairs_per_s,
            mode = escape(&r.mode)
        );
    }

    fn headline(&mut self, table: &Table) {
        self.table(table);
        self.s.push_str(
            "<p class=\"meta\">F_avg: mean F1 of favor and against (stance), of positive and \
             negative (sentiment).</p>",
        );
    }

    fn task(&mut self, v: &TaskView) {
        let tr = v.report;
        let _ = write!(
            self.s,
            "<section id=\"{}\"><h2>{}</h2><div class=\"charts\">\
             <figure><figcaption>Confusion (rows gold, columns predicted)</figcaption>{}</figure>\
             <figure><figcaption>Reliability (ECE {}, Brier {})</figcaption>{}</figure>\
             <figure><figcaption>Per class</figcaption>{}</figure></div>\
             <div class=\"cols\"><div><h3>Per class</h3>",
            v.task.name(),
            task_title(v.task),
            confusion_svg(tr),
            f4(tr.ece),
            f4(tr.brier),
            reliability_svg(tr),
            prf_svg(tr)
        );
        self.table(&v.per_class);
        let _ = write!(
            self.s,
            "<p>95% bootstrap intervals: accuracy {}, macro-F1 {}.</p><h3>Calibration bins</h3><p>{}</p>",
            ci_text(tr.ci95.accuracy),
            ci_text(tr.ci95.macro_f1),
            escape(super::calibration_note(tr).trim())
        );
        self.table(&v.calibration);
        self.s.push_str("</div><div><h3>Breakdowns</h3>");
        self.table(&v.breakdowns);
        self.s.push_str("</div></div>");
        self.errors(&v.errors);
        self.s.push_str("</section>");
    }

    fn documents(&mut self, d: &DocumentsView) {
        self.s
            .push_str("<section id=\"documents\"><h2>Documents</h2>");
        self.table(&d.measures(|n| format!("speaker accuracy (n {n})")));
        if let Some(v) = d.summary {
            let _ = write!(
                self.s,
                "<details><summary>Document summaries</summary><pre>{}</pre></details>",
                escape(&serde_json::to_string_pretty(v).unwrap_or_default())
            );
        }
        self.s.push_str("</section>");
    }

    fn ner(&mut self, table: &Table) {
        self.s
            .push_str("<section id=\"ner\"><h2>NER (entity level)</h2>");
        self.table(table);
        self.s.push_str("</section>");
    }

    fn attribution(&mut self, table: &Table) {
        self.s.push_str(
            "<section id=\"attribution\"><h2>Attribution (speakers against gold attribution \
             relations)</h2>",
        );
        self.table(table);
        self.s.push_str(
            "<p>A gold source counts as found when the speaker of the sentence holding the start \
             of its content, or a stance holder there, shares a name word with it; pronouns and \
             definite descriptions take the nearest earlier named source, indefinite ones are \
             not scored.</p></section>",
        );
    }

    fn comparison(&mut self, c: &ComparisonView) {
        let _ = write!(
            self.s,
            "<section id=\"comparison\"><h2>Comparison with {}</h2>",
            escape(c.other)
        );
        if c.tasks.is_empty() {
            self.s
                .push_str("<p>The two runs share no scored task.</p></section>");
            return;
        }
        self.table(&c.metrics);
        self.table(&paired(c));
        for (t, tc) in &c.tasks {
            if tc.paired.gold_mismatch > 0 {
                let _ = write!(
                    self.s,
                    "<p class=\"warn\">{}: {} shared rows have a different gold label in the other run.</p>",
                    t.name(),
                    tc.paired.gold_mismatch
                );
            }
        }
        self.s.push_str(
            "<p>b01: rows this run got wrong and the other right; b10: the reverse.</p></section>",
        );
    }

    fn skipped(&mut self, skipped: usize, examples: &[String]) {
        let _ = write!(self.s, "<h2>Skipped rows ({skipped})</h2><ul>");
        for e in examples {
            let _ = write!(self.s, "<li><code>{}</code></li>", escape(e));
        }
        self.s.push_str("</ul>");
    }

    fn end(&mut self, r: &Report) {
        let _ = writeln!(
            self.s,
            "<h2>Model</h2><p class=\"meta\">{}</p><pre>{}</pre></body></html>",
            escape(&r.timing_note),
            escape(&serde_json::to_string_pretty(&r.model).unwrap_or_default())
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_and_highlight_keep_markup_out() {
        assert_eq!(
            escape("<a href='x'>&\"</a>"),
            "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;"
        );
        assert_eq!(
            highlight("<script>x</script> Pakistan & co", "Pakistan"),
            "&lt;script&gt;x&lt;/script&gt; <mark>Pakistan</mark> &amp; co"
        );
        // A mention that does not occur, or is empty, is not highlighted.
        assert_eq!(highlight("a < b", "India"), "a &lt; b");
        assert_eq!(highlight("a < b", ""), "a &lt; b");
        // Multi-byte text around the mention.
        assert_eq!(highlight("Über İndia", "İndia"), "Über <mark>İndia</mark>");
    }

    #[test]
    fn heat_runs_from_white_to_dark_blue() {
        assert_eq!(heat(0.0), "rgb(247,251,255)");
        assert_eq!(heat(1.0), "rgb(8,48,107)");
        assert_eq!(short("organisation", 6), "organ…");
    }
}
