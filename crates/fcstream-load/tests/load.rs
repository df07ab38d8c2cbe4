//! `fcstream load`'s engine against real servers on loopback (127.0.0.1, OS-chosen ports):
//! fcstream's echo app (in plain HTTP/2 and over TLS), a server that drops every 10th frame,
//! one that accepts the stream and never answers, one that reports what the platform told it
//! (the platform variants reach the wire), and a generator forced to be late; the report's
//! latency histogram and per-second series. Nothing here asserts a speed: counts, loss and
//! verdicts only, with generous time-outs.

mod common;

use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use fcstream::proto::app_message::{Payload as Out, PlayAudioMessage, QueryBufferDepthMessage};
use fcstream::proto::grpc_stream_service_server::{GrpcStreamService, GrpcStreamServiceServer};
use fcstream::proto::platform_message::Payload as In;
use fcstream::proto::{AppMessage, PlatformMessage};
use fcstream::CallConfig;
use fcstream_load::{run, LoadConfig, LoadReport};
use tokio::net::TcpListener;
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;
use tokio_stream::{Stream, StreamExt};
use tonic::{Request, Response, Status, Streaming};

/// Serves fcstream's echo app on 127.0.0.1 (the core's test server); it stops when dropped.
async fn fcstream_echo() -> common::AppServer {
    common::serve_tcp(fcstream_apps::echo, CallConfig::default()).await
}

/// How a test server treats the caller's frames.
#[derive(Clone)]
enum Behaviour {
    /// Plays one 2 s entry at the first frame, asks the audio buffer's depth at the 10th
    /// (200 ms into that entry), and writes down each call's first `sequence_num` and the
    /// depth answers.
    Probe(Arc<Mutex<Probed>>),
    /// Echo all but every 10th frame (sequence 9, 19, ...).
    DropEveryTenth,
    /// Accept the stream, read it, never send anything, never end it.
    Silent,
}

/// What [`Behaviour::Probe`] was told by the platform.
#[derive(Debug, Default)]
struct Probed {
    /// Each call's first caller frame's `sequence_num`.
    first_sequences: Vec<u32>,
    /// Each depth answer's `depth`.
    depths: Vec<u32>,
}

struct TestServer(Behaviour);

#[tonic::async_trait]
impl GrpcStreamService for TestServer {
    type SendIVRDataStream = Pin<Box<dyn Stream<Item = Result<AppMessage, Status>> + Send>>;

    async fn send_ivr_data(
        &self,
        request: Request<Streaming<PlatformMessage>>,
    ) -> Result<Response<Self::SendIVRDataStream>, Status> {
        let behaviour = self.0.clone();
        let mut inbound = request.into_inner();
        let (tx, rx) = mpsc::channel(64);
        tokio::spawn(async move {
            let mut content_type = String::new();
            let mut n = 0u64;
            while let Some(Ok(msg)) = inbound.next().await {
                match (&behaviour, msg.payload) {
                    (_, Some(In::NotifyCallStarted(m))) => content_type = m.content_type,
                    (Behaviour::Probe(seen), Some(In::NotifyAudioData(m))) => {
                        n += 1;
                        let reply = match n {
                            1 => {
                                seen.lock()
                                    .expect("probe")
                                    .first_sequences
                                    .push(m.sequence_num);
                                Out::AudioData(PlayAudioMessage {
                                    id: "long".into(),
                                    // 2 s of µ-law silence.
                                    audio_data: vec![0xFF; 16_000].into(),
                                    content_type: content_type.clone(),
                                    sequence_num: 0,
                                    last_message: true,
                                })
                            }
                            10 => Out::QueryBuffer(QueryBufferDepthMessage { buffer_type: 1 }),
                            _ => continue,
                        };
                        if tx
                            .send(Ok(AppMessage {
                                payload: Some(reply),
                            }))
                            .await
                            .is_err()
                        {
                            return;
                        }
                    }
                    (Behaviour::Probe(seen), Some(In::NotifyBuffer(d))) => {
                        seen.lock().expect("probe").depths.push(d.depth);
                    }
                    (Behaviour::Probe(_), Some(In::NotifyCallEnded(_))) => return,
                    (Behaviour::DropEveryTenth, Some(In::NotifyAudioData(m))) => {
                        if m.sequence_num % 10 == 9 {
                            continue;
                        }
                        n += 1;
                        let play = AppMessage {
                            payload: Some(Out::AudioData(PlayAudioMessage {
                                id: format!("e{n}"),
                                audio_data: m.audio_data,
                                content_type: content_type.clone(),
                                sequence_num: 0,
                                last_message: true,
                            })),
                        };
                        if tx.send(Ok(play)).await.is_err() {
                            return;
                        }
                    }
                    (Behaviour::DropEveryTenth, Some(In::NotifyCallEnded(_))) => return,
                    _ => {}
                }
            }
            if matches!(&behaviour, Behaviour::Silent) {
                // Never answer, never end: hold the response open until the client goes.
                tx.closed().await;
            }
        });
        Ok(Response::new(Box::pin(ReceiverStream::new(rx))))
    }
}

