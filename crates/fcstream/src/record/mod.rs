//! Recording of every call, server side, opt-in: per call a stereo 16-bit WAV (left: the
//! caller as received; right: the app's audio where the platform confirmed it played) and a
//! JSON-lines timeline of every message both ways. See `docs/RECORDING.md`.
//!
//! It exists so that an operator can hear and read a call afterwards without trusting the app:
//! what the server received and what the platform said it played, on the platform's timeline.
//!
//! The call's task places the audio and formats the lines (`tracks`, no I/O) into two reused
//! buffers, and hands them in chunks to a writer task over a bounded channel with `try_send`:
//! a slow disk drops chunks (counted; dropped audio becomes silence of the same length, so the
//! tracks stay aligned), never the call. The writer opens the files, writes, and keeps the
//! WAV header's sizes right after every chunk, so the file is a valid WAV at any moment: after
//! a broken stream, a panicking handler or a killed process too. Calls that are not recorded
//! pay one `None` check per message.
//!
//! ```no_run
//! use fcstream::{record::Recorder, Call, Server};
//!
//! async fn app(call: Call) -> fcstream::Result<()> {
//!     call.hangup().await?;
//!     Ok(())
//! }
//!
//! # async fn run() -> fcstream::Result<()> {
//! // Or `Server::bind(..).record_dir("recordings")`; keep a clone to wait for the files.
//! let recorder = Recorder::new("recordings");
//! Server::bind("0.0.0.0:50051").recorder(recorder.clone()).serve(app).await?;
//! recorder.idle().await; // every file complete
//! # Ok(()) }
//! ```

mod tracks;

use std::fs::{File, OpenOptions};
use std::io::{Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use tokio::sync::{mpsc, watch};
use tracing::{debug, warn};

use crate::command::Command;
use crate::error::EndCause;
use crate::event::{CallInfo, Direction, Event, EventError};
use crate::server::Metrics;
use crate::time::Clock;
use crate::untrusted::LogBudget;
use tracks::Tracks;

pub use tracks::{TrackStats, MAX_HOLD, MAX_LEAD, MAX_QUEUED};

/// Bytes of audio (interleaved) or timeline gathered before a chunk goes to the writer.
pub const CHUNK_BYTES: usize = 4096;

/// Chunks waiting for the writer, per call; past it chunks are dropped (counted).
pub const CHANNEL_CHUNKS: usize = 8;

/// Longest call id kept in a file name (after sanitising).
pub const MAX_NAME_ID: usize = 64;

/// Longest text field (ids, descriptions, messages) in a timeline line, in characters.
const MAX_FIELD: usize = 128;

/// Recording failures are logged a few times a second at most, server-wide.
static FAILURES: LogBudget = LogBudget::new(2);

/// Where a server's recordings go, and how many are being written. Cheap to clone (all
/// clones are one recorder); give it to [`crate::Server::recorder`] or
/// [`crate::server::ServiceOptions::recorder`].
#[derive(Clone, Debug)]
pub struct Recorder {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    /// The directory (created when the first call is recorded).
    dir: PathBuf,
    /// Recordings being written.
    open: watch::Sender<usize>,
    /// Makes every file name of this process unique.
    serial: AtomicU64,
}

impl Recorder {
    /// Records every call into `dir` (created if missing, when the first call starts).
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self {
            inner: Arc::new(Inner {
                dir: dir.into(),
                open: watch::Sender::new(0),
                serial: AtomicU64::new(0),
            }),
        }
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.inner.dir
    }

    /// Recordings not yet closed (their writer still has chunks to write).
    pub fn in_progress(&self) -> usize {
        *self.inner.open.borrow()
    }

    /// Resolves once every recording started so far is closed (files complete on disk).
    pub async fn idle(&self) {
        let mut rx = self.inner.open.subscribe();
        let _ = rx.wait_for(|n| *n == 0).await;
    }

    /// Starts recording a call whose timeline begins at `origin` (on `clock`).
    pub(crate) fn start(
        &self,
        info: &CallInfo,
        origin: Instant,
        clock: &Clock,
        metrics: &Metrics,
    ) -> Box<CallRecording> {
        let serial = self.inner.serial.fetch_add(1, Ordering::Relaxed) + 1;
        let wall = SystemTime::now();
        let stem = file_stem(&info.call_id, wall, serial);
        let (tx, rx) = mpsc::channel(CHANNEL_CHUNKS);
        // At most one chunk's buffers wait to be reused; more (after a burst) are freed.
        let (recycle_tx, recycle_rx) = mpsc::channel(2);
        self.inner.open.send_modify(|n| *n += 1);
        let guard = OpenGuard(self.inner.clone());
        let plan = Plan {
            dir: self.inner.dir.clone(),
            stem,
            rate: info.content_type.sample_rate(),
        };
        // In virtual time the writer writes on the call's runtime: time does not move while
        // the disk works, so a virtual run records losslessly and the same way every time.
        let inline = matches!(clock, Clock::Virtual(_));
        tokio::spawn(write_loop(
            plan,
            rx,
            recycle_tx,
            inline,
            metrics.clone(),
            guard,
        ));
        metrics.recording_started();
        let mut rec = Box::new(CallRecording {
            tracks: Tracks::new(info.content_type, origin),
            audio: Vec::with_capacity(CHUNK_BYTES),
            lines: Vec::with_capacity(CHUNK_BYTES),
            silence: 0,
            lines_lost: 0,
            chunks_dropped: 0,
            tx: Some(tx),
            recycle: recycle_rx,
            origin,
            metrics: metrics.clone(),
            closed: false,
        });
        rec.header(info, wall);
        rec
    }
}

