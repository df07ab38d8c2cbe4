//! The task that runs one call: reads the platform's stream, feeds the call's sans-I/O
//! `Session` (which takes `now` as input and holds no runtime type), sends its commands, and
//! wakes it for timers. All of a call's I/O and its clock reads are here, on the server side. One per call; it shares nothing with other calls but the
//! server's metrics, which it updates in batches.

use std::sync::Arc;
use std::time::Duration;

use futures_core::Stream;
use std::time::Instant;
use tokio::sync::{mpsc, watch};

use crate::time::{Clock, Sleep};
use tokio_stream::StreamExt;
use tracing::{debug, info, trace, warn};

use super::metrics::Metrics;
use super::shutdown::Phase;
use crate::call::queue::EventQueue;
use crate::call::session::{CallStats, Request, Session};
use crate::call::shared::Shared;
use crate::command::Command;
use crate::error::EndCause;
use crate::event::Event;
use crate::proto::{AppMessage, PlatformMessage};

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
    /// The response stream to the platform.
    pub(crate) out: mpsc::Sender<Result<AppMessage, tonic::Status>>,
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
}

/// Malformed platform messages one call logs before it only counts them.
const MALFORMED_WARNINGS: u64 = 3;

/// Which timer woke the driver.
enum Wake {
    Session,
    Idle,
    MaxDuration,
}

impl<S> Driver<S>
where
    S: Stream<Item = Result<PlatformMessage, tonic::Status>> + Unpin,
{
    /// Runs the call to its end; returns why it ended, the call's counters, and the status
    /// to end the stream with when the platform's side failed (so the platform learns why).
    pub(crate) async fn run(mut self) -> (EndCause, CallStats, Option<tonic::Status>) {
        let mut failure = None;
        let started = self.clock.now();
        let mut last_heard = started;
        let mut flushed = CallStats::default();
        let mut batch: Vec<Command> = Vec::new();
        // Both made once per call, not per loop: the phase is a watch shared by every call (a
        // fresh wait would register in it on every frame), and a timer re-armed in place
        // costs less than a new one.
        let mut phase = self.phase.take();
        let terminating = wait_terminating(&mut phase);
        tokio::pin!(terminating);
        let mut terminated = false;
        let mut timer = self.clock.sleep_until(started);
        let cause = loop {
            batch.extend(self.session.take_outbound());
            if !self.send_all(&mut batch).await {
                // tonic dropped the response stream: the platform is gone.
                self.session.end(EndCause::StreamClosed, self.clock.now());
            }
            for latency in self.session.take_play_latencies() {
                self.metrics.play_completed(latency);
            }
            self.shared.record(self.session.take_heard());
            if self.session.stats.frames_in - flushed.frames_in >= FLUSH_EVERY_FRAMES {
                self.metrics.add_stats(&self.session.stats, &flushed);
                flushed = self.session.stats;
            }
            if let Some(cause) = self.session.ended() {
                break cause.clone();
            }
            let now = self.clock.now();
            let (wake_at, wake) = [
                (self.session.deadline(now), Wake::Session),
                (self.timers.idle.map(|d| last_heard + d), Wake::Idle),
                (
                    self.timers.max_duration.map(|d| started + d),
                    Wake::MaxDuration,
                ),
            ]
            .into_iter()
            .filter_map(|(at, w)| at.map(|at| (at, w)))
            .min_by_key(|(at, _)| *at)
            .map_or((None, Wake::Session), |(at, w)| (Some(at), w));
            tokio::select! {
                biased;
                msg = self.inbound.next() => {
                    last_heard = self.clock.now();
                    match msg {
                        Some(Ok(msg)) => self.on_message(msg),
                        Some(Err(status)) => {
                            debug!(code = ?status.code(), message = status.message(), "platform stream failed");
                            self.session.end(EndCause::StreamError(status.message().to_string()), self.clock.now());
                            failure = Some(status);
                        }
                        None => self.session.end(EndCause::StreamClosed, self.clock.now()),
                    }
                }
                req = self.requests.recv() => match req {
                    Some(req) => self.session.request(req, self.clock.now()),
                    None => {
                        // Every handle of the call is gone: the handler finished. Send what
                        // it asked for last, then end the stream.
                        batch.extend(self.session.take_outbound());
                        self.send_all(&mut batch).await;
                        self.session.end(EndCause::HandlerFinished, self.clock.now());
                    }
                },
                changed = &mut terminating, if !terminated => {
                    terminated = true;
                    if changed {
                        info!("drain timeout: ending the call");
                        self.session.end(EndCause::Shutdown, self.clock.now());
                    }
                }
                _ = reset(&mut timer, wake_at), if wake_at.is_some() => match wake {
                    Wake::Session => self.session.timeout(self.clock.now()),
                    Wake::Idle => {
                        warn!(idle = ?self.timers.idle, "no message from the platform: ending the call");
                        self.session.end(EndCause::IdleTimeout, self.clock.now());
                    }
                    Wake::MaxDuration => {
                        info!(max = ?self.timers.max_duration, "maximum call duration reached: hanging up");
                        let mut hangup = vec![Command::TerminateCall];
                        self.send_all(&mut hangup).await;
                        self.session.end(EndCause::MaxDuration, self.clock.now());
                    }
                },
            }
        };
        self.metrics.add_stats(&self.session.stats, &flushed);
        self.metrics.dropped_events(self.events.dropped());
        self.shared.record(self.session.take_heard());
        // Order matters: the cause is visible before any waiter learns the driver is gone.
        let _ = self.shared.ended.set(cause.clone());
        self.events.close();
        (cause, self.session.stats, failure)
    }

    /// Sends and empties `batch`; false if the response stream is gone.
    async fn send_all(&mut self, batch: &mut Vec<Command>) -> bool {
        for cmd in batch.drain(..) {
            trace!(kind = cmd.kind(), "to platform");
            if self.out.send(Ok(cmd.to_proto())).await.is_err() {
                return false;
            }
        }
        true
    }

    fn on_message(&mut self, msg: PlatformMessage) {
        match Event::from_proto(msg) {
            Ok(Some(event)) => {
                if let Event::Error { id, .. } = &event {
                    self.metrics
                        .platform_error(crate::error_ids::known_or_other(id));
                }
                if let Some(event) = self.session.platform(event, self.clock.now()) {
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

/// Re-arms the call's timer for `at` (only when it changed) and waits for it.
async fn reset(timer: &mut Sleep, at: Option<Instant>) {
    if let Some(at) = at {
        if timer.deadline() != at {
            timer.reset(at);
        }
    }
    timer.await
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
