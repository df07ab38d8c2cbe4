//! The differential test of the one platform model: the same scripted exchange goes through
//! the per-sample clock (`Model`, what `fcstream call` runs: sample clock, decoded entries,
//! rendered keys) and the timing-only clock (the load generator's answer path: µs clock,
//! zero-copy ids, hand-encoded wire), and the notes — acks, refusals, depth answers, their
//! order and their times — must be the same.
//!
//! The load side is driven from the wire: each command is encoded as the app would send it,
//! decoded by the load generator's own decoder, answered, and the bytes it wrote are decoded
//! back into platform messages. So a rule, a text or an order changed in either front door
//! (or in their glue to the shared buffers) fails here.

use bytes::{Bytes, BytesMut};
use fcstream::audio::{l16, ContentType};
use fcstream::proto::PlatformMessage;
use fcstream::{BufferKind, Command, Event};
use fcstream_emulator::buffers::{AckShape, BufferConfig, Note};
use fcstream_emulator::model::{Model, ModelConfig, Timed};
use fcstream_load::answer;
use fcstream_load::wire::{self, Deframer};
use prost::Message;

/// What both sides said, in a common form: (µs since the call started, what).
type Said = Vec<(u64, String)>;

const WALL0_NS: u64 = 1_700_000_000_000_000_000;

fn play(id: &str, ct: &str, bytes: usize, last: bool) -> Command {
    Command::PlayAudio {
        id: id.into(),
        audio: Bytes::from(vec![0x55; bytes]),
        content_type: ct.into(),
        sequence: 0,
        last,
    }
}

fn press(id: &str, digits: &str, press_ms: u32, break_ms: u32) -> Command {
    Command::PressDtmf {
        id: id.into(),
        digits: digits.into(),
        press_ms,
        break_ms,
        sequence: 0,
    }
}

/// The exchange: (ms since the call started, what the app sends). Every kind of message, every
/// refusal, a full buffer, a clear mid-entry, DTMF between entries, queries while playing.
fn script(ct: ContentType) -> Vec<(u64, Command)> {
    let own = ct.as_str();
    let other = match ct {
        ContentType::Mulaw8k => "audio/l16;rate=8000",
        _ => "audio/mulaw;rate=8000",
    };
    let frame = ct.frame_bytes();
    vec![
        (0, play("a", own, frame * 10, false)),
        (0, play("a", own, frame * 10, true)),
        (5, play("b", other, 1600, true)),
        (10, press("d1", "12#", 100, 50)),
        (15, Command::QueryBuffer(BufferKind::Audio)),
        (15, Command::QueryBuffer(BufferKind::Dtmf)),
        (20, play("c", own, frame, true)),
        (20, play("full", own, frame, true)),
        (20, play("bad-ct", "audio/opus", 160, true)),
        (20, play("bad-rate", "audio/l16;rate=16000", 320, true)),
        (20, play("empty", own, 0, true)),
        (20, play("odd", "audio/l16;rate=8000", 3, true)),
        (25, press("bad-digit", "12x", 100, 0)),
        (25, press("zero", "1", 0, 0)),
        (25, press("d2", "9", 20_000, 0)),
        (25, press("d-full", "5", 100, 0)),
        (
            30,
            Command::EndStream {
                action_url: "https://example.invalid/next".into(),
            },
        ),
        (300, Command::ClearAudioBuffer { id: "clr".into() }),
        (310, Command::QueryBuffer(BufferKind::Audio)),
        (320, play("after", own, frame * 3, true)),
        (9_000, play("late", own, frame, true)),
        (9_500, Command::TerminateCall),
    ]
}

fn describe(note: &Note<String>) -> String {
    match note {
        Note::PlaybackStarted(id) => format!("started {id}"),
        Note::PlaybackCompleted(id) => format!("completed {id}"),
        Note::BufferCleared(id) => format!("cleared {id}"),
        Note::DtmfPlayStarted(id) => format!("dtmf-started {id}"),
        Note::DtmfPlayCompleted(id) => format!("dtmf-completed {id}"),
        Note::BufferDepth { kind, depth, size } => format!("depth {kind:?} {depth}/{size}"),
        Note::Error(r) => format!("error {}: {}", r.id, r.message),
    }
}

fn per_sample(ct: ContentType, acks: AckShape, audio: usize, dtmf: usize) -> Said {
    let mut model = Model::new(ModelConfig {
        content_type: ct,
        audio_buffer: audio,
        dtmf_buffer: dtmf,
        acks,
    });
    let rate = u64::from(ct.sample_rate());
    let mut out: Vec<Timed> = Vec::new();
    for (ms, cmd) in script(ct) {
        let s = ms * u64::from(ct.sample_rate()) / 1000;
        if matches!(cmd, Command::TerminateCall) {
            model.end(s, &mut out);
            break;
        }
        model.apply(cmd, s, &mut out);
    }
    out.into_iter()
        .map(|t| (t.at * 1_000_000 / rate, describe(&t.note)))
        .collect()
}

