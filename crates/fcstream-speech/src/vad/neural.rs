//! A neural voice activity detector: [earshot](https://github.com/pykeio/earshot)'s small
//! network (pure Rust, its 75 KiB of weights compiled in, no runtime, no model file), behind
//! the same [`VadEvent`] interface as the energy detector [`Vad`](super::Vad).
//!
//! Why a second detector: an energy detector says "loud", not "speech", and needs its level
//! and noise-floor settings to fit the line. earshot scores each 16 ms frame for the presence
//! of voice whatever its level (measured on a 7 s test file: the same segments as WebRTC's and
//! Silero's detectors, within 50 ms), which is what cuts utterances for the Whisper engine and
//! drives the agent's barge-in by default. It is not a noise filter: steady broadband noise
//! scores as voice too (see [`NeuralVadConfig::threshold`]). The energy detector stays as the
//! fallback.
//!
//! The detector takes PCM16 mono at 8 or 16 kHz (anything else is resampled); the network runs
//! at 16 kHz on frames of [`FRAME`] samples. Hysteresis as in [`Vad`](super::Vad): speech
//! starts after [`NeuralVadConfig::start_after`] of frames scoring at least
//! [`NeuralVadConfig::stay_threshold`] among which one reached [`NeuralVadConfig::threshold`]
//! (the peak that tells voice from noise), ends after [`NeuralVadConfig::end_after`] of frames
//! below [`NeuralVadConfig::stay_threshold`]. Why a peak and not a run of frames above the
//! start threshold: a short word (espeak-ng's "help" at 8 kHz scores 0.60–0.78 a frame) stays
//! above a high threshold for a few 16 ms frames at most, and how many depends on where the
//! frame grid falls in the audio (the stream's start): a run rule heard it in some calls and
//! not in others. Times are on the sample clock of the audio pushed (no wall clock), so the
//! same audio gives the same events however it is split.

use std::time::Duration;

use fcstream::audio::resample::StreamResampler;

use super::VadEvent;

/// Samples per network frame (at 16 kHz: 16 ms).
pub const FRAME: usize = 256;
/// The rate the network runs at.
pub const RATE: u32 = 16_000;

/// Settings of a [`NeuralVad`].
#[derive(Debug, Clone, PartialEq)]
pub struct NeuralVadConfig {
    /// Samples per second of the audio pushed. Default 8000.
    pub sample_rate: u32,
    /// Frame score (0..=1) that a run of voice must reach once (its peak) to start speech;
    /// the run's frames need only [`stay_threshold`](Self::stay_threshold). Default 0.5,
    /// earshot's own. Measured on 8 kHz µ-law:
    /// espeak-ng, Flite and Festival speech score a median of 0.85–0.96 a frame, but steady
    /// white noise scores 0.5–0.74 too, so broadband noise still starts "speech"; a start
    /// threshold of 0.8 rejects it at the cost of later barge-in on soft onsets (it delayed
    /// espeak-ng's by about 300 ms, past the agent's 150 ms bound).
    pub threshold: f32,
    /// Frame score from which a frame still counts as voice once speech started (the lower
    /// threshold of the hysteresis, so that quiet syllables do not end it). Default 0.5.
    pub stay_threshold: f32,
    /// Voice must last this long before speech starts. Default 64 ms (4 frames).
    pub start_after: Duration,
    /// Non-voice must last this long before speech ends. Default 400 ms.
    pub end_after: Duration,
}

impl NeuralVadConfig {
    /// A detector for audio at `sample_rate` Hz, other settings default.
    pub fn new(sample_rate: u32) -> Self {
        Self {
            sample_rate,
            ..Self::default()
        }
    }
}

impl Default for NeuralVadConfig {
    fn default() -> Self {
        Self {
            sample_rate: 8000,
            threshold: 0.5,
            stay_threshold: 0.5,
            start_after: Duration::from_millis(64),
            end_after: Duration::from_millis(400),
        }
    }
}

