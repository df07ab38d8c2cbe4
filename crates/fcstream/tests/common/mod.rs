//! Test support: a real fcstream server on loopback (or in memory, for virtual time) and a
//! scripted platform built on the generated tonic client.
#![allow(dead_code)]

use std::collections::VecDeque;
use std::time::Duration;

use bytes::Bytes;
use fcstream::proto::grpc_stream_service_client::GrpcStreamServiceClient;
use fcstream::proto::{AppMessage, PlatformMessage};
use fcstream::{
    Ack, AudioFrame, BufferDepth, BufferKind, CallConfig, CallEnd, CallInfo, CallService, Command,
    ContentType, Direction, EndReason, Event, Handler, Server,
};
use tokio::sync::{mpsc, oneshot};
use tokio::time::Instant;
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
    let (client, server) = tokio::io::duplex(1 << 20);
    let svc = CallService::new(handler, config).into_server();
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

/// What a [`Playout`] observed.
#[derive(Debug, Default, Clone)]
pub struct PlayoutStats {
    /// The most audio queued at once (entries received, not yet completed).
    pub max_queued: Duration,
    /// The most entries queued at once.
    pub max_entries: usize,
    /// Every PlayAudio received: (id, sequence, last, bytes).
    pub entries: Vec<(String, u32, bool, usize)>,
    /// When the final completion of each id was sent.
    pub final_completion: Vec<(String, Instant)>,
    /// Clears acknowledged.
    pub clears: Vec<String>,
    /// DTMF presses acknowledged.
    pub dtmf: Vec<String>,
    /// Buffer-depth queries answered.
    pub queries: usize,
}

/// A minimal platform model: plays entries in real time (tokio time), acknowledges per entry
/// (or once per id, on the final chunk, when `once_per_id`), answers clears, DTMF, queries and
/// terminate. The emulator crate has the full model; this is just enough to test the library.
pub struct Playout {
    pub once_per_id: bool,
    pub stats: PlayoutStats,
    queue: VecDeque<(String, Duration, bool)>,
    current: Option<(String, Duration, bool)>,
}

impl Playout {
    pub fn new(once_per_id: bool) -> Self {
        Playout {
            once_per_id,
            stats: PlayoutStats::default(),
            queue: VecDeque::new(),
            current: None,
        }
    }

    fn queued(&self) -> (Duration, usize) {
        let mut d: Duration = self.queue.iter().map(|e| e.1).sum();
        let mut n = self.queue.len();
        if let Some(c) = &self.current {
            d += c.1;
            n += 1;
        }
        (d, n)
    }

    /// Runs until the app ends the stream or sends TerminateCall. `tick` is how often playback
    /// advances.
    pub async fn run(mut self, p: &mut Platform) -> PlayoutStats {
        let tick = Duration::from_millis(20);
        let ct = p.info.content_type;
        let mut interval = tokio::time::interval(tick);
        loop {
            tokio::select! {
                msg = p.rx.message() => match msg {
                    Ok(Some(msg)) => match Command::from_proto(msg).expect("known app message") {
                        Command::PlayAudio { id, audio, sequence, last, .. } => {
                            self.stats.entries.push((id.clone(), sequence, last, audio.len()));
                            self.queue.push_back((id, ct.duration_of(audio.len()), last));
                            let (d, n) = self.queued();
                            self.stats.max_queued = self.stats.max_queued.max(d);
                            self.stats.max_entries = self.stats.max_entries.max(n);
                        }
                        Command::ClearAudioBuffer { id } => {
                            self.queue.clear();
                            self.current = None;
                            self.stats.clears.push(id.clone());
                            p.ack(Event::BufferCleared, &id).await;
                        }
                        Command::PressDtmf { id, .. } => {
                            self.stats.dtmf.push(id.clone());
                            p.ack(Event::DtmfPlayStarted, &id).await;
                            p.ack(Event::DtmfPlayCompleted, &id).await;
                        }
                        Command::QueryBuffer(kind) => {
                            self.stats.queries += 1;
                            let depth = if kind == BufferKind::Audio { self.queued().1 as u32 } else { 0 };
                            p.send(Event::BufferDepth(BufferDepth { kind, depth, size: 100 })).await;
                        }
                        Command::TerminateCall => {
                            p.end(EndReason::ApplicationDisconnect).await;
                            return self.stats;
                        }
                        Command::EndStream { .. } => {}
                    },
                    _ => return self.stats,
                },
                _ = interval.tick() => self.advance(p, tick).await,
            }
        }
    }

    async fn advance(&mut self, p: &Platform, mut left: Duration) {
        while left > Duration::ZERO {
            if self.current.is_none() {
                match self.queue.pop_front() {
                    Some(e) => {
                        let first = !self.once_per_id
                            || !self.stats.final_completion.iter().any(|f| f.0 == e.0);
                        if first {
                            p.ack(Event::PlaybackStarted, &e.0).await;
                        }
                        self.current = Some(e);
                    }
                    None => return,
                }
            }
            let Some((id, remaining, last)) = self.current.as_mut() else {
                return;
            };
            let step = left.min(*remaining);
            *remaining -= step;
            left -= step;
            if remaining.is_zero() {
                let (id, last) = (id.clone(), *last);
                self.current = None;
                if !self.once_per_id || last {
                    p.ack(Event::PlaybackCompleted, &id).await;
                }
                if last {
                    self.stats.final_completion.push((id, Instant::now()));
                }
            }
        }
    }
}

/// Whether a missing speech tool (espeak-ng, PocketSphinx) fails a test rather than skipping
/// it: CI installs them and sets `FCSTREAM_REQUIRE_SPEECH=1`.
pub fn speech_required() -> bool {
    std::env::var("FCSTREAM_REQUIRE_SPEECH").as_deref() == Ok("1")
}

/// A speech test cannot run (`why`): fails when speech is required, else says it is skipped.
pub fn skip_speech(why: &str) {
    assert!(
        !speech_required(),
        "FCSTREAM_REQUIRE_SPEECH=1 but the speech test cannot run: {why}"
    );
    eprintln!("SKIPPED (set FCSTREAM_REQUIRE_SPEECH=1 to fail instead): {why}");
}
