//! PerCL, FreeClimb's call-control language, as Rust types.
//!
//! A FreeClimb call reaches a gRPC stream only through HTTP: the app answers the inbound-call
//! webhook with a PerCL script containing [`AudioStream`], and answers the webhook sent when the
//! stream ends with PerCL that continues the call. FreeClimb ships PerCL builders for other
//! languages, not for Rust; this module is that builder, and the parser the emulator uses to
//! follow a script the way FreeClimb would.
//!
//! A script is a JSON array of single-key command objects:
//!
//! ```
//! use fcstream::percl::{AudioStream, Percl};
//! use fcstream::ContentType;
//!
//! let percl = Percl::new()
//!     .say("Connecting you now.")
//!     .audio_stream(
//!         AudioStream::new("https://grpc.example.com:443")
//!             .content_type(ContentType::Mulaw8k)
//!             .action_url("https://app.example.com/stream-ended")
//!             .metadata(["tenant=acme"]),
//!     );
//! assert_eq!(
//!     percl.to_json(),
//!     r#"[{"Say":{"text":"Connecting you now."}},{"AudioStream":{"location":"https://grpc.example.com:443","contentType":"audio/mulaw;rate=8000","actionUrl":"https://app.example.com/stream-ended","metaData":["tenant=acme"]}}]"#
//! );
//! assert_eq!(Percl::parse(percl.to_json().as_bytes()).unwrap(), percl);
//! ```
//!
//! Parsing is lenient where FreeClimb's material is: `AudioStream` is accepted in both published
//! spellings (see [`Spelling`]), unknown attributes of known commands are kept in `extra` and
//! written back, and unknown commands are kept whole as [`Command::Unknown`] (never dropped), so
//! a script survives a parse/serialise round trip.

use std::fmt;
use std::time::Duration;

use serde::de::{self, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::audio::{ContentType, ContentTypeError};

/// A PerCL script: the commands FreeClimb runs in order.
///
/// Serialises to (and parses from) a JSON array of single-key objects, `[{"Say": {...}}, ...]`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Percl(pub Vec<Command>);

/// PerCL that could not be parsed.
#[derive(Debug, thiserror::Error)]
#[error("invalid PerCL: {0}")]
pub struct PerclError(#[from] serde_json::Error);

impl Percl {
    /// An empty script.
    pub fn new() -> Self {
        Self::default()
    }

    /// Parses a script from JSON bytes (an HTTP response body, say).
    pub fn parse(json: &[u8]) -> Result<Self, PerclError> {
        Ok(serde_json::from_slice(json)?)
    }

    /// The script as compact JSON.
    pub fn to_json(&self) -> String {
        // Every map key is a string and every value is plain data: this cannot fail.
        serde_json::to_string(self).expect("PerCL serialises to JSON")
    }

    /// Appends any command (builder style).
    pub fn command(mut self, command: impl Into<Command>) -> Self {
        self.0.push(command.into());
        self
    }

    /// Appends any command in place.
    pub fn push(&mut self, command: impl Into<Command>) {
        self.0.push(command.into());
    }

    /// Appends `Say` (text to speech) with default attributes.
    pub fn say(self, text: impl Into<String>) -> Self {
        self.command(Say::new(text))
    }

    /// Appends `Play` of an audio file URL with default attributes.
    pub fn play(self, file: impl Into<String>) -> Self {
        self.command(Play::new(file))
    }

    /// Appends `Pause` for `length` (whole milliseconds).
    pub fn pause(self, length: Duration) -> Self {
        self.command(Pause::new(length))
    }

    /// Appends `Hangup` without a reason.
    pub fn hangup(self) -> Self {
        self.command(Hangup::default())
    }

    /// Appends `Redirect` to `action_url` (FreeClimb POSTs there and runs the PerCL it gets).
    pub fn redirect(self, action_url: impl Into<String>) -> Self {
        self.command(Redirect::new(action_url))
    }

    /// Appends `StartRecordCall`.
    pub fn start_record_call(self) -> Self {
        self.command(StartRecordCall::default())
    }

    /// Appends a `GetDigits`.
    pub fn get_digits(self, get_digits: GetDigits) -> Self {
        self.command(get_digits)
    }

    /// Appends an `AudioStream`: FreeClimb opens the gRPC stream to its location.
    pub fn audio_stream(self, stream: AudioStream) -> Self {
        self.command(stream)
    }

    /// The first `AudioStream` of the script, if any.
    pub fn find_audio_stream(&self) -> Option<&AudioStream> {
        self.0.iter().find_map(|c| match c {
            Command::AudioStream(s) => Some(s),
            _ => None,
        })
    }

    /// Sets the spelling every `AudioStream` of the script is written in.
    pub fn with_spelling(mut self, spelling: Spelling) -> Self {
        for c in &mut self.0 {
            if let Command::AudioStream(s) = c {
                s.spelling = spelling;
            }
        }
        self
    }

    /// The commands, in order.
    pub fn commands(&self) -> &[Command] {
        &self.0
    }

    /// Whether the script has no command.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The number of top-level commands.
    pub fn len(&self) -> usize {
        self.0.len()
    }
}

impl fmt::Display for Percl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_json())
    }
}

