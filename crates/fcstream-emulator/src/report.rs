//! What one emulated call produced: the audio the caller heard and said, the timeline of
//! every message, and a summary for people (`Display`) and machines (serde JSON).

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use fcstream::audio::wav;
use serde::{Deserialize, Serialize};

use crate::timeline::{self, Dir, TimelineEntry};
use crate::EmulatorError;

/// How the call ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CallOutcome {
    /// The caller hung up as scripted: `NotifyCallEnded(CALLER_DISCONNECT)`.
    CallerHangup,
    /// The app sent `TerminateCallMessage`: `NotifyCallEnded(APPLICATION_DISCONNECT)`.
    AppHangup,
    /// Fault: `NotifyCallEnded(PLATFORM_ERROR)`.
    PlatformError,
    /// Fault: `NotifyCallEnded(PLATFORM_DISCONNECT)`.
    PlatformDisconnect,
    /// Fault: the stream was dropped with no `NotifyCallEnded`.
    StreamDropped,
    /// The app ended its stream (gRPC OK) before the call ended.
    AppClosedStream,
    /// The app's stream failed (a gRPC error status, or the stream could not be opened).
    AppFailed,
    /// The script waited for the app to end the call and it did not in time; the caller
    /// hung up (`CALLER_DISCONNECT`).
    AppNeverEnded,
    /// The caller transferred the call away with `*8`: on the stream an ordinary caller
    /// hang-up (`CALLER_DISCONNECT`); the timeline notes the transfer.
    CallerTransfer,
    /// The app sent `EndGrpcStreamMessage` and the platform (`end_stream = "ends-stream"`)
    /// ended the stream with no `NotifyCallEnded`: the call goes on in PerCL.
    EndStream,
}

impl CallOutcome {
    /// The kebab-case name, as in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::CallerHangup => "caller-hangup",
            Self::AppHangup => "app-hangup",
            Self::PlatformError => "platform-error",
            Self::PlatformDisconnect => "platform-disconnect",
            Self::StreamDropped => "stream-dropped",
            Self::AppClosedStream => "app-closed-stream",
            Self::AppFailed => "app-failed",
            Self::AppNeverEnded => "app-never-ended",
            Self::CallerTransfer => "caller-transfer",
            Self::EndStream => "end-stream",
        }
    }

    /// Whether the call ended in a way nobody asked for (the app failed, or never ended a
    /// call it was expected to end). Faults end calls only when asked for, so they are not
    /// failures.
    pub fn is_failure(self) -> bool {
        matches!(self, Self::AppFailed | Self::AppNeverEnded)
    }
}

impl fmt::Display for CallOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Counters of the app's audio.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PlaySummary {
    /// `PlayAudioMessage`s received.
    pub entries_received: u64,
    /// Entries accepted into the buffer.
    pub entries_accepted: u64,
    /// Entries refused with an error (format, empty, buffer full).
    pub entries_rejected: u64,
    /// Entries that started playing (`PlaybackStarted` sent).
    pub started: u64,
    /// Entries that played to their end (`PlaybackCompleted` sent).
    pub completed: u64,
    /// Entries cut by a clear while playing.
    pub interrupted: u64,
    /// Entries dropped by a clear before they started.
    pub cleared_unplayed: u64,
    /// Entries playing or queued when the call ended.
    pub unfinished_at_end: u64,
    /// The most entries the audio buffer held at once (the one playing included).
    #[serde(default)]
    pub peak_depth: u64,
    /// The most audio queued at the platform at once, ms (how far ahead the app got).
    #[serde(default)]
    pub peak_queued_ms: f64,
    /// Clears carried out.
    pub clears: u64,
    /// Milliseconds of app audio the caller heard.
    pub app_audio_ms: f64,
}

/// DTMF both ways.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DtmfSummary {
    /// Keys the caller pressed (scripted), in order.
    pub from_caller: String,
    /// Keys the app asked to press (valid `PressDTMFMessage`s and not), in order.
    pub app_requested: String,
    /// Keys the app pressed that the caller heard in full.
    pub app_played: String,
}

