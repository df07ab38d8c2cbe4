//! Voice activity detection: is the caller speaking right now?
//!
//! A voice agent has to stop talking when the caller starts (barge-in), and has to know when
//! the caller has finished so it can answer. A speech recogniser says *what* was said, but
//! late (hundreds of milliseconds) and sometimes not at all for a cough or an "uh"; barge-in
//! wants *that* something was said, within a few tens of milliseconds, without a model. This
//! module is that cheap, deterministic detector.
//!
//! # The detector
//!
//! [`Vad`] takes caller audio (PCM16 mono at [`VadConfig::sample_rate`], 8 or 16 kHz in
//! practice) in pieces of any length and cuts it into frames of [`VadConfig::frame`] (10 ms by
//! default). For each frame it:
//!
//! 1. measures the frame's level: its RMS in dBFS (0 dBFS is a full-scale square wave; digital
//!    silence is clamped to [`SILENCE_DBFS`]);
//! 2. compares the level with a threshold, `max(noise_floor + margin_db, min_level_dbfs)`:
//!    above it the frame is *loud*, otherwise *quiet*;
//! 3. updates the noise floor, which tracks the minimum of the level: it drops to a quieter
//!    frame's level at once, and rises towards louder ones only slowly
//!    ([`VadConfig::noise_rise_db_per_s`]), so a line that gets noisier is learned in seconds
//!    while speech, which has pauses, never is. The floor starts at, and never goes below,
//!    `min_level_dbfs - margin_db`, where it stops mattering.
//!
//! The absolute minimum ([`VadConfig::min_level_dbfs`], -45 dBFS by default) keeps line and
//! comfort noise (typically -60 to -50 dBFS) and near-silence from ever counting as speech, even
//! before the floor has learned the line; the margin above the floor keeps a noisier line from
//! counting.
//!
//! Hysteresis turns loud/quiet frames into [`VadEvent`]s:
//!
//! - speech *starts* after [`VadConfig::start_after`] of consecutive loud frames (60 ms by
//!   default: a click or a clipped noise burst is shorter); the event's time is the first loud
//!   frame of that run, not the moment it was confirmed;
//! - speech *ends* after [`VadConfig::end_after`] of consecutive quiet frames (400 ms by default:
//!   longer than the gaps between words); the event's time is the first quiet frame.
//!
//! Events therefore arrive `start_after` (or `end_after`) after the time they carry. Times are
//! positions on the sample clock of the audio pushed so far (`samples / sample_rate`), so the
//! detector is a pure function of its input: the same audio gives the same events however it
//! is split into pieces, and no wall clock is read.
//!
//! ```
//! use std::time::Duration;
//! use fcstream_speech::vad::{Vad, VadConfig, VadEvent};
//!
//! let mut vad = Vad::new(VadConfig::default()); // 8 kHz
//! assert!(vad.push(&[0; 8000]).is_empty()); // a second of silence
//! // Half a second of a loud 440 Hz tone.
//! let tone: Vec<i16> = (0..4000)
//!     .map(|i| ((i as f32 * 440.0 * std::f32::consts::TAU / 8000.0).sin() * 3000.0) as i16)
//!     .collect();
//! assert_eq!(vad.push(&tone), [VadEvent::SpeechStarted { at: Duration::from_secs(1) }]);
//! assert!(vad.in_speech());
//! let events = vad.push(&[0; 8000]);
//! assert_eq!(events, [VadEvent::SpeechEnded { at: Duration::from_millis(1500) }]);
//! ```

use std::time::Duration;

#[cfg(feature = "neural-vad")]
pub mod neural;

/// The level given to a frame of digital silence (all zeros), in dBFS. Any non-zero 16-bit
/// signal is louder than this.
pub const SILENCE_DBFS: f32 = -100.0;

