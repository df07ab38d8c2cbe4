//! The two tracks of a call recording, placed on the platform's timeline without I/O: the
//! caller's frames (left) by their sequence numbers, and the app's audio (right) where the
//! platform's acknowledgements say it played. Everything takes `now` as input; the output is
//! interleaved 16-bit PCM appended to a buffer, up to the point nothing can change any more.
//!
//! Why this shape: a recording must say what the caller *heard*, and the server only knows
//! what it sent. An entry counts once the platform gave evidence that it played (its
//! `PlaybackStarted`, or a later entry's start, its completion or a clear that it fits before,
//! the platform playing its buffer in order and without gaps); a clear cuts the entry playing
//! at the time the platform cleared. Audio is written only once no message still to come can
//! change it: up to now, and not past the sending time of an entry or a clear whose
//! acknowledgement is still awaited.

use std::collections::VecDeque;
use std::hash::{Hash, Hasher};
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;

use crate::audio::{l16, mulaw, ContentType};

/// How long the written file may lag behind the call (audio held in memory waiting for an
/// acknowledgement that decides it). Past it, what is undecided is resolved: a clip that was
/// playing is taken to go on playing in order, anything else as never played.
pub const MAX_HOLD: Duration = Duration::from_secs(2);

/// How far ahead of the call's clock the caller's audio may reach (frames arrive after the
/// span they cover; one that would end later than this is dropped, counted).
pub const MAX_LEAD: Duration = Duration::from_millis(500);

/// Entries sent and not yet placed, at most (then the oldest is dropped as unconfirmed).
pub const MAX_QUEUED: usize = 256;

/// Entries placed and not yet written, at most (the oldest is written out early).
const MAX_PLACED: usize = 64;

/// Clears awaiting their acknowledgement, at most.
const MAX_CLEARS: usize = 64;

/// A timestamp of the platform's farther than this from the arrival time is not trusted
/// (the arrival time is used instead).
const TRUST_STAMP: Duration = Duration::from_secs(1);

/// The hash of an id (entries are matched by it: no string kept per entry).
fn id_hash(id: &str) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    id.hash(&mut h);
    h.finish()
}

/// An entry sent to the platform and not yet placed.
#[derive(Debug)]
struct Sent {
    /// Its id's hash.
    id: u64,
    /// Its samples in the call's format (a reference to the app's buffer, no copy).
    audio: Bytes,
    /// Its length in samples.
    len: u64,
    /// Where the call was when it was sent (it cannot play before).
    sent_at: u64,
}

/// What an entry on the right track sounds like.
#[derive(Debug)]
enum Sound {
    /// An app entry's samples in the call's format (the app's buffer).
    Wire(Bytes),
    /// Key tones the app pressed, rendered.
    Pcm(Vec<i16>),
}

/// A DTMF job the app sent, not yet started.
#[derive(Debug)]
struct Press {
    /// Its id's hash.
    id: u64,
    /// The keys.
    digits: String,
    /// Each key's tone, ms.
    press_ms: u32,
    /// Silence between keys, ms.
    break_ms: u32,
    /// Where the call was when it was sent.
    sent_at: u64,
}

/// Key tones rendered per job, at most (the rest of a longer job is silence).
pub const MAX_DTMF_RENDER: Duration = Duration::from_secs(5);

/// An entry on the right track.
#[derive(Debug)]
struct Placed {
    /// Its id's hash.
    id: u64,
    /// Its samples.
    audio: Sound,
    /// Where it starts.
    start: u64,
    /// Where it ends (cut by a clear, a later start or the end of the call).
    end: u64,
}

/// Counters of one recording's placement.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct TrackStats {
    /// Caller frames placed.
    pub frames: u64,
    /// Caller frames whose sequence number went backwards or jumped implausibly (placed at the
    /// end of the track instead).
    pub frames_misplaced: u64,
    /// Caller frames dropped because they reached too far ahead of the call's clock.
    pub frames_dropped: u64,
    /// App entries placed on the right track.
    pub entries_played: u64,
    /// App entries never confirmed as played (refused, cleared before they started, still
    /// queued at the end, or with no acknowledgement at all).
    pub entries_unconfirmed: u64,
    /// Entries cut short (by a clear, a later start or the end).
    pub entries_cut: u64,
}

