//! Fidelity to FreeClimb's specification where it speaks, and the emulator's own promises
//! (issue #20): a zero-length `PressDTMFMessage` is ignored, `EndGrpcStreamMessage` follows
//! the documented switch, the caller's `*8` transfer is a hang-up to the stream, a dropped
//! stream is not the app's failure, acknowledgements held back past the end are not counted,
//! and the story tells speech that goes on through a key press with its real length.
//!
//! Virtual time: the app is in-process (`in_process::serve_service`), the clock is paused.

mod common;

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use common::*;
use fcstream::audio::mulaw;
use fcstream::proto::app_message::Payload;
use fcstream::proto::grpc_stream_service_server::{GrpcStreamService, GrpcStreamServiceServer};
use fcstream::proto::{app_message as am, AppMessage, PlatformMessage};
use fcstream::{Audio, CallConfig, ContentType};
use fcstream_emulator::rules::EndStreamMode;
use fcstream_emulator::timeline::{NOTE_IGNORED, NOTE_STREAM_ENDED, NOTE_TRANSFER};
use fcstream_emulator::{
    in_process, story, CallOutcome, CallReport, Dir, Faults, PlatformConfig, Script, Source,
};
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;
use tonic::{Request, Response, Status, Streaming};

/// An app that sends `messages`, each `delay` after the one before (the first `delay` after
/// the call started), then reads until the platform lets go.
#[derive(Clone)]
struct Scripted {
    delay: Duration,
    messages: Arc<Vec<AppMessage>>,
}

#[tonic::async_trait]
impl GrpcStreamService for Scripted {
    type SendIVRDataStream = ReceiverStream<Result<AppMessage, Status>>;

    async fn send_ivr_data(
        &self,
        request: Request<Streaming<PlatformMessage>>,
    ) -> Result<Response<Self::SendIVRDataStream>, Status> {
        let mut inbound = request.into_inner();
        let (tx, rx) = mpsc::channel(64);
        let app = self.clone();
        tokio::spawn(async move {
            let _ = inbound.message().await;
            for m in app.messages.iter() {
                tokio::time::sleep(app.delay).await;
                if tx.send(Ok(m.clone())).await.is_err() {
                    return;
                }
            }
            while let Ok(Some(_)) = inbound.message().await {}
        });
        Ok(Response::new(ReceiverStream::new(rx)))
    }
}

async fn scripted_call(delay: Duration, messages: Vec<AppMessage>, script: &Script) -> CallReport {
    let service = GrpcStreamServiceServer::new(Scripted {
        delay,
        messages: Arc::new(messages),
    });
    let channel = in_process::serve_service(service).await.unwrap();
    call(channel, script).await
}

fn press(id: &str, digits: &str, press_ms: u32) -> AppMessage {
    AppMessage {
        payload: Some(Payload::DtmfData(am::PressDtmfMessage {
            id: id.into(),
            dtmf_digits: digits.into(),
            press_duration_ms: press_ms,
            break_duration_ms: 50,
            sequence_num: 0,
        })),
    }
}

fn end_stream(url: &str) -> AppMessage {
    AppMessage {
        payload: Some(Payload::EndStream(am::EndGrpcStreamMessage {
            action_url: url.into(),
        })),
    }
}

fn play(id: &str, samples: &[i16]) -> AppMessage {
    AppMessage {
        payload: Some(Payload::AudioData(am::PlayAudioMessage {
            id: id.into(),
            audio_data: Bytes::from(mulaw::encode_all(samples)),
            content_type: "audio/mulaw;rate=8000".into(),
            sequence_num: 0,
            last_message: true,
        })),
    }
}

fn notes<'a>(r: &'a CallReport, kind: &'a str) -> Vec<&'a serde_json::Value> {
    r.entries(Dir::Note, kind).map(|e| &e.fields).collect()
}

fn told(r: &CallReport) -> String {
    story::render(&story::story(r))
}

#[tokio::test(start_paused = true)]
async fn a_zero_length_press_is_ignored_as_the_spec_says_with_a_timeline_note() {
    let script = Script::new(ContentType::Mulaw8k).hangup_after(secs(2));
    let report = scripted_call(
        ms(100),
        vec![press("zero", "1", 0), press("real", "2", 100)],
        &script,
    )
    .await;
    let s = &report.summary;
    // "duration of 0 is invalid and will be ignored": no NotifyErrorMessage, nothing played.
    assert!(s.errors.is_empty(), "{s}");
    assert_eq!(s.dtmf.app_played, "2", "{s}");
    assert_eq!(report.count(Dir::ToApp, "notify_dtmf_play_started_data"), 1);
    let ignored = notes(&report, NOTE_IGNORED);
    assert_eq!(ignored.len(), 1, "{:?}", report.timeline);
    assert_eq!(ignored[0]["message"], "dtmf_data");
    assert_eq!(ignored[0]["id"], "zero");
    assert!(
        ignored[0]["why"]
            .as_str()
            .unwrap()
            .contains("invalid and ignored"),
        "{ignored:?}"
    );
    // The note sits right after the message it is about.
    let at = report
        .timeline
        .iter()
        .position(|e| e.dir == Dir::Note)
        .unwrap();
    assert_eq!(report.timeline[at - 1].kind, "dtmf_data");
    assert!(told(&report).contains("ignores dtmf_data \"zero\""));
}

