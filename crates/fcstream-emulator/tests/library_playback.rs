//! The library's playback against the platform model (these tests were in the core crate,
//! against a "minimal platform" of its own test support; the platform is now the emulator's
//! one model, in each ack shape it can take). Real loopback gRPC, except the 60 s
//! flow-control tests, which run in virtual time over in-memory pipes.

mod common;

use std::time::Duration;

use common::*;
use fcstream::{
    Audio, BufferKind, Call, CallConfig, ContentType, EndCause, EndReason, Error, PlayOutcome,
};
use fcstream_emulator::buffers::AckShape;
use fcstream_emulator::{in_process, CallOutcome, CallReport, Dir, Hangup, PlatformConfig, Script};
use tokio::sync::mpsc;

type Reported = (fcstream::Result<PlayOutcome>, EndCause);

/// Plays a tone of `secs` then hangs up, reporting the play's outcome and the hang-up's.
fn player(secs: u64, report: mpsc::Sender<Reported>) -> impl fcstream::Handler {
    move |call: Call| {
        let report = report.clone();
        async move {
            let outcome = call
                .play(Audio::tone(440.0, Duration::from_secs(secs), 16000))
                .await;
            let cause = call.hangup().await?;
            let _ = report.send((outcome, cause)).await;
            Ok(())
        }
    }
}

fn script(ct: ContentType, acks: AckShape) -> Script {
    Script::new(ct)
        .hangup(Hangup::WhenAppEnds { max: secs(90) })
        .platform(PlatformConfig {
            acks,
            ..PlatformConfig::default()
        })
}

/// The app's messages of `kind`, as their timeline fields.
fn from_app<'a>(r: &'a CallReport, kind: &'a str) -> impl Iterator<Item = &'a serde_json::Value> {
    r.timeline
        .iter()
        .filter(move |e| e.dir == Dir::FromApp && e.kind == kind)
        .map(|e| &e.fields)
}

/// Index in the timeline of the first entry matching.
fn position(r: &CallReport, dir: Dir, kind: &str, id: Option<&str>) -> usize {
    r.timeline
        .iter()
        .position(|e| e.dir == dir && e.kind == kind && id.is_none_or(|id| e.fields["id"] == id))
        .unwrap_or_else(|| panic!("no {kind} {id:?} in the timeline"))
}

fn ends_app_disconnect(cause: &EndCause) -> bool {
    matches!(cause, EndCause::Platform(end) if end.reason == EndReason::ApplicationDisconnect)
}

async fn play_3s(acks: AckShape) {
    let (tx, mut rx) = mpsc::channel(1);
    let server = serve_tcp(player(3, tx), CallConfig::default()).await;
    let report = call(channel(&server).await, &script(ContentType::L16At8k, acks)).await;
    let (outcome, cause) = rx.recv().await.expect("handler reported");
    assert_eq!(outcome.unwrap(), PlayOutcome::Completed);
    // 3 s in 200 ms chunks under one id, sequence increasing, last only on the final chunk.
    let chunks: Vec<_> = from_app(&report, "audio_data").collect();
    assert_eq!(chunks.len(), 15);
    for (i, c) in chunks.iter().enumerate() {
        assert_eq!(c["id"], "p1");
        assert_eq!(c["sequence_num"], i as u64);
        assert_eq!(c["last_message"], i == 14);
        assert_eq!(c["audio_bytes"], 3200);
    }
    // The play resolved (and so the hang-up was sent) only after the final completion.
    let completions = report
        .timeline
        .iter()
        .filter(|e| e.dir == Dir::ToApp && e.kind == "notify_playback_completed_data")
        .count();
    assert_eq!(completions, if acks == AckShape::PerId { 1 } else { 15 });
    let last_completion = report
        .timeline
        .iter()
        .rposition(|e| e.dir == Dir::ToApp && e.kind == "notify_playback_completed_data")
        .unwrap();
    assert!(last_completion < position(&report, Dir::FromApp, "terminate_call", None));
    assert!(ends_app_disconnect(&cause), "{cause:?}");
    assert_eq!(report.summary.outcome, CallOutcome::AppHangup);
    if acks == AckShape::PerId {
        assert!(
            from_app(&report, "query_buffer").count() > 0,
            "the pacer asked for the depth"
        );
    }
}

#[tokio::test]
async fn play_of_3s_resolves_completed_after_the_last_chunk_completes() {
    play_3s(AckShape::PerEntry).await;
}

#[tokio::test]
async fn play_does_not_hang_when_the_platform_reports_once_per_id() {
    play_3s(AckShape::PerId).await;
}