impl From<Vec<Command>> for Percl {
    fn from(commands: Vec<Command>) -> Self {
        Self(commands)
    }
}

impl FromIterator<Command> for Percl {
    fn from_iter<I: IntoIterator<Item = Command>>(iter: I) -> Self {
        Self(iter.into_iter().collect())
    }
}

impl IntoIterator for Percl {
    type Item = Command;
    type IntoIter = std::vec::IntoIter<Command>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a> IntoIterator for &'a Percl {
    type Item = &'a Command;
    type IntoIter = std::slice::Iter<'a, Command>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

/// One PerCL command.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Command {
    /// `AudioStream`: open the gRPC audio stream.
    AudioStream(AudioStream),
    /// `Say`: text to speech.
    Say(Say),
    /// `Play`: an audio file.
    Play(Play),
    /// `Pause`: silence.
    Pause(Pause),
    /// `Hangup`: end the call.
    Hangup(Hangup),
    /// `Redirect`: fetch the next PerCL from a URL.
    Redirect(Redirect),
    /// `StartRecordCall`: record the call.
    StartRecordCall(StartRecordCall),
    /// `GetDigits`: collect DTMF, then POST them to a URL.
    GetDigits(GetDigits),
    /// A command this version does not model, kept exactly as received.
    Unknown {
        /// The command name (the object's single key).
        name: String,
        /// Its attributes, untouched.
        attributes: Value,
    },
}

impl Command {
    /// The command name as written in PerCL (`"Say"`, `"AudioStream"`, ...).
    pub fn name(&self) -> &str {
        match self {
            Self::AudioStream(_) => "AudioStream",
            Self::Say(_) => "Say",
            Self::Play(_) => "Play",
            Self::Pause(_) => "Pause",
            Self::Hangup(_) => "Hangup",
            Self::Redirect(_) => "Redirect",
            Self::StartRecordCall(_) => "StartRecordCall",
            Self::GetDigits(_) => "GetDigits",
            Self::Unknown { name, .. } => name,
        }
    }

    /// An unknown command, kept as given (the emulator reports these).
    pub fn unknown(name: impl Into<String>, attributes: Value) -> Self {
        Self::Unknown {
            name: name.into(),
            attributes,
        }
    }

    /// Builds a command from its name and attributes. Known names must have valid attributes;
    /// `null` attributes read as `{}` (so `{"Hangup": null}` is a `Hangup`).
    fn from_parts(name: String, attributes: Value) -> Result<Self, serde_json::Error> {
        fn attrs<T: serde::de::DeserializeOwned>(v: Value) -> Result<T, serde_json::Error> {
            let v = if v.is_null() {
                Value::Object(Map::new())
            } else {
                v
            };
            serde_json::from_value(v)
        }
        Ok(match name.as_str() {
            "AudioStream" => Self::AudioStream(attrs(attributes)?),
            "Say" => Self::Say(attrs(attributes)?),
            "Play" => Self::Play(attrs(attributes)?),
            "Pause" => Self::Pause(attrs(attributes)?),
            "Hangup" => Self::Hangup(attrs(attributes)?),
            "Redirect" => Self::Redirect(attrs(attributes)?),
            "StartRecordCall" => Self::StartRecordCall(attrs(attributes)?),
            "GetDigits" => Self::GetDigits(attrs(attributes)?),
            _ => Self::Unknown { name, attributes },
        })
    }
}

