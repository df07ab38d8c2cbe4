//! The live caller ([`fcstream_emulator::live`]) against in-process apps in virtual time:
//! what the phone speaks is what the app receives, what the phone hears is exactly what the
//! report's `heard` holds, keys go both ways, and either side can end the call.

use std::time::Duration;

use fcstream::{Call, CallConfig, ContentType, Event};
use fcstream_emulator::live::{self, LiveEvent};
use fcstream_emulator::platform::{run_live, RunOptions};
use fcstream_emulator::{analysis, caller, in_process, CallOutcome, Dir, Script};

/// What the phone collected.
#[derive(Default)]
struct Collected {
    heard: Vec<i16>,
    digits: Vec<char>,
    timeline_kinds: Vec<(Dir, String)>,
    ended: Option<CallOutcome>,
}

#[tokio::test(start_paused = true)]
async fn a_live_caller_is_echoed_and_hears_exactly_the_report() {
    let channel = in_process::serve(fcstream_apps::echo, CallConfig::default())
        .await
        .unwrap();
    let script = Script::live(ContentType::Mulaw8k, Duration::from_secs(60)).call_id("CAlive");
    let (caller, mut phone) = live::pair(&script);
    let call = tokio::spawn(async move {
        run_live(channel, &script, &RunOptions::default(), caller)
            .await
            .unwrap()
    });
    // One second of voice-like sound, spoken 20 ms at a time on the clock, then quiet
    // for half a second, then the caller hangs up.
    let voice = caller::babble(160.0, Duration::from_secs(1), 8000);
    let mut chunks = voice.chunks(160);
    let mut tick = tokio::time::interval(Duration::from_millis(20));
    let hang_up_at = tokio::time::Instant::now() + Duration::from_millis(1500);
    let mut got = Collected::default();
    loop {
        tokio::select! {
            event = phone.next() => match event {
                Some(LiveEvent::Heard(s)) => got.heard.extend(s),
                Some(LiveEvent::Ended(o)) => got.ended = Some(o),
                Some(_) => {}
                None => break,
            },
            _ = tick.tick() => match chunks.next() {
                Some(chunk) => phone.speak(chunk),
                None if tokio::time::Instant::now() >= hang_up_at => phone.hang_up(),
                None => {}
            },
        }
    }
    let report = call.await.unwrap();
    assert_eq!(report.summary.outcome, CallOutcome::CallerHangup);
    assert_eq!(got.ended, Some(CallOutcome::CallerHangup));
    assert_eq!(
        report.summary.end_reason.as_deref(),
        Some("CALLER_DISCONNECT")
    );
    // The phone heard, sample for sample, what the report says the caller heard.
    assert_eq!(got.heard, report.heard);
    // The caller's recording holds the voice (µ-law round trip), and the echo carries it back.
    let said = &report.caller;
    let lag = analysis::delay(&voice, said, 1600).map(|d| d.0);
    assert!(
        matches!(lag, Some(l) if l <= 320),
        "voice in caller.wav at lag {lag:?}"
    );
    let echo_lag = analysis::delay(said, &report.heard, 1600)
        .map(|d| d.0)
        .unwrap();
    assert!(echo_lag <= 480, "echo after {echo_lag} samples");
    let (c, _) = analysis::correlation(said, &report.heard, 480).unwrap();
    assert!(c > 0.95, "echo correlation {c}");
    assert_eq!(report.summary.frames_dropped, 0);
    assert_eq!(
        phone
            .counters()
            .events_dropped
            .load(std::sync::atomic::Ordering::Relaxed),
        0
    );
}

/// Answers the caller's first key by pressing "12", then hangs up.
async fn keys_back(mut call: Call) -> fcstream::Result<()> {
    while let Some(event) = call.next().await {
        if let Event::DtmfEnded { digit, .. } = event {
            assert_eq!(digit, '5');
            call.press_dtmf("12", 100, 50).await?;
            call.hangup().await?;
            return Ok(());
        }
    }
    Ok(())
}

