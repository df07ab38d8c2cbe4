//! A local speech-to-text service: Google Cloud Speech-to-Text v1 `StreamingRecognize` served
//! over gRPC by any [`Engine`] (PocketSphinx by default), so that a voice agent can be built and
//! tested offline with the same client ([`crate::google::GoogleStt`]) it uses against Google or
//! NVIDIA Riva in production. `fcstream stt-serve` runs it.
//!
//! Per stream: the async side reads the client's messages, checks the config and Google's
//! limits (stream duration, audio timeout), decodes µ-law, and hands PCM to a dedicated decoder
//! thread, which resamples to 16 kHz, runs the engine's [`Recognizer`](crate::engine::Recognizer)
//! and sends the results. Decoding, which is CPU-bound, never runs on the runtime's threads.
//! Every queue between the two is bounded, so a slow client slows its own stream only.

use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::net::TcpListener;
use tokio::sync::{mpsc, OwnedSemaphorePermit, Semaphore};
use tokio_stream::wrappers::ReceiverStream;
use tonic::{Request, Response, Status, Streaming};
use tracing::{debug, info, warn};

use crate::engine::{Engine, EngineResult, ENGINE_RATE};
use crate::google::api::recognition_config::AudioEncoding;
use crate::google::api::speech_server::{Speech, SpeechServer};
use crate::google::api::streaming_recognize_request::StreamingRequest;
use crate::google::api::streaming_recognize_response::SpeechEventType;
use crate::google::api::{
    SpeechRecognitionAlternative, StreamingRecognitionConfig, StreamingRecognitionResult,
    StreamingRecognizeRequest, StreamingRecognizeResponse,
};
use fcstream::audio::mulaw;
use fcstream::audio::resample::StreamResampler;
use fcstream::Result;

/// Google's message when a stream runs past its allowed audio duration (the number is the
/// configured limit).
fn duration_message(limit: Duration) -> String {
    let secs = limit.as_secs_f64();
    let secs = if secs.fract() == 0.0 {
        format!("{}", limit.as_secs())
    } else {
        format!("{secs}")
    };
    format!("Exceeded maximum allowed stream duration of {secs} seconds.")
}

/// Google's message when no audio arrived for the audio timeout.
pub const AUDIO_TIMEOUT_MESSAGE: &str = "Audio Timeout Error: Long duration elapsed without audio.";

/// Limits and queues of a [`SpeechService`]. The defaults follow Google's streaming limits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpeechServiceOptions {
    /// Streams at once; the next gets `RESOURCE_EXHAUSTED` at once. Default 64.
    pub max_streams: usize,
    /// Audio one stream may carry; past it the stream ends with `OUT_OF_RANGE` ("Exceeded
    /// maximum allowed stream duration of 305 seconds."). Default 305 s, as Google.
    pub max_stream_duration: Duration,
    /// How long a stream may go without a message (the config first, then audio); then it
    /// ends with `OUT_OF_RANGE` ("Audio Timeout Error: …"). Default 10 s, as Google.
    pub audio_timeout: Duration,
    /// Largest request message accepted, bytes (larger: `OUT_OF_RANGE` from tonic).
    /// Default 64 KiB (two seconds of 16 kHz LINEAR16).
    pub max_message_bytes: usize,
    /// Audio chunks and responses held per stream. Default 64.
    pub queue: usize,
    /// After the shutdown signal, how long open streams may run on before the server stops
    /// anyway. Default 30 s.
    pub drain_timeout: Duration,
}

impl Default for SpeechServiceOptions {
    fn default() -> Self {
        Self {
            max_streams: 64,
            max_stream_duration: Duration::from_secs(305),
            audio_timeout: Duration::from_secs(10),
            max_message_bytes: 64 * 1024,
            queue: 64,
            drain_timeout: Duration::from_secs(30),
        }
    }
}

/// The tonic service for `google.cloud.speech.v1.Speech` over an [`Engine`]; serve it with
/// [`serve_speech`], or add [`SpeechService::into_server`] to your own tonic router.
pub struct SpeechService {
    engine: Arc<dyn Engine>,
    options: SpeechServiceOptions,
    permits: Arc<Semaphore>,
    metrics: Arc<SpeechMetrics>,
}

