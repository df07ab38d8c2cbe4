//! `fcstream bridge --listen ADDR --ws URL`: FreeClimb calls into a bot written for Twilio
//! Media Streams (Pipecat and friends), through `fcstream_bridge::Bridge`. See docs/BRIDGE.md.

use std::time::Duration;

use anyhow::Context;
use clap::{Args, ValueEnum};
use fcstream::{Metrics, Server};
use fcstream_bridge::{Bridge, BridgeConfig, OnBotClose};
use tracing::info;

/// `fcstream bridge` arguments.
#[derive(Debug, Args)]
pub struct BridgeArgs {
    /// Where the gRPC server listens for FreeClimb's streams.
    #[arg(long, default_value = "0.0.0.0:50051", env = "FCSTREAM_LISTEN")]
    pub listen: String,
    /// The bot's WebSocket URL (ws://, or wss:// for TLS), opened once per call.
    #[arg(long, value_name = "URL", env = "FCSTREAM_BRIDGE_WS")]
    pub ws: String,
    /// When the bot closes its socket first: hang up, or end the stream and keep the call
    /// (FreeClimb then runs the PerCL of the stream's actionUrl).
    #[arg(long, value_enum, default_value = "hangup")]
    pub on_bot_close: BotClose,
    /// The accountSid the bot is told in `start` and `stop`.
    #[arg(
        long,
        default_value = "ACfcstream",
        env = "FCSTREAM_BRIDGE_ACCOUNT_SID"
    )]
    pub account_sid: String,
    /// How long connecting to the bot may take before the caller gets the fallback beeps
    /// and a hang-up.
    #[arg(long, default_value = "5s", value_parser = humantime::parse_duration, value_name = "DURATION")]
    pub connect_timeout: Duration,
    /// Largest bot message taken (bytes); larger ones are refused and counted.
    #[arg(long, default_value_t = 1 << 20, value_name = "BYTES")]
    pub max_message_bytes: usize,
    /// Bot audio held per call beyond what is at the platform; more is dropped and counted.
    #[arg(long, default_value = "120s", value_parser = humantime::parse_duration, value_name = "DURATION")]
    pub max_buffered_audio: Duration,
    /// Let each call name its own bot: the metadata item KEY=ws://… or KEY=wss://… (PerCL
    /// `AudioStream` `metaData`) overrides --ws for that call. Only when that metadata is yours.
    #[arg(long, value_name = "KEY")]
    pub ws_metadata_key: Option<String>,
    /// For wss:// bots: also trust the CA certificates of this PEM file (besides the Mozilla
    /// roots), e.g. a private CA's.
    #[arg(long, value_name = "FILE")]
    pub ws_ca: Option<std::path::PathBuf>,
    /// Serve Prometheus metrics (the server's and the bridge's) on this address at /metrics.
    #[arg(long, value_name = "ADDR")]
    pub metrics: Option<String>,
}

/// `--on-bot-close`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum BotClose {
    /// Hang up once the bot's queued audio has played.
    Hangup,
    /// End the stream and keep the call.
    KeepCall,
}

impl BridgeArgs {
    /// The bridge's settings.
    pub fn config(&self) -> anyhow::Result<BridgeConfig> {
        if !(self.ws.starts_with("ws://") || self.ws.starts_with("wss://")) {
            anyhow::bail!("--ws: expected a ws:// or wss:// URL, got {:?}", self.ws);
        }
        let mut config = BridgeConfig::new(self.ws.clone());
        if let Some(path) = &self.ws_ca {
            let pem = std::fs::read(path)
                .with_context(|| format!("--ws-ca: cannot read {}", path.display()))?;
            config = config
                .with_ca_pem(&pem)
                .map_err(|e| anyhow::anyhow!("--ws-ca {}: {e}", path.display()))?;
        }
        config.on_bot_close = match self.on_bot_close {
            BotClose::Hangup => OnBotClose::Hangup,
            BotClose::KeepCall => OnBotClose::KeepCall,
        };
        config.account_sid = self.account_sid.clone();
        config.connect_timeout = self.connect_timeout;
        config.max_message_bytes = self.max_message_bytes.max(1024);
        config.max_buffered_audio = self.max_buffered_audio;
        config.url_key = self.ws_metadata_key.clone();
        Ok(config)
    }
}

/// Runs the bridge until SIGTERM/SIGINT.
pub async fn run(args: BridgeArgs) -> anyhow::Result<()> {
    let bridge = Bridge::new(args.config()?);
    let metrics = Metrics::new();
    if let Some(addr) = &args.metrics {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .with_context(|| format!("--metrics: cannot listen on {addr}"))?;
        let stats = bridge.stats();
        let server_metrics = metrics.clone();
        let app = axum::Router::new().route(
            "/metrics",
            axum::routing::get(move || {
                let text = format!("{}{}", server_metrics.render(), stats.render());
                async move {
                    (
                        [(
                            axum::http::header::CONTENT_TYPE,
                            "text/plain; version=0.0.4",
                        )],
                        text,
                    )
                }
            }),
        );
        info!(addr = %listener.local_addr()?, "metrics on /metrics");
        tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(crate::shutdown_signal())
                .await;
        });
    }
    info!(listen = %args.listen, bot = %fcstream::untrusted::shown(&args.ws), "bridging calls to the bot");
    Server::bind(args.listen.as_str())
        .metrics(metrics)
        .serve_with_shutdown(bridge, crate::shutdown_signal())
        .await
        .with_context(|| format!("serving on {}", args.listen))?;
    Ok(())
}
