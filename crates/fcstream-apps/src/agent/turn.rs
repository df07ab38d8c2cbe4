//! The agent's decisions as a sans-I/O machine: [`Turns`].
//!
//! It holds no runtime types, reads no clock and does no I/O. The async agent
//! ([`run`](super::run)) reads the call, the voice activity detector and the recogniser, turns
//! what happened into an [`Input`] with the time `now`, and carries out the [`Action`]s the
//! machine queues:
//!
//! ```text
//! loop {
//!     while let Some(action) = turns.poll_action() { carry it out; feed back its Input }
//!     if turns.is_over() { break }
//!     wait for an event or turns.poll_timeout();
//!     turns.handle(input, now)  or  turns.handle_timeout(now)
//! }
//! ```
//!
//! The rules, in one place:
//!
//! - **Barge-in**: caller speech onset while an interruptible prompt plays → [`Action::Clear`].
//!   The farewell ([`Prompt::Goodbye`]) is never interrupted, by speech, keys or transcripts.
//! - **Answers**: a final transcript naming an intent ([`Intent::from_text`]) or a menu key
//!   ([`Intent::from_digit`]) → clear what is playing, then play the answer; a transcript
//!   naming none → [`Prompt::NotUnderstood`].
//! - **Hanging up**: only when the farewell has finished playing: [`Action::HangUp`].
//! - **Silence**: nothing playing and the caller quiet for [`TurnPolicy::reprompt_after`] →
//!   a re-prompt ([`Prompt::NotUnderstood`], or [`Prompt::Fallback`] once recognition is
//!   gone); after [`TurnPolicy::max_reprompts`] re-prompts, the farewell.
//! - **Recogniser failed for good**: stop listening, say [`Prompt::Fallback`] once, go on by
//!   keys.
//! - **Measures** ([`CallMeasures`]): speech onset → clear confirmed, end of speech → final
//!   transcript, end of speech → answer's audio queued; reported with [`Action::Report`] when
//!   the call is over.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use fcstream::PlayOutcome;

use super::{CallMeasures, Intent};

/// What the agent can say; [`Script::text`](super::Script::text) has the words.
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

/// The timing policy of a conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TurnPolicy {
    /// Silence (nothing playing, the caller quiet) after which the agent asks again.
    pub reprompt_after: Duration,
    /// Re-prompts before the agent says goodbye.
    pub max_reprompts: u32,
}

impl Default for TurnPolicy {
    fn default() -> Self {
        Self {
            reprompt_after: Duration::from_secs(8),
            max_reprompts: 2,
        }
    }
}

/// Something that happened, fed to [`Turns::handle`] with the time it was seen.
#[derive(Debug, Clone, PartialEq)]
pub enum Input {
    /// The voice activity detector heard speech begin at `at` (before `now`: the detector
    /// confirms speech some tens of ms after its first frame).
    SpeechStarted {
        /// Where speech began.
        at: Instant,
    },
    /// The voice activity detector heard speech end at `at`.
    SpeechEnded {
        /// Where speech ended.
        at: Instant,
    },
    /// A final transcript from the recogniser.
    Transcript(String),
    /// The caller pressed (and released) a key.
    Key(char),
    /// The prompt of the last [`Action::Play`] was queued: its audio is on its way.
    PromptStarted,
    /// The platform confirmed the last [`Action::Clear`].
    Cleared,
    /// The prompt playing ended: played to its end, or cut by a clear.
    PromptEnded {
        /// How it ended.
        outcome: PlayOutcome,
    },
    /// The recogniser switched to a new stream (the agent goes on listening).
    RecognizerRestarted,
    /// The recogniser cannot be used any more (it reported the error itself).
    RecognizerFailed,
    /// The recogniser's results ended without a failure.
    RecognizerClosed,
    /// The call ended (the caller hung up, or the platform ended it).
    CallEnded,
    /// Carrying out an action or reading the call failed: the conversation stops here, with
    /// no farewell and no hang-up.
    Aborted,
}

