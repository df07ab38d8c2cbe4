//! The `fcstream` command: serve apps over FreeClimb Audio Streaming, and (with the emulator)
//! call them.

mod apps;
mod cmd;

use clap::{Parser, Subcommand, ValueEnum};
use fcstream::audio::l16::{self, ByteOrder};

/// fcstream: build, run and test FreeClimb Audio Streaming apps.
#[derive(Debug, Parser)]
#[command(name = "fcstream", version, about, propagate_version = true)]
#[command(
    after_help = "Examples:\n  fcstream serve --app echo          # run the echo app on 0.0.0.0:50051\n  fcstream serve --help"
)]
struct Cli {
    /// Log format.
    #[arg(
        long,
        global = true,
        value_enum,
        default_value = "text",
        env = "FCSTREAM_LOG_FORMAT"
    )]
    log_format: LogFormat,
    /// Byte order of audio/l16 payloads (the specification does not say; RFC 3551 is big).
    #[arg(
        long,
        global = true,
        default_value = "big",
        env = "FCSTREAM_L16_BYTE_ORDER"
    )]
    l16_byte_order: ByteOrder,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run a built-in app on the gRPC server.
    Serve(cmd::serve::ServeArgs),
}

fn init_logs(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()));
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().init(),
    }
}

/// Resolves on Ctrl-C or SIGTERM.
pub(crate) async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutdown signal received");
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    init_logs(cli.log_format);
    l16::set_byte_order(cli.l16_byte_order);
    let result = match cli.command {
        Command::Serve(args) => cmd::serve::run(args).await,
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
