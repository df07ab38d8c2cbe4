//! The stable ids of the emulator's `NotifyErrorMessage`s.
//!
//! FreeClimb documents when it sends `NotifyErrorMessage` but not its `error_id` strings, so
//! these are the project's (model). They never change meaning; apps and tests may match on
//! them. After every one of them the call goes on.

/// `PlayAudioMessage.content_type` is not one of the three formats, or its rate differs from
/// the call's (the platform transcodes µ-law ⇄ l16 at the call's rate only). Entry dropped.
pub const INVALID_CONTENT_TYPE: &str = "invalid-content-type";
/// `PlayAudioMessage.audio_data` is empty. Entry dropped.
pub const EMPTY_AUDIO: &str = "empty-audio";
/// `PlayAudioMessage.audio_data` is not a whole number of samples (an odd length in l16).
/// Entry dropped.
pub const INVALID_AUDIO_LENGTH: &str = "invalid-audio-length";
/// The audio buffer already holds `buffer_size` entries (the one playing included). Entry
/// dropped.
pub const AUDIO_BUFFER_FULL: &str = "audio-buffer-full";
/// `PressDTMFMessage.dtmf_digits` is empty or holds a character outside `0-9 * # a-d`
/// (any case). Nothing is played.
pub const INVALID_DTMF: &str = "invalid-dtmf";
/// `PressDTMFMessage.press_duration_ms` is 0, which the specification says is ignored.
/// Nothing is played. (Values above 8000 are reduced to 8000 without an error.)
pub const INVALID_DTMF_DURATION: &str = "invalid-dtmf-duration";
/// The DTMF buffer already holds `buffer_size` presses (the one playing included). Nothing
/// is played.
pub const DTMF_BUFFER_FULL: &str = "dtmf-buffer-full";
/// `EndGrpcStreamMessage`: FreeClimb does not implement it ("do not use"). Ignored.
pub const END_STREAM_UNIMPLEMENTED: &str = "end-stream-unimplemented";
/// `QueryBufferDepthMessage.buffer_type` is neither `DTMF` (0) nor `Audio` (1). Ignored.
pub const INVALID_BUFFER_TYPE: &str = "invalid-buffer-type";
/// An `AppMessage` with no payload this platform knows (empty, or a future addition).
/// Ignored.
pub const UNKNOWN_MESSAGE: &str = "unknown-message";

/// Every id, for documentation and tests.
pub const ALL: [&str; 10] = [
    INVALID_CONTENT_TYPE,
    EMPTY_AUDIO,
    INVALID_AUDIO_LENGTH,
    AUDIO_BUFFER_FULL,
    INVALID_DTMF,
    INVALID_DTMF_DURATION,
    DTMF_BUFFER_FULL,
    END_STREAM_UNIMPLEMENTED,
    INVALID_BUFFER_TYPE,
    UNKNOWN_MESSAGE,
];
