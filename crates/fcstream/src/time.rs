//! The clock a call runs on: real time (tokio's timers), or a [`VirtualClock`] that jumps to
//! the next timer whenever nothing else can run.
//!
//! It exists so that a whole call — the platform emulator, the server's per-call task and the
//! app — can run in virtual time (`fcstream demo --fast`: a 60 s call in a fraction of a
//! second, the same result every run) without tokio's `test-util` feature, which pauses
//! tokio's own clock but must never be compiled into a production binary such as
//! `fcstream serve`. Everything in fcstream that waits on time goes through a [`Clock`]: the
//! call task's timers, `gather_digits`, the built-in apps, the emulator.
//!
//! [`Clock::Real`] is tokio's clock (so tests that pause tokio's clock keep working).
//! A [`VirtualClock`] only moves when told: [`VirtualClock::advance_to_next`] jumps to the
//! earliest pending timer and wakes it. The emulator's `clock::run_virtual` calls it from a
//! current-thread runtime's `on_thread_park` hook, that is exactly when every task is idle.

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

/// Which clock a call reads and sleeps on.
#[derive(Clone, Debug, Default)]
pub enum Clock {
    /// Tokio's clock (real time, or tokio's paused clock in tests).
    #[default]
    Real,
    /// Virtual time: moves only from timer to timer.
    Virtual(VirtualClock),
}

impl Clock {
    /// The time now.
    pub fn now(&self) -> Instant {
        match self {
            Clock::Real => tokio::time::Instant::now().into_std(),
            Clock::Virtual(v) => v.now(),
        }
    }

    /// A timer that fires at `deadline`.
    pub fn sleep_until(&self, deadline: Instant) -> Sleep {
        match self {
            Clock::Real => Sleep::Real(Box::pin(tokio::time::sleep_until(
                tokio::time::Instant::from_std(deadline),
            ))),
            Clock::Virtual(v) => Sleep::Virtual {
                clock: v.clone(),
                deadline,
                id: None,
            },
        }
    }

    /// A timer that fires after `d`.
    pub fn sleep(&self, d: Duration) -> Sleep {
        self.sleep_until(self.now() + d)
    }

    /// Runs `future` until `deadline`; `Err(Elapsed)` if it had not finished by then.
    pub async fn timeout_at<F: Future>(
        &self,
        deadline: Instant,
        future: F,
    ) -> Result<F::Output, Elapsed> {
        let timer = self.sleep_until(deadline);
        tokio::pin!(future);
        tokio::pin!(timer);
        tokio::select! {
            biased;
            out = &mut future => Ok(out),
            () = &mut timer => Err(Elapsed),
        }
    }

    /// Runs `future` for at most `d`.
    pub async fn timeout<F: Future>(&self, d: Duration, future: F) -> Result<F::Output, Elapsed> {
        self.timeout_at(self.now() + d, future).await
    }

    /// Whether this is a virtual clock.
    pub fn is_virtual(&self) -> bool {
        matches!(self, Clock::Virtual(_))
    }
}

/// A [`Clock::timeout`] ran out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("deadline elapsed")]
pub struct Elapsed;

/// A timer of a [`Clock`].
#[derive(Debug)]
pub enum Sleep {
    /// On tokio's clock.
    Real(Pin<Box<tokio::time::Sleep>>),
    /// On a virtual clock.
    Virtual {
        /// The clock.
        clock: VirtualClock,
        /// When it fires.
        deadline: Instant,
        /// Its registration with the clock, once polled.
        id: Option<u64>,
    },
}

impl Sleep {
    /// When it fires.
    pub fn deadline(&self) -> Instant {
        match self {
            Sleep::Real(s) => s.deadline().into_std(),
            Sleep::Virtual { deadline, .. } => *deadline,
        }
    }

    /// Re-arms it for `deadline`.
    pub fn reset(&mut self, new: Instant) {
        match self {
            Sleep::Real(s) => s.as_mut().reset(tokio::time::Instant::from_std(new)),
            Sleep::Virtual {
                clock,
                deadline,
                id,
            } => {
                if let Some(old) = id.take() {
                    clock.cancel(*deadline, old);
                }
                *deadline = new;
            }
        }
    }
}

impl Future for Sleep {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        match self.get_mut() {
            Sleep::Real(s) => s.as_mut().poll(cx),
            Sleep::Virtual {
                clock,
                deadline,
                id,
            } => clock.poll_timer(*deadline, id, cx.waker()),
        }
    }
}

impl Drop for Sleep {
    fn drop(&mut self) {
        if let Sleep::Virtual {
            clock,
            deadline,
            id: Some(id),
        } = self
        {
            clock.cancel(*deadline, *id);
        }
    }
}

