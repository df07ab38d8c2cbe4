//! The app's HTTP endpoint: where FreeClimb's webhooks arrive and PerCL goes back.
//!
//! FreeClimb opens a call's gRPC stream only after asking the app, over HTTP, what to do with
//! the call. This module is that HTTP side, an [`axum::Router`] that serves next to the gRPC
//! [`crate::Server`] (same process, its own port):
//!
//! | route | what FreeClimb sends | what the app answers |
//! |---|---|---|
//! | `POST /inbound` | the inbound-call webhook (the number's voice URL) | PerCL with `AudioStream` to the public gRPC URL, `actionUrl` = `/stream-ended` |
//! | `POST /stream-ended` | the `audioStream` webhook when the stream ends | PerCL that continues the call (default `Hangup`) |
//! | `GET /healthz` | (load balancers) | `200 ok` |
//!
//! Every webhook's raw body is checked against its `FreeClimb-Signature` (when a signing
//! secret is configured) *before* it is parsed: unsigned or badly signed requests get `401` and
//! reach no app code; bodies over the limit get `413`; bodies that are not a webhook get `400`.
//!
//! A slow or hostile client holds a connection for a bounded time only: its request head must
//! arrive within [`DEFAULT_HEADER_READ_TIMEOUT`] (the connection is closed otherwise, idle
//! keep-alive connections too), its body within [`DEFAULT_BODY_READ_TIMEOUT`] (`408`, and the
//! connection is closed), at most [`DEFAULT_MAX_CONNECTIONS`] connections are served at once
//! and a request head is at most [`DEFAULT_MAX_HEADER_BYTES`]. Refusals quote no more of the
//! request than [`crate::untrusted::shown`] does, and their log lines are rate-limited.
//!
//! Per-call stream tokens ([`WebhookConfig::call_tokens`]) are issued only to signed webhooks
//! unless [`WebhookConfig::insecure_unsigned_webhooks`] says otherwise, and a token's expiry
//! counts from the time FreeClimb signed the webhook, so a replayed webhook gets the very same
//! token, which starts one stream only (see [`crate::auth`]).
//!
//! ```no_run
//! use fcstream::http::{Webhooks, WebhookConfig};
//! use fcstream::percl::Percl;
//!
//! # async fn run() -> std::io::Result<()> {
//! let config = WebhookConfig::new("https://grpc.example.com:443")
//!     .public_http_url("https://app.example.com")
//!     .signing_secret(std::env::var("FCSTREAM_SIGNING_SECRET").unwrap_or_default());
//! let router = Webhooks::new(config)
//!     .on_inbound(|req, stream| async move {
//!         tracing::info!(call_id = %req.call_id, "answering");
//!         Percl::new().say("Hello!").audio_stream(stream)
//!     })
//!     .on_stream_ended(|_req| async { Percl::new().say("Goodbye.").hangup() })
//!     .router();
//! let listener = tokio::net::TcpListener::bind("0.0.0.0:8080").await?;
//! fcstream::http::serve(listener, router, std::future::pending()).await
//! # }
//! ```

use std::fmt;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, FromRequest, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use futures_core::future::BoxFuture;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, OwnedSemaphorePermit, Semaphore};
use tracing::{debug, info, warn};

use crate::audio::ContentType;
use crate::auth::{issue_call_token, CALL_TOKEN_PREFIX};
use crate::percl::{AudioStream, Percl, Spelling};
use crate::server::{Phase, Shutdown};
use crate::untrusted::{shown, LogBudget};
use crate::webhook::{RequestType, SignatureError, Verifier, WebhookRequest, SIGNATURE_HEADER};

