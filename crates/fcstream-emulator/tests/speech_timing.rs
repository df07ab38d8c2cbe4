//! Speech timing in the call summary: barge-in latency (caller speech starts while the app's
//! audio plays → that audio stops) and response latency (caller speech ends → the app's next
//! audio starts), measured by the emulator on its own. Small apps with known reaction times
//! run in-process in virtual time, so the numbers are exact; one runs on the real clock over
//! loopback TCP with generous bounds.

mod common;

use std::time::Duration;

use common::*;
use fcstream::{Audio, Call, CallConfig, ContentType, Event};
use fcstream_emulator::{in_process, CallOutcome, Hangup, Script, Source};

/// A caller frame louder than about -30 dBFS.
fn loud(call_ct: ContentType, data: bytes::Bytes) -> bool {
    let samples = Audio::from_wire(call_ct, data)
        .map(|a| a.samples())
        .unwrap_or_default();
    let energy: f64 = samples.iter().map(|&s| f64::from(s).powi(2)).sum();
    !samples.is_empty() && (energy / samples.len() as f64).sqrt() > 1000.0
}

/// An app that talks (a long tone) from the start and clears its audio when it receives the
/// `nth` loud caller frame; then listens until the call ends.
async fn clears_on_nth_loud_frame(call: Call, nth: usize) -> fcstream::Result<()> {
    let ct = call.info().content_type;
    let (control, mut events) = call.split();
    let _talking = control
        .start_play(Audio::tone(440.0, secs(10), ct.sample_rate()))
        .await?;
    let mut loud_frames = 0;
    while let Some(event) = events.next().await {
        if let Event::Audio(frame) = event {
            if loud(ct, frame.data) {
                loud_frames += 1;
                if loud_frames == nth {
                    control.clear().await?;
                }
            }
        }
    }
    Ok(())
}

/// An app that waits for the caller to speak and then stop: after `quiet` quiet caller
/// frames following speech, it answers with a 300 ms tone; then listens until the call ends.
async fn answers_after_quiet_frames(call: Call, quiet: usize) -> fcstream::Result<()> {
    let ct = call.info().content_type;
    let (control, mut events) = call.split();
    let (mut heard_speech, mut quiet_frames) = (false, 0);
    let mut answer = None;
    while let Some(event) = events.next().await {
        if let Event::Audio(frame) = event {
            if loud(ct, frame.data) {
                heard_speech = true;
                quiet_frames = 0;
            } else if heard_speech && answer.is_none() {
                quiet_frames += 1;
                if quiet_frames == quiet {
                    let playback = control
                        .start_play(Audio::tone(600.0, ms(300), ct.sample_rate()))
                        .await?;
                    answer = Some(playback);
                }
            }
        }
    }
    Ok(())
}

fn tone(duration: Duration) -> Source {
    Source::Tone {
        hz: 300.0,
        duration: Some(duration),
    }
}

#[tokio::test(start_paused = true)]
async fn barge_in_latency_is_the_time_from_speech_to_the_clear() {
    let channel = in_process::serve(
        |call| clears_on_nth_loud_frame(call, 5),
        CallConfig::default(),
    )
    .await
    .unwrap();
    // The caller talks over the app from 1 s to 2 s.
    let script = Script::new(ContentType::L16At8k)
        .say(secs(1), tone(secs(1)))
        .hangup_after(secs(3));
    let report = call(channel, &script).await;
    let s = &report.summary;
    assert_eq!(s.outcome, CallOutcome::CallerHangup);
    assert_eq!(s.plays.clears, 1);
    assert_eq!(s.caller_speech_segments, 1);
    // Frame 50 covers [1000, 1020) ms; the 5th loud frame (54) is sent when its span ends,
    // at 1100 ms, and the app clears at once: 5 frames x 20 ms after the speech started.
    assert_eq!(s.barge_in_latency.len(), 1, "{s}");
    let latency = s.barge_in_latency[0];
    println!("barge-in latency {latency:?}");
    assert!(
        latency >= ms(100) && latency <= ms(105),
        "barge-in latency {latency:?}"
    );
    // Nothing played after the caller stopped.
    assert!(s.response_latency.is_empty(), "{s}");
    assert_eq!(s.barge_in_p50(), Some(latency));
    assert_eq!(s.barge_in_p95(), Some(latency));
    // In the text summary and in JSON.
    let text = s.to_string();
    assert!(
        text.contains("speech:       1 caller segments; barge-in p50 100 ms"),
        "{text}"
    );
    let json = serde_json::to_value(s).unwrap();
    let listed = json["barge_in_latency_ms"][0].as_f64().unwrap();
    assert!(
        (listed - latency.as_secs_f64() * 1000.0).abs() < 0.01,
        "{json}"
    );
    assert_eq!(json["response_latency_ms"], serde_json::json!([]));
}

