//! What `fcstream call` shows besides the summary: one progress line per notable event while
//! the call runs (stderr), the story as JSON for `--story --json`, and Ctrl-C (the caller
//! hangs up, the report of the call so far is printed and written, exit status 130).
//!
//! Progress lines never slow the call: the platform's task hands each notable timeline entry
//! to a bounded queue (`try_send`; what does not fit is counted and said at the end) and a
//! thread of its own writes them to stderr.

use std::io::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender, TrySendError};
use std::sync::Arc;

use fcstream::untrusted::shown;
use fcstream_emulator::{story, CallReport, Dir, HangUp, Observer, TimelineEntry};
use serde_json::{json, Value};

/// The exit status of a call ended by Ctrl-C (128 + SIGINT, as shells report it).
pub const INTERRUPTED_STATUS: i32 = 130;

/// Progress lines waiting to be written, at most.
const QUEUE: usize = 1024;

/// Plays that start within this long after the previous one completed (no clear between)
/// are one "app audio plays" line: an app streaming clip after clip is playing, not
/// starting over 50 times a second.
const JOIN_PLAYS_MS: f64 = 100.0;

/// The progress printer of one call.
pub struct Progress {
    tx: SyncSender<Msg>,
    dropped: Arc<AtomicU64>,
    printer: Option<std::thread::JoinHandle<()>>,
}

/// What the printer thread is sent.
enum Msg {
    /// A notable entry.
    Entry(Box<TimelineEntry>),
    /// Stop: everything before this has been written.
    Done,
}

/// The kinds that make a progress line (everything else, audio frames first, is skipped
/// before it is queued).
fn notable(e: &TimelineEntry) -> bool {
    matches!(
        (e.dir, e.kind.as_str()),
        (Dir::ToApp, "notify_call_started")
            | (Dir::ToApp, "notify_playback_started_data")
            | (Dir::ToApp, "notify_playback_completed_data")
            | (Dir::ToApp, "notify_audio_cleared_data")
            | (Dir::ToApp, "notify_dtmf_received_start_data")
            | (Dir::ToApp, "notify_error")
            | (Dir::ToApp, "notify_call_ended")
            | (Dir::FromApp, "dtmf_data")
            | (Dir::FromApp, "terminate_call")
            | (Dir::FromApp, "end_stream")
            | (Dir::FromApp, "unknown")
            | (Dir::Note, _)
    )
}

impl Progress {
    /// Starts the printer thread; `write` receives each line (stderr in the command).
    pub fn start(mut write: impl FnMut(&str) + Send + 'static) -> Progress {
        let (tx, rx): (_, Receiver<Msg>) = sync_channel(QUEUE);
        let printer = std::thread::Builder::new()
            .name("call-progress".into())
            .spawn(move || {
                let mut lines = Lines::default();
                for msg in rx {
                    let Msg::Entry(entry) = msg else { break };
                    if let Some(line) = lines.line(&entry) {
                        write(&line);
                    }
                }
            })
            .ok();
        Progress {
            tx,
            dropped: Arc::default(),
            printer,
        }
    }

    /// The observer to give the call ([`fcstream_emulator::RunOptions::observer`]).
    pub fn observer(&self) -> Option<Observer> {
        let tx = self.tx.clone();
        let dropped = self.dropped.clone();
        Some(Observer::new(move |e: &TimelineEntry| {
            if !notable(e) {
                return;
            }
            match tx.try_send(Msg::Entry(Box::new(e.clone()))) {
                Ok(()) | Err(TrySendError::Disconnected(_)) => {}
                Err(TrySendError::Full(_)) => {
                    dropped.fetch_add(1, Ordering::Relaxed);
                }
            }
        }))
    }

