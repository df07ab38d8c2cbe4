//! # fcstream-load
//!
//! The load generator of fcstream (`fcstream load`): many real-time calls at once against one
//! app that speaks `freeclimb.GRPCStreamService/SendIVRData`, measuring what a caller would
//! notice (added latency per frame, loss, duplicates, reordering, connect time, time to first
//! audio, how calls ended) and what the generator itself can vouch for.
//!
//! It exists to size a voice server in concurrent calls per core, honestly: the generator
//! behaves like the platform (caller frames every 20 ms, `NotifyCallStarted`/`Ended`, every
//! `PlayAudio` answered with playback started/completed on the platform model's timing, DTMF,
//! clear and depth answered too), costs less per call than the server it measures, and
//! watches its own clock: a run whose 20 ms ticks fired late is labelled generator-limited
//! and never passed off as a server result.
//!
//! The platform's rules are not restated here: every app message is answered by the
//! emulator's one platform model ([`fcstream_emulator::rules`], [`fcstream_emulator::buffers`],
//! [`fcstream_emulator::error_ids`]) on a µs clock, timing only ([`answer`]).
//!
//! ```no_run
//! # async fn demo() -> Result<(), fcstream_load::LoadError> {
//! use fcstream_load::{run, LoadConfig};
//! let report = run(LoadConfig::new("http://127.0.0.1:50051", 500)).await?;
//! println!("{}", report.render());
//! # Ok(()) }
//! ```
//!
//! ## Layout
//!
//! - [`run`], [`run_with_live`], [`LoadConfig`], [`LoadError`] (this file): a run's plan
//!   (lanes, threads, the steady window), its generator threads, the start, the collection
//!   of results and the [`LoadReport`]; [`Live`] is the run as it goes, for a progress display.
//! - [`answer`]: the platform model's buffers and rules on a µs clock, each note written
//!   straight to the wire (the load generator's one front door onto the emulator's model).
//! - [`wire`]: hand-encoded hot messages ([`wire::PlayMsg`], [`wire::PlaybackNote`]) and gRPC
//!   framing ([`wire::Deframer`]).
//! - [`tag`]: what each caller frame carries so that its echo can be matched.
//! - `lane` (private): one HTTP/2 connection and all its calls (each a `LoadCall` in a
//!   `CallPhase`), driven by one task; the connection itself is pumped by its own task or at
//!   the lane's ticks (`ConnPump`).
//! - `ticker` (private): the run's precise 1 ms clock, one thread.
//! - [`histogram`]: log-linear histograms of µs, merged across lanes, exported as buckets.
//! - [`report`]: the [`LoadReport`], as JSON (with the latency histogram's buckets and the
//!   per-second series) and as a table.
//! - `tls` (private): `https://` apps: the rustls client (trust, ALPN `h2`) and the handshake in
//!   either way of reading.
//! - [`procstat`]: CPU and memory from `/proc` (the generator's threads, the server's process).
//!
//! Lanes are spread over generator threads, each a current-thread runtime that shares nothing
//! with the others until the end.
#![warn(missing_docs)]

pub mod answer;
pub mod histogram;
mod lane;
pub mod procstat;
pub mod report;
pub mod tag;
mod ticker;
mod tls;
pub mod wire;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use fcstream::ContentType;
use tokio::sync::{oneshot, watch};

use histogram::Histogram;
use lane::{Counters, Lane, LaneResult, LaneSetup, SecondCounts, Totals};
pub use report::LoadReport;
use report::{CallCounts, FrameCounts, GeneratorStats, Percentiles, Rates, ServerStats, SloResult};

/// The gRPC method every call opens.
const METHOD_PATH: &str = "/freeclimb.GRPCStreamService/SendIVRData";

