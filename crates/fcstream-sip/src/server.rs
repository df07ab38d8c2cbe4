//! The I/O of `fcstream sip`: one UDP socket for SIP driven by the sans-I/O [`Uas`], and per
//! call one task with its own RTP socket, its [`rtp::Receiver`]/[`rtp::Sender`] on a 20 ms
//! clock, and one live emulator call ([`fcstream_emulator::platform::run_live`]) to the app.
//!
//! The SIP task owns the UAS; call tasks talk to it through a bounded command queue, and it
//! tells them of the SIP side's end through a small bounded queue each. A call's report
//! (heard.wav, caller.wav, timeline.jsonl, summary.json) is written under `--out DIR/<call>/`
//! when it ends, as `fcstream call` writes its own.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use fcstream::audio::resample::StreamResampler;
use fcstream::audio::{mulaw, ContentType};
use fcstream_emulator::live::{self, LiveEvent, LivePhone};
use fcstream_emulator::platform::{run_live, RunOptions};
use fcstream_emulator::{CallOutcome, CallReport, ConnectOptions, Script};
use tokio::net::UdpSocket;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;
use tracing::{debug, info, warn};

use crate::rtp::{self, Incoming, RtpCounters};
use crate::uas::{self, CallHandle, EndReason, Event, Offer, Uas, UasCounters};

/// Commands from call tasks to the SIP task.
const COMMAND_QUEUE: usize = 256;
/// Signals from the SIP task to one call task (a call ends once).
const SIGNAL_QUEUE: usize = 4;

/// Where the app is.
#[derive(Debug, Clone)]
pub enum App {
    /// A gRPC URL (`http://127.0.0.1:50051`), connected once per call.
    Url(String),
    /// A channel already open (tests: an in-process app), shared by every call.
    Channel(tonic::transport::Channel),
}

/// Settings of the front door.
#[derive(Debug, Clone)]
pub struct SipOptions {
    /// Where SIP listens (UDP).
    pub listen: SocketAddr,
    /// The address written in Via, Contact and the SDP answer; by default the listen
    /// address (`127.0.0.1` when that is `0.0.0.0`).
    pub advertise: Option<IpAddr>,
    /// The content type of every call's stream (the app sees it; RTP is PCMU either way).
    pub content_type: ContentType,
    /// Where each call's report is written (`DIR/<call>/`), if anywhere.
    pub out: Option<PathBuf>,
    /// Calls at once (more get `503`).
    pub max_calls: usize,
    /// The longest call; it then ends as a caller hang-up.
    pub max_duration: Duration,
    /// How to reach a URL app.
    pub connect: ConnectOptions,
    /// Told of every finished call (for tests and tools); a full queue drops the record.
    pub records: Option<mpsc::Sender<CallRecord>>,
}

impl SipOptions {
    /// Defaults: µ-law calls, 100 at once, an hour each, no reports.
    pub fn new(listen: SocketAddr) -> Self {
        Self {
            listen,
            advertise: None,
            content_type: ContentType::Mulaw8k,
            out: None,
            max_calls: 100,
            max_duration: Duration::from_secs(3600),
            connect: ConnectOptions::default(),
            records: None,
        }
    }
}

/// What happened in one SIP call.
#[derive(Debug)]
pub struct CallRecord {
    /// The SIP Call-ID.
    pub call_id: String,
    /// How the stream ended (`None` if it never started).
    pub outcome: Option<CallOutcome>,
    /// How the SIP side ended (`None`: our BYE was sent and the task did not wait).
    pub sip_end: Option<EndReason>,
    /// The RTP counts.
    pub rtp: RtpCounters,
    /// Caller audio the live link dropped or padded, in samples.
    pub live_dropped: u64,
    /// Where the report went.
    pub dir: Option<PathBuf>,
    /// The report itself.
    pub report: Option<CallReport>,
}

/// Why the front door did not start.
#[derive(Debug, thiserror::Error)]
pub enum SipError {
    /// The SIP socket could not be bound.
    #[error("cannot listen for SIP on {addr}: {source}")]
    Bind {
        /// Where.
        addr: SocketAddr,
        /// Why.
        #[source]
        source: std::io::Error,
    },
}

