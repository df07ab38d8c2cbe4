//! The whole FreeClimb flow, HTTP first: the emulator POSTs a signed inbound-call webhook,
//! follows the PerCL it gets back to the `AudioStream`, runs the call on the gRPC stream, then
//! POSTs the signed `audioStream` webhook to the `actionUrl` and carries out the PerCL that
//! continues the call — as FreeClimb would.
//!
//! What the emulator does with each PerCL command is reported step by step, never silently
//! skipped: `Say` and `Pause` are simulated (a pause waits), `Hangup` ends the call,
//! `AudioStream` is followed, and anything else (`Play`, `GetDigits`, `Redirect`,
//! `StartRecordCall`, unknown commands) is listed as not carried out. Webhook URLs must be
//! `http://` (run a TLS-terminating proxy in front of an `https://` endpoint).
//!
//! The `actionUrl` webhook says how the call ended ([`action_status`]): `callStatus`
//! `completed` (or `failed`) with a `callEndedReason` when the call is over, `inProgress`
//! when only the stream ended and the PerCL returned continues the call. An answer of `{}`,
//! `[]`, `null` or an empty body is "no PerCL" (FreeClimb's own example webservers answer
//! `{}`). A webhook that fails *after* the call is reported ([`FlowStep::WebhookFailed`],
//! [`Summary::webhook_errors`](crate::Summary::webhook_errors)), never an error: the call's
//! report is kept.

use std::time::Duration;

use bytes::Bytes;
use fcstream::percl::{Command, Percl};
use fcstream::webhook::verify::{sign, unix_now, SIGNATURE_HEADER};
use fcstream::webhook::{CallEndedReason, CallIds, CallStatus, WebhookRequest};
use fcstream::ContentType;
use http_body_util::{BodyExt, Full};
use serde::Serialize;

use crate::timeline::Dir;
use crate::{
    connect, run_with, CallOutcome, CallReport, ConnectOptions, EmulatorError, RunOptions, Script,
};

/// How long one webhook request may take.
const WEBHOOK_TIMEOUT: Duration = Duration::from_secs(10);

/// Where FreeClimb's webhooks go and how they are signed.
#[derive(Debug, Clone)]
pub struct Flow {
    /// The app's voice URL (`POST`ed the inbound-call webhook), e.g. `http://127.0.0.1:8080/inbound`.
    pub inbound_url: String,
    /// The account's signing secret; `None`: requests are not signed.
    pub signing_secret: Option<String>,
    /// The account id sent in every webhook.
    pub account_id: String,
    /// How to reach the gRPC location the PerCL names.
    pub connect: ConnectOptions,
    /// The options of the call itself once the PerCL streams it (its observer, its hang-up
    /// button, its clock, an `authorization` header).
    pub run: RunOptions,
}

impl Flow {
    /// A flow for `inbound_url`, unsigned, with a placeholder account id.
    pub fn new(inbound_url: impl Into<String>) -> Self {
        Self {
            inbound_url: inbound_url.into(),
            signing_secret: None,
            account_id: "ACemulator".into(),
            connect: ConnectOptions::default(),
            run: RunOptions::default(),
        }
    }

    /// Signs every webhook with `secret`.
    pub fn signing_secret(mut self, secret: impl Into<String>) -> Self {
        self.signing_secret = Some(secret.into());
        self
    }
}

/// One thing the emulator did while following the flow.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum FlowStep {
    /// A webhook was POSTed and answered.
    Webhook {
        /// `inboundCall` or `audioStream`.
        request_type: String,
        /// Where it went.
        url: String,
        /// The HTTP status.
        status: u16,
        /// The `callStatus` it carried.
        call_status: String,
        /// The `callEndedReason` it carried, if any.
        call_ended_reason: Option<String>,
        /// The PerCL commands it returned, by name (none for `{}`, `[]` or an empty body).
        percl: Vec<String>,
    },
    /// A webhook after the call could not be delivered, was refused or answered something
    /// that is not PerCL. The call's report stands.
    WebhookFailed {
        /// `audioStream`.
        request_type: String,
        /// Where it went.
        url: String,
        /// What went wrong.
        why: String,
    },
    /// PerCL returned after the call was over: FreeClimb cannot carry it out.
    Ignored {
        /// The commands, by name.
        percl: Vec<String>,
        /// Why.
        why: String,
    },
    /// A command the emulator simulated (`Say`: what would be spoken; `Pause`: waited).
    Simulated {
        /// The command name.
        command: String,
        /// What it did.
        detail: String,
    },
    /// The `AudioStream` was followed: the gRPC call ran.
    Stream {
        /// The gRPC location.
        location: String,
        /// The call's content type.
        content_type: String,
        /// Whether the location is on port 80/443, as FreeClimb requires.
        port_ok: bool,
    },
    /// `Hangup`: the call ended.
    Hangup,
    /// A command the emulator does not carry out (reported, not ignored).
    NotCarriedOut {
        /// The command name.
        command: String,
    },
}

