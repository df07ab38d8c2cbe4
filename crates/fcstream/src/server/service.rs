//! The tonic service for `freeclimb.GRPCStreamService`: admits a stream (limits, drain), waits
//! for `NotifyCallStartedMessage`, and runs the call's driver beside the app's handler, all
//! inside the stream's response ([`CallStream`]: no task or channel of its own per call).
//!
//! It is thin on purpose: every decision about the call itself is the session's.

use std::collections::HashMap;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio_stream::StreamExt;
use tonic::{Request as GrpcRequest, Response, Status, Streaming};
use tracing::{debug, error, info, info_span, warn, Instrument};

use super::driver::{Driver, Handler as CallHandler, HandlerExit, Timers};
use super::metrics::Metrics;
use super::outbox::{CallStream, Outbox};
use super::shutdown::{Phase, Shutdown};
use super::wire::{CallCodec, Decoded};
use crate::auth::{strip_tokens, StreamAuth};
use crate::call::session::Session;
use crate::call::{Call, PlaybackConfig};
use crate::error::{EndCause, Result};
use crate::event::{CallInfo, Event};
use crate::time::Clock;
use crate::untrusted::{shown, LogBudget};

/// Refused streams are logged at most a few times a second, server-wide (a flood of refusals
/// must not flood the log); the rest are counted in the next line and in the metrics.
static REFUSALS: LogBudget = LogBudget::new(5);

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
    /// Default [`defaults::EVENT_QUEUE`](super::defaults::EVENT_QUEUE) (10 s of caller audio).
    pub event_queue: usize,
    /// Requests from the app waiting for the call's task. Default
    /// [`defaults::REQUEST_QUEUE`](super::defaults::REQUEST_QUEUE).
    pub request_queue: usize,
    /// Messages to the platform waiting for the transport. Default
    /// [`defaults::OUTBOUND_QUEUE`](super::defaults::OUTBOUND_QUEUE).
    pub outbound_queue: usize,
    /// How long a new stream may take to send `NotifyCallStartedMessage`. Default
    /// [`defaults::FIRST_MESSAGE_TIMEOUT`](super::defaults::FIRST_MESSAGE_TIMEOUT).
    pub first_message_timeout: Duration,
    /// End the call when no platform message arrives for this long (the platform sends audio
    /// every 20 ms, so silence means a dead peer). Default
    /// [`defaults::IDLE_TIMEOUT`](super::defaults::IDLE_TIMEOUT); `None`: never.
    pub idle_timeout: Option<Duration>,
    /// Hang up (`TerminateCallMessage`) when a call has lasted this long. Default
    /// [`defaults::MAX_DURATION`](super::defaults::MAX_DURATION); `None`: never.
    pub max_duration: Option<Duration>,
}

impl Default for CallConfig {
    fn default() -> Self {
        use super::defaults;
        Self {
            playback: PlaybackConfig::default(),
            event_queue: defaults::EVENT_QUEUE,
            request_queue: defaults::REQUEST_QUEUE,
            outbound_queue: defaults::OUTBOUND_QUEUE,
            first_message_timeout: defaults::FIRST_MESSAGE_TIMEOUT,
            idle_timeout: defaults::IDLE_TIMEOUT,
            max_duration: defaults::MAX_DURATION,
        }
    }
}

