//! `fcstream stt-serve` (a local Google-compatible speech-to-text service on Whisper or
//! PocketSphinx) and `fcstream transcribe` (stream a WAV file to such a service and print what
//! it heard), so that a voice agent can be developed and demonstrated offline.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{anyhow, Context};
use bytes::Bytes;
use clap::{Args, ValueEnum};
use fcstream_speech::engine::pocketsphinx::{PocketSphinx, PocketSphinxConfig, DEFAULT_MODEL_DIR};
use fcstream_speech::engine::Engine;
use fcstream_speech::google::{GoogleStt, GoogleSttOptions};
use fcstream_speech::service::{serve_speech_with_metrics, SpeechMetrics, SpeechServiceOptions};
use fcstream_speech::{SttConfig, SttError, Transcriber};
use tracing::info;

use crate::Hint;

/// The recognition engine of `stt-serve`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EngineKind {
    /// Whisper when its model is installed (`fcstream models install`), else PocketSphinx.
    Auto,
    /// OpenAI Whisper (CTranslate2): accurate; about 0.1–0.3 s of CPU per utterance.
    Whisper,
    /// CMU PocketSphinx: light and fast, far less accurate on natural speech.
    Pocketsphinx,
}

/// Options of `fcstream stt-serve`.
#[derive(Debug, Clone, Args)]
#[command(after_help = "Examples:
  fcstream models install                             # once: the Whisper models
  fcstream stt-serve                                  # 127.0.0.1:50052, Whisper tiny.en
  fcstream stt-serve --model base --metrics 127.0.0.1:9092
  fcstream stt-serve --engine pocketsphinx --max-streams 16
  fcstream transcribe hello.wav --hint hours --hint goodbye

Whisper needs its model (`fcstream models install`); PocketSphinx needs the Debian packages
libpocketsphinx3 and pocketsphinx-en-us.")]
pub struct SttServeArgs {
    /// Address to listen on (gRPC, HTTP/2 without TLS).
    #[arg(long, default_value = "127.0.0.1:50052", env = "FCSTREAM_STT_LISTEN")]
    pub listen: String,
    /// Streams at once; the next gets RESOURCE_EXHAUSTED.
    #[arg(long, default_value_t = 64, env = "FCSTREAM_STT_MAX_STREAMS")]
    pub max_streams: usize,
    /// The engine: auto picks Whisper when its model is installed.
    #[arg(long, value_enum, default_value_t = EngineKind::Auto, env = "FCSTREAM_STT_ENGINE")]
    pub engine: EngineKind,
    /// Whisper model: tiny.en (default), base, or the path of any CTranslate2 Whisper folder.
    #[arg(long, default_value = "tiny.en", env = "FCSTREAM_STT_MODEL")]
    pub model: String,
    /// Whisper decoding workers (model replicas sharing one copy of the weights); 0: one per
    /// core.
    #[arg(long, default_value_t = 0)]
    pub workers: usize,
    /// Threads per Whisper worker (0: cores / workers).
    #[arg(long, default_value_t = 1)]
    pub threads: usize,
    /// Whisper utterances waiting to be decoded beyond which new streams are refused
    /// (RESOURCE_EXHAUSTED); open streams are never cut off, their finals come late.
    #[arg(long, default_value_t = 32)]
    pub max_queue: usize,
    /// Whisper beam width (1: greedy, fastest).
    #[arg(long, default_value_t = 1)]
    pub beam: usize,
    /// Whisper: speech between two interim decodes for streams that ask for interim results
    /// (each decodes the utterance so far); 0: no interim results. Default: the engine's
    /// (`WhisperConfig::interim_every`, 700 ms).
    #[arg(long, value_name = "MS")]
    pub interim_ms: Option<u64>,
    /// Whisper: non-speech that ends an utterance (the end-of-utterance hangover). Default:
    /// the engine's (`WhisperConfig::end_after`, 400 ms).
    #[arg(long, value_name = "MS")]
    pub end_ms: Option<u64>,
    /// Whisper: do not start a final's decode during the hangover (by default it starts once
    /// the audio it decodes is complete and is used when the hangover ends without voice:
    /// finals up to 200 ms sooner; `WhisperConfig::speculate`).
    #[arg(long)]
    pub no_speculate: bool,
    /// Serve Prometheus metrics on this address (GET /metrics), e.g. 127.0.0.1:9092.
    #[arg(long, value_name = "ADDR", env = "FCSTREAM_STT_METRICS")]
    pub metrics: Option<String>,
    /// PocketSphinx model directory (en-us/, en-us.lm.bin, cmudict-en-us.dict).
    #[arg(long, default_value = DEFAULT_MODEL_DIR, env = "FCSTREAM_STT_MODEL_DIR")]
    pub model_dir: PathBuf,
    /// Idle PocketSphinx decoders kept for reuse.
    #[arg(long, default_value_t = 8)]
    pub idle_decoders: usize,
    /// PocketSphinx dictation decoders (for streams without phrase hints; about 0.3 s of
    /// CPU and 93 MB each) created at start, so that the first callers do not wait; at most
    /// --idle-decoders. Hinted streams use small grammar decoders made on demand.
    #[arg(long, default_value_t = 1)]
    pub preload_decoders: usize,
    /// Longest stream, in seconds of audio (Google: 305).
    #[arg(long, default_value_t = 305)]
    pub max_stream_secs: u64,
    /// End a stream after this many seconds without audio (Google: 10).
    #[arg(long, default_value_t = 10)]
    pub audio_timeout_secs: u64,
}