#[tokio::test(start_paused = true)]
async fn keys_go_both_ways_and_the_app_hangs_up() {
    let channel = in_process::serve(keys_back, CallConfig::default())
        .await
        .unwrap();
    let script = Script::live(ContentType::L16At8k, Duration::from_secs(60));
    let (caller, mut phone) = live::pair(&script);
    let call = tokio::spawn(async move {
        run_live(channel, &script, &RunOptions::default(), caller)
            .await
            .unwrap()
    });
    tokio::time::sleep(Duration::from_millis(200)).await;
    phone.press('5', Duration::from_millis(120));
    let mut got = Collected::default();
    let listened = tokio::time::timeout(Duration::from_secs(10), async {
        while let Some(event) = phone.next().await {
            match event {
                LiveEvent::Heard(s) => got.heard.extend(s),
                LiveEvent::Digit { digit, duration } => {
                    assert_eq!(duration, Duration::from_millis(100));
                    got.digits.push(digit);
                }
                LiveEvent::Timeline(e) => got.timeline_kinds.push((e.dir, e.kind)),
                LiveEvent::Ended(o) => got.ended = Some(o),
            }
        }
    })
    .await;
    assert!(listened.is_ok(), "the call did not end");
    let report = call.await.unwrap();
    assert_eq!(got.ended, Some(CallOutcome::AppHangup));
    assert_eq!(report.summary.dtmf.from_caller, "5");
    assert_eq!(got.digits, vec!['1', '2']);
    // The platform told the app of the key, and the phone saw every message as recorded.
    let to_app: Vec<&str> = got
        .timeline_kinds
        .iter()
        .filter(|(d, _)| *d == Dir::ToApp)
        .map(|(_, k)| k.as_str())
        .collect();
    assert!(to_app.contains(&"dtmf_started") || to_app.iter().any(|k| k.contains("dtmf")));
    assert_eq!(got.timeline_kinds.len(), report.timeline.len());
    // The keys' tones were heard too (DTMF detection on what the phone got).
    let keys: String = analysis::dtmf_keys(&got.heard, 8000)
        .into_iter()
        .map(|k| k.digit)
        .collect();
    assert_eq!(keys, "12");
}

/// Reads the call to its end, keeping the timeline.
async fn drain(
    phone: &mut fcstream_emulator::live::LivePhone,
) -> Vec<fcstream_emulator::TimelineEntry> {
    let mut entries = Vec::new();
    while let Some(event) = phone.next().await {
        if let LiveEvent::Timeline(e) = event {
            entries.push(e);
        }
    }
    entries
}

#[tokio::test(start_paused = true)]
async fn a_held_key_starts_when_pressed_and_ends_when_released() {
    let channel = in_process::serve(fcstream_apps::echo, CallConfig::default())
        .await
        .unwrap();
    let script = Script::live(ContentType::Mulaw8k, Duration::from_secs(60));
    let (caller, mut phone) = live::pair(&script);
    let call = tokio::spawn(async move {
        run_live(channel, &script, &RunOptions::default(), caller)
            .await
            .unwrap()
    });
    let keys = async {
        tokio::time::sleep(Duration::from_millis(200)).await;
        phone.key_down('7');
        tokio::time::sleep(Duration::from_millis(300)).await;
        phone.key_up();
        // A second key held, then another pressed over it: the first is released then.
        tokio::time::sleep(Duration::from_millis(200)).await;
        phone.key_down('8');
        tokio::time::sleep(Duration::from_millis(100)).await;
        phone.key_down('9');
        tokio::time::sleep(Duration::from_millis(100)).await;
        phone.key_up();
        phone.key_up(); // nothing held: nothing sent
        tokio::time::sleep(Duration::from_millis(200)).await;
        phone.hang_up();
        drain(&mut phone).await
    };
    let timeline = keys.await;
    let report = call.await.unwrap();
    assert_eq!(report.summary.dtmf.from_caller, "789");
    let keys: Vec<(String, u64)> = timeline
        .iter()
        .filter(|e| e.dir == Dir::ToApp && e.kind.contains("dtmf_received"))
        .map(|e| (format!("{}{}", e.kind, e.fields), e.t_ms as u64))
        .collect();
    let starts: Vec<u64> = keys
        .iter()
        .filter(|k| k.0.contains("start"))
        .map(|k| k.1)
        .collect();
    let ends: Vec<u64> = keys
        .iter()
        .filter(|k| !k.0.contains("start"))
        .map(|k| k.1)
        .collect();
    // Each within a frame of when it happened on the phone.
    let near = |got: &[u64], want: &[u64]| {
        got.len() == want.len() && got.iter().zip(want).all(|(g, w)| g.abs_diff(*w) <= 20)
    };
    assert!(
        near(&starts, &[200, 700, 800]),
        "starts {starts:?} ({keys:?})"
    );
    assert!(near(&ends, &[500, 800, 900]), "ends {ends:?} ({keys:?})");
}