/// earshot with hysteresis (see the [module docs](self)).
pub struct NeuralVad {
    config: NeuralVadConfig,
    detector: Box<earshot::Detector>,
    /// From the input rate to 16 kHz; `None` when the input is 16 kHz.
    resampler: Option<StreamResampler>,
    partial: Vec<i16>,
    frames: u64,
    start_frames: u64,
    end_frames: u64,
    speaking: bool,
    run_start: u64,
    run_len: u64,
    /// The highest score in the run of voice that may start speech.
    run_peak: f32,
    last_score: f32,
}

impl std::fmt::Debug for NeuralVad {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NeuralVad")
            .field("config", &self.config)
            .field("frames", &self.frames)
            .field("speaking", &self.speaking)
            .finish_non_exhaustive()
    }
}

fn frames_for(d: Duration) -> u64 {
    let frame_secs = FRAME as f64 / f64::from(RATE);
    ((d.as_secs_f64() / frame_secs).round() as u64).max(1)
}

impl NeuralVad {
    /// A detector with `config`; nothing heard yet. A rate the resampler refuses is treated as
    /// 16 kHz (the audio is then scored as it is).
    pub fn new(config: NeuralVadConfig) -> Self {
        let resampler = if config.sample_rate == RATE {
            None
        } else {
            StreamResampler::new(config.sample_rate.max(1), RATE).ok()
        };
        Self {
            start_frames: frames_for(config.start_after),
            end_frames: frames_for(config.end_after),
            config,
            detector: earshot::Detector::default_boxed(),
            resampler,
            partial: Vec::with_capacity(FRAME),
            frames: 0,
            speaking: false,
            run_start: 0,
            run_len: 0,
            run_peak: 0.0,
            last_score: 0.0,
        }
    }

    /// Feeds the next piece of audio (any length); the events it completed, in order.
    pub fn push(&mut self, pcm: &[i16]) -> Vec<VadEvent> {
        let mut events = Vec::new();
        let resampled;
        let pcm16k: &[i16] = match &mut self.resampler {
            Some(r) => {
                resampled = r.process(pcm).unwrap_or_default();
                &resampled
            }
            None => pcm,
        };
        for &s in pcm16k {
            self.partial.push(s);
            if self.partial.len() == FRAME {
                let score = self.detector.predict_i16(&self.partial);
                self.partial.clear();
                self.frame(score, &mut events);
            }
        }
        events
    }

    /// Scores one 16 kHz frame of exactly [`FRAME`] samples and updates the state: the
    /// building block of [`push`](Self::push) for callers that already frame their audio.
    pub fn push_frame16k(&mut self, frame: &[i16]) -> (f32, Option<VadEvent>) {
        let score = self.detector.predict_i16(frame);
        let mut events = Vec::new();
        self.frame(score, &mut events);
        (score, events.pop())
    }

    fn frame(&mut self, score: f32, events: &mut Vec<VadEvent>) {
        self.last_score = score;
        let voice = score >= self.config.stay_threshold;
        let index = self.frames;
        self.frames += 1;
        if voice != self.speaking {
            if self.run_len == 0 {
                self.run_start = index;
                self.run_peak = 0.0;
            }
            self.run_len += 1;
            self.run_peak = self.run_peak.max(score);
            let done = if self.speaking {
                self.run_len >= self.end_frames
            } else {
                self.run_len >= self.start_frames && self.run_peak >= self.config.threshold
            };
            if done {
                self.speaking = voice;
                self.run_len = 0;
                let at = time_of(self.run_start);
                events.push(if voice {
                    VadEvent::SpeechStarted { at }
                } else {
                    VadEvent::SpeechEnded { at }
                });
            }
        } else {
            self.run_len = 0;
        }
    }

    /// Whether the caller is speaking, as of the last event returned.
    pub fn in_speech(&self) -> bool {
        self.speaking
    }

