//! The human-readable reports, `report.md` and `report.html`, drawn from a [`Report`] by one walk.
//!
//! [`walk`] decides which parts a report has, in which order, and what rows its tables hold; a
//! [`Renderer`] decides only how each part looks. [`markdown::Markdown`] and [`html::Html`] are
//! the two renderers. Arrows point one way: this module reads [`crate::eval::report`] (the data
//! and `report.json`), and the report module imports nothing from here.
//!
//! ```
//! use standpoint::eval::render;
//! use standpoint::eval::report::{build, Judged, PairRecord, ReportInput};
//!
//! let record = PairRecord {
//!     id: "d1:s0:Pakistan".into(),
//!     doc: "d1".into(),
//!     text: "The minister said Pakistan had kept its word.".into(),
//!     mention: "Pakistan".into(),
//!     speaker: "the minister".into(),
//!     author_speaker: false,
//!     actor: "Pakistan".into(),
//!     actor_type: "state".into(),
//!     actors_in_sentence: 1,
//!     stance: Some(Judged { gold: 0, pred: 0, probs: vec![0.8, 0.1, 0.1] }),
//!     sentiment: None,
//! };
//! let input = ReportInput {
//!     mode: "pairs".into(),
//!     data: vec!["gold.jsonl".into()],
//!     data_format: "jsonl".into(),
//!     n: 1,
//!     skipped: 0,
//!     skipped_examples: vec![],
//!     model: serde_json::json!({}),
//!     stance_labels: vec!["favor".into(), "against".into(), "neutral".into()],
//!     sentiment_labels: vec!["positive".into(), "negative".into(), "neutral".into()],
//!     records: vec![record],
//!     seconds: 0.5,
//!     actors: None,
//!     speakers: None,
//!     summary: None,
//!     ner: None,
//!     attribution: None,
//!     temperatures: Default::default(),
//! };
//! let report = build(&input);
//! assert!(render::markdown(&report).contains("| favor | 1.0000 | 1.0000 | 1.0000 | 1 |"));
//! assert!(render::html(&report, &input.records).contains("<td>favor</td>"));
//! ```

pub mod html;
pub mod markdown;

use crate::error::Result;
use crate::eval::attribution::AttributionRecord;
use crate::eval::report::{
    confident_errors, write_file, write_json, Accuracy, AttributionReport, Comparison, Counted,
    ErrorRow, PairRecord, Prf, Report, Task, TaskComparison, TaskReport, TOP_ERRORS,
};
use std::path::Path;

/// Write `report.json`, `predictions.jsonl`, `report.md` and `report.html` into `dir`, creating it.
/// `attributions` are attribution mode's records (empty in the other modes).
pub fn write(
    dir: &Path,
    report: &Report,
    records: &[PairRecord],
    attributions: &[AttributionRecord],
) -> Result<()> {
    write_json(dir, report, records, attributions)?;
    write_file(&dir.join("report.md"), &markdown(report))?;
    write_file(&dir.join("report.html"), &html(report, records))?;
    Ok(())
}

/// Render `report.md`. It lists no sentences, so it needs no records.
pub fn markdown(report: &Report) -> String {
    let mut m = markdown::Markdown::default();
    walk(report, &[], &mut m);
    m.finish()
}

/// Render `report.html`; `records` give the table of the most confident errors.
pub fn html(report: &Report, records: &[PairRecord]) -> String {
    let mut h = html::Html::default();
    walk(report, records, &mut h);
    h.finish()
}

/// How one output format draws the parts of a report. [`walk`] calls these in report order,
/// each only when the report has that part.
pub trait Renderer {
    /// The title and the line about the data.
    fn begin(&mut self, report: &Report);
    /// One row per scored task; called only when a task was scored.
    fn headline(&mut self, table: &Table);
    /// One scored task, stance before sentiment.
    fn task(&mut self, task: &TaskView);
    /// Documents mode's actor and speaker measures and the gold-summary comparison.
    fn documents(&mut self, documents: &DocumentsView);
    /// Entity-level NER scores, the `all` row first.
    fn ner(&mut self, table: &Table);
    /// Attribution mode's measures: speaker accuracy (direct, rest, all), the false-speaker
    /// rate, speaker-span overlap and the counts.
    fn attribution(&mut self, table: &Table);
    /// The comparison with an earlier run.
    fn comparison(&mut self, comparison: &ComparisonView);
    /// The first few skipped rows; called only when there are some.
    fn skipped(&mut self, skipped: usize, examples: &[String]);
    /// What closes the report: throughput, the timing note, the model manifests.
    fn end(&mut self, report: &Report);
}

