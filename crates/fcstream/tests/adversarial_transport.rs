//! Hostile and broken peers at the transport, against the real server over loopback: sockets
//! that never speak, a slowloris, stalled and failed TLS handshakes, more connections than the
//! cap, and idle connections (or a peer that ignores GOAWAY) at shutdown. Every bound here is
//! generous; each test asserts on what happened (closed or not, served or not), never on speed.

mod common;

use std::time::{Duration, Instant};

use common::*;
use fcstream::{ContentType, EndReason, Metrics, Server, TlsConfig};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::oneshot;

/// The handshake timeout of the test servers that check it.
const SHORT: Duration = Duration::from_millis(300);

/// "Closed within the handshake timeout" on a loaded machine: far past [`SHORT`], far below
/// forever.
const CLOSED_WITHIN: Duration = Duration::from_secs(10);

/// The HTTP/2 client preface.
const PREFACE: &[u8] = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

/// An empty SETTINGS frame.
const SETTINGS: [u8; 9] = [0, 0, 0, 4, 0, 0, 0, 0, 0];

/// A PING frame (8 bytes of payload).
const PING: [u8; 17] = [0, 0, 8, 6, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8];

/// Whether the server closes `conn` within `limit` (whatever it wrote first is read and
/// dropped; the end of the stream or a reset is "closed").
async fn closed_within<S: tokio::io::AsyncRead + Unpin>(conn: &mut S, limit: Duration) -> bool {
    let mut buf = [0u8; 1024];
    tokio::time::timeout(limit, async {
        loop {
            match conn.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    })
    .await
    .is_ok()
}

/// One whole call on `url`: started, one frame echoed, hung up, stream ended cleanly.
async fn a_call_works(url: &str, call_id: &str) {
    let mut p = Platform::start(connect(url).await, call_info(call_id, ContentType::Mulaw8k)).await;
    echo_once(&mut p, 7).await;
    p.end(EndReason::CallerDisconnect).await;
    assert_eq!(p.next().await.unwrap(), None);
}

/// The value of a `fcstream_streams_rejected_total` series.
fn rejected(metrics: &Metrics, cause: &str) -> u64 {
    let series = format!("fcstream_streams_rejected_total{{cause=\"{cause}\"}} ");
    metrics
        .render()
        .lines()
        .find_map(|l| l.strip_prefix(series.as_str()))
        .map_or(0, |v| v.trim().parse().unwrap())
}

// ---- handshake deadline ------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sockets_that_never_send_a_preface_are_closed_and_calls_go_on() {
    let metrics = Metrics::new();
    let m = metrics.clone();
    let (addr, _stop, _task) =
        start_echo(move |l| Server::from_listener(l).metrics(m).handshake_timeout(SHORT)).await;
    let opened = Instant::now();
    let mut silent = Vec::new();
    for _ in 0..200 {
        silent.push(TcpStream::connect(&addr).await.unwrap());
    }
    // A real call meanwhile.
    a_call_works(&format!("http://{addr}"), "CA-among-silent").await;
    for (i, conn) in silent.iter_mut().enumerate() {
        let left = CLOSED_WITHIN.saturating_sub(opened.elapsed());
        assert!(
            closed_within(conn, left).await,
            "silent connection {i} still open {:?} after it connected (handshake timeout {SHORT:?})",
            opened.elapsed()
        );
    }
    assert_eq!(rejected(&metrics, "handshake_timeout"), 200);
}

