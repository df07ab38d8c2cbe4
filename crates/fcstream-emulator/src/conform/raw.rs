//! Recorded platform messages played as bytes, for the few conformance cases the platform
//! model's typed messages cannot express: a message with an unknown field or an unknown
//! oneof member (the golden vectors `future_unknown_field.bin` and
//! `future_unknown_payload.bin`, which a typed encoder cannot produce because it drops what
//! it does not know), and a `NotifyCallEndedMessage` the model would never send unprompted
//! (`APPLICATION_DISCONNECT`, a reason code from a future version).
//!
//! This is not a second platform: no buffers, no rules, no answers to the server. It sends
//! each message at its time, records what comes back and how the server's side ended.

use std::time::{Duration, Instant};

use bytes::{BufMut, Bytes};
use fcstream::proto::AppMessage;
use fcstream::{AudioFrame, CallEnd, CallInfo, ContentType, Direction, EndReason, Event};
use prost::Message;
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;
use tonic::codec::{Codec, DecodeBuf, Decoder, EncodeBuf, Encoder};
use tonic::codegen::http::uri::PathAndQuery;
use tonic::transport::Channel;
use tonic::Status;

/// The call id of the golden vectors' call.
pub const VECTOR_CALL_ID: &str = "CA4f2c0d6b1e";

/// `platform/call_started.bin` of the golden vectors: the call the vectors describe
/// (µ-law 8 kHz, inbound, two metadata strings).
pub fn call_started() -> Bytes {
    let info = CallInfo {
        call_id: VECTOR_CALL_ID.into(),
        to: "+13125550100".into(),
        from: "+17735550199".into(),
        direction: Direction::Inbound,
        metadata: vec!["tenant=acme".into(), "lang=en-US".into()],
        content_type: ContentType::Mulaw8k,
    };
    Event::CallStarted(info).to_proto().encode_to_vec().into()
}

/// `platform/future_unknown_field.bin`: [`call_started`] followed by field 99 (varint 7),
/// which this version of the contract does not define.
pub fn future_unknown_field() -> Bytes {
    let mut b = call_started().to_vec();
    b.extend_from_slice(&[0x98, 0x06, 0x07]);
    b.into()
}

/// `platform/future_unknown_payload.bin`: a `PlatformMessage` whose only field is oneof
/// member 13 (a message with field 1 = "x"), unknown to this version.
pub fn future_unknown_payload() -> Bytes {
    Bytes::from_static(&[0x6a, 0x03, 0x0a, 0x01, 0x78])
}

/// `NotifyCallEndedMessage` for the vectors' call with `reason` (any wire value).
pub fn call_ended(reason: EndReason, description: &str) -> Bytes {
    let end = CallEnd {
        call_id: VECTOR_CALL_ID.into(),
        reason,
        description: description.into(),
    };
    Event::CallEnded(end).to_proto().encode_to_vec().into()
}

/// Caller frame `k` of a raw call (µ-law 8 kHz): 160 bytes, different for every `k`.
pub fn frame_payload(k: u32) -> Bytes {
    let mut b = Vec::with_capacity(160);
    for i in 0..160u32 {
        // A quiet, frame-specific pattern (µ-law codes near 0xFF are near silence).
        b.push(0xF0 | ((i.wrapping_mul(7).wrapping_add(k.wrapping_mul(13))) & 0x0F) as u8);
    }
    // The first bytes carry the frame number, so no two frames are alike.
    b[0] = (k & 0xFF) as u8 | 0x80;
    b[1] = ((k >> 8) & 0xFF) as u8 | 0x80;
    b.into()
}

/// Caller frame `k` as a `NotifyAudioDataMessage`.
pub fn frame(k: u32) -> Bytes {
    let frame = AudioFrame {
        data: frame_payload(k),
        sequence: k,
        start: None,
        end: None,
    };
    Event::Audio(frame).to_proto().encode_to_vec().into()
}

/// One message to send, at its time from the call's start.
#[derive(Debug, Clone)]
pub struct Step {
    /// When.
    pub at: Duration,
    /// The encoded `PlatformMessage`.
    pub bytes: Bytes,
}

/// A raw call of `frames` caller frames every 20 ms, `inject` sent right before frame
/// `before`, ended by `end` after the last frame.
pub fn call(start: Bytes, frames: u32, inject: Option<(u32, Bytes)>, end: Bytes) -> Vec<Step> {
    let frame_time = Duration::from_millis(20);
    let mut steps = vec![Step {
        at: Duration::ZERO,
        bytes: start,
    }];
    for k in 0..frames {
        let at = frame_time * (k + 1);
        if let Some((before, bytes)) = &inject {
            if *before == k {
                steps.push(Step {
                    at,
                    bytes: bytes.clone(),
                });
            }
        }
        steps.push(Step {
            at,
            bytes: frame(k),
        });
    }
    steps.push(Step {
        at: frame_time * (frames + 1),
        bytes: end,
    });
    steps
}

