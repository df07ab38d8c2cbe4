//! Loudness of recorded tracks in 10 ms windows: where speech or a prompt starts and stops in
//! a call's `heard` or `caller` audio (the agent's and the dialog's tests).

use std::time::Duration;

/// A window louder than this (RMS) holds sound.
pub const LOUD: f64 = 300.0;

/// RMS of the 10 ms windows of `samples` at `rate`.
pub fn windows(samples: &[i16], rate: u32) -> Vec<f64> {
    samples
        .chunks((rate as usize / 100).max(1))
        .map(|w| {
            let sum: f64 = w.iter().map(|&s| f64::from(s) * f64::from(s)).sum();
            (sum / w.len().max(1) as f64).sqrt()
        })
        .collect()
}

/// The start of the first loud window of `samples` at or after `from`.
pub fn first_loud(samples: &[i16], rate: u32, from: Duration) -> Option<Duration> {
    let w = windows(samples, rate);
    let first = (from.as_millis() / 10) as usize;
    (first..w.len())
        .find(|&i| w[i] > LOUD)
        .map(|i| Duration::from_millis(i as u64 * 10))
}

/// The end of the last loud window of `samples` (zero if none).
pub fn last_loud(samples: &[i16], rate: u32) -> Duration {
    let w = windows(samples, rate);
    w.iter()
        .rposition(|&x| x > LOUD)
        .map_or(Duration::ZERO, |i| {
            Duration::from_millis(i as u64 * 10 + 10)
        })
}
