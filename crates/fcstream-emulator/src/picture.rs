//! The picture of a call, `heard.png`: what the caller heard and said, and what happened
//! when, in one image a developer can look at instead of loading two WAVs and a timeline
//! into sox by hand.
//!
//! The picture is [`WIDTH`] × [`HEIGHT`] pixels (1600 × 900), whatever the call's length,
//! and holds, from top to bottom:
//!
//! - a title: the call id, its format, how and when it ended;
//! - the **events**, one row per kind ([`MarkKind`], each in its own colour, named at the
//!   row's left: that is the legend): where the app's audio played (a light bar, with a tick
//!   where each stretch started), clears, the caller's keys, the app's keys, barge-ins (the
//!   caller started talking over app audio that the app then cleared), `NotifyErrorMessage`s
//!   and the call's end. Each event is also drawn as a faint vertical line through the lanes
//!   below;
//! - **heard**: the waveform of what the caller heard, on a dB scale (-60 to 0 dBFS up and
//!   down from the middle line: speech at -20 dBFS is two thirds of the way out);
//! - the **spectrogram** of what the caller heard, 0 Hz to half the call's rate;
//! - **caller**: the waveform of what the caller said, on the same scale;
//! - the time axis, in seconds (or m:ss for long calls).
//!
//! Time runs left to right over the plot columns [`PLOT_LEFT`]`..`[`PLOT_RIGHT`]: a time
//! `t` of a call that lasts `span` is drawn at column [`x_at`]`(t, span)`, and each column
//! sums up its share of the samples (the loudest and quietest of them, an average spectrum
//! of up to 8 windows), so a 4-hour call costs one pass over its audio and a few megabytes.
//!
//! Text is drawn with a font compiled into the binary (Hack, through `epaint_default_fonts`):
//! no system fonts, no fontconfig, the same picture on every machine.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use serde_json::Value;

use crate::report::CallReport;
use crate::speech::{self, PlaybackMark};
use crate::timeline::{Dir, TimelineEntry};
use crate::EmulatorError;

/// The picture's width, pixels.
pub const WIDTH: u32 = 1600;
/// The picture's height, pixels.
pub const HEIGHT: u32 = 900;
/// The first column of the plot (time 0).
pub const PLOT_LEFT: u32 = 120;
/// One past the last column of the plot (the call's end is drawn at `PLOT_RIGHT - 1`).
pub const PLOT_RIGHT: u32 = WIDTH - 30;
/// The plot's width in columns.
pub const PLOT_WIDTH: u32 = PLOT_RIGHT - PLOT_LEFT;

/// The top of the events area; row `k` of [`MarkKind::ALL`] spans
/// `EVENTS_TOP + k * EVENT_ROW .. EVENTS_TOP + (k + 1) * EVENT_ROW`.
pub const EVENTS_TOP: u32 = 46;
/// The height of one event row, pixels.
pub const EVENT_ROW: u32 = 18;
const EVENTS_BOTTOM: u32 = EVENTS_TOP + EVENT_ROW * MarkKind::ALL.len() as u32;
const HEARD: (u32, u32) = (EVENTS_BOTTOM + 12, EVENTS_BOTTOM + 12 + 180);
const SPECTRO: (u32, u32) = (HEARD.1 + 10, HEARD.1 + 10 + 260);
const CALLER: (u32, u32) = (SPECTRO.1 + 10, SPECTRO.1 + 10 + 160);
const AXIS_Y: u32 = CALLER.1;

/// The waveform lanes show -60..0 dBFS.
const FLOOR_DB: f64 = -60.0;
/// Windows averaged into one spectrogram column, at most.
const WINDOWS_PER_COLUMN: usize = 8;
/// The spectrogram's colour scale: this many dB below full scale is black.
const SPECTRO_RANGE_DB: f64 = 90.0;

/// What an event marker stands for. Each kind has its own row and its own colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MarkKind {
    /// The app's audio started playing (a bar shows how long it played).
    Play,
    /// A clear was carried out (`NotifyAudioClearedData`).
    Clear,
    /// The caller pressed a key (`NotifyDtmfReceivedStartData`).
    CallerKey,
    /// A key the app asked for started playing to the caller (`NotifyDtmfPlayStartedData`).
    AppKey,
    /// The caller started talking while app audio played, and the app cleared that audio.
    BargeIn,
    /// The platform sent a `NotifyErrorMessage`.
    Error,
    /// The call ended.
    End,
}

