//! The platform's buffers, written once: audio entries and DTMF jobs on an abstract clock.
//!
//! This is the state machine of `PROTOCOL.md` "The platform model", shared by every front door
//! (the per-sample emulator in [`crate::model`], the timing-only load generator, the test
//! doubles). A front door chooses its clock's unit (`ticks_per_second`: the call's sample rate
//! for rendering, µs for load) and what an entry carries (decoded samples, or nothing) through
//! [`Render`]; the rules of play are here and only here:
//!
//! - Each admitted `PlayAudioMessage` is one **entry**. Entries play one after the other with
//!   no gap. `PlaybackStarted(id)` at an entry's first tick, `PlaybackCompleted(id)` after its
//!   last, in the [`AckShape`] the platform uses.
//! - The audio buffer holds at most `audio` entries, **the one playing included**; that is also
//!   what a depth query answers. An entry that would exceed it is refused
//!   ([`crate::rules::audio_buffer_full`]).
//! - `ClearAudioBuffer(id)` drops the queued entries and the rest of the one playing (no
//!   completions for them), then `BufferCleared(id)`. It does not touch DTMF.
//! - `PressDTMF(id)` is a job of the DTMF buffer (`dtmf` jobs, the one playing included). A job
//!   starts when nothing plays, or when the audio entry playing ends: it goes **before the
//!   audio entries still queued** (DTMF never cuts an entry and never waits for the queue).
//! - Whatever is refused changes nothing else.
//!
//! Sans-I/O: every input carries `now` (ticks since the call started); the notes come out
//! through [`Render::note`] stamped with the tick they happened at, in order.

use std::collections::VecDeque;

use fcstream::audio::ContentType;
use fcstream::{BufferKind, Command};

use crate::rules::{self, AdmittedPlay, AdmittedPress, Id, Refusal};

/// How the platform acknowledges audio entries (`acks = "per-entry"`, `"per-id"`,
/// `"every-10"` or `"none"` in a script's `[platform]` table; `--acks` of `fcstream load`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize, serde::Serialize)]
#[serde(try_from = "String", into = "String")]
pub enum AckShape {
    /// One `PlaybackStarted` and one `PlaybackCompleted` for every entry (what FreeClimb's
    /// documentation describes, and the default).
    #[default]
    PerEntry,
    /// One per clip: `PlaybackStarted` when the first entry of an id starts, `PlaybackCompleted`
    /// only when the entry marked `last` ends.
    PerId,
    /// A start and a completion for one entry in `n` (the 1st, the n+1th, ...), none for the
    /// others: a platform that loses most acknowledgements.
    EveryNth(u32),
    /// No playback acknowledgements at all (only depth queries tell what played).
    None,
}

impl std::str::FromStr for AckShape {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || format!("unknown ack shape {s:?} (use per-entry, per-id, every-N or none)");
        match s {
            "per-entry" => Ok(Self::PerEntry),
            "per-id" => Ok(Self::PerId),
            "none" => Ok(Self::None),
            _ => match s.strip_prefix("every-").map(str::parse::<u32>) {
                Some(Ok(n)) if n >= 1 => Ok(Self::EveryNth(n)),
                _ => Err(bad()),
            },
        }
    }
}

impl std::fmt::Display for AckShape {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::PerEntry => f.write_str("per-entry"),
            Self::PerId => f.write_str("per-id"),
            Self::EveryNth(n) => write!(f, "every-{n}"),
            Self::None => f.write_str("none"),
        }
    }
}

impl TryFrom<String> for AckShape {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        s.parse()
    }
}

impl From<AckShape> for String {
    fn from(a: AckShape) -> String {
        a.to_string()
    }
}

/// The buffers' settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BufferConfig {
    /// The call's format.
    pub content_type: ContentType,
    /// Audio buffer size in entries, the one playing included.
    pub audio: usize,
    /// DTMF buffer size in jobs, the one playing included.
    pub dtmf: usize,
    /// How entries are acknowledged.
    pub acks: AckShape,
    /// The clock's unit: ticks per second (the call's rate to render samples, 1,000,000 for µs).
    pub ticks_per_second: u64,
}

