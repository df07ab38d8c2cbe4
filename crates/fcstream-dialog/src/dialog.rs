//! The async half of the dialog layer: [`Dialog`], a [`Call`] with a voice, a recogniser and a
//! VAD, offering `say`, `ask` and `say_then_hangup`.
//!
//! It decides nothing: each operation is a [`Turn`] (the sans-I/O machine in
//! [`turn`](crate::turn)), and this module only carries out its actions (synthesise and
//! queue a prompt, clear, open and close the recogniser) and feeds it what happens (the
//! caller's audio through the VAD, keys, transcripts, prompt and clear completions, the
//! clock). Between operations nothing reads the call; at the start of the next one the
//! events queued meanwhile are taken at once: keys are kept as type-ahead for the next `ask`
//! for digits (a caller who knows the menu need not wait), audio only brings the VAD up to
//! date (speech that began before a prompt is not a barge-in on it).

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use fcstream::call::KeyPresses;
use fcstream::{
    Audio, Call, CallControl, CallEvents, ContentType, EndCause, Error, Event, Heard,
    PromptPlayback, Result,
};
use fcstream_speech::bridge::{BridgeConfig, SttBridge, SttEvent};
use fcstream_speech::tts::Synthesizer;
use fcstream_speech::vad::{Vad, VadConfig, VadEvent};
use fcstream_speech::{SttConfig, Transcriber};

use crate::turn::{Action, Answer, BargeIn, Expect, Input, Outcome, Turn};

/// Keys kept between operations for the next `ask` (the oldest is dropped beyond).
pub const MAX_TYPE_AHEAD: usize = 32;
/// Measurements kept per list of [`Measures`] (the oldest is dropped beyond).
pub const MAX_MEASURES: usize = 256;

/// What a prompt says: words for the voice, or audio.
#[derive(Debug, Clone)]
enum Content {
    Text(String),
    Audio { audio: Audio, text: Option<String> },
}

/// A prompt: its words or audio, its name in the heard ledger, its barge-in policy and, for
/// an `ask`, what to say on a reprompt.
///
/// ```
/// use fcstream_dialog::{BargeIn, Prompt};
/// let p = Prompt::text("Press one for sales.")
///     .name("menu")
///     .barge_in(BargeIn::Keys)
///     .reprompt("Sorry. Press one for sales.");
/// assert_eq!(p.words(), Some("Press one for sales."));
/// ```
#[derive(Debug, Clone)]
pub struct Prompt {
    content: Content,
    name: Option<String>,
    barge_in: Option<BargeIn>,
    reprompt: Option<Box<Prompt>>,
}

impl Prompt {
    /// Words, spoken by the dialog's voice.
    pub fn text(text: impl Into<String>) -> Self {
        Self::of(Content::Text(text.into()))
    }

    /// Audio, played as it is (converted to the call's format).
    pub fn audio(audio: Audio) -> Self {
        Self::of(Content::Audio { audio, text: None })
    }

    fn of(content: Content) -> Self {
        Self {
            content,
            name: None,
            barge_in: None,
            reprompt: None,
        }
    }

    /// Its name in the heard ledger (`NAME-N`, N counting the dialog's prompts). Default:
    /// `say` or `ask`.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// What may cut it short. Default: [`BargeIn::Any`] for a `say`, what the `ask` expects
    /// ([`Expect::default_barge_in`]) for an `ask`.
    pub fn barge_in(mut self, b: BargeIn) -> Self {
        self.barge_in = Some(b);
        self
    }

    /// What an `ask` says on attempts after the first. Default: the prompt again.
    pub fn reprompt(mut self, p: impl Into<Prompt>) -> Self {
        self.reprompt = Some(Box::new(p.into()));
        self
    }

    /// Its words, if known.
    pub fn words(&self) -> Option<&str> {
        match &self.content {
            Content::Text(t) => Some(t),
            Content::Audio { text, .. } => text.as_deref(),
        }
    }

    /// The words of an audio prompt (for the heard ledger).
    pub fn with_text(mut self, words: impl Into<String>) -> Self {
        match &mut self.content {
            Content::Text(t) => *t = words.into(),
            Content::Audio { text, .. } => *text = Some(words.into()),
        }
        self
    }
}

impl From<&str> for Prompt {
    fn from(t: &str) -> Self {
        Prompt::text(t)
    }
}

impl From<String> for Prompt {
    fn from(t: String) -> Self {
        Prompt::text(t)
    }
}

