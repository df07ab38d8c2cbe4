//! The story of a call for people: who said what, when, and what the caller heard, told from
//! a [`CallReport`] (its timeline and its audio). `fcstream demo` prints it, and so does
//! `fcstream call --story`.

use std::fmt::Write as _;
use std::time::Duration;

use serde_json::Value;

use crate::analysis::{self, Span};
use crate::report::CallReport;
use crate::timeline::{self, Dir, TimelineEntry};

/// One line of the story.
#[derive(Debug, Clone, PartialEq)]
pub struct StoryLine {
    /// When, in ms from the call's start.
    pub t_ms: f64,
    /// Who: `caller`, `app` or `platform`.
    pub who: &'static str,
    /// What happened.
    pub what: String,
}

/// Plays whose clips are at most this long and follow each other closely are told as one
/// "echo" line (an app playing back the caller frame by frame).
const SHORT_CLIP_MS: f64 = 60.0;

fn field_str<'a>(e: &'a TimelineEntry, key: &str) -> &'a str {
    e.fields.get(key).and_then(Value::as_str).unwrap_or("")
}

fn event_ms(e: &TimelineEntry) -> f64 {
    e.fields
        .get("at_ms")
        .and_then(Value::as_f64)
        .unwrap_or(e.t_ms)
}

/// One play id's life: when its first entry started and its last entry ended.
struct Play {
    /// The play's id on the wire.
    id: String,
    /// When its first entry started, ms.
    start_ms: f64,
    /// When its last entry ended (or a clear cut it), ms.
    end_ms: f64,
    /// Whether its last entry played to its end.
    completed: bool,
}

fn describe_sound(samples: &[i16], rate: u32) -> String {
    let n = samples.len();
    if n == 0 || analysis::level_dbfs(samples) < -50.0 {
        return "silence".into();
    }
    // The pitch of up to eight 60 ms windows spread over the sound, steps merged.
    let win = (rate as usize * 6 / 100).min(n);
    let count = 8.min(n / win.max(1)).max(1);
    let overall = analysis::level_dbfs(samples);
    let mut steps: Vec<f64> = Vec::new();
    let mut raw: Vec<f64> = Vec::new();
    for i in 0..count {
        let at = if count == 1 {
            0
        } else {
            i * (n - win) / (count - 1)
        };
        let window = &samples[at..at + win];
        // Windows that straddle a pause between notes say nothing about pitch.
        if analysis::level_dbfs(window) < overall - 4.0 {
            continue;
        }
        // Nor do windows whose halves disagree (a change of note inside).
        let (a, b) = window.split_at(win / 2);
        let steady = match (analysis::pitch(a, rate), analysis::pitch(b, rate)) {
            (Some(x), Some(y)) => (x - y).abs() / x.max(1.0) < 0.05,
            _ => false,
        };
        if !steady {
            raw.extend(analysis::pitch(window, rate));
            continue;
        }
        if let Some(p) = analysis::pitch(window, rate) {
            match steps.last() {
                Some(last) if (p - last).abs() / last.max(1.0) < 0.06 => {}
                _ => steps.push(p),
            }
        }
    }
    match steps.len() {
        0 if raw.len() >= 2 => format!("a sweep ~{:.0} → ~{:.0} Hz", raw[0], raw[raw.len() - 1]),
        0 => "sound".into(),
        1 => format!("a tone ~{:.0} Hz", steps[0]),
        2..=4 => {
            let list: Vec<String> = steps.iter().map(|p| format!("~{p:.0}")).collect();
            format!("notes {} Hz", list.join(" → "))
        }
        _ => format!(
            "a sweep ~{:.0} → ~{:.0} Hz",
            steps[0],
            steps[steps.len() - 1]
        ),
    }
}

fn slice(samples: &[i16], rate: u32, from_ms: f64, to_ms: f64) -> &[i16] {
    let at = |ms: f64| ((ms.max(0.0) * f64::from(rate) / 1000.0) as usize).min(samples.len());
    let (a, b) = (at(from_ms), at(to_ms));
    &samples[a..b.max(a)]
}