/// One open recording in the count; leaves it on drop (the writer ended, however).
struct OpenGuard(Arc<Inner>);

impl Drop for OpenGuard {
    fn drop(&mut self) {
        self.0.open.send_modify(|n| *n = n.saturating_sub(1));
    }
}

/// The file name (without extension) for a call: UTC start time, the call id made safe, and
/// a serial number; see [`safe_id`].
pub fn file_stem(call_id: &str, at: SystemTime, serial: u64) -> String {
    format!("{}-{}-{serial}", utc_stamp(at), safe_id(call_id))
}

/// A call id made safe for a file name: only `A-Z a-z 0-9 . _ -` (anything else becomes
/// `_`), no leading dot, at most [`MAX_NAME_ID`] characters, never empty.
pub fn safe_id(call_id: &str) -> String {
    let mut out: String = call_id
        .chars()
        .take(MAX_NAME_ID)
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if out.starts_with('.') {
        out.replace_range(0..1, "_");
    }
    if out.is_empty() {
        out.push_str("call");
    }
    out
}

/// `20261202T054406Z`.
fn utc_stamp(at: SystemTime) -> String {
    let secs = at.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let (y, m, d) = civil(secs / 86_400);
    let s = secs % 86_400;
    format!(
        "{y:04}{m:02}{d:02}T{:02}{:02}{:02}Z",
        s / 3600,
        s / 60 % 60,
        s % 60
    )
}

/// `2026-12-02T05:44:06.123Z`.
fn utc_iso(at: SystemTime) -> String {
    let d = at.duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = d.as_secs();
    let (y, m, day) = civil(secs / 86_400);
    let s = secs % 86_400;
    format!(
        "{y:04}-{m:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        s / 3600,
        s / 60 % 60,
        s % 60,
        d.subsec_millis()
    )
}

