//! One phone call as the app sees it: [`Call`], its command half [`CallControl`] and its event
//! half [`CallEvents`].
//!
//! Every command returns a future that resolves when the platform acknowledges it, and fails
//! with [`Error::CallEnded`] if the call ends first. Events arrive in order through
//! [`Call::next`] or the [`futures_core::Stream`] impl.
//!
//! Layout: `queue` (events to the app), [`playback`] (pacing and play outcomes),
//! `session` (the protocol state machine, no I/O), `driver` (the task that runs it).

pub mod playback;
pub(crate) mod queue;
pub(crate) mod session;
pub(crate) mod shared;

/// A manual clock for the state machines' unit tests: they take `now` as input, so tests move
/// time by hand instead of pausing tokio's clock.
#[cfg(test)]
pub(crate) mod test_clock {
    use std::cell::Cell;
    use std::time::{Duration, Instant};

    /// Time that moves only when told.
    pub(crate) struct Clock(Cell<Instant>);

    impl Clock {
        /// A clock at the present instant.
        pub(crate) fn new() -> Self {
            Self(Cell::new(Instant::now()))
        }
        /// The clock's time.
        pub(crate) fn now(&self) -> Instant {
            self.0.get()
        }
        /// Moves the clock forward.
        #[allow(dead_code)]
        pub(crate) fn advance(&self, d: Duration) {
            self.0.set(self.0.get() + d);
        }
    }
}

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::sync::{mpsc, oneshot};

use crate::audio::{dtmf, Audio};
use crate::error::{EndCause, Error, Result};
use crate::event::{BufferDepth, BufferKind, CallInfo, Event};
use crate::time::Clock;
use queue::EventQueue;
use session::Request;
use shared::Shared;

pub use playback::{Heard, PlayOutcome, PlaybackConfig, MAX_WAITING_PLAYS};
pub use session::{CallStats, MAX_WAITERS};

/// The longest key press the platform accepts; longer ones are reduced to it.
pub const MAX_PRESS_MS: u32 = 8000;

/// The command half of a call: cheap to clone, usable from any task.
#[derive(Clone)]
pub struct CallControl {
    /// Who the call is with.
    info: Arc<CallInfo>,
    /// Requests to the call's driver.
    requests: mpsc::Sender<Request>,
    /// Why the call ended, once it has.
    shared: Arc<Shared>,
}

/// The event half of a call: what the platform tells the app, in order.
pub struct CallEvents {
    /// Who the call is with.
    info: Arc<CallInfo>,
    /// The events.
    queue: Arc<EventQueue>,
    /// Why the call ended, once it has.
    shared: Arc<Shared>,
}

/// One phone call: commands ([`CallControl`], reachable through `Deref`) and events.
///
/// ```no_run
/// use fcstream::{Audio, Call, Event};
/// use std::time::Duration;
///
/// async fn greet(mut call: Call) -> fcstream::Result<()> {
///     call.play(Audio::tone(440.0, Duration::from_millis(500), 8000)).await?;
///     while let Some(event) = call.next().await {
///         if let Event::DtmfEnded { digit: '#', .. } = event {
///             call.hangup().await?;
///         }
///     }
///     Ok(())
/// }
/// ```
pub struct Call {
    /// Commands.
    control: CallControl,
    /// Events.
    events: CallEvents,
}

/// A play in progress: a future of its [`PlayOutcome`]. Dropping it does not stop the audio
/// (use [`CallControl::clear`] for that).
pub struct Playback {
    /// The driver's answer.
    rx: oneshot::Receiver<Result<PlayOutcome>>,
    /// Why the call ended, if the driver went away.
    shared: Arc<Shared>,
}

fn ended(shared: &Shared) -> Error {
    Error::CallEnded(
        shared
            .ended
            .get()
            .cloned()
            .unwrap_or_else(|| EndCause::Server("the call's task stopped".into())),
    )
}

/// A prompt in progress ([`CallControl::start_play_prompt`]): a future of what the caller
/// heard of it. Dropping it does not stop the audio.
pub struct PromptPlayback {
    /// The record, sent when the play ends.
    heard: oneshot::Receiver<Heard>,
    /// The outcome, for the error when the call ends first.
    playback: Playback,
}

