//! # fcstream-apps
//!
//! Ready-made apps: handlers that `fcstream serve --app NAME` runs, that tests and benchmarks
//! call, and that newcomers read as examples. They are a crate of their own so that the core
//! `fcstream` crate stays what an app links, with no app (and no speech) inside it; each app is
//! a thin handler over the core's [`Call`](fcstream::Call).
//!
//! ```no_run
//! # async fn run() -> fcstream::Result<()> {
//! fcstream::Server::bind("0.0.0.0:50051").serve(fcstream_apps::echo).await
//! # }
//! ```
//!
//! ## Layout
//!
//! - [`echo`](mod@echo): plays the caller's audio back and presses their keys back (core only).
//! - [`ivr`](mod@ivr): a tiny phone menu with generated prompts, the `fcstream demo` app (core only).
//! - [`agent`] (feature `agent`): the voice agent: speech-to-text, intents, text-to-speech and
//!   barge-in, a loop over the dialog layer (`fcstream-dialog`: `ask`, `say_then_hangup`,
//!   whose sans-I/O turn machine holds every timing decision) on `fcstream-speech`.
//!
//! ## Features
//!
//! - `agent` (default): the [`agent`] module, and with it the dependency on
//!   `fcstream-speech` (its pure parts only: the traits, the bridge, TTS and VAD; the caller
//!   picks the recogniser). Without it, echo and ivr compile against the core alone.
#![warn(missing_docs)]
#![forbid(unsafe_code)]

#[cfg(feature = "agent")]
pub mod agent;
pub mod echo;
pub mod ivr;

pub use echo::echo;
pub use ivr::ivr;