    /// While in speech, where the run of non-voice frames that would end it began (the time
    /// [`VadEvent::SpeechEnded`] will carry if the run lasts
    /// [`end_after`](NeuralVadConfig::end_after)); `None` when the last frame was voice or no
    /// speech is open. Lets a recogniser start work on an utterance during the hangover.
    pub fn ending_since(&self) -> Option<Duration> {
        (self.speaking && self.run_len > 0).then(|| time_of(self.run_start))
    }

    /// The score of the last frame (0..=1).
    pub fn last_score(&self) -> f32 {
        self.last_score
    }

    /// How much audio has been scored (whole frames).
    pub fn position(&self) -> Duration {
        time_of(self.frames)
    }

    /// The configuration in use.
    pub fn config(&self) -> &NeuralVadConfig {
        &self.config
    }
}

fn time_of(frames: u64) -> Duration {
    Duration::from_nanos(frames * FRAME as u64 * 1_000_000_000 / u64::from(RATE))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A vowel-like harmonic signal with a slow pitch wobble: what the network calls voice.
    fn voiced(samples: usize, rate: u32) -> Vec<i16> {
        (0..samples)
            .map(|i| {
                let t = i as f32 / rate as f32;
                let f0 = 140.0 + 20.0 * (t * 3.0).sin();
                let mut v = 0.0;
                for h in 1..12 {
                    let amp = 1.0 / h as f32;
                    v += amp * (std::f32::consts::TAU * f0 * h as f32 * t).sin();
                }
                (v * 3000.0 * (0.6 + 0.4 * (t * 4.0 * std::f32::consts::TAU).sin().abs())) as i16
            })
            .collect()
    }

    #[test]
    fn silence_is_not_speech() {
        let mut vad = NeuralVad::new(NeuralVadConfig::new(8000));
        assert!(vad.push(&[0; 16000]).is_empty());
        assert!(!vad.in_speech());
        assert_eq!(vad.position(), Duration::from_millis(1968));
    }

    #[test]
    fn the_same_events_however_the_audio_is_split() {
        let mut audio = vec![0i16; 8000];
        audio.extend(voiced(16000, 8000));
        audio.extend(vec![0i16; 8000]);
        let mut whole = NeuralVad::new(NeuralVadConfig::new(8000));
        let a = whole.push(&audio);
        let mut pieces = NeuralVad::new(NeuralVadConfig::new(8000));
        let b: Vec<_> = audio.chunks(77).flat_map(|c| pieces.push(c)).collect();
        assert_eq!(a, b);
    }

    /// The frame scores of espeak-ng's "help" at 8 kHz, clean (measured: 0.6–0.78, never
    /// 0.8), and of steady broadband noise below the peak.
    #[test]
    fn a_run_of_voice_starts_speech_once_it_peaks_at_the_threshold() {
        let scores = |vad: &mut NeuralVad, s: &[f32]| {
            let mut events = Vec::new();
            for &x in s {
                vad.frame(x, &mut events);
            }
            events
        };
        let config = NeuralVadConfig {
            threshold: 0.7,
            ..NeuralVadConfig::new(16_000)
        };
        let help = [
            0.1, 0.48, 0.63, 0.6, 0.65, 0.69, 0.73, 0.77, 0.63, 0.68, 0.65, 0.5, 0.3,
        ];
        let mut vad = NeuralVad::new(config.clone());
        let events = scores(&mut vad, &help);
        // The run began at the frame that scored 0.63 (index 2): that is where speech starts.
        assert_eq!(events, [VadEvent::SpeechStarted { at: time_of(2) }]);
        // Noise that never peaks at the threshold never starts speech, however long it lasts.
        let mut vad = NeuralVad::new(config.clone());
        assert!(scores(&mut vad, &[0.66; 500]).is_empty());
        // A peak alone is not speech: fewer than start_after frames (4) above stay_threshold.
        let mut vad = NeuralVad::new(config);
        assert!(scores(&mut vad, &[0.1, 0.9, 0.9, 0.9, 0.2, 0.1]).is_empty());
    }
}
