//! Speech timing: when the caller spoke, and how fast the app reacted. Measured by the
//! emulator on its own, from what it sent and what it played, so any app (in any language)
//! gets the two numbers a voice agent lives by:
//!
//! - **barge-in latency**: the caller starts talking while the app's audio plays and the app
//!   clears it; how long until the clear stopped the audio (audio that simply ran out under
//!   the caller's words is not a barge-in);
//! - **response latency**: the caller stops talking; how long until the app's next audio
//!   starts playing.
//!
//! **Caller speech** is found with the library's voice activity detector
//! ([`fcstream_speech::vad`], default settings) run over the caller's *voice*: the script's
//! audio segments as sent in the frames, with key presses silenced (a key tone is not
//! speech). A segment of speech (an [`Utterance`]) starts at the first 10 ms of loud audio
//! of at least 60 ms of it, and ends at the first 10 ms of at least 400 ms of quiet, so the
//! pauses between words do not split it. Speech at the script's level (tones, babble, WAVs of
//! speech at about -20 dBFS) is found to within one 10 ms frame; line noise below -45 dBFS
//! never counts.
//!
//! **The app's audio plays** from a `PlaybackStarted` to the matching `PlaybackCompleted`
//! or clear (sample-exact, from the platform model). Entries that follow each other with a
//! gap shorter than one caller frame (20 ms: the micro-gaps of an app streaming just in
//! time) count as one stretch of playing ([`Playing`]); a clear always ends a stretch.
//!
//! Both latencies are on the call's sample clock, from the moment the caller *spoke*
//! (not when the frame carrying it was sent, 0-20 ms later): they are what the caller
//! experiences, the frame's transport included.

use std::time::Duration;

use fcstream_speech::vad::{Vad, VadConfig, VadEvent};

/// Playing stretches separated by less than this are one (see the module docs).
pub const MERGE_GAP: Duration = Duration::from_millis(20);

/// One stretch of caller speech, in samples of the call's clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Utterance {
    /// Its first sample.
    pub start: u64,
    /// The first sample after it; `None` when the call ended before the speech was over
    /// (less than 400 ms of quiet after it).
    pub end: Option<u64>,
}

/// What the platform did with the app's audio, at a sample of the call's clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlaybackMark {
    /// An entry started playing.
    Started(u64),
    /// An entry played to its end.
    Completed(u64),
    /// A clear was carried out (it cut the entry playing, if any).
    Cleared(u64),
}

/// A stretch during which the app's audio played, in samples of the call's clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Playing {
    /// Its first sample.
    pub start: u64,
    /// The first sample after it; `None` when it still played when the call ended.
    pub end: Option<u64>,
    /// Whether a clear ended it (rather than the buffer running out).
    pub cleared: bool,
}

/// A call's speech timing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SpeechTiming {
    /// Stretches of caller speech found.
    pub utterances: Vec<Utterance>,
    /// For each utterance that started while the app's audio played (and whose playing
    /// stopped before the call ended), from the utterance's start to the end of that
    /// playing. In utterance order.
    pub barge_in: Vec<Duration>,
    /// For each utterance that ended and was followed by app audio starting to play, from
    /// the utterance's end to that start. In utterance order.
    pub response: Vec<Duration>,
}

fn samples(d: Duration, rate: u32) -> u64 {
    u64::try_from(d.as_nanos() * u128::from(rate) / 1_000_000_000).unwrap_or(u64::MAX)
}

fn duration(samples: u64, rate: u32) -> Duration {
    let nanos = u128::from(samples) * 1_000_000_000 / u128::from(rate.max(1));
    Duration::from_nanos(u64::try_from(nanos).unwrap_or(u64::MAX))
}

/// The stretches of speech in `voice` (the caller's voice from the call's start, at `rate`).
pub fn utterances(voice: &[i16], rate: u32) -> Vec<Utterance> {
    let mut vad = Vad::new(VadConfig {
        sample_rate: rate,
        ..VadConfig::default()
    });
    let mut out: Vec<Utterance> = Vec::new();
    for event in vad.push(voice) {
        match event {
            VadEvent::SpeechStarted { at } => out.push(Utterance {
                start: samples(at, rate),
                end: None,
            }),
            VadEvent::SpeechEnded { at } => {
                if let Some(u) = out.last_mut() {
                    u.end = Some(samples(at, rate));
                }
            }
        }
    }
    out
}

/// The stretches during which the app's audio played, from the platform's marks in time
/// order (see the module docs for how entries are joined).
pub fn playing(marks: &[PlaybackMark], rate: u32) -> Vec<Playing> {
    let gap = samples(MERGE_GAP, rate);
    let mut out: Vec<Playing> = Vec::new();
    for mark in marks {
        match *mark {
            PlaybackMark::Started(at) => match out.last_mut() {
                // Already playing (not expected: one entry plays at a time).
                Some(p) if p.end.is_none() => {}
                Some(p) if !p.cleared && p.end.is_some_and(|end| at.saturating_sub(end) < gap) => {
                    p.end = None;
                }
                _ => out.push(Playing {
                    start: at,
                    end: None,
                    cleared: false,
                }),
            },
            PlaybackMark::Completed(at) => {
                if let Some(p) = out.last_mut().filter(|p| p.end.is_none()) {
                    p.end = Some(at);
                }
            }
            PlaybackMark::Cleared(at) => {
                if let Some(p) = out.last_mut().filter(|p| p.end.is_none()) {
                    p.end = Some(at);
                    p.cleared = true;
                }
            }
        }
    }
    out
}

