//! The production server over real loopback gRPC: TLS and mTLS, the call limit, message size
//! limit, idle timeout and maximum duration, health, reflection, metrics and graceful drain.

mod common;

use std::time::Duration;

use bytes::Bytes;
use common::*;
use fcstream::proto::grpc_stream_service_client::GrpcStreamServiceClient;
use fcstream::{
    Call, CallConfig, Command, ContentType, EndCause, EndReason, Event, Metrics, Server, Shutdown,
    TlsConfig,
};
use tokio::sync::mpsc;
use tonic::transport::{Certificate, Channel, ClientTlsConfig, Endpoint, Identity};

// ---- TLS ---------------------------------------------------------------------------------

struct Pki {
    ca: String,
    server_cert: String,
    server_key: String,
    client_cert: String,
    client_key: String,
    other_client_cert: String,
    other_client_key: String,
}

fn pki() -> Pki {
    use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair};
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate().unwrap()).unwrap();
    let leaf = |names: Vec<String>, issuer: &CertifiedIssuer<'_, KeyPair>| {
        let key = KeyPair::generate().unwrap();
        let cert = CertificateParams::new(names)
            .unwrap()
            .signed_by(&key, issuer)
            .unwrap();
        (cert.pem(), key.serialize_pem())
    };
    let (server_cert, server_key) = leaf(vec!["localhost".into(), "127.0.0.1".into()], &ca);
    let (client_cert, client_key) = leaf(vec!["platform".into()], &ca);
    // A client certificate from a CA the server does not trust.
    let mut rogue_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    rogue_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let rogue = CertifiedIssuer::self_signed(rogue_params, KeyPair::generate().unwrap()).unwrap();
    let (other_client_cert, other_client_key) = leaf(vec!["intruder".into()], &rogue);
    Pki {
        ca: ca.pem(),
        server_cert,
        server_key,
        client_cert,
        client_key,
        other_client_cert,
        other_client_key,
    }
}

async fn tls_channel(
    addr: &str,
    ca: &str,
    identity: Option<(&str, &str)>,
) -> Result<Channel, tonic::transport::Error> {
    let mut tls = ClientTlsConfig::new()
        .ca_certificate(Certificate::from_pem(ca))
        .domain_name("localhost");
    if let Some((cert, key)) = identity {
        tls = tls.identity(Identity::from_pem(cert, key));
    }
    Endpoint::from_shared(format!("https://{addr}"))
        .unwrap()
        .tls_config(tls)?
        .connect()
        .await
}

/// Tries a whole call: Ok when the echo came back.
async fn try_call(channel: Channel) -> Result<(), String> {
    let (tx, rx) = mpsc::channel(8);
    let mut client = GrpcStreamServiceClient::new(channel);
    tx.send(Event::CallStarted(call_info("CA-tls", ContentType::Mulaw8k)).to_proto())
        .await
        .unwrap();
    let response = client
        .send_ivr_data(tokio_stream::wrappers::ReceiverStream::new(rx))
        .await
        .map_err(|s| s.to_string())?
        .into_inner();
    let mut p = Platform {
        tx: Some(tx),
        rx: response,
        info: call_info("CA-tls", ContentType::Mulaw8k),
        sequence: 0,
    };
    echo_once(&mut p, 7).await;
    Ok(())
}

