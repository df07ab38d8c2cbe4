//! Per-bridge counters (atomics, no labels): bot connect time, the latency the bridge adds in
//! each direction, marks outstanding, and every refusal of bad bot input, so that an operator
//! sees a slow or misbehaving bot without reading logs.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering::Relaxed};
use std::time::Duration;

/// log2 of the linear sub-buckets per power of two of a [`Latency`] histogram (16, so a
/// quantile is within 1/16 = 6 % of the true value).
const SUB_BITS: u32 = 4;
/// Octaves kept: values up to 2^40 µs (12 days) have their own bucket; larger ones share the
/// last.
const OCTAVES: u32 = 40;
/// Buckets: values below 16 µs exactly, then 16 per octave.
const BUCKETS: usize = fcstream::buckets::count(SUB_BITS, OCTAVES);

/// The bucket of `us` (the rule is `fcstream::buckets`', shared with the load generator).
fn bucket(us: u64) -> usize {
    fcstream::buckets::index(us, SUB_BITS, OCTAVES)
}

/// The largest value that lands in bucket `i`.
fn upper(i: usize) -> u64 {
    fcstream::buckets::upper(i, SUB_BITS)
}

/// A histogram of latencies in microseconds, shared by every call of a bridge: one relaxed
/// atomic increment per value, no lock, no allocation, a fixed 4.6 KiB. Log-linear buckets
/// (HDR-style, 16 per power of two) keep any quantile within 6 %. Kept by hand: the
/// histogram crates (`hdrhistogram`, `prometheus`'s) need a lock or fixed bucket edges chosen
/// in advance, and this one is read as quantiles (`p50`, `p99`) as well as summed.
pub struct Latency {
    buckets: Box<[AtomicU64]>,
    count: AtomicU64,
    sum_us: AtomicU64,
    max_us: AtomicU64,
}

impl std::fmt::Debug for Latency {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Latency").field(&self.snapshot()).finish()
    }
}

impl Default for Latency {
    fn default() -> Self {
        Self {
            buckets: (0..BUCKETS).map(|_| AtomicU64::new(0)).collect(),
            count: AtomicU64::new(0),
            sum_us: AtomicU64::new(0),
            max_us: AtomicU64::new(0),
        }
    }
}

impl Latency {
    /// Records one latency.
    pub fn record(&self, d: Duration) {
        let us = u64::try_from(d.as_micros()).unwrap_or(u64::MAX);
        self.buckets[bucket(us)].fetch_add(1, Relaxed);
        self.count.fetch_add(1, Relaxed);
        self.sum_us.fetch_add(us, Relaxed);
        self.max_us.fetch_max(us, Relaxed);
    }

    /// The latencies recorded so far, as quantiles.
    pub fn snapshot(&self) -> LatencySnapshot {
        let counts: Vec<u64> = self.buckets.iter().map(|b| b.load(Relaxed)).collect();
        let count: u64 = counts.iter().sum();
        let max_us = self.max_us.load(Relaxed);
        let quantile = |q: f64| {
            if count == 0 {
                return 0;
            }
            let rank = ((q * count as f64).ceil() as u64).max(1);
            let mut seen = 0;
            for (i, c) in counts.iter().enumerate() {
                seen += c;
                if seen >= rank {
                    return upper(i).min(max_us);
                }
            }
            max_us
        };
        LatencySnapshot {
            count,
            sum_us: self.sum_us.load(Relaxed),
            max_us,
            p50_us: quantile(0.5),
            p90_us: quantile(0.9),
            p99_us: quantile(0.99),
            p999_us: quantile(0.999),
        }
    }
}

/// A [`Latency`] histogram at one instant: count, sum, max and quantiles (each the upper edge
/// of its bucket, never above the max), in microseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LatencySnapshot {
    /// Values recorded.
    pub count: u64,
    /// Their sum.
    pub sum_us: u64,
    /// The largest.
    pub max_us: u64,
    /// The median.
    pub p50_us: u64,
    /// The 90th percentile.
    pub p90_us: u64,
    /// The 99th percentile.
    pub p99_us: u64,
    /// The 99.9th percentile.
    pub p999_us: u64,
}

