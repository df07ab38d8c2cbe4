//! The voice agent (`fcstream serve --app agent`): the reference use of a stream — the caller's
//! audio goes to a streaming recogniser, the agent decides, and answers with synthesized speech
//! — with the timing a caller expects.
//!
//! - **Listens** through an [`SttBridge`] (any [`Transcriber`]: the local `fcstream stt-serve` by
//!   default, or a hosted Google-compatible service) with the agent's phrases as hints.
//! - **Answers** a small rule set ([`Intent`]): hours, help, goodbye, by voice or by key
//!   (1 hours, 2 help, 9 goodbye; also "one", "two", "nine" spoken).
//! - **Stops talking when the caller starts** (barge-in): a voice activity detector (earshot's
//!   neural [`NeuralVad`] by default, the energy [`Vad`] as fallback, [`VadKind`]) on the caller's audio clears
//!   the playback at speech onset; the call's heard ledger records how much of each prompt the
//!   caller heard. The goodbye is never cut: the agent hangs up only after it has played.
//! - **Degrades, not hangs**: if the recogniser is unreachable or breaks for good, the agent says
//!   so once and goes on by DTMF.
//! - **Measures** per call ([`AgentStats`]): end of caller speech → response audio started,
//!   speech onset → clear confirmed (barge-in), end of speech → final transcript (STT latency).
//!
//! Every decision above is made by [`Turns`] ([`turn`]), a sans-I/O machine: [`Input`]s (speech
//! edges from the VAD, transcripts, keys, prompt and clear completions, recogniser failure, the
//! end of the call) with the time `now` in; [`Action`]s (play, clear, stop listening, hang up,
//! report) and the next timer deadline out. [`run`] is the I/O around it: it decodes the
//! caller's audio for the VAD and the recogniser, waits on the call, the recogniser, the prompt
//! playing and the machine's deadline (on the call's clock, so it keeps virtual time), and
//! carries out the actions.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use fcstream::{
    Audio, Call, CallControl, CallEvents, ContentType, Error, Event, Heard, PromptPlayback, Result,
};
use fcstream_speech::bridge::{BridgeConfig, SttBridge, SttEvent};
use fcstream_speech::tts::Synthesizer;
use fcstream_speech::vad::neural::{NeuralVad, NeuralVadConfig};
use fcstream_speech::vad::{Vad, VadConfig, VadEvent};
use fcstream_speech::{SttConfig, Transcriber};

pub mod turn;

pub use turn::{Action, Input, Prompt, TurnPolicy, Turns};

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
    /// earshot's neural detector ([`NeuralVad`]): voice, not just loudness, starts speech, so a
    /// cough, a door or line noise does not cut the agent off.
    #[default]
    Neural,
    /// The energy detector ([`Vad`]): no model at all; the fallback.
    Energy,
}

/// The caller's voice activity detector, of either kind.
#[derive(Debug)]
enum CallerVad {
    Neural(Box<NeuralVad>),
    Energy(Vad),
}

impl CallerVad {
    fn new(kind: VadKind, config: &VadConfig, rate: u32) -> Self {
        match kind {
            VadKind::Neural => CallerVad::Neural(Box::new(NeuralVad::new(NeuralVadConfig {
                sample_rate: rate,
                end_after: config.end_after,
                ..NeuralVadConfig::default()
            }))),
            VadKind::Energy => CallerVad::Energy(Vad::new(VadConfig {
                sample_rate: rate,
                ..config.clone()
            })),
        }
    }

    fn push(&mut self, pcm: &[i16]) -> Vec<VadEvent> {
        match self {
            CallerVad::Neural(v) => v.push(pcm),
            CallerVad::Energy(v) => v.push(pcm),
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
            bridge: BridgeConfig::default(),
            vad: VadConfig::default(),
            vad_kind: VadKind::default(),
            reprompt_after: Duration::from_secs(8),
            max_reprompts: 2,
            phrase_hints: true,
            stats: Arc::new(AgentStats::default()),
        }
    }

