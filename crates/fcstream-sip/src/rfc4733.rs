//! RFC 4733 telephone-events (DTMF carried in RTP): the 4-byte event payload, a receiver that
//! turns the caller's event packets into key presses, and the packets for a key the app
//! presses. Written by hand: it is a 4-byte format with two small rules, and the RTP crates
//! that know it come with a whole media stack.

use std::time::{Duration, Instant};

/// The samples per second of `telephone-event/8000`.
pub const RATE: u32 = 8000;

/// One event payload (RFC 4733 §2.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventPayload {
    /// The event code (0-9, 10 `*`, 11 `#`, 12-15 `A`-`D`, 16 flash, ...).
    pub event: u8,
    /// The E bit: the last packets of the event.
    pub end: bool,
    /// Volume in -dBm0 (0-63).
    pub volume: u8,
    /// How long the event has lasted so far, in timestamp units.
    pub duration: u16,
}

impl EventPayload {
    /// Reads a payload (the first 4 bytes; several events in one packet are not used by
    /// phones and only the first is taken).
    pub fn parse(payload: &[u8]) -> Option<Self> {
        let [event, flags, d0, d1, ..] = *payload else {
            return None;
        };
        Some(Self {
            event,
            end: flags & 0x80 != 0,
            volume: flags & 0x3f,
            duration: u16::from_be_bytes([d0, d1]),
        })
    }

    /// The 4 bytes.
    pub fn to_bytes(self) -> [u8; 4] {
        let d = self.duration.to_be_bytes();
        [
            self.event,
            (u8::from(self.end) << 7) | (self.volume & 0x3f),
            d[0],
            d[1],
        ]
    }
}

/// The key of an event code (`None` for flash and the non-DTMF events).
pub fn digit_of(event: u8) -> Option<char> {
    Some(match event {
        0..=9 => char::from(b'0' + event),
        10 => '*',
        11 => '#',
        12..=15 => char::from(b'A' + event - 12),
        _ => return None,
    })
}

/// The event code of a key.
pub fn event_of(digit: char) -> Option<u8> {
    Some(match digit.to_ascii_uppercase() {
        d @ '0'..='9' => d as u8 - b'0',
        '*' => 10,
        '#' => 11,
        d @ 'A'..='D' => d as u8 - b'A' + 12,
        _ => return None,
    })
}

/// A key press the caller finished.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Press {
    /// The key.
    pub digit: char,
    /// How long it was held.
    pub duration: Duration,
}

/// The event being received.
#[derive(Debug, Clone, Copy)]
struct Current {
    /// Its RTP timestamp (the same on every packet of one event).
    timestamp: u32,
    /// Its key.
    digit: char,
    /// The longest duration seen.
    duration: u16,
    /// When its last packet came.
    seen: Instant,
}

/// Turns the caller's telephone-event packets into presses: one per event (by RTP
/// timestamp), when its end packet arrives, or [`Receiver::END_TIMEOUT`] after its last packet
/// if all three end packets were lost. Retransmitted end packets are ignored.
#[derive(Debug, Default)]
pub struct Receiver {
    /// The event in progress.
    current: Option<Current>,
    /// The timestamp of the last event reported (its late end packets are ignored).
    finished: Option<u32>,
    /// The key of an event that began with the last packet and has not ended in it: the
    /// caller is holding it now ([`Receiver::take_started`]).
    started: Option<char>,
}

impl Receiver {
    /// How long after an event's last packet it is taken as ended.
    pub const END_TIMEOUT: Duration = Duration::from_millis(250);
    /// The shortest press reported (an event whose packets all said duration 0).
    pub const MIN_PRESS: Duration = Duration::from_millis(40);

    /// A receiver with no event in progress.
    pub fn new() -> Self {
        Self::default()
    }

    /// Takes one event packet's RTP timestamp and payload; a finished press comes back.
    pub fn packet(&mut self, now: Instant, timestamp: u32, payload: &[u8]) -> Vec<Press> {
        let mut out = Vec::new();
        let Some(ev) = EventPayload::parse(payload) else {
            return out;
        };
        let Some(digit) = digit_of(ev.event) else {
            return out;
        };
        if self.finished == Some(timestamp) {
            return out;
        }
        match self.current {
            Some(c) if c.timestamp == timestamp => {
                let c = self.current.as_mut().map(|c| {
                    c.duration = c.duration.max(ev.duration);
                    c.seen = now;
                    *c
                });
                if ev.end {
                    if let Some(c) = c {
                        out.push(self.finish(c));
                    }
                }
            }
            previous => {
                if let Some(p) = previous {
                    out.push(self.finish(p));
                }
                let c = Current {
                    timestamp,
                    digit,
                    duration: ev.duration,
                    seen: now,
                };
                if ev.end {
                    out.push(self.finish(c));
                } else {
                    self.current = Some(c);
                    self.started = Some(digit);
                }
            }
        }
        out
    }

