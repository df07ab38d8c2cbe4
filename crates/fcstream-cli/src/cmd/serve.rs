//! `fcstream serve`: runs a built-in app on the production gRPC server.
//!
//! Every setting comes in up to three layers, merged in one place ([`Effective::merge`]): a
//! flag (or its `FCSTREAM_*` environment variable), over the TOML file given with `--config`,
//! over the default. The server's and the calls' defaults are the library's
//! ([`fcstream::server::defaults`]), read here and never restated; `--help` and
//! `--print-config` show them.
//!
//! Adding a setting is one entry in the `settings!` table below: its flag, variable, file key,
//! default, `--help` line and `--print-config` line all come from that entry. Values are parsed
//! as they are read (a flag, a variable or the file), so a bad value fails before anything
//! starts, `--print-config` included.

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use anyhow::{anyhow, Context};
use clap::Args;
use fcstream::http::WebhookConfig;
use fcstream::percl::Spelling;
use fcstream::server::defaults;
use fcstream::{
    CallConfig, ContentType, Metrics, PlaybackConfig, Server, Shutdown, StreamAuth, TlsConfig,
};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use tracing::{info, warn};

use crate::apps::App;

/// How long a per-call stream token issued by the webhook endpoint stays valid.
const CALL_TOKEN_TTL: Duration = Duration::from_secs(300);

/// The shortest chunk a clip is cut into: one 20 ms frame.
const MIN_CHUNK_MS: u64 = 20;

