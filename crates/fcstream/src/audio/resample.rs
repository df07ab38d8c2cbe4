//! Sample-rate conversion between a clip's own rate and a call's (8 or 16 kHz).
//!
//! Prompts and music usually come at 22.05, 44.1 or 48 kHz while a call carries 8 or 16 kHz,
//! so every [`super::Audio::convert`] across rates lands here. Conversion is done by
//! [`rubato`]'s synchronous FFT resampler: band-limited (anything above the lower Nyquist
//! frequency is removed before downsampling, so it does not fold back as aliasing), with the
//! filter's delay trimmed off so a clip keeps its timing, and an output length of exactly
//! `round(len * to / from)` samples.

use rubato::audioadapter_buffers::direct::InterleavedSlice;
use rubato::{Fft, FixedSync, Resampler};

use super::AudioError;

/// The highest sample rate accepted on either side. It bounds the FFT block size, which is
/// `rate / gcd(from, to)` for awkward rate pairs.
pub const MAX_RATE: u32 = 768_000;

/// Target chunk size handed to the FFT resampler: large enough for a sharp anti-aliasing
/// filter (its cutoff sits within a few percent of the lower Nyquist frequency).
const CHUNK: usize = 2048;

/// The input chunk (one FFT block) for a rate pair: a multiple of the smallest block the
/// ratio allows, at least [`CHUNK`], and an even multiple so that both block sizes are even.
/// With even blocks the filter is centred on a whole sample on both sides and the trimmed
/// delay is exact; an odd block leaves a fraction of a sample of skew.
fn chunk_size(from: u32, to: u32) -> usize {
    let min_in = (from / gcd(from, to)) as usize;
    let blocks = CHUNK.div_ceil(min_in).max(2);
    (blocks + blocks % 2) * min_in
}

fn gcd(mut a: u32, mut b: u32) -> u32 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// The number of output samples [`resample`] produces for `len` input samples:
/// `round(len * to / from)` (0 when `from` is 0).
///
/// ```
/// use fcstream::audio::resample::output_len;
/// assert_eq!(output_len(16000, 16000, 8000), 8000);
/// assert_eq!(output_len(441, 44100, 8000), 80);
/// ```
pub fn output_len(len: usize, from: u32, to: u32) -> usize {
    if from == 0 {
        return 0;
    }
    let num = len as u128 * u128::from(to);
    let den = u128::from(from);
    usize::try_from((num + den / 2) / den).unwrap_or(usize::MAX)
}

/// Resamples mono 16-bit audio from `from` Hz to `to` Hz with a band-limited filter.
///
/// The result has exactly `round(samples.len() * to / from)` samples, lines up in time with
/// the input (the filter delay is compensated) and is clamped to the `i16` range. The same
/// rate returns a copy; empty input returns an empty vector. A rate of 0 or above
/// [`MAX_RATE`] is an [`AudioError::Resample`].
///
/// ```
/// use fcstream::audio::resample::resample;
/// let wide = vec![1000i16; 1600]; // 100 ms at 16 kHz
/// let narrow = resample(&wide, 16000, 8000).unwrap();
/// assert_eq!(narrow.len(), 800);
/// assert!(resample(&wide, 0, 8000).is_err());
/// ```
pub fn resample(samples: &[i16], from: u32, to: u32) -> Result<Vec<i16>, AudioError> {
    let err = |reason: String| AudioError::Resample { from, to, reason };
    check_rates(from, to)?;
    if from == to {
        return Ok(samples.to_vec());
    }
    if samples.is_empty() {
        return Ok(Vec::new());
    }

    let chunk = chunk_size(from, to);
    let mut resampler = Fft::<f64>::new(from as usize, to as usize, chunk, 1, FixedSync::Both)
        .map_err(|e| err(e.to_string()))?;
    let input: Vec<f64> = samples.iter().map(|&s| f64::from(s)).collect();
    let adapter = InterleavedSlice::new(&input, 1, input.len()).map_err(|e| err(e.to_string()))?;
    let output = resampler
        .process_all(&adapter, input.len(), None)
        .map_err(|e| err(e.to_string()))?;
    let mut out: Vec<i16> = output
        .take_data()
        .into_iter()
        .map(|x| x.round().clamp(f64::from(i16::MIN), f64::from(i16::MAX)) as i16)
        .collect();
    // rubato returns ceil(len * ratio) samples; the wanted length never exceeds that, but
    // pad defensively in case of a one-sample shortfall.
    out.resize(output_len(samples.len(), from, to), 0);
    Ok(out)
}