/// One scored task, with the tables both formats show.
pub struct TaskView<'a> {
    pub task: Task,
    pub report: &'a TaskReport,
    /// Precision, recall, F1 and support per label, in label order.
    pub per_class: Table,
    /// The reliability bins that hold rows.
    pub calibration: Table,
    /// Scores by speaker kind, actor type, most frequent actor and actors in the sentence.
    pub breakdowns: Table,
    /// The most confident wrong predictions, most confident first; empty without records.
    pub errors: Vec<ErrorRow<'a>>,
}

/// Documents mode's extras; at least one is present.
pub struct DocumentsView<'a> {
    pub actors: Option<&'a Prf>,
    pub speakers: Option<&'a Accuracy>,
    pub summary: Option<&'a serde_json::Value>,
}

impl DocumentsView<'_> {
    /// Actor detection and speaker accuracy as (measure, value) rows; `speaker` names the
    /// speaker row from its row count.
    pub fn measures(&self, speaker: impl Fn(usize) -> String) -> Table {
        let mut t = Table::new(&[("measure", Align::Left), ("value", Align::Right)]);
        if let Some(a) = self.actors {
            for (name, v) in [
                ("actors precision", a.precision),
                ("actors recall", a.recall),
                ("actors F1", a.f1),
            ] {
                t.row(vec![Cell::text(name), Cell::num(f4(v))]);
            }
            t.row(vec![
                Cell::text("actors gold / predicted / matched"),
                Cell::num(format!("{} / {} / {}", a.gold, a.predicted, a.matched)),
            ]);
        }
        if let Some(sp) = self.speakers {
            t.row(vec![Cell::Text(speaker(sp.n)), Cell::num(f4(sp.accuracy))]);
        }
        t
    }
}

/// The comparison with an earlier run.
pub struct ComparisonView<'a> {
    /// The other report directory, as given.
    pub other: &'a str,
    /// The tasks both runs scored, stance before sentiment; empty when they share none.
    pub tasks: Vec<(Task, &'a TaskComparison)>,
    /// Per task the compared metrics: this run, the other, the difference.
    pub metrics: Table,
}

/// A table both formats draw: column headings and rows of cells.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Cell>>,
}

/// A column heading and its Markdown alignment. HTML aligns by cell instead ([`Cell::Num`]),
/// so a column of intervals can sit left in Markdown while its cells are numbers in HTML.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub name: String,
    pub align: Align,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

/// A table cell. Text is escaped by each format; numbers are written as formatted.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Num(String),
    /// Emphasised text (the `all` row of the NER table).
    Strong(String),
    Empty,
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    pub fn num(v: impl std::fmt::Display) -> Cell {
        Cell::Num(v.to_string())
    }
}

impl Table {
    pub fn new(columns: &[(&str, Align)]) -> Table {
        Table {
            columns: columns
                .iter()
                .map(|&(name, align)| Column {
                    name: name.to_string(),
                    align,
                })
                .collect(),
            rows: Vec::new(),
        }
    }

    pub fn row(&mut self, cells: Vec<Cell>) {
        self.rows.push(cells);
    }
}

/// Draw `report` with `out`: every part the report has, in report order.
pub fn walk(report: &Report, records: &[PairRecord], out: &mut impl Renderer) {
    out.begin(report);
    let tasks: Vec<(Task, &TaskReport)> = Task::ALL
        .iter()
        .filter_map(|&t| report.task(t).map(|tr| (t, tr)))
        .collect();
    if !tasks.is_empty() {
        out.headline(&headline(&tasks));
    }
    for &(task, tr) in &tasks {
        out.task(&TaskView {
            task,
            report: tr,
            per_class: per_class(tr),
            calibration: calibration(tr),
            breakdowns: breakdowns(tr),
            errors: confident_errors(report, records, task, TOP_ERRORS),
        });
    }
    if report.actors.is_some() || report.speakers.is_some() || report.summary.is_some() {
        out.documents(&DocumentsView {
            actors: report.actors.as_ref(),
            speakers: report.speakers.as_ref(),
            summary: report.summary.as_ref(),
        });
    }
    if let Some(ner) = &report.ner {
        let mut t = Table::new(&[
            ("type", Align::Left),
            ("precision", Align::Right),
            ("recall", Align::Right),
            ("F1", Align::Right),
            ("support", Align::Right),
        ]);
        t.row(vec![
            Cell::Strong("all".into()),
            Cell::num(f4(ner.precision)),
            Cell::num(f4(ner.recall)),
            Cell::num(f4(ner.f1)),
            Cell::Empty,
        ]);
        for (ty, c) in &ner.per_type {
            t.row(vec![
                Cell::text(ty),
                Cell::num(f4(c.precision)),
                Cell::num(f4(c.recall)),
                Cell::num(f4(c.f1)),
                Cell::num(c.support),
            ]);
        }
        out.ner(&t);
    }
    if let Some(a) = &report.attribution {
        out.attribution(&attribution(a));
    }
    if let Some(c) = &report.comparison {
        out.comparison(&comparison(c));
    }
    if !report.skipped_examples.is_empty() {
        out.skipped(report.skipped, &report.skipped_examples);
    }
    out.end(report);
}

