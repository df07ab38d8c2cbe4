//! The names of the apps built into the `fcstream` binary (`fcstream serve --app NAME`).

use clap::ValueEnum;

/// A built-in app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum App {
    /// Plays the caller's audio back and answers each key press with the same key.
    Echo,
    /// A small phone menu: greeting, a key to press, an answer per key, echo, goodbye.
    Ivr,
    /// A voice agent: listens through a speech-to-text service (--stt), answers hours / help /
    /// goodbye by voice or key with espeak-ng speech, stops talking when the caller starts.
    Agent,
}