/// What to run. [`LoadConfig::new`] gives the defaults.
#[derive(Debug, Clone)]
pub struct LoadConfig {
    /// The app, `http://host:port` (plain HTTP/2) or `https://host:port` (HTTP/2 over TLS,
    /// trusting the web roots and [`ca_cert_pem`](Self::ca_cert_pem)).
    pub url: String,
    /// Extra CA certificate (PEM) to trust for `https://` (e.g. a self-signed test server's);
    /// the public web roots are always trusted, as by `fcstream call`.
    pub ca_cert_pem: Option<Vec<u8>>,
    /// The name to verify the server's certificate against, when not the URL's host.
    pub tls_domain: Option<String>,
    /// Concurrent calls.
    pub calls: u32,
    /// Calls started per second (default 200).
    pub ramp_per_s: f64,
    /// Each call's talk time (default 30 s).
    pub duration: Duration,
    /// The calls' audio format (default µ-law 8 kHz).
    pub content_type: ContentType,
    /// HTTP/2 connections (`None`: one per [`LoadConfig::calls_per_connection`] calls).
    pub connections: Option<usize>,
    /// Calls per connection when `connections` is `None` (default 200).
    pub calls_per_connection: usize,
    /// Generator threads, each a current-thread runtime (default 1).
    pub threads: usize,
    /// After its last frame, how long a call waits for the remaining echoes (default 2 s).
    pub drain: Duration,
    /// How long the connection and each stream's response headers may take (default 10 s).
    pub connect_timeout: Duration,
    /// `authorization` request header, e.g. `Bearer s3cret`.
    pub authorization: Option<String>,
    /// The app is an echo: count loss and fail calls that echo nothing (default true).
    pub expect_echo: bool,
    /// The platform's audio buffer in entries (default: the emulator's).
    pub audio_buffer: usize,
    /// The platform's DTMF buffer in jobs (default: the emulator's).
    pub dtmf_buffer: usize,
    /// How the platform acknowledges entries (default: the emulator's, one per entry); e.g.
    /// `AckShape::EveryNth(10)` for a soak against a platform that loses acknowledgements.
    pub acks: fcstream_emulator::buffers::AckShape,
    /// Whether the platform's depth answers count the entry playing (default: the
    /// emulator's, true; the specification is silent, a platform variant).
    pub depth_counts_playing: bool,
    /// The `sequence_num` of each call's first caller frame (default: the emulator's, 0; the
    /// specification does not say, a platform variant).
    pub first_sequence: u32,
    /// p99 tick lateness above which the run is generator-limited (default 2 ms).
    pub lateness_threshold: Duration,
    /// SLO: p99 added latency (default 20 ms, one frame).
    pub slo_p99: Duration,
    /// SLO: loss allowed, percent (default 0).
    pub slo_max_loss_pct: f64,
    /// The server's pid on this machine, to report its CPU and RSS.
    pub server_pid: Option<u32>,
    /// Read every message as it arrives (latency resolution ~0.1 ms, one generator wake-up
    /// per incoming segment) instead of once per 1 ms tick (the default: latency is then
    /// over-stated by up to 1 ms, 0.5 ms on average, and the generator is several times
    /// cheaper per call). Default false.
    pub precise_receive: bool,
    /// Test hook: every generator thread sleeps this long before each tick, so ticks fire
    /// late the way they would on an overloaded generator.
    #[doc(hidden)]
    pub tick_stall: Duration,
}

impl LoadConfig {
    /// `calls` calls against `url`, everything else default.
    pub fn new(url: impl Into<String>, calls: u32) -> Self {
        let platform = fcstream_emulator::PlatformConfig::default();
        Self {
            url: url.into(),
            ca_cert_pem: None,
            tls_domain: None,
            calls,
            ramp_per_s: 200.0,
            duration: Duration::from_secs(30),
            content_type: ContentType::Mulaw8k,
            connections: None,
            calls_per_connection: 200,
            threads: 1,
            drain: Duration::from_secs(2),
            connect_timeout: Duration::from_secs(10),
            authorization: None,
            expect_echo: true,
            audio_buffer: platform.audio_buffer,
            dtmf_buffer: platform.dtmf_buffer,
            acks: platform.acks,
            depth_counts_playing: platform.depth_counts_playing,
            first_sequence: platform.first_sequence,
            lateness_threshold: Duration::from_millis(2),
            slo_p99: Duration::from_millis(20),
            slo_max_loss_pct: 0.0,
            server_pid: None,
            precise_receive: false,
            tick_stall: Duration::ZERO,
        }
    }
}

/// What stops a load run from running at all (everything that happens to calls is in the
/// report).
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The settings make no sense.
    #[error("{0}")]
    Invalid(String),
    /// The URL is not usable.
    #[error("invalid URL {url:?}: {why}")]
    Url {
        /// The URL.
        url: String,
        /// What is wrong.
        why: String,
    },
    /// No connection could be made at all.
    #[error("{0} (is the app running and listening there?)")]
    Connect(String),
    /// A generator thread could not be started or failed.
    #[error("load generator thread: {0}")]
    Thread(String),
}

