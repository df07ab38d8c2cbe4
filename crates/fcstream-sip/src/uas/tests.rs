//! The UAS state machine, method by method and error by error, on a made-up clock.

use super::*;
use crate::sip::Response;

const CALLER: &str = "127.0.0.1:5070";
const RTP: &str = "127.0.0.1:20000";

const SDP: &str = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\n\
    t=0 0\r\nm=audio 10000 RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\n\
    a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\na=ptime:20\r\n";

fn uas() -> Uas {
    Uas::new(Config::new("127.0.0.1:5060".parse().unwrap()))
}

fn caller() -> SocketAddr {
    CALLER.parse().unwrap()
}

/// A request from the caller of call `cid`.
fn req(
    method: &str,
    cid: &str,
    branch: &str,
    cseq: u32,
    to_tag: Option<&str>,
    body: &str,
) -> Vec<u8> {
    let to = match to_tag {
        Some(t) => format!("<sip:app@127.0.0.1>;tag={t}"),
        None => "<sip:app@127.0.0.1>".to_string(),
    };
    let ct = if body.is_empty() {
        String::new()
    } else {
        "Content-Type: application/sdp\r\n".to_string()
    };
    format!(
        "{method} sip:app@127.0.0.1:5060 SIP/2.0\r\nVia: SIP/2.0/UDP {CALLER};branch=z9hG4bK{branch}\r\n\
         Max-Forwards: 70\r\nFrom: <sip:+15550100@127.0.0.1>;tag=caller\r\nTo: {to}\r\nCall-ID: {cid}\r\n\
         CSeq: {cseq} {method}\r\nContact: <sip:tester@{CALLER}>\r\n{ct}Content-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

fn invite(cid: &str) -> Vec<u8> {
    req("INVITE", cid, "inv", 1, None, SDP)
}

/// Every datagram waiting, as parsed responses (and requests, for our BYE).
fn sent(uas: &mut Uas) -> Vec<(SocketAddr, Message)> {
    std::iter::from_fn(|| uas.poll_transmit())
        .map(|t| (t.to, sip::parse(&t.data).expect("we send what we parse")))
        .collect()
}

fn statuses(uas: &mut Uas) -> Vec<u16> {
    sent(uas)
        .into_iter()
        .filter_map(|(_, m)| match m {
            Message::Response(r) => Some(r.status),
            Message::Request(_) => None,
        })
        .collect()
}

fn last_response(uas: &mut Uas) -> Response {
    sent(uas)
        .into_iter()
        .filter_map(|(_, m)| match m {
            Message::Response(r) => Some(*r),
            Message::Request(_) => None,
        })
        .next_back()
        .expect("a response")
}

fn events(uas: &mut Uas) -> Vec<Event> {
    std::iter::from_fn(|| uas.poll_event()).collect()
}

/// An offered call and its To tag.
fn offered(uas: &mut Uas, t: Instant, cid: &str) -> (CallHandle, String) {
    uas.handle_datagram(t, caller(), &invite(cid));
    let msgs = sent(uas);
    let codes: Vec<u16> = msgs
        .iter()
        .filter_map(|(_, m)| match m {
            Message::Response(r) => Some(r.status),
            _ => None,
        })
        .collect();
    assert_eq!(codes, vec![100, 180]);
    let tag = match &msgs[1].1 {
        Message::Response(r) => r.common.to_tag().unwrap().to_string(),
        _ => unreachable!(),
    };
    let call = match events(uas).as_slice() {
        [Event::Offered { call, offer }] => {
            assert_eq!(offer.call_id, cid);
            assert_eq!(offer.from, "+15550100");
            assert_eq!(offer.to, "app");
            assert_eq!(offer.negotiated.telephone_event, Some(101));
            *call
        }
        other => panic!("{other:?}"),
    };
    (call, tag)
}

/// A confirmed call.
fn confirmed(uas: &mut Uas, t: Instant, cid: &str) -> (CallHandle, String) {
    let (call, tag) = offered(uas, t, cid);
    assert!(uas.accept(t, call, RTP.parse().unwrap()));
    let ok = last_response(uas);
    assert_eq!(ok.status, 200);
    uas.handle_datagram(t, caller(), &req("ACK", cid, "ack", 1, Some(&tag), ""));
    assert_eq!(events(uas), vec![Event::Confirmed { call }]);
    (call, tag)
}

#[test]
fn invite_gets_100_180_then_200_with_an_sdp_answer() {
    let mut u = uas();
    let t = Instant::now();
    let (call, tag) = offered(&mut u, t, "c1");
    assert!(u.accept(t, call, RTP.parse().unwrap()));
    let msgs = sent(&mut u);
    let (to, Message::Response(ok)) = &msgs[0] else {
        panic!("{msgs:?}")
    };
    assert_eq!(*to, caller());
    assert_eq!(ok.status, 200);
    assert_eq!(ok.common.to_tag(), Some(tag.as_str()));
    // The answer is in the body: check the raw datagram.
    u.handle_datagram(t, caller(), &invite("c1"));
    let raw = u.poll_transmit().unwrap().data;
    let text = String::from_utf8(raw).unwrap();
    assert!(text.contains("m=audio 20000 RTP/AVP 0 101"), "{text}");
    assert!(
        text.contains("Contact: <sip:fcstream@127.0.0.1:5060>"),
        "{text}"
    );
    assert_eq!(u.counters().retransmissions_absorbed, 1);
}

#[test]
fn the_200_is_retransmitted_until_the_ack_and_a_missing_ack_ends_with_bye() {
    let mut u = uas();
    let t = Instant::now();
    let (call, tag) = offered(&mut u, t, "c1");
    u.accept(t, call, RTP.parse().unwrap());
    sent(&mut u);
    // T1, then 2·T1 later, ... capped at T2.
    let mut at = t;
    let mut gaps = Vec::new();
    for _ in 0..6 {
        let next = u.poll_timeout().unwrap();
        gaps.push(next - at);
        at = next;
        u.handle_timeout(at);
        assert_eq!(statuses(&mut u), vec![200]);
    }
    assert_eq!(
        gaps,
        [500, 1000, 2000, 4000, 4000, 4000].map(Duration::from_millis)
    );
    // The ACK stops it.
    u.handle_datagram(at, caller(), &req("ACK", "c1", "ack", 1, Some(&tag), ""));
    assert_eq!(events(&mut u), vec![Event::Confirmed { call }]);
    assert_eq!(u.poll_timeout(), None);

    // Another call never ACKed: after 64·T1, a BYE and NoAck.
    let (call, _) = offered(&mut u, t, "c2");
    u.accept(t, call, RTP.parse().unwrap());
    let mut now = t;
    while let Some(next) = u.poll_timeout() {
        if next > t + Duration::from_secs(40) {
            break;
        }
        now = next;
        u.handle_timeout(now);
    }
    assert!(now >= t + T1 * 64);
    let byes: Vec<_> = sent(&mut u)
        .into_iter()
        .filter(|(_, m)| matches!(m, Message::Request(r) if r.method == Method::Bye))
        .collect();
    assert!(!byes.is_empty());
    assert!(events(&mut u).contains(&Event::Ended {
        call,
        reason: EndReason::NoAck
    }));
}

#[test]
fn caller_bye_ends_the_call_and_its_retransmission_is_answered_again() {
    let mut u = uas();
    let t = Instant::now();
    let (call, tag) = confirmed(&mut u, t, "c1");
    let bye = req("BYE", "c1", "bye1", 2, Some(&tag), "");
    u.handle_datagram(t, caller(), &bye);
    assert_eq!(statuses(&mut u), vec![200]);
    assert_eq!(
        events(&mut u),
        vec![Event::Ended {
            call,
            reason: EndReason::CallerBye
        }]
    );
    assert_eq!(u.active_calls(), 0);
    u.handle_datagram(t + T1, caller(), &bye);
    assert_eq!(statuses(&mut u), vec![200]);
    assert!(events(&mut u).is_empty());
    // A BYE for a call that never was: 481.
    u.handle_datagram(t, caller(), &req("BYE", "nope", "bye2", 2, Some("x"), ""));
    assert_eq!(statuses(&mut u), vec![481]);
    // ... or with the wrong tag.
    u.handle_datagram(t, caller(), &req("BYE", "c1", "bye3", 3, Some("wrong"), ""));
    assert_eq!(statuses(&mut u), vec![481]);
    assert_eq!(u.counters().no_such_call, 2);
    // The finished call is forgotten after 64·T1: a late INVITE copy started nothing meanwhile.
    u.handle_datagram(t + T1, caller(), &invite("c1"));
    assert!(events(&mut u).is_empty());
    u.handle_timeout(t + T1 * 65);
    assert_eq!(u.poll_timeout(), None);
}

#[test]
fn our_bye_is_retransmitted_until_answered_and_given_up_after_64_t1() {
    let mut u = uas();
    let t = Instant::now();
    let (call, tag) = confirmed(&mut u, t, "c1");
    u.hang_up(t, call);
    let msgs = sent(&mut u);
    let (to, Message::Request(bye)) = &msgs[0] else {
        panic!("{msgs:?}")
    };
    assert_eq!(*to, caller(), "the Contact's address");
    assert_eq!(bye.method, Method::Bye);
    assert_eq!(bye.uri, "sip:tester@127.0.0.1:5070");
    assert_eq!(bye.common.from_tag(), Some(tag.as_str()));
    assert_eq!(bye.common.to_tag(), Some("caller"));
    assert_eq!(bye.common.cseq, 1);
    // Retransmitted at T1.
    u.handle_timeout(t + T1);
    assert_eq!(sent(&mut u).len(), 1);
    // A 200 for it ends the call.
    let ok = ResponseBuilder::new(200, &bye.common).build();
    u.handle_datagram(t + T1, caller(), &ok);
    assert_eq!(
        events(&mut u),
        vec![Event::Ended {
            call,
            reason: EndReason::HungUp
        }]
    );
    // Unanswered: given up (bounded) with ByeTimeout.
    let (call, _) = confirmed(&mut u, t, "c2");
    u.hang_up(t, call);
    let mut n = 0;
    while let Some(next) = u.poll_timeout() {
        if next > t + Duration::from_secs(40) {
            break;
        }
        u.handle_timeout(next);
        n += sent(&mut u).len();
    }
    assert!((7..=12).contains(&n), "{n} retransmissions");
    assert!(events(&mut u).contains(&Event::Ended {
        call,
        reason: EndReason::ByeTimeout
    }));
    // A stray response matches nothing.
    u.handle_datagram(t, caller(), &ok);
    assert_eq!(u.counters().stray, 1);
}

#[test]
fn hang_up_before_the_ack_waits_for_it() {
    let mut u = uas();
    let t = Instant::now();
    let (call, tag) = offered(&mut u, t, "c1");
    u.accept(t, call, RTP.parse().unwrap());
    sent(&mut u);
    u.hang_up(t, call);
    assert!(sent(&mut u).is_empty());
    u.handle_datagram(t, caller(), &req("ACK", "c1", "ack", 1, Some(&tag), ""));
    let msgs = sent(&mut u);
    assert!(matches!(&msgs[..], [(_, Message::Request(r))] if r.method == Method::Bye));
}

#[test]
fn cancel_gets_200_and_the_invite_487_which_waits_for_its_ack() {
    let mut u = uas();
    let t = Instant::now();
    let (call, _) = offered(&mut u, t, "c1");
    u.handle_datagram(t, caller(), &req("CANCEL", "c1", "inv", 1, None, ""));
    assert_eq!(statuses(&mut u), vec![200, 487]);
    assert_eq!(
        events(&mut u),
        vec![Event::Ended {
            call,
            reason: EndReason::Cancelled
        }]
    );
    // The 487 is retransmitted until the ACK (same branch as the INVITE).
    u.handle_timeout(t + T1);
    assert_eq!(statuses(&mut u), vec![487]);
    u.handle_datagram(t + T1, caller(), &req("ACK", "c1", "inv", 1, Some("x"), ""));
    u.handle_timeout(t + T1 * 10);
    assert!(statuses(&mut u).is_empty());
    // A CANCEL that matches no INVITE: 481.
    u.handle_datagram(t, caller(), &req("CANCEL", "zzz", "other", 1, None, ""));
    assert_eq!(statuses(&mut u), vec![481]);
    // A CANCEL after the 200: 200, and the call goes on.
    let (call, _) = confirmed(&mut u, t, "c2");
    u.handle_datagram(t, caller(), &req("CANCEL", "c2", "inv", 1, None, ""));
    assert_eq!(statuses(&mut u), vec![200]);
    assert!(events(&mut u).is_empty());
    assert_eq!(u.active_calls(), 1);
    let _ = call;
}

#[test]
fn options_gets_200_with_allow() {
    let mut u = uas();
    let t = Instant::now();
    u.handle_datagram(t, caller(), &req("OPTIONS", "o1", "opt", 1, None, ""));
    let raw = String::from_utf8(u.poll_transmit().unwrap().data).unwrap();
    assert!(raw.starts_with("SIP/2.0 200 OK\r\n"), "{raw}");
    assert!(raw.contains(&format!("Allow: {ALLOW}\r\n")), "{raw}");
}

#[test]
fn reinvite_is_refused_and_the_call_goes_on() {
    let mut u = uas();
    let t = Instant::now();
    // Before the ACK: 491.
    let (call, tag) = offered(&mut u, t, "c1");
    u.accept(t, call, RTP.parse().unwrap());
    sent(&mut u);
    u.handle_datagram(t, caller(), &req("INVITE", "c1", "re1", 2, Some(&tag), SDP));
    assert_eq!(statuses(&mut u), vec![491]);
    u.handle_datagram(t, caller(), &req("ACK", "c1", "ack", 1, Some(&tag), ""));
    assert_eq!(events(&mut u), vec![Event::Confirmed { call }]);
    // After: 488 with a Warning; its ACK is absorbed; the call is still up.
    u.handle_datagram(t, caller(), &req("INVITE", "c1", "re2", 3, Some(&tag), SDP));
    let raw = String::from_utf8(u.poll_transmit().unwrap().data).unwrap();
    assert!(raw.starts_with("SIP/2.0 488 Not Acceptable Here"), "{raw}");
    assert!(raw.contains("Warning: 399 fcstream"), "{raw}");
    u.handle_datagram(t, caller(), &req("ACK", "c1", "re2", 3, Some(&tag), ""));
    assert!(events(&mut u).is_empty());
    assert_eq!(u.active_calls(), 1);
    // For no dialog: 481.
    u.handle_datagram(
        t,
        caller(),
        &req("INVITE", "c1", "re3", 4, Some("bad"), SDP),
    );
    assert_eq!(statuses(&mut u), vec![481]);
}

#[test]
fn other_methods_get_405_or_501() {
    let mut u = uas();
    let t = Instant::now();
    for m in [
        "REGISTER",
        "INFO",
        "MESSAGE",
        "SUBSCRIBE",
        "NOTIFY",
        "REFER",
        "UPDATE",
        "PRACK",
        "PUBLISH",
    ] {
        u.handle_datagram(t, caller(), &req(m, "x", m, 1, None, ""));
        let raw = String::from_utf8(u.poll_transmit().unwrap().data).unwrap();
        assert!(
            raw.starts_with("SIP/2.0 405 Method Not Allowed"),
            "{m}: {raw}"
        );
        assert!(raw.contains("Allow: INVITE"), "{raw}");
    }
    u.handle_datagram(t, caller(), &req("FROB", "x", "f", 1, None, ""));
    assert_eq!(statuses(&mut u), vec![501]);
}

#[test]
fn offers_without_pcmu_or_sdp_are_refused() {
    let mut u = uas();
    let t = Instant::now();
    let opus = SDP
        .replace("RTP/AVP 0 101", "RTP/AVP 96")
        .replace("a=rtpmap:0 PCMU/8000", "a=rtpmap:96 opus/48000/2");
    u.handle_datagram(t, caller(), &req("INVITE", "c1", "i1", 1, None, &opus));
    let raw = String::from_utf8(u.poll_transmit().unwrap().data).unwrap();
    assert!(raw.starts_with("SIP/2.0 488"), "{raw}");
    assert!(raw.contains("Warning: 305 fcstream"), "{raw}");
    // Its retransmission gets the same answer, and its ACK is absorbed.
    u.handle_datagram(t, caller(), &req("INVITE", "c1", "i1", 1, None, &opus));
    assert_eq!(statuses(&mut u), vec![488]);
    u.handle_datagram(t, caller(), &req("ACK", "c1", "i1", 1, Some("t"), ""));
    // No body (a delayed offer): 488.
    u.handle_datagram(t, caller(), &req("INVITE", "c2", "i2", 1, None, ""));
    assert_eq!(statuses(&mut u), vec![488]);
    // A body that is not SDP: 415.
    let mut other = String::from_utf8(req("INVITE", "c3", "i3", 1, None, SDP)).unwrap();
    other = other.replace("application/sdp", "text/plain");
    u.handle_datagram(t, caller(), other.as_bytes());
    assert_eq!(statuses(&mut u), vec![415]);
    assert!(events(&mut u).is_empty());
    assert_eq!(u.counters().calls_refused_media, 3);
    assert_eq!(u.active_calls(), 0);
}

#[test]
fn malformed_requests_get_400_or_are_dropped_and_counted() {
    let mut u = uas();
    let t = Instant::now();
    let bad = String::from_utf8(invite("c1"))
        .unwrap()
        .replace("CSeq: 1 INVITE", "CSeq: 1 BYE");
    u.handle_datagram(t, caller(), bad.as_bytes());
    let res = last_response(&mut u);
    assert_eq!(res.status, 400);
    assert_eq!(res.common.call_id, "c1");
    u.handle_datagram(t, caller(), b"\x00\x01garbage");
    u.handle_datagram(t, caller(), b"SIP/2.0 200 OK\r\n\r\n");
    assert!(u.poll_transmit().is_none());
    assert_eq!(u.counters().malformed_answered, 1);
    assert_eq!(u.counters().malformed_dropped, 2);
    // The UAS carries on.
    offered(&mut u, t, "c2");
}

#[test]
fn limits_extensions_and_hops() {
    let mut u = Uas::new(Config {
        max_calls: 1,
        ..Config::new("127.0.0.1:5060".parse().unwrap())
    });
    let t = Instant::now();
    offered(&mut u, t, "c1");
    u.handle_datagram(t, caller(), &req("INVITE", "c2", "i2", 1, None, SDP));
    let raw = String::from_utf8(u.poll_transmit().unwrap().data).unwrap();
    assert!(raw.starts_with("SIP/2.0 503"), "{raw}");
    assert!(raw.contains("Retry-After: 5"), "{raw}");
    assert_eq!(u.counters().calls_refused_busy, 1);

    let mut u = uas();
    let with_require = String::from_utf8(invite("c3")).unwrap().replace(
        "Max-Forwards: 70\r\n",
        "Max-Forwards: 70\r\nRequire: 100rel\r\n",
    );
    u.handle_datagram(t, caller(), with_require.as_bytes());
    let raw = String::from_utf8(u.poll_transmit().unwrap().data).unwrap();
    assert!(raw.starts_with("SIP/2.0 420"), "{raw}");
    assert!(raw.contains("Unsupported: 100rel"), "{raw}");
    let hops = String::from_utf8(invite("c4"))
        .unwrap()
        .replace("Max-Forwards: 70", "Max-Forwards: 0");
    u.handle_datagram(t, caller(), hops.as_bytes());
    assert_eq!(statuses(&mut u), vec![483]);
}

#[test]
fn reject_and_hang_up_before_the_answer() {
    let mut u = uas();
    let t = Instant::now();
    let (call, _) = offered(&mut u, t, "c1");
    assert!(u.reject(t, call, 503));
    assert_eq!(statuses(&mut u), vec![503]);
    assert!(
        !u.accept(t, call, RTP.parse().unwrap()),
        "a refused call cannot be answered"
    );
    let (call, _) = offered(&mut u, t, "c2");
    u.hang_up(t, call);
    assert_eq!(statuses(&mut u), vec![480]);
    // The caller's BYE in the early dialog (after 180): 200 and 487.
    let (call, tag) = offered(&mut u, t, "c3");
    u.handle_datagram(t, caller(), &req("BYE", "c3", "b", 2, Some(&tag), ""));
    assert_eq!(statuses(&mut u), vec![200, 487]);
    assert_eq!(
        events(&mut u),
        vec![Event::Ended {
            call,
            reason: EndReason::CallerBye
        }]
    );
}

#[test]
fn the_response_cache_is_bounded() {
    let mut u = Uas::new(Config {
        max_cached_responses: 4,
        ..Config::new("127.0.0.1:5060".parse().unwrap())
    });
    let t = Instant::now();
    for i in 0..50 {
        u.handle_datagram(
            t,
            caller(),
            &req("OPTIONS", &format!("o{i}"), &format!("b{i}"), 1, None, ""),
        );
    }
    assert!(u.cache.len() <= 4);
    assert!(u.cache_order.len() <= 4);
}

#[test]
fn uri_addresses() {
    assert_eq!(
        socket_of_uri("sip:u@1.2.3.4:5070;transport=udp"),
        Some("1.2.3.4:5070".parse().unwrap())
    );
    assert_eq!(
        socket_of_uri("sip:1.2.3.4"),
        Some("1.2.3.4:5060".parse().unwrap())
    );
    assert_eq!(
        socket_of_uri("sip:u@[::1]:5070"),
        Some("[::1]:5070".parse().unwrap())
    );
    assert_eq!(socket_of_uri("sip:u@example.com"), None);
}
