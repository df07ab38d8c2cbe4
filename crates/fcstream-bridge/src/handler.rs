//! The bridge for one call: a FreeClimb [`Call`] on one side, one WebSocket to a bot speaking
//! Twilio Media Streams on the other, and the bookkeeping between (frames, marks, clears).
//!
//! One task per call, one `select!` loop: caller events go out as `media`/`dtmf`, bot
//! messages come in as plays, marks and clears. Bot audio waits in a bounded local queue
//! ([`BridgeConfig::max_buffered_audio`]) and goes to the library as plays, at most
//! [`BridgeConfig::max_plays_in_flight`] at a time (the library's pacer then keeps the
//! platform's buffer within its bounds); audio that arrives while the plays are busy is merged
//! into plays of up to [`BridgeConfig::max_play`]. A mark rides on the audio queued before it
//! and is answered when that play resolves (completed, or interrupted by a clear), in order.

use std::collections::VecDeque;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::Arc;
use std::time::{Duration, Instant};

use fcstream::audio::frame::Framer;
use fcstream::audio::resample::StreamResampler;
use fcstream::audio::{l16, mulaw};
use fcstream::call::{CallControl, KeyPresses, Playback};
use fcstream::untrusted::{shown, LogBudget};
use fcstream::{Audio, Call, ContentType, Event};
use futures_util::{SinkExt, StreamExt};
use rustls::pki_types::CertificateDer;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{Connector, MaybeTlsStream, WebSocketStream};
use tracing::{debug, error, info, warn};

use crate::stats::BridgeStats;
use crate::twilio::{self, BotMessage, Outgoing, StartInfo};

/// What the bridge does when the bot closes its socket before the call ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OnBotClose {
    /// Let the audio already sent play (at most [`BridgeConfig::drain_timeout`]), then hang up.
    #[default]
    Hangup,
    /// Let the audio play the same way, then end the stream and keep the call: the handler
    /// returns and FreeClimb runs the PerCL of the stream's `actionUrl`.
    KeepCall,
}

/// How a bridge reaches its bot and the bounds it keeps.
#[derive(Debug, Clone)]
pub struct BridgeConfig {
    /// The bot's WebSocket URL (`ws://`, or `wss://` for TLS).
    pub url: String,
    /// The `accountSid` the bot is told.
    pub account_sid: String,
    /// How long connecting to the bot may take before the call gets the fallback.
    pub connect_timeout: Duration,
    /// What to do when the bot closes first.
    pub on_bot_close: OnBotClose,
    /// Played to the caller when the bot cannot be reached, before the hang-up.
    pub fallback: Audio,
    /// The largest bot message taken; larger ones are refused (counted, the call goes on).
    /// Messages over four times this close the socket (the WebSocket layer's hard limit).
    pub max_message_bytes: usize,
    /// Bot audio held by the bridge beyond what is at the library; more is dropped (counted).
    pub max_buffered_audio: Duration,
    /// Plays handed to the library and not yet resolved.
    pub max_plays_in_flight: usize,
    /// The longest play made by merging queued bot audio.
    pub max_play: Duration,
    /// Marks waiting for audio per call; more are answered at once (counted).
    pub max_pending_marks: usize,
    /// How long the audio already queued may play after the bot closed.
    pub drain_timeout: Duration,
    /// A metadata key (as in `customParameters`, e.g. `botUrl`) whose value, when a call has
    /// it and it is a `ws://` or `wss://` URL, is that call's bot instead of [`url`](Self::url). Off by
    /// default: only turn it on when the PerCL `AudioStream` metadata is yours (it comes from
    /// your webhook), since it chooses where the bridge connects.
    pub url_key: Option<String>,
    /// A write to the bot that takes longer than this ends the bridge (a bot that stopped
    /// reading).
    pub write_timeout: Duration,
    /// Certificates (DER) trusted for `wss://` bots besides the Mozilla roots (webpki-roots),
    /// e.g. a private CA: set with [`BridgeConfig::with_ca_pem`].
    pub extra_roots: Vec<CertificateDer<'static>>,
}

