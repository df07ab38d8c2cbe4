//! The HTTP side: one page (its assets embedded in the binary, so it works offline), the
//! WebSocket of `session`, the recent calls' files and a status endpoint that says
//! whether the app can be reached.
//!
//! Loopback only by default: [`serve`] refuses a listener that is not on a loopback address,
//! and every request must name a loopback host (`localhost`, `127.x.y.z`, `[::1]`) in its
//! `Host` header, so a web page elsewhere cannot reach the phone through DNS rebinding. A
//! WebSocket's `Origin`, when sent (browsers always send it), must be the page's own.
//! [`PhoneOptions::allow_remote`] lifts the first two (for a phone on a trusted LAN).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::WebSocketUpgrade;
use axum::extract::{Path, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::serve::ListenerExt;
use axum::{Json, Router};
use fcstream::ContentType;
use fcstream_emulator::ConnectOptions;
use serde_json::json;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tonic::transport::Channel;

use crate::calls::CallStore;
use crate::protocol::Limits;
use crate::PhoneError;

/// The page and its assets, embedded.
const INDEX_HTML: &str = include_str!("../assets/index.html");
const APP_JS: &str = include_str!("../assets/app.js");
const WORKLET_JS: &str = include_str!("../assets/worklet.js");
const RESAMPLER_JS: &str = include_str!("../assets/resampler.js");
const STYLE_CSS: &str = include_str!("../assets/style.css");

/// Everything is served from here; nothing is fetched from elsewhere.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                   media-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; \
                   frame-ancestors 'none'";

/// The app the phone calls.
#[derive(Debug, Clone)]
pub enum AppTarget {
    /// A gRPC server: `http://host:port` or `https://host:port`, dialled once per call.
    Url {
        /// The URL.
        url: String,
        /// How to reach it.
        connect: ConnectOptions,
    },
    /// A channel already open (for example an app in the same process,
    /// `fcstream_emulator::in_process::serve`); HTTP/2 carries one call per stream on it.
    Channel {
        /// The channel.
        channel: Channel,
        /// What the page calls it.
        label: String,
    },
}

impl AppTarget {
    /// A URL with the default connection options.
    pub fn url(url: impl Into<String>) -> Self {
        Self::Url {
            url: url.into(),
            connect: ConnectOptions::default(),
        }
    }

    /// What the page shows.
    pub fn label(&self) -> &str {
        match self {
            Self::Url { url, .. } => url,
            Self::Channel { label, .. } => label,
        }
    }

    /// A channel to the app (dialled now for a URL, with `timeout` at most).
    pub(crate) async fn channel(
        &self,
        timeout: Option<Duration>,
    ) -> Result<Channel, fcstream_emulator::EmulatorError> {
        match self {
            Self::Url { url, connect } => {
                let mut options = connect.clone();
                if let Some(t) = timeout {
                    options.connect_timeout = options.connect_timeout.min(t);
                }
                fcstream_emulator::connect(url, &options).await
            }
            Self::Channel { channel, .. } => Ok(channel.clone()),
        }
    }
}

/// How the phone is served.
#[derive(Debug, Clone)]
pub struct PhoneOptions {
    /// The app called.
    pub app: AppTarget,
    /// Where each call's files go (one directory per call, created if missing).
    pub out_dir: PathBuf,
    /// How many finished calls keep their files (the oldest are deleted).
    pub keep_calls: usize,
    /// Calls at once (one per socket); a socket over it is told so and closed.
    pub max_calls: usize,
    /// The longest call: the platform hangs up after it.
    pub max_call: Duration,
    /// The content type preselected on the page.
    pub content_type: ContentType,
    /// The socket's limits.
    pub limits: Limits,
    /// Serve beyond loopback: any listener address and any `Host` header.
    pub allow_remote: bool,
    /// The caller's jitter buffer's starting cushion ([`crate::jitter`]): more absorbs a
    /// burstier page (a loaded machine, Wi-Fi) at the cost of delay.
    pub caller_cushion: Duration,
}

impl PhoneOptions {
    /// Options for calling `app`, writing calls under `out_dir`, with the defaults: 20 calls
    /// kept, 4 at once, an hour each, µ-law 8 kHz, loopback only.
    pub fn new(app: AppTarget, out_dir: impl Into<PathBuf>) -> Self {
        Self {
            app,
            out_dir: out_dir.into(),
            keep_calls: 20,
            max_calls: 4,
            max_call: Duration::from_secs(3600),
            content_type: ContentType::Mulaw8k,
            limits: Limits::default(),
            allow_remote: false,
            caller_cushion: Duration::from_millis(100),
        }
    }
}

/// What every request handler shares.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) app: AppTarget,
    pub(crate) store: CallStore,
    pub(crate) calls: Arc<Semaphore>,
    pub(crate) max_call: Duration,
    pub(crate) content_type: ContentType,
    pub(crate) limits: Limits,
    pub(crate) allow_remote: bool,
    pub(crate) caller_cushion: Duration,
}

