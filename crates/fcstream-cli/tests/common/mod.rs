//! Test support for the process tests of the real `fcstream` binary: the command with a clean
//! environment, its output as text, a scratch folder per test binary, and `fcstream serve` on
//! an OS-chosen port.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Arc, Mutex};

/// The caller of the record-and-replay tests (after `call URL`): a 1 s tone, key 5 at
/// 500 ms, a hang-up at 1.5 s. Against the echo every frame and key gets exactly one answer,
/// so nothing it sends depends on timing luck.
pub const TONE_AND_KEY: &[&str] = &[
    "--tone",
    "440",
    "--tone-duration",
    "1s",
    "--dtmf",
    "5@500ms",
    "--hangup-after",
    "1500ms",
    "--quiet",
];

/// The `fcstream` binary with nothing from the environment of the machine running the tests
/// (every `FCSTREAM_*` setting a test could trip on removed) and `RUST_LOG=warn`.
pub fn fcstream() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_fcstream"));
    for var in [
        "FCSTREAM_LISTEN",
        "FCSTREAM_METRICS",
        "FCSTREAM_HTTP",
        "FCSTREAM_STT",
        "FCSTREAM_STT_URL",
        "FCSTREAM_L16_BYTE_ORDER",
        "FCSTREAM_CONFIG",
        "FCSTREAM_LOG_FORMAT",
        "FCSTREAM_SIGNING_SECRET",
        "FCSTREAM_CALL_AUTHORIZATION",
        "FCSTREAM_RECORD_DIR",
        "FCSTREAM_BRIDGE_WS",
    ] {
        c.env_remove(var);
    }
    c.env("RUST_LOG", "warn");
    c
}

/// Runs `fcstream ARGS` to the end.
pub fn run(args: &[&str]) -> Output {
    fcstream().args(args).output().expect("fcstream binary")
}

/// Bytes a process wrote, as text.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// What a process wrote on stderr.
pub fn stderr(o: &Output) -> String {
    text(&o.stderr)
}

/// What a process wrote on stdout.
pub fn stdout(o: &Output) -> String {
    text(&o.stdout)
}

/// The repository's root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A path in this test binary's scratch folder (one per process).
pub fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("fcstream-cli-tests-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

/// `fcstream serve --app APP` on an OS-chosen port: the child (killed on drop) and its gRPC
/// URL.
pub struct Serve {
    pub child: Child,
    pub url: String,
}

impl Serve {
    /// Starts the server and waits for its "fcstream listening" line.
    pub fn start(app: &str) -> Serve {
        Serve::start_with(app, &[])
    }

    /// [`Serve::start`] with more `fcstream serve` arguments.
    pub fn start_with(app: &str, extra: &[&str]) -> Serve {
        let mut child = fcstream()
            .args(["serve", "--listen", "127.0.0.1:0", "--app", app])
            .args(extra)
            .env("RUST_LOG", "info")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("fcstream binary");
        let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
        let addr = loop {
            let line = lines
                .next()
                .expect("serve exited before listening")
                .unwrap();
            if line.contains("fcstream listening") {
                break line
                    .split("addr=")
                    .nth(1)
                    .and_then(|a| a.split_whitespace().next())
                    .expect("addr=")
                    .to_string();
            }
        };
        // Keep reading so that the server never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Serve {
            child,
            url: format!("http://{addr}"),
        }
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A webhook endpoint like FreeClimb's example webservers: `/inbound` answers PerCL that
/// streams to `grpc` with `actionUrl` `/callback`; `/callback` answers `status` and `body`.
/// Returns the inbound URL and the bodies POSTed to `/callback`.
pub fn webhooks(grpc: &str, status: u16, body: &'static str) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let percl = format!(
        r#"[{{"AudioStream":{{"location":{{"uri":"{grpc}"}},"contentType":"audio/mulaw;rate=8000","actionUrl":"{base}/callback","metadata":["testing"]}}}}]"#
    );
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(mut conn) = conn else { return };
            let mut buf = Vec::new();
            let mut chunk = [0u8; 4096];
            let mut want = None;
            loop {
                let n = conn.read(&mut chunk).unwrap_or(0);
                if n == 0 {
                    break;
                }
                buf.extend_from_slice(&chunk[..n]);
                if want.is_none() {
                    if let Some(at) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                        let head = text(&buf[..at]).to_ascii_lowercase();
                        let length = head
                            .lines()
                            .find_map(|l| l.strip_prefix("content-length:"))
                            .and_then(|v| v.trim().parse::<usize>().ok())
                            .unwrap_or(0);
                        want = Some(at + 4 + length);
                    }
                }
                if want.is_some_and(|w| buf.len() >= w) {
                    break;
                }
            }
            let request = text(&buf);
            let path = request.split_whitespace().nth(1).unwrap_or("").to_string();
            let (code, answer) = if path == "/inbound" {
                (200, percl.clone())
            } else {
                let body_at = request.find("\r\n\r\n").map_or(0, |i| i + 4);
                log.lock().unwrap().push(request[body_at..].to_string());
                (status, body.to_string())
            };
            let _ = write!(
                conn,
                "HTTP/1.1 {code} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{answer}",
                answer.len()
            );
        }
    });
    (format!("{base}/inbound"), seen)
}

/// Starts `fcstream ARGS` (a server: serve, bridge) with `RUST_LOG=info`; returns the child
/// (killed when dropped) and the addresses it logged for its gRPC listener ("fcstream
/// listening") and its metrics ("metrics on /metrics"). stderr keeps being drained, so the
/// child never blocks on a full pipe.
pub async fn spawn_server(args: &[&str]) -> (tokio::process::Child, String, String) {
    use tokio::io::AsyncBufReadExt;
    let mut command = tokio::process::Command::from(fcstream());
    let mut child = command
        .args(args)
        .env("RUST_LOG", "info")
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("fcstream binary");
    let mut lines = tokio::io::BufReader::new(child.stderr.take().unwrap()).lines();
    let (mut grpc, mut metrics) = (None, None);
    while grpc.is_none() || metrics.is_none() {
        let line = tokio::time::timeout(std::time::Duration::from_secs(60), lines.next_line())
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

/// `GET path` over HTTP/1.1 to `addr`; the whole response, headers included.
pub async fn http_get(addr: &str, path: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
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
