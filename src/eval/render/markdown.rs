//! `report.md`: the report as Markdown tables and prose, readable as plain text and in a
//! repository browser.

use super::{
    ci_text, f4, p_text, task_title, Align, Cell, ComparisonView, DocumentsView, Renderer, Table,
    TaskView,
};
use crate::eval::report::{label_name, Report, TaskReport, RESAMPLES};
use std::fmt::Write as _;

// Writing to a String cannot fail; the results of `write!` are ignored on purpose.

/// The Markdown renderer; [`Markdown::finish`] gives the text.
#[derive(Debug, Default)]
pub struct Markdown {
    s: String,
}

impl Markdown {
    pub fn finish(self) -> String {
        self.s
    }

    /// A pipe table: heading row, alignment row, one line per row.
    fn table(&mut self, t: &Table) {
        let s = &mut self.s;
        s.push('|');
        for c in &t.columns {
            let _ = write!(s, " {} |", md(&c.name));
        }
        s.push_str("\n|");
        for c in &t.columns {
            s.push_str(match c.align {
                Align::Left => "---|",
                Align::Right => "---:|",
            });
        }
        s.push('\n');
        for row in &t.rows {
            s.push('|');
            for cell in row {
                let _ = match cell {
                    Cell::Text(x) => write!(s, " {} |", md(x)),
                    Cell::Num(x) => write!(s, " {x} |"),
                    Cell::Strong(x) => write!(s, " **{}** |", md(x)),
                    Cell::Empty => write!(s, " |"),
                };
            }
            s.push('\n');
        }
    }
}

/// A Markdown table cell: pipes escaped, newlines flattened.
fn md(s: &str) -> String {
    s.replace('|', "\\|").replace(['\n', '\r'], " ")
}

/// The confusion matrix as a table: rows gold, columns predicted.
fn confusion(tr: &TaskReport) -> Table {
    let mut columns = vec![("gold \\ predicted", Align::Left)];
    columns.extend(tr.labels.iter().map(|l| (l.as_str(), Align::Right)));
    let mut t = Table::new(&columns);
    for (g, row) in tr.confusion.iter().enumerate() {
        let mut cells = vec![Cell::Text(label_name(&tr.labels, g))];
        cells.extend(row.iter().map(Cell::num));
        t.row(cells);
    }
    t
}

impl Renderer for Markdown {
    fn begin(&mut self, r: &Report) {
        let data: Vec<String> = r.data.iter().map(|d| format!("`{}`", md(d))).collect();
        let _ = writeln!(
            self.s,
            "# standpoint eval: {} mode\n\nData: {} ({}). Rows scored: {}; skipped: {}.\n",
            md(&r.mode),
            data.join(", "),
            md(&r.data_format),
            r.n,
            r.skipped
        );
    }

    fn headline(&mut self, table: &Table) {
        self.s.push_str("## Headline\n\n");
        self.table(table);
        let _ = writeln!(
            self.s,
            "\nF_avg is the mean F1 of favor and against (stance) or of positive and negative \
             (sentiment). Intervals: percentile bootstrap, {RESAMPLES} resamples, fixed seed.\n"
        );
    }

    fn task(&mut self, v: &TaskView) {
        let tr = v.report;
        let _ = writeln!(self.s, "## {}\n\n### Per class\n", task_title(v.task));
        self.table(&v.per_class);
        self.s
            .push_str("\n### Confusion (rows: gold, columns: predicted)\n\n");
        self.table(&confusion(tr));
        let _ = writeln!(
            self.s,
            "\n### Calibration\n\nECE {} and Brier {} (confidence = the largest class probability).{}\n",
            f4(tr.ece),
            f4(tr.brier),
            super::calibration_note(tr)
        );
        self.table(&v.calibration);
        let _ = writeln!(
            self.s,
            "\n95% confidence intervals: accuracy {}, macro-F1 {}.\n\n### Breakdowns\n",
            ci_text(tr.ci95.accuracy),
            ci_text(tr.ci95.macro_f1)
        );
        self.table(&v.breakdowns);
        self.s.push('\n');
    }

