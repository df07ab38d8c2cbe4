//! The voice agent's decisions ([`fcstream_apps::agent::Turns`]) without audio, a network or a
//! runtime: events in with the time they were seen, actions out.

#![cfg(feature = "agent")]

use std::time::{Duration, Instant};

use fcstream::PlayOutcome;
use fcstream_apps::agent::{Action, Input, Intent, Prompt, TurnPolicy, Turns};

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// A conversation at `t0` with the default policy (re-prompt after 8 s, twice).
fn conversation() -> (Turns, Instant) {
    let t0 = Instant::now();
    (Turns::new(TurnPolicy::default(), t0), t0)
}

/// Takes every queued action at `now`, answering them as a perfect platform would
/// (a play is queued, a clear confirmed, both at once).
fn act(turns: &mut Turns, now: Instant) -> Vec<Action> {
    let mut taken = Vec::new();
    while let Some(action) = turns.poll_action() {
        match &action {
            Action::Play { .. } => turns.handle(Input::PromptStarted, now),
            Action::Clear => turns.handle(Input::Cleared, now),
            _ => {}
        }
        taken.push(action);
    }
    taken
}

/// The prompts among `actions`.
fn plays(actions: &[Action]) -> Vec<Prompt> {
    actions
        .iter()
        .filter_map(|a| match a {
            Action::Play { prompt, .. } => Some(*prompt),
            _ => None,
        })
        .collect()
}

/// `actions` without the measures (for comparisons).
fn kinds(actions: &[Action]) -> Vec<&'static str> {
    actions
        .iter()
        .map(|a| match a {
            Action::Play { .. } => "play",
            Action::Clear => "clear",
            Action::StopListening => "stop-listening",
            Action::HangUp => "hang-up",
            Action::Report(_) => "report",
        })
        .collect()
}

/// The conversation after its greeting has played to its end at `t`.
fn after_greeting(t: Duration) -> (Turns, Instant) {
    let (mut turns, t0) = conversation();
    assert_eq!(plays(&act(&mut turns, t0)), [Prompt::Greeting]);
    turns.handle(
        Input::PromptEnded {
            outcome: PlayOutcome::Completed,
        },
        t0 + t,
    );
    (turns, t0)
}

fn ended(turns: &mut Turns, now: Instant) {
    turns.handle(
        Input::PromptEnded {
            outcome: PlayOutcome::Completed,
        },
        now,
    );
}

#[test]
fn the_call_opens_with_the_greeting() {
    let (mut turns, t0) = conversation();
    assert_eq!(
        turns.poll_action(),
        Some(Action::Play {
            id: "greeting-1".into(),
            prompt: Prompt::Greeting
        })
    );
    assert_eq!(turns.poll_action(), None);
    assert_eq!(turns.speaking(), Some(Prompt::Greeting));
    assert!(!turns.is_over());
    let _ = t0;
}

#[test]
fn caller_speech_during_an_interruptible_prompt_clears_it() {
    let (mut turns, t0) = conversation();
    act(&mut turns, t0);
    // Speech began at 2.00 s; the detector confirmed it at 2.06 s.
    turns.handle(Input::SpeechStarted { at: t0 + ms(2000) }, t0 + ms(2060));
    assert_eq!(turns.poll_action(), Some(Action::Clear));
    assert_eq!(turns.poll_action(), None);
    // The platform confirmed the clear at 2.07 s: the barge-in took 70 ms.
    turns.handle(Input::Cleared, t0 + ms(2070));
    assert_eq!(turns.measures().barge_in, [ms(70)]);
    // The cut greeting ends; nothing more is said until the caller's words are understood.
    turns.handle(
        Input::PromptEnded {
            outcome: PlayOutcome::Interrupted,
        },
        t0 + ms(2070),
    );
    assert_eq!(act(&mut turns, t0 + ms(2070)), []);
    assert!(!turns.is_over());
}

