//! End to end over loopback: a tiny SIP + RTP client in the test calls `fcstream_sip::serve`
//! in front of the in-process echo app. It checks the offer/answer, that every marked RTP
//! frame it sends comes back (and how long that takes: the added latency, printed as p50/p99),
//! the RTP headers of what comes back, that an RFC 4733 key reaches the app as DTMF (and
//! comes back as telephone-events when the echo app presses it back), that RTP
//! from a spoofed source is ignored, and that its BYE ends the stream with
//! CALLER_DISCONNECT.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use fcstream_emulator::CallOutcome;
use fcstream_sip::rfc4733::EventPayload;
use fcstream_sip::sip::{self, Message};
use fcstream_sip::{App, SipOptions};
use rtp_rs::{RtpPacketBuilder, RtpReader, Seq};
use tokio::net::UdpSocket;
use tokio::sync::mpsc;
use tokio::time::timeout;

const FRAMES: u32 = 150;

/// A frame whose first bytes say its number (bytes µ-law keeps exactly through the platform's
/// decode and encode: never 0x7F).
fn marked(idx: u32) -> Vec<u8> {
    let mut f = vec![0x55u8; 160];
    f[..3].copy_from_slice(&[0x01, 0x02, 0x03]);
    f[3] = 0x20 + (idx & 0x3f) as u8;
    f[4] = 0x20 + ((idx >> 6) & 0x3f) as u8;
    f[5] = 0x04;
    f
}

/// Marks found in `stream` (µ-law bytes in order) with the index of their first byte.
fn marks(stream: &[u8]) -> Vec<(usize, u32)> {
    stream
        .windows(6)
        .enumerate()
        .filter(|(_, w)| w[..3] == [1, 2, 3] && w[5] == 4)
        .map(|(i, w)| (i, u32::from(w[3] - 0x20) | (u32::from(w[4] - 0x20) << 6)))
        .collect()
}

fn rtp(pt: u8, seq: u16, ts: u32, payload: &[u8], mark: bool) -> Vec<u8> {
    RtpPacketBuilder::new()
        .payload_type(pt)
        .ssrc(0x1234_5678)
        .sequence(Seq::from(seq))
        .timestamp(ts)
        .marked(mark)
        .payload(payload)
        .build()
        .unwrap()
}

