//! The local speech service (`service`) and the Google client (`google`) against each other
//! over real loopback gRPC: results, Google's errors and limits, with a fake engine; then
//! PocketSphinx on synthesized speech (skipped when espeak-ng or libpocketsphinx is missing,
//! unless `FCSTREAM_REQUIRE_SPEECH=1`).

mod common;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use fcstream_speech::engine::{Engine, EngineResult, Recognizer, ENGINE_RATE};
use fcstream_speech::google::api::recognition_config::AudioEncoding;
use fcstream_speech::google::api::speech_client::SpeechClient;
use fcstream_speech::google::api::streaming_recognize_request::StreamingRequest;
use fcstream_speech::google::api::streaming_recognize_response::SpeechEventType;
use fcstream_speech::google::api::{
    RecognitionConfig, SpeechContext, StreamingRecognitionConfig, StreamingRecognizeRequest,
};
use fcstream_speech::google::{GoogleStt, GoogleSttOptions};
use fcstream_speech::service::{serve_speech, SpeechServiceOptions, AUDIO_TIMEOUT_MESSAGE};
use fcstream_speech::{SttConfig, SttError, Transcriber, Transcript};
use tokio::sync::oneshot;

/// A fake engine: one word per burst of loud samples (≥ 100 ms loud, then ≥ 100 ms quiet).
/// The words are the phrase hints in turn, or `burst` without hints.
struct BurstEngine {
    /// The phrases each recognizer was created with.
    seen: Mutex<Vec<Vec<String>>>,
}

struct BurstRecognizer {
    words: Vec<String>,
    n: usize,
    fed: u64,
    loud: u64,
    quiet: u64,
    in_word: bool,
}

impl BurstRecognizer {
    fn word(&mut self) -> EngineResult {
        let text = if self.words.is_empty() {
            "burst".to_owned()
        } else {
            self.words[self.n % self.words.len()].clone()
        };
        self.n += 1;
        self.in_word = false;
        EngineResult {
            text,
            is_final: true,
            stability: 1.0,
            confidence: 0.9,
            end_offset: Duration::from_secs_f64(self.fed as f64 / f64::from(ENGINE_RATE)),
        }
    }
}

impl Recognizer for BurstRecognizer {
    fn accept(&mut self, pcm16k: &[i16]) -> Result<Vec<EngineResult>, SttError> {
        let mut out = Vec::new();
        for s in pcm16k {
            self.fed += 1;
            if s.unsigned_abs() > 2000 {
                self.loud += 1;
                self.quiet = 0;
                if self.loud == 1600 {
                    self.in_word = true;
                    out.push(EngineResult {
                        text: "…".into(),
                        is_final: false,
                        stability: 0.5,
                        confidence: 0.0,
                        end_offset: Duration::from_secs_f64(self.fed as f64 / 16000.0),
                    });
                }
            } else {
                self.quiet += 1;
                if self.quiet >= 1600 {
                    self.loud = 0;
                    if self.in_word {
                        out.push(self.word());
                    }
                }
            }
        }
        Ok(out)
    }

    fn finish(&mut self) -> Result<Vec<EngineResult>, SttError> {
        Ok(if self.in_word {
            vec![self.word()]
        } else {
            Vec::new()
        })
    }
}

impl Engine for BurstEngine {
    fn recognizer(&self, phrases: &[String]) -> Result<Box<dyn Recognizer>, SttError> {
        self.seen.lock().unwrap().push(phrases.to_vec());
        Ok(Box::new(BurstRecognizer {
            words: phrases.to_vec(),
            n: 0,
            fed: 0,
            loud: 0,
            quiet: 0,
            in_word: false,
        }))
    }

    fn name(&self) -> &str {
        "bursts (test)"
    }
}

struct Running {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<fcstream::Result<()>>,
}

impl Running {
    fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    async fn stop(mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        tokio::time::timeout(Duration::from_secs(10), self.task)
            .await
            .expect("server stops")
            .unwrap()
            .unwrap();
    }
}

async fn start(engine: Arc<dyn Engine>, options: SpeechServiceOptions) -> Running {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (tx, rx) = oneshot::channel::<()>();
    let task = tokio::spawn(serve_speech(listener, engine, options, async {
        let _ = rx.await;
    }));
    Running {
        addr,
        stop: Some(tx),
        task,
    }
}