impl std::fmt::Debug for SpeechService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SpeechService")
            .field("engine", &self.engine.name())
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl SpeechService {
    /// A service recognising with `engine`.
    pub fn new(engine: Arc<dyn Engine>, options: SpeechServiceOptions) -> Self {
        Self::with_metrics(engine, options, Arc::new(SpeechMetrics::default()))
    }

    /// A service recognising with `engine` that counts into `metrics`.
    pub fn with_metrics(
        engine: Arc<dyn Engine>,
        options: SpeechServiceOptions,
        metrics: Arc<SpeechMetrics>,
    ) -> Self {
        let permits = Arc::new(Semaphore::new(options.max_streams));
        Self {
            engine,
            options,
            permits,
            metrics,
        }
    }

    /// The service's metrics.
    pub fn metrics(&self) -> &Arc<SpeechMetrics> {
        &self.metrics
    }

    /// The tonic server, with the message size limit applied.
    pub fn into_server(self) -> SpeechServer<Self> {
        let max = self.options.max_message_bytes;
        SpeechServer::new(self).max_decoding_message_size(max)
    }
}

/// What the decoder thread is asked to do.
pub(crate) struct Job {
    rate: u32,
    phrases: Vec<String>,
    interim: bool,
    single_utterance: bool,
    language: String,
}

/// Checks the first message's config; the job it describes and its encoding.
pub(crate) fn check_config(
    config: StreamingRecognitionConfig,
) -> std::result::Result<(Job, AudioEncoding), Status> {
    let invalid =
        |m: String| Status::invalid_argument(format!("Invalid recognition 'config': {m}"));
    let rc = config
        .config
        .ok_or_else(|| invalid("streaming_config.config is missing.".into()))?;
    let encoding = match AudioEncoding::try_from(rc.encoding) {
        Ok(e @ (AudioEncoding::Linear16 | AudioEncoding::Mulaw)) => e,
        Ok(e) => {
            return Err(invalid(format!(
                "encoding {} is not supported by this service; use LINEAR16 or MULAW.",
                e.as_str_name()
            )))
        }
        Err(_) => return Err(invalid(format!("unknown encoding {}.", rc.encoding))),
    };
    let rate = u32::try_from(rc.sample_rate_hertz)
        .ok()
        .filter(|r| (8000..=48_000).contains(r))
        .ok_or_else(|| {
            invalid(format!(
                "sample_rate_hertz must be between 8000 and 48000 (got {}).",
                rc.sample_rate_hertz
            ))
        })?;
    if rc.audio_channel_count > 1 {
        return Err(invalid(format!(
            "audio_channel_count {} is not supported; send mono audio.",
            rc.audio_channel_count
        )));
    }
    if rc.language_code.len() > 35 {
        return Err(invalid("language_code is too long.".into()));
    }
    let phrases: Vec<String> = rc
        .speech_contexts
        .into_iter()
        .flat_map(|c| c.phrases)
        .take(5000)
        .map(|p| p.chars().take(100).collect())
        .collect();
    let language = if rc.language_code.is_empty() {
        "en-us".to_owned()
    } else {
        rc.language_code.to_ascii_lowercase()
    };
    Ok((
        Job {
            rate,
            phrases,
            interim: config.interim_results,
            single_utterance: config.single_utterance,
            language,
        },
        encoding,
    ))
}

type ResponseTx = mpsc::Sender<std::result::Result<StreamingRecognizeResponse, Status>>;

fn response(r: EngineResult, language: &str) -> StreamingRecognizeResponse {
    let end = r.end_offset;
    StreamingRecognizeResponse {
        results: vec![StreamingRecognitionResult {
            alternatives: vec![SpeechRecognitionAlternative {
                transcript: r.text,
                confidence: if r.is_final { r.confidence } else { 0.0 },
                words: Vec::new(),
            }],
            is_final: r.is_final,
            stability: if r.is_final { 0.0 } else { r.stability },
            result_end_time: Some(prost_types::Duration {
                seconds: i64::try_from(end.as_secs()).unwrap_or(i64::MAX),
                nanos: i32::try_from(end.subsec_nanos()).unwrap_or(0),
            }),
            channel_tag: 0,
            language_code: language.to_owned(),
        }],
        ..StreamingRecognizeResponse::default()
    }
}

