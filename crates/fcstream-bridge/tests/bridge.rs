//! The bridge end to end over real loopback: the emulator places FreeClimb calls (gRPC over
//! in-memory pipes, real time) into a `Bridge`, which opens a real WebSocket on 127.0.0.1 to a
//! tiny Twilio-protocol bot written here. Each test scripts the bot and checks both ends: what
//! the bot was told, and what the caller heard (`CallReport`).

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use base64::Engine;
use fcstream::{CallConfig, ContentType};
use fcstream_bridge::{Bridge, BridgeConfig, OnBotClose};
use fcstream_emulator::{in_process, CallOutcome, CallReport, Dir, Script, Source};
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio::net::TcpListener;
use tokio_tungstenite::tungstenite::Message;

type BotWs = tokio_tungstenite::WebSocketStream<tokio::net::TcpStream>;

/// Generous bound for anything that should finish "soon" on a loaded CI machine.
const SOON: Duration = Duration::from_secs(60);

/// What the bot saw: every message, with when it arrived.
#[derive(Clone, Default)]
struct Seen(Arc<Mutex<Vec<(Instant, Value)>>>);

impl Seen {
    fn push(&self, v: Value) {
        self.0.lock().unwrap().push((Instant::now(), v));
    }
    fn all(&self) -> Vec<Value> {
        self.0
            .lock()
            .unwrap()
            .iter()
            .map(|(_, v)| v.clone())
            .collect()
    }
    fn events(&self, kind: &str) -> Vec<Value> {
        self.all()
            .into_iter()
            .filter(|v| v["event"] == kind)
            .collect()
    }
    /// Waits (bounded) until an event of `kind` was seen.
    async fn wait_for(&self, kind: &str) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while self.events(kind).is_empty() {
            assert!(
                Instant::now() < deadline,
                "no {kind} in {:?}",
                self.all().last()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    /// When the mark `name` came back.
    fn mark_at(&self, name: &str) -> Option<Instant> {
        self.0
            .lock()
            .unwrap()
            .iter()
            .find(|(_, v)| v["event"] == "mark" && v["mark"]["name"] == name)
            .map(|(t, _)| *t)
    }
}

/// A bot on 127.0.0.1 (OS-chosen port) running `script` for each connection; returns its URL
/// and what it sees.
async fn bot<F, Fut>(script: F) -> (String, Seen)
where
    F: Fn(BotWs, Seen) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let seen = Seen::default();
    let seen_out = seen.clone();
    let script = Arc::new(script);
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let Ok(ws) = tokio_tungstenite::accept_async(tcp).await else {
                continue;
            };
            let script = script.clone();
            let seen = seen.clone();
            tokio::spawn(async move { script(ws, seen).await });
        }
    });
    (format!("ws://{addr}/ws"), seen_out)
}

/// Reads the next text message as JSON (recorded); `None` when the socket ended.
async fn recv(ws: &mut BotWs, seen: &Seen) -> Option<Value> {
    recv_from(ws, seen).await
}

/// [`recv`] on any stream of messages (the read half of a split socket).
async fn recv_from<S>(ws: &mut S, seen: &Seen) -> Option<Value>
where
    S: futures_util::Stream<Item = Result<Message, tokio_tungstenite::tungstenite::Error>> + Unpin,
{
    loop {
        match ws.next().await? {
            Ok(Message::Text(t)) => {
                let v: Value = serde_json::from_str(t.as_str()).expect("the bridge sends JSON");
                seen.push(v.clone());
                return Some(v);
            }
            Ok(Message::Close(_)) => {
                seen.push(json!({"event": "<close>"}));
                return None;
            }
            Ok(_) => continue,
            Err(_) => return None,
        }
    }
}

/// Reads everything until the socket ends.
async fn recv_all(ws: &mut BotWs, seen: &Seen) {
    while recv(ws, seen).await.is_some() {}
}

fn media(payload: &[u8]) -> Message {
    let b64 = base64::engine::general_purpose::STANDARD.encode(payload);
    Message::text(json!({"event":"media","streamSid":"MZ","media":{"payload":b64}}).to_string())
}

fn mark(name: &str) -> Message {
    Message::text(json!({"event":"mark","streamSid":"MZ","mark":{"name":name}}).to_string())
}

fn clear() -> Message {
    Message::text(json!({"event":"clear","streamSid":"MZ"}).to_string())
}

