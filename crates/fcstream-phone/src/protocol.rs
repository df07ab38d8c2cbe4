//! The WebSocket protocol between the page and the server, in one place so that the page
//! (`assets/app.js`), the server (`session`) and the tests agree on it.
//!
//! One socket carries one call. **Binary** messages are audio: signed 16-bit little-endian
//! PCM, mono, at the call's rate (8000 or 16000 Hz), normally 20 ms each (the page's
//! frames; the server accepts any whole number of samples up to [`Limits::max_binary_bytes`]).
//! From the page they are the caller's microphone; from the server, what the caller hears
//! (silence included, in real time). **Text** messages are JSON objects with a `type`:
//! [`ClientMsg`] from the page, [`ServerMsg`] from the server.
//!
//! Everything is bounded: a text message over [`Limits::max_text_bytes`] or one that does
//! not parse is answered with an `error` and ignored; audio beyond the [`FrameBudget`] (a
//! token bucket over messages and samples per second) is dropped and counted.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio::time::Instant;

/// The protocol's version, sent in [`ServerMsg::Hello`].
pub const VERSION: u32 = 1;

/// The longest key press the page may ask for.
pub const MAX_PRESS: Duration = Duration::from_secs(2);
/// The shortest (shorter ones are lengthened to it: a receiver needs about 40 ms of tone).
pub const MIN_PRESS: Duration = Duration::from_millis(40);
/// A key press's length when the page does not say.
pub const DEFAULT_PRESS: Duration = Duration::from_millis(120);

/// A message from the page. Unknown fields are ignored (a newer page may send more).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClientMsg {
    /// Place the call (once per socket).
    Call {
        /// The call's format: `audio/mulaw;rate=8000` (default), `audio/l16;rate=8000`,
        /// `audio/l16;rate=16000`.
        #[serde(default)]
        content_type: Option<String>,
        /// The calling number announced to the app.
        #[serde(default)]
        from: Option<String>,
        /// The called number.
        #[serde(default)]
        to: Option<String>,
    },
    /// The caller presses a key.
    Dtmf {
        /// One of `0-9`, `*`, `#`, `A-D`.
        digit: String,
        /// How long, in ms ([`DEFAULT_PRESS`] if absent; clamped to
        /// [`MIN_PRESS`]..=[`MAX_PRESS`]).
        #[serde(default)]
        duration_ms: Option<u64>,
    },
    /// The caller hangs up.
    Hangup,
}

/// Links to a finished call's files, relative to the server's root.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallFiles {
    /// What the caller heard (WAV at the call's rate).
    pub heard_wav: String,
    /// Its picture: waveforms, spectrogram and events (PNG).
    pub heard_png: String,
    /// What the caller said, as the app received it (WAV).
    pub caller_wav: String,
    /// Every message both ways (JSON lines).
    pub timeline: String,
    /// The emulator's summary (JSON).
    pub summary: String,
}

impl CallFiles {
    /// The links of call `id` (served by [`crate::router`] under `/calls/{id}/`).
    pub fn of(id: &str) -> Self {
        let f = |name: &str| format!("/calls/{id}/{name}");
        Self {
            heard_wav: f("heard.wav"),
            heard_png: f("heard.png"),
            caller_wav: f("caller.wav"),
            timeline: f("timeline.jsonl"),
            summary: f("summary.json"),
        }
    }
}

/// What the socket's link lost or refused, sent every second and at the end.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkStats {
    /// Audio messages taken from the page.
    pub audio_in: u64,
    /// Audio messages from the page dropped: over the [`FrameBudget`], malformed, or before
    /// the call started.
    pub audio_in_dropped: u64,
    /// Audio messages sent to the page.
    pub audio_out: u64,
    /// Messages to the page dropped because the page was not reading fast enough.
    pub out_dropped: u64,
    /// Caller samples the platform dropped (a source running fast) or padded with silence
    /// (a source running late), from the emulator's live counters.
    pub caller_samples_dropped: u64,
    /// See `caller_samples_dropped`.
    pub caller_samples_padded: u64,
    /// Times the caller's jitter buffer ran dry ([`crate::jitter`]).
    pub caller_underruns: u64,
    /// Caller samples the jitter buffer dropped (over its cap, or trimmed to its cushion).
    pub caller_jitter_dropped: u64,
    /// The jitter buffer's cushion, in ms.
    pub caller_cushion_ms: u64,
}

