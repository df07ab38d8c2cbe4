//! What the app sends, as plain Rust: the [`Command`] enum and its conversion to the wire.
//!
//! This is the only place a [`crate::proto::AppMessage`] is put together (and, for the
//! emulator, taken apart). The conversion from the wire is lossless on purpose: the emulator
//! must see exactly what an app of any language sent, bad content types included.

use bytes::Bytes;

use crate::event::BufferKind;
use crate::proto::app_message as am;
use crate::proto::AppMessage;

/// Everything an app can ask of the platform.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// One entry for the platform's audio buffer.
    PlayAudio {
        /// Chosen by the app; echoed in the playback notifications. Chunks of one clip share it.
        id: String,
        /// Samples in `content_type`.
        audio: Bytes,
        /// Must name the call's format (same rate); sent canonical by fcstream.
        content_type: String,
        /// Position of this chunk within the clip, from 0.
        sequence: u32,
        /// Whether this is the clip's final chunk.
        last: bool,
    },
    /// Drop everything buffered and not yet played.
    ClearAudioBuffer {
        /// Echoed in `NotifyAudioBufferClearedMessage`.
        id: String,
    },
    /// Press keys on the call.
    PressDtmf {
        /// Echoed in the DTMF play notifications.
        id: String,
        /// `0-9 * # a b c d`.
        digits: String,
        /// How long each key is held, 1..=8000 ms.
        press_ms: u32,
        /// Silence between keys.
        break_ms: u32,
        /// Increases per DTMF command of the call.
        sequence: u32,
    },
    /// Hang up the call.
    TerminateCall,
    /// End the stream and continue at `action_url`. Unimplemented by FreeClimb: "do not use".
    EndStream {
        /// Would override the PerCL `actionUrl`.
        action_url: String,
    },
    /// Ask how full a buffer is; answered by `NotifyBufferDepthMessage`.
    QueryBuffer(BufferKind),
}

/// An app message this version cannot represent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CommandError {
    /// No oneof member this version knows (or none at all).
    #[error("app message with no known payload")]
    UnknownPayload,
    /// A query for a buffer type that does not exist.
    #[error("QueryBufferDepthMessage with unknown buffer type {0}")]
    BadBufferType(i32),
}

impl Command {
    /// The wire message.
    pub fn to_proto(&self) -> AppMessage {
        self.clone().into_proto()
    }

    /// The wire message, taking the command: its strings and audio move into it (the server's
    /// send path: no copy of the id or content type per message).
    pub fn into_proto(self) -> AppMessage {
        use am::Payload as P;
        let payload = match self {
            Command::PlayAudio {
                id,
                audio,
                content_type,
                sequence,
                last,
            } => P::AudioData(am::PlayAudioMessage {
                id,
                audio_data: audio,
                content_type,
                sequence_num: sequence,
                last_message: last,
            }),
            Command::ClearAudioBuffer { id } => {
                P::ClearAudioBuffer(am::ClearAudioBufferMessage { id })
            }
            Command::PressDtmf {
                id,
                digits,
                press_ms,
                break_ms,
                sequence,
            } => P::DtmfData(am::PressDtmfMessage {
                id,
                dtmf_digits: digits,
                press_duration_ms: press_ms,
                break_duration_ms: break_ms,
                sequence_num: sequence,
            }),
            Command::TerminateCall => P::TerminateCall(am::TerminateCallMessage {}),
            Command::EndStream { action_url } => {
                P::EndStream(am::EndGrpcStreamMessage { action_url })
            }
            Command::QueryBuffer(kind) => P::QueryBuffer(am::QueryBufferDepthMessage {
                buffer_type: kind.to_wire(),
            }),
        };
        AppMessage {
            payload: Some(payload),
        }
    }

    /// Converts a received app message (the platform's side of the wire).
    pub fn from_proto(msg: AppMessage) -> Result<Command, CommandError> {
        use am::Payload as P;
        Ok(match msg.payload.ok_or(CommandError::UnknownPayload)? {
            P::AudioData(m) => Command::PlayAudio {
                id: m.id,
                audio: m.audio_data,
                content_type: m.content_type,
                sequence: m.sequence_num,
                last: m.last_message,
            },
            P::ClearAudioBuffer(m) => Command::ClearAudioBuffer { id: m.id },
            P::DtmfData(m) => Command::PressDtmf {
                id: m.id,
                digits: m.dtmf_digits,
                press_ms: m.press_duration_ms,
                break_ms: m.break_duration_ms,
                sequence: m.sequence_num,
            },
            P::TerminateCall(_) => Command::TerminateCall,
            P::EndStream(m) => Command::EndStream {
                action_url: m.action_url,
            },
            P::QueryBuffer(m) => Command::QueryBuffer(
                BufferKind::from_wire(m.buffer_type)
                    .ok_or(CommandError::BadBufferType(m.buffer_type))?,
            ),
        })
    }

    /// The `.proto` oneof member name (`audio_data`, ...), for logs.
    pub fn kind(&self) -> &'static str {
        match self {
            Command::PlayAudio { .. } => "audio_data",
            Command::ClearAudioBuffer { .. } => "clear_audio_buffer",
            Command::PressDtmf { .. } => "dtmf_data",
            Command::TerminateCall => "terminate_call",
            Command::EndStream { .. } => "end_stream",
            Command::QueryBuffer(_) => "query_buffer",
        }
    }
}
