//! What the platform sends, as plain Rust: the [`Event`] enum and its conversion from the wire.
//!
//! This is the only place a [`crate::proto::PlatformMessage`] is taken apart (and, for the
//! emulator, put together). Everything after it works with typed values.

use std::fmt;
use std::time::SystemTime;

use bytes::Bytes;

use crate::audio::{ContentType, ContentTypeError};
use crate::proto::platform_message as pm;
use crate::proto::PlatformMessage;

/// Whether the call came in to the FreeClimb number or was placed by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// The caller dialled in (`is_inbound = true`).
    Inbound,
    /// FreeClimb placed the call (`is_inbound = false`).
    Outbound,
}

/// Who the call is with, from `NotifyCallStartedMessage`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallInfo {
    /// The SIP call id.
    pub call_id: String,
    /// The number called.
    pub to: String,
    /// The number calling.
    pub from: String,
    /// Inbound or outbound.
    pub direction: Direction,
    /// The strings of the PerCL `AudioStream` `metaData`, unchanged.
    pub metadata: Vec<String>,
    /// The call's audio format, for every frame both ways.
    pub content_type: ContentType,
}

/// Which of the platform's buffers a depth query is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BufferKind {
    /// The DTMF buffer (wire value 0, `DTMF`).
    Dtmf,
    /// The audio buffer (wire value 1, `Audio`).
    Audio,
}

impl BufferKind {
    /// The wire value of both `BufferType` enums.
    pub fn to_wire(self) -> i32 {
        match self {
            Self::Dtmf => 0,
            Self::Audio => 1,
        }
    }

    /// The kind for a wire value; unknown values are `None`.
    pub fn from_wire(v: i32) -> Option<Self> {
        match v {
            0 => Some(Self::Dtmf),
            1 => Some(Self::Audio),
            _ => None,
        }
    }
}

/// The platform's answer to a buffer-depth query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BufferDepth {
    /// Which buffer.
    pub kind: BufferKind,
    /// Entries in it now.
    pub depth: u32,
    /// How many entries it holds at most.
    pub size: u32,
}

/// Why the platform ended the call (`NotifyCallEndedMessage.ReasonCode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EndReason {
    /// The caller hung up (or transferred away with `*8`).
    CallerDisconnect,
    /// The app sent `TerminateCallMessage`.
    ApplicationDisconnect,
    /// The platform ended the call.
    PlatformDisconnect,
    /// The platform failed.
    PlatformError,
    /// A value this version does not know.
    Unknown(i32),
}

impl EndReason {
    /// From the wire value.
    pub fn from_wire(v: i32) -> Self {
        match v {
            0 => Self::CallerDisconnect,
            1 => Self::ApplicationDisconnect,
            2 => Self::PlatformDisconnect,
            3 => Self::PlatformError,
            other => Self::Unknown(other),
        }
    }

    /// The wire value.
    pub fn to_wire(self) -> i32 {
        match self {
            Self::CallerDisconnect => 0,
            Self::ApplicationDisconnect => 1,
            Self::PlatformDisconnect => 2,
            Self::PlatformError => 3,
            Self::Unknown(v) => v,
        }
    }

    /// The `.proto` name (`CALLER_DISCONNECT`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::CallerDisconnect => "CALLER_DISCONNECT",
            Self::ApplicationDisconnect => "APPLICATION_DISCONNECT",
            Self::PlatformDisconnect => "PLATFORM_DISCONNECT",
            Self::PlatformError => "PLATFORM_ERROR",
            Self::Unknown(_) => "UNKNOWN",
        }
    }
}

/// The end of a call as the platform reported it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallEnd {
    /// The call id the platform repeated.
    pub call_id: String,
    /// The reason code.
    pub reason: EndReason,
    /// The platform's human description.
    pub description: String,
}

impl fmt::Display for CallEnd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.reason.as_str())?;
        if !self.description.is_empty() {
            write!(f, " ({})", self.description)?;
        }
        Ok(())
    }
}

/// One 20 ms frame of what the caller said, in the call's wire format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AudioFrame {
    /// The samples, exactly as received (no copy).
    pub data: Bytes,
    /// Increases by one per frame from the start of the call.
    pub sequence: u32,
    /// When the span the frame covers began, per the platform's clock.
    pub start: Option<SystemTime>,
    /// When it ended.
    pub end: Option<SystemTime>,
}

/// An acknowledgement that names the app's id, with the platform's time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ack {
    /// The id the app chose.
    pub id: String,
    /// When it happened.
    pub at: Option<SystemTime>,
}

