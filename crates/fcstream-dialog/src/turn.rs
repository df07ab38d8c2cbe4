//! The decisions of one dialog operation (a `say` or an `ask`) as a sans-I/O machine: [`Turn`].
//!
//! Barge-in that cuts the wrong prompt, a menu that never times out and a goodbye cut off by
//! the hangup are decision bugs, so the decisions live here, where they are tested without
//! audio, a network or a clock: [`Input`]s (prompt and clear completions, speech edges from the
//! VAD, final transcripts, keys, recogniser failure, the end of the call) come in with the time
//! `now`; [`Action`]s (play, clear, listen, stop listening, done) and the next timer deadline
//! ([`Turn::poll_timeout`]) go out. The async [`Dialog`](crate::Dialog) carries them out:
//!
//! ```text
//! loop {
//!     while let Some(action) = turn.poll_action() { carry it out }   // Done ends the loop
//!     wait for an event or turn.poll_timeout()
//!     turn.handle(input, now)  or  turn.handle_timeout(now)
//! }
//! ```
//!
//! The rules, in one place:
//!
//! - **Barge-in**: speech onset or a key while a prompt plays, if the prompt's [`BargeIn`]
//!   allows that input → [`Action::Clear`] (once). A prompt that does not allow it plays to
//!   its end; the input is still collected.
//! - **Digits** ([`Digits`]): the terminator ends the entry (it is not part of the answer);
//!   `max` digits end it; [`Digits::inter_digit_timeout`] after the last key ends it. Fewer
//!   than `min` digits is no match.
//! - **Speech** ([`Speech`]): a final transcript is the answer when it names one of the
//!   choices (or any words, without choices); otherwise no match. Speech that ended with no
//!   transcript within [`Expect::final_timeout`] is no match too.
//! - **No input**: nothing (no speech onset, no key) for [`Expect::no_input`] after the prompt
//!   ended. **Max time**: [`Expect::max_time`] after the prompt ended, the attempt is over
//!   whatever is going on.
//! - **Reprompts**: a failed attempt (no input, no match) plays the prompt again (attempt
//!   `n`: [`Action::Play`] with `attempt: n`, the app's reprompt if it has one) until
//!   [`Expect::attempts`] are used; then the last failure is the answer.
//! - **An answer decided while the prompt still plays** (a key during a prompt that ignores
//!   keys, a transcript of speech over a non-interruptible prompt) is given when the prompt
//!   has ended: a prompt is never cut by a rule the app did not ask for.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use fcstream::PlayOutcome;

/// Which caller input cuts a prompt short.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BargeIn {
    /// Nothing: the prompt plays to its end (the caller's input is still collected).
    Never,
    /// Speech onset (the VAD).
    Speech,
    /// A key.
    Keys,
    /// Speech or a key.
    #[default]
    Any,
}

impl BargeIn {
    /// Whether speech onset cuts the prompt.
    pub fn by_speech(self) -> bool {
        matches!(self, BargeIn::Speech | BargeIn::Any)
    }

    /// Whether a key cuts the prompt.
    pub fn by_keys(self) -> bool {
        matches!(self, BargeIn::Keys | BargeIn::Any)
    }
}

/// The digits an [`Expect`] collects (FreeClimb's `GetDigits`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Digits {
    /// The entry ends at this many digits (at least 1).
    pub max: usize,
    /// Fewer digits than this when the entry ends is no match. Default 1.
    pub min: usize,
    /// The key that ends the entry early; not part of the answer. Default `#`.
    pub terminator: Option<char>,
    /// The entry ends this long after the last key. Default 2 s (`GetDigits`'
    /// `digitTimeoutMs`).
    pub inter_digit_timeout: Duration,
}

impl Digits {
    /// Up to `max` digits, other settings default.
    pub fn up_to(max: usize) -> Self {
        Self {
            max: max.max(1),
            min: 1,
            terminator: Some('#'),
            inter_digit_timeout: Duration::from_secs(2),
        }
    }
}

/// The speech an [`Expect`] listens for (FreeClimb's `GetSpeech`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Speech {
    /// Phrase hints for the recogniser (with the choices, which are hints too).
    pub hints: Vec<String>,
    /// The answers accepted: a transcript must contain one of them (its words, in order,
    /// whole words, any case) to be an answer. Empty: any words are an answer.
    pub choices: Vec<String>,
}

