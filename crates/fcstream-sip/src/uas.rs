//! The SIP user agent server, sans I/O: datagrams and `now` in, datagrams to send and call
//! events out (the quinn-proto shape: [`Uas::handle_datagram`], [`Uas::handle_timeout`],
//! then [`Uas::poll_transmit`], [`Uas::poll_event`], [`Uas::poll_timeout`]). It holds no
//! socket, task or clock; `crate::server` is its I/O.
//!
//! What it does, per RFC 3261 over UDP:
//! - **INVITE** with an SDP offer: `100 Trying`, `180 Ringing` and [`Event::Offered`]; the
//!   front door then [`Uas::accept`]s (`200 OK` with the SDP answer, retransmitted T1, 2·T1,
//!   … T2 until the ACK; no ACK in 64·T1 ends the call with a BYE) or [`Uas::reject`]s. A
//!   retransmitted INVITE gets the last response again.
//! - **ACK** confirms (`Event::Confirmed`), or absorbs a final non-2xx.
//! - **BYE** from the caller: `200` and `Event::Ended(CallerBye)`; from us
//!   ([`Uas::hang_up`]): retransmitted (Timer E) until a final response, given up after 64·T1
//!   (Timer F).
//! - **CANCEL** of a pending INVITE: `200` to the CANCEL, `487` to the INVITE.
//! - **OPTIONS**: `200` with `Allow`.
//! - **re-INVITE**: refused politely, the session unchanged: `491 Request Pending` before
//!   the first ACK (RFC 3261 §14.2), `488 Not Acceptable Here` with a `Warning` after.
//! - Other methods: `405` (SIP methods not served here, with `Allow`) or `501` (methods it
//!   does not know).
//! - No PCMU in the offer, no offer, or a non-SDP body: `488` / `415`; `Require`d extensions:
//!   `420`; too many calls: `503` with `Retry-After`; `Max-Forwards: 0`: `483`; malformed
//!   requests: `400` when the headers for a response are there, else dropped; both counted.
//! - Responses to non-INVITE requests are kept 64·T1 (bounded) and sent again for a
//!   retransmitted request; a finished call is kept as long, so that late retransmissions
//!   of its INVITE do not start a new one.

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use crate::sdp::{self, Negotiated};
use crate::sip::{self, Common, Malformed, Message, Method, Request, ResponseBuilder};

/// RFC 3261 T1: the round-trip estimate.
pub const T1: Duration = Duration::from_millis(500);
/// RFC 3261 T2: the longest retransmission interval.
pub const T2: Duration = Duration::from_secs(4);

/// The methods this UAS serves (the `Allow` header).
pub const ALLOW: &str = "INVITE, ACK, BYE, CANCEL, OPTIONS";

/// A call's handle (unique for the life of the [`Uas`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CallHandle(pub u64);

/// Settings.
#[derive(Debug, Clone)]
pub struct Config {
    /// Our SIP address, as written in `Via` and `Contact`.
    pub local: SocketAddr,
    /// Calls at once; more are refused `503`.
    pub max_calls: usize,
    /// T1.
    pub t1: Duration,
    /// T2.
    pub t2: Duration,
    /// Responses to non-INVITE requests remembered for retransmissions (oldest forgotten).
    pub max_cached_responses: usize,
    /// Datagrams waiting to be sent (more are dropped and counted).
    pub max_transmits: usize,
}

impl Config {
    /// Defaults (RFC 3261 timers, 100 calls) at `local`.
    pub fn new(local: SocketAddr) -> Self {
        Self {
            local,
            max_calls: 100,
            t1: T1,
            t2: T2,
            max_cached_responses: 4096,
            max_transmits: 4096,
        }
    }

    /// 64·T1: how long a transaction lives.
    fn timer_64t1(&self) -> Duration {
        self.t1 * 64
    }
}

/// A datagram to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transmit {
    /// Where.
    pub to: SocketAddr,
    /// The datagram.
    pub data: Vec<u8>,
}

