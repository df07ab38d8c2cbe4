//! The voice agent (`fcstream serve --app agent`): the reference use of a stream — the caller's
//! audio goes to a streaming recogniser, the agent decides, and answers with synthesized speech
//! — with the timing a caller expects.
//!
//! - **Listens** through an [`SttBridge`] (any [`Transcriber`]: the local `fcstream stt-serve` by
//!   default, or a hosted Google-compatible service) with the agent's phrases as hints.
//! - **Answers** a small rule set ([`Intent`]): hours, help, goodbye, by voice or by key
//!   (1 hours, 2 help, 9 goodbye; also "one", "two", "nine" spoken).
//! - **Stops talking when the caller starts** (barge-in): a [`Vad`] on the caller's audio clears
//!   the playback at speech onset; the call's heard ledger records how much of each prompt the
//!   caller heard. The goodbye is never cut: the agent hangs up only after it has played.
//! - **Degrades, not hangs**: if the recogniser is unreachable or breaks for good, the agent says
//!   so once and goes on by DTMF.
//! - **Measures** per call ([`AgentStats`]): end of caller speech → response audio started,
//!   speech onset → clear sent (barge-in), end of speech → final transcript (STT latency).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::time::{sleep_until, Instant};

use fcstream::{Audio, Call, CallControl, Error, Event, Heard, PromptPlayback, Result};
use fcstream_speech::bridge::{BridgeConfig, SttBridge, SttEvent};
use fcstream_speech::tts::Synthesizer;
use fcstream_speech::vad::{Vad, VadConfig, VadEvent};
use fcstream_speech::{SttConfig, Transcriber};

/// What the caller wants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Intent {
    /// Opening hours.
    Hours,
    /// What the agent can do.
    Help,
    /// End the call.
    Goodbye,
}

/// The words the agent acts on, and what each means. The recogniser gets exactly these as
/// phrase hints ([`PHRASES`]), so a grammar-based recogniser can only answer with words the
/// rules understand.
pub const WORDS: &[(&str, Intent)] = &[
    ("hours", Intent::Hours),
    ("open", Intent::Hours),
    ("opening", Intent::Hours),
    ("one", Intent::Hours),
    ("help", Intent::Help),
    ("two", Intent::Help),
    ("goodbye", Intent::Goodbye),
    ("bye", Intent::Goodbye),
    ("nine", Intent::Goodbye),
];

impl Intent {
    /// The intent of a transcript, if it names one: the first of its words in [`WORDS`] (or a
    /// menu digit 1, 2, 9).
    pub fn from_text(text: &str) -> Option<Intent> {
        text.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .find_map(|w| {
                let w = w.to_ascii_lowercase();
                let digit = w.chars().next().filter(|_| w.len() == 1);
                WORDS
                    .iter()
                    .find(|(word, _)| *word == w)
                    .map(|(_, intent)| *intent)
                    .or_else(|| digit.and_then(Intent::from_digit))
            })
    }

    /// The intent of a key.
    pub fn from_digit(digit: char) -> Option<Intent> {
        match digit {
            '1' => Some(Intent::Hours),
            '2' => Some(Intent::Help),
            '9' => Some(Intent::Goodbye),
            _ => None,
        }
    }
}

/// The phrase hints the agent gives the recogniser: the words of [`WORDS`].
pub const PHRASES: [&str; WORDS.len()] = {
    let mut out = [""; WORDS.len()];
    let mut i = 0;
    while i < WORDS.len() {
        out[i] = WORDS[i].0;
        i += 1;
    }
    out
};

/// What the agent says.
#[derive(Debug, Clone)]
pub struct Script {
    /// First words of the call.
    pub greeting: String,
    /// The answer to [`Intent::Hours`].
    pub hours: String,
    /// The answer to [`Intent::Help`].
    pub help: String,
    /// When speech was heard but no intent recognised, or nothing was said for a while.
    pub not_understood: String,
    /// Said once when speech recognition stops working: keys only from then on.
    pub fallback: String,
    /// The last words: played to the end, then the agent hangs up.
    pub goodbye: String,
}