/// The route of the inbound-call webhook (set the number's voice URL to it).
pub const INBOUND_PATH: &str = "/inbound";
/// The route FreeClimb POSTs to when a stream ends (the `AudioStream` `actionUrl`).
pub const STREAM_ENDED_PATH: &str = "/stream-ended";
/// The health route.
pub const HEALTH_PATH: &str = "/healthz";
/// The largest webhook body accepted by default: 64 KiB (real ones are well under 1 KiB).
pub const DEFAULT_BODY_LIMIT: usize = 64 * 1024;
/// How long a client may take to send a request head (request line and headers) by default:
/// 10 s, counted from when the connection is ready for a request (accepted, or done with the
/// previous one). Then the connection is closed: a slowloris client, or an idle keep-alive
/// connection, holds it no longer. FreeClimb sends its head at once.
pub const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a client may take to send a request body once its head arrived, by default: 10 s.
/// Then it gets `408` and the connection is closed.
pub const DEFAULT_BODY_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// Connections served at once by default: 1024. Further ones wait in the listen backlog until
/// one closes (each is held at most the timeouts above plus the app's hook).
pub const DEFAULT_MAX_CONNECTIONS: usize = 1024;
/// The largest request head (request line and headers) by default: 16 KiB; larger ones get
/// `431` and the connection is closed.
pub const DEFAULT_MAX_HEADER_BYTES: usize = 16 * 1024;

/// Refused webhooks logged per second, server-wide (a peer can send them at will).
static REFUSED_LOG: LogBudget = LogBudget::new(5);
/// Failed accepts logged per second (e.g. out of file descriptors).
static ACCEPT_LOG: LogBudget = LogBudget::new(1);
/// How long the accept loop pauses after a failed accept, so a full descriptor table is not
/// retried in a busy loop.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(50);

/// Why an endpoint configuration is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// Per-call tokens enabled without a signing secret: any unsigned POST to `/inbound` would
    /// get a valid stream token for the call id it names.
    #[error(
        "per-call stream tokens need a signing secret: without one, anyone who can reach the \
         webhook endpoint gets a valid stream token for any call id by POSTing to /inbound; \
         set the account's signing secret, or, for a test setup only, allow unsigned webhooks \
         explicitly"
    )]
    UnsignedCallTokens,
}
/// The prefix of the metadata entry carrying FreeClimb's call id into the stream
/// (`callId=CA…` in `NotifyCallStartedMessage.metadata`), to correlate webhook and stream.
pub const CALL_ID_METADATA_PREFIX: &str = crate::auth::CALL_ID_PREFIX;

/// How the endpoint answers: where the stream is, its format, how webhooks are checked.
#[derive(Clone)]
pub struct WebhookConfig {
    /// The gRPC server's URL as FreeClimb dials it (the `AudioStream` location).
    public_grpc_url: String,
    /// This HTTP server's public base URL; `None`: derived from each request's `Host`.
    public_http_url: Option<String>,
    /// The call's audio format.
    content_type: ContentType,
    /// The account's signing secret; `None`: webhooks are not verified.
    signing_secret: Option<String>,
    /// How far a signature's `t` may be from now, either way.
    tolerance: Duration,
    /// The largest body accepted, in bytes.
    body_limit: usize,
    /// How `AudioStream` is written.
    spelling: Spelling,
    /// `AudioStream` `privacyMode`, if set.
    privacy_mode: Option<bool>,
    /// Key and lifetime of per-call stream tokens put in the metadata, if enabled.
    call_tokens: Option<(Vec<u8>, Duration)>,
    /// Whether per-call tokens may be issued to unsigned webhooks (no signing secret).
    insecure_unsigned_webhooks: bool,
    /// How long a request body may take to arrive once its head did.
    body_read_timeout: Duration,
    /// The gRPC server's phase: `/inbound` answers 503 once it drains.
    shutdown: Option<Shutdown>,
}

impl fmt::Debug for WebhookConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookConfig")
            .field("public_grpc_url", &self.public_grpc_url)
            .field("public_http_url", &self.public_http_url)
            .field("content_type", &self.content_type)
            .field("signed", &self.signing_secret.is_some())
            .field("tolerance", &self.tolerance)
            .field("body_limit", &self.body_limit)
            .field("spelling", &self.spelling)
            .field("call_tokens", &self.call_tokens.is_some())
            .field(
                "insecure_unsigned_webhooks",
                &self.insecure_unsigned_webhooks,
            )
            .field("body_read_timeout", &self.body_read_timeout)
            .finish_non_exhaustive()
    }
}

