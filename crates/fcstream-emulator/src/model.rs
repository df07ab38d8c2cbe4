//! The platform model as the caller hears it: the shared buffers ([`crate::buffers`]) on the
//! call's sample clock, with every entry decoded and every DTMF job rendered, so that what the
//! caller heard comes out sample-accurately. This is what `fcstream call` drives; the rules of
//! play and refusal are not here but in [`crate::buffers`] and [`crate::rules`], shared with
//! the load generator and the test doubles.

use fcstream::audio::{dtmf, l16, mulaw, ContentType};
use fcstream::Command;

pub use crate::buffers::{AckShape, Applied};
use crate::buffers::{BufferConfig, BufferStats, Buffers, Render, Request, Sound};
use crate::rules::{AdmittedPlay, AdmittedPress};

/// The model's settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ModelConfig {
    /// The call's format (its rate is the sample clock's).
    pub content_type: ContentType,
    /// Audio buffer size in entries, the one playing included.
    pub audio_buffer: usize,
    /// DTMF buffer size in presses, the one playing included.
    pub dtmf_buffer: usize,
    /// How the platform acknowledges audio entries.
    pub acks: AckShape,
}

/// A notification the model wants sent to the app.
pub type Note = crate::buffers::Note<String>;

/// Counters of what the model did, for the call's summary (ticks are samples here).
pub type ModelStats = BufferStats;

/// A note and the sample at which it happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timed {
    /// The sample of the call's clock.
    pub at: u64,
    /// What happened.
    pub note: Note,
}

/// A DTMF job as the model keeps it: the keys and their timing, rendered a key at a time
/// while it plays (an app may ask for minutes of tones; they are never held in memory whole).
#[derive(Debug)]
pub struct DtmfPlan {
    /// Which job (the key cache's tag).
    serial: u64,
    /// The keys.
    keys: Vec<char>,
    /// Samples of each key's tone.
    press: u64,
    /// Samples of silence between keys.
    gap: u64,
    /// The tone's length.
    press_duration: std::time::Duration,
}

/// The tone of the key playing now: (job serial, key index, samples).
type KeyTone = Option<(u64, usize, Vec<i16>)>;

/// The renderer: decodes entries, renders key tones, writes what the caller hears.
struct Ear<'a> {
    /// The call's rate.
    rate: u32,
    /// What the caller heard so far.
    heard: &'a mut Vec<i16>,
    /// Where the notes go.
    out: &'a mut Vec<Timed>,
    /// The last key tone rendered (a key spans many 20 ms advances).
    key_tone: &'a mut KeyTone,
    /// The next DTMF job's serial.
    next_job: &'a mut u64,
}

impl Ear<'_> {
    /// Appends `n` samples of `plan` from sample `from` of the job.
    fn hear_dtmf(&mut self, plan: &DtmfPlan, from: u64, n: u64) {
        let period = plan.press + plan.gap;
        let (mut at, end) = (from, from + n);
        while at < end {
            let key = (at / period.max(1)) as usize;
            let within = at % period.max(1);
            if within >= plan.press || key >= plan.keys.len() {
                // A break (or past the last key: silence).
                let stop = end.min((key as u64 + 1) * period);
                let stop = stop.max(at + 1);
                self.heard
                    .resize(self.heard.len() + (stop - at) as usize, 0);
                at = stop;
                continue;
            }
            let cached = matches!(self.key_tone, Some((s, k, _)) if *s == plan.serial && *k == key);
            if !cached {
                let tone =
                    dtmf::tone(plan.keys[key], plan.press_duration, self.rate).unwrap_or_default();
                *self.key_tone = Some((plan.serial, key, tone));
            }
            let tone = self
                .key_tone
                .as_ref()
                .map(|(_, _, t)| t.as_slice())
                .unwrap_or_default();
            let stop = end.min(key as u64 * period + plan.press);
            let (a, b) = (within as usize, (within + (stop - at)) as usize);
            let have = tone.get(a..b.min(tone.len())).unwrap_or_default();
            self.heard.extend_from_slice(have);
            self.heard
                .resize(self.heard.len() + (b - a - have.len()), 0);
            at = stop;
        }
    }
}

