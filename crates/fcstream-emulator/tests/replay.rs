//! Record & replay (`fcstream_emulator::replay`): a recorded call replayed against the same
//! app shows no difference; against an app changed to answer a key differently, a difference
//! that names the command. In virtual time (in-process, tokio's clock paused), so the timing
//! is exact and the same app gives the same messages at the same times.

mod common;

use std::time::Duration;

use common::*;
use fcstream::{Audio, Call, CallConfig, ContentType, Event};
use fcstream_emulator::replay::{replay, Difference, Recording};
use fcstream_emulator::{in_process, Hangup, RunOptions, Script, Source};

/// A tiny menu: a prompt, then on key 1 it presses `answer` back and hangs up.
fn menu(
    answer: &'static str,
) -> impl Fn(Call) -> std::pin::Pin<Box<dyn std::future::Future<Output = fcstream::Result<()>> + Send>>
       + Send
       + Sync {
    move |mut call: Call| {
        Box::pin(async move {
            call.play(Audio::tone(440.0, Duration::from_millis(600), 8000))
                .await?;
            while let Some(event) = call.next().await {
                if let Event::DtmfEnded { digit: '1', .. } = event {
                    call.press_dtmf(answer, 100, 50).await?;
                    call.hangup().await?;
                    break;
                }
            }
            Ok(())
        })
    }
}

fn script() -> Script {
    Script::new(ContentType::Mulaw8k)
        .call_id("replayed")
        .say(
            ms(200),
            Source::Babble {
                pitch_hz: 140.0,
                duration: ms(500),
            },
        )
        .press('1', ms(1500), ms(120))
        .hangup(Hangup::WhenAppEnds { max: secs(20) })
}

async fn record() -> Recording {
    let channel = in_process::serve(menu("1"), CallConfig::default())
        .await
        .unwrap();
    let script = script();
    let report = call(channel, &script).await;
    let recording = Recording::new(&script, &report);
    // Through its file format and back.
    Recording::from_json(recording.to_json().as_bytes()).expect("a recording reads back")
}

#[tokio::test(start_paused = true)]
async fn the_same_app_replays_with_no_difference() {
    let recording = record().await;
    assert!(
        recording.app.iter().any(|m| m.kind == "dtmf_data"),
        "{:?}",
        recording.app
    );
    let channel = in_process::serve(menu("1"), CallConfig::default())
        .await
        .unwrap();
    let (report, differences) = replay(channel, &recording, &RunOptions::default(), ms(1))
        .await
        .expect("replays");
    assert_eq!(differences, Vec::<Difference>::new());
    // The caller's side was the same: the same audio, sample for sample.
    let rec = Recording::new(&script(), &report);
    assert_eq!(rec.caller_pcm, recording.caller_pcm);
}

#[tokio::test(start_paused = true)]
async fn an_app_that_answers_the_key_differently_shows_the_command() {
    let recording = record().await;
    let channel = in_process::serve(menu("2"), CallConfig::default())
        .await
        .unwrap();
    let (_, differences) = replay(channel, &recording, &RunOptions::default(), ms(500))
        .await
        .expect("replays");
    assert_eq!(differences.len(), 1, "{differences:?}");
    let shown = differences[0].to_string();
    eprintln!("{shown}");
    assert!(shown.contains("dtmf_data"), "{shown}");
    assert!(
        shown.contains("\"1\"") && shown.contains("\"2\""),
        "{shown}"
    );
}

#[tokio::test]
async fn a_hostile_recording_is_refused_with_a_reason() {
    let mut r = record_real_time_free();
    r.rate = 0;
    assert!(Recording::from_json(serde_json::to_string(&r).unwrap().as_bytes()).is_err());
    let mut r = record_real_time_free();
    r.caller_pcm = "!!not base64!!".into();
    let e = Recording::from_json(serde_json::to_string(&r).unwrap().as_bytes()).unwrap_err();
    assert!(e.to_string().contains("caller audio"), "{e}");
    let mut r = record_real_time_free();
    r.duration_ms = f64::NAN;
    assert!(Recording::from_json(serde_json::to_string(&r).unwrap().as_bytes()).is_err());
    let mut r = record_real_time_free();
    r.version = 99;
    assert!(Recording::from_json(serde_json::to_string(&r).unwrap().as_bytes()).is_err());
}

/// A valid recording built by hand (no call needed).
fn record_real_time_free() -> Recording {
    serde_json::from_value(serde_json::json!({
        "version": 1,
        "call": {"call_id": "x", "to": "1", "from": "2", "inbound": true, "metadata": [],
                 "content_type": "audio/x-mulaw;rate=8000"},
        "caller_pcm": "", "rate": 8000, "keys": [], "duration_ms": 1000.0,
        "outcome": "caller-hangup",
        "platform": {"acks": "per-entry", "audio_buffer": 100, "dtmf_buffer": 100,
                     "depth_counts_playing": true, "first_sequence": 0},
        "app": []
    }))
    .expect("a valid recording")
}
