//! # fcstream-emulator
//!
//! The FreeClimb platform side of an audio stream, on a laptop: call any app that speaks
//! `freeclimb.GRPCStreamService/SendIVRData` (in any language), with a scripted caller, and
//! get back exactly what the caller heard, what they said, every message both ways and a
//! summary. It follows the wire contract and the platform model of `PROTOCOL.md`; every
//! choice the specification leaves open is documented in `docs/EMULATOR.md`.
//!
//! ```no_run
//! use fcstream_emulator::{connect, run, ConnectOptions, Script, Source};
//! use fcstream::ContentType;
//! use std::time::Duration;
//!
//! # async fn demo() -> Result<(), fcstream_emulator::EmulatorError> {
//! let channel = connect("http://127.0.0.1:50051", &ConnectOptions::default()).await?;
//! let script = Script::new(ContentType::Mulaw8k)
//!     .say(Duration::ZERO, Source::Tone { hz: 440.0, duration: Some(Duration::from_secs(2)) })
//!     .press('1', Duration::from_secs(3), Duration::from_millis(120))
//!     .hangup_after(Duration::from_secs(6));
//! let report = run(channel, &script).await?;
//! println!("{}", report.summary);
//! report.write_to("out".as_ref())?; // heard.wav, heard.png, caller.wav, timeline.jsonl, summary.json
//! # Ok(()) }
//! ```
//!
//! ## Layout
//!
//! - [`script`]: what the caller does and how the platform behaves ([`Script`], TOML).
//! - [`flow`]: the whole FreeClimb flow, HTTP first: signed webhooks, PerCL, the stream,
//!   the `actionUrl` callback.
//! - [`faults`]: failures on demand (platform error, disconnect, dropped stream, slow
//!   acknowledgements, jitter) with a seeded generator.
//! - [`caller`]: the caller's voice, frame by frame (WAV, tones, sweeps, babble, key tones).
//! - The platform model, written once and shared by every front door:
//!   - [`rules`]: which app messages are admitted, and the exact refusal of the others;
//!   - [`buffers`]: the audio and DTMF buffers on an abstract clock (a sans-I/O state
//!     machine: plays, acks in each [`buffers::AckShape`], clears, DTMF order, depth);
//!   - [`model`]: the buffers on the call's sample clock, rendering what the caller hears;
//!   - [`error_ids`]: the stable `NotifyErrorMessage` ids.
//!   - the load generator (`fcstream load`) is its own crate, `fcstream-load`, answering
//!     on these same rules and buffers (timing only).
//! - [`platform`]: the one task per call that drives it all over a tonic channel.
//! - [`live`]: a person as the caller (the browser phone, the SIP front door): the caller's
//!   voice and keys as they happen, what they hear as it is played.
//! - [`control`]: reaching into a running call: watch its timeline as it is written, hang up
//!   now (Ctrl-C).
//! - [`timeline`], [`report`]: the outputs; [`story`] tells them to people;
//!   [`analysis`] measures recorded audio (DTMF with times, sound spans, delay, pitch).
//! - [`picture`]: the picture of a call (`heard.png`): waveforms, spectrogram and events.
//! - [`speech`]: when the caller spoke and how fast the app reacted (barge-in and response
//!   latency, in the summary).
//! - [`connect`](mod@connect), [`in_process`], [`clock`]: how to reach the app (a URL, or in-memory pipes)
//!   and the two clocks (real time, or tokio's paused clock for virtual time).
//! - [`conform`]: `fcstream conform`, the emulator as a judge: named cases, each a scripted
//!   call with expectations of the server under test, reported as a table, JSON or JUnit.
//! - [`replay`]: record & replay (`fcstream call --record`, `fcstream replay`): a call's
//!   caller side played again against any server, and a timing-tolerant diff of what the app
//!   did then and now; `replay::server` reads a server's own recording (`fcstream serve
//!   --record-dir`) as one.
#![warn(missing_docs)]

pub mod analysis;
pub mod buffers;
pub mod caller;
pub mod clock;
pub mod conform;
pub mod connect;
pub mod control;
pub mod error_ids;
pub mod faults;
pub mod flow;
pub mod in_process;
pub mod live;
pub mod model;
pub mod picture;
pub mod platform;
pub mod replay;
pub mod report;
pub mod rules;
pub mod script;
pub mod speech;
pub mod story;
pub mod timeline;

use std::path::PathBuf;

pub use connect::{connect, ConnectOptions};
pub use control::{HangUp, Observer};
pub use faults::Faults;
pub use flow::{run_flow, Flow, FlowError, FlowReport, FlowStep};
pub use platform::{run, run_live, run_with, RunOptions};
pub use report::{CallOutcome, CallReport, Summary};
pub use script::{
    CallSetup, Hangup, KeyPress, PlatformConfig, PlatformVariant, Script, Segment, Source,
};
pub use timeline::{Dir, TimelineEntry};

/// What stops the emulator from placing or recording a call. What happens on the wire
/// during a call is never an error: it is in the [`CallReport`].
#[derive(Debug, thiserror::Error)]
pub enum EmulatorError {
    /// The script is invalid.
    #[error(transparent)]
    Script(#[from] script::ScriptError),
    /// Caller audio could not be read or converted, or an output WAV written.
    #[error(transparent)]
    Audio(#[from] fcstream::audio::AudioError),
    /// The URL is not usable.
    #[error("invalid URL {url:?}: {why}")]
    Url {
        /// The URL given.
        url: String,
        /// What is wrong.
        why: String,
    },
    /// The app could not be reached.
    #[error("cannot connect to {url} (is the app running and listening there?)")]
    Connect {
        /// Where.
        url: String,
        /// Why.
        #[source]
        source: tonic::transport::Error,
    },
    /// An output file could not be written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// Something else invalid in the request (a header value, ...).
    #[error("{0}")]
    Invalid(String),
}