/// Refuses a rate of 0 or above [`MAX_RATE`].
fn check_rates(from: u32, to: u32) -> Result<(), AudioError> {
    let err = |reason: String| AudioError::Resample { from, to, reason };
    if from == 0 || to == 0 {
        return Err(err("sample rates must be above 0 Hz".into()));
    }
    if from > MAX_RATE || to > MAX_RATE {
        return Err(err(format!(
            "sample rates above {MAX_RATE} Hz are not supported"
        )));
    }
    Ok(())
}

/// Resamples a stream piece by piece: the same band-limited FFT filter as [`resample`], with its
/// state carried from one piece to the next, so that a stream cut into 20 ms chunks comes out
/// as if it had been converted whole (no clicks at chunk edges).
///
/// Output lags input by less than one internal block (about 40 ms); [`StreamResampler::flush`]
/// returns the rest. Over a whole stream, the output has exactly `round(n * to / from)` samples
/// for `n` samples in, lined up in time like [`resample`]'s.
///
/// ```
/// use fcstream::audio::resample::StreamResampler;
/// let mut up = StreamResampler::new(8000, 16000).unwrap();
/// let mut out = Vec::new();
/// for _ in 0..10 {
///     out.extend(up.process(&[1000i16; 160]).unwrap()); // 20 ms at 8 kHz
/// }
/// out.extend(up.flush().unwrap());
/// assert_eq!(out.len(), 3200); // 200 ms at 16 kHz
/// ```
pub struct StreamResampler {
    /// Input rate (Hz).
    from: u32,
    /// Output rate (Hz).
    to: u32,
    /// The filter, `None` when the rates are equal (samples pass through).
    fft: Option<Fft<f64>>,
    /// Input samples waiting for a whole block.
    pending: Vec<f64>,
    /// Output samples still to drop: the filter's delay, trimmed once at the start.
    skip: usize,
    /// Input samples taken so far.
    taken: u64,
    /// Output samples returned so far.
    given: u64,
}

impl std::fmt::Debug for StreamResampler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StreamResampler")
            .field("from", &self.from)
            .field("to", &self.to)
            .field("pending", &self.pending.len())
            .finish()
    }
}

impl StreamResampler {
    /// A resampler from `from` Hz to `to` Hz. A rate of 0 or above [`MAX_RATE`] is an
    /// [`AudioError::Resample`].
    pub fn new(from: u32, to: u32) -> Result<Self, AudioError> {
        let err = |reason: String| AudioError::Resample { from, to, reason };
        check_rates(from, to)?;
        let (fft, skip) = if from == to {
            (None, 0)
        } else {
            // Blocks of about 40 ms (a whole number of the ratio's smallest block) keep the
            // delay short and the filter sharp enough for speech.
            let min_in = (from / gcd(from, to)) as usize;
            let chunk = (from as usize / 25).div_ceil(min_in).max(2) * min_in;
            let fft = Fft::<f64>::new(from as usize, to as usize, chunk, 1, FixedSync::Both)
                .map_err(|e| err(e.to_string()))?;
            let skip = fft.output_delay();
            (Some(fft), skip)
        };
        Ok(Self {
            from,
            to,
            fft,
            pending: Vec::new(),
            skip,
            taken: 0,
            given: 0,
        })
    }

    /// Takes `samples` and returns what is ready of the output (possibly nothing yet).
    pub fn process(&mut self, samples: &[i16]) -> Result<Vec<i16>, AudioError> {
        self.taken += samples.len() as u64;
        if self.fft.is_none() {
            self.given += samples.len() as u64;
            return Ok(samples.to_vec());
        }
        self.pending.extend(samples.iter().map(|&s| f64::from(s)));
        let mut out = Vec::new();
        self.run_blocks(&mut out)?;
        self.given += out.len() as u64;
        Ok(out)
    }

    /// Ends the stream: returns the output still held back, so that the whole output has
    /// `round(n * to / from)` samples. The resampler can then start a new stream.
    pub fn flush(&mut self) -> Result<Vec<i16>, AudioError> {
        let total = output_len(
            usize::try_from(self.taken).unwrap_or(usize::MAX),
            self.from,
            self.to,
        ) as u64;
        let mut out = Vec::new();
        if let Some(fft) = &self.fft {
            let block = fft.input_frames_next();
            // Zeros push the last real samples (and the filter's tail) out.
            while self.given + (out.len() as u64) < total {
                let missing = block - self.pending.len() % block;
                self.pending.resize(self.pending.len() + missing, 0.0);
                self.run_blocks(&mut out)?;
            }
        }
        let keep = usize::try_from(total.saturating_sub(self.given)).unwrap_or(usize::MAX);
        out.truncate(keep);
        self.given += out.len() as u64;
        // Ready for a new stream.
        self.pending.clear();
        self.taken = 0;
        self.given = 0;
        if let Some(fft) = &mut self.fft {
            fft.reset();
            self.skip = fft.output_delay();
        }
        Ok(out)
    }

