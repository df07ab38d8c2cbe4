//! `fcstream conform` is a fair judge: the real fcstream echo passes every case, a plain echo
//! written here on raw gRPC (as a server in another language would be) passes every case,
//! and the same echo with one flaw fails exactly the case that names the flaw, with a message
//! that says what the server did. Also: the raw cases' messages are the golden vectors, and
//! the JSON and JUnit outputs are well-formed with hostile text from the server.
//!
//! Real time on 127.0.0.1 with OS-chosen ports (the suite judges a server over a network);
//! every bound is generous (an echo latency bound of 1 s where the CLI's default is 250 ms).

use std::collections::VecDeque;
use std::convert::Infallible;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::{Buf, Bytes};
use fcstream::proto::app_message::{
    ClearAudioBufferMessage, Payload as Out, PlayAudioMessage, PressDtmfMessage,
    QueryBufferDepthMessage,
};
use fcstream::proto::platform_message::Payload as In;
use fcstream::proto::{AppMessage, PlatformMessage};
use fcstream::{CallConfig, ContentType};
use fcstream_emulator::conform::{self, Connector, Options, Profile, Report, Verdict};
use fcstream_emulator::ConnectOptions;
use prost::Message;
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;
use tonic::codec::{Codec, DecodeBuf, Decoder, EncodeBuf, Encoder};
use tonic::codegen::http;
use tonic::server::NamedService;
use tonic::{Request, Response, Status, Streaming};

// ---------------------------------------------------------------------------------------
// A plain echo on raw gRPC, with one optional flaw. Like an IVR letting the caller skip a
// prompt, it clears its audio buffer when the caller presses `*` (then asks the buffer's
// depth), so that `buffer/clear-during-playback` has a clear to judge.

/// What is wrong with the test server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Flaw {
    /// Nothing: a plain echo like FreeClimb's example servers.
    None,
    /// Reads the call start, then never reads again.
    NeverReads,
    /// Echoes each frame two bytes short.
    WrongSize,
    /// Labels every echo `audio/mulaw;rate=8000`, whatever the call.
    WrongContentType,
    /// Echoes frames in swapped pairs.
    Reorders,
    /// Echoes each frame 1.2 s late.
    Slow,
    /// Does not press back the caller's keys.
    DropsDtmf,
    /// Keeps its side open after `NotifyCallEnded` with this reason code.
    IgnoresReason(i32),
    /// Refuses calls of this content type.
    Refuses(ContentType),
    /// After a stream reset, refuses every later call.
    DiesAfterReset,
    /// Plays everything under one id, `last_message` false, with at most 8 frames not yet
    /// completed by the platform (a pacer that counts on one completion per message).
    WaitsForCompletion,
    /// No echo: keeps the audio buffer full of silence by depth queries, assuming the depth
    /// counts the entry playing.
    FillsByDepth,
    /// Answers each NotifyErrorMessage by sending the refused audio again.
    Floods,
    /// Fails the stream when a second key starts before the first ends.
    OverlapKills,
    /// Fails the stream on a message with no known payload.
    UnknownPayloadKills,
    /// Fails the stream on a message with fields it does not know.
    UnknownFieldKills,
    /// Echoes the last frame any call received (calls share one buffer).
    CrossTalk,
    /// Fails the stream with a status whose message is hostile text (for the outputs).
    HostileStatus,
    /// Counts frames from 0 and fails the stream when a frame's `sequence_num` is not its
    /// count.
    SequenceFromZero,
    /// After its clear (on the caller's `*`), echoes nothing more until the platform reports
    /// the completion of the last entry it played before the clear (which the clear dropped).
    StallsAfterClear,
    /// Assumes acks per id: plays clips of [`CLIP`] frames under one id (`last_message` on
    /// the last) and fails the stream on a second `NotifyAudioPlaybackStarted` for a clip.
    AssumesPerIdAcks,
    /// Like `WaitsForCompletion` (one id, `last_message` false, at most 8 frames not yet
    /// completed), but only once the platform has acknowledged anything: before the first
    /// `NotifyAudioPlaybackStarted` it plays unpaced, and with no acks at all it never paces.
    PacesOnceAcked,
    /// Waits to know its audio started before it echoes more: a `NotifyAudioPlaybackStarted`,
    /// or, from a platform that sends none, depth answers read as "entries still queued, not
    /// the one playing": it plays one frame into an idle buffer and asks the depth at once,
    /// three times 60 ms apart, and trusts three answers of 0; an answer of 1 it takes for
    /// audio held back, and from then on it waits for a start that never comes.
    InfersStartFromDepth,
    /// On calls of this content type, echoes each frame with every byte's lowest bit flipped
    /// (a lossy re-encoding): the right size and content type, not byte-exact. Calls of the
    /// other types are echoed exactly.
    Lossy(ContentType),
}

/// A decoded platform message with its encoded length (to see unknown fields).
type Inbound = (PlatformMessage, usize);