/// The run's timing, shared by every lane.
#[derive(Debug)]
pub(crate) struct Plan {
    /// Calls started per second (`f64::INFINITY`: all at once).
    pub ramp_per_s: f64,
    /// Talk time.
    pub duration: Duration,
    /// Format.
    pub content_type: ContentType,
    /// Echo wait after the last frame.
    pub drain: Duration,
    /// Connection / response-header time-out.
    pub connect_timeout: Duration,
    /// Echo app.
    pub expect_echo: bool,
    /// Platform audio buffer size.
    pub audio_buffer: usize,
    /// Platform DTMF buffer size.
    pub dtmf_buffer: usize,
    /// How the platform acknowledges entries.
    pub acks: fcstream_emulator::buffers::AckShape,
    /// Whether depth answers count the entry playing.
    pub depth_counts_playing: bool,
    /// The wire `sequence_num` of a call's first frame.
    pub first_sequence: u32,
    /// Read each message as it arrives (see [`LoadConfig::precise_receive`]).
    pub precise_receive: bool,
    /// The SLO's p99 added latency, µs: an echo later than this counts as late in the
    /// per-second series.
    pub slo_p99_us: u64,
    /// Test hook (see [`LoadConfig::tick_stall`]).
    pub tick_stall: Duration,
    /// The steady window, µs since the run's start.
    pub window_us: (u64, u64),
}

impl Plan {
    /// When call `n` starts, µs since the run's start.
    pub fn start_us(&self, n: u32) -> u64 {
        if self.ramp_per_s.is_finite() && self.ramp_per_s > 0.0 {
            (f64::from(n) * 1e6 / self.ramp_per_s).round() as u64
        } else {
            0
        }
    }
}

/// Numbers since the last [`Live::snapshot`], for a progress display, and the run's
/// distributions second by second, for the report's series.
#[derive(Debug, Default)]
pub(crate) struct LiveHistograms {
    /// Added latency, µs.
    pub latency: Histogram,
    /// Tick lateness, µs.
    pub lateness: Histogram,
    /// Second `s` of the run: its added latency and tick lateness. Its own accumulation, never
    /// cleared by [`Live::snapshot`]: a lane publishes at every second it crosses (and four
    /// times a second), so everything it publishes belongs to the second it is in.
    pub seconds: Vec<SecondHistograms>,
}

/// One second's distributions (see [`LiveHistograms::seconds`]).
#[derive(Debug, Default)]
pub(crate) struct SecondHistograms {
    /// Added latency of the echoes received in it, µs.
    pub latency: Histogram,
    /// Lateness of the caller frames due in it, µs.
    pub lateness: Histogram,
}

impl LiveHistograms {
    /// Second `s`'s histograms, made as needed.
    pub fn second(&mut self, s: u64) -> &mut SecondHistograms {
        let s = s as usize;
        if self.seconds.len() <= s {
            self.seconds.resize_with(s + 1, SecondHistograms::default);
        }
        &mut self.seconds[s]
    }
}

/// The run as it goes, for a progress display: lanes publish into it four times a second
/// (and at every second they cross, for the report's per-second series). One per run.
#[derive(Debug, Default)]
pub struct Live {
    /// Interval histograms.
    hist: Mutex<LiveHistograms>,
    /// Calls in progress.
    active: AtomicU64,
    /// Calls ended well.
    ok: AtomicU64,
    /// Calls failed.
    failed: AtomicU64,
    /// Frames lost in ended calls.
    lost: AtomicU64,
    /// Frames sent.
    frames_out: AtomicU64,
    /// `PlayAudio`s received.
    frames_in: AtomicU64,
    /// Lanes finished.
    lanes_done: AtomicU64,
}

/// One reading of [`Live`].
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct LiveSnapshot {
    /// Calls in progress.
    pub active: u64,
    /// Calls ended well.
    pub ok: u64,
    /// Calls failed.
    pub failed: u64,
    /// Frames lost in ended calls.
    pub lost: u64,
    /// Frames sent so far.
    pub frames_out: u64,
    /// `PlayAudio`s received so far.
    pub frames_in: u64,
    /// p99 added latency since the last snapshot, ms (`None`: no echo since).
    pub p99_ms: Option<f64>,
    /// p99 tick lateness since the last snapshot, ms.
    pub lateness_p99_ms: Option<f64>,
}

impl Live {
    pub(crate) fn lock(&self) -> MutexGuard<'_, LiveHistograms> {
        self.hist.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The numbers now; the percentiles cover the time since the previous snapshot.
    pub fn snapshot(&self) -> LiveSnapshot {
        let (p99, late) = {
            let mut h = self.lock();
            let q = |h: &Histogram| (!h.is_empty()).then(|| h.quantile(0.99) as f64 / 1000.0);
            let r = (q(&h.latency), q(&h.lateness));
            h.latency.clear();
            h.lateness.clear();
            r
        };
        let r = |a: &AtomicU64| a.load(Ordering::Relaxed);
        LiveSnapshot {
            active: r(&self.active),
            ok: r(&self.ok),
            failed: r(&self.failed),
            lost: r(&self.lost),
            frames_out: r(&self.frames_out),
            frames_in: r(&self.frames_in),
            p99_ms: p99,
            lateness_p99_ms: late,
        }
    }
}