    /// The timing policy of its conversations ([`Turns`]).
    pub fn turn_policy(&self) -> TurnPolicy {
        TurnPolicy {
            reprompt_after: self.reprompt_after,
            max_reprompts: self.max_reprompts,
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

/// Runs one agent call: a thin loop around the call's [`Turns`]. It reads the call's events,
/// the voice activity detector and the recogniser, feeds what happened to the machine, and
/// carries out what the machine decides.
pub async fn run(config: Arc<AgentConfig>, call: Call) -> Result<()> {
    let conversation = Conversation::start(&config, call);
    let mut turns = Turns::new(config.turn_policy(), conversation.now());
    conversation.converse(&mut turns).await
}

/// What happened while the conversation waited.
enum Wake {
    /// Something for the machine.
    Input(Input),
    /// The machine's timer fired.
    Timeout,
    /// Nothing the machine needs to know (caller audio without a speech edge, say).
    Nothing,
}

/// Which of the sources [`Conversation::wait`] listens to woke it.
enum Woke {
    /// The prompt playing ended (what the caller heard of it), or the call ended first.
    PromptEnded(Result<Heard>),
    /// A call event; `None`: the call is over.
    Call(Option<Event>),
    /// A recogniser event; `None`: its results ended.
    Recognizer(Option<SttEvent>),
    /// The machine's timer.
    Timer,
}

/// The I/O half of one agent call: everything [`Turns`] does not hold.
struct Conversation<'a> {
    /// The agent's configuration (the script, the voice, where measures go).
    config: &'a AgentConfig,
    /// The call's command half.
    call: CallControl,
    /// The call's event half.
    events: CallEvents,
    /// The call's audio format (caller frames are decoded from it).
    content_type: ContentType,
    /// The recogniser, fed the caller's audio, until it fails or the call ends.
    bridge: Option<SttBridge>,
    /// Speech onset and end on the caller's audio.
    vad: CallerVad,
    /// Samples fed to the VAD so far, to turn its sample-clock times into instants.
    fed: u64,
    /// Speech edges of the last frame not yet handed to the machine.
    edges: VecDeque<Input>,
    /// The prompt playing, resolving to what the caller heard of it.
    playing: Option<PromptPlayback>,
    /// The first error of the call, returned when it is over.
    error: Option<Error>,
}

impl<'a> Conversation<'a> {
    /// Starts listening to `call`: the recogniser (with the agent's phrase hints) and the VAD.
    fn start(config: &'a AgentConfig, call: Call) -> Self {
        let (call, events) = call.split();
        let content_type = call.info().content_type;
        let rate = content_type.sample_rate();
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
        let vad = CallerVad::new(config.vad_kind, &config.vad, rate);
        Self {
            config,
            call,
            events,
            content_type,
            bridge: Some(SttBridge::start(config.stt.clone(), bridge_config)),
            vad,
            fed: 0,
            edges: VecDeque::new(),
            playing: None,
            error: None,
        }
    }

    /// The time now on the call's clock (virtual in a virtual run).
    fn now(&self) -> Instant {
        self.call.clock().now()
    }

    /// The conversation: carry out what `turns` decided, wait for what happens next, tell
    /// `turns`; until it is over. Returns the call's first error, if any.
    async fn converse(mut self, turns: &mut Turns) -> Result<()> {
        loop {
            while let Some(action) = turns.poll_action() {
                match self.carry_out(action).await {
                    Ok(Some(done)) => turns.handle(done, self.now()),
                    Ok(None) => {}
                    Err(e) => self.abort(turns, e),
                }
            }
            if turns.is_over() {
                return self.error.map_or(Ok(()), Err);
            }
            match self.wait(turns.poll_timeout()).await {
                Ok(Wake::Input(input)) => turns.handle(input, self.now()),
                Ok(Wake::Timeout) => turns.handle_timeout(self.now()),
                Ok(Wake::Nothing) => {}
                Err(e) => self.abort(turns, e),
            }
        }
    }

    /// Keeps the call's first error and stops the conversation.
    fn abort(&mut self, turns: &mut Turns, e: Error) {
        self.error.get_or_insert(e);
        turns.handle(Input::Aborted, self.now());
    }

    /// Carries out `action`; returns what to tell the machine once it is done.
    async fn carry_out(&mut self, action: Action) -> Result<Option<Input>> {
        match action {
            Action::Play { id, prompt } => {
                let text = self.config.script.text(prompt).to_string();
                // A speech error is the app's, not the core's: carried as `Error::App`.
                let audio: Audio = self
                    .config
                    .tts
                    .synthesize(&text)
                    .await
                    .map_err(Error::app)?;
                let playback = self.call.start_play_prompt(id, Some(text), audio).await?;
                self.playing = Some(playback);
                Ok(Some(Input::PromptStarted))
            }
            Action::Clear => {
                self.call.clear().await?;
                Ok(Some(Input::Cleared))
            }
            Action::StopListening => {
                if let Some(mut b) = self.bridge.take() {
                    b.close();
                }
                Ok(None)
            }
            Action::HangUp => self.call.hangup().await.map(|_| None),
            Action::Report(m) => {
                self.report(m);
                Ok(None)
            }
        }
    }

    /// Records and logs the call's measures, with the call's heard ledger.
    fn report(&self, mut m: CallMeasures) {
        let call_id = self.call.call_id();
        m.heard = self.call.heard_ledger();
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
        self.config.stats.record(call_id, m);
    }

    /// Waits for the next thing that happens: the prompt ends, a call event, a recogniser
    /// event, or the machine's `timer`.
    async fn wait(&mut self, timer: Option<Instant>) -> Result<Wake> {
        if let Some(edge) = self.edges.pop_front() {
            return Ok(Wake::Input(edge));
        }
        let clock = self.call.clock().clone();
        let (playing, events, bridge) = (&mut self.playing, &mut self.events, &mut self.bridge);
        let woke = tokio::select! {
            heard = async { match playing.as_mut() { Some(p) => p.await, None => std::future::pending().await } } => Woke::PromptEnded(heard),
            event = events.next() => Woke::Call(event),
            stt = async { match bridge.as_mut() { Some(b) => b.next().await, None => std::future::pending().await } } => Woke::Recognizer(stt),
            () = async { match timer { Some(t) => clock.sleep_until(t).await, None => std::future::pending().await } } => Woke::Timer,
        };
        match woke {
            Woke::PromptEnded(heard) => {
                self.playing = None;
                Ok(Wake::Input(match heard {
                    Ok(heard) => Input::PromptEnded {
                        outcome: heard.outcome,
                    },
                    // The call ended before the prompt did.
                    Err(_) => Input::CallEnded,
                }))
            }
            Woke::Call(Some(event)) => self.call_event(event),
            Woke::Call(None) => Ok(Wake::Input(Input::CallEnded)),
            Woke::Recognizer(stt) => Ok(self.recognizer_event(stt)),
            Woke::Timer => Ok(Wake::Timeout),
        }
    }

    /// An event of the call.
    fn call_event(&mut self, event: Event) -> Result<Wake> {
        Ok(match event {
            Event::Audio(frame) => {
                let pcm = Audio::from_wire(self.content_type, frame.data)?.samples();
                self.listen(pcm);
                self.edges.pop_front().map_or(Wake::Nothing, Wake::Input)
            }
            Event::DtmfEnded { digit, .. } => Wake::Input(Input::Key(digit)),
            Event::CallEnded(_) => Wake::Input(Input::CallEnded),
            _ => Wake::Nothing,
        })
    }

    /// Caller audio: to the VAD (its speech edges are queued for the machine) and to the
    /// recogniser.
    fn listen(&mut self, pcm: Vec<i16>) {
        self.fed += pcm.len() as u64;
        let now = self.now();
        let rate = self.content_type.sample_rate();
        // The VAD's times are on the audio's clock; `fed` samples of it end now.
        let heard = Duration::from_secs_f64(self.fed as f64 / f64::from(rate));
        let at = |t: Duration| {
            let behind = heard.saturating_sub(t);
            now.checked_sub(behind).unwrap_or(now)
        };
        for e in self.vad.push(&pcm) {
            self.edges.push_back(match e {
                VadEvent::SpeechStarted { at: t } => Input::SpeechStarted { at: at(t) },
                VadEvent::SpeechEnded { at: t } => Input::SpeechEnded { at: at(t) },
            });
        }
        if let Some(b) = &self.bridge {
            b.push(pcm);
        }
    }

    /// An event of the recogniser (`None`: its results ended).
    fn recognizer_event(&mut self, event: Option<SttEvent>) -> Wake {
        match event {
            Some(SttEvent::Final(t)) => Wake::Input(Input::Transcript(t.text)),
            Some(SttEvent::Restarted { .. }) => Wake::Input(Input::RecognizerRestarted),
            // The bridge logged the error (once); the machine decides what to say.
            Some(SttEvent::Failed(_)) => Wake::Input(Input::RecognizerFailed),
            // Interim results are not acted on; a broken stream is reopened by the bridge.
            Some(SttEvent::Interim(_) | SttEvent::Broken(_)) => Wake::Nothing,
            None => {
                self.bridge = None;
                Wake::Input(Input::RecognizerClosed)
            }
        }
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