/// A call being offered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offer {
    /// The SIP `Call-ID`.
    pub call_id: String,
    /// The caller: the user part of the `From` URI (`+15550100`), or the whole URI.
    pub from: String,
    /// Who was called: the user part of the Request-URI.
    pub to: String,
    /// Where the INVITE came from.
    pub source: SocketAddr,
    /// The media agreed.
    pub negotiated: Negotiated,
}

/// Why a call ended on the SIP side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndReason {
    /// The caller sent BYE.
    CallerBye,
    /// The caller cancelled the INVITE before it was answered.
    Cancelled,
    /// Our 200 OK was never acknowledged (a BYE was sent).
    NoAck,
    /// Our BYE was answered.
    HungUp,
    /// Our BYE was never answered (given up after 64·T1).
    ByeTimeout,
}

/// What the front door must act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// A new call: [`Uas::accept`] or [`Uas::reject`] it.
    Offered {
        /// Its handle.
        call: CallHandle,
        /// What was offered.
        offer: Offer,
    },
    /// The caller's ACK arrived: the call is confirmed.
    Confirmed {
        /// Which.
        call: CallHandle,
    },
    /// The call is over on the SIP side.
    Ended {
        /// Which.
        call: CallHandle,
        /// Why.
        reason: EndReason,
    },
}

/// What the UAS counted.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct UasCounters {
    /// Requests read.
    pub requests: u64,
    /// Responses read.
    pub responses: u64,
    /// Malformed requests answered `400`/`501`.
    pub malformed_answered: u64,
    /// Malformed datagrams dropped (no response possible).
    pub malformed_dropped: u64,
    /// Retransmitted requests answered from memory.
    pub retransmissions_absorbed: u64,
    /// Our own retransmissions (2xx, final non-2xx, BYE).
    pub retransmits_sent: u64,
    /// Calls offered to the front door.
    pub calls_offered: u64,
    /// INVITEs refused for want of room (`503`).
    pub calls_refused_busy: u64,
    /// INVITEs refused for their offer (`415`, `488`).
    pub calls_refused_media: u64,
    /// Requests for no known dialog or transaction (`481`).
    pub no_such_call: u64,
    /// Responses and ACKs that matched nothing.
    pub stray: u64,
    /// Datagrams not sent because too many were waiting.
    pub transmits_dropped: u64,
}

/// Where a call is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// 180 sent; waiting for the front door.
    Offered,
    /// 200 sent; waiting for the ACK.
    Answered,
    /// ACKed.
    Confirmed,
    /// A final non-2xx sent; waiting for the ACK.
    Rejected,
    /// Our BYE sent; waiting for its response.
    Closing,
    /// Over; kept until `linger` to absorb retransmissions.
    Done,
}

/// A message we retransmit until something stops it.
#[derive(Debug, Clone)]
struct Retransmit {
    /// The datagram.
    data: Vec<u8>,
    /// Where.
    to: SocketAddr,
    /// When next.
    next: Instant,
    /// The interval after that.
    interval: Duration,
    /// When to give up.
    give_up: Instant,
}

impl Retransmit {
    /// RFC 3261's schedule for a datagram sent now over UDP: again after T1, the interval
    /// doubling up to T2, given up after 64·T1 (Timers A/B, E/F and G/H alike).
    fn start(data: Vec<u8>, to: SocketAddr, now: Instant, config: &Config) -> Self {
        Self {
            data,
            to,
            next: now + config.t1,
            interval: (config.t1 * 2).min(config.t2),
            give_up: now + config.timer_64t1(),
        }
    }
}

