//! Property tests: nothing from the wire panics. Arbitrary bytes, and valid SIP/SDP/RTP with
//! bytes flipped, cut or spliced, go through the SIP parser, the whole UAS, the SDP
//! negotiation, the RTP receiver and the RFC 4733 reader.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use fcstream_sip::rfc4733::{self, EventPayload};
use fcstream_sip::rtp::Receiver;
use fcstream_sip::uas::{Config, Event, Uas};
use fcstream_sip::{sdp, sip};
use proptest::prelude::*;

const INVITE: &str = "INVITE sip:app@127.0.0.1:5060 SIP/2.0\r\n\
    Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-1;rport\r\nMax-Forwards: 70\r\n\
    From: \"T\" <sip:+15550100@127.0.0.1>;tag=abc\r\nTo: <sip:app@127.0.0.1>\r\n\
    Call-ID: c1@h\r\nCSeq: 1 INVITE\r\nContact: <sip:t@127.0.0.1:5070>\r\n\
    Content-Type: application/sdp\r\nContent-Length: 178\r\n\r\n";

const SDP: &str = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n\
    m=audio 10000 RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\n\
    a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\n";

fn invite() -> Vec<u8> {
    let body = SDP.as_bytes();
    let head = INVITE.replace("178", &body.len().to_string());
    [head.as_bytes(), body].concat()
}

/// A valid message, then damage: flip bytes, truncate, or splice in junk.
fn damaged(base: Vec<u8>) -> impl Strategy<Value = Vec<u8>> {
    let len = base.len();
    (
        proptest::collection::vec((0..len, any::<u8>()), 0..8),
        0..=len,
        proptest::collection::vec(any::<u8>(), 0..16),
        0..=len,
    )
        .prop_map(move |(flips, cut, junk, at)| {
            let mut m = base.clone();
            for (i, b) in flips {
                m[i] = b;
            }
            let at = at.min(m.len());
            m.splice(at..at, junk);
            m.truncate(cut.max(1).min(m.len()));
            m
        })
}

fn caller() -> SocketAddr {
    "127.0.0.1:5070".parse().unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn sip_parse_never_panics(data in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = sip::parse(&data);
    }

    #[test]
    fn damaged_invites_never_panic_the_uas(data in damaged(invite())) {
        let mut uas = Uas::new(Config::new("127.0.0.1:5060".parse().unwrap()));
        let t = Instant::now();
        uas.handle_datagram(t, caller(), &data);
        // Whatever it made of it, it can go on: answer what was offered, run its timers.
        while let Some(ev) = uas.poll_event() {
            if let Event::Offered { call, .. } = ev {
                uas.accept(t, call, "127.0.0.1:20000".parse().unwrap());
                uas.hang_up(t, call);
            }
        }
        uas.handle_timeout(t + Duration::from_secs(40));
        while let Some(tx) = uas.poll_transmit() {
            // What we send parses.
            prop_assert!(sip::parse(&tx.data).is_ok(), "{}", String::from_utf8_lossy(&tx.data));
        }
    }

    #[test]
    fn sdp_negotiation_never_panics(data in prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..1024),
        damaged(SDP.as_bytes().to_vec()),
    ]) {
        if let Ok(n) = sdp::negotiate(&data) {
            // An offer we accept gets an answer we can read back.
            let answer = sdp::answer(&n, "127.0.0.1:4000".parse().unwrap(), 1);
            prop_assert!(sdp::negotiate(&answer).is_ok());
        }
    }

    #[test]
    fn rtp_and_events_never_panic(packets in proptest::collection::vec(
        proptest::collection::vec(any::<u8>(), 0..400), 1..40)
    ) {
        let from = "127.0.0.1:10000".parse().unwrap();
        let mut r = Receiver::new(from, from.ip(), Some(101));
        let t = Instant::now();
        for (i, p) in packets.iter().enumerate() {
            let now = t + Duration::from_millis(i as u64 * 20);
            let _ = r.handle(now, from, p);
            let _ = r.handle_timeout(now);
            let _ = EventPayload::parse(p);
        }
        let mut keys = rfc4733::Receiver::new();
        for (i, p) in packets.iter().enumerate() {
            let _ = keys.packet(t, i as u32 / 3, p);
        }
    }

    /// Valid RTP with any header values (sequence jumps, SSRC changes) keeps the receiver sane.
    #[test]
    fn any_valid_rtp_is_taken(seqs in proptest::collection::vec((any::<u16>(), any::<u32>(), 0u8..2), 1..100)) {
        let from: SocketAddr = "127.0.0.1:10000".parse().unwrap();
        let mut r = Receiver::new(from, from.ip(), Some(101));
        let t = Instant::now();
        let mut out = 0usize;
        for (i, (seq, ssrc, pt)) in seqs.iter().enumerate() {
            let pkt = rtp_rs::RtpPacketBuilder::new()
                .payload_type(if *pt == 0 { 0 } else { 101 })
                .ssrc(*ssrc % 3)
                .sequence(rtp_rs::Seq::from(*seq))
                .timestamp(*ssrc)
                .payload(&[0x80; 160])
                .build()
                .unwrap();
            out += r.handle(t + Duration::from_millis(i as u64 * 20), from, &pkt).len();
        }
        out += r.handle_timeout(t + Duration::from_secs(10)).len();
        prop_assert!(out <= seqs.len());
    }
}
