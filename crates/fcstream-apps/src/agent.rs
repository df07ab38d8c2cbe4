//! The voice agent (`fcstream serve --app agent`): the reference use of a stream — the caller's
//! audio goes to a streaming recogniser, the agent decides, and answers with synthesized speech
//! — with the timing a caller expects.
//!
//! It is a thin loop over the dialog layer ([`fcstream_dialog::Dialog`]): every turn is one
//! `ask` (speech with the agent's phrase hints, or one key), every answer the prompt of the
//! next `ask`, the goodbye a `say_then_hangup`. What used to be hand-written here (barge-in,
//! reprompts on silence, a goodbye that is never cut) is the dialog's.
//!
//! - **Listens** through any [`Transcriber`] (the local `fcstream stt-serve` by default, or a
//!   hosted Google-compatible service) with the agent's phrases as hints.
//! - **Answers** a small rule set ([`Intent`]): hours, help, goodbye, by voice or by key
//!   (1 hours, 2 help, 9 goodbye; also "one", "two", "nine" spoken).
//! - **Stops talking when the caller starts** (barge-in, by the VAD of [`VadKind`]); the
//!   call's heard ledger records how much of each prompt the caller heard. The goodbye is
//!   never cut: the agent hangs up only after it has played.
//! - **Degrades, not hangs**: if the recogniser is unreachable or breaks for good, the agent
//!   says so once and goes on by DTMF.
//! - **Measures** per call ([`AgentStats`]): end of caller speech → response audio queued,
//!   speech onset → clear confirmed (barge-in), end of speech → final transcript.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use fcstream::{Call, Heard, Result};
use fcstream_dialog::{Answer, Dialog, Expect, Prompt as Line, VadChoice};
use fcstream_speech::bridge::BridgeConfig;
use fcstream_speech::tts::Synthesizer;
use fcstream_speech::vad::neural::NeuralVadConfig;
use fcstream_speech::vad::VadConfig;
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

/// What the agent can say; [`Script::text`] has the words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Prompt {
    /// First words of the call.
    Greeting,
    /// The answer to [`Intent::Hours`].
    Hours,
    /// The answer to [`Intent::Help`].
    Help,
    /// Speech with no intent, or a re-prompt after silence.
    NotUnderstood,
    /// Speech recognition is gone: keys only.
    Fallback,
    /// The last words: never interrupted, and the agent hangs up once they have played.
    Goodbye,
}

impl Prompt {
    /// The answer to `intent`.
    pub fn answer(intent: Intent) -> Prompt {
        match intent {
            Intent::Hours => Prompt::Hours,
            Intent::Help => Prompt::Help,
            Intent::Goodbye => Prompt::Goodbye,
        }
    }

    /// Its name, the first part of its prompt id (`hours-3`) in the heard ledger.
    pub fn name(self) -> &'static str {
        match self {
            Prompt::Greeting => "greeting",
            Prompt::Hours => "hours",
            Prompt::Help => "help",
            Prompt::NotUnderstood => "not-understood",
            Prompt::Fallback => "fallback",
            Prompt::Goodbye => "goodbye",
        }
    }

    /// Whether it is the farewell: played to its end, then the call is over.
    pub fn is_last(self) -> bool {
        self == Prompt::Goodbye
    }
}

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

impl Script {
    /// The words of `prompt`.
    pub fn text(&self, prompt: Prompt) -> &str {
        match prompt {
            Prompt::Greeting => &self.greeting,
            Prompt::Hours => &self.hours,
            Prompt::Help => &self.help,
            Prompt::NotUnderstood => &self.not_understood,
            Prompt::Fallback => &self.fallback,
            Prompt::Goodbye => &self.goodbye,
        }
    }
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

/// The voice activity detector of the agent's barge-in and turn-taking.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum VadKind {
    /// earshot's neural detector ([`NeuralVad`](fcstream_speech::vad::neural::NeuralVad)): voice, not just loudness, starts speech, so a
    /// cough, a door or line noise does not cut the agent off.
    #[default]
    Neural,
    /// The energy detector ([`Vad`](fcstream_speech::vad::Vad)): no model at all; the fallback.
    Energy,
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
    /// Voice activity detection for barge-in (its sample rate is set per call): the timing
    /// (`start_after` is the energy detector's; `end_after` is used by both) and the energy
    /// detector's levels.
    pub vad: VadConfig,
    /// Which detector runs on the caller's audio: the neural one (default) or the energy one.
    pub vad_kind: VadKind,
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
            // The dialog acts on finals only: no interim results asked, so a recogniser that
            // makes them by decoding the utterance so far (Whisper) does not (about a third of
            // its decodes; docs/TRANSCRIPTION.md).
            bridge: BridgeConfig::new(SttConfig {
                interim_results: false,
                ..SttConfig::default()
            }),
            vad: VadConfig::default(),
            vad_kind: VadKind::default(),
            reprompt_after: Duration::from_secs(8),
            max_reprompts: 2,
            phrase_hints: true,
            stats: Arc::new(AgentStats::default()),
        }
    }

    /// The dialog's voice activity detector: [`AgentConfig::vad_kind`] with the timing of
    /// [`AgentConfig::vad`].
    pub fn vad_choice(&self) -> VadChoice {
        match self.vad_kind {
            VadKind::Neural => VadChoice::Neural(NeuralVadConfig {
                end_after: self.vad.end_after,
                ..NeuralVadConfig::default()
            }),
            VadKind::Energy => VadChoice::Energy(self.vad.clone()),
        }
    }
}