/// Defines the settings from one table: [`Settings`] (one layer: the flags, or the file),
/// [`Effective`] (the merged result), [`Effective::merge`] and the `--help` defaults.
///
/// An entry is the flag's doc comment (its help), its `#[arg(..)]` (`long` is implied), its
/// name (the flag in kebab-case, the file key in snake_case) and type, and `= default` unless
/// the setting is off when not given.
macro_rules! settings {
    (@effective $ty:ty, $default:expr) => { $ty };
    (@effective $ty:ty) => { Option<$ty> };
    (@pick $given:expr, $default:expr) => { $given.unwrap_or_else(|| $default) };
    (@pick $given:expr) => { $given };
    ($(
        $(#[doc = $doc:literal])*
        #[arg($($arg:tt)*)]
        $name:ident: $ty:ty $(= $default:expr)?;
    )*) => {
        /// One layer of `fcstream serve`'s settings: the flags (with their `FCSTREAM_*`
        /// variables), or the `--config` file (same names in snake_case; unknown keys are an
        /// error). `None`: not given in this layer.
        #[derive(Debug, Default, Clone, Args, Deserialize)]
        #[serde(deny_unknown_fields)]
        #[command(mut_args = document_default)]
        pub struct Settings {
            $(
                $(#[doc = $doc])*
                #[arg(long, $($arg)*)]
                pub $name: Option<$ty>,
            )*
        }

        /// The settings `fcstream serve` runs with: every layer merged, every default filled
        /// in. Serialized, it is `--print-config` (secrets redacted), a valid `--config` file.
        #[derive(Debug, Clone, PartialEq, Serialize)]
        pub struct Effective {
            $(
                $(#[doc = $doc])*
                pub $name: settings!(@effective $ty $(, $default)?),
            )*
        }

        impl Effective {
            /// Flags over file over defaults, setting by setting.
            pub fn merge(flags: Settings, file: Settings) -> Self {
                Self {
                    $( $name: settings!(@pick flags.$name.or(file.$name) $(, $default)?), )*
                }
            }
        }

        /// Adds `[default: …]` to the help of each setting that has a default, spelled as
        /// the file spells it.
        fn document_default(arg: clap::Arg) -> clap::Arg {
            $($(
                if arg.get_id() == stringify!($name) {
                    return with_default(arg, &$default);
                }
            )?)*
            arg
        }
    };
}

settings! {
    /// Address of the gRPC server (the AudioStream location points here).
    #[arg(env = "FCSTREAM_LISTEN", value_name = "ADDR")]
    listen: Text<Addr> = Text(Addr("0.0.0.0:50051".into()));
    /// Built-in app to run on every call.
    #[arg(value_enum, env = "FCSTREAM_APP")]
    app: App = App::Echo;

    /// Calls at once; the next gets RESOURCE_EXHAUSTED.
    #[arg(env = "FCSTREAM_MAX_CALLS")]
    max_calls: usize = defaults::MAX_CALLS;
    /// Largest platform message accepted, bytes.
    #[arg(env = "FCSTREAM_MAX_MESSAGE_BYTES")]
    max_message_bytes: usize = defaults::MAX_MESSAGE_BYTES;
    /// End a call after this long without a platform message, e.g. 30s; "off" to disable.
    #[arg(env = "FCSTREAM_IDLE_TIMEOUT", value_name = "DURATION")]
    idle_timeout: Text<Option<Duration>> = Text(defaults::IDLE_TIMEOUT);
    /// Hang up calls that last this long, e.g. 4h; "off" to disable.
    #[arg(env = "FCSTREAM_MAX_CALL_DURATION", value_name = "DURATION")]
    max_call_duration: Text<Option<Duration>> = Text(defaults::MAX_DURATION);
    /// After SIGTERM/SIGINT, how long live calls may run on, e.g. 300s; 0 ends them at once.
    #[arg(env = "FCSTREAM_DRAIN_TIMEOUT", value_name = "DURATION")]
    drain_timeout: Text<Duration> = Text(defaults::DRAIN_TIMEOUT);
    /// HTTP/2 keepalive ping interval, e.g. 30s; "off" to disable.
    #[arg(env = "FCSTREAM_KEEPALIVE", value_name = "DURATION")]
    keepalive: Text<Option<Duration>> = Text(defaults::KEEPALIVE_INTERVAL);
    /// Calls one HTTP/2 connection may carry at once.
    #[arg(env = "FCSTREAM_MAX_STREAMS_PER_CONNECTION")]
    max_streams_per_connection: u32 = defaults::MAX_STREAMS_PER_CONNECTION;
    /// TCP connections open at once; at the limit new ones wait until one closes.
    #[arg(env = "FCSTREAM_MAX_CONNECTIONS")]
    max_connections: usize = defaults::MAX_CONNECTIONS;
    /// A new connection must finish TLS and send the HTTP/2 preface within this, e.g. 5s.
    #[arg(env = "FCSTREAM_HANDSHAKE_TIMEOUT", value_name = "DURATION")]
    handshake_timeout: Text<Duration> = Text(defaults::HANDSHAKE_TIMEOUT);
    /// A connection with no stream open for this long is closed, e.g. 60s; "off" to keep it.
    #[arg(env = "FCSTREAM_CONNECTION_IDLE_TIMEOUT", value_name = "DURATION")]
    connection_idle_timeout: Text<Option<Duration>> = Text(defaults::CONNECTION_IDLE_TIMEOUT);

    /// Length of one chunk of a long clip, ms (at least 20).
    #[arg(env = "FCSTREAM_CHUNK_MS")]
    chunk_ms: u64 = millis(defaults::PLAYBACK_CHUNK);
    /// Audio sent ahead of what the caller heard, at most, ms.
    #[arg(env = "FCSTREAM_MAX_AHEAD_MS")]
    max_ahead_ms: u64 = millis(defaults::PLAYBACK_MAX_AHEAD);
    /// Entries outstanding at the platform's audio buffer, at most (at least 1).
    #[arg(env = "FCSTREAM_MAX_ENTRIES")]
    max_entries: usize = defaults::PLAYBACK_MAX_ENTRIES;

    /// Serve Prometheus metrics on this address (GET /metrics), e.g. 127.0.0.1:9090.
    #[arg(env = "FCSTREAM_METRICS", value_name = "ADDR")]
    metrics: Text<Addr>;
    /// Record every call into this directory (created if missing): a stereo WAV (left: the
    /// caller, right: what the platform confirmed it played) and a JSON-lines timeline per
    /// call. See docs/RECORDING.md.
    #[arg(env = "FCSTREAM_RECORD_DIR", value_name = "DIR")]
    record_dir: PathBuf;

    /// TLS certificate chain (PEM). With --tls-key, the gRPC port speaks TLS.
    #[arg(env = "FCSTREAM_TLS_CERT")]
    tls_cert: PathBuf;
    /// TLS private key (PEM).
    #[arg(env = "FCSTREAM_TLS_KEY")]
    tls_key: PathBuf;
    /// CA for client certificates (PEM): turns on mutual TLS.
    #[arg(env = "FCSTREAM_TLS_CLIENT_CA")]
    tls_client_ca: PathBuf;

    /// Require `authorization: Bearer <token>` on every stream.
    #[arg(env = "FCSTREAM_AUTH_BEARER_TOKEN", hide_env_values = true)]
    auth_bearer_token: Secret;
    /// Require a per-call token (HMAC, bound to the call id) signed with this key.
    #[arg(env = "FCSTREAM_AUTH_CALL_TOKEN_KEY", hide_env_values = true)]
    auth_call_token_key: Secret;

    /// Serve FreeClimb's webhooks on this address (POST /inbound, POST /stream-ended,
    /// GET /healthz), e.g. 0.0.0.0:8080. Needs --public-grpc-url.
    #[arg(env = "FCSTREAM_HTTP", value_name = "ADDR")]
    http: Text<Addr>;
    /// The gRPC server's URL as FreeClimb dials it: the AudioStream location answered to inbound
    /// calls, e.g. `https://grpc.example.com:443` (FreeClimb requires port 80 or 443).
    #[arg(env = "FCSTREAM_PUBLIC_GRPC_URL", value_name = "URL")]
    public_grpc_url: String;
    /// This HTTP server's public base URL; the AudioStream actionUrl is it + /stream-ended
    /// [default: from each request's Host header].
    #[arg(env = "FCSTREAM_PUBLIC_HTTP_URL", value_name = "URL")]
    public_http_url: String;
    /// The calls' audio format, put in the AudioStream: audio/mulaw;rate=8000,
    /// audio/l16;rate=8000 or audio/l16;rate=16000.
    #[arg(env = "FCSTREAM_CONTENT_TYPE")]
    content_type: Text<ContentType> = Text(ContentType::Mulaw8k);
    /// The account's webhook signing secret: every webhook's FreeClimb-Signature is checked
    /// (unsigned or badly signed ones get 401). Without it webhooks are not verified, and
    /// --auth-call-token-key with --http is refused (see --insecure-unsigned-webhooks).
    #[arg(env = "FCSTREAM_SIGNING_SECRET", hide_env_values = true)]
    signing_secret: Secret;
    /// Issue per-call stream tokens (--auth-call-token-key) to unsigned webhooks, with no
    /// --signing-secret: anyone who reaches the webhook port then gets a valid token for any
    /// call id. For a test setup on a closed network only.
    #[arg(
        env = "FCSTREAM_INSECURE_UNSIGNED_WEBHOOKS",
        num_args = 0..=1,
        default_missing_value = "true",
        value_name = "BOOL"
    )]
    insecure_unsigned_webhooks: bool = false;
    /// How far a webhook signature's time may be from now, either way.
    #[arg(env = "FCSTREAM_SIGNATURE_TOLERANCE", value_name = "DURATION")]
    signature_tolerance: Text<Duration> = Text(fcstream::webhook::DEFAULT_TOLERANCE);
    /// How AudioStream is written: current (location string, metaData) or early
    /// (location.uri, metadata).
    #[arg(env = "FCSTREAM_PERCL_SPELLING")]
    percl_spelling: Text<Spelling> = Text(Spelling::default());

    /// --app agent: the speech-to-text service (Google Cloud Speech-to-Text v1
    /// StreamingRecognize); http:// or https://. The default is the local
    /// `fcstream stt-serve`.
    #[arg(env = "FCSTREAM_STT", value_name = "URL")]
    stt: String = String::from("http://127.0.0.1:50052");
    /// --app agent: API key for a hosted speech service (sent as x-goog-api-key).
    #[arg(env = "FCSTREAM_STT_API_KEY", hide_env_values = true)]
    stt_api_key: Secret;
    /// --app agent: bearer token for a hosted speech service (authorization: Bearer).
    #[arg(env = "FCSTREAM_STT_BEARER_TOKEN", hide_env_values = true)]
    stt_bearer_token: Secret;
    /// --app agent: the voice. `natural` (default): the most natural one installed (Festival
    /// HTS, else Flite, else espeak-ng); anything else is an espeak-ng voice, e.g. en-us,
    /// en-gb, en-us+f3.
    #[arg(env = "FCSTREAM_TTS_VOICE")]
    tts_voice: String = NATURAL_VOICE.to_string();
}

/// `--tts-voice natural`: the most natural voice installed ([`fcstream_speech::tts::natural`]).
const NATURAL_VOICE: &str = "natural";

/// Whole milliseconds (the `*_ms` settings).
fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// `arg` with `[default: <default>]` after its help (and its long help, if any).
fn with_default(arg: clap::Arg, default: &impl Serialize) -> clap::Arg {
    let shown = match toml::Value::try_from(default) {
        Ok(toml::Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(e) => format!("<{e}>"),
    };
    let help = arg.get_help().map(|h| format!("{h} [default: {shown}]"));
    let long_help = arg
        .get_long_help()
        .map(|h| format!("{h}\n\n[default: {shown}]"));
    let arg = match help {
        Some(h) => arg.help(h),
        None => arg.help(format!("[default: {shown}]")),
    };
    match long_help {
        Some(h) => arg.long_help(h),
        None => arg,
    }
}

/// How a setting's value is written, the same way in a flag, a variable, the file and
/// `--print-config`.
pub trait Value: Sized {
    /// Parses what was written (trimmed); the error says what is expected.
    fn parse(text: &str) -> Result<Self, String>;
    /// Writes the value so that [`Value::parse`] gives it back.
    fn show(&self) -> String;
}

/// A setting written as a string (see [`Value`]): a flag's value, a TOML string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Text<T>(pub T);

impl<T: Value> FromStr for Text<T> {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        T::parse(s.trim()).map(Text)
    }
}

impl<T: Value> fmt::Display for Text<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.show())
    }
}

