//! Faults on demand: the ways a real platform or network misbehaves, injected at chosen times
//! so that an app's error paths can be tested on a laptop.
//!
//! Every fault is deterministic: times are on the call's clock and the jitter comes from a
//! seeded generator, so a run in virtual time repeats exactly.

use std::time::Duration;

/// Seed of the jitter generator when the script does not give one.
pub const DEFAULT_JITTER_SEED: u64 = 0x5eed;

/// Faults to inject into one call. The default injects none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Faults {
    /// At this time the platform fails: `NotifyCallEndedMessage(PLATFORM_ERROR)`, then it
    /// closes its side.
    pub platform_error_at: Option<Duration>,
    /// At this time the platform ends the call: `NotifyCallEndedMessage(PLATFORM_DISCONNECT)`,
    /// then it closes its side.
    pub platform_disconnect_at: Option<Duration>,
    /// At this time the stream is dropped abruptly: no `NotifyCallEndedMessage`, the HTTP/2
    /// stream is reset (as when the network fails).
    pub drop_at: Option<Duration>,
    /// Every acknowledgement (playback started/completed, buffer cleared, DTMF play
    /// started/completed, buffer depth) is sent this much later than it happened. Its
    /// timestamp still says when it happened.
    pub ack_delay: Duration,
    /// Each caller frame is sent up to this much later than its nominal time (uniform,
    /// seeded); frames never overtake each other.
    pub jitter: Duration,
    /// Seed of the jitter.
    pub jitter_seed: u64,
}

impl Default for Faults {
    fn default() -> Self {
        Self {
            platform_error_at: None,
            platform_disconnect_at: None,
            drop_at: None,
            ack_delay: Duration::ZERO,
            jitter: Duration::ZERO,
            jitter_seed: DEFAULT_JITTER_SEED,
        }
    }
}

impl Faults {
    /// Whether any fault that ends the call is scheduled.
    pub fn ends_call(&self) -> bool {
        self.platform_error_at.is_some()
            || self.platform_disconnect_at.is_some()
            || self.drop_at.is_some()
    }
}

/// A tiny deterministic generator (64-bit LCG, Knuth's MMIX constants) for frame jitter:
/// no dependency, same numbers on every machine.
#[derive(Debug, Clone)]
pub struct Lcg(u64);

impl Lcg {
    /// A generator from `seed`.
    pub fn new(seed: u64) -> Self {
        Self(seed ^ 0x9E37_79B9_7F4A_7C15)
    }

    /// The next 32 random bits (the high half of the state).
    pub fn next_u32(&mut self) -> u32 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 32) as u32
    }

    /// A duration uniform in `[0, max]`, to the microsecond.
    pub fn jitter(&mut self, max: Duration) -> Duration {
        let max_us = u64::try_from(max.as_micros()).unwrap_or(u64::MAX);
        if max_us == 0 {
            return Duration::ZERO;
        }
        let r = (u64::from(self.next_u32()) * (max_us + 1)) >> 32;
        Duration::from_micros(r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jitter_is_seeded_and_bounded() {
        let max = Duration::from_millis(15);
        let a: Vec<_> = (0..1000)
            .scan(Lcg::new(7), |g, _| Some(g.jitter(max)))
            .collect();
        let b: Vec<_> = (0..1000)
            .scan(Lcg::new(7), |g, _| Some(g.jitter(max)))
            .collect();
        assert_eq!(a, b);
        assert!(a.iter().all(|d| *d <= max));
        assert!(a.iter().any(|d| *d > max / 2));
        let c: Vec<_> = (0..10)
            .scan(Lcg::new(8), |g, _| Some(g.jitter(max)))
            .collect();
        assert_ne!(a[..10], c[..]);
        assert_eq!(Lcg::new(1).jitter(Duration::ZERO), Duration::ZERO);
    }
}
