//! # fcstream-speech
//!
//! Speech for fcstream voice agents: speech-to-text over gRPC, a local recognition engine,
//! text-to-speech, voice activity detection, and the bridge that feeds a call's audio to a
//! recogniser in real time. It is a crate of its own so that an app that only plays and
//! records audio (an echo, a menu) links none of it: the core `fcstream` crate knows nothing
//! of speech, and all of fcstream's `unsafe` code (the PocketSphinx FFI) lives here.
//!
//! The shapes here are small traits so other engines plug in:
//!
//! - [`Transcriber`]: opens one streaming recognition ([`SttStream`]): PCM in, [`Transcript`]s
//!   out. `google::GoogleStt` (feature `grpc`) speaks the Google Cloud Speech-to-Text v1
//!   `StreamingRecognize` subset (also what `fcstream stt-serve` serves, and what NVIDIA Riva
//!   mirrors).
//! - [`engine::Recognizer`]: a synchronous decoder a recognition service runs per stream;
//!   `engine::whisper` (feature `whisper`: OpenAI Whisper through CTranslate2) is the offline
//!   default when its model is installed, `engine::pocketsphinx` (feature `pocketsphinx`) the
//!   light one.
//! - [`tts::Synthesizer`]: text to [`Audio`](fcstream::Audio); [`tts::natural`] picks Festival
//!   HTS, Flite or espeak-ng, cached.
//! - [`vad::Vad`]: is the caller speaking (energy); `vad::neural::NeuralVad` (feature
//!   `neural-vad`): the same question asked of earshot's small neural network.
//! - [`bridge::SttBridge`]: call audio → a [`Transcriber`], paced in real time, restarted before
//!   hosted services' stream limits, broken streams surfaced as events.
//!
//! ## Layout
//!
//! - this module: the recognition traits and types ([`Transcriber`], [`SttStream`],
//!   [`SttConfig`], [`Transcript`]) and the recognition error, [`SttError`].
//! - [`vad`]: the energy voice activity detector (pure, no I/O); `vad::neural` (feature
//!   `neural-vad`): earshot's neural detector behind the same events.
//! - [`tts`]: the [`tts::Synthesizer`] trait, espeak-ng ([`tts::EspeakNg`]), Festival
//!   ([`tts::Festival`]), Flite ([`tts::Flite`]), the pick of them ([`tts::natural`]) and a
//!   cache ([`tts::CachedTts`]); its error is [`tts::TtsError`].
//! - [`bridge`]: [`bridge::SttBridge`], a call's audio to any [`Transcriber`].
//! - [`engine`]: the [`engine::Engine`]/[`engine::Recognizer`] traits a recognition service
//!   runs, `engine::pocketsphinx` (feature `pocketsphinx`) and `engine::whisper` (feature
//!   `whisper`: the model, its pinned checksums, the shared worker pool).
//! - `google` (feature `grpc`): the Speech v1 wire types generated from `proto/` and the
//!   `GoogleStt` client.
//! - `service` (feature `grpc`): the local Speech v1 service over any [`engine::Engine`]
//!   (`fcstream stt-serve`).
//! - `fuzzing` (feature `grpc`, hidden): the speech fuzz target's entry point, for the fuzz
//!   crate and the corpus-replay test.
//!
//! ## Features
//!
//! - `grpc` (default): `google` and `service`, on tonic; the build script compiles the protos
//!   under `proto/` only with it.
//! - `pocketsphinx` (default): `engine::pocketsphinx`, which opens `libpocketsphinx.so.3` at
//!   run time with `libloading`.
//!
//! - `whisper` (off by default; `fcstream-cli` turns it on): `engine::whisper`, on ct2rs, which
//!   vendors and builds CTranslate2 (cmake and a C++ compiler at build time). Implies
//!   `neural-vad`.
//! - `neural-vad`: `vad::neural`, on earshot (pure Rust).
//!
//! With `default-features = false` what is left is pure: the traits, [`vad`], [`tts`] and
//! [`bridge`] (the emulator uses it so).
//!
//! Errors are this crate's own ([`SttError`], [`tts::TtsError`]); a handler returning
//! `fcstream::Result` carries them with `fcstream::Error::app`.
#![warn(missing_docs)]
// The FFI of `engine::pocketsphinx` is the only `unsafe` code, allowed there alone.
#![deny(unsafe_code)]

