//! End to end over real loopback gRPC: the fcstream server on 127.0.0.1 (OS-chosen port) and a
//! platform played by the generated tonic client. The 60 s flow-control tests use in-memory
//! pipes and tokio's paused clock (virtual time); everything else runs on the real clock.

mod common;

use std::time::Duration;

use bytes::Bytes;
use common::*;
use fcstream::proto::PlatformMessage;
use fcstream::{
    apps, Audio, BufferKind, Call, CallConfig, Command, ContentType, EndCause, EndReason, Error,
    Event, PlayOutcome,
};
use prost::Message;
use tokio::sync::mpsc;
use tokio::time::Instant;

/// Acknowledges every PlayAudio at once (instant playback) and collects their payloads until
/// `n` arrived.
async fn collect_echo(p: &mut Platform, n: usize) -> Vec<Bytes> {
    let mut got = Vec::new();
    while got.len() < n {
        match p.expect().await {
            Command::PlayAudio {
                id,
                audio,
                content_type,
                sequence,
                last,
            } => {
                assert_eq!(content_type, p.info.content_type.as_str());
                assert_eq!(
                    (sequence, last),
                    (0, true),
                    "a 20 ms frame is one whole entry"
                );
                p.ack(Event::PlaybackStarted, &id).await;
                p.ack(Event::PlaybackCompleted, &id).await;
                got.push(audio);
            }
            Command::PressDtmf { id, .. } => {
                p.ack(Event::DtmfPlayCompleted, &id).await;
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    got
}

fn frame(call: u8, i: u8, len: usize) -> Bytes {
    let mut v = vec![i; len];
    v[0] = call;
    v.into()
}

#[tokio::test]
async fn echo_returns_the_callers_frames_in_order_and_presses_keys_back() {
    let server = serve_tcp(apps::echo, CallConfig::default()).await;
    let mut p = Platform::start(
        connect(&server.url).await,
        call_info("CA-echo", ContentType::Mulaw8k),
    )
    .await;
    let sent: Vec<Bytes> = (0..60).map(|i| frame(1, i, 160)).collect();
    for f in &sent {
        p.audio(f.clone()).await;
    }
    assert_eq!(collect_echo(&mut p, 60).await, sent);

    p.send(Event::DtmfStarted {
        digit: '5',
        at: None,
    })
    .await;
    p.send(Event::DtmfEnded {
        digit: '5',
        at: None,
    })
    .await;
    match p.expect().await {
        Command::PressDtmf {
            digits, press_ms, ..
        } => {
            assert_eq!(digits, "5");
            assert!(press_ms > 0);
        }
        other => panic!("expected the key pressed back, got {other:?}"),
    }
    p.end(EndReason::CallerDisconnect).await;
    assert_eq!(
        p.next().await.unwrap(),
        None,
        "stream ends cleanly after the call ends"
    );
}

/// A handler that plays `secs` of audio, reports the outcome and when it resolved, hangs up.
fn player(
    secs: u64,
    report: mpsc::Sender<(fcstream::Result<PlayOutcome>, Instant, EndCause)>,
) -> impl fcstream::Handler {
    move |call: Call| {
        let report = report.clone();
        async move {
            let ct = call.info().content_type;
            let outcome = call
                .play(Audio::tone(440.0, Duration::from_secs(secs), 16000))
                .await;
            let at = Instant::now();
            assert_eq!(call.info().content_type, ct);
            let cause = call.hangup().await?;
            let _ = report.send((outcome, at, cause)).await;
            Ok(())
        }
    }
}

async fn play_3s(once_per_id: bool) {
    let (tx, mut rx) = mpsc::channel(1);
    let server = serve_tcp(player(3, tx), CallConfig::default()).await;
    let mut p = Platform::start(
        connect(&server.url).await,
        call_info("CA-play", ContentType::L16At8k),
    )
    .await;
    let stats = tokio::time::timeout(SOON, Playout::new(once_per_id).run(&mut p))
        .await
        .expect("the call finished");
    let (outcome, resolved_at, cause) = rx.recv().await.expect("handler reported");
    assert_eq!(outcome.unwrap(), PlayOutcome::Completed);
    // 3 s in 200 ms chunks under one id, sequence increasing, last only on the final chunk.
    assert_eq!(stats.entries.len(), 15);
    for (i, (id, seq, last, len)) in stats.entries.iter().enumerate() {
        assert_eq!(id, "p1");
        assert_eq!(*seq as usize, i);
        assert_eq!(*last, i == 14);
        assert_eq!(*len, 3200);
    }
    let (id, final_at) = &stats.final_completion[0];
    assert_eq!(id, "p1");
    assert!(
        resolved_at >= *final_at,
        "play resolved before the final chunk's completion was sent"
    );
    assert!(matches!(
        cause,
        EndCause::Platform(ref end) if end.reason == EndReason::ApplicationDisconnect
    ));
    if once_per_id {
        assert!(stats.queries > 0, "the pacer asked for the depth");
    }
}

#[tokio::test]
async fn play_of_3s_resolves_completed_after_the_last_chunk_completes() {
    play_3s(false).await;
}

#[tokio::test]
async fn play_does_not_hang_when_the_platform_reports_once_per_id() {
    play_3s(true).await;
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
                .play(Audio::silence(
                    ContentType::Mulaw8k,
                    Duration::from_millis(200),
                ))
                .await?;
            let _ = tx.send((first, second)).await;
            call.hangup().await?;
            Ok(())
        }
    };
    let server = serve_tcp(handler, CallConfig::default()).await;
    let mut p = Platform::start(
        connect(&server.url).await,
        call_info("CA-clear", ContentType::Mulaw8k),
    )
    .await;
    let stats = tokio::time::timeout(SOON, Playout::new(false).run(&mut p))
        .await
        .expect("the call finished");
    assert_eq!(
        rx.recv().await.unwrap(),
        (PlayOutcome::Interrupted, PlayOutcome::Completed)
    );
    assert_eq!(stats.clears, vec!["c2".to_string()]);
    // The cleared play never sent its final chunk.
    assert!(!stats.entries.iter().any(|e| e.0 == "p1" && e.2));
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
    let mut p = Platform::start(
        connect(&server.url).await,
        call_info("CA-dtmf", ContentType::Mulaw8k),
    )
    .await;
    let stats = tokio::time::timeout(SOON, Playout::new(false).run(&mut p))
        .await
        .expect("the call finished");
    let (bad_digit, zero_press, good, depth, cause) = rx.recv().await.unwrap();
    assert!(
        matches!(bad_digit, Err(Error::InvalidDigits(ref e)) if e.digit == 'x' && e.position == 2)
    );
    assert!(matches!(zero_press, Err(Error::InvalidArgument(_))));
    good.unwrap();
    assert_eq!(depth.kind, BufferKind::Dtmf);
    assert_eq!(stats.dtmf.len(), 1, "only the valid press was sent");
    assert!(
        matches!(cause, EndCause::Platform(ref e) if e.reason == EndReason::ApplicationDisconnect)
    );
}

/// Starts a 10 s play, tells the test, then reports how the play ended and how long after.
fn waiting_player(report: mpsc::Sender<fcstream::Result<PlayOutcome>>) -> impl fcstream::Handler {
    move |call: Call| {
        let report = report.clone();
        async move {
            let r = call
                .play(Audio::silence(
                    ContentType::Mulaw8k,
                    Duration::from_secs(10),
                ))
                .await;
            let _ = report.send(r).await;
            Ok(())
        }
    }
}

#[tokio::test]
async fn a_stream_dropped_without_call_ended_fails_pending_plays_within_1s() {
    let (tx, mut rx) = mpsc::channel(1);
    let server = serve_tcp(waiting_player(tx), CallConfig::default()).await;
    let channel = connect(&server.url).await;

    // The platform vanishes entirely (RST_STREAM).
    let mut p = Platform::start(channel.clone(), call_info("CA-drop", ContentType::Mulaw8k)).await;
    assert!(matches!(p.expect().await, Command::PlayAudio { .. }));
    let dropped = std::time::Instant::now();
    drop(p);
    let r = tokio::time::timeout(Duration::from_secs(1), rx.recv())
        .await
        .expect("within 1 s")
        .unwrap();
    assert!(
        matches!(
            r,
            Err(Error::CallEnded(
                EndCause::StreamError(_) | EndCause::StreamClosed
            ))
        ),
        "{r:?}"
    );
    assert!(dropped.elapsed() < Duration::from_secs(1));

    // The platform closes its side without NotifyCallEndedMessage.
    let mut p = Platform::start(channel, call_info("CA-halfclose", ContentType::Mulaw8k)).await;
    assert!(matches!(p.expect().await, Command::PlayAudio { .. }));
    p.tx = None;
    let r = tokio::time::timeout(Duration::from_secs(1), rx.recv())
        .await
        .expect("within 1 s")
        .unwrap();
    assert!(
        matches!(r, Err(Error::CallEnded(EndCause::StreamClosed))),
        "{r:?}"
    );
}

#[tokio::test]
async fn a_hundred_concurrent_calls_all_echo_their_own_audio() {
    let server = serve_tcp(apps::echo, CallConfig::default()).await;
    let channel = connect(&server.url).await;
    let calls = (0..100u8).map(|c| {
        let channel = channel.clone();
        tokio::spawn(async move {
            let mut p = Platform::start(
                channel,
                call_info(&format!("CA-{c}"), ContentType::L16At16k),
            )
            .await;
            let sent: Vec<Bytes> = (0..20).map(|i| frame(c, i, 640)).collect();
            for f in &sent {
                p.audio(f.clone()).await;
            }
            let got = collect_echo(&mut p, 20).await;
            p.end(EndReason::CallerDisconnect).await;
            assert_eq!(p.next().await.unwrap(), None);
            (c, got == sent)
        })
    });
    for r in futures_util::future::join_all(calls).await {
        let (c, ok) = r.unwrap();
        assert!(ok, "call {c} got someone else's audio or lost order");
    }
}

#[tokio::test]
async fn protocol_violations_get_their_documented_behaviour_and_spare_other_calls() {
    let started = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = started.clone();
    let handler = move |call: Call| {
        counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        apps::echo(call)
    };
    let server = serve_tcp(handler, CallConfig::default()).await;
    let channel = connect(&server.url).await;

    // A bystander call, echoing before, during and after the others misbehave.
    let mut bystander =
        Platform::start(channel.clone(), call_info("CA-ok", ContentType::Mulaw8k)).await;
    bystander.audio(frame(9, 1, 160)).await;
    assert_eq!(
        collect_echo(&mut bystander, 1).await,
        vec![frame(9, 1, 160)]
    );

    // Audio before the call started: rejected, the handler never runs.
    let mut p = Platform::open(channel.clone(), call_info("CA-early", ContentType::Mulaw8k)).await;
    p.audio(frame(1, 1, 160)).await;
    let status = p.next().await.unwrap_err();
    assert_eq!(status.code(), tonic::Code::FailedPrecondition);
    assert!(
        status.message().contains("notify_call_started"),
        "{}",
        status.message()
    );

    // A content type none of the three: rejected with a clear message.
    let mut p = Platform::open(channel.clone(), call_info("CA-opus", ContentType::Mulaw8k)).await;
    let mut raw = Event::CallStarted(call_info("CA-opus", ContentType::Mulaw8k)).to_proto();
    if let Some(fcstream::proto::platform_message::Payload::NotifyCallStarted(m)) =
        raw.payload.as_mut()
    {
        m.content_type = "audio/opus".into();
    }
    p.send_raw(raw).await;
    let status = p.next().await.unwrap_err();
    assert_eq!(status.code(), tonic::Code::InvalidArgument);
    assert!(
        status.message().contains("audio/opus"),
        "{}",
        status.message()
    );

    // Inside a call: a second call-started, a message with no payload, a future payload, an
    // empty frame and half a sample are skipped; a short frame is delivered as it is.
    let mut p = Platform::start(channel.clone(), call_info("CA-messy", ContentType::L16At8k)).await;
    p.send(Event::CallStarted(call_info(
        "CA-other",
        ContentType::Mulaw8k,
    )))
    .await;
    p.send_raw(PlatformMessage { payload: None }).await;
    let future = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/vectors/platform/future_unknown_payload.bin"
    ))
    .unwrap();
    p.send_raw(PlatformMessage::decode(future.as_slice()).unwrap())
        .await;
    p.audio(Bytes::new()).await;
    p.audio(frame(2, 1, 319)).await;
    p.audio(frame(2, 2, 160)).await;
    p.audio(frame(2, 3, 320)).await;
    assert_eq!(
        collect_echo(&mut p, 2).await,
        vec![frame(2, 2, 160), frame(2, 3, 320)]
    );

    // The bystander never noticed.
    bystander.audio(frame(9, 2, 160)).await;
    assert_eq!(
        collect_echo(&mut bystander, 1).await,
        vec![frame(9, 2, 160)]
    );
    bystander.end(EndReason::CallerDisconnect).await;
    p.end(EndReason::CallerDisconnect).await;
    assert_eq!(bystander.next().await.unwrap(), None);
    assert_eq!(p.next().await.unwrap(), None);
    assert_eq!(
        started.load(std::sync::atomic::Ordering::SeqCst),
        2,
        "rejected streams ran no handler"
    );
}

