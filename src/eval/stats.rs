//! Statistics over scored predictions: calibration (ECE, reliability bins), the multi-class Brier
//! score, bootstrap confidence intervals, and paired significance tests (paired bootstrap,
//! McNemar) for comparing two runs on the same rows. Pure functions, deterministic for a seed.

use crate::eval::metrics::score;
use serde::{Deserialize, Serialize};

/// One equal-width confidence bin of a reliability diagram.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReliabilityBin {
    pub lo: f64,
    pub hi: f64,
    pub count: usize,
    /// Mean confidence of the rows in the bin (0 when empty).
    pub mean_confidence: f64,
    /// Share of the rows in the bin that were correct (0 when empty).
    pub accuracy: f64,
}

/// Expected calibration error and the bins it was computed from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Calibration {
    pub ece: f64,
    pub bins: Vec<ReliabilityBin>,
}

/// Bin `(confidence, correct)` rows into `bins` equal-width bins over [0, 1] and compute
/// ECE = Σ (count/n)·|accuracy − mean confidence|.
///
/// Bins are half-open `[lo, hi)` except the last, which also holds confidence 1.0; confidences
/// outside [0, 1] are clamped into the end bins.
pub fn calibration(conf_correct: &[(f64, bool)], bins: usize) -> Calibration {
    let k = bins.max(1);
    let mut count = vec![0usize; k];
    let mut conf_sum = vec![0.0f64; k];
    let mut correct = vec![0usize; k];
    for &(c, ok) in conf_correct {
        // `as usize` saturates, so NaN and negatives land in bin 0.
        let b = ((c * k as f64).floor() as usize).min(k - 1);
        count[b] += 1;
        conf_sum[b] += c;
        correct[b] += usize::from(ok);
    }
    let n = conf_correct.len();
    let mut ece = 0.0;
    let bins = (0..k)
        .map(|b| {
            let (mean_confidence, accuracy) = if count[b] == 0 {
                (0.0, 0.0)
            } else {
                let m = count[b] as f64;
                (conf_sum[b] / m, correct[b] as f64 / m)
            };
            if n > 0 {
                ece += count[b] as f64 / n as f64 * (accuracy - mean_confidence).abs();
            }
            ReliabilityBin {
                lo: b as f64 / k as f64,
                hi: (b + 1) as f64 / k as f64,
                count: count[b],
                mean_confidence,
                accuracy,
            }
        })
        .collect();
    Calibration { ece, bins }
}

/// Multi-class Brier score: the mean over rows of Σ_k (p_k − 1[k = gold])². 0 for no rows.
///
/// Ranges from 0 (certain and right) to 2 (certain and wrong).
pub fn brier(probs: &[Vec<f64>], gold: &[usize]) -> f64 {
    let n = probs.len().min(gold.len());
    if n == 0 {
        return 0.0;
    }
    let total: f64 = probs
        .iter()
        .zip(gold)
        .map(|(p, &g)| {
            let mut s: f64 = p
                .iter()
                .enumerate()
                .map(|(k, &pk)| {
                    let t = if k == g { 1.0 } else { 0.0 };
                    (pk - t) * (pk - t)
                })
                .sum();
            // A gold index past the probability vector still had probability 0.
            if g >= p.len() {
                s += 1.0;
            }
            s
        })
        .sum();
    total / n as f64
}

/// 95% percentile-bootstrap intervals, `[lo, hi]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ci95 {
    pub accuracy: [f64; 2],
    pub macro_f1: [f64; 2],
}

/// SplitMix64: a tiny generator whose stream is fixed by its definition, so reports stay
/// byte-identical across `rand` upgrades (rand's `StdRng` is documented as not portable).
struct SplitMix64(u64);

impl SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform index in `0..n` (Lemire's multiply-shift; the bias is below 2^-40 for our n).
    fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }
}

/// Percentile of sorted values with linear interpolation between closest ranks (numpy's default).
fn percentile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let pos = q * (sorted.len() - 1) as f64;
    let i = pos.floor() as usize;
    let j = (i + 1).min(sorted.len() - 1);
    let frac = pos - i as f64;
    sorted[i] + (sorted[j] - sorted[i]) * frac
}

