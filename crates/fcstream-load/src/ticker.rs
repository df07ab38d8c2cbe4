//! The run's millisecond clock: one thread that sleeps to each millisecond boundary after the
//! run's start and publishes the count, waking every lane.
//!
//! It exists because tokio's timer has a 1 ms granularity and parks for whole milliseconds
//! counted from wherever the runtime happens to be, so a `sleep_until` fires anywhere from 0
//! to about 1 ms late even on an idle machine. That is half the generator-limited threshold
//! spent before any work is done. A thread with a 1 µs timer slack sleeping with `nanosleep`
//! wakes within tens of µs, and costs one wake-up per millisecond for the whole run.

use std::time::{Duration, Instant};

use tokio::sync::watch;

/// Starts the ticker: from `t0`, publishes the number of whole milliseconds elapsed at each
/// millisecond boundary. It stops by itself when every receiver is gone.
pub fn start(t0: Instant, tx: watch::Sender<u64>) -> std::io::Result<()> {
    std::thread::Builder::new()
        .name("fcstream-load-ticker".into())
        .spawn(move || {
            #[cfg(target_os = "linux")]
            // SAFETY: PR_SET_TIMERSLACK only changes this thread's timer slack.
            unsafe {
                libc::prctl(libc::PR_SET_TIMERSLACK, 1 as libc::c_ulong, 0, 0, 0);
            }
            let mut k: u64 = 0;
            loop {
                let target = t0 + Duration::from_millis(k);
                let now = Instant::now();
                if target > now {
                    std::thread::sleep(target - now);
                } else if now - target > Duration::from_millis(2) {
                    // Fell behind (the machine is busy): skip to now, do not burst.
                    k = (now - t0).as_millis() as u64;
                }
                if tx.send(k).is_err() {
                    return;
                }
                k += 1;
            }
        })
        .map(drop)
}
