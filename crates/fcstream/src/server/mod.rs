//! The gRPC server: accepts the platform's streams, starts one task per call, runs the app's
//! handler on it; with TLS, health, reflection, limits, metrics and graceful drain.
//!
//! Layout: [`service`] (the tonic service and the per-call task), `outbox` (the response
//! stream that runs the call: [`CallStream`]), `driver` (a call's loop: stream, session,
//! handler, timers), `wire` (the server's codec: platform messages straight to events,
//! commands straight to the send buffer), [`metrics`] (Prometheus),
//! [`shutdown`] (drain phases), [`defaults`] (every default, defined once), `incoming` (the
//! accept loop: connection cap, handshake deadline, TLS, accept-error backoff). [`Server`]
//! assembles them behind a builder with defaults that suit production.

pub mod defaults;
pub(crate) mod driver;
mod incoming;
pub mod metrics;
mod outbox;
pub mod service;
pub mod shutdown;
mod wire;

use std::future::Future;
use std::path::Path;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::watch;
use tracing::info;

use crate::auth::StreamAuth;
use crate::call::Call;
use crate::error::{Error, Result};
pub use metrics::Metrics;
pub use outbox::CallStream;
pub use service::{CallConfig, CallServer, CallService, Handler, HandlerFuture, ServiceOptions};
pub use shutdown::{Phase, Shutdown};

use defaults::{FORCE_STOP_GRACE, IDLE_CONNECTION_GRACE};
use incoming::{Connections, Limits};

/// Where the server listens: an address to bind, or a listener already bound.
enum Bind {
    /// Bound when serving starts (host names allowed).
    Addr(String),
    /// Bound by the caller (tests bind port 0 and read the port first).
    Listener(TcpListener),
}

/// TLS for the gRPC port: a certificate chain and key (PEM), and optionally the CA that client
/// certificates must chain to (mutual TLS: clients without a valid certificate are refused).
#[derive(Clone)]
pub struct TlsConfig {
    /// The server's certificate chain, PEM.
    pub cert_pem: Vec<u8>,
    /// The server's private key, PEM.
    pub key_pem: Vec<u8>,
    /// CA certificates for client authentication, PEM (`None`: no client certificates).
    pub client_ca_pem: Option<Vec<u8>>,
}

impl std::fmt::Debug for TlsConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsConfig")
            .field("mtls", &self.client_ca_pem.is_some())
            .finish_non_exhaustive()
    }
}

fn read_pem(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| {
        Error::Io(std::io::Error::new(
            e.kind(),
            format!("{}: {e}", path.display()),
        ))
    })
}

impl TlsConfig {
    /// Reads the PEM files.
    pub fn from_files(cert: &Path, key: &Path, client_ca: Option<&Path>) -> Result<Self> {
        Ok(Self {
            cert_pem: read_pem(cert)?,
            key_pem: read_pem(key)?,
            client_ca_pem: client_ca.map(read_pem).transpose()?,
        })
    }
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
    /// Calls at once; the next stream gets `RESOURCE_EXHAUSTED`.
    max_calls: usize,
    /// Largest platform message accepted, in bytes.
    max_message_bytes: usize,
    /// HTTP/2 streams (calls) one connection may carry at once.
    max_streams_per_connection: u32,
    /// HTTP/2 keepalive ping interval.
    keepalive: Option<Duration>,
    /// How long live calls may run on after the shutdown signal.
    drain_timeout: Duration,
    /// TCP connections open at once; at the cap the server stops accepting.
    max_connections: usize,
    /// From accept, how long a connection has for its TLS handshake and HTTP/2 preface.
    handshake_timeout: Duration,
    /// After the handshake, how long a connection may carry no stream before it is closed.
    connection_idle_timeout: Option<Duration>,
    /// TLS, if any.
    tls: Option<TlsConfig>,
    /// Where the server's metrics go (share it to serve `/metrics`).
    metrics: Metrics,
    /// The server's phase (share it to drain or terminate from elsewhere).
    shutdown: Shutdown,
    /// What a stream must present.
    auth: StreamAuth,
    /// Where calls are recorded, if anywhere.
    recorder: Option<crate::record::Recorder>,
}

