//! The stable `NotifyErrorMessage` ids of the platform model (the emulator sends them; the
//! server's metrics label platform errors with them).
//!
//! FreeClimb documents when it sends `NotifyErrorMessage` but not its `error_id` strings, so
//! these are the project's (model). They never change meaning; apps and tests may match on
//! them. After every one of them the call goes on. Any other id a platform sends is counted
//! as `other` (an id is wire input: it never becomes a metric label of its own).

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
/// Nothing is played. (Values above 8000 are reduced to 8000 without an error, and so are
/// breaks.)
pub const INVALID_DTMF_DURATION: &str = "invalid-dtmf-duration";
/// `PressDTMFMessage` asks for more than 64 (`fcstream_emulator::rules::MAX_DTMF_KEYS`) keys, or for a job
/// longer than 120 s (`fcstream_emulator::rules::MAX_DTMF_JOB`) (tones and breaks). Nothing is played.
pub const DTMF_TOO_LONG: &str = "dtmf-too-long";
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
pub const ALL: [&str; 11] = [
    INVALID_CONTENT_TYPE,
    EMPTY_AUDIO,
    INVALID_AUDIO_LENGTH,
    AUDIO_BUFFER_FULL,
    INVALID_DTMF,
    INVALID_DTMF_DURATION,
    DTMF_TOO_LONG,
    DTMF_BUFFER_FULL,
    END_STREAM_UNIMPLEMENTED,
    INVALID_BUFFER_TYPE,
    UNKNOWN_MESSAGE,
];

/// `id` if it is one of [`ALL`], else `"other"`: a bounded label for what a platform sent.
pub fn known_or_other(id: &str) -> &'static str {
    ALL.into_iter().find(|k| *k == id).unwrap_or("other")
}