/// What the agent does next, from [`Turns::poll_action`], in order.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Start playing `prompt` under the prompt id `id` (unique in the call), then answer
    /// [`Input::PromptStarted`]; its end is [`Input::PromptEnded`].
    Play {
        /// The prompt id (`greeting-1`, `hours-2`).
        id: String,
        /// What to say.
        prompt: Prompt,
    },
    /// Clear the platform's audio buffer (what is playing stops), then answer
    /// [`Input::Cleared`].
    Clear,
    /// Stop feeding the recogniser and drop it.
    StopListening,
    /// Hang up (the farewell has played).
    HangUp,
    /// The call is over: record and log its measures. The last action.
    Report(CallMeasures),
}

/// The turn-taking of one agent call; see the [module docs](self).
#[derive(Debug)]
pub struct Turns {
    /// The timing policy.
    policy: TurnPolicy,
    /// Actions decided and not yet taken.
    actions: VecDeque<Action>,
    /// Prompts started so far (numbers prompt ids).
    prompts: u32,
    /// The prompt playing, if any.
    speaking: Option<Prompt>,
    /// The caller is speaking (the detector's view).
    in_speech: bool,
    /// Where the caller's last utterance ended, until it is answered.
    speech_ended: Option<Instant>,
    /// Since when nothing happened: the silence timer counts from here.
    quiet_since: Instant,
    /// Re-prompts so far.
    reprompts: u32,
    /// The recogniser is still there.
    listening: bool,
    /// Speech onset of a barge-in whose clear is not confirmed yet.
    barge_in_from: Option<Instant>,
    /// End of the utterance the prompt being started answers.
    response_to: Option<Instant>,
    /// The call's measures so far (the heard ledger is the call's, not here).
    measures: CallMeasures,
    /// The conversation is over: nothing but the queued actions remains.
    over: bool,
}

impl Turns {
    /// A conversation that starts at `now` with the greeting ([`Action::Play`]).
    pub fn new(policy: TurnPolicy, now: Instant) -> Self {
        let mut turns = Self {
            policy,
            actions: VecDeque::new(),
            prompts: 0,
            speaking: None,
            in_speech: false,
            speech_ended: None,
            quiet_since: now,
            reprompts: 0,
            listening: true,
            barge_in_from: None,
            response_to: None,
            measures: CallMeasures::default(),
            over: false,
        };
        turns.say(Prompt::Greeting);
        turns
    }

    /// The next action to carry out, oldest first.
    pub fn poll_action(&mut self) -> Option<Action> {
        self.actions.pop_front()
    }

    /// When to call [`handle_timeout`](Self::handle_timeout): the end of the silence allowed
    /// (only while nothing plays and the caller is quiet).
    pub fn poll_timeout(&self) -> Option<Instant> {
        if self.over || self.speaking.is_some() || self.in_speech {
            return None;
        }
        Some(self.quiet_since + self.policy.reprompt_after)
    }

    /// Whether the conversation is over (take the remaining actions, then stop).
    pub fn is_over(&self) -> bool {
        self.over
    }

    /// The measures so far.
    pub fn measures(&self) -> &CallMeasures {
        &self.measures
    }

    /// The prompt playing, if any.
    pub fn speaking(&self) -> Option<Prompt> {
        self.speaking
    }

    /// Whether the recogniser is still listening.
    pub fn is_listening(&self) -> bool {
        self.listening
    }

    /// Something happened at `now`.
    pub fn handle(&mut self, input: Input, now: Instant) {
        if self.over {
            return;
        }
        match input {
            Input::SpeechStarted { at } => self.speech_started(at),
            Input::SpeechEnded { at } => {
                self.in_speech = false;
                self.speech_ended = Some(at);
                self.quiet_since = now;
            }
            Input::Transcript(text) => self.transcript(&text, now),
            Input::Key(digit) => self.key(digit, now),
            Input::PromptStarted => {
                if let Some(end) = self.response_to.take() {
                    self.measures.response.push(since(end, now));
                }
            }
            Input::Cleared => {
                if let Some(onset) = self.barge_in_from.take() {
                    let latency = since(onset, now);
                    self.measures.barge_in.push(latency);
                    tracing::debug!(?latency, "barge-in: playback cleared");
                }
            }
            Input::PromptEnded { .. } => {
                let last = self.speaking.take().is_some_and(Prompt::is_last);
                self.quiet_since = now;
                if last {
                    // The goodbye played to its end: now hang up.
                    self.end(true);
                }
            }
            Input::RecognizerRestarted => {}
            Input::RecognizerFailed => self.recognizer_failed(),
            Input::RecognizerClosed => self.listening = false,
            Input::CallEnded => self.end(false),
            Input::Aborted => {
                self.actions.clear();
                self.end(false);
            }
        }
    }