#[tokio::test]
async fn a_panicking_or_failing_handler_ends_only_its_own_call() {
    let handler = |call: Call| async move {
        match call.info().metadata.first().map(String::as_str) {
            Some("panic") => panic!("handler bug"),
            Some("fail") => Err(Error::app("app gave up")),
            _ => apps::echo(call).await,
        }
    };
    let server = serve_tcp(handler, CallConfig::default()).await;
    let channel = connect(&server.url).await;
    let mut good =
        Platform::start(channel.clone(), call_info("CA-good", ContentType::Mulaw8k)).await;
    for (meta, expect) in [("panic", "handler panicked"), ("fail", "app gave up")] {
        let mut info = call_info("CA-bad", ContentType::Mulaw8k);
        info.metadata = vec![meta.into()];
        let mut bad = Platform::start(channel.clone(), info).await;
        let status = bad.next().await.unwrap_err();
        assert_eq!(status.code(), tonic::Code::Internal);
        assert!(status.message().contains(expect), "{}", status.message());
    }
    good.audio(frame(3, 3, 160)).await;
    assert_eq!(collect_echo(&mut good, 1).await, vec![frame(3, 3, 160)]);
}

async fn sixty_second_clip(once_per_id: bool) {
    let (tx, mut rx) = mpsc::channel(1);
    let config = CallConfig::default();
    let channel = serve_in_memory(player(60, tx), config).await;
    let t0 = Instant::now();
    let mut p = Platform::start(channel, call_info("CA-60s", ContentType::Mulaw8k)).await;
    let stats = tokio::time::timeout(
        Duration::from_secs(120),
        Playout::new(once_per_id).run(&mut p),
    )
    .await
    .expect("the call finished within 120 s of virtual time");
    let (outcome, resolved_at, _) = rx.recv().await.unwrap();
    assert_eq!(outcome.unwrap(), PlayOutcome::Completed);
    assert!(
        stats.max_queued <= config.playback.max_ahead,
        "{:?} queued at the platform",
        stats.max_queued
    );
    assert!(stats.max_entries <= config.playback.max_entries);
    assert_eq!(stats.entries.len(), 300);
    let took = resolved_at - t0;
    assert!(
        took >= Duration::from_secs(60),
        "played faster than real time: {took:?}"
    );
    assert!(took < Duration::from_secs(63), "paced too slowly: {took:?}");
}

#[tokio::test(start_paused = true)]
async fn flow_control_keeps_a_60s_clip_within_the_bound_in_virtual_time() {
    sixty_second_clip(false).await;
}

#[tokio::test(start_paused = true)]
async fn flow_control_holds_with_a_platform_reporting_once_per_id() {
    sixty_second_clip(true).await;
}
