//! The task that runs one call: reads the platform's stream, feeds the call's sans-I/O
//! `Session` (which takes `now` as input and holds no runtime type), sends its commands, and
//! wakes it for timers. All of a call's I/O and its clock reads are here, on the server side.
//! One per call; it shares nothing with other calls but the server's metrics, which it updates
//! in batches.
//!
//! The driver runs inside the call's response stream (`outbox`: the task hyper runs for the
//! HTTP/2 stream), and the app's handler runs **on it** too (polled beside the stream, panics
//! caught): an event the driver queues and the request the handler makes in answer cost no
//! task switch, and a message to the platform no channel, so an echoed frame wakes one task
//! of ours and the connection's — one fewer than a bare tonic loop. One timer per call, re-armed
//! only when a deadline moves earlier (a later one is checked when the timer fires), and one
//! clock read per wake.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use futures_core::Stream;
use std::time::Instant;
use tokio::sync::{mpsc, watch};

use super::outbox::Outbox;

use crate::time::Clock;
use tokio_stream::StreamExt;
use tracing::{debug, info, trace, warn};

use super::metrics::Metrics;
use super::service::HandlerFuture;
use super::shutdown::Phase;
use super::wire::Decoded;
use crate::call::queue::EventQueue;
use crate::call::session::{CallStats, Request, Session};
use crate::call::shared::Shared;
use crate::command::Command;
use crate::error::EndCause;
use crate::event::Event;

/// Frames between two flushes of a call's counters into the server's metrics.
const FLUSH_EVERY_FRAMES: u64 = 250;

/// Time limits of one call.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Timers {
    /// End the call when the platform is silent this long.
    pub(crate) idle: Option<Duration>,
    /// Hang up when the call has lasted this long.
    pub(crate) max_duration: Option<Duration>,
}

/// Everything one driver needs.
pub(crate) struct Driver<S> {
    /// The protocol state.
    pub(crate) session: Session,
    /// The platform's messages.
    pub(crate) inbound: S,
    /// The app's requests.
    pub(crate) requests: mpsc::Receiver<Request>,
    /// Where the app's events go.
    pub(crate) events: Arc<EventQueue>,
    /// The response stream to the platform (this task polls it: see `outbox`).
    pub(crate) out: Arc<Outbox>,
    /// Set at the end.
    pub(crate) shared: Arc<Shared>,
    /// Idle timeout and maximum duration.
    pub(crate) timers: Timers,
    /// The server's phase (`None`: never shuts down).
    pub(crate) phase: Option<watch::Receiver<Phase>>,
    /// The server's metrics.
    pub(crate) metrics: Metrics,
    /// The clock the call's timers run on.
    pub(crate) clock: Clock,
    /// Malformed platform messages skipped (the first few are logged).
    pub(crate) malformed: u64,
    /// The app's handler for this call, polled on this task until it returns.
    pub(crate) handler: Handler,
    /// The call's recording, if the server records calls.
    pub(crate) recording: Option<Box<crate::record::CallRecording>>,
}

/// The app's handler of one call, polled with panics caught.
pub(crate) struct Handler {
    /// The handler's future, until it returned or panicked.
    future: Option<HandlerFuture>,
    /// How it ended, once it has.
    exit: Option<HandlerExit>,
}

/// How a handler ended.
pub(crate) enum HandlerExit {
    /// It returned.
    Returned(crate::error::Result<()>),
    /// It panicked (the panic hook has reported it).
    Panicked,
}

impl Handler {
    /// A handler future not yet polled.
    pub(crate) fn new(future: HandlerFuture) -> Self {
        Self {
            future: Some(future),
            exit: None,
        }
    }

    /// Whether it is still running.
    fn running(&self) -> bool {
        self.future.is_some()
    }

    /// Polls it once (a panic ends it as [`HandlerExit::Panicked`]); ready when it ended.
    fn poll_run(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        let Some(future) = self.future.as_mut() else {
            return Poll::Ready(());
        };
        let exit = match std::panic::catch_unwind(AssertUnwindSafe(|| future.as_mut().poll(cx))) {
            Ok(Poll::Pending) => return Poll::Pending,
            Ok(Poll::Ready(result)) => HandlerExit::Returned(result),
            Err(_) => HandlerExit::Panicked,
        };
        // Dropped now: its handles of the call go with it (the driver sees the handler finish).
        self.future = None;
        self.exit = Some(exit);
        Poll::Ready(())
    }

    /// Runs it to its end (after the call ended) and says how it ended.
    pub(crate) async fn finish(mut self) -> HandlerExit {
        std::future::poll_fn(|cx| self.poll_run(cx)).await;
        self.exit.take().unwrap_or(HandlerExit::Panicked)
    }
}

