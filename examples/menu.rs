//! A phone menu in straight-line async Rust: greet, ask for a key, answer, hang up.
//!
//! Run it:   cargo run -p fcstream-examples --example menu
//! Call it:  cargo run -p fcstream-cli -- call http://127.0.0.1:50051 --dtmf 1@1.5s

use std::time::Duration;

use fcstream::{Audio, Call, Server};

/// A short rising chirp: the "prompt" (real apps play WAVs or TTS: `Audio::from_wav`).
fn prompt(freqs: &[f64]) -> Audio {
    let mut samples = Vec::new();
    for &f in freqs {
        samples.extend(Audio::tone(f, Duration::from_millis(150), 8000).samples());
    }
    Audio::from_pcm(8000, &samples)
}

async fn menu(mut call: Call) -> fcstream::Result<()> {
    tracing::info!(from = %call.info().from, "answering");
    call.play(prompt(&[440.0, 550.0, 660.0])).await?; // resolves when the caller heard it
    match call
        .gather_digits(1, Duration::from_secs(5))
        .await?
        .as_deref()
    {
        Some("1") => {
            call.play(prompt(&[660.0, 880.0])).await?;
            call.press_dtmf("1#", 120, 60).await?; // the caller hears the keys
        }
        Some(other) => tracing::info!(%other, "unknown choice"),
        None => tracing::info!("no key pressed"),
    }
    call.hangup().await?; // resolves when the platform reports the call ended
    Ok(())
}

#[tokio::main]
async fn main() -> fcstream::Result<()> {
    tracing_subscriber::fmt().init();
    Server::bind("0.0.0.0:50051").serve(menu).await
}