impl WebhookConfig {
    /// Answers with `AudioStream` to `public_grpc_url` (e.g. `"https://grpc.example.com:443"`;
    /// FreeClimb requires port 80 or 443). Defaults: µ-law 8 kHz, no signature check, ±300 s
    /// tolerance once a secret is set, 64 KiB bodies arriving within 10 s, current PerCL
    /// spelling, no per-call tokens.
    pub fn new(public_grpc_url: impl Into<String>) -> Self {
        Self {
            public_grpc_url: public_grpc_url.into(),
            public_http_url: None,
            content_type: ContentType::Mulaw8k,
            signing_secret: None,
            tolerance: crate::webhook::DEFAULT_TOLERANCE,
            body_limit: DEFAULT_BODY_LIMIT,
            spelling: Spelling::Current,
            privacy_mode: None,
            call_tokens: None,
            insecure_unsigned_webhooks: false,
            body_read_timeout: DEFAULT_BODY_READ_TIMEOUT,
            shutdown: None,
        }
    }

    /// This server's public base URL (e.g. `"https://app.example.com"`, a path prefix allowed);
    /// the `actionUrl` is this plus `/stream-ended`. Without it, the `actionUrl` is built from
    /// the request's `Host` (and `X-Forwarded-Proto`): set it in production.
    pub fn public_http_url(mut self, url: impl Into<String>) -> Self {
        self.public_http_url = Some(url.into());
        self
    }

    /// The call's audio format.
    pub fn content_type(mut self, content_type: ContentType) -> Self {
        self.content_type = content_type;
        self
    }

    /// Verifies every webhook against the account's signing secret (an empty secret is
    /// ignored, so an unset environment variable cannot mean "verify with the empty key").
    pub fn signing_secret(mut self, secret: impl Into<String>) -> Self {
        let secret = secret.into();
        self.signing_secret = (!secret.is_empty()).then_some(secret);
        self
    }

    /// How far a signature's `t` may be from now, either way (default 300 s).
    pub fn tolerance(mut self, tolerance: Duration) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// The largest body accepted (default 64 KiB); larger ones get `413`.
    pub fn body_limit(mut self, bytes: usize) -> Self {
        self.body_limit = bytes;
        self
    }

    /// How long a request body may take to arrive once its head did (default
    /// [`DEFAULT_BODY_READ_TIMEOUT`]); a slower one gets `408` and its connection is closed.
    pub fn body_read_timeout(mut self, timeout: Duration) -> Self {
        self.body_read_timeout = timeout;
        self
    }

    /// The `AudioStream` spelling (default: current).
    pub fn spelling(mut self, spelling: Spelling) -> Self {
        self.spelling = spelling;
        self
    }

    /// Sets `AudioStream` `privacyMode`.
    pub fn privacy_mode(mut self, on: bool) -> Self {
        self.privacy_mode = Some(on);
        self
    }

    /// Adds a per-call stream token (`fcstream-token=…`, see [`crate::auth`]) to the metadata,
    /// signed with `key` for the webhook's `callId` and valid for `ttl` from the time FreeClimb
    /// signed the webhook: the token is a function of the signed request, so a replay of it
    /// gets the same token (and the gRPC server starts one stream per call id). Pair it with
    /// [`crate::auth::StreamAuth::call_tokens`] on the gRPC server.
    ///
    /// Needs a [signing secret](Self::signing_secret): without one the router is refused
    /// ([`ConfigError::UnsignedCallTokens`]) unless
    /// [`insecure_unsigned_webhooks`](Self::insecure_unsigned_webhooks) is set.
    pub fn call_tokens(mut self, key: impl Into<Vec<u8>>, ttl: Duration) -> Self {
        self.call_tokens = Some((key.into(), ttl));
        self
    }

    /// Issues per-call tokens to unsigned webhooks (no signing secret). Insecure: anyone who
    /// can reach the endpoint then gets a valid stream token for any call id, so the tokens
    /// prove nothing; and, with no signed time to count from, a token's lifetime counts from
    /// when it is issued, so each request gets a new one (the gRPC server still starts one
    /// stream per call id). For tests on a closed network only. Default: off.
    pub fn insecure_unsigned_webhooks(mut self, on: bool) -> Self {
        self.insecure_unsigned_webhooks = on;
        self
    }