impl std::fmt::Display for FlowStep {
    /// One line for people, as `fcstream call --webhook` prints it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FlowStep::Webhook {
                request_type,
                url,
                status,
                call_status,
                call_ended_reason,
                percl,
            } => {
                write!(f, "POST {request_type} webhook (callStatus {call_status}")?;
                if let Some(reason) = call_ended_reason {
                    write!(f, ", callEndedReason {reason}")?;
                }
                write!(f, ") to {url}: HTTP {status}, PerCL {percl:?}")
            }
            FlowStep::WebhookFailed {
                request_type,
                url,
                why,
            } => write!(
                f,
                "POST {request_type} webhook to {url} FAILED: {why} (the call's report is kept)"
            ),
            FlowStep::Ignored { percl, why } => write!(f, "PerCL {percl:?} ignored: {why}"),
            FlowStep::Simulated { command, detail } => {
                write!(f, "{command} (simulated): {detail}")
            }
            FlowStep::Stream {
                location,
                content_type,
                port_ok,
            } => write!(
                f,
                "AudioStream to {location} ({content_type}){}",
                if *port_ok {
                    ""
                } else {
                    " — FreeClimb requires port 80 or 443"
                }
            ),
            FlowStep::Hangup => f.write_str("Hangup: the call ended"),
            FlowStep::NotCarriedOut { command } => {
                write!(f, "{command}: not carried out by the emulator")
            }
        }
    }
}

/// The `callStatus` and `callEndedReason` of the `actionUrl` webhook after a stream that
/// ended as `outcome`:
///
/// | outcome | `callStatus` | `callEndedReason` |
/// |---|---|---|
/// | `caller-hangup`, `caller-transfer`, `app-never-ended` | `completed` | `farEndHangup` |
/// | `app-hangup` (`TerminateCallMessage`) | `completed` | `grpcHangup` |
/// | `platform-error` | `failed` | `internalError` |
/// | `platform-disconnect` | `completed` | `internalError` |
/// | `stream-dropped`, `app-closed-stream`, `app-failed`, `end-stream` | `inProgress` | none |
///
/// In the last row only the stream ended: the caller is still on the line and the PerCL the
/// webhook returns continues the call.
///
/// ```
/// use fcstream::webhook::{CallEndedReason, CallStatus};
/// use fcstream_emulator::{flow::action_status, CallOutcome};
/// assert_eq!(
///     action_status(CallOutcome::CallerHangup),
///     (CallStatus::Completed, Some(CallEndedReason::FarEndHangup))
/// );
/// assert_eq!(action_status(CallOutcome::AppClosedStream), (CallStatus::InProgress, None));
/// ```
pub fn action_status(outcome: CallOutcome) -> (CallStatus, Option<CallEndedReason>) {
    use CallOutcome as O;
    match outcome {
        O::CallerHangup | O::CallerTransfer | O::AppNeverEnded => {
            (CallStatus::Completed, Some(CallEndedReason::FarEndHangup))
        }
        O::AppHangup => (CallStatus::Completed, Some(CallEndedReason::GrpcHangup)),
        O::PlatformError => (CallStatus::Failed, Some(CallEndedReason::InternalError)),
        O::PlatformDisconnect => (CallStatus::Completed, Some(CallEndedReason::InternalError)),
        O::StreamDropped | O::AppClosedStream | O::AppFailed | O::EndStream => {
            (CallStatus::InProgress, None)
        }
    }
}

/// A webhook's answer as PerCL: `{}`, `[]`, `null`, an empty or blank body are "no PerCL".
///
/// ```
/// use fcstream_emulator::flow::parse_answer;
/// for none in [&b""[..], b"  \n", b"{}", b"{ }", b"[]", b"null"] {
///     assert!(parse_answer(none).unwrap().0.is_empty());
/// }
/// assert_eq!(parse_answer(br#"[{"Hangup":{}}]"#).unwrap().0.len(), 1);
/// assert!(parse_answer(br#"{"Hangup":{}}"#).is_err());
/// ```
pub fn parse_answer(body: &[u8]) -> Result<Percl, fcstream::percl::PerclError> {
    let text = body.trim_ascii();
    if text.is_empty() {
        return Ok(Percl::new());
    }
    match serde_json::from_slice::<serde_json::Value>(text) {
        Ok(serde_json::Value::Null) => return Ok(Percl::new()),
        Ok(serde_json::Value::Object(map)) if map.is_empty() => return Ok(Percl::new()),
        _ => {}
    }
    Percl::parse(text)
}

