//! The platform side of one call over a tonic [`Channel`]: opens `SendIVRData`, announces the
//! call, streams the caller's frames and key presses on time, feeds the app's messages to the
//! [`Model`], sends what it answers, injects faults, ends the call, and records everything.
//!
//! One task per call: [`run`] is a single loop over one `select!` (the app's next message,
//! the stream opening, and a timer set to the earliest thing due). Everything due is fired in
//! time order by `Run::catch_up`, so the loop is exact in virtual time (tokio's paused
//! clock) and at most a timer tick late in real time. Nothing it sends ever blocks: messages
//! to the app go through a bounded queue with `try_send`, and what does not fit is dropped
//! and counted (an app that stops reading its stream is the app's problem, not a reason to
//! stop the caller's clock).

use std::collections::{BTreeMap, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, SystemTime};

use fcstream::proto::grpc_stream_service_client::GrpcStreamServiceClient;
use fcstream::proto::{AppMessage, PlatformMessage};
use fcstream::{
    Ack, AudioFrame, BufferDepth, CallEnd, CallInfo, Command, ContentType, EndReason, Event,
};
use std::time::Instant;
use tokio::sync::mpsc;

use fcstream::time::Clock;
use tokio_stream::wrappers::ReceiverStream;
use tonic::transport::Channel;
use tonic::{Response, Status, Streaming};
use tracing::{debug, info, warn};

use crate::buffers::Request;
use crate::caller::CallerAudio;
use crate::control::{HangUp, Observer};
use crate::faults::Lcg;
use crate::live::{KeyInput, LiveCaller, LiveEvent};
use crate::model::{Applied, Model, ModelConfig, Note, Timed};
use crate::report::{CallOutcome, CallReport, DtmfSummary, PlaySummary, Summary};
use crate::rules::EndStreamMode;
use crate::script::{Hangup, Script};
use crate::speech::{self, PlaybackMark};
use crate::timeline::{self, Dir, TimelineEntry};
use crate::EmulatorError;

/// The length of one caller frame.
const FRAME: Duration = Duration::from_millis(20);

/// The most keys of a live caller kept for the summary (the latest).
const MAX_LIVE_KEYS: usize = 256;

/// Per-call options that are not part of the script (they concern the transport).
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Sent as the `authorization` request header (e.g. `Bearer s3cret`), for servers that
    /// authenticate the platform.
    pub authorization: Option<String>,
    /// The clock the platform keeps time on: real time, or the virtual clock of a virtual
    /// run (`fcstream demo --fast`; the app must be served with the same clock).
    pub clock: Clock,
    /// Told of every timeline entry as it is recorded (`fcstream call`'s progress lines).
    pub observer: Option<Observer>,
    /// Ends the call early, as a caller hang-up, when pressed (`fcstream call` on Ctrl-C).
    pub hang_up: Option<HangUp>,
}

/// Plays `script` as one call over `channel` and reports what happened.
///
/// Errors are only for what stops the call from being placed at all (a WAV that cannot be
/// read, an invalid script); everything that happens on the wire, including an app that
/// refuses the stream, is in the report.
pub async fn run(channel: Channel, script: &Script) -> Result<CallReport, EmulatorError> {
    run_with(channel, script, &RunOptions::default()).await
}

/// [`run`] with transport options.
pub async fn run_with(
    channel: Channel,
    script: &Script,
    options: &RunOptions,
) -> Result<CallReport, EmulatorError> {
    run_inner(channel, script, options, None).await
}

/// Plays one call whose caller is live ([`crate::live`]): the caller's voice and keys come
/// from the [`LivePhone`](crate::live::LivePhone) of `caller`'s pair, what the caller hears
/// goes to it as it is played, and the phone's hang-up ends the call (it takes the place of
/// [`RunOptions::hang_up`]). The script gives the call's setup and platform behaviour
/// ([`Script::live`]); scripted audio and keys, if any, are not played.
pub async fn run_live(
    channel: Channel,
    script: &Script,
    options: &RunOptions,
    caller: LiveCaller,
) -> Result<CallReport, EmulatorError> {
    run_inner(channel, script, options, Some(caller)).await
}