    /// Waits until every queued line is written; returns how many were dropped (queue full).
    pub fn finish(mut self) -> u64 {
        // After the lines queued so far (the observer may live on: it is not waited for).
        if let Some(printer) = self.printer.take() {
            if self.tx.send(Msg::Done).is_ok() {
                let _ = printer.join();
            }
        }
        self.dropped.load(Ordering::Relaxed)
    }
}

/// Turns notable entries into lines, joining back-to-back plays.
#[derive(Default)]
struct Lines {
    /// When the last play completed, if nothing was cleared since.
    last_completed_ms: Option<f64>,
}

fn field<'a>(e: &'a TimelineEntry, key: &str) -> &'a str {
    e.fields.get(key).and_then(Value::as_str).unwrap_or("")
}

impl Lines {
    fn line(&mut self, e: &TimelineEntry) -> Option<String> {
        let t = e
            .fields
            .get("at_ms")
            .and_then(Value::as_f64)
            .unwrap_or(e.t_ms);
        let what = match (e.dir, e.kind.as_str()) {
            (Dir::ToApp, "notify_call_started") => format!(
                "call started: {} ({})",
                shown(field(e, "call_id")),
                field(e, "content_type")
            ),
            (Dir::ToApp, "notify_playback_started_data") => {
                let joined = self
                    .last_completed_ms
                    .is_some_and(|c| t - c < JOIN_PLAYS_MS);
                if joined {
                    return None;
                }
                format!("app audio plays (id {})", shown(field(e, "id")))
            }
            (Dir::ToApp, "notify_playback_completed_data") => {
                self.last_completed_ms = Some(t);
                return None;
            }
            (Dir::ToApp, "notify_audio_cleared_data") => {
                self.last_completed_ms = None;
                "the app's audio was cleared".to_string()
            }
            (Dir::ToApp, "notify_dtmf_received_start_data") => {
                format!("caller presses {}", field(e, "digit"))
            }
            (Dir::ToApp, "notify_error") => format!(
                "error sent to the app: {} ({})",
                field(e, "error_id"),
                shown(field(e, "error_message"))
            ),
            (Dir::ToApp, "notify_call_ended") => format!(
                "call ended: {} ({})",
                field(e, "reason_code"),
                field(e, "reason")
            ),
            (Dir::FromApp, "dtmf_data") => {
                format!("app presses {}", shown(field(e, "dtmf_digits")))
            }
            (Dir::FromApp, "terminate_call") => "app hangs up (TerminateCallMessage)".to_string(),
            (Dir::FromApp, "end_stream") => "app ends the stream (EndGrpcStreamMessage)".into(),
            (Dir::FromApp, "unknown") => "app sent a message with no known payload".into(),
            (Dir::Note, kind) => {
                let why = [field(e, "why"), field(e, "note")].join(" ");
                format!("platform note ({kind}): {}", shown(why.trim()))
            }
            _ => return None,
        };
        Some(format!("[{:>8.2} s] {what}", t / 1000.0))
    }
}

/// Ctrl-C during the call: the first press hangs up (as the caller would) and the command
/// goes on to print and write what was recorded; a second press quits at once (status 130,
/// nothing more written).
///
/// The handler is in place when this returns (a SIGINT right after is seen).
pub fn on_ctrl_c(button: HangUp) {
    let Some(mut presses) = Interrupts::new() else {
        // No handler: Ctrl-C keeps its default (the process ends, nothing written).
        return;
    };
    tokio::spawn(async move {
        if !presses.next().await {
            return;
        }
        let _ = writeln!(
            std::io::stderr(),
            "interrupted: the caller hangs up; writing what was recorded (Ctrl-C again to quit now)"
        );
        button.hang_up();
        if presses.next().await {
            let _ = writeln!(std::io::stderr(), "interrupted again: quitting");
            std::process::exit(INTERRUPTED_STATUS);
        }
    });
}

/// SIGINT, registered when made.
struct Interrupts {
    #[cfg(unix)]
    signal: tokio::signal::unix::Signal,
}

