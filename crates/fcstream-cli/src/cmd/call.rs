//! `fcstream call <url>`: calls an app as the FreeClimb platform would, with the emulator
//! (`fcstream-emulator`), and reports what happened. Flags cover the common cases; `--script`
//! takes the full TOML format (`docs/EMULATOR.md`), and flags override it.

use std::path::PathBuf;
use std::time::Duration;

use crate::tls_hint;
use anyhow::{bail, Context};
use clap::Args;
use fcstream::ContentType;
use fcstream_emulator::script::{parse_direction, parse_dtmf, parse_duration, parse_hangup};
use fcstream_emulator::{
    connect, run_flow, run_with, story, ConnectOptions, Flow, HangUp, Hangup, RunOptions, Script,
    Source,
};

mod output;

/// Options of `fcstream call`.
#[derive(Debug, Default, Clone, Args)]
#[command(after_help = "Examples:
  fcstream call http://127.0.0.1:50051                           # a silent caller, hangs up after 2 s
  fcstream call http://127.0.0.1:50051 --wav assets/hello.wav --dtmf 1@2s,#@4.5s --out out/
  fcstream call http://127.0.0.1:50051 --tone 440 --hangup-after 30s --json
  fcstream call https://app.example.com:443 --metadata tenant=acme --content-type 'audio/l16;rate=16000'
  fcstream call http://127.0.0.1:50051 --wait-for-app --story     # until the app hangs up
  fcstream call http://127.0.0.1:50051 --say \"what are your hours@3s\" --wait-for-app  # espeak-ng
  fcstream call http://127.0.0.1:50051 --hangup-after 10s --platform-error-at 3s --ack-delay 200ms --buffer-size 4
  fcstream call http://127.0.0.1:50051 --script call.toml --out out/
  fcstream call --webhook http://127.0.0.1:8080/inbound --signing-secret whsec_...   # HTTP first