/// The server-wide parts of a [`CallService`]; the defaults ([`super::defaults`]) take up to
/// `MAX_CALLS` calls, with fresh metrics, no authentication, and a phase that never changes.
#[derive(Debug, Clone)]
pub struct ServiceOptions {
    /// Calls at once; the next stream gets `RESOURCE_EXHAUSTED`. Default
    /// [`defaults::MAX_CALLS`](super::defaults::MAX_CALLS).
    pub max_calls: usize,
    /// Where the calls' metrics go.
    pub metrics: Metrics,
    /// The server's phase (drain, terminate).
    pub shutdown: Shutdown,
    /// What a stream must present.
    pub auth: StreamAuth,
    /// The clock every call's timers run on (real time unless a virtual run says otherwise).
    pub clock: Clock,
    /// Streams opened but not yet started as a call, server-wide. A stream takes a call slot
    /// only once its authenticated `NotifyCallStartedMessage` arrived. Default
    /// [`defaults::MAX_PENDING_STARTS`](super::defaults::MAX_PENDING_STARTS).
    pub max_pending_starts: usize,
    /// The same, per connection. Default
    /// [`defaults::MAX_PENDING_PER_CONNECTION`](super::defaults::MAX_PENDING_PER_CONNECTION).
    pub max_pending_per_connection: usize,
    /// Records every call (see [`crate::record`]); `None` (the default): no recording.
    pub recorder: Option<crate::record::Recorder>,
}

impl Default for ServiceOptions {
    fn default() -> Self {
        Self {
            max_calls: super::defaults::MAX_CALLS,
            metrics: Metrics::new(),
            shutdown: Shutdown::new(),
            auth: StreamAuth::default(),
            clock: Clock::Real,
            max_pending_starts: super::defaults::MAX_PENDING_STARTS,
            max_pending_per_connection: super::defaults::MAX_PENDING_PER_CONNECTION,
            recorder: None,
        }
    }
}

/// What every stream of one service shares.
struct ServiceState {
    /// Per-call settings.
    config: CallConfig,
    /// Server-wide settings.
    options: ServiceOptions,
    /// One permit per running call.
    permits: Arc<Semaphore>,
    /// Streams not yet started, per connection (`None`: a connection without an address,
    /// such as in-memory pipes). Touched once when a stream opens and once when it starts or
    /// fails, never per frame.
    pending: Mutex<HashMap<Option<SocketAddr>, usize>>,
    /// One permit per stream not yet started, server-wide.
    pending_permits: Arc<Semaphore>,
}

/// A stream's place among those not yet started; given back when it starts or fails.
struct PendingStart {
    /// The service.
    state: Arc<ServiceState>,
    /// Its connection.
    conn: Option<SocketAddr>,
    /// Its server-wide permit.
    _permit: OwnedSemaphorePermit,
}

impl Drop for PendingStart {
    fn drop(&mut self) {
        let mut pending = lock(&self.state.pending);
        if let Some(n) = pending.get_mut(&self.conn) {
            *n -= 1;
            if *n == 0 {
                pending.remove(&self.conn);
            }
        }
    }
}

/// A peer's address for logs: `127.0.0.1:5060`, or `-` when the connection has none.
struct Peer(Option<SocketAddr>);

impl std::fmt::Display for Peer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Some(addr) => write!(f, "{addr}"),
            None => f.write_str("-"),
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    match m.lock() {
        Ok(g) => g,
        Err(poisoned) => poisoned.into_inner(),
    }
}

impl ServiceState {
    /// A place for a new stream of `conn` among those not yet started, if the budgets allow.
    fn pending_start(self: &Arc<Self>, conn: Option<SocketAddr>) -> Option<PendingStart> {
        let permit = self.pending_permits.clone().try_acquire_owned().ok()?;
        let mut pending = lock(&self.pending);
        let n = pending.entry(conn).or_insert(0);
        if *n >= self.options.max_pending_per_connection {
            return None;
        }
        *n += 1;
        Some(PendingStart {
            state: self.clone(),
            conn,
            _permit: permit,
        })
    }
}

/// The tonic service for `freeclimb.GRPCStreamService`; use it to compose your own tonic
/// server, or let [`crate::Server`] run it.
pub struct CallService<H> {
    /// The app.
    handler: Arc<H>,
    /// Limits, metrics, phase.
    state: Arc<ServiceState>,
}

impl<H: Handler> CallService<H> {
    /// A service running `handler` for every call, with the default [`ServiceOptions`].
    pub fn new(handler: H, config: CallConfig) -> Self {
        Self::with_options(handler, config, ServiceOptions::default())
    }