fn end_stream_call(mode: EndStreamMode) -> Script {
    Script::new(ContentType::Mulaw8k)
        .hangup_after(secs(3))
        .platform(PlatformConfig {
            end_stream: mode,
            ..PlatformConfig::default()
        })
}

#[tokio::test(start_paused = true)]
async fn end_grpc_stream_is_refused_by_default_with_the_documented_error() {
    let script = Script::new(ContentType::Mulaw8k).hangup_after(secs(3));
    assert_eq!(script.platform.end_stream, EndStreamMode::Refuse);
    let report = scripted_call(ms(500), vec![end_stream("http://x/next")], &script).await;
    let s = &report.summary;
    assert_eq!(s.errors.get("end-stream-unimplemented"), Some(&1), "{s}");
    assert_eq!(s.outcome, CallOutcome::CallerHangup);
}

#[tokio::test(start_paused = true)]
async fn end_grpc_stream_can_be_ignored_silently() {
    let report = scripted_call(
        ms(500),
        vec![end_stream("http://x/next")],
        &end_stream_call(EndStreamMode::Ignore),
    )
    .await;
    let s = &report.summary;
    assert!(s.errors.is_empty(), "{s}");
    assert_eq!(s.outcome, CallOutcome::CallerHangup);
    assert_eq!(notes(&report, NOTE_IGNORED)[0]["message"], "end_stream");
    assert!((s.duration_ms - 3000.0).abs() < 1.0, "{s}");
}

#[tokio::test(start_paused = true)]
async fn end_grpc_stream_can_end_the_stream_and_leave_the_call_to_percl() {
    let report = scripted_call(
        ms(500),
        vec![end_stream("http://x/next")],
        &end_stream_call(EndStreamMode::EndsStream),
    )
    .await;
    let s = &report.summary;
    assert_eq!(s.outcome, CallOutcome::EndStream, "{s}");
    assert!(s.errors.is_empty(), "{s}");
    assert!(!s.is_failure(), "{s}");
    // The call goes on: no NotifyCallEnded, the stream ended at once.
    assert_eq!(report.count(Dir::ToApp, "notify_call_ended"), 0);
    assert_eq!(s.end_reason, None);
    assert!((s.duration_ms - 500.0).abs() < 1.0, "{s}");
    assert_eq!(notes(&report, NOTE_STREAM_ENDED).len(), 1);
    assert!(told(&report).contains("ends the stream, as the app asked"));
}

#[tokio::test(start_paused = true)]
async fn a_star_8_transfer_is_a_caller_hangup_to_the_stream_and_a_transfer_in_the_timeline() {
    let channel = in_process::serve(fcstream_apps::echo, CallConfig::default())
        .await
        .unwrap();
    let script = Script::new(ContentType::Mulaw8k)
        .say(
            Duration::ZERO,
            Source::Tone {
                hz: 440.0,
                duration: None,
            },
        )
        .transfer_at(ms(1500))
        .hangup_after(secs(5));
    let report = call(channel, &script).await;
    let s = &report.summary;
    assert_eq!(s.outcome, CallOutcome::CallerTransfer, "{s}");
    assert!(!s.is_failure());
    assert!((s.duration_ms - 1500.0).abs() < 1.0, "{s}");
    // On the wire: exactly the caller hang-up's NotifyCallEnded.
    let ended: Vec<_> = report.entries(Dir::ToApp, "notify_call_ended").collect();
    assert_eq!(ended.len(), 1);
    assert_eq!(ended[0].fields["reason_code"], "CALLER_DISCONNECT");
    assert_eq!(ended[0].fields["reason"], "the caller hung up");
    // In the timeline, a transfer, just before the end.
    let transfer = report
        .timeline
        .iter()
        .position(|e| e.dir == Dir::Note && e.kind == NOTE_TRANSFER)
        .expect("a transfer note");
    assert_eq!(report.timeline[transfer].fields["keys"], "*8");
    assert_eq!(report.timeline[transfer + 1].kind, "notify_call_ended");
    assert!(told(&report).contains("transfers the call away (*8)"));
}

