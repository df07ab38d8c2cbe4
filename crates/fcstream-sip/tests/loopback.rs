//! End to end over loopback: a tiny SIP + RTP client in the test calls `fcstream_sip::serve`
//! in front of the in-process echo app. The µ-law call checks the offer/answer, that every
//! marked RTP frame it sends comes back (and how long that takes: the added latency, printed
//! as p50/p99), the RTP headers of what comes back, that an RFC 4733 key reaches the app as
//! DTMF (and comes back as telephone-events when the echo app presses it back), that RTP
//! from a spoofed source is ignored, and that its BYE ends the stream with
//! CALLER_DISCONNECT. The L16 calls (`SipOptions::content_type`, the `--content-type` flag)
//! check that the app gets L16 at 8 or 16 kHz while the caller's PCMU still comes back: the
//! µ-law → L16 → µ-law path and, at 16 kHz, the resamplers both ways.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use fcstream::audio::{mulaw, ContentType};
use fcstream_emulator::{CallOutcome, CallReport, Dir};
use fcstream_sip::rfc4733::EventPayload;
use fcstream_sip::sip::{self, Message};
use fcstream_sip::{App, CallRecord, SipOptions, SipServer};
use rtp_rs::{RtpPacketBuilder, RtpReader, Seq};
use tokio::net::UdpSocket;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
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

/// `fcstream_sip::serve` in front of the in-process echo app, with every call's content type
/// as the app saw it (`CallInfo::content_type`) noted in `seen`.
struct Door {
    server: SipServer,
    addr: SocketAddr,
    records: mpsc::Receiver<CallRecord>,
    seen: Arc<Mutex<Vec<ContentType>>>,
}

async fn door(content_type: ContentType) -> Door {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let noted = seen.clone();
    let app = move |call: fcstream::Call| {
        noted.lock().unwrap().push(call.info().content_type);
        fcstream_apps::echo(call)
    };
    let channel = fcstream_emulator::in_process::serve(app, Default::default())
        .await
        .unwrap();
    let (tx, records) = mpsc::channel(4);
    let mut options = SipOptions::new("127.0.0.1:0".parse().unwrap());
    options.records = Some(tx);
    options.content_type = content_type;
    let server = fcstream_sip::serve(App::Channel(channel), options)
        .await
        .unwrap();
    let addr = server.local_addr();
    Door {
        server,
        addr,
        records,
        seen,
    }
}

impl Door {
    /// The record of the call that ended (it ended with our BYE), checked for what every call
    /// here ends with: a caller hang-up, CALLER_DISCONNECT, no RTP lost, the call id.
    async fn ended(&mut self) -> CallRecord {
        let record = timeout(Duration::from_secs(10), self.records.recv())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(record.outcome, Some(CallOutcome::CallerHangup));
        assert_eq!(
            record.sip_end,
            Some(fcstream_sip::uas::EndReason::CallerBye)
        );
        assert_eq!(record.rtp.jitter.lost, 0, "{:?}", record.rtp);
        let report = record.report.as_ref().unwrap();
        assert_eq!(
            report.summary.end_reason.as_deref(),
            Some("CALLER_DISCONNECT")
        );
        assert_eq!(report.summary.call_id, "loopback-1");
        record
    }
}

/// A call placed by the test's SIP client: INVITE (PCMU and telephone-event 101), the
/// answer, ACK. RTP goes from and to `rtp` (symmetric RTP).
struct Dialog {
    sip: UdpSocket,
    me: SocketAddr,
    server: SocketAddr,
    tag: String,
    /// Where the answer says to send RTP.
    media: SocketAddr,
    rtp: Arc<UdpSocket>,
}

async fn place_call(server: SocketAddr) -> Dialog {
    let sip_sock = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let rtp_sock = Arc::new(UdpSocket::bind("127.0.0.1:0").await.unwrap());
    let me = sip_sock.local_addr().unwrap();
    let rtp_port = rtp_sock.local_addr().unwrap().port();
    let sdp = format!(
        "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n\
         m=audio {rtp_port} RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\n\
         a=rtpmap:101 telephone-event/8000\r\na=ptime:20\r\n"
    );
    sip_sock
        .send_to(&request("INVITE", server, me, None, 1, &sdp), server)
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
    sip_sock
        .send_to(&request("ACK", server, me, Some(&tag), 1, ""), server)
        .await
        .unwrap();
    Dialog {
        sip: sip_sock,
        me,
        server,
        tag,
        media: n.remote,
        rtp: rtp_sock,
    }
}