impl BridgeConfig {
    /// The defaults for the bot at `url`.
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            account_sid: "ACfcstream".into(),
            connect_timeout: Duration::from_secs(5),
            on_bot_close: OnBotClose::Hangup,
            fallback: default_fallback(),
            max_message_bytes: 1 << 20,
            max_buffered_audio: Duration::from_secs(120),
            max_plays_in_flight: 16,
            max_play: Duration::from_secs(1),
            max_pending_marks: 1024,
            drain_timeout: Duration::from_secs(10),
            url_key: None,
            write_timeout: Duration::from_secs(5),
            extra_roots: Vec::new(),
        }
    }

    /// Also trusts the certificates of `pem` (one or more `CERTIFICATE` blocks) for `wss://`
    /// bots. An error if it holds none, or one that does not parse.
    pub fn with_ca_pem(mut self, pem: &[u8]) -> Result<Self, String> {
        self.extra_roots
            .extend(fcstream::tls_client::pem_certificates(pem)?);
        Ok(self)
    }
}

/// The TLS settings for `wss://` bots: rustls with ring (the provider fcstream's own TLS
/// uses), the Mozilla roots and `extra`.
fn tls_config(extra: &[CertificateDer<'static>]) -> Arc<rustls::ClientConfig> {
    let config = fcstream::tls_client::client_config(extra, &[]).unwrap_or_else(|e| {
        // Only an unusable --ws-ca root gets here (it parsed as PEM): wss:// bots are then
        // reached with the web roots alone.
        warn!(error = %e, "bridge: a --ws-ca certificate is not a usable root; skipped");
        fcstream::tls_client::client_config(&[], &[]).unwrap_or_else(|e| {
            error!(error = %e, "bridge: no TLS for wss:// bots");
            rustls::ClientConfig::builder_with_protocol_versions(&[])
                .with_root_certificates(rustls::RootCertStore::empty())
                .with_no_client_auth()
        })
    });
    Arc::new(config)
}

/// Two short low beeps: "this line is not working", without a speech engine.
pub fn default_fallback() -> Audio {
    let beep = Audio::tone(480.0, Duration::from_millis(250), 8000).samples();
    let gap = vec![0i16; 1600];
    let samples: Vec<i16> = [&beep[..], &gap, &beep].concat();
    Audio::from_pcm(8000, &samples)
}

/// Bridges FreeClimb calls to a Twilio Media Streams bot: a [`fcstream::Handler`].
///
/// ```no_run
/// use fcstream::Server;
/// use fcstream_bridge::{Bridge, BridgeConfig};
///
/// # async fn demo() -> fcstream::Result<()> {
/// let bridge = Bridge::new(BridgeConfig::new("ws://127.0.0.1:8765/ws"));
/// Server::bind("0.0.0.0:50051").serve(bridge).await
/// # }
/// ```
#[derive(Clone)]
pub struct Bridge {
    config: Arc<BridgeConfig>,
    stats: Arc<BridgeStats>,
    /// For `wss://` bots, built once.
    tls: Arc<rustls::ClientConfig>,
}

impl Bridge {
    /// A bridge to the bot of `config`.
    pub fn new(config: BridgeConfig) -> Self {
        Self {
            tls: tls_config(&config.extra_roots),
            config: Arc::new(config),
            stats: Arc::new(BridgeStats::default()),
        }
    }

    /// The bridge's counters, shared by all its calls.
    pub fn stats(&self) -> Arc<BridgeStats> {
        self.stats.clone()
    }

    /// Bridges one call to its end.
    pub async fn run(&self, call: Call) -> fcstream::Result<()> {
        self.stats.calls.fetch_add(1, Relaxed);
        self.stats.active.fetch_add(1, Relaxed);
        let result = self.run_inner(call).await;
        self.stats.active.fetch_sub(1, Relaxed);
        result
    }

    async fn run_inner(&self, call: Call) -> fcstream::Result<()> {
        let cfg = &*self.config;
        call.skip_playback_events();
        let started = Instant::now();
        // tungstenite's default read buffer is 128 KiB per socket, and it zero-fills the
        // unused part before every read (one with data, one that would block, 50 times a
        // second a call): that memset was most of the bridge's CPU and 128 KiB of its memory
        // per call. A bot message is ~0.5 KiB (40 ms of µ-law); a bigger one still reads
        // whole (the buffer grows to a frame's length), just in more reads.
        let ws_config = WebSocketConfig::default()
            .read_buffer_size(WS_READ_BUFFER)
            .max_message_size(Some(cfg.max_message_bytes.saturating_mul(4)))
            .max_frame_size(Some(cfg.max_message_bytes.saturating_mul(4)));
        let url = bot_url(cfg, &call.info().metadata);
        let tls = url
            .starts_with("wss://")
            .then(|| Connector::Rustls(self.tls.clone()));
        let connect = tokio_tungstenite::connect_async_tls_with_config(
            url.as_str(),
            Some(ws_config),
            true,
            tls,
        );
        let ws = match tokio::time::timeout(cfg.connect_timeout, connect).await {
            Ok(Ok((ws, _response))) => ws,
            outcome => {
                let why = match outcome {
                    Ok(Err(e)) => e.to_string(),
                    _ => format!("no answer in {:?}", cfg.connect_timeout),
                };
                self.stats.bot_connect_failures.fetch_add(1, Relaxed);
                error!(
                    call_id = %shown(call.call_id()),
                    bot = %shown(&url),
                    error = %shown(&why),
                    "bridge: the bot is down; playing the fallback and hanging up"
                );
                let play = call.play(cfg.fallback.clone());
                let bound = cfg.fallback.duration() + Duration::from_secs(5);
                let _ = tokio::time::timeout(bound, play).await;
                let _ = tokio::time::timeout(Duration::from_secs(5), call.hangup()).await;
                return Ok(());
            }
        };
        let connect_us = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
        self.stats.connected(connect_us);
        debug!(call_id = %shown(call.call_id()), connect_us, "bridge: bot connected");
        let mut session = Session::new(call, ws, cfg, &self.stats);
        let end = session.run().await;
        session.finish(end).await;
        Ok(())
    }
}

impl fcstream::Handler for Bridge {
    fn handle(&self, call: Call) -> fcstream::server::HandlerFuture {
        let bridge = self.clone();
        Box::pin(async move { bridge.run(call).await })
    }
}

type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// The WebSocket read buffer per call (see `run_inner`).
const WS_READ_BUFFER: usize = 8 * 1024;

/// Frames stamped further back than this by the platform are not counted in
/// `platform_to_bot` (its clock is not this host's).
const MAX_FRAME_AGE: Duration = Duration::from_secs(60);

/// Bot warnings a bot can trigger at will share this budget.
static BOT_WARNINGS: LogBudget = LogBudget::new(10);

/// Why a bridge loop ended.
#[derive(Debug)]
enum End {
    /// The call is over (hung up, or the platform ended the stream).
    CallEnded,
    /// The bot closed its socket, or it failed.
    BotGone(String),
}

/// What woke the loop.
enum Step {
    Event(Option<Event>),
    Bot(Option<Result<Message, tokio_tungstenite::tungstenite::Error>>),
    Played,
    HeldDue,
}

/// A play handed to the library, with the marks to answer when it resolves.
struct InFlight {
    playback: Playback,
    marks: Vec<String>,
}

/// Bot audio not yet handed to the library, with the marks that follow it.
struct Queued {
    audio: Vec<u8>,
    marks: Vec<String>,
}

/// Caller audio on its way to the bot: converted to µ-law 8 kHz and cut into 20 ms frames.
struct Inbound {
    ct: ContentType,
    resampler: Option<StreamResampler>,
    framer: Framer,
    /// Frames sent (each 20 ms): the next frame's timestamp is `sent * 20` ms.
    sent: u64,
}

impl Inbound {
    fn new(ct: ContentType) -> Self {
        let resampler = if ct.sample_rate() == 8000 {
            None
        } else {
            StreamResampler::new(ct.sample_rate(), 8000).ok()
        };
        Self {
            ct,
            resampler,
            framer: Framer::new(ContentType::Mulaw8k),
            sent: 0,
        }
    }

    fn push(&mut self, data: &[u8]) {
        if self.ct.is_mulaw() {
            self.framer.push(data);
            return;
        }
        let samples = l16::decode(data);
        let samples = match &mut self.resampler {
            Some(r) => r.process(&samples).unwrap_or_default(),
            None => samples,
        };
        self.framer.push(&mulaw::encode_all(&samples));
    }
}

/// Bot audio on its way to the call: µ-law 8 kHz converted to the call's content type as it
/// arrives, with one streaming resampler per call for 16 kHz calls (resampling each 20 ms
/// clip on its own would restart the filter at every clip edge).
struct Outbound {
    ct: ContentType,
    resampler: Option<StreamResampler>,
    /// Input samples taken and output samples given since the resampler (re)started.
    taken: usize,
    given: usize,
}

impl Outbound {
    fn new(ct: ContentType) -> Self {
        let mut o = Self {
            ct,
            resampler: None,
            taken: 0,
            given: 0,
        };
        o.reset();
        o
    }

    /// Drops what the resampler holds (after a clear).
    fn reset(&mut self) {
        self.taken = 0;
        self.given = 0;
        self.resampler = if self.ct.sample_rate() == 8000 {
            None
        } else {
            StreamResampler::new(8000, self.ct.sample_rate()).ok()
        };
    }

    /// `mulaw` in the call's content type (a 16 kHz call's last ~40 ms wait in the resampler).
    fn convert(&mut self, mulaw: Vec<u8>) -> Vec<u8> {
        if self.ct.is_mulaw() {
            return mulaw;
        }
        let samples = mulaw::decode_all(&mulaw);
        match &mut self.resampler {
            Some(r) => {
                let out = r.process(&samples).unwrap_or_default();
                self.taken += samples.len();
                self.given += out.len();
                l16::encode(&out)
            }
            None => l16::encode(&samples),
        }
    }

    /// Output samples owed for the input taken so far (held in the resampler).
    fn owed(&self) -> usize {
        if self.resampler.is_none() {
            return 0;
        }
        fcstream::audio::resample::output_len(self.taken, 8000, self.ct.sample_rate())
            .saturating_sub(self.given)
    }

    /// What the resampler still holds, so that audio before a mark is queued whole.
    fn flush(&mut self) -> Vec<u8> {
        self.taken = 0;
        self.given = 0;
        match &mut self.resampler {
            Some(r) => l16::encode(&r.flush().unwrap_or_default()),
            None => Vec::new(),
        }
    }
}

struct Session<'a> {
    control: CallControl,
    events: fcstream::call::CallEvents,
    ws: Ws,
    cfg: &'a BridgeConfig,
    stats: &'a BridgeStats,
    out: Outgoing,
    start: StartInfo,
    inbound: Inbound,
    outbound: Outbound,
    in_flight: VecDeque<InFlight>,
    queued: VecDeque<Queued>,
    queued_bytes: usize,
    pending_marks: usize,
    dropped_warned: bool,
    keys: KeyPresses,
    /// Marks whose audio is partly still in the outbound resampler (16 kHz calls): they are
    /// placed once the next bot audio pushes that out (`held_owed` samples), or when
    /// `held_due` passes (then the resampler is flushed). Flushing at every mark instead would
    /// click when the bot's audio goes on right after it.
    held: Vec<String>,
    held_owed: usize,
    held_due: Option<tokio::time::Instant>,
    /// When the bot's `media` now at the front of `queued` was read, if it found nothing
    /// waiting: its latency is recorded when it goes to the library.
    media_arrived: Option<Instant>,
}

