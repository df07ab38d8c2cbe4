//! Virtual time: the app runs in-process behind in-memory pipes (`in_process`), the tokio
//! clock is paused, and the runtime jumps from one timer to the next. Results are exact and
//! repeatable; a 60 s call takes a fraction of a second. One test runs the same script on
//! the real clock over loopback TCP and compares.

mod common;

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use common::*;
use fcstream::audio::{l16, mulaw};
use fcstream::proto::app_message::Payload;
use fcstream::proto::grpc_stream_service_server::{GrpcStreamService, GrpcStreamServiceServer};
use fcstream::proto::{app_message as am, AppMessage, PlatformMessage};
use fcstream::{Audio, BufferKind, Call, CallConfig, ContentType};
use fcstream_emulator::{analysis, in_process, CallOutcome, Dir, Faults, Script, Source};
use std::collections::BTreeMap;
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;
use tonic::{Request, Response, Status, Streaming};

#[tokio::test(start_paused = true)]
async fn echo_in_virtual_time_is_the_callers_audio_exactly_one_frame_later() {
    let channel = in_process::serve(fcstream_apps::echo, CallConfig::default())
        .await
        .unwrap();
    let script = Script::new(ContentType::L16At8k)
        .say(
            ms(100),
            Source::Babble {
                pitch_hz: 180.0,
                duration: secs(2),
            },
        )
        .hangup_after(secs(3));
    let report = call(channel, &script).await;
    assert_eq!(report.summary.outcome, CallOutcome::CallerHangup);
    // Frame k covers [20k, 20k+20) ms and is sent at its end; the echo plays at once.
    let frame = 160;
    let n = report.caller.len() - frame;
    assert_eq!(report.heard.len(), 24_000);
    assert_eq!(
        &report.heard[frame..frame + n],
        &report.caller[..n],
        "sample-exact echo"
    );
    assert!(report.heard[..frame].iter().all(|&s| s == 0));
    assert_eq!(
        analysis::delay(&report.caller, &report.heard, 800).map(|d| d.0),
        Some(160)
    );
    assert_eq!(report.summary.time_to_first_app_audio_ms, Some(20.0));
}

#[tokio::test(start_paused = true)]
async fn a_60s_call_in_virtual_time_does_not_wait_real_time() {
    let channel = in_process::serve(fcstream_apps::echo, CallConfig::default())
        .await
        .unwrap();
    let mut script = Script::new(ContentType::Mulaw8k).hangup_after(secs(60));
    for i in 0..12 {
        script = script.say(
            secs(5 * i),
            Source::Babble {
                pitch_hz: 120.0 + 10.0 * i as f64,
                duration: secs(3),
            },
        );
    }
    let script = script
        .press('1', secs(10), ms(150))
        .press('#', ms(45_500), ms(150));
    let wall = std::time::Instant::now();
    let report = call(channel, &script).await;
    let wall = wall.elapsed();
    println!(
        "virtual 60 s echo call: {wall:?} of wall time, {} messages",
        report.timeline.len()
    );
    // Not a speed check (that is the benchmarks' job): a call that waited on real time would
    // take the whole 60 s; half of it leaves room for a machine busy with other builds (it
    // measures well under a second on a quiet one).
    assert!(
        wall < secs(30),
        "a 60 s virtual call took {wall:?}: it waits on real time"
    );
    assert_eq!(report.summary.duration_ms, 60_000.0);
    assert_eq!(report.summary.frames_sent, 3000);
    assert_eq!(report.heard.len(), 480_000);
    assert_eq!(report.summary.dtmf.from_caller, "1#");
    assert_eq!(
        report.summary.dtmf.app_played, "1#",
        "the echo app pressed the keys back"
    );
    assert_eq!(report.summary.sequence_gaps, 0);
    assert_eq!(report.summary.error_count(), 0);
}

/// A handler whose messages do not depend on timing: two plays, a press, a query, a gather.
async fn steady(mut call: Call) -> fcstream::Result<()> {
    call.play(Audio::tone(440.0, ms(500), 8000)).await?;
    call.press_dtmf("12", 80, 40).await?;
    call.query_buffer(BufferKind::Audio).await?;
    let _ = call.gather_digits(1, secs(5)).await?;
    call.play(Audio::tone(660.0, ms(300), 8000)).await?;
    while call.next().await.is_some() {}
    Ok(())
}

fn steady_script() -> Script {
    Script::new(ContentType::Mulaw8k)
        .say(
            Duration::ZERO,
            Source::Tone {
                hz: 300.0,
                duration: Some(ms(400)),
            },
        )
        .press('9', ms(1200), ms(100))
        .hangup_after(ms(2500))
}

fn kinds(report: &fcstream_emulator::CallReport) -> BTreeMap<(String, String), usize> {
    let mut m = BTreeMap::new();
    for e in &report.timeline {
        *m.entry((format!("{:?}", e.dir), e.kind.clone()))
            .or_default() += 1;
    }
    m
}

