//! The task that runs one call: reads the platform's stream, feeds the [`Session`], sends its
//! commands, and wakes it for timers. One per call; it shares nothing with other calls.

use std::sync::{Arc, OnceLock};

use futures_core::Stream;
use tokio::sync::mpsc;
use tokio::time::{sleep_until, Instant};
use tokio_stream::StreamExt;
use tracing::{debug, trace, warn};

use super::queue::EventQueue;
use super::session::{Request, Session};
use crate::command::Command;
use crate::error::EndCause;
use crate::event::Event;
use crate::proto::{AppMessage, PlatformMessage};

/// What the driver and the app's handles share: written once, when the call ends.
#[derive(Debug, Default)]
pub(crate) struct Shared {
    /// Why the call ended; set before the driver lets go of anything the app waits on.
    pub(crate) ended: OnceLock<EndCause>,
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
}

impl<S> Driver<S>
where
    S: Stream<Item = Result<PlatformMessage, tonic::Status>> + Unpin,
{
    /// Runs the call to its end; returns why it ended and the call's counters.
    pub(crate) async fn run(mut self) -> (EndCause, super::CallStats) {
        let mut batch: Vec<Command> = Vec::new();
        let cause = loop {
            batch.extend(self.session.take_outbound());
            for cmd in batch.drain(..) {
                trace!(kind = cmd.kind(), "to platform");
                if self.out.send(Ok(cmd.to_proto())).await.is_err() {
                    // tonic dropped the response stream: the platform is gone.
                    self.session.end(EndCause::StreamClosed);
                    break;
                }
            }
            if let Some(cause) = self.session.ended() {
                break cause.clone();
            }
            let deadline = self.session.deadline(Instant::now());
            tokio::select! {
                biased;
                msg = self.inbound.next() => match msg {
                    Some(Ok(msg)) => self.on_message(msg),
                    Some(Err(status)) => {
                        debug!(code = ?status.code(), message = status.message(), "platform stream failed");
                        self.session.end(EndCause::StreamError(status.message().to_string()));
                    }
                    None => self.session.end(EndCause::StreamClosed),
                },
                req = self.requests.recv() => match req {
                    Some(req) => self.session.request(req, Instant::now()),
                    None => {
                        // Every handle of the call is gone: the handler finished. Send what
                        // it asked for last, then end the stream.
                        batch.extend(self.session.take_outbound());
                        for cmd in batch.drain(..) {
                            if self.out.send(Ok(cmd.to_proto())).await.is_err() {
                                break;
                            }
                        }
                        self.session.end(EndCause::HandlerFinished);
                        break EndCause::HandlerFinished;
                    }
                },
                _ = sleep_until(deadline.unwrap_or_else(Instant::now)), if deadline.is_some() => {
                    self.session.timeout(Instant::now());
                }
            }
        };
        // Order matters: the cause is visible before any waiter learns the driver is gone.
        let _ = self.shared.ended.set(cause.clone());
        self.events.close();
        (cause, self.session.stats)
    }

    fn on_message(&mut self, msg: PlatformMessage) {
        match Event::from_proto(msg) {
            Ok(Some(event)) => {
                if let Some(event) = self.session.platform(event, Instant::now()) {
                    if self.events.push(event) && self.events.dropped() == 1 {
                        warn!("the app is not keeping up with its events: dropping the oldest caller audio (counted)");
                    }
                }
            }
            Ok(None) => debug!("platform message with no payload this version knows; skipped"),
            Err(e) => warn!(error = %e, "malformed platform message skipped"),
        }
    }
}