fn pocketsphinx(args: &SttServeArgs) -> anyhow::Result<Arc<dyn Engine>> {
    let config = PocketSphinxConfig {
        model_dir: args.model_dir.clone(),
        max_idle: args.idle_decoders,
        preload: args.preload_decoders,
        ..PocketSphinxConfig::default()
    };
    let engine = PocketSphinx::new(config)?;
    info!(
        engine = engine.name(),
        decoder_init_ms = engine.decoder_init_time().as_millis() as u64,
        "speech engine loaded"
    );
    Ok(Arc::new(engine))
}

#[cfg(feature = "whisper")]
fn whisper_config(args: &SttServeArgs) -> fcstream_speech::engine::whisper::WhisperConfig {
    use fcstream_speech::engine::whisper::{model, WhisperConfig};
    let base = match model(&args.model) {
        Some(spec) => WhisperConfig::installed(spec),
        None => WhisperConfig {
            model_dir: PathBuf::from(&args.model),
            checksums: None,
            ..WhisperConfig::default()
        },
    };
    WhisperConfig {
        workers: args.workers,
        threads_per_worker: args.threads,
        max_queue: args.max_queue,
        beam_size: args.beam,
        interim_every: args
            .interim_ms
            .map_or(base.interim_every, std::time::Duration::from_millis),
        end_after: args
            .end_ms
            .map_or(base.end_after, std::time::Duration::from_millis),
        speculate: base.speculate && !args.no_speculate,
        ..base
    }
}

#[cfg(feature = "whisper")]
fn whisper(args: &SttServeArgs) -> anyhow::Result<Arc<dyn Engine>> {
    let engine = fcstream_speech::engine::whisper::WhisperEngine::new(whisper_config(args))?;
    info!(
        engine = engine.name(),
        load_ms = engine.load_time().as_millis() as u64,
        "speech engine loaded"
    );
    Ok(Arc::new(engine))
}

#[cfg(not(feature = "whisper"))]
fn whisper(_: &SttServeArgs) -> anyhow::Result<Arc<dyn Engine>> {
    Err(anyhow!(
        "this fcstream was built without the `whisper` feature: use --engine pocketsphinx, or rebuild with the default features"
    ))
}

/// Whether `auto` finds the Whisper model.
fn whisper_available(args: &SttServeArgs) -> bool {
    #[cfg(feature = "whisper")]
    {
        let c = whisper_config(args);
        match c.checksums {
            Some(spec) => fcstream_speech::engine::whisper::is_installed(&c.model_dir, &spec),
            None => c.model_dir.join("model.bin").is_file(),
        }
    }
    #[cfg(not(feature = "whisper"))]
    {
        let _ = args;
        false
    }
}

