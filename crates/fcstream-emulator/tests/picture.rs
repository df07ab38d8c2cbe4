//! The picture of a call (`heard.png`, `fcstream_emulator::picture`): it decodes as a PNG of
//! the documented size, and each event's marker is drawn, in its kind's colour and row, at
//! the column that the timeline's time for it maps to.

use std::time::Duration;

use fcstream::audio::dtmf;
use fcstream::{Audio, CallConfig, ContentType};
use fcstream_emulator::picture::{self, MarkKind, HEIGHT, PLOT_LEFT, PLOT_RIGHT, WIDTH};
use fcstream_emulator::{clock, in_process, CallReport, Dir, Hangup, Script, Source, Summary};
use fcstream_emulator::{CallOutcome, TimelineEntry};
use serde_json::{json, Value};

const RATE: u32 = 8000;

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// A decoded RGB picture.
struct Picture {
    width: u32,
    height: u32,
    rgb: Vec<u8>,
}

impl Picture {
    fn decode(png_bytes: &[u8]) -> Picture {
        let decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
        let mut reader = decoder.read_info().expect("a PNG header");
        let mut rgb = vec![0; reader.output_buffer_size().expect("a sane size")];
        let info = reader.next_frame(&mut rgb).expect("a PNG frame");
        assert_eq!(info.color_type, png::ColorType::Rgb);
        assert_eq!(info.bit_depth, png::BitDepth::Eight);
        rgb.truncate(info.buffer_size());
        Picture {
            width: info.width,
            height: info.height,
            rgb,
        }
    }

    fn pixel(&self, x: u32, y: u32) -> (u8, u8, u8) {
        let at = ((y * self.width + x) * 3) as usize;
        (self.rgb[at], self.rgb[at + 1], self.rgb[at + 2])
    }

    /// The plot columns where `kind`'s row holds a pixel of exactly its colour.
    fn columns(&self, kind: MarkKind) -> Vec<u32> {
        (PLOT_LEFT..PLOT_RIGHT)
            .filter(|&x| kind.rows().any(|y| self.pixel(x, y) == kind.colour()))
            .collect()
    }

    /// Asserts a marker of `kind` at column `x` (± `tol`).
    fn assert_mark(&self, kind: MarkKind, x: u32, tol: u32) {
        let cols = self.columns(kind);
        assert!(
            cols.iter().any(|c| c.abs_diff(x) <= tol),
            "{kind:?}: expected a marker at column {x} ±{tol}, found colour at {cols:?}"
        );
    }

    /// Asserts that `kind`'s row has nothing of its colour left of column `x` (- `tol`).
    fn assert_first(&self, kind: MarkKind, x: u32, tol: u32) {
        let first = self.columns(kind).first().copied();
        assert!(
            first.is_some_and(|c| c.abs_diff(x) <= tol),
            "{kind:?}: the first marker should be at column {x} ±{tol}, is at {first:?}"
        );
    }
}

fn entry(t_ms: f64, dir: Dir, kind: &str, fields: Value) -> TimelineEntry {
    TimelineEntry {
        t_ms,
        dir,
        kind: kind.into(),
        fields,
    }
}

fn summary(duration_ms: f64, outcome: &str) -> Summary {
    serde_json::from_value(json!({
        "call_id": "CApicture", "content_type": "audio/mulaw;rate=8000",
        "duration_ms": duration_ms, "outcome": outcome, "end_reason": "APPLICATION_DISCONNECT",
        "app_stream": "OK", "time_to_first_app_audio_ms": 500.0,
        "plays": {"entries_received": 2, "entries_accepted": 2, "entries_rejected": 0,
                  "started": 2, "completed": 1, "interrupted": 1, "cleared_unplayed": 0,
                  "unfinished_at_end": 0, "clears": 1, "app_audio_ms": 1800.0},
        "errors": {"X": 1}, "dtmf": {"from_caller": "5", "app_requested": "9", "app_played": "9"},
        "frames_sent": 275, "frames_dropped": 0, "notifications_dropped": 0,
        "frames_received": 2, "sequence_gaps": 0, "messages_to_app": 290,
        "messages_from_app": 5, "messages_after_end": 0, "faults": []
    }))
    .expect("a summary")
}

/// `audio` with `clip` written in at `at`.
fn put(audio: &mut [i16], at: Duration, clip: &[i16]) {
    let start = (at.as_secs_f64() * f64::from(RATE)) as usize;
    audio[start..start + clip.len()].copy_from_slice(clip);
}