impl<T: Value> Serialize for Text<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0.show())
    }
}

impl<'de, T: Value> Deserialize<'de> for Text<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

/// A duration: `30s`, `500ms`, `4h`, `1h 30m`.
impl Value for Duration {
    fn parse(text: &str) -> Result<Self, String> {
        humantime::parse_duration(text)
            .map_err(|e| format!("{text:?}: {e} (examples: 30s, 500ms, 4h)"))
    }
    fn show(&self) -> String {
        humantime::format_duration(*self).to_string()
    }
}

/// A duration, or `off` (also `none`, `0`): no limit.
impl Value for Option<Duration> {
    fn parse(text: &str) -> Result<Self, String> {
        if ["off", "none"].iter().any(|w| text.eq_ignore_ascii_case(w)) {
            return Ok(None);
        }
        let d = Duration::parse(text).map_err(|e| format!("{e}, or off"))?;
        Ok((!d.is_zero()).then_some(d))
    }
    fn show(&self) -> String {
        self.as_ref().map_or_else(|| "off".into(), Value::show)
    }
}

impl Value for ContentType {
    fn parse(text: &str) -> Result<Self, String> {
        ContentType::parse(text).map_err(|e| e.to_string())
    }
    fn show(&self) -> String {
        self.as_str().into()
    }
}