async fn run_inner(
    channel: Channel,
    script: &Script,
    options: &RunOptions,
    live: Option<LiveCaller>,
) -> Result<CallReport, EmulatorError> {
    script.validate()?;
    let ct = script.call.content_type;
    let caller = if live.is_some() {
        CallerAudio::prepare(&Script::new(ct), ct.sample_rate())?
    } else {
        CallerAudio::prepare(script, ct.sample_rate())?
    };
    let (end_at, end_kind) = planned_end(script, &caller);

    let (tx, rx) = mpsc::channel(script.platform.outbound_queue.max(1));
    let mut request = tonic::Request::new(ReceiverStream::new(rx));
    if let Some(auth) = &options.authorization {
        let value = auth.parse().map_err(|_| {
            EmulatorError::Invalid("authorization is not a valid header value".into())
        })?;
        request.metadata_mut().insert("authorization", value);
    }
    let mut client = GrpcStreamServiceClient::new(channel);
    let mut run = Run::new(script, caller, tx, options.clock.clone(), end_at, end_kind);
    run.observer = options.observer.clone();
    run.hang_up = options.hang_up.clone();
    if let Some(live) = live {
        run.hang_up = Some(live.hang_up.clone());
        run.keys.clear();
        run.live = Some(live);
    }
    run.announce();
    info!(call_id = %script.call.call_id, content_type = %ct, "call started");
    let opening = async move { client.send_ivr_data(request).await };
    let result = run.main_loop(Box::pin(opening)).await;
    if let (Some(live), Some(outcome)) = (&mut run.live, run.outcome) {
        live.heard(run.model.heard());
        live.ended(outcome).await;
    }
    Ok(run.finish(result).await)
}

/// When and how the call ends if nothing else ends it first.
fn planned_end(script: &Script, caller: &CallerAudio) -> (Duration, CallOutcome) {
    let f = &script.faults;
    let mut ends = vec![match script.hangup {
        Hangup::After(t) => (t, CallOutcome::CallerHangup),
        Hangup::ScriptEnd { linger } => (caller.finite_end() + linger, CallOutcome::CallerHangup),
        Hangup::WhenAppEnds { max } => (max, CallOutcome::AppNeverEnded),
    }];
    ends.extend(f.platform_error_at.map(|t| (t, CallOutcome::PlatformError)));
    ends.extend(
        f.platform_disconnect_at
            .map(|t| (t, CallOutcome::PlatformDisconnect)),
    );
    ends.extend(f.drop_at.map(|t| (t, CallOutcome::StreamDropped)));
    ends.extend(script.transfer_at.map(|t| (t, CallOutcome::CallerTransfer)));
    // The earliest wins; at the same time a fault wins over the caller's hang-up or transfer.
    ends.into_iter()
        .min_by_key(|(t, o)| {
            (
                *t,
                matches!(
                    o,
                    CallOutcome::CallerHangup
                        | CallOutcome::AppNeverEnded
                        | CallOutcome::CallerTransfer
                ),
            )
        })
        .unwrap_or((Duration::ZERO, CallOutcome::CallerHangup))
}

/// The answer to `SendIVRData`: the app's stream, or why there is none.
type Opened = Result<Response<Streaming<AppMessage>>, Status>;

/// `SendIVRData` on its way.
type Opening = Pin<Box<dyn Future<Output = Opened> + Send>>;

/// The state of the app's side of the stream.
enum AppSide {
    /// `SendIVRData` has not answered yet.
    Opening(Opening),
    /// The app's messages (boxed: a tonic stream is large).
    Open(Box<Streaming<AppMessage>>),
    /// Over, with how it ended (`OK` or a status).
    Closed(String),
}

/// What woke the loop.
enum Wake {
    Opened(Box<Opened>),
    Message(Result<Option<AppMessage>, Status>),
    Timer,
    /// The [`HangUp`] button was pressed.
    HangUp,
    /// The live caller pressed or released a key.
    LiveKey(KeyInput),
}

/// Things due at a time, in the order they fire when due together.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Due {
    /// The item playing to the caller ends.
    Model,
    /// The next caller frame.
    Frame,
    /// The next caller key notification.
    Key,
    /// The next delayed acknowledgement.
    Ack,
    /// The next key of the app's `PressDTMF` starts playing (live callers only).
    Digit,
    /// The end of the call.
    End,
}

/// One call in progress. See the module docs.
struct Run<'a> {
    /// The script.
    script: &'a Script,
    /// The call's format.
    ct: ContentType,
    /// Its rate.
    rate: u32,
    /// The call's start on tokio's clock.
    t0: Instant,
    /// The clock the platform keeps time on.
    clock: Clock,
    /// The call's start on the wall clock (timestamps are `wall0 + elapsed`).
    wall0: SystemTime,
    /// Messages to the app (`None` once closed).
    tx: Option<mpsc::Sender<PlatformMessage>>,
    /// The platform model.
    model: Model,
    /// The caller's voice.
    caller: CallerAudio,
    /// Everything the caller said.
    said: Vec<i16>,
    /// Index of the next caller frame.
    next_frame: u64,
    /// When it is sent.
    frame_due: Instant,
    /// Jitter generator.
    jitter: Lcg,
    /// Caller key notifications still to send, in time order.
    keys: VecDeque<(Instant, Event)>,
    /// Acknowledgements held back by the `ack_delay` fault.
    delayed: VecDeque<(Instant, Event)>,
    /// When the call ends unless something ends it first, and how.
    end_at: Instant,
    /// How.
    end_kind: CallOutcome,
    /// Set once the call is over.
    outcome: Option<CallOutcome>,
    /// When it ended.
    ended_at: Option<Instant>,
    /// The reason code sent in `NotifyCallEnded`.
    end_reason: Option<EndReason>,
    /// Every message both ways.
    timeline: Vec<TimelineEntry>,
    /// Counters.
    counts: Counts,
    /// Scratch space for the model's notes.
    notes: Vec<Timed>,
    /// Told of every timeline entry.
    observer: Option<Observer>,
    /// Hangs up early when pressed.
    hang_up: Option<HangUp>,
    /// The live caller, when the caller is a person ([`run_live`]).
    live: Option<LiveCaller>,
    /// Live calls: the keys the caller pressed.
    live_keys: String,
    /// Live calls: the key held down ([`crate::live::LivePhone::key_down`]).
    held: Option<char>,
    /// Live calls: the app's admitted `PressDTMF` jobs not yet started (id, keys, tone,
    /// break), oldest first; bounded by the DTMF buffer.
    presses: VecDeque<(String, Vec<char>, Duration, Duration)>,
    /// Live calls: keys of the app's DTMF about to play, in time order.
    digits_due: VecDeque<(Instant, char, Duration)>,
}