/// What one generator thread hands back.
struct ThreadResult {
    /// Its lanes.
    lanes: Vec<LaneResult>,
    /// Its CPU in the steady window, ns (`None`: not measured).
    cpu_ns: Option<u64>,
}

/// Runs the load and reports. See the crate docs.
pub async fn run(config: LoadConfig) -> Result<LoadReport, LoadError> {
    run_with_live(config, Arc::new(Live::default())).await
}

/// [`run`], publishing progress into `live`.
///
/// In four steps: plan (the settings checked, the app resolved, the calls spread over lanes
/// and threads), connect the lanes (the generator threads connect theirs and wait), run (one
/// start time for every lane, the ticker), collect (every thread's results, the server's
/// readings); then the report.
pub async fn run_with_live(config: LoadConfig, live: Arc<Live>) -> Result<LoadReport, LoadError> {
    let planned = plan_run(&config, live.clone()).await?;
    let rss_before = config.server_pid.and_then(procstat::process_rss_kib);
    let generators = connect_lanes(&config, &planned).await?;
    let started = start_run(&config, &planned, generators)?;
    let (results, server) = collect(started).await?;
    let seconds = std::mem::take(&mut live.lock().seconds);
    Ok(build_report(
        &config,
        &planned.setup.plan,
        planned.steady,
        planned.lanes,
        planned.threads,
        results,
        seconds,
        server,
        rss_before,
    ))
}

/// What a run will do, decided before anything connects.
struct PlannedRun {
    /// What every lane shares: where the app is, the plan, the live numbers.
    setup: Arc<LaneSetup>,
    /// HTTP/2 connections (one lane each).
    lanes: usize,
    /// Generator threads.
    threads: usize,
    /// Whether every call is up for the whole measurement window.
    steady: bool,
}

/// Step 1: checks the settings, resolves the app and spreads the calls over lanes; chooses
/// the measurement window (steady when every call is up for at least a second of it).
async fn plan_run(config: &LoadConfig, live: Arc<Live>) -> Result<PlannedRun, LoadError> {
    if config.calls == 0 {
        return Err(LoadError::Invalid("--calls must be at least 1".into()));
    }
    if config.duration < Duration::from_millis(20) {
        return Err(LoadError::Invalid(
            "--duration must be at least one frame (20 ms)".into(),
        ));
    }
    let threads = config.threads.max(1);
    let (uri, addr) = resolve(&config.url).await?;
    let tls = if uri.scheme_str() == Some("https") {
        let host = uri.host().unwrap_or_default();
        Some(tls::LoadTls::new(
            config.ca_cert_pem.as_deref(),
            config.tls_domain.as_deref().unwrap_or(host),
        )?)
    } else {
        None
    };
    let lanes = config
        .connections
        .unwrap_or_else(|| (config.calls as usize).div_ceil(config.calls_per_connection.max(1)))
        .clamp(1, config.calls as usize);
    let ramp = if config.ramp_per_s > 0.0 {
        config.ramp_per_s
    } else {
        f64::INFINITY
    };
    let mut plan = Plan {
        ramp_per_s: ramp,
        duration: config.duration,
        content_type: config.content_type,
        drain: config.drain,
        connect_timeout: config.connect_timeout,
        expect_echo: config.expect_echo,
        audio_buffer: config.audio_buffer,
        dtmf_buffer: config.dtmf_buffer,
        acks: config.acks,
        depth_counts_playing: config.depth_counts_playing,
        first_sequence: config.first_sequence,
        tick_stall: config.tick_stall,
        precise_receive: config.precise_receive,
        slo_p99_us: config.slo_p99.as_micros() as u64,
        window_us: (0, 0),
    };
    let last_start = plan.start_us(config.calls - 1);
    let talk = config.duration.as_micros() as u64;
    let settle = 1_000_000u64.min(talk / 4);
    let (window, steady) = if talk > last_start + settle + 1_000_000 {
        ((last_start + settle, talk), true)
    } else {
        ((0, last_start + talk), false)
    };
    plan.window_us = window;
    let authorization =
        match &config.authorization {
            Some(a) => Some(http::HeaderValue::from_str(a).map_err(|_| {
                LoadError::Invalid("authorization is not a valid header value".into())
            })?),
            None => None,
        };
    let setup = Arc::new(LaneSetup {
        addr,
        tls,
        uri,
        authorization,
        plan: Arc::new(plan),
        live,
    });
    Ok(PlannedRun {
        setup,
        lanes,
        threads,
        steady,
    })
}