    /// Watches the gRPC server's phase: once it drains, `/inbound` answers `503` instead of
    /// sending calls to a server that refuses them (`/stream-ended` keeps working).
    pub fn shutdown_handle(mut self, shutdown: Shutdown) -> Self {
        self.shutdown = Some(shutdown);
        self
    }

    /// The `actionUrl` for a request with these headers.
    fn action_url(&self, headers: &HeaderMap) -> Option<String> {
        if let Some(base) = &self.public_http_url {
            return Some(format!("{}{STREAM_ENDED_PATH}", base.trim_end_matches('/')));
        }
        let host = headers.get(header::HOST)?.to_str().ok()?;
        let plausible = !host.is_empty()
            && host
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b".-:[]_".contains(&b));
        if !plausible {
            return None;
        }
        let scheme = match headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
        {
            Some(p) if p.eq_ignore_ascii_case("https") => "https",
            _ => "http",
        };
        Some(format!("{scheme}://{host}{STREAM_ENDED_PATH}"))
    }
}

/// What the app answers to an inbound call, given the webhook and the prepared `AudioStream`.
type InboundHook =
    Arc<dyn Fn(WebhookRequest, AudioStream) -> BoxFuture<'static, Percl> + Send + Sync>;
/// What the app answers when a stream ended.
type StreamEndedHook = Arc<dyn Fn(WebhookRequest) -> BoxFuture<'static, Percl> + Send + Sync>;

/// The webhook endpoint: a [`WebhookConfig`] plus the app's hooks, turned into a router.
///
/// Without hooks it answers `[AudioStream]` to inbound calls and `[Hangup]` when a stream ends.
pub struct Webhooks {
    /// Where the stream is and how webhooks are checked.
    config: WebhookConfig,
    /// PerCL for `/inbound`.
    on_inbound: InboundHook,
    /// PerCL for `/stream-ended`.
    on_stream_ended: StreamEndedHook,
}