#[tokio::test]
async fn clear_during_a_play_resolves_it_interrupted_and_the_call_goes_on() {
    let (tx, mut rx) = mpsc::channel(1);
    let handler = move |call: Call| {
        let tx = tx.clone();
        async move {
            let long = call
                .start_play(Audio::silence(ContentType::Mulaw8k, Duration::from_secs(5)))
                .await?;
            tokio::time::sleep(Duration::from_millis(500)).await;
            call.clear().await?;
            let first = long.await?;
            let second = call
                .play(Audio::silence(ContentType::Mulaw8k, ms(200)))
                .await?;
            let _ = tx.send((first, second)).await;
            call.hangup().await?;
            Ok(())
        }
    };
    let server = serve_tcp(handler, CallConfig::default()).await;
    let report = call(
        channel(&server).await,
        &script(ContentType::Mulaw8k, AckShape::PerEntry),
    )
    .await;
    assert_eq!(
        rx.recv().await.unwrap(),
        (PlayOutcome::Interrupted, PlayOutcome::Completed)
    );
    let clears: Vec<_> = from_app(&report, "clear_audio_buffer").collect();
    assert_eq!(clears.len(), 1);
    assert_eq!(clears[0]["id"], "c2");
    // The cleared play never sent its final chunk.
    assert!(!from_app(&report, "audio_data").any(|c| c["id"] == "p1" && c["last_message"] == true));
    assert_eq!(report.summary.plays.clears, 1);
}

#[tokio::test]
async fn press_dtmf_resolves_on_completion_and_bad_input_never_reaches_the_wire() {
    let (tx, mut rx) = mpsc::channel(1);
    let handler = move |call: Call| {
        let tx = tx.clone();
        async move {
            let bad_digit = call.press_dtmf("12x", 100, 50).await;
            let zero_press = call.press_dtmf("1", 0, 50).await;
            let good = call.press_dtmf("12#ab", 100, 50).await;
            let depth = call.query_buffer(BufferKind::Dtmf).await?;
            let cause = call.hangup().await?;
            let _ = tx.send((bad_digit, zero_press, good, depth, cause)).await;
            Ok(())
        }
    };
    let server = serve_tcp(handler, CallConfig::default()).await;
    let report = call(
        channel(&server).await,
        &script(ContentType::Mulaw8k, AckShape::PerEntry),
    )
    .await;
    let (bad_digit, zero_press, good, depth, cause) = rx.recv().await.unwrap();
    assert!(
        matches!(bad_digit, Err(Error::InvalidDigits(ref e)) if e.digit == 'x' && e.position == 2)
    );
    assert!(matches!(zero_press, Err(Error::InvalidArgument(_))));
    good.unwrap();
    assert_eq!(depth.kind, BufferKind::Dtmf);
    assert_eq!(
        depth.depth, 0,
        "the keys had played when the depth was asked"
    );
    assert_eq!(
        from_app(&report, "dtmf_data").count(),
        1,
        "only the valid press was sent"
    );
    assert_eq!(report.summary.dtmf.app_played, "12#AB");
    assert!(ends_app_disconnect(&cause), "{cause:?}");
}

async fn sixty_second_clip(acks: AckShape) {
    let (tx, mut rx) = mpsc::channel(1);
    let config = CallConfig::default();
    let channel = in_process::serve(player(60, tx), config).await.unwrap();
    let report = call(channel, &script(ContentType::Mulaw8k, acks)).await;
    let (outcome, _) = rx.recv().await.unwrap();
    assert_eq!(outcome.unwrap(), PlayOutcome::Completed);
    let p = &report.summary.plays;
    assert!(
        p.peak_queued_ms <= config.playback.max_ahead.as_secs_f64() * 1000.0,
        "{} ms queued at the platform",
        p.peak_queued_ms
    );
    assert!(p.peak_depth as usize <= config.playback.max_entries);
    assert_eq!(from_app(&report, "audio_data").count(), 300);
    // Paced in real time: the caller heard the whole minute, and the hang-up came after it.
    assert!(
        (p.app_audio_ms - 60_000.0).abs() < 1.0,
        "{} ms heard",
        p.app_audio_ms
    );
    let hangup_ms = report.timeline[position(&report, Dir::FromApp, "terminate_call", None)].t_ms;
    assert!(
        hangup_ms >= 60_000.0,
        "played faster than real time: {hangup_ms} ms"
    );
    assert!(hangup_ms < 63_000.0, "paced too slowly: {hangup_ms} ms");
}

#[tokio::test(start_paused = true)]
async fn flow_control_keeps_a_60s_clip_within_the_bound_in_virtual_time() {
    sixty_second_clip(AckShape::PerEntry).await;
}

#[tokio::test(start_paused = true)]
async fn flow_control_holds_with_a_platform_reporting_once_per_id() {
    sixty_second_clip(AckShape::PerId).await;
}
