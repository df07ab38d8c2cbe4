//! The caller's voice: turns the script's audio segments and key presses into the samples of
//! each 20 ms frame, at the call's rate.
//!
//! WAV files are read and resampled once, before the call starts (so a bad file fails the
//! call before it dials). Tones are computed sample by sample so that an endless tone costs
//! nothing up front. During a key press the key's DTMF tone replaces the caller's voice, as a
//! handset does.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use fcstream::audio::{dtmf, resample, wav, AudioError};

use crate::script::{KeyPress, Script, Source};

/// Peak amplitude of generated tones (about -6 dBFS, as `fcstream::Audio::tone`).
const TONE_PEAK: f64 = 16384.0;

/// One segment, ready to render.
#[derive(Debug, Clone)]
enum Part {
    /// Precomputed samples starting at `start`.
    Pcm { start: u64, samples: Arc<Vec<i16>> },
    /// A tone from `start`, until `end` (exclusive) or forever.
    Tone {
        start: u64,
        end: Option<u64>,
        hz: f64,
    },
}

/// The caller's audio for one call. See the module docs.
#[derive(Debug, Clone)]
pub struct CallerAudio {
    /// The call's rate.
    rate: u32,
    /// Segments.
    parts: Vec<Part>,
    /// Key presses: (first sample, tone samples).
    keys: Vec<(u64, Vec<i16>)>,
}

fn at_sample(t: Duration, rate: u32) -> u64 {
    u64::try_from(t.as_nanos() * u128::from(rate) / 1_000_000_000).unwrap_or(u64::MAX)
}

fn samples_for(d: Duration, rate: u32) -> usize {
    usize::try_from(at_sample(d, rate)).unwrap_or(usize::MAX)
}

/// A linear sweep.
pub fn chirp(from_hz: f64, to_hz: f64, duration: Duration, rate: u32) -> Vec<i16> {
    let n = samples_for(duration, rate);
    let r = f64::from(rate);
    let len = n as f64 / r;
    (0..n)
        .map(|i| {
            let t = i as f64 / r;
            let phase = 2.0
                * std::f64::consts::PI
                * (from_hz * t + (to_hz - from_hz) * t * t / (2.0 * len.max(1e-9)));
            (TONE_PEAK * phase.sin() * fade(i, n, rate)) as i16
        })
        .collect()
}

/// Speech-like babble: harmonics of `pitch_hz` shaped by two formants, in syllables.
pub fn babble(pitch_hz: f64, duration: Duration, rate: u32) -> Vec<i16> {
    let n = samples_for(duration, rate);
    let r = f64::from(rate);
    let two_pi = 2.0 * std::f64::consts::PI;
    // Formant pairs of a few vowels (a, e, i, o, u), Hz.
    const VOWELS: [(f64, f64); 5] = [
        (730.0, 1090.0),
        (530.0, 1840.0),
        (270.0, 2290.0),
        (570.0, 840.0),
        (300.0, 870.0),
    ];
    let syllable = 0.2;
    let mut phase = 0.0f64;
    (0..n)
        .map(|i| {
            let t = i as f64 / r;
            let s = (t / syllable) as usize;
            let (f1, f2) = VOWELS[(s * 3 + 1) % VOWELS.len()];
            // Pitch glides a little within the syllable, like intonation.
            let f0 = pitch_hz * (1.0 + 0.08 * (two_pi * 0.7 * t).sin());
            phase += two_pi * f0 / r;
            let mut v = 0.0;
            let mut k = 1.0;
            while k * f0 < (r / 2.0).min(3500.0) {
                let f = k * f0;
                let gain = 1.0 / (1.0 + ((f - f1) / 120.0).powi(2))
                    + 0.5 / (1.0 + ((f - f2) / 150.0).powi(2))
                    + 0.02;
                v += gain * (k * phase).sin();
                k += 1.0;
            }
            let within = (t % syllable) / syllable;
            let envelope = (std::f64::consts::PI * within).sin().powf(0.6);
            (TONE_PEAK * 0.45 * v * envelope * fade(i, n, rate)).clamp(-32000.0, 32000.0) as i16
        })
        .collect()
}

