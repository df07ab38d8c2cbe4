//! Record & replay: a call captured as a [`Recording`] (`fcstream call --record FILE`, or a
//! server's own recording, `fcstream serve --record-dir`, read by [`server`]) plays its
//! caller side again against any server (`fcstream replay FILE URL`), and the server's
//! answers are compared with the recorded ones ([`diff`]).
//!
//! Why: a regression test for a voice app that nobody has to write. Record a real session
//! once; replay it after every change; an app that now answers a key differently shows up
//! as a named difference, not as a feeling that the call "sounds off".
//!
//! What is recorded: the call's setup, everything the caller did (every audio sample sent,
//! each key with its timing, when the caller hung up or that they waited for the app), the
//! platform variant (acknowledgement shape, buffer sizes, depth rule, first sequence number),
//! and every message the app sent, with its time and fields (audio as a byte count and an
//! FNV-1a checksum, never the bytes). The platform's own messages are not recorded: on replay
//! the one platform model regenerates them from what the app does, so a changed app gets the
//! acknowledgements its own plays earn. Faults (resets, platform errors) are not recorded.
//!
//! The diff matches each recorded app message, in order, with the first replayed message not
//! yet matched that has the same kind and fields, among the next [`RESYNC_WINDOW`]: one
//! within the time tolerance first (so two plays that swapped places by a few milliseconds
//! are no difference), else one further away in time (a timing difference). Recorded
//! messages left unmatched and replayed ones left over are content differences, paired in
//! order (an inserted or missing message costs one difference, not the rest of the call). At
//! most [`MAX_DIFFERENCES`] are listed.
//!
//! Messages the app sent after the call had ended are not behaviour: the platform discards
//! them, and whether one slips onto the stream before it closes (the echo of the caller's
//! last frame, racing the hang-up) is a race, not a choice the app made. So a recorded
//! message after the recorded end is not required on replay, and a replayed message after
//! the replayed end that matches nothing is not an extra; a message before the end still
//! has to be there (it may match one the replay saw just after its end, within the
//! tolerance). "After the end" starts [`END_RACE_MS`] (one frame) before it: the echo of the
//! caller's last frame, sent 20 ms before the hang-up, is in that race too (the server's
//! recording once had it 2 ms before the end, and its replay never saw it).

use std::time::Duration;

use base64::Engine;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tonic::transport::Channel;

use crate::buffers::AckShape;
use crate::script::{CallSetup, Hangup, KeyPress, Script, Source};
use crate::{CallOutcome, CallReport, Dir, EmulatorError, RunOptions};

pub mod server;

/// The format's version; a file of another version is refused.
pub const VERSION: u32 = 1;
/// How far ahead (in replayed messages) the diff looks for a recorded message's match.
pub const RESYNC_WINDOW: usize = 50;
/// How long before a call's end an app message is still in the race with it, ms: one frame
/// period. The answer to the caller's last frame (sent 20 ms before the hang-up) goes out
/// while the hang-up travels the other way; whether it reaches the platform before the stream
/// closes is a race, on the recording's side and on the replay's.
pub const END_RACE_MS: f64 = 20.0;
/// Differences listed at most.
pub const MAX_DIFFERENCES: usize = 50;
/// The largest recording file read (a recording holds the caller's audio: one hour at 16 kHz
/// is 115 MB of base64).
pub const MAX_FILE_BYTES: u64 = 256 << 20;

/// A recorded call (see the [module docs](self)); JSON on disk.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Recording {
    /// [`VERSION`].
    pub version: u32,
    /// Call id, numbers, direction, metadata, content type.
    pub call: RecordedCall,
    /// The caller's audio as sent: 16-bit little-endian PCM at `rate`, base64.
    pub caller_pcm: String,
    /// Its sample rate.
    pub rate: u32,
    /// The caller's keys.
    pub keys: Vec<RecordedKey>,
    /// How long the call lasted, ms.
    pub duration_ms: f64,
    /// How it ended.
    pub outcome: CallOutcome,
    /// The platform variant the call ran on.
    pub platform: RecordedPlatform,
    /// Every message the app sent, in order.
    pub app: Vec<AppMessage>,
    /// The form of `app`'s fields: the emulator's (default), or a server recording's.
    #[serde(default)]
    pub form: MessageForm,
}

