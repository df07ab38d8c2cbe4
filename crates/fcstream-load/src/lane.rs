//! One lane of the load generator: one HTTP/2 connection (h2, no tonic) and every call on
//! it, driven by one task.
//!
//! It exists because a generator built on a stock gRPC client spends a task, a channel and
//! several allocations per frame and saturates its core at a few hundred calls. Here:
//!
//! - **One timer for all calls.** Calls are kept in a wheel of 1 ms slots; at each tick of
//!   the run's ticker (`crate::ticker`, a precise 1 ms clock) the lane does everything due in
//!   the slots up to now: caller frames, playback notifications, time-outs. Every caller frame's lateness (how long after its due time it
//!   went out) is recorded, so a generator that cannot keep up is seen, never mistaken for a
//!   slow server.
//! - **Coalesced writes, no per-frame allocation.** Messages are hand-encoded
//!   ([`crate::wire`]) into one shared buffer; what one call has to say at one moment (a
//!   playback completion, the next playback start, the next frame) goes out as one HTTP/2
//!   DATA frame, the way tonic batches messages that are ready together; h2's connection
//!   task batches the frames of all calls into few socket writes.
//! - **Receiving without a task per call.** Every call's response body is a stream in one
//!   `SelectAll`, which polls only the bodies that were woken. Echoed frames are matched by
//!   the tag they carry ([`crate::tag`]), so no per-frame table is kept.
//! - **The platform's side, answered.** Each `PlayAudio` enters the call's
//!   platform model's buffers ([`crate::answer`]) and is answered with started/completed at the times the platform would;
//!   clears, DTMF presses, depth queries, hang-ups and malformed messages are answered too, so
//!   the server pays the real message cost (three platform messages per echoed frame).

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use fcstream::event::CallInfo;
use fcstream::{CallEnd, ContentType, Direction, EndReason, Event};
use fcstream_emulator::buffers::{AckShape, Applied, BufferConfig};
use futures_util::stream::{FuturesUnordered, SelectAll};
use futures_util::{FutureExt, Stream, StreamExt};
use h2::client::{ResponseFuture, SendRequest};
use h2::{RecvStream, SendStream};
use http::{HeaderMap, Request, Response};
use tokio::net::TcpStream;
use tokio::time::{sleep_until, Instant};

use crate::answer::{self, LoadBuffers};
use crate::histogram::Histogram;
use crate::tag::{self, Tag};
use crate::tls::TickStream;
use crate::wire::{self, AppMsg, Deframer, Stamp};
use crate::{Live, Plan};

/// Wheel slots (1 ms each); a power of two.
const SLOTS: usize = 1024;
/// The length of one caller frame, µs.
const FRAME_US: u64 = 20_000;
/// How long the app has to end its side of the stream after the caller hung up.
const CLOSE_GRACE_US: u64 = 2_000_000;
/// Received chunks handled in a row before the lane looks at its timer again.
const RECV_BUDGET: usize = 256;
/// How often a lane publishes its numbers for the live progress, µs.
const LIVE_EVERY_US: u64 = 250_000;

/// Where a call is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CallPhase {
    /// Not started yet.
    Planned,
    /// Streaming caller frames.
    Talking,
    /// All frames sent; waiting for the last echoes.
    Draining,
    /// `NotifyCallEnded` sent; waiting for the app to end its side.
    Closing,
    /// Over.
    Done,
}

/// How a call ended, as the report counts it.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Outcome {
    /// The caller hung up as planned and the app ended its side cleanly.
    Completed,
    /// The app hung up (`TerminateCallMessage`) and ended its side cleanly.
    AppHangup,
    /// Anything else, with a reason meant for people (bounded variety: no ids in it).
    Failed(String),
}

/// Which frames of a call came back.
#[derive(Debug, Default)]
struct Seen {
    /// Highest sequence received.
    max: Option<u32>,
    /// Bit i: sequence `max - i` was received.
    window: u128,
    /// Distinct frames received.
    unique: u64,
    /// Frames received again.
    duplicates: u64,
    /// Frames received after a later one.
    reordered: u64,
}

impl Seen {
    /// Records `seq`; true if it is new.
    fn saw(&mut self, seq: u32) -> bool {
        let Some(max) = self.max else {
            self.max = Some(seq);
            self.window = 1;
            self.unique = 1;
            return true;
        };
        if seq > max {
            let shift = seq - max;
            self.window = if shift >= 128 {
                0
            } else {
                self.window << shift
            };
            self.window |= 1;
            self.max = Some(seq);
            self.unique += 1;
            return true;
        }
        let back = max - seq;
        if back >= 128 {
            // Too old to tell a duplicate from a straggler: count it as a late arrival.
            self.unique += 1;
            self.reordered += 1;
            return true;
        }
        let bit = 1u128 << back;
        if self.window & bit != 0 {
            self.duplicates += 1;
            false
        } else {
            self.window |= bit;
            self.unique += 1;
            self.reordered += 1;
            true
        }
    }
}

/// One call of the lane, seen from the platform's side (not an app's `fcstream::Call`).
struct LoadCall {
    /// The call's number in the run (what its frames' tags say).
    number: u32,
    /// When it starts, µs since the run's start.
    start_us: u64,
    /// Where it is.
    phase: CallPhase,
    /// Our side of the stream.
    stream: Option<SendStream<Bytes>>,
    /// Whether the app's response headers arrived.
    answered: bool,
    /// When the request went out, µs.
    opened_us: u64,
    /// Request → response headers, µs.
    connect_us: Option<u64>,
    /// Start → first `PlayAudio`, µs.
    first_audio_us: Option<u64>,
    /// The next frame's sequence number (= frames sent).
    next_seq: u32,
    /// Frames the call sends in all.
    frames_total: u32,
    /// Until when the last echoes are awaited (Draining), or the app's end (Closing), µs.
    deadline_us: u64,
    /// Echoed frames.
    seen: Seen,
    /// Echoes without our tag.
    untagged: u64,
    /// Echoes carrying another call's tag.
    misrouted: u64,
    /// `PlayAudio` messages received.
    plays: u64,
    /// Messages received from the app.
    messages_in: u64,
    /// Messages sent to the app.
    messages_out: u64,
    /// gRPC framing of the response body.
    deframer: Deframer,
    /// The platform's buffers (the shared model, timing only).
    playout: LoadBuffers,
    /// The earliest wheel entry of this call, ms (others are stale).
    scheduled: Option<u64>,
    /// How it ended.
    outcome: Option<Outcome>,
    /// How it will end once the app closes its side (set when we send `NotifyCallEnded`).
    closing_as: Option<Outcome>,
    /// Answers to the app's messages, held for the next tick (coalesced writes).
    pending: Option<Bytes>,
    /// Whether the call is in the lane's list of calls with something pending.
    dirty: bool,
}

