//! Graceful drain: the server's phase, seen by every call.
//!
//! `Running` → `Draining` (on the shutdown signal: no new streams, health NOT_SERVING, live
//! calls run on) → `Terminating` (the drain timeout ran out: every call still running ends
//! cleanly, its pending futures fail with `EndCause::Shutdown`, its stream closes with OK so
//! the platform can continue at the PerCL `actionUrl`).

use std::sync::Arc;

use tokio::sync::watch;

/// Where the server is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Taking calls.
    Running,
    /// Not taking new calls; live calls continue.
    Draining,
    /// Ending every call now.
    Terminating,
}

/// A handle on the server's phase; clones share it.
#[derive(Debug, Clone)]
pub struct Shutdown {
    /// The phase, watched by every call's driver.
    tx: Arc<watch::Sender<Phase>>,
}

impl Default for Shutdown {
    fn default() -> Self {
        Self::new()
    }
}

impl Shutdown {
    /// A server in `Running`.
    pub fn new() -> Self {
        Self {
            tx: Arc::new(watch::Sender::new(Phase::Running)),
        }
    }

    /// The phase now.
    pub fn phase(&self) -> Phase {
        *self.tx.borrow()
    }

    /// Stops taking new calls.
    pub fn drain(&self) {
        self.tx.send_if_modified(|p| {
            let change = *p == Phase::Running;
            if change {
                *p = Phase::Draining;
            }
            change
        });
    }

    /// Ends every call now.
    pub fn terminate(&self) {
        self.tx.send_replace(Phase::Terminating);
    }

    /// A receiver that sees every phase change.
    pub(crate) fn subscribe(&self) -> watch::Receiver<Phase> {
        self.tx.subscribe()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phases_only_move_forward() {
        let s = Shutdown::new();
        let rx = s.subscribe();
        s.drain();
        assert_eq!(*rx.borrow(), Phase::Draining);
        s.terminate();
        s.drain();
        assert_eq!(s.phase(), Phase::Terminating);
    }
}
