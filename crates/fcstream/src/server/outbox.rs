//! The response stream of one call, which is also the call's task.
//!
//! tonic polls a response stream from the task hyper runs for each HTTP/2 stream. A plain
//! tonic app (and fcstream before this module) spawns a second task for the call and hands
//! its messages over through an `mpsc` channel, so each message to the platform costs a
//! channel send, a wake-up and a task switch on top of the connection's. Here the stream
//! *is* the call: polling [`CallStream`] polls the call's future (the driver, the handler on
//! it, the first-message wait), which leaves its messages in an [`Outbox`] that the same poll
//! hands to tonic. An echoed frame wakes one task of ours, and no channel.
//!
//! Why hand-written: no crate offers "run this future inside that stream's poll"; it is the
//! per-message path, and it is small.
//!
//! Rules that keep it right:
//! - **Polled when woken, not when asked.** tonic asks the stream for more after each message
//!   (to batch them) and hyper after each frame it wrote; polling the call each time would run
//!   its loop two extra times per message. The call runs under a waker of its own
//!   ([`Outbox`] is it): a wake sets a flag and wakes the task only when the call is not being
//!   polled at that moment (a wake from the call's own poll — an event queued for the
//!   handler, a request the handler made — needs no second poll of the task), and the stream
//!   polls the call only when the flag is set. The flag is cleared before and read after each
//!   poll, each side writing its own flag before reading the other's (sequentially consistent),
//!   so a wake from another thread during the poll is never lost: it makes the stream poll
//!   again. The driver clears the flag at the top of each turn of its loop
//!   ([`Outbox::begin_turn`]): every branch is polled after that, so a wake before it is seen.
//! - **Bounded.** The outbox holds at most its capacity; a call that would exceed it waits
//!   ([`Outbox::room`]) until the stream has handed the messages to tonic. The wait sets the
//!   flag itself, so the stream polls the call again as soon as it has emptied the outbox.
//! - **Ending early.** [`Outbox::close`] ends the stream (tonic sends the trailers) while the
//!   call's future still has work to do (the handler, after the platform's hang-up).
//! - **Dropped.** When hyper drops the stream (the platform reset it, the connection died, or
//!   the stream ended first), the call's future is not cancelled: it moves to a task of its
//!   own, its sends fail from then on, and it ends the call as a closed stream would (metrics,
//!   recording, the app's handles, the handler's end).

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};

use atomic_waker::AtomicWaker;
use futures_core::Stream;
use tonic::Status;

use crate::command::Command;

/// Polls of the call in one poll of the stream, when wakes keep arriving during its polls
/// (after that the task yields to the runtime and is polled again).
const MAX_POLLS_PER_WAKE: usize = 8;

/// One message of the response stream: a message, or the status that ends the stream.
pub(crate) type Outgoing = Result<Command, Status>;

/// A boxed call future: what [`CallStream`] runs.
type CallFuture = Pin<Box<dyn Future<Output = ()> + Send + 'static>>;

/// What the call's future and its [`CallStream`] share; both are polled on one task, so the
/// lock is never contended, and it is this call's alone. It is also the waker the call runs
/// under (see the module's rules).
pub(crate) struct Outbox {
    /// The queue, closed and gone flags.
    inner: Mutex<Inner>,
    /// Messages held at most.
    capacity: usize,
    /// The call was woken since the stream last cleared it: poll it.
    woken: AtomicBool,
    /// The stream is polling the call right now: a wake need not wake the task.
    polling: AtomicBool,
    /// The task the stream was last polled on.
    task: AtomicWaker,
}

#[derive(Default)]
struct Inner {
    /// Messages not yet handed to tonic.
    queue: VecDeque<Outgoing>,
    /// The stream ends once `queue` is empty; later messages are refused.
    closed: bool,
    /// The stream is gone (dropped by hyper); every message is refused.
    gone: bool,
}

/// Why [`Outbox::try_push`] did not take a message.
pub(crate) enum Refused {
    /// At capacity: wait for [`Outbox::room`], then push it again.
    Full(Outgoing),
    /// Closed or gone: nobody will read it.
    Gone,
}

impl Outbox {
    /// An empty outbox holding at most `capacity` messages (at least one).
    pub(crate) fn new(capacity: usize) -> Arc<Self> {
        let capacity = capacity.max(1);
        Arc::new(Self {
            inner: Mutex::new(Inner {
                // Small at first: a call hands over one or two messages per poll.
                queue: VecDeque::with_capacity(capacity.min(4)),
                ..Inner::default()
            }),
            capacity,
            woken: AtomicBool::new(true),
            polling: AtomicBool::new(false),
            task: AtomicWaker::new(),
        })
    }

