//! The library's error type: precise variants a caller can match on, never a panic.

use crate::audio::{dtmf::InvalidDigits, AudioError};
use crate::event::CallEnd;

/// Why a call is over, as seen by a command that was still waiting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EndCause {
    /// The platform said so with `NotifyCallEndedMessage`.
    Platform(CallEnd),
    /// The platform's stream closed without a `NotifyCallEndedMessage` (an abrupt network loss).
    StreamClosed,
    /// The stream failed (transport or decoding error).
    StreamError(String),
    /// The app's handler returned (or every handle of the call was dropped).
    HandlerFinished,
    /// No platform message arrived for the configured idle timeout.
    IdleTimeout,
    /// The call reached the configured maximum duration (the server hung up).
    MaxDuration,
    /// The server was shutting down and its drain timeout ran out.
    Shutdown,
    /// The server ended the call (shutdown, a limit, a protocol violation).
    Server(String),
}

impl std::fmt::Display for EndCause {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Platform(end) => write!(f, "{end}"),
            Self::StreamClosed => f.write_str("the stream closed without NotifyCallEndedMessage"),
            Self::StreamError(e) => write!(f, "the stream failed: {e}"),
            Self::HandlerFinished => f.write_str("the handler finished"),
            Self::IdleTimeout => {
                f.write_str("no message from the platform within the idle timeout")
            }
            Self::MaxDuration => f.write_str("the call reached the maximum call duration"),
            Self::Shutdown => f.write_str("the server shut down (drain timeout)"),
            Self::Server(why) => write!(f, "ended by the server: {why}"),
        }
    }
}

/// Everything that can go wrong in fcstream.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The call ended before the command was acknowledged.
    #[error("call ended: {0}")]
    CallEnded(EndCause),
    /// DTMF digits the platform would reject; nothing was sent.
    #[error(transparent)]
    InvalidDigits(#[from] InvalidDigits),
    /// An argument out of range; nothing was sent.
    #[error("invalid argument: {0}")]
    InvalidArgument(String),
    /// Audio that could not be read or converted.
    #[error(transparent)]
    Audio(#[from] AudioError),
    /// The platform did not answer this command while `limit` newer ones of its kind were
    /// waiting; it was released so that a silent platform cannot grow the call without bound.
    /// (The command was sent; the platform may still carry it out.)
    #[error("the platform did not acknowledge this {what} ({limit} newer ones were waiting)")]
    Unacknowledged {
        /// Which command: `press_dtmf`, `clear`, `query_buffer`, `hangup`.
        what: &'static str,
        /// The bound ([`crate::call::MAX_WAITERS`]).
        limit: usize,
    },
    /// The platform broke the wire contract.
    #[error("protocol violation: {0}")]
    Protocol(String),
    /// The server could not bind or serve.
    #[error("transport: {0}")]
    Transport(#[from] tonic::transport::Error),
    /// An I/O error (binding a socket, reading a file).
    #[error("I/O: {0}")]
    Io(#[from] std::io::Error),
    /// An error from the application's own code (or another crate's, such as a speech
    /// error from `fcstream-speech`), carried through a handler's `?`: see [`Error::app`].
    #[error("{0}")]
    App(Box<dyn std::error::Error + Send + Sync + 'static>),
}

impl Error {
    /// Wraps any application error so a handler can return it.
    pub fn app(e: impl Into<Box<dyn std::error::Error + Send + Sync + 'static>>) -> Self {
        Self::App(e.into())
    }

    /// Whether this error only says the call is over (the usual way a handler stops).
    pub fn is_call_ended(&self) -> bool {
        matches!(self, Self::CallEnded(_))
    }
}

/// `Result` with fcstream's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
