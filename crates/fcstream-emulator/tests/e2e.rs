//! End to end over real loopback gRPC: the emulator calls the fcstream server (127.0.0.1,
//! OS-chosen port) on the real clock, and the tests check what the caller heard and how the
//! call ended on both sides. Bounds are generous: nothing depends on timing luck.

mod common;

use std::time::Duration;

use common::*;
use fcstream::{
    Audio, Call, CallConfig, ContentType, EndCause, EndReason, Event, PlayOutcome, PlaybackConfig,
};
use fcstream_emulator::analysis;
use fcstream_emulator::{CallOutcome, Dir, Faults, Hangup, PlatformConfig, Script, Source};
use tokio::sync::mpsc;

#[tokio::test]
async fn echo_is_heard_as_the_callers_audio_over_real_loopback() {
    let server = serve_tcp(fcstream_apps::echo, CallConfig::default()).await;
    let script = Script::new(ContentType::L16At8k)
        .call_id("CA-echo")
        .say(
            ms(200),
            Source::Babble {
                pitch_hz: 130.0,
                duration: secs(3),
            },
        )
        .hangup_after(ms(3800));
    let report = call(channel(&server).await, &script).await;
    assert_eq!(report.summary.outcome, CallOutcome::CallerHangup);
    assert_eq!(report.summary.frames_sent, 190);
    // On the real clock each echoed frame starts when it arrives if the one before it has
    // finished (the platform plays what it has): under load the delay wanders by fractions of
    // a millisecond, with micro-gaps. So: the onset delay, the envelope's delay and
    // correlation (robust to micro-gaps), and the sample-level delay window by window.
    let rate = report.rate as usize;
    let onset = |x: &[i16]| analysis::sound_spans(x, report.rate, -40.0, ms(100))[0].start;
    let onset_ms =
        (onset(&report.heard) as f64 - onset(&report.caller) as f64) * 1000.0 / rate as f64;
    // Bounds here are generous: this test runs on the real clock beside every other test on a
    // shared machine, so it checks that the echo is the caller's audio, in order, not how fast
    // (a quiet machine measures 20-40 ms; the exact delay, one frame, is checked in virtual
    // time in tests/virtual_time.rs, and latency under load is `fcstream load`'s job).
    assert!(
        (0.0..=250.0).contains(&onset_ms),
        "speech onset heard {onset_ms} ms late"
    );
    let envelope = |x: &[i16]| -> Vec<i16> {
        x.chunks(rate / 100)
            .map(|c| {
                (c.iter().map(|&s| f64::from(s).powi(2)).sum::<f64>() / c.len() as f64).sqrt()
                    as i16
            })
            .collect()
    };
    let (lag, corr) =
        analysis::delay(&envelope(&report.caller), &envelope(&report.heard), 30).expect("sound");
    assert!(
        lag <= 25 && corr > 0.9,
        "envelope delayed {lag}0 ms, correlation {corr}"
    );
    let window = rate / 10;
    let mut delays = Vec::new();
    let mut windows = 0;
    for w in (rate / 5..report.caller.len() - rate / 2).step_by(window) {
        let reference = &report.caller[w..w + window];
        if analysis::level_dbfs(reference) < -40.0 {
            continue;
        }
        windows += 1;
        let (lag, corr) =
            analysis::delay(reference, &report.heard[w..], rate * 3 / 10).expect("sound heard");
        if corr > 0.9 {
            delays.push(lag as f64 * 1000.0 / rate as f64);
        }
    }
    assert!(windows >= 25, "{windows} windows with speech");
    assert!(
        delays.len() * 2 >= windows,
        "only {} of {windows} windows match sample for sample",
        delays.len()
    );
    let max = delays.iter().copied().fold(0.0, f64::max);
    let min = delays.iter().copied().fold(f64::MAX, f64::min);
    println!(
        "echo delay measured (real time, loopback TCP): onset {onset_ms:.1} ms; {} of {windows} 100 ms windows match sample for sample at {min:.1}..{max:.1} ms",
        delays.len()
    );
    // Later windows may lag more than the onset: the platform plays entries back to back, so
    // a frame that reached it late (a busy CI machine runs this beside the other tests) leaves
    // a gap and shifts everything after it. Alone it stays near the onset (22-39 ms measured).
    assert!(max <= 300.0, "echo delayed up to {max} ms");
    assert!(report.summary.plays.started > 150);
    assert_eq!(report.summary.error_count(), 0);
}