/// What the recorded app messages' fields hold.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MessageForm {
    /// The emulator's timeline (`fcstream call --record`): every field, audio as a byte
    /// count and a checksum.
    #[default]
    Emulator,
    /// A server's timeline (`fcstream serve --record-dir`, read by [`server::read`]): ids,
    /// sequence numbers, sizes, no checksum. Replayed messages are compared in this form
    /// ([`server::server_form`]).
    Server,
}

/// The call's setup.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordedCall {
    /// The call id.
    pub call_id: String,
    /// Called number.
    pub to: String,
    /// Calling number.
    pub from: String,
    /// Whether the call was inbound.
    pub inbound: bool,
    /// `key=value` metadata.
    pub metadata: Vec<String>,
    /// The content type's MIME name.
    pub content_type: String,
}

/// A caller key press.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RecordedKey {
    /// The key.
    pub digit: char,
    /// When it was pressed, ms from the call's start.
    pub at_ms: f64,
    /// How long it was held, ms.
    pub duration_ms: f64,
}

/// The platform variant.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RecordedPlatform {
    /// Acknowledgement shape.
    pub acks: AckShape,
    /// Audio buffer entries.
    pub audio_buffer: usize,
    /// DTMF buffer presses.
    pub dtmf_buffer: usize,
    /// Whether depth counts the entry playing.
    pub depth_counts_playing: bool,
    /// First caller frame's sequence number.
    pub first_sequence: u32,
}

/// One message the app sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AppMessage {
    /// When, ms from the call's start.
    pub t_ms: f64,
    /// Its kind (`audio_data`, `clear_audio_buffer`, `send_dtmf`, …).
    pub kind: String,
    /// Its fields, as in the timeline (audio as `audio_bytes` and `audio_fnv`).
    pub fields: Value,
}

impl AppMessage {
    /// The same kind and fields, the `id` aside (see [`Ids`]).
    fn same_but_id(&self, other: &AppMessage) -> bool {
        if self.kind != other.kind {
            return false;
        }
        match (self.fields.as_object(), other.fields.as_object()) {
            (Some(a), Some(b)) => {
                a.len() == b.len()
                    && a.iter()
                        .all(|(k, v)| k == "id" || b.get(k).is_some_and(|w| w == v))
            }
            _ => self.fields == other.fields,
        }
    }

    fn id(&self) -> Option<&str> {
        self.fields.get("id").and_then(Value::as_str)
    }

    fn shown(&self) -> String {
        format!("{} {} at {:.0} ms", self.kind, self.fields, self.t_ms)
    }
}

/// Why a recording could not be read.
#[derive(Debug, thiserror::Error)]
pub enum RecordingError {
    /// The file could not be read.
    #[error("cannot read {0}")]
    Io(String, #[source] std::io::Error),
    /// It is larger than [`MAX_FILE_BYTES`].
    #[error("recording is {0} bytes, more than the {MAX_FILE_BYTES} accepted")]
    TooLarge(u64),
    /// It is not a recording.
    #[error("not a recording: {0}")]
    Invalid(String),
}

impl Recording {
    /// The recording of a call the emulator ran: `script` is what the caller did, `report`
    /// what happened.
    pub fn new(script: &Script, report: &CallReport) -> Self {
        let c = &script.call;
        let p = &script.platform;
        Self {
            version: VERSION,
            call: RecordedCall {
                call_id: c.call_id.clone(),
                to: c.to.clone(),
                from: c.from.clone(),
                inbound: c.direction == fcstream::Direction::Inbound,
                metadata: c.metadata.clone(),
                content_type: c.content_type.as_str().to_string(),
            },
            caller_pcm: encode_pcm(&report.caller),
            rate: report.rate,
            keys: script
                .dtmf
                .iter()
                .map(|k| RecordedKey {
                    digit: k.digit,
                    at_ms: ms(k.at),
                    duration_ms: ms(k.duration),
                })
                .collect(),
            duration_ms: report.summary.duration_ms,
            outcome: report.summary.outcome,
            platform: RecordedPlatform {
                acks: p.acks,
                audio_buffer: p.audio_buffer,
                dtmf_buffer: p.dtmf_buffer,
                depth_counts_playing: p.depth_counts_playing,
                first_sequence: p.first_sequence,
            },
            app: app_messages(report),
            form: MessageForm::Emulator,
        }
    }