/// One call's measurements.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CallMeasures {
    /// End of caller speech → the response's audio sent, per answered utterance.
    pub response: Vec<Duration>,
    /// Caller speech onset → the clear confirmed by the platform, per barge-in.
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

/// Runs one agent call on the dialog layer: each turn an `ask` (speech with the agent's
/// hints, or one key), each answer the next turn's prompt, the goodbye a `say_then_hangup`.
pub async fn run(config: Arc<AgentConfig>, call: Call) -> Result<()> {
    let mut d = Dialog::new(call)
        .voice(config.tts.clone())
        .recognizer(config.stt.clone())
        .bridge_config(config.bridge.clone())
        .vad(config.vad_choice());
    let mut m = CallMeasures::default();
    let result = converse(&config, &mut d, &mut m).await;
    report(&config, &d, m);
    result
}

/// The conversation, until the goodbye has played or the caller hung up.
async fn converse(config: &AgentConfig, d: &mut Dialog, m: &mut CallMeasures) -> Result<()> {
    let hints: &[&str] = if config.phrase_hints { &PHRASES } else { &[] };
    let mut next = Prompt::Greeting;
    loop {
        if next.is_last() {
            d.say_then_hangup(line(config, next)).await?;
            return Ok(());
        }
        // One key: 1, 2 or 9; the menu has no terminator.
        let expect = Expect::speech_or_digits(hints.iter().copied(), 1)
            .terminator(None)
            .no_input(config.reprompt_after)
            // A slow recogniser's final still answers the turn it belongs to.
            .final_timeout(config.reprompt_after)
            .attempts(config.max_reprompts + 1);
        let again = if d.speech_available() {
            Prompt::NotUnderstood
        } else {
            Prompt::Fallback
        };
        let prompt = line(config, next).reprompt(line(config, again));
        let intent = match d.ask(prompt, expect).await? {
            Answer::Speech { transcript, .. } => Intent::from_text(&transcript),
            Answer::Digits { digits, .. } => digits.chars().next().and_then(Intent::from_digit),
            Answer::SpeechUnavailable => {
                m.stt_failed = true;
                next = Prompt::Fallback;
                continue;
            }
            // Nothing understood after every reprompt: the farewell.
            Answer::NoInput | Answer::NoMatch { .. } => Some(Intent::Goodbye),
            Answer::HungUp => return Ok(()),
        };
        next = match intent {
            Some(i) => {
                m.intents.push(i);
                Prompt::answer(i)
            }
            None => Prompt::NotUnderstood,
        };
    }
}

/// The dialog prompt that says `prompt`, named for the heard ledger (`hours-3`).
fn line(config: &AgentConfig, prompt: Prompt) -> Line {
    Line::text(config.script.text(prompt)).name(prompt.name())
}

/// Records and logs the call's measures, with the call's heard ledger.
fn report(config: &AgentConfig, d: &Dialog, mut m: CallMeasures) {
    let call_id = d.call().call_id();
    let dm = d.measures();
    m.response = dm.responses.clone();
    m.stt = dm.recognitions.clone();
    m.transcripts = dm.transcripts.clone();
    m.barge_in = dm
        .barge_ins
        .iter()
        .map(|b| b.onset_to_clear + b.clear_to_confirmed.unwrap_or_default())
        .collect();
    m.stt_failed |= !d.speech_available();
    m.heard = d.call().heard_ledger();
    tracing::info!(
        call_id = %fcstream::untrusted::shown(call_id),
        transcripts = ?m.transcripts,
        intents = ?m.intents,
        response = ?m.response,
        barge_in = ?m.barge_in,
        stt = ?m.stt,
        heard = ?m.heard.iter().map(|h| (&h.id, h.played, h.outcome)).collect::<Vec<_>>(),
        "agent call measures"
    );
    config.stats.record(call_id, m);
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