impl Value for Spelling {
    fn parse(text: &str) -> Result<Self, String> {
        text.parse()
    }
    fn show(&self) -> String {
        match self {
            Spelling::Current => "current",
            Spelling::Early => "early",
        }
        .into()
    }
}

/// An address to listen on: `host:port`, the host a name or an IP (`[::1]:50051` for IPv6).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Addr(String);

impl Addr {
    /// The address as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Value for Addr {
    fn parse(text: &str) -> Result<Self, String> {
        let bad = || {
            format!(
                "{text:?} is not an address to listen on: expected host:port, e.g. \
                 0.0.0.0:50051, [::]:50051 or localhost:9090"
            )
        };
        if text.parse::<SocketAddr>().is_err() {
            let (host, port) = text.rsplit_once(':').ok_or_else(bad)?;
            let host_ok = !host.is_empty()
                && host
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'));
            if !host_ok || port.parse::<u16>().is_err() {
                return Err(bad());
            }
        }
        Ok(Addr(text.into()))
    }
    fn show(&self) -> String {
        self.0.clone()
    }
}

/// A secret: used as given, never shown (`Debug` and `--print-config` write `<redacted>`).
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// What to write in place of a secret.
    const REDACTED: &'static str = "<redacted>";

    /// The secret itself.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl From<String> for Secret {
    fn from(s: String) -> Self {
        Secret(s)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(Self::REDACTED)
    }
}

impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(Self::REDACTED)
    }
}

/// Options of `fcstream serve`: the settings as flags, the file under them, and what to do.
#[derive(Debug, Default, Clone, Args)]
#[command(after_help = "Examples:
  fcstream serve --app echo
  fcstream serve --listen 127.0.0.1:50051 --metrics 127.0.0.1:9090 --log-format json
  fcstream serve --tls-cert cert.pem --tls-key key.pem --tls-client-ca ca.pem
  fcstream serve --config fcstream.toml --print-config
  fcstream serve --http 0.0.0.0:8080 --public-grpc-url https://grpc.example.com:443 \\
      --public-http-url https://app.example.com --signing-secret \"$FREECLIMB_SIGNING_SECRET\"
  RUST_LOG=fcstream=debug fcstream serve

Precedence: flag > FCSTREAM_* environment variable > --config file > default. The server's
defaults are the library's (fcstream::server::defaults); --print-config shows them all.")]
pub struct ServeArgs {
    /// TOML file with any of these settings (keys as the flags, snake_case).
    #[arg(long, env = "FCSTREAM_CONFIG")]
    pub config: Option<PathBuf>,
    /// Print the effective configuration (every default filled in, secrets redacted) and exit.
    #[arg(long)]
    pub print_config: bool,
    // The settings given as flags or variables.
    #[command(flatten)]
    pub settings: Settings,
}