impl Serialize for Command {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(1))?;
        match self {
            Self::AudioStream(c) => map.serialize_entry("AudioStream", c)?,
            Self::Say(c) => map.serialize_entry("Say", c)?,
            Self::Play(c) => map.serialize_entry("Play", c)?,
            Self::Pause(c) => map.serialize_entry("Pause", c)?,
            Self::Hangup(c) => map.serialize_entry("Hangup", c)?,
            Self::Redirect(c) => map.serialize_entry("Redirect", c)?,
            Self::StartRecordCall(c) => map.serialize_entry("StartRecordCall", c)?,
            Self::GetDigits(c) => map.serialize_entry("GetDigits", c)?,
            Self::Unknown { name, attributes } => map.serialize_entry(name, attributes)?,
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for Command {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct CommandVisitor;
        impl<'de> Visitor<'de> for CommandVisitor {
            type Value = Command;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a PerCL command: an object with exactly one key, the command name")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Command, A::Error> {
                let Some(name) = map.next_key::<String>()? else {
                    return Err(de::Error::custom(
                        "empty PerCL command object: expected {\"Name\": {...}}",
                    ));
                };
                let attributes: Value = map.next_value()?;
                if let Some(other) = map.next_key::<String>()? {
                    return Err(de::Error::custom(format!(
                        "PerCL command object has more than one key ({name:?} and {other:?}): \
                         write one object per command"
                    )));
                }
                Command::from_parts(name.clone(), attributes)
                    .map_err(|e| de::Error::custom(format!("PerCL {name}: {e}")))
            }
        }
        deserializer.deserialize_map(CommandVisitor)
    }
}

macro_rules! command_from {
    ($($ty:ident),*) => {$(
        impl From<$ty> for Command {
            fn from(c: $ty) -> Self {
                Self::$ty(c)
            }
        }
    )*};
}
command_from!(
    AudioStream,
    Say,
    Play,
    Pause,
    Hangup,
    Redirect,
    StartRecordCall,
    GetDigits
);

/// Which of FreeClimb's two published spellings an [`AudioStream`] is written in.
///
/// Both are accepted when parsing; [`Spelling::Current`] is emitted unless you choose otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Spelling {
    /// FreeClimb's generated SDKs: `"location": "<uri>"`, `"metaData": [...]`.
    #[default]
    Current,
    /// The early-access specification: `"location": {"uri": "<uri>"}`, `"metadata": [...]`.
    /// Written with every field it requires (`metadata` as `[]` when there is none).
    Early,
}

impl std::str::FromStr for Spelling {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "current" => Ok(Self::Current),
            "early" | "early-access" => Ok(Self::Early),
            _ => Err(format!(
                "unknown AudioStream spelling {s:?}: expected current or early"
            )),
        }
    }
}

/// `AudioStream`: FreeClimb opens a gRPC stream to `location` and streams the call's audio.
///
/// When the stream ends FreeClimb POSTs an `audioStream` webhook to `action_url` and runs the
/// PerCL it gets back; without an `action_url` the call is hung up.
#[derive(Debug, Clone, PartialEq)]
pub struct AudioStream {
    /// The gRPC server's URI. FreeClimb requires port 80 or 443.
    pub location: String,
    /// The call's audio format (canonical strings: [`ContentType::as_str`]); kept as a string so
    /// a script naming an unsupported format still parses (see [`AudioStream::parsed_content_type`]).
    pub content_type: Option<String>,
    /// Where FreeClimb POSTs when the stream ends.
    pub action_url: Option<String>,
    /// Strings passed unchanged to `NotifyCallStartedMessage.metadata`.
    pub metadata: Option<Vec<String>>,
    /// Redact audio in recordings and keep DTMF out of logs while the stream runs.
    pub privacy_mode: Option<bool>,
    /// The spelling this command was parsed from and will be written in.
    pub spelling: Spelling,
    /// Attributes this version does not know, written back unchanged.
    pub extra: Map<String, Value>,
}

impl AudioStream {
    /// An `AudioStream` to `location` (e.g. `"https://grpc.example.com:443"`), current spelling.
    pub fn new(location: impl Into<String>) -> Self {
        Self {
            location: location.into(),
            content_type: None,
            action_url: None,
            metadata: None,
            privacy_mode: None,
            spelling: Spelling::Current,
            extra: Map::new(),
        }
    }

    /// Sets the audio format.
    pub fn content_type(mut self, content_type: ContentType) -> Self {
        self.content_type = Some(content_type.as_str().to_string());
        self
    }