#[derive(Debug, Clone, Copy, Default)]
struct ServerCodec;
#[derive(Debug, Clone, Copy, Default)]
struct AppEncoder;
#[derive(Debug, Clone, Copy, Default)]
struct PlatformDecoder;

impl Codec for ServerCodec {
    type Encode = AppMessage;
    type Decode = Inbound;
    type Encoder = AppEncoder;
    type Decoder = PlatformDecoder;
    fn encoder(&mut self) -> AppEncoder {
        AppEncoder
    }
    fn decoder(&mut self) -> PlatformDecoder {
        PlatformDecoder
    }
}

impl Encoder for AppEncoder {
    type Item = AppMessage;
    type Error = Status;
    fn encode(&mut self, item: AppMessage, dst: &mut EncodeBuf<'_>) -> Result<(), Status> {
        item.encode(dst)
            .map_err(|e| Status::internal(e.to_string()))
    }
}

impl Decoder for PlatformDecoder {
    type Item = Inbound;
    type Error = Status;
    fn decode(&mut self, src: &mut DecodeBuf<'_>) -> Result<Option<Inbound>, Status> {
        let raw = src.copy_to_bytes(src.remaining());
        let len = raw.len();
        PlatformMessage::decode(raw)
            .map(|m| Some((m, len)))
            .map_err(|e| Status::invalid_argument(e.to_string()))
    }
}

/// The server's state shared by its calls.
#[derive(Debug)]
struct Shared {
    flaw: Flaw,
    poisoned: AtomicBool,
    last_frame: Mutex<Option<Bytes>>,
}

#[derive(Clone)]
struct EchoServer(Arc<Shared>);

impl NamedService for EchoServer {
    const NAME: &'static str = "freeclimb.GRPCStreamService";
}

type BoxFuture<T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send>>;

impl tower::Service<http::Request<tonic::body::Body>> for EchoServer {
    type Response = http::Response<tonic::body::Body>;
    type Error = Infallible;
    type Future = BoxFuture<Result<Self::Response, Infallible>>;