    /// A service with server-wide options: call limit, metrics, shutdown phase, auth.
    pub fn with_options(handler: H, config: CallConfig, options: ServiceOptions) -> Self {
        let permits = Arc::new(Semaphore::new(
            options.max_calls.min(Semaphore::MAX_PERMITS),
        ));
        let pending_permits = Arc::new(Semaphore::new(
            options.max_pending_starts.clamp(1, Semaphore::MAX_PERMITS),
        ));
        Self {
            handler: Arc::new(handler),
            state: Arc::new(ServiceState {
                config,
                options,
                permits,
                pending: Mutex::new(HashMap::new()),
                pending_permits,
            }),
        }
    }

    /// The service wrapped for tonic's router.
    pub fn into_server(self) -> CallServer<H> {
        CallServer {
            service: Arc::new(self),
            max_decoding_message_size: None,
        }
    }
}

/// The route of the one method, `SendIVRData`.
const ROUTE: &str = "/freeclimb.GRPCStreamService/SendIVRData";

/// `freeclimb.GRPCStreamService` for tonic's router: what tonic would generate for the
/// service, with fcstream's own codec (`server::wire`: platform messages decoded straight
/// into events, commands encoded straight into the send buffer) in place of prost's.
pub struct CallServer<H> {
    /// The calls.
    service: Arc<CallService<H>>,
    /// The largest platform message accepted (tonic's default, 4 MiB, when `None`).
    max_decoding_message_size: Option<usize>,
}

impl<H> CallServer<H> {
    /// Refuses platform messages larger than `limit` bytes (the stream fails with
    /// `RESOURCE_EXHAUSTED`).
    #[must_use]
    pub fn max_decoding_message_size(mut self, limit: usize) -> Self {
        self.max_decoding_message_size = Some(limit);
        self
    }
}

impl<H> Clone for CallServer<H> {
    fn clone(&self) -> Self {
        Self {
            service: self.service.clone(),
            max_decoding_message_size: self.max_decoding_message_size,
        }
    }
}

impl<H> std::fmt::Debug for CallServer<H> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CallServer")
            .field("max_decoding_message_size", &self.max_decoding_message_size)
            .finish()
    }
}

impl<H> tonic::server::NamedService for CallServer<H> {
    const NAME: &'static str = "freeclimb.GRPCStreamService";
}

/// A boxed future of the router's services.
type BoxFuture<T, E> = Pin<Box<dyn Future<Output = std::result::Result<T, E>> + Send + 'static>>;

