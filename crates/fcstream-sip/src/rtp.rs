//! A call's RTP, sans I/O: the [`Receiver`] takes the caller's datagrams (from where the SDP
//! said, latched on the first; bounded against floods; reordered by the jitter buffer) and
//! gives back µ-law audio and key presses; the [`Sender`] makes one packet per 20 ms tick from
//! what the caller hears, and RFC 4733 packets for the app's keys.
//!
//! RTP headers are read and written by `rtp-rs` (a small, dependency-free RFC 3550 crate);
//! the rest (latching, flood bucket, pacing, events) is policy, here.

use std::collections::VecDeque;
use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

use rtp_rs::{RtpPacketBuilder, RtpReader, Seq};

use crate::jitter::{JitterBuffer, JitterCounters};
use crate::rfc4733::{self, EventPayload, Press};
use crate::sdp::PCMU;

/// Samples (and µ-law bytes) in one 20 ms PCMU packet.
pub const FRAME: usize = 160;
/// The packet interval.
pub const PTIME: Duration = Duration::from_millis(20);
/// The µ-law byte for silence.
pub const MULAW_SILENCE: u8 = 0xFF;
/// Comfort noise (RFC 3389): taken as nothing.
const CN: u8 = 13;

/// What the RTP side of a call counted.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct RtpCounters {
    /// Datagrams that arrived on the call's socket.
    pub received: u64,
    /// Datagrams from a source other than the SDP's address or the latched one (ignored).
    pub wrong_source: u64,
    /// Datagrams over the flood bucket (ignored).
    pub flood_dropped: u64,
    /// Datagrams that are not RTP (ignored).
    pub malformed: u64,
    /// Packets of a payload type that is neither PCMU nor the telephone-event one.
    pub other_payload: u64,
    /// Times the caller's SSRC changed.
    pub ssrc_changes: u64,
    /// Key presses received.
    pub keys_received: u64,
    /// The jitter buffer's counts.
    pub jitter: JitterCounters,
    /// Packets sent (audio and events).
    pub sent: u64,
    /// Telephone-event packets sent.
    pub events_sent: u64,
    /// Ticks that had no whole frame to send (a silence frame went instead).
    pub underruns: u64,
    /// Heard bytes dropped because too much was waiting (bounded delay).
    pub overflow_bytes: u64,
    /// App keys not sent out of band (the caller offered no telephone-event).
    pub keys_not_sent: u64,
}

/// What the caller sent, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Incoming {
    /// One packet's µ-law payload.
    Audio(Vec<u8>),
    /// A key press, finished.
    Press(Press),
    /// A key went down (its event began); its [`Incoming::Press`] comes when it ends.
    KeyDown(char),
}

/// The flood bound: a token bucket of packets.
#[derive(Debug)]
struct Bucket {
    /// Tokens now.
    tokens: f64,
    /// When they were counted.
    at: Option<Instant>,
}

impl Bucket {
    /// Burst allowance (packets): 2 s of a 20 ms stream.
    const CAPACITY: f64 = 100.0;
    /// Sustained rate (packets/s): a 20 ms stream and its events, with room for a 10 ms
    /// ptime.
    const RATE: f64 = 150.0;