/// The civil date of a day count since 1970-01-01 (Howard Hinnant's algorithm).
fn civil(days: u64) -> (i64, u32, u32) {
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// What goes to the writer.
struct Chunk {
    /// Stereo frames of silence before `audio` (chunks dropped before this one).
    silence: u64,
    /// Interleaved little-endian PCM.
    audio: Vec<u8>,
    /// Timeline lines.
    lines: Vec<u8>,
    /// Lines dropped before these.
    lines_lost: u64,
}

/// The recording of one call, on the call's task. See the module docs.
pub(crate) struct CallRecording {
    /// The placement of both tracks.
    tracks: Tracks,
    /// PCM not yet handed over.
    audio: Vec<u8>,
    /// Lines not yet handed over.
    lines: Vec<u8>,
    /// Stereo frames dropped since the last chunk that went through.
    silence: u64,
    /// Lines dropped since then.
    lines_lost: u64,
    /// Chunks dropped on a full channel.
    chunks_dropped: u64,
    /// To the writer (`None` once closed).
    tx: Option<mpsc::Sender<Chunk>>,
    /// Buffers back from the writer.
    recycle: mpsc::Receiver<Vec<u8>>,
    /// The timeline's origin.
    origin: Instant,
    /// Where drops are counted.
    metrics: Metrics,
    /// Whether [`CallRecording::finish`] ran.
    closed: bool,
}

impl CallRecording {
    /// The first lines: the recording and the call.
    fn header(&mut self, info: &CallInfo, wall: SystemTime) {
        let rate = self.tracks.rate();
        let origin = self.origin;
        self.line(origin, "note", "recording");
        let _ = write!(
            self.lines,
            ",\"version\":1,\"rate\":{rate},\"channels\":[\"caller\",\"app_played\"],\"started_utc\":\"{}\"",
            utc_iso(wall)
        );
        self.end_line();
        self.line(origin, "in", "notify_call_started");
        self.field_str("call_id", &info.call_id);
        self.field_str("from", &info.from);
        self.field_str("to", &info.to);
        self.field_str("content_type", info.content_type.as_str());
        let direction = match info.direction {
            Direction::Inbound => "inbound",
            Direction::Outbound => "outbound",
        };
        self.field_str("direction", direction);
        let _ = write!(self.lines, ",\"metadata\":{}", info.metadata.len());
        self.end_line();
    }

    /// A platform message, as decoded, received at `now`.
    pub(crate) fn platform(&mut self, msg: &Result<Option<Event>, EventError>, now: Instant) {
        match msg {
            Ok(Some(event)) => {
                self.line(now, "in", event.kind());
                match event {
                    Event::Audio(f) => {
                        let _ = write!(
                            self.lines,
                            ",\"seq\":{},\"bytes\":{}",
                            f.sequence,
                            f.data.len()
                        );
                        self.tracks.caller_frame(&f.data, f.sequence, f.start, now);
                    }
                    Event::DtmfStarted { digit, .. } | Event::DtmfEnded { digit, .. } => {
                        let mut b = [0u8; 4];
                        self.field_str("digit", digit.encode_utf8(&mut b));
                    }
                    Event::PlaybackStarted(a) => {
                        self.field_str("id", &a.id);
                        self.tracks.started(&a.id, a.at, now);
                    }
                    Event::PlaybackCompleted(a) => {
                        self.field_str("id", &a.id);
                        self.tracks.completed(&a.id, a.at, now);
                    }
                    Event::BufferCleared(a) => {
                        self.field_str("id", &a.id);
                        self.tracks.cleared(&a.id, a.at, now);
                    }
                    Event::DtmfPlayStarted(a) => {
                        self.field_str("id", &a.id);
                        self.tracks.dtmf_started(&a.id, a.at, now);
                    }
                    Event::DtmfPlayCompleted(a) => {
                        self.field_str("id", &a.id);
                        self.tracks.dtmf_completed(&a.id, a.at, now);
                    }
                    Event::CallEnded(end) => {
                        self.field_str("reason", end.reason.as_str());
                        self.field_str("description", &end.description);
                    }
                    Event::Error { message, id } => {
                        self.field_str("id", id);
                        self.field_str("message", message);
                    }
                    Event::BufferDepth(d) => {
                        self.field_str("buffer", buffer_name(d.kind));
                        let _ = write!(self.lines, ",\"depth\":{},\"size\":{}", d.depth, d.size);
                    }
                    _ => {}
                }
            }
            Ok(None) => self.line(now, "in", "unknown"),
            Err(e) => {
                self.line(now, "in", "malformed");
                self.field_str("error", &e.to_string());
            }
        }
        self.end_line();
        self.pump(now);
    }

    /// A command sent at `now`.
    pub(crate) fn app(&mut self, cmd: &Command, now: Instant) {
        self.line(now, "out", cmd.kind());
        match cmd {
            Command::PlayAudio {
                id,
                audio,
                sequence,
                last,
                ..
            } => {
                self.field_str("id", id);
                let _ = write!(
                    self.lines,
                    ",\"seq\":{sequence},\"last\":{last},\"bytes\":{}",
                    audio.len()
                );
                self.tracks.entry_sent(id, audio, now);
            }
            Command::ClearAudioBuffer { id } => {
                self.field_str("id", id);
                self.tracks.clear_sent(id, now);
            }
            Command::PressDtmf {
                id,
                digits,
                press_ms,
                break_ms,
                sequence,
            } => {
                self.field_str("id", id);
                self.field_str("digits", digits);
                self.tracks.dtmf_sent(id, digits, *press_ms, *break_ms, now);
                let _ = write!(
                    self.lines,
                    ",\"press_ms\":{press_ms},\"break_ms\":{break_ms},\"seq\":{sequence}"
                );
            }
            Command::EndStream { action_url } => self.field_str("action_url", action_url),
            Command::QueryBuffer(kind) => self.field_str("buffer", buffer_name(*kind)),
            Command::TerminateCall => {}
        }
        self.end_line();
        self.pump(now);
    }

    /// The call ended (`cause`) at `now`: the rest is written and the files closed.
    pub(crate) fn finish(mut self: Box<Self>, cause: &EndCause, now: Instant) {
        self.close(
            &cause.to_string(),
            crate::server::metrics::reason_label(cause),
            now,
        );
    }

    /// Writes the end and hands everything over.
    fn close(&mut self, cause: &str, label: &str, now: Instant) {
        if self.closed {
            return;
        }
        self.closed = true;
        let end = self.tracks.end(now);
        self.tracks.render_to(end, &mut self.audio);
        let s = self.tracks.stats;
        self.line(now, "note", "recording_end");
        self.field_str("cause", label);
        self.field_str("description", cause);
        let _ = write!(
            self.lines,
            ",\"samples\":{},\"frames\":{},\"frames_misplaced\":{},\"frames_dropped\":{},\"entries_played\":{},\"entries_unconfirmed\":{},\"entries_cut\":{},\"chunks_dropped\":{}",
            self.tracks.written(),
            s.frames,
            s.frames_misplaced,
            s.frames_dropped,
            s.entries_played,
            s.entries_unconfirmed,
            s.entries_cut,
            self.chunks_dropped
        );
        self.end_line();
        let Some(tx) = self.tx.take() else { return };
        let chunk = self.take_chunk();
        if self.chunks_dropped > 0 {
            self.metrics
                .recording_dropped("chunks", self.chunks_dropped);
        }
        match tx.try_send(chunk) {
            Ok(()) => {}
            Err(mpsc::error::TrySendError::Full(chunk)) => {
                // The last chunk waits for room (one task per such call); the writer closes
                // the files once it is in.
                if let Ok(rt) = tokio::runtime::Handle::try_current() {
                    rt.spawn(async move {
                        let _ = tx.send(chunk).await;
                    });
                }
            }
            Err(mpsc::error::TrySendError::Closed(_)) => {}
        }
    }

    /// Renders what became final and hands a chunk over when one is full.
    fn pump(&mut self, now: Instant) {
        self.tracks.render(now, &mut self.audio);
        if self.audio.len() >= CHUNK_BYTES || self.lines.len() >= CHUNK_BYTES {
            self.send();
        }
    }

    /// The pending buffers as a chunk, with fresh (recycled) ones in their place.
    fn take_chunk(&mut self) -> Chunk {
        let fresh = |r: &mut mpsc::Receiver<Vec<u8>>| {
            r.try_recv()
                .unwrap_or_else(|_| Vec::with_capacity(CHUNK_BYTES))
        };
        let audio = std::mem::replace(&mut self.audio, fresh(&mut self.recycle));
        let lines = std::mem::replace(&mut self.lines, fresh(&mut self.recycle));
        Chunk {
            silence: std::mem::take(&mut self.silence),
            audio,
            lines,
            lines_lost: std::mem::take(&mut self.lines_lost),
        }
    }

    /// Hands a chunk to the writer, or drops it (counted) if the writer is behind.
    fn send(&mut self) {
        let Some(tx) = &self.tx else { return };
        let Ok(permit) = tx.try_reserve() else {
            // Full (or the writer is gone): the audio becomes silence, the lines a count.
            self.chunks_dropped += 1;
            if self.chunks_dropped == 1 {
                FAILURES.warn(|suppressed| {
                    warn!(suppressed, "recording: the disk is not keeping up; dropping audio and timeline (counted)")
                });
            }
            self.silence += (self.audio.len() / 4) as u64;
            self.lines_lost += self.lines.iter().filter(|&&b| b == b'\n').count() as u64;
            self.audio.clear();
            self.lines.clear();
            return;
        };
        let chunk = {
            let fresh = |r: &mut mpsc::Receiver<Vec<u8>>| {
                r.try_recv()
                    .unwrap_or_else(|_| Vec::with_capacity(CHUNK_BYTES))
            };
            let audio = std::mem::replace(&mut self.audio, fresh(&mut self.recycle));
            let lines = std::mem::replace(&mut self.lines, fresh(&mut self.recycle));
            Chunk {
                silence: std::mem::take(&mut self.silence),
                audio,
                lines,
                lines_lost: std::mem::take(&mut self.lines_lost),
            }
        };
        permit.send(chunk);
    }

    /// Starts a line: `{"t_ms":…,"dir":…,"kind":…`.
    fn line(&mut self, now: Instant, dir: &str, kind: &str) {
        let us = now.saturating_duration_since(self.origin).as_micros();
        let _ = write!(
            self.lines,
            "{{\"t_ms\":{}.{:03},\"dir\":\"{dir}\",\"kind\":\"{kind}\"",
            us / 1000,
            us % 1000
        );
    }

    /// `,"name":"value"` with the value escaped and cut at [`MAX_FIELD`] characters.
    fn field_str(&mut self, name: &str, value: &str) {
        let _ = write!(self.lines, ",\"{name}\":");
        json_str(&mut self.lines, value);
    }

    /// Ends a line.
    fn end_line(&mut self) {
        self.lines.extend_from_slice(b"}\n");
    }
}

impl Drop for CallRecording {
    fn drop(&mut self) {
        // Not finished: the call's task is unwinding (or was cancelled). What was gathered
        // is still written and the files closed.
        let now = Instant::now().max(self.origin);
        self.close(
            "the call's task ended without closing the recording",
            "aborted",
            now,
        );
    }
}

/// The wire name of a buffer kind.
fn buffer_name(kind: crate::event::BufferKind) -> &'static str {
    match kind {
        crate::event::BufferKind::Audio => "audio",
        crate::event::BufferKind::Dtmf => "dtmf",
    }
}

