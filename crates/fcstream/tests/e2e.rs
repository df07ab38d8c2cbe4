//! End to end over real loopback gRPC: the fcstream server on 127.0.0.1 (OS-chosen port) and a
//! platform played step by step by the generated tonic client (each test says what the
//! platform sends). Playback against the platform model itself (pacing, ack shapes, clears,
//! DTMF, the 60 s flow-control bound) is tested in `fcstream-emulator/tests/library_playback.rs`,
//! where the platform is the emulator's one model rather than a copy in this crate.

mod common;

use std::time::Duration;

use bytes::Bytes;
use common::*;
use fcstream::proto::PlatformMessage;
use fcstream::{
    Audio, Call, CallConfig, Command, ContentType, EndCause, EndReason, Error, Event, PlayOutcome,
};
use prost::Message;
use tokio::sync::mpsc;

/// The echo app in small (`fcstream_apps::echo`, which these tests cannot use: that crate
/// depends on this one): plays each frame back, presses each key back.
async fn echo(call: Call) -> fcstream::Result<()> {
    let content_type = call.info().content_type;
    let (control, mut events) = call.split();
    let mut presses = fcstream::call::KeyPresses::default();
    while let Some(event) = events.next().await {
        if let Event::Audio(frame) = &event {
            let audio = Audio::from_wire(content_type, frame.data.clone())?;
            control.start_play(audio).await?;
        } else if let Some(digit) = presses.press(&event) {
            let control = control.clone();
            tokio::spawn(async move { control.press_dtmf(&digit.to_string(), 100, 50).await });
        }
    }
    Ok(())
}

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
    let server = serve_tcp(echo, CallConfig::default()).await;
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
    let server = serve_tcp(echo, CallConfig::default()).await;
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
        echo(call)
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
            _ => echo(call).await,
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