/// `secs` of a 440 Hz tone in µ-law 8 kHz.
fn tone_mulaw(secs: f64) -> Vec<u8> {
    let n = (secs * 8000.0) as usize;
    let samples: Vec<i16> = (0..n)
        .map(|i| (12000.0 * (2.0 * std::f64::consts::PI * 440.0 * i as f64 / 8000.0).sin()) as i16)
        .collect();
    fcstream::audio::mulaw::encode_all(&samples)
}

/// Root mean square of `heard` between `from` and `to` seconds.
fn rms(r: &CallReport, from: f64, to: f64) -> f64 {
    let rate = f64::from(r.rate);
    let a = ((from * rate) as usize).min(r.heard.len());
    let b = ((to * rate) as usize).min(r.heard.len());
    if b <= a {
        return 0.0;
    }
    let sum: f64 = r.heard[a..b].iter().map(|&s| f64::from(s).powi(2)).sum();
    (sum / (b - a) as f64).sqrt()
}

/// A µ-law caller who hums 440 Hz until hanging up after 2 s.
fn humming_caller() -> Script {
    Script::new(ContentType::Mulaw8k)
        .say(
            Duration::ZERO,
            Source::Tone {
                hz: 440.0,
                duration: None,
            },
        )
        .hangup_after(Duration::from_secs(2))
}

async fn call(bridge: Bridge, script: &Script) -> CallReport {
    let channel = in_process::serve(bridge, CallConfig::default())
        .await
        .expect("serves the bridge");
    // The in-process server lives while a channel to it does: keep one for the rest of the
    // test, so that the bridge finishes its side of the call (`stop`) after the caller's end.
    std::mem::forget(channel.clone());
    tokio::time::timeout(SOON, fcstream_emulator::run(channel, script))
        .await
        .expect("the call finished in time")
        .expect("the call could be placed")
}

