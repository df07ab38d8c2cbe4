//! One WebSocket, one call: waits for the page's `call`, dials the app, runs the emulator's
//! platform model with a live caller (`fcstream_emulator::platform::run_live`), and relays
//! both ways until the call ends: the page's audio and keys to the caller's side, what the
//! caller hears (and the timeline, and the app's keys) to the page. At the end the call's
//! files are written and the page gets their links.
//!
//! Nothing here waits on the page: messages to it go through a bounded queue to a writer
//! task, and audio or timeline entries that do not fit are dropped and counted (the
//! platform's clock never stops for a slow tab). Only the messages that matter (`started`,
//! `ended`, a fatal `error`) wait for room, and then for two seconds at most. A page that
//! closes its socket hangs up the call.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::{Message, WebSocket};
use fcstream::ContentType;
use fcstream_emulator::live::{self, LiveEvent, LivePhone};
use fcstream_emulator::platform::{run_live, RunOptions};
use fcstream_emulator::{CallReport, Dir, EmulatorError, Script};
use futures_util::{SinkExt, StreamExt};
use tokio::sync::mpsc;
use tokio::time::Instant;
use tracing::{debug, info, warn};

use crate::jitter::CallerJitter;
use crate::protocol::{
    dtmf_key, pcm_from_le, pcm_to_le, press_duration, CallFiles, ClientMsg, FrameBudget, Limits,
    LinkStats, ServerMsg, VERSION,
};
use crate::server::Shared;

/// Messages waiting for the page: a second and a half of audio plus its timeline.
const OUT_QUEUE: usize = 256;
/// How long the page has to send `call` once its socket is open.
const CALL_WAIT: Duration = Duration::from_secs(120);
/// How long an important message may wait for room in the queue.
const IMPORTANT_WAIT: Duration = Duration::from_secs(2);
/// How long the page has to answer the server's Close with its own.
const CLOSE_WAIT: Duration = Duration::from_secs(2);

/// What to do when the app cannot be reached.
pub(crate) const UNREACHABLE_HINT: &str = "start the app (for example `fcstream serve --app echo --listen 127.0.0.1:50051`) or give fcstream phone its URL";

/// An error and its causes on one line (each cause once: tonic repeats itself).
pub(crate) fn describe(e: &EmulatorError) -> String {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        let part = s.to_string();
        if !text.contains(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
        source = s.source();
    }
    text
}

/// The queue to the page's writer task, with its counters.
struct Out {
    tx: mpsc::Sender<Message>,
    stats: LinkStats,
}

impl Out {
    /// Audio or a timeline entry: dropped (counted) when the page is behind.
    fn try_send(&mut self, msg: Message) -> bool {
        match self.tx.try_send(msg) {
            Ok(()) => true,
            Err(mpsc::error::TrySendError::Full(_)) => {
                self.stats.out_dropped += 1;
                false
            }
            Err(mpsc::error::TrySendError::Closed(_)) => false,
        }
    }

    fn try_text(&mut self, msg: &ServerMsg) {
        self.try_send(Message::Text(msg.to_text().into()));
    }

    /// A message that matters: waits for room, a little.
    async fn send(&mut self, msg: &ServerMsg) {
        let send = self.tx.send(Message::Text(msg.to_text().into()));
        if !matches!(tokio::time::timeout(IMPORTANT_WAIT, send).await, Ok(Ok(()))) {
            self.stats.out_dropped += 1;
        }
    }

    async fn fatal(&mut self, message: impl Into<String>, hint: Option<&str>) {
        self.send(&ServerMsg::Error {
            message: message.into(),
            hint: hint.map(str::to_string),
            fatal: true,
        })
        .await;
    }
}

/// Runs one socket. See the module docs.
pub(crate) async fn run(socket: WebSocket, shared: Arc<Shared>) {
    let (mut sink, mut stream) = socket.split();
    let (tx, mut rx) = mpsc::channel::<Message>(OUT_QUEUE);
    let writer = tokio::spawn(async move {
        while let Some(m) = rx.recv().await {
            if sink.send(m).await.is_err() {
                return;
            }
        }
        let _ = sink.close().await;
    });
    let mut out = Out {
        tx,
        stats: LinkStats::default(),
    };
    out.send(&ServerMsg::Hello {
        version: VERSION,
        app: shared.app.label().to_string(),
        content_types: ContentType::ALL
            .iter()
            .map(|c| c.as_str().to_string())
            .collect(),
        max_call_s: shared.max_call.as_secs(),
    })
    .await;
    if let Some(request) = wait_for_call(&mut stream, &mut out, &shared.limits).await {
        call(request, &mut stream, &mut out, &shared).await;
    }
    drop(out);
    // The writer ends once the queue is drained and its Close sent; a page that stopped
    // reading is not waited on.
    let _ = tokio::time::timeout(Duration::from_secs(5), writer).await;
    // The closing handshake: the page's microphone sends until our Close reaches it. Dropping
    // the connection with its frames unread would make the kernel reset it (Firefox then
    // reports the connection "interrupted" and the close as not clean), so they are read and
    // discarded until the page's Close, for a bounded time.
    let _ = tokio::time::timeout(CLOSE_WAIT, async {
        while let Some(Ok(m)) = stream.next().await {
            if matches!(m, Message::Close(_)) {
                break;
            }
        }
    })
    .await;
}