/// What an `ask` waits for, and for how long.
#[derive(Debug, Clone, PartialEq)]
pub struct Expect {
    /// Speech, if the caller may answer by voice.
    pub speech: Option<Speech>,
    /// Digits, if the caller may answer by keypad.
    pub digits: Option<Digits>,
    /// No speech onset and no key this long after the prompt ended: no input. Default 5 s
    /// (`GetDigits`' `initialTimeoutMs`).
    pub no_input: Duration,
    /// An attempt ends this long after its prompt ended, whatever the caller is doing.
    /// Default 20 s.
    pub max_time: Duration,
    /// Speech ended and no final transcript came within this: no match. Default 5 s (a
    /// recogniser on a busy machine may take seconds; a transcript that comes later still,
    /// during the reprompt, is still the answer).
    pub final_timeout: Duration,
    /// Attempts in all (the first prompt and its reprompts). Default 3.
    pub attempts: u32,
}

impl Expect {
    fn with(speech: Option<Speech>, digits: Option<Digits>) -> Self {
        Self {
            speech,
            digits,
            no_input: Duration::from_secs(5),
            max_time: Duration::from_secs(20),
            final_timeout: Duration::from_secs(5),
            attempts: 3,
        }
    }

    /// Up to `max` digits ([`Digits::up_to`]).
    pub fn digits(max: usize) -> Self {
        Self::with(None, Some(Digits::up_to(max)))
    }

    /// Speech, with these phrase hints.
    pub fn speech<S: Into<String>>(hints: impl IntoIterator<Item = S>) -> Self {
        Self::with(
            Some(Speech {
                hints: hints.into_iter().map(Into::into).collect(),
                choices: Vec::new(),
            }),
            None,
        )
    }

    /// Speech (with these hints) or up to `max` digits, whichever comes first.
    pub fn speech_or_digits<S: Into<String>>(
        hints: impl IntoIterator<Item = S>,
        max: usize,
    ) -> Self {
        Self {
            digits: Some(Digits::up_to(max)),
            ..Self::speech(hints)
        }
    }

    /// Only these spoken answers are accepted (see [`Speech::choices`]); they are hints too.
    pub fn choices<S: Into<String>>(mut self, choices: impl IntoIterator<Item = S>) -> Self {
        let speech = self.speech.get_or_insert_with(Speech::default);
        speech.choices = choices.into_iter().map(Into::into).collect();
        self
    }

    /// The key that ends a digit entry (`None`: no terminator).
    pub fn terminator(mut self, key: Option<char>) -> Self {
        if let Some(d) = &mut self.digits {
            d.terminator = key;
        }
        self
    }

    /// At least this many digits.
    pub fn min_digits(mut self, min: usize) -> Self {
        if let Some(d) = &mut self.digits {
            d.min = min;
        }
        self
    }

    /// The entry ends this long after the last key.
    pub fn inter_digit_timeout(mut self, t: Duration) -> Self {
        if let Some(d) = &mut self.digits {
            d.inter_digit_timeout = t;
        }
        self
    }

    /// See [`Expect::no_input`].
    pub fn no_input(mut self, t: Duration) -> Self {
        self.no_input = t;
        self
    }

    /// See [`Expect::max_time`].
    pub fn max_time(mut self, t: Duration) -> Self {
        self.max_time = t;
        self
    }

    /// See [`Expect::final_timeout`].
    pub fn final_timeout(mut self, t: Duration) -> Self {
        self.final_timeout = t;
        self
    }

    /// See [`Expect::attempts`] (at least 1).
    pub fn attempts(mut self, n: u32) -> Self {
        self.attempts = n.max(1);
        self
    }

    /// The barge-in a prompt of this ask gets unless it says otherwise: by speech if speech
    /// is expected, by keys if digits are.
    pub fn default_barge_in(&self) -> BargeIn {
        match (self.speech.is_some(), self.digits.is_some()) {
            (true, true) => BargeIn::Any,
            (true, false) => BargeIn::Speech,
            (false, true) => BargeIn::Keys,
            (false, false) => BargeIn::Never,
        }
    }

    /// Every phrase hint for the recogniser: the hints and the choices.
    pub fn phrases(&self) -> Vec<String> {
        self.speech
            .as_ref()
            .map(|s| s.hints.iter().chain(&s.choices).cloned().collect())
            .unwrap_or_default()
    }
}

/// The answer to an `ask`.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// The caller spoke an accepted answer.
    Speech {
        /// The final transcript.
        transcript: String,
        /// The recogniser's confidence (0..=1; 0 when it does not say).
        confidence: f32,
        /// The choice it names, when the ask had choices.
        choice: Option<String>,
    },
    /// The caller keyed an answer.
    Digits {
        /// The digits, without the terminator.
        digits: String,
        /// The terminator, if that is what ended the entry.
        terminator: Option<char>,
    },
    /// Nothing from the caller in any attempt.
    NoInput,
    /// The last attempt's input was not an answer: a transcript naming no choice, speech
    /// with no transcript (`heard` empty), too few digits.
    NoMatch {
        /// The transcript or the digits.
        heard: String,
    },
    /// Speech was expected and the recogniser failed for good (the app decides: digits only,
    /// an apology, a transfer).
    SpeechUnavailable,
    /// The caller hung up.
    HungUp,
}