impl Default for Script {
    fn default() -> Self {
        Self {
            greeting: "Thanks for calling. You can ask for our hours, or say help. \
                       Say goodbye when you are done. You can also press one for hours, \
                       two for help, or nine to hang up."
                .into(),
            hours: "We are open Monday to Friday, from nine in the morning to five in the evening."
                .into(),
            help: "I can tell you our opening hours. Just say hours, or press one.".into(),
            not_understood: "Sorry, I did not catch that. Say hours, help, or goodbye.".into(),
            fallback: "Sorry, I cannot understand speech right now. Please use your keypad: \
                       press one for hours, two for help, or nine to hang up."
                .into(),
            goodbye: "Thank you for calling. Goodbye.".into(),
        }
    }
}

/// Everything an agent needs; shared by all its calls.
pub struct AgentConfig {
    /// The recogniser.
    pub stt: Arc<dyn Transcriber>,
    /// The voice.
    pub tts: Arc<dyn Synthesizer>,
    /// What it says.
    pub script: Script,
    /// Restart, pacing and reconnect policy of the recognition bridge (its sample rate is set
    /// per call).
    pub bridge: BridgeConfig,
    /// Voice activity detection for barge-in (its sample rate is set per call).
    pub vad: VadConfig,
    /// Silence after which the agent asks again.
    pub reprompt_after: Duration,
    /// Re-prompts before the agent says goodbye.
    pub max_reprompts: u32,
    /// Give the recogniser the agent's phrases as hints (default). Off, the recogniser does
    /// free dictation (to measure its word error rate).
    pub phrase_hints: bool,
    /// Where the agent's measurements go.
    pub stats: Arc<AgentStats>,
}

impl AgentConfig {
    /// An agent with the default script and policies.
    pub fn new(stt: Arc<dyn Transcriber>, tts: Arc<dyn Synthesizer>) -> Self {
        Self {
            stt,
            tts,
            script: Script::default(),
            bridge: BridgeConfig::default(),
            vad: VadConfig::default(),
            reprompt_after: Duration::from_secs(8),
            max_reprompts: 2,
            phrase_hints: true,
            stats: Arc::new(AgentStats::default()),
        }
    }
}

/// One call's measurements.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CallMeasures {
    /// End of caller speech → the response's audio sent, per answered utterance.
    pub response: Vec<Duration>,
    /// Caller speech onset → clear sent, per barge-in.
    pub barge_in: Vec<Duration>,
    /// End of caller speech → its final transcript.
    pub stt: Vec<Duration>,
    /// Final transcripts, in order.
    pub transcripts: Vec<String>,
    /// Intents acted on, in order.
    pub intents: Vec<Intent>,
    /// Whether speech recognition failed for good during the call.
    pub stt_failed: bool,
    /// What the caller heard of each prompt.
    pub heard: Vec<Heard>,
}

/// Measurements of every call an agent handled (bounded to the last 10,000 calls).
#[derive(Debug, Default)]
pub struct AgentStats {
    calls: Mutex<Vec<(String, CallMeasures)>>,
}

impl AgentStats {
    /// The measurements so far, `(call id, measures)` in the order calls ended.
    pub fn calls(&self) -> Vec<(String, CallMeasures)> {
        self.calls.lock().map(|c| c.clone()).unwrap_or_default()
    }

    fn record(&self, call_id: &str, m: CallMeasures) {
        if let Ok(mut calls) = self.calls.lock() {
            if calls.len() >= 10_000 {
                calls.remove(0);
            }
            calls.push((call_id.to_string(), m));
        }
    }
}

/// The agent as a handler: `Server::bind(addr).serve(agent(config))`.
pub fn agent(
    config: Arc<AgentConfig>,
) -> impl Fn(Call) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<()>> + Send>>
       + Send
       + Sync
       + 'static {
    move |call| Box::pin(run(config.clone(), call))
}

/// A prompt being spoken.
struct Speaking {
    playback: PromptPlayback,
    /// A goodbye is never interrupted.
    last: bool,
}