/// Counters that are not the model's.
#[derive(Default)]
struct Counts {
    frames_sent: u64,
    frames_dropped: u64,
    notifications_dropped: u64,
    frames_received: u64,
    sequence_gaps: u64,
    to_app: u64,
    from_app: u64,
    after_end: u64,
    errors: BTreeMap<String, u64>,
    app_dtmf: String,
    last_entry: Option<(String, u32)>,
    /// `PlaybackStarted` / `PlaybackCompleted` actually sent (not held back at the end, not
    /// dropped on a full queue).
    acks_started: u64,
    acks_completed: u64,
    /// What the platform did with the app's audio, in time order (for speech timing).
    playback: Vec<PlaybackMark>,
}

impl<'a> Run<'a> {
    fn new(
        script: &'a Script,
        caller: CallerAudio,
        tx: mpsc::Sender<PlatformMessage>,
        clock: Clock,
        end_at: Duration,
        end_kind: CallOutcome,
    ) -> Self {
        // The call starts now, on the platform's clock and on the wall.
        let t0 = clock.now();
        let wall0 = SystemTime::now();
        let ct = script.call.content_type;
        let wall = |d: Duration| Some(wall0 + d);
        let mut keys = Vec::new();
        for k in &script.dtmf {
            keys.push((
                k.at,
                Event::DtmfStarted {
                    digit: k.digit,
                    at: wall(k.at),
                },
            ));
            keys.push((
                k.at + k.duration,
                Event::DtmfEnded {
                    digit: k.digit,
                    at: wall(k.at + k.duration),
                },
            ));
        }
        // Stable: a start and an end at the same time keep their order.
        keys.sort_by_key(|(t, _)| *t);
        let mut jitter = Lcg::new(script.faults.jitter_seed);
        let first_due = t0 + FRAME + jitter.jitter(script.faults.jitter);
        let mut model = Model::new(ModelConfig {
            content_type: ct,
            audio_buffer: script.platform.audio_buffer,
            dtmf_buffer: script.platform.dtmf_buffer,
            acks: script.platform.acks,
        });
        model.set_depth_counts_playing(script.platform.depth_counts_playing);
        Self {
            script,
            ct,
            rate: ct.sample_rate(),
            t0,
            clock,
            wall0,
            tx: Some(tx),
            model,
            caller,
            said: Vec::new(),
            next_frame: 0,
            frame_due: first_due,
            jitter,
            keys: keys.into_iter().map(|(t, e)| (t0 + t, e)).collect(),
            delayed: VecDeque::new(),
            end_at: t0 + end_at,
            end_kind,
            outcome: None,
            ended_at: None,
            end_reason: None,
            timeline: Vec::new(),
            counts: Counts::default(),
            notes: Vec::new(),
            observer: None,
            hang_up: None,
            live: None,
            live_keys: String::new(),
            held: None,
            presses: VecDeque::new(),
            digits_due: VecDeque::new(),
        }
    }

    /// The sample of the call's clock at `t` (rounded down).
    fn sample_at(&self, t: Instant) -> u64 {
        let ns = t.saturating_duration_since(self.t0).as_nanos();
        u64::try_from(ns * u128::from(self.rate) / 1_000_000_000).unwrap_or(u64::MAX)
    }

    /// The first instant at which sample `s` has been played.
    fn time_of(&self, s: u64) -> Instant {
        let ns = (u128::from(s) * 1_000_000_000).div_ceil(u128::from(self.rate));
        self.t0 + Duration::from_nanos(u64::try_from(ns).unwrap_or(u64::MAX))
    }

    fn wall(&self, t: Instant) -> SystemTime {
        self.wall0 + t.saturating_duration_since(self.t0)
    }

