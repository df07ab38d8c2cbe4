//! Test support: the fcstream server on 127.0.0.1 (OS-chosen port), handlers that report what
//! they saw, and audio helpers.
#![allow(dead_code)]

use std::time::Duration;

use tonic::transport::Channel;

/// Generous bound for anything that should finish "soon" on a loaded CI machine.
pub const SOON: Duration = Duration::from_secs(60);

pub fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

pub fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

/// The library's own test support: its `serve_tcp` (127.0.0.1, OS-chosen port, stops when
/// dropped) serves these tests too.
#[path = "../../../fcstream/tests/common/mod.rs"]
mod library;
/// The speech tests' skip-or-fail rule (`FCSTREAM_REQUIRE_SPEECH`), from `fcstream-speech`'s
/// test support, so there is one rule for both crates.
#[path = "../../../fcstream-speech/tests/common/mod.rs"]
mod speech_support;
// Each test binary uses a different part of these modules.
#[allow(unused_imports)]
pub use library::{serve_tcp, TestServer};
#[allow(unused_imports)]
pub use speech_support::skip_speech;

/// What the agent's accuracy tests share.
pub mod accuracy;
/// Loudness in 10 ms windows: where sound starts and stops in a track.
pub mod loudness;
/// A stand-in recogniser for the agent's and the dialog's tests.
pub mod stand_in;
#[allow(unused_imports)]
pub use stand_in::StandIn;

pub async fn channel(server: &TestServer) -> Channel {
    fcstream_emulator::connect(&server.url, &Default::default())
        .await
        .expect("connects to the test server")
}

/// Runs a call with a generous timeout (longer than any scripted call, virtual or real).
pub async fn call(
    channel: Channel,
    script: &fcstream_emulator::Script,
) -> fcstream_emulator::CallReport {
    tokio::time::timeout(SOON * 3, fcstream_emulator::run(channel, script))
        .await
        .expect("the call finished in time")
        .expect("the call could be placed")
}