    /// Runs every whole block of `pending` through the filter into `out`.
    fn run_blocks(&mut self, out: &mut Vec<i16>) -> Result<(), AudioError> {
        let (from, to) = (self.from, self.to);
        let err = |reason: String| AudioError::Resample { from, to, reason };
        let Some(fft) = &mut self.fft else {
            return Ok(());
        };
        let block = fft.input_frames_next();
        let mut used = 0;
        while self.pending.len() - used >= block {
            let input = &self.pending[used..used + block];
            let adapter = InterleavedSlice::new(input, 1, block).map_err(|e| err(e.to_string()))?;
            let produced = fft
                .process(&adapter, None)
                .map_err(|e| err(e.to_string()))?;
            used += block;
            let data = produced.take_data();
            let drop = self.skip.min(data.len());
            self.skip -= drop;
            out.extend(
                data[drop..]
                    .iter()
                    .map(|x| x.round().clamp(f64::from(i16::MIN), f64::from(i16::MAX)) as i16),
            );
        }
        self.pending.drain(..used);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f64::consts::PI;

    fn sine(freq: f64, rate: u32, secs: f64, amp: f64) -> Vec<i16> {
        let n = (secs * f64::from(rate)).round() as usize;
        (0..n)
            .map(|i| (amp * (2.0 * PI * freq * i as f64 / f64::from(rate)).sin()).round() as i16)
            .collect()
    }

    /// The middle half of a signal, away from the edges.
    fn middle(x: &[i16]) -> &[i16] {
        &x[x.len() / 4..x.len() * 3 / 4]
    }

    fn rms(x: &[i16]) -> f64 {
        (x.iter().map(|&s| f64::from(s).powi(2)).sum::<f64>() / x.len() as f64).sqrt()
    }

    fn db(a: f64, b: f64) -> f64 {
        20.0 * (a / b).log10()
    }

    /// Frequency from the mean spacing of rising zero crossings (linearly interpolated).
    fn frequency(x: &[i16], rate: u32) -> f64 {
        let mut crossings = Vec::new();
        for i in 1..x.len() {
            let (a, b) = (f64::from(x[i - 1]), f64::from(x[i]));
            if a < 0.0 && b >= 0.0 {
                crossings.push((i - 1) as f64 + a / (a - b));
            }
        }
        let (first, last) = (crossings[0], crossings[crossings.len() - 1]);
        (crossings.len() - 1) as f64 * f64::from(rate) / (last - first)
    }

    fn check_tone(freq: f64, from: u32, to: u32) {
        let input = sine(freq, from, 1.0, 10000.0);
        let out = resample(&input, from, to).unwrap();
        assert_eq!(out.len(), output_len(input.len(), from, to));
        let f = frequency(middle(&out), to);
        assert!((f - freq).abs() / freq < 0.01, "{from}->{to}: {f} Hz");
        let level = db(rms(middle(&out)), rms(middle(&input)));
        assert!(level.abs() < 1.0, "{from}->{to}: level {level} dB");
        // No delay: the output matches the ideal tone at the new rate sample by sample.
        let ideal = sine(freq, to, 1.0, 10000.0);
        let m = out.len() / 4..out.len() * 3 / 4;
        let err: Vec<i16> = m.clone().map(|i| out[i].saturating_sub(ideal[i])).collect();
        assert!(
            db(rms(&err), 10000.0 / 2f64.sqrt()) < -30.0,
            "{from}->{to}: output is not aligned with the input"
        );
    }

    #[test]
    fn tone_keeps_frequency_level_and_timing() {
        check_tone(1000.0, 8000, 16000);
        check_tone(1000.0, 16000, 8000);
        check_tone(1000.0, 44100, 8000);
        check_tone(1000.0, 48000, 16000);
        check_tone(1000.0, 22050, 16000);
        check_tone(1000.0, 11025, 8000);
        check_tone(1000.0, 32000, 16000);
        check_tone(1000.0, 8000, 44100);
    }

    #[test]
    fn passband_edge_keeps_level() {
        let input = sine(3500.0, 16000, 1.0, 10000.0);
        let out = resample(&input, 16000, 8000).unwrap();
        let level = db(rms(middle(&out)), rms(middle(&input)));
        assert!(level.abs() < 1.0, "3.5 kHz level {level} dB");
    }

    #[test]
    fn downsampling_removes_aliases() {
        // 6 kHz does not exist at 8 kHz; without filtering it would fold to 2 kHz.
        let input = sine(6000.0, 16000, 1.0, 10000.0);
        let out = resample(&input, 16000, 8000).unwrap();
        let level = db(rms(middle(&out)), rms(middle(&input)));
        assert!(level < -30.0, "6 kHz leaks through at {level} dB");
        let input = sine(10000.0, 44100, 1.0, 10000.0);
        let out = resample(&input, 44100, 16000).unwrap();
        let level = db(rms(middle(&out)), rms(middle(&input)));
        assert!(level < -30.0, "10 kHz leaks through at {level} dB");
    }

    #[test]
    fn exact_lengths() {
        for from in [8000, 11025, 16000, 22050, 32000, 44100, 48000] {
            for to in [8000, 16000] {
                for len in [0usize, 1, 2, 7, 160, 441, 1000, 4410, 12345] {
                    let input = vec![100i16; len];
                    let out = resample(&input, from, to).unwrap();
                    assert_eq!(
                        out.len(),
                        output_len(len, from, to),
                        "{from}->{to} len {len}"
                    );
                }
            }
        }
        assert_eq!(resample(&[0; 8000], 8000, 16000).unwrap().len(), 16000);
        assert_eq!(resample(&[0; 16000], 16000, 8000).unwrap().len(), 8000);
    }

    #[test]
    fn same_rate_is_a_copy_and_bad_rates_fail() {
        let x = [1i16, -2, 3];
        assert_eq!(resample(&x, 8000, 8000).unwrap(), x);
        assert!(matches!(
            resample(&x, 0, 8000),
            Err(AudioError::Resample { from: 0, .. })
        ));
        assert!(matches!(
            resample(&[], 8000, 0),
            Err(AudioError::Resample { to: 0, .. })
        ));
        assert!(resample(&x, MAX_RATE + 1, 8000).is_err());
        assert!(resample(&[], 44100, 8000).unwrap().is_empty());
    }

    #[test]
    fn full_scale_input_is_clamped_not_wrapped() {
        // A full-scale square wave overshoots (Gibbs) after filtering; it must clamp.
        let input: Vec<i16> = (0..4000)
            .map(|i| {
                if (i / 20) % 2 == 0 {
                    i16::MAX
                } else {
                    i16::MIN
                }
            })
            .collect();
        let out = resample(&input, 16000, 8000).unwrap();
        assert_eq!(out.len(), 2000);
        // Where the input is high the output must not have wrapped to a large negative value.
        for (i, &s) in out.iter().enumerate().skip(20).take(1900) {
            let src = input[i * 2];
            if src == i16::MAX && input[i * 2 + 5] == i16::MAX && input[i * 2 - 5] == i16::MAX {
                assert!(s > 0, "sample {i} wrapped to {s}");
            }
        }
    }

    #[test]
    fn stream_matches_length_and_content_of_whole() {
        for (from, to) in [(8000, 16000), (16000, 8000), (22050, 8000), (44100, 16000)] {
            let x = sine(440.0, from, 0.5, 8000.0);
            let whole = resample(&x, from, to).unwrap();
            let mut s = StreamResampler::new(from, to).unwrap();
            let mut out = Vec::new();
            for piece in x.chunks(173) {
                out.extend(s.process(piece).unwrap());
            }
            out.extend(s.flush().unwrap());
            assert_eq!(out.len(), whole.len(), "{from}->{to}");
            // Same tone, same timing: the middle agrees closely with the batch result.
            let a = middle(&out);
            let b = middle(&whole);
            let err: f64 = a
                .iter()
                .zip(b)
                .map(|(&p, &q)| (f64::from(p) - f64::from(q)).abs())
                .sum::<f64>()
                / a.len() as f64;
            assert!(err < 200.0, "{from}->{to}: mean abs difference {err}");
        }
    }

    #[test]
    fn stream_same_rate_passes_through_and_rejects_zero() {
        let mut s = StreamResampler::new(8000, 8000).unwrap();
        assert_eq!(s.process(&[1, 2, 3]).unwrap(), vec![1, 2, 3]);
        assert!(s.flush().unwrap().is_empty());
        assert!(StreamResampler::new(0, 8000).is_err());
    }
}
