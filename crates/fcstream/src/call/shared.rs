//! What a call's task and the app's handles share: written once, when the call ends (why),
//! and once per ended play (the heard ledger). Never touched per frame, never shared between
//! calls.

use std::collections::VecDeque;
use std::sync::{Mutex, OnceLock};

use super::playback::{named, Heard, Record};
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
    prompts: VecDeque<(u64, Record)>,
    /// The last [`LEDGER_PLAIN_CAPACITY`] plain plays, unnamed (named when read: a record
    /// costs no allocation, whatever the rate of plays).
    plain: VecDeque<(u64, Record)>,
}

impl Ledger {
    /// Adds a record to the list it belongs to (prompt or plain play).
    fn push(&mut self, record: Record) {
        let (list, cap) = if record.0.is_none() {
            (&mut self.prompts, LEDGER_CAPACITY)
        } else {
            (&mut self.plain, LEDGER_PLAIN_CAPACITY)
        };
        if list.len() == cap {
            list.pop_front();
        }
        list.push_back((self.seq, record));
        self.seq += 1;
    }

    /// Every record kept, in the order the plays ended.
    pub(crate) fn records(&self) -> Vec<Heard> {
        let mut all: Vec<&(u64, Record)> = self.prompts.iter().chain(&self.plain).collect();
        all.sort_by_key(|(seq, _)| *seq);
        all.into_iter().map(|(_, r)| named(r.clone())).collect()
    }
}

impl Shared {
    /// Adds ended plays to the ledger, dropping the oldest beyond its capacity. Called on
    /// every pass of the driver's loop: takes the lock only when a play ended.
    pub(crate) fn record(&self, ended: impl ExactSizeIterator<Item = Record>) {
        if ended.len() == 0 {
            return;
        }
        let mut ledger = match self.heard.lock() {
            Ok(l) => l,
            Err(poisoned) => poisoned.into_inner(),
        };
        for record in ended {
            ledger.push(record);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::call::PlayOutcome;
    use std::time::Duration;

    fn heard(id: &str) -> Heard {
        Heard {
            id: id.into(),
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
            let record = if i % 300 == 0 {
                (None, heard(&format!("prompt{i}")))
            } else {
                (Some(i), heard(""))
            };
            shared.record([record].into_iter());
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
