//! The platform's rules, written once: which app messages are admitted, and the exact
//! refusal (`NotifyErrorMessage` id and text) for those that are not.
//!
//! Every front door of the platform model — `fcstream call` (per-sample rendering,
//! [`crate::model`]), `fcstream load` (timing only) and the test doubles — decides with these
//! functions, so a refusal means the same thing and reads the same everywhere. They are pure:
//! no clock, no buffers (the buffer-full refusals take the size and are raised by
//! [`crate::buffers`]).

use std::borrow::Cow;
use std::time::Duration;

use fcstream::audio::{dtmf, ContentType};
use fcstream::call::MAX_PRESS_MS;
use fcstream::untrusted::shown;

use crate::error_ids as ids;

/// Keys one `PressDTMFMessage` may ask for.
pub const MAX_DTMF_KEYS: usize = 64;
/// The longest DTMF job (tones and breaks) one `PressDTMFMessage` may ask for.
pub const MAX_DTMF_JOB: Duration = Duration::from_secs(120);
/// The longest break between keys; longer breaks are reduced to it (as presses are to
/// [`MAX_PRESS_MS`]).
pub const MAX_BREAK_MS: u32 = MAX_PRESS_MS;

/// A message the platform refuses: what goes into `NotifyErrorMessage`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// One of [`crate::error_ids`].
    pub id: &'static str,
    /// Human text.
    pub message: String,
}

impl Refusal {
    fn new(id: &'static str, message: impl Into<String>) -> Self {
        Self {
            id,
            message: message.into(),
        }
    }
}

/// An app's id for an entry or a job, as a front door keeps it (`String` after a full
/// decode, `bytes::Bytes` as a zero-copy slice of the received message).
pub trait Id: Clone + PartialEq + std::fmt::Debug {
    /// The id as text, for refusal messages.
    fn text(&self) -> Cow<'_, str>;
}

impl Id for String {
    fn text(&self) -> Cow<'_, str> {
        Cow::Borrowed(self)
    }
}

impl Id for bytes::Bytes {
    fn text(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(self)
    }
}

/// An admitted `PlayAudioMessage`: its format and its length in samples.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AdmittedPlay {
    /// The entry's content type (same rate as the call's; µ-law and l16 are transcoded).
    pub content_type: ContentType,
    /// Samples at the call's rate.
    pub samples: u64,
}

/// Checks a `PlayAudioMessage` of `audio_len` bytes in `content_type` on a call of `call`.
pub fn check_play(
    call: ContentType,
    content_type: &[u8],
    audio_len: usize,
) -> Result<AdmittedPlay, Refusal> {
    // The usual case, the call's own format spelled as this library spells it, skips parsing.
    let ct = if content_type == call.as_str().as_bytes() {
        call
    } else {
        let text = String::from_utf8_lossy(content_type);
        let ct = ContentType::parse(&text).map_err(|_| {
            Refusal::new(
                ids::INVALID_CONTENT_TYPE,
                format!(
                    "PlayAudioMessage: unsupported content type {:?} (use audio/mulaw;rate=8000, audio/l16;rate=8000 or audio/l16;rate=16000)",
                    shown(&text)
                ),
            )
        })?;
        if ct.sample_rate() != call.sample_rate() {
            return Err(Refusal::new(
                ids::INVALID_CONTENT_TYPE,
                format!(
                    "PlayAudioMessage content type {:?} is {} Hz but the call is {call} ({} Hz)",
                    shown(&text),
                    ct.sample_rate(),
                    call.sample_rate()
                ),
            ));
        }
        ct
    };
    if audio_len == 0 {
        return Err(Refusal::new(
            ids::EMPTY_AUDIO,
            "PlayAudioMessage with no audio_data",
        ));
    }
    if audio_len % ct.bytes_per_sample() != 0 {
        return Err(Refusal::new(
            ids::INVALID_AUDIO_LENGTH,
            format!(
                "PlayAudioMessage: {audio_len} bytes is not a whole number of {}-byte samples",
                ct.bytes_per_sample()
            ),
        ));
    }
    Ok(AdmittedPlay {
        content_type: ct,
        samples: (audio_len / ct.bytes_per_sample()) as u64,
    })
}

/// An admitted `PressDTMFMessage`: the keys and their timing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AdmittedPress {
    /// How many keys.
    pub keys: u64,
    /// Each key's tone (capped at [`MAX_PRESS_MS`]).
    pub press: Duration,
    /// Silence between keys.
    pub gap: Duration,
}