    fn poll_ready(
        &mut self,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Result<(), Infallible>> {
        std::task::Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: http::Request<tonic::body::Body>) -> Self::Future {
        let shared = self.0.clone();
        Box::pin(async move {
            let svc = tower::service_fn(move |r: Request<Streaming<Inbound>>| {
                let shared = shared.clone();
                async move { open(shared, r.into_inner()).await }
            });
            let mut grpc = tonic::server::Grpc::new(ServerCodec);
            Ok(grpc.streaming(svc, req).await)
        })
    }
}

type Replies = ReceiverStream<Result<AppMessage, Status>>;

/// `SendIVRData`: reads the call start, then echoes on a task of its own.
async fn open(
    shared: Arc<Shared>,
    mut inbound: Streaming<Inbound>,
) -> Result<Response<Replies>, Status> {
    if shared.poisoned.load(Ordering::SeqCst) {
        return Err(Status::unavailable("poisoned by an earlier reset"));
    }
    let first = inbound.message().await?;
    let ct = match first {
        Some((
            PlatformMessage {
                payload: Some(In::NotifyCallStarted(s)),
            },
            len,
        )) => {
            let m = PlatformMessage {
                payload: Some(In::NotifyCallStarted(s.clone())),
            };
            if shared.flaw == Flaw::UnknownFieldKills && m.encoded_len() != len {
                return Err(Status::invalid_argument("unknown field in the call start"));
            }
            ContentType::parse(&s.content_type)
                .map_err(|_| Status::invalid_argument("content type"))?
        }
        _ => return Err(Status::invalid_argument("no call start")),
    };
    if shared.flaw == Flaw::Refuses(ct) {
        return Err(Status::unimplemented(format!("{ct} is not supported")));
    }
    let (tx, rx) = mpsc::channel(1024);
    tokio::spawn(echo_call(shared, ct, inbound, tx));
    Ok(Response::new(ReceiverStream::new(rx)))
}

fn play(id: &str, audio: Bytes, content_type: &str, seq: u32, last: bool) -> AppMessage {
    AppMessage {
        payload: Some(Out::AudioData(PlayAudioMessage {
            id: id.into(),
            audio_data: audio,
            content_type: content_type.into(),
            sequence_num: seq,
            last_message: last,
        })),
    }
}

fn query_depth() -> AppMessage {
    AppMessage {
        payload: Some(Out::QueryBuffer(QueryBufferDepthMessage { buffer_type: 1 })),
    }
}

/// `WaitsForCompletion`: frames played and not yet completed, at most.
const WINDOW: usize = 8;

/// `AssumesPerIdAcks`: frames per clip.
const CLIP: u32 = 10;

/// `InfersStartFromDepth`: depth answers of 0 it needs, and the wait between its probes (the
/// 20 ms frame it played has ended long before the next, so each probe plays into an idle
/// buffer).
const PROBES: u32 = 3;
const PROBE_GAP: Duration = Duration::from_millis(60);
/// `InfersStartFromDepth`: frames it holds once it probes by depth (the newest; stale audio
/// is dropped).
const HELD_WHILE_PROBING: usize = 10;

async fn echo_call(
    shared: Arc<Shared>,
    ct: ContentType,
    mut inbound: Streaming<Inbound>,
    tx: mpsc::Sender<Result<AppMessage, Status>>,
) {
    let flaw = shared.flaw;
    if flaw == Flaw::NeverReads {
        std::future::pending::<()>().await;
    }
    // Slow: a delay line that keeps order.
    let (late_tx, mut late_rx) = mpsc::channel::<(tokio::time::Instant, AppMessage)>(4096);
    {
        let tx = tx.clone();
        tokio::spawn(async move {
            while let Some((due, m)) = late_rx.recv().await {
                tokio::time::sleep_until(due).await;
                if tx.send(Ok(m)).await.is_err() {
                    break;
                }
            }
        });
    }
    let label = if flaw == Flaw::WrongContentType {
        ContentType::Mulaw8k.as_str()
    } else {
        ct.as_str()
    };
    let mut seq: u32 = 0;
    let mut frames: u32 = 0;
    let mut held: Option<AppMessage> = None;
    let mut waiting: VecDeque<AppMessage> = VecDeque::new();
    let mut in_flight = 0usize;
    let mut last_sent: Option<AppMessage> = None;
    let mut keys_down = 0u32;
    let mut dtmf_seq = 0u32;
    let mut queried = false;
    let mut last_id: Option<String> = None;
    let mut stalled_on: Option<String> = None;
    let mut clears = 0u32;
    // PacesOnceAcked: the platform has sent a playback start.
    let mut acked = false;
    // AssumesPerIdAcks: the clip whose start came last.
    let mut last_started: Option<String> = None;
    // InfersStartFromDepth: whether it knows its audio plays, its probes.
    let mut trusted = flaw != Flaw::InfersStartFromDepth;
    let mut probes_ok = 0u32;
    let mut probing = false;
    let mut probe_due: Option<tokio::time::Instant> = None;
    let mut gave_up = false;
    loop {
        let (msg, len) = match inbound.message().await {
            Ok(Some(m)) => m,
            Ok(None) | Err(_) => {
                // The stream ended with no NotifyCallEnded (a reset: the platform's side
                // ends, then the stream is cancelled; a server sees either).
                if flaw == Flaw::DiesAfterReset {
                    shared.poisoned.store(true, Ordering::SeqCst);
                }
                break;
            }
        };
        if flaw == Flaw::UnknownFieldKills && msg.payload.is_some() && msg.encoded_len() != len {
            let _ = tx
                .send(Err(Status::invalid_argument("unknown field")))
                .await;
            return;
        }
        let send = |m: AppMessage| {
            let tx = tx.clone();
            async move { tx.send(Ok(m)).await.is_ok() }
        };
        match msg.payload {
            None => {
                if flaw == Flaw::UnknownPayloadKills {
                    let _ = tx.send(Err(Status::internal("unknown message"))).await;
                    return;
                }
            }
            Some(In::NotifyAudioData(a)) => {
                if flaw == Flaw::SequenceFromZero && a.sequence_num != frames {
                    let _ = tx
                        .send(Err(Status::data_loss(format!(
                            "frame {} arrived as number {}",
                            frames, a.sequence_num
                        ))))
                        .await;
                    return;
                }
                frames += 1;
                let mut audio = a.audio_data.clone();
                if flaw == Flaw::WrongSize {
                    audio = audio.slice(..audio.len().saturating_sub(2));
                }
                if flaw == Flaw::Lossy(ct) {
                    audio = audio.iter().map(|b| b ^ 1).collect::<Vec<u8>>().into();
                }
                if flaw == Flaw::CrossTalk {
                    // One "current frame" for the whole server: written, then read back a
                    // moment later (when the calls' frames arrive together, another call's).
                    *shared.last_frame.lock().unwrap() = Some(audio.clone());
                    tokio::time::sleep(Duration::from_millis(2)).await;
                    let current = shared.last_frame.lock().unwrap().clone();
                    audio = current.unwrap_or(audio);
                }
                if flaw == Flaw::FillsByDepth {
                    if !queried {
                        queried = true;
                        send(query_depth()).await;
                    }
                    continue;
                }
                if stalled_on.is_some() {
                    continue;
                }
                let id = format!("e{seq}");
                let m = match flaw {
                    Flaw::WaitsForCompletion | Flaw::PacesOnceAcked => {
                        play("stream", audio, label, seq, false)
                    }
                    Flaw::AssumesPerIdAcks => play(
                        &format!("c{}", seq / CLIP),
                        audio,
                        label,
                        seq % CLIP,
                        seq % CLIP == CLIP - 1,
                    ),
                    _ => play(&id, audio, label, 0, true),
                };
                seq += 1;
                match flaw {
                    Flaw::Reorders => match held.take() {
                        None => held = Some(m),
                        Some(first) => {
                            send(m).await;
                            send(first).await;
                        }
                    },
                    Flaw::Slow => {
                        let due = tokio::time::Instant::now() + Duration::from_millis(1200);
                        let _ = late_tx.send((due, m)).await;
                    }
                    Flaw::WaitsForCompletion | Flaw::PacesOnceAcked => {
                        let paced = flaw == Flaw::WaitsForCompletion || acked;
                        if in_flight < WINDOW || !paced {
                            in_flight += 1;
                            send(m).await;
                        } else {
                            waiting.push_back(m);
                        }
                    }
                    Flaw::InfersStartFromDepth if !trusted => {
                        waiting.push_back(m);
                        if probes_ok > 0 && waiting.len() > HELD_WHILE_PROBING {
                            // Probing by depth takes a while: audio held longer is stale.
                            waiting.pop_front();
                        }
                        let due = probe_due.is_none_or(|d| tokio::time::Instant::now() >= d);
                        if !gave_up && !probing && due {
                            if let Some(probe) = waiting.pop_front() {
                                probing = true;
                                send(probe).await;
                                send(query_depth()).await;
                            }
                        }
                    }
                    _ => {
                        last_sent = Some(m.clone());
                        last_id = Some(id);
                        send(m).await;
                    }
                }
            }
            Some(In::NotifyPlaybackStartedData(p)) if flaw == Flaw::AssumesPerIdAcks => {
                if last_started.as_deref() == Some(p.id.as_str()) {
                    let _ = tx
                        .send(Err(Status::failed_precondition(format!(
                            "a second NotifyAudioPlaybackStarted for clip {}: this server expects one per id",
                            p.id
                        ))))
                        .await;
                    return;
                }
                last_started = Some(p.id);
            }
            Some(In::NotifyPlaybackStartedData(_)) if flaw == Flaw::PacesOnceAcked => {
                acked = true;
            }
            Some(In::NotifyPlaybackStartedData(_)) if !trusted => {
                trusted = true;
                while let Some(m) = waiting.pop_front() {
                    send(m).await;
                }
            }
            Some(In::NotifyBuffer(d)) if !trusted && probing => {
                probing = false;
                if d.depth == 0 {
                    probes_ok += 1;
                    probe_due = Some(tokio::time::Instant::now() + PROBE_GAP);
                    if probes_ok >= PROBES {
                        trusted = true;
                        while let Some(m) = waiting.pop_front() {
                            send(m).await;
                        }
                    }
                } else {
                    // "My audio is held back": only a start will tell it otherwise.
                    gave_up = true;
                }
            }
            Some(In::NotifyPlaybackCompletedData(_))
                if flaw == Flaw::WaitsForCompletion || flaw == Flaw::PacesOnceAcked =>
            {
                in_flight = in_flight.saturating_sub(1);
                while in_flight < WINDOW {
                    let Some(m) = waiting.pop_front() else { break };
                    in_flight += 1;
                    send(m).await;
                }
            }
            Some(In::NotifyPlaybackCompletedData(c)) if flaw == Flaw::StallsAfterClear => {
                if stalled_on.as_deref() == Some(c.id.as_str()) {
                    stalled_on = None;
                }
            }
            Some(In::NotifyBuffer(d)) if flaw == Flaw::FillsByDepth => {
                // "Depth counts the entry playing": the free places are size - depth.
                for _ in d.depth..d.buffer_size {
                    let silence = Bytes::from(vec![0xFFu8; 1600]);
                    let id = format!("s{seq}");
                    seq += 1;
                    send(play(&id, silence, label, 0, true)).await;
                }
                let tx = tx.clone();
                tokio::spawn(async move {
                    tokio::time::sleep(Duration::from_millis(200)).await;
                    let _ = tx.send(Ok(query_depth())).await;
                });
            }
            Some(In::NotifyError(_)) if flaw == Flaw::Floods => {
                if let Some(m) = last_sent.clone() {
                    tokio::time::sleep(Duration::from_millis(2)).await;
                    send(m).await;
                }
            }
            Some(In::NotifyDtmfReceivedStartData(_)) => {
                keys_down += 1;
                if flaw == Flaw::OverlapKills && keys_down > 1 {
                    let _ = tx
                        .send(Err(Status::internal("a key started before the last ended")))
                        .await;
                    return;
                }
            }
            Some(In::NotifyDtmfReceivedEndData(k)) => {
                keys_down = keys_down.saturating_sub(1);
                if k.digit == "*" && flaw != Flaw::FillsByDepth {
                    clears += 1;
                    let clear = AppMessage {
                        payload: Some(Out::ClearAudioBuffer(ClearAudioBufferMessage {
                            id: format!("clear-{clears}"),
                        })),
                    };
                    send(clear).await;
                    send(query_depth()).await;
                    if flaw == Flaw::StallsAfterClear {
                        stalled_on = last_id.clone();
                    }
                    if flaw == Flaw::PacesOnceAcked {
                        // It knows a clear drops what was in flight, and drops its own.
                        in_flight = 0;
                        waiting.clear();
                    }
                }
                if flaw != Flaw::DropsDtmf && flaw != Flaw::FillsByDepth {
                    let press = AppMessage {
                        payload: Some(Out::DtmfData(PressDtmfMessage {
                            id: format!("d{dtmf_seq}"),
                            dtmf_digits: k.digit.clone(),
                            press_duration_ms: 100,
                            break_duration_ms: 50,
                            sequence_num: dtmf_seq,
                        })),
                    };
                    dtmf_seq += 1;
                    send(press).await;
                }
            }
            Some(In::NotifyCallEnded(e)) => {
                if flaw == Flaw::IgnoresReason(e.reason_code) {
                    // Keeps its side open, and the stream with it.
                    let _keep = (inbound, tx, late_tx);
                    std::future::pending::<()>().await;
                    return;
                }
                if flaw == Flaw::HostileStatus {
                    let _ = tx
                        .send(Err(Status::internal(
                            "<boom> & \"quotes\" ]]> \u{1b}[31m\u{0} end",
                        )))
                        .await;
                    return;
                }
                break;
            }
            Some(_) => {}
        }
    }
    // Dropping every sender ends the response with gRPC OK.
}

/// Serves a test echo on 127.0.0.1 (an OS-chosen port) with HTTP/2's default 64 KiB
/// receive windows (as grpc-go, grpc-js and grpcio start), returns its URL.
async fn spawn(flaw: Flaw) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = EchoServer(Arc::new(Shared {
        flaw,
        poisoned: AtomicBool::new(false),
        last_frame: Mutex::new(None),
    }));
    tokio::spawn(async move {
        let _ = tonic::transport::Server::builder()
            .initial_stream_window_size(65_535)
            .initial_connection_window_size(65_535)
            .add_service(server)
            .serve_with_incoming(tokio_stream::wrappers::TcpListenerStream::new(listener))
            .await;
    });
    format!("http://{addr}")
}