#[test]
fn caller_speech_with_nothing_playing_clears_nothing() {
    let (mut turns, t0) = after_greeting(ms(5000));
    turns.handle(Input::SpeechStarted { at: t0 + ms(6000) }, t0 + ms(6060));
    assert_eq!(act(&mut turns, t0 + ms(6060)), []);
    assert!(turns.measures().barge_in.is_empty());
}

#[test]
fn speech_during_the_farewell_is_not_cleared_and_the_hang_up_waits_for_its_end() {
    let (mut turns, t0) = conversation();
    act(&mut turns, t0);
    turns.handle(Input::Key('9'), t0 + ms(1000));
    let t = t0 + ms(1000);
    assert_eq!(kinds(&act(&mut turns, t)), ["clear", "play"]);
    assert_eq!(turns.speaking(), Some(Prompt::Goodbye));
    // The caller talks over the farewell, says a word the rules know, presses keys: nothing
    // interrupts it, and the agent does not hang up yet.
    turns.handle(Input::SpeechStarted { at: t0 + ms(1500) }, t0 + ms(1560));
    turns.handle(Input::SpeechEnded { at: t0 + ms(2500) }, t0 + ms(2900));
    turns.handle(Input::Transcript("hours".into()), t0 + ms(3000));
    turns.handle(Input::Key('1'), t0 + ms(3100));
    turns.handle_timeout(t0 + ms(60_000));
    assert_eq!(act(&mut turns, t0 + ms(3100)), []);
    assert!(!turns.is_over());
    // The farewell played to its end: now hang up, then report.
    ended(&mut turns, t0 + ms(4000));
    assert!(turns.is_over());
    let actions = act(&mut turns, t0 + ms(4000));
    assert_eq!(kinds(&actions), ["stop-listening", "hang-up", "report"]);
    let Some(Action::Report(m)) = actions.last() else {
        unreachable!()
    };
    assert_eq!(m.intents, [Intent::Goodbye]);
    assert!(m.barge_in.is_empty());
}

#[test]
fn what_are_your_hours_gets_the_hours_prompt() {
    let (mut turns, t0) = after_greeting(ms(5000));
    turns.handle(Input::SpeechStarted { at: t0 + ms(6000) }, t0 + ms(6060));
    turns.handle(Input::SpeechEnded { at: t0 + ms(7000) }, t0 + ms(7400));
    turns.handle(
        Input::Transcript(" what are your hours ".into()),
        t0 + ms(7600),
    );
    assert_eq!(
        turns.poll_action(),
        Some(Action::Play {
            id: "hours-2".into(),
            prompt: Prompt::Hours
        })
    );
    assert_eq!(turns.poll_action(), None);
    turns.handle(Input::PromptStarted, t0 + ms(7700));
    let m = turns.measures();
    assert_eq!(m.transcripts, ["what are your hours"]);
    assert_eq!(m.intents, [Intent::Hours]);
    assert_eq!(m.stt, [ms(600)], "end of speech → final transcript");
    assert_eq!(m.response, [ms(700)], "end of speech → answer queued");
}

#[test]
fn a_transcript_while_a_prompt_plays_clears_it_first() {
    let (mut turns, t0) = conversation();
    act(&mut turns, t0);
    turns.handle(Input::Transcript("help".into()), t0 + ms(3000));
    let actions = act(&mut turns, t0 + ms(3000));
    assert_eq!(kinds(&actions), ["clear", "play"]);
    assert_eq!(plays(&actions), [Prompt::Help]);
}

#[test]
fn words_with_no_intent_are_not_understood() {
    let (mut turns, t0) = after_greeting(ms(5000));
    turns.handle(Input::Transcript("the weather".into()), t0 + ms(7000));
    assert_eq!(
        plays(&act(&mut turns, t0 + ms(7000))),
        [Prompt::NotUnderstood]
    );
    // An empty transcript is not an utterance.
    ended(&mut turns, t0 + ms(9000));
    turns.handle(Input::Transcript("  ".into()), t0 + ms(9500));
    assert_eq!(act(&mut turns, t0 + ms(9500)), []);
    assert_eq!(turns.measures().transcripts, ["the weather"]);
}

