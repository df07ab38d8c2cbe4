//! What a load run found: [`LoadReport`], serialisable for machines (`--json`) and rendered
//! as a table for people. A run whose generator could not keep its own clock is labelled
//! generator-limited everywhere, and its numbers are never presented as the server's.
//!
//! Besides the percentiles, the JSON carries the whole added-latency distribution
//! ([`LoadReport::latency_histogram`]: the histogram's non-empty buckets, from which any
//! quantile or a CDF can be recomputed exactly as the report's) and the run second by second
//! ([`LoadReport::series`]: calls up, p99, frames lost and late in each second), for plots
//! (`bench/run` draws both) and for spotting when in a run the tail grew.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use crate::histogram::{Bucket, Histogram};

/// Percentiles of a distribution, in milliseconds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Percentiles {
    /// Values recorded.
    pub count: u64,
    /// Median.
    pub p50: f64,
    /// 90th percentile.
    pub p90: f64,
    /// 99th percentile.
    pub p99: f64,
    /// 99.9th percentile.
    pub p999: f64,
    /// Largest.
    pub max: f64,
    /// Mean.
    pub mean: f64,
}

impl Percentiles {
    /// From a histogram of microseconds.
    pub(crate) fn of_us(h: &Histogram) -> Self {
        let ms = |us: u64| (us as f64 / 1000.0 * 1000.0).round() / 1000.0;
        Self {
            count: h.len(),
            p50: ms(h.quantile(0.5)),
            p90: ms(h.quantile(0.9)),
            p99: ms(h.quantile(0.99)),
            p999: ms(h.quantile(0.999)),
            max: ms(h.max()),
            mean: (h.mean()).round() / 1000.0,
        }
    }
}

/// A whole distribution of µs, as exported: its non-empty buckets (see
/// [`crate::histogram`]).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct HistogramExport {
    /// Values recorded (the sum of the buckets' counts).
    pub count: u64,
    /// The largest value, µs (the last bucket's `le_us`).
    pub max_us: u64,
    /// The non-empty buckets, lowest first: `le_us` is a bucket's inclusive upper edge (values
    /// are within ~3 % of it), `count` how many values fell in it. The value at quantile `q`
    /// is the `le_us` of the first bucket whose running count reaches `ceil(q * count)`,
    /// exactly the report's percentiles (in ms there).
    pub buckets: Vec<Bucket>,
}

impl HistogramExport {
    /// From a histogram of µs.
    pub(crate) fn of(h: &Histogram) -> Self {
        Self {
            count: h.len(),
            max_us: h.max(),
            buckets: h.buckets(),
        }
    }
}

/// One second of the run (`t_s` .. `t_s + 1` seconds after the run's start).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SecondRow {
    /// The second, counted from the run's start (0: the first).
    pub t_s: u64,
    /// Calls in progress at the second's end (started, not yet over).
    pub calls_up: u64,
    /// Caller frames sent in it.
    pub frames_sent: u64,
    /// Echoes (distinct frames) received in it.
    pub echoed: u64,
    /// Median added latency of the echoes received in it, ms (`None`: no echo).
    pub p50_ms: Option<f64>,
    /// 99th percentile of the same, ms.
    pub p99_ms: Option<f64>,
    /// Largest of the same, ms.
    pub max_ms: Option<f64>,
    /// Echoes received in it later than the SLO's p99 (`slo.p99_ms` after their frame).
    pub late: u64,
    /// Frames sent in it that were never echoed (0 when not expecting an echo): the seconds'
    /// `lost` add up to `frames.lost`.
    pub lost: u64,
    /// p99 of the generator's tick lateness in it, ms (`None`: no frame due in it).
    pub lateness_p99_ms: Option<f64>,
}

/// How the calls went.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CallCounts {
    /// Calls planned.
    pub planned: u64,
    /// Calls that ended well: the caller hung up as planned (or the app hung up) and the app
    /// ended its side cleanly (and, with an echo app, echoed something).
    pub ok: u64,
    /// Of those, calls the app hung up.
    pub app_hangups: u64,
    /// Calls that failed.
    pub failed: u64,
    /// Failed calls by reason.
    pub failures: BTreeMap<String, u64>,
}

/// What happened to the caller's frames.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct FrameCounts {
    /// Caller frames sent.
    pub sent: u64,
    /// Distinct frames echoed back.
    pub echoed: u64,
    /// Frames sent and never echoed (0 when not expecting an echo).
    pub lost: u64,
    /// `lost / sent`, percent.
    pub loss_pct: f64,
    /// Echoes of a frame already echoed.
    pub duplicates: u64,
    /// Echoes that came after a later frame's.
    pub reordered: u64,
    /// `PlayAudio`s that carried no tag of ours.
    pub untagged: u64,
    /// `PlayAudio`s that carried another call's tag (cross-talk).
    pub misrouted: u64,
    /// `PlayAudio` entries refused because the platform's buffer was full.
    pub buffer_overflows: u64,
}

