//! The bridge between a call and a streaming recogniser: the caller's audio goes to a
//! [`Transcriber`] in real time and what it recognises comes back as [`SttEvent`]s.
//!
//! Hosted recognisers are strict about time. Google ends a `StreamingRecognize` stream after
//! about five minutes, and ends it early with "Audio Timeout" when audio stops arriving in real
//! time — the frequent complaint of phone-to-recogniser bridges. So the bridge:
//!
//! - **keeps audio flowing**: when the app pushes less audio than wall-clock time allows (the
//!   caller's frames were dropped, the app paused), it sends silence to make up the difference,
//!   never more than real time;
//! - **restarts before the limit**: after [`BridgeConfig::restart_after`] it switches to a new
//!   stream at the next pause in the caller's speech (a *soft* restart: nothing is cut); if no
//!   pause comes before [`BridgeConfig::max_stream`] it switches anyway and replays the last
//!   [`BridgeConfig::replay`] of audio into the new stream (a *hard* restart: a word cut by the
//!   seam is heard whole by the new stream, so a word may be reported twice but none is lost).
//!   The old stream is half-closed, not dropped, so its last results still arrive;
//! - **surfaces failures**: a stream that breaks is reported as [`SttEvent::Broken`] and reopened
//!   up to [`BridgeConfig::reconnect_attempts`] times; after that one [`SttEvent::Failed`] ends the
//!   bridge, so the app can fall back (to DTMF, say) instead of waiting for words that will not
//!   come.
//!
//! Result offsets are rebased onto the bridge's own audio clock ([`Transcript::end_offset`] is
//! the time since the bridge started), so they stay monotone across restarts.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use bytes::{BufMut, Bytes, BytesMut};
use tokio::sync::mpsc;
use tokio::time::{sleep, Instant, MissedTickBehavior};

use crate::{SttConfig, SttError, SttStream, Transcriber, Transcript};

/// How the bridge paces, restarts and recovers.
#[derive(Debug, Clone)]
pub struct BridgeConfig {
    /// The recognition asked of every stream.
    pub stt: SttConfig,
    /// After this long, switch to a new stream at the next pause (soft restart).
    pub restart_after: Duration,
    /// Switch no later than this, pause or not (hard restart). Keep it below the service's limit.
    pub max_stream: Duration,
    /// How much recent audio a hard restart sends again to the new stream.
    pub replay: Duration,
    /// How long the caller must be quiet for a soft restart.
    pub pause: Duration,
    /// Peak level (0..=32767) under which audio counts as quiet for a soft restart.
    pub quiet_level: i16,
    /// How many times a broken stream is reopened before the bridge gives up.
    pub reconnect_attempts: u32,
    /// Wait before reopening a broken stream (doubled on each further attempt).
    pub reconnect_backoff: Duration,
    /// Audio behind real time by more than this is made up with silence.
    pub max_gap: Duration,
}

impl BridgeConfig {
    /// A bridge for recognition `stt`, with the default restart and reconnect policy.
    pub fn new(stt: SttConfig) -> Self {
        Self {
            stt,
            ..Self::default()
        }
    }
}

impl Default for BridgeConfig {
    fn default() -> Self {
        Self {
            stt: SttConfig::default(),
            restart_after: Duration::from_secs(240),
            max_stream: Duration::from_secs(290),
            replay: Duration::from_secs(1),
            pause: Duration::from_millis(300),
            quiet_level: 600,
            reconnect_attempts: 2,
            reconnect_backoff: Duration::from_millis(250),
            max_gap: Duration::from_millis(100),
        }
    }
}

/// What the bridge reports.
#[derive(Debug, Clone, PartialEq)]
pub enum SttEvent {
    /// A result that may still change.
    Interim(Transcript),
    /// A result that will not change.
    Final(Transcript),
    /// The bridge switched to a new recognition stream.
    Restarted {
        /// Streams opened so far, this one included.
        streams: u32,
        /// `false`: at a pause; `true`: forced at [`BridgeConfig::max_stream`], with replay.
        hard: bool,
    },
    /// A stream failed; the bridge is reopening it.
    Broken(SttError),
    /// The recogniser cannot be used: reopening failed. The bridge has stopped.
    Failed(SttError),
}

