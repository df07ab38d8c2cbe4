//! A Twilio Media Streams echo bot: every `media` it gets goes straight back, the way a
//! Pipecat echo pipeline would. For trying `fcstream bridge` without Python, and for measuring
//! the bridge with `fcstream load` (which counts each frame's round trip):
//!
//! ```sh
//! cargo run --release -p fcstream-bridge --example echo_bot -- 127.0.0.1:8765 &
//! fcstream bridge --listen 127.0.0.1:50051 --ws ws://127.0.0.1:8765/ws &
//! fcstream load http://127.0.0.1:50051 --calls 200 --duration 30s --server-pid "$(pgrep -n -f 'fcstream bridge')"
//! ```

use futures_util::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::Message;

#[tokio::main(flavor = "current_thread")]
async fn main() -> std::io::Result<()> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:8765".into());
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    eprintln!("echo bot on ws://{}/ws", listener.local_addr()?);
    loop {
        let (tcp, _) = listener.accept().await?;
        tokio::spawn(async move {
            let _ = tcp.set_nodelay(true);
            let Ok(ws) = tokio_tungstenite::accept_async(tcp).await else {
                return;
            };
            let (mut tx, mut rx) = ws.split();
            while let Some(Ok(msg)) = rx.next().await {
                let Message::Text(text) = msg else { continue };
                let Ok(v) = serde_json::from_str::<serde_json::Value>(text.as_str()) else {
                    continue;
                };
                if v["event"] == "media" {
                    let reply = serde_json::json!({
                        "event": "media",
                        "streamSid": v["streamSid"],
                        "media": {"payload": v["media"]["payload"]},
                    });
                    if tx.send(Message::text(reply.to_string())).await.is_err() {
                        return;
                    }
                }
            }
        });
    }
}