    /// Reads a recording: a `.jsonl` is a server's timeline (with its `.wav` beside it,
    /// [`server::read`]), anything else the JSON of `fcstream call --record`.
    pub fn open(path: &std::path::Path) -> Result<Self, RecordingError> {
        if path.extension().is_some_and(|e| e == "jsonl") {
            server::read(path)
        } else {
            Self::read(path)
        }
    }

    /// Reads a recording file (bounded to [`MAX_FILE_BYTES`]).
    pub fn read(path: &std::path::Path) -> Result<Self, RecordingError> {
        Self::from_json(&read_bounded(path)?)
    }

    /// Parses a recording.
    pub fn from_json(bytes: &[u8]) -> Result<Self, RecordingError> {
        let r: Recording =
            serde_json::from_slice(bytes).map_err(|e| RecordingError::Invalid(e.to_string()))?;
        if r.version != VERSION {
            return Err(RecordingError::Invalid(format!(
                "version {} (this fcstream reads version {VERSION})",
                r.version
            )));
        }
        r.script()?;
        Ok(r)
    }

    /// The recording as JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The script that plays the recorded caller again: the same setup, audio, keys and
    /// platform variant; the caller hangs up when they did, or waits for the app as before.
    pub fn script(&self) -> Result<Script, RecordingError> {
        let bad = RecordingError::Invalid;
        let content_type = self
            .call
            .content_type
            .parse()
            .map_err(|e| bad(format!("content type: {e}")))?;
        let pcm = base64::engine::general_purpose::STANDARD
            .decode(&self.caller_pcm)
            .map_err(|e| bad(format!("caller audio: {e}")))?;
        if self.rate == 0 || self.rate > 48_000 {
            return Err(bad(format!("sample rate {}", self.rate)));
        }
        let samples: Vec<i16> = pcm
            .chunks_exact(2)
            .map(|b| i16::from_le_bytes([b[0], b[1]]))
            .collect();
        let duration = secs_from_ms(self.duration_ms).ok_or_else(|| bad("duration".into()))?;
        let mut script = Script::new(content_type);
        script.call = CallSetup {
            call_id: self.call.call_id.clone(),
            to: self.call.to.clone(),
            from: self.call.from.clone(),
            direction: if self.call.inbound {
                fcstream::Direction::Inbound
            } else {
                fcstream::Direction::Outbound
            },
            metadata: self.call.metadata.clone(),
            content_type,
        };
        if !samples.is_empty() {
            script = script.say(
                Duration::ZERO,
                Source::Pcm {
                    rate: self.rate,
                    samples: std::sync::Arc::new(samples),
                },
            );
        }
        for k in &self.keys {
            let (Some(at), Some(held)) = (secs_from_ms(k.at_ms), secs_from_ms(k.duration_ms))
            else {
                return Err(bad(format!("key {:?} timing", k.digit)));
            };
            script.dtmf.push(KeyPress {
                digit: k.digit,
                at,
                duration: held,
            });
        }
        script.hangup = match self.outcome {
            CallOutcome::CallerHangup => Hangup::After(duration),
            // The app (or the platform) ended it: wait for the app as the caller did.
            _ => Hangup::WhenAppEnds {
                max: duration + Duration::from_secs(10),
            },
        };
        let p = &mut script.platform;
        p.acks = self.platform.acks;
        p.audio_buffer = self.platform.audio_buffer;
        p.dtmf_buffer = self.platform.dtmf_buffer;
        p.depth_counts_playing = self.platform.depth_counts_playing;
        p.first_sequence = self.platform.first_sequence;
        script
            .validate()
            .map_err(|e| bad(format!("the recorded call is not a valid script: {e}")))?;
        Ok(script)
    }
}

/// Samples as a recording holds them: 16-bit little-endian PCM, base64
/// ([`Recording::caller_pcm`]; [`Recording::script`] decodes it).
fn encode_pcm(samples: &[i16]) -> String {
    let mut pcm = Vec::with_capacity(samples.len() * 2);
    for s in samples {
        pcm.extend_from_slice(&s.to_le_bytes());
    }
    base64::engine::general_purpose::STANDARD.encode(pcm)
}

/// A file's bytes, refused past [`MAX_FILE_BYTES`] before it is read.
fn read_bounded(path: &std::path::Path) -> Result<Vec<u8>, RecordingError> {
    let shown = || path.display().to_string();
    let len = std::fs::metadata(path)
        .map_err(|e| RecordingError::Io(shown(), e))?
        .len();
    if len > MAX_FILE_BYTES {
        return Err(RecordingError::TooLarge(len));
    }
    std::fs::read(path).map_err(|e| RecordingError::Io(shown(), e))
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn secs_from_ms(v: f64) -> Option<Duration> {
    (v.is_finite() && (0.0..=86_400_000.0).contains(&v))
        .then(|| Duration::from_secs_f64(v / 1000.0))
}

/// The app's messages of a call, in order.
pub fn app_messages(report: &CallReport) -> Vec<AppMessage> {
    report
        .timeline
        .iter()
        .filter(|e| e.dir == Dir::FromApp)
        .map(|e| AppMessage {
            t_ms: e.t_ms,
            kind: e.kind.clone(),
            fields: e.fields.clone(),
        })
        .collect()
}

/// One difference between what the app did then and now.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "what", rename_all = "kebab-case")]
pub enum Difference {
    /// The call ended differently.
    Outcome {
        /// Then.
        recorded: CallOutcome,
        /// Now.
        replayed: CallOutcome,
    },
    /// Message `index` differs (`None`: missing on that side).
    Message {
        /// Its position in the recorded list.
        index: usize,
        /// Then.
        recorded: Option<String>,
        /// Now.
        replayed: Option<String>,
    },
    /// The same message, further apart in time than the tolerance.
    Timing {
        /// Its position in the recorded list.
        index: usize,
        /// The message.
        message: String,
        /// Now minus then, ms.
        shift_ms: f64,
    },
}

impl std::fmt::Display for Difference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let side = |s: &Option<String>| s.clone().unwrap_or_else(|| "(nothing)".into());
        match self {
            Difference::Outcome { recorded, replayed } => write!(
                f,
                "call ended: recorded {}, replayed {}",
                serde_json::to_value(recorded).unwrap_or_default(),
                serde_json::to_value(replayed).unwrap_or_default()
            ),
            Difference::Message {
                index,
                recorded,
                replayed,
            } => write!(
                f,
                "app message #{index}: recorded {}; replayed {}",
                side(recorded),
                side(replayed)
            ),
            Difference::Timing {
                index,
                message,
                shift_ms,
            } => write!(
                f,
                "app message #{index} ({message}) moved {shift_ms:+.0} ms"
            ),
        }
    }
}