    /// The top of a turn of the call's loop, which polls every source after this: wakes so far
    /// are seen by that turn and need no other poll.
    pub(crate) fn begin_turn(&self) {
        self.woken.store(false, SeqCst);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        match self.inner.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    /// Queues `msg` unless the outbox is full, closed or gone.
    pub(crate) fn try_push(&self, msg: Outgoing) -> Result<(), Refused> {
        let mut inner = self.lock();
        if inner.closed || inner.gone {
            return Err(Refused::Gone);
        }
        if inner.queue.len() >= self.capacity {
            return Err(Refused::Full(msg));
        }
        inner.queue.push_back(msg);
        Ok(())
    }

    /// Queues `msg`, waiting for room; false if nobody will read it.
    pub(crate) async fn push(&self, mut msg: Outgoing) -> bool {
        loop {
            match self.try_push(msg) {
                Ok(()) => return true,
                Err(Refused::Gone) => return false,
                Err(Refused::Full(back)) => {
                    msg = back;
                    self.room().await;
                }
            }
        }
    }

    /// Resolves when the outbox has room (or is closed or gone). While it is full the outbox
    /// holds messages, so [`CallStream`] hands them over first, then (the flag set here) polls
    /// the call again (see the module's rules). Outside a [`CallStream`] (the call moved to a
    /// task of its own) the outbox is gone and this is ready.
    pub(crate) fn room(&self) -> impl Future<Output = ()> + '_ {
        std::future::poll_fn(move |_| {
            let inner = self.lock();
            if inner.queue.len() < self.capacity || inner.closed || inner.gone {
                Poll::Ready(())
            } else {
                self.woken.store(true, SeqCst);
                Poll::Pending
            }
        })
    }

    /// Ends the stream after the messages already queued.
    pub(crate) fn close(&self) {
        self.lock().closed = true;
    }
}

impl Wake for Outbox {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.woken.store(true, SeqCst);
        if !self.polling.load(SeqCst) {
            self.task.wake();
        }
    }
}

/// The response stream of one call (see the module's docs): polling it runs the call.
/// [`CallService`](super::CallService) answers every stream with one.
pub struct CallStream {
    /// Shared with the call's future.
    outbox: Arc<Outbox>,
    /// The waker the call runs under: the outbox.
    waker: Waker,
    /// Messages taken from the outbox in one lock, handed to tonic one by one.
    ready: VecDeque<Outgoing>,
    /// The call, until its future returned (or the stream was dropped).
    call: Option<CallFuture>,
}

impl CallStream {
    /// A stream running `call`, which sends through `outbox`.
    pub(crate) fn new(
        outbox: Arc<Outbox>,
        call: impl Future<Output = ()> + Send + 'static,
    ) -> Self {
        Self {
            waker: Waker::from(outbox.clone()),
            outbox,
            ready: VecDeque::new(),
            call: Some(Box::pin(call)),
        }
    }

    /// Moves the outbox's messages to `ready`; true if the stream is over (closed and
    /// empty).
    fn take(&mut self) -> bool {
        let mut inner = self.outbox.lock();
        std::mem::swap(&mut self.ready, &mut inner.queue);
        self.ready.is_empty() && inner.closed
    }
}

impl std::fmt::Debug for CallStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CallStream")
            .field("ready", &self.ready.len())
            .field("running", &self.call.is_some())
            .finish()
    }
}

impl CallStream {
    /// Polls the call if it was woken, again while wakes arrive during the poll; true once it
    /// has returned.
    fn run_call(&mut self, cx: &mut Context<'_>) -> bool {
        let Some(call) = self.call.as_mut() else {
            return true;
        };
        let outbox = &*self.outbox;
        outbox.task.register(cx.waker());
        let mut call_cx = Context::from_waker(&self.waker);
        for _ in 0..MAX_POLLS_PER_WAKE {
            // Each side writes its flag, then reads the other's (see the module's rules).
            outbox.polling.store(true, SeqCst);
            if !outbox.woken.swap(false, SeqCst) {
                outbox.polling.store(false, SeqCst);
                if !outbox.woken.load(SeqCst) {
                    return false;
                }
                continue;
            }
            let finished = call.as_mut().poll(&mut call_cx).is_ready();
            outbox.polling.store(false, SeqCst);
            if finished {
                self.call = None;
                return true;
            }
            if !outbox.woken.load(SeqCst) || !outbox.lock().queue.is_empty() {
                // Not woken since the poll, or messages to hand over first (a wake stays
                // set: the next poll of the stream runs the call).
                return false;
            }
            if !tokio::task::coop::has_budget_remaining() {
                // tokio's budget for this task is spent (a source said "yield" by waking
                // the call): yield, for real.
                break;
            }
        }
        // Woken and polled again too often in a row: let other tasks run first.
        cx.waker().wake_by_ref();
        false
    }
}

