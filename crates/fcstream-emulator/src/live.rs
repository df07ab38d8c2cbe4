//! A person as the caller: the browser softphone (`fcstream phone`) and the SIP front door
//! (`fcstream sip`) drive the same platform model as `fcstream call`, but the caller's voice
//! and keys arrive as they happen and what the caller hears must leave as it is played.
//!
//! [`pair`] makes the two ends: a [`LiveCaller`], handed to [`crate::platform::run_live`]
//! (the platform's one task per call), and a [`LivePhone`], kept by the front door. Everything
//! between them is bounded and never blocks the platform's clock: the caller's samples wait in
//! a FIFO capped at [`MAX_BACKLOG`] (the oldest are dropped, and counted, when a source runs
//! fast), a frame with too few samples is padded with silence, and the phone's events go
//! through a bounded queue (a stalled consumer loses audio chunks, counted, rather than
//! stopping the call).
//!
//! ```no_run
//! use std::time::Duration;
//! use fcstream::ContentType;
//! use fcstream_emulator::live::{self, LiveEvent};
//! use fcstream_emulator::platform::{run_live, RunOptions};
//! use fcstream_emulator::{connect, ConnectOptions, Script};
//!
//! # async fn demo() -> Result<(), fcstream_emulator::EmulatorError> {
//! let script = Script::live(ContentType::Mulaw8k, Duration::from_secs(3600));
//! let channel = connect("http://127.0.0.1:50051", &ConnectOptions::default()).await?;
//! let (caller, mut phone) = live::pair(&script);
//! let call = tokio::spawn(async move {
//!     run_live(channel, &script, &RunOptions::default(), caller).await
//! });
//! phone.speak(&[0i16; 160]);
//! phone.press('5', Duration::from_millis(120));
//! while let Some(event) = phone.next().await {
//!     match event {
//!         LiveEvent::Heard(samples) => { /* play them */ let _ = samples; }
//!         LiveEvent::Ended(_) => phone.hang_up(),
//!         _ => {}
//!     }
//! }
//! let report = call.await.expect("the call's task")?;
//! report.write_to("out".as_ref())?;
//! # Ok(()) }
//! ```

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc;

use crate::control::HangUp;
use crate::report::CallOutcome;
use crate::script::Script;
use crate::timeline::TimelineEntry;

/// The most caller audio waiting to be sent, as time: a source that runs ahead of the
/// platform's clock (a sender whose clock is fast, a burst after a network stall) loses its
/// oldest samples beyond this rather than adding delay to the call.
pub const MAX_BACKLOG: Duration = Duration::from_millis(200);

/// Chunks of caller audio in flight between [`LivePhone::speak`] and the platform.
const AUDIO_QUEUE: usize = 64;
/// Key presses in flight.
const KEY_QUEUE: usize = 32;
/// Events in flight to the phone: a second of 20 ms audio chunks plus their messages.
const EVENT_QUEUE: usize = 256;

/// Something the caller's side should know, in the order it happened.
#[derive(Debug, Clone, PartialEq)]
pub enum LiveEvent {
    /// The next samples the caller hears, at the call's rate, silence included: one chunk
    /// each time the platform's clock moves (about every 20 ms).
    Heard(Vec<i16>),
    /// The platform starts playing one key of the app's `PressDTMF` (its tone is in
    /// [`LiveEvent::Heard`] as well): for front doors that carry keys out of band (RFC 4733).
    Digit {
        /// The key.
        digit: char,
        /// How long its tone lasts.
        duration: Duration,
    },
    /// A message either way, or a note of the platform's, as the timeline records it.
    Timeline(TimelineEntry),
    /// The call is over: nothing follows.
    Ended(CallOutcome),
}

/// A key of the caller's, as it crosses to the platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyInput {
    /// Pressed and released after the duration.
    Press(char, Duration),
    /// Pressed, held until [`KeyInput::Up`].
    Down(char),
    /// The held key released.
    Up,
}

/// Counters of what the live link lost (all zero on a healthy call).
#[derive(Debug, Default)]
pub struct LiveCounters {
    /// Caller samples dropped: the queue was full, or the backlog over [`MAX_BACKLOG`].
    pub caller_samples_dropped: AtomicU64,
    /// Caller samples missing when a frame was due (sent as silence).
    pub caller_samples_padded: AtomicU64,
    /// Key presses dropped (the key queue was full, or the key is not a DTMF key).
    pub keys_dropped: AtomicU64,
    /// Events the phone did not take in time (audio chunks and timeline entries).
    pub events_dropped: AtomicU64,
}

