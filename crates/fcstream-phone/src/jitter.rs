//! The caller's jitter buffer: the page's 20 ms frames arrive when the browser's audio thread
//! and the network deliver them (measured in headless Chromium on a loaded two-core machine:
//! gaps of up to 220 ms, then bursts), while the platform takes one frame every 20 ms on its
//! own clock and pads a late frame with silence. The session therefore does not hand frames to
//! the platform as they arrive: it queues them here and releases exactly one frame per 20 ms
//! tick, after a cushion (`CallerJitter::target`) has built up. An underrun (the queue ran
//! dry) deepens the cushion by a step, up to a cap; a queue that stays far above the cushion
//! (a page whose clock is fast) is trimmed to it, so the delay stays bounded.
//!
//! Hand-written: it is a sans-I/O queue with three numbers, in samples of one call; the
//! jitter-buffer crates are built for RTP packets with sequence numbers and timestamps, which
//! these frames do not carry.

use std::collections::VecDeque;
use std::time::Duration;

/// Counters of the caller's jitter buffer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct JitterStats {
    /// Times the queue ran dry while playing (the cushion then grows).
    pub underruns: u64,
    /// Samples dropped: the queue was over its cap, or trimmed back to the cushion.
    pub dropped: u64,
    /// The cushion now, in samples.
    pub target: usize,
}

/// See the module docs.
#[derive(Debug)]
pub struct CallerJitter {
    queue: VecDeque<i16>,
    frame: usize,
    target: usize,
    step: usize,
    max_target: usize,
    cap: usize,
    playing: bool,
    /// Ticks in a row with the queue more than a step over the cushion.
    high_ticks: u32,
    stats: JitterStats,
}

impl CallerJitter {
    /// A buffer for a call at `rate` Hz starting with a `cushion` (100 ms is the phone's
    /// default), 60 ms more per underrun, at most 600 ms (or the cushion), at most 1.5 s
    /// queued.
    pub fn new(rate: u32, cushion: Duration) -> Self {
        Self::with(
            rate,
            cushion,
            Duration::from_millis(60),
            Duration::from_millis(600).max(cushion),
            Duration::from_millis(1500).max(cushion * 2),
        )
    }

    /// A buffer with its cushion, step, largest cushion and cap.
    pub fn with(
        rate: u32,
        target: Duration,
        step: Duration,
        max_target: Duration,
        cap: Duration,
    ) -> Self {
        let n = |d: Duration| (d.as_micros() as u64 * u64::from(rate) / 1_000_000) as usize;
        let frame = (rate / 50) as usize;
        let target = n(target).max(frame);
        Self {
            queue: VecDeque::with_capacity(n(cap)),
            frame,
            target,
            step: n(step).max(1),
            max_target: n(max_target).max(target),
            cap: n(cap).max(n(max_target) + frame),
            playing: false,
            high_ticks: 0,
            stats: JitterStats {
                target,
                ..JitterStats::default()
            },
        }
    }

    /// Queues the page's samples (the oldest beyond the cap are dropped).
    pub fn push(&mut self, samples: &[i16]) {
        self.queue.extend(samples);
        if self.queue.len() > self.cap {
            let over = self.queue.len() - self.cap;
            self.queue.drain(..over);
            self.stats.dropped += over as u64;
        }
    }

    /// The frame due at this 20 ms tick: `None` while the cushion builds (the platform sends
    /// silence then).
    pub fn tick(&mut self) -> Option<Vec<i16>> {
        if !self.playing {
            if self.queue.len() < self.target {
                return None;
            }
            self.playing = true;
        }
        if self.queue.len() < self.frame {
            // Ran dry: what is left, and a deeper cushion before playing again.
            self.playing = false;
            self.stats.underruns += 1;
            self.target = (self.target + self.step).min(self.max_target);
            self.stats.target = self.target;
            let rest: Vec<i16> = self.queue.drain(..).collect();
            return (!rest.is_empty()).then_some(rest);
        }
        // A queue that stays 400 ms above the cushion for ten seconds (a page whose clock is
        // fast, not a burst): trim it back.
        if self.queue.len() > self.target + self.frame * 20 {
            self.high_ticks += 1;
            if self.high_ticks >= 500 {
                let over = self.queue.len() - self.target;
                self.queue.drain(..over);
                self.stats.dropped += over as u64;
                self.high_ticks = 0;
            }
        } else {
            self.high_ticks = 0;
        }
        Some(self.queue.drain(..self.frame).collect())
    }

