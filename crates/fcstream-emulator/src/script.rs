//! The caller's script: who calls, in which format, what the caller says and presses, when
//! they hang up, how the platform behaves and which faults it injects.
//!
//! A [`Script`] is everything one emulated call needs besides the app's address. Build it in
//! code with the builder methods, or read it from TOML ([`Script::from_toml`], the format of
//! `fcstream call --script`, documented in `docs/EMULATOR.md`).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use fcstream::audio::dtmf;
use fcstream::{ContentType, Direction};
use serde::Deserialize;

use crate::faults::Faults;

/// How long a scripted key press lasts when the script does not say.
pub const DEFAULT_PRESS: Duration = Duration::from_millis(120);
/// Pause between the keys of one scripted group (`"123@2s"`) when the script does not say.
pub const DEFAULT_KEY_GAP: Duration = Duration::from_millis(100);
/// How long the caller stays on after the script's last event with [`Hangup::ScriptEnd`].
pub const DEFAULT_LINGER: Duration = Duration::from_secs(2);
/// The longest a call waits for the app to end it with [`Hangup::WhenAppEnds`] by default.
pub const DEFAULT_MAX_WAIT: Duration = Duration::from_secs(300);

/// A script the emulator cannot use.
#[derive(Debug, thiserror::Error)]
pub enum ScriptError {
    /// A duration like `4.5s`, `120ms`, `1m30s` was expected.
    #[error("invalid duration {0:?}: use e.g. 250ms, 4.5s, 1m30s")]
    Duration(String),
    /// A DTMF press list like `1@2s,#@4.5s:200ms` was expected.
    #[error("invalid DTMF script {spec:?}: {why} (use DIGITS@TIME[:PRESS], comma separated, e.g. 1@2s,#@4.5s:200ms)")]
    Dtmf {
        /// The text given.
        spec: String,
        /// What is wrong with it.
        why: String,
    },
    /// A content type none of the three.
    #[error(transparent)]
    ContentType(#[from] fcstream::audio::ContentTypeError),
    /// The TOML could not be parsed or names an unknown key.
    #[error("script file: {0}")]
    Toml(String),
    /// The script file could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// Something else that does not fit (a segment with two sources, a bad direction, ...).
    #[error("{0}")]
    Invalid(String),
}

/// The call as `NotifyCallStartedMessage` announces it.
#[derive(Debug, Clone, PartialEq)]
pub struct CallSetup {
    /// The SIP call id.
    pub call_id: String,
    /// The number called.
    pub to: String,
    /// The number calling.
    pub from: String,
    /// Inbound (the caller dialled the app's number) or outbound.
    pub direction: Direction,
    /// The strings of the PerCL `metaData`.
    pub metadata: Vec<String>,
    /// The call's audio format.
    pub content_type: ContentType,
}

impl Default for CallSetup {
    fn default() -> Self {
        Self {
            call_id: format!("CAemulator{:08x}", std::process::id()),
            to: "+13125550100".into(),
            from: "+17735550199".into(),
            direction: Direction::Inbound,
            metadata: Vec::new(),
            content_type: ContentType::Mulaw8k,
        }
    }
}

/// Where a piece of what the caller says comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    /// A WAV file of any common rate and channel count, converted to the call's rate.
    Wav(PathBuf),
    /// Linear samples at `rate` Hz (converted to the call's rate).
    Pcm {
        /// Samples per second.
        rate: u32,
        /// The samples.
        samples: Arc<Vec<i16>>,
    },
    /// A sine tone at about -6 dBFS; `None` lasts until the caller hangs up.
    Tone {
        /// Frequency in Hz.
        hz: f64,
        /// How long.
        duration: Option<Duration>,
    },
    /// A linear sweep from one frequency to another at about -6 dBFS.
    Chirp {
        /// Start frequency, Hz.
        from_hz: f64,
        /// End frequency, Hz.
        to_hz: f64,
        /// How long.
        duration: Duration,
    },
    /// Synthetic speech-like sound: a buzz at `pitch_hz` with vowel-like harmonics in
    /// syllables of about 200 ms (no words; useful to test voice activity and echo).
    Babble {
        /// Fundamental frequency, Hz (about 120 for a low voice, 220 for a high one).
        pitch_hz: f64,
        /// How long.
        duration: Duration,
    },
}

/// Something the caller says, starting at `at` on the call's clock. Gaps between segments
/// are silence; overlapping segments are mixed.
#[derive(Debug, Clone, PartialEq)]
pub struct Segment {
    /// When it starts, from the start of the call.
    pub at: Duration,
    /// What is said.
    pub source: Source,
}

/// One key the caller presses: `NotifyDTMFReceivedStarted` at `at`, the key's tone in the
/// caller's audio for `duration`, `NotifyDTMFReceivedEnded` at `at + duration`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyPress {
    /// The key (`0-9 * # A-D`).
    pub digit: char,
    /// When it is pressed, from the start of the call.
    pub at: Duration,
    /// How long it is held.
    pub duration: Duration,
}

