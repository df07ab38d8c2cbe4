//! The platform's buffers for one load call, as timing only: the same rules as
//! [`crate::model`] (entries play back to back in real time, the one playing counts toward
//! the buffer's size, DTMF waits for the entry playing and goes before queued audio, a clear
//! drops the queue and the rest of the entry playing), without decoding or rendering a
//! single sample.
//!
//! It exists because the load generator answers every `PlayAudio` the way the platform does
//! (started when it starts playing, completed when it has played) for thousands of calls at
//! once, and [`crate::model::Model`] keeps everything the caller heard (that is what
//! `fcstream call` needs, and 2,000 calls × 60 s of samples is not). Times are µs since the
//! run's start; ids are zero-copy slices of the received messages.

use std::collections::VecDeque;

use bytes::Bytes;

/// What the platform tells the app, and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Note {
    /// An audio entry started playing.
    PlaybackStarted(Bytes),
    /// An audio entry finished.
    PlaybackCompleted(Bytes),
    /// A DTMF job started.
    DtmfStarted(Bytes),
    /// A DTMF job finished.
    DtmfCompleted(Bytes),
}

/// What plays now.
#[derive(Debug)]
struct Playing {
    /// Audio (`false`) or DTMF (`true`).
    dtmf: bool,
    /// The app's id.
    id: Bytes,
    /// When it ends, µs.
    end: u64,
}

/// Counters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PlayoutStats {
    /// Entries that started playing.
    pub started: u64,
    /// Entries that played to their end.
    pub completed: u64,
    /// Entries refused because the buffer was full.
    pub overflows: u64,
}

/// See the module docs.
#[derive(Debug)]
pub struct Playout {
    /// Audio buffer size in entries, the one playing included.
    audio_size: usize,
    /// DTMF buffer size in jobs, the one playing included.
    dtmf_size: usize,
    /// What plays now.
    playing: Option<Playing>,
    /// Queued audio: id and length in µs.
    audio: VecDeque<(Bytes, u64)>,
    /// Queued DTMF jobs: id and length in µs.
    dtmf: VecDeque<(Bytes, u64)>,
    /// Counters.
    pub stats: PlayoutStats,
}

/// Why an entry was refused (the caller sends `NotifyErrorMessage` with this id).
pub type Refusal = &'static str;

impl Playout {
    /// Empty buffers of these sizes.
    pub fn new(audio_size: usize, dtmf_size: usize) -> Self {
        Self {
            audio_size: audio_size.max(1),
            dtmf_size: dtmf_size.max(1),
            playing: None,
            audio: VecDeque::new(),
            dtmf: VecDeque::new(),
            stats: PlayoutStats::default(),
        }
    }

    /// Entries in the audio buffer, the one playing included.
    pub fn audio_depth(&self) -> usize {
        self.audio.len() + usize::from(matches!(&self.playing, Some(p) if !p.dtmf))
    }

    /// Jobs in the DTMF buffer, the one playing included.
    pub fn dtmf_depth(&self) -> usize {
        self.dtmf.len() + usize::from(matches!(&self.playing, Some(p) if p.dtmf))
    }

    /// When [`Playout::advance`] next has something to say.
    pub fn next_due(&self) -> Option<u64> {
        self.playing.as_ref().map(|p| p.end)
    }

    /// Plays everything that ends by `now`, with `out(at, note)` for each start and end.
    pub fn advance(&mut self, now: u64, out: &mut impl FnMut(u64, Note)) {
        while let Some(p) = &self.playing {
            if p.end > now {
                break;
            }
            let at = p.end;
            if let Some(p) = self.playing.take() {
                if p.dtmf {
                    out(at, Note::DtmfCompleted(p.id));
                } else {
                    self.stats.completed += 1;
                    out(at, Note::PlaybackCompleted(p.id));
                }
            }
            self.kick(at, out);
        }
    }

    /// Starts the next item at `at` if nothing plays: DTMF first, then audio.
    fn kick(&mut self, at: u64, out: &mut impl FnMut(u64, Note)) {
        if self.playing.is_some() {
            return;
        }
        if let Some((id, len)) = self.dtmf.pop_front() {
            out(at, Note::DtmfStarted(id.clone()));
            self.playing = Some(Playing {
                dtmf: true,
                id,
                end: at + len,
            });
        } else if let Some((id, len)) = self.audio.pop_front() {
            self.stats.started += 1;
            out(at, Note::PlaybackStarted(id.clone()));
            self.playing = Some(Playing {
                dtmf: false,
                id,
                end: at + len,
            });
        }
    }