/// Traffic in the steady window, per second.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Rates {
    /// Caller frames sent per second.
    pub frames_out: f64,
    /// `PlayAudio`s received per second.
    pub frames_in: f64,
    /// Platform messages sent per second (frames, notifications, acknowledgements).
    pub messages_out: f64,
    /// App messages received per second.
    pub messages_in: f64,
}

/// The generator's health and cost.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct GeneratorStats {
    /// How late caller frames went out, ms.
    pub lateness_ms: Percentiles,
    /// p99 lateness above which the run is generator-limited, ms.
    pub lateness_threshold_ms: f64,
    /// The run cannot be trusted as a server measurement.
    pub limited: bool,
    /// Generator threads.
    pub threads: usize,
    /// HTTP/2 connections.
    pub connections: usize,
    /// How app messages are read: `tick` (once per 1 ms tick: latency over-stated by 0-1 ms)
    /// or `precise` (as they arrive).
    pub receive: String,
    /// CPU of the generator's threads in the steady window, % of one core.
    pub cpu_pct: Option<f64>,
    /// CPU µs per call per second of call.
    pub cpu_us_per_call_s: Option<f64>,
    /// Calls one generator core could drive at this cost.
    pub projected_calls_per_core: Option<f64>,
}

/// The server's cost, when its pid was given.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ServerStats {
    /// Its process id.
    pub pid: u32,
    /// CPU in the steady window, % of one core.
    pub cpu_pct: Option<f64>,
    /// CPU % of one core per 1,000 calls.
    pub cpu_pct_per_1000_calls: Option<f64>,
    /// Calls one core could serve at this cost.
    pub projected_calls_per_core: Option<f64>,
    /// RSS before the first call, KiB.
    pub rss_before_kib: Option<u64>,
    /// RSS at the end of the steady window (every call up), KiB.
    pub rss_kib: Option<u64>,
    /// (RSS − RSS before) / calls, KiB.
    pub rss_per_call_kib: Option<f64>,
}

/// The SLO the run is judged by.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct SloResult {
    /// p99 added latency allowed, ms.
    pub p99_ms: f64,
    /// Loss allowed, percent.
    pub max_loss_pct: f64,
    /// Whether the run met it (never true when generator-limited).
    pub met: bool,
}

/// What a load run found. See the module docs.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct LoadReport {
    /// `pass`, `fail` (the SLO was not met, or calls failed) or `generator-limited`.
    pub verdict: String,
    /// The app's URL.
    pub url: String,
    /// The calls' content type.
    pub content_type: String,
    /// Concurrent calls planned.
    pub calls_planned: u64,
    /// Calls started per second.
    pub ramp_per_s: f64,
    /// Each call's talk time, s.
    pub duration_s: f64,
    /// The steady window (every call up), s since the first call: start, end.
    pub window_s: (f64, f64),
    /// Whether the window really had every call up (false: the run was too short, and the
    /// window is the whole run).
    pub steady: bool,
    /// Calls.
    pub calls: CallCounts,
    /// Added latency per echoed frame (caller frame sent → its echo received), ms.
    pub latency_ms: Percentiles,
    /// The same distribution, whole: its histogram's buckets, µs.
    pub latency_histogram: HistogramExport,
    /// Stream opened → response headers, per call, ms.
    pub connect_ms: Percentiles,
    /// Call start → first `PlayAudio`, per call, ms.
    pub first_audio_ms: Percentiles,
    /// Frames.
    pub frames: FrameCounts,
    /// Traffic in the steady window.
    pub rates: Rates,
    /// The generator.
    pub generator: GeneratorStats,
    /// The server, when its pid was given.
    pub server: Option<ServerStats>,
    /// The SLO.
    pub slo: SloResult,
    /// The run second by second, from its start to its last call's end.
    pub series: Vec<SecondRow>,
}

fn opt(v: Option<f64>, unit: &str) -> String {
    v.map_or("unknown".into(), |v| format!("{v:.1}{unit}"))
}

