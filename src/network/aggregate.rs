//! Folding documents into (holder, actor) pairs, then the pairs into a network: counts, net
//! stance with a bootstrap interval, dates, confidence, evidence and time series per pair;
//! nodes with degree, mentions and statements.
//!
//! Everything is kept as integers until the end (probabilities in millionths), evidence is kept
//! by a total order, and maps are sorted, so the result never depends on the order documents
//! arrive in.

use super::input::{DocDate, InputActor, InputDoc, InputSentence};
use super::{Bucket, Options};
use crate::labels::Stance;
use chrono::{Datelike, NaiveDate, Weekday};
use rand::SeedableRng;
use rand_distr::{Binomial, Distribution};
use rayon::prelude::*;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::borrow::Cow;
use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet};

/// Bootstrap resamples per pair.
pub const BOOTSTRAP_SAMPLES: usize = 1000;
/// Evidence sentences kept per pair.
const EVIDENCE_PER_PAIR: usize = 3;
/// Evidence sentences longer than this many characters are clipped (with `…`).
const EVIDENCE_CHARS: usize = 300;
/// A time axis longer than this many buckets (dates spread over centuries, usually a parsing
/// accident upstream) falls back to the buckets that hold rows.
const MAX_AXIS: usize = 2000;
/// The holder of narration.
const AUTHOR: &str = "author";

/// Rows per stance label.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub favor: u64,
    pub against: u64,
    pub neutral: u64,
}

impl Counts {
    fn add(&mut self, label: Stance) {
        match label {
            Stance::Favor => self.favor += 1,
            Stance::Against => self.against += 1,
            Stance::Neutral => self.neutral += 1,
        }
    }

    pub fn total(&self) -> u64 {
        self.favor + self.against + self.neutral
    }

    /// (favor - against) / n, 0 for no rows.
    pub fn net(&self) -> f64 {
        match self.total() {
            0 => 0.0,
            n => (self.favor as f64 - self.against as f64) / n as f64,
        }
    }
}

/// A time bucket that sorts chronologically: (year, week or month, or 0 for years). Weeks use
/// the ISO year, so the key of 2027-01-01 is (2026, 53).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct BucketKey(i32, u32);

impl Bucket {
    fn key(self, d: NaiveDate) -> BucketKey {
        match self {
            Bucket::Week => {
                let w = d.iso_week();
                BucketKey(w.year(), w.week())
            }
            Bucket::Month => BucketKey(d.year(), d.month()),
            Bucket::Year => BucketKey(d.year(), 0),
        }
    }

    fn label(self, k: BucketKey) -> String {
        match self {
            Bucket::Week => format!("{:04}-W{:02}", k.0, k.1),
            Bucket::Month => format!("{:04}-{:02}", k.0, k.1),
            Bucket::Year => format!("{:04}", k.0),
        }
    }

    /// The bucket after `k` (`None` past the end of the calendar).
    fn next(self, k: BucketKey) -> Option<BucketKey> {
        match self {
            Bucket::Week => NaiveDate::from_isoywd_opt(k.0, k.1, Weekday::Mon)
                .and_then(|d| d.checked_add_days(chrono::Days::new(7)))
                .map(|d| self.key(d)),
            Bucket::Month if k.1 == 12 => Some(BucketKey(k.0 + 1, 1)),
            Bucket::Month => Some(BucketKey(k.0, k.1 + 1)),
            Bucket::Year => Some(BucketKey(k.0 + 1, 0)),
        }
    }
}

/// A sentence shown for a pair.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evidence {
    pub document: String,
    pub sentence: usize,
    /// The sentence, clipped to 300 characters (then ending in `…`).
    pub text: String,
    pub label: Stance,
    /// The probability of `label`, to four decimals.
    pub probability: f64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct EvidenceAcc {
    document: String,
    sentence: usize,
    text: String,
    label: Stance,
    micro: u32,
}

