//! The real `fcstream bridge` process: a call into it while its bot is down gets the fallback
//! beeps and a hang-up (never a hung call), and `/metrics` counts the failed connection. The
//! bridge's protocol itself is tested against a real WebSocket bot in
//! `crates/fcstream-bridge/tests/bridge.rs`.

use std::process::Stdio;
use std::time::Duration;

use fcstream::ContentType;
use fcstream_emulator::{CallOutcome, Script};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};

const SOON: Duration = Duration::from_secs(60);

/// Starts `fcstream bridge`; returns the child, its gRPC address and its metrics address.
async fn spawn(args: &[&str]) -> (tokio::process::Child, String, String) {
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_fcstream"))
        .arg("bridge")
        .args(args)
        .env("RUST_LOG", "info")
        .env_remove("FCSTREAM_LISTEN")
        .env_remove("FCSTREAM_BRIDGE_WS")
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("fcstream binary");
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let (mut grpc, mut metrics) = (None, None);
    while grpc.is_none() || metrics.is_none() {
        let line = tokio::time::timeout(SOON, lines.next_line())
            .await
            .expect("startup logs")
            .unwrap()
            .expect("a log line");
        let addr = || {
            line.split("addr=")
                .nth(1)
                .map(|a| a.split_whitespace().next().unwrap_or("").to_string())
        };
        if line.contains("fcstream listening") {
            grpc = addr();
        } else if line.contains("metrics on /metrics") {
            metrics = addr();
        }
    }
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    (child, grpc.unwrap(), metrics.unwrap())
}

async fn http_get(addr: &str, path: &str) -> String {
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    s.write_all(
        format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").as_bytes(),
    )
    .await
    .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).await.unwrap();
    out
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
async fn a_wss_bot_url_is_refused_at_start() {
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_fcstream"))
        .args([
            "bridge",
            "--listen",
            "127.0.0.1:0",
            "--ws",
            "wss://bot.invalid/ws",
        ])
        .output()
        .await
        .expect("fcstream binary");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("wss:// is not supported"), "{err}");
}