/// How a [`Vad`] decides what is speech. The defaults suit telephone speech (about -20 dBFS
/// when spoken, e.g. espeak-ng's) over a line whose noise is below -50 dBFS.
#[derive(Debug, Clone, PartialEq)]
pub struct VadConfig {
    /// Samples per second of the audio pushed (mono, 16-bit). Default 8000.
    pub sample_rate: u32,
    /// The analysis frame: the level is measured once per frame. Default 10 ms. Rounded to
    /// whole samples (at least one).
    pub frame: Duration,
    /// Loud audio must last this long, uninterrupted, before speech starts. Default 60 ms.
    /// Shorter clicks and bursts are ignored; longer values mean later barge-in.
    pub start_after: Duration,
    /// Quiet audio must last this long, uninterrupted, before speech ends. Default 400 ms:
    /// longer than the pauses between words, so one utterance gives one start and one end.
    pub end_after: Duration,
    /// How far above the noise floor a frame must be to be loud, in dB. Default 10.
    pub margin_db: f32,
    /// A frame quieter than this (dBFS) is never loud, whatever the noise floor. Default -45:
    /// above line and comfort noise, below the quiet parts of speech.
    pub min_level_dbfs: f32,
    /// How fast the noise floor may rise towards louder frames, in dB per second of audio
    /// (it falls to quieter frames at once). Default 2: a noisier line is learned in seconds,
    /// speech (with its pauses) is not mistaken for noise.
    pub noise_rise_db_per_s: f32,
}

impl VadConfig {
    /// A detector for audio at `sample_rate` Hz, other settings default.
    pub fn new(sample_rate: u32) -> Self {
        Self {
            sample_rate,
            ..Self::default()
        }
    }
}

impl Default for VadConfig {
    fn default() -> Self {
        Self {
            sample_rate: 8000,
            frame: Duration::from_millis(10),
            start_after: Duration::from_millis(60),
            end_after: Duration::from_millis(400),
            margin_db: 10.0,
            min_level_dbfs: -45.0,
            noise_rise_db_per_s: 2.0,
        }
    }
}

/// A change in whether the caller is speaking. Times are positions in the audio pushed so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VadEvent {
    /// Speech began at `at`: the first loud frame of the run that confirmed it (the event
    /// itself is reported [`VadConfig::start_after`] later).
    SpeechStarted {
        /// Where speech began.
        at: Duration,
    },
    /// Speech ended at `at`: the first quiet frame of the run that confirmed it (the event
    /// itself is reported [`VadConfig::end_after`] later).
    SpeechEnded {
        /// Where speech ended.
        at: Duration,
    },
}

/// An energy-based voice activity detector (see the [module docs](self)). Feed it a call's
/// audio in order with [`push`](Vad::push); it returns when speech starts and ends.
#[derive(Debug, Clone)]
pub struct Vad {
    config: VadConfig,
    /// Samples per frame (at least 1).
    frame_len: usize,
    /// Frames of loud audio needed to start, of quiet audio needed to end (at least 1 each).
    start_frames: u64,
    end_frames: u64,
    /// How much the noise floor may rise per frame, in dB.
    rise_per_frame: f32,
    /// Samples of the frame being filled.
    partial: Vec<i16>,
    /// Frames completed so far.
    frames: u64,
    noise_floor: f32,
    speaking: bool,
    /// The current run of frames that would change the state: where it began, how long it is.
    run_start: u64,
    run_len: u64,
}

impl Vad {
    /// A detector with the given configuration; nothing heard yet. Nonsensical settings (a
    /// zero sample rate or frame) are taken as the smallest workable ones rather than panicking.
    pub fn new(config: VadConfig) -> Vad {
        let rate = u64::from(config.sample_rate.max(1));
        let frame_len = ((config.frame.as_nanos() * u128::from(rate) + 500_000_000) / 1_000_000_000)
            .clamp(1, 1 << 24) as usize;
        let frame_secs = frame_len as f64 / rate as f64;
        let frames_for = |d: Duration| ((d.as_secs_f64() / frame_secs).round() as u64).max(1);
        let start_frames = frames_for(config.start_after);
        let end_frames = frames_for(config.end_after);
        let rise_per_frame = (f64::from(config.noise_rise_db_per_s) * frame_secs) as f32;
        let noise_floor = config.min_level_dbfs - config.margin_db;
        Vad {
            config,
            frame_len,
            start_frames,
            end_frames,
            rise_per_frame: if rise_per_frame.is_finite() {
                rise_per_frame.max(0.0)
            } else {
                0.0
            },
            partial: Vec::with_capacity(frame_len),
            frames: 0,
            noise_floor,
            speaking: false,
            run_start: 0,
            run_len: 0,
        }
    }