impl MarkKind {
    /// Every kind, in row order.
    pub const ALL: [MarkKind; 7] = [
        MarkKind::Play,
        MarkKind::Clear,
        MarkKind::CallerKey,
        MarkKind::AppKey,
        MarkKind::BargeIn,
        MarkKind::Error,
        MarkKind::End,
    ];

    /// Its colour (RGB): only its ticks have exactly this colour (labels are darker, lines and
    /// bars lighter; no colour is a grey, so anti-aliased text never blends into one).
    pub fn colour(self) -> (u8, u8, u8) {
        match self {
            MarkKind::Play => (0, 158, 60),
            MarkKind::Clear => (245, 130, 0),
            MarkKind::CallerKey => (30, 90, 230),
            MarkKind::AppKey => (150, 60, 210),
            MarkKind::BargeIn => (230, 0, 150),
            MarkKind::Error => (215, 25, 25),
            MarkKind::End => (25, 25, 80),
        }
    }

    /// Its name, as in the picture's legend.
    pub fn label(self) -> &'static str {
        match self {
            MarkKind::Play => "app plays",
            MarkKind::Clear => "clear",
            MarkKind::CallerKey => "caller key",
            MarkKind::AppKey => "app key",
            MarkKind::BargeIn => "barge-in",
            MarkKind::Error => "error",
            MarkKind::End => "call end",
        }
    }

    /// Its row, from 0 at the top.
    pub fn row(self) -> u32 {
        MarkKind::ALL.iter().position(|k| *k == self).unwrap_or(0) as u32
    }

    /// The pixel rows of its event row.
    pub fn rows(self) -> std::ops::Range<u32> {
        let top = EVENTS_TOP + self.row() * EVENT_ROW;
        top..top + EVENT_ROW
    }

    fn rgb(self) -> RGBColor {
        let (r, g, b) = self.colour();
        RGBColor(r, g, b)
    }
}

/// One event in the picture.
#[derive(Debug, Clone, PartialEq)]
pub struct Mark {
    /// What it is.
    pub kind: MarkKind,
    /// When, from the call's start.
    pub at: Duration,
    /// Until when, for the app's audio playing (`None`: a moment).
    pub until: Option<Duration>,
    /// A short label (a key, an error id), if any.
    pub text: Option<String>,
}