/// Counters of one bridge, readable while it runs.
#[derive(Debug, Default)]
pub struct BridgeStats {
    /// Samples sent to recognisers (caller audio and replays).
    pub samples_sent: AtomicU64,
    /// Samples of silence sent to keep the stream in real time.
    pub silence_samples: AtomicU64,
    /// Pushed chunks dropped because the bridge could not keep up.
    pub dropped_chunks: AtomicU64,
    /// Streams opened.
    pub streams: AtomicU64,
}

/// A running bridge: push the caller's audio in, read [`SttEvent`]s out. Dropping it (or
/// calling [`SttBridge::close`]) ends the stream; the task ends soon after.
pub struct SttBridge {
    /// The caller's audio, to the task.
    audio: mpsc::Sender<Vec<i16>>,
    /// What the task reports.
    events: mpsc::Receiver<SttEvent>,
    /// Counters.
    stats: Arc<BridgeStats>,
}

impl SttBridge {
    /// Starts a bridge (the first stream opens in the background).
    pub fn start(transcriber: Arc<dyn Transcriber>, config: BridgeConfig) -> Self {
        let (audio_tx, audio_rx) = mpsc::channel(256);
        let (events_tx, events_rx) = mpsc::channel(256);
        let stats = Arc::new(BridgeStats::default());
        let task = Task::new(transcriber, config, audio_rx, events_tx, stats.clone());
        tokio::spawn(task.run());
        Self {
            audio: audio_tx,
            events: events_rx,
            stats,
        }
    }

    /// Queues caller audio (16-bit samples at the configured rate). Never waits: if the bridge
    /// is behind, the chunk is dropped and counted (the gap is later filled with silence).
    /// Returns `false` once the bridge has stopped.
    pub fn push(&self, pcm: Vec<i16>) -> bool {
        match self.audio.try_send(pcm) {
            Ok(()) => true,
            Err(mpsc::error::TrySendError::Full(_)) => {
                chunk_dropped(&self.stats.dropped_chunks);
                true
            }
            Err(mpsc::error::TrySendError::Closed(_)) => false,
        }
    }

    /// The next event; `None` once the bridge has stopped and every event was read.
    pub async fn next(&mut self) -> Option<SttEvent> {
        self.events.recv().await
    }

    /// The bridge's counters.
    pub fn stats(&self) -> &BridgeStats {
        &self.stats
    }

    /// Ends the input: the current stream is half-closed, its last results still arrive, then
    /// [`SttBridge::next`] returns `None`.
    pub fn close(&mut self) {
        // Replacing the sender drops the only one the task listens to.
        let (closed, _) = mpsc::channel(1);
        self.audio = closed;
    }
}

/// A stream being fed.
struct Live {
    /// Its audio input.
    audio: mpsc::Sender<Bytes>,
    /// Its results.
    results: mpsc::Receiver<Result<Transcript, SttError>>,
    /// When it opened.
    opened: Instant,
    /// Bridge-clock offset (samples) of its first sample.
    base: u64,
    /// Results ending at or before this bridge-clock sample repeat a replay the previous
    /// stream already recognised: they are dropped.
    skip_until: u64,
}

/// A half-closed stream whose last results are still arriving.
struct Draining {
    /// Its results.
    results: mpsc::Receiver<Result<Transcript, SttError>>,
    /// Bridge-clock offset (samples) of its first sample.
    base: u64,
}

/// The bridge's task.
struct Task {
    transcriber: Arc<dyn Transcriber>,
    config: BridgeConfig,
    audio_rx: mpsc::Receiver<Vec<i16>>,
    events: mpsc::Sender<SttEvent>,
    stats: Arc<BridgeStats>,
    /// Recent audio, for replays.
    recent: VecDeque<i16>,
    /// Samples sent so far on the bridge clock.
    clock: u64,
    /// Wall-clock start of the bridge clock's real-time reference.
    started: Instant,
    /// Trailing quiet samples.
    quiet_run: u64,
    /// Streams opened.
    streams: u32,
}

impl Task {
    fn new(
        transcriber: Arc<dyn Transcriber>,
        config: BridgeConfig,
        audio_rx: mpsc::Receiver<Vec<i16>>,
        events: mpsc::Sender<SttEvent>,
        stats: Arc<BridgeStats>,
    ) -> Self {
        Self {
            transcriber,
            config,
            audio_rx,
            events,
            stats,
            recent: VecDeque::new(),
            clock: 0,
            started: Instant::now(),
            quiet_run: 0,
            streams: 0,
        }
    }