/// Commands to the SIP task.
#[derive(Debug)]
enum Command {
    /// Answer with media at this address.
    Accept(CallHandle, SocketAddr),
    /// Refuse with this status.
    Reject(CallHandle, u16),
    /// Hang up (BYE).
    HangUp(CallHandle),
    /// The call's task is done.
    Gone(CallHandle),
}

/// What the SIP task tells a call task.
#[derive(Debug, Clone, Copy)]
enum Signal {
    /// The SIP side ended.
    Ended(EndReason),
    /// The front door is shutting down.
    Shutdown,
}

/// What every call task shares.
#[derive(Debug)]
struct Context {
    /// Where the app is.
    app: App,
    /// Settings.
    options: SipOptions,
    /// The IP RTP sockets bind to.
    bind_ip: IpAddr,
    /// The IP written in SDP answers.
    advertise: IpAddr,
}

/// A running front door.
#[derive(Debug)]
pub struct SipServer {
    /// The SIP socket's address.
    local: SocketAddr,
    /// Tells the SIP task to stop.
    shutdown: watch::Sender<bool>,
    /// The SIP task; gives back the UAS's counters.
    task: JoinHandle<UasCounters>,
}

impl SipServer {
    /// Where SIP listens.
    pub fn local_addr(&self) -> SocketAddr {
        self.local
    }

    /// Hangs up every call (BYE), waits for their reports (at most a few seconds), and
    /// returns what the UAS counted.
    pub async fn shutdown(self) -> UasCounters {
        let _ = self.shutdown.send(true);
        self.task.await.unwrap_or_default()
    }

    /// Runs until the SIP task ends (it ends only on [`Self::shutdown`]).
    pub async fn wait(self) -> UasCounters {
        self.task.await.unwrap_or_default()
    }
}

/// Starts the front door for `app`.
pub async fn serve(app: App, options: SipOptions) -> Result<SipServer, SipError> {
    let socket = UdpSocket::bind(options.listen)
        .await
        .map_err(|source| SipError::Bind {
            addr: options.listen,
            source,
        })?;
    let bound = socket.local_addr().map_err(|source| SipError::Bind {
        addr: options.listen,
        source,
    })?;
    let advertise = options.advertise.unwrap_or(if bound.ip().is_unspecified() {
        IpAddr::V4(Ipv4Addr::LOCALHOST)
    } else {
        bound.ip()
    });
    let mut config = uas::Config::new(SocketAddr::new(advertise, bound.port()));
    config.max_calls = options.max_calls.max(1);
    let ctx = Arc::new(Context {
        app,
        bind_ip: bound.ip(),
        advertise,
        options,
    });
    let (shutdown, stop) = watch::channel(false);
    info!(listen = %bound, advertise = %advertise, "SIP front door listening (UDP)");
    let task = tokio::spawn(sip_task(socket, Uas::new(config), ctx, stop));
    Ok(SipServer {
        local: bound,
        shutdown,
        task,
    })
}

