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
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use futures_core::future::BoxFuture;
use tokio::net::TcpListener;
use tracing::{debug, info, warn};

use crate::audio::ContentType;
use crate::auth::{issue_call_token, CALL_TOKEN_PREFIX};
use crate::percl::{AudioStream, Percl, Spelling};
use crate::server::{Phase, Shutdown};
use crate::webhook::{RequestType, SignatureError, Verifier, WebhookRequest, SIGNATURE_HEADER};

/// The route of the inbound-call webhook (set the number's voice URL to it).
pub const INBOUND_PATH: &str = "/inbound";
/// The route FreeClimb POSTs to when a stream ends (the `AudioStream` `actionUrl`).
pub const STREAM_ENDED_PATH: &str = "/stream-ended";
/// The health route.
pub const HEALTH_PATH: &str = "/healthz";
/// The largest webhook body accepted by default: 64 KiB (real ones are well under 1 KiB).
pub const DEFAULT_BODY_LIMIT: usize = 64 * 1024;
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
            .finish_non_exhaustive()
    }
}

impl WebhookConfig {
    /// Answers with `AudioStream` to `public_grpc_url` (e.g. `"https://grpc.example.com:443"`;
    /// FreeClimb requires port 80 or 443). Defaults: µ-law 8 kHz, no signature check, ±300 s
    /// tolerance once a secret is set, 64 KiB bodies, current PerCL spelling.
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
    /// signed with `key` for the webhook's `callId` and valid for `ttl`. Pair it with
    /// [`crate::auth::StreamAuth::call_tokens`] on the gRPC server.
    pub fn call_tokens(mut self, key: impl Into<Vec<u8>>, ttl: Duration) -> Self {
        self.call_tokens = Some((key.into(), ttl));
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
    pub fn router(self) -> Router {
        let config = self.config;
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
        Router::new()
            .route(INBOUND_PATH, post(inbound))
            .route(STREAM_ENDED_PATH, post(stream_ended))
            .route(HEALTH_PATH, get(healthz))
            .layer(DefaultBodyLimit::max(body_limit))
            .with_state(state)
    }
}

/// [`Webhooks::new`]`(config).router()`: the endpoint with the default answers.
pub fn router(config: WebhookConfig) -> Router {
    Webhooks::new(config).router()
}

/// Serves `router` on `listener` until `shutdown` resolves, then finishes the requests in
/// flight and returns.
pub async fn serve<F>(listener: TcpListener, router: Router, shutdown: F) -> std::io::Result<()>
where
    F: Future<Output = ()> + Send + 'static,
{
    let addr = listener.local_addr()?;
    info!(%addr, "webhook endpoint listening");
    axum::serve(listener, router)
        .with_graceful_shutdown(shutdown)
        .await?;
    info!("webhook endpoint stopped");
    Ok(())
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
    /// What the caller is told (never a secret).
    message: String,
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        (
            self.status,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            self.message + "\n",
        )
            .into_response()
    }
}

/// A plain-text error answer.
fn reject(status: StatusCode, message: String) -> Refusal {
    Refusal { status, message }
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

impl Endpoint {
    /// Reads, verifies and parses a webhook; the error is the response to send.
    fn accept(
        &self,
        route: &'static str,
        headers: &HeaderMap,
        body: Result<Bytes, BytesRejection>,
    ) -> Result<WebhookRequest, Refusal> {
        let body = body.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                warn!(
                    route,
                    limit = self.config.body_limit,
                    "webhook body too large"
                );
                reject(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    format!("webhook body larger than {} bytes", self.config.body_limit),
                )
            } else {
                reject(
                    e.status(),
                    format!("cannot read the webhook body: {}", e.body_text()),
                )
            }
        })?;
        if let Some(verifier) = &self.verifier {
            let checked = match headers.get(SIGNATURE_HEADER) {
                None => verifier.verify(None, &body),
                Some(value) => match value.to_str() {
                    Ok(value) => verifier.verify(Some(value), &body),
                    Err(_) => Err(SignatureError::Malformed("not visible ASCII")),
                },
            };
            if let Err(e) = checked {
                warn!(route, error = %e, "webhook refused: bad signature");
                return Err(reject(
                    StatusCode::UNAUTHORIZED,
                    format!("unauthorized: {e}"),
                ));
            }
        }
        let req = WebhookRequest::parse(&body).map_err(|e| {
            warn!(route, error = %e, "webhook refused: malformed body");
            reject(
                StatusCode::BAD_REQUEST,
                format!("malformed webhook body (expected a FreeClimb webhook JSON object): {e}"),
            )
        })?;
        if req.call_id.is_empty() {
            warn!(route, "webhook refused: no callId");
            return Err(reject(
                StatusCode::BAD_REQUEST,
                "malformed webhook body: no callId".to_string(),
            ));
        }
        Ok(req)
    }

    /// The `AudioStream` the config describes, for this call.
    fn audio_stream(&self, req: &WebhookRequest, headers: &HeaderMap) -> AudioStream {
        let config = &self.config;
        let mut metadata = vec![format!("{CALL_ID_METADATA_PREFIX}{}", req.call_id)];
        if let Some((key, ttl)) = &config.call_tokens {
            let token = issue_call_token(key, &req.call_id, SystemTime::now() + *ttl);
            metadata.push(format!("{CALL_TOKEN_PREFIX}{token}"));
        }
        let mut stream = AudioStream::new(config.public_grpc_url.clone())
            .content_type(config.content_type)
            .metadata(metadata)
            .spelling(config.spelling);
        match config.action_url(headers) {
            Some(url) => stream = stream.action_url(url),
            None => warn!(
                call_id = %req.call_id,
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

async fn inbound(
    State(endpoint): State<Arc<Endpoint>>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let req = match endpoint.accept(INBOUND_PATH, &headers, body) {
        Ok(req) => req,
        Err(refusal) => return refusal.into_response(),
    };
    if let Some(shutdown) = &endpoint.config.shutdown {
        if shutdown.phase() != Phase::Running {
            warn!(call_id = %req.call_id, "inbound call refused: the server is draining");
            return reject(
                StatusCode::SERVICE_UNAVAILABLE,
                "draining: not taking new calls".to_string(),
            )
            .into_response();
        }
    }
    if req.request_type != Some(RequestType::InboundCall) {
        debug!(call_id = %req.call_id, request_type = ?req.request_type, "unexpected requestType on /inbound");
    }
    let stream = endpoint.audio_stream(&req, &headers);
    info!(call_id = %req.call_id, from = %req.from, to = %req.to, "inbound call: answering with AudioStream");
    let percl = (endpoint.on_inbound)(req, stream).await;
    percl_response(&percl)
}

async fn stream_ended(
    State(endpoint): State<Arc<Endpoint>>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let req = match endpoint.accept(STREAM_ENDED_PATH, &headers, body) {
        Ok(req) => req,
        Err(refusal) => return refusal.into_response(),
    };
    if req.request_type != Some(RequestType::AudioStream) {
        debug!(call_id = %req.call_id, request_type = ?req.request_type, "unexpected requestType on /stream-ended");
    }
    let call_id = req.call_id.clone();
    let status = req.call_status.clone();
    let percl = (endpoint.on_stream_ended)(req).await;
    let next: Vec<&str> = percl.commands().iter().map(|c| c.name()).collect();
    info!(%call_id, call_status = ?status, ?next, "stream ended: continuing the call");
    percl_response(&percl)
}

async fn healthz() -> &'static str {
    "ok"
}