/// Appends `s` as a JSON string, escaped, cut at [`MAX_FIELD`] characters (then `…`).
fn json_str(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    for (i, c) in s.chars().enumerate() {
        if i == MAX_FIELD {
            out.extend_from_slice("…".as_bytes());
            break;
        }
        match c {
            '"' => out.extend_from_slice(b"\\\""),
            '\\' => out.extend_from_slice(b"\\\\"),
            '\n' => out.extend_from_slice(b"\\n"),
            '\r' => out.extend_from_slice(b"\\r"),
            '\t' => out.extend_from_slice(b"\\t"),
            // Control characters, and the two separators JavaScript reads as line ends.
            c if (c as u32) < 0x20 || c == '\u{7f}' || c == '\u{2028}' || c == '\u{2029}' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => {
                let mut b = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut b).as_bytes());
            }
        }
    }
    out.push(b'"');
}

/// Where a call's files go.
struct Plan {
    /// The directory.
    dir: PathBuf,
    /// The file name without extension.
    stem: String,
    /// The call's rate.
    rate: u32,
}

/// Largest WAV data chunk (the RIFF size is 32 bits).
const MAX_DATA: u64 = u32::MAX as u64 - 64;

/// The two files of a recording.
struct Files {
    wav: File,
    jsonl: File,
    /// PCM bytes in the WAV so far.
    data: u64,
    /// Whether the header holds the current size.
    patched: bool,
    /// Write errors so far (the first stops that file).
    wav_failed: bool,
    jsonl_failed: bool,
    /// Errors to count when the writer ends.
    errors: u64,
}