/// A message from the server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerMsg {
    /// Sent once the socket opens.
    Hello {
        /// [`VERSION`].
        version: u32,
        /// The app called (as given on the command line), for the page's header.
        app: String,
        /// The content types a call may use.
        content_types: Vec<String>,
        /// The longest call, in seconds; the platform hangs up after it.
        max_call_s: u64,
    },
    /// The call is placed: audio may flow.
    Started {
        /// The call's id (its files are under `/calls/{call_id}/`).
        call_id: String,
        /// Its content type.
        content_type: String,
        /// Its sample rate: every binary message both ways is at it.
        rate: u32,
        /// Samples in 20 ms.
        frame_samples: u32,
    },
    /// A timeline entry (every message both ways but the caller's own audio frames, and the
    /// platform's notes): the emulator's `TimelineEntry`.
    Timeline {
        /// The entry, as in `timeline.jsonl`.
        entry: Value,
    },
    /// The app's `PressDTMF` starts playing a key (its tone is in the audio as well).
    Digit {
        /// The key.
        digit: String,
        /// How long its tone lasts, in ms.
        duration_ms: u64,
    },
    /// The link's counters.
    Stats {
        /// The counters.
        stats: LinkStats,
    },
    /// The call is over; the socket closes after this.
    Ended {
        /// How it ended (`caller-hangup`, `app-hangup`, `app-failed`, ...).
        outcome: String,
        /// The emulator's summary (as `summary.json`), when the report was made.
        summary: Option<Value>,
        /// Its files, when they were written.
        files: Option<CallFiles>,
        /// The link's final counters.
        stats: LinkStats,
    },
    /// Something went wrong (a refused message, an app that cannot be reached, ...).
    Error {
        /// What, for people.
        message: String,
        /// What to do about it, when the server can tell.
        #[serde(skip_serializing_if = "Option::is_none", default)]
        hint: Option<String>,
        /// Whether the call is over because of it (the socket then closes).
        fatal: bool,
    },
}

impl ServerMsg {
    /// A non-fatal error.
    pub fn warn(message: impl Into<String>) -> Self {
        Self::Error {
            message: message.into(),
            hint: None,
            fatal: false,
        }
    }

    /// The JSON text of the message.
    pub fn to_text(&self) -> String {
        // Serialising these types cannot fail: every map key is a string.
        serde_json::to_string(self).unwrap_or_else(|_| String::from("{\"type\":\"error\"}"))
    }
}

/// Why a message from the page was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProtocolError {
    /// A text message larger than allowed.
    #[error("message of {0} bytes is over the limit of {1}")]
    TooLarge(usize, usize),
    /// Not JSON, or not one of the messages.
    #[error("not a valid message: {0}")]
    Invalid(String),
    /// A key that is not a DTMF key.
    #[error("{0:?} is not a DTMF key (0-9, *, #, A-D)")]
    BadDigit(String),
    /// An audio message with an odd number of bytes (not whole 16-bit samples).
    #[error("audio of {0} bytes is not whole 16-bit samples")]
    OddAudio(usize),
}

/// The limits of one socket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The largest text message.
    pub max_text_bytes: usize,
    /// The largest audio message (the WebSocket layer refuses anything over
    /// [`Limits::max_ws_message_bytes`] outright and closes the socket).
    pub max_binary_bytes: usize,
    /// The largest WebSocket message at all.
    pub max_ws_message_bytes: usize,
    /// Audio messages per second allowed on average (the page sends 50).
    pub max_audio_messages_per_s: u32,
    /// Text messages per second allowed on average.
    pub max_text_messages_per_s: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_text_bytes: 4096,
            // 500 ms at 16 kHz.
            max_binary_bytes: 16_000,
            max_ws_message_bytes: 64 * 1024,
            max_audio_messages_per_s: 100,
            max_text_messages_per_s: 20,
        }
    }
}

impl ClientMsg {
    /// Parses a text message, checking its size and its fields.
    pub fn parse(text: &str, limits: &Limits) -> Result<Self, ProtocolError> {
        if text.len() > limits.max_text_bytes {
            return Err(ProtocolError::TooLarge(text.len(), limits.max_text_bytes));
        }
        let msg: Self =
            serde_json::from_str(text).map_err(|e| ProtocolError::Invalid(e.to_string()))?;
        if let Self::Dtmf { digit, .. } = &msg {
            dtmf_key(digit)?;
        }
        Ok(msg)
    }
}

