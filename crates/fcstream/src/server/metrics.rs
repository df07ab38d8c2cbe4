//! Prometheus metrics of a server: what an operator watches (active calls, how calls end, why
//! streams are refused, frames both ways, dropped events, play latency, errors).
//!
//! Calls update the shared counters in batches (at most every few hundred frames and at the
//! end of the call), never per frame, so thousands of calls do not contend on them.

#[cfg(feature = "metrics")]
mod imp {
    use prometheus::{
        Encoder, Histogram, HistogramOpts, IntCounter, IntCounterVec, IntGauge, IntGaugeVec, Opts,
        Registry, TextEncoder,
    };

    use super::reason_label;
    use crate::call::CallStats;
    use crate::error::EndCause;

    /// The server's metrics, registered in their own [`Registry`].
    #[derive(Clone)]
    pub struct Metrics {
        /// Where everything is registered; [`Metrics::render`] encodes it.
        registry: Registry,
        /// Calls running now.
        pub(crate) active_calls: IntGauge,
        /// Calls ended, by end reason.
        pub(crate) calls_ended: IntCounterVec,
        /// Streams refused before a handler ran, by cause.
        pub(crate) rejected: IntCounterVec,
        /// Caller audio frames received.
        pub(crate) frames_in: IntCounter,
        /// Audio entries sent to the platform.
        pub(crate) entries_out: IntCounter,
        /// Caller frames skipped as malformed.
        pub(crate) frames_malformed: IntCounter,
        /// Events the app did not read in time.
        pub(crate) dropped_events: IntCounter,
        /// Seconds from `play` to the platform's completion of its final chunk.
        pub(crate) play_latency: Histogram,
        /// Errors by kind: platform error ids, handler errors and panics.
        pub(crate) errors: IntCounterVec,
        /// Calls recorded (`--record-dir`).
        pub(crate) recordings: IntCounter,
        /// Recording failures, by kind (`open`, `write`).
        pub(crate) recording_errors: IntCounterVec,
        /// Recording chunks dropped because the disk was not keeping up.
        pub(crate) recording_dropped: IntCounterVec,
    }