/// When the caller hangs up (`NotifyCallEndedMessage(CALLER_DISCONNECT)`), unless the app or
/// a fault ends the call first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hangup {
    /// At this time on the call's clock.
    After(Duration),
    /// `linger` after the script's last event (end of the last finite audio segment or key
    /// press). A script with no event hangs up after `linger`.
    ScriptEnd {
        /// How long the caller stays on after the last event.
        linger: Duration,
    },
    /// Never: the caller waits for the app to end the call. After `max` the caller hangs up
    /// anyway and the call counts as failed (the app did not end it).
    WhenAppEnds {
        /// The longest wait.
        max: Duration,
    },
}

impl Default for Hangup {
    fn default() -> Self {
        Self::ScriptEnd {
            linger: DEFAULT_LINGER,
        }
    }
}

/// How the emulated platform behaves (the platform model's settings).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlatformConfig {
    /// Entries the audio buffer holds, the one playing included (default 100).
    pub audio_buffer: usize,
    /// `PressDTMFMessage`s the DTMF buffer holds, the one playing included (default 100).
    pub dtmf_buffer: usize,
    /// After the call ended, how long the platform keeps reading what the app still sends
    /// before it lets go of the stream (default 2 s).
    pub drain_grace: Duration,
    /// Messages to the app waiting for the transport (default 256). When the app does not
    /// read, caller frames beyond this are dropped and counted.
    pub outbound_queue: usize,
    /// How audio entries are acknowledged (default: one start and one completion per entry).
    pub acks: crate::buffers::AckShape,
    /// What `EndGrpcStreamMessage` does (unimplemented by FreeClimb: an assumption; default
    /// [`EndStreamMode::Refuse`](crate::rules::EndStreamMode::Refuse)).
    pub end_stream: crate::rules::EndStreamMode,
    /// Whether a depth answer counts the entry playing (default true; the specification is
    /// silent: an assumption, see `docs/PROTOCOL-NOTES.md`).
    pub depth_counts_playing: bool,
    /// The `sequence_num` of the first caller frame (default 0; the specification does not
    /// say, and its example frame is numbered 1: an assumption).
    pub first_sequence: u32,
}

impl Default for PlatformConfig {
    fn default() -> Self {
        Self {
            audio_buffer: 100,
            dtmf_buffer: 100,
            drain_grace: Duration::from_secs(2),
            outbound_queue: 256,
            acks: crate::buffers::AckShape::PerEntry,
            end_stream: crate::rules::EndStreamMode::Refuse,
            depth_counts_playing: true,
            first_sequence: 0,
        }
    }
}

/// The platform variants the specification is silent on (docs/PROTOCOL-NOTES.md), as a
/// user picks them for `fcstream call`, `load` and `conform`: each unset field keeps what
/// the script already has.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PlatformVariant {
    /// How audio entries are acknowledged.
    pub acks: Option<crate::buffers::AckShape>,
    /// Whether a depth answer counts the entry playing.
    pub depth_counts_playing: Option<bool>,
    /// The `sequence_num` of the first caller frame.
    pub first_sequence: Option<u32>,
}

impl PlatformVariant {
    /// Sets what this variant sets in `platform`.
    pub fn apply(&self, platform: &mut PlatformConfig) {
        if let Some(a) = self.acks {
            platform.acks = a;
        }
        if let Some(b) = self.depth_counts_playing {
            platform.depth_counts_playing = b;
        }
        if let Some(n) = self.first_sequence {
            platform.first_sequence = n;
        }
    }

    /// `acks=none depth-counts-playing=false first-sequence=1` (only what is set), or
    /// `defaults`.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(a) = self.acks {
            parts.push(format!("acks={a}"));
        }
        if let Some(b) = self.depth_counts_playing {
            parts.push(format!("depth-counts-playing={b}"));
        }
        if let Some(n) = self.first_sequence {
            parts.push(format!("first-sequence={n}"));
        }
        if parts.is_empty() {
            "defaults".to_string()
        } else {
            parts.join(" ")
        }
    }
}

/// Everything one emulated call does. See the module docs.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Script {
    /// The call's announcement.
    pub call: CallSetup,
    /// What the caller says.
    pub audio: Vec<Segment>,
    /// Keys the caller presses.
    pub dtmf: Vec<KeyPress>,
    /// When the caller hangs up.
    pub hangup: Hangup,
    /// When the caller transfers the call away with `*8` (FreeClimb: "from the gRPC
    /// perspective a regular user hangup"), if they do and it comes before the hang-up.
    pub transfer_at: Option<Duration>,
    /// The platform model's settings.
    pub platform: PlatformConfig,
    /// Faults to inject.
    pub faults: Faults,
}

impl Script {
    /// A script for a call in `content_type` with the default setup: a silent caller who
    /// hangs up after [`DEFAULT_LINGER`].
    pub fn new(content_type: ContentType) -> Self {
        let mut s = Self::default();
        s.call.content_type = content_type;
        s
    }