/// See the module docs.
#[derive(Debug)]
pub struct Tracks {
    /// The call's format.
    ct: ContentType,
    /// Its rate.
    rate: u32,
    /// Samples in one 20 ms frame.
    frame: u64,
    /// The timeline's origin on the server's clock.
    origin: Instant,
    /// The platform's wall time of sample 0 (from the first frame's timestamp), if known.
    origin_wall: Option<SystemTime>,
    /// Left samples placed and not yet written; `left[0]` is at `written`.
    left: VecDeque<i16>,
    /// The end of the left track.
    left_end: u64,
    /// A sequence number and where it was placed, for the next frame.
    seq_anchor: Option<(u32, u64)>,
    /// Sent, not yet placed, in order.
    queue: VecDeque<Sent>,
    /// Placed, not yet fully written, in order.
    placed: VecDeque<Placed>,
    /// The end of the last entry placed (a continuation starts there).
    chain_end: u64,
    /// Whether the chain is still running (the last entry placed may be followed in order).
    chain_open: bool,
    /// Clears awaiting acknowledgement: id hash, sent at.
    clears: VecDeque<(u64, u64)>,
    /// DTMF jobs sent, not yet started.
    presses: VecDeque<Press>,
    /// Everything before this is written.
    written: u64,
    /// Scratch for the right track (reused).
    scratch: Vec<i16>,
    /// Counters.
    pub stats: TrackStats,
}

impl Tracks {
    /// Empty tracks of a call in `ct` whose timeline starts at `origin`.
    pub fn new(ct: ContentType, origin: Instant) -> Self {
        let rate = ct.sample_rate();
        Self {
            ct,
            rate,
            frame: u64::from(rate) / 50,
            origin,
            origin_wall: None,
            left: VecDeque::new(),
            left_end: 0,
            seq_anchor: None,
            queue: VecDeque::new(),
            placed: VecDeque::new(),
            chain_end: 0,
            chain_open: false,
            clears: VecDeque::new(),
            presses: VecDeque::new(),
            written: 0,
            scratch: Vec::new(),
            stats: TrackStats::default(),
        }
    }

    /// The call's rate.
    pub fn rate(&self) -> u32 {
        self.rate
    }

    /// Samples written so far (the WAV's length in frames).
    pub fn written(&self) -> u64 {
        self.written
    }

    /// The sample of the timeline at `t` on the server's clock.
    pub fn pos(&self, t: Instant) -> u64 {
        let ns = t.saturating_duration_since(self.origin).as_nanos();
        u64::try_from(ns * u128::from(self.rate) / 1_000_000_000).unwrap_or(u64::MAX)
    }

    /// Where an acknowledgement stamped `at` that arrived at `now` happened: the platform's
    /// stamp when it is plausible, else the arrival.
    fn evidence_pos(&self, at: Option<SystemTime>, now: Instant) -> u64 {
        let arrived = self.pos(now);
        let stamped = match (self.origin_wall, at) {
            (Some(origin), Some(at)) => at.duration_since(origin).ok().map(|d| {
                u64::try_from(d.as_nanos() * u128::from(self.rate) / 1_000_000_000)
                    .unwrap_or(u64::MAX)
            }),
            _ => None,
        };
        let trust = u64::from(self.rate) * TRUST_STAMP.as_millis() as u64 / 1000;
        match stamped {
            Some(s) if s.abs_diff(arrived) <= trust => s,
            _ => arrived,
        }
        .max(self.written)
    }

