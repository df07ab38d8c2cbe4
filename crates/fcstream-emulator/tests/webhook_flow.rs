//! The whole FreeClimb flow against the real library servers on loopback: a signed
//! inbound-call webhook → PerCL with `AudioStream` → the gRPC call → the signed `audioStream`
//! webhook to the `actionUrl` → the PerCL after it, carried out.

use std::time::Duration;

use fcstream::http::{WebhookConfig, Webhooks};
use fcstream::percl::Percl;
use fcstream::{ContentType, Server};
use fcstream_emulator::{run_flow, Flow, FlowError, FlowStep, Script, Source};
use tokio::net::TcpListener;
use tokio::sync::mpsc;

const SECRET: &str = "whsec_flow_test";

/// Starts the gRPC echo server and the webhook endpoint; returns the inbound URL and a
/// receiver of the call ids the `/stream-ended` hook saw.
async fn servers() -> (String, mpsc::Receiver<String>) {
    let grpc = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let grpc_url = format!("http://{}", grpc.local_addr().unwrap());
    tokio::spawn(Server::from_listener(grpc).serve(fcstream_apps::echo));
    let http = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let http_url = format!("http://{}", http.local_addr().unwrap());
    let (seen_tx, seen_rx) = mpsc::channel(4);
    let config = WebhookConfig::new(grpc_url)
        .public_http_url(http_url.clone())
        .content_type(ContentType::L16At16k)
        .signing_secret(SECRET);
    let router = Webhooks::new(config)
        .on_stream_ended(move |request| {
            let seen_tx = seen_tx.clone();
            async move {
                let _ = seen_tx.send(request.call_id.clone()).await;
                Percl::new()
                    .say("Goodbye")
                    .pause(Duration::from_millis(50))
                    .hangup()
            }
        })
        .router();
    tokio::spawn(fcstream::http::serve(http, router, std::future::pending()));
    (format!("{http_url}/inbound"), seen_rx)
}

fn script() -> Script {
    Script::new(ContentType::Mulaw8k)
        .call_id("CAflow0001")
        .say(
            Duration::ZERO,
            Source::Tone {
                hz: 440.0,
                duration: Some(Duration::from_millis(600)),
            },
        )
        .hangup_after(Duration::from_secs(1))
}

#[tokio::test]
async fn webhook_percl_stream_and_action_url_are_followed_end_to_end() {
    let (inbound, mut seen) = servers().await;
    let report = run_flow(
        &Flow::new(inbound.clone()).signing_secret(SECRET),
        &script(),
    )
    .await
    .expect("the flow runs");

    // The actionUrl webhook arrived, for this call.
    assert_eq!(seen.recv().await.as_deref(), Some("CAflow0001"));

    let names = |p: &[&str]| p.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let steps = &report.steps;
    assert!(
        matches!(&steps[0], FlowStep::Webhook { request_type, status: 200, percl, .. }
        if request_type == "inboundCall" && *percl == names(&["AudioStream"])),
        "{steps:?}"
    );
    assert!(
        matches!(&steps[1], FlowStep::Stream { content_type, port_ok: false, .. }
        if content_type == "audio/l16;rate=16000"),
        "the PerCL's content type is used: {steps:?}"
    );
    // The caller hung up: the actionUrl is told the call completed, and why.
    assert!(
        matches!(&steps[2], FlowStep::Webhook { request_type, status: 200, percl, call_status, call_ended_reason, .. }
        if request_type == "audioStream" && *percl == names(&["Say", "Pause", "Hangup"])
            && call_status == "completed" && call_ended_reason.as_deref() == Some("farEndHangup")),
        "{steps:?}"
    );
    // There is no call left to carry the PerCL out on: it is reported, not run.
    assert!(
        matches!(&steps[3], FlowStep::Ignored { percl, why }
        if *percl == names(&["Say", "Pause", "Hangup"]) && why.contains("the call is over")),
        "{steps:?}"
    );
    assert_eq!(steps.len(), 4, "{steps:?}");

    // The stream really ran: the echo was heard, with the webhook's metadata.
    let call = report.call.expect("a call");
    assert!(call.summary.frames_received > 0, "{}", call.summary);
    assert_eq!(call.rate, 16000);
}

#[tokio::test]
async fn a_wrong_signing_secret_is_refused_with_a_clear_error() {
    let (inbound, _seen) = servers().await;
    let err = run_flow(
        &Flow::new(inbound).signing_secret("not the secret"),
        &script(),
    )
    .await
    .expect_err("refused");
    match err {
        FlowError::Webhook { why, .. } => assert!(why.contains("401"), "{why}"),
        other => panic!("{other:?}"),
    }
}