/// How long a stopping server waits for the recordings of its last calls to be on disk.
const RECORDING_GRACE: Duration = Duration::from_secs(10);

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
            max_calls: defaults::MAX_CALLS,
            max_message_bytes: defaults::MAX_MESSAGE_BYTES,
            max_streams_per_connection: defaults::MAX_STREAMS_PER_CONNECTION,
            keepalive: defaults::KEEPALIVE_INTERVAL,
            drain_timeout: defaults::DRAIN_TIMEOUT,
            max_connections: defaults::MAX_CONNECTIONS,
            handshake_timeout: defaults::HANDSHAKE_TIMEOUT,
            connection_idle_timeout: defaults::CONNECTION_IDLE_TIMEOUT,
            tls: None,
            metrics: Metrics::new(),
            shutdown: Shutdown::new(),
            auth: StreamAuth::default(),
            recorder: None,
        }
    }

    /// Records every call into `dir` (created if missing): a stereo WAV and a JSON-lines
    /// timeline per call; see [`crate::record`] and docs/RECORDING.md. Off by default.
    pub fn record_dir(self, dir: impl Into<std::path::PathBuf>) -> Self {
        self.recorder(crate::record::Recorder::new(dir))
    }

    /// Records every call with `recorder` (keep a clone to wait for the files with
    /// [`crate::record::Recorder::idle`]).
    pub fn recorder(mut self, recorder: crate::record::Recorder) -> Self {
        self.recorder = Some(recorder);
        self
    }

    /// Requires stream authentication (see [`crate::auth`]); off by default.
    pub fn auth(mut self, auth: StreamAuth) -> Self {
        self.auth = auth;
        self
    }

    /// Per-call settings.
    pub fn call_config(mut self, config: CallConfig) -> Self {
        self.config = config;
        self
    }

    /// Calls at once (default [`defaults::MAX_CALLS`]); the next stream is refused with
    /// `RESOURCE_EXHAUSTED` and the calls already running are unaffected.
    pub fn max_calls(mut self, n: usize) -> Self {
        self.max_calls = n;
        self
    }

    /// Largest platform message accepted, in bytes (default [`defaults::MAX_MESSAGE_BYTES`]; a
    /// 20 ms frame is at most 640 bytes of audio). A larger one ends its own call with an error.
    pub fn max_message_bytes(mut self, n: usize) -> Self {
        self.max_message_bytes = n;
        self
    }

    /// How many calls one HTTP/2 connection may carry at once (default
    /// [`defaults::MAX_STREAMS_PER_CONNECTION`]: a platform may multiplex many long-lived call
    /// streams on one connection).
    pub fn max_streams_per_connection(mut self, n: u32) -> Self {
        self.max_streams_per_connection = n;
        self
    }

    /// HTTP/2 keepalive ping interval (None: off). Default [`defaults::KEEPALIVE_INTERVAL`].
    pub fn keepalive(mut self, interval: Option<Duration>) -> Self {
        self.keepalive = interval;
        self
    }

    /// How long live calls may run on after the shutdown signal (default
    /// [`defaults::DRAIN_TIMEOUT`]); then they end with [`crate::EndCause::Shutdown`].
    pub fn drain_timeout(mut self, timeout: Duration) -> Self {
        self.drain_timeout = timeout;
        self
    }

    /// TCP connections open at once, TLS handshakes included (default
    /// [`defaults::MAX_CONNECTIONS`]; at least 1). At the cap the server stops accepting: new
    /// connections wait in the kernel's backlog until one closes. Keep it below the process's
    /// file-descriptor limit, so that hostile connections cannot use every descriptor.
    pub fn max_connections(mut self, n: usize) -> Self {
        self.max_connections = n.max(1);
        self
    }

    /// From accept, how long a connection has to finish its TLS handshake (with TLS) and send
    /// the HTTP/2 client preface (default [`defaults::HANDSHAKE_TIMEOUT`]); then it is closed,
    /// logged (rate-limited) and counted
    /// (`fcstream_streams_rejected_total{cause="handshake_timeout"}`). A failed TLS handshake
    /// counts as `cause="tls_handshake"`.
    pub fn handshake_timeout(mut self, timeout: Duration) -> Self {
        self.handshake_timeout = timeout;
        self
    }

    /// After the handshake, how long a connection may carry no stream at all before it is
    /// closed (default [`defaults::CONNECTION_IDLE_TIMEOUT`]; `None`: never). Any stream counts
    /// (a call, a health check or watch, reflection); the time runs from the end of the last
    /// one. Closed connections count in
    /// `fcstream_streams_rejected_total{cause="idle_connection"}`; a client reconnects.
    pub fn connection_idle_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.connection_idle_timeout = timeout;
        self
    }

    /// Serves TLS (or mutual TLS) instead of plain HTTP/2 (needs the `tls` feature, on by
    /// default; without it, serving fails with [`Error::InvalidArgument`]).
    pub fn tls(mut self, tls: TlsConfig) -> Self {
        self.tls = Some(tls);
        self
    }

    /// Uses these metrics (keep a clone to render them).
    pub fn metrics(mut self, metrics: Metrics) -> Self {
        self.metrics = metrics;
        self
    }

    /// Uses this phase handle (keep a clone to drain or terminate from elsewhere).
    pub fn shutdown_handle(mut self, shutdown: Shutdown) -> Self {
        self.shutdown = shutdown;
        self
    }

    /// Serves until the process ends.
    pub async fn serve<H: Handler>(self, handler: H) -> Result<()> {
        self.serve_with_shutdown(handler, std::future::pending())
            .await
    }

    /// Serves until `signal` resolves (or the [`Shutdown`] handle leaves
    /// [`Phase::Running`]), then drains: new streams are refused, health turns NOT_SERVING,
    /// the listener closes, connections get GOAWAY, live calls run on for up to the drain
    /// timeout and are then ended cleanly. Once no call is left, connections still open
    /// (idle, or a peer that ignores GOAWAY) get [`defaults::IDLE_CONNECTION_GRACE`] and are
    /// then closed. Returns when every call is over, within about that grace of the last.
    pub async fn serve_with_shutdown<H, F>(self, handler: H, signal: F) -> Result<()>
    where
        H: Handler,
        F: Future<Output = ()> + Send,
    {
        #[cfg(feature = "tls")]
        let tls = self.tls.as_ref().map(incoming::Tls::new).transpose()?;
        #[cfg(not(feature = "tls"))]
        if self.tls.is_some() {
            return Err(Error::InvalidArgument(
                "TLS was configured but fcstream was built without its `tls` feature".into(),
            ));
        }
        let listener = match self.bind {
            Bind::Listener(l) => l,
            Bind::Addr(addr) => TcpListener::bind(&addr).await.map_err(|e| {
                Error::Io(std::io::Error::new(
                    e.kind(),
                    format!("cannot listen on {addr}: {e}"),
                ))
            })?,
        };
        let addr = listener.local_addr()?;
        let (health, health_service, reflection) = health_and_reflection::<
            service::CallServer<Counted<H>>,
        >(crate::proto::FILE_DESCRIPTOR_SET)
        .await?;
        let reflection_v1alpha = reflection_v1alpha(crate::proto::FILE_DESCRIPTOR_SET)?;
        info!(
            enabled = self.auth.is_enabled(),
            call_tokens = self.auth.requires_call_token(),
            "stream authentication"
        );
        // Calls whose handler is running: the drain ends when none is left.
        let live = Arc::new(watch::Sender::new(0usize));
        let calls = CallService::with_options(
            Counted {
                inner: handler,
                live: live.clone(),
            },
            self.config,
            ServiceOptions {
                max_calls: self.max_calls,
                metrics: self.metrics.clone(),
                shutdown: self.shutdown.clone(),
                auth: self.auth.clone(),
                // A server on a socket lives in real time (virtual time needs in-memory pipes).
                clock: crate::time::Clock::Real,
                recorder: self.recorder.clone(),
                ..ServiceOptions::default()
            },
        )
        .into_server()
        .max_decoding_message_size(self.max_message_bytes);

        let shutdown = self.shutdown.clone();
        let drain_timeout = self.drain_timeout;
        let mut drained_elsewhere = self.shutdown.subscribe();
        let drain = async move {
            tokio::select! {
                _ = signal => {}
                _ = drained_elsewhere.wait_for(|p| *p != Phase::Running) => {}
            }
            info!(
                ?drain_timeout,
                "draining: refusing new calls, live calls run on"
            );
            shutdown.drain();
            not_serving::<service::CallServer<Counted<H>>>(&health).await;
            tokio::spawn(async move {
                tokio::time::sleep(drain_timeout).await;
                if shutdown.phase() != Phase::Terminating {
                    info!("drain timeout: ending the calls still running");
                    shutdown.terminate();
                }
            });
        };

        // Our own accept loop (cap, handshake deadline, idle deadline, TLS, backoff), not
        // tonic's `TcpIncoming`; dropped at the end of this function, it closes what is still
        // open.
        let connections = Connections::new(
            Limits {
                max_connections: self.max_connections,
                handshake_timeout: self.handshake_timeout,
                idle_timeout: self.connection_idle_timeout,
            },
            self.metrics.clone(),
        );
        let router = tonic::transport::Server::builder()
            .max_concurrent_streams(self.max_streams_per_connection)
            .http2_keepalive_interval(self.keepalive)
            .layer(connections.stream_counting())
            .add_service(health_service)
            .add_service(reflection)
            .add_service(reflection_v1alpha)
            .add_service(calls);
        info!(%addr, tls = self.tls.is_some(), mtls = self.tls.as_ref().is_some_and(|t| t.client_ca_pem.is_some()), max_connections = self.max_connections, handshake_timeout = ?self.handshake_timeout, connection_idle_timeout = ?self.connection_idle_timeout, "fcstream listening");
        type Serving<'a> = Pin<
            Box<dyn Future<Output = std::result::Result<(), tonic::transport::Error>> + Send + 'a>,
        >;
        #[cfg(feature = "tls")]
        let serve: Serving<'_> = match tls {
            Some(tls) => Box::pin(
                router.serve_with_incoming_shutdown(connections.incoming(listener, tls), drain),
            ),
            None => Box::pin(router.serve_with_incoming_shutdown(
                connections.incoming(listener, incoming::Plain),
                drain,
            )),
        };
        #[cfg(not(feature = "tls"))]
        let serve: Serving<'_> =
            Box::pin(router.serve_with_incoming_shutdown(
                connections.incoming(listener, incoming::Plain),
                drain,
            ));
        // Graceful shutdown waits for every open connection, calls or not: a health Watch, a
        // reflection stream, an idle connection or a peer that ignores GOAWAY must not keep the
        // process up once the calls are over.
        let mut phase = self.shutdown.subscribe();
        let forced = async move {
            let _ = phase.wait_for(|p| *p == Phase::Terminating).await;
            tokio::time::sleep(FORCE_STOP_GRACE).await;
        };
        let mut draining = self.shutdown.subscribe();
        let mut calls_left = live.subscribe();
        let idle = async move {
            let _ = draining.wait_for(|p| *p != Phase::Running).await;
            loop {
                // `live` outlives this future: these waits end only on a change of count.
                let _ = calls_left.wait_for(|n| *n == 0).await;
                tokio::select! {
                    _ = tokio::time::sleep(IDLE_CONNECTION_GRACE) => break,
                    // A stream opened before the drain started its call during the grace.
                    _ = calls_left.wait_for(|n| *n > 0) => {}
                }
            }
        };
        tokio::select! {
            r = serve => r?,
            _ = forced => tracing::warn!(grace = ?FORCE_STOP_GRACE, "handlers still running after the calls ended; stopping anyway"),
            _ = idle => info!(grace = ?IDLE_CONNECTION_GRACE, "no call left; closing the connections still open"),
        }
        connections.close_all();
        drop(live);
        if let Some(recorder) = &self.recorder {
            // The last calls' files are complete before serving returns (the process may
            // exit right after).
            if tokio::time::timeout(RECORDING_GRACE, recorder.idle())
                .await
                .is_err()
            {
                tracing::warn!(open = recorder.in_progress(), "recordings still being written at shutdown; their files are valid up to the last chunk written");
            }
        }
        info!("server stopped");
        Ok(())
    }
}

