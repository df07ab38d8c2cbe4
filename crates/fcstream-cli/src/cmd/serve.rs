//! `fcstream serve`: runs a built-in app on the production gRPC server.
//!
//! Every setting comes from, in order of precedence: a flag, an `FCSTREAM_*` environment
//! variable, the TOML file given with `--config`, the built-in default. `--print-config` shows
//! the result (secrets redacted) and exits.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{anyhow, Context};
use clap::Args;
use fcstream::http::WebhookConfig;
use fcstream::percl::Spelling;
use fcstream::{
    CallConfig, ContentType, Metrics, PlaybackConfig, Server, Shutdown, StreamAuth, TlsConfig,
};
use serde::{Deserialize, Serialize};
use tracing::{info, warn};

use crate::apps::App;

/// How long a per-call stream token issued by the webhook endpoint stays valid.
const CALL_TOKEN_TTL: Duration = Duration::from_secs(300);

/// Options of `fcstream serve`. Every one is also a key of the `--config` TOML file (same
/// name, snake_case) and an environment variable (`FCSTREAM_` + upper case).
#[derive(Debug, Default, Clone, Args, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[command(after_help = "Examples:
  fcstream serve --app echo
  fcstream serve --listen 127.0.0.1:50051 --metrics 127.0.0.1:9090 --log-format json
  fcstream serve --tls-cert cert.pem --tls-key key.pem --tls-client-ca ca.pem
  fcstream serve --config fcstream.toml --print-config
  fcstream serve --http 0.0.0.0:8080 --public-grpc-url https://grpc.example.com:443 \\
      --public-http-url https://app.example.com --signing-secret \"$FREECLIMB_SIGNING_SECRET\"
  RUST_LOG=fcstream=debug fcstream serve

Precedence: flag > FCSTREAM_* environment variable > --config file > default.")]
pub struct ServeArgs {
    /// TOML file with any of these settings (keys as the flags, snake_case).
    #[arg(long, env = "FCSTREAM_CONFIG")]
    #[serde(skip)]
    pub config: Option<PathBuf>,
    /// Print the effective configuration (secrets redacted) and exit.
    #[arg(long)]
    #[serde(skip)]
    pub print_config: bool,

    /// Address of the gRPC server (the AudioStream location points here) [default: 0.0.0.0:50051].
    #[arg(long, env = "FCSTREAM_LISTEN")]
    pub listen: Option<String>,
    /// Built-in app to run on every call [default: echo].
    #[arg(long, value_enum, env = "FCSTREAM_APP")]
    pub app: Option<App>,

    /// Calls at once; the next gets RESOURCE_EXHAUSTED [default: 10000].
    #[arg(long, env = "FCSTREAM_MAX_CALLS")]
    pub max_calls: Option<usize>,
    /// Largest platform message accepted, bytes [default: 65536].
    #[arg(long, env = "FCSTREAM_MAX_MESSAGE_BYTES")]
    pub max_message_bytes: Option<usize>,
    /// End a call after this long without a platform message, e.g. 30s; "off" to disable [default: 30s].
    #[arg(long, env = "FCSTREAM_IDLE_TIMEOUT")]
    pub idle_timeout: Option<String>,
    /// Hang up calls that last this long, e.g. 4h; "off" to disable [default: 4h].
    #[arg(long, env = "FCSTREAM_MAX_CALL_DURATION")]
    pub max_call_duration: Option<String>,
    /// After SIGTERM/SIGINT, how long live calls may run on [default: 300s].
    #[arg(long, env = "FCSTREAM_DRAIN_TIMEOUT")]
    pub drain_timeout: Option<String>,
    /// HTTP/2 keepalive ping interval; "off" to disable [default: 30s].
    #[arg(long, env = "FCSTREAM_KEEPALIVE")]
    pub keepalive: Option<String>,
    /// Calls one HTTP/2 connection may carry at once [default: 10000].
    #[arg(long, env = "FCSTREAM_MAX_STREAMS_PER_CONNECTION")]
    pub max_streams_per_connection: Option<u32>,