/// Tells the story of `report`, in time order.
///
/// Three passes over the call, merged by time: what the messages say (`Messages`: the
/// call, keys, clears, DTMF, errors, the end; and the plays and key presses they tell of),
/// what the caller heard of each play (`describe_plays`), and when the caller spoke
/// (`describe_caller_speech`). Lines at the same time keep that order.
pub fn story(report: &CallReport) -> Vec<StoryLine> {
    let told = Messages::collect(report);
    let mut lines = told.lines;
    lines.extend(describe_plays(report, &told.plays));
    lines.extend(describe_caller_speech(report, &told.key_times));
    lines.sort_by(|a, b| a.t_ms.total_cmp(&b.t_ms));
    lines
}

/// What the timeline tells: its own lines, and what the later passes need.
#[derive(Default)]
struct Messages {
    /// Lines told by single messages.
    lines: Vec<StoryLine>,
    /// Every play id, in the order it started.
    plays: Vec<Play>,
    /// The caller's key presses, (start, end) in ms: their tones are not speech.
    key_times: Vec<(f64, f64)>,
    /// A key pressed and not yet released.
    pending_key: Option<f64>,
}

impl Messages {
    /// Walks the timeline once.
    fn collect(report: &CallReport) -> Self {
        let mut told = Self::default();
        for e in &report.timeline {
            told.message(report, e);
        }
        told
    }

    fn line(&mut self, t_ms: f64, who: &'static str, what: String) {
        self.lines.push(StoryLine { t_ms, who, what });
    }

    /// One message of the timeline.
    fn message(&mut self, report: &CallReport, e: &TimelineEntry) {
        match (e.dir, e.kind.as_str()) {
            (Dir::ToApp, "notify_call_started") => self.line(e.t_ms, "caller", call_started(e)),
            (Dir::ToApp, "notify_dtmf_received_start_data") => {
                self.pending_key = Some(event_ms(e));
                self.line(
                    event_ms(e),
                    "caller",
                    format!("presses {}", field_str(e, "digit")),
                );
            }
            (Dir::ToApp, "notify_dtmf_received_end_data") => {
                if let Some(start) = self.pending_key.take() {
                    self.key_times.push((start, event_ms(e)));
                }
            }
            (Dir::ToApp, "notify_playback_started_data") => {
                self.play_started(field_str(e, "id"), event_ms(e))
            }
            (Dir::ToApp, "notify_playback_completed_data") => {
                self.play_completed(field_str(e, "id"), event_ms(e))
            }
            (Dir::ToApp, "notify_audio_cleared_data") => {
                if let Some(p) = self.plays.last_mut() {
                    p.end_ms = p.end_ms.max(event_ms(e));
                }
                self.line(
                    event_ms(e),
                    "platform",
                    "cleared the audio buffer, as the app asked".into(),
                );
            }
            (Dir::ToApp, "notify_dtmf_play_started_data") => {
                self.line(event_ms(e), "app", app_dtmf(report, e))
            }
            (Dir::ToApp, "notify_error") => self.line(
                e.t_ms,
                "platform",
                format!(
                    "error {}: {}",
                    field_str(e, "error_id"),
                    field_str(e, "error_message")
                ),
            ),
            (Dir::FromApp, "terminate_call") => self.line(e.t_ms, "app", "hangs up".into()),
            (Dir::Note, timeline::NOTE_TRANSFER) => self.line(
                e.t_ms,
                "caller",
                "transfers the call away (*8); to the app it is a hang-up".into(),
            ),
            (Dir::Note, timeline::NOTE_IGNORED) => self.line(
                e.t_ms,
                "platform",
                format!(
                    "ignores {}{}: {}",
                    field_str(e, "message"),
                    match field_str(e, "id") {
                        "" => String::new(),
                        id => format!(" {id:?}"),
                    },
                    field_str(e, "why")
                ),
            ),
            (Dir::Note, timeline::NOTE_STREAM_ENDED) => self.line(
                e.t_ms,
                "platform",
                "ends the stream, as the app asked (EndGrpcStreamMessage); the call goes on in PerCL"
                    .into(),
            ),
            (Dir::ToApp, "notify_call_ended") => self.line(
                e.t_ms,
                "platform",
                format!(
                    "call ended: {} ({})",
                    field_str(e, "reason_code"),
                    field_str(e, "reason")
                ),
            ),
            _ => {}
        }
    }

