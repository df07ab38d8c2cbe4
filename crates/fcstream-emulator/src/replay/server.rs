//! A server's own recording (`fcstream serve --record-dir`, `fcstream::record`) read as a
//! [`Recording`], so `fcstream replay` can play a call that happened on a real server, with
//! a real platform, against a new build of the app: the operator has the call, the developer
//! gets a regression test of it.
//!
//! What the two files give: the caller's audio (the WAV's left channel, placed by frame
//! number on the platform's timeline), the caller's keys (`notify_dtmf_received_*` lines),
//! the call's setup (call id, numbers, direction, content type), how and when it ended
//! (`notify_call_ended`), the first frame's number, the audio buffer's size when the app
//! asked for it, and every message the app sent (`dir: "out"`), with its time on the
//! server's clock. The platform's acknowledgement shape is inferred from the
//! acknowledgements the server received: none at all, one completion per id (each on the
//! id's last entry), or one per entry.
//!
//! What they do not give, so a replay cannot reproduce it: the call's metadata (the
//! recording keeps its count, not its text), the payload of the app's audio (the timeline
//! keeps a byte count: audio is compared by id, sequence number, `last` and size, not
//! checksum), and whether the platform's depth answers counted the entry playing (the
//! model's default is used). Such a recording is marked [`MessageForm::Server`], and
//! [`super::replay`] compares the replayed messages in that form.
//!
//! Everything in the files is untrusted: both are size-bounded, a line that is not JSON is
//! an error naming its number, and the WAV must be the recorder's format (16-bit stereo at 8
//! or 16 kHz).

use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use super::{
    encode_pcm, read_bounded, AppMessage, MessageForm, RecordedCall, RecordedKey, RecordedPlatform,
    Recording, RecordingError, VERSION,
};
use crate::buffers::AckShape;
use crate::CallOutcome;

/// How long a key is taken to be held when its end is not in the timeline.
const DEFAULT_KEY_MS: f64 = 100.0;

/// The WAV beside a timeline: the same stem, `.wav`.
pub fn wav_beside(timeline: &Path) -> PathBuf {
    timeline.with_extension("wav")
}

/// Reads a server recording: `timeline` (the `.jsonl`) and the `.wav` beside it.
pub fn read(timeline: &Path) -> Result<Recording, RecordingError> {
    let text = read_bounded(timeline)?;
    let wav = wav_beside(timeline);
    let audio = read_bounded(&wav)?;
    from_parts(&text, &audio)
}