/// What a lane adds up.
#[derive(Debug, Default, Clone)]
pub(crate) struct Totals {
    /// Added latency of every echoed frame, µs.
    pub latency: Histogram,
    /// Lateness of every caller frame, µs.
    pub lateness: Histogram,
    /// Connect time per call, µs.
    pub connect: Histogram,
    /// Time to first app audio per call, µs.
    pub first_audio: Histogram,
    /// Calls that ended (ok or not).
    pub calls_done: u64,
    /// Calls that completed as planned.
    pub calls_completed: u64,
    /// Calls the app hung up cleanly.
    pub calls_app_hangup: u64,
    /// Failed calls by reason.
    pub failures: BTreeMap<String, u64>,
    /// Caller frames sent.
    pub frames_sent: u64,
    /// Distinct frames echoed.
    pub frames_echoed: u64,
    /// Frames sent and never echoed.
    pub frames_lost: u64,
    /// Echoes of a frame already echoed.
    pub duplicates: u64,
    /// Echoes after a later frame's.
    pub reordered: u64,
    /// `PlayAudio`s without our tag.
    pub untagged: u64,
    /// `PlayAudio`s with another call's tag.
    pub misrouted: u64,
    /// `PlayAudio` messages received.
    pub plays: u64,
    /// All messages received from the app.
    pub messages_in: u64,
    /// All messages sent to the app.
    pub messages_out: u64,
    /// Entries refused because the platform buffer was full.
    pub overflows: u64,
}

/// Counters at the edges of the steady window.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Counters {
    /// Caller frames sent.
    pub frames_out: u64,
    /// `PlayAudio`s received.
    pub plays_in: u64,
    /// Messages sent.
    pub messages_out: u64,
    /// Messages received.
    pub messages_in: u64,
}

/// What a lane counted in one second of the run (the report's per-second series; the
/// distributions of the same second are in [`crate::LiveHistograms::seconds`]).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SecondCounts {
    /// Calls in progress when the lane crossed the second's end.
    pub calls_up: u64,
    /// Caller frames sent in it.
    pub frames_sent: u64,
    /// Echoes received in it.
    pub echoed: u64,
    /// Echoes received in it later than the SLO's p99.
    pub late: u64,
    /// Echoes (received at any time) of frames sent in it.
    pub echoed_of_sent: u64,
}

impl SecondCounts {
    /// Adds another lane's.
    pub fn add(&mut self, o: &SecondCounts) {
        self.calls_up += o.calls_up;
        self.frames_sent += o.frames_sent;
        self.echoed += o.echoed;
        self.late += o.late;
        self.echoed_of_sent += o.echoed_of_sent;
    }
}

/// What a lane hands back.
#[derive(Debug, Default)]
pub(crate) struct LaneResult {
    /// The sums.
    pub totals: Totals,
    /// Second by second.
    pub seconds: Vec<SecondCounts>,
    /// Counters when the steady window opened and closed.
    pub window: (Option<Counters>, Option<Counters>),
}

/// One item of a response body.
enum BodyItem {
    Data(Bytes),
    End(Option<HeaderMap>),
    Error(h2::Error),
}

/// A call's response body as a stream of [`BodyItem`]s, ending after trailers or an error.
struct Body {
    /// The call's index in the lane.
    index: u32,
    /// The body.
    recv: RecvStream,
    /// 0: data, 1: trailers, 2: over.
    state: u8,
}

impl Stream for Body {
    type Item = (u32, BodyItem);
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let index = self.index;
        loop {
            match self.state {
                0 => match self.recv.poll_data(cx) {
                    Poll::Ready(Some(Ok(data))) => {
                        let _ = self.recv.flow_control().release_capacity(data.len());
                        return Poll::Ready(Some((index, BodyItem::Data(data))));
                    }
                    Poll::Ready(Some(Err(e))) => {
                        self.state = 2;
                        return Poll::Ready(Some((index, BodyItem::Error(e))));
                    }
                    Poll::Ready(None) => self.state = 1,
                    Poll::Pending => return Poll::Pending,
                },
                1 => {
                    let r = match self.recv.poll_trailers(cx) {
                        Poll::Ready(r) => r,
                        Poll::Pending => return Poll::Pending,
                    };
                    self.state = 2;
                    return Poll::Ready(Some((
                        index,
                        match r {
                            Ok(t) => BodyItem::End(t),
                            Err(e) => BodyItem::Error(e),
                        },
                    )));
                }
                _ => return Poll::Ready(None),
            }
        }
    }
}

type Opening = Pin<
    Box<dyn std::future::Future<Output = (u32, Result<Response<RecvStream>, h2::Error>)> + Send>,
>;

/// The wheel of 1 ms slots: `(ms, call index)` entries.
struct Wheel {
    slots: Vec<Vec<(u64, u32)>>,
    /// Entries in all slots.
    len: usize,
}

impl Wheel {
    fn new() -> Self {
        Self {
            slots: (0..SLOTS).map(|_| Vec::new()).collect(),
            len: 0,
        }
    }

    fn insert(&mut self, ms: u64, index: u32) {
        self.slots[(ms as usize) & (SLOTS - 1)].push((ms, index));
        self.len += 1;
    }

    /// The first slot at or after `from` that holds anything (its entries may be for a later
    /// turn of the wheel).
    fn next_busy(&self, from: u64) -> Option<u64> {
        if self.len == 0 {
            return None;
        }
        (from..from + SLOTS as u64).find(|ms| !self.slots[(*ms as usize) & (SLOTS - 1)].is_empty())
    }
}

/// Settings every lane shares.
pub(crate) struct LaneSetup {
    /// Where the app is.
    pub addr: SocketAddr,
    /// TLS, for an `https://` app.
    pub tls: Option<crate::tls::LoadTls>,
    /// `:authority`/URI of the method.
    pub uri: http::Uri,
    /// `authorization` request header.
    pub authorization: Option<http::HeaderValue>,
    /// The plan.
    pub plan: Arc<Plan>,
    /// Live numbers.
    pub live: Arc<Live>,
}

/// The socket of a lane in tick mode: plain non-blocking reads and writes, never registered
/// with the reactor. The lane polls its connection at every 1 ms tick (and whenever it runs),
/// so everything that arrived in a millisecond is read in one `read`, and the generator's
/// thread is woken by the ticker only, never once per incoming segment. Returning `Pending`
/// without registering a waker is sound here because that tick always comes.
pub(crate) struct TickIo(pub(crate) std::net::TcpStream);