impl<'a> Session<'a> {
    fn new(call: Call, ws: Ws, cfg: &'a BridgeConfig, stats: &'a BridgeStats) -> Self {
        let info = call.info().clone();
        let custom_parameters = twilio::custom_parameters(&info.metadata);
        let call_sid = custom_parameters
            .iter()
            .find(|(k, _)| k == "callId")
            .map_or_else(|| info.call_id.clone(), |(_, v)| v.clone());
        let stream_sid = stream_sid();
        let (control, events) = call.split();
        Session {
            control,
            events,
            ws,
            cfg,
            stats,
            out: Outgoing::new(stream_sid.clone()),
            start: StartInfo {
                stream_sid,
                call_sid,
                account_sid: cfg.account_sid.clone(),
                custom_parameters,
            },
            inbound: Inbound::new(info.content_type),
            outbound: Outbound::new(info.content_type),
            in_flight: VecDeque::new(),
            queued: VecDeque::new(),
            queued_bytes: 0,
            pending_marks: 0,
            dropped_warned: false,
            keys: KeyPresses::default(),
            held: Vec::new(),
            held_owed: 0,
            held_due: None,
            media_arrived: None,
        }
    }

    async fn send(&mut self, text: String) -> Result<(), End> {
        match tokio::time::timeout(self.cfg.write_timeout, self.ws.send(Message::text(text))).await
        {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(End::BotGone(format!("write failed: {e}"))),
            Err(_) => Err(End::BotGone(format!(
                "the bot read nothing for {:?}",
                self.cfg.write_timeout
            ))),
        }
    }