/// When each call ended, ms from its start: app messages after it are not behaviour (see
/// the [module docs](self)).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ends {
    /// The recorded call's end.
    pub recorded_ms: f64,
    /// The replayed call's end.
    pub replayed_ms: f64,
}

impl Ends {
    /// No end: every message counts.
    pub const NONE: Ends = Ends {
        recorded_ms: f64::INFINITY,
        replayed_ms: f64::INFINITY,
    };
}

/// Ids compared up to a renaming: the ids an app gives its plays and key presses are often a
/// counter shared between kinds (the echo's `p25` and `d26`), so which message got which
/// number follows the order two near-simultaneous answers left in, not what the app chose.
/// A recorded id pairs with the replayed id of its first match and with no other, in both
/// directions: a clear that names another play than the recorded one is still a difference.
#[derive(Default)]
struct Ids {
    then_to_now: std::collections::HashMap<String, String>,
    now_to_then: std::collections::HashMap<String, String>,
}

impl Ids {
    /// Whether `now` can be `then`'s match: the same message, its id the one `then`'s id pairs
    /// with (or both unpaired).
    fn matches(&self, then: &AppMessage, now: &AppMessage) -> bool {
        now.same_but_id(then) && self.agree(then.id(), now.id())
    }

    fn agree(&self, then: Option<&str>, now: Option<&str>) -> bool {
        match (then, now) {
            (Some(a), Some(b)) => match (self.then_to_now.get(a), self.now_to_then.get(b)) {
                (Some(x), _) => x == b,
                (None, Some(_)) => false,
                (None, None) => true,
            },
            (a, b) => a == b,
        }
    }

