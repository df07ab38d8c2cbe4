//! The Whisper engine behind the local Speech v1 service, over real loopback gRPC with the
//! Google client: finals, interims, confidence, phrase hints, one shared model under overload
//! (late finals, never empty), `RESOURCE_EXHAUSTED` past the queue bound, the metrics.
//!
//! Needs the model (`fcstream models install tiny.en`) and a voice (flite or espeak-ng);
//! skipped without them unless `FCSTREAM_REQUIRE_SPEECH=1`, which makes a missing model fail.

mod common;

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use fcstream_speech::engine::whisper::{is_installed, WhisperConfig, WhisperEngine, TINY_EN};
use fcstream_speech::engine::{Engine, ENGINE_RATE};
use fcstream_speech::google::GoogleStt;
use fcstream_speech::service::{serve_speech_with_metrics, SpeechMetrics, SpeechServiceOptions};
use fcstream_speech::tts::{EspeakNg, Flite, Synthesizer};
use fcstream_speech::{SttConfig, SttError, Transcriber, Transcript};

fn model_installed() -> bool {
    let c = WhisperConfig::installed(&TINY_EN);
    let ok = is_installed(&c.model_dir, &TINY_EN);
    if !ok {
        common::skip_speech(&format!(
            "the Whisper model is not installed in {} (fcstream models install tiny.en)",
            c.model_dir.display()
        ));
    }
    ok
}

/// 16 kHz speech of `text`: Flite when installed, else espeak-ng.
async fn speech(text: &str) -> Vec<i16> {
    let clip = if Flite::available() {
        Flite {
            sample_rate: Some(ENGINE_RATE),
            ..Flite::default()
        }
        .synthesize(text)
        .await
    } else {
        EspeakNg {
            sample_rate: Some(ENGINE_RATE),
            ..EspeakNg::default()
        }
        .synthesize(text)
        .await
    };
    clip.expect("a voice speaks (apt-get install flite or espeak-ng)")
        .samples()
}

struct Service {
    url: String,
    metrics: Arc<SpeechMetrics>,
    engine: Arc<dyn Engine>,
    _stop: tokio::sync::oneshot::Sender<()>,
}

async fn service(config: WhisperConfig) -> Service {
    let engine: Arc<dyn Engine> = Arc::new(
        tokio::task::spawn_blocking(move || WhisperEngine::new(config))
            .await
            .unwrap()
            .expect("the model loads"),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let metrics = Arc::new(SpeechMetrics::default());
    tokio::spawn(serve_speech_with_metrics(
        listener,
        Arc::clone(&engine),
        SpeechServiceOptions::default(),
        Arc::clone(&metrics),
        async {
            let _ = stopped.await;
        },
    ));
    Service {
        url,
        metrics,
        engine,
        _stop: stop,
    }
}

/// Streams `pcm` (16 kHz) with 1 s of silence after it, `realtime` or as fast as it goes; all
/// results.
async fn recognise(
    url: &str,
    pcm: &[i16],
    phrases: &[&str],
    realtime: bool,
) -> Result<Vec<Transcript>, SttError> {
    let config = SttConfig::new(ENGINE_RATE).with_phrases(phrases.iter().copied());
    recognise_with(url, pcm, config, realtime).await
}

/// [`recognise`] with a configuration of its own.
async fn recognise_with(
    url: &str,
    pcm: &[i16],
    config: SttConfig,
    realtime: bool,
) -> Result<Vec<Transcript>, SttError> {
    let stt = GoogleStt::new(url, Default::default()).unwrap();
    let mut stream = stt.open(&config).await?;
    let mut audio = pcm.to_vec();
    audio.extend(vec![0i16; ENGINE_RATE as usize]);
    let tx = stream.audio;
    let sender = tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_millis(20));
        for piece in audio.chunks(320) {
            if realtime {
                tick.tick().await;
            }
            let bytes: Vec<u8> = piece.iter().flat_map(|s| s.to_le_bytes()).collect();
            if tx.send(Bytes::from(bytes)).await.is_err() {
                break;
            }
        }
    });
    let mut out = Vec::new();
    while let Some(r) = stream.results.recv().await {
        out.push(r?);
    }
    let _ = sender.await;
    Ok(out)
}