impl From<Audio> for Prompt {
    fn from(a: Audio) -> Self {
        Prompt::audio(a)
    }
}

/// The voice activity detector that drives barge-in and the end of the caller's turn.
#[derive(Debug, Clone, PartialEq)]
pub enum VadChoice {
    /// The energy detector: no model; loud audio is speech.
    Energy(VadConfig),
    /// earshot's neural detector: voice, not loudness, starts speech (a cough or a door does
    /// not cut a prompt). The default.
    #[cfg(feature = "neural-vad")]
    Neural(fcstream_speech::vad::neural::NeuralVadConfig),
}

impl Default for VadChoice {
    fn default() -> Self {
        #[cfg(feature = "neural-vad")]
        return VadChoice::Neural(Default::default());
        #[cfg(not(feature = "neural-vad"))]
        return VadChoice::Energy(Default::default());
    }
}

/// A running detector of either kind.
enum Detector {
    Energy(Vad),
    #[cfg(feature = "neural-vad")]
    Neural(Box<fcstream_speech::vad::neural::NeuralVad>),
}

impl Detector {
    fn new(choice: &VadChoice, rate: u32) -> Self {
        match choice {
            VadChoice::Energy(c) => Detector::Energy(Vad::new(VadConfig {
                sample_rate: rate,
                ..c.clone()
            })),
            #[cfg(feature = "neural-vad")]
            VadChoice::Neural(c) => {
                Detector::Neural(Box::new(fcstream_speech::vad::neural::NeuralVad::new(
                    fcstream_speech::vad::neural::NeuralVadConfig {
                        sample_rate: rate,
                        ..c.clone()
                    },
                )))
            }
        }
    }

    fn push(&mut self, pcm: &[i16]) -> Vec<VadEvent> {
        match self {
            Detector::Energy(v) => v.push(pcm),
            #[cfg(feature = "neural-vad")]
            Detector::Neural(v) => v.push(pcm),
        }
    }
}

/// One barge-in, timed at the server.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BargeInTiming {
    /// Speech onset in the caller's audio (the VAD's estimate) → the clear handed to the
    /// call: the VAD's confirmation time plus the dialog's own.
    pub onset_to_clear: Duration,
    /// The VAD reported the onset → the clear handed to the call: the dialog's own time.
    pub detected_to_clear: Duration,
    /// The clear handed to the call → the platform confirmed it (`None`: it never did).
    pub clear_to_confirmed: Option<Duration>,
    /// Whether a key (not speech) cut the prompt.
    pub by_key: bool,
}

/// What a dialog measured, per operation (each list bounded to [`MAX_MEASURES`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Measures {
    /// Barge-ins.
    pub barge_ins: Vec<BargeInTiming>,
    /// End of the caller's speech → the next prompt's audio queued.
    pub responses: Vec<Duration>,
    /// End of the caller's speech → its final transcript.
    pub recognitions: Vec<Duration>,
    /// Final transcripts, in order.
    pub transcripts: Vec<String>,
}

fn keep<T>(list: &mut Vec<T>, item: T) {
    if list.len() >= MAX_MEASURES {
        list.remove(0);
    }
    list.push(item);
}

/// A call with a voice, a recogniser and a VAD: `say`, `ask`, `say_then_hangup`.
///
/// ```no_run
/// use fcstream_dialog::{Answer, Dialog, Expect};
///
/// async fn menu(call: fcstream::Call) -> fcstream::Result<()> {
///     let (voice, _) = fcstream_speech::tts::natural(Some(8000));
///     let mut d = Dialog::new(call).voice(voice);
///     match d.ask("Press one for sales, two for support.", Expect::digits(1)).await? {
///         Answer::Digits { digits, .. } if digits == "1" => d.say("Sales it is.").await?,
///         _ => d.say("Goodbye.").await?,
///     };
///     d.say_then_hangup("Thank you for calling.").await?;
///     Ok(())
/// }
/// ```
pub struct Dialog {
    /// Commands.
    call: CallControl,
    /// Events.
    events: CallEvents,
    /// The call's audio format.
    content_type: ContentType,
    /// Speaks text prompts.
    voice: Option<Arc<dyn Synthesizer>>,
    /// Recognises speech.
    recognizer: Option<Arc<dyn Transcriber>>,
    /// How the recogniser is fed (its config is set per ask).
    bridge: BridgeConfig,
    /// The detector's settings (it is rebuilt when they change).
    vad_choice: VadChoice,
    /// The detector.
    vad: Detector,
    /// Caller samples given to the VAD so far (its times are on this clock).
    fed: u64,
    /// Key presses, counted once each.
    keys: KeyPresses,
    /// Keys pressed outside an `ask` for digits, for the next one.
    type_ahead: VecDeque<char>,
    /// Prompts played so far (their ledger numbers).
    prompts: u32,
    /// The recogniser failed for good: no more recognition this call.
    speech_failed: bool,
    /// When the VAD last said the caller stopped speaking, not yet answered.
    speech_ended: Option<Instant>,
    /// The call is over.
    ended: bool,
    /// Caller frames that could not be decoded.
    bad_frames: u64,
    /// Timings.
    measures: Measures,
}