/// Attribution mode's table: (measure, value, counts) rows.
fn attribution(a: &AttributionReport) -> Table {
    let mut t = Table::new(&[
        ("measure", Align::Left),
        ("value", Align::Right),
        ("counts", Align::Right),
    ]);
    let acc = |name: &str, c: &Counted| {
        vec![
            Cell::text(name),
            Cell::num(f4(c.accuracy)),
            Cell::num(format!("{} / {}", c.right, c.n)),
        ]
    };
    let sa = &a.speaker_accuracy;
    t.row(acc("speaker accuracy, direct quotes", &sa.direct));
    t.row(acc("speaker accuracy, the rest", &sa.rest));
    let mut all = acc("speaker accuracy, all", &sa.all);
    all[0] = Cell::Strong("speaker accuracy, all".into());
    t.row(all);
    let fs = &a.false_speaker;
    t.row(vec![
        Cell::text("false-speaker rate (sentences outside every attribution)"),
        Cell::num(f4(fs.rate)),
        Cell::num(format!("{} / {}", fs.with_speaker, fs.sentences)),
    ]);
    let sp = &a.speaker_spans;
    for (name, v) in [
        ("speaker-span word precision", sp.precision),
        ("speaker-span word recall", sp.recall),
        ("speaker-span word F1", sp.f1),
    ] {
        t.row(vec![Cell::text(name), Cell::num(f4(v)), Cell::Empty]);
    }
    t.row(vec![
        Cell::text("span words gold / predicted / matched"),
        Cell::Empty,
        Cell::num(format!("{} / {} / {}", sp.gold, sp.predicted, sp.matched)),
    ]);
    for (role, r) in &a.roles {
        for (how, p) in [("exact", &r.exact), ("word overlap", &r.overlap)] {
            t.row(vec![
                Cell::text(format!("{role} spans, {how}: P / R / F1")),
                Cell::num(f4(p.f1)),
                Cell::num(format!(
                    "{} / {} / {}",
                    f4(p.precision),
                    f4(p.recall),
                    f4(p.f1)
                )),
            ]);
        }
    }
    if let Some(l) = &a.linking {
        t.row(vec![
            Cell::text("content-source linking (contents found)"),
            Cell::num(f4(l.accuracy)),
            Cell::num(format!("{} / {}", l.right, l.n)),
        ]);
    }
    t.row(vec![
        Cell::text("articles / attributions / with a source / unresolved source"),
        Cell::Empty,
        Cell::num(format!(
            "{} / {} / {} / {}",
            a.articles, a.attributions, a.with_source, a.unresolved
        )),
    ]);
    t
}

fn headline(tasks: &[(Task, &TaskReport)]) -> Table {
    let mut t = Table::new(&[
        ("task", Align::Left),
        ("n", Align::Right),
        ("accuracy", Align::Right),
        ("macro-F1", Align::Right),
        ("F_avg", Align::Right),
        ("ECE", Align::Right),
        ("ECE uncalibrated", Align::Right),
        ("Brier", Align::Right),
        ("accuracy 95% CI", Align::Left),
        ("macro-F1 95% CI", Align::Left),
    ]);
    for (task, tr) in tasks {
        t.row(vec![
            Cell::text(task.name()),
            Cell::num(tr.n),
            Cell::num(f4(tr.accuracy)),
            Cell::num(f4(tr.macro_f1)),
            Cell::num(f4(tr.f_avg)),
            Cell::num(f4(tr.ece)),
            Cell::num(match (tr.ece_uncalibrated, tr.temperature) {
                (Some(e), Some(t)) => format!("{} (T = {t})", f4(e)),
                _ => "-".to_string(),
            }),
            Cell::num(f4(tr.brier)),
            Cell::num(ci_text(tr.ci95.accuracy)),
            Cell::num(ci_text(tr.ci95.macro_f1)),
        ]);
    }
    t
}

