//! The real `fcstream serve` process: SIGTERM during 20 live calls lets them all finish and the
//! process exits 0; `/metrics` answers over HTTP while calls run.

#[path = "../../fcstream/tests/common/mod.rs"]
mod common;
/// The CLI's own test support: the binary started as a server.
#[path = "common/mod.rs"]
mod process;

use std::time::Duration;

use common::*;
use fcstream::{ContentType, EndReason};
use process::{http_get, spawn_server as spawn};

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