impl ServeArgs {
    /// The effective settings: these flags over the `--config` file (if any) over the defaults.
    pub fn resolve(self) -> anyhow::Result<Effective> {
        let file = match &self.config {
            None => Settings::default(),
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .with_context(|| format!("reading --config {}", path.display()))?;
                Settings::from_toml(&text)
                    .with_context(|| format!("--config {}", path.display()))?
            }
        };
        Ok(Effective::merge(self.settings, file))
    }
}

impl Settings {
    /// Parses a configuration file's text (TOML, keys as the flags in snake_case). Every value
    /// is checked here: a bad one is an error naming its key.
    pub fn from_toml(text: &str) -> anyhow::Result<Settings> {
        toml::from_str(text)
            .map_err(|e| anyhow!("{e}"))
            .context("parsing the configuration (keys are the flag names in snake_case)")
    }
}

impl Effective {
    /// The settings a configuration file gives on its own (no flags), as `--config` does.
    pub fn from_toml(text: &str) -> anyhow::Result<Effective> {
        Ok(Effective::merge(
            Settings::default(),
            Settings::from_toml(text)?,
        ))
    }

    /// `--print-config`: every setting as TOML, defaults written out, secrets redacted. It is
    /// itself a valid configuration file.
    pub fn to_toml(&self) -> anyhow::Result<String> {
        Ok(toml::to_string(self)?)
    }

    /// The per-call settings.
    pub fn call_config(&self) -> CallConfig {
        let d = CallConfig::default();
        CallConfig {
            playback: PlaybackConfig {
                chunk: Duration::from_millis(self.chunk_ms.max(MIN_CHUNK_MS)),
                max_ahead: Duration::from_millis(self.max_ahead_ms),
                max_entries: self.max_entries.max(1),
                ..d.playback
            },
            idle_timeout: self.idle_timeout.0,
            max_duration: self.max_call_duration.0,
            ..d
        }
    }

    /// The voice agent's configuration: the recogniser client and the voice.
    fn agent(&self) -> anyhow::Result<fcstream_apps::agent::AgentConfig> {
        use fcstream_speech::google::{GoogleStt, GoogleSttOptions};
        use fcstream_speech::tts::{CachedTts, EspeakNg};
        let options = GoogleSttOptions {
            api_key: self.stt_api_key.as_ref().map(|s| s.expose().to_string()),
            bearer_token: self
                .stt_bearer_token
                .as_ref()
                .map(|s| s.expose().to_string()),
            ..GoogleSttOptions::default()
        };
        let stt = GoogleStt::new(&self.stt, options).map_err(|e| anyhow!("--stt: {e}"))?;
        let rate = self.content_type.0.sample_rate();
        let tts: std::sync::Arc<dyn fcstream_speech::tts::Synthesizer> =
            if self.tts_voice == NATURAL_VOICE {
                let (tts, kind) = fcstream_speech::tts::natural(Some(rate));
                info!(voice = ?kind, "text-to-speech");
                tts
            } else {
                std::sync::Arc::new(CachedTts::new(EspeakNg {
                    voice: self.tts_voice.clone(),
                    sample_rate: Some(rate),
                    ..EspeakNg::default()
                }))
            };
        Ok(fcstream_apps::agent::AgentConfig::new(
            std::sync::Arc::new(stt),
            tts,
        ))
    }

    /// The webhook endpoint these settings describe (`None` without `--http`): its address and
    /// router. `/inbound` answers 503 once `shutdown` drains.
    pub fn webhooks(&self, shutdown: Shutdown) -> anyhow::Result<Option<(String, axum::Router)>> {
        let Some(addr) = &self.http else {
            if self.public_grpc_url.is_some() || self.signing_secret.is_some() {
                warn!("webhook settings given without --http: no webhook endpoint is served");
            }
            return Ok(None);
        };
        let grpc_url = self.public_grpc_url.clone().ok_or_else(|| {
            anyhow!(
                "--http needs --public-grpc-url: the URL FreeClimb dials for the gRPC stream, \
                 e.g. https://grpc.example.com:443"
            )
        })?;
        let mut config = WebhookConfig::new(grpc_url)
            .content_type(self.content_type.0)
            .tolerance(self.signature_tolerance.0)
            .spelling(self.percl_spelling.0)
            .shutdown_handle(shutdown);
        if let Some(url) = &self.public_http_url {
            config = config.public_http_url(url.clone());
        }
        if let Some(secret) = &self.signing_secret {
            config = config.signing_secret(secret.expose().to_string());
        }
        if let Some(key) = &self.auth_call_token_key {
            let signed = self
                .signing_secret
                .as_ref()
                .is_some_and(|s| !s.expose().is_empty());
            if !signed && !self.insecure_unsigned_webhooks {
                return Err(anyhow!(
                    "--auth-call-token-key with --http needs --signing-secret: without it any \
                     unsigned POST to /inbound gets a valid stream token for the call id it \
                     names. Give the account's webhook signing secret (--signing-secret or \
                     FCSTREAM_SIGNING_SECRET), or, for a test setup on a closed network only, \
                     --insecure-unsigned-webhooks"
                ));
            }
            // Valid this long from when FreeClimb signed the webhook (a replay gets the same
            // token); the stream must start within it.
            config = config
                .call_tokens(key.expose().as_bytes().to_vec(), CALL_TOKEN_TTL)
                .insecure_unsigned_webhooks(self.insecure_unsigned_webhooks);
        }
        let router = fcstream::http::try_router(config).map_err(|e| anyhow!("--http: {e}"))?;
        Ok(Some((addr.0.as_str().to_string(), router)))
    }