pub mod bridge;
pub mod engine;
#[cfg(feature = "grpc")]
#[doc(hidden)]
pub mod fuzzing;
#[cfg(feature = "grpc")]
pub mod google;
#[cfg(feature = "grpc")]
pub mod service;
pub mod tts;
pub mod vad;

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use bytes::Bytes;
use tokio::sync::mpsc;

/// What a recognition stream is asked to do (the part of Google's `RecognitionConfig` and
/// `StreamingRecognitionConfig` that fcstream uses).
#[derive(Debug, Clone, PartialEq)]
pub struct SttConfig {
    /// Samples per second of the PCM sent (16-bit signed, little-endian, mono).
    pub sample_rate: u32,
    /// BCP-47 language, e.g. `en-US`.
    pub language: String,
    /// Phrase hints (`speech_contexts`): words and phrases the app expects to hear.
    pub phrases: Vec<String>,
    /// Whether interim (not final) results are wanted.
    pub interim_results: bool,
}

impl SttConfig {
    /// Recognition of PCM at `sample_rate` Hz, other settings default.
    pub fn new(sample_rate: u32) -> Self {
        Self {
            sample_rate,
            ..Self::default()
        }
    }

    /// With these phrase hints.
    pub fn with_phrases<S: Into<String>>(mut self, phrases: impl IntoIterator<Item = S>) -> Self {
        self.phrases = phrases.into_iter().map(Into::into).collect();
        self
    }
}

impl Default for SttConfig {
    fn default() -> Self {
        Self {
            sample_rate: 8000,
            language: "en-US".into(),
            phrases: Vec::new(),
            interim_results: true,
        }
    }
}

/// One recognition result.
#[derive(Debug, Clone, PartialEq)]
pub struct Transcript {
    /// The words recognised (lower case for the local engine).
    pub text: String,
    /// Final: this stretch of audio will not be revised. Interim results may change.
    pub is_final: bool,
    /// For interim results, how likely the text is to stay (0..=1); 1 for finals.
    pub stability: f32,
    /// Confidence of a final result (0..=1); 0 when the engine does not say.
    pub confidence: f32,
    /// Where in the stream's audio this result ends (Google's `result_end_time`).
    pub end_offset: Duration,
}

/// Why a recognition stream failed.
#[derive(Debug, Clone, thiserror::Error, PartialEq)]
pub enum SttError {
    /// The service could not be reached or the connection broke.
    #[error("speech service unavailable: {0}")]
    Unavailable(String),
    /// The service ended the stream with an error status (limits, bad config, internal).
    #[error("speech service error ({code}): {message}")]
    Status {
        /// The gRPC status code's name, e.g. `OUT_OF_RANGE`.
        code: String,
        /// The service's message.
        message: String,
    },
    /// The configuration was refused before anything was sent.
    #[error("invalid speech configuration: {0}")]
    InvalidConfig(String),
    /// The recognition engine failed (missing model or library, decoder error).
    #[error("speech engine: {0}")]
    Engine(String),
}

/// An open recognition stream. Send PCM (16-bit little-endian mono at
/// [`SttConfig::sample_rate`]) on `audio`; drop `audio` to end the stream (the service then
/// sends its last finals and `results` ends). A failure arrives as one `Err` on `results`,
/// after which the stream is over.
pub struct SttStream {
    /// Audio to recognise.
    pub audio: mpsc::Sender<Bytes>,
    /// What was recognised, in order.
    pub results: mpsc::Receiver<Result<Transcript, SttError>>,
}

/// A boxed future, so [`Transcriber`] stays object safe.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A streaming speech recogniser: opens one [`SttStream`] per utterance run.
pub trait Transcriber: Send + Sync + 'static {
    /// Opens a recognition stream.
    fn open(&self, config: &SttConfig) -> BoxFuture<'_, Result<SttStream, SttError>>;
}