impl AdmittedPress {
    /// The whole job's length: every key's tone and the breaks between them.
    pub fn length(&self) -> Duration {
        self.press * self.keys as u32 + self.gap * self.keys.saturating_sub(1) as u32
    }
}

/// Why the platform ignores a message without an error (the specification says so).
pub const ZERO_PRESS_IGNORED: &str =
    "PressDTMFMessage with press_duration_ms 0 is invalid and ignored (FreeClimb's specification): nothing played, no error sent";

/// Checks a `PressDTMFMessage`: `Ok(Some(press))` to play it, `Ok(None)` when the
/// specification says it is ignored (`press_duration_ms` 0: "invalid and will be ignored",
/// see [`ZERO_PRESS_IGNORED`]), `Err` for a refusal.
pub fn check_press(
    id: &impl Id,
    digits: &str,
    press_ms: u32,
    break_ms: u32,
) -> Result<Option<AdmittedPress>, Refusal> {
    let keys = digits.chars().count();
    if keys > MAX_DTMF_KEYS {
        return Err(Refusal::new(
            ids::DTMF_TOO_LONG,
            format!(
                "PressDTMFMessage {:?}: {keys} keys is more than the {MAX_DTMF_KEYS} one message may press",
                shown(&id.text())
            ),
        ));
    }
    if let Err(e) = dtmf::validate(digits) {
        return Err(Refusal::new(
            ids::INVALID_DTMF,
            format!(
                "PressDTMFMessage {:?}: invalid digit {:?} at position {} (use 0-9 * # A-D)",
                shown(&id.text()),
                shown(e.digit.encode_utf8(&mut [0; 4])),
                e.position
            ),
        ));
    }
    if press_ms == 0 {
        return Ok(None);
    }
    let press = AdmittedPress {
        keys: keys as u64,
        press: Duration::from_millis(u64::from(press_ms.min(MAX_PRESS_MS))),
        gap: Duration::from_millis(u64::from(break_ms.min(MAX_BREAK_MS))),
    };
    if press.length() > MAX_DTMF_JOB {
        return Err(Refusal::new(
            ids::DTMF_TOO_LONG,
            format!(
                "PressDTMFMessage {:?}: {:.1} s of tones and breaks is longer than the {} s one message may play",
                shown(&id.text()),
                press.length().as_secs_f64(),
                MAX_DTMF_JOB.as_secs()
            ),
        ));
    }
    Ok(Some(press))
}

/// The audio buffer holds `size` entries already (the one playing included).
pub fn audio_buffer_full(size: usize, id: &impl Id) -> Refusal {
    Refusal::new(
        ids::AUDIO_BUFFER_FULL,
        format!(
            "audio buffer full ({size} entries): PlayAudioMessage {:?} dropped",
            shown(&id.text())
        ),
    )
}

/// The DTMF buffer holds `size` jobs already (the one playing included).
pub fn dtmf_buffer_full(size: usize, id: &impl Id) -> Refusal {
    Refusal::new(
        ids::DTMF_BUFFER_FULL,
        format!(
            "DTMF buffer full ({size} presses): PressDTMFMessage {:?} dropped",
            shown(&id.text())
        ),
    )
}

/// What the platform does with `EndGrpcStreamMessage`, which FreeClimb's specification marks
/// "UNIMPLEMENTED, DO NOT USE" (so any behaviour is an assumption; `docs/EMULATOR.md`).
///
/// `end_stream = "refuse" | "ignore" | "ends-stream"` in a script's `[platform]` table,
/// `--end-stream` of `fcstream call`.
///
/// ```
/// use fcstream_emulator::rules::EndStreamMode;
/// assert_eq!("ends-stream".parse::<EndStreamMode>(), Ok(EndStreamMode::EndsStream));
/// assert_eq!(EndStreamMode::default().to_string(), "refuse");
/// assert!("close".parse::<EndStreamMode>().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize, serde::Serialize)]
#[serde(try_from = "String", into = "String")]
pub enum EndStreamMode {
    /// `NotifyErrorMessage(end-stream-unimplemented)`, the call goes on (the default: an app
    /// that relies on an unimplemented message is told so, loudly, and `--strict` fails).
    #[default]
    Refuse,
    /// Nothing at all (what an unimplemented message most likely gets from a real
    /// platform); the timeline notes that it was ignored.
    Ignore,
    /// What the message is designed to do: the platform ends the gRPC stream (no
    /// `NotifyCallEnded`: the call goes on) and hands the call back to PerCL, POSTing the
    /// message's `action_url` (or the `AudioStream`'s) with `callStatus` `inProgress`.
    EndsStream,
}