    fn record(&mut self, dir: Dir, kind: &str, fields: serde_json::Value, at: Instant) {
        self.timeline.push(TimelineEntry {
            t_ms: timeline::ms(at.saturating_duration_since(self.t0)),
            dir,
            kind: kind.to_string(),
            fields,
        });
        if let (Some(observer), Some(entry)) = (&self.observer, self.timeline.last()) {
            observer.notify(entry);
        }
        if let (Some(live), Some(entry)) = (&self.live, self.timeline.last()) {
            live.emit(LiveEvent::Timeline(entry.clone()));
        }
    }

    /// Writes a note of the platform's into the timeline (see [`timeline::NOTE_IGNORED`]).
    fn note(&mut self, kind: &str, fields: serde_json::Value, at: Instant) {
        self.record(Dir::Note, kind, fields, at);
    }

    /// Sends one message to the app, recording it. Never blocks (see the module docs).
    fn send(&mut self, event: Event, now: Instant) {
        let Some(tx) = &self.tx else { return };
        let is_audio = matches!(event, Event::Audio(_));
        match tx.try_send(event.to_proto()) {
            Ok(()) => {
                self.counts.to_app += 1;
                if is_audio {
                    self.counts.frames_sent += 1;
                }
                match &event {
                    Event::Error { id, .. } => {
                        *self.counts.errors.entry(id.clone()).or_default() += 1
                    }
                    Event::PlaybackStarted(_) => self.counts.acks_started += 1,
                    Event::PlaybackCompleted(_) => self.counts.acks_completed += 1,
                    _ => {}
                }
                let fields = timeline::event_fields(&event, self.wall0);
                self.record(Dir::ToApp, event.kind(), fields, now);
            }
            Err(mpsc::error::TrySendError::Full(_)) => {
                if is_audio {
                    self.counts.frames_dropped += 1;
                    if self.counts.frames_dropped == 1 {
                        warn!(
                            "the app is not reading its stream: dropping caller frames (counted)"
                        );
                    }
                } else {
                    self.counts.notifications_dropped += 1;
                    warn!(
                        kind = event.kind(),
                        "the app is not reading its stream: notification dropped"
                    );
                }
            }
            Err(mpsc::error::TrySendError::Closed(_)) => {
                debug!(kind = event.kind(), "request stream closed; not sent");
            }
        }
    }

    /// `NotifyCallStartedMessage`, the first message of every call.
    fn announce(&mut self) {
        let c = &self.script.call;
        let info = CallInfo {
            call_id: c.call_id.clone(),
            to: c.to.clone(),
            from: c.from.clone(),
            direction: c.direction,
            metadata: c.metadata.clone(),
            content_type: c.content_type,
        };
        self.send(Event::CallStarted(info), self.t0);
    }

    /// Sends the model's notes, through the ack delay when asked.
    fn flush_notes(&mut self, now: Instant) {
        let delay = self.script.faults.ack_delay;
        let notes: Vec<Timed> = self.notes.drain(..).collect();
        for Timed { at, note } in notes {
            match &note {
                Note::PlaybackStarted(_) => self.counts.playback.push(PlaybackMark::Started(at)),
                Note::PlaybackCompleted(_) => {
                    self.counts.playback.push(PlaybackMark::Completed(at))
                }
                Note::BufferCleared(_) => self.counts.playback.push(PlaybackMark::Cleared(at)),
                Note::DtmfPlayStarted(id) if self.live.is_some() => {
                    self.schedule_digits(id, self.time_of(at))
                }
                _ => {}
            }
            let when = Some(self.wall(self.time_of(at)));
            let ack = |id: String| Ack { id, at: when };
            let is_ack = note.is_ack();
            let event = match note {
                Note::PlaybackStarted(id) => Event::PlaybackStarted(ack(id)),
                Note::PlaybackCompleted(id) => Event::PlaybackCompleted(ack(id)),
                Note::BufferCleared(id) => Event::BufferCleared(ack(id)),
                Note::DtmfPlayStarted(id) => Event::DtmfPlayStarted(ack(id)),
                Note::DtmfPlayCompleted(id) => Event::DtmfPlayCompleted(ack(id)),
                Note::BufferDepth { kind, depth, size } => {
                    Event::BufferDepth(BufferDepth { kind, depth, size })
                }
                Note::Error(refusal) => Event::Error {
                    message: refusal.message,
                    id: refusal.id.to_string(),
                },
            };
            if is_ack && !delay.is_zero() {
                self.delayed.push_back((now + delay, event));
            } else {
                self.send(event, now);
            }
        }
    }