    /// Length of one chunk of a long clip, ms [default: 200].
    #[arg(long, env = "FCSTREAM_CHUNK_MS")]
    pub chunk_ms: Option<u64>,
    /// Audio sent ahead of what the caller heard, at most, ms [default: 1000].
    #[arg(long, env = "FCSTREAM_MAX_AHEAD_MS")]
    pub max_ahead_ms: Option<u64>,
    /// Entries outstanding at the platform's audio buffer, at most [default: 16].
    #[arg(long, env = "FCSTREAM_MAX_ENTRIES")]
    pub max_entries: Option<usize>,

    /// Serve Prometheus metrics on this address (GET /metrics), e.g. 127.0.0.1:9090.
    #[arg(long, env = "FCSTREAM_METRICS")]
    pub metrics: Option<String>,

    /// TLS certificate chain (PEM). With --tls-key, the gRPC port speaks TLS.
    #[arg(long, env = "FCSTREAM_TLS_CERT")]
    pub tls_cert: Option<PathBuf>,
    /// TLS private key (PEM).
    #[arg(long, env = "FCSTREAM_TLS_KEY")]
    pub tls_key: Option<PathBuf>,
    /// CA for client certificates (PEM): turns on mutual TLS.
    #[arg(long, env = "FCSTREAM_TLS_CLIENT_CA")]
    pub tls_client_ca: Option<PathBuf>,

    /// Require `authorization: Bearer <token>` on every stream.
    #[arg(long, env = "FCSTREAM_AUTH_BEARER_TOKEN", hide_env_values = true)]
    pub auth_bearer_token: Option<String>,
    /// Require a per-call token (HMAC, bound to the call id) signed with this key.
    #[arg(long, env = "FCSTREAM_AUTH_CALL_TOKEN_KEY", hide_env_values = true)]
    pub auth_call_token_key: Option<String>,

    /// Serve FreeClimb's webhooks on this address (POST /inbound, POST /stream-ended,
    /// GET /healthz), e.g. 0.0.0.0:8080. Needs --public-grpc-url.
    #[arg(long, env = "FCSTREAM_HTTP", value_name = "ADDR")]
    pub http: Option<String>,
    /// The gRPC server's URL as FreeClimb dials it: the AudioStream location answered to inbound
    /// calls, e.g. `https://grpc.example.com:443` (FreeClimb requires port 80 or 443).
    #[arg(long, env = "FCSTREAM_PUBLIC_GRPC_URL", value_name = "URL")]
    pub public_grpc_url: Option<String>,
    /// This HTTP server's public base URL; the AudioStream actionUrl is it + /stream-ended
    /// [default: from each request's Host header].
    #[arg(long, env = "FCSTREAM_PUBLIC_HTTP_URL", value_name = "URL")]
    pub public_http_url: Option<String>,
    /// The calls' audio format, put in the AudioStream: audio/mulaw;rate=8000,
    /// audio/l16;rate=8000 or audio/l16;rate=16000 [default: audio/mulaw;rate=8000].
    #[arg(long, env = "FCSTREAM_CONTENT_TYPE")]
    pub content_type: Option<String>,
    /// The account's webhook signing secret: every webhook's FreeClimb-Signature is checked
    /// (unsigned or badly signed ones get 401). Without it webhooks are not verified.
    #[arg(long, env = "FCSTREAM_SIGNING_SECRET", hide_env_values = true)]
    pub signing_secret: Option<String>,
    /// How far a webhook signature's time may be from now, either way [default: 300s].
    #[arg(long, env = "FCSTREAM_SIGNATURE_TOLERANCE")]
    pub signature_tolerance: Option<String>,
    /// How AudioStream is written: current (location string, metaData) or early
    /// (location.uri, metadata) [default: current].
    #[arg(long, env = "FCSTREAM_PERCL_SPELLING")]
    pub percl_spelling: Option<String>,