/// A server recording from the bytes of its timeline and its WAV.
pub fn from_parts(timeline: &[u8], wav: &[u8]) -> Result<Recording, RecordingError> {
    let bad = RecordingError::Invalid;
    let text =
        std::str::from_utf8(timeline).map_err(|_| bad("the timeline is not UTF-8".into()))?;
    let mut lines = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let v: Value =
            serde_json::from_str(line).map_err(|e| bad(format!("timeline line {}: {e}", n + 1)))?;
        lines.push(v);
    }
    let kind = |v: &Value| v["kind"].as_str().unwrap_or("").to_string();
    let t = |v: &Value| v["t_ms"].as_f64().unwrap_or(0.0).max(0.0);
    let text_of = |v: &Value, k: &str| v[k].as_str().unwrap_or("").to_string();
    if lines.first().map(kind).as_deref() != Some("recording") {
        return Err(bad(
            "the timeline does not start with the recorder's `recording` line".into(),
        ));
    }
    let started = lines
        .iter()
        .find(|v| kind(v) == "notify_call_started")
        .ok_or_else(|| bad("the timeline has no notify_call_started".into()))?;
    let content_type = text_of(started, "content_type");
    let ct: fcstream::ContentType = content_type
        .parse()
        .map_err(|e| bad(format!("content type: {e}")))?;
    let call = RecordedCall {
        call_id: text_of(started, "call_id"),
        to: text_of(started, "to"),
        from: text_of(started, "from"),
        inbound: text_of(started, "direction") != "outbound",
        metadata: Vec::new(),
        content_type,
    };

    // The caller's keys: a start, and its end when there is one.
    let mut keys: Vec<RecordedKey> = Vec::new();
    let mut held: Option<usize> = None;
    // The call's end and what ended it.
    let mut ended: Option<(f64, String)> = None;
    let mut terminated = false;
    let mut first_sequence: Option<u32> = None;
    let mut audio_buffer: Option<usize> = None;
    let mut app = Vec::new();
    let (mut entries, mut starts, mut completions) = (0usize, 0usize, 0usize);
    let mut last_ids = std::collections::HashSet::new();
    let mut completed_ids = Vec::new();
    let mut last_t = 0.0f64;
    for v in &lines {
        let at = t(v);
        last_t = last_t.max(at);
        match (v["dir"].as_str().unwrap_or(""), kind(v).as_str()) {
            ("in", "notify_audio_data") if first_sequence.is_none() => {
                first_sequence = v["seq"].as_u64().and_then(|s| u32::try_from(s).ok());
            }
            ("in", "notify_dtmf_received_start_data") => {
                let digit = text_of(v, "digit").chars().next();
                if let Some(digit) =
                    digit.filter(|d| fcstream::audio::dtmf::frequencies(*d).is_some())
                {
                    if let Some(i) = held.take() {
                        keys[i].duration_ms = (at - keys[i].at_ms).max(1.0);
                    }
                    keys.push(RecordedKey {
                        digit,
                        at_ms: at,
                        duration_ms: DEFAULT_KEY_MS,
                    });
                    held = Some(keys.len() - 1);
                }
            }
            ("in", "notify_dtmf_received_end_data") => {
                if let Some(i) = held.take() {
                    keys[i].duration_ms = (at - keys[i].at_ms).max(1.0);
                }
            }
            ("in", "notify_playback_started_data") => starts += 1,
            ("in", "notify_playback_completed_data") => {
                completions += 1;
                completed_ids.push(text_of(v, "id"));
            }
            ("in", "notify_buffer") if text_of(v, "buffer") == "audio" => {
                if let Some(size) = v["size"].as_u64().filter(|s| *s > 0) {
                    audio_buffer = usize::try_from(size).ok();
                }
            }
            ("in", "notify_call_ended") if ended.is_none() => {
                ended = Some((at, text_of(v, "reason")));
            }
            ("out", k) => {
                if k == "audio_data" {
                    entries += 1;
                    if v["last"].as_bool() == Some(true) {
                        last_ids.insert(text_of(v, "id"));
                    }
                }
                if k == "terminate_call" {
                    terminated = true;
                }
                let mut fields = v.clone();
                if let Some(o) = fields.as_object_mut() {
                    o.remove("t_ms");
                    o.remove("dir");
                    o.remove("kind");
                }
                app.push(AppMessage {
                    t_ms: at,
                    kind: k.to_string(),
                    fields,
                });
            }
            _ => {}
        }
    }
    let (duration_ms, outcome) = match &ended {
        Some((at, reason)) => (
            *at,
            match reason.as_str() {
                "CALLER_DISCONNECT" => CallOutcome::CallerHangup,
                "APPLICATION_DISCONNECT" => CallOutcome::AppHangup,
                "PLATFORM_ERROR" => CallOutcome::PlatformError,
                "PLATFORM_DISCONNECT" => CallOutcome::PlatformDisconnect,
                _ if terminated => CallOutcome::AppHangup,
                _ => CallOutcome::StreamDropped,
            },
        ),
        // No end from the platform: the app hung up (the stream closed after its
        // terminate), or the stream broke.
        None if terminated => (last_t, CallOutcome::AppHangup),
        None => (last_t, CallOutcome::StreamDropped),
    };
    if let Some(i) = held {
        keys[i].duration_ms = (duration_ms - keys[i].at_ms).clamp(1.0, DEFAULT_KEY_MS);
    }
    let acks = if entries > 0 && starts == 0 && completions == 0 {
        AckShape::None
    } else if completions > 0
        && completions < entries
        && completed_ids.iter().all(|id| last_ids.contains(id))
    {
        AckShape::PerId
    } else {
        AckShape::PerEntry
    };
    let defaults = crate::PlatformConfig::default();
    let (rate, caller) = caller_track(wav, ct)?;
    let recording = Recording {
        version: VERSION,
        call,
        caller_pcm: encode_pcm(&caller),
        rate,
        keys,
        duration_ms,
        outcome,
        platform: RecordedPlatform {
            acks,
            audio_buffer: audio_buffer.unwrap_or(defaults.audio_buffer),
            dtmf_buffer: defaults.dtmf_buffer,
            depth_counts_playing: defaults.depth_counts_playing,
            first_sequence: first_sequence.unwrap_or(defaults.first_sequence),
        },
        app,
        form: MessageForm::Server,
    };
    recording.script()?;
    Ok(recording)
}

