//! `fcstream stt-serve` (a local Google-compatible speech-to-text service on PocketSphinx) and
//! `fcstream transcribe` (stream a WAV file to such a service and print what it heard), so that
//! a voice agent can be developed and demonstrated offline.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{anyhow, Context};
use bytes::Bytes;
use clap::Args;
use fcstream_speech::engine::pocketsphinx::{PocketSphinx, PocketSphinxConfig, DEFAULT_MODEL_DIR};
use fcstream_speech::engine::Engine;
use fcstream_speech::google::{GoogleStt, GoogleSttOptions};
use fcstream_speech::service::{serve_speech, SpeechServiceOptions};
use fcstream_speech::{SttConfig, SttError, Transcriber};
use tracing::info;

use crate::Hint;

/// Options of `fcstream stt-serve`.
#[derive(Debug, Clone, Args)]
#[command(after_help = "Examples:
  fcstream stt-serve                                  # 127.0.0.1:50052, PocketSphinx en-US
  fcstream stt-serve --listen 0.0.0.0:50052 --max-streams 16
  fcstream transcribe hello.wav --hint hours --hint goodbye

Needs the Debian packages libpocketsphinx3 and pocketsphinx-en-us.")]
pub struct SttServeArgs {
    /// Address to listen on (gRPC, HTTP/2 without TLS).
    #[arg(long, default_value = "127.0.0.1:50052", env = "FCSTREAM_STT_LISTEN")]
    pub listen: String,
    /// Streams at once; the next gets RESOURCE_EXHAUSTED.
    #[arg(long, default_value_t = 64, env = "FCSTREAM_STT_MAX_STREAMS")]
    pub max_streams: usize,
    /// PocketSphinx model directory (en-us/, en-us.lm.bin, cmudict-en-us.dict).
    #[arg(long, default_value = DEFAULT_MODEL_DIR, env = "FCSTREAM_STT_MODEL_DIR")]
    pub model_dir: PathBuf,
    /// Idle decoders kept for reuse.
    #[arg(long, default_value_t = 8)]
    pub idle_decoders: usize,
    /// Dictation decoders (for streams without phrase hints; about 0.3 s of CPU and 93 MB
    /// each) created at start, so that the first callers do not wait; at most
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

/// Runs the service until Ctrl-C / SIGTERM, then drains.
pub async fn serve(args: SttServeArgs) -> anyhow::Result<()> {
    let config = PocketSphinxConfig {
        model_dir: args.model_dir.clone(),
        max_idle: args.idle_decoders,
        preload: args.preload_decoders,
        ..PocketSphinxConfig::default()
    };
    let engine = tokio::task::spawn_blocking(move || PocketSphinx::new(config))
        .await
        .context("loading the engine")??;
    info!(
        engine = engine.name(),
        decoder_init_ms = engine.decoder_init_time().as_millis() as u64,
        "speech engine loaded"
    );
    let listener = tokio::net::TcpListener::bind(&args.listen)
        .await
        .with_context(|| format!("cannot listen on {}", args.listen))?;
    let options = SpeechServiceOptions {
        max_streams: args.max_streams,
        max_stream_duration: Duration::from_secs(args.max_stream_secs),
        audio_timeout: Duration::from_secs(args.audio_timeout_secs),
        ..SpeechServiceOptions::default()
    };
    serve_speech(
        listener,
        Arc::new(engine),
        options,
        crate::shutdown_signal(),
    )
    .await?;
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
