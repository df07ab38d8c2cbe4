//! The echo app: plays the caller's audio back and presses each key the caller pressed, like
//! FreeClimb's official example servers. The smallest app that exercises both directions.

use fcstream::call::KeyPresses;
use fcstream::{Audio, Call, Event, Result};
use tokio::task::JoinSet;
use tracing::{debug, warn};

/// How long the echo holds each key it presses back.
const PRESS_MS: u32 = 100;
/// Silence between keys.
const BREAK_MS: u32 = 50;
/// Key presses echoed at once, waiting for the platform's completion. A platform that never
/// acknowledges them cannot make the echo hold more than this many (the rest are not echoed,
/// and counted).
pub const MAX_KEYS_IN_FLIGHT: usize = 16;

/// Runs one echo call until the platform ends it.
pub async fn echo(call: Call) -> Result<()> {
    let content_type = call.info().content_type;
    let (control, mut events) = call.split();
    // The echo never looks at playback notifications: without them it is woken once per
    // caller frame, not three times.
    events.skip_playback_events();
    let mut presses = KeyPresses::default();
    let mut in_flight = JoinSet::new();
    let mut skipped: u64 = 0;
    while let Some(event) = events.next().await {
        while in_flight.try_join_next().is_some() {}
        if let Event::Audio(frame) = &event {
            // Queue the frame and move on: the pacer keeps order, the outcome is not needed
            // (so no reply channel is made for it).
            let audio = Audio::from_wire(content_type, frame.data.clone())?;
            control.send_play(audio).await?;
        } else if let Some(digit) = presses.press(&event) {
            if in_flight.len() >= MAX_KEYS_IN_FLIGHT {
                skipped += 1;
                if skipped == 1 {
                    warn!(
                        limit = MAX_KEYS_IN_FLIGHT,
                        "the platform is not acknowledging key presses: further keys are not echoed"
                    );
                }
                continue;
            }
            let control = control.clone();
            in_flight.spawn(async move {
                if let Err(e) = control
                    .press_dtmf(&digit.to_string(), PRESS_MS, BREAK_MS)
                    .await
                {
                    debug!(error = %e, %digit, "echoing a key press failed");
                }
            });
        }
    }
    if skipped > 0 {
        warn!(skipped, "key presses not echoed (too many unacknowledged)");
    }
    Ok(())
}