    /// The earliest thing due, and when.
    fn next_due(&self) -> (Instant, Due) {
        let mut best = (self.end_at, Due::End);
        let mut consider = |t: Option<Instant>, d: Due| {
            if let Some(t) = t {
                if (t, d) < best {
                    best = (t, d);
                }
            }
        };
        consider(
            self.model.next_boundary().map(|s| self.time_of(s)),
            Due::Model,
        );
        consider(Some(self.frame_due), Due::Frame);
        consider(self.keys.front().map(|k| k.0), Due::Key);
        consider(self.delayed.front().map(|k| k.0), Due::Ack);
        consider(self.digits_due.front().map(|k| k.0), Due::Digit);
        best
    }

    /// Fires everything due up to `now`, in time order, then plays the model up to `now`.
    fn catch_up(&mut self, now: Instant) {
        while self.outcome.is_none() {
            let (at, due) = self.next_due();
            if at > now {
                break;
            }
            match due {
                Due::Model => {
                    let s = self.sample_at(at);
                    let mut notes = std::mem::take(&mut self.notes);
                    self.model.advance_to(s, &mut notes);
                    self.notes = notes;
                    self.flush_notes(at);
                }
                Due::Frame => self.send_frame(at),
                Due::Key => {
                    if let Some((_, event)) = self.keys.pop_front() {
                        self.send(event, at);
                    }
                }
                Due::Ack => {
                    if let Some((_, event)) = self.delayed.pop_front() {
                        self.send(event, at);
                    }
                }
                Due::Digit => {
                    if let (Some((_, digit, duration)), Some(live)) =
                        (self.digits_due.pop_front(), &self.live)
                    {
                        live.emit(LiveEvent::Digit { digit, duration });
                    }
                }
                Due::End => self.end(self.end_kind, at),
            }
        }
        if self.outcome.is_none() {
            let s = self.sample_at(now);
            let mut notes = std::mem::take(&mut self.notes);
            self.model.advance_to(s, &mut notes);
            self.notes = notes;
            self.flush_notes(now);
        }
    }

    /// Sends caller frame `next_frame` (its span ends at `t0 + 20 ms × (k + 1)`).
    fn send_frame(&mut self, now: Instant) {
        let k = self.next_frame;
        let n = self.ct.frame_bytes() / self.ct.bytes_per_sample();
        let samples = match &mut self.live {
            Some(live) => live.take(n),
            None => self.caller.render(k * n as u64, n),
        };
        let data = fcstream::Audio::encode(self.ct, &samples).data().clone();
        self.said.extend_from_slice(&samples);
        let start = self.t0 + FRAME * u32::try_from(k).unwrap_or(u32::MAX);
        let frame = AudioFrame {
            data,
            sequence: u32::try_from(k)
                .unwrap_or(u32::MAX)
                .wrapping_add(self.script.platform.first_sequence),
            start: Some(self.wall(start)),
            end: Some(self.wall(start + FRAME)),
        };
        self.send(Event::Audio(frame), now);
        self.next_frame += 1;
        let nominal = start + FRAME * 2;
        let jitter = self.jitter.jitter(self.script.faults.jitter);
        self.frame_due = (nominal + jitter).max(self.frame_due);
    }

    /// A live caller's key at `now`: a press (`DtmfStarted` now, `DtmfEnded` after its
    /// duration), a key held down (`DtmfStarted` now; one pressed while another is held
    /// releases that one first), or the held key released (`DtmfEnded` now).
    fn live_key(&mut self, key: KeyInput, now: Instant) {
        if self.outcome.is_some() {
            return;
        }
        match key {
            KeyInput::Press(digit, duration) => self.live_press(digit, duration, now),
            KeyInput::Down(digit) => {
                self.live_release(now);
                self.live_start(digit, now);
                self.held = Some(digit);
            }
            KeyInput::Up => self.live_release(now),
        }
    }

    /// `DtmfEnded` now for the key held down, if one is.
    fn live_release(&mut self, now: Instant) {
        if let Some(digit) = self.held.take() {
            let at = Some(self.wall(now));
            self.send(Event::DtmfEnded { digit, at }, now);
        }
    }

    /// `DtmfStarted` now for `digit`, remembered for the summary.
    fn live_start(&mut self, digit: char, now: Instant) {
        self.live_keys.push(digit);
        if self.live_keys.len() > MAX_LIVE_KEYS {
            self.live_keys.remove(0);
        }
        let at = Some(self.wall(now));
        self.send(Event::DtmfStarted { digit, at }, now);
    }

    /// A live caller pressed `digit` now for `duration`.
    fn live_press(&mut self, digit: char, duration: Duration, now: Instant) {
        self.live_release(now);
        self.live_start(digit, now);
        let end = now + duration;
        let ended = Event::DtmfEnded {
            digit,
            at: Some(self.wall(end)),
        };
        // In time order (a short press may end before a long one pressed earlier).
        let i = self.keys.partition_point(|(t, _)| *t <= end);
        self.keys.insert(i, (end, ended));
    }