impl Files {
    /// Creates both files (never overwriting: a taken name gets a `-N` suffix).
    fn open(plan: &Plan) -> std::io::Result<(Files, PathBuf)> {
        // Recordings hold callers' voices and numbers: owner and group only (on Unix; the
        // umask may take more away).
        let mut dir = std::fs::DirBuilder::new();
        dir.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut dir, 0o750);
        dir.create(&plan.dir)?;
        let create = |p: &Path| {
            let mut o = OpenOptions::new();
            o.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o640);
            o.open(p)
        };
        let mut last = None;
        for n in 0..100u32 {
            let stem = if n == 0 {
                plan.stem.clone()
            } else {
                format!("{}-{n}", plan.stem)
            };
            let wav_path = plan.dir.join(format!("{stem}.wav"));
            let jsonl_path = plan.dir.join(format!("{stem}.jsonl"));
            let wav = match create(&wav_path) {
                Ok(f) => f,
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    last = Some(e);
                    continue;
                }
                Err(e) => return Err(e),
            };
            let jsonl = match create(&jsonl_path) {
                Ok(f) => f,
                Err(e) => {
                    let _ = std::fs::remove_file(&wav_path);
                    if e.kind() == std::io::ErrorKind::AlreadyExists {
                        last = Some(e);
                        continue;
                    }
                    return Err(e);
                }
            };
            let mut files = Files {
                wav,
                jsonl,
                data: 0,
                patched: false,
                wav_failed: false,
                jsonl_failed: false,
                errors: 0,
            };
            files.wav.write_all(&wav_header(plan.rate, 0))?;
            files.patched = true;
            return Ok((files, wav_path));
        }
        Err(last.unwrap_or_else(|| std::io::Error::other("no free file name")))
    }

    /// Writes one chunk, then brings the header up to date.
    fn write(&mut self, chunk: &Chunk, rate: u32) {
        if !self.wav_failed {
            let silence = (chunk.silence * 4).min(MAX_DATA - self.data.min(MAX_DATA));
            let room = MAX_DATA - self.data.min(MAX_DATA);
            let audio = &chunk.audio[..chunk.audio.len().min((room - silence) as usize)];
            let result =
                write_zeros(&mut self.wav, silence).and_then(|()| self.wav.write_all(audio));
            match result {
                Ok(()) => {
                    self.data += silence + audio.len() as u64;
                    self.patched = false;
                }
                Err(e) => self.fail_wav(&e),
            }
            self.patch(rate);
        }
        if !self.jsonl_failed {
            let mut result = Ok(());
            if chunk.lines_lost > 0 {
                result = writeln!(
                    self.jsonl,
                    "{{\"dir\":\"note\",\"kind\":\"recording_dropped\",\"lines\":{}}}",
                    chunk.lines_lost
                );
            }
            if let Err(e) = result.and_then(|()| self.jsonl.write_all(&chunk.lines)) {
                self.jsonl_failed = true;
                self.errors += 1;
                FAILURES.warn(|suppressed| warn!(error = %e, suppressed, "recording: cannot write the timeline; it stops here"));
            }
        }
    }

    fn fail_wav(&mut self, e: &std::io::Error) {
        self.wav_failed = true;
        self.errors += 1;
        FAILURES.warn(|suppressed| {
            warn!(error = %e, suppressed, "recording: cannot write the WAV; it stops here")
        });
    }

    /// Writes the current sizes into the header.
    fn patch(&mut self, rate: u32) {
        if self.patched {
            return;
        }
        let header = wav_header(rate, self.data);
        let result = (|| {
            self.wav.seek(SeekFrom::Start(0))?;
            self.wav.write_all(&header)?;
            self.wav.seek(SeekFrom::End(0)).map(|_| ())
        })();
        match result {
            Ok(()) => self.patched = true,
            Err(e) => self.fail_wav(&e),
        }
    }
}