/// The order evidence is chosen in: stance-bearing rows first, then the more confident, then
/// document id, sentence index, text and label, so the choice is a total order and does not
/// depend on which row came first.
type EvidenceRank<'a> = (bool, Reverse<u32>, &'a str, usize, &'a str, Stance);

impl EvidenceAcc {
    fn rank(&self) -> EvidenceRank<'_> {
        rank(
            self.label,
            self.micro,
            &self.document,
            self.sentence,
            &self.text,
        )
    }
}

fn rank<'a>(
    label: Stance,
    micro: u32,
    document: &'a str,
    sentence: usize,
    text: &'a str,
) -> EvidenceRank<'a> {
    (
        label == Stance::Neutral,
        Reverse(micro),
        document,
        sentence,
        text,
        label,
    )
}

/// At most `EVIDENCE_CHARS` characters, cut on a character boundary.
fn clip(text: &str) -> Cow<'_, str> {
    match text.char_indices().nth(EVIDENCE_CHARS) {
        None => Cow::Borrowed(text),
        Some((cut, _)) => Cow::Owned(format!("{}…", &text[..cut])),
    }
}

/// What is known about one pair while reading.
#[derive(Debug, Default)]
struct PairAcc {
    counts: Counts,
    /// Sum of each row's own-label probability, in millionths.
    micro_sum: u64,
    documents: u64,
    first: Option<NaiveDate>,
    last: Option<NaiveDate>,
    undated: u64,
    series: BTreeMap<BucketKey, Counts>,
    /// Best first, at most `EVIDENCE_PER_PAIR`.
    evidence: Vec<EvidenceAcc>,
}

impl PairAcc {
    fn add_row(
        &mut self,
        a: &InputActor,
        s: &InputSentence,
        doc_id: &str,
        bucket: Option<BucketKey>,
    ) {
        self.counts.add(a.label);
        self.micro_sum += u64::from(a.micro);
        match bucket {
            Some(k) => self.series.entry(k).or_default().add(a.label),
            None => self.undated += 1,
        }
        self.offer_evidence(a, s, doc_id);
    }

    /// Keep the row as evidence when it ranks among the best; allocates only when it does.
    fn offer_evidence(&mut self, a: &InputActor, s: &InputSentence, doc_id: &str) {
        let text = clip(&s.text);
        let cand = rank(a.label, a.micro, doc_id, s.index, &text);
        let pos = self.evidence.partition_point(|e| e.rank() < cand);
        if pos >= EVIDENCE_PER_PAIR || self.evidence.get(pos).is_some_and(|e| e.rank() == cand) {
            return;
        }
        self.evidence.insert(
            pos,
            EvidenceAcc {
                document: doc_id.to_string(),
                sentence: s.index,
                text: text.into_owned(),
                label: a.label,
                micro: a.micro,
            },
        );
        self.evidence.truncate(EVIDENCE_PER_PAIR);
    }

    fn add_document(&mut self, date: Option<NaiveDate>) {
        self.documents += 1;
        if let Some(d) = date {
            self.first = Some(self.first.map_or(d, |f| f.min(d)));
            self.last = Some(self.last.map_or(d, |l| l.max(d)));
        }
    }
}

/// How often each id and type was given to an actor name, to settle on one of each.
#[derive(Debug, Default)]
struct ActorSeen {
    ids: BTreeMap<String, u64>,
    types: BTreeMap<String, u64>,
}

/// The most frequent key; ties go to the smallest, so the choice is order-independent.
fn most_frequent(m: &BTreeMap<String, u64>) -> Option<&str> {
    m.iter()
        .max_by_key(|(k, n)| (**n, Reverse(k.as_str())))
        .map(|(k, _)| k.as_str())
}

/// The value for `key`, inserted when missing; the key is copied only then.
fn slot<'m, V: Default>(map: &'m mut BTreeMap<String, V>, key: &str) -> &'m mut V {
    if !map.contains_key(key) {
        map.insert(key.to_owned(), V::default());
    }
    map.get_mut(key).expect("the key was inserted above")
}