    /// Remembers an app's `PressDTMF` so that its keys can be told to a live caller when
    /// it plays (refused jobs are never started, so they are simply never matched).
    fn remember_press(&mut self, id: &String, digits: &str, press_ms: u32, break_ms: u32) {
        if let Ok(Some(p)) = crate::rules::check_press(id, digits, press_ms, break_ms) {
            if self.presses.len() >= self.script.platform.dtmf_buffer.max(1) {
                self.presses.pop_front();
            }
            let keys = digits.chars().map(|c| c.to_ascii_uppercase()).collect();
            self.presses
                .push_back((id.to_string(), keys, p.press, p.gap));
        }
    }

    /// The app's DTMF job `id` starts at `at`: each of its keys is due in turn.
    fn schedule_digits(&mut self, id: &str, at: Instant) {
        let Some(i) = self.presses.iter().position(|(pid, ..)| pid == id) else {
            return;
        };
        let Some((_, keys, press, gap)) = self.presses.remove(i) else {
            return;
        };
        for (k, digit) in keys.into_iter().enumerate() {
            let t = at + (press + gap) * u32::try_from(k).unwrap_or(u32::MAX);
            self.digits_due.push_back((t, digit, press));
        }
    }

    /// Ends the call at `now` as `outcome` says.
    fn end(&mut self, outcome: CallOutcome, now: Instant) {
        if self.outcome.is_some() {
            return;
        }
        // Everything up to now has been played and acknowledged.
        let s = self.sample_at(now);
        let mut notes = std::mem::take(&mut self.notes);
        self.model.advance_to(s, &mut notes);
        self.notes = notes;
        self.flush_notes(now);
        match outcome {
            CallOutcome::CallerTransfer => self.note(
                timeline::NOTE_TRANSFER,
                serde_json::json!({
                    "keys": "*8",
                    "note": "the caller transferred the call away; on the stream it is a caller hang-up",
                }),
                now,
            ),
            CallOutcome::EndStream => self.note(
                timeline::NOTE_STREAM_ENDED,
                serde_json::json!({
                    "note": "EndGrpcStreamMessage: the platform ends the stream, the call goes on in PerCL (end_stream = ends-stream)",
                }),
                now,
            ),
            _ => {}
        }
        let reason = match outcome {
            // A transfer is, to the stream, exactly a caller hang-up (FreeClimb's words).
            CallOutcome::CallerHangup
            | CallOutcome::AppNeverEnded
            | CallOutcome::CallerTransfer => {
                Some((EndReason::CallerDisconnect, "the caller hung up"))
            }
            CallOutcome::AppHangup => Some((
                EndReason::ApplicationDisconnect,
                "the application terminated the call",
            )),
            CallOutcome::PlatformError => {
                Some((EndReason::PlatformError, "platform error (injected fault)"))
            }
            CallOutcome::PlatformDisconnect => Some((
                EndReason::PlatformDisconnect,
                "platform disconnect (injected fault)",
            )),
            CallOutcome::StreamDropped
            | CallOutcome::AppClosedStream
            | CallOutcome::AppFailed
            | CallOutcome::EndStream => None,
        };
        if let Some((reason, description)) = reason {
            self.end_reason = Some(reason);
            let end = CallEnd {
                call_id: self.script.call.call_id.clone(),
                reason,
                description: description.to_string(),
            };
            self.send(Event::CallEnded(end), now);
        }
        let mut discard = Vec::new();
        self.model.end(s, &mut discard);
        // Acknowledgements still held back die with the call; the caller's side closes.
        self.delayed.clear();
        self.digits_due.clear();
        self.tx = None;
        self.outcome = Some(outcome);
        self.ended_at = Some(now);
        info!(call_id = %self.script.call.call_id, %outcome, "call ended");
    }