impl Future for PromptPlayback {
    type Output = Result<Heard>;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match Pin::new(&mut self.heard).poll(cx) {
            Poll::Ready(Ok(heard)) => Poll::Ready(Ok(heard)),
            // No record: the call ended first; the play's answer says why.
            Poll::Ready(Err(_)) => match Pin::new(&mut self.playback).poll(cx) {
                Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
                Poll::Ready(Ok(_)) | Poll::Pending => {
                    Poll::Ready(Err(ended(&self.playback.shared)))
                }
            },
            Poll::Pending => Poll::Pending,
        }
    }
}

impl Future for Playback {
    type Output = Result<PlayOutcome>;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match Pin::new(&mut self.rx).poll(cx) {
            Poll::Ready(Ok(r)) => Poll::Ready(r),
            Poll::Ready(Err(_)) => Poll::Ready(Err(ended(&self.shared))),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl Call {
    /// Builds a call and the driver's ends of its channels.
    pub(crate) fn new(
        info: Arc<CallInfo>,
        request_capacity: usize,
        event_capacity: usize,
        clock: Clock,
    ) -> (Self, mpsc::Receiver<Request>, Arc<EventQueue>, Arc<Shared>) {
        let (tx, rx) = mpsc::channel(request_capacity.max(1));
        let queue = Arc::new(EventQueue::new(event_capacity));
        let shared = Arc::new(Shared {
            clock,
            ..Shared::default()
        });
        let call = Call {
            control: CallControl {
                info: info.clone(),
                requests: tx,
                shared: shared.clone(),
            },
            events: CallEvents {
                info,
                queue: queue.clone(),
                shared: shared.clone(),
            },
        };
        (call, rx, queue, shared)
    }

    /// Splits the call into its command half and its event half, for code that listens while
    /// it talks (barge-in with `tokio::select!`).
    pub fn split(self) -> (CallControl, CallEvents) {
        (self.control, self.events)
    }

    /// The next event; `None` once the call is over and every event was taken.
    pub async fn next(&mut self) -> Option<Event> {
        self.events.next().await
    }

    /// Waits for up to `max_digits` caller key presses, `timeout` in all; see
    /// [`CallEvents::gather_digits`].
    pub async fn gather_digits(
        &mut self,
        max_digits: usize,
        timeout: Duration,
    ) -> Result<Option<String>> {
        self.events.gather_digits(max_digits, timeout).await
    }

    /// Events dropped because the app did not read them fast enough.
    pub fn dropped_events(&self) -> u64 {
        self.events.dropped_events()
    }

    /// Stops delivering playback notifications as events; see
    /// [`CallEvents::skip_playback_events`].
    pub fn skip_playback_events(&self) {
        self.events.skip_playback_events()
    }
}

impl std::ops::Deref for Call {
    type Target = CallControl;
    fn deref(&self) -> &CallControl {
        &self.control
    }
}

impl futures_core::Stream for Call {
    type Item = Event;
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Event>> {
        Pin::new(&mut self.events).poll_next(cx)
    }
}

impl CallControl {
    /// The clock the call runs on: real time, or virtual time in `fcstream demo --fast` and
    /// tests (see [`crate::time`]). Wait with [`CallControl::sleep`] rather than
    /// `tokio::time::sleep`, so the app keeps time with the call in a virtual run.
    pub fn clock(&self) -> &Clock {
        &self.shared.clock
    }

    /// Waits `d` on the call's clock.
    pub async fn sleep(&self, d: Duration) {
        self.shared.clock.sleep(d).await
    }

    /// Who the call is with.
    pub fn info(&self) -> &CallInfo {
        &self.info
    }

    /// The SIP call id.
    pub fn call_id(&self) -> &str {
        &self.info.call_id
    }

    /// Why the call ended, once it has.
    pub fn end_cause(&self) -> Option<EndCause> {
        self.shared.ended.get().cloned()
    }

    async fn ask<T>(&self, make: impl FnOnce(oneshot::Sender<Result<T>>) -> Request) -> Result<T> {
        let (tx, rx) = oneshot::channel();
        if self.requests.send(make(tx)).await.is_err() {
            return Err(ended(&self.shared));
        }
        rx.await.unwrap_or_else(|_| Err(ended(&self.shared)))
    }

    /// Plays `audio` to the caller and waits until the platform reports it played
    /// ([`PlayOutcome::Completed`]) or a clear dropped it ([`PlayOutcome::Interrupted`]).
    ///
    /// The clip is converted to the call's format, sent in chunks and paced (see
    /// [`PlaybackConfig`]).
    pub async fn play(&self, audio: Audio) -> Result<PlayOutcome> {
        self.start_play(audio).await?.await
    }

    /// Queues `audio` and returns at once with a [`Playback`] to await later. Plays are heard
    /// in the order they were started.
    pub async fn start_play(&self, audio: Audio) -> Result<Playback> {
        self.queue_play(audio, None).await
    }

    /// Queues `audio` like [`start_play`](Self::start_play), without a [`Playback`] to await:
    /// nobody is told how it ended (it still enters the [heard ledger](Self::heard_ledger)).
    /// Cheaper than `start_play` with the `Playback` dropped (no reply channel); for apps that
    /// play many clips and never wait for one, such as an echo.
    pub async fn send_play(&self, audio: Audio) -> Result<()> {
        let wire = audio.convert(self.info.content_type)?;
        let request = Request::Play {
            audio: wire.data().clone(),
            reply: None,
            label: None,
        };
        if self.requests.send(request).await.is_err() {
            return Err(ended(&self.shared));
        }
        Ok(())
    }

    /// Plays a named prompt and waits until it ends, returning what the caller heard of it:
    /// the whole clip, or the part before a [`clear`](Self::clear) cut it (barge-in). The
    /// record also goes into the call's [heard ledger](Self::heard_ledger).
    ///
    /// `name` is the app's name for the prompt (it need not be unique; the wire id is the
    /// library's), `text` its words if known.
    pub async fn play_prompt(
        &self,
        name: impl Into<String>,
        text: Option<String>,
        audio: Audio,
    ) -> Result<Heard> {
        self.start_play_prompt(name, text, audio).await?.await
    }

    /// Queues a named prompt (see [`play_prompt`](Self::play_prompt)) and returns at once with
    /// a [`PromptPlayback`] to await later.
    pub async fn start_play_prompt(
        &self,
        name: impl Into<String>,
        text: Option<String>,
        audio: Audio,
    ) -> Result<PromptPlayback> {
        let (tx, heard) = oneshot::channel();
        let label = playback::Label {
            name: name.into(),
            text,
            heard: Some(tx),
        };
        let playback = self.queue_play(audio, Some(Box::new(label))).await?;
        Ok(PromptPlayback { heard, playback })
    }

    /// The call's heard ledger: for each play that has ended, in the order they ended, what
    /// the caller heard of it. It keeps the last 256 prompts
    /// ([`play_prompt`](Self::play_prompt), under their name, with their text) and the last 16
    /// plain plays ([`play`](Self::play), under their wire id), so audio that is not a prompt
    /// (an echo plays one clip per frame) costs it a fixed few hundred bytes.
    pub fn heard_ledger(&self) -> Vec<Heard> {
        match self.shared.heard.lock() {
            Ok(l) => l.records(),
            Err(poisoned) => poisoned.into_inner().records(),
        }
    }

    async fn queue_play(
        &self,
        audio: Audio,
        label: Option<Box<playback::Label>>,
    ) -> Result<Playback> {
        let wire = audio.convert(self.info.content_type)?;
        let (tx, rx) = oneshot::channel();
        let request = Request::Play {
            audio: wire.data().clone(),
            reply: Some(tx),
            label,
        };
        if self.requests.send(request).await.is_err() {
            return Err(ended(&self.shared));
        }
        Ok(Playback {
            rx,
            shared: self.shared.clone(),
        })
    }

    /// Clears the platform's audio buffer: what is queued and the rest of what is playing is
    /// dropped, and every play started before resolves [`PlayOutcome::Interrupted`]. Resolves
    /// when the platform confirms.
    pub async fn clear(&self) -> Result<()> {
        self.ask(|reply| Request::Clear { reply }).await
    }

    /// Presses DTMF keys on the call (`0-9 * # A-D`), each held `press_ms` (1..=8000, longer is
    /// reduced to 8000) with `break_ms` of silence between. Resolves when the platform reports
    /// the keys played. Invalid digits or a zero press are rejected before anything is sent.
    pub async fn press_dtmf(&self, digits: &str, press_ms: u32, break_ms: u32) -> Result<()> {
        dtmf::validate(digits)?;
        if press_ms == 0 {
            return Err(Error::InvalidArgument(
                "press_ms must be 1..=8000 (the platform ignores 0)".into(),
            ));
        }
        let press_ms = press_ms.min(MAX_PRESS_MS);
        let digits = digits.to_ascii_lowercase();
        self.ask(|reply| Request::PressDtmf {
            digits,
            press_ms,
            break_ms,
            reply,
        })
        .await
    }

    /// Asks how many entries the platform's DTMF or audio buffer holds.
    pub async fn query_buffer(&self, kind: BufferKind) -> Result<BufferDepth> {
        self.ask(|reply| Request::Query { kind, reply }).await
    }

    /// Hangs up (`TerminateCallMessage`) and waits for the end of the call; returns why it
    /// ended (normally `APPLICATION_DISCONNECT` from the platform).
    pub async fn hangup(&self) -> Result<EndCause> {
        match self.ask(|reply| Request::Hangup { reply }).await {
            Err(Error::CallEnded(cause)) => Ok(cause),
            other => other,
        }
    }

    /// Sends `EndGrpcStreamMessage`. **FreeClimb does not implement it** ("do not use"); it
    /// exists for completeness and resolves once sent. The platform answers with an error.
    pub async fn end_stream(&self, action_url: &str) -> Result<()> {
        let action_url = action_url.to_string();
        self.ask(|reply| Request::EndStream { action_url, reply })
            .await
    }
}

impl CallEvents {
    /// Who the call is with.
    pub fn info(&self) -> &CallInfo {
        &self.info
    }

    /// Why the call ended, once it has.
    pub fn end_cause(&self) -> Option<EndCause> {
        self.shared.ended.get().cloned()
    }

    /// The next event; `None` once the call is over and every event was taken.
    pub async fn next(&mut self) -> Option<Event> {
        self.queue.pop().await
    }

    /// Events dropped because the app did not read them fast enough.
    pub fn dropped_events(&self) -> u64 {
        self.queue.dropped()
    }

    /// From now on, [`Event::PlaybackStarted`] and [`Event::PlaybackCompleted`] are not
    /// delivered to the app. Plays still resolve ([`Playback`], [`CallControl::play`], the
    /// heard ledger): only the events are skipped. For apps that never look at them (an echo
    /// plays one clip per caller frame and would be woken three times per frame, twice for
    /// nothing).
    pub fn skip_playback_events(&self) {
        self.queue.skip_playback();
    }

    /// The clock the call runs on (see [`crate::time`]).
    pub fn clock(&self) -> &Clock {
        &self.shared.clock
    }

    /// Waits for up to `max_digits` caller key presses within `timeout`. Returns the digits
    /// pressed (`None` if none), stopping early at `max_digits`. Other events that arrive
    /// meanwhile are consumed. Fails with [`Error::CallEnded`] if the call ends first.
    pub async fn gather_digits(
        &mut self,
        max_digits: usize,
        timeout: Duration,
    ) -> Result<Option<String>> {
        let mut digits = String::new();
        let mut presses = KeyPresses::default();
        let clock = &self.shared.clock;
        let deadline = clock.now() + timeout;
        while digits.len() < max_digits {
            let event = match clock.timeout_at(deadline, self.queue.pop()).await {
                Ok(Some(event)) => event,
                Ok(None) => return Err(ended(&self.shared)),
                Err(_) => break,
            };
            if let Event::CallEnded(end) = event {
                return Err(Error::CallEnded(EndCause::Platform(end)));
            }
            if let Some(digit) = presses.press(&event) {
                digits.push(digit);
            }
        }
        Ok((!digits.is_empty()).then_some(digits))
    }
}

/// Turns the platform's DTMF start/end notifications into key presses, each counted once: on
/// its start, or on its end when no start was seen (a platform may send either or both).
#[derive(Debug, Default, Clone)]
pub struct KeyPresses {
    /// The key whose start was counted and whose end has not come yet.
    open: Option<char>,
}

impl KeyPresses {
    /// The key pressed, if `event` is a new press.
    ///
    /// ```
    /// use fcstream::call::KeyPresses;
    /// use fcstream::Event;
    /// let mut k = KeyPresses::default();
    /// assert_eq!(k.press(&Event::DtmfStarted { digit: '5', at: None }), Some('5'));
    /// assert_eq!(k.press(&Event::DtmfEnded { digit: '5', at: None }), None);
    /// assert_eq!(k.press(&Event::DtmfEnded { digit: '#', at: None }), Some('#'));
    /// ```
    pub fn press(&mut self, event: &Event) -> Option<char> {
        match *event {
            Event::DtmfStarted { digit, .. } => {
                self.open = Some(digit);
                Some(digit)
            }
            Event::DtmfEnded { digit, .. } => (self.open.take() != Some(digit)).then_some(digit),
            _ => None,
        }
    }
}

impl futures_core::Stream for CallEvents {
    type Item = Event;
    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Event>> {
        self.queue.poll_pop(cx)
    }
}