    /// --app agent: the speech-to-text service (Google Cloud Speech-to-Text v1
    /// StreamingRecognize); http:// or https:// [default: http://127.0.0.1:50052, the local
    /// `fcstream stt-serve`].
    #[arg(long, env = "FCSTREAM_STT", value_name = "URL")]
    pub stt: Option<String>,
    /// --app agent: API key for a hosted speech service (sent as x-goog-api-key).
    #[arg(long, env = "FCSTREAM_STT_API_KEY", hide_env_values = true)]
    pub stt_api_key: Option<String>,
    /// --app agent: bearer token for a hosted speech service (authorization: Bearer).
    #[arg(long, env = "FCSTREAM_STT_BEARER_TOKEN", hide_env_values = true)]
    pub stt_bearer_token: Option<String>,
    /// --app agent: the espeak-ng voice, e.g. en-us, en-gb, en-us+f3 [default: en-us].
    #[arg(long, env = "FCSTREAM_TTS_VOICE")]
    pub tts_voice: Option<String>,
}

/// `"30s"`, `"4h"`, `"500ms"` → Some; `"off"`/`"none"` → None.
fn duration(
    name: &str,
    value: Option<&str>,
    default: Option<Duration>,
) -> anyhow::Result<Option<Duration>> {
    match value {
        None => Ok(default),
        Some(v) if matches!(v.trim(), "off" | "none" | "0") => Ok(None),
        Some(v) => humantime::parse_duration(v.trim())
            .map(Some)
            .map_err(|e| anyhow!("--{name} {v:?}: {e} (examples: 30s, 500ms, 4h, off)")),
    }
}

impl ServeArgs {
    /// Parses a configuration file's text (TOML, keys as the flags in snake_case), as
    /// `--config` does with no flags set.
    pub fn from_toml(text: &str) -> anyhow::Result<ServeArgs> {
        let file: ServeArgs = toml::from_str(text)
            .context("parsing the configuration (keys are the flag names in snake_case)")?;
        Ok(ServeArgs::default().or(file))
    }

    /// Fills every unset field from `file`.
    fn or(self, file: ServeArgs) -> ServeArgs {
        macro_rules! pick {
            ($($f:ident),*) => { ServeArgs { config: self.config, print_config: self.print_config, $($f: self.$f.or(file.$f)),* } };
        }
        pick!(
            listen,
            app,
            max_calls,
            max_message_bytes,
            idle_timeout,
            max_call_duration,
            drain_timeout,
            keepalive,
            max_streams_per_connection,
            chunk_ms,
            max_ahead_ms,
            max_entries,
            metrics,
            tls_cert,
            tls_key,
            tls_client_ca,
            auth_bearer_token,
            auth_call_token_key,
            http,
            public_grpc_url,
            public_http_url,
            content_type,
            signing_secret,
            signature_tolerance,
            percl_spelling,
            stt,
            stt_api_key,
            stt_bearer_token,
            tts_voice
        )
    }

    /// Reads `--config` (if any) under the flags and environment.
    pub fn resolve(self) -> anyhow::Result<ServeArgs> {
        let Some(path) = self.config.clone() else {
            return Ok(self);
        };
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading --config {}", path.display()))?;
        let file: ServeArgs = toml::from_str(&text).with_context(|| {
            format!(
                "parsing --config {} (keys are the flag names in snake_case)",
                path.display()
            )
        })?;
        Ok(self.or(file))
    }

    /// The effective configuration as TOML, every default written out and secrets redacted.
    pub fn effective_toml(&self) -> anyhow::Result<String> {
        let fmt = |d: Option<Duration>| {
            d.map_or("off".to_string(), |d| {
                humantime::format_duration(d).to_string()
            })
        };
        let call = self.call_config()?;
        let shown = ServeArgs {
            listen: Some(self.listen()),
            app: Some(self.app.unwrap_or(App::Echo)),
            max_calls: Some(self.max_calls.unwrap_or(10_000)),
            max_message_bytes: Some(self.max_message_bytes.unwrap_or(64 * 1024)),
            idle_timeout: Some(fmt(call.idle_timeout)),
            max_call_duration: Some(fmt(call.max_duration)),
            drain_timeout: Some(fmt(Some(self.drain_timeout()?))),
            keepalive: Some(fmt(duration(
                "keepalive",
                self.keepalive.as_deref(),
                Some(Duration::from_secs(30)),
            )?)),
            max_streams_per_connection: Some(self.max_streams_per_connection.unwrap_or(10_000)),
            chunk_ms: Some(call.playback.chunk.as_millis() as u64),
            max_ahead_ms: Some(call.playback.max_ahead.as_millis() as u64),
            max_entries: Some(call.playback.max_entries),
            auth_bearer_token: self.auth_bearer_token.as_ref().map(|_| "<redacted>".into()),
            auth_call_token_key: self
                .auth_call_token_key
                .as_ref()
                .map(|_| "<redacted>".into()),
            content_type: Some(self.content_type()?.as_str().to_string()),
            signing_secret: self.signing_secret.as_ref().map(|_| "<redacted>".into()),
            stt: Some(self.stt_url()),
            stt_api_key: self.stt_api_key.as_ref().map(|_| "<redacted>".into()),
            stt_bearer_token: self.stt_bearer_token.as_ref().map(|_| "<redacted>".into()),
            tts_voice: Some(self.tts_voice()),
            signature_tolerance: Some(fmt(Some(self.signature_tolerance()?))),
            percl_spelling: Some(
                match self.percl_spelling()? {
                    Spelling::Current => "current",
                    Spelling::Early => "early",
                }
                .into(),
            ),
            ..self.clone()
        };
        Ok(toml::to_string(&shown)?)
    }