impl tokio::io::AsyncRead for TickIo {
    fn poll_read(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        use std::io::Read;
        let dst = buf.initialize_unfilled();
        match (&self.0).read(dst) {
            Ok(n) => {
                buf.advance(n);
                Poll::Ready(Ok(()))
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => Poll::Pending,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => Poll::Pending,
            Err(e) => Poll::Ready(Err(e)),
        }
    }
}

impl tokio::io::AsyncWrite for TickIo {
    fn poll_write(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        use std::io::Write;
        match (&self.0).write(buf) {
            Ok(n) => Poll::Ready(Ok(n)),
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => Poll::Pending,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => Poll::Pending,
            Err(e) => Poll::Ready(Err(e)),
        }
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        use std::io::Write;
        match (&self.0).write_vectored(bufs) {
            Ok(n) => Poll::Ready(Ok(n)),
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => Poll::Pending,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => Poll::Pending,
            Err(e) => Poll::Ready(Err(e)),
        }
    }

    fn is_write_vectored(&self) -> bool {
        true
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(self.0.shutdown(std::net::Shutdown::Write))
    }
}

/// A connection the lane drives itself.
pub(crate) type OwnConn = Pin<Box<h2::client::Connection<TickStream, Bytes>>>;

/// Who pumps a lane's HTTP/2 connection (h2's `Connection` future does the socket I/O and
/// must be polled by someone).
pub(crate) enum ConnPump {
    /// Its own task, woken by the reactor on every incoming segment (precise receive times).
    Task(tokio::task::JoinHandle<()>),
    /// The lane itself, at every tick (see [`TickIo`]).
    Ticks(OwnConn),
}

fn h2_builder() -> h2::client::Builder {
    let mut b = h2::client::Builder::new();
    b.initial_window_size(1 << 20)
        .initial_connection_window_size(64 << 20)
        .max_concurrent_reset_streams(100_000);
    b
}

/// Connects one lane; the error is for people.
pub(crate) async fn connect(setup: &LaneSetup) -> Result<(SendRequest<Bytes>, ConnPump), String> {
    let timeout = setup.plan.connect_timeout;
    let addr = setup.addr;
    let tcp = match tokio::time::timeout(timeout, TcpStream::connect(addr)).await {
        Err(_) => {
            return Err(format!(
                "cannot connect to {addr}: timed out after {timeout:?}"
            ))
        }
        Ok(Err(e)) => return Err(format!("cannot connect to {addr}: {e}")),
        Ok(Ok(tcp)) => tcp,
    };
    let _ = tcp.set_nodelay(true);
    let tls_timed_out = || format!("TLS handshake with {addr} timed out after {timeout:?}");
    let with = |e: String| format!("{addr}: {e}");
    if setup.plan.precise_receive {
        return match &setup.tls {
            None => spawn_conn(tcp, addr, timeout).await,
            Some(tls) => {
                let tls = tokio::time::timeout(timeout, tls.handshake(tcp))
                    .await
                    .map_err(|_| tls_timed_out())?
                    .map_err(with)?;
                spawn_conn(tls, addr, timeout).await
            }
        };
    }
    let std = tcp
        .into_std()
        .and_then(|s| s.set_nonblocking(true).map(|()| s))
        .map_err(|e| format!("cannot use the connection to {addr}: {e}"))?;
    let io = match &setup.tls {
        None => TickStream::Plain(TickIo(std)),
        Some(tls) => TickStream::Tls(Box::new(
            tokio::time::timeout(timeout, tls.handshake_polled(TickIo(std)))
                .await
                .map_err(|_| tls_timed_out())?
                .map_err(with)?,
        )),
    };
    // The handshake only writes the preface (into the TLS session, with TLS); the server's
    // settings are read by the lane.
    let (send, conn) = match tokio::time::timeout(timeout, h2_builder().handshake(io)).await {
        Err(_) => return Err(format!("HTTP/2 handshake with {addr} timed out")),
        Ok(r) => r.map_err(|e| h2_failed(addr, e))?,
    };
    Ok((send, ConnPump::Ticks(Box::pin(conn))))
}

fn h2_failed(addr: SocketAddr, e: h2::Error) -> String {
    format!("HTTP/2 handshake with {addr} failed: {e} (is it a gRPC server speaking HTTP/2?)")
}

/// The HTTP/2 handshake over `io`, the connection pumped by its own task.
async fn spawn_conn<IO>(
    io: IO,
    addr: SocketAddr,
    timeout: Duration,
) -> Result<(SendRequest<Bytes>, ConnPump), String>
where
    IO: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let (send, conn) = match tokio::time::timeout(timeout, h2_builder().handshake(io)).await {
        Err(_) => return Err(format!("HTTP/2 handshake with {addr} timed out")),
        Ok(r) => r.map_err(|e| h2_failed(addr, e))?,
    };
    let task = tokio::spawn(async move {
        if let Err(e) = conn.await {
            tracing::debug!(error = %e, "load connection ended");
        }
    });
    Ok((send, ConnPump::Task(task)))
}

/// One lane. See the module docs.
pub(crate) struct Lane {
    /// Shared settings.
    setup: Arc<LaneSetup>,
    /// The run's start.
    t0: Instant,
    /// The ticker's millisecond count (see `crate::ticker`).
    ticks: tokio::sync::watch::Receiver<u64>,
    /// The run's start on the wall clock, ns since the Unix epoch.
    wall0_ns: u64,
    /// The calls.
    calls: Vec<LoadCall>,
    /// Calls still to finish.
    open_calls: usize,
    /// The timer wheel.
    wheel: Wheel,
    /// Scratch for the slot being processed.
    scratch: Vec<(u64, u32)>,
    /// The next slot to process, ms.
    cursor_ms: u64,
    /// Outgoing messages of the call being handled.
    buf: BytesMut,
    /// New streams.
    send: Option<SendRequest<Bytes>>,
    /// The connection, when the lane drives it at its ticks.
    conn: Option<OwnConn>,
    /// Why the connection failed, if it did.
    broken: Option<String>,
    /// Calls with answers held for the next tick.
    dirty: Vec<u32>,
    /// Calls waiting for their response headers.
    opening: FuturesUnordered<Opening>,
    /// Every open response body.
    bodies: SelectAll<Body>,
    /// The sums.
    totals: Totals,
    /// Latency since the last live publication.
    live_latency: Histogram,
    /// Lateness since the last live publication.
    live_lateness: Histogram,
    /// Counters already published.
    live_published: Counters,
    /// When the lane last published, µs.
    live_at_us: u64,
    /// The second of the run the lane is in (what it records and publishes belongs to it).
    sec_cur: u64,
    /// Its counts, second by second.
    seconds: Vec<SecondCounts>,
    /// Calls started and not over.
    active_calls: u64,
    /// Running counters (frames/messages both ways).
    counters: Counters,
    /// Snapshots at the steady window's edges.
    window: (Option<Counters>, Option<Counters>),
    /// The call's content type, once.
    ct: ContentType,
    /// One second of caller audio, frame after frame, in the call's format.
    voice: Bytes,
}