fn per_class(tr: &TaskReport) -> Table {
    let mut t = Table::new(&[
        ("label", Align::Left),
        ("precision", Align::Right),
        ("recall", Align::Right),
        ("F1", Align::Right),
        ("support", Align::Right),
    ]);
    for l in &tr.labels {
        if let Some(c) = tr.per_class.get(l) {
            t.row(vec![
                Cell::text(l),
                Cell::num(f4(c.precision)),
                Cell::num(f4(c.recall)),
                Cell::num(f4(c.f1)),
                Cell::num(c.support),
            ]);
        }
    }
    t
}

/// What the calibration changed, as a sentence after the ECE ("" when uncalibrated).
pub(crate) fn calibration_note(tr: &TaskReport) -> String {
    match (tr.temperature, tr.ece_uncalibrated) {
        (Some(t), Some(e)) => format!(
            " The probabilities are calibrated (temperature {t}, fitted on dev data by \
             `standpoint models calibrate`); uncalibrated, the ECE of the same predictions is {}.",
            f4(e)
        ),
        _ => String::new(),
    }
}

fn calibration(tr: &TaskReport) -> Table {
    let mut t = Table::new(&[
        ("confidence", Align::Left),
        ("n", Align::Right),
        ("mean confidence", Align::Right),
        ("accuracy", Align::Right),
    ]);
    for b in tr.reliability.iter().filter(|b| b.count > 0) {
        t.row(vec![
            Cell::Text(format!("{:.1}–{:.1}", b.lo, b.hi)),
            Cell::num(b.count),
            Cell::num(f4(b.mean_confidence)),
            Cell::num(f4(b.accuracy)),
        ]);
    }
    t
}

fn breakdowns(tr: &TaskReport) -> Table {
    let mut t = Table::new(&[
        ("by", Align::Left),
        ("group", Align::Left),
        ("n", Align::Right),
        ("accuracy", Align::Right),
        ("macro-F1", Align::Right),
    ]);
    let b = &tr.breakdowns;
    for (by, groups) in [
        ("speaker", &b.speaker),
        ("actor type", &b.actor_type),
        ("actor (most frequent)", &b.actor),
        ("actors in sentence", &b.several_actors),
    ] {
        for (g, sl) in groups {
            t.row(vec![
                Cell::text(by),
                Cell::text(g),
                Cell::num(sl.n),
                Cell::num(f4(sl.accuracy)),
                Cell::num(f4(sl.macro_f1)),
            ]);
        }
    }
    t
}

fn comparison(c: &Comparison) -> ComparisonView<'_> {
    let tasks: Vec<(Task, &TaskComparison)> = Task::ALL
        .iter()
        .filter_map(|&t| c.task(t).map(|tc| (t, tc)))
        .collect();
    let mut metrics = Table::new(&[
        ("task", Align::Left),
        ("metric", Align::Left),
        ("this", Align::Right),
        ("other", Align::Right),
        ("delta", Align::Right),
    ]);
    for (task, tc) in &tasks {
        for (name, d) in tc.metrics() {
            metrics.row(vec![
                Cell::text(task.name()),
                Cell::text(name),
                Cell::num(f4(d.this)),
                Cell::num(f4(d.other)),
                Cell::num(signed(d.delta)),
            ]);
        }
    }
    ComparisonView {
        other: &c.other,
        tasks,
        metrics,
    }
}

/// A score as the reports print it: four decimals.
fn f4(x: f64) -> String {
    format!("{x:.4}")
}

/// A difference: four decimals and its sign.
fn signed(x: f64) -> String {
    format!("{x:+.4}")
}

/// A 95% interval as `[lo, hi]`.
fn ci_text(ci: [f64; 2]) -> String {
    format!("[{}, {}]", f4(ci[0]), f4(ci[1]))
}

/// A p-value for display: four decimals, or `< 0.0001` when it rounds to zero.
fn p_text(p: f64) -> String {
    if p < 0.000_05 {
        "< 0.0001".to_string()
    } else {
        f4(p)
    }
}

/// The heading of a task's section.
fn task_title(t: Task) -> &'static str {
    match t {
        Task::Stance => "Stance",
        Task::Sentiment => "Sentiment",
    }
}