/// How often a stream whose results are decoded elsewhere looks for them while no audio comes.
const POLL: Duration = Duration::from_millis(5);

/// The decoder thread of one stream. Returns when the audio ends (or the client goes away,
/// or a single utterance is over).
fn decode(
    engine: Arc<dyn Engine>,
    job: Job,
    mut audio: mpsc::Receiver<Vec<i16>>,
    out: ResponseTx,
    cancelled: Arc<AtomicBool>,
    _permit: OwnedSemaphorePermit,
    metrics: Arc<SpeechMetrics>,
) {
    let _active = metrics.stream_started();
    let started = Instant::now();
    let mut busy = Duration::ZERO;
    let mut fed: u64 = 0;
    let mut finals = 0u32;
    let fail = |status: Status| {
        let _ = out.blocking_send(Err(status));
    };
    let mut recognizer = match engine.recognizer_for(&job.phrases, job.interim) {
        Ok(r) => r,
        Err(e) => return fail(Status::internal(e.to_string())),
    };
    let setup = started.elapsed();
    let mut resampler = match StreamResampler::new(job.rate, ENGINE_RATE) {
        Ok(r) => r,
        Err(e) => return fail(Status::invalid_argument(e.to_string())),
    };
    // Sends what the engine produced; false when the stream is over (client gone, or the
    // single utterance ended).
    let emit = |results: Vec<EngineResult>, finals: &mut u32| -> bool {
        for r in results {
            if (!r.is_final && !job.interim) || (r.is_final && r.text.is_empty()) {
                if r.is_final {
                    metrics.empty_finals.fetch_add(1, Ordering::Relaxed);
                }
                continue;
            }
            if !r.is_final {
                metrics.interims.fetch_add(1, Ordering::Relaxed);
            }
            let is_final = r.is_final;
            if is_final && job.single_utterance {
                let event = StreamingRecognizeResponse {
                    speech_event_type: SpeechEventType::EndOfSingleUtterance as i32,
                    ..StreamingRecognizeResponse::default()
                };
                let _ = out.blocking_send(Ok(event));
            }
            if out.blocking_send(Ok(response(r, &job.language))).is_err() {
                return false;
            }
            if is_final {
                *finals += 1;
                metrics.finals.fetch_add(1, Ordering::Relaxed);
                if job.single_utterance {
                    return false;
                }
            }
        }
        true
    };
    // 16 kHz samples made so far: the flushed tail is cut to the exact total
    // (`resample::output_len`), whatever the resampler holds back.
    let mut made: u64 = 0;
    let mut run = |recognizer: &mut Box<dyn crate::engine::Recognizer>,
                   pcm: &[i16],
                   busy: &mut Duration,
                   made: &mut u64| {
        let t = Instant::now();
        let r = resampler
            .process(pcm)
            .map_err(|e| Status::internal(e.to_string()))
            .and_then(|p| {
                *made += p.len() as u64;
                recognizer
                    .accept(&p)
                    .map_err(|e| Status::internal(e.to_string()))
            });
        *busy += t.elapsed();
        r
    };
    let mut open = true;
    loop {
        // While the engine decodes elsewhere, wait for audio a little at a time and pass on
        // what completes meanwhile: a final must not wait for the caller's next chunk.
        let chunk = if recognizer.pending() {
            match audio.try_recv() {
                Ok(c) => Some(c),
                Err(mpsc::error::TryRecvError::Disconnected) => None,
                Err(mpsc::error::TryRecvError::Empty) => {
                    std::thread::sleep(POLL);
                    match recognizer.poll() {
                        Ok(results) => {
                            if !emit(results, &mut finals) {
                                open = false;
                                break;
                            }
                        }
                        Err(e) => return fail(Status::internal(e.to_string())),
                    }
                    continue;
                }
            }
        } else {
            audio.blocking_recv()
        };
        let Some(chunk) = chunk else { break };
        fed += chunk.len() as u64;
        metrics
            .audio_samples
            .fetch_add(chunk.len() as u64, Ordering::Relaxed);
        match run(&mut recognizer, &chunk, &mut busy, &mut made) {
            Ok(results) => {
                if !emit(results, &mut finals) {
                    open = false;
                    break;
                }
            }
            Err(status) => return fail(status),
        }
    }
    // Stops the reader (it waits on this) before the last, possibly slow, decoding.
    drop(audio);
    if open && !cancelled.load(Ordering::Relaxed) {
        let t = Instant::now();
        let total = fcstream::audio::resample::output_len(
            usize::try_from(fed).unwrap_or(usize::MAX),
            job.rate,
            ENGINE_RATE,
        ) as u64;
        let tail = resampler
            .flush()
            .map_err(|e| Status::internal(e.to_string()))
            .and_then(|mut p| {
                p.truncate(usize::try_from(total.saturating_sub(made)).unwrap_or(0));
                recognizer
                    .accept(&p)
                    .map_err(|e| Status::internal(e.to_string()))
            });
        let tail = tail.and_then(|mut r| {
            r.extend(
                recognizer
                    .finish()
                    .map_err(|e| Status::internal(e.to_string()))?,
            );
            Ok(r)
        });
        busy += t.elapsed();
        match tail {
            Ok(results) => {
                emit(results, &mut finals);
            }
            Err(status) => return fail(status),
        }
    }
    let audio_secs = fed as f64 / f64::from(job.rate);
    info!(
        audio_secs = format!("{audio_secs:.2}"),
        decoder_setup_ms = setup.as_millis() as u64,
        realtime_factor = format!("{:.3}", busy.as_secs_f64() / audio_secs.max(1e-9)),
        finals,
        "recognition stream ended"
    );
}