impl Dialog {
    /// Receives every RTP packet that comes back, with its arrival time, until none has come
    /// for 1.5 s.
    fn listen(&self) -> JoinHandle<Vec<(Instant, Vec<u8>)>> {
        let sock = self.rtp.clone();
        tokio::spawn(async move {
            let mut buf = vec![0u8; 2048];
            let mut got = Vec::new();
            while let Ok(Ok((n, _))) =
                timeout(Duration::from_millis(1500), sock.recv_from(&mut buf)).await
            {
                got.push((Instant::now(), buf[..n].to_vec()));
            }
            got
        })
    }

    /// Sends one RTP packet to the front door.
    async fn send(&self, packet: &[u8]) {
        self.rtp.send_to(packet, self.media).await.unwrap();
    }

    /// Our BYE, answered with 200.
    async fn hang_up(&self) {
        let bye = request("BYE", self.server, self.me, Some(&self.tag), 2, "");
        self.sip.send_to(&bye, self.server).await.unwrap();
        let (msg, _) = recv_sip(&self.sip).await;
        assert!(matches!(msg, Message::Response(r) if r.status == 200));
    }
}

/// The headers of what came back: more than half the frames sent, one SSRC, consecutive
/// sequence numbers, PCMU payloads of 160 bytes 160 timestamps apart.
fn checked_headers(got: &[(Instant, Vec<u8>)]) -> Vec<RtpReader<'_>> {
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
    readers
}

