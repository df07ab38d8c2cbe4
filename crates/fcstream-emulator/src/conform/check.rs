//! The expectations the cases share, read off a call's [`CallReport`]: the server kept its
//! stream open and read it, ended its side cleanly and promptly, echoed what the caller said.
//! Every failure says what the server did, in words a developer can act on; text from the
//! server (status messages) goes through [`shown`].

use std::collections::HashMap;
use std::time::Duration;

use fcstream::untrusted::shown;
use fcstream::ContentType;

use crate::report::{CallOutcome, CallReport};
use crate::timeline::Dir;

/// A caller frame the platform sent.
#[derive(Debug, Clone)]
pub(crate) struct Sent {
    /// When, in ms from the call's start.
    pub t_ms: f64,
    /// Its payload's checksum.
    pub fnv: String,
}

/// A `PlayAudioMessage` the server sent.
#[derive(Debug, Clone)]
pub(crate) struct Played {
    /// When it arrived, in ms from the call's start.
    pub t_ms: f64,
    /// Its payload's length.
    pub bytes: u64,
    /// Its payload's checksum.
    pub fnv: String,
    /// Its content type as sent.
    pub content_type: String,
}

fn text(v: &serde_json::Value, key: &str) -> String {
    v.get(key)
        .and_then(|x| x.as_str())
        .unwrap_or_default()
        .to_string()
}

/// The caller frames the platform sent, in order.
pub(crate) fn sent(r: &CallReport) -> Vec<Sent> {
    r.timeline
        .iter()
        .filter(|e| e.dir == Dir::ToApp && e.kind == "notify_audio_data")
        .map(|e| Sent {
            t_ms: e.t_ms,
            fnv: text(&e.fields, "audio_fnv"),
        })
        .collect()
}

/// The server's audio messages, in order of arrival.
pub(crate) fn played(r: &CallReport) -> Vec<Played> {
    r.timeline
        .iter()
        .filter(|e| e.dir == Dir::FromApp && e.kind == "audio_data")
        .map(|e| Played {
            t_ms: e.t_ms,
            bytes: e
                .fields
                .get("audio_bytes")
                .and_then(|x| x.as_u64())
                .unwrap_or(0),
            fnv: text(&e.fields, "audio_fnv"),
            content_type: text(&e.fields, "content_type"),
        })
        .collect()
}

/// The server kept its stream open until the call ended as `expected`, and read every
/// message the platform sent (none dropped on a full queue).
pub(crate) fn kept_open_and_read(r: &CallReport, expected: CallOutcome) -> Result<(), String> {
    let s = &r.summary;
    match s.outcome {
        o if o == expected => {}
        CallOutcome::AppClosedStream => {
            return Err(format!(
                "the server closed its stream (gRPC OK) at {:.0} ms, before the call ended",
                s.duration_ms
            ))
        }
        CallOutcome::AppFailed => {
            return Err(format!(
                "the server failed the stream at {:.0} ms: {}",
                s.duration_ms,
                shown(&s.app_stream)
            ))
        }
        CallOutcome::AppHangup => {
            return Err(format!(
                "the server hung up the call (TerminateCallMessage) at {:.0} ms",
                s.duration_ms
            ))
        }
        other => return Err(format!("the call ended as {other}, expected {expected}")),
    }
    if s.frames_dropped > 0 || s.notifications_dropped > 0 {
        return Err(format!(
            "the server stopped reading its stream: the platform's queue to it filled and {} caller frames and {} notifications were dropped (HTTP/2 flow control stalled the platform)",
            s.frames_dropped, s.notifications_dropped
        ));
    }
    Ok(())
}

/// After `NotifyCallEndedMessage(reason)` the server closed its side with gRPC OK within the
/// drain grace.
pub(crate) fn ended_cleanly(r: &CallReport, reason: &str, within: Duration) -> Result<(), String> {
    match r.summary.app_stream.as_str() {
        "OK" => Ok(()),
        "open" => Err(format!(
            "the server kept its side of the stream open more than {within:?} after NotifyCallEndedMessage({reason})"
        )),
        other => Err(format!(
            "after NotifyCallEndedMessage({reason}) the server ended its side with an error status instead of closing cleanly: {}",
            shown(other)
        )),
    }
}

/// What the echo cases measured.
#[derive(Debug, Clone)]
pub(crate) struct EchoStats {
    /// Frames echoed.
    pub echoed: usize,
    /// Caller frames sent.
    pub sent: usize,
    /// The median and the largest time a frame took to come back, ms.
    pub p50_ms: f64,
    /// The largest.
    pub max_ms: f64,
}

impl std::fmt::Display for EchoStats {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}/{} frames echoed byte-exact, latency p50 {:.1} ms, max {:.1} ms",
            self.echoed, self.sent, self.p50_ms, self.max_ms
        )
    }
}