/// Echoes every media message back, and sends a mark after every 10th. Writes go through a
/// task of their own, so that reading never waits on a write (and the bot sees `stop` even
/// while a reply is in flight to a bridge that has gone).
async fn echo_bot(ws: BotWs, seen: Seen) {
    let (mut tx, mut rx) = ws.split();
    let (out, mut replies) = tokio::sync::mpsc::unbounded_channel::<Message>();
    tokio::spawn(async move {
        while let Some(m) = replies.recv().await {
            if tx.send(m).await.is_err() {
                return;
            }
        }
    });
    let mut n = 0;
    while let Some(v) = recv_from(&mut rx, &seen).await {
        if v["event"] == "media" {
            let payload = v["media"]["payload"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            let reply =
                json!({"event":"media","streamSid":v["streamSid"],"media":{"payload":payload}});
            let _ = out.send(Message::text(reply.to_string()));
            n += 1;
            if n % 10 == 0 {
                let _ = out.send(mark(&format!("m{n}")));
            }
        }
    }
}

async fn echo_call(ct: ContentType) {
    let (url, seen) = bot(echo_bot).await;
    let bridge = Bridge::new(BridgeConfig::new(url));
    let script = Script::new(ct)
        .call_id("sip-1")
        .metadata("callId=CA42")
        .metadata("lang=en")
        .say(
            Duration::ZERO,
            Source::Tone {
                hz: 440.0,
                duration: Some(Duration::from_secs(2)),
            },
        )
        .hangup_after(Duration::from_secs(3));
    let report = call(bridge, &script).await;
    assert_eq!(report.summary.outcome, CallOutcome::CallerHangup);

    // The bridge sends `stop` as the call ends, which may be just after the emulator returns.
    seen.wait_for("<close>").await;
    let all = seen.all();
    assert_eq!(all[0]["event"], "connected", "{:?}", all[0]);
    assert_eq!(all[0]["protocol"], "Call");
    let start = &all[1];
    assert_eq!(start["event"], "start");
    let sid = start["streamSid"].as_str().unwrap();
    assert!(sid.starts_with("MZ") && sid.len() == 34, "{sid}");
    assert_eq!(start["start"]["streamSid"], sid);
    assert_eq!(start["start"]["callSid"], "CA42");
    assert_eq!(start["start"]["accountSid"], "ACfcstream");
    assert_eq!(start["start"]["tracks"], json!(["inbound"]));
    assert_eq!(
        start["start"]["customParameters"],
        json!({"callId":"CA42","lang":"en"})
    );
    assert_eq!(
        start["start"]["mediaFormat"],
        json!({"encoding":"audio/x-mulaw","sampleRate":8000,"channels":1})
    );

    // Media in order: chunk 1, 2, ...; timestamps 20 ms apart; 20 ms of µ-law each.
    let media = seen.events("media");
    assert!(media.len() >= 140, "{} frames", media.len());
    for (i, m) in media.iter().enumerate() {
        assert_eq!(m["streamSid"], sid);
        assert_eq!(m["media"]["track"], "inbound");
        assert_eq!(m["media"]["chunk"], (i + 1).to_string());
        assert_eq!(m["media"]["timestamp"], (i * 20).to_string());
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(m["media"]["payload"].as_str().unwrap())
            .unwrap();
        assert_eq!(bytes.len(), 160);
    }
    let seqs: Vec<u64> = all
        .iter()
        .filter_map(|v| v["sequenceNumber"].as_str())
        .map(|s| s.parse().unwrap())
        .collect();
    assert_eq!(seqs, (1..=seqs.len() as u64).collect::<Vec<_>>());

    // The echo was heard: the caller's tone came back while it played.
    assert!(
        rms(&report, 0.5, 1.8) > 2000.0,
        "{}",
        rms(&report, 0.5, 1.8)
    );
    // Marks came back, in the order sent.
    let marks: Vec<String> = seen
        .events("mark")
        .iter()
        .map(|m| m["mark"]["name"].as_str().unwrap().to_string())
        .collect();
    assert!(marks.len() >= 10, "{marks:?}");
    for (i, name) in marks.iter().enumerate() {
        assert_eq!(name, &format!("m{}", (i + 1) * 10));
    }
    // The caller hung up: the bot got `stop` then a close.
    let last = &all[all.len() - 2..];
    assert_eq!(last[0]["event"], "stop", "{last:?}");
    assert_eq!(last[0]["stop"]["callSid"], "CA42");
    assert_eq!(last[1]["event"], "<close>");
}

#[tokio::test]
async fn mulaw_call_start_media_echo_marks_and_stop() {
    echo_call(ContentType::Mulaw8k).await;
}

#[tokio::test]
async fn l16_16k_call_is_converted_both_ways() {
    echo_call(ContentType::L16At16k).await;
}

#[tokio::test]
async fn l16_8k_call_is_converted_both_ways() {
    echo_call(ContentType::L16At8k).await;
}

/// Sends `secs` of tone at once and the mark `name`, then reads until the end.
async fn burst_then_mark(secs: f64, mut ws: BotWs, seen: Seen) {
    let _ = recv(&mut ws, &seen).await; // connected
    let _ = recv(&mut ws, &seen).await; // start
    seen.push(json!({"event": "<sent>"}));
    for chunk in tone_mulaw(secs).chunks(160) {
        if ws.send(media(chunk)).await.is_err() {
            return;
        }
    }
    let _ = ws.send(mark("after")).await;
    recv_all(&mut ws, &seen).await;
}

#[tokio::test]
async fn a_mark_is_answered_after_its_audio_played_not_on_receipt() {
    mark_after_playback(ContentType::Mulaw8k).await;
}

/// On a 16 kHz call the end of the audio waits in the resampler when the mark arrives: the
/// mark waits for it (placed once the resampler is flushed), and still comes back.
#[tokio::test]
async fn a_mark_on_a_16k_call_waits_for_the_resampled_tail() {
    mark_after_playback(ContentType::L16At16k).await;
}

async fn mark_after_playback(ct: ContentType) {
    let (url, seen) = bot(|ws, seen| burst_then_mark(1.0, ws, seen)).await;
    let bridge = Bridge::new(BridgeConfig::new(url));
    let stats = bridge.stats();
    let script = Script::new(ct).hangup_after(Duration::from_secs(3));
    let report = call(bridge, &script).await;
    let sent = seen
        .0
        .lock()
        .unwrap()
        .iter()
        .find(|(_, v)| v["event"] == "<sent>")
        .map(|(t, _)| *t)
        .unwrap();
    let back = seen.mark_at("after").expect("the mark came back");
    let waited = back - sent;
    // 1 s of audio plays in real time at the platform: the mark cannot come back sooner.
    assert!(waited >= Duration::from_millis(900), "{waited:?}");
    assert!(waited < Duration::from_millis(2500), "{waited:?}");
    assert!(rms(&report, 0.2, 0.9) > 2000.0);
    let s = stats.snapshot();
    assert_eq!(s.marks_answered, 1);
    assert_eq!(s.marks_outstanding, 0);
    assert_eq!(s.media_from_bot, 50);
}

#[tokio::test]
async fn clear_cuts_the_audio_and_answers_pending_marks() {
    clear_test(16).await;
}

/// The same with the marks' audio still held by the bridge (not yet at the library).
#[tokio::test]
async fn clear_answers_the_marks_of_audio_not_yet_handed_to_the_library() {
    clear_test(1).await;
}

async fn clear_test(in_flight: usize) {
    let (url, seen) = bot(|ws, seen: Seen| async move {
        let (mut tx, mut rx) = ws.split();
        let _ = recv_from(&mut rx, &seen).await;
        let _ = recv_from(&mut rx, &seen).await;
        // Read while writing, so that each mark's arrival is timed as it comes.
        let reader = {
            let seen = seen.clone();
            tokio::spawn(async move { while recv_from(&mut rx, &seen).await.is_some() {} })
        };
        for chunk in tone_mulaw(5.0).chunks(160) {
            if tx.send(media(chunk)).await.is_err() {
                return;
            }
        }
        let _ = tx.send(mark("long")).await;
        let _ = tx.send(mark("longer")).await;
        tokio::time::sleep(Duration::from_millis(800)).await;
        seen.push(json!({"event": "<cleared>"}));
        let _ = tx.send(clear()).await;
        let _ = reader.await;
    })
    .await;
    let mut config = BridgeConfig::new(url);
    config.max_plays_in_flight = in_flight;
    let bridge = Bridge::new(config);
    let stats = bridge.stats();
    let script = Script::new(ContentType::Mulaw8k).hangup_after(Duration::from_secs(4));
    let report = call(bridge, &script).await;
    let cleared = seen
        .0
        .lock()
        .unwrap()
        .iter()
        .find(|(_, v)| v["event"] == "<cleared>")
        .map(|(t, _)| *t)
        .unwrap();
    let long = seen.mark_at("long").expect("mark long answered");
    let longer = seen.mark_at("longer").expect("mark longer answered");
    assert!(long >= cleared && long - cleared < Duration::from_millis(1500));
    assert!(longer >= long);
    assert_eq!(report.count(Dir::FromApp, "clear_audio_buffer"), 1);
    // Heard while it played, silence after the clear (5 s of audio were sent).
    assert!(rms(&report, 0.2, 0.7) > 2000.0);
    assert!(rms(&report, 2.0, 3.8) < 100.0, "{}", rms(&report, 2.0, 3.8));
    let s = stats.snapshot();
    assert_eq!((s.clears, s.marks_answered, s.marks_outstanding), (1, 2, 0));
}

#[tokio::test]
async fn the_bot_closing_hangs_up_the_call() {
    let (url, _) = bot(|mut ws, seen: Seen| async move {
        let _ = recv(&mut ws, &seen).await;
        let _ = recv(&mut ws, &seen).await;
        for chunk in tone_mulaw(0.5).chunks(160) {
            let _ = ws.send(media(chunk)).await;
        }
        let _ = ws.close(None).await;
    })
    .await;
    let bridge = Bridge::new(BridgeConfig::new(url));
    let stats = bridge.stats();
    let script = Script::new(ContentType::Mulaw8k).hangup_after(Duration::from_secs(30));
    let report = call(bridge, &script).await;
    assert_eq!(report.summary.outcome, CallOutcome::AppHangup);
    assert!(
        report.summary.duration_ms < 10_000.0,
        "{}",
        report.summary.duration_ms
    );
    // What the bot sent before closing still played.
    assert!(rms(&report, 0.1, 0.4) > 2000.0);
    assert_eq!(stats.snapshot().bot_closed, 1);
}

#[tokio::test]
async fn the_bot_closing_can_keep_the_call_and_end_the_stream() {
    let (url, _) = bot(|mut ws, seen: Seen| async move {
        let _ = recv(&mut ws, &seen).await;
        let _ = recv(&mut ws, &seen).await;
        let _ = ws.close(None).await;
    })
    .await;
    let mut config = BridgeConfig::new(url);
    config.on_bot_close = OnBotClose::KeepCall;
    let script = Script::new(ContentType::Mulaw8k).hangup_after(Duration::from_secs(30));
    let report = call(Bridge::new(config), &script).await;
    assert_eq!(report.summary.outcome, CallOutcome::AppClosedStream);
    assert_eq!(report.count(Dir::FromApp, "terminate_call"), 0);
    assert!(report.summary.duration_ms < 10_000.0);
}

/// The bridge's log events on this thread, one line each (`LEVEL field=value ...`). A
/// `#[tokio::test]` runs every task of the test (the in-process server, the bridge's call) on
/// its thread, so a thread-local subscriber sees exactly this test's events.
#[derive(Clone, Default)]
struct Logs(Arc<Mutex<Vec<String>>>);

impl Logs {
    fn lines(&self) -> Vec<String> {
        self.0.lock().unwrap().clone()
    }
}

impl tracing::Subscriber for Logs {
    fn enabled(&self, metadata: &tracing::Metadata<'_>) -> bool {
        metadata.target().starts_with("fcstream_bridge")
    }
    fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        tracing::span::Id::from_u64(1)
    }
    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        struct Line(String);
        impl tracing::field::Visit for Line {
            fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
                self.0.push_str(&format!(" {}={value:?}", field.name()));
            }
        }
        let mut line = Line(event.metadata().level().to_string());
        event.record(&mut line);
        self.0.lock().unwrap().push(line.0);
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

