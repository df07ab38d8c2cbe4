//! The webhook endpoint and per-call tokens against hostile peers, over loopback with
//! OS-chosen ports: a captured signed webhook replayed, one token presented by two concurrent
//! streams, token issuance without a signing secret, a slowloris head, a body that never
//! completes, an oversized head, refusals that would echo a huge request, and a shutdown with
//! hostile connections open.

mod common;

use std::collections::HashSet;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use bytes::Bytes;
use common::{connect, echo, Platform};
use fcstream::auth::StreamAuth;
use fcstream::http::{ConfigError, HttpLimits, WebhookConfig, Webhooks};
use fcstream::percl::Percl;
use fcstream::proto::grpc_stream_service_client::GrpcStreamServiceClient;
use fcstream::webhook::{sign, unix_now, SIGNATURE_HEADER};
use fcstream::{Call, CallInfo, Command, ContentType, Direction, Event, Server};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;

const SECRET: &str = "whsec_adversarial";
const TOKEN_KEY: &[u8] = b"adversarial stream token key";
const TOKEN_TTL: Duration = Duration::from_secs(300);
/// Whatever a test waits for, it gives up after this (a hung connection fails, never hangs).
const GIVE_UP: Duration = Duration::from_secs(15);

fn inbound_body(call_id: &str) -> Vec<u8> {
    format!(
        r#"{{"accountId":"AC1","callId":"{call_id}","callStatus":"ringing","direction":"inbound","from":"+15550001","to":"+15550002","requestType":"inboundCall"}}"#
    )
    .into_bytes()
}

fn token_config() -> WebhookConfig {
    WebhookConfig::new("https://grpc.example.com:443")
        .public_http_url("https://app.example.com")
        .signing_secret(SECRET)
        .call_tokens(TOKEN_KEY.to_vec(), TOKEN_TTL)
}

/// Serves `webhooks` on 127.0.0.1:0 within `limits`.
async fn start_http(webhooks: Webhooks, limits: HttpLimits) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let router = webhooks.try_router().expect("a valid configuration");
    tokio::spawn(fcstream::http::serve_with(
        listener,
        router,
        std::future::pending(),
        limits,
    ));
    addr
}

