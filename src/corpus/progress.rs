//! Batch progress on stderr: a bar by bytes on a terminal, a log line every 10 s otherwise,
//! nothing with `--quiet`; and the end-of-run totals.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How often a log line is printed when stderr is not a terminal.
const LOG_INTERVAL: Duration = Duration::from_secs(10);
/// How often the bar's rate message is recomputed.
const MESSAGE_INTERVAL: Duration = Duration::from_millis(250);

/// How progress is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProgressMode {
    /// An indicatif bar by bytes (a spinner when the total is unknown).
    Bar,
    /// A plain line on stderr every 10 s, for logs and batch schedulers.
    Log,
    /// Nothing.
    Hidden,
}

impl ProgressMode {
    /// `Hidden` when `quiet`, `Bar` when stderr is a terminal, `Log` otherwise.
    pub fn detect(quiet: bool) -> Self {
        if quiet {
            ProgressMode::Hidden
        } else if std::io::stderr().is_terminal() {
            ProgressMode::Bar
        } else {
            ProgressMode::Log
        }
    }
}

/// What a run did, for the end-of-run summary.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Totals {
    pub docs: u64,
    pub sentences: u64,
    pub pairs: u64,
    pub failures: u64,
    /// Input bytes consumed by this run (not those skipped by a resume).
    pub bytes: u64,
    pub seconds: f64,
}

impl Totals {
    /// `1200 documents, 30500 sentences, 8100 pairs, 3 failures in 61.0 s (19.7 documents/s,
    /// 500 sentences/s, 133 pairs/s)`.
    pub fn summary_line(&self) -> String {
        let rate = |n: u64| n as f64 / self.seconds.max(1e-9);
        format!(
            "{} documents, {} sentences, {} pairs, {} failures in {:.1} s ({:.1} documents/s, \
             {:.0} sentences/s, {:.0} pairs/s)",
            self.docs,
            self.sentences,
            self.pairs,
            self.failures,
            self.seconds,
            rate(self.docs),
            rate(self.sentences),
            rate(self.pairs)
        )
    }
}

/// Progress of a batch run, by input bytes.
pub struct Progress {
    mode: ProgressMode,
    bar: Option<ProgressBar>,
    total_bytes: Option<u64>,
    totals: Totals,
    /// Bytes that were already done before this run (a resume).
    resumed_bytes: u64,
    started: Instant,
    last_log: Instant,
    last_message: Instant,
}