    /// Handles one message from the app, received at `now`.
    fn on_app(&mut self, msg: AppMessage, now: Instant) {
        self.counts.from_app += 1;
        let (kind, fields) = timeline::app_fields(&msg);
        self.record(Dir::FromApp, kind, fields, now);
        if self.outcome.is_some() {
            self.counts.after_end += 1;
            return;
        }
        let s = self.sample_at(now);
        let mut notes = std::mem::take(&mut self.notes);
        let mut ignored_id = String::new();
        let applied = match Command::from_proto(msg) {
            Ok(Command::EndStream { .. })
                if self.script.platform.end_stream != EndStreamMode::Refuse =>
            {
                self.notes = notes;
                self.catch_up(now);
                match self.script.platform.end_stream {
                    EndStreamMode::EndsStream => self.end(CallOutcome::EndStream, now),
                    _ => self.note(
                        timeline::NOTE_IGNORED,
                        serde_json::json!({
                            "message": "end_stream",
                            "why": "EndGrpcStreamMessage is unimplemented by FreeClimb; ignored (end_stream = ignore)",
                        }),
                        now,
                    ),
                }
                return;
            }
            Ok(cmd) => {
                match &cmd {
                    Command::PlayAudio { id, sequence, .. } => {
                        self.counts.frames_received += 1;
                        if let Some((last_id, last_seq)) = &self.counts.last_entry {
                            if last_id == id && *sequence != last_seq.wrapping_add(1) {
                                self.counts.sequence_gaps += 1;
                            }
                        }
                        self.counts.last_entry = Some((id.clone(), *sequence));
                    }
                    Command::PressDtmf {
                        id,
                        digits,
                        press_ms,
                        break_ms,
                        ..
                    } => {
                        self.counts.app_dtmf.push_str(&digits.to_ascii_uppercase());
                        ignored_id.clone_from(id);
                        if self.live.is_some() {
                            self.remember_press(id, digits, *press_ms, *break_ms);
                        }
                    }
                    _ => {}
                }
                self.model.apply(cmd, s, &mut notes)
            }
            Err(fcstream::command::CommandError::UnknownPayload) => {
                self.model.request(Request::Unknown, s, &mut notes)
            }
            Err(fcstream::command::CommandError::BadBufferType(t)) => {
                self.model.request(Request::BadBufferType(t), s, &mut notes)
            }
        };
        self.notes = notes;
        self.flush_notes(now);
        match applied {
            Applied::Terminate => self.end(CallOutcome::AppHangup, now),
            Applied::Ignored(why) => self.note(
                timeline::NOTE_IGNORED,
                serde_json::json!({ "message": kind, "id": ignored_id, "why": why }),
                now,
            ),
            Applied::Done => {}
        }
    }

    /// Runs the call until it ends; returns the app's side as it was then.
    async fn main_loop(&mut self, opening: Opening) -> AppSide {
        let mut app = AppSide::Opening(opening);
        loop {
            self.catch_up(self.clock.now());
            if self.outcome.is_some() {
                return app;
            }
            if let Some(live) = &mut self.live {
                live.heard(self.model.heard());
            }
            let (wake_at, _) = self.next_due();
            let hang_up = self.hang_up.clone();
            let wake = tokio::select! {
                biased;
                w = next_app(&mut app) => w,
                _ = pressed(hang_up.as_ref()) => Wake::HangUp,
                Some(key) = live_key(self.live.as_mut()) => Wake::LiveKey(key),
                _ = self.clock.sleep_until(wake_at) => Wake::Timer,
            };
            let now = self.clock.now();
            match wake {
                Wake::Timer => {}
                Wake::LiveKey(key) => {
                    self.catch_up(now);
                    self.live_key(key, now);
                }
                Wake::HangUp => {
                    info!("hang-up requested: the caller hangs up now");
                    self.catch_up(now);
                    self.end(CallOutcome::CallerHangup, now);
                }
                Wake::Opened(opened) => match *opened {
                    Ok(response) => app = AppSide::Open(Box::new(response.into_inner())),
                    Err(status) => {
                        warn!(code = ?status.code(), message = status.message(), "the app refused the stream");
                        self.catch_up(now);
                        app = AppSide::Closed(status_text(&status));
                        self.end(CallOutcome::AppFailed, now);
                    }
                },
                Wake::Message(Ok(Some(msg))) => {
                    self.catch_up(now);
                    self.on_app(msg, now);
                }
                Wake::Message(Ok(None)) => {
                    self.catch_up(now);
                    app = AppSide::Closed("OK".into());
                    self.end(CallOutcome::AppClosedStream, now);
                }
                Wake::Message(Err(status)) => {
                    warn!(code = ?status.code(), message = status.message(), "the app's stream failed");
                    self.catch_up(now);
                    app = AppSide::Closed(status_text(&status));
                    self.end(CallOutcome::AppFailed, now);
                }
            }
        }
    }