fn ms_ceil(us: u64) -> u64 {
    us.div_ceil(1000)
}

impl Lane {
    /// A lane for the calls numbered `numbers` (start times from the plan).
    pub(crate) fn new(
        setup: Arc<LaneSetup>,
        numbers: Vec<u32>,
        t0: Instant,
        wall0_ns: u64,
        send: Result<(SendRequest<Bytes>, Option<OwnConn>), String>,
        ticks: tokio::sync::watch::Receiver<u64>,
    ) -> Self {
        let plan = setup.plan.clone();
        let frames_total =
            u32::try_from(plan.duration.as_micros() as u64 / FRAME_US).unwrap_or(u32::MAX);
        let calls: Vec<LoadCall> = numbers
            .iter()
            .map(|&number| LoadCall {
                number,
                start_us: plan.start_us(number),
                phase: CallPhase::Planned,
                stream: None,
                answered: false,
                opened_us: 0,
                connect_us: None,
                first_audio_us: None,
                next_seq: 0,
                frames_total,
                deadline_us: 0,
                seen: Seen::default(),
                untagged: 0,
                misrouted: 0,
                plays: 0,
                messages_in: 0,
                messages_out: 0,
                deframer: Deframer::default(),
                playout: load_buffers(&plan),
                scheduled: None,
                outcome: None,
                closing_as: None,
                pending: None,
                dirty: false,
            })
            .collect();
        let (send, conn, broken) = match send {
            Ok((s, c)) => (Some(s), c, None),
            Err(e) => (None, None, Some(e)),
        };
        let ct = plan.content_type;
        let voice = {
            let tone = fcstream::Audio::tone(220.0, Duration::from_secs(1), ct.sample_rate());
            tone.convert(ct)
                .map(|a| a.data().clone())
                .unwrap_or_else(|_| Bytes::from(vec![0u8; ct.bytes_for(Duration::from_secs(1))]))
        };
        let mut lane = Self {
            setup,
            t0,
            ticks,
            wall0_ns,
            open_calls: calls.len(),
            calls,
            wheel: Wheel::new(),
            scratch: Vec::new(),
            cursor_ms: 0,
            buf: BytesMut::with_capacity(64 << 10),
            send,
            conn,
            broken,
            opening: FuturesUnordered::new(),
            dirty: Vec::new(),
            bodies: SelectAll::new(),
            totals: Totals::default(),
            live_latency: Histogram::new(),
            live_lateness: Histogram::new(),
            live_published: Counters::default(),
            live_at_us: 0,
            sec_cur: 0,
            seconds: Vec::new(),
            active_calls: 0,
            counters: Counters::default(),
            window: (None, None),
            ct,
            voice,
        };
        for i in 0..lane.calls.len() {
            let ms = ms_ceil(lane.calls[i].start_us);
            lane.schedule(i as u32, ms);
        }
        lane
    }

    fn now_us(&self) -> u64 {
        Instant::now()
            .saturating_duration_since(self.t0)
            .as_micros() as u64
    }

    /// Makes sure call `i` is looked at by `ms`.
    fn schedule(&mut self, i: u32, ms: u64) {
        let call = &mut self.calls[i as usize];
        if call.phase == CallPhase::Done {
            return;
        }
        let ms = ms.max(self.cursor_ms);
        if call.scheduled.is_some_and(|s| s <= ms) {
            return;
        }
        call.scheduled = Some(ms);
        self.wheel.insert(ms, i);
    }

    /// When call `i` next needs its timer, µs.
    fn next_wake_us(&self, i: usize) -> Option<u64> {
        let c = &self.calls[i];
        let plan = &self.setup.plan;
        let mut wake: Option<u64> = None;
        let mut at = |t: u64| wake = Some(wake.map_or(t, |w: u64| w.min(t)));
        match c.phase {
            CallPhase::Planned => at(c.start_us),
            CallPhase::Talking => at(c.start_us + FRAME_US * (u64::from(c.next_seq) + 1)),
            CallPhase::Draining | CallPhase::Closing => at(c.deadline_us),
            CallPhase::Done => return None,
        }
        if !c.answered && c.phase != CallPhase::Planned {
            at(c.opened_us + plan.connect_timeout.as_micros() as u64);
        }
        if let Some(t) = c.playout.next_boundary() {
            if c.phase != CallPhase::Closing {
                at(t);
            }
        }
        wake
    }

    fn reschedule(&mut self, i: usize) {
        if let Some(us) = self.next_wake_us(i) {
            self.schedule(i as u32, ms_ceil(us));
        }
    }

    /// Runs the lane to the end of its last call.
    pub(crate) async fn run(mut self) -> LaneResult {
        if let Some(why) = self.broken.clone() {
            for i in 0..self.calls.len() {
                self.finish(i, Outcome::Failed(why.clone()));
            }
            self.publish_live(true);
            return self.result();
        }
        let stall = self.setup.plan.tick_stall;
        sleep_until(self.t0).await;
        loop {
            let now_us = self.now_us();
            let now_ms = now_us / 1000;
            if self.cursor_ms <= now_ms
                && !stall.is_zero()
                && self
                    .wheel
                    .next_busy(self.cursor_ms)
                    .is_some_and(|b| b <= now_ms)
            {
                // Test hook: a generator too busy to fire its ticks on time.
                std::thread::sleep(stall);
            }
            self.roll_second(now_us);
            let ticked = self.cursor_ms <= now_ms;
            while self.cursor_ms <= now_ms {
                self.process_slot(self.cursor_ms);
                self.cursor_ms += 1;
            }
            if ticked {
                self.flush_dirty();
            }
            self.window_edges(now_us);
            if now_us >= self.live_at_us + LIVE_EVERY_US {
                self.publish_live(false);
            }
            if self.open_calls == 0 {
                break;
            }
            tokio::select! {
                biased;
                Some((i, r)) = self.opening.next(), if !self.opening.is_empty() => {
                    self.on_response(i as usize, r);
                }
                Some((i, item)) = self.bodies.next(), if !self.bodies.is_empty() => {
                    self.on_body(i as usize, item);
                    for _ in 0..RECV_BUDGET {
                        match self.bodies.next().now_or_never() {
                            Some(Some((i, item))) => self.on_body(i as usize, item),
                            _ => break,
                        }
                    }
                }
                done = poll_conn(&mut self.conn), if self.conn.is_some() => {
                    self.conn = None;
                    if let Err(e) = done {
                        tracing::debug!(error = %e, "load connection ended");
                    }
                }
                tick = self.ticks.changed() => {
                    if tick.is_err() {
                        // No ticker (it stopped): tokio's timer, at its 1 ms granularity.
                        let wake_ms = self.wheel.next_busy(self.cursor_ms).unwrap_or(self.cursor_ms + SLOTS as u64);
                        sleep_until(self.t0 + Duration::from_millis(wake_ms)).await;
                    }
                }
            }
        }
        // Every call is over: let go of the streams and the handle, then give a connection
        // the lane drives itself a moment to write what is still queued (resets, the last
        // END_STREAM) and to close.
        self.bodies = SelectAll::new();
        self.opening = FuturesUnordered::new();
        self.send = None;
        if self.conn.is_some() {
            let deadline = Instant::now() + Duration::from_millis(200);
            while Instant::now() < deadline {
                let polled =
                    tokio::time::timeout(Duration::from_millis(2), poll_conn(&mut self.conn)).await;
                if polled.is_ok() {
                    break;
                }
            }
            self.conn = None;
        }
        self.publish_live(true);
        self.result()
    }