    /// Sets the URL FreeClimb POSTs to when the stream ends.
    pub fn action_url(mut self, url: impl Into<String>) -> Self {
        self.action_url = Some(url.into());
        self
    }

    /// Replaces the metadata strings.
    pub fn metadata<I, S>(mut self, entries: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.metadata = Some(entries.into_iter().map(Into::into).collect());
        self
    }

    /// Appends one metadata string.
    pub fn push_metadata(mut self, entry: impl Into<String>) -> Self {
        self.metadata
            .get_or_insert_with(Vec::new)
            .push(entry.into());
        self
    }

    /// Sets privacy mode.
    pub fn privacy_mode(mut self, on: bool) -> Self {
        self.privacy_mode = Some(on);
        self
    }

    /// Sets the spelling the command is written in.
    pub fn spelling(mut self, spelling: Spelling) -> Self {
        self.spelling = spelling;
        self
    }

    /// The metadata strings (empty when none were given).
    pub fn metadata_entries(&self) -> &[String] {
        self.metadata.as_deref().unwrap_or(&[])
    }

    /// The content type parsed leniently (`None` when the attribute is absent; FreeClimb then
    /// uses its default).
    pub fn parsed_content_type(&self) -> Option<Result<ContentType, ContentTypeError>> {
        self.content_type.as_deref().map(ContentType::parse)
    }

    /// The port of `location`: explicit, or 443 for `https`/`grpcs` and 80 for `http`/`grpc`.
    /// `None` when the URI has no recognisable authority. FreeClimb requires 80 or 443.
    ///
    /// ```
    /// use fcstream::percl::AudioStream;
    /// assert_eq!(AudioStream::new("https://grpc.example.com").port(), Some(443));
    /// assert_eq!(AudioStream::new("http://[::1]:50051/x").port(), Some(50051));
    /// assert_eq!(AudioStream::new("grpc.example.com").port(), None);
    /// ```
    pub fn port(&self) -> Option<u16> {
        uri_port(&self.location)
    }
}

/// The port of an absolute URI, explicit or implied by its scheme.
pub(crate) fn uri_port(uri: &str) -> Option<u16> {
    let (scheme, rest) = uri.trim().split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, hp)| hp);
    let explicit = match host_port.rfind(']') {
        // IPv6 literal: a port can only follow the closing bracket.
        Some(end) => host_port[end + 1..].strip_prefix(':'),
        None => host_port.rsplit_once(':').map(|(_, p)| p),
    };
    if host_port.is_empty() {
        return None;
    }
    match explicit {
        Some(p) => p.parse().ok(),
        None => match scheme.to_ascii_lowercase().as_str() {
            "https" | "grpcs" => Some(443),
            "http" | "grpc" => Some(80),
            _ => None,
        },
    }
}