#[tokio::test]
async fn a_bot_that_is_down_gets_the_fallback_and_a_hangup() {
    let logs = Logs::default();
    let _logging = tracing::subscriber::set_default(logs.clone());
    // A port that was free a moment ago: nothing listens on it.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let bridge = Bridge::new(BridgeConfig::new(format!("ws://127.0.0.1:{port}/ws")));
    let stats = bridge.stats();
    let script = Script::new(ContentType::Mulaw8k).hangup_after(Duration::from_secs(30));
    let started = Instant::now();
    let report = call(bridge, &script).await;
    assert!(started.elapsed() < Duration::from_secs(10));
    assert_eq!(report.summary.outcome, CallOutcome::AppHangup);
    // The two beeps (250 ms each, 200 ms apart) were heard.
    assert!(
        rms(&report, 0.05, 0.2) > 2000.0,
        "{}",
        rms(&report, 0.05, 0.2)
    );
    assert!(rms(&report, 0.5, 0.65) > 2000.0);
    let s = stats.snapshot();
    assert_eq!(s.bot_connect_failures, 1);
    // A failed connection is not a connect time.
    assert_eq!((s.bot_connects, s.bot_connect_us_total), (0, 0), "{s:?}");
    // One clear error line, naming the bot and why.
    let lines = logs.lines();
    let down: Vec<&String> = lines
        .iter()
        .filter(|l| l.contains("the bot is down; playing the fallback and hanging up"))
        .collect();
    assert_eq!(down.len(), 1, "{lines:#?}");
    println!("the bot-down log line: {}", down[0]);
    assert!(down[0].starts_with("ERROR"), "{}", down[0]);
    assert!(
        down[0].contains(&format!("bot=ws://127.0.0.1:{port}/ws")),
        "{}",
        down[0]
    );
    assert!(down[0].contains(" error="), "{}", down[0]);
}