/// The start signal: the run's start (monotonic) and the same instant on the wall clock, ns
/// since the Unix epoch.
type StartSignal = Option<(std::time::Instant, u64)>;

/// The generator threads, every lane connected (or known to have failed), waiting for the
/// start.
struct Generators {
    /// Sends the start to every thread.
    start_tx: watch::Sender<StartSignal>,
    /// The ticker's side of the 1 ms clock.
    tick_tx: watch::Sender<u64>,
    /// The first receiver of the clock (the threads hold clones); dropped at the start so
    /// that the ticker stops once every lane has.
    tick_rx: watch::Receiver<u64>,
    /// Each thread's results, when it is done.
    done: Vec<oneshot::Receiver<ThreadResult>>,
}

/// Step 2: starts the generator threads, each connecting its lanes; returns once every thread
/// has said how many connected, or fails if none did.
async fn connect_lanes(config: &LoadConfig, planned: &PlannedRun) -> Result<Generators, LoadError> {
    let (lanes, threads) = (planned.lanes, planned.threads);
    let (start_tx, start_rx) = watch::channel::<StartSignal>(None);
    let (tick_tx, tick_rx) = watch::channel(0u64);
    let mut ready = Vec::new();
    let mut done = Vec::new();
    for t in 0..threads {
        // Lane l of the run gets calls l, l + lanes, ...; thread t gets lanes t, t + threads, ...
        let numbers: Vec<Vec<u32>> = (t..lanes)
            .step_by(threads)
            .map(|l| (l as u32..config.calls).step_by(lanes).collect())
            .collect();
        let (ready_tx, ready_rx) = oneshot::channel::<Ready>();
        let (done_tx, done_rx) = oneshot::channel::<ThreadResult>();
        let thread = GeneratorThread {
            setup: planned.setup.clone(),
            numbers,
            ready_tx,
            done_tx,
            start_rx: start_rx.clone(),
            tick_rx: tick_rx.clone(),
        };
        std::thread::Builder::new()
            .name(format!("fcstream-load-{t}"))
            .spawn(move || thread.run())
            .map_err(|e| LoadError::Thread(e.to_string()))?;
        ready.push(ready_rx);
        done.push(done_rx);
    }
    let mut connected = 0;
    let mut why = None;
    for r in ready {
        let (n, e) = r
            .await
            .map_err(|_| LoadError::Thread("a generator thread stopped".into()))?;
        connected += n;
        why = why.or(e);
    }
    if connected == 0 {
        return Err(LoadError::Connect(match why {
            Some(why) if why.starts_with("cannot connect") => format!("{why} ({})", config.url),
            Some(why) => format!("cannot connect to {}: {why}", config.url),
            None => format!("cannot connect to {} ({})", planned.setup.addr, config.url),
        }));
    }
    Ok(Generators {
        start_tx,
        tick_tx,
        tick_rx,
        done,
    })
}

/// A generator thread's lanes connected, and the first reason one could not.
type Ready = (usize, Option<String>);

/// One generator thread: a current-thread runtime running its lanes.
struct GeneratorThread {
    /// What every lane shares.
    setup: Arc<LaneSetup>,
    /// The call numbers of each of its lanes.
    numbers: Vec<Vec<u32>>,
    /// How many of its lanes connected, and why one did not.
    ready_tx: oneshot::Sender<Ready>,
    /// Its results.
    done_tx: oneshot::Sender<ThreadResult>,
    /// The start.
    start_rx: watch::Receiver<StartSignal>,
    /// The ticker.
    tick_rx: watch::Receiver<u64>,
}

impl GeneratorThread {
    /// The thread's body: connects its lanes, says how many connected, waits for the start,
    /// runs the lanes (sampling its own CPU over the window), hands back the results. Dropping
    /// `ready_tx` or `done_tx` unsent tells the caller the thread failed.
    fn run(self) {
        let rt = match tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        {
            Ok(rt) => rt,
            Err(_) => return,
        };
        rt.block_on(self.run_lanes());
    }

