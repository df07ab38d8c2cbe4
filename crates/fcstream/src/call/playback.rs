//! Playback pacing: how much of each clip is at the platform, and when a clip is done.
//!
//! A clip is sent as chunks (entries of the platform's audio buffer) under one id, with
//! `sequence_num` increasing and `last_message` on the final chunk. The `Pacer` sends a chunk
//! only while the audio queued at the platform stays under [`PlaybackConfig::max_ahead`] and the
//! entry count under [`PlaybackConfig::max_entries`], so a 10-minute clip never floods the
//! platform's bounded buffer. Credit comes back three ways, so that no platform variant can
//! make a play hang:
//!
//! 1. `NotifyAudioPlaybackCompletedMessage(id)`: the oldest outstanding entry with that id is
//!    done, and so is every entry queued before it (the buffer plays in order).
//! 2. `NotifyBufferDepthMessage(Audio)`: of the entries sent before the query, only the last
//!    `depth` are still at the platform (depth is taken to include the entry now playing).
//! 3. A watchdog: when the oldest entry should have finished `stall_grace` ago and nothing
//!    arrived, the pacer asks for the depth. That covers platforms that report a completion
//!    only once per id, lost acknowledgements and entries the platform dropped.
//!
//! **The heard ledger.** Every play ends with a [`Heard`] record: how much of the clip the
//! caller actually heard. Entries that completed count whole; the entry playing when a clear
//! cut it counts from when it started playing (`NotifyAudioPlaybackStartedMessage`, or, when the
//! platform does not send one, when the entry before it completed or when it was sent to an
//! empty buffer) to when the clear was acknowledged. Both instants are taken as messages arrive,
//! so the network delay cancels out except when the start is estimated (then the figure is
//! at most half a round trip high).
//!
//! The pacer is a plain state machine (no I/O, no task): the session feeds it and sends
//! what it returns, and tests drive it with a virtual clock.

use std::collections::VecDeque;
use std::time::Duration;

use bytes::Bytes;
use std::time::Instant;
use tokio::sync::oneshot;

use crate::audio::ContentType;
use crate::command::Command;
use crate::error::Result;

/// Length of one chunk (one platform buffer entry) of a long clip
/// ([`PlaybackConfig::chunk`](PlaybackConfig::chunk)).
pub const PLAYBACK_CHUNK: Duration = Duration::from_millis(200);

/// At most this much audio is sent ahead of what the caller has heard
/// ([`PlaybackConfig::max_ahead`](PlaybackConfig::max_ahead)).
pub const PLAYBACK_MAX_AHEAD: Duration = Duration::from_secs(1);

/// At most this many entries are outstanding at the platform's buffer
/// ([`PlaybackConfig::max_entries`](PlaybackConfig::max_entries)).
pub const PLAYBACK_MAX_ENTRIES: usize = 16;

/// How long past an entry's expected end the pacer waits before asking the platform for its
/// buffer depth ([`PlaybackConfig::stall_grace`](PlaybackConfig::stall_grace)).
pub const PLAYBACK_STALL_GRACE: Duration = Duration::from_millis(500);

/// How playback is paced. The defaults keep about one second of audio at the platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlaybackConfig {
    /// Length of one chunk (one platform buffer entry) of a long clip. Default
    /// [`PLAYBACK_CHUNK`].
    pub chunk: Duration,
    /// At most this much audio is sent ahead of what the caller has heard. Default
    /// [`PLAYBACK_MAX_AHEAD`]. At least one entry is always allowed, whatever its length.
    pub max_ahead: Duration,
    /// At most this many entries are outstanding at the platform. Default
    /// [`PLAYBACK_MAX_ENTRIES`]; keep it under the platform's buffer size.
    pub max_entries: usize,
    /// How long past an entry's expected end the pacer waits before asking the platform for
    /// its buffer depth. Default [`PLAYBACK_STALL_GRACE`].
    pub stall_grace: Duration,
}

impl Default for PlaybackConfig {
    fn default() -> Self {
        Self {
            chunk: PLAYBACK_CHUNK,
            max_ahead: PLAYBACK_MAX_AHEAD,
            max_entries: PLAYBACK_MAX_ENTRIES,
            stall_grace: PLAYBACK_STALL_GRACE,
        }
    }
}

/// Plays one call may have waiting (queued or playing, not yet answered). A platform that stops
/// acknowledging while the app keeps asking (an echo: one play per frame) cannot grow a call
/// past it: the oldest play not yet sent is dropped ([`PlayOutcome::Dropped`]). At 50 plays a
/// second that is 1.3 s of echo; an app that plays prompts never has more than a few waiting.
pub const MAX_WAITING_PLAYS: usize = 64;

/// Clips up to this size are copied when they have to wait behind a backlog (see
/// [`MAX_WAITING_PLAYS`]): 4 KiB is 250 ms of l16 at 8 kHz, a few echoed frames.
const COMPACT_BYTES: usize = 4096;

/// How a play ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PlayOutcome {
    /// The platform reported the final chunk played.
    Completed,
    /// A clear dropped (part of) it.
    Interrupted,
    /// It was never sent: [`MAX_WAITING_PLAYS`] newer plays were waiting behind a platform
    /// that was not acknowledging (counted in `CallStats::plays_dropped`).
    Dropped,
}

pub(crate) type PlayReply = oneshot::Sender<Result<PlayOutcome>>;