Durations: 250ms, 4.5s, 1m30s. DTMF: DIGITS@TIME[:PRESS], comma separated (1@2s,#@4.5s:200ms),
each before the hang-up. A fault after the call's planned end never fires (a warning says so).
Outputs with --out DIR: heard.wav (what the caller heard), heard.png (its picture: waveforms,
spectrogram, events), caller.wav (what the caller said), timeline.jsonl (every message both
ways), summary.json.
While the call runs, one line per notable event goes to stderr (--quiet: none). Ctrl-C hangs up
(the app is told CALLER_DISCONNECT), prints the summary and writes the files with what was
recorded so far, and exits with status 130; a second Ctrl-C quits at once.
When stdout is closed early (| head) the rest of the report is dropped; the status is unchanged.
Exit status: 0 when the call ended as scripted (faults you asked for included); 1 when the app
failed, never ended a call you waited on (--wait-for-app), or (with --strict) when the platform
sent any NotifyErrorMessage or a webhook after the call failed. A failed actionUrl webhook is a
warning: the call's files are written and the status is the call's.
The script format and the platform model: docs/EMULATOR.md.")]
pub struct CallArgs {
    /// The app's gRPC server: http://host:port (plain HTTP/2) or https://host:port (TLS).
    /// Not needed with --webhook (the PerCL names it).
    #[arg(required_unless_present = "webhook")]
    pub url: Option<String>,
    /// Play the whole FreeClimb flow: POST the inbound-call webhook to this URL, follow the
    /// PerCL's AudioStream, then POST the audioStream webhook to its actionUrl.
    #[arg(long, value_name = "URL", conflicts_with = "url")]
    pub webhook: Option<String>,
    /// Sign the webhooks with the account's signing secret (FreeClimb-Signature).
    #[arg(
        long,
        value_name = "SECRET",
        env = "FCSTREAM_SIGNING_SECRET",
        hide_env_values = true
    )]
    pub signing_secret: Option<String>,
    /// A TOML script with the whole call (docs/EMULATOR.md); the flags below override it.
    #[arg(long, value_name = "FILE")]
    pub script: Option<PathBuf>,

    /// What the caller says: a WAV file (any rate and channel count; PCM, float, µ-law or
    /// A-law), from the call's start.
    #[arg(long, value_name = "FILE")]
    pub wav: Option<PathBuf>,
    /// What the caller says, spoken by espeak-ng: TEXT@TIME, e.g. "what are your hours@2s"
    /// (repeatable; needs the espeak-ng program).
    #[arg(long, value_name = "TEXT@TIME")]
    pub say: Vec<String>,
    /// What the caller says: a sine tone at HZ, for the whole call (or --tone-duration).
    #[arg(long, value_name = "HZ")]
    pub tone: Option<f64>,
    /// How long the --tone lasts.
    #[arg(long, value_name = "DURATION")]
    pub tone_duration: Option<String>,
    /// Keys the caller presses, e.g. 1@2s,#@4.5s or 123@2s:200ms.
    #[arg(long, value_name = "SPEC")]
    pub dtmf: Option<String>,
    /// The caller hangs up at this time (default: 2 s after the script's last sound or key).
    #[arg(long, value_name = "DURATION", conflicts_with = "wait_for_app")]
    pub hangup_after: Option<String>,
    /// The caller never hangs up: the app must end the call (within --max-wait).
    #[arg(long)]
    pub wait_for_app: bool,
    /// With --wait-for-app: give up (and fail) after this long [default: 5m].
    #[arg(long, value_name = "DURATION")]
    pub max_wait: Option<String>,
    /// The caller transfers the call away with *8 at this time: to the app an ordinary
    /// caller hang-up (CALLER_DISCONNECT); the timeline notes the transfer.
    #[arg(long, value_name = "TIME")]
    pub transfer_at: Option<String>,

    /// The call's audio format: audio/mulaw;rate=8000 (default), audio/l16;rate=8000,
    /// audio/l16;rate=16000.
    #[arg(long, value_name = "TYPE")]
    pub content_type: Option<String>,
    /// The SIP call id announced.
    #[arg(long)]
    pub call_id: Option<String>,
    /// The calling number.
    #[arg(long)]
    pub from: Option<String>,
    /// The called number.
    #[arg(long)]
    pub to: Option<String>,
    /// inbound (default) or outbound.
    #[arg(long)]
    pub direction: Option<String>,
    /// A metaData string of the PerCL AudioStream, e.g. tenant=acme (repeatable).
    #[arg(long = "metadata", value_name = "K=V")]
    pub metadata: Vec<String>,

    /// Audio buffer size, in entries (default 100); small values exercise overflow.
    #[arg(long, value_name = "N")]
    pub buffer_size: Option<usize>,
    /// DTMF buffer size, in presses (default 100).
    #[arg(long, value_name = "N")]
    pub dtmf_buffer_size: Option<usize>,
    /// What EndGrpcStreamMessage (unimplemented by FreeClimb) does: refuse (default: a
    /// NotifyErrorMessage, the call goes on), ignore, or ends-stream (the platform ends the
    /// stream and the call goes on in PerCL).
    #[arg(long, value_name = "MODE")]
    pub end_stream: Option<String>,
    /// The platform variants the specification is silent on.
    #[command(flatten)]
    pub variant: super::variant::VariantArgs,

    /// Fault: NotifyCallEnded(PLATFORM_ERROR) at this time.
    #[arg(long, value_name = "TIME")]
    pub platform_error_at: Option<String>,
    /// Fault: NotifyCallEnded(PLATFORM_DISCONNECT) at this time.
    #[arg(long, value_name = "TIME")]
    pub platform_disconnect_at: Option<String>,
    /// Fault: drop the stream at this time, with no NotifyCallEnded.
    #[arg(long, value_name = "TIME")]
    pub drop_at: Option<String>,
    /// Fault: send every acknowledgement this much late.
    #[arg(long, value_name = "DURATION")]
    pub ack_delay: Option<String>,
    /// Fault: send each caller frame up to this much late (seeded, deterministic).
    #[arg(long, value_name = "DURATION")]
    pub jitter: Option<String>,
    /// Seed of the jitter.
    #[arg(long, value_name = "N")]
    pub jitter_seed: Option<u64>,

    /// Write heard.wav, heard.png, caller.wav, timeline.jsonl and summary.json into this folder.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Record the call for `fcstream replay FILE URL`: the caller's side (audio, keys, when
    /// they hung up), the platform variant and every app message with its time.
    #[arg(long, value_name = "FILE")]
    pub record: Option<PathBuf>,
    /// Print the summary as JSON (stdout) instead of text.
    #[arg(long)]
    pub json: bool,
    /// Also print the story of the call (who did what when, what was heard); with --json,
    /// as the summary's "story" field.
    #[arg(long)]
    pub story: bool,
    /// No progress lines on stderr while the call runs.
    #[arg(long, short)]
    pub quiet: bool,
    /// Fail (exit 1) when the platform sent any NotifyErrorMessage.
    #[arg(long)]
    pub strict: bool,

    /// Send this `authorization` header value, e.g. "Bearer s3cret".
    #[arg(long, value_name = "VALUE", env = "FCSTREAM_CALL_AUTHORIZATION")]
    pub authorization: Option<String>,
    /// Extra CA certificate (PEM) to trust for https:// URLs.
    #[arg(long, value_name = "FILE")]
    pub ca_cert: Option<PathBuf>,
    /// Name to verify the server certificate against, when not the URL's host.
    #[arg(long, value_name = "NAME")]
    pub tls_domain: Option<String>,
}

