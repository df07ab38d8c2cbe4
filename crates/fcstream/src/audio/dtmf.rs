//! DTMF ("touch tone") keys: validating digit strings, generating the tones and detecting
//! them in call audio.
//!
//! A call app needs DTMF both ways: it sends digits (to navigate another IVR, or in tests
//! that play a caller's key presses) and it hears them in the inbound audio when the
//! platform passes them through in-band. Each key is the sum of one low ("row") and one
//! high ("column") sine. [`tone`] and [`sequence`] generate them; [`Detector`] finds them
//! with the Goertzel algorithm in blocks of about 13 ms, with the usual checks (level,
//! twist, dominance of one row and one column, share of the block's energy) that keep
//! speech, noise and single tones from being taken for keys.

use std::f64::consts::PI;
use std::time::Duration;

/// A string holding a character that is not a DTMF key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid DTMF digit {digit:?} at position {position} in {digits:?}: use 0-9, *, #, A-D")]
pub struct InvalidDigits {
    /// The whole string.
    pub digits: String,
    /// The offending character.
    pub digit: char,
    /// Its index (in characters).
    pub position: usize,
}

/// Checks that every character is one of the 16 DTMF keys (`0-9 * # A-D`, any case); an
/// empty string is rejected too.
pub fn validate(digits: &str) -> Result<(), InvalidDigits> {
    for (position, digit) in digits.chars().enumerate() {
        if !matches!(digit, '0'..='9' | '*' | '#' | 'a'..='d' | 'A'..='D') {
            return Err(InvalidDigits {
                digits: digits.to_string(),
                digit,
                position,
            });
        }
    }
    if digits.is_empty() {
        return Err(InvalidDigits {
            digits: String::new(),
            digit: ' ',
            position: 0,
        });
    }
    Ok(())
}

/// The 16 keys in keypad order, row by row: `123A 456B 789C *0#D`.
pub const KEYS: [char; 16] = [
    '1', '2', '3', 'A', '4', '5', '6', 'B', '7', '8', '9', 'C', '*', '0', '#', 'D',
];

/// The low-group (row) frequencies in Hz.
const ROWS: [f64; 4] = [697.0, 770.0, 852.0, 941.0];
/// The high-group (column) frequencies in Hz.
const COLS: [f64; 4] = [1209.0, 1336.0, 1477.0, 1633.0];

/// Peak amplitude of each of the two sines in a generated tone: -9 dBFS, so their sum
/// peaks at about -3 dBFS and never clips.
const TONE_AMPLITUDE: f64 = 0.354_813_389_233_575_5; // 10^(-9/20)
/// Length of the raised-cosine fade at each end of a generated tone.
const FADE: Duration = Duration::from_millis(5);

/// The `(low, high)` frequencies in Hz of a key (`A-D` in either case), or `None` for a
/// character that is not a key.
///
/// ```
/// use fcstream::audio::dtmf;
/// assert_eq!(dtmf::frequencies('5'), Some((770.0, 1336.0)));
/// assert_eq!(dtmf::frequencies('d'), Some((941.0, 1633.0)));
/// assert_eq!(dtmf::frequencies('x'), None);
/// ```
pub fn frequencies(digit: char) -> Option<(f64, f64)> {
    let digit = digit.to_ascii_uppercase();
    let index = KEYS.iter().position(|&k| k == digit)?;
    Some((ROWS[index / 4], COLS[index % 4]))
}

/// The tone of one key press: the key's two sines at about -9 dBFS each, `duration` long at
/// `rate` Hz, with a 5 ms raised-cosine fade in and out so it starts and stops without a
/// click. `None` if `digit` is not a key.
///
/// ```
/// use fcstream::audio::dtmf;
/// use std::time::Duration;
/// let five = dtmf::tone('5', Duration::from_millis(100), 8000).unwrap();
/// assert_eq!(five.len(), 800);
/// assert_eq!(dtmf::detect_digits(&five, 8000), "5");
/// assert!(dtmf::tone('?', Duration::from_millis(100), 8000).is_none());
/// ```
pub fn tone(digit: char, duration: Duration, rate: u32) -> Option<Vec<i16>> {
    let (low, high) = frequencies(digit)?;
    let rate_f = f64::from(rate);
    let n = (duration.as_secs_f64() * rate_f).round() as usize;
    let fade = ((FADE.as_secs_f64() * rate_f).round() as usize).min(n / 2);
    let full_scale = f64::from(i16::MAX);
    let samples = (0..n)
        .map(|i| {
            let t = i as f64 / rate_f;
            let value = TONE_AMPLITUDE * ((2.0 * PI * low * t).sin() + (2.0 * PI * high * t).sin());
            let edge = i.min(n - 1 - i);
            let gain = if edge < fade {
                0.5 * (1.0 - (PI * (edge as f64 + 0.5) / fade as f64).cos())
            } else {
                1.0
            };
            (value * gain * full_scale).round() as i16
        })
        .collect();
    Some(samples)
}

