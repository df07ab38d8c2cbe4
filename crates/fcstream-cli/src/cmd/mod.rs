//! One module per `fcstream` subcommand.

pub mod serve;