    /// An entry of play `id` started at `t`: a new play, or the next entry of the last one.
    fn play_started(&mut self, id: &str, t: f64) {
        match self.plays.last_mut() {
            Some(p) if p.id == id => p.end_ms = p.end_ms.max(t),
            _ => self.plays.push(Play {
                id: id.to_string(),
                start_ms: t,
                end_ms: t,
                completed: false,
            }),
        }
    }

    /// The last entry of play `id` played to its end at `t`.
    fn play_completed(&mut self, id: &str, t: f64) {
        if let Some(p) = self.plays.iter_mut().rev().find(|p| p.id == id) {
            p.end_ms = t;
            p.completed = true;
        }
    }
}

/// `calls: FROM → TO, call id …, content type, metadata …`.
fn call_started(e: &TimelineEntry) -> String {
    let meta = e
        .fields
        .get("metadata")
        .map(Value::to_string)
        .unwrap_or_default();
    format!(
        "calls: {} → {}, call id {}, {}, metadata {meta}",
        field_str(e, "from"),
        field_str(e, "to"),
        field_str(e, "call_id"),
        field_str(e, "content_type")
    )
}

/// The keys of the app's DTMF play that started with `e` (from the app's `dtmf_data`).
fn app_dtmf(report: &CallReport, e: &TimelineEntry) -> String {
    let id = field_str(e, "id");
    let digits = report
        .entries(Dir::FromApp, "dtmf_data")
        .find(|d| field_str(d, "id") == id)
        .map(|d| field_str(d, "dtmf_digits"))
        .unwrap_or_default();
    format!("presses {digits} on the line (DTMF)")
}

/// Plays as the story groups them.
enum PlayGroup<'a> {
    /// A clip longer than [`SHORT_CLIP_MS`], told on its own.
    Prompt(&'a Play),
    /// Short clips that follow each other closely (an echo), told as one line.
    Echo(&'a [Play]),
}

/// Groups `plays` (in start order): long clips one by one, runs of short clips as one echo.
fn group_plays(plays: &[Play]) -> Vec<PlayGroup<'_>> {
    let short = |p: &Play| p.end_ms - p.start_ms <= SHORT_CLIP_MS;
    let mut groups = Vec::new();
    let mut i = 0;
    while i < plays.len() {
        if !short(&plays[i]) {
            groups.push(PlayGroup::Prompt(&plays[i]));
            i += 1;
            continue;
        }
        let mut j = i;
        while j + 1 < plays.len()
            && short(&plays[j + 1])
            && plays[j + 1].start_ms - plays[j].end_ms < 200.0
        {
            j += 1;
        }
        groups.push(PlayGroup::Echo(&plays[i..=j]));
        i = j + 1;
    }
    groups
}

/// One line per play group, with what the caller heard of it.
fn describe_plays(report: &CallReport, plays: &[Play]) -> Vec<StoryLine> {
    group_plays(plays)
        .into_iter()
        .map(|group| match group {
            PlayGroup::Prompt(p) => describe_prompt(report, p),
            PlayGroup::Echo(run) => describe_echo(report, run),
        })
        .collect()
}

/// `plays ID (1.20 s): caller hears …`.
fn describe_prompt(report: &CallReport, p: &Play) -> StoryLine {
    let heard = slice(&report.heard, report.rate, p.start_ms, p.end_ms);
    StoryLine {
        t_ms: p.start_ms,
        who: "app",
        what: format!(
            "plays {} ({:.2} s{}): caller hears {}",
            p.id,
            (p.end_ms - p.start_ms) / 1000.0,
            if p.completed { "" } else { ", cut short" },
            describe_sound(heard, report.rate)
        ),
    }
}