    async fn run(&mut self) -> End {
        let hello = self.out.connected();
        let start = self.out.start(&self.start);
        if let Err(end) = self.send(hello).await {
            return end;
        }
        if let Err(end) = self.send(start).await {
            return end;
        }
        loop {
            let step = tokio::select! {
                event = self.events.next() => Step::Event(event),
                msg = self.ws.next() => Step::Bot(msg),
                _ = front(&mut self.in_flight) => Step::Played,
                _ = due(self.held_due) => Step::HeldDue,
            };
            let done = match step {
                Step::Event(event) => self.on_event(event).await,
                Step::Bot(msg) => self.on_bot(msg).await,
                Step::Played => self.resolve_front().await,
                Step::HeldDue => {
                    let tail = self.outbound.flush();
                    self.queue_audio(tail);
                    self.place_held().await
                }
            };
            if let Err(end) = done {
                return end;
            }
            if let Err(end) = self.refill().await {
                return end;
            }
        }
    }

    async fn on_event(&mut self, event: Option<Event>) -> Result<(), End> {
        match event {
            None | Some(Event::CallEnded(_)) => Err(End::CallEnded),
            Some(Event::Audio(frame)) => {
                let taken = Instant::now();
                self.inbound.push(&frame.data);
                while let Some(f) = self.inbound.framer.pop() {
                    let ts = self.inbound.sent * 20;
                    self.inbound.sent += 1;
                    let msg = self.out.media(&f, ts);
                    self.stats.frames_to_bot.fetch_add(1, Relaxed);
                    self.send(msg).await?;
                    self.stats.to_bot.record(taken.elapsed());
                    let age = frame
                        .end
                        .and_then(|end| std::time::SystemTime::now().duration_since(end).ok());
                    if let Some(age) = age.filter(|a| *a < MAX_FRAME_AGE) {
                        self.stats.platform_to_bot.record(age);
                    }
                }
                Ok(())
            }
            Some(event @ (Event::DtmfStarted { .. } | Event::DtmfEnded { .. })) => {
                // One `dtmf` per key press, whether the platform sends its start, its end or both.
                match self.keys.press(&event) {
                    Some(digit) => {
                        let msg = self.out.dtmf(digit);
                        self.send(msg).await
                    }
                    None => Ok(()),
                }
            }
            Some(_) => Ok(()),
        }
    }

