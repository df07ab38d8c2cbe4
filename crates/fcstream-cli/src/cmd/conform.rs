//! `fcstream conform URL`: the conformance suite (`fcstream_emulator::conform`) against a
//! server in any language: a table by default, `--json`, `--junit FILE`; exit status 1 when
//! any case fails. See docs/CONFORMANCE.md.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use clap::Args;
use fcstream_emulator::conform::{self, Connector, Options, Profile, Verdict};
use fcstream_emulator::ConnectOptions;

/// `fcstream conform` arguments.
#[derive(Debug, Args)]
pub struct ConformArgs {
    /// The server under test, e.g. http://127.0.0.1:50051 (https:// for TLS).
    #[arg(required_unless_present = "list")]
    pub url: Option<String>,
    /// What the server claims to be: `echo` (a plain echo: audio and keys back, checked
    /// byte-exact) or `app` (any app: only what every server must do).
    #[arg(long, default_value = "app", value_parser = parse_profile)]
    pub profile: Profile,
    /// Only the cases matching these comma-separated patterns (`*` is a wildcard; a pattern
    /// without `*` matches names containing it), e.g. `end/*,acks`.
    #[arg(long, value_name = "PATTERN")]
    pub only: Option<String>,
    /// Print the report as JSON instead of the table.
    #[arg(long)]
    pub json: bool,
    /// Also write the report as JUnit XML to FILE (for CI).
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// List the cases (name, profiles, description) and exit.
    #[arg(long)]
    pub list: bool,
    /// Echo profile: the longest a frame may take to come back.
    #[arg(long, default_value = "500ms", value_parser = humantime::parse_duration, value_name = "DURATION")]
    pub echo_latency: Duration,
    /// How soon after NotifyCallEndedMessage the server must have closed its side.
    #[arg(long, default_value = "2s", value_parser = humantime::parse_duration, value_name = "DURATION")]
    pub end_within: Duration,
    /// Echo profile: the server does not press back the caller's keys (skips echo/dtmf).
    #[arg(long)]
    pub no_dtmf: bool,
    /// Cases run at once (each is its own call on its own connection).
    #[arg(long, default_value_t = 4, value_name = "N")]
    pub jobs: usize,
    /// Calls of the load/concurrent-calls case.
    #[arg(long, default_value_t = 50, value_name = "N")]
    pub concurrent_calls: usize,
    /// Send this `authorization` header value on every call, e.g. "Bearer s3cret".
    #[arg(long, value_name = "VALUE", env = "FCSTREAM_CALL_AUTHORIZATION")]
    pub authorization: Option<String>,
    /// The platform variant every call runs with (the `acks/*` and
    /// `caller/first-sequence-1` cases still set their own): run the suite once per variant
    /// your platform may use.
    #[command(flatten)]
    pub variant: super::variant::VariantArgs,
    /// Extra CA certificate (PEM) to trust for https:// URLs.
    #[arg(long, value_name = "FILE")]
    pub ca_cert: Option<PathBuf>,
    /// Name to verify the server certificate against, when not the URL's host.
    #[arg(long, value_name = "NAME")]
    pub tls_domain: Option<String>,
}

fn parse_profile(s: &str) -> Result<Profile, String> {
    s.parse()
}

/// Runs `fcstream conform`.
pub async fn run(args: ConformArgs) -> anyhow::Result<()> {
    let options = Options {
        profile: args.profile,
        only: args.only.clone(),
        echo_latency: args.echo_latency,
        end_within: args.end_within,
        echo_dtmf: !args.no_dtmf,
        jobs: args.jobs,
        concurrent_calls: args.concurrent_calls,
        authorization: args.authorization.clone(),
        variant: args.variant.variant(),
    };
    if args.list {
        let mut out = String::new();
        for c in conform::CASES {
            let profiles: Vec<_> = c.profiles.iter().map(|p| p.as_str()).collect();
            out.push_str(&format!(
                "{:<28} {:<9} {}\n",
                c.name,
                profiles.join(","),
                c.description
            ));
        }
        crate::out!("{out}");
        return Ok(());
    }
    let selected = conform::selected(&options);
    if selected.is_empty() {
        anyhow::bail!(
            "no case of profile {} matches --only {:?} (see fcstream conform --list)",
            options.profile.as_str(),
            options.only.as_deref().unwrap_or("")
        );
    }
    let url = args.url.clone().unwrap_or_default();
    let connect = ConnectOptions {
        ca_cert_pem: args
            .ca_cert
            .as_ref()
            .map(|p| std::fs::read(p).with_context(|| format!("--ca-cert {}", p.display())))
            .transpose()?,
        tls_domain: args.tls_domain.clone(),
        ..ConnectOptions::default()
    };
    // Reachable at all? One clear error instead of every case failing the same way.
    fcstream_emulator::connect(&url, &connect).await?;
    let connector = Connector::url(url.clone(), connect);
    let report = conform::run_named(&connector, &options, &url).await;
    if let Some(path) = &args.junit {
        std::fs::write(path, report.to_junit())
            .with_context(|| format!("--junit {}", path.display()))?;
    }
    if args.json {
        let text = serde_json::to_string_pretty(&report.to_json())?;
        crate::outln!("{text}");
    } else {
        crate::out!("{}", report.table());
    }
    let failed = report.failed();
    if failed > 0 {
        let names: Vec<_> = report
            .cases
            .iter()
            .filter(|c| c.verdict == Verdict::Fail)
            .map(|c| c.name)
            .collect();
        anyhow::bail!(
            "{failed} of {} conformance cases failed: {}",
            report.cases.len(),
            names.join(", ")
        );
    }
    Ok(())
}
