//! `fcstream sip APP_URL --listen 127.0.0.1:5060`: softphones and PBXes call the app over SIP
//! (UDP, PCMU, RFC 4733 keys) through the platform model, via `fcstream_sip`. See docs/SIP.md.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use clap::Args;
use fcstream::ContentType;
use fcstream_sip::{App, SipOptions};
use tokio::sync::mpsc;

/// `fcstream sip` arguments.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  fcstream serve --app ivr &\n  fcstream sip http://127.0.0.1:50051 --listen 127.0.0.1:5060 --out calls/\n  baresip: /dial sip:app@127.0.0.1:5060   (each call: calls/<Call-ID>/heard.wav, caller.wav, timeline.jsonl)"
)]
pub struct SipArgs {
    /// The app's gRPC URL (each SIP call opens one stream to it).
    #[arg(value_name = "APP_URL")]
    pub app_url: String,
    /// Where SIP listens (UDP).
    #[arg(long, default_value = "127.0.0.1:5060", env = "FCSTREAM_SIP_LISTEN")]
    pub listen: SocketAddr,
    /// The IP address written in Via, Contact and SDP (default: the listen address;
    /// 127.0.0.1 when listening on 0.0.0.0). Set it to this machine's LAN address when
    /// phones on other machines call.
    #[arg(long, value_name = "IP")]
    pub advertise: Option<IpAddr>,
    /// The stream's content type, as the app sees it (RTP is PCMU either way; l16 calls
    /// get the µ-law decoded, and resampled for 16 kHz).
    #[arg(long, default_value = "audio/mulaw;rate=8000", value_parser = parse_content_type)]
    pub content_type: ContentType,
    /// Write each call's report (heard.wav, caller.wav, timeline.jsonl, summary.json,
    /// heard.png) under `DIR/<Call-ID>/`.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Calls at once; more are refused 503.
    #[arg(long, default_value_t = 100)]
    pub max_calls: usize,
    /// The longest call; it then ends as a caller hang-up.
    #[arg(long, default_value = "1h", value_parser = humantime::parse_duration, value_name = "DURATION")]
    pub max_duration: Duration,
}

fn parse_content_type(s: &str) -> Result<ContentType, String> {
    ContentType::parse(s).map_err(|e| e.to_string())
}

/// Runs the front door until Ctrl-C (then every call is hung up and its report written).
pub async fn run(args: SipArgs) -> anyhow::Result<()> {
    let (records, mut done) = mpsc::channel(64);
    let mut options = SipOptions::new(args.listen);
    options.advertise = args.advertise;
    options.content_type = args.content_type;
    options.out = args.out.clone();
    options.max_calls = args.max_calls;
    options.max_duration = args.max_duration;
    options.records = Some(records);
    let server = fcstream_sip::serve(App::Url(args.app_url.clone()), options)
        .await
        .context(
            "the SIP front door did not start (is the port taken? try --listen 127.0.0.1:5062)",
        )?;
    println!(
        "fcstream sip: listening on udp {} for calls to {} (Ctrl-C to stop)",
        server.local_addr(),
        args.app_url
    );
    let printer = tokio::spawn(async move {
        while let Some(mut record) = done.recv().await {
            // Only what is printed is kept: the report itself is on disk (or not wanted).
            let app_frames = record
                .report
                .take()
                .map_or(0, |report| report.summary.frames_received);
            let r = record.rtp;
            println!(
                "call {}: {} (SIP: {}); rtp in {} (lost {}, late {}, wrong source {}, flood {}), out {}, app audio frames {}{}",
                record.call_id,
                record.outcome.map_or("not started", |o| o.as_str()),
                record
                    .sip_end
                    .map_or_else(|| "BYE sent".to_string(), |e| format!("{e:?}")),
                r.received,
                r.jitter.lost,
                r.jitter.late,
                r.wrong_source,
                r.flood_dropped,
                r.sent,
                app_frames,
                record
                    .dir
                    .map(|d| format!(", report in {}", d.display()))
                    .unwrap_or_default()
            );
        }
    });
    let _ = tokio::signal::ctrl_c().await;
    let counters = server.shutdown().await;
    printer.abort();
    println!(
        "fcstream sip: stopped; {} calls offered, {} malformed answered, {} dropped",
        counters.calls_offered, counters.malformed_answered, counters.malformed_dropped
    );
    Ok(())
}