/// The key of a `dtmf` message: one character of `0-9*#A-D` (either case).
pub fn dtmf_key(digit: &str) -> Result<char, ProtocolError> {
    let mut chars = digit.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) if fcstream::audio::dtmf::frequencies(c.to_ascii_uppercase()).is_some() => {
            Ok(c.to_ascii_uppercase())
        }
        _ => Err(ProtocolError::BadDigit(digit.chars().take(8).collect())),
    }
}

/// A press's length: `duration_ms`, or the default, clamped.
pub fn press_duration(duration_ms: Option<u64>) -> Duration {
    duration_ms
        .map(Duration::from_millis)
        .unwrap_or(DEFAULT_PRESS)
        .clamp(MIN_PRESS, MAX_PRESS)
}

/// Samples from an audio message (little-endian 16-bit).
pub fn pcm_from_le(bytes: &[u8], limits: &Limits) -> Result<Vec<i16>, ProtocolError> {
    if bytes.len() > limits.max_binary_bytes {
        return Err(ProtocolError::TooLarge(
            bytes.len(),
            limits.max_binary_bytes,
        ));
    }
    if bytes.len() % 2 != 0 {
        return Err(ProtocolError::OddAudio(bytes.len()));
    }
    Ok(bytes
        .chunks_exact(2)
        .map(|b| i16::from_le_bytes([b[0], b[1]]))
        .collect())
}

/// An audio message (little-endian 16-bit) from samples.
pub fn pcm_to_le(samples: &[i16]) -> Vec<u8> {
    samples.iter().flat_map(|s| s.to_le_bytes()).collect()
}

/// A token bucket: `rate` tokens a second, at most `burst` saved up.
#[derive(Debug, Clone)]
struct Bucket {
    tokens: f64,
    burst: f64,
    rate: f64,
    last: Instant,
}

impl Bucket {
    fn new(rate: f64, burst: f64, now: Instant) -> Self {
        Self {
            tokens: burst,
            burst,
            rate,
            last: now,
        }
    }

    fn refill(&mut self, now: Instant) {
        let dt = now.saturating_duration_since(self.last).as_secs_f64();
        self.tokens = (self.tokens + dt * self.rate).min(self.burst);
        self.last = now;
    }
}

/// How much audio (and how many messages) the page may send: a token bucket over messages
/// and one over samples, so a page that floods the socket (a bug, a hostile tab) is cut to
/// real time plus a burst instead of filling memory or the platform's backlog. What is over
/// is dropped, and counted by the caller.
///
/// Hand-written: it is two token buckets on tokio's clock (so tests can pause it), smaller
/// than the glue a rate-limiting crate would need.
#[derive(Debug, Clone)]
pub struct FrameBudget {
    messages: Bucket,
    samples: Bucket,
    text: Bucket,
}

impl FrameBudget {
    /// A budget for a call at `rate` Hz: samples at 1.25 × real time with a second of burst,
    /// messages at `limits.max_audio_messages_per_s` with a second of burst.
    pub fn new(rate: u32, limits: &Limits, now: Instant) -> Self {
        let msgs = f64::from(limits.max_audio_messages_per_s.max(1));
        let texts = f64::from(limits.max_text_messages_per_s.max(1));
        Self {
            messages: Bucket::new(msgs, msgs, now),
            samples: Bucket::new(f64::from(rate) * 1.25, f64::from(rate), now),
            text: Bucket::new(texts, texts, now),
        }
    }

    /// Whether an audio message of `samples` samples, arriving `now`, is within budget
    /// (its tokens are then spent).
    pub fn admit_audio(&mut self, now: Instant, samples: usize) -> bool {
        self.messages.refill(now);
        self.samples.refill(now);
        let n = samples as f64;
        if self.messages.tokens >= 1.0 && self.samples.tokens >= n {
            self.messages.tokens -= 1.0;
            self.samples.tokens -= n;
            true
        } else {
            false
        }
    }

