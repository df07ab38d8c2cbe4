//! An app served in the same process over in-memory pipes (`tokio::io::duplex`), for tests
//! and `fcstream demo --fast`.
//!
//! Nothing waits on the operating system, so in virtual time (tokio's paused clock in tests,
//! or [`crate::clock::run_virtual`]) time advances only when every task is idle, deterministically: a 60 s call runs in
//! a fraction of a second and gives the same result every time. The gRPC stack is the real
//! one (tonic, hyper, HTTP/2); only the socket is replaced.

use std::convert::Infallible;

use fcstream::server::ServiceOptions;
use fcstream::time::Clock;
use fcstream::{CallConfig, CallService, Handler};
use hyper_util::rt::TokioIo;
use tonic::body::Body;
use tonic::server::NamedService;
use tonic::transport::{Channel, Endpoint, Uri};

use crate::EmulatorError;

/// Size of each direction's in-memory pipe.
const PIPE_BYTES: usize = 1 << 20;

/// Serves `handler` (any fcstream handler, e.g. `fcstream_apps::echo`) with `config` on an
/// in-memory connection and returns a channel to it. The server runs on a spawned task until
/// the channel is dropped.
pub async fn serve<H: Handler>(handler: H, config: CallConfig) -> Result<Channel, EmulatorError> {
    serve_with_clock(handler, config, Clock::Real).await
}

/// [`serve`] with the calls' timers on `clock` (the virtual clock of
/// [`crate::clock::run_virtual`]).
pub async fn serve_with_clock<H: Handler>(
    handler: H,
    config: CallConfig,
    clock: Clock,
) -> Result<Channel, EmulatorError> {
    let options = ServiceOptions {
        clock,
        ..ServiceOptions::default()
    };
    serve_service(CallService::with_options(handler, config, options).into_server()).await
}

/// Serves any tonic service (for example a hand-written `GrpcStreamServiceServer` that
/// misbehaves on purpose) on an in-memory connection.
pub async fn serve_service<S>(service: S) -> Result<Channel, EmulatorError>
where
    S: tower::Service<
            tonic::codegen::http::Request<Body>,
            Response = tonic::codegen::http::Response<Body>,
            Error = Infallible,
        > + NamedService
        + Clone
        + Send
        + Sync
        + 'static,
    S::Future: Send + 'static,
{
    let (client, server) = tokio::io::duplex(PIPE_BYTES);
    tokio::spawn(async move {
        let result = tonic::transport::Server::builder()
            .add_service(service)
            .serve_with_incoming(tokio_stream::once(Ok::<_, std::io::Error>(server)))
            .await;
        if let Err(e) = result {
            tracing::debug!(error = %e, "in-process server stopped");
        }
    });
    let mut client = Some(client);
    Endpoint::from_static("http://in-process.invalid")
        .connect_with_connector(tower::service_fn(move |_: Uri| {
            let pipe = client.take();
            async move {
                pipe.map(TokioIo::new).ok_or_else(|| {
                    std::io::Error::other("the in-process pipe carries one connection")
                })
            }
        }))
        .await
        .map_err(|source| EmulatorError::Connect {
            url: "in-process".into(),
            source,
        })
}
