//! The server's own accept loop: what a TCP connection must do before it may stay.
//!
//! tonic's `TcpIncoming` accepts whatever connects, keeps it for as long as the peer likes and
//! retries a failing `accept` at once (at the file-descriptor limit, a spinning core). The
//! incoming stream of [`Connections::incoming`] replaces it:
//!
//! - **A cap.** Every connection holds a permit of one [`Semaphore`]
//!   ([`Server::max_connections`](super::Server::max_connections)), from `accept` until its
//!   [`Conn`] is dropped, TLS handshake included. At the cap the loop stops accepting: new
//!   connections wait in the kernel's backlog until one closes; nothing is accepted only to be
//!   dropped.
//! - **A handshake deadline.** From `accept`, a connection has
//!   [`Server::handshake_timeout`](super::Server::handshake_timeout) to finish its TLS
//!   handshake (with TLS) and deliver the 24 bytes of the HTTP/2 client preface. A connection
//!   that has not is closed: a silent socket, a slowloris, a stalled TLS handshake hold a slot
//!   for that long at most. The TLS handshake runs here (tokio-rustls, one task per connection,
//!   under the same deadline) rather than inside tonic, so a failed handshake is seen: logged
//!   (rate-limited) and counted (`fcstream_streams_rejected_total{cause="tls_handshake"}`,
//!   timeouts `cause="handshake_timeout"`).
//! - **Accept errors back off.** Out of descriptors (`EMFILE`, `ENFILE`) or memory, the loop
//!   sleeps 5 ms, then twice as long each time up to 1 s, and logs at most once a second; the
//!   first success resets it, so the server recovers as soon as descriptors free up.
//! - **An idle deadline after the handshake.** A connection that carries no stream for
//!   [`Server::connection_idle_timeout`](super::Server::connection_idle_timeout) is closed:
//!   one that sends its preface and then trickles an unfinished HEADERS frame (a slowloris
//!   past the handshake), or simply stays silent while answering keepalive pings, holds a slot
//!   for that long at most. Streams are counted by [`StreamCounting`], a tower layer in front
//!   of every service, per connection (found by its peer address when a stream starts, never
//!   per frame); the connection checks its count only when its socket has nothing to read.
//! - **A way to close them all.** [`Connections::close_all`] (also on drop) makes every open
//!   connection fail its next read and write, so hyper closes it: a stopping server does not
//!   leave connections behind with a peer that ignores GOAWAY.
//!
//! `TCP_NODELAY` is set on every connection, as tonic did.

use std::collections::HashMap;
use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, oneshot, OwnedSemaphorePermit, Semaphore};
use tokio::time::{Instant, Sleep};
use tokio_stream::wrappers::ReceiverStream;
use tonic::transport::server::Connected;
use tracing::{debug, warn};

use super::metrics::Metrics;
use crate::untrusted::LogBudget;

/// The HTTP/2 client preface (`PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n`) is 24 bytes: a connection must
/// deliver that much (decrypted, with TLS) within the handshake deadline.
const PREFACE_LEN: usize = 24;

/// The first pause after an accept error that is not about one connection.
const BACKOFF_MIN: Duration = Duration::from_millis(5);

/// The longest pause between accept attempts while they keep failing.
const BACKOFF_MAX: Duration = Duration::from_secs(1);

/// Handshake failures and timeouts are logged a few times a second, server-wide.
static HANDSHAKE_FAILURES: LogBudget = LogBudget::new(5);

/// Accept errors (out of descriptors) are logged once a second.
static ACCEPT_ERRORS: LogBudget = LogBudget::new(1);

/// Reaching the connection cap is logged once a second.
static AT_CAPACITY: LogBudget = LogBudget::new(1);

/// The connection limits of a server.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    /// TCP connections open at once (at least 1).
    pub max_connections: usize,
    /// From accept: TLS handshake done and HTTP/2 preface received, or the connection closes.
    pub handshake_timeout: Duration,
    /// After the handshake: a connection with no stream open for this long closes (`None`:
    /// never).
    pub idle_timeout: Option<Duration>,
}

/// The connections of one server: their cap, their deadline, and a way to close them all.
/// Dropping it closes every connection still open.
pub(crate) struct Connections {
    /// What the accept loop and every connection share.
    shared: Arc<Shared>,
}