    fn rate(&self) -> u64 {
        u64::from(self.config.stt.sample_rate.max(1))
    }

    fn samples(&self, d: Duration) -> u64 {
        (d.as_secs_f64() * self.rate() as f64) as u64
    }

    /// Opens a stream, retrying with backoff; reports `Broken`/`Failed`.
    async fn open(&mut self, first_error: Option<SttError>) -> Option<Live> {
        let mut backoff = self.config.reconnect_backoff;
        let mut last = first_error;
        let attempts = if last.is_some() {
            self.config.reconnect_attempts
        } else {
            self.config.reconnect_attempts + 1
        };
        if let Some(e) = &last {
            tracing::warn!(error = %e, "speech stream broke; reopening");
            let _ = self.events.send(SttEvent::Broken(e.clone())).await;
        }
        for attempt in 0..attempts {
            if attempt > 0 || last.is_some() {
                sleep(backoff).await;
                backoff = backoff.saturating_mul(2);
            }
            match self.transcriber.open(&self.config.stt).await {
                Ok(SttStream { audio, results }) => {
                    self.streams += 1;
                    self.stats.streams.fetch_add(1, Ordering::Relaxed);
                    return Some(Live {
                        audio,
                        results,
                        opened: Instant::now(),
                        base: self.clock,
                        skip_until: 0,
                    });
                }
                Err(e) => {
                    tracing::debug!(error = %e, attempt, "opening a speech stream failed");
                    last = Some(e);
                }
            }
        }
        let e = last.unwrap_or_else(|| SttError::Unavailable("no attempt was made".into()));
        tracing::error!(error = %e, "speech recognition unavailable; bridge stopped");
        let _ = self.events.send(SttEvent::Failed(e)).await;
        None
    }

    /// Sends samples to the live stream and records them.
    fn send(&mut self, live: &Live, pcm: &[i16], silence: bool) -> bool {
        if pcm.is_empty() {
            return true;
        }
        let mut buf = BytesMut::with_capacity(pcm.len() * 2);
        for s in pcm {
            buf.put_i16_le(*s);
        }
        let ok = match live.audio.try_send(buf.freeze()) {
            Ok(()) => true,
            Err(mpsc::error::TrySendError::Full(_)) => {
                chunk_dropped(&self.stats.dropped_chunks);
                true
            }
            Err(mpsc::error::TrySendError::Closed(_)) => false,
        };
        let n = pcm.len() as u64;
        self.clock += n;
        self.stats.samples_sent.fetch_add(n, Ordering::Relaxed);
        if silence {
            self.stats.silence_samples.fetch_add(n, Ordering::Relaxed);
        }
        let keep = self.samples(self.config.replay) as usize;
        self.recent.extend(pcm.iter().copied());
        while self.recent.len() > keep {
            self.recent.pop_front();
        }
        let level = pcm.iter().map(|s| s.unsigned_abs()).max().unwrap_or(0);
        if level < self.config.quiet_level.unsigned_abs() {
            self.quiet_run += n;
        } else {
            self.quiet_run = 0;
        }
        ok
    }

    /// Forwards one result, rebased on the bridge clock, unless it ends within audio an
    /// earlier stream already covered (`skip_until`).
    async fn forward(&self, base: u64, skip_until: u64, t: Transcript) -> bool {
        let mut t = t;
        let end = base + (t.end_offset.as_secs_f64() * self.rate() as f64).round() as u64;
        if end <= skip_until {
            return true;
        }
        t.end_offset += Duration::from_secs_f64(base as f64 / self.rate() as f64);
        let event = if t.is_final {
            SttEvent::Final(t)
        } else {
            SttEvent::Interim(t)
        };
        self.events.send(event).await.is_ok()
    }