    /// The silence timer: at or after [`poll_timeout`](Self::poll_timeout), ask again (or say
    /// goodbye after the last re-prompt). Earlier, nothing happens.
    pub fn handle_timeout(&mut self, now: Instant) {
        if self.poll_timeout().is_none_or(|deadline| now < deadline) {
            return;
        }
        self.reprompts += 1;
        self.quiet_since = now;
        self.say(if self.reprompts > self.policy.max_reprompts {
            Prompt::Goodbye
        } else if !self.listening {
            Prompt::Fallback
        } else {
            Prompt::NotUnderstood
        });
    }

    /// Whether a prompt plays that the caller may talk over.
    fn interruptible(&self) -> bool {
        self.speaking.is_some_and(|p| !p.is_last())
    }

    /// Whether the farewell plays: nothing else is said.
    fn saying_goodbye(&self) -> bool {
        self.speaking.is_some_and(Prompt::is_last)
    }

    fn speech_started(&mut self, onset: Instant) {
        self.in_speech = true;
        if self.interruptible() {
            self.actions.push_back(Action::Clear);
            self.barge_in_from = Some(onset);
        }
    }

    fn transcript(&mut self, text: &str, now: Instant) {
        if let Some(end) = self.speech_ended {
            self.measures.stt.push(since(end, now));
        }
        let text = text.trim();
        if text.is_empty() || self.saying_goodbye() {
            return;
        }
        self.measures.transcripts.push(text.to_string());
        self.quiet_since = now;
        let prompt = match Intent::from_text(text) {
            Some(intent) => {
                self.measures.intents.push(intent);
                Prompt::answer(intent)
            }
            None => Prompt::NotUnderstood,
        };
        self.interrupt_with(prompt);
        // The response time counts if the caller has stopped talking.
        self.response_to = self.speech_ended.take().filter(|_| !self.in_speech);
    }

    fn key(&mut self, digit: char, now: Instant) {
        self.quiet_since = now;
        let Some(intent) = Intent::from_digit(digit) else {
            return;
        };
        // Nothing interrupts the goodbye.
        if !self.saying_goodbye() {
            self.measures.intents.push(intent);
            self.interrupt_with(Prompt::answer(intent));
        }
    }

    fn recognizer_failed(&mut self) {
        // The recogniser logged the error (once); say so once and go on by keys.
        tracing::info!("speech recognition stopped: falling back to DTMF");
        self.measures.stt_failed = true;
        self.listening = false;
        self.actions.push_back(Action::StopListening);
        if !self.saying_goodbye() {
            self.interrupt_with(Prompt::Fallback);
        }
    }

    /// Clears what is playing (if anything), then says `prompt`.
    fn interrupt_with(&mut self, prompt: Prompt) {
        if self.speaking.is_some() {
            self.actions.push_back(Action::Clear);
        }
        self.say(prompt);
    }

    fn say(&mut self, prompt: Prompt) {
        self.prompts += 1;
        let id = format!("{}-{}", prompt.name(), self.prompts);
        self.actions.push_back(Action::Play { id, prompt });
        self.speaking = Some(prompt);
    }

    /// The conversation is over: stop listening, hang up if the farewell played, report.
    fn end(&mut self, hang_up: bool) {
        self.over = true;
        self.actions.push_back(Action::StopListening);
        if hang_up {
            self.actions.push_back(Action::HangUp);
        }
        self.actions
            .push_back(Action::Report(self.measures.clone()));
    }
}

/// From `from` to `now` (zero if `now` is earlier).
fn since(from: Instant, now: Instant) -> Duration {
    now.saturating_duration_since(from)
}