/// What the accept loop and every connection of a server share.
struct Shared {
    /// Cap and deadline.
    limits: Limits,
    /// One permit per open connection (accepted, handshaking or serving).
    permits: Arc<Semaphore>,
    /// Handshake failures and timeouts are counted here.
    metrics: Metrics,
    /// The connections open now, to close them when the server stops.
    open: Mutex<Open>,
    /// The zero of every connection's [`Activity::idle_since_ms`].
    epoch: Instant,
}

/// The streams open on one connection: counted by [`StreamCounting`] when a stream starts and
/// when its response ends, read by the connection when its socket is idle.
#[derive(Debug)]
pub(crate) struct Activity {
    /// Streams open now.
    streams: AtomicUsize,
    /// When the count last fell to zero (or the connection opened), in ms from
    /// [`Shared::epoch`].
    idle_since_ms: AtomicU64,
    /// [`Shared::epoch`], to turn the count's times into instants.
    epoch: Instant,
}

impl Activity {
    fn new(epoch: Instant) -> Self {
        let activity = Self {
            streams: AtomicUsize::new(0),
            idle_since_ms: AtomicU64::new(0),
            epoch,
        };
        activity.mark_idle();
        activity
    }

    fn mark_idle(&self) {
        let ms = Instant::now()
            .saturating_duration_since(self.epoch)
            .as_millis();
        self.idle_since_ms
            .store(u64::try_from(ms).unwrap_or(u64::MAX), Ordering::Release);
    }

    /// When the connection became idle, if no stream is open now.
    fn idle_since(&self) -> Option<Instant> {
        if self.streams.load(Ordering::Acquire) > 0 {
            return None;
        }
        let ms = self.idle_since_ms.load(Ordering::Acquire);
        Some(self.epoch + Duration::from_millis(ms))
    }
}

/// One open stream in its connection's count; leaves it on drop (the response body ended or
/// was dropped: the stream is over, reset or not).
struct OpenStream(Arc<Activity>);

impl OpenStream {
    fn new(activity: Arc<Activity>) -> Self {
        activity.streams.fetch_add(1, Ordering::AcqRel);
        Self(activity)
    }
}

impl Drop for OpenStream {
    fn drop(&mut self) {
        if self.0.streams.fetch_sub(1, Ordering::AcqRel) == 1 {
            self.0.mark_idle();
        }
    }
}

/// The registry of open connections: touched when one opens and when it closes, never per read.
struct Open {
    /// The id of the next connection.
    next: u64,
    /// Dropping a connection's sender makes its reads and writes fail.
    stop: HashMap<u64, oneshot::Sender<()>>,
    /// Set by [`Connections::close_all`]: a connection finishing its handshake later is closed.
    closed: bool,
    /// Each open connection's stream count, by its peer's address (what a request knows of
    /// its connection).
    activity: HashMap<SocketAddr, Arc<Activity>>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    match m.lock() {
        Ok(g) => g,
        Err(poisoned) => poisoned.into_inner(),
    }
}

impl Connections {
    /// The connections of a server with these limits; handshake failures count in `metrics`.
    pub(crate) fn new(limits: Limits, metrics: Metrics) -> Self {
        let permits = Arc::new(Semaphore::new(
            limits.max_connections.clamp(1, Semaphore::MAX_PERMITS),
        ));
        Self {
            shared: Arc::new(Shared {
                limits,
                permits,
                metrics,
                open: Mutex::new(Open {
                    next: 0,
                    stop: HashMap::new(),
                    closed: false,
                    activity: HashMap::new(),
                }),
                epoch: Instant::now(),
            }),
        }
    }

    /// The layer that counts each connection's streams, for the router in front of every
    /// service.
    pub(crate) fn stream_counting(&self) -> StreamCounting {
        StreamCounting {
            shared: self.shared.clone(),
        }
    }

    /// Starts accepting on `listener` (on its own task) and returns the connections, each past
    /// its `handshake`, as a stream for tonic's `serve_with_incoming_shutdown`. Dropping the
    /// stream stops the loop and closes the listener; connections already handed out live on.
    pub(crate) fn incoming<H: Handshake>(
        &self,
        listener: TcpListener,
        handshake: H,
    ) -> ReceiverStream<Result<Conn<H::Io>, Infallible>> {
        let (tx, rx) = mpsc::channel(1);
        tokio::spawn(accept_loop(listener, self.shared.clone(), handshake, tx));
        ReceiverStream::new(rx)
    }

