//! Twilio Media Streams messages, in exactly one place: the JSON the bridge sends to a bot
//! (as Twilio would) and the parse of what a bot sends back (`media`, `mark`, `clear`).
//!
//! Every field is a string except `mediaFormat`'s numbers, as in Twilio's protocol. Parsing
//! never panics: a message that is not JSON, has no `event`, or carries invalid base64 is a
//! [`BotMessageError`] the bridge counts and logs, and the call goes on.

use base64::Engine;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// The one media format a Twilio stream carries both ways: µ-law, 8 kHz, mono.
pub const ENCODING: &str = "audio/x-mulaw";

/// What the start message tells the bot about the call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StartInfo {
    /// The stream's id (`MZ…`), repeated in every message.
    pub stream_sid: String,
    /// The call's id: FreeClimb's call id (`callId=` in the metadata) or the SIP call id.
    pub call_sid: String,
    /// The account, as configured on the bridge.
    pub account_sid: String,
    /// `customParameters`: the call's metadata.
    pub custom_parameters: Vec<(String, String)>,
}

/// Numbers the messages to the bot (`sequenceNumber`, from 1) and builds them.
#[derive(Debug)]
pub struct Outgoing {
    /// The stream's id.
    stream_sid: String,
    /// The last sequence number used.
    sequence: u64,
    /// Media chunks sent.
    chunk: u64,
    /// Reused text for one `media` message's numbers and payload.
    scratch: String,
}

/// How many decimal digits `n` has.
fn digits(n: u64) -> usize {
    n.checked_ilog10().map_or(1, |d| d as usize + 1)
}

/// A `media` message to the bot, borrowed from its parts.
#[derive(Serialize)]
struct MediaOut<'a> {
    event: &'static str,
    #[serde(rename = "sequenceNumber")]
    sequence_number: &'a str,
    #[serde(rename = "streamSid")]
    stream_sid: &'a str,
    media: MediaOutBody<'a>,
}

#[derive(Serialize)]
struct MediaOutBody<'a> {
    track: &'static str,
    chunk: &'a str,
    timestamp: &'a str,
    payload: &'a str,
}

impl Outgoing {
    /// Messages for the stream `stream_sid`.
    pub fn new(stream_sid: impl Into<String>) -> Self {
        Self {
            stream_sid: stream_sid.into(),
            sequence: 0,
            chunk: 0,
            scratch: String::new(),
        }
    }

    fn next_sequence(&mut self) -> String {
        self.sequence += 1;
        self.sequence.to_string()
    }

    /// `connected`, the first message.
    pub fn connected(&self) -> String {
        json!({"event": "connected", "protocol": "Call", "version": "1.0.0"}).to_string()
    }

    /// `start`, the second message.
    pub fn start(&mut self, info: &StartInfo) -> String {
        let params: serde_json::Map<String, Value> = info
            .custom_parameters
            .iter()
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect();
        json!({
            "event": "start",
            "sequenceNumber": self.next_sequence(),
            "streamSid": self.stream_sid,
            "start": {
                "accountSid": info.account_sid,
                "streamSid": self.stream_sid,
                "callSid": info.call_sid,
                "tracks": ["inbound"],
                "customParameters": params,
                "mediaFormat": {"encoding": ENCODING, "sampleRate": 8000, "channels": 1},
            }
        })
        .to_string()
    }

    /// `media`: one chunk of caller audio (µ-law), `timestamp_ms` from the stream's start.
    ///
    /// The hot path (50 a second per call): serialised from borrowed fields in one pass, with
    /// the numbers and the base64 written into one reused buffer, rather than through a
    /// `serde_json::Value` tree (a map and a string per field).
    pub fn media(&mut self, mulaw: &[u8], timestamp_ms: u64) -> String {
        use std::fmt::Write as _;
        self.chunk += 1;
        self.sequence += 1;
        let scratch = &mut self.scratch;
        scratch.clear();
        let _ = write!(scratch, "{}{}{}", self.sequence, self.chunk, timestamp_ms);
        let sequence_end = digits(self.sequence);
        let chunk_end = sequence_end + digits(self.chunk);
        base64::engine::general_purpose::STANDARD.encode_string(mulaw, scratch);
        let timestamp_end = chunk_end + digits(timestamp_ms);
        let message = MediaOut {
            event: "media",
            sequence_number: &scratch[..sequence_end],
            stream_sid: &self.stream_sid,
            media: MediaOutBody {
                track: "inbound",
                chunk: &scratch[sequence_end..chunk_end],
                timestamp: &scratch[chunk_end..timestamp_end],
                payload: &scratch[timestamp_end..],
            },
        };
        serde_json::to_string(&message).unwrap_or_default()
    }