/// Reads the client's audio after the config: enforces the limits, decodes the encoding,
/// feeds the decoder thread.
async fn read_audio(
    mut requests: Streaming<StreamingRecognizeRequest>,
    encoding: AudioEncoding,
    rate: u32,
    options: SpeechServiceOptions,
    audio: mpsc::Sender<Vec<i16>>,
    out: ResponseTx,
    cancelled: Arc<AtomicBool>,
) {
    let max_samples = (options.max_stream_duration.as_secs_f64() * f64::from(rate)) as u64;
    let mut samples: u64 = 0;
    let mut odd_byte: Option<u8> = None;
    let fail = |status: Status| {
        cancelled.store(true, Ordering::Relaxed);
        let out = out.clone();
        async move {
            let _ = out.send(Err(status)).await;
        }
    };
    loop {
        let next = tokio::select! {
            // The decoder ended the stream (single utterance, or the client stopped reading).
            () = audio.closed() => return,
            next = tokio::time::timeout(options.audio_timeout, requests.message()) => next,
        };
        let message = match next {
            Err(_) => return fail(Status::out_of_range(AUDIO_TIMEOUT_MESSAGE)).await,
            Ok(Err(status)) => {
                debug!(%status, "client stream failed");
                cancelled.store(true, Ordering::Relaxed);
                return;
            }
            // Half-close: the decoder sends the last finals.
            Ok(Ok(None)) => return,
            Ok(Ok(Some(m))) => m,
        };
        let bytes = match message.streaming_request {
            Some(StreamingRequest::AudioContent(b)) => b,
            Some(StreamingRequest::StreamingConfig(_)) => {
                return fail(Status::invalid_argument(
                    "streaming_config may only be sent in the first request.",
                ))
                .await
            }
            None => continue,
        };
        let pcm = match encoding {
            AudioEncoding::Mulaw => mulaw::decode_all(&bytes),
            _ => {
                let mut pcm = Vec::with_capacity(bytes.len() / 2 + 1);
                let mut rest: &[u8] = &bytes;
                if let Some(lo) = odd_byte.take() {
                    if let Some((&hi, tail)) = rest.split_first() {
                        pcm.push(i16::from_le_bytes([lo, hi]));
                        rest = tail;
                    } else {
                        odd_byte = Some(lo);
                    }
                }
                let mut pairs = rest.chunks_exact(2);
                pcm.extend(pairs.by_ref().map(|p| i16::from_le_bytes([p[0], p[1]])));
                if let [b] = pairs.remainder() {
                    odd_byte = Some(*b);
                }
                pcm
            }
        };
        samples += pcm.len() as u64;
        if samples > max_samples {
            return fail(Status::out_of_range(duration_message(
                options.max_stream_duration,
            )))
            .await;
        }
        if pcm.is_empty() {
            continue;
        }
        if audio.send(pcm).await.is_err() {
            return;
        }
    }
}