/// How an operation ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// A `say` ended: its prompt ended ([`Input::PromptEnded`]).
    Said,
    /// An `ask` has its answer.
    Answered(Answer),
    /// The call ended during a `say`.
    HungUp,
}

/// Something that happened, for [`Turn::handle`].
#[derive(Debug, Clone, PartialEq)]
pub enum Input {
    /// The prompt of the last [`Action::Play`] was queued on the call.
    PromptStarted,
    /// That prompt ended: played to its end, or cut.
    PromptEnded(PlayOutcome),
    /// The platform confirmed a clear.
    Cleared,
    /// The VAD: the caller started speaking.
    SpeechStarted,
    /// The VAD: the caller stopped speaking.
    SpeechEnded,
    /// A final transcript.
    Transcript {
        /// Its words.
        text: String,
        /// Its confidence.
        confidence: f32,
    },
    /// A key press (counted once per press).
    Key(char),
    /// The recogniser failed for good.
    RecognizerFailed,
    /// The call ended.
    CallEnded,
}

/// What to do, from [`Turn::poll_action`].
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Play the operation's prompt for attempt `attempt` (0: the prompt; 1 and up: the
    /// reprompt). Answer [`Input::PromptStarted`], then [`Input::PromptEnded`].
    Play {
        /// Which attempt.
        attempt: u32,
    },
    /// Clear the platform's audio buffer (barge-in). Answer [`Input::Cleared`].
    Clear,
    /// Open the recogniser (with [`Expect::phrases`]) and feed it the caller's audio.
    Listen,
    /// Close the recogniser.
    StopListening,
    /// The operation is over.
    Done(Outcome),
}

/// Where the operation's prompt is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PromptState {
    /// Asked for ([`Action::Play`]), not yet queued on the call.
    Asked,
    /// Queued or playing.
    Playing,
    /// A clear was sent for it.
    Clearing,
    /// Over.
    Ended,
}

/// The timers of an attempt.
#[derive(Debug, Clone, Copy, Default)]
struct Deadlines {
    no_input: Option<Instant>,
    inter_digit: Option<Instant>,
    final_transcript: Option<Instant>,
    max_time: Option<Instant>,
}

impl Deadlines {
    fn earliest(&self) -> Option<Instant> {
        [
            self.no_input,
            self.inter_digit,
            self.final_transcript,
            self.max_time,
        ]
        .into_iter()
        .flatten()
        .min()
    }
}

/// One operation's decisions (see the [module docs](self)).
#[derive(Debug)]
pub struct Turn {
    /// What the caller may interrupt the prompt with.
    barge_in: BargeIn,
    /// What an ask waits for; `None` for a say.
    expect: Option<Expect>,
    /// Actions not yet taken.
    actions: VecDeque<Action>,
    /// The prompt.
    prompt: PromptState,
    /// The attempt under way (0-based).
    attempt: u32,
    /// Digits keyed this attempt.
    digits: String,
    /// The caller is speaking (VAD).
    speaking: bool,
    /// The caller spoke this attempt.
    spoke: bool,
    /// Timers.
    deadlines: Deadlines,
    /// An answer (or last failure) to give once the prompt has ended.
    pending: Option<Pending>,
    /// Whether the recogniser is open.
    listening: bool,
    /// Whether [`Action::Done`] was queued.
    done: bool,
}

/// What waits for the prompt to end.
#[derive(Debug, Clone)]
enum Pending {
    /// The answer.
    Answer(Answer),
    /// A failed attempt (reprompt or give up).
    Failure(Answer),
}

impl Turn {
    /// A `say`: play the prompt (cut by what `barge_in` allows), done when it ended.
    pub fn say(barge_in: BargeIn) -> Self {
        let mut t = Self::new(barge_in, None);
        t.actions.push_back(Action::Play { attempt: 0 });
        t
    }

    /// An `ask`: play the prompt, collect the answer `expect` describes.
    pub fn ask(expect: Expect, barge_in: BargeIn) -> Self {
        let listen = expect.speech.is_some();
        let mut t = Self::new(barge_in, Some(expect));
        if listen {
            t.listening = true;
            t.actions.push_back(Action::Listen);
        }
        t.actions.push_back(Action::Play { attempt: 0 });
        t
    }

    fn new(barge_in: BargeIn, expect: Option<Expect>) -> Self {
        Self {
            barge_in,
            expect,
            actions: VecDeque::new(),
            prompt: PromptState::Asked,
            attempt: 0,
            digits: String::new(),
            speaking: false,
            spoke: false,
            deadlines: Deadlines::default(),
            pending: None,
            listening: false,
            done: false,
        }
    }