/// The WAV's left channel (the caller), checked to be the recorder's format at the call's
/// rate.
fn caller_track(wav: &[u8], ct: fcstream::ContentType) -> Result<(u32, Vec<i16>), RecordingError> {
    let bad = RecordingError::Invalid;
    let reader = hound::WavReader::new(std::io::Cursor::new(wav))
        .map_err(|e| bad(format!("the WAV: {e}")))?;
    let spec = reader.spec();
    if spec.channels != 2
        || spec.bits_per_sample != 16
        || spec.sample_format != hound::SampleFormat::Int
    {
        return Err(bad(format!(
            "the WAV is {} channels of {} bits; a server recording is 16-bit stereo",
            spec.channels, spec.bits_per_sample
        )));
    }
    if spec.sample_rate != ct.sample_rate() {
        return Err(bad(format!(
            "the WAV is at {} Hz; the call ({ct}) is at {} Hz",
            spec.sample_rate,
            ct.sample_rate()
        )));
    }
    let mut left = Vec::with_capacity(reader.len() as usize / 2);
    for (i, s) in reader.into_samples::<i16>().enumerate() {
        let s = s.map_err(|e| bad(format!("the WAV's samples: {e}")))?;
        if i % 2 == 0 {
            left.push(s);
        }
    }
    Ok((spec.sample_rate, left))
}

/// An app message as the server's timeline writes it: the fields it keeps, under its names,
/// text cut as it cuts it. Messages of a replay are put in this form to be compared with a
/// server recording.
pub fn server_form(m: &AppMessage) -> AppMessage {
    let f = &m.fields;
    let s = |k: &str| Value::String(cut(f[k].as_str().unwrap_or("")));
    let fields = match m.kind.as_str() {
        "audio_data" => json!({
            "id": s("id"),
            "seq": f["sequence_num"],
            "last": f["last_message"],
            "bytes": f["audio_bytes"],
        }),
        "clear_audio_buffer" => json!({ "id": s("id") }),
        "dtmf_data" => json!({
            "id": s("id"),
            "digits": s("dtmf_digits"),
            "press_ms": f["press_duration_ms"],
            "break_ms": f["break_duration_ms"],
            "seq": f["sequence_num"],
        }),
        "end_stream" => json!({ "action_url": s("action_url") }),
        "query_buffer" => json!({
            "buffer": Value::String(f["buffer_type"].as_str().unwrap_or("").to_ascii_lowercase()),
        }),
        _ => json!({}),
    };
    AppMessage {
        t_ms: m.t_ms,
        kind: m.kind.clone(),
        fields,
    }
}

