//! # fcstream-bridge
//!
//! FreeClimb calls into any bot written for Twilio Media Streams (Pipecat, Vocode and the
//! rest): every FreeClimb call opens one WebSocket to the bot and speaks Twilio's protocol
//! on it — `connected`, `start`, `media`, `dtmf`, `mark`, `stop` to the bot; `media`, `mark`,
//! `clear` from it. The bot's audio is paced through fcstream's flow control, its marks are
//! answered when the audio before them has played (or was cleared), and every bound holds
//! whatever the bot sends. `docs/BRIDGE.md` has the message mapping and the failure rules.
//!
//! ```no_run
//! use fcstream::Server;
//! use fcstream_bridge::{Bridge, BridgeConfig};
//!
//! # async fn demo() -> fcstream::Result<()> {
//! Server::bind("0.0.0.0:50051")
//!     .serve(Bridge::new(BridgeConfig::new("ws://127.0.0.1:8765/ws")))
//!     .await
//! # }
//! ```
//!
//! ## Layout
//!
//! - [`twilio`]: the Media Streams messages, built (to the bot) and parsed (from it).
//! - [`handler`]: [`Bridge`], the per-call bridge (a [`fcstream::Handler`]) and its
//!   [`BridgeConfig`].
//! - [`stats`]: [`BridgeStats`], the bridge's counters (connect time, marks outstanding,
//!   refused bot input) and its latency each way ([`stats::Latency`] histograms), as numbers
//!   or Prometheus text.
#![warn(missing_docs)]
#![forbid(unsafe_code)]

pub mod handler;
pub mod stats;
pub mod twilio;

pub use handler::{bot_url, default_fallback, Bridge, BridgeConfig, OnBotClose};
pub use stats::{BridgeStats, LatencySnapshot, StatsSnapshot};