/// Loads the engine `args` ask for.
pub fn load_engine(args: &SttServeArgs) -> anyhow::Result<Arc<dyn Engine>> {
    match args.engine {
        EngineKind::Whisper => whisper(args),
        EngineKind::Pocketsphinx => pocketsphinx(args),
        EngineKind::Auto if whisper_available(args) => whisper(args),
        EngineKind::Auto => {
            info!("no Whisper model installed (`fcstream models install`): using PocketSphinx");
            pocketsphinx(args)
        }
    }
}

/// Serves `GET /metrics` for the speech service until `stop` resolves.
async fn serve_metrics(
    listener: tokio::net::TcpListener,
    metrics: Arc<SpeechMetrics>,
    engine: Arc<dyn Engine>,
    stop: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    info!(addr = %listener.local_addr()?, "metrics on /metrics");
    let app = axum::Router::new().route(
        "/metrics",
        axum::routing::get(move || {
            let metrics = Arc::clone(&metrics);
            let engine = Arc::clone(&engine);
            async move {
                (
                    [(
                        axum::http::header::CONTENT_TYPE,
                        "text/plain; version=0.0.4",
                    )],
                    metrics.render(engine.as_ref()),
                )
            }
        }),
    );
    axum::serve(listener, app)
        .with_graceful_shutdown(stop)
        .await?;
    Ok(())
}

/// Runs the service until Ctrl-C / SIGTERM, then drains.
pub async fn serve(args: SttServeArgs) -> anyhow::Result<()> {
    let metrics_listener = match &args.metrics {
        Some(addr) => Some(
            tokio::net::TcpListener::bind(addr)
                .await
                .with_context(|| format!("--metrics: cannot listen on {addr}"))?,
        ),
        None => None,
    };
    let listener = tokio::net::TcpListener::bind(&args.listen)
        .await
        .with_context(|| format!("cannot listen on {}", args.listen))?;
    let load_args = args.clone();
    let engine = tokio::task::spawn_blocking(move || load_engine(&load_args))
        .await
        .context("loading the engine")??;
    let options = SpeechServiceOptions {
        max_streams: args.max_streams,
        max_stream_duration: Duration::from_secs(args.max_stream_secs),
        audio_timeout: Duration::from_secs(args.audio_timeout_secs),
        ..SpeechServiceOptions::default()
    };
    let metrics = Arc::new(SpeechMetrics::default());
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let metrics_task = metrics_listener.map(|l| {
        let mut rx = stop_rx.clone();
        tokio::spawn(serve_metrics(
            l,
            Arc::clone(&metrics),
            Arc::clone(&engine),
            async move {
                let _ = rx.wait_for(|s| *s).await;
            },
        ))
    });
    let result =
        serve_speech_with_metrics(listener, engine, options, metrics, crate::shutdown_signal())
            .await;
    let _ = stop_tx.send(true);
    if let Some(t) = metrics_task {
        let _ = t.await;
    }
    result?;
    Ok(())
}

/// Options of `fcstream transcribe`.
#[derive(Debug, Clone, Args)]
pub struct TranscribeArgs {
    /// The WAV file (any rate 8000..=48000 Hz; stereo is mixed down).
    pub file: PathBuf,
    /// The speech service (Google Speech-to-Text v1 API), http:// or https://; the same
    /// variable as `serve --stt` (the old name FCSTREAM_STT_URL is still read)
    /// [default: http://127.0.0.1:50052, the local `fcstream stt-serve`].
    #[arg(long, env = "FCSTREAM_STT", value_name = "URL")]
    pub stt: Option<String>,
    /// A phrase hint (repeatable).
    #[arg(long = "hint")]
    pub hints: Vec<String>,
    /// Send as fast as the service takes it instead of in real time.
    #[arg(long)]
    pub fast: bool,
    /// Also print interim results (to stderr).
    #[arg(long)]
    pub interim: bool,
    /// API key for a hosted service (x-goog-api-key).
    #[arg(long, env = "FCSTREAM_STT_API_KEY", hide_env_values = true)]
    pub api_key: Option<String>,
}

