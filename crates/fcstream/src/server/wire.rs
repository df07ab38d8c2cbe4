//! The codec of fcstream's own server: platform messages decoded straight into [`Event`]s,
//! [`Command`]s encoded straight into the send buffer.
//!
//! Why hand-written: three platform messages per caller frame (the audio, the start and the
//! completion of the last play) and one app message are the whole per-frame work of a call,
//! and decoding them with prost through tonic's `DecodeBuf` (every varint advances a
//! `BytesMut`) into `PlatformMessage`, then converting that to an [`Event`], cost more than
//! the session's own work per frame. Here the three hot messages are read from the message's
//! one contiguous slice, the audio is taken zero-copy, and a `PlayAudioMessage` is written
//! from the command without building an `AppMessage` first.
//!
//! **Exactly prost's meaning, or prost.** The fast path reads only a message in the shape a
//! platform sends it: one payload field, each known field at most once, with no field it does
//! not know, and short varints. Anything else (an unknown or repeated field, a long varint, a
//! truncated length, invalid UTF-8, another message kind) goes to prost and
//! [`Event::from_proto`], unchanged, with the same errors as before. The property tests
//! check both directions against prost on random messages and random bytes.

use bytes::{Buf, BufMut, Bytes};
use prost::Message;
use tonic::codec::{BufferSettings, Codec, DecodeBuf, Decoder, EncodeBuf, Encoder};
use tonic::Status;

use crate::command::Command;
use crate::event::{time, Ack, AudioFrame, Event, EventError};
use crate::proto::PlatformMessage;
use crate::varint::{len as varint_len, put as put_varint};

/// A platform message as the call's driver takes it: an event, a message of a kind this
/// version does not know (`Ok(None)`), or one it cannot convert.
pub(crate) type Decoded = Result<Option<Event>, EventError>;

/// The server's codec (see the module's docs), with the small buffers of
/// [`crate::proto::FrameCodec`].
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct CallCodec;

impl Codec for CallCodec {
    type Encode = Command;
    type Decode = Decoded;
    type Encoder = CommandEncoder;
    type Decoder = EventDecoder;

    fn encoder(&mut self) -> CommandEncoder {
        CommandEncoder
    }

    fn decoder(&mut self) -> EventDecoder {
        EventDecoder
    }
}

/// Decodes platform messages (see the module's docs).
#[derive(Debug, Default)]
pub(crate) struct EventDecoder;

impl Decoder for EventDecoder {
    type Item = Decoded;
    type Error = Status;

    fn decode(&mut self, src: &mut DecodeBuf<'_>) -> Result<Option<Decoded>, Status> {
        Ok(Some(decode(src)?))
    }

    fn buffer_settings(&self) -> BufferSettings {
        crate::proto::settings()
    }
}

/// One whole platform message from `src` (all of it is consumed).
pub(crate) fn decode(src: &mut impl Buf) -> Result<Decoded, Status> {
    if let Some(event) = fast_event(src) {
        return Ok(Ok(Some(event)));
    }
    // tonic's own mapping of a prost decoding error (`tonic_prost`): INTERNAL.
    let msg = PlatformMessage::decode(src).map_err(|e| Status::internal(e.to_string()))?;
    Ok(Event::from_proto(msg))
}

/// Encodes app messages (see the module's docs).
#[derive(Debug, Default)]
pub(crate) struct CommandEncoder;

impl Encoder for CommandEncoder {
    type Item = Command;
    type Error = Status;

    fn encode(&mut self, item: Command, dst: &mut EncodeBuf<'_>) -> Result<(), Status> {
        encode(item, dst);
        Ok(())
    }

    fn buffer_settings(&self) -> BufferSettings {
        crate::proto::settings()
    }
}