/// Appends `n` zero bytes.
fn write_zeros(f: &mut File, mut n: u64) -> std::io::Result<()> {
    const ZEROS: [u8; 4096] = [0; 4096];
    while n > 0 {
        let k = n.min(ZEROS.len() as u64) as usize;
        f.write_all(&ZEROS[..k])?;
        n -= k as u64;
    }
    Ok(())
}

/// A 44-byte header of a stereo 16-bit PCM WAV with `data` bytes of samples.
fn wav_header(rate: u32, data: u64) -> [u8; 44] {
    let data = u32::try_from(data).unwrap_or(u32::MAX - 36);
    let mut h = [0u8; 44];
    let mut put = |at: usize, b: &[u8]| h[at..at + b.len()].copy_from_slice(b);
    put(0, b"RIFF");
    put(4, &(36 + data).to_le_bytes());
    put(8, b"WAVEfmt ");
    put(16, &16u32.to_le_bytes());
    put(20, &1u16.to_le_bytes()); // PCM
    put(22, &2u16.to_le_bytes()); // channels
    put(24, &rate.to_le_bytes());
    put(28, &(rate * 4).to_le_bytes()); // bytes per second
    put(32, &4u16.to_le_bytes()); // block align
    put(34, &16u16.to_le_bytes()); // bits
    put(36, b"data");
    put(40, &data.to_le_bytes());
    h
}

