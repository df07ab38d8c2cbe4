//! The stable ids of the emulator's `NotifyErrorMessage`s: the core crate's
//! [`fcstream::error_ids`], so that the platform model that sends them and the server that
//! counts them share one list.

pub use fcstream::error_ids::*;