/// A clock that moves only from one timer to the next. Cloning gives another handle to the
/// same clock.
#[derive(Clone, Debug)]
pub struct VirtualClock {
    /// The clock's state; one lock per clock, taken by its timers (a virtual run is one
    /// thread, so it is never contended).
    inner: Arc<Mutex<Inner>>,
}

#[derive(Debug)]
struct Inner {
    /// The virtual time now.
    now: Instant,
    /// Ids for timers.
    next_id: u64,
    /// Pending timers: (deadline, id) → the task to wake.
    timers: BTreeMap<(Instant, u64), Waker>,
}

impl Default for VirtualClock {
    fn default() -> Self {
        Self::new()
    }
}

impl VirtualClock {
    /// A virtual clock that starts at the present instant.
    pub fn new() -> Self {
        Self {
            inner: Arc::new(Mutex::new(Inner {
                now: Instant::now(),
                next_id: 0,
                timers: BTreeMap::new(),
            })),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        match self.inner.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    /// The virtual time now.
    pub fn now(&self) -> Instant {
        self.lock().now
    }

    /// Timers waiting.
    pub fn pending(&self) -> usize {
        self.lock().timers.len()
    }

    /// Jumps to the earliest pending timer and wakes every timer due then; `false` when no
    /// timer is pending (time cannot move).
    pub fn advance_to_next(&self) -> bool {
        let due: Vec<Waker> = {
            let mut inner = self.lock();
            let Some((&(at, _), _)) = inner.timers.first_key_value() else {
                return false;
            };
            if at > inner.now {
                inner.now = at;
            }
            let now = inner.now;
            let later = inner.timers.split_off(&(now, u64::MAX));
            std::mem::replace(&mut inner.timers, later)
                .into_values()
                .collect()
        };
        for w in due {
            w.wake();
        }
        true
    }

    fn poll_timer(&self, deadline: Instant, id: &mut Option<u64>, waker: &Waker) -> Poll<()> {
        let mut inner = self.lock();
        if deadline <= inner.now {
            if let Some(old) = id.take() {
                inner.timers.remove(&(deadline, old));
            }
            return Poll::Ready(());
        }
        let key = match id {
            Some(k) => *k,
            None => {
                let k = inner.next_id;
                inner.next_id += 1;
                *id = Some(k);
                k
            }
        };
        inner.timers.insert((deadline, key), waker.clone());
        Poll::Pending
    }

    fn cancel(&self, deadline: Instant, id: u64) {
        self.lock().timers.remove(&(deadline, id));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn virtual_time_moves_only_from_timer_to_timer() {
        let v = VirtualClock::new();
        let clock = Clock::Virtual(v.clone());
        let t0 = clock.now();
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .on_thread_park({
                let v = v.clone();
                move || {
                    v.advance_to_next();
                }
            })
            .build()
            .unwrap();
        let (order, elapsed) = rt.block_on(async move {
            let order = Arc::new(Mutex::new(Vec::new()));
            let mut tasks = Vec::new();
            for (name, secs) in [("b", 20u64), ("a", 10), ("c", 3600)] {
                let clock = clock.clone();
                let order = order.clone();
                tasks.push(tokio::spawn(async move {
                    clock.sleep(Duration::from_secs(secs)).await;
                    order.lock().unwrap().push((name, clock.now()));
                }));
            }
            let timed_out = clock
                .timeout(Duration::from_secs(5), std::future::pending::<()>())
                .await;
            assert_eq!(timed_out, Err(Elapsed));
            for t in tasks {
                t.await.unwrap();
            }
            let got = order.lock().unwrap().clone();
            (got, clock.now() - t0)
        });
        let names: Vec<_> = order.iter().map(|(n, _)| *n).collect();
        assert_eq!(names, ["a", "b", "c"]);
        assert_eq!(order[0].1 - t0, Duration::from_secs(10));
        assert_eq!(elapsed, Duration::from_secs(3600));
        assert_eq!(v.pending(), 0);
    }

    #[test]
    fn a_reset_or_dropped_timer_is_forgotten() {
        let v = VirtualClock::new();
        let clock = Clock::Virtual(v.clone());
        let mut s = clock.sleep(Duration::from_secs(5));
        let waker = futures_util_noop_waker();
        let mut cx = Context::from_waker(&waker);
        assert!(Pin::new(&mut s).poll(&mut cx).is_pending());
        assert_eq!(v.pending(), 1);
        s.reset(clock.now() + Duration::from_secs(1));
        assert_eq!(v.pending(), 0);
        assert!(Pin::new(&mut s).poll(&mut cx).is_pending());
        assert!(v.advance_to_next());
        assert!(Pin::new(&mut s).poll(&mut cx).is_ready());
        let s2 = clock.sleep(Duration::from_secs(1));
        drop(s2);
        assert!(!v.advance_to_next(), "nothing pending");
    }

    fn futures_util_noop_waker() -> Waker {
        Waker::noop().clone()
    }
}
