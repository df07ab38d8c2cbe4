//! Per-bridge counters (atomics, no labels): bot connect time, marks outstanding, and every
//! refusal of bad bot input, so that an operator sees a misbehaving bot without reading logs.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering::Relaxed};

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
        out
    }
}