    /// Closes every connection open now, and any that finishes its handshake later: their next
    /// read or write fails, and hyper drops them.
    pub(crate) fn close_all(&self) {
        let senders = {
            let mut open = lock(&self.shared.open);
            open.closed = true;
            std::mem::take(&mut open.stop)
        };
        if !senders.is_empty() {
            debug!(
                connections = senders.len(),
                "closing the connections still open"
            );
        }
        drop(senders);
    }
}

impl Drop for Connections {
    fn drop(&mut self) {
        self.close_all();
    }
}

/// What a connection must go through between `accept` and HTTP/2: nothing (plaintext) or a
/// TLS handshake.
pub(crate) trait Handshake: Clone + Send + Sync + 'static {
    /// The connection once through (what hyper reads and writes).
    type Io: AsyncRead + AsyncWrite + Connected + Unpin + Send + 'static;
    /// Whether the handshake reads from the peer (then it runs on its own task, so that a
    /// slow peer does not hold up the accept loop).
    const READS: bool;
    /// Goes through it.
    fn handshake(&self, tcp: TcpStream) -> impl Future<Output = io::Result<Self::Io>> + Send;
}

/// Plaintext HTTP/2: no handshake before the preface.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Plain;

impl Handshake for Plain {
    type Io = TcpStream;
    const READS: bool = false;

    fn handshake(&self, tcp: TcpStream) -> impl Future<Output = io::Result<TcpStream>> + Send {
        std::future::ready(Ok(tcp))
    }
}

/// TLS (or mutual TLS), rustls with ring, offering HTTP/2 by ALPN.
#[cfg(feature = "tls")]
#[derive(Clone)]
pub(crate) struct Tls(tokio_rustls::TlsAcceptor);

#[cfg(feature = "tls")]
impl Tls {
    /// The acceptor for `config`: its certificate chain and key, and with a client CA, client
    /// certificates required and verified against it.
    pub(crate) fn new(config: &super::TlsConfig) -> crate::error::Result<Self> {
        use tokio_rustls::rustls::pki_types::pem::PemObject;
        use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
        use tokio_rustls::rustls::server::WebPkiClientVerifier;
        use tokio_rustls::rustls::{crypto, RootCertStore, ServerConfig};

        let bad = |what: &str, e: &dyn std::fmt::Display| {
            crate::error::Error::InvalidArgument(format!("TLS {what}: {e}"))
        };
        let pem_certs = |pem: &[u8], what: &str| {
            CertificateDer::pem_slice_iter(pem)
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| bad(what, &e))
                .and_then(|certs| {
                    if certs.is_empty() {
                        Err(bad(what, &"no CERTIFICATE block in the PEM"))
                    } else {
                        Ok(certs)
                    }
                })
        };
        let provider = Arc::new(crypto::ring::default_provider());
        let certs = pem_certs(&config.cert_pem, "certificate")?;
        let key =
            PrivateKeyDer::from_pem_slice(&config.key_pem).map_err(|e| bad("private key", &e))?;
        let builder = ServerConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .map_err(|e| bad("protocol versions", &e))?;
        let builder = match &config.client_ca_pem {
            None => builder.with_no_client_auth(),
            Some(ca) => {
                let mut roots = RootCertStore::empty();
                let (added, _unparsable) =
                    roots.add_parsable_certificates(pem_certs(ca, "client CA")?);
                if added == 0 {
                    return Err(bad("client CA", &"no usable CA certificate in the PEM"));
                }
                let verifier = WebPkiClientVerifier::builder_with_provider(roots.into(), provider)
                    .build()
                    .map_err(|e| bad("client CA", &e))?;
                builder.with_client_cert_verifier(verifier)
            }
        };
        let mut server = builder
            .with_single_cert(certs, key)
            .map_err(|e| bad("certificate and key", &e))?;
        server.alpn_protocols = vec![b"h2".to_vec()];
        Ok(Self(tokio_rustls::TlsAcceptor::from(Arc::new(server))))
    }
}

#[cfg(feature = "tls")]
impl Handshake for Tls {
    type Io = tokio_rustls::server::TlsStream<TcpStream>;
    const READS: bool = true;

    fn handshake(&self, tcp: TcpStream) -> impl Future<Output = io::Result<Self::Io>> + Send {
        self.0.accept(tcp)
    }
}