fn burst_engine() -> Arc<BurstEngine> {
    Arc::new(BurstEngine {
        seen: Mutex::new(Vec::new()),
    })
}

/// 8 kHz: `n` bursts of 300 ms tone separated (and followed) by 400 ms of silence.
fn bursts(n: usize, rate: u32) -> Vec<i16> {
    let mut pcm = Vec::new();
    for _ in 0..n {
        let loud = rate as usize * 3 / 10;
        pcm.extend((0..loud).map(|i| {
            (8000.0 * (2.0 * std::f64::consts::PI * 440.0 * i as f64 / f64::from(rate)).sin())
                as i16
        }));
        pcm.extend(std::iter::repeat_n(0i16, rate as usize * 4 / 10));
    }
    pcm
}

fn le_bytes(pcm: &[i16]) -> Vec<u8> {
    pcm.iter().flat_map(|s| s.to_le_bytes()).collect()
}

/// Sends `pcm` in 20 ms chunks as fast as the stream takes them.
async fn send_all(audio: &tokio::sync::mpsc::Sender<Bytes>, pcm: &[i16], rate: u32) {
    for chunk in pcm.chunks(rate as usize / 50) {
        audio
            .send(Bytes::from(le_bytes(chunk)))
            .await
            .expect("stream takes audio");
    }
}

/// Every result until the stream ends (or fails), with a generous timeout.
async fn collect(
    results: &mut tokio::sync::mpsc::Receiver<Result<Transcript, SttError>>,
) -> (Vec<Transcript>, Option<SttError>) {
    let mut got = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let next = tokio::time::timeout_at(deadline.into(), results.recv())
            .await
            .expect("results end in time");
        match next {
            Some(Ok(t)) => got.push(t),
            Some(Err(e)) => return (got, Some(e)),
            None => return (got, None),
        }
    }
}

fn finals(results: &[Transcript]) -> Vec<String> {
    results
        .iter()
        .filter(|t| t.is_final)
        .map(|t| t.text.clone())
        .collect()
}

fn client(url: &str) -> GoogleStt {
    GoogleStt::new(url, GoogleSttOptions::default()).unwrap()
}

#[tokio::test]
async fn google_client_gets_results_from_the_service() {
    let engine = burst_engine();
    let server = start(engine.clone(), SpeechServiceOptions::default()).await;
    let stt = client(&server.url());
    for interim in [true, false] {
        let mut stream = stt
            .open(&SttConfig {
                phrases: vec!["hello".into(), "world".into()],
                interim_results: interim,
                ..SttConfig::default()
            })
            .await
            .unwrap();
        send_all(&stream.audio, &bursts(2, 8000), 8000).await;
        drop(stream.audio);
        let (results, err) = collect(&mut stream.results).await;
        assert_eq!(err, None);
        assert_eq!(finals(&results), ["hello", "world"]);
        assert_eq!(results.iter().any(|t| !t.is_final), interim, "{results:?}");
        let f: Vec<&Transcript> = results.iter().filter(|t| t.is_final).collect();
        // The first burst ends at 0.3 s, the engine decides 100 ms of quiet later.
        assert!(
            (0.35..0.5).contains(&f[0].end_offset.as_secs_f64()),
            "{:?}",
            f[0]
        );
        assert!(
            (1.05..1.2).contains(&f[1].end_offset.as_secs_f64()),
            "{:?}",
            f[1]
        );
        assert!((f[0].confidence - 0.9).abs() < 1e-6 && f[0].stability == 1.0);
    }
    assert_eq!(
        engine.seen.lock().unwrap()[0],
        vec!["hello".to_owned(), "world".to_owned()]
    );

    // Health and reflection are served beside it.
    let channel = tonic::transport::Endpoint::from_shared(server.url())
        .unwrap()
        .connect()
        .await
        .unwrap();
    let mut health = tonic_health::pb::health_client::HealthClient::new(channel);
    let status = health
        .check(tonic_health::pb::HealthCheckRequest {
            service: "google.cloud.speech.v1.Speech".into(),
        })
        .await
        .unwrap()
        .into_inner()
        .status;
    assert_eq!(
        status,
        tonic_health::pb::health_check_response::ServingStatus::Serving as i32
    );
    server.stop().await;
}

