//! The platform model: what the platform does with the app's messages, and what the caller
//! hears. A plain state machine on a sample clock, with no I/O and no task, so that every
//! rule of `PROTOCOL.md` "The platform model" is decided (and unit-tested) here.
//!
//! - Each `PlayAudioMessage` is one **entry** of the audio buffer. Entries play one after the
//!   other with no gap, sample-accurately, at the call's rate; when nothing plays the caller
//!   hears silence. `PlaybackStarted(id)` is sent at the first sample of an entry,
//!   `PlaybackCompleted(id)` after its last (one of each per entry).
//! - The buffer holds at most `audio_buffer` entries, **the one playing included**; that is
//!   also what `NotifyBufferDepthMessage.depth` counts. An entry that would exceed it is
//!   dropped with `audio-buffer-full`.
//! - `ClearAudioBuffer(id)` drops the queued entries and the rest of the one playing (no
//!   completions for them), then `NotifyAudioBufferCleared(id)`. It does not touch DTMF.
//! - `PressDTMF(id)` is a job of the DTMF buffer (`dtmf_buffer` jobs, the one playing
//!   included). A job starts when nothing plays, or when the audio entry playing ends: it goes
//!   **before the audio entries still queued** (DTMF never cuts an entry, and never waits for
//!   the whole queue). It plays `DTMFPlayStarted(id)`, each key's tone pair for the press
//!   time with the break time of silence between keys, then `DTMFPlayCompleted(id)`; then
//!   the next DTMF job, or the queued audio, continues.
//! - Malformed messages are answered with `NotifyErrorMessage` (ids in
//!   [`crate::error_ids`]) and change nothing else.

use std::collections::VecDeque;
use std::time::Duration;

use fcstream::audio::{dtmf, l16, mulaw, ContentType};
use fcstream::call::MAX_PRESS_MS;
use fcstream::{BufferKind, Command};

use crate::error_ids as ids;

/// The model's settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ModelConfig {
    /// The call's format (its rate is the sample clock's).
    pub content_type: ContentType,
    /// Audio buffer size in entries, the one playing included.
    pub audio_buffer: usize,
    /// DTMF buffer size in presses, the one playing included.
    pub dtmf_buffer: usize,
}

/// A notification the model wants sent to the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Note {
    /// An audio entry started playing.
    PlaybackStarted(String),
    /// An audio entry finished playing.
    PlaybackCompleted(String),
    /// A clear was carried out.
    BufferCleared(String),
    /// A DTMF job started playing.
    DtmfPlayStarted(String),
    /// A DTMF job finished playing.
    DtmfPlayCompleted(String),
    /// The answer to a depth query.
    BufferDepth {
        /// Which buffer.
        kind: BufferKind,
        /// Entries in it, the one playing included.
        depth: u32,
        /// Its size.
        size: u32,
    },
    /// A message was refused.
    Error {
        /// One of [`crate::error_ids`].
        id: &'static str,
        /// Human text.
        message: String,
    },
}

impl Note {
    /// Whether this acknowledges an app message (what the `ack_delay` fault delays); errors
    /// are not delayed.
    pub fn is_ack(&self) -> bool {
        !matches!(self, Note::Error { .. })
    }
}

/// A note and the sample at which it happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timed {
    /// The sample of the call's clock.
    pub at: u64,
    /// What happened.
    pub note: Note,
}

/// What the model made of an app message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    /// Handled (notes, if any, were queued).
    Done,
    /// `TerminateCallMessage`: the caller must be hung up.
    Terminate,
}

/// An audio entry.
#[derive(Debug)]
struct Entry {
    /// The app's id.
    id: String,
    /// Decoded samples at the call's rate.
    samples: Vec<i16>,
}

/// A DTMF job.
#[derive(Debug)]
struct DtmfJob {
    /// The app's id.
    id: String,
    /// The keys, as sent.
    digits: String,
    /// Tones and breaks, rendered.
    samples: Vec<i16>,
}

/// What the caller's ear is busy with.
#[derive(Debug)]
enum Playing {
    /// An audio entry and the next sample to play.
    Audio(Entry, usize),
    /// A DTMF job and the next sample to play.
    Dtmf(DtmfJob, usize),
}