/// A clear on its way.
type Clearing = Pin<Box<dyn Future<Output = Result<()>> + Send>>;

/// The barge-in being timed: onset (audio), detection, clear sent.
#[derive(Debug, Clone, Copy)]
struct Cut {
    onset: Instant,
    detected: Instant,
    sent: Instant,
    by_key: bool,
}

/// What woke an operation.
enum Woke {
    Prompt(Result<Heard>),
    Cleared(Result<()>),
    Event(Option<Event>),
    Recognizer(Option<SttEvent>),
    Timer,
}

impl Dialog {
    /// A dialog on `call`, with no voice (audio prompts only) and no recogniser (digits
    /// only) until they are given.
    pub fn new(call: Call) -> Self {
        let (call, events) = call.split();
        let content_type = call.info().content_type;
        let vad_choice = VadChoice::default();
        Self {
            vad: Detector::new(&vad_choice, content_type.sample_rate()),
            vad_choice,
            call,
            events,
            content_type,
            voice: None,
            recognizer: None,
            bridge: BridgeConfig::default(),
            fed: 0,
            keys: KeyPresses::default(),
            type_ahead: VecDeque::new(),
            prompts: 0,
            speech_failed: false,
            speech_ended: None,
            ended: false,
            bad_frames: 0,
            measures: Measures::default(),
        }
    }

    /// Speaks text prompts with `voice`.
    pub fn voice(mut self, voice: Arc<dyn Synthesizer>) -> Self {
        self.voice = Some(voice);
        self
    }

    /// Recognises speech with `recognizer` (one stream per `ask` that expects speech, with
    /// its phrase hints).
    pub fn recognizer(mut self, recognizer: Arc<dyn Transcriber>) -> Self {
        self.recognizer = Some(recognizer);
        self
    }

    /// How the recogniser is fed: pacing, restarts (its `stt` config is the ask's).
    pub fn bridge_config(mut self, config: BridgeConfig) -> Self {
        self.bridge = config;
        self
    }

    /// The voice activity detector (default: [`VadChoice::default`]).
    pub fn vad(mut self, choice: VadChoice) -> Self {
        self.vad = Detector::new(&choice, self.content_type.sample_rate());
        self.vad_choice = choice;
        self
    }

    /// The detector in use.
    pub fn vad_choice(&self) -> &VadChoice {
        &self.vad_choice
    }

    /// The call's command half (play, press keys, the heard ledger, the clock).
    pub fn call(&self) -> &CallControl {
        &self.call
    }

    /// What the dialog measured so far.
    pub fn measures(&self) -> &Measures {
        &self.measures
    }

    /// Caller frames skipped because they could not be decoded.
    pub fn bad_frames(&self) -> u64 {
        self.bad_frames
    }

    /// Whether speech can be recognised: a recogniser was given and has not failed for good.
    pub fn speech_available(&self) -> bool {
        self.recognizer.is_some() && !self.speech_failed
    }

    /// Plays `prompt` and returns what the caller heard of it: all of it, or the part before
    /// the caller cut it (speech or a key, as its [`BargeIn`] allows; default
    /// [`BargeIn::Any`]). A key that cut it is kept for the next `ask` for digits. Fails
    /// with [`Error::CallEnded`] if the call ends first.
    pub async fn say(&mut self, prompt: impl Into<Prompt>) -> Result<Heard> {
        let prompt = prompt.into();
        let barge_in = prompt.barge_in.unwrap_or(BargeIn::Any);
        let (outcome, heard) = self.run(Turn::say(barge_in), &prompt, None).await?;
        match (outcome, heard) {
            (Outcome::Said, Some(heard)) => Ok(heard),
            _ => Err(self.ended_error()),
        }
    }