/// The time to open the bot's WebSocket is counted once per call, with a plausible value:
/// above zero, within the connect timeout and within the whole call.
#[tokio::test]
async fn the_bot_connect_time_is_measured() {
    let (url, _) = bot(echo_bot).await;
    let config = BridgeConfig::new(url);
    let timeout_us = config.connect_timeout.as_micros() as u64;
    let bridge = Bridge::new(config);
    let stats = bridge.stats();
    let script = humming_caller();
    let started = Instant::now();
    let report = call(bridge, &script).await;
    let call_us = started.elapsed().as_micros() as u64;
    assert_eq!(report.summary.outcome, CallOutcome::CallerHangup);
    let s = stats.snapshot();
    assert_eq!((s.bot_connects, s.bot_connect_failures), (1, 0), "{s:?}");
    assert!(s.bot_connect_us_total > 0, "{s:?}");
    assert!(
        s.bot_connect_us_total < timeout_us && s.bot_connect_us_total < call_us,
        "{s:?}, connect timeout {timeout_us} us, call {call_us} us"
    );
    // One connection: the longest is the only one.
    assert_eq!(s.bot_connect_us_max, s.bot_connect_us_total);
    println!(
        "bot connect time on loopback: {} us (call {call_us} us)",
        s.bot_connect_us_total
    );
    let page = stats.render();
    for line in [
        "fcstream_bridge_bot_connects_total 1".to_string(),
        format!(
            "fcstream_bridge_bot_connect_us_total {}",
            s.bot_connect_us_total
        ),
        format!(
            "fcstream_bridge_bot_connect_max_us {}",
            s.bot_connect_us_max
        ),
    ] {
        assert!(page.lines().any(|l| l == line), "no {line:?} in\n{page}");
    }
}

