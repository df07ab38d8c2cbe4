//! The two clocks of an emulated call. Real time is tokio's ordinary clock. Virtual time is a
//! [`VirtualClock`] (from the core crate's [`fcstream::time`]): [`run_virtual`] builds a
//! current-thread runtime on a thread of its own whose `on_thread_park` hook moves the clock to
//! the next timer whenever every task is idle, and hands the clock to the code it runs, which
//! gives it to the app's server ([`crate::in_process::serve_with_clock`]) and to the platform
//! ([`crate::RunOptions::clock`]).
//!
//! This is not tokio's paused clock: it needs no `test-util`, so no production binary carries
//! it. Like tokio's paused clock, it must not wait on the operating system (a real socket would
//! be "idle" while bytes are in flight in the kernel and time would skip over them), so the app
//! is reached through [`crate::in_process`].

use std::future::Future;

pub use fcstream::time::{Clock, VirtualClock};

/// Runs `make(clock)` to completion on a fresh current-thread runtime in virtual time, on a
/// thread of its own; returns its output.
pub fn run_virtual<F, Fut, T>(make: F) -> std::io::Result<T>
where
    F: FnOnce(Clock) -> Fut + Send + 'static,
    Fut: Future<Output = T>,
    T: Send + 'static,
{
    std::thread::Builder::new()
        .name("fcstream-virtual-time".into())
        .spawn(move || {
            let clock = VirtualClock::new();
            let advance = clock.clone();
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                // Called when no task can run: that is when virtual time moves on. Waking the
                // next timer's task here makes the runtime run it instead of parking.
                .on_thread_park(move || {
                    advance.advance_to_next();
                })
                .build()
                .map(|rt| rt.block_on(make(Clock::Virtual(clock))))
        })?
        .join()
        .map_err(|_| std::io::Error::other("the virtual-time thread panicked"))?
}