fn request(
    method: &str,
    server: SocketAddr,
    me: SocketAddr,
    to_tag: Option<&str>,
    cseq: u32,
    body: &str,
) -> Vec<u8> {
    let to = match to_tag {
        Some(t) => format!("<sip:echo@{server}>;tag={t}"),
        None => format!("<sip:echo@{server}>"),
    };
    let ct = if body.is_empty() {
        ""
    } else {
        "Content-Type: application/sdp\r\n"
    };
    format!(
        "{method} sip:echo@{server} SIP/2.0\r\nVia: SIP/2.0/UDP {me};branch=z9hG4bK{method}{cseq}\r\n\
         Max-Forwards: 70\r\nFrom: <sip:+15550100@127.0.0.1>;tag=tc\r\nTo: {to}\r\n\
         Call-ID: loopback-1\r\nCSeq: {cseq} {method}\r\nContact: <sip:t@{me}>\r\n{ct}\
         Content-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

async fn recv_sip(sock: &UdpSocket) -> (Message, Vec<u8>) {
    let mut buf = vec![0u8; 65536];
    let (n, _) = timeout(Duration::from_secs(5), sock.recv_from(&mut buf))
        .await
        .expect("a SIP message in time")
        .unwrap();
    (
        sip::parse(&buf[..n]).expect("the server sends valid SIP"),
        buf[..n].to_vec(),
    )
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sip_call_through_the_echo_app() {
    let channel = fcstream_emulator::in_process::serve(fcstream_apps::echo, Default::default())
        .await
        .unwrap();
    let (records, mut done) = mpsc::channel(4);
    let mut options = SipOptions::new("127.0.0.1:0".parse().unwrap());
    options.records = Some(records);
    let server = fcstream_sip::serve(App::Channel(channel), options)
        .await
        .unwrap();
    let addr = server.local_addr();

    let sip_sock = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let rtp_sock = std::sync::Arc::new(UdpSocket::bind("127.0.0.1:0").await.unwrap());
    let me = sip_sock.local_addr().unwrap();
    let rtp_port = rtp_sock.local_addr().unwrap().port();
    let sdp = format!(
        "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n\
         m=audio {rtp_port} RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\n\
         a=rtpmap:101 telephone-event/8000\r\na=ptime:20\r\n"
    );
    sip_sock
        .send_to(&request("INVITE", addr, me, None, 1, &sdp), addr)
        .await
        .unwrap();
    let mut codes = Vec::new();
    let (tag, answer) = loop {
        let (msg, raw) = recv_sip(&sip_sock).await;
        let Message::Response(r) = msg else {
            panic!("a response")
        };
        codes.push(r.status);
        if r.status == 200 {
            let text = String::from_utf8(raw).unwrap();
            let body = text.split("\r\n\r\n").nth(1).unwrap().to_string();
            break (r.common.to_tag().unwrap().to_string(), body);
        }
    };
    assert_eq!(codes, vec![100, 180, 200]);
    let n = fcstream_sip::sdp::negotiate(answer.as_bytes()).unwrap();
    assert_eq!(n.telephone_event, Some(101));
    let media = n.remote;
    sip_sock
        .send_to(&request("ACK", addr, me, Some(&tag), 1, ""), addr)
        .await
        .unwrap();

    // Receive everything that comes back, with arrival times (symmetric RTP: we send from
    // the socket we receive on).
    let sender = rtp_sock.clone();
    let receiver = tokio::spawn(async move {
        let mut buf = vec![0u8; 2048];
        let mut got: Vec<(Instant, Vec<u8>)> = Vec::new();
        while let Ok(Ok((n, _))) =
            timeout(Duration::from_millis(1500), rtp_sock.recv_from(&mut buf)).await
        {
            got.push((Instant::now(), buf[..n].to_vec()));
        }
        (got, rtp_sock)
    });
    let spoofer = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let mut sent_at = HashMap::new();
    let mut tick = tokio::time::interval(Duration::from_millis(20));
    for i in 0..FRAMES {
        tick.tick().await;
        let pkt = rtp(0, i as u16, i * 160, &marked(i), i == 0);
        sender.send_to(&pkt, media).await.unwrap();
        sent_at.insert(i, Instant::now());
        if i == 10 {
            // Another source with the same SSRC: ignored (the first source is latched).
            let spoof = rtp(0, 11, 11 * 160, &marked(9999 & 0xfff), false);
            spoofer.send_to(&spoof, media).await.unwrap();
        }
    }
    // Let the echo of the last frames come back first: the echo app presses the caller's
    // keys back, and while the app's key is sent as telephone-events it replaces the audio.
    tokio::time::sleep(Duration::from_millis(400)).await;
    // Key 7, RFC 4733: held for 16 packets (320 ms of real time) whose duration field stays
    // at 20 ms, then the end (saying 100 ms) three times. The platform must see the key go
    // down at the first packet and up at the end, 320 ms or more apart; a front door that
    // waited for the end and pressed for the field's 100 ms would show 100 ms.
    let ts = FRAMES * 160;
    let held = std::iter::repeat_n((false, 160u16), 16);
    for (k, (end, d)) in held
        .chain([(true, 800), (true, 800), (true, 800)])
        .enumerate()
    {
        let ev = EventPayload {
            event: 7,
            end,
            volume: 10,
            duration: d,
        }
        .to_bytes();
        sender
            .send_to(
                &rtp(101, (FRAMES + k as u32) as u16, ts, &ev, k == 0),
                media,
            )
            .await
            .unwrap();
        // Not the frame interval: its ticks missed during the sleep above would all fire at
        // once. 20 ms apart at least, so the 16 held packets span 320 ms or more.
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(400)).await;
    sip_sock
        .send_to(&request("BYE", addr, me, Some(&tag), 2, ""), addr)
        .await
        .unwrap();
    let (msg, _) = recv_sip(&sip_sock).await;
    assert!(matches!(msg, Message::Response(r) if r.status == 200));

    let (got, _sock) = receiver.await.unwrap();
    // Headers of what came back: PCMU, 160 bytes, consecutive sequence and timestamps.
    let readers: Vec<RtpReader> = got
        .iter()
        .map(|(_, p)| RtpReader::new(p).unwrap())
        .collect();
    assert!(
        readers.len() > FRAMES as usize / 2,
        "{} packets",
        readers.len()
    );
    let ssrc = readers[0].ssrc();
    for w in readers.windows(2) {
        assert_eq!(w[1].ssrc(), ssrc);
        assert_eq!(
            u16::from(w[1].sequence_number()),
            u16::from(w[0].sequence_number()).wrapping_add(1)
        );
        if w[0].payload_type() == 0 && w[1].payload_type() == 0 {
            assert_eq!(w[1].timestamp(), w[0].timestamp().wrapping_add(160));
        }
    }
    assert!(readers
        .iter()
        .all(|r| r.payload_type() != 0 || r.payload().len() == 160));
    // The echo app pressed our key back: RFC 4733 with the offer's payload type, ending.
    let events: Vec<EventPayload> = readers
        .iter()
        .filter(|r| r.payload_type() == 101)
        .filter_map(|r| EventPayload::parse(r.payload()))
        .collect();
    assert!(
        !events.is_empty() && events.iter().all(|e| e.event == 7),
        "{events:?}"
    );
    assert!(events.iter().any(|e| e.end), "{events:?}");

    // Every marked frame came back once, in order; the spoofed one never did.
    let mut stream = Vec::new();
    let mut byte_time = Vec::new();
    for ((at, _), r) in got.iter().zip(&readers) {
        if r.payload_type() == 0 {
            stream.extend_from_slice(r.payload());
            byte_time.extend(std::iter::repeat_n(*at, r.payload().len()));
        }
    }
    let found = marks(&stream);
    let ids: Vec<u32> = found.iter().map(|(_, id)| *id).collect();
    assert_eq!(
        ids,
        (0..FRAMES).collect::<Vec<_>>(),
        "every frame back once, in order"
    );
    let mut latency: Vec<f64> = found
        .iter()
        .map(|(pos, id)| byte_time[*pos].duration_since(sent_at[id]).as_secs_f64() * 1000.0)
        .collect();
    latency.sort_by(f64::total_cmp);
    let (p50, p99) = (percentile(&latency, 0.5), percentile(&latency, 0.99));
    println!("SIP RTP -> gRPC frame -> echo -> RTP round trip: p50 {p50:.1} ms, p99 {p99:.1} ms over {} frames", latency.len());
    assert!(p99 < 1000.0, "p99 {p99} ms");

    let record = timeout(Duration::from_secs(10), done.recv())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(record.outcome, Some(CallOutcome::CallerHangup));
    assert_eq!(
        record.sip_end,
        Some(fcstream_sip::uas::EndReason::CallerBye)
    );
    assert!(record.rtp.wrong_source >= 1, "{:?}", record.rtp);
    assert_eq!(record.rtp.jitter.lost, 0);
    let report = record.report.unwrap();
    assert_eq!(
        report.summary.end_reason.as_deref(),
        Some("CALLER_DISCONNECT")
    );
    assert_eq!(report.summary.dtmf.from_caller, "7");
    let at = |kind: &str| {
        report
            .timeline
            .iter()
            .find(|e| e.kind == kind)
            .map(|e| e.t_ms)
            .unwrap_or_else(|| panic!("no {kind} in the timeline"))
    };
    let held_ms = at("notify_dtmf_received_end_data") - at("notify_dtmf_received_start_data");
    assert!(
        held_ms >= 300.0,
        "the key was down for {held_ms} ms, not from its first packet"
    );
    assert_eq!(report.summary.call_id, "loopback-1");
    let counters = server.shutdown().await;
    assert_eq!(counters.calls_offered, 1);
}
