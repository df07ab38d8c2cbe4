//! The protocol state machine of one call: turns the app's requests into commands, the
//! platform's notifications into answers to those requests, and decides what the app sees.
//!
//! It does no I/O. The driver task ([`super::driver`]) feeds it platform events, app requests
//! and timer ticks, and sends the commands it queues. Everything that can be decided without a
//! network is decided here, and tested here.

use std::collections::VecDeque;
use std::time::Duration;

use bytes::Bytes;
use std::time::Instant;
use tokio::sync::oneshot;
use tracing::{debug, trace, warn};

use super::playback::{ClearMark, Label, Pacer, PlayReply, PlaybackConfig, Record};
use crate::command::Command;
use crate::error::{EndCause, Error, Result};
use crate::event::{BufferDepth, BufferKind, CallInfo, Event};
use crate::untrusted::shown;

/// A reply channel for one request.
/// Commands of each kind (DTMF presses, clears, depth queries, hang-ups) one call may have
/// waiting for the platform's answer. Past it the oldest waiter is released with
/// [`Error::Unacknowledged`]: a platform that never answers cannot grow a call's memory.
pub const MAX_WAITERS: usize = 64;

/// Releases the oldest waiter of `kind` when `waiting` is full.
fn bound<T>(
    waiting: &mut Vec<T>,
    kind: &'static str,
    stats: &mut CallStats,
    release: impl FnOnce(T, Error),
) {
    if waiting.len() >= MAX_WAITERS {
        let oldest = waiting.remove(0);
        stats.waiters_released += 1;
        if stats.waiters_released == 1 {
            warn!(
                kind,
                limit = MAX_WAITERS,
                "the platform is not answering: releasing the oldest waiting commands (counted)"
            );
        }
        release(
            oldest,
            Error::Unacknowledged {
                what: kind,
                limit: MAX_WAITERS,
            },
        );
    }
}

/// Warnings one call logs for the same kind of hostile or broken input before it only counts.
const WARN_BUDGET: u64 = 3;

pub(crate) type Reply<T> = oneshot::Sender<Result<T>>;

/// What the app asks of its call (sent from [`crate::CallControl`] to the driver).
pub(crate) enum Request {
    /// Play a clip already converted to the call's format.
    Play {
        audio: Bytes,
        /// `None`: nobody waits for the outcome ([`crate::CallControl::send_play`]).
        reply: Option<PlayReply>,
        /// The app's name and words for it, for the heard ledger (boxed: every slot of the
        /// request channel is the size of the largest request).
        label: Option<Box<Label>>,
    },
    /// Clear the platform's audio buffer.
    Clear { reply: Reply<()> },
    /// Press DTMF keys (validated by the caller).
    PressDtmf {
        digits: String,
        press_ms: u32,
        break_ms: u32,
        reply: Reply<()>,
    },
    /// Ask a buffer's depth.
    Query {
        kind: BufferKind,
        reply: Reply<BufferDepth>,
    },
    /// Hang up.
    Hangup { reply: Reply<EndCause> },
    /// Send `EndGrpcStreamMessage` (unimplemented by the platform).
    EndStream {
        action_url: String,
        reply: Reply<()>,
    },
}

/// A depth query on the wire, oldest first per buffer kind.
struct Query {
    /// The app's waiter; `None` for the pacer's own queries.
    reply: Option<Reply<BufferDepth>>,
    /// The pacer's entry mark when the query was sent.
    mark: u64,
    /// When it was sent (a query never answered is re-sent, not waited on forever).
    sent: Instant,
}