/// Runs `f` on a blocking thread, or right here in virtual time.
async fn blocking<T: Send + 'static>(
    inline: bool,
    f: impl FnOnce() -> T + Send + 'static,
) -> Option<T> {
    if inline {
        Some(f())
    } else {
        tokio::task::spawn_blocking(f).await.ok()
    }
}

/// The writer of one call: opens the files, writes each chunk, closes when the call's side
/// is gone.
async fn write_loop(
    plan: Plan,
    mut rx: mpsc::Receiver<Chunk>,
    recycle: mpsc::Sender<Vec<u8>>,
    inline: bool,
    metrics: Metrics,
    _open: OpenGuard,
) {
    let rate = plan.rate;
    let opened = blocking(inline, move || Files::open(&plan).map_err(|e| (e, plan))).await;
    let mut files = match opened {
        Some(Ok((files, path))) => {
            debug!(path = %path.display(), "recording");
            files
        }
        Some(Err((e, plan))) => {
            metrics.recording_error("open");
            FAILURES.warn(|suppressed| {
                warn!(error = %e, dir = %plan.dir.display(), suppressed, "recording: cannot create the files; this call is not recorded")
            });
            // Drained so the call's side never waits (it never does: it only try_sends).
            while rx.recv().await.is_some() {}
            return;
        }
        None => {
            metrics.recording_error("open");
            while rx.recv().await.is_some() {}
            return;
        }
    };
    while let Some(chunk) = rx.recv().await {
        let Some((f, mut chunk)) = blocking(inline, move || {
            files.write(&chunk, rate);
            (files, chunk)
        })
        .await
        else {
            // The blocking task panicked: the files went with it (their drop patched the
            // header). Nothing more can be written.
            metrics.recording_error("write");
            while rx.recv().await.is_some() {}
            return;
        };
        files = f;
        for mut buf in [
            std::mem::take(&mut chunk.audio),
            std::mem::take(&mut chunk.lines),
        ] {
            buf.clear();
            let _ = recycle.try_send(buf);
        }
    }
    let errors = blocking(inline, move || {
        files.patch(rate);
        let _ = files.jsonl.flush();
        files.errors
    })
    .await
    .unwrap_or(1);
    for _ in 0..errors {
        metrics.recording_error("write");
    }
}

