//! Temperature scaling (Guo et al. 2017): one number per head, fitted on dev data, that divides
//! the head's logits before the softmax. It changes no prediction (the largest logit stays the
//! largest) and only how sure each one says it is.
//!
//! The fit reads probabilities, not logits: `log p` is the logits shifted by a constant per row,
//! and a softmax ignores that shift, so `softmax(log p / T)` is the head at temperature `T`.
//! Probabilities already calibrated at `t` are first taken back to the raw head with
//! [`raw_log_probs`] (`t · log p`), so refitting a calibrated model starts from the same place.

/// The raw head's log-probabilities (up to a constant per row) from probabilities that were
/// computed at temperature `t`.
pub fn raw_log_probs(probs: &[f32], t: f32) -> Vec<f64> {
    probs
        .iter()
        .map(|&p| f64::from(t) * f64::from(p.max(1e-30)).ln())
        .collect()
}

/// Probabilities of the raw head (`raw`, from [`raw_log_probs`]) at temperature `t`.
pub fn probs_at(raw: &[f64], t: f64) -> Vec<f64> {
    let m = raw.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    let e: Vec<f64> = raw.iter().map(|x| ((x - m) / t).exp()).collect();
    let z: f64 = e.iter().sum();
    e.into_iter().map(|x| x / z).collect()
}

/// Mean negative log-likelihood of `gold` at temperature `t`.
pub fn nll(raw: &[Vec<f64>], gold: &[usize], t: f64) -> f64 {
    if raw.is_empty() {
        return 0.0;
    }
    let total: f64 = raw
        .iter()
        .zip(gold)
        .map(|(r, &g)| -probs_at(r, t)[g].max(1e-300).ln())
        .sum();
    total / raw.len() as f64
}

/// The temperature in [0.05, 20] with the least dev NLL: golden-section search over `1/T`, in
/// which the NLL is convex (a log-sum-exp of lines minus a line), so the search finds the
/// minimum. 1 when there are no rows.
pub fn fit_temperature(raw: &[Vec<f64>], gold: &[usize]) -> f64 {
    if raw.is_empty() {
        return 1.0;
    }
    let f = |beta: f64| nll(raw, gold, 1.0 / beta);
    let g = (5f64.sqrt() - 1.0) / 2.0;
    let (mut a, mut b) = (0.05f64, 20.0f64);
    let mut c = b - g * (b - a);
    let mut d = a + g * (b - a);
    let (mut fc, mut fd) = (f(c), f(d));
    while b - a > 1e-5 {
        if fc < fd {
            b = d;
            d = c;
            fd = fc;
            c = b - g * (b - a);
            fc = f(c);
        } else {
            a = c;
            c = d;
            fc = fd;
            d = a + g * (b - a);
            fd = f(d);
        }
    }
    let beta = (a + b) / 2.0;
    ((1.0 / beta) * 1e4).round() / 1e4
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rows whose true temperature is `t`: logits `z`, gold drawn so that P(gold = k) is
    /// softmax(z / t)[k] (deterministically, by stratifying over a fine grid of draws).
    fn rows_at(t: f64) -> (Vec<Vec<f64>>, Vec<usize>) {
        let mut raw = Vec::new();
        let mut gold = Vec::new();
        for i in 0..60 {
            let z = vec![
                (i % 7) as f64 * 0.9,
                (i % 5) as f64 * 0.7,
                (i % 3) as f64 * 1.1,
            ];
            let p = probs_at(&z, t);
            for draw in 0..100 {
                let u = (draw as f64 + 0.5) / 100.0;
                let k = if u < p[0] {
                    0
                } else if u < p[0] + p[1] {
                    1
                } else {
                    2
                };
                raw.push(z.clone());
                gold.push(k);
            }
        }
        (raw, gold)
    }

    #[test]
    fn the_fit_finds_the_temperature_the_labels_were_drawn_at() {
        for t in [0.5, 1.0, 2.5] {
            let (raw, gold) = rows_at(t);
            let fitted = fit_temperature(&raw, &gold);
            assert!(
                (fitted - t).abs() < 0.08 * t,
                "drawn at {t}, fitted {fitted}"
            );
            assert!(nll(&raw, &gold, fitted) <= nll(&raw, &gold, 1.0) + 1e-12);
        }
    }

    #[test]
    fn calibrated_probabilities_go_back_to_the_raw_head() {
        let z = [2.0f64, -1.0, 0.5];
        let at_2: Vec<f32> = probs_at(&z, 2.0).iter().map(|&p| p as f32).collect();
        let raw = raw_log_probs(&at_2, 2.0);
        let back = probs_at(&raw, 1.0);
        let want = probs_at(&z, 1.0);
        for (a, b) in back.iter().zip(&want) {
            assert!((a - b).abs() < 1e-5, "{back:?} vs {want:?}");
        }
        // The largest class never changes with the temperature.
        let argmax = |v: &[f64]| (0..v.len()).max_by(|&i, &j| v[i].total_cmp(&v[j])).unwrap();
        for t in [0.3, 1.0, 4.0] {
            assert_eq!(argmax(&probs_at(&raw, t)), 0);
        }
    }

    #[test]
    fn no_rows_fit_temperature_one() {
        assert_eq!(fit_temperature(&[], &[]), 1.0);
    }
}
