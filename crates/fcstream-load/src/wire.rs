//! The load generator's wire layer: gRPC length-prefixed framing and protobuf by hand for the
//! three messages sent thousands of times a second (`NotifyAudioMessage`,
//! `NotifyAudioPlaybackStartedMessage`, `NotifyAudioPlaybackCompletedMessage`) and the one
//! received as often (`PlayAudioMessage`).
//!
//! It exists because the generator must be much cheaper per call than the server it measures:
//! building a prost struct per frame allocates (strings, timestamps), and decoding a
//! `PlayAudioMessage` into one allocates its id and content type. Here a frame is written
//! straight into a shared buffer, and a received `PlayAudioMessage` is a set of zero-copy
//! slices of the bytes h2 handed over. Rare messages (call started/ended, errors, DTMF, clear,
//! depth) go through prost and [`fcstream::Event`] / [`fcstream::Command`], the one
//! conversion the rest of the project uses. Unit tests prove the hand encoding byte-identical
//! to prost's.

use bytes::{Buf, BufMut, Bytes, BytesMut};
use fcstream::proto::AppMessage;
use fcstream::varint::{len as varint_len, put as put_varint};
use fcstream::{Command, Event};
use prost::Message;

/// Largest gRPC message accepted from the app (the library's own server limit is 64 KiB; a
/// bigger one is a broken peer, not audio).
pub const MAX_MESSAGE: usize = 4 << 20;

/// Wire type of a length-delimited field.
const LEN: u64 = 2;
/// Wire type of a varint field.
const VARINT: u64 = 0;

fn key(field: u64, wire_type: u64) -> u64 {
    (field << 3) | wire_type
}

/// A wall-clock instant as protobuf `Timestamp` fields (seconds, nanos).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    /// Seconds since the Unix epoch.
    pub seconds: i64,
    /// Nanoseconds within the second, 0..1e9.
    pub nanos: i32,
}

impl Stamp {
    /// `unix_ns` nanoseconds since the Unix epoch.
    pub fn from_unix_ns(unix_ns: u64) -> Self {
        Self {
            seconds: (unix_ns / 1_000_000_000) as i64,
            nanos: (unix_ns % 1_000_000_000) as i32,
        }
    }

    /// Encoded length of the `Timestamp` message body (proto3: zero fields are omitted).
    fn body_len(self) -> usize {
        let mut n = 0;
        if self.seconds != 0 {
            n += 1 + varint_len(self.seconds as u64);
        }
        if self.nanos != 0 {
            n += 1 + varint_len(self.nanos as i64 as u64);
        }
        n
    }

    fn field_len(self) -> usize {
        let body = self.body_len();
        1 + varint_len(body as u64) + body
    }

    fn put_field(self, buf: &mut BytesMut, field: u64) {
        put_varint(buf, key(field, LEN));
        put_varint(buf, self.body_len() as u64);
        if self.seconds != 0 {
            put_varint(buf, key(1, VARINT));
            put_varint(buf, self.seconds as u64);
        }
        if self.nanos != 0 {
            put_varint(buf, key(2, VARINT));
            put_varint(buf, self.nanos as i64 as u64);
        }
    }
}

/// Writes the 5-byte gRPC prefix (uncompressed, big-endian length).
fn put_prefix(buf: &mut BytesMut, len: usize) {
    buf.put_u8(0);
    buf.put_u32(len as u32);
}

/// Appends one gRPC-framed `PlatformMessage { notify_audio_data }` to `buf`. The audio is
/// `head` followed by `tail` (the tag, then the rest of the caller's frame), so no frame is
/// ever assembled separately.
pub fn put_audio(
    buf: &mut BytesMut,
    head: &[u8],
    tail: &[u8],
    start: Stamp,
    end: Stamp,
    sequence: u32,
) {
    let audio_len = head.len() + tail.len();
    let mut inner = 0;
    if audio_len > 0 {
        inner += 1 + varint_len(audio_len as u64) + audio_len;
    }
    inner += start.field_len() + end.field_len();
    if sequence != 0 {
        inner += 1 + varint_len(u64::from(sequence));
    }
    let outer = 1 + varint_len(inner as u64) + inner;
    buf.reserve(5 + outer);
    put_prefix(buf, outer);
    put_varint(buf, key(2, LEN));
    put_varint(buf, inner as u64);
    if audio_len > 0 {
        put_varint(buf, key(1, LEN));
        put_varint(buf, audio_len as u64);
        buf.put_slice(head);
        buf.put_slice(tail);
    }
    start.put_field(buf, 3);
    end.put_field(buf, 4);
    if sequence != 0 {
        put_varint(buf, key(6, VARINT));
        put_varint(buf, u64::from(sequence));
    }
}