async fn sip_task(
    socket: UdpSocket,
    mut uas: Uas,
    ctx: Arc<Context>,
    mut stop: watch::Receiver<bool>,
) -> UasCounters {
    let (cmd_tx, mut cmds) = mpsc::channel::<Command>(COMMAND_QUEUE);
    let mut calls: HashMap<CallHandle, mpsc::Sender<Signal>> = HashMap::new();
    let mut buf = vec![0u8; crate::sip::MAX_DATAGRAM];
    let mut draining: Option<tokio::time::Instant> = None;
    loop {
        let deadline = uas.poll_timeout().map(tokio::time::Instant::from_std);
        tokio::select! {
            r = socket.recv_from(&mut buf) => match r {
                Ok((n, from)) => uas.handle_datagram(Instant::now(), from, &buf[..n]),
                // An ICMP error surfaced on a later receive: nothing to do.
                Err(e) => debug!(error = %e, "SIP socket"),
            },
            Some(cmd) = cmds.recv() => {
                let now = Instant::now();
                match cmd {
                    Command::Accept(call, rtp) => { uas.accept(now, call, rtp); }
                    Command::Reject(call, status) => { uas.reject(now, call, status); }
                    Command::HangUp(call) => uas.hang_up(now, call),
                    Command::Gone(call) => { calls.remove(&call); }
                }
            }
            _ = sleep_until(deadline) => uas.handle_timeout(Instant::now()),
            _ = stop.changed(), if draining.is_none() => {
                info!(calls = calls.len(), "SIP front door stopping: hanging up every call");
                draining = Some(tokio::time::Instant::now() + Duration::from_secs(5));
                for tx in calls.values() {
                    let _ = tx.try_send(Signal::Shutdown);
                }
            }
            _ = sleep_until(draining), if draining.is_some() => break,
        }
        while let Some(t) = uas.poll_transmit() {
            if let Err(e) = socket.send_to(&t.data, t.to).await {
                debug!(to = %t.to, error = %e, "SIP send");
            }
        }
        while let Some(event) = uas.poll_event() {
            match event {
                Event::Offered { call, offer } => {
                    if draining.is_some() {
                        uas.reject(Instant::now(), call, 503);
                        continue;
                    }
                    let (tx, rx) = mpsc::channel(SIGNAL_QUEUE);
                    calls.insert(call, tx);
                    tokio::spawn(call_task(call, offer, ctx.clone(), cmd_tx.clone(), rx));
                }
                Event::Confirmed { call } => debug!(call = call.0, "call confirmed (ACK)"),
                Event::Ended { call, reason } => {
                    if let Some(tx) = calls.get(&call) {
                        let _ = tx.try_send(Signal::Ended(reason));
                    }
                }
            }
        }
        while let Some(t) = uas.poll_transmit() {
            let _ = socket.send_to(&t.data, t.to).await;
        }
        if draining.is_some() && calls.is_empty() {
            // Let the last BYEs' answers come back, briefly.
            let grace = tokio::time::Instant::now() + Duration::from_millis(300);
            draining = Some(draining.map_or(grace, |d| d.min(grace)));
            if uas.active_calls() == 0 {
                break;
            }
        }
    }
    let counters = uas.counters();
    info!(?counters, "SIP front door stopped");
    counters
}