/// A connection accepted under the cap, on its way through the handshake.
struct Admitted {
    /// Its place under the cap.
    permit: OwnedSemaphorePermit,
    /// When the handshake deadline runs out.
    deadline: Instant,
    /// The peer, for the logs.
    remote: SocketAddr,
}

/// Accept errors that concern one connection only (it went away before it was accepted):
/// the next accept is tried at once.
fn concerns_one_connection(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::Interrupted
            | io::ErrorKind::WouldBlock
    )
}

/// The pause after `pause` when accept keeps failing.
fn next_backoff(pause: Duration) -> Duration {
    (pause * 2).clamp(BACKOFF_MIN, BACKOFF_MAX)
}

/// Accepts until the stream is dropped: a permit first (at the cap, waits for one), then a
/// connection, then its handshake (inline, or on its own task if it reads).
async fn accept_loop<H: Handshake>(
    listener: TcpListener,
    shared: Arc<Shared>,
    handshake: H,
    tx: mpsc::Sender<Result<Conn<H::Io>, Infallible>>,
) {
    let mut pause = BACKOFF_MIN;
    // A permit kept across a failed accept.
    let mut held: Option<OwnedSemaphorePermit> = None;
    loop {
        let permit = match held.take() {
            Some(p) => p,
            None => match shared.permits.clone().try_acquire_owned() {
                Ok(p) => p,
                Err(_) => {
                    AT_CAPACITY.warn(|suppressed| {
                        warn!(
                            max_connections = shared.limits.max_connections,
                            suppressed,
                            "at the connection limit: not accepting until a connection closes"
                        )
                    });
                    tokio::select! {
                        biased;
                        _ = tx.closed() => return,
                        p = shared.permits.clone().acquire_owned() => match p {
                            Ok(p) => p,
                            Err(_) => return,
                        },
                    }
                }
            },
        };
        let accepted = tokio::select! {
            biased;
            _ = tx.closed() => return,
            r = listener.accept() => r,
        };
        match accepted {
            Ok((tcp, remote)) => {
                pause = BACKOFF_MIN;
                if let Err(e) = tcp.set_nodelay(true) {
                    debug!(%remote, error = %e, "TCP_NODELAY");
                }
                let now = Instant::now();
                let admitted = Admitted {
                    permit,
                    // (A timeout too large to add is as good as none.)
                    deadline: now
                        .checked_add(shared.limits.handshake_timeout)
                        .unwrap_or_else(|| now + Duration::from_secs(100 * 365 * 86_400)),
                    remote,
                };
                let establish =
                    establish(shared.clone(), handshake.clone(), tcp, admitted, tx.clone());
                if H::READS {
                    tokio::spawn(establish);
                } else {
                    establish.await;
                }
            }
            Err(e) if concerns_one_connection(&e) => {
                held = Some(permit);
                debug!(error = %e, "accept: a connection went away before it was accepted");
            }
            Err(e) => {
                held = Some(permit);
                ACCEPT_ERRORS.warn(|suppressed| {
                    warn!(error = %e, retry_in = ?pause, suppressed, "cannot accept connections (out of file descriptors?); backing off")
                });
                tokio::select! {
                    biased;
                    _ = tx.closed() => return,
                    _ = tokio::time::sleep(pause) => {}
                }
                pause = next_backoff(pause);
            }
        }
    }
}

/// Takes one accepted connection through its handshake, within its deadline, and hands it to
/// the server; a failure or a timeout is logged (rate-limited), counted, and closes it.
async fn establish<H: Handshake>(
    shared: Arc<Shared>,
    handshake: H,
    tcp: TcpStream,
    admitted: Admitted,
    tx: mpsc::Sender<Result<Conn<H::Io>, Infallible>>,
) {
    let remote = admitted.remote;
    let done = tokio::select! {
        biased;
        _ = tx.closed() => return,
        r = tokio::time::timeout_at(admitted.deadline, handshake.handshake(tcp)) => r,
    };
    let io = match done {
        Ok(Ok(io)) => io,
        // The peer left (a TCP health check, a port scan): nothing to report.
        Ok(Err(e)) if e.kind() == io::ErrorKind::UnexpectedEof => {
            debug!(%remote, "connection closed during the TLS handshake");
            return;
        }
        Ok(Err(e)) => {
            shared.metrics.reject("tls_handshake");
            HANDSHAKE_FAILURES.warn(|suppressed| {
                warn!(%remote, error = %e, suppressed, "TLS handshake failed; connection closed")
            });
            return;
        }
        Err(_) => {
            shared.metrics.reject("handshake_timeout");
            HANDSHAKE_FAILURES.warn(|suppressed| {
                warn!(%remote, timeout = ?shared.limits.handshake_timeout, suppressed, "TLS handshake not done in time; connection closed")
            });
            return;
        }
    };
    if let Some(conn) = Conn::new(io, shared, admitted) {
        let _ = tx.send(Ok(conn)).await;
    }
}