    /// The next action to take.
    pub fn poll_action(&mut self) -> Option<Action> {
        self.actions.pop_front()
    }

    /// When [`Turn::handle_timeout`] is due, if a timer runs.
    pub fn poll_timeout(&self) -> Option<Instant> {
        if self.done {
            None
        } else {
            self.deadlines.earliest()
        }
    }

    /// Whether [`Action::Done`] was given.
    pub fn is_done(&self) -> bool {
        self.done
    }

    /// The attempt under way (0: the first prompt).
    pub fn attempt(&self) -> u32 {
        self.attempt
    }

    /// Whether the prompt is being played (queued, playing or being cleared).
    pub fn prompt_playing(&self) -> bool {
        matches!(self.prompt, PromptState::Playing | PromptState::Clearing)
    }

    /// Takes in what happened at `now`.
    pub fn handle(&mut self, input: Input, now: Instant) {
        if self.done {
            return;
        }
        match input {
            Input::PromptStarted => {
                if self.prompt == PromptState::Asked {
                    self.prompt = PromptState::Playing;
                }
            }
            Input::PromptEnded(_) => self.prompt_ended(now),
            Input::Cleared => {}
            Input::SpeechStarted => self.speech_started(),
            Input::SpeechEnded => self.speech_ended(now),
            Input::Transcript { text, confidence } => self.transcript(text, confidence, now),
            Input::Key(key) => self.key(key, now),
            Input::RecognizerFailed => {
                self.listening = false;
                if self.expects_speech() {
                    self.answer(Answer::SpeechUnavailable);
                }
            }
            Input::CallEnded => {
                // Nothing to stop: the call is gone.
                self.listening = false;
                let outcome = match self.expect {
                    Some(_) => Outcome::Answered(Answer::HungUp),
                    None => Outcome::HungUp,
                };
                self.finish(outcome);
            }
        }
    }

    /// The timer of [`Turn::poll_timeout`] fired at `now`.
    pub fn handle_timeout(&mut self, now: Instant) {
        if self.done {
            return;
        }
        let due = |d: Option<Instant>| d.is_some_and(|t| t <= now);
        let d = self.deadlines;
        if due(d.inter_digit) {
            self.deadlines.inter_digit = None;
            self.end_digits(None, now);
        } else if due(d.final_transcript) {
            self.deadlines.final_transcript = None;
            self.fail(String::new(), now);
        } else if due(d.no_input) {
            self.deadlines.no_input = None;
            self.fail_no_input(now);
        } else if due(d.max_time) {
            self.deadlines.max_time = None;
            if !self.digits.is_empty() {
                self.end_digits(None, now);
            } else if self.spoke {
                self.fail(String::new(), now);
            } else {
                self.fail_no_input(now);
            }
        }
    }

    fn expects_speech(&self) -> bool {
        self.expect.as_ref().is_some_and(|e| e.speech.is_some())
    }

    fn barge(&mut self, allowed: bool) {
        if allowed && self.prompt == PromptState::Playing {
            self.prompt = PromptState::Clearing;
            self.actions.push_back(Action::Clear);
        }
    }

    fn prompt_ended(&mut self, now: Instant) {
        if !matches!(self.prompt, PromptState::Playing | PromptState::Clearing) {
            return;
        }
        self.prompt = PromptState::Ended;
        let Some(expect) = &self.expect else {
            self.finish(Outcome::Said);
            return;
        };
        match self.pending.take() {
            Some(Pending::Answer(a)) => return self.answer(a),
            Some(Pending::Failure(f)) => return self.failed(f, now),
            None => {}
        }
        // The caller's turn: the attempt's timers start.
        self.deadlines.max_time = Some(now + expect.max_time);
        if !self.speaking && self.digits.is_empty() && self.deadlines.final_transcript.is_none() {
            self.deadlines.no_input = Some(now + expect.no_input);
        }
    }

    fn speech_started(&mut self) {
        self.speaking = true;
        self.barge(self.barge_in.by_speech());
        if self.expect.is_some() {
            self.spoke = true;
            self.deadlines.no_input = None;
            self.deadlines.final_transcript = None;
        }
    }

    fn speech_ended(&mut self, now: Instant) {
        self.speaking = false;
        let Some(expect) = &self.expect else { return };
        if !self.spoke {
            // The end of speech that began before this operation (the answer to the last
            // one): nothing to wait for here.
            return;
        }
        if expect.speech.is_some() && self.listening {
            self.deadlines.final_transcript = Some(now + expect.final_timeout);
        } else if self.prompt == PromptState::Ended && self.digits.is_empty() {
            // Speech is not an answer here: the caller's turn goes on.
            self.deadlines.no_input = Some(now + expect.no_input);
        }
    }