    /// Feeds the next piece of audio (any length) and returns the events it completed, in
    /// order. Started and ended alternate, beginning with [`VadEvent::SpeechStarted`].
    pub fn push(&mut self, pcm: &[i16]) -> Vec<VadEvent> {
        let mut events = Vec::new();
        let mut rest = pcm;
        while !rest.is_empty() {
            let want = self.frame_len - self.partial.len();
            let (take, after) = rest.split_at(want.min(rest.len()));
            rest = after;
            if self.partial.is_empty() && take.len() == self.frame_len {
                self.frame(take, &mut events);
            } else {
                self.partial.extend_from_slice(take);
                if self.partial.len() == self.frame_len {
                    let frame = std::mem::take(&mut self.partial);
                    self.frame(&frame, &mut events);
                    self.partial = frame;
                    self.partial.clear();
                }
            }
        }
        events
    }

    /// Whether the caller is speaking, as of the last event returned.
    pub fn in_speech(&self) -> bool {
        self.speaking
    }

    /// The current noise floor estimate, in dBFS.
    pub fn noise_floor_dbfs(&self) -> f32 {
        self.noise_floor
    }

    /// How much audio has been analysed (whole frames), on the sample clock.
    pub fn position(&self) -> Duration {
        self.time_of(self.frames)
    }

    /// The configuration in use.
    pub fn config(&self) -> &VadConfig {
        &self.config
    }

    /// The level of one frame, in dBFS.
    fn level(frame: &[i16]) -> f32 {
        let sum: f64 = frame.iter().map(|&s| f64::from(s) * f64::from(s)).sum();
        let rms = (sum / frame.len() as f64).sqrt();
        if rms <= 0.0 {
            return SILENCE_DBFS;
        }
        ((20.0 * (rms / 32768.0).log10()) as f32).max(SILENCE_DBFS)
    }

    /// Where frame `index` begins.
    fn time_of(&self, index: u64) -> Duration {
        let rate = u128::from(self.config.sample_rate.max(1));
        let samples = u128::from(index) * self.frame_len as u128;
        let nanos = samples * 1_000_000_000 / rate;
        Duration::from_nanos(u64::try_from(nanos).unwrap_or(u64::MAX))
    }

