//! The timeline of a call: every message both ways, when it crossed the wire (ms from the
//! call's start), its direction, its kind (the `.proto` oneof member name) and its fields,
//! with audio summarised as a byte count and a checksum ([`audio_fnv`]). Written as
//! `timeline.jsonl`, one entry per line.
//!
//! Besides messages, the platform writes **notes** ([`Dir::Note`]): what it did that sent
//! nothing on the wire, such as a message ignored as the specification says
//! ([`NOTE_IGNORED`]) or the caller's `*8` transfer ([`NOTE_TRANSFER`]).

use std::time::SystemTime;

use fcstream::proto::app_message::Payload as AppPayload;
use fcstream::proto::AppMessage;
use fcstream::Event;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// Which way a message went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Dir {
    /// From the platform (the emulator) to the app.
    #[serde(rename = "platform->app")]
    ToApp,
    /// From the app to the platform.
    #[serde(rename = "app->platform")]
    FromApp,
    /// Not a message: a note of the platform's about the call (see the module docs).
    #[serde(rename = "note")]
    Note,
}

/// The kind of a note: the app message just before it was ignored without an error, as the
/// specification says (`fields.why`; `fields.message` and `fields.id` name the message).
pub const NOTE_IGNORED: &str = "ignored";
/// The kind of a note: the caller transferred the call away with `*8`; on the stream it is
/// an ordinary caller hang-up (`NotifyCallEnded(CALLER_DISCONNECT)`).
pub const NOTE_TRANSFER: &str = "transfer";
/// The kind of a note: the platform ended the gRPC stream because the app sent
/// `EndGrpcStreamMessage` (with `end_stream = "ends-stream"`); the call goes on in PerCL.
pub const NOTE_STREAM_ENDED: &str = "stream_ended";

/// One message of the call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimelineEntry {
    /// When it was sent (to the app) or received (from the app), in ms from the call's
    /// start (the moment `NotifyCallStartedMessage` was sent), to the microsecond.
    pub t_ms: f64,
    /// Which way.
    pub dir: Dir,
    /// The oneof member name (`notify_audio_data`, `audio_data`, ...); `unknown` for an app
    /// message with no payload this version knows.
    pub kind: String,
    /// The message's fields; audio as `audio_bytes`, platform timestamps as ms from the
    /// call's start (`at_ms`, `start_ms`, `end_ms`).
    pub fields: Value,
}

/// Milliseconds, rounded to the microsecond.
pub(crate) fn ms(d: std::time::Duration) -> f64 {
    (d.as_micros() as f64) / 1000.0
}

fn offset(t: Option<SystemTime>, t0: SystemTime) -> Value {
    match t.and_then(|t| t.duration_since(t0).ok()) {
        Some(d) => json!(ms(d)),
        None => Value::Null,
    }
}

/// The checksum of an audio payload in the timeline (`audio_fnv`): FNV-1a 64, as 16 hex
/// digits. Enough to tell whether two payloads are the same bytes (an echo, a replay) without
/// keeping the audio; not a cryptographic hash.
pub fn audio_fnv(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// The fields of a platform message.
pub fn event_fields(event: &Event, t0: SystemTime) -> Value {
    match event {
        Event::CallStarted(i) => json!({
            "call_id": i.call_id,
            "to": i.to,
            "from": i.from,
            "is_inbound": i.direction == fcstream::Direction::Inbound,
            "metadata": i.metadata,
            "content_type": i.content_type.as_str(),
        }),
        Event::Audio(f) => json!({
            "sequence_num": f.sequence,
            "audio_bytes": f.data.len(),
            "audio_fnv": audio_fnv(&f.data),
            "start_ms": offset(f.start, t0),
            "end_ms": offset(f.end, t0),
        }),
        Event::DtmfStarted { digit, at } | Event::DtmfEnded { digit, at } => json!({
            "digit": digit.to_string(),
            "at_ms": offset(*at, t0),
        }),
        Event::PlaybackStarted(a)
        | Event::PlaybackCompleted(a)
        | Event::BufferCleared(a)
        | Event::DtmfPlayStarted(a)
        | Event::DtmfPlayCompleted(a) => json!({ "id": a.id, "at_ms": offset(a.at, t0) }),
        Event::CallEnded(e) => json!({
            "call_id": e.call_id,
            "reason_code": e.reason.as_str(),
            "reason": e.description,
        }),
        Event::Error { message, id } => json!({ "error_id": id, "error_message": message }),
        Event::BufferDepth(d) => json!({
            "buffer_type": match d.kind { fcstream::BufferKind::Dtmf => "DTMF", fcstream::BufferKind::Audio => "Audio" },
            "depth": d.depth,
            "buffer_size": d.size,
        }),
        _ => Value::Null,
    }
}

/// The kind and fields of an app message, straight from the wire (so that malformed ones are
/// shown as they were).
pub fn app_fields(msg: &AppMessage) -> (&'static str, Value) {
    match &msg.payload {
        None => ("unknown", json!({})),
        Some(AppPayload::AudioData(m)) => (
            "audio_data",
            json!({
                "id": m.id,
                "audio_bytes": m.audio_data.len(),
                "audio_fnv": audio_fnv(&m.audio_data),
                "content_type": m.content_type,
                "sequence_num": m.sequence_num,
                "last_message": m.last_message,
            }),
        ),
        Some(AppPayload::ClearAudioBuffer(m)) => ("clear_audio_buffer", json!({ "id": m.id })),
        Some(AppPayload::DtmfData(m)) => (
            "dtmf_data",
            json!({
                "id": m.id,
                "dtmf_digits": m.dtmf_digits,
                "press_duration_ms": m.press_duration_ms,
                "break_duration_ms": m.break_duration_ms,
                "sequence_num": m.sequence_num,
            }),
        ),
        Some(AppPayload::TerminateCall(_)) => ("terminate_call", json!({})),
        Some(AppPayload::EndStream(m)) => ("end_stream", json!({ "action_url": m.action_url })),
        Some(AppPayload::QueryBuffer(m)) => (
            "query_buffer",
            json!({ "buffer_type": match m.buffer_type { 0 => json!("DTMF"), 1 => json!("Audio"), n => json!(n) } }),
        ),
    }
}

/// Writes entries as JSON lines.
pub fn write_jsonl(entries: &[TimelineEntry], mut w: impl std::io::Write) -> std::io::Result<()> {
    for e in entries {
        serde_json::to_writer(&mut w, e)?;
        w.write_all(b"\n")?;
    }
    w.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_serialise_with_arrow_directions() {
        let e = TimelineEntry {
            t_ms: 20.0,
            dir: Dir::ToApp,
            kind: "notify_audio_data".into(),
            fields: json!({"audio_bytes": 160}),
        };
        let mut out = Vec::new();
        write_jsonl(std::slice::from_ref(&e), &mut out).unwrap();
        let line = String::from_utf8(out).unwrap();
        assert!(line.contains("\"dir\":\"platform->app\""), "{line}");
        let back: TimelineEntry = serde_json::from_str(line.trim()).unwrap();
        assert_eq!(back, e);
        assert_eq!(app_fields(&AppMessage { payload: None }).0, "unknown");
    }
}