async fn sleep_until(at: Option<tokio::time::Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

/// One SIP call: its RTP, its live emulator call, its report.
async fn call_task(
    call: CallHandle,
    offer: Offer,
    ctx: Arc<Context>,
    cmds: mpsc::Sender<Command>,
    mut signals: mpsc::Receiver<Signal>,
) {
    let call_id = offer.call_id.clone();
    let record = run_call(call, &offer, &ctx, &cmds, &mut signals).await;
    let _ = cmds.send(Command::Gone(call)).await;
    info!(
        call_id = %call_id,
        outcome = record.outcome.map_or("none", |o| o.as_str()),
        sip_end = ?record.sip_end,
        dir = ?record.dir,
        "SIP call over"
    );
    if let Some(tx) = &ctx.options.records {
        let _ = tx.try_send(record);
    }
}

async fn run_call(
    call: CallHandle,
    offer: &Offer,
    ctx: &Context,
    cmds: &mpsc::Sender<Command>,
    signals: &mut mpsc::Receiver<Signal>,
) -> CallRecord {
    let mut record = CallRecord {
        call_id: offer.call_id.clone(),
        outcome: None,
        sip_end: None,
        rtp: RtpCounters::default(),
        live_dropped: 0,
        dir: None,
        report: None,
    };
    let rtp = match UdpSocket::bind(SocketAddr::new(ctx.bind_ip, 0)).await {
        Ok(s) => s,
        Err(e) => {
            warn!(call_id = %offer.call_id, error = %e, "no RTP socket");
            let _ = cmds.send(Command::Reject(call, 503)).await;
            return record;
        }
    };
    let local_rtp = match rtp.local_addr() {
        Ok(a) => SocketAddr::new(ctx.advertise, a.port()),
        Err(_) => {
            let _ = cmds.send(Command::Reject(call, 503)).await;
            return record;
        }
    };
    let channel = match &ctx.app {
        App::Channel(c) => c.clone(),
        App::Url(url) => match fcstream_emulator::connect(url, &ctx.options.connect).await {
            Ok(c) => c,
            Err(e) => {
                warn!(call_id = %offer.call_id, error = %e, "the app cannot be reached: 503");
                let _ = cmds.send(Command::Reject(call, 503)).await;
                return record;
            }
        },
    };
    let mut script = Script::live(ctx.options.content_type, ctx.options.max_duration);
    script.call.call_id = offer.call_id.clone();
    script.call.from = offer.from.clone();
    script.call.to = offer.to.clone();
    let (caller, phone) = live::pair(&script);
    if cmds.send(Command::Accept(call, local_rtp)).await.is_err() {
        return record;
    }
    info!(call_id = %offer.call_id, from = %offer.from, to = %offer.to, rtp = %local_rtp,
          remote_rtp = %offer.negotiated.remote, "SIP call answered");
    let stream =
        tokio::spawn(
            async move { run_live(channel, &script, &RunOptions::default(), caller).await },
        );
    let media = Media::new(offer, ctx.options.content_type);
    let (outcome, sip_end, counters, phone) = media.run(rtp, phone, signals).await;
    record.outcome = outcome;
    record.sip_end = sip_end;
    record.rtp = counters;
    let lc = phone.counters();
    record.live_dropped = lc
        .caller_samples_dropped
        .load(std::sync::atomic::Ordering::Relaxed);
    if sip_end.is_none() {
        // The app (or the platform) ended the call: BYE.
        let _ = cmds.send(Command::HangUp(call)).await;
    }
    drop(phone);
    match stream.await {
        Ok(Ok(report)) => {
            if let Some(out) = &ctx.options.out {
                let dir = unique_dir(out, &offer.call_id);
                // Writing renders heard.png: CPU work kept off the runtime's workers, which
                // pace the other calls' RTP.
                let (written, report) = tokio::task::spawn_blocking(move || {
                    let written = report.write_to(&dir).map(|_| dir);
                    (written, report)
                })
                .await
                .unwrap_or_else(|e| panic!("the report writer panicked: {e}"));
                match written {
                    Ok(dir) => record.dir = Some(dir),
                    Err(e) => warn!(call_id = %offer.call_id, error = %e, "report not written"),
                }
                record.report = Some(report);
            } else {
                record.report = Some(report);
            }
        }
        Ok(Err(e)) => warn!(call_id = %offer.call_id, error = %e, "the stream did not run"),
        Err(e) => warn!(call_id = %offer.call_id, error = %e, "the stream's task failed"),
    }
    record
}

/// `out/<call id made safe>`, with `-2`, `-3`, ... when taken.
fn unique_dir(out: &Path, call_id: &str) -> PathBuf {
    let safe: String = call_id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .take(80)
        .collect();
    let safe = if safe.is_empty() || safe.starts_with('.') {
        format!("call{safe}")
    } else {
        safe
    };
    let mut dir = out.join(&safe);
    let mut n = 2;
    while dir.exists() {
        dir = out.join(format!("{safe}-{n}"));
        n += 1;
    }
    dir
}

/// A call's media: RTP both ways and the live phone.
struct Media {
    /// The caller's RTP in.
    receiver: rtp::Receiver,
    /// Our RTP out.
    sender: rtp::Sender,
    /// Caller audio (8 kHz) to the call's rate, for 16 kHz calls.
    up: Option<StreamResampler>,
    /// What the caller hears, from the call's rate to 8 kHz.
    down: Option<StreamResampler>,
    /// The caller's key held down (its event began, its end not yet come).
    held: Option<char>,
}

impl Media {
    fn new(offer: &Offer, ct: ContentType) -> Self {
        let te = offer.negotiated.telephone_event;
        let rate = ct.sample_rate();
        let (up, down) = if rate == 8000 {
            (None, None)
        } else {
            (
                StreamResampler::new(8000, rate).ok(),
                StreamResampler::new(rate, 8000).ok(),
            )
        };
        Self {
            receiver: rtp::Receiver::new(offer.negotiated.remote, offer.source.ip(), te),
            sender: rtp::Sender::new(te),
            up,
            down,
            held: None,
        }
    }

    /// Runs until the live call ends; gives back its outcome, the SIP side's end, the RTP
    /// counts and the phone (for its counters).
    async fn run(
        mut self,
        socket: UdpSocket,
        mut phone: LivePhone,
        signals: &mut mpsc::Receiver<Signal>,
    ) -> (
        Option<CallOutcome>,
        Option<EndReason>,
        RtpCounters,
        LivePhone,
    ) {
        let mut buf = vec![0u8; 2048];
        let mut tick = tokio::time::interval(rtp::PTIME);
        let mut sip_end = None;
        let mut media_on = true;
        let mut signals_open = true;
        let outcome = loop {
            let deadline = self
                .receiver
                .poll_timeout()
                .map(tokio::time::Instant::from_std);
            tokio::select! {
                r = socket.recv_from(&mut buf), if media_on => {
                    if let Ok((n, from)) = r {
                        let got = self.receiver.handle(Instant::now(), from, &buf[..n]);
                        self.deliver(&phone, got);
                    }
                }
                _ = sleep_until(deadline), if media_on => {
                    let got = self.receiver.handle_timeout(Instant::now());
                    self.deliver(&phone, got);
                }
                _ = tick.tick(), if media_on => {
                    let to = self.receiver.remote();
                    for p in self.sender.tick() {
                        let _ = socket.send_to(&p, to).await;
                    }
                }
                ev = phone.next() => match ev {
                    Some(LiveEvent::Heard(samples)) => {
                        let samples = match &mut self.down {
                            Some(r) => r.process(&samples).unwrap_or_default(),
                            None => samples,
                        };
                        self.sender.push_audio(&mulaw::encode_all(&samples));
                    }
                    Some(LiveEvent::Digit { digit, duration }) => self.sender.press(digit, duration),
                    Some(LiveEvent::Timeline(_)) => {}
                    Some(LiveEvent::Ended(outcome)) => break Some(outcome),
                    None => break None,
                },
                sig = signals.recv(), if signals_open => match sig {
                    Some(Signal::Ended(reason)) => {
                        sip_end = Some(reason);
                        media_on = false;
                        phone.hang_up();
                    }
                    Some(Signal::Shutdown) => {
                        phone.hang_up();
                    }
                    None => {
                        signals_open = false;
                        phone.hang_up();
                    }
                },
            }
        };
        let counters = merge(self.receiver.counters(), self.sender.counters());
        (outcome, sip_end, counters, phone)
    }

    fn deliver(&mut self, phone: &LivePhone, got: Vec<Incoming>) {
        for inc in got {
            match inc {
                Incoming::Audio(payload) => {
                    let samples = mulaw::decode_all(&payload);
                    match &mut self.up {
                        Some(r) => phone.speak(&r.process(&samples).unwrap_or_default()),
                        None => phone.speak(&samples),
                    }
                }
                Incoming::KeyDown(digit) => {
                    debug!(%digit, "caller key down (RFC 4733)");
                    phone.key_down(digit);
                    self.held = Some(digit);
                }
                Incoming::Press(p) => {
                    debug!(digit = %p.digit, duration = ?p.duration, "caller key (RFC 4733)");
                    if self.held.take() == Some(p.digit) {
                        // Its start went to the platform when the event began.
                        phone.key_up();
                    } else {
                        phone.press(p.digit, p.duration);
                    }
                }
            }
        }
    }
}

fn merge(rx: RtpCounters, tx: RtpCounters) -> RtpCounters {
    RtpCounters {
        sent: tx.sent,
        events_sent: tx.events_sent,
        underruns: tx.underruns,
        overflow_bytes: tx.overflow_bytes,
        keys_not_sent: tx.keys_not_sent,
        ..rx
    }
}