    /// A script for a live caller ([`crate::live`]): nothing scripted; the call ends when
    /// the app ends it, the caller hangs up, or after `max` (a caller hang-up).
    pub fn live(content_type: ContentType, max: Duration) -> Self {
        let mut s = Self::new(content_type);
        s.hangup = Hangup::After(max);
        s
    }

    /// Sets the call id.
    pub fn call_id(mut self, id: impl Into<String>) -> Self {
        self.call.call_id = id.into();
        self
    }

    /// Adds a metadata string (as PerCL `metaData` would).
    pub fn metadata(mut self, item: impl Into<String>) -> Self {
        self.call.metadata.push(item.into());
        self
    }

    /// The caller says `source` starting at `at`.
    pub fn say(mut self, at: Duration, source: Source) -> Self {
        self.audio.push(Segment { at, source });
        self
    }

    /// The caller presses `digit` at `at` for `duration`.
    pub fn press(mut self, digit: char, at: Duration, duration: Duration) -> Self {
        self.dtmf.push(KeyPress {
            digit,
            at,
            duration,
        });
        self
    }

    /// The caller hangs up as `hangup` says.
    pub fn hangup(mut self, hangup: Hangup) -> Self {
        self.hangup = hangup;
        self
    }

    /// The caller hangs up at `at`.
    pub fn hangup_after(self, at: Duration) -> Self {
        self.hangup(Hangup::After(at))
    }

    /// The caller transfers the call away with `*8` at `at`: the stream sees a caller
    /// hang-up (`NotifyCallEnded(CALLER_DISCONNECT)`) and the timeline notes the transfer.
    pub fn transfer_at(mut self, at: Duration) -> Self {
        self.transfer_at = Some(at);
        self
    }

    /// Sets the platform model's settings.
    pub fn platform(mut self, platform: PlatformConfig) -> Self {
        self.platform = platform;
        self
    }

    /// Sets the faults to inject.
    pub fn faults(mut self, faults: Faults) -> Self {
        self.faults = faults;
        self
    }

    /// Checks what can be checked without reading files: digits, durations.
    pub fn validate(&self) -> Result<(), ScriptError> {
        for k in &self.dtmf {
            if dtmf::frequencies(k.digit).is_none() {
                return Err(ScriptError::Invalid(format!(
                    "caller key {:?} is not a DTMF key (0-9 * # A-D)",
                    k.digit
                )));
            }
            if k.duration.is_zero() {
                return Err(ScriptError::Invalid(format!(
                    "caller key {:?} at {:?} has a zero duration",
                    k.digit, k.at
                )));
            }
        }
        if self.platform.audio_buffer == 0 || self.platform.dtmf_buffer == 0 {
            return Err(ScriptError::Invalid(
                "buffer sizes must be at least 1".into(),
            ));
        }
        // A key pressed after the caller has hung up would never be sent (and the summary
        // would still list it as pressed): refused. (After a fault that ends the call it is a
        // warning: see `warnings`.)
        if let Some((end, why)) = self.fixed_end() {
            if let Some(k) = self.dtmf.iter().find(|k| k.at >= end) {
                return Err(ScriptError::Invalid(format!(
                    "caller key {:?} at {:?} is pressed after the call ends at {end:?} ({why}): \
                     it would never be sent; press it earlier or end the call later",
                    k.digit, k.at
                )));
            }
        }
        Ok(())
    }

    /// When the caller's own hang-up is fixed without reading files (a time, or the longest
    /// wait for the app), and why.
    fn fixed_end(&self) -> Option<(Duration, String)> {
        let hangup = match self.hangup {
            Hangup::After(t) => Some((t, format!("the caller hangs up at {t:?}"))),
            Hangup::WhenAppEnds { max } => Some((
                max,
                format!("the caller stops waiting for the app at {max:?}"),
            )),
            Hangup::ScriptEnd { .. } => None,
        };
        earliest(hangup, self.transfer())
    }

    /// The caller's `*8` transfer, with why it ends the call.
    fn transfer(&self) -> Option<(Duration, String)> {
        self.transfer_at
            .map(|t| (t, format!("the caller transfers away (*8) at {t:?}")))
    }

    /// The faults that end the call, with their script key and flag, and their time.
    fn fault_ends(&self) -> impl Iterator<Item = (&'static str, &'static str, Duration)> {
        let f = &self.faults;
        [
            (
                "platform_error_at",
                "--platform-error-at",
                f.platform_error_at,
            ),
            (
                "platform_disconnect_at",
                "--platform-disconnect-at",
                f.platform_disconnect_at,
            ),
            ("drop_at", "--drop-at", f.drop_at),
        ]
        .into_iter()
        .filter_map(|(name, flag, t)| t.map(|t| (name, flag, t)))
    }