/// Generous options for a shared, busy test machine.
fn options(profile: Profile, only: Option<&str>) -> Options {
    Options {
        profile,
        only: only.map(str::to_string),
        echo_latency: Duration::from_secs(1),
        end_within: Duration::from_secs(2),
        jobs: 6,
        concurrent_calls: 20,
        ..Options::default()
    }
}

async fn judge(flaw: Flaw, options: &Options) -> Report {
    let url = spawn(flaw).await;
    let connector = Connector::url(url.clone(), ConnectOptions::default());
    conform::run_named(&connector, options, &url).await
}

fn failed(r: &Report) -> Vec<&'static str> {
    r.cases
        .iter()
        .filter(|c| c.verdict == Verdict::Fail)
        .map(|c| c.name)
        .collect()
}

/// Exactly `expected` fail, each with a message containing its `says`.
fn assert_fails(r: &Report, expected: &[(&str, &str)]) {
    let table = r.table();
    // Shown with --nocapture: what each flaw's failures say.
    println!("{table}");
    let mut names: Vec<_> = expected.iter().map(|(n, _)| *n).collect();
    names.sort_unstable();
    let mut got = failed(r);
    got.sort_unstable();
    assert_eq!(got, names, "\n{table}");
    for (name, says) in expected {
        let c = r.cases.iter().find(|c| c.name == *name).unwrap();
        assert!(
            c.detail.contains(says),
            "{name}: {:?} does not say {says:?}\n{table}",
            c.detail
        );
    }
}