    /// `dtmf`: a caller key press.
    pub fn dtmf(&mut self, digit: char) -> String {
        json!({
            "event": "dtmf",
            "sequenceNumber": self.next_sequence(),
            "streamSid": self.stream_sid,
            "dtmf": {"track": "inbound_track", "digit": digit.to_string()}
        })
        .to_string()
    }

    /// `mark`: the audio the bot queued before its mark `name` has played, or was cleared.
    pub fn mark(&mut self, name: &str) -> String {
        json!({
            "event": "mark",
            "sequenceNumber": self.next_sequence(),
            "streamSid": self.stream_sid,
            "mark": {"name": name}
        })
        .to_string()
    }

    /// `stop`, the last message.
    pub fn stop(&mut self, account_sid: &str, call_sid: &str) -> String {
        json!({
            "event": "stop",
            "sequenceNumber": self.next_sequence(),
            "streamSid": self.stream_sid,
            "stop": {"accountSid": account_sid, "callSid": call_sid}
        })
        .to_string()
    }
}

/// A message from the bot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BotMessage {
    /// Audio to play: µ-law 8 kHz bytes (decoded from base64).
    Media(Vec<u8>),
    /// A mark to answer once the audio before it has played.
    Mark(String),
    /// Drop the audio queued and answer every pending mark.
    Clear,
    /// An event this bridge does not act on (its name, for the log).
    Other(String),
}

/// Why a bot message was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BotMessageError {
    /// Not JSON, or not an object with a string `event`.
    Json(String),
    /// A `media` message without `media.payload`, or a `mark` without `mark.name`.
    Missing(&'static str),
    /// `media.payload` is not base64.
    Base64(String),
}

impl std::fmt::Display for BotMessageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Json(e) => write!(f, "not a Media Streams message: {e}"),
            Self::Missing(what) => write!(f, "message without {what}"),
            Self::Base64(e) => write!(f, "media payload is not base64: {e}"),
        }
    }
}

impl std::error::Error for BotMessageError {}

#[derive(Deserialize)]
struct Raw {
    event: String,
    #[serde(default)]
    media: Option<RawMedia>,
    #[serde(default)]
    mark: Option<RawMark>,
}

#[derive(Deserialize)]
struct RawMedia {
    payload: Option<String>,
}

#[derive(Deserialize)]
struct RawMark {
    name: Option<String>,
}

/// The longest mark name kept (longer names are cut; a mark is echoed back as sent otherwise).
pub const MAX_MARK_NAME: usize = 256;

/// Parses one text message from the bot.
pub fn parse(text: &str) -> Result<BotMessage, BotMessageError> {
    let raw: Raw = serde_json::from_str(text).map_err(|e| BotMessageError::Json(e.to_string()))?;
    match raw.event.as_str() {
        "media" => {
            let payload = raw
                .media
                .and_then(|m| m.payload)
                .ok_or(BotMessageError::Missing("media.payload"))?;
            base64::engine::general_purpose::STANDARD
                .decode(payload.as_bytes())
                .map(BotMessage::Media)
                .map_err(|e| BotMessageError::Base64(e.to_string()))
        }
        "mark" => {
            let mut name = raw
                .mark
                .and_then(|m| m.name)
                .ok_or(BotMessageError::Missing("mark.name"))?;
            if name.len() > MAX_MARK_NAME {
                let mut cut = MAX_MARK_NAME;
                while !name.is_char_boundary(cut) {
                    cut -= 1;
                }
                name.truncate(cut);
            }
            Ok(BotMessage::Mark(name))
        }
        "clear" => Ok(BotMessage::Clear),
        _ => Ok(BotMessage::Other(raw.event)),
    }
}