    /// A `PlayAudioMessage` of `len_us` arrived at `now`.
    pub fn play(
        &mut self,
        id: Bytes,
        len_us: u64,
        now: u64,
        out: &mut impl FnMut(u64, Note),
    ) -> Result<(), Refusal> {
        self.advance(now, out);
        if self.audio_depth() >= self.audio_size {
            self.stats.overflows += 1;
            return Err(crate::error_ids::AUDIO_BUFFER_FULL);
        }
        self.audio.push_back((id, len_us));
        self.kick(now, out);
        Ok(())
    }

    /// A `PressDTMFMessage` lasting `len_us` arrived at `now`.
    pub fn press(
        &mut self,
        id: Bytes,
        len_us: u64,
        now: u64,
        out: &mut impl FnMut(u64, Note),
    ) -> Result<(), Refusal> {
        self.advance(now, out);
        if self.dtmf_depth() >= self.dtmf_size {
            return Err(crate::error_ids::DTMF_BUFFER_FULL);
        }
        self.dtmf.push_back((id, len_us));
        self.kick(now, out);
        Ok(())
    }

    /// A `ClearAudioBufferMessage` arrived at `now`: queued audio and the rest of the entry
    /// playing are dropped, without completions. (The caller then sends the cleared note.)
    pub fn clear(&mut self, now: u64, out: &mut impl FnMut(u64, Note)) {
        self.advance(now, out);
        if matches!(&self.playing, Some(p) if !p.dtmf) {
            self.playing = None;
        }
        self.audio.clear();
        self.kick(now, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(
        p: &mut Playout,
        f: impl FnOnce(&mut Playout, &mut dyn FnMut(u64, Note)),
    ) -> Vec<(u64, Note)> {
        let mut notes = Vec::new();
        let mut out = |at, n| notes.push((at, n));
        f(p, &mut out);
        notes
    }

    fn id(s: &'static str) -> Bytes {
        Bytes::from_static(s.as_bytes())
    }

    #[test]
    fn entries_play_back_to_back() {
        let mut p = Playout::new(10, 10);
        let n = run(&mut p, |p, out| {
            p.play(id("a"), 20_000, 1_000, &mut |a, n| out(a, n))
                .unwrap();
            p.play(id("b"), 20_000, 5_000, &mut |a, n| out(a, n))
                .unwrap();
            p.advance(100_000, &mut |a, n| out(a, n));
        });
        assert_eq!(
            n,
            vec![
                (1_000, Note::PlaybackStarted(id("a"))),
                (21_000, Note::PlaybackCompleted(id("a"))),
                (21_000, Note::PlaybackStarted(id("b"))),
                (41_000, Note::PlaybackCompleted(id("b"))),
            ]
        );
        assert_eq!(p.next_due(), None);
    }

    #[test]
    fn buffer_size_counts_the_entry_playing_and_clear_drops_all() {
        let mut p = Playout::new(2, 1);
        let mut sink = |_, _| {};
        p.play(id("a"), 20_000, 0, &mut sink).unwrap();
        p.play(id("b"), 20_000, 0, &mut sink).unwrap();
        assert!(p.play(id("c"), 20_000, 0, &mut sink).is_err());
        assert_eq!(p.stats.overflows, 1);
        p.clear(10_000, &mut sink);
        assert_eq!(p.audio_depth(), 0);
        let n = run(&mut p, |p, out| p.advance(100_000, &mut |a, n| out(a, n)));
        assert!(n.is_empty(), "{n:?}");
    }

    #[test]
    fn dtmf_waits_for_the_entry_then_goes_first() {
        let mut p = Playout::new(10, 10);
        let n = run(&mut p, |p, out| {
            p.play(id("a"), 20_000, 0, &mut |a, n| out(a, n)).unwrap();
            p.play(id("b"), 20_000, 0, &mut |a, n| out(a, n)).unwrap();
            p.press(id("d"), 150_000, 5_000, &mut |a, n| out(a, n))
                .unwrap();
            p.advance(1_000_000, &mut |a, n| out(a, n));
        });
        let order: Vec<_> = n.iter().map(|(at, n)| (*at, n.clone())).collect();
        assert_eq!(order[1], (20_000, Note::PlaybackCompleted(id("a"))));
        assert_eq!(order[2], (20_000, Note::DtmfStarted(id("d"))));
        assert_eq!(order[3], (170_000, Note::DtmfCompleted(id("d"))));
        assert_eq!(order[4], (170_000, Note::PlaybackStarted(id("b"))));
    }
}
