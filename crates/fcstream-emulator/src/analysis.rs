//! Measuring recorded audio (a call's `heard` or `caller` track): the DTMF keys in it with
//! their times (Goertzel, via `fcstream::audio::dtmf`), the spans that hold sound, the delay
//! of one signal against another (normalised cross-correlation) and a rough pitch.
//!
//! The tests use it to check what the caller heard; `fcstream demo` uses it to tell the story
//! of the call; anyone can use it on a `heard.wav`.

use std::time::Duration;

use fcstream::audio::dtmf::{Detector, DtmfEvent};

/// A key heard in a recording.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeardKey {
    /// The key (`A-D` upper case).
    pub digit: char,
    /// When its tone started (to about one 13 ms analysis block).
    pub start: Duration,
    /// When it ended.
    pub end: Duration,
}

impl HeardKey {
    /// How long it sounded.
    pub fn duration(&self) -> Duration {
        self.end.saturating_sub(self.start)
    }
}

fn time(samples: usize, rate: u32) -> Duration {
    Duration::from_nanos((samples as u64).saturating_mul(1_000_000_000) / u64::from(rate.max(1)))
}

/// The DTMF keys in `samples` at `rate` Hz, with start and end times.
pub fn dtmf_keys(samples: &[i16], rate: u32) -> Vec<HeardKey> {
    let mut detector = Detector::new(rate);
    let block = detector.block_len();
    let mut keys = Vec::new();
    let mut open: Option<(char, usize)> = None;
    for (b, chunk) in samples.chunks(block).enumerate() {
        // An event in block b was confirmed by blocks b-1 and b: it happened at b-1.
        let at = b.saturating_sub(1) * block;
        for event in detector.push(chunk) {
            match event {
                DtmfEvent::Start(k) => open = Some((k, at)),
                DtmfEvent::End(_) => {
                    if let Some((digit, start)) = open.take() {
                        keys.push(HeardKey {
                            digit,
                            start: time(start, rate),
                            end: time(at, rate),
                        });
                    }
                }
            }
        }
    }
    if let Some((digit, start)) = open {
        keys.push(HeardKey {
            digit,
            start: time(start, rate),
            end: time(samples.len(), rate),
        });
    }
    keys
}

/// A stretch of a recording.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    /// Its first sample.
    pub start: usize,
    /// One past its last sample.
    pub end: usize,
}

impl Span {
    /// When it starts at `rate` Hz.
    pub fn start_time(&self, rate: u32) -> Duration {
        time(self.start, rate)
    }

    /// When it ends at `rate` Hz.
    pub fn end_time(&self, rate: u32) -> Duration {
        time(self.end, rate)
    }

    /// How long it lasts at `rate` Hz.
    pub fn duration(&self, rate: u32) -> Duration {
        time(self.end - self.start, rate)
    }
}

/// The spans of `samples` that hold sound: 10 ms windows whose RMS is above
/// `threshold_dbfs` (e.g. -40), merged across gaps shorter than `min_gap`, with their edges
/// refined to the first and last sample louder than the threshold.
pub fn sound_spans(
    samples: &[i16],
    rate: u32,
    threshold_dbfs: f64,
    min_gap: Duration,
) -> Vec<Span> {
    let win = (rate as usize / 100).max(1);
    let level = 32768.0 * 10f64.powf(threshold_dbfs / 20.0);
    let gap = usize::try_from(min_gap.as_nanos() * u128::from(rate) / 1_000_000_000)
        .unwrap_or(usize::MAX);
    let mut spans: Vec<Span> = Vec::new();
    for (w, chunk) in samples.chunks(win).enumerate() {
        let energy: f64 = chunk.iter().map(|&s| f64::from(s).powi(2)).sum();
        if (energy / chunk.len() as f64).sqrt() < level {
            continue;
        }
        let base = w * win;
        let first = chunk
            .iter()
            .position(|s| f64::from(s.unsigned_abs()) >= level)
            .unwrap_or(0);
        let last = chunk
            .iter()
            .rposition(|s| f64::from(s.unsigned_abs()) >= level)
            .unwrap_or(chunk.len() - 1);
        let (start, end) = (base + first, base + last + 1);
        match spans.last_mut() {
            Some(prev) if start.saturating_sub(prev.end) < gap.max(1) => prev.end = end,
            _ => spans.push(Span { start, end }),
        }
    }
    spans
}

