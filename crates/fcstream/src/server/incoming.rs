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
}

/// The registry of open connections: touched when one opens and when it closes, never per read.
struct Open {
    /// The id of the next connection.
    next: u64,
    /// Dropping a connection's sender makes its reads and writes fail.
    stop: HashMap<u64, oneshot::Sender<()>>,
    /// Set by [`Connections::close_all`]: a connection finishing its handshake later is closed.
    closed: bool,
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
                }),
            }),
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
}

impl<T> Conn<T> {
    /// Registers the connection among the open ones (`None`: the server is closing them all).
    fn new(io: T, shared: Arc<Shared>, admitted: Admitted) -> Option<Self> {
        let (tx, rx) = oneshot::channel();
        let id = {
            let mut open = lock(&shared.open);
            if open.closed {
                return None;
            }
            let id = open.next;
            open.next += 1;
            open.stop.insert(id, tx);
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
        })
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
        match self.gate {
            Gate::Closed(kind) => Some(io::Error::new(kind, "connection closed by the server")),
            _ => None,
        }
    }
}

impl<T> Drop for Conn<T> {
    fn drop(&mut self) {
        lock(&self.shared.open).stop.remove(&self.id);
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
        if let Some(e) = this.closed(cx) {
            return Poll::Ready(Err(e));
        }
        let Gate::Preface { left, deadline } = &mut this.gate else {
            return Pin::new(&mut this.io).poll_read(cx, buf);
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
        if let Some(e) = this.closed(cx) {
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
        if let Some(e) = this.closed(cx) {
            return Poll::Ready(Err(e));
        }
        Pin::new(&mut this.io).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if let Some(e) = this.closed(cx) {
            return Poll::Ready(Err(e));
        }
        Pin::new(&mut this.io).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_shutdown(cx)
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