    /// When the caller hangs up (unless the app or a fault ends the call first), and how
    /// that is decided. With [`Hangup::ScriptEnd`] it reads the WAV files' lengths; `None`
    /// when one cannot be read (the call itself will report that).
    pub fn planned_hangup(&self) -> Option<(Duration, String)> {
        let hangup = Some(match self.hangup {
            Hangup::After(t) => (t, format!("the caller hangs up at {t:?}")),
            Hangup::WhenAppEnds { max } => (
                max,
                format!("unless the app ends it, the caller stops waiting at {max:?}"),
            ),
            Hangup::ScriptEnd { linger } => {
                let mut last = Duration::ZERO;
                for seg in &self.audio {
                    let length = match &seg.source {
                        Source::Wav(path) => Some(crate::caller::wav_duration(path)?),
                        Source::Pcm { rate, samples } => Some(Duration::from_secs_f64(
                            samples.len() as f64 / f64::from((*rate).max(1)),
                        )),
                        Source::Tone { duration, .. } => *duration,
                        Source::Chirp { duration, .. } | Source::Babble { duration, .. } => {
                            Some(*duration)
                        }
                    };
                    if let Some(length) = length {
                        last = last.max(seg.at + length);
                    }
                }
                for k in &self.dtmf {
                    last = last.max(k.at + k.duration);
                }
                let end = last + linger;
                (
                    end,
                    format!(
                        "the caller hangs up {linger:?} after the script's last sound or key, \
                         at {end:?}"
                    ),
                )
            }
        });
        earliest(hangup, self.transfer())
    }

    /// What the script asks for that is allowed but cannot happen: a fault scheduled after
    /// the call has already ended (by the caller's hang-up or an earlier fault) never fires,
    /// and a key pressed after a fault has ended the call is never sent (though the summary
    /// lists the script's keys). One sentence each, for a caller to print as warnings. Reads
    /// the WAV files' lengths (see [`Script::planned_hangup`]).
    pub fn warnings(&self) -> Vec<String> {
        let mut ends: Vec<(Duration, String)> = self.planned_hangup().into_iter().collect();
        ends.extend(
            self.fault_ends()
                .map(|(name, flag, t)| (t, format!("the fault {name} ({flag}) ends it at {t:?}"))),
        );
        let mut out = Vec::new();
        for (name, flag, t) in self.fault_ends() {
            // At the same time a fault wins over the hang-up: only an earlier end hides it.
            if let Some((_, why)) = ends.iter().filter(|(e, _)| *e < t).min_by_key(|(e, _)| *e) {
                out.push(format!(
                    "the fault {name} ({flag}) at {t:?} never fires: the call ends first \
                     ({why}); end the call later (--hangup-after, --wait-for-app, or \
                     caller.hangup in a script)"
                ));
            }
        }
        let first_fault = self.fault_ends().min_by_key(|(_, _, t)| *t);
        if let Some((name, flag, t)) = first_fault {
            let late: String = self
                .dtmf
                .iter()
                .filter(|k| k.at >= t)
                .map(|k| k.digit)
                .collect();
            if !late.is_empty() {
                out.push(format!(
                    "caller keys {late:?} are never pressed: the fault {name} ({flag}) ends \
                     the call at {t:?} first (the summary still lists the script's keys)"
                ));
            }
        }
        out
    }