/// Everything the platform can tell the app.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Event {
    /// The first message of every call (the library consumes it and builds the `Call`).
    CallStarted(CallInfo),
    /// Caller audio.
    Audio(AudioFrame),
    /// The caller started pressing a key.
    DtmfStarted {
        /// The key (`0-9 * # A-D`).
        digit: char,
        /// When.
        at: Option<SystemTime>,
    },
    /// The caller released a key.
    DtmfEnded {
        /// The key.
        digit: char,
        /// When.
        at: Option<SystemTime>,
    },
    /// A `PlayAudioMessage` entry started playing.
    PlaybackStarted(Ack),
    /// A `PlayAudioMessage` entry finished playing.
    PlaybackCompleted(Ack),
    /// The audio buffer was cleared (echoes the clear's id).
    BufferCleared(Ack),
    /// DTMF the app asked for started playing.
    DtmfPlayStarted(Ack),
    /// DTMF the app asked for finished playing.
    DtmfPlayCompleted(Ack),
    /// The call is over.
    CallEnded(CallEnd),
    /// The platform reports an error; the call goes on.
    Error {
        /// Human text.
        message: String,
        /// The platform's stable id for the error.
        id: String,
    },
    /// The answer to a buffer-depth query.
    BufferDepth(BufferDepth),
}

/// Why a platform message could not become an [`Event`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EventError {
    /// The call's content type is none of the supported three.
    #[error(transparent)]
    ContentType(#[from] ContentTypeError),
    /// A DTMF notification whose digit is not exactly one DTMF key.
    #[error("DTMF notification with digit {:?}: expected one of 0-9 * # A-D", crate::untrusted::Untrusted(.0))]
    BadDigit(String),
    /// A buffer-depth notification with an unknown buffer type.
    #[error("buffer-depth notification with unknown buffer type {0}")]
    BadBufferType(i32),
}

/// A wire timestamp as a `SystemTime` (`None` when absent or out of range).
pub(crate) fn time(ts: Option<prost_types::Timestamp>) -> Option<SystemTime> {
    let t = ts?;
    // A timestamp as platforms send it (after 1970, nanos in range) in two additions, as
    // prost's conversion makes it of a normalized one; the rest through prost (four per
    // caller frame: the conversion's normalization was most of their cost).
    if t.seconds >= 0 && (0..1_000_000_000).contains(&t.nanos) {
        return SystemTime::UNIX_EPOCH
            .checked_add(std::time::Duration::from_secs(t.seconds as u64))
            .and_then(|s| s.checked_add(std::time::Duration::from_nanos(t.nanos as u64)));
    }
    SystemTime::try_from(t).ok()
}

fn stamp(t: Option<SystemTime>) -> Option<prost_types::Timestamp> {
    t.map(prost_types::Timestamp::from)
}

fn digit(s: &str) -> Result<char, EventError> {
    let mut chars = s.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) if crate::audio::dtmf::validate(s).is_ok() => Ok(c.to_ascii_uppercase()),
        _ => Err(EventError::BadDigit(s.to_string())),
    }
}

fn ack(id: String, timestamp: Option<prost_types::Timestamp>) -> Ack {
    Ack {
        id,
        at: time(timestamp),
    }
}

impl Event {
    /// Converts a platform message. `Ok(None)` is a message with no payload this version
    /// knows (a future addition to the protocol): callers log it and go on.
    pub fn from_proto(msg: PlatformMessage) -> Result<Option<Event>, EventError> {
        use pm::Payload as P;
        let Some(payload) = msg.payload else {
            return Ok(None);
        };
        Ok(Some(match payload {
            P::NotifyCallStarted(m) => Event::CallStarted(CallInfo {
                content_type: ContentType::parse(&m.content_type)?,
                call_id: m.call_id,
                to: m.to,
                from: m.from,
                direction: if m.is_inbound {
                    Direction::Inbound
                } else {
                    Direction::Outbound
                },
                metadata: m.metadata,
            }),
            P::NotifyAudioData(m) => Event::Audio(AudioFrame {
                data: m.audio_data,
                sequence: m.sequence_num,
                start: time(m.start_tstamp),
                end: time(m.end_tstamp),
            }),
            P::NotifyDtmfReceivedStartData(m) => Event::DtmfStarted {
                digit: digit(&m.digit)?,
                at: time(m.start_tstamp),
            },
            P::NotifyDtmfReceivedEndData(m) => Event::DtmfEnded {
                digit: digit(&m.digit)?,
                at: time(m.end_tstamp),
            },
            P::NotifyPlaybackStartedData(m) => Event::PlaybackStarted(ack(m.id, m.timestamp)),
            P::NotifyPlaybackCompletedData(m) => Event::PlaybackCompleted(ack(m.id, m.timestamp)),
            P::NotifyAudioClearedData(m) => Event::BufferCleared(ack(m.id, m.timestamp)),
            P::NotifyDtmfPlayStartedData(m) => Event::DtmfPlayStarted(ack(m.id, m.timestamp)),
            P::NotifyDtmfPlayCompletedData(m) => Event::DtmfPlayCompleted(ack(m.id, m.timestamp)),
            P::NotifyCallEnded(m) => Event::CallEnded(CallEnd {
                call_id: m.call_id,
                reason: EndReason::from_wire(m.reason_code),
                description: m.reason,
            }),
            P::NotifyError(m) => Event::Error {
                message: m.error_message,
                id: m.error_id,
            },
            P::NotifyBuffer(m) => Event::BufferDepth(BufferDepth {
                kind: BufferKind::from_wire(m.buffer_type)
                    .ok_or(EventError::BadBufferType(m.buffer_type))?,
                depth: m.depth,
                size: m.buffer_size,
            }),
        }))
    }

