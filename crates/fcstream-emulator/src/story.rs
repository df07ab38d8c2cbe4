//! The story of a call for people: who said what, when, and what the caller heard, told from
//! a [`CallReport`] (its timeline and its audio). `fcstream demo` prints it, and so does
//! `fcstream call --story`.

use std::fmt::Write as _;
use std::time::Duration;

use serde_json::Value;

use crate::analysis::{self, Span};
use crate::report::CallReport;
use crate::timeline::{Dir, TimelineEntry};

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
    id: String,
    start_ms: f64,
    end_ms: f64,
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
pub fn story(report: &CallReport) -> Vec<StoryLine> {
    let rate = report.rate;
    let mut lines = Vec::new();
    let mut line =
        |t_ms: f64, who: &'static str, what: String| lines.push(StoryLine { t_ms, who, what });
    let mut plays: Vec<Play> = Vec::new();
    let mut key_times: Vec<(f64, f64)> = Vec::new();
    let mut pending_key: Option<f64> = None;
    for e in &report.timeline {
        match (e.dir, e.kind.as_str()) {
            (Dir::ToApp, "notify_call_started") => {
                let meta = e
                    .fields
                    .get("metadata")
                    .map(Value::to_string)
                    .unwrap_or_default();
                line(
                    e.t_ms,
                    "caller",
                    format!(
                        "calls: {} → {}, call id {}, {}, metadata {meta}",
                        field_str(e, "from"),
                        field_str(e, "to"),
                        field_str(e, "call_id"),
                        field_str(e, "content_type")
                    ),
                );
            }
            (Dir::ToApp, "notify_dtmf_received_start_data") => {
                pending_key = Some(event_ms(e));
                line(
                    event_ms(e),
                    "caller",
                    format!("presses {}", field_str(e, "digit")),
                );
            }
            (Dir::ToApp, "notify_dtmf_received_end_data") => {
                if let Some(start) = pending_key.take() {
                    key_times.push((start, event_ms(e)));
                }
            }
            (Dir::ToApp, "notify_playback_started_data") => {
                let id = field_str(e, "id").to_string();
                let t = event_ms(e);
                match plays.last_mut() {
                    Some(p) if p.id == id => p.end_ms = p.end_ms.max(t),
                    _ => plays.push(Play {
                        id,
                        start_ms: t,
                        end_ms: t,
                        completed: false,
                    }),
                }
            }
            (Dir::ToApp, "notify_playback_completed_data") => {
                let id = field_str(e, "id");
                if let Some(p) = plays.iter_mut().rev().find(|p| p.id == id) {
                    p.end_ms = event_ms(e);
                    p.completed = true;
                }
            }
            (Dir::ToApp, "notify_audio_cleared_data") => {
                if let Some(p) = plays.last_mut() {
                    p.end_ms = p.end_ms.max(event_ms(e));
                }
                line(
                    event_ms(e),
                    "platform",
                    "cleared the audio buffer, as the app asked".into(),
                );
            }
            (Dir::ToApp, "notify_dtmf_play_started_data") => {
                let id = field_str(e, "id");
                let digits = report
                    .entries(Dir::FromApp, "dtmf_data")
                    .find(|d| field_str(d, "id") == id)
                    .map(|d| field_str(d, "dtmf_digits").to_string())
                    .unwrap_or_default();
                line(
                    event_ms(e),
                    "app",
                    format!("presses {digits} on the line (DTMF)"),
                );
            }
            (Dir::ToApp, "notify_error") => line(
                e.t_ms,
                "platform",
                format!(
                    "error {}: {}",
                    field_str(e, "error_id"),
                    field_str(e, "error_message")
                ),
            ),
            (Dir::FromApp, "terminate_call") => line(e.t_ms, "app", "hangs up".into()),
            (Dir::ToApp, "notify_call_ended") => line(
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
    // Plays: long clips one by one, runs of short clips (echo) as one line.
    let mut i = 0;
    while i < plays.len() {
        let p = &plays[i];
        if p.end_ms - p.start_ms <= SHORT_CLIP_MS {
            let mut j = i;
            while j + 1 < plays.len()
                && plays[j + 1].end_ms - plays[j + 1].start_ms <= SHORT_CLIP_MS
                && plays[j + 1].start_ms - plays[j].end_ms < 200.0
            {
                j += 1;
            }
            let (a, b) = (plays[i].start_ms, plays[j].end_ms);
            let heard = slice(&report.heard, rate, a, b);
            let loud = analysis::sound_spans(heard, rate, -45.0, Duration::from_millis(100))
                .iter()
                .map(|s| s.duration(rate).as_secs_f64())
                .fold(0.0, |a, b| a + b);
            line(
                a,
                "app",
                format!(
                    "plays back {} short clips until {:.2} s (echo: {:.1} s of sound heard)",
                    j - i + 1,
                    b / 1000.0,
                    loud
                ),
            );
            i = j + 1;
        } else {
            let heard = slice(&report.heard, rate, p.start_ms, p.end_ms);
            line(
                p.start_ms,
                "app",
                format!(
                    "plays {} ({:.2} s{}): caller hears {}",
                    p.id,
                    (p.end_ms - p.start_ms) / 1000.0,
                    if p.completed { "" } else { ", cut short" },
                    describe_sound(heard, rate)
                ),
            );
            i += 1;
        }
    }
    // What the caller said, outside key presses.
    for span in analysis::sound_spans(&report.caller, rate, -40.0, Duration::from_millis(150)) {
        let (a, b) = (
            span.start_time(rate).as_secs_f64() * 1000.0,
            span.end_time(rate).as_secs_f64() * 1000.0,
        );
        if key_times
            .iter()
            .any(|(ks, ke)| a < ke + 30.0 && b > ks - 30.0)
        {
            continue;
        }
        let said = slice(&report.caller, rate, a, b);
        line(
            a,
            "caller",
            format!(
                "speaks for {:.2} s ({:.0} dBFS)",
                (b - a) / 1000.0,
                analysis::level_dbfs(said)
            ),
        );
    }
    lines.sort_by(|a, b| a.t_ms.total_cmp(&b.t_ms));
    lines
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
