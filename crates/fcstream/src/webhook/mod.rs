//! FreeClimb's webhooks: the HTTP requests that lead to (and follow) an audio stream.
//!
//! A call reaches the gRPC stream only through HTTP first: FreeClimb POSTs the inbound-call
//! webhook to the app's voice URL, the app answers with [`crate::percl`] containing
//! `AudioStream`, the platform opens the stream, and when the stream ends it POSTs an
//! `audioStream` webhook to the `actionUrl`. This module holds both halves of that exchange so
//! the app side ([`crate::http`]) and the platform side (the emulator) share one definition:
//!
//! - [`request`]: the webhook bodies ([`WebhookRequest`]) and their enums, lenient on unknown
//!   fields and values.
//! - [`verify`]: the `FreeClimb-Signature` header: checking it ([`Verifier`]) and producing it
//!   ([`sign`]), HMAC-SHA256 with constant-time comparison and a replay window.

pub mod request;
pub mod verify;

pub use request::{
    CallDirection, CallEndedReason, CallIds, CallStatus, RequestType, WebhookParseError,
    WebhookRequest,
};
pub use verify::{
    sign, unix_now, SignatureError, SignatureHeader, Verifier, DEFAULT_TOLERANCE, SIGNATURE_HEADER,
};
