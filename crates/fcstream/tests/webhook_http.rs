//! The webhook endpoint over real HTTP: the axum server on 127.0.0.1:0, a hand-written
//! HTTP/1.1 client (no client library to build), signed the way FreeClimb signs.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use fcstream::auth::StreamAuth;
use fcstream::http::{WebhookConfig, Webhooks};
use fcstream::percl::{Command, Percl, Spelling};
use fcstream::webhook::{sign, unix_now, SIGNATURE_HEADER};
use fcstream::{ContentType, Shutdown};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const SECRET: &str = "whsec_http_test";
const GRPC_URL: &str = "https://grpc.example.com:443";
const PUBLIC_HTTP: &str = "https://app.example.com/fc";

fn inbound_body(call_id: &str) -> Vec<u8> {
    format!(
        r#"{{"accountId":"AC1","callId":"{call_id}","callStatus":"ringing","conferenceId":null,"direction":"inbound","from":"+15550001","to":"+15550002","parentCallId":null,"queueId":null,"requestType":"inboundCall"}}"#
    )
    .into_bytes()
}

fn stream_ended_body(call_id: &str) -> Vec<u8> {
    format!(
        r#"{{"requestType":"audioStream","callId":"{call_id}","accountId":"AC1","from":"+15550001","to":"+15550002","callStatus":"inProgress","direction":"inbound","conferenceId":null,"queueId":null}}"#
    )
    .into_bytes()
}

fn config() -> WebhookConfig {
    WebhookConfig::new(GRPC_URL)
        .public_http_url(PUBLIC_HTTP)
        .content_type(ContentType::L16At16k)
        .signing_secret(SECRET)
}

/// Counts hook calls, to prove refused requests reach no app code.
#[derive(Clone, Default)]
struct Calls(Arc<AtomicUsize>);

impl Calls {
    fn count(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}

/// The endpoint with counting hooks (default answers otherwise).
fn counted(config: WebhookConfig) -> (Webhooks, Calls) {
    let calls = Calls::default();
    let (a, b) = (calls.clone(), calls.clone());
    let webhooks = Webhooks::new(config)
        .on_inbound(move |_req, stream| {
            a.0.fetch_add(1, Ordering::SeqCst);
            async move { Percl::new().audio_stream(stream) }
        })
        .on_stream_ended(move |_req| {
            b.0.fetch_add(1, Ordering::SeqCst);
            async { Percl::new().hangup() }
        });
    (webhooks, calls)
}

async fn start(webhooks: Webhooks) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(fcstream::http::serve(
        listener,
        webhooks.router(),
        std::future::pending(),
    ));
    addr
}

/// An HTTP response: status, lower-cased headers, body.
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    fn percl(&self) -> Percl {
        assert_eq!(self.status, 200, "body: {}", self.body);
        assert_eq!(self.header("content-type"), Some("application/json"));
        Percl::parse(self.body.as_bytes()).expect("the answer is PerCL")
    }
}

/// One HTTP/1.1 request on a fresh connection. The body is written while the answer is read,
/// and a reset after the answer arrived is tolerated: a server may answer 413 without reading
/// the whole body.
async fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, String)],
    body: Vec<u8>,
) -> Reply {
    let stream = TcpStream::connect(addr).await.expect("connect");
    let (mut rd, mut wr) = stream.into_split();
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    let writer = tokio::spawn(async move {
        let _ = wr.write_all(head.as_bytes()).await;
        let _ = wr.write_all(&body).await;
        let _ = wr.flush().await;
        wr
    });
    let mut raw = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        match rd.read(&mut buf).await {
            Ok(0) => break,
            Ok(n) => raw.extend_from_slice(&buf[..n]),
            Err(e) if !raw.is_empty() => {
                eprintln!("read ended with {e} after {} bytes", raw.len());
                break;
            }
            Err(e) => panic!("no answer: {e}"),
        }
    }
    drop(writer);
    parse_reply(&raw)
}

