//! The JSON bodies FreeClimb POSTs to an app: the inbound-call webhook, the `audioStream`
//! webhook sent to the `AudioStream` `actionUrl` when the stream ends, and the call-status
//! webhook.
//!
//! They share one shape, so one type, [`WebhookRequest`], holds all three; [`RequestType`] says
//! which one arrived. Parsing is lenient, the way a webhook receiver must be: unknown fields are
//! kept in [`WebhookRequest::extra`], `null` reads as absent, and enum values this version does
//! not know are kept as `Other(String)` instead of failing the request.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

/// Defines a string enum that keeps unknown values, with serde and `Display`.
macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        $name:ident { $( $(#[$vmeta:meta])* $variant:ident = $text:literal, )* }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )*
            /// A value this version does not know, kept as sent.
            Other(String),
        }

        impl $name {
            /// The value as FreeClimb writes it.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $text, )*
                    Self::Other(s) => s,
                }
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                match s {
                    $( $text => Self::$variant, )*
                    other => Self::Other(other.to_string()),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let s = String::deserialize(deserializer)?;
                Ok(Self::from(s.as_str()))
            }
        }
    };
}

open_enum! {
    /// Why FreeClimb is making the request (`requestType`).
    RequestType {
        /// `inboundCall`: a call arrived; the voice URL is asked for PerCL.
        InboundCall = "inboundCall",
        /// `audioStream`: the call's gRPC stream ended; the `AudioStream` `actionUrl` is asked
        /// for PerCL that continues the call.
        AudioStream = "audioStream",
        /// `callStatus`: the call ended; the status callback URL is told.
        CallStatus = "callStatus",
        /// `redirect`: a `Redirect` command's `actionUrl` is asked for PerCL.
        Redirect = "redirect",
        /// `getDigits`: a `GetDigits` command's `actionUrl` gets the digits.
        GetDigits = "getDigits",
    }
}

open_enum! {
    /// The call's state (`callStatus`).
    CallStatus {
        /// `queued`
        Queued = "queued",
        /// `ringing`
        Ringing = "ringing",
        /// `inProgress`
        InProgress = "inProgress",
        /// `canceled`
        Canceled = "canceled",
        /// `completed`
        Completed = "completed",
        /// `failed`
        Failed = "failed",
        /// `busy`
        Busy = "busy",
        /// `noAnswer`
        NoAnswer = "noAnswer",
    }
}

open_enum! {
    /// Which way the call goes (`direction`).
    CallDirection {
        /// `inbound`: someone called the app's number.
        Inbound = "inbound",
        /// `outboundAPI`: the app placed the call through the REST API.
        OutboundApi = "outboundAPI",
        /// `outboundDial`: the call was dialled by PerCL (`OutDial`).
        OutboundDial = "outboundDial",
    }
}

open_enum! {
    /// Why the call ended (`callEndedReason`, on call-status webhooks).
    CallEndedReason {
        /// `busy`
        Busy = "busy",
        /// `failed`
        Failed = "failed",
        /// `noAnswer`
        NoAnswer = "noAnswer",
        /// `callCanceled`
        CallCanceled = "callCanceled",
        /// `farEndHangup`: the other party hung up.
        FarEndHangup = "farEndHangup",
        /// `appHangup`: PerCL `Hangup`.
        AppHangup = "appHangup",
        /// `appReject`
        AppReject = "appReject",
        /// `appNoPercl`: the app returned no PerCL.
        AppNoPercl = "appNoPercl",
        /// `appInvalidPercl`: the app returned PerCL FreeClimb could not run.
        AppInvalidPercl = "appInvalidPercl",
        /// `webhookFailed`: the app's URL could not be reached.
        WebhookFailed = "webhookFailed",
        /// `webhookInvalidResponse`
        WebhookInvalidResponse = "webhookInvalidResponse",
        /// `grpcHangup`: the gRPC stream ended the call.
        GrpcHangup = "grpcHangup",
        /// `maxDuration`
        MaxDuration = "maxDuration",
        /// `internalError`
        InternalError = "internalError",
    }
}