/// Why a picture could not be made.
#[derive(Debug, thiserror::Error)]
pub enum PictureError {
    /// Drawing failed (the embedded font could not be read, ...).
    #[error("drawing the picture: {0}")]
    Draw(String),
    /// PNG encoding failed.
    #[error("encoding the picture as PNG: {0}")]
    Encode(#[from] png::EncodingError),
}

/// The time span the picture covers: the call's duration, or the recordings' length if
/// longer (at least 1 ms).
pub fn span(report: &CallReport) -> Duration {
    let rate = f64::from(report.rate.max(1));
    let audio = report.heard.len().max(report.caller.len()) as f64 / rate;
    let call = report.summary.duration_ms.max(0.0) / 1000.0;
    Duration::from_secs_f64(audio.max(call).max(0.001))
}

/// The plot column at which time `t` is drawn, for a picture covering `span` (see
/// [`span`]): column `PLOT_LEFT + floor(t / span × PLOT_WIDTH)`, the last column for `t >=
/// span`. Column `c` shows the samples whose times map to it.
pub fn x_at(t: Duration, span: Duration) -> u32 {
    let span = span.as_nanos().max(1);
    let col = t.as_nanos().saturating_mul(u128::from(PLOT_WIDTH)) / span;
    PLOT_LEFT + u32::try_from(col.min(u128::from(PLOT_WIDTH - 1))).unwrap_or(PLOT_WIDTH - 1)
}

fn at_of(e: &TimelineEntry) -> Duration {
    let ms = e
        .fields
        .get("at_ms")
        .and_then(Value::as_f64)
        .unwrap_or(e.t_ms);
    Duration::from_secs_f64(ms.max(0.0) / 1000.0)
}

fn sample_of(d: Duration, rate: u32) -> u64 {
    u64::try_from(d.as_nanos() * u128::from(rate) / 1_000_000_000).unwrap_or(u64::MAX)
}

fn time_of(s: u64, rate: u32) -> Duration {
    Duration::from_nanos(
        u64::try_from(u128::from(s) * 1_000_000_000 / u128::from(rate.max(1))).unwrap_or(u64::MAX),
    )
}

/// The events of `report`, as the picture draws them, in time order: from its timeline
/// (plays, clears, keys, errors), its end (`summary.duration_ms`) and, for barge-ins, the
/// caller's speech (found as [`crate::speech`] finds it: the caller's audio with key presses
/// silenced, against the stretches of app audio playing).
pub fn marks(report: &CallReport) -> Vec<Mark> {
    let rate = report.rate.max(1);
    let mut out = Vec::new();
    let mut playback = Vec::new();
    let mut key_spans: Vec<(u64, u64)> = Vec::new();
    let mut app_keys: Vec<(&str, &str)> = Vec::new();
    for e in &report.timeline {
        let field = |k: &str| e.fields.get(k).and_then(Value::as_str).unwrap_or("");
        match (e.dir, e.kind.as_str()) {
            (Dir::FromApp, "dtmf_data") => app_keys.push((field("id"), field("dtmf_digits"))),
            (Dir::FromApp, _) => {}
            (Dir::ToApp, "notify_playback_started_data") => {
                playback.push(PlaybackMark::Started(sample_of(at_of(e), rate)))
            }
            (Dir::ToApp, "notify_playback_completed_data") => {
                playback.push(PlaybackMark::Completed(sample_of(at_of(e), rate)))
            }
            (Dir::ToApp, "notify_audio_cleared_data") => {
                playback.push(PlaybackMark::Cleared(sample_of(at_of(e), rate)));
                out.push(Mark {
                    kind: MarkKind::Clear,
                    at: at_of(e),
                    until: None,
                    text: None,
                });
            }
            (Dir::ToApp, "notify_dtmf_received_start_data") => {
                key_spans.push((sample_of(at_of(e), rate), u64::MAX));
                out.push(Mark {
                    kind: MarkKind::CallerKey,
                    at: at_of(e),
                    until: None,
                    text: Some(field("digit").to_string()),
                });
            }
            (Dir::ToApp, "notify_dtmf_received_end_data") => {
                if let Some(open) = key_spans.last_mut().filter(|k| k.1 == u64::MAX) {
                    open.1 = sample_of(at_of(e), rate);
                }
            }
            (Dir::ToApp, "notify_dtmf_play_started_data") => {
                let id = field("id");
                let digits = app_keys.iter().rev().find(|(i, _)| *i == id).map(|k| k.1);
                out.push(Mark {
                    kind: MarkKind::AppKey,
                    at: at_of(e),
                    until: None,
                    text: digits.filter(|d| !d.is_empty()).map(str::to_string),
                });
            }
            (Dir::ToApp, "notify_error") => out.push(Mark {
                kind: MarkKind::Error,
                at: at_of(e),
                until: None,
                text: Some(field("error_id").to_string()).filter(|s| !s.is_empty()),
            }),
            _ => {}
        }
    }
    let playing = speech::playing(&playback, rate);
    for p in &playing {
        out.push(Mark {
            kind: MarkKind::Play,
            at: time_of(p.start, rate),
            until: p.end.map(|e| time_of(e, rate)),
            text: None,
        });
    }
    for start in barge_ins(&report.caller, &key_spans, &playing, rate) {
        out.push(Mark {
            kind: MarkKind::BargeIn,
            at: time_of(start, rate),
            until: None,
            text: None,
        });
    }
    out.push(Mark {
        kind: MarkKind::End,
        at: Duration::from_secs_f64(report.summary.duration_ms.max(0.0) / 1000.0),
        until: None,
        text: Some(report.summary.outcome.as_str().to_string()),
    });
    out.sort_by_key(|m| m.at);
    out
}

/// The starts (samples) of caller speech that began while app audio played and that audio
/// was then cleared: the barge-ins of [`crate::speech`]. The caller's audio is fed to the
/// voice activity detector in chunks with key presses silenced (no copy of the track).
fn barge_ins(
    caller: &[i16],
    keys: &[(u64, u64)],
    playing: &[speech::Playing],
    rate: u32,
) -> Vec<u64> {
    use fcstream_speech::vad::{Vad, VadConfig, VadEvent};
    let mut vad = Vad::new(VadConfig {
        sample_rate: rate,
        ..VadConfig::default()
    });
    let mut starts = Vec::new();
    let mut chunk = vec![0i16; 4096];
    for (i, part) in caller.chunks(chunk.len()).enumerate() {
        let base = (i * 4096) as u64;
        let buf = &mut chunk[..part.len()];
        buf.copy_from_slice(part);
        for &(a, b) in keys {
            let (a, b) = (a.max(base), b.min(base + part.len() as u64));
            if a < b {
                buf[(a - base) as usize..(b - base) as usize].fill(0);
            }
        }
        for event in vad.push(buf) {
            if let VadEvent::SpeechStarted { at } = event {
                starts.push(sample_of(at, rate));
            }
        }
    }
    starts
        .into_iter()
        .filter(|&s| {
            playing
                .iter()
                .any(|p| p.cleared && p.start <= s && p.end.is_some_and(|end| s < end))
        })
        .collect()
}

/// Renders the picture of `report` as PNG bytes (see the module docs).
pub fn render(report: &CallReport) -> Result<Vec<u8>, PictureError> {
    let rgb = render_rgb(report)?;
    let mut png_bytes = Vec::new();
    let mut encoder = png::Encoder::new(&mut png_bytes, WIDTH, HEIGHT);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(&rgb)?;
    writer.finish()?;
    Ok(png_bytes)
}

/// Renders the picture of `report` and writes it to `path` as a PNG.
pub fn write_file(report: &CallReport, path: &Path) -> Result<(), EmulatorError> {
    let io = |source| EmulatorError::Io {
        path: path.to_path_buf(),
        source,
    };
    let bytes = render(report).map_err(|e| io(std::io::Error::other(e)))?;
    std::fs::write(path, bytes).map_err(io)
}

/// The embedded font, registered once for plotters' `sans-serif`.
fn font() -> Result<(), PictureError> {
    static REGISTERED: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    let ok = *REGISTERED.get_or_init(|| {
        plotters::style::register_font(
            "sans-serif",
            FontStyle::Normal,
            epaint_default_fonts::HACK_REGULAR,
        )
        .is_ok()
    });
    if ok {
        Ok(())
    } else {
        Err(PictureError::Draw("the embedded font is unreadable".into()))
    }
}

fn draw_err<E: std::fmt::Debug>(e: E) -> PictureError {
    PictureError::Draw(format!("{e:?}"))
}

/// The picture as RGB bytes, `WIDTH * HEIGHT * 3`.
pub fn render_rgb(report: &CallReport) -> Result<Vec<u8>, PictureError> {
    font()?;
    let span = span(report);
    let mut buf = vec![255u8; (WIDTH * HEIGHT * 3) as usize];
    spectrogram(&mut buf, &report.heard, report.rate, span);
    let marks = marks(report);
    {
        let root = BitMapBackend::with_buffer(&mut buf, (WIDTH, HEIGHT)).into_drawing_area();
        draw(&root, report, span, &marks).map_err(draw_err)?;
        root.present().map_err(draw_err)?;
    }
    Ok(buf)
}

type Area<'a> = DrawingArea<BitMapBackend<'a>, plotters::coord::Shift>;
type DrawResult<'a> =
    Result<(), DrawingAreaErrorKind<<BitMapBackend<'a> as DrawingBackend>::ErrorType>>;

fn text(size: u32, colour: RGBColor) -> TextStyle<'static> {
    ("sans-serif", size).into_font().color(&colour)
}

