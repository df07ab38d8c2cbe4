//! The real `fcstream serve` process: SIGTERM during 20 live calls lets them all finish and the
//! process exits 0; `/metrics` answers over HTTP while calls run.

#[path = "../../fcstream/tests/common/mod.rs"]
mod common;

use std::process::Stdio;
use std::time::Duration;

use common::*;
use fcstream::{ContentType, EndReason};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};

/// Starts the binary; returns the child and the address it logged for `what` ("fcstream
/// listening" or "metrics on /metrics").
async fn spawn(args: &[&str]) -> (tokio::process::Child, String, String) {
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_fcstream"))
        .args(args)
        .env("RUST_LOG", "info")
        .env_remove("FCSTREAM_LISTEN")
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
    // Keep draining stderr so the child never blocks on a full pipe.
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
async fn sigterm_during_twenty_live_calls_lets_them_finish_and_exits_0() {
    let (mut child, grpc, metrics) = spawn(&[
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--metrics",
        "127.0.0.1:0",
        "--app",
        "echo",
    ])
    .await;
    let channel = connect(&format!("http://{grpc}")).await;
    let mut calls = Vec::new();
    for i in 0..20 {
        let mut p = Platform::start(
            channel.clone(),
            call_info(&format!("CA-{i}"), ContentType::Mulaw8k),
        )
        .await;
        echo_once(&mut p, 1).await;
        calls.push(p);
    }
    let page = http_get(&metrics, "/metrics").await;
    assert!(page.starts_with("HTTP/1.1 200"), "{page}");
    assert!(page.contains("fcstream_active_calls 20"), "{page}");

    let pid = child.id().expect("running").to_string();
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    assert!(killed.success());
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        child.try_wait().unwrap().is_none(),
        "the server exited with calls still live"
    );

    for p in &mut calls {
        echo_once(p, 2).await;
        p.end(EndReason::CallerDisconnect).await;
        assert_eq!(p.next().await.unwrap(), None);
    }
    drop(channel);
    let status = tokio::time::timeout(SOON, child.wait())
        .await
        .expect("exits once the calls are over")
        .unwrap();
    assert!(status.success(), "{status:?}");
}