    fn result(&mut self) -> LaneResult {
        LaneResult {
            totals: std::mem::take(&mut self.totals),
            seconds: std::mem::take(&mut self.seconds),
            window: self.window,
        }
    }

    /// Second `s`'s counts (made as needed; `s` is never past the lane's current second).
    fn second(&mut self, s: u64) -> &mut SecondCounts {
        let s = s.min(self.sec_cur) as usize;
        if self.seconds.len() <= s {
            self.seconds.resize_with(s + 1, SecondCounts::default);
        }
        &mut self.seconds[s]
    }

    /// At `now_us`: if a second (or more) ended since the lane last looked, publishes what it
    /// recorded in the one it was in, writes down the calls up at each end, and moves on.
    #[inline]
    fn roll_second(&mut self, now_us: u64) {
        let s = now_us / 1_000_000;
        if s <= self.sec_cur {
            return;
        }
        self.publish_live(false);
        let up = self.active_calls;
        for k in self.sec_cur..s {
            self.second(k).calls_up = up;
        }
        self.sec_cur = s;
    }

    /// Records the counters when the steady window opens and closes.
    fn window_edges(&mut self, now_us: u64) {
        let plan = &self.setup.plan;
        if self.window.0.is_none() && now_us >= plan.window_us.0 {
            self.window.0 = Some(self.counters);
        }
        if self.window.1.is_none() && now_us >= plan.window_us.1 {
            self.window.1 = Some(self.counters);
        }
    }

    /// Hands the numbers since the last call to the live view.
    fn publish_live(&mut self, last: bool) {
        let live = &self.setup.live;
        if !self.live_latency.is_empty() || !self.live_lateness.is_empty() {
            let mut g = live.lock();
            g.latency.merge(&self.live_latency);
            g.lateness.merge(&self.live_lateness);
            let sec = g.second(self.sec_cur);
            sec.latency.merge(&self.live_latency);
            sec.lateness.merge(&self.live_lateness);
        }
        self.live_latency.clear();
        self.live_lateness.clear();
        let c = self.counters;
        let p = self.live_published;
        use std::sync::atomic::Ordering::Relaxed;
        live.frames_out
            .fetch_add(c.frames_out - p.frames_out, Relaxed);
        live.frames_in.fetch_add(c.plays_in - p.plays_in, Relaxed);
        self.live_published = c;
        self.live_at_us = self.now_us();
        if last {
            live.lanes_done.fetch_add(1, Relaxed);
        }
    }

    /// Everything due in slot `ms`.
    fn process_slot(&mut self, ms: u64) {
        let slot = (ms as usize) & (SLOTS - 1);
        if self.wheel.slots[slot].is_empty() {
            return;
        }
        std::mem::swap(&mut self.scratch, &mut self.wheel.slots[slot]);
        let entries = std::mem::take(&mut self.scratch);
        self.wheel.len -= entries.len();
        for &(at, i) in &entries {
            if at != ms {
                // A later turn of the wheel.
                self.wheel.insert(at, i);
                continue;
            }
            let call = &mut self.calls[i as usize];
            if call.scheduled != Some(ms) {
                continue; // stale
            }
            call.scheduled = None;
            self.on_timer(i as usize);
            self.reschedule(i as usize);
        }
        self.scratch = entries;
        self.scratch.clear();
    }

    /// Call `i`'s timer fired.
    fn on_timer(&mut self, i: usize) {
        let now = self.now_us();
        let plan = self.setup.plan.clone();
        match self.calls[i].phase {
            CallPhase::Planned => {
                if now >= self.calls[i].start_us {
                    self.start(i, now);
                }
            }
            CallPhase::Talking => self.send_frames(i, now),
            CallPhase::Draining => {
                let c = &self.calls[i];
                if now >= c.deadline_us
                    || (plan.expect_echo && c.seen.unique >= u64::from(c.next_seq))
                {
                    self.hang_up(i, now, EndReason::CallerDisconnect, Outcome::Completed);
                }
            }
            CallPhase::Closing => {
                if now >= self.calls[i].deadline_us {
                    // A call already known to have failed keeps its reason.
                    let outcome = match self.calls[i].closing_as.take() {
                        Some(Outcome::Failed(why)) => Outcome::Failed(why),
                        _ => Outcome::Failed(format!(
                            "the app did not end the stream within {}s of the hang-up",
                            CLOSE_GRACE_US / 1_000_000
                        )),
                    };
                    self.finish(i, outcome);
                }
            }
            CallPhase::Done => return,
        }
        let c = &self.calls[i];
        if c.phase != CallPhase::Done
            && c.phase != CallPhase::Planned
            && !c.answered
            && now >= c.opened_us + plan.connect_timeout.as_micros() as u64
        {
            {
                let why = format!(
                    "no answer from the app within {:?} (no response headers)",
                    plan.connect_timeout
                );
                self.finish(i, Outcome::Failed(why));
                return;
            }
        }
        if self.calls[i].phase != CallPhase::Done && self.calls[i].phase != CallPhase::Closing {
            self.advance_playout(i, now);
        }
        self.flush(i, false);
    }