/// `customParameters` from a call's metadata: each `key=value` string as that pair, a JSON
/// object string as its string (or scalar) fields, anything else as `metadataN` (its index).
pub fn custom_parameters(metadata: &[String]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (i, item) in metadata.iter().enumerate() {
        if let Ok(Value::Object(map)) = serde_json::from_str::<Value>(item) {
            for (k, v) in map {
                let v = match v {
                    Value::String(s) => s,
                    other => other.to_string(),
                };
                out.push((k, v));
            }
        } else if let Some((k, v)) = item.split_once('=').filter(|(k, _)| !k.is_empty()) {
            out.push((k.to_string(), v.to_string()));
        } else {
            out.push((format!("metadata{i}"), item.clone()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bot_messages_parse_and_bad_ones_are_errors() {
        let m = parse(r#"{"event":"media","streamSid":"MZ1","media":{"payload":"AAEC"}}"#);
        assert_eq!(m, Ok(BotMessage::Media(vec![0, 1, 2])));
        let m = parse(r#"{"event":"mark","streamSid":"MZ1","mark":{"name":"m1"}}"#);
        assert_eq!(m, Ok(BotMessage::Mark("m1".into())));
        assert_eq!(parse(r#"{"event":"clear"}"#), Ok(BotMessage::Clear));
        assert_eq!(
            parse(r#"{"event":"hello"}"#),
            Ok(BotMessage::Other("hello".into()))
        );
        assert!(matches!(parse("{"), Err(BotMessageError::Json(_))));
        assert!(matches!(parse("[1]"), Err(BotMessageError::Json(_))));
        assert!(matches!(
            parse(r#"{"event":"media","media":{"payload":"!!"}}"#),
            Err(BotMessageError::Base64(_))
        ));
        assert!(matches!(
            parse(r#"{"event":"mark"}"#),
            Err(BotMessageError::Missing(_))
        ));
        let long = format!(
            r#"{{"event":"mark","mark":{{"name":"{}"}}}}"#,
            "é".repeat(300)
        );
        match parse(&long) {
            Ok(BotMessage::Mark(n)) => assert!(n.len() <= MAX_MARK_NAME),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn media_messages_have_twilios_fields_and_count_up() {
        let mut out = Outgoing::new("MZ1");
        for (i, (ts, audio)) in [(0u64, vec![0xffu8; 160]), (9_999_980, vec![1, 2, 3])]
            .into_iter()
            .enumerate()
        {
            let text = out.media(&audio, ts);
            let v: Value = serde_json::from_str(&text).unwrap();
            let n = (i + 1).to_string();
            assert_eq!(
                v,
                json!({
                    "event": "media",
                    "sequenceNumber": n,
                    "streamSid": "MZ1",
                    "media": {
                        "track": "inbound",
                        "chunk": n,
                        "timestamp": ts.to_string(),
                        "payload": base64::engine::general_purpose::STANDARD.encode(&audio),
                    }
                })
            );
        }
        // The sequence goes on across message kinds; chunks count media only.
        let v: Value = serde_json::from_str(&out.dtmf('5')).unwrap();
        assert_eq!(v["sequenceNumber"], "3");
        let v: Value = serde_json::from_str(&out.media(&[0; 160], 40)).unwrap();
        assert_eq!(v["sequenceNumber"], "4");
        assert_eq!(v["media"]["chunk"], "3");
        assert_eq!(digits(0), 1);
        assert_eq!(digits(9), 1);
        assert_eq!(digits(10), 2);
        assert_eq!(digits(u64::MAX), 20);
    }

    #[test]
    fn metadata_becomes_custom_parameters() {
        let md = vec![
            "callId=CA1".to_string(),
            r#"{"lang":"en","n":3}"#.to_string(),
            "plain".to_string(),
        ];
        let p = custom_parameters(&md);
        assert_eq!(
            p,
            vec![
                ("callId".into(), "CA1".into()),
                ("lang".into(), "en".into()),
                ("n".into(), "3".into()),
                ("metadata2".into(), "plain".into()),
            ]
        );
    }
}
