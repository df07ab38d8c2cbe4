//! A naive echo written the obvious way with fcstream's public API: each caller frame is
//! decoded to samples, re-encoded, and played with `call.play(..).await`, one after another.
//! It is correct, and it shows the cost of awaiting each playback (the frames queue up
//! behind the platform's acknowledgements) next to `fcstream serve --app echo`, which queues
//! with `start_play` and moves on.
//!
//! Usage: `naive-echo [ADDR]`   (default 127.0.0.1:50072; prints "listening on ADDR")

use fcstream::{Audio, Call, Event, Server};

async fn naive(mut call: Call) -> fcstream::Result<()> {
    let content_type = call.info().content_type;
    while let Some(event) = call.next().await {
        if let Event::Audio(frame) = event {
            let samples = Audio::from_wire(content_type, frame.data)?.samples();
            call.play(Audio::encode(content_type, &samples)).await?;
        }
    }
    Ok(())
}

#[tokio::main]
async fn main() -> fcstream::Result<()> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:50072".into());
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    println!("listening on {}", listener.local_addr()?);
    Server::from_listener(listener).serve(naive).await
}