    /// The server these settings describe, with its metrics and phase handle.
    pub fn server(&self, shutdown: Shutdown, metrics: Metrics) -> anyhow::Result<Server> {
        let mut server = Server::bind(self.listen.0.as_str())
            .call_config(self.call_config())
            .max_calls(self.max_calls)
            .max_message_bytes(self.max_message_bytes)
            .max_streams_per_connection(self.max_streams_per_connection)
            .max_connections(self.max_connections)
            .handshake_timeout(self.handshake_timeout.0)
            .connection_idle_timeout(self.connection_idle_timeout.0)
            .keepalive(self.keepalive.0)
            .drain_timeout(self.drain_timeout.0)
            .metrics(metrics)
            .shutdown_handle(shutdown);
        if let Some(dir) = &self.record_dir {
            info!(dir = %dir.display(), "recording every call");
            server = server.record_dir(dir.clone());
        }
        match (&self.tls_cert, &self.tls_key) {
            (Some(cert), Some(key)) => {
                server = server.tls(TlsConfig::from_files(
                    cert,
                    key,
                    self.tls_client_ca.as_deref(),
                )?);
            }
            (None, None) if self.tls_client_ca.is_none() => {}
            _ => {
                return Err(anyhow!(
                    "TLS needs both --tls-cert and --tls-key (and --tls-client-ca only with them)"
                ))
            }
        }
        let mut auth = StreamAuth::default();
        if let Some(token) = &self.auth_bearer_token {
            auth = auth.bearer(token.expose().to_string());
        }
        if let Some(key) = &self.auth_call_token_key {
            auth = auth.call_tokens(key.expose().as_bytes().to_vec());
        }
        Ok(server.auth(auth))
    }
}

/// Binds the listener of `flag` (`--metrics`, `--http`): a busy or bad address is an error
/// naming the flag, before anything is served.
async fn bind(flag: &str, addr: &str) -> anyhow::Result<tokio::net::TcpListener> {
    tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("{flag}: cannot listen on {addr}"))
}

/// Serves `GET /metrics` in Prometheus text format on `listener` until `stop` resolves.
async fn serve_metrics(
    listener: tokio::net::TcpListener,
    metrics: Metrics,
    stop: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    info!(addr = %listener.local_addr()?, "metrics on /metrics");
    let app = axum::Router::new().route(
        "/metrics",
        axum::routing::get(move || {
            let metrics = metrics.clone();
            async move {
                (
                    [(
                        axum::http::header::CONTENT_TYPE,
                        "text/plain; version=0.0.4",
                    )],
                    metrics.render(),
                )
            }
        }),
    );
    axum::serve(listener, app)
        .with_graceful_shutdown(stop)
        .await?;
    Ok(())
}