    async fn on_bot(
        &mut self,
        msg: Option<Result<Message, tokio_tungstenite::tungstenite::Error>>,
    ) -> Result<(), End> {
        let arrived = Instant::now();
        let text = match msg {
            None => return Err(End::BotGone("the bot closed the connection".into())),
            Some(Err(e)) => return Err(End::BotGone(format!("read failed: {e}"))),
            Some(Ok(Message::Close(_))) => {
                return Err(End::BotGone("the bot closed the stream".into()))
            }
            Some(Ok(Message::Text(t))) => t,
            Some(Ok(Message::Binary(_))) => {
                self.stats.bad_messages.fetch_add(1, Relaxed);
                self.bot_warning("binary frame (Media Streams is JSON text)", "");
                return Ok(());
            }
            Some(Ok(_)) => return Ok(()), // ping, pong: tungstenite answers pings itself
        };
        if text.len() > self.cfg.max_message_bytes {
            self.stats.oversize_messages.fetch_add(1, Relaxed);
            let what = format!(
                "message of {} bytes over the limit of {}",
                text.len(),
                self.cfg.max_message_bytes
            );
            self.bot_warning(&what, "");
            return Ok(());
        }
        match twilio::parse(text.as_str()) {
            Ok(BotMessage::Media(audio)) => {
                self.stats.media_from_bot.fetch_add(1, Relaxed);
                // Audio that finds nothing waiting goes straight to the library (the loop's
                // `refill`): that is the latency the bridge adds toward the platform.
                let idle = self.queued.is_empty()
                    && self.in_flight.len() < self.cfg.max_plays_in_flight.max(1);
                let audio = self.outbound.convert(audio);
                if self.held.is_empty() {
                    self.queue_audio(audio);
                    if idle && !self.queued.is_empty() {
                        self.media_arrived = Some(arrived);
                    }
                    return Ok(());
                }
                let owed = self.held_owed * 2; // l16: two bytes a sample
                if audio.len() < owed {
                    self.held_owed -= audio.len() / 2;
                    self.queue_audio(audio);
                    return Ok(());
                }
                let (before, after) = audio.split_at(owed);
                self.queue_audio(before.to_vec());
                self.place_held().await?;
                self.queue_audio(after.to_vec());
                Ok(())
            }
            Ok(BotMessage::Mark(name)) => self.mark(name).await,
            Ok(BotMessage::Clear) => self.clear().await,
            Ok(BotMessage::Other(event)) => {
                self.stats.unknown_events.fetch_add(1, Relaxed);
                self.bot_warning("unknown event, ignored", &event);
                Ok(())
            }
            Err(e) => {
                self.stats.bad_messages.fetch_add(1, Relaxed);
                self.bot_warning(&e.to_string(), "");
                Ok(())
            }
        }
    }