    /// Samples queued.
    pub fn depth(&self) -> usize {
        self.queue.len()
    }

    /// The counters.
    pub fn stats(&self) -> JitterStats {
        self.stats
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(jb: &mut CallerJitter, ticks: usize) -> Vec<Option<Vec<i16>>> {
        (0..ticks).map(|_| jb.tick()).collect()
    }

    #[test]
    fn a_cushion_builds_then_one_frame_a_tick_in_order() {
        let mut jb = CallerJitter::with(
            8000,
            Duration::from_millis(60),
            Duration::from_millis(40),
            Duration::from_millis(400),
            Duration::from_secs(1),
        );
        // 60 ms cushion = 480 samples: two frames are not enough.
        jb.push(&[1; 160]);
        jb.push(&[2; 160]);
        assert_eq!(jb.tick(), None);
        jb.push(&[3; 160]);
        let out = frames(&mut jb, 3);
        assert_eq!(out[0].as_deref(), Some(&[1i16; 160][..]));
        assert_eq!(out[1].as_deref(), Some(&[2i16; 160][..]));
        assert_eq!(out[2].as_deref(), Some(&[3i16; 160][..]));
        assert_eq!(jb.stats().underruns, 0);
    }

    #[test]
    fn a_gap_within_the_cushion_loses_nothing() {
        let mut jb = CallerJitter::new(8000, Duration::from_millis(100));
        let mut n = 0i16;
        let mut next = |jb: &mut CallerJitter| {
            jb.push(&[n; 160]);
            n += 1;
        };
        for _ in 0..5 {
            next(&mut jb);
        }
        let mut out = Vec::new();
        // Steady, then a 40 ms gap (two ticks without arrivals), then the burst.
        for t in 0..40 {
            if !(10..12).contains(&t) {
                next(&mut jb);
            }
            if t == 12 {
                next(&mut jb);
                next(&mut jb);
            }
            out.extend(jb.tick().expect("never dry"));
        }
        assert_eq!(jb.stats().underruns, 0);
        let firsts: Vec<i16> = out.chunks(160).map(|f| f[0]).collect();
        assert_eq!(firsts, (0..40).collect::<Vec<i16>>());
        assert_eq!(jb.stats().dropped, 0);
    }

    #[test]
    fn an_underrun_deepens_the_cushion_up_to_its_cap() {
        let mut jb = CallerJitter::new(8000, Duration::from_millis(100));
        for round in 0..20 {
            // Fill to the cushion, play it out, run dry.
            while jb.tick().is_none() {
                jb.push(&[7; 160]);
            }
            while jb.depth() > 0 {
                jb.tick();
            }
            assert_eq!(jb.tick(), None, "round {round}: dry");
        }
        let s = jb.stats();
        assert!(s.underruns >= 10, "{s:?}");
        assert_eq!(s.target, 4800, "600 ms at most");
    }

    #[test]
    fn a_fast_page_is_trimmed_and_the_queue_capped() {
        let mut jb = CallerJitter::new(8000, Duration::from_millis(100));
        // A page 5% fast for 40 s: the queue is trimmed back to the cushion now and then.
        for t in 0..2000 {
            jb.push(&[1; 160]);
            if t % 20 == 0 {
                jb.push(&[1; 160]);
            }
            jb.tick();
            // The cushion, 400 ms over it, and what ten seconds at 5% fast add.
            assert!(
                jb.depth() <= 800 + 3200 + 4000 + 320,
                "bounded: {}",
                jb.depth()
            );
        }
        assert!(jb.stats().dropped > 0);
        // A flood over the cap is cut to it.
        jb.push(&vec![0; 100_000]);
        assert_eq!(jb.depth(), 12_000);
    }
}
