//! Golden wire vectors (tests/fixtures/vectors, copied unchanged from the shared contract):
//! every platform message decodes to exactly what `vectors.json` describes and survives the
//! trip through [`fcstream::Event`]; every app message is produced byte for byte from typed
//! [`fcstream::Command`]s; unknown fields and payloads are tolerated.

use std::path::PathBuf;

use base64::Engine;
use fcstream::proto::{AppMessage, PlatformMessage};
use fcstream::{BufferKind, Command, Event};
use prost::Message;
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/vectors")
}

fn vectors() -> Vec<Value> {
    let text = std::fs::read_to_string(dir().join("vectors.json")).expect("vectors.json");
    serde_json::from_str::<Vec<Value>>(&text).expect("vectors.json is a JSON array")
}

fn read(file: &str) -> Vec<u8> {
    std::fs::read(dir().join(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// Seconds and nanoseconds of an RFC 3339 UTC timestamp such as `2025-11-24T16:00:05.000000001Z`.
fn rfc3339(s: &str) -> (i64, i32) {
    let (date, time) = s.split_once('T').expect("T");
    let time = time.strip_suffix('Z').expect("UTC");
    let d: Vec<i64> = date.split('-').map(|p| p.parse().unwrap()).collect();
    let (hms, frac) = time.split_once('.').unwrap_or((time, ""));
    let t: Vec<i64> = hms.split(':').map(|p| p.parse().unwrap()).collect();
    // Days from civil (Howard Hinnant's algorithm).
    let (y, m, day) = (if d[1] <= 2 { d[0] - 1 } else { d[0] }, d[1], d[2]);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146097 + doe - 719468;
    let nanos = if frac.is_empty() {
        0
    } else {
        format!("{frac:0<9}").parse::<i32>().unwrap()
    };
    (days * 86400 + t[0] * 3600 + t[1] * 60 + t[2], nanos)
}

fn ts(t: &Option<prost_types::Timestamp>) -> Value {
    match t {
        Some(t) => json!([t.seconds, t.nanos]),
        None => Value::Null,
    }
}

fn b64(b: &[u8]) -> Value {
    Value::String(base64::engine::general_purpose::STANDARD.encode(b))
}

/// The decoded message as proto3 JSON with every field present (timestamps as [s, ns]).
fn platform_json(msg: &PlatformMessage) -> (String, Value) {
    use fcstream::proto::platform_message::Payload as P;
    let enum_name = |v: i32, names: &[&str]| names.get(v as usize).map_or(json!(v), |n| json!(n));
    let (name, v) = match msg.payload.as_ref().expect("payload") {
        P::NotifyCallStarted(m) => (
            "notify_call_started",
            json!({"call_id": m.call_id, "to": m.to, "from": m.from, "is_inbound": m.is_inbound, "metadata": m.metadata, "content_type": m.content_type}),
        ),
        P::NotifyAudioData(m) => (
            "notify_audio_data",
            json!({"audio_data": b64(&m.audio_data), "start_tstamp": ts(&m.start_tstamp), "end_tstamp": ts(&m.end_tstamp), "sequence_num": m.sequence_num}),
        ),
        P::NotifyDtmfReceivedStartData(m) => (
            "notify_dtmf_received_start_data",
            json!({"digit": m.digit, "start_tstamp": ts(&m.start_tstamp)}),
        ),
        P::NotifyDtmfReceivedEndData(m) => (
            "notify_dtmf_received_end_data",
            json!({"digit": m.digit, "end_tstamp": ts(&m.end_tstamp)}),
        ),
        P::NotifyPlaybackStartedData(m) => (
            "notify_playback_started_data",
            json!({"id": m.id, "timestamp": ts(&m.timestamp)}),
        ),
        P::NotifyPlaybackCompletedData(m) => (
            "notify_playback_completed_data",
            json!({"id": m.id, "timestamp": ts(&m.timestamp)}),
        ),
        P::NotifyAudioClearedData(m) => (
            "notify_audio_cleared_data",
            json!({"id": m.id, "timestamp": ts(&m.timestamp)}),
        ),
        P::NotifyDtmfPlayStartedData(m) => (
            "notify_dtmf_play_started_data",
            json!({"id": m.id, "timestamp": ts(&m.timestamp)}),
        ),
        P::NotifyDtmfPlayCompletedData(m) => (
            "notify_dtmf_play_completed_data",
            json!({"id": m.id, "timestamp": ts(&m.timestamp)}),
        ),
        P::NotifyCallEnded(m) => (
            "notify_call_ended",
            json!({"call_id": m.call_id, "reason_code": enum_name(m.reason_code, &["CALLER_DISCONNECT", "APPLICATION_DISCONNECT", "PLATFORM_DISCONNECT", "PLATFORM_ERROR"]), "reason": m.reason}),
        ),
        P::NotifyError(m) => (
            "notify_error",
            json!({"error_message": m.error_message, "error_id": m.error_id}),
        ),
        P::NotifyBuffer(m) => (
            "notify_buffer",
            json!({"buffer_type": enum_name(m.buffer_type, &["DTMF", "Audio"]), "depth": m.depth, "buffer_size": m.buffer_size}),
        ),
    };
    (name.to_string(), v)
}

/// proto3 JSON leaves out fields at their default; these are the defaults of our rendering.
fn is_default(v: &Value) -> bool {
    matches!(v, Value::Null | Value::Bool(false))
        || v == &json!(0)
        || v == &json!("")
        || v == &json!([])
        || v == &json!("CALLER_DISCONNECT")
        || v == &json!("DTMF")
}

/// The vector's JSON with timestamps rendered as [s, ns] like ours.
fn normalise(fields: &Map<String, Value>) -> Map<String, Value> {
    fields
        .iter()
        .map(|(k, v)| {
            let v = match (k.as_str(), v) {
                ("start_tstamp" | "end_tstamp" | "timestamp", Value::String(s)) => {
                    let (s, n) = rfc3339(s);
                    json!([s, n])
                }
                _ => v.clone(),
            };
            (k.clone(), v)
        })
        .collect()
}

fn assert_fields_match(file: &str, ours: &Value, theirs: &Map<String, Value>) {
    let ours = ours.as_object().expect("object");
    let theirs = normalise(theirs);
    for key in theirs.keys() {
        assert!(
            ours.contains_key(key),
            "{file}: vector has field {key} we do not decode"
        );
    }
    for (key, value) in ours {
        match theirs.get(key) {
            Some(expected) => assert_eq!(value, expected, "{file}: field {key}"),
            None => assert!(
                is_default(value),
                "{file}: field {key} = {value} but the vector leaves it at its default"
            ),
        }
    }
}

#[test]
fn fixtures_are_the_shared_vectors_unchanged() {
    let all = vectors();
    assert_eq!(all.len(), 29, "29 golden vectors");
    for v in &all {
        let file = v["file"].as_str().unwrap();
        let bytes = read(file);
        assert_eq!(
            bytes.len() as u64,
            v["bytes"].as_u64().unwrap(),
            "{file} size"
        );
        assert_eq!(
            hex::encode(Sha256::digest(&bytes)),
            v["sha256"].as_str().unwrap(),
            "{file} sha256"
        );
    }
}

#[test]
fn platform_vectors_decode_to_their_json_and_round_trip_through_event() {
    let mut checked = 0;
    for v in vectors() {
        let file = v["file"].as_str().unwrap();
        if !file.starts_with("platform/") || file.contains("future_unknown_payload") {
            continue;
        }
        let bytes = read(file);
        let msg =
            PlatformMessage::decode(bytes.as_slice()).unwrap_or_else(|e| panic!("{file}: {e}"));
        let (oneof, ours) = platform_json(&msg);
        assert_eq!(oneof, v["oneof"].as_str().unwrap(), "{file}: oneof");
        let theirs = v["json"][&oneof]
            .as_object()
            .unwrap_or_else(|| panic!("{file}: json"));
        assert_fields_match(file, &ours, theirs);

        // Through the plain types and back: the same bytes (except the vector that carries an
        // unknown field, which a decoder drops by design).
        let event = Event::from_proto(msg.clone())
            .unwrap_or_else(|e| panic!("{file}: {e}"))
            .expect("known payload");
        assert_eq!(event.kind(), oneof, "{file}: Event::kind");
        let back = event.to_proto();
        assert_eq!(back, msg, "{file}: Event round trip");
        if !file.contains("future_unknown_field") {
            assert_eq!(back.encode_to_vec(), bytes, "{file}: re-encoded bytes");
        }
        checked += 1;
    }
    assert_eq!(checked, 20);
}

/// Each way a call can end has its vector, and each decodes to its own reason (the platform
/// disconnect one came with the 29th vector).
#[test]
fn every_call_end_reason_has_a_vector() {
    use fcstream::proto::platform_message::Payload;
    for (file, reason) in [
        ("platform/call_ended_caller.bin", "CALLER_DISCONNECT"),
        (
            "platform/call_ended_application.bin",
            "APPLICATION_DISCONNECT",
        ),
        (
            "platform/call_ended_platform_disconnect.bin",
            "PLATFORM_DISCONNECT",
        ),
        ("platform/call_ended_platform_error.bin", "PLATFORM_ERROR"),
    ] {
        let msg = PlatformMessage::decode(read(file).as_slice()).unwrap();
        let Some(Payload::NotifyCallEnded(ended)) = &msg.payload else {
            panic!("{file}: not a call-ended message");
        };
        assert_eq!(ended.reason_code().as_str_name(), reason, "{file}");
        let event = Event::from_proto(msg.clone()).unwrap().unwrap();
        assert_eq!(event.to_proto().encode_to_vec(), read(file), "{file}");
    }
}

#[test]
fn unknown_field_is_skipped_with_known_fields_intact() {
    let with_unknown =
        PlatformMessage::decode(read("platform/future_unknown_field.bin").as_slice()).unwrap();
    let plain = PlatformMessage::decode(read("platform/call_started.bin").as_slice()).unwrap();
    assert_eq!(with_unknown, plain);
}

#[test]
fn unknown_payload_decodes_to_no_event() {
    let bytes = read("platform/future_unknown_payload.bin");
    let msg = PlatformMessage::decode(bytes.as_slice())
        .expect("an unknown oneof member is not a decode error");
    assert!(msg.payload.is_none());
    assert_eq!(Event::from_proto(msg).unwrap(), None);
}

/// The typed command each app vector's JSON describes, built by hand from the JSON.
fn command_for(oneof: &str, j: &Value) -> Command {
    let s = |k: &str| j[k].as_str().unwrap_or_default().to_string();
    let u = |k: &str| j[k].as_u64().unwrap_or_default() as u32;
    match oneof {
        "audio_data" => Command::PlayAudio {
            id: s("id"),
            audio: base64::engine::general_purpose::STANDARD
                .decode(s("audio_data"))
                .unwrap()
                .into(),
            content_type: s("content_type"),
            sequence: u("sequence_num"),
            last: j["last_message"].as_bool().unwrap_or_default(),
        },
        "clear_audio_buffer" => Command::ClearAudioBuffer { id: s("id") },
        "dtmf_data" => Command::PressDtmf {
            id: s("id"),
            digits: s("dtmf_digits"),
            press_ms: u("press_duration_ms"),
            break_ms: u("break_duration_ms"),
            sequence: u("sequence_num"),
        },
        "terminate_call" => Command::TerminateCall,
        "end_stream" => Command::EndStream {
            action_url: s("action_url"),
        },
        "query_buffer" => Command::QueryBuffer(match j["buffer_type"].as_str() {
            Some("Audio") => BufferKind::Audio,
            _ => BufferKind::Dtmf,
        }),
        other => panic!("unknown app oneof {other}"),
    }
}

#[test]
fn app_vectors_are_encoded_exactly_from_typed_commands() {
    let mut checked = 0;
    for v in vectors() {
        let file = v["file"].as_str().unwrap();
        if !file.starts_with("app/") {
            continue;
        }
        let oneof = v["oneof"].as_str().unwrap();
        let cmd = command_for(oneof, &v["json"][oneof]);
        assert_eq!(cmd.kind(), oneof, "{file}");
        let bytes = read(file);
        assert_eq!(
            cmd.to_proto().encode_to_vec(),
            bytes,
            "{file}: encoded bytes"
        );
        // And the platform's side decodes them back to the same command.
        let decoded = Command::from_proto(AppMessage::decode(bytes.as_slice()).unwrap()).unwrap();
        assert_eq!(decoded, cmd, "{file}: decoded");
        checked += 1;
    }
    assert_eq!(checked, 8);
}

#[test]
fn every_vector_is_covered() {
    // 19 platform messages + 2 future-proofing vectors + 8 app messages = 29 files, each
    // checked by one of the tests above.
    let all = vectors();
    let platform = all
        .iter()
        .filter(|v| v["file"].as_str().unwrap().starts_with("platform/"))
        .count();
    let app = all
        .iter()
        .filter(|v| v["file"].as_str().unwrap().starts_with("app/"))
        .count();
    assert_eq!((platform, app), (21, 8));
}