fn parse_reply(raw: &[u8]) -> Reply {
    let text = String::from_utf8_lossy(raw);
    let (head, body) = text.split_once("\r\n\r\n").expect("a complete HTTP head");
    let mut lines = head.split("\r\n");
    let status_line = lines.next().expect("status line");
    let status = status_line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("status code");
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let chunked = headers
        .iter()
        .any(|(k, v)| k == "transfer-encoding" && v.contains("chunked"));
    let body = if chunked {
        dechunk(body)
    } else {
        body.to_string()
    };
    Reply {
        status,
        headers,
        body,
    }
}

fn dechunk(mut s: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = s.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).expect("chunk size");
        if n == 0 {
            break;
        }
        out.push_str(&rest[..n]);
        s = &rest[n + 2..];
    }
    out
}

async fn post(addr: SocketAddr, path: &str, signature: Option<String>, body: Vec<u8>) -> Reply {
    let headers: Vec<(&str, String)> = signature
        .into_iter()
        .map(|s| (SIGNATURE_HEADER, s))
        .collect();
    request(addr, "POST", path, &headers, body).await
}

async fn post_signed(addr: SocketAddr, path: &str, body: Vec<u8>) -> Reply {
    let signature = sign(SECRET, &body, unix_now());
    post(addr, path, Some(signature), body).await
}

#[tokio::test]
async fn unsigned_and_badly_signed_requests_get_401_and_reach_no_hook() {
    let (webhooks, calls) = counted(config());
    let addr = start(webhooks).await;
    let body = inbound_body("CA1");
    let now = unix_now();
    let tampered = {
        let mut b = body.clone();
        b.extend_from_slice(b" ");
        b
    };
    let cases: Vec<(&str, Option<String>, Vec<u8>, &str)> = vec![
        ("unsigned", None, body.clone(), "missing"),
        (
            "wrong secret",
            Some(sign("not-the-secret", &body, now)),
            body.clone(),
            "no signature matches",
        ),
        (
            "tampered body",
            Some(sign(SECRET, &body, now)),
            tampered,
            "no signature matches",
        ),
        (
            "stale",
            Some(sign(SECRET, &body, now - 3600)),
            body.clone(),
            "old",
        ),
        (
            "from the future",
            Some(sign(SECRET, &body, now + 3600)),
            body.clone(),
            "future",
        ),
        ("garbled", Some("t=soon".into()), body.clone(), "malformed"),
        (
            "non-hex",
            Some(format!("t={now},v1={}", "z".repeat(64))),
            body.clone(),
            "not hex",
        ),
    ];
    for path in ["/inbound", "/stream-ended"] {
        for (name, signature, body, reason) in &cases {
            let reply = post(addr, path, signature.clone(), body.clone()).await;
            assert_eq!(reply.status, 401, "{path} {name}: {}", reply.body);
            assert!(
                reply.body.starts_with("unauthorized: ") && reply.body.contains(reason),
                "{path} {name}: {}",
                reply.body
            );
        }
    }
    // Unsigned garbage is refused as unsigned, before anything parses it.
    let reply = post(addr, "/inbound", None, b"not json".to_vec()).await;
    assert_eq!(reply.status, 401);
    assert_eq!(calls.count(), 0, "a refused request reached the app");
}

