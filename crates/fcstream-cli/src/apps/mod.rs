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

impl std::fmt::Display for App {
    /// The name as `--app` and the config file spell it (`echo`), for logs: a JSON log gets
    /// `"app":"echo"`, not a Rust debug string.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.to_possible_value() {
            Some(v) => f.write_str(v.get_name()),
            None => write!(f, "{self:?}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apps_show_as_the_flag_spells_them() {
        assert_eq!(App::Echo.to_string(), "echo");
        assert_eq!(App::Agent.to_string(), "agent");
    }
}
