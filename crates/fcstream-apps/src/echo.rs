//! The echo app: plays the caller's audio back and presses each key the caller pressed, like
//! FreeClimb's official example servers. The smallest app that exercises both directions.

use fcstream::call::KeyPresses;
use fcstream::{Audio, Call, Event, Result};
use tracing::debug;

/// How long the echo holds each key it presses back.
const PRESS_MS: u32 = 100;
/// Silence between keys.
const BREAK_MS: u32 = 50;

/// Runs one echo call until the platform ends it.
pub async fn echo(call: Call) -> Result<()> {
    let content_type = call.info().content_type;
    let (control, mut events) = call.split();
    let mut presses = KeyPresses::default();
    while let Some(event) = events.next().await {
        if let Event::Audio(frame) = &event {
            // Queue the frame and move on: the pacer keeps order, the outcome is not needed.
            let audio = Audio::from_wire(content_type, frame.data.clone())?;
            control.start_play(audio).await?;
        } else if let Some(digit) = presses.press(&event) {
            let control = control.clone();
            tokio::spawn(async move {
                if let Err(e) = control
                    .press_dtmf(&digit.to_string(), PRESS_MS, BREAK_MS)
                    .await
                {
                    debug!(error = %e, %digit, "echoing a key press failed");
                }
            });
        }
    }
    Ok(())
}
