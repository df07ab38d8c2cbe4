//! The STT bridge against a scripted in-memory recogniser, in virtual time: real-time pacing
//! with silence, soft and hard restarts that lose no word, broken streams reopened, an
//! unreachable service reported once.
//!
//! The fake recogniser hears "words" as bursts of constant amplitude: a burst at 100·k is the
//! word `wk`, final when the burst ends (or when the stream is half-closed mid-burst). Like a
//! hosted service it refuses streams longer than its limit and streams starved of audio.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use fcstream_speech::bridge::{BridgeConfig, SttBridge, SttEvent};
use fcstream_speech::{BoxFuture, SttConfig, SttError, SttStream, Transcriber, Transcript};
use tokio::sync::mpsc;
use tokio::time::{sleep, Instant};

const RATE: u32 = 8000;

#[derive(Default)]
struct Log {
    /// Per stream: samples received.
    samples: Vec<u64>,
    /// Errors the fake raised.
    errors: Vec<String>,
}

#[derive(Clone)]
struct Fake {
    log: Arc<Mutex<Log>>,
    /// Longest stream (audio time) the fake accepts.
    limit: Duration,
    /// Longest wall-clock gap without audio it accepts.
    audio_timeout: Duration,
    /// Break stream number N (0-based) after this much audio.
    break_stream: Option<(usize, Duration)>,
    /// Refuse every open.
    unreachable: bool,
}

impl Fake {
    fn new() -> Self {
        Self {
            log: Arc::default(),
            limit: Duration::from_secs(3600),
            audio_timeout: Duration::from_secs(1),
            break_stream: None,
            unreachable: false,
        }
    }
}

impl Transcriber for Fake {
    fn open(&self, _config: &SttConfig) -> BoxFuture<'_, Result<SttStream, SttError>> {
        let me = self.clone();
        Box::pin(async move {
            if me.unreachable {
                return Err(SttError::Unavailable("connection refused".into()));
            }
            let index = {
                let mut log = me.log.lock().unwrap();
                log.samples.push(0);
                log.samples.len() - 1
            };
            let (audio_tx, audio_rx) = mpsc::channel(64);
            let (results_tx, results_rx) = mpsc::channel(64);
            tokio::spawn(me.serve(index, audio_rx, results_tx));
            Ok(SttStream {
                audio: audio_tx,
                results: results_rx,
            })
        })
    }
}

impl Fake {
    async fn serve(
        self,
        index: usize,
        mut audio: mpsc::Receiver<Bytes>,
        results: mpsc::Sender<Result<Transcript, SttError>>,
    ) {
        let mut heard: u64 = 0;
        let mut current: i16 = 0;
        let fail = |why: String| {
            self.log.lock().unwrap().errors.push(why.clone());
            Err(SttError::Status {
                code: "OUT_OF_RANGE".into(),
                message: why,
            })
        };
        let word = |level: i16, at: u64| Transcript {
            text: format!("w{}", level / 100),
            is_final: true,
            stability: 1.0,
            confidence: 1.0,
            end_offset: Duration::from_secs_f64(at as f64 / f64::from(RATE)),
        };
        loop {
            let chunk = match tokio::time::timeout(self.audio_timeout, audio.recv()).await {
                Err(_) => {
                    let _ = results.send(fail("audio timeout".into())).await;
                    return;
                }
                Ok(None) => {
                    if current != 0 {
                        let _ = results.send(Ok(word(current, heard))).await;
                    }
                    return;
                }
                Ok(Some(c)) => c,
            };
            for pair in chunk.chunks_exact(2) {
                let s = i16::from_le_bytes([pair[0], pair[1]]);
                if s != current && current != 0 {
                    let _ = results.send(Ok(word(current, heard))).await;
                }
                current = s;
                heard += 1;
            }
            self.log.lock().unwrap().samples[index] = heard;
            let heard_time = Duration::from_secs_f64(heard as f64 / f64::from(RATE));
            if heard_time > self.limit {
                let _ = results.send(fail(format!("stream {index} too long"))).await;
                return;
            }
            if let Some((n, after)) = self.break_stream {
                if n == index && heard_time >= after {
                    let _ = results
                        .send(Err(SttError::Unavailable("connection reset".into())))
                        .await;
                    return;
                }
            }
        }
    }
}

