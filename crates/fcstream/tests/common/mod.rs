//! Test support: a real fcstream server on loopback (or in memory, for virtual time) and a
//! scripted platform built on the generated tonic client.
#![allow(dead_code)]

use std::time::Duration;

use bytes::Bytes;
use fcstream::proto::grpc_stream_service_client::GrpcStreamServiceClient;
use fcstream::proto::{AppMessage, PlatformMessage};
use fcstream::server::ServiceOptions;
use fcstream::{
    Ack, AudioFrame, CallConfig, CallEnd, CallInfo, CallService, Command, ContentType, Direction,
    EndReason, Event, Handler, Server,
};
use tokio::sync::{mpsc, oneshot};
use tokio_stream::wrappers::ReceiverStream;
use tonic::transport::{Channel, Endpoint};
use tonic::Streaming;

/// Generous bound for anything that should happen "soon" on a loaded CI machine.
pub const SOON: Duration = Duration::from_secs(20);

/// A server on 127.0.0.1 with an OS-chosen port; dropped sender stops it.
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
            // A test server that is dropped stops within a second, live calls or not.
            .drain_timeout(Duration::from_secs(1))
            .serve_with_shutdown(handler, async {
                let _ = stopped.await;
            }),
    );
    TestServer { url, _stop: stop }
}

pub async fn connect(url: &str) -> Channel {
    Endpoint::from_shared(url.to_string())
        .unwrap()
        .connect()
        .await
        .unwrap()
}

/// A server reached through in-memory pipes: nothing waits on the OS, so a paused tokio clock
/// advances deterministically (virtual time).
pub async fn serve_in_memory<H: Handler>(handler: H, config: CallConfig) -> Channel {
    serve_in_memory_with(handler, config, ServiceOptions::default()).await
}

/// [`serve_in_memory`] with the service's `options` (a recorder, a clock).
pub async fn serve_in_memory_with<H: Handler>(
    handler: H,
    config: CallConfig,
    options: ServiceOptions,
) -> Channel {
    let (client, server) = tokio::io::duplex(1 << 20);
    let svc = CallService::with_options(handler, config, options).into_server();
    tokio::spawn(async move {
        tonic::transport::Server::builder()
            .add_service(svc)
            .serve_with_incoming(tokio_stream::once(Ok::<_, std::io::Error>(server)))
            .await
    });
    let mut client = Some(client);
    Endpoint::try_from("http://in-memory")
        .unwrap()
        .connect_with_connector(tower::service_fn(move |_: tonic::transport::Uri| {
            let client = client.take();
            async move {
                client
                    .map(hyper_util::rt::TokioIo::new)
                    .ok_or_else(|| std::io::Error::other("one connection only"))
            }
        }))
        .await
        .unwrap()
}

/// Places `n` µ-law calls (`CA-1`..`CA-n`) on `channel`, each having echoed `frames`
/// acknowledged frames, and keeps them open: what the memory tests count per call.
pub async fn echoed_calls(channel: &Channel, n: usize, frames: usize) -> Vec<Platform> {
    let mut calls = Vec::with_capacity(n);
    for i in 0..n {
        let info = call_info(&format!("CA-{}", i + 1), ContentType::Mulaw8k);
        let mut p = Platform::start(channel.clone(), info).await;
        echo_acknowledged(&mut p, frames).await;
        calls.push(p);
    }
    calls
}

pub fn call_info(call_id: &str, content_type: ContentType) -> CallInfo {
    CallInfo {
        call_id: call_id.to_string(),
        to: "+13125550100".into(),
        from: "+17735550199".into(),
        direction: Direction::Inbound,
        metadata: vec!["tenant=acme".into()],
        content_type,
    }
}

/// The platform's `NotifyCallEndedMessage` for a caller who hung up, for tests that drive the
/// stream with raw messages.
pub fn caller_hung_up(call_id: &str) -> PlatformMessage {
    Event::CallEnded(CallEnd {
        call_id: call_id.to_string(),
        reason: EndReason::CallerDisconnect,
        description: String::new(),
    })
    .to_proto()
}

/// One call seen from the platform's side.
pub struct Platform {
    pub tx: Option<mpsc::Sender<PlatformMessage>>,
    pub rx: Streaming<AppMessage>,
    pub info: CallInfo,
    pub sequence: u32,
}

impl Platform {
    /// Opens the stream; sends nothing yet.
    pub async fn open(channel: Channel, info: CallInfo) -> Platform {
        let (tx, rx) = mpsc::channel(256);
        let mut client = GrpcStreamServiceClient::new(channel);
        let response = client
            .send_ivr_data(ReceiverStream::new(rx))
            .await
            .expect("stream opens");
        Platform {
            tx: Some(tx),
            rx: response.into_inner(),
            info,
            sequence: 0,
        }
    }