#[tokio::test]
async fn good_inbound_webhook_gets_audio_stream_percl() {
    let (webhooks, calls) = counted(config());
    let addr = start(webhooks).await;
    let reply = post_signed(addr, "/inbound", inbound_body("CA123")).await;
    let percl = reply.percl();
    assert_eq!(calls.count(), 1);
    let stream = percl.find_audio_stream().expect("an AudioStream");
    assert_eq!(stream.location, GRPC_URL);
    assert_eq!(stream.content_type.as_deref(), Some("audio/l16;rate=16000"));
    assert_eq!(
        stream.action_url.as_deref(),
        Some("https://app.example.com/fc/stream-ended")
    );
    assert_eq!(stream.metadata_entries(), ["callId=CA123"]);
    assert_eq!(stream.spelling, Spelling::Current);
    // The wire form is the current spelling.
    assert!(reply
        .body
        .contains(r#""location":"https://grpc.example.com:443""#));
    assert!(reply.body.contains(r#""metaData":["callId=CA123"]"#));
}

#[tokio::test]
async fn action_url_falls_back_to_the_host_header() {
    let config = WebhookConfig::new(GRPC_URL).signing_secret(SECRET);
    let addr = start(Webhooks::new(config)).await;
    let percl = post_signed(addr, "/inbound", inbound_body("CA5"))
        .await
        .percl();
    let stream = percl.find_audio_stream().expect("an AudioStream");
    assert_eq!(
        stream.action_url.as_deref(),
        Some(format!("http://{addr}/stream-ended").as_str())
    );
    assert_eq!(
        stream.content_type.as_deref(),
        Some("audio/mulaw;rate=8000")
    );
}

#[tokio::test]
async fn early_spelling_and_call_tokens_are_configurable() {
    let key = b"stream token key".to_vec();
    let config = config()
        .spelling(Spelling::Early)
        .call_tokens(key.clone(), Duration::from_secs(60));
    let addr = start(Webhooks::new(config)).await;
    let reply = post_signed(addr, "/inbound", inbound_body("CA77")).await;
    let percl = reply.percl();
    assert!(reply
        .body
        .contains(r#""location":{"uri":"https://grpc.example.com:443"}"#));
    let stream = percl.find_audio_stream().expect("an AudioStream");
    assert_eq!(stream.spelling, Spelling::Early);
    let metadata = stream.metadata_entries();
    assert_eq!(metadata[0], "callId=CA77");
    assert!(metadata[1].starts_with("fcstream-token="));
    // The token is the one the gRPC server checks for this call, and only this call.
    let auth = StreamAuth::default().call_tokens(key);
    assert!(auth
        .check_call_token(metadata, "CA77", SystemTime::now())
        .is_ok());
    assert!(auth
        .check_call_token(metadata, "CA78", SystemTime::now())
        .is_err());
}

#[tokio::test]
async fn custom_inbound_hook_shapes_the_answer() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let seen_in_hook = seen.clone();
    let webhooks = Webhooks::new(config()).on_inbound(move |req, stream| {
        if let Ok(mut seen) = seen_in_hook.lock() {
            seen.push(req.call_id.clone());
        }
        async move {
            Percl::new()
                .say(format!("Hello {}", req.from))
                .audio_stream(stream.push_metadata("tenant=acme"))
        }
    });
    let addr = start(webhooks).await;
    let percl = post_signed(addr, "/inbound", inbound_body("CA9"))
        .await
        .percl();
    assert_eq!(
        seen.lock().map(|s| s.clone()).ok(),
        Some(vec!["CA9".to_string()])
    );
    assert!(matches!(&percl.commands()[0], Command::Say(s) if s.text == "Hello +15550001"));
    let stream = percl.find_audio_stream().expect("an AudioStream");
    assert_eq!(stream.metadata_entries(), ["callId=CA9", "tenant=acme"]);
}

#[tokio::test]
async fn malformed_body_gets_400_with_a_clear_message() {
    let (webhooks, calls) = counted(config());
    let addr = start(webhooks).await;
    for (body, needle) in [
        (b"not json".to_vec(), "malformed webhook body"),
        (b"[1,2,3]".to_vec(), "malformed webhook body"),
        (br#"{"callId": 5.5e400}"#.to_vec(), "malformed webhook body"),
        (br#"{"requestType":"inboundCall"}"#.to_vec(), "no callId"),
    ] {
        let reply = post_signed(addr, "/inbound", body.clone()).await;
        assert_eq!(reply.status, 400, "{}", reply.body);
        assert!(reply.body.contains(needle), "{}", reply.body);
    }
    let reply = post_signed(addr, "/stream-ended", b"{oops".to_vec()).await;
    assert_eq!(reply.status, 400);
    assert!(reply.body.contains("line 1"), "{}", reply.body);
    assert_eq!(calls.count(), 0);
}

#[tokio::test]
async fn body_over_the_limit_gets_413() {
    let (webhooks, calls) = counted(config());
    let addr = start(webhooks).await;
    let mut body = inbound_body("CA1");
    body.truncate(body.len() - 1);
    body.extend_from_slice(format!(r#","pad":"{}"}}"#, "x".repeat(100 * 1024)).as_bytes());
    let reply = post_signed(addr, "/inbound", body).await;
    assert_eq!(reply.status, 413, "{}", reply.body);
    assert!(reply.body.contains("65536"), "{}", reply.body);
    // A smaller limit applies too; under it the same padding is fine.
    let (small, _) = counted(config().body_limit(1024));
    let small = start(small).await;
    let reply = post_signed(small, "/stream-ended", vec![b' '; 2048]).await;
    assert_eq!(reply.status, 413);
    assert_eq!(calls.count(), 0);
}

#[tokio::test]
async fn stream_ended_defaults_to_hangup() {
    let (webhooks, calls) = counted(config());
    let addr = start(webhooks).await;
    let reply = post_signed(addr, "/stream-ended", stream_ended_body("CA1")).await;
    assert_eq!(reply.percl(), Percl::new().hangup());
    assert_eq!(reply.body, r#"[{"Hangup":{}}]"#);
    assert_eq!(calls.count(), 1);
}

#[tokio::test]
async fn stream_ended_hook_continues_the_call() {
    let seen = Arc::new(Mutex::new(None));
    let seen_in_hook = seen.clone();
    let webhooks = Webhooks::new(config()).on_stream_ended(move |req| {
        if let Ok(mut seen) = seen_in_hook.lock() {
            *seen = Some((req.call_id.clone(), req.request_type.clone()));
        }
        async {
            Percl::new()
                .say("Thanks, transferring you.")
                .redirect("https://app.example.com/next")
        }
    });
    let addr = start(webhooks).await;
    let reply = post_signed(addr, "/stream-ended", stream_ended_body("CA42")).await;
    assert_eq!(
        reply.percl(),
        Percl::new()
            .say("Thanks, transferring you.")
            .redirect("https://app.example.com/next")
    );
    assert_eq!(
        reply.body,
        r#"[{"Say":{"text":"Thanks, transferring you."}},{"Redirect":{"actionUrl":"https://app.example.com/next"}}]"#
    );
    let seen = seen.lock().map(|s| s.clone()).ok().flatten();
    assert_eq!(
        seen,
        Some((
            "CA42".to_string(),
            Some(fcstream::webhook::RequestType::AudioStream)
        ))
    );
}

#[tokio::test]
async fn without_a_secret_unsigned_webhooks_are_accepted() {
    let addr = start(Webhooks::new(WebhookConfig::new(GRPC_URL))).await;
    let reply = post(addr, "/inbound", None, inbound_body("CA1")).await;
    assert!(reply.percl().find_audio_stream().is_some());
}

#[tokio::test]
async fn draining_server_refuses_new_calls_but_finishes_old_ones() {
    let shutdown = Shutdown::new();
    let addr = start(Webhooks::new(config().shutdown_handle(shutdown.clone()))).await;
    shutdown.drain();
    let reply = post_signed(addr, "/inbound", inbound_body("CA1")).await;
    assert_eq!(reply.status, 503, "{}", reply.body);
    let reply = post_signed(addr, "/stream-ended", stream_ended_body("CA0")).await;
    assert_eq!(reply.percl(), Percl::new().hangup());
}

#[tokio::test]
async fn healthz_and_wrong_methods() {
    let addr = start(Webhooks::new(config())).await;
    let reply = request(addr, "GET", "/healthz", &[], Vec::new()).await;
    assert_eq!((reply.status, reply.body.as_str()), (200, "ok"));
    let reply = request(addr, "GET", "/inbound", &[], Vec::new()).await;
    assert_eq!(reply.status, 405);
    let reply = request(addr, "POST", "/nowhere", &[], Vec::new()).await;
    assert_eq!(reply.status, 404);
}