/// The app's handler, counted while it runs, so that the drain knows when no call is left.
struct Counted<H> {
    /// The app's handler.
    inner: H,
    /// Handlers running now.
    live: Arc<watch::Sender<usize>>,
}

/// One running handler in the count; leaves it on drop (end, error or panic).
struct Running(Arc<watch::Sender<usize>>);

impl Drop for Running {
    fn drop(&mut self) {
        self.0.send_modify(|n| *n = n.saturating_sub(1));
    }
}

impl<H: Handler> Handler for Counted<H> {
    fn handle(&self, call: Call) -> HandlerFuture {
        self.live.send_modify(|n| *n += 1);
        let running = Running(self.live.clone());
        let handler = self.inner.handle(call);
        Box::pin(async move {
            let _running = running;
            handler.await
        })
    }
}

/// gRPC health (service `S` and the server as a whole SERVING) and server reflection (the
/// `descriptors` given and health's own), as every gRPC server of fcstream offers them: the
/// call server here and the speech service of `fcstream-speech`.
///
/// `descriptors` is an encoded `FileDescriptorSet` (what `tonic_prost_build`'s
/// `file_descriptor_set_path` writes, e.g. [`crate::proto::FILE_DESCRIPTOR_SET`]). Add the
/// two services returned to the tonic router beside `S`; keep the reporter to turn health
/// NOT_SERVING with [`not_serving`] when a drain starts.
///
/// # Errors
///
/// [`Error::Protocol`] when `descriptors` is not a valid encoded descriptor set.
pub async fn health_and_reflection<S: tonic::server::NamedService>(
    descriptors: &'static [u8],
) -> Result<(
    tonic_health::server::HealthReporter,
    tonic_health::pb::health_server::HealthServer<impl tonic_health::pb::health_server::Health>,
    tonic_reflection::server::v1::ServerReflectionServer<
        impl tonic_reflection::server::v1::ServerReflection,
    >,
)> {
    let (health, health_service) = tonic_health::server::health_reporter();
    health.set_serving::<S>().await;
    let reflection = tonic_reflection::server::Builder::configure()
        .register_encoded_file_descriptor_set(descriptors)
        .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
        .build_v1()
        .map_err(|e| Error::Protocol(format!("reflection descriptors: {e}")))?;
    Ok((health, health_service, reflection))
}

