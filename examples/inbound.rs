//! A complete inbound FreeClimb app in one file: the webhook answers with `AudioStream`, the
//! stream greets the caller and takes a key, and the call ends with PerCL once the stream does.
//!
//! Run:  FCSTREAM_SIGNING_SECRET=… PUBLIC_GRPC_URL=https://grpc.example.com:443 \
//!       cargo run -p fcstream-examples --example inbound
//! Then set the number's voice URL to https://<this host>/inbound (port 8080 here).

use std::time::Duration;

use fcstream::http::{WebhookConfig, Webhooks};
use fcstream::percl::Percl;
use fcstream::{Audio, Call, Server};

/// The stream: FreeClimb's `callId` arrives in the metadata the webhook answer put there.
async fn answer(mut call: Call) -> fcstream::Result<()> {
    let meta = &call.info().metadata;
    let call_id = meta.iter().find_map(|m| m.strip_prefix("callId="));
    let call_id = call_id.unwrap_or("?").to_string();
    tracing::info!(%call_id, "stream started");
    call.play(Audio::tone(880.0, Duration::from_millis(200), 8000))
        .await?;
    let key = call.gather_digits(1, Duration::from_secs(5)).await?;
    tracing::info!(%call_id, ?key, "caller answered");
    Ok(()) // the stream ends; FreeClimb asks /stream-ended what to do next
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt().init();
    let grpc_url =
        std::env::var("PUBLIC_GRPC_URL").unwrap_or_else(|_| "https://grpc.example.com:443".into());
    let secret = std::env::var("FCSTREAM_SIGNING_SECRET").unwrap_or_default();
    let webhooks = Webhooks::new(WebhookConfig::new(grpc_url).signing_secret(secret))
        .on_inbound(|req, stream| async move {
            tracing::info!(call_id = %req.call_id, from = %req.from, "inbound call");
            Percl::new()
                .say("Hello! Press a key after the beep.")
                .audio_stream(stream)
        })
        .on_stream_ended(|_req| async { Percl::new().say("Thank you. Goodbye.").hangup() });

    let http = tokio::net::TcpListener::bind("0.0.0.0:8080").await?;
    let (stop_http, stopped) = tokio::sync::oneshot::channel::<()>();
    let web = tokio::spawn(fcstream::http::serve(http, webhooks.router(), async {
        let _ = stopped.await;
    }));
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    Server::bind("0.0.0.0:50051")
        .serve_with_shutdown(answer, ctrl_c)
        .await?;
    let _ = stop_http.send(()); // after the calls drained: their /stream-ended still answered
    web.await??;
    Ok(())
}