    fn frame(&mut self, frame: &[i16], events: &mut Vec<VadEvent>) {
        let index = self.frames;
        self.frames += 1;
        let level = Self::level(frame);
        let threshold = (self.noise_floor + self.config.margin_db).max(self.config.min_level_dbfs);
        let loud = level > threshold;

        // The noise floor follows the minimum: down at once, up slowly. Below
        // `min_level - margin` it would not change the threshold, so it stops there (and a
        // line that goes from digital silence to hiss is learned from there, not from -100).
        let lowest = self.config.min_level_dbfs - self.config.margin_db;
        if level < self.noise_floor {
            self.noise_floor = level.max(lowest);
        } else {
            self.noise_floor = (self.noise_floor + self.rise_per_frame).min(level);
        }

        // A frame that agrees with the current state ends any run towards the other state.
        if loud == self.speaking {
            self.run_len = 0;
            return;
        }
        if self.run_len == 0 {
            self.run_start = index;
        }
        self.run_len += 1;
        let needed = if self.speaking {
            self.end_frames
        } else {
            self.start_frames
        };
        if self.run_len >= needed {
            let at = self.time_of(self.run_start);
            self.speaking = !self.speaking;
            self.run_len = 0;
            events.push(if self.speaking {
                VadEvent::SpeechStarted { at }
            } else {
                VadEvent::SpeechEnded { at }
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A deterministic pseudo-random generator (xorshift), so tests need no seed handling.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        /// Uniform in [-1, 1).
        fn uniform(&mut self) -> f64 {
            (self.next() >> 11) as f64 / (1u64 << 52) as f64 - 1.0
        }
    }

    fn amplitude(dbfs: f64) -> f64 {
        32768.0 * 10f64.powf(dbfs / 20.0)
    }

    /// White noise whose RMS is `dbfs`.
    fn noise(rate: u32, secs: f64, dbfs: f64, seed: u64) -> Vec<i16> {
        let mut rng = Rng(seed | 1);
        // A uniform distribution on [-a, a) has RMS a / sqrt(3).
        let a = amplitude(dbfs) * 3f64.sqrt();
        (0..(secs * f64::from(rate)) as usize)
            .map(|_| (rng.uniform() * a).round() as i16)
            .collect()
    }

    /// A sine whose RMS is `dbfs`.
    fn tone(rate: u32, secs: f64, hz: f64, dbfs: f64) -> Vec<i16> {
        let a = amplitude(dbfs) * 2f64.sqrt();
        (0..(secs * f64::from(rate)) as usize)
            .map(|i| {
                let t = i as f64 / f64::from(rate);
                (a * (std::f64::consts::TAU * hz * t).sin()).round() as i16
            })
            .collect()
    }

    /// Speech-like audio at about `dbfs`: a 150 Hz-pitched buzz with harmonics whose loudness
    /// swells and dips like syllables (4 per second), never quite to silence.
    fn speechlike(rate: u32, secs: f64, dbfs: f64) -> Vec<i16> {
        let a = amplitude(dbfs) * 1.2;
        (0..(secs * f64::from(rate)) as usize)
            .map(|i| {
                let t = i as f64 / f64::from(rate);
                let envelope = 0.55 + 0.45 * (std::f64::consts::TAU * 4.0 * t).sin();
                let voice: f64 = (1..=5)
                    .map(|h| {
                        (std::f64::consts::TAU * 150.0 * f64::from(h) * t).sin() / f64::from(h)
                    })
                    .sum();
                (a * envelope * voice / 1.5).round() as i16
            })
            .collect()
    }

    fn silence(rate: u32, secs: f64) -> Vec<i16> {
        vec![0; (secs * f64::from(rate)) as usize]
    }

    fn vad(rate: u32) -> Vad {
        Vad::new(VadConfig {
            sample_rate: rate,
            ..VadConfig::default()
        })
    }

    fn push_in(vad: &mut Vad, pcm: &[i16], chunk: usize) -> Vec<VadEvent> {
        pcm.chunks(chunk.max(1)).flat_map(|c| vad.push(c)).collect()
    }

    fn near(d: Duration, secs: f64, slack_ms: f64) -> bool {
        (d.as_secs_f64() - secs).abs() * 1000.0 <= slack_ms
    }

    #[test]
    fn silence_gives_no_events() {
        for rate in [8000, 16000] {
            let mut v = vad(rate);
            assert!(v.push(&silence(rate, 5.0)).is_empty());
            assert!(!v.in_speech());
        }
    }

    #[test]
    fn line_noise_at_minus_50_dbfs_gives_no_events() {
        for rate in [8000, 16000] {
            let mut v = vad(rate);
            assert!(push_in(&mut v, &noise(rate, 10.0, -50.0, 7), 160).is_empty());
            assert!(!v.in_speech());
        }
    }

    #[test]
    fn a_noisier_line_is_learned_not_taken_for_speech_forever() {
        // -35 dBFS hiss starting mid-call may count as speech at first, but the floor rises
        // to it and speech ends; it never starts again.
        let rate = 8000;
        let mut pcm = silence(rate, 1.0);
        pcm.extend(noise(rate, 30.0, -35.0, 3));
        let mut v = vad(rate);
        let events = v.push(&pcm);
        assert!(events.len() <= 2, "{events:?}");
        assert!(!v.in_speech());
    }

    #[test]
    fn tone_burst_after_a_second_of_silence() {
        for rate in [8000, 16000] {
            let mut pcm = silence(rate, 1.0);
            pcm.extend(tone(rate, 1.5, 440.0, -20.0));
            pcm.extend(silence(rate, 1.0));
            let mut v = vad(rate);
            let events = v.push(&pcm);
            assert_eq!(events.len(), 2, "{events:?}");
            let VadEvent::SpeechStarted { at } = events[0] else {
                panic!("{events:?}")
            };
            assert!(near(at, 1.0, 20.0), "started at {at:?}");
            let VadEvent::SpeechEnded { at } = events[1] else {
                panic!("{events:?}")
            };
            assert!(near(at, 2.5, 20.0), "ended at {at:?}");
        }
    }

    #[test]
    fn speechlike_audio_over_line_noise() {
        let rate = 8000;
        let mut pcm = noise(rate, 1.0, -55.0, 11);
        let speech = speechlike(rate, 2.0, -20.0);
        let hiss = noise(rate, 2.0, -55.0, 12);
        pcm.extend(speech.iter().zip(&hiss).map(|(s, n)| s.saturating_add(*n)));
        pcm.extend(noise(rate, 1.0, -55.0, 13));
        let mut v = vad(rate);
        // Started is reported within start_after (+ a frame) of the onset.
        let (head, tail) = pcm.split_at(rate as usize + 560);
        let mut events = v.push(head);
        assert!(
            matches!(events[..], [VadEvent::SpeechStarted { at }] if near(at, 1.0, 20.0)),
            "{events:?}"
        );
        events.extend(v.push(tail));
        assert_eq!(events.len(), 2, "{events:?}");
        assert!(
            matches!(events[1], VadEvent::SpeechEnded { at } if near(at, 3.0, 20.0)),
            "{events:?}"
        );
    }

    #[test]
    fn short_clicks_do_not_start_speech() {
        let rate = 8000;
        let mut pcm = silence(rate, 0.5);
        for _ in 0..10 {
            pcm.extend(tone(rate, 0.03, 1000.0, -10.0));
            pcm.extend(silence(rate, 0.2));
        }
        assert!(vad(rate).push(&pcm).is_empty());
    }

    #[test]
    fn pauses_between_words_do_not_end_speech() {
        let rate = 8000;
        let mut pcm = silence(rate, 0.5);
        for _ in 0..4 {
            pcm.extend(tone(rate, 0.3, 300.0, -20.0));
            pcm.extend(silence(rate, 0.2));
        }
        pcm.extend(silence(rate, 1.0));
        let events = vad(rate).push(&pcm);
        assert_eq!(events.len(), 2, "{events:?}");
        assert!(matches!(events[1], VadEvent::SpeechEnded { at } if near(at, 2.3, 20.0)));
    }

    #[test]
    fn chunking_does_not_change_events() {
        let rate = 8000;
        let mut pcm = noise(rate, 0.7, -55.0, 5);
        pcm.extend(speechlike(rate, 1.3, -20.0));
        pcm.extend(noise(rate, 0.9, -55.0, 6));
        pcm.extend(tone(rate, 0.4, 700.0, -25.0));
        pcm.extend(silence(rate, 0.6));
        let whole = vad(rate).push(&pcm);
        assert_eq!(whole.len(), 4, "{whole:?}");
        for chunk in [1, 37, 79, 80, 81, 160, 333, 4000] {
            assert_eq!(push_in(&mut vad(rate), &pcm, chunk), whole, "chunk {chunk}");
        }
    }

    #[test]
    fn odd_configurations_do_not_panic() {
        for config in [
            VadConfig {
                sample_rate: 0,
                frame: Duration::ZERO,
                start_after: Duration::ZERO,
                end_after: Duration::ZERO,
                ..VadConfig::default()
            },
            VadConfig {
                sample_rate: 48_000,
                frame: Duration::from_secs(1),
                noise_rise_db_per_s: f32::NAN,
                ..VadConfig::default()
            },
        ] {
            let mut v = Vad::new(config);
            v.push(&tone(8000, 3.0, 440.0, -10.0));
            v.push(&silence(8000, 3.0));
        }
    }

    fn check_alternation(events: &[VadEvent]) -> Result<(), TestCaseError> {
        let mut last_at = Duration::ZERO;
        for (i, e) in events.iter().enumerate() {
            let at = match (i % 2, e) {
                (0, VadEvent::SpeechStarted { at }) | (1, VadEvent::SpeechEnded { at }) => *at,
                _ => return Err(TestCaseError::fail(format!("out of order: {events:?}"))),
            };
            prop_assert!(at >= last_at, "times go back: {events:?}");
            last_at = at;
        }
        Ok(())
    }

    proptest! {
        #[test]
        fn random_input_never_panics_and_events_alternate(
            // Runs of a constant-amplitude square-ish signal and random samples, so both
            // loud and quiet stretches happen.
            runs in proptest::collection::vec((0u16..2000, any::<i16>(), any::<bool>()), 0..40),
            chunk in 1usize..500,
            rate in prop_oneof![Just(8000u32), Just(16000u32)],
        ) {
            let mut pcm = Vec::new();
            let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
            for (len, amp, random) in runs {
                for i in 0..len {
                    pcm.push(if random {
                        (rng.uniform() * f64::from(amp)) as i16
                    } else if i % 2 == 0 {
                        amp
                    } else {
                        amp.saturating_neg()
                    });
                }
            }
            let mut v = vad(rate);
            let chunked = push_in(&mut v, &pcm, chunk);
            check_alternation(&chunked)?;
            prop_assert_eq!(v.in_speech(), chunked.len() % 2 == 1);
            prop_assert_eq!(vad(rate).push(&pcm), chunked);
        }
    }
}
