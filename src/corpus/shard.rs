//! Sharding: which of N parallel batch runs owns a document, decided by a hash of its id alone.

use std::fmt;
use std::str::FromStr;

use sha2::{Digest, Sha256};

use super::CorpusError;

/// One shard of a corpus split N ways: `--shard K/N`.
///
/// `K` counts from 0 (`0/4`, `1/4`, `2/4`, `3/4`), like Kubernetes' `JOB_COMPLETION_INDEX` and
/// Slurm's `SLURM_ARRAY_TASK_ID` with `--array=0-3`, so a job array can pass its index through.
/// A document belongs to shard `K` when the first 8 bytes of `sha256(id)`, read as a big-endian
/// `u64`, are `K` modulo `N`: membership depends on the id only, not on input order, file layout
/// or the other documents, so shards stay disjoint and complete however the corpus is listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Shard {
    index: u64,
    count: u64,
}

impl Shard {
    /// Shard `index` of `count` (0-based); `None` unless `index < count`.
    pub fn new(index: u64, count: u64) -> Option<Self> {
        (index < count).then_some(Self { index, count })
    }

    /// The 0-based shard number `K`.
    pub fn index(&self) -> u64 {
        self.index
    }

    /// The number of shards `N`.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// Whether the document (or failure) with this id belongs to this shard.
    pub fn contains(&self, id: &str) -> bool {
        shard_of(id, self.count) == self.index
    }
}

/// The shard (0-based) that owns `id` when the corpus is split `count` ways.
pub fn shard_of(id: &str, count: u64) -> u64 {
    let digest = Sha256::digest(id.as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    u64::from_be_bytes(first) % count
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl FromStr for Shard {
    type Err = CorpusError;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        let invalid = |reason: String| CorpusError::Shard {
            value: value.to_string(),
            reason,
        };
        let (k, n) = value.split_once('/').ok_or_else(|| {
            invalid("expected K/N, e.g. 0/4 for the first of four shards".to_string())
        })?;
        let parse = |part: &str, what: &str| {
            part.trim().parse::<u64>().map_err(|_| {
                invalid(format!(
                    "{what} '{part}' is not a whole number; expected K/N, e.g. 0/4"
                ))
            })
        };
        let index = parse(k, "K")?;
        let count = parse(n, "N")?;
        if count == 0 {
            return Err(invalid("N must be at least 1".to_string()));
        }
        Shard::new(index, count).ok_or_else(|| {
            invalid(format!(
                "K must be below N; shards are numbered from 0, so {count} shards are 0/{count} \
                 to {}/{count}",
                count - 1
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_zero_based_k_of_n() {
        let shard: Shard = "2/4".parse().unwrap();
        assert_eq!((shard.index(), shard.count()), (2, 4));
        assert_eq!(shard.to_string(), "2/4");
        assert!("0/1".parse::<Shard>().is_ok());
    }

    #[test]
    fn rejects_out_of_range_and_malformed_shards() {
        for (value, needle) in [
            ("4/4", "numbered from 0"),
            ("1/0", "at least 1"),
            ("1", "expected K/N"),
            ("a/4", "'a' is not a whole number"),
            ("-1/4", "not a whole number"),
        ] {
            let message = value.parse::<Shard>().unwrap_err().to_string();
            assert!(message.contains(needle), "{value}: {message}");
            assert!(message.contains(&format!("'{value}'")), "{message}");
        }
    }

    #[test]
    fn every_id_is_in_exactly_one_shard() {
        let shards: Vec<Shard> = (0..5).map(|k| Shard::new(k, 5).unwrap()).collect();
        let mut per_shard = [0usize; 5];
        for i in 0..1000 {
            let id = format!("doc-{i}");
            let owners: Vec<u64> = shards
                .iter()
                .filter(|s| s.contains(&id))
                .map(|s| s.index())
                .collect();
            assert_eq!(owners.len(), 1, "{id}: {owners:?}");
            per_shard[owners[0] as usize] += 1;
        }
        // The hash spreads ids evenly enough that no shard is starved.
        assert!(per_shard.iter().all(|&n| n > 150), "{per_shard:?}");
    }

    #[test]
    fn membership_is_the_documented_hash() {
        // sha256("a") starts ca978112ca1bbdca.
        let first: u64 = 0xca97_8112_ca1b_bdca;
        for n in [2, 3, 7, 1000] {
            assert_eq!(shard_of("a", n), first % n);
        }
    }
}