    fn stt_url(&self) -> String {
        self.stt
            .clone()
            .unwrap_or_else(|| "http://127.0.0.1:50052".into())
    }

    fn tts_voice(&self) -> String {
        self.tts_voice.clone().unwrap_or_else(|| "en-us".into())
    }

    /// The voice agent's configuration: the recogniser client and the voice.
    fn agent(&self) -> anyhow::Result<fcstream_apps::agent::AgentConfig> {
        use fcstream_speech::google::{GoogleStt, GoogleSttOptions};
        use fcstream_speech::tts::{CachedTts, EspeakNg};
        let options = GoogleSttOptions {
            api_key: self.stt_api_key.clone(),
            bearer_token: self.stt_bearer_token.clone(),
            ..GoogleSttOptions::default()
        };
        let stt = GoogleStt::new(&self.stt_url(), options).map_err(|e| anyhow!("--stt: {e}"))?;
        let tts = CachedTts::new(EspeakNg {
            voice: self.tts_voice(),
            sample_rate: Some(self.content_type()?.sample_rate()),
            ..EspeakNg::default()
        });
        Ok(fcstream_apps::agent::AgentConfig::new(
            std::sync::Arc::new(stt),
            std::sync::Arc::new(tts),
        ))
    }

    fn content_type(&self) -> anyhow::Result<ContentType> {
        self.content_type
            .as_deref()
            .map_or(Ok(ContentType::Mulaw8k), |s| {
                ContentType::parse(s).map_err(|e| anyhow!("--content-type: {e}"))
            })
    }

    fn signature_tolerance(&self) -> anyhow::Result<Duration> {
        duration(
            "signature-tolerance",
            self.signature_tolerance.as_deref(),
            Some(fcstream::webhook::DEFAULT_TOLERANCE),
        )?
        .ok_or_else(|| anyhow!("--signature-tolerance cannot be off: give a duration such as 300s"))
    }

    fn percl_spelling(&self) -> anyhow::Result<Spelling> {
        self.percl_spelling
            .as_deref()
            .map_or(Ok(Spelling::Current), |s| {
                s.parse()
                    .map_err(|e: String| anyhow!("--percl-spelling: {e}"))
            })
    }

    /// The webhook endpoint these settings describe (`None` without `--http`): its address and
    /// router. `/inbound` answers 503 once `shutdown` drains.
    pub fn webhooks(&self, shutdown: Shutdown) -> anyhow::Result<Option<(String, axum::Router)>> {
        let Some(addr) = &self.http else {
            if self.public_grpc_url.is_some() || self.signing_secret.is_some() {
                warn!("webhook settings given without --http: no webhook endpoint is served");
            }
            return Ok(None);
        };
        let grpc_url = self.public_grpc_url.clone().ok_or_else(|| {
            anyhow!(
                "--http needs --public-grpc-url: the URL FreeClimb dials for the gRPC stream, \
                 e.g. https://grpc.example.com:443"
            )
        })?;
        let mut config = WebhookConfig::new(grpc_url)
            .content_type(self.content_type()?)
            .tolerance(self.signature_tolerance()?)
            .spelling(self.percl_spelling()?)
            .shutdown_handle(shutdown);
        if let Some(url) = &self.public_http_url {
            config = config.public_http_url(url.clone());
        }
        if let Some(secret) = &self.signing_secret {
            config = config.signing_secret(secret.clone());
        }
        if let Some(key) = &self.auth_call_token_key {
            // The stream must start within this long of the webhook's answer.
            config = config.call_tokens(key.as_bytes().to_vec(), CALL_TOKEN_TTL);
        }
        Ok(Some((addr.clone(), fcstream::http::router(config))))
    }