    /// A caller frame: `data` in the call's format, its sequence number and timestamp.
    pub fn caller_frame(
        &mut self,
        data: &[u8],
        sequence: u32,
        start: Option<SystemTime>,
        now: Instant,
    ) {
        let n = (data.len() / self.ct.bytes_per_sample()) as u64;
        if n == 0 {
            return;
        }
        // Where its sequence number puts it; a jump beyond what time allows (or backwards)
        // is not believed.
        let by_sequence = self.seq_anchor.and_then(|(seq, at)| {
            let delta = u64::from(sequence.checked_sub(seq)?);
            Some(at + delta * self.frame)
        });
        let latest = self.pos(now) + self.lead();
        let at = match (self.seq_anchor, by_sequence) {
            (None, _) => {
                // The first frame: sample 0 is the start of sequence 0.
                let at = u64::from(sequence) * self.frame;
                if at <= latest {
                    if let Some(start) = start {
                        self.origin_wall =
                            start.checked_sub(Duration::from_millis(u64::from(sequence) * 20));
                    }
                    at
                } else {
                    self.pos(now).saturating_sub(n)
                }
            }
            (Some(_), Some(at)) if at >= self.left_end && at <= latest => at,
            _ => {
                self.stats.frames_misplaced += 1;
                self.left_end
            }
        }
        .max(self.left_end);
        if at + n > latest {
            // Ahead of time: a platform sending faster than real time (or a flood). Not kept,
            // or the track would grow without bound.
            self.stats.frames_dropped += 1;
            return;
        }
        self.seq_anchor = Some((sequence, at));
        if at > self.left_end {
            self.left
                .resize(self.left.len() + (at - self.left_end) as usize, 0);
        }
        if self.ct.is_mulaw() {
            self.left.extend(data.iter().map(|&b| mulaw::decode(b)));
        } else {
            let order = l16::byte_order();
            self.left.extend(data.chunks_exact(2).map(|c| match order {
                l16::ByteOrder::BigEndian => i16::from_be_bytes([c[0], c[1]]),
                l16::ByteOrder::LittleEndian => i16::from_le_bytes([c[0], c[1]]),
            }));
        }
        self.left_end = at + n;
        self.stats.frames += 1;
    }

    /// The app sent an audio entry.
    pub fn entry_sent(&mut self, id: &str, audio: &Bytes, now: Instant) {
        let len = (audio.len() / self.ct.bytes_per_sample()) as u64;
        if len == 0 {
            return;
        }
        if self.queue.len() >= MAX_QUEUED {
            self.queue.pop_front();
            self.stats.entries_unconfirmed += 1;
        }
        self.queue.push_back(Sent {
            id: id_hash(id),
            audio: audio.clone(),
            len,
            sent_at: self.pos(now),
        });
    }

    /// The app sent a clear.
    pub fn clear_sent(&mut self, id: &str, now: Instant) {
        if self.clears.len() >= MAX_CLEARS {
            self.clears.pop_front();
        }
        self.clears.push_back((id_hash(id), self.pos(now)));
    }

    /// Places `e` at `start` (cutting the entry before it if they overlap).
    fn place(&mut self, e: Sent, start: u64) {
        let start = start.max(e.sent_at);
        self.place_sound(e.id, Sound::Wire(e.audio), e.len, start);
        self.chain_open = true;
        self.stats.entries_played += 1;
    }

    /// Places `len` samples of `audio` at `start` (cutting what is before it if they overlap).
    fn place_sound(&mut self, id: u64, audio: Sound, len: u64, start: u64) {
        let start = start.max(self.written);
        if let Some(prev) = self.placed.back_mut() {
            if prev.end > start {
                prev.end = start.max(prev.start);
                self.stats.entries_cut += 1;
                if prev.end == prev.start {
                    // Cut to nothing: it is not kept (nor its audio buffer).
                    self.placed.pop_back();
                }
            }
        }
        if self.placed.len() >= MAX_PLACED {
            // Never in practice (the file follows the call within MAX_HOLD); bounded anyway.
            self.placed.pop_front();
            self.stats.entries_unconfirmed += 1;
        }
        let end = start + len;
        self.placed.push_back(Placed {
            id,
            audio,
            start,
            end,
        });
        self.chain_end = end;
    }

    /// The app sent a `PressDTMFMessage`.
    pub fn dtmf_sent(
        &mut self,
        id: &str,
        digits: &str,
        press_ms: u32,
        break_ms: u32,
        now: Instant,
    ) {
        if self.presses.len() >= MAX_CLEARS {
            self.presses.pop_front();
        }
        self.presses.push_back(Press {
            id: id_hash(id),
            digits: digits.chars().take(64).collect(),
            press_ms,
            break_ms,
            sent_at: self.pos(now),
        });
    }