/// The page's `call` request.
struct CallRequest {
    content_type: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

type Incoming = futures_util::stream::SplitStream<WebSocket>;

/// Reads the socket until the page asks for the call (`None`: it left, or said something
/// else that cannot come first for long).
async fn wait_for_call(
    stream: &mut Incoming,
    out: &mut Out,
    limits: &Limits,
) -> Option<CallRequest> {
    let deadline = Instant::now() + CALL_WAIT;
    let mut budget = FrameBudget::new(8000, limits, Instant::now());
    loop {
        let next = tokio::time::timeout_at(deadline, stream.next()).await;
        let msg = match next {
            Err(_) => {
                out.fatal("no call was placed in time; closing", None).await;
                return None;
            }
            Ok(None | Some(Err(_)) | Some(Ok(Message::Close(_)))) => return None,
            Ok(Some(Ok(m))) => m,
        };
        match msg {
            Message::Text(text) => {
                if !budget.admit_text(Instant::now()) {
                    continue;
                }
                match ClientMsg::parse(&text, limits) {
                    Ok(ClientMsg::Call {
                        content_type,
                        from,
                        to,
                    }) => {
                        return Some(CallRequest {
                            content_type,
                            from,
                            to,
                        })
                    }
                    Ok(_) => out.try_text(&ServerMsg::warn(
                        "no call yet: send {\"type\":\"call\"} first",
                    )),
                    Err(e) => out.try_text(&ServerMsg::warn(e.to_string())),
                }
            }
            Message::Binary(_) => out.stats.audio_in_dropped += 1,
            _ => {}
        }
    }
}

/// Places the call and relays until it is over.
async fn call(request: CallRequest, stream: &mut Incoming, out: &mut Out, shared: &Shared) {
    let ct = match request.content_type.as_deref() {
        None | Some("") => shared.content_type,
        Some(s) => match ContentType::parse(s) {
            Ok(ct) => ct,
            Err(e) => {
                out.fatal(format!("content type {s:?}: {e}"), None).await;
                return;
            }
        },
    };
    // One permit per call: more sockets than the limit are told, not queued.
    let Ok(_permit) = shared.calls.clone().try_acquire_owned() else {
        out.fatal(
            "the phone is busy: too many calls at once",
            Some("hang up another tab's call, or start fcstream phone with a higher --max-calls"),
        )
        .await;
        return;
    };
    let channel = match shared.app.channel(None).await {
        Ok(c) => c,
        Err(e) => {
            warn!(error = %e, "the app cannot be reached");
            out.fatal(describe(&e), Some(UNREACHABLE_HINT)).await;
            return;
        }
    };
    let id = shared.store.new_id();
    let mut script = Script::live(ct, shared.max_call).call_id(id.clone());
    // What the page sends is shown to the app: keep it short and printable.
    let clean = |s: Option<String>, default: &str| {
        s.map(|s| {
            s.chars()
                .filter(|c| !c.is_control())
                .take(32)
                .collect::<String>()
        })
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| default.to_string())
    };
    script.call.from = clean(request.from, "+15550100");
    script.call.to = clean(request.to, "+15550199");
    let (caller, mut phone) = live::pair(&script);
    let rate = phone.rate();
    info!(call = %id, content_type = %ct, app = %shared.app.label(), "browser call started");
    let task_script = script.clone();
    let mut task = tokio::spawn(async move {
        run_live(channel, &task_script, &RunOptions::default(), caller).await
    });
    out.send(&ServerMsg::Started {
        call_id: id.clone(),
        content_type: ct.as_str().to_string(),
        rate,
        frame_samples: rate / 50,
    })
    .await;

    let ended = relay(&mut phone, stream, out, shared, rate).await;
    let report = match (&mut task).await {
        Ok(Ok(report)) => report,
        Ok(Err(e)) => {
            out.fatal(describe(&e), None).await;
            return;
        }
        Err(e) => {
            out.fatal(format!("the call's task failed: {e}"), None)
                .await;
            return;
        }
    };
    collect_counters(&phone, &mut out.stats);
    let outcome = ended
        .map(|o| o.as_str().to_string())
        .unwrap_or_else(|| report.summary.outcome.as_str().to_string());
    let files = write_files(&report, shared, &id).await;
    if files.is_some() {
        shared.store.add(&id, &outcome);
    }
    info!(call = %id, %outcome, "browser call ended");
    out.send(&ServerMsg::Ended {
        outcome,
        summary: serde_json::to_value(&report.summary).ok(),
        files,
        stats: out.stats.clone(),
    })
    .await;
}