/// The phone as an axum router: `/` (the page), `/ws` (one call per socket), `/api/status`,
/// `/calls/{id}/{file}`. Serve it on a loopback listener (or use [`serve`], which checks).
pub fn router(options: PhoneOptions) -> Result<Router, PhoneError> {
    let store = CallStore::new(options.out_dir.clone(), options.keep_calls).map_err(|source| {
        PhoneError::Io {
            path: options.out_dir.clone(),
            source,
        }
    })?;
    let shared = Arc::new(Shared {
        app: options.app,
        store,
        calls: Arc::new(Semaphore::new(options.max_calls.max(1))),
        max_call: options.max_call,
        content_type: options.content_type,
        limits: options.limits,
        allow_remote: options.allow_remote,
        caller_cushion: options.caller_cushion,
    });
    Ok(Router::new()
        .route("/", get(index))
        .route(
            "/app.js",
            get(|| async { asset(APP_JS, "text/javascript; charset=utf-8") }),
        )
        .route(
            "/worklet.js",
            get(|| async { asset(WORKLET_JS, "text/javascript; charset=utf-8") }),
        )
        .route(
            "/resampler.js",
            get(|| async { asset(RESAMPLER_JS, "text/javascript; charset=utf-8") }),
        )
        .route(
            "/style.css",
            get(|| async { asset(STYLE_CSS, "text/css; charset=utf-8") }),
        )
        .route("/api/status", get(status))
        .route("/calls/{id}/{file}", get(call_file))
        .route("/ws", get(websocket))
        .layer(middleware::from_fn_with_state(shared.clone(), guard))
        .with_state(shared))
}

/// Whether the phone may listen on `addr`: loopback, or anything with `allow_remote`.
pub fn check_listen(addr: SocketAddr, allow_remote: bool) -> Result<(), PhoneError> {
    if addr.ip().is_loopback() || allow_remote {
        Ok(())
    } else {
        Err(PhoneError::NotLoopback(addr))
    }
}

/// Serves the phone on `listener` until the process ends.
pub async fn serve(listener: TcpListener, options: PhoneOptions) -> Result<(), PhoneError> {
    serve_with_shutdown(listener, options, std::future::pending()).await
}

/// Serves the phone on `listener` until `shutdown` resolves.
pub async fn serve_with_shutdown(
    listener: TcpListener,
    options: PhoneOptions,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), PhoneError> {
    let addr = listener.local_addr().map_err(|source| PhoneError::Io {
        path: PathBuf::from("<listener>"),
        source,
    })?;
    check_listen(addr, options.allow_remote)?;
    let app = router(options)?;
    // 20 ms frames both ways: no Nagle delay.
    let listener = listener.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
        .map_err(|source| PhoneError::Io {
            path: PathBuf::from(addr.to_string()),
            source,
        })
}