/// Runs the server until SIGTERM/SIGINT, drains, exits.
pub async fn run(args: ServeArgs) -> anyhow::Result<()> {
    let print_config = args.print_config;
    let args = args.resolve()?;
    if print_config {
        crate::out!("{}", args.to_toml()?);
        return Ok(());
    }
    let shutdown = Shutdown::new();
    let metrics = Metrics::new();
    let server = args.server(shutdown.clone(), metrics.clone())?;
    // Every side listener is bound before anything is served: a busy or bad --metrics or
    // --http address fails at start, naming its flag (it used to be found only at shutdown).
    let metrics_listener = match &args.metrics {
        Some(addr) => Some(bind("--metrics", addr.0.as_str()).await?),
        None => None,
    };
    // The webhook endpoint outlives the signal: it answers /stream-ended for the calls that
    // drain (and 503 on /inbound), and stops once the gRPC server is done.
    let webhook_task = match args.webhooks(shutdown.clone())? {
        Some((addr, router)) => {
            let listener = bind("--http", &addr).await?;
            let (done_tx, done_rx) = tokio::sync::oneshot::channel::<()>();
            let stop = async move {
                let _ = done_rx.await;
            };
            let task = tokio::spawn(fcstream::http::serve(listener, router, stop));
            Some((task, done_tx))
        }
        None => None,
    };
    let app = args.app;
    info!(app = %app, "serving");
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let signal = async move {
        crate::shutdown_signal().await;
        let _ = stop_tx.send(true);
    };
    let metrics_task = match metrics_listener {
        Some(listener) => {
            let mut rx = stop_rx.clone();
            let stop = async move {
                let _ = rx.wait_for(|s| *s).await;
            };
            Some(tokio::spawn(serve_metrics(listener, metrics.clone(), stop)))
        }
        None => None,
    };
    let result = match app {
        App::Echo => {
            server
                .serve_with_shutdown(fcstream_apps::echo, signal)
                .await
        }
        App::Ivr => server.serve_with_shutdown(fcstream_apps::ivr, signal).await,
        App::Agent => {
            let config = std::sync::Arc::new(args.agent()?);
            info!(stt = %args.stt, voice = %args.tts_voice, "voice agent");
            server
                .serve_with_shutdown(fcstream_apps::agent::agent(config), signal)
                .await
        }
    };
    if let Some((task, done)) = webhook_task {
        let _ = done.send(());
        match task.await {
            Ok(Err(e)) => warn!(error = %e, "webhook endpoint failed"),
            Err(e) => warn!(error = %e, "webhook endpoint task failed"),
            Ok(Ok(())) => {}
        }
    }
    if let Some(task) = metrics_task {
        match task.await {
            Ok(Err(e)) => warn!(error = %e, "metrics endpoint failed"),
            Err(e) => warn!(error = %e, "metrics endpoint task failed"),
            Ok(Ok(())) => {}
        }
    }
    result?;
    info!("bye");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::{CommandFactory, FromArgMatches, Parser};
    use proptest::prelude::*;

    /// `fcstream serve` alone, reading no `FCSTREAM_*` variable whatever the environment.
    #[derive(Debug, Parser)]
    struct Cli {
        #[command(flatten)]
        serve: ServeArgs,
    }

    fn command() -> clap::Command {
        Cli::command().mut_args(|a| a.env(None::<&'static str>))
    }

    fn parse(args: &[&str]) -> Result<ServeArgs, clap::Error> {
        let matches =
            command().try_get_matches_from(std::iter::once("serve").chain(args.iter().copied()))?;
        Ok(Cli::from_arg_matches(&matches)?.serve)
    }

    fn print_config(text: &str) -> anyhow::Result<String> {
        Effective::from_toml(text)?.to_toml()
    }

    #[test]
    fn no_flags_and_no_file_give_the_library_defaults() {
        let e = parse(&[]).unwrap().resolve().unwrap();
        assert_eq!(
            e,
            Effective::merge(Settings::default(), Settings::default())
        );
        assert_eq!(e.max_calls, defaults::MAX_CALLS);
        assert_eq!(e.max_message_bytes, defaults::MAX_MESSAGE_BYTES);
        assert_eq!(
            e.max_streams_per_connection,
            defaults::MAX_STREAMS_PER_CONNECTION
        );
        assert_eq!(e.keepalive.0, defaults::KEEPALIVE_INTERVAL);
        assert_eq!(e.drain_timeout.0, defaults::DRAIN_TIMEOUT);
        assert_eq!(e.idle_timeout.0, defaults::IDLE_TIMEOUT);
        assert_eq!(e.max_call_duration.0, defaults::MAX_DURATION);
        assert_eq!(Duration::from_millis(e.chunk_ms), defaults::PLAYBACK_CHUNK);
        assert_eq!(
            Duration::from_millis(e.max_ahead_ms),
            defaults::PLAYBACK_MAX_AHEAD
        );
        assert_eq!(e.max_entries, defaults::PLAYBACK_MAX_ENTRIES);
        assert_eq!(
            e.signature_tolerance.0,
            fcstream::webhook::DEFAULT_TOLERANCE
        );
        assert_eq!(e.percl_spelling.0, Spelling::default());
        assert_eq!(e.tts_voice, NATURAL_VOICE);
        // What the server runs with: the library's own per-call defaults, every field.
        assert_eq!(e.call_config(), CallConfig::default());
        // Off unless given.
        assert!(e.metrics.is_none() && e.http.is_none() && e.tls_cert.is_none());
        assert!(e.auth_bearer_token.is_none() && e.signing_secret.is_none());
    }

    #[test]
    fn flags_override_the_file_which_overrides_the_defaults() {
        let flags = parse(&["--max-calls", "3", "--keepalive", "off"]).unwrap();
        let file =
            Settings::from_toml("max_calls = 9\nidle_timeout = \"45s\"\nkeepalive = \"10s\"\n")
                .unwrap();
        let e = Effective::merge(flags.settings, file);
        assert_eq!(e.max_calls, 3);
        assert_eq!(e.keepalive.0, None);
        assert_eq!(e.idle_timeout.0, Some(Duration::from_secs(45)));
        assert_eq!(e.drain_timeout.0, defaults::DRAIN_TIMEOUT);
    }

    #[test]
    fn print_config_parses_back_to_the_same_settings() {
        let defaults = Effective::from_toml("").unwrap();
        let printed = defaults.to_toml().unwrap();
        assert!(
            printed.contains(&format!("max_calls = {}\n", defaults::MAX_CALLS)),
            "{printed}"
        );
        assert_eq!(Effective::from_toml(&printed).unwrap(), defaults);

        let text = "listen = \"[::1]:7000\"\nmax_calls = 7\nidle_timeout = \"off\"\n\
                    drain_timeout = \"1m 30s\"\nsigning_secret = \"s3cret\"\napp = \"ivr\"\n";
        let printed = print_config(text).unwrap();
        assert!(!printed.contains("s3cret"), "{printed}");
        assert!(
            printed.contains("signing_secret = \"<redacted>\""),
            "{printed}"
        );
        assert_eq!(print_config(&printed).unwrap(), printed, "not a fixpoint");
        crate::fuzzing::config(text.as_bytes());
    }

    #[test]
    fn bad_values_are_errors_that_name_the_setting() {
        let e = format!("{:#}", print_config("idle_timeout = \"soon\"").unwrap_err());
        assert!(e.contains("idle_timeout"), "{e}");
        assert!(Settings::from_toml("max_callz = 1").is_err());
        let e = parse(&["--drain-timeout", "soon"]).unwrap_err().to_string();
        assert!(e.contains("--drain-timeout"), "{e}");
    }

    #[test]
    fn addresses_are_checked_when_read() {
        for bad in [
            "nonsense",
            "0.0.0.0",
            ":50051",
            "host:port",
            "a b:1",
            "1.2.3.4:99999",
        ] {
            let e = format!(
                "{:#}",
                print_config(&format!("listen = {bad:?}")).unwrap_err()
            );
            assert!(
                e.contains("listen") && e.contains("host:port"),
                "{bad}: {e}"
            );
            assert!(parse(&["--metrics", bad]).is_err(), "{bad}");
        }
        for good in [
            "0.0.0.0:50051",
            "[::]:50051",
            "localhost:9090",
            "grpc.internal:443",
        ] {
            assert_eq!(
                Effective::from_toml(&format!("http = {good:?}"))
                    .unwrap()
                    .http
                    .unwrap()
                    .0
                    .as_str(),
                good
            );
        }
    }

    #[test]
    fn help_shows_the_library_defaults() {
        let help = command().render_long_help().to_string();
        let help = help.split_whitespace().collect::<Vec<_>>().join(" ");
        for (flag, default) in [
            ("--max-calls", defaults::MAX_CALLS.to_string()),
            (
                "--max-message-bytes",
                defaults::MAX_MESSAGE_BYTES.to_string(),
            ),
            (
                "--drain-timeout",
                humantime::format_duration(defaults::DRAIN_TIMEOUT).to_string(),
            ),
            (
                "--chunk-ms",
                defaults::PLAYBACK_CHUNK.as_millis().to_string(),
            ),
            ("--app", "echo".to_string()),
        ] {
            let after = &help[help.find(&format!("{flag} ")).unwrap()..];
            let shown = after
                .split("[default: ")
                .nth(1)
                .and_then(|s| s.split(']').next());
            assert_eq!(shown, Some(default.as_str()), "{flag} in\n{help}");
        }
    }

    proptest! {
        /// Any text as a config file: parsed or refused with an error, never a panic; what is
        /// accepted prints to a fixpoint.
        #[test]
        fn arbitrary_config_text_never_panics(text in ".{0,200}") {
            crate::fuzzing::config(text.as_bytes());
        }

        /// Any value for every duration key.
        #[test]
        fn arbitrary_durations_never_panic(v in "[0-9a-z. ]{0,12}") {
            for key in ["idle_timeout", "max_call_duration", "drain_timeout", "keepalive", "signature_tolerance"] {
                crate::fuzzing::config(format!("{key} = {v:?}").as_bytes());
            }
        }
    }
}