/// Counters of one call, for logs and metrics.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CallStats {
    /// Caller audio frames received.
    pub frames_in: u64,
    /// Audio entries sent (`PlayAudioMessage`s).
    pub entries_out: u64,
    /// Frames skipped because they were malformed (empty, half a sample).
    pub frames_malformed: u64,
    /// Frames whose length was not 20 ms in the call's format (delivered anyway).
    pub frames_irregular: u64,
    /// Notifications naming an id this call never sent.
    pub unknown_ids: u64,
    /// `NotifyErrorMessage`s received.
    pub platform_errors: u64,
    /// Plays dropped unsent because the platform was not acknowledging
    /// ([`crate::call::MAX_WAITING_PLAYS`]).
    pub plays_dropped: u64,
    /// Commands released unanswered because the platform was not answering
    /// ([`crate::call::MAX_WAITERS`]).
    pub waiters_released: u64,
}

/// See the module docs.
pub(crate) struct Session {
    /// Who the call is with; its content type drives every size.
    info: std::sync::Arc<CallInfo>,
    /// Playback pacing and play outcomes.
    pacer: Pacer,
    /// Counter behind every id this call generates (`p1`, `c2`, `d3`, ...).
    next_id: u64,
    /// Sequence number of the next `PressDTMFMessage`.
    dtmf_sequence: u32,
    /// DTMF presses waiting for `DTMFPlayCompleted`, by id.
    dtmf: Vec<(String, Reply<()>)>,
    /// Clears waiting for `BufferCleared`, by id.
    clears: Vec<(String, ClearMark, Reply<()>)>,
    /// Depth queries waiting, index 0 DTMF, 1 audio.
    queries: [VecDeque<Query>; 2],
    /// Hang-ups waiting for the end of the call.
    hangups: Vec<Reply<EndCause>>,
    /// Commands to send, in order.
    out: Vec<Command>,
    /// Set once the call is over.
    ended: Option<EndCause>,
    /// Counters.
    pub(crate) stats: CallStats,
    /// How long an unanswered query is waited for before asking again.
    query_retry: Duration,
}

impl Session {
    pub(crate) fn new(info: std::sync::Arc<CallInfo>, playback: PlaybackConfig) -> Self {
        let content_type = info.content_type;
        Self {
            info,
            pacer: Pacer::new(playback, content_type),
            next_id: 0,
            dtmf_sequence: 0,
            dtmf: Vec::new(),
            clears: Vec::new(),
            queries: [VecDeque::new(), VecDeque::new()],
            hangups: Vec::new(),
            out: Vec::new(),
            ended: None,
            stats: CallStats::default(),
            query_retry: playback.stall_grace.max(Duration::from_millis(100)) * 4,
        }
    }

    fn id(&mut self, prefix: char) -> String {
        self.next_id += 1;
        format!("{prefix}{}", self.next_id)
    }

    /// Commands to send now, in order.
    /// Whether [`Session::take_outbound`], [`Session::take_play_latencies`] or
    /// [`Session::take_heard`] has something.
    pub(crate) fn has_output(&self) -> bool {
        !self.out.is_empty() || self.pacer.has_output()
    }