fn duration(flag: &str, value: &Option<String>) -> anyhow::Result<Option<Duration>> {
    value
        .as_deref()
        .map(|v| parse_duration(v).with_context(|| format!("--{flag}")))
        .transpose()
}

/// Splits a `--say` spec, TEXT@TIME (the last `@` separates them).
fn say_spec(spec: &str) -> anyhow::Result<(&str, Duration)> {
    let (text, at) = spec
        .rsplit_once('@')
        .ok_or_else(|| anyhow::anyhow!("--say {spec:?}: expected TEXT@TIME, e.g. \"hello@2s\""))?;
    if text.trim().is_empty() {
        bail!("--say {spec:?}: the text is empty");
    }
    let at = parse_duration(at.trim()).with_context(|| format!("--say {spec:?}"))?;
    Ok((text, at))
}

/// A `--say` spec as a scripted segment: the text spoken by espeak-ng at the call's rate.
async fn spoken(spec: &str, rate: u32) -> anyhow::Result<(Duration, Source)> {
    use fcstream_speech::tts::{EspeakNg, Synthesizer};
    let (text, at) = say_spec(spec)?;
    let tts = EspeakNg {
        sample_rate: Some(rate),
        ..EspeakNg::default()
    };
    let clip = tts
        .synthesize(text)
        .await
        .with_context(|| format!("--say {spec:?}"))?;
    let samples = std::sync::Arc::new(clip.samples());
    Ok((at, Source::Pcm { rate, samples }))
}

impl CallArgs {
    /// The script: the file's (or the default), with the flags applied on top.
    pub fn script(&self) -> anyhow::Result<Script> {
        let mut s = match &self.script {
            Some(path) => Script::from_toml_file(path)
                .with_context(|| format!("reading the script {}", path.display()))?,
            None => Script::default(),
        };
        if let Some(ct) = &self.content_type {
            s.call.content_type = ContentType::parse(ct).context("--content-type")?;
        }
        if let Some(v) = &self.call_id {
            s.call.call_id = v.clone();
        }
        if let Some(v) = &self.from {
            s.call.from = v.clone();
        }
        if let Some(v) = &self.to {
            s.call.to = v.clone();
        }
        if let Some(v) = &self.direction {
            s.call.direction = parse_direction(v)?;
        }
        s.call.metadata.extend(self.metadata.iter().cloned());
        if let Some(path) = &self.wav {
            s = s.say(Duration::ZERO, Source::Wav(path.clone()));
        }
        if let Some(hz) = self.tone {
            if !(hz.is_finite() && hz > 0.0) {
                bail!("--tone must be a frequency in Hz, e.g. 440");
            }
            let d = duration("tone-duration", &self.tone_duration)?;
            s = s.say(Duration::ZERO, Source::Tone { hz, duration: d });
        }
        if let Some(spec) = &self.dtmf {
            s.dtmf.extend(parse_dtmf(spec).context("--dtmf")?);
            s.dtmf.sort_by_key(|k| k.at);
        }
        if let Some(t) = duration("hangup-after", &self.hangup_after)? {
            s.hangup = Hangup::After(t);
        }
        if self.wait_for_app {
            s.hangup = parse_hangup("app", None, duration("max-wait", &self.max_wait)?)?;
        }
        if let Some(t) = duration("transfer-at", &self.transfer_at)? {
            s.transfer_at = Some(t);
        }
        if let Some(mode) = &self.end_stream {
            s.platform.end_stream = mode
                .parse()
                .map_err(|e: String| anyhow::anyhow!("--end-stream: {e}"))?;
        }
        self.variant.variant().apply(&mut s.platform);
        if let Some(n) = self.buffer_size {
            s.platform.audio_buffer = n;
        }
        if let Some(n) = self.dtmf_buffer_size {
            s.platform.dtmf_buffer = n;
        }
        let f = &mut s.faults;
        if let Some(t) = duration("platform-error-at", &self.platform_error_at)? {
            f.platform_error_at = Some(t);
        }
        if let Some(t) = duration("platform-disconnect-at", &self.platform_disconnect_at)? {
            f.platform_disconnect_at = Some(t);
        }
        if let Some(t) = duration("drop-at", &self.drop_at)? {
            f.drop_at = Some(t);
        }
        if let Some(t) = duration("ack-delay", &self.ack_delay)? {
            f.ack_delay = t;
        }
        if let Some(t) = duration("jitter", &self.jitter)? {
            f.jitter = t;
        }
        if let Some(seed) = self.jitter_seed {
            f.jitter_seed = seed;
        }
        s.validate()?;
        Ok(s)
    }
}

