//! `fcstream demo`: the showcase, with no setup and no external service. Starts the fcstream
//! server in-process on 127.0.0.1 (OS-chosen port) with the built-in IVR app
//! (`fcstream_apps::ivr`), calls it with the emulator and a scripted caller (a key press,
//! then a few seconds of speech-like sound), writes what the caller heard, and tells the
//! story of the call.
//!
//! It runs on the real clock over real loopback gRPC by default; `--fast` runs the same call
//! in virtual time over in-memory pipes (done in a fraction of a second).

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{bail, Context};
use clap::Args;
use fcstream::{CallConfig, ContentType, Server};
use fcstream_emulator::{clock, in_process, story, CallReport, Hangup, Script, Source};

/// Options of `fcstream demo`.
#[derive(Debug, Clone, Args)]
#[command(after_help = "Examples:
  fcstream demo                       # about 11 s, real time, writes ./fcstream-demo/
  fcstream demo --fast                # the same call in virtual time
  fcstream demo --out /tmp/demo --content-type 'audio/l16;rate=16000'

Then listen to fcstream-demo/heard.wav (what the caller heard), look at fcstream-demo/heard.png
(its waveform and spectrogram with every event marked) and read fcstream-demo/timeline.jsonl
(every message both ways).")]
pub struct DemoArgs {
    /// Where to write heard.wav, heard.png, caller.wav, timeline.jsonl and summary.json.
    #[arg(long, value_name = "DIR", default_value = "fcstream-demo")]
    pub out: PathBuf,
    /// Run in virtual time (in-memory pipes, paused clock) instead of real time.
    #[arg(long)]
    pub fast: bool,
    /// The call's audio format.
    #[arg(long, value_name = "TYPE", default_value = "audio/mulaw;rate=8000")]
    pub content_type: String,
    /// The key the caller presses when the menu asks.
    #[arg(long, default_value = "2")]
    pub key: char,
}

/// The scripted caller: presses `key` after the menu prompt, speaks during the echo part,
/// and waits for the app to hang up.
fn caller(content_type: ContentType, key: char) -> Script {
    let ms = Duration::from_millis;
    Script::new(content_type)
        .call_id("CAdemo0000000000000000000000000001")
        .metadata("demo=true")
        .press(key, ms(3400), ms(150))
        .say(
            ms(5600),
            Source::Babble {
                pitch_hz: 140.0,
                duration: ms(2600),
            },
        )
        .hangup(Hangup::WhenAppEnds {
            max: Duration::from_secs(60),
        })
}

async fn real_time(script: Script) -> anyhow::Result<(String, CallReport)> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .context("binding 127.0.0.1:0 for the demo server")?;
    let url = format!("http://{}", listener.local_addr()?);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(
        Server::from_listener(listener)
            .drain_timeout(Duration::from_secs(2))
            .serve_with_shutdown(fcstream_apps::ivr, async {
                let _ = stopped.await;
            }),
    );
    let channel = fcstream_emulator::connect(&url, &Default::default()).await?;
    let report = fcstream_emulator::run(channel, &script).await;
    let _ = stop.send(());
    match tokio::time::timeout(Duration::from_secs(10), server).await {
        Ok(Ok(Err(e))) => tracing::warn!(error = %e, "demo server stopped with an error"),
        Err(_) => tracing::warn!("demo server did not stop in time"),
        _ => {}
    }
    Ok((url, report?))
}

fn virtual_time(script: Script) -> anyhow::Result<CallReport> {
    let report = clock::run_virtual(move |clock| async move {
        let channel =
            in_process::serve_with_clock(fcstream_apps::ivr, CallConfig::default(), clock.clone())
                .await?;
        let options = fcstream_emulator::RunOptions {
            clock,
            ..Default::default()
        };
        fcstream_emulator::run_with(channel, &script, &options).await
    })??;
    Ok(report)
}

/// Runs the demo.
pub async fn run(args: DemoArgs) -> anyhow::Result<()> {
    let content_type = ContentType::parse(&args.content_type).context("--content-type")?;
    if fcstream::audio::dtmf::frequencies(args.key).is_none() {
        bail!("--key must be one of 0-9 * # A-D");
    }
    let script = caller(content_type, args.key);
    let wall = std::time::Instant::now();
    let (place, report) = if args.fast {
        crate::outln!(
            "fcstream demo: calling the built-in IVR app in-process, in virtual time (--fast)"
        );
        (
            "in-process (virtual time)".to_string(),
            virtual_time(script)?,
        )
    } else {
        crate::outln!(
            "fcstream demo: starting the built-in IVR app on 127.0.0.1 and calling it (real time, about 11 s; --fast for virtual time)"
        );
        let (url, report) = real_time(script).await?;
        (url, report)
    };
    let files = report.write_to(&args.out)?;
    crate::outln!();
    crate::outln!("The call ({place}), as the emulated platform saw it:");
    crate::out!("{}", story::render(&story::story(&report)));
    crate::outln!();
    crate::outln!("{}", report.summary);
    crate::outln!();
    crate::outln!("What the caller heard: {}", story::heard_summary(&report));
    crate::outln!(
        "Done in {:.1} s of wall time. Files:\n  {}  (what the caller heard)\n  {}  (its picture: waveforms, spectrogram, events)\n  {}  (what the caller said)\n  {}  (every message both ways)\n  {}",
        wall.elapsed().as_secs_f64(),
        files.heard.display(),
        files.picture.display(),
        files.caller.display(),
        files.timeline.display(),
        files.summary.display()
    );
    crate::outln!("Next: fcstream serve --app ivr, then fcstream call http://127.0.0.1:50051 --dtmf 3@3.5s --wait-for-app --story");
    let s = &report.summary;
    if s.is_failure() || s.error_count() > 0 {
        bail!(
            "the demo call did not go as planned: {} ({} errors)",
            s.outcome,
            s.error_count()
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use fcstream_emulator::{analysis, CallOutcome};

    #[test]
    fn the_demo_call_goes_as_planned_in_virtual_time() {
        let report = virtual_time(caller(ContentType::Mulaw8k, '3')).unwrap();
        let s = &report.summary;
        assert_eq!(s.outcome, CallOutcome::AppHangup, "{s}");
        assert_eq!(s.error_count(), 0);
        assert_eq!(s.dtmf.from_caller, "3");
        assert_eq!(s.dtmf.app_played, "3");
        // The app's answer to 3 is three beeps, and the key pressed back is heard.
        let keys: String = analysis::dtmf_keys(&report.heard, report.rate)
            .iter()
            .map(|k| k.digit)
            .collect();
        assert_eq!(keys, "3");
        assert!((9_000.0..16_000.0).contains(&s.duration_ms), "{s}");
        let story = story::render(&story::story(&report));
        assert!(story.contains("presses 3"), "{story}");
        assert!(story.contains("APPLICATION_DISCONNECT"), "{story}");
    }
}