/// Counters shared by every call of one [`crate::Bridge`]. Read with [`BridgeStats::snapshot`]
/// or [`BridgeStats::render`] (Prometheus text).
#[derive(Debug, Default)]
pub struct BridgeStats {
    pub(crate) calls: AtomicU64,
    pub(crate) active: AtomicI64,
    pub(crate) bot_connects: AtomicU64,
    pub(crate) bot_connect_failures: AtomicU64,
    pub(crate) bot_connect_us_total: AtomicU64,
    pub(crate) bot_connect_us_max: AtomicU64,
    pub(crate) frames_to_bot: AtomicU64,
    pub(crate) media_from_bot: AtomicU64,
    pub(crate) bad_messages: AtomicU64,
    pub(crate) oversize_messages: AtomicU64,
    pub(crate) unknown_events: AtomicU64,
    pub(crate) audio_dropped_ms: AtomicU64,
    pub(crate) marks_outstanding: AtomicI64,
    pub(crate) marks_answered: AtomicU64,
    pub(crate) marks_overflow: AtomicU64,
    pub(crate) clears: AtomicU64,
    pub(crate) bot_closed: AtomicU64,
    /// Caller frame taken from the library → its `media` written to the bot's socket.
    pub(crate) to_bot: Latency,
    /// The end of a caller frame by the platform's clock → its `media` written to the bot.
    pub(crate) platform_to_bot: Latency,
    /// A bot `media` read from its socket → its audio handed to the library's pacer.
    pub(crate) to_platform: Latency,
}

/// The counters at one instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StatsSnapshot {
    /// Calls bridged (started).
    pub calls: u64,
    /// Calls bridged now.
    pub active: i64,
    /// Bot WebSockets opened.
    pub bot_connects: u64,
    /// Bot connections that failed (the fallback played).
    pub bot_connect_failures: u64,
    /// Sum of the connect times of the opened ones, in microseconds.
    pub bot_connect_us_total: u64,
    /// The longest connect time, in microseconds.
    pub bot_connect_us_max: u64,
    /// 20 ms caller frames sent to bots.
    pub frames_to_bot: u64,
    /// `media` messages taken from bots.
    pub media_from_bot: u64,
    /// Bot messages refused: not JSON, missing fields, invalid base64, binary frames.
    pub bad_messages: u64,
    /// Bot messages refused for their size.
    pub oversize_messages: u64,
    /// Bot events this bridge does not act on.
    pub unknown_events: u64,
    /// Bot audio dropped because the call's bound on buffered audio was reached (bytes).
    pub audio_dropped_ms: u64,
    /// Marks waiting for their audio to play, over every call.
    pub marks_outstanding: i64,
    /// Marks answered.
    pub marks_answered: u64,
    /// Marks answered early because a call's bound on pending marks was reached.
    pub marks_overflow: u64,
    /// `clear`s carried out.
    pub clears: u64,
    /// Bots that closed their socket before the call ended.
    pub bot_closed: u64,
    /// The bridge's own latency toward the bot: from a caller frame taken from the library
    /// (fcstream's `Call`) to its `media` message written and flushed to the bot's socket
    /// (conversion, framing, JSON, base64, the WebSocket write).
    pub to_bot: LatencySnapshot,
    /// From the end of a caller frame's span by the platform's clock (its `end_tstamp`) to its
    /// `media` written to the bot: the gRPC hop, the library and the bridge together. Only
    /// meaningful when the platform's clock is this host's (the emulator on the same host);
    /// frames stamped in the future or over a minute old are not counted.
    pub platform_to_bot: LatencySnapshot,
    /// The bridge's own latency toward the platform: from a bot `media` message read off the
    /// socket to its audio handed to the library's pacer (a `PlayAudioMessage` on its way),
    /// for audio that went straight out (audio that waits behind the bridge's flow control,
    /// because the bot sent it ahead of time, is pacing, not latency, and is not counted).
    pub to_platform: LatencySnapshot,
}