/// Where `transcribe` sends the audio when neither `--stt` nor a variable says.
pub const DEFAULT_STT_URL: &str = "http://127.0.0.1:50052";

/// The variable `transcribe --stt` was read from before it took `serve`'s name.
const OLD_STT_VARIABLE: &str = "FCSTREAM_STT_URL";

impl TranscribeArgs {
    /// The speech service's URL: `--stt` (or `FCSTREAM_STT`), else the old variable, else
    /// the local default.
    pub fn stt_url(&self) -> String {
        self.stt
            .clone()
            .or_else(|| std::env::var(OLD_STT_VARIABLE).ok())
            .unwrap_or_else(|| DEFAULT_STT_URL.to_string())
    }
}

/// What probably went wrong when the service at `url` failed as `error` says.
fn speech_hint(url: &str, error: &anyhow::Error) -> Option<Hint> {
    match error.downcast_ref::<SttError>() {
        Some(SttError::Status { code, .. }) if code == "UNIMPLEMENTED" => Some(Hint(format!(
            "the server at {url} does not implement google.cloud.speech.v1.Speech \
             (StreamingRecognize): give --stt the address of `fcstream stt-serve` or of a \
             Speech-to-Text v1 service"
        ))),
        _ => crate::tls_hint(url, error),
    }
}

/// Streams the file and prints each final result as `[end]  text`.
pub async fn transcribe(args: TranscribeArgs) -> anyhow::Result<()> {
    let url = args.stt_url();
    recognise(args, &url)
        .await
        .map_err(|e| match speech_hint(&url, &e) {
            Some(h) => e.context(h),
            None => e,
        })
}

async fn recognise(args: TranscribeArgs, url: &str) -> anyhow::Result<()> {
    let (rate, samples) = fcstream::audio::wav::read_file(&args.file)?;
    let stt = GoogleStt::new(
        url,
        GoogleSttOptions {
            api_key: args.api_key.clone(),
            ..GoogleSttOptions::default()
        },
    )?;
    let mut stream = stt
        .open(&SttConfig {
            sample_rate: rate,
            phrases: args.hints.clone(),
            interim_results: args.interim,
            ..SttConfig::default()
        })
        .await?;
    let audio = stream.audio;
    let fast = args.fast;
    let sender = tokio::spawn(async move {
        let chunk = (rate as usize / 50).max(1); // 20 ms
        let mut tick = tokio::time::interval(Duration::from_millis(20));
        for piece in samples.chunks(chunk) {
            if !fast {
                tick.tick().await;
            }
            let bytes: Vec<u8> = piece.iter().flat_map(|s| s.to_le_bytes()).collect();
            if audio.send(Bytes::from(bytes)).await.is_err() {
                break;
            }
        }
    });
    let mut finals = 0;
    while let Some(result) = stream.results.recv().await {
        let t = result.map_err(|e| anyhow!(e))?;
        if t.is_final {
            finals += 1;
            crate::outln!("[{:>7.2}s]  {}", t.end_offset.as_secs_f64(), t.text);
        } else {
            eprintln!("  … {}", t.text);
        }
    }
    sender.abort();
    if finals == 0 {
        eprintln!("(nothing recognised)");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_service_without_speech_gets_a_hint() {
        let e = anyhow::Error::new(SttError::Status {
            code: "UNIMPLEMENTED".into(),
            message: String::new(),
        });
        let h = speech_hint("http://127.0.0.1:50051", &e).unwrap();
        assert!(
            h.0.contains("does not implement google.cloud.speech.v1.Speech"),
            "{h}"
        );
        let other = anyhow::Error::new(SttError::Status {
            code: "OUT_OF_RANGE".into(),
            message: "too long".into(),
        });
        assert_eq!(speech_hint("http://x:1", &other), None);
    }
}