impl Serialize for AudioStream {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        match self.spelling {
            Spelling::Current => map.serialize_entry("location", &self.location)?,
            Spelling::Early => {
                let mut loc = Map::new();
                loc.insert("uri".into(), Value::String(self.location.clone()));
                map.serialize_entry("location", &loc)?;
            }
        }
        if let Some(ct) = &self.content_type {
            map.serialize_entry("contentType", ct)?;
        }
        if let Some(url) = &self.action_url {
            map.serialize_entry("actionUrl", url)?;
        }
        match (self.spelling, &self.metadata) {
            (Spelling::Current, Some(m)) => map.serialize_entry("metaData", m)?,
            (Spelling::Current, None) => {}
            (Spelling::Early, m) => map.serialize_entry("metadata", m.as_deref().unwrap_or(&[]))?,
        }
        if let Some(p) = self.privacy_mode {
            map.serialize_entry("privacyMode", &p)?;
        }
        for (k, v) in &self.extra {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for AudioStream {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        /// Both spellings at once; the location decides which one the command is in.
        #[derive(Deserialize)]
        struct Raw {
            location: Value,
            #[serde(rename = "contentType", default)]
            content_type: Option<String>,
            #[serde(rename = "actionUrl", default)]
            action_url: Option<String>,
            #[serde(rename = "metaData", default)]
            meta_data: Option<Vec<String>>,
            #[serde(default)]
            metadata: Option<Vec<String>>,
            #[serde(rename = "privacyMode", default)]
            privacy_mode: Option<bool>,
            #[serde(flatten)]
            extra: Map<String, Value>,
        }
        let raw = Raw::deserialize(deserializer)?;
        let (location, spelling) = match raw.location {
            Value::String(s) => (s, Spelling::Current),
            Value::Object(mut o) => match o.remove("uri") {
                Some(Value::String(s)) => (s, Spelling::Early),
                _ => {
                    return Err(de::Error::custom(
                        "AudioStream location object has no string \"uri\"",
                    ))
                }
            },
            _ => {
                return Err(de::Error::custom(
                    "AudioStream location must be a URI string or {\"uri\": \"...\"}",
                ))
            }
        };
        let mut extra = raw.extra;
        let metadata = match (raw.meta_data, raw.metadata) {
            (Some(current), Some(early)) => {
                // Both keys: `metaData` (current) wins; the other is kept, not lost.
                extra.insert(
                    "metadata".into(),
                    Value::Array(early.into_iter().map(Value::String).collect()),
                );
                Some(current)
            }
            (current, early) => current.or(early),
        };
        Ok(Self {
            location,
            content_type: raw.content_type,
            action_url: raw.action_url,
            metadata,
            privacy_mode: raw.privacy_mode,
            spelling,
            extra,
        })
    }
}

/// `Say`: speaks `text` to the caller (text to speech).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Say {
    /// What to say (FreeClimb limits it to 4 KB; empty skips the command).
    pub text: String,
    /// Language and locale, e.g. `"en-US"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// How many times (0: until the call ends).
    #[serde(rename = "loop", default, skip_serializing_if = "Option::is_none")]
    pub loop_count: Option<u32>,
    /// The conference to speak into, instead of the caller.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conference_id: Option<String>,
    /// Keep the text out of logs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub privacy_mode: Option<bool>,
    /// Attributes this version does not know, written back unchanged.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Say {
    /// `Say` of `text` with default attributes.
    pub fn new(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            language: None,
            loop_count: None,
            conference_id: None,
            privacy_mode: None,
            extra: Map::new(),
        }
    }

    /// Sets the language, e.g. `"en-US"`.
    pub fn language(mut self, language: impl Into<String>) -> Self {
        self.language = Some(language.into());
        self
    }

    /// Sets how many times it is said (0: until the call ends).
    pub fn loop_count(mut self, n: u32) -> Self {
        self.loop_count = Some(n);
        self
    }

    /// Sets privacy mode.
    pub fn privacy_mode(mut self, on: bool) -> Self {
        self.privacy_mode = Some(on);
        self
    }
}

/// `Play`: plays an audio file (a URL FreeClimb fetches).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Play {
    /// The audio file's URL.
    pub file: String,
    /// How many times (0: until the call ends).
    #[serde(rename = "loop", default, skip_serializing_if = "Option::is_none")]
    pub loop_count: Option<u32>,
    /// The conference to play into, instead of the caller.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conference_id: Option<String>,
    /// Keep it out of logs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub privacy_mode: Option<bool>,
    /// Attributes this version does not know, written back unchanged.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Play {
    /// `Play` of `file` with default attributes.
    pub fn new(file: impl Into<String>) -> Self {
        Self {
            file: file.into(),
            loop_count: None,
            conference_id: None,
            privacy_mode: None,
            extra: Map::new(),
        }
    }

    /// Sets how many times it plays (0: until the call ends).
    pub fn loop_count(mut self, n: u32) -> Self {
        self.loop_count = Some(n);
        self
    }
}

/// `Pause`: silence for `length` milliseconds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pause {
    /// Milliseconds of silence.
    pub length: u64,
    /// Attributes this version does not know, written back unchanged.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Pause {
    /// A pause of `length`, in whole milliseconds.
    pub fn new(length: Duration) -> Self {
        Self {
            length: u64::try_from(length.as_millis()).unwrap_or(u64::MAX),
            extra: Map::new(),
        }
    }

    /// The pause as a duration.
    pub fn duration(&self) -> Duration {
        Duration::from_millis(self.length)
    }
}

/// `Hangup`: ends the call.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Hangup {
    /// An application-defined reason, for the call's logs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Attributes this version does not know, written back unchanged.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Hangup {
    /// `Hangup` with a reason.
    pub fn with_reason(reason: impl Into<String>) -> Self {
        Self {
            reason: Some(reason.into()),
            extra: Map::new(),
        }
    }
}