#[tokio::test]
async fn a_3s_play_is_heard_for_3s_then_silence() {
    let handler = |call: Call| async move {
        call.play(Audio::tone(440.0, secs(3), 8000)).await?;
        tokio::time::sleep(ms(1000)).await;
        call.hangup().await?;
        Ok(())
    };
    let server = serve_tcp(handler, CallConfig::default()).await;
    let script = Script::new(ContentType::Mulaw8k).hangup(Hangup::WhenAppEnds { max: secs(30) });
    let report = call(channel(&server).await, &script).await;
    assert_eq!(report.summary.outcome, CallOutcome::AppHangup);
    assert_eq!(
        report.summary.end_reason.as_deref(),
        Some("APPLICATION_DISCONNECT")
    );
    let spans = analysis::sound_spans(&report.heard, report.rate, -40.0, ms(50));
    assert_eq!(spans.len(), 1, "{spans:?}");
    let heard = spans[0].duration(report.rate);
    println!("3 s play heard for {heard:?}");
    assert!(heard.abs_diff(secs(3)) <= ms(20), "heard for {heard:?}");
    let after = &report.heard[spans[0].end..];
    assert!(after.len() as u32 >= report.rate / 2, "silence follows");
    assert!(after.iter().all(|&s| s == 0), "only silence after the play");
    assert_eq!(report.summary.plays.completed, report.summary.plays.started);
    assert_eq!(report.summary.plays.app_audio_ms, 3000.0);
}

#[tokio::test]
async fn a_clear_mid_play_cuts_the_heard_audio_within_one_frame() {
    let (tx, mut rx) = mpsc::channel(1);
    let handler = move |call: Call| {
        let tx = tx.clone();
        async move {
            let play = call.start_play(Audio::tone(600.0, secs(3), 8000)).await?;
            tokio::time::sleep(ms(1000)).await;
            call.clear().await?;
            let _ = tx.send(play.await?).await;
            tokio::time::sleep(ms(500)).await;
            call.hangup().await?;
            Ok(())
        }
    };
    let server = serve_tcp(handler, CallConfig::default()).await;
    let script = Script::new(ContentType::L16At16k).hangup(Hangup::WhenAppEnds { max: secs(30) });
    let report = call(channel(&server).await, &script).await;
    assert_eq!(rx.recv().await, Some(PlayOutcome::Interrupted));
    let clear = report
        .entries(Dir::FromApp, "clear_audio_buffer")
        .next()
        .expect("the app cleared")
        .t_ms;
    let cleared = report
        .entries(Dir::ToApp, "notify_audio_cleared_data")
        .next()
        .expect("the platform confirmed");
    assert_eq!(
        cleared.fields["id"],
        report
            .entries(Dir::FromApp, "clear_audio_buffer")
            .next()
            .unwrap()
            .fields["id"]
    );
    let spans = analysis::sound_spans(&report.heard, report.rate, -40.0, ms(50));
    assert_eq!(spans.len(), 1, "{spans:?}");
    let cut_ms = spans[0].end_time(report.rate).as_secs_f64() * 1000.0;
    println!("clear received at {clear:.1} ms, heard audio stops at {cut_ms:.1} ms");
    assert!(
        (cut_ms - clear).abs() <= 20.0,
        "cut at {cut_ms} ms, clear at {clear} ms"
    );
    assert_eq!(report.summary.plays.interrupted, 1);
    assert_eq!(report.summary.plays.clears, 1);
    // No completion for the entry that was cut nor for those dropped.
    assert_eq!(
        report.summary.plays.completed + report.summary.plays.interrupted,
        report.summary.plays.started
    );
}