impl fmt::Debug for Webhooks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Webhooks")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl Webhooks {
    /// The endpoint with the default answers.
    pub fn new(config: WebhookConfig) -> Self {
        Self {
            config,
            on_inbound: Arc::new(|_req, stream| {
                Box::pin(async move { Percl::new().audio_stream(stream) })
            }),
            on_stream_ended: Arc::new(|_req| Box::pin(async { Percl::new().hangup() })),
        }
    }

    /// Sets what `/inbound` answers. The hook gets the verified webhook and the `AudioStream`
    /// prepared from the config (location, content type, `actionUrl`, metadata with the call
    /// id), which it may change, and returns the whole script, e.g.
    /// `Percl::new().say("Hi").audio_stream(stream)`.
    pub fn on_inbound<F, Fut>(mut self, hook: F) -> Self
    where
        F: Fn(WebhookRequest, AudioStream) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Percl> + Send + 'static,
    {
        self.on_inbound = Arc::new(move |req, stream| Box::pin(hook(req, stream)));
        self
    }

    /// Sets what `/stream-ended` answers: the PerCL that continues the call once the stream is
    /// over (default `[{"Hangup":{}}]`).
    pub fn on_stream_ended<F, Fut>(mut self, hook: F) -> Self
    where
        F: Fn(WebhookRequest) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Percl> + Send + 'static,
    {
        self.on_stream_ended = Arc::new(move |req| Box::pin(hook(req)));
        self
    }

    /// The router. Logs, once, what FreeClimb would reject or what leaves the endpoint open:
    /// a gRPC location not on port 80/443, no signing secret, no public HTTP URL.
    ///
    /// # Panics
    ///
    /// If the configuration is refused: per-call tokens without a signing secret, unless
    /// allowed ([`ConfigError`]). [`Webhooks::try_router`] returns the error instead.
    pub fn router(self) -> Router {
        self.try_router().unwrap_or_else(|e| panic!("{e}"))
    }

    /// The router, or why the configuration is refused: per-call tokens
    /// ([`WebhookConfig::call_tokens`]) without a signing secret, unless
    /// [`WebhookConfig::insecure_unsigned_webhooks`] allows it.
    ///
    /// ```
    /// use fcstream::http::{ConfigError, WebhookConfig, Webhooks};
    /// use std::time::Duration;
    /// let tokens = WebhookConfig::new("https://grpc.example.com:443")
    ///     .call_tokens(b"stream key".to_vec(), Duration::from_secs(300));
    /// let refused = Webhooks::new(tokens.clone()).try_router();
    /// assert_eq!(refused.err(), Some(ConfigError::UnsignedCallTokens));
    /// assert!(Webhooks::new(tokens.clone().signing_secret("whsec")).try_router().is_ok());
    /// assert!(Webhooks::new(tokens.insecure_unsigned_webhooks(true)).try_router().is_ok());
    /// ```
    pub fn try_router(self) -> Result<Router, ConfigError> {
        let config = self.config;
        if config.call_tokens.is_some() && config.signing_secret.is_none() {
            if !config.insecure_unsigned_webhooks {
                return Err(ConfigError::UnsignedCallTokens);
            }
            warn!(
                "INSECURE: per-call stream tokens are issued to unsigned webhooks; anyone who \
                 can reach this endpoint can get a token for any call id"
            );
        }
        match crate::percl::uri_port(&config.public_grpc_url) {
            Some(80 | 443) => {}
            Some(port) => warn!(
                location = %config.public_grpc_url,
                port,
                "the AudioStream location is not on port 80 or 443; FreeClimb requires one of them"
            ),
            None => warn!(
                location = %config.public_grpc_url,
                "the AudioStream location has no recognisable port (expected https://host[:443])"
            ),
        }
        if config.signing_secret.is_none() {
            warn!("no signing secret: webhooks are accepted without checking FreeClimb-Signature");
        }
        if config.public_http_url.is_none() {
            info!("no public HTTP URL: the actionUrl is derived from each request's Host header");
        }
        let body_limit = config.body_limit;
        let state = Arc::new(Endpoint {
            verifier: config
                .signing_secret
                .as_ref()
                .map(|s| Verifier::new(s).tolerance(config.tolerance)),
            config,
            on_inbound: self.on_inbound,
            on_stream_ended: self.on_stream_ended,
        });
        Ok(Router::new()
            .route(INBOUND_PATH, post(inbound))
            .route(STREAM_ENDED_PATH, post(stream_ended))
            .route(HEALTH_PATH, get(healthz))
            .layer(DefaultBodyLimit::max(body_limit))
            .with_state(state))
    }
}

/// [`Webhooks::new`]`(config).router()`: the endpoint with the default answers.
///
/// # Panics
///
/// If the configuration is refused, as [`Webhooks::router`]; [`try_router`] returns the error.
pub fn router(config: WebhookConfig) -> Router {
    Webhooks::new(config).router()
}

/// [`Webhooks::new`]`(config).try_router()`: the endpoint with the default answers, or why the
/// configuration is refused.
pub fn try_router(config: WebhookConfig) -> Result<Router, ConfigError> {
    Webhooks::new(config).try_router()
}

/// The connection limits of [`serve_with`]: how long a request head may take, how large it may
/// be, how many connections are served at once. (The body's timeout and size are the
/// router's: [`WebhookConfig::body_read_timeout`], [`WebhookConfig::body_limit`].)
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpLimits {
    /// How long a request head may take, from when the connection is ready for a request.
    header_read_timeout: Duration,
    /// The largest request head, bytes.
    max_header_bytes: usize,
    /// Connections served at once.
    max_connections: usize,
}

impl Default for HttpLimits {
    fn default() -> Self {
        Self {
            header_read_timeout: DEFAULT_HEADER_READ_TIMEOUT,
            max_header_bytes: DEFAULT_MAX_HEADER_BYTES,
            max_connections: DEFAULT_MAX_CONNECTIONS,
        }
    }
}

impl HttpLimits {
    /// How long a request head may take (default [`DEFAULT_HEADER_READ_TIMEOUT`]); then the
    /// connection is closed.
    pub fn header_read_timeout(mut self, timeout: Duration) -> Self {
        self.header_read_timeout = timeout;
        self
    }