/// The platform's end of a live caller: give it to [`crate::platform::run_live`].
#[derive(Debug)]
pub struct LiveCaller {
    audio: mpsc::Receiver<Vec<i16>>,
    keys: mpsc::Receiver<KeyInput>,
    events: mpsc::Sender<LiveEvent>,
    pub(crate) hang_up: HangUp,
    counters: Arc<LiveCounters>,
    /// Caller samples received and not yet sent.
    backlog: VecDeque<i16>,
    /// [`MAX_BACKLOG`] in samples.
    max_backlog: usize,
    /// How much of what the caller heard has gone to the phone.
    heard_sent: usize,
}

/// The front door's end of a live caller: speak, press keys, hang up, hear.
#[derive(Debug)]
pub struct LivePhone {
    audio: mpsc::Sender<Vec<i16>>,
    keys: mpsc::Sender<KeyInput>,
    events: mpsc::Receiver<LiveEvent>,
    hang_up: HangUp,
    rate: u32,
    counters: Arc<LiveCounters>,
}

/// The two ends of a live caller for a call played with `script` (its content type sets the
/// rate of every sample that crosses).
pub fn pair(script: &Script) -> (LiveCaller, LivePhone) {
    let rate = script.call.content_type.sample_rate();
    let (audio_tx, audio_rx) = mpsc::channel(AUDIO_QUEUE);
    let (keys_tx, keys_rx) = mpsc::channel(KEY_QUEUE);
    let (events_tx, events_rx) = mpsc::channel(EVENT_QUEUE);
    let hang_up = HangUp::new();
    let counters = Arc::new(LiveCounters::default());
    let max_backlog = usize::try_from(MAX_BACKLOG.as_millis() as u64 * u64::from(rate) / 1000)
        .unwrap_or(usize::MAX);
    (
        LiveCaller {
            audio: audio_rx,
            keys: keys_rx,
            events: events_tx,
            hang_up: hang_up.clone(),
            counters: counters.clone(),
            backlog: VecDeque::with_capacity(max_backlog),
            max_backlog,
            heard_sent: 0,
        },
        LivePhone {
            audio: audio_tx,
            keys: keys_tx,
            events: events_rx,
            hang_up,
            rate,
            counters,
        },
    )
}

impl LivePhone {
    /// The call's sample rate: every sample spoken or heard is at it.
    pub fn rate(&self) -> u32 {
        self.rate
    }

    /// The caller says `samples` (any length, at [`rate`](Self::rate)). Never blocks: when
    /// the platform is behind, the samples are dropped and counted.
    pub fn speak(&self, samples: &[i16]) {
        if samples.is_empty() {
            return;
        }
        if self.audio.try_send(samples.to_vec()).is_err() {
            self.counters
                .caller_samples_dropped
                .fetch_add(samples.len() as u64, Ordering::Relaxed);
        }
    }