/// What the caller heard of one play: an entry of the call's heard ledger
/// ([`CallControl::heard_ledger`](crate::CallControl::heard_ledger)).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heard {
    /// The app's name for the play ([`CallControl::start_play_prompt`](crate::CallControl::start_play_prompt)),
    /// or the id it was sent under.
    pub id: String,
    /// The words of the clip, when the app gave them.
    pub text: Option<String>,
    /// Length of the whole clip.
    pub duration: Duration,
    /// How much of it the caller heard (see the module docs for how it is measured).
    pub played: Duration,
    /// Whether it played to its end or a clear (or the end of the call) cut it.
    pub outcome: PlayOutcome,
}

/// The app's label for a play, and who waits for its [`Heard`] record.
pub(crate) struct Label {
    /// The app's name for the play.
    pub(crate) name: String,
    /// Its words.
    pub(crate) text: Option<String>,
    /// Gets the record when the play ends (not when the call ends first).
    pub(crate) heard: Option<oneshot::Sender<Heard>>,
}

/// The number of a play's wire id (`p<N>`): `Some(N)` when `id` is exactly what
/// [`wire_id`] makes of some N, so notifications are matched on a number, not a string.
pub(crate) fn parse_play_id(id: &str) -> Option<u64> {
    let digits = id.strip_prefix('p')?;
    let canonical = !digits.is_empty()
        && digits.len() <= 20
        && digits.bytes().all(|b| b.is_ascii_digit())
        && (digits == "0" || !digits.starts_with('0'));
    if canonical {
        digits.parse().ok()
    } else {
        None
    }
}

/// The wire id of play number `n`: `p` and its decimal digits.
///
/// Not `format!`: this runs once per play (an echo makes one per caller frame), and the
/// formatting machinery cost more than the rest of the play's bookkeeping.
pub(crate) fn wire_id(n: u64) -> String {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut v = n;
    loop {
        at -= 1;
        digits[at] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    let mut id = String::with_capacity(1 + digits.len() - at);
    id.push('p');
    for &d in &digits[at..] {
        id.push(char::from(d));
    }
    id
}

/// A ledger record as the pacer makes it: `Some(N)` for a plain play (its [`Heard::id`] is
/// left empty and becomes the wire id `p<N>` only if someone reads the ledger), `None` for a
/// prompt (named by the app).
pub(crate) type Record = (Option<u64>, Heard);

/// The [`Heard`] of a record, named.
pub(crate) fn named((plain, mut heard): Record) -> Heard {
    if let Some(n) = plain {
        heard.id = wire_id(n);
    }
    heard
}

/// A clip being played.
struct Play {
    /// Monotone key: orders plays and tells which existed when a clear was sent.
    key: u64,
    /// The number of its wire id (`p<N>`).
    num: u64,
    /// The wire id sent with every chunk (moved into the final chunk's command).
    id: String,
    /// The whole clip, in the call's format.
    audio: Bytes,
    /// Bytes already sent.
    offset: usize,
    /// Next chunk's sequence number.
    sequence: u32,
    /// A clear stopped it: no more chunks are sent.
    stopped: bool,
    /// Whoever awaits the outcome (taken when answered).
    reply: Option<PlayReply>,
    /// When the app asked for it (for the play-latency metric).
    asked: Instant,
    /// The app's label, if it gave one.
    label: Option<Box<Label>>,
    /// Audio of this play the caller has heard so far (completed entries).
    heard: Duration,
}

impl Play {
    /// Closes the play's ledger record (a plain play's costs no allocation: see [`Record`]).
    fn record(&mut self, content_type: ContentType, outcome: PlayOutcome) -> Record {
        let duration = content_type.duration_of(self.audio.len());
        let played = match outcome {
            PlayOutcome::Completed => duration,
            PlayOutcome::Interrupted | PlayOutcome::Dropped => self.heard.min(duration),
        };
        let (plain, id, text) = match &self.label {
            Some(l) => (None, l.name.clone(), l.text.clone()),
            None => (Some(self.num), String::new(), None),
        };
        (
            plain,
            Heard {
                id,
                text,
                duration,
                played,
                outcome,
            },
        )
    }
}

impl Play {
    fn unsent(&self) -> bool {
        !self.stopped && self.offset < self.audio.len()
    }
}

/// One chunk at the platform.
#[derive(Debug, Clone)]
struct Entry {
    /// Monotone index over all entries of the call.
    index: u64,
    /// The play it belongs to.
    play: u64,
    /// The number of its wire id, to match notifications.
    id: u64,
    /// How long it plays.
    duration: Duration,
    /// Whether it is the play's final chunk.
    last: bool,
    /// When it should finish if the platform plays in real time from now on.
    expected_end: Instant,
    /// When it started playing, as far as the pacer knows.
    started: Option<Instant>,
    /// `started` comes from the platform's `PlaybackStarted`, not an estimate.
    confirmed: bool,
}

/// Where a clear cut the call's playback, to settle when the platform acknowledges it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ClearMark {
    /// Entries with a lower index were dropped by the platform.
    entries: u64,
    /// Plays with a lower key were stopped.
    plays: u64,
}

