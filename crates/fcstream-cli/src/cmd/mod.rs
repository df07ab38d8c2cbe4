//! One module per `fcstream` subcommand.

pub mod bridge;
pub mod call;
pub mod conform;
pub mod demo;
pub mod load;
#[cfg(feature = "whisper")]
pub mod models;
pub mod phone;
pub mod replay;
pub mod serve;
pub mod sip;
pub mod stt;
pub mod variant;
