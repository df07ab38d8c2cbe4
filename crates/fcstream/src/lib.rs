//! # fcstream
//!
//! Write a FreeClimb Audio Streaming phone call as straight-line async Rust.
//!
//! ```no_run
//! use fcstream::{Audio, Call, Server};
//! use std::time::Duration;
//!
//! async fn menu(mut call: Call) -> fcstream::Result<()> {
//!     call.play(Audio::tone(440.0, Duration::from_millis(300), 8000)).await?;
//!     match call.gather_digits(1, Duration::from_secs(5)).await?.as_deref() {
//!         Some("1") => {
//!             call.press_dtmf("1", 100, 50).await?;
//!         }
//!         _ => {
//!             call.hangup().await?;
//!         }
//!     }
//!     Ok(())
//! }
//!
//! #[tokio::main]
//! async fn main() -> fcstream::Result<()> {
//!     Server::bind("0.0.0.0:50051").serve(menu).await
//! }
//! ```
//!
//! ## Layout
//!
//! - [`proto`]: the wire types generated from `proto/freeclimb.proto`, for who wants them raw.
//! - [`event`] and [`command`]: the same messages as plain Rust ([`Event`] from the platform,
//!   [`Command`] to it), converted from and to the wire in exactly one place each.
//! - [`audio`]: content types, µ-law, l16 byte order, resampling, framing, WAV, DTMF tones.
//! - [`call`]: one call: the event queue, playback pacing, the protocol state machine
//!   (no I/O) and the task that drives it; [`Call`] is what a handler gets.
//! - [`server`]: the tonic service and [`Server`], one task per call.
//! - `percl` (feature `webhooks`): PerCL, the call-control script that starts a stream
//!   (`AudioStream`) and continues the call after it.
//! - `webhook` (feature `webhooks`): FreeClimb's webhook bodies and the `FreeClimb-Signature`
//!   check and signer.
//! - `http` (feature `webhooks`): the axum endpoint that answers those webhooks with PerCL,
//!   beside the server.
//! - [`time`]: the clock a call runs on, real or virtual ([`time::VirtualClock`]: whole calls
//!   in virtual time without tokio's `test-util`).
//! - [`untrusted`]: wire text made safe to log or echo (escaped, cut at 128 characters).
//! - [`record`]: opt-in recording of every call (stereo WAV: caller and what the platform
//!   confirmed it played; JSON-lines timeline of every message), streamed with bounded memory.
//! - [`auth`]: who may open a call stream on this server ([`StreamAuth`]).
//! - `tls_client` (feature `tls`): the trust of fcstream's TLS clients (web roots plus extra
//!   CAs), for the load generator's `https://` and the bridge's `wss://`.
//! - [`buckets`]: the log-linear bucket edges of latency histograms (the load generator's and
//!   the bridge's).
//! - [`error`]: [`Error`], [`EndCause`] and [`Result`].
//! - [`error_ids`]: the platform model's stable `NotifyErrorMessage` ids.
//! - [`varint`]: protobuf varints for the hand-written codecs of the per-frame path (the
//!   server's and the load generator's).
//!
//! ## Features
//!
//! - `webhooks` (default): the `percl`, `webhook` and `http` modules (axum, HMAC, JSON).
//! - `metrics` (default): [`Metrics`] keeps Prometheus counters and renders them; without it
//!   `Metrics` is a no-op with the same API, and the Prometheus registry is not compiled.
//! - `tls` (default): TLS and mutual TLS on the gRPC port ([`TlsConfig`]; rustls, ring).
//!
//! An app that only needs [`Call`] and [`Server`] builds with `default-features = false`.
//!
//! Speech (recognition, synthesis, voice activity) is the `fcstream-speech` crate, and the
//! ready-made apps (echo, ivr, the voice agent) are `fcstream-apps`: this crate knows neither.
#![warn(missing_docs)]
// fcstream's only `unsafe` code (an FFI) is in `fcstream-speech`.
#![forbid(unsafe_code)]

pub mod audio;
pub mod auth;
pub mod buckets;
pub mod call;
pub mod command;
pub mod error;
pub mod error_ids;
pub mod event;
#[doc(hidden)]
pub mod fuzzing;
#[cfg(feature = "webhooks")]
pub mod http;
#[cfg(feature = "webhooks")]
pub mod percl;
pub mod proto;
pub mod record;
pub mod server;
pub mod time;
#[cfg(feature = "tls")]
pub mod tls_client;
pub mod untrusted;
pub mod varint;
#[cfg(feature = "webhooks")]
pub mod webhook;

pub use audio::{Audio, ContentType};
pub use auth::StreamAuth;
pub use call::{
    Call, CallControl, CallEvents, CallStats, Heard, PlayOutcome, Playback, PlaybackConfig,
    PromptPlayback,
};
pub use command::Command;
pub use error::{EndCause, Error, Result};
pub use event::{
    Ack, AudioFrame, BufferDepth, BufferKind, CallEnd, CallInfo, Direction, EndReason, Event,
};
pub use server::{CallConfig, CallService, Handler, Metrics, Server, Shutdown, TlsConfig};

/// The README's code blocks, compiled as doc tests so the first example a newcomer copies
/// always builds.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
struct ReadmeDoctests;