    /// Opens call `i`'s stream and announces the call.
    fn start(&mut self, i: usize, now: u64) {
        let Some(send) = self.send.as_mut() else {
            let why = self
                .broken
                .clone()
                .unwrap_or_else(|| "the connection is gone".into());
            self.finish(i, Outcome::Failed(why));
            return;
        };
        let mut cx = Context::from_waker(futures_util::task::noop_waker_ref());
        match send.poll_ready(&mut cx) {
            Poll::Ready(Ok(())) => {}
            Poll::Pending => {
                // The server's stream limit: try again in a millisecond.
                let ms = now / 1000 + 1;
                self.schedule(i as u32, ms);
                return;
            }
            Poll::Ready(Err(e)) => {
                let why = format!("the connection failed: {e}");
                self.broken = Some(why.clone());
                self.send = None;
                self.finish(i, Outcome::Failed(why));
                return;
            }
        }
        let mut request = Request::new(());
        *request.method_mut() = http::Method::POST;
        *request.uri_mut() = self.setup.uri.clone();
        let h = request.headers_mut();
        h.insert(
            http::header::CONTENT_TYPE,
            http::HeaderValue::from_static("application/grpc"),
        );
        h.insert(http::header::TE, http::HeaderValue::from_static("trailers"));
        h.insert(
            http::header::USER_AGENT,
            http::HeaderValue::from_static("fcstream-load"),
        );
        if let Some(auth) = &self.setup.authorization {
            h.insert(http::header::AUTHORIZATION, auth.clone());
        }
        let (response, stream) = match send.send_request(request, false) {
            Ok(x) => x,
            Err(e) => {
                self.finish(
                    i,
                    Outcome::Failed(format!("could not open the stream: {e}")),
                );
                return;
            }
        };
        let index = i as u32;
        let fut: ResponseFuture = response;
        self.opening
            .push(Box::pin(async move { (index, fut.await) }));
        let ct = self.ct;
        let call = &mut self.calls[i];
        call.stream = Some(stream);
        call.opened_us = now;
        call.phase = CallPhase::Talking;
        let info = CallInfo {
            call_id: format!("CA-load-{}", call.number),
            to: "+15550100".into(),
            from: "+15550199".into(),
            direction: Direction::Inbound,
            metadata: vec![format!("load={}", call.number)],
            content_type: ct,
        };
        wire::put_event(&mut self.buf, &Event::CallStarted(info));
        call.messages_out += 1;
        self.counters.messages_out += 1;
        self.active_calls += 1;
        self.setup
            .live
            .active
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.send_frames(i, now);
    }

    /// Sends every frame of call `i` due by `now`.
    fn send_frames(&mut self, i: usize, now: u64) {
        let plan = self.setup.plan.clone();
        let frame_bytes = self.ct.frame_bytes();
        let voice_frames = (self.voice.len() / frame_bytes).max(1);
        self.roll_second(now);
        let sec = now / 1_000_000;
        let mut sent = 0;
        let call = &mut self.calls[i];
        while call.phase == CallPhase::Talking {
            if call.next_seq >= call.frames_total {
                call.phase = CallPhase::Draining;
                call.deadline_us = now.max(call.start_us + FRAME_US * u64::from(call.frames_total))
                    + plan.drain.as_micros() as u64;
                break;
            }
            let seq = call.next_seq;
            let end_us = call.start_us + FRAME_US * (u64::from(seq) + 1);
            if end_us > now {
                break;
            }
            let lateness = now - end_us;
            self.totals.lateness.record(lateness);
            self.live_lateness.record(lateness);
            let tag = Tag {
                call: call.number,
                seq,
                sent_us: now,
            }
            .encode();
            let k = (seq as usize) % voice_frames;
            let voice = &self.voice[k * frame_bytes..(k + 1) * frame_bytes];
            let tail = voice.get(tag::LEN..).unwrap_or(&[]);
            let start = Stamp::from_unix_ns(self.wall0_ns + (end_us - FRAME_US) * 1000);
            let end = Stamp::from_unix_ns(self.wall0_ns + end_us * 1000);
            wire::put_audio(
                &mut self.buf,
                &tag[..tag::LEN.min(frame_bytes)],
                tail,
                start,
                end,
                // On the wire numbered from the platform variant's first number; the tag
                // keeps the call's own count (echoes are matched by it).
                seq.wrapping_add(plan.first_sequence),
            );
            call.next_seq += 1;
            call.messages_out += 1;
            self.counters.frames_out += 1;
            self.counters.messages_out += 1;
            sent += 1;
        }
        if sent > 0 {
            self.second(sec).frames_sent += sent;
        }
    }

    /// Sends the playback notifications due for call `i` by `now`.
    fn advance_playout(&mut self, i: usize, now: u64) {
        let wall0 = self.wall0_ns;
        let call = &mut self.calls[i];
        let buf = &mut self.buf;
        let n = answer::advance(&mut call.playout, now, wall0, buf);
        call.messages_out += n;
        self.counters.messages_out += n;
    }

    /// Holds what call `i` has to say (answers to the app) until the next tick, so that the
    /// answers of one millisecond leave in one write instead of one write per message read.
    fn defer(&mut self, i: usize) {
        if self.buf.is_empty() {
            return;
        }
        let data = self.take_buf();
        let call = &mut self.calls[i];
        call.pending = Some(match call.pending.take() {
            None => data,
            Some(older) => {
                let mut both = BytesMut::with_capacity(older.len() + data.len());
                both.extend_from_slice(&older);
                both.extend_from_slice(&data);
                both.freeze()
            }
        });
        if !call.dirty {
            call.dirty = true;
            self.dirty.push(i as u32);
        }
    }

    /// Sends everything held for the tick.
    fn flush_dirty(&mut self) {
        let mut dirty = std::mem::take(&mut self.dirty);
        for &i in &dirty {
            let i = i as usize;
            self.calls[i].dirty = false;
            if self.calls[i].pending.is_some() {
                self.flush(i, false);
            }
        }
        dirty.clear();
        self.dirty = dirty;
    }

    /// The shared buffer's contents, leaving it ready for more.
    fn take_buf(&mut self) -> Bytes {
        let data = self.buf.split().freeze();
        if self.buf.capacity() < 2048 {
            self.buf.reserve(64 << 10);
        }
        data
    }

    /// Sends what call `i` has to say (held answers first, then the shared buffer).
    fn flush(&mut self, i: usize, end_of_stream: bool) {
        let pending = self.calls[i].pending.take();
        if self.buf.is_empty() && pending.is_none() && !end_of_stream {
            return;
        }
        let data = self.take_buf();
        let call = &mut self.calls[i];
        let Some(stream) = call.stream.as_mut() else {
            return;
        };
        let mut sent = Ok(());
        if let Some(p) = pending {
            sent = stream.send_data(p, false);
        }
        if sent.is_ok() && (!data.is_empty() || end_of_stream) {
            sent = stream.send_data(data, end_of_stream);
        }
        if let Err(e) = sent {
            if call.phase != CallPhase::Done {
                let why = describe_h2(&e, "the stream failed");
                self.finish(i, Outcome::Failed(why));
            }
        }
    }

