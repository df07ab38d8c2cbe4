//! `fcstream phone APP_URL`: talk to an app from a browser tab. Serves the page and its
//! WebSocket (`fcstream_phone`) on loopback; each call from the page is a live call through
//! the emulator's platform model, with its files written per call. See docs/PHONE.md.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use clap::Args;
use fcstream::ContentType;
use fcstream_phone::{AppTarget, PhoneOptions};

/// `fcstream phone` arguments.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  fcstream serve --app echo --listen 127.0.0.1:50051 &
  fcstream phone http://127.0.0.1:50051             # open http://127.0.0.1:8089/ and press Call
  fcstream phone http://127.0.0.1:50051 --listen 127.0.0.1:0 --out calls/

The page captures the microphone, streams it to the app as the caller's voice (the call's
format is chosen on the page), plays what the app answers, and has a keypad, an event log and
a level meter. After each call: the picture of what was heard and links to heard.wav,
caller.wav, timeline.jsonl and summary.json (the last --keep-calls calls are kept).
Loopback only unless --allow-remote (browsers allow the microphone on http://127.0.0.1 and
http://localhost only; elsewhere the page must be served over https by a proxy).")]
pub struct PhoneArgs {
    /// The app's gRPC server: http://host:port or https://host:port.
    pub url: String,
    /// Where the page is served (loopback unless --allow-remote; port 0 picks one).
    #[arg(long, default_value = "127.0.0.1:8089", env = "FCSTREAM_PHONE_LISTEN")]
    pub listen: String,
    /// Serve beyond loopback (any --listen address and Host header). Anyone who can reach
    /// the port can then call the app and read the recent calls.
    #[arg(long)]
    pub allow_remote: bool,
    /// Where each call's files go, one directory per call [default: a directory under the
    /// system's temporary directory].
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// How many finished calls keep their files (older ones are deleted).
    #[arg(long, default_value_t = 20, value_name = "N")]
    pub keep_calls: usize,
    /// Calls at once (one per browser tab).
    #[arg(long, default_value_t = 4, value_name = "N")]
    pub max_calls: usize,
    /// The longest call; the platform hangs up after it.
    #[arg(long, default_value = "1h", value_parser = humantime::parse_duration, value_name = "DURATION")]
    pub max_call: Duration,
    /// The caller's jitter buffer's starting cushion (it grows by itself when the page's
    /// audio arrives in bursts, up to 600 ms): more for a loaded machine, less for delay.
    #[arg(long, default_value = "100ms", value_parser = humantime::parse_duration, value_name = "DURATION")]
    pub caller_buffer: Duration,
    /// The call format preselected on the page: audio/mulaw;rate=8000, audio/l16;rate=8000
    /// or audio/l16;rate=16000.
    #[arg(long, default_value = "audio/mulaw;rate=8000", value_name = "TYPE")]
    pub content_type: String,
}

/// Serves the phone until SIGTERM/SIGINT.
pub async fn run(args: PhoneArgs) -> anyhow::Result<()> {
    if !(args.url.starts_with("http://") || args.url.starts_with("https://")) {
        anyhow::bail!(
            "APP_URL: expected http://host:port or https://host:port, got {:?}",
            args.url
        );
    }
    let content_type = ContentType::parse(&args.content_type)
        .with_context(|| format!("--content-type {:?}", args.content_type))?;
    let addr: std::net::SocketAddr = args
        .listen
        .parse()
        .with_context(|| format!("--listen {:?}: expected IP:PORT", args.listen))?;
    fcstream_phone::check_listen(addr, args.allow_remote)?;
    let out = args.out.clone().unwrap_or_else(|| {
        std::env::temp_dir().join(format!("fcstream-phone-{}", std::process::id()))
    });
    let mut options = PhoneOptions::new(AppTarget::url(args.url.clone()), out.clone());
    options.keep_calls = args.keep_calls;
    options.max_calls = args.max_calls;
    options.max_call = args.max_call;
    options.content_type = content_type;
    options.allow_remote = args.allow_remote;
    options.caller_cushion = args.caller_buffer;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("--listen: cannot listen on {addr}"))?;
    let local = listener.local_addr()?;
    tracing::info!(addr = %local, app = %args.url, out = %out.display(), "phone listening");
    println!(
        "fcstream phone: open http://{local}/ to call {} (calls' files in {})",
        args.url,
        out.display()
    );
    fcstream_phone::serve_with_shutdown(listener, options, crate::shutdown_signal()).await?;
    Ok(())
}