#[tonic::async_trait]
impl Speech for SpeechService {
    type StreamingRecognizeStream =
        ReceiverStream<std::result::Result<StreamingRecognizeResponse, Status>>;

    async fn streaming_recognize(
        &self,
        request: Request<Streaming<StreamingRecognizeRequest>>,
    ) -> std::result::Result<Response<Self::StreamingRecognizeStream>, Status> {
        let peer = request.remote_addr();
        let permit = Arc::clone(&self.permits).try_acquire_owned().map_err(|_| {
            warn!(
                max = self.options.max_streams,
                "recognition stream refused: too many streams"
            );
            self.metrics.refused_streams.fetch_add(1, Ordering::Relaxed);
            Status::resource_exhausted(format!(
                "Too many concurrent recognition streams (at most {}).",
                self.options.max_streams
            ))
        })?;
        if let Err(e) = self.engine.admit() {
            warn!(error = %e, "recognition stream refused: the engine is overloaded");
            self.metrics
                .refused_overload
                .fetch_add(1, Ordering::Relaxed);
            let message = match e {
                crate::SttError::Status { message, .. } => message,
                other => other.to_string(),
            };
            return Err(Status::resource_exhausted(message));
        }
        let mut requests = request.into_inner();
        let first = tokio::time::timeout(self.options.audio_timeout, requests.message())
            .await
            .map_err(|_| Status::out_of_range(AUDIO_TIMEOUT_MESSAGE))??
            .ok_or_else(|| Status::invalid_argument("The stream ended before streaming_config."))?;
        let Some(StreamingRequest::StreamingConfig(config)) = first.streaming_request else {
            return Err(Status::invalid_argument(
                "The first request must carry streaming_config (and no audio_content).",
            ));
        };
        let (job, encoding) = check_config(config)?;
        info!(
            ?peer,
            rate = job.rate,
            encoding = encoding.as_str_name(),
            language = %job.language,
            phrases = job.phrases.len(),
            interim = job.interim,
            single_utterance = job.single_utterance,
            "recognition stream opened"
        );
        let queue = self.options.queue.max(1);
        let (out_tx, out_rx) = mpsc::channel(queue);
        let (audio_tx, audio_rx) = mpsc::channel(queue);
        let cancelled = Arc::new(AtomicBool::new(false));
        let rate = job.rate;
        {
            let engine = Arc::clone(&self.engine);
            let out = out_tx.clone();
            let cancelled = Arc::clone(&cancelled);
            let metrics = Arc::clone(&self.metrics);
            std::thread::Builder::new()
                .name("stt-decode".into())
                .spawn(move || decode(engine, job, audio_rx, out, cancelled, permit, metrics))
                .map_err(|e| Status::resource_exhausted(format!("no decoder thread: {e}")))?;
        }
        tokio::spawn(read_audio(
            requests,
            encoding,
            rate,
            self.options.clone(),
            audio_tx,
            out_tx,
            cancelled,
        ));
        Ok(Response::new(ReceiverStream::new(out_rx)))
    }
}

/// Serves `google.cloud.speech.v1.Speech` on `listener` (HTTP/2 without TLS) with `engine`,
/// plus gRPC health (`grpc.health.v1`) and server reflection, until `shutdown` resolves; then
/// health turns NOT_SERVING, new streams are refused, and open streams run on for up to
/// [`SpeechServiceOptions::drain_timeout`].
pub async fn serve_speech<F>(
    listener: TcpListener,
    engine: Arc<dyn Engine>,
    options: SpeechServiceOptions,
    shutdown: F,
) -> Result<()>
where
    F: Future<Output = ()> + Send,
{
    serve_speech_with_metrics(
        listener,
        engine,
        options,
        Arc::new(SpeechMetrics::default()),
        shutdown,
    )
    .await
}