fn timing_only(ct: ContentType, acks: AckShape, audio: usize, dtmf: usize) -> Said {
    let mut buffers = answer::buffers(BufferConfig {
        content_type: ct,
        audio,
        dtmf,
        acks,
        ticks_per_second: 1,
    });
    let mut wire_out = BytesMut::new();
    for (ms, cmd) in script(ct) {
        let now = ms * 1000;
        if matches!(cmd, Command::TerminateCall) {
            answer::advance(&mut buffers, now, WALL0_NS, &mut wire_out);
            break;
        }
        let msg = wire::decode_app(Bytes::from(cmd.to_proto().encode_to_vec()))
            .expect("the load generator decodes what the app sends");
        answer::answer(&mut buffers, &msg, now, WALL0_NS, &mut wire_out);
    }
    let mut messages = Vec::new();
    Deframer::default()
        .feed(wire_out.freeze(), |m| messages.push(m))
        .expect("well-framed");
    messages
        .into_iter()
        .map(|m| {
            let event = Event::from_proto(PlatformMessage::decode(m).expect("valid protobuf"))
                .expect("a known event")
                .expect("not empty");
            let stamp = |a: &fcstream::Ack| {
                let t = a.at.expect("stamped");
                (t.duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64 - WALL0_NS)
                    / 1000
            };
            match event {
                Event::PlaybackStarted(a) => (stamp(&a), Note::PlaybackStarted(a.id)),
                Event::PlaybackCompleted(a) => (stamp(&a), Note::PlaybackCompleted(a.id)),
                Event::BufferCleared(a) => (stamp(&a), Note::BufferCleared(a.id)),
                Event::DtmfPlayStarted(a) => (stamp(&a), Note::DtmfPlayStarted(a.id)),
                Event::DtmfPlayCompleted(a) => (stamp(&a), Note::DtmfPlayCompleted(a.id)),
                // Unstamped on the wire: they happen when the message is answered.
                Event::BufferDepth(d) => (
                    u64::MAX,
                    Note::BufferDepth {
                        kind: d.kind,
                        depth: d.depth,
                        size: d.size,
                    },
                ),
                Event::Error { id, message } => (
                    u64::MAX,
                    Note::Error(fcstream_emulator::rules::Refusal {
                        id: fcstream_emulator::error_ids::ALL
                            .into_iter()
                            .find(|k| *k == id)
                            .unwrap_or("not-an-emulator-id"),
                        message,
                    }),
                ),
                other => panic!("the platform model never says {other:?}"),
            }
        })
        .map(|(at, note)| (at, describe(&note)))
        .collect()
}

/// Unstamped notes (depth answers, refusals) carry no time on the wire: compare their order
/// only, by giving each the time of the stamped note before it.
fn align(mut said: Said, reference: &Said) -> Said {
    let mut last = 0;
    for (i, (at, _)) in said.iter_mut().enumerate() {
        if *at == u64::MAX {
            *at = reference.get(i).map_or(last, |r| r.0);
        }
        last = *at;
    }
    said
}

fn compare(ct: ContentType, acks: AckShape, audio: usize, dtmf: usize) {
    let sample = per_sample(ct, acks, audio, dtmf);
    let timing = align(timing_only(ct, acks, audio, dtmf), &sample);
    assert!(sample.len() > 10, "the exchange says enough: {sample:#?}");
    for (i, (s, t)) in sample.iter().zip(&timing).enumerate() {
        assert_eq!(s, t, "note {i} differs ({ct}, {acks:?}, buffers {audio}/{dtmf})\nper-sample: {sample:#?}\ntiming-only: {timing:#?}");
    }
    assert_eq!(
        sample.len(),
        timing.len(),
        "per-sample: {sample:#?}\ntiming-only: {timing:#?}"
    );
}

#[test]
fn both_clocks_say_the_same_for_every_content_type_and_ack_shape() {
    for ct in [
        ContentType::Mulaw8k,
        ContentType::L16At8k,
        ContentType::L16At16k,
    ] {
        for acks in [
            AckShape::PerEntry,
            AckShape::PerId,
            AckShape::EveryNth(3),
            AckShape::None,
        ] {
            compare(ct, acks, 4, 2);
            compare(ct, acks, 100, 100);
        }
    }
}

#[test]
fn the_per_sample_side_renders_what_the_timing_side_times() {
    // The rendering is the per-sample side's own: an admitted entry is heard for exactly the
    // ticks the shared buffers gave it.
    let ct = ContentType::L16At8k;
    let mut model = Model::new(ModelConfig {
        content_type: ct,
        audio_buffer: 10,
        dtmf_buffer: 10,
        acks: AckShape::PerEntry,
    });
    let mut out = Vec::new();
    let samples: Vec<i16> = (1..=800).collect();
    model.apply(
        Command::PlayAudio {
            id: "x".into(),
            audio: Bytes::from(l16::encode(&samples)),
            content_type: ct.as_str().into(),
            sequence: 0,
            last: true,
        },
        80,
        &mut out,
    );
    model.advance_to(2000, &mut out);
    assert_eq!(&model.heard()[80..880], &samples[..]);
    assert!(model.heard()[880..].iter().all(|&s| s == 0));
}