/// Which playback notification [`put_playback`] writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlaybackNote {
    /// `notify_playback_started_data` (5).
    Started,
    /// `notify_playback_completed_data` (6).
    Completed,
}

/// Appends one gRPC-framed `NotifyAudioPlayback{Started,Completed}Message(id, timestamp)`.
pub fn put_playback(buf: &mut BytesMut, which: PlaybackNote, id: &[u8], at: Stamp) {
    let field = match which {
        PlaybackNote::Started => 5,
        PlaybackNote::Completed => 6,
    };
    let mut inner = at.field_len();
    if !id.is_empty() {
        inner += 1 + varint_len(id.len() as u64) + id.len();
    }
    let outer = 1 + varint_len(inner as u64) + inner;
    buf.reserve(5 + outer);
    put_prefix(buf, outer);
    put_varint(buf, key(field, LEN));
    put_varint(buf, inner as u64);
    if !id.is_empty() {
        put_varint(buf, key(1, LEN));
        put_varint(buf, id.len() as u64);
        buf.put_slice(id);
    }
    at.put_field(buf, 2);
}

/// Appends any platform message, gRPC-framed, through prost (for the rare ones).
pub fn put_event(buf: &mut BytesMut, event: &Event) {
    let msg = event.to_proto();
    let len = msg.encoded_len();
    buf.reserve(5 + len);
    put_prefix(buf, len);
    // `reserve` made room, so encoding cannot fail.
    let _ = msg.encode(buf);
}

/// A `PlayAudioMessage` as zero-copy slices of the received bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlayMsg {
    /// The app's id.
    pub id: Bytes,
    /// The samples.
    pub audio: Bytes,
    /// The content type as sent.
    pub content_type: Bytes,
    /// Chunk sequence number.
    pub sequence: u32,
    /// Final chunk of its clip.
    pub last: bool,
}

/// A message from the app, decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AppMsg {
    /// The hot one.
    Play(PlayMsg),
    /// Anything else, through the project's one conversion.
    Other(Command),
    /// No payload this version knows.
    Unknown,
    /// A buffer query with an unknown buffer type.
    BadBufferType(i32),
}

/// Why bytes from the app could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WireError {
    /// The protobuf is malformed.
    #[error("malformed AppMessage: {0}")]
    Protobuf(String),
    /// The gRPC frame is compressed (the generator asks for none).
    #[error("compressed gRPC message (the load generator does not negotiate compression)")]
    Compressed,
    /// A gRPC message larger than [`MAX_MESSAGE`].
    #[error("gRPC message of {0} bytes is larger than the {MAX_MESSAGE}-byte limit")]
    TooLarge(usize),
}

fn get_varint(buf: &mut Bytes) -> Option<u64> {
    let mut v: u64 = 0;
    for shift in (0..64).step_by(7) {
        if !buf.has_remaining() {
            return None;
        }
        let b = buf.get_u8();
        v |= u64::from(b & 0x7f) << shift;
        if b < 0x80 {
            return Some(v);
        }
    }
    None
}

fn get_len_delimited(buf: &mut Bytes) -> Option<Bytes> {
    let len = usize::try_from(get_varint(buf)?).ok()?;
    (len <= buf.remaining()).then(|| buf.split_to(len))
}

/// Skips a field of `wire_type`; `None` if malformed or a group.
fn skip(buf: &mut Bytes, wire_type: u64) -> Option<()> {
    match wire_type {
        0 => get_varint(buf).map(drop),
        1 => (buf.remaining() >= 8).then(|| buf.advance(8)),
        2 => get_len_delimited(buf).map(drop),
        5 => (buf.remaining() >= 4).then(|| buf.advance(4)),
        _ => None,
    }
}

/// The fast path: an `AppMessage` whose only field is `audio_data` (1). `None` means "not
/// that shape, use prost" (which also reports malformed input properly).
fn fast_play(mut msg: Bytes) -> Option<PlayMsg> {
    if get_varint(&mut msg)? != key(1, LEN) {
        return None;
    }
    let mut inner = get_len_delimited(&mut msg)?;
    if msg.has_remaining() {
        return None;
    }
    let mut play = PlayMsg {
        id: Bytes::new(),
        audio: Bytes::new(),
        content_type: Bytes::new(),
        sequence: 0,
        last: false,
    };
    while inner.has_remaining() {
        let k = get_varint(&mut inner)?;
        match (k >> 3, k & 7) {
            (1, LEN) => play.id = get_len_delimited(&mut inner)?,
            (2, LEN) => play.audio = get_len_delimited(&mut inner)?,
            (3, LEN) => play.content_type = get_len_delimited(&mut inner)?,
            (5, VARINT) => play.sequence = get_varint(&mut inner)? as u32,
            (6, VARINT) => play.last = get_varint(&mut inner)? != 0,
            (_, wt) => skip(&mut inner, wt)?,
        }
    }
    Some(play)
}