/// Counters of what the model did, for the call's summary.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ModelStats {
    /// `PlayAudioMessage`s accepted into the buffer.
    pub entries_accepted: u64,
    /// `PlayAudioMessage`s refused (bad format, empty, buffer full).
    pub entries_rejected: u64,
    /// Entries that started playing.
    pub plays_started: u64,
    /// Entries that played to their end.
    pub plays_completed: u64,
    /// Entries cut while playing by a clear.
    pub plays_interrupted: u64,
    /// Entries dropped from the queue by a clear before they started.
    pub entries_cleared: u64,
    /// Entries playing or queued when the call ended.
    pub entries_unfinished: u64,
    /// Clears carried out.
    pub clears: u64,
    /// DTMF jobs started.
    pub dtmf_started: u64,
    /// DTMF jobs completed.
    pub dtmf_completed: u64,
    /// Keys the app pressed that the caller heard in full, in order.
    pub dtmf_digits_played: String,
    /// Sample at which the first app audio started.
    pub first_audio_at: Option<u64>,
    /// Samples of app audio the caller heard.
    pub app_audio_samples: u64,
    /// Samples of DTMF the caller heard (tones and breaks).
    pub dtmf_samples: u64,
}

/// The platform model of one call. See the module docs.
#[derive(Debug)]
pub struct Model {
    /// Settings.
    config: ModelConfig,
    /// Samples rendered so far (the length of `heard`).
    cursor: u64,
    /// What the caller heard, at the call's rate.
    heard: Vec<i16>,
    /// What plays now.
    playing: Option<Playing>,
    /// Audio entries waiting.
    audio: VecDeque<Entry>,
    /// DTMF jobs waiting.
    dtmf: VecDeque<DtmfJob>,
    /// Counters.
    stats: ModelStats,
}

fn error(id: &'static str, message: impl Into<String>) -> Note {
    Note::Error {
        id,
        message: message.into(),
    }
}

impl Model {
    /// A model with empty buffers at sample 0.
    pub fn new(config: ModelConfig) -> Self {
        Self {
            config,
            cursor: 0,
            heard: Vec::new(),
            playing: None,
            audio: VecDeque::new(),
            dtmf: VecDeque::new(),
            stats: ModelStats::default(),
        }
    }

    /// The call's sample rate.
    pub fn rate(&self) -> u32 {
        self.config.content_type.sample_rate()
    }

    /// Samples rendered so far.
    pub fn cursor(&self) -> u64 {
        self.cursor
    }

    /// What the caller heard so far.
    pub fn heard(&self) -> &[i16] {
        &self.heard
    }

    /// Counters.
    pub fn stats(&self) -> &ModelStats {
        &self.stats
    }

    /// The heard audio and the counters, at the end of the call.
    pub fn into_parts(self) -> (Vec<i16>, ModelStats) {
        (self.heard, self.stats)
    }

    /// Entries in the audio buffer, the one playing included.
    pub fn audio_depth(&self) -> usize {
        self.audio.len() + usize::from(matches!(self.playing, Some(Playing::Audio(..))))
    }

    /// Jobs in the DTMF buffer, the one playing included.
    pub fn dtmf_depth(&self) -> usize {
        self.dtmf.len() + usize::from(matches!(self.playing, Some(Playing::Dtmf(..))))
    }

    /// The sample at which the item now playing ends (when the model must next be advanced
    /// to send its completion), if anything plays.
    pub fn next_boundary(&self) -> Option<u64> {
        match &self.playing {
            Some(Playing::Audio(e, pos)) => Some(self.cursor + (e.samples.len() - pos) as u64),
            Some(Playing::Dtmf(j, pos)) => Some(self.cursor + (j.samples.len() - pos) as u64),
            None => None,
        }
    }