#[tokio::test]
async fn a_bot_that_accepts_tcp_but_never_answers_times_out_into_the_fallback() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((tcp, _)) = listener.accept().await {
            held.push(tcp); // never answers the handshake
        }
    });
    let mut config = BridgeConfig::new(format!("ws://{addr}/ws"));
    config.connect_timeout = Duration::from_millis(500);
    let script = Script::new(ContentType::Mulaw8k).hangup_after(Duration::from_secs(30));
    let report = call(Bridge::new(config), &script).await;
    assert_eq!(report.summary.outcome, CallOutcome::AppHangup);
    assert!(
        report.summary.duration_ms < 5000.0,
        "{}",
        report.summary.duration_ms
    );
}

#[tokio::test]
async fn a_key_press_reaches_the_bot_as_dtmf() {
    let (url, seen) = bot(|mut ws, seen: Seen| async move { recv_all(&mut ws, &seen).await }).await;
    let script = Script::new(ContentType::Mulaw8k)
        .press('5', Duration::from_millis(300), Duration::from_millis(120))
        .hangup_after(Duration::from_secs(1));
    call(Bridge::new(BridgeConfig::new(url)), &script).await;
    let dtmf = seen.events("dtmf");
    assert_eq!(dtmf.len(), 1, "{dtmf:?}");
    assert_eq!(
        dtmf[0]["dtmf"],
        json!({"track":"inbound_track","digit":"5"})
    );
}