    /// Reads a TOML script (see `docs/EMULATOR.md`); relative WAV paths are taken from the
    /// file's folder.
    pub fn from_toml_file(path: &Path) -> Result<Self, ScriptError> {
        let text = std::fs::read_to_string(path).map_err(|source| ScriptError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Self::from_toml(&text, path.parent())
    }

    /// Parses a TOML script; relative WAV paths are resolved against `base` when given.
    pub fn from_toml(text: &str, base: Option<&Path>) -> Result<Self, ScriptError> {
        let file: ScriptFile =
            toml::from_str(text).map_err(|e| ScriptError::Toml(e.to_string()))?;
        file.into_script(base)
    }
}

/// The earlier of two ends (the first at the same time).
fn earliest(
    a: Option<(Duration, String)>,
    b: Option<(Duration, String)>,
) -> Option<(Duration, String)> {
    match (a, b) {
        (Some(a), Some(b)) => Some(if b.0 < a.0 { b } else { a }),
        (a, b) => a.or(b),
    }
}

/// Parses a duration: numbers (decimals allowed) each followed by a unit `ms`, `s`, `m`,
/// `min` or `h`, e.g. `250ms`, `4.5s`, `1m30s`; a bare number is seconds.
///
/// ```
/// use fcstream_emulator::script::parse_duration;
/// use std::time::Duration;
/// assert_eq!(parse_duration("4.5s").unwrap(), Duration::from_millis(4500));
/// assert_eq!(parse_duration("1m30s").unwrap(), Duration::from_secs(90));
/// assert_eq!(parse_duration("120ms").unwrap(), Duration::from_millis(120));
/// assert_eq!(parse_duration("2").unwrap(), Duration::from_secs(2));
/// assert!(parse_duration("soon").is_err());
/// ```
pub fn parse_duration(s: &str) -> Result<Duration, ScriptError> {
    let err = || ScriptError::Duration(s.to_string());
    let text = s.trim();
    if text.is_empty() {
        return Err(err());
    }
    let mut total = 0.0f64;
    let mut rest = text;
    while !rest.is_empty() {
        let num_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        if num_len == 0 {
            return Err(err());
        }
        let value: f64 = rest[..num_len].parse().map_err(|_| err())?;
        rest = rest[num_len..].trim_start();
        let unit_len = rest
            .find(|c: char| !c.is_ascii_alphabetic())
            .unwrap_or(rest.len());
        let scale = match &rest[..unit_len] {
            "" if total == 0.0 && unit_len == rest.len() => 1.0,
            "ms" => 0.001,
            "s" | "sec" => 1.0,
            "m" | "min" => 60.0,
            "h" => 3600.0,
            _ => return Err(err()),
        };
        total += value * scale;
        rest = rest[unit_len..].trim_start();
    }
    if !total.is_finite() || total > 1e9 {
        return Err(err());
    }
    Ok(Duration::from_secs_f64(total))
}

/// Parses caller key presses: comma-separated `DIGITS@TIME[:PRESS]`. Several digits in one
/// item are pressed one after the other, [`DEFAULT_KEY_GAP`] apart; `PRESS` defaults to
/// [`DEFAULT_PRESS`]. Times need a unit (`2s`, `1500ms`): a bare `1@2` is refused rather than
/// guessed. Every error says which item is wrong and how.
///
/// ```
/// use fcstream_emulator::script::parse_dtmf;
/// use std::time::Duration;
/// let keys = parse_dtmf("1@2s,#@4.5s:200ms").unwrap();
/// assert_eq!(keys.len(), 2);
/// assert_eq!((keys[1].digit, keys[1].at, keys[1].duration),
///            ('#', Duration::from_millis(4500), Duration::from_millis(200)));
/// assert_eq!(parse_dtmf("12@1s").unwrap()[1].at, Duration::from_millis(1220));
/// assert!(parse_dtmf("x@1s").is_err());
/// assert!(parse_dtmf("1@2").is_err());
/// ```
pub fn parse_dtmf(spec: &str) -> Result<Vec<KeyPress>, ScriptError> {
    let err = |why: String| ScriptError::Dtmf {
        spec: spec.to_string(),
        why,
    };
    if spec.trim().is_empty() {
        return Err(err("no keys given".into()));
    }
    let mut keys = Vec::new();
    for (n, item) in spec.split(',').map(str::trim).enumerate() {
        if item.is_empty() {
            return Err(err(format!(
                "item {} is empty (two commas in a row, or a comma at either end)",
                n + 1
            )));
        }
        let (digits, when) = item.split_once('@').ok_or_else(|| {
            err(format!(
                "{item:?} has no @TIME: write the keys, @, then when, e.g. {}@2s",
                item.trim()
            ))
        })?;
        let digits = digits.trim();
        if digits.is_empty() {
            return Err(err(format!(
                "{item:?} has no key before @ (keys are 0-9 * # A-D)"
            )));
        }
        dtmf::validate(digits).map_err(|e| err(format!("{item:?}: {e}")))?;
        let time = |what: &str, text: &str| -> Result<Duration, ScriptError> {
            let text = text.trim();
            if text.is_empty() {
                return Err(err(format!(
                    "{item:?} has no {what} after {}, e.g. {digits}@2s",
                    if what == "time" { "@" } else { ":" }
                )));
            }
            if text.chars().all(|c| c.is_ascii_digit() || c == '.') {
                return Err(err(format!(
                    "{item:?}: the {what} {text:?} has no unit: write {text}s or {text}ms"
                )));
            }
            parse_duration(text).map_err(|_| {
                err(format!(
                    "{item:?}: invalid duration {text:?} for the {what} (use e.g. 250ms, 4.5s, 1m30s)"
                ))
            })
        };
        let (at, press) = match when.split_once(':') {
            Some((at, press)) => (time("time", at)?, time("press length", press)?),
            None => (time("time", when)?, DEFAULT_PRESS),
        };
        if press.is_zero() {
            return Err(err(format!("{item:?}: a key press cannot last 0 ms")));
        }
        let mut t = at;
        for digit in digits.chars() {
            keys.push(KeyPress {
                digit: digit.to_ascii_uppercase(),
                at: t,
                duration: press,
            });
            t += press + DEFAULT_KEY_GAP;
        }
    }
    keys.sort_by_key(|k| k.at);
    Ok(keys)
}

/// A duration in a script file: a string like `"4.5s"` or a number of seconds.
#[derive(Debug, Clone, Copy)]
struct FileDuration(Duration);

impl<'de> Deserialize<'de> for FileDuration {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Text(String),
            Secs(f64),
        }
        match Raw::deserialize(d)? {
            Raw::Text(s) => parse_duration(&s)
                .map(FileDuration)
                .map_err(serde::de::Error::custom),
            Raw::Secs(v) if (0.0..1e9).contains(&v) => Ok(FileDuration(Duration::from_secs_f64(v))),
            Raw::Secs(v) => Err(serde::de::Error::custom(format!("invalid duration {v}"))),
        }
    }
}

