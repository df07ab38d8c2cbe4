//! Test support: the fcstream server on 127.0.0.1 (OS-chosen port), handlers that report what
//! they saw, and audio helpers.
#![allow(dead_code)]

use std::time::Duration;

use fcstream::{CallConfig, Handler, Server};
use tokio::sync::oneshot;
use tonic::transport::Channel;

/// Generous bound for anything that should finish "soon" on a loaded CI machine.
pub const SOON: Duration = Duration::from_secs(60);

pub fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

pub fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

/// A server on 127.0.0.1 with an OS-chosen port; dropping it stops the server.
pub struct TestServer {
    pub url: String,
    _stop: oneshot::Sender<()>,
}

pub async fn serve_tcp<H: Handler>(handler: H, config: CallConfig) -> TestServer {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(
        Server::from_listener(listener)
            .call_config(config)
            .drain_timeout(Duration::from_secs(1))
            .serve_with_shutdown(handler, async {
                let _ = stopped.await;
            }),
    );
    TestServer { url, _stop: stop }
}

pub async fn channel(server: &TestServer) -> Channel {
    fcstream_emulator::connect(&server.url, &Default::default())
        .await
        .expect("connects to the test server")
}

/// Runs a call with a generous timeout (longer than any scripted call, virtual or real).
pub async fn call(
    channel: Channel,
    script: &fcstream_emulator::Script,
) -> fcstream_emulator::CallReport {
    tokio::time::timeout(SOON * 3, fcstream_emulator::run(channel, script))
        .await
        .expect("the call finished in time")
        .expect("the call could be placed")
}