impl Drop for Files {
    fn drop(&mut self) {
        // Whatever ended the writer (a cancelled task, a shut-down runtime), the WAV's header
        // says how much it holds. The rate field is already right: only the sizes change.
        if !self.patched && !self.wav_failed {
            let data = u32::try_from(self.data).unwrap_or(u32::MAX - 36);
            let _ = (|| {
                self.wav.seek(SeekFrom::Start(4))?;
                self.wav.write_all(&(36 + data).to_le_bytes())?;
                self.wav.seek(SeekFrom::Start(40))?;
                self.wav.write_all(&data.to_le_bytes())
            })();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A writer that cannot keep up (here: not scheduled at all while the call runs) loses
    /// chunks, never blocks the call, and the files stay aligned and valid: the WAV as long
    /// as the call, the drops counted, a `recording_dropped` line.
    #[tokio::test]
    async fn a_writer_that_falls_behind_drops_counted_chunks_and_keeps_alignment() {
        use crate::event::AudioFrame;
        let dir = std::env::temp_dir().join(format!("fcstream-record-unit-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let recorder = Recorder::new(&dir);
        let info = CallInfo {
            call_id: "CA-slow-disk".into(),
            to: "+1".into(),
            from: "+2".into(),
            direction: Direction::Inbound,
            metadata: vec![],
            content_type: crate::ContentType::L16At8k,
        };
        let origin = Instant::now();
        let metrics = Metrics::new();
        let mut rec = recorder.start(&info, origin, &Clock::Real, &metrics);
        // 40 s of caller audio in one go: the writer task cannot run before the first await.
        let frames = 2000u32;
        for k in 0..frames {
            let now = origin + std::time::Duration::from_millis(20 * (u64::from(k) + 1));
            let frame = AudioFrame {
                data: bytes::Bytes::from(crate::audio::l16::encode(&[1000; 160])),
                sequence: k,
                start: None,
                end: None,
            };
            rec.platform(&Ok(Some(Event::Audio(frame))), now);
        }
        let dropped = rec.chunks_dropped;
        assert!(dropped > 0, "the channel filled up");
        let end = origin + std::time::Duration::from_millis(20 * u64::from(frames));
        rec.finish(&EndCause::StreamClosed, end);
        recorder.idle().await;
        let wav = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.extension().is_some_and(|x| x == "wav"))
            .expect("a WAV");
        let reader = hound::WavReader::open(&wav).expect("a valid WAV");
        assert_eq!(
            reader.duration(),
            frames * 160,
            "dropped audio is silence of the same length"
        );
        let lines = std::fs::read_to_string(wav.with_extension("jsonl")).unwrap();
        let parsed: Vec<serde_json::Value> = lines
            .lines()
            .map(|l| serde_json::from_str(l).expect("JSON"))
            .collect();
        assert!(parsed.iter().any(|l| l["kind"] == "recording_dropped"));
        let last = parsed.last().unwrap();
        assert_eq!(last["kind"], "recording_end");
        assert_eq!(last["chunks_dropped"], dropped);
        println!("{dropped} chunks dropped, {} lines kept", parsed.len());
        #[cfg(feature = "metrics")]
        assert!(metrics.render().contains(&format!(
            "fcstream_recording_dropped_total{{what=\"chunks\"}} {dropped}"
        )));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn hostile_ids_become_safe_names() {
        for id in [
            "../../etc/passwd",
            "..",
            ".",
            "",
            "a/b\\c",
            "\u{0}\n\r\u{7f}x",
            "ü/..",
            "CA-1.2_3",
        ] {
            let s = safe_id(id);
            assert!(!s.is_empty());
            assert!(!s.starts_with('.'), "{s:?}");
            assert!(
                s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')),
                "{s:?}"
            );
            assert!(!s.contains('/') && !s.contains('\\'));
        }
        assert_eq!(safe_id("CA-1.2_3"), "CA-1.2_3");
        assert_eq!(safe_id("../../etc/passwd"), "_._.._etc_passwd");
        assert_eq!(safe_id(&"x".repeat(10_000)).len(), MAX_NAME_ID);
    }

    #[test]
    fn utc_names() {
        let t = UNIX_EPOCH + std::time::Duration::from_secs(1_796_190_246);
        assert_eq!(utc_stamp(t), "20261202T054406Z");
        assert_eq!(utc_iso(t), "2026-12-02T05:44:06.000Z");
        assert_eq!(utc_stamp(UNIX_EPOCH), "19700101T000000Z");
    }

    #[test]
    fn json_strings_are_escaped_and_cut() {
        let mut out = Vec::new();
        json_str(&mut out, "a\"b\\c\n\u{1}\u{2028}");
        assert_eq!(
            String::from_utf8(out).unwrap(),
            r#""a\"b\\c\n\u0001\u2028""#
        );
        let mut out = Vec::new();
        json_str(&mut out, &"y".repeat(1000));
        assert_eq!(
            String::from_utf8(out).unwrap().chars().count(),
            MAX_FIELD + 3
        );
    }
}
