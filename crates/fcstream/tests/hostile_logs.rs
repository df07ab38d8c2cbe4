//! The text log under hostile platform input, against the real server over loopback gRPC: wire
//! text cannot forge a log line or drive the operator's terminal, and repeated hostile
//! messages are counted, not logged one line each. Its own test binary: the log capture is a
//! thread-local subscriber, and tracing caches per call site whether anyone listens, so a test
//! on another thread without one would silence it.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use common::*;
use fcstream::proto::{platform_message, PlatformMessage};
use fcstream::{Call, CallConfig, ContentType, EndReason, Event};

/// Captures the text log (the CLI's default format) of everything run on this thread.
#[derive(Clone, Default)]
struct Log(Arc<Mutex<Vec<u8>>>);

impl Write for Log {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Log {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
    fn install(&self) -> tracing::subscriber::DefaultGuard {
        let log = self.clone();
        tracing::subscriber::set_default(
            tracing_subscriber::fmt()
                .with_ansi(false)
                .with_max_level(tracing::Level::INFO)
                .with_writer(move || log.clone())
                .finish(),
        )
    }
}

/// Reads events until the call ends.
async fn listen(mut call: Call) -> fcstream::Result<()> {
    while call.next().await.is_some() {}
    Ok(())
}

#[tokio::test]
async fn wire_text_cannot_forge_log_lines_and_repeats_are_counted_not_logged() {
    let log = Log::default();
    let _guard = log.install();
    let server = serve_tcp(listen, CallConfig::default()).await;
    let forged = "CA-evil\n2026-12-01T00:00:00.000000Z  INFO fcstream: forged line\u{1b}[2J";
    let mut p = Platform::start(
        connect(&server.url).await,
        call_info(forged, ContentType::Mulaw8k),
    )
    .await;
    for i in 0..3_000 {
        p.send(Event::Error {
            id: format!("e{i}\nINFO forged"),
            message: "m\u{1b}[31m".into(),
        })
        .await;
        // A DTMF notification with a digit no keypad has: malformed, skipped.
        p.send_raw(PlatformMessage {
            payload: Some(platform_message::Payload::NotifyDtmfReceivedStartData(
                fcstream::proto::platform_message::NotifyDtmfReceivedStartedMessage {
                    digit: "Z\nINFO forged".into(),
                    ..Default::default()
                },
            )),
        })
        .await;
    }
    p.end(EndReason::CallerDisconnect).await;
    let text = wait_for(|| {
        let t = log.text();
        t.contains("call ended").then_some(t)
    })
    .await;
    assert!(!text.contains("\u{1b}"), "a raw ESC reached the log");
    for line in text.lines() {
        assert!(
            !line.starts_with("2026-12-01T00:00:00.000000Z") && !line.starts_with("INFO forged"),
            "forged line: {line:?}"
        );
    }
    assert!(
        text.contains("CA-evil\\n2026-12-01"),
        "the call id is logged, escaped"
    );
    let errors = text.matches("platform reported an error").count();
    let malformed = text.matches("malformed platform message skipped").count();
    assert!(
        errors <= 3 && malformed <= 3,
        "{errors} + {malformed} warnings for 6,000 hostile messages"
    );
    assert!(text.lines().count() < 40, "{} lines", text.lines().count());
}
