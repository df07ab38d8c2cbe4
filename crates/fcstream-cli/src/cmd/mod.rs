//! One module per `fcstream` subcommand.

pub mod call;
pub mod demo;
pub mod load;
pub mod serve;
pub mod stt;