    /// Plays up to sample `target` (exclusive), queuing the notes of what starts and ends.
    pub fn advance_to(&mut self, target: u64, out: &mut Vec<Timed>) {
        self.kick(out);
        while self.cursor < target {
            let room = target - self.cursor;
            let is_audio = matches!(self.playing, Some(Playing::Audio(..)));
            let finished = match &mut self.playing {
                None => {
                    let n = usize::try_from(room).unwrap_or(usize::MAX);
                    self.heard.resize(self.heard.len() + n, 0);
                    self.cursor = target;
                    false
                }
                Some(Playing::Audio(Entry { samples, .. }, pos))
                | Some(Playing::Dtmf(DtmfJob { samples, .. }, pos)) => {
                    let n = (samples.len() - *pos).min(usize::try_from(room).unwrap_or(usize::MAX));
                    self.heard.extend_from_slice(&samples[*pos..*pos + n]);
                    *pos += n;
                    self.cursor += n as u64;
                    if is_audio {
                        self.stats.app_audio_samples += n as u64;
                    } else {
                        self.stats.dtmf_samples += n as u64;
                    }
                    *pos == samples.len()
                }
            };
            if finished {
                let at = self.cursor;
                match self.playing.take() {
                    Some(Playing::Audio(e, _)) => {
                        self.stats.plays_completed += 1;
                        out.push(Timed {
                            at,
                            note: Note::PlaybackCompleted(e.id),
                        });
                    }
                    Some(Playing::Dtmf(j, _)) => {
                        self.stats.dtmf_completed += 1;
                        self.stats
                            .dtmf_digits_played
                            .push_str(&j.digits.to_ascii_uppercase());
                        out.push(Timed {
                            at,
                            note: Note::DtmfPlayCompleted(j.id),
                        });
                    }
                    None => {}
                }
                self.kick(out);
            }
        }
    }

    /// Starts the next item if nothing plays: DTMF first, then audio.
    fn kick(&mut self, out: &mut Vec<Timed>) {
        if self.playing.is_some() {
            return;
        }
        let at = self.cursor;
        if let Some(job) = self.dtmf.pop_front() {
            self.stats.dtmf_started += 1;
            out.push(Timed {
                at,
                note: Note::DtmfPlayStarted(job.id.clone()),
            });
            self.playing = Some(Playing::Dtmf(job, 0));
        } else if let Some(entry) = self.audio.pop_front() {
            self.stats.plays_started += 1;
            self.stats.first_audio_at.get_or_insert(at);
            out.push(Timed {
                at,
                note: Note::PlaybackStarted(entry.id.clone()),
            });
            self.playing = Some(Playing::Audio(entry, 0));
        }
    }

    /// Refuses a message that could not even be decoded as a command (`UNKNOWN_MESSAGE`,
    /// `INVALID_BUFFER_TYPE`).
    pub fn refuse(&mut self, now: u64, id: &'static str, message: String, out: &mut Vec<Timed>) {
        self.advance_to(now, out);
        out.push(Timed {
            at: self.cursor,
            note: error(id, message),
        });
    }

    /// Applies an app message received at sample `now` (the model first plays up to `now`).
    pub fn apply(&mut self, cmd: Command, now: u64, out: &mut Vec<Timed>) -> Applied {
        self.advance_to(now, out);
        let at = self.cursor;
        let mut note = |note: Note| out.push(Timed { at, note });
        match cmd {
            Command::PlayAudio {
                id,
                audio,
                content_type,
                ..
            } => match self.decode(&audio, &content_type) {
                Err(e) => {
                    self.stats.entries_rejected += 1;
                    note(e);
                }
                Ok(_) if self.audio_depth() >= self.config.audio_buffer => {
                    self.stats.entries_rejected += 1;
                    note(error(
                        ids::AUDIO_BUFFER_FULL,
                        format!(
                            "audio buffer full ({} entries): PlayAudioMessage {id:?} dropped",
                            self.config.audio_buffer
                        ),
                    ));
                }
                Ok(samples) => {
                    self.stats.entries_accepted += 1;
                    self.audio.push_back(Entry { id, samples });
                }
            },
            Command::ClearAudioBuffer { id } => {
                if matches!(self.playing, Some(Playing::Audio(..))) {
                    self.playing = None;
                    self.stats.plays_interrupted += 1;
                }
                self.stats.entries_cleared += self.audio.len() as u64;
                self.audio.clear();
                self.stats.clears += 1;
                note(Note::BufferCleared(id));
            }
            Command::PressDtmf {
                id,
                digits,
                press_ms,
                break_ms,
                ..
            } => {
                if let Err(e) = dtmf::validate(&digits) {
                    note(error(
                        ids::INVALID_DTMF,
                        format!("PressDTMFMessage {id:?}: {e}"),
                    ));
                } else if press_ms == 0 {
                    note(error(
                        ids::INVALID_DTMF_DURATION,
                        format!("PressDTMFMessage {id:?}: press_duration_ms 0 is invalid and ignored (use 1..=8000)"),
                    ));
                } else if self.dtmf_depth() >= self.config.dtmf_buffer {
                    note(error(
                        ids::DTMF_BUFFER_FULL,
                        format!(
                            "DTMF buffer full ({} presses): PressDTMFMessage {id:?} dropped",
                            self.config.dtmf_buffer
                        ),
                    ));
                } else {
                    let press = Duration::from_millis(u64::from(press_ms.min(MAX_PRESS_MS)));
                    let gap = Duration::from_millis(u64::from(break_ms));
                    match dtmf::sequence(&digits, press, gap, self.rate()) {
                        Ok(samples) if !samples.is_empty() => self.dtmf.push_back(DtmfJob {
                            id,
                            digits,
                            samples,
                        }),
                        _ => note(error(
                            ids::INVALID_DTMF,
                            format!("PressDTMFMessage {id:?}: nothing to play"),
                        )),
                    }
                }
            }
            Command::QueryBuffer(kind) => {
                let (depth, size) = match kind {
                    BufferKind::Audio => (self.audio_depth(), self.config.audio_buffer),
                    BufferKind::Dtmf => (self.dtmf_depth(), self.config.dtmf_buffer),
                };
                note(Note::BufferDepth {
                    kind,
                    depth: u32::try_from(depth).unwrap_or(u32::MAX),
                    size: u32::try_from(size).unwrap_or(u32::MAX),
                });
            }
            Command::EndStream { .. } => note(error(
                ids::END_STREAM_UNIMPLEMENTED,
                "EndGrpcStreamMessage is not implemented by FreeClimb; ignored",
            )),
            Command::TerminateCall => return Applied::Terminate,
        }
        self.kick(out);
        Applied::Done
    }