    /// Plays `prompt` to its very end, whatever the caller does (no barge-in), then hangs
    /// up: the hangup is sent only once the platform reported the prompt's last chunk
    /// played. Returns why the call ended (`APPLICATION_DISCONNECT` normally; the caller's
    /// hangup if they went first).
    pub async fn say_then_hangup(&mut self, prompt: impl Into<Prompt>) -> Result<EndCause> {
        let prompt = prompt.into().barge_in(BargeIn::Never);
        match self.say(prompt).await {
            Ok(_) => self.call.hangup().await,
            Err(Error::CallEnded(cause)) => Ok(cause),
            Err(e) => Err(e),
        }
    }

    /// Plays `prompt` and waits for the answer `expect` describes: speech (with hints and
    /// choices), digits (count, terminator, inter-digit timeout) or either; with no-input
    /// and max-time timeouts and reprompts. The caller hanging up is an answer
    /// ([`Answer::HungUp`]), not an error.
    ///
    /// Once the recogniser has failed for good, an ask that also takes digits goes on with
    /// digits only; one that takes only speech answers [`Answer::SpeechUnavailable`] at once.
    pub async fn ask(&mut self, prompt: impl Into<Prompt>, expect: Expect) -> Result<Answer> {
        let prompt = prompt.into();
        let mut expect = expect;
        if expect.speech.is_some() && !self.speech_available() {
            if expect.digits.is_none() {
                return Ok(Answer::SpeechUnavailable);
            }
            expect.speech = None;
        }
        let barge_in = prompt.barge_in.unwrap_or(expect.default_barge_in());
        let turn = Turn::ask(expect.clone(), barge_in);
        match self.run(turn, &prompt, Some(&expect)).await? {
            (Outcome::Answered(a), _) => Ok(a),
            (Outcome::Said | Outcome::HungUp, _) => Ok(Answer::HungUp),
        }
    }

    fn ended_error(&self) -> Error {
        Error::CallEnded(self.call.end_cause().unwrap_or(EndCause::StreamClosed))
    }

    fn now(&self) -> Instant {
        self.call.clock().now()
    }

    /// Runs one operation to its end; returns how it ended and the last prompt's record.
    async fn run(
        &mut self,
        mut turn: Turn,
        prompt: &Prompt,
        expect: Option<&Expect>,
    ) -> Result<(Outcome, Option<Heard>)> {
        let takes_digits = expect.is_some_and(|e| e.digits.is_some());
        self.catch_up();
        if self.ended {
            // The caller hung up between operations: nothing to play.
            turn.handle(Input::CallEnded, self.now());
            return Ok((
                match expect {
                    Some(_) => Outcome::Answered(Answer::HungUp),
                    None => Outcome::HungUp,
                },
                None,
            ));
        }
        let mut playing: Option<PromptPlayback> = None;
        let mut clearing: Option<Clearing> = None;
        let mut cut: Option<Cut> = None;
        let mut onset: Option<(Instant, Instant)> = None;
        let mut bridge: Option<SttBridge> = None;
        let mut heard = None;
        loop {
            while let Some(action) = turn.poll_action() {
                match action {
                    Action::Play { attempt } => {
                        let p = match (&prompt.reprompt, attempt) {
                            (Some(r), 1..) => r,
                            _ => prompt,
                        };
                        match self.start(p).await {
                            Ok(playback) => playing = Some(playback),
                            // The call ended as the prompt was queued: an answer for an ask.
                            Err(Error::CallEnded(_)) => {
                                self.ended = true;
                                turn.handle(Input::CallEnded, self.now());
                                continue;
                            }
                            Err(e) => return Err(e),
                        }
                        turn.handle(Input::PromptStarted, self.now());
                        if takes_digits && attempt == 0 {
                            for key in std::mem::take(&mut self.type_ahead) {
                                turn.handle(Input::Key(key), self.now());
                            }
                        }
                    }
                    Action::Clear => {
                        let call = self.call.clone();
                        clearing = Some(Box::pin(async move { call.clear().await }));
                        let now = self.now();
                        let (onset, detected, by_key) = match onset.take() {
                            Some((o, d)) => (o, d, false),
                            None => (now, now, true),
                        };
                        cut = Some(Cut {
                            onset,
                            detected,
                            sent: now,
                            by_key,
                        });
                    }
                    Action::Listen => bridge = self.listen(expect),
                    Action::StopListening => {
                        if let Some(mut b) = bridge.take() {
                            b.close();
                        }
                    }
                    Action::Done(outcome) => {
                        if let Some(c) = cut.take() {
                            self.timed(c, None);
                        }
                        return Ok((outcome, heard));
                    }
                }
            }
            let timer = turn.poll_timeout();
            let clock = self.call.clock().clone();
            let woke = tokio::select! {
                h = async { match playing.as_mut() { Some(p) => p.await, None => std::future::pending().await } } => Woke::Prompt(h),
                r = async { match clearing.as_mut() { Some(c) => c.await, None => std::future::pending().await } } => Woke::Cleared(r),
                e = self.events.next() => Woke::Event(e),
                s = async { match bridge.as_mut() { Some(b) => b.next().await, None => std::future::pending().await } } => Woke::Recognizer(s),
                () = async { match timer { Some(t) => clock.sleep_until(t).await, None => std::future::pending().await } } => Woke::Timer,
            };
            let now = self.now();
            match woke {
                Woke::Prompt(h) => {
                    playing = None;
                    match h {
                        Ok(h) => {
                            let outcome = h.outcome;
                            heard = Some(h);
                            turn.handle(Input::PromptEnded(outcome), now);
                        }
                        Err(Error::CallEnded(_)) => {
                            self.ended = true;
                            turn.handle(Input::CallEnded, now);
                        }
                        Err(e) => return Err(e),
                    }
                }
                Woke::Cleared(r) => {
                    clearing = None;
                    match r {
                        Ok(()) => {
                            if let Some(c) = cut.take() {
                                self.timed(c, Some(now));
                            }
                            turn.handle(Input::Cleared, now);
                        }
                        Err(Error::CallEnded(_)) => {
                            self.ended = true;
                            turn.handle(Input::CallEnded, now);
                        }
                        Err(e) => return Err(e),
                    }
                }
                Woke::Event(e) => {
                    // An onset is timed only if it is what cuts the prompt.
                    onset = None;
                    for input in self.event(e, bridge.as_ref(), &mut onset, now) {
                        if matches!(input, Input::Key(_)) && !takes_digits {
                            self.keep_key(&input);
                        }
                        turn.handle(input, now);
                    }
                }
                Woke::Recognizer(s) => {
                    if let Some(input) = self.recognized(s, &mut bridge, now) {
                        turn.handle(input, now);
                    }
                }
                Woke::Timer => turn.handle_timeout(now),
            }
        }
    }