/// The PCMU payloads that came back, in order, with each byte's arrival time.
fn pcmu_stream(got: &[(Instant, Vec<u8>)], readers: &[RtpReader]) -> (Vec<u8>, Vec<Instant>) {
    let mut stream = Vec::new();
    let mut byte_time = Vec::new();
    for ((at, _), r) in got.iter().zip(readers) {
        if r.payload_type() == 0 {
            stream.extend_from_slice(r.payload());
            byte_time.extend(std::iter::repeat_n(*at, r.payload().len()));
        }
    }
    (stream, byte_time)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sip_call_through_the_echo_app() {
    let mut door = door(ContentType::Mulaw8k).await;
    let call = place_call(door.addr).await;
    let receiver = call.listen();
    let spoofer = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let mut sent_at = HashMap::new();
    let mut tick = tokio::time::interval(Duration::from_millis(20));
    for i in 0..FRAMES {
        tick.tick().await;
        call.send(&rtp(0, i as u16, i * 160, &marked(i), i == 0))
            .await;
        sent_at.insert(i, Instant::now());
        if i == 10 {
            // Another source with the same SSRC: ignored (the first source is latched).
            let spoof = rtp(0, 11, 11 * 160, &marked(9999 & 0xfff), false);
            spoofer.send_to(&spoof, call.media).await.unwrap();
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
        call.send(&rtp(101, (FRAMES + k as u32) as u16, ts, &ev, k == 0))
            .await;
        // Not the frame interval: its ticks missed during the sleep above would all fire at
        // once. 20 ms apart at least, so the 16 held packets span 320 ms or more.
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(400)).await;
    call.hang_up().await;

    let got = receiver.await.unwrap();
    let readers = checked_headers(&got);
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
    let (stream, byte_time) = pcmu_stream(&got, &readers);
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

    let record = door.ended().await;
    assert!(record.rtp.wrong_source >= 1, "{:?}", record.rtp);
    let report = record.report.unwrap();
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
    assert_eq!(*door.seen.lock().unwrap(), vec![ContentType::Mulaw8k]);
    let counters = door.server.shutdown().await;
    assert_eq!(counters.calls_offered, 1);
}

/// Caller audio that is easy to find again after µ-law, L16 and resampling: noise (a sharp
/// correlation peak at the echo's delay), gently low-passed and swelling like syllables,
/// never silent. 8 kHz samples.
fn speechlike(samples: usize) -> Vec<i16> {
    let mut state: u32 = 0x2545_f491;
    let mut prev = 0.0f64;
    (0..samples)
        .map(|n| {
            state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            let white = f64::from(state >> 8) / f64::from(1u32 << 24) * 2.0 - 1.0;
            let low = 0.5 * (white + prev);
            prev = white;
            let t = n as f64 / 8000.0;
            let envelope = 0.35 + 0.65 * (std::f64::consts::PI * 3.0 * t).sin().abs();
            (low * envelope * 12_000.0) as i16
        })
        .collect()
}

/// Normalised correlation of two equal-length slices.
fn correlation(a: &[f64], b: &[f64]) -> f64 {
    let (mut ab, mut aa, mut bb) = (0.0, 0.0, 0.0);
    for (x, y) in a.iter().zip(b) {
        ab += x * y;
        aa += x * x;
        bb += y * y;
    }
    if aa == 0.0 || bb == 0.0 {
        0.0
    } else {
        ab / (aa * bb).sqrt()
    }
}

/// How one 20 ms frame of what the caller said came back.
#[derive(Debug, Clone, Copy)]
struct Window {
    /// The echo's delay, in 16 kHz samples.
    lag: usize,
    /// The correlation at that delay.
    corr: f64,
    /// Signal to error ratio at that delay (gain-matched), dB.
    snr_db: f64,
}

/// For each 20 ms frame of `sent`, where it is found in `heard` and how well. Both are at
/// 8 kHz. The delay is searched at 8 kHz around the previous frame's (caller audio that
/// reached the platform late is padded with silence and pushes the rest later, a backlog is
/// dropped and pulls it earlier: only the frames across such a jump lose their match), over
/// the whole of `heard` when the frame is not found there, then refined at 16 kHz (both
/// upsampled, band-limited): a 16 kHz call's delay moves in 16 kHz samples, so its echo
/// can be half an 8 kHz sample late, which alone costs this signal a sixth of its
/// correlation.
fn echo_frames(sent: &[i16], heard: &[i16]) -> Vec<Window> {
    const WIN: usize = 160;
    let f = |v: &[i16]| -> Vec<f64> { v.iter().map(|&s| f64::from(s)).collect() };
    let up = |v: &[i16]| f(&fcstream::audio::resample::resample(v, 8000, 16000).unwrap());
    let (sent8, heard8, sent16, heard16) = (f(sent), f(heard), up(sent), up(heard));
    let lost = Window {
        lag: 0,
        corr: 0.0,
        snr_db: f64::NEG_INFINITY,
    };
    let mut out = Vec::new();
    let mut prev: usize = 0;
    for start in (0..sent8.len().saturating_sub(WIN)).step_by(WIN) {
        let x = &sent8[start..start + WIN];
        let best = |lags: std::ops::Range<usize>| {
            lags.filter(|lag| start + lag + WIN <= heard8.len())
                .map(|lag| (lag, correlation(x, &heard8[start + lag..start + lag + WIN])))
                .max_by(|a, b| a.1.total_cmp(&b.1))
        };
        let near = best(prev.saturating_sub(800)..prev + 4000);
        let coarse = match near {
            Some((_, c)) if c >= 0.9 => near,
            _ => best(0..heard8.len()),
        };
        let Some((lag8, _)) = coarse else {
            out.push(lost);
            continue;
        };
        prev = lag8;
        let (s16, e16) = (2 * start, 2 * (start + WIN));
        let x = &sent16[s16..e16];
        let fine = (2 * lag8).saturating_sub(2)..=2 * lag8 + 2;
        let Some((lag, corr)) = fine
            .filter(|lag| e16 + lag <= heard16.len())
            .map(|lag| (lag, correlation(x, &heard16[s16 + lag..e16 + lag])))
            .max_by(|a, b| a.1.total_cmp(&b.1))
        else {
            out.push(lost);
            continue;
        };
        let y = &heard16[s16 + lag..e16 + lag];
        let gain = x.iter().zip(y).map(|(a, b)| a * b).sum::<f64>()
            / y.iter().map(|b| b * b).sum::<f64>().max(1.0);
        let err: f64 = x.iter().zip(y).map(|(a, b)| (a - gain * b).powi(2)).sum();
        let power: f64 = x.iter().map(|a| a * a).sum();
        out.push(Window {
            lag,
            corr,
            snr_db: 10.0 * (power / err.max(1.0)).log10(),
        });
    }
    out
}

/// An L16 call at `content_type`: the app must see that content type and frames of its size,
/// and the caller's PCMU must come back through µ-law → L16 (→ resampled) → echo → L16
/// (→ resampled) → µ-law, nearly unchanged.
async fn l16_echo(content_type: ContentType) {
    let mut door = door(content_type).await;
    let call = place_call(door.addr).await;
    let receiver = call.listen();
    let said = speechlike(FRAMES as usize * 160);
    let pcmu = mulaw::encode_all(&said);
    let mut tick = tokio::time::interval(Duration::from_millis(20));
    for (i, frame) in pcmu.chunks(160).enumerate() {
        tick.tick().await;
        let i = i as u32;
        call.send(&rtp(0, i as u16, i * 160, frame, i == 0)).await;
    }
    tokio::time::sleep(Duration::from_millis(600)).await;
    call.hang_up().await;

    let got = receiver.await.unwrap();
    let readers = checked_headers(&got);
    let (stream, _) = pcmu_stream(&got, &readers);
    let record = door.ended().await;
    // What was dropped to keep the delay bounded on a loaded machine (caller audio that
    // piled up, heard audio that could not be sent in time): frames that cannot come back.
    let dropped = format!(
        "{} caller samples dropped, {} heard bytes dropped, {} packets late",
        record.live_dropped, record.rtp.overflow_bytes, record.rtp.jitter.late
    );
    // What the caller sent as the platform decodes it, against what came back.
    let frames = echo_frames(&mulaw::decode_all(&pcmu), &mulaw::decode_all(&stream));
    let good = frames.iter().filter(|w| w.corr >= 0.95).count();
    let mean = frames.iter().map(|w| w.corr).sum::<f64>() / frames.len() as f64;
    let mut snr: Vec<f64> = frames.iter().map(|w| w.snr_db).collect();
    snr.sort_by(f64::total_cmp);
    let lag = frames[frames.len() / 2].lag;
    let jumps = frames
        .windows(2)
        .filter(|w| w[0].lag.abs_diff(w[1].lag) > 2)
        .count();
    let poor: Vec<(usize, f64)> = frames
        .iter()
        .enumerate()
        .filter(|(_, w)| w.corr < 0.95)
        .map(|(i, w)| (i, (w.corr * 1000.0).round() / 1000.0))
        .take(12)
        .collect();
    println!(
        "{}: the caller's PCMU back in {good} of {} 20 ms frames at correlation >= 0.95 \
         (mean {mean:.4}), echo delay {:.2} ms (median frame; {jumps} jumps), median SNR \
         {:.1} dB; {dropped}; the first below 0.95: {poor:?}",
        content_type.as_str(),
        frames.len(),
        lag as f64 / 16.0,
        snr[snr.len() / 2]
    );
    // 80 %: a loaded machine loses a few frames around each jump of the delay. A call whose
    // audio is not resampled (or not decoded) right keeps almost none, or about a third
    // where the same samples happen to come back in a different time.
    assert!(
        good * 10 >= frames.len() * 8,
        "{}: only {good} of {} frames came back ({dropped}); the first below 0.95: {poor:?}",
        content_type.as_str(),
        frames.len(),
    );

    let report: &CallReport = record.report.as_ref().unwrap();
    // The app was told the call's content type, got frames of its size, and answered in it.
    assert_eq!(*door.seen.lock().unwrap(), vec![content_type]);
    assert_eq!(report.summary.content_type, content_type.as_str());
    let frame_bytes = content_type.sample_rate() as usize / 50 * 2;
    let sizes = |dir: Dir, kind: &str| -> Vec<u64> {
        report
            .timeline
            .iter()
            .filter(|e| e.dir == dir && e.kind == kind)
            .filter_map(|e| e.fields["audio_bytes"].as_u64())
            .collect()
    };
    let to_app = sizes(Dir::ToApp, "notify_audio_data");
    assert!(to_app.len() >= FRAMES as usize, "{} frames", to_app.len());
    assert!(
        to_app.iter().all(|&b| b == frame_bytes as u64),
        "{to_app:?}"
    );
    let plays: Vec<&str> = report
        .timeline
        .iter()
        .filter(|e| e.dir == Dir::FromApp && e.kind == "audio_data")
        .filter_map(|e| e.fields["content_type"].as_str())
        .collect();
    assert!(plays.len() >= FRAMES as usize, "{} plays", plays.len());
    assert!(
        plays.iter().all(|&ct| ct == content_type.as_str()),
        "{plays:?}"
    );
    door.server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_l16_16k_call_resamples_both_ways_and_the_caller_comes_back() {
    l16_echo(ContentType::L16At16k).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_l16_8k_call_decodes_and_the_caller_comes_back() {
    l16_echo(ContentType::L16At8k).await;
}