    fn bot_warning(&self, what: &str, detail: &str) {
        let call_id = self.control.call_id();
        BOT_WARNINGS.warn(|suppressed| {
            warn!(
                call_id = %shown(call_id),
                detail = %shown(detail),
                suppressed,
                "bridge: bot message refused: {}",
                shown(what)
            )
        });
    }

    fn queue_audio(&mut self, audio: Vec<u8>) {
        if audio.is_empty() {
            return;
        }
        let ct = self.outbound.ct;
        let limit = ct.bytes_for(self.cfg.max_buffered_audio);
        if self.queued_bytes + audio.len() > limit {
            let ms = u64::try_from(ct.duration_of(audio.len()).as_millis()).unwrap_or(u64::MAX);
            self.stats.audio_dropped_ms.fetch_add(ms, Relaxed);
            if !self.dropped_warned {
                self.dropped_warned = true;
                warn!(
                    call_id = %shown(self.control.call_id()),
                    limit = ?self.cfg.max_buffered_audio,
                    "bridge: the bot sent more audio than the bridge holds; the rest is dropped"
                );
            }
            return;
        }
        self.queued_bytes += audio.len();
        let max_play = ct.bytes_for(self.cfg.max_play).max(ct.frame_bytes());
        if let Some(last) = self.queued.back_mut() {
            if last.marks.is_empty() && last.audio.len() + audio.len() <= max_play {
                last.audio.extend_from_slice(&audio);
                return;
            }
        }
        self.queued.push_back(Queued {
            audio,
            marks: Vec::new(),
        });
    }

    async fn mark(&mut self, name: String) -> Result<(), End> {
        if self.pending_marks >= self.cfg.max_pending_marks {
            self.stats.marks_overflow.fetch_add(1, Relaxed);
            self.bot_warning("too many marks pending; answered at once", &name);
            return self.answer(&name).await;
        }
        self.pending_marks += 1;
        self.stats.marks_outstanding.fetch_add(1, Relaxed);
        let owed = self.outbound.owed();
        if owed > 0 || !self.held.is_empty() {
            if self.held.is_empty() {
                self.held_owed = owed;
                self.held_due = Some(tokio::time::Instant::now() + Duration::from_millis(60));
            }
            self.held.push(name);
            return Ok(());
        }
        self.place(name).await
    }

