//! `https://` apps: the load generator's lanes speak HTTP/2 over TLS, so that what TLS costs
//! the server (and the generator) is measured too.
//!
//! It exists because the lanes drive h2 directly (no tonic channel, see `crate::lane`), so
//! the emulator's `connect` (a tonic `Channel` with `ClientTlsConfig`) cannot carry them.
//! The trust is the same as there and as `fcstream call --ca-cert/--tls-domain`: the public
//! web roots (`webpki-roots`, what tonic's `tls-webpki-roots` uses) plus an optional extra CA,
//! the name checked being the URL's host unless `--tls-domain` says otherwise; rustls with
//! ring (what tonic's `tls-ring` uses), ALPN `h2`. It only wires rustls to the lane's socket:
//!
//! - reading as messages arrive (`precise_receive`): `tokio_rustls` over tokio's `TcpStream`;
//! - reading at ticks (the default): `tokio_rustls` over the lane's un-registered socket
//!   ([`crate::lane::TickIo`]), whose reads and writes return `Pending` without a waker; the
//!   lane polls its connection at every 1 ms tick anyway, and the handshake, before the run
//!   starts, is polled every millisecond until it completes ([`LoadTls::handshake_polled`]).

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use futures_util::FutureExt;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio_rustls::client::TlsStream;
use tokio_rustls::rustls::pki_types::ServerName;
use tokio_rustls::TlsConnector;

use crate::lane::TickIo;
use crate::LoadError;

/// The run's TLS client: one rustls configuration for every lane.
#[derive(Clone)]
pub(crate) struct LoadTls {
    /// rustls, trusting the web roots and the extra CA, offering `h2`.
    connector: TlsConnector,
    /// The name the server's certificate must carry.
    name: ServerName<'static>,
}

impl std::fmt::Debug for LoadTls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoadTls")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl LoadTls {
    /// The client for a server that must prove it is `domain`, trusting the public web roots
    /// and, if given, the CA certificates in `ca_pem`.
    pub(crate) fn new(ca_pem: Option<&[u8]>, domain: &str) -> Result<Self, LoadError> {
        let bad = |why: String| LoadError::Invalid(format!("TLS: {why}"));
        let extra = match ca_pem {
            Some(pem) => fcstream::tls_client::pem_certificates(pem)
                .map_err(|e| bad(format!("--ca-cert: {e}")))?,
            None => Vec::new(),
        };
        let config = fcstream::tls_client::client_config(&extra, &[b"h2"])
            .map_err(|e| bad(format!("--ca-cert: {e}")))?;
        let name = ServerName::try_from(domain.to_string()).map_err(|e| {
            bad(format!(
                "{domain:?} is not a name to check a certificate against: {e}"
            ))
        })?;
        Ok(Self {
            connector: TlsConnector::from(Arc::new(config)),
            name,
        })
    }

    /// The handshake over a socket registered with the reactor.
    pub(crate) async fn handshake<IO>(&self, io: IO) -> Result<TlsStream<IO>, String>
    where
        IO: AsyncRead + AsyncWrite + Unpin,
    {
        let tls = self
            .connector
            .connect(self.name.clone(), io)
            .await
            .map_err(describe)?;
        check_alpn(&tls)?;
        Ok(tls)
    }

    /// The handshake over the lane's un-registered socket: polled every millisecond (it
    /// never wakes anyone itself) until done.
    pub(crate) async fn handshake_polled(&self, io: TickIo) -> Result<TlsStream<TickIo>, String> {
        let mut connect = self.connector.connect(self.name.clone(), io);
        let tls = loop {
            if let Some(done) = (&mut connect).now_or_never() {
                break done.map_err(describe)?;
            }
            tokio::time::sleep(Duration::from_millis(1)).await;
        };
        check_alpn(&tls)?;
        Ok(tls)
    }
}

/// A handshake error, for people.
fn describe(e: std::io::Error) -> String {
    format!("TLS handshake failed: {e}")
}

/// The server must have chosen HTTP/2 (gRPC needs it; without ALPN h2 would fail obscurely).
fn check_alpn<IO>(tls: &TlsStream<IO>) -> Result<(), String> {
    match tls.get_ref().1.alpn_protocol() {
        Some(b"h2") => Ok(()),
        other => Err(format!(
            "the server did not choose HTTP/2 over TLS (ALPN: {})",
            other.map_or("none".into(), |p| String::from_utf8_lossy(p).into_owned())
        )),
    }
}

/// A lane's socket when the lane drives its connection at ticks: plain or TLS.
pub(crate) enum TickStream {
    /// `http://`.
    Plain(TickIo),
    /// `https://`.
    Tls(Box<TlsStream<TickIo>>),
}

impl AsyncRead for TickStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            Self::Plain(s) => Pin::new(s).poll_read(cx, buf),
            Self::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for TickStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        match self.get_mut() {
            Self::Plain(s) => Pin::new(s).poll_write(cx, buf),
            Self::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
        }
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        match self.get_mut() {
            Self::Plain(s) => Pin::new(s).poll_write_vectored(cx, bufs),
            Self::Tls(s) => Pin::new(s.as_mut()).poll_write_vectored(cx, bufs),
        }
    }

    fn is_write_vectored(&self) -> bool {
        match self {
            Self::Plain(s) => s.is_write_vectored(),
            Self::Tls(s) => s.is_write_vectored(),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            Self::Plain(s) => Pin::new(s).poll_flush(cx),
            Self::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            Self::Plain(s) => Pin::new(s).poll_shutdown(cx),
            Self::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
        }
    }
}
