//! Entry point of the `speech` fuzz target (in `crates/fcstream/fuzz`, the workspace's fuzz
//! crate) and of the test that replays its saved corpus. It lives here, not in
//! `fcstream::fuzzing`, because what it exercises (the Speech v1 wire types and the service's
//! config check) is this crate's. Takes arbitrary bytes and must never panic. Not part of the
//! supported API.

use prost::Message;

use crate::google::api::streaming_recognize_request::StreamingRequest;
use crate::google::api::{StreamingRecognizeRequest, StreamingRecognizeResponse};

/// Decodes the input as a speech-to-text request (what `fcstream stt-serve` reads from any
/// client) and checks its config as the service does, and as a response (what the client
/// reads from a hosted service) and turns it into transcripts. Checks: no panic; transcripts
/// are trimmed, and stability and confidence are within 0..=1 (or NaN, passed on as sent).
pub fn speech(data: &[u8]) {
    if let Ok(request) = StreamingRecognizeRequest::decode(data) {
        if let Some(StreamingRequest::StreamingConfig(config)) = request.streaming_request {
            let _ = crate::service::check_config(config);
        }
    }
    if let Ok(response) = StreamingRecognizeResponse::decode(data) {
        for t in crate::google::transcripts(response).into_iter().flatten() {
            assert_eq!(t.text.trim(), t.text);
            for v in [t.stability, t.confidence] {
                assert!(v.is_nan() || (0.0..=1.0).contains(&v), "{t:?}");
            }
        }
    }
}