/// The TOML layout (see `docs/EMULATOR.md`).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ScriptFile {
    #[serde(default)]
    call: CallFile,
    #[serde(default)]
    caller: CallerFile,
    #[serde(default)]
    platform: PlatformFile,
    #[serde(default)]
    faults: FaultsFile,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct CallFile {
    id: Option<String>,
    to: Option<String>,
    from: Option<String>,
    direction: Option<String>,
    content_type: Option<String>,
    #[serde(default)]
    metadata: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct CallerFile {
    #[serde(default)]
    say: Vec<SayFile>,
    dtmf: Option<DtmfFile>,
    hangup: Option<String>,
    linger: Option<FileDuration>,
    max_wait: Option<FileDuration>,
    transfer_at: Option<FileDuration>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SayFile {
    at: Option<FileDuration>,
    wav: Option<PathBuf>,
    tone: Option<f64>,
    chirp: Option<[f64; 2]>,
    babble: Option<f64>,
    duration: Option<FileDuration>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum DtmfFile {
    Compact(String),
    List(Vec<KeyFile>),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct KeyFile {
    digit: String,
    at: FileDuration,
    duration: Option<FileDuration>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct PlatformFile {
    audio_buffer: Option<usize>,
    dtmf_buffer: Option<usize>,
    drain_grace: Option<FileDuration>,
    acks: Option<crate::buffers::AckShape>,
    end_stream: Option<crate::rules::EndStreamMode>,
    depth_counts_playing: Option<bool>,
    first_sequence: Option<u32>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FaultsFile {
    platform_error_at: Option<FileDuration>,
    platform_disconnect_at: Option<FileDuration>,
    drop_at: Option<FileDuration>,
    ack_delay: Option<FileDuration>,
    jitter: Option<FileDuration>,
    jitter_seed: Option<u64>,
}

/// Parses `inbound`/`outbound`.
pub fn parse_direction(s: &str) -> Result<Direction, ScriptError> {
    match s.trim().to_ascii_lowercase().as_str() {
        "inbound" | "in" => Ok(Direction::Inbound),
        "outbound" | "out" => Ok(Direction::Outbound),
        other => Err(ScriptError::Invalid(format!(
            "direction {other:?}: use inbound or outbound"
        ))),
    }
}

/// Parses a hang-up rule: a duration (`30s`), `end` (after the script, with `linger`) or
/// `app` (wait for the app, at most `max_wait`).
pub fn parse_hangup(
    s: &str,
    linger: Option<Duration>,
    max_wait: Option<Duration>,
) -> Result<Hangup, ScriptError> {
    match s.trim() {
        "end" => Ok(Hangup::ScriptEnd {
            linger: linger.unwrap_or(DEFAULT_LINGER),
        }),
        "app" | "never" => Ok(Hangup::WhenAppEnds {
            max: max_wait.unwrap_or(DEFAULT_MAX_WAIT),
        }),
        other => Ok(Hangup::After(parse_duration(other)?)),
    }
}

impl ScriptFile {
    fn into_script(self, base: Option<&Path>) -> Result<Script, ScriptError> {
        let mut s = Script::default();
        let c = self.call;
        if let Some(v) = c.id {
            s.call.call_id = v;
        }
        if let Some(v) = c.to {
            s.call.to = v;
        }
        if let Some(v) = c.from {
            s.call.from = v;
        }
        if let Some(v) = c.direction {
            s.call.direction = parse_direction(&v)?;
        }
        if let Some(v) = c.content_type {
            s.call.content_type = ContentType::parse(&v)?;
        }
        s.call.metadata = c.metadata;

        for (i, say) in self.caller.say.into_iter().enumerate() {
            let at = say.at.map_or(Duration::ZERO, |d| d.0);
            let duration = say.duration.map(|d| d.0);
            let need = |what: &str| {
                duration.ok_or_else(|| {
                    ScriptError::Invalid(format!("caller.say[{i}]: a {what} needs a duration"))
                })
            };
            let sources = [
                say.wav.is_some(),
                say.tone.is_some(),
                say.chirp.is_some(),
                say.babble.is_some(),
            ];
            if sources.iter().filter(|x| **x).count() != 1 {
                return Err(ScriptError::Invalid(format!(
                    "caller.say[{i}]: give exactly one of wav, tone, chirp, babble"
                )));
            }
            let source = if let Some(p) = say.wav {
                Source::Wav(match base {
                    Some(b) if p.is_relative() => b.join(p),
                    _ => p,
                })
            } else if let Some(hz) = say.tone {
                Source::Tone { hz, duration }
            } else if let Some([from_hz, to_hz]) = say.chirp {
                Source::Chirp {
                    from_hz,
                    to_hz,
                    duration: need("chirp")?,
                }
            } else if let Some(pitch_hz) = say.babble {
                Source::Babble {
                    pitch_hz,
                    duration: need("babble")?,
                }
            } else {
                return Err(ScriptError::Invalid(format!("caller.say[{i}]: no source")));
            };
            s.audio.push(Segment { at, source });
        }
        match self.caller.dtmf {
            None => {}
            Some(DtmfFile::Compact(spec)) => s.dtmf = parse_dtmf(&spec)?,
            Some(DtmfFile::List(keys)) => {
                for k in keys {
                    let mut chars = k.digit.chars();
                    let (Some(digit), None) = (chars.next(), chars.next()) else {
                        return Err(ScriptError::Invalid(format!(
                            "caller.dtmf: digit {:?} must be one key",
                            k.digit
                        )));
                    };
                    s.dtmf.push(KeyPress {
                        digit: digit.to_ascii_uppercase(),
                        at: k.at.0,
                        duration: k.duration.map_or(DEFAULT_PRESS, |d| d.0),
                    });
                }
                s.dtmf.sort_by_key(|k| k.at);
            }
        }
        s.transfer_at = self.caller.transfer_at.map(|d| d.0);
        let linger = self.caller.linger.map(|d| d.0);
        let max_wait = self.caller.max_wait.map(|d| d.0);
        s.hangup = match self.caller.hangup {
            Some(h) => parse_hangup(&h, linger, max_wait)?,
            None => Hangup::ScriptEnd {
                linger: linger.unwrap_or(DEFAULT_LINGER),
            },
        };

        let p = self.platform;
        if let Some(v) = p.audio_buffer {
            s.platform.audio_buffer = v;
        }
        if let Some(v) = p.dtmf_buffer {
            s.platform.dtmf_buffer = v;
        }
        if let Some(v) = p.drain_grace {
            s.platform.drain_grace = v.0;
        }
        if let Some(v) = p.acks {
            s.platform.acks = v;
        }
        if let Some(v) = p.end_stream {
            s.platform.end_stream = v;
        }
        if let Some(v) = p.depth_counts_playing {
            s.platform.depth_counts_playing = v;
        }
        if let Some(v) = p.first_sequence {
            s.platform.first_sequence = v;
        }
        let f = self.faults;
        s.faults = Faults {
            platform_error_at: f.platform_error_at.map(|d| d.0),
            platform_disconnect_at: f.platform_disconnect_at.map(|d| d.0),
            drop_at: f.drop_at.map(|d| d.0),
            ack_delay: f.ack_delay.map_or(Duration::ZERO, |d| d.0),
            jitter: f.jitter.map_or(Duration::ZERO, |d| d.0),
            jitter_seed: f.jitter_seed.unwrap_or(crate::faults::DEFAULT_JITTER_SEED),
        };
        s.validate()?;
        Ok(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        let ms = Duration::from_millis;
        assert_eq!(parse_duration("0").unwrap(), ms(0));
        assert_eq!(parse_duration("1.25s").unwrap(), ms(1250));
        assert_eq!(parse_duration("1m 2s").unwrap(), ms(62_000));
        assert_eq!(parse_duration("2h").unwrap(), Duration::from_secs(7200));
        for bad in ["", "s", "1x", "1.2.3s", "-1s", "5 5"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn dtmf_specs() {
        let k = parse_dtmf(" #@4.5s , 1@2s ").unwrap();
        assert_eq!(k[0].digit, '1');
        assert_eq!(k[1].digit, '#');
        assert_eq!(k[0].duration, DEFAULT_PRESS);
        assert_eq!(parse_dtmf("a@1s").unwrap()[0].digit, 'A');
        for bad in ["1", "1@", "1@x", "@1s", "1@1s:0ms", "e@1s"] {
            assert!(parse_dtmf(bad).is_err(), "{bad}");
        }
    }

    /// Every refusal names DTMF and says what is wrong with which item.
    #[test]
    fn dtmf_errors_say_what_is_wrong() {
        for (bad, says) in [
            ("1@", "\"1@\" has no time after @"),
            ("@2s", "\"@2s\" has no key before @"),
            ("1@2", "the time \"2\" has no unit: write 2s or 2ms"),
            ("1@2s:150", "the press length \"150\" has no unit"),
            ("1@2s,,2@3s", "item 2 is empty"),
            ("1@2s,", "item 2 is empty"),
            ("", "no keys given"),
            ("1@soon", "invalid duration \"soon\""),
            ("1", "\"1\" has no @TIME"),
            ("1 2@3s", "invalid DTMF"),
        ] {
            let e = parse_dtmf(bad).unwrap_err().to_string();
            assert!(e.contains("DTMF"), "{bad}: {e}");
            assert!(e.contains(says), "{bad}: {e}");
        }
    }

    #[test]
    fn keys_after_the_call_ends_are_refused() {
        let ms = Duration::from_millis;
        let keys = |spec| {
            Script::default()
                .hangup_after(ms(300))
                .press('1', spec, ms(100))
        };
        let e = keys(ms(2000)).validate().unwrap_err().to_string();
        assert!(
            e.contains("after the call ends at 300ms") && e.contains("never be sent"),
            "{e}"
        );
        assert!(keys(ms(200)).validate().is_ok());
        let waits = Script::default()
            .hangup(Hangup::WhenAppEnds { max: ms(500) })
            .press('1', ms(600), ms(100));
        assert!(waits.validate().is_err());
        // After a fault that ends the call: allowed (faults cut calls short on purpose), with
        // a warning.
        let mut faulted = Script::default()
            .hangup_after(ms(5000))
            .press('1', ms(2000), ms(100));
        faulted.faults.drop_at = Some(ms(1000));
        assert!(faulted.validate().is_ok());
        let w = faulted.warnings();
        assert!(
            w.len() == 1 && w[0].contains("\"1\" are never pressed") && w[0].contains("drop_at"),
            "{w:?}"
        );
        // With the default hang-up the call lasts past the last key: nothing to refuse.
        assert!(Script::default()
            .press('1', ms(9000), ms(100))
            .validate()
            .is_ok());
    }

    #[test]
    fn faults_after_the_planned_end_are_warned_about() {
        let ms = Duration::from_millis;
        // The README's old example: a silent caller hangs up at 2 s, the fault was at 3 s.
        let mut s = Script::default();
        s.faults.platform_error_at = Some(ms(3000));
        let w = s.warnings();
        assert_eq!(w.len(), 1, "{w:?}");
        assert!(
            w[0].contains("platform_error_at")
                && w[0].contains("never fires")
                && w[0].contains("2s"),
            "{w:?}"
        );
        s.hangup = Hangup::After(ms(10_000));
        assert!(s.warnings().is_empty());
        // A fault after an earlier one never fires either; one at the hang-up's time does.
        s.faults.drop_at = Some(ms(1000));
        assert_eq!(s.warnings().len(), 1);
        s.faults.drop_at = None;
        s.hangup = Hangup::After(ms(3000));
        assert!(s.warnings().is_empty());
        // The script's end counts its sounds and keys.
        let s = Script::default()
            .say(
                ms(500),
                Source::Babble {
                    pitch_hz: 120.0,
                    duration: ms(2000),
                },
            )
            .faults(Faults {
                drop_at: Some(ms(4000)),
                ..Faults::default()
            });
        assert_eq!(s.planned_hangup().unwrap().0, ms(4500));
        assert!(s.warnings().is_empty());
    }

    #[test]
    fn toml_script() {
        let text = r#"
            [call]
            id = "CA42"
            content_type = "audio/l16;rate=16000"
            direction = "outbound"
            metadata = ["tenant=acme"]

            [caller]
            hangup = "30s"
            dtmf = "1@2s,#@4.5s"
            [[caller.say]]
            at = "0.5s"
            wav = "hello.wav"
            [[caller.say]]
            at = 3
            tone = 440
            duration = "1s"

            [platform]
            audio_buffer = 4

            [faults]
            ack_delay = "200ms"
            jitter = "10ms"
            jitter_seed = 7
        "#;
        let s = Script::from_toml(text, Some(Path::new("/scripts"))).unwrap();
        assert_eq!(s.call.call_id, "CA42");
        assert_eq!(s.call.content_type, ContentType::L16At16k);
        assert_eq!(s.call.direction, Direction::Outbound);
        assert_eq!(s.hangup, Hangup::After(Duration::from_secs(30)));
        assert_eq!(s.dtmf.len(), 2);
        assert_eq!(s.audio[0].source, Source::Wav("/scripts/hello.wav".into()));
        assert_eq!(s.audio[1].at, Duration::from_secs(3));
        assert_eq!(s.platform.audio_buffer, 4);
        assert_eq!(s.faults.ack_delay, Duration::from_millis(200));
        assert_eq!(s.faults.jitter_seed, 7);
    }

    #[test]
    fn toml_rejects_unknown_keys_and_ambiguous_segments() {
        assert!(Script::from_toml("[call]\ncallid = \"x\"", None).is_err());
        assert!(Script::from_toml("[[caller.say]]\ntone = 1\nwav = \"a\"", None).is_err());
        assert!(Script::from_toml("[[caller.say]]\nchirp = [1, 2]", None).is_err());
        let list = "[caller]\ndtmf = [{ digit = \"5\", at = \"1s\", duration = \"80ms\" }]";
        let s = Script::from_toml(list, None).unwrap();
        assert_eq!(s.dtmf[0].duration, Duration::from_millis(80));
    }
}