    async fn run_lanes(self) {
        let Self {
            setup,
            numbers,
            ready_tx,
            done_tx,
            mut start_rx,
            tick_rx,
        } = self;
        let mut conns = Vec::new();
        for _ in &numbers {
            conns.push(lane::connect(&setup).await);
        }
        let _ = ready_tx.send((
            conns.iter().filter(|c| c.is_ok()).count(),
            conns.iter().find_map(|c| c.as_ref().err().cloned()),
        ));
        let Ok(Some((t0, wall0_ns))) = start_rx.wait_for(Option::is_some).await.map(|v| *v) else {
            return;
        };
        let t0 = tokio::time::Instant::from_std(t0);
        let mut tasks = Vec::new();
        let mut conn_tasks = Vec::new();
        for (nums, conn) in numbers.into_iter().zip(conns) {
            let send = conn.map(|(send, pump)| match pump {
                lane::ConnPump::Task(task) => {
                    conn_tasks.push(task);
                    (send, None)
                }
                lane::ConnPump::Ticks(conn) => (send, Some(conn)),
            });
            let lane = Lane::new(setup.clone(), nums, t0, wall0_ns, send, tick_rx.clone());
            tasks.push(tokio::spawn(lane.run()));
        }
        drop(tick_rx);
        let window = setup.plan.window_us;
        let sampler = tokio::spawn(async move {
            tokio::time::sleep_until(t0 + Duration::from_micros(window.0)).await;
            let a = procstat::thread_cpu_ns();
            tokio::time::sleep_until(t0 + Duration::from_micros(window.1)).await;
            let b = procstat::thread_cpu_ns();
            a.zip(b).map(|(a, b)| b.saturating_sub(a))
        });
        let mut lanes = Vec::new();
        for t in tasks {
            lanes.push(t.await.unwrap_or_default());
        }
        let cpu_ns = if sampler.is_finished() {
            sampler.await.ok().flatten()
        } else {
            sampler.abort();
            None
        };
        // Let the connections say goodbye, briefly.
        for c in conn_tasks {
            let _ = tokio::time::timeout(Duration::from_millis(200), c).await;
        }
        let _ = done_tx.send(ThreadResult { lanes, cpu_ns });
    }
}

/// A run under way.
struct StartedRun {
    /// Kept until the end, as the threads' start signal.
    _start_tx: watch::Sender<StartSignal>,
    /// Each thread's results.
    done: Vec<oneshot::Receiver<ThreadResult>>,
    /// The server's CPU over the window and its RSS at the end, when its pid was given.
    server_sampler: Option<tokio::task::JoinHandle<ServerReading>>,
}

/// The server's CPU in the window (ns) and its RSS at its end (KiB).
type ServerReading = (Option<u64>, Option<u64>);

/// Step 3: one start for every lane, a little ahead so that every thread is waiting for it;
/// starts the ticker and, with a server pid, the server's sampler.
fn start_run(
    config: &LoadConfig,
    planned: &PlannedRun,
    generators: Generators,
) -> Result<StartedRun, LoadError> {
    let Generators {
        start_tx,
        tick_tx,
        tick_rx,
        done,
    } = generators;
    let lead = Duration::from_millis(50);
    let t0 = std::time::Instant::now() + lead;
    let wall0_ns = (SystemTime::now() + lead)
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    drop(tick_rx);
    ticker::start(t0, tick_tx).map_err(|e| LoadError::Thread(e.to_string()))?;
    let _ = start_tx.send(Some((t0, wall0_ns)));

    let window = planned.setup.plan.window_us;
    let server_sampler = config.server_pid.map(|pid| {
        let t0 = tokio::time::Instant::from_std(t0);
        tokio::spawn(async move {
            tokio::time::sleep_until(t0 + Duration::from_micros(window.0)).await;
            let a = procstat::process_cpu_ns(pid);
            tokio::time::sleep_until(t0 + Duration::from_micros(window.1)).await;
            let b = procstat::process_cpu_ns(pid);
            let rss = procstat::process_rss_kib(pid);
            (a.zip(b).map(|(a, b)| b.saturating_sub(a)), rss)
        })
    });
    Ok(StartedRun {
        _start_tx: start_tx,
        done,
        server_sampler,
    })
}

/// Step 4: waits for every thread's results and takes the server's readings (if the window
/// closed before the run ended; otherwise there are none).
async fn collect(
    started: StartedRun,
) -> Result<(Vec<ThreadResult>, Option<ServerReading>), LoadError> {
    let mut results = Vec::new();
    for d in started.done {
        results.push(
            d.await
                .map_err(|_| LoadError::Thread("a generator thread failed".into()))?,
        );
    }
    let server = match started.server_sampler {
        Some(s) if s.is_finished() => s.await.ok(),
        Some(s) => {
            s.abort();
            None
        }
        None => None,
    };
    Ok((results, server))
}

