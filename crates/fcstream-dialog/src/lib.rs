//! # fcstream-dialog
//!
//! Turn-taking as library API for FreeClimb voice apps: the part every voice app writes and
//! gets wrong (barge-in that cuts the wrong prompt, a menu that never times out, a goodbye cut
//! off by the hangup), done once.
//!
//! A [`Dialog`] is a [`Call`](fcstream::Call) with a voice ([`Synthesizer`]), a recogniser
//! ([`Transcriber`]) and a voice activity detector ([`VadChoice`]):
//!
//! - [`Dialog::say`]: play a [`Prompt`] (words or audio) → what the caller heard of it
//!   ([`Heard`](fcstream::Heard)); its [`BargeIn`] policy says whether speech or a key cuts it;
//! - [`Dialog::ask`]: a prompt and an [`Expect`] (speech with hints and choices, digits with a
//!   count, a terminator and an inter-digit timeout, or either; no-input and max-time timeouts;
//!   reprompts) → an [`Answer`];
//! - [`Dialog::say_then_hangup`]: the last words, never cut, then the hangup.
//!
//! FreeClimb's PerCL commands map onto it (`docs/DIALOG.md` has the table): `Say`/`Play` →
//! `say`, `GetDigits`/`GetSpeech` → `ask`, `Hangup` after a `Say` → `say_then_hangup`.
//!
//! ```no_run
//! use fcstream_dialog::{Answer, Dialog, Expect};
//! # async fn run(call: fcstream::Call, voice: std::sync::Arc<dyn fcstream_speech::tts::Synthesizer>,
//! #              stt: std::sync::Arc<dyn fcstream_speech::Transcriber>) -> fcstream::Result<()> {
//! let mut d = Dialog::new(call).voice(voice).recognizer(stt);
//! let expect = Expect::speech_or_digits(["sales", "support"], 1).choices(["sales", "support"]);
//! match d.ask("Sales or support? Or press one or two.", expect).await? {
//!     Answer::Speech { choice: Some(c), .. } => d.say(format!("Connecting you to {c}.")).await?,
//!     Answer::Digits { digits, .. } => d.say(format!("You pressed {digits}.")).await?,
//!     Answer::HungUp => return Ok(()),
//!     _ => d.say("Sorry, I did not get that.").await?,
//! };
//! d.say_then_hangup("Goodbye.").await?;
//! # Ok(()) }
//! ```
//!
//! ## Layout
//!
//! - [`turn`]: the sans-I/O turn machine ([`Turn`]): inputs and `now` in, actions and timer
//!   deadlines out; every rule of barge-in, digits, speech, timeouts and reprompts, tested
//!   without audio.
//! - [`dialog`]: [`Dialog`], the thin async layer that carries the machine's actions out on a
//!   call, with [`Prompt`], [`VadChoice`] and the barge-in timings ([`Measures`]).
//!
//! ## Features
//!
//! - `neural-vad` (default): earshot's neural detector ([`VadChoice::Neural`]), the default
//!   VAD; off, only the energy detector.
//!
//! [`Synthesizer`]: fcstream_speech::tts::Synthesizer
//! [`Transcriber`]: fcstream_speech::Transcriber
#![warn(missing_docs)]
#![forbid(unsafe_code)]

pub mod dialog;
pub mod turn;

pub use dialog::{BargeInTiming, Dialog, Measures, Prompt, VadChoice};
pub use turn::{Answer, BargeIn, Digits, Expect, Speech, Turn};