/// What a flow did.
#[derive(Debug, Clone, Default)]
pub struct FlowReport {
    /// Every step, in order.
    pub steps: Vec<FlowStep>,
    /// The stream's call, when the PerCL reached an `AudioStream`.
    pub call: Option<CallReport>,
}

/// Why a flow could not be followed.
#[derive(Debug, thiserror::Error)]
pub enum FlowError {
    /// A webhook could not be delivered or was refused.
    #[error("webhook {url}: {why}")]
    Webhook {
        /// Where it went.
        url: String,
        /// What went wrong (status and body, or the transport error).
        why: String,
    },
    /// The app answered something that is not PerCL.
    #[error("PerCL from {url}: {why}")]
    Percl {
        /// Where it came from.
        url: String,
        /// The parse error.
        why: String,
    },
    /// The stream could not be placed.
    #[error(transparent)]
    Emulator(#[from] EmulatorError),
}

/// POSTs `body` to `url` (signed when a secret is set); returns status and body.
async fn post(flow: &Flow, url: &str, body: Vec<u8>) -> Result<(u16, Bytes), FlowError> {
    let err = |why: String| FlowError::Webhook {
        url: url.to_string(),
        why,
    };
    if !url.starts_with("http://") {
        return Err(err(
            "only http:// webhook URLs are supported (put a TLS-terminating proxy in front of https)".into(),
        ));
    }
    let mut request = hyper::Request::post(url).header("content-type", "application/json");
    if let Some(secret) = &flow.signing_secret {
        request = request.header(SIGNATURE_HEADER, sign(secret, &body, unix_now()));
    }
    let request = request
        .body(Full::new(Bytes::from(body)))
        .map_err(|e| err(e.to_string()))?;
    let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build_http::<Full<Bytes>>();
    let response = tokio::time::timeout(WEBHOOK_TIMEOUT, client.request(request))
        .await
        .map_err(|_| err(format!("no answer within {WEBHOOK_TIMEOUT:?}")))?
        .map_err(|e| err(e.to_string()))?;
    let status = response.status().as_u16();
    let body = response
        .into_body()
        .collect()
        .await
        .map_err(|e| err(e.to_string()))?
        .to_bytes();
    if !(200..300).contains(&status) {
        return Err(err(format!(
            "HTTP {status}: {}",
            String::from_utf8_lossy(&body)
                .chars()
                .take(300)
                .collect::<String>()
        )));
    }
    Ok((status, body))
}

/// POSTs a webhook and parses the PerCL it returns, recording the step.
async fn webhook(
    flow: &Flow,
    url: &str,
    request: WebhookRequest,
    steps: &mut Vec<FlowStep>,
) -> Result<Percl, FlowError> {
    let request_type = request
        .request_type
        .as_ref()
        .map(ToString::to_string)
        .unwrap_or_default();
    let (status, body) = post(flow, url, request.to_json()).await?;
    let percl = parse_answer(&body).map_err(|e| FlowError::Percl {
        url: url.to_string(),
        why: e.to_string(),
    })?;
    steps.push(FlowStep::Webhook {
        request_type,
        url: url.to_string(),
        status,
        call_status: request
            .call_status
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default(),
        call_ended_reason: request.call_ended_reason.as_ref().map(ToString::to_string),
        percl: names(&percl),
    });
    Ok(percl)
}

/// The commands of `percl`, by name.
fn names(percl: &Percl) -> Vec<String> {
    percl.0.iter().map(|c| c.name().to_string()).collect()
}

/// Carries out `percl` up to its `AudioStream` (returned) or its end. Returns `Ok(None)` when
/// the script ended the call or has no stream.
async fn carry_out(
    percl: Percl,
    steps: &mut Vec<FlowStep>,
) -> Option<fcstream::percl::AudioStream> {
    for command in percl.0 {
        match command {
            Command::AudioStream(stream) => return Some(stream),
            Command::Say(say) => steps.push(FlowStep::Simulated {
                command: "Say".into(),
                detail: say.text.clone(),
            }),
            Command::Pause(pause) => {
                tokio::time::sleep(Duration::from_millis(pause.length)).await;
                steps.push(FlowStep::Simulated {
                    command: "Pause".into(),
                    detail: format!("{} ms", pause.length),
                });
            }
            Command::Hangup(_) => {
                steps.push(FlowStep::Hangup);
                return None;
            }
            other => steps.push(FlowStep::NotCarriedOut {
                command: other.name().to_string(),
            }),
        }
    }
    None
}

/// Plays the whole flow: inbound webhook → PerCL → stream (running `script`, whose content
/// type and metadata the `AudioStream` replaces) → `actionUrl` webhook → the PerCL after it.
pub async fn run_flow(flow: &Flow, script: &Script) -> Result<FlowReport, FlowError> {
    let mut report = FlowReport::default();
    let ids = CallIds {
        account_id: flow.account_id.clone(),
        call_id: script.call.call_id.clone(),
        from: script.call.from.clone(),
        to: script.call.to.clone(),
    };
    let percl = webhook(
        flow,
        &flow.inbound_url,
        WebhookRequest::inbound_call(ids.clone()),
        &mut report.steps,
    )
    .await?;
    let Some(stream) = carry_out(percl, &mut report.steps).await else {
        return Ok(report);
    };

    let mut script = script.clone();
    script.call.content_type = match stream.parsed_content_type() {
        Some(Ok(ct)) => ct,
        Some(Err(e)) => {
            return Err(FlowError::Percl {
                url: flow.inbound_url.clone(),
                why: e.to_string(),
            })
        }
        None => ContentType::Mulaw8k,
    };
    script.call.metadata = stream.metadata_entries().to_vec();
    report.steps.push(FlowStep::Stream {
        location: stream.location.clone(),
        content_type: script.call.content_type.as_str().to_string(),
        port_ok: matches!(stream.port(), Some(80 | 443)),
    });
    let channel = connect(&stream.location, &flow.connect).await?;
    let mut call = run_with(channel, &script, &flow.run).await?;
    let outcome = call.summary.outcome;
    let (status, reason) = action_status(outcome);
    let in_progress = status == CallStatus::InProgress;

    // `EndGrpcStreamMessage.action_url` overrides the PerCL's (when the stream ended so).
    let override_url = (outcome == CallOutcome::EndStream)
        .then(|| {
            call.entries(Dir::FromApp, "end_stream")
                .filter_map(|e| e.fields.get("action_url").and_then(|v| v.as_str()))
                .filter(|u| !u.is_empty())
                .last()
                .map(str::to_string)
        })
        .flatten();
    match override_url.or_else(|| stream.action_url.clone()) {
        Some(url) => {
            let mut request = WebhookRequest::stream_ended(ids);
            request.call_status = Some(status.clone());
            request.call_ended_reason = reason;
            match webhook(flow, &url, request, &mut report.steps).await {
                Ok(percl) if !in_progress && !percl.0.is_empty() => {
                    report.steps.push(FlowStep::Ignored {
                        percl: names(&percl),
                        why: format!(
                            "the call is over (callStatus {status}): there is no call to carry it out on"
                        ),
                    })
                }
                Ok(percl) if in_progress && percl.0.is_empty() => {
                    // No PerCL for a live call: FreeClimb hangs up.
                    report.steps.push(FlowStep::Hangup)
                }
                Ok(percl) => {
                    if let Some(again) = carry_out(percl, &mut report.steps).await {
                        // A second stream would be a new call; the emulator reports it and stops.
                        report.steps.push(FlowStep::NotCarriedOut {
                            command: format!("AudioStream ({})", again.location),
                        });
                    }
                }
                Err(e) => {
                    let why = match e {
                        FlowError::Webhook { why, .. } => why,
                        FlowError::Percl { why, .. } => format!("the answer is not PerCL: {why}"),
                        other => other.to_string(),
                    };
                    tracing::warn!(url = %url, why = %why, "the actionUrl webhook failed; the call's report is kept");
                    call.summary
                        .webhook_errors
                        .push(format!("audioStream webhook to {url}: {why}"));
                    report.steps.push(FlowStep::WebhookFailed {
                        request_type: "audioStream".into(),
                        url,
                        why,
                    });
                }
            }
        }
        None if in_progress => report.steps.push(FlowStep::Hangup),
        None => {}
    }
    report.call = Some(call);
    Ok(report)
}