/// The summary of one call. `Display` prints it for people.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// The call id announced.
    pub call_id: String,
    /// The call's content type.
    pub content_type: String,
    /// From `NotifyCallStarted` to the end of the call, ms.
    pub duration_ms: f64,
    /// How the call ended.
    pub outcome: CallOutcome,
    /// The reason code the platform sent in `NotifyCallEnded`, if it sent one.
    pub end_reason: Option<String>,
    /// How the app's stream ended: `OK`, a gRPC status (`Internal: handler failed`), or
    /// `open` if it was still open when the emulator let go.
    pub app_stream: String,
    /// From the call's start until the caller first heard app audio, ms.
    pub time_to_first_app_audio_ms: Option<f64>,
    /// The app's audio.
    pub plays: PlaySummary,
    /// `NotifyErrorMessage`s sent, by error id.
    pub errors: BTreeMap<String, u64>,
    /// DTMF both ways.
    pub dtmf: DtmfSummary,
    /// Caller audio frames sent.
    pub frames_sent: u64,
    /// Caller audio frames dropped because the app did not read its stream.
    pub frames_dropped: u64,
    /// Other notifications dropped for the same reason.
    pub notifications_dropped: u64,
    /// Audio frames (`PlayAudioMessage`s) received from the app.
    pub frames_received: u64,
    /// Places where a `PlayAudioMessage` had the same id as the one before it but a
    /// `sequence_num` other than the previous plus one.
    pub sequence_gaps: u64,
    /// Messages sent to the app.
    pub messages_to_app: u64,
    /// Messages received from the app.
    pub messages_from_app: u64,
    /// Messages the app sent after the call had ended.
    pub messages_after_end: u64,
    /// The faults that were asked for (as given).
    pub faults: Vec<String>,
    /// Stretches of caller speech the emulator found in what the caller said (key tones
    /// excluded; see [`crate::speech`]).
    #[serde(default)]
    pub caller_speech_segments: u64,
    /// Barge-in latency: for each stretch of caller speech that started while the app's
    /// audio was playing, the time from the speech's start until that audio stopped (the
    /// app cleared it, or it ran out). Speech during audio that played on until the call
    /// ended has none. JSON: `barge_in_latency_ms`, a list of ms.
    #[serde(default, rename = "barge_in_latency_ms", with = "ms_list")]
    pub barge_in_latency: Vec<Duration>,
    /// Response latency: for each stretch of caller speech that ended, the time from its end
    /// until the app's next audio started playing (none if no audio followed). JSON:
    /// `response_latency_ms`, a list of ms.
    #[serde(default, rename = "response_latency_ms", with = "ms_list")]
    pub response_latency: Vec<Duration>,
    /// Webhooks of the FreeClimb flow (`fcstream call --webhook`) that failed after the
    /// call (the `actionUrl`): one sentence each. The call's report stands; see
    /// [`crate::flow`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub webhook_errors: Vec<String>,
}