#[tokio::test]
async fn dtmf_pressed_by_the_app_is_heard_as_the_right_digits_and_durations() {
    let handler = |call: Call| async move {
        call.play(Audio::tone(300.0, ms(300), 8000)).await?;
        call.press_dtmf("1#5", 150, 100).await?;
        call.press_dtmf("D", 400, 0).await?;
        tokio::time::sleep(ms(200)).await;
        call.hangup().await?;
        Ok(())
    };
    let server = serve_tcp(handler, CallConfig::default()).await;
    let script = Script::new(ContentType::Mulaw8k).hangup(Hangup::WhenAppEnds { max: secs(30) });
    let report = call(channel(&server).await, &script).await;
    let keys = analysis::dtmf_keys(&report.heard, report.rate);
    let digits: String = keys.iter().map(|k| k.digit).collect();
    assert_eq!(digits, "1#5D", "{keys:?}");
    for (k, want) in keys.iter().zip([150, 150, 150, 400]) {
        let d = k.duration();
        println!("heard {} for {d:?} (pressed {want} ms)", k.digit);
        assert!(
            d.abs_diff(ms(want)) <= ms(30),
            "{} heard for {d:?}, pressed {want} ms",
            k.digit
        );
    }
    // Breaks of 100 ms between the keys of one press.
    let gap = keys[1].start.saturating_sub(keys[0].end);
    assert!(gap.abs_diff(ms(100)) <= ms(30), "gap {gap:?}");
    assert_eq!(report.count(Dir::ToApp, "notify_dtmf_play_started_data"), 2);
    assert_eq!(
        report.count(Dir::ToApp, "notify_dtmf_play_completed_data"),
        2
    );
    assert_eq!(report.summary.dtmf.app_played, "1#5D");
}

#[tokio::test]
async fn overflow_of_a_tiny_buffer_is_reported_as_audio_buffer_full() {
    let (tx, mut rx) = mpsc::channel(1);
    let handler = move |call: Call| {
        let tx = tx.clone();
        async move {
            let (control, mut events) = call.split();
            let player = control.clone();
            tokio::spawn(async move { player.play(Audio::tone(500.0, secs(3), 8000)).await });
            while let Some(event) = events.next().await {
                if let Event::Error { id, .. } = event {
                    let _ = tx.send(id).await;
                    break;
                }
            }
            control.hangup().await?;
            Ok(())
        }
    };
    // Pacing bypassed: the library sends the whole clip at once.
    let config = CallConfig {
        playback: PlaybackConfig {
            max_entries: 1000,
            max_ahead: secs(60),
            ..PlaybackConfig::default()
        },
        ..CallConfig::default()
    };
    let server = serve_tcp(handler, config).await;
    let script = Script::new(ContentType::Mulaw8k)
        .hangup(Hangup::WhenAppEnds { max: secs(30) })
        .platform(PlatformConfig {
            audio_buffer: 4,
            ..PlatformConfig::default()
        });
    let report = call(channel(&server).await, &script).await;
    assert_eq!(rx.recv().await.as_deref(), Some("audio-buffer-full"));
    // 15 chunks of 200 ms sent at once into 4 places: about 11 refused (fewer if the
    // machine is so slow that entries finish while the batch arrives).
    let full = report
        .summary
        .errors
        .get("audio-buffer-full")
        .copied()
        .unwrap_or(0);
    assert!(full >= 1, "{:?}", report.summary.errors);
    assert_eq!(report.summary.plays.entries_accepted + full, 15);
    assert_eq!(report.summary.plays.entries_rejected, full);
    println!("overflow: {full} of 15 entries refused with audio-buffer-full");
    assert_eq!(report.summary.outcome, CallOutcome::AppHangup);
}

/// A handler that reads events until the call ends and reports why it ended.
fn end_reporter(tx: mpsc::Sender<EndCause>) -> impl fcstream::Handler {
    move |mut call: Call| {
        let tx = tx.clone();
        async move {
            while call.next().await.is_some() {}
            let cause = call.end_cause().expect("the call has ended");
            let _ = tx.send(cause).await;
            Ok(())
        }
    }
}

