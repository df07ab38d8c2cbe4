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