fn tint(c: RGBColor, amount: f64) -> RGBColor {
    let mix = |v: u8| (f64::from(v) + (255.0 - f64::from(v)) * amount).round() as u8;
    RGBColor(mix(c.0), mix(c.1), mix(c.2))
}

const INK: RGBColor = RGBColor(40, 40, 40);
const GRID: RGBColor = RGBColor(225, 225, 225);
const FRAME: RGBColor = RGBColor(160, 160, 160);
const HEARD_INK: RGBColor = RGBColor(40, 70, 140);
const CALLER_INK: RGBColor = RGBColor(60, 120, 100);

fn draw<'a>(
    root: &Area<'a>,
    report: &CallReport,
    span: Duration,
    marks: &[Mark],
) -> DrawResult<'a> {
    let s = &report.summary;
    let (l, r) = (PLOT_LEFT as i32, PLOT_RIGHT as i32 - 1);
    // Title.
    root.draw(&Text::new(
        format!(
            "call {}  ·  {}  ·  {} after {:.2} s  ·  {:.1} s of app audio, {} clears, {} errors",
            s.call_id,
            s.content_type,
            s.outcome,
            s.duration_ms / 1000.0,
            s.plays.app_audio_ms / 1000.0,
            s.plays.clears,
            s.error_count()
        ),
        (l, 12),
        text(18, INK),
    ))?;

    // Time grid and axis.
    let step = tick_step(span);
    let mut t = Duration::ZERO;
    let long = span >= Duration::from_secs(120);
    while t <= span {
        let x = x_at(t, span) as i32;
        // Not over the spectrogram: there a grid line would look like a click.
        for (top, bottom) in [(EVENTS_TOP, EVENTS_BOTTOM), HEARD, CALLER] {
            root.draw(&PathElement::new(
                vec![(x, top as i32), (x, bottom as i32)],
                GRID,
            ))?;
        }
        root.draw(&PathElement::new(
            vec![(x, AXIS_Y as i32), (x, AXIS_Y as i32 + 6)],
            INK,
        ))?;
        root.draw(&Text::new(
            tick_label(t, step, long),
            (x, AXIS_Y as i32 + 9),
            text(14, INK).pos(Pos::new(HPos::Center, VPos::Top)),
        ))?;
        t += step;
    }
    root.draw(&Text::new(
        if span >= Duration::from_secs(3600) {
            "time (h:mm:ss)"
        } else if long {
            "time (m:ss)"
        } else {
            "time (s)"
        },
        ((l + r) / 2, AXIS_Y as i32 + 30),
        text(14, INK).pos(Pos::new(HPos::Center, VPos::Top)),
    ))?;

    // Event rows: names (the legend), a separator, the marks.
    for kind in MarkKind::ALL {
        let rows = kind.rows();
        let mid = (rows.start + rows.end) as i32 / 2;
        root.draw(&Text::new(
            kind.label(),
            (l - 8, mid),
            text(14, kind.rgb()).pos(Pos::new(HPos::Right, VPos::Center)),
        ))?;
        root.draw(&PathElement::new(
            vec![(l, rows.end as i32 - 1), (r, rows.end as i32 - 1)],
            GRID,
        ))?;
    }
    // Faint lines through the lanes first, then the marks in their rows (bars, then ticks).
    for m in marks {
        let x = x_at(m.at, span) as i32;
        root.draw(&PathElement::new(
            vec![(x, EVENTS_BOTTOM as i32), (x, AXIS_Y as i32 - 1)],
            tint(m.kind.rgb(), 0.55),
        ))?;
    }
    for m in marks {
        if let (MarkKind::Play, Some(until)) = (m.kind, m.until) {
            let rows = m.kind.rows();
            root.draw(&Rectangle::new(
                [
                    (x_at(m.at, span) as i32, rows.start as i32 + 5),
                    (x_at(until, span) as i32, rows.end as i32 - 5),
                ],
                tint(m.kind.rgb(), 0.6).filled(),
            ))?;
        } else if m.kind == MarkKind::Play {
            let rows = m.kind.rows();
            root.draw(&Rectangle::new(
                [
                    (x_at(m.at, span) as i32, rows.start as i32 + 5),
                    (r, rows.end as i32 - 5),
                ],
                tint(m.kind.rgb(), 0.6).filled(),
            ))?;
        }
    }
    let mut last_label: Vec<Option<i32>> = vec![None; MarkKind::ALL.len()];
    for m in marks {
        let rows = m.kind.rows();
        let x = x_at(m.at, span) as i32;
        root.draw(&PathElement::new(
            vec![(x, rows.start as i32 + 2), (x, rows.end as i32 - 3)],
            m.kind.rgb().stroke_width(1),
        ))?;
        // A label to the right of the tick, when there is room since the last one.
        let row = m.kind.row() as usize;
        if let Some(label) = &m.text {
            // Darker than the marker: its exact colour is the ticks' alone.
            let c = m.kind.rgb();
            let label_ink = RGBColor(c.0 / 4 * 3, c.1 / 4 * 3, c.2 / 4 * 3);
            // About 7 px a character at 12 px (Hack is monospaced).
            let width = 7 * label.chars().count() as i32;
            let room = last_label[row].is_none_or(|end| x - end > 6);
            let mid = (rows.start + rows.end) as i32 / 2;
            if room && x + 4 + width < r {
                root.draw(&Text::new(
                    label.clone(),
                    (x + 4, mid),
                    text(12, label_ink).pos(Pos::new(HPos::Left, VPos::Center)),
                ))?;
                last_label[row] = Some(x + 4 + width);
            } else if room || m.kind == MarkKind::End {
                // No room on the right (the call's end): on the left.
                root.draw(&Text::new(
                    label.clone(),
                    (x - 4, mid),
                    text(12, label_ink).pos(Pos::new(HPos::Right, VPos::Center)),
                ))?;
                last_label[row] = Some(x);
            }
        }
    }

    // The lanes.
    waveform(root, &report.heard, report.rate, span, HEARD, HEARD_INK)?;
    waveform(root, &report.caller, report.rate, span, CALLER, CALLER_INK)?;
    lane_frame(root, HEARD, "heard: what the caller heard (dBFS)", INK)?;
    lane_frame(
        root,
        SPECTRO,
        &format!(
            "heard: spectrogram, 0-{:.0} kHz",
            f64::from(report.rate) / 2000.0
        ),
        RGBColor(235, 235, 235),
    )?;
    lane_frame(root, CALLER, "caller: what the caller said (dBFS)", INK)?;
    for (lane, _) in [(HEARD, ()), (CALLER, ())] {
        let mid = (lane.0 + lane.1) as i32 / 2;
        for (y, label) in [
            (lane.0 as i32 + 1, "0"),
            (mid, "-60"),
            (lane.1 as i32 - 1, "0"),
        ] {
            root.draw(&Text::new(
                label,
                (l - 6, y),
                text(12, INK).pos(Pos::new(HPos::Right, VPos::Center)),
            ))?;
        }
    }
    let nyquist = f64::from(report.rate) / 2.0;
    let khz_step = if nyquist > 4000.0 { 2000.0 } else { 1000.0 };
    let mut f = 0.0;
    while f <= nyquist + 1.0 {
        let y = SPECTRO.1 as f64 - 1.0 - f / nyquist * f64::from(SPECTRO.1 - SPECTRO.0 - 1);
        root.draw(&Text::new(
            format!("{:.0} kHz", f / 1000.0),
            (l - 6, y as i32),
            text(12, INK).pos(Pos::new(HPos::Right, VPos::Center)),
        ))?;
        f += khz_step;
    }
    root.draw(&Text::new(
        "Events are drawn in their row and as faint lines through the lanes. Waveforms on a dB scale (-60 dBFS at the middle line, 0 dBFS at the edges).",
        (l, HEIGHT as i32 - 28),
        text(13, FRAME),
    ))?;
    Ok(())
}