/// The recorder's cut of a text field: 128 characters, then `…`.
fn cut(s: &str) -> String {
    const MAX: usize = 128;
    match s.char_indices().nth(MAX) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wav(rate: u32, left: &[i16]) -> Vec<u8> {
        let mut out = std::io::Cursor::new(Vec::new());
        let spec = hound::WavSpec {
            channels: 2,
            sample_rate: rate,
            bits_per_sample: 16,
            sample_format: hound::SampleFormat::Int,
        };
        let mut w = hound::WavWriter::new(&mut out, spec).unwrap();
        for &s in left {
            w.write_sample(s).unwrap();
            w.write_sample(0i16).unwrap();
        }
        w.finalize().unwrap();
        out.into_inner()
    }

    const TIMELINE: &str = r#"{"t_ms":0.000,"dir":"note","kind":"recording","version":1,"rate":8000,"channels":["caller","app_played"],"started_utc":"2026-12-02T06:07:15.301Z"}
{"t_ms":0.000,"dir":"in","kind":"notify_call_started","call_id":"CA1","from":"+1773","to":"+1312","content_type":"audio/mulaw;rate=8000","direction":"inbound","metadata":0}
{"t_ms":0.100,"dir":"out","kind":"audio_data","id":"p1","seq":0,"last":false,"bytes":1600}
{"t_ms":0.200,"dir":"out","kind":"audio_data","id":"p1","seq":1,"last":true,"bytes":800}
{"t_ms":20.000,"dir":"in","kind":"notify_audio_data","seq":1,"bytes":160}
{"t_ms":300.000,"dir":"in","kind":"notify_playback_completed_data","id":"p1"}
{"t_ms":500.000,"dir":"in","kind":"notify_dtmf_received_start_data","digit":"5"}
{"t_ms":620.000,"dir":"in","kind":"notify_dtmf_received_end_data","digit":"5"}
{"t_ms":630.000,"dir":"out","kind":"dtmf_data","id":"d2","digits":"5","press_ms":100,"break_ms":50,"seq":0}
{"t_ms":700.000,"dir":"out","kind":"query_buffer","buffer":"audio"}
{"t_ms":701.000,"dir":"in","kind":"notify_buffer","buffer":"audio","depth":0,"size":25}
{"t_ms":1030.000,"dir":"out","kind":"terminate_call"}
{"t_ms":1040.000,"dir":"in","kind":"notify_call_ended","reason":"APPLICATION_DISCONNECT","description":"the application terminated the call"}
{"t_ms":1040.000,"dir":"note","kind":"recording_end","cause":"application_disconnect"}
"#;

    #[test]
    fn a_server_timeline_and_wav_become_a_recording() {
        let r = from_parts(TIMELINE.as_bytes(), &wav(8000, &[100; 8320])).unwrap();
        assert_eq!(r.form, MessageForm::Server);
        assert_eq!(r.call.call_id, "CA1");
        assert_eq!(r.call.content_type, "audio/mulaw;rate=8000");
        assert_eq!(r.rate, 8000);
        assert_eq!(r.outcome, CallOutcome::AppHangup);
        assert_eq!(r.duration_ms, 1040.0);
        assert_eq!(r.keys.len(), 1);
        assert_eq!((r.keys[0].digit, r.keys[0].at_ms), ('5', 500.0));
        assert_eq!(r.keys[0].duration_ms, 120.0);
        // One completion, on the id's last entry, for two entries: acks once per id.
        assert_eq!(r.platform.acks, AckShape::PerId);
        assert_eq!(r.platform.first_sequence, 1);
        assert_eq!(r.platform.audio_buffer, 25);
        let kinds: Vec<_> = r.app.iter().map(|m| m.kind.as_str()).collect();
        assert_eq!(
            kinds,
            [
                "audio_data",
                "audio_data",
                "dtmf_data",
                "query_buffer",
                "terminate_call"
            ]
        );
        assert_eq!(
            r.app[0].fields,
            json!({"id": "p1", "seq": 0, "last": false, "bytes": 1600})
        );
        // The script plays the caller's audio and key, and waits for the app to hang up.
        let script = r.script().unwrap();
        assert_eq!(script.dtmf.len(), 1);
    }

    #[test]
    fn the_emulators_messages_in_the_servers_form_match_its_lines() {
        let emulated = AppMessage {
            t_ms: 1.0,
            kind: "audio_data".into(),
            fields: json!({"id": "p1", "audio_bytes": 1600, "audio_fnv": "0123", "content_type": "audio/mulaw;rate=8000", "sequence_num": 0, "last_message": false}),
        };
        let r = from_parts(TIMELINE.as_bytes(), &wav(8000, &[0; 800])).unwrap();
        let f = server_form(&emulated);
        assert_eq!((&f.kind, &f.fields), (&r.app[0].kind, &r.app[0].fields));
        let dtmf = AppMessage {
            t_ms: 1.0,
            kind: "dtmf_data".into(),
            fields: json!({"id": "d2", "dtmf_digits": "5", "press_duration_ms": 100, "break_duration_ms": 50, "sequence_num": 0}),
        };
        let f = server_form(&dtmf);
        assert_eq!((&f.kind, &f.fields), (&r.app[2].kind, &r.app[2].fields));
        let query = AppMessage {
            t_ms: 1.0,
            kind: "query_buffer".into(),
            fields: json!({"buffer_type": "Audio"}),
        };
        let f = server_form(&query);
        assert_eq!((&f.kind, &f.fields), (&r.app[3].kind, &r.app[3].fields));
        // Long text is cut as the recorder cuts it.
        let long = "x".repeat(200);
        assert_eq!(cut(&long).chars().count(), 129);
        assert_eq!(cut("short"), "short");
    }

    #[test]
    fn what_is_not_a_server_recording_is_refused_with_a_reason() {
        let ok_wav = wav(8000, &[0; 800]);
        let err = |t: &str, w: &[u8]| from_parts(t.as_bytes(), w).unwrap_err().to_string();
        assert!(err("", &ok_wav).contains("recording"));
        assert!(err("{not json\n", &ok_wav).contains("line 1"));
        let no_start = TIMELINE
            .lines()
            .filter(|l| !l.contains("notify_call_started"))
            .collect::<Vec<_>>()
            .join("\n");
        assert!(err(&no_start, &ok_wav).contains("notify_call_started"));
        assert!(err(TIMELINE, b"RIFF junk").contains("WAV"));
        assert!(err(TIMELINE, &wav(16000, &[0; 800])).contains("16000 Hz"));
        // No acknowledgement at all, the stream broken without an end: acks none, dropped.
        let bare = TIMELINE
            .lines()
            .filter(|l| {
                !l.contains("notify_playback")
                    && !l.contains("notify_call_ended")
                    && !l.contains("terminate_call")
            })
            .collect::<Vec<_>>()
            .join("\n");
        let r = from_parts(bare.as_bytes(), &ok_wav).unwrap();
        assert_eq!(r.platform.acks, AckShape::None);
        assert_eq!(r.outcome, CallOutcome::StreamDropped);
    }
}