    /// Marks held for the resampler's tail, placed now (that audio is queued).
    async fn place_held(&mut self) -> Result<(), End> {
        self.held_due = None;
        self.held_owed = 0;
        for name in std::mem::take(&mut self.held) {
            self.place(name).await?;
        }
        Ok(())
    }

    /// A counted mark rides on the last audio queued, or is answered when there is none.
    async fn place(&mut self, name: String) -> Result<(), End> {
        let slot = match self.queued.back_mut() {
            Some(q) => Some(&mut q.marks),
            None => self.in_flight.back_mut().map(|p| &mut p.marks),
        };
        match slot {
            Some(marks) => {
                marks.push(name);
                Ok(())
            }
            // Nothing queued before it: it has "played" already.
            None => self.answer_all(vec![name]).await,
        }
    }

    async fn answer(&mut self, name: &str) -> Result<(), End> {
        self.stats.marks_answered.fetch_add(1, Relaxed);
        let msg = self.out.mark(name);
        self.send(msg).await
    }

    async fn answer_all(&mut self, marks: Vec<String>) -> Result<(), End> {
        let n = marks.len();
        self.pending_marks = self.pending_marks.saturating_sub(n);
        self.stats
            .marks_outstanding
            .fetch_sub(i64::try_from(n).unwrap_or(0), Relaxed);
        for m in marks {
            self.answer(&m).await?;
        }
        Ok(())
    }

    /// The oldest play resolved: its marks are answered.
    async fn resolve_front(&mut self) -> Result<(), End> {
        match self.in_flight.pop_front() {
            Some(p) => self.answer_all(p.marks).await,
            None => Ok(()),
        }
    }

    async fn clear(&mut self) -> Result<(), End> {
        self.stats.clears.fetch_add(1, Relaxed);
        self.outbound.reset();
        let held = std::mem::take(&mut self.held);
        self.held_due = None;
        self.held_owed = 0;
        self.media_arrived = None;
        let queued: Vec<Queued> = self.queued.drain(..).collect();
        self.queued_bytes = 0;
        if !self.in_flight.is_empty() {
            match tokio::time::timeout(Duration::from_secs(10), self.control.clear()).await {
                Ok(Err(fcstream::Error::CallEnded(_))) => return Err(End::CallEnded),
                Ok(Err(e)) => {
                    warn!(call_id = %shown(self.control.call_id()), error = %e, "bridge: clear failed")
                }
                Ok(Ok(())) => {}
                Err(_) => warn!(
                    call_id = %shown(self.control.call_id()),
                    "bridge: the platform did not confirm the clear in 10 s"
                ),
            }
        }
        // Every play started before the clear has resolved (interrupted) or is about to; one
        // deadline for all of them, so a platform that never answers costs 2 s, not 2 s a play.
        let deadline = tokio::time::Instant::now() + Duration::from_secs(2);
        while let Some(mut p) = self.in_flight.pop_front() {
            let _ = tokio::time::timeout_at(deadline, &mut p.playback).await;
            self.answer_all(p.marks).await?;
        }
        for q in queued {
            self.answer_all(q.marks).await?;
        }
        self.answer_all(held).await?;
        Ok(())
    }

    /// Hands queued audio to the library while fewer than the bound of plays are in flight.
    async fn refill(&mut self) -> Result<(), End> {
        while self.in_flight.len() < self.cfg.max_plays_in_flight.max(1) {
            let Some(q) = self.queued.pop_front() else {
                break;
            };
            self.queued_bytes -= q.audio.len();
            let audio = match Audio::from_wire(self.outbound.ct, q.audio) {
                Ok(a) => a,
                Err(_) => continue, // whole samples by construction: cannot fail
            };
            match self.control.start_play(audio).await {
                Ok(playback) => {
                    if let Some(arrived) = self.media_arrived.take() {
                        self.stats.to_platform.record(arrived.elapsed());
                    }
                    self.in_flight.push_back(InFlight {
                        playback,
                        marks: q.marks,
                    })
                }
                Err(fcstream::Error::CallEnded(_)) => return Err(End::CallEnded),
                Err(e) => {
                    warn!(call_id = %shown(self.control.call_id()), error = %e, "bridge: play refused");
                    self.answer_all(q.marks).await?;
                }
            }
        }
        Ok(())
    }