/// A webhook body FreeClimb POSTs: inbound call, stream ended (`audioStream`) or call status.
///
/// Fields FreeClimb sends as `null` (and fields that are missing) read as empty strings or
/// `None`; fields this version does not know are kept in [`extra`](Self::extra) and written back.
///
/// ```
/// use fcstream::webhook::{CallStatus, RequestType, WebhookRequest};
/// let body = br#"{"accountId":"AC1","callId":"CA1","callStatus":"ringing","direction":"inbound",
///   "from":"+15550001","to":"+15550002","requestType":"inboundCall","conferenceId":null,
///   "queueId":null,"parentCallId":null,"applicationId":"AP1"}"#;
/// let req = WebhookRequest::parse(body).unwrap();
/// assert_eq!(req.request_type, Some(RequestType::InboundCall));
/// assert_eq!(req.call_status, Some(CallStatus::Ringing));
/// assert_eq!(req.conference_id, None);
/// assert_eq!(req.extra["applicationId"], "AP1");
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WebhookRequest {
    /// Why the request is made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_type: Option<RequestType>,
    /// The account the call belongs to.
    #[serde(default, deserialize_with = "lenient_string")]
    pub account_id: String,
    /// FreeClimb's id of the call (`CA…`).
    #[serde(default, deserialize_with = "lenient_string")]
    pub call_id: String,
    /// The calling party (E.164).
    #[serde(default, deserialize_with = "lenient_string")]
    pub from: String,
    /// The called party (E.164).
    #[serde(default, deserialize_with = "lenient_string")]
    pub to: String,
    /// The call's state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_status: Option<CallStatus>,
    /// Which way the call goes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub direction: Option<CallDirection>,
    /// The conference, when the request is about one (else `null`).
    #[serde(default, deserialize_with = "lenient_opt_string")]
    pub conference_id: Option<String>,
    /// The queue, when the request is about one (else `null`).
    #[serde(default, deserialize_with = "lenient_opt_string")]
    pub queue_id: Option<String>,
    /// The call that created this one, if any.
    #[serde(default, deserialize_with = "lenient_opt_string")]
    pub parent_call_id: Option<String>,
    /// Why the call ended (call-status webhooks).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_ended_reason: Option<CallEndedReason>,
    /// Fields this version does not model, kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A webhook body that is not a JSON object of the expected shape.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct WebhookParseError(#[from] serde_json::Error);

impl WebhookRequest {
    /// Parses a webhook body.
    pub fn parse(body: &[u8]) -> Result<Self, WebhookParseError> {
        Ok(serde_json::from_slice(body)?)
    }

    /// The body as JSON bytes, the way FreeClimb sends it (nullable ids as `null`).
    pub fn to_json(&self) -> Vec<u8> {
        // Strings, enums and JSON values only: this cannot fail.
        serde_json::to_vec(self).expect("webhook bodies serialise to JSON")
    }

    fn call(request_type: RequestType, call_status: CallStatus, ids: CallIds) -> Self {
        Self {
            request_type: Some(request_type),
            account_id: ids.account_id,
            call_id: ids.call_id,
            from: ids.from,
            to: ids.to,
            call_status: Some(call_status),
            direction: Some(CallDirection::Inbound),
            ..Self::default()
        }
    }

    /// The inbound-call webhook FreeClimb POSTs to the voice URL (`inboundCall`, `ringing`).
    pub fn inbound_call(ids: CallIds) -> Self {
        Self::call(RequestType::InboundCall, CallStatus::Ringing, ids)
    }

    /// The webhook FreeClimb POSTs to the `AudioStream` `actionUrl` when the stream ends
    /// (`audioStream`, `inProgress`: the call goes on with the PerCL the app returns).
    pub fn stream_ended(ids: CallIds) -> Self {
        Self::call(RequestType::AudioStream, CallStatus::InProgress, ids)
    }

    /// The call-status webhook (`callStatus`) with the final status and reason.
    pub fn call_status(ids: CallIds, status: CallStatus, reason: Option<CallEndedReason>) -> Self {
        Self {
            call_ended_reason: reason,
            ..Self::call(RequestType::CallStatus, status, ids)
        }
    }
}

/// The identity of a call, for building webhook bodies (the emulator's side).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CallIds {
    /// The account id (`AC…`).
    pub account_id: String,
    /// The call id (`CA…`).
    pub call_id: String,
    /// The calling party.
    pub from: String,
    /// The called party.
    pub to: String,
}

/// A string that may be sent as `null` (read as empty) or as a number (read as its text).
fn lenient_string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(lenient_opt_string(d)?.unwrap_or_default())
}

/// An optional string that may be sent as `null` or as a number.
fn lenient_opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    match Value::deserialize(d)? {
        Value::Null => Ok(None),
        Value::String(s) => Ok(Some(s)),
        Value::Number(n) => Ok(Some(n.to_string())),
        Value::Bool(b) => Ok(Some(b.to_string())),
        // The kind only: the value itself is the peer's and may be megabytes long.
        Value::Array(_) => Err(serde::de::Error::custom(
            "expected a string or null, got an array",
        )),
        Value::Object(_) => Err(serde::de::Error::custom(
            "expected a string or null, got an object",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_values_are_kept() {
        let r = WebhookRequest::parse(
            br#"{"requestType":"machineDetected","callStatus":"onHold","direction":"sideways"}"#,
        )
        .unwrap();
        assert_eq!(
            r.request_type,
            Some(RequestType::Other("machineDetected".into()))
        );
        assert_eq!(r.call_status, Some(CallStatus::Other("onHold".into())));
        assert_eq!(r.direction, Some(CallDirection::Other("sideways".into())));
        let back: Value = serde_json::from_slice(&r.to_json()).unwrap();
        assert_eq!(back["callStatus"], "onHold");
    }

    #[test]
    fn every_known_value_round_trips() {
        for s in [
            "queued",
            "ringing",
            "inProgress",
            "canceled",
            "completed",
            "failed",
            "busy",
            "noAnswer",
        ] {
            let status = CallStatus::from(s);
            assert!(!matches!(status, CallStatus::Other(_)), "{s}");
            assert_eq!(status.as_str(), s);
        }
    }
}