    fn listen(&self) -> String {
        self.listen
            .clone()
            .unwrap_or_else(|| "0.0.0.0:50051".into())
    }

    fn drain_timeout(&self) -> anyhow::Result<Duration> {
        Ok(duration(
            "drain-timeout",
            self.drain_timeout.as_deref(),
            Some(Duration::from_secs(300)),
        )?
        .unwrap_or(Duration::ZERO))
    }

    fn call_config(&self) -> anyhow::Result<CallConfig> {
        let d = CallConfig::default();
        let p = PlaybackConfig::default();
        Ok(CallConfig {
            playback: PlaybackConfig {
                chunk: self
                    .chunk_ms
                    .map_or(p.chunk, |ms| Duration::from_millis(ms.max(20))),
                max_ahead: self.max_ahead_ms.map_or(p.max_ahead, Duration::from_millis),
                max_entries: self.max_entries.map_or(p.max_entries, |n| n.max(1)),
                ..p
            },
            idle_timeout: duration("idle-timeout", self.idle_timeout.as_deref(), d.idle_timeout)?,
            max_duration: duration(
                "max-call-duration",
                self.max_call_duration.as_deref(),
                d.max_duration,
            )?,
            ..d
        })
    }

    /// The server these settings describe, with its metrics and phase handle.
    pub fn server(&self, shutdown: Shutdown, metrics: Metrics) -> anyhow::Result<Server> {
        let mut server = Server::bind(self.listen())
            .call_config(self.call_config()?)
            .max_calls(self.max_calls.unwrap_or(10_000))
            .max_message_bytes(self.max_message_bytes.unwrap_or(64 * 1024))
            .max_streams_per_connection(self.max_streams_per_connection.unwrap_or(10_000))
            .keepalive(duration(
                "keepalive",
                self.keepalive.as_deref(),
                Some(Duration::from_secs(30)),
            )?)
            .drain_timeout(self.drain_timeout()?)
            .metrics(metrics)
            .shutdown_handle(shutdown);
        match (&self.tls_cert, &self.tls_key) {
            (Some(cert), Some(key)) => {
                server = server.tls(TlsConfig::from_files(
                    cert,
                    key,
                    self.tls_client_ca.as_deref(),
                )?);
            }
            (None, None) if self.tls_client_ca.is_none() => {}
            _ => {
                return Err(anyhow!(
                    "TLS needs both --tls-cert and --tls-key (and --tls-client-ca only with them)"
                ))
            }
        }
        let mut auth = StreamAuth::default();
        if let Some(token) = &self.auth_bearer_token {
            auth = auth.bearer(token.clone());
        }
        if let Some(key) = &self.auth_call_token_key {
            auth = auth.call_tokens(key.as_bytes().to_vec());
        }
        Ok(server.auth(auth))
    }
}

/// Serves `GET /metrics` in Prometheus text format until `stop` resolves.
async fn serve_metrics(
    addr: String,
    metrics: Metrics,
    stop: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(&addr)
        .await
        .with_context(|| format!("--metrics: cannot listen on {addr}"))?;
    info!(addr = %listener.local_addr()?, "metrics on /metrics");
    let app = axum::Router::new().route(
        "/metrics",
        axum::routing::get(move || {
            let metrics = metrics.clone();
            async move {
                (
                    [(
                        axum::http::header::CONTENT_TYPE,
                        "text/plain; version=0.0.4",
                    )],
                    metrics.render(),
                )
            }
        }),
    );
    axum::serve(listener, app)
        .with_graceful_shutdown(stop)
        .await?;
    Ok(())
}