/// An app message as the platform's rules see it, borrowed from whatever decoded it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request<'a, I> {
    /// `PlayAudioMessage`.
    Play {
        /// The app's id.
        id: I,
        /// The content type as sent.
        content_type: &'a [u8],
        /// The audio as sent.
        audio: &'a [u8],
        /// The final chunk of its clip.
        last: bool,
    },
    /// `ClearAudioBufferMessage`.
    Clear {
        /// The app's id.
        id: I,
    },
    /// `PressDTMFMessage`.
    Press {
        /// The app's id.
        id: I,
        /// The keys as sent.
        digits: &'a str,
        /// Tone length of each key.
        press_ms: u32,
        /// Silence between keys.
        break_ms: u32,
    },
    /// `QueryBufferDepthMessage`.
    Query(BufferKind),
    /// `EndGrpcStreamMessage`.
    EndStream,
    /// `TerminateCallMessage`.
    Terminate,
    /// An `AppMessage` with no payload this platform knows.
    Unknown,
    /// A depth query with an unknown buffer type.
    BadBufferType(i32),
}

impl<'a> Request<'a, String> {
    /// The request a decoded [`Command`] makes.
    pub fn from_command(cmd: &'a Command) -> Self {
        Request::from_command_with(cmd, str::to_string)
    }
}

impl<'a, I> Request<'a, I> {
    /// The request a decoded [`Command`] makes, with its id kept as `id(text)` makes it.
    pub fn from_command_with(cmd: &'a Command, id: impl Fn(&str) -> I) -> Self {
        match cmd {
            Command::PlayAudio {
                id: name,
                audio,
                content_type,
                last,
                ..
            } => Request::Play {
                id: id(name),
                content_type: content_type.as_bytes(),
                audio,
                last: *last,
            },
            Command::ClearAudioBuffer { id: name } => Request::Clear { id: id(name) },
            Command::PressDtmf {
                id: name,
                digits,
                press_ms,
                break_ms,
                ..
            } => Request::Press {
                id: id(name),
                digits,
                press_ms: *press_ms,
                break_ms: *break_ms,
            },
            Command::QueryBuffer(kind) => Request::Query(*kind),
            Command::EndStream { .. } => Request::EndStream,
            Command::TerminateCall => Request::Terminate,
        }
    }
}

/// What the platform tells the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Note<I> {
    /// An audio entry (or clip) started playing.
    PlaybackStarted(I),
    /// An audio entry (or clip) finished playing.
    PlaybackCompleted(I),
    /// A clear was carried out.
    BufferCleared(I),
    /// A DTMF job started playing.
    DtmfPlayStarted(I),
    /// A DTMF job finished playing.
    DtmfPlayCompleted(I),
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
    Error(Refusal),
}

impl<I> Note<I> {
    /// Whether this acknowledges an app message (what an ack-delay fault delays); refusals
    /// are not acknowledgements.
    pub fn is_ack(&self) -> bool {
        !matches!(self, Note::Error(_))
    }
}