/// Counts over the whole run.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Totals {
    pub documents: u64,
    /// Documents without a date field or with one that could not be read (they count in every
    /// figure but the dates and series).
    pub documents_without_date: u64,
    /// Of those, documents whose date field was present but unreadable.
    pub documents_with_unreadable_date: u64,
    pub sentences: u64,
    /// (sentence, holder, actor) rows, each counted once per sentence.
    pub rows: u64,
    /// Rows left out because their holder is `author` (`--exclude-author`).
    pub rows_excluded: u64,
    /// Rows in the kept pairs.
    pub rows_kept: u64,
    /// Pairs seen (after leaving out the author).
    pub pairs: u64,
    /// Pairs kept by --holders, --actors and --min-count.
    pub pairs_kept: u64,
    pub nodes: u64,
}

impl Totals {
    /// The run in one sentence, for the summary line and the page's header.
    pub fn sentence(&self) -> String {
        format!(
            "{} documents ({} without a date), {} rows ({} by the author left out), {} of {} \
             pairs kept, {} nodes",
            self.documents,
            self.documents_without_date,
            self.rows,
            self.rows_excluded,
            self.pairs_kept,
            self.pairs,
            self.nodes
        )
    }
}

/// One kept (holder, actor) pair.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Edge {
    pub holder: String,
    pub actor: String,
    pub actor_id: String,
    pub actor_type: String,
    /// Rows: favor + against + neutral.
    pub n: u64,
    #[serde(flatten)]
    pub counts: Counts,
    /// (favor - against) / n, to four decimals.
    pub net: f64,
    /// The bootstrap 95% interval of `net` (see `net_interval`).
    pub net_low: f64,
    pub net_high: f64,
    /// Documents with at least one row of the pair.
    pub documents: u64,
    /// `YYYY-MM-DD`; `None` when no document of the pair has a date.
    pub first_date: Option<String>,
    pub last_date: Option<String>,
    /// Mean probability of each row's own label, to four decimals.
    pub confidence: f64,
    /// Rows from undated documents, which the series leaves out.
    pub undated: u64,
    pub evidence: Vec<Evidence>,
    /// Counts per label per time bucket (only buckets with rows).
    pub series: BTreeMap<String, Counts>,
}

/// A holder or actor of a kept edge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Node {
    /// The actor id when the name occurs as an actor anywhere in the input, else
    /// `holder:<name>`.
    pub id: String,
    /// The canonical name, the node's key.
    pub name: String,
    /// The actor type; for a name only ever seen as a holder, `author` for the narrator and
    /// `person` otherwise (holders outside the actor table are quoted speakers, nearly always
    /// people).
    #[serde(rename = "type")]
    pub kind: String,
    /// Kept edges touching it (a self-loop counts once).
    pub degree: u64,
    /// Rows of kept edges where it is the actor.
    pub mentions: u64,
    /// Rows of kept edges where it is the holder.
    pub statements: u64,
}

/// The aggregated network, sorted: nodes by name, edges by (holder, actor).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Network {
    pub totals: Totals,
    /// Every bucket from the earliest to the latest date of the kept edges, for charts that
    /// show empty buckets as gaps.
    pub buckets: Vec<String>,
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
}

/// Folds documents in, one at a time.
#[derive(Debug)]
pub struct Aggregator {
    bucket: Bucket,
    exclude_author: bool,
    pairs: BTreeMap<String, BTreeMap<String, PairAcc>>,
    actors: BTreeMap<String, ActorSeen>,
    totals: Totals,
}

impl Aggregator {
    pub fn new(bucket: Bucket, exclude_author: bool) -> Self {
        Aggregator {
            bucket,
            exclude_author,
            pairs: BTreeMap::new(),
            actors: BTreeMap::new(),
            totals: Totals::default(),
        }
    }