impl Render<String> for Ear<'_> {
    type Audio = Vec<i16>;
    type Dtmf = DtmfPlan;

    fn audio(&mut self, play: AdmittedPlay, bytes: &[u8]) -> Vec<i16> {
        if play.content_type.is_mulaw() {
            mulaw::decode_all(bytes)
        } else {
            l16::decode(bytes)
        }
    }

    fn dtmf(&mut self, digits: &str, press: AdmittedPress) -> DtmfPlan {
        let samples = |d: std::time::Duration| d.as_millis() as u64 * u64::from(self.rate) / 1000;
        *self.next_job += 1;
        DtmfPlan {
            serial: *self.next_job,
            keys: digits.chars().collect(),
            press: samples(press.press),
            gap: samples(press.gap),
            press_duration: press.press,
        }
    }

    fn hear(&mut self, sound: Sound<'_, Vec<i16>, DtmfPlan>, ticks: u64) {
        let n = usize::try_from(ticks).unwrap_or(usize::MAX);
        let (samples, from) = match sound {
            Sound::Silence => {
                self.heard.resize(self.heard.len() + n, 0);
                return;
            }
            Sound::Dtmf(plan, from) => return self.hear_dtmf(plan, from, ticks),
            Sound::Audio(s, from) => (s, from as usize),
        };
        let have = samples.get(from..).unwrap_or_default();
        let take = have.len().min(n);
        self.heard.extend_from_slice(&have[..take]);
        // A payload shorter than its length in ticks (never, by construction) is silence.
        self.heard.resize(self.heard.len() + (n - take), 0);
    }

    fn note(&mut self, at: u64, note: Note) {
        self.out.push(Timed { at, note });
    }
}

/// The platform model of one call. See the module docs.
#[derive(Debug)]
pub struct Model {
    /// The shared buffers, on the sample clock.
    buffers: Buffers<String, Vec<i16>, DtmfPlan>,
    /// What the renderer keeps between calls.
    ear: EarState,
}

/// The renderer's state: what was heard, the key tone playing, the jobs so far.
#[derive(Debug, Default)]
struct EarState {
    /// What the caller heard, at the call's rate.
    heard: Vec<i16>,
    /// The key tone playing now.
    key_tone: KeyTone,
    /// DTMF jobs admitted so far.
    jobs: u64,
}

impl EarState {
    /// The renderer, writing notes to `out`.
    fn ear<'a>(&'a mut self, rate: u32, out: &'a mut Vec<Timed>) -> Ear<'a> {
        Ear {
            rate,
            heard: &mut self.heard,
            out,
            key_tone: &mut self.key_tone,
            next_job: &mut self.jobs,
        }
    }
}

impl Model {
    /// A model with empty buffers at sample 0.
    pub fn new(config: ModelConfig) -> Self {
        Self {
            buffers: Buffers::new(BufferConfig {
                content_type: config.content_type,
                audio: config.audio_buffer,
                dtmf: config.dtmf_buffer,
                acks: config.acks,
                ticks_per_second: u64::from(config.content_type.sample_rate()),
            }),
            ear: EarState::default(),
        }
    }

    /// Whether depth answers count the entry playing (see
    /// [`Buffers::set_depth_counts_playing`]).
    pub fn set_depth_counts_playing(&mut self, yes: bool) {
        self.buffers.set_depth_counts_playing(yes);
    }

    /// The call's sample rate.
    pub fn rate(&self) -> u32 {
        self.buffers.config().content_type.sample_rate()
    }

    /// Samples rendered so far.
    pub fn cursor(&self) -> u64 {
        self.buffers.cursor()
    }

    /// What the caller heard so far.
    pub fn heard(&self) -> &[i16] {
        &self.ear.heard
    }

    /// Counters.
    pub fn stats(&self) -> &ModelStats {
        self.buffers.stats()
    }