fn finals(results: &[Transcript]) -> String {
    results
        .iter()
        .filter(|t| t.is_final)
        .map(|t| t.text.as_str())
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn whisper_finals_interims_confidence_and_metrics() {
    if !model_installed() {
        return;
    }
    let s = service(WhisperConfig {
        interim_every: Duration::from_millis(500),
        ..WhisperConfig::installed(&TINY_EN)
    })
    .await;
    let pcm = speech("I would like to know your opening hours for next week, please.").await;
    let results = recognise(&s.url, &pcm, &[], true)
        .await
        .expect("recognised");
    let text = finals(&results);
    eprintln!("heard: {text:?}; {} results", results.len());
    assert!(text.contains("opening hours"), "{text:?}");
    let last = results.iter().rev().find(|t| t.is_final).unwrap();
    assert!(
        last.confidence > 0.3 && last.confidence <= 1.0,
        "confidence {}",
        last.confidence
    );
    let m = s.metrics.render(s.engine.as_ref());
    eprintln!("{m}");
    assert!(
        results.iter().any(|t| !t.is_final && !t.text.is_empty()),
        "an interim result while the caller spoke (idle pool): {results:?}"
    );
    for name in [
        "fcstream_stt_active_streams",
        "fcstream_stt_queue_depth 0",
        "fcstream_stt_real_time_factor",
        "fcstream_stt_dropped_audio_seconds_total 0.000",
        "fcstream_stt_finals_total 1",
    ] {
        assert!(m.contains(name), "{name} in\n{m}");
    }
}

/// Interim guesses are whole decodes of the utterance so far: a stream that did not ask for
/// interim results costs one decode per utterance, its final.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_interim_decodes_unless_asked() {
    if !model_installed() {
        return;
    }
    let s = service(WhisperConfig {
        interim_every: Duration::from_millis(300),
        ..WhisperConfig::installed(&TINY_EN)
    })
    .await;
    let pcm = speech("I would like to know your opening hours for next week, please.").await;
    let config = SttConfig {
        interim_results: false,
        ..SttConfig::new(ENGINE_RATE)
    };
    let results = recognise_with(&s.url, &pcm, config, true)
        .await
        .expect("recognised");
    let text = finals(&results);
    assert!(text.contains("hours"), "{text:?}");
    assert!(results.iter().all(|t| t.is_final), "{results:?}");
    let stats = s.engine.stats().expect("whisper keeps stats");
    let (sent, _) = s.metrics.finals();
    eprintln!("{} decodes for {sent} final(s)", stats.decodes);
    assert_eq!(
        stats.decodes, sent,
        "one decode per final, no interim decodes"
    );
    assert_eq!(stats.interims_skipped, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn phrase_hints_become_the_prompt() {
    if !model_installed() {
        return;
    }
    let s = service(WhisperConfig::installed(&TINY_EN)).await;
    let pcm = speech("Please connect me to Zyxcorp billing.").await;
    let plain = finals(&recognise(&s.url, &pcm, &[], false).await.unwrap());
    let hinted = finals(&recognise(&s.url, &pcm, &["Zyxcorp"], false).await.unwrap());
    eprintln!("without hints: {plain:?}; with: {hinted:?}");
    assert!(hinted.contains("zyxcorp"), "{hinted:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn overload_makes_finals_late_never_empty_then_refuses_new_streams() {
    if !model_installed() {
        return;
    }
    // One worker, a queue bound of 2: eight streams at once, each one utterance.
    let s = service(WhisperConfig {
        workers: 1,
        max_batch: 2,
        max_queue: 2,
        interim_every: Duration::ZERO,
        ..WhisperConfig::installed(&TINY_EN)
    })
    .await;
    let pcm = Arc::new(speech("What are your opening hours?").await);
    let mut calls = Vec::new();
    for _ in 0..8 {
        let (url, pcm) = (s.url.clone(), Arc::clone(&pcm));
        calls.push(tokio::spawn(async move {
            recognise(&url, &pcm, &[], false).await
        }));
    }
    let mut refused = 0;
    let mut served = 0;
    for c in calls {
        match c.await.unwrap() {
            Ok(results) => {
                let text = finals(&results);
                assert!(text.contains("hours"), "a final, late or not: {text:?}");
                served += 1;
            }
            Err(SttError::Status { code, .. }) if code == "RESOURCE_EXHAUSTED" => refused += 1,
            Err(e) => panic!("{e}"),
        }
    }
    eprintln!("served {served}, refused {refused}");
    assert!(served >= 3, "served {served}");
    let (sent, empty) = s.metrics.finals();
    assert_eq!(sent, served as u64);
    assert_eq!(empty, 0);
    // Past the bound, a new stream is refused at once.
    let engine = Arc::clone(&s.engine);
    let busy: Vec<_> = (0..6)
        .map(|_| {
            let (engine, pcm) = (Arc::clone(&engine), Arc::clone(&pcm));
            std::thread::spawn(move || {
                // Queue finals directly on the shared pool, as six callers ending at once.
                let e: &dyn Engine = engine.as_ref();
                let mut r = e.recognizer(&[]).unwrap();
                let mut audio = pcm.to_vec();
                audio.extend(vec![0i16; ENGINE_RATE as usize]);
                let mut out = r.accept(&audio).unwrap();
                out.extend(r.finish().unwrap());
                out
            })
        })
        .collect();
    let mut saw_refusal = false;
    for _ in 0..200 {
        if s.engine.admit().is_err() {
            match recognise(&s.url, &pcm, &[], false).await {
                Err(SttError::Status { code, message }) => {
                    assert_eq!(code, "RESOURCE_EXHAUSTED", "{message}");
                    saw_refusal = true;
                    break;
                }
                // The queue drained meanwhile: try again.
                Ok(_) => {}
                Err(e) => panic!("{e}"),
            }
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    for b in busy {
        let out = b.join().unwrap();
        assert!(out.iter().any(|r| r.is_final && !r.text.is_empty()));
    }
    assert!(
        saw_refusal,
        "a stream opened past the queue bound is refused"
    );
    assert!(s.metrics.refused() >= 1);
}

/// `pcm` without its quiet start and end (synthesized clips carry some), so a test controls
/// the pauses exactly.
fn trimmed(pcm: &[i16]) -> &[i16] {
    let loud = |s: &i16| s.unsigned_abs() > 300;
    let start = pcm.iter().position(loud).unwrap_or(0);
    let end = pcm.iter().rposition(loud).map_or(pcm.len(), |i| i + 1);
    &pcm[start..end.max(start)]
}

/// Feeds `pcm` to a recogniser of `engine` in 20 ms pieces (as fast as it goes), then waits
/// for every result.
fn recognise_direct(
    engine: &WhisperEngine,
    pcm: &[i16],
) -> Vec<fcstream_speech::engine::EngineResult> {
    let mut rec = engine.recognizer_for(&[], false).expect("a recogniser");
    let mut out = Vec::new();
    for piece in pcm.chunks(320) {
        out.extend(rec.accept(piece).expect("accepted"));
    }
    let deadline = std::time::Instant::now() + Duration::from_secs(120);
    while rec.pending() && std::time::Instant::now() < deadline {
        out.extend(rec.poll().expect("polled"));
        std::thread::sleep(Duration::from_millis(5));
    }
    out.extend(rec.finish().expect("finished"));
    out
}

/// A speculative final (decoded during the hangover) is the final when the caller stays
/// quiet: the same words as without speculation, counted as used; a pause longer than
/// `keep_after` but shorter than the hangover starts one, and the caller speaking again
/// cancels it: one final for the whole sentence, not a premature one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn speculative_finals_are_used_when_the_caller_stays_quiet_and_cancelled_when_not() {
    if !model_installed() {
        return;
    }
    let first = speech("I would like to check the balance of my account.").await;
    let second = speech("And then pay my bill.").await;
    let silence = |ms: usize| vec![0i16; ENGINE_RATE as usize * ms / 1000];
    // A settled detector: 100 ms decoded past the last voice, 600 ms of non-voice end an
    // utterance; the pause below (300 ms) is 200 ms from both.
    let config = |speculate: bool| WhisperConfig {
        keep_after: Duration::from_millis(100),
        end_after: Duration::from_millis(600),
        speculate,
        ..WhisperConfig::installed(&TINY_EN)
    };
    let (on, off) = tokio::task::spawn_blocking(move || {
        (
            WhisperEngine::new(config(true)).expect("the model loads"),
            WhisperEngine::new(config(false)).expect("the model loads"),
        )
    })
    .await
    .unwrap();
    let on = Arc::new(on);
    let off = Arc::new(off);

    // One sentence, then quiet.
    let mut one = silence(300);
    one.extend_from_slice(trimmed(&first));
    one.extend(silence(1500));
    let (with, without) = {
        let (on, off, one) = (Arc::clone(&on), Arc::clone(&off), one.clone());
        tokio::task::spawn_blocking(move || {
            (recognise_direct(&on, &one), recognise_direct(&off, &one))
        })
        .await
        .unwrap()
    };
    let text = |r: &[fcstream_speech::engine::EngineResult]| {
        r.iter()
            .filter(|r| r.is_final)
            .map(|r| r.text.to_lowercase())
            .collect::<Vec<_>>()
    };
    eprintln!("speculating: {:?}; not: {:?}", text(&with), text(&without));
    assert_eq!(text(&with).len(), 1, "one final: {with:?}");
    assert_eq!(text(&with), text(&without), "the same words either way");
    assert!(text(&with)[0].contains("balance"), "{with:?}");
    // (A gap between words longer than `keep_after` may start and cancel one as well.)
    let s = on.stats().unwrap();
    assert_eq!(s.speculative_used, 1, "{s:?}");
    let cancelled_before = s.speculative_cancelled;
    let s = off.stats().unwrap();
    assert_eq!((s.speculative_used, s.speculative_cancelled), (0, 0));

    // Two sentences with a 300 ms pause: the speculation started in the pause is cancelled.
    let mut two = silence(300);
    two.extend_from_slice(trimmed(&first));
    two.extend(silence(300));
    two.extend_from_slice(trimmed(&second));
    two.extend(silence(1500));
    let results = {
        let on = Arc::clone(&on);
        tokio::task::spawn_blocking(move || recognise_direct(&on, &two))
            .await
            .unwrap()
    };
    let finals = text(&results);
    eprintln!("with a pause: {finals:?}");
    assert_eq!(
        finals.len(),
        1,
        "one final for the whole sentence: {results:?}"
    );
    assert!(
        finals[0].contains("balance") && finals[0].contains("bill"),
        "{finals:?}"
    );
    let s = on.stats().unwrap();
    assert!(s.speculative_cancelled > cancelled_before, "{s:?}");
    assert_eq!(s.speculative_used, 2, "{s:?}");
}
