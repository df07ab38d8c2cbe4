//! The `fcstream` command: serve apps over FreeClimb Audio Streaming, and (with the emulator)
//! call them.
//!
//! Output: a command's report goes to stdout; when stdout is closed early (`fcstream demo |
//! head -1`) the rest of the report is dropped, the command still finishes its work (the call,
//! the files) and exits with its usual status (0 when it went well). Errors go to stderr, each
//! cause once, with a `hint:` line when fcstream can tell what is probably wrong.

/// The process's allocator (feature `jemalloc`, on by default): see the feature's note in
/// Cargo.toml and docs/OPERATIONS.md ("Memory").
#[cfg(all(feature = "jemalloc", not(target_env = "msvc")))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

use clap::{Args, Parser, Subcommand, ValueEnum};
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
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

/// The wire's l16 byte order: on the commands that send or receive call audio (serve, call,
/// demo, load), not on the speech commands.
#[derive(Debug, Clone, Copy, Args)]
struct Wire {
    /// Byte order of audio/l16 payloads (the specification does not say; RFC 3551 is big).
    #[arg(long, default_value = "big", env = "FCSTREAM_L16_BYTE_ORDER")]
    l16_byte_order: ByteOrder,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run a built-in app on the gRPC server.
    Serve {
        #[command(flatten)]
        args: cmd::serve::ServeArgs,
        #[command(flatten)]
        wire: Wire,
    },
    /// Call an app as the FreeClimb platform would (the emulator): scripted caller audio and
    /// keys, what the caller heard as a WAV, every message as a timeline.
    Call {
        #[command(flatten)]
        args: cmd::call::CallArgs,
        #[command(flatten)]
        wire: Wire,
    },
    /// The showcase: run the built-in IVR app and call it, then tell the story of the call.
    Demo {
        #[command(flatten)]
        args: cmd::demo::DemoArgs,
        #[command(flatten)]
        wire: Wire,
    },
    /// Load an app with many concurrent real-time calls: added latency per frame, loss, calls
    /// ok/failed, and the generator's own health.
    Load {
        #[command(flatten)]
        args: Box<cmd::load::LoadArgs>,
        #[command(flatten)]
        wire: Wire,
    },
    /// Judge a FreeClimb stream server (any language): named cases, each a scripted call
    /// with expectations; a table, --json or --junit FILE; exit status 1 when a case fails.
    Conform {
        #[command(flatten)]
        args: Box<cmd::conform::ConformArgs>,
        #[command(flatten)]
        wire: Wire,
    },
    /// Play a recorded call (`fcstream call --record FILE`) against a server and show what
    /// the app did differently; exit status 1 when anything did.
    Replay {
        #[command(flatten)]
        args: cmd::replay::ReplayArgs,
        #[command(flatten)]
        wire: Wire,
    },
    /// Bridge FreeClimb calls to a bot written for Twilio Media Streams (Pipecat and
    /// friends): one WebSocket per call, Twilio's messages both ways.
    Bridge {
        #[command(flatten)]
        args: cmd::bridge::BridgeArgs,
        #[command(flatten)]
        wire: Wire,
    },
    /// Talk to an app from a browser tab: a page with the microphone as the caller, the
    /// app's audio played back, a keypad, an event log and each call's files.
    Phone {
        #[command(flatten)]
        args: cmd::phone::PhoneArgs,
        #[command(flatten)]
        wire: Wire,
    },
    /// A SIP front door: softphones and PBXes call the app (UDP, PCMU, RFC 4733 keys)
    /// through the platform model, one stream per SIP call, each call's report written.
    Sip {
        #[command(flatten)]
        args: cmd::sip::SipArgs,
        #[command(flatten)]
        wire: Wire,
    },
    /// Serve Google Speech-to-Text v1 streaming recognition locally (Whisper or PocketSphinx).
    SttServe(cmd::stt::SttServeArgs),
    /// Install, list and check the speech models (`fcstream models install`).
    #[cfg(feature = "whisper")]
    Models(cmd::models::ModelsArgs),
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
    let quiet = matches!(
        cli.command,
        Command::Call { .. } | Command::Demo { .. } | Command::Replay { .. }
    );
    // `conform` reports what each call showed in its cases: the platform's own warnings
    // (a server not reading, ...) would repeat them line by line.
    let level = match cli.command {
        Command::Conform { .. } => "error",
        _ if quiet => "warn",
        _ => "info",
    };
    init_logs(cli.log_format, level);
    let wire = match &cli.command {
        Command::Serve { wire, .. }
        | Command::Call { wire, .. }
        | Command::Demo { wire, .. }
        | Command::Load { wire, .. }
        | Command::Conform { wire, .. }
        | Command::Replay { wire, .. }
        | Command::Bridge { wire, .. }
        | Command::Phone { wire, .. }
        | Command::Sip { wire, .. } => Some(*wire),
        Command::SttServe(_) | Command::Transcribe(_) => None,
        #[cfg(feature = "whisper")]
        Command::Models(_) => None,
    };
    if let Some(wire) = wire {
        l16::set_byte_order(wire.l16_byte_order);
    }
    let result = match cli.command {
        Command::Serve { args, .. } => cmd::serve::run(args).await,
        Command::Call { args, .. } => cmd::call::run(args).await,
        Command::Demo { args, .. } => cmd::demo::run(args).await,
        Command::Load { args, .. } => cmd::load::run(*args).await,
        Command::Conform { args, .. } => cmd::conform::run(*args).await,
        Command::Replay { args, .. } => cmd::replay::run(args).await,
        Command::Bridge { args, .. } => cmd::bridge::run(args).await,
        Command::Phone { args, .. } => cmd::phone::run(args).await,
        Command::Sip { args, .. } => cmd::sip::run(args).await,
        Command::SttServe(args) => cmd::stt::serve(args).await,
        Command::Transcribe(args) => cmd::stt::transcribe(args).await,
        #[cfg(feature = "whisper")]
        Command::Models(args) => tokio::task::spawn_blocking(move || cmd::models::run_models(args))
            .await
            .unwrap_or_else(|e| Err(anyhow::anyhow!("models: {e}"))),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            // A closed stderr is no reason to panic: the status still says it failed.
            use std::io::Write;
            let _ = writeln!(std::io::stderr(), "{}", fcstream_cli::report(&e));
            std::process::ExitCode::FAILURE
        }
    }
}
