//! Reaching into a call while it runs, from outside its task: watch its timeline as it is
//! written ([`Observer`], for `fcstream call`'s progress lines) and hang up now ([`HangUp`],
//! for Ctrl-C). Both are optional parts of [`crate::RunOptions`]; a call without them runs
//! exactly as before.

use std::fmt;
use std::sync::Arc;

use tokio::sync::watch;

use crate::timeline::TimelineEntry;

/// Called with every timeline entry as the platform records it, in order, from the call's
/// task. It must return at once (hand the entry to a bounded queue, print a line): the
/// call's clock does not wait for it.
#[derive(Clone)]
pub struct Observer(Arc<dyn Fn(&TimelineEntry) + Send + Sync>);

impl Observer {
    /// An observer calling `f`.
    pub fn new(f: impl Fn(&TimelineEntry) + Send + Sync + 'static) -> Self {
        Self(Arc::new(f))
    }

    /// Calls it with `entry` (the platform does, for each entry it records).
    pub fn notify(&self, entry: &TimelineEntry) {
        (self.0)(entry)
    }
}

impl fmt::Debug for Observer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Observer(..)")
    }
}

/// A button that hangs up the call: once [`HangUp::hang_up`] is called (from any thread or
/// task, before or during the call), the platform ends the call as a caller hang-up would
/// (`NotifyCallEnded(CALLER_DISCONNECT)`, outcome `caller-hangup`), lets the app's side
/// finish as usual and returns the report of everything recorded so far. Clones share the
/// button.
#[derive(Clone, Debug)]
pub struct HangUp(Arc<watch::Sender<bool>>);

impl Default for HangUp {
    fn default() -> Self {
        Self(Arc::new(watch::Sender::new(false)))
    }
}

impl HangUp {
    /// A new button, not pressed.
    pub fn new() -> Self {
        Self::default()
    }

    /// Presses it.
    pub fn hang_up(&self) {
        self.0.send_replace(true);
    }

    /// Whether it was pressed.
    pub fn is_requested(&self) -> bool {
        *self.0.borrow()
    }

    /// Resolves once it is pressed (at once if it already was).
    pub async fn requested(&self) {
        let mut rx = self.0.subscribe();
        // The sender lives in `self`: `wait_for` cannot fail while we hold it.
        let _ = rx.wait_for(|pressed| *pressed).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_press_before_or_during_the_wait_is_seen() {
        let button = HangUp::new();
        assert!(!button.is_requested());
        let clone = button.clone();
        let waiter = tokio::spawn(async move { clone.requested().await });
        tokio::task::yield_now().await;
        button.hang_up();
        waiter.await.unwrap();
        // Already pressed: resolves at once.
        button.requested().await;
        assert!(button.is_requested());
    }
}