impl BridgeStats {
    /// The counters now.
    pub fn snapshot(&self) -> StatsSnapshot {
        StatsSnapshot {
            calls: self.calls.load(Relaxed),
            active: self.active.load(Relaxed),
            bot_connects: self.bot_connects.load(Relaxed),
            bot_connect_failures: self.bot_connect_failures.load(Relaxed),
            bot_connect_us_total: self.bot_connect_us_total.load(Relaxed),
            bot_connect_us_max: self.bot_connect_us_max.load(Relaxed),
            frames_to_bot: self.frames_to_bot.load(Relaxed),
            media_from_bot: self.media_from_bot.load(Relaxed),
            bad_messages: self.bad_messages.load(Relaxed),
            oversize_messages: self.oversize_messages.load(Relaxed),
            unknown_events: self.unknown_events.load(Relaxed),
            audio_dropped_ms: self.audio_dropped_ms.load(Relaxed),
            marks_outstanding: self.marks_outstanding.load(Relaxed),
            marks_answered: self.marks_answered.load(Relaxed),
            marks_overflow: self.marks_overflow.load(Relaxed),
            clears: self.clears.load(Relaxed),
            bot_closed: self.bot_closed.load(Relaxed),
            to_bot: self.to_bot.snapshot(),
            platform_to_bot: self.platform_to_bot.snapshot(),
            to_platform: self.to_platform.snapshot(),
        }
    }

    pub(crate) fn connected(&self, us: u64) {
        self.bot_connects.fetch_add(1, Relaxed);
        self.bot_connect_us_total.fetch_add(us, Relaxed);
        self.bot_connect_us_max.fetch_max(us, Relaxed);
    }

    /// The counters in Prometheus text format (`fcstream_bridge_*`).
    pub fn render(&self) -> String {
        let s = self.snapshot();
        let mut out = String::new();
        let rows: [(&str, &str, &str, i128); 17] = [
            ("calls_total", "counter", "Calls bridged", s.calls.into()),
            (
                "active_calls",
                "gauge",
                "Calls bridged now",
                s.active.into(),
            ),
            (
                "bot_connects_total",
                "counter",
                "Bot WebSockets opened",
                s.bot_connects.into(),
            ),
            (
                "bot_connect_failures_total",
                "counter",
                "Bot connections that failed",
                s.bot_connect_failures.into(),
            ),
            (
                "bot_connect_us_total",
                "counter",
                "Sum of bot connect times (microseconds)",
                s.bot_connect_us_total.into(),
            ),
            (
                "bot_connect_max_us",
                "gauge",
                "Longest bot connect time (microseconds)",
                s.bot_connect_us_max.into(),
            ),
            (
                "frames_to_bot_total",
                "counter",
                "Caller frames sent to bots",
                s.frames_to_bot.into(),
            ),
            (
                "media_from_bot_total",
                "counter",
                "Media messages from bots",
                s.media_from_bot.into(),
            ),
            (
                "bad_messages_total",
                "counter",
                "Bot messages refused (JSON, fields, base64, binary)",
                s.bad_messages.into(),
            ),
            (
                "oversize_messages_total",
                "counter",
                "Bot messages refused for their size",
                s.oversize_messages.into(),
            ),
            (
                "unknown_events_total",
                "counter",
                "Bot events not acted on",
                s.unknown_events.into(),
            ),
            (
                "audio_dropped_ms_total",
                "counter",
                "Bot audio dropped over the buffer bound (milliseconds)",
                s.audio_dropped_ms.into(),
            ),
            (
                "marks_outstanding",
                "gauge",
                "Marks waiting for their audio",
                s.marks_outstanding.into(),
            ),
            (
                "marks_answered_total",
                "counter",
                "Marks answered",
                s.marks_answered.into(),
            ),
            (
                "marks_overflow_total",
                "counter",
                "Marks answered early over the bound",
                s.marks_overflow.into(),
            ),
            (
                "clears_total",
                "counter",
                "Clears carried out",
                s.clears.into(),
            ),
            (
                "bot_closed_total",
                "counter",
                "Bots that closed before the call ended",
                s.bot_closed.into(),
            ),
        ];
        for (name, kind, help, value) in rows {
            let _ = writeln!(out, "# HELP fcstream_bridge_{name} {help}");
            let _ = writeln!(out, "# TYPE fcstream_bridge_{name} {kind}");
            let _ = writeln!(out, "fcstream_bridge_{name} {value}");
        }
        let latencies = [
            (
                "to_bot",
                "Caller frame from the library to the bot's socket",
                s.to_bot,
            ),
            (
                "platform_to_bot",
                "Caller frame end (platform clock) to the bot's socket",
                s.platform_to_bot,
            ),
            (
                "to_platform",
                "Bot media from its socket to the library's pacer",
                s.to_platform,
            ),
        ];
        for (name, help, l) in latencies {
            let name = format!("fcstream_bridge_latency_{name}_seconds");
            let _ = writeln!(out, "# HELP {name} {help} (since start)");
            let _ = writeln!(out, "# TYPE {name} summary");
            for (q, us) in [
                ("0.5", l.p50_us),
                ("0.9", l.p90_us),
                ("0.99", l.p99_us),
                ("0.999", l.p999_us),
            ] {
                let _ = writeln!(out, "{name}{{quantile=\"{q}\"}} {}", seconds(us));
            }
            let _ = writeln!(out, "{name}_sum {}", seconds(l.sum_us));
            let _ = writeln!(out, "{name}_count {}", l.count);
        }
        out
    }
}

