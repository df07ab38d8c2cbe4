//! `fcstream conform`: the emulator as a judge. A suite of named cases, each a scripted call
//! against a server under test (in any language) with expectations of what the server does,
//! so that a FreeClimb developer learns before a real call whether their server handles what
//! the platform will send.
//!
//! Every case places its call through the one platform model of this crate ([`Script`],
//! [`crate::faults`], [`crate::rules`], [`crate::buffers`] through [`crate::platform`]); the
//! platform variants a case needs (ack shapes, depth counting the entry playing, small
//! queues) are the model's own settings ([`PlatformConfig`]). The only exception is the
//! handful of cases that must put bytes on the wire the model's typed messages cannot carry
//! (the golden `future_unknown_*` vectors, reason codes played from the vectors): those
//! send recorded messages as they are ([`raw`]).
//!
//! ```no_run
//! use fcstream_emulator::conform::{self, Connector, Options, Profile};
//! # async fn demo() {
//! let connector = Connector::url("http://127.0.0.1:50051", Default::default());
//! let options = Options { profile: Profile::Echo, ..Options::default() };
//! let report = conform::run(&connector, &options).await;
//! print!("{}", report.table());
//! std::process::exit(if report.passed() { 0 } else { 1 });
//! # }
//! ```
//!
//! The cases, what each proves and the assumptions behind them are in `docs/CONFORMANCE.md`.

pub mod cases;
mod check;
pub mod output;
pub mod raw;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;
use tonic::transport::Channel;

use crate::{connect, ConnectOptions, EmulatorError, PlatformConfig, Script};

pub use cases::{Case, CASES};

/// What the server under test claims to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Profile {
    /// A plain echo (like FreeClimb's published example servers): every caller frame is
    /// played back byte-exact, in order, in the call's content type; keys are pressed back
    /// unless [`Options::echo_dtmf`] is off. The echo cases check all that.
    Echo,
    /// Any app: only what every server must do (accept each content type, keep reading,
    /// carry on through what a platform may send, end its side cleanly when the call ends).
    App,
}

impl Profile {
    /// The name on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Echo => "echo",
            Self::App => "app",
        }
    }
}

impl std::str::FromStr for Profile {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "echo" => Ok(Self::Echo),
            "app" => Ok(Self::App),
            other => Err(format!("unknown profile {other:?} (use echo or app)")),
        }
    }
}

/// How the suite runs.
#[derive(Debug, Clone)]
pub struct Options {
    /// What the server claims to be (default [`Profile::App`]).
    pub profile: Profile,
    /// Only the cases whose name matches one of these comma-separated patterns (`*` matches
    /// any text; a pattern without `*` matches names containing it). `None`: every case.
    pub only: Option<String>,
    /// The longest a frame may take to come back in the echo cases (default 500 ms).
    pub echo_latency: Duration,
    /// How soon after `NotifyCallEndedMessage` the server must have closed its side
    /// (default 2 s).
    pub end_within: Duration,
    /// Echo profile: the server presses back the keys the caller presses (default true;
    /// false skips `echo/dtmf`).
    pub echo_dtmf: bool,
    /// Cases run at once (default 4; each is one call on its own connection).
    pub jobs: usize,
    /// Calls of the `load/concurrent-calls` case (default 50).
    pub concurrent_calls: usize,
    /// Sent as the `authorization` header of every call.
    pub authorization: Option<String>,
    /// The platform variant every case's call runs with (default: the platform model's),
    /// except where a case is about one variant (the `acks/*` cases and
    /// `caller/first-sequence-1` set their own).
    pub variant: crate::PlatformVariant,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            profile: Profile::App,
            only: None,
            echo_latency: Duration::from_millis(500),
            end_within: Duration::from_secs(2),
            echo_dtmf: true,
            jobs: 4,
            concurrent_calls: 50,
            authorization: None,
            variant: crate::PlatformVariant::default(),
        }
    }
}

/// A boxed future giving a channel.
pub type Connecting = Pin<Box<dyn Future<Output = Result<Channel, EmulatorError>> + Send>>;

/// How the suite reaches the server: a fresh connection per case (a server that stalls one
/// connection's flow-control window must not fail the other cases).
#[derive(Clone)]
pub struct Connector(Arc<dyn Fn() -> Connecting + Send + Sync>);

impl std::fmt::Debug for Connector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Connector(..)")
    }
}

impl Connector {
    /// A connector calling `f` for each connection (e.g. [`crate::in_process::serve`] in
    /// tests).
    pub fn new(f: impl Fn() -> Connecting + Send + Sync + 'static) -> Self {
        Self(Arc::new(f))
    }

