//! The real `fcstream bridge` process: a call into it while its bot is down gets the fallback
//! beeps and a hang-up (never a hung call), and `/metrics` counts the failed connection. The
//! bridge's protocol itself is tested against a real WebSocket bot in
//! `crates/fcstream-bridge/tests/bridge.rs`.

use std::time::Duration;

mod common;

use common::*;
use fcstream::ContentType;
use fcstream_emulator::{CallOutcome, Script};

const SOON: Duration = Duration::from_secs(60);

/// Starts `fcstream bridge ARGS`; returns the child, its gRPC address and its metrics address.
async fn spawn(args: &[&str]) -> (tokio::process::Child, String, String) {
    spawn_server(&[&["bridge"], args].concat()).await
}

#[tokio::test]
async fn a_call_while_the_bot_is_down_gets_the_fallback_and_a_hangup() {
    // A port that was free a moment ago: nothing listens on it.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let ws = format!("ws://127.0.0.1:{port}/ws");
    let (_child, grpc, metrics) = spawn(&[
        "--listen",
        "127.0.0.1:0",
        "--metrics",
        "127.0.0.1:0",
        "--ws",
        &ws,
    ])
    .await;
    let channel = fcstream_emulator::connect(&format!("http://{grpc}"), &Default::default())
        .await
        .expect("connects");
    let script = Script::new(ContentType::Mulaw8k).hangup_after(Duration::from_secs(30));
    let report = tokio::time::timeout(SOON, fcstream_emulator::run(channel, &script))
        .await
        .expect("the call ended in time")
        .expect("the call was placed");
    assert_eq!(report.summary.outcome, CallOutcome::AppHangup);
    assert!(report.summary.duration_ms < 10_000.0);
    let loud = report
        .heard
        .iter()
        .filter(|s| s.unsigned_abs() > 4000)
        .count();
    assert!(
        loud > 1000,
        "the fallback beeps were heard ({loud} loud samples)"
    );
    let page = http_get(&metrics, "/metrics").await;
    assert!(
        page.contains("fcstream_bridge_bot_connect_failures_total 1"),
        "{page}"
    );
}

#[tokio::test]
async fn a_bot_url_that_is_not_a_websocket_is_refused_at_start() {
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_fcstream"))
        .args([
            "bridge",
            "--listen",
            "127.0.0.1:0",
            "--ws",
            "https://bot.invalid/ws",
        ])
        .output()
        .await
        .expect("fcstream binary");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("expected a ws:// or wss:// URL"), "{err}");
}