    fn take(&mut self, now: Instant) -> bool {
        if let Some(at) = self.at {
            let dt = now.saturating_duration_since(at).as_secs_f64();
            self.tokens = (self.tokens + dt * Self::RATE).min(Self::CAPACITY);
        }
        self.at = Some(now);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

/// The caller's RTP in.
#[derive(Debug)]
pub struct Receiver {
    /// Where the SDP said the caller's media is.
    expected: SocketAddr,
    /// The IP the caller's SIP came from: a multi-homed phone (or one behind NAT) may
    /// advertise one address in its SDP and send from another; the signalling source is
    /// trusted as much as the SDP.
    signalling: IpAddr,
    /// The caller's address, once its first packet came (symmetric RTP).
    latched: Option<SocketAddr>,
    /// The caller's SSRC.
    ssrc: Option<u32>,
    /// The negotiated telephone-event payload type.
    telephone_event: Option<u8>,
    /// Reordering.
    jitter: JitterBuffer,
    /// Key presses.
    keys: rfc4733::Receiver,
    /// Flood bound.
    bucket: Bucket,
    /// Counts.
    counters: RtpCounters,
}

impl Receiver {
    /// A receiver for a caller whose SDP said `expected` and whose SIP came from
    /// `signalling`: the first RTP packet from either IP is latched, and only its address
    /// is heard from then on.
    pub fn new(expected: SocketAddr, signalling: IpAddr, telephone_event: Option<u8>) -> Self {
        Self {
            expected,
            signalling,
            latched: None,
            ssrc: None,
            telephone_event,
            jitter: JitterBuffer::new(),
            keys: rfc4733::Receiver::new(),
            bucket: Bucket {
                tokens: Bucket::CAPACITY,
                at: None,
            },
            counters: RtpCounters::default(),
        }
    }

    /// Where to send the caller's audio: the latched address, or the SDP's until then.
    pub fn remote(&self) -> SocketAddr {
        self.latched.unwrap_or(self.expected)
    }

    /// What was counted (the sender's half is zero here).
    pub fn counters(&self) -> RtpCounters {
        RtpCounters {
            jitter: self.jitter.counters(),
            ..self.counters
        }
    }

    /// Takes one datagram from `from`.
    pub fn handle(&mut self, now: Instant, from: SocketAddr, data: &[u8]) -> Vec<Incoming> {
        self.counters.received += 1;
        match self.latched {
            Some(l) if l != from => {
                self.counters.wrong_source += 1;
                return Vec::new();
            }
            None if from.ip() != self.expected.ip() && from.ip() != self.signalling => {
                self.counters.wrong_source += 1;
                return Vec::new();
            }
            _ => {}
        }
        if !self.bucket.take(now) {
            self.counters.flood_dropped += 1;
            return Vec::new();
        }
        let Ok(rtp) = RtpReader::new(data) else {
            self.counters.malformed += 1;
            return Vec::new();
        };
        if rtp.version() != 2 {
            self.counters.malformed += 1;
            return Vec::new();
        }
        // Latch only on a packet that reads as RTP.
        self.latched.get_or_insert(from);
        if self.ssrc != Some(rtp.ssrc()) {
            if self.ssrc.is_some() {
                self.counters.ssrc_changes += 1;
                self.jitter.reset();
            }
            self.ssrc = Some(rtp.ssrc());
        }
        let pt = rtp.payload_type();
        let mut out = Vec::new();
        if pt == PCMU {
            let mut ready = Vec::new();
            let seq: u16 = rtp.sequence_number().into();
            self.jitter
                .push(now, seq, rtp.payload().to_vec(), &mut ready);
            out.extend(ready.into_iter().map(Incoming::Audio));
        } else if Some(pt) == self.telephone_event {
            for press in self.keys.packet(now, rtp.timestamp(), rtp.payload()) {
                self.counters.keys_received += 1;
                out.push(Incoming::Press(press));
            }
            // After the press a new event ends: the new key went down after the old one up.
            if let Some(digit) = self.keys.take_started() {
                out.push(Incoming::KeyDown(digit));
            }
        } else if pt != CN {
            self.counters.other_payload += 1;
        }
        out
    }

    /// Runs the jitter buffer's and the key receiver's timers.
    pub fn handle_timeout(&mut self, now: Instant) -> Vec<Incoming> {
        let mut ready = Vec::new();
        self.jitter.handle_timeout(now, &mut ready);
        let mut out: Vec<Incoming> = ready.into_iter().map(Incoming::Audio).collect();
        if let Some(press) = self.keys.handle_timeout(now) {
            self.counters.keys_received += 1;
            out.push(Incoming::Press(press));
        }
        out
    }

    /// When [`Self::handle_timeout`] has something to do.
    pub fn poll_timeout(&self) -> Option<Instant> {
        match (self.jitter.poll_timeout(), self.keys.poll_timeout()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }
}

/// A key being sent as telephone-events.
#[derive(Debug, Clone, Copy)]
struct OutEvent {
    /// Its event code.
    code: u8,
    /// Its RTP timestamp (the stream's at the event's start).
    timestamp: u32,
    /// Its length in samples.
    total: u32,
    /// Samples sent so far.
    elapsed: u32,
}

/// The RTP out of a call: call [`Sender::tick`] every 20 ms.
#[derive(Debug)]
pub struct Sender {
    /// Our SSRC.
    ssrc: u32,
    /// The next sequence number.
    seq: u16,
    /// The RTP timestamp of the next frame.
    timestamp: u32,
    /// The negotiated telephone-event payload type.
    telephone_event: Option<u8>,
    /// µ-law bytes the caller hears next.
    queue: VecDeque<u8>,
    /// The key being sent.
    event: Option<OutEvent>,
    /// Keys waiting behind it.
    keys: VecDeque<(u8, Duration)>,
    /// The next packet starts a talkspurt (the marker bit).
    marker: bool,
    /// Counts.
    counters: RtpCounters,
}

impl Sender {
    /// Heard audio waiting beyond this is dropped, oldest first (bounded delay).
    pub const MAX_QUEUE: usize = 5 * FRAME;
    /// ... down to this.
    pub const TRIM_TO: usize = 2 * FRAME;
    /// Keys waiting to be sent.
    const MAX_KEYS: usize = 32;
    /// Volume of sent events (-dBm0).
    const VOLUME: u8 = 10;
    /// The longest event: the duration field is 16 bits of 8 kHz samples.
    const MAX_EVENT: u32 = u16::MAX as u32;

    /// A sender with random SSRC, sequence and timestamp (RFC 3550 §5.1).
    pub fn new(telephone_event: Option<u8>) -> Self {
        Self {
            ssrc: fastrand::u32(..),
            seq: fastrand::u16(..),
            timestamp: fastrand::u32(..),
            telephone_event,
            queue: VecDeque::with_capacity(Self::MAX_QUEUE + FRAME),
            event: None,
            keys: VecDeque::new(),
            marker: true,
            counters: RtpCounters::default(),
        }
    }

    /// Our SSRC.
    pub fn ssrc(&self) -> u32 {
        self.ssrc
    }

    /// What was counted (the receiver's half is zero here).
    pub fn counters(&self) -> RtpCounters {
        self.counters
    }

    /// µ-law the caller hears next.
    pub fn push_audio(&mut self, mulaw: &[u8]) {
        self.queue.extend(mulaw);
        if self.queue.len() > Self::MAX_QUEUE {
            let drop = self.queue.len() - Self::TRIM_TO;
            self.queue.drain(..drop);
            self.counters.overflow_bytes += drop as u64;
        }
    }

    /// The app pressed `digit` for `duration`: sent as telephone-events when negotiated.
    pub fn press(&mut self, digit: char, duration: Duration) {
        match (self.telephone_event, rfc4733::event_of(digit)) {
            (Some(_), Some(code)) if self.keys.len() < Self::MAX_KEYS => {
                self.keys.push_back((code, duration))
            }
            _ => self.counters.keys_not_sent += 1,
        }
    }

    /// The packets due at this 20 ms tick: one audio packet, or the key's event packet(s).
    pub fn tick(&mut self) -> Vec<Vec<u8>> {
        let mut frame = [MULAW_SILENCE; FRAME];
        if self.queue.len() >= FRAME {
            for (b, q) in frame.iter_mut().zip(self.queue.drain(..FRAME)) {
                *b = q;
            }
        } else {
            // Not a whole frame yet: silence now, and the part waits for the rest.
            self.counters.underruns += 1;
        }
        if self.event.is_none() {
            if let Some((code, duration)) = self.keys.pop_front() {
                let total = (duration.as_millis() as u64 * u64::from(rfc4733::RATE) / 1000)
                    .clamp(FRAME as u64, u64::from(Self::MAX_EVENT))
                    as u32;
                self.event = Some(OutEvent {
                    code,
                    timestamp: self.timestamp,
                    total,
                    elapsed: 0,
                });
                self.marker = true;
            }
        }
        let out = match (self.event.as_mut(), self.telephone_event) {
            (Some(ev), Some(pt)) => {
                ev.elapsed = (ev.elapsed + FRAME as u32).min(ev.total);
                let ev = *ev;
                let end = ev.elapsed >= ev.total;
                let payload = EventPayload {
                    event: ev.code,
                    end,
                    volume: Self::VOLUME,
                    duration: ev.elapsed as u16,
                }
                .to_bytes();
                // The end packet goes three times (RFC 4733 §2.5.1.4).
                let copies = if end { 3 } else { 1 };
                let packets = (0..copies)
                    .filter_map(|_| self.packet(pt, ev.timestamp, &payload))
                    .collect();
                self.counters.events_sent += copies;
                if end {
                    self.event = None;
                    self.marker = true;
                }
                packets
            }
            _ => self
                .packet(PCMU, self.timestamp, &frame)
                .into_iter()
                .collect(),
        };
        self.timestamp = self.timestamp.wrapping_add(FRAME as u32);
        out
    }

    fn packet(&mut self, pt: u8, timestamp: u32, payload: &[u8]) -> Option<Vec<u8>> {
        let packet = RtpPacketBuilder::new()
            .payload_type(pt)
            .ssrc(self.ssrc)
            .sequence(Seq::from(self.seq))
            .timestamp(timestamp)
            .marked(self.marker)
            .payload(payload)
            .build()
            .ok()?;
        self.marker = false;
        self.seq = self.seq.wrapping_add(1);
        self.counters.sent += 1;
        Some(packet)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rtp(pt: u8, seq: u16, ts: u32, ssrc: u32, payload: &[u8]) -> Vec<u8> {
        RtpPacketBuilder::new()
            .payload_type(pt)
            .ssrc(ssrc)
            .sequence(Seq::from(seq))
            .timestamp(ts)
            .payload(payload)
            .build()
            .unwrap()
    }

    const CALLER: &str = "127.0.0.1:10000";

    /// Where the caller's SIP came from.
    fn sip_ip() -> IpAddr {
        "192.0.2.7".parse().unwrap()
    }

    #[test]
    fn audio_flows_and_the_first_source_is_latched() {
        let t = Instant::now();
        let mut r = Receiver::new(CALLER.parse().unwrap(), sip_ip(), Some(101));
        // Same IP, another port (a NAT'd phone): latched.
        let from: SocketAddr = "127.0.0.1:10002".parse().unwrap();
        assert_eq!(
            r.handle(t, from, &rtp(0, 1, 0, 9, &[1; 160])),
            vec![Incoming::Audio(vec![1; 160])]
        );
        assert_eq!(r.remote(), from);
        // Anyone else is ignored and counted, even with the right SSRC.
        let spoof: SocketAddr = "127.0.0.1:10000".parse().unwrap();
        assert!(r.handle(t, spoof, &rtp(0, 2, 160, 9, &[2; 160])).is_empty());
        let other_ip: SocketAddr = "127.0.0.2:10002".parse().unwrap();
        assert!(r
            .handle(t, other_ip, &rtp(0, 2, 160, 9, &[2; 160]))
            .is_empty());
        assert_eq!(r.counters().wrong_source, 2);
        assert_eq!(r.handle(t, from, &rtp(0, 2, 160, 9, &[3; 160])).len(), 1);
    }

    #[test]
    fn a_stranger_cannot_latch_first() {
        let t = Instant::now();
        let mut r = Receiver::new(CALLER.parse().unwrap(), sip_ip(), None);
        let stranger: SocketAddr = "10.0.0.9:10000".parse().unwrap();
        assert!(r
            .handle(t, stranger, &rtp(0, 1, 0, 9, &[1; 160]))
            .is_empty());
        assert_eq!(r.remote(), CALLER.parse::<SocketAddr>().unwrap());
        assert_eq!(r.counters().wrong_source, 1);
        // The SIP source's IP may latch (a phone whose SDP names another interface).
        let phone: SocketAddr = "192.0.2.7:4000".parse().unwrap();
        assert_eq!(r.handle(t, phone, &rtp(0, 1, 0, 9, &[1; 160])).len(), 1);
        assert_eq!(r.remote(), phone);
    }

    #[test]
    fn floods_junk_and_other_payloads_are_bounded_and_counted() {
        let t = Instant::now();
        let from: SocketAddr = CALLER.parse().unwrap();
        let mut r = Receiver::new(from, sip_ip(), None);
        let mut delivered = 0;
        for i in 0..1000u16 {
            delivered += r.handle(t, from, &rtp(0, i, 0, 9, &[0; 160])).len();
        }
        // All at one instant: only the burst allowance passes.
        assert_eq!(delivered, Bucket::CAPACITY as usize);
        assert_eq!(r.counters().flood_dropped, 900);
        // After a second the bucket has refilled at RATE.
        let later = t + Duration::from_secs(1);
        // (Sequence 100 follows the 100 delivered; the dropped ones never reached the buffer.)
        assert!(!r
            .handle(later, from, &rtp(0, 100, 0, 9, &[0; 160]))
            .is_empty());
        assert!(r.handle(later, from, &[0x80, 1]).is_empty());
        assert_eq!(r.counters().malformed, 1);
        assert!(r
            .handle(later, from, &rtp(8, 1001, 0, 9, &[0; 160]))
            .is_empty());
        assert_eq!(r.counters().other_payload, 1);
    }

    #[test]
    fn caller_keys_become_presses() {
        let t = Instant::now();
        let from: SocketAddr = CALLER.parse().unwrap();
        let mut r = Receiver::new(from, sip_ip(), Some(101));
        let ev = |end, d| {
            EventPayload {
                event: 7,
                end,
                volume: 10,
                duration: d,
            }
            .to_bytes()
        };
        // The key is down from its event's first packet, and pressed when the event ends.
        assert_eq!(
            r.handle(t, from, &rtp(101, 1, 800, 9, &ev(false, 160))),
            vec![Incoming::KeyDown('7')]
        );
        let out = r.handle(t, from, &rtp(101, 2, 800, 9, &ev(true, 960)));
        assert_eq!(
            out,
            vec![Incoming::Press(Press {
                digit: '7',
                duration: Duration::from_millis(120)
            })]
        );
        assert_eq!(r.counters().keys_received, 1);
    }

    #[test]
    fn the_sender_paces_frames_with_right_headers() {
        let mut s = Sender::new(Some(101));
        s.push_audio(&[5; 400]);
        let mut packets = Vec::new();
        for _ in 0..3 {
            packets.extend(s.tick());
        }
        let readers: Vec<RtpReader> = packets.iter().map(|p| RtpReader::new(p).unwrap()).collect();
        assert_eq!(readers.len(), 3);
        for w in readers.windows(2) {
            let (a, b) = (&w[0], &w[1]);
            assert_eq!(
                u16::from(b.sequence_number()),
                u16::from(a.sequence_number()).wrapping_add(1)
            );
            assert_eq!(b.timestamp(), a.timestamp().wrapping_add(160));
            assert_eq!(a.ssrc(), s.ssrc());
        }
        assert!(readers[0].mark());
        assert!(!readers[1].mark());
        assert_eq!(readers[0].payload(), &[5; 160][..]);
        assert_eq!(readers[1].payload(), &[5; 160][..]);
        // 80 bytes were left: not a whole frame, so silence went (and they wait).
        assert_eq!(readers[2].payload(), &[MULAW_SILENCE; 160][..]);
        assert_eq!(s.counters().underruns, 1);
        assert!(readers
            .iter()
            .all(|r| r.payload_type() == 0 && r.payload().len() == 160));
    }

    #[test]
    fn the_senders_queue_is_bounded() {
        let mut s = Sender::new(None);
        s.push_audio(&[1; 10 * FRAME]);
        assert_eq!(
            s.counters().overflow_bytes,
            (10 * FRAME - Sender::TRIM_TO) as u64
        );
        assert_eq!(s.tick().len(), 1);
        assert_eq!(s.tick().len(), 1);
        s.tick();
        assert_eq!(s.counters().underruns, 1);
    }

    #[test]
    fn app_keys_go_out_as_telephone_events() {
        let mut s = Sender::new(Some(101));
        s.tick();
        s.press('9', Duration::from_millis(60));
        let mut packets = Vec::new();
        for _ in 0..4 {
            packets.extend(s.tick());
        }
        let events: Vec<(RtpReader, EventPayload)> = packets
            .iter()
            .map(|p| RtpReader::new(p).unwrap())
            .filter(|r| r.payload_type() == 101)
            .map(|r| {
                let e = EventPayload::parse(r.payload()).unwrap();
                (r, e)
            })
            .collect();
        // 60 ms: 2 packets, then the end packet three times.
        assert_eq!(events.len(), 5);
        assert!(events[0].0.mark());
        assert!(events
            .iter()
            .all(|(r, e)| e.event == 9 && r.timestamp() == events[0].0.timestamp()));
        assert_eq!(
            events.iter().map(|(_, e)| e.duration).collect::<Vec<_>>(),
            vec![160, 320, 480, 480, 480]
        );
        assert_eq!(
            events.iter().map(|(_, e)| e.end).collect::<Vec<_>>(),
            vec![false, false, true, true, true]
        );
        // Audio resumes after, with a marker, and the timestamp moved on by the event.
        let last = packets.last().map(|p| RtpReader::new(p).unwrap()).unwrap();
        assert_eq!(last.payload_type(), 0);
        assert!(last.mark());
        assert_eq!(
            last.timestamp(),
            events[0].0.timestamp().wrapping_add(3 * 160)
        );
        // Without a negotiated telephone-event, keys are not sent (their tone is in the audio).
        let mut plain = Sender::new(None);
        plain.press('1', Duration::from_millis(100));
        assert_eq!(plain.counters().keys_not_sent, 1);
    }
}