/// The lag (in samples, `0..=max_lag`) at which `signal` best matches `reference` delayed,
/// and the normalised correlation there (1.0: identical shape). `None` if either is silent.
pub fn delay(reference: &[i16], signal: &[i16], max_lag: usize) -> Option<(usize, f64)> {
    let mut best: Option<(usize, f64)> = None;
    for lag in 0..=max_lag.min(signal.len()) {
        let n = reference.len().min(signal.len() - lag);
        if n == 0 {
            break;
        }
        let (mut xy, mut xx, mut yy) = (0.0f64, 0.0f64, 0.0f64);
        for i in 0..n {
            let x = f64::from(reference[i]);
            let y = f64::from(signal[i + lag]);
            xy += x * y;
            xx += x * x;
            yy += y * y;
        }
        if xx == 0.0 || yy == 0.0 {
            continue;
        }
        let c = xy / (xx * yy).sqrt();
        if best.is_none_or(|(_, b)| c > b) {
            best = Some((lag, c));
        }
    }
    best
}

/// How alike `a` and `b` are at the best lag within `-max_lag..=max_lag` samples (`b`
/// shifted by the lag): the normalised cross-correlation over the whole of both signals
/// (1.0: the same samples, up to a gain; a part missing from either counts against it), and
/// that lag. `None` if either is silent. The recording tests compare a recording's channels
/// with what the emulator sent and heard so.
pub fn correlation(a: &[i16], b: &[i16], max_lag: i64) -> Option<(f64, i64)> {
    let energy = |x: &[i16]| x.iter().map(|&s| f64::from(s).powi(2)).sum::<f64>();
    let norm = (energy(a) * energy(b)).sqrt();
    if norm == 0.0 {
        return None;
    }
    let mut best = (f64::MIN, 0);
    for lag in -max_lag..=max_lag {
        let sum: f64 = a
            .iter()
            .enumerate()
            .filter_map(|(i, &x)| {
                let j = usize::try_from(i as i64 + lag).ok()?;
                b.get(j).map(|&y| f64::from(x) * f64::from(y))
            })
            .sum();
        if sum / norm > best.0 {
            best = (sum / norm, lag);
        }
    }
    Some(best)
}

/// A rough pitch in Hz (from zero crossings): right for tones, a ballpark for the rest.
/// `None` for silence.
pub fn pitch(samples: &[i16], rate: u32) -> Option<f64> {
    let loud = samples.iter().any(|s| s.unsigned_abs() > 300);
    if !loud || samples.len() < 2 {
        return None;
    }
    let crossings = samples
        .windows(2)
        .filter(|w| (w[0] < 0) != (w[1] < 0))
        .count();
    Some(crossings as f64 * f64::from(rate) / (2.0 * samples.len() as f64))
}

/// RMS level in dBFS (-inf for silence).
pub fn level_dbfs(samples: &[i16]) -> f64 {
    if samples.is_empty() {
        return f64::NEG_INFINITY;
    }
    let energy: f64 = samples.iter().map(|&s| f64::from(s).powi(2)).sum();
    20.0 * ((energy / samples.len() as f64).sqrt() / 32768.0).log10()
}

#[cfg(test)]
mod tests {
    use super::*;
    use fcstream::audio::dtmf;

    #[test]
    fn keys_with_times() {
        let ms = Duration::from_millis;
        let mut audio = vec![0i16; 800];
        audio.extend(dtmf::sequence("7#", ms(200), ms(100), 8000).unwrap());
        audio.extend(vec![0; 800]);
        let keys = dtmf_keys(&audio, 8000);
        assert_eq!(keys.len(), 2);
        assert_eq!(keys[0].digit, '7');
        assert!(keys[0].start.abs_diff(ms(100)) <= ms(15), "{keys:?}");
        assert!(keys[0].duration().abs_diff(ms(200)) <= ms(30), "{keys:?}");
        assert!(keys[1].start.abs_diff(ms(400)) <= ms(15), "{keys:?}");
    }

    #[test]
    fn spans_delay_and_pitch() {
        let tone = fcstream::Audio::tone(500.0, Duration::from_millis(300), 8000).samples();
        let mut a = vec![0i16; 400];
        a.extend(&tone);
        a.extend(vec![0; 400]);
        let spans = sound_spans(&a, 8000, -40.0, Duration::from_millis(50));
        assert_eq!(spans.len(), 1);
        assert!(spans[0].start.abs_diff(400) <= 2, "{spans:?}");
        assert!(spans[0].end.abs_diff(2800) <= 2, "{spans:?}");
        let mut b = vec![0i16; 123];
        b.extend(&a);
        let (lag, c) = delay(&a, &b, 400).unwrap();
        let (whole, shift) = correlation(&a, &b, 400).unwrap();
        assert_eq!(shift, lag as i64);
        assert!(whole > 0.99, "{whole}");
        assert_eq!(correlation(&b, &a, 400).map(|c| c.1), Some(-123));
        assert_eq!(correlation(&a, &[0; 10], 5), None);
        assert_eq!(lag, 123);
        assert!(c > 0.99);
        assert!((pitch(&tone, 8000).unwrap() - 500.0).abs() < 10.0);
        assert!(pitch(&[0; 100], 8000).is_none());
        assert!(level_dbfs(&tone) > -10.0);
    }
}