/// Where a connection is with its handshake deadline.
enum Gate {
    /// Waiting for the rest of the HTTP/2 preface.
    Preface {
        /// Bytes still to come.
        left: usize,
        /// When the deadline runs out.
        deadline: Pin<Box<Sleep>>,
    },
    /// Preface received: nothing more to check.
    Open,
    /// Closed by the server (deadline or stop): every read and write fails with this.
    Closed(io::ErrorKind),
}

/// One connection as hyper sees it: the socket (or TLS stream), its place under the cap, its
/// handshake deadline until the preface arrived, and the server's stop.
pub(crate) struct Conn<T> {
    /// The socket, or the TLS stream over it.
    io: T,
    /// Its place under the cap, given back on drop.
    _permit: OwnedSemaphorePermit,
    /// The deadline, until the preface arrived.
    gate: Gate,
    /// Resolves when the server closes every connection.
    stop: Option<oneshot::Receiver<()>>,
    /// Its key in the registry of open connections.
    id: u64,
    /// The server's connections.
    shared: Arc<Shared>,
    /// The peer, for the logs.
    remote: SocketAddr,
    /// Its open streams.
    activity: Arc<Activity>,
    /// The idle deadline, armed once the preface is in (with an idle timeout).
    idle: Option<Pin<Box<Sleep>>>,
}

impl<T> Conn<T> {
    /// Registers the connection among the open ones (`None`: the server is closing them all).
    fn new(io: T, shared: Arc<Shared>, admitted: Admitted) -> Option<Self> {
        let (tx, rx) = oneshot::channel();
        let activity = Arc::new(Activity::new(shared.epoch));
        let id = {
            let mut open = lock(&shared.open);
            if open.closed {
                return None;
            }
            let id = open.next;
            open.next += 1;
            open.stop.insert(id, tx);
            open.activity.insert(admitted.remote, activity.clone());
            id
        };
        Some(Self {
            io,
            _permit: admitted.permit,
            gate: Gate::Preface {
                left: PREFACE_LEN,
                deadline: Box::pin(tokio::time::sleep_until(admitted.deadline)),
            },
            stop: Some(rx),
            id,
            shared,
            remote: admitted.remote,
            activity,
            idle: None,
        })
    }

    /// With the socket idle: whether the connection has carried no stream for the idle
    /// timeout (then it is closed, and this is the error to return). Arms or re-arms the
    /// deadline otherwise, so the connection's task wakes when it may run out.
    fn idle_out(&mut self, cx: &mut Context<'_>) -> Option<io::Error> {
        let timeout = self.shared.limits.idle_timeout?;
        let now = Instant::now();
        let idle = self.idle.get_or_insert_with(|| {
            let from = self.activity.idle_since().unwrap_or(now);
            Box::pin(tokio::time::sleep_until(far_or(from, timeout)))
        });
        while idle.as_mut().poll(cx).is_ready() {
            match self.activity.idle_since() {
                // A stream is open: look again a timeout from now.
                None => idle.as_mut().reset(far_or(now, timeout)),
                Some(since) if far_or(since, timeout) > now => {
                    idle.as_mut().reset(far_or(since, timeout))
                }
                Some(_) => {
                    self.gate = Gate::Closed(io::ErrorKind::TimedOut);
                    self.shared.metrics.reject("idle_connection");
                    debug!(remote = %self.remote, ?timeout, "no stream on the connection for the idle timeout; closed");
                    return Some(io::Error::new(
                        io::ErrorKind::TimedOut,
                        "no stream within the connection idle timeout",
                    ));
                }
            }
        }
        None
    }

