//! `fcstream replay FILE URL`: plays the caller side of a recorded call (`fcstream call
//! --record FILE`, or a `.jsonl` of `fcstream serve --record-dir`) against a server and says
//! what the app did differently, timing-tolerant (`fcstream_emulator::replay`). Exit status 1
//! when there is a difference: a regression test for a voice app in one line.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use clap::Args;
use fcstream_emulator::replay::{replay, Recording};
use fcstream_emulator::{connect, ConnectOptions, RunOptions};

/// `fcstream replay` arguments.
#[derive(Debug, Args)]
pub struct ReplayArgs {
    /// The recording: `fcstream call --record FILE`, or a server's own (`fcstream serve
    /// --record-dir DIR`: its `.jsonl`, with the `.wav` of the same name beside it).
    pub file: PathBuf,
    /// The app's gRPC URL.
    pub url: String,
    /// Equal messages at most this far apart in time are no difference.
    #[arg(long, default_value = "500ms", value_parser = humantime::parse_duration, value_name = "DURATION")]
    pub tolerance: Duration,
    /// The differences as JSON on stdout.
    #[arg(long)]
    pub json: bool,
    /// Sent as the `authorization` metadata of the stream.
    #[arg(long, value_name = "VALUE", env = "FCSTREAM_CALL_AUTHORIZATION")]
    pub authorization: Option<String>,
    /// PEM CA to trust for https:// (instead of the system roots).
    #[arg(long, value_name = "FILE")]
    pub ca_cert: Option<PathBuf>,
}

/// Runs `fcstream replay`.
pub async fn run(args: ReplayArgs) -> anyhow::Result<()> {
    let recording = Recording::open(&args.file)
        .with_context(|| format!("recording {}", args.file.display()))?;
    let options = ConnectOptions {
        ca_cert_pem: args
            .ca_cert
            .as_ref()
            .map(|p| std::fs::read(p).with_context(|| format!("--ca-cert {}", p.display())))
            .transpose()?,
        ..ConnectOptions::default()
    };
    let channel = connect(&args.url, &options).await?;
    let run = RunOptions {
        authorization: args.authorization.clone(),
        ..RunOptions::default()
    };
    let (report, differences) = replay(channel, &recording, &run, args.tolerance).await?;
    if args.json {
        let json = serde_json::json!({
            "recorded_messages": recording.app.len(),
            "replayed_messages": fcstream_emulator::replay::app_messages(&report).len(),
            "differences": differences,
        });
        crate::outln!("{}", serde_json::to_string_pretty(&json)?);
    } else if differences.is_empty() {
        crate::outln!(
            "no differences: {} app messages, the same within {:?}",
            recording.app.len(),
            args.tolerance
        );
    } else {
        for d in &differences {
            crate::outln!("{d}");
        }
    }
    if !differences.is_empty() {
        anyhow::bail!("{} difference(s) from the recorded call", differences.len());
    }
    Ok(())
}
