//! Log-linear (HDR-style) bucket edges for latency histograms: values below `2^sub_bits` have
//! a bucket each, then every power of two is cut into `2^sub_bits` equal buckets, so a value
//! is known within `2^-sub_bits` of itself. Written once here because two products keep such
//! histograms with different storage: the load generator (`fcstream-load`, plain counters
//! merged across lanes) and the bridge (`fcstream-bridge`, shared atomics read as quantiles);
//! the rule of which value lands where is the same and lives only in this module.

/// How many buckets hold values up to `2^octaves` with `2^sub_bits` buckets per octave
/// (`sub_bits < octaves <= 64`).
pub const fn count(sub_bits: u32, octaves: u32) -> usize {
    let sub = 1usize << sub_bits;
    sub + (octaves - sub_bits) as usize * sub
}

/// The bucket of `v`. Values of `2^octaves` and more share the last bucket.
pub fn index(v: u64, sub_bits: u32, octaves: u32) -> usize {
    let sub = 1u64 << sub_bits;
    if v < sub {
        return v as usize;
    }
    let octave = 63 - v.leading_zeros(); // >= sub_bits
    if octave >= octaves {
        return count(sub_bits, octaves) - 1;
    }
    let shift = octave - sub_bits;
    // The top bit of `v >> shift` is bit `sub_bits`: the rest is the linear sub-bucket.
    let within = (v >> shift) - sub;
    (sub + u64::from(octave - sub_bits) * sub + within) as usize
}

/// The largest value that lands in bucket `i` (inclusive upper edge).
pub fn upper(i: usize, sub_bits: u32) -> u64 {
    let sub = 1usize << sub_bits;
    if i < sub {
        return i as u64;
    }
    let octave = ((i - sub) / sub) as u32 + sub_bits;
    let within = ((i - sub) % sub) as u64;
    let shift = octave - sub_bits;
    ((sub as u64 + within) << shift) + ((1u64 << shift) - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bucket_holds_its_own_edges_and_nothing_else() {
        for (sub_bits, octaves) in [(4, 40), (5, 64)] {
            let n = count(sub_bits, octaves);
            let mut low = 0u64;
            for i in 0..n {
                let high = upper(i, sub_bits);
                assert!(high >= low, "bucket {i}");
                assert_eq!(index(low, sub_bits, octaves), i, "low edge of {i}");
                assert_eq!(index(high, sub_bits, octaves), i, "high edge of {i}");
                low = high.wrapping_add(1);
            }
        }
    }

    #[test]
    fn precision_and_overflow() {
        // 16 per octave: a value's bucket edge is within 1/16 of it.
        for v in [17u64, 1_000, 123_456, 9_999_999] {
            let hi = upper(index(v, 4, 40), 4);
            assert!(hi >= v && (hi - v) as f64 <= v as f64 / 16.0, "{v} -> {hi}");
        }
        assert_eq!(index(u64::MAX, 4, 40), count(4, 40) - 1);
        assert_eq!(index(u64::MAX, 5, 64), count(5, 64) - 1);
    }
}