    impl std::fmt::Debug for Metrics {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.debug_struct("Metrics").finish_non_exhaustive()
        }
    }

    impl Default for Metrics {
        fn default() -> Self {
            Self::new()
        }
    }

    fn must<T>(r: prometheus::Result<T>) -> T {
        // Only fails on an invalid name or a duplicate registration: both are constants here,
        // covered by the unit test below.
        r.unwrap_or_else(|e| panic!("metric definition: {e}"))
    }

    impl Metrics {
        /// A fresh set of metrics in a fresh registry.
        pub fn new() -> Self {
            let registry = Registry::new();
            let active_calls = must(IntGauge::new("fcstream_active_calls", "Calls running now"));
            let calls_ended = must(IntCounterVec::new(
                Opts::new("fcstream_calls_ended_total", "Calls ended, by reason"),
                &["reason"],
            ));
            let rejected = must(IntCounterVec::new(
                Opts::new(
                    "fcstream_streams_rejected_total",
                    "Streams refused before a handler ran, by cause",
                ),
                &["cause"],
            ));
            let frames_in = must(IntCounter::new(
                "fcstream_frames_in_total",
                "Caller audio frames received",
            ));
            let entries_out = must(IntCounter::new(
                "fcstream_audio_entries_out_total",
                "PlayAudio messages sent to the platform",
            ));
            let frames_malformed = must(IntCounter::new(
                "fcstream_frames_malformed_total",
                "Caller frames skipped as malformed (empty, half a sample)",
            ));
            let dropped_events = must(IntCounter::new(
                "fcstream_dropped_events_total",
                "Events dropped because the app did not read them in time",
            ));
            let play_latency = must(Histogram::with_opts(
                HistogramOpts::new(
                    "fcstream_play_completed_seconds",
                    "Seconds from play() to the platform's completion of the final chunk",
                )
                .buckets(vec![
                    0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0,
                ]),
            ));
            let errors = must(IntCounterVec::new(
                Opts::new("fcstream_errors_total", "Errors by kind"),
                &["kind"],
            ));
            let recordings = must(IntCounter::new(
                "fcstream_recordings_total",
                "Calls recorded (record_dir)",
            ));
            let recording_errors = must(IntCounterVec::new(
                Opts::new(
                    "fcstream_recording_errors_total",
                    "Recording failures by kind (open: files not created; write: a write failed)",
                ),
                &["kind"],
            ));
            let recording_dropped = must(IntCounterVec::new(
                Opts::new(
                    "fcstream_recording_dropped_total",
                    "Recording chunks (about 4 KiB of audio or timeline) dropped because the disk was not keeping up",
                ),
                &["what"],
            ));
            let build = must(IntGaugeVec::new(
                Opts::new("fcstream_build_info", "Build information"),
                &["version"],
            ));
            build.with_label_values(&[env!("CARGO_PKG_VERSION")]).set(1);
            for c in [
                Box::new(active_calls.clone()) as Box<dyn prometheus::core::Collector>,
                Box::new(calls_ended.clone()),
                Box::new(rejected.clone()),
                Box::new(frames_in.clone()),
                Box::new(entries_out.clone()),
                Box::new(frames_malformed.clone()),
                Box::new(dropped_events.clone()),
                Box::new(play_latency.clone()),
                Box::new(errors.clone()),
                Box::new(recordings.clone()),
                Box::new(recording_errors.clone()),
                Box::new(recording_dropped.clone()),
                Box::new(build),
            ] {
                must(registry.register(c));
            }
            // The standard process_* families (CPU seconds, resident and virtual memory, open
            // and maximum file descriptors, threads, start time), read from /proc at scrape
            // time: what dashboards and alerts for any Prometheus target expect.
            #[cfg(target_os = "linux")]
            must(registry.register(Box::new(
                prometheus::process_collector::ProcessCollector::for_self(),
            )));
            Self {
                registry,
                active_calls,
                calls_ended,
                rejected,
                frames_in,
                entries_out,
                frames_malformed,
                dropped_events,
                play_latency,
                errors,
                recordings,
                recording_errors,
                recording_dropped,
            }
        }

        /// The Prometheus text exposition of every metric.
        pub fn render(&self) -> String {
            let mut out = Vec::new();
            // Encoding into a Vec cannot fail for the text format.
            let _ = TextEncoder::new().encode(&self.registry.gather(), &mut out);
            String::from_utf8_lossy(&out).into_owned()
        }

        /// The registry, to add your own metrics beside fcstream's.
        pub fn registry(&self) -> &Registry {
            &self.registry
        }

        /// Counts a stream refused before its handler ran.
        pub(crate) fn reject(&self, cause: &str) {
            self.rejected.with_label_values(&[cause]).inc();
        }

        /// Counts a platform `NotifyErrorMessage` under a bounded label (`platform:<known
        /// id>` or `platform:other`).
        pub(crate) fn platform_error(&self, id: &'static str) {
            self.error(&format!("platform:{id}"));
        }

        /// Counts an error of `kind` (a label from a bounded set).
        pub(crate) fn error(&self, kind: &str) {
            self.errors.with_label_values(&[kind]).inc();
        }

        /// Adds what a call did since the last flush.
        pub(crate) fn add_stats(&self, now: &CallStats, before: &CallStats) {
            self.frames_in.inc_by(now.frames_in - before.frames_in);
            self.entries_out
                .inc_by(now.entries_out - before.entries_out);
            self.frames_malformed
                .inc_by(now.frames_malformed - before.frames_malformed);
            for (kind, n) in [
                ("plays_dropped", now.plays_dropped - before.plays_dropped),
                (
                    "waiters_released",
                    now.waiters_released - before.waiters_released,
                ),
            ] {
                if n > 0 {
                    self.errors.with_label_values(&[kind]).inc_by(n);
                }
            }
        }

        /// A call started running its handler.
        pub(crate) fn call_started(&self) {
            self.active_calls.inc();
        }

        /// A call's handler and stream are done.
        pub(crate) fn call_finished(&self) {
            self.active_calls.dec();
        }

        /// A play completed `latency` after it was asked for.
        pub(crate) fn play_completed(&self, latency: std::time::Duration) {
            self.play_latency.observe(latency.as_secs_f64());
        }

        /// Events the app did not read in time.
        pub(crate) fn dropped_events(&self, n: u64) {
            self.dropped_events.inc_by(n);
        }

        /// A call's recording started.
        pub(crate) fn recording_started(&self) {
            self.recordings.inc();
        }

        /// A recording failure of `kind` (`open`, `write`).
        pub(crate) fn recording_error(&self, kind: &'static str) {
            self.recording_errors.with_label_values(&[kind]).inc();
        }

        /// `n` recording chunks of `what` dropped.
        pub(crate) fn recording_dropped(&self, what: &'static str, n: u64) {
            self.recording_dropped.with_label_values(&[what]).inc_by(n);
        }

        /// Counts the end of a call.
        pub(crate) fn call_ended(&self, cause: &EndCause) {
            self.calls_ended
                .with_label_values(&[reason_label(cause)])
                .inc();
        }
    }
}

