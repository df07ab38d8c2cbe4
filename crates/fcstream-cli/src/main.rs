//! The `fcstream` command: serve apps over FreeClimb Audio Streaming, and (with the emulator)
//! call them.

use clap::{Parser, Subcommand, ValueEnum};
use fcstream::audio::l16::{self, ByteOrder};
use fcstream_cli::cmd;

/// fcstream: build, run and test FreeClimb Audio Streaming apps.
#[derive(Debug, Parser)]
#[command(name = "fcstream", version, about, propagate_version = true)]
#[command(
    after_help = "Examples:\n  fcstream demo                      # call the built-in IVR app, tell the story, write fcstream-demo/\n  fcstream serve --app echo          # run the echo app on 0.0.0.0:50051\n  fcstream call http://127.0.0.1:50051 --dtmf 1@2s --out out/\n  fcstream serve --help"
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
    /// Call an app as the FreeClimb platform would (the emulator): scripted caller audio and
    /// keys, what the caller heard as a WAV, every message as a timeline.
    Call(cmd::call::CallArgs),
    /// The showcase: run the built-in IVR app and call it, then tell the story of the call.
    Demo(cmd::demo::DemoArgs),
    /// Load an app with many concurrent real-time calls: added latency per frame, loss, calls
    /// ok/failed, and the generator's own health.
    Load(Box<cmd::load::LoadArgs>),
    /// Serve Google Speech-to-Text v1 streaming recognition locally (PocketSphinx).
    SttServe(cmd::stt::SttServeArgs),
    /// Stream a WAV file to a speech service and print what it recognised.
    Transcribe(cmd::stt::TranscribeArgs),
}

fn init_logs(format: LogFormat, default_level: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default_level));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()));
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().init(),
    }
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    // `call` and `demo` print their own report: only warnings go to the log by default.
    let quiet = matches!(cli.command, Command::Call(_) | Command::Demo(_));
    init_logs(cli.log_format, if quiet { "warn" } else { "info" });
    l16::set_byte_order(cli.l16_byte_order);
    let result = match cli.command {
        Command::Serve(args) => cmd::serve::run(args).await,
        Command::Call(args) => cmd::call::run(args).await,
        Command::Demo(args) => cmd::demo::run(args).await,
        Command::Load(args) => cmd::load::run(*args).await,
        Command::SttServe(args) => cmd::stt::serve(args).await,
        Command::Transcribe(args) => cmd::stt::transcribe(args).await,
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