/// A 5.5 s call with one event of every kind at a known time: the app plays from 0.5 s,
/// the caller talks from 1.0 s, the app clears at 1.3 s (a barge-in at 1.0 s), the caller
/// presses 5 at 2.5 s, the app presses 9 at 3.0 s, plays again 3.5-4.5 s, an error at 4.0 s,
/// the app hangs up at 5.5 s.
fn every_kind() -> CallReport {
    let tone = |hz, d| Audio::tone(hz, d, RATE).samples();
    let mut heard = vec![0i16; 44_000];
    put(&mut heard, ms(500), &tone(440.0, ms(800)));
    put(
        &mut heard,
        ms(3000),
        &dtmf::sequence("9", ms(150), ms(0), RATE).unwrap(),
    );
    put(&mut heard, ms(3500), &tone(660.0, ms(1000)));
    let mut caller = vec![0i16; 44_000];
    let voice: Vec<i16> = tone(300.0, ms(1000)).iter().map(|s| s / 8).collect();
    put(&mut caller, ms(1000), &voice);
    put(
        &mut caller,
        ms(2500),
        &dtmf::sequence("5", ms(150), ms(0), RATE).unwrap(),
    );
    use Dir::{FromApp, ToApp};
    let timeline = vec![
        entry(
            0.0,
            ToApp,
            "notify_call_started",
            json!({"call_id": "CApicture"}),
        ),
        entry(
            10.0,
            FromApp,
            "audio_data",
            json!({"id": "p1", "audio_bytes": 6400}),
        ),
        entry(
            500.2,
            ToApp,
            "notify_playback_started_data",
            json!({"id": "p1", "at_ms": 500.0}),
        ),
        entry(1300.0, FromApp, "clear_audio_buffer", json!({"id": "c1"})),
        entry(
            1300.4,
            ToApp,
            "notify_audio_cleared_data",
            json!({"id": "c1", "at_ms": 1300.0}),
        ),
        entry(
            2500.0,
            ToApp,
            "notify_dtmf_received_start_data",
            json!({"digit": "5", "at_ms": 2500.0}),
        ),
        entry(
            2650.0,
            ToApp,
            "notify_dtmf_received_end_data",
            json!({"digit": "5", "at_ms": 2650.0}),
        ),
        entry(
            3000.0,
            FromApp,
            "dtmf_data",
            json!({"id": "k1", "dtmf_digits": "9"}),
        ),
        entry(
            3000.0,
            ToApp,
            "notify_dtmf_play_started_data",
            json!({"id": "k1", "at_ms": 3000.0}),
        ),
        entry(
            3500.0,
            ToApp,
            "notify_playback_started_data",
            json!({"id": "p2", "at_ms": 3500.0}),
        ),
        entry(
            4000.0,
            ToApp,
            "notify_error",
            json!({"error_id": "X", "error_message": "bad"}),
        ),
        entry(
            4500.0,
            ToApp,
            "notify_playback_completed_data",
            json!({"id": "p2", "at_ms": 4500.0}),
        ),
        entry(5500.0, FromApp, "terminate_call", json!({})),
        entry(
            5500.0,
            ToApp,
            "notify_call_ended",
            json!({"reason_code": "APPLICATION_DISCONNECT"}),
        ),
    ];
    CallReport {
        summary: summary(5500.0, "app-hangup"),
        timeline,
        heard,
        caller,
        rate: RATE,
    }
}

/// The time of the first entry of `kind` (its `at_ms` when it has one).
fn time_of(report: &CallReport, kind: &str) -> Duration {
    let e = report
        .timeline
        .iter()
        .find(|e| e.kind == kind)
        .unwrap_or_else(|| panic!("no {kind} in the timeline"));
    let t = e
        .fields
        .get("at_ms")
        .and_then(Value::as_f64)
        .unwrap_or(e.t_ms);
    Duration::from_secs_f64(t / 1000.0)
}

/// Writes the picture where a person can look at it (target/tmp).
fn keep(name: &str, png_bytes: &[u8]) {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"));
    let path = dir.join(name);
    std::fs::write(&path, png_bytes).unwrap();
    println!("picture: {}", path.display());
}