#[test]
fn a_transfer_in_a_script_file_ends_the_call_for_keys_and_faults() {
    let s = Script::from_toml("[caller]\ntransfer_at = \"4s\"\nhangup = \"30s\"\n", None).unwrap();
    assert_eq!(s.transfer_at, Some(secs(4)));
    assert_eq!(s.planned_hangup().unwrap().0, secs(4));
    let e = Script::from_toml(
        "[caller]\ntransfer_at = \"4s\"\nhangup = \"30s\"\ndtmf = \"1@5s\"\n",
        None,
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("transfers away (*8) at 4s"), "{e}");
    let mut late = s.clone();
    late.faults.drop_at = Some(secs(10));
    assert!(
        late.warnings()[0].contains("transfers away"),
        "{:?}",
        late.warnings()
    );
    let p = Script::from_toml("[platform]\nend_stream = \"ignore\"\n", None).unwrap();
    assert_eq!(p.platform.end_stream, EndStreamMode::Ignore);
    assert!(Script::from_toml("[platform]\nend_stream = \"close\"\n", None).is_err());
}

#[tokio::test(start_paused = true)]
async fn a_dropped_stream_is_not_the_apps_failure() {
    let channel = in_process::serve(fcstream_apps::echo, CallConfig::default())
        .await
        .unwrap();
    let script = Script::new(ContentType::Mulaw8k)
        .hangup_after(secs(3))
        .faults(Faults {
            drop_at: Some(ms(700)),
            ..Faults::default()
        });
    let report = call(channel, &script).await;
    let s = &report.summary;
    assert_eq!(s.outcome, CallOutcome::StreamDropped, "{s}");
    assert_eq!(s.app_stream, "dropped");
    assert!(!s.is_failure(), "asked-for faults are not failures: {s}");
}

#[tokio::test(start_paused = true)]
async fn acks_held_back_past_the_end_are_not_counted_as_sent() {
    let tone = Audio::tone(500.0, ms(200), 8000).samples();
    // The clip plays from 100 ms to 300 ms; its acks are due at 1.1 s and 1.3 s, after the
    // caller hung up at 800 ms: never sent.
    let script = Script::new(ContentType::Mulaw8k)
        .hangup_after(ms(800))
        .faults(Faults {
            ack_delay: secs(1),
            ..Faults::default()
        });
    let report = scripted_call(ms(100), vec![play("late", &tone)], &script).await;
    let s = &report.summary;
    assert_eq!(report.count(Dir::ToApp, "notify_playback_started_data"), 0);
    assert_eq!(s.plays.started, 0, "{s}");
    assert_eq!(s.plays.completed, 0, "{s}");
    // It did play: the caller heard it.
    assert!((s.plays.app_audio_ms - 200.0).abs() < 1.0, "{s}");

    // With acks due before the end, they are sent and counted.
    let script = Script::new(ContentType::Mulaw8k)
        .hangup_after(ms(2000))
        .faults(Faults {
            ack_delay: ms(300),
            ..Faults::default()
        });
    let report = scripted_call(ms(100), vec![play("on-time", &tone)], &script).await;
    let s = &report.summary;
    assert_eq!((s.plays.started, s.plays.completed), (1, 1), "{s}");
    assert_eq!(
        report.count(Dir::ToApp, "notify_playback_completed_data"),
        1
    );
}

#[tokio::test(start_paused = true)]
async fn the_story_tells_speech_through_a_key_press_with_its_real_length() {
    // 2.3 s of speech-like sound with a key pressed in its middle.
    let script = Script::new(ContentType::Mulaw8k)
        .say(
            ms(200),
            Source::Babble {
                pitch_hz: 140.0,
                duration: ms(2300),
            },
        )
        .press('5', ms(1200), ms(120))
        .hangup_after(secs(4));
    let report = scripted_call(ms(100), vec![], &script).await;
    let lines: Vec<_> = story::story(&report)
        .into_iter()
        .filter(|l| l.who == "caller" && l.what.starts_with("speaks for"))
        .collect();
    assert_eq!(lines.len(), 1, "{}", told(&report));
    let secs_told: f64 = lines[0]
        .what
        .trim_start_matches("speaks for ")
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        (secs_told - 2.3).abs() < 0.1,
        "told {secs_told} s of 2.3 s: {}",
        told(&report)
    );
    assert!((lines[0].t_ms - 200.0).abs() < 30.0, "{:?}", lines[0]);
    assert!(
        lines[0].what.contains("through a key press"),
        "{:?}",
        lines[0]
    );
    assert!(told(&report).contains("caller    presses 5"));
}