#[test]
fn key_9_says_goodbye_and_other_keys_answer_or_nothing() {
    let (mut turns, t0) = after_greeting(ms(5000));
    turns.handle(Input::Key('5'), t0 + ms(6000));
    assert_eq!(act(&mut turns, t0 + ms(6000)), []);
    turns.handle(Input::Key('2'), t0 + ms(6500));
    assert_eq!(plays(&act(&mut turns, t0 + ms(6500))), [Prompt::Help]);
    turns.handle(Input::Key('9'), t0 + ms(7000));
    let actions = act(&mut turns, t0 + ms(7000));
    assert_eq!(kinds(&actions), ["clear", "play"]);
    assert_eq!(
        actions[1],
        Action::Play {
            id: "goodbye-3".into(),
            prompt: Prompt::Goodbye
        }
    );
    assert_eq!(turns.measures().intents, [Intent::Help, Intent::Goodbye]);
    ended(&mut turns, t0 + ms(9000));
    assert!(kinds(&act(&mut turns, t0 + ms(9000))).contains(&"hang-up"));
}

#[test]
fn a_failed_recogniser_gives_the_fallback_prompt_once_and_keys_still_work() {
    let (mut turns, t0) = conversation();
    act(&mut turns, t0);
    turns.handle(Input::RecognizerFailed, t0 + ms(1000));
    let actions = act(&mut turns, t0 + ms(1000));
    assert_eq!(kinds(&actions), ["stop-listening", "clear", "play"]);
    assert_eq!(plays(&actions), [Prompt::Fallback]);
    assert!(!turns.is_listening());
    assert!(turns.measures().stt_failed);
    ended(&mut turns, t0 + ms(6000));
    // Speech goes on, unheard: no second fallback.
    turns.handle(Input::SpeechStarted { at: t0 + ms(6500) }, t0 + ms(6560));
    turns.handle(Input::SpeechEnded { at: t0 + ms(7500) }, t0 + ms(7900));
    assert_eq!(act(&mut turns, t0 + ms(7900)), []);
    // Keys work.
    turns.handle(Input::Key('1'), t0 + ms(8000));
    assert_eq!(plays(&act(&mut turns, t0 + ms(8000))), [Prompt::Hours]);
    ended(&mut turns, t0 + ms(11_000));
    turns.handle(Input::Key('9'), t0 + ms(12_000));
    assert_eq!(plays(&act(&mut turns, t0 + ms(12_000))), [Prompt::Goodbye]);
    ended(&mut turns, t0 + ms(14_000));
    assert_eq!(
        kinds(&act(&mut turns, t0 + ms(14_000))),
        ["stop-listening", "hang-up", "report"]
    );
    let all: Vec<_> = turns.measures().intents.clone();
    assert_eq!(all, [Intent::Hours, Intent::Goodbye]);
}

#[test]
fn a_recogniser_failing_during_the_farewell_does_not_cut_it() {
    let (mut turns, t0) = conversation();
    act(&mut turns, t0);
    turns.handle(Input::Key('9'), t0 + ms(1000));
    act(&mut turns, t0 + ms(1000));
    turns.handle(Input::RecognizerFailed, t0 + ms(1500));
    assert_eq!(kinds(&act(&mut turns, t0 + ms(1500))), ["stop-listening"]);
    assert_eq!(turns.speaking(), Some(Prompt::Goodbye));
}