#[test]
fn every_kind_of_event_is_marked_where_the_timeline_says() {
    let report = every_kind();
    let png_bytes = picture::render(&report).unwrap();
    keep("picture-every-kind.png", &png_bytes);
    let pic = Picture::decode(&png_bytes);
    assert_eq!((pic.width, pic.height), (WIDTH, HEIGHT));
    assert_eq!((WIDTH, HEIGHT), (1600, 900), "the documented size");
    let span = picture::span(&report);
    assert_eq!(span, ms(5500));
    let x = |t: Duration| picture::x_at(t, span);

    let expected = [
        (
            MarkKind::Play,
            time_of(&report, "notify_playback_started_data"),
        ),
        (
            MarkKind::Clear,
            time_of(&report, "notify_audio_cleared_data"),
        ),
        (
            MarkKind::CallerKey,
            time_of(&report, "notify_dtmf_received_start_data"),
        ),
        (
            MarkKind::AppKey,
            time_of(&report, "notify_dtmf_play_started_data"),
        ),
        (MarkKind::Error, time_of(&report, "notify_error")),
        (
            MarkKind::End,
            Duration::from_secs_f64(report.summary.duration_ms / 1000.0),
        ),
    ];
    for (kind, t) in expected {
        pic.assert_mark(kind, x(t), 1);
        pic.assert_first(kind, x(t), 1);
    }
    // The second play, at 3.5 s.
    pic.assert_mark(MarkKind::Play, x(ms(3500)), 1);
    // The barge-in: where the caller's speech started (1.0 s, to a 10 ms VAD frame).
    pic.assert_mark(MarkKind::BargeIn, x(ms(1000)), 3);
    pic.assert_first(MarkKind::BargeIn, x(ms(1000)), 3);
    // Marker colours appear nowhere else: not in the waveform or spectrogram lanes' own
    // ink, so a marker seen is a marker drawn. (The faint lines through the lanes are tints.)
    let marks = picture::marks(&report);
    assert_eq!(
        marks.iter().map(|m| m.kind).collect::<Vec<_>>(),
        [
            MarkKind::Play,
            MarkKind::BargeIn,
            MarkKind::Clear,
            MarkKind::CallerKey,
            MarkKind::AppKey,
            MarkKind::Play,
            MarkKind::Error,
            MarkKind::End
        ]
    );
    assert_eq!(
        marks[0].until,
        Some(ms(1300)),
        "the first play was cut at the clear"
    );
}

#[test]
fn an_ivr_call_with_keys_in_virtual_time() {
    let script = Script::new(ContentType::Mulaw8k)
        .press('2', ms(3400), ms(150))
        .say(
            ms(5600),
            Source::Babble {
                pitch_hz: 140.0,
                duration: ms(2600),
            },
        )
        .hangup(Hangup::WhenAppEnds {
            max: Duration::from_secs(60),
        });
    let report = clock::run_virtual(move |clock| async move {
        let channel =
            in_process::serve_with_clock(fcstream_apps::ivr, CallConfig::default(), clock.clone())
                .await
                .unwrap();
        let options = fcstream_emulator::RunOptions {
            clock,
            ..Default::default()
        };
        fcstream_emulator::run_with(channel, &script, &options).await
    })
    .unwrap()
    .unwrap();
    assert_eq!(report.summary.outcome, CallOutcome::AppHangup);
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("picture-ivr");
    let files = report.write_to(&dir).unwrap();
    assert_eq!(files.picture, dir.join("heard.png"));
    let png_bytes = std::fs::read(&files.picture).unwrap();
    println!("picture: {}", files.picture.display());
    let pic = Picture::decode(&png_bytes);
    assert_eq!((pic.width, pic.height), (WIDTH, HEIGHT));
    let span = picture::span(&report);
    let x = |t: Duration| picture::x_at(t, span);
    let key = time_of(&report, "notify_dtmf_received_start_data");
    assert_eq!(key, ms(3400));
    pic.assert_mark(MarkKind::CallerKey, x(key), 1);
    pic.assert_first(MarkKind::CallerKey, x(key), 1);
    let app_key = time_of(&report, "notify_dtmf_play_started_data");
    pic.assert_mark(MarkKind::AppKey, x(app_key), 1);
    pic.assert_first(MarkKind::AppKey, x(app_key), 1);
    let first_play = time_of(&report, "notify_playback_started_data");
    pic.assert_first(MarkKind::Play, x(first_play), 1);
    pic.assert_mark(
        MarkKind::End,
        x(Duration::from_secs_f64(report.summary.duration_ms / 1000.0)),
        1,
    );
    // No errors in this call: the error row is empty.
    assert!(pic.columns(MarkKind::Error).is_empty());
}

#[test]
fn a_call_with_no_audio_still_draws() {
    let mut report = every_kind();
    report.heard.clear();
    report.caller.clear();
    report.timeline.clear();
    report.summary.duration_ms = 0.0;
    let pic = Picture::decode(&picture::render(&report).unwrap());
    assert_eq!((pic.width, pic.height), (WIDTH, HEIGHT));
    pic.assert_mark(MarkKind::End, PLOT_LEFT, 0);
}

/// A 4-hour call renders in bounded memory (run by hand: `cargo test --release -p
/// fcstream-emulator --test picture -- --ignored --nocapture`, under `/usr/bin/time -v`).
#[test]
#[ignore]
fn a_four_hour_call() {
    let n = 4 * 3600 * RATE as usize;
    let mut report = every_kind();
    let tone = Audio::tone(440.0, Duration::from_secs(1), RATE).samples();
    report.heard = tone.iter().copied().cycle().take(n).collect();
    report.caller = vec![0; n];
    report.summary.duration_ms = n as f64 / 8.0;
    let wall = std::time::Instant::now();
    let png_bytes = picture::render(&report).unwrap();
    println!(
        "4 h call: rendered in {:?}, {} bytes of PNG",
        wall.elapsed(),
        png_bytes.len()
    );
    keep("picture-4h.png", &png_bytes);
}