/// What the caller's ear gets for a stretch of ticks.
#[derive(Debug)]
pub enum Sound<'a, A, D> {
    /// Nothing plays.
    Silence,
    /// An audio entry, from this tick of it.
    Audio(&'a A, u64),
    /// A DTMF job, from this tick of it.
    Dtmf(&'a D, u64),
}

/// What a front door does with the buffers' output: what an entry carries, what the caller
/// hears, where the notes go.
pub trait Render<I> {
    /// What an admitted audio entry carries (decoded samples, or `()` for timing only).
    type Audio;
    /// What an admitted DTMF job carries.
    type Dtmf;
    /// Makes an admitted entry's payload from the bytes the app sent.
    fn audio(&mut self, play: AdmittedPlay, bytes: &[u8]) -> Self::Audio;
    /// Makes an admitted DTMF job's payload.
    fn dtmf(&mut self, digits: &str, press: AdmittedPress) -> Self::Dtmf;
    /// The caller hears `sound` for the next `ticks` ticks.
    fn hear(&mut self, sound: Sound<'_, Self::Audio, Self::Dtmf>, ticks: u64);
    /// The platform tells the app `note` at tick `at`.
    fn note(&mut self, at: u64, note: Note<I>);
}

/// Counters of what the buffers did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BufferStats {
    /// `PlayAudioMessage`s admitted into the buffer.
    pub entries_accepted: u64,
    /// `PlayAudioMessage`s refused (bad format, empty, buffer full).
    pub entries_rejected: u64,
    /// Of those, refused because the buffer was full.
    pub overflows: u64,
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
    /// Keys the app pressed that the caller heard in full, in order (upper case).
    pub dtmf_digits_played: String,
    /// Tick at which the first app audio started.
    pub first_audio_at: Option<u64>,
    /// Ticks of app audio the caller heard.
    pub audio_ticks: u64,
    /// Ticks of DTMF the caller heard (tones and breaks).
    pub dtmf_ticks: u64,
    /// The most entries the audio buffer held at once (the one playing included).
    pub peak_depth: u64,
    /// The most audio the buffer held at once, in ticks (the rest of the entry playing and
    /// every queued entry): how far ahead of the caller the app got.
    pub peak_queued_ticks: u64,
}

/// One entry or job.
#[derive(Debug)]
struct Item<I, P> {
    /// The app's id.
    id: I,
    /// Its length in ticks.
    ticks: u64,
    /// Audio: the final chunk of its clip. DTMF: unused.
    last: bool,
    /// DTMF: the keys (for the counters). Audio: empty.
    digits: String,
    /// Audio: its start was announced (so its completion is too, per the ack shape).
    announced: bool,
    /// What the front door keeps with it.
    payload: P,
}

/// What plays now, and from which tick of it.
#[derive(Debug)]
enum Playing<I, A, D> {
    Audio(Item<I, A>, u64),
    Dtmf(Item<I, D>, u64),
}

/// What the app message did to the call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    /// Handled (notes, if any, were given to the renderer).
    Done,
    /// `TerminateCallMessage`: the caller must be hung up.
    Terminate,
    /// Ignored without an error, as the specification says (nothing changed, no note);
    /// the text says why, for a front door's timeline.
    Ignored(&'static str),
}

/// The audio and DTMF buffers of one call. See the module docs.
#[derive(Debug)]
pub struct Buffers<I, A, D> {
    /// Settings.
    config: BufferConfig,
    /// Ticks played so far.
    cursor: u64,
    /// What plays now.
    playing: Option<Playing<I, A, D>>,
    /// Audio entries waiting.
    audio: VecDeque<Item<I, A>>,
    /// DTMF jobs waiting.
    dtmf: VecDeque<Item<I, D>>,
    /// [`AckShape::PerId`]: the clip whose start was sent and whose completion was not.
    open_clip: Option<I>,
    /// Whether a depth answer counts the entry (or job) playing (see
    /// [`set_depth_counts_playing`](Self::set_depth_counts_playing)).
    depth_counts_playing: bool,
    /// Counters.
    stats: BufferStats,
}

impl<I: Id, A, D> Buffers<I, A, D> {
    /// Empty buffers at tick 0.
    pub fn new(config: BufferConfig) -> Self {
        Self {
            config,
            cursor: 0,
            playing: None,
            audio: VecDeque::new(),
            dtmf: VecDeque::new(),
            open_clip: None,
            depth_counts_playing: true,
            stats: BufferStats::default(),
        }
    }

    /// Whether a depth answer (`NotifyBufferDepthMessage`) counts the entry or job playing
    /// (default: it does). The specification is silent; a platform that answers with the
    /// queued entries only is a variant `fcstream conform` checks servers against. The
    /// buffer's size always counts the one playing.
    pub fn set_depth_counts_playing(&mut self, yes: bool) {
        self.depth_counts_playing = yes;
    }

    /// The settings.
    pub fn config(&self) -> &BufferConfig {
        &self.config
    }

    /// Ticks played so far.
    pub fn cursor(&self) -> u64 {
        self.cursor
    }

    /// Counters.
    pub fn stats(&self) -> &BufferStats {
        &self.stats
    }

    /// Entries in the audio buffer, the one playing included.
    pub fn audio_depth(&self) -> usize {
        self.audio.len() + usize::from(matches!(self.playing, Some(Playing::Audio(..))))
    }

    /// Jobs in the DTMF buffer, the one playing included.
    pub fn dtmf_depth(&self) -> usize {
        self.dtmf.len() + usize::from(matches!(self.playing, Some(Playing::Dtmf(..))))
    }

    /// The tick at which what plays now ends (when the buffers next have something to say).
    pub fn next_boundary(&self) -> Option<u64> {
        match &self.playing {
            Some(Playing::Audio(e, pos)) => Some(self.cursor + (e.ticks - pos)),
            Some(Playing::Dtmf(j, pos)) => Some(self.cursor + (j.ticks - pos)),
            None => None,
        }
    }

    /// Plays up to tick `target` (exclusive), telling `r` what is heard and what starts and ends.
    pub fn advance_to<R>(&mut self, target: u64, r: &mut R)
    where
        R: Render<I, Audio = A, Dtmf = D>,
    {
        self.kick(r);
        while self.cursor < target {
            let room = target - self.cursor;
            let finished = match &mut self.playing {
                None => {
                    r.hear(Sound::Silence, room);
                    self.cursor = target;
                    false
                }
                Some(Playing::Audio(item, pos)) => {
                    let n = (item.ticks - *pos).min(room);
                    r.hear(Sound::Audio(&item.payload, *pos), n);
                    self.stats.audio_ticks += n;
                    *pos += n;
                    self.cursor += n;
                    *pos == item.ticks
                }
                Some(Playing::Dtmf(item, pos)) => {
                    let n = (item.ticks - *pos).min(room);
                    r.hear(Sound::Dtmf(&item.payload, *pos), n);
                    self.stats.dtmf_ticks += n;
                    *pos += n;
                    self.cursor += n;
                    *pos == item.ticks
                }
            };
            if finished {
                self.complete(r);
                self.kick(r);
            }
        }
    }

    /// What plays now has played its last tick.
    fn complete<R: Render<I, Audio = A, Dtmf = D>>(&mut self, r: &mut R) {
        let at = self.cursor;
        match self.playing.take() {
            Some(Playing::Audio(e, _)) => {
                self.stats.plays_completed += 1;
                let acked = match self.config.acks {
                    AckShape::PerEntry | AckShape::EveryNth(_) => e.announced,
                    AckShape::PerId => e.last,
                    AckShape::None => false,
                };
                if acked {
                    if e.last {
                        self.open_clip = None;
                    }
                    r.note(at, Note::PlaybackCompleted(e.id));
                }
            }
            Some(Playing::Dtmf(j, _)) => {
                self.stats.dtmf_completed += 1;
                self.stats
                    .dtmf_digits_played
                    .push_str(&j.digits.to_ascii_uppercase());
                r.note(at, Note::DtmfPlayCompleted(j.id));
            }
            None => {}
        }
    }

    /// Starts the next item if nothing plays: DTMF first, then audio.
    fn kick<R: Render<I, Audio = A, Dtmf = D>>(&mut self, r: &mut R) {
        if self.playing.is_some() {
            return;
        }
        let at = self.cursor;
        if let Some(job) = self.dtmf.pop_front() {
            self.stats.dtmf_started += 1;
            r.note(at, Note::DtmfPlayStarted(job.id.clone()));
            self.playing = Some(Playing::Dtmf(job, 0));
        } else if let Some(mut entry) = self.audio.pop_front() {
            self.stats.plays_started += 1;
            self.stats.first_audio_at.get_or_insert(at);
            let announce = match self.config.acks {
                AckShape::PerEntry => true,
                AckShape::PerId => self.open_clip.as_ref() != Some(&entry.id),
                AckShape::EveryNth(n) => (self.stats.plays_started - 1) % u64::from(n.max(1)) == 0,
                AckShape::None => false,
            };
            entry.announced = announce;
            if announce {
                if self.config.acks == AckShape::PerId {
                    self.open_clip = Some(entry.id.clone());
                }
                r.note(at, Note::PlaybackStarted(entry.id.clone()));
            }
            self.playing = Some(Playing::Audio(entry, 0));
        }
    }

    /// Updates the peaks after an entry was admitted (the only time they can grow).
    fn note_peaks(&mut self) {
        let depth = self.audio_depth() as u64;
        self.stats.peak_depth = self.stats.peak_depth.max(depth);
        let playing = match &self.playing {
            Some(Playing::Audio(e, pos)) => e.ticks - pos,
            _ => 0,
        };
        let queued = playing + self.audio.iter().map(|e| e.ticks).sum::<u64>();
        self.stats.peak_queued_ticks = self.stats.peak_queued_ticks.max(queued);
    }

    /// Length in ticks of `samples` at the call's rate.
    fn ticks_of_samples(&self, samples: u64) -> u64 {
        samples * self.config.ticks_per_second / u64::from(self.config.content_type.sample_rate())
    }

    /// Applies an app message received at tick `now` (the buffers first play up to `now`).
    pub fn apply<R>(&mut self, req: Request<'_, I>, now: u64, r: &mut R) -> Applied
    where
        R: Render<I, Audio = A, Dtmf = D>,
    {
        self.advance_to(now, r);
        let at = self.cursor;
        match req {
            Request::Play {
                id,
                content_type,
                audio,
                last,
            } => match rules::check_play(self.config.content_type, content_type, audio.len()) {
                Err(refusal) => {
                    self.stats.entries_rejected += 1;
                    r.note(at, Note::Error(refusal));
                }
                Ok(_) if self.audio_depth() >= self.config.audio => {
                    self.stats.entries_rejected += 1;
                    self.stats.overflows += 1;
                    r.note(
                        at,
                        Note::Error(rules::audio_buffer_full(self.config.audio, &id)),
                    );
                }
                Ok(play) => {
                    self.stats.entries_accepted += 1;
                    let ticks = self.ticks_of_samples(play.samples);
                    let payload = r.audio(play, audio);
                    self.audio.push_back(Item {
                        id,
                        ticks,
                        last,
                        digits: String::new(),
                        announced: false,
                        payload,
                    });
                    self.note_peaks();
                }
            },
            Request::Clear { id } => {
                if matches!(self.playing, Some(Playing::Audio(..))) {
                    self.playing = None;
                    self.stats.plays_interrupted += 1;
                }
                self.stats.entries_cleared += self.audio.len() as u64;
                self.audio.clear();
                self.open_clip = None;
                self.stats.clears += 1;
                r.note(at, Note::BufferCleared(id));
            }
            Request::Press {
                id,
                digits,
                press_ms,
                break_ms,
            } => match rules::check_press(&id, digits, press_ms, break_ms) {
                Err(refusal) => r.note(at, Note::Error(refusal)),
                Ok(None) => return Applied::Ignored(rules::ZERO_PRESS_IGNORED),
                Ok(Some(_)) if self.dtmf_depth() >= self.config.dtmf => r.note(
                    at,
                    Note::Error(rules::dtmf_buffer_full(self.config.dtmf, &id)),
                ),
                Ok(Some(press)) => {
                    let ticks = u64::try_from(
                        press.length().as_micros() * u128::from(self.config.ticks_per_second)
                            / 1_000_000,
                    )
                    .unwrap_or(u64::MAX);
                    let payload = r.dtmf(digits, press);
                    self.dtmf.push_back(Item {
                        id,
                        ticks,
                        last: true,
                        digits: digits.to_string(),
                        announced: true,
                        payload,
                    });
                }
            },
            Request::Query(kind) => {
                let (depth, size) = match (kind, self.depth_counts_playing) {
                    (BufferKind::Audio, true) => (self.audio_depth(), self.config.audio),
                    (BufferKind::Audio, false) => (self.audio.len(), self.config.audio),
                    (BufferKind::Dtmf, true) => (self.dtmf_depth(), self.config.dtmf),
                    (BufferKind::Dtmf, false) => (self.dtmf.len(), self.config.dtmf),
                };
                r.note(
                    at,
                    Note::BufferDepth {
                        kind,
                        depth: u32::try_from(depth).unwrap_or(u32::MAX),
                        size: u32::try_from(size).unwrap_or(u32::MAX),
                    },
                );
            }
            Request::EndStream => r.note(at, Note::Error(rules::end_stream())),
            Request::Unknown => r.note(at, Note::Error(rules::unknown_message())),
            Request::BadBufferType(t) => r.note(at, Note::Error(rules::bad_buffer_type(t))),
            Request::Terminate => return Applied::Terminate,
        }
        self.kick(r);
        Applied::Done
    }

    /// The call ended at tick `end`: plays up to it, counts what was left unplayed and empties
    /// the buffers.
    pub fn end<R>(&mut self, end: u64, r: &mut R)
    where
        R: Render<I, Audio = A, Dtmf = D>,
    {
        self.advance_to(end, r);
        let playing = usize::from(matches!(self.playing, Some(Playing::Audio(..))));
        self.stats.entries_unfinished += (self.audio.len() + playing) as u64;
        self.playing = None;
        self.audio.clear();
        self.dtmf.clear();
    }
}

/// A [`Render`] for timing only: entries carry nothing, nothing is heard, notes are collected
/// (for tests and simple doubles; the load generator has its own, which writes the wire).
#[derive(Debug, Default)]
pub struct Timing<I> {
    /// Every note so far, with its tick.
    pub notes: Vec<(u64, Note<I>)>,
}

impl<I> Render<I> for Timing<I> {
    type Audio = ();
    type Dtmf = ();
    fn audio(&mut self, _: AdmittedPlay, _: &[u8]) {}
    fn dtmf(&mut self, _: &str, _: AdmittedPress) {}
    fn hear(&mut self, _: Sound<'_, (), ()>, _: u64) {}
    fn note(&mut self, at: u64, note: Note<I>) {
        self.notes.push((at, note));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const US: u64 = 1_000_000;

    fn buffers(audio: usize, dtmf: usize, acks: AckShape) -> Buffers<String, (), ()> {
        Buffers::new(BufferConfig {
            content_type: ContentType::Mulaw8k,
            audio,
            dtmf,
            acks,
            ticks_per_second: US,
        })
    }

    fn play(id: &str, ms: usize, last: bool) -> (String, Vec<u8>, bool) {
        (id.to_string(), vec![0xFF; ms * 8], last)
    }

    fn apply(
        b: &mut Buffers<String, (), ()>,
        t: &mut Timing<String>,
        p: &(String, Vec<u8>, bool),
        now: u64,
    ) {
        b.apply(
            Request::Play {
                id: p.0.clone(),
                content_type: b"audio/mulaw;rate=8000",
                audio: &p.1,
                last: p.2,
            },
            now,
            t,
        );
    }

    #[test]
    fn entries_play_back_to_back_with_one_start_and_completion_each() {
        let mut b = buffers(10, 10, AckShape::PerEntry);
        let mut t = Timing::default();
        apply(&mut b, &mut t, &play("a", 20, true), 1_000);
        apply(&mut b, &mut t, &play("b", 20, true), 5_000);
        b.advance_to(100_000, &mut t);
        assert_eq!(
            t.notes,
            vec![
                (1_000, Note::PlaybackStarted("a".into())),
                (21_000, Note::PlaybackCompleted("a".into())),
                (21_000, Note::PlaybackStarted("b".into())),
                (41_000, Note::PlaybackCompleted("b".into())),
            ]
        );
        assert_eq!(b.next_boundary(), None);
    }

    #[test]
    fn per_id_acks_start_a_clip_once_and_complete_it_on_its_last_chunk() {
        let mut b = buffers(10, 10, AckShape::PerId);
        let mut t = Timing::default();
        apply(&mut b, &mut t, &play("a", 20, false), 0);
        apply(&mut b, &mut t, &play("a", 20, false), 0);
        apply(&mut b, &mut t, &play("a", 20, true), 0);
        apply(&mut b, &mut t, &play("b", 20, true), 0);
        b.advance_to(US, &mut t);
        assert_eq!(
            t.notes,
            vec![
                (0, Note::PlaybackStarted("a".into())),
                (60_000, Note::PlaybackCompleted("a".into())),
                (60_000, Note::PlaybackStarted("b".into())),
                (80_000, Note::PlaybackCompleted("b".into())),
            ]
        );
    }

    #[test]
    fn sparse_and_absent_acks() {
        let mut b = buffers(100, 10, AckShape::EveryNth(3));
        let mut t = Timing::default();
        for i in 0..7 {
            apply(&mut b, &mut t, &play(&format!("p{i}"), 20, true), 0);
        }
        b.advance_to(US, &mut t);
        let ids: Vec<_> = t.notes.iter().map(|(_, n)| n.clone()).collect();
        assert_eq!(
            ids,
            ["p0", "p3", "p6"]
                .iter()
                .flat_map(|id| [
                    Note::PlaybackStarted(id.to_string()),
                    Note::PlaybackCompleted(id.to_string())
                ])
                .collect::<Vec<_>>()
        );
        let mut b = buffers(100, 10, AckShape::None);
        let mut t = Timing::default();
        apply(&mut b, &mut t, &play("a", 20, true), 0);
        b.advance_to(US, &mut t);
        assert!(t.notes.is_empty());
        assert_eq!(b.stats().plays_completed, 1, "it played, unannounced");
        for (text, shape) in [
            ("per-entry", AckShape::PerEntry),
            ("per-id", AckShape::PerId),
            ("every-10", AckShape::EveryNth(10)),
            ("none", AckShape::None),
        ] {
            assert_eq!(text.parse::<AckShape>().unwrap(), shape);
            assert_eq!(shape.to_string(), text);
        }
        assert!("every-0".parse::<AckShape>().is_err());
        assert!("sometimes".parse::<AckShape>().is_err());
    }

    #[test]
    fn buffer_size_counts_the_entry_playing_and_clear_drops_all() {
        let mut b = buffers(2, 1, AckShape::PerEntry);
        let mut t = Timing::default();
        for id in ["a", "b", "c"] {
            apply(&mut b, &mut t, &play(id, 20, true), 0);
        }
        assert_eq!(b.stats().overflows, 1);
        assert!(
            matches!(&t.notes[1].1, Note::Error(r) if r.id == crate::error_ids::AUDIO_BUFFER_FULL)
        );
        b.apply(Request::Clear { id: "x".into() }, 10_000, &mut t);
        assert_eq!(b.audio_depth(), 0);
        t.notes.clear();
        b.advance_to(US, &mut t);
        assert!(t.notes.is_empty(), "{:?}", t.notes);
    }

    #[test]
    fn depth_answers_with_or_without_the_entry_playing() {
        for (counts, expected) in [(true, 2), (false, 1)] {
            let mut b = buffers(10, 10, AckShape::PerEntry);
            b.set_depth_counts_playing(counts);
            let mut t = Timing::default();
            apply(&mut b, &mut t, &play("a", 20, true), 0);
            apply(&mut b, &mut t, &play("b", 20, true), 0);
            b.apply(Request::Query(BufferKind::Audio), 5_000, &mut t);
            assert!(
                t.notes.iter().any(|(_, n)| *n
                    == Note::BufferDepth {
                        kind: BufferKind::Audio,
                        depth: expected,
                        size: 10
                    }),
                "{counts}: {:?}",
                t.notes
            );
        }
    }

    #[test]
    fn dtmf_waits_for_the_entry_then_goes_before_the_queue() {
        let mut b = buffers(10, 10, AckShape::PerEntry);
        let mut t = Timing::default();
        apply(&mut b, &mut t, &play("a", 20, true), 0);
        apply(&mut b, &mut t, &play("b", 20, true), 0);
        b.apply(
            Request::Press {
                id: "d".into(),
                digits: "1#",
                press_ms: 100,
                break_ms: 50,
            },
            5_000,
            &mut t,
        );
        b.advance_to(US, &mut t);
        assert_eq!(t.notes[1], (20_000, Note::PlaybackCompleted("a".into())));
        assert_eq!(t.notes[2], (20_000, Note::DtmfPlayStarted("d".into())));
        assert_eq!(t.notes[3], (270_000, Note::DtmfPlayCompleted("d".into())));
        assert_eq!(t.notes[4], (270_000, Note::PlaybackStarted("b".into())));
        assert_eq!(b.stats().dtmf_digits_played, "1#");
    }
}
