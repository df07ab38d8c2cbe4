//! # fcstream-sip
//!
//! `fcstream sip`: a SIP user agent server that answers softphones and PBXes, carries PCMU
//! RTP, and bridges each SIP call into the app's gRPC stream through the emulator's platform
//! model (the same one `fcstream call` drives). See docs/SIP.md.
//!
//! ## Layout
//!
//! Sans-I/O parts (take `now`, return what to send), then the I/O:
//! - [`sip`]: SIP messages on the wire (rsip, plus compact forms, Content-Length and the
//!   lenient read that lets a malformed request still get its `400`).
//! - [`sdp`]: the offer/answer: PCMU/8000 and telephone-event (sdp-types).
//! - [`uas`]: the user agent server: transactions, dialogs, RFC 3261 timers over UDP.
//! - [`rtp`]: a call's RTP in (latching, flood bound, jitter buffer) and out (20 ms pacing,
//!   sequence/timestamp/SSRC), on rtp-rs.
//! - [`jitter`]: the jitter buffer.
//! - [`rfc4733`]: telephone-events (DTMF) both ways.
//! - [`server`]: the sockets and tasks: one SIP socket, one task and RTP socket per call,
//!   each call one live emulator call ([`fcstream_emulator::live`]).
#![warn(missing_docs)]

pub mod jitter;
pub mod rfc4733;
pub mod rtp;
pub mod sdp;
pub mod server;
pub mod sip;
pub mod uas;

pub use server::{serve, App, CallRecord, SipError, SipOptions, SipServer};

/// What we call ourselves in `Server` and `User-Agent`.
pub const USER_AGENT: &str = concat!("fcstream/", env!("CARGO_PKG_VERSION"));