    /// `NotifyCallEnded(reason)`, then our side of the stream closes.
    fn hang_up(&mut self, i: usize, now: u64, reason: EndReason, outcome: Outcome) {
        self.advance_playout(i, now);
        let number = self.calls[i].number;
        let end = CallEnd {
            call_id: format!("CA-load-{number}"),
            reason,
            description: match reason {
                EndReason::ApplicationDisconnect => "the application terminated the call".into(),
                _ => "the caller hung up".into(),
            },
        };
        wire::put_event(&mut self.buf, &Event::CallEnded(end));
        let expect_echo = self.setup.plan.expect_echo;
        let call = &mut self.calls[i];
        let outcome = match no_echo(call, expect_echo) {
            Some(why) => Outcome::Failed(why),
            None => outcome,
        };
        call.messages_out += 1;
        call.phase = CallPhase::Closing;
        call.deadline_us = now + CLOSE_GRACE_US;
        call.closing_as = Some(outcome);
        self.counters.messages_out += 1;
        self.flush(i, true);
        self.reschedule(i);
    }

    /// The app answered (or refused) call `i`'s stream.
    fn on_response(&mut self, i: usize, r: Result<Response<RecvStream>, h2::Error>) {
        let now = self.now_us();
        let call = &mut self.calls[i];
        if call.phase == CallPhase::Done {
            return;
        }
        match r {
            Err(e) => {
                let why = describe_h2(&e, "the app reset the stream before answering");
                self.finish(i, Outcome::Failed(why));
            }
            Ok(response) => {
                call.answered = true;
                call.connect_us = Some(now - call.opened_us);
                let (parts, recv) = response.into_parts();
                if parts.status != http::StatusCode::OK {
                    let why = format!(
                        "the app answered HTTP {} (not a gRPC server?)",
                        parts.status
                    );
                    self.finish(i, Outcome::Failed(why));
                    return;
                }
                if let Some(status) = grpc_status(&parts.headers) {
                    // A trailers-only response: the app refused the call.
                    let why = format!("the app refused the stream: {status}");
                    self.finish(i, Outcome::Failed(why));
                    return;
                }
                self.bodies.push(Body {
                    index: i as u32,
                    recv,
                    state: 0,
                });
            }
        }
    }

    /// Something arrived on call `i`'s response body.
    fn on_body(&mut self, i: usize, item: BodyItem) {
        if self.calls[i].phase == CallPhase::Done {
            return;
        }
        match item {
            BodyItem::Data(chunk) => {
                let now = self.now_us();
                let mut msgs: smallvec_lite::Small = Default::default();
                let fed = self.calls[i].deframer.feed(chunk, |m| msgs.push(m));
                for m in msgs.drain() {
                    self.on_message(i, m, now);
                    if self.calls[i].phase == CallPhase::Done {
                        return;
                    }
                }
                if let Err(e) = fed {
                    self.finish(
                        i,
                        Outcome::Failed(format!("undecodable response from the app: {e}")),
                    );
                    return;
                }
                if self.calls[i].phase == CallPhase::Closing {
                    self.buf.clear();
                    return;
                }
                self.defer(i);
                self.reschedule(i);
            }
            BodyItem::End(trailers) => {
                let status = trailers.as_ref().and_then(grpc_status);
                let call = &self.calls[i];
                let outcome = match (call.phase, status) {
                    (CallPhase::Closing, None) => call.closing_as.clone().unwrap_or(Outcome::Completed),
                    (CallPhase::Closing, Some(s)) => Outcome::Failed(format!("the app ended the stream with an error after the hang-up: {s}")),
                    (_, None) if trailers.is_none() => Outcome::Failed("the app ended the stream without a gRPC status during the call".into()),
                    (_, None) => Outcome::Failed("the app ended the stream (status OK) during the call, before the caller hung up".into()),
                    (_, Some(s)) => Outcome::Failed(format!("the app ended the stream during the call: {s}")),
                };
                self.finish(i, outcome);
            }
            BodyItem::Error(e) => {
                let why = describe_h2(&e, "the stream failed");
                self.finish(i, Outcome::Failed(why));
            }
        }
    }

    /// One message from the app on call `i`, received at `now`.
    fn on_message(&mut self, i: usize, msg: Bytes, now: u64) {
        self.counters.messages_in += 1;
        self.roll_second(now);
        let wall0 = self.wall0_ns;
        let slo_us = self.setup.plan.slo_p99_us;
        // An echo of ours: when its frame was sent, its latency.
        let mut echo: Option<(u64, u64)> = None;
        let call = &mut self.calls[i];
        call.messages_in += 1;
        if call.phase == CallPhase::Closing {
            return;
        }
        let decoded = match wire::decode_app(msg) {
            Ok(d) => d,
            Err(e) => {
                let why = format!("undecodable message from the app: {e}");
                self.finish(i, Outcome::Failed(why));
                return;
            }
        };
        if let AppMsg::Play(p) = &decoded {
            call.plays += 1;
            self.counters.plays_in += 1;
            call.first_audio_us
                .get_or_insert(now.saturating_sub(call.start_us));
            match Tag::decode(&p.audio) {
                Some(t) if t.call == call.number => {
                    if t.seq < call.next_seq && call.seen.saw(t.seq) {
                        let latency = now.saturating_sub(t.sent_us);
                        self.totals.latency.record(latency);
                        self.live_latency.record(latency);
                        echo = Some((t.sent_us, latency));
                    } else if t.seq >= call.next_seq {
                        call.untagged += 1;
                    }
                }
                Some(_) => call.misrouted += 1,
                None => call.untagged += 1,
            }
        }
        let (applied, out_n) =
            answer::answer(&mut call.playout, &decoded, now, wall0, &mut self.buf);
        let hang_up = applied == Applied::Terminate;
        call.messages_out += out_n;
        self.counters.messages_out += out_n;
        if let Some((sent_us, latency)) = echo {
            let here = self.second(now / 1_000_000);
            here.echoed += 1;
            if latency > slo_us {
                here.late += 1;
            }
            // The tag's send time is the app's to echo: `second` keeps it in the past.
            self.second(sent_us / 1_000_000).echoed_of_sent += 1;
        }
        if hang_up {
            self.hang_up(i, now, EndReason::ApplicationDisconnect, Outcome::AppHangup);
        }
    }