#[tokio::test]
async fn a_slowloris_is_closed() {
    let (addr, _stop, _task) =
        start_echo(|l| Server::from_listener(l).handshake_timeout(SHORT)).await;
    let conn = TcpStream::connect(&addr).await.unwrap();
    let (mut read, mut write) = conn.into_split();
    // Valid HTTP/2, one byte every 200 ms: the preface, SETTINGS, then PINGs for ever.
    let dribble = tokio::spawn(async move {
        let bytes = PREFACE
            .iter()
            .chain(SETTINGS.iter())
            .copied()
            .chain(PING.iter().copied().cycle());
        for b in bytes {
            if write.write_all(&[b]).await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    });
    assert!(
        closed_within(&mut read, CLOSED_WITHIN).await,
        "a slowloris was still connected after {CLOSED_WITHIN:?}"
    );
    dribble.abort();
}

// ---- idle deadline after the handshake ---------------------------------------------------

/// A HEADERS frame header for stream 1 announcing 4,096 bytes, without END_HEADERS: a request
/// that is never finished, so no stream ever opens.
const HEADERS_NEVER_ENDING: [u8; 9] = [0, 0x10, 0, 1, 0, 0, 0, 0, 1];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn past_the_handshake_a_connection_without_a_stream_is_closed() {
    let metrics = Metrics::new();
    let m = metrics.clone();
    let (addr, _stop, _task) = start_echo(move |l| {
        Server::from_listener(l)
            .metrics(m)
            .handshake_timeout(Duration::from_secs(120))
            .connection_idle_timeout(Some(SHORT))
    })
    .await;
    // Silent after its preface and SETTINGS (it would answer keepalive pings if asked).
    let mut silent = TcpStream::connect(&addr).await.unwrap();
    silent.write_all(PREFACE).await.unwrap();
    silent.write_all(&SETTINGS).await.unwrap();
    // A slowloris past the handshake: a HEADERS frame it never finishes, one byte every 50 ms.
    let conn = TcpStream::connect(&addr).await.unwrap();
    let (mut read, mut write) = conn.into_split();
    let dribble = tokio::spawn(async move {
        write.write_all(PREFACE).await.ok();
        write.write_all(&SETTINGS).await.ok();
        write.write_all(&HEADERS_NEVER_ENDING).await.ok();
        for _ in 0..4096 {
            if write.write_all(&[0x82]).await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    });
    assert!(
        closed_within(&mut silent, CLOSED_WITHIN).await,
        "a connection without a stream was still open after {CLOSED_WITHIN:?} (idle timeout {SHORT:?})"
    );
    assert!(
        closed_within(&mut read, CLOSED_WITHIN).await,
        "a slowloris past the handshake was still open after {CLOSED_WITHIN:?}"
    );
    dribble.abort();
    assert_eq!(rejected(&metrics, "idle_connection"), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_carrying_a_call_is_not_idle_however_long_the_call() {
    let metrics = Metrics::new();
    let m = metrics.clone();
    // (Long enough that connecting and opening the first stream fit in it on a busy machine.)
    let idle = Duration::from_secs(1);
    let (addr, _stop, _task) = start_echo(move |l| {
        Server::from_listener(l)
            .metrics(m)
            .connection_idle_timeout(Some(idle))
    })
    .await;
    let url = format!("http://{addr}");
    let channel = connect(&url).await;
    let mut p = Platform::start(channel.clone(), call_info("CA-long", ContentType::Mulaw8k)).await;
    // Quiet stretches longer than the idle timeout, while the call is open.
    for i in 0..3u8 {
        echo_once(&mut p, i).await;
        tokio::time::sleep(idle * 3 / 2).await;
    }
    echo_once(&mut p, 9).await;
    p.end(EndReason::CallerDisconnect).await;
    assert_eq!(p.next().await.unwrap(), None);
    assert_eq!(
        rejected(&metrics, "idle_connection"),
        0,
        "a connection carrying a call was closed as idle"
    );
    // Once the call is over, the connection is idle: closed, and the client reconnects for
    // the next call.
    let closed = tokio::time::timeout(CLOSED_WITHIN, async {
        while rejected(&metrics, "idle_connection") == 0 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
    assert!(closed.is_ok(), "the connection was not closed once idle");
    a_call_works(&url, "CA-after-idle").await;
}

// ---- connection cap ----------------------------------------------------------------------

#[tokio::test]
async fn at_the_connection_cap_the_next_connection_waits_until_one_closes() {
    let (addr, _stop, _task) = start_echo(|l| {
        Server::from_listener(l)
            .max_connections(5)
            .handshake_timeout(Duration::from_secs(120))
    })
    .await;
    let url = format!("http://{addr}");
    // Four silent sockets and one real client: five, the cap (accepted in connect order).
    let mut silent = Vec::new();
    for _ in 0..4 {
        silent.push(TcpStream::connect(&addr).await.unwrap());
    }
    let served = connect(&url).await;
    let mut p = Platform::start(served.clone(), call_info("CA-fifth", ContentType::Mulaw8k)).await;
    echo_once(&mut p, 1).await;

    // The sixth connection gets no service...
    let sixth = tonic::transport::Endpoint::from_shared(url.clone())
        .unwrap()
        .connect_lazy();
    let mut waiting = tokio::spawn(Platform::start(
        sixth,
        call_info("CA-sixth", ContentType::Mulaw8k),
    ));
    assert!(
        tokio::time::timeout(Duration::from_secs(1), &mut waiting)
            .await
            .is_err(),
        "a sixth connection was served at a cap of five"
    );
    // ...while the call on one of the five works...
    echo_once(&mut p, 2).await;
    // ...until one of the five closes.
    drop(silent.pop());
    let mut q = tokio::time::timeout(SOON, waiting)
        .await
        .expect("the sixth connection is served once one of the five closed")
        .unwrap();
    echo_once(&mut q, 3).await;
    echo_once(&mut p, 4).await;
}

// ---- drain with idle connections ---------------------------------------------------------

#[tokio::test]
async fn shutdown_with_zero_calls_and_idle_connections_returns_at_once() {
    let (addr, stop, task) = start_echo(|l| {
        Server::from_listener(l)
            .drain_timeout(Duration::from_secs(30))
            .handshake_timeout(Duration::from_secs(120))
    })
    .await;
    // A call came and went; its client stays connected.
    let url = format!("http://{addr}");
    let channel = connect(&url).await;
    let mut p = Platform::start(channel.clone(), call_info("CA-done", ContentType::Mulaw8k)).await;
    echo_once(&mut p, 1).await;
    p.end(EndReason::CallerDisconnect).await;
    assert_eq!(p.next().await.unwrap(), None);
    // A socket that never spoke, and an HTTP/2 peer that will ignore GOAWAY (it never reads).
    let mut silent = TcpStream::connect(&addr).await.unwrap();
    let mut deaf = TcpStream::connect(&addr).await.unwrap();
    deaf.write_all(PREFACE).await.unwrap();
    deaf.write_all(&SETTINGS).await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;

    let signalled = Instant::now();
    stop.send(()).unwrap();
    tokio::time::timeout(Duration::from_secs(3), task)
        .await
        .unwrap_or_else(|_| {
            panic!("the server was still draining 3 s after the signal, with no call (drain timeout 30 s)")
        })
        .unwrap()
        .unwrap();
    let took = signalled.elapsed();
    // And the connections were closed, not left behind.
    assert!(
        closed_within(&mut silent, SOON).await,
        "silent connection left open"
    );
    assert!(
        closed_within(&mut deaf, SOON).await,
        "deaf connection left open"
    );
    drop(channel);
    eprintln!("stopped {took:?} after the signal");
}

#[tokio::test]
async fn idle_connections_do_not_end_a_live_call_but_stop_the_server_soon_after_it() {
    let (addr, stop, task) = start_echo(|l| {
        Server::from_listener(l)
            .drain_timeout(Duration::from_secs(30))
            .handshake_timeout(Duration::from_secs(120))
    })
    .await;
    let url = format!("http://{addr}");
    let mut silent = TcpStream::connect(&addr).await.unwrap();
    let mut p = Platform::start(
        connect(&url).await,
        call_info("CA-live", ContentType::Mulaw8k),
    )
    .await;
    echo_once(&mut p, 1).await;
    stop.send(()).unwrap();
    // Well past the idle grace, the live call goes on.
    tokio::time::sleep(Duration::from_secs(2)).await;
    echo_once(&mut p, 2).await;
    p.end(EndReason::CallerDisconnect).await;
    assert_eq!(p.next().await.unwrap(), None);
    tokio::time::timeout(Duration::from_secs(3), task)
        .await
        .expect("the server stops within 3 s of the last call's end")
        .unwrap()
        .unwrap();
    assert!(
        closed_within(&mut silent, SOON).await,
        "silent connection left open"
    );
}

// ---- TLS ---------------------------------------------------------------------------------

/// A CA and a server certificate for `localhost` signed by it (PEM).
fn pki() -> (String, String, String) {
    use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair};
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate().unwrap()).unwrap();
    let key = KeyPair::generate().unwrap();
    let cert = CertificateParams::new(vec!["localhost".into()])
        .unwrap()
        .signed_by(&key, &ca)
        .unwrap();
    (ca.pem(), cert.pem(), key.serialize_pem())
}

/// A rustls client trusting `ca_pem`, offering HTTP/2.
fn tls_connector(ca_pem: &str) -> tokio_rustls::TlsConnector {
    use tokio_rustls::rustls::pki_types::pem::PemObject;
    use tokio_rustls::rustls::pki_types::CertificateDer;
    use tokio_rustls::rustls::{crypto, ClientConfig, RootCertStore};
    let mut roots = RootCertStore::empty();
    for cert in CertificateDer::pem_slice_iter(ca_pem.as_bytes()) {
        roots.add(cert.unwrap()).unwrap();
    }
    let mut config = ClientConfig::builder_with_provider(crypto::ring::default_provider().into())
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"h2".to_vec()];
    tokio_rustls::TlsConnector::from(std::sync::Arc::new(config))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stalled_and_failed_tls_handshakes_are_closed_counted_and_calls_go_on() {
    let (ca, cert, key) = pki();
    let metrics = Metrics::new();
    let m = metrics.clone();
    let tls = TlsConfig {
        cert_pem: cert.into(),
        key_pem: key.into(),
        client_ca_pem: None,
    };
    let (addr, _stop, _task) = start_echo(move |l| {
        Server::from_listener(l)
            .tls(tls)
            .metrics(m)
            .handshake_timeout(SHORT)
    })
    .await;
    let opened = Instant::now();
    // Sockets that never start the handshake, and some that stop inside a ClientHello.
    let mut stalled = Vec::new();
    for i in 0..60 {
        let mut conn = TcpStream::connect(&addr).await.unwrap();
        if i % 3 == 0 {
            conn.write_all(&[0x16, 0x03, 0x01, 0x02, 0x00, 0x01])
                .await
                .unwrap();
        }
        stalled.push(conn);
    }
    // A handshake that completes, then no HTTP/2 preface inside it.
    let tcp = TcpStream::connect(&addr).await.unwrap();
    let name = tokio_rustls::rustls::pki_types::ServerName::try_from("localhost").unwrap();
    let mut mute = tls_connector(&ca).connect(name, tcp).await.unwrap();
    // Not TLS at all.
    let mut plaintext = TcpStream::connect(&addr).await.unwrap();
    plaintext
        .write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();

    // A real TLS call meanwhile.
    let channel = tonic::transport::Endpoint::from_shared(format!("https://{addr}"))
        .unwrap()
        .tls_config(
            tonic::transport::ClientTlsConfig::new()
                .ca_certificate(tonic::transport::Certificate::from_pem(&ca))
                .domain_name("localhost"),
        )
        .unwrap()
        .connect()
        .await
        .unwrap();
    let mut p = Platform::start(channel, call_info("CA-tls", ContentType::Mulaw8k)).await;
    echo_once(&mut p, 5).await;
    p.end(EndReason::CallerDisconnect).await;
    assert_eq!(p.next().await.unwrap(), None);

    for (i, conn) in stalled.iter_mut().enumerate() {
        let left = CLOSED_WITHIN.saturating_sub(opened.elapsed());
        assert!(
            closed_within(conn, left).await,
            "stalled TLS handshake {i} still open {:?} after it connected",
            opened.elapsed()
        );
    }
    assert!(
        closed_within(&mut mute, CLOSED_WITHIN).await,
        "a TLS connection that never sent the HTTP/2 preface was kept"
    );
    assert!(
        closed_within(&mut plaintext, CLOSED_WITHIN).await,
        "plaintext on the TLS port was kept"
    );
    assert_eq!(
        rejected(&metrics, "tls_handshake"),
        1,
        "{}",
        metrics.render()
    );
    assert_eq!(
        rejected(&metrics, "handshake_timeout"),
        61,
        "{}",
        metrics.render()
    );
}

// ---- out of file descriptors -------------------------------------------------------------

/// Set in the child process of [`at_the_descriptor_limit_accept_backs_off_and_recovers`].
const EMFILE_CHILD: &str = "FCSTREAM_TEST_EMFILE_CHILD";

/// The CPU time (user + system, clock ticks) this process has used, from `stat` (opened
/// before the descriptors run out, read again from the start).
fn cpu_ticks(stat: &mut std::fs::File) -> u64 {
    use std::io::{Read, Seek};
    let mut text = String::new();
    stat.seek(std::io::SeekFrom::Start(0)).unwrap();
    stat.read_to_string(&mut text).unwrap();
    // After "(comm)", utime and stime are the 12th and 13th fields.
    let fields: Vec<&str> = text[text.rfind(')').unwrap() + 2..].split(' ').collect();
    fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap()
}

/// The child: a server in a process whose descriptors are all taken; the parent connects
/// meanwhile, so every accept fails with EMFILE. Reports the CPU the process used in 2 s,
/// then frees the descriptors so the parent can check the server recovers.
fn emfile_child() {
    use std::io::{BufRead, Write};
    // Whatever happens, the child does not outlive the test for long.
    std::thread::spawn(|| {
        std::thread::sleep(Duration::from_secs(60));
        std::process::exit(3);
    });
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let (addr, _stop, _task) = rt.block_on(start_echo(|l| {
        Server::from_listener(l).handshake_timeout(Duration::from_secs(120))
    }));
    let mut stat = std::fs::File::open("/proc/self/stat").unwrap();
    let mut fillers = Vec::new();
    loop {
        match std::fs::File::open("/dev/null") {
            Ok(f) => fillers.push(f),
            Err(e) => {
                assert_eq!(e.raw_os_error(), Some(24), "{e}");
                break;
            }
        }
    }
    let mut out = std::io::stdout();
    writeln!(out, "ADDR {addr}").unwrap();
    out.flush().unwrap();
    let mut stdin = std::io::stdin().lock();
    let mut line = String::new();
    stdin.read_line(&mut line).unwrap(); // the parent's connections are waiting
    let before = cpu_ticks(&mut stat);
    std::thread::sleep(Duration::from_secs(2));
    let ticks = cpu_ticks(&mut stat) - before;
    drop(fillers);
    writeln!(out, "TICKS {ticks}").unwrap();
    out.flush().unwrap();
    stdin.read_line(&mut line).unwrap(); // until the parent is done
    drop(rt);
}

#[test]
fn at_the_descriptor_limit_accept_backs_off_and_recovers() {
    use std::io::{BufRead, BufReader, Write};
    use std::process::{Command, Stdio};
    if std::env::var_os(EMFILE_CHILD).is_some() {
        return emfile_child();
    }
    let name = "at_the_descriptor_limit_accept_backs_off_and_recovers";
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ulimit -n 256 && exec \"$0\" --exact {name} --nocapture --test-threads=1"
        ))
        .arg(std::env::current_exe().unwrap())
        .env(EMFILE_CHILD, "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut to_child = child.stdin.take().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut value = |key: &str| loop {
        let line = lines.next().expect("the child ended early").unwrap();
        // (libtest may have written "test … " before it on the same line.)
        if let Some(at) = line.find(key) {
            return line[at + key.len()..].trim().to_string();
        }
    };
    let addr = value("ADDR ");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    // Connections the child cannot accept: it has no descriptor left.
    let _waiting: Vec<TcpStream> = rt.block_on(async {
        let mut v = Vec::new();
        for _ in 0..5 {
            v.push(TcpStream::connect(&addr).await.unwrap());
        }
        v
    });
    writeln!(to_child, "go").unwrap();
    let ticks: u64 = value("TICKS ").parse().unwrap();
    // 2 s of a spinning accept loop is ~200 ticks (at 100 Hz); backing off, next to nothing.
    assert!(
        ticks < 50,
        "the server used {ticks} ticks of CPU in 2 s at the descriptor limit"
    );
    // Descriptors are free again: the server accepts, and a real call works.
    rt.block_on(async {
        tokio::time::timeout(
            SOON,
            a_call_works(&format!("http://{addr}"), "CA-after-emfile"),
        )
        .await
        .expect("a call works once descriptors are free")
    });
    drop(to_child);
    assert!(child.wait().unwrap().success(), "the child failed");
}

/// A server built by `server` running the echo, on 127.0.0.1:0.
async fn start_echo(
    server: impl FnOnce(tokio::net::TcpListener) -> Server,
) -> (
    String,
    oneshot::Sender<()>,
    tokio::task::JoinHandle<fcstream::Result<()>>,
) {
    start(server, echo).await
}