    fn pair(&mut self, then: Option<&str>, now: Option<&str>) {
        if let (Some(a), Some(b)) = (then, now) {
            self.then_to_now.insert(a.to_owned(), b.to_owned());
            self.now_to_then.insert(b.to_owned(), a.to_owned());
        }
    }
}

/// The differences between the recorded app messages and the replayed ones (see the
/// [module docs](self)); equal messages within `tolerance` of each other are no difference.
pub fn diff(
    recorded: &[AppMessage],
    replayed: &[AppMessage],
    tolerance: Duration,
    ends: Ends,
) -> Vec<Difference> {
    let tol = ms(tolerance);
    // After its end a recorded message is not required (the replay may never see it).
    let required = recorded
        .iter()
        .position(|m| m.t_ms > ends.recorded_ms - END_RACE_MS)
        .unwrap_or(recorded.len());
    let (recorded, late) = recorded.split_at(required);
    let mut used = vec![false; replayed.len()];
    let mut ids = Ids::default();
    let mut first_free = 0;
    // Just past the last match: the window runs RESYNC_WINDOW beyond it, so a replayed
    // message that matched nothing does not hold the window back for the rest of the call.
    let mut cursor = 0;
    let mut timing = Vec::new();
    let mut missing = Vec::new();
    for (i, a) in recorded.iter().enumerate() {
        while first_free < replayed.len() && used[first_free] {
            first_free += 1;
        }
        let window = first_free..replayed.len().min(first_free.max(cursor) + RESYNC_WINDOW);
        let same = |j: &usize| !used[*j] && ids.matches(a, &replayed[*j]);
        // The same message in time first (a reordering within the tolerance is none), then
        // the same message at another time.
        let found = window
            .clone()
            .find(|j| same(j) && (replayed[*j].t_ms - a.t_ms).abs() <= tol)
            .or_else(|| window.clone().find(same));
        match found {
            Some(j) => {
                used[j] = true;
                ids.pair(a.id(), replayed[j].id());
                cursor = cursor.max(j + 1);
                let shift = replayed[j].t_ms - a.t_ms;
                if shift.abs() > tol {
                    timing.push(Difference::Timing {
                        index: i,
                        message: a.kind.clone(),
                        shift_ms: shift,
                    });
                }
            }
            None => missing.push(i),
        }
    }
    // A late recorded message still pairs with a replayed one (the same race, won the other
    // way round), so neither is a difference.
    for a in late {
        let found = (0..replayed.len()).find(|&j| !used[j] && ids.matches(a, &replayed[j]));
        if let Some(j) = found {
            used[j] = true;
            ids.pair(a.id(), replayed[j].id());
        }
    }
    let extra: Vec<usize> = (0..replayed.len())
        .filter(|&j| !used[j] && replayed[j].t_ms <= ends.replayed_ms - END_RACE_MS)
        .collect();
    let mut out: Vec<(usize, Difference)> = Vec::new();
    for k in 0..missing.len().max(extra.len()) {
        let (r, p) = (missing.get(k), extra.get(k));
        out.push((
            r.copied().unwrap_or(usize::MAX),
            Difference::Message {
                index: r.copied().unwrap_or(recorded.len()),
                recorded: r.map(|&i| recorded[i].shown()),
                replayed: p.map(|&j| replayed[j].shown()),
            },
        ));
    }
    for t in timing {
        if let Difference::Timing { index, .. } = t {
            out.push((index, t));
        }
    }
    out.sort_by_key(|(i, _)| *i);
    out.into_iter()
        .map(|(_, d)| d)
        .take(MAX_DIFFERENCES)
        .collect()
}

