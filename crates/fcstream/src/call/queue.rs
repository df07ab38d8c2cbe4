//! The per-call event queue between the session task and the app: bounded, never blocking the
//! session, dropping the oldest caller audio first when the app falls behind.
//!
//! A plain bounded channel would force a choice between blocking the session (and with it
//! every acknowledgement, so `play().await` of an app that never reads events would hang) and
//! dropping the newest events. This queue never blocks its producer: when full, it drops the
//! oldest audio frame (stale audio is worth least), or failing that the oldest event, and
//! counts what it dropped. Its lock belongs to one call, is held for a push or a pop, and is
//! never shared between calls.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Mutex;
use std::task::{Context, Poll, Waker};

use crate::event::Event;

/// What the queue holds, behind its lock.
struct Inner {
    /// Undelivered events, oldest first.
    events: VecDeque<Event>,
    /// No more events will come.
    closed: bool,
    /// The consumer waiting for the next event.
    waker: Option<Waker>,
}

/// See the module docs.
pub(crate) struct EventQueue {
    /// The events and the consumer's waker.
    inner: Mutex<Inner>,
    /// Maximum events held.
    capacity: usize,
    /// Events dropped because the app did not keep up.
    dropped: AtomicU64,
    /// The app does not want `PlaybackStarted`/`PlaybackCompleted` events
    /// ([`crate::CallEvents::skip_playback_events`]).
    skip_playback: AtomicBool,
}

impl EventQueue {
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            inner: Mutex::new(Inner {
                // Small at first: an app that keeps up holds one or two events, and each slot
                // is the size of an `Event` (about 100 bytes) for the whole call.
                events: VecDeque::with_capacity(capacity.min(4)),
                closed: false,
                waker: None,
            }),
            capacity: capacity.max(1),
            dropped: AtomicU64::new(0),
            skip_playback: AtomicBool::new(false),
        }
    }

    /// From now on, playback notifications are not queued (their outcomes still resolve the
    /// app's play futures; the session has seen them).
    pub(crate) fn skip_playback(&self) {
        self.skip_playback.store(true, Ordering::Relaxed);
    }

    /// Whether the app wants `event` (checked by the driver before [`EventQueue::push`]).
    pub(crate) fn wants(&self, event: &Event) -> bool {
        !(matches!(
            event,
            Event::PlaybackStarted(_) | Event::PlaybackCompleted(_)
        ) && self.skip_playback.load(Ordering::Relaxed))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic while holding this lock cannot leave the queue inconsistent (each critical
        // section is a single VecDeque operation), so a poisoned lock is used as is.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Adds an event; returns whether an older one had to be dropped to make room.
    pub(crate) fn push(&self, event: Event) -> bool {
        let mut dropped = false;
        let waker = {
            let mut inner = self.lock();
            if inner.closed {
                return false;
            }
            if inner.events.len() >= self.capacity {
                let victim = inner
                    .events
                    .iter()
                    .position(|e| matches!(e, Event::Audio(_)))
                    .unwrap_or(0);
                inner.events.remove(victim);
                dropped = true;
            }
            inner.events.push_back(event);
            inner.waker.take()
        };
        if dropped {
            self.dropped.fetch_add(1, Ordering::Relaxed);
        }
        if let Some(w) = waker {
            w.wake();
        }
        dropped
    }

    /// No more events: the consumer gets what is queued, then `None`.
    pub(crate) fn close(&self) {
        let waker = {
            let mut inner = self.lock();
            inner.closed = true;
            inner.waker.take()
        };
        if let Some(w) = waker {
            w.wake();
        }
    }

    /// Events dropped so far.
    pub(crate) fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }

    /// Takes the next event, or registers the waker.
    pub(crate) fn poll_pop(&self, cx: &mut Context<'_>) -> Poll<Option<Event>> {
        let mut inner = self.lock();
        if let Some(e) = inner.events.pop_front() {
            return Poll::Ready(Some(e));
        }
        if inner.closed {
            return Poll::Ready(None);
        }
        match &inner.waker {
            Some(w) if w.will_wake(cx.waker()) => {}
            _ => inner.waker = Some(cx.waker().clone()),
        }
        Poll::Pending
    }

    /// Takes the next event, waiting for one.
    pub(crate) async fn pop(&self) -> Option<Event> {
        std::future::poll_fn(|cx| self.poll_pop(cx)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{Ack, AudioFrame};

    fn audio(seq: u32) -> Event {
        Event::Audio(AudioFrame {
            data: bytes::Bytes::new(),
            sequence: seq,
            start: None,
            end: None,
        })
    }

    fn ack(id: &str) -> Event {
        Event::PlaybackStarted(Ack {
            id: id.into(),
            at: None,
        })
    }

    #[tokio::test]
    async fn drops_oldest_audio_first() {
        let q = EventQueue::new(3);
        assert!(!q.push(ack("a")));
        assert!(!q.push(audio(1)));
        assert!(!q.push(audio(2)));
        assert!(q.push(audio(3)));
        assert_eq!(q.dropped(), 1);
        assert_eq!(q.pop().await, Some(ack("a")));
        assert_eq!(q.pop().await, Some(audio(2)));
        assert_eq!(q.pop().await, Some(audio(3)));
    }

    #[tokio::test]
    async fn drops_oldest_event_without_audio() {
        let q = EventQueue::new(2);
        q.push(ack("a"));
        q.push(ack("b"));
        q.push(ack("c"));
        assert_eq!(q.pop().await, Some(ack("b")));
    }

    #[tokio::test]
    async fn close_delivers_rest_then_none() {
        let q = std::sync::Arc::new(EventQueue::new(8));
        let q2 = q.clone();
        let waiter = tokio::spawn(async move { (q2.pop().await, q2.pop().await) });
        tokio::task::yield_now().await;
        q.push(audio(7));
        q.close();
        let (a, b) = waiter.await.unwrap();
        assert_eq!(a, Some(audio(7)));
        assert_eq!(b, None);
        assert!(!q.push(audio(8)), "closed queue takes nothing");
    }
}