/// A 5 ms fade in and out, so generated sounds do not click.
fn fade(i: usize, n: usize, rate: u32) -> f64 {
    let f = samples_for(Duration::from_millis(5), rate).max(1);
    let edge = i.min(n.saturating_sub(1 + i));
    if edge < f {
        edge as f64 / f as f64
    } else {
        1.0
    }
}

impl CallerAudio {
    /// Prepares the script's audio at `rate`: reads and converts WAV files, precomputes
    /// finite sounds and key tones.
    pub fn prepare(script: &Script, rate: u32) -> Result<Self, AudioError> {
        let mut parts = Vec::new();
        for seg in &script.audio {
            let start = at_sample(seg.at, rate);
            let pcm = |samples: Vec<i16>| Part::Pcm {
                start,
                samples: Arc::new(samples),
            };
            parts.push(match &seg.source {
                Source::Wav(path) => pcm(load_wav(path, rate)?),
                Source::Pcm {
                    rate: from,
                    samples,
                } => {
                    if *from == rate {
                        Part::Pcm {
                            start,
                            samples: samples.clone(),
                        }
                    } else {
                        pcm(resample::resample(samples, *from, rate)?)
                    }
                }
                Source::Tone { hz, duration } => Part::Tone {
                    start,
                    end: duration.map(|d| start + at_sample(d, rate)),
                    hz: *hz,
                },
                Source::Chirp {
                    from_hz,
                    to_hz,
                    duration,
                } => pcm(chirp(*from_hz, *to_hz, *duration, rate)),
                Source::Babble { pitch_hz, duration } => pcm(babble(*pitch_hz, *duration, rate)),
            });
        }
        let keys = script
            .dtmf
            .iter()
            .map(|k: &KeyPress| {
                let tone = dtmf::tone(k.digit, k.duration, rate).unwrap_or_default();
                (at_sample(k.at, rate), tone)
            })
            .collect();
        Ok(Self { rate, parts, keys })
    }

    /// The length of the finite audio (for a script that hangs up when it ends), ignoring
    /// endless tones.
    pub fn finite_end(&self) -> Duration {
        let end = self
            .parts
            .iter()
            .filter_map(|p| match p {
                Part::Pcm { start, samples } => Some(start + samples.len() as u64),
                Part::Tone { end, .. } => *end,
            })
            .chain(self.keys.iter().map(|(s, t)| s + t.len() as u64))
            .max()
            .unwrap_or(0);
        Duration::from_nanos(end * 1_000_000_000 / u64::from(self.rate.max(1)))
    }

    /// The samples `[from, from + n)` of the caller's audio: the voice, with key tones in
    /// place of it while keys are pressed.
    pub fn render(&self, from: u64, n: usize) -> Vec<i16> {
        let mut out = self.mix(from, n);
        self.keys_over(from, &mut out, |tone| tone);
        out
    }

    /// The samples `[from, from + n)` of the caller's voice alone: the script's audio
    /// segments, mixed, and silence while a key is pressed (where [`render`](Self::render)
    /// has the key's tone). What the call's speech timing listens to: key tones are not
    /// speech.
    pub fn render_voice(&self, from: u64, n: usize) -> Vec<i16> {
        let mut out = self.mix(from, n);
        self.keys_over(from, &mut out, |_| 0);
        out
    }

    /// Replaces the samples of `out` (which starts at sample `from`) that fall while a key
    /// is pressed with `key(tone sample)`.
    fn keys_over(&self, from: u64, out: &mut [i16], key: impl Fn(i16) -> i16) {
        let to = from + out.len() as u64;
        for (start, tone) in &self.keys {
            let end = start + tone.len() as u64;
            for s in from.max(*start)..to.min(end) {
                out[(s - from) as usize] = key(tone[(s - start) as usize]);
            }
        }
    }