    /// The largest request head, bytes (default [`DEFAULT_MAX_HEADER_BYTES`]); a larger one
    /// gets `431`.
    pub fn max_header_bytes(mut self, bytes: usize) -> Self {
        self.max_header_bytes = bytes;
        self
    }

    /// Connections served at once (default [`DEFAULT_MAX_CONNECTIONS`], at least 1); more wait
    /// in the listen backlog.
    pub fn max_connections(mut self, connections: usize) -> Self {
        self.max_connections = connections.max(1);
        self
    }
}

/// Serves `router` on `listener` with the default [`HttpLimits`] until `shutdown` resolves,
/// then finishes the requests in flight and returns.
pub async fn serve<F>(listener: TcpListener, router: Router, shutdown: F) -> std::io::Result<()>
where
    F: Future<Output = ()> + Send + 'static,
{
    serve_with(listener, router, shutdown, HttpLimits::default()).await
}

/// Serves `router` on `listener` (HTTP/1.1) within `limits` until `shutdown` resolves, then
/// stops accepting, lets each connection finish its request in flight (idle ones close at
/// once) and returns when all are closed.
pub async fn serve_with<F>(
    listener: TcpListener,
    router: Router,
    shutdown: F,
    limits: HttpLimits,
) -> std::io::Result<()>
where
    F: Future<Output = ()> + Send + 'static,
{
    let addr = listener.local_addr()?;
    info!(
        %addr,
        header_read_timeout = ?limits.header_read_timeout,
        max_connections = limits.max_connections,
        "webhook endpoint listening"
    );
    let permits = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    // Connections hold a receiver: `true` asks them to finish; all dropped means all closed.
    let (stop_tx, stop_rx) = watch::channel(false);
    let limits = Arc::new(limits);
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            biased;
            () = &mut shutdown => break,
            permit = permits.clone().acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break, // never closed
            },
        };
        let (stream, remote) = tokio::select! {
            biased;
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    ACCEPT_LOG.warn(|suppressed| {
                        warn!(error = %e, suppressed, "webhook endpoint: accept failed");
                    });
                    drop(permit);
                    tokio::time::sleep(ACCEPT_BACKOFF).await;
                    continue;
                }
            },
        };
        tokio::spawn(connection(
            stream,
            remote,
            router.clone(),
            limits.clone(),
            stop_rx.clone(),
            permit,
        ));
    }
    drop(listener);
    let _ = stop_tx.send(true);
    drop(stop_rx);
    stop_tx.closed().await;
    info!("webhook endpoint stopped");
    Ok(())
}

/// Serves one connection until it closes, or until `stop` asks it to finish its request in
/// flight. `_permit` is its slot among the connections served at once.
async fn connection(
    stream: TcpStream,
    remote: SocketAddr,
    router: Router,
    limits: Arc<HttpLimits>,
    mut stop: watch::Receiver<bool>,
    _permit: OwnedSemaphorePermit,
) {
    let _ = stream.set_nodelay(true);
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .max_header_size(limits.max_header_bytes);
    let conn = http.serve_connection(TokioIo::new(stream), TowerToHyperService::new(router));
    let mut conn = std::pin::pin!(conn);
    let result = tokio::select! {
        result = conn.as_mut() => result,
        () = async {
            let _ = stop.wait_for(|stop| *stop).await;
        } => {
            conn.as_mut().graceful_shutdown();
            conn.await
        }
    };
    if let Err(e) = result {
        // A client's own failure (a timeout, a reset, a malformed head): not the server's.
        debug!(%remote, error = %e, "webhook connection ended with an error");
    }
}

/// The router's shared state.
struct Endpoint {
    /// The configuration.
    config: WebhookConfig,
    /// Built from the signing secret, if any.
    verifier: Option<Verifier>,
    /// PerCL for `/inbound`.
    on_inbound: InboundHook,
    /// PerCL for `/stream-ended`.
    on_stream_ended: StreamEndedHook,
}

/// A refused request: a status and a short plain-text reason.
struct Refusal {
    /// The status to answer with.
    status: StatusCode,
    /// What the caller is told (never a secret; wire text only through [`shown`]).
    message: String,
    /// Whether the connection is closed after the answer (the request was not read whole).
    close: bool,
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        let mut response = (
            self.status,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            self.message + "\n",
        )
            .into_response();
        if self.close {
            response
                .headers_mut()
                .insert(header::CONNECTION, HeaderValue::from_static("close"));
        }
        response
    }
}