impl Stream for CallStream {
    type Item = Outgoing;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Outgoing>> {
        let this = &mut *self;
        loop {
            if let Some(msg) = this.ready.pop_front() {
                return Poll::Ready(Some(msg));
            }
            if this.take() {
                return Poll::Ready(None);
            }
            if !this.ready.is_empty() {
                continue;
            }
            // Nothing to hand over: run the call, if it was woken, until it has something.
            let finished = this.run_call(cx);
            if this.take() {
                return Poll::Ready(None);
            }
            if this.ready.is_empty() {
                return if finished {
                    Poll::Ready(None)
                } else {
                    Poll::Pending
                };
            }
        }
    }
}

impl Drop for CallStream {
    fn drop(&mut self) {
        let Some(call) = self.call.take() else {
            return;
        };
        self.outbox.lock().gone = true;
        // The task polling the stream is going: the outbox no longer wakes it.
        drop(self.outbox.task.take());
        // The call's future ends the call as a closed stream would (see the module's rules);
        // outside a runtime (a test dropping it late) there is nothing left to run it on.
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(call);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::task::Waker;

    fn msg(id: &str) -> Outgoing {
        Ok(Command::ClearAudioBuffer { id: id.to_string() })
    }

    fn poll(stream: &mut CallStream) -> Poll<Option<Outgoing>> {
        let mut cx = Context::from_waker(Waker::noop());
        Pin::new(stream).poll_next(&mut cx)
    }

    fn id(p: Poll<Option<Outgoing>>) -> Option<String> {
        match p {
            Poll::Ready(Some(Ok(Command::ClearAudioBuffer { id }))) => Some(id),
            _ => None,
        }
    }

    #[test]
    fn the_call_runs_inside_the_stream_and_its_messages_come_out_in_order() {
        let outbox = Outbox::new(2);
        let out = outbox.clone();
        let mut stream = CallStream::new(outbox, async move {
            for i in 0..5 {
                assert!(out.push(msg(&format!("m{i}"))).await);
            }
        });
        let got: Vec<_> = (0..5).filter_map(|_| id(poll(&mut stream))).collect();
        assert_eq!(got, ["m0", "m1", "m2", "m3", "m4"]);
        assert!(matches!(poll(&mut stream), Poll::Ready(None)));
    }

    #[test]
    fn a_full_outbox_holds_the_call_until_the_stream_emptied_it() {
        let outbox = Outbox::new(2);
        let out = outbox.clone();
        let pushed = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let count = pushed.clone();
        let mut stream = CallStream::new(outbox.clone(), async move {
            for i in 0..10 {
                out.push(msg(&format!("m{i}"))).await;
                count.fetch_add(1, Ordering::SeqCst);
            }
            std::future::pending::<()>().await;
        });
        assert_eq!(id(poll(&mut stream)).as_deref(), Some("m0"));
        // One poll of the call filled the outbox and no more: the bound holds.
        assert_eq!(pushed.load(Ordering::SeqCst), 2);
        assert_eq!(outbox.lock().queue.len(), 0, "taken in one lock");
        assert_eq!(id(poll(&mut stream)).as_deref(), Some("m1"));
        assert_eq!(id(poll(&mut stream)).as_deref(), Some("m2"));
        assert!(pushed.load(Ordering::SeqCst) <= 4);
    }

    #[test]
    fn closing_ends_the_stream_after_what_was_queued_while_the_call_goes_on() {
        let outbox = Outbox::new(8);
        let out = outbox.clone();
        let mut stream = CallStream::new(outbox, async move {
            out.push(msg("last")).await;
            out.close();
            assert!(!out.push(msg("refused")).await);
            std::future::pending::<()>().await;
        });
        assert_eq!(id(poll(&mut stream)).as_deref(), Some("last"));
        assert!(matches!(poll(&mut stream), Poll::Ready(None)));
    }

    /// A task waker that counts its wakes.
    #[derive(Default)]
    struct Counting(std::sync::atomic::AtomicUsize);

    impl Wake for Counting {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    /// A call that counts its polls, keeps its last waker, and wakes itself on the polls
    /// `self_wakes` says.
    fn counted_call(
        polls: Arc<std::sync::atomic::AtomicUsize>,
        waker: Arc<Mutex<Option<Waker>>>,
        self_wakes: fn(usize) -> bool,
    ) -> impl Future<Output = ()> + Send {
        std::future::poll_fn(move |cx| {
            let n = polls.fetch_add(1, Ordering::SeqCst) + 1;
            *waker.lock().unwrap() = Some(cx.waker().clone());
            if self_wakes(n) {
                cx.waker().wake_by_ref();
            }
            Poll::Pending
        })
    }

    #[test]
    fn the_call_is_polled_when_woken_not_each_time_the_stream_is() {
        let polls = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let call_waker = Arc::new(Mutex::new(None));
        let mut stream = CallStream::new(
            Outbox::new(4),
            counted_call(polls.clone(), call_waker.clone(), |_| false),
        );
        let task = Arc::new(Counting::default());
        let task_waker = Waker::from(task.clone());
        let mut cx = Context::from_waker(&task_waker);
        for _ in 0..3 {
            assert!(Pin::new(&mut stream).poll_next(&mut cx).is_pending());
        }
        assert_eq!(polls.load(Ordering::SeqCst), 1, "polled once: never woken");
        // A wake from elsewhere (another task, a timer) wakes the task, and the next poll of
        // the stream runs the call.
        call_waker.lock().unwrap().take().unwrap().wake();
        assert_eq!(task.0.load(Ordering::SeqCst), 1);
        assert!(Pin::new(&mut stream).poll_next(&mut cx).is_pending());
        assert_eq!(polls.load(Ordering::SeqCst), 2);
    }

    #[test]
    fn a_wake_from_the_calls_own_poll_polls_it_again_without_waking_the_task() {
        let polls = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let mut stream = CallStream::new(
            Outbox::new(4),
            counted_call(polls.clone(), Arc::new(Mutex::new(None)), |n| n == 1),
        );
        let task = Arc::new(Counting::default());
        let task_waker = Waker::from(task.clone());
        let mut cx = Context::from_waker(&task_waker);
        assert!(Pin::new(&mut stream).poll_next(&mut cx).is_pending());
        assert_eq!(
            polls.load(Ordering::SeqCst),
            2,
            "woken during its poll: polled again"
        );
        assert_eq!(
            task.0.load(Ordering::SeqCst),
            0,
            "and the task was not woken"
        );
    }

    #[test]
    fn a_call_that_always_wakes_itself_yields_to_the_runtime() {
        let polls = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let mut stream = CallStream::new(
            Outbox::new(4),
            counted_call(polls.clone(), Arc::new(Mutex::new(None)), |_| true),
        );
        let task = Arc::new(Counting::default());
        let task_waker = Waker::from(task.clone());
        let mut cx = Context::from_waker(&task_waker);
        assert!(Pin::new(&mut stream).poll_next(&mut cx).is_pending());
        assert_eq!(polls.load(Ordering::SeqCst), MAX_POLLS_PER_WAKE);
        assert_eq!(
            task.0.load(Ordering::SeqCst),
            1,
            "it yields by waking its task"
        );
        assert!(Pin::new(&mut stream).poll_next(&mut cx).is_pending());
        assert_eq!(polls.load(Ordering::SeqCst), 2 * MAX_POLLS_PER_WAKE);
    }

    #[tokio::test]
    async fn a_dropped_stream_hands_the_call_to_a_task_of_its_own_whose_sends_fail() {
        let outbox = Outbox::new(1);
        let out = outbox.clone();
        let (done_tx, done_rx) = tokio::sync::oneshot::channel();
        let gone = Arc::new(AtomicBool::new(false));
        let saw = gone.clone();
        let (go_tx, go_rx) = tokio::sync::oneshot::channel::<()>();
        let mut stream = CallStream::new(outbox, async move {
            let _ = go_rx.await;
            saw.store(!out.push(msg("after")).await, Ordering::SeqCst);
            let _ = done_tx.send(());
        });
        assert!(poll(&mut stream).is_pending());
        drop(stream);
        let _ = go_tx.send(());
        tokio::time::timeout(std::time::Duration::from_secs(30), done_rx)
            .await
            .expect("the call ran to its end after the stream was dropped")
            .expect("it finished");
        assert!(gone.load(Ordering::SeqCst), "its send failed");
    }
}
