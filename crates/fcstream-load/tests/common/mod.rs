//! Test support: the core crate's own (a real fcstream server on 127.0.0.1, OS-chosen port,
//! stopped when dropped), reused as the emulator's tests reuse it, so there is one test server.
#![allow(dead_code)]

/// The library's own test support: its `serve_tcp` serves these tests too.
#[path = "../../../fcstream/tests/common/mod.rs"]
mod library;
// Each test binary uses a different part of this module.
#[allow(unused_imports)]
pub use library::{serve_tcp, TestServer as AppServer, SOON};