/// Pushes `words` bursts of `burst` with `gap` of silence after each, in real (virtual) time,
/// 20 ms per chunk; then `tail` of silence; then closes. Returns every event.
async fn speak(
    bridge: &mut SttBridge,
    words: i16,
    burst: Duration,
    gap: Duration,
    tail: Duration,
) -> Vec<SttEvent> {
    let frame = (RATE / 50) as usize;
    let mut plan: Vec<i16> = Vec::new();
    for k in 1..=words {
        plan.extend(std::iter::repeat_n(k * 100, samples(burst)));
        plan.extend(std::iter::repeat_n(0, samples(gap)));
    }
    plan.extend(std::iter::repeat_n(0, samples(tail)));
    let start = Instant::now();
    let mut events = Vec::new();
    for (i, chunk) in plan.chunks(frame).enumerate() {
        assert!(bridge.push(chunk.to_vec()), "bridge stopped early");
        tokio::time::sleep_until(start + Duration::from_millis(20 * (i as u64 + 1))).await;
        while let Ok(Some(e)) = tokio::time::timeout(Duration::ZERO, bridge.next()).await {
            events.push(e);
        }
    }
    bridge.close();
    while let Some(e) = tokio::time::timeout(Duration::from_secs(30), bridge.next())
        .await
        .expect("bridge ends after close")
    {
        events.push(e);
    }
    events
}

fn samples(d: Duration) -> usize {
    (d.as_secs_f64() * f64::from(RATE)) as usize
}

fn finals(events: &[SttEvent]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for e in events {
        if let SttEvent::Final(t) = e {
            out.push(t.text.clone());
        }
    }
    out
}

fn config() -> BridgeConfig {
    BridgeConfig {
        stt: SttConfig {
            sample_rate: RATE,
            ..SttConfig::default()
        },
        restart_after: Duration::from_secs(3),
        max_stream: Duration::from_secs(5),
        ..BridgeConfig::default()
    }
}