/// The tones of `digits` (checked with [`validate`]), each `press` long, separated by
/// `gap` of silence, with no gap after the last.
///
/// ```
/// use fcstream::audio::dtmf;
/// use std::time::Duration;
/// let ms = Duration::from_millis;
/// let audio = dtmf::sequence("123#", ms(100), ms(50), 8000).unwrap();
/// assert_eq!(audio.len(), 4 * 800 + 3 * 400);
/// assert_eq!(dtmf::detect_digits(&audio, 8000), "123#");
/// assert!(dtmf::sequence("12x", ms(100), ms(50), 8000).is_err());
/// ```
pub fn sequence(
    digits: &str,
    press: Duration,
    gap: Duration,
    rate: u32,
) -> Result<Vec<i16>, InvalidDigits> {
    validate(digits)?;
    let silence = (gap.as_secs_f64() * f64::from(rate)).round() as usize;
    let mut out = Vec::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 {
            out.resize(out.len() + silence, 0);
        }
        // `validate` passed, so every character is a key.
        out.extend(tone(digit, press, rate).unwrap_or_default());
    }
    Ok(out)
}

/// A change in the key heard by a [`Detector`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DtmfEvent {
    /// A key started sounding (`A-D` are reported in upper case).
    Start(char),
    /// The key that was sounding stopped.
    End(char),
}

/// Minimum level of each of the two tones, in dBFS (peak amplitude of the sine).
const MIN_LEVEL_DBFS: f64 = -36.0;
/// Largest allowed difference between the row and the column tone's power, in dB.
const MAX_TWIST_DB: f64 = 8.0;
/// How much the strongest row (column) must exceed every other row (column), in dB.
const MIN_DOMINANCE_DB: f64 = 6.0;
/// The share of the block's energy the two tones must carry together.
const MIN_TONE_SHARE: f64 = 0.6;
/// Blocks in a row a key must be heard to start, and missed to end.
const CONFIRM_BLOCKS: u32 = 2;

/// Streaming DTMF detector: feed it audio with [`Detector::push`] in chunks of any size.
///
/// Audio is analysed in blocks of about 13 ms (105 samples at 8 kHz, 210 at 16 kHz) with
/// the Goertzel algorithm at the eight DTMF frequencies. A block holds a key when both of
/// its tones are above -36 dBFS, their powers differ by at most 8 dB (twist), each is at
/// least 6 dB above the other frequencies of its group, and together they carry at least
/// 60 % of the block's energy. A key [starts](DtmfEvent::Start) after two consecutive
/// blocks hold it and [ends](DtmfEvent::End) after two consecutive blocks do not.
///
/// ```
/// use fcstream::audio::dtmf::{self, Detector, DtmfEvent};
/// use std::time::Duration;
/// let mut audio = dtmf::tone('#', Duration::from_millis(80), 16000).unwrap();
/// audio.extend(vec![0i16; 800]); // 50 ms of silence
/// let mut detector = Detector::new(16000);
/// let mut events = Vec::new();
/// for chunk in audio.chunks(333) {
///     events.extend(detector.push(chunk));
/// }
/// assert_eq!(events, [DtmfEvent::Start('#'), DtmfEvent::End('#')]);
/// ```
#[derive(Debug, Clone)]
pub struct Detector {
    rate: u32,
    block_len: usize,
    /// Goertzel coefficients `2 cos(2π f / rate)`, rows then columns.
    coeffs: [f64; 8],
    /// Samples of the block being filled, scaled to [-1, 1).
    block: Vec<f64>,
    /// The key heard in the previous block.
    previous: Option<char>,
    /// The key currently reported as sounding.
    active: Option<char>,
    /// Consecutive blocks without the active key.
    misses: u32,
}

impl Detector {
    /// A detector for audio at `rate` Hz.
    pub fn new(rate: u32) -> Self {
        let block_len = usize::try_from(u64::from(rate) * 105 / 8000)
            .unwrap_or(usize::MAX)
            .clamp(8, 1 << 20);
        let mut coeffs = [0.0; 8];
        for (c, f) in coeffs.iter_mut().zip(ROWS.iter().chain(COLS.iter())) {
            *c = 2.0 * (2.0 * PI * f / f64::from(rate.max(1))).cos();
        }
        Self {
            rate,
            block_len,
            coeffs,
            block: Vec::with_capacity(block_len),
            previous: None,
            active: None,
            misses: 0,
        }
    }

