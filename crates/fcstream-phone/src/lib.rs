//! # fcstream-phone
//!
//! `fcstream phone`: a browser tab as the caller. One page and one WebSocket; the page's
//! microphone becomes the caller's voice and the app's audio plays in the page, through the
//! emulator's platform model (the same one `fcstream call` drives, with a live caller:
//! `fcstream_emulator::live`).
//!
//! ```no_run
//! # async fn demo() -> Result<(), fcstream_phone::PhoneError> {
//! use fcstream_phone::{serve, AppTarget, PhoneOptions};
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8089").await.expect("bind");
//! let options = PhoneOptions::new(AppTarget::url("http://127.0.0.1:50051"), "phone-calls");
//! serve(listener, options).await // open http://127.0.0.1:8089/
//! # }
//! ```
//!
//! ## Layout
//!
//! - [`protocol`]: the WebSocket protocol (binary frames of 16-bit PCM at the call's rate,
//!   JSON control messages), its limits and the audio budget.
//! - [`server`]: the HTTP side: the embedded page, `/ws`, `/api/status`, the calls' files,
//!   loopback-only checks; [`router`] and [`serve`].
//! - `session` (private): one socket, one call: the live caller relayed both ways.
//! - [`jitter`]: the caller's jitter buffer between the page's bursty frames and the
//!   platform's 20 ms clock.
//! - [`calls`]: the bounded store of recent calls' output directories.
//!
//! The page itself is in `assets/` (HTML, JS, the AudioWorklet and its resampler), embedded
//! with `include_str!`; its design is in `docs/PHONE.md`.
#![warn(missing_docs)]

pub mod calls;
pub mod jitter;
pub mod protocol;
pub mod server;
mod session;

use std::net::SocketAddr;
use std::path::PathBuf;

pub use server::{check_listen, router, serve, serve_with_shutdown, AppTarget, PhoneOptions};

/// What stops the phone from being served. What happens during a call is told to the page.
#[derive(Debug, thiserror::Error)]
pub enum PhoneError {
    /// A listener beyond loopback without `allow_remote`.
    #[error("{0} is not a loopback address: fcstream phone serves this machine only unless told otherwise (--allow-remote)")]
    NotLoopback(SocketAddr),
    /// A file or socket error.
    #[error("{path}: {source}")]
    Io {
        /// What.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
}