/// `Redirect`: FreeClimb POSTs to `action_url` and runs the PerCL it gets back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Redirect {
    /// Where to fetch the next PerCL.
    pub action_url: String,
    /// Attributes this version does not know, written back unchanged.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Redirect {
    /// `Redirect` to `action_url`.
    pub fn new(action_url: impl Into<String>) -> Self {
        Self {
            action_url: action_url.into(),
            extra: Map::new(),
        }
    }
}

/// `StartRecordCall`: starts recording the call.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct StartRecordCall {
    /// Attributes this version does not know, written back unchanged.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `GetDigits`: plays `prompts`, collects DTMF, then POSTs the digits to `action_url` (a
/// terminal command: what follows it in the script never runs).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetDigits {
    /// Where FreeClimb POSTs the digits.
    pub action_url: String,
    /// `Say`/`Play`/`Pause` commands played while waiting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prompts: Option<Percl>,
    /// The most digits expected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_digits: Option<u32>,
    /// The fewest digits expected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_digits: Option<u32>,
    /// Start with an empty DTMF buffer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flush_buffer: Option<bool>,
    /// Milliseconds to wait after a digit for the next one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub digit_timeout_ms: Option<u64>,
    /// Milliseconds to wait for the first digit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initial_timeout_ms: Option<u64>,
    /// The key that ends input, e.g. `"#"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finish_on_key: Option<String>,
    /// Keep the digits out of logs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub privacy_mode: Option<bool>,
    /// Attributes this version does not know, written back unchanged.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl GetDigits {
    /// `GetDigits` posting to `action_url`, default attributes.
    pub fn new(action_url: impl Into<String>) -> Self {
        Self {
            action_url: action_url.into(),
            prompts: None,
            max_digits: None,
            min_digits: None,
            flush_buffer: None,
            digit_timeout_ms: None,
            initial_timeout_ms: None,
            finish_on_key: None,
            privacy_mode: None,
            extra: Map::new(),
        }
    }

    /// Sets the prompts.
    pub fn prompts(mut self, prompts: Percl) -> Self {
        self.prompts = Some(prompts);
        self
    }

    /// Sets the fewest and most digits expected.
    pub fn digits(mut self, min: u32, max: u32) -> Self {
        self.min_digits = Some(min);
        self.max_digits = Some(max);
        self
    }

    /// Sets the key that ends input.
    pub fn finish_on_key(mut self, key: impl Into<String>) -> Self {
        self.finish_on_key = Some(key.into());
        self
    }

    /// Sets the initial and between-digit timeouts (whole milliseconds).
    pub fn timeouts(mut self, initial: Duration, between_digits: Duration) -> Self {
        self.initial_timeout_ms = Some(u64::try_from(initial.as_millis()).unwrap_or(u64::MAX));
        self.digit_timeout_ms = Some(u64::try_from(between_digits.as_millis()).unwrap_or(u64::MAX));
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports() {
        for (uri, port) in [
            ("https://g.example.com", Some(443)),
            ("https://g.example.com:443/", Some(443)),
            ("http://g.example.com", Some(80)),
            ("http://user:pw@g.example.com:8443/p?q", Some(8443)),
            ("grpcs://[2001:db8::1]", Some(443)),
            ("http://[2001:db8::1]:50051", Some(50051)),
            ("ftp://g.example.com", None),
            ("g.example.com:443", None),
            ("https://", None),
            ("https://g.example.com:notaport", None),
        ] {
            assert_eq!(uri_port(uri), port, "{uri}");
        }
    }

    #[test]
    fn one_key_per_command() {
        let e = Percl::parse(br#"[{"Say":{"text":"a"},"Hangup":{}}]"#).unwrap_err();
        assert!(e.to_string().contains("more than one key"), "{e}");
        let e = Percl::parse(br#"[{}]"#).unwrap_err();
        assert!(e.to_string().contains("empty PerCL command"), "{e}");
        let e = Percl::parse(br#"[{"Say":{"loop":2}}]"#).unwrap_err();
        assert!(e.to_string().contains("PerCL Say"), "{e}");
        assert!(e.to_string().contains("text"), "{e}");
    }

    #[test]
    fn null_attributes_read_as_empty() {
        let p = Percl::parse(br#"[{"Hangup":null},{"StartRecordCall":{}}]"#).unwrap();
        assert_eq!(p, Percl::new().hangup().start_record_call());
    }
}