#[tokio::test(start_paused = true)]
async fn response_latency_is_the_time_from_the_end_of_speech_to_the_next_audio() {
    let channel = in_process::serve(
        |call| answers_after_quiet_frames(call, 10),
        CallConfig::default(),
    )
    .await
    .unwrap();
    // The caller talks from 0.5 s to 1.5 s, then again from 2.5 s to 3 s.
    let script = Script::new(ContentType::Mulaw8k)
        .say(ms(500), tone(secs(1)))
        .say(ms(2500), tone(ms(500)))
        .hangup_after(secs(4));
    let report = call(channel, &script).await;
    let s = &report.summary;
    assert_eq!(s.caller_speech_segments, 2, "{s}");
    // Frame 75 [1500, 1520) ms is the first quiet one; the 10th (84) is sent at 1700 ms and
    // the app answers at once: 200 ms. The second utterance gets no answer.
    assert_eq!(s.response_latency.len(), 1, "{s}");
    let latency = s.response_latency[0];
    println!("response latency {latency:?}");
    assert!(
        latency >= ms(200) && latency <= ms(205),
        "response latency {latency:?}"
    );
    // The caller never spoke while the app talked.
    assert!(s.barge_in_latency.is_empty(), "{s}");
    assert!(s.to_string().contains("barge-in none; response p50 200 ms"));
}

#[tokio::test(start_paused = true)]
async fn an_app_that_ignores_the_caller_has_no_barge_in() {
    // The app plays 1.5 s and never clears; the caller talks at 1 s.
    let handler = |mut call: Call| async move {
        call.play(Audio::tone(440.0, ms(1500), 16000)).await?;
        while call.next().await.is_some() {}
        Ok(())
    };
    let channel = in_process::serve(handler, CallConfig::default())
        .await
        .unwrap();
    let script = Script::new(ContentType::L16At16k)
        .say(secs(1), tone(ms(300)))
        .hangup_after(secs(3));
    let report = call(channel, &script).await;
    let s = &report.summary;
    assert_eq!(s.caller_speech_segments, 1);
    assert_eq!(s.plays.clears, 0);
    // The caller talked over audio that then ran out: no clear followed, so no barge-in
    // (an IVR that never barges in reports none).
    assert!(s.barge_in_latency.is_empty(), "{s}");
    assert!(s.to_string().contains("barge-in none"), "{s}");
}

#[tokio::test(start_paused = true)]
async fn key_presses_and_silence_are_not_speech() {
    let channel = in_process::serve(
        |call| answers_after_quiet_frames(call, 10),
        CallConfig::default(),
    )
    .await
    .unwrap();
    let script = Script::new(ContentType::Mulaw8k)
        .press('5', secs(1), ms(300))
        .press('#', ms(1500), ms(300))
        .hangup(Hangup::After(secs(3)));
    let report = call(channel, &script).await;
    let s = &report.summary;
    assert_eq!(s.caller_speech_segments, 0, "{s}");
    assert!(s.barge_in_latency.is_empty() && s.response_latency.is_empty());
    assert!(s
        .to_string()
        .contains("speech:       0 caller segments; barge-in none; response none"));
}

#[tokio::test]
async fn barge_in_on_the_real_clock_over_tcp() {
    let server = serve_tcp(
        |call| clears_on_nth_loud_frame(call, 5),
        CallConfig::default(),
    )
    .await;
    let script = Script::new(ContentType::Mulaw8k)
        .say(ms(500), tone(ms(800)))
        .hangup_after(ms(2000));
    let report = call(channel(&server).await, &script).await;
    let s = &report.summary;
    assert_eq!(s.caller_speech_segments, 1, "{s}");
    assert_eq!(s.barge_in_latency.len(), 1, "{s}");
    let latency = s.barge_in_latency[0];
    println!("barge-in latency on the real clock: {latency:?}");
    // 100 ms of frames, plus scheduling and loopback on a loaded machine.
    assert!(
        latency >= ms(95) && latency <= ms(400),
        "barge-in latency {latency:?}"
    );
}