/// A plain-text error answer.
fn reject(status: StatusCode, message: String) -> Refusal {
    Refusal {
        status,
        message,
        close: false,
    }
}

/// A PerCL answer.
fn percl_response(percl: &Percl) -> Response {
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json")],
        percl.to_json(),
    )
        .into_response()
}

/// A wire enum value for a log line (`-` when absent).
fn shown_value(value: Option<&str>) -> crate::untrusted::Untrusted<'_> {
    shown(value.unwrap_or("-"))
}

/// A verified webhook: the request and, when signed, the time it was signed (Unix seconds).
struct Accepted {
    /// The parsed body.
    req: WebhookRequest,
    /// `t` of its verified signature; `None` without a signing secret.
    signed_at: Option<u64>,
}

impl Endpoint {
    /// Reads the body within the body timeout and limit; the error is the response to send.
    async fn read_body(&self, route: &'static str, request: Request) -> Result<Bytes, Refusal> {
        let timeout = self.config.body_read_timeout;
        let read = Bytes::from_request(request, &());
        let body = match tokio::time::timeout(timeout, read).await {
            Ok(body) => body,
            Err(_) => {
                REFUSED_LOG.warn(|suppressed| {
                    warn!(
                        route,
                        ?timeout,
                        suppressed,
                        "webhook refused: body not received in time"
                    );
                });
                return Err(Refusal {
                    status: StatusCode::REQUEST_TIMEOUT,
                    message: format!("webhook body not received within {timeout:?}"),
                    close: true,
                });
            }
        };
        body.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                REFUSED_LOG.warn(|suppressed| {
                    warn!(
                        route,
                        limit = self.config.body_limit,
                        suppressed,
                        "webhook refused: body too large"
                    );
                });
                Refusal {
                    status: StatusCode::PAYLOAD_TOO_LARGE,
                    message: format!("webhook body larger than {} bytes", self.config.body_limit),
                    close: true,
                }
            } else {
                Refusal {
                    status: e.status(),
                    message: format!("cannot read the webhook body: {}", shown(&e.body_text())),
                    close: true,
                }
            }
        })
    }

    /// Reads, verifies and parses a webhook; the error is the response to send.
    async fn accept(
        &self,
        route: &'static str,
        headers: &HeaderMap,
        request: Request,
    ) -> Result<Accepted, Refusal> {
        let body = self.read_body(route, request).await?;
        let signed_at = match &self.verifier {
            None => None,
            Some(verifier) => {
                let checked = match headers.get(SIGNATURE_HEADER) {
                    None => verifier.signed_time(None, &body),
                    Some(value) => match value.to_str() {
                        Ok(value) => verifier.signed_time(Some(value), &body),
                        Err(_) => Err(SignatureError::Malformed("not visible ASCII")),
                    },
                };
                match checked {
                    Ok(t) => Some(t),
                    Err(e) => {
                        REFUSED_LOG.warn(|suppressed| {
                            warn!(route, error = %e, suppressed, "webhook refused: bad signature");
                        });
                        return Err(reject(
                            StatusCode::UNAUTHORIZED,
                            format!("unauthorized: {e}"),
                        ));
                    }
                }
            }
        };
        let req = WebhookRequest::parse(&body).map_err(|e| {
            let e = e.to_string();
            REFUSED_LOG.warn(|suppressed| {
                warn!(route, error = %shown(&e), suppressed, "webhook refused: malformed body");
            });
            reject(
                StatusCode::BAD_REQUEST,
                format!(
                    "malformed webhook body (expected a FreeClimb webhook JSON object): {}",
                    shown(&e)
                ),
            )
        })?;
        if req.call_id.is_empty() {
            REFUSED_LOG.warn(|suppressed| {
                warn!(route, suppressed, "webhook refused: no callId");
            });
            return Err(reject(
                StatusCode::BAD_REQUEST,
                "malformed webhook body: no callId".to_string(),
            ));
        }
        Ok(Accepted { req, signed_at })
    }

    /// The `AudioStream` the config describes, for this call.
    fn audio_stream(&self, accepted: &Accepted, headers: &HeaderMap) -> AudioStream {
        let config = &self.config;
        let req = &accepted.req;
        let mut metadata = vec![format!("{CALL_ID_METADATA_PREFIX}{}", req.call_id)];
        if let Some((key, ttl)) = &config.call_tokens {
            let expiry = token_expiry(accepted.signed_at, *ttl);
            let token = issue_call_token(key, &req.call_id, expiry);
            metadata.push(format!("{CALL_TOKEN_PREFIX}{token}"));
        }
        let mut stream = AudioStream::new(config.public_grpc_url.clone())
            .content_type(config.content_type)
            .metadata(metadata)
            .spelling(config.spelling);
        match config.action_url(headers) {
            Some(url) => stream = stream.action_url(url),
            None => warn!(
                call_id = %shown(&req.call_id),
                "no public HTTP URL and no usable Host header: AudioStream without actionUrl \
                 (FreeClimb hangs up when the stream ends)"
            ),
        }
        if let Some(on) = config.privacy_mode {
            stream = stream.privacy_mode(on);
        }
        stream
    }
}