/// `http://host:port` or `https://host:port` → the method's URI (same scheme) and a socket
/// address.
async fn resolve(url: &str) -> Result<(http::Uri, SocketAddr), LoadError> {
    let bad = |why: &str| LoadError::Url {
        url: url.to_string(),
        why: why.to_string(),
    };
    let parsed: http::Uri = url
        .parse()
        .map_err(|e: http::uri::InvalidUri| bad(&e.to_string()))?;
    let (scheme, default_port) = match parsed.scheme_str() {
        Some("http") => ("http", 80),
        Some("https") => ("https", 443),
        _ => return Err(bad("it must start with http:// or https://")),
    };
    let authority = parsed.authority().ok_or_else(|| bad("no host"))?.clone();
    let port = authority.port_u16().unwrap_or(default_port);
    let host = authority
        .host()
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_string();
    let addr = tokio::net::lookup_host((host.as_str(), port))
        .await
        .map_err(|e| bad(&format!("cannot resolve {host}: {e}")))?
        .next()
        .ok_or_else(|| bad(&format!("{host} resolves to no address")))?;
    let uri = http::Uri::builder()
        .scheme(scheme)
        .authority(authority)
        .path_and_query(METHOD_PATH)
        .build()
        .map_err(|e| bad(&e.to_string()))?;
    Ok((uri, addr))
}