    /// `DTMFPlayStarted(id)`: the keys' tones from then on (as the platform renders them:
    /// each key's tone, silence between keys), cut at its completion.
    pub fn dtmf_started(&mut self, id: &str, at: Option<SystemTime>, now: Instant) {
        let p = self.evidence_pos(at, now);
        let h = id_hash(id);
        let Some(i) = self.presses.iter().position(|j| j.id == h) else {
            return;
        };
        let Some(job) = self.presses.remove(i) else {
            return;
        };
        // Older jobs never started: the platform plays them in order, so they were dropped.
        self.presses.drain(..i);
        let rate = u64::from(self.rate);
        let samples = |ms: u32| u64::from(ms) * rate / 1000;
        let cap = (MAX_DTMF_RENDER.as_millis() as u64 * rate / 1000) as usize;
        let (press, gap) = (samples(job.press_ms), samples(job.break_ms));
        let keys = job.digits.chars().count() as u64;
        let len = keys * press + keys.saturating_sub(1) * gap;
        let mut pcm = Vec::with_capacity((len as usize).min(cap));
        for (k, key) in job.digits.chars().enumerate() {
            if pcm.len() >= cap {
                break;
            }
            if k > 0 {
                pcm.resize((pcm.len() + gap as usize).min(cap), 0);
            }
            let tone = crate::audio::dtmf::tone(
                key,
                Duration::from_millis(u64::from(job.press_ms)),
                self.rate,
            )
            .unwrap_or_default();
            let want = (press as usize).min(cap - pcm.len().min(cap));
            let have = tone.len().min(want);
            pcm.extend_from_slice(&tone[..have]);
            pcm.resize(pcm.len() + (want - have), 0);
        }
        // The keys go between two audio entries: the one playing ended, the next waits.
        let open = self.chain_open;
        self.place_sound(h, Sound::Pcm(pcm), len, p);
        self.chain_open = open;
    }

    /// `DTMFPlayCompleted(id)`: the keys ended then.
    pub fn dtmf_completed(&mut self, id: &str, at: Option<SystemTime>, now: Instant) {
        let p = self.evidence_pos(at, now);
        let h = id_hash(id);
        if let Some(last) = self.placed.back_mut() {
            if last.id == h && last.end > p {
                last.end = p.max(last.start);
                self.chain_end = last.end;
            }
        }
    }

    /// Places queued entries in order, each right after the one before, while they end by
    /// `limit` (they fit before the next thing the platform reported).
    fn place_fitting(&mut self, limit: u64) {
        while let Some(front) = self.queue.front() {
            let start = self.chain_end.max(front.sent_at);
            if start + front.len > limit {
                break;
            }
            if let Some(e) = self.queue.pop_front() {
                self.place(e, start);
            }
        }
    }

    /// Cuts the right track at `at`: nothing placed plays past it.
    fn cut_at(&mut self, at: u64) {
        for p in self.placed.iter_mut() {
            if p.end > at {
                p.end = at.max(p.start);
                self.stats.entries_cut += 1;
            }
        }
        self.chain_end = self.chain_end.min(at.max(self.written));
    }

    /// How far ahead of the call's clock caller audio may reach ([`MAX_LEAD`]), in samples.
    fn lead(&self) -> u64 {
        u64::from(self.rate) * MAX_LEAD.as_millis() as u64 / 1000
    }

    /// How much earlier than the placed entry's end the next may start (the platform's word
    /// against the placement), at most, in samples: 100 ms.
    fn overlap(&self) -> u64 {
        u64::from(self.rate) / 10
    }

    /// Slack for positions from arrival times (a few ms of transport).
    fn slack(&self) -> u64 {
        u64::from(self.rate) / 200
    }

    /// `PlaybackStarted(id)`, stamped `at`, arrived at `now`.
    pub fn started(&mut self, id: &str, at: Option<SystemTime>, now: Instant) {
        let p = self.evidence_pos(at, now);
        let h = id_hash(id);
        let Some(i) = self.queue.iter().position(|e| e.id == h) else {
            return;
        };
        // What is before it played before it, if it fits; the rest never played.
        let slack = self.slack();
        for _ in 0..i {
            let Some(e) = self.queue.pop_front() else {
                break;
            };
            let start = self.chain_end.max(e.sent_at);
            if start + e.len <= p + slack {
                self.place(e, start);
            } else {
                self.stats.entries_unconfirmed += 1;
            }
        }
        if let Some(e) = self.queue.pop_front() {
            self.place(e, p);
        }
    }