    /// The heard audio and the counters, at the end of the call.
    pub fn into_parts(self) -> (Vec<i16>, ModelStats) {
        let stats = self.buffers.stats().clone();
        (self.ear.heard, stats)
    }

    /// Entries in the audio buffer, the one playing included.
    pub fn audio_depth(&self) -> usize {
        self.buffers.audio_depth()
    }

    /// Jobs in the DTMF buffer, the one playing included.
    pub fn dtmf_depth(&self) -> usize {
        self.buffers.dtmf_depth()
    }

    /// The sample at which the item now playing ends (when the model must next be advanced
    /// to send its completion), if anything plays.
    pub fn next_boundary(&self) -> Option<u64> {
        self.buffers.next_boundary()
    }

    /// Plays up to sample `target` (exclusive), queuing the notes of what starts and ends.
    pub fn advance_to(&mut self, target: u64, out: &mut Vec<Timed>) {
        let rate = self.rate();
        self.buffers
            .advance_to(target, &mut self.ear.ear(rate, out));
    }

    /// Applies an app message (or what stood for one that could not be decoded) received at
    /// sample `now`; the model first plays up to `now`.
    pub fn request(&mut self, req: Request<'_, String>, now: u64, out: &mut Vec<Timed>) -> Applied {
        let rate = self.rate();
        self.buffers.apply(req, now, &mut self.ear.ear(rate, out))
    }

    /// Applies a decoded app message received at sample `now`.
    pub fn apply(&mut self, cmd: Command, now: u64, out: &mut Vec<Timed>) -> Applied {
        self.request(Request::from_command(&cmd), now, out)
    }

