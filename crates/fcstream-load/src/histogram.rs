//! A small log-linear histogram of microseconds (HDR-style: 32 linear sub-buckets per power
//! of two, so any value is kept within about 3 %), with exact count, max and sum.
//!
//! It exists so that every lane records every frame's latency and every tick's lateness with
//! one array increment and no allocation, and lanes merge at the end. (`hdrhistogram` would
//! do, but needs a newer Rust than the workspace's declared minimum.)

/// Sub-buckets per power of two.
const SUB: u32 = 32;
/// log2(SUB).
const SUB_BITS: u32 = 5;
/// Buckets: values below `SUB` are exact, then `SUB` per octave up to 2^64.
const BUCKETS: usize = (SUB + (64 - SUB_BITS) * SUB) as usize;

/// See the module docs.
#[derive(Clone)]
pub struct Histogram {
    /// Counts per bucket.
    counts: Box<[u64]>,
    /// Values recorded.
    total: u64,
    /// Largest value.
    max: u64,
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

fn index(v: u64) -> usize {
    if v < u64::from(SUB) {
        return v as usize;
    }
    let octave = 63 - v.leading_zeros(); // >= SUB_BITS
    let shift = octave - SUB_BITS;
    let sub = (v >> shift) as u32 - SUB; // 0..SUB
    (SUB + (octave - SUB_BITS) * SUB + sub) as usize
}

/// The highest value that lands in bucket `i`.
fn upper(i: usize) -> u64 {
    let i = i as u32;
    if i < SUB {
        return u64::from(i);
    }
    let octave = (i - SUB) / SUB + SUB_BITS;
    let sub = (i - SUB) % SUB;
    let shift = octave - SUB_BITS;
    let low = (u64::from(SUB + sub)) << shift;
    low + ((1u64 << shift) - 1)
}

impl Histogram {
    /// An empty histogram.
    pub fn new() -> Self {
        Self {
            counts: vec![0; BUCKETS].into_boxed_slice(),
            total: 0,
            max: 0,
            sum: 0,
        }
    }

    /// Records one value.
    #[inline]
    pub fn record(&mut self, v: u64) {
        self.counts[index(v)] += 1;
        self.total += 1;
        self.max = self.max.max(v);
        self.sum += u128::from(v);
    }

    /// Adds every value of `other`.
    pub fn merge(&mut self, other: &Histogram) {
        for (a, b) in self.counts.iter_mut().zip(other.counts.iter()) {
            *a += *b;
        }
        self.total += other.total;
        self.max = self.max.max(other.max);
        self.sum += other.sum;
    }

    /// Forgets everything.
    pub fn clear(&mut self) {
        if self.total > 0 {
            self.counts.iter_mut().for_each(|c| *c = 0);
        }
        self.total = 0;
        self.max = 0;
        self.sum = 0;
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
                upper(i) - v <= v / u64::from(SUB) + 1,
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
    }
}