async fn fault_call(faults: Faults) -> (fcstream_emulator::CallReport, EndCause) {
    let (tx, mut rx) = mpsc::channel(1);
    let server = serve_tcp(end_reporter(tx), CallConfig::default()).await;
    let script = Script::new(ContentType::Mulaw8k)
        .say(
            Duration::ZERO,
            Source::Tone {
                hz: 350.0,
                duration: None,
            },
        )
        .hangup_after(secs(10))
        .faults(faults);
    let report = call(channel(&server).await, &script).await;
    let cause = tokio::time::timeout(SOON, rx.recv())
        .await
        .expect("the handler reported")
        .expect("a cause");
    (report, cause)
}

#[tokio::test]
async fn platform_error_ends_the_call_with_platform_error_on_both_sides() {
    let (report, cause) = fault_call(Faults {
        platform_error_at: Some(ms(700)),
        ..Faults::default()
    })
    .await;
    assert_eq!(report.summary.outcome, CallOutcome::PlatformError);
    assert_eq!(report.summary.end_reason.as_deref(), Some("PLATFORM_ERROR"));
    assert!(
        !report.summary.is_failure(),
        "an asked-for fault is not a failure"
    );
    assert!(
        matches!(cause, EndCause::Platform(ref e) if e.reason == EndReason::PlatformError),
        "{cause:?}"
    );
    assert_eq!(report.summary.frames_sent, 35);
}

#[tokio::test]
async fn platform_disconnect_ends_the_call_with_platform_disconnect_on_both_sides() {
    let (report, cause) = fault_call(Faults {
        platform_disconnect_at: Some(ms(500)),
        ..Faults::default()
    })
    .await;
    assert_eq!(report.summary.outcome, CallOutcome::PlatformDisconnect);
    assert_eq!(
        report.summary.end_reason.as_deref(),
        Some("PLATFORM_DISCONNECT")
    );
    assert!(
        matches!(cause, EndCause::Platform(ref e) if e.reason == EndReason::PlatformDisconnect),
        "{cause:?}"
    );
}

#[tokio::test]
async fn a_dropped_stream_ends_the_call_with_no_call_ended_on_both_sides() {
    let (report, cause) = fault_call(Faults {
        drop_at: Some(ms(600)),
        ..Faults::default()
    })
    .await;
    println!("after the drop the app saw: {cause:?}");
    assert_eq!(report.summary.outcome, CallOutcome::StreamDropped);
    assert_eq!(report.summary.end_reason, None);
    assert_eq!(report.count(Dir::ToApp, "notify_call_ended"), 0);
    assert!(
        matches!(cause, EndCause::StreamClosed | EndCause::StreamError(_)),
        "the app saw {cause:?}"
    );
}

#[tokio::test]
async fn a_caller_hangup_ends_the_call_with_caller_disconnect_on_both_sides() {
    let (report, cause) = fault_call(Faults::default()).await;
    assert_eq!(report.summary.outcome, CallOutcome::CallerHangup);
    assert!(
        matches!(cause, EndCause::Platform(ref e) if e.reason == EndReason::CallerDisconnect),
        "{cause:?}"
    );
    assert_eq!(report.summary.app_stream, "OK");
}

#[tokio::test]
async fn a_failing_app_is_a_failed_call() {
    let handler = |_call: Call| async move { Err(fcstream::Error::app("boom")) };
    let server = serve_tcp(handler, CallConfig::default()).await;
    let script = Script::new(ContentType::Mulaw8k).hangup_after(secs(5));
    let report = call(channel(&server).await, &script).await;
    assert!(report.summary.is_failure(), "{}", report.summary);
    assert_eq!(
        report.summary.outcome,
        CallOutcome::AppFailed,
        "{}",
        report.summary
    );
    assert!(
        report.summary.app_stream.contains("boom"),
        "{}",
        report.summary
    );
}