/// Places the call, prints the outcome, writes the files; fails when the call did. An error
/// that has a likely cause carries a `Hint`.
pub async fn run(args: CallArgs) -> anyhow::Result<()> {
    let url = args.url.clone().or_else(|| args.webhook.clone());
    call(args)
        .await
        .map_err(|e| match url.as_deref().and_then(|u| tls_hint(u, &e)) {
            Some(h) => e.context(h),
            None => e,
        })
}

async fn call(args: CallArgs) -> anyhow::Result<()> {
    let mut script = args.script()?;
    for spec in &args.say {
        let (at, source) = spoken(spec, script.call.content_type.sample_rate()).await?;
        script = script.say(at, source);
    }
    // Every WAV is read once before the call, so that a bad file fails before connecting,
    // naming the file and the flag.
    for seg in &script.audio {
        if let Source::Wav(path) = &seg.source {
            let flag = if args.wav.as_ref() == Some(path) {
                "--wav"
            } else {
                "--script"
            };
            fcstream::audio::wav::read_file(path).with_context(|| flag.to_string())?;
        }
    }
    for warning in script.warnings() {
        eprintln!("warning: {warning}");
    }
    let options = ConnectOptions {
        ca_cert_pem: args
            .ca_cert
            .as_ref()
            .map(|p| std::fs::read(p).with_context(|| format!("--ca-cert {}", p.display())))
            .transpose()?,
        tls_domain: args.tls_domain.clone(),
        ..ConnectOptions::default()
    };
    // Progress lines while the call runs, and Ctrl-C as the caller's hang-up, on both paths.
    let progress = (!args.quiet).then(|| {
        output::Progress::start(|line| {
            use std::io::Write;
            let _ = writeln!(std::io::stderr(), "{line}");
        })
    });
    let hang_up = HangUp::new();
    output::on_ctrl_c(hang_up.clone());
    let run_options = RunOptions {
        authorization: args.authorization.clone(),
        observer: progress.as_ref().and_then(output::Progress::observer),
        hang_up: Some(hang_up.clone()),
        ..RunOptions::default()
    };
    let finish_progress = |progress: Option<output::Progress>| {
        if let Some(dropped) = progress.map(output::Progress::finish) {
            if dropped > 0 {
                eprintln!("({dropped} progress lines dropped: stderr was too slow)");
            }
        }
    };
    let report = match (&args.webhook, &args.url) {
        (Some(inbound), _) => {
            if !args.quiet {
                eprintln!("following the flow from {inbound} (Ctrl-C hangs up)");
            }
            let mut flow = Flow::new(inbound.clone());
            flow.signing_secret = args.signing_secret.clone();
            flow.connect = options;
            flow.run = run_options;
            let flow = run_flow(&flow, &script).await;
            finish_progress(progress);
            let flow = flow?;
            for step in &flow.steps {
                crate::outln!("flow: {step}");
            }
            for e in flow.call.iter().flat_map(|c| &c.summary.webhook_errors) {
                eprintln!("warning: webhook failed after the call (its report is kept): {e}");
            }
            match flow.call {
                Some(report) => report,
                None => return Ok(()),
            }
        }
        (None, Some(url)) => {
            if !args.quiet {
                eprintln!("calling {url} (Ctrl-C hangs up)");
            }
            let channel = connect(url, &options).await?;
            let report = run_with(channel, &script, &run_options).await;
            finish_progress(progress);
            report?
        }
        (None, None) => bail!("give the app's gRPC URL, or --webhook URL"),
    };
    let interrupted = hang_up.is_requested();
    let files = match &args.out {
        Some(dir) => Some(report.write_to(dir)?),
        None => None,
    };
    if let Some(path) = &args.record {
        let recording = fcstream_emulator::replay::Recording::new(&script, &report);
        std::fs::write(path, recording.to_json())
            .with_context(|| format!("--record {}", path.display()))?;
    }
    if args.json {
        let mut json = serde_json::to_value(&report.summary)?;
        if args.story {
            json["story"] = output::story_json(&report);
        }
        if interrupted {
            json["interrupted"] = true.into();
        }
        crate::outln!("{}", serde_json::to_string_pretty(&json)?);
    } else {
        if args.story {
            crate::outln!("{}", story::render(&story::story(&report)));
        }
        crate::outln!("{}", report.summary);
        crate::outln!("  heard:        {}", story::heard_summary(&report));
        if interrupted {
            crate::outln!(
                "  interrupted:  Ctrl-C: the caller hung up at {:.2} s; the report holds the call so far",
                report.summary.duration_ms / 1000.0
            );
        }
        if let Some(f) = &files {
            crate::outln!(
                "  files:        {}, {}, {}, {}, {}",
                f.heard.display(),
                f.picture.display(),
                f.caller.display(),
                f.timeline.display(),
                f.summary.display()
            );
        }
    }
    if interrupted {
        std::process::exit(output::INTERRUPTED_STATUS);
    }
    let s = &report.summary;
    if s.is_failure() {
        bail!(
            "the call failed: {} (app stream: {})",
            s.outcome,
            s.app_stream
        );
    }
    if args.strict && s.error_count() > 0 {
        bail!(
            "--strict: the platform sent {} NotifyErrorMessage(s): {:?}",
            s.error_count(),
            s.errors
        );
    }
    if args.strict && !s.webhook_errors.is_empty() {
        bail!(
            "--strict: a webhook failed: {}",
            s.webhook_errors.join("; ")
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        call: CallArgs,
    }

    fn parse(args: &[&str]) -> anyhow::Result<Script> {
        let cli =
            Cli::try_parse_from(std::iter::once("fcstream-call").chain(args.iter().copied()))?;
        cli.call.script()
    }

    #[test]
    fn flags_become_a_script() {
        let s = parse(&[
            "http://127.0.0.1:1",
            "--tone",
            "440",
            "--dtmf",
            "1@2s,#@4.5s:200ms",
            "--hangup-after",
            "30s",
            "--content-type",
            "audio/l16;rate=16000",
            "--metadata",
            "tenant=acme",
            "--metadata",
            "x=y",
            "--buffer-size",
            "4",
            "--platform-error-at",
            "3s",
            "--ack-delay",
            "200ms",
            "--jitter",
            "10ms",
            "--jitter-seed",
            "9",
            "--direction",
            "outbound",
            "--transfer-at",
            "20s",
            "--end-stream",
            "ends-stream",
        ])
        .unwrap();
        assert_eq!(s.transfer_at, Some(Duration::from_secs(20)));
        assert_eq!(
            s.platform.end_stream,
            fcstream_emulator::rules::EndStreamMode::EndsStream
        );
        assert_eq!(s.call.content_type, ContentType::L16At16k);
        assert_eq!(s.call.metadata, ["tenant=acme", "x=y"]);
        assert_eq!(s.call.direction, fcstream::Direction::Outbound);
        assert_eq!(s.dtmf.len(), 2);
        assert_eq!(s.dtmf[1].duration, Duration::from_millis(200));
        assert_eq!(s.hangup, Hangup::After(Duration::from_secs(30)));
        assert_eq!(s.platform.audio_buffer, 4);
        assert_eq!(s.faults.platform_error_at, Some(Duration::from_secs(3)));
        assert_eq!(s.faults.ack_delay, Duration::from_millis(200));
        assert_eq!(s.faults.jitter_seed, 9);
        assert!(matches!(s.audio[0].source, Source::Tone { hz, duration: None } if hz == 440.0));
    }

    #[test]
    fn flags_override_the_script_file() {
        let dir = std::env::temp_dir().join(format!("fcstream-call-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("call.toml");
        std::fs::write(
            &path,
            "[call]\nid = \"CA-file\"\ncontent_type = \"audio/l16;rate=8000\"\n[caller]\nhangup = \"app\"\n",
        )
        .unwrap();
        let s = parse(&[
            "http://x:1",
            "--script",
            path.to_str().unwrap(),
            "--call-id",
            "CA-flag",
        ])
        .unwrap();
        assert_eq!(s.call.call_id, "CA-flag");
        assert_eq!(s.call.content_type, ContentType::L16At8k);
        assert!(matches!(s.hangup, Hangup::WhenAppEnds { .. }));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn bad_flags_say_what_is_wrong() {
        let e = parse(&["http://x:1", "--dtmf", "1@soon"]).unwrap_err();
        assert!(format!("{e:#}").contains("invalid duration"), "{e:#}");
        assert!(
            format!("{e:#}").starts_with("--dtmf: invalid DTMF"),
            "{e:#}"
        );
        let e = parse(&["http://x:1", "--dtmf", "1@2s", "--hangup-after", "300ms"]).unwrap_err();
        assert!(format!("{e:#}").contains("never be sent"), "{e:#}");
        assert!(parse(&["http://x:1", "--content-type", "audio/opus"]).is_err());
        assert!(parse(&["http://x:1", "--hangup-after", "1s", "--wait-for-app"]).is_err());
        assert!(parse(&["http://x:1", "--buffer-size", "0"]).is_err());
        let e = parse(&["http://x:1", "--end-stream", "close"]).unwrap_err();
        assert!(
            format!("{e:#}").contains("use refuse, ignore or ends-stream"),
            "{e:#}"
        );
    }

    #[test]
    fn tls_mismatches_get_a_hint() {
        use crate::Hint;
        let plain = anyhow::anyhow!("received corrupt message of type InvalidContentType")
            .context("cannot connect to https://127.0.0.1:5");
        assert_eq!(
            tls_hint("https://127.0.0.1:5", &plain),
            Some(Hint(
                "the server at https://127.0.0.1:5 does not speak TLS: try http://127.0.0.1:5"
                    .into()
            ))
        );
        assert_eq!(tls_hint("http://127.0.0.1:5", &plain), None);
        // Plain HTTP/2 to `fcstream serve --tls-cert …`, as the call reports it.
        for seen in [
            "Unknown: transport error",
            "Internal: h2 protocol error: http2 error",
            "Cancelled: operation was canceled",
        ] {
            let tls = anyhow::anyhow!("the call failed: app-failed (app stream: {seen})");
            assert_eq!(
                tls_hint("http://127.0.0.1:5", &tls),
                Some(Hint(
                    "if the server at http://127.0.0.1:5 speaks TLS, try https://127.0.0.1:5"
                        .into()
                )),
                "{seen}"
            );
        }
        let refused = anyhow::anyhow!(
            "cannot connect to http://127.0.0.1:5: transport error: tcp connect error: refused"
        );
        assert_eq!(tls_hint("http://127.0.0.1:5", &refused), None);
        assert_eq!(tls_hint("https://x:1", &anyhow::anyhow!("refused")), None);
    }

    #[test]
    fn say_specs_split_at_the_last_at_sign() {
        assert_eq!(
            say_spec("mail me @ home@2.5s").unwrap(),
            ("mail me @ home", Duration::from_millis(2500))
        );
        for bad in ["hello", "@2s", "hello@soon", "  @1s"] {
            assert!(say_spec(bad).is_err(), "{bad}");
        }
    }
}