    /// Opens the stream and sends `NotifyCallStartedMessage`.
    pub async fn start(channel: Channel, info: CallInfo) -> Platform {
        let p = Platform::open(channel, info.clone()).await;
        p.send(Event::CallStarted(info)).await;
        p
    }

    pub async fn send_raw(&self, msg: PlatformMessage) {
        if let Some(tx) = &self.tx {
            let _ = tx.send(msg).await;
        }
    }

    pub async fn send(&self, event: Event) {
        self.send_raw(event.to_proto()).await;
    }

    /// Sends one caller frame with the next sequence number.
    pub async fn audio(&mut self, data: impl Into<Bytes>) {
        let seq = self.sequence;
        self.sequence += 1;
        self.send(Event::Audio(AudioFrame {
            data: data.into(),
            sequence: seq,
            start: None,
            end: None,
        }))
        .await;
    }

    pub async fn ack(&self, kind: fn(Ack) -> Event, id: &str) {
        self.send(kind(Ack {
            id: id.to_string(),
            at: None,
        }))
        .await;
    }

    pub async fn end(&mut self, reason: EndReason) {
        self.send(Event::CallEnded(CallEnd {
            call_id: self.info.call_id.clone(),
            reason,
            description: String::new(),
        }))
        .await;
        self.tx = None;
    }

    /// The next command from the app; `Ok(None)` when the stream ended cleanly.
    pub async fn next(&mut self) -> Result<Option<Command>, tonic::Status> {
        match tokio::time::timeout(SOON, self.rx.message()).await {
            Err(_) => panic!("no message from the app within {SOON:?}"),
            Ok(Ok(Some(msg))) => Ok(Some(Command::from_proto(msg).expect("known app message"))),
            Ok(Ok(None)) => Ok(None),
            Ok(Err(status)) => Err(status),
        }
    }

    /// The next command, which must exist.
    pub async fn expect(&mut self) -> Command {
        self.next()
            .await
            .expect("stream ok")
            .expect("a command, not the end of the stream")
    }
}

/// Sends one frame filled with `tag` and expects it echoed back as one entry (acknowledged).
pub async fn echo_once(p: &mut Platform, tag: u8) {
    let frame = Bytes::from(vec![tag; p.info.content_type.frame_bytes()]);
    p.audio(frame.clone()).await;
    match p.expect().await {
        Command::PlayAudio { id, audio, .. } => {
            assert_eq!(audio, frame);
            p.ack(Event::PlaybackCompleted, &id).await;
        }
        other => panic!("expected the echo, got {other:?}"),
    }
}

/// Polls `f` until it returns something, within [`SOON`] (generous bound, no timing
/// assumption).
pub async fn wait_for<T>(mut f: impl FnMut() -> Option<T>) -> T {
    let deadline = tokio::time::Instant::now() + SOON;
    loop {
        if let Some(t) = f() {
            return t;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "not within {SOON:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// An echo handler, each frame played back as `fcstream_apps::echo` does it (that crate
/// depends on this one, so these tests cannot use it): playback events skipped, each frame
/// queued with `send_play`.
pub async fn echo(call: fcstream::Call) -> fcstream::Result<()> {
    let content_type = call.info().content_type;
    let (control, mut events) = call.split();
    events.skip_playback_events();
    while let Some(event) = events.next().await {
        if let Event::Audio(frame) = event {
            control
                .send_play(fcstream::Audio::from_wire(content_type, frame.data)?)
                .await?;
        }
    }
    Ok(())
}

/// Sends `n` frames on `p`, one at a time, each acknowledged as the platform would (started,
/// completed) once its echo arrives; the pacer's buffer-depth query (its watchdog, when a
/// loaded machine delayed an acknowledgement past its grace) is answered with an empty buffer.
pub async fn echo_acknowledged(p: &mut Platform, n: usize) {
    let frame = Bytes::from_static(&[0x55; 160]);
    for _ in 0..n {
        p.audio(frame.clone()).await;
        loop {
            match p.expect().await {
                Command::PlayAudio { id, .. } => {
                    p.ack(Event::PlaybackStarted, &id).await;
                    p.ack(Event::PlaybackCompleted, &id).await;
                    break;
                }
                Command::QueryBuffer(kind) => {
                    p.send(Event::BufferDepth(fcstream::BufferDepth {
                        kind,
                        depth: 0,
                        size: 100,
                    }))
                    .await
                }
                other => panic!("expected the echo, got {other:?}"),
            }
        }
    }
}

/// Starts `server` on 127.0.0.1:0 with a shutdown trigger; returns the address, the trigger
/// and the serve task.
pub async fn start<H: Handler>(
    server: impl FnOnce(tokio::net::TcpListener) -> Server,
    handler: H,
) -> (
    String,
    oneshot::Sender<()>,
    tokio::task::JoinHandle<fcstream::Result<()>>,
) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(server(listener).serve_with_shutdown(handler, async {
        let _ = stopped.await;
    }));
    (addr, stop, task)
}