// ---------------------------------------------------------------------------------------
// The judge against good servers.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_real_fcstream_echo_passes_every_case() {
    let connector = Connector::new(|| {
        Box::pin(fcstream_emulator::in_process::serve(
            fcstream_apps::echo,
            CallConfig::default(),
        ))
    });
    let report = conform::run_named(&connector, &options(Profile::Echo, None), "echo").await;
    assert_eq!(report.cases.len(), conform::CASES.len());
    assert_fails(&report, &[]);
    assert!(report.passed());
    // The echo never clears: the clear case has nothing to judge.
    let clear = report
        .cases
        .iter()
        .find(|c| c.name == "buffer/clear-during-playback")
        .unwrap();
    assert_eq!(clear.verdict, Verdict::Skip, "{}", clear.detail);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plain_echo_on_raw_grpc_passes_every_case() {
    let report = judge(Flaw::None, &options(Profile::Echo, None)).await;
    assert_eq!(report.cases.len(), conform::CASES.len());
    assert_fails(&report, &[]);
    // It clears on `*`: the clear case judged it (not skipped), the depth answer seen.
    let clear = report
        .cases
        .iter()
        .find(|c| c.name == "buffer/clear-during-playback")
        .unwrap();
    assert_eq!(clear.verdict, Verdict::Pass, "{}", clear.detail);
    assert!(clear.detail.contains("echo resumed"), "{}", clear.detail);
    assert!(
        clear.detail.contains("depth answered after it"),
        "{}",
        clear.detail
    );
}

