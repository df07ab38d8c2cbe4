//! End-to-end tests of the voice agent (`fcstream_apps::agent`) through the emulator over
//! loopback gRPC: barge-in and the heard ledger, a goodbye that plays to its end, and
//! speech recognition that is unreachable or fails mid-call.
//!
//! The caller's words and the agent's voice are real espeak-ng speech. The recogniser here is a
//! stand-in (`common::stand_in`: it "hears" one fixed word per utterance) so that these tests check the agent's
//! behaviour, not recognition accuracy; `tests/agent_accuracy.rs` runs the real local service.
//! Without espeak-ng the tests are skipped, unless `FCSTREAM_REQUIRE_SPEECH=1` (CI) makes that
//! a failure.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::loudness::{first_loud, windows, LOUD};
use common::*;
use fcstream::{CallConfig, ContentType, PlayOutcome};
use fcstream_apps::agent::{agent, AgentConfig, CallMeasures, Intent};
use fcstream_emulator::{CallOutcome, CallReport, Dir, Hangup, Script, Source};
use fcstream_speech::tts::{CachedTts, EspeakNg, Synthesizer};
use fcstream_speech::Transcriber;
use tokio::time::Instant;

/// Whether a speech tool is here; a missing one skips the test, or fails it in CI.
pub fn speech_tool(what: &str, present: bool) -> bool {
    if !present {
        skip_speech(&format!(
            "{what} is not installed (apt-get install espeak-ng)"
        ));
    }
    present
}

fn espeak() -> bool {
    speech_tool(
        "espeak-ng",
        std::process::Command::new("espeak-ng")
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success()),
    )
}

/// The agent's voice, at the call's rate.
fn voice() -> Arc<dyn Synthesizer> {
    Arc::new(CachedTts::new(EspeakNg {
        sample_rate: Some(8000),
        ..EspeakNg::default()
    }))
}

/// What the caller says, as 8 kHz samples.
async fn words(text: &str) -> Arc<Vec<i16>> {
    let clip = voice().synthesize(text).await.expect("espeak-ng speaks");
    Arc::new(clip.samples().to_vec())
}

/// Starts an agent server with recogniser `stt` (no re-prompts within a test's length);
/// returns the server and the agent's configuration (its measurements).
async fn agent_server(stt: Arc<dyn Transcriber>) -> (TestServer, Arc<AgentConfig>) {
    let mut config = AgentConfig::new(stt, voice());
    config.reprompt_after = secs(30);
    // The voice's cache holds every line before the call: on a loaded machine espeak-ng can
    // take seconds, and the scripted caller speaks at fixed times (these tests time the
    // agent's turn-taking, not the synthesiser).
    let s = &config.script;
    for line in [
        &s.greeting,
        &s.hours,
        &s.help,
        &s.not_understood,
        &s.fallback,
        &s.goodbye,
    ] {
        config.tts.synthesize(line).await.expect("espeak-ng speaks");
    }
    let config = Arc::new(config);
    let server = serve_tcp(agent(config.clone()), CallConfig::default()).await;
    (server, config)
}

/// The agent's measurements of call `id`, once it has recorded them.
async fn measures(config: &AgentConfig, id: &str) -> CallMeasures {
    let deadline = Instant::now() + SOON;
    loop {
        if let Some((_, m)) = config.stats.calls().into_iter().find(|(c, _)| c == id) {
            return m;
        }
        assert!(
            Instant::now() < deadline,
            "the agent never recorded call {id}"
        );
        tokio::time::sleep(ms(20)).await;
    }
}