    pub fn add(&mut self, doc: &InputDoc) {
        self.totals.documents += 1;
        match doc.date {
            DocDate::Date(_) => {}
            DocDate::Missing => self.totals.documents_without_date += 1,
            DocDate::Unparseable => {
                self.totals.documents_without_date += 1;
                self.totals.documents_with_unreadable_date += 1;
            }
        }
        let date = doc.date.date();
        let bucket = date.map(|d| self.bucket.key(d));
        let mut touched: BTreeSet<(&str, &str)> = BTreeSet::new();
        for s in &doc.sentences {
            self.totals.sentences += 1;
            // A pair counts once per sentence, with its first mention (as `summarise` does).
            let mut here: Vec<(&str, &str)> = Vec::new();
            for a in &s.actors {
                self.note_actor(a);
                let pair = (a.holder.as_str(), a.actor.as_str());
                if here.contains(&pair) {
                    continue;
                }
                here.push(pair);
                self.totals.rows += 1;
                if self.exclude_author && a.holder == AUTHOR {
                    self.totals.rows_excluded += 1;
                    continue;
                }
                slot(slot(&mut self.pairs, &a.holder), &a.actor).add_row(a, s, &doc.id, bucket);
                touched.insert(pair);
            }
        }
        for (holder, actor) in touched {
            slot(slot(&mut self.pairs, holder), actor).add_document(date);
        }
    }

    fn note_actor(&mut self, a: &InputActor) {
        let seen = slot(&mut self.actors, &a.actor);
        *slot(&mut seen.ids, &a.id) += 1;
        *slot(&mut seen.types, &a.kind) += 1;
    }

    /// The node id of a name: its actor id when it was ever an actor, else `holder:<name>`.
    fn node_id(&self, name: &str) -> String {
        self.actors
            .get(name)
            .and_then(|s| most_frequent(&s.ids))
            .map_or_else(|| format!("holder:{name}"), str::to_string)
    }

    fn node_type(&self, name: &str) -> String {
        match self.actors.get(name).and_then(|s| most_frequent(&s.types)) {
            Some(t) => t.to_string(),
            None if name == AUTHOR => AUTHOR.to_string(),
            None => "person".to_string(),
        }
    }

    /// Filter the pairs, compute intervals, and build nodes.
    pub fn finish(self, opts: &Options) -> Network {
        let wanted = |list: &[String]| -> BTreeSet<String> {
            list.iter()
                .map(|s| s.trim().to_lowercase())
                .filter(|s| !s.is_empty())
                .collect()
        };
        let holders = wanted(&opts.holders);
        let actors = wanted(&opts.actors);
        let matches = |set: &BTreeSet<String>, name: &str| {
            set.is_empty()
                || set.contains(&name.to_lowercase())
                || set.contains(&self.node_id(name).to_lowercase())
        };
        let mut totals = self.totals.clone();
        let mut edges = Vec::new();
        for (holder, row) in &self.pairs {
            for (actor, acc) in row {
                totals.pairs += 1;
                let n = acc.counts.total();
                if n < opts.min_count || !matches(&holders, holder) || !matches(&actors, actor) {
                    continue;
                }
                totals.pairs_kept += 1;
                totals.rows_kept += n;
                edges.push(self.edge(holder, actor, acc));
            }
        }
        edges.par_iter_mut().for_each(|e| {
            (e.net_low, e.net_high) = net_interval(&e.holder, &e.actor, e.counts);
        });
        let nodes = self.nodes(&edges);
        totals.nodes = nodes.len() as u64;
        let buckets = self.axis(&edges);
        Network {
            totals,
            buckets,
            nodes,
            edges,
        }
    }