/// The playback state of one call. See the module docs.
pub(crate) struct Pacer {
    /// Limits.
    config: PlaybackConfig,
    /// The call's format (chunk sizes, durations, the content type sent).
    content_type: ContentType,
    /// Chunk length in bytes (whole samples).
    chunk_bytes: usize,
    /// Plays not yet answered, oldest first.
    plays: VecDeque<Play>,
    /// Key of the next play.
    next_play: u64,
    /// Entries sent and believed still at the platform, oldest first.
    outstanding: VecDeque<Entry>,
    /// Entries a clear was sent for, kept until its acknowledgement so that a completion that
    /// crossed the clear on the wire still counts.
    clearing: VecDeque<Entry>,
    /// Sum of `outstanding` durations.
    queued: Duration,
    /// Index of the next entry.
    next_index: u64,
    /// Entries sent since the call began (for stats).
    pub(crate) entries_sent: u64,
    /// Set when a completion suggests the platform reports once per id: ask for the depth now.
    want_query: bool,
    /// How long completed plays took from request to final completion, not yet collected.
    latencies: Vec<Duration>,
    /// The id of the last completion, to learn the platform's habit.
    last_completed: Option<u64>,
    /// Seen two completions in a row for one id: the platform reports every entry, so the
    /// once-per-id shortcut (an immediate depth query) is not needed.
    reports_every_entry: bool,
    /// Heard-ledger records of plays that ended, not yet collected.
    ledger: Vec<Record>,
    /// Plays dropped unsent because [`MAX_WAITING_PLAYS`] were waiting.
    pub(crate) dropped: u64,
    /// The last depth answer settled entries no completion had: this platform is not
    /// acknowledging each entry (none at all, once per id, or lost), so while plays wait
    /// for credit the pacer asks for the depth early (see [`Pacer::query_deadline`]).
    acks_missing: bool,
}

impl Pacer {
    pub(crate) fn new(config: PlaybackConfig, content_type: ContentType) -> Self {
        let chunk_bytes = content_type
            .bytes_for(config.chunk)
            .max(content_type.bytes_per_sample());
        Self {
            config,
            content_type,
            chunk_bytes,
            plays: VecDeque::new(),
            next_play: 0,
            outstanding: VecDeque::new(),
            clearing: VecDeque::new(),
            queued: Duration::ZERO,
            next_index: 0,
            entries_sent: 0,
            want_query: false,
            latencies: Vec::new(),
            last_completed: None,
            reports_every_entry: false,
            ledger: Vec::new(),
            dropped: 0,
            acks_missing: false,
        }
    }

    /// Audio now queued at the platform, as far as the pacer knows.
    pub(crate) fn queued(&self) -> Duration {
        self.queued
    }

    /// Entries now outstanding at the platform.
    #[cfg(test)]
    pub(crate) fn outstanding(&self) -> usize {
        self.outstanding.len()
    }

    /// Adds a clip (already in the call's format) under the wire id `p<num>`.
    pub(crate) fn enqueue(
        &mut self,
        num: u64,
        audio: Bytes,
        reply: Option<PlayReply>,
        label: Option<Box<Label>>,
        now: Instant,
    ) {
        let key = self.next_play;
        self.next_play += 1;
        let mut play = Play {
            key,
            num,
            id: wire_id(num),
            audio,
            offset: 0,
            sequence: 0,
            stopped: false,
            reply,
            asked: now,
            label,
            heard: Duration::ZERO,
        };
        if play.audio.is_empty() {
            // The platform rejects empty payloads; an empty clip has nothing to wait for.
            self.resolve(&mut play, PlayOutcome::Completed);
            return;
        }
        if self.plays.len() >= MAX_WAITING_PLAYS {
            self.drop_oldest_unsent();
        }
        if self.plays.len() >= self.config.max_entries && play.audio.len() <= COMPACT_BYTES {
            // A backlog is forming (the platform is slow to acknowledge): a small clip that is
            // a slice of a received message would keep that message's whole receive buffer
            // alive while it waits, so it waits in a copy of its own. A healthy call never
            // gets here; the copy is of at most COMPACT_BYTES.
            play.audio = Bytes::copy_from_slice(&play.audio);
        }
        self.plays.push_back(play);
    }

    /// Makes room for one more play: the oldest play nothing of which was sent resolves
    /// [`PlayOutcome::Dropped`]. (Plays partly sent are at most `max_entries + 1`, far fewer
    /// than the bound, so there always is one.)
    fn drop_oldest_unsent(&mut self) {
        let Some(pos) = self.plays.iter().position(|p| p.offset == 0) else {
            return;
        };
        if let Some(mut play) = self.plays.remove(pos) {
            self.dropped += 1;
            if self.dropped == 1 {
                tracing::warn!(
                    limit = MAX_WAITING_PLAYS,
                    "the platform is not acknowledging playback: dropping the oldest waiting plays (counted)"
                );
            }
            self.resolve(&mut play, PlayOutcome::Dropped);
        }
    }

    /// Answers a play: its ledger record, then its outcome.
    fn resolve(&mut self, play: &mut Play, outcome: PlayOutcome) {
        let record = play.record(self.content_type, outcome);
        if let Some(tx) = play.label.as_mut().and_then(|l| l.heard.take()) {
            let _ = tx.send(record.1.clone());
        }
        if let Some(reply) = play.reply.take() {
            let _ = reply.send(Ok(outcome));
        }
        self.ledger.push(record);
    }

    /// Ledger records of plays that ended since the last call.
    /// Whether [`Pacer::take_heard`] or [`Pacer::take_latencies`] has something.
    pub(crate) fn has_output(&self) -> bool {
        !self.ledger.is_empty() || !self.latencies.is_empty()
    }