/// 95% bootstrap intervals of accuracy and macro-F1: resample rows with replacement
/// `resamples` times, score each resample with [`score`], take the 2.5th and 97.5th percentiles.
/// The same seed gives the same intervals. No rows (or no resamples) gives `[0, 0]`.
pub fn bootstrap_ci(
    gold: &[usize],
    pred: &[usize],
    labels: &[&str],
    resamples: usize,
    seed: u64,
) -> Ci95 {
    let n = gold.len().min(pred.len());
    if n == 0 || resamples == 0 {
        return Ci95 {
            accuracy: [0.0, 0.0],
            macro_f1: [0.0, 0.0],
        };
    }
    let mut rng = SplitMix64(seed);
    let mut acc = Vec::with_capacity(resamples);
    let mut f1 = Vec::with_capacity(resamples);
    let mut g = vec![0usize; n];
    let mut p = vec![0usize; n];
    for _ in 0..resamples {
        for i in 0..n {
            let r = rng.below(n);
            g[i] = gold[r];
            p[i] = pred[r];
        }
        let s = score(&g, &p, labels);
        acc.push(s.accuracy);
        f1.push(s.macro_f1);
    }
    acc.sort_by(f64::total_cmp);
    f1.sort_by(f64::total_cmp);
    Ci95 {
        accuracy: [percentile(&acc, 0.025), percentile(&acc, 0.975)],
        macro_f1: [percentile(&f1, 0.025), percentile(&f1, 0.975)],
    }
}

/// Two-sided paired-bootstrap p-value for the accuracy difference of two systems judged on the
/// same rows (`a_correct[i]` and `b_correct[i]` are the same row; extra rows of the longer slice
/// are ignored).
///
/// With d the observed accuracy difference and d* its value on a resample, the null distribution
/// is d* shifted to mean zero, so p = (1 + #{|d* − d| ≥ |d|}) / (1 + resamples) (Berg-Kirkpatrick
/// et al. 2012, two-sided; the +1 keeps p above zero). Equal accuracies give p = 1.
pub fn paired_bootstrap(
    a_correct: &[bool],
    b_correct: &[bool],
    resamples: usize,
    seed: u64,
) -> f64 {
    let n = a_correct.len().min(b_correct.len());
    if n == 0 || resamples == 0 {
        return 1.0;
    }
    // Per-row difference in {-1, 0, 1}; the accuracy difference is their mean.
    let diff: Vec<i64> = a_correct
        .iter()
        .zip(b_correct)
        .map(|(&a, &b)| i64::from(a) - i64::from(b))
        .collect();
    let observed: i64 = diff.iter().sum();
    if observed == 0 {
        return 1.0;
    }
    // Work in sums over n rows (integers) so the comparison has no rounding error.
    let mut rng = SplitMix64(seed);
    let mut extreme = 0usize;
    for _ in 0..resamples {
        let s: i64 = (0..n).map(|_| diff[rng.below(n)]).sum();
        if (s - observed).abs() >= observed.abs() {
            extreme += 1;
        }
    }
    (1 + extreme) as f64 / (1 + resamples) as f64
}

/// McNemar's test on the discordant pairs of two systems judged on the same rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct McNemar {
    /// Rows the first system got wrong and the second right.
    pub b01: usize,
    /// Rows the first system got right and the second wrong.
    pub b10: usize,
    /// Chi-square statistic with continuity correction, (max(|b01 − b10| − 1, 0))² / (b01 + b10);
    /// 0 when there are no discordant pairs.
    pub statistic: f64,
    pub p_value: f64,
    /// True when `p_value` is the exact binomial test (fewer than 25 discordant pairs), false
    /// when it is the chi-square approximation.
    pub exact: bool,
}

/// McNemar's test of `a` against `b` (same rows, same order): the exact two-sided binomial test
/// when b01 + b10 < 25, else the continuity-corrected chi-square with one degree of freedom.
pub fn mcnemar(a_correct: &[bool], b_correct: &[bool]) -> McNemar {
    let (mut b01, mut b10) = (0usize, 0usize);
    for (&a, &b) in a_correct.iter().zip(b_correct) {
        match (a, b) {
            (false, true) => b01 += 1,
            (true, false) => b10 += 1,
            _ => {}
        }
    }
    let m = b01 + b10;
    let statistic = if m == 0 {
        0.0
    } else {
        let d = (b01.abs_diff(b10) as f64 - 1.0).max(0.0);
        d * d / m as f64
    };
    let exact = m < 25;
    let p_value = if exact {
        // P(X <= min) under Binomial(m, 1/2), doubled; exact in f64 for m < 25.
        let k = b01.min(b10);
        let mut c = 1.0f64; // C(m, 0)
        let mut tail = 0.0;
        for i in 0..=k {
            tail += c;
            c = c * (m - i) as f64 / (i + 1) as f64;
        }
        (2.0 * tail / 2f64.powi(m as i32)).min(1.0)
    } else {
        chi2_1_survival(statistic)
    };
    McNemar {
        b01,
        b10,
        statistic,
        p_value,
        exact,
    }
}