/// [`serve_speech`], counting into `metrics` (render them with [`SpeechMetrics::render`]).
pub async fn serve_speech_with_metrics<F>(
    listener: TcpListener,
    engine: Arc<dyn Engine>,
    options: SpeechServiceOptions,
    metrics: Arc<SpeechMetrics>,
    shutdown: F,
) -> Result<()>
where
    F: Future<Output = ()> + Send,
{
    let addr = listener.local_addr()?;
    let (health, health_service, reflection) = fcstream::server::health_and_reflection::<
        SpeechServer<SpeechService>,
    >(crate::google::pb::FILE_DESCRIPTOR_SET)
    .await?;
    let reflection_v1alpha =
        fcstream::server::reflection_v1alpha(crate::google::pb::FILE_DESCRIPTOR_SET)?;
    let drain_timeout = options.drain_timeout;
    info!(%addr, engine = engine.name(), max_streams = options.max_streams, "speech service listening");
    let service = SpeechService::with_metrics(engine, options, metrics).into_server();
    let (signalled_tx, signalled_rx) = tokio::sync::oneshot::channel::<()>();
    let signal = async move {
        shutdown.await;
        info!(
            ?drain_timeout,
            "draining: refusing new streams, open streams run on"
        );
        fcstream::server::not_serving::<SpeechServer<SpeechService>>(&health).await;
        let _ = signalled_tx.send(());
    };
    let incoming = tonic::transport::server::TcpIncoming::from(listener).with_nodelay(Some(true));
    let serve = tonic::transport::Server::builder()
        .add_service(health_service)
        .add_service(reflection)
        .add_service(reflection_v1alpha)
        .add_service(service)
        .serve_with_incoming_shutdown(incoming, signal);
    let forced = async move {
        if signalled_rx.await.is_ok() {
            tokio::time::sleep(drain_timeout).await;
        } else {
            std::future::pending::<()>().await;
        }
    };
    tokio::select! {
        r = serve => r?,
        () = forced => warn!(?drain_timeout, "streams still open after the drain timeout; stopping anyway"),
    }
    info!("speech service stopped");
    Ok(())
}

/// The service's counters, rendered in the Prometheus text format by [`render`](Self::render)
/// (with the engine's own: queue depth, real-time factor, dropped audio).
#[derive(Debug, Default)]
pub struct SpeechMetrics {
    active_streams: AtomicUsize,
    streams: AtomicU64,
    refused_streams: AtomicU64,
    refused_overload: AtomicU64,
    audio_samples: AtomicU64,
    finals: AtomicU64,
    empty_finals: AtomicU64,
    interims: AtomicU64,
}

/// Decrements the active streams when a stream's decoder ends.
struct ActiveStream(Arc<SpeechMetrics>);

impl Drop for ActiveStream {
    fn drop(&mut self) {
        self.0.active_streams.fetch_sub(1, Ordering::Relaxed);
    }
}

impl SpeechMetrics {
    fn stream_started(self: &Arc<Self>) -> ActiveStream {
        self.active_streams.fetch_add(1, Ordering::Relaxed);
        self.streams.fetch_add(1, Ordering::Relaxed);
        ActiveStream(Arc::clone(self))
    }

    /// Recognition streams open now.
    pub fn active_streams(&self) -> usize {
        self.active_streams.load(Ordering::Relaxed)
    }

    /// Streams refused with `RESOURCE_EXHAUSTED` (too many streams, or the engine overloaded).
    pub fn refused(&self) -> u64 {
        self.refused_streams.load(Ordering::Relaxed) + self.refused_overload.load(Ordering::Relaxed)
    }

    /// Finals sent, and finals the engine produced empty (noise; not sent).
    pub fn finals(&self) -> (u64, u64) {
        (
            self.finals.load(Ordering::Relaxed),
            self.empty_finals.load(Ordering::Relaxed),
        )
    }