/// One call (dialog plus its INVITE server transaction).
#[derive(Debug)]
struct Leg {
    /// `Call-ID`.
    call_id: String,
    /// Our To tag.
    local_tag: String,
    /// Where the INVITE came from (responses go back there, as with `rport`).
    source: SocketAddr,
    /// Where our in-dialog requests go (the Contact, when it is an IP address).
    target: SocketAddr,
    /// The Request-URI of our in-dialog requests (the caller's Contact).
    remote_uri: String,
    /// The route set (Record-Route).
    route: Vec<String>,
    /// The INVITE's common headers.
    invite: Common,
    /// The media agreed.
    negotiated: Negotiated,
    /// Where it is.
    state: State,
    /// The last response to the INVITE (for its retransmissions).
    last_response: Vec<u8>,
    /// What we are retransmitting.
    retransmit: Option<Retransmit>,
    /// Our CSeq for in-dialog requests.
    local_cseq: u32,
    /// The branch of our BYE.
    bye_branch: Option<String>,
    /// A BYE to send once the ACK comes (hang-up before the ACK).
    bye_pending: bool,
    /// When a finished call is forgotten.
    linger: Option<Instant>,
}

/// A remembered response to a non-INVITE request (or an early INVITE refusal).
#[derive(Debug)]
struct Cached {
    /// The datagram.
    data: Vec<u8>,
    /// Where it went.
    to: SocketAddr,
}