use crate::error::EndCause;
use crate::event::EndReason;
pub use imp::Metrics;

/// Without the `metrics` feature: the same API, counting nothing.
#[cfg(not(feature = "metrics"))]
mod imp {
    use crate::call::CallStats;
    use crate::error::EndCause;

    /// The server's metrics: without the `metrics` feature, a no-op with the same API.
    #[derive(Clone, Debug, Default)]
    pub struct Metrics;

    impl Metrics {
        /// A fresh (empty) set of metrics.
        pub fn new() -> Self {
            Self
        }

        /// The text exposition: empty without the `metrics` feature.
        pub fn render(&self) -> String {
            String::new()
        }

        pub(crate) fn reject(&self, _: &str) {}
        pub(crate) fn error(&self, _: &str) {}
        pub(crate) fn platform_error(&self, _: &'static str) {}
        pub(crate) fn add_stats(&self, _: &CallStats, _: &CallStats) {}
        pub(crate) fn call_started(&self) {}
        pub(crate) fn call_finished(&self) {}
        pub(crate) fn play_completed(&self, _: std::time::Duration) {}
        pub(crate) fn dropped_events(&self, _: u64) {}
        pub(crate) fn call_ended(&self, _: &EndCause) {}
        pub(crate) fn recording_started(&self) {}
        pub(crate) fn recording_error(&self, _: &'static str) {}
        pub(crate) fn recording_dropped(&self, _: &'static str, _: u64) {}
    }
}

/// A short, bounded label for an end cause.
#[cfg_attr(not(feature = "metrics"), allow(dead_code))]
pub(crate) fn reason_label(cause: &EndCause) -> &'static str {
    match cause {
        EndCause::Platform(end) => match end.reason {
            EndReason::CallerDisconnect => "caller_disconnect",
            EndReason::ApplicationDisconnect => "application_disconnect",
            EndReason::PlatformDisconnect => "platform_disconnect",
            EndReason::PlatformError => "platform_error",
            EndReason::Unknown(_) => "platform_unknown",
        },
        EndCause::StreamClosed => "stream_closed",
        EndCause::StreamError(_) => "stream_error",
        EndCause::HandlerFinished => "handler_finished",
        EndCause::IdleTimeout => "idle_timeout",
        EndCause::MaxDuration => "max_duration",
        EndCause::Shutdown => "shutdown",
        EndCause::Server(_) => "server",
    }
}

#[cfg(all(test, feature = "metrics"))]
mod tests {
    use super::*;

    #[test]
    fn renders_every_family() {
        let m = Metrics::new();
        m.call_started();
        m.reject("capacity");
        m.call_ended(&EndCause::StreamClosed);
        m.play_completed(std::time::Duration::from_millis(300));
        let text = m.render();
        for name in [
            "fcstream_active_calls 1",
            "fcstream_streams_rejected_total{cause=\"capacity\"} 1",
            "fcstream_calls_ended_total{reason=\"stream_closed\"} 1",
            "fcstream_play_completed_seconds_count 1",
            "fcstream_build_info{version=",
        ] {
            assert!(text.contains(name), "missing {name} in\n{text}");
        }
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn renders_the_process_families() {
        let text = Metrics::new().render();
        let value = |name: &str| -> f64 {
            text.lines()
                .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
                .unwrap_or_else(|| panic!("missing {name} in\n{text}"))
        };
        assert!(value("process_resident_memory_bytes") > 1e6);
        assert!(value("process_open_fds") >= 1.0);
        assert!(value("process_max_fds") >= value("process_open_fds"));
        assert!(value("process_start_time_seconds") > 1.7e9);
        assert!(value("process_cpu_seconds_total") >= 0.0);
        assert!(value("process_threads") >= 1.0);
    }
}
