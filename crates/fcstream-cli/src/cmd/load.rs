//! `fcstream load`: many concurrent real-time calls against one app, as the platform would
//! place them, with latency percentiles, loss and the generator's own health; a progress bar
//! on a terminal, a table or `--json` at the end. The engine is the [`fcstream_load`] crate;
//! this is its command line.

use std::io::IsTerminal;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{bail, Context};
use clap::Args;
use fcstream::ContentType;
use fcstream_load::{Live, LoadConfig};

/// Options of `fcstream load`.
#[derive(Debug, Clone, Args)]
#[command(after_help = "Examples:
  fcstream serve --app echo &
  fcstream load http://127.0.0.1:50051 --calls 500 --duration 30s
  fcstream load http://127.0.0.1:50051 --calls 2000 --ramp 200/s --duration 60s --json > run.json
  taskset -c 0 fcstream load http://127.0.0.1:50051 --calls 1000 --server-pid \"$(pgrep -n fcstream)\"
  fcstream load https://127.0.0.1:50443 --ca-cert ca.pem --tls-domain localhost --calls 200

With --json the report also carries the added-latency histogram (latency_histogram.buckets:
[{le_us, count}], any quantile recomputable from them) and the run second by second
(series: calls up, p50/p99/max added latency, frames sent, echoed, late and lost, the
generator's lateness).

Against an echo app (the default expectation) every caller frame carries a tag, so its echo
gives the added latency (frame sent → echo received), loss, duplicates and reordering. The
generator answers every PlayAudio with playback started/completed as the platform would.
If its own 20 ms ticks fire late (p99 above --lateness-threshold) the run is reported as
GENERATOR-LIMITED: its numbers describe the generator, not the server.")]
pub struct LoadArgs {
    /// The app's gRPC URL: http://host:port (plain HTTP/2) or https://host:port (TLS).
    pub url: String,
    /// Extra CA certificate (PEM) to trust for https:// URLs (the public web roots are
    /// always trusted).
    #[arg(long, value_name = "FILE")]
    pub ca_cert: Option<std::path::PathBuf>,
    /// Name to verify the server certificate against, when not the URL's host.
    #[arg(long, value_name = "NAME")]
    pub tls_domain: Option<String>,
    /// Concurrent calls.
    #[arg(long, default_value_t = 100)]
    pub calls: u32,
    /// Calls started per second, e.g. 200/s (0: all at once).
    #[arg(long, default_value = "200/s", value_parser = parse_rate)]
    pub ramp: f64,
    /// Each call's talk time, e.g. 30s, 2m.
    #[arg(long, default_value = "30s", value_parser = humantime::parse_duration)]
    pub duration: Duration,
    /// The calls' audio format.
    #[arg(long, default_value = "audio/mulaw;rate=8000")]
    pub content_type: ContentType,
    /// HTTP/2 connections [default: one per --calls-per-connection calls].
    #[arg(long)]
    pub connections: Option<usize>,
    /// Calls per connection when --connections is not given.
    #[arg(long, default_value_t = 200)]
    pub calls_per_connection: usize,
    /// Generator threads (each one core's worth of calls).
    #[arg(long, default_value_t = 1)]
    pub threads: usize,
    /// After its last frame, how long a call waits for the last echoes.
    #[arg(long, default_value = "2s", value_parser = humantime::parse_duration)]
    pub drain: Duration,
    /// Connection and response-header time-out.
    #[arg(long, default_value = "10s", value_parser = humantime::parse_duration)]
    pub connect_timeout: Duration,
    /// Sent as the `authorization` header of every stream, e.g. "Bearer s3cret".
    #[arg(long, env = "FCSTREAM_LOAD_AUTHORIZATION")]
    pub authorization: Option<String>,
    /// The app is not an echo: do not count loss or require echoed frames.
    #[arg(long)]
    pub no_echo: bool,
    /// The platform variants the specification is silent on.
    #[command(flatten)]
    pub variant: super::variant::VariantArgs,
    /// p99 lateness of the generator's ticks above which the run is generator-limited.
    #[arg(long, default_value = "2ms", value_parser = humantime::parse_duration)]
    pub lateness_threshold: Duration,
    /// SLO: p99 added latency.
    #[arg(long, default_value = "20ms", value_parser = humantime::parse_duration)]
    pub slo_p99: Duration,
    /// SLO: frame loss allowed, percent.
    #[arg(long, default_value_t = 0.0)]
    pub slo_loss: f64,
    /// The server's process id (same machine): report its CPU (% of one core) and RSS.
    #[arg(long)]
    pub server_pid: Option<u32>,
    /// Read each app message as it arrives (latency to ~0.1 ms, at several times the
    /// generator's CPU) instead of once per 1 ms tick (latency over-stated by 0-1 ms).
    #[arg(long)]
    pub precise_receive: bool,
    /// Print the report as JSON on stdout (the table goes nowhere).
    #[arg(long)]
    pub json: bool,
    /// Exit with status 3 unless the verdict is "pass".
    #[arg(long)]
    pub check: bool,
}

fn parse_rate(s: &str) -> Result<f64, String> {
    let v = s.trim().trim_end_matches("/s").trim();
    let rate: f64 = v
        .parse()
        .map_err(|_| format!("{s:?}: expected calls per second, e.g. 200/s"))?;
    if !(rate >= 0.0 && rate.is_finite()) {
        return Err(format!("{s:?}: must be 0 or more"));
    }
    Ok(rate)
}

impl LoadArgs {
    /// The engine's settings (reads `--ca-cert`).
    pub fn config(&self) -> anyhow::Result<LoadConfig> {
        let mut c = LoadConfig::new(self.url.clone(), self.calls);
        c.ca_cert_pem = self
            .ca_cert
            .as_ref()
            .map(|p| std::fs::read(p).with_context(|| format!("--ca-cert {}", p.display())))
            .transpose()?;
        c.tls_domain = self.tls_domain.clone();
        c.ramp_per_s = self.ramp;
        c.duration = self.duration;
        c.content_type = self.content_type;
        c.connections = self.connections;
        c.calls_per_connection = self.calls_per_connection;
        c.threads = self.threads;
        c.drain = self.drain;
        c.connect_timeout = self.connect_timeout;
        c.authorization = self.authorization.clone();
        c.expect_echo = !self.no_echo;
        c.lateness_threshold = self.lateness_threshold;
        c.slo_p99 = self.slo_p99;
        c.slo_max_loss_pct = self.slo_loss;
        c.server_pid = self.server_pid;
        c.precise_receive = self.precise_receive;
        // Unset: LoadConfig::new's, which are the platform model's defaults.
        let v = self.variant.variant();
        c.acks = v.acks.unwrap_or(c.acks);
        c.depth_counts_playing = v.depth_counts_playing.unwrap_or(c.depth_counts_playing);
        c.first_sequence = v.first_sequence.unwrap_or(c.first_sequence);
        Ok(c)
    }
}

/// Runs `fcstream load`.
pub async fn run(args: LoadArgs) -> anyhow::Result<()> {
    if args.threads == 0 {
        bail!("--threads must be at least 1");
    }
    let config = args.config()?;
    let live = Arc::new(Live::default());
    let progress = std::io::stderr()
        .is_terminal()
        .then(|| tokio::spawn(show_progress(live.clone(), args.calls)));
    let result = fcstream_load::run_with_live(config, live).await;
    if let Some(p) = progress {
        p.abort();
        let _ = p.await;
    }
    let report = result.context("load")?;
    if args.json {
        crate::outln!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        crate::out!("{}", report.render());
    }
    if args.check && report.verdict != "pass" {
        std::process::exit(3);
    }
    Ok(())
}

/// A progress bar on stderr: calls up, ok/failed, current p99 and the generator's lateness.
async fn show_progress(live: Arc<Live>, calls: u32) {
    let bar = indicatif::ProgressBar::new(u64::from(calls));
    bar.set_style(
        indicatif::ProgressStyle::with_template("{elapsed:>4} [{bar:20}] {pos}/{len} up  {msg}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    let _guard = scopeguard(bar.clone());
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    let mut last = (0u64, 0u64);
    loop {
        tick.tick().await;
        let s = live.snapshot();
        bar.set_position(s.active);
        let p99 = s.p99_ms.map_or("-".into(), |v| format!("{v:.1} ms"));
        let late = s
            .lateness_p99_ms
            .map_or("-".into(), |v| format!("{v:.1} ms"));
        bar.set_message(format!(
            "ok {} failed {} lost {} | p99 {p99} | frames/s out {} in {} | gen late p99 {late}",
            s.ok,
            s.failed,
            s.lost,
            s.frames_out - last.0,
            s.frames_in - last.1
        ));
        last = (s.frames_out, s.frames_in);
    }
}

/// Clears the bar when the progress task ends (aborted at the end of the run).
fn scopeguard(bar: indicatif::ProgressBar) -> impl Drop {
    struct Clear(indicatif::ProgressBar);
    impl Drop for Clear {
        fn drop(&mut self) {
            self.0.finish_and_clear();
        }
    }
    Clear(bar)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        load: LoadArgs,
    }

    #[test]
    fn flags_parse() {
        let cli = Cli::parse_from([
            "x",
            "http://127.0.0.1:1",
            "--calls",
            "2000",
            "--ramp",
            "250/s",
            "--duration",
            "1m",
            "--content-type",
            "audio/l16;rate=16000",
            "--json",
        ]);
        let c = cli.load.config().unwrap();
        assert_eq!(c.calls, 2000);
        assert_eq!(c.ramp_per_s, 250.0);
        assert_eq!(c.duration, Duration::from_secs(60));
        assert_eq!(c.content_type, ContentType::L16At16k);
        assert!(cli.load.json);
        assert!(parse_rate("fast").is_err());
        // The platform variants default to the platform model's.
        let platform = fcstream_emulator::PlatformConfig::default();
        assert_eq!(c.depth_counts_playing, platform.depth_counts_playing);
        assert_eq!(c.first_sequence, platform.first_sequence);
        assert_eq!(c.acks, platform.acks);
    }

    #[test]
    fn platform_variant_flags_reach_the_engine() {
        let cli = Cli::parse_from([
            "x",
            "http://127.0.0.1:1",
            "--acks",
            "none",
            "--depth-counts-playing",
            "false",
            "--first-sequence",
            "7",
        ]);
        let c = cli.load.config().unwrap();
        assert_eq!(c.acks, fcstream_emulator::buffers::AckShape::None);
        assert!(!c.depth_counts_playing);
        assert_eq!(c.first_sequence, 7);
        let cli = Cli::parse_from(["x", "http://127.0.0.1:1", "--depth-counts-playing", "true"]);
        assert!(cli.load.config().unwrap().depth_counts_playing);
        assert_eq!(parse_rate("0").unwrap(), 0.0);
    }

    #[test]
    fn tls_flags_reach_the_engine() {
        let dir = std::env::temp_dir().join(format!("fcstream-load-ca-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let ca = dir.join("ca.pem");
        std::fs::write(&ca, b"-----BEGIN CERTIFICATE-----\n").unwrap();
        let cli = Cli::parse_from([
            "x",
            "https://127.0.0.1:1",
            "--ca-cert",
            ca.to_str().unwrap(),
            "--tls-domain",
            "localhost",
        ]);
        let c = cli.load.config().unwrap();
        assert_eq!(c.url, "https://127.0.0.1:1");
        assert_eq!(
            c.ca_cert_pem.as_deref(),
            Some(&b"-----BEGIN CERTIFICATE-----\n"[..])
        );
        assert_eq!(c.tls_domain.as_deref(), Some("localhost"));
        let cli = Cli::parse_from(["x", "https://h:1", "--ca-cert", "/nonexistent/ca.pem"]);
        let err = cli.load.config().unwrap_err().to_string();
        assert!(err.contains("--ca-cert"), "{err}");
        let _ = std::fs::remove_dir_all(dir);
    }
}
