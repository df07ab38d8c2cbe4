//! A small log-linear histogram of microseconds (HDR-style: 32 linear sub-buckets per power
//! of two, so any value is kept within about 3 %), with exact count, max and sum.
//!
//! It exists so that every lane records every frame's latency and every tick's lateness with
//! one array increment and no allocation, and lanes merge at the end. (`hdrhistogram` would
//! do, but needs a newer Rust than the workspace's declared minimum.)
//!
//! [`Histogram::buckets`] exports the non-empty buckets ([`Bucket`]: upper edge, count) for
//! `fcstream load --json`: summing the counts gives [`Histogram::len`], and walking them to
//! the first bucket whose running count reaches `ceil(q * len)` gives [`Histogram::quantile`]
//! exactly (the last bucket's edge is clipped to the max, so no separate max is needed).

/// log2 of the sub-buckets per power of two (32).
const SUB_BITS: u32 = 5;
/// Buckets: values below 32 are exact, then 32 per octave up to 2^64.
const BUCKETS: usize = fcstream::buckets::count(SUB_BITS, 64);

/// One non-empty bucket of a [`Histogram`], as exported (`fcstream load --json`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Bucket {
    /// The bucket's upper edge, µs, inclusive: every value counted here is `<= le_us` and
    /// above the previous bucket's `le_us` (the last bucket's edge is the largest value).
    pub le_us: u64,
    /// Values in the bucket.
    pub count: u64,
}

/// See the module docs.
#[derive(Clone)]
pub struct Histogram {
    /// Counts per bucket.
    counts: Box<[u64]>,
    /// Values recorded.
    total: u64,
    /// Largest value.
    max: u64,
    /// Smallest value (`u64::MAX` when empty): with `max`, the range of buckets in use, so
    /// that merging and clearing touch only those (lanes merge their interval histograms
    /// several times a second).
    min: u64,
    /// Sum of the values (for the mean).
    sum: u128,
}

impl std::fmt::Debug for Histogram {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Histogram")
            .field("total", &self.total)
            .field("max", &self.max)
            .finish_non_exhaustive()
    }
}

impl Default for Histogram {
    fn default() -> Self {
        Self::new()
    }
}

/// The bucket of `v` (the rule is `fcstream::buckets`', shared with the bridge).
fn index(v: u64) -> usize {
    fcstream::buckets::index(v, SUB_BITS, 64)
}

/// The highest value that lands in bucket `i`.
fn upper(i: usize) -> u64 {
    fcstream::buckets::upper(i, SUB_BITS)
}

impl Histogram {
    /// An empty histogram.
    pub fn new() -> Self {
        Self {
            counts: vec![0; BUCKETS].into_boxed_slice(),
            total: 0,
            max: 0,
            min: u64::MAX,
            sum: 0,
        }
    }

    /// Records one value.
    #[inline]
    pub fn record(&mut self, v: u64) {
        self.counts[index(v)] += 1;
        self.total += 1;
        self.max = self.max.max(v);
        self.min = self.min.min(v);
        self.sum += u128::from(v);
    }

    /// The buckets that hold values (empty range when none).
    fn used(&self) -> std::ops::Range<usize> {
        if self.total == 0 {
            0..0
        } else {
            index(self.min)..index(self.max) + 1
        }
    }

    /// Adds every value of `other`.
    pub fn merge(&mut self, other: &Histogram) {
        let used = other.used();
        for (a, b) in self.counts[used.clone()]
            .iter_mut()
            .zip(&other.counts[used])
        {
            *a += *b;
        }
        self.total += other.total;
        self.max = self.max.max(other.max);
        self.min = self.min.min(other.min);
        self.sum += other.sum;
    }

    /// Forgets everything.
    pub fn clear(&mut self) {
        let used = self.used();
        self.counts[used].iter_mut().for_each(|c| *c = 0);
        self.total = 0;
        self.max = 0;
        self.min = u64::MAX;
        self.sum = 0;
    }

    /// The non-empty buckets, lowest first (see the module docs).
    pub fn buckets(&self) -> Vec<Bucket> {
        let used = self.used();
        let first = used.start;
        self.counts[used]
            .iter()
            .enumerate()
            .filter(|(_, c)| **c > 0)
            .map(|(i, &count)| Bucket {
                le_us: upper(first + i).min(self.max),
                count,
            })
            .collect()
    }