    fn documents(&mut self, d: &DocumentsView) {
        self.s.push_str("## Documents\n\n");
        self.table(&d.measures(|n| format!("speaker accuracy (n = {n})")));
        self.s.push('\n');
        if let Some(v) = d.summary {
            self.s.push_str("Document summaries:\n\n```json\n");
            self.s
                .push_str(&serde_json::to_string_pretty(v).unwrap_or_default());
            self.s.push_str("\n```\n\n");
        }
    }

    fn ner(&mut self, table: &Table) {
        self.s
            .push_str("## NER (entity level, exact span and type)\n\n");
        self.table(table);
        self.s.push('\n');
    }

    fn attribution(&mut self, table: &Table) {
        self.s
            .push_str("## Attribution (speakers against gold attribution relations)\n\n");
        self.table(table);
        self.s.push_str(
            "\nA gold source counts as found when the speaker of the sentence holding the start \
             of its content, or a stance holder there, shares a name word with it; pronouns and \
             definite descriptions take the nearest earlier named source, indefinite ones are \
             not scored (`standpoint::eval::attribution`).\n\n",
        );
    }

    fn comparison(&mut self, c: &ComparisonView) {
        let _ = writeln!(self.s, "## Comparison with `{}`\n", md(c.other));
        if c.tasks.is_empty() {
            self.s.push_str("The two runs share no scored task.\n\n");
            return;
        }
        self.table(&c.metrics);
        self.s.push('\n');
        for (t, tc) in &c.tasks {
            let p = &tc.paired;
            let m = &p.mcnemar;
            let _ = writeln!(
                self.s,
                "{}: on the {} rows both runs scored, accuracy {} (this) vs {} (other); paired \
                 bootstrap p = {}; McNemar b01 = {}, b10 = {}, statistic {}, p = {} ({}).{}\n",
                t.name(),
                p.n,
                f4(p.this_accuracy),
                f4(p.other_accuracy),
                p_text(p.bootstrap_p),
                m.b01,
                m.b10,
                f4(m.statistic),
                p_text(m.p_value),
                if m.exact {
                    "exact binomial"
                } else {
                    "chi-square"
                },
                if p.gold_mismatch > 0 {
                    format!(
                        " Warning: {} shared rows have a different gold label in the other run.",
                        p.gold_mismatch
                    )
                } else {
                    String::new()
                }
            );
        }
    }

    fn skipped(&mut self, skipped: usize, examples: &[String]) {
        let _ = writeln!(self.s, "## Skipped rows ({skipped})\n");
        for e in examples {
            let _ = writeln!(self.s, "- {}", md(e));
        }
        self.s.push('\n');
    }

    fn end(&mut self, r: &Report) {
        let _ = writeln!(
            self.s,
            "## Throughput\n\n{} pairs in {:.2} s ({:.1} pairs/s). Note: {}.\n",
            r.throughput.pairs, r.throughput.seconds, r.throughput.pairs_per_s, r.timing_note
        );
        self.s.push_str("## Model\n\n```json\n");
        self.s
            .push_str(&serde_json::to_string_pretty(&r.model).unwrap_or_default());
        self.s.push_str("\n```\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::render::markdown as render;
    use crate::eval::report::{build, tests::toy};

    #[test]
    fn markdown_escapes_pipes_and_lists_every_section() {
        let mut inp = toy();
        inp.records[0].actor = "A|B".into();
        let m = render(&build(&inp));
        assert!(m.contains("A\\|B"));
        for h in [
            "## Headline",
            "### Per class",
            "### Confusion",
            "### Calibration",
            "### Breakdowns",
        ] {
            assert!(m.contains(h), "missing {h}");
        }
    }

    #[test]
    fn cells_escape_pipes_and_an_empty_cell_is_one_space_wide() {
        let mut t = Table::new(&[("a|b", Align::Left), ("n", Align::Right)]);
        t.row(vec![Cell::text("x|y\nz"), Cell::num(3)]);
        t.row(vec![Cell::Strong("all".into()), Cell::Empty]);
        let mut m = Markdown::default();
        m.table(&t);
        assert_eq!(
            m.finish(),
            "| a\\|b | n |\n|---|---:|\n| x\\|y z | 3 |\n| **all** | |\n"
        );
    }
}