/// Writes the call's files (the picture takes a moment: off the async threads).
async fn write_files(report: &CallReport, shared: &Shared, id: &str) -> Option<CallFiles> {
    let dir = shared.store.dir(id);
    let report = report.clone();
    match tokio::task::spawn_blocking(move || report.write_to(&dir)).await {
        Ok(Ok(_)) => Some(CallFiles::of(id)),
        Ok(Err(e)) => {
            warn!(call = %id, error = %e, "could not write the call's files");
            None
        }
        Err(e) => {
            warn!(call = %id, error = %e, "writing the call's files failed");
            None
        }
    }
}

fn collect_counters(phone: &LivePhone, stats: &mut LinkStats) {
    let c = phone.counters();
    stats.caller_samples_dropped = c.caller_samples_dropped.load(Ordering::Relaxed);
    stats.caller_samples_padded = c.caller_samples_padded.load(Ordering::Relaxed);
}

/// Both ways until the platform says the call is over (its outcome) or stops (`None`).
async fn relay(
    phone: &mut LivePhone,
    stream: &mut Incoming,
    out: &mut Out,
    shared: &Shared,
    rate: u32,
) -> Option<fcstream_emulator::CallOutcome> {
    let limits = &shared.limits;
    let mut budget = FrameBudget::new(rate, limits, Instant::now());
    let mut jitter = CallerJitter::new(rate, shared.caller_cushion);
    // One caller frame per 20 ms from the jitter buffer (late ticks catch up in a burst,
    // which the platform's own backlog absorbs).
    let mut frame_tick = tokio::time::interval(Duration::from_millis(20));
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    let mut page_open = true;
    let mut refused_text = 0u64;
    loop {
        tokio::select! {
            event = phone.next() => match event {
                Some(LiveEvent::Heard(samples)) => {
                    if out.try_send(Message::Binary(pcm_to_le(&samples).into())) {
                        out.stats.audio_out += 1;
                    }
                }
                Some(LiveEvent::Digit { digit, duration }) => out.try_text(&ServerMsg::Digit {
                    digit: digit.to_string(),
                    duration_ms: u64::try_from(duration.as_millis()).unwrap_or(u64::MAX),
                }),
                Some(LiveEvent::Timeline(entry)) => {
                    // The caller's own frames are the page's microphone: 50 a second of
                    // nothing new. Everything else goes to the event log.
                    if entry.dir == Dir::ToApp && entry.kind == "notify_audio_data" {
                        continue;
                    }
                    if let Ok(entry) = serde_json::to_value(&entry) {
                        out.try_text(&ServerMsg::Timeline { entry });
                    }
                }
                Some(LiveEvent::Ended(outcome)) => return Some(outcome),
                None => return None,
            },
            msg = stream.next(), if page_open => match msg {
                Some(Ok(Message::Binary(bytes))) => {
                    let samples = match pcm_from_le(&bytes, limits) {
                        Ok(s) => s,
                        Err(e) => {
                            out.stats.audio_in_dropped += 1;
                            debug!(error = %e, "audio from the page refused");
                            continue;
                        }
                    };
                    if budget.admit_audio(Instant::now(), samples.len()) {
                        out.stats.audio_in += 1;
                        jitter.push(&samples);
                    } else {
                        out.stats.audio_in_dropped += 1;
                    }
                }
                Some(Ok(Message::Text(text))) => {
                    if !budget.admit_text(Instant::now()) {
                        refused_text += 1;
                        if refused_text == 1 {
                            out.try_text(&ServerMsg::warn("too many messages: some are ignored"));
                        }
                        continue;
                    }
                    match ClientMsg::parse(&text, limits) {
                        Ok(ClientMsg::Dtmf { digit, duration_ms }) => {
                            // Checked by `parse`.
                            if let Ok(key) = dtmf_key(&digit) {
                                phone.press(key, press_duration(duration_ms));
                            }
                        }
                        Ok(ClientMsg::Hangup) => phone.hang_up(),
                        Ok(ClientMsg::Call { .. }) => {
                            out.try_text(&ServerMsg::warn("one call per socket: this one is already placed"))
                        }
                        Err(e) => out.try_text(&ServerMsg::warn(e.to_string())),
                    }
                }
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => {
                    // The tab went away: the caller hung up. Keep reading the platform's
                    // events until it says the call is over.
                    page_open = false;
                    phone.hang_up();
                }
                Some(Ok(_)) => {}
            },
            _ = frame_tick.tick() => {
                if let Some(frame) = jitter.tick() {
                    phone.speak(&frame);
                }
                let j = jitter.stats();
                out.stats.caller_underruns = j.underruns;
                out.stats.caller_jitter_dropped = j.dropped;
                out.stats.caller_cushion_ms = (j.target as u64) * 1000 / u64::from(rate.max(1));
            }
            _ = tick.tick() => {
                collect_counters(phone, &mut out.stats);
                let stats = out.stats.clone();
                out.try_text(&ServerMsg::Stats { stats });
            }
        }
    }
}