    /// The Prometheus text exposition of these counters and `engine`'s.
    pub fn render(&self, engine: &dyn Engine) -> String {
        use std::fmt::Write;
        let mut o = String::new();
        let mut metric = |name: &str, kind: &str, help: &str, value: String| {
            let _ = writeln!(
                o,
                "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}"
            );
        };
        let n = |v: u64| v.to_string();
        metric(
            "fcstream_stt_active_streams",
            "gauge",
            "Recognition streams open now",
            self.active_streams().to_string(),
        );
        metric(
            "fcstream_stt_streams_total",
            "counter",
            "Recognition streams started",
            n(self.streams.load(Ordering::Relaxed)),
        );
        metric(
            "fcstream_stt_refused_streams_total",
            "counter",
            "Streams refused with RESOURCE_EXHAUSTED: too many streams",
            n(self.refused_streams.load(Ordering::Relaxed)),
        );
        metric(
            "fcstream_stt_refused_overload_total",
            "counter",
            "Streams refused with RESOURCE_EXHAUSTED: the engine's decoding queue is full",
            n(self.refused_overload.load(Ordering::Relaxed)),
        );
        metric(
            "fcstream_stt_audio_samples_total",
            "counter",
            "Audio samples received from clients (at their own rates)",
            n(self.audio_samples.load(Ordering::Relaxed)),
        );
        metric(
            "fcstream_stt_finals_total",
            "counter",
            "Final results sent",
            n(self.finals.load(Ordering::Relaxed)),
        );
        metric(
            "fcstream_stt_empty_finals_total",
            "counter",
            "Utterances the engine decoded to no words (noise), not sent",
            n(self.empty_finals.load(Ordering::Relaxed)),
        );
        metric(
            "fcstream_stt_interims_total",
            "counter",
            "Interim results sent",
            n(self.interims.load(Ordering::Relaxed)),
        );
        let stats = engine.stats().unwrap_or_default();
        metric(
            "fcstream_stt_queue_depth",
            "gauge",
            "Decodes waiting for a worker",
            stats.queue_depth.to_string(),
        );
        metric(
            "fcstream_stt_busy_workers",
            "gauge",
            "Decoding workers busy now",
            stats.busy_workers.to_string(),
        );
        metric(
            "fcstream_stt_workers",
            "gauge",
            "Decoding workers in the pool",
            stats.workers.to_string(),
        );
        metric(
            "fcstream_stt_decodes_total",
            "counter",
            "Utterances and interim guesses decoded",
            n(stats.decodes),
        );
        metric(
            "fcstream_stt_decode_batches_total",
            "counter",
            "Decoding calls (each decodes a batch)",
            n(stats.batches),
        );
        metric(
            "fcstream_stt_decoded_audio_seconds_total",
            "counter",
            "Audio decoded by the workers",
            format!("{:.3}", stats.decoded_audio.as_secs_f64()),
        );
        metric(
            "fcstream_stt_decode_busy_seconds_total",
            "counter",
            "Time the workers spent decoding",
            format!("{:.3}", stats.busy.as_secs_f64()),
        );
        let rtf = if stats.decoded_audio.is_zero() {
            0.0
        } else {
            stats.busy.as_secs_f64() / stats.decoded_audio.as_secs_f64()
        };
        metric(
            "fcstream_stt_real_time_factor",
            "gauge",
            "Decoding time over audio decoded, since start (below 1: faster than real time)",
            format!("{rtf:.4}"),
        );
        metric(
            "fcstream_stt_interims_skipped_total",
            "counter",
            "Interim decodes skipped because the pool was busy",
            n(stats.interims_skipped),
        );
        metric(
            "fcstream_stt_speculative_finals_used_total",
            "counter",
            "Finals decoded during the hangover and used (the answer came sooner)",
            n(stats.speculative_used),
        );
        metric(
            "fcstream_stt_speculative_finals_cancelled_total",
            "counter",
            "Finals started during the hangover and cancelled (the caller spoke again)",
            n(stats.speculative_cancelled),
        );
        metric(
            "fcstream_stt_dropped_audio_seconds_total",
            "counter",
            "Audio the engine could not decode and dropped (stays 0: overload delays finals instead)",
            format!("{:.3}", stats.dropped_samples as f64 / f64::from(ENGINE_RATE)),
        );
        o
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn google_messages() {
        assert_eq!(
            duration_message(Duration::from_secs(305)),
            "Exceeded maximum allowed stream duration of 305 seconds."
        );
        assert_eq!(
            duration_message(Duration::from_millis(1500)),
            "Exceeded maximum allowed stream duration of 1.5 seconds."
        );
    }
}
