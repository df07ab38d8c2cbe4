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
    /// The call's heard ledger. Written when plays end, never shared with another call.
    pub(crate) heard: Mutex<Ledger>,
}

/// Prompts (plays the app named: `play_prompt`, `start_play_prompt`) a call's heard ledger
/// keeps.
pub(crate) const LEDGER_CAPACITY: usize = 256;

/// Plain plays (`play`, `start_play`: an echo makes one per frame) the ledger keeps: the last
/// few, so that audio that is not a prompt costs the ledger a fixed few hundred bytes.
pub(crate) const LEDGER_PLAIN_CAPACITY: usize = 16;

/// What the caller heard: the last prompts and the last plain plays, each in the order they
/// ended.
#[derive(Debug, Default)]
pub(crate) struct Ledger {
    /// Records so far (orders the two lists against each other).
    seq: u64,
    /// The last [`LEDGER_CAPACITY`] prompts.
    prompts: VecDeque<(u64, Heard)>,
    /// The last [`LEDGER_PLAIN_CAPACITY`] plain plays.
    plain: VecDeque<(u64, Heard)>,
}

impl Ledger {
    /// Adds a record; `prompt` says which list it belongs to.
    fn push(&mut self, prompt: bool, heard: Heard) {
        let (list, cap) = if prompt {
            (&mut self.prompts, LEDGER_CAPACITY)
        } else {
            (&mut self.plain, LEDGER_PLAIN_CAPACITY)
        };
        if list.len() == cap {
            list.pop_front();
        }
        list.push_back((self.seq, heard));
        self.seq += 1;
    }

    /// Every record kept, in the order the plays ended.
    pub(crate) fn records(&self) -> Vec<Heard> {
        let mut all: Vec<&(u64, Heard)> = self.prompts.iter().chain(&self.plain).collect();
        all.sort_by_key(|(seq, _)| *seq);
        all.into_iter().map(|(_, h)| h.clone()).collect()
    }
}

impl Shared {
    /// Adds ended plays to the ledger, dropping the oldest beyond its capacity. Called on
    /// every pass of the driver's loop: takes the lock only when a play ended.
    pub(crate) fn record(&self, ended: impl ExactSizeIterator<Item = (bool, Heard)>) {
        if ended.len() == 0 {
            return;
        }
        let mut ledger = match self.heard.lock() {
            Ok(l) => l,
            Err(poisoned) => poisoned.into_inner(),
        };
        for (prompt, h) in ended {
            ledger.push(prompt, h);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::call::PlayOutcome;
    use std::time::Duration;

    fn heard(id: String) -> Heard {
        Heard {
            id,
            text: None,
            duration: Duration::from_millis(20),
            played: Duration::from_millis(20),
            outcome: PlayOutcome::Completed,
        }
    }

    #[test]
    fn plain_plays_cost_a_fixed_few_records_and_prompts_keep_their_order() {
        let shared = Shared::default();
        for i in 0..1_000 {
            let prompt = i % 300 == 0;
            shared.record(
                [(
                    prompt,
                    heard(format!("{}{i}", if prompt { "prompt" } else { "p" })),
                )]
                .into_iter(),
            );
        }
        let records = shared.heard.lock().unwrap().records();
        let ids: Vec<_> = records.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(records.len(), 4 + LEDGER_PLAIN_CAPACITY, "{ids:?}");
        assert_eq!(
            &ids[..4],
            ["prompt0", "prompt300", "prompt600", "prompt900"]
        );
        assert_eq!(ids[4], "p984");
        assert_eq!(ids.last(), Some(&"p999"));
    }
}