/// A TLS speech server (certificate for `localhost` from a private CA) that wants
/// `x-goog-api-key: right-key` or `authorization: Bearer right-token`, as a hosted service
/// would; returns its `https://` URL and the CA (PEM).
async fn start_tls_with_credentials(engine: Arc<dyn Engine>) -> (String, String) {
    use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair};
    use tonic::transport::{Identity, Server, ServerTlsConfig};
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate().unwrap()).unwrap();
    let key = KeyPair::generate().unwrap();
    let cert = CertificateParams::new(vec!["localhost".to_owned()])
        .unwrap()
        .signed_by(&key, &ca)
        .unwrap();
    let check = |req: tonic::Request<()>| {
        let m = req.metadata();
        let key = m.get("x-goog-api-key").and_then(|v| v.to_str().ok());
        let bearer = m.get("authorization").and_then(|v| v.to_str().ok());
        if key == Some("right-key") || bearer == Some("Bearer right-token") {
            Ok(req)
        } else {
            Err(tonic::Status::unauthenticated("API key not valid"))
        }
    };
    let service = fcstream_speech::google::api::speech_server::SpeechServer::with_interceptor(
        fcstream_speech::service::SpeechService::new(engine, SpeechServiceOptions::default()),
        check,
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let tls = ServerTlsConfig::new().identity(Identity::from_pem(cert.pem(), key.serialize_pem()));
    tokio::spawn(
        Server::builder()
            .tls_config(tls)
            .unwrap()
            .add_service(service)
            .serve_with_incoming(tokio_stream::wrappers::TcpListenerStream::new(listener)),
    );
    (format!("https://localhost:{port}"), ca.pem())
}

#[tokio::test]
async fn client_speaks_tls_with_an_api_key_or_a_bearer_token() {
    let (url, ca) = start_tls_with_credentials(burst_engine()).await;
    let with = |api_key: Option<&str>, bearer_token: Option<&str>, ca: Option<&str>| {
        GoogleStt::new(
            &url,
            GoogleSttOptions {
                api_key: api_key.map(String::from),
                bearer_token: bearer_token.map(String::from),
                ca_cert_pem: ca.map(|c| c.as_bytes().to_vec()),
                ..GoogleSttOptions::default()
            },
        )
        .unwrap()
    };
    // The right credential, either kind, over TLS: results come back.
    for stt in [
        with(Some("right-key"), None, Some(&ca)),
        with(None, Some("right-token"), Some(&ca)),
    ] {
        let mut stream = stt.open(&SttConfig::default()).await.unwrap();
        send_all(&stream.audio, &bursts(1, 8000), 8000).await;
        drop(stream.audio);
        let (results, err) = collect(&mut stream.results).await;
        assert_eq!(err, None);
        assert_eq!(finals(&results), ["burst"]);
    }
    // A wrong or missing credential: the service's UNAUTHENTICATED, as an error.
    for stt in [
        with(Some("wrong-key"), None, Some(&ca)),
        with(None, None, Some(&ca)),
    ] {
        let failed = match stt.open(&SttConfig::default()).await {
            Err(e) => e,
            Ok(mut stream) => {
                send_all(&stream.audio, &bursts(1, 8000), 8000).await;
                drop(stream.audio);
                collect(&mut stream.results).await.1.expect("refused")
            }
        };
        assert!(
            matches!(&failed, SttError::Status { code, .. } if code == "UNAUTHENTICATED"),
            "{failed:?}"
        );
    }
    // A certificate the client does not trust (the public roots): no stream.
    let untrusted = with(Some("right-key"), None, None);
    let failed = match untrusted.open(&SttConfig::default()).await {
        Err(e) => e,
        Ok(mut stream) => {
            drop(stream.audio);
            collect(&mut stream.results).await.1.expect("refused")
        }
    };
    assert!(matches!(failed, SttError::Unavailable(_)), "{failed:?}");
    // Both credentials at once is a configuration error.
    assert!(matches!(
        GoogleStt::new(
            &url,
            GoogleSttOptions {
                api_key: Some("k".into()),
                bearer_token: Some("t".into()),
                ..GoogleSttOptions::default()
            }
        ),
        Err(SttError::InvalidConfig(_))
    ));
}