    /// Values recorded.
    pub fn len(&self) -> u64 {
        self.total
    }

    /// Whether nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.total == 0
    }

    /// The largest value recorded (0 if none).
    pub fn max(&self) -> u64 {
        self.max
    }

    /// The mean (0 if none).
    pub fn mean(&self) -> f64 {
        if self.total == 0 {
            0.0
        } else {
            self.sum as f64 / self.total as f64
        }
    }

    /// The value at quantile `q` (0..=1): the upper edge of its bucket, never above the max.
    /// 0 if nothing was recorded.
    pub fn quantile(&self, q: f64) -> u64 {
        if self.total == 0 {
            return 0;
        }
        let rank = ((q.clamp(0.0, 1.0) * self.total as f64).ceil() as u64).max(1);
        let mut seen = 0;
        for (i, c) in self.counts.iter().enumerate() {
            seen += c;
            if seen >= rank {
                return upper(i).min(self.max);
            }
        }
        self.max
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_cover_and_are_ordered() {
        let mut last = 0;
        for v in (0..100_000u64).chain([u64::MAX / 3, u64::MAX]) {
            let i = index(v);
            assert!(i < BUCKETS);
            assert!(i >= last || v > 100_000);
            assert!(upper(i) >= v, "{v}");
            // Within 1/SUB relative error.
            assert!(
                upper(i) - v <= v / (1u64 << SUB_BITS) + 1,
                "{v} -> {}",
                upper(i)
            );
            last = i;
        }
    }

    #[test]
    fn quantiles() {
        let mut h = Histogram::new();
        for v in 1..=1000 {
            h.record(v);
        }
        let p50 = h.quantile(0.5);
        assert!((495..=520).contains(&p50), "{p50}");
        let p99 = h.quantile(0.99);
        assert!((985..=1000).contains(&p99), "{p99}");
        assert_eq!(h.quantile(1.0), 1000);
        assert_eq!(h.max(), 1000);
        let mut g = Histogram::new();
        g.record(5000);
        h.merge(&g);
        assert_eq!(h.len(), 1001);
        assert_eq!(h.quantile(1.0), 5000);
        h.clear();
        assert_eq!(h.quantile(0.5), 0);
        assert!(h.buckets().is_empty());
        // Cleared means cleared: the buckets used before hold nothing.
        h.record(7);
        assert_eq!(h.buckets(), vec![Bucket { le_us: 7, count: 1 }]);
    }

    /// The quantile of exported buckets, the way a reader of the JSON computes it.
    fn quantile_of(buckets: &[Bucket], q: f64) -> u64 {
        let total: u64 = buckets.iter().map(|b| b.count).sum();
        let rank = ((q * total as f64).ceil() as u64).max(1);
        let mut seen = 0;
        for b in buckets {
            seen += b.count;
            if seen >= rank {
                return b.le_us;
            }
        }
        0
    }

    #[test]
    fn exported_buckets_sum_to_the_count_and_give_the_same_quantiles() {
        let mut h = Histogram::new();
        let mut other = Histogram::new();
        // A spread like a load run's: most near 1 ms, a tail to 80 ms, a few exact small values.
        let mut x: u64 = 12345;
        for i in 0..20_000u64 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let v = match i % 100 {
                0 => 40_000 + (x >> 40) % 40_000,
                1..=4 => 3_000 + (x >> 40) % 10_000,
                5 => (x >> 40) % 32,
                _ => 600 + (x >> 40) % 900,
            };
            if i % 3 == 0 {
                other.record(v)
            } else {
                h.record(v)
            }
        }
        h.merge(&other);
        let buckets = h.buckets();
        assert_eq!(buckets.iter().map(|b| b.count).sum::<u64>(), h.len());
        assert!(buckets.windows(2).all(|w| w[0].le_us < w[1].le_us));
        assert_eq!(buckets.last().map(|b| b.le_us), Some(h.max()));
        for q in [0.0, 0.001, 0.1, 0.5, 0.9, 0.99, 0.995, 0.999, 0.9999, 1.0] {
            assert_eq!(quantile_of(&buckets, q), h.quantile(q), "q = {q}");
        }
        // Merging only the used range loses nothing.
        let mut sum = Histogram::new();
        sum.merge(&h);
        assert_eq!(sum.buckets(), buckets);
    }
}