/// When a per-call token expires: `ttl` after the webhook was signed, so the same signed
/// request always gets the same token (a replay cannot mint another); for an unsigned one
/// (insecure), `ttl` from now.
fn token_expiry(signed_at: Option<u64>, ttl: Duration) -> SystemTime {
    let from = signed_at
        .and_then(|t| UNIX_EPOCH.checked_add(Duration::from_secs(t)))
        .unwrap_or_else(SystemTime::now);
    from.checked_add(ttl).unwrap_or(from)
}

async fn inbound(
    State(endpoint): State<Arc<Endpoint>>,
    headers: HeaderMap,
    request: Request,
) -> Response {
    let accepted = match endpoint.accept(INBOUND_PATH, &headers, request).await {
        Ok(accepted) => accepted,
        Err(refusal) => return refusal.into_response(),
    };
    let call_id = shown(&accepted.req.call_id);
    if let Some(shutdown) = &endpoint.config.shutdown {
        if shutdown.phase() != Phase::Running {
            warn!(%call_id, "inbound call refused: the server is draining");
            return reject(
                StatusCode::SERVICE_UNAVAILABLE,
                "draining: not taking new calls".to_string(),
            )
            .into_response();
        }
    }
    let req = &accepted.req;
    if req.request_type != Some(RequestType::InboundCall) {
        debug!(
            %call_id,
            request_type = %shown_value(req.request_type.as_ref().map(|t| t.as_str())),
            "unexpected requestType on /inbound"
        );
    }
    let stream = endpoint.audio_stream(&accepted, &headers);
    info!(
        %call_id,
        from = %shown(&req.from),
        to = %shown(&req.to),
        "inbound call: answering with AudioStream"
    );
    let percl = (endpoint.on_inbound)(accepted.req, stream).await;
    percl_response(&percl)
}

async fn stream_ended(
    State(endpoint): State<Arc<Endpoint>>,
    headers: HeaderMap,
    request: Request,
) -> Response {
    let req = match endpoint.accept(STREAM_ENDED_PATH, &headers, request).await {
        Ok(accepted) => accepted.req,
        Err(refusal) => return refusal.into_response(),
    };
    if req.request_type != Some(RequestType::AudioStream) {
        debug!(
            call_id = %shown(&req.call_id),
            request_type = %shown_value(req.request_type.as_ref().map(|t| t.as_str())),
            "unexpected requestType on /stream-ended"
        );
    }
    let call_id = req.call_id.clone();
    let status = req.call_status.clone();
    let percl = (endpoint.on_stream_ended)(req).await;
    let next: Vec<&str> = percl.commands().iter().map(|c| c.name()).collect();
    info!(
        call_id = %shown(&call_id),
        call_status = %shown_value(status.as_ref().map(|s| s.as_str())),
        ?next,
        "stream ended: continuing the call"
    );
    percl_response(&percl)
}

async fn healthz() -> &'static str {
    "ok"
}