    /// The sample rate the detector was made for.
    pub fn rate(&self) -> u32 {
        self.rate
    }

    /// Samples per analysis block.
    pub fn block_len(&self) -> usize {
        self.block_len
    }

    /// Analyses `samples` (continuing from earlier calls) and returns the keys that started
    /// or ended in them, in order.
    pub fn push(&mut self, samples: &[i16]) -> Vec<DtmfEvent> {
        let mut events = Vec::new();
        for &s in samples {
            self.block.push(f64::from(s) / 32768.0);
            if self.block.len() == self.block_len {
                let key = self.classify();
                self.block.clear();
                self.step(key, &mut events);
            }
        }
        events
    }

    /// Ends the stream: reports the end of a key still sounding and resets the detector.
    /// A partial block left over is discarded.
    pub fn finish(&mut self) -> Vec<DtmfEvent> {
        let events = self.active.map(DtmfEvent::End).into_iter().collect();
        self.block.clear();
        self.previous = None;
        self.active = None;
        self.misses = 0;
        events
    }

    fn step(&mut self, key: Option<char>, events: &mut Vec<DtmfEvent>) {
        if let Some(active) = self.active {
            if key == Some(active) {
                self.misses = 0;
            } else {
                self.misses += 1;
                if self.misses >= CONFIRM_BLOCKS {
                    events.push(DtmfEvent::End(active));
                    self.active = None;
                }
            }
        }
        if self.active.is_none() {
            if let Some(k) = key {
                // CONFIRM_BLOCKS is 2: this block and the previous one.
                if self.previous == Some(k) {
                    events.push(DtmfEvent::Start(k));
                    self.active = Some(k);
                    self.misses = 0;
                }
            }
        }
        self.previous = key;
    }

    /// The key present in the current (full) block, if any.
    fn classify(&self) -> Option<char> {
        let n = self.block.len() as f64;
        let energy: f64 = self.block.iter().map(|x| x * x).sum();
        if energy.is_nan() || energy <= 0.0 {
            return None;
        }
        let mut power = [0.0f64; 8];
        for (p, &coeff) in power.iter_mut().zip(&self.coeffs) {
            let (mut s1, mut s2) = (0.0f64, 0.0f64);
            for &x in &self.block {
                let s0 = x + coeff * s1 - s2;
                s2 = s1;
                s1 = s0;
            }
            *p = (s1 * s1 + s2 * s2 - coeff * s1 * s2).max(0.0);
        }
        let (rows, cols) = power.split_at(4);
        let row = strongest(rows)?;
        let col = strongest(cols)?;
        let (p_row, p_col) = (rows[row], cols[col]);

        // A sine of peak amplitude A gives |X|² ≈ (A·N/2)².
        let min_power = (10f64.powf(MIN_LEVEL_DBFS / 20.0) * n / 2.0).powi(2);
        if p_row < min_power || p_col < min_power {
            return None;
        }
        if (10.0 * (p_row / p_col).log10()).abs() > MAX_TWIST_DB {
            return None;
        }
        let dominance = 10f64.powf(MIN_DOMINANCE_DB / 10.0);
        let dominates = |group: &[f64], best: usize| {
            group
                .iter()
                .enumerate()
                .all(|(i, &p)| i == best || p * dominance <= group[best])
        };
        if !dominates(rows, row) || !dominates(cols, col) {
            return None;
        }
        // A sine carrying all of the block's energy E gives |X|² ≈ N·E/2.
        let share = 2.0 * (p_row + p_col) / (n * energy);
        if share.is_nan() || share < MIN_TONE_SHARE {
            return None;
        }
        Some(KEYS[row * 4 + col])
    }
}

/// Index of the largest finite value.
fn strongest(group: &[f64]) -> Option<usize> {
    let mut best: Option<usize> = None;
    for (i, &p) in group.iter().enumerate() {
        if p.is_finite() && best.is_none_or(|b| p > group[b]) {
            best = Some(i);
        }
    }
    best
}