/// Barge-in and response latencies of `utterances` against `playing` (both in time order).
pub fn measure(utterances: Vec<Utterance>, playing: &[Playing], rate: u32) -> SpeechTiming {
    let mut barge_in = Vec::new();
    let mut response = Vec::new();
    for u in &utterances {
        let during = playing
            .iter()
            .find(|p| p.start <= u.start && p.end.is_none_or(|end| u.start < end));
        // A barge-in is speech the app answered by clearing its audio; audio that simply ran
        // out under the caller's words was not a barge-in (an IVR that never clears has none).
        if let Some(end) = during.filter(|p| p.cleared).and_then(|p| p.end) {
            barge_in.push(duration(end - u.start, rate));
        }
        if let Some(end) = u.end {
            if let Some(next) = playing.iter().find(|p| p.start >= end) {
                response.push(duration(next.start - end, rate));
            }
        }
    }
    SpeechTiming {
        utterances,
        barge_in,
        response,
    }
}

/// [`utterances`], [`playing`] and [`measure`] in one: the speech timing of a call whose
/// caller said `voice` and whose platform played the app's audio as `marks` say.
pub fn timing(voice: &[i16], marks: &[PlaybackMark], rate: u32) -> SpeechTiming {
    measure(utterances(voice, rate), &playing(marks, rate), rate)
}

#[cfg(test)]
mod tests {
    use super::*;

    const RATE: u32 = 8000;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    fn at(t: Duration) -> u64 {
        samples(t, RATE)
    }

    /// Silence with a -20 dBFS-ish tone over each `(start, end)`.
    fn voice(len: Duration, spans: &[(Duration, Duration)]) -> Vec<i16> {
        let mut v = vec![0i16; at(len) as usize];
        for &(a, b) in spans {
            for (i, s) in v[at(a) as usize..at(b) as usize].iter_mut().enumerate() {
                let t = i as f64 / f64::from(RATE);
                *s = (4000.0 * (std::f64::consts::TAU * 300.0 * t).sin()) as i16;
            }
        }
        v
    }

    #[test]
    fn utterances_are_found_to_the_frame() {
        let u = utterances(
            &voice(ms(4000), &[(ms(500), ms(1500)), (ms(2500), ms(3800))]),
            RATE,
        );
        assert_eq!(
            u,
            [
                Utterance {
                    start: at(ms(500)),
                    end: Some(at(ms(1500)))
                },
                // Less than 400 ms of quiet before the call ended: not over.
                Utterance {
                    start: at(ms(2500)),
                    end: None
                },
            ]
        );
    }

    #[test]
    fn entries_back_to_back_are_one_playing_and_a_clear_ends_it() {
        use PlaybackMark::*;
        let marks = [
            Started(0),
            Completed(800),
            Started(800),
            Completed(1600),
            // 10 ms gap: joined.
            Started(1680),
            Cleared(2000),
            // Right after a clear: a new stretch.
            Started(2000),
            Completed(3000),
            // 50 ms gap: a new stretch.
            Started(3400),
            Cleared(3500),
            // A clear with nothing playing changes nothing.
            Cleared(3600),
            Started(4000),
        ];
        assert_eq!(
            playing(&marks, RATE),
            [
                Playing {
                    start: 0,
                    end: Some(2000),
                    cleared: true
                },
                Playing {
                    start: 2000,
                    end: Some(3000),
                    cleared: false
                },
                Playing {
                    start: 3400,
                    end: Some(3500),
                    cleared: true
                },
                Playing {
                    start: 4000,
                    end: None,
                    cleared: false
                },
            ]
        );
    }

    #[test]
    fn barge_in_and_response_latencies() {
        use PlaybackMark::*;
        // The app talks 0-3 s; the caller barges in at 1 s, the app clears at 1.1 s; the
        // caller stops at 2 s, the app answers at 2.5 s and plays to 4 s; the caller speaks
        // again at 3 s (not a barge-in: the app did not clear, its answer ran out at 4 s)
        // until 4.5 s, and nothing follows.
        let v = voice(ms(6000), &[(ms(1000), ms(2000)), (ms(3000), ms(4500))]);
        let marks = [
            Started(0),
            Cleared(at(ms(1100))),
            Started(at(ms(2500))),
            Completed(at(ms(4000))),
        ];
        let t = timing(&v, &marks, RATE);
        assert_eq!(t.utterances.len(), 2);
        assert_eq!(t.barge_in, [ms(100)]);
        assert_eq!(t.response, [ms(500)]);
    }

    #[test]
    fn speech_before_the_app_talks_and_playing_at_the_end_are_not_barge_ins() {
        use PlaybackMark::*;
        // Speech 0.5-1 s before the app's audio (2 s on, never ending): a response of 1 s.
        // Speech at 3 s during audio that plays until the call ends: no barge-in measured.
        let v = voice(ms(5000), &[(ms(500), ms(1000)), (ms(3000), ms(3500))]);
        let t = timing(&v, &[Started(at(ms(2000)))], RATE);
        assert_eq!(t.utterances.len(), 2);
        assert!(t.barge_in.is_empty());
        assert_eq!(t.response, [ms(1000)]);
    }
}
