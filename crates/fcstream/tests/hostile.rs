//! Hostile platform input against the real server over loopback gRPC: what a peer sends never
//! becomes a metric label of its own, never forges or floods the text log, and is never echoed
//! back unbounded. (Part of the adversarial suite; bounded floods, loopback only.)

mod common;

use common::*;
use fcstream::proto::platform_message;
use fcstream::{Call, CallConfig, ContentType, EndReason, Event, Metrics, Server};

/// Reads events until the call ends.
async fn listen(mut call: Call) -> fcstream::Result<()> {
    while call.next().await.is_some() {}
    Ok(())
}

async fn server_with_metrics(metrics: Metrics) -> (String, tokio::sync::oneshot::Sender<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(
        Server::from_listener(listener)
            .metrics(metrics)
            .drain_timeout(std::time::Duration::from_secs(1))
            .serve_with_shutdown(listen, async {
                let _ = stopped.await;
            }),
    );
    (url, stop)
}

#[tokio::test]
async fn platform_error_ids_are_a_bounded_label_set() {
    let metrics = Metrics::new();
    let (url, _stop) = server_with_metrics(metrics.clone()).await;
    let mut p = Platform::start(
        connect(&url).await,
        call_info("CA-ids", ContentType::Mulaw8k),
    )
    .await;
    for i in 0..2_000 {
        p.send(Event::Error {
            id: format!("attacker-id-{i}"),
            message: "x".into(),
        })
        .await;
    }
    p.send(Event::Error {
        id: fcstream::error_ids::AUDIO_BUFFER_FULL.into(),
        message: "full".into(),
    })
    .await;
    p.end(EndReason::CallerDisconnect).await;
    let text = wait_for(|| {
        let t = metrics.render();
        t.contains("platform:other\"} 2000").then_some(t)
    })
    .await;
    let series = text
        .lines()
        .filter(|l| l.starts_with("fcstream_errors_total{") && l.contains("platform:"))
        .count();
    assert_eq!(series, 2, "{text}");
    assert!(
        text.contains("kind=\"platform:audio-buffer-full\"} 1"),
        "{text}"
    );
    assert!(!text.contains("attacker-id"));
}

#[tokio::test]
async fn a_huge_content_type_is_refused_with_a_short_reason() {
    let server = serve_tcp(listen, CallConfig::default()).await;
    let mut p = Platform::open(
        connect(&server.url).await,
        call_info("CA-ct", ContentType::Mulaw8k),
    )
    .await;
    let mut started = Event::CallStarted(call_info("CA-ct", ContentType::Mulaw8k)).to_proto();
    if let Some(platform_message::Payload::NotifyCallStarted(m)) = &mut started.payload {
        m.content_type = "audio/".to_string() + &"x".repeat(60_000);
    }
    p.send_raw(started).await;
    let status = p.next().await.expect_err("refused");
    assert_eq!(status.code(), tonic::Code::InvalidArgument);
    assert!(
        status.message().len() < 400,
        "{} bytes",
        status.message().len()
    );
    assert!(
        status.message().contains("unsupported content type"),
        "{}",
        status.message()
    );
}

#[tokio::test]
async fn streams_that_never_start_a_call_take_no_call_slot() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (_stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(
        Server::from_listener(listener)
            .max_calls(2)
            .drain_timeout(std::time::Duration::from_secs(1))
            .serve_with_shutdown(listen, async {
                let _ = stopped.await;
            }),
    );
    // A squatter: one connection, 300 streams that never send NotifyCallStartedMessage.
    let squatter = connect(&url).await;
    let mut squatting = Vec::new();
    let mut refused = 0;
    for _ in 0..300 {
        let mut client = fcstream::proto::grpc_stream_service_client::GrpcStreamServiceClient::new(
            squatter.clone(),
        );
        let (tx, rx) = tokio::sync::mpsc::channel::<fcstream::proto::PlatformMessage>(1);
        match client
            .send_ivr_data(tokio_stream::wrappers::ReceiverStream::new(rx))
            .await
        {
            Ok(stream) => squatting.push((tx, stream)),
            Err(status) => {
                assert_eq!(status.code(), tonic::Code::ResourceExhausted);
                refused += 1;
            }
        }
    }
    assert_eq!(
        refused,
        300 - fcstream::server::defaults::MAX_PENDING_PER_CONNECTION,
        "one connection gets its own small budget of streams not yet started"
    );
    // Real calls on another connection still get both call slots.
    for n in 0..2 {
        let mut p = Platform::start(
            connect(&url).await,
            call_info(&format!("CA-real-{n}"), ContentType::Mulaw8k),
        )
        .await;
        p.end(EndReason::CallerDisconnect).await;
        assert!(
            p.next().await.unwrap().is_none(),
            "the real call ran and ended cleanly"
        );
    }
    drop(squatting);
}