    /// Connections to `url` (see [`connect()`]).
    pub fn url(url: impl Into<String>, options: ConnectOptions) -> Self {
        let url: String = url.into();
        Self::new(move || {
            let url = url.clone();
            let options = options.clone();
            Box::pin(async move { connect(&url, &options).await })
        })
    }

    /// A new connection.
    pub async fn connect(&self) -> Result<Channel, EmulatorError> {
        (self.0)().await
    }
}

/// How a case came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// The server did what the case expects.
    Pass,
    /// It did not.
    Fail,
    /// Not run for this server (e.g. `echo/dtmf` when the echo does not claim keys).
    Skip,
}

impl Verdict {
    /// `pass`, `FAIL`, `skip` as the table shows them.
    pub fn label(self) -> &'static str {
        match self {
            Self::Pass => "pass",
            Self::Fail => "FAIL",
            Self::Skip => "skip",
        }
    }
}

/// One case's result.
#[derive(Debug, Clone, Serialize)]
pub struct CaseResult {
    /// The case's name (`end/platform-error`).
    pub name: &'static str,
    /// What it checks, in one line.
    pub description: &'static str,
    /// What FreeClimb's specification says, or what is assumed (see `docs/PROTOCOL-NOTES.md`).
    pub basis: &'static str,
    /// How it came out.
    pub verdict: Verdict,
    /// Why it failed (or was skipped), or what was measured when it passed. May contain text
    /// from the server under test (status messages): escape it before putting it in a format.
    pub detail: String,
    /// How long the case took.
    #[serde(serialize_with = "output::ser_ms")]
    pub elapsed: Duration,
}

/// The whole suite's result.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The server under test, as the user named it.
    pub target: String,
    /// The profile it was judged by.
    pub profile: Profile,
    /// The platform variant the calls ran with ([`crate::PlatformVariant::describe`]).
    pub platform: String,
    /// Every case selected, in the suite's order.
    pub cases: Vec<CaseResult>,
    /// How long the whole suite took.
    #[serde(serialize_with = "output::ser_ms")]
    pub elapsed: Duration,
}

impl Report {
    /// Cases that failed.
    pub fn failed(&self) -> usize {
        self.count(Verdict::Fail)
    }

    /// Cases of this verdict.
    pub fn count(&self, v: Verdict) -> usize {
        self.cases.iter().filter(|c| c.verdict == v).count()
    }

    /// Whether no case failed (and at least one ran).
    pub fn passed(&self) -> bool {
        self.failed() == 0 && self.count(Verdict::Pass) > 0
    }
}

/// Whether `name` matches `pattern` (comma-separated; see [`Options::only`]).
pub fn matches(pattern: &str, name: &str) -> bool {
    pattern
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .any(|p| {
            if p.contains('*') {
                glob(p.as_bytes(), name.as_bytes())
            } else {
                name.contains(p)
            }
        })
}

/// `*` matches any run of bytes.
fn glob(p: &[u8], s: &[u8]) -> bool {
    match p.split_first() {
        None => s.is_empty(),
        Some((b'*', rest)) => (0..=s.len()).any(|i| glob(rest, &s[i..])),
        Some((c, rest)) => s.first() == Some(c) && glob(rest, &s[1..]),
    }
}

/// The cases `options` selects, in the suite's order.
pub fn selected(options: &Options) -> Vec<&'static Case> {
    CASES
        .iter()
        .filter(|c| c.profiles.contains(&options.profile))
        .filter(|c| options.only.as_deref().is_none_or(|p| matches(p, c.name)))
        .collect()
}

/// What a case body gets.
#[derive(Debug, Clone)]
pub struct Ctx {
    /// The suite's options.
    pub options: Options,
    /// How to reach the server.
    pub connector: Connector,
}

impl Ctx {
    /// A base script for a case: a call in `ct` with a fresh call id, the drain grace set to
    /// [`Options::end_within`] and the platform variant of [`Options::variant`].
    pub fn script(&self, ct: fcstream::ContentType, case: &str) -> Script {
        let id: String = case
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect();
        let mut platform = PlatformConfig {
            drain_grace: self.options.end_within,
            ..PlatformConfig::default()
        };
        self.options.variant.apply(&mut platform);
        Script::new(ct)
            .call_id(format!("CAconform-{id}"))
            .platform(platform)
    }

    /// Plays `script` as one call on a new connection.
    pub async fn call(&self, script: &Script) -> Result<crate::CallReport, String> {
        let channel = self
            .connector
            .connect()
            .await
            .map_err(|e| format!("cannot reach the server: {e}"))?;
        self.call_on(channel, script).await
    }

    /// Plays `script` as one call on `channel`.
    pub async fn call_on(
        &self,
        channel: Channel,
        script: &Script,
    ) -> Result<crate::CallReport, String> {
        let options = crate::RunOptions {
            authorization: self.options.authorization.clone(),
            ..crate::RunOptions::default()
        };
        crate::run_with(channel, script, &options)
            .await
            .map_err(|e| format!("the call could not be placed: {e}"))
    }
}