    fn edge(&self, holder: &str, actor: &str, acc: &PairAcc) -> Edge {
        let n = acc.counts.total();
        Edge {
            holder: holder.to_string(),
            actor: actor.to_string(),
            actor_id: self.node_id(actor),
            actor_type: self.node_type(actor),
            n,
            counts: acc.counts,
            net: round4(acc.counts.net()),
            net_low: 0.0,
            net_high: 0.0,
            documents: acc.documents,
            first_date: acc.first.map(|d| d.to_string()),
            last_date: acc.last.map(|d| d.to_string()),
            confidence: round4(acc.micro_sum as f64 / n.max(1) as f64 / 1e6),
            undated: acc.undated,
            evidence: acc
                .evidence
                .iter()
                .map(|e| Evidence {
                    document: e.document.clone(),
                    sentence: e.sentence,
                    text: e.text.clone(),
                    label: e.label,
                    probability: round4(f64::from(e.micro) / 1e6),
                })
                .collect(),
            series: acc
                .series
                .iter()
                .map(|(k, c)| (self.bucket.label(*k), *c))
                .collect(),
        }
    }

    fn nodes(&self, edges: &[Edge]) -> Vec<Node> {
        let mut nodes: BTreeMap<&str, Node> = BTreeMap::new();
        let node = |name: &str| -> Node {
            Node {
                id: self.node_id(name),
                name: name.to_string(),
                kind: self.node_type(name),
                degree: 0,
                mentions: 0,
                statements: 0,
            }
        };
        for e in edges {
            let h = nodes
                .entry(e.holder.as_str())
                .or_insert_with(|| node(&e.holder));
            h.degree += 1;
            h.statements += e.n;
            let a = nodes
                .entry(e.actor.as_str())
                .or_insert_with(|| node(&e.actor));
            if e.actor != e.holder {
                a.degree += 1;
            }
            a.mentions += e.n;
        }
        nodes.into_values().collect()
    }

    /// Every bucket from the earliest first date to the latest last date of the edges.
    fn axis(&self, edges: &[Edge]) -> Vec<String> {
        let keys = || {
            edges
                .iter()
                .flat_map(|e| e.series.keys())
                .collect::<BTreeSet<_>>()
        };
        let first = edges.iter().filter_map(|e| e.first_date.as_deref()).min();
        let last = edges.iter().filter_map(|e| e.last_date.as_deref()).max();
        let (Some(first), Some(last)) = (first.and_then(parse_ymd), last.and_then(parse_ymd))
        else {
            return Vec::new();
        };
        let (mut k, end) = (self.bucket.key(first), self.bucket.key(last));
        let mut axis = vec![self.bucket.label(k)];
        while k < end {
            match self.bucket.next(k) {
                Some(next) if axis.len() < MAX_AXIS => {
                    k = next;
                    axis.push(self.bucket.label(k));
                }
                _ => return keys().into_iter().cloned().collect(),
            }
        }
        axis
    }
}