    /// Whether the connection is closed (the server stopped, or the deadline ran out); an
    /// error to return if so.
    fn closed(&mut self, cx: &mut Context<'_>) -> Option<io::Error> {
        if let Some(stop) = &mut self.stop {
            if Pin::new(stop).poll(cx).is_ready() {
                self.stop = None;
                self.gate = Gate::Closed(io::ErrorKind::ConnectionAborted);
            }
        }
        self.write_closed()
    }

    /// An error to return if the connection is closed, without polling the server's stop
    /// (writes: the stop is seen by the next read that would block, which the connection
    /// makes many times a second).
    fn write_closed(&self) -> Option<io::Error> {
        match self.gate {
            Gate::Closed(kind) => Some(closed_error(kind)),
            _ => None,
        }
    }
}

fn closed_error(kind: io::ErrorKind) -> io::Error {
    io::Error::new(kind, "connection closed by the server")
}

/// `from + after`, or a century away when that does not fit.
fn far_or(from: Instant, after: Duration) -> Instant {
    from.checked_add(after)
        .unwrap_or_else(|| from + Duration::from_secs(100 * 365 * 86_400))
}

impl<T> Drop for Conn<T> {
    fn drop(&mut self) {
        let mut open = lock(&self.shared.open);
        open.stop.remove(&self.id);
        // (A later connection from the same address has its own entry: remove only ours.)
        if open
            .activity
            .get(&self.remote)
            .is_some_and(|a| Arc::ptr_eq(a, &self.activity))
        {
            open.activity.remove(&self.remote);
        }
    }
}

impl<T: Connected> Connected for Conn<T> {
    type ConnectInfo = T::ConnectInfo;

    fn connect_info(&self) -> Self::ConnectInfo {
        self.io.connect_info()
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for Conn<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if let Gate::Closed(kind) = this.gate {
            return Poll::Ready(Err(closed_error(kind)));
        }
        if let Gate::Open = this.gate {
            return match Pin::new(&mut this.io).poll_read(cx, buf) {
                // Nothing to read: the moment to look at the server's stop and the idle
                // deadline (never per frame: a live connection reads until it would block
                // many times a second, and an idle one is woken by either).
                Poll::Pending => match this.closed(cx).or_else(|| this.idle_out(cx)) {
                    Some(e) => Poll::Ready(Err(e)),
                    None => Poll::Pending,
                },
                ready => ready,
            };
        }
        if let Some(e) = this.closed(cx) {
            return Poll::Ready(Err(e));
        }
        let Gate::Preface { left, deadline } = &mut this.gate else {
            return Poll::Ready(Err(closed_error(io::ErrorKind::ConnectionAborted)));
        };
        let before = buf.filled().len();
        match Pin::new(&mut this.io).poll_read(cx, buf) {
            Poll::Ready(Ok(())) => {
                let n = buf.filled().len() - before;
                *left = left.saturating_sub(n);
                // The preface is in (or the peer closed: hyper sees the end).
                if n == 0 || *left == 0 {
                    this.gate = Gate::Open;
                }
                Poll::Ready(Ok(()))
            }
            Poll::Pending if deadline.as_mut().poll(cx).is_ready() => {
                this.gate = Gate::Closed(io::ErrorKind::TimedOut);
                this.shared.metrics.reject("handshake_timeout");
                let (remote, timeout) = (this.remote, this.shared.limits.handshake_timeout);
                HANDSHAKE_FAILURES.warn(|suppressed| {
                    warn!(%remote, ?timeout, suppressed, "no HTTP/2 preface in time; connection closed")
                });
                Poll::Ready(Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    "no HTTP/2 preface within the handshake timeout",
                )))
            }
            other => other,
        }
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for Conn<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if let Some(e) = this.write_closed() {
            return Poll::Ready(Err(e));
        }
        Pin::new(&mut this.io).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if let Some(e) = this.write_closed() {
            return Poll::Ready(Err(e));
        }
        Pin::new(&mut this.io).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if let Some(e) = this.write_closed() {
            return Poll::Ready(Err(e));
        }
        Pin::new(&mut this.io).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_shutdown(cx)
    }
}

/// A tower layer in front of the router's services: each stream, from its request to the end
/// of its response body, counts as open on its connection (found by the peer address tonic
/// puts in the request), so an idle connection can be told from a busy one.
#[derive(Clone)]
pub(crate) struct StreamCounting {
    /// The server's connections.
    shared: Arc<Shared>,
}

impl<S> tower_layer::Layer<S> for StreamCounting {
    type Service = CountStreams<S>;