fn lane_frame<'a>(root: &Area<'a>, lane: (u32, u32), title: &str, ink: RGBColor) -> DrawResult<'a> {
    let (l, r) = (PLOT_LEFT as i32 - 1, PLOT_RIGHT as i32);
    root.draw(&Rectangle::new(
        [(l, lane.0 as i32 - 1), (r, lane.1 as i32)],
        FRAME,
    ))?;
    root.draw(&Text::new(
        title.to_string(),
        (l + 6, lane.0 as i32 + 3),
        text(13, ink),
    ))?;
    Ok(())
}

/// The samples of plot column `col` (`0..PLOT_WIDTH`), for audio `len` samples long at
/// `rate` drawn over `span`.
fn column_samples(col: u32, len: usize, rate: u32, span: Duration) -> std::ops::Range<usize> {
    let at = |c: u32| {
        let t = span.as_nanos() * u128::from(c) / u128::from(PLOT_WIDTH);
        // The first sample whose time is in column c or later.
        usize::try_from((t * u128::from(rate)).div_ceil(1_000_000_000))
            .unwrap_or(usize::MAX)
            .min(len)
    };
    at(col)..at(col + 1)
}

fn db_of(v: f64) -> f64 {
    if v <= 0.0 {
        FLOOR_DB
    } else {
        (20.0 * (v / 32768.0).log10()).clamp(FLOOR_DB, 0.0)
    }
}