/// A webhook endpoint by hand (HTTP/1.1 on 127.0.0.1, OS-chosen port): answers `/inbound`
/// with `inbound` and every other path with `status` and `body`, and records each request's
/// path and JSON body. FreeClimb's example webservers answer the `actionUrl` with `{}` (Python,
/// JavaScript) or an empty body (Go), which a library endpoint never does.
struct FakeWebhooks {
    url: String,
    seen: std::sync::Arc<std::sync::Mutex<Vec<(String, serde_json::Value)>>>,
}

impl FakeWebhooks {
    fn start(inbound: impl Fn(&str) -> String + Send + 'static, status: u16, body: &str) -> Self {
        use std::io::{Read, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let (me, log, body) = (url.clone(), seen.clone(), body.to_string());
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(mut conn) = conn else { return };
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                let (head_end, length) = loop {
                    let n = conn.read(&mut chunk).unwrap_or(0);
                    if n == 0 {
                        break (None, 0);
                    }
                    buf.extend_from_slice(&chunk[..n]);
                    if let Some(at) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                        let head = String::from_utf8_lossy(&buf[..at]).to_ascii_lowercase();
                        let length = head
                            .lines()
                            .find_map(|l| l.strip_prefix("content-length:"))
                            .and_then(|v| v.trim().parse::<usize>().ok())
                            .unwrap_or(0);
                        break (Some(at + 4), length);
                    }
                };
                let Some(start) = head_end else { continue };
                while buf.len() < start + length {
                    let n = conn.read(&mut chunk).unwrap_or(0);
                    if n == 0 {
                        break;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                }
                let head = String::from_utf8_lossy(&buf[..start]).to_string();
                let path = head.split_whitespace().nth(1).unwrap_or("").to_string();
                let json = serde_json::from_slice(&buf[start..]).unwrap_or_default();
                log.lock().unwrap().push((path.clone(), json));
                let (code, answer) = if path == "/inbound" {
                    (200, inbound(&me))
                } else {
                    (status, body.clone())
                };
                let _ = write!(
                    conn,
                    "HTTP/1.1 {code} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{answer}",
                    answer.len()
                );
            }
        });
        Self { url, seen }
    }

    /// The JSON bodies POSTed to `path`.
    fn posted(&self, path: &str) -> Vec<serde_json::Value> {
        let seen = self.seen.lock().unwrap();
        seen.iter()
            .filter(|(p, _)| p == path)
            .map(|(_, b)| b.clone())
            .collect()
    }
}

/// The gRPC app `handler` on 127.0.0.1 (OS-chosen port); its URL.
async fn grpc(handler: impl fcstream::Handler) -> String {
    let grpc = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", grpc.local_addr().unwrap());
    tokio::spawn(Server::from_listener(grpc).serve(handler));
    url
}

/// PerCL that streams to `grpc` with `action_url` (FreeClimb's early-access spelling, as in
/// its example webservers).
fn stream_percl(grpc: &str, action_url: &str) -> String {
    serde_json::json!([{ "AudioStream": {
        "location": { "uri": grpc },
        "contentType": "audio/mulaw;rate=8000",
        "actionUrl": action_url,
        "metadata": ["testing"],
    }}])
    .to_string()
}

#[tokio::test]
async fn an_empty_action_url_answer_is_no_percl_and_the_webhook_says_the_caller_hung_up() {
    let echo = grpc(fcstream_apps::echo).await;
    for answer in ["{}", "", "[]"] {
        let g = echo.clone();
        let hooks = FakeWebhooks::start(
            move |me| stream_percl(&g, &format!("{me}/callback")),
            200,
            answer,
        );
        let report = run_flow(&Flow::new(format!("{}/inbound", hooks.url)), &script())
            .await
            .unwrap_or_else(|e| panic!("answer {answer:?}: {e}"));
        let steps = &report.steps;
        assert!(
            matches!(&steps[2], FlowStep::Webhook { request_type, percl, call_status, .. }
            if request_type == "audioStream" && percl.is_empty() && call_status == "completed"),
            "answer {answer:?}: {steps:?}"
        );
        assert_eq!(steps.len(), 3, "answer {answer:?}: {steps:?}");
        let call = report.call.expect("the call's report");
        assert!(call.summary.webhook_errors.is_empty(), "{}", call.summary);
        let posted = hooks.posted("/callback");
        assert_eq!(posted.len(), 1);
        assert_eq!(posted[0]["requestType"], "audioStream");
        assert_eq!(posted[0]["callStatus"], "completed");
        assert_eq!(posted[0]["callEndedReason"], "farEndHangup");
        assert_eq!(posted[0]["callId"], "CAflow0001");
    }
}

