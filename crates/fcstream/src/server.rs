//! The gRPC server: accepts the platform's streams, starts one task per call, runs the app's
//! handler on it.
//!
//! The tonic service is thin on purpose: it hands the stream to a call task that waits for
//! `NotifyCallStartedMessage`, builds the [`Call`], and runs the [`Driver`] beside the
//! handler. A handler that fails or panics ends only its own call.

use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;
use tokio_stream::StreamExt;
use tonic::{Request as GrpcRequest, Response, Status, Streaming};
use tracing::{debug, error, info, info_span, warn, Instrument};

use crate::call::driver::Driver;
use crate::call::session::Session;
use crate::call::{Call, PlaybackConfig};
use crate::error::{EndCause, Error, Result};
use crate::event::{CallInfo, Event};
use crate::proto::grpc_stream_service_server::{GrpcStreamService, GrpcStreamServiceServer};
use crate::proto::{AppMessage, PlatformMessage};

/// A boxed handler future.
pub type HandlerFuture = Pin<Box<dyn Future<Output = Result<()>> + Send + 'static>>;

/// What runs a call. Any `async fn(Call) -> fcstream::Result<()>` (or closure returning such a
/// future) is a handler.
pub trait Handler: Send + Sync + 'static {
    /// Runs one call to its end.
    fn handle(&self, call: Call) -> HandlerFuture;
}

impl<F, Fut> Handler for F
where
    F: Fn(Call) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<()>> + Send + 'static,
{
    fn handle(&self, call: Call) -> HandlerFuture {
        Box::pin(self(call))
    }
}

/// Per-call settings. The defaults suit a real FreeClimb call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CallConfig {
    /// Playback pacing.
    pub playback: PlaybackConfig,
    /// Events held for an app that is not reading (then the oldest audio is dropped).
    /// Default 500 (10 s of caller audio).
    pub event_queue: usize,
    /// Requests from the app waiting for the call's task. Default 64.
    pub request_queue: usize,
    /// Messages to the platform waiting for the transport. Default 64.
    pub outbound_queue: usize,
    /// How long a new stream may take to send `NotifyCallStartedMessage`. Default 10 s.
    pub first_message_timeout: Duration,
}

impl Default for CallConfig {
    fn default() -> Self {
        Self {
            playback: PlaybackConfig::default(),
            event_queue: 500,
            request_queue: 64,
            outbound_queue: 64,
            first_message_timeout: Duration::from_secs(10),
        }
    }
}

/// The tonic service for `freeclimb.GRPCStreamService`; use it to compose your own tonic
/// server, or let [`Server`] run it.
pub struct CallService<H> {
    /// The app.
    handler: Arc<H>,
    /// Per-call settings.
    config: CallConfig,
}

impl<H: Handler> CallService<H> {
    /// A service running `handler` for every call.
    pub fn new(handler: H, config: CallConfig) -> Self {
        Self {
            handler: Arc::new(handler),
            config,
        }
    }

    /// The service wrapped for tonic's router.
    pub fn into_server(self) -> GrpcStreamServiceServer<Self> {
        GrpcStreamServiceServer::new(self)
    }
}

type Outbound = mpsc::Sender<Result<AppMessage, Status>>;

#[tonic::async_trait]
impl<H: Handler> GrpcStreamService for CallService<H> {
    type SendIVRDataStream = ReceiverStream<Result<AppMessage, Status>>;

    async fn send_ivr_data(
        &self,
        request: GrpcRequest<Streaming<PlatformMessage>>,
    ) -> Result<Response<Self::SendIVRDataStream>, Status> {
        let remote = request.remote_addr();
        let inbound = request.into_inner();
        let (out_tx, out_rx) = mpsc::channel(self.config.outbound_queue.max(1));
        let handler = self.handler.clone();
        let config = self.config;
        tokio::spawn(run_call(handler, config, inbound, out_tx, remote));
        Ok(Response::new(ReceiverStream::new(out_rx)))
    }
}

/// Waits for the call to start, then runs driver and handler to the end.
async fn run_call<H: Handler>(
    handler: Arc<H>,
    config: CallConfig,
    mut inbound: Streaming<PlatformMessage>,
    out: Outbound,
    remote: Option<SocketAddr>,
) {
    let info = match first_message(&mut inbound, config.first_message_timeout).await {
        Ok(info) => info,
        Err(status) => {
            warn!(?remote, code = ?status.code(), message = status.message(), "stream rejected before the call started");
            let _ = out.send(Err(status)).await;
            return;
        }
    };
    let span = info_span!("call", call_id = %info.call_id, from = %info.from, to = %info.to);
    async move {
        info!(content_type = %info.content_type, direction = ?info.direction, metadata = ?info.metadata, ?remote, "call started");
        let info = Arc::new(info);
        let (call, requests, events, shared) =
            Call::new(info.clone(), config.request_queue, config.event_queue);
        let driver = Driver {
            session: Session::new(info, config.playback),
            inbound,
            requests,
            events,
            out: out.clone(),
            shared,
        };
        let handler_task = tokio::spawn(handler.handle(call).in_current_span());
        let (cause, stats) = driver.run().await;
        info!(cause = %cause, frames_in = stats.frames_in, entries_out = stats.entries_out,
              malformed = stats.frames_malformed, platform_errors = stats.platform_errors, "call ended");
        if cause != EndCause::HandlerFinished {
            // The stream is over: let the platform see its end now, whatever the handler does.
            drop(out);
            match handler_task.await {
                Ok(Ok(())) => {}
                Ok(Err(e)) if e.is_call_ended() => debug!(error = %e, "handler stopped at the end of the call"),
                Ok(Err(e)) => warn!(error = %e, "handler failed"),
                Err(e) if e.is_panic() => error!("handler panicked"),
                Err(e) => warn!(error = %e, "handler task cancelled"),
            }
            return;
        }
        let status = match handler_task.await {
            Ok(Ok(())) => None,
            Ok(Err(e)) => {
                warn!(error = %e, "handler failed");
                Some(Status::internal(format!("handler failed: {e}")))
            }
            Err(e) if e.is_panic() => {
                error!("handler panicked");
                Some(Status::internal("handler panicked"))
            }
            Err(e) => Some(Status::internal(format!("handler task cancelled: {e}"))),
        };
        if let Some(status) = status {
            let _ = out.send(Err(status)).await;
        }
    }
    .instrument(span)
    .await;
}