/// Min/max per column on a dB scale, with the column's RMS darker inside.
fn waveform<'a>(
    root: &Area<'a>,
    samples: &[i16],
    rate: u32,
    span: Duration,
    lane: (u32, u32),
    ink: RGBColor,
) -> DrawResult<'a> {
    let mid = f64::from(lane.0 + lane.1) / 2.0;
    let half = f64::from(lane.1 - lane.0) / 2.0 - 2.0;
    let y = |db: f64, up: bool| {
        let off = (db - FLOOR_DB) / -FLOOR_DB * half;
        (if up { mid - off } else { mid + off }).round() as i32
    };
    let light = tint(ink, 0.55);
    root.draw(&PathElement::new(
        vec![
            (PLOT_LEFT as i32, mid as i32),
            (PLOT_RIGHT as i32 - 1, mid as i32),
        ],
        GRID,
    ))?;
    for col in 0..PLOT_WIDTH {
        let range = column_samples(col, samples.len(), rate, span);
        if range.is_empty() {
            continue;
        }
        let part = &samples[range];
        let (mut lo, mut hi, mut energy) = (0i32, 0i32, 0f64);
        for &s in part {
            lo = lo.min(i32::from(s));
            hi = hi.max(i32::from(s));
            energy += f64::from(s) * f64::from(s);
        }
        let rms = (energy / part.len() as f64).sqrt();
        let x = (PLOT_LEFT + col) as i32;
        let (top, bottom) = (
            y(db_of(f64::from(hi)), true),
            y(db_of(f64::from(-lo)), false),
        );
        if top < bottom {
            root.draw(&PathElement::new(vec![(x, top), (x, bottom)], light))?;
        }
        let r = db_of(rms);
        if r > FLOOR_DB {
            root.draw(&PathElement::new(
                vec![(x, y(r, true)), (x, y(r, false))],
                ink,
            ))?;
        }
    }
    Ok(())
}