/// Writes `cmd` as an `AppMessage`, byte for byte what prost writes for
/// [`Command::into_proto`].
pub(crate) fn encode(cmd: Command, dst: &mut impl BufMut) {
    match cmd {
        Command::PlayAudio {
            id,
            audio,
            content_type,
            sequence,
            last,
        } => {
            // prost writes fields in tag order and leaves out proto3 defaults; the oneof's
            // message field is written even when empty.
            let inner = len_field(id.len())
                + len_field(audio.len())
                + len_field(content_type.len())
                + if sequence != 0 {
                    1 + varint_len(u64::from(sequence))
                } else {
                    0
                }
                + if last { 2 } else { 0 };
            dst.put_u8(key(1, LEN));
            put_varint(dst, inner as u64);
            put_len_field(dst, 1, id.as_bytes());
            put_len_field(dst, 2, &audio);
            put_len_field(dst, 3, content_type.as_bytes());
            if sequence != 0 {
                dst.put_u8(key(5, VARINT));
                put_varint(dst, u64::from(sequence));
            }
            if last {
                dst.put_u8(key(6, VARINT));
                dst.put_u8(1);
            }
        }
        // Rare (a few per call): prost. Encoding into a growable buffer cannot fail.
        other => {
            let msg = other.into_proto();
            dst.put_slice(&msg.encode_to_vec());
        }
    }
}

/// Wire type of varints.
const VARINT: u8 = 0;
/// Wire type of length-delimited fields.
const LEN: u8 = 2;

const fn key(field: u8, wire_type: u8) -> u8 {
    (field << 3) | wire_type
}

fn len_field(n: usize) -> usize {
    if n == 0 {
        0
    } else {
        1 + varint_len(n as u64) + n
    }
}

fn put_len_field(dst: &mut impl BufMut, field: u8, bytes: &[u8]) {
    if !bytes.is_empty() {
        dst.put_u8(key(field, LEN));
        put_varint(dst, bytes.len() as u64);
        dst.put_slice(bytes);
    }
}

/// Reads fields from a slice; every method says `None` for what the fast path leaves to
/// prost.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn done(&self) -> bool {
        self.at >= self.bytes.len()
    }

    fn byte(&mut self) -> Option<u8> {
        let b = *self.bytes.get(self.at)?;
        self.at += 1;
        Some(b)
    }

    /// A one-byte key (fields 1 to 15): field and wire type.
    fn key(&mut self) -> Option<(u8, u8)> {
        let b = self.byte()?;
        if b >= 0x80 || b >> 3 == 0 {
            return None;
        }
        Some((b >> 3, b & 7))
    }

    /// A varint of at most 9 bytes (below 2^63: every value a platform sends; the rest, such
    /// as negative int64s, are prost's).
    #[inline]
    fn varint(&mut self) -> Option<u64> {
        let (&first, rest) = self.bytes.get(self.at..)?.split_first()?;
        if first < 0x80 {
            self.at += 1;
            return Some(u64::from(first));
        }
        let mut v = u64::from(first & 0x7f);
        for (i, &b) in rest.iter().take(8).enumerate() {
            v |= u64::from(b & 0x7f) << (7 * (i + 1));
            if b < 0x80 {
                self.at += i + 2;
                return Some(v);
            }
        }
        None
    }

    /// A length and the position of what it covers, which must be within the slice.
    fn len(&mut self) -> Option<(usize, usize)> {
        let n = usize::try_from(self.varint()?).ok()?;
        let start = self.at;
        let end = start.checked_add(n)?;
        if end > self.bytes.len() {
            return None;
        }
        self.at = end;
        Some((start, end))
    }

    /// A `google.protobuf.Timestamp`: seconds (int64) and nanos (int32), each at most once.
    fn timestamp(&mut self) -> Option<prost_types::Timestamp> {
        let (start, end) = self.len()?;
        let outer = self.bytes;
        self.bytes = &outer[..end];
        self.at = start;
        let (mut seconds, mut nanos) = (None, None);
        while !self.done() {
            match self.key()? {
                (1, VARINT) if seconds.is_none() => seconds = Some(self.varint()? as i64),
                // prost's int32: the varint's low 32 bits.
                (2, VARINT) if nanos.is_none() => nanos = Some(self.varint()? as i32),
                _ => return None,
            }
        }
        self.bytes = outer;
        Some(prost_types::Timestamp {
            seconds: seconds.unwrap_or(0),
            nanos: nanos.unwrap_or(0),
        })
    }
}