#[allow(clippy::too_many_arguments)]
fn build_report(
    config: &LoadConfig,
    plan: &Plan,
    steady: bool,
    connections: usize,
    threads: usize,
    results: Vec<ThreadResult>,
    seconds: Vec<SecondHistograms>,
    server: Option<ServerReading>,
    rss_before: Option<u64>,
) -> LoadReport {
    let mut t = Totals::default();
    let mut counts: Vec<SecondCounts> = Vec::new();
    let mut w0 = Counters::default();
    let mut w1 = Counters::default();
    let mut cpu_ns: Option<u64> = Some(0);
    for r in &results {
        cpu_ns = cpu_ns.zip(r.cpu_ns).map(|(a, b)| a + b);
        for l in &r.lanes {
            let x = &l.totals;
            t.latency.merge(&x.latency);
            t.lateness.merge(&x.lateness);
            t.connect.merge(&x.connect);
            t.first_audio.merge(&x.first_audio);
            t.calls_done += x.calls_done;
            t.calls_completed += x.calls_completed;
            t.calls_app_hangup += x.calls_app_hangup;
            for (k, v) in &x.failures {
                *t.failures.entry(k.clone()).or_default() += v;
            }
            t.frames_sent += x.frames_sent;
            t.frames_echoed += x.frames_echoed;
            t.frames_lost += x.frames_lost;
            t.duplicates += x.duplicates;
            t.reordered += x.reordered;
            t.untagged += x.untagged;
            t.misrouted += x.misrouted;
            t.plays += x.plays;
            t.messages_in += x.messages_in;
            t.messages_out += x.messages_out;
            t.overflows += x.overflows;
            if counts.len() < l.seconds.len() {
                counts.resize_with(l.seconds.len(), SecondCounts::default);
            }
            for (a, b) in counts.iter_mut().zip(&l.seconds) {
                a.add(b);
            }
            if let (Some(a), Some(b)) = l.window {
                w0.frames_out += a.frames_out;
                w0.plays_in += a.plays_in;
                w0.messages_out += a.messages_out;
                w0.messages_in += a.messages_in;
                w1.frames_out += b.frames_out;
                w1.plays_in += b.plays_in;
                w1.messages_out += b.messages_out;
                w1.messages_in += b.messages_in;
            }
        }
    }
    let window_s = (plan.window_us.1.saturating_sub(plan.window_us.0)) as f64 / 1e6;
    let per_s = |a: u64, b: u64| {
        if window_s > 0.0 {
            b.saturating_sub(a) as f64 / window_s
        } else {
            0.0
        }
    };
    let rates = Rates {
        frames_out: per_s(w0.frames_out, w1.frames_out),
        frames_in: per_s(w0.plays_in, w1.plays_in),
        messages_out: per_s(w0.messages_out, w1.messages_out),
        messages_in: per_s(w0.messages_in, w1.messages_in),
    };
    // Calls up in the window, on average (all of them when steady).
    let calls_in_window = if steady {
        f64::from(config.calls)
    } else {
        f64::from(config.calls) * config.duration.as_secs_f64() / window_s.max(1e-9)
    }
    .max(1.0);
    let pct = |ns: u64| ns as f64 / 1e9 / window_s.max(1e-9) * 100.0;
    let lateness = Percentiles::of_us(&t.lateness);
    let threshold_ms = config.lateness_threshold.as_secs_f64() * 1000.0;
    let limited = lateness.p99 > threshold_ms;
    let gen_cpu = cpu_ns.filter(|_| window_s > 0.0).map(pct);
    let generator = GeneratorStats {
        lateness_ms: lateness,
        lateness_threshold_ms: threshold_ms,
        limited,
        threads,
        connections,
        receive: if config.precise_receive {
            "precise"
        } else {
            "tick"
        }
        .into(),
        cpu_pct: gen_cpu.map(round1),
        cpu_us_per_call_s: gen_cpu.map(|c| round1(c / 100.0 * 1e6 / calls_in_window)),
        projected_calls_per_core: gen_cpu
            .filter(|c| *c > 0.0)
            .map(|c| (calls_in_window * 100.0 / c).round()),
    };
    let server = config.server_pid.map(|pid| {
        let (cpu, rss) = server.unwrap_or((None, None));
        let cpu_pct = cpu.map(pct);
        ServerStats {
            pid,
            cpu_pct: cpu_pct.map(round1),
            cpu_pct_per_1000_calls: cpu_pct.map(|c| round1(c / calls_in_window * 1000.0)),
            projected_calls_per_core: cpu_pct
                .filter(|c| *c > 0.0)
                .map(|c| (calls_in_window * 100.0 / c).round()),
            rss_before_kib: rss_before,
            rss_kib: rss,
            rss_per_call_kib: rss
                .zip(rss_before)
                .map(|(a, b)| round1(a.saturating_sub(b) as f64 / f64::from(config.calls))),
        }
    });
    let failed: u64 = t.failures.values().sum();
    let loss_pct = if t.frames_sent > 0 {
        t.frames_lost as f64 * 100.0 / t.frames_sent as f64
    } else {
        0.0
    };
    let latency = Percentiles::of_us(&t.latency);
    let slo_p99 = config.slo_p99.as_secs_f64() * 1000.0;
    let met = !limited
        && failed == 0
        && loss_pct <= config.slo_max_loss_pct
        && (!config.expect_echo || (latency.count > 0 && latency.p99 <= slo_p99));
    LoadReport {
        verdict: if limited {
            "generator-limited"
        } else if met {
            "pass"
        } else {
            "fail"
        }
        .into(),
        url: config.url.clone(),
        content_type: config.content_type.as_str().into(),
        calls_planned: u64::from(config.calls),
        ramp_per_s: if plan.ramp_per_s.is_finite() {
            plan.ramp_per_s
        } else {
            0.0
        },
        duration_s: config.duration.as_secs_f64(),
        window_s: (plan.window_us.0 as f64 / 1e6, plan.window_us.1 as f64 / 1e6),
        steady,
        calls: CallCounts {
            planned: u64::from(config.calls),
            ok: t.calls_completed + t.calls_app_hangup,
            app_hangups: t.calls_app_hangup,
            failed,
            failures: t.failures.clone(),
        },
        latency_ms: latency,
        connect_ms: Percentiles::of_us(&t.connect),
        first_audio_ms: Percentiles::of_us(&t.first_audio),
        frames: FrameCounts {
            sent: t.frames_sent,
            echoed: t.frames_echoed,
            lost: t.frames_lost,
            loss_pct: (loss_pct * 1000.0).round() / 1000.0,
            duplicates: t.duplicates,
            reordered: t.reordered,
            untagged: t.untagged,
            misrouted: t.misrouted,
            buffer_overflows: t.overflows,
        },
        rates,
        generator,
        server,
        latency_histogram: report::HistogramExport::of(&t.latency),
        slo: SloResult {
            p99_ms: slo_p99,
            max_loss_pct: config.slo_max_loss_pct,
            met,
        },
        series: series(&counts, &seconds, config.expect_echo),
    }
}

/// The per-second series: the lanes' counts and the seconds' distributions, side by side.
fn series(
    counts: &[SecondCounts],
    seconds: &[SecondHistograms],
    expect_echo: bool,
) -> Vec<report::SecondRow> {
    let ms = |us: u64| us as f64 / 1000.0;
    let q = |h: &Histogram, q: f64| (!h.is_empty()).then(|| ms(h.quantile(q)));
    let empty = SecondHistograms::default();
    (0..counts.len().max(seconds.len()))
        .map(|s| {
            let c = counts.get(s).copied().unwrap_or_default();
            let h = seconds.get(s).unwrap_or(&empty);
            report::SecondRow {
                t_s: s as u64,
                calls_up: c.calls_up,
                frames_sent: c.frames_sent,
                echoed: c.echoed,
                p50_ms: q(&h.latency, 0.5),
                p99_ms: q(&h.latency, 0.99),
                max_ms: (!h.latency.is_empty()).then(|| ms(h.latency.max())),
                late: c.late,
                lost: if expect_echo {
                    c.frames_sent.saturating_sub(c.echoed_of_sent)
                } else {
                    0
                },
                lateness_p99_ms: q(&h.lateness, 0.99),
            }
        })
        .collect()
}

fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}