/// The spectrogram lane, written straight into the RGB buffer (before anything else is
/// drawn over it).
fn spectrogram(buf: &mut [u8], samples: &[i16], rate: u32, span: Duration) {
    let n = if rate > 8000 { 512 } else { 256 };
    let mut planner = realfft::RealFftPlanner::<f32>::new();
    let fft: Arc<dyn realfft::RealToComplex<f32>> = planner.plan_fft_forward(n);
    let mut input = fft.make_input_vec();
    let mut spectrum = fft.make_output_vec();
    let mut scratch = fft.make_scratch_vec();
    let window: Vec<f32> = (0..n)
        .map(|i| 0.5 - 0.5 * (std::f32::consts::TAU * i as f32 / n as f32).cos())
        .collect();
    let bins = spectrum.len();
    let mut power = vec![0f64; bins];
    // Full scale: a full-scale sine's peak bin under the Hann window.
    let reference = (32768.0 * n as f64 / 4.0).powi(2);
    let height = SPECTRO.1 - SPECTRO.0;
    for col in 0..PLOT_WIDTH {
        let range = column_samples(col, samples.len(), rate, span);
        if samples.len() < n || range.is_empty() {
            continue;
        }
        power.fill(0.0);
        // Up to 8 windows spread over the column (one, centred, when the column is short).
        let count = ((range.end - range.start) / n).clamp(1, WINDOWS_PER_COLUMN);
        for w in 0..count {
            let centre = range.start + (range.end - range.start) * (2 * w + 1) / (2 * count);
            let start = centre.saturating_sub(n / 2).min(samples.len() - n);
            for (i, v) in input.iter_mut().enumerate() {
                *v = f32::from(samples[start + i]) * window[i];
            }
            if fft
                .process_with_scratch(&mut input, &mut spectrum, &mut scratch)
                .is_err()
            {
                return;
            }
            for (p, c) in power.iter_mut().zip(&spectrum) {
                *p += f64::from(c.norm_sqr());
            }
        }
        let x = (PLOT_LEFT + col) as usize;
        for row in 0..height {
            // Row 0 is the top (the highest frequency).
            let from_bottom = height - 1 - row;
            let bin = (u64::from(from_bottom) * (bins as u64 - 1) / u64::from(height - 1)) as usize;
            let db = 10.0 * (power[bin] / count as f64 / reference).max(1e-30).log10();
            let level = ((db + SPECTRO_RANGE_DB) / SPECTRO_RANGE_DB).clamp(0.0, 1.0);
            let (r, g, b) = heat(level);
            let at = ((SPECTRO.0 + row) as usize * WIDTH as usize + x) * 3;
            buf[at..at + 3].copy_from_slice(&[r, g, b]);
        }
    }
}