    /// The key whose event began with the last [`packet`](Self::packet) and is still held,
    /// once: a front door tells the platform a key went down then, not only when it ends
    /// (its end comes back from `packet` or [`handle_timeout`](Self::handle_timeout) as a
    /// [`Press`], after any press that the new event ended).
    pub fn take_started(&mut self) -> Option<char> {
        self.started.take()
    }

    /// Ends an event whose end packets never came.
    pub fn handle_timeout(&mut self, now: Instant) -> Option<Press> {
        let c = self.current?;
        (now.saturating_duration_since(c.seen) >= Self::END_TIMEOUT).then(|| self.finish(c))
    }

    /// When [`Self::handle_timeout`] has something to do.
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.current.map(|c| c.seen + Self::END_TIMEOUT)
    }

    fn finish(&mut self, c: Current) -> Press {
        self.current = None;
        self.finished = Some(c.timestamp);
        let duration = Duration::from_micros(u64::from(c.duration) * 1_000_000 / u64::from(RATE));
        Press {
            digit: c.digit,
            duration: duration.max(Self::MIN_PRESS),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(event: u8, end: bool, duration: u16) -> [u8; 4] {
        EventPayload {
            event,
            end,
            volume: 10,
            duration,
        }
        .to_bytes()
    }

    #[test]
    fn a_key_is_reported_held_when_its_event_begins_then_pressed_when_it_ends() {
        let t = Instant::now();
        let mut r = Receiver::new();
        assert!(r.packet(t, 1000, &p(5, false, 160)).is_empty());
        assert_eq!(r.take_started(), Some('5'));
        assert_eq!(r.take_started(), None, "told once");
        assert!(r.packet(t, 1000, &p(5, false, 320)).is_empty());
        assert_eq!(r.take_started(), None, "the same event");
        assert_eq!(r.packet(t, 1000, &p(5, true, 800)).len(), 1);
        // An event whose first packet is its end is a press, never held.
        assert_eq!(r.packet(t, 2000, &p(6, true, 800)).len(), 1);
        assert_eq!(r.take_started(), None);
    }

    #[test]
    fn payload_round_trips_and_keys_map() {
        let e = EventPayload {
            event: 11,
            end: true,
            volume: 10,
            duration: 960,
        };
        assert_eq!(EventPayload::parse(&e.to_bytes()), Some(e));
        assert_eq!(EventPayload::parse(&[1, 2]), None);
        for (d, code) in [
            ('0', 0),
            ('9', 9),
            ('*', 10),
            ('#', 11),
            ('A', 12),
            ('d', 15),
        ] {
            assert_eq!(event_of(d), Some(code));
            assert_eq!(digit_of(code), Some(d.to_ascii_uppercase()));
        }
        assert_eq!(digit_of(16), None);
        assert_eq!(event_of('x'), None);
    }

    #[test]
    fn one_press_per_event_with_its_duration() {
        let t = Instant::now();
        let mut r = Receiver::new();
        assert!(r.packet(t, 1000, &p(5, false, 160)).is_empty());
        assert!(r.packet(t, 1000, &p(5, false, 320)).is_empty());
        let out = r.packet(t, 1000, &p(5, true, 800));
        assert_eq!(
            out,
            vec![Press {
                digit: '5',
                duration: Duration::from_millis(100)
            }]
        );
        // The two retransmitted end packets are ignored.
        assert!(r.packet(t, 1000, &p(5, true, 800)).is_empty());
        assert!(r.packet(t, 1000, &p(5, true, 800)).is_empty());
        // The same key again is a new event (a new timestamp).
        assert!(r.packet(t, 2000, &p(5, false, 160)).is_empty());
        assert_eq!(r.packet(t, 2000, &p(5, true, 400)).len(), 1);
    }

    #[test]
    fn lost_end_packets_end_the_press_on_a_timeout_or_the_next_event() {
        let t = Instant::now();
        let mut r = Receiver::new();
        r.packet(t, 1000, &p(1, false, 480));
        assert_eq!(r.handle_timeout(t + Duration::from_millis(100)), None);
        let press = r.handle_timeout(t + Receiver::END_TIMEOUT).unwrap();
        assert_eq!(press.digit, '1');
        assert_eq!(press.duration, Duration::from_millis(60));
        // A new event while one is open reports the open one first.
        r.packet(t, 3000, &p(2, false, 160));
        let out = r.packet(t, 4000, &p(3, true, 160));
        assert_eq!(out.iter().map(|p| p.digit).collect::<String>(), "23");
        // Flash is not a key.
        assert!(r.packet(t, 5000, &p(16, true, 160)).is_empty());
    }
}