    /// `PlaybackCompleted(id)`, stamped `at`, arrived at `now`.
    pub fn completed(&mut self, id: &str, at: Option<SystemTime>, now: Instant) {
        let p = self.evidence_pos(at, now);
        let h = id_hash(id);
        if self.chain_open {
            let slack = self.slack();
            self.place_fitting(p + slack);
        }
        if let Some(last) = self.placed.back_mut() {
            if last.id == h && last.end > p {
                last.end = p.max(last.start);
                self.stats.entries_cut += 1;
                self.chain_end = last.end;
            }
        }
    }

    /// `BufferCleared(id)`, stamped `at`, arrived at `now`.
    pub fn cleared(&mut self, id: &str, at: Option<SystemTime>, now: Instant) {
        let p = self.evidence_pos(at, now);
        let h = id_hash(id);
        // The clip playing went on in order up to the clear.
        if self.chain_open {
            while let Some(front) = self.queue.front() {
                let start = self.chain_end.max(front.sent_at);
                if start >= p {
                    break;
                }
                if let Some(e) = self.queue.pop_front() {
                    self.place(e, start);
                }
            }
        }
        self.cut_at(p);
        self.stats.entries_unconfirmed += self.queue.len() as u64;
        self.queue.clear();
        self.chain_open = false;
        if let Some(i) = self.clears.iter().position(|c| c.0 == h) {
            // This clear and any older one the platform never answered.
            self.clears.drain(..=i);
        }
    }

    /// The call ended at `now`: resolves what is left and returns where the tracks end (the
    /// end of the call, or of the last caller frame if that is later).
    pub fn end(&mut self, now: Instant) -> u64 {
        let p = self.pos(now).max(self.written);
        if self.chain_open {
            self.place_fitting(p);
        }
        self.cut_at(p);
        self.stats.entries_unconfirmed += self.queue.len() as u64;
        self.queue.clear();
        self.clears.clear();
        self.presses.clear();
        // The recording lasts as long as the call (and holds every frame received).
        self.left_end.max(p)
    }

    /// Where the tracks are final: nothing still to come can change what is before it.
    fn final_at(&mut self, now: Instant) -> u64 {
        let now_pos = self.pos(now);
        let hold = u64::from(self.rate) * MAX_HOLD.as_millis() as u64 / 1000;
        // Undecided too long: a clip playing goes on in order; anything else never played.
        let horizon = now_pos.saturating_sub(hold);
        while self.queue.front().is_some_and(|e| e.sent_at < horizon) {
            if self.chain_open && self.chain_end >= now_pos {
                // What is placed still plays: the entry waits its turn in the platform's
                // buffer (a pacer that sends far ahead); its start will tell.
                break;
            }
            let Some(e) = self.queue.pop_front() else {
                break;
            };
            if self.chain_open {
                let start = self.chain_end.max(e.sent_at);
                self.place(e, start);
            } else {
                self.stats.entries_unconfirmed += 1;
            }
        }
        while self.clears.front().is_some_and(|c| c.1 < horizon) {
            self.clears.pop_front();
        }
        while self.presses.front().is_some_and(|j| j.sent_at < horizon) {
            self.presses.pop_front();
        }
        // The caller's side is final where its frames are; silence if they stop coming.
        if self.left_end < horizon {
            let pad = horizon - self.left_end;
            self.left.resize(self.left.len() + pad as usize, 0);
            self.left_end = horizon;
        }
        let mut at = now_pos.min(self.left_end);
        // A queued entry may yet start (and cut what plays) anywhere after it was sent; while
        // something placed plays, not much before that ends (the platform plays in order).
        if let Some(e) = self.queue.front() {
            let earliest = if self.chain_open {
                e.sent_at.max(self.chain_end.saturating_sub(self.overlap()))
            } else {
                e.sent_at
            };
            at = at.min(earliest);
        }
        if let Some(c) = self.clears.front() {
            at = at.min(c.1);
        }
        if let Some(j) = self.presses.front() {
            at = at.min(j.sent_at);
        }
        at.max(self.written)
    }