impl Interrupts {
    fn new() -> Option<Self> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            signal(SignalKind::interrupt())
                .ok()
                .map(|signal| Self { signal })
        }
        #[cfg(not(unix))]
        {
            Some(Self {})
        }
    }

    /// The next press; `false` if there will be none.
    async fn next(&mut self) -> bool {
        #[cfg(unix)]
        {
            self.signal.recv().await.is_some()
        }
        #[cfg(not(unix))]
        {
            tokio::signal::ctrl_c().await.is_ok()
        }
    }
}

/// The story of the call as JSON: `[{"t_ms", "who", "what"}, ...]`.
pub fn story_json(report: &CallReport) -> Value {
    story::story(report)
        .iter()
        .map(|l| json!({ "t_ms": l.t_ms, "who": l.who, "what": l.what }))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(t_ms: f64, dir: Dir, kind: &str, fields: Value) -> TimelineEntry {
        TimelineEntry {
            t_ms,
            dir,
            kind: kind.into(),
            fields,
        }
    }

    #[test]
    fn notable_events_make_one_line_each_and_back_to_back_plays_one() {
        let entries = [
            e(
                0.0,
                Dir::ToApp,
                "notify_call_started",
                json!({"call_id": "CA1", "content_type": "audio/mulaw;rate=8000"}),
            ),
            e(20.0, Dir::ToApp, "notify_audio_data", json!({})),
            e(
                30.0,
                Dir::ToApp,
                "notify_playback_started_data",
                json!({"id": "a", "at_ms": 30.0}),
            ),
            e(
                50.0,
                Dir::ToApp,
                "notify_playback_completed_data",
                json!({"id": "a", "at_ms": 50.0}),
            ),
            e(
                50.0,
                Dir::ToApp,
                "notify_playback_started_data",
                json!({"id": "b", "at_ms": 50.0}),
            ),
            e(
                900.0,
                Dir::ToApp,
                "notify_audio_cleared_data",
                json!({"id": "c"}),
            ),
            e(
                950.0,
                Dir::ToApp,
                "notify_playback_started_data",
                json!({"id": "d\u{1b}[31m", "at_ms": 950.0}),
            ),
            e(
                3400.0,
                Dir::ToApp,
                "notify_dtmf_received_start_data",
                json!({"digit": "2", "at_ms": 3400.0}),
            ),
            e(
                3500.0,
                Dir::FromApp,
                "dtmf_data",
                json!({"dtmf_digits": "2"}),
            ),
            e(
                3600.0,
                Dir::Note,
                "ignored",
                json!({"message": "dtmf_data", "why": "an empty press"}),
            ),
            e(4000.0, Dir::FromApp, "terminate_call", json!({})),
            e(
                4000.0,
                Dir::ToApp,
                "notify_call_ended",
                json!({"reason_code": "APPLICATION_DISCONNECT", "reason": "the application terminated the call"}),
            ),
        ];
        let lines = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let sink = lines.clone();
        let progress = Progress::start(move |l| sink.lock().unwrap().push(l.to_string()));
        let observer = progress.observer().unwrap();
        for entry in &entries {
            observer.notify(entry);
        }
        assert_eq!(progress.finish(), 0);
        let lines = lines.lock().unwrap().clone();
        assert_eq!(
            lines,
            [
                "[    0.00 s] call started: CA1 (audio/mulaw;rate=8000)",
                "[    0.03 s] app audio plays (id a)",
                "[    0.90 s] the app's audio was cleared",
                // Text from the wire is shown escaped (no terminal control codes).
                "[    0.95 s] app audio plays (id d\\u{1b}[31m)",
                "[    3.40 s] caller presses 2",
                "[    3.50 s] app presses 2",
                "[    3.60 s] platform note (ignored): an empty press",
                "[    4.00 s] app hangs up (TerminateCallMessage)",
                "[    4.00 s] call ended: APPLICATION_DISCONNECT (the application terminated the call)",
            ]
        );
    }
}