impl<H, B> tower_service::Service<http::Request<B>> for CallServer<H>
where
    H: Handler,
    B: http_body::Body + Send + 'static,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>> + Send + 'static,
{
    type Response = http::Response<tonic::body::Body>;
    type Error = std::convert::Infallible;
    type Future = BoxFuture<Self::Response, Self::Error>;

    fn poll_ready(
        &mut self,
        _cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::result::Result<(), Self::Error>> {
        std::task::Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: http::Request<B>) -> Self::Future {
        if req.uri().path() != ROUTE {
            // As tonic answers a method it does not know.
            return Box::pin(async move {
                let mut response = http::Response::new(tonic::body::Body::default());
                let headers = response.headers_mut();
                headers.insert(
                    Status::GRPC_STATUS,
                    (tonic::Code::Unimplemented as i32).into(),
                );
                headers.insert(
                    http::header::CONTENT_TYPE,
                    tonic::metadata::GRPC_CONTENT_TYPE,
                );
                Ok(response)
            });
        }
        let method = SendIvrData(self.service.clone());
        let max = self.max_decoding_message_size;
        Box::pin(async move {
            let mut grpc =
                tonic::server::Grpc::new(CallCodec).apply_max_message_size_config(max, None);
            Ok(grpc.streaming(method, req).await)
        })
    }
}

/// The one method, for tonic's streaming server.
struct SendIvrData<H>(Arc<CallService<H>>);

impl<H: Handler> tonic::server::StreamingService<Decoded> for SendIvrData<H> {
    type Response = crate::command::Command;
    type ResponseStream = CallStream;
    type Future = BoxFuture<Response<CallStream>, Status>;

    fn call(&mut self, request: GrpcRequest<Streaming<Decoded>>) -> Self::Future {
        let service = self.0.clone();
        Box::pin(async move { service.send_ivr_data(request).await })
    }
}

type Outbound = Arc<Outbox>;

impl<H: Handler> CallService<H> {
    /// Admits one stream and answers it with the call's [`CallStream`].
    async fn send_ivr_data(
        &self,
        request: GrpcRequest<Streaming<Decoded>>,
    ) -> std::result::Result<Response<CallStream>, Status> {
        let state = &self.state;
        let options = &state.options;
        if options.shutdown.phase() != Phase::Running {
            options.metrics.reject("draining");
            return Err(Status::unavailable(
                "the server is draining; try another replica",
            ));
        }
        let authorization = request
            .metadata()
            .get("authorization")
            .map(|v| v.as_bytes());
        if let Err(e) = options.auth.check_bearer(authorization) {
            options.metrics.reject("unauthenticated");
            let remote = request.remote_addr();
            REFUSALS.warn(|suppressed| warn!(remote = %Peer(remote), error = %e, suppressed, "stream refused"));
            return Err(Status::unauthenticated(e.to_string()));
        }
        let remote = request.remote_addr();
        // A stream takes a call slot only once it has started a call (authenticated); until
        // then it holds a place among the streams not yet started, bounded per connection and
        // server-wide, for at most the first-message timeout.
        let Some(pending) = state.pending_start(remote) else {
            options.metrics.reject("pending_limit");
            REFUSALS.warn(|suppressed| {
                warn!(
                    remote = %Peer(remote),
                    suppressed, "stream refused: too many streams have not started a call"
                )
            });
            return Err(Status::resource_exhausted(
                "too many streams have not sent NotifyCallStartedMessage yet",
            ));
        };
        let inbound = request.into_inner();
        let outbox = Outbox::new(state.config.outbound_queue);
        let call = run_call(
            self.handler.clone(),
            self.state.clone(),
            inbound,
            outbox.clone(),
            remote,
            pending,
        );
        Ok(Response::new(CallStream::new(outbox, call)))
    }
}

/// Waits for the call to start, then runs driver and handler to the end, polled by the
/// stream's [`CallStream`] (and on a task of its own once that is gone). The permit is held
/// for the whole call.
async fn run_call<H: Handler>(
    handler: Arc<H>,
    state: Arc<ServiceState>,
    mut inbound: Streaming<Decoded>,
    out: Outbound,
    remote: Option<SocketAddr>,
    pending: PendingStart,
) {
    let config = state.config;
    let metrics = state.options.metrics.clone();
    let checked = first_message(
        &mut inbound,
        config.first_message_timeout,
        &state.options.clock,
    )
    .await
    .and_then(|mut info| {
        state
            .options
            .auth
            .check_call_token(&info.metadata, &info.call_id, SystemTime::now())
            .map_err(|e| ("unauthenticated", Status::unauthenticated(e.to_string())))?;
        strip_tokens(&mut info.metadata);
        Ok(info)
    });
    // The stream has started (or failed): it leaves the not-yet-started budget, and a call
    // takes a slot.
    drop(pending);
    let checked = checked.and_then(|info| match state.permits.clone().try_acquire_owned() {
        Ok(permit) => Ok((info, permit)),
        Err(_) => Err((
            "capacity",
            Status::resource_exhausted(format!(
                "the server is at its limit of {} concurrent calls",
                state.options.max_calls
            )),
        )),
    });
    let (info, _permit) = match checked {
        Ok(started) => started,
        Err((cause, status)) => {
            metrics.reject(cause);
            REFUSALS.warn(|suppressed| {
                warn!(remote = %Peer(remote), code = ?status.code(), message = status.message(), suppressed, "stream rejected before the call started")
            });
            out.push(Err(status)).await;
            return;
        }
    };
    let span = info_span!(
        "call",
        call_id = %shown(&info.call_id),
        from = %shown(&info.from),
        to = %shown(&info.to)
    );
    async move {
        info!(content_type = %info.content_type, direction = ?info.direction, metadata = ?info.metadata, remote = %Peer(remote), "call started");
        metrics.call_started();
        let info = Arc::new(info);
        let (call, requests, events, shared) =
            Call::new(
                info.clone(),
                config.request_queue,
                config.event_queue,
                state.options.clock.clone(),
            );
        let recording = state.options.recorder.as_ref().map(|r| {
            r.start(&info, state.options.clock.now(), &state.options.clock, &metrics)
        });
        let driver = Driver {
            recording,
            session: Session::new(info, config.playback),
            inbound,
            requests,
            events,
            out: out.clone(),
            shared,
            timers: Timers {
                idle: config.idle_timeout,
                max_duration: config.max_duration,
            },
            phase: Some(state.options.shutdown.subscribe()),
            metrics: metrics.clone(),
            clock: state.options.clock.clone(),
            malformed: 0,
            // On the call's own task (see the driver's docs); it is in this call's span.
            handler: CallHandler::new(handler.handle(call)),
        };
        let (cause, stats, failure, handler) = driver.run().await;
        if let Some(status) = failure {
            out.push(Err(status)).await;
        }
        metrics.call_finished();
        metrics.call_ended(&cause);
        info!(cause = %cause, frames_in = stats.frames_in, entries_out = stats.entries_out,
              malformed = stats.frames_malformed, platform_errors = stats.platform_errors, "call ended");
        // Unless the handler ended the call, the stream is over: let the platform see its end
        // now, whatever the handler still does (it goes on, on a task of its own).
        if cause != EndCause::HandlerFinished {
            out.close();
        }
        let status = match handler.finish().await {
            HandlerExit::Returned(Ok(())) => None,
            HandlerExit::Returned(Err(e)) if e.is_call_ended() => {
                debug!(error = %e, "handler stopped at the end of the call");
                None
            }
            HandlerExit::Returned(Err(e)) => {
                metrics.error("handler_error");
                warn!(error = %e, "handler failed");
                Some(Status::internal(format!("handler failed: {e}")))
            }
            HandlerExit::Panicked => {
                metrics.error("handler_panic");
                error!("handler panicked");
                Some(Status::internal("handler panicked"))
            }
        };
        if let Some(status) = status {
            out.push(Err(status)).await;
        }
    }
    .instrument(span)
    .await;
}

/// Reads up to `NotifyCallStartedMessage`. Messages with no known payload are skipped; any
/// other message first, a bad content type, an early end or a timeout reject the stream
/// (with the metric label of the cause).
async fn first_message(
    inbound: &mut Streaming<Decoded>,
    timeout: Duration,
    clock: &Clock,
) -> Result<CallInfo, (&'static str, Status)> {
    let deadline = clock.now() + timeout;
    loop {
        let msg = match clock.timeout_at(deadline, inbound.next()).await {
            Err(_) => {
                return Err((
                    "no_call_started",
                    Status::deadline_exceeded(format!(
                        "no NotifyCallStartedMessage within {timeout:?}"
                    )),
                ))
            }
            Ok(None) => {
                return Err((
                    "no_call_started",
                    Status::failed_precondition("stream ended before NotifyCallStartedMessage"),
                ))
            }
            Ok(Some(Err(status))) => return Err(("stream_error", status)),
            Ok(Some(Ok(msg))) => msg,
        };
        match msg {
            Ok(Some(Event::CallStarted(info))) => return Ok(info),
            Ok(Some(other)) => {
                return Err((
                    "bad_first_message",
                    Status::failed_precondition(format!(
                        "expected notify_call_started first, got {}",
                        other.kind()
                    )),
                ))
            }
            Ok(None) => debug!("message with no known payload before the call started; skipped"),
            Err(e) => {
                return Err((
                    "bad_call_started",
                    Status::invalid_argument(format!("bad NotifyCallStartedMessage: {e}")),
                ))
            }
        }
    }
}
