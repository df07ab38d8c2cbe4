//! The soak's platform in a deterministic test: the real echo app against a platform that
//! acknowledges only one play in ten (started and completed for every tenth `PlayAudioMessage`,
//! nothing for the other nine, which is what `bench/soak` runs for ten minutes). The live heap
//! is counted by a global allocator, so "does not grow" is a byte count, not an RSS reading:
//! anything the session, the pacer, the ledger or the transport kept per frame would show up
//! over 30,000 frames (ten minutes of one call). One test in this binary, so nothing else
//! allocates meanwhile.

#[path = "../../fcstream/tests/common/mod.rs"]
mod common;
#[path = "../../fcstream/tests/counting/mod.rs"]
mod counting;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use bytes::Bytes;
use common::*;
use fcstream::proto::grpc_stream_service_client::GrpcStreamServiceClient;
use fcstream::proto::PlatformMessage;
use fcstream::{Ack, AudioFrame, CallConfig, Command, ContentType, Event};
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;

#[global_allocator]
static ALLOCATOR: counting::Counting = counting::Counting;

/// Sends `n` caller frames, paced by the echo itself: at most `window` frames are ahead of the
/// echoes read back, so the test is a long call at the echo's own speed, not a flood.
async fn frames(
    tx: &mpsc::Sender<PlatformMessage>,
    echoed: &AtomicU64,
    next_seq: &mut u32,
    n: u32,
) {
    let window = 16;
    for _ in 0..n {
        let deadline = tokio::time::Instant::now() + SOON;
        while u64::from(*next_seq) >= echoed.load(Ordering::Relaxed) + window {
            assert!(
                tokio::time::Instant::now() < deadline,
                "the echo stopped answering"
            );
            tokio::task::yield_now().await;
        }
        let frame = Event::Audio(AudioFrame {
            data: Bytes::from(vec![(*next_seq % 251) as u8; 160]),
            sequence: *next_seq,
            start: None,
            end: None,
        });
        tx.send(frame.to_proto()).await.unwrap();
        *next_seq += 1;
    }
    // Settle: every frame echoed.
    let deadline = tokio::time::Instant::now() + SOON;
    while echoed.load(Ordering::Relaxed) < u64::from(*next_seq) {
        assert!(tokio::time::Instant::now() < deadline, "echoes missing");
        tokio::time::sleep(std::time::Duration::from_millis(2)).await;
    }
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
}

#[tokio::test]
async fn one_ack_in_ten_does_not_grow_an_echo_call() {
    let channel = serve_in_memory(fcstream_apps::echo, CallConfig::default()).await;
    let idle = counting::live();
    let (tx, rx) = mpsc::channel(256);
    let mut inbound = GrpcStreamServiceClient::new(channel)
        .send_ivr_data(ReceiverStream::new(rx))
        .await
        .expect("stream opens")
        .into_inner();
    tx.send(Event::CallStarted(call_info("CA-soak", ContentType::Mulaw8k)).to_proto())
        .await
        .unwrap();
    // The platform: reads every command; acknowledges (started, completed) one play in ten.
    let echoed = Arc::new(AtomicU64::new(0));
    let acks = tx.clone();
    let seen = echoed.clone();
    let reader = tokio::spawn(async move {
        let mut plays = 0u64;
        while let Ok(Some(msg)) = inbound.message().await {
            if let Ok(Command::PlayAudio { id, .. }) = Command::from_proto(msg) {
                plays += 1;
                if plays % 10 == 0 {
                    for kind in [Event::PlaybackStarted, Event::PlaybackCompleted] {
                        let ack = kind(Ack {
                            id: id.clone(),
                            at: None,
                        });
                        if acks.send(ack.to_proto()).await.is_err() {
                            return plays;
                        }
                    }
                }
                seen.fetch_add(1, Ordering::Relaxed);
            }
        }
        plays
    });
    let mut seq = 0u32;
    // Warm up (one minute of a call): every per-call bound reached.
    frames(&tx, &echoed, &mut seq, 3_000).await;
    let warm = counting::live();
    // Nine more minutes.
    frames(&tx, &echoed, &mut seq, 27_000).await;
    let after = counting::live();
    let (call, growth) = (after - idle, after - warm);
    println!(
        "live heap: server idle {idle} B; the call after 3,000 frames {warm} B, after 30,000 \
         {after} B (the call holds {call} B; growth {growth} B)"
    );
    // Anything kept per frame would be at least 27,000 × 8 bytes; one buffer's capacity
    // doubling is allowed.
    assert!(
        growth < 64 * 1024,
        "an echo call with one ack in ten grew {growth} bytes over 27,000 more frames"
    );
    assert!(
        call < 1024 * 1024,
        "the call holds {call} bytes, over the documented 1 MiB bound"
    );
    tx.send(caller_hung_up("CA-soak")).await.unwrap();
    drop(tx);
    let plays = reader.await.unwrap();
    assert_eq!(plays, 30_000, "every frame echoed once");
}