/// Runs the server until SIGTERM/SIGINT, drains, exits.
pub async fn run(args: ServeArgs) -> anyhow::Result<()> {
    let args = args.resolve()?;
    if args.print_config {
        print!("{}", args.effective_toml()?);
        return Ok(());
    }
    let shutdown = Shutdown::new();
    let metrics = Metrics::new();
    let server = args.server(shutdown.clone(), metrics.clone())?;
    // The webhook endpoint outlives the signal: it answers /stream-ended for the calls that
    // drain (and 503 on /inbound), and stops once the gRPC server is done.
    let webhook_task = match args.webhooks(shutdown.clone())? {
        Some((addr, router)) => {
            let listener = tokio::net::TcpListener::bind(&addr)
                .await
                .with_context(|| format!("--http: cannot listen on {addr}"))?;
            let (done_tx, done_rx) = tokio::sync::oneshot::channel::<()>();
            let stop = async move {
                let _ = done_rx.await;
            };
            let task = tokio::spawn(fcstream::http::serve(listener, router, stop));
            Some((task, done_tx))
        }
        None => None,
    };
    let app = args.app.unwrap_or(App::Echo);
    info!(?app, "serving");
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let signal = async move {
        crate::shutdown_signal().await;
        let _ = stop_tx.send(true);
    };
    let metrics_task = match &args.metrics {
        Some(addr) => {
            let mut rx = stop_rx.clone();
            let stop = async move {
                let _ = rx.wait_for(|s| *s).await;
            };
            Some(tokio::spawn(serve_metrics(
                addr.clone(),
                metrics.clone(),
                stop,
            )))
        }
        None => None,
    };
    let result = match app {
        App::Echo => {
            server
                .serve_with_shutdown(fcstream_apps::echo, signal)
                .await
        }
        App::Ivr => server.serve_with_shutdown(fcstream_apps::ivr, signal).await,
        App::Agent => {
            let config = std::sync::Arc::new(args.agent()?);
            info!(stt = %args.stt_url(), voice = %args.tts_voice(), "voice agent");
            server
                .serve_with_shutdown(fcstream_apps::agent::agent(config), signal)
                .await
        }
    };
    if let Some((task, done)) = webhook_task {
        let _ = done.send(());
        match task.await {
            Ok(Err(e)) => warn!(error = %e, "webhook endpoint failed"),
            Err(e) => warn!(error = %e, "webhook endpoint task failed"),
            Ok(Ok(())) => {}
        }
    }
    if let Some(task) = metrics_task {
        match task.await {
            Ok(Err(e)) => warn!(error = %e, "metrics endpoint failed"),
            Err(e) => warn!(error = %e, "metrics endpoint task failed"),
            Ok(Ok(())) => {}
        }
    }
    result?;
    info!("bye");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn from_toml(text: &str) -> anyhow::Result<String> {
        ServeArgs::from_toml(text)?.effective_toml()
    }

    #[test]
    fn file_values_fill_what_flags_leave_unset() {
        let flags = ServeArgs {
            max_calls: Some(3),
            ..ServeArgs::default()
        };
        let file: ServeArgs = toml::from_str("max_calls = 9\nidle_timeout = \"45s\"\n").unwrap();
        let merged = flags.or(file);
        assert_eq!(merged.max_calls, Some(3));
        assert_eq!(merged.idle_timeout.as_deref(), Some("45s"));
    }

    #[test]
    fn bad_values_are_errors_that_name_the_setting() {
        let e = from_toml("idle_timeout = \"soon\"")
            .unwrap_err()
            .to_string();
        assert!(e.contains("idle-timeout"), "{e}");
        assert!(toml::from_str::<ServeArgs>("max_callz = 1").is_err());
    }

    proptest! {
        /// Any text as a config file: parsed or refused with an error, never a panic.
        #[test]
        fn arbitrary_config_text_never_panics(text in ".{0,200}") {
            let _ = from_toml(&text);
        }

        /// Any value for every duration key.
        #[test]
        fn arbitrary_durations_never_panic(v in "[0-9a-z. ]{0,12}") {
            for key in ["idle_timeout", "max_call_duration", "drain_timeout", "keepalive", "signature_tolerance"] {
                let _ = from_toml(&format!("{key} = {v:?}"));
            }
        }
    }
}