/// How the server's side of a raw call ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum End {
    /// gRPC OK, after the last message was sent.
    Ok,
    /// Closed (OK or a status, as the text says) before the last message was sent.
    Early(String),
    /// An error status, after the last message was sent.
    Status(String),
    /// Still open `grace` after the last message.
    Open,
    /// The stream could not be opened.
    Refused(String),
}

/// What came back from a raw call.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The server's messages with when they arrived.
    pub received: Vec<(Duration, AppMessage)>,
    /// How its side ended.
    pub end: End,
    /// When the last step was sent.
    pub last_sent: Duration,
}

impl Outcome {
    /// The audio payloads the server sent, in order.
    pub fn audio(&self) -> Vec<Bytes> {
        use fcstream::proto::app_message::Payload;
        self.received
            .iter()
            .filter_map(|(_, m)| match &m.payload {
                Some(Payload::AudioData(a)) => Some(a.audio_data.clone()),
                _ => None,
            })
            .collect()
    }
}

/// Plays `steps` on `channel` and waits at most `grace` after the last for the server to
/// close its side.
pub async fn play(
    channel: Channel,
    steps: Vec<Step>,
    grace: Duration,
    authorization: Option<&str>,
) -> Outcome {
    let (tx, rx) = mpsc::channel::<Bytes>(steps.len().max(1));
    let mut request = tonic::Request::new(ReceiverStream::new(rx));
    if let Some(value) = authorization.and_then(|a| a.parse().ok()) {
        request.metadata_mut().insert("authorization", value);
    }
    let t0 = Instant::now();
    let last_at = steps.last().map_or(Duration::ZERO, |s| s.at);
    let sender = tokio::spawn(async move {
        for step in steps {
            tokio::time::sleep_until((t0 + step.at).into()).await;
            if tx.send(step.bytes).await.is_err() {
                break;
            }
        }
        // Dropping `tx` closes the platform's side, as after NotifyCallEnded.
        Instant::now() - t0
    });
    let mut grpc = tonic::client::Grpc::new(channel);
    let path = PathAndQuery::from_static("/freeclimb.GRPCStreamService/SendIVRData");
    let deadline = t0 + last_at + grace;
    let opened = async {
        grpc.ready()
            .await
            .map_err(|e| Status::unavailable(e.to_string()))?;
        grpc.streaming(request, path, RawCodec).await
    };
    let opened = tokio::select! {
        r = opened => r,
        _ = tokio::time::sleep_until(deadline.into()) => Err(Status::deadline_exceeded("the stream did not open")),
    };
    let mut received = Vec::new();
    let end = match opened {
        Err(s) => End::Refused(status_text(&s)),
        Ok(response) => {
            let mut stream = response.into_inner();
            loop {
                let next = tokio::select! {
                    m = stream.message() => m,
                    _ = tokio::time::sleep_until(deadline.into()) => break End::Open,
                };
                let now = t0.elapsed();
                let done = sender.is_finished() && now >= last_at;
                match next {
                    Ok(Some(m)) => received.push((now, m)),
                    Ok(None) if done => break End::Ok,
                    Ok(None) => break End::Early(format!("OK at {} ms", now.as_millis())),
                    Err(s) if done => break End::Status(status_text(&s)),
                    Err(s) => {
                        break End::Early(format!("{} at {} ms", status_text(&s), now.as_millis()))
                    }
                }
            }
        }
    };
    sender.abort();
    Outcome {
        received,
        end,
        last_sent: last_at,
    }
}

fn status_text(s: &Status) -> String {
    if s.message().is_empty() {
        format!("{:?}", s.code())
    } else {
        format!("{:?}: {}", s.code(), s.message())
    }
}

/// Sends pre-encoded `PlatformMessage`s, decodes `AppMessage`s.
#[derive(Debug, Clone, Copy, Default)]
struct RawCodec;

#[derive(Debug, Clone, Copy, Default)]
struct RawEncoder;

#[derive(Debug, Clone, Copy, Default)]
struct RawDecoder;

impl Codec for RawCodec {
    type Encode = Bytes;
    type Decode = AppMessage;
    type Encoder = RawEncoder;
    type Decoder = RawDecoder;
    fn encoder(&mut self) -> RawEncoder {
        RawEncoder
    }
    fn decoder(&mut self) -> RawDecoder {
        RawDecoder
    }
}

impl Encoder for RawEncoder {
    type Item = Bytes;
    type Error = Status;
    fn encode(&mut self, item: Bytes, dst: &mut EncodeBuf<'_>) -> Result<(), Status> {
        dst.put_slice(&item);
        Ok(())
    }
}

impl Decoder for RawDecoder {
    type Item = AppMessage;
    type Error = Status;
    fn decode(&mut self, src: &mut DecodeBuf<'_>) -> Result<Option<AppMessage>, Status> {
        AppMessage::decode(src)
            .map(Some)
            .map_err(|e| Status::internal(format!("undecodable AppMessage: {e}")))
    }
}