    /// Takes the events queued since the last operation: keys become type-ahead, audio
    /// only brings the VAD up to date, the end of the call is noted.
    fn catch_up(&mut self) {
        let waker = std::task::Waker::noop();
        let mut cx = Context::from_waker(waker);
        loop {
            let event = match Pin::new(&mut self.events).poll_next_event(&mut cx) {
                Poll::Ready(e) => e,
                Poll::Pending => return,
            };
            let now = self.now();
            let mut onset = None;
            for input in self.event(event, None, &mut onset, now) {
                self.keep_key(&input);
            }
            if self.ended {
                return;
            }
        }
    }

    fn keep_key(&mut self, input: &Input) {
        if let Input::Key(k) = input {
            if self.type_ahead.len() >= MAX_TYPE_AHEAD {
                self.type_ahead.pop_front();
            }
            self.type_ahead.push_back(*k);
        }
    }

    /// Synthesises (if needed) and queues `prompt`.
    async fn start(&mut self, prompt: &Prompt) -> Result<PromptPlayback> {
        let (audio, text) = match &prompt.content {
            Content::Audio { audio, text } => (audio.clone(), text.clone()),
            Content::Text(text) => {
                let voice = self.voice.as_ref().ok_or_else(|| {
                    Error::InvalidArgument(
                        "a text prompt needs a voice: Dialog::voice(…), or use Prompt::audio"
                            .into(),
                    )
                })?;
                // A speech error is the app's, not the core's: carried as `Error::App`.
                let audio = voice.synthesize(text).await.map_err(Error::app)?;
                (audio, Some(text.clone()))
            }
        };
        self.prompts += 1;
        let name = format!(
            "{}-{}",
            prompt.name.as_deref().unwrap_or("prompt"),
            self.prompts
        );
        let playback = self.call.start_play_prompt(name, text, audio).await?;
        if let Some(end) = self.speech_ended.take() {
            let waited = self.now().saturating_duration_since(end);
            keep(&mut self.measures.responses, waited);
        }
        Ok(playback)
    }