/// Server reflection's older `grpc.reflection.v1alpha` service over the same `descriptors` as
/// [`health_and_reflection`]'s v1: grpcurl before 1.8.8, grpcui, Postman and Evans ask v1alpha
/// only, so every fcstream gRPC server serves both (the two differ only in their package name).
///
/// # Errors
///
/// [`Error::Protocol`] when `descriptors` is not a valid encoded descriptor set.
pub fn reflection_v1alpha(
    descriptors: &'static [u8],
) -> Result<
    tonic_reflection::server::v1alpha::ServerReflectionServer<
        impl tonic_reflection::server::v1alpha::ServerReflection,
    >,
> {
    tonic_reflection::server::Builder::configure()
        .register_encoded_file_descriptor_set(descriptors)
        .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
        .build_v1alpha()
        .map_err(|e| Error::Protocol(format!("reflection descriptors: {e}")))
}

/// Marks service `S` and the server as a whole NOT_SERVING on `health` (the reporter
/// [`health_and_reflection`] returned): the start of a drain, so load balancers stop sending
/// new streams while open ones finish.
pub async fn not_serving<S: tonic::server::NamedService>(
    health: &tonic_health::server::HealthReporter,
) {
    health.set_not_serving::<S>().await;
    health
        .set_service_status("", tonic_health::ServingStatus::NotServing)
        .await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_connection_limits_default_to_the_constants() {
        let s = Server::bind("127.0.0.1:0");
        assert_eq!(s.max_connections, defaults::MAX_CONNECTIONS);
        assert_eq!(s.handshake_timeout, defaults::HANDSHAKE_TIMEOUT);
        let s = s
            .max_connections(0)
            .handshake_timeout(Duration::from_millis(300));
        assert_eq!(s.max_connections, 1, "at least one connection");
        assert_eq!(s.handshake_timeout, Duration::from_millis(300));
    }
}