    pub(crate) fn take_heard(&mut self) -> std::vec::Drain<'_, Record> {
        self.ledger.drain(..)
    }

    /// A `PlaybackStarted(id)` arrived: the oldest entry with that id not yet known to have
    /// started began now.
    pub(crate) fn on_started(&mut self, id: &str, now: Instant) {
        let Some(id) = parse_play_id(id) else {
            return;
        };
        if let Some(e) = self
            .clearing
            .iter_mut()
            .chain(self.outstanding.iter_mut())
            .find(|e| e.id == id && !e.confirmed)
        {
            e.started = Some(now);
            e.confirmed = true;
        }
    }

    /// The first play with something left to send. Such plays are a suffix of `plays`: a play
    /// is queued at the back with something to send, plays are sent in order (one is sent
    /// whole before the next starts), a clear stops every play there is, and plays only leave
    /// (never come back). So it is found from the back, in one step for an echo (whose
    /// waiting plays are all sent), instead of walking past every play waiting for its
    /// completion, three times per frame.
    fn first_unsent(&self) -> Option<usize> {
        let suffix = self.plays.iter().rev().take_while(|p| p.unsent()).count();
        let first = (suffix > 0).then(|| self.plays.len() - suffix);
        debug_assert_eq!(
            first,
            self.plays.iter().position(Play::unsent),
            "plays with something to send are a suffix"
        );
        first
    }

    /// Sends every chunk the limits allow.
    pub(crate) fn pump(&mut self, now: Instant, out: &mut Vec<Command>) {
        while let Some(play) = self.first_unsent().and_then(|i| self.plays.get_mut(i)) {
            let len = self.chunk_bytes.min(play.audio.len() - play.offset);
            let duration = self.content_type.duration_of(len);
            if !self.outstanding.is_empty()
                && (self.queued + duration > self.config.max_ahead
                    || self.outstanding.len() >= self.config.max_entries)
            {
                break;
            }
            let data = play.audio.slice(play.offset..play.offset + len);
            play.offset += len;
            let last = play.offset == play.audio.len();
            out.push(Command::PlayAudio {
                // The final chunk takes the string: a one-chunk clip (an echoed frame) makes
                // one id string, not three.
                id: if last {
                    std::mem::take(&mut play.id)
                } else {
                    play.id.clone()
                },
                audio: data,
                content_type: self.content_type.as_str().to_string(),
                sequence: play.sequence,
                last,
            });
            play.sequence += 1;
            let start = self
                .outstanding
                .back()
                .map_or(now, |e| e.expected_end.max(now));
            // Sent to an empty buffer: it starts playing about now.
            let started = self.outstanding.is_empty().then_some(now);
            self.outstanding.push_back(Entry {
                started,
                confirmed: false,
                index: self.next_index,
                play: play.key,
                id: play.num,
                duration,
                last,
                expected_end: start + duration,
            });
            self.next_index += 1;
            self.entries_sent += 1;
            self.queued += duration;
        }
    }

    /// A `PlaybackCompleted(id)` arrived. Returns false for an id with nothing outstanding.
    pub(crate) fn on_completed(&mut self, id: &str, now: Instant) -> bool {
        let Some(id) = parse_play_id(id) else {
            return false;
        };
        if let Some(pos) = self.outstanding.iter().position(|e| e.id == id) {
            for _ in 0..=pos {
                let Some(e) = self.outstanding.pop_front() else {
                    break;
                };
                self.queued = self.queued.saturating_sub(e.duration);
                self.finish_entry(e, now);
            }
            self.reanchor(now);
            self.acks_missing = false;
            if self.last_completed == Some(id) {
                self.reports_every_entry = true;
            }
            self.last_completed = Some(id);
            // The play's final chunk is sent but chunks of it remain: a platform reporting once
            // per id would leave it hanging, so check the depth rather than wait — unless this
            // platform is known to report every entry.
            if !self.reports_every_entry && self.outstanding.iter().any(|e| e.id == id && e.last) {
                self.want_query = true;
            }
            true
        } else if let Some(pos) = self.clearing.iter().position(|e| e.id == id) {
            for _ in 0..=pos {
                let Some(e) = self.clearing.pop_front() else {
                    break;
                };
                self.finish_entry(e, now);
            }
            // The next one played from now until the clear reached the platform.
            if let Some(next) = self.clearing.front_mut() {
                next.started.get_or_insert(now);
            }
            true
        } else {
            false
        }
    }

    /// Marks a clear as sent: stops every play that exists now and takes its entries out of
    /// the credit count (the platform's buffer is empty once it processes the clear).
    pub(crate) fn begin_clear(&mut self) -> ClearMark {
        for play in &mut self.plays {
            play.stopped = true;
        }
        self.clearing.extend(self.outstanding.drain(..));
        self.queued = Duration::ZERO;
        self.want_query = false;
        ClearMark {
            entries: self.next_index,
            plays: self.next_play,
        }
    }

    /// The platform acknowledged the clear marked `mark`: plays it stopped end `Interrupted`,
    /// the entry that was playing counted as heard up to `now`.
    pub(crate) fn finish_clear(&mut self, mark: ClearMark, now: Instant) {
        // Only the oldest entry can have been playing.
        if let Some(e) = self.clearing.front().filter(|e| e.index < mark.entries) {
            if let Some(started) = e.started {
                let part = now.saturating_duration_since(started).min(e.duration);
                if let Some(play) = self.plays.iter_mut().find(|p| p.key == e.play) {
                    play.heard += part;
                }
            }
        }
        self.clearing.retain(|e| e.index >= mark.entries);
        let mut kept = VecDeque::with_capacity(self.plays.len());
        for mut play in std::mem::take(&mut self.plays) {
            if play.key < mark.plays && play.stopped {
                self.resolve(&mut play, PlayOutcome::Interrupted);
            } else {
                kept.push_back(play);
            }
        }
        self.plays = kept;
    }

    /// The mark to record when an audio depth query is sent.
    pub(crate) fn query_mark(&mut self) -> u64 {
        self.want_query = false;
        self.next_index
    }

    /// A depth answer for a query sent at `mark`: of the entries sent before it, only the
    /// last `depth` are still at the platform.
    pub(crate) fn on_depth(&mut self, mark: u64, depth: u32, now: Instant) {
        let before = self
            .outstanding
            .iter()
            .take_while(|e| e.index < mark)
            .count();
        let done_count = before.saturating_sub(depth as usize);
        if done_count == 0 {
            return;
        }
        self.acks_missing = true;
        for _ in 0..done_count {
            let Some(e) = self.outstanding.pop_front() else {
                break;
            };
            self.queued = self.queued.saturating_sub(e.duration);
            self.finish_entry(e, now);
        }
        self.reanchor(now);
    }

    /// Durations of plays completed since the last call.
    pub(crate) fn take_latencies(&mut self) -> std::vec::Drain<'_, Duration> {
        self.latencies.drain(..)
    }

    /// When the pacer next wants a depth query (None: no need): the watchdog, a grace after
    /// the oldest entry's expected end. But when depth answers are what settles entries
    /// ([`Pacer::acks_missing`]) and plays wait for credit, the pacer asks when half of what
    /// is at the platform should have played: waiting for the watchdog would let through one
    /// window (16 entries) per grace, 16 echoed frames per 0.5 s against the 25 a caller
    /// sends, and the waiting plays would pile up until the oldest were dropped.
    pub(crate) fn query_deadline(&self, now: Instant) -> Option<Instant> {
        if self.want_query {
            return Some(now);
        }
        let front = self.outstanding.front()?;
        let watchdog = front.expected_end + self.config.stall_grace;
        if self.acks_missing && self.plays.iter().any(Play::unsent) {
            let half = self
                .outstanding
                .get((self.outstanding.len() - 1) / 2)
                .unwrap_or(front);
            return Some(half.expected_end.min(watchdog));
        }
        Some(watchdog)
    }

    /// Fails every unanswered play (the call ended). Their ledger records count the entry
    /// that was playing up to `now`.
    pub(crate) fn fail_all(&mut self, err: impl Fn() -> crate::Error, now: Instant) {
        let playing = self.clearing.front().or(self.outstanding.front());
        if let Some((key, part)) = playing.and_then(|e| {
            let started = e.started?;
            Some((
                e.play,
                now.saturating_duration_since(started).min(e.duration),
            ))
        }) {
            if let Some(play) = self.plays.iter_mut().find(|p| p.key == key) {
                play.heard += part;
            }
        }
        for mut play in std::mem::take(&mut self.plays) {
            let record = play.record(self.content_type, PlayOutcome::Interrupted);
            self.ledger.push(record);
            if let Some(reply) = play.reply.take() {
                let _ = reply.send(Err(err()));
            }
        }
        self.outstanding.clear();
        self.clearing.clear();
        self.queued = Duration::ZERO;
    }

    /// An entry is done: it counts as heard, and if it is its play's final chunk the play
    /// resolves — the whole clip was heard, even if a clear was sent after it (the completion
    /// crossed the clear on the wire).
    fn finish_entry(&mut self, e: Entry, now: Instant) {
        let Some(pos) = self.plays.iter().position(|p| p.key == e.play) else {
            return;
        };
        if !e.last {
            if let Some(play) = self.plays.get_mut(pos) {
                play.heard += e.duration;
            }
        } else if let Some(mut play) = self.plays.remove(pos) {
            self.resolve(&mut play, PlayOutcome::Completed);
            self.latencies
                .push(now.saturating_duration_since(play.asked));
        }
    }

    /// After progress, the next entry starts now: re-estimate when each should end.
    fn reanchor(&mut self, now: Instant) {
        if let Some(front) = self.outstanding.front_mut() {
            if front.started.is_none() {
                front.started = Some(now);
            }
        }
        let mut t = now;
        for e in &mut self.outstanding {
            t += e.duration;
            e.expected_end = t;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::call::test_clock::Clock;

    fn pacer() -> Pacer {
        Pacer::new(PlaybackConfig::default(), ContentType::Mulaw8k)
    }

    #[test]
    fn play_ids_match_only_their_exact_wire_form() {
        for n in [0u64, 1, 42, u64::MAX] {
            assert_eq!(parse_play_id(&wire_id(n)), Some(n));
        }
        for n in (0..100_000u64).chain([9, 10, 99, 100, u64::MAX / 10, u64::MAX - 1]) {
            assert_eq!(wire_id(n), format!("p{n}"));
        }
        for other in [
            "",
            "p",
            "p01",
            "p-1",
            "q1",
            "p1 ",
            "P1",
            "p18446744073709551616",
            "c3",
        ] {
            assert_eq!(parse_play_id(other), None, "{other:?}");
        }
    }

    #[tokio::test]
    async fn a_platform_that_never_acknowledges_cannot_grow_the_play_queue() {
        let clock = Clock::new();
        let mut p = pacer();
        let mut replies = Vec::new();
        let mut out = vec![];
        for i in 0..MAX_WAITING_PLAYS + 40 {
            let (tx, rx) = oneshot::channel();
            p.enqueue(
                i as u64,
                Bytes::from_static(&[0xFF; 160]),
                Some(tx),
                None,
                clock.now(),
            );
            p.pump(clock.now(), &mut out);
            replies.push(rx);
        }
        assert!(
            p.plays.len() <= MAX_WAITING_PLAYS,
            "{} plays kept",
            p.plays.len()
        );
        assert_eq!(p.dropped, 40, "the sent ones stay, the oldest unsent go");
        // The dropped ones are answered at once, with a clear outcome and a ledger record.
        let dropped = replies
            .iter_mut()
            .map(|rx| rx.try_recv())
            .filter(|r| matches!(r, Ok(Ok(PlayOutcome::Dropped))))
            .count();
        assert_eq!(dropped, 40);
        assert_eq!(
            p.take_heard()
                .filter(|(_, h)| h.outcome == PlayOutcome::Dropped)
                .count(),
            40
        );
    }

    fn clip(secs: u64) -> Bytes {
        vec![0xFFu8; 8000 * secs as usize].into()
    }

    /// A platform that sends no playback acknowledgements, only depth answers (an
    /// assumed variant, `--acks none`), and an echo: one 20 ms play per caller frame for
    /// 10 s. Every play is sent and answered, none dropped, with the depth asked a few
    /// times a second, not once per frame.
    #[tokio::test]
    async fn an_echo_keeps_up_with_a_platform_that_answers_only_depth_queries() {
        let clock = Clock::new();
        let mut p = pacer();
        let mut out = vec![];
        // What the platform holds: (index, when it finishes playing).
        let mut buffer: VecDeque<(u64, Instant)> = VecDeque::new();
        let mut sent = 0u64;
        let mut queries = 0u32;
        let mut replies = Vec::new();
        let step = Duration::from_millis(1);
        for ms in 0..10_000u64 {
            let now = clock.now();
            // The platform plays what it holds, back to back.
            while buffer.front().is_some_and(|(_, end)| *end <= now) {
                buffer.pop_front();
            }
            if ms % 20 == 0 {
                let (tx, rx) = oneshot::channel();
                p.enqueue(ms, Bytes::from_static(&[0xFF; 160]), Some(tx), None, now);
                replies.push(rx);
            }
            // What the pacer sends now joins the platform's buffer, to play after the rest.
            let mut send = |p: &mut Pacer, buffer: &mut VecDeque<(u64, Instant)>| {
                out.clear();
                p.pump(now, &mut out);
                for c in &out {
                    if let Command::PlayAudio { .. } = c {
                        let start = buffer.back().map_or(now, |(_, end)| (*end).max(now));
                        buffer.push_back((sent, start + Duration::from_millis(20)));
                        sent += 1;
                    }
                }
            };
            send(&mut p, &mut buffer);
            if p.query_deadline(now).is_some_and(|d| d <= now) {
                // Answered at once (a local platform): the depth counts the entry playing.
                let mark = p.query_mark();
                queries += 1;
                p.on_depth(mark, buffer.len() as u32, now);
                send(&mut p, &mut buffer);
            }
            clock.advance(step);
        }
        assert_eq!(p.dropped, 0, "no play dropped");
        assert!(sent >= 495, "{sent} of 500 frames sent");
        let answered = replies
            .iter_mut()
            .map(|rx| rx.try_recv())
            .filter(|r| matches!(r, Ok(Ok(PlayOutcome::Completed))))
            .count();
        assert!(answered >= 480, "{answered} of 500 plays completed");
        assert!(queries <= 100, "{queries} depth queries in 10 s");
    }

    fn ids(out: &[Command]) -> Vec<(String, u32, bool, usize)> {
        out.iter()
            .map(|c| match c {
                Command::PlayAudio {
                    id,
                    sequence,
                    last,
                    audio,
                    ..
                } => (id.clone(), *sequence, *last, audio.len()),
                other => panic!("unexpected {other:?}"),
            })
            .collect()
    }

    #[tokio::test]
    async fn long_clip_is_chunked_and_paced() {
        let clock = Clock::new();
        let mut p = pacer();
        let (tx, mut rx) = oneshot::channel();
        p.enqueue(1, clip(3), Some(tx), None, clock.now());
        let mut out = vec![];
        let now = clock.now();
        p.pump(now, &mut out);
        // 1 s ahead of 200 ms chunks: five entries.
        let sent = ids(&out);
        assert_eq!(sent.len(), 5);
        assert!(sent
            .iter()
            .all(|(id, _, last, len)| id == "p1" && !last && *len == 1600));
        assert_eq!(
            sent.iter().map(|s| s.1).collect::<Vec<_>>(),
            vec![0, 1, 2, 3, 4]
        );
        assert_eq!(p.queued(), Duration::from_secs(1));
        // Each completion frees room for one more chunk.
        let mut total = 5;
        let mut last_seen = false;
        while !last_seen {
            assert!(p.on_completed("p1", now));
            out.clear();
            p.pump(now, &mut out);
            for (_, _, last, _) in ids(&out) {
                total += 1;
                last_seen |= last;
            }
            assert!(p.queued() <= Duration::from_secs(1));
        }
        assert_eq!(total, 15);
        assert!(rx.try_recv().is_err(), "not complete before its last chunk");
        for _ in 0..4 {
            p.on_completed("p1", now);
            assert!(rx.try_recv().is_err());
        }
        p.on_completed("p1", now);
        assert_eq!(rx.try_recv().unwrap().unwrap(), PlayOutcome::Completed);
    }

    #[tokio::test]
    async fn a_platform_reporting_every_entry_gets_no_extra_queries() {
        let clock = Clock::new();
        let mut p = pacer();
        let now = clock.now();
        for (i, secs) in [2u64, 2].iter().enumerate() {
            let (tx, _rx) = oneshot::channel();
            p.enqueue(i as u64, clip(*secs), Some(tx), None, now);
        }
        let mut sent = VecDeque::new();
        let mut queries = 0;
        loop {
            let mut out = vec![];
            p.pump(now, &mut out);
            sent.extend(ids(&out).into_iter().map(|s| s.0));
            if p.query_deadline(now) == Some(now) {
                queries += 1;
                let mark = p.query_mark();
                let depth = p.outstanding() as u32;
                p.on_depth(mark, depth, now);
            }
            match sent.pop_front() {
                Some(id) => assert!(p.on_completed(&id, now)),
                None => break,
            }
        }
        // The first clip may cost one query before the habit is learnt; the second none.
        assert!(queries <= 1, "{queries} extra queries");
    }

    #[tokio::test]
    async fn once_per_id_platform_is_settled_by_depth() {
        let clock = Clock::new();
        let mut p = pacer();
        let (tx, mut rx) = oneshot::channel();
        p.enqueue(1, clip(2), Some(tx), None, clock.now());
        let mut out = vec![];
        let now = clock.now();
        p.pump(now, &mut out);
        assert_eq!(out.len(), 5);
        // No completion arrives: the watchdog fires after the first entry's end + grace.
        let deadline = p.query_deadline(now).unwrap();
        assert_eq!(deadline, now + Duration::from_millis(700));
        let mark = p.query_mark();
        // The platform says 2 entries remain of the 5 sent before the query.
        p.on_depth(mark, 2, deadline);
        assert_eq!(p.outstanding(), 2);
        out.clear();
        p.pump(deadline, &mut out);
        assert_eq!(out.len(), 3);
        // Then all of the clip is sent, the one completion for the id arrives at the end.
        let mark = p.query_mark();
        p.on_depth(mark, 0, deadline);
        out.clear();
        p.pump(deadline, &mut out);
        assert!(ids(&out).last().unwrap().2);
        assert!(p.on_completed("p1", deadline));
        assert!(rx.try_recv().is_err());
        // The pacer asks at once rather than waiting for the watchdog.
        assert_eq!(p.query_deadline(deadline), Some(deadline));
        let mark = p.query_mark();
        p.on_depth(mark, 0, deadline);
        assert_eq!(rx.try_recv().unwrap().unwrap(), PlayOutcome::Completed);
    }

    #[tokio::test]
    async fn heard_ledger_counts_completed_entries_and_the_cut_one() {
        let clock = Clock::new();
        let mut p = pacer();
        let (tx, mut rx) = oneshot::channel();
        let (htx, mut hrx) = oneshot::channel();
        let label = Label {
            name: "greeting".into(),
            text: Some("hello there".into()),
            heard: Some(htx),
        };
        p.enqueue(1, clip(2), Some(tx), Some(Box::new(label)), clock.now());
        let mut out = vec![];
        let t0 = clock.now();
        p.pump(t0, &mut out);
        // The platform starts the first entry 30 ms later and reports it.
        clock.advance(Duration::from_millis(30));
        p.on_started("p1", clock.now());
        // Three 200 ms entries play out; the fourth starts (no PlaybackStarted this time).
        for _ in 0..3 {
            clock.advance(Duration::from_millis(200));
            assert!(p.on_completed("p1", clock.now()));
        }
        // 70 ms into the fourth entry the app clears; the platform confirms 20 ms later.
        clock.advance(Duration::from_millis(70));
        let mark = p.begin_clear();
        clock.advance(Duration::from_millis(20));
        p.finish_clear(mark, clock.now());
        assert_eq!(rx.try_recv().unwrap().unwrap(), PlayOutcome::Interrupted);
        let heard = hrx.try_recv().unwrap();
        assert_eq!(heard.id, "greeting");
        assert_eq!(heard.text.as_deref(), Some("hello there"));
        assert_eq!(heard.duration, Duration::from_secs(2));
        assert_eq!(heard.played, Duration::from_millis(690));
        assert_eq!(heard.outcome, PlayOutcome::Interrupted);
        assert_eq!(p.take_heard().map(named).collect::<Vec<_>>(), vec![heard]);

        // A play heard to its end counts whole, under its wire id when it has no label.
        let (tx, _rx) = oneshot::channel();
        p.enqueue(2, vec![0xFF; 800].into(), Some(tx), None, clock.now());
        out.clear();
        p.pump(clock.now(), &mut out);
        assert!(p.on_completed("p2", clock.now()));
        let ledger: Vec<Heard> = p.take_heard().map(named).collect();
        assert_eq!(ledger.len(), 1);
        assert_eq!(ledger[0].id, "p2");
        assert_eq!(ledger[0].played, Duration::from_millis(100));
        assert_eq!(ledger[0].outcome, PlayOutcome::Completed);
    }

    #[tokio::test]
    async fn heard_ledger_records_plays_cut_by_the_end_of_the_call() {
        let clock = Clock::new();
        let mut p = pacer();
        let (tx, _rx) = oneshot::channel();
        let (htx, mut hrx) = oneshot::channel();
        let label = Label {
            name: "hours".into(),
            text: None,
            heard: Some(htx),
        };
        p.enqueue(1, clip(1), Some(tx), Some(Box::new(label)), clock.now());
        let mut out = vec![];
        p.pump(clock.now(), &mut out);
        clock.advance(Duration::from_millis(250));
        p.fail_all(
            || crate::Error::InvalidArgument("ended".into()),
            clock.now(),
        );
        // The waiter gets the call's error, not a record; the ledger has the record.
        assert!(hrx.try_recv().is_err());
        let ledger: Vec<Heard> = p.take_heard().map(named).collect();
        assert_eq!(ledger[0].id, "hours");
        assert_eq!(ledger[0].played, Duration::from_millis(200));
        assert_eq!(ledger[0].outcome, PlayOutcome::Interrupted);
    }

    #[tokio::test]
    async fn clear_interrupts_current_plays_only() {
        let clock = Clock::new();
        let mut p = pacer();
        let (tx1, mut rx1) = oneshot::channel();
        let (tx2, mut rx2) = oneshot::channel();
        p.enqueue(1, clip(2), Some(tx1), None, clock.now());
        let mut out = vec![];
        let now = clock.now();
        p.pump(now, &mut out);
        let mark = p.begin_clear();
        p.enqueue(2, clip(1), Some(tx2), None, clock.now());
        out.clear();
        p.pump(now, &mut out);
        // p1 sends nothing more; p2 starts at once (the platform's buffer is empty after a clear).
        assert!(ids(&out).iter().all(|s| s.0 == "p2"));
        assert_eq!(out.len(), 5);
        p.finish_clear(mark, clock.now());
        assert_eq!(rx1.try_recv().unwrap().unwrap(), PlayOutcome::Interrupted);
        assert!(rx2.try_recv().is_err());
        for _ in 0..5 {
            p.on_completed("p2", now);
        }
        assert_eq!(rx2.try_recv().unwrap().unwrap(), PlayOutcome::Completed);
    }

    #[tokio::test]
    async fn completion_that_crossed_a_clear_still_completes() {
        let clock = Clock::new();
        let mut p = pacer();
        let (tx, mut rx) = oneshot::channel();
        p.enqueue(1, vec![0xFF; 800].into(), Some(tx), None, clock.now()); // 100 ms: one chunk
        let mut out = vec![];
        p.pump(clock.now(), &mut out);
        let mark = p.begin_clear();
        assert!(p.on_completed("p1", clock.now()));
        assert_eq!(rx.try_recv().unwrap().unwrap(), PlayOutcome::Completed);
        p.finish_clear(mark, clock.now());
    }

    #[test]
    fn unknown_ids_are_ignored() {
        let clock = Clock::new();
        let mut p = pacer();
        assert!(!p.on_completed("nope", clock.now()));
    }

    #[test]
    fn empty_clip_completes_at_once() {
        let clock = Clock::new();
        let mut p = pacer();
        let (tx, mut rx) = oneshot::channel();
        p.enqueue(1, Bytes::new(), Some(tx), None, clock.now());
        assert_eq!(rx.try_recv().unwrap().unwrap(), PlayOutcome::Completed);
        let mut out = vec![];
        p.pump(clock.now(), &mut out);
        assert!(out.is_empty());
    }

    #[tokio::test]
    async fn entry_limit_is_respected() {
        let clock = Clock::new();
        let config = PlaybackConfig {
            max_entries: 3,
            ..PlaybackConfig::default()
        };
        let mut p = Pacer::new(config, ContentType::L16At16k);
        for i in 0..10 {
            let (tx, _rx) = oneshot::channel();
            p.enqueue(i as u64, vec![0u8; 640].into(), Some(tx), None, clock.now());
        }
        let mut out = vec![];
        p.pump(clock.now(), &mut out);
        assert_eq!(out.len(), 3);
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            /// Whatever the clip sizes, chunk length and limits: the chunks of each clip put
            /// back together are exactly the clip, with sequence numbers 0, 1, 2… and
            /// `last_message` on the final chunk only; the limits hold at every step; and once
            /// the platform has acknowledged everything, every play resolved `Completed`,
            /// exactly once.
            #[test]
            fn chunks_reassemble_and_every_play_resolves_once(
                clips in prop::collection::vec(1usize..20_000, 1..8),
                chunk_ms in 20u64..500,
                ahead_ms in 0u64..3000,
                max_entries in 1usize..20,
                ct in 0usize..3,
                acks_per_round in 1usize..4,
            ) {
                let config = PlaybackConfig {
                    chunk: Duration::from_millis(chunk_ms),
                    max_ahead: Duration::from_millis(ahead_ms),
                    max_entries,
                    ..PlaybackConfig::default()
                };
                let content_type = ContentType::ALL[ct];
                let mut p = Pacer::new(config, content_type);
                let now = Instant::now();
                let mut rxs = Vec::new();
                let mut sent: std::collections::HashMap<String, Vec<(u32, bool, Bytes)>> = Default::default();
                let mut clip_bytes = Vec::new();
                for (i, len) in clips.iter().enumerate() {
                    let len = len - len % content_type.bytes_per_sample();
                    let data: Bytes = (0..len).map(|b| (b * 7 + i) as u8).collect::<Vec<u8>>().into();
                    let (tx, rx) = oneshot::channel();
                    p.enqueue(i as u64, data.clone(), Some(tx), None, now);
                    rxs.push(rx);
                    clip_bytes.push(data);
                }
                let mut order = VecDeque::new();
                for _ in 0..100_000 {
                    let mut out = Vec::new();
                    p.pump(now, &mut out);
                    let chunk_cap = config.chunk.max(content_type.duration_of(content_type.bytes_per_sample()));
                    prop_assert!(p.queued() <= config.max_ahead.max(chunk_cap));
                    prop_assert!(p.outstanding() <= config.max_entries.max(1));
                    for cmd in out {
                        let Command::PlayAudio { id, audio, sequence, last, .. } = cmd else { unreachable!() };
                        order.push_back(id.clone());
                        sent.entry(id).or_default().push((sequence, last, audio));
                    }
                    if order.is_empty() {
                        break;
                    }
                    for _ in 0..acks_per_round {
                        if let Some(id) = order.pop_front() {
                            prop_assert!(p.on_completed(&id, now));
                        }
                    }
                }
                for (i, clip) in clip_bytes.iter().enumerate() {
                    let id = format!("p{i}");
                    if clip.is_empty() {
                        prop_assert!(!sent.contains_key(&id));
                    } else {
                        let chunks = &sent[&id];
                        let joined: Vec<u8> = chunks.iter().flat_map(|c| c.2.iter().copied()).collect();
                        prop_assert_eq!(&joined[..], &clip[..]);
                        for (k, (seq, last, _)) in chunks.iter().enumerate() {
                            prop_assert_eq!(*seq as usize, k);
                            prop_assert_eq!(*last, k + 1 == chunks.len());
                        }
                    }
                    prop_assert_eq!(rxs[i].try_recv().unwrap().unwrap(), PlayOutcome::Completed);
                }
            }
        }
    }
}