    /// The caller presses `digit` for `duration` (`DtmfStarted` now, `DtmfEnded` after it).
    /// A key that is not a DTMF key, a zero duration or a full key queue drops the press
    /// (counted).
    pub fn press(&self, digit: char, duration: Duration) {
        let digit = digit.to_ascii_uppercase();
        let ok = fcstream::audio::dtmf::frequencies(digit).is_some()
            && !duration.is_zero()
            && self.keys.try_send(KeyInput::Press(digit, duration)).is_ok();
        if !ok {
            self.counters.keys_dropped.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// The caller presses `digit` and holds it (`DtmfStarted` now) until
    /// [`key_up`](Self::key_up): for front doors that learn a key's end only when it comes
    /// (RFC 4733 events). A key pressed while another is held releases that one first. A key
    /// that is not a DTMF key or a full key queue drops the press (counted).
    pub fn key_down(&self, digit: char) {
        let digit = digit.to_ascii_uppercase();
        let ok = fcstream::audio::dtmf::frequencies(digit).is_some()
            && self.keys.try_send(KeyInput::Down(digit)).is_ok();
        if !ok {
            self.counters.keys_dropped.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// The held key is released (`DtmfEnded` now); nothing if no key is held.
    pub fn key_up(&self) {
        if self.keys.try_send(KeyInput::Up).is_err() {
            self.counters.keys_dropped.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// The caller hangs up (`NotifyCallEnded(CALLER_DISCONNECT)`); idempotent.
    pub fn hang_up(&self) {
        self.hang_up.hang_up();
    }

    /// The next event; `None` once the call is over and every event has been taken.
    pub async fn next(&mut self) -> Option<LiveEvent> {
        self.events.recv().await
    }

    /// What the link lost so far.
    pub fn counters(&self) -> &LiveCounters {
        &self.counters
    }
}

impl LiveCaller {
    /// `n` caller samples for the frame due now: what has arrived, the oldest first, padded
    /// with silence when too little has.
    pub(crate) fn take(&mut self, n: usize) -> Vec<i16> {
        while let Ok(chunk) = self.audio.try_recv() {
            self.backlog.extend(chunk);
        }
        // Keep at most the cap (plus the frame being taken) waiting.
        let keep = self.max_backlog + n;
        if self.backlog.len() > keep {
            let drop = self.backlog.len() - keep;
            self.backlog.drain(..drop);
            self.counters
                .caller_samples_dropped
                .fetch_add(drop as u64, Ordering::Relaxed);
        }
        let have = self.backlog.len().min(n);
        let mut out: Vec<i16> = self.backlog.drain(..have).collect();
        if have < n {
            self.counters
                .caller_samples_padded
                .fetch_add((n - have) as u64, Ordering::Relaxed);
            out.resize(n, 0);
        }
        out
    }

    /// The next key press, if one is waiting.
    pub(crate) async fn next_key(&mut self) -> Option<KeyInput> {
        self.keys.recv().await
    }

    /// Sends what the caller heard since the last call (`heard` is everything so far).
    pub(crate) fn heard(&mut self, heard: &[i16]) {
        if heard.len() <= self.heard_sent {
            return;
        }
        let chunk = heard[self.heard_sent..].to_vec();
        self.heard_sent = heard.len();
        self.emit(LiveEvent::Heard(chunk));
    }

    /// Sends one event; a full queue drops it (counted), a gone phone is ignored.
    pub(crate) fn emit(&self, event: LiveEvent) {
        if let Err(mpsc::error::TrySendError::Full(_)) = self.events.try_send(event) {
            self.counters.events_dropped.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Sends the end of the call. It waits for room (the phone must learn the call is over),
    /// but never longer than a second: a phone that stopped reading loses it.
    pub(crate) async fn ended(&self, outcome: CallOutcome) {
        let send = self.events.send(LiveEvent::Ended(outcome));
        let _ = tokio::time::timeout(Duration::from_secs(1), send).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use fcstream::ContentType;

    #[test]
    fn frames_are_padded_and_the_backlog_is_capped() {
        let script = Script::live(ContentType::Mulaw8k, Duration::from_secs(10));
        let (mut caller, phone) = pair(&script);
        assert_eq!(phone.rate(), 8000);
        // Nothing arrived: a frame of silence, counted.
        assert_eq!(caller.take(160), vec![0; 160]);
        assert_eq!(
            phone
                .counters()
                .caller_samples_padded
                .load(Ordering::Relaxed),
            160
        );
        // Half a frame arrived: it comes first, then silence.
        phone.speak(&[7; 80]);
        let f = caller.take(160);
        assert_eq!(&f[..80], &[7; 80][..]);
        assert_eq!(&f[80..], &[0; 80][..]);
        // A burst of a second: only the newest 200 ms (+ the frame) is kept.
        for i in 0..50 {
            phone.speak(&[i as i16; 160]);
        }
        let f = caller.take(160);
        let kept = 1600 + 160;
        let dropped = 50 * 160 - kept;
        assert_eq!(
            phone
                .counters()
                .caller_samples_dropped
                .load(Ordering::Relaxed),
            dropped as u64
        );
        // The oldest kept chunk is the one after the dropped ones.
        assert_eq!(f[0], (dropped / 160) as i16);
    }

    #[test]
    fn bad_keys_are_dropped_and_counted() {
        let script = Script::live(ContentType::Mulaw8k, Duration::from_secs(10));
        let (_caller, phone) = pair(&script);
        phone.press('x', Duration::from_millis(100));
        phone.press('1', Duration::ZERO);
        phone.press('1', Duration::from_millis(100));
        assert_eq!(phone.counters().keys_dropped.load(Ordering::Relaxed), 2);
    }

    #[test]
    fn heard_audio_is_sent_once_in_order() {
        let script = Script::live(ContentType::Mulaw8k, Duration::from_secs(10));
        let (mut caller, mut phone) = pair(&script);
        let heard: Vec<i16> = (0..480).collect();
        caller.heard(&heard[..160]);
        caller.heard(&heard[..160]);
        caller.heard(&heard);
        assert_eq!(
            phone.events.try_recv().ok(),
            Some(LiveEvent::Heard(heard[..160].to_vec()))
        );
        assert_eq!(
            phone.events.try_recv().ok(),
            Some(LiveEvent::Heard(heard[160..].to_vec()))
        );
        assert!(phone.events.try_recv().is_err());
    }
}