    /// The wire message for this event (what the platform, or the emulator, sends).
    pub fn to_proto(&self) -> PlatformMessage {
        use pm::Payload as P;
        let payload = match self.clone() {
            Event::CallStarted(i) => P::NotifyCallStarted(pm::NotifyCallStartedMessage {
                call_id: i.call_id,
                to: i.to,
                from: i.from,
                is_inbound: i.direction == Direction::Inbound,
                metadata: i.metadata,
                content_type: i.content_type.as_str().to_string(),
            }),
            Event::Audio(f) => P::NotifyAudioData(pm::NotifyAudioMessage {
                audio_data: f.data,
                start_tstamp: stamp(f.start),
                end_tstamp: stamp(f.end),
                sequence_num: f.sequence,
            }),
            Event::DtmfStarted { digit, at } => {
                P::NotifyDtmfReceivedStartData(pm::NotifyDtmfReceivedStartedMessage {
                    digit: digit.to_string(),
                    start_tstamp: stamp(at),
                })
            }
            Event::DtmfEnded { digit, at } => {
                P::NotifyDtmfReceivedEndData(pm::NotifyDtmfReceivedEndedMessage {
                    digit: digit.to_string(),
                    end_tstamp: stamp(at),
                })
            }
            Event::PlaybackStarted(a) => {
                P::NotifyPlaybackStartedData(pm::NotifyAudioPlaybackStartedMessage {
                    id: a.id,
                    timestamp: stamp(a.at),
                })
            }
            Event::PlaybackCompleted(a) => {
                P::NotifyPlaybackCompletedData(pm::NotifyAudioPlaybackCompletedMessage {
                    id: a.id,
                    timestamp: stamp(a.at),
                })
            }
            Event::BufferCleared(a) => {
                P::NotifyAudioClearedData(pm::NotifyAudioBufferClearedMessage {
                    id: a.id,
                    timestamp: stamp(a.at),
                })
            }
            Event::DtmfPlayStarted(a) => {
                P::NotifyDtmfPlayStartedData(pm::NotifyDtmfPlayStartedMessage {
                    id: a.id,
                    timestamp: stamp(a.at),
                })
            }
            Event::DtmfPlayCompleted(a) => {
                P::NotifyDtmfPlayCompletedData(pm::NotifyDtmfPlayCompletedMessage {
                    id: a.id,
                    timestamp: stamp(a.at),
                })
            }
            Event::CallEnded(e) => P::NotifyCallEnded(pm::NotifyCallEndedMessage {
                call_id: e.call_id,
                reason_code: e.reason.to_wire(),
                reason: e.description,
            }),
            Event::Error { message, id } => P::NotifyError(pm::NotifyErrorMessage {
                error_message: message,
                error_id: id,
            }),
            Event::BufferDepth(d) => P::NotifyBuffer(pm::NotifyBufferDepthMessage {
                buffer_type: d.kind.to_wire(),
                depth: d.depth,
                buffer_size: d.size,
            }),
        };
        PlatformMessage {
            payload: Some(payload),
        }
    }

    /// The `.proto` oneof member name of this event (`notify_audio_data`, ...), for logs.
    pub fn kind(&self) -> &'static str {
        match self {
            Event::CallStarted(_) => "notify_call_started",
            Event::Audio(_) => "notify_audio_data",
            Event::DtmfStarted { .. } => "notify_dtmf_received_start_data",
            Event::DtmfEnded { .. } => "notify_dtmf_received_end_data",
            Event::PlaybackStarted(_) => "notify_playback_started_data",
            Event::PlaybackCompleted(_) => "notify_playback_completed_data",
            Event::BufferCleared(_) => "notify_audio_cleared_data",
            Event::DtmfPlayStarted(_) => "notify_dtmf_play_started_data",
            Event::DtmfPlayCompleted(_) => "notify_dtmf_play_completed_data",
            Event::CallEnded(_) => "notify_call_ended",
            Event::Error { .. } => "notify_error",
            Event::BufferDepth(_) => "notify_buffer",
        }
    }
}