#[tokio::test(start_paused = true)]
async fn soft_restarts_at_pauses_lose_no_word() {
    let fake = Fake {
        limit: Duration::from_secs(6),
        ..Fake::new()
    };
    let mut bridge = SttBridge::start(Arc::new(fake.clone()), config());
    let ms = Duration::from_millis;
    let events = speak(&mut bridge, 30, ms(200), ms(400), ms(500)).await;
    let expected: Vec<String> = (1..=30).map(|k| format!("w{k}")).collect();
    assert_eq!(finals(&events), expected, "every word once, in order");
    let restarts: Vec<bool> = events
        .iter()
        .filter_map(|e| match e {
            SttEvent::Restarted { hard, .. } => Some(*hard),
            _ => None,
        })
        .collect();
    assert!(
        restarts.len() >= 3,
        "18 s of audio needs restarts: {restarts:?}"
    );
    assert!(
        restarts.iter().all(|h| !h),
        "pauses were there: {restarts:?}"
    );
    let log = fake.log.lock().unwrap();
    assert!(
        log.errors.is_empty(),
        "no stream hit a limit: {:?}",
        log.errors
    );
    // Offsets are on the bridge clock: monotone across streams.
    let offsets: Vec<Duration> = events
        .iter()
        .filter_map(|e| match e {
            SttEvent::Final(t) => Some(t.end_offset),
            _ => None,
        })
        .collect();
    assert!(offsets.windows(2).all(|w| w[0] <= w[1]), "{offsets:?}");
    let last = *offsets.last().unwrap();
    assert!(
        last >= Duration::from_millis(17_600) && last < Duration::from_millis(17_700),
        "word 30 ends at 29·600+200 ms = 17.6 s: {last:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn hard_restart_without_pauses_loses_no_word() {
    let fake = Fake {
        limit: Duration::from_millis(5_500),
        ..Fake::new()
    };
    let mut bridge = SttBridge::start(Arc::new(fake.clone()), config());
    let ms = Duration::from_millis;
    // Continuous speech: gaps of one frame never make a 300 ms pause.
    let events = speak(&mut bridge, 60, ms(200), ms(20), ms(100)).await;
    let mut heard = finals(&events);
    heard.dedup();
    let expected: Vec<String> = (1..=60).map(|k| format!("w{k}")).collect();
    assert_eq!(
        heard, expected,
        "every word at least once, in order (a seam may repeat one)"
    );
    assert!(
        events
            .iter()
            .any(|e| matches!(e, SttEvent::Restarted { hard: true, .. })),
        "13 s without a pause forces a hard restart"
    );
    let log = fake.log.lock().unwrap();
    assert!(
        log.errors.is_empty(),
        "no stream hit the limit: {:?}",
        log.errors
    );
}

#[tokio::test(start_paused = true)]
async fn silence_keeps_the_stream_in_real_time() {
    let fake = Fake::new();
    let mut bridge = SttBridge::start(Arc::new(fake.clone()), config());
    // The app pushes nothing for 2.5 s (e.g. it stopped reading caller audio).
    sleep(Duration::from_millis(2_500)).await;
    let sent = bridge
        .stats()
        .silence_samples
        .load(std::sync::atomic::Ordering::Relaxed);
    let got = fake.log.lock().unwrap().samples[0];
    assert!(
        got as f64 >= 2.3 * f64::from(RATE) && got as f64 <= 2.5 * f64::from(RATE),
        "the recogniser heard about 2.5 s of audio, never ahead of real time: {got}"
    );
    assert_eq!(got, sent, "all of it silence made up by the bridge");
    assert!(
        fake.log.lock().unwrap().errors.is_empty(),
        "no audio timeout"
    );
    bridge.close();
    while bridge.next().await.is_some() {}
}

#[tokio::test(start_paused = true)]
async fn a_broken_stream_is_reported_and_reopened() {
    let fake = Fake {
        break_stream: Some((0, Duration::from_millis(1_500))),
        ..Fake::new()
    };
    let mut bridge = SttBridge::start(Arc::new(fake.clone()), config());
    let ms = Duration::from_millis;
    let events = speak(&mut bridge, 6, ms(200), ms(400), ms(500)).await;
    let broken = events
        .iter()
        .filter(|e| matches!(e, SttEvent::Broken(_)))
        .count();
    assert_eq!(broken, 1, "{events:?}");
    assert!(events
        .iter()
        .any(|e| matches!(e, SttEvent::Restarted { .. })));
    assert!(!events.iter().any(|e| matches!(e, SttEvent::Failed(_))));
    let heard = finals(&events);
    // Words after the reconnect are heard again.
    assert!(
        heard.contains(&"w5".to_string()) && heard.contains(&"w6".to_string()),
        "{heard:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn an_unreachable_service_fails_once_and_stops() {
    let fake = Fake {
        unreachable: true,
        ..Fake::new()
    };
    let mut bridge = SttBridge::start(Arc::new(fake), config());
    let mut events = Vec::new();
    while let Some(e) = tokio::time::timeout(Duration::from_secs(10), bridge.next())
        .await
        .expect("the bridge gives up within its backoff")
    {
        events.push(e);
    }
    assert_eq!(events.len(), 1, "{events:?}");
    assert!(matches!(
        &events[0],
        SttEvent::Failed(SttError::Unavailable(_))
    ));
    assert!(!bridge.push(vec![0; 160]), "a stopped bridge refuses audio");
}