/// Runs one agent call.
pub async fn run(config: Arc<AgentConfig>, call: Call) -> Result<()> {
    let (call, mut events) = call.split();
    let content_type = call.info().content_type;
    let rate = content_type.sample_rate();
    let call_id = call.call_id().to_string();
    let mut m = CallMeasures::default();

    let mut bridge_config = config.bridge.clone();
    bridge_config.stt = SttConfig {
        sample_rate: rate,
        phrases: if config.phrase_hints {
            PHRASES.iter().map(|p| p.to_string()).collect()
        } else {
            Vec::new()
        },
        ..bridge_config.stt
    };
    let mut bridge = Some(SttBridge::start(config.stt.clone(), bridge_config));
    let mut vad = Vad::new(VadConfig {
        sample_rate: rate,
        ..config.vad.clone()
    });
    // Audio fed to the VAD so far, to turn its sample-clock times into instants.
    let mut fed: u64 = 0;
    let to_instant = |fed: u64, at: Duration| {
        let behind = Duration::from_secs_f64(fed as f64 / f64::from(rate)).saturating_sub(at);
        Instant::now() - behind
    };

    let mut prompts = 0u32;
    let mut say = |call: &CallControl, name: &str, text: &str, last: bool| {
        prompts += 1;
        let id = format!("{name}-{prompts}");
        let (call, tts, text) = (call.clone(), config.tts.clone(), text.to_string());
        async move {
            // A speech error is the app's, not the core's: carried as `Error::App`.
            let audio: Audio = tts.synthesize(&text).await.map_err(Error::app)?;
            let playback = call.start_play_prompt(id, Some(text), audio).await?;
            Ok::<_, Error>(Speaking { playback, last })
        }
    };

    let mut speaking = Some(say(&call, "greeting", &config.script.greeting, false).await?);
    let mut speech_ended: Option<Instant> = None;
    let mut in_speech = false;
    let mut reprompts = 0;
    let mut quiet_since = Instant::now();

    // The conversation; whatever ends it (the caller hanging up included), the measures are
    // recorded below.
    let result: Result<bool> = async {
        let mut ending = false;
        loop {
            let deadline = quiet_since + config.reprompt_after;
            tokio::select! {
                heard = async { match speaking.as_mut() { Some(s) => (&mut s.playback).await, None => std::future::pending().await } } => {
                    let last = speaking.take().map(|s| s.last).unwrap_or(false);
                    if heard.is_err() {
                        break; // the call ended
                    }
                    quiet_since = Instant::now();
                    if last {
                        // The goodbye played to its end: now hang up.
                        ending = true;
                        break;
                    }
                }
                event = events.next() => {
                    let Some(event) = event else { break };
                    match event {
                        Event::Audio(frame) => {
                            let pcm = Audio::from_wire(content_type, frame.data)?.samples();
                            fed += pcm.len() as u64;
                            for e in vad.push(&pcm) {
                                match e {
                                    VadEvent::SpeechStarted { at } => {
                                        in_speech = true;
                                        let onset = to_instant(fed, at);
                                        if speaking.as_ref().is_some_and(|s| !s.last) {
                                            call.clear().await?;
                                            m.barge_in.push(onset.elapsed());
                                            tracing::debug!(latency = ?onset.elapsed(), "barge-in: playback cleared");
                                        }
                                    }
                                    VadEvent::SpeechEnded { at } => {
                                        in_speech = false;
                                        speech_ended = Some(to_instant(fed, at));
                                        quiet_since = Instant::now();
                                    }
                                }
                            }
                            if let Some(b) = &bridge {
                                b.push(pcm);
                            }
                        }
                        Event::DtmfEnded { digit, .. } => {
                            quiet_since = Instant::now();
                            let Some(intent) = Intent::from_digit(digit) else { continue };
                            // Nothing interrupts the goodbye.
                            if speaking.as_ref().is_none_or(|s| !s.last) {
                                if speaking.is_some() {
                                    call.clear().await?;
                                }
                                m.intents.push(intent);
                                speaking = Some(answer(&config, &call, intent, &mut say).await?);
                            }
                        }
                        Event::CallEnded(_) => break,
                        _ => {}
                    }
                }
                stt = async { match bridge.as_mut() { Some(b) => b.next().await, None => std::future::pending().await } } => {
                    match stt {
                        Some(SttEvent::Final(t)) => {
                            if let Some(end) = speech_ended {
                                m.stt.push(end.elapsed());
                            }
                            let text = t.text.trim().to_string();
                            if text.is_empty() || speaking.as_ref().is_some_and(|s| s.last) {
                                continue;
                            }
                            m.transcripts.push(text.clone());
                            quiet_since = Instant::now();
                            let intent = Intent::from_text(&text);
                            if speaking.is_some() {
                                call.clear().await?;
                            }
                            let started = match intent {
                                Some(intent) => {
                                    m.intents.push(intent);
                                    answer(&config, &call, intent, &mut say).await?
                                }
                                None => say(&call, "not-understood", &config.script.not_understood, false).await?,
                            };
                            speaking = Some(started);
                            if let Some(end) = speech_ended.take() {
                                if !in_speech {
                                    m.response.push(end.elapsed());
                                }
                            }
                        }
                        Some(SttEvent::Failed(_)) => {
                            // The bridge logged the error (once); say so once and go on by keys.
                            tracing::info!("speech recognition stopped: falling back to DTMF");
                            m.stt_failed = true;
                            bridge = None;
                            if speaking.as_ref().is_none_or(|s| !s.last) {
                                if speaking.is_some() {
                                    call.clear().await?;
                                }
                                speaking = Some(say(&call, "fallback", &config.script.fallback, false).await?);
                            }
                        }
                        Some(_) => {}
                        None => bridge = None,
                    }
                }
                _ = sleep_until(deadline), if speaking.is_none() && !in_speech => {
                    reprompts += 1;
                    quiet_since = Instant::now();
                    speaking = Some(if reprompts > config.max_reprompts {
                        say(&call, "goodbye", &config.script.goodbye, true).await?
                    } else if bridge.is_none() {
                        say(&call, "fallback", &config.script.fallback, false).await?
                    } else {
                        say(&call, "not-understood", &config.script.not_understood, false).await?
                    });
                }
            }
        }
        Ok(ending)
    }
    .await;
    if let Some(mut b) = bridge.take() {
        b.close();
    }
    let result = match result {
        // The goodbye played to its end: now hang up.
        Ok(true) => call.hangup().await.map(|_| ()),
        Ok(false) => Ok(()),
        Err(e) => Err(e),
    };
    m.heard = call.heard_ledger();
    config.stats.record(&call_id, m.clone());
    tracing::info!(
        call_id = %call_id,
        transcripts = ?m.transcripts,
        intents = ?m.intents,
        response = ?m.response,
        barge_in = ?m.barge_in,
        stt = ?m.stt,
        heard = ?m.heard.iter().map(|h| (&h.id, h.played, h.outcome)).collect::<Vec<_>>(),
        "agent call measures"
    );
    result
}