impl Progress {
    /// Progress over `total_bytes` of input (`None` when unknown: standard input).
    pub fn new(total_bytes: Option<u64>, mode: ProgressMode) -> Self {
        let bar = (mode == ProgressMode::Bar).then(|| {
            let target = ProgressDrawTarget::stderr();
            let (bar, template) = match total_bytes {
                Some(total) => (
                    ProgressBar::with_draw_target(Some(total), target),
                    "{spinner} [{elapsed_precise}] {bar:30} {bytes}/{total_bytes}, ETA {eta} {msg}",
                ),
                None => (
                    ProgressBar::with_draw_target(None, target),
                    "{spinner} [{elapsed_precise}] {bytes} {msg}",
                ),
            };
            bar.set_style(
                ProgressStyle::with_template(template)
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            // Keeps the spinner and clock moving while a slow model works on a chunk.
            bar.enable_steady_tick(Duration::from_millis(200));
            bar
        });
        let now = Instant::now();
        Self {
            mode,
            bar,
            total_bytes,
            totals: Totals::default(),
            resumed_bytes: 0,
            started: now,
            last_log: now,
            last_message: now,
        }
    }

    /// Marks `bytes` of input as done by an earlier run, so the bar starts there and the ETA
    /// counts only this run's speed.
    pub fn resume_at(&mut self, bytes: u64) {
        self.resumed_bytes = bytes;
        if let Some(bar) = &self.bar {
            bar.set_position(bytes);
            bar.reset_eta();
        }
    }

    /// Counts finished documents and the input bytes they took.
    pub fn add(&mut self, docs: u64, sentences: u64, pairs: u64, bytes: u64) {
        self.totals.docs += docs;
        self.totals.sentences += sentences;
        self.totals.pairs += pairs;
        self.totals.bytes += bytes;
        self.update();
    }

    /// Counts failed inputs.
    pub fn fail(&mut self, failures: u64) {
        self.totals.failures += failures;
    }

    /// The totals so far.
    pub fn totals(&self) -> Totals {
        Totals {
            seconds: self.started.elapsed().as_secs_f64(),
            ..self.totals
        }
    }

    fn rates(&self) -> String {
        let t = self.totals();
        let rate = |n: u64| n as f64 / t.seconds.max(1e-9);
        format!(
            "{} docs ({:.1}/s), {:.0} sentences/s, {:.0} pairs/s, {} failures",
            t.docs,
            rate(t.docs),
            rate(t.sentences),
            rate(t.pairs),
            t.failures
        )
    }

    /// The line printed every 10 s when stderr is not a terminal.
    fn log_line(&self) -> String {
        let done = self.resumed_bytes + self.totals.bytes;
        let position = match self.total_bytes {
            Some(total) if total > 0 => {
                let eta = self
                    .eta(total)
                    .map(|s| format!(", ETA {}", format_seconds(s)))
                    .unwrap_or_default();
                format!(
                    "{:.1}% of {} bytes{eta}",
                    100.0 * done as f64 / total as f64,
                    total
                )
            }
            _ => format!("{done} bytes"),
        };
        format!("progress: {position}; {}", self.rates())
    }

    /// Seconds left at this run's byte rate.
    fn eta(&self, total: u64) -> Option<f64> {
        let seconds = self.started.elapsed().as_secs_f64();
        let rate = self.totals.bytes as f64 / seconds;
        let left = total.saturating_sub(self.resumed_bytes + self.totals.bytes);
        (rate > 0.0 && rate.is_finite()).then(|| left as f64 / rate)
    }

    fn update(&mut self) {
        match self.mode {
            ProgressMode::Bar => {
                if let Some(bar) = &self.bar {
                    bar.set_position(self.resumed_bytes + self.totals.bytes);
                    if self.last_message.elapsed() >= MESSAGE_INTERVAL {
                        self.last_message = Instant::now();
                        bar.set_message(self.rates());
                    }
                }
            }
            ProgressMode::Log => {
                if self.last_log.elapsed() >= LOG_INTERVAL {
                    self.last_log = Instant::now();
                    note!("{}", self.log_line());
                }
            }
            ProgressMode::Hidden => {}
        }
    }

    /// Stops the display and returns the totals.
    pub fn finish(self) -> Totals {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
        self.totals()
    }
}

fn format_seconds(seconds: f64) -> String {
    let s = seconds.round() as u64;
    match s {
        0..=59 => format!("{s}s"),
        60..=3599 => format!("{}m{:02}s", s / 60, s % 60),
        _ => format!("{}h{:02}m", s / 3600, (s % 3600) / 60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_line_names_every_count_and_the_throughput() {
        let totals = Totals {
            docs: 120,
            sentences: 3050,
            pairs: 810,
            failures: 3,
            bytes: 1_000_000,
            seconds: 10.0,
        };
        assert_eq!(
            totals.summary_line(),
            "120 documents, 3050 sentences, 810 pairs, 3 failures in 10.0 s (12.0 documents/s, \
             305 sentences/s, 81 pairs/s)"
        );
    }

    #[test]
    fn hidden_progress_counts_without_drawing() {
        let mut progress = Progress::new(Some(100), ProgressMode::Hidden);
        progress.resume_at(40);
        progress.add(2, 10, 4, 30);
        progress.fail(1);
        let line = progress.log_line();
        assert!(line.starts_with("progress: 70.0% of 100 bytes"), "{line}");
        assert!(line.contains("2 docs"), "{line}");
        let totals = progress.finish();
        assert_eq!(
            (totals.docs, totals.sentences, totals.pairs, totals.failures),
            (2, 10, 4, 1)
        );
        assert_eq!(totals.bytes, 30);
    }

    #[test]
    fn log_line_without_a_total_counts_bytes() {
        let mut progress = Progress::new(None, ProgressMode::Hidden);
        progress.add(1, 1, 0, 512);
        assert!(progress.log_line().starts_with("progress: 512 bytes;"));
    }

    #[test]
    fn seconds_are_formatted_for_people() {
        assert_eq!(format_seconds(42.4), "42s");
        assert_eq!(format_seconds(125.0), "2m05s");
        assert_eq!(format_seconds(7260.0), "2h01m");
    }
}