    fn layer(&self, inner: S) -> Self::Service {
        CountStreams {
            inner,
            shared: self.shared.clone(),
        }
    }
}

/// The service [`StreamCounting`] makes.
#[derive(Clone)]
pub(crate) struct CountStreams<S> {
    /// The router.
    inner: S,
    /// The server's connections.
    shared: Arc<Shared>,
}

/// The peer of the connection a request came on, as tonic records it (plaintext or TLS).
fn peer<B>(req: &http::Request<B>) -> Option<SocketAddr> {
    use tonic::transport::server::TcpConnectInfo;
    if let Some(info) = req.extensions().get::<TcpConnectInfo>() {
        return info.remote_addr();
    }
    #[cfg(feature = "tls")]
    if let Some(info) = req
        .extensions()
        .get::<tonic::transport::server::TlsConnectInfo<TcpConnectInfo>>()
    {
        return info.get_ref().remote_addr();
    }
    None
}

impl<S, B, R> tower_service::Service<http::Request<B>> for CountStreams<S>
where
    S: tower_service::Service<http::Request<B>, Response = http::Response<R>>,
    S::Future: Send + 'static,
    R: http_body::Body<Data = bytes::Bytes> + Send + Unpin + 'static,
    R::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    type Response = http::Response<tonic::body::Body>;
    type Error = S::Error;
    type Future =
        Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>> + Send + 'static>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: http::Request<B>) -> Self::Future {
        let open = peer(&req)
            .and_then(|addr| lock(&self.shared.open).activity.get(&addr).cloned())
            .map(OpenStream::new);
        let response = self.inner.call(req);
        Box::pin(async move {
            let response = response.await?;
            Ok(response.map(|body| tonic::body::Body::new(Counted { body, _open: open })))
        })
    }
}

/// A response body that holds its stream's place in the count until it is dropped.
struct Counted<R> {
    /// The service's body.
    body: R,
    /// The stream's place in its connection's count.
    _open: Option<OpenStream>,
}

impl<R: http_body::Body + Unpin> http_body::Body for Counted<R> {
    type Data = R::Data;
    type Error = R::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        Pin::new(&mut self.get_mut().body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.body.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_backoff_doubles_from_5_ms_to_1_s() {
        let mut pause = BACKOFF_MIN;
        let mut seen = vec![pause];
        for _ in 0..12 {
            pause = next_backoff(pause);
            seen.push(pause);
        }
        assert_eq!(seen[0], Duration::from_millis(5));
        assert_eq!(seen[1], Duration::from_millis(10));
        assert_eq!(seen[7], Duration::from_millis(640));
        assert!(seen[8..].iter().all(|p| *p == BACKOFF_MAX), "{seen:?}");
    }

    #[test]
    fn only_errors_about_one_connection_are_retried_at_once() {
        use io::ErrorKind::*;
        for kind in [ConnectionAborted, ConnectionReset, Interrupted] {
            assert!(concerns_one_connection(&io::Error::from(kind)));
        }
        // EMFILE, ENFILE, ENOMEM, ENOBUFS: back off.
        for errno in [24, 23, 12, 105] {
            assert!(!concerns_one_connection(&io::Error::from_raw_os_error(
                errno
            )));
        }
    }

    /// At the cap the loop accepts nothing more; a closed connection lets the next one in.
    #[tokio::test]
    async fn at_the_cap_nothing_more_is_accepted_until_one_closes() {
        use tokio_stream::StreamExt;
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let connections = Connections::new(
            Limits {
                max_connections: 2,
                handshake_timeout: Duration::from_secs(60),
                idle_timeout: None,
            },
            Metrics::new(),
        );
        let mut incoming = connections.incoming(listener, Plain);
        let mut clients = Vec::new();
        for _ in 0..3 {
            clients.push(TcpStream::connect(addr).await.unwrap());
        }
        let a = incoming.next().await.unwrap().unwrap();
        let _b = incoming.next().await.unwrap().unwrap();
        let third = tokio::time::timeout(Duration::from_millis(300), incoming.next()).await;
        assert!(
            third.is_err(),
            "a third connection was accepted at a cap of 2"
        );
        drop(a);
        let c = tokio::time::timeout(Duration::from_secs(20), incoming.next())
            .await
            .expect("the third connection is accepted once one closed");
        assert!(c.is_some());
    }
}
