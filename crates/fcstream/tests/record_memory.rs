//! Retained bytes per recorded call, counted by a global allocator (deterministic, not a
//! timing): 100 calls recorded at once (`fcstream::record`), each having echoed 100
//! acknowledged frames, hold at most the per-call bound of `retained_per_call.rs` plus the
//! recording's documented allowance (docs/RECORDING.md). The platform side sends its frames as
//! fast as it can, so each recording also holds the most caller audio it may keep ahead of
//! the call's clock: this is the bound under a flood, not an idle call's share. One test in
//! this binary (the counters are process-wide).

mod common;
mod counting;

use std::time::Duration;

use common::*;
use fcstream::record::Recorder;
use fcstream::server::ServiceOptions;
use fcstream::{CallConfig, ContentType, Handler};
use tonic::transport::Channel;

#[global_allocator]
static ALLOCATOR: counting::Counting = counting::Counting;

/// Lets every task settle (acknowledgements processed, chunks written, buffers released).
async fn settle(recorder: &Recorder) {
    for _ in 0..50 {
        tokio::task::yield_now().await;
    }
    // The writers' blocking writes finish on other threads.
    tokio::time::sleep(Duration::from_millis(200)).await;
    for _ in 0..50 {
        tokio::task::yield_now().await;
    }
    let _ = recorder;
}

/// [`serve_in_memory`] with every call recorded by `recorder`.
async fn serve_recorded<H: Handler>(handler: H, recorder: Recorder) -> Channel {
    let options = ServiceOptions {
        recorder: Some(recorder),
        ..ServiceOptions::default()
    };
    serve_in_memory_with(handler, CallConfig::default(), options).await
}

#[tokio::test]
async fn a_hundred_recorded_calls_stay_within_the_bound_plus_the_recording_allowance() {
    let dir = std::env::temp_dir().join(format!("fcstream-record-memory-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let recorder = Recorder::new(&dir);
    let channel = serve_recorded(echo, recorder.clone()).await;
    // One call first: the connection, the runtime, the blocking pool and every lazy global at
    // working size.
    let mut first = Platform::start(channel.clone(), call_info("CA-0", ContentType::Mulaw8k)).await;
    echo_acknowledged(&mut first, 100).await;
    settle(&recorder).await;
    let before = counting::live();
    let n = 100;
    let mut calls = echoed_calls(&channel, n, 100).await;
    settle(&recorder).await;
    let after = counting::live();
    let per_call = (after - before) as f64 / n as f64;
    let bound = BOUND_RETAINED + RECORDING_ALLOWANCE;
    println!(
        "retained per recorded call (both sides of the in-memory stream; {} recordings open): \
         {per_call:.0} bytes (bound {bound:.0} = {BOUND_RETAINED:.0} per call + \
         {RECORDING_ALLOWANCE:.0} recording allowance)",
        recorder.in_progress()
    );
    assert_eq!(
        recorder.in_progress(),
        n + 1,
        "every call is being recorded"
    );
    assert!(
        per_call <= bound,
        "{per_call:.0} bytes retained per recorded call (bound {bound:.0})"
    );
    // Every recording closes once its call ends.
    for p in &mut calls {
        p.send_raw(caller_hung_up(&p.info.call_id)).await;
    }
    first.send_raw(caller_hung_up("CA-0")).await;
    drop(calls);
    drop(first);
    tokio::time::timeout(SOON, recorder.idle())
        .await
        .expect("every recording closed");
    let wavs = std::fs::read_dir(&dir)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "wav"))
        })
        .count();
    assert_eq!(wavs, n + 1);

    // Allocations per echoed frame, recorded and not (same process, one call at a time).
    let plain = serve_in_memory(echo, CallConfig::default()).await;
    let unrecorded = allocations_per_frame(plain, "CA-plain").await;
    let recorded = allocations_per_frame(channel, "CA-recorded").await;
    println!(
        "allocations per echoed frame (median of 20 windows of 100): {unrecorded:.3} without \
         recording, {recorded:.3} recorded"
    );
    assert!(
        recorded - unrecorded <= BOUND_EXTRA_ALLOCS,
        "recording costs {:.3} allocations per echoed frame (bound {BOUND_EXTRA_ALLOCS})",
        recorded - unrecorded
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// The median allocations per echoed, acknowledged frame of one call on `channel`.
async fn allocations_per_frame(channel: Channel, id: &str) -> f64 {
    let mut p = Platform::start(channel, call_info(id, ContentType::Mulaw8k)).await;
    echo_acknowledged(&mut p, 500).await;
    let mut windows = Vec::new();
    for _ in 0..20 {
        let a0 = counting::allocations();
        echo_acknowledged(&mut p, 100).await;
        windows.push((counting::allocations() - a0) as f64 / 100.0);
    }
    windows.sort_by(f64::total_cmp);
    windows[windows.len() / 2]
}

/// Allocations a recording may add per echoed frame. Its own buffers circulate, so only a
/// chunk handed to the writer allocates (about one per 14 frames here, each a blocking-pool
/// task: 0.12). The rest is the codec's: the entries a recording holds until the call's clock
/// plays them are slices of the 1 KiB receive buffer (`proto::CODEC_BUFFER_BYTES`, zero-copy
/// audio), so while this flood keeps up to `MAX_LEAD` of them held, the decoder takes a fresh
/// buffer every few frames: measured +0.49..0.52 in all (0.12 with tonic's 8 KiB buffers,
/// which cost 28 KB more per call). One allocation per frame fails it.
const BOUND_EXTRA_ALLOCS: f64 = 0.75;

/// The per-call bound of `retained_per_call.rs` (an idle call, both sides of the stream).
const BOUND_RETAINED: f64 = 72.0 * 1024.0;

/// What a recording may add per call, as docs/RECORDING.md documents it: its two chunk
/// buffers (4 KiB each) and the ones on their way back from the writer, the caller audio held
/// ahead of the call's clock (at most `MAX_LEAD`, 0.5 s: 8 KiB at 8 kHz in a `VecDeque` that
/// doubles), the placement's queues and the writer task. Measured: see the test's output.
const RECORDING_ALLOWANCE: f64 = 48.0 * 1024.0;