/// `plays back N short clips until … (echo: … of sound heard)`; `run` is not empty.
fn describe_echo(report: &CallReport, run: &[Play]) -> StoryLine {
    let rate = report.rate;
    let (a, b) = (run[0].start_ms, run[run.len() - 1].end_ms);
    let heard = slice(&report.heard, rate, a, b);
    let loud = analysis::sound_spans(heard, rate, -45.0, Duration::from_millis(100))
        .iter()
        .map(|s| s.duration(rate).as_secs_f64())
        .fold(0.0, |a, b| a + b);
    StoryLine {
        t_ms: a,
        who: "app",
        what: format!(
            "plays back {} short clips until {:.2} s (echo: {:.1} s of sound heard)",
            run.len(),
            b / 1000.0,
            loud
        ),
    }
}

/// Around a key press, this much of the caller's audio is not speech (the tone's edges).
const KEY_MARGIN_MS: f64 = 30.0;
/// Pauses shorter than this do not split a stretch of speech.
const SPEECH_GAP_MS: f64 = 150.0;

/// What the caller said: stretches of sound in their voice. A key press replaces the voice
/// for its length (its tone is not speech), so the voice is read with the presses silenced,
/// and speech that goes on through a key press is one stretch, told with its real length.
fn describe_caller_speech(report: &CallReport, key_times: &[(f64, f64)]) -> Vec<StoryLine> {
    let rate = report.rate;
    let at = |ms: f64| ((ms.max(0.0) * f64::from(rate) / 1000.0) as usize).min(report.caller.len());
    let keys: Vec<(f64, f64)> = key_times
        .iter()
        .map(|&(ks, ke)| (ks - KEY_MARGIN_MS, ke + KEY_MARGIN_MS))
        .collect();
    let mut voice = report.caller.clone();
    for &(ks, ke) in &keys {
        let (a, b) = (at(ks), at(ke));
        voice[a..b.max(a)].fill(0);
    }
    let spans = analysis::sound_spans(&voice, rate, -40.0, Duration::from_millis(150));
    // Stretches as (start, end, through a key press), merged across pauses that are only a key.
    let mut stretches: Vec<(f64, f64, bool)> = Vec::new();
    for span in spans {
        let a = span.start_time(rate).as_secs_f64() * 1000.0;
        let b = span.end_time(rate).as_secs_f64() * 1000.0;
        if let Some(last) = stretches.last_mut() {
            let gap = a - last.1;
            let keyed: f64 = keys
                .iter()
                .map(|&(ks, ke)| (ke.min(a) - ks.max(last.1)).max(0.0))
                .sum();
            if keyed > 0.0 && gap - keyed < SPEECH_GAP_MS {
                *last = (last.0, b, true);
                continue;
            }
        }
        stretches.push((a, b, false));
    }
    stretches
        .into_iter()
        .map(|(a, b, through_key)| StoryLine {
            t_ms: a,
            who: "caller",
            what: format!(
                "speaks for {:.2} s ({:.0} dBFS{})",
                (b - a) / 1000.0,
                voice_level(&voice, at(a), at(b), &keys, &at),
                if through_key {
                    ", through a key press"
                } else {
                    ""
                }
            ),
        })
        .collect()
}

/// The level of `voice[from..to]` outside the silenced key presses.
fn voice_level(
    voice: &[i16],
    from: usize,
    to: usize,
    keys: &[(f64, f64)],
    at: &dyn Fn(f64) -> usize,
) -> f64 {
    let mut spoken: Vec<i16> = Vec::with_capacity(to.saturating_sub(from));
    let mut cursor = from;
    let mut cuts: Vec<(usize, usize)> = keys.iter().map(|&(ks, ke)| (at(ks), at(ke))).collect();
    cuts.sort_unstable();
    for (ks, ke) in cuts {
        if ke <= cursor || ks >= to {
            continue;
        }
        spoken.extend_from_slice(&voice[cursor..ks.max(cursor)]);
        cursor = ke.min(to);
    }
    spoken.extend_from_slice(&voice[cursor.min(to)..to]);
    analysis::level_dbfs(&spoken)
}