    /// After the end: lets the app's side finish (unless the stream was dropped), then builds
    /// the report.
    async fn finish(mut self, mut app: AppSide) -> CallReport {
        if self.outcome == Some(CallOutcome::StreamDropped) {
            // Abrupt: drop the response (RST_STREAM) with no goodbye.
            app = AppSide::Closed("dropped".into());
        } else {
            let deadline = self.clock.now() + self.script.platform.drain_grace;
            loop {
                if matches!(app, AppSide::Closed(_)) {
                    break;
                }
                let wake = tokio::select! {
                    w = next_app(&mut app) => w,
                    _ = self.clock.sleep_until(deadline) => break,
                };
                match wake {
                    Wake::Opened(opened) => match *opened {
                        Ok(r) => app = AppSide::Open(Box::new(r.into_inner())),
                        Err(s) => app = AppSide::Closed(status_text(&s)),
                    },
                    Wake::Message(Err(s)) => app = AppSide::Closed(status_text(&s)),
                    Wake::Message(Ok(Some(msg))) => self.on_app(msg, self.clock.now()),
                    Wake::Message(Ok(None)) => app = AppSide::Closed("OK".into()),
                    Wake::Timer | Wake::HangUp | Wake::LiveKey(_) => {}
                }
            }
        }
        let app_stream = match &app {
            AppSide::Closed(s) => s.clone(),
            _ => "open".to_string(),
        };
        drop(app);
        let ended_at = self.ended_at.unwrap_or_else(|| self.clock.now());
        let outcome = self.outcome.unwrap_or(CallOutcome::AppFailed);
        let rate = self.rate;
        let to_ms = |samples: u64| samples as f64 * 1000.0 / f64::from(rate);
        // Speech timing: the caller's voice as sent (key presses silenced) against what
        // the app's audio did.
        let voice = if self.live.is_some() {
            // A live caller's keys are out of band: what they said is their voice.
            self.said.clone()
        } else {
            self.caller.render_voice(0, self.said.len())
        };
        let timing = speech::timing(&voice, &self.counts.playback, rate);
        let (heard, stats) = self.model.into_parts();
        let f = &self.script.faults;
        let mut faults = Vec::new();
        let fmt = |d: Duration| format!("{:.3}s", d.as_secs_f64());
        if let Some(t) = f.platform_error_at {
            faults.push(format!("platform-error@{}", fmt(t)));
        }
        if let Some(t) = f.platform_disconnect_at {
            faults.push(format!("platform-disconnect@{}", fmt(t)));
        }
        if let Some(t) = f.drop_at {
            faults.push(format!("drop@{}", fmt(t)));
        }
        if !f.ack_delay.is_zero() {
            faults.push(format!("ack-delay {}", fmt(f.ack_delay)));
        }
        if !f.jitter.is_zero() {
            faults.push(format!("jitter {} seed {}", fmt(f.jitter), f.jitter_seed));
        }
        let c = self.counts;
        let summary = Summary {
            call_id: self.script.call.call_id.clone(),
            content_type: self.ct.as_str().to_string(),
            duration_ms: timeline::ms(ended_at.saturating_duration_since(self.t0)),
            outcome,
            end_reason: self.end_reason.map(|r| r.as_str().to_string()),
            app_stream,
            time_to_first_app_audio_ms: stats.first_audio_at.map(to_ms),
            plays: PlaySummary {
                entries_received: c.frames_received,
                entries_accepted: stats.entries_accepted,
                entries_rejected: stats.entries_rejected,
                // What the app was told, not what played: an acknowledgement held back by
                // `ack_delay` past the end of the call was never sent.
                started: c.acks_started,
                completed: c.acks_completed,
                interrupted: stats.plays_interrupted,
                cleared_unplayed: stats.entries_cleared,
                unfinished_at_end: stats.entries_unfinished,
                peak_depth: stats.peak_depth,
                peak_queued_ms: to_ms(stats.peak_queued_ticks),
                clears: stats.clears,
                app_audio_ms: to_ms(stats.audio_ticks),
            },
            errors: c.errors,
            dtmf: DtmfSummary {
                from_caller: if self.live.is_some() {
                    std::mem::take(&mut self.live_keys)
                } else {
                    self.script.dtmf.iter().map(|k| k.digit).collect()
                },
                app_requested: c.app_dtmf,
                app_played: stats.dtmf_digits_played,
            },
            frames_sent: c.frames_sent,
            frames_dropped: c.frames_dropped,
            notifications_dropped: c.notifications_dropped,
            frames_received: c.frames_received,
            sequence_gaps: c.sequence_gaps,
            messages_to_app: c.to_app,
            messages_from_app: c.from_app,
            messages_after_end: c.after_end,
            faults,
            caller_speech_segments: timing.utterances.len() as u64,
            barge_in_latency: timing.barge_in,
            response_latency: timing.response,
            webhook_errors: Vec::new(),
        };
        CallReport {
            summary,
            timeline: self.timeline,
            heard,
            caller: self.said,
            rate,
        }
    }
}

fn status_text(s: &Status) -> String {
    if s.message().is_empty() {
        format!("{:?}", s.code())
    } else {
        format!("{:?}: {}", s.code(), s.message())
    }
}

/// The live caller's next key press; never without a live caller, or once its phone is gone.
async fn live_key(live: Option<&mut LiveCaller>) -> Option<KeyInput> {
    match live {
        Some(l) => match l.next_key().await {
            Some(k) => Some(k),
            None => std::future::pending().await,
        },
        None => std::future::pending().await,
    }
}

/// Resolves when `button` is pressed; never without one.
async fn pressed(button: Option<&HangUp>) {
    match button {
        Some(b) => b.requested().await,
        None => std::future::pending().await,
    }
}

/// The next thing from the app's side; never resolves once it is closed.
async fn next_app(app: &mut AppSide) -> Wake {
    match app {
        AppSide::Opening(fut) => Wake::Opened(Box::new(fut.await)),
        AppSide::Open(stream) => Wake::Message(stream.message().await),
        AppSide::Closed(_) => std::future::pending().await,
    }
}