    /// The call ended at sample `end`: plays up to it and counts what was left unplayed.
    pub fn end(&mut self, end: u64, out: &mut Vec<Timed>) {
        let rate = self.rate();
        self.buffers.end(end, &mut self.ear.ear(rate, out));
        self.ear.key_tone = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error_ids as ids;
    use crate::rules::Refusal;
    use bytes::Bytes;
    use fcstream::BufferKind;

    const CT: ContentType = ContentType::L16At8k;

    fn model(size: usize) -> Model {
        Model::new(ModelConfig {
            content_type: CT,
            audio_buffer: size,
            dtmf_buffer: 2,
            acks: AckShape::PerEntry,
        })
    }

    fn play(id: &str, samples: &[i16]) -> Command {
        Command::PlayAudio {
            id: id.into(),
            audio: Bytes::from(l16::encode(samples)),
            content_type: CT.as_str().into(),
            sequence: 0,
            last: true,
        }
    }

    fn notes(out: &mut Vec<Timed>) -> Vec<(u64, Note)> {
        out.drain(..).map(|t| (t.at, t.note)).collect()
    }

    #[test]
    fn entries_play_contiguously_with_one_start_and_completion_each() {
        let mut m = model(10);
        let mut out = Vec::new();
        m.advance_to(100, &mut out);
        m.apply(play("a", &[1; 30]), 100, &mut out);
        m.apply(play("b", &[2; 50]), 110, &mut out);
        assert_eq!(m.next_boundary(), Some(130));
        m.advance_to(1000, &mut out);
        assert_eq!(
            notes(&mut out),
            vec![
                (100, Note::PlaybackStarted("a".into())),
                (130, Note::PlaybackCompleted("a".into())),
                (130, Note::PlaybackStarted("b".into())),
                (180, Note::PlaybackCompleted("b".into())),
            ]
        );
        let h = m.heard();
        assert_eq!(h.len(), 1000);
        assert!(h[..100].iter().all(|&s| s == 0));
        assert!(h[100..130].iter().all(|&s| s == 1));
        assert!(h[130..180].iter().all(|&s| s == 2));
        assert!(h[180..].iter().all(|&s| s == 0));
        assert_eq!(m.stats().first_audio_at, Some(100));
    }

    #[test]
    fn clear_cuts_the_entry_playing_and_drops_the_queue() {
        let mut m = model(10);
        let mut out = Vec::new();
        m.apply(play("a", &[1; 100]), 0, &mut out);
        m.apply(play("b", &[2; 100]), 0, &mut out);
        m.apply(Command::ClearAudioBuffer { id: "c".into() }, 40, &mut out);
        m.advance_to(300, &mut out);
        let n = notes(&mut out);
        assert_eq!(
            n,
            vec![
                (0, Note::PlaybackStarted("a".into())),
                (40, Note::BufferCleared("c".into()))
            ]
        );
        assert!(m.heard()[..40].iter().all(|&s| s == 1));
        assert!(m.heard()[40..].iter().all(|&s| s == 0));
        assert_eq!(m.stats().plays_interrupted, 1);
        assert_eq!(m.stats().entries_cleared, 1);
    }

    #[test]
    fn depth_counts_the_entry_playing_and_overflow_is_refused() {
        let mut m = model(2);
        let mut out = Vec::new();
        m.apply(play("a", &[1; 100]), 0, &mut out);
        m.apply(play("b", &[1; 100]), 0, &mut out);
        m.apply(play("c", &[1; 100]), 0, &mut out);
        m.apply(Command::QueryBuffer(BufferKind::Audio), 10, &mut out);
        let n = notes(&mut out);
        assert!(
            matches!(&n[1].1, Note::Error(Refusal { id, .. }) if *id == ids::AUDIO_BUFFER_FULL)
        );
        assert_eq!(
            n[2].1,
            Note::BufferDepth {
                kind: BufferKind::Audio,
                depth: 2,
                size: 2
            }
        );
        m.advance_to(150, &mut out);
        m.apply(Command::QueryBuffer(BufferKind::Audio), 150, &mut out);
        assert!(notes(&mut out).contains(&(
            150,
            Note::BufferDepth {
                kind: BufferKind::Audio,
                depth: 1,
                size: 2
            }
        )));
    }

    #[test]
    fn dtmf_waits_for_the_entry_playing_then_goes_before_the_queue() {
        let mut m = model(10);
        let mut out = Vec::new();
        m.apply(play("a", &[1; 800]), 0, &mut out);
        m.apply(play("b", &[2; 800]), 0, &mut out);
        m.apply(
            Command::PressDtmf {
                id: "d".into(),
                digits: "1#".into(),
                press_ms: 100,
                break_ms: 50,
                sequence: 0,
            },
            10,
            &mut out,
        );
        m.advance_to(8000, &mut out);
        let n = notes(&mut out);
        let order: Vec<_> = n.iter().map(|(at, n)| (*at, n.clone())).collect();
        // a: 0..800; DTMF 800..800+2*800+400=2800; b: 2800..3600.
        assert_eq!(order[1], (800, Note::PlaybackCompleted("a".into())));
        assert_eq!(order[2], (800, Note::DtmfPlayStarted("d".into())));
        assert_eq!(order[3], (2800, Note::DtmfPlayCompleted("d".into())));
        assert_eq!(order[4], (2800, Note::PlaybackStarted("b".into())));
        assert_eq!(dtmf::detect_digits(&m.heard()[800..2800], 8000), "1#");
        assert_eq!(m.stats().dtmf_digits_played, "1#");
    }

    #[test]
    fn malformed_messages_get_their_error_ids() {
        let mut m = model(10);
        let mut out = Vec::new();
        let bad = |ct: &str, audio: Vec<u8>| Command::PlayAudio {
            id: "x".into(),
            audio: audio.into(),
            content_type: ct.into(),
            sequence: 0,
            last: true,
        };
        let dtmf = |digits: &str, press_ms| Command::PressDtmf {
            id: "d".into(),
            digits: digits.into(),
            press_ms,
            break_ms: 0,
            sequence: 0,
        };
        let cases = [
            (
                bad("audio/l16;rate=16000", vec![0; 4]),
                ids::INVALID_CONTENT_TYPE,
            ),
            (bad("audio/opus", vec![0; 4]), ids::INVALID_CONTENT_TYPE),
            (bad("", vec![0; 4]), ids::INVALID_CONTENT_TYPE),
            (bad(CT.as_str(), vec![]), ids::EMPTY_AUDIO),
            (bad(CT.as_str(), vec![0; 3]), ids::INVALID_AUDIO_LENGTH),
            (dtmf("12x", 100), ids::INVALID_DTMF),
            (dtmf("", 100), ids::INVALID_DTMF),
            (
                Command::EndStream {
                    action_url: "u".into(),
                },
                ids::END_STREAM_UNIMPLEMENTED,
            ),
        ];
        for (cmd, want) in cases {
            assert_eq!(m.apply(cmd, 0, &mut out), Applied::Done);
            let n = notes(&mut out);
            assert!(
                matches!(&n[..], [(_, Note::Error(Refusal { id, .. }))] if *id == want),
                "{want}: {n:?}"
            );
        }
        // "A duration of 0 is invalid and will be ignored": no error, nothing played.
        assert_eq!(
            m.apply(dtmf("1", 0), 0, &mut out),
            Applied::Ignored(crate::rules::ZERO_PRESS_IGNORED)
        );
        assert_eq!(notes(&mut out), vec![]);
        assert_eq!(m.dtmf_depth(), 0);
        // µ-law at the call's rate is transcoded, not refused.
        m.apply(bad("audio/mulaw;rate=8000", vec![0xFF; 3]), 0, &mut out);
        assert_eq!(
            notes(&mut out),
            vec![(0, Note::PlaybackStarted("x".into()))]
        );
        assert_eq!(
            m.apply(Command::TerminateCall, 0, &mut out),
            Applied::Terminate
        );
    }

    #[test]
    fn long_presses_are_capped_and_dtmf_buffer_is_bounded() {
        let mut m = model(10);
        let mut out = Vec::new();
        let press = |ms| Command::PressDtmf {
            id: "d".into(),
            digits: "5".into(),
            press_ms: ms,
            break_ms: 0,
            sequence: 0,
        };
        m.apply(press(20_000), 0, &mut out);
        assert_eq!(m.next_boundary(), Some(8000 * 8));
        m.apply(press(100), 0, &mut out);
        m.apply(press(100), 0, &mut out);
        let n = notes(&mut out);
        assert!(
            matches!(&n.last().map(|x| &x.1), Some(Note::Error(Refusal { id, .. })) if *id == ids::DTMF_BUFFER_FULL)
        );
        m.end(100, &mut out);
        assert_eq!(m.heard().len(), 100);
    }

    #[test]
    fn hostile_dtmf_is_clamped_or_refused_and_rendered_a_key_at_a_time() {
        let mut m = model(10);
        let mut out = Vec::new();
        let press = |digits: &str, press_ms, break_ms| Command::PressDtmf {
            id: "d".into(),
            digits: digits.into(),
            press_ms,
            break_ms,
            sequence: 0,
        };
        // The case that aborted the emulator: a break of u32::MAX ms between two keys.
        m.apply(press("12", 100, u32::MAX), 0, &mut out);
        assert_eq!(m.next_boundary(), Some(800 + 8000 * 8 + 800));
        m.advance_to(800 + 8000 * 8 + 800, &mut out);
        assert_eq!(dtmf::detect_digits(m.heard(), 8000), "12");
        // 104 s of tones and breaks is admitted, and heard key by key.
        m.apply(press("1234567", 8000, 8000), m.cursor(), &mut out);
        let start = m.cursor();
        m.advance_to(start + 8000 * 20, &mut out);
        assert_eq!(
            dtmf::detect_digits(&m.heard()[start as usize..], 8000),
            "12"
        );
        m.advance_to(start + 8000 * 104, &mut out);
        assert_eq!(
            dtmf::detect_digits(&m.heard()[start as usize..], 8000),
            "1234567"
        );
        // 64 keys of 8 s: refused with its own id, nothing queued.
        out.clear();
        m.apply(press(&"1".repeat(64), 8000, 8000), m.cursor(), &mut out);
        assert!(
            matches!(&out[..], [Timed { note: Note::Error(Refusal { id, .. }), .. }] if *id == ids::DTMF_TOO_LONG),
            "{out:?}"
        );
        assert_eq!(m.dtmf_depth(), 0);
    }
}