/// Polls the handler; pending forever once it ended (a disabled `select!` branch).
struct RunHandler<'a>(&'a mut Handler);

impl Future for RunHandler<'_> {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        self.0.poll_run(cx)
    }
}

/// A future the driver's loop polls only after it woke (or once after it was re-armed), not
/// on every turn of the loop: the call's timer and the server's phase are two of the
/// loop's sources, and polling a tokio timer or a watch that has not fired costs more than
/// the rest of a turn. It runs `inner` under a waker of its own that notes the wake, then
/// wakes the call.
struct Gated<F> {
    /// The future.
    inner: F,
    /// Set by `inner`'s wake.
    flag: Arc<Flag>,
    /// The waker `inner` is polled with (`flag`).
    waker: std::task::Waker,
    /// Polled since it was made or re-armed (so its waker is registered).
    polled: bool,
}

/// The wake of one [`Gated`] future.
#[derive(Default)]
struct Flag {
    /// `inner` woke since its last poll.
    fired: std::sync::atomic::AtomicBool,
    /// The call's waker.
    call: atomic_waker::AtomicWaker,
}

impl std::task::Wake for Flag {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.fired.store(true, std::sync::atomic::Ordering::SeqCst);
        self.call.wake();
    }
}

impl<F> Gated<F> {
    fn new(inner: F) -> Self {
        let flag = Arc::new(Flag::default());
        Self {
            inner,
            waker: std::task::Waker::from(flag.clone()),
            flag,
            polled: false,
        }
    }

    /// `inner` changed (a timer reset): poll it at the next turn.
    fn rearm(&mut self) {
        self.polled = false;
    }
}

impl<F: Future + Unpin> Future for Gated<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = &mut *self;
        this.flag.call.register(cx.waker());
        if this.polled
            && !this
                .flag
                .fired
                .swap(false, std::sync::atomic::Ordering::SeqCst)
        {
            return Poll::Pending;
        }
        this.polled = true;
        Pin::new(&mut this.inner).poll(&mut Context::from_waker(&this.waker))
    }
}

/// Malformed platform messages one call logs before it only counts them.
const MALFORMED_WARNINGS: u64 = 3;