/// Starts the answer to `intent`.
async fn answer<F, Fut>(
    config: &AgentConfig,
    call: &CallControl,
    intent: Intent,
    say: &mut F,
) -> Result<Speaking>
where
    F: FnMut(&CallControl, &str, &str, bool) -> Fut,
    Fut: std::future::Future<Output = Result<Speaking>>,
{
    let s = &config.script;
    match intent {
        Intent::Hours => say(call, "hours", &s.hours, false).await,
        Intent::Help => say(call, "help", &s.help, false).await,
        Intent::Goodbye => say(call, "goodbye", &s.goodbye, true).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intents_from_words_and_keys() {
        assert_eq!(
            Intent::from_text("what are your hours"),
            Some(Intent::Hours)
        );
        assert_eq!(Intent::from_text("HELP me"), Some(Intent::Help));
        assert_eq!(Intent::from_text("ok goodbye"), Some(Intent::Goodbye));
        assert_eq!(Intent::from_text("two"), Some(Intent::Help));
        assert_eq!(Intent::from_text("the weather"), None);
        assert_eq!(Intent::from_text(""), None);
        assert_eq!(Intent::from_digit('9'), Some(Intent::Goodbye));
        assert_eq!(Intent::from_digit('5'), None);
        assert_eq!(Intent::from_text("are you open"), Some(Intent::Hours));
        assert_eq!(Intent::from_text("press 9"), Some(Intent::Goodbye));
        // Every hint is a word the rules act on.
        for p in PHRASES {
            assert!(Intent::from_text(p).is_some(), "{p}");
        }
    }
}