    /// Checks and decodes an entry's audio.
    fn decode(&self, audio: &[u8], content_type: &str) -> Result<Vec<i16>, Note> {
        let call = self.config.content_type;
        let ct = ContentType::parse(content_type)
            .map_err(|e| error(ids::INVALID_CONTENT_TYPE, format!("PlayAudioMessage: {e}")))?;
        if ct.sample_rate() != call.sample_rate() {
            return Err(error(
                ids::INVALID_CONTENT_TYPE,
                format!(
                    "PlayAudioMessage content type {content_type:?} is {} Hz but the call is {call} ({} Hz)",
                    ct.sample_rate(),
                    call.sample_rate()
                ),
            ));
        }
        if audio.is_empty() {
            return Err(error(
                ids::EMPTY_AUDIO,
                "PlayAudioMessage with no audio_data",
            ));
        }
        if audio.len() % ct.bytes_per_sample() != 0 {
            return Err(error(
                ids::INVALID_AUDIO_LENGTH,
                format!(
                    "PlayAudioMessage: {} bytes is not a whole number of {}-byte samples",
                    audio.len(),
                    ct.bytes_per_sample()
                ),
            ));
        }
        Ok(if ct.is_mulaw() {
            mulaw::decode_all(audio)
        } else {
            l16::decode(audio)
        })
    }

    /// The call ended at sample `end`: plays up to it and counts what was left unplayed.
    pub fn end(&mut self, end: u64, out: &mut Vec<Timed>) {
        self.advance_to(end, out);
        let playing = usize::from(matches!(self.playing, Some(Playing::Audio(..))));
        self.stats.entries_unfinished += (self.audio.len() + playing) as u64;
        self.playing = None;
        self.audio.clear();
        self.dtmf.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;

    const CT: ContentType = ContentType::L16At8k;

    fn model(size: usize) -> Model {
        Model::new(ModelConfig {
            content_type: CT,
            audio_buffer: size,
            dtmf_buffer: 2,
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
        assert!(matches!(&n[1].1, Note::Error { id, .. } if *id == ids::AUDIO_BUFFER_FULL));
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
            (dtmf("1", 0), ids::INVALID_DTMF_DURATION),
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
                matches!(&n[..], [(_, Note::Error { id, .. })] if *id == want),
                "{want}: {n:?}"
            );
        }
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
            matches!(&n.last().map(|x| &x.1), Some(Note::Error { id, .. }) if *id == ids::DTMF_BUFFER_FULL)
        );
        m.end(100, &mut out);
        assert_eq!(m.heard().len(), 100);
    }
}