/// Whether a `Host` header names this machine's loopback.
pub fn is_loopback_host(host: &str) -> bool {
    // `[::1]:8089`, `127.0.0.1:8089`, `localhost:8089`, or any without a port.
    let name = if let Some(rest) = host.strip_prefix('[') {
        rest.split(']').next().unwrap_or("")
    } else {
        host.rsplit_once(':').map_or(host, |(h, _)| h)
    };
    let name = name.trim_end_matches('.');
    name.eq_ignore_ascii_case("localhost")
        || name
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Whether a WebSocket's `Origin` is the page's own (`http://` + the `Host`).
fn same_origin(origin: &str, host: &str) -> bool {
    origin
        .strip_prefix("http://")
        .or_else(|| origin.strip_prefix("https://"))
        .is_some_and(|o| o.eq_ignore_ascii_case(host))
}

/// The loopback and origin checks of the module docs.
async fn guard(State(shared): State<Arc<Shared>>, request: Request, next: Next) -> Response {
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    if !shared.allow_remote && !is_loopback_host(host) {
        return (
            StatusCode::FORBIDDEN,
            "fcstream phone serves loopback only (open it as http://127.0.0.1:PORT/, or start it with --allow-remote)\n",
        )
            .into_response();
    }
    if let Some(origin) = request.headers().get(header::ORIGIN) {
        let ok = origin.to_str().is_ok_and(|o| same_origin(o, host));
        if request.uri().path() == "/ws" && !ok {
            return (StatusCode::FORBIDDEN, "cross-origin WebSocket refused\n").into_response();
        }
    }
    next.run(request).await
}

fn asset(body: &'static str, mime: &'static str) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(mime)),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ],
        body,
    )
}

async fn index() -> impl IntoResponse {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
            (
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(CSP),
            ),
        ],
        INDEX_HTML,
    )
}

/// `/api/status`: the app, whether it answers a connection now, the recent calls.
async fn status(State(shared): State<Arc<Shared>>) -> impl IntoResponse {
    let probe = shared.app.channel(Some(Duration::from_secs(2))).await;
    let (reachable, error) = match probe {
        Ok(_) => (true, None),
        Err(e) => (false, Some(crate::session::describe(&e))),
    };
    Json(json!({
        "app": shared.app.label(),
        "reachable": reachable,
        "error": error,
        "hint": (!reachable).then_some(crate::session::UNREACHABLE_HINT),
        "content_type": shared.content_type.as_str(),
        "content_types": ContentType::ALL.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
        "max_call_s": shared.max_call.as_secs(),
        "calls": shared.store.list(),
        "busy": shared.calls.available_permits() == 0,
    }))
}

/// `/calls/{id}/{file}`: a recent call's file.
async fn call_file(
    State(shared): State<Arc<Shared>>,
    Path((id, file)): Path<(String, String)>,
) -> Response {
    let Some((path, mime)) = shared.store.file(&id, &file) else {
        return (StatusCode::NOT_FOUND, "no such call file\n").into_response();
    };
    match tokio::fs::read(&path).await {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, HeaderValue::from_static(mime)),
                (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
            ],
            bytes,
        )
            .into_response(),
        Err(_) => (StatusCode::NOT_FOUND, "no such call file\n").into_response(),
    }
}

/// `/ws`: one call.
async fn websocket(State(shared): State<Arc<Shared>>, ws: WebSocketUpgrade) -> Response {
    let limits = shared.limits;
    ws.max_message_size(limits.max_ws_message_bytes)
        .max_frame_size(limits.max_ws_message_bytes)
        .on_upgrade(move |socket| crate::session::run(socket, shared))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_hosts_are_recognised() {
        for h in [
            "127.0.0.1:8089",
            "localhost:8089",
            "LOCALHOST",
            "[::1]:8089",
            "127.3.4.5",
            "localhost.:1",
        ] {
            assert!(is_loopback_host(h), "{h}");
        }
        for h in [
            "",
            "example.com",
            "10.0.0.1:8089",
            "localhost.example.com:8089",
            "[::2]:1",
            "127.0.0.1.nip.io",
        ] {
            assert!(!is_loopback_host(h), "{h}");
        }
        assert!(same_origin("http://127.0.0.1:8089", "127.0.0.1:8089"));
        assert!(!same_origin("http://evil.example", "127.0.0.1:8089"));
        assert!(!same_origin("null", "127.0.0.1:8089"));
    }

    #[test]
    fn only_loopback_listeners_unless_allowed() {
        let lo: SocketAddr = "127.0.0.1:8089".parse().unwrap();
        let any: SocketAddr = "0.0.0.0:8089".parse().unwrap();
        assert!(check_listen(lo, false).is_ok());
        assert!(matches!(
            check_listen(any, false),
            Err(PhoneError::NotLoopback(_))
        ));
        assert!(check_listen(any, true).is_ok());
    }
}
