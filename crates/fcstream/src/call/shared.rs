//! What a call's task and the app's handles share: written once, when the call ends (why),
//! and once per ended play (the heard ledger). Never touched per frame, never shared between
//! calls.

use std::collections::VecDeque;
use std::sync::{Mutex, OnceLock};

use super::playback::Heard;
use crate::error::EndCause;

/// What the driver and the app's handles share: written once, when the call ends.
#[derive(Debug, Default)]
pub(crate) struct Shared {
    /// The clock the call runs on (the server's).
    pub(crate) clock: crate::time::Clock,
    /// Why the call ended; set before the driver lets go of anything the app waits on.
    pub(crate) ended: OnceLock<EndCause>,
    /// The call's heard ledger (the last [`LEDGER_CAPACITY`] plays). Written once per ended
    /// play, never per frame, and never shared with another call.
    pub(crate) heard: Mutex<VecDeque<Heard>>,
}

/// Plays a call's heard ledger keeps.
pub(crate) const LEDGER_CAPACITY: usize = 256;

impl Shared {
    /// Adds ended plays to the ledger, dropping the oldest beyond its capacity. Called on
    /// every pass of the driver's loop: takes the lock only when a play ended.
    pub(crate) fn record(&self, ended: impl ExactSizeIterator<Item = Heard>) {
        if ended.len() == 0 {
            return;
        }
        let mut ledger = match self.heard.lock() {
            Ok(l) => l,
            Err(poisoned) => poisoned.into_inner(),
        };
        for h in ended {
            if ledger.len() == LEDGER_CAPACITY {
                ledger.pop_front();
            }
            ledger.push_back(h);
        }
    }
}