/// The user agent server.
#[derive(Debug)]
pub struct Uas {
    /// Settings.
    config: Config,
    /// Every call, live or lingering.
    legs: HashMap<CallHandle, Leg>,
    /// Calls by (Call-ID, caller's tag).
    by_dialog: HashMap<(String, String), CallHandle>,
    /// Responses by (branch, method, Call-ID).
    cache: HashMap<(String, &'static str, String), Cached>,
    /// The cache's keys in insertion order, with their expiry.
    cache_order: VecDeque<(Instant, (String, &'static str, String))>,
    /// To send.
    transmits: VecDeque<Transmit>,
    /// For the front door.
    events: VecDeque<Event>,
    /// Next handle.
    next_handle: u64,
    /// Counts.
    counters: UasCounters,
}

impl Uas {
    /// A UAS with `config`.
    pub fn new(config: Config) -> Self {
        Self {
            config,
            legs: HashMap::new(),
            by_dialog: HashMap::new(),
            cache: HashMap::new(),
            cache_order: VecDeque::new(),
            transmits: VecDeque::new(),
            events: VecDeque::new(),
            next_handle: 1,
            counters: UasCounters::default(),
        }
    }

    /// What was counted.
    pub fn counters(&self) -> UasCounters {
        self.counters
    }

    /// Calls not yet over on the SIP side.
    pub fn active_calls(&self) -> usize {
        self.legs
            .values()
            .filter(|l| !matches!(l.state, State::Done | State::Rejected))
            .count()
    }

    /// The next datagram to send.
    pub fn poll_transmit(&mut self) -> Option<Transmit> {
        self.transmits.pop_front()
    }

    /// The next event.
    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    /// When [`Self::handle_timeout`] is due next.
    pub fn poll_timeout(&self) -> Option<Instant> {
        let legs = self.legs.values().filter_map(|l| {
            match (
                l.retransmit.as_ref().map(|r| r.next.min(r.give_up)),
                l.linger,
            ) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            }
        });
        let cache = self.cache_order.front().map(|(t, _)| *t);
        legs.chain(cache).min()
    }

    /// Takes one datagram from `from`.
    pub fn handle_datagram(&mut self, now: Instant, from: SocketAddr, data: &[u8]) {
        match sip::parse(data) {
            Err(Malformed { reply, reason }) => match reply {
                Some(reply) => {
                    tracing::debug!(%from, %reason, status = reply.status, "malformed SIP answered");
                    self.counters.malformed_answered += 1;
                    let data = ResponseBuilder::new(reply.status, &reply.common)
                        .to_tag(&new_tag())
                        .header("Allow", ALLOW)
                        .header("Warning", format!("399 fcstream \"{}\"", quote(&reason)))
                        .build();
                    self.send(from, data);
                }
                None => {
                    tracing::debug!(%from, %reason, "malformed SIP dropped");
                    self.counters.malformed_dropped += 1;
                }
            },
            Ok(Message::Response(r)) => {
                self.counters.responses += 1;
                self.on_response(now, r.status, &r.common);
            }
            Ok(Message::Request(r)) => {
                self.counters.requests += 1;
                self.on_request(now, from, &r);
            }
        }
    }

    /// Runs the timers due at `now`.
    pub fn handle_timeout(&mut self, now: Instant) {
        while let Some((at, _)) = self.cache_order.front() {
            if *at > now {
                break;
            }
            if let Some((_, key)) = self.cache_order.pop_front() {
                self.cache.remove(&key);
            }
        }
        let due: Vec<CallHandle> = self
            .legs
            .iter()
            .filter(|(_, l)| {
                l.retransmit
                    .as_ref()
                    .is_some_and(|r| r.next <= now || r.give_up <= now)
                    || l.linger.is_some_and(|t| t <= now)
            })
            .map(|(h, _)| *h)
            .collect();
        for call in due {
            self.leg_timeout(now, call);
        }
    }

    /// Answers an offered call: `200 OK` with the SDP answer for media at `local_rtp`.
    pub fn accept(&mut self, now: Instant, call: CallHandle, local_rtp: SocketAddr) -> bool {
        let contact = self.contact();
        let Some(leg) = self.legs.get_mut(&call) else {
            return false;
        };
        if leg.state != State::Offered {
            return false;
        }
        let answer = sdp::answer(&leg.negotiated, local_rtp, call.0);
        let data = ResponseBuilder::new(200, &leg.invite)
            .to_tag(&leg.local_tag)
            .header("Contact", contact)
            .header("Allow", ALLOW)
            .body("application/sdp", answer)
            .build();
        leg.state = State::Answered;
        self.send_final(now, call, data);
        true
    }

    /// Refuses an offered call with `status` (a 3xx-6xx).
    pub fn reject(&mut self, now: Instant, call: CallHandle, status: u16) -> bool {
        let Some(leg) = self.legs.get(&call) else {
            return false;
        };
        if leg.state != State::Offered {
            return false;
        }
        self.final_non_2xx(now, call, status);
        true
    }

    /// Ends a call from our side: BYE once answered (after the ACK), `480` before.
    pub fn hang_up(&mut self, now: Instant, call: CallHandle) {
        let Some(leg) = self.legs.get_mut(&call) else {
            return;
        };
        match leg.state {
            State::Offered => self.final_non_2xx(now, call, 480),
            State::Answered => leg.bye_pending = true,
            State::Confirmed => self.send_bye(now, call),
            State::Rejected | State::Closing | State::Done => {}
        }
    }

    fn contact(&self) -> String {
        format!("<sip:fcstream@{}>", self.config.local)
    }

    fn on_request(&mut self, now: Instant, from: SocketAddr, r: &Request) {
        if r.method != Method::Ack {
            if let Some(c) = r
                .common
                .branch()
                .and_then(|b| {
                    self.cache
                        .get(&(b.to_string(), r.method.as_str(), r.common.call_id.clone()))
                })
                .map(|c| Transmit {
                    to: c.to,
                    data: c.data.clone(),
                })
            {
                self.counters.retransmissions_absorbed += 1;
                self.send(c.to, c.data);
                return;
            }
            if r.max_forwards == Some(0) {
                self.respond_cached(now, from, r, ResponseBuilder::new(483, &r.common));
                return;
            }
        }
        match r.method {
            Method::Invite if r.common.to_tag().is_some() => self.on_reinvite(now, from, r),
            Method::Invite => self.on_invite(now, from, r),
            Method::Ack => self.on_ack(now, r),
            Method::Bye => self.on_bye(now, from, r),
            Method::Cancel => self.on_cancel(now, from, r),
            Method::Options => {
                let res = ResponseBuilder::new(200, &r.common)
                    .to_tag(&new_tag())
                    .header("Allow", ALLOW)
                    .header("Accept", "application/sdp");
                self.respond_cached(now, from, r, res);
            }
            Method::Other(_) => {
                let res = ResponseBuilder::new(405, &r.common).header("Allow", ALLOW);
                self.respond_cached(now, from, r, res);
            }
        }
    }

    fn on_invite(&mut self, now: Instant, from: SocketAddr, r: &Request) {
        let Some(from_tag) = r.common.from_tag() else {
            let res = ResponseBuilder::new(400, &r.common)
                .header("Warning", "399 fcstream \"From has no tag\"");
            self.respond_cached(now, from, r, res);
            return;
        };
        let key = (r.common.call_id.clone(), from_tag.to_string());
        if let Some(leg) = self.by_dialog.get(&key).and_then(|h| self.legs.get(h)) {
            // A retransmission (or a late copy after the call): the last response again,
            // while its transaction lives.
            self.counters.retransmissions_absorbed += 1;
            if leg.state != State::Done && leg.invite.cseq == r.common.cseq {
                let (to, data) = (leg.source, leg.last_response.clone());
                self.send(to, data);
            }
            return;
        }
        if self.active_calls() >= self.config.max_calls {
            self.counters.calls_refused_busy += 1;
            let res = ResponseBuilder::new(503, &r.common).header("Retry-After", "5");
            self.respond_cached(now, from, r, res);
            return;
        }
        if !r.require.is_empty() {
            let res =
                ResponseBuilder::new(420, &r.common).header("Unsupported", r.require.join(", "));
            self.respond_cached(now, from, r, res);
            return;
        }
        let refuse = |status, warning: String| {
            ResponseBuilder::new(status, &r.common)
                .header("Accept", "application/sdp")
                .header("Warning", warning)
        };
        if r.body.is_empty() {
            self.counters.calls_refused_media += 1;
            let res = refuse(
                488,
                "399 fcstream \"an SDP offer in the INVITE is required\"".into(),
            );
            self.respond_cached(now, from, r, res);
            return;
        }
        if r.content_type.as_deref() != Some("application/sdp") {
            self.counters.calls_refused_media += 1;
            let res = refuse(
                415,
                "399 fcstream \"the offer must be application/sdp\"".into(),
            );
            self.respond_cached(now, from, r, res);
            return;
        }
        let negotiated = match sdp::negotiate(&r.body) {
            Ok(n) => n,
            Err(e) => {
                self.counters.calls_refused_media += 1;
                let code = match e {
                    sdp::OfferError::NoPcmu => 305,
                    _ => 304,
                };
                let res = refuse(
                    488,
                    format!("{code} fcstream \"{}\"", quote(&e.to_string())),
                );
                self.respond_cached(now, from, r, res);
                return;
            }
        };
        let call = CallHandle(self.next_handle);
        self.next_handle += 1;
        let remote_uri = r
            .contact
            .clone()
            .unwrap_or_else(|| sip::uri_of(&r.common.from).to_string());
        let target = socket_of_uri(&remote_uri).unwrap_or(from);
        let local_tag = new_tag();
        let trying = ResponseBuilder::new(100, &r.common).build();
        let ringing = ResponseBuilder::new(180, &r.common)
            .to_tag(&local_tag)
            .header("Contact", self.contact())
            .build();
        let offer = Offer {
            call_id: r.common.call_id.clone(),
            from: sip::user_of(sip::uri_of(&r.common.from)).to_string(),
            to: sip::user_of(&r.uri).to_string(),
            source: from,
            negotiated: negotiated.clone(),
        };
        self.legs.insert(
            call,
            Leg {
                call_id: r.common.call_id.clone(),
                local_tag,
                source: from,
                target,
                remote_uri,
                route: r.record_route.clone(),
                invite: r.common.clone(),
                negotiated,
                state: State::Offered,
                last_response: ringing.clone(),
                retransmit: None,
                local_cseq: 0,
                bye_branch: None,
                bye_pending: false,
                linger: None,
            },
        );
        self.by_dialog.insert(key, call);
        self.send(from, trying);
        self.send(from, ringing);
        self.counters.calls_offered += 1;
        self.events.push_back(Event::Offered { call, offer });
    }

    fn on_reinvite(&mut self, now: Instant, from: SocketAddr, r: &Request) {
        let leg = self.find_in_dialog(r).and_then(|h| self.legs.get(&h));
        let res = match leg.map(|l| l.state) {
            Some(State::Answered) => {
                ResponseBuilder::new(491, &r.common).header("Retry-After", "1")
            }
            Some(State::Confirmed) => ResponseBuilder::new(488, &r.common).header(
                "Warning",
                "399 fcstream \"re-INVITE is not supported; the session is unchanged\"",
            ),
            _ => {
                self.counters.no_such_call += 1;
                ResponseBuilder::new(481, &r.common)
            }
        };
        self.respond_cached(now, from, r, res);
    }

    fn on_ack(&mut self, now: Instant, r: &Request) {
        let Some(call) = r
            .common
            .from_tag()
            .and_then(|t| {
                self.by_dialog
                    .get(&(r.common.call_id.clone(), t.to_string()))
            })
            .copied()
        else {
            self.counters.stray += 1;
            return;
        };
        let Some(leg) = self.legs.get_mut(&call) else {
            return;
        };
        if leg.invite.cseq != r.common.cseq {
            // The ACK of a refused re-INVITE.
            return;
        }
        match leg.state {
            State::Answered => {
                leg.state = State::Confirmed;
                leg.retransmit = None;
                let pending = leg.bye_pending;
                self.events.push_back(Event::Confirmed { call });
                if pending {
                    self.send_bye(now, call);
                }
            }
            State::Rejected => {
                leg.retransmit = None;
                self.finish(now, call);
            }
            _ => self.counters.retransmissions_absorbed += 1,
        }
    }

    fn on_bye(&mut self, now: Instant, from: SocketAddr, r: &Request) {
        let found = self.find_in_dialog(r);
        let state = found.and_then(|h| self.legs.get(&h)).map(|l| l.state);
        match (found, state) {
            (Some(call), Some(State::Answered | State::Confirmed | State::Closing)) => {
                self.respond_cached(now, from, r, ResponseBuilder::new(200, &r.common));
                self.finish(now, call);
                self.events.push_back(Event::Ended {
                    call,
                    reason: EndReason::CallerBye,
                });
            }
            (Some(call), Some(State::Offered)) => {
                // The caller ends its early dialog.
                self.respond_cached(now, from, r, ResponseBuilder::new(200, &r.common));
                self.final_non_2xx(now, call, 487);
                self.events.push_back(Event::Ended {
                    call,
                    reason: EndReason::CallerBye,
                });
            }
            _ => {
                self.counters.no_such_call += 1;
                self.respond_cached(now, from, r, ResponseBuilder::new(481, &r.common));
            }
        }
    }

    fn on_cancel(&mut self, now: Instant, from: SocketAddr, r: &Request) {
        let found = r
            .common
            .from_tag()
            .and_then(|t| {
                self.by_dialog
                    .get(&(r.common.call_id.clone(), t.to_string()))
            })
            .copied()
            .filter(|h| {
                self.legs.get(h).is_some_and(|l| {
                    l.invite.cseq == r.common.cseq && l.invite.branch() == r.common.branch()
                })
            });
        let Some(call) = found else {
            self.counters.no_such_call += 1;
            self.respond_cached(now, from, r, ResponseBuilder::new(481, &r.common));
            return;
        };
        let state = self.legs.get(&call).map(|l| l.state);
        // The CANCEL's 200 carries the tag the INVITE's responses carry.
        let tag = self
            .legs
            .get(&call)
            .map(|l| l.local_tag.clone())
            .unwrap_or_default();
        self.respond_cached(
            now,
            from,
            r,
            ResponseBuilder::new(200, &r.common).to_tag(&tag),
        );
        if state == Some(State::Offered) {
            self.final_non_2xx(now, call, 487);
            self.events.push_back(Event::Ended {
                call,
                reason: EndReason::Cancelled,
            });
        }
    }

    fn on_response(&mut self, now: Instant, status: u16, common: &Common) {
        let branch = common.branch();
        let found = self
            .legs
            .iter()
            .find(|(_, l)| l.bye_branch.is_some() && l.bye_branch.as_deref() == branch)
            .map(|(h, l)| (*h, l.state));
        match found {
            Some((call, State::Closing)) if common.cseq_method.eq_ignore_ascii_case("BYE") => {
                if status >= 200 {
                    self.finish(now, call);
                    self.events.push_back(Event::Ended {
                        call,
                        reason: EndReason::HungUp,
                    });
                } else if let Some(r) = self.legs.get_mut(&call).and_then(|l| l.retransmit.as_mut())
                {
                    // Provisional: keep retransmitting, at T2 (RFC 3261 §17.1.2.2).
                    r.interval = self.config.t2;
                }
            }
            _ => self.counters.stray += 1,
        }
    }

    fn leg_timeout(&mut self, now: Instant, call: CallHandle) {
        let t2 = self.config.t2;
        let Some(leg) = self.legs.get_mut(&call) else {
            return;
        };
        if leg.linger.is_some_and(|t| t <= now) {
            self.legs.remove(&call);
            self.by_dialog.retain(|_, h| *h != call);
            return;
        }
        let Some(r) = leg.retransmit.as_mut() else {
            return;
        };
        if r.give_up <= now {
            leg.retransmit = None;
            match leg.state {
                State::Answered => {
                    // No ACK: the session ends with a BYE (RFC 3261 §13.3.1.4).
                    leg.state = State::Confirmed;
                    self.send_bye(now, call);
                    self.events.push_back(Event::Ended {
                        call,
                        reason: EndReason::NoAck,
                    });
                }
                State::Closing => {
                    self.finish(now, call);
                    self.events.push_back(Event::Ended {
                        call,
                        reason: EndReason::ByeTimeout,
                    });
                }
                _ => self.finish(now, call),
            }
            return;
        }
        if r.next <= now {
            let (to, data) = (r.to, r.data.clone());
            r.next = now + r.interval;
            r.interval = (r.interval * 2).min(t2);
            self.counters.retransmits_sent += 1;
            self.send(to, data);
        }
    }

    /// A final non-2xx to the INVITE of `call`, retransmitted (Timer G) until the ACK.
    fn final_non_2xx(&mut self, now: Instant, call: CallHandle, status: u16) {
        let Some(leg) = self.legs.get_mut(&call) else {
            return;
        };
        let data = ResponseBuilder::new(status, &leg.invite)
            .to_tag(&leg.local_tag)
            .build();
        leg.state = State::Rejected;
        self.send_final(now, call, data);
    }

    /// Sends the final response `data` to the INVITE of `call`, kept for the INVITE's
    /// retransmissions and itself retransmitted until the ACK (Timer G for a non-2xx, the
    /// 2xx's own schedule for a 200).
    fn send_final(&mut self, now: Instant, call: CallHandle, data: Vec<u8>) {
        let Some(leg) = self.legs.get_mut(&call) else {
            return;
        };
        leg.last_response = data.clone();
        leg.retransmit = Some(Retransmit::start(
            data.clone(),
            leg.source,
            now,
            &self.config,
        ));
        let to = leg.source;
        self.send(to, data);
    }

    fn send_bye(&mut self, now: Instant, call: CallHandle) {
        let sent_by = self.config.local.to_string();
        let Some(leg) = self.legs.get_mut(&call) else {
            return;
        };
        leg.local_cseq += 1;
        let branch = format!("z9hG4bK{}", new_tag());
        let from = format!("{};tag={}", leg.invite.to, leg.local_tag);
        let data = sip::RequestSpec {
            method: "BYE",
            uri: &leg.remote_uri,
            sent_by: &sent_by,
            branch: &branch,
            from: if leg.invite.to_tag().is_some() {
                &leg.invite.to
            } else {
                &from
            },
            to: &leg.invite.from,
            call_id: &leg.call_id,
            cseq: leg.local_cseq,
            route: &leg.route,
        }
        .build();
        leg.state = State::Closing;
        leg.bye_pending = false;
        leg.bye_branch = Some(branch);
        leg.retransmit = Some(Retransmit::start(
            data.clone(),
            leg.target,
            now,
            &self.config,
        ));
        let to = leg.target;
        self.send(to, data);
    }

    /// The call is over: keep it 64·T1 for late retransmissions, then forget it.
    fn finish(&mut self, now: Instant, call: CallHandle) {
        let linger = now + self.config.timer_64t1();
        if let Some(leg) = self.legs.get_mut(&call) {
            leg.state = State::Done;
            leg.linger = Some(linger);
            leg.retransmit = None;
        }
    }

    /// The call an in-dialog request is for (Call-ID, our tag in To, their tag in From).
    fn find_in_dialog(&self, r: &Request) -> Option<CallHandle> {
        let from_tag = r.common.from_tag()?;
        let to_tag = r.common.to_tag()?;
        let call = *self
            .by_dialog
            .get(&(r.common.call_id.clone(), from_tag.to_string()))?;
        let leg = self.legs.get(&call)?;
        (leg.local_tag == to_tag).then_some(call)
    }

    /// Sends a response and remembers it for retransmissions of `r`.
    fn respond_cached(&mut self, now: Instant, to: SocketAddr, r: &Request, res: ResponseBuilder) {
        let res = if r.common.to_tag().is_none() && r.method != Method::Cancel {
            res.to_tag(&new_tag())
        } else {
            res
        };
        let data = res.build();
        if let Some(branch) = r.common.branch() {
            if self.cache.len() >= self.config.max_cached_responses {
                if let Some((_, key)) = self.cache_order.pop_front() {
                    self.cache.remove(&key);
                }
            }
            let key = (
                branch.to_string(),
                r.method.as_str(),
                r.common.call_id.clone(),
            );
            self.cache_order
                .push_back((now + self.config.timer_64t1(), key.clone()));
            self.cache.insert(
                key,
                Cached {
                    data: data.clone(),
                    to,
                },
            );
        }
        self.send(to, data);
    }

    fn send(&mut self, to: SocketAddr, data: Vec<u8>) {
        if self.transmits.len() >= self.config.max_transmits {
            self.counters.transmits_dropped += 1;
            return;
        }
        self.transmits.push_back(Transmit { to, data });
    }
}

/// A random tag (also the body of branches).
fn new_tag() -> String {
    format!("{:016x}", fastrand::u64(..))
}

/// Text safe inside a quoted `Warning`.
fn quote(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_control() && *c != '"' && *c != '\\')
        .take(120)
        .collect()
}

/// The address of `sip:user@1.2.3.4:5070;...` when its host is an IP address.
fn socket_of_uri(uri: &str) -> Option<SocketAddr> {
    let rest = uri
        .strip_prefix("sip:")
        .or_else(|| uri.strip_prefix("sips:"))?;
    let host = rest.rsplit_once('@').map_or(rest, |(_, h)| h);
    let host = host.split([';', '?', '>']).next()?;
    if let Ok(addr) = host.parse::<SocketAddr>() {
        return Some(addr);
    }
    let ip = host.trim_start_matches('[').trim_end_matches(']');
    ip.parse().ok().map(|ip| SocketAddr::new(ip, 5060))
}

#[cfg(test)]
mod tests;