/// Where the caller starts speaking at or after `from` (10 ms resolution).
fn onset(report: &CallReport, from: Duration) -> Duration {
    first_loud(&report.caller, report.rate, from).expect("the caller spoke")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn caller_speech_cuts_the_greeting_within_150_ms_and_the_ledger_says_what_was_heard() {
    if !espeak() {
        return;
    }
    let (server, config) = agent_server(Arc::new(StandIn::one_word("hours"))).await;
    let greeting = config.script.greeting.clone();
    let script = Script::new(ContentType::Mulaw8k)
        .call_id("barge-in")
        .say(
            ms(2500),
            Source::Pcm {
                rate: 8000,
                samples: words("what are your hours").await,
            },
        )
        .hangup(Hangup::After(secs(10)));
    let report = call(channel(&server).await, &script).await;
    assert_eq!(report.summary.outcome, CallOutcome::CallerHangup);

    let spoke = onset(&report, ms(2500));
    let heard = windows(&report.heard, report.rate);
    let at = |d: Duration| (d.as_millis() / 10) as usize;
    // The greeting was playing when the caller spoke: it had started (the caller heard it)
    // and, below, it was cut after the onset. (Loudness just before the onset is no test of
    // that: on a loaded machine the greeting starts later and the onset can fall in the pause
    // after its first sentence.)
    let first_audio = report
        .summary
        .time_to_first_app_audio_ms
        .unwrap_or(f64::MAX);
    assert!(
        first_audio < spoke.as_secs_f64() * 1000.0,
        "the greeting started at {first_audio} ms, after the caller spoke at {spoke:?}"
    );
    // The end of the greeting: the last loud window in the second after the onset (the
    // answer comes later, after the caller's 1.2 s utterance and the recogniser).
    let cut = (at(spoke)..at(spoke + ms(1000)))
        .filter(|&i| heard[i] > LOUD)
        .max()
        .map_or(spoke, |i| ms(i as u64 * 10 + 10));
    let latency = cut.saturating_sub(spoke);
    eprintln!("caller spoke at {spoke:?}; the greeting stopped at {cut:?} ({latency:?} later)");
    assert!(
        latency <= ms(150),
        "greeting cut {latency:?} after speech onset"
    );

    let m = measures(&config, "barge-in").await;
    assert_eq!(m.barge_in.len(), 1, "{m:?}");
    let first = &m.heard[0];
    assert_eq!(first.id, "greeting-1");
    assert_eq!(first.text.as_deref(), Some(greeting.as_str()));
    assert_eq!(first.outcome, PlayOutcome::Interrupted);
    let started = ms(report
        .summary
        .time_to_first_app_audio_ms
        .expect("the caller heard the greeting") as u64);
    // Where the greeting stopped: the clear on the wire (heard.wav's loudness alone cannot
    // tell a cut inside a pause between words from the pause). heard.wav agrees: nothing of
    // the greeting after it.
    let clear = report
        .entries(Dir::FromApp, "clear_audio_buffer")
        .next()
        .expect("the agent cleared")
        .t_ms;
    let clear = Duration::from_secs_f64(clear / 1000.0);
    assert!(
        clear.saturating_sub(spoke) <= ms(150),
        "cleared {:?} after speech onset",
        clear.saturating_sub(spoke)
    );
    assert!(
        heard[at(clear + ms(40))..at(clear + ms(500))]
            .iter()
            .all(|&w| w <= LOUD),
        "the greeting went on after the clear"
    );
    let really = clear - started;
    eprintln!("ledger: {first:?}; heard.wav: {really:?}");
    assert!(
        first.played.abs_diff(really) <= ms(100),
        "ledger says {:?} of the greeting was heard, heard.wav shows {really:?}",
        first.played
    );
    assert!(first.played < first.duration);
    // The caller's words were answered, after the cut.
    assert_eq!(m.intents, vec![Intent::Hours]);
    assert!(m.heard.iter().any(|h| h.id.starts_with("hours")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn goodbye_plays_to_its_end_then_the_agent_hangs_up() {
    if !espeak() {
        return;
    }
    let (server, config) = agent_server(Arc::new(StandIn::one_word("goodbye"))).await;
    let script = Script::new(ContentType::Mulaw8k)
        .call_id("goodbye")
        .say(
            ms(1500),
            Source::Pcm {
                rate: 8000,
                samples: words("goodbye").await,
            },
        )
        // The caller talks over the farewell: it is not cut.
        .say(
            ms(4000),
            Source::Pcm {
                rate: 8000,
                samples: words("wait, one more thing").await,
            },
        )
        .hangup(Hangup::WhenAppEnds { max: secs(30) });
    let report = call(channel(&server).await, &script).await;
    let s = &report.summary;
    assert_eq!(s.outcome, CallOutcome::AppHangup, "{s}");
    assert_eq!(s.end_reason.as_deref(), Some("APPLICATION_DISCONNECT"));
    assert_eq!(s.plays.unfinished_at_end, 0, "{s}");

    let m = measures(&config, "goodbye").await;
    assert_eq!(m.intents, vec![Intent::Goodbye]);
    let last = m.heard.last().expect("prompts were played");
    assert!(last.id.starts_with("goodbye"), "{:?}", m.heard);
    assert_eq!(last.outcome, PlayOutcome::Completed);
    assert_eq!(last.played, last.duration);
    // heard.wav ends with the whole farewell: the call lasted past its last sample.
    let heard = windows(&report.heard, report.rate);
    let end_of_audio = heard.iter().rposition(|&w| w > LOUD).unwrap_or(0) as u64 * 10;
    assert!(
        s.duration_ms >= end_of_audio as f64,
        "the call ended at {} ms, before the farewell's end at {end_of_audio} ms",
        s.duration_ms
    );
}

/// Log lines written while `f` runs on this thread's runtime.
#[derive(Clone, Default)]
struct Logs(Arc<Mutex<Vec<u8>>>);

impl Write for Logs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if let Ok(mut l) = self.0.lock() {
            l.extend_from_slice(buf);
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Logs {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().map(|l| l.clone()).unwrap_or_default()).into()
    }

    /// Exactly one ERROR line was logged, and it says speech recognition is unavailable.
    fn assert_one_stt_error(&self) {
        let text = self.text();
        let errors: Vec<&str> = text.lines().filter(|l| l.contains("ERROR")).collect();
        assert_eq!(errors.len(), 1, "one error logged:\n{text}");
        assert!(
            errors[0].contains("speech recognition unavailable"),
            "{text}"
        );
    }
}

/// Runs a call whose recogniser fails; the caller presses 9 after the fallback prompt.
async fn call_with_failing_stt(stt: Arc<dyn Transcriber>, id: &str) -> (CallReport, CallMeasures) {
    let (server, config) = agent_server(stt).await;
    let fallback = config.script.fallback.clone();
    let script = Script::new(ContentType::Mulaw8k)
        .call_id(id)
        .say(
            ms(1000),
            Source::Pcm {
                rate: 8000,
                samples: words("what are your hours").await,
            },
        )
        .press('9', secs(9), ms(200))
        .hangup(Hangup::WhenAppEnds { max: secs(40) });
    let report = call(channel(&server).await, &script).await;
    let m = measures(&config, id).await;
    assert!(m.stt_failed, "{m:?}");
    let said = m
        .heard
        .iter()
        .find(|h| h.id.starts_with("fallback"))
        .expect("the agent said its fallback prompt");
    assert_eq!(said.text.as_deref(), Some(fallback.as_str()));
    // Keys still work: 9 said goodbye and hung up (the call did not hang).
    assert_eq!(report.summary.outcome, CallOutcome::AppHangup);
    assert_eq!(m.intents.last(), Some(&Intent::Goodbye));
    (report, m)
}

fn subscriber(logs: &Logs) -> impl tracing::Subscriber {
    let logs = logs.clone();
    tracing_subscriber::fmt()
        .with_writer(move || logs.clone())
        .with_ansi(false)
        .with_max_level(tracing::Level::INFO)
        .finish()
}

#[tokio::test(flavor = "current_thread")]
async fn unreachable_recogniser_falls_back_to_keys_and_logs_one_error() {
    if !espeak() {
        return;
    }
    // A port nobody listens on.
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap()
    };
    let logs = Logs::default();
    let _guard = tracing::subscriber::set_default(subscriber(&logs));
    let stt =
        fcstream_speech::google::GoogleStt::new(&format!("http://{closed}"), Default::default())
            .expect("a valid endpoint");
    call_with_failing_stt(Arc::new(stt), "unreachable").await;
    logs.assert_one_stt_error();
}

#[tokio::test(flavor = "current_thread")]
async fn recogniser_failing_mid_call_falls_back_to_keys_and_logs_one_error() {
    if !espeak() {
        return;
    }
    let logs = Logs::default();
    let _guard = tracing::subscriber::set_default(subscriber(&logs));
    let stt = StandIn {
        break_after: Some(secs(4)),
        ..StandIn::one_word("hours")
    };
    let (_, m) = call_with_failing_stt(Arc::new(stt), "mid-call").await;
    // It understood the caller before the service went away.
    assert_eq!(m.intents.first(), Some(&Intent::Hours), "{m:?}");
    logs.assert_one_stt_error();
}