/// Decodes one `AppMessage`.
pub fn decode_app(msg: Bytes) -> Result<AppMsg, WireError> {
    if let Some(play) = fast_play(msg.clone()) {
        return Ok(AppMsg::Play(play));
    }
    let decoded = AppMessage::decode(msg).map_err(|e| WireError::Protobuf(e.to_string()))?;
    Ok(match Command::from_proto(decoded) {
        Ok(Command::PlayAudio {
            id,
            audio,
            content_type,
            sequence,
            last,
        }) => AppMsg::Play(PlayMsg {
            id: Bytes::from(id),
            audio,
            content_type: Bytes::from(content_type),
            sequence,
            last,
        }),
        Ok(cmd) => AppMsg::Other(cmd),
        Err(fcstream::command::CommandError::UnknownPayload) => AppMsg::Unknown,
        Err(fcstream::command::CommandError::BadBufferType(t)) => AppMsg::BadBufferType(t),
    })
}

/// Splits a gRPC response body, chunk by chunk, into messages. Whole messages inside one
/// chunk are zero-copy slices of it; only a message split across chunks is copied.
#[derive(Debug, Default)]
pub struct Deframer {
    /// The start of a message whose end has not arrived.
    partial: BytesMut,
}

impl Deframer {
    /// Feeds one chunk; calls `each` with every complete message in it.
    pub fn feed(&mut self, mut chunk: Bytes, mut each: impl FnMut(Bytes)) -> Result<(), WireError> {
        if !self.partial.is_empty() {
            // Complete the message that was cut: first its prefix, then its body.
            if self.partial.len() < 5 {
                let take = (5 - self.partial.len()).min(chunk.len());
                self.partial.extend_from_slice(&chunk.split_to(take));
                if self.partial.len() < 5 {
                    return Ok(());
                }
            }
            let len = Self::check_prefix(&self.partial[..5])?;
            let want = 5 + len - self.partial.len();
            let take = want.min(chunk.len());
            self.partial.extend_from_slice(&chunk.split_to(take));
            if self.partial.len() < 5 + len {
                return Ok(());
            }
            let mut whole = std::mem::take(&mut self.partial).freeze();
            whole.advance(5);
            each(whole);
        }
        while chunk.len() >= 5 {
            let len = Self::check_prefix(&chunk[..5])?;
            if chunk.len() < 5 + len {
                break;
            }
            chunk.advance(5);
            each(chunk.split_to(len));
        }
        if !chunk.is_empty() {
            self.partial.extend_from_slice(&chunk);
        }
        Ok(())
    }

    /// Whether a message was cut off (the stream ended inside it).
    pub fn has_partial(&self) -> bool {
        !self.partial.is_empty()
    }