/// Serves a [`TestServer`] on 127.0.0.1; returns its URL.
async fn test_server(behaviour: Behaviour) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(
        tonic::transport::Server::builder()
            .add_service(GrpcStreamServiceServer::new(TestServer(behaviour)))
            .serve_with_incoming(tonic::transport::server::TcpIncoming::from(listener)),
    );
    url
}

fn config(url: &str, calls: u32, seconds: u64) -> LoadConfig {
    let mut c = LoadConfig::new(url, calls);
    c.duration = Duration::from_secs(seconds);
    c.ramp_per_s = 500.0;
    // Generous: a busy CI machine must not turn slowness into loss.
    c.drain = Duration::from_secs(10);
    c.connect_timeout = Duration::from_secs(30);
    c
}

async fn load(c: LoadConfig) -> LoadReport {
    tokio::time::timeout(Duration::from_secs(120), run(c))
        .await
        .expect("the load run finished")
        .expect("the load run ran")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn echo_50_calls_for_3s_loses_nothing_and_counts_every_frame() {
    let server = fcstream_echo().await;
    let url = server.url.clone();
    let mut c = config(&url, 50, 3);
    c.calls_per_connection = 20; // 3 connections, calls spread over them
    let r = load(c).await;
    assert_eq!(r.calls.planned, 50);
    assert_eq!(r.calls.ok, 50, "{}", r.render());
    assert_eq!(r.calls.failed, 0, "{:?}", r.calls.failures);
    // 3 s of 20 ms frames per call.
    assert_eq!(r.frames.sent, 50 * 150);
    assert_eq!(r.frames.echoed, 50 * 150);
    assert_eq!(r.frames.lost, 0);
    assert_eq!(r.frames.loss_pct, 0.0);
    assert_eq!(r.frames.duplicates, 0);
    assert_eq!(r.frames.misrouted, 0);
    assert_eq!(r.frames.untagged, 0);
    assert_eq!(r.frames.buffer_overflows, 0);
    assert_eq!(r.latency_ms.count, 50 * 150);
    assert_eq!(r.connect_ms.count, 50);
    assert_eq!(r.first_audio_ms.count, 50);
    assert_eq!(r.generator.connections, 3);
    assert!(r.latency_ms.p50 > 0.0 && r.latency_ms.p50 <= r.latency_ms.max);
    // The echo app's pacer is credited by our playback notifications: three platform
    // messages per echoed frame (the frame, started, completed), plus start and end.
    assert!(
        r.rates.messages_out >= 2.5 * r.rates.frames_out,
        "{:?}",
        r.rates
    );
    let json = serde_json::to_value(&r).expect("json");
    assert_eq!(json["calls"]["ok"], 50);
    assert!(r.render().contains("added latency/frame"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_drops_every_tenth_frame_shows_ten_percent_loss() {
    let url = test_server(Behaviour::DropEveryTenth).await;
    let mut c = config(&url, 10, 3);
    // The other way of reading (each message as it arrives) counts the same.
    c.precise_receive = true;
    let r = load(c).await;
    assert_eq!(r.generator.receive, "precise");
    assert_eq!(r.frames.sent, 10 * 150);
    assert!(
        (9.0..=11.0).contains(&r.frames.loss_pct),
        "loss {}%\n{}",
        r.frames.loss_pct,
        r.render()
    );
    assert_eq!(r.frames.lost, 10 * 15);
    assert_eq!(r.calls.ok, 10, "{:?}", r.calls.failures);
    // The series puts the loss in the seconds its frames were sent: every one of the three.
    assert_eq!(r.series.iter().map(|s| s.lost).sum::<u64>(), r.frames.lost);
    for s in &r.series[..3] {
        assert!(s.lost > 0 && s.lost < s.frames_sent, "{s:?}");
    }
    // Loss breaks the SLO (a busy test machine may also make the run generator-limited;
    // either way it is never a pass).
    assert_ne!(r.verdict, "pass");
    assert!(!r.slo.met);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_never_answers_fails_every_call_with_a_clear_reason() {
    let url = test_server(Behaviour::Silent).await;
    let mut c = config(&url, 5, 1);
    c.drain = Duration::from_millis(500);
    let r = load(c).await;
    assert_eq!(r.calls.failed, 5, "{}", r.render());
    assert_eq!(r.calls.ok, 0);
    let (reason, n) = r.calls.failures.iter().next().expect("a reason");
    assert_eq!(*n, 5);
    assert!(reason.contains("no audio from the app"), "{reason}");
    assert_eq!(r.frames.lost, r.frames.sent);
    assert_eq!(r.first_audio_ms.count, 0);
    assert_ne!(r.verdict, "pass");
    assert!(r.render().contains("no audio from the app"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn late_ticks_flag_the_run_as_generator_limited() {
    let server = fcstream_echo().await;
    let url = server.url.clone();
    let mut c = config(&url, 5, 1);
    c.tick_stall = Duration::from_millis(6);
    let r = load(c).await;
    assert!(r.generator.limited, "{}", r.render());
    assert_eq!(r.verdict, "generator-limited");
    assert!(!r.slo.met);
    assert!(r.generator.lateness_ms.p99 > r.generator.lateness_threshold_ms);
    assert!(r.render().starts_with("GENERATOR-LIMITED"));
}

#[tokio::test]
async fn unusable_urls_and_unreachable_apps_are_errors() {
    let bad = run(LoadConfig::new("grpc://x", 1)).await;
    assert!(bad.unwrap_err().to_string().contains("https://"));
    // A port nobody listens on.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    drop(listener);
    let mut c = LoadConfig::new(format!("http://{addr}"), 2);
    c.connect_timeout = Duration::from_secs(5);
    let err = run(c).await.unwrap_err().to_string();
    assert!(err.contains("cannot connect"), "{err}");
}

/// Runs 3 calls of 1 s against a probing server with `tune` applied; what it was told.
async fn probe(tune: impl FnOnce(&mut LoadConfig)) -> Probed {
    let seen = Arc::new(Mutex::new(Probed::default()));
    let url = test_server(Behaviour::Probe(seen.clone())).await;
    let mut c = config(&url, 3, 1);
    c.expect_echo = false;
    c.drain = Duration::from_millis(500);
    tune(&mut c);
    let r = load(c).await;
    assert_eq!(r.calls.ok, 3, "{}", r.render());
    let mut seen = seen.lock().expect("probe");
    std::mem::take(&mut *seen)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_platform_variants_reach_the_wire() {
    // The platform model's defaults: frames from 0, the entry playing counted.
    let p = probe(|_| {}).await;
    assert_eq!(p.first_sequences, vec![0, 0, 0]);
    assert_eq!(p.depths, vec![1, 1, 1]);
    // --first-sequence 1 --depth-counts-playing false.
    let p = probe(|c| {
        c.first_sequence = 1;
        c.depth_counts_playing = false;
    })
    .await;
    assert_eq!(p.first_sequences, vec![1, 1, 1]);
    assert_eq!(p.depths, vec![0, 0, 0]);
}

/// The value at quantile `q` of the report's exported buckets, ms, as a reader of the JSON
/// would compute it.
fn quantile_ms(buckets: &[serde_json::Value], q: f64) -> f64 {
    let total: u64 = buckets
        .iter()
        .map(|b| b["count"].as_u64().expect("count"))
        .sum();
    let rank = ((q * total as f64).ceil() as u64).max(1);
    let mut seen = 0;
    for b in buckets {
        seen += b["count"].as_u64().expect("count");
        if seen >= rank {
            return b["le_us"].as_u64().expect("le_us") as f64 / 1000.0;
        }
    }
    f64::NAN
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_json_carries_the_latency_histogram_and_a_series_second_by_second() {
    let server = fcstream_echo().await;
    let (calls, seconds) = (20u64, 4u64);
    let mut c = config(&server.url, calls as u32, seconds);
    c.calls_per_connection = 8; // 3 lanes: the series adds them up
    let r = load(c).await;
    assert_eq!(r.calls.ok, calls, "{}", r.render());
    let json = serde_json::to_value(&r).expect("json");

    // The histogram: every echoed frame in it, and the report's percentiles from its buckets.
    let h = &json["latency_histogram"];
    let buckets = h["buckets"].as_array().expect("buckets");
    let sum: u64 = buckets
        .iter()
        .map(|b| b["count"].as_u64().expect("count"))
        .sum();
    assert_eq!(sum, r.frames.echoed);
    assert_eq!(sum, r.latency_ms.count);
    assert_eq!(h["count"].as_u64(), Some(sum));
    let l = &r.latency_ms;
    for (q, want) in [
        (0.5, l.p50),
        (0.9, l.p90),
        (0.99, l.p99),
        (0.999, l.p999),
        (1.0, l.max),
    ] {
        assert_eq!(quantile_ms(buckets, q), want, "q = {q}");
    }

    // The series: one row per second of the run (its 4 s, and the last calls' ends), the
    // calls up at each end of a second while they talk, the frames adding up.
    let series = &r.series;
    assert!(
        (seconds as usize..=seconds as usize + 3).contains(&series.len()),
        "{} rows: {series:#?}",
        series.len()
    );
    assert_eq!(json["series"].as_array().map(Vec::len), Some(series.len()));
    for (i, row) in series.iter().enumerate() {
        assert_eq!(row.t_s, i as u64);
        assert!(row.calls_up <= calls, "{row:?}");
    }
    // Every call starts within 40 ms and talks for 4 s: up at the end of seconds 1, 2 and 3
    // (second 0 too, unless the generator stalled for a second, which it would report).
    for row in &series[1..seconds as usize] {
        assert_eq!(row.calls_up, calls, "{series:#?}");
    }
    assert_eq!(series.last().map(|r| r.calls_up), Some(0));
    for row in &series[..seconds as usize] {
        assert!(row.frames_sent > 0 && row.echoed > 0, "{row:?}");
        let p99 = row.p99_ms.expect("a p99 in every second of talk");
        assert!(p99 > 0.0 && p99 <= row.max_ms.expect("max"), "{row:?}");
        assert!(row.lateness_p99_ms.is_some(), "{row:?}");
    }
    let total = |f: fn(&fcstream_load::report::SecondRow) -> u64| series.iter().map(f).sum::<u64>();
    assert_eq!(total(|s| s.frames_sent), r.frames.sent);
    assert_eq!(total(|s| s.echoed), r.frames.echoed);
    assert_eq!(total(|s| s.lost), 0);
    assert!(total(|s| s.late) <= r.frames.echoed);
    // The seconds' distributions hold every echo too.
    let worst = series.iter().filter_map(|s| s.max_ms).fold(0.0, f64::max);
    assert_eq!(worst, r.latency_ms.max);
    assert!(r.render().contains("per second"), "{}", r.render());
}

/// A CA, and a certificate for `localhost` signed by it, with its key (PEM).
fn pki() -> (String, String, String) {
    use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair};
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("params");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca =
        CertifiedIssuer::self_signed(ca_params, KeyPair::generate().expect("key")).expect("ca");
    let key = KeyPair::generate().expect("key");
    let cert = CertificateParams::new(vec!["localhost".into()])
        .expect("params")
        .signed_by(&key, &ca)
        .expect("cert");
    (ca.pem(), cert.pem(), key.serialize_pem())
}

/// fcstream's echo app over TLS on 127.0.0.1 (`fcstream serve --tls-cert --tls-key`'s
/// server); its `https://` URL. It stops when the sender is dropped.
async fn fcstream_echo_tls(cert: &str, key: &str) -> (String, tokio::sync::oneshot::Sender<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("https://{}", listener.local_addr().expect("addr"));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let tls = fcstream::TlsConfig {
        cert_pem: cert.as_bytes().to_vec(),
        key_pem: key.as_bytes().to_vec(),
        client_ca_pem: None,
    };
    tokio::spawn(
        fcstream::Server::from_listener(listener)
            .tls(tls)
            .drain_timeout(Duration::from_secs(1))
            .serve_with_shutdown(fcstream_apps::echo, async {
                let _ = stopped.await;
            }),
    );
    (url, stop)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn https_apps_are_loaded_over_tls_both_ways_of_reading() {
    let (ca, cert, key) = pki();
    let (url, _stop) = fcstream_echo_tls(&cert, &key).await;
    for precise in [false, true] {
        let mut c = config(&url, 12, 2);
        c.calls_per_connection = 5;
        c.precise_receive = precise;
        c.ca_cert_pem = Some(ca.as_bytes().to_vec());
        // The URL says 127.0.0.1; the certificate is for localhost.
        c.tls_domain = Some("localhost".into());
        let r = load(c).await;
        assert_eq!(r.calls.ok, 12, "precise {precise}: {}", r.render());
        assert_eq!(r.frames.sent, 12 * 100);
        assert_eq!(r.frames.echoed, 12 * 100, "{}", r.render());
        assert_eq!(r.frames.lost, 0);
        assert_eq!(r.generator.connections, 3);
        assert!(r.url.starts_with("https://"));
    }
    // The certificate is checked: not trusted without the CA, not valid for another name.
    let mut c = config(&url, 2, 1);
    c.connect_timeout = Duration::from_secs(10);
    c.tls_domain = Some("localhost".into());
    let err = run(c.clone()).await.unwrap_err().to_string();
    assert!(
        err.contains("TLS handshake failed") && err.contains("certificate"),
        "{err}"
    );
    c.ca_cert_pem = Some(ca.as_bytes().to_vec());
    c.tls_domain = Some("elsewhere.example".into());
    let err = run(c.clone()).await.unwrap_err().to_string();
    assert!(err.contains("TLS handshake failed"), "{err}");
    // A plain HTTP/2 client against the TLS port gets nowhere.
    c.url = url.replacen("https://", "http://", 1);
    let r = run(c).await;
    assert!(r.map(|r| r.calls.ok).unwrap_or(0) == 0);
}