    fn transcript(&mut self, text: String, confidence: f32, now: Instant) {
        let Some(speech) = self.expect.as_ref().and_then(|e| e.speech.as_ref()) else {
            return;
        };
        self.deadlines.final_transcript = None;
        let text = text.trim().to_string();
        if text.is_empty() {
            // Noise the recogniser made nothing of: no match if the caller spoke, else
            // nothing happened.
            if self.spoke && !self.speaking {
                self.fail(text, now);
            }
            return;
        }
        self.deadlines.no_input = None;
        if speech.choices.is_empty() {
            return self.answer(Answer::Speech {
                transcript: text,
                confidence,
                choice: None,
            });
        }
        match speech.choices.iter().find(|c| names(&text, c)) {
            Some(choice) => {
                let choice = Some(choice.clone());
                self.answer(Answer::Speech {
                    transcript: text,
                    confidence,
                    choice,
                })
            }
            None => self.fail(text, now),
        }
    }

    fn key(&mut self, key: char, now: Instant) {
        let digits = self.expect.as_ref().and_then(|e| e.digits.clone());
        self.barge(self.barge_in.by_keys());
        let Some(d) = digits else { return };
        self.deadlines.no_input = None;
        if d.terminator == Some(key) {
            return self.end_digits(Some(key), now);
        }
        self.digits.push(key);
        if self.digits.len() >= d.max {
            self.end_digits(None, now);
        } else {
            self.deadlines.inter_digit = Some(now + d.inter_digit_timeout);
        }
    }

    /// The digit entry is over (terminator, max, timeout).
    fn end_digits(&mut self, terminator: Option<char>, now: Instant) {
        let min = self
            .expect
            .as_ref()
            .and_then(|e| e.digits.as_ref())
            .map_or(1, |d| d.min);
        self.deadlines.inter_digit = None;
        let digits = std::mem::take(&mut self.digits);
        if digits.is_empty() && min > 0 {
            self.fail_no_input(now);
        } else if digits.len() < min {
            self.fail(digits, now);
        } else {
            self.answer(Answer::Digits { digits, terminator });
        }
    }

    fn fail_no_input(&mut self, now: Instant) {
        self.failed(Answer::NoInput, now);
    }

    fn fail(&mut self, heard: String, now: Instant) {
        self.failed(Answer::NoMatch { heard }, now);
    }

    /// An attempt failed with `failure`: reprompt, or give up with it.
    fn failed(&mut self, failure: Answer, _now: Instant) {
        self.deadlines = Deadlines::default();
        self.digits.clear();
        self.spoke = self.speaking;
        if self.prompt != PromptState::Ended {
            self.pending = Some(Pending::Failure(failure));
            return;
        }
        let attempts = self.expect.as_ref().map_or(1, |e| e.attempts);
        if self.attempt + 1 < attempts {
            self.attempt += 1;
            self.prompt = PromptState::Asked;
            self.actions.push_back(Action::Play {
                attempt: self.attempt,
            });
        } else {
            self.answer(failure);
        }
    }

    /// `answer` is the ask's answer: given now, or once the prompt has ended. A prompt that
    /// the answer's kind of input may interrupt (speech for a spoken answer, keys for digits)
    /// is cut for it: a late transcript arriving during a reprompt does not wait for it.
    fn answer(&mut self, answer: Answer) {
        match answer {
            Answer::Speech { .. } => self.barge(self.barge_in.by_speech()),
            Answer::Digits { .. } => self.barge(self.barge_in.by_keys()),
            _ => {}
        }
        if matches!(self.prompt, PromptState::Playing | PromptState::Clearing) {
            self.deadlines = Deadlines::default();
            self.pending = Some(Pending::Answer(answer));
            return;
        }
        self.finish(Outcome::Answered(answer));
    }

    fn finish(&mut self, outcome: Outcome) {
        if self.listening {
            self.listening = false;
            self.actions.push_back(Action::StopListening);
        }
        self.deadlines = Deadlines::default();
        self.done = true;
        self.actions.push_back(Action::Done(outcome));
    }
}