#[test]
fn virtual_and_real_time_runs_of_one_script_give_the_same_timeline_kinds_and_counts() {
    // The emulator's own virtual clock (no tokio test-util): the app's server and the
    // platform both keep time on it.
    let virtual_report = fcstream_emulator::clock::run_virtual(|clock| async move {
        let channel = in_process::serve_with_clock(steady, CallConfig::default(), clock.clone())
            .await
            .unwrap();
        let options = fcstream_emulator::RunOptions {
            clock,
            ..Default::default()
        };
        fcstream_emulator::run_with(channel, &steady_script(), &options)
            .await
            .unwrap()
    })
    .unwrap();
    let real_report = tokio::runtime::Runtime::new().unwrap().block_on(async {
        let server = serve_tcp(steady, CallConfig::default()).await;
        call(channel(&server).await, &steady_script()).await
    });
    let (v, r) = (kinds(&virtual_report), kinds(&real_report));
    println!("virtual: {v:?}");
    assert_eq!(v, r, "virtual {v:?}\nreal    {r:?}");
    assert_eq!(v[&("ToApp".into(), "notify_audio_data".into())], 125);
    assert_eq!(
        v[&("ToApp".into(), "notify_playback_completed_data".into())],
        5
    );
    assert_eq!(virtual_report.summary.outcome, real_report.summary.outcome);
    assert_eq!(virtual_report.summary.dtmf, real_report.summary.dtmf);
    assert_eq!(
        virtual_report.summary.plays.started,
        real_report.summary.plays.started
    );
}

#[tokio::test(start_paused = true)]
async fn ack_delay_and_jitter_are_deterministic() {
    let script = Script::new(ContentType::L16At16k)
        .say(
            Duration::ZERO,
            Source::Tone {
                hz: 300.0,
                duration: None,
            },
        )
        .hangup_after(secs(2))
        .faults(Faults {
            ack_delay: ms(150),
            jitter: ms(15),
            jitter_seed: 3,
            ..Faults::default()
        });
    let handler = |call: Call| async move {
        call.play(Audio::tone(440.0, ms(700), 16000)).await?;
        call.press_dtmf("5", 100, 0).await?;
        Ok(())
    };
    let a = call(
        in_process::serve(handler, CallConfig::default())
            .await
            .unwrap(),
        &script,
    )
    .await;
    let b = call(
        in_process::serve(handler, CallConfig::default())
            .await
            .unwrap(),
        &script,
    )
    .await;
    assert_eq!(a.timeline, b.timeline, "same seed, same call");
    assert_eq!(a.heard, b.heard);
    // Every acknowledgement left 150 ms after what it acknowledges happened.
    let acks: Vec<_> = a
        .timeline
        .iter()
        .filter(|e| e.dir == Dir::ToApp && e.kind.contains("playback"))
        .collect();
    assert!(acks.len() >= 6, "{acks:?}");
    for e in acks {
        let happened = e.fields["at_ms"].as_f64().unwrap();
        assert!((e.t_ms - happened - 150.0).abs() < 0.01, "{e:?}");
    }
    // Frames leave within 15 ms after their span ends, in order.
    let mut last = 0.0;
    for e in a.entries(Dir::ToApp, "notify_audio_data") {
        let end = e.fields["end_ms"].as_f64().unwrap();
        assert!(e.t_ms >= end && e.t_ms <= end + 15.0 + 1e-3, "{e:?}");
        assert!(e.t_ms >= last);
        last = e.t_ms;
    }
    assert!(a.summary.faults.iter().any(|f| f.starts_with("jitter")));
    assert_eq!(a.summary.dtmf.app_played, "5");
}

#[tokio::test(start_paused = true)]
async fn caller_keys_reach_the_app_and_the_echo_presses_them_back() {
    let channel = in_process::serve(fcstream_apps::echo, CallConfig::default())
        .await
        .unwrap();
    let script = Script::new(ContentType::Mulaw8k)
        .press('7', ms(500), ms(150))
        .hangup_after(secs(2));
    let report = call(channel, &script).await;
    assert_eq!(
        report.count(Dir::ToApp, "notify_dtmf_received_start_data"),
        1
    );
    assert_eq!(report.count(Dir::ToApp, "notify_dtmf_received_end_data"), 1);
    assert_eq!(
        analysis::dtmf_keys(&report.caller, 8000).len(),
        1,
        "the key's tone is in the caller's audio"
    );
    // Heard twice, back to back: the app's own press (100 ms) goes as soon as the echoed
    // 20 ms frame playing ends, before the echoed frames still queued, which carry the
    // caller's 150 ms tone. One long '7'.
    let keys = analysis::dtmf_keys(&report.heard, 8000);
    assert_eq!(keys.len(), 1, "{keys:?}");
    assert_eq!(keys[0].digit, '7');
    assert!(keys[0].duration().abs_diff(ms(250)) <= ms(30), "{keys:?}");
    assert_eq!(report.summary.dtmf.app_requested, "7");
}

/// An app written against the raw generated service (not the fcstream library): after the
/// call starts it sends a fixed list of messages, then reads until the platform ends.
#[derive(Clone)]
struct RawApp {
    messages: Arc<Vec<AppMessage>>,
}