/// The story as text, one line per event (`  12.345 s  caller    presses 2`).
pub fn render(lines: &[StoryLine]) -> String {
    let mut out = String::new();
    for l in lines {
        let _ = writeln!(
            out,
            "  {:>7.3} s  {:<8}  {}",
            l.t_ms / 1000.0,
            l.who,
            l.what
        );
    }
    out
}

/// A one-paragraph description of what the caller heard, measured from the audio.
pub fn heard_summary(report: &CallReport) -> String {
    let rate = report.rate;
    let spans: Vec<Span> =
        analysis::sound_spans(&report.heard, rate, -45.0, Duration::from_millis(100));
    let total = report.heard.len() as f64 / f64::from(rate.max(1));
    let sound = spans
        .iter()
        .map(|s| s.duration(rate).as_secs_f64())
        .fold(0.0, |a, b| a + b);
    let keys: String = analysis::dtmf_keys(&report.heard, rate)
        .iter()
        .map(|k| k.digit)
        .collect();
    let mut out = format!(
        "{total:.2} s long, {sound:.2} s of sound in {} stretches, {:.1} dBFS overall",
        spans.len(),
        analysis::level_dbfs(&report.heard)
    );
    if !keys.is_empty() {
        let _ = write!(out, ", DTMF heard: {keys}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{CallOutcome, DtmfSummary, PlaySummary, Summary};
    use serde_json::json;

    const RATE: u32 = 8000;

    fn entry(t_ms: f64, dir: Dir, kind: &str, fields: Value) -> TimelineEntry {
        TimelineEntry {
            t_ms,
            dir,
            kind: kind.into(),
            fields,
        }
    }

    fn to_app(t_ms: f64, kind: &str, fields: Value) -> TimelineEntry {
        entry(t_ms, Dir::ToApp, kind, fields)
    }

    /// A tone of `hz` at `amp` from `from_ms` to `to_ms` into `samples`.
    fn tone(samples: &mut [i16], hz: f64, amp: f64, from_ms: f64, to_ms: f64) {
        let at = |ms: f64| (ms * f64::from(RATE) / 1000.0) as usize;
        for (i, s) in samples[at(from_ms)..at(to_ms)].iter_mut().enumerate() {
            let t = i as f64 / f64::from(RATE);
            *s = (amp * (2.0 * std::f64::consts::PI * hz * t).sin()) as i16;
        }
    }

    fn summary() -> Summary {
        Summary {
            call_id: "CAstory".into(),
            content_type: "audio/l16;rate=8000".into(),
            duration_ms: 6000.0,
            outcome: CallOutcome::AppHangup,
            end_reason: None,
            app_stream: "OK".into(),
            time_to_first_app_audio_ms: None,
            plays: PlaySummary::default(),
            errors: std::collections::BTreeMap::new(),
            dtmf: DtmfSummary::default(),
            frames_sent: 0,
            frames_dropped: 0,
            notifications_dropped: 0,
            frames_received: 0,
            sequence_gaps: 0,
            messages_to_app: 0,
            messages_from_app: 0,
            messages_after_end: 0,
            faults: Vec::new(),
            caller_speech_segments: 0,
            barge_in_latency: Vec::new(),
            response_latency: Vec::new(),
            webhook_errors: Vec::new(),
        }
    }

    /// A call with every kind of line: the call, a long prompt cut by a clear, a completed
    /// prompt, an echo run of short clips, caller key presses and speech, app DTMF, an error,
    /// the hang-up and the end.
    fn report() -> CallReport {
        let mut heard = vec![0i16; RATE as usize * 6];
        tone(&mut heard, 440.0, 8000.0, 0.0, 700.0);
        tone(&mut heard, 660.0, 8000.0, 1000.0, 1500.0);
        tone(&mut heard, 300.0, 6000.0, 2000.0, 2300.0);
        let mut caller = vec![0i16; RATE as usize * 6];
        tone(&mut caller, 200.0, 9000.0, 500.0, 1200.0); // speech
        tone(&mut caller, 941.0, 9000.0, 3000.0, 3200.0); // a key
        let mut timeline = vec![
            to_app(
                0.0,
                "notify_call_started",
                json!({"from": "+1555", "to": "+1666", "call_id": "CAstory",
                       "content_type": "audio/l16;rate=8000", "metadata": ["a=b"]}),
            ),
            to_app(
                5.0,
                "notify_playback_started_data",
                json!({"id": "greet", "at_ms": 0.0}),
            ),
            to_app(
                300.0,
                "notify_playback_started_data",
                json!({"id": "greet", "at_ms": 300.0}),
            ),
            to_app(700.0, "notify_audio_cleared_data", json!({"at_ms": 700.0})),
            to_app(
                1000.0,
                "notify_playback_started_data",
                json!({"id": "answer", "at_ms": 1000.0}),
            ),
            to_app(
                1500.0,
                "notify_playback_completed_data",
                json!({"id": "answer", "at_ms": 1500.0}),
            ),
        ];
        // An echo: six 50 ms clips back to back, then a lone short clip much later.
        for k in 0..6 {
            let (a, b) = (2000.0 + 50.0 * k as f64, 2050.0 + 50.0 * k as f64);
            let id = format!("e{k}");
            timeline.push(to_app(
                a,
                "notify_playback_started_data",
                json!({"id": id, "at_ms": a}),
            ));
            timeline.push(to_app(
                b,
                "notify_playback_completed_data",
                json!({"id": id, "at_ms": b}),
            ));
        }
        timeline.extend([
            to_app(
                3000.0,
                "notify_dtmf_received_start_data",
                json!({"digit": "5", "at_ms": 3000.0}),
            ),
            to_app(
                3200.0,
                "notify_dtmf_received_end_data",
                json!({"digit": "5", "at_ms": 3200.0}),
            ),
            entry(
                3300.0,
                Dir::FromApp,
                "dtmf_data",
                json!({"id": "d1", "dtmf_digits": "12"}),
            ),
            to_app(
                3310.0,
                "notify_dtmf_play_started_data",
                json!({"id": "d1", "at_ms": 3310.0}),
            ),
            to_app(
                4000.0,
                "notify_playback_started_data",
                json!({"id": "lone", "at_ms": 4000.0}),
            ),
            to_app(
                4040.0,
                "notify_playback_completed_data",
                json!({"id": "lone", "at_ms": 4040.0}),
            ),
            to_app(
                4500.0,
                "notify_error",
                json!({"error_id": "E42", "error_message": "bad"}),
            ),
            entry(5000.0, Dir::FromApp, "terminate_call", json!({})),
            to_app(
                5001.0,
                "notify_call_ended",
                json!({"reason_code": "APPLICATION_DISCONNECT", "reason": "the app hung up"}),
            ),
        ]);
        CallReport {
            summary: summary(),
            timeline,
            heard,
            caller,
            rate: RATE,
        }
    }

    #[test]
    fn a_call_with_every_kind_of_line() {
        // Pinned from the story as it was told before `story` was split into steps.
        let expected = [
            "    0.000 s  caller    calls: +1555 → +1666, call id CAstory, audio/l16;rate=8000, metadata [\"a=b\"]",
            "    0.000 s  app       plays greet (0.70 s, cut short): caller hears a tone ~433 Hz",
            "    0.500 s  caller    speaks for 0.70 s (-14 dBFS)",
            "    0.700 s  platform  cleared the audio buffer, as the app asked",
            "    1.000 s  app       plays answer (0.50 s): caller hears a tone ~658 Hz",
            "    2.000 s  app       plays back 6 short clips until 2.30 s (echo: 0.3 s of sound heard)",
            "    3.000 s  caller    presses 5",
            "    3.310 s  app       presses 12 on the line (DTMF)",
            "    4.000 s  app       plays back 1 short clips until 4.04 s (echo: 0.0 s of sound heard)",
            "    4.500 s  platform  error E42: bad",
            "    5.000 s  app       hangs up",
            "    5.001 s  platform  call ended: APPLICATION_DISCONNECT (the app hung up)",
        ];
        let told = render(&story(&report()));
        assert_eq!(told.lines().collect::<Vec<_>>(), expected, "{told}");
    }
}