impl std::str::FromStr for EndStreamMode {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "refuse" => Ok(Self::Refuse),
            "ignore" => Ok(Self::Ignore),
            "ends-stream" => Ok(Self::EndsStream),
            _ => Err(format!(
                "unknown end-stream behaviour {s:?} (use refuse, ignore or ends-stream)"
            )),
        }
    }
}

impl std::fmt::Display for EndStreamMode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Refuse => "refuse",
            Self::Ignore => "ignore",
            Self::EndsStream => "ends-stream",
        })
    }
}

impl TryFrom<String> for EndStreamMode {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        s.parse()
    }
}

impl From<EndStreamMode> for String {
    fn from(m: EndStreamMode) -> String {
        m.to_string()
    }
}

/// `EndGrpcStreamMessage` under [`EndStreamMode::Refuse`]: FreeClimb does not implement it.
pub fn end_stream() -> Refusal {
    Refusal::new(
        ids::END_STREAM_UNIMPLEMENTED,
        "EndGrpcStreamMessage is not implemented by FreeClimb; ignored",
    )
}

/// An `AppMessage` with no payload this platform knows.
pub fn unknown_message() -> Refusal {
    Refusal::new(
        ids::UNKNOWN_MESSAGE,
        "AppMessage with no payload this platform knows; ignored",
    )
}

/// A `QueryBufferDepthMessage` with an unknown `buffer_type`.
pub fn bad_buffer_type(t: i32) -> Refusal {
    Refusal::new(
        ids::INVALID_BUFFER_TYPE,
        format!("QueryBufferDepthMessage with unknown buffer_type {t} (use 0 DTMF or 1 Audio)"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const CT: ContentType = ContentType::L16At8k;

    #[test]
    fn plays_are_checked_for_format_rate_emptiness_and_whole_samples() {
        let refused = |ct: &str, len| check_play(CT, ct.as_bytes(), len).map_err(|r| r.id);
        assert_eq!(
            refused("audio/l16;rate=16000", 4),
            Err(ids::INVALID_CONTENT_TYPE)
        );
        assert_eq!(refused("audio/opus", 4), Err(ids::INVALID_CONTENT_TYPE));
        assert_eq!(refused("", 4), Err(ids::INVALID_CONTENT_TYPE));
        assert_eq!(refused(CT.as_str(), 0), Err(ids::EMPTY_AUDIO));
        assert_eq!(refused(CT.as_str(), 3), Err(ids::INVALID_AUDIO_LENGTH));
        let ok = check_play(CT, b"audio/mulaw;rate=8000", 3).unwrap();
        assert_eq!((ok.content_type, ok.samples), (ContentType::Mulaw8k, 3));
        assert_eq!(
            check_play(CT, CT.as_str().as_bytes(), 320).unwrap().samples,
            160
        );
    }

    #[test]
    fn presses_are_checked_and_capped() {
        let id = String::from("d");
        assert_eq!(
            check_press(&id, "12x", 100, 0).unwrap_err().id,
            ids::INVALID_DTMF
        );
        assert_eq!(
            check_press(&id, "", 100, 0).unwrap_err().id,
            ids::INVALID_DTMF
        );
        // The specification: "duration of 0 is invalid and will be ignored" (no error).
        assert_eq!(check_press(&id, "1", 0, 0), Ok(None));
        // Invalid keys are still refused, whatever the duration.
        assert_eq!(
            check_press(&id, "x", 0, 0).unwrap_err().id,
            ids::INVALID_DTMF
        );
        let p = check_press(&id, "1#", 20_000, 50).unwrap().unwrap();
        assert_eq!(p.length(), Duration::from_millis(2 * 8000 + 50));
        assert_eq!(
            check_press(&id, &"1".repeat(65), 100, 0).unwrap_err().id,
            ids::DTMF_TOO_LONG
        );
        // The hostile case: two keys with a break of u32::MAX ms is clamped, not allocated.
        let p = check_press(&id, "12", 100, u32::MAX).unwrap().unwrap();
        assert_eq!(p.gap, Duration::from_millis(u64::from(MAX_BREAK_MS)));
        // 64 keys of 8 s each: 16 minutes of tones, refused.
        assert_eq!(
            check_press(&id, &"1".repeat(64), 8000, 8000)
                .unwrap_err()
                .id,
            ids::DTMF_TOO_LONG
        );
        let b = bytes::Bytes::from_static(b"d");
        assert_eq!(
            check_press(&b, "x", 1, 0).unwrap_err(),
            check_press(&id, "x", 1, 0).unwrap_err(),
            "the id's representation does not change the refusal"
        );
    }
}