impl LoadReport {
    /// The report as a table for people.
    pub fn render(&self) -> String {
        let mut s = String::new();
        let w = &mut s;
        if self.generator.limited {
            let _ = writeln!(
                w,
                "GENERATOR-LIMITED: the load generator fired its 20 ms ticks late (p99 {:.2} ms > {:.2} ms).\n\
                 The numbers below describe the generator, not the server. Give it more CPU\n\
                 (--threads, another core) or fewer calls.\n",
                self.generator.lateness_ms.p99, self.generator.lateness_threshold_ms
            );
        }
        let _ = writeln!(
            w,
            "fcstream load {}  {} calls ({}), ramp {:.0}/s, {:.0}s each",
            self.url, self.calls_planned, self.content_type, self.ramp_per_s, self.duration_s
        );
        let _ = writeln!(
            w,
            "verdict: {}   (SLO: p99 added latency <= {} ms, loss <= {}%)\n",
            self.verdict, self.slo.p99_ms, self.slo.max_loss_pct
        );
        let _ = writeln!(
            w,
            "calls      ok {}  failed {}  (app hang-ups {})",
            self.calls.ok, self.calls.failed, self.calls.app_hangups
        );
        for (why, n) in &self.calls.failures {
            let _ = writeln!(w, "           {n:>6} × {why}");
        }
        let f = &self.frames;
        let _ = writeln!(
            w,
            "frames     sent {}  echoed {}  lost {} ({:.3}%)  dup {}  reordered {}  untagged {}  misrouted {}  overflow {}",
            f.sent, f.echoed, f.lost, f.loss_pct, f.duplicates, f.reordered, f.untagged, f.misrouted, f.buffer_overflows
        );
        let _ = writeln!(
            w,
            "rates/s    frames out {:.0}  in {:.0}   messages out {:.0}  in {:.0}   (steady window {:.1}-{:.1}s{})\n",
            self.rates.frames_out,
            self.rates.frames_in,
            self.rates.messages_out,
            self.rates.messages_in,
            self.window_s.0,
            self.window_s.1,
            if self.steady { "" } else { ", not steady: run too short" }
        );
        let _ = writeln!(
            w,
            "{:<24}{:>9}{:>9}{:>9}{:>9}{:>9}{:>10}",
            "ms", "p50", "p90", "p99", "p99.9", "max", "count"
        );
        for (name, p) in [
            ("added latency/frame", &self.latency_ms),
            ("connect/call", &self.connect_ms),
            ("first app audio/call", &self.first_audio_ms),
            ("generator lateness", &self.generator.lateness_ms),
        ] {
            let _ = writeln!(
                w,
                "{name:<24}{:>9.2}{:>9.2}{:>9.2}{:>9.2}{:>9.2}{:>10}",
                p.p50, p.p90, p.p99, p.p999, p.max, p.count
            );
        }
        if let Some(worst) = self
            .series
            .iter()
            .filter_map(|r| r.p99_ms.map(|p| (p, r)))
            .max_by(|a, b| a.0.total_cmp(&b.0))
        {
            let lossy = self.series.iter().filter(|r| r.lost > 0).count();
            let late = self.series.iter().filter(|r| r.late > 0).count();
            let _ = writeln!(
                w,
                "\nper second (--json: series)  worst p99 {:.2} ms in second {} ({} calls up); seconds with loss {lossy}, with echoes over {} ms {late} of {}",
                worst.0,
                worst.1.t_s,
                worst.1.calls_up,
                self.slo.p99_ms,
                self.series.len()
            );
        }
        let g = &self.generator;
        let _ = writeln!(
            w,
            "\ngenerator  {} thread(s), {} connection(s), reads {}, CPU {} of one core, {} µs CPU per call-second, ~{} calls/core",
            g.threads,
            g.connections,
            if g.receive == "tick" { "at 1 ms ticks (latency +0-1 ms)" } else { "as messages arrive" },
            opt(g.cpu_pct, "%"),
            opt(g.cpu_us_per_call_s, ""),
            opt(g.projected_calls_per_core, "")
        );
        if let Some(sv) = &self.server {
            let _ = writeln!(
                w,
                "server     pid {}: CPU {} of one core ({} per 1,000 calls → ~{} calls/core), RSS {} KiB ({} KiB/call)",
                sv.pid,
                opt(sv.cpu_pct, "%"),
                opt(sv.cpu_pct_per_1000_calls, "%"),
                opt(sv.projected_calls_per_core, ""),
                sv.rss_kib.map_or("unknown".into(), |v| v.to_string()),
                opt(sv.rss_per_call_kib, "")
            );
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The value at quantile `q` of exported buckets, as a reader of the JSON would find it.
    fn quantile_ms(h: &HistogramExport, q: f64) -> f64 {
        let rank = ((q * h.count as f64).ceil() as u64).max(1);
        let mut seen = 0;
        for b in &h.buckets {
            seen += b.count;
            if seen >= rank {
                return b.le_us as f64 / 1000.0;
            }
        }
        f64::NAN
    }

    #[test]
    fn the_exported_latency_histogram_gives_the_reports_percentiles() {
        let mut h = Histogram::new();
        // 10,000 "frames": a body around 0.3-1.5 ms, a tail to 45 ms.
        for i in 0..10_000u64 {
            let v = if i % 250 == 0 {
                20_000 + i * 2
            } else {
                300 + (i * 7919) % 1200
            };
            h.record(v);
        }
        let p = Percentiles::of_us(&h);
        let e = HistogramExport::of(&h);
        assert_eq!(e.count, 10_000);
        assert_eq!(e.buckets.iter().map(|b| b.count).sum::<u64>(), p.count);
        assert_eq!(e.max_us as f64 / 1000.0, p.max);
        for (q, want) in [
            (0.5, p.p50),
            (0.9, p.p90),
            (0.99, p.p99),
            (0.999, p.p999),
            (1.0, p.max),
        ] {
            assert_eq!(quantile_ms(&e, q), want, "q = {q}");
        }
        // As JSON: `[{le_us, count}]`.
        let json = serde_json::to_value(&e).expect("json");
        assert_eq!(
            json["buckets"][0]["count"].as_u64(),
            Some(e.buckets[0].count)
        );
        assert_eq!(
            json["buckets"][0]["le_us"].as_u64(),
            Some(e.buckets[0].le_us)
        );
    }
}
