//! A stand-in recogniser for the tests of apps that listen (the agent, the dialog layer):
//! utterance N of a call (loud audio, then 300 ms of quiet) is "heard" as `answers[N]` (the
//! last answer for every later one), so the tests check what the app decides, not what a
//! recogniser understands (`agent_accuracy*.rs` run real ones). It keeps the phrase hints of
//! every stream it opened; with `break_after`, its first stream fails that long after
//! opening and every later open is refused (a service that went away mid-call).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use fcstream_speech::{BoxFuture, SttConfig, SttError, SttStream, Transcriber, Transcript};
use tokio::sync::mpsc;
use tokio::time::Instant;

/// See the module docs.
pub struct StandIn {
    /// What each utterance is heard as.
    pub answers: Vec<&'static str>,
    /// Fail the first stream this long after it opened, refuse later ones.
    pub break_after: Option<Duration>,
    /// Streams opened.
    pub opens: AtomicUsize,
    /// Utterances heard so far, over all streams.
    pub utterances: Arc<AtomicUsize>,
    /// The phrase hints of each stream opened.
    pub hints: Mutex<Vec<Vec<String>>>,
}

impl StandIn {
    /// Hears utterance N as `answers[N]`.
    pub fn new(answers: Vec<&'static str>) -> Self {
        Self {
            answers,
            break_after: None,
            opens: AtomicUsize::new(0),
            utterances: Arc::default(),
            hints: Mutex::default(),
        }
    }

    /// Hears every utterance as `word`.
    pub fn one_word(word: &'static str) -> Self {
        Self::new(vec![word])
    }
}

impl Transcriber for StandIn {
    fn open(&self, config: &SttConfig) -> BoxFuture<'_, Result<SttStream, SttError>> {
        let n = self.opens.fetch_add(1, Ordering::SeqCst);
        if let Ok(mut h) = self.hints.lock() {
            h.push(config.phrases.clone());
        }
        let (answers, utterances) = (self.answers.clone(), self.utterances.clone());
        let (break_after, rate) = (self.break_after, config.sample_rate);
        Box::pin(async move {
            if n > 0 && break_after.is_some() {
                return Err(SttError::Unavailable("connection refused (test)".into()));
            }
            let (audio, mut rx) = mpsc::channel::<Bytes>(256);
            let (tx, results) = mpsc::channel(16);
            tokio::spawn(async move {
                let deadline = break_after.map(|d| Instant::now() + d);
                let (mut talking, mut quiet, mut at) = (false, 0u64, 0u64);
                loop {
                    let chunk = tokio::select! {
                        c = rx.recv() => match c { Some(c) => c, None => return },
                        _ = async { tokio::time::sleep_until(deadline.unwrap_or_else(Instant::now)).await }, if deadline.is_some() => {
                            let _ = tx.send(Err(SttError::Status {
                                code: "UNAVAILABLE".into(),
                                message: "recogniser went away (test)".into(),
                            })).await;
                            return;
                        }
                    };
                    let pcm: Vec<i16> = chunk
                        .chunks_exact(2)
                        .map(|b| i16::from_le_bytes([b[0], b[1]]))
                        .collect();
                    at += pcm.len() as u64;
                    if pcm.iter().any(|s| s.unsigned_abs() > 2000) {
                        talking = true;
                        quiet = 0;
                    } else if talking {
                        quiet += pcm.len() as u64;
                        if quiet >= u64::from(rate) * 3 / 10 {
                            talking = false;
                            let i = utterances.fetch_add(1, Ordering::SeqCst);
                            let text = answers.get(i).or(answers.last()).copied().unwrap_or("");
                            let t = Transcript {
                                text: text.into(),
                                is_final: true,
                                stability: 1.0,
                                confidence: 0.9,
                                // Where in the stream it ends (the bridge drops results that
                                // end inside audio a previous stream recognised).
                                end_offset: Duration::from_secs_f64(at as f64 / f64::from(rate)),
                            };
                            if tx.send(Ok(t)).await.is_err() {
                                return;
                            }
                        }
                    }
                }
            });
            Ok(SttStream { audio, results })
        })
    }
}