    /// The script's audio segments, mixed, over `[from, from + n)`.
    fn mix(&self, from: u64, n: usize) -> Vec<i16> {
        let mut acc = vec![0i32; n];
        let to = from + n as u64;
        for part in &self.parts {
            match part {
                Part::Pcm { start, samples } => {
                    let end = start + samples.len() as u64;
                    let (a, b) = (from.max(*start), to.min(end));
                    for s in a..b {
                        acc[(s - from) as usize] += i32::from(samples[(s - start) as usize]);
                    }
                }
                Part::Tone { start, end, hz } => {
                    let b = end.map_or(to, |e| to.min(e));
                    let r = f64::from(self.rate);
                    for s in from.max(*start)..b {
                        let t = (s - start) as f64 / r;
                        let v = TONE_PEAK * (2.0 * std::f64::consts::PI * hz * t).sin();
                        acc[(s - from) as usize] += v as i32;
                    }
                }
            }
        }
        acc.into_iter()
            .map(|v| v.clamp(i32::from(i16::MIN), i32::from(i16::MAX)) as i16)
            .collect()
    }
}

/// Reads a WAV and converts it to `rate`.
fn load_wav(path: &Path, rate: u32) -> Result<Vec<i16>, AudioError> {
    let (from, samples) = wav::read_file(path)?;
    if from == rate {
        Ok(samples)
    } else {
        resample::resample(&samples, from, rate)
    }
}

/// The length of a WAV file, for scripts that hang up when the audio ends.
pub fn wav_duration(path: &Path) -> Option<Duration> {
    let (rate, samples) = wav::read_file(path).ok()?;
    Some(Duration::from_secs_f64(
        samples.len() as f64 / f64::from(rate.max(1)),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use fcstream::ContentType;

    #[test]
    fn segments_mix_and_keys_replace() {
        let ms = Duration::from_millis;
        let script = Script::new(ContentType::Mulaw8k)
            .say(
                ms(0),
                Source::Tone {
                    hz: 500.0,
                    duration: Some(ms(100)),
                },
            )
            .say(
                ms(200),
                Source::Chirp {
                    from_hz: 300.0,
                    to_hz: 900.0,
                    duration: ms(100),
                },
            )
            .press('5', ms(400), ms(100));
        let c = CallerAudio::prepare(&script, 8000).unwrap();
        assert_eq!(c.finite_end(), ms(500));
        let all = c.render(0, 8000);
        let rms = |a: &[i16]| {
            (a.iter().map(|&s| f64::from(s).powi(2)).sum::<f64>() / a.len() as f64).sqrt()
        };
        assert!(rms(&all[0..800]) > 5000.0);
        assert!(rms(&all[800..1600]) == 0.0);
        assert!(rms(&all[1600..2400]) > 5000.0);
        assert_eq!(dtmf::detect_digits(&all, 8000), "5");
        // Rendering in pieces gives the same samples.
        let pieces: Vec<i16> = (0..50).flat_map(|k| c.render(k * 160, 160)).collect();
        assert_eq!(pieces, all);
        // The voice alone: the same, but silent during the key press.
        let voice = c.render_voice(0, 8000);
        assert_eq!(voice[..3200], all[..3200]);
        assert!(voice[3200..4000].iter().all(|&s| s == 0));
        assert_eq!(dtmf::detect_digits(&voice, 8000), "");
    }

    #[test]
    fn endless_tone_has_no_end() {
        let script = Script::new(ContentType::L16At16k).say(
            Duration::ZERO,
            Source::Tone {
                hz: 440.0,
                duration: None,
            },
        );
        let c = CallerAudio::prepare(&script, 16000).unwrap();
        assert_eq!(c.finite_end(), Duration::ZERO);
        assert!(c.render(16000 * 3600, 320).iter().any(|&s| s != 0));
    }

    #[test]
    fn babble_is_voiced_and_bounded() {
        let b = babble(140.0, Duration::from_secs(1), 8000);
        assert_eq!(b.len(), 8000);
        assert!(b.iter().any(|&s| s.unsigned_abs() > 3000));
        assert_eq!(dtmf::detect_digits(&b, 8000), "");
    }
}