/// Plays `recording`'s caller again over `channel` and returns the new report and the
/// differences from the recorded app ([`diff`] with `tolerance`, and the call's outcome).
pub async fn replay(
    channel: Channel,
    recording: &Recording,
    options: &RunOptions,
    tolerance: Duration,
) -> Result<(CallReport, Vec<Difference>), EmulatorError> {
    let script = recording
        .script()
        .map_err(|e| EmulatorError::Invalid(e.to_string()))?;
    let report = crate::run_with(channel, &script, options).await?;
    let mut differences = Vec::new();
    if report.summary.outcome != recording.outcome {
        differences.push(Difference::Outcome {
            recorded: recording.outcome,
            replayed: report.summary.outcome,
        });
    }
    let ends = Ends {
        recorded_ms: recording.duration_ms,
        replayed_ms: report.summary.duration_ms,
    };
    let mut replayed = app_messages(&report);
    if recording.form == MessageForm::Server {
        replayed = replayed.iter().map(server::server_form).collect();
    }
    differences.extend(diff(&recording.app, &replayed, tolerance, ends));
    differences.truncate(MAX_DIFFERENCES);
    Ok((report, differences))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn m(t: f64, kind: &str, fields: Value) -> AppMessage {
        AppMessage {
            t_ms: t,
            kind: kind.into(),
            fields,
        }
    }

    #[test]
    fn equal_lists_within_tolerance_have_no_difference() {
        let a = vec![
            m(10.0, "audio_data", json!({"id": "p1"})),
            m(30.0, "terminate_call", json!({})),
        ];
        let mut b = a.clone();
        b[1].t_ms = 200.0;
        assert!(diff(&a, &b, Duration::from_millis(250), Ends::NONE).is_empty());
        let d = diff(&a, &b, Duration::from_millis(100), Ends::NONE);
        assert!(
            matches!(d[..], [Difference::Timing { index: 1, .. }]),
            "{d:?}"
        );
    }

    #[test]
    fn a_changed_message_is_one_difference_and_the_rest_resyncs() {
        let a = vec![
            m(0.0, "audio_data", json!({"id": "p1"})),
            m(1.0, "send_dtmf", json!({"digits": "1"})),
            m(2.0, "audio_data", json!({"id": "p2"})),
            m(3.0, "terminate_call", json!({})),
        ];
        let mut b = a.clone();
        b[1].fields = json!({"digits": "2"});
        let d = diff(&a, &b, Duration::from_millis(250), Ends::NONE);
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].to_string().contains("send_dtmf"), "{}", d[0]);
        // An inserted message: one difference, then in step again.
        let mut c = a.clone();
        c.insert(2, m(1.5, "clear_audio_buffer", json!({"id": "c1"})));
        let d = diff(&a, &c, Duration::from_millis(250), Ends::NONE);
        assert_eq!(d.len(), 1, "{d:?}");
        // A missing tail.
        let d = diff(&a, &a[..2], Duration::from_millis(250), Ends::NONE);
        assert_eq!(d.len(), 2, "{d:?}");
    }

    #[test]
    fn a_reordering_within_the_tolerance_is_no_difference() {
        let a = vec![
            m(10.0, "audio_data", json!({"id": "p1"})),
            m(12.0, "audio_data", json!({"id": "p2"})),
        ];
        let b = vec![a[1].clone(), a[0].clone()];
        assert!(diff(&a, &b, Duration::from_millis(250), Ends::NONE).is_empty());
    }

    #[test]
    fn messages_after_the_end_are_not_behaviour_but_before_it_they_are() {
        let a = vec![
            m(1480.0, "audio_data", json!({"id": "p75"})),
            m(1503.0, "audio_data", json!({"id": "p76", "bytes": 80})),
        ];
        let tol = Duration::from_millis(250);
        let ends = Ends {
            recorded_ms: 1500.0,
            replayed_ms: 1500.0,
        };
        // The echo of the last frame lost the race with the hang-up on replay.
        assert!(diff(&a, &a[..1], tol, ends).is_empty());
        assert_eq!(diff(&a, &a[..1], tol, Ends::NONE).len(), 1);
        // Won it on replay but not when recorded.
        assert!(diff(&a[..1], &a, tol, ends).is_empty());
        // The same late message on both sides pairs up.
        assert!(diff(&a, &a, tol, ends).is_empty());
        // A message before the end is still required.
        assert_eq!(diff(&a, &a[1..], tol, ends).len(), 1);
        // One sent less than a frame before the end is in the race too (the answer to the
        // caller's last frame), on either side.
        let close = vec![m(1490.0, "audio_data", json!({"id": "p75"}))];
        assert!(diff(&close, &[], tol, ends).is_empty());
        assert!(diff(&[], &close, tol, ends).is_empty());
        let earlier = vec![m(1470.0, "audio_data", json!({"id": "p75"}))];
        assert_eq!(diff(&earlier, &[], tol, ends).len(), 1);
        assert_eq!(diff(&[], &earlier, tol, ends).len(), 1);
        // A different message after the end pairs with nothing and is no difference either.
        let mut b = a.clone();
        b[1].fields = json!({"id": "x"});
        assert!(diff(&a, &b, tol, ends).is_empty());
    }

    #[test]
    fn ids_are_compared_up_to_a_renaming_kept_for_the_whole_call() {
        // The echo numbers plays and key presses from one counter: a key press answered
        // before the frame echo instead of after takes the frame's number.
        let a = vec![
            m(498.0, "audio_data", json!({"id": "p25", "bytes": 160})),
            m(499.0, "dtmf_data", json!({"id": "d26", "digits": "5"})),
            m(520.0, "audio_data", json!({"id": "p27", "bytes": 160})),
        ];
        let b = vec![
            m(501.0, "dtmf_data", json!({"id": "d25", "digits": "5"})),
            m(502.0, "audio_data", json!({"id": "p26", "bytes": 160})),
            m(521.0, "audio_data", json!({"id": "p27", "bytes": 160})),
        ];
        let tol = Duration::from_millis(250);
        assert!(diff(&a, &b, tol, Ends::NONE).is_empty());
        // A renaming holds for the call: a clear that names another play than recorded is
        // a difference, though both ids exist.
        let mut a2 = a.clone();
        a2.push(m(600.0, "clear_audio_buffer", json!({"id": "p25"})));
        let mut b2 = b.clone();
        b2.push(m(600.0, "clear_audio_buffer", json!({"id": "p27"})));
        let d = diff(&a2, &b2, tol, Ends::NONE);
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].to_string().contains("clear_audio_buffer"), "{}", d[0]);
        b2[3].fields = json!({"id": "p26"});
        assert!(diff(&a2, &b2, tol, Ends::NONE).is_empty());
        // Two recorded ids never share one replayed id.
        let c = vec![
            m(0.0, "audio_data", json!({"id": "p1"})),
            m(1.0, "audio_data", json!({"id": "p2"})),
        ];
        let e = vec![c[0].clone(), c[0].clone()];
        assert_eq!(diff(&c, &e, tol, Ends::NONE).len(), 1);
    }

    #[test]
    fn a_message_that_matched_nothing_does_not_hold_the_window_back() {
        // One extra replayed message early, then more than RESYNC_WINDOW matching ones.
        let n = RESYNC_WINDOW + 20;
        let a: Vec<_> = (0..n)
            .map(|i| {
                m(
                    i as f64 * 20.0,
                    "audio_data",
                    json!({"id": format!("p{i}")}),
                )
            })
            .collect();
        let mut b = a.clone();
        b.insert(1, m(25.0, "send_dtmf", json!({"digits": "9"})));
        let d = diff(&a, &b, Duration::from_millis(250), Ends::NONE);
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].to_string().contains("send_dtmf"), "{}", d[0]);
    }

    #[test]
    fn hostile_recordings_are_refused_with_a_reason() {
        assert!(Recording::from_json(b"{").is_err());
        assert!(Recording::from_json(b"[]").is_err());
    }
}