    pub(crate) fn take_outbound(&mut self) -> std::vec::Drain<'_, Command> {
        self.out.drain(..)
    }

    /// Why the call ended, once it has.
    pub(crate) fn ended(&self) -> Option<&EndCause> {
        self.ended.as_ref()
    }

    /// Heard-ledger records of plays that ended since the last call.
    pub(crate) fn take_heard(&mut self) -> std::vec::Drain<'_, Record> {
        self.pacer.take_heard()
    }

    /// Durations of plays completed since the last call (request → final completion).
    pub(crate) fn take_play_latencies(&mut self) -> std::vec::Drain<'_, Duration> {
        self.pacer.take_latencies()
    }

    /// Audio queued at the platform as far as the pacer knows (for tests and stats).
    pub(crate) fn queued(&self) -> Duration {
        self.pacer.queued()
    }

    /// Handles a request from the app.
    pub(crate) fn request(&mut self, req: Request, now: Instant) {
        if let Some(cause) = &self.ended {
            let err = Error::CallEnded(cause.clone());
            match req {
                Request::Play { reply, .. } => {
                    if let Some(reply) = reply {
                        drop(reply.send(Err(err)))
                    }
                }
                Request::Clear { reply } | Request::PressDtmf { reply, .. } => {
                    drop(reply.send(Err(err)))
                }
                Request::EndStream { reply, .. } => drop(reply.send(Err(err))),
                Request::Query { reply, .. } => drop(reply.send(Err(err))),
                Request::Hangup { reply } => drop(reply.send(Ok(cause.clone()))),
            }
            return;
        }
        match req {
            Request::Play {
                audio,
                reply,
                label,
            } => {
                self.next_id += 1;
                self.pacer.enqueue(self.next_id, audio, reply, label, now);
                self.stats.plays_dropped = self.pacer.dropped;
            }
            Request::Clear { reply } => {
                let id = self.id('c');
                let mark = self.pacer.begin_clear();
                self.out.push(Command::ClearAudioBuffer { id: id.clone() });
                bound(
                    &mut self.clears,
                    "clear",
                    &mut self.stats,
                    |(_, _, r), e| {
                        let _ = r.send(Err(e));
                    },
                );
                self.clears.push((id, mark, reply));
            }
            Request::PressDtmf {
                digits,
                press_ms,
                break_ms,
                reply,
            } => {
                let id = self.id('d');
                self.out.push(Command::PressDtmf {
                    id: id.clone(),
                    digits,
                    press_ms,
                    break_ms,
                    sequence: self.dtmf_sequence,
                });
                self.dtmf_sequence = self.dtmf_sequence.wrapping_add(1);
                bound(
                    &mut self.dtmf,
                    "press_dtmf",
                    &mut self.stats,
                    |(_, r), e| {
                        let _ = r.send(Err(e));
                    },
                );
                self.dtmf.push((id, reply));
            }
            Request::Query { kind, reply } => self.send_query(kind, Some(reply), now),
            Request::Hangup { reply } => {
                self.out.push(Command::TerminateCall);
                bound(&mut self.hangups, "hangup", &mut self.stats, |r, e| {
                    let _ = r.send(Err(e));
                });
                self.hangups.push(reply);
            }
            Request::EndStream { action_url, reply } => {
                self.out.push(Command::EndStream { action_url });
                let _ = reply.send(Ok(()));
            }
        }
        self.pump(now);
    }

    fn send_query(&mut self, kind: BufferKind, reply: Option<Reply<BufferDepth>>, now: Instant) {
        let mark = if kind == BufferKind::Audio {
            self.pacer.query_mark()
        } else {
            0
        };
        self.out.push(Command::QueryBuffer(kind));
        let waiting = &mut self.queries[kind as usize];
        if waiting.len() >= MAX_WAITERS {
            if let Some(Query { reply: Some(r), .. }) = waiting.pop_front() {
                self.stats.waiters_released += 1;
                let _ = r.send(Err(Error::Unacknowledged {
                    what: "query_buffer",
                    limit: MAX_WAITERS,
                }));
            }
        }
        self.queries[kind as usize].push_back(Query {
            reply,
            mark,
            sent: now,
        });
    }

    fn pump(&mut self, now: Instant) {
        let before = self.out.len();
        self.pacer.pump(now, &mut self.out);
        self.stats.entries_out += (self.out.len() - before) as u64;
    }

    /// Handles a platform event; returns what the app should see (None: nothing).
    pub(crate) fn platform(&mut self, event: Event, now: Instant) -> Option<Event> {
        if self.ended.is_some() {
            trace!(
                kind = event.kind(),
                "event after the end of the call ignored"
            );
            return None;
        }
        match &event {
            Event::Audio(frame) => {
                let ct = self.info.content_type;
                if frame.data.is_empty() || frame.data.len() % ct.bytes_per_sample() != 0 {
                    self.stats.frames_malformed += 1;
                    if self.stats.frames_malformed == 1 {
                        warn!(
                            len = frame.data.len(),
                            content_type = %ct,
                            "skipping malformed caller audio frame (empty or half a sample); later ones are counted"
                        );
                    }
                    return None;
                }
                if frame.data.len() != ct.frame_bytes() {
                    self.stats.frames_irregular += 1;
                    if self.stats.frames_irregular == 1 {
                        debug!(
                            len = frame.data.len(),
                            expected = ct.frame_bytes(),
                            "caller audio frame is not 20 ms; delivering it as it is"
                        );
                    }
                }
                self.stats.frames_in += 1;
            }
            Event::CallStarted(info) => {
                warn!(second_call_id = %shown(&info.call_id), "second NotifyCallStartedMessage on one stream ignored");
                return None;
            }
            Event::PlaybackCompleted(ack) => {
                if !self.pacer.on_completed(&ack.id, now) {
                    self.unknown_id("playback completed", &ack.id);
                }
            }
            Event::BufferCleared(ack) => {
                if let Some(pos) = self.clears.iter().position(|(id, _, _)| *id == ack.id) {
                    let (_, mark, reply) = self.clears.remove(pos);
                    self.pacer.finish_clear(mark, now);
                    let _ = reply.send(Ok(()));
                } else {
                    self.unknown_id("buffer cleared", &ack.id);
                }
            }
            Event::DtmfPlayCompleted(ack) => {
                if let Some(pos) = self.dtmf.iter().position(|(id, _)| *id == ack.id) {
                    let (_, reply) = self.dtmf.remove(pos);
                    let _ = reply.send(Ok(()));
                } else {
                    self.unknown_id("DTMF play completed", &ack.id);
                }
            }
            Event::BufferDepth(depth) => match self.queries[depth.kind as usize].pop_front() {
                Some(q) => {
                    if depth.kind == BufferKind::Audio {
                        self.pacer.on_depth(q.mark, depth.depth, now);
                    }
                    if let Some(reply) = q.reply {
                        let _ = reply.send(Ok(*depth));
                    }
                }
                None => debug!(kind = ?depth.kind, "buffer depth nobody asked for"),
            },
            Event::CallEnded(end) => {
                self.end(EndCause::Platform(end.clone()), now);
                return Some(event);
            }
            Event::Error { message, id } => {
                self.stats.platform_errors += 1;
                if self.stats.platform_errors <= WARN_BUDGET {
                    warn!(
                        error_id = %shown(id),
                        message = %shown(message),
                        "platform reported an error{}",
                        if self.stats.platform_errors == WARN_BUDGET {
                            " (further errors on this call are counted, not logged)"
                        } else {
                            ""
                        }
                    );
                }
            }
            Event::PlaybackStarted(ack) => self.pacer.on_started(&ack.id, now),
            Event::DtmfPlayStarted(_) | Event::DtmfStarted { .. } | Event::DtmfEnded { .. } => {}
        }
        self.pump(now);
        Some(event)
    }

    fn unknown_id(&mut self, what: &str, id: &str) {
        self.stats.unknown_ids += 1;
        debug!(%id, "{what} for an id this call did not send (or already settled); ignored");
    }

    /// When [`Session::timeout`] should next run.
    pub(crate) fn deadline(&self, now: Instant) -> Option<Instant> {
        if self.ended.is_some() {
            return None;
        }
        match self.queries[BufferKind::Audio as usize].front() {
            Some(q) => Some(q.sent + self.query_retry),
            None => self.pacer.query_deadline(now),
        }
    }

    /// The deadline passed: ask the platform for its audio buffer depth.
    pub(crate) fn timeout(&mut self, now: Instant) {
        if self.ended.is_some() {
            return;
        }
        let audio = &mut self.queries[BufferKind::Audio as usize];
        if let Some(q) = audio.front() {
            if now < q.sent + self.query_retry {
                return;
            }
            // Never answered: forget our own stale queries and ask again. The app's
            // waiters stay (an answer may still come).
            debug!("audio depth query unanswered; asking again");
            audio.retain(|q| q.reply.is_some());
            if !audio.is_empty() {
                for q in audio.iter_mut() {
                    q.sent = now;
                }
                return;
            }
        }
        match self.pacer.query_deadline(now) {
            Some(d) if d <= now => {
                trace!("playback stalled; asking the platform for its audio depth");
                self.send_query(BufferKind::Audio, None, now);
            }
            _ => {}
        }
    }

    /// The call is over: answer every waiter.
    pub(crate) fn end(&mut self, cause: EndCause, now: Instant) {
        if self.ended.is_some() {
            return;
        }
        let err = || Error::CallEnded(cause.clone());
        self.pacer.fail_all(err, now);
        for (_, _, reply) in self.clears.drain(..) {
            let _ = reply.send(Err(err()));
        }
        for (_, reply) in self.dtmf.drain(..) {
            let _ = reply.send(Err(err()));
        }
        for q in self.queries.iter_mut().flat_map(|q| q.drain(..)) {
            if let Some(reply) = q.reply {
                let _ = reply.send(Err(err()));
            }
        }
        for reply in self.hangups.drain(..) {
            let _ = reply.send(Ok(cause.clone()));
        }
        self.out.clear();
        self.ended = Some(cause);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::audio::ContentType;
    use crate::call::test_clock::Clock;
    use crate::call::PlayOutcome;
    use crate::event::{Ack, AudioFrame, CallEnd, Direction, EndReason};

    fn session() -> Session {
        let info = CallInfo {
            call_id: "CA1".into(),
            to: "+1".into(),
            from: "+2".into(),
            direction: Direction::Inbound,
            metadata: vec![],
            content_type: ContentType::Mulaw8k,
        };
        Session::new(std::sync::Arc::new(info), PlaybackConfig::default())
    }

    fn ack(id: &str) -> Ack {
        Ack {
            id: id.into(),
            at: None,
        }
    }

    fn frame(len: usize) -> Event {
        Event::Audio(AudioFrame {
            data: vec![0xFF; len].into(),
            sequence: 0,
            start: None,
            end: None,
        })
    }

    #[tokio::test]
    async fn dtmf_resolves_on_completion_only_for_its_id() {
        let clock = Clock::new();
        let mut s = session();
        let now = clock.now();
        let (tx, mut rx) = oneshot::channel();
        s.request(
            Request::PressDtmf {
                digits: "12#".into(),
                press_ms: 100,
                break_ms: 50,
                reply: tx,
            },
            now,
        );
        let out: Vec<_> = s.take_outbound().collect();
        let Command::PressDtmf { id, sequence, .. } = &out[0] else {
            panic!("{out:?}")
        };
        assert_eq!(*sequence, 0);
        s.platform(Event::DtmfPlayCompleted(ack("other")), now);
        assert!(rx.try_recv().is_err());
        assert_eq!(s.stats.unknown_ids, 1);
        s.platform(Event::DtmfPlayCompleted(ack(id)), now);
        assert!(rx.try_recv().unwrap().is_ok());
    }

    #[tokio::test]
    async fn call_end_fails_waiters_and_answers_hangup() {
        let clock = Clock::new();
        let mut s = session();
        let now = clock.now();
        let (ptx, mut prx) = oneshot::channel();
        let (htx, mut hrx) = oneshot::channel();
        let (qtx, mut qrx) = oneshot::channel();
        s.request(
            Request::Play {
                audio: vec![0xFF; 16000].into(),
                reply: Some(ptx),
                label: None,
            },
            now,
        );
        s.request(
            Request::Query {
                kind: BufferKind::Dtmf,
                reply: qtx,
            },
            now,
        );
        s.request(Request::Hangup { reply: htx }, now);
        assert!(matches!(
            s.take_outbound().last(),
            Some(Command::TerminateCall)
        ));
        let end = CallEnd {
            call_id: "CA1".into(),
            reason: EndReason::ApplicationDisconnect,
            description: String::new(),
        };
        assert!(s.platform(Event::CallEnded(end.clone()), now).is_some());
        assert!(matches!(
            prx.try_recv().unwrap(),
            Err(Error::CallEnded(EndCause::Platform(_)))
        ));
        assert!(qrx.try_recv().unwrap().is_err());
        assert_eq!(
            hrx.try_recv().unwrap().unwrap(),
            EndCause::Platform(end.clone())
        );
        // After the end, requests fail at once and nothing is sent.
        let (tx, mut rx) = oneshot::channel();
        s.request(Request::Clear { reply: tx }, now);
        assert!(rx.try_recv().unwrap().unwrap_err().is_call_ended());
        assert_eq!(s.take_outbound().count(), 0);
    }

    #[tokio::test]
    async fn malformed_frames_are_skipped_and_counted() {
        let clock = Clock::new();
        let mut s = session();
        let now = clock.now();
        assert!(s.platform(frame(0), now).is_none());
        assert!(s.platform(frame(160), now).is_some());
        assert!(s.platform(frame(80), now).is_some());
        assert_eq!(s.stats.frames_malformed, 1);
        assert_eq!(s.stats.frames_irregular, 1);
        assert_eq!(s.stats.frames_in, 2);
    }

    #[tokio::test]
    async fn l16_half_sample_frames_are_skipped() {
        let clock = Clock::new();
        let info = CallInfo {
            call_id: "CA1".into(),
            to: String::new(),
            from: String::new(),
            direction: Direction::Outbound,
            metadata: vec![],
            content_type: ContentType::L16At8k,
        };
        let mut s = Session::new(std::sync::Arc::new(info), PlaybackConfig::default());
        assert!(s.platform(frame(319), clock.now()).is_none());
        assert_eq!(s.stats.frames_malformed, 1);
    }

    #[tokio::test]
    async fn stalled_playback_queries_depth_and_user_queries_share_answers() {
        let clock = Clock::new();
        let mut s = session();
        let t0 = clock.now();
        let (ptx, mut prx) = oneshot::channel();
        s.request(
            Request::Play {
                audio: vec![0xFF; 800].into(),
                reply: Some(ptx),
                label: None,
            },
            t0,
        );
        assert_eq!(s.take_outbound().count(), 1);
        // 100 ms entry + 500 ms grace.
        let d = s.deadline(t0).unwrap();
        assert_eq!(d, t0 + Duration::from_millis(600));
        s.timeout(d);
        let out: Vec<_> = s.take_outbound().collect();
        assert_eq!(out, vec![Command::QueryBuffer(BufferKind::Audio)]);
        // A user query in flight too; answers are FIFO.
        let (qtx, mut qrx) = oneshot::channel();
        s.request(
            Request::Query {
                kind: BufferKind::Audio,
                reply: qtx,
            },
            d,
        );
        let depth = BufferDepth {
            kind: BufferKind::Audio,
            depth: 0,
            size: 10,
        };
        s.platform(Event::BufferDepth(depth), d);
        assert_eq!(prx.try_recv().unwrap().unwrap(), PlayOutcome::Completed);
        assert!(qrx.try_recv().is_err());
        s.platform(Event::BufferDepth(depth), d);
        assert_eq!(qrx.try_recv().unwrap().unwrap(), depth);
        assert_eq!(s.queued(), Duration::ZERO);
    }

    #[tokio::test]
    async fn second_call_started_is_ignored() {
        let clock = Clock::new();
        let mut s = session();
        let info = CallInfo {
            call_id: "CA2".into(),
            to: String::new(),
            from: String::new(),
            direction: Direction::Inbound,
            metadata: vec![],
            content_type: ContentType::Mulaw8k,
        };
        assert!(s.platform(Event::CallStarted(info), clock.now()).is_none());
        assert!(s.ended().is_none());
    }
}
