//! The two clocks. Real time is tokio's ordinary clock: nothing to do. Virtual time is tokio's
//! paused clock, which only works on a current-thread runtime; [`run_virtual`] builds one on
//! its own thread so that a program on the multi-threaded runtime (the CLI) can use it too.
//!
//! In virtual time the runtime jumps to the next timer whenever every task is idle, so the
//! app must be reached through [`crate::in_process`] (a real socket would be "idle" while
//! bytes are in flight in the kernel, and time would skip over them).

use std::future::Future;

/// Runs `make()` to completion on a fresh current-thread runtime whose clock starts paused
/// (virtual time), on a thread of its own; returns its output.
pub fn run_virtual<F, Fut, T>(make: F) -> std::io::Result<T>
where
    F: FnOnce() -> Fut + Send + 'static,
    Fut: Future<Output = T>,
    T: Send + 'static,
{
    std::thread::Builder::new()
        .name("fcstream-virtual-time".into())
        .spawn(move || {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .start_paused(true)
                .build()
                .map(|rt| rt.block_on(make()))
        })?
        .join()
        .map_err(|_| std::io::Error::other("the virtual-time thread panicked"))?
}