/// One request on a fresh connection (`Connection: close`); the status and the body.
async fn post(addr: SocketAddr, path: &str, signature: Option<&str>, body: &[u8]) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    let mut head = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    if let Some(signature) = signature {
        head.push_str(&format!("{SIGNATURE_HEADER}: {signature}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).await.expect("write head");
    stream.write_all(body).await.expect("write body");
    let mut raw = Vec::new();
    tokio::time::timeout(GIVE_UP, stream.read_to_end(&mut raw))
        .await
        .expect("an answer in time")
        .expect("read");
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").expect("a complete head");
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("a status");
    (status, body.to_string())
}

/// The `AudioStream` metadata of a `/inbound` answer.
fn metadata_of(status: u16, body: &str) -> Vec<String> {
    assert_eq!(status, 200, "{body}");
    let percl = Percl::parse(body.as_bytes()).expect("PerCL");
    percl
        .find_audio_stream()
        .expect("an AudioStream")
        .metadata_entries()
        .to_vec()
}

fn token_of(metadata: &[String]) -> String {
    metadata
        .iter()
        .find_map(|m| m.strip_prefix("fcstream-token="))
        .expect("a per-call token")
        .to_string()
}

// ---- replays and single use ---------------------------------------------------------------

/// The attack of the issue: one captured signed `/inbound`, replayed within the signature's
/// window a few hundred ms apart (across a second boundary), used to yield a fresh token each
/// second. Every replay now gets the same token.
#[tokio::test]
async fn a_replayed_signed_inbound_gets_the_same_token_every_time() {
    let addr = start_http(Webhooks::new(token_config()), HttpLimits::default()).await;
    let body = inbound_body("CAreplayed");
    // Captured from the wire a little while ago (well within the 300 s window).
    let captured = sign(SECRET, &body, unix_now() - 5);
    let mut tokens = Vec::new();
    for replay in 0..4 {
        if replay > 0 {
            tokio::time::sleep(Duration::from_millis(400)).await;
        }
        let (status, reply) = post(addr, "/inbound", Some(&captured), &body).await;
        tokens.push(token_of(&metadata_of(status, &reply)));
    }
    let distinct: HashSet<&String> = tokens.iter().collect();
    assert_eq!(
        distinct.len(),
        1,
        "replays minted distinct tokens: {tokens:?}"
    );
    // And it is a valid token for that call (the replay did not just break issuance).
    let auth = StreamAuth::default().call_tokens(TOKEN_KEY.to_vec());
    let metadata = vec![
        "callId=CAreplayed".to_string(),
        format!("fcstream-token={}", tokens[0]),
    ];
    assert_eq!(
        auth.check_call_token(&metadata, "CAreplayed", std::time::SystemTime::now()),
        Ok(())
    );
}

/// Opens a call with `metadata`; `Ok` once its first frame is echoed (the call started),
/// the status if it was refused.
async fn open_call(
    channel: tonic::transport::Channel,
    call_id: &str,
    metadata: Vec<String>,
) -> Result<Platform, tonic::Status> {
    let info = CallInfo {
        call_id: call_id.to_string(),
        to: "+15550002".into(),
        from: "+15550001".into(),
        direction: Direction::Inbound,
        metadata,
        content_type: ContentType::Mulaw8k,
    };
    let (tx, rx) = mpsc::channel(8);
    tx.send(Event::CallStarted(info.clone()).to_proto())
        .await
        .expect("queued");
    let response = GrpcStreamServiceClient::new(channel)
        .send_ivr_data(tokio_stream::wrappers::ReceiverStream::new(rx))
        .await?;
    let mut p = Platform {
        tx: Some(tx),
        rx: response.into_inner(),
        info,
        sequence: 0,
    };
    let frame = Bytes::from(vec![7u8; 160]);
    p.audio(frame.clone()).await;
    match p.next().await? {
        Some(Command::PlayAudio { audio, .. }) if audio == frame => Ok(p),
        other => panic!("unexpected {other:?}"),
    }
}

/// The stream side: one token, presented by two streams at the same moment, starts one call;
/// and a second token for the same call id (a second signed webhook) starts none while the
/// first call's token is live.
#[tokio::test]
async fn one_token_never_starts_two_concurrent_calls() {
    let (started_tx, mut started_rx) = mpsc::channel::<String>(8);
    let handler = move |call: Call| {
        let started_tx = started_tx.clone();
        async move {
            let _ = started_tx.send(call.info().call_id.clone()).await;
            echo(call).await
        }
    };
    let grpc = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", grpc.local_addr().expect("addr"));
    let auth = StreamAuth::default().call_tokens(TOKEN_KEY.to_vec());
    tokio::spawn(Server::from_listener(grpc).auth(auth).serve(handler));
    let http = start_http(Webhooks::new(token_config()), HttpLimits::default()).await;

    let body = inbound_body("CAtwice");
    let signature = sign(SECRET, &body, unix_now());
    let (status, reply) = post(http, "/inbound", Some(&signature), &body).await;
    let metadata = metadata_of(status, &reply);
    let channel = connect(&url).await;
    let (a, b) = tokio::time::timeout(
        GIVE_UP,
        futures_util::future::join(
            open_call(channel.clone(), "CAtwice", metadata.clone()),
            open_call(channel.clone(), "CAtwice", metadata.clone()),
        ),
    )
    .await
    .expect("both answered");
    let (live, refused) = match (a, b) {
        (Ok(live), Err(refused)) | (Err(refused), Ok(live)) => (live, refused),
        (Ok(_), Ok(_)) => panic!("one token started two concurrent calls"),
        (Err(a), Err(b)) => panic!("neither call started: {a:?}, {b:?}"),
    };
    assert_eq!(refused.code(), tonic::Code::Unauthenticated, "{refused:?}");
    assert!(refused.message().contains("already used"), "{refused:?}");

    // FreeClimb (or someone with two captured webhooks) signs /inbound again for the same
    // call: another token, but the call id has its stream.
    let later = sign(SECRET, &body, unix_now() + 1);
    let (status, reply) = post(http, "/inbound", Some(&later), &body).await;
    let second = metadata_of(status, &reply);
    assert_ne!(token_of(&second), token_of(&metadata));
    let refused = open_call(channel.clone(), "CAtwice", second)
        .await
        .err()
        .expect("a second token for a started call id is refused");
    assert_eq!(refused.code(), tonic::Code::Unauthenticated);

    assert_eq!(started_rx.recv().await.as_deref(), Some("CAtwice"));
    assert!(started_rx.try_recv().is_err(), "the handler ran twice");
    drop(live);
}

// ---- configuration ------------------------------------------------------------------------

/// Token issuance needs a signing secret: without one any unsigned POST would get a token.
#[tokio::test]
async fn token_issuance_without_a_signing_secret_is_refused_unless_insecure() {
    let unsigned = WebhookConfig::new("https://grpc.example.com:443")
        .call_tokens(TOKEN_KEY.to_vec(), TOKEN_TTL);
    assert_eq!(
        Webhooks::new(unsigned.clone()).try_router().err(),
        Some(ConfigError::UnsignedCallTokens)
    );
    assert_eq!(
        fcstream::http::try_router(unsigned.clone()).err(),
        Some(ConfigError::UnsignedCallTokens)
    );
    let message = ConfigError::UnsignedCallTokens.to_string();
    assert!(message.contains("signing secret"), "{message}");
    // An empty secret (an unset variable) is no secret.
    assert!(Webhooks::new(unsigned.clone().signing_secret(""))
        .try_router()
        .is_err());
    // `router()` refuses too, loudly.
    let panicked = std::panic::catch_unwind(|| Webhooks::new(unsigned.clone()).router());
    assert!(panicked.is_err(), "router() built an unsigned token issuer");
    // Without tokens, an unsigned endpoint is allowed (and warned about), as before.
    assert!(
        Webhooks::new(WebhookConfig::new("https://grpc.example.com:443"))
            .try_router()
            .is_ok()
    );

    // Explicitly insecure: built, and then any unsigned POST gets a token (what the flag says).
    let insecure = unsigned.insecure_unsigned_webhooks(true);
    let addr = start_http(Webhooks::new(insecure), HttpLimits::default()).await;
    let (status, reply) = post(addr, "/inbound", None, &inbound_body("CAinsecure")).await;
    assert!(!token_of(&metadata_of(status, &reply)).is_empty());
}

// ---- slow and oversized requests ------------------------------------------------------------

/// Writes `head` then one more byte every 200 ms, never finishing; returns how long the server
/// kept the connection open (until EOF or a reset).
async fn trickle(addr: SocketAddr, head: &[u8], byte: u8) -> (Duration, Vec<u8>) {
    let stream = TcpStream::connect(addr).await.expect("connect");
    let (mut rd, mut wr) = stream.into_split();
    let began = Instant::now();
    wr.write_all(head).await.expect("write the start");
    let writer = tokio::spawn(async move {
        let mut ticks = tokio::time::interval(Duration::from_millis(200));
        loop {
            ticks.tick().await;
            if wr.write_all(&[byte]).await.is_err() {
                return;
            }
        }
    });
    let mut answer = Vec::new();
    let read = tokio::time::timeout(GIVE_UP, async {
        let mut buf = [0u8; 4096];
        loop {
            match rd.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => answer.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await;
    writer.abort();
    assert!(
        read.is_ok(),
        "the server held a trickling connection for {GIVE_UP:?}"
    );
    (began.elapsed(), answer)
}

/// Slowloris: a request head sent one byte every 200 ms is cut off at the header timeout,
/// however steadily bytes keep coming.
#[tokio::test]
async fn a_slowloris_head_is_disconnected_at_the_header_timeout() {
    let timeout = Duration::from_secs(1);
    let addr = start_http(
        Webhooks::new(token_config()),
        HttpLimits::default().header_read_timeout(timeout),
    )
    .await;
    let (held, answer) =
        trickle(addr, b"POST /inbound HTTP/1.1\r\nHost: x\r\nX-Slow: ", b'a').await;
    assert!(
        held >= timeout - Duration::from_millis(100) && held < timeout + Duration::from_secs(2),
        "held {held:?} with a {timeout:?} header timeout"
    );
    // No request was read, so nothing but (at most) an error status came back.
    let answer = String::from_utf8_lossy(&answer);
    assert!(
        answer.is_empty() || answer.starts_with("HTTP/1.1 4"),
        "{answer}"
    );

    // An idle connection (no byte at all) is closed the same way.
    let mut idle = TcpStream::connect(addr).await.expect("connect");
    let began = Instant::now();
    let mut buf = [0u8; 64];
    let read = tokio::time::timeout(GIVE_UP, idle.read(&mut buf)).await;
    assert!(read.is_ok(), "an idle connection was held for {GIVE_UP:?}");
    assert!(began.elapsed() < timeout + Duration::from_secs(2));
}

/// A body that never completes: the head announces 1000 bytes, then a byte trickles in every
/// 200 ms. The request gets `408` at the body timeout and the connection is closed.
#[tokio::test]
async fn a_body_that_never_completes_is_cut_off() {
    let timeout = Duration::from_secs(1);
    let webhooks = Webhooks::new(token_config().body_read_timeout(timeout));
    let addr = start_http(webhooks, HttpLimits::default()).await;
    let head = b"POST /inbound HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
                 Content-Length: 1000\r\n\r\n{\"callId\":\"CA";
    let (held, answer) = trickle(addr, head, b'1').await;
    assert!(
        held >= timeout - Duration::from_millis(100) && held < timeout + Duration::from_secs(2),
        "held {held:?} with a {timeout:?} body timeout"
    );
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("not received within"), "{answer}");
}

/// A request head over the limit gets `431`, not a buffer of the peer's choosing.
#[tokio::test]
async fn an_oversized_head_is_refused() {
    let addr = start_http(
        Webhooks::new(token_config()),
        HttpLimits::default().max_header_bytes(4096),
    )
    .await;
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    let head = format!(
        "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\n\r\n",
        "b".repeat(8192)
    );
    let _ = stream.write_all(head.as_bytes()).await;
    let mut raw = Vec::new();
    let _ = tokio::time::timeout(GIVE_UP, stream.read_to_end(&mut raw))
        .await
        .expect("answered in time");
    let answer = String::from_utf8_lossy(&raw);
    assert!(answer.starts_with("HTTP/1.1 431"), "{answer}");
}

// ---- what refusals quote ------------------------------------------------------------------

/// A signed body that is a 60 KB JSON string, with control characters: the 400 quotes at most
/// a bounded, escaped excerpt of it (serde's message would carry all of it).
#[tokio::test]
async fn refusals_do_not_echo_request_text_unbounded() {
    let addr = start_http(Webhooks::new(token_config()), HttpLimits::default()).await;
    let hostile = format!("\"\\u001b[2J\\nINFO forged{}\"", "A".repeat(60_000));
    let body = hostile.into_bytes();
    let signature = sign(SECRET, &body, unix_now());
    let (status, reply) = post(addr, "/inbound", Some(&signature), &body).await;
    assert_eq!(status, 400, "{}", &reply[..reply.len().min(300)]);
    assert!(reply.len() < 1024, "a {}-byte refusal", reply.len());
    assert!(!reply.contains('\u{1b}'), "{reply}");
    assert!(reply.contains("more bytes"), "{reply}");
    // A nested value in a string field is named by its kind, not echoed.
    let body = format!(r#"{{"callId":["{}"]}}"#, "B".repeat(60_000)).into_bytes();
    let signature = sign(SECRET, &body, unix_now());
    let (status, reply) = post(addr, "/stream-ended", Some(&signature), &body).await;
    assert_eq!(status, 400);
    assert!(reply.len() < 1024, "a {}-byte refusal", reply.len());
    assert!(reply.contains("got an array"), "{reply}");
}

/// Shutdown is not held up by hostile connections: an idle one closes at once, one trickling
/// a head lasts at most the header timeout, then `serve_with` returns.
#[tokio::test]
async fn shutdown_is_not_held_by_idle_or_trickling_connections() {
    let timeout = Duration::from_secs(1);
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(fcstream::http::serve_with(
        listener,
        Webhooks::new(token_config()).router(),
        async {
            let _ = stopped.await;
        },
        HttpLimits::default().header_read_timeout(timeout),
    ));
    let _idle = TcpStream::connect(addr).await.expect("connect");
    let mut slow = TcpStream::connect(addr).await.expect("connect");
    slow.write_all(b"POST /inbound HTTP/1.1\r\nHost: x\r\n")
        .await
        .expect("write");
    tokio::time::sleep(Duration::from_millis(100)).await;
    let began = Instant::now();
    stop.send(()).expect("serving");
    tokio::time::timeout(GIVE_UP, task)
        .await
        .expect("serve_with returned")
        .expect("no panic")
        .expect("no error");
    assert!(
        began.elapsed() < timeout + Duration::from_secs(2),
        "{:?}",
        began.elapsed()
    );
}
