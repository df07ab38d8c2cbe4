//! A small jitter buffer for caller RTP: packets out in sequence order, with no added delay
//! while they arrive in order.
//!
//! A packet that arrives after a gap is held until the gap fills, or until
//! [`JitterBuffer::WINDOW`] packets wait behind it or the oldest has waited
//! [`JitterBuffer::MAX_WAIT`]: then the missing packets are given up (counted as lost).
//! Late and duplicate packets are dropped (counted). A jump of more than
//! [`JitterBuffer::RESYNC`] sequence numbers either way is a new stream (a restarted
//! sender): the buffer starts over from it. Written by hand: the crates that have one are
//! whole RTP stacks (webrtc-rs), and this is the 100 lines a 20 ms PCMU stream needs.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// Counters of what the buffer did (all zero on a clean network).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct JitterCounters {
    /// Packets put out in order.
    pub delivered: u64,
    /// Packets that arrived out of order and were put back in place.
    pub reordered: u64,
    /// Sequence numbers given up on (never arrived in time).
    pub lost: u64,
    /// Packets that came after their turn had passed.
    pub late: u64,
    /// Packets seen twice.
    pub duplicate: u64,
    /// Times the stream started over (a sequence jump).
    pub resyncs: u64,
}

/// One packet's payload waiting for its turn.
#[derive(Debug)]
struct Held {
    /// When it arrived.
    at: Instant,
    /// The payload.
    payload: Vec<u8>,
}

/// The buffer.
#[derive(Debug, Default)]
pub struct JitterBuffer {
    /// The extended sequence number due next (`None` before the first packet).
    next: Option<u64>,
    /// Packets after a gap, by extended sequence number.
    held: BTreeMap<u64, Held>,
    /// What happened so far.
    counters: JitterCounters,
}

impl JitterBuffer {
    /// Packets held behind a gap before it is given up.
    pub const WINDOW: usize = 4;
    /// The longest a packet waits behind a gap.
    pub const MAX_WAIT: Duration = Duration::from_millis(60);
    /// A sequence jump (either way) this large is a new stream.
    pub const RESYNC: i64 = 1000;

    /// An empty buffer.
    pub fn new() -> Self {
        Self::default()
    }

    /// What happened so far.
    pub fn counters(&self) -> JitterCounters {
        self.counters
    }

    /// Forgets the stream (a new SSRC): the next packet starts it again.
    pub fn reset(&mut self) {
        self.next = None;
        self.held.clear();
    }

    /// Takes a packet with RTP sequence number `seq`; payloads now in order go to `out`.
    pub fn push(&mut self, now: Instant, seq: u16, payload: Vec<u8>, out: &mut Vec<Vec<u8>>) {
        let Some(next) = self.next else {
            self.next = Some(u64::from(seq) + 1);
            self.counters.delivered += 1;
            out.push(payload);
            return;
        };
        // The extended number nearest to `next`.
        let delta = i64::from(seq.wrapping_sub(next as u16) as i16);
        if delta.abs() > Self::RESYNC {
            self.counters.resyncs += 1;
            self.flush_all(out);
            self.next = Some(u64::from(seq) + 1);
            self.counters.delivered += 1;
            out.push(payload);
            return;
        }
        if delta < 0 {
            self.counters.late += 1;
            return;
        }
        let ext = next + delta as u64;
        if ext == next {
            self.counters.delivered += 1;
            out.push(payload);
            self.next = Some(next + 1);
            self.drain_in_order(out);
            return;
        }
        if self.held.contains_key(&ext) {
            self.counters.duplicate += 1;
            return;
        }
        self.held.insert(ext, Held { at: now, payload });
        if self.held.len() > Self::WINDOW {
            self.skip_gap(out);
        }
        self.handle_timeout(now, out);
    }

    /// Gives up gaps whose packets have waited [`Self::MAX_WAIT`].
    pub fn handle_timeout(&mut self, now: Instant, out: &mut Vec<Vec<u8>>) {
        while let Some((_, held)) = self.held.first_key_value() {
            if now.saturating_duration_since(held.at) < Self::MAX_WAIT {
                break;
            }
            self.skip_gap(out);
        }
    }

    /// When [`Self::handle_timeout`] has something to do.
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.held
            .first_key_value()
            .map(|(_, held)| held.at + Self::MAX_WAIT)
    }

    /// Skips to the oldest held packet, counting the missing ones, and drains from it.
    fn skip_gap(&mut self, out: &mut Vec<Vec<u8>>) {
        let (Some(next), Some((&first, _))) = (self.next, self.held.first_key_value()) else {
            return;
        };
        self.counters.lost += first.saturating_sub(next);
        self.next = Some(first);
        self.drain_in_order(out);
    }

    fn drain_in_order(&mut self, out: &mut Vec<Vec<u8>>) {
        while let Some(next) = self.next {
            let Some(held) = self.held.remove(&next) else {
                break;
            };
            self.counters.delivered += 1;
            self.counters.reordered += 1;
            out.push(held.payload);
            self.next = Some(next + 1);
        }
    }

    fn flush_all(&mut self, out: &mut Vec<Vec<u8>>) {
        while !self.held.is_empty() {
            self.skip_gap(out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(seqs: &[u16]) -> (Vec<u8>, JitterCounters) {
        let now = Instant::now();
        let mut jb = JitterBuffer::new();
        let mut out = Vec::new();
        for &s in seqs {
            jb.push(now, s, vec![s as u8], &mut out);
        }
        (out.into_iter().map(|p| p[0]).collect(), jb.counters())
    }

    #[test]
    fn in_order_passes_straight_through() {
        let (out, c) = run(&[10, 11, 12]);
        assert_eq!(out, vec![10, 11, 12]);
        assert_eq!(c.delivered, 3);
        assert_eq!(c.reordered, 0);
    }

    #[test]
    fn reordered_packets_are_put_back_in_place() {
        let (out, c) = run(&[1, 3, 2, 4]);
        assert_eq!(out, vec![1, 2, 3, 4]);
        assert_eq!(c.reordered, 1);
        assert_eq!(c.lost, 0);
    }

    #[test]
    fn a_gap_is_given_up_after_the_window_or_the_wait() {
        // 2 never comes: after WINDOW+1 packets wait, it is skipped.
        let (out, c) = run(&[1, 3, 4, 5, 6, 7]);
        assert_eq!(out, vec![1, 3, 4, 5, 6, 7]);
        assert_eq!(c.lost, 1);
        // ... or after MAX_WAIT.
        let t0 = Instant::now();
        let mut jb = JitterBuffer::new();
        let mut out = Vec::new();
        jb.push(t0, 1, vec![1], &mut out);
        jb.push(t0, 3, vec![3], &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(jb.poll_timeout(), Some(t0 + JitterBuffer::MAX_WAIT));
        jb.handle_timeout(t0 + JitterBuffer::MAX_WAIT, &mut out);
        assert_eq!(out, vec![vec![1], vec![3]]);
        assert_eq!(jb.counters().lost, 1);
    }

    #[test]
    fn late_duplicate_and_wrapping_sequences() {
        let (out, c) = run(&[65534, 65535, 0, 1, 0, 3, 3]);
        assert_eq!(out, vec![254, 255, 0, 1]);
        assert_eq!(c.late, 1);
        assert_eq!(c.duplicate, 1);
        // A restarted sender: a jump is a new stream, not 30000 lost packets.
        let (out, c) = run(&[5, 6, 30000, 30001]);
        assert_eq!(out.len(), 4);
        assert_eq!(c.resyncs, 1);
        assert_eq!(c.lost, 0);
    }
}