    /// Appends the interleaved PCM (left, right; little-endian) of what became final by
    /// `now` to `out`.
    pub fn render(&mut self, now: Instant, out: &mut Vec<u8>) {
        let upto = self.final_at(now);
        self.render_to(upto, out);
    }

    /// Appends everything up to `upto` (the end of the call), silence where nothing played.
    pub fn render_to(&mut self, upto: u64, out: &mut Vec<u8>) {
        if upto <= self.written {
            return;
        }
        let n = (upto - self.written) as usize;
        self.fill_right(upto);
        if self.left.len() < n {
            self.left.resize(n, 0);
        }
        self.left_end = self.left_end.max(upto);
        out.reserve(n * 4);
        for (i, l) in self.left.drain(..n).enumerate() {
            out.extend_from_slice(&l.to_le_bytes());
            out.extend_from_slice(&self.scratch[i].to_le_bytes());
        }
        self.written = upto;
        self.drop_written();
    }

    /// Fills `scratch` with the right track from `written` to `upto`.
    fn fill_right(&mut self, upto: u64) {
        let n = (upto - self.written) as usize;
        self.scratch.clear();
        self.scratch.resize(n, 0);
        let bps = self.ct.bytes_per_sample();
        let order = l16::byte_order();
        for p in &self.placed {
            let (from, to) = (p.start.max(self.written), p.end.min(upto));
            if from >= to {
                continue;
            }
            let base = (from - p.start) as usize;
            let dst =
                &mut self.scratch[(from - self.written) as usize..(to - self.written) as usize];
            for (k, d) in dst.iter_mut().enumerate() {
                let i = (base + k) * bps;
                *d = match &p.audio {
                    Sound::Pcm(pcm) => pcm.get(base + k).copied().unwrap_or(0),
                    Sound::Wire(audio) => match (bps, audio.get(i..i + bps)) {
                        (1, Some(b)) => mulaw::decode(b[0]),
                        (_, Some(b)) => match order {
                            l16::ByteOrder::BigEndian => i16::from_be_bytes([b[0], b[1]]),
                            l16::ByteOrder::LittleEndian => i16::from_le_bytes([b[0], b[1]]),
                        },
                        _ => 0,
                    },
                };
            }
        }
    }