impl<S> Driver<S>
where
    S: Stream<Item = Result<Decoded, tonic::Status>> + Unpin,
{
    /// Runs the call to its end; returns why it ended, the call's counters, the status to end
    /// the stream with when the platform's side failed (so the platform learns why), and the
    /// handler (finished, or still running: the caller runs it to its end).
    pub(crate) async fn run(mut self) -> (EndCause, CallStats, Option<tonic::Status>, Handler) {
        let mut failure = None;
        let started = self.clock.now();
        let mut now = started;
        let mut last_heard = started;
        let mut flushed = CallStats::default();
        let mut batch: Vec<Command> = Vec::new();
        // Both made once per call, not per loop: the phase is a watch shared by every call (a
        // fresh wait would register in it on every frame), and a timer re-armed in place
        // costs less than a new one.
        let mut phase = self.phase.take();
        let terminating = wait_terminating(&mut phase);
        tokio::pin!(terminating);
        let mut terminating = Gated::new(terminating);
        let mut terminated = false;
        let max_at = self.timers.max_duration.map(|d| started + d);
        let mut timer = Gated::new(self.clock.sleep_until(started));
        // Whether `timer` is armed for a deadline still to come. A deadline that moves later
        // (the pacer's watchdog moves with every completion, the idle time-out with every
        // message) leaves the timer where it is: when it fires, the deadlines are checked and
        // it is re-armed. So a call re-arms its timer a few times a second, not per message.
        let mut armed = false;
        let mut handler = std::mem::replace(
            &mut self.handler,
            Handler {
                future: None,
                exit: None,
            },
        );
        let cause = loop {
            // Every source is polled below: wakes until now need no other poll of the call.
            self.out.begin_turn();
            // (Most turns of the loop have nothing of these: skipped then.)
            if self.session.has_output() {
                batch.extend(self.session.take_outbound());
                if !self.send_all(&mut batch, now).await {
                    // tonic dropped the response stream: the platform is gone.
                    self.session.end(EndCause::StreamClosed, now);
                }
                for latency in self.session.take_play_latencies() {
                    self.metrics.play_completed(latency);
                }
                self.shared.record(self.session.take_heard());
            }
            if self.session.stats.frames_in - flushed.frames_in >= FLUSH_EVERY_FRAMES {
                self.metrics.add_stats(&self.session.stats, &flushed);
                flushed = self.session.stats;
            }
            if let Some(cause) = self.session.ended() {
                break cause.clone();
            }
            let wake_at = [
                self.session.deadline(now),
                self.timers.idle.map(|d| last_heard + d),
                max_at,
            ]
            .into_iter()
            .flatten()
            .min();
            if let Some(at) = wake_at {
                if !armed || at < timer.inner.deadline() {
                    timer.inner.reset(at);
                    timer.rearm();
                    armed = true;
                }
            }
            let handler_running = handler.running();
            tokio::select! {
                biased;
                msg = self.inbound.next() => {
                    now = self.clock.now();
                    last_heard = now;
                    match msg {
                        Some(Ok(msg)) => self.on_message(msg, now),
                        Some(Err(status)) => {
                            debug!(code = ?status.code(), message = status.message(), "platform stream failed");
                            self.session.end(EndCause::StreamError(status.message().to_string()), now);
                            failure = Some(status);
                        }
                        None => self.session.end(EndCause::StreamClosed, now),
                    }
                }
                // The handler, on this task: it takes the events just queued and makes its
                // requests, which the next branch reads in the same wake.
                () = RunHandler(&mut handler), if handler_running => {}
                req = self.requests.recv() => {
                    now = self.clock.now();
                    match req {
                        Some(req) => self.session.request(req, now),
                        None => {
                            // Every handle of the call is gone: the handler finished. Send what
                            // it asked for last, then end the stream.
                            batch.extend(self.session.take_outbound());
                            self.send_all(&mut batch, now).await;
                            self.session.end(EndCause::HandlerFinished, now);
                        }
                    }
                },
                changed = &mut terminating, if !terminated => {
                    now = self.clock.now();
                    terminated = true;
                    if changed {
                        info!("drain timeout: ending the call");
                        self.session.end(EndCause::Shutdown, now);
                    }
                }
                () = &mut timer, if armed => {
                    now = self.clock.now();
                    armed = false;
                    if max_at.is_some_and(|at| at <= now) {
                        info!(max = ?self.timers.max_duration, "maximum call duration reached: hanging up");
                        let mut hangup = vec![Command::TerminateCall];
                        self.send_all(&mut hangup, now).await;
                        self.session.end(EndCause::MaxDuration, now);
                    } else if self.timers.idle.is_some_and(|d| last_heard + d <= now) {
                        warn!(idle = ?self.timers.idle, "no message from the platform: ending the call");
                        self.session.end(EndCause::IdleTimeout, now);
                    } else if self.session.deadline(now).is_some_and(|at| at <= now) {
                        self.session.timeout(now);
                    }
                    // Otherwise a deadline moved later since the timer was set: re-armed above.
                },
            }
        };
        self.metrics.add_stats(&self.session.stats, &flushed);
        self.metrics.dropped_events(self.events.dropped());
        self.shared.record(self.session.take_heard());
        if let Some(recording) = self.recording.take() {
            recording.finish(&cause, now);
        }
        // Order matters: the cause is visible before any waiter learns the driver is gone.
        let _ = self.shared.ended.set(cause.clone());
        self.events.close();
        (cause, self.session.stats, failure, handler)
    }

    /// Sends and empties `batch`; false if the response stream is gone.
    async fn send_all(&mut self, batch: &mut Vec<Command>, now: Instant) -> bool {
        for cmd in batch.drain(..) {
            trace!(kind = cmd.kind(), "to platform");
            if let Some(recording) = &mut self.recording {
                recording.app(&cmd, now);
            }
            if !self.out.push(Ok(cmd)).await {
                return false;
            }
        }
        true
    }

    fn on_message(&mut self, decoded: Decoded, now: Instant) {
        if let Some(recording) = &mut self.recording {
            recording.platform(&decoded, now);
        }
        match decoded {
            Ok(Some(event)) => {
                if let Event::Error { id, .. } = &event {
                    self.metrics
                        .platform_error(crate::error_ids::known_or_other(id));
                }
                if let Some(event) = self.session.platform(event, now) {
                    if !self.events.wants(&event) {
                        return;
                    }
                    if self.events.push(event) && self.events.dropped() == 1 {
                        warn!("the app is not keeping up with its events: dropping the oldest caller audio (counted)");
                    }
                }
            }
            Ok(None) => debug!("platform message with no payload this version knows; skipped"),
            Err(e) => {
                self.malformed += 1;
                if self.malformed <= MALFORMED_WARNINGS {
                    warn!(error = %e, "malformed platform message skipped{}", if self.malformed == MALFORMED_WARNINGS { " (further ones on this call are counted, not logged)" } else { "" });
                }
            }
        }
    }
}

/// Resolves `true` when the phase becomes `Terminating`; never resolves without a phase (or
/// once its sender is gone).
async fn wait_terminating(phase: &mut Option<watch::Receiver<Phase>>) -> bool {
    let Some(rx) = phase else {
        return std::future::pending().await;
    };
    if rx.wait_for(|p| *p == Phase::Terminating).await.is_ok() {
        true
    } else {
        *phase = None;
        false
    }
}