fn config_request(
    encoding: AudioEncoding,
    rate: i32,
    single_utterance: bool,
) -> StreamingRecognizeRequest {
    StreamingRecognizeRequest {
        streaming_request: Some(StreamingRequest::StreamingConfig(
            StreamingRecognitionConfig {
                config: Some(RecognitionConfig {
                    encoding: encoding as i32,
                    sample_rate_hertz: rate,
                    language_code: "en-US".into(),
                    speech_contexts: vec![SpeechContext {
                        phrases: vec!["yes".into(), "no".into()],
                        boost: 0.0,
                    }],
                    ..RecognitionConfig::default()
                }),
                single_utterance,
                interim_results: false,
            },
        )),
    }
}

fn audio_request(bytes: Vec<u8>) -> StreamingRecognizeRequest {
    StreamingRecognizeRequest {
        streaming_request: Some(StreamingRequest::AudioContent(Bytes::from(bytes))),
    }
}

/// The status a raw stream of `requests` ends with (from the call or from its messages).
async fn raw_status(url: &str, requests: Vec<StreamingRecognizeRequest>) -> tonic::Status {
    let mut client = SpeechClient::connect(url.to_owned()).await.unwrap();
    let call = client.streaming_recognize(tokio_stream::iter(requests));
    let mut stream = match tokio::time::timeout(Duration::from_secs(10), call)
        .await
        .unwrap()
    {
        Err(status) => return status,
        Ok(r) => r.into_inner(),
    };
    loop {
        match stream.message().await {
            Err(status) => return status,
            Ok(Some(_)) => {}
            Ok(None) => panic!("stream ended without an error"),
        }
    }
}

#[tokio::test]
async fn bad_first_messages_are_invalid_argument() {
    let server = start(burst_engine(), SpeechServiceOptions::default()).await;
    let url = server.url();

    let s = raw_status(&url, vec![audio_request(vec![0; 320])]).await;
    assert_eq!(s.code(), tonic::Code::InvalidArgument, "{s:?}");
    assert!(s.message().contains("streaming_config"), "{s:?}");

    for rate in [4000, 96_000, -1] {
        let s = raw_status(
            &url,
            vec![config_request(AudioEncoding::Linear16, rate, false)],
        )
        .await;
        assert_eq!(s.code(), tonic::Code::InvalidArgument, "{s:?}");
        assert!(s.message().contains("between 8000 and 48000"), "{s:?}");
    }
    let s = raw_status(&url, vec![config_request(AudioEncoding::Flac, 8000, false)]).await;
    assert_eq!(s.code(), tonic::Code::InvalidArgument, "{s:?}");
    assert!(s.message().contains("FLAC"), "{s:?}");

    // A second config later in the stream.
    let s = raw_status(
        &url,
        vec![
            config_request(AudioEncoding::Linear16, 8000, false),
            audio_request(vec![0; 320]),
            config_request(AudioEncoding::Linear16, 8000, false),
        ],
    )
    .await;
    assert_eq!(s.code(), tonic::Code::InvalidArgument, "{s:?}");

    // The client refuses a bad rate before sending anything.
    let stt = client(&url);
    let err = stt
        .open(&SttConfig {
            sample_rate: 4000,
            ..SttConfig::default()
        })
        .await
        .err()
        .unwrap();
    assert!(matches!(err, SttError::InvalidConfig(_)), "{err:?}");
    server.stop().await;
}

#[tokio::test]
async fn single_utterance_mulaw_stops_after_first_final() {
    let server = start(burst_engine(), SpeechServiceOptions::default()).await;
    let mut client = SpeechClient::connect(server.url()).await.unwrap();
    let mut requests = vec![config_request(AudioEncoding::Mulaw, 8000, true)];
    for chunk in bursts(2, 8000).chunks(160) {
        requests.push(audio_request(fcstream::audio::mulaw::encode_all(chunk)));
    }
    let (tx, rx) = tokio::sync::mpsc::channel(4);
    // Keep the request stream open: the server ends the stream by itself.
    let feeder = tokio::spawn(async move {
        for r in requests {
            if tx.send(r).await.is_err() {
                return;
            }
        }
        tokio::time::sleep(Duration::from_secs(30)).await;
    });
    let mut stream = client
        .streaming_recognize(tokio_stream::wrappers::ReceiverStream::new(rx))
        .await
        .unwrap()
        .into_inner();
    let mut seen = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(20);
    while let Some(m) = tokio::time::timeout_at(deadline.into(), stream.message())
        .await
        .expect("stream ends by itself")
        .unwrap()
    {
        seen.push(m);
    }
    feeder.abort();
    assert_eq!(seen.len(), 2, "{seen:?}");
    assert_eq!(
        seen[0].speech_event_type,
        SpeechEventType::EndOfSingleUtterance as i32
    );
    let r = &seen[1].results[0];
    assert!(r.is_final);
    assert_eq!(r.alternatives[0].transcript, "yes");
    server.stop().await;
}