    /// Waits (bounded) for the audio already queued to play, answering marks as it does.
    async fn drain(&mut self) {
        let tail = self.outbound.flush();
        self.queue_audio(tail);
        let held = std::mem::take(&mut self.held).len();
        self.forget(held);
        let deadline = tokio::time::Instant::now() + self.cfg.drain_timeout;
        loop {
            if self.refill().await.is_err() {
                return;
            }
            let Some(p) = self.in_flight.front_mut() else {
                return;
            };
            if tokio::time::timeout_at(deadline, &mut p.playback)
                .await
                .is_err()
            {
                return;
            }
            // The socket is gone: marks cannot be answered any more.
            if let Some(p) = self.in_flight.pop_front() {
                self.forget(p.marks.len());
            }
        }
    }

    fn forget(&mut self, marks: usize) {
        self.pending_marks = self.pending_marks.saturating_sub(marks);
        self.stats
            .marks_outstanding
            .fetch_sub(i64::try_from(marks).unwrap_or(0), Relaxed);
    }

    async fn finish(&mut self, end: End) {
        match end {
            End::CallEnded => {
                let stop = self.out.stop(&self.start.account_sid, &self.start.call_sid);
                let _ = self.send(stop).await;
                let _ = tokio::time::timeout(Duration::from_secs(2), self.ws.close(None)).await;
                debug!(call_id = %shown(self.control.call_id()), "bridge: call ended, stream stopped");
            }
            End::BotGone(why) => {
                self.stats.bot_closed.fetch_add(1, Relaxed);
                info!(
                    call_id = %shown(self.control.call_id()),
                    reason = %shown(&why),
                    action = ?self.cfg.on_bot_close,
                    "bridge: the bot left before the call ended"
                );
                let _ = tokio::time::timeout(Duration::from_secs(1), self.ws.close(None)).await;
                self.drain().await;
                if self.cfg.on_bot_close == OnBotClose::Hangup {
                    let _ =
                        tokio::time::timeout(Duration::from_secs(5), self.control.hangup()).await;
                }
            }
        }
        let left: usize = self.held.len()
            + self.in_flight.iter().map(|p| p.marks.len()).sum::<usize>()
            + self.queued.iter().map(|q| q.marks.len()).sum::<usize>();
        self.forget(left);
        self.held.clear();
        self.in_flight.clear();
        self.queued.clear();
    }
}

/// The bot for a call: the metadata's [`BridgeConfig::url_key`] when set and a `ws://` or
/// `wss://` URL, else [`BridgeConfig::url`].
pub fn bot_url(cfg: &BridgeConfig, metadata: &[String]) -> String {
    let Some(key) = &cfg.url_key else {
        return cfg.url.clone();
    };
    twilio::custom_parameters(metadata)
        .into_iter()
        .find(|(k, v)| k == key && (v.starts_with("ws://") || v.starts_with("wss://")))
        .map_or_else(|| cfg.url.clone(), |(_, v)| v)
}

/// Resolves at `at`, or never.
async fn due(at: Option<tokio::time::Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

/// The oldest play's outcome, or never when none is in flight.
async fn front(in_flight: &mut VecDeque<InFlight>) -> fcstream::Result<fcstream::PlayOutcome> {
    match in_flight.front_mut() {
        Some(p) => (&mut p.playback).await,
        None => std::future::pending().await,
    }
}

/// A fresh `MZ…` stream id: 32 hex digits from the time and a process-wide counter.
fn stream_sid() -> String {
    use std::sync::atomic::AtomicU64;
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let n = NEXT.fetch_add(1, Relaxed);
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    format!("MZ{t:016x}{n:016x}")
}