#[tokio::test]
async fn bad_bot_input_is_refused_counted_and_the_call_goes_on() {
    let (url, seen) = bot(|mut ws, seen: Seen| async move {
        let _ = recv(&mut ws, &seen).await;
        let _ = recv(&mut ws, &seen).await;
        let bad = [
            Message::text("{not json"),
            Message::text(r#"{"event":"media","media":{"payload":"***"}}"#),
            Message::text(r#"{"event":"media"}"#),
            Message::text(r#"{"event":"dance"}"#),
            Message::binary(vec![1u8, 2, 3]),
            Message::text(format!(
                r#"{{"event":"media","media":{{"payload":"{}"}}}}"#,
                "A".repeat(100_000)
            )),
        ];
        for m in bad {
            let _ = ws.send(m).await;
        }
        for chunk in tone_mulaw(0.5).chunks(160) {
            let _ = ws.send(media(chunk)).await;
        }
        let _ = ws.send(mark("ok")).await;
        recv_all(&mut ws, &seen).await;
    })
    .await;
    let mut config = BridgeConfig::new(url);
    config.max_message_bytes = 64 * 1024;
    let bridge = Bridge::new(config);
    let stats = bridge.stats();
    let script = Script::new(ContentType::Mulaw8k).hangup_after(Duration::from_secs(2));
    let report = call(bridge, &script).await;
    assert_eq!(report.summary.outcome, CallOutcome::CallerHangup);
    assert!(seen.mark_at("ok").is_some());
    assert!(rms(&report, 0.1, 0.4) > 2000.0);
    let s = stats.snapshot();
    assert_eq!(
        (s.bad_messages, s.unknown_events, s.oversize_messages),
        (4, 1, 1)
    );
}

#[tokio::test]
async fn a_flood_of_60_s_of_audio_is_bounded_and_plays_in_order() {
    let (url, _) = bot(|ws, seen| burst_then_mark(60.0, ws, seen)).await;
    let mut config = BridgeConfig::new(url);
    config.max_buffered_audio = Duration::from_secs(10);
    let bridge = Bridge::new(config);
    let stats = bridge.stats();
    let script = Script::new(ContentType::Mulaw8k).hangup_after(Duration::from_secs(3));
    let report = call(bridge, &script).await;
    // The platform was never overrun and the caller heard the audio without gaps.
    assert!(
        report.summary.errors.is_empty(),
        "{:?}",
        report.summary.errors
    );
    assert!(rms(&report, 0.2, 2.8) > 2000.0);
    let s = stats.snapshot();
    assert_eq!(s.media_from_bot, 3000);
    // What is at the library (in flight, at most 16 plays of at most 1 s) plus 10 s held:
    // the rest of the 60 s was dropped, not buffered.
    let dropped_s = s.audio_dropped_ms as f64 / 1000.0;
    assert!((30.0..=50.0).contains(&dropped_s), "{dropped_s} s dropped");
}

#[tokio::test]
async fn a_call_can_name_its_bot_in_its_metadata() {
    let (url, seen) = bot(|mut ws, seen: Seen| async move { recv_all(&mut ws, &seen).await }).await;
    // The default bot is down; the call's metadata names the one that is up.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let mut config = BridgeConfig::new(format!("ws://127.0.0.1:{port}/ws"));
    config.url_key = Some("botUrl".into());
    let script = Script::new(ContentType::Mulaw8k)
        .metadata(format!("botUrl={url}"))
        .hangup_after(Duration::from_secs(1));
    let report = call(Bridge::new(config), &script).await;
    assert_eq!(report.summary.outcome, CallOutcome::CallerHangup);
    seen.wait_for("start").await;
    let start = &seen.events("start")[0];
    assert_eq!(start["start"]["customParameters"]["botUrl"], url.as_str());
}

#[test]
fn a_bot_url_from_metadata_is_used_only_when_asked_and_only_ws() {
    let mut cfg = BridgeConfig::new("ws://default/ws");
    let md = vec!["botUrl=ws://other/ws".to_string()];
    assert_eq!(fcstream_bridge::bot_url(&cfg, &md), "ws://default/ws");
    cfg.url_key = Some("botUrl".into());
    assert_eq!(fcstream_bridge::bot_url(&cfg, &md), "ws://other/ws");
    let bad = vec!["botUrl=http://elsewhere/".to_string()];
    assert_eq!(fcstream_bridge::bot_url(&cfg, &bad), "ws://default/ws");
}

#[tokio::test]
async fn a_flood_of_marks_is_bounded_and_every_mark_is_answered() {
    let (url, seen) = bot(|mut ws, seen: Seen| async move {
        let _ = recv(&mut ws, &seen).await;
        let _ = recv(&mut ws, &seen).await;
        for chunk in tone_mulaw(0.5).chunks(160) {
            let _ = ws.send(media(chunk)).await;
        }
        for i in 0..2000 {
            let _ = ws.send(mark(&format!("k{i}"))).await;
        }
        recv_all(&mut ws, &seen).await;
    })
    .await;
    let mut config = BridgeConfig::new(url);
    config.max_pending_marks = 100;
    let bridge = Bridge::new(config);
    let stats = bridge.stats();
    let script = Script::new(ContentType::Mulaw8k).hangup_after(Duration::from_secs(2));
    let report = call(bridge, &script).await;
    assert_eq!(report.summary.outcome, CallOutcome::CallerHangup);
    let s = stats.snapshot();
    assert_eq!((s.marks_overflow, s.marks_answered), (1900, 2000));
    assert_eq!(s.marks_outstanding, 0);
    assert_eq!(seen.events("mark").len(), 2000);
}

/// The latency the bridge adds is measured each way, per frame: every caller frame toward the
/// bot (and its age by the platform's clock, the emulator's being this host's), and the bot's
/// echo toward the platform whenever it found nothing waiting (an echo always does).
#[tokio::test]
async fn the_latency_added_each_way_is_measured() {
    let (url, _) = bot(echo_bot).await;
    let bridge = Bridge::new(BridgeConfig::new(url));
    let stats = bridge.stats();
    let script = humming_caller();
    let report = call(bridge, &script).await;
    assert_eq!(report.summary.outcome, CallOutcome::CallerHangup);
    let s = stats.snapshot();
    assert!(s.frames_to_bot >= 90, "{s:?}");
    assert_eq!(s.to_bot.count, s.frames_to_bot);
    assert_eq!(s.platform_to_bot.count, s.frames_to_bot);
    // The echo's frames arrive 20 ms apart and play in 20 ms: most find the queue empty.
    assert!(s.to_platform.count >= s.media_from_bot / 2, "{s:?}");
    assert!(s.to_platform.count <= s.media_from_bot, "{s:?}");
    for l in [s.to_bot, s.platform_to_bot, s.to_platform] {
        // Generous: a loaded CI machine, a debug build. The point is that they are recorded.
        assert!(l.p50_us > 0 && l.p50_us < 200_000, "{l:?}");
        assert!(l.p50_us <= l.p99_us && l.p99_us <= l.max_us, "{l:?}");
    }
    let page = stats.render();
    assert!(page.contains(&format!(
        "fcstream_bridge_latency_to_bot_seconds_count {}",
        s.frames_to_bot
    )));
}

/// One bot message far larger than the bridge's WebSocket read buffer (3 s of audio, 32 KB
/// of base64) is read whole and played whole.
#[tokio::test]
async fn a_message_larger_than_the_read_buffer_plays_whole() {
    let (url, _) = bot(|mut ws, seen: Seen| async move {
        let _ = recv(&mut ws, &seen).await;
        let _ = recv(&mut ws, &seen).await;
        let _ = ws.send(media(&tone_mulaw(3.0))).await;
        recv_all(&mut ws, &seen).await;
    })
    .await;
    let bridge = Bridge::new(BridgeConfig::new(url));
    let stats = bridge.stats();
    let script = Script::new(ContentType::Mulaw8k).hangup_after(Duration::from_secs(4));
    let report = call(bridge, &script).await;
    let s = stats.snapshot();
    assert_eq!(
        (s.media_from_bot, s.bad_messages, s.oversize_messages),
        (1, 0, 0)
    );
    assert!(
        rms(&report, 0.2, 2.9) > 2000.0,
        "{}",
        rms(&report, 0.2, 2.9)
    );
    assert!(rms(&report, 3.3, 3.9) < 100.0);
}

/// A CA (PEM) and a certificate for 127.0.0.1 signed by it (DER, with its key), made now.
fn test_pki() -> (
    String,
    rustls::pki_types::CertificateDer<'static>,
    rustls::pki_types::PrivateKeyDer<'static>,
) {
    use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair};
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate().unwrap()).unwrap();
    let key = KeyPair::generate().unwrap();
    let cert = CertificateParams::new(vec!["127.0.0.1".to_string()])
        .unwrap()
        .signed_by(&key, &ca)
        .unwrap();
    let key = rustls::pki_types::PrivateKeyDer::try_from(key.serialize_der()).unwrap();
    (ca.pem(), cert.der().clone(), key)
}

/// An echo bot behind TLS on 127.0.0.1 (OS-chosen port); its `wss://` URL and what it saw.
async fn wss_echo_bot(
    cert: rustls::pki_types::CertificateDer<'static>,
    key: rustls::pki_types::PrivateKeyDer<'static>,
) -> (String, Seen) {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let tls = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![cert], key)
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(tls));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let seen = Seen::default();
    let seen_out = seen.clone();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let (acceptor, seen) = (acceptor.clone(), seen.clone());
            tokio::spawn(async move {
                let Ok(tls) = acceptor.accept(tcp).await else {
                    seen.push(json!({"event": "<tls refused>"}));
                    return;
                };
                let Ok(mut ws) = tokio_tungstenite::accept_async(tls).await else {
                    return;
                };
                while let Some(v) = recv_from(&mut ws, &seen).await {
                    if v["event"] == "media" {
                        let payload = v["media"]["payload"].clone();
                        let reply = json!({"event":"media","media":{"payload":payload}});
                        if ws.send(Message::text(reply.to_string())).await.is_err() {
                            return;
                        }
                    }
                }
            });
        }
    });
    (format!("wss://{addr}/ws"), seen_out)
}