#[tokio::test]
async fn too_many_streams_is_resource_exhausted() {
    let server = start(
        burst_engine(),
        SpeechServiceOptions {
            max_streams: 2,
            ..SpeechServiceOptions::default()
        },
    )
    .await;
    let stt = client(&server.url());
    let a = stt.open(&SttConfig::default()).await.unwrap();
    let b = stt.open(&SttConfig::default()).await.unwrap();
    let err = stt.open(&SttConfig::default()).await.err().unwrap();
    match &err {
        SttError::Status { code, message } => {
            assert_eq!(code, "RESOURCE_EXHAUSTED");
            assert!(message.contains("at most 2"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    // One ends: a new stream is admitted.
    let SttStreamParts(audio, mut results) = parts(a);
    drop(audio);
    let _ = collect(&mut results).await;
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        match stt.open(&SttConfig::default()).await {
            Ok(_) => break,
            Err(e) if Instant::now() < deadline => {
                eprintln!("not yet: {e}");
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            Err(e) => panic!("{e}"),
        }
    }
    drop(b);
    server.stop().await;
}

struct SttStreamParts(
    tokio::sync::mpsc::Sender<Bytes>,
    tokio::sync::mpsc::Receiver<Result<Transcript, SttError>>,
);

fn parts(s: fcstream_speech::SttStream) -> SttStreamParts {
    SttStreamParts(s.audio, s.results)
}

#[tokio::test]
async fn google_limits_are_out_of_range() {
    let server = start(
        burst_engine(),
        SpeechServiceOptions {
            audio_timeout: Duration::from_millis(300),
            max_stream_duration: Duration::from_secs(2),
            ..SpeechServiceOptions::default()
        },
    )
    .await;
    let stt = client(&server.url());

    // No audio for the audio timeout.
    let started = Instant::now();
    let mut stream = stt.open(&SttConfig::default()).await.unwrap();
    let (_, err) = collect(&mut stream.results).await;
    assert_eq!(
        err,
        Some(SttError::Status {
            code: "OUT_OF_RANGE".into(),
            message: AUDIO_TIMEOUT_MESSAGE.into()
        })
    );
    assert_eq!(
        AUDIO_TIMEOUT_MESSAGE,
        "Audio Timeout Error: Long duration elapsed without audio."
    );
    assert!(started.elapsed() < Duration::from_secs(5));
    drop(stream.audio);

    // More audio than the stream may carry (sent fast: the limit is on audio, not time).
    let mut stream = stt.open(&SttConfig::default()).await.unwrap();
    let pcm = bursts(5, 8000); // 3.5 s
    let audio = stream.audio.clone();
    let feeder = tokio::spawn(async move {
        for chunk in pcm.chunks(160) {
            if audio.send(Bytes::from(le_bytes(chunk))).await.is_err() {
                return;
            }
        }
    });
    let (results, err) = collect(&mut stream.results).await;
    assert_eq!(
        err,
        Some(SttError::Status {
            code: "OUT_OF_RANGE".into(),
            message: "Exceeded maximum allowed stream duration of 2 seconds.".into()
        })
    );
    // Only words of the first two seconds (those decoded before the error) arrived.
    assert!(finals(&results).len() <= 2, "{results:?}");
    feeder.abort();
    server.stop().await;
}

#[tokio::test]
async fn unreachable_service_is_unavailable_quickly() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let stt = GoogleStt::new(
        &format!("http://127.0.0.1:{port}"),
        GoogleSttOptions {
            connect_timeout: Duration::from_secs(2),
            ..GoogleSttOptions::default()
        },
    )
    .unwrap();
    let started = Instant::now();
    let err = tokio::time::timeout(Duration::from_secs(10), stt.open(&SttConfig::default()))
        .await
        .expect("fails in time")
        .err()
        .unwrap();
    assert!(matches!(err, SttError::Unavailable(_)), "{err:?}");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
}

// ---- PocketSphinx on synthesized speech ----

#[cfg(feature = "pocketsphinx")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pocketsphinx_recognises_hinted_words() {
    use fcstream_speech::engine::pocketsphinx::{PocketSphinx, PocketSphinxConfig};
    use fcstream_speech::tts::{EspeakNg, Synthesizer};

    let engine =
        match tokio::task::spawn_blocking(|| PocketSphinx::new(PocketSphinxConfig::default()))
            .await
            .unwrap()
        {
            Ok(e) => e,
            Err(e) => return common::skip_speech(&e.to_string()),
        };
    eprintln!("decoder init: {:?}", engine.decoder_init_time());
    let tts = EspeakNg {
        sample_rate: Some(8000),
        ..EspeakNg::default()
    };
    let mut clips = Vec::new();
    for text in [
        "goodbye",
        "hours",
        "Thanks for calling. Please say hours or goodbye.",
    ] {
        match tts.synthesize(text).await {
            Ok(clip) => clips.push(clip),
            Err(e) => return common::skip_speech(&e.to_string()),
        }
    }
    let sphinx = Arc::new(engine);
    let engine: Arc<dyn Engine> = sphinx.clone();
    let server = start(engine.clone(), SpeechServiceOptions::default()).await;
    let stt = client(&server.url());
    // "qzxv" is in no dictionary: left out of the grammar, the decoder is still reused.
    let hints: Vec<String> = ["hours", "goodbye", "billing", "operator", "agent", "qzxv"]
        .map(String::from)
        .to_vec();
    for (word, clip) in ["goodbye", "hours"].iter().zip(&clips) {
        assert_eq!(clip.sample_rate(), 8000);
        let mut pcm = vec![0i16; 2400];
        pcm.extend(clip.samples());
        pcm.extend(vec![0i16; 8000]);
        let mut stream = stt
            .open(&SttConfig {
                phrases: hints.clone(),
                ..SttConfig::default()
            })
            .await
            .unwrap();
        send_all(&stream.audio, &pcm, 8000).await;
        drop(stream.audio);
        let (results, err) = collect(&mut stream.results).await;
        assert_eq!(err, None);
        let finals = finals(&results);
        eprintln!("{word:?} -> {finals:?}");
        assert!(
            finals.iter().any(|f| f.split(' ').any(|w| w == *word)),
            "{word}: {results:?}"
        );
    }

    // Both hinted streams ran on one small grammar decoder (made for the first, reused by the
    // second, back in its pool once the stream's thread let go); the dictation pool was not
    // touched.
    let deadline = Instant::now() + Duration::from_secs(20);
    while sphinx.grammar_decoders() != 1 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(sphinx.grammar_decoders(), 1);
    assert_eq!(sphinx.idle_decoders(), 1);

    // Real-time factor of open dictation on one 8 kHz sentence (resampling included).
    let sentence = clips[2].samples();
    let secs = sentence.len() as f64 / 8000.0;
    let engine2 = engine.clone();
    let (text, took) = tokio::task::spawn_blocking(move || {
        let mut rec = engine2.recognizer(&[]).unwrap();
        let started = Instant::now();
        let mut up = fcstream::audio::resample::StreamResampler::new(8000, 16000).unwrap();
        let mut pcm = up.process(&sentence).unwrap();
        pcm.extend(up.flush().unwrap());
        pcm.extend(vec![0i16; 16000]);
        let mut out = Vec::new();
        for chunk in pcm.chunks(320) {
            out.extend(rec.accept(chunk).unwrap());
        }
        out.extend(rec.finish().unwrap());
        let text: Vec<String> = out
            .into_iter()
            .filter(|r| r.is_final)
            .map(|r| r.text)
            .collect();
        (text, started.elapsed())
    })
    .await
    .unwrap();
    eprintln!(
        "dictation of {secs:.2} s of 8 kHz speech: {text:?} in {took:?} (real-time factor {:.3})",
        took.as_secs_f64() / secs
    );
    server.stop().await;
}