fn seconds(us: u64) -> String {
    format!("{}.{:06}", us / 1_000_000, us % 1_000_000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_cover_every_value_within_six_percent() {
        let mut last = 0;
        for us in (0..200_000u64).chain([1 << 39, (1 << 40) - 1]) {
            let i = bucket(us);
            assert!(i < BUCKETS && i >= last, "{us}");
            last = i;
            assert!(upper(i) >= us, "{us}");
            assert!(
                upper(i) - us <= us / (1u64 << SUB_BITS),
                "{us} -> {}",
                upper(i)
            );
        }
        assert_eq!(bucket(u64::MAX), BUCKETS - 1);
    }

    #[test]
    fn quantiles_of_known_latencies() {
        let l = Latency::default();
        assert_eq!(l.snapshot(), LatencySnapshot::default());
        for ms in 1..=1000u64 {
            l.record(Duration::from_micros(ms * 100));
        }
        let s = l.snapshot();
        assert_eq!(s.count, 1000);
        assert_eq!(s.max_us, 100_000);
        assert_eq!(s.sum_us, 100 * 1000 * 1001 / 2);
        let near = |got: u64, want: u64| got >= want && got <= want + want / 16;
        assert!(near(s.p50_us, 50_000), "{s:?}");
        assert!(near(s.p90_us, 90_000), "{s:?}");
        assert!(near(s.p99_us, 99_000), "{s:?}");
        assert!(s.p999_us <= s.max_us);
    }

    #[test]
    fn latencies_render_as_prometheus_summaries() {
        let stats = BridgeStats::default();
        stats.to_bot.record(Duration::from_micros(1500));
        let text = stats.render();
        assert!(
            text.contains("# TYPE fcstream_bridge_latency_to_bot_seconds summary"),
            "{text}"
        );
        assert!(
            text.contains("fcstream_bridge_latency_to_bot_seconds{quantile=\"0.5\"} 0.001"),
            "{text}"
        );
        assert!(
            text.contains("fcstream_bridge_latency_to_bot_seconds_count 1"),
            "{text}"
        );
        assert!(
            text.contains("fcstream_bridge_latency_to_platform_seconds_count 0"),
            "{text}"
        );
    }
}