/// The `p`-th percentile (0..=100, nearest rank) of `values`; `None` if there are none.
pub fn percentile(values: &[Duration], p: f64) -> Option<Duration> {
    if values.is_empty() {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    let rank = (p.clamp(0.0, 100.0) / 100.0 * sorted.len() as f64).ceil() as usize;
    Some(sorted[rank.clamp(1, sorted.len()) - 1])
}

/// `Vec<Duration>` as a JSON list of milliseconds (µs precision).
mod ms_list {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(values: &[Duration], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(values.iter().map(|d| crate::timeline::ms(*d)))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Duration>, D::Error> {
        let ms = Vec::<f64>::deserialize(d)?;
        Ok(ms
            .into_iter()
            .map(|m| Duration::from_secs_f64((m / 1000.0).max(0.0)))
            .collect())
    }
}

/// `count`, p50 and p95 of latencies, for people.
fn latency_stats(values: &[Duration]) -> String {
    let ms = |p| percentile(values, p).map_or(0.0, |d| d.as_secs_f64() * 1000.0);
    match values.len() {
        0 => "none".to_string(),
        n => format!("p50 {:.0} ms, p95 {:.0} ms (of {n})", ms(50.0), ms(95.0)),
    }
}

impl Summary {
    /// Whether the call failed (see [`CallOutcome::is_failure`]) or the app's stream ended
    /// with an error status. A stream the platform dropped on purpose (`drop_at`) is not
    /// the app's failure.
    pub fn is_failure(&self) -> bool {
        let dropped = self.outcome == CallOutcome::StreamDropped && self.app_stream == "dropped";
        self.outcome.is_failure()
            || !(self.app_stream == "OK" || self.app_stream == "open" || dropped)
    }

    /// `NotifyErrorMessage`s sent in all.
    pub fn error_count(&self) -> u64 {
        self.errors.values().sum()
    }

    /// The median barge-in latency (see [`Summary::barge_in_latency`]).
    pub fn barge_in_p50(&self) -> Option<Duration> {
        percentile(&self.barge_in_latency, 50.0)
    }

    /// The 95th percentile of barge-in latency.
    pub fn barge_in_p95(&self) -> Option<Duration> {
        percentile(&self.barge_in_latency, 95.0)
    }

    /// The median response latency (see [`Summary::response_latency`]).
    pub fn response_p50(&self) -> Option<Duration> {
        percentile(&self.response_latency, 50.0)
    }

    /// The 95th percentile of response latency.
    pub fn response_p95(&self) -> Option<Duration> {
        percentile(&self.response_latency, 95.0)
    }
}

fn opt_ms(v: Option<f64>) -> String {
    v.map_or_else(|| "-".to_string(), |v| format!("{v:.0} ms"))
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "call {} ({})", self.call_id, self.content_type)?;
        writeln!(
            f,
            "  ended:        {} after {:.2} s (reason sent: {}; app stream: {})",
            self.outcome,
            self.duration_ms / 1000.0,
            self.end_reason.as_deref().unwrap_or("none"),
            self.app_stream
        )?;
        writeln!(
            f,
            "  first audio:  {}",
            opt_ms(self.time_to_first_app_audio_ms)
        )?;
        let p = &self.plays;
        writeln!(
            f,
            "  plays:        {} received, {} started, {} completed, {} interrupted, {} cleared unplayed, {} rejected, {} unfinished at end ({:.2} s heard)",
            p.entries_received, p.started, p.completed, p.interrupted, p.cleared_unplayed, p.entries_rejected, p.unfinished_at_end, p.app_audio_ms / 1000.0
        )?;
        writeln!(f, "  clears:       {}", p.clears)?;
        let errors = if self.errors.is_empty() {
            "none".to_string()
        } else {
            self.errors
                .iter()
                .map(|(k, v)| format!("{k} x{v}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        writeln!(f, "  errors:       {errors}")?;
        writeln!(
            f,
            "  DTMF:         caller pressed {:?}; app asked {:?}, caller heard {:?}",
            self.dtmf.from_caller, self.dtmf.app_requested, self.dtmf.app_played
        )?;
        writeln!(
            f,
            "  frames:       {} sent ({} dropped), {} received, {} sequence gaps",
            self.frames_sent, self.frames_dropped, self.frames_received, self.sequence_gaps
        )?;
        writeln!(
            f,
            "  speech:       {} caller segments; barge-in {}; response {}",
            self.caller_speech_segments,
            latency_stats(&self.barge_in_latency),
            latency_stats(&self.response_latency)
        )?;
        write!(
            f,
            "  messages:     {} to the app, {} from it ({} after the end)",
            self.messages_to_app, self.messages_from_app, self.messages_after_end
        )?;
        if !self.faults.is_empty() {
            write!(f, "\n  faults:       {}", self.faults.join(", "))?;
        }
        for e in &self.webhook_errors {
            write!(f, "\n  webhook:      FAILED: {e}")?;
        }
        Ok(())
    }
}

/// Everything one emulated call produced.
#[derive(Debug, Clone)]
pub struct CallReport {
    /// The summary.
    pub summary: Summary,
    /// Every message both ways.
    pub timeline: Vec<TimelineEntry>,
    /// Exactly what the caller heard, from the call's start to its end, at `rate`.
    pub heard: Vec<i16>,
    /// What the caller said (every frame sent), at `rate`.
    pub caller: Vec<i16>,
    /// The call's sample rate.
    pub rate: u32,
}

/// The files [`CallReport::write_to`] wrote.
#[derive(Debug, Clone)]
pub struct OutputFiles {
    /// What the caller heard.
    pub heard: PathBuf,
    /// The picture of the call: waveforms, spectrogram, events ([`crate::picture`]).
    pub picture: PathBuf,
    /// What the caller said.
    pub caller: PathBuf,
    /// Every message, one JSON object per line.
    pub timeline: PathBuf,
    /// The summary as JSON.
    pub summary: PathBuf,
}

impl CallReport {
    /// How many messages of `kind` went `dir`.
    pub fn count(&self, dir: Dir, kind: &str) -> usize {
        self.timeline
            .iter()
            .filter(|e| e.dir == dir && e.kind == kind)
            .count()
    }

    /// The entries of `kind` that went `dir`.
    pub fn entries<'a>(
        &'a self,
        dir: Dir,
        kind: &'a str,
    ) -> impl Iterator<Item = &'a TimelineEntry> + 'a {
        self.timeline
            .iter()
            .filter(move |e| e.dir == dir && e.kind == kind)
    }

    /// Writes `heard.wav`, `heard.png` (the picture, [`crate::picture`]), `caller.wav`,
    /// `timeline.jsonl` and `summary.json` into `dir` (created if missing).
    pub fn write_to(&self, dir: &Path) -> Result<OutputFiles, EmulatorError> {
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |source| EmulatorError::Io { path, source }
        };
        std::fs::create_dir_all(dir).map_err(io(dir))?;
        let files = OutputFiles {
            heard: dir.join("heard.wav"),
            picture: dir.join("heard.png"),
            caller: dir.join("caller.wav"),
            timeline: dir.join("timeline.jsonl"),
            summary: dir.join("summary.json"),
        };
        wav::write_file(&files.heard, self.rate, &self.heard)?;
        wav::write_file(&files.caller, self.rate, &self.caller)?;
        let f = std::fs::File::create(&files.timeline).map_err(io(&files.timeline))?;
        timeline::write_jsonl(&self.timeline, std::io::BufWriter::new(f))
            .map_err(io(&files.timeline))?;
        let json = serde_json::to_string_pretty(&self.summary)
            .map_err(|e| io(&files.summary)(std::io::Error::other(e)))?;
        std::fs::write(&files.summary, json + "\n").map_err(io(&files.summary))?;
        crate::picture::write_file(self, &files.picture)?;
        Ok(files)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_nearest_rank() {
        let v: Vec<Duration> = (1..=20).rev().map(Duration::from_millis).collect();
        assert_eq!(percentile(&v, 50.0), Some(Duration::from_millis(10)));
        assert_eq!(percentile(&v, 95.0), Some(Duration::from_millis(19)));
        assert_eq!(percentile(&v, 100.0), Some(Duration::from_millis(20)));
        assert_eq!(percentile(&v, 0.0), Some(Duration::from_millis(1)));
        assert_eq!(percentile(&[], 50.0), None);
        assert_eq!(latency_stats(&[]), "none");
        assert_eq!(latency_stats(&v), "p50 10 ms, p95 19 ms (of 20)");
    }

    #[test]
    fn latencies_are_lists_of_ms_in_json() {
        let json = serde_json::json!({
            "call_id": "CA1", "content_type": "audio/mulaw;rate=8000", "duration_ms": 1000.0,
            "outcome": "caller-hangup", "end_reason": null, "app_stream": "OK",
            "time_to_first_app_audio_ms": null, "plays": PlaySummary::default(),
            "errors": {}, "dtmf": DtmfSummary::default(), "frames_sent": 0,
            "frames_dropped": 0, "notifications_dropped": 0, "frames_received": 0,
            "sequence_gaps": 0, "messages_to_app": 0, "messages_from_app": 0,
            "messages_after_end": 0, "faults": []
        });
        // A summary written before speech timing existed still reads.
        let mut s: Summary = serde_json::from_value(json).unwrap();
        assert!(s.barge_in_latency.is_empty());
        s.barge_in_latency = vec![Duration::from_micros(104_600)];
        s.response_latency = vec![Duration::from_millis(480), Duration::from_millis(20)];
        let v = serde_json::to_value(&s).unwrap();
        assert_eq!(v["barge_in_latency_ms"], serde_json::json!([104.6]));
        assert_eq!(v["response_latency_ms"], serde_json::json!([480.0, 20.0]));
        assert_eq!(serde_json::from_value::<Summary>(v).unwrap(), s);
        assert!(s.to_string().contains(
            "speech:       0 caller segments; barge-in p50 105 ms, p95 105 ms (of 1); response p50 20 ms, p95 480 ms (of 2)"
        ), "{s}");
    }
}