    async fn run(mut self) {
        let Some(mut live) = self.open(None).await else {
            return;
        };
        self.started = Instant::now();
        let mut draining: Vec<Draining> = Vec::new();
        let mut tick = tokio::time::interval(Duration::from_millis(20));
        tick.set_missed_tick_behavior(MissedTickBehavior::Delay);
        let mut input_open = true;
        loop {
            // Results of half-closed streams first (cheap, non-blocking).
            let mut i = 0;
            while i < draining.len() {
                match draining[i].results.try_recv() {
                    Ok(Ok(t)) => {
                        let base = draining[i].base;
                        if !self.forward(base, 0, t).await {
                            return;
                        }
                    }
                    Ok(Err(e)) => {
                        tracing::debug!(error = %e, "a half-closed speech stream ended with an error");
                        draining.swap_remove(i);
                    }
                    Err(mpsc::error::TryRecvError::Empty) => i += 1,
                    Err(mpsc::error::TryRecvError::Disconnected) => {
                        draining.swap_remove(i);
                    }
                }
            }
            tokio::select! {
                pcm = self.audio_rx.recv(), if input_open => match pcm {
                    Some(pcm) => {
                        if !self.send(&live, &pcm, false) {
                            // The stream's input is gone: its result will say why.
                            tracing::debug!("speech stream input closed");
                        }
                    }
                    None => {
                        // The app is done: half-close and wait for the last results.
                        input_open = false;
                        let (closed, _) = mpsc::channel(1);
                        drop(std::mem::replace(&mut live.audio, closed));
                    }
                },
                result = live.results.recv() => match result {
                    Some(Ok(t)) => {
                        if !self.forward(live.base, live.skip_until, t).await {
                            return;
                        }
                    }
                    Some(Err(e)) if input_open => match self.open(Some(e)).await {
                        Some(l) => { live = l; self.restarted(false).await; }
                        None => return,
                    },
                    None if input_open => {
                        let e = SttError::Unavailable("the speech stream ended unexpectedly".into());
                        match self.open(Some(e)).await {
                            Some(l) => { live = l; self.restarted(false).await; }
                            None => return,
                        }
                    }
                    // Input closed: this is the end.
                    Some(Err(e)) => {
                        tracing::debug!(error = %e, "speech stream ended with an error after input closed");
                        return self.finish(draining).await;
                    }
                    None => return self.finish(draining).await,
                },
                _ = tick.tick(), if input_open => {
                    self.fill_gap(&live);
                    // A stream's age is its wall-clock time or its audio (replay included),
                    // whichever is longer: services limit either.
                    let audio_age = Duration::from_secs_f64(
                        self.clock.saturating_sub(live.base) as f64 / self.rate() as f64,
                    );
                    let age = live.opened.elapsed().max(audio_age);
                    let soft = age >= self.config.restart_after
                        && self.quiet_run >= self.samples(self.config.pause);
                    let hard = age >= self.config.max_stream;
                    if soft || hard {
                        let Some(next) = self.open(None).await else { return };
                        if hard {
                            let replay: Vec<i16> = self.recent.iter().copied().collect();
                            // Replayed audio is not new time on the bridge clock.
                            let replayed = replay.len() as u64;
                            let base = self.clock.saturating_sub(replayed);
                            let mut next = next;
                            next.base = base;
                            next.skip_until = self.clock;
                            self.clock = base;
                            self.send(&next, &replay, false);
                            let old = std::mem::replace(&mut live, next);
                            draining.push(Draining { results: old.results, base: old.base });
                        } else {
                            let old = std::mem::replace(&mut live, next);
                            draining.push(Draining { results: old.results, base: old.base });
                        }
                        self.restarted(hard).await;
                    }
                }
            }
        }
    }

    /// After a restart: tells the app.
    async fn restarted(&mut self, hard: bool) {
        tracing::debug!(streams = self.streams, hard, "speech stream restarted");
        let _ = self
            .events
            .send(SttEvent::Restarted {
                streams: self.streams,
                hard,
            })
            .await;
    }

    /// Makes up for audio the app did not push, so the stream never falls behind real time.
    fn fill_gap(&mut self, live: &Live) {
        let due = self.samples(self.started.elapsed());
        let behind = due.saturating_sub(self.clock);
        if behind > self.samples(self.config.max_gap) {
            let silence = vec![0i16; behind as usize];
            self.send(live, &silence, true);
        }
    }

    /// Forwards what half-closed streams still say, then stops.
    async fn finish(self, draining: Vec<Draining>) {
        for mut d in draining {
            while let Some(r) = d.results.recv().await {
                match r {
                    Ok(t) => {
                        if !self.forward(d.base, 0, t).await {
                            return;
                        }
                    }
                    Err(_) => break,
                }
            }
        }
    }
}

/// Counts a chunk dropped because the bridge is behind; the first of a call is logged.
fn chunk_dropped(dropped: &AtomicU64) {
    if dropped.fetch_add(1, Ordering::Relaxed) == 0 {
        tracing::warn!(
            "speech recognition is falling behind the caller: audio chunks are dropped (counted in dropped_chunks)"
        );
    }
}