/// A dark-to-bright colour scale (black, purple, red, orange, pale yellow) for 0..=1.
fn heat(v: f64) -> (u8, u8, u8) {
    const STOPS: [(f64, f64, f64); 5] = [
        (0.0, 0.0, 4.0),
        (87.0, 16.0, 110.0),
        (188.0, 55.0, 84.0),
        (249.0, 142.0, 9.0),
        (252.0, 255.0, 164.0),
    ];
    let x = v.clamp(0.0, 1.0) * (STOPS.len() - 1) as f64;
    let i = (x.floor() as usize).min(STOPS.len() - 2);
    let f = x - i as f64;
    let (a, b) = (STOPS[i], STOPS[i + 1]);
    let mix = |p: f64, q: f64| (p + (q - p) * f).round() as u8;
    (mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// A round tick step giving at most about 16 ticks over `span`.
fn tick_step(span: Duration) -> Duration {
    const STEPS_MS: [u64; 18] = [
        100, 200, 500, 1_000, 2_000, 5_000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000,
        600_000, 900_000, 1_800_000, 3_600_000, 7_200_000, 14_400_000,
    ];
    let span_ms = span.as_millis() as u64;
    let ms = STEPS_MS
        .iter()
        .copied()
        .find(|s| span_ms / s <= 16)
        .unwrap_or(*STEPS_MS.last().unwrap_or(&3_600_000));
    Duration::from_millis(ms)
}

fn tick_label(t: Duration, step: Duration, long: bool) -> String {
    let secs = t.as_secs();
    if long {
        let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
        if h > 0 {
            format!("{h}:{m:02}:{s:02}")
        } else {
            format!("{m}:{s:02}")
        }
    } else if step < Duration::from_secs(1) {
        format!("{:.1}", t.as_secs_f64())
    } else {
        format!("{secs}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_maps_to_columns_left_to_right() {
        let span = Duration::from_secs(10);
        assert_eq!(x_at(Duration::ZERO, span), PLOT_LEFT);
        assert_eq!(x_at(span, span), PLOT_RIGHT - 1);
        assert_eq!(x_at(span * 2, span), PLOT_RIGHT - 1);
        assert_eq!(
            x_at(Duration::from_secs(5), span),
            PLOT_LEFT + PLOT_WIDTH / 2
        );
        // Column c holds the samples that map to it.
        let r = column_samples(7, 80_000, 8000, span);
        assert!(x_at(time_of(r.start as u64, 8000), span) == PLOT_LEFT + 7);
        assert!(x_at(time_of(r.end as u64 - 1, 8000), span) == PLOT_LEFT + 7);
    }

    #[test]
    fn ticks_are_round_and_few() {
        assert_eq!(tick_step(Duration::from_secs(11)), Duration::from_secs(1));
        assert_eq!(
            tick_step(Duration::from_millis(900)),
            Duration::from_millis(100)
        );
        assert_eq!(
            tick_step(Duration::from_secs(4 * 3600)),
            Duration::from_secs(900)
        );
        assert_eq!(
            tick_label(Duration::from_secs(3725), Duration::from_secs(60), true),
            "1:02:05"
        );
        assert_eq!(
            tick_label(
                Duration::from_millis(1500),
                Duration::from_millis(500),
                false
            ),
            "1.5"
        );
    }

    #[test]
    fn marker_colours_are_distinct() {
        let mut seen = std::collections::HashSet::new();
        for k in MarkKind::ALL {
            assert!(seen.insert(k.colour()), "{k:?}");
        }
    }
}