/// A `wss://` bot is reached over TLS when its CA is trusted (`with_ca_pem`), and refused,
/// like a bot that is down, when it is not.
#[tokio::test]
async fn a_wss_bot_is_reached_over_tls_and_its_certificate_checked() {
    let (ca_pem, cert, key) = test_pki();
    let (url, seen) = wss_echo_bot(cert, key).await;
    let script = humming_caller();

    let config = BridgeConfig::new(url.clone())
        .with_ca_pem(ca_pem.as_bytes())
        .unwrap();
    let bridge = Bridge::new(config);
    let stats = bridge.stats();
    let report = call(bridge, &script).await;
    assert_eq!(report.summary.outcome, CallOutcome::CallerHangup);
    seen.wait_for("start").await;
    assert!(
        rms(&report, 0.5, 1.8) > 2000.0,
        "the echo came back over TLS"
    );
    let s = stats.snapshot();
    assert_eq!((s.bot_connects, s.bot_connect_failures), (1, 0));

    // Only the Mozilla roots: the bot's certificate is not trusted, the caller gets the fallback.
    let bridge = Bridge::new(BridgeConfig::new(url));
    let stats = bridge.stats();
    let report = call(bridge, &script).await;
    assert_eq!(report.summary.outcome, CallOutcome::AppHangup);
    let s = stats.snapshot();
    assert_eq!((s.bot_connects, s.bot_connect_failures), (0, 1));

    assert!(BridgeConfig::new("wss://x")
        .with_ca_pem(b"not pem")
        .is_err());
}