#[test]
fn silence_re_prompts_after_the_policy_then_says_goodbye() {
    let (mut turns, t0) = conversation();
    act(&mut turns, t0);
    // No timer while a prompt plays.
    assert_eq!(turns.poll_timeout(), None);
    ended(&mut turns, t0 + ms(5000));
    assert_eq!(turns.poll_timeout(), Some(t0 + ms(13_000)));
    // Early: nothing.
    turns.handle_timeout(t0 + ms(12_999));
    assert_eq!(act(&mut turns, t0 + ms(12_999)), []);
    // At the deadline: ask again.
    turns.handle_timeout(t0 + ms(13_000));
    assert_eq!(
        plays(&act(&mut turns, t0 + ms(13_000))),
        [Prompt::NotUnderstood]
    );
    ended(&mut turns, t0 + ms(15_000));
    turns.handle_timeout(t0 + ms(23_000));
    assert_eq!(
        plays(&act(&mut turns, t0 + ms(23_000))),
        [Prompt::NotUnderstood]
    );
    ended(&mut turns, t0 + ms(25_000));
    // The third silence: goodbye, then hang up once it played.
    turns.handle_timeout(t0 + ms(33_000));
    assert_eq!(plays(&act(&mut turns, t0 + ms(33_000))), [Prompt::Goodbye]);
    ended(&mut turns, t0 + ms(35_000));
    assert!(kinds(&act(&mut turns, t0 + ms(35_000))).contains(&"hang-up"));
}

#[test]
fn the_silence_timer_waits_while_the_caller_speaks_and_restarts_after() {
    let (mut turns, t0) = after_greeting(ms(5000));
    turns.handle(Input::SpeechStarted { at: t0 + ms(6000) }, t0 + ms(6060));
    assert_eq!(turns.poll_timeout(), None);
    turns.handle_timeout(t0 + ms(60_000));
    assert_eq!(act(&mut turns, t0 + ms(60_000)), []);
    turns.handle(Input::SpeechEnded { at: t0 + ms(9000) }, t0 + ms(9400));
    assert_eq!(turns.poll_timeout(), Some(t0 + ms(17_400)));
    // A key press restarts it too.
    turns.handle(Input::Key('5'), t0 + ms(10_000));
    assert_eq!(turns.poll_timeout(), Some(t0 + ms(18_000)));
}

#[test]
fn silence_after_a_recogniser_failure_re_prompts_with_the_keys() {
    let (mut turns, t0) = after_greeting(ms(5000));
    turns.handle(Input::RecognizerClosed, t0 + ms(5500));
    assert_eq!(
        act(&mut turns, t0 + ms(5500)),
        [],
        "closed, not failed: silent"
    );
    turns.handle_timeout(t0 + ms(13_000));
    assert_eq!(plays(&act(&mut turns, t0 + ms(13_000))), [Prompt::Fallback]);
}

#[test]
fn the_caller_hanging_up_ends_without_a_hang_up() {
    let (mut turns, t0) = conversation();
    act(&mut turns, t0);
    turns.handle(Input::CallEnded, t0 + ms(1000));
    assert!(turns.is_over());
    assert_eq!(
        kinds(&act(&mut turns, t0 + ms(1000))),
        ["stop-listening", "report"]
    );
    assert_eq!(turns.poll_timeout(), None);
    // Nothing after the end.
    turns.handle(Input::Key('9'), t0 + ms(1100));
    assert_eq!(turns.poll_action(), None);
}

#[test]
fn an_abort_drops_what_was_still_to_do() {
    let (mut turns, t0) = after_greeting(ms(5000));
    turns.handle(Input::Key('9'), t0 + ms(6000));
    // The goodbye could not be synthesized, say.
    turns.handle(Input::Aborted, t0 + ms(6000));
    assert_eq!(
        kinds(&act(&mut turns, t0 + ms(6000))),
        ["stop-listening", "report"]
    );
}

#[test]
fn an_answer_given_while_the_caller_talks_again_is_not_a_response_time() {
    let (mut turns, t0) = after_greeting(ms(5000));
    turns.handle(Input::SpeechStarted { at: t0 + ms(6000) }, t0 + ms(6060));
    turns.handle(Input::SpeechEnded { at: t0 + ms(7000) }, t0 + ms(7400));
    // The caller goes on before the first utterance's transcript arrives.
    turns.handle(Input::SpeechStarted { at: t0 + ms(7500) }, t0 + ms(7560));
    turns.handle(Input::Transcript("help".into()), t0 + ms(7600));
    assert_eq!(plays(&act(&mut turns, t0 + ms(7700))), [Prompt::Help]);
    assert_eq!(turns.measures().stt, [ms(600)]);
    assert!(turns.measures().response.is_empty());
}