// ---------------------------------------------------------------------------------------
// Each case fails against a server with the flaw it names.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_stops_reading_fails_reads_promptly() {
    // It never reads the call's end either: judged by the cases that need no end.
    let r = judge(
        Flaw::NeverReads,
        &options(Profile::App, Some("reads/*,content/*")),
    )
    .await;
    assert_fails(&r, &[("reads/promptly", "stopped reading")]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_short_echo_fails_the_echo_cases() {
    let r = judge(Flaw::WrongSize, &options(Profile::Echo, None)).await;
    assert_fails(
        &r,
        &[
            (
                "echo/mulaw-8k",
                "is 158 bytes; a caller frame of audio/mulaw;rate=8000 is 160",
            ),
            ("echo/l16-8k", "is 318 bytes"),
            ("echo/l16-16k", "is 638 bytes"),
        ],
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mislabelled_echo_fails_the_l16_echo_cases() {
    let r = judge(Flaw::WrongContentType, &options(Profile::Echo, None)).await;
    assert_fails(
        &r,
        &[
            ("echo/l16-8k", "content type \"audio/mulaw;rate=8000\""),
            ("echo/l16-16k", "content type \"audio/mulaw;rate=8000\""),
        ],
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reordering_echo_fails_the_echo_cases() {
    let r = judge(
        Flaw::Reorders,
        &options(Profile::Echo, Some("echo/*,acks/*")),
    )
    .await;
    let says = "out of order";
    assert_fails(
        &r,
        &[
            ("echo/mulaw-8k", says),
            ("echo/l16-8k", says),
            ("echo/l16-16k", says),
        ],
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_echo_fails_the_latency_bound() {
    let r = judge(Flaw::Slow, &options(Profile::Echo, None)).await;
    let says = "the bound is 1000 ms";
    assert_fails(
        &r,
        &[
            ("echo/mulaw-8k", says),
            ("echo/l16-8k", says),
            ("echo/l16-16k", says),
        ],
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_echo_that_drops_keys_fails_echo_dtmf() {
    let r = judge(Flaw::DropsDtmf, &options(Profile::Echo, None)).await;
    assert_fails(&r, &[("echo/dtmf", "pressed back \"\"")]);
    // Unless it does not claim keys.
    let mut o = options(Profile::Echo, Some("echo/dtmf"));
    o.echo_dtmf = false;
    let r = judge(Flaw::DropsDtmf, &o).await;
    assert_eq!(r.cases[0].verdict, Verdict::Skip);
    assert_eq!(r.failed(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_ignoring_each_end_reason_fails_exactly_that_case() {
    let says = "kept its side of the stream open more than 2s after NotifyCallEndedMessage(";
    for (code, case) in [
        (0, "end/caller-disconnect"),
        (1, "end/application-disconnect"),
        (2, "end/platform-disconnect"),
        (3, "end/platform-error"),
        (9, "future/unknown-end-reason"),
    ] {
        let r = judge(Flaw::IgnoresReason(code), &options(Profile::App, None)).await;
        assert_fails(&r, &[(case, says)]);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_refusing_a_content_type_fails_its_content_case() {
    let r = judge(
        Flaw::Refuses(ContentType::L16At8k),
        &options(Profile::App, None),
    )
    .await;
    assert_fails(
        &r,
        &[("content/l16-8k", "audio/l16;rate=8000 is not supported")],
    );
    // 16 kHz is also what the reading case uses.
    let r = judge(
        Flaw::Refuses(ContentType::L16At16k),
        &options(Profile::App, Some("content/*,reads/*")),
    )
    .await;
    assert_fails(
        &r,
        &[
            ("content/l16-16k", "failed the stream"),
            ("reads/promptly", "failed the stream"),
        ],
    );
    let r = judge(
        Flaw::Refuses(ContentType::Mulaw8k),
        &options(Profile::App, Some("content/*")),
    )
    .await;
    assert_fails(&r, &[("content/mulaw-8k", "failed the stream")]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_dies_after_a_reset_fails_stream_reset() {
    let r = judge(
        Flaw::DiesAfterReset,
        &options(Profile::Echo, Some("end/stream-reset")),
    )
    .await;
    assert_fails(
        &r,
        &[(
            "end/stream-reset",
            "after a stream reset with no NotifyCallEnded, the next call",
        )],
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_echo_waiting_for_a_completion_per_message_fails_the_other_ack_shapes() {
    let r = judge(Flaw::WaitsForCompletion, &options(Profile::Echo, None)).await;
    let says = "does the server wait for an acknowledgement this platform does not send?";
    assert_fails(
        &r,
        &[
            ("acks/per-id", says),
            ("acks/none", says),
            ("acks/depth-excludes-playing", says),
        ],
    );
}

/// The cases whose calls run under the platform's default ack shape (per-entry): every
/// scripted case but the other three ack shapes. (The raw cases send no acks.)
const UNDER_PER_ENTRY_ACKS: &[&str] = &[
    "content/mulaw-8k",
    "content/l16-8k",
    "content/l16-16k",
    "reads/promptly",
    "echo/mulaw-8k",
    "echo/l16-8k",
    "echo/l16-16k",
    "echo/dtmf",
    "end/caller-disconnect",
    "end/platform-error",
    "end/platform-disconnect",
    "end/stream-reset",
    "acks/per-entry",
    "buffer/overflow",
    "buffer/clear-during-playback",
    "caller/overlapping-keys",
    "caller/first-sequence-1",
    "load/concurrent-calls",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_assuming_acks_per_id_fails_acks_per_entry() {
    // Among the ack shapes, only per-entry fails it.
    let r = judge(
        Flaw::AssumesPerIdAcks,
        &options(Profile::Echo, Some("acks/*")),
    )
    .await;
    assert_eq!(r.cases.len(), 4);
    assert_fails(
        &r,
        &[(
            "acks/per-entry",
            "under acks=per-entry: the server failed the stream at",
        )],
    );
    assert!(
        r.cases[0]
            .detail
            .contains("a second NotifyAudioPlaybackStarted for clip c0"),
        "{}",
        r.cases[0].detail
    );
    // Per-entry is also the shape of every other scripted case (the platform's default), so
    // in the whole suite the flaw fails each of them too: acks/per-entry cannot fail alone.
    let r = judge(Flaw::AssumesPerIdAcks, &options(Profile::Echo, None)).await;
    let says = "a second NotifyAudioPlaybackStarted for clip";
    let expected: Vec<_> = UNDER_PER_ENTRY_ACKS.iter().map(|n| (*n, says)).collect();
    assert_fails(&r, &expected);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pacer_counting_on_a_completion_per_chunk_fails_acks_per_id() {
    let r = judge(Flaw::PacesOnceAcked, &options(Profile::Echo, None)).await;
    assert_fails(
        &r,
        &[(
            "acks/per-id",
            "does the server wait for an acknowledgement this platform does not send?",
        )],
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_echo_inferring_its_start_from_depth_fails_acks_none() {
    let r = judge(Flaw::InfersStartFromDepth, &options(Profile::Echo, None)).await;
    assert_fails(
        &r,
        &[("acks/none", "the echo stalled: nothing came back from")],
    );
    let none = r.cases.iter().find(|c| c.name == "acks/none").unwrap();
    assert!(
        none.detail
            .contains("does the server wait for an acknowledgement this platform does not send?"),
        "{}",
        none.detail
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lossy_echo_of_one_content_type_fails_exactly_its_echo_case() {
    for (ct, case, bytes) in [
        (ContentType::Mulaw8k, "echo/mulaw-8k", 160),
        (ContentType::L16At8k, "echo/l16-8k", 320),
        (ContentType::L16At16k, "echo/l16-16k", 640),
    ] {
        let r = judge(Flaw::Lossy(ct), &options(Profile::Echo, None)).await;
        let says =
            format!("echo #1 is not byte-exact: its {bytes} bytes differ from caller frame #1");
        assert_fails(&r, &[(case, says.as_str())]);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_filling_the_buffer_by_depth_fails_depth_excludes_playing() {
    let r = judge(Flaw::FillsByDepth, &options(Profile::App, None)).await;
    assert_fails(
        &r,
        &[(
            "acks/depth-excludes-playing",
            "refused with audio-buffer-full (buffer of 100 entries): the server overfilled",
        )],
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_resending_refused_audio_fails_buffer_overflow() {
    let r = judge(Flaw::Floods, &options(Profile::Echo, None)).await;
    assert_fails(&r, &[("buffer/overflow", "the server flooded")]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_failing_on_overlapping_keys_fails_that_case() {
    let r = judge(Flaw::OverlapKills, &options(Profile::Echo, None)).await;
    assert_fails(
        &r,
        &[(
            "caller/overlapping-keys",
            "a key started before the last ended",
        )],
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn servers_failing_on_future_messages_fail_the_future_cases() {
    let r = judge(Flaw::UnknownPayloadKills, &options(Profile::Echo, None)).await;
    assert_fails(
        &r,
        &[(
            "future/unknown-payload",
            "after a message with an unknown oneof member the server ended its stream before the call ended",
        )],
    );
    let r = judge(Flaw::UnknownFieldKills, &options(Profile::Echo, None)).await;
    assert_fails(
        &r,
        &[(
            "future/unknown-field",
            "refused the stream: InvalidArgument: unknown field in the call start",
        )],
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_echo_with_cross_talk_fails_concurrent_calls() {
    // One case at a time, so that only the concurrent case has calls at once.
    let mut o = options(Profile::Echo, Some("echo/mulaw-8k,load/*"));
    o.jobs = 1;
    let r = judge(Flaw::CrossTalk, &o).await;
    assert_fails(&r, &[("load/concurrent-calls", "cross-talk between calls")]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_counting_frames_from_zero_fails_first_sequence() {
    let r = judge(Flaw::SequenceFromZero, &options(Profile::Echo, None)).await;
    assert_fails(
        &r,
        &[(
            "caller/first-sequence-1",
            "with frames numbered from 1: the server failed the stream",
        )],
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_platform_variant_reaches_every_case_but_those_about_one_variant() {
    let only = Some("content/mulaw-8k,echo/mulaw-8k,acks/per-entry,caller/first-sequence-1");
    // The platform model's defaults: only the case numbering frames from 1 trips it.
    let r = judge(Flaw::SequenceFromZero, &options(Profile::Echo, only)).await;
    assert_eq!(r.platform, "defaults");
    assert_fails(
        &r,
        &[("caller/first-sequence-1", "the server failed the stream")],
    );
    // Frames numbered from 5 in every call: every case trips it.
    let mut o = options(Profile::Echo, only);
    o.variant.first_sequence = Some(5);
    let r = judge(Flaw::SequenceFromZero, &o).await;
    assert_eq!(r.platform, "first-sequence=5");
    assert!(
        r.table().contains("platform first-sequence=5"),
        "{}",
        r.table()
    );
    assert!(r
        .to_junit()
        .contains("name=\"platform\" value=\"first-sequence=5\""));
    let says = "the server failed the stream";
    assert_fails(
        &r,
        &[
            ("content/mulaw-8k", says),
            ("echo/mulaw-8k", says),
            ("acks/per-entry", says),
            ("caller/first-sequence-1", says),
        ],
    );
    // No acks in every call: an echo waiting for completions stalls in the echo case, but
    // the case about per-entry acks still gets them.
    let mut o = options(Profile::Echo, Some("echo/mulaw-8k,acks/per-entry"));
    o.variant.acks = Some(fcstream_emulator::buffers::AckShape::None);
    let r = judge(Flaw::WaitsForCompletion, &o).await;
    assert_eq!(r.platform, "acks=none");
    let got = failed(&r);
    assert_eq!(got, vec!["echo/mulaw-8k"], "{}", r.table());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_echo_waiting_for_a_completion_its_clear_dropped_fails_clear_during_playback() {
    let r = judge(Flaw::StallsAfterClear, &options(Profile::Echo, None)).await;
    assert_fails(
        &r,
        &[(
            "buffer/clear-during-playback",
            "does the server wait for a completion of an entry its clear dropped?",
        )],
    );
    // As an app (no echo expected), stopping after a clear is its right.
    let r = judge(
        Flaw::StallsAfterClear,
        &options(Profile::App, Some("buffer/clear-during-playback")),
    )
    .await;
    assert_fails(&r, &[]);
    assert_eq!(r.cases[0].verdict, Verdict::Pass, "{}", r.cases[0].detail);
}

// ---------------------------------------------------------------------------------------
// The outputs.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_and_junit_are_well_formed_with_hostile_text_from_the_server() {
    let r = judge(
        Flaw::HostileStatus,
        &options(Profile::App, Some("end/caller-disconnect,content/mulaw-8k")),
    )
    .await;
    assert_fails(&r, &[("end/caller-disconnect", "<boom>")]);
    // JSON: parses back, with the text intact as data.
    let text = serde_json::to_string(&r.to_json()).unwrap();
    let back: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(back["failed"], 1);
    assert_eq!(back["cases"].as_array().unwrap().len(), 2);
    // JUnit: no raw markup from the server, no control characters, every case listed.
    let xml = r.to_junit();
    assert!(
        !xml.contains("<boom>") && xml.contains("&lt;boom&gt;"),
        "{xml}"
    );
    assert!(!xml.contains('\u{1b}') && !xml.contains('\u{0}'), "{xml}");
    assert_eq!(xml.matches("<testcase ").count(), 2);
    assert_eq!(xml.matches("<failure ").count(), 1);
    // The table: one line per case, no control characters.
    let table = r.table();
    assert!(!table.contains('\u{1b}'), "{table}");
    // A well-formedness check without an XML crate: every element opened is closed, in order.
    let mut stack = Vec::new();
    let body = xml.split_once("?>").unwrap().1;
    let mut rest = body;
    while let Some(i) = rest.find('<') {
        let end = rest[i..].find('>').unwrap() + i;
        let tag = &rest[i + 1..end];
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(stack.pop(), Some(name.to_string()), "{xml}");
        } else if !tag.ends_with('/') {
            stack.push(tag.split_whitespace().next().unwrap().to_string());
        }
        rest = &rest[end + 1..];
    }
    assert!(stack.is_empty(), "{stack:?}");
}

// ---------------------------------------------------------------------------------------
// The raw cases send the golden vectors.

#[test]
fn the_raw_messages_are_the_golden_vectors() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fcstream/tests/fixtures/vectors/platform");
    let read = |f: &str| std::fs::read(dir.join(f)).unwrap();
    use fcstream_emulator::conform::raw;
    assert_eq!(raw::call_started().to_vec(), read("call_started.bin"));
    assert_eq!(
        raw::future_unknown_field().to_vec(),
        read("future_unknown_field.bin")
    );
    assert_eq!(
        raw::future_unknown_payload().to_vec(),
        read("future_unknown_payload.bin")
    );
    assert_eq!(
        raw::call_ended(fcstream::EndReason::CallerDisconnect, "caller hung up").to_vec(),
        read("call_ended_caller.bin")
    );
}