#[tokio::test]
async fn tls_calls_work_and_mtls_refuses_clients_without_a_valid_certificate() {
    let pki = pki();
    // TLS only.
    let tls = TlsConfig {
        cert_pem: pki.server_cert.clone().into(),
        key_pem: pki.server_key.clone().into(),
        client_ca_pem: None,
    };
    let (addr, _stop, _task) = start(|l| Server::from_listener(l).tls(tls), echo).await;
    try_call(tls_channel(&addr, &pki.ca, None).await.unwrap())
        .await
        .unwrap();
    // A plaintext client cannot talk to it.
    let plain = Endpoint::from_shared(format!("http://{addr}"))
        .unwrap()
        .connect()
        .await;
    if let Ok(ch) = plain {
        assert!(
            try_call(ch).await.is_err(),
            "plaintext call went through a TLS port"
        );
    }

    // Mutual TLS.
    let mtls = TlsConfig {
        cert_pem: pki.server_cert.clone().into(),
        key_pem: pki.server_key.clone().into(),
        client_ca_pem: Some(pki.ca.clone().into()),
    };
    let (addr, _stop2, _task2) = start(|l| Server::from_listener(l).tls(mtls), echo).await;
    try_call(
        tls_channel(&addr, &pki.ca, Some((&pki.client_cert, &pki.client_key)))
            .await
            .unwrap(),
    )
    .await
    .unwrap();
    for identity in [
        None,
        Some((
            pki.other_client_cert.as_str(),
            pki.other_client_key.as_str(),
        )),
    ] {
        let refused = match tls_channel(&addr, &pki.ca, identity).await {
            Err(_) => true,
            Ok(ch) => try_call(ch).await.is_err(),
        };
        assert!(
            refused,
            "a client without a valid certificate got a call through"
        );
    }
}

// ---- limits ------------------------------------------------------------------------------

#[tokio::test]
async fn the_call_over_the_limit_is_refused_when_it_starts_and_the_others_keep_echoing() {
    let (addr, _stop, _task) = start(|l| Server::from_listener(l).max_calls(2), echo).await;
    let channel = connect(&format!("http://{addr}")).await;
    let mut a = Platform::start(channel.clone(), call_info("CA-a", ContentType::Mulaw8k)).await;
    let mut b = Platform::start(channel.clone(), call_info("CA-b", ContentType::Mulaw8k)).await;
    echo_once(&mut a, 1).await;
    echo_once(&mut b, 2).await;
    let (tx, rx) = mpsc::channel(1);
    tx.send(Event::CallStarted(call_info("CA-c", ContentType::Mulaw8k)).to_proto())
        .await
        .unwrap();
    // A stream takes a call slot only when its call starts (an authenticated
    // NotifyCallStartedMessage), so the refusal comes as the stream's first answer.
    let mut third = GrpcStreamServiceClient::new(channel.clone())
        .send_ivr_data(tokio_stream::wrappers::ReceiverStream::new(rx))
        .await
        .expect("the stream opens: it holds no call slot yet")
        .into_inner();
    let status = tokio::time::timeout(SOON, third.message())
        .await
        .expect("answered at once")
        .expect_err("the third call is refused");
    assert_eq!(status.code(), tonic::Code::ResourceExhausted);
    assert!(
        status.message().contains("limit of 2"),
        "{}",
        status.message()
    );
    echo_once(&mut a, 3).await;
    echo_once(&mut b, 4).await;
    // When one ends, a new call is accepted.
    a.end(EndReason::CallerDisconnect).await;
    assert_eq!(a.next().await.unwrap(), None);
    let mut c = Platform::start(channel, call_info("CA-c2", ContentType::Mulaw8k)).await;
    let mut accepted = false;
    for _ in 0..50 {
        // The permit is released when the first call's task finishes; retry briefly.
        c.audio(vec![5u8; 160]).await;
        match c.next().await {
            Ok(Some(_)) => {
                accepted = true;
                break;
            }
            Err(s) if s.code() == tonic::Code::ResourceExhausted => {
                tokio::time::sleep(Duration::from_millis(50)).await;
                c = Platform::start(
                    connect(&format!("http://{addr}")).await,
                    call_info("CA-c2", ContentType::Mulaw8k),
                )
                .await;
            }
            other => panic!("{other:?}"),
        }
    }
    assert!(accepted);
}