/// Every caller frame came back as one `PlayAudioMessage`, byte-exact, in order, of a frame's
/// size and in the call's content type, each within `latency`; at most the frames of the
/// last `latency` (plus two) may be missing at the end.
pub(crate) fn echo(
    r: &CallReport,
    ct: ContentType,
    latency: Duration,
) -> Result<EchoStats, String> {
    let sent = sent(r);
    let played = played(r);
    if sent.is_empty() {
        return Err("the platform sent no caller frames (the call ended at once)".into());
    }
    if played.is_empty() {
        return Err(format!(
            "no audio echoed: {} caller frames sent, no PlayAudioMessage came back",
            sent.len()
        ));
    }
    let frame = ct.frame_bytes() as u64;
    let mut delays = Vec::with_capacity(played.len());
    for (i, p) in played.iter().enumerate() {
        let n = i + 1;
        match ContentType::parse(&p.content_type) {
            Ok(c) if c == ct => {}
            _ => {
                return Err(format!(
                    "echo #{n} has content type {:?}; the call is {ct}",
                    shown(&p.content_type)
                ))
            }
        }
        if p.bytes != frame {
            return Err(format!(
                "echo #{n} is {} bytes; a caller frame of {ct} is {frame} bytes (20 ms)",
                p.bytes
            ));
        }
        let Some(s) = sent.get(i) else {
            return Err(format!(
                "echo #{n}: more audio came back than the {} caller frames sent",
                sent.len()
            ));
        };
        if s.fnv != p.fnv {
            if let Some(j) = sent.iter().position(|s| s.fnv == p.fnv) {
                return Err(format!(
                    "echo #{n} is caller frame #{} (frames echoed out of order)",
                    j + 1
                ));
            }
            return Err(format!(
                "echo #{n} is not byte-exact: its {} bytes differ from caller frame #{n}",
                p.bytes
            ));
        }
        delays.push(p.t_ms - s.t_ms);
    }
    let bound_ms = latency.as_secs_f64() * 1000.0;
    if let Some((i, d)) = delays
        .iter()
        .enumerate()
        .find(|(_, d)| **d > bound_ms)
        .map(|(i, d)| (i, *d))
    {
        return Err(format!(
            "echo #{} came back {d:.0} ms after its caller frame; the bound is {bound_ms:.0} ms",
            i + 1
        ));
    }
    let allowed_missing = (bound_ms / 20.0).ceil() as usize + 2;
    if played.len() + allowed_missing < sent.len() {
        let last = played.last().map_or(0.0, |p| p.t_ms);
        return Err(format!(
            "the echo stopped: {} of {} caller frames came back, the last at {last:.0} ms",
            played.len(),
            sent.len()
        ));
    }
    let mut sorted = delays.clone();
    sorted.sort_by(f64::total_cmp);
    Ok(EchoStats {
        echoed: played.len(),
        sent: sent.len(),
        p50_ms: sorted.get(sorted.len() / 2).copied().unwrap_or(0.0),
        max_ms: sorted.last().copied().unwrap_or(0.0),
    })
}

/// What [`echo_flows`] measured.
#[derive(Debug, Clone)]
pub(crate) struct FlowStats {
    /// Frames echoed.
    pub echoed: usize,
    /// Caller frames sent.
    pub sent: usize,
    /// The longest wait between two echoes, ms.
    pub longest_gap_ms: f64,
}

impl std::fmt::Display for FlowStats {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the echo flowed: {} audio messages for {} caller frames, longest gap {:.0} ms",
            self.echoed, self.sent, self.longest_gap_ms
        )
    }
}

/// The echo kept flowing through the whole call, though perhaps late or with frames lost (a
/// platform variant may cost a server latency, it must not stop it): no wait between two
/// audio messages from the server (or from the first caller frame to the first, or from the
/// last to the end of the call) longer than `max_gap`, and at least a quarter as many as
/// caller frames. What the audio is, is the echo cases' business ([`echo`]).
pub(crate) fn echo_flows(r: &CallReport, max_gap: Duration) -> Result<FlowStats, String> {
    let sent = sent(r);
    let played = played(r);
    if sent.is_empty() {
        return Err("the platform sent no caller frames (the call ended at once)".into());
    }
    let gap_ms = max_gap.as_secs_f64() * 1000.0;
    let first_sent = sent.first().map_or(0.0, |s| s.t_ms);
    let end = r.summary.duration_ms;
    let mut marks = vec![first_sent];
    marks.extend(played.iter().map(|p| p.t_ms).filter(|t| *t <= end));
    let none_in_call = marks.len() == 1;
    marks.push(end);
    let mut longest: f64 = 0.0;
    for w in marks.windows(2) {
        let gap = w[1] - w[0];
        if gap > gap_ms {
            return Err(if none_in_call {
                format!(
                    "the echo never started: no audio came back during the {end:.0} ms call ({} messages after it ended)",
                    played.len()
                )
            } else {
                format!(
                    "the echo stalled: nothing came back from {:.0} ms to {:.0} ms (more than {gap_ms:.0} ms)",
                    w[0], w[1]
                )
            });
        }
        longest = longest.max(gap);
    }
    if played.len() * 4 < sent.len() {
        return Err(format!(
            "only {} of {} caller frames came back",
            played.len(),
            sent.len()
        ));
    }
    Ok(FlowStats {
        echoed: played.len(),
        sent: sent.len(),
        longest_gap_ms: longest,
    })
}

/// No audio of this call's echo is another call's caller frame (`whose`: every frame of
/// every call, named).
pub(crate) fn no_cross_talk(r: &CallReport, whose: &HashMap<String, String>) -> Result<(), String> {
    let own: std::collections::HashSet<String> = sent(r).into_iter().map(|s| s.fnv).collect();
    for (i, p) in played(r).iter().enumerate() {
        if !own.contains(&p.fnv) {
            if let Some(other) = whose.get(&p.fnv) {
                return Err(format!(
                    "echo #{} is not this call's audio: it is {other} (cross-talk between calls)",
                    i + 1
                ));
            }
        }
    }
    Ok(())
}
