//! The phone's WebSocket protocol, driven by a plain WebSocket client (tokio-tungstenite, the
//! browser's stand-in) against the echo app served in-process: a whole call with audio both
//! ways and a key, the call's files over HTTP, and everything the server must refuse
//! (malformed and early messages, floods, oversized frames, a second call, a busy phone, an
//! app that is down, foreign hosts and origins). Real time, on 127.0.0.1 with OS-chosen
//! ports; every wait has a generous bound.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use fcstream::CallConfig;
use fcstream_emulator::analysis;
use fcstream_emulator::in_process;
use fcstream_phone::protocol::pcm_to_le;
use fcstream_phone::{AppTarget, PhoneOptions};
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// A per-test output directory.
fn out_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("fcstream-phone-test-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

/// Serves the phone on 127.0.0.1:0 with `options`; returns its address.
async fn start(options: PhoneOptions) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        fcstream_phone::serve(listener, options).await.unwrap();
    });
    addr
}

/// The phone in front of the in-process echo app.
async fn echo_phone(name: &str, tweak: impl FnOnce(&mut PhoneOptions)) -> (SocketAddr, PathBuf) {
    let channel = in_process::serve(fcstream_apps::echo, CallConfig::default())
        .await
        .unwrap();
    let dir = out_dir(name);
    let mut options = PhoneOptions::new(
        AppTarget::Channel {
            channel,
            label: "in-process echo".into(),
        },
        dir.clone(),
    );
    tweak(&mut options);
    (start(options).await, dir)
}

async fn connect(addr: SocketAddr) -> Ws {
    let (ws, _) = tokio_tungstenite::connect_async(format!("ws://{addr}/ws"))
        .await
        .unwrap();
    ws
}

/// The next text message (skipping audio), within 10 s.
async fn next_text(ws: &mut Ws) -> Option<Value> {
    loop {
        let m = tokio::time::timeout(Duration::from_secs(10), ws.next())
            .await
            .expect("a message within 10 s")?;
        match m {
            Ok(Message::Text(t)) => return Some(serde_json::from_str(&t).unwrap()),
            Ok(Message::Binary(_) | Message::Ping(_) | Message::Pong(_) | Message::Frame(_)) => {}
            Ok(Message::Close(_)) | Err(_) => return None,
        }
    }
}

/// Reads until a text message of `kind`; the ones before it are returned too.
async fn until(ws: &mut Ws, kind: &str) -> (Value, Vec<Value>) {
    let mut seen = Vec::new();
    while let Some(m) = next_text(ws).await {
        if m["type"] == kind {
            return (m, seen);
        }
        seen.push(m);
    }
    panic!("the socket closed before a {kind:?} message; saw {seen:?}");
}

/// Sends `v` as a text message on a socket or on its split sending half.
async fn send<S>(ws: &mut S, v: Value)
where
    S: futures_util::Sink<Message> + Unpin,
    S::Error: std::fmt::Debug,
{
    ws.send(Message::Text(v.to_string().into())).await.unwrap();
}

/// A plain HTTP/1.1 GET with the given Host: (status, body).
async fn http_get(addr: SocketAddr, path: &str, host: &str) -> (u16, Vec<u8>) {
    let mut s = TcpStream::connect(addr).await.unwrap();
    let req = format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
    s.write_all(req.as_bytes()).await.unwrap();
    let mut buf = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), s.read_to_end(&mut buf))
        .await
        .unwrap()
        .unwrap();
    let text = String::from_utf8_lossy(&buf);
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body_at = buf
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map_or(buf.len(), |p| p + 4);
    // Chunked bodies are not decoded: the tests look at small markers in them.
    (status, buf[body_at..].to_vec())
}