/// P(X ≥ x) for X ~ chi-square with one degree of freedom: erfc(√(x/2)).
pub fn chi2_1_survival(x: f64) -> f64 {
    if x <= 0.0 {
        return 1.0;
    }
    erfc((x / 2.0).sqrt())
}

/// Complementary error function, Chebyshev fit with fractional error below 1.2e-7 everywhere
/// (Numerical Recipes, `erfcc`), plenty for p-values reported to four decimals.
pub fn erfc(x: f64) -> f64 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let poly = -z * z - 1.265_512_23
        + t * (1.000_023_68
            + t * (0.374_091_96
                + t * (0.096_784_18
                    + t * (-0.186_288_06
                        + t * (0.278_868_07
                            + t * (-1.135_203_98
                                + t * (1.488_515_87 + t * (-0.822_152_23 + t * 0.170_872_77))))))));
    let r = t * poly.exp();
    if x >= 0.0 {
        r
    } else {
        2.0 - r
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    #[test]
    fn perfectly_calibrated_toy_data_has_zero_ece() {
        // Bin [0.8, 0.9): five rows at 0.8, four correct -> accuracy 0.8 = confidence.
        // Bin [0.5, 0.6): two rows at 0.5, one correct.
        let mut rows = vec![(0.8, true); 4];
        rows.push((0.8, false));
        rows.extend([(0.5, true), (0.5, false)]);
        let c = calibration(&rows, 10);
        assert!(c.ece.abs() < 1e-12, "{}", c.ece);
        assert_eq!(c.bins.len(), 10);
        assert_eq!(c.bins[8].count, 5);
        assert!(close(c.bins[8].accuracy, 0.8, 1e-12));
        assert_eq!(c.bins[5].count, 2);
        assert!(close(c.bins[5].lo, 0.5, 1e-12) && close(c.bins[5].hi, 0.6, 1e-12));
    }

    #[test]
    fn ece_matches_hand_computation_and_confidence_one_goes_in_the_last_bin() {
        // Two rows at 1.0 (one correct) -> last bin, acc 0.5, conf 1.0, gap 0.5.
        // Two rows at 0.3 (both correct)  -> bin 3, acc 1.0, conf 0.3, gap 0.7.
        // ECE = 2/4 * 0.5 + 2/4 * 0.7 = 0.6.
        let c = calibration(&[(1.0, true), (1.0, false), (0.3, true), (0.3, true)], 10);
        assert_eq!(c.bins[9].count, 2);
        assert_eq!(c.bins[3].count, 2);
        assert!(close(c.ece, 0.6, 1e-12), "{}", c.ece);
    }

    #[test]
    fn calibration_of_no_rows_is_zero_with_empty_bins() {
        let c = calibration(&[], 10);
        assert_eq!(c.ece, 0.0);
        assert_eq!(c.bins.len(), 10);
        assert!(c.bins.iter().all(|b| b.count == 0 && b.accuracy == 0.0));
    }

    #[test]
    fn brier_matches_hand_computation() {
        // Row 1: p = (0.7, 0.2, 0.1), gold 0: 0.09 + 0.04 + 0.01 = 0.14.
        // Row 2: p = (0.5, 0.5, 0.0), gold 2: 0.25 + 0.25 + 1.00 = 1.50.
        // Mean = 0.82.
        let b = brier(&[vec![0.7, 0.2, 0.1], vec![0.5, 0.5, 0.0]], &[0, 2]);
        assert!(close(b, 0.82, 1e-12), "{b}");
        assert_eq!(brier(&[], &[]), 0.0);
        // Certain and wrong is the maximum, 2.
        assert!(close(brier(&[vec![1.0, 0.0]], &[1]), 2.0, 1e-12));
    }

    #[test]
    fn bootstrap_ci_brackets_the_estimate_and_is_reproducible() {
        // 20 rows, 15 correct (accuracy 0.75); the neutral class never occurs.
        let labels = ["favor", "against", "neutral"];
        let gold: Vec<usize> = (0..20).map(|i| i % 2).collect();
        let pred: Vec<usize> = gold
            .iter()
            .enumerate()
            .map(|(i, &g)| if i % 4 == 3 { 1 - g } else { g })
            .collect();
        let a = bootstrap_ci(&gold, &pred, &labels, 1000, 7);
        let b = bootstrap_ci(&gold, &pred, &labels, 1000, 7);
        assert_eq!(a, b);
        assert!(a.accuracy[0] < 0.75 && 0.75 < a.accuracy[1], "{a:?}");
        assert!(a.accuracy[0] > 0.4 && a.accuracy[1] <= 1.0, "{a:?}");
        assert!(a.macro_f1[0] <= a.macro_f1[1]);
        // All correct: every resample scores 1.
        let perfect = bootstrap_ci(&gold, &gold, &labels, 200, 1);
        assert_eq!(perfect.accuracy, [1.0, 1.0]);
        assert_eq!(perfect.macro_f1, [1.0, 1.0]);
    }

    #[test]
    fn bootstrap_ci_of_no_rows_is_zero() {
        let c = bootstrap_ci(&[], &[], &["favor"], 1000, 1);
        assert_eq!(c.accuracy, [0.0, 0.0]);
        assert_eq!(c.macro_f1, [0.0, 0.0]);
    }

    #[test]
    fn percentile_interpolates_between_ranks() {
        // numpy.percentile([1, 2, 3, 4], 25) = 1.75.
        assert!(close(percentile(&[1.0, 2.0, 3.0, 4.0], 0.25), 1.75, 1e-12));
        assert_eq!(percentile(&[5.0], 0.975), 5.0);
    }

    #[test]
    fn mcnemar_exact_on_a_known_table() {
        // b01 = 1, b10 = 9, m = 10: P(X <= 1) = (1 + 10) / 1024; two-sided 22/1024 = 0.021484375.
        let mut a = vec![true; 9];
        a.push(false);
        a.extend([true; 5]);
        let mut b = vec![false; 9];
        b.push(true);
        b.extend([true; 5]);
        let t = mcnemar(&a, &b);
        assert_eq!((t.b01, t.b10), (1, 9));
        assert!(t.exact);
        assert!(close(t.p_value, 22.0 / 1024.0, 1e-15), "{}", t.p_value);
        // (|1 - 9| - 1)^2 / 10 = 4.9.
        assert!(close(t.statistic, 4.9, 1e-12));
    }

    #[test]
    fn mcnemar_chi_square_on_a_known_table() {
        // b01 = 10, b10 = 30: (|10 - 30| - 1)^2 / 40 = 361/40 = 9.025; P(chi2_1 >= 9.025) =
        // erfc(sqrt(4.5125)) = 0.0026631 (scipy.stats.chi2.sf(9.025, 1)).
        let mut a = vec![false; 10];
        a.extend(vec![true; 30]);
        let mut b = vec![true; 10];
        b.extend(vec![false; 30]);
        let t = mcnemar(&a, &b);
        assert!(!t.exact);
        assert!(close(t.statistic, 9.025, 1e-12));
        assert!(close(t.p_value, 0.002_663_1, 1e-6), "{}", t.p_value);
    }

    #[test]
    fn mcnemar_without_discordant_pairs_is_not_significant() {
        let t = mcnemar(&[true, false], &[true, false]);
        assert_eq!((t.b01, t.b10), (0, 0));
        assert_eq!(t.statistic, 0.0);
        assert_eq!(t.p_value, 1.0);
        let e = mcnemar(&[], &[]);
        assert_eq!(e.p_value, 1.0);
    }

    #[test]
    fn erfc_and_chi2_survival_match_tables() {
        // erfc(0) = 1, erfc(1) = 0.157299207, erfc(-1) = 1.842700793.
        assert!(close(erfc(0.0), 1.0, 1e-7));
        assert!(close(erfc(1.0), 0.157_299_207, 1e-7));
        assert!(close(erfc(-1.0), 1.842_700_793, 1e-7));
        // The 5% critical value of chi-square(1) is 3.841459.
        assert!(close(chi2_1_survival(3.841_459), 0.05, 1e-6));
        assert_eq!(chi2_1_survival(0.0), 1.0);
    }

    #[test]
    fn paired_bootstrap_separates_a_clear_difference_from_none() {
        // a is right on all 40 rows, b on 20: a difference of 0.5 on 40 rows is never reached
        // by the centred resamples, so p is the floor 1/(1 + 1000).
        let a = vec![true; 40];
        let b: Vec<bool> = (0..40).map(|i| i % 2 == 0).collect();
        let p = paired_bootstrap(&a, &b, 1000, 3);
        assert!(p < 0.01, "{p}");
        assert_eq!(p, paired_bootstrap(&a, &b, 1000, 3));
        // Identical systems: p = 1.
        assert_eq!(paired_bootstrap(&b, &b, 1000, 3), 1.0);
        // One disagreement each way in 40 rows: no difference.
        let mut c = b.clone();
        c[0] = !c[0];
        c[1] = !c[1];
        assert_eq!(paired_bootstrap(&b, &c, 1000, 3), 1.0);
        // A single-row difference is far from significant.
        let mut d = b.clone();
        d[1] = true;
        assert!(paired_bootstrap(&d, &b, 1000, 3) > 0.5);
        assert_eq!(paired_bootstrap(&[], &[], 1000, 3), 1.0);
    }
}