    /// Forgets entries wholly written.
    fn drop_written(&mut self) {
        while self.placed.front().is_some_and(|p| p.end <= self.written) {
            self.placed.pop_front();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CT: ContentType = ContentType::L16At8k;

    fn pcm(samples: &[i16]) -> Bytes {
        Bytes::from(l16::encode(samples))
    }

    fn stereo(out: &[u8]) -> (Vec<i16>, Vec<i16>) {
        let s: Vec<i16> = out
            .chunks_exact(2)
            .map(|c| i16::from_le_bytes([c[0], c[1]]))
            .collect();
        (
            s.iter().step_by(2).copied().collect(),
            s.iter().skip(1).step_by(2).copied().collect(),
        )
    }

    fn at(t0: Instant, ms: u64) -> Instant {
        t0 + Duration::from_millis(ms)
    }

    #[test]
    fn frames_go_by_sequence_and_entries_where_they_started() {
        let t0 = Instant::now();
        let mut t = Tracks::new(CT, t0);
        let mut out = Vec::new();
        for k in 0..10u32 {
            t.caller_frame(
                &pcm(&[k as i16 + 1; 160]),
                k,
                None,
                at(t0, 20 * (u64::from(k) + 1)),
            );
        }
        // 50 ms in: an entry of 40 ms starts at 60 ms, then is cleared at 80 ms.
        t.entry_sent("a", &pcm(&[7; 320]), at(t0, 50));
        t.started("a", None, at(t0, 60));
        t.clear_sent("c", at(t0, 75));
        t.render(at(t0, 78), &mut out);
        // Not written past the clear's sending.
        assert_eq!(t.written(), 75 * 8);
        t.cleared("c", None, at(t0, 80));
        let end = t.end(at(t0, 200));
        t.render_to(end, &mut out);
        let (l, r) = stereo(&out);
        assert_eq!(l.len(), 200 * 8);
        assert_eq!(l[0], 1);
        assert_eq!(l[160 * 9], 10);
        assert!(r[..480].iter().all(|&s| s == 0));
        assert!(r[480..640].iter().all(|&s| s == 7), "played 60..80 ms");
        assert!(r[640..].iter().all(|&s| s == 0), "cut at the clear");
    }

    #[test]
    fn once_per_id_acks_place_the_clip_in_order() {
        let t0 = Instant::now();
        let mut t = Tracks::new(CT, t0);
        let mut out = Vec::new();
        t.entry_sent("a", &pcm(&[1; 800]), t0);
        t.entry_sent("a", &pcm(&[2; 800]), t0);
        t.entry_sent("b", &pcm(&[3; 800]), t0);
        t.started("a", None, t0);
        t.completed("a", None, at(t0, 200));
        t.started("b", None, at(t0, 200));
        let end = t.end(at(t0, 400));
        t.render_to(end, &mut out);
        let (_, r) = stereo(&out);
        assert!(r[..800].iter().all(|&s| s == 1));
        assert!(r[800..1600].iter().all(|&s| s == 2));
        assert!(r[1600..2400].iter().all(|&s| s == 3));
        assert_eq!(t.stats.entries_played, 3);
    }

    #[test]
    fn an_entry_never_acknowledged_is_not_heard() {
        let t0 = Instant::now();
        let mut t = Tracks::new(CT, t0);
        let mut out = Vec::new();
        t.entry_sent("a", &pcm(&[1; 800]), t0);
        t.render(at(t0, 5000), &mut out);
        let end = t.end(at(t0, 5000));
        t.render_to(end, &mut out);
        let (l, r) = stereo(&out);
        assert_eq!(l.len(), 40_000);
        assert!(r.iter().all(|&s| s == 0));
        assert_eq!(t.stats.entries_unconfirmed, 1);
    }

    #[test]
    fn hostile_sequence_numbers_do_not_grow_the_track() {
        let t0 = Instant::now();
        let mut t = Tracks::new(CT, t0);
        t.caller_frame(&pcm(&[1; 160]), 0, None, at(t0, 20));
        t.caller_frame(&pcm(&[1; 160]), u32::MAX, None, at(t0, 40));
        t.caller_frame(&pcm(&[1; 160]), 3, None, at(t0, 60));
        assert!(t.left_end <= 8 * 60 + 160, "{}", t.left_end);
        assert!(t.stats.frames_misplaced >= 1);
        let mut t = Tracks::new(CT, t0);
        t.caller_frame(&pcm(&[1; 160]), u32::MAX, None, at(t0, 20));
        assert!(t.left_end <= 8 * 20 + 160, "{}", t.left_end);
    }

    #[test]
    fn entries_sent_far_ahead_wait_their_turn_without_holding_the_file_back() {
        // A pacer 5 s ahead: 25 entries of 200 ms sent at once, each started in turn.
        let t0 = Instant::now();
        let mut t = Tracks::new(CT, t0);
        let mut out = Vec::new();
        for k in 0..25i16 {
            t.entry_sent("a", &pcm(&[k + 1; 1600]), t0);
        }
        for k in 0..250u32 {
            let now = at(t0, 20 * (u64::from(k) + 1));
            if k % 10 == 0 {
                t.started("a", None, at(t0, 20 * u64::from(k)));
            }
            t.caller_frame(&pcm(&[1; 160]), k, None, now);
            t.render(now, &mut out);
            assert!(
                t.written() + 8 * 300 >= t.pos(now),
                "the file follows the call: {} at {k}",
                t.written()
            );
        }
        let end = t.end(at(t0, 5000));
        t.render_to(end, &mut out);
        let (_, r) = stereo(&out);
        for k in 0..25usize {
            assert!(
                r[k * 1600..(k + 1) * 1600]
                    .iter()
                    .all(|&s| s == k as i16 + 1),
                "entry {k} where it started"
            );
        }
        assert_eq!(t.stats.entries_unconfirmed, 0);
    }
}