/// Runs the selected cases against the server and reports each. Never fails: a server that
/// cannot be reached fails every case with that reason.
pub async fn run(connector: &Connector, options: &Options) -> Report {
    run_named(connector, options, "server").await
}

/// [`run`], naming the target in the report (the URL).
pub async fn run_named(connector: &Connector, options: &Options, target: &str) -> Report {
    let started = Instant::now();
    let ctx = Arc::new(Ctx {
        options: options.clone(),
        connector: connector.clone(),
    });
    let cases = selected(options);
    let jobs = Arc::new(tokio::sync::Semaphore::new(options.jobs.max(1)));
    let mut handles = Vec::new();
    for case in cases {
        let ctx = ctx.clone();
        let jobs = jobs.clone();
        handles.push(tokio::spawn(async move {
            // The semaphore is never closed.
            let _permit = jobs.acquire_owned().await.ok();
            let t = Instant::now();
            let (verdict, detail) = match (case.run)(ctx).await {
                Ok(Outcome::Pass(d)) => (Verdict::Pass, d),
                Ok(Outcome::Skip(d)) => (Verdict::Skip, d),
                Err(d) => (Verdict::Fail, d),
            };
            CaseResult {
                name: case.name,
                description: case.description,
                basis: case.basis,
                verdict,
                detail,
                elapsed: t.elapsed(),
            }
        }));
    }
    let mut results = Vec::new();
    for h in handles {
        match h.await {
            Ok(r) => results.push(r),
            Err(e) => tracing::error!(error = %e, "a conformance case panicked"),
        }
    }
    Report {
        target: target.to_string(),
        profile: options.profile,
        platform: options.variant.describe(),
        cases: results,
        elapsed: started.elapsed(),
    }
}

/// A case that did not fail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Passed, with what was measured.
    Pass(String),
    /// Not applicable, with why.
    Skip(String),
}

/// What a case body returns: `Err` is the failure, in words a developer can act on.
pub type CaseOutcome = Result<Outcome, String>;

/// A case body.
pub type CaseFn = fn(Arc<Ctx>) -> Pin<Box<dyn Future<Output = CaseOutcome> + Send>>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns() {
        assert!(matches("end/*", "end/platform-error"));
        assert!(!matches("end/*", "echo/l16-8k"));
        assert!(matches("echo", "echo/l16-8k"));
        assert!(matches("acks/*,future/*", "future/unknown-field"));
        assert!(matches("*16k", "content/l16-16k"));
        assert!(!matches("*16k", "content/l16-16k-x"));
        assert!(!matches(",", "x"));
    }

    #[test]
    fn names_are_unique_and_every_case_has_a_basis() {
        let mut names: Vec<_> = CASES.iter().map(|c| c.name).collect();
        names.sort_unstable();
        let n = names.len();
        names.dedup();
        assert_eq!(names.len(), n);
        for c in CASES {
            assert!(
                !c.description.is_empty() && !c.basis.is_empty(),
                "{}",
                c.name
            );
            assert!(!c.profiles.is_empty(), "{}", c.name);
        }
    }

    /// The anchor GitHub gives a Markdown heading.
    fn anchor(heading: &str) -> String {
        heading
            .trim()
            .to_lowercase()
            .chars()
            .filter(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_'))
            .map(|c| if c == ' ' { '-' } else { c })
            .collect()
    }

    #[test]
    fn every_assumption_links_a_section_of_protocol_notes() {
        let notes = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/PROTOCOL-NOTES.md"),
        )
        .unwrap();
        let anchors: Vec<String> = notes
            .lines()
            .filter_map(|l| l.strip_prefix("## ").or_else(|| l.strip_prefix("### ")))
            .map(anchor)
            .collect();
        assert!(anchors.contains(&"playback-playbackconfig".to_string()));
        for c in CASES {
            let links: Vec<&str> = c
                .basis
                .split("PROTOCOL-NOTES.md#")
                .skip(1)
                .map(|rest| {
                    let end = rest
                        .find(|ch: char| !(ch.is_alphanumeric() || ch == '-' || ch == '_'))
                        .unwrap_or(rest.len());
                    &rest[..end]
                })
                .collect();
            if c.basis.contains("assum") {
                assert!(!links.is_empty(), "{}: {}", c.name, c.basis);
            }
            for l in links {
                assert!(
                    anchors.iter().any(|a| a == l),
                    "{}: PROTOCOL-NOTES.md#{l} is no heading of docs/PROTOCOL-NOTES.md",
                    c.name
                );
            }
        }
    }
}