fn parse_ymd(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

/// Rounded to four decimals, without a negative zero, so every output prints the same digits.
pub(crate) fn round4(x: f64) -> f64 {
    let r = (x * 1e4).round() / 1e4;
    if r == 0.0 {
        0.0
    } else {
        r
    }
}

/// The bootstrap 95% interval of a pair's net stance: `BOOTSTRAP_SAMPLES` times, draw n rows
/// from the multinomial of the pair's label shares (favor ~ Bin(n, p_favor), then against ~
/// Bin(n - favor, p_against / (1 - p_favor))) and take the nearest-rank 2.5th and 97.5th
/// percentiles of (favor - against) / n.
///
/// Rows are treated as independent. Sentences of one document are not, so for pairs whose rows
/// cluster in few documents the interval is too narrow; a per-document cluster bootstrap would
/// need memory per document, which this streaming aggregation does not keep.
///
/// The generator is seeded from SHA-256 of (holder, actor), so the interval depends only on the
/// pair and its counts, never on other pairs or the order of the input.
pub fn net_interval(holder: &str, actor: &str, counts: Counts) -> (f64, f64) {
    let n = counts.total();
    if n == 0 {
        return (0.0, 0.0);
    }
    let mut hash = Sha256::new();
    hash.update(holder.as_bytes());
    hash.update([0]);
    hash.update(actor.as_bytes());
    let mut rng = rand_chacha::ChaCha8Rng::from_seed(hash.finalize().into());
    let p_favor = counts.favor as f64 / n as f64;
    let rest = n - counts.favor;
    let p_against = if rest == 0 {
        0.0
    } else {
        counts.against as f64 / rest as f64
    };
    let mut draw = |trials: u64, p: f64| -> u64 {
        if trials == 0 || p <= 0.0 {
            return 0;
        }
        match Binomial::new(trials, p.min(1.0)) {
            Ok(b) => b.sample(&mut rng),
            // Unreachable for p in (0, 1]; a degenerate draw keeps the interval defined.
            Err(_) => (trials as f64 * p).round() as u64,
        }
    };
    let mut nets: Vec<i64> = (0..BOOTSTRAP_SAMPLES)
        .map(|_| {
            let favor = draw(n, p_favor);
            let against = draw(n - favor, p_against);
            favor as i64 - against as i64
        })
        .collect();
    nets.sort_unstable();
    // Nearest rank: the smallest value with at least q of the samples at or below it.
    let at = |q: f64| nets[((q * BOOTSTRAP_SAMPLES as f64).ceil() as usize).max(1) - 1];
    let share = |d: i64| round4(d as f64 / n as f64);
    (share(at(0.025)), share(at(0.975)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(holder: &str, name: &str, label: Stance, micro: u32) -> InputActor {
        InputActor {
            actor: name.into(),
            id: format!("id:{name}"),
            kind: "state".into(),
            holder: holder.into(),
            label,
            micro,
        }
    }

    fn doc(id: &str, date: Option<&str>, sentences: Vec<Vec<InputActor>>) -> InputDoc {
        InputDoc {
            id: id.into(),
            date: date.map_or(DocDate::Missing, |d| {
                DocDate::Date(parse_ymd(d).expect("test date"))
            }),
            sentences: sentences
                .into_iter()
                .enumerate()
                .map(|(index, actors)| InputSentence {
                    index,
                    text: format!("sentence {index} of {id}"),
                    actors,
                })
                .collect(),
        }
    }

    fn opts() -> Options {
        Options::new(vec![], "out".into())
    }

    fn build(docs: &[InputDoc], opts: &Options) -> Network {
        let mut agg = Aggregator::new(opts.bucket, opts.exclude_author);
        for d in docs {
            agg.add(d);
        }
        agg.finish(opts)
    }

    use Stance::{Against, Favor, Neutral};

    #[test]
    fn a_pair_counts_once_per_sentence_and_nets_favor_minus_against() {
        let docs = [
            doc(
                "d1",
                Some("2026-01-10"),
                vec![
                    // Two mentions in one sentence: one row, the first mention's stance.
                    vec![
                        actor("A", "X", Favor, 900_000),
                        actor("A", "X", Against, 800_000),
                    ],
                    vec![actor("A", "X", Against, 700_000)],
                ],
            ),
            doc(
                "d2",
                Some("2026-03-01"),
                vec![
                    vec![actor("A", "X", Neutral, 600_000)],
                    vec![actor("A", "X", Favor, 500_000)],
                ],
            ),
        ];
        let net = build(&docs, &opts());
        assert_eq!(net.edges.len(), 1);
        let e = &net.edges[0];
        assert_eq!(
            e.counts,
            Counts {
                favor: 2,
                against: 1,
                neutral: 1
            }
        );
        assert_eq!((e.n, e.documents), (4, 2));
        assert_eq!(e.net, 0.25);
        assert_eq!(e.confidence, 0.675);
        assert_eq!(e.first_date.as_deref(), Some("2026-01-10"));
        assert_eq!(e.last_date.as_deref(), Some("2026-03-01"));
        assert_eq!(net.totals.rows, 4);
        assert_eq!(net.buckets, ["2026-01", "2026-02", "2026-03"]);
        assert_eq!(e.series.len(), 2);
        assert_eq!(e.series["2026-01"].total(), 2);
    }

    #[test]
    fn the_interval_contains_the_estimate_and_repeats_exactly() {
        for (f, a, n0) in [
            (1, 0, 0),
            (0, 0, 5),
            (3, 1, 1),
            (10, 10, 5),
            (2, 40, 7),
            (500, 300, 200),
        ] {
            let c = Counts {
                favor: f,
                against: a,
                neutral: n0,
            };
            let (lo, hi) = net_interval("A", "X", c);
            let net = round4(c.net());
            assert!(lo <= net && net <= hi, "{c:?}: {lo} {net} {hi}");
            assert!((-1.0..=1.0).contains(&lo) && (-1.0..=1.0).contains(&hi));
            assert_eq!((lo, hi), net_interval("A", "X", c));
        }
        let c = Counts {
            favor: 5,
            against: 5,
            neutral: 5,
        };
        let (lo, hi) = net_interval("A", "X", c);
        assert!(
            lo < 0.0 && hi > 0.0,
            "a balanced pair is uncertain: {lo} {hi}"
        );
        let big = Counts {
            favor: 5000,
            against: 5000,
            neutral: 5000,
        };
        let (blo, bhi) = net_interval("A", "X", big);
        assert!(bhi - blo < hi - lo, "more rows, a narrower interval");
    }

    #[test]
    fn iso_weeks_use_the_iso_year() {
        let d = |s: &str| parse_ymd(s).unwrap();
        let week = |s: &str| Bucket::Week.label(Bucket::Week.key(d(s)));
        assert_eq!(week("2027-01-01"), "2026-W53");
        assert_eq!(week("2026-01-01"), "2026-W01");
        assert_eq!(week("2024-12-30"), "2025-W01");
        assert_eq!(week("2026-01-28"), "2026-W05");
        assert_eq!(
            Bucket::Month.label(Bucket::Month.key(d("2026-03-31"))),
            "2026-03"
        );
        assert_eq!(
            Bucket::Year.label(Bucket::Year.key(d("2026-03-31"))),
            "2026"
        );
        let next = Bucket::Week
            .next(Bucket::Week.key(d("2026-12-28")))
            .unwrap();
        assert_eq!(Bucket::Week.label(next), "2027-W01");
    }

    #[test]
    fn the_week_axis_runs_across_the_new_year_without_gaps() {
        let docs = [
            doc(
                "a",
                Some("2026-12-20"),
                vec![vec![actor("A", "X", Favor, 1)]],
            ),
            doc(
                "b",
                Some("2027-01-12"),
                vec![vec![actor("A", "X", Favor, 1)]],
            ),
        ];
        let mut o = opts();
        o.bucket = Bucket::Week;
        let net = build(&docs, &o);
        assert_eq!(
            net.buckets,
            ["2026-W51", "2026-W52", "2026-W53", "2027-W01", "2027-W02"]
        );
    }

    #[test]
    fn filters_match_names_and_ids_case_insensitively_and_min_count_drops_small_pairs() {
        let docs = [doc(
            "d",
            None,
            vec![
                vec![actor("A", "X", Favor, 1), actor("B", "Y", Favor, 1)],
                vec![actor("A", "Y", Favor, 1), actor("X", "Y", Against, 1)],
                vec![actor("A", "Y", Favor, 1)],
            ],
        )];
        let pairs = |o: &Options| {
            build(&docs, o)
                .edges
                .iter()
                .map(|e| format!("{}>{}", e.holder, e.actor))
                .collect::<Vec<_>>()
        };
        let mut o = opts();
        o.holders = vec!["a".into(), "ID:X".into()];
        assert_eq!(pairs(&o), ["A>X", "A>Y", "X>Y"]);
        o.actors = vec!["y".into()];
        assert_eq!(pairs(&o), ["A>Y", "X>Y"]);
        o.min_count = 2;
        assert_eq!(pairs(&o), ["A>Y"]);
        let net = build(&docs, &o);
        assert_eq!((net.totals.pairs, net.totals.pairs_kept), (4, 1));
        assert_eq!(net.totals.rows_kept, 2);
    }

    #[test]
    fn the_author_is_left_out_unless_asked_for() {
        let docs = [doc(
            "d",
            None,
            vec![vec![
                actor("author", "X", Favor, 1),
                actor("A", "X", Favor, 1),
            ]],
        )];
        let net = build(&docs, &opts());
        assert_eq!(net.edges.len(), 1);
        assert_eq!((net.totals.rows, net.totals.rows_excluded), (2, 1));
        let mut o = opts();
        o.exclude_author = false;
        let net = build(&docs, &o);
        assert_eq!(net.edges.len(), 2);
        let author = net.nodes.iter().find(|n| n.name == "author").unwrap();
        assert_eq!(
            (author.id.as_str(), author.kind.as_str()),
            ("holder:author", "author")
        );
    }

    #[test]
    fn nodes_take_the_most_frequent_actor_id_and_count_degree_mentions_statements() {
        let mut odd = actor("B", "X", Favor, 1);
        odd.id = "doc:X".into();
        let docs = [doc(
            "d",
            None,
            vec![
                vec![actor("A", "X", Favor, 1)],
                vec![actor("A", "X", Favor, 1)],
                vec![odd],
                vec![actor("X", "A", Favor, 1)],
            ],
        )];
        let net = build(&docs, &opts());
        let node = |name: &str| net.nodes.iter().find(|n| n.name == name).unwrap().clone();
        let x = node("X");
        assert_eq!(x.id, "id:X");
        assert_eq!((x.degree, x.mentions, x.statements), (3, 3, 1));
        let b = node("B");
        assert_eq!((b.id.as_str(), b.kind.as_str()), ("holder:B", "person"));
        assert_eq!(
            node("A").id,
            "id:A",
            "a holder seen as an actor takes its id"
        );
    }

    #[test]
    fn evidence_prefers_stances_then_confidence_then_document_and_sentence() {
        let docs = [
            doc(
                "b",
                None,
                vec![
                    vec![actor("A", "X", Neutral, 990_000)],
                    vec![actor("A", "X", Favor, 700_000)],
                ],
            ),
            doc(
                "a",
                None,
                vec![
                    vec![actor("A", "X", Against, 700_000)],
                    vec![actor("A", "X", Favor, 600_000)],
                    vec![actor("A", "X", Favor, 800_000)],
                ],
            ),
        ];
        let picked = |docs: &[InputDoc]| {
            build(docs, &opts()).edges[0]
                .evidence
                .iter()
                .map(|e| format!("{}#{}", e.document, e.sentence))
                .collect::<Vec<_>>()
        };
        assert_eq!(picked(&docs), ["a#2", "a#0", "b#1"]);
        let reversed: Vec<InputDoc> = docs.iter().rev().cloned().collect();
        assert_eq!(picked(&reversed), ["a#2", "a#0", "b#1"]);
    }

    #[test]
    fn long_evidence_is_clipped_on_a_character_boundary() {
        let text = "é".repeat(400);
        let clipped = clip(&text);
        assert_eq!(clipped.chars().count(), EVIDENCE_CHARS + 1);
        assert!(clipped.ends_with('…'));
        assert_eq!(clip("short"), "short");
    }

    #[test]
    fn undated_documents_count_but_stay_out_of_dates_and_series() {
        let docs = [
            doc("a", None, vec![vec![actor("A", "X", Favor, 1)]]),
            InputDoc {
                date: DocDate::Unparseable,
                ..doc("b", None, vec![vec![actor("A", "X", Favor, 1)]])
            },
        ];
        let net = build(&docs, &opts());
        let e = &net.edges[0];
        assert_eq!((e.n, e.undated, e.first_date.clone()), (2, 2, None));
        assert!(e.series.is_empty() && net.buckets.is_empty());
        assert_eq!(net.totals.documents_without_date, 2);
        assert_eq!(net.totals.documents_with_unreadable_date, 1);
    }
}