/// The audio and playback messages in the shape a platform sends them, or `None` (then
/// nothing was consumed).
fn fast_event(src: &mut impl Buf) -> Option<Event> {
    let whole = src.chunk();
    if whole.len() != src.remaining() {
        return None;
    }
    let mut r = Reader {
        bytes: whole,
        at: 0,
    };
    let (field, wire_type) = r.key()?;
    if wire_type != LEN {
        return None;
    }
    let (start, end) = r.len()?;
    if end != whole.len() {
        // Not exactly one payload field.
        return None;
    }
    let mut r = Reader {
        bytes: whole,
        at: start,
    };
    match field {
        // NotifyAudioMessage.
        2 => {
            let (mut audio, mut begin, mut finish, mut sequence) = (None, None, None, None);
            while !r.done() {
                match r.key()? {
                    (1, LEN) if audio.is_none() => audio = Some(r.len()?),
                    (3, LEN) if begin.is_none() => begin = Some(r.timestamp()?),
                    (4, LEN) if finish.is_none() => finish = Some(r.timestamp()?),
                    // prost's uint32: the varint's low 32 bits.
                    (6, VARINT) if sequence.is_none() => sequence = Some(r.varint()? as u32),
                    _ => return None,
                }
            }
            let total = whole.len();
            let data = match audio {
                Some((a, b)) => {
                    src.advance(a);
                    let data = src.copy_to_bytes(b - a);
                    src.advance(total - b);
                    data
                }
                None => {
                    src.advance(total);
                    Bytes::new()
                }
            };
            Some(Event::Audio(AudioFrame {
                data,
                sequence: sequence.unwrap_or(0),
                start: time(begin),
                end: time(finish),
            }))
        }
        // NotifyAudioPlaybackStartedMessage, NotifyAudioPlaybackCompletedMessage.
        5 | 6 => {
            let (mut id, mut at) = (None, None);
            while !r.done() {
                match r.key()? {
                    (1, LEN) if id.is_none() => {
                        let (a, b) = r.len()?;
                        id = Some(std::str::from_utf8(&whole[a..b]).ok()?);
                    }
                    (2, LEN) if at.is_none() => at = Some(r.timestamp()?),
                    _ => return None,
                }
            }
            let ack = Ack {
                id: id.unwrap_or("").to_owned(),
                at: time(at),
            };
            let total = whole.len();
            src.advance(total);
            Some(if field == 5 {
                Event::PlaybackStarted(ack)
            } else {
                Event::PlaybackCompleted(ack)
            })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::platform_message as pm;
    use proptest::prelude::*;

    /// What prost and the conversion make of `bytes`.
    fn by_prost(bytes: &[u8]) -> Option<Decoded> {
        PlatformMessage::decode(bytes).ok().map(Event::from_proto)
    }

    /// What this codec makes of `bytes`, and whether it consumed all of it.
    fn by_codec(bytes: &[u8]) -> (Option<Decoded>, bool) {
        let mut buf = Bytes::copy_from_slice(bytes);
        let decoded = decode(&mut buf).ok();
        (decoded, !buf.has_remaining())
    }

    fn stamp() -> impl Strategy<Value = Option<prost_types::Timestamp>> {
        prop_oneof![
            Just(None),
            (any::<i64>(), any::<i32>())
                .prop_map(|(seconds, nanos)| Some(prost_types::Timestamp { seconds, nanos })),
            (0i64..4_000_000_000, 0i32..1_000_000_000)
                .prop_map(|(seconds, nanos)| Some(prost_types::Timestamp { seconds, nanos })),
        ]
    }

    fn message() -> impl Strategy<Value = PlatformMessage> {
        let audio = (
            proptest::collection::vec(any::<u8>(), 0..400),
            stamp(),
            stamp(),
            any::<u32>(),
        )
            .prop_map(|(data, start, end, seq)| {
                pm::Payload::NotifyAudioData(pm::NotifyAudioMessage {
                    audio_data: data.into(),
                    start_tstamp: start,
                    end_tstamp: end,
                    sequence_num: seq,
                })
            });
        let started = (".{0,12}", stamp()).prop_map(|(id, timestamp)| {
            pm::Payload::NotifyPlaybackStartedData(pm::NotifyAudioPlaybackStartedMessage {
                id,
                timestamp,
            })
        });
        let completed = (".{0,12}", stamp()).prop_map(|(id, timestamp)| {
            pm::Payload::NotifyPlaybackCompletedData(pm::NotifyAudioPlaybackCompletedMessage {
                id,
                timestamp,
            })
        });
        let cleared = (".{0,12}", stamp()).prop_map(|(id, timestamp)| {
            pm::Payload::NotifyAudioClearedData(pm::NotifyAudioBufferClearedMessage {
                id,
                timestamp,
            })
        });
        prop_oneof![
            audio.prop_map(Some),
            started.prop_map(Some),
            completed.prop_map(Some),
            cleared.prop_map(Some),
            Just(None),
        ]
        .prop_map(|payload| PlatformMessage { payload })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// Every message prost writes decodes to what prost and `from_proto` make of it.
        #[test]
        fn messages_decode_as_prost_decodes_them(msg in message()) {
            let bytes = msg.encode_to_vec();
            let (codec, all) = by_codec(&bytes);
            prop_assert!(all, "consumed the whole message");
            prop_assert_eq!(codec, by_prost(&bytes));
        }

        /// The same after damage: a byte changed, appended or cut (repeated and unknown fields,
        /// bad lengths, bad UTF-8, long varints). Where prost fails the codec fails too.
        #[test]
        fn damaged_messages_decode_as_prost_decodes_them(
            msg in message(),
            at in any::<prop::sample::Index>(),
            byte in any::<u8>(),
            how in 0..4u8,
        ) {
            let mut bytes = msg.encode_to_vec();
            match how {
                0 if !bytes.is_empty() => { let i = at.index(bytes.len()); bytes[i] = byte; }
                1 => { let tail = bytes.clone(); bytes.extend_from_slice(&tail); }
                2 if !bytes.is_empty() => { let i = at.index(bytes.len()); bytes.truncate(i); }
                _ => bytes.push(byte),
            }
            let (codec, _) = by_codec(&bytes);
            prop_assert_eq!(codec, by_prost(&bytes));
        }

        /// Random bytes: the same answer as prost, never a panic.
        #[test]
        fn random_bytes_decode_as_prost_decodes_them(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
            let (codec, _) = by_codec(&bytes);
            prop_assert_eq!(codec, by_prost(&bytes));
        }

        /// A wire timestamp becomes the `SystemTime` prost's conversion makes of it (the
        /// fast path for normalized ones included).
        #[test]
        fn timestamps_convert_as_prost_converts_them(
            ts in prop_oneof![
                (any::<i64>(), any::<i32>()),
                (0i64..i64::MAX, 0i32..1_000_000_000),
                (0i64..4_000_000_000, 0i32..1_000_000_000),
            ],
        ) {
            let (seconds, nanos) = ts;
            let t = prost_types::Timestamp { seconds, nanos };
            prop_assert_eq!(time(Some(t)), std::time::SystemTime::try_from(t).ok());
        }

        /// A `PlayAudioMessage` is written byte for byte as prost writes it.
        #[test]
        fn plays_encode_as_prost_encodes_them(
            id in ".{0,24}",
            audio in proptest::collection::vec(any::<u8>(), 0..400),
            content_type in ".{0,40}",
            sequence in any::<u32>(),
            last in any::<bool>(),
        ) {
            let cmd = Command::PlayAudio { id, audio: audio.into(), content_type, sequence, last };
            let mut ours = Vec::new();
            encode(cmd.clone(), &mut ours);
            prop_assert_eq!(ours, cmd.into_proto().encode_to_vec());
        }
    }

    #[test]
    fn the_fast_path_takes_the_audio_without_a_copy() {
        let msg = PlatformMessage {
            payload: Some(pm::Payload::NotifyAudioData(pm::NotifyAudioMessage {
                audio_data: vec![7u8; 160].into(),
                start_tstamp: None,
                end_tstamp: None,
                sequence_num: 3,
            })),
        };
        let bytes = Bytes::from(msg.encode_to_vec());
        let range = bytes.as_ptr_range();
        let mut buf = bytes.clone();
        assert!(fast_event(&mut buf).is_some(), "the shape a platform sends");
        let mut buf = bytes;
        let Ok(Ok(Some(Event::Audio(frame)))) = decode(&mut buf) else {
            panic!("an audio frame");
        };
        assert!(
            range.contains(&frame.data.as_ptr()),
            "a slice of the message"
        );
        assert_eq!(frame.sequence, 3);
    }

    #[test]
    fn other_commands_encode_as_prost_encodes_them() {
        for cmd in [
            Command::TerminateCall,
            Command::ClearAudioBuffer { id: "c1".into() },
            Command::QueryBuffer(crate::event::BufferKind::Audio),
        ] {
            let mut ours = Vec::new();
            encode(cmd.clone(), &mut ours);
            assert_eq!(ours, cmd.into_proto().encode_to_vec());
        }
    }
}