    /// Whether a text message arriving `now` is within budget.
    pub fn admit_text(&mut self, now: Instant) -> bool {
        self.text.refill(now);
        if self.text.tokens >= 1.0 {
            self.text.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_messages_parse_and_are_checked() {
        let l = Limits::default();
        assert_eq!(
            ClientMsg::parse(
                r#"{"type":"call","content_type":"audio/l16;rate=16000"}"#,
                &l
            ),
            Ok(ClientMsg::Call {
                content_type: Some("audio/l16;rate=16000".into()),
                from: None,
                to: None
            })
        );
        assert_eq!(
            ClientMsg::parse(r#"{"type":"dtmf","digit":"5"}"#, &l),
            Ok(ClientMsg::Dtmf {
                digit: "5".into(),
                duration_ms: None
            })
        );
        assert_eq!(
            ClientMsg::parse(r#"{"type":"hangup"}"#, &l),
            Ok(ClientMsg::Hangup)
        );
        assert!(matches!(
            ClientMsg::parse(r#"{"type":"dtmf","digit":"x"}"#, &l),
            Err(ProtocolError::BadDigit(_))
        ));
        assert!(matches!(
            ClientMsg::parse(r#"{"type":"dtmf","digit":"12"}"#, &l),
            Err(ProtocolError::BadDigit(_))
        ));
        assert!(matches!(
            ClientMsg::parse(r#"{"type":"launch"}"#, &l),
            Err(ProtocolError::Invalid(_))
        ));
        assert_eq!(
            ClientMsg::parse(r#"{"type":"hangup","extra":1}"#, &l),
            Ok(ClientMsg::Hangup)
        );
        let big = format!(r#"{{"type":"call","from":"{}"}}"#, "1".repeat(5000));
        assert!(matches!(
            ClientMsg::parse(&big, &l),
            Err(ProtocolError::TooLarge(_, 4096))
        ));
        assert_eq!(dtmf_key("d"), Ok('D'));
        assert_eq!(dtmf_key("#"), Ok('#'));
    }

    #[test]
    fn press_lengths_are_clamped() {
        assert_eq!(press_duration(None), DEFAULT_PRESS);
        assert_eq!(press_duration(Some(1)), MIN_PRESS);
        assert_eq!(press_duration(Some(60_000)), MAX_PRESS);
        assert_eq!(press_duration(Some(300)), Duration::from_millis(300));
    }

    #[test]
    fn audio_is_little_endian_and_whole_samples() {
        let l = Limits::default();
        let s = [0i16, 1, -1, i16::MAX, i16::MIN, 0x1234];
        let bytes = pcm_to_le(&s);
        assert_eq!(&bytes[10..12], &[0x34, 0x12]);
        assert_eq!(pcm_from_le(&bytes, &l), Ok(s.to_vec()));
        assert_eq!(pcm_from_le(&[1, 2, 3], &l), Err(ProtocolError::OddAudio(3)));
        assert!(matches!(
            pcm_from_le(&vec![0; 16_002], &l),
            Err(ProtocolError::TooLarge(16_002, 16_000))
        ));
    }

    #[test]
    fn server_messages_are_tagged() {
        let m = ServerMsg::Digit {
            digit: "5".into(),
            duration_ms: 100,
        };
        assert_eq!(
            m.to_text(),
            r#"{"type":"digit","digit":"5","duration_ms":100}"#
        );
        let e = ServerMsg::warn("x").to_text();
        assert_eq!(e, r#"{"type":"error","message":"x","fatal":false}"#);
        assert_eq!(CallFiles::of("P1").heard_png, "/calls/P1/heard.png");
    }

    #[tokio::test(start_paused = true)]
    async fn the_budget_holds_a_flood_to_real_time() {
        let l = Limits::default();
        let t0 = Instant::now();
        let mut b = FrameBudget::new(8000, &l, t0);
        // Real time (50 frames of 160 a second) is always admitted, for a minute.
        let mut now = t0;
        for _ in 0..3000 {
            assert!(b.admit_audio(now, 160));
            now += Duration::from_millis(20);
        }
        // A flood within one instant: the burst (a second of samples) goes, then nothing.
        let admitted = (0..1000).filter(|_| b.admit_audio(now, 160)).count();
        assert!((50..=60).contains(&admitted), "{admitted}");
        // A second later it is admitted again.
        assert!(b.admit_audio(now + Duration::from_secs(1), 160));
        // Text: a burst of 20, then refused.
        let texts = (0..100).filter(|_| b.admit_text(now)).count();
        assert_eq!(texts, 20);
    }
}