/// Reads up to `NotifyCallStartedMessage`. Messages with no known payload are skipped; any
/// other message first, a bad content type, an early end or a timeout reject the stream.
async fn first_message(
    inbound: &mut Streaming<PlatformMessage>,
    timeout: Duration,
) -> Result<CallInfo, Status> {
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        let msg = match tokio::time::timeout_at(deadline, inbound.next()).await {
            Err(_) => {
                return Err(Status::deadline_exceeded(format!(
                    "no NotifyCallStartedMessage within {timeout:?}"
                )))
            }
            Ok(None) => {
                return Err(Status::failed_precondition(
                    "stream ended before NotifyCallStartedMessage",
                ))
            }
            Ok(Some(Err(status))) => return Err(status),
            Ok(Some(Ok(msg))) => msg,
        };
        match Event::from_proto(msg) {
            Ok(Some(Event::CallStarted(info))) => return Ok(info),
            Ok(Some(other)) => {
                return Err(Status::failed_precondition(format!(
                    "expected notify_call_started first, got {}",
                    other.kind()
                )))
            }
            Ok(None) => debug!("message with no known payload before the call started; skipped"),
            Err(e) => {
                return Err(Status::invalid_argument(format!(
                    "bad NotifyCallStartedMessage: {e}"
                )))
            }
        }
    }
}

/// Where the server listens: an address to bind, or a listener already bound.
enum Bind {
    /// Bound when serving starts (host names allowed).
    Addr(String),
    /// Bound by the caller (tests bind port 0 and read the port first).
    Listener(TcpListener),
}

/// The fcstream gRPC server.
///
/// ```no_run
/// use fcstream::{Audio, Call, Server};
/// use std::time::Duration;
///
/// async fn hello(call: Call) -> fcstream::Result<()> {
///     call.play(Audio::tone(440.0, Duration::from_secs(1), 8000)).await?;
///     call.hangup().await?;
///     Ok(())
/// }
///
/// # async fn run() -> fcstream::Result<()> {
/// Server::bind("0.0.0.0:50051").serve(hello).await
/// # }
/// ```
pub struct Server {
    /// Where to listen.
    bind: Bind,
    /// Per-call settings.
    config: CallConfig,
    /// HTTP/2 streams (calls) one connection may carry at once.
    max_streams_per_connection: u32,
    /// HTTP/2 keepalive ping interval.
    keepalive: Option<Duration>,
}

impl Server {
    /// A server that will listen on `addr` (e.g. `"0.0.0.0:50051"`).
    pub fn bind(addr: impl Into<String>) -> Self {
        Self::with_bind(Bind::Addr(addr.into()))
    }

    /// A server on a listener you bound (for example to port 0, reading the port first).
    pub fn from_listener(listener: TcpListener) -> Self {
        Self::with_bind(Bind::Listener(listener))
    }

    fn with_bind(bind: Bind) -> Self {
        Self {
            bind,
            config: CallConfig::default(),
            max_streams_per_connection: 10_000,
            keepalive: Some(Duration::from_secs(30)),
        }
    }

    /// Per-call settings.
    pub fn call_config(mut self, config: CallConfig) -> Self {
        self.config = config;
        self
    }

    /// How many calls one HTTP/2 connection may carry at once. Default 10 000: a platform may
    /// multiplex many long-lived call streams on one connection.
    pub fn max_streams_per_connection(mut self, n: u32) -> Self {
        self.max_streams_per_connection = n;
        self
    }

    /// HTTP/2 keepalive ping interval (None: off). Default 30 s.
    pub fn keepalive(mut self, interval: Option<Duration>) -> Self {
        self.keepalive = interval;
        self
    }

    /// Serves until the process ends.
    pub async fn serve<H: Handler>(self, handler: H) -> Result<()> {
        self.serve_with_shutdown(handler, std::future::pending())
            .await
    }

    /// Serves until `signal` resolves, then stops accepting and waits for open streams.
    pub async fn serve_with_shutdown<H, F>(self, handler: H, signal: F) -> Result<()>
    where
        H: Handler,
        F: Future<Output = ()> + Send,
    {
        let listener = match self.bind {
            Bind::Listener(l) => l,
            Bind::Addr(addr) => TcpListener::bind(&addr).await.map_err(|e| {
                Error::Io(std::io::Error::new(
                    e.kind(),
                    format!("cannot listen on {addr}: {e}"),
                ))
            })?,
        };
        info!(addr = %listener.local_addr()?, "fcstream listening");
        let incoming =
            tonic::transport::server::TcpIncoming::from(listener).with_nodelay(Some(true));
        tonic::transport::Server::builder()
            .max_concurrent_streams(self.max_streams_per_connection)
            .http2_keepalive_interval(self.keepalive)
            .add_service(CallService::new(handler, self.config).into_server())
            .serve_with_incoming_shutdown(incoming, signal)
            .await?;
        Ok(())
    }
}