    /// Call `i` is over: add it up and let go of its stream.
    fn finish(&mut self, i: usize, outcome: Outcome) {
        let expect_echo = self.setup.plan.expect_echo;
        let call = &mut self.calls[i];
        if call.phase == CallPhase::Done {
            return;
        }
        let was_started = call.phase != CallPhase::Planned;
        call.phase = CallPhase::Done;
        if let Some(mut stream) = call.stream.take() {
            if call.closing_as.is_none()
                || !matches!(outcome, Outcome::Completed | Outcome::AppHangup)
            {
                stream.send_reset(h2::Reason::CANCEL);
            }
        }
        let sent = u64::from(call.next_seq);
        let echoed = call.seen.unique.min(sent);
        // An echo app that echoed nothing did not answer the call, whatever the stream did.
        let outcome = match (outcome, no_echo(call, expect_echo)) {
            (Outcome::Completed | Outcome::AppHangup, Some(why)) => Outcome::Failed(why),
            (o, _) => o,
        };
        let t = &mut self.totals;
        t.calls_done += 1;
        match &outcome {
            Outcome::Completed => t.calls_completed += 1,
            Outcome::AppHangup => t.calls_app_hangup += 1,
            Outcome::Failed(why) => *t.failures.entry(why.clone()).or_default() += 1,
        }
        if let Some(c) = call.connect_us {
            t.connect.record(c);
        }
        if let Some(f) = call.first_audio_us {
            t.first_audio.record(f);
        }
        t.frames_sent += sent;
        t.frames_echoed += echoed;
        if expect_echo {
            t.frames_lost += sent - echoed;
        }
        t.duplicates += call.seen.duplicates;
        t.reordered += call.seen.reordered;
        t.untagged += call.untagged;
        t.misrouted += call.misrouted;
        t.plays += call.plays;
        t.messages_in += call.messages_in;
        t.messages_out += call.messages_out;
        t.overflows += call.playout.stats().overflows;
        call.outcome = Some(outcome.clone());
        call.pending = None;
        self.open_calls -= 1;
        use std::sync::atomic::Ordering::Relaxed;
        let live = &self.setup.live;
        if was_started {
            self.active_calls -= 1;
            live.active.fetch_sub(1, Relaxed);
        }
        match outcome {
            Outcome::Failed(_) => live.failed.fetch_add(1, Relaxed),
            _ => live.ok.fetch_add(1, Relaxed),
        };
        live.lost
            .fetch_add(if expect_echo { sent - echoed } else { 0 }, Relaxed);
        // Drop the state a finished call no longer needs.
        call.playout = spent_buffers(self.ct);
        call.deframer = Deframer::default();
    }
}

/// Polls the lane's own connection (a future that never resolves when there is none).
async fn poll_conn(conn: &mut Option<OwnConn>) -> Result<(), h2::Error> {
    match conn {
        Some(c) => c.as_mut().await,
        None => std::future::pending().await,
    }
}

/// Why a call counts as failed for an echo app that echoed none of its frames.
fn no_echo(call: &LoadCall, expect_echo: bool) -> Option<String> {
    if !expect_echo || call.next_seq == 0 || call.seen.unique > 0 {
        return None;
    }
    Some(if call.plays == 0 {
        "no audio from the app: the stream was open but nothing was echoed".into()
    } else {
        "the app sent audio but none of it was an echo of the caller's frames".into()
    })
}

/// A tiny inline vector for the messages of one chunk (almost always one or two).
mod smallvec_lite {
    use bytes::Bytes;

    /// Up to 4 messages inline, more on the heap.
    #[derive(Default)]
    pub struct Small {
        inline: [Option<Bytes>; 4],
        n: usize,
        more: Vec<Bytes>,
    }

    impl Small {
        pub fn push(&mut self, b: Bytes) {
            if self.n < 4 {
                self.inline[self.n] = Some(b);
                self.n += 1;
            } else {
                self.more.push(b);
            }
        }

        pub fn drain(&mut self) -> impl Iterator<Item = Bytes> + '_ {
            self.inline
                .iter_mut()
                .take(self.n)
                .filter_map(Option::take)
                .chain(self.more.drain(..))
        }
    }
}

/// A load call's platform buffers (audio/DTMF sizes, ack shape and depth counting as planned).
fn load_buffers(plan: &Plan) -> LoadBuffers {
    let mut b = answer::buffers(BufferConfig {
        content_type: plan.content_type,
        audio: plan.audio_buffer.max(1),
        dtmf: plan.dtmf_buffer.max(1),
        acks: plan.acks,
        ticks_per_second: 1_000_000,
    });
    b.set_depth_counts_playing(plan.depth_counts_playing);
    b
}

/// The smallest buffers, for a finished call (drops what its buffers held).
fn spent_buffers(ct: ContentType) -> LoadBuffers {
    answer::buffers(BufferConfig {
        content_type: ct,
        audio: 1,
        dtmf: 1,
        acks: AckShape::PerEntry,
        ticks_per_second: 1_000_000,
    })
}

/// `grpc-status` (and message) of headers or trailers, when not OK.
fn grpc_status(headers: &HeaderMap) -> Option<String> {
    let code = headers
        .get("grpc-status")?
        .to_str()
        .ok()?
        .trim()
        .parse::<i32>()
        .ok()?;
    if code == 0 {
        return None;
    }
    let message = headers
        .get("grpc-message")
        .and_then(|m| m.to_str().ok())
        .map(percent_decode)
        .unwrap_or_default();
    let name = format!("{:?}", tonic::Code::from_i32(code));
    Some(if message.is_empty() {
        name
    } else {
        format!("{name}: {message}")
    })
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let Some(v) = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn describe_h2(e: &h2::Error, what: &str) -> String {
    if let Some(reason) = e.reason() {
        if e.is_go_away() {
            format!("{what}: the app's server closed the connection (GOAWAY {reason:?})")
        } else {
            format!("{what}: reset by the app ({reason:?})")
        }
    } else if e.is_io() {
        format!(
            "{what}: the connection was lost ({})",
            e.get_io().map(|e| e.kind().to_string()).unwrap_or_default()
        )
    } else {
        format!("{what}: {e}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seen_counts_duplicates_and_reordering() {
        let mut s = Seen::default();
        for seq in [0, 1, 3, 2, 2, 5, 4, 300, 1] {
            s.saw(seq);
        }
        assert_eq!(s.unique, 8);
        assert_eq!(s.duplicates, 1);
        assert_eq!(s.reordered, 3);
    }

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("a%20b%3Ac"), "a b:c");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz"), "%zz");
    }
}