    /// Opens the recogniser for an ask.
    fn listen(&mut self, expect: Option<&Expect>) -> Option<SttBridge> {
        let stt = self.recognizer.clone().filter(|_| !self.speech_failed)?;
        let mut config = self.bridge.clone();
        config.stt = SttConfig {
            sample_rate: self.content_type.sample_rate(),
            phrases: expect.map(Expect::phrases).unwrap_or_default(),
            ..config.stt
        };
        Some(SttBridge::start(stt, config))
    }

    /// A call event as inputs for the machine. Audio goes through the VAD (and to the
    /// recogniser); `onset` gets the onset and detection instants of a speech start. A
    /// frame that cannot be decoded (an odd-sized L16 frame from a broken platform) is
    /// skipped, counted in [`Dialog::bad_frames`] and logged once: it does not end the call.
    fn event(
        &mut self,
        event: Option<Event>,
        bridge: Option<&SttBridge>,
        onset: &mut Option<(Instant, Instant)>,
        now: Instant,
    ) -> Vec<Input> {
        let Some(event) = event else {
            self.ended = true;
            return vec![Input::CallEnded];
        };
        match event {
            Event::Audio(frame) => {
                let pcm = match Audio::from_wire(self.content_type, frame.data) {
                    Ok(audio) => audio.samples(),
                    Err(e) => {
                        if self.bad_frames == 0 {
                            tracing::warn!(call_id = %fcstream::untrusted::shown(self.call.call_id()), error = %e, "undecodable caller audio skipped");
                        }
                        self.bad_frames += 1;
                        return Vec::new();
                    }
                };
                self.fed += pcm.len() as u64;
                let rate = f64::from(self.content_type.sample_rate());
                let position = Duration::from_secs_f64(self.fed as f64 / rate);
                let mut inputs = Vec::new();
                for e in self.vad.push(&pcm) {
                    match e {
                        VadEvent::SpeechStarted { at } => {
                            // The VAD's times are on the audio's clock; `fed` samples end now.
                            let behind = position.saturating_sub(at);
                            *onset = Some((now.checked_sub(behind).unwrap_or(now), now));
                            inputs.push(Input::SpeechStarted);
                        }
                        VadEvent::SpeechEnded { .. } => {
                            self.speech_ended = Some(now);
                            inputs.push(Input::SpeechEnded);
                        }
                    }
                }
                if let Some(b) = bridge {
                    b.push(pcm);
                }
                inputs
            }
            e @ (Event::DtmfStarted { .. } | Event::DtmfEnded { .. }) => {
                self.keys.press(&e).map(Input::Key).into_iter().collect()
            }
            Event::CallEnded(_) => {
                self.ended = true;
                vec![Input::CallEnded]
            }
            _ => Vec::new(),
        }
    }

    /// A recogniser event as an input for the machine.
    fn recognized(
        &mut self,
        event: Option<SttEvent>,
        bridge: &mut Option<SttBridge>,
        now: Instant,
    ) -> Option<Input> {
        match event {
            Some(SttEvent::Final(t)) => {
                if let Some(end) = self.speech_ended {
                    keep(
                        &mut self.measures.recognitions,
                        now.saturating_duration_since(end),
                    );
                }
                keep(&mut self.measures.transcripts, t.text.clone());
                Some(Input::Transcript {
                    text: t.text,
                    confidence: t.confidence,
                })
            }
            // The bridge logged the error, once; no more recognition this call.
            Some(SttEvent::Failed(_)) => {
                self.speech_failed = true;
                *bridge = None;
                Some(Input::RecognizerFailed)
            }
            // Interim results are not acted on; a broken stream is reopened by the bridge.
            Some(SttEvent::Interim(_) | SttEvent::Broken(_) | SttEvent::Restarted { .. }) => None,
            None => {
                *bridge = None;
                None
            }
        }
    }

    fn timed(&mut self, c: Cut, confirmed: Option<Instant>) {
        keep(
            &mut self.measures.barge_ins,
            BargeInTiming {
                onset_to_clear: c.sent.saturating_duration_since(c.onset),
                detected_to_clear: c.sent.saturating_duration_since(c.detected),
                clear_to_confirmed: confirmed.map(|t| t.saturating_duration_since(c.sent)),
                by_key: c.by_key,
            },
        );
    }
}

/// A non-blocking look at the next event, for [`Dialog`]'s catch-up.
trait PollEvent {
    fn poll_next_event(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Event>>;
}

impl PollEvent for CallEvents {
    fn poll_next_event(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Event>> {
        futures_core::Stream::poll_next(self, cx)
    }
}