#[tokio::test]
async fn a_failing_action_url_webhook_is_reported_and_the_call_report_is_kept() {
    let echo = grpc(fcstream_apps::echo).await;
    let hooks = FakeWebhooks::start(
        move |me| stream_percl(&echo, &format!("{me}/callback")),
        500,
        "boom",
    );
    let report = run_flow(&Flow::new(format!("{}/inbound", hooks.url)), &script())
        .await
        .expect("a webhook failing after the call is not an error");
    assert!(
        matches!(report.steps.last(), Some(FlowStep::WebhookFailed { why, .. }) if why.contains("HTTP 500")),
        "{:?}",
        report.steps
    );
    let call = report.call.expect("the call's report is kept");
    assert!(call.summary.frames_received > 0, "{}", call.summary);
    assert_eq!(call.summary.webhook_errors.len(), 1);
    assert!(call.summary.webhook_errors[0].contains("HTTP 500"));
    assert!(call.summary.to_string().contains("webhook:      FAILED"));
    // Answers that are not PerCL are reported the same way.
    let echo = grpc(fcstream_apps::echo).await;
    let hooks = FakeWebhooks::start(
        move |me| stream_percl(&echo, &format!("{me}/callback")),
        200,
        "{\"ok\": true}",
    );
    let report = run_flow(&Flow::new(format!("{}/inbound", hooks.url)), &script())
        .await
        .unwrap();
    assert!(
        matches!(report.steps.last(), Some(FlowStep::WebhookFailed { why, .. }) if why.contains("not PerCL")),
        "{:?}",
        report.steps
    );
}

#[tokio::test]
async fn a_stream_the_app_ends_leaves_the_call_in_progress_and_the_percl_continues_it() {
    let app = grpc(|call: fcstream::Call| async move {
        tokio::time::sleep(Duration::from_millis(300)).await;
        drop(call);
        Ok(())
    })
    .await;
    let hooks = FakeWebhooks::start(
        move |me| stream_percl(&app, &format!("{me}/callback")),
        200,
        r#"[{"Say":{"text":"Thanks for calling"}},{"Hangup":{}}]"#,
    );
    let report = run_flow(&Flow::new(format!("{}/inbound", hooks.url)), &script())
        .await
        .unwrap();
    let call = report.call.as_ref().expect("a call");
    assert_eq!(
        call.summary.outcome,
        fcstream_emulator::CallOutcome::AppClosedStream
    );
    let steps = &report.steps;
    assert!(
        matches!(&steps[2], FlowStep::Webhook { call_status, call_ended_reason: None, .. }
        if call_status == "inProgress"),
        "{steps:?}"
    );
    assert!(
        matches!(&steps[3], FlowStep::Simulated { command, detail } if command == "Say" && detail == "Thanks for calling"),
        "{steps:?}"
    );
    assert_eq!(steps[4], FlowStep::Hangup);
    assert_eq!(hooks.posted("/callback")[0]["callStatus"], "inProgress");
}

#[tokio::test]
async fn end_grpc_stream_with_ends_stream_posts_the_messages_action_url() {
    let hooks_url = std::sync::Arc::new(std::sync::OnceLock::<String>::new());
    let next = hooks_url.clone();
    let app = grpc(move |mut call: fcstream::Call| {
        let next = next.clone();
        async move {
            tokio::time::sleep(Duration::from_millis(200)).await;
            let url = format!("{}/next", next.get().cloned().unwrap_or_default());
            call.end_stream(&url).await?;
            while call.next().await.is_some() {}
            Ok(())
        }
    })
    .await;
    let hooks = FakeWebhooks::start(
        move |me| stream_percl(&app, &format!("{me}/callback")),
        200,
        "{}",
    );
    hooks_url.set(hooks.url.clone()).unwrap();
    let mut s = script();
    s.platform.end_stream = fcstream_emulator::rules::EndStreamMode::EndsStream;
    let report = run_flow(&Flow::new(format!("{}/inbound", hooks.url)), &s)
        .await
        .unwrap();
    let call = report.call.as_ref().unwrap();
    assert_eq!(
        call.summary.outcome,
        fcstream_emulator::CallOutcome::EndStream
    );
    assert!(hooks.posted("/callback").is_empty(), "{:?}", report.steps);
    let next = hooks.posted("/next");
    assert_eq!(next.len(), 1, "{:?}", report.steps);
    assert_eq!(next[0]["callStatus"], "inProgress");
    // No PerCL for a live call: the platform hangs up.
    assert_eq!(report.steps.last(), Some(&FlowStep::Hangup));
}