/// All keys detected in `samples` at `rate` Hz, in order, each once per press.
///
/// ```
/// use fcstream::audio::dtmf;
/// assert_eq!(dtmf::detect_digits(&[0i16; 8000], 8000), "");
/// ```
pub fn detect_digits(samples: &[i16], rate: u32) -> String {
    Detector::new(rate)
        .push(samples)
        .into_iter()
        .filter_map(|e| match e {
            DtmfEvent::Start(k) => Some(k),
            DtmfEvent::End(_) => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::mulaw;
    use super::*;
    use proptest::prelude::*;

    fn ms(millis: u64) -> Duration {
        Duration::from_millis(millis)
    }

    fn sines(parts: &[(f64, f64)], rate: u32, duration: Duration) -> Vec<i16> {
        let n = (duration.as_secs_f64() * f64::from(rate)) as usize;
        (0..n)
            .map(|i| {
                let t = i as f64 / f64::from(rate);
                let v: f64 = parts
                    .iter()
                    .map(|&(f, dbfs)| 10f64.powf(dbfs / 20.0) * (2.0 * PI * f * t).sin())
                    .sum();
                (v * 32767.0).round().clamp(-32768.0, 32767.0) as i16
            })
            .collect()
    }

    /// Deterministic white noise from a linear congruential generator.
    fn noise(n: usize, amplitude: f64) -> Vec<i16> {
        let mut state: u32 = 12345;
        (0..n)
            .map(|_| {
                state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                let u = f64::from(state >> 8) / f64::from(1u32 << 24) * 2.0 - 1.0;
                (u * amplitude) as i16
            })
            .collect()
    }

    #[test]
    fn keys_and_frequencies() {
        assert_eq!(KEYS.iter().collect::<String>(), "123A456B789C*0#D");
        assert_eq!(frequencies('1'), Some((697.0, 1209.0)));
        assert_eq!(frequencies('0'), Some((941.0, 1336.0)));
        assert_eq!(frequencies('#'), Some((941.0, 1477.0)));
        assert_eq!(frequencies('a'), frequencies('A'));
        assert_eq!(frequencies('A'), Some((697.0, 1633.0)));
        assert_eq!(frequencies('E'), None);
        for k in KEYS {
            assert!(validate(&k.to_string()).is_ok());
        }
    }

    #[test]
    fn tone_level_and_fades() {
        let t = tone('1', ms(100), 8000).unwrap();
        assert_eq!(t.len(), 800);
        let peak = t.iter().map(|s| s.unsigned_abs()).max().unwrap();
        assert!(peak > 20000 && peak < 23300, "peak {peak}");
        // Fades: the first and last samples are near zero and ramp up smoothly.
        assert!(t[0].unsigned_abs() < 300 && t[799].unsigned_abs() < 300);
        let early = t[..10].iter().map(|s| s.unsigned_abs()).max().unwrap();
        assert!(early < 8000, "no fade in: {early}");
        assert!(tone('1', Duration::ZERO, 8000).unwrap().is_empty());
    }

    #[test]
    fn sequence_layout() {
        let s = sequence("12", ms(100), ms(50), 16000).unwrap();
        assert_eq!(s.len(), 1600 + 800 + 1600);
        assert!(s[1600..2400].iter().all(|&x| x == 0));
        let err = sequence("1x", ms(100), ms(50), 8000).unwrap_err();
        assert_eq!((err.digit, err.position), ('x', 1));
        assert!(sequence("", ms(100), ms(50), 8000).is_err());
    }

    #[test]
    fn every_key_is_detected_at_8k_and_16k_and_through_mulaw() {
        for rate in [8000, 16000] {
            for k in KEYS {
                let t = tone(k, ms(80), rate).unwrap();
                assert_eq!(detect_digits(&t, rate), k.to_string(), "{k} at {rate}");
                let lower = tone(k.to_ascii_lowercase(), ms(80), rate).unwrap();
                assert_eq!(detect_digits(&lower, rate), k.to_string());
            }
        }
        for k in KEYS {
            let t = tone(k, ms(80), 8000).unwrap();
            let through = mulaw::decode_all(&mulaw::encode_all(&t));
            assert_eq!(
                detect_digits(&through, 8000),
                k.to_string(),
                "{k} via µ-law"
            );
        }
    }

    #[test]
    fn sequences_are_detected_once_per_press() {
        let s = sequence("123#", ms(100), ms(50), 8000).unwrap();
        assert_eq!(detect_digits(&s, 8000), "123#");
        let s = sequence("1111", ms(60), ms(40), 8000).unwrap();
        assert_eq!(detect_digits(&s, 8000), "1111");
        let s = sequence("*0#D9a", ms(70), ms(45), 16000).unwrap();
        assert_eq!(detect_digits(&s, 16000), "*0#D9A");
        let mut noisy = sequence("159", ms(100), ms(60), 8000).unwrap();
        for (x, n) in noisy.iter_mut().zip(noise(10_000, 1000.0)) {
            *x = x.saturating_add(n);
        }
        assert_eq!(detect_digits(&noisy, 8000), "159");
    }

    #[test]
    fn events_start_and_end_in_order() {
        let mut audio = tone('7', ms(100), 8000).unwrap();
        audio.extend(vec![0; 400]);
        audio.extend(tone('8', ms(100), 8000).unwrap());
        let mut d = Detector::new(8000);
        assert_eq!(d.block_len(), 105);
        assert_eq!(Detector::new(16000).block_len(), 210);
        let mut events = d.push(&audio);
        events.extend(d.finish());
        use DtmfEvent::*;
        assert_eq!(events, [Start('7'), End('7'), Start('8'), End('8')]);
    }

    #[test]
    fn non_keys_are_rejected() {
        for rate in [8000, 16000] {
            let second = Duration::from_secs(1);
            assert_eq!(
                detect_digits(&sines(&[(1000.0, -6.0)], rate, second), rate),
                ""
            );
            assert_eq!(
                detect_digits(&sines(&[(697.0, -6.0)], rate, second), rate),
                ""
            );
            assert_eq!(detect_digits(&vec![0; rate as usize], rate), "");
            assert_eq!(detect_digits(&noise(rate as usize, 20000.0), rate), "");
            assert_eq!(detect_digits(&noise(rate as usize, 300.0), rate), "");
            // Too much twist: the column tone 16 dB below the row tone.
            let twisted = sines(&[(770.0, -9.0), (1336.0, -25.0)], rate, second);
            assert_eq!(detect_digits(&twisted, rate), "");
            // Two rows at once: neither dominates.
            let two_rows = sines(
                &[(697.0, -12.0), (852.0, -12.0), (1209.0, -9.0)],
                rate,
                second,
            );
            assert_eq!(detect_digits(&two_rows, rate), "");
            // Too quiet.
            let quiet = sines(&[(852.0, -45.0), (1477.0, -45.0)], rate, second);
            assert_eq!(detect_digits(&quiet, rate), "");
            // Speech-like: a 120 Hz voice with many harmonics (two near DTMF frequencies).
            let voice: Vec<(f64, f64)> = (1..=30)
                .map(|k| (120.0 * f64::from(k), -12.0 - 20.0 * f64::from(k).log10()))
                .collect();
            assert_eq!(detect_digits(&sines(&voice, rate, second), rate), "");
        }
        // A key buried in loud noise is not reported either.
        let mut buried = tone('5', ms(200), 8000).unwrap();
        for (x, n) in buried.iter_mut().zip(noise(1600, 30000.0)) {
            *x = x.saturating_add(n);
        }
        assert_eq!(detect_digits(&buried, 8000), "");
    }

    #[test]
    fn quiet_but_valid_keys_are_detected() {
        let t = sines(&[(852.0, -28.0), (1477.0, -30.0)], 8000, ms(100));
        assert_eq!(detect_digits(&t, 8000), "9");
    }

    #[test]
    fn keys_within_frequency_tolerance_are_detected() {
        // Signalling equipment is allowed 1.5 % frequency error.
        for rate in [8000, 16000] {
            for k in KEYS {
                let (low, high) = frequencies(k).unwrap();
                for factor in [0.985, 1.015] {
                    let t = sines(&[(low * factor, -9.0), (high * factor, -9.0)], rate, ms(80));
                    assert_eq!(
                        detect_digits(&t, rate),
                        k.to_string(),
                        "{k} x{factor} at {rate}"
                    );
                }
            }
        }
    }

    #[test]
    fn odd_rates_do_not_panic() {
        for rate in [0, 1, 100, 4000, 44100, u32::MAX] {
            let mut d = Detector::new(rate);
            let _ = d.push(&noise(5000, 20000.0));
            let _ = d.finish();
            let _ = tone('1', ms(10), rate.min(48000));
        }
    }

    proptest! {
        #[test]
        fn push_never_panics(
            samples in proptest::collection::vec(any::<i16>(), 0..3000),
            chunks in proptest::collection::vec(0usize..400, 1..20),
            rate in prop_oneof![Just(8000u32), Just(16000u32), 0u32..100_000],
        ) {
            let mut whole = Detector::new(rate);
            let want = whole.push(&samples);
            let mut d = Detector::new(rate);
            let mut got = Vec::new();
            let mut rest = &samples[..];
            for &c in chunks.iter().cycle().take(10_000) {
                if rest.is_empty() {
                    break;
                }
                let c = c.min(rest.len());
                got.extend(d.push(&rest[..c]));
                rest = &rest[c..];
            }
            got.extend(d.push(rest));
            prop_assert_eq!(got, want);
        }
    }
}
