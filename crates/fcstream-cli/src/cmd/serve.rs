//! `fcstream serve`: runs a built-in app on the gRPC server.

use std::time::Duration;

use clap::Args;
use fcstream::{CallConfig, PlaybackConfig, Server};
use tracing::info;

use crate::apps::App;
use fcstream::apps::echo;

/// Options of `fcstream serve`.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  fcstream serve --app echo\n  fcstream serve --listen 127.0.0.1:50051 --app echo --log-format json\n  RUST_LOG=fcstream=debug fcstream serve"
)]
pub struct ServeArgs {
    /// Address of the gRPC server (FreeClimb's AudioStream location points here).
    #[arg(long, default_value = "0.0.0.0:50051", env = "FCSTREAM_LISTEN")]
    pub listen: String,
    /// Built-in app to run on every call.
    #[arg(long, value_enum, default_value = "echo", env = "FCSTREAM_APP")]
    pub app: App,
    /// Length of one chunk of a long clip, in ms.
    #[arg(long, default_value_t = 200)]
    pub chunk_ms: u64,
    /// Audio sent ahead of what the caller heard, at most, in ms.
    #[arg(long, default_value_t = 1000)]
    pub max_ahead_ms: u64,
    /// Entries outstanding at the platform's audio buffer, at most.
    #[arg(long, default_value_t = 16)]
    pub max_entries: usize,
}

/// Runs the server until Ctrl-C or SIGTERM.
pub async fn run(args: ServeArgs) -> anyhow::Result<()> {
    let config = CallConfig {
        playback: PlaybackConfig {
            chunk: Duration::from_millis(args.chunk_ms.max(20)),
            max_ahead: Duration::from_millis(args.max_ahead_ms),
            max_entries: args.max_entries.max(1),
            ..PlaybackConfig::default()
        },
        ..CallConfig::default()
    };
    let server = Server::bind(args.listen.clone()).call_config(config);
    info!(app = ?args.app, "serving");
    match args.app {
        App::Echo => {
            server
                .serve_with_shutdown(echo, crate::shutdown_signal())
                .await?
        }
    }
    Ok(())
}