    fn check_prefix(prefix: &[u8]) -> Result<usize, WireError> {
        if prefix[0] != 0 {
            return Err(WireError::Compressed);
        }
        let len = u32::from_be_bytes([prefix[1], prefix[2], prefix[3], prefix[4]]) as usize;
        if len > MAX_MESSAGE {
            return Err(WireError::TooLarge(len));
        }
        Ok(len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use fcstream::proto::app_message as am;
    use fcstream::proto::{platform_message as pm, PlatformMessage};
    use std::time::{Duration, SystemTime, UNIX_EPOCH};

    fn framed(msg: &impl Message) -> Vec<u8> {
        let mut v = vec![0];
        v.extend_from_slice(&(msg.encoded_len() as u32).to_be_bytes());
        v.extend_from_slice(&msg.encode_to_vec());
        v
    }

    fn ts(s: Stamp) -> Option<prost_types::Timestamp> {
        Some(prost_types::Timestamp {
            seconds: s.seconds,
            nanos: s.nanos,
        })
    }

    #[test]
    fn audio_is_byte_identical_to_prost() {
        for (seq, len, ns) in [
            (0u32, 160usize, 1_700_000_000_123_456_789u64),
            (1, 320, 1_700_000_000_000_000_000),
            (300_000, 640, 5),
            (7, 0, 0),
        ] {
            let audio: Vec<u8> = (0..len).map(|i| i as u8).collect();
            let start = Stamp::from_unix_ns(ns);
            let end = Stamp::from_unix_ns(ns + 20_000_000);
            let mut buf = BytesMut::new();
            let split = len.min(20);
            put_audio(&mut buf, &audio[..split], &audio[split..], start, end, seq);
            let want = PlatformMessage {
                payload: Some(pm::Payload::NotifyAudioData(pm::NotifyAudioMessage {
                    audio_data: audio.clone().into(),
                    start_tstamp: ts(start),
                    end_tstamp: ts(end),
                    sequence_num: seq,
                })),
            };
            assert_eq!(&buf[..], &framed(&want)[..], "seq {seq} len {len}");
        }
    }

    #[test]
    fn playback_notes_are_byte_identical_to_prost() {
        let at = Stamp::from_unix_ns(1_700_000_123_000_000_001);
        for id in ["p1", "", "p123456789"] {
            for which in [PlaybackNote::Started, PlaybackNote::Completed] {
                let mut buf = BytesMut::new();
                put_playback(&mut buf, which, id.as_bytes(), at);
                let ack = fcstream::Ack {
                    id: id.into(),
                    at: Some(UNIX_EPOCH + Duration::new(at.seconds as u64, at.nanos as u32)),
                };
                let event = match which {
                    PlaybackNote::Started => Event::PlaybackStarted(ack),
                    PlaybackNote::Completed => Event::PlaybackCompleted(ack),
                };
                let mut via_prost = BytesMut::new();
                put_event(&mut via_prost, &event);
                assert_eq!(buf, via_prost, "{which:?} {id:?}");
            }
        }
        let _ = SystemTime::now();
    }

    fn play_msg(id: &str, audio: &[u8], seq: u32, last: bool) -> AppMessage {
        AppMessage {
            payload: Some(am::Payload::AudioData(am::PlayAudioMessage {
                id: id.into(),
                audio_data: Bytes::copy_from_slice(audio),
                content_type: "audio/mulaw;rate=8000".into(),
                sequence_num: seq,
                last_message: last,
            })),
        }
    }

    #[test]
    fn play_audio_decodes_on_the_fast_path_and_others_through_prost() {
        let msg = Bytes::from(play_msg("p7", &[1, 2, 3], 4, true).encode_to_vec());
        assert!(fast_play(msg.clone()).is_some());
        let AppMsg::Play(p) = decode_app(msg).unwrap() else {
            panic!()
        };
        assert_eq!(&p.id[..], b"p7");
        assert_eq!(&p.audio[..], &[1, 2, 3]);
        assert_eq!(&p.content_type[..], b"audio/mulaw;rate=8000");
        assert_eq!((p.sequence, p.last), (4, true));
        let clear = Command::ClearAudioBuffer { id: "c1".into() }.to_proto();
        assert_eq!(
            decode_app(clear.encode_to_vec().into()).unwrap(),
            AppMsg::Other(Command::ClearAudioBuffer { id: "c1".into() })
        );
        assert_eq!(
            decode_app(AppMessage { payload: None }.encode_to_vec().into()).unwrap(),
            AppMsg::Unknown
        );
        // Garbage never panics.
        for bad in [&[0x0a, 0x05, 1][..], &[0xff; 12], &[0x0a]] {
            let _ = decode_app(Bytes::copy_from_slice(bad));
        }
    }

    #[test]
    fn deframer_handles_any_chunking() {
        let msgs: Vec<Vec<u8>> = (0..5)
            .map(|i| {
                play_msg(&format!("p{i}"), &vec![i as u8; 50 + i], i as u32, false).encode_to_vec()
            })
            .collect();
        let mut stream = Vec::new();
        for m in &msgs {
            stream.extend_from_slice(&framed(&AppMessage::decode(&m[..]).unwrap()));
        }
        for cut in [1, 2, 3, 5, 7, 64, 1000] {
            let mut d = Deframer::default();
            let mut got = Vec::new();
            for chunk in stream.chunks(cut) {
                d.feed(Bytes::copy_from_slice(chunk), |m| got.push(m.to_vec()))
                    .unwrap();
            }
            assert_eq!(got, msgs, "chunks of {cut}");
            assert!(!d.has_partial());
        }
        let mut d = Deframer::default();
        assert_eq!(
            d.feed(Bytes::from_static(&[1, 0, 0, 0, 1, 0]), |_| {}),
            Err(WireError::Compressed)
        );
    }
}