fn tone(hz: f64, rate: u32, seconds: f64) -> Vec<i16> {
    let n = (f64::from(rate) * seconds) as usize;
    (0..n)
        .map(|i| {
            (8000.0 * (2.0 * std::f64::consts::PI * hz * i as f64 / f64::from(rate)).sin()) as i16
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_echo_call_carries_audio_both_ways_and_a_key() {
    let (addr, dir) = echo_phone("echo", |_| {}).await;
    let ws = connect(addr).await;
    let (mut tx, mut rx) = ws.split();

    let hello = match rx.next().await.unwrap().unwrap() {
        Message::Text(t) => serde_json::from_str::<Value>(&t).unwrap(),
        m => panic!("expected hello, got {m:?}"),
    };
    assert_eq!(hello["type"], "hello");
    assert_eq!(hello["version"], 1);
    assert_eq!(hello["app"], "in-process echo");

    send(
        &mut tx,
        json!({"type": "call", "content_type": "audio/l16;rate=8000"}),
    )
    .await;

    // Read everything on its own task: audio into `heard`, text into `texts`.
    let reader = tokio::spawn(async move {
        let mut heard: Vec<i16> = Vec::new();
        let mut texts: Vec<Value> = Vec::new();
        while let Ok(Some(m)) = tokio::time::timeout(Duration::from_secs(15), rx.next()).await {
            match m {
                Ok(Message::Binary(b)) => {
                    assert_eq!(b.len() % 2, 0);
                    heard.extend(b.chunks_exact(2).map(|c| i16::from_le_bytes([c[0], c[1]])));
                }
                Ok(Message::Text(t)) => {
                    let v: Value = serde_json::from_str(&t).unwrap();
                    let done = v["type"] == "ended";
                    texts.push(v);
                    if done {
                        break;
                    }
                }
                Ok(_) => {}
                Err(_) => break,
            }
        }
        (heard, texts)
    });

    // Two seconds of a 440 Hz tone in 20 ms frames, on time; a key in the middle.
    let said = tone(440.0, 8000, 2.0);
    let mut tick = tokio::time::interval(Duration::from_millis(20));
    for (i, frame) in said.chunks(160).enumerate() {
        tick.tick().await;
        tx.send(Message::Binary(pcm_to_le(frame).into()))
            .await
            .unwrap();
        if i == 50 {
            tx.send(Message::Text(
                json!({"type": "dtmf", "digit": "5", "duration_ms": 120})
                    .to_string()
                    .into(),
            ))
            .await
            .unwrap();
        }
    }
    // Let the echo finish playing, then hang up.
    tokio::time::sleep(Duration::from_millis(1200)).await;
    tx.send(Message::Text(json!({"type": "hangup"}).to_string().into()))
        .await
        .unwrap();
    let (heard, texts) = reader.await.unwrap();

    let started = texts
        .iter()
        .find(|v| v["type"] == "started")
        .expect("started");
    assert_eq!(started["rate"], 8000);
    assert_eq!(started["frame_samples"], 160);
    let id = started["call_id"].as_str().unwrap().to_string();
    let ended = texts.last().unwrap();
    assert_eq!(ended["type"], "ended", "{texts:?}");
    assert_eq!(ended["outcome"], "caller-hangup");
    assert_eq!(
        ended["files"]["heard_png"],
        format!("/calls/{id}/heard.png")
    );
    assert_eq!(ended["stats"]["audio_in_dropped"], 0);
    assert!(ended["stats"]["audio_in"].as_u64().unwrap() >= 100);

    // The timeline went to the page: the caller's key, and the echo's key back.
    let timeline: Vec<&Value> = texts
        .iter()
        .filter(|v| v["type"] == "timeline")
        .map(|v| &v["entry"])
        .collect();
    assert!(timeline
        .iter()
        .any(|e| e["kind"] == "notify_dtmf_received_start_data" && e["fields"]["digit"] == "5"));
    assert!(timeline
        .iter()
        .any(|e| e["kind"] == "dtmf_data" && e["fields"]["dtmf_digits"] == "5"));
    assert!(timeline.iter().any(|e| e["kind"] == "audio_data"));
    // The caller's own frames are not sent back as events.
    assert!(!timeline.iter().any(|e| e["kind"] == "notify_audio_data"));
    assert!(texts
        .iter()
        .any(|v| v["type"] == "digit" && v["digit"] == "5"));

    // The files: what the app got is what was said; what the page got is what was heard.
    let call_dir = dir.join(&id);
    let (rate, caller) = fcstream::audio::wav::read_file(&call_dir.join("caller.wav")).unwrap();
    assert_eq!(rate, 8000);
    let (c, lag) = analysis::correlation(&said, &caller, 800).unwrap();
    assert!(c > 0.95, "caller.wav vs the tone sent: {c} at lag {lag}");
    let (_, heard_wav) = fcstream::audio::wav::read_file(&call_dir.join("heard.wav")).unwrap();
    assert!(heard.len() > 8000 * 2, "{} samples heard", heard.len());
    assert!(heard.len() <= heard_wav.len());
    assert_eq!(
        &heard[..],
        &heard_wav[..heard.len()],
        "the page got exactly what was heard"
    );
    // And the echo is in it: the tone, back. Counted per 20 ms frame of what was heard (its
    // pitch), not by one correlation over the whole call: on a busy machine the echo comes
    // back with gaps (the caller hears silence where the app was late), which breaks the
    // tone's phase across the call but not the tone; the echo's key press is heard too.
    let tone_frames = heard
        .chunks_exact(160)
        .filter(|f| analysis::pitch(f, 8000).is_some_and(|hz| (hz - 440.0).abs() < 25.0))
        .count();
    assert!(
        tone_frames >= 80,
        "{tone_frames} frames of the 440 Hz tone heard back, of the 100 said"
    );

    // Served over HTTP, and listed.
    let (status, body) = http_get(addr, &format!("/calls/{id}/heard.png"), "127.0.0.1").await;
    assert_eq!(status, 200);
    assert!(body.windows(4).any(|w| w == b"PNG\r"), "a PNG");
    let (status, _) = http_get(addr, &format!("/calls/{id}/caller.wav"), "localhost").await;
    assert_eq!(status, 200);
    let (status, _) = http_get(addr, &format!("/calls/{id}/secret"), "127.0.0.1").await;
    assert_eq!(status, 404);
    let (status, _) = http_get(addr, "/calls/PHnope/heard.wav", "127.0.0.1").await;
    assert_eq!(status, 404);
    let (status, body) = http_get(addr, "/api/status", "127.0.0.1").await;
    assert_eq!(status, 200);
    let body = String::from_utf8_lossy(&body);
    assert!(
        body.contains(&id) && body.contains("\"reachable\":true"),
        "{body}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

/// A browser's microphone keeps sending until the server's Close reaches it. The server must
/// finish the closing handshake (read the page's audio and its Close) before it drops the
/// connection: dropping it with the page's frames unread makes the kernel reset it, and
/// Firefox reports "the connection was interrupted" (a console error, the close not clean).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_socket_closes_cleanly_while_the_page_still_sends() {
    let (addr, dir) = echo_phone("close", |_| {}).await;
    let ws = connect(addr).await;
    let (mut tx, mut rx) = ws.split();
    send(
        &mut tx,
        json!({"type": "call", "content_type": "audio/l16;rate=8000"}),
    )
    .await;
    // The page's microphone: a frame every 20 ms from the start until the socket refuses it
    // (after the server's Close, or 30 s); the hang-up after a second.
    let sender = tokio::spawn(async move {
        let frame = pcm_to_le(&tone(440.0, 8000, 0.02));
        let mut tick = tokio::time::interval(Duration::from_millis(20));
        for i in 0..1500 {
            tick.tick().await;
            if i == 50 {
                let hangup = Message::Text(json!({"type": "hangup"}).to_string().into());
                if tx.send(hangup).await.is_err() {
                    break;
                }
            }
            if tx
                .send(Message::Binary(frame.clone().into()))
                .await
                .is_err()
            {
                break;
            }
        }
    });
    let mut ended = false;
    let mut closed = false;
    let mut error = None;
    while let Ok(next) = tokio::time::timeout(Duration::from_secs(30), rx.next()).await {
        match next {
            None => break,
            Some(Ok(Message::Text(t))) => {
                ended |= serde_json::from_str::<Value>(&t).unwrap()["type"] == "ended";
            }
            Some(Ok(Message::Close(_))) => closed = true,
            Some(Ok(_)) => {}
            Some(Err(e)) => {
                error = Some(e.to_string());
                break;
            }
        }
    }
    sender.abort();
    assert!(ended, "the page got `ended`");
    assert!(closed, "the server sent its Close ({error:?})");
    assert_eq!(error, None, "the connection ended without a reset");
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_early_and_repeated_messages_are_refused() {
    let (addr, dir) = echo_phone("refuse", |_| {}).await;
    let mut ws = connect(addr).await;
    until(&mut ws, "hello").await;
    // Before the call: a key, garbage, audio.
    send(&mut ws, json!({"type": "dtmf", "digit": "1"})).await;
    let (e, _) = until(&mut ws, "error").await;
    assert_eq!(e["fatal"], false);
    assert!(e["message"].as_str().unwrap().contains("no call yet"));
    ws.send(Message::Text("{not json".into())).await.unwrap();
    let (e, _) = until(&mut ws, "error").await;
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("not a valid message"),
        "{e}"
    );
    // The call, then a second call, a bad key and odd audio on the same socket.
    send(&mut ws, json!({"type": "call"})).await;
    let (s, _) = until(&mut ws, "started").await;
    assert_eq!(s["content_type"], "audio/mulaw;rate=8000");
    send(&mut ws, json!({"type": "call"})).await;
    let (e, _) = until(&mut ws, "error").await;
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("one call per socket"),
        "{e}"
    );
    send(&mut ws, json!({"type": "dtmf", "digit": "x"})).await;
    let (e, _) = until(&mut ws, "error").await;
    assert!(
        e["message"].as_str().unwrap().contains("not a DTMF key"),
        "{e}"
    );
    ws.send(Message::Binary(vec![1u8, 2, 3].into()))
        .await
        .unwrap();
    send(&mut ws, json!({"type": "hangup"})).await;
    let (end, _) = until(&mut ws, "ended").await;
    assert_eq!(end["outcome"], "caller-hangup");
    assert_eq!(end["stats"]["audio_in_dropped"], 1, "{end}");
    // The socket closes after the end.
    assert!(next_text(&mut ws).await.is_none());

    // A bad content type ends the socket with a fatal error.
    let mut ws = connect(addr).await;
    send(
        &mut ws,
        json!({"type": "call", "content_type": "audio/opus"}),
    )
    .await;
    let (e, _) = until(&mut ws, "error").await;
    assert_eq!(e["fatal"], true);
    assert!(next_text(&mut ws).await.is_none());
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn floods_and_oversized_messages_are_bounded() {
    let (addr, dir) = echo_phone("flood", |_| {}).await;
    let mut ws = connect(addr).await;
    send(
        &mut ws,
        json!({"type": "call", "content_type": "audio/l16;rate=8000"}),
    )
    .await;
    until(&mut ws, "started").await;
    // Ten seconds of audio at once: about one second (the burst) is taken, the rest dropped.
    for _ in 0..500 {
        ws.send(Message::Binary(vec![0u8; 320].into()))
            .await
            .unwrap();
    }
    send(&mut ws, json!({"type": "hangup"})).await;
    let (end, _) = until(&mut ws, "ended").await;
    let taken = end["stats"]["audio_in"].as_u64().unwrap();
    let dropped = end["stats"]["audio_in_dropped"].as_u64().unwrap();
    assert_eq!(taken + dropped, 500, "{end}");
    assert!(taken <= 120, "taken {taken}");
    assert!(dropped >= 380, "dropped {dropped}");

    // A message over the socket's limit closes it.
    let mut ws = connect(addr).await;
    until(&mut ws, "hello").await;
    let _ = ws.send(Message::Binary(vec![0u8; 100_000].into())).await;
    let closed = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            match ws.next().await {
                None | Some(Err(_)) | Some(Ok(Message::Close(_))) => return true,
                Some(Ok(_)) => {}
            }
        }
    })
    .await
    .unwrap();
    assert!(closed);
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_busy_phone_says_so() {
    let (addr, dir) = echo_phone("busy", |o| o.max_calls = 1).await;
    let mut first = connect(addr).await;
    send(&mut first, json!({"type": "call"})).await;
    until(&mut first, "started").await;
    let mut second = connect(addr).await;
    send(&mut second, json!({"type": "call"})).await;
    let (e, _) = until(&mut second, "error").await;
    assert_eq!(e["fatal"], true);
    assert!(e["message"].as_str().unwrap().contains("busy"), "{e}");
    // The first call is unaffected; once it is over, a new one goes through.
    send(&mut first, json!({"type": "hangup"})).await;
    until(&mut first, "ended").await;
    let mut third = connect(addr).await;
    send(&mut third, json!({"type": "call"})).await;
    until(&mut third, "started").await;
    drop(third); // the tab closes: the call is hung up, its files written
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_app_is_reported_clearly() {
    // A port nobody listens on: bind one, note it, close it.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let dir = out_dir("down");
    let url = format!("http://127.0.0.1:{port}");
    let addr = start(PhoneOptions::new(AppTarget::url(url.clone()), dir.clone())).await;
    let (status, body) = http_get(addr, "/api/status", "127.0.0.1").await;
    assert_eq!(status, 200);
    let body = String::from_utf8_lossy(&body);
    assert!(body.contains("\"reachable\":false"), "{body}");
    assert!(body.contains("fcstream serve --app echo"), "{body}");
    let mut ws = connect(addr).await;
    send(&mut ws, json!({"type": "call"})).await;
    let (e, _) = until(&mut ws, "error").await;
    assert_eq!(e["fatal"], true);
    let message = e["message"].as_str().unwrap();
    assert!(
        message.contains("cannot connect") && message.contains(&url),
        "{e}"
    );
    assert!(e["hint"].as_str().unwrap().contains("start the app"), "{e}");
    assert!(next_text(&mut ws).await.is_none());
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn foreign_hosts_and_origins_are_refused() {
    let (addr, dir) = echo_phone("hosts", |_| {}).await;
    let (status, body) = http_get(addr, "/", "127.0.0.1").await;
    assert_eq!(status, 200);
    assert!(String::from_utf8_lossy(&body).contains("fcstream phone"));
    for path in ["/app.js", "/worklet.js", "/resampler.js", "/style.css"] {
        assert_eq!(http_get(addr, path, "localhost").await.0, 200, "{path}");
    }
    // DNS rebinding: a name that is not loopback.
    let (status, _) = http_get(addr, "/", "evil.example:8089").await;
    assert_eq!(status, 403);
    let (status, _) = http_get(addr, "/api/status", "10.0.0.1").await;
    assert_eq!(status, 403);
    // A WebSocket from another site's page.
    let mut req = format!("ws://{addr}/ws").into_client_request().unwrap();
    req.headers_mut()
        .insert("origin", "http://evil.example".parse().unwrap());
    assert!(tokio_tungstenite::connect_async(req).await.is_err());
    // From the page's own origin it opens.
    let mut req = format!("ws://{addr}/ws").into_client_request().unwrap();
    req.headers_mut()
        .insert("origin", format!("http://{addr}").parse().unwrap());
    assert!(tokio_tungstenite::connect_async(req).await.is_ok());
    let _ = std::fs::remove_dir_all(dir);

    // With allow_remote, any Host is served.
    let (addr, dir) = echo_phone("remote", |o| o.allow_remote = true).await;
    assert_eq!(http_get(addr, "/", "phone.lan:8089").await.0, 200);
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn a_non_loopback_listener_is_refused() {
    let listener = TcpListener::bind("0.0.0.0:0").await.unwrap();
    let dir = out_dir("any");
    let err = fcstream_phone::serve(
        listener,
        PhoneOptions::new(AppTarget::url("http://127.0.0.1:1"), dir.clone()),
    )
    .await
    .unwrap_err();
    assert!(err.to_string().contains("not a loopback address"), "{err}");
    let _ = std::fs::remove_dir_all(dir);
}