/// Whether `text` contains the words of `choice`, in order, whole words, any case.
///
/// ```
/// use fcstream_dialog::turn::names;
/// assert!(names("I'd like to TALK to sales, please", "talk to sales"));
/// assert!(!names("salesman", "sales"));
/// ```
pub fn names(text: &str, choice: &str) -> bool {
    let words = |s: &str| -> Vec<String> {
        s.split(|c: char| !c.is_alphanumeric() && c != '\'')
            .filter(|w| !w.is_empty())
            .map(|w| w.to_lowercase())
            .collect()
    };
    let (text, choice) = (words(text), words(choice));
    !choice.is_empty() && text.windows(choice.len()).any(|w| w == choice.as_slice())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A turn and a clock that moves by hand.
    struct Run {
        turn: Turn,
        now: Instant,
        log: Vec<Action>,
    }

    impl Run {
        fn new(turn: Turn) -> Self {
            let mut r = Self {
                turn,
                now: Instant::now(),
                log: Vec::new(),
            };
            r.drain();
            r
        }
        fn drain(&mut self) -> Vec<Action> {
            let mut out = Vec::new();
            while let Some(a) = self.turn.poll_action() {
                out.push(a.clone());
                self.log.push(a);
            }
            out
        }
        fn on(&mut self, input: Input) -> Vec<Action> {
            self.turn.handle(input, self.now);
            self.drain()
        }
        /// Moves to `after` from now, firing every timer due on the way.
        fn wait(&mut self, after: Duration) -> Vec<Action> {
            let end = self.now + after;
            let mut out = Vec::new();
            while let Some(t) = self.turn.poll_timeout().filter(|&t| t <= end) {
                self.now = t;
                self.turn.handle_timeout(t);
                out.extend(self.drain());
            }
            self.now = end;
            out
        }
        /// The prompt is queued and plays for `len` (ending on its own).
        fn play(&mut self, len: Duration) -> Vec<Action> {
            self.on(Input::PromptStarted);
            let mut out = self.wait(len);
            out.extend(self.on(Input::PromptEnded(PlayOutcome::Completed)));
            out
        }
        fn done(&self) -> Option<&Outcome> {
            self.log.iter().find_map(|a| match a {
                Action::Done(o) => Some(o),
                _ => None,
            })
        }
        fn answer(&self) -> Answer {
            match self.done() {
                Some(Outcome::Answered(a)) => a.clone(),
                other => panic!("no answer: {other:?}; actions {:?}", self.log),
            }
        }
        fn plays(&self) -> usize {
            self.log
                .iter()
                .filter(|a| matches!(a, Action::Play { .. }))
                .count()
        }
        fn clears(&self) -> usize {
            self.log.iter().filter(|a| **a == Action::Clear).count()
        }
    }

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn speech_onset_cuts_an_interruptible_say_once() {
        let mut r = Run::new(Turn::say(BargeIn::Any));
        assert_eq!(r.log, vec![Action::Play { attempt: 0 }]);
        r.on(Input::PromptStarted);
        assert_eq!(r.on(Input::SpeechStarted), vec![Action::Clear]);
        // Another onset or a key while the clear is on its way: no second clear.
        assert!(r.on(Input::SpeechStarted).is_empty());
        assert!(r.on(Input::Key('1')).is_empty());
        r.on(Input::Cleared);
        assert!(
            r.done().is_none(),
            "done only when the prompt's end is known"
        );
        r.on(Input::PromptEnded(PlayOutcome::Interrupted));
        assert_eq!(r.done(), Some(&Outcome::Said));
    }

    #[test]
    fn a_say_that_ignores_speech_plays_to_its_end_but_keys_may_cut_it() {
        let mut r = Run::new(Turn::say(BargeIn::Keys));
        r.on(Input::PromptStarted);
        assert!(r.on(Input::SpeechStarted).is_empty());
        assert_eq!(r.on(Input::Key('5')), vec![Action::Clear]);

        let mut r = Run::new(Turn::say(BargeIn::Never));
        r.on(Input::PromptStarted);
        assert!(r.on(Input::SpeechStarted).is_empty());
        assert!(r.on(Input::Key('5')).is_empty());
        r.on(Input::PromptEnded(PlayOutcome::Completed));
        assert_eq!(r.clears(), 0);
        assert_eq!(r.done(), Some(&Outcome::Said));
    }

    #[test]
    fn a_call_ending_during_a_say_ends_it() {
        let mut r = Run::new(Turn::say(BargeIn::Never));
        r.on(Input::PromptStarted);
        r.on(Input::CallEnded);
        assert_eq!(r.done(), Some(&Outcome::HungUp));
    }

    #[test]
    fn digits_end_at_the_terminator_which_is_not_part_of_the_answer() {
        let mut r = Run::new(Turn::ask(Expect::digits(6), BargeIn::Keys));
        r.on(Input::PromptStarted);
        // The first key cuts the prompt; the answer waits for the prompt's end.
        assert_eq!(r.on(Input::Key('4')), vec![Action::Clear]);
        r.on(Input::PromptEnded(PlayOutcome::Interrupted));
        r.on(Input::Key('2'));
        r.on(Input::Key('#'));
        assert_eq!(
            r.answer(),
            Answer::Digits {
                digits: "42".into(),
                terminator: Some('#')
            }
        );
    }

    #[test]
    fn digits_end_at_max_and_after_the_inter_digit_timeout() {
        let mut r = Run::new(Turn::ask(Expect::digits(2), BargeIn::Keys));
        r.play(ms(1000));
        r.on(Input::Key('1'));
        r.on(Input::Key('2'));
        assert_eq!(
            r.answer(),
            Answer::Digits {
                digits: "12".into(),
                terminator: None
            }
        );

        let expect = Expect::digits(4).inter_digit_timeout(ms(1500));
        let mut r = Run::new(Turn::ask(expect, BargeIn::Keys));
        r.play(ms(1000));
        r.wait(ms(700));
        r.on(Input::Key('7'));
        // 1.4 s after the key: still collecting; at 1.5 s the entry ends.
        assert!(r.wait(ms(1400)).is_empty());
        r.wait(ms(100));
        assert_eq!(
            r.answer(),
            Answer::Digits {
                digits: "7".into(),
                terminator: None
            }
        );
    }

    #[test]
    fn no_input_reprompts_then_gives_up() {
        let expect = Expect::digits(1).no_input(ms(3000)).attempts(2);
        let mut r = Run::new(Turn::ask(expect, BargeIn::Keys));
        r.play(ms(2000));
        assert!(r.wait(ms(2999)).is_empty());
        assert_eq!(r.wait(ms(1)), vec![Action::Play { attempt: 1 }]);
        assert_eq!(r.turn.attempt(), 1);
        r.play(ms(2000));
        r.wait(ms(3000));
        assert_eq!(r.answer(), Answer::NoInput);
        assert_eq!(r.plays(), 2);
    }

    #[test]
    fn no_input_counts_from_the_end_of_the_prompt() {
        let expect = Expect::digits(1).no_input(ms(1000)).attempts(1);
        let mut r = Run::new(Turn::ask(expect, BargeIn::Keys));
        r.on(Input::PromptStarted);
        // A long prompt: no timer runs while it plays.
        assert_eq!(r.turn.poll_timeout(), None);
        r.wait(ms(10_000));
        assert!(r.done().is_none());
        r.on(Input::PromptEnded(PlayOutcome::Completed));
        r.wait(ms(1000));
        assert_eq!(r.answer(), Answer::NoInput);
    }

    #[test]
    fn too_few_digits_is_no_match() {
        let expect = Expect::digits(4).min_digits(3).attempts(1);
        let mut r = Run::new(Turn::ask(expect, BargeIn::Keys));
        r.play(ms(500));
        r.on(Input::Key('1'));
        r.on(Input::Key('#'));
        assert_eq!(r.answer(), Answer::NoMatch { heard: "1".into() });
    }

    #[test]
    fn a_hinted_spoken_answer_is_taken() {
        let expect = Expect::speech(["hours"]).choices(["sales", "support"]);
        let mut r = Run::new(Turn::ask(expect, BargeIn::Speech));
        assert_eq!(
            r.log,
            vec![Action::Listen, Action::Play { attempt: 0 }],
            "listening from the start of the prompt, so barge-in speech is heard"
        );
        r.on(Input::PromptStarted);
        assert_eq!(r.on(Input::SpeechStarted), vec![Action::Clear]);
        r.on(Input::PromptEnded(PlayOutcome::Interrupted));
        r.on(Input::SpeechEnded);
        let out = r.on(Input::Transcript {
            text: "support please".into(),
            confidence: 0.8,
        });
        assert_eq!(out[0], Action::StopListening);
        assert_eq!(
            r.answer(),
            Answer::Speech {
                transcript: "support please".into(),
                confidence: 0.8,
                choice: Some("support".into())
            }
        );
    }

    #[test]
    fn an_unrecognised_answer_reprompts_and_the_next_is_taken() {
        let expect = Expect::speech(Vec::<String>::new()).choices(["yes", "no"]);
        let mut r = Run::new(Turn::ask(expect, BargeIn::Speech));
        r.play(ms(1000));
        r.on(Input::SpeechStarted);
        r.on(Input::SpeechEnded);
        let out = r.on(Input::Transcript {
            text: "maybe".into(),
            confidence: 0.5,
        });
        assert_eq!(out, vec![Action::Play { attempt: 1 }]);
        r.play(ms(1000));
        r.on(Input::SpeechStarted);
        r.on(Input::SpeechEnded);
        r.on(Input::Transcript {
            text: "no".into(),
            confidence: 0.9,
        });
        assert!(matches!(r.answer(), Answer::Speech { choice: Some(c), .. } if c == "no"));
    }

    #[test]
    fn speech_with_no_transcript_is_no_match_and_silence_is_no_input() {
        let expect = Expect::speech(["x"]).attempts(1).final_timeout(ms(2000));
        let mut r = Run::new(Turn::ask(expect, BargeIn::Speech));
        r.play(ms(500));
        r.on(Input::SpeechStarted);
        r.wait(ms(800));
        r.on(Input::SpeechEnded);
        r.wait(ms(2000));
        assert_eq!(r.answer(), Answer::NoMatch { heard: "".into() });

        let expect = Expect::speech(["x"]).attempts(1).no_input(ms(4000));
        let mut r = Run::new(Turn::ask(expect, BargeIn::Speech));
        r.play(ms(500));
        r.wait(ms(4000));
        assert_eq!(r.answer(), Answer::NoInput);
        assert!(r.log.contains(&Action::StopListening));
    }

    #[test]
    fn speech_or_digits_whichever_comes_first() {
        let mut r = Run::new(Turn::ask(
            Expect::speech_or_digits(["hours"], 1),
            BargeIn::Any,
        ));
        r.play(ms(500));
        r.on(Input::Key('9'));
        assert_eq!(
            r.answer(),
            Answer::Digits {
                digits: "9".into(),
                terminator: None
            }
        );
        assert!(r.log.contains(&Action::StopListening));
    }

    #[test]
    fn an_answer_during_a_non_interruptible_prompt_waits_for_its_end() {
        let mut r = Run::new(Turn::ask(Expect::digits(1), BargeIn::Never));
        r.on(Input::PromptStarted);
        assert!(r.on(Input::Key('3')).is_empty(), "no clear, no answer yet");
        r.on(Input::PromptEnded(PlayOutcome::Completed));
        assert_eq!(r.clears(), 0);
        assert!(matches!(r.answer(), Answer::Digits { digits, .. } if digits == "3"));
    }

    #[test]
    fn a_late_transcript_during_the_reprompt_cuts_it_and_is_the_answer() {
        let expect = Expect::speech(["hours"]).final_timeout(ms(1000));
        let mut r = Run::new(Turn::ask(expect, BargeIn::Speech));
        r.play(ms(500));
        r.on(Input::SpeechStarted);
        r.on(Input::SpeechEnded);
        assert_eq!(r.wait(ms(1000)), vec![Action::Play { attempt: 1 }]);
        r.on(Input::PromptStarted);
        let out = r.on(Input::Transcript {
            text: "hours".into(),
            confidence: 0.5,
        });
        assert_eq!(out, vec![Action::Clear]);
        r.on(Input::PromptEnded(PlayOutcome::Interrupted));
        assert!(matches!(r.answer(), Answer::Speech { .. }));
    }

    #[test]
    fn the_end_of_speech_begun_before_the_ask_is_not_an_utterance() {
        let expect = Expect::speech(["x"]).attempts(1).no_input(ms(4000));
        let mut r = Run::new(Turn::ask(expect, BargeIn::Speech));
        r.play(ms(500));
        r.on(Input::SpeechEnded);
        r.wait(ms(4000));
        assert_eq!(r.answer(), Answer::NoInput);
    }

    #[test]
    fn max_time_ends_an_attempt_that_goes_on() {
        let expect = Expect::speech(["x"])
            .attempts(1)
            .max_time(ms(10_000))
            .final_timeout(ms(60_000));
        let mut r = Run::new(Turn::ask(expect, BargeIn::Speech));
        r.play(ms(500));
        r.on(Input::SpeechStarted);
        r.wait(ms(9_999));
        assert!(r.done().is_none());
        r.wait(ms(1));
        assert_eq!(r.answer(), Answer::NoMatch { heard: "".into() });
    }

    #[test]
    fn a_failed_recogniser_and_a_hangup_are_answers() {
        let mut r = Run::new(Turn::ask(Expect::speech(["x"]), BargeIn::Speech));
        r.play(ms(500));
        r.on(Input::RecognizerFailed);
        assert_eq!(r.answer(), Answer::SpeechUnavailable);

        let mut r = Run::new(Turn::ask(Expect::digits(3), BargeIn::Keys));
        r.on(Input::PromptStarted);
        r.on(Input::CallEnded);
        assert_eq!(r.answer(), Answer::HungUp);
        // Nothing after done.
        assert!(r.on(Input::Key('1')).is_empty());
        assert_eq!(r.turn.poll_timeout(), None);
    }

    #[test]
    fn choices_match_whole_words_in_order() {
        assert!(names("Yes.", "yes"));
        assert!(names("uh, TALK to sales", "talk to sales"));
        assert!(!names("sales talk", "talk to sales"));
        assert!(!names("yesterday", "yes"));
        assert!(!names("anything", ""));
    }
}