#[tonic::async_trait]
impl GrpcStreamService for RawApp {
    type SendIVRDataStream = ReceiverStream<Result<AppMessage, Status>>;

    async fn send_ivr_data(
        &self,
        request: Request<Streaming<PlatformMessage>>,
    ) -> Result<Response<Self::SendIVRDataStream>, Status> {
        let mut inbound = request.into_inner();
        let (tx, rx) = mpsc::channel(64);
        let messages = self.messages.clone();
        tokio::spawn(async move {
            let _ = inbound.message().await;
            for m in messages.iter() {
                tokio::time::sleep(ms(10)).await;
                if tx.send(Ok(m.clone())).await.is_err() {
                    return;
                }
            }
            while let Ok(Some(_)) = inbound.message().await {}
        });
        Ok(Response::new(ReceiverStream::new(rx)))
    }
}

fn play(id: &str, ct: &str, audio: Vec<u8>) -> AppMessage {
    AppMessage {
        payload: Some(Payload::AudioData(am::PlayAudioMessage {
            id: id.into(),
            audio_data: Bytes::from(audio),
            content_type: ct.into(),
            sequence_num: 0,
            last_message: true,
        })),
    }
}

fn press(digits: &str, press_ms: u32) -> AppMessage {
    AppMessage {
        payload: Some(Payload::DtmfData(am::PressDtmfMessage {
            id: "d".into(),
            dtmf_digits: digits.into(),
            press_duration_ms: press_ms,
            break_duration_ms: 0,
            sequence_num: 0,
        })),
    }
}

fn query(buffer_type: i32) -> AppMessage {
    AppMessage {
        payload: Some(Payload::QueryBuffer(am::QueryBufferDepthMessage {
            buffer_type,
        })),
    }
}

#[tokio::test(start_paused = true)]
async fn malformed_app_messages_get_documented_errors_and_the_call_goes_on() {
    let tone = Audio::tone(500.0, ms(100), 8000).samples();
    let messages = vec![
        play("bad-rate", "audio/l16;rate=16000", vec![0; 320]),
        play("bad-type", "audio/opus", vec![0; 160]),
        play("empty", "audio/mulaw;rate=8000", vec![]),
        play("odd", "audio/l16;rate=8000", vec![0; 3]),
        press("12x", 100),
        press("1", 0),
        AppMessage {
            payload: Some(Payload::EndStream(am::EndGrpcStreamMessage {
                action_url: "https://example.invalid/next".into(),
            })),
        },
        AppMessage { payload: None },
        query(7),
        // Valid: µ-law at the call's format, and l16 at its rate (transcoded).
        play("mu", "audio/mulaw;rate=8000", mulaw::encode_all(&tone)),
        play("lin", "AUDIO/L16; rate=8000", l16::encode(&tone)),
        play("mu2", "audio/mulaw", mulaw::encode_all(&tone)),
        query(1),
        query(0),
    ];
    let service = GrpcStreamServiceServer::new(RawApp {
        messages: Arc::new(messages),
    });
    let channel = in_process::serve_service(service).await.unwrap();
    let report = call(
        channel,
        &Script::new(ContentType::Mulaw8k).hangup_after(secs(1)),
    )
    .await;
    let want: BTreeMap<String, u64> = [
        "invalid-content-type",
        "invalid-content-type",
        "empty-audio",
        "invalid-audio-length",
        "invalid-dtmf",
        // `press("1", 0)` is ignored as the specification says (no error; a timeline note).
        "end-stream-unimplemented",
        "unknown-message",
        "invalid-buffer-type",
    ]
    .iter()
    .fold(BTreeMap::new(), |mut m, id| {
        *m.entry(id.to_string()).or_default() += 1;
        m
    });
    assert_eq!(report.summary.errors, want);
    assert_eq!(report.summary.outcome, CallOutcome::CallerHangup);
    assert_eq!(report.summary.plays.started, 3);
    assert_eq!(report.summary.plays.completed, 3);
    // The query came 10 ms after the third valid entry: all three are in the buffer, the
    // one playing included.
    let depths: Vec<_> = report
        .entries(Dir::ToApp, "notify_buffer")
        .map(|e| {
            (
                e.fields["buffer_type"].clone(),
                e.fields["depth"].clone(),
                e.fields["buffer_size"].clone(),
            )
        })
        .collect();
    assert_eq!(depths[0].0, "Audio");
    assert_eq!(depths[0].1, 3, "at 130 ms: mu playing, lin and mu2 queued");
    assert_eq!(depths[0].2, 100);
    assert_eq!(depths[1].0, "DTMF");
    assert_eq!(depths[1].1, 0);
    let spans = analysis::sound_spans(&report.heard, 8000, -40.0, ms(5));
    assert_eq!(
        spans.len(),
        1,
        "three 100 ms entries heard back to back: {spans:?}"
    );
    assert!(spans[0].duration(8000).abs_diff(ms(300)) <= ms(1));
    assert_eq!(report.count(Dir::FromApp, "unknown"), 1);
}
