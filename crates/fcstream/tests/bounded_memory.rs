//! A call's memory is bounded whatever the platform does: a platform that floods caller audio
//! and key presses and never acknowledges anything cannot grow the server's live heap beyond a
//! fixed amount, however long it goes on. Measured with a counting global allocator (bytes
//! allocated and not yet freed, process-wide), so the bound is deterministic, not a timing.
//! One test in this binary, so nothing else allocates meanwhile.

mod common;
mod counting;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use bytes::Bytes;
use common::*;
use fcstream::proto::grpc_stream_service_client::GrpcStreamServiceClient;
use fcstream::proto::PlatformMessage;
use fcstream::{Audio, Call, CallConfig, ContentType, Event};
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;

#[global_allocator]
static ALLOCATOR: counting::Counting = counting::Counting;

/// Presses the session released unanswered.
static RELEASED: AtomicU64 = AtomicU64::new(0);

/// An echo that also presses every key back, counting what it handled.
fn counting_echo(handled: Arc<AtomicU64>) -> impl fcstream::Handler {
    move |call: Call| {
        let handled = handled.clone();
        async move {
            let ct = call.info().content_type;
            let (control, mut events) = call.split();
            let mut presses = fcstream::call::KeyPresses::default();
            let mut seen = 0u64;
            let mut in_flight = tokio::task::JoinSet::new();
            while let Some(event) = events.next().await {
                if let Event::Audio(frame) = &event {
                    control
                        .start_play(Audio::from_wire(ct, frame.data.clone())?)
                        .await?;
                } else if let Some(digit) = presses.press(&event) {
                    // Each press waits in the session for an acknowledgement that never comes:
                    // the session must release the oldest beyond its bound (64), or these 200
                    // would wait forever and no new key would be pressed.
                    while in_flight.try_join_next().is_some() {}
                    if in_flight.len() < 200 {
                        let c = control.clone();
                        in_flight.spawn(async move {
                            let r = c.press_dtmf(&digit.to_string(), 100, 50).await;
                            if matches!(r, Err(fcstream::Error::Unacknowledged { .. })) {
                                RELEASED.fetch_add(1, Ordering::Relaxed);
                            }
                        });
                    }
                }
                // Handled, or dropped unread by the event queue (a flood outruns any app).
                handled.store(
                    handled
                        .load(Ordering::Relaxed)
                        .max(seen + 1 + events.dropped_events()),
                    Ordering::Relaxed,
                );
                seen += 1;
            }
            Ok(())
        }
    }
}

/// Sends `n` rounds of (one frame, one key press) and waits until the app handled them all.
async fn flood(tx: &mpsc::Sender<PlatformMessage>, handled: &AtomicU64, n: u64) {
    let before = handled.load(Ordering::Relaxed);
    for i in 0..n {
        let frame = Event::Audio(fcstream::AudioFrame {
            data: Bytes::from_static(&[0x55; 160]),
            sequence: i as u32,
            start: None,
            end: None,
        });
        tx.send(frame.to_proto()).await.unwrap();
        tx.send(
            Event::DtmfStarted {
                digit: '7',
                at: None,
            }
            .to_proto(),
        )
        .await
        .unwrap();
    }
    let deadline = tokio::time::Instant::now() + SOON;
    while handled.load(Ordering::Relaxed) < before + 2 * n {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the app stopped handling events"
        );
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    // Let the call's task settle what it was given.
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
}

#[tokio::test]
async fn a_platform_that_never_acknowledges_cannot_grow_a_call() {
    let handled = Arc::new(AtomicU64::new(0));
    let channel = serve_in_memory(counting_echo(handled.clone()), CallConfig::default()).await;
    let idle = counting::live();
    let (tx, rx) = mpsc::channel(256);
    let mut inbound = GrpcStreamServiceClient::new(channel)
        .send_ivr_data(ReceiverStream::new(rx))
        .await
        .expect("stream opens")
        .into_inner();
    tx.send(Event::CallStarted(call_info("CA-flood", ContentType::Mulaw8k)).to_proto())
        .await
        .unwrap();
    // The platform reads what the app sends (so nothing backs up in transport) and answers
    // nothing.
    let reader = tokio::spawn(async move {
        let mut commands = 0u64;
        while let Ok(Some(_)) = inbound.message().await {
            commands += 1;
        }
        commands
    });
    // Warm up: every bound reached (plays waiting, presses waiting, queues at capacity).
    flood(&tx, &handled, 10_000).await;
    let warm = counting::live();
    // As much again, then twice more: the live heap must not follow.
    flood(&tx, &handled, 20_000).await;
    let after = counting::live();
    let (call, growth) = (after - idle, after - warm);
    println!(
        "live heap: server idle {idle} B; with the flooded call {warm} B after 10,000 frames and \
         key presses, {after} B after 30,000 (the call holds {call} B; growth {growth} B)"
    );
    // Anything retained per frame or per key press would be at least 20,000 × 8 bytes; a
    // buffer's capacity doubling once is allowed (measured: about 14 KiB).
    assert!(
        growth < 64 * 1024,
        "a call with no acknowledgements grew {growth} bytes over 20,000 more frames and key presses"
    );
    let released = RELEASED.load(Ordering::Relaxed);
    assert!(
        released > 1_000,
        "only {released} unanswered presses were released: waiters pile up"
    );
    assert!(
        call < 1024 * 1024,
        "a flooded call holds {call} bytes, over the documented 1 MiB bound"
    );
    tx.send(caller_hung_up("CA-flood")).await.unwrap();
    drop(tx);
    let commands = reader.await.unwrap();
    assert!(commands > 0);
}