#[tokio::test]
async fn an_oversize_message_ends_only_its_own_call() {
    let (addr, _stop, _task) =
        start(|l| Server::from_listener(l).max_message_bytes(1024), echo).await;
    let channel = connect(&format!("http://{addr}")).await;
    let mut good =
        Platform::start(channel.clone(), call_info("CA-good", ContentType::L16At16k)).await;
    let mut bad = Platform::start(channel, call_info("CA-big", ContentType::L16At16k)).await;
    echo_once(&mut bad, 1).await;
    bad.audio(vec![0u8; 4096]).await;
    let status = bad
        .next()
        .await
        .expect_err("the oversize message fails its stream");
    assert!(
        matches!(
            status.code(),
            tonic::Code::OutOfRange
                | tonic::Code::ResourceExhausted
                | tonic::Code::Internal
                | tonic::Code::Cancelled
        ),
        "{status:?}"
    );
    echo_once(&mut good, 2).await;
}

#[tokio::test]
async fn idle_timeout_and_max_duration_end_calls_with_their_reason() {
    let (tx, mut rx) = mpsc::channel(4);
    let handler = move |mut call: Call| {
        let tx = tx.clone();
        async move {
            while call.next().await.is_some() {}
            let _ = tx.send(call.end_cause()).await;
            Ok(())
        }
    };
    // Idle: the platform sends nothing after the call started.
    let config = CallConfig {
        idle_timeout: Some(Duration::from_millis(300)),
        ..CallConfig::default()
    };
    let server = serve_tcp(handler.clone(), config).await;
    let mut p = Platform::start(
        connect(&server.url).await,
        call_info("CA-idle", ContentType::Mulaw8k),
    )
    .await;
    assert_eq!(p.next().await.unwrap(), None, "the stream ends");
    assert_eq!(rx.recv().await.unwrap(), Some(EndCause::IdleTimeout));

    // Max duration: the server hangs up, then ends the stream.
    let config = CallConfig {
        max_duration: Some(Duration::from_millis(400)),
        ..CallConfig::default()
    };
    let server = serve_tcp(handler, config).await;
    let mut p = Platform::start(
        connect(&server.url).await,
        call_info("CA-long", ContentType::Mulaw8k),
    )
    .await;
    let tx = p.tx.clone().unwrap();
    let keep_talking = async move {
        for seq in 0.. {
            let frame = fcstream::AudioFrame {
                data: vec![0xFFu8; 160].into(),
                sequence: seq,
                start: None,
                end: None,
            };
            let _ = tx.send(Event::Audio(frame).to_proto()).await;
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };
    let got = tokio::select! {
        _ = keep_talking => unreachable!(),
        cmd = p.next() => cmd.unwrap(),
    };
    assert_eq!(got, Some(Command::TerminateCall));
    assert_eq!(rx.recv().await.unwrap(), Some(EndCause::MaxDuration));
}

// ---- health, reflection, metrics -----------------------------------------------------------

#[tokio::test]
async fn health_reflection_and_metrics() {
    use tonic_health::pb::health_check_response::ServingStatus;
    use tonic_health::pb::{health_client::HealthClient, HealthCheckRequest};
    use tonic_reflection::pb::v1::server_reflection_client::ServerReflectionClient;
    use tonic_reflection::pb::v1::server_reflection_request::MessageRequest;
    use tonic_reflection::pb::v1::server_reflection_response::MessageResponse;
    use tonic_reflection::pb::v1::ServerReflectionRequest;

    let metrics = Metrics::new();
    let m = metrics.clone();
    let (addr, stop, task) = start(
        move |l| {
            Server::from_listener(l)
                .metrics(m)
                .drain_timeout(Duration::from_secs(30))
        },
        echo,
    )
    .await;
    let channel = connect(&format!("http://{addr}")).await;

    let check = |channel: Channel| async move {
        HealthClient::new(channel)
            .check(HealthCheckRequest {
                service: "freeclimb.GRPCStreamService".into(),
            })
            .await
            .map(|r| r.into_inner().status)
    };
    assert_eq!(
        check(channel.clone()).await.unwrap(),
        ServingStatus::Serving as i32
    );

    let (tx, rx) = mpsc::channel(1);
    tx.send(ServerReflectionRequest {
        host: String::new(),
        message_request: Some(MessageRequest::ListServices(String::new())),
    })
    .await
    .unwrap();
    let mut replies = ServerReflectionClient::new(channel.clone())
        .server_reflection_info(tokio_stream::wrappers::ReceiverStream::new(rx))
        .await
        .unwrap()
        .into_inner();
    let Some(MessageResponse::ListServicesResponse(list)) =
        replies.message().await.unwrap().unwrap().message_response
    else {
        panic!("no service list")
    };
    let names: Vec<_> = list.service.iter().map(|s| s.name.as_str()).collect();
    assert!(names.contains(&"freeclimb.GRPCStreamService"), "{names:?}");
    assert!(names.contains(&"grpc.health.v1.Health"), "{names:?}");
    drop((tx, replies));

    // Counters move during a call (flushed every 250 frames).
    let mut p = Platform::start(
        channel.clone(),
        call_info("CA-metrics", ContentType::Mulaw8k),
    )
    .await;
    for i in 0..260u32 {
        echo_once(&mut p, (i % 200) as u8).await;
    }
    let text = metrics.render();
    assert!(text.contains("fcstream_active_calls 1"), "{text}");
    let frames: u64 = text
        .lines()
        .find_map(|l| l.strip_prefix("fcstream_frames_in_total "))
        .and_then(|v| v.parse().ok())
        .unwrap();
    assert!(frames >= 250, "{frames}");

    // Drain: health flips, the live call goes on, then ends; the server returns.
    stop.send(()).unwrap();
    let mut flipped = false;
    for _ in 0..100 {
        if check(channel.clone()).await.ok() == Some(ServingStatus::NotServing as i32) {
            flipped = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(flipped, "health did not flip to NOT_SERVING");
    echo_once(&mut p, 9).await;
    p.end(EndReason::CallerDisconnect).await;
    assert_eq!(p.next().await.unwrap(), None);
    drop(channel);
    tokio::time::timeout(SOON, task)
        .await
        .expect("server stops once the call is over")
        .unwrap()
        .unwrap();
    let text = metrics.render();
    assert!(text.contains("fcstream_active_calls 0"), "{text}");
    assert!(
        text.contains("fcstream_calls_ended_total{reason=\"caller_disconnect\"} 1"),
        "{text}"
    );
}

/// Older grpcurl, grpcui, Postman and Evans ask reflection v1alpha only.
#[tokio::test]
async fn reflection_answers_v1alpha_too() {
    use tonic_reflection::pb::v1alpha::server_reflection_client::ServerReflectionClient;
    use tonic_reflection::pb::v1alpha::server_reflection_request::MessageRequest;
    use tonic_reflection::pb::v1alpha::server_reflection_response::MessageResponse;
    use tonic_reflection::pb::v1alpha::ServerReflectionRequest;

    let (addr, stop, task) = start(Server::from_listener, echo).await;
    let channel = connect(&format!("http://{addr}")).await;
    let requests = [
        MessageRequest::ListServices(String::new()),
        MessageRequest::FileContainingSymbol("freeclimb.GRPCStreamService".into()),
    ];
    let (tx, rx) = mpsc::channel(requests.len());
    for r in requests {
        tx.send(ServerReflectionRequest {
            host: String::new(),
            message_request: Some(r),
        })
        .await
        .unwrap();
    }
    let mut replies = ServerReflectionClient::new(channel.clone())
        .server_reflection_info(tokio_stream::wrappers::ReceiverStream::new(rx))
        .await
        .expect("v1alpha reflection is served")
        .into_inner();
    let Some(MessageResponse::ListServicesResponse(list)) =
        replies.message().await.unwrap().unwrap().message_response
    else {
        panic!("no service list")
    };
    let names: Vec<_> = list.service.iter().map(|s| s.name.as_str()).collect();
    assert!(names.contains(&"freeclimb.GRPCStreamService"), "{names:?}");
    let Some(MessageResponse::FileDescriptorResponse(files)) =
        replies.message().await.unwrap().unwrap().message_response
    else {
        panic!("no descriptor for the stream service")
    };
    assert!(!files.file_descriptor_proto.is_empty());
    drop((tx, replies, channel));
    stop.send(()).unwrap();
    tokio::time::timeout(SOON, task)
        .await
        .expect("server stops")
        .unwrap()
        .unwrap();
}

#[tokio::test]
async fn drain_lets_twenty_live_calls_finish_then_the_timeout_ends_the_rest() {
    let shutdown = Shutdown::new();
    let s = shutdown.clone();
    let (addr, stop, task) = start(
        move |l| {
            Server::from_listener(l)
                .shutdown_handle(s)
                .drain_timeout(Duration::from_secs(2))
        },
        echo,
    )
    .await;
    let channel = connect(&format!("http://{addr}")).await;
    let mut calls = Vec::new();
    for i in 0..21 {
        let mut p = Platform::start(
            channel.clone(),
            call_info(&format!("CA-{i}"), ContentType::Mulaw8k),
        )
        .await;
        echo_once(&mut p, 1).await;
        calls.push(p);
    }
    stop.send(()).unwrap();
    // Twenty calls carry on through the drain and end normally.
    let stubborn = calls.pop().unwrap();
    for p in &mut calls {
        echo_once(p, 2).await;
        p.end(EndReason::CallerDisconnect).await;
        assert_eq!(p.next().await.unwrap(), None);
    }
    // The last one never hangs up: the drain timeout ends it cleanly (OK, no error).
    let mut stubborn = stubborn;
    assert_eq!(stubborn.next().await.unwrap(), None);
    assert_eq!(shutdown.phase(), fcstream::server::Phase::Terminating);
    drop(channel);
    tokio::time::timeout(SOON, task)
        .await
        .expect("server stops")
        .unwrap()
        .unwrap();
}

// ---- stream authentication -------------------------------------------------------------------

/// Opens a call with an optional `authorization` header; returns the first reply.
async fn call_with(
    channel: Channel,
    bearer: Option<&str>,
    info: fcstream::CallInfo,
) -> Result<Platform, tonic::Status> {
    let (tx, rx) = mpsc::channel(8);
    tx.send(Event::CallStarted(info.clone()).to_proto())
        .await
        .unwrap();
    let mut request = tonic::Request::new(tokio_stream::wrappers::ReceiverStream::new(rx));
    if let Some(token) = bearer {
        request
            .metadata_mut()
            .insert("authorization", format!("Bearer {token}").parse().unwrap());
    }
    let response = GrpcStreamServiceClient::new(channel)
        .send_ivr_data(request)
        .await?;
    let mut p = Platform {
        tx: Some(tx),
        rx: response.into_inner(),
        info,
        sequence: 0,
    };
    // The call is accepted only if the echo comes back (per-call tokens are checked after
    // the stream opened, on NotifyCallStartedMessage).
    let frame = Bytes::from(vec![1u8; 160]);
    p.audio(frame.clone()).await;
    match p.next().await? {
        Some(Command::PlayAudio { audio, .. }) if audio == frame => Ok(p),
        other => panic!("unexpected {other:?}"),
    }
}

#[tokio::test]
async fn bearer_token_auth_accepts_the_right_token_only() {
    let metrics = Metrics::new();
    let m = metrics.clone();
    let auth = fcstream::StreamAuth::default().bearer("platform-secret");
    let (addr, _stop, _task) = start(
        move |l| Server::from_listener(l).auth(auth).metrics(m),
        echo,
    )
    .await;
    let channel = connect(&format!("http://{addr}")).await;
    call_with(
        channel.clone(),
        Some("platform-secret"),
        call_info("CA-1", ContentType::Mulaw8k),
    )
    .await
    .unwrap();
    for bad in [None, Some("wrong"), Some("")] {
        let status = call_with(
            channel.clone(),
            bad,
            call_info("CA-2", ContentType::Mulaw8k),
        )
        .await
        .err()
        .expect("refused");
        assert_eq!(status.code(), tonic::Code::Unauthenticated, "{bad:?}");
        assert!(!status.message().contains("platform-secret"));
    }
    assert!(metrics
        .render()
        .contains("fcstream_streams_rejected_total{cause=\"unauthenticated\"} 3"));
}

#[tokio::test]
async fn per_call_tokens_are_bound_to_the_call_and_expire() {
    use fcstream::auth::issue_call_token;
    use std::time::SystemTime;
    let key = b"per-call signing key".to_vec();
    let (seen_tx, mut seen_rx) = mpsc::channel(4);
    let handler = move |call: Call| {
        let seen_tx = seen_tx.clone();
        async move {
            let _ = seen_tx.send(call.info().metadata.clone()).await;
            echo(call).await
        }
    };
    let auth = fcstream::StreamAuth::default().call_tokens(key.clone());
    let (addr, _stop, _task) = start(move |l| Server::from_listener(l).auth(auth), handler).await;
    let channel = connect(&format!("http://{addr}")).await;
    let with_token = |call_id: &str, token: String| {
        let mut info = call_info(call_id, ContentType::Mulaw8k);
        info.metadata = vec!["tenant=acme".into(), format!("fcstream-token={token}")];
        info
    };
    let later = SystemTime::now() + Duration::from_secs(300);
    let good = issue_call_token(&key, "CA-good", later);
    call_with(channel.clone(), None, with_token("CA-good", good.clone()))
        .await
        .unwrap();
    assert_eq!(
        seen_rx.recv().await.unwrap(),
        vec!["tenant=acme".to_string()],
        "the token is not shown to the app"
    );

    let refused = [
        with_token("CA-good", good.clone()), // used already
        with_token("CA-other", good),        // another call's token
        with_token("CA-x", issue_call_token(b"wrong key", "CA-x", later)), // wrong key
        with_token(
            "CA-y",
            issue_call_token(&key, "CA-y", SystemTime::now() - Duration::from_secs(1)),
        ), // expired
        call_info("CA-z", ContentType::Mulaw8k), // none
    ];
    for info in refused {
        let id = info.call_id.clone();
        let status = call_with(channel.clone(), None, info)
            .await
            .err()
            .unwrap_or_else(|| panic!("{id} was accepted"));
        assert_eq!(status.code(), tonic::Code::Unauthenticated, "{id}");
    }
    assert!(
        seen_rx.try_recv().is_err(),
        "no handler ran for a refused call"
    );
}

#[tokio::test]
async fn a_lingering_non_call_stream_cannot_keep_a_terminated_server_up() {
    use tonic_reflection::pb::v1::server_reflection_client::ServerReflectionClient;
    use tonic_reflection::pb::v1::ServerReflectionRequest;
    let (addr, stop, task) = start(
        |l| Server::from_listener(l).drain_timeout(Duration::from_millis(100)),
        echo,
    )
    .await;
    let channel = connect(&format!("http://{addr}")).await;
    // A reflection stream that its client never closes.
    let (tx, rx) = mpsc::channel::<ServerReflectionRequest>(1);
    let _open = ServerReflectionClient::new(channel.clone())
        .server_reflection_info(tokio_stream::wrappers::ReceiverStream::new(rx))
        .await
        .unwrap();
    let mut call = Platform::start(channel, call_info("CA-last", ContentType::Mulaw8k)).await;
    echo_once(&mut call, 1).await;
    let stopped_at = std::time::Instant::now();
    stop.send(()).unwrap();
    // The call is ended by the drain timeout, then the server stops despite the open stream.
    assert_eq!(call.next().await.unwrap(), None);
    tokio::time::timeout(SOON, task)
        .await
        .expect("server stops")
        .unwrap()
        .unwrap();
    assert!(stopped_at.elapsed() < Duration::from_secs(15));
    drop(tx);
}
